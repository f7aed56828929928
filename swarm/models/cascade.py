"""The exact, event-driven cascade: a signal passes along watch edges after a drawn delay.

A signal from ``j`` reaches a watcher ``i`` after a delay drawn from the
edge's channel law times the edge's latency scale, and only with
probability ``p``. ``i`` turns once it holds ``threshold`` signals received
within its attention ``window``.

References: an independent cascade is bond percolation on the watch graph
(Newman, *Networks*, 2nd ed., ch. 16); with ``p = 1`` and one signal needed,
turn times are first-passage (shortest-path) times; threshold cascades
follow Watts (2002, PNAS 99:5766); complex contagion, needing several
neighbours, Centola and Macy (2007, Am. J. Sociol. 113:702).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._checks import check_float, check_int, normalise_seed
from .._kernels.cascade import CONSTANT, _cascade_runs, _draw_edges
from .._kernels.graph import _permute_csr
from .._memory import check_simulation
from ..organisation import CHANNELS, Organisation
from ..results.result import Result
from ..results.summary import Summary
from ._runner import entropy_of, kernel_origins, run_batches, run_keys, to_public
from ._summarise import summarise
from .laws import Exponential, Latency, LatencyLaw, _law_text, check_time_range
from .shocks import Shock

__all__ = ["Cascade", "kernel_args"]


@dataclass(frozen=True)
class Cascade:
    """The exact, event-driven cascade model.

    Parameters
    ----------
    latency : LatencyLaw or mapping of channel name to LatencyLaw
        Delay law of every edge, or one per channel (``formal``,
        ``colleague``, ``social``). A channel the organisation uses must
        have a law.
    p : float in [0, 1], default 1
        Probability that an edge passes the signal at all (drawn once per
        edge and run).
    threshold : int >= 1 or float in (0, 1], default 1
        Signals needed to turn: an ``int`` is a count, a ``float`` a fraction
        of the agents watched (rounded up, at least 1). An agent who watches
        fewer than its count never turns unless it is an origin.
    window : float > 0 or None
        Attention span: a signal is forgotten ``window`` time units after it
        arrived. ``None`` (or ``inf``): never forgotten.
    ignore : float in [0, 1], default 0
        Probability that an agent ignores a signal that is not reinforced,
        i.e. that reached it with no other signal in the ``window`` before it
        (with no window: no earlier signal at all). Drawn once per edge and
        run. A second signal soon after is always taken in: without a sense
        of urgency people wait for confirmation.

    Examples
    --------
    >>> import swarm
    >>> model = swarm.Cascade(latency=swarm.Exponential(4.0), threshold=2, window=24.0)
    >>> model.threshold, model.window
    (2, 24.0)
    """

    latency: Latency = field(default_factory=lambda: Exponential(1.0))
    p: float = 1.0
    threshold: float | int = 1
    window: float | None = None
    ignore: float = 0.0

    def __post_init__(self):
        lat = self.latency
        if isinstance(lat, Mapping):
            bad = sorted(set(lat) - set(CHANNELS))
            if bad:
                raise ValueError(f"latency keys must be channel names {CHANNELS}; got {bad}")
            for ch, law in lat.items():
                if not isinstance(law, LatencyLaw):
                    raise TypeError(
                        f"latency[{ch!r}] must be a latency law (Constant, "
                        f"Exponential, LogNormal, Scheduled), got {law!r}"
                    )
            object.__setattr__(self, "latency", dict(lat))
        elif not isinstance(lat, LatencyLaw):
            raise TypeError(
                "latency must be a latency law (Constant, Exponential, LogNormal, "
                f"Scheduled) or a mapping channel -> law, got {lat!r}"
            )
        object.__setattr__(self, "p", check_float("p", self.p, low=0.0, high=1.0))
        object.__setattr__(self, "ignore", check_float("ignore", self.ignore, low=0.0, high=1.0))
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, numbers.Real):
            raise TypeError(f"threshold must be an int count or a float fraction, got {t!r}")
        if isinstance(t, numbers.Integral):
            object.__setattr__(self, "threshold", check_int("threshold", t, low=1))
        else:
            object.__setattr__(
                self,
                "threshold",
                check_float(
                    "threshold (a float is a fraction of the agents watched; pass an int for a "
                    "count)",
                    t,
                    low=0.0,
                    high=1.0,
                    low_open=True,
                ),
            )
        if self.window is not None:
            window = check_float("window", self.window, low=0.0, low_open=True, allow_inf=True)
            object.__setattr__(self, "window", None if math.isinf(window) else window)

    def law_of(self, channel: str) -> LatencyLaw | None:
        """The latency law of ``channel`` (None if the mapping leaves it out)."""
        if isinstance(self.latency, Mapping):
            return self.latency.get(channel)
        return self.latency

    def _law_tables(self, used_channels) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """Per-channel (kind, a, b) arrays for the kernel, and whether one law serves all.

        Raises if a channel the organisation uses has no law. When every
        used channel has the same law, all slots hold it (the kernel then
        need not read edge channels).
        """
        kind = np.full(len(CHANNELS), CONSTANT, dtype=np.int8)
        a = np.ones(len(CHANNELS))
        b = np.zeros(len(CHANNELS))
        for code, ch in enumerate(CHANNELS):
            law = self.law_of(ch)
            if law is None:
                if code in used_channels:
                    raise ValueError(
                        f"latency has no law for channel {ch!r}, which this "
                        f"organisation uses; give one for each of "
                        f"{[CHANNELS[c] for c in sorted(used_channels)]}"
                    )
                continue
            kind[code] = law._kind
            a[code], b[code] = law._params()
        laws = {self.law_of(CHANNELS[c]) for c in used_channels}
        one_law = len(laws) <= 1
        if one_law and laws:
            law = laws.pop()
            kind[:] = law._kind
            a[:], b[:] = law._params()
        return kind, a, b, one_law

    def _thresholds(self, in_ptr: np.ndarray) -> np.ndarray:
        """Signals each agent needs, from its number watched (row lengths of ``in_ptr``)."""
        t = self.threshold
        if isinstance(t, int):
            return np.full(in_ptr.shape[0] - 1, t, dtype=np.int32)
        need = np.ceil(t * np.diff(in_ptr) - 1e-9).astype(np.int32)
        return np.maximum(need, 1)

    @property
    def _simple(self) -> bool:
        return (
            self.threshold == 1
            and isinstance(self.threshold, int)
            and self.window is None
            and self.ignore == 0.0
        )

    def describe(self) -> str:
        """One line for tables and plot titles."""
        if isinstance(self.latency, Mapping):
            lat = ", ".join(f"{k}: {_law_text(v)}" for k, v in self.latency.items())
        else:
            lat = _law_text(self.latency)
        parts = [f"latency {lat}"]
        if self.p < 1:
            parts.append(f"p={self.p:g}")
        if self.threshold != 1:
            parts.append(f"threshold {self.threshold:g}")
        if self.window is not None:
            parts.append(f"window {self.window:g}")
        if self.ignore > 0:
            parts.append(f"ignore {self.ignore:g}")
        return "; ".join(parts)

    #: ``simulate(..., keep="summary")`` reduces this model's runs inside the batch.
    _keeps_summary = True

    def _simulate(
        self,
        org: Organisation,
        shock: Shock,
        runs: int,
        ss: np.random.SeedSequence,
        *,
        record: str | None = None,
        progress: bool | None = None,
        keep: str = "times",
        grid: np.ndarray | None = None,
    ) -> Result | Summary:
        """Run ``runs`` cascades through the shared batch runner (see :func:`swarm.simulate`)."""
        if keep != "summary":  # a summary holds no runs x n matrix: O(n) per thread
            check_simulation(
                org.n, runs, per_cell=40 if record else 16, what=org.name or "simulate"
            )
        args = kernel_args(org, self)
        origins, keys = run_keys(org, shock, ss.spawn(runs), 3)
        k_origins = kernel_origins(org, origins)
        if keep == "summary":
            return summarise(org, self, shock, ss, args, origins, k_origins, keys, grid, progress)
        times = np.empty((runs, org.n), dtype=np.float64)
        # without record="tree", no informers: the kernel skips those writes
        informed = np.empty((runs, org.n if record else 0), dtype=np.int32)

        def step(lo: int, hi: int) -> None:
            _cascade_runs(*args, k_origins[lo:hi], keys[lo:hi], times[lo:hi], informed[lo:hi])

        run_batches(runs, step, progress=progress, desc=org.name or "runs")
        times = to_public(org, times)
        if not record:
            informed = None
        else:
            informed = to_public(org, informed)
            order = org._kernel["order"]
            if order is not None:  # int32 throughout: half the memory of int64
                informed = np.where(
                    informed >= 0, order.astype(np.int32)[np.maximum(informed, 0)], np.int32(-1)
                )
        return Result(
            arrival_times=times,
            organisation=org,
            model=self,
            shock=shock,
            seed=entropy_of(ss),
            origins=origins,
            informed_by=informed,
        )


_NO_SCALES = np.empty(0, dtype=np.float64)
_NO_CHANNELS = np.empty(0, dtype=np.int8)


def kernel_args(org: Organisation, model: Cascade) -> tuple:
    """The cascade kernel's graph and model arguments for ``(org, model)``.

    ``_cascade_runs(*kernel_args(org, model), origins, keys, times, informers)``
    runs a batch; every caller (``simulate``, tests, benchmarks) builds the
    arguments here, so they are wired in one place.
    """
    g = org._kernel
    law_kind, law_a, law_b, one_law = model._law_tables(g["channels_used"])
    used = {CHANNELS[c]: model.law_of(CHANNELS[c]) for c in sorted(g["channels_used"])}
    scale = 1.0 if g["unit_scale"] or g["out_scale"].size == 0 else float(g["out_scale"].max())
    check_time_range(used, org.n - 1, scale)
    window = np.inf if model.window is None else float(model.window)
    # The kernel reads no scale with unit_scale and no channel with one_law:
    # it gets empty arrays then, rather than 9 bytes an edge of ones and a
    # repeated code (and "out_slot" is int32 while the edges fit).
    out_scale = _NO_SCALES if g["unit_scale"] else g["out_scale"]
    out_chan = _NO_CHANNELS if one_law else g["out_chan"]
    return (
        g["out_ptr"],
        g["out_idx"],
        out_scale,
        out_chan,
        g["out_slot"],
        g["in_ptr"],
        g["in_idx"],
        model._thresholds(g["in_ptr"]),
        window,
        model._simple,
        one_law,
        g["unit_scale"],
        law_kind,
        law_a,
        law_b,
        model.p,
        model.ignore,
    )


def _edge_delays(
    org: Organisation, model: Cascade, shock: Shock, seed, run: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The draws of run ``run`` of ``simulate(org, model, shock, runs > run, seed)``.

    Returns ``(origins, delays)``: the run's origins (public numbering) and
    each watch entry's delay in ``org.watch.data`` order (``inf``: the edge
    did not pass the signal). For a model without threshold, window or
    scheduled channels, shortest paths over ``org.watch.T`` weighted by these
    delays are that run's arrival times: how peers get the very same work.
    """
    g = org._kernel
    origins, keys = run_keys(org, shock, normalise_seed(seed).spawn(run + 1)[run:], 3)
    law_kind, law_a, law_b, _ = model._law_tables(g["channels_used"])
    out, _ = _draw_edges(
        keys[0], g["out_scale"], g["out_chan"], law_kind, law_a, law_b, model.p, model.ignore
    )
    kernel_in = np.empty_like(out)
    kernel_in[g["out_slot"]] = out  # the receiver's view, kernel numbering
    if g["order"] is None:
        return origins[0], kernel_in
    w = org.watch
    _, _, edge = _permute_csr(
        w.indptr.astype(np.int64), w.indices.astype(np.int32), g["order"], g["inverse"]
    )
    delays = np.empty_like(kernel_in)
    delays[edge] = kernel_in
    return origins[0], delays
