"""Event-driven cascade kernel: exact arrival times in time order.

The graph is given "outwards": for each agent ``j`` the agents that watch it
(``out_ptr``/``out_idx``), so a turned agent pushes its signal along its
out-edges. ``out_slot[e]`` is the position of out-edge ``e`` in the watch
matrix (the in-edges, row of the receiver), where per-signal arrival times are
kept when the threshold or attention window needs them; ``in_idx`` gives the
sender of each slot.

A signal's arrival time is ``t_j + delay[e]`` (``delay = inf``: the edge did
not pass the signal), moved to the next meeting (strictly later) on scheduled channels.
A signal is *reinforced* when another signal reached the same agent less than
``window`` earlier (any time earlier without a window); an unreinforced
signal whose edge drew ``ignored[e]`` is ignored. Agent ``i`` turns at the
first arrival time ``t`` at which it holds at least ``thresh[i]`` signals
not ignored that arrived in ``(t - window, t]``.

Where a simple cascade's time goes (``benchmarks/limits.py``: exponential
delays on ``networked(10^4)``, one thread, each piece replayed alone on the
run's own pops and improvements): 12 ns per edge in all, of which gathers
(out-edges, receivers' times) 2.2, delay draws 3.7, writes (time and
informer, 1.9 improvements per agent) 0.4, and the queue with its branches
the remaining 5.8. Per agent: 1.03 pops, 7 relaxations. The one-pass loop
it replaced took 17.4 ns per edge, most of the difference mispredicted
branches (see ``_bucket_cascade``). The ensemble is the same cascade run
after run on one scratch per thread (``_cascade_blocks``).

Kernels import nothing from the package and take arrays and scalars only.
"""

import math

import numpy as np
from numba import get_num_threads, njit, prange

from .buckets import _array_buckets, _general_buckets, _law_buckets
from .heap import FINAL, _heap_pop, _heap_update
from .prefetch import _prefetch
from .rng import _hash_exponential, _hash_uniform

CONSTANT = 0
EXPONENTIAL = 1
LOGNORMAL = 2
SCHEDULED = 3


@njit(inline="always")
def _edge_delay(e, scale, kind, a, b, key):
    """Delay of out-edge ``e`` before the pass/fail draw (counter-based)."""
    if kind == CONSTANT:
        return a * scale
    if kind == EXPONENTIAL:
        return a * scale * _hash_exponential(key, 2 * e)
    if kind == LOGNORMAL:
        u1 = 1.0 - _hash_uniform(key, 2 * e)
        u2 = _hash_uniform(key, 2 * e + 1)
        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
        return a * scale * math.exp(b * z)
    return 0.0  # scheduled: the wait is set by the clock, not drawn


@njit(inline="always")
def _delay(e, out_scale, out_chan, law_kind, law_a, law_b, p, keys, delays, one_law, unit_scale):
    """Delay of out-edge ``e`` in this run (inf: the edge did not pass it).

    ``one_law``: every channel has the law in slot 0, so the per-edge
    channel is not read; ``unit_scale``: every scale is 1, so the scales are
    not read. At 10^7 edges each skipped array saves about 10 % of a run.
    """
    if delays.shape[0] > 0:
        return delays[e]
    c = 0 if one_law else out_chan[e]
    scale = 1.0 if unit_scale else out_scale[e]
    d = _edge_delay(e, scale, law_kind[c], law_a[c], law_b[c], keys[0])
    if p < 1.0 and _hash_uniform(keys[1], e) >= p:
        return np.inf
    return d


@njit(inline="always")
def _ignored(e, ignore, keys, ignored):
    """Whether out-edge ``e``'s signal is ignored when it comes unreinforced."""
    if ignored.shape[0] > 0:
        return ignored[e]
    return _hash_uniform(keys[2], e) < ignore


