"""Scale benchmark: the largest organisations, time and peak memory.

Run:  python benchmarks/scale.py [--sizes 2100000,10000000] [--runs 1000]
                                 [--summary-agents 2100000] [--repeats 1]

Rows, each measured in a fresh subprocess whose peak resident memory
(``ru_maxrss`` of that child, read by the parent with ``os.wait4``) is
reported beside its times:

- ``networked(N)`` built and one cascade run on it (exponential delays,
  mean 1, from agent 0), for each ``N`` in ``--sizes``: 2.1 x 10^6 is the
  head count of the largest employer, 10^7 the size beyond it. Build and
  cascade are timed separately and together, and the CPU seconds of both
  (all threads) beside them: on a loaded machine the wall time stretches,
  the CPU time much less.
- networked's two neighbour steps against scipy's ``cKDTree`` on the same
  uniform points, alternated (``--no-neighbours`` skips them): the exact
  7-nearest grid search against ``cKDTree(points).query(points, k=8,
  workers=-1)``, and the kd-tree leaf order (the agents' numbering) against
  building scipy's tree; the ratio is scipy's time over swarm's.
- ``--runs`` cascades from random origins on ``hierarchy(--summary-agents)``
  reduced to their per-run metrics inside the batch
  (``simulate(..., keep="summary")``), which never holds the ``runs x n``
  matrix. Printed as ``n/a`` while ``simulate`` has no ``keep`` argument.

Each child first builds and runs a small case of the same kind, so numba's
compilation (or loading it from the cache) is neither in the times nor
noticeably in the memory. The load average is printed before and after:
on a shared machine the wall times move with it, the memory does not.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _child(kind: str, n: int, runs: int) -> None:
    """Run one case in this (fresh) process and print its times as JSON."""
    sys.path.insert(0, ROOT)
    import swarm

    model = swarm.Cascade(swarm.Exponential(1.0))
    if kind == "knn":
        print(json.dumps(_neighbour_peers(n, runs)))
        return
    if kind == "networked":
        small = swarm.networked(20_000, seed=2)
        swarm.simulate(small, model, swarm.Shock([0]), seed=0)
        t0, c0 = time.perf_counter(), time.process_time()
        org = swarm.networked(n, seed=1)
        t1, c1 = time.perf_counter(), time.process_time()
        res = swarm.simulate(org, model, swarm.Shock([0]), seed=1)
        t2, c2 = time.perf_counter(), time.process_time()
        assert res.arrival_times.shape == (1, n)
        print(
            json.dumps(
                {
                    "build": t1 - t0,
                    "cascade": t2 - t1,
                    "total": t2 - t0,
                    "cpu_build": c1 - c0,
                    "cpu_runs": c2 - c1,
                }
            )
        )
    else:  # summary runs on a hierarchy
        if "keep" not in inspect.signature(swarm.simulate).parameters:
            print(json.dumps({"missing": "simulate has no keep argument"}))
            return
        small = swarm.hierarchy(20_000)
        swarm.simulate(small, model, swarm.Shock("random"), runs=4, seed=0, keep="summary")
        t0, c0 = time.perf_counter(), time.process_time()
        org = swarm.hierarchy(n)
        t1, c1 = time.perf_counter(), time.process_time()
        swarm.simulate(org, model, swarm.Shock("random"), runs=runs, seed=1, keep="summary")
        t2, c2 = time.perf_counter(), time.process_time()
        print(
            json.dumps(
                {
                    "build": t1 - t0,
                    "cascade": t2 - t1,
                    "total": t2 - t0,
                    "cpu_build": c1 - c0,
                    "cpu_runs": c2 - c1,
                }
            )
        )


def _neighbour_peers(n: int, repeats: int) -> dict:
    """networked's two neighbour steps against scipy's cKDTree, alternated, medians.

    Uniform points in the unit square (what networked draws): swarm's exact
    grid search for the 7 nearest against ``cKDTree(points).query(points,
    k=8, workers=-1)`` (the tree built in the timing, as a user would), and
    swarm's kd-tree leaf order against building scipy's tree for its
    ``indices``.
    """
    import numpy as np
    from scipy.spatial import cKDTree

    from swarm._kernels.neighbours import _kd_leaf_order
    from swarm.structures.neighbours import _k_nearest_grid

    pts = np.random.default_rng(1).random((n, 2))
    _k_nearest_grid(pts[:5000], 7)  # compile / load
    _kd_leaf_order(pts[:5000], 16, 64)
    jobs = {
        "grid": lambda: _k_nearest_grid(pts, 7),
        "ckdtree_query": lambda: cKDTree(pts).query(pts, k=8, workers=-1),
        "leaf_order": lambda: _kd_leaf_order(pts, 16, 64),
        "ckdtree_build": lambda: cKDTree(pts, balanced_tree=False, compact_nodes=False),
    }
    times = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            t0 = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - t0)
    return {name: _median(t) for name, t in times.items()}


def measure(kind: str, n: int, runs: int) -> dict:
    """Run a case in a subprocess; its JSON line plus ``peak_gb`` from its own rusage."""
    cmd = [sys.executable, os.path.abspath(__file__), "--_child", kind, str(n), str(runs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait4 gives the rusage of this child alone (RUSAGE_CHILDREN would be the
    # largest of every child so far)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {last}"}
    rec = json.loads(out.strip().splitlines()[-1])
    scale = 1024 if sys.platform != "darwin" else 1  # ru_maxrss: KiB on Linux, bytes on macOS
    rec["peak_gb"] = usage.ru_maxrss * scale / 1e9
    return rec


def _median(values):
    return sorted(values)[len(values) // 2]


def _fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        default="2100000,10000000",
        help="comma-separated head counts for networked build + one cascade",
    )
    ap.add_argument("--runs", type=int, default=1000, help="runs of the summary row")
    ap.add_argument("--summary-agents", type=int, default=2_100_000)
    ap.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="subprocesses per case; the median time and largest peak are shown",
    )
    ap.add_argument(
        "--no-neighbours",
        dest="neighbours",
        action="store_false",
        help="skip the neighbour search against scipy's cKDTree",
    )
    ap.add_argument(
        "--neighbours-agents",
        type=int,
        default=None,
        help="points of the neighbour search (default: the largest size)",
    )
    ap.add_argument("--neighbours-repeats", type=int, default=3)
    args = ap.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 100 or args.runs < 1 or args.repeats < 1:
        ap.error("sizes must be >= 100 agents, runs and repeats >= 1")

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average before "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    cases = [(f"networked({n:,}): build + one cascade", "networked", n, 1) for n in sizes]
    cases.append(
        (
            f"{args.runs:,} runs summary on hierarchy({args.summary_agents:,})",
            "summary",
            args.summary_agents,
            args.runs,
        )
    )
    head = ("case", "build s", "runs s", "total s", "build CPU s", "runs CPU s", "peak RSS GB")
    rows = []
    failed = False
    for label, kind, n, runs in cases:
        recs = [measure(kind, n, runs) for _ in range(args.repeats)]
        bad = [r for r in recs if "error" in r]
        if bad:
            failed = True
            rows.append((label, bad[0]["error"], "", "", "", "", ""))
            continue
        if any("missing" in r for r in recs):
            rows.append((label, *["n/a"] * 6))
            continue
        rows.append(
            (
                label,
                *(
                    _fmt(_median([r[key] for r in recs]), ".2f")
                    for key in ("build", "cascade", "total", "cpu_build", "cpu_runs")
                ),
                _fmt(max(r["peak_gb"] for r in recs), ".2f"),
            )
        )
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    print(fmt.format(*head))
    print(fmt.format(*("-" * w for w in widths)))
    for r in rows:
        print(fmt.format(*r))
    if args.neighbours:
        n = max(sizes) if args.neighbours_agents is None else args.neighbours_agents
        rec = measure("knn", n, args.neighbours_repeats)
        if "error" in rec:
            failed = True
            print(f"neighbour search peers: {rec['error']}")
        else:
            print(
                f"\nneighbour search on {n:,} uniform points in 2-D, medians of "
                f"{args.neighbours_repeats} alternated runs (peak RSS {rec['peak_gb']:.2f} GB)"
            )
            for what, ours, theirs, label in (
                (
                    "7 nearest, exact",
                    "grid",
                    "ckdtree_query",
                    "scipy cKDTree build + query(k=8, workers=-1)",
                ),
                (
                    "kd-tree leaf order",
                    "leaf_order",
                    "ckdtree_build",
                    "scipy cKDTree(balanced_tree=False, compact_nodes=False)",
                ),
            ):
                print(
                    f"  {what}: swarm {rec[ours]:.2f} s, {label} {rec[theirs]:.2f} s, "
                    f"ratio {rec[theirs] / rec[ours]:.1f}x"
                )
    print(
        f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"peak RSS is the child's ru_maxrss (includes Python, numpy and numba)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--_child"]:
        _child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(main())
