"""Transmission-tree kernels: who passed the message on, and to how many.

A run's tree is given by ``informed[i]``, the agent whose signal made ``i``
turn (-1 for origins and agents never reached). Each agent's subtree size is
the number of others who got the message through it, directly or
downstream.
"""

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _subtree_one(informed, size, children, ready):
    """Subtree sizes (descendants, self excluded) of one run's tree, into ``size``.

    Kahn's order from the leaves up: an agent adds its subtree plus itself to
    its informer once all its own children have reported. Linear in n and
    independent of the turn times (zero delays tie a child with its parent).
    """
    n = informed.shape[0]
    for i in range(n):
        size[i] = 0
        children[i] = 0
    for i in range(n):
        j = informed[i]
        if j >= 0:
            children[j] += 1
    top = 0
    for i in range(n):
        if children[i] == 0:
            ready[top] = i
            top += 1
    done = 0
    while top > 0:
        top -= 1
        i = ready[top]
        done += 1
        j = informed[i]
        if j >= 0:
            size[j] += size[i] + 1
            children[j] -= 1
            if children[j] == 0:
                ready[top] = j
                top += 1
    return done == n  # False: the informers form a cycle (not a tree)


@njit(cache=True, parallel=True)
def _subtree_sizes(informed):
    """Subtree sizes for every run: ``informed`` (runs, n) int -> (runs, n) int64.

    Raises if a run's informers form a cycle.
    """
    runs, n = informed.shape
    out = np.empty((runs, n), dtype=np.int64)
    ok = np.ones(runs, dtype=np.bool_)
    for r in prange(runs):
        children = np.empty(n, dtype=np.int64)
        ready = np.empty(n, dtype=np.int64)
        ok[r] = _subtree_one(informed[r], out[r], children, ready)
    for r in range(runs):
        if not ok[r]:
            raise ValueError("informed_by has a cycle: it is not a transmission tree")
    return out
