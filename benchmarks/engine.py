"""Engine benchmark: swarm's exact cascade against scipy's Dijkstra, side by side.

Run:  python benchmarks/engine.py [--agents 1000000] [--repeat 5]

Rows:
- one cascade with exponential delays on networked(N, k=7): swarm (delays
  drawn inside the run, the public API) and swarm's kernel on pre-drawn
  delays, against scipy.sparse.csgraph.dijkstra on the same graph with the
  same pre-drawn delays (scipy gets its weights for free); edges per second
  and the ratio to scipy;
- the same cascade recording who told whom (``record="tree"``);
- organisation construction for 10^5 and 10^6 agents;
- ensemble throughput: 1,000 runs on 10^4 agents;
- the targets: one cascade on networked(10^5) and networked(N) against scipy's
  Dijkstra on pre-drawn delays, and the ensemble against scipy looped as in
  ``peers.py``, each pair measured in alternation (ratio: median of the
  pairs' ratios), with the load average.
Times are medians of ``--repeat`` repetitions after a warm-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import timeit

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

import swarm
from swarm._kernels.cascade import _cascade_core, _draw_edges
from swarm.models.cascade import kernel_args


def _median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls (timeit: perf_counter, gc off)."""
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--ensemble-agents", type=int, default=10_000)
    ap.add_argument("--ensemble-runs", type=int, default=1_000)
    args = ap.parse_args(argv)
    n = args.agents
    rows = []

    def row(what, seconds, work=None, unit="", ratio=""):
        rate = f"{work / seconds:,.0f} {unit}" if work else ""
        rows.append((what, f"{seconds:.3f}", rate, ratio))

    # construction
    for size in sorted({10**5, n}):
        swarm.networked(min(size, 2000), seed=1)  # warm-up
        t = _median_time(lambda size=size: swarm.networked(size, seed=1), max(1, args.repeat // 2))
        row(f"construct networked({size:,}, k=7)", t)

    org = swarm.networked(n, seed=1)
    g = org._kernel
    nnz = org.n_edges
    model = swarm.Cascade(swarm.Exponential(1.0))
    shock = swarm.Shock([0])
    swarm.simulate(swarm.networked(2000, seed=2), model, shock, seed=0)  # compile
    swarm.simulate(swarm.networked(2000, seed=2), model, shock, seed=0, record="tree")

    # the same delays for swarm's kernel and scipy; the kernel wired as simulate wires it
    args_k = kernel_args(org, model)
    law_kind, law_a, law_b = args_k[12:15]
    keys = np.random.SeedSequence(7).generate_state(3, np.uint64)
    delays, _ = _draw_edges(keys, g["out_scale"], g["out_chan"], law_kind, law_a, law_b, 1.0, 0.0)
    no_ignore = np.zeros(0, dtype=np.bool_)
    origins = np.array([0], dtype=np.int64)
    times = np.empty(n)
    informed = np.empty(n, dtype=np.int32)

    def kernel():
        _cascade_core(*args_k, keys, delays, no_ignore, origins, times, informed)

    out_graph = csr_array((delays, g["out_idx"], g["out_ptr"]), shape=(n, n))
    t_scipy = _median_time(lambda: dijkstra(out_graph, indices=0), args.repeat)
    # the same graph as a user's export would number it (no spatial order)
    shuffle = np.random.default_rng(5).permutation(n)
    shuffled = out_graph[shuffle][:, shuffle].tocsr()
    start = int(np.flatnonzero(shuffle == 0)[0])
    t_scipy_shuffled = _median_time(lambda: dijkstra(shuffled, indices=start), args.repeat)
    t_kernel = _median_time(kernel, args.repeat)
    ref = dijkstra(out_graph, indices=0)
    kernel()
    agree = "exact" if np.array_equal(ref, times) else "DIFFER"
    # with and without the tree in alternation, so the load of a shared machine
    # drifts over both alike
    plain, tree = [], []
    for _ in range(args.repeat):
        plain.append(_median_time(lambda: swarm.simulate(org, model, shock, seed=3), 1))
        tree.append(
            _median_time(lambda: swarm.simulate(org, model, shock, seed=3, record="tree"), 1)
        )
    t_api, t_tree = statistics.median(plain), statistics.median(tree)
    row(f"scipy dijkstra, pre-drawn delays ({nnz:,} edges)", t_scipy, nnz, "edges/s", "1.00")
    row(
        "scipy dijkstra, same graph in random agent order",
        t_scipy_shuffled,
        nnz,
        "edges/s",
        f"{t_scipy / t_scipy_shuffled:.2f}",
    )
    row(
        f"swarm kernel, same delays (agrees: {agree})",
        t_kernel,
        nnz,
        "edges/s",
        f"{t_scipy / t_kernel:.2f}",
    )
    row("swarm.simulate, draws its own delays", t_api, nnz, "edges/s", f"{t_scipy / t_api:.2f}")
    row(
        "swarm.simulate, record='tree'",
        t_tree,
        nnz,
        "edges/s",
        f"tree costs {100 * (t_tree / t_api - 1):+.0f} %",
    )

    # ensemble
    m = args.ensemble_agents
    small = swarm.networked(m, seed=1)
    swarm.simulate(small, model, swarm.Shock("random"), runs=4, seed=0)
    t_ens = _median_time(
        lambda: swarm.simulate(
            small, model, swarm.Shock("random"), runs=args.ensemble_runs, seed=1
        ),
        max(1, args.repeat // 2),
    )
    row(
        f"ensemble: {args.ensemble_runs:,} runs on networked({m:,})",
        t_ens,
        args.ensemble_runs,
        "runs/s",
    )

    import numba

    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads), "
        f"numpy {np.__version__}; medians of {args.repeat}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print("| job | seconds | throughput | ratio to scipy |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    targets(sorted({10**5, n}), m, args.ensemble_runs, args.repeat)


def _paired(swarm_fn, peer_fn, repeat: int) -> tuple[float, float, float]:
    """(swarm s, peer s, ratio): medians over ``repeat`` pairs run in alternation.

    The ratio is the median of the pairs' ratios, so load that drifts
    during the measurement weighs on both sides of each pair alike.
    """
    a, b = [], []
    for _ in range(repeat):
        a.append(_median_time(swarm_fn, 1))
        b.append(_median_time(peer_fn, 1))
    ratio = statistics.median(y / x for x, y in zip(a, b))
    return statistics.median(a), statistics.median(b), ratio


def targets(sizes, ens_agents: int, ens_runs: int, repeat: int) -> None:
    """The ratios of the engine's targets, each swarm and scipy measured in alternation."""
    model = swarm.Cascade(swarm.Exponential(1.0))
    shock = swarm.Shock([0])
    out = []
    for size in sizes:
        org = swarm.networked(size, seed=1)
        g = org._kernel
        law_kind, law_a, law_b = kernel_args(org, model)[12:15]
        seeds = iter(range(1, 10**9))  # every call a new run, for swarm and for scipy
        graphs = []
        for r in range(repeat):
            keys = np.random.SeedSequence(100 + r).generate_state(3, np.uint64)
            d, _ = _draw_edges(
                keys, g["out_scale"], g["out_chan"], law_kind, law_a, law_b, 1.0, 0.0
            )
            graphs.append(csr_array((d, g["out_idx"], g["out_ptr"]), shape=(size, size)))
        which = iter(range(10**9))
        dijkstra(graphs[0], indices=0)
        sw, sp, ratio = _paired(
            lambda org=org, seeds=seeds: swarm.simulate(org, model, shock, seed=next(seeds)),
            lambda graphs=graphs, which=which: dijkstra(graphs[next(which) % repeat], indices=0),
            repeat,
        )
        what = f"one cascade, networked({size:,}): simulate vs scipy dijkstra on pre-drawn delays"
        out.append((what, sw, sp, ratio, 3.0))
    small = swarm.networked(ens_agents, seed=1)
    g = small._kernel
    base = csr_array(
        (np.ones(small.n_edges), g["out_idx"], g["out_ptr"]), shape=(ens_agents, ens_agents)
    )
    rand = swarm.Shock("random")

    def scipy_loop():  # the looped peer of peers.py: numpy draws, a CSR, Dijkstra
        rng = np.random.default_rng(3000)
        for _ in range(ens_runs):
            w = csr_array(
                (rng.exponential(1.0, base.nnz), base.indices, base.indptr), shape=base.shape
            )
            dijkstra(w, indices=int(rng.integers(ens_agents)))

    seeds = iter(range(1, 10**9))
    swarm.simulate(small, model, rand, runs=4, seed=0)
    sw, sp, ratio = _paired(
        lambda: swarm.simulate(small, model, rand, runs=ens_runs, seed=next(seeds)),
        scipy_loop,
        max(1, repeat // 2),
    )
    out.append(
        (
            f"ensemble, {ens_runs:,} runs on networked({ens_agents:,}) vs a scipy loop",
            sw,
            sp,
            ratio,
            5.0,
        )
    )
    print(
        f"\n# the targets, swarm and scipy in alternation; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print("| job | swarm (s) | scipy (s) | ratio | target |")
    print("|---|---:|---:|---:|---:|")
    for what, a, b, r, want in out:
        print(
            f"| {what} | {a:.4f} | {b:.4f} | {r:.2f}x | >= {want:g}x "
            f"{'met' if r >= want else 'missed'} |"
        )


if __name__ == "__main__":
    main()
