"""Who each bird watches: cKDTree queries, reused while provably still exact.

The references are plain cKDTree queries on the current positions:
:func:`nearest` (the ``k`` nearest, as :func:`swarm.neighbours.k_nearest`)
and :func:`within` (everyone within a radius). :class:`NeighbourLists` gives
the same lists every step at a fraction of the cost: it queries a few more
candidates than needed (``k + extra`` nearest, or everyone within
``radius + skin``), keeps them, and at each step selects the neighbours
among the candidates by their current distances. The proof that this equals
a fresh query (see ``swarm/_kernels/flock.py``) is checked for every bird at
every step; where it fails, the lists are rebuilt. At each rebuild the birds
are renumbered in the tree's leaf order, so neighbours in space are
neighbours in memory.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .._kernels.flock import _max_shift, _select_nearest, _select_within
from ..structures.neighbours import k_nearest

__all__ = ["NeighbourLists", "nearest", "within"]


def nearest(points: np.ndarray, k: int) -> list[np.ndarray]:
    """The ``k`` nearest other points of each point, nearest first (a fresh cKDTree query).

    Examples
    --------
    >>> import numpy as np
    >>> [a.tolist() for a in nearest(np.array([[0.0, 0, 0], [1, 0, 0], [3, 0, 0]]), 1)]
    [[1], [0], [1]]
    """
    return list(k_nearest(np.asarray(points, dtype=np.float64), k))


def within(points: np.ndarray, radius: float) -> list[np.ndarray]:
    """All other points within ``radius`` of each point, by index (a fresh cKDTree query).

    Examples
    --------
    >>> import numpy as np
    >>> [a.tolist() for a in within(np.array([[0.0, 0, 0], [1, 0, 0], [3, 0, 0]]), 1.5)]
    [[1], [0], []]
    """
    points = np.asarray(points, dtype=np.float64)
    found = cKDTree(points).query_ball_point(points, radius, return_sorted=True)
    return [np.array([j for j in row if j != i], dtype=np.int64) for i, row in enumerate(found)]


class NeighbourLists:
    """Verlet-type neighbour lists that equal a fresh cKDTree query at every step.

    Parameters
    ----------
    k : int or None
        Topological rule: the ``k`` nearest (``radius`` must be None).
    radius : float or None
        Metric rule: everyone within ``radius``.
    extra : int
        Topological: candidates beyond the ``k`` nearest kept at a rebuild.
    skin : float
        Metric: candidates are kept out to ``radius + skin``.
    partial : float
        Topological: when at most this fraction of the birds fail their proof,
        only they are re-queried (on a tree of the current positions), with
        no renumbering; otherwise everyone is.
    generations : int
        Topological: at most this many reference snapshots (the full rebuild
        and the partial re-queries since) before everyone is re-queried.

    After :meth:`refresh`, bird ``i``'s neighbours are
    ``idx[ptr[i]:ptr[i] + cnt[i]]`` (slots). ``rebuilds`` counts the full
    rebuilds so far, ``partial_updates`` the partial ones.

    Examples
    --------
    >>> import numpy as np
    >>> pos = np.random.default_rng(0).random((50, 3))
    >>> lists = NeighbourLists(k=3)
    >>> perm = lists.refresh(pos)      # first call builds and renumbers
    >>> got = lists.lists()
    >>> want = nearest(pos[perm], 3)
    >>> all(np.array_equal(a, b) for a, b in zip(got, want))
    True
    """

    def __init__(
        self,
        *,
        k: int | None = None,
        radius: float | None = None,
        extra: int = 8,
        skin: float = 0.0,
        partial: float = 0.002,
        generations: int = 16,
    ) -> None:
        if (k is None) == (radius is None):
            raise ValueError("give exactly one of k (topological) or radius (metric)")
        self.k, self.radius, self.extra, self.skin = k, radius, extra, skin
        self.partial, self.generations = partial, generations
        self.ref: np.ndarray | None = None
        self.rebuilds = 0
        self.partial_updates = 0

    def refresh(self, pos: np.ndarray, *, force: bool = False) -> np.ndarray | None:
        """Make the lists exact for ``pos`` (n, 3).

        Returns None when the kept candidates still prove the lists, else the
        permutation ``perm`` of a rebuild: the lists are then for
        ``pos[perm]`` and the caller must reorder every per-bird array the
        same way.
        """
        if self.ref is not None and not force and self.ref.shape == pos.shape:
            if self.k is not None:
                deltas = np.array([_max_shift(pos, snap) for snap in self.snaps])
                bad = _select_nearest(
                    pos,
                    self.ptr,
                    self.cand,
                    self.bound,
                    self.k,
                    deltas,
                    self.gen,
                    self.idx,
                    self.cnt,
                    self.work,
                )
                rows = np.flatnonzero(bad)
                if rows.size == 0 or (
                    rows.size <= max(1, self.partial * len(pos))
                    and len(self.snaps) < self.generations
                    and self._requery(pos, rows, deltas)
                ):
                    return None
            elif 2.0 * _max_shift(pos, self.ref) <= self.skin:
                _select_within(pos, self.ptr, self.cand, self.radius, self.idx, self.cnt)
                return None
        return self._rebuild(pos)

    def _requery(self, pos: np.ndarray, rows: np.ndarray, deltas: np.ndarray) -> bool:
        """Re-query the birds in ``rows`` on the current positions, a new generation.

        The ``k + extra`` nearest others become the candidates and the next
        one's distance the bound (brute force for a few birds, else a tree).
        """
        n = pos.shape[0]
        width = self.ptr[1] - self.ptr[0]
        if width + 1 > n - 1:
            return False
        cand = self.cand.reshape(n, width)
        if len(rows) <= 32:  # brute force, row by row: memory stays O(n)
            d2 = np.empty((len(rows), n))
            for r, i in enumerate(rows):
                d2[r] = ((pos - pos[i]) ** 2).sum(axis=1)
                d2[r, i] = np.inf
            part = np.argpartition(d2, width, axis=1)
            cand[rows] = part[:, :width]
            self.bound[rows] = np.sqrt(d2[np.arange(len(rows)), part[:, width]])
        else:  # many: a tree on the current positions
            dist, nbr = cKDTree(pos).query(pos[rows], k=width + 2, workers=-1)
            keep = nbr != rows[:, None]
            keep[keep.all(axis=1), width + 1] = False  # self hidden by duplicates
            nbr = nbr[keep].reshape(len(rows), width + 1)
            dist = dist[keep].reshape(len(rows), width + 1)
            cand[rows] = nbr[:, :width]
            self.bound[rows] = dist[:, width]  # the nearest bird left out
        self.snaps.append(pos.copy())
        self.gen[rows] = len(self.snaps) - 1
        self.partial_updates += 1
        bad = _select_nearest(
            pos,
            self.ptr,
            self.cand,
            self.bound,
            self.k,
            np.append(deltas, 0.0),
            self.gen,
            self.idx,
            self.cnt,
            self.work,
        )
        return not bad.any()

    def _rebuild(self, pos: np.ndarray) -> np.ndarray:
        n = pos.shape[0]
        tree = cKDTree(pos)
        perm = np.asarray(tree.indices, dtype=np.int64)  # leaf order: spatial order
        inv = np.empty(n, dtype=np.int64)
        inv[perm] = np.arange(n)
        new = np.ascontiguousarray(pos[perm])
        self.rebuilds += 1
        if self.k is not None:
            q = min(self.k + self.extra + 1, n)
            dist, nbr = tree.query(new, k=q, workers=-1)
            nbr = inv[nbr]
            self_col = nbr == np.arange(n)[:, None]
            keep = ~self_col
            keep[~self_col.any(axis=1), q - 1] = False  # self hidden by duplicates
            self.cand = np.ascontiguousarray(nbr[keep].reshape(n, q - 1)).ravel()
            self.bound = np.ascontiguousarray(dist[:, q - 1])  # no other bird was nearer
            self.ptr = np.arange(n + 1, dtype=np.int64) * (q - 1)
            self.idx = np.empty_like(self.cand)
            self.cnt = np.empty(n, dtype=np.int64)
            self.work = np.empty(self.cand.shape[0])
            self.snaps = [new]
            self.gen = np.zeros(n, dtype=np.int64)
            if _select_nearest(
                new,
                self.ptr,
                self.cand,
                self.bound,
                self.k,
                np.zeros(1),
                self.gen,
                self.idx,
                self.cnt,
                self.work,
            ).any():
                # ties at the boundary (measure zero for real positions): the reference
                nb = k_nearest(new, self.k)
                self.ptr = np.arange(n + 1, dtype=np.int64) * self.k
                self.cand = nb.ravel().copy()
                self.idx = self.cand.copy()
                self.bound = np.full(n, -np.inf)  # proves nothing: rebuild next step
        else:
            pairs = tree.query_pairs(self.radius + self.skin, output_type="ndarray")
            a = inv[pairs[:, 0]]
            b = inv[pairs[:, 1]]
            rows = np.concatenate([a, b])
            cols = np.concatenate([b, a])
            order = np.lexsort((cols, rows))
            self.cand = np.ascontiguousarray(cols[order])
            self.ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=n), out=self.ptr[1:])
            self.idx = np.empty_like(self.cand)
            self.cnt = np.empty(n, dtype=np.int64)
            _select_within(new, self.ptr, self.cand, self.radius, self.idx, self.cnt)
        self.ref = new
        return perm

    def lists(self) -> list[np.ndarray]:
        """Each bird's neighbours (slots), nearest first (topological) or by slot (metric)."""
        return [self.idx[p : p + c].copy() for p, c in zip(self.ptr[:-1], self.cnt)]
