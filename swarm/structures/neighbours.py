"""Social space: positions, spatially compact departments, k nearest neighbours.

The topological rule of the starlings (Ballerini et al. 2008, PNAS 105:1232):
each agent watches its ``k`` nearest others, however far away they are.
Neighbours come from scipy's cKDTree; ties at the k-th distance are broken
towards the lower index, so the result is a function of the positions alone.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .._kernels.neighbours import _bin, _grid_knn, _grid_work, _kd_leaf_sort

__all__ = ["k_nearest", "social_space", "spatial_partition"]


def spatial_partition(points: np.ndarray, parts) -> np.ndarray:
    """Split points into ``parts`` compact groups of equal size (±1), or of given sizes.

    Recursive bisection at the quantile along the widest coordinate, so the
    departments of a generated organisation are contiguous regions of social
    space of near-equal head count. ``parts`` may also be a sequence of
    group sizes summing to the number of points (group ``g`` gets
    ``parts[g]`` points): each cut then falls where the sizes on its two
    sides add up.

    Examples
    --------
    >>> import numpy as np
    >>> labels = spatial_partition(np.random.default_rng(0).random((100, 2)), 4)
    >>> np.bincount(labels).tolist()
    [25, 25, 25, 25]
    """
    n = points.shape[0]
    sizes = None
    if not np.isscalar(parts):
        sizes = np.asarray(parts, dtype=np.int64)
        if sizes.ndim != 1 or sizes.size == 0 or sizes.min() < 1 or sizes.sum() != n:
            raise ValueError(
                f"parts as sizes must be positive and sum to the {n} points, "
                f"got {len(sizes)} sizes summing to {int(sizes.sum())}"
            )
        parts = sizes.size
    labels = np.zeros(n, dtype=np.int64)
    stack = [(np.arange(n), parts, 0)]
    while stack:
        idx, p, first = stack.pop()
        if p == 1:
            labels[idx] = first
            continue
        pts = points[idx]
        axis = int(np.argmax(pts.max(axis=0) - pts.min(axis=0))) if len(idx) else 0
        left_parts = p // 2
        cut = (
            (len(idx) * left_parts) // p
            if sizes is None
            else int(sizes[first : first + left_parts].sum())
        )
        part = (
            np.argpartition(pts[:, axis], cut - 1)[:cut] if 0 < cut < len(idx) else (np.arange(cut))
        )
        mask = np.zeros(len(idx), dtype=bool)
        mask[part] = True
        stack.append((idx[mask], left_parts, first))
        stack.append((idx[~mask], p - left_parts, first + left_parts))
    return labels


def _fix_ties(points, tree, nbr, dist, k, rows):
    """Recompute rows whose k-th neighbour is tied: sort by (distance, index)."""
    for i in rows:
        r = dist[i, k] * (1.0 + 1e-9) + 1e-300
        cand = np.asarray(tree.query_ball_point(points[i], r), dtype=np.int64)
        cand = cand[cand != i]
        d2 = ((points[cand] - points[i]) ** 2).sum(axis=1)
        pick = np.lexsort((cand, d2))[:k]
        nbr[i, :k] = cand[pick]


def _k_nearest_tree(points, k, tree=None, workers=-1):
    """k nearest by cKDTree, tied rows redone exactly (any dimension, any spread)."""
    n = points.shape[0]
    tree = cKDTree(points) if tree is None else tree
    q = min(k + 2, n)
    dist, nbr = tree.query(points, k=q, workers=workers)
    nbr = nbr.astype(np.int64, copy=False)
    self_col = nbr == np.arange(n)[:, None]
    has_self = self_col.any(axis=1)
    # drop self where it was returned (normally column 0), else the last column
    keep = ~self_col
    keep[~has_self, q - 1] = False
    nbr = nbr[keep].reshape(n, q - 1)
    dist = dist[keep].reshape(n, q - 1)
    if q - 1 > k:
        gap = dist[:, k] - dist[:, k - 1]
        suspect = (gap <= 1e-9 * np.maximum(dist[:, k], 1e-300)) | ~has_self
    else:
        suspect = ~has_self
    # rows where several points sit at the k-th distance, or duplicates hide self
    out = nbr[:, :k].copy()
    if suspect.any():
        _fix_ties(
            points,
            tree,
            out,
            np.pad(dist, ((0, 0), (0, 1)), constant_values=np.inf),
            k,
            np.flatnonzero(suspect),
        )
    # each row in increasing (squared distance, index), summed as the brute force sums
    d2 = ((points[out] - points[:, None, :]) ** 2).sum(axis=2)
    return np.take_along_axis(out, np.lexsort((out, d2)), axis=1)


# Grid cells hold this many points on average: enough that a point's own
# ring of cells usually holds its k = 7 nearest, few enough to scan cheaply.
_PER_CELL = 2.0
# Above this many pairs per point in shared cells the points are too
# clustered for one uniform grid; the kd-tree takes over.
_MAX_CELL_WORK = 48


def _k_nearest_grid(
    points, k, *, by_index=False, dtype=np.int64, per_cell=_PER_CELL, max_work=_MAX_CELL_WORK
):
    """k nearest on a uniform grid (1-3 dimensions), or None if the points are too clustered.

    Rows in increasing (distance, index), or in increasing index with
    ``by_index``. ``max_work=None`` searches the grid however clustered.
    """
    n, d = points.shape
    lo = points.min(axis=0)
    ext = points.max(axis=0) - lo
    big = float(np.abs(points).max()) if n else 0.0
    if not big < 1e150:  # squared distances could overflow: leave such points to the tree
        return None
    # cells far wider than rounding in the coordinates (or a single cell)
    real = ext > 1e4 * np.finfo(np.float64).eps * big
    h = 0.0
    if real.any():
        cells = max(n / max(per_cell, k / 3.0), 1.0)
        h = float(np.prod(ext[real]) / cells) ** (1.0 / real.sum())
        h = max(h, float(ext.max()) * 1e-6, 1e4 * np.finfo(np.float64).eps * big)
    if h > 1.0 / np.finfo(np.float64).max:  # 1 / h is finite (no overflow warning)
        while True:
            g = np.floor(ext / h).astype(np.int64) + 1
            if np.prod(g.astype(np.float64)) <= 2.0 * cells + 8:
                break
            h *= 1.25
    else:
        h, g = 1.0, np.ones(d, dtype=np.int64)
    g3 = np.ones(3, dtype=np.int64)
    g3[3 - d :] = g
    cell, start, xs, ix = _bin(points, lo, 1.0 / h, g3)
    if max_work is not None and _grid_work(start) > max_work * n:
        return None
    # rounding in binning and bounds: a few ulps of the largest coordinate
    slack = 64.0 * np.finfo(np.float64).eps * (big + float(ext.max()) + h)
    out = np.empty((n, k), dtype=dtype)
    _grid_knn(cell, start, xs, ix, lo, h, g3, slack, k, by_index, out)
    return out


def k_nearest(
    points: np.ndarray, k: int, *, tree: cKDTree | None = None, workers: int = -1
) -> np.ndarray:
    """The ``k`` nearest other points of every point, ties to the lower index.

    In one to three dimensions a uniform grid (cell list) is searched, with
    a kd-tree for points too clustered for it and in more dimensions; both
    are exact: each row holds the ``k`` smallest keys (squared distance,
    index), as a brute-force search sorting by that key would give.

    Parameters
    ----------
    points : (n, d) float array
    k : int, 1 <= k < n
    tree : cKDTree, optional
        A tree already built on ``points`` (same order); if given, it is used.
    workers : int
        Threads for a kd-tree query (-1: all cores); the grid uses numba's threads.

    Returns
    -------
    (n, k) int64 array, each row in increasing distance.

    Examples
    --------
    >>> import numpy as np
    >>> k_nearest(np.array([[0.0], [1.0], [3.0]]), 1).ravel().tolist()
    [1, 0, 1]
    """
    points = np.ascontiguousarray(points, dtype=np.float64)
    if tree is None and 1 <= points.shape[1] <= 3:
        out = _k_nearest_grid(points, k)
        if out is not None:
            return out
    return _k_nearest_tree(points, k, tree, workers)


def social_space(n: int, rng: np.random.Generator, *, dim: int = 2, departments=1):
    """Uniform positions in the unit cube, grouped into compact departments.

    ``departments``: their number (equal sizes) or a sequence of their sizes.

    Agents are numbered department by department and, inside a department,
    in kd-tree leaf order, so neighbours in space are neighbours in memory.

    Returns
    -------
    positions : (n, dim) float64
    department : (n,) int64
    """
    drawn = rng.random((n, dim))
    dept = spatial_partition(drawn, departments)
    # cKDTree(drawn, balanced_tree=False, compact_nodes=False).indices, the
    # numbering networked has always had, and the points already in it
    order, placed = _kd_leaf_sort(drawn, 16, 64)
    if np.isscalar(departments) and departments == 1:
        return placed, dept
    # department by department, leaf order inside each (a stable sort by department)
    by_dept = dept[order].astype(np.int16 if dept.max() < 2**15 else np.int64)
    within = np.argsort(by_dept, kind="stable")
    # np.take gathers whole rows, several times faster than fancy indexing of a 2-D array
    return np.take(placed, within, axis=0), dept[order[within]]
