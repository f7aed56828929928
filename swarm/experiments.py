"""Parameter sweeps: every cell of a grid, its own seed, a store that resumes.

A *cell* is one point of the grid: the structure's label and one value per
axis. Its seeds come from the sweep seed and a SHA-256 hash of the cell's
own key (never its position in the grid), so adding values to an axis never
changes the cells already computed:

- the runs draw from the hash of the whole key;
- the organisation from the hash of its ``structure.*`` values only, and
  each what-if from the ``structure.*`` and ``whatif.*`` values, so cells
  that differ only in model or shock share one organisation (built once per
  batch) and compare on the same people.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_choice, check_int, normalise_seed
from .metrics import METRICS, fraction_turned, per_run, spread
from .scenario import FunctionScenario, Scenario, _scalar, _whatif_function

__all__ = ["CURVE_TIMES", "cells", "cell_key", "sweep"]

#: Times of the response curve when ``curve=True``: every half hour for two days.
CURVE_TIMES: tuple[float, ...] = tuple(np.linspace(0.0, 48.0, 97).tolist())

_SUMMARY = ["agents", "runs"] + [c for m in METRICS for c in
                                 ((m,) if m == "reach" else (m, f"{m}_lo", f"{m}_hi"))] + ["unit"]


def cell_key(values: Mapping[str, Any]) -> str:
    """The canonical text of a cell: sorted ``axis: value`` pairs as JSON.

    Examples
    --------
    >>> cell_key({"model.p": 0.5, "structure": "networked"})
    '{"model.p":0.5,"structure":"networked"}'
    """
    return json.dumps(dict(values), sort_keys=True, separators=(",", ":"))


def _words(text: str) -> tuple[int, ...]:
    """Four 32-bit words of the SHA-256 of ``text``: a stable hash across runs and machines."""
    d = hashlib.sha256(text.encode("utf-8")).digest()
    return tuple(int.from_bytes(d[i:i + 4], "little") for i in range(0, 16, 4))


def _seed(root: np.random.SeedSequence, purpose: str, values: Mapping[str, Any]):
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key)
                                  + _words(purpose + cell_key(values)))


def cells(scenario: Scenario, grid: Mapping[str, Sequence] | None) -> list[dict[str, Any]]:
    """Every cell of ``grid`` for ``scenario``, structures first, last axis fastest.

    Examples
    --------
    >>> import swarm
    >>> sc = swarm.Scenario({"kind": "hierarchy", "n": 50})
    >>> cells(sc, {"model.p": [0.5, 1.0]})
    [{'structure': 'hierarchy', 'model.p': 0.5}, {'structure': 'hierarchy', 'model.p': 1.0}]
    """
    grid = {} if grid is None else grid
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a mapping axis -> list of values, got "
                        f"{type(grid).__name__}")
    axes: dict[str, list] = {}
    for axis, vals in grid.items():
        if not isinstance(axis, str):
            raise TypeError(f"grid axes must be strings, got {axis!r}")
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Iterable):
            raise TypeError(f"grid[{axis!r}] must be a list of values, got {vals!r}")
        vals = [_scalar(f"grid[{axis!r}] values", v) for v in vals]
        if not vals:
            raise ValueError(f"grid[{axis!r}] must hold at least one value")
        if len({cell_key({"v": v}) for v in vals}) != len(vals):
            raise ValueError(f"grid[{axis!r}] holds a value twice: {vals}")
        for v in vals:
            scenario.check_axis(axis, v)
        axes[axis] = vals
    labels = axes.pop("structure", list(scenario.labels))
    return [{"structure": lab, **dict(zip(axes, combo))}
            for lab in labels for combo in itertools.product(*axes.values())]


class _Runner:
    """Computes cells of one sweep, keeping the last few organisations it built."""

    def __init__(self, scenario: Scenario, runs: int, root: np.random.SeedSequence,
                 curve: tuple[float, ...] | None, keep: int = 4):
        self.scenario, self.runs, self.root, self.curve = scenario, runs, root, curve
        self._orgs: OrderedDict = OrderedDict()
        self._keep = keep

    def _org(self, values: Mapping[str, Any]):
        sc = self.scenario
        label = values["structure"]
        struct = {a: v for a, v in values.items() if a.startswith("structure.")}
        shaped = {a: v for a, v in values.items() if a.startswith(("structure.", "whatif."))}
        key = (label, cell_key(shaped))
        if key in self._orgs:
            self._orgs.move_to_end(key)
            return self._orgs[key]
        org = sc.build_structure(label, values, _seed(self.root, "structure", struct))
        seeds = [_seed(self.root, f"whatif:{k}:{name}", shaped)
                 for k, (name, _) in enumerate(sc.whatifs)]
        org = sc.apply_whatifs(org, values, seeds)
        self._orgs[key] = org
        while len(self._orgs) > self._keep:
            self._orgs.popitem(last=False)
        return org

    def result(self, values: Mapping[str, Any], progress: bool | None = False):
        """The :class:`~swarm.Result` of one cell."""
        from .simulate import simulate

        if isinstance(self.scenario, Scenario):
            org = self._org(values)
            sc = self.scenario.with_values(values)
            model, shock = sc.model, sc.shock
        else:  # a function of the grid values
            org, model, shock = self.scenario.build(values, _seed(self.root, "build", values))
        return simulate(org, model, shock, self.runs, _seed(self.root, "runs", values),
                        progress=progress)

    def __call__(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """One cell: its summary row (JSON-able), curve and compute seconds."""
        start = time.perf_counter()
        res = self.result(values)
        seed = _seed(self.root, "runs", values)
        row: dict[str, Any] = {"agents": res.n, "runs": res.runs}
        row.update(spread(per_run(res.arrival_times)))
        row["unit"] = res.unit
        curve = None
        if self.curve is not None:
            curve = fraction_turned(res.arrival_times, np.asarray(self.curve)).mean(axis=0)
        return {"key": cell_key(values), "values": dict(values), "row": row, "curve": curve,
                "seed": [int(w) for w in seed.spawn_key], "seconds": time.perf_counter() - start}


def _run_cells(scenario: Scenario, values: Sequence[Mapping[str, Any]], runs: int, seed, *,
              progress: bool | None = None):
    """The full :class:`~swarm.Result` of each given cell, with the sweep's seeds."""
    runner = _Runner(scenario, runs, normalise_seed(seed), None)
    return [runner.result(v, progress) for v in values]


