"""Replay news along the contacts people actually had.

``replay`` answers "who could have heard, and by when?" from a
communication export: news passes along a contact at time ``t`` only from a
sender who knew at ``t - delay`` or earlier (a time-respecting path), and
only with probability ``p``. The answer is a :class:`~swarm.Result` like any
simulation's, so every metric, summary, plot and report works on it.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_float, check_int, normalise_seed
from .._kernels.replay import _replay_each, _replay_runs
from .._memory import check_simulation
from ..models._runner import entropy_of, run_batches, run_keys
from ..models.shocks import Shock
from ..organisation import Organisation
from ..results import Result
from ..structures.edges import SECONDS
from .contacts import Contacts

__all__ = ["EachPerson", "Replay", "ReplayResult", "replay"]


@dataclass(frozen=True)
class EachPerson:
    """The shock of a replay from every person in turn (one run per person)."""

    origin: str = "each"
    size: int = 1

    def describe(self) -> str:
        return "each person in turn"


@dataclass(frozen=True, eq=False, repr=False)  # Result's short repr, not every array
class ReplayResult(Result):
    """A :class:`~swarm.Result` of :func:`replay`, with the start time of each run.

    ``arrival_times`` count from each run's start (the shock is at time 0,
    as in every Result); ``start[r]`` is when run ``r``'s news broke, in the
    contacts' time unit after their epoch.
    """

    start: np.ndarray | None = None


def _starts(contacts: Contacts, start) -> np.ndarray:
    """Start times as float in the contacts' unit, from numbers or dates."""
    if start is None:
        return np.array([contacts.time[0]])
    vals = (
        list(start)
        if isinstance(start, (list, tuple, np.ndarray, pd.Series, pd.DatetimeIndex))
        else [start]
    )
    if not vals:
        raise ValueError(
            "start must be a time or a non-empty sequence of times, got an empty sequence"
        )
    out = []
    for v in vals:
        if isinstance(v, numbers.Real) and not isinstance(v, bool):
            out.append(check_float("start", v))
            continue
        if not isinstance(contacts.epoch, pd.Timestamp):
            raise TypeError(
                f"start must be a number (the contacts' times are numbers in "
                f"{contacts.time_unit}), got {v!r}"
            )
        try:
            stamp = pd.Timestamp(v)
        except (ValueError, TypeError):
            raise ValueError(
                f"start must be a number of {contacts.time_unit} or a date, got {v!r}"
            ) from None
        epoch = contacts.epoch
        if (stamp.tz is None) != (epoch.tz is None):
            stamp = (
                stamp.tz_localize(epoch.tz)
                if stamp.tz is None
                else stamp.tz_convert(epoch.tz).tz_localize(None)
            )
        out.append((stamp - epoch).total_seconds() / SECONDS[contacts.time_unit])
    return np.array(out, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Replay:
    """The replay of real contacts as a model: it runs through the shared batch runner.

    ``swarm.simulate(contacts.to_organisation(), Replay(contacts), shock, runs)``
    is :func:`replay` with a :class:`~swarm.Shock`; the organisation must
    hold the contacts' people in the order of ``contacts.ids`` (it only
    serves to draw origins and to read results). See :func:`replay` for
    ``delay``, ``p`` and ``start``.

    Examples
    --------
    >>> import swarm
    >>> from swarm.temporal import Replay
    >>> c = swarm.Contacts([0, 1], [1, 2], [1.0, 2.0])
    >>> res = swarm.simulate(c.to_organisation(), Replay(c, start=0.0), swarm.Shock([0]))
    >>> res.arrival_times.tolist(), res.model.describe()
    ([[0.0, 1.0, 2.0]], 'replay of contacts')
    """

    contacts: Contacts
    delay: float = 0.0
    p: float = 1.0
    start: Any = None
    starts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.contacts, Contacts):
            raise TypeError(
                f"contacts must be swarm.Contacts (see swarm.contacts), got "
                f"{type(self.contacts).__name__}"
            )
        object.__setattr__(self, "delay", check_float("delay", self.delay, low=0.0))
        object.__setattr__(self, "p", check_float("p", self.p, low=0.0, high=1.0))
        object.__setattr__(self, "starts", _starts(self.contacts, self.start))

    def describe(self) -> str:
        """A short phrase for tables and plot titles."""
        parts = [f"replay of {self.contacts.name or 'contacts'}"]
        if self.delay:
            parts.append(f"delay {self.delay:g} {self.contacts.time_unit}")
        if self.p < 1:
            parts.append(f"p {self.p:g}")
        return ", ".join(parts)

    #: Replays keep their full result (who heard from whom, at which start).
    _keeps_summary = False

    def _simulate(
        self,
        org: Organisation,
        shock: Shock | EachPerson,
        runs: int,
        ss: np.random.SeedSequence,
        *,
        record: str | None = None,
        progress: bool | None = None,
    ) -> ReplayResult:
        """``runs`` runs at each start time (see :func:`replay`), batch by batch."""
        c = self.contacts
        if org.n != c.n or not np.array_equal(np.asarray(org.ids), np.asarray(c.ids)):
            raise ValueError(
                f"org must hold the contacts' {c.n} people in the order of "
                f"contacts.ids (use contacts.to_organisation()); got "
                f"{org.n} people"
            )
        n = org.n
        each = isinstance(shock, EachPerson)
        # times (8 bytes) and informers (4) per run, origin and start, held whole
        check_simulation(
            n, runs * (n if each else 1) * self.starts.size, per_cell=12, what="replay"
        )
        children = ss.spawn(runs)
        if each:
            keys = np.array(
                [child.spawn(2)[1].generate_state(1, np.uint64)[0] for child in children],
                dtype=np.uint64,
            )
            per = np.tile(np.arange(n, dtype=np.int64)[:, None], (runs, 1))
            rep = np.repeat(np.arange(runs), n)
        else:
            per, k2 = run_keys(org, shock, children, 1)
            keys, rep = k2[:, 0], np.arange(runs)
        s = self.starts.size
        origins = np.ascontiguousarray(np.tile(per, (s, 1)))
        run_keys_ = np.tile(keys[rep], s)
        run_starts = np.repeat(self.starts, per.shape[0])
        firsts = np.searchsorted(c.time, run_starts, side="left").astype(np.int64)
        total = origins.shape[0]
        times = np.empty((total, n), dtype=np.float64)
        informed = np.empty((total, n), dtype=np.int32)
        args = (c.source, c.target, c.time, not c.directed)
        bitsets = each and self.delay == 0.0  # every origin at once, 64 per word

        def step(lo: int, hi: int) -> None:
            if bitsets:
                _replay_each(
                    *args,
                    self.p,
                    run_keys_[lo],
                    run_starts[lo],
                    firsts[lo],
                    times[lo:hi],
                    informed[lo:hi],
                )
            else:
                _replay_runs(
                    *args,
                    self.delay,
                    self.p,
                    run_keys_[lo:hi],
                    origins[lo:hi],
                    run_starts[lo:hi],
                    firsts[lo:hi],
                    times[lo:hi],
                    informed[lo:hi],
                )

        # bitsets: one block of n rows (one start, one run) per call
        run_batches(
            total, step, batch=n if bitsets else 64, progress=progress, desc=c.name or "replay"
        )
        return ReplayResult(
            arrival_times=times,
            organisation=org,
            model=self,
            shock=shock,
            seed=entropy_of(ss),
            origins=origins,
            informed_by=informed if record else None,
            start=run_starts,
        )