@njit(cache=True)
def _draw_edges(keys, out_scale, out_chan, law_kind, law_a, law_b, p, ignore):
    """Every out-edge's draws of one run as arrays: (delays, ignored).

    The same values the kernel draws on the fly from ``keys`` (delay, pass
    and ignore streams); for references, tests and peers that need the
    delays up front. ``out_scale`` may be empty: every scale is then 1 (an
    organisation with unit scales need not store them).
    """
    m = out_chan.shape[0]
    unit = out_scale.shape[0] != m
    delays = np.empty(m, dtype=np.float64)
    ignored = np.zeros(m, dtype=np.bool_)
    none = np.empty(0, dtype=np.float64)
    none_b = np.empty(0, dtype=np.bool_)
    for e in range(m):
        delays[e] = _delay(
            e, out_scale, out_chan, law_kind, law_a, law_b, p, keys, none, False, unit
        )
        ignored[e] = ignore > 0.0 and _ignored(e, ignore, keys, none_b)
    return delays, ignored


@njit(inline="always")
def _arrival(t, delay, kind, period, phase):
    a = t + delay
    if kind == SCHEDULED and a < np.inf:
        # the first meeting strictly after the signal was sent: news heard at
        # one meeting is passed on at the next, not at the same instant
        k = math.floor((a - phase) / period) + 1.0
        a = phase + k * period
    return a


@njit(inline="always")
def _candidate(i, in_ptr, arr, arr_ign, use_ignore, m, window, buf_t, buf_s):
    """Earliest time agent ``i`` holds ``m`` signals within ``window``.

    Returns (time, slot of the signal that completes the count) or (inf, -1).
    """
    cnt = 0
    for s in range(in_ptr[i], in_ptr[i + 1]):
        a = arr[s]
        if a < np.inf:
            # insertion into the sorted prefix (rows are short)
            j = cnt
            while j > 0 and buf_t[j - 1] > a:
                buf_t[j] = buf_t[j - 1]
                buf_s[j] = buf_s[j - 1]
                j -= 1
            buf_t[j] = a
            buf_s[j] = s
            cnt += 1
    if use_ignore:  # drop unreinforced signals that drew "ignore"
        kept = 0
        prev = -np.inf  # the previous arrival, kept or not (compacting overwrites)
        for k in range(cnt):
            tk = buf_t[k]
            reinforced = k > 0 and tk - prev < window
            prev = tk
            if reinforced or not arr_ign[buf_s[k]]:
                buf_t[kept] = tk
                buf_s[kept] = buf_s[k]
                kept += 1
        cnt = kept
    if cnt < m:
        return np.inf, -1
    if window == np.inf:
        return buf_t[m - 1], buf_s[m - 1]
    for k in range(m - 1, cnt):
        if buf_t[k] - buf_t[k - m + 1] < window:
            return buf_t[k], buf_s[k]
    return np.inf, -1


