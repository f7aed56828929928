"""Exact k-nearest neighbours on a uniform grid (cell list), and a kd-tree leaf order.

**Grid search.** Points are binned into cubic cells of side ``h`` (counting
sort: coordinates copied cell by cell, so a cell's points are contiguous).
Point ``i`` scans the cells at Chebyshev distance ``r = 0, 1, 2, ...`` from
its own and keeps the ``k`` smallest keys ``(d2, j)`` (squared distance,
then index: ties go to the lower index). After ring ``r`` every unscanned
point lies outside the block of cells scanned, so at least the distance from
``i`` to that block's faces away; the scan stops once that bound, less a
rounding slack, exceeds the ``k``-th kept distance. A point at exactly the
``k``-th distance is therefore never missed, which makes the result equal to
a brute-force search that sorts by ``(d2, j)``: ``d2`` is summed axis by
axis in the same order as numpy's ``((a - b) ** 2).sum(axis=1)``.

**kd-tree leaf order.** The order in which scipy's ``cKDTree`` (sliding
midpoint rule, ``balanced_tree=False, compact_nodes=False``) leaves the
points in its leaves, rebuilt here with the coordinates permuted alongside
the indices (streaming instead of gathering) and the subtrees of the top
levels built in parallel. ``networked`` numbers agents in this order.

Kernels import nothing from the package and take arrays and scalars only.
"""

import numpy as np
from numba import njit, prange

_BLOCK = 2048  # query points per parallel task (one scratch buffer each)


@njit(cache=True)
def _bin(points, lo, inv_h, g):
    """Cell of every point, and the points sorted by cell.

    The grid has three axes of ``g[0] x g[1] x g[2]`` cells; a point of
    ``d`` < 3 coordinates uses the last ``d`` axes (the first ones have a
    single cell), so the last axis, whose cells are adjacent in memory, is
    always a real one. Returns (cell, start, sorted_points, sorted_index):
    ``start[c]:start[c+1]`` are cell ``c``'s slots in the sorted arrays, in
    increasing point index.
    """
    n, d = points.shape
    off = 3 - d
    ncell = g[0] * g[1] * g[2]
    cell = np.empty(n, dtype=np.int64)
    counts = np.zeros(ncell + 1, dtype=np.int64)
    for i in range(n):
        c = 0
        for a in range(d):
            q = int((points[i, a] - lo[a]) * inv_h)
            if q < 0:
                q = 0
            elif q >= g[off + a]:
                q = g[off + a] - 1
            c = c * g[off + a] + q
        cell[i] = c
        counts[c + 1] += 1
    for c in range(ncell):
        counts[c + 1] += counts[c]
    fill = counts[:-1].copy()
    xs = np.empty((n, d))
    ix = np.empty(n, dtype=np.int64)
    for i in range(n):
        s = fill[cell[i]]
        fill[cell[i]] += 1
        for a in range(d):
            xs[s, a] = points[i, a]
        ix[s] = i
    return cell, counts, xs, ix


@njit(cache=True)
def _grid_work(start):
    """Sum over cells of count squared: the cost of scanning a point's own cell."""
    w = 0
    for c in range(start.shape[0] - 1):
        m = start[c + 1] - start[c]
        w += m * m
    return w


@njit(inline="always")
def _gap(c, own, x, lo, h, slack):
    """Distance from coordinate ``x`` (in cell ``own``) to cell ``c`` along one axis, less slack.

    Scalars only: array arguments of inlined helpers cost reference counts
    in the innermost loop.
    """
    if c == own:
        return 0.0
    gap = x - (lo + (c + 1) * h) if c < own else lo + c * h - x
    return max(gap - slack, 0.0)


