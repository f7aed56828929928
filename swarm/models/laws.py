"""Latency laws: how long a signal takes along a watch edge.

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
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._checks import check_float
from .._kernels.cascade import CONSTANT, EXPONENTIAL, LOGNORMAL, SCHEDULED

__all__ = [
    "Constant",
    "Exponential",
    "Latency",
    "LatencyLaw",
    "LogNormal",
    "Scheduled",
    "check_time_range",
    "parse_law",
]


class LatencyLaw:
    """Base of the latency laws: how long a signal takes along one edge."""

    _kind: int = -1

    def _params(self) -> tuple[float, float]:
        raise NotImplementedError

    def _max_delay(self) -> float:
        """The largest delay the kernel can draw on an edge of scale 1 (a bound)."""
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

    def _max_delay(self):
        return self.value

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
        object.__setattr__(
            self, "mean", check_float("Exponential.mean", self.mean, low=0.0, low_open=True)
        )

    def _params(self):
        return self.mean, 0.0

    def _max_delay(self):
        return self.mean * _MAX_EXPONENTIAL

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
        object.__setattr__(
            self, "median", check_float("LogNormal.median", self.median, low=0.0, low_open=True)
        )
        object.__setattr__(self, "sigma", check_float("LogNormal.sigma", self.sigma, low=0.0))

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)

    def _params(self):
        return self.median, self.sigma

    def _max_delay(self):
        with np.errstate(over="ignore"):
            return float(self.median * np.exp(self.sigma * _MAX_NORMAL))

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
        object.__setattr__(
            self, "period", check_float("Scheduled.period", self.period, low=0.0, low_open=True)
        )
        object.__setattr__(self, "phase", check_float("Scheduled.phase", self.phase))

    @property
    def mean(self) -> float:
        """Mean wait for a signal sent at a uniformly random moment."""
        return self.period / 2

    def _params(self):
        # the same meetings with the phase brought into [0, period): a phase of 1e16
        # against a period of 1 would otherwise round every meeting time
        return self.period, self.phase % self.period

    def _max_delay(self):
        return self.period  # a signal waits at most one period for the next meeting

    def sample(self, rng, size):
        return np.zeros(size)


Latency = LatencyLaw | Mapping[str, LatencyLaw]

#: The kernel's largest Exp(1) draw: the ziggurat's tail start R plus -log(2**-53).
_MAX_EXPONENTIAL = 7.69711747013104972 + 53 * math.log(2.0)
#: The kernel's largest |N(0, 1)| draw: Box-Muller with 1 - u >= 2**-53.
_MAX_NORMAL = math.sqrt(2.0 * 53 * math.log(2.0))
#: Arrival times must stay below this (float64 overflows at 1.8e308).
_TIME_LIMIT = 1e300


def check_time_range(laws: Mapping[str, LatencyLaw], hops: int, max_scale: float) -> None:
    """Refuse laws whose arrival times could overflow (and read as "never reached").

    An arrival is a sum of at most ``hops`` edge delays, each at most the
    law's largest draw times the edge's latency scale. Meetings must also
    stay countable: times up to 2**50 periods keep a meeting's time exact
    to well below a period.
    """
    for channel, law in laws.items():
        one = law._max_delay() * (1.0 if isinstance(law, Scheduled) else max_scale)
        with np.errstate(over="ignore"):
            bound = float(np.float64(one) * max(hops, 1))
        if not bound < _TIME_LIMIT:
            raise ValueError(
                f"latency {_law_text(law)} ({channel}): delays over up to {hops} hops "
                f"(latency scale up to {max_scale:g}) can reach {bound:.3g}, beyond the range "
                "of float64 times; an overflow would read as 'never reached'. Give the delays "
                "in a larger time unit (smaller values)"
            )
    periods = [law.period for law in laws.values() if isinstance(law, Scheduled)]
    if periods:
        longest = max(
            law._max_delay() * (1.0 if isinstance(law, Scheduled) else max_scale)
            for law in laws.values()
        ) * max(hops, 1)
        if longest / min(periods) > 2.0**50:
            raise ValueError(
                f"latency: meetings every {min(periods):g} cannot be counted exactly over "
                f"times up to {longest:.3g} ({hops} hops); use a longer period or shorter "
                "delays on the other channels"
            )


_BY_NAME = {
    "exponential": Exponential,
    "constant": Constant,
    "lognormal": LogNormal,
    "scheduled": Scheduled,
}


def parse_law(text: str) -> LatencyLaw:
    """A latency law from its short text: ``exponential:MEAN``, ``constant:V``,
    ``lognormal:MEDIAN:SIGMA`` or ``scheduled:PERIOD[:PHASE]``.

    The form scenario files use to sweep a channel over laws (a grid axis
    ``"model.latency.formal" = ["exponential:1", "scheduled:8"]``).

    Examples
    --------
    >>> parse_law("scheduled:8")
    Scheduled(period=8.0, phase=0.0)
    """
    if not isinstance(text, str):
        raise TypeError(f"a latency law as text must be a string, got {text!r}")
    name, *args = text.split(":")
    if name not in _BY_NAME:
        raise ValueError(
            f"latency {text!r}: the law must be one of {', '.join(_BY_NAME)} "
            "(e.g. exponential:1 or scheduled:8)"
        )
    try:
        return _BY_NAME[name](*(float(a) for a in args))
    except (TypeError, ValueError) as err:
        raise ValueError(f"latency {text!r}: {err}") from None


def _law_text(law: LatencyLaw) -> str:
    if isinstance(law, Constant):
        return f"constant {law.value:g}"
    if isinstance(law, Exponential):
        return f"exponential mean {law.mean:g}"
    if isinstance(law, LogNormal):
        return f"log-normal median {law.median:g} sigma {law.sigma:g}"
    return f"meetings every {law.period:g}"
