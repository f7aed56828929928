"""Run models on organisations: ``simulate`` one, ``compare`` several."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

import numpy as np

from ._checks import check_choice, check_int, normalise_seed
from ._kernels.cascade import _cascade_runs
from .alignment import Alignment, _simulate_alignment
from .models import Cascade
from .organisation import Organisation
from .results import Comparison, Result
from .shocks import Shock

__all__ = ["compare", "simulate"]

# Runs per kernel call: enough to keep every core busy between progress updates.
_BATCH = 64


def _progress_bar(total: int, progress: bool | None, desc: str):
    if progress is None:
        progress = total >= 4 * _BATCH and sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="run", file=sys.stderr, leave=False)


def simulate(org: Organisation, model: Cascade | Alignment | None = None, shock: Shock | None = None,
             runs: int = 1, seed=None, *, record: str | None = None,
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
        it turn (``Result.informed_by``, int32).
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
    if not isinstance(model, (Cascade, Alignment)):
        raise TypeError(f"model must be a swarm.Cascade or swarm.Alignment, "
                        f"got {type(model).__name__}")
    shock = Shock() if shock is None else shock
    if not isinstance(shock, Shock):
        raise TypeError(f"shock must be a swarm.Shock, got {type(shock).__name__}")
    runs = check_int("runs", runs, low=1)
    if record is not None:
        check_choice("record", record, ("tree",))
    ss = normalise_seed(seed)
    if isinstance(model, Alignment):
        if record is not None:
            raise ValueError(f"record must be None for the Alignment model (it keeps no "
                             f"tree), got {record!r}")
        return _simulate_alignment(org, model, shock, runs, ss, progress)
    g = org._kernel
    law_kind, law_a, law_b, one_law = model._law_tables(g["channels_used"])
    thresh = model._thresholds(g["attention"])
    window = np.inf if model.window is None else float(model.window)

    origins, keys = _run_keys(org, shock, ss.spawn(runs))
    inverse, order = g["inverse"], g["order"]
    k_origins = origins if inverse is None else inverse[origins]

    n = org.n
    times = np.empty((runs, n), dtype=np.float64)
    informed = np.empty((runs, n), dtype=np.int32) if record else None
    # the kernel always writes informers: without record="tree", one reused scratch batch
    scratch = None if record else np.empty((min(_BATCH, runs), n), dtype=np.int32)
    bar = _progress_bar(runs, progress, org.name or "runs")
    try:
        for lo in range(0, runs, _BATCH):
            hi = min(lo + _BATCH, runs)
            t = times[lo:hi]
            inf_out = informed[lo:hi] if record else scratch[:hi - lo]
            _cascade_runs(g["out_ptr"], g["out_idx"], g["out_scale"], g["out_chan"],
                          g["out_slot"], g["in_ptr"], g["in_idx"], thresh, window,
                          model._simple, one_law, g["unit_scale"], law_kind, law_a, law_b,
                          model.p, model.ignore,
                          np.ascontiguousarray(k_origins[lo:hi]), keys[lo:hi], t, inf_out)
            if bar is not None:
                bar.update(hi - lo)
    finally:
        if bar is not None:
            bar.close()
    if order is not None:  # back to the public numbering
        times = times[:, inverse]
        if record:
            informed = informed[:, inverse]  # int32 throughout: half the memory of int64
            informed = np.where(informed >= 0, order.astype(np.int32)[np.maximum(informed, 0)],
                                np.int32(-1))
    return Result(arrival_times=times, organisation=org, model=model, shock=shock,
                  seed=int(ss.entropy) if np.isscalar(ss.entropy) else ss.entropy,
                  origins=origins, informed_by=informed)


def _run_keys(org: Organisation, shock: Shock, children) -> tuple[np.ndarray, np.ndarray]:
    """Origins (public numbering) and kernel keys (delay, pass, ignore) of each child seed."""
    origins = np.empty((len(children), shock.size if shock.varies else len(shock.origin)),
                       dtype=np.int64)
    keys = np.empty((len(children), 3), dtype=np.uint64)
    for r, child in enumerate(children):
        c_origin, c_kernel = child.spawn(2)
        origins[r] = shock.origins(org, np.random.default_rng(c_origin))
        keys[r] = c_kernel.generate_state(3, np.uint64)
    return origins, keys


def _edge_delays(org: Organisation, model: Cascade, shock: Shock, seed,
                 run: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The draws of run ``run`` of ``simulate(org, model, shock, runs > run, seed)``.

    Returns ``(origins, delays)``: the run's origins (public numbering) and
    each watch entry's delay in ``org.watch.data`` order (``inf``: the edge
    did not pass the signal). For a model without threshold, window or
    scheduled channels, shortest paths over ``org.watch.T`` weighted by these
    delays are that run's arrival times: how peers get the very same work.
    """
    from ._kernels.cascade import _draw_edges
    from ._kernels.graph import _permute_csr

    g = org._kernel
    origins, keys = _run_keys(org, shock, normalise_seed(seed).spawn(run + 1)[run:])
    law_kind, law_a, law_b, _ = model._law_tables(g["channels_used"])
    out, _ = _draw_edges(keys[0], g["out_scale"], g["out_chan"], law_kind, law_a, law_b,
                         model.p, model.ignore)
    kernel_in = np.empty_like(out)
    kernel_in[g["out_slot"]] = out  # the receiver's view, kernel numbering
    if g["order"] is None:
        return origins[0], kernel_in
    w = org.watch
    _, _, edge = _permute_csr(w.indptr.astype(np.int64), w.indices.astype(np.int32),
                              g["order"], g["inverse"])
    delays = np.empty_like(kernel_in)
    delays[edge] = kernel_in
    return origins[0], delays


def compare(orgs: Mapping[str, Organisation] | Sequence[Organisation],
            model: Cascade | None = None, shock: Shock | None = None, runs: int = 100,
            seed=None, *, progress: bool | None = None) -> Comparison:
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
