"""Models of how a signal passes along a watch edge: latency laws and the cascade.

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
from typing import Union

import numpy as np

from ._checks import check_float, check_int
from ._kernels.cascade import CONSTANT, EXPONENTIAL, LOGNORMAL, SCHEDULED
from .organisation import CHANNELS

__all__ = ["Cascade", "Constant", "Exponential", "LatencyLaw", "LogNormal", "Scheduled"]


class LatencyLaw:
    """Base of the latency laws: how long a signal takes along one edge."""

    _kind: int = -1

    def _params(self) -> tuple[float, float]:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Independent delays for edges of scale 1 (numpy; for checks and references)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(LatencyLaw):
    """Every edge takes exactly ``value`` times its scale.

    Examples
    --------
    >>> Constant(2.0).mean
    2.0
    """

    value: float = 1.0
    _kind = CONSTANT

    def __post_init__(self):
        object.__setattr__(self, "value", check_float("Constant.value", self.value, low=0.0))

    @property
    def mean(self) -> float:
        return self.value

    def _params(self):
        return self.value, 0.0

    def sample(self, rng, size):
        return np.full(size, self.value)


@dataclass(frozen=True)
class Exponential(LatencyLaw):
    """Memoryless delays with the given ``mean``: someone notices at a constant rate.

    Examples
    --------
    >>> Exponential(4.0).mean
    4.0
    """

    mean: float = 1.0
    _kind = EXPONENTIAL

    def __post_init__(self):
        object.__setattr__(self, "mean", check_float("Exponential.mean", self.mean, low=0.0,
                                                     low_open=True))

    def _params(self):
        return self.mean, 0.0

    def sample(self, rng, size):
        return rng.exponential(self.mean, size)


@dataclass(frozen=True)
class LogNormal(LatencyLaw):
    """Delays whose logarithm is normal: most quick, a long tail of slow ones.

    ``median`` is the median delay and ``sigma`` the standard deviation of
    its logarithm; the mean is ``median * exp(sigma**2 / 2)``.

    Examples
    --------
    >>> round(LogNormal(1.0, 0.0).mean, 3)
    1.0
    """

    median: float = 1.0
    sigma: float = 1.0
    _kind = LOGNORMAL

    def __post_init__(self):
        object.__setattr__(self, "median", check_float("LogNormal.median", self.median,
                                                       low=0.0, low_open=True))
        object.__setattr__(self, "sigma", check_float("LogNormal.sigma", self.sigma, low=0.0))

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma ** 2 / 2)

    def _params(self):
        return self.median, self.sigma

    def sample(self, rng, size):
        return self.median * np.exp(self.sigma * rng.standard_normal(size))


@dataclass(frozen=True)
class Scheduled(LatencyLaw):
    """A signal waits for the next meeting: meetings at ``phase + k * period``.

    A signal sent at time ``t`` arrives at the first meeting strictly after
    ``t``: news heard at a meeting is passed on at the next one, so a chain
    of command with synchronised meetings costs one period per layer. The
    edge's latency scale does not apply.

    Examples
    --------
    >>> Scheduled(period=40.0).mean   # a weekly meeting in working hours
    20.0
    """

    period: float = 1.0
    phase: float = 0.0
    _kind = SCHEDULED

    def __post_init__(self):
        object.__setattr__(self, "period", check_float("Scheduled.period", self.period,
                                                       low=0.0, low_open=True))
        object.__setattr__(self, "phase", check_float("Scheduled.phase", self.phase))

    @property
    def mean(self) -> float:
        """Mean wait for a signal sent at a uniformly random moment."""
        return self.period / 2

    def _params(self):
        return self.period, self.phase

    def sample(self, rng, size):
        return np.zeros(size)


Latency = Union[LatencyLaw, Mapping[str, LatencyLaw]]


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
        arrived. ``None``: never forgotten.
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
                    raise TypeError(f"latency[{ch!r}] must be a latency law (Constant, "
                                    f"Exponential, LogNormal, Scheduled), got {law!r}")
            object.__setattr__(self, "latency", dict(lat))
        elif not isinstance(lat, LatencyLaw):
            raise TypeError("latency must be a latency law (Constant, Exponential, LogNormal, "
                            f"Scheduled) or a mapping channel -> law, got {lat!r}")
        object.__setattr__(self, "p", check_float("p", self.p, low=0.0, high=1.0))
        object.__setattr__(self, "ignore", check_float("ignore", self.ignore, low=0.0,
                                                       high=1.0))
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, numbers.Real):
            raise TypeError(f"threshold must be an int count or a float fraction, got {t!r}")
        if isinstance(t, numbers.Integral):
            object.__setattr__(self, "threshold", check_int("threshold", t, low=1))
        else:
            object.__setattr__(self, "threshold", check_float(
                "threshold (a float is a fraction of the agents watched; pass an int for a "
                "count)", t, low=0.0, high=1.0, low_open=True))
        if self.window is not None:
            object.__setattr__(self, "window", check_float("window", self.window, low=0.0,
                                                           low_open=True))

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
                    raise ValueError(f"latency has no law for channel {ch!r}, which this "
                                     f"organisation uses; give one for each of "
                                     f"{[CHANNELS[c] for c in sorted(used_channels)]}")
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

    def _thresholds(self, attention: np.ndarray) -> np.ndarray:
        """Signals each agent needs, from its number of watched agents."""
        t = self.threshold
        if isinstance(t, int):
            return np.full(attention.shape[0], t, dtype=np.int32)
        need = np.ceil(t * attention - 1e-9).astype(np.int32)
        return np.maximum(need, 1)

    @property
    def _simple(self) -> bool:
        return (self.threshold == 1 and isinstance(self.threshold, int)
                and self.window is None and self.ignore == 0.0)

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


def _law_text(law: LatencyLaw) -> str:
    if isinstance(law, Constant):
        return f"constant {law.value:g}"
    if isinstance(law, Exponential):
        return f"exponential mean {law.mean:g}"
    if isinstance(law, LogNormal):
        return f"log-normal median {law.median:g} sigma {law.sigma:g}"
    return f"meetings every {law.period:g}"
