"""Sweep benchmark: cells per second, local against Dask, and what the store costs.

Run:  python benchmarks/sweep.py [--agents 10000] [--cells 200] [--runs 10] [--repeat 3]

A sweep of ``--cells`` cells (5 watch sizes k x p values) of a networked
organisation of ``--agents`` people, ``--runs`` cascades per cell, each
written to a fresh SQLite store:

- local: in this process (numba spreads each cell's runs over the cores);
- dask: a LocalCluster of 2 single-threaded worker processes on loopback,
  already started and warm (cluster start-up is reported on its own).

*Overhead* is the share of the workers' wall time not spent computing cells
(each cell times its own compute): ``1 - sum(cell seconds) / (wall x
workers)``. It holds the store, the scheduling, result transfer and the idle
tail. The store's own cost is also timed alone: committing the cells of one
sweep to a fresh store, one transaction each. Times are medians of
``--repeat`` sweeps after a warm-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time

import numpy as np

import swarm
from swarm.experiments._cells import CellRunner as _Runner
from swarm.experiments.store import Store
from swarm.experiments.sweep import cells


def _scenario(n: int) -> swarm.Scenario:
    return swarm.Scenario(
        {"networked": {"n": n, "k": 7}},
        model=swarm.Cascade(swarm.Exponential(1.0), p=0.9),
        shock=swarm.Shock("random"),
        name="benchmark",
    )


def _grid(n_cells: int) -> dict:
    ks = [5, 6, 7, 8, 9]
    per = max(1, n_cells // len(ks))
    return {"structure.k": ks, "model.p": np.round(np.linspace(0.5, 1.0, per), 4).tolist()}


def _timed_sweep(sc, grid, runs, backend, scheduler=None):
    """Wall seconds of one sweep into a fresh store, and the cells' summed compute seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.sqlite")
        t0 = time.perf_counter()
        swarm.sweep(
            sc, grid, runs, 1, store=path, backend=backend, scheduler=scheduler, progress=False
        )
        wall = time.perf_counter() - t0
        compute = float(swarm.load(path, provenance=True)["seconds"].sum())
    return wall, compute


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--cells", type=int, default=200)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sc = _scenario(args.agents)
    grid = _grid(args.cells)
    n_cells = len(cells(sc, grid))
    rows = []

    # warm-up: numba kernels loaded, the organisation code paths run once
    swarm.sweep(sc, {"model.p": [0.9]}, 2, 0, progress=False)

    def report(name, results, workers):
        wall = statistics.median(w for w, _ in results)
        over = statistics.median(1 - c / (w * workers) for w, c in results)
        rows.append((name, workers, f"{wall:.2f}", f"{n_cells / wall:.1f}", f"{100 * over:.1f} %"))
        print(rows[-1], file=sys.stderr)

    report("local", [_timed_sweep(sc, grid, args.runs, "local") for _ in range(args.repeat)], 1)

    from swarm.experiments._dask import local_cluster

    t0 = time.perf_counter()
    with local_cluster(2) as cluster:
        start = time.perf_counter() - t0
        swarm.sweep(
            sc,
            {"model.p": [0.9, 0.8, 0.7, 0.6]},
            2,
            0,
            backend="dask",
            scheduler=cluster.scheduler_address,
            progress=False,
        )  # warm the workers
        report(
            "dask, 2 workers",
            [
                _timed_sweep(sc, grid, args.runs, "dask", cluster.scheduler_address)
                for _ in range(args.repeat)
            ],
            2,
        )

    # the store alone: commit one sweep's cells, one transaction each
    runner = _Runner(sc, args.runs, np.random.SeedSequence(1), None)
    items = [runner(v) for v in cells(sc, {"structure.k": [7], "model.p": [0.9]})]
    item = items[0]
    fake = [
        {**item, "key": f"cell {i}", "values": {"structure": "networked", "i": i}}
        for i in range(n_cells)
    ]
    commit = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            db = Store.open(os.path.join(tmp, "s.sqlite"), {"benchmark": True})
            t0 = time.perf_counter()
            for it in fake:
                db.put(it)
            commit.append((time.perf_counter() - t0) / n_cells)
            db.close()
    per_cell = statistics.median(commit)

    print(
        f"\n{n_cells} cells of networked({args.agents:,}, k=5..9), {args.runs} runs each; "
        f"{platform.machine()}, {os.cpu_count()} cores (shared), numba "
        f"{__import__('numba').__version__}; medians of {args.repeat}\n"
    )
    print("| backend | workers | wall s | cells/s | overhead (store + scheduling + idle) |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(map(str, r)) + " |")
    cell_s = item["seconds"]
    print(
        f"\nstore commit: {1e3 * per_cell:.3f} ms per cell ({100 * per_cell / cell_s:.2f} % of "
        f"one cell's compute, {1e3 * cell_s:.0f} ms); Dask cluster start-up {start:.1f} s "
        "(not in the table)"
    )


if __name__ == "__main__":
    main()
