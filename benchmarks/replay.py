"""Replay benchmark: news from every person at one start time, on both real data sets.

Run:  python benchmarks/replay.py [--start 0] [--sample 40] [--repeat 3]

For each shipped contact sequence (email-Eu-core-temporal: 83,083 e-mails,
816 people; CollegeMsg: 59,835 messages, 1,899 people) every person is the
origin once, at one start time, with no delay and p = 1: earliest arrival
along time-respecting paths for all n x n (origin, person) pairs.

Rows:
* ``swarm.replay(c, "each")``: the public call (64 origins per pass in
  bitsets, words in parallel);
* ``swarm kernel, one run per origin``: the general kernel, one pass per
  origin (what ``replay`` does with a delay or random origins), runs in
  parallel;
* ``python, one pass per origin``: the same algorithm in plain Python
  (lists, floats), timed on ``--sample`` origins spread over everyone and
  scaled to all of them (the full run takes minutes);
* ``python, big-int bitsets``: a cleverer plain-Python version, every
  origin at once in one Python int per person.

Answers are checked between all of them (the sampled origins for the
per-origin Python). Times are medians of ``--repeat`` after a warm-up; the
ratio column is the plain per-origin Python time over each row's. The
machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time
import timeit

import numba
import numpy as np

import swarm
from swarm._kernels.replay import _replay_runs


def python_one_origin(src, dst, tm, n, origin, start):
    """Plain Python: one pass over the time-sorted contacts (ties re-passed)."""
    times = [math.inf] * n
    times[origin] = start
    m = len(tm)
    k = 0
    while k < m and tm[k] < start:
        k += 1
    while k < m:
        t = tm[k]
        e = k + 1
        while e < m and tm[e] == t:
            e += 1
        changed = True
        while changed:
            changed = False
            for j in range(k, e):
                if times[src[j]] <= t and times[dst[j]] > t:
                    times[dst[j]] = t
                    changed = True
            if e - k == 1:
                break
        k = e
    return [x - start for x in times]


def python_bitsets(src, dst, tm, n, start):
    """Plain Python, every origin at once: bit o of known[v] = v knows in the run from o."""
    known = [1 << v for v in range(n)]
    times = [[math.inf] * n for _ in range(n)]
    for o in range(n):
        times[o][o] = 0.0
    m = len(tm)
    k = 0
    while k < m and tm[k] < start:
        k += 1
    while k < m:
        t = tm[k]
        e = k + 1
        while e < m and tm[e] == t:
            e += 1
        changed = True
        while changed:
            changed = False
            for j in range(k, e):
                v = dst[j]
                new = known[src[j]] & ~known[v]
                if new:
                    known[v] |= new
                    changed = True
                    while new:
                        low = new & -new
                        times[low.bit_length() - 1][v] = t - start
                        new ^= low
            if e - k == 1:
                break
        k = e
    return times


def _median(fn, repeat):
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def bench(c: swarm.Contacts, start: float, sample: int, repeat: int):
    n = c.n
    src, dst, tm = c.source.tolist(), c.target.tolist(), c.time.tolist()
    each = swarm.replay(c, "each", start=start)  # warm-up (and compile)
    t_each = _median(lambda: swarm.replay(c, "each", start=start), repeat)

    origins = np.arange(n, dtype=np.int64)[:, None]
    keys = np.zeros(n, dtype=np.uint64)
    starts = np.full(n, start)
    firsts = np.full(n, np.searchsorted(c.time, start), dtype=np.int64)
    times = np.empty((n, n))
    informed = np.empty((n, n), dtype=np.int32)

    def kernel():
        _replay_runs(
            c.source,
            c.target,
            c.time,
            False,
            0.0,
            1.0,
            keys,
            origins,
            starts,
            firsts,
            times,
            informed,
        )

    kernel()
    t_kernel = _median(kernel, repeat)
    assert np.array_equal(times, each.arrival_times)

    picked = np.linspace(0, n - 1, min(sample, n)).round().astype(int)
    t0 = time.perf_counter()
    rows = [python_one_origin(src, dst, tm, n, int(o), start) for o in picked]
    t_py = (time.perf_counter() - t0) / len(picked) * n
    for o, row in zip(picked, rows):
        assert np.array_equal(np.array(row), each.arrival_times[o]), o

    t0 = time.perf_counter()
    bits = python_bitsets(src, dst, tm, n, start)
    t_bits = time.perf_counter() - t0
    assert np.array_equal(np.array(bits), each.arrival_times)
    return [
        ("swarm.replay(c, 'each')", t_each),
        ("swarm kernel, one run per origin", t_kernel),
        (f"python, one pass per origin ({len(picked)} timed, x {n / len(picked):.1f})", t_py),
        ("python, big-int bitsets, all origins at once", t_bits),
    ]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--start",
        type=float,
        default=0.0,
        help="start time in hours after the first contact (default 0)",
    )
    ap.add_argument(
        "--sample",
        type=int,
        default=40,
        help="origins the per-origin Python is timed on (default 40)",
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(
        f"# python {platform.python_version()}, numba {numba.__version__}, "
        f"{numba.get_num_threads()} threads, {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f} (1 min) at the start"
    )
    for load in (swarm.datasets.email_eu_core_temporal, swarm.datasets.college_msg):
        c = load()
        rows = bench(c, args.start, args.sample, args.repeat)
        base = rows[2][1]
        print(
            f"\n{c.name}: {len(c):,} contacts, {c.n:,} people; every person as origin at "
            f"{args.start:g} h, delay 0, p = 1 (answers agree)"
        )
        print(f"{'':48s} {'seconds':>9s} {'python/this':>12s}")
        for label, secs in rows:
            print(f"{label:48s} {secs:9.3f} {base / secs:12.0f}")
    print(f"\n# load average {os.getloadavg()[0]:.2f} (1 min) at the end")


if __name__ == "__main__":
    main()
