"""Cascades reduced to per-run metrics inside the batch: no runs x agents matrix.

Each thread runs its block of replicates into one scratch row of times and
reduces every run, before the next, to what the metrics need (see
``_reduce``): the present agents' count turned, last turn and the order
statistics at given ranks; the cumulative count turned at each time of a
grid; and per group of agents (departments, levels) the count turned, the
first turn and two order statistics. Memory is O(agents) per thread plus
O(runs x (grid + groups)), and every number is the exact value the same
metric takes on the full matrix: order statistics are values of the row,
counts are integers.
"""

import numpy as np
from numba import njit, prange

from .cascade import _cascade_one, _scratch


@njit(cache=True)
def _select(a, lo, hi, k):
    """The value of rank ``k`` in ``a[lo:hi]`` (lo <= k < hi), partitioning in place.

    Quickselect with Hoare's partition around a median of three: afterwards
    ``a[lo:k]`` holds no value above it and ``a[k + 1:hi]`` none below, so a
    lower rank can be selected next within ``a[lo:k]``. Equal values stop
    both scans, so ties (constant delays) keep the halves balanced.
    """
    while hi - lo > 1:
        mid = lo + (hi - lo) // 2
        x, y, z = a[lo], a[mid], a[hi - 1]
        if (x <= y) == (y <= z):
            m = mid
        elif (y <= x) == (x <= z):
            m = lo
        else:
            m = hi - 1
        p = a[m]
        a[m] = a[lo]
        a[lo] = p
        i = lo - 1
        j = hi
        while True:
            i += 1
            while a[i] < p:
                i += 1
            j -= 1
            while a[j] > p:
                j -= 1
            if i >= j:
                break
            tmp = a[i]
            a[i] = a[j]
            a[j] = tmp
        if k <= j:
            hi = j + 1
        else:
            lo = j + 1
    return a[k]


@njit(cache=True)
def _ranks_select(buf, cnt, ks, out):
    """``_ranks`` by quickselect alone, lower ranks within the part left of higher ones."""
    hi = cnt
    for c in range(ks.shape[0] - 1, -1, -1):
        k = ks[c]
        if k < 0 or k >= cnt:
            out[c] = np.inf
            continue
        out[c] = _select(buf, 0, hi, k)
        hi = k  # lower ranks lie in buf[:k]


_SAMPLE = 4096  # values sampled to bracket each rank
_SLACK = 96  # sample ranks on either side of a rank's estimate


