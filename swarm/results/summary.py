"""Ensembles kept as per-run metrics (``simulate(..., keep="summary")``), not as times."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..organisation import Organisation
from ..plot.curves import response_curves
from . import metrics as _m
from .report import result_report

__all__ = ["GroupStats", "Summary"]


@dataclass(frozen=True)
class GroupStats:
    """Per run and group: count turned, first turn, t50 and t90 (groups as in ``names``)."""

    names: list
    agents: np.ndarray  # (groups,) present members
    turned: np.ndarray  # (runs, groups) int64
    first: np.ndarray  # (runs, groups)
    t50: np.ndarray  # (runs, groups)
    t90: np.ndarray  # (runs, groups)


@dataclass(frozen=True, eq=False)
class Summary:
    """An ensemble reduced, run by run, to its metrics inside the simulation.

    What :class:`~swarm.Result` computes from its ``runs x n`` arrival times,
    without ever holding them: :meth:`metrics`, :meth:`summary`,
    :meth:`curve` (on the time grid chosen before the runs),
    :meth:`by_department`, :meth:`by_level` and :meth:`report` give the very
    numbers the full matrix gives, to the bit. Memory is O(runs x (grid +
    groups)).

    Attributes
    ----------
    organisation, model, shock, seed, origins
        As in :class:`~swarm.Result`.
    n : int
        Number of agents (present or not).
    present : int
        Agents the metrics count (those not ``absent``).
    quantiles : ndarray, shape (runs, 3)
        t10, t50 and t90 of each run.
    t_all : ndarray, shape (runs,)
        When the last present agent turned (inf: someone never did).
    turned : ndarray of int64, shape (runs,)
        Present agents that ever turned.
    grid : ndarray
        The times of the response curve.
    turned_by : ndarray of int64, shape (runs, len(grid))
        Present agents turned by each time of ``grid``.
    groups : dict
        ``"department"``/``"level"`` -> :class:`GroupStats`, where the
        organisation has them.

    Examples
    --------
    >>> import swarm
    >>> s = swarm.simulate(swarm.hierarchy(400), swarm.Cascade(), swarm.Shock("top"),
    ...                    runs=50, seed=1, keep="summary")
    >>> s.metrics().shape
    (50, 6)
    >>> full = swarm.simulate(swarm.hierarchy(400), swarm.Cascade(), swarm.Shock("top"),
    ...                       runs=50, seed=1)
    >>> bool((s.metrics() == full.metrics()).all().all())
    True
    """

    organisation: Organisation
    model: Any
    shock: Any
    seed: Any
    origins: np.ndarray
    n: int
    present: int
    quantiles: np.ndarray
    t_all: np.ndarray
    turned: np.ndarray
    grid: np.ndarray
    turned_by: np.ndarray
    groups: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Number of runs."""
        return self.quantiles.shape[0]

    @property
    def unit(self) -> str:
        return self.organisation.time_unit

    @property
    def name(self) -> str:
        return self.organisation.name or "organisation"

    def metrics(self) -> pd.DataFrame:
        """One row per run: t10, t50, t90, t_all, synchrony, reach (as ``Result.metrics``)."""
        t10, t50, t90 = self.quantiles.T
        with np.errstate(invalid="ignore"):
            sync = np.where(np.isinf(t90), np.inf, t90 - t10)
        return pd.DataFrame(
            {
                "t10": t10.copy(),
                "t50": t50.copy(),
                "t90": t90.copy(),
                "t_all": self.t_all.copy(),
                "synchrony": sync,
                "reach": self.turned.astype(np.float64) / self.present,
            }
        )

    def summary(self) -> pd.DataFrame:
        """One row: median and 5-95 % range over runs of each metric (as ``Result.summary``)."""
        row: dict[str, Any] = {"agents": self.present, "runs": self.runs}
        row.update(_m.spread(self.metrics()))
        row["unit"] = self.unit
        return pd.DataFrame([row], index=pd.Index([self.name], name="structure"))

    def curve(self, grid: np.ndarray | None = None, *, points: int | None = None) -> pd.DataFrame:
        """Fraction turned at each time of the kept grid: mean, median and 5-95 % band.

        ``grid`` may only repeat the kept grid (the times were not kept).
        """
        if grid is not None and not np.array_equal(np.asarray(grid, dtype=float), self.grid):
            raise ValueError(
                "this Summary kept the response curve on its own grid only "
                f"({self.grid.size} times from {self.grid[0]:g} to "
                f"{self.grid[-1]:g}); simulate with keep='summary', grid=... "
                "to choose it"
            )
        frac = self.turned_by / max(self.present, 1)
        lo, med, hi = np.quantile(frac, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
        return pd.DataFrame(
            {"time": self.grid, "mean": frac.mean(axis=0), "median": med, "lo": lo, "hi": hi}
        )

    def _breakdown(self, kind: str, label: str) -> pd.DataFrame:
        g = self.groups[kind]
        rows = []
        for c, nm in enumerate(g.names):
            size = int(g.agents[c])
            rows.append(
                {
                    label: nm,
                    "agents": size,
                    "reach": float(g.turned[:, c].sum() / (self.runs * size)),
                    "first": float(np.median(g.first[:, c])),
                    "t50": float(np.median(g.t50[:, c])),
                    "t90": float(np.median(g.t90[:, c])),
                    "unit": self.unit,
                }
            )
        return pd.DataFrame(rows).set_index(label)

    def by_department(self) -> pd.DataFrame:
        """Per department: head count, reach, median first turn, t50, t90 (as ``Result``'s)."""
        if "department" not in self.groups:
            raise ValueError(
                f"by_department needs departments; the {self.name} organisation has none"
            )
        return self._breakdown("department", "department")

    def by_level(self) -> pd.DataFrame:
        """Per management level (0 = top), as :meth:`by_department`."""
        if "level" not in self.groups:
            raise ValueError(f"by_level needs levels; the {self.name} organisation has none")
        return self._breakdown("level", "level")

    def report(self) -> str:
        """A few plain sentences, as :meth:`swarm.Result.report`."""
        return result_report(self)

    def plot(self, ax=None, **kwargs):
        """The response curve on the kept grid."""
        return response_curves({self.name: self.curve()}, unit=self.unit, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return (
            f"Summary({self.name!r}: {self.runs} runs x {self.n} agents, "
            f"t50 {np.median(self.quantiles[:, 1]):.3g} {self.unit})"
        )
