"""The link-drawing step of Dodds, Watts & Sabel's organisation model, over swarm's rake.

Dodds, Watts & Sabel (2003, PNAS 100:12516) add links to a regular tree one
at a time: a person ``i`` is drawn uniformly at random, then a partner ``j``
with probability proportional to ``exp(-D / lam) * exp(-x / zeta)``, where
``D`` is the depth of their lowest common manager ``a`` (0 at the top) and
``x = sqrt(d_i**2 + d_j**2 - 2)``, ``d_i`` and ``d_j`` the steps from ``i``
and ``j`` up to ``a``.

For a given ``i`` the weight depends on ``j`` only through ``a`` (one of
``i``'s managers) and ``d_j``; every ``j`` with the same pair has the same
weight. So a draw picks a class ``(a, d_j)`` with probability proportional
to its weight times its head count, then ``j`` uniformly inside it: at most
``depth**2`` classes per draw, whatever the head count. The rake is filled
breadth-first, so the people ``t`` levels below any manager are one
contiguous range of indices; a class is that range for ``a`` at depth
``d_j`` minus the sub-range under ``a``'s report on ``i``'s side (``i``'s
own branch), and both ranges are clipped to the head count, which makes the
counts exact on a partial last level.
"""

from __future__ import annotations

import numpy as np

from .._kernels.dws import _dws_draw


def _log_weight(D, x, lam, zeta):
    """``-D / lam - x / zeta``, with the limits lam = 0 (only D = 0) and zeta = 0 (only x = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rank = np.where(D == 0, 0.0, -np.inf) if lam == 0 else -D / lam
        dist = np.where(x == 0, 0.0, -np.inf) if zeta == 0 else -x / zeta
    return rank + dist


def _tables(depth, lam, zeta):
    """Log-weights ``rank[D]``, ``dist[d_i, d_j]``, and the weights scaled per level of ``i``.

    ``scaled[l, D, d_j] = exp(rank[D] + dist[l - D, d_j] - top[l])`` where
    ``top[l]`` is the largest log-weight a person at level ``l`` can meet
    (0 where ``D >= l``: no such class).
    """
    D = np.arange(depth, dtype=np.float64)
    d = np.arange(depth + 1, dtype=np.float64)
    x = np.sqrt(np.maximum(d[:, None] ** 2 + d[None, :] ** 2 - 2.0, 0.0))
    rank = _log_weight(D, 0.0, lam, 1.0)
    dist = _log_weight(0.0, x, 1.0, zeta)
    lv = np.arange(depth + 1)[:, None, None]
    Dg = np.arange(depth)[None, :, None]
    dj = np.arange(depth + 1)[None, None, :]
    ok = (Dg < lv) & (dj >= 1) & (Dg + dj <= depth)
    logw = np.where(ok, rank[Dg] + dist[np.clip(lv - Dg, 0, depth), dj], -np.inf)
    top = logw.max(axis=(1, 2), keepdims=True)
    with np.errstate(invalid="ignore"):
        scaled = np.where(ok & np.isfinite(top), np.exp(logw - top), 0.0)
    return rank, dist, scaled


def _draw(m, level, parent, span, lam, zeta, rng):
    """``m`` independent draws (i, j) of the model, i first; -1 where i has no partner.

    ``i`` is uniform over everyone but the top (whom everyone else reports
    to, so who has no partner); an ``i`` whose every partner has weight 0
    (possible only with lam or zeta = 0) comes back as -1, and dropping it
    is the same as drawing ``i`` again.
    """
    rank, dist, scaled = _tables(int(level.max()), lam, zeta)
    u = rng.random((3, m))
    i = np.empty(m, dtype=np.int64)
    j = np.empty(m, dtype=np.int64)
    _dws_draw(
        level.astype(np.int64),
        parent.astype(np.int64),
        span,
        rank,
        dist,
        scaled,
        u[0],
        u[1],
        u[2],
        i,
        j,
    )
    return i, j


def _links(n, span, level, parent, links, lam, zeta, rng):
    """Draw ``links`` distinct cross-links (pairs a < b) in the model's order.

    An already drawn pair is drawn again, as a whole (i and j), until a new
    one comes: keeping the first occurrence of each pair in a stream of
    independent draws is exactly that sequential procedure.
    """
    depth = int(level.max())
    if depth == 0 or n < 3:
        raise ValueError(
            f"links: a rake of {n} people has no two people outside each other's "
            "line, so there is nowhere to add a cross-link; ask for links=0"
        )
    found = np.empty(0, dtype=np.int64)  # in order of drawing
    seen = np.empty(0, dtype=np.int64)  # the same, sorted
    for _ in range(200):
        need = links - found.size
        if need <= 0:
            break
        m = need + need // 4 + 64  # a few spare: some repeat
        i, j = _draw(m, level, parent, span, lam, zeta, rng)
        ok = i >= 0
        key = np.minimum(i[ok], j[ok]) * n + np.maximum(i[ok], j[ok])
        _, first = np.unique(key, return_index=True)  # distinct, in order of drawing
        key = key[np.sort(first)]
        if seen.size:
            pos = np.minimum(np.searchsorted(seen, key), seen.size - 1)
            key = key[seen[pos] != key]
        found = np.concatenate([found, key])
        seen = np.sort(found)
    if found.size < links:
        raise ValueError(
            f"links: could only place {found.size} distinct cross-links of the "
            f"{links} asked for with lam={lam} and zeta={zeta} in {n} people; "
            "ask for fewer or raise lam and zeta"
        )
    found = found[:links]
    return found // n, found % n
