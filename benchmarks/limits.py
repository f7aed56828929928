"""The limit, stated: what this machine can do, and swarm's cascade next to it.

Run:  python benchmarks/limits.py [--agents 10000,100000,1000000] [--repeats 7]

Every figure is the least CPU time of its repeats (one thread), so that
other processes on a shared machine do not inflate it.

Part 1, the machine's floor (one thread, numba loops):

- streaming read bandwidth: summing a 64 MiB float64 array (twice the L3);
- random gathers: ``sum(x[idx])`` with independent uniform indices into an
  array of 80 KB, 800 KB, 8 MB and 256 MB (the sizes of ``times`` at 10^4
  ... 3 * 10^7 agents), ns per gather;
- a dependent gather (pointer chase over 256 MB): the memory latency;
- one delay draw: swarm's counter-based exponential (SplitMix64 hash +
  ziggurat) and, for scale, ``-log(1 - u)`` from the same hash.

Part 2, swarm's single cascade (exponential delays, ``networked(N, k=7)``,
origin 0, one thread) in ns per edge: ``simulate`` (public), the kernel
drawing its delays and on pre-drawn delays; then the split of the drawn
kernel, each piece replayed alone on the run's own access pattern (an
instrumented copy of the kernel records the pops and the improvements):

- gathers: for each popped agent, in pop order, its out-edges and the
  receivers' times (the reads every relaxation needs);
- draws: one delay draw per relaxed edge;
- writes: the improvements (time and informer), in order;
- queue: the rest (pops, bucket scans, list splices, mispredicted branches).

The pieces overlap in a real run (out-of-order execution), so the rest is a
lower bound of what the queue costs. The floor per edge is one draw plus
one gather at the size of ``times``: what a cascade needs at the least if
the queue were free.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numba
import numpy as np
from numba import njit

import swarm
from swarm._kernels.rng import _hash_exponential, _hash_uniform


# ---------------------------------------------------------------- the machine
@njit(cache=True)
def _gather(x, idx):
    s = 0.0
    for i in idx:
        s += x[i]
    return s


@njit(cache=True)
def _chase(nxt, steps):
    j = 0
    for _ in range(steps):
        j = nxt[j]
    return j


@njit(cache=True)
def _draws(key, m):
    s = 0.0
    for e in range(m):
        s += _hash_exponential(key, 2 * e)
    return s


@njit(cache=True)
def _draws_log(key, m):
    s = 0.0
    for e in range(m):
        s += -np.log(1.0 - _hash_uniform(key, 2 * e))
    return s


def best(fn, repeats):
    """The least CPU time of ``repeats`` calls after a warm-up.

    CPU time of this process (one thread works), not wall time: on a shared
    machine the time other processes hold the core does not count (they
    still share the caches and the memory bus).
    """
    fn()  # compile / warm
    ts = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        ts.append(time.process_time() - t0)
    return min(ts)


def machine(repeats):
    """(rows, gather ns by array bytes, ns per draw).

    Each figure is the minimum over many short calls (a few ms at most), so
    that on a shared machine some of them run without being preempted.
    """
    rows = []
    many = 10 * repeats
    big = np.random.default_rng(0).random(1 << 23)  # 64 MiB: twice the L3 cache
    t = best(big.sum, many)  # numpy's SIMD pairwise sum: bound by memory, not by adds
    rows.append(
        (
            f"streaming read, {big.nbytes >> 20} MiB",
            f"{big.nbytes / t / 1e9:.1f} GB/s",
            f"{1e9 * t / big.size:.2f} ns per 8 bytes",
        )
    )
    huge = np.random.default_rng(0).random(1 << 25)  # 256 MiB, far beyond every cache
    gathers = {}
    count = 1 << 16
    for size in (10_000, 100_000, 1_000_000, 1 << 25):
        x = huge[:size]
        # fresh indices for every call, so a call finds none of its lines cached
        # by the one before (beyond what the array's size lets the caches hold)
        idx = np.random.default_rng(1).integers(0, size, count * (many + 1)).astype(np.int32)
        calls = iter(range(10**9))
        t = best(
            lambda x=x, idx=idx, calls=calls: _gather(
                x, idx[(next(calls) % (many + 1)) * count :][:count]
            ),
            many,
        )
        gathers[size * 8] = 1e9 * t / count
        rows.append(
            (
                f"random gather, {size * 8 / 1e6:g} MB array",
                f"{count / t / 1e6:.0f} M/s",
                f"{gathers[size * 8]:.2f} ns per gather",
            )
        )
    n = 1 << 25  # one cycle through all, in random order
    perm = np.random.default_rng(2).permutation(n)
    nxt = np.empty(n, dtype=np.int64)
    nxt[perm] = np.roll(perm, -1)
    steps = 1 << 14
    t = best(lambda: _chase(nxt, steps), many)
    rows.append(
        (
            "dependent gather (latency), 256 MiB",
            f"{steps / t / 1e6:.1f} M/s",
            f"{1e9 * t / steps:.1f} ns per gather",
        )
    )
    key = np.uint64(12345)
    m = 1 << 16
    t = best(lambda: _draws(key, m), many)
    per_draw = 1e9 * t / m
    rows.append(
        (
            "one delay draw (hash + ziggurat)",
            f"{m / t / 1e6:.0f} M/s",
            f"{per_draw:.2f} ns per draw",
        )
    )
    t = best(lambda: _draws_log(key, m), many)
    rows.append(
        (
            "one delay draw (hash + -log(1 - u))",
            f"{m / t / 1e6:.0f} M/s",
            f"{1e9 * t / m:.2f} ns per draw",
        )
    )
    return rows, gathers, per_draw


# ---------------------------------------------------------- the cascade split
@njit(cache=True)
def _recorded(out_ptr, out_idx, key, n, delta, nb):
    """The drawn single cascade (mode 0) from agent 0, recording what it does.

    Returns (times, pops, imp_i, imp_a, imp_j): the popped agents in order and
    every improvement (receiver, time, informer) in order. The same algorithm
    as ``cascade._bucket_cascade``, without its two-pass layout.
    """
    m = out_idx.shape[0]
    times = np.full(n, np.inf)
    link = np.empty((n, 2), dtype=np.int32)
    link[:, 1] = -2
    head = np.full(nb, -1, dtype=np.int32)
    pops = np.empty(2 * n, dtype=np.int32)
    imp_i = np.empty(m, dtype=np.int32)
    imp_a = np.empty(m)
    imp_j = np.empty(m, dtype=np.int32)
    npop = 0
    nimp = 0
    mask = nb - 1
    inv = 1.0 / delta
    times[0] = 0.0
    head[0] = 0
    link[0, 0] = -1
    link[0, 1] = -1
    count = 1
    cur = 0
    while count > 0:
        s = cur & mask
        j = head[s]
        while j < 0:
            cur += 1
            s = cur & mask
            j = head[s]
        h = link[j, 0]
        head[s] = h
        if h >= 0:
            link[h, 1] = -1
        link[j, 1] = -2
        count -= 1
        if npop == pops.shape[0]:
            pops = np.concatenate((pops, np.empty(n, dtype=np.int32)))
        pops[npop] = j
        npop += 1
        t = times[j]
        for e in range(out_ptr[j], out_ptr[j + 1]):
            i = out_idx[e]
            a = t + _hash_exponential(key, 2 * e)
            old = times[i]
            if a < old:
                times[i] = a
                imp_i[nimp] = i
                imp_a[nimp] = a
                imp_j[nimp] = j
                nimp += 1
                b = np.int64(a * inv) & mask
                before = link[i, 1]
                if before == -2:
                    count += 1
                else:
                    w = np.int64(old * inv) & mask
                    if w == b:
                        continue
                    after = link[i, 0]
                    if before >= 0:
                        link[before, 0] = after
                    else:
                        head[w] = after
                    if after >= 0:
                        link[after, 1] = before
                h = head[b]
                link[i, 0] = h
                link[i, 1] = -1
                if h >= 0:
                    link[h, 1] = i
                head[b] = i
    return times, pops[:npop], imp_i[:nimp], imp_a[:nimp], imp_j[:nimp]


@njit(cache=True)
def _replay_gathers(out_ptr, out_idx, times, pops):
    s = 0.0
    for j in pops:
        for e in range(out_ptr[j], out_ptr[j + 1]):
            s += times[out_idx[e]]
    return s


@njit(cache=True)
def _replay_draws(out_ptr, pops, key):
    s = 0.0
    for j in pops:
        for e in range(out_ptr[j], out_ptr[j + 1]):
            s += _hash_exponential(key, 2 * e)
    return s


@njit(cache=True)
def _replay_writes(times, informed, imp_i, imp_a, imp_j):
    for k in range(imp_i.shape[0]):
        times[imp_i[k]] = imp_a[k]
        informed[imp_i[k]] = imp_j[k]


def cascade(n, repeats, gathers, per_draw):
    from swarm._kernels.buckets import _law_buckets
    from swarm._kernels.cascade import _cascade_core, _draw_edges

    org = swarm.networked(n, seed=1)
    g, m = org._kernel, org.n_edges
    model = swarm.Cascade(swarm.Exponential(1.0))
    shock = swarm.Shock([0])
    law_kind, law_a, law_b, _ = model._law_tables(g["channels_used"])
    keys = np.random.SeedSequence(7).generate_state(3 * (repeats + 1), np.uint64).reshape(-1, 3)
    thresh = np.ones(n, dtype=np.int32)
    times, informed = np.empty(n), np.empty(n, dtype=np.int32)
    origins = np.array([0], dtype=np.int64)
    no_i = np.empty(0, dtype=np.bool_)
    no_d = np.empty(0)

    from swarm.models.cascade import kernel_args

    graph = kernel_args(org, model)[:7]  # the arrays simulate passes (compact where it can)

    def kernel(k, d):
        _cascade_core(
            *graph,
            thresh,
            np.inf,
            True,
            True,
            True,
            law_kind,
            law_a,
            law_b,
            1.0,
            0.0,
            k,
            d,
            no_i,
            origins,
            times,
            informed,
        )

    delays = [
        _draw_edges(k, g["out_scale"], g["out_chan"], law_kind, law_a, law_b, 1.0, 0.0)[0]
        for k in keys
    ]
    it = iter(range(10**9))  # every call a new run (a repeated run lets predictors learn it)
    swarm.simulate(org, model, shock, seed=0)
    t_api = best(lambda: swarm.simulate(org, model, shock, seed=next(it) % repeats), repeats)
    t_draw = best(lambda: kernel(keys[next(it) % repeats], no_d), repeats)
    t_pre = best(lambda: kernel(keys[next(it) % repeats], delays[next(it) % repeats]), repeats)
    # the split, on run 0's access pattern
    key = keys[0, 0]
    delta, nb = _law_buckets(1, 1.0, 0.0)
    final, pops, imp_i, imp_a, imp_j = _recorded(g["out_ptr"], g["out_idx"], key, n, delta, nb)
    kernel(keys[0], no_d)
    assert np.array_equal(final, times), "the recording kernel differs from swarm's"
    t_g = best(lambda: _replay_gathers(g["out_ptr"], g["out_idx"], final, pops), repeats)
    t_d = best(lambda: _replay_draws(g["out_ptr"], pops, key), repeats)
    scratch_t, scratch_i = np.full(n, np.inf), np.empty(n, dtype=np.int32)
    t_w = best(lambda: _replay_writes(scratch_t, scratch_i, imp_i, imp_a, imp_j), repeats)
    t_q = t_draw - t_g - t_d - t_w
    size = min(gathers, key=lambda b: abs(np.log(b / (8 * n))))
    floor = gathers[size] + per_draw

    def ns(t):
        return 1e9 * t / m

    print(
        f"\none cascade, networked({n:,}), {m:,} edges, exp delays, 1 thread; "
        f"{len(pops) / n:.3f} pops and {len(imp_i) / n:.2f} improvements per agent:"
    )
    print(f"  {'swarm.simulate (public)':<44} {ns(t_api):6.1f} ns/edge")
    print(
        f"  {'kernel, drawing its delays':<44} {ns(t_draw):6.1f} ns/edge  "
        f"{ns(t_draw) / floor:.1f}x the floor"
    )
    print(f"  {'kernel, pre-drawn delays':<44} {ns(t_pre):6.1f} ns/edge")
    print("  split of the drawing kernel, each piece alone:")
    for what, t in (
        ("gathers (out-edges, receivers' times)", t_g),
        ("draws (one per relaxed edge)", t_d),
        ("writes (time, informer per improvement)", t_w),
        ("queue and branches (the rest)", t_q),
    ):
        print(f"    {what:<42} {ns(t):6.1f} ns/edge  {100 * t / t_draw:4.0f} %")
    print(
        f"  floor: one draw ({per_draw:.2f} ns) + one random gather in a "
        f"{size / 1e6:g} MB array ({gathers[size]:.2f} ns) = {floor:.2f} ns/edge"
    )
    return {"n": n, "api": ns(t_api), "kernel": ns(t_draw), "floor": floor}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", default="10000,100000,1000000")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    numba.set_num_threads(1)
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, numba {numba.__version__}, "
        f"1 thread; minimum of {args.repeats}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    rows, gathers, per_draw = machine(args.repeats)
    print("| the machine | rate | cost |")
    print("|---|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    out = [cascade(int(n), args.repeats, gathers, per_draw) for n in args.agents.split(",")]
    print("\n| agents | swarm.simulate ns/edge | kernel ns/edge | floor ns/edge | kernel / floor |")
    print("|---:|---:|---:|---:|---:|")
    for o in out:
        print(
            f"| {o['n']:,} | {o['api']:.1f} | {o['kernel']:.1f} | {o['floor']:.1f} | "
            f"{o['kernel'] / o['floor']:.1f}x |"
        )
    print(f"# load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
