"""Shocks: who turns first, at time 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_int
from ..organisation import Organisation

__all__ = ["Shock"]

_KEYWORDS = ("top", "bottom", "random")


@dataclass(frozen=True)
class Shock:
    """Where the news starts: the agents that turn at time 0.

    Parameters
    ----------
    origin : str or sequence of agent ids, default "random"
        ``"top"``: the ``size`` agents highest in the hierarchy (lowest
        ``level``; ties drawn at random). ``"bottom"``: ``size`` agents drawn
        from the front line (people who manage nobody; without manager data,
        the lowest level). ``"random"``: ``size`` agents drawn from everyone.
        Any other string names a department: ``size`` of its members.
        A sequence gives the agents' ids explicitly (``size`` is then ignored).
        People marked ``absent`` (see :func:`swarm.remove`) are never drawn.
    size : int, default 1
        Number of origins. Random origins are drawn anew for every run.
    together : bool, default False
        Draw one origin as above, then add the ``size - 1`` agents closest
        to it in watch hops (either direction; ties to the lower index): a
        whole team sees the problem at once. Complex contagion (a threshold
        of 2 or more) needs origins that are neighbours.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(57)
    >>> swarm.Shock("top").origins(org, np.random.default_rng(0)).tolist()
    [0]
    >>> int(org.level[swarm.Shock("bottom").origins(org, np.random.default_rng(0))[0]])
    2
    """

    origin: Any = "random"
    size: int = 1
    together: bool = False

    def __post_init__(self):
        object.__setattr__(self, "size", check_int("size", self.size, low=1))
        o = self.origin
        if isinstance(o, (str, np.str_)):
            object.__setattr__(self, "origin", str(o))
        elif isinstance(o, (Sequence, np.ndarray)) and not isinstance(o, (bytes,)):
            ids = list(np.asarray(o).tolist()) if isinstance(o, np.ndarray) else list(o)
            if not ids:
                raise ValueError("origin must name at least one agent id, got an empty sequence")
            object.__setattr__(self, "origin", tuple(ids))
        else:
            raise TypeError(
                "origin must be 'top', 'bottom', 'random', a department name or a "
                f"sequence of agent ids; got {o!r}"
            )

    @property
    def varies(self) -> bool:
        """Whether the origins are drawn anew for each run."""
        return not isinstance(self.origin, tuple)

    def describe(self) -> str:
        """A short phrase for tables and plot titles."""
        o = self.origin
        if isinstance(o, tuple):
            return f"agents {', '.join(map(str, o[:5]))}{'...' if len(o) > 5 else ''}"
        where = {"top": "at the top", "bottom": "on the front line", "random": "at random"}.get(
            o, f"in department {o}"
        )
        team = " (one team)" if self.together and self.size > 1 else ""
        return f"{self.size} origin{'s' if self.size > 1 else ''} {where}{team}"

    def origins(self, org: Organisation, rng: np.random.Generator) -> np.ndarray:
        """The origins' public indices in ``org`` for one run."""
        if self.together and not isinstance(self.origin, tuple):
            first = Shock(self.origin, size=1).origins(org, rng)[0]
            return _team(org, int(first), self._check_size(org.n, "the organisation"))
        return self._pick(org, rng)

    def _pick(self, org: Organisation, rng: np.random.Generator) -> np.ndarray:
        o = self.origin
        away = org.absent
        if isinstance(o, tuple):
            idx = org.index_of(o)
            if away is not None and away[idx].any():
                who = org.ids[idx[away[idx]][0]]
                raise ValueError(
                    f"origin names agent {who!r}, who is absent from this "
                    "organisation (see swarm.remove); pick someone present"
                )
            return idx
        if o == "random":
            pool = None if away is None else org.present
        elif o == "top":
            if org.level is None:
                raise ValueError(
                    f"origin 'top' needs management levels, and the "
                    f"{org.name or 'given'} organisation has none; use 'random', "
                    "a department or agent ids"
                )
            jitter = rng.random(org.n)
            ranked = np.lexsort((jitter, org.level))
            if away is not None:
                ranked = ranked[~away[ranked]]
            return np.sort(ranked[: self._check_size(ranked.size, "the people present")])
        elif o == "bottom":
            if org.manager is not None:
                is_manager = np.zeros(org.n, dtype=bool)
                is_manager[org.manager[org.manager >= 0]] = True
                pool = np.flatnonzero(~is_manager)
            elif org.level is not None:
                pool = np.flatnonzero(org.level == org.level.max())
            else:
                raise ValueError(
                    f"origin 'bottom' needs levels or managers, and the "
                    f"{org.name or 'given'} organisation has neither; use "
                    "'random', a department or agent ids"
                )
        else:
            names = org.department_names or ()
            if o not in names:
                shown = ", ".join(map(repr, names[:8])) + (", ..." if len(names) > 8 else "")
                raise ValueError(
                    f"origin must be 'top', 'bottom', 'random' or a department "
                    f"name ({shown or 'this organisation has no departments'}); "
                    f"got {o!r}"
                )
            pool = np.flatnonzero(org.department == names.index(o))
        if away is not None and o != "random":
            pool = pool[~away[pool]]
        total = org.n if pool is None else pool.size
        picked = rng.choice(total, size=self._check_size(total, f"origin {o!r}"), replace=False)
        return np.sort(picked if pool is None else pool[picked])

    def _check_size(self, available: int, what: str) -> int:
        if self.size > available:
            raise ValueError(
                f"size must be at most the {available} agents of {what}, got {self.size}"
            )
        return self.size


def _team(org: Organisation, first: int, size: int) -> np.ndarray:
    """``first`` and the ``size - 1`` agents nearest to it in watch hops."""
    w = org.watch
    team = [first]
    seen = {first}
    frontier = [first]
    cols = org._watchers
    while len(team) < size and frontier:
        nxt = set()
        for a in frontier:
            nxt.update(w.indices[w.indptr[a] : w.indptr[a + 1]].tolist())
            nxt.update(cols.indices[cols.indptr[a] : cols.indptr[a + 1]].tolist())
        ring = sorted(nxt - seen)
        seen.update(ring)
        team.extend(ring[: size - len(team)])
        frontier = ring
    if len(team) < size:
        raise ValueError(
            f"size {size} exceeds the {len(team)} agents connected to agent {org.ids[first]!r}"
        )
    return np.sort(np.array(team, dtype=np.int64))
