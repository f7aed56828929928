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

__all__ = ["compare", "simulate"]


def simulate(org: Organisation, model: Model | None = None, shock: Shock | None = None,
             runs: int = 1, seed: SeedLike = None, *, record: str | None = None,
             progress: bool | None = None) -> Result:
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
        it turn (``Result.informed_by``).
    progress : bool or None
        A progress bar on stderr; ``None``: only for long ensembles on a terminal.

    Returns
    -------
    Result

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
        raise TypeError(f"model must be a swarm model (Cascade, Alignment), "
                        f"got {type(model).__name__}")
    shock = Shock() if shock is None else shock
    if not isinstance(shock, Shock):
        raise TypeError(f"shock must be a swarm.Shock, got {type(shock).__name__}")
    runs = check_int("runs", runs, low=1)
    if record is not None:
        check_choice("record", record, ("tree",))
    return model._simulate(org, shock, runs, normalise_seed(seed), record=record,
                           progress=progress)


def compare(orgs: Mapping[str, Organisation] | Sequence[Organisation],
            model: Model | None = None, shock: Shock | None = None, runs: int = 100,
            seed: SeedLike = None, *, progress: bool | None = None) -> Comparison:
    """Simulate the same model and shock on several organisations.

    Every organisation gets the same seed, so where two structures share
    agents and edges their runs share random draws (common random numbers),
    which sharpens the comparison.

    Parameters
    ----------
    orgs : mapping name -> Organisation, or a sequence (named by ``org.name``)
    model, shock, runs, seed, progress
        As for :func:`simulate`.

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
        names = [o.name if isinstance(o, Organisation) and o.name else f"org {k + 1}"
                 for k, o in enumerate(orgs)]
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
        res = simulate(org.replace(name=name) if org.name != name else org, model, shock,
                       runs, np.random.SeedSequence(entropy, spawn_key=ss.spawn_key),
                       progress=progress)
        results[name] = res
    return Comparison(results)
