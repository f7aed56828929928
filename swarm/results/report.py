"""Plain-language reports: a few sentences an HR reader understands.

Every number in a report comes from the result's own tables (``summary``,
``by_department``, ``by_level``), rounded for reading by :func:`number`;
nothing is said that the numbers do not show.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .result import Comparison, Result

__all__ = ["comparison_report", "number", "result_report"]


def number(x: float) -> str:
    """A time or count rounded for reading: 36.7, 1.3, 0.45, 1,250.

    Examples
    --------
    >>> [number(v) for v in (36.66, 1.26, 0.449, 1249.6)]
    ['36.7', '1.3', '0.45', '1,250']
    """
    x = float(x)
    if not math.isfinite(x):
        return "never"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1 or a == 0:
        return f"{x:.1f}"
    return f"{x:.2g}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _level_name(level: int, deepest: int) -> str:
    if level == 0:
        return "the top (level 0)"
    if level == deepest:
        return f"the front line (level {level})"
    return f"level {level}"


def _slowest(table, label: str) -> str | None:
    """A sentence on the group that turned last (by t90, then by reach)."""
    if len(table) < 2:
        return None
    t90 = table["t90"].to_numpy(dtype=float)
    if np.isinf(t90).any():
        worst = table.index[int(np.argmin(table["reach"].to_numpy()))]
        row = table.loc[worst]
        return f"{label(worst)} was reached least: {_pct(row['reach'])} of its people on average."
    worst = table.index[int(np.argmax(t90))]
    row = table.loc[worst]
    return (
        f"{label(worst)} was last: 90 % of its people had turned after "
        f"{number(row['t90'])} {row['unit']}."
    )


def result_report(res: Result) -> str:
    """A few sentences on one result: t50, t90 with its spread, reach, who was last.

    Examples
    --------
    >>> import swarm
    >>> res = swarm.simulate(swarm.hierarchy(57), swarm.Cascade(swarm.Constant(1.0)),
    ...                      swarm.Shock("top"), runs=3, seed=1)
    >>> print(res.report())  # doctest: +NORMALIZE_WHITESPACE
    In 3 simulated runs on hierarchy (57 people), half of the staff had turned after 2.0
    hours and 90 % after 2.0 hours (median; 2.0 to 2.0 hours in 90 % of runs).
    Everyone was reached in every run. The front line (level 2) was last: 90 % of its
    people had turned after 2.0 hours.
    """
    s = res.summary().iloc[0]
    unit = res.unit
    org = res.organisation
    away = 0 if org.absent is None else int(org.absent.sum())
    people = f"{int(s['agents'])} people" + (f", {away} away" if away else "")
    runs = f"{res.runs} simulated run{'s' if res.runs != 1 else ''}"
    out = []
    if math.isfinite(s["t90"]):
        spread = (
            ""
            if res.runs == 1
            else f"; {number(s['t90_lo'])} to {number(s['t90_hi'])} {unit} in 90 % of runs"
        )
        out.append(
            f"In {runs} on {res.name} ({people}), half of the staff had turned after "
            f"{number(s['t50'])} {unit} and 90 % after {number(s['t90'])} {unit} "
            f"(median{spread})."
        )
    elif math.isfinite(s["t50"]):
        out.append(
            f"In {runs} on {res.name} ({people}), half of the staff had turned after "
            f"{number(s['t50'])} {unit} (median), but in most runs 90 % were never "
            "reached."
        )
    else:
        out.append(
            f"In {runs} on {res.name} ({people}), in most runs the news never reached "
            "half of the staff."
        )
    reach = float(s["reach"])
    if reach == 1.0:
        out.append("Everyone was reached in every run.")
    else:
        out.append(f"On average {_pct(reach)} of the staff were reached; the rest never heard.")
    if org.level is not None and int(org.level.max()) > 0:
        deepest = int(org.level.max())
        sentence = _slowest(res.by_level(), lambda lv: _level_name(int(lv), deepest))
        if sentence:
            out.append(sentence[0].upper() + sentence[1:])
    elif org.department is not None:
        sentence = _slowest(res.by_department(), str)
        if sentence:
            out.append(sentence[0].upper() + sentence[1:])
    return " ".join(out)


def comparison_report(cmp: Comparison) -> str:
    """A few sentences comparing structures by t90: the fastest, and how much longer the rest took.

    Examples
    --------
    >>> import swarm
    >>> orgs = {"rake": swarm.hierarchy(57), "one layer fewer": swarm.flatten(swarm.hierarchy(57))}
    >>> cmp = swarm.compare(orgs, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top"),
    ...                     runs=2, seed=1)
    >>> print(cmp.report())  # doctest: +NORMALIZE_WHITESPACE
    One layer fewer was fastest: 90 % of the staff had turned after 1.0 hours.
    Rake took 2.0 hours, 2.0 times as long.
    """
    table = cmp.summary()
    unit = cmp.unit
    t90 = table["t90"].to_numpy(dtype=float)
    out = []
    if not np.isfinite(t90).any():
        out.append("In none of the structures did the news reach 90 % of the staff in most runs.")
        best = None
    else:
        best = table.index[int(np.nanargmin(np.where(np.isfinite(t90), t90, np.nan)))]
        out.append(
            f"{best[0].upper() + best[1:]} was fastest: 90 % of the staff had turned "
            f"after {number(table.loc[best, 't90'])} {unit}."
        )
    for name, row in table.iterrows():
        if name == best:
            continue
        cap = name[0].upper() + name[1:]
        if math.isfinite(row["t90"]):
            out.append(
                f"{cap} took {number(row['t90'])} {unit}, {row['t90_ratio']:.1f} times as long."
            )
        else:
            out.append(
                f"{cap} never reached 90 % of the staff in most runs (on average "
                f"{_pct(row['reach'])} were reached)."
            )
    return " ".join(out)