@njit(cache=True)
def _ranks(buf, cnt, ks, out, cand):
    """``out[c]`` = the value of rank ``ks[c]`` among ``buf[:cnt]`` (ks ascending; -1: inf).

    Large buffers: a sorted sample of ``buf`` brackets each rank between two
    values; one branch-free pass counts, per rank, the values below the
    bracket and inside it; a second copies each bracket's values to
    ``cand`` (scratch as long as ``buf``), where quickselect finds the rank
    among a few thousand instead of ``cnt`` (the sample is a guide only: a
    rank its bracket misses falls back to quickselect on everything). The
    value is the rank's exact value either way (cf. Floyd and Rivest 1975,
    "Expected time bounds for selection", CACM 18:165).
    """
    nk = ks.shape[0]
    if cnt < 8 * _SAMPLE:
        _ranks_select(buf, cnt, ks, out)
        return
    sample = np.empty(_SAMPLE)
    for i in range(_SAMPLE):
        sample[i] = buf[(i * cnt) // _SAMPLE]
    sample.sort()
    lo = np.empty(nk)
    hi = np.empty(nk)
    for c in range(nk):
        est = (ks[c] * _SAMPLE) // cnt
        lo[c] = sample[est - _SLACK] if est - _SLACK >= 0 else -np.inf
        hi[c] = sample[est + _SLACK] if est + _SLACK < _SAMPLE else np.inf
    below = np.zeros(nk, dtype=np.int64)
    inside = np.zeros(nk, dtype=np.int64)
    for c in range(nk):  # one pass per rank: the counts stay in registers
        a, b = lo[c], hi[c]
        nb = 0
        ni = 0
        for i in range(cnt):
            x = buf[i]
            nb += x < a
            ni += (x >= a) & (x <= b)
        below[c] = nb
        inside[c] = ni
    start = np.zeros(nk + 1, dtype=np.int64)
    ok = True
    for c in range(nk):
        k = ks[c]
        if k >= 0 and k < cnt and not (below[c] <= k < below[c] + inside[c]):
            ok = False  # the sample missed this rank
        start[c + 1] = start[c] + inside[c]
    if not ok or start[nk] > cand.shape[0]:
        _ranks_select(buf, cnt, ks, out)
        return
    for c in range(nk):
        a, b = lo[c], hi[c]
        f = start[c]
        for i in range(cnt):
            x = buf[i]
            if x >= a and x <= b:  # rare: predicted not taken
                cand[f] = x
                f += 1
    for c in range(nk):
        k = ks[c]
        if k < 0 or k >= cnt:
            out[c] = np.inf
        else:
            out[c] = _select(cand, start[c], start[c + 1], start[c] + k - below[c])


@njit(cache=True)
def _reduce(
    times,
    present,
    ks,
    grid,
    grp_ptr,
    grp_idx,
    grp_ks,
    buf,
    cand,
    hist,
    q_out,
    curve_out,
    g_count,
    g_first,
    g_q,
):
    """One run's metrics from its ``times``; returns (turned, last turn) of the present.

    ``present``: agents the metrics count, ``ks``: ascending ranks among
    them (t10, t50, t90). ``curve_out[g]``: how many present agents had
    turned by ``grid[g]`` (grid ascending). Group ``c`` has members
    ``grp_idx[grp_ptr[c]:grp_ptr[c + 1]]`` and ranks ``grp_ks[c]``.
    """
    n = times.shape[0]
    ng = grid.shape[0]
    for g in range(ng + 1):
        hist[g] = 0
    cnt = 0
    turned = 0
    last = -np.inf
    for i in range(n):
        if present[i]:
            t = times[i]
            buf[cnt] = t
            cnt += 1
            if t < np.inf:
                turned += 1
            last = max(last, t)
            # the first grid time at or after t (ng: none), by a binary search
            # without branches on the data: which half is kept is arithmetic, so
            # the loop runs log2(ng) times whatever t is and never mispredicts
            lo = 0
            length = ng
            while length > 0:
                half = length >> 1
                c = np.int64(grid[lo + half] < t)
                lo += c * (half + 1)
                length = half + c * (length - 2 * half - 1)
            hist[lo] += 1
    run = 0
    for g in range(ng):
        run += hist[g]
        curve_out[g] = run
    _ranks(buf, cnt, ks, q_out, cand)
    for c in range(grp_ptr.shape[0] - 1):
        m = 0
        first = np.inf
        got = 0
        for s in range(grp_ptr[c], grp_ptr[c + 1]):
            t = times[grp_idx[s]]
            buf[m] = t
            m += 1
            if t < np.inf:
                got += 1
            first = min(first, t)
        g_count[c] = got
        g_first[c] = first
        _ranks(buf, m, grp_ks[c], g_q[c], cand)
    return turned, last


@njit(cache=True, parallel=True)
def _summary_blocks(
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
    blocks,
    present,
    ks,
    grid,
    grp_ptr,
    grp_idx,
    grp_ks,
    q_out,
    turned_out,
    last_out,
    curve_out,
    g_count,
    g_first,
    g_q,
):
    """Runs as ``cascade._cascade_blocks``, each reduced by ``_reduce`` into row ``r``.

    The per-thread scratch is one row of times and informers, the queue's
    scratch and the reduction's buffer: O(agents) per thread.
    """
    runs = keys.shape[0]
    n = present.shape[0]
    no_delays = np.empty(0, dtype=np.float64)
    no_ignored = np.empty(0, dtype=np.bool_)
    for blk in prange(blocks):
        link, buf_e, buf_a = _scratch(n, out_ptr)
        times = np.empty(n, dtype=np.float64)
        informed = np.empty(0, dtype=np.int32)  # no informers kept: not written
        buf = np.empty(n, dtype=np.float64)
        cand = np.empty(n, dtype=np.float64)
        hist = np.empty(grid.shape[0] + 1, dtype=np.int64)
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
                times,
                informed,
                link,
                buf_e,
                buf_a,
            )
            turned, last = _reduce(
                times,
                present,
                ks,
                grid,
                grp_ptr,
                grp_idx,
                grp_ks,
                buf,
                cand,
                hist,
                q_out[r],
                curve_out[r],
                g_count[r],
                g_first[r],
                g_q[r],
            )
            turned_out[r] = turned
            last_out[r] = last
