"""Replay news along the contacts people actually had.

``replay`` answers "who could have heard, and by when?" from a
communication export: news passes along a contact at time ``t`` only from a
sender who knew at ``t - delay`` or earlier (a time-respecting path), and
only with probability ``p``. The answer is a :class:`~swarm.Result` like any
simulation's, so every metric, summary, plot and report works on it.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import check_float, check_int, normalise_seed
from .._kernels.replay import _replay_each, _replay_runs
from ..results import Result
from ..shocks import Shock
from .contacts import Contacts

__all__ = ["Replay", "ReplayResult", "replay"]


@dataclass(frozen=True)
class Replay:
    """What a replay assumed: the contacts' name, the delay and the pass probability.

    The ``model`` of a :class:`ReplayResult`; ``describe()`` names it in
    tables and plot titles.
    """

    contacts: str
    delay: float = 0.0
    p: float = 1.0
    directed: bool = True
    unit: str = "hours"

    def describe(self) -> str:
        """A short phrase for tables and plot titles."""
        parts = [f"replay of {self.contacts}"]
        if self.delay:
            parts.append(f"delay {self.delay:g} {self.unit}")
        if self.p < 1:
            parts.append(f"p {self.p:g}")
        return ", ".join(parts)


@dataclass(frozen=True)
class EachPerson:
    """The shock of a replay from every person in turn (one run per person)."""

    origin: str = "each"
    size: int = 1

    def describe(self) -> str:
        return "each person in turn"


@dataclass(frozen=True, eq=False)
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
    vals = list(start) if isinstance(start, (list, tuple, np.ndarray, pd.Series,
                                             pd.DatetimeIndex)) else [start]
    if not vals:
        raise ValueError("start must be a time or a non-empty sequence of times, got an empty "
                         "sequence")
    out = []
    for v in vals:
        if isinstance(v, numbers.Real) and not isinstance(v, bool):
            out.append(check_float("start", v))
            continue
        if not isinstance(contacts.epoch, pd.Timestamp):
            raise TypeError(f"start must be a number (the contacts' times are numbers in "
                            f"{contacts.time_unit}), got {v!r}")
        try:
            stamp = pd.Timestamp(v)
        except (ValueError, TypeError):
            raise ValueError(f"start must be a number of {contacts.time_unit} or a date, "
                             f"got {v!r}") from None
        epoch = contacts.epoch
        if (stamp.tz is None) != (epoch.tz is None):
            stamp = (stamp.tz_localize(epoch.tz) if stamp.tz is None
                     else stamp.tz_convert(epoch.tz).tz_localize(None))
        from ..edges import SECONDS

        out.append((stamp - epoch).total_seconds() / SECONDS[contacts.time_unit])
    return np.array(out, dtype=np.float64)


def replay(contacts: Contacts, shock: Shock | str | None = None, *, delay: float = 0.0,
           p: float = 1.0, start=None, runs: int = 1, seed=None) -> ReplayResult:
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

    Returns
    -------
    ReplayResult
        Rows ordered start by start; within a start, run by run (with
        ``"each"``: run by run, and within a run person by person). ``organisation`` is the
        static network of the contacts, ``informed_by`` who told whom (so
        ``messengers()`` works), ``start`` the start time of each row.

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
    if not isinstance(contacts, Contacts):
        raise TypeError(f"contacts must be swarm.Contacts (see swarm.contacts), got "
                        f"{type(contacts).__name__}")
    delay = check_float("delay", delay, low=0.0)
    p = check_float("p", p, low=0.0, high=1.0)
    runs = check_int("runs", runs, low=1)
    starts = _starts(contacts, start)
    org = contacts._static
    ss = normalise_seed(seed)
    children = ss.spawn(runs)
    keys = np.empty(runs, dtype=np.uint64)
    if isinstance(shock, str) and shock == "each":
        shock = EachPerson()
        per = np.tile(np.arange(org.n, dtype=np.int64)[:, None], (runs, 1))
        rep = np.repeat(np.arange(runs), org.n)
        for k, child in enumerate(children):
            keys[k] = child.spawn(2)[1].generate_state(1, np.uint64)[0]
    else:
        shock = Shock() if shock is None else shock
        if not isinstance(shock, Shock):
            raise TypeError(f"shock must be a swarm.Shock or 'each', got {shock!r}")
        rows = []
        for k, child in enumerate(children):
            c_origin, c_kernel = child.spawn(2)
            rows.append(shock.origins(org, np.random.default_rng(c_origin)))
            keys[k] = c_kernel.generate_state(1, np.uint64)[0]
        per = np.array(rows, dtype=np.int64)
        rep = np.arange(runs)
    s = starts.size
    origins = np.ascontiguousarray(np.tile(per, (s, 1)))
    run_keys = np.tile(keys[rep], s)
    run_starts = np.repeat(starts, per.shape[0])
    firsts = np.searchsorted(contacts.time, run_starts, side="left").astype(np.int64)
    total = origins.shape[0]
    times = np.empty((total, org.n), dtype=np.float64)
    informed = np.empty((total, org.n), dtype=np.int32)
    args = (contacts.source, contacts.target, contacts.time, not contacts.directed)
    if isinstance(shock, EachPerson) and delay == 0.0:  # all origins at once, in bitsets
        n = org.n
        for b in range(0, total, n):
            _replay_each(*args, p, run_keys[b], run_starts[b], firsts[b], times[b:b + n],
                         informed[b:b + n])
    else:
        _replay_runs(*args, delay, p, run_keys, origins, run_starts, firsts, times, informed)
    model = Replay(contacts=contacts.name or "contacts", delay=delay, p=p,
                   directed=contacts.directed, unit=contacts.time_unit)
    return ReplayResult(arrival_times=times, organisation=org, model=model, shock=shock,
                        seed=int(ss.entropy) if np.isscalar(ss.entropy) else ss.entropy,
                        origins=origins, informed_by=informed.astype(np.int64),
                        start=run_starts)
