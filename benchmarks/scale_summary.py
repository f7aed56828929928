"""1,000 runs on the largest employer's head count, kept as metrics: time and peak memory.

Run:  python benchmarks/scale_summary.py [--agents 2100000] [--runs 1000]

Builds ``hierarchy(N)`` (span 7) and runs ``simulate(..., keep="summary")``
with exponential delays from a random origin: every run is reduced to its
metrics inside the kernel batch, so memory is the organisation plus O(N)
per thread plus O(runs). The full matrix would need ``runs * N * 8`` bytes
(16.8 GB at the defaults). Peak RSS is the process's high-water mark
(``ru_maxrss``), measured after each phase; the load average is printed
beside the times.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numba
import numpy as np

import swarm


def peak_mb() -> float:
    """This process's peak resident memory so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=2_100_000)
    ap.add_argument("--runs", type=int, default=1_000)
    ap.add_argument("--progress", action="store_true", help="a progress bar on stderr")
    args = ap.parse_args(argv)
    n, runs = args.agents, args.runs
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"# {os.cpu_count()} cores, numba {numba.__version__} "
        f"({numba.get_num_threads()} threads); load average at start {load}"
    )
    # compile on a small organisation first, so the times below are the work
    swarm.simulate(swarm.hierarchy(500), swarm.Cascade(), runs=4, seed=0, keep="summary")
    base = peak_mb()
    t0 = time.perf_counter()
    org = swarm.hierarchy(n)
    _ = org._kernel  # the kernel's graph arrays are built on first use: part of the set-up
    t_build = time.perf_counter() - t0
    after_build = peak_mb()
    t0 = time.perf_counter()
    s = swarm.simulate(
        org,
        swarm.Cascade(),
        swarm.Shock("random"),
        runs=runs,
        seed=1,
        keep="summary",
        grid=np.linspace(0.0, 100.0, 201),
        progress=args.progress,
    )
    t_runs = time.perf_counter() - t0
    peak = peak_mb()
    med = s.summary().iloc[0]
    print("| job | seconds | peak RSS (MB) |")
    print("|---|---:|---:|")
    print(f"| python + numba, compiled | | {base:,.0f} |")
    print(f"| build hierarchy({n:,}) | {t_build:.1f} | {after_build:,.0f} |")
    print(
        f"| {runs:,} runs, keep='summary' ({1e3 * t_runs / runs:.0f} ms per run) | "
        f"{t_runs:.1f} | {peak:,.0f} |"
    )
    print(
        f"# the full matrix would need {runs * n * 8 / 1e9:.1f} GB; median t50 "
        f"{med['t50']:.3g}, t90 {med['t90']:.3g} {s.unit}, mean reach {med['reach']:.3f}"
    )
    print(f"# load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
