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
                            reach = np.sqrt(room) + slack
                            z0 = max(z0, int((p2 - reach - l2) / h))
                            z1 = min(z1, int((p2 + reach - l2) / h))
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
                                while w > 0 and (dist[w - 1] > d2
                                                 or (dist[w - 1] == d2 and idx[w - 1] > j)):
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