@njit(inline="always")
def _bucket_cascade(
    out_ptr,
    out_idx,
    out_scale,
    out_chan,
    origins,
    times,
    informed,
    record,
    delta,
    nb,
    mode,
    law_kind,
    law_a,
    law_b,
    p,
    keys,
    delays,
    one_law,
    unit_scale,
    link,
    buf_e,
    buf_a,
):
    """Simple cascade (threshold 1, no window, nothing ignored) on a bucket queue.

    ``record``: write each improved agent's informer into ``informed``
    (otherwise empty). ``mode`` is a constant at each call site, so its
    branches fold away:
    0, one drawn law with unit scales and p = 1 (the common case); 1,
    pre-drawn ``delays``; 2, anything else (channels, scales, p, meetings).

    Scratch (reused across runs, see ``_scratch``): ``link[i] = (next,
    previous)`` in agent ``i``'s bucket list, previous -1 at a list's head
    and -2 when ``i`` is not queued (every agent is -2 again when a run
    ends); ``buf_e``/``buf_a`` hold one agent's candidates (edge or
    receiver, and arrival time).

    A popped agent's edges are relaxed in two passes. The first computes
    every out-edge's arrival and keeps, without a branch, those that beat the
    receiver's time; the second updates them. Whether an edge improves its
    receiver is a coin toss the branch predictor cannot learn, and the
    mispredictions cost more than the draws they used to skip: on 10^4
    agents the two passes take 11.3 ns per edge against 17.4 for one pass
    that skips drawing for receivers already earlier (half of all edges).
    Mode 2 still filters those receivers first (its draws are dearer:
    channel, scale, pass/fail), branch-free as well.

    Most of a pop's time was waiting on memory: agent ``j``'s edge range
    (``out_ptr[j]``), then its receivers (``out_idx``), then their times, a
    chain of cache misses that out-of-order execution cannot start early,
    because which agent comes next is only known at the pop. The kernel
    therefore prefetches (``prefetch.py``): at each pop, the next agent in
    the bucket (its time and receivers) and the one after it (its edge
    range); at each improvement, the improved agent's receivers (its edge
    range is read then, off the critical path, so its pop later finds them
    in cache); in the first pass, every receiver's list links. One cascade
    on ``networked(10^5)`` and ``networked(10^6)`` takes about 0.7 of the
    time it took without (CPU time, alternating in one process). None of
    it changes a result: a prefetch only moves data.
    """
    kind, la, lb, key = law_kind[0], law_a[0], law_b[0], keys[0]
    head = np.full(nb, -1, dtype=np.int32)
    mask = nb - 1
    inv = 1.0 / delta
    count = 0
    for o in origins:  # a stack of origins in bucket 0
        if times[o] > 0.0:
            times[o] = 0.0
            h = head[0]
            link[o, 0] = h
            link[o, 1] = -1
            if h >= 0:
                link[h, 1] = o
            head[0] = o
            count += 1
    cur = 0  # the current bucket, counted without wrapping
    while count > 0:
        # the lowest non-empty bucket, then its first agent
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
            # the next agent of this bucket is likely the next popped: start
            # its misses now, while j's edges are relaxed
            _prefetch(times, h)
            _prefetch(out_idx, out_ptr[h])
            h2 = link[h, 0]
            if h2 >= 0:
                _prefetch(out_ptr, h2)
                _prefetch(times, h2)
        link[j, 1] = -2
        count -= 1
        t = times[j]
        cnt = 0
        if mode == 2:
            for e in range(out_ptr[j], out_ptr[j + 1]):
                buf_e[cnt] = e
                cnt += times[out_idx[e]] > t  # no delay is negative: skip the draw
            kept = 0
            for c in range(cnt):
                e = buf_e[c]
                ch = 0 if one_law else out_chan[e]
                d = _delay(
                    e,
                    out_scale,
                    out_chan,
                    law_kind,
                    law_a,
                    law_b,
                    p,
                    keys,
                    delays,
                    one_law,
                    unit_scale,
                )
                a = _arrival(t, d, law_kind[ch], law_a[ch], law_b[ch])
                i = out_idx[e]
                buf_e[kept] = i  # from here on the receiver, not the edge
                buf_a[kept] = a
                kept += a < times[i]
                _prefetch(link, i)
            cnt = kept
        else:
            for e in range(out_ptr[j], out_ptr[j + 1]):
                if mode == 1:
                    a = t + delays[e]
                else:
                    a = t + _edge_delay(e, 1.0, kind, la, lb, key)
                i = out_idx[e]
                buf_e[cnt] = i
                buf_a[cnt] = a
                cnt += a < times[i]
                _prefetch(link, i)
        for c in range(cnt):
            i = buf_e[c]
            a = buf_a[c]
            old = times[i]
            if a < old:  # re-read: an agent may appear twice among j's edges
                times[i] = a
                if record:
                    informed[i] = j
                _prefetch(out_idx, out_ptr[i])
                b = np.int64(a * inv) & mask
                before = link[i, 1]
                if before == -2:
                    count += 1
                else:
                    w = np.int64(old * inv) & mask
                    if w == b:
                        continue  # already in the right bucket
                    after = link[i, 0]  # unlink from its old bucket
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


