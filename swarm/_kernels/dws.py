"""Draws of Dodds, Watts & Sabel's link model over a breadth-first ``span``-ary tree.

One draw: ``i`` uniform among everyone but the top, then a partner ``j``
outside ``i``'s line. For a given ``i`` the weight of ``j`` depends only on
the depth ``D`` of their lowest common manager ``a`` and on ``d_j``, the
steps from ``j`` up to ``a``; so the kernel picks a class ``(D, d_j)`` with
probability proportional to weight times head count, then ``j`` uniformly
inside it. In a breadth-first tree the people ``t`` levels below a node are
one contiguous range of indices, clipped to the head count ``n``; a class is
``a``'s range at depth ``d_j`` minus the range of ``a``'s report on ``i``'s
side. At most ``depth**2`` classes a draw.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _below(node, t, width, offset, n):
    """(first index, clipped size) of the people ``t`` levels below ``node``.

    ``width[t] = span**t``, ``offset[t] = (span**t - 1) / (span - 1)``.
    """
    w = width[t]
    first = node * w + offset[t]
    last = min(first + w, n)
    return first, max(last - first, 0)


@njit(cache=True)
def _dws_draw(level, parent, span, rank, dist, scaled, u_i, u_cls, u_j, out_i, out_j):
    """Fill ``out_i``, ``out_j`` with one draw per entry of the uniforms.

    ``rank[D]`` is the log-weight of a common manager at depth ``D`` and
    ``dist[d_i, d_j]`` the log-weight of the distance term (``-inf`` for a
    weight of 0); ``scaled[l, D, d_j]`` is ``exp(rank[D] + dist[l - D, d_j])``
    divided by its largest value for people at level ``l``, so that most
    draws need no logarithm (the log-weights take over when every class of a
    draw is below 1e-200 of that largest value). ``u_i``, ``u_cls``, ``u_j``
    are uniforms in [0, 1): which ``i``, which class, which ``j`` in it. A
    draw whose ``i`` has no partner of positive weight gets
    ``out_i = out_j = -1``.
    """
    n = level.shape[0]
    depth = rank.shape[0]
    width = np.empty(depth + 1, dtype=np.int64)
    width[0] = 1
    for t in range(1, depth + 1):
        width[t] = width[t - 1] * span
    offset = (width - 1) // (span - 1)
    anc = np.empty(depth + 1, dtype=np.int64)
    w = np.empty(depth * depth, dtype=np.float64)
    for k in range(u_i.shape[0]):
        i = 1 + min(int(u_i[k] * (n - 1)), n - 2)
        li = level[i]
        cur = i
        for d in range(li, -1, -1):  # anc[d] = i's manager at depth d
            anc[d] = cur
            cur = parent[cur]
        for c in range(depth * depth):
            w[c] = 0.0
        largest = 0.0
        for D in range(li):
            for dj in range(1, depth - D + 1):  # nobody lies deeper than the tree
                _, sa = _below(anc[D], dj, width, offset, n)
                _, sc = _below(anc[D + 1], dj - 1, width, offset, n)
                if sa - sc > 0:
                    c = D * depth + dj - 1
                    w[c] = scaled[li, D, dj] * (sa - sc)
                    largest = max(largest, w[c])
        if not largest > 1e-200:  # tiny weights: redo in logarithms, relative to the largest
            top = -np.inf
            for D in range(li):
                for dj in range(1, depth - D + 1):
                    _, sa = _below(anc[D], dj, width, offset, n)
                    _, sc = _below(anc[D + 1], dj - 1, width, offset, n)
                    c = D * depth + dj - 1
                    w[c] = -np.inf
                    if sa - sc > 0:
                        w[c] = rank[D] + dist[li - D, dj] + math.log(sa - sc)
                        top = max(top, w[c])
            if top == -np.inf:
                out_i[k] = -1
                out_j[k] = -1
                continue
            for D in range(li):
                for dj in range(1, depth - D + 1):
                    c = D * depth + dj - 1
                    w[c] = math.exp(w[c] - top) if w[c] > -np.inf else 0.0
        total = 0.0
        for c in range(depth * depth):
            total += w[c]
        r = u_cls[k] * total
        pick = -1
        acc = 0.0
        for c in range(depth * depth):
            if w[c] > 0.0:
                pick = c  # the last class of positive weight, should rounding run past the end
                acc += w[c]
                if r < acc:
                    break
        D = pick // depth
        dj = pick % depth + 1
        fa, sa = _below(anc[D], dj, width, offset, n)
        fc, sc = _below(anc[D + 1], dj - 1, width, offset, n)
        size = sa - sc
        q = min(int(u_j[k] * size), size - 1)
        j = fa + q
        if j >= fc:
            j += sc  # skip i's own branch under the common manager
        out_i[k] = i
        out_j[k] = j
