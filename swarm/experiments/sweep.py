"""Parameter sweeps: every cell of a grid, its own seed, a store that resumes.

How cells are keyed, seeded and computed: :mod:`swarm.experiments._cells`.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_choice, check_int, normalise_seed
from .._io import check_folder
from .._progress import progress_bar
from . import _dask
from ._cells import CellRunner, cell_key, run_batch
from ._tables import as_row, frame
from .scenario import FunctionScenario, Scenario, _scalar, _whatif_function
from .store import Store, StoreError

__all__ = ["CURVE_TIMES", "cell_key", "cells", "sweep"]

#: Times of the response curve when ``curve=True``: every half hour for two days.
CURVE_TIMES: tuple[float, ...] = tuple(np.linspace(0.0, 48.0, 97).tolist())


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
        raise TypeError(f"grid must be a mapping axis -> list of values, got {type(grid).__name__}")
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
    return [
        {"structure": lab, **dict(zip(axes, combo))}
        for lab in labels
        for combo in itertools.product(*axes.values())
    ]


def sweep(
    scenario: Scenario | Callable[..., Any],
    grid: Mapping[str, Sequence] | None,
    runs: int,
    seed: SeedLike,
    store=None,
    backend: str = "local",
    scheduler=None,
    *,
    workers: int | None = None,
    batch: int | None = None,
    progress: bool | None = None,
    curve: bool | Sequence[float] = False,
) -> pd.DataFrame:
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
    if not isinstance(scenario, (Scenario, FunctionScenario)):
        scenario = FunctionScenario(scenario)
    runs = check_int("runs", runs, low=1)
    check_choice("backend", backend, ("local", "dask"))
    if workers is not None:
        workers = check_int("workers", workers, low=1)
    if batch is not None:
        batch = check_int("batch", batch, low=1)
    if workers is not None and scheduler is not None:
        raise ValueError(
            f"workers={workers} starts a local Dask cluster, scheduler="
            f"{scheduler!r} uses a running one: give one of them, not both"
        )
    if backend == "local" and (workers is not None or scheduler is not None):
        raise ValueError("workers and scheduler apply to backend='dask', got backend='local'")
    if seed is None:
        raise ValueError(
            "seed must be given for a sweep (an int): the store and every cell's "
            "numbers depend on it"
        )
    root = normalise_seed(seed)
    if curve is True:
        curve_t = CURVE_TIMES
    elif curve is False or curve is None:
        curve_t = None
    else:
        try:
            curve_t = tuple(float(t) for t in np.asarray(curve, dtype=float).ravel())
        except (TypeError, ValueError):
            curve_t = ()
        if (
            not curve_t
            or not all(math.isfinite(t) for t in curve_t)
            or not np.all(np.diff(curve_t) >= 0)
            or min(curve_t) < 0
        ):
            raise ValueError(
                f"curve must be True, False or increasing finite times >= 0, got {curve!r}"
            )
    todo_all = cells(scenario, grid)
    for name, _ in scenario.whatifs:  # fail before the first cell, not in the middle
        _whatif_function(name)
    identity = {
        "scenario": scenario.describe(),
        "runs": runs,
        "seed": {"entropy": root.entropy, "spawn_key": list(root.spawn_key)},
        "curve": None if curve_t is None else list(curve_t),
    }
    # an existing store is checked now; a new one is made when its first cell is done,
    # so a sweep that fails before (a bad scheduler, say) leaves no empty store behind
    db = None
    if store is not None:
        if Store.check(store, identity):
            db = Store.open(store, identity)
        else:
            try:
                check_folder(
                    os.path.dirname(os.path.abspath(os.fspath(store))),
                    f"store {os.fspath(store)}: cannot create it in",
                )
            except ValueError as err:
                raise StoreError(str(err)) from None
    try:
        done: dict[str, dict] = {} if db is None else db.rows([cell_key(v) for v in todo_all])
        todo = [v for v in todo_all if cell_key(v) not in done]
        bar = progress_bar(
            len(todo_all),
            progress,
            "sweep",
            unit="cell",
            initial=len(todo_all) - len(todo),
            leave=True,
        )

        def finished(item: dict) -> None:
            nonlocal db
            if store is not None:
                if db is None:
                    db = Store.open(store, identity)
                db.put(item)
            done[item["key"]] = as_row(item["values"], item["row"], item["curve"])
            if bar is not None:
                bar.update(1)

        try:
            if todo and backend == "local":
                runner = CellRunner(scenario, runs, root, curve_t)
                for v in todo:
                    finished(runner(v))
            elif todo:
                _dask.run_dask(
                    run_batch,
                    scenario,
                    todo,
                    runs,
                    root,
                    curve_t,
                    finished,
                    scheduler=scheduler,
                    workers=workers,
                    batch=batch,
                )
        finally:
            if bar is not None:
                bar.close()
    finally:
        if db is not None:
            db.close()
    # stored rows hold their axes in key order: put them back in grid order
    # (and as this call spelled them: 1.0 here if the store holds it as 1)
    return frame(
        [{**v, **{c: x for c, x in done[cell_key(v)].items() if c not in v}} for v in todo_all],
        curve_t,
    )
