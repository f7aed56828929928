"""A circular bucket queue for the simple cascade (label-correcting Dijkstra).

Agents wait in buckets of width ``delta`` in time, each a doubly linked list
threaded through per-agent arrays (``nxt``/``prv``; ``where[a]`` is the
agent's bucket slot, -1 when not queued). The list splices are written out
in the cascade loop (``cascade._bucket_cascade``): as inlined helper calls
the same loop ran 1.3-1.4x slower. The scan takes any agent from the
lowest non-empty bucket, so an agent may be taken before a path through
another agent of the same bucket improves it; it is then queued again and
passes its better time on (label correction). Final times are the exact
shortest arrival times, the same floating-point values as a heap gives:
each is ``t_j + delay`` of its best informer. With ``delta`` a quarter of
the mean delay, 3.2 % of agents were taken twice (10^6 agents, 7 nearest,
exponential delays).

Measured on that cascade with pre-drawn delays (thread time, minimum of 9
runs alternating in one process, 2 cores): the bucket queue takes 0.135 s
where the indexed 4-ary heap (``heap.py``) took 0.233 s and scipy's
Dijkstra 0.385 s; push and pop are O(1) list splices instead of sifts
through ~6 levels.

The ring holds ``nb`` buckets (a power of two) with ``nb * delta`` longer
than any single delay plus one bucket, so every queued time lies within one
turn of the ring ahead of the current bucket. When a law's delays can be
too long for that (``nb`` over 2^16), the caller keeps the heap.

Reference: Dial (1969) bucket queues; Meyer & Sanders (2003), Delta-stepping.
"""

import math

import numpy as np
from numba import njit

# the longest Exp(1) the ziggurat draws: the tail start R = 7.697 plus
# -log of the smallest 1 - u the 53-bit hashed uniforms give, 53 ln 2 = 36.74
_EXP_TAIL = 44.5
# |z| bound of the Box-Muller normals from 53-bit uniforms: sqrt(2 * 53 ln 2)
_NORMAL_TAIL = 8.58
_MAX_BUCKETS = 1 << 16


@njit(inline="always")
def _ring_size(longest, delta):
    """Buckets needed so one turn covers ``longest`` plus a bucket (0: too many)."""
    need = longest / delta + 2.0
    if not need < _MAX_BUCKETS:
        return 0
    nb = 1
    while nb < need:
        nb <<= 1
    return nb


@njit(inline="always")
def _law_buckets(kind, a, b):
    """(delta, nb) for one drawn law with unit scales; nb = 0: use the heap.

    ``kind`` 0 constant, 1 exponential (mean a), 2 lognormal (median a, sigma b).
    """
    if not a > 0.0:
        return 1.0, 2  # zero delays: one bucket at time 0 holds everyone
    if kind == 0:
        longest = a
    elif kind == 1:
        longest = a * _EXP_TAIL
    elif kind == 2:
        longest = a * math.exp(b * _NORMAL_TAIL)
    else:
        return 1.0, 0
    delta = 0.25 * a
    return delta, _ring_size(longest, delta)


@njit(inline="always")
def _array_buckets(delays):
    """(delta, nb) for pre-drawn delays (inf: the edge did not pass)."""
    total = 0.0
    count = 0
    longest = 0.0
    for d in delays:
        if d < np.inf:
            total += d
            count += 1
            if d > longest:
                longest = d
    mean = total / count if count > 0 else 0.0
    if not mean > 0.0:
        return 1.0, 2
    delta = 0.25 * mean
    return delta, _ring_size(longest, delta)


@njit(inline="always")
def _general_buckets(law_kind, law_a, law_b, one_law, unit_scale, out_scale):
    """(delta, nb) for per-channel laws and per-edge scales (nb = 0: the heap).

    A scheduled channel (kind 3, ``law_a`` the period) adds at most one
    period; a drawn law at most its tail times the largest scale. The width
    is a quarter of the smallest typical step.
    """
    lo = 1.0
    hi = 1.0
    if not unit_scale:
        lo = np.inf
        hi = 0.0
        for s in out_scale:
            if s < lo:
                lo = s
            if s > hi:
                hi = s
    typical = np.inf
    longest = 0.0
    for c in range(1 if one_law else law_kind.shape[0]):
        kind = law_kind[c]
        a = law_a[c]
        if kind == 3:
            step, tail = a, a
        else:
            step = a * lo
            if kind == 0:
                tail = a * hi
            elif kind == 1:
                tail = a * _EXP_TAIL * hi
            else:
                tail = a * math.exp(law_b[c] * _NORMAL_TAIL) * hi
        if step > 0.0 and step < typical:
            typical = step
        if tail > longest:
            longest = tail
    if not typical < np.inf:
        return 1.0, 2
    delta = 0.25 * typical
    return delta, _ring_size(longest, delta)