def replay(
    contacts: Contacts,
    shock: Shock | str | None = None,
    *,
    delay: float = 0.0,
    p: float = 1.0,
    start=None,
    runs: int = 1,
    seed: SeedLike = None,
    progress: bool | None = None,
) -> ReplayResult:
    """Replay news along time-stamped contacts: earliest arrival by time-respecting paths.

    ``arrival_times[r, i]`` is the earliest time person ``i`` could know in
    run ``r``: the news starts with the shock's origins at the start time
    and passes along a contact at time ``t`` from a sender who knew at
    ``t - delay`` or earlier, with probability ``p`` (one draw per contact
    and run). Contacts at the same time can relay the news in a chain when
    ``delay`` is 0. Times count from the start, in the contacts' unit;
    ``inf``: never, within the data.

    Parameters
    ----------
    contacts : Contacts
    shock : Shock or "each", default ``Shock("random")``
        Who knows first. Origins are drawn on the static network of the
        contacts (:meth:`Contacts.to_organisation`), anew for each of the
        ``runs``. ``"each"``: every person in turn, one run each (times
        ``runs``).
    delay : float, default 0
        Time a person needs before passing the news on (reading, deciding).
    p : float, default 1
        Chance that a contact passes the news (when the sender knew).
    start : number, date, or sequence of them; default the first contact
        When the news breaks: a time in the contacts' unit after their
        epoch, or a date when the contacts' times were dates. Several start
        times give ``runs`` runs at each (the same origins and draws at
        each start, so starts are compared on common random numbers).
    runs : int, default 1
        Runs per start time (per person with ``"each"``); only random
        origins or ``p < 1`` make them differ.
    seed : None, int, sequence of int, SeedSequence or Generator
        Run ``k`` draws its origins and its per-contact draws from child
        ``k`` of the seed's SeedSequence; a contact's draw is a function of
        (run, contact index) only, so results are bit-identical for any
        number of threads.
    progress : bool or None
        A progress bar on stderr; ``None``: only for long ensembles on a terminal.

    Returns
    -------
    ReplayResult
        Rows ordered start by start; within a start, run by run (with
        ``"each"``: run by run, and within a run person by person).
        ``organisation`` is the static network of the contacts,
        ``informed_by`` who told whom (so ``messengers()`` works), ``start``
        the start time of each row, ``model`` the :class:`Replay`.

    Examples
    --------
    >>> import swarm
    >>> c = swarm.Contacts([0, 1, 2, 1], [1, 2, 3, 0], [1.0, 2.0, 2.0, 5.0])
    >>> res = swarm.replay(c, swarm.Shock([0]), start=0.0)
    >>> res.arrival_times.tolist()        # 0 -> 1 at 1, 1 -> 2 and 2 -> 3 both at 2
    [[0.0, 1.0, 2.0, 2.0]]
    >>> swarm.replay(c, swarm.Shock([0]), start=0.0, delay=0.5).arrival_times.tolist()
    [[0.0, 1.0, 2.0, inf]]
    >>> swarm.replay(c, "each", start=1.5).metrics()["reach"].tolist()
    [0.25, 1.0, 0.5, 0.25]
    """
    model = Replay(contacts, delay=delay, p=p, start=start)
    runs = check_int("runs", runs, low=1)
    if isinstance(shock, str) and shock == "each":
        shock = EachPerson()
    else:
        shock = Shock() if shock is None else shock
        if not isinstance(shock, Shock):
            raise TypeError(f"shock must be a swarm.Shock or 'each', got {shock!r}")
    return model._simulate(
        contacts._static, shock, runs, normalise_seed(seed), record="tree", progress=progress
    )
