"""CSR surgery on an Organisation: edge lists out, a new Organisation in.

What-ifs work on plain edge arrays in the public numbering (watcher,
watched, latency scale, channel code) and hand them back here; this module
keeps channels aligned with the canonical CSR order, refuses nothing
silently and never mutates the organisation it was given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..organisation import _FIELDS, CHANNELS, Organisation, locality_order

__all__: list[str] = []

FORMAL = CHANNELS.index("formal")
COLLEAGUE = CHANNELS.index("colleague")
SOCIAL = CHANNELS.index("social")


@dataclass
class Edges:
    """The watch graph as parallel arrays: ``watcher[e]`` watches ``watched[e]``."""

    watcher: np.ndarray
    watched: np.ndarray
    scale: np.ndarray
    channel: np.ndarray

    def keep(self, mask: np.ndarray) -> Edges:
        return Edges(self.watcher[mask], self.watched[mask], self.scale[mask], self.channel[mask])

    def add(self, watcher, watched, channel: int, scale=1.0) -> Edges:
        """Append edges (an existing watch relation keeps its own scale and channel)."""
        watcher = np.asarray(watcher, dtype=np.int64).ravel()
        watched = np.asarray(watched, dtype=np.int64).ravel()
        scale = np.broadcast_to(np.asarray(scale, dtype=np.float64), watcher.shape)
        return Edges(
            np.concatenate([self.watcher, watcher]),
            np.concatenate([self.watched, watched]),
            np.concatenate([self.scale, scale]),
            np.concatenate([self.channel, np.full(watcher.size, channel, dtype=np.int8)]),
        )


def edges(org: Organisation) -> Edges:
    """The organisation's watch edges in CSR order (public numbering)."""
    w = org.watch
    rows = np.repeat(np.arange(org.n, dtype=np.int64), np.diff(w.indptr))
    return Edges(
        rows,
        w.indices.astype(np.int64),
        np.array(w.data, dtype=np.float64),
        np.array(org.channel, dtype=np.int8),
    )


def rebuild(org: Organisation, e: Edges, *, new_wins: bool = False, **changes) -> Organisation:
    """A new Organisation with edges ``e`` and the other fields of ``org`` (or ``changes``).

    Self-edges are dropped; of duplicate (watcher, watched) pairs the first
    one listed wins, so edges already in ``org`` keep their scale and
    channel; with ``new_wins`` the last one listed wins instead.
    """
    n = org.n
    ok = e.watcher != e.watched
    e = e.keep(ok)
    key = e.watcher * n + e.watched
    if new_wins:
        _, last = np.unique(key[::-1], return_index=True)
        e = e.keep(key.size - 1 - last)
    else:
        _, first = np.unique(key, return_index=True)  # sorted keys, first occurrence of each
        e = e.keep(first)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(e.watcher, minlength=n), out=indptr[1:])
    w = sp.csr_array((e.scale, e.watched, indptr), shape=(n, n))
    fields = {f: getattr(org, f) for f in _FIELDS if f != "channel"}  # the edges bring theirs
    fields.update(changes)
    return Organisation(w, channel=e.channel, _order=locality_order(w), **fields)


def managers_mask(org: Organisation) -> np.ndarray | None:
    """Who manages someone (from ``manager``), else who is above the lowest level."""
    if org.manager is not None:
        m = np.zeros(org.n, dtype=bool)
        m[org.manager[org.manager >= 0]] = True
        return m
    if org.level is not None:
        return org.level < org.level.max()
    return None


def group_of(org: Organisation, who: str, *, what: str) -> np.ndarray:
    """Indices of the people present in group ``who`` ("random": everyone)."""
    present = np.ones(org.n, dtype=bool) if org.absent is None else ~org.absent
    if who == "random":
        return np.flatnonzero(present)
    mgr = managers_mask(org)
    if mgr is None:
        raise ValueError(
            f"who={who!r} needs managers or levels, and the "
            f"{org.name or 'given'} organisation has neither; use who='random' "
            f"({what})"
        )
    return np.flatnonzero(present & (mgr if who == "managers" else ~mgr))


def count_of(fraction: float, size: int) -> int:
    """People a fraction of a group of ``size`` stands for (rounded half up)."""
    return int(np.floor(fraction * size + 0.5 + 1e-9))


def suffix(org: Organisation, text: str) -> str:
    """A readable name for the variant, e.g. ``hierarchy, 60 % on the network``."""
    return f"{org.name or 'organisation'}, {text}"


def without(org: Organisation, agents: np.ndarray) -> Organisation:
    """``org`` with ``agents`` (positions) also absent, named as :func:`swarm.remove` names it."""
    away = np.zeros(org.n, dtype=bool) if org.absent is None else org.absent.copy()
    away[np.asarray(agents, dtype=np.int64)] = True
    return org.replace(absent=away, name=suffix(org, f"{len(agents)} named people away"))