@njit(cache=True)
def _scratch(n, out_ptr):
    """Per-run scratch of the bucket queue, reusable run after run (see ``_bucket_cascade``)."""
    link = np.empty((n, 2), dtype=np.int32)
    for i in range(n):
        link[i, 1] = -2
    longest = 1
    for j in range(n):
        longest = max(longest, out_ptr[j + 1] - out_ptr[j])
    return link, np.empty(longest, dtype=np.int64), np.empty(longest, dtype=np.float64)


@njit(cache=True)
def _cascade_core(
    out_ptr,
    out_idx,
    out_scale,
    out_chan,
    out_slot,
    in_ptr,
    in_idx,
    thresh,
    window,
    simple,
    one_law,
    unit_scale,
    law_kind,
    law_a,
    law_b,
    p,
    ignore,
    keys,
    delays,
    ignored,
    origins,
    times,
    informed,
):
    """One cascade from ``origins`` with its own scratch (see ``_cascade_one``)."""
    link, buf_e, buf_a = _scratch(times.shape[0], out_ptr)
    _cascade_one(
        out_ptr,
        out_idx,
        out_scale,
        out_chan,
        out_slot,
        in_ptr,
        in_idx,
        thresh,
        window,
        simple,
        one_law,
        unit_scale,
        law_kind,
        law_a,
        law_b,
        p,
        ignore,
        keys,
        delays,
        ignored,
        origins,
        times,
        informed,
        link,
        buf_e,
        buf_a,
    )


