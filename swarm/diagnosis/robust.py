"""Conclusions that survive the guesses: each headline conclusion over the assumption grid.

Every cell of :data:`~swarm.diagnosis.assumptions.GRID` (meeting cycle x
colleague latency x formal law) is a cell of the sweep machinery
(:class:`~swarm.experiments._cells.CellRunner` on a function scenario), so
its seeds come from the cell's own key as in any :func:`swarm.sweep`; no
second engine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .._checks import SeedLike
from ..experiments._cells import CellRunner
from ..experiments.scenario import FunctionScenario
from ..models.cascade import Cascade
from ..models.shocks import Shock
from ..organisation import Organisation
from .assumptions import GRID, WORDS, Assumptions
from .parts import saved_share

__all__ = ["GRID_SIZE", "conclusions"]

GRID_SIZE = int(np.prod([len(v) for v in GRID.values()]))
_LEVELS = (
    (0.5, "halves t90"),
    (0.25, "cuts t90 by at least a quarter"),
    (0.1, "cuts t90 by at least a tenth"),
)


def _sets() -> list[dict]:
    return [dict(zip(GRID, combo)) for combo in itertools.product(*GRID.values())]


def _t90(res) -> float:
    return float(np.median(res.metrics()["t90"]))


def _last_department(res) -> str | None:
    org = res.organisation
    if org.department is None or len(org.department_names) < 2:
        return None
    dep = res.by_department().sort_values(["t90", "t50"], ascending=False)
    return str(dep.index[0])


def conclusions(
    org: Organisation,
    model: Cascade,
    assumptions: Assumptions,
    tables: Mapping[str, pd.DataFrame],
    whatifs: Mapping[str, Organisation],
    runs: int,
    seed: SeedLike,
    tick: Callable[[int], None],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per assumption set, one row per headline conclusion)."""
    variants = {"as it is": org, **whatifs}

    def diagnosis_cell(
        variant: str, origin: str, meeting_every: float, colleague_factor: float, formal: str
    ):
        m = assumptions.model(
            model, meeting_every=meeting_every, colleague_factor=colleague_factor, formal=formal
        )
        return variants[variant], m, Shock(origin)

    scenario = FunctionScenario(diagnosis_cell)
    runner = CellRunner(scenario, runs, seed, None)
    jobs = [("as it is", "top"), ("as it is", "bottom"), ("as it is", "random")] + [
        (w, "random") for w in whatifs
    ]
    rows = []
    for a in _sets():
        row = dict(a)
        for variant, origin in jobs:
            res = runner.result(
                {"structure": scenario.name, "variant": variant, "origin": origin, **a},
                summary=True,
            )  # metrics only
            tick(1)
            key = {"top": "t90 from the top", "bottom": "t90 from the front line"}.get(
                origin, "t90 from anyone" if variant == "as it is" else f"t90 {variant}"
            )
            row[key] = _t90(res)
            if variant == "as it is" and origin == "random":
                row["hears last"] = _last_department(res)
        rows.append(row)
    sets = pd.DataFrame(rows)
    return sets, _judge(sets, tables, list(whatifs))


def _judge(
    sets: pd.DataFrame, tables: Mapping[str, pd.DataFrame], whatifs: list[str]
) -> pd.DataFrame:
    speed = tables["speed"]
    claims: list[tuple[str, np.ndarray]] = []
    top, front = speed.loc["from the top", "t90"], speed.loc["from the front line", "t90"]
    s_top, s_front = sets["t90 from the top"].to_numpy(), sets["t90 from the front line"].to_numpy()
    if front > top:
        text = "News from the front line takes longer to reach 90 % than news from the top"
        claims.append((text, s_front > s_top))
    elif top > front:
        text = "News from the top takes longer to reach 90 % than news from the front line"
        claims.append((text, s_top > s_front))
    dep = tables["departments"]
    if len(dep) > 1:
        last = str(dep.index[0])
        claims.append(
            (f"{last} hears last (news from anyone)", (sets["hears last"] == last).to_numpy())
        )
    base = sets["t90 from anyone"].to_numpy()
    wi = tables["whatifs"]
    for w in whatifs:
        share = saved_share(base, sets[f"t90 {w}"].to_numpy())
        main = wi.loc[w, "saved_share"]
        level = next(((lv, verb) for lv, verb in _LEVELS if main >= lv), None)
        if level is None:
            claims.append(
                (f"{w.capitalize()} changes t90 by less than a tenth", np.abs(share) < 0.1)
            )
        else:
            claims.append((f"{w.capitalize()} {level[1]} (news from anyone)", share >= level[0]))
    ok = wi[wi["applies"]] if "hours_saved" in wi.columns else wi.iloc[:0]
    if len(ok) > 1:
        best = ok.index[0]
        # the most hours saved is the shortest t90 (the same baseline in each set)
        stack = np.vstack([sets[f"t90 {w}"].to_numpy() for w in ok.index])
        winner = np.array([ok.index[int(np.argmin(c))] for c in stack.T])
        claims.append((f"{best.capitalize()} saves the most time of the what-ifs", winner == best))
    rows = []
    for text, holds in claims:
        holds = np.asarray(holds, dtype=bool)
        rows.append(
            {
                "conclusion": text,
                "holds_in": int(holds.sum()),
                "sets": holds.size,
                "share": float(holds.mean()),
                "breaks_when": _breaks(sets, holds),
            }
        )
    return pd.DataFrame(rows).set_index("conclusion")


def _breaks(sets: pd.DataFrame, holds: np.ndarray) -> str:
    """The assumption under which a conclusion fails most often, in words."""
    if holds.all():
        return "holds under every assumption set"
    best = None
    for axis in GRID:
        for value in GRID[axis]:
            at = (sets[axis] == value).to_numpy()
            fail = int((at & ~holds).sum())
            rate = fail / max(int(at.sum()), 1)
            if best is None or (rate, fail) > best[0]:
                best = ((rate, fail), axis, value, fail, int(at.sum()))
    _, axis, value, fail, total = best
    words = WORDS.get((axis, value), f"{axis} = {value}")
    if fail == int((~holds).sum()):
        return f"fails only when {words} ({fail} of {total} such sets)"
    return f"fails most when {words} ({fail} of {total} such sets)"
