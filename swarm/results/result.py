"""Results of simulations: arrival times and what produced them."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._kernels.tree import _subtree_sizes
from ..organisation import Organisation
from ..plot._mpl import save_figure
from ..plot.curves import response_curves
from . import metrics as _m
from .report import comparison_report, result_report

__all__ = ["Comparison", "Result"]


@dataclass(frozen=True, eq=False)
class Result:
    """Arrival times of an ensemble of runs, with their provenance.

    Attributes
    ----------
    arrival_times : ndarray, shape (runs, n)
        When each agent turned in each run (``inf``: never), in the
        organisation's time unit and agent order.
    organisation, model, shock
        What produced them.
    seed : int
        Entropy of the root SeedSequence: ``simulate(..., seed=result.seed)``
        reproduces the result bit for bit.
    origins : ndarray, shape (runs, size)
        The agents the shock turned at time 0 in each run.
    informed_by : ndarray of int32, shape (runs, n), or None
        With ``record="tree"``: the agent whose signal made each agent turn
        (-1 for origins and agents never reached).
    """

    arrival_times: np.ndarray
    organisation: Organisation
    model: Any
    shock: Any
    seed: int
    origins: np.ndarray
    informed_by: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def runs(self) -> int:
        """Number of runs."""
        return self.arrival_times.shape[0]

    @property
    def n(self) -> int:
        """Number of agents."""
        return self.arrival_times.shape[1]

    @property
    def unit(self) -> str:
        """Time unit of every time in this result."""
        return self.organisation.time_unit

    @property
    def name(self) -> str:
        return self.organisation.name or "organisation"

    @property
    def present_times(self) -> np.ndarray:
        """Arrival times of the people present (runs x present): what metrics count.

        People marked ``absent`` on the organisation (see :func:`swarm.remove`)
        neither pass nor receive, and every metric, curve and breakdown leaves
        them out.
        """
        away = self.organisation.absent
        if away is None or away.shape[0] != self.n:
            return self.arrival_times
        return self.arrival_times[:, ~away]

    def metrics(self) -> pd.DataFrame:
        """One row per run: t10, t50, t90, t_all, synchrony, reach.

        Examples
        --------
        >>> import swarm
        >>> res = swarm.simulate(swarm.hierarchy(20), swarm.Cascade(swarm.Constant(1.0)),
        ...                      swarm.Shock("top"), runs=2, seed=0)
        >>> res.metrics()["t_all"].tolist()
        [2.0, 2.0]
        """
        if "metrics" not in self._cache:
            self._cache["metrics"] = _m.per_run(self.present_times)
        return self._cache["metrics"].copy()

    def summary(self) -> pd.DataFrame:
        """One row: median and 5-95 % range over runs of each metric, mean reach.

        Columns ``t50``, ``t50_lo``, ``t50_hi`` and so on for t10, t90,
        t_all and synchrony; ``reach`` (mean fraction turned); ``agents``
        (the people present), ``runs`` and ``unit``. Indexed by the
        organisation's name.
        """
        row: dict[str, Any] = {"agents": self.present_times.shape[1], "runs": self.runs}
        row.update(_m.spread(self.metrics()))
        row["unit"] = self.unit
        return pd.DataFrame([row], index=pd.Index([self.name], name="structure"))

    def curve(self, grid: np.ndarray | None = None, *, points: int = 200) -> pd.DataFrame:
        """Fraction turned over time: mean, median and 5-95 % band over runs.

        Parameters
        ----------
        grid : array of times, optional
            Default: ``points`` evenly spaced times from 0 to the last turn.
        """
        t = self.present_times
        if grid is None:
            finite = t[np.isfinite(t)]
            end = float(finite.max()) if finite.size else 1.0
            grid = np.linspace(0.0, end if end > 0 else 1.0, points)
        grid = np.asarray(grid, dtype=float)
        frac = _m.fraction_turned(t, grid)
        lo, med, hi = np.quantile(frac, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
        return pd.DataFrame(
            {"time": grid, "mean": frac.mean(axis=0), "median": med, "lo": lo, "hi": hi}
        )

    def _breakdown(self, codes: np.ndarray, names, label: str) -> pd.DataFrame:
        rows = []
        away = self.organisation.absent
        for code, nm in enumerate(names):
            cols = np.flatnonzero((codes == code) if away is None else (codes == code) & ~away)
            if cols.size == 0:
                continue
            sub = self.arrival_times[:, cols]
            rows.append(
                {
                    label: nm,
                    "agents": cols.size,
                    "reach": float(np.isfinite(sub).mean()),
                    "first": float(np.median(sub.min(axis=1))),
                    "t50": float(np.median(_m.time_to_fraction(sub, 0.5))),
                    "t90": float(np.median(_m.time_to_fraction(sub, 0.9))),
                    "unit": self.unit,
                }
            )
        return pd.DataFrame(rows).set_index(label)

    def by_department(self) -> pd.DataFrame:
        """Per department: head count, mean reach, median first turn, t50 and t90.

        Times are medians over runs of the department's own quantiles.
        """
        org = self.organisation
        if org.department is None:
            raise ValueError(
                f"by_department needs departments; the {self.name} organisation has none"
            )
        return self._breakdown(org.department, org.department_names, "department")

    def by_level(self) -> pd.DataFrame:
        """Per management level (0 = top), as :meth:`by_department`."""
        org = self.organisation
        if org.level is None:
            raise ValueError(f"by_level needs levels; the {self.name} organisation has none")
        return self._breakdown(org.level, range(int(org.level.max()) + 1), "level")

    def report(self) -> str:
        """A few plain sentences: when half and 90 % had turned, reach, who was last.

        See :func:`swarm.report.result_report`.
        """
        return result_report(self)

    def messengers(self) -> pd.DataFrame:
        """Who carried the message: everyone ranked by how many others got it through them.

        An agent's *messenger score* in a run is the size of its subtree in
        that run's transmission tree (``informed_by``): everyone it told,
        everyone they told, and so on, itself excluded. The score is its
        mean over runs; the empirical linking-pin score. An origin's subtree
        is everyone reached, so a person who was often an origin scores high
        (see ``origin``, the fraction of runs in which they were one).

        Returns
        -------
        DataFrame
            Indexed by ``rank`` (1 = the strongest messenger), with columns
            ``id``, ``agent`` (index in the organisation), ``department``
            and ``level`` (None where the organisation has none), ``score``
            (mean subtree size), ``direct`` (mean number told directly) and
            ``origin``. Ties keep the organisation's order.

        Raises
        ------
        ValueError
            If the result was simulated without ``record="tree"``.

        Examples
        --------
        >>> import networkx as nx, swarm
        >>> star = swarm.from_networkx(nx.star_graph(5))      # centre 0, five leaves
        >>> res = swarm.simulate(star, swarm.Cascade(), swarm.Shock([0]), runs=3, seed=1,
        ...                      record="tree")
        >>> res.messengers()[["id", "score", "direct"]].head(2)  # doctest: +NORMALIZE_WHITESPACE
              id  score  direct
        rank
        1      0    5.0     5.0
        2      1    0.0     0.0
        """
        if self.informed_by is None:
            raise ValueError(
                "messengers() needs the transmission tree: simulate with record='tree'"
            )
        if "messengers" not in self._cache:
            inf = np.ascontiguousarray(self.informed_by, dtype=np.int32)
            score = _subtree_sizes(inf).mean(axis=0)
            direct = np.zeros(self.n)
            told = inf[inf >= 0]
            np.add.at(direct, told, 1.0)
            direct /= self.runs
            origin = np.zeros(self.n)
            for row in self.origins:
                origin[np.unique(row)] += 1.0
            origin /= self.runs
            org = self.organisation
            dept = (
                [None] * self.n
                if org.department is None
                else [org.department_names[c] for c in org.department.tolist()]
            )
            level = [None] * self.n if org.level is None else org.level.tolist()
            table = pd.DataFrame(
                {
                    "id": org.ids,
                    "agent": np.arange(self.n),
                    "department": dept,
                    "level": level,
                    "score": score,
                    "direct": direct,
                    "origin": origin,
                }
            )
            table = table.iloc[np.lexsort((np.arange(self.n), -direct, -score))]
            table.index = pd.RangeIndex(1, self.n + 1, name="rank")
            self._cache["messengers"] = table
        return self._cache["messengers"].copy()

    def plot(self, path=None, *, ax=None, logx: bool = False, title: str | None = None):
        """Response curve (median and 5-95 % band over runs); optionally saved to ``path``.

        The same signature as :meth:`Comparison.plot`. Returns the matplotlib
        Figure. (An Axes passed first, as in older versions, is taken as ``ax``.)

        Examples
        --------
        >>> import swarm
        >>> res = swarm.simulate(swarm.hierarchy(50), runs=4, seed=1)
        >>> fig = res.plot()
        >>> fig.axes[0].get_xlabel()
        'time (hours)'
        """
        return _plot({self.name: self.curve()}, self.unit, path, ax, logx, title)

    def __repr__(self) -> str:
        return (
            f"Result({self.name!r}: {self.runs} runs x {self.n} agents, "
            f"t50 {np.median(self.metrics()['t50']):.3g} {self.unit})"
        )


class Comparison(Mapping):
    """Several Results side by side, keyed by name.

    Examples
    --------
    >>> import swarm
    >>> orgs = {"hierarchy": swarm.hierarchy(100), "networked": swarm.networked(100, seed=1)}
    >>> cmp = swarm.compare(orgs, swarm.Cascade(), runs=4, seed=1)
    >>> list(cmp.summary().index)
    ['hierarchy', 'networked']
    """

    def __init__(self, results: Mapping[str, Result]):
        if not results:
            raise ValueError("a Comparison needs at least one Result")
        self._results = dict(results)

    def __getitem__(self, key: str) -> Result:
        return self._results[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)

    @property
    def unit(self) -> str:
        units = {r.unit for r in self._results.values()}
        return units.pop() if len(units) == 1 else "mixed units"

    def summary(self) -> pd.DataFrame:
        """One row per structure: attention, metrics with spread, and t90 relative to the fastest.

        ``watched_mean``/``watched_max`` show the attention budget each
        structure actually uses; ``t90_ratio`` is each structure's t90 over
        the smallest t90 in the table (1.0 for the fastest).
        """
        rows = []
        for name, res in self._results.items():
            row = res.summary()
            row.index = pd.Index([name], name="structure")
            att = res.organisation.attention[res.organisation.present]
            row.insert(1, "watched_mean", float(att.mean()))
            row.insert(2, "watched_max", int(att.max()))
            rows.append(row)
        table = pd.concat(rows)
        best = table["t90"].replace(np.inf, np.nan).min()
        table.insert(table.columns.get_loc("t90_hi") + 1, "t90_ratio", table["t90"] / best)
        return table

    def report(self) -> str:
        """A few plain sentences: the fastest structure by t90 and how much longer the rest took.

        See :func:`swarm.report.comparison_report`.
        """
        return comparison_report(self)

    def curves(self, *, points: int = 200) -> dict[str, pd.DataFrame]:
        """Response curves of all results on one shared time grid.

        Summaries (``keep="summary"``) give theirs on the grid they kept.
        """
        if any(not hasattr(r, "arrival_times") for r in self._results.values()):
            return {name: r.curve() for name, r in self._results.items()}
        ends = [
            r.arrival_times[np.isfinite(r.arrival_times)].max(initial=0.0)
            for r in self._results.values()
        ]
        grid = np.linspace(0.0, max(max(ends), 1e-9), points)
        return {name: r.curve(grid) for name, r in self._results.items()}

    def plot(self, path=None, *, ax=None, logx: bool = False, title: str | None = None):
        """Response curves of every structure in one figure; optionally saved to ``path``.

        Returns the matplotlib Figure.
        """

        first = next(iter(self._results.values()))
        if title is None:
            title = (
                f"{first.n} agents, {first.runs} runs; {first.model.describe()}; "
                f"shock {first.shock.describe()}"
            )
        return _plot(self.curves(), self.unit, path, ax, logx, title)

    def __repr__(self) -> str:
        return f"Comparison({', '.join(self._results)})"


def _plot(curves, unit, path, ax, logx, title):
    """The one body of Result.plot and Comparison.plot: draw, save if asked, return the Figure."""
    if path is not None and hasattr(path, "figure") and hasattr(path, "plot"):
        path, ax = None, path  # an Axes given first (the old Result.plot(ax))
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name or None, got {type(path).__name__}")
    ax = response_curves(curves, unit=unit, ax=ax, title=title, logx=logx)
    if path is not None:
        save_figure(ax.figure, path)
    return ax.figure
