"""From a flock to an organisation: the birds' watch graph as a watch graph."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..organisation import Organisation
from .model import Flock

__all__ = ["from_flock"]


def from_flock(flock: Flock, *, name: str | None = None) -> Organisation:
    """The organisation whose watch graph is the flock's neighbour graph now.

    Bird ``i`` becomes agent ``i``; it watches the birds it aligns with at
    this moment (its ``k`` nearest, or everyone within the radius), and its
    position in social space is its position in the flock. Every cascade and
    alignment tool then runs on a literal flock.

    Parameters
    ----------
    flock : Flock
    name : str, optional
        Default ``"flock (topological, k=7)"`` or ``"flock (metric, r=...)"``.

    Examples
    --------
    >>> import swarm
    >>> from swarm.flock import Flock
    >>> org = swarm.from_flock(Flock(100, seed=1))
    >>> org.n, int(org.attention.min()), int(org.attention.max())
    (100, 7, 7)
    """
    if not isinstance(flock, Flock):
        raise TypeError(f"flock must be a swarm.flock.Flock, got {type(flock).__name__}")
    rows = flock.neighbours()
    indptr = np.zeros(flock.n + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if indptr[-1] else np.empty(0, dtype=np.int64)
    watch = sp.csr_array((np.ones(len(indices)), indices, indptr), shape=(flock.n, flock.n))
    if name is None:
        name = (
            f"flock (topological, k={flock.k})"
            if flock.interaction == "topological"
            else f"flock (metric, r={flock.radius:.3g})"
        )
    return Organisation(watch, position=flock.positions, name=name, time_unit="time units")
