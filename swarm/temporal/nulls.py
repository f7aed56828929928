"""Does the real timing slow the news or speed it up? Real contacts against their nulls.

Karsai et al. (2011) replayed a spreading process on real time-stamped
calls and on the same calls with their times shuffled, and found the real
timing (bursts, and the order of contacts on adjacent links) slowed the
spread. :func:`against_nulls` asks the same of any :class:`Contacts`: it
replays the news from every person at several start times, on the real
contacts and on each null model of :class:`Contacts`, and compares the mean
fraction reached over time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_int, normalise_seed
from ..results import metrics as _m
from .contacts import Contacts
from .replay import replay

__all__ = ["NULLS", "against_nulls"]

#: The null models, by the name tables use: the Contacts method of each.
NULLS = {
    "times shuffled": "shuffle_times",
    "uniform times": "uniform_times",
    "pairs shuffled": "shuffle_pairs",
}


def _crossing(grid: np.ndarray, curve: np.ndarray, level: float) -> float:
    """First time of ``grid`` at which ``curve`` reaches ``level`` (inf: never)."""
    hit = np.flatnonzero(curve >= level)
    return float(grid[hit[0]]) if hit.size else np.inf


def against_nulls(
    contacts: Contacts,
    *,
    starts: int = 5,
    realisations: int = 5,
    nulls=tuple(NULLS),
    levels=(0.1, 0.25, 0.5),
    points: int = 400,
    seed: SeedLike = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replay the real contacts and their null models from every person; compare the spread.

    Every person is the origin once at each of ``starts`` start times,
    evenly spaced over the first half of the span, so every replay has at
    least half the span ahead of it; the horizon of the comparison is that
    half span. News passes on every contact (``p = 1``, no delay): the
    susceptible-infected process of Karsai et al. (2011).

    Parameters
    ----------
    contacts : Contacts
    starts : int, default 5
    realisations : int, default 5
        Draws of each null model (averaged).
    nulls : sequence of str
        Names from :data:`NULLS`.
    levels : sequence of float
        Fractions of people reached whose times are tabled.
    points : int
        Points of the time grid of the curves.
    seed : None, int, SeedSequence or Generator
        Seeds the null models.

    Returns
    -------
    table : DataFrame
        One row per variant (``real`` first): ``reach`` (mean fraction
        reached by the horizon), ``t10``, ``t25``, ... (when the mean
        fraction reached first reaches each level; inf: not within the
        horizon) and ``slowdown`` for each level (the real time over this
        variant's: above 1, the real timing is slower).
    curves : DataFrame
        Column ``time`` and one column per variant: the mean fraction
        reached (over origins, start times and realisations).

    References
    ----------
    .. [1] M. Karsai, M. Kivela, R. K. Pan, K. Kaski, J. Kertesz, A.-L.
       Barabasi and J. Saramaki, "Small but slow world: How network
       topology and burstiness slow down spreading", Phys. Rev. E 83,
       025102(R) (2011).
    .. [2] P. Holme and J. Saramaki, "Temporal networks", Physics Reports
       519, 97-125 (2012).

    Examples
    --------
    >>> import swarm
    >>> c = swarm.Contacts([0, 1, 2, 0] * 5, [1, 2, 3, 3] * 5, [float(k) for k in range(20)])
    >>> table, curves = swarm.temporal.against_nulls(c, starts=2, realisations=2, seed=1)
    >>> table.index.tolist()
    ['real', 'times shuffled', 'uniform times', 'pairs shuffled']
    """
    if not isinstance(contacts, Contacts):
        raise TypeError(f"contacts must be swarm.Contacts, got {type(contacts).__name__}")
    starts = check_int("starts", starts, low=1)
    realisations = check_int("realisations", realisations, low=1)
    bad = [x for x in nulls if x not in NULLS]
    if bad:
        raise ValueError(f"nulls must name models of {list(NULLS)}, got {bad}")
    horizon = 0.5 * contacts.span
    when = float(contacts.time[0]) + horizon * np.arange(starts) / starts
    grid = np.linspace(0.0, horizon, points)

    def mean_curve(c: Contacts) -> np.ndarray:
        total = np.zeros(points)
        for s in when.tolist():
            total += _m.fraction_turned(replay(c, "each", start=s).arrival_times, grid).mean(axis=0)
        return total / when.size

    curves = {"real": mean_curve(contacts)}
    children = normalise_seed(seed).spawn(len(nulls))
    for name, child in zip(nulls, children):
        method = getattr(contacts, NULLS[name])
        draws = [mean_curve(method(seed=g)) for g in child.spawn(realisations)]
        curves[name] = np.mean(draws, axis=0)
    rows = []
    for name, curve in curves.items():
        row = {"variant": name, "reach": float(curve[-1])}
        for lv in levels:
            row[f"t{round(100 * lv)}"] = _crossing(grid, curve, lv)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("variant")
    for lv in levels:
        col = f"t{round(100 * lv)}"
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"slowdown_{col}"] = table.loc["real", col] / table[col]
    table["unit"] = contacts.time_unit
    return table, pd.DataFrame({"time": grid, **curves})
