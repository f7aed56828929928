"""Time-stamped contacts: who contacted whom, and when.

A communication export (e-mail, chat, calls) is a sequence of contacts
``u -> v at t``. Unlike a watch graph it keeps the timing: news can only
travel along a contact that happens after the sender knew (a time-respecting
path; Holme & Saramaki 2012). :class:`Contacts` holds such a sequence sorted
by time, reads real exports (:func:`contacts`), gives the static network of
the same contacts (:meth:`Contacts.to_organisation`, through
:func:`swarm.from_edges`) and three null models that destroy one aspect of
the timing each.
"""

from __future__ import annotations

import warnings
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .._checks import SeedLike, check_choice, normalise_seed
from ..structures._tables import Source, read_table
from ..structures.edges import SECONDS, _build, _column, _ids, _sorted_labels

__all__ = ["Contacts", "contacts"]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


class Contacts:
    """A time-sorted sequence of contacts: sender, receiver, time, optional duration.

    Build it from a table with :func:`swarm.contacts`; the constructor takes
    arrays that are already clean.

    Parameters
    ----------
    source, target : array of int
        Sender and receiver of each contact, as indices into ``ids``.
    time : array of float
        When each contact happened, in ``time_unit`` after ``epoch``.
        Contacts are sorted by time (stably: contacts at the same time keep
        their order).
    ids : sequence, optional
        The people's labels (default ``0..n-1``).
    duration : array of float, optional
        How long each contact lasted, in ``time_unit`` (kept and carried by
        the null models; :func:`swarm.replay` treats a contact as happening
        at its start time).
    directed : bool, default True
        ``False``: a contact carries news both ways.
    time_unit : str, default "hours"
        One of seconds, minutes, hours, days, weeks.
    epoch : float or pandas.Timestamp, default 0.0
        What time 0 is: a date, or a number of seconds.
    name : str, optional

    Attributes
    ----------
    n : int
        Number of people.
    span : float
        Time from the first to the last contact.

    Examples
    --------
    >>> import swarm
    >>> c = swarm.Contacts([0, 1, 0], [1, 2, 2], [3.0, 1.0, 5.0], ids=["ann", "bob", "cy"])
    >>> c
    Contacts('contacts': 3 contacts between 3 people over 4 hours, directed)
    >>> c.time.tolist(), c.source.tolist()
    ([1.0, 3.0, 5.0], [1, 0, 0])
    """

    def __init__(
        self,
        source,
        target,
        time,
        *,
        ids=None,
        duration=None,
        directed: bool = True,
        time_unit: str = "hours",
        epoch: Any = 0.0,
        name: str | None = "contacts",
    ):
        src = np.asarray(source)
        dst = np.asarray(target)
        t = np.asarray(time, dtype=np.float64)
        if src.ndim != 1 or src.shape != dst.shape or src.shape != t.shape:
            raise ValueError(
                f"source, target and time must be 1-D and of one length, got shapes "
                f"{src.shape}, {dst.shape} and {t.shape}"
            )
        if src.size == 0:
            raise ValueError("contacts: need at least one contact, got none")
        for what, a in (("source", src), ("target", dst)):
            if a.dtype.kind not in "iu":
                raise TypeError(f"{what} must hold integer indices into ids, got dtype {a.dtype}")
        if not np.isfinite(t).all():
            raise ValueError(
                f"time must be finite, got {t[~np.isfinite(t)][0]} at contact "
                f"{int(np.flatnonzero(~np.isfinite(t))[0])}"
            )
        n = int(max(src.max(), dst.max())) + 1 if ids is None else len(ids)
        if min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n:
            raise ValueError(
                f"source and target must index the {n} people in ids (0..{n - 1}), "
                f"got values from {min(src.min(), dst.min())} to "
                f"{max(src.max(), dst.max())}"
            )
        if (src == dst).any():
            k = int(np.flatnonzero(src == dst)[0])
            raise ValueError(
                f"contact {k} goes from person {int(src[k])} to themselves; "
                "drop self-contacts (swarm.contacts does)"
            )
        if not isinstance(directed, (bool, np.bool_)):
            raise TypeError(f"directed must be True or False, got {directed!r}")
        check_choice("time_unit", time_unit, tuple(SECONDS))
        order = np.argsort(t, kind="stable")
        self._source = _frozen(src[order].astype(np.int64))
        self._target = _frozen(dst[order].astype(np.int64))
        self._time = _frozen(t[order])
        if duration is not None:
            d = np.asarray(duration, dtype=np.float64)
            if d.shape != t.shape or not (np.isfinite(d) & (d >= 0)).all():
                raise ValueError("duration must hold one finite number >= 0 per contact")
            duration = _frozen(d[order])
        self._duration = duration
        if ids is None:
            ids = np.arange(n)
        ids = np.asarray(ids)
        if ids.dtype.kind in "US":  # labels as Python str, as from_edges keeps them
            ids = np.array(ids.tolist() + [None], dtype=object)[:-1]
        self._ids = _frozen(ids)
        self._directed = bool(directed)
        self._time_unit = time_unit
        self._epoch = epoch
        self._name = name

    # ---- read-only views ----------------------------------------------------
    source = property(lambda self: self._source, doc="Sender index of each contact.")
    target = property(lambda self: self._target, doc="Receiver index of each contact.")
    time = property(lambda self: self._time, doc="Time of each contact (sorted).")
    duration = property(lambda self: self._duration, doc="Duration of each contact, or None.")
    ids = property(lambda self: self._ids, doc="The people's labels.")
    directed = property(lambda self: self._directed, doc="Whether news flows one way only.")
    time_unit = property(lambda self: self._time_unit, doc="Unit of every time.")
    epoch = property(lambda self: self._epoch, doc="What time 0 is (a date or seconds).")
    name = property(lambda self: self._name, doc="Name for tables and plots.")

    @property
    def n(self) -> int:
        """Number of people."""
        return len(self._ids)

    @property
    def span(self) -> float:
        """Time from the first to the last contact."""
        return float(self._time[-1] - self._time[0])

    def __len__(self) -> int:
        return self._time.shape[0]

    def __repr__(self) -> str:
        return (
            f"Contacts({self._name!r}: {len(self):,} contacts between {self.n:,} people "
            f"over {self.span:.4g} {self._time_unit}, "
            f"{'directed' if self._directed else 'undirected'})"
        )

    def replace(self, **changes: Any) -> Contacts:
        """A copy with some constructor arguments changed (contacts are immutable)."""
        args = {
            "source": self._source,
            "target": self._target,
            "time": self._time,
            "ids": self._ids,
            "duration": self._duration,
            "directed": self._directed,
            "time_unit": self._time_unit,
            "epoch": self._epoch,
            "name": self._name,
        }
        bad = sorted(set(changes) - set(args))
        if bad:
            raise TypeError(f"replace() got unknown arguments {bad}; allowed: {sorted(args)}")
        args.update(changes)
        return Contacts(args.pop("source"), args.pop("target"), args.pop("time"), **args)

    # ---- pairs -------------------------------------------------------------
    def _pair_key(self) -> np.ndarray:
        """One integer per contact naming its pair (unordered when undirected)."""
        u, v = self._source, self._target
        if not self._directed:
            u, v = np.minimum(u, v), np.maximum(u, v)
        return u * self.n + v

    def pair_counts(self) -> pd.DataFrame:
        """Contacts per pair: columns ``source``, ``target`` (indices) and ``count``.

        Undirected contacts count for the pair (smaller index, larger index).

        Examples
        --------
        >>> import swarm
        >>> swarm.Contacts([0, 0, 1], [1, 1, 2], [1.0, 2.0, 3.0]).pair_counts()
           source  target  count
        0       0       1      2
        1       1       2      1
        """
        pairs, count = np.unique(self._pair_key(), return_counts=True)
        return pd.DataFrame({"source": pairs // self.n, "target": pairs % self.n, "count": count})

    # ---- conversions --------------------------------------------------------
    def to_table(self) -> pd.DataFrame:
        """The contacts as a table that :func:`swarm.contacts` and :func:`swarm.from_edges` read.

        Columns ``source`` and ``target`` (the people's ids), ``timestamp``
        (dates when the epoch is a date, else seconds) and ``time`` (in the
        contacts' unit after the epoch); ``duration`` in seconds when known
        (as :func:`swarm.contacts` reads it).

        Examples
        --------
        >>> import swarm
        >>> c = swarm.Contacts([0, 1], [1, 2], [0.0, 1.5], ids=["ann", "bob", "cy"])
        >>> c.to_table()
          source target  timestamp  time
        0    ann    bob        0.0   0.0
        1    bob     cy     5400.0   1.5
        >>> swarm.contacts(c.to_table(), time="timestamp").time.tolist()
        [0.0, 1.5]
        """
        secs = self._time * SECONDS[self._time_unit]
        if isinstance(self._epoch, pd.Timestamp):
            stamp = self._epoch + pd.to_timedelta(secs, unit="s")
        else:
            stamp = float(self._epoch) + secs
        table = pd.DataFrame(
            {
                "source": self._ids[self._source],
                "target": self._ids[self._target],
                "timestamp": stamp,
                "time": self._time,
            }
        )
        if self._duration is not None:
            table["duration"] = self._duration * SECONDS[self._time_unit]
        return table

    def to_organisation(
        self, *, latency: str | None = "rate", k: int | None = None, name: str | None = None
    ):
        """The static network of these contacts: :func:`swarm.from_edges` on them.

        Each pair that was in touch becomes a watch edge (the receiver
        watches the sender); with ``latency="rate"`` (default) its latency
        scale is the pair's mean time between contacts, ``span / count``,
        so ``Cascade(Exponential(1.0))`` waits for the pair's next contact
        as a Poisson process would. Agents are in the order of ``ids``.

        Parameters
        ----------
        latency : "rate", "count" or None
            As in :func:`swarm.from_edges`.
        k : int, optional
            Keep each person's ``k`` most frequent contacts.
        name : str, optional
            Default: the contacts' name.

        Returns
        -------
        Organisation

        Examples
        --------
        >>> import swarm
        >>> c = swarm.Contacts([0, 0, 1], [1, 1, 2], [0.0, 2.0, 4.0])
        >>> org = c.to_organisation()
        >>> org.n, org.n_edges, float(org.watch[1, 0]), float(org.watch[2, 1])
        (3, 2, 2.0, 4.0)
        """
        table = pd.DataFrame(
            {
                "source": self._ids[self._source],
                "target": self._ids[self._target],
                "seconds": self._time * SECONDS[self._time_unit],
            }
        )
        kw = {
            "source": "source",
            "target": "target",
            "weight": None,
            "timestamp": "seconds",
            "latency": latency,
            "scale": None,
            "channel": "colleague",
            "directed": self._directed,
            "k": k,
            "id": "id",
            "department": "department",
            "manager": "manager",
            "name": self._name if name is None else name,
            "time_unit": self._time_unit,
        }
        org, _ = _build(table, None, **kw)
        if list(org.ids) != list(self._ids):  # mixed id types: from_edges orders them its way
            # one placeholder department (dropped below): a blank one would warn
            people = pd.DataFrame({"id": self._ids, "department": "all"})
            org, _ = _build(table, people, **kw)
            org = org.replace(department=None, department_names=None)
        return org

    @cached_property
    def _static(self):
        """The default static network, built once (for results of replays).

        Rates need two different times; contacts all at one time get scale 1.
        """
        return self.to_organisation(latency="rate" if self.span > 0 else None)

    # ---- null models (Holme & Saramaki 2012, Phys. Rep. 519:97, sec. 4.9) ----
    def shuffle_times(self, seed: SeedLike = None) -> Contacts:
        """The same contacts with their times randomly permuted.

        Every pair keeps its number of contacts and the set of times stays
        the same, but which pair is in touch when is random: bursts and
        order within a pair are destroyed ("randomly permuted times").

        Examples
        --------
        >>> import swarm
        >>> c = swarm.Contacts([0, 1, 2], [1, 2, 0], [1.0, 2.0, 7.0])
        >>> sorted(c.shuffle_times(seed=1).time.tolist())
        [1.0, 2.0, 7.0]
        """
        rng = np.random.default_rng(normalise_seed(seed))
        return self._null(
            self._source,
            self._target,
            rng.permutation(self._time),
            self._duration,
            "times shuffled",
        )

    def uniform_times(self, seed: SeedLike = None) -> Contacts:
        """The same contacts at times drawn uniformly over the same span.

        Every pair keeps its number of contacts; the first and the last
        time stay where they were (so the span is the same) and every other
        contact happens at a uniform random time in between: no daily or
        weekly rhythm, no bursts.

        Examples
        --------
        >>> import swarm
        >>> c = swarm.Contacts([0, 1, 2, 0], [1, 2, 0, 2], [1.0, 2.0, 3.0, 9.0])
        >>> u = c.uniform_times(seed=1)
        >>> float(u.time[0]), float(u.time[-1])
        (1.0, 9.0)
        """
        rng = np.random.default_rng(normalise_seed(seed))
        m = len(self)
        t0, t1 = self._time[0], self._time[-1]
        new = np.concatenate([[t0, t1][:m], rng.uniform(t0, t1, size=max(m - 2, 0))])
        return self._null(
            self._source, self._target, new[rng.permutation(m)], self._duration, "uniform times"
        )

    def shuffle_pairs(self, seed: SeedLike = None) -> Contacts:
        """Each pair's contact sequence kept, but given to a random pair.

        The static network (which pairs are in touch) and the set of
        contact sequences stay the same; which pair has which sequence is
        random, so correlations between the timing of adjacent pairs are
        destroyed ("random link shuffling" of whole sequences). A pair's
        count is the count of the sequence it receives.

        Examples
        --------
        >>> import swarm
        >>> c = swarm.Contacts([0, 0, 1], [1, 1, 2], [1.0, 2.0, 3.0])
        >>> s = c.shuffle_pairs(seed=3)
        >>> sorted(s.pair_counts()["count"].tolist())
        [1, 2]
        """
        rng = np.random.default_rng(normalise_seed(seed))
        pairs, inv = np.unique(self._pair_key(), return_inverse=True)
        given = rng.permutation(pairs.size)  # sequence of pair k goes to pair given[k]
        new = pairs[given[inv]]
        u, v = new // self.n, new % self.n
        if not self._directed:  # keep each contact's orientation within its new pair
            flip = self._source > self._target
            u, v = np.where(flip, v, u), np.where(flip, u, v)
        return self._null(u, v, self._time, self._duration, "pairs shuffled")

    def _null(self, u, v, t, duration, what: str) -> Contacts:
        return Contacts(
            u,
            v,
            t,
            ids=self._ids,
            duration=duration,
            directed=self._directed,
            time_unit=self._time_unit,
            epoch=self._epoch,
            name=f"{self._name or 'contacts'} ({what})",
        )


def _parse_times(col: pd.Series, where: Source) -> tuple[np.ndarray, Any]:
    """(seconds since the first contact's day-agnostic zero, epoch) from any timestamps.

    Numbers are seconds. Dates are anything pandas reads; time zones are
    honoured (mixed offsets are converted to UTC), naive dates stay naive.
    Returns seconds relative to an origin and that origin (a number or a
    Timestamp).
    """
    if pd.api.types.is_datetime64_any_dtype(col):
        dates = col
    else:
        num = pd.to_numeric(col, errors="coerce")
        if num.notna().all():
            return num.to_numpy(dtype=float), 0.0
        try:
            try:
                dates = pd.to_datetime(col, format="mixed")
            except ValueError as err:
                if "timezone" not in str(err).lower() and "tz" not in str(err).lower():
                    raise
                dates = pd.to_datetime(col, format="mixed", utc=True)
        except (ValueError, TypeError):  # pandas' message quotes the cell: not ours to show
            raise ValueError(
                f"time: {where.named()}, column {col.name!r} holds neither "
                "numbers (seconds) nor dates"
            ) from None
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise ValueError(
            f"time: {where.named()}, {where.row(row, col.index)}, column "
            f"{col.name!r}: the time is blank"
        )
    zero = dates.min()
    secs = (dates - zero).dt.total_seconds().to_numpy(dtype=float)
    return secs, pd.Timestamp(zero)


def contacts(
    table,
    *,
    source: str = "source",
    target: str = "target",
    time: str = "time",
    duration: str | None = None,
    directed: bool = True,
    time_unit: str = "hours",
    duplicates: str = "drop",
    name: str | None = "contacts",
) -> Contacts:
    """Time-stamped contacts from a table: an e-mail, chat or call export.

    Reads the same tables as :func:`swarm.from_edges`: each row says that
    ``source`` contacted ``target`` at ``time``. Ids may be strings or
    integers (``7``, ``"7"`` and ``7.0`` name the same person). Times are
    numbers (seconds) or anything pandas reads as a date, with or without
    time zones (mixed offsets are converted to UTC). Rows of people
    contacting themselves are dropped, and so are exact duplicates (same
    people, same time, either way round when undirected) unless
    ``duplicates="keep"``; what was dropped is reported in one
    :class:`UserWarning`.

    Parameters
    ----------
    table : str, path or pandas.DataFrame
        A file (CSV, TSV, TXT or XLSX, gzipped or not, read as
        :func:`swarm.from_org_chart` reads one: separator and encoding
        detected, headings matched loosely) or a DataFrame.
    source, target, time : str
        Column names.
    duration : str, optional
        Column of contact durations (numbers in seconds).
    directed : bool, default True
        ``False``: a contact carries news both ways.
    time_unit : str, default "hours"
        Unit of the contacts' times: seconds, minutes, hours, days or weeks.
        Time 0 is the first contact (``Contacts.epoch`` says when that was).
    duplicates : "drop" or "keep", default "drop"
        An export that lists a contact twice usually means one contact
        (a join artefact); ``"keep"`` when repeats in the same second are
        real (both shipped data sets have a few dozen).
    name : str, optional

    Returns
    -------
    Contacts
        People sorted by id (as :func:`swarm.from_edges` orders them);
        people who only contacted themselves are left out.

    Examples
    --------
    >>> import pandas as pd, warnings, swarm
    >>> log = pd.DataFrame({"from": ["ann", "bob", "bob", "cy"],
    ...                     "to": ["bob", "cy", "cy", "cy"],
    ...                     "sent": ["2024-03-01 09:00+01:00", "2024-03-01 09:30+01:00",
    ...                              "2024-03-01 09:30+01:00", "2024-03-01 11:00+01:00"]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     c = swarm.contacts(log, source="from", target="to", time="sent")
    >>> print(caught[0].message)
    contacts: dropped 1 self-contact (row u -> u); dropped 1 duplicate row (same people, same time)
    >>> c.time.tolist(), str(c.epoch)
    ([0.0, 0.5], '2024-03-01 09:00:00+01:00')
    """
    if not isinstance(directed, (bool, np.bool_)):
        raise TypeError(f"directed must be True or False, got {directed!r}")
    check_choice("time_unit", time_unit, tuple(SECONDS))
    check_choice("duplicates", duplicates, ("drop", "keep"))
    df, where = read_table(table, what="table")
    src = _ids(_column(df, source, "source", where), "source", where)
    dst = _ids(_column(df, target, "target", where), "target", where)
    secs, epoch = _parse_times(_column(df, time, "time", where), where)
    dur = None
    if duration is not None:
        dur = pd.to_numeric(_column(df, duration, "duration", where), errors="coerce")
        dur = dur.to_numpy(dtype=float)
        bad = ~(np.isfinite(dur) & (dur >= 0))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"duration: {where.named()}, {where.row(row, df.index)}, column "
                f"{duration!r}: durations are numbers >= 0 (seconds)"
            )
    loop = np.array([a == b for a, b in zip(src, dst)], dtype=bool)
    keep = np.flatnonzero(~loop)
    if keep.size == 0:
        raise ValueError(f"{where.named()} has no contacts between two different people")
    src = [src[k] for k in keep]
    dst = [dst[k] for k in keep]
    secs = secs[keep]
    dur = None if dur is None else dur[keep]
    ids = _sorted_labels(src + dst)
    pos = {x: k for k, x in enumerate(ids)}
    u = np.array([pos[x] for x in src], dtype=np.int64)
    v = np.array([pos[x] for x in dst], dtype=np.int64)
    a, b = (u, v) if directed else (np.minimum(u, v), np.maximum(u, v))
    frame = pd.DataFrame({"a": a, "b": b, "t": secs})
    if dur is not None:
        frame["d"] = dur
    dup = frame.duplicated().to_numpy() if duplicates == "drop" else np.zeros(len(frame), bool)
    first = ~dup
    zero = secs[first].min()
    if not isinstance(epoch, pd.Timestamp):
        epoch = float(epoch) + float(zero)
    else:
        epoch = epoch + pd.Timedelta(seconds=float(zero))
    said = []
    if loop.any():
        s = int(loop.sum())
        said.append(f"dropped {s} self-contact{'s' if s != 1 else ''} (row u -> u)")
    if dup.any():
        d = int(dup.sum())
        said.append(f"dropped {d} duplicate row{'s' if d != 1 else ''} (same people, same time)")
    if said:
        warnings.warn("contacts: " + "; ".join(said), UserWarning, stacklevel=2)
    out_ids = (
        np.array(ids, dtype=np.int64)
        if all(isinstance(i, int) for i in ids)
        else np.array(ids + [None], dtype=object)[:-1]
    )
    return Contacts(
        u[first],
        v[first],
        (secs[first] - zero) / SECONDS[time_unit],
        ids=out_ids,
        duration=None if dur is None else dur[first] / SECONDS[time_unit],
        directed=directed,
        time_unit=time_unit,
        epoch=epoch,
        name=name,
    )
