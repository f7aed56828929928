"""Linking pins found in the data: the people who carry the message, and the cost of losing them.

Likert called the people who tie groups together *linking pins*. Here they
are found empirically: simulate the shock with ``record="tree"``, rank people
by their messenger score (how many got the message through them,
:meth:`swarm.Result.messengers`), then confirm each candidate by simulating
the organisation without them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_int, normalise_seed
from ..models.cascade import Cascade
from ..models.shocks import Shock
from ..organisation import Organisation
from ..results.result import Result
from ..simulate import simulate
from . import _edit

__all__ = ["LinkingPins", "find_linking_pins"]


@dataclass(frozen=True, eq=False)
class LinkingPins:
    """The top messengers of an organisation and what losing them costs.

    Attributes
    ----------
    agents : ndarray of int
        Their indices in the organisation, strongest messenger first.
    ids : ndarray
        Their ids (``org.ids[agents]``).
    table : DataFrame
        One row per pin, indexed by ``rank``: ``id``, ``department``,
        ``level``, ``score`` (messenger score), ``t90`` (median over runs,
        everyone present), ``t90_without`` (the same without this person),
        ``slowdown`` (``t90_without / t90``), ``reach`` and ``reach_without``.
    t90, t90_without_all : float
        Median t90 with everyone, and without all the pins at once.
    result : Result
        The simulation (with its transmission trees) that ranked them.
    """

    agents: np.ndarray
    ids: np.ndarray
    table: pd.DataFrame
    t90: float
    t90_without_all: float
    result: Result

    def __repr__(self) -> str:
        return (
            f"LinkingPins({len(self.agents)} of {self.result.name!r}: t90 {self.t90:.3g} -> "
            f"{self.t90_without_all:.3g} {self.result.unit} without all of them)"
        )


def find_linking_pins(
    org: Organisation,
    model: Cascade | None = None,
    shock: Shock | None = None,
    runs: int = 200,
    top: int = 10,
    seed: SeedLike = None,
) -> LinkingPins:
    """The people through whom the message passes, ranked and confirmed by removal.

    1. Simulate ``runs`` cascades with ``record="tree"`` and rank everyone
       by messenger score (:meth:`swarm.Result.messengers`).
    2. For each of the ``top`` strongest, simulate the organisation without
       them (:func:`swarm.remove`: all their watch edges gone, never an
       origin, not counted in the head count) and record t90, the median over runs of the time until
       90 % of those present had turned; and once more without all of them.

    Every simulation uses the same seed (common random numbers where the
    graphs agree), so differences come from the removal, not the draw. Agents
    that a fixed shock names as origins are not candidates (they are the
    shock).

    Parameters
    ----------
    org : Organisation
    model : Cascade, default ``Cascade()``
    shock : Shock, default ``Shock("random")``
    runs : int, default 200
        Runs of every simulation.
    top : int, default 10
        How many pins to confirm.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    LinkingPins

    Notes
    -----
    A median t90 is infinite when most runs reach fewer than 90 % of the
    people present (as in networks where many never pass anything on);
    ``reach`` then tells the story.

    Examples
    --------
    >>> import swarm
    >>> pins = swarm.find_linking_pins(swarm.hierarchy(57), swarm.Cascade(swarm.Constant(1.0)),
    ...                           runs=20, top=3, seed=1)
    >>> int(pins.ids[0])                     # the top of the rake
    0
    >>> float(pins.table.loc[1, "t90_without"])   # without it the branches never hear
    inf
    """
    if not isinstance(org, Organisation):
        raise TypeError(f"org must be an Organisation, got {type(org).__name__}")
    model = Cascade() if model is None else model
    if not isinstance(model, Cascade):
        raise TypeError(f"model must be a swarm.Cascade, got {type(model).__name__}")
    shock = Shock() if shock is None else shock
    runs = check_int("runs", runs, low=1)
    top = check_int("top", top, low=1, high=org.n - 1)
    ss = normalise_seed(seed)
    entropy = ss.entropy

    def fresh():
        return np.random.SeedSequence(entropy, spawn_key=ss.spawn_key)

    res = simulate(org, model, shock, runs, fresh(), record="tree")
    ranked = res.messengers()
    if not shock.varies:  # a fixed shock's origins are not candidates
        fixed = set(org.index_of(shock.origin).tolist())
        ranked = ranked[~ranked["agent"].isin(fixed)]
    ranked = ranked.head(top)
    agents = ranked["agent"].to_numpy(dtype=np.int64)
    base = res.metrics()
    t90 = float(np.median(base["t90"]))
    rows = []
    for a in agents.tolist():
        m = simulate(_edit.without(org, [a]), model, shock, runs, fresh()).metrics()
        rows.append((float(np.median(m["t90"])), float(m["reach"].mean())))
    m_all = simulate(_edit.without(org, agents), model, shock, runs, fresh()).metrics()
    table = ranked[["id", "department", "level", "score"]].copy()
    table["t90"] = t90
    table["t90_without"] = [r[0] for r in rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["slowdown"] = table["t90_without"] / t90
    table["reach"] = float(base["reach"].mean())
    table["reach_without"] = [r[1] for r in rows]
    table["unit"] = org.time_unit
    table.index = pd.RangeIndex(1, len(table) + 1, name="rank")
    return LinkingPins(
        agents=agents,
        ids=org.ids[agents],
        table=table,
        t90=t90,
        t90_without_all=float(np.median(m_all["t90"])),
        result=res,
    )