@njit(cache=True, parallel=True)
def _grid_knn(cell, start, xs, ix, lo, h, g, slack, k, by_index, out):
    """The ``k`` nearest others of every point; row ``i`` of ``out`` for point ``i``.

    Arguments as returned by ``_bin``. Rows are in increasing ``(d2, j)``,
    or in increasing ``j`` with ``by_index``. ``slack`` (>= 0) is taken off
    every distance bound to absorb rounding in the binning. Needs ``k`` <
    number of points.
    """
    n, d = xs.shape
    off = 3 - d
    g0, g1, g2 = g[0], g[1], g[2]
    nblock = (n + _BLOCK - 1) // _BLOCK
    for b in prange(nblock):
        dist = np.empty(k)
        idx = np.empty(k, dtype=np.int64)
        for p in range(b * _BLOCK, min((b + 1) * _BLOCK, n)):
            i = ix[p]
            for q in range(k):
                dist[q] = np.inf
                idx[q] = n
            # the point's coordinates on the three grid axes (0 on a missing one)
            p0 = xs[p, 0] if off == 0 else 0.0
            p1 = xs[p, 1 - off] if off <= 1 else 0.0
            p2 = xs[p, d - 1]
            l0 = lo[0] if off == 0 else 0.0
            l1 = lo[1 - off] if off <= 1 else 0.0
            l2 = lo[d - 1]
            c = cell[i]
            c2 = c % g2
            c1 = (c // g2) % g1
            c0 = c // (g2 * g1)
            r = 0
            while True:
                for x in range(max(c0 - r, 0), min(c0 + r, g0 - 1) + 1):
                    gx = _gap(x, c0, p0, l0, h, slack)
                    for y in range(max(c1 - r, 0), min(c1 + r, g1 - 1) + 1):
                        gy = _gap(y, c1, p1, l1, h, slack)
                        kth = dist[k - 1]
                        room = kth - gx * gx - gy * gy  # squared reach left along z
                        if room < 0.0:
                            continue
                        row = (x * g1 + y) * g2
                        z0 = max(c2 - r, 0)
                        z1 = min(c2 + r, g2 - 1)
                        if kth < np.inf:  # only the cells of the row within reach
                            # widened by rounding of the root and, below 1.5e-154,
                            # by squares that underflow (compared as squares they tie)
                            reach = np.sqrt(room) * (1.0 + 1e-15) + slack + 1.5e-154
                            za = (p2 - reach - l2) / h  # compared as floats first:
                            zb = (p2 + reach - l2) / h  # int() of a huge float is undefined
                            if za > z0:
                                z0 = int(za)
                            if zb < z1:
                                z1 = int(zb)
                        if abs(x - c0) == r or abs(y - c1) == r:
                            seg = 1  # on a face of the ring: the whole row, one segment
                        else:  # inside the ring: only the row's two end cells
                            seg = 2
                        for q in range(seg):
                            if seg == 1:
                                a, e = z0, z1
                            else:
                                a = c2 - r if q == 0 else c2 + r
                                e = a
                                if a < z0 or a > z1:
                                    continue
                            if a > e:
                                continue
                            for s in range(start[row + a], start[row + e + 1]):
                                j = ix[s]
                                if j == i:
                                    continue
                                # the same sum, in the same order, as numpy's
                                # ((a - b) ** 2).sum(axis=1)
                                t = xs[s, 0] - xs[p, 0]
                                d2 = t * t
                                for ax in range(1, d):
                                    t = xs[s, ax] - xs[p, ax]
                                    d2 += t * t
                                if d2 > dist[k - 1] or (d2 == dist[k - 1] and j > idx[k - 1]):
                                    continue
                                w = k - 1  # insert (d2, j), keeping the keys sorted
                                while w > 0 and (
                                    dist[w - 1] > d2 or (dist[w - 1] == d2 and idx[w - 1] > j)
                                ):
                                    dist[w] = dist[w - 1]
                                    idx[w] = idx[w - 1]
                                    w -= 1
                                dist[w] = d2
                                idx[w] = j
                # distance from the point to the faces of the scanned block
                bound = np.inf
                for a in range(d):
                    ca = c0 if off + a == 0 else (c1 if off + a == 1 else c2)
                    if ca - r > 0:
                        bound = min(bound, xs[p, a] - (lo[a] + (ca - r) * h))
                    if ca + r < g[off + a] - 1:
                        bound = min(bound, lo[a] + (ca + r + 1) * h - xs[p, a])
                if bound == np.inf:
                    break  # the whole grid is scanned
                bound -= slack
                if dist[k - 1] < np.inf and bound > 0.0 and bound * bound > dist[k - 1]:
                    break
                r += 1
            if by_index:  # insertion sort of the k indices
                for q in range(1, k):
                    v = idx[q]
                    t = q
                    while t > 0 and idx[t - 1] > v:
                        idx[t] = idx[t - 1]
                        t -= 1
                    idx[t] = v
            for q in range(k):
                out[i, q] = idx[q]


@njit(inline="always")
def _partition(x, ind, start, end, axis, split):
    """Points with ``x[:, axis] < split`` first, by the two-ended swap scan.

    The scan of the C++ standard library's ``std::partition`` for
    bidirectional iterators (advance from the front while the predicate
    holds, retreat from the back while it fails, swap), so the points end up
    in the same slots as in scipy's kd-tree. Coordinates move with their
    indices, so every pass reads memory in order. Returns the first slot of
    the second group.
    """
    first = start
    last = end
    m = x.shape[1]
    while True:
        while True:
            if first == last:
                return first
            if x[first, axis] < split:
                first += 1
            else:
                break
        last -= 1
        while True:
            if first == last:
                return first
            if not x[last, axis] < split:
                last -= 1
            else:
                break
        for a in range(m):
            t = x[first, a]
            x[first, a] = x[last, a]
            x[last, a] = t
        t2 = ind[first]
        ind[first] = ind[last]
        ind[last] = t2
        first += 1


@njit(inline="always")
def _split_node(x, ind, start, end, lo, hi):
    """Split one node by the sliding midpoint rule; (slot, axis, split) or slot -1 for a leaf.

    ``lo``/``hi`` are the node's box (not shrunk to its points: scipy's
    ``compact_nodes=False``) and are narrowed in place when every point
    shares the widest coordinate, as scipy does before trying again.
    """
    m = x.shape[1]
    while True:
        axis = 0
        size = 0.0
        for a in range(m):
            if hi[a] - lo[a] > size:
                axis = a
                size = hi[a] - lo[a]
        if hi[axis] == lo[axis]:
            return -1, axis, 0.0
        split = (hi[axis] + lo[axis]) / 2
        p = _partition(x, ind, start, end, axis, split)
        if p == start:  # nothing below the midpoint: slide it up past the lowest point
            low = x[start, axis]
            for s in range(start + 1, end):
                low = min(low, x[s, axis])
            split = np.nextafter(low, np.inf)
            p = _partition(x, ind, start, end, axis, split)
        elif p == end:  # nothing above: slide it down to the highest point
            high = x[start, axis]
            for s in range(start + 1, end):
                high = max(high, x[s, axis])
            split = high
            p = _partition(x, ind, start, end, axis, split)
        if p == start or p == end:  # all equal along this axis: shrink it and retry
            lo[axis] = x[start, axis]
            hi[axis] = x[start, axis]
            continue
        return p, axis, split


@njit(inline="always")
def _build_subtree(x, ind, start, end, lo, hi, leafsize):
    """Split nodes depth-first from one node down to the leaves (explicit stack).

    The order of the splits does not matter: each works on its own slots.
    """
    m = x.shape[1]
    stack_se = np.empty((128, 2), dtype=np.int64)
    stack_box = np.empty((128, 2, m))
    stack_se[0, 0] = start
    stack_se[0, 1] = end
    stack_box[0, 0] = lo
    stack_box[0, 1] = hi
    top = 1
    while top > 0:
        top -= 1
        s, e = stack_se[top, 0], stack_se[top, 1]
        blo = stack_box[top, 0].copy()
        bhi = stack_box[top, 1].copy()
        if e - s <= leafsize:
            continue
        p, axis, split = _split_node(x, ind, s, e, blo, bhi)
        if p < 0:
            continue
        # the larger child goes on the stack first and the smaller is split
        # next, so the stack never holds more than log2(n) + 1 nodes
        small_first = p - s <= e - p
        for c in range(2):
            less = (c == 0) != small_first  # c = 0: the larger child
            stack_se[top, 0] = s if less else p
            stack_se[top, 1] = p if less else e
            stack_box[top, 0] = blo
            stack_box[top, 1] = bhi
            if less:  # upper bound at the split
                stack_box[top, 1, axis] = split
            else:  # lower bound at the split
                stack_box[top, 0, axis] = split
            top += 1


def _kd_leaf_order(points, leafsize, tasks):
    """The permutation scipy's ``cKDTree(points, leafsize, balanced_tree=False,
    compact_nodes=False).indices`` holds: points in the order of the tree's leaves.

    See ``_kd_leaf_sort``, which also returns the points in that order.
    """
    return _kd_leaf_sort(points, leafsize, tasks)[0]


@njit(cache=True, parallel=True)
def _kd_leaf_sort(points, leafsize, tasks):
    """``(order, points[order])`` for the kd-tree leaf order of ``_kd_leaf_order``.

    The points are permuted alongside their indices while the tree is
    built, so the sorted copy comes for free: a gather ``points[order]``
    afterwards reads memory at random (0.3 s at 2 x 10^6 points in 2-D).
    The nodes above about ``tasks`` subtrees are split serially, then the
    subtrees are built in parallel (disjoint slots: the same result for any
    thread count).
    """
    n, m = points.shape
    x = points.copy()
    ind = np.arange(n)
    lo = np.empty(m)
    hi = np.empty(m)
    for a in range(m):
        lo[a] = points[0, a] if n else 0.0
        hi[a] = lo[a]
        for i in range(n):
            v = points[i, a]
            lo[a] = min(lo[a], v)
            hi[a] = max(hi[a], v)
    # breadth-first until the pending nodes are small enough to share out
    cap = max(n // max(tasks, 1), leafsize)
    pend_se = np.empty((4 * tasks + 4, 2), dtype=np.int64)
    pend_box = np.empty((4 * tasks + 4, 2, m))
    done_se = np.empty((4 * tasks + 4, 2), dtype=np.int64)
    done_box = np.empty((4 * tasks + 4, 2, m))
    pend_se[0, 0] = 0
    pend_se[0, 1] = n
    pend_box[0, 0] = lo
    pend_box[0, 1] = hi
    npend = 1
    ndone = 0
    while npend > 0:
        npend -= 1
        s, e = pend_se[npend, 0], pend_se[npend, 1]
        blo = pend_box[npend, 0].copy()
        bhi = pend_box[npend, 1].copy()
        if e - s <= cap or ndone + npend + 2 >= done_se.shape[0]:
            done_se[ndone, 0] = s
            done_se[ndone, 1] = e
            done_box[ndone, 0] = blo
            done_box[ndone, 1] = bhi
            ndone += 1
            continue
        if e - s <= leafsize:
            continue
        p, axis, split = _split_node(x, ind, s, e, blo, bhi)
        if p < 0:
            continue
        pend_se[npend, 0] = s
        pend_se[npend, 1] = p
        pend_box[npend, 0] = blo
        pend_box[npend, 1] = bhi
        pend_box[npend, 1, axis] = split
        npend += 1
        pend_se[npend, 0] = p
        pend_se[npend, 1] = e
        pend_box[npend, 0] = blo
        pend_box[npend, 1] = bhi
        pend_box[npend, 0, axis] = split
        npend += 1
    for t in prange(ndone):
        _build_subtree(
            x,
            ind,
            done_se[t, 0],
            done_se[t, 1],
            done_box[t, 0].copy(),
            done_box[t, 1].copy(),
            leafsize,
        )
    return ind, x
