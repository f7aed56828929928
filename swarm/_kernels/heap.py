"""A 4-ary min-heap of (time, agent) pairs on two preallocated arrays.

Lazy deletion: an agent may sit in the heap several times; the caller skips
entries that are stale. A 4-ary heap does fewer levels and keeps each node's
children in one cache line of keys, which matters more than comparisons.
"""

from numba import njit


@njit(inline="always")
def _heap_push(keys, vals, size, key, val):
    """Insert (key, val); return the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 2
        pk = keys[parent]
        if pk <= key:
            break
        keys[i] = pk
        vals[i] = vals[parent]
        i = parent
    keys[i] = key
    vals[i] = val
    return size + 1


@njit(inline="always")
def _heap_pop(keys, vals, size):
    """Remove the smallest key; return (key, val, new size). ``size`` > 0."""
    top_key = keys[0]
    top_val = vals[0]
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
            vals[i] = vals[best]
            i = best
        keys[i] = key
        vals[i] = val
    return top_key, top_val, size
