"""Event-driven cascade kernel: exact arrival times in time order.

The graph is given "outwards": for each agent ``j`` the agents that watch it
(``out_ptr``/``out_idx``), so a turned agent pushes its signal along its
out-edges. ``out_slot[e]`` is the position of out-edge ``e`` in the watch
matrix (the in-edges, row of the receiver), where per-signal arrival times are
kept when the threshold or attention window needs them; ``in_idx`` gives the
sender of each slot.

A signal's arrival time is ``t_j + delay[e]`` (``delay = inf``: the edge did
not pass the signal), rounded up to the next meeting on scheduled channels.
Agent ``i`` turns at the first arrival time ``t`` at which it holds at least
``thresh[i]`` signals that arrived in ``(t - window, t]``.

Kernels import nothing from the package and take arrays and scalars only.
"""

import math

import numpy as np
from numba import njit, prange

from .heap import _heap_pop, _heap_push
from .rng import _exponential, _normal, _uniform

CONSTANT = 0
EXPONENTIAL = 1
LOGNORMAL = 2
SCHEDULED = 3


@njit(cache=True)
def _draw_delays(state, out_scale, out_chan, law_kind, law_a, law_b, p, delays):
    """Fill ``delays`` (one per out-edge, in edge order) from ``state``.

    All delays are drawn first and the pass/fail uniforms after them, so the
    delays of a run do not depend on ``p`` and raising ``p`` only opens more
    edges: runs with the same seed are coupled across ``p``.
    """
    m = delays.shape[0]
    for e in range(m):
        c = out_chan[e]
        kind = law_kind[c]
        if kind == CONSTANT:
            d = law_a[c] * out_scale[e]
        elif kind == EXPONENTIAL:
            d = law_a[c] * out_scale[e] * _exponential(state)
        elif kind == LOGNORMAL:
            d = law_a[c] * out_scale[e] * math.exp(law_b[c] * _normal(state))
        else:  # scheduled: the wait is set by the clock, not drawn
            d = 0.0
        delays[e] = d
    if p < 1.0:
        for e in range(m):
            if _uniform(state) >= p:
                delays[e] = np.inf


@njit(inline="always")
def _arrival(t, delay, kind, period, phase):
    a = t + delay
    if kind == SCHEDULED and a < np.inf:
        k = math.ceil((a - phase) / period)
        a = phase + k * period
    return a


@njit(inline="always")
def _candidate(i, in_ptr, arr, m, window, buf_t, buf_s):
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
    if cnt < m:
        return np.inf, -1
    if window == np.inf:
        return buf_t[m - 1], buf_s[m - 1]
    for k in range(m - 1, cnt):
        if buf_t[k] - buf_t[k - m + 1] < window:
            return buf_t[k], buf_s[k]
    return np.inf, -1


@njit(cache=True)
def _cascade_core(out_ptr, out_idx, out_chan, out_slot, in_ptr, in_idx, thresh,
                  window, simple, law_kind, law_a, law_b, delays, origins,
                  times, informed):
    """One cascade from ``origins`` with the given per-out-edge ``delays``.

    Writes turn times into ``times`` (inf: never turned) and, for each agent,
    the agent whose signal completed its count into ``informed`` (-1 for
    origins and agents never reached). ``simple`` selects the Dijkstra path
    (every threshold 1, no window), where only the best arrival matters.
    """
    n = times.shape[0]
    nnz = out_idx.shape[0]
    for i in range(n):
        times[i] = np.inf
        informed[i] = -1
    done = np.zeros(n, dtype=np.bool_)
    cap = nnz + origins.shape[0] + 1
    keys = np.empty(cap, dtype=np.float64)
    vals = np.empty(cap, dtype=np.int32)
    size = 0
    for o in origins:
        if times[o] > 0.0:
            times[o] = 0.0
            size = _heap_push(keys, vals, size, 0.0, np.int32(o))
    if simple:
        while size > 0:
            t, j, size = _heap_pop(keys, vals, size)
            if done[j]:
                continue
            done[j] = True
            for e in range(out_ptr[j], out_ptr[j + 1]):
                i = out_idx[e]
                if done[i]:
                    continue
                c = out_chan[e]
                a = _arrival(t, delays[e], law_kind[c], law_a[c], law_b[c])
                if a < times[i]:
                    times[i] = a
                    informed[i] = j
                    size = _heap_push(keys, vals, size, a, i)
        return
    # general path: keep each signal's arrival in its receiver's row
    arr = np.full(in_idx.shape[0], np.inf)
    longest = 1
    for i in range(n):
        d = in_ptr[i + 1] - in_ptr[i]
        if d > longest:
            longest = d
    buf_t = np.empty(longest, dtype=np.float64)
    buf_s = np.empty(longest, dtype=np.int64)
    while size > 0:
        t, j, size = _heap_pop(keys, vals, size)
        if done[j] or t > times[j]:
            continue
        done[j] = True
        for e in range(out_ptr[j], out_ptr[j + 1]):
            i = out_idx[e]
            if done[i]:
                continue
            c = out_chan[e]
            a = _arrival(t, delays[e], law_kind[c], law_a[c], law_b[c])
            if a >= times[i]:
                continue  # a later signal cannot make i turn earlier
            arr[out_slot[e]] = a
            cand, slot = _candidate(i, in_ptr, arr, thresh[i], window, buf_t, buf_s)
            if cand < times[i]:
                times[i] = cand
                informed[i] = in_idx[slot]
                size = _heap_push(keys, vals, size, cand, i)


@njit(cache=True, parallel=True)
def _cascade_runs(out_ptr, out_idx, out_scale, out_chan, out_slot, in_ptr, in_idx,
                  thresh, window, simple, law_kind, law_a, law_b, p, origins,
                  states, times, informed):
    """Independent replicates in parallel, replicate ``r`` seeded by ``states[r]``.

    ``origins`` is (runs, size) in kernel numbering; ``times``/``informed`` are
    (runs, n) outputs. Each replicate owns its RNG state and buffers, so the
    result is the same for any number of threads.
    """
    runs = states.shape[0]
    nnz = out_idx.shape[0]
    for r in prange(runs):
        state = states[r].copy()
        delays = np.empty(nnz, dtype=np.float64)
        _draw_delays(state, out_scale, out_chan, law_kind, law_a, law_b, p, delays)
        _cascade_core(out_ptr, out_idx, out_chan, out_slot, in_ptr, in_idx, thresh,
                      window, simple, law_kind, law_a, law_b, delays, origins[r],
                      times[r], informed[r])
