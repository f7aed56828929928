"""Cells of a sweep: their canonical keys, their seeds and the code that computes one.

A *cell* is one point of the grid: the structure's label and one value per
axis. Its seeds come from the sweep seed and a SHA-256 hash of the cell's
own key (never its position in the grid), so adding values to an axis never
changes the cells already computed:

- the runs draw from the hash of the whole key;
- the organisation from the hash of its ``structure.*`` values only, and
  each what-if from the ``structure.*`` and ``whatif.*`` values, so cells
  that differ only in model or shock share one organisation (built once per
  batch) and compare on the same people.

A scenario is anything with ``cell_parts(values, seed_for, cache)`` returning
``(org, model, shock)``: :class:`~swarm.Scenario` and
:class:`~swarm.experiments.scenario.FunctionScenario` both have it, so this
module needs neither.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._checks import SeedLike, normalise_seed
from ..results.metrics import fraction_turned, per_run, spread
from ..results.summary import Summary
from ..simulate import simulate

__all__ = ["cell_key", "run_batch", "run_cells"]


def _canonical_value(value: Any) -> Any:
    """One spelling per value: an integral float is the int (``1.0`` is ``1``, ``-0.0`` is ``0``).

    Booleans stay booleans (``True`` is not the number 1 in a grid) and
    numpy scalars become Python ones.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 2.0**53:
        return int(value)
    return value


def cell_key(values: Mapping[str, Any]) -> str:
    """The canonical text of a cell: sorted ``axis: value`` pairs as JSON.

    The same value is the same cell whatever its spelling: ``1`` and ``1.0``
    (or ``numpy.float64(1)``) give one key, hence one seed and one row in a
    store.

    Examples
    --------
    >>> cell_key({"model.p": 0.5, "structure": "networked"})
    '{"model.p":0.5,"structure":"networked"}'
    >>> cell_key({"model.p": 1.0}) == cell_key({"model.p": 1})
    True
    """
    canon = {str(k): _canonical_value(v) for k, v in dict(values).items()}
    return json.dumps(canon, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _words(text: str) -> tuple[int, ...]:
    """Four 32-bit words of the SHA-256 of ``text``: a stable hash across runs and machines."""
    d = hashlib.sha256(text.encode("utf-8")).digest()
    return tuple(int.from_bytes(d[i : i + 4], "little") for i in range(0, 16, 4))


def cell_seed(
    root: np.random.SeedSequence, purpose: str, values: Mapping[str, Any]
) -> np.random.SeedSequence:
    """The seed of ``purpose`` ("runs", "structure", ...) for a cell with ``values``."""
    return np.random.SeedSequence(
        root.entropy, spawn_key=tuple(root.spawn_key) + _words(purpose + cell_key(values))
    )


class CellRunner:
    """Computes cells of one sweep, keeping the last few organisations it built."""

    def __init__(
        self,
        scenario,
        runs: int,
        root: np.random.SeedSequence,
        curve: tuple[float, ...] | None,
        keep: int = 4,
    ):
        self.scenario, self.runs, self.root, self.curve = scenario, runs, root, curve
        self.cache: OrderedDict = OrderedDict()
        self.keep = keep

    def seed_for(self, purpose: str, values: Mapping[str, Any]) -> np.random.SeedSequence:
        return cell_seed(self.root, purpose, values)

    def result(
        self, values: Mapping[str, Any], progress: bool | None = False, *, summary: bool = False
    ):
        """The :class:`~swarm.Result` of one cell (``summary``: its metrics only).

        A model that cannot reduce its runs inside the batch (the alignment
        model) gives a full Result either way.
        """
        return self._simulate(values, self.seed_for("runs", values), progress, summary)

    def _simulate(self, values, seed, progress, summary):
        org, model, shock = self.scenario.cell_parts(values, self.seed_for, self.cache)
        while len(self.cache) > self.keep:
            self.cache.popitem(last=False)
        if summary and model._keeps_summary:
            grid = [0.0] if self.curve is None else np.asarray(self.curve, dtype=float)
            return simulate(
                org, model, shock, self.runs, seed, progress=progress, keep="summary", grid=grid
            )
        return simulate(org, model, shock, self.runs, seed, progress=progress)

    def __call__(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """One cell: its summary row (JSON-able), curve and compute seconds.

        Cascades are reduced inside the batch (``keep="summary"``): a cell
        never holds runs x agents, and its numbers are those of the full
        matrix's people present.
        """
        start = time.perf_counter()
        seed = self.seed_for("runs", values)
        res = self._simulate(values, seed, False, True)
        d = res.organisation.describe()
        row: dict[str, Any] = {
            "agents": res.n,
            "watched_mean": d["watched_mean"],
            "watched_max": d["watched_max"],
            "runs": res.runs,
        }
        curve = None
        if isinstance(res, Summary):
            row.update(spread(res.metrics()))
            if self.curve is not None:
                curve = (res.turned_by / max(res.present, 1)).mean(axis=0)
        else:
            row.update(spread(per_run(res.present_times)))
            if self.curve is not None:
                curve = fraction_turned(res.present_times, np.asarray(self.curve)).mean(axis=0)
        row["unit"] = res.unit
        return {
            "key": cell_key(values),
            "values": dict(values),
            "row": row,
            "curve": curve,
            "seed": [int(w) for w in seed.spawn_key],
            "seconds": time.perf_counter() - start,
        }


def run_cells(
    scenario,
    values: Sequence[Mapping[str, Any]],
    runs: int,
    seed: SeedLike,
    *,
    progress: bool | None = None,
):
    """The full :class:`~swarm.Result` of each given cell, with the sweep's seeds."""
    runner = CellRunner(scenario, runs, normalise_seed(seed), None)
    return [runner.result(v, progress) for v in values]


def run_batch(scenario, batch: list[dict], runs: int, entropy, spawn_key, curve) -> list[dict]:
    """Compute a batch of cells (the unit of work a Dask task runs)."""
    root = np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))
    runner = CellRunner(scenario, runs, root, curve)
    return [runner(v) for v in batch]