def _run_batch(scenario: Scenario, batch: list[dict], runs: int, entropy, spawn_key,
               curve) -> list[dict]:
    """Compute a batch of cells (the unit of work a Dask task runs)."""
    root = np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))
    runner = _Runner(scenario, runs, root, curve)
    return [runner(v) for v in batch]


def _as_row(values: Mapping, row: Mapping, curve) -> dict:
    # through JSON and back: the same floats whether a row was just computed or stored
    out = json.loads(json.dumps({**values, **row}))
    if curve is not None:
        out["curve"] = np.asarray(curve, dtype=np.float64)
    return out


def _frame(rows: list[dict], curve) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    axes = [c for c in df.columns if c not in _SUMMARY and c != "curve"]
    axes.sort(key=lambda c: c != "structure")  # stable: structure first, the rest in order
    df = df[axes + _SUMMARY + (["curve"] if "curve" in df.columns else [])]
    if curve is not None:
        df.attrs["curve_times"] = list(curve)
    return df


def _progress(total: int, done: int, progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc="sweep", unit="cell", file=sys.stderr,
                dynamic_ncols=True, smoothing=0.1)


def sweep(scenario: Scenario | Callable[..., Any], grid: Mapping[str, Sequence] | None,
          runs: int, seed, store=None, backend: str = "local", scheduler=None, *,
          workers: int | None = None, batch: int | None = None, progress: bool | None = None,
          curve: bool | Sequence[float] = False) -> pd.DataFrame:
    """Run ``scenario`` at every cell of ``grid``; one row per cell.

    Parameters
    ----------
    scenario : Scenario or function
        A function is called for each cell with the cell's values as
        keywords (the axes are its keyword names) and returns an
        Organisation, ``(org, model, shock)`` or a Scenario; see
        :class:`~swarm.scenario.FunctionScenario`.
    grid : mapping axis -> list of values, or None
        Axes as in :mod:`swarm.scenario` (``"structure.n"``, ``"model.p"``,
        ``"whatif.adopt.fraction"``, ``"shock.size"``...). Without a
        ``"structure"`` axis every structure of the scenario is run.
    runs : int
        Independent runs per cell.
    seed : int, sequence of int or SeedSequence
        The sweep seed; each cell's seeds are derived from it and the hash
        of the cell's own key.
    store : path, optional
        A results store (:mod:`swarm.store`): each finished cell is committed
        at once; cells already in it are not computed again. A store made
        by a different scenario, runs, seed or curve is refused.
    backend : "local" or "dask"
        ``"dask"`` runs batches of cells on a dask.distributed cluster: the
        one at ``scheduler``, or a local one of ``workers`` processes.
    scheduler : str or distributed.Client, optional
        Address of a Dask scheduler (``"tcp://host:8786"``) or a Client.
    workers : int, optional
        Worker processes of the local Dask cluster (default 2).
    batch : int, optional
        Cells per Dask task (default: about four tasks per worker, at most 32).
    progress : bool or None
        A bar on stderr with cells done / total and an ETA; ``None``: only on
        a terminal.
    curve : bool or sequence of times
        Also return the mean fraction turned at these times (``True``:
        :data:`CURVE_TIMES`) in a ``curve`` column; the times are in
        ``df.attrs["curve_times"]``.

    Returns
    -------
    pandas.DataFrame
        One row per cell in grid order: ``structure``, one column per axis,
        ``agents``, ``runs``, median and 5-95 % range of t10, t50, t90,
        t_all and synchrony, mean ``reach``, ``unit`` (and ``curve``).

    Examples
    --------
    >>> import swarm
    >>> sc = swarm.Scenario({"kind": "networked", "n": 200}, shock=swarm.Shock("random"))
    >>> df = swarm.sweep(sc, {"model.p": [0.6, 1.0]}, runs=8, seed=1, progress=False)
    >>> df[["structure", "model.p", "runs"]].values.tolist()
    [['networked', 0.6, 8], ['networked', 1.0, 8]]
    >>> bool(df["t50"].iloc[1] <= df["t50"].iloc[0] * 1.5)
    True
    """
    from .store import Store

    if not isinstance(scenario, (Scenario, FunctionScenario)):
        scenario = FunctionScenario(scenario)
    runs = check_int("runs", runs, low=1)
    check_choice("backend", backend, ("local", "dask"))
    if workers is not None:
        workers = check_int("workers", workers, low=1)
    if batch is not None:
        batch = check_int("batch", batch, low=1)
    if seed is None:
        raise ValueError("seed must be given for a sweep (an int): the store and every cell's "
                         "numbers depend on it")
    root = normalise_seed(seed)
    if curve is True:
        curve_t = CURVE_TIMES
    elif curve is False or curve is None:
        curve_t = None
    else:
        curve_t = tuple(float(t) for t in np.asarray(curve, dtype=float).ravel())
        if not curve_t or not np.all(np.diff(curve_t) >= 0) or min(curve_t) < 0:
            raise ValueError(f"curve must be True, False or increasing times >= 0, got {curve!r}")
    todo_all = cells(scenario, grid)
    for name, _ in scenario.whatifs:  # fail before the first cell, not in the middle
        _whatif_function(name)
    identity = {"scenario": scenario.describe(), "runs": runs,
                "seed": {"entropy": root.entropy, "spawn_key": list(root.spawn_key)},
                "curve": None if curve_t is None else list(curve_t)}
    db = None if store is None else Store.open(store, identity)
    try:
        done: dict[str, dict] = {} if db is None else db.rows(
            [cell_key(v) for v in todo_all])
        todo = [v for v in todo_all if cell_key(v) not in done]
        bar = _progress(len(todo_all), len(todo_all) - len(todo), progress)

        def finished(item: dict) -> None:
            if db is not None:
                db.put(item)
            done[item["key"]] = _as_row(item["values"], item["row"], item["curve"])
            if bar is not None:
                bar.update(1)

        try:
            if todo and backend == "local":
                runner = _Runner(scenario, runs, root, curve_t)
                for v in todo:
                    finished(runner(v))
            elif todo:
                from ._dask import run_dask

                run_dask(scenario, todo, runs, root, curve_t, finished, scheduler=scheduler,
                         workers=workers, batch=batch)
        finally:
            if bar is not None:
                bar.close()
    finally:
        if db is not None:
            db.close()
    # stored rows hold their axes in key order: put them back in grid order
    return _frame([{**{a: done[cell_key(v)][a] for a in v}, **done[cell_key(v)]}
                   for v in todo_all], curve_t)