@njit(cache=True)
def _cascade_one(
    out_ptr,
    out_idx,
    out_scale,
    out_chan,
    out_slot,
    in_ptr,
    in_idx,
    thresh,
    window,
    simple,
    one_law,
    unit_scale,
    law_kind,
    law_a,
    law_b,
    p,
    ignore,
    keys,
    delays,
    ignored,
    origins,
    times,
    informed,
    link,
    buf_e,
    buf_a,
):
    """One cascade from ``origins``; turn times into ``times`` (inf: never).

    ``informed[i]`` receives the agent whose signal completed ``i``'s count
    (-1 for origins and agents never reached); an empty ``informed`` skips
    those writes (``simulate`` without ``record="tree"``). Each edge's delay, pass and
    ignore draws come from the counter-based streams ``keys`` (uint64[3]),
    unless ``delays``/``ignored`` hold pre-drawn values (empty arrays: draw).
    ``simple`` selects the Dijkstra path (every threshold 1, no window,
    nothing ignored), where only an agent's best arrival matters;
    ``one_law``/``unit_scale`` let it skip reading channels and scales.
    The simple path runs on the bucket queue of ``buckets.py`` (unless a
    law's tail is too long for its ring); threshold, window and ignore need
    each signal in time order and run on the 4-ary heap.
    """
    n = times.shape[0]
    record = informed.shape[0] > 0  # an empty ``informed``: informers are not kept
    for i in range(n):
        times[i] = np.inf
    informed[:] = -1
    fast = simple and one_law and unit_scale and p == 1.0 and law_kind[0] != SCHEDULED
    if simple:
        predrawn = delays.shape[0] > 0
        # The bucket ring's width comes from the law (mode 0: the common case,
        # one drawn law, unit scales, every edge passes; it is versioned by
        # hand inside the queue, since loop-invariant flags checked per edge
        # cost 60 % more time at 10^7 edges), from the pre-drawn delays
        # (mode 1) or from every law and scale (mode 2). nb == 0: no ring
        # fits the law's tail, and the heap below takes over.
        mode, delta, nb = -1, 0.0, 0
        if fast and not predrawn:
            mode = 0
            delta, nb = _law_buckets(law_kind[0], law_a[0], law_b[0])
        elif predrawn and not (law_kind == SCHEDULED).any():
            mode = 1
            delta, nb = _array_buckets(delays)
        elif not predrawn:
            mode = 2
            delta, nb = _general_buckets(law_kind, law_a, law_b, one_law, unit_scale, out_scale)
        if nb > 0:
            _bucket_cascade(
                out_ptr,
                out_idx,
                out_scale,
                out_chan,
                origins,
                times,
                informed,
                record,
                delta,
                nb,
                mode,
                law_kind,
                law_a,
                law_b,
                p,
                keys,
                delays,
                one_law,
                unit_scale,
                link,
                buf_e,
                buf_a,
            )
            return
    keys_h = np.empty(n, dtype=np.float64)
    vals_h = np.empty(n, dtype=np.int32)
    pos = np.full(n, -1, dtype=np.int32)
    size = 0
    for o in origins:
        if times[o] > 0.0:
            times[o] = 0.0
            size = _heap_update(keys_h, vals_h, pos, size, 0.0, o)
    if simple:
        # Laws too long-tailed for a bucket ring. Dijkstra: a popped agent's
        # time is final and can never be improved, so "a < times[i]" alone
        # guards the relaxation.
        while size > 0:
            t, j, size = _heap_pop(keys_h, vals_h, pos, size)
            for e in range(out_ptr[j], out_ptr[j + 1]):
                i = out_idx[e]
                c = 0 if one_law else out_chan[e]
                d = _delay(
                    e,
                    out_scale,
                    out_chan,
                    law_kind,
                    law_a,
                    law_b,
                    p,
                    keys,
                    delays,
                    one_law,
                    unit_scale,
                )
                a = _arrival(t, d, law_kind[c], law_a[c], law_b[c])
                if a < times[i]:
                    times[i] = a
                    if record:
                        informed[i] = j
                    size = _heap_update(keys_h, vals_h, pos, size, a, i)
        return
    # general path: keep each signal's arrival in its receiver's row
    arr = np.full(in_idx.shape[0], np.inf)
    use_ignore = ignore > 0.0 or ignored.shape[0] > 0
    arr_ign = np.zeros(in_idx.shape[0] if use_ignore else 0, dtype=np.bool_)
    longest = 1
    for i in range(n):
        d = in_ptr[i + 1] - in_ptr[i]
        if d > longest:
            longest = d
    buf_t = np.empty(longest, dtype=np.float64)
    buf_s = np.empty(longest, dtype=np.int64)
    while size > 0:
        t, j, size = _heap_pop(keys_h, vals_h, pos, size)
        for e in range(out_ptr[j], out_ptr[j + 1]):
            i = out_idx[e]
            if pos[i] == FINAL:
                continue
            c = 0 if one_law else out_chan[e]
            d = _delay(
                e, out_scale, out_chan, law_kind, law_a, law_b, p, keys, delays, one_law, unit_scale
            )
            a = _arrival(t, d, law_kind[c], law_a[c], law_b[c])
            if a >= times[i]:
                continue  # a later signal cannot make i turn earlier
            s = out_slot[e]
            arr[s] = a
            if use_ignore:
                arr_ign[s] = _ignored(e, ignore, keys, ignored)
            cand, slot = _candidate(
                i, in_ptr, arr, arr_ign, use_ignore, thresh[i], window, buf_t, buf_s
            )
            if cand < times[i]:
                times[i] = cand
                if record:
                    informed[i] = in_idx[slot]
                size = _heap_update(keys_h, vals_h, pos, size, cand, i)


