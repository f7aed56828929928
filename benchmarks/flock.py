"""Flock benchmark: steps per second, split into neighbour search and update.

Run:  python benchmarks/flock.py [--sizes 10000 100000] [--steps 1000 100] [--repeat 3]

For each flock size: ``swarm.flock.Flock(N, dynamics="ism", noise=0.05)``
after a warm-up (compilation and 20 steps), ``--steps`` steps timed end to end
(median of ``--repeat`` fresh flocks, each seeded alike), with the time spent
in the neighbour search (reused lists checked every step, cKDTree rebuilds
when the proof fails) and in the numba update. The peer row is the plain
scheme the lists replace: a fresh ``cKDTree`` and k-nearest query of every
bird at every step (``swarm.structures.neighbours.k_nearest``), timed on the same
positions.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numba
import numpy as np

from swarm.flock import Flock
from swarm.structures.neighbours import k_nearest


def _one(n: int, steps: int, seed: int) -> dict:
    fl = Flock(n, dynamics="ism", noise=0.05, seed=seed)
    fl.run(20, 20, record_positions=False)  # warm-up: compile, melt the lattice
    fl.timing = {"neighbours": 0.0, "update": 0.0}
    before = fl._lists.rebuilds
    t0 = time.perf_counter()
    fl.run(steps, steps, record_positions=False)
    total = time.perf_counter() - t0
    peer = []
    pos = fl.positions
    for _ in range(3):
        t1 = time.perf_counter()
        k_nearest(pos, 7)
        peer.append(time.perf_counter() - t1)
    return {
        "total": total,
        "neighbours": fl.timing["neighbours"],
        "update": fl.timing["update"],
        "rebuilds": fl._lists.rebuilds - before,
        "peer": statistics.median(peer),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument(
        "--steps",
        type=int,
        nargs="+",
        default=[1000, 100],
        help="steps per size (one value, or one per size)",
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    steps = args.steps * len(args.sizes) if len(args.steps) == 1 else args.steps
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores (shared), numba "
        f"{numba.__version__} ({numba.get_num_threads()} threads), numpy {np.__version__}; "
        f"medians of {args.repeat}"
    )
    print(
        "| birds | steps | total s | steps/s | neighbours ms/step | update ms/step "
        "| rebuilds | fresh cKDTree kNN ms/step |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, s in zip(args.sizes, steps):
        runs = [_one(n, s, seed) for seed in range(args.repeat)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"| {n:,} | {s:,} | {med['total']:.1f} | {s / med['total']:,.0f} | "
            f"{1e3 * med['neighbours'] / s:.2f} | {1e3 * med['update'] / s:.2f} | "
            f"{med['rebuilds']:.0f} | {1e3 * med['peer']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
