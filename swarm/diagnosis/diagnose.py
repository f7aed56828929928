"""``diagnose``: the questions an HR strategist asks, answered in one object.

It composes what the library already computes (organisations from exports,
what-ifs, linking pins, simulations through the shared runner, the sweep's
cells over assumptions) and computes nothing of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_int, normalise_seed
from .._progress import progress_bar
from ..models.cascade import Cascade
from ..models.shocks import Shock
from ..organisation import Organisation
from ..simulate import simulate
from ..structures.org_chart import from_org_chart
from ..whatifs.linking_pins import find_linking_pins
from .assumptions import Assumptions
from .parts import (
    ORIGINS,
    _contacts_table,
    _cost,
    _headline,
    _overlay,
    _people,
    _structure,
    _t,
    _whatifs,
    saved_share,
)
from .report import sentences, write_html
from .robust import GRID_SIZE, conclusions

__all__ = ["Diagnosis", "diagnose"]


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """What :func:`diagnose` found: tables, a summary and an HTML report.

    Attributes
    ----------
    tables : dict of str -> DataFrame
        ``headline`` (the answers at a glance), ``structure`` (per layer:
        people, managers, spans, attention), ``speed`` (t50/t90 for news from
        the top, the front line and anyone), ``departments`` (slowest to
        know first), ``people`` (bottlenecks and linking pins),
        ``whatifs`` (ranked by hours saved, with their cost), ``contacts``
        (with a contact export: what the informal network adds),
        ``robustness`` (each headline conclusion over the assumption grid),
        ``assumption_sets`` (the t90 of every grid cell) and
        ``assumptions``.
    organisation : Organisation
        The organisation diagnosed (with contacts: formal and informal).
    assumptions : Assumptions
    results : dict of str -> Result
        The simulations behind the speed table, by origin.

    Examples
    --------
    >>> import os, tempfile, swarm
    >>> d = swarm.diagnose(swarm.hierarchy(60, span=4), runs=8, robust_runs=2, pins=2, seed=1)
    >>> d.summary().splitlines()[0][:40]
    '60 people in 4 layers and 5 departments;'
    >>> path = d.to_html(os.path.join(tempfile.mkdtemp(), "report.html"))
    >>> open(path, encoding="utf-8").read().startswith("<!DOCTYPE html>")
    True
    """

    tables: dict
    organisation: Organisation
    assumptions: Assumptions
    model: Cascade
    runs: int
    seed: SeedLike
    results: dict = field(repr=False)

    def summary(self) -> str:
        """The headline answers as plain sentences (what the report opens with)."""
        return "\n".join(sentences(self))

    def to_html(self, path) -> str:
        """Write the self-contained HTML report to ``path`` (atomically); return the path.

        Figures are embedded as PNG; the page loads nothing from anywhere and
        needs no scripts.
        """
        return write_html(self, path)

    def __repr__(self) -> str:
        h = self.tables["headline"]
        return (
            f"Diagnosis({self.organisation.name!r}: {self.organisation.n} people; "
            f"{len(h)} headline answers; tables {', '.join(self.tables)})"
        )


def diagnose(
    org: Organisation,
    model: Cascade | None = None,
    *,
    contacts=None,
    runs: int = 100,
    seed: SeedLike = 2026,
    assumptions: Assumptions | None = None,
    robust_runs: int = 30,
    pins: int = 10,
    progress: bool | None = None,
) -> Diagnosis:
    """Diagnose an organisation: how fast news travels, who slows it, what would help.

    Answers, each as a table in :attr:`Diagnosis.tables` and a section of
    the report (:meth:`Diagnosis.to_html`):

    - head count, layers, spans of control and the attention each person
      spends (``org.attention``: how many others they keep up with);
    - how long until 50 % and 90 % know (t50, t90), for news from the top,
      from the front line and from anyone (medians over ``runs``);
    - which departments hear last (news from anyone);
    - bottlenecks and linking pins: the strongest messengers
      (:func:`swarm.find_linking_pins`), each confirmed by simulating the
      organisation without them, and how many departments each connects;
    - what-ifs ranked by the hours they save on t90, each with its cost:
      60 % network adoption (:func:`swarm.adopt`), 5 % linking pins
      (:func:`swarm.add_linking_pins`), one management layer fewer
      (:func:`swarm.flatten`, the layer with the smallest spans) and a
      champion with a normal attention budget (:func:`swarm.champion`); a
      what-if that does not apply to this chart says why;
    - with ``contacts``: the informal network laid over the formal one
      (contacts on the ``colleague`` channel, latency scaled by how often a
      pair is in touch, as :func:`swarm.from_edges` with ``latency="count"``)
      and what it adds;
    - whether each headline conclusion survives other assumptions: it is
      recomputed in every cell of :data:`swarm.diagnosis.assumptions.GRID`
      (18 sets) with the sweep's cells (:mod:`swarm.experiments._cells`),
      and the report states in how many it holds and which assumption
      breaks it.

    Parameters
    ----------
    org : Organisation, str, path or DataFrame
        Usually :func:`swarm.from_org_chart` of an HR export; a file or a
        DataFrame is read by it as it comes.
    model : Cascade, optional
        Its ``p``, ``threshold``, ``window`` and ``ignore`` are kept; its
        latency is replaced by that of ``assumptions``. Default
        ``Cascade()``.
    contacts : str, path, DataFrame or Organisation, optional
        A communication export (one row per message: sender, recipient and
        optionally a time stamp; read by :func:`swarm.from_edges`) or an
        Organisation made by it. Ids must be those of the org chart.
    runs : int, default 100
        Runs of every main simulation.
    seed : int, SeedSequence or Generator, default 2026
    assumptions : Assumptions, optional
        Meeting cycle, colleague and network latency, formal law.
    robust_runs : int, default 30
        Runs of each cell of the assumption grid.
    pins : int, default 10
        Candidates confirmed as bottlenecks or linking pins.
    progress : bool or None
        A progress bar on stderr (``None``: on a terminal only).

    Returns
    -------
    Diagnosis

    Examples
    --------
    >>> import swarm
    >>> d = swarm.diagnose(swarm.hierarchy(120, span=5), runs=10, robust_runs=4, pins=2,
    ...                    seed=1)
    >>> sorted(d.tables["speed"].index)
    ['from anyone', 'from the front line', 'from the top']
    >>> int(d.tables["headline"].loc["people", "value"])
    120
    """
    if isinstance(org, (str, os.PathLike, pd.DataFrame)):  # an export, read as it comes
        org = from_org_chart(
            org,
            name=(
                "your organisation"
                if isinstance(org, pd.DataFrame)
                else os.path.splitext(os.path.basename(org))[0]
            ),
        )
    if not isinstance(org, Organisation):
        raise TypeError(
            f"org must be an Organisation, an org-chart file or a DataFrame (see "
            f"swarm.from_org_chart), got {type(org).__name__}"
        )
    if org.n < 3:
        raise ValueError(f"org must have at least 3 people to diagnose, got {org.n}")
    if org.level is None:
        raise ValueError(
            "org must have a chain of command (levels and managers), as an org "
            f"chart has; the {org.name or 'given'} organisation has none"
        )
    model = Cascade() if model is None else model
    if not isinstance(model, Cascade):
        raise TypeError(f"model must be a swarm.Cascade, got {type(model).__name__}")
    assumptions = Assumptions() if assumptions is None else assumptions
    if not isinstance(assumptions, Assumptions):
        raise TypeError(
            f"assumptions must be a swarm.diagnosis.Assumptions, got {type(assumptions).__name__}"
        )
    runs = check_int("runs", runs, low=1)
    robust_runs = check_int("robust_runs", robust_runs, low=1)
    pins = check_int("pins", pins, low=1)
    root = normalise_seed(seed)
    s_sim, s_whatif, s_pins, s_grid = root.spawn(4)
    base_model = assumptions.model(model)
    formal_org = org
    info = None
    if contacts is not None:
        org, info = _overlay(org, contacts)
    whatifs = _whatifs(org, s_whatif)
    applicable = [k for k, (o, _, _) in whatifs.items() if o is not None]
    steps = (
        3
        + len(applicable)
        + (1 if info else 0)
        + 1
        + (pins + 1)
        + GRID_SIZE * (3 + len(applicable))
    )
    bar = progress_bar(steps, progress, "diagnose", unit="step", auto_from=0)

    def tick(k: int = 1) -> None:
        if bar is not None:
            bar.update(k)

    try:
        results = {}
        for origin, words in ORIGINS.items():
            results[words] = simulate(org, base_model, Shock(origin), runs, s_sim, progress=False)
            tick()
        speed = pd.DataFrame({w: _t(r) for w, r in results.items()}).T
        speed.index.name = "news"
        speed["unit"] = org.time_unit
        anyone = results[ORIGINS["random"]]
        tables: dict[str, pd.DataFrame] = {}
        tables["structure"] = _structure(org)
        tables["speed"] = speed
        if org.department is not None and len(org.department_names) > 1:
            dep = anyone.by_department().sort_values(["t90", "t50"], ascending=False)
            dep.insert(0, "rank", np.arange(1, len(dep) + 1))
            tables["departments"] = dep
        else:
            tables["departments"] = pd.DataFrame(
                columns=["rank", "agents", "reach", "first", "t50", "t90", "unit"]
            )
        # bottlenecks and linking pins
        found = find_linking_pins(
            org, base_model, Shock("random"), runs=runs, top=min(pins, org.n - 1), seed=s_pins
        )
        tick(pins + 2)
        tables["people"] = _people(org, found)
        # what-ifs
        base = _t(anyone)
        rows = []
        for name, (new, what, note) in whatifs.items():
            row = {"what_if": name, "what": what, "applies": new is not None, "note": note}
            if new is not None:
                # the what-ifs need their metrics only: reduced inside the batch
                res = simulate(
                    new,
                    base_model,
                    Shock("random"),
                    runs,
                    s_sim,
                    progress=False,
                    keep="summary",
                    grid=[0.0],
                )
                tick()
                t = _t(res)
                row.update({"t50": t["t50"], "t90": t["t90"], "reach": t["reach"]})
                with np.errstate(invalid="ignore"):  # never - never: nothing to say
                    row["hours_saved"] = base["t90"] - t["t90"]
                row["saved_share"] = float(saved_share(base["t90"], t["t90"]))
                row.update(_cost(org, new))
            rows.append(row)
        wi = pd.DataFrame(rows).set_index("what_if")
        wi["unit"] = org.time_unit
        if "t90" in wi.columns:  # most hours saved first = the shortest t90 first
            wi = wi.sort_values(["t90", "t50"], na_position="last")
        wi.insert(0, "rank", np.arange(1, len(wi) + 1))
        tables["whatifs"] = wi
        if info is not None:
            formal_res = simulate(
                formal_org, base_model, Shock("random"), runs, s_sim, progress=False
            )
            tick()
            tables["contacts"] = _contacts_table(formal_org, org, formal_res, anyone, info)
        grid_rows, robust = conclusions(
            org,
            base_model,
            assumptions,
            tables,
            {k: whatifs[k][0] for k in applicable},
            robust_runs,
            s_grid,
            tick,
        )
        tables["assumption_sets"] = grid_rows
        tables["robustness"] = robust
        tables["assumptions"] = pd.DataFrame(
            {"value": [str(v) for v in assumptions.describe().values()]},
            index=pd.Index(list(assumptions.describe()), name="assumption"),
        )
        tables = {"headline": _headline(org, tables), **tables}
    finally:
        if bar is not None:
            bar.close()
    return Diagnosis(
        tables=tables,
        organisation=org,
        assumptions=assumptions,
        model=base_model,
        runs=runs,
        seed=seed,
        results=results,
    )
