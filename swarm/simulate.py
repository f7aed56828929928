"""Run models on organisations: ``simulate`` one, ``compare`` several."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._checks import SeedLike, check_choice, check_int, normalise_seed
from .models._runner import Model
from .models.cascade import Cascade
from .models.shocks import Shock
from .organisation import Organisation
from .results.result import Comparison, Result
from .results.summary import Summary

__all__ = ["compare", "simulate"]


def simulate(
    org: Organisation,
    model: Model | None = None,
    shock: Shock | None = None,
    runs: int = 1,
    seed: SeedLike = None,
    *,
    record: str | None = None,
    progress: bool | None = None,
    keep: str = "times",
    grid: np.ndarray | None = None,
) -> Result | Summary:
    """Simulate ``runs`` independent cascades of ``model`` after ``shock`` on ``org``.

    Parameters
    ----------
    org : Organisation
    model : Cascade or Alignment, default ``Cascade()`` (exponential delays of mean 1)
        An :class:`~swarm.Alignment` gives an :class:`~swarm.alignment.AlignmentResult`.
    shock : Shock, default ``Shock("random")``
    runs : int, default 1
        Independent replicates. Replicate ``r`` draws from child ``r`` of the
        seed's SeedSequence, so the result is the same for any thread count.
    seed : None, int, sequence of int, SeedSequence or Generator
        The one source of randomness; the entropy is kept in ``Result.seed``.
    record : None or "tree"
        ``"tree"`` keeps, per run and agent, who passed the signal that made
        it turn (``Result.informed_by``, int32).
    progress : bool or None
        A progress bar on stderr; ``None``: only for long ensembles on a terminal.
    keep : "times" or "summary"
        ``"times"`` keeps every arrival time (``runs x n``). ``"summary"``
        reduces each run to its metrics inside the simulation and returns
        a :class:`~swarm.Summary`: the same metrics, curve and breakdowns
        to the bit, in memory O(n) per thread plus O(runs) (cascades only).
    grid : array of times, optional
        With ``keep="summary"``: the times of the response curve. Default:
        200 times from 0 to twice the last turn of run 0.

    Returns
    -------
    Result, or Summary with ``keep="summary"``

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(57)                       # 3 levels, span 7
    >>> res = swarm.simulate(org, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top"))
    >>> float(res.arrival_times.max())                   # two hops to the front line
    2.0
    """
    if not isinstance(org, Organisation):
        raise TypeError(f"org must be an Organisation, got {type(org).__name__}")
    model = Cascade() if model is None else model
    if not callable(getattr(model, "_simulate", None)):
        raise TypeError(
            f"model must be a swarm model (Cascade, Alignment), got {type(model).__name__}"
        )
    shock = Shock() if shock is None else shock
    if not isinstance(shock, Shock):
        raise TypeError(f"shock must be a swarm.Shock, got {type(shock).__name__}")
    runs = check_int("runs", runs, low=1)
    if record is not None:
        check_choice("record", record, ("tree",))
    check_choice("keep", keep, ("times", "summary"))
    if keep == "times":
        if grid is not None:
            raise ValueError(
                "grid is for keep='summary'; with keep='times' pass it to Result.curve(grid)"
            )
        return model._simulate(
            org, shock, runs, normalise_seed(seed), record=record, progress=progress
        )
    if record is not None:
        raise ValueError(
            f"record={record!r} needs every run's tree; keep='summary' keeps only metrics"
        )
    if not model._keeps_summary:
        raise ValueError(
            f"keep='summary' is implemented for the Cascade model, got {type(model).__name__}"
        )
    return model._simulate(
        org,
        shock,
        runs,
        normalise_seed(seed),
        record=None,
        progress=progress,
        keep="summary",
        grid=grid,
    )


def compare(
    orgs: Mapping[str, Organisation] | Sequence[Organisation],
    model: Model | None = None,
    shock: Shock | None = None,
    runs: int = 100,
    seed: SeedLike = None,
    *,
    progress: bool | None = None,
    keep: str = "times",
    grid: np.ndarray | None = None,
) -> Comparison:
    """Simulate the same model and shock on several organisations.

    Every organisation gets the same seed, so where two structures share
    agents and edges their runs share random draws (common random numbers),
    which sharpens the comparison.

    Parameters
    ----------
    orgs : mapping name -> Organisation, or a sequence (named by ``org.name``)
    model, shock, runs, seed, progress, keep, grid
        As for :func:`simulate`. ``keep="summary"`` gives a Comparison of
        :class:`~swarm.Summary` objects: the same tables and report from
        metrics reduced inside the batch, without the runs x agents times.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import swarm
    >>> cmp = swarm.compare([swarm.hierarchy(300), swarm.networked(300, seed=2)],
    ...                     swarm.Cascade(), runs=10, seed=1)
    >>> sorted(cmp)
    ['hierarchy', 'networked']
    """
    if not isinstance(orgs, Mapping):
        orgs = list(orgs)
        names = [
            o.name if isinstance(o, Organisation) and o.name else f"org {k + 1}"
            for k, o in enumerate(orgs)
        ]
        if len(set(names)) != len(names):
            raise ValueError(f"orgs have duplicate names {names}; pass a mapping name -> org")
        orgs = dict(zip(names, orgs))
    if not orgs:
        raise ValueError("orgs must hold at least one Organisation")
    ss = normalise_seed(seed)
    entropy = ss.entropy
    results = {}
    for name, org in orgs.items():
        if not isinstance(org, Organisation):
            raise TypeError(f"orgs[{name!r}] must be an Organisation, got {type(org).__name__}")
        res = simulate(
            org.replace(name=name) if org.name != name else org,
            model,
            shock,
            runs,
            np.random.SeedSequence(entropy, spawn_key=ss.spawn_key),
            progress=progress,
            keep=keep,
            grid=grid,
        )
        results[name] = res
    return Comparison(results)
