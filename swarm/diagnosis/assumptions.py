"""The latency assumptions a diagnosis rests on, and the grid of plausible others."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .._checks import check_choice, check_float
from ..models.cascade import Cascade
from ..models.laws import Exponential, Scheduled

__all__ = ["GRID", "Assumptions"]

#: The plausible alternatives every headline conclusion is recomputed under:
#: meetings twice a day, daily or weekly (working hours), colleagues four times
#: faster to four times slower than assumed, and the formal channel as a
#: memoryless wait or as synchronised meetings.
GRID: dict[str, tuple] = {
    "meeting_every": (4.0, 8.0, 40.0),
    "colleague_factor": (0.25, 1.0, 4.0),
    "formal": ("exponential", "scheduled"),
}

#: How each grid value reads in a sentence.
WORDS = {
    ("meeting_every", 4.0): "teams meet twice a day",
    ("meeting_every", 8.0): "teams meet daily",
    ("meeting_every", 40.0): "teams meet weekly",
    ("colleague_factor", 0.25): "colleagues notice 4 times faster",
    ("colleague_factor", 1.0): "colleagues notice as assumed",
    ("colleague_factor", 4.0): "colleagues notice 4 times slower",
    ("formal", "exponential"): "news waits a random time for the next meeting",
    ("formal", "scheduled"): "all teams meet at the same hour (synchronised meetings)",
}


@dataclass(frozen=True)
class Assumptions:
    """How fast people notice, in working hours.

    Parameters
    ----------
    meeting_every : float, default 8
        Hours between a manager's meetings with their team (8: once a
        working day). News up or down the line waits for the next one.
    colleague_hours : float, default 1
        Mean hours before someone notices what a colleague they work with
        (or write to) does.
    network_hours : float, default 0.25
        Mean hours before a post on the internal network is noticed.
    formal : {"exponential", "scheduled"}, default "exponential"
        ``"exponential"``: teams meet at different hours, so news waits a
        random time, half a meeting interval on average. ``"scheduled"``:
        every team meets at the same hour (:class:`swarm.Scheduled`), so a
        layer costs a whole interval.

    Examples
    --------
    >>> Assumptions().model().describe()  # doctest: +ELLIPSIS
    'latency formal: exponential mean 4, colleague: exponential mean 1, social: ...'
    """

    meeting_every: float = 8.0
    colleague_hours: float = 1.0
    network_hours: float = 0.25
    formal: str = "exponential"

    def __post_init__(self):
        for name in ("meeting_every", "colleague_hours", "network_hours"):
            object.__setattr__(
                self, name, check_float(name, getattr(self, name), low=0.0, low_open=True)
            )
        check_choice("formal", self.formal, ("exponential", "scheduled"))

    def latency(
        self,
        *,
        meeting_every: float | None = None,
        colleague_factor: float = 1.0,
        formal: str | None = None,
    ) -> dict:
        """The latency law per channel, with some assumptions replaced (a grid cell)."""
        every = self.meeting_every if meeting_every is None else meeting_every
        formal = self.formal if formal is None else formal
        law = Scheduled(period=every) if formal == "scheduled" else Exponential(every / 2)
        return {
            "formal": law,
            "colleague": Exponential(self.colleague_hours * colleague_factor),
            "social": Exponential(self.network_hours),
        }

    def model(self, base: Cascade | None = None, **cell) -> Cascade:
        """``base`` (default ``Cascade()``) with the latency of these assumptions."""
        base = Cascade() if base is None else base
        return dataclasses.replace(base, latency=self.latency(**cell))

    def describe(self) -> dict:
        """The assumptions as a plain mapping (for the report's table)."""
        return dataclasses.asdict(self)