def _cascade_runs(
    out_ptr,
    out_idx,
    out_scale,
    out_chan,
    out_slot,
    in_ptr,
    in_idx,
    thresh,
    window,
    simple,
    one_law,
    unit_scale,
    law_kind,
    law_a,
    law_b,
    p,
    ignore,
    origins,
    keys,
    times,
    informed,
):
    """Independent replicates in parallel, replicate ``r`` drawing from ``keys[r]``.

    ``origins`` is (runs, size) in kernel numbering; ``keys`` (runs, 3)
    uint64; ``times``/``informed`` are (runs, n) outputs. A replicate's
    draws depend only on its keys, so the result is the same for any number
    of threads.
    """
    blocks = max(1, min(keys.shape[0], get_num_threads()))
    if blocks == 1:  # one run or one thread: no parallel region to wake threads for
        _cascade_serial(
            out_ptr,
            out_idx,
            out_scale,
            out_chan,
            out_slot,
            in_ptr,
            in_idx,
            thresh,
            window,
            simple,
            one_law,
            unit_scale,
            law_kind,
            law_a,
            law_b,
            p,
            ignore,
            origins,
            keys,
            times,
            informed,
        )
        return
    _cascade_blocks(
        out_ptr,
        out_idx,
        out_scale,
        out_chan,
        out_slot,
        in_ptr,
        in_idx,
        thresh,
        window,
        simple,
        one_law,
        unit_scale,
        law_kind,
        law_a,
        law_b,
        p,
        ignore,
        origins,
        keys,
        times,
        informed,
        blocks,
    )


@njit(cache=True, parallel=True)
def _cascade_blocks(
    out_ptr,
    out_idx,
    out_scale,
    out_chan,
    out_slot,
    in_ptr,
    in_idx,
    thresh,
    window,
    simple,
    one_law,
    unit_scale,
    law_kind,
    law_a,
    law_b,
    p,
    ignore,
    origins,
    keys,
    times,
    informed,
    blocks,
):
    """``_cascade_runs`` in ``blocks`` blocks of consecutive runs, one per thread.

    Each block has its own scratch, kept warm in cache from run to run (a
    new allocation per run costs page faults once the scratch outgrows the
    allocator's reuse).
    """
    runs = keys.shape[0]
    n = times.shape[1]
    no_delays = np.empty(0, dtype=np.float64)
    no_ignored = np.empty(0, dtype=np.bool_)
    for blk in prange(blocks):
        link, buf_e, buf_a = _scratch(n, out_ptr)
        for r in range(blk * runs // blocks, (blk + 1) * runs // blocks):
            _cascade_one(
                out_ptr,
                out_idx,
                out_scale,
                out_chan,
                out_slot,
                in_ptr,
                in_idx,
                thresh,
                window,
                simple,
                one_law,
                unit_scale,
                law_kind,
                law_a,
                law_b,
                p,
                ignore,
                keys[r],
                no_delays,
                no_ignored,
                origins[r],
                times[r],
                informed[r],
                link,
                buf_e,
                buf_a,
            )


@njit(cache=True)
def _cascade_serial(
    out_ptr,
    out_idx,
    out_scale,
    out_chan,
    out_slot,
    in_ptr,
    in_idx,
    thresh,
    window,
    simple,
    one_law,
    unit_scale,
    law_kind,
    law_a,
    law_b,
    p,
    ignore,
    origins,
    keys,
    times,
    informed,
):
    """``_cascade_runs`` on the calling thread, one scratch for all runs."""
    n = times.shape[1]
    no_delays = np.empty(0, dtype=np.float64)
    no_ignored = np.empty(0, dtype=np.bool_)
    link, buf_e, buf_a = _scratch(n, out_ptr)
    for r in range(keys.shape[0]):
        _cascade_one(
            out_ptr,
            out_idx,
            out_scale,
            out_chan,
            out_slot,
            in_ptr,
            in_idx,
            thresh,
            window,
            simple,
            one_law,
            unit_scale,
            law_kind,
            law_a,
            law_b,
            p,
            ignore,
            keys[r],
            no_delays,
            no_ignored,
            origins[r],
            times[r],
            informed[r],
            link,
            buf_e,
            buf_a,
        )
