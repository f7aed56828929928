"""An indexed 4-ary min-heap of agents keyed by time, with decrease-key.

The queue of the general cascade path (thresholds, windows, ignoring) and of
laws too long-tailed for the bucket ring (``buckets.py``).

Each agent is in the heap at most once: ``pos[a]`` is its slot (-1: never
queued, -2: popped, i.e. its time is final). Improving a queued agent's time
sifts it up in place instead of queueing a duplicate, so a cascade pops each
agent once. Measured on a 10^6-agent, 7-nearest cascade with exponential
delays: 1.36x faster than a lazy-deletion heap (0.178 s against 0.242 s).
A 4-ary heap has half the levels of a binary one and a node's children
share a cache line of keys.
"""

from numba import njit

QUEUED_NEVER = -1
FINAL = -2


@njit(inline="always")
def _heap_sift_up(keys, vals, pos, i, key, val):
    """Place (key, val) at slot ``i`` or above; the heap property holds below ``i``."""
    while i > 0:
        parent = (i - 1) >> 2
        pk = keys[parent]
        if pk <= key:
            break
        keys[i] = pk
        pv = vals[parent]
        vals[i] = pv
        pos[pv] = i
        i = parent
    keys[i] = key
    vals[i] = val
    pos[val] = i


@njit(inline="always")
def _heap_update(keys, vals, pos, size, key, val):
    """Queue ``val`` with ``key`` or lower its key (keys only ever decrease); return size."""
    p = pos[val]
    if p == QUEUED_NEVER:
        _heap_sift_up(keys, vals, pos, size, key, val)
        return size + 1
    _heap_sift_up(keys, vals, pos, p, key, val)
    return size


@njit(inline="always")
def _heap_pop(keys, vals, pos, size):
    """Remove the smallest key; mark its agent FINAL; return (key, agent, size)."""
    top_key = keys[0]
    top_val = vals[0]
    pos[top_val] = FINAL
    size -= 1
    if size > 0:
        key = keys[size]
        val = vals[size]
        i = 0
        while True:
            first = 4 * i + 1
            if first >= size:
                break
            best = first
            best_key = keys[first]
            last = first + 4
            if last > size:
                last = size
            for c in range(first + 1, last):
                ck = keys[c]
                if ck < best_key:
                    best_key = ck
                    best = c
            if best_key >= key:
                break
            keys[i] = best_key
            bv = vals[best]
            vals[i] = bv
            pos[bv] = i
            i = best
        keys[i] = key
        vals[i] = val
        pos[val] = i
    return top_key, top_val, size
