"""Organisations from communication data: who contacted whom, and how often.

An e-mail, chat or meeting export is a table of contacts, one row per
contact (or per pair with a count). A row ``u -> v`` means *u contacted v*,
so news that u has can reach v: **v watches u** (the same convention as
:func:`swarm.from_networkx`, where information flows along the edge).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._checks import check_choice, check_int
from ..organisation import CHANNELS, Organisation, locality_order
from ._tables import Source, find, find_columns, labels, position_lookup, read_table
from .org_chart import (
    _depths,
    _parents,
    department_labels,
    id_array,
    people_ids,
    warn_tops,
)

__all__ = ["from_edges"]

FORMAL = CHANNELS.index("formal")

#: Seconds in each time unit a ``latency="rate"`` scale can be expressed in.
SECONDS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0, "weeks": 604800.0}


def from_edges(
    table,
    people=None,
    *,
    columns: dict | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    source: str = "source",
    target: str = "target",
    weight: str | None = None,
    timestamp: str | None = None,
    latency: str | None = "count",
    scale: str | None = None,
    channel: str = "colleague",
    directed: bool = True,
    k: int | None = None,
    id: str = "id",
    department: str = "department",
    manager: str = "manager",
    name: str | None = "contacts",
    time_unit: str = "hours",
) -> Organisation:
    """An Organisation from a contact table (e-mail, chat, meetings).

    Each row says that ``source`` contacted ``target``; information flows
    along the contact, so the target **watches** the source. Rows for the
    same pair are merged into one watch edge whose *contact count* is the
    number of rows (or the sum of ``weight``); people contacting themselves
    are dropped. Both are reported in one :class:`UserWarning`.

    **Latency law** (``latency``). Contacts are taken as a Poisson process
    per pair, so the wait for the next contact is inversely proportional to
    how often the pair is in touch:

    * ``"count"`` (default): the latency scale of an edge is
      ``mean_count / count``, with ``mean_count`` the mean contact count of
      all kept edges. A pair in touch as often as the average pair has scale
      1; twice as often, 1/2 (notices twice as fast). Multiply by the
      model's latency law (e.g. ``Exponential(1.0)``: a mean of one hour for
      the average pair).
    * ``"rate"`` (needs ``timestamp``): the scale is the pair's mean time
      between contacts, ``span / count`` in ``time_unit``, with ``span`` the
      time from the first to the last contact in the whole table. With
      ``Exponential(1.0)`` news then waits for the pair's next contact, in
      real hours.
    * ``None``: every edge has scale 1 (only who watches whom matters).

    **Attention budget** (``k``). People watch everyone who contacted them
    by default: the real network is the point, and its attention is visible
    in ``org.describe()`` and every comparison table (email-Eu-core: 25 on
    average, up to 211). ``k=7`` keeps, for each person, the 7 contacts
    they heard from most often (ties: the contact whose first row comes
    first in the table; shuffle the rows for random ties), the starlings'
    budget.

    Parameters
    ----------
    table : str, path or pandas.DataFrame
        A file (CSV, TSV, TXT or XLSX, read as :func:`swarm.from_org_chart`
        reads one: separator and encoding detected, headings matched
        loosely, e.g. ``From``/``Sender`` and ``To``/``Recipient``) or a
        DataFrame with the ``source`` and ``target`` columns. Ids are kept
        as written (``"0012"`` stays text); in a DataFrame, ``7`` and
        ``7.0`` name the same person, and so do ``7`` and ``"7"``.
    people : str, path or pandas.DataFrame, optional
        One row per person (an org chart): ``id``, ``department`` and optionally
        ``manager`` (blank for the top). Everyone in it is an agent, also
        people without contacts; every id in ``table`` must be in it. With
        managers, ``level`` is the depth below the top and everyone also
        watches their manager and direct reports on the ``formal`` channel
        (as :func:`swarm.from_org_chart`), unless the pair already has a
        contact edge, which keeps its channel and scale.
    columns : dict, optional
        Columns of ``table`` by role (``"source"``, ``"target"``), e.g.
        ``{"source": "Sender", "target": "Recipient"}``.
    sep, encoding, sheet : optional
        How to read a ``table`` file (see :func:`swarm.from_org_chart`).
    source, target, weight, timestamp : str
        Column names; ``weight`` (contacts per row, > 0) and ``timestamp``
        (numbers in seconds, or dates pandas can parse) are optional.
    latency : "count", "rate" or None
        The latency law above.
    scale : str, optional
        A column of latency scales to take as they are (e.g. the
        ``latency`` column of ``networkx.to_pandas_edgelist(org.to_networkx())``);
        overrides ``latency``. Repeated rows keep the smallest scale.
    channel : str
        A channel name (:data:`swarm.CHANNELS`) for every contact edge, or the
        name of a column holding channel names.
    directed : bool, default True
        ``False``: a contact carries news both ways (both watch each other),
        and rows u-v and v-u count for the same pair.
    k : int, optional
        Keep each person's ``k`` most frequent contacts (see above).
    id, department, manager : str
        Column names in ``people``.
    name : str, optional
    time_unit : str, default "hours"
        Unit of the organisation's times (and of ``latency="rate"`` scales:
        one of seconds, minutes, hours, days, weeks).

    Returns
    -------
    Organisation
        Agents in the order of ``people``, else sorted by id; ``org.ids``
        are the ids of the table.

    Examples
    --------
    >>> import pandas as pd, swarm
    >>> mails = pd.DataFrame({"source": ["ann", "ann", "bob", "cy", "cy"],
    ...                       "target": ["bob", "bob", "cy", "ann", "cy"]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     org = swarm.from_edges(mails)
    >>> print(caught[0].message)
    from_edges: dropped 1 self-contact (row u -> u); merged 1 repeated row into contact counts
    >>> org.ids.tolist(), org.n_edges
    (['ann', 'bob', 'cy'], 3)
    >>> org.watch[1, 0], org.watch[2, 1]   # bob watches ann (2 mails), cy watches bob (1)
    (np.float64(0.6666666666666666), np.float64(1.3333333333333333))
    """
    org, report = _build(
        table,
        people,
        columns=columns,
        sep=sep,
        encoding=encoding,
        sheet=sheet,
        source=source,
        target=target,
        weight=weight,
        timestamp=timestamp,
        latency=latency,
        scale=scale,
        channel=channel,
        directed=directed,
        k=k,
        id=id,
        department=department,
        manager=manager,
        name=name,
        time_unit=time_unit,
    )
    said = []
    if report["self_loops"]:
        s = report["self_loops"]
        said.append(f"dropped {s} self-contact{'s' if s != 1 else ''} (row u -> u)")
    if report["repeated"]:
        r = report["repeated"]
        said.append(f"merged {r} repeated row{'s' if r != 1 else ''} into contact counts")
    if said:
        warnings.warn("from_edges: " + "; ".join(said), UserWarning, stacklevel=2)
    return org


def _column(df: pd.DataFrame, col: str, what: str, where: Source) -> pd.Series:
    hit = find_columns(df, where, {what: col}, what=what)[what]
    return df[hit]


def _ids(col: pd.Series, what: str, where: Source) -> list:
    out = labels(col)
    for k, v in enumerate(out):
        if v is None:
            raise ValueError(
                f"{where.named()}: {where.row(k, col.index)}, column {col.name!r}: "
                f"the {what} is blank; every contact needs a {what}"
            )
    return out


def _positive(col: pd.Series, what: str, where: str) -> np.ndarray:
    vals = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(vals) & (vals > 0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{what}: {where.named()}, {where.row(row, col.index)}, column "
            f"{col.name!r}: values must be finite numbers > 0"
        )
    return vals


def _seconds(col: pd.Series, where: str) -> np.ndarray:
    """Timestamps as seconds: numbers as they are, else parsed as dates."""
    # a datetime column is dates: to_numeric would give its ticks (microseconds) as seconds
    if not pd.api.types.is_datetime64_any_dtype(col):
        num = pd.to_numeric(col, errors="coerce")
        if num.notna().all():
            return num.to_numpy(dtype=float)
    try:
        dates = pd.to_datetime(col)
    except (ValueError, TypeError):
        raise ValueError(
            f"timestamp: {where.named()}, column {col.name!r} holds neither "
            "numbers (seconds) nor dates"
        ) from None
    if dates.isna().any():
        raise ValueError(
            f"timestamp: {where.named()}, "
            f"{where.row(int(np.flatnonzero(dates.isna())[0]), col.index)}, "
            f"column {col.name!r}: the timestamp is blank"
        )
    return (dates - pd.Timestamp("1970-01-01", tz=dates.dt.tz)).dt.total_seconds().to_numpy()


def _sorted_labels(labels) -> list:
    """Unique labels, sorted when they are all ints or all strings."""
    uniq = list(dict.fromkeys(labels))
    if all(isinstance(x, int) for x in uniq) or all(isinstance(x, str) for x in uniq):
        return sorted(uniq)
    return uniq


def _build(
    table,
    people,
    *,
    columns=None,
    sep=None,
    encoding=None,
    sheet=None,
    source,
    target,
    weight,
    timestamp,
    latency,
    scale,
    channel,
    directed,
    k,
    id,
    department,
    manager,
    name,
    time_unit,
) -> tuple[Organisation, dict]:
    """from_edges without the warning: the Organisation and what was dropped or merged."""
    if latency is not None:
        check_choice("latency", latency, ("count", "rate"))
    if k is not None:
        k = check_int("k", k, low=1)
    if not isinstance(directed, (bool, np.bool_)):
        raise TypeError(f"directed must be True or False, got {directed!r}")
    df, where = read_table(table, what="table", sep=sep, encoding=encoding, sheet=sheet)
    ends = find_columns(
        df,
        where,
        {"source": source, "target": target},
        columns=columns,
        defaults={"source": "source", "target": "target"},
        what="from_edges",
    )
    src = _ids(df[ends["source"]], "source", where)
    dst = _ids(df[ends["target"]], "target", where)
    rows = len(src)
    w = (
        _positive(_column(df, weight, "weight", where), "weight", where)
        if weight
        else np.ones(rows)
    )
    if latency == "rate" and scale is None:
        if timestamp is None:
            raise ValueError(
                "latency='rate' needs timestamp= (the column of contact times); "
                "use latency='count' for counts alone"
            )
        check_choice("time_unit (for latency='rate')", time_unit, tuple(SECONDS))
    ts = _seconds(_column(df, timestamp, "timestamp", where), where) if timestamp else None
    sc = _positive(_column(df, scale, "scale", where), "scale", where) if scale else None
    if channel in CHANNELS:
        chan = np.full(rows, CHANNELS.index(channel), dtype=np.int8)
    elif channel in df.columns:
        names = [str(c).strip() for c in df[channel].tolist()]
        bad = sorted(set(names) - set(CHANNELS))
        if bad:
            raise ValueError(
                f"channel: column {channel!r} of {where} holds {len(bad)} "
                f"unknown channel name(s); channels are {CHANNELS}"
            )
        chan = np.array([CHANNELS.index(c) for c in names], dtype=np.int8)
    else:
        raise ValueError(
            f"channel must be one of {CHANNELS} or a column of {where} "
            f"(has {list(df.columns)}), got {channel!r}"
        )

    # the people: from their table, else everyone who appears in a contact
    dept_codes = dept_names = parent = level = None
    if people is not None:
        pdf, pwhere = read_table(people, what="people")
        pcols = find_columns(
            pdf,
            pwhere,
            {"id": id, "department": department, "manager": manager},
            optional=("manager",),
            defaults={"id": "id", "department": "department", "manager": "manager"},
            what="people",
        )
        if len(pdf) == 0:
            raise ValueError(f"{pwhere.named('people')} has no people")
        ids = people_ids(pdf, pcols["id"], pwhere, pwhere.named("people"))
        names_txt = department_labels(
            pdf[pcols["department"]], pwhere, pdf.index, "from_edges", pcols["department"]
        )
        numeric = {
            str(d): d for d in labels(pdf[pcols["department"]]) if isinstance(d, (int, float))
        }
        # numeric departments in numeric order, then named ones alphabetically
        dept_names = sorted(set(names_txt), key=lambda d: (d not in numeric, numeric.get(d, 0), d))
        code = {d: c for c, d in enumerate(dept_names)}
        dept_codes = np.array([code[d] for d in names_txt], dtype=np.int64)
    else:
        ids = _sorted_labels(src + dst)
        if not ids:
            raise ValueError(f"{where.named()} has no contacts (and no people table)")
    pos = position_lookup(ids)
    n = len(ids)
    missing = [x for x in dict.fromkeys(src + dst) if find(pos, x) is None]
    if missing:
        raise ValueError(
            f"{where.named()} names {len(missing)} people who are not in the "
            f"people table, e.g. {missing[:3]}; add them or filter the contacts"
        )
    if people is not None and pcols["manager"] is not None:
        parent = _parents(
            labels(pdf[pcols["manager"]]),
            pos,
            ids,
            pwhere.named("people"),
            pcols["manager"],
            pwhere,
            pdf.index,
        )
        level = _depths(parent, ids, pwhere.named("people"))
        warn_tops(parent, ids, pwhere, "from_edges")

    u = np.array([find(pos, x) for x in src], dtype=np.int64)
    v = np.array([find(pos, x) for x in dst], dtype=np.int64)
    loop = u == v
    report: dict[str, Any] = {"rows": rows, "self_loops": int(loop.sum())}
    keep = np.flatnonzero(~loop)
    u, v, w, chan = u[keep], v[keep], w[keep], chan[keep]
    ts = None if ts is None else ts[keep]
    sc = None if sc is None else sc[keep]
    if not directed:  # one pair per unordered contact
        u, v = np.minimum(u, v), np.maximum(u, v)
    key = u * n + v
    pairs, first, inv = np.unique(key, return_index=True, return_inverse=True)
    report["repeated"] = int(key.size - pairs.size)
    count = np.bincount(inv, weights=w, minlength=pairs.size)
    sender, receiver = pairs // n, pairs % n
    edge_chan = chan[first]
    if sc is not None:
        edge_scale = np.full(pairs.size, np.inf)
        np.minimum.at(edge_scale, inv, sc)
    elif latency == "count":
        edge_scale = count.mean() / count if count.size else count
    elif latency == "rate":
        span = (ts.max() - ts.min()) / SECONDS[time_unit] if ts.size else 0.0
        if not span > 0:
            raise ValueError(
                "latency='rate' needs contacts at two different times at least; "
                "all timestamps are equal"
            )
        edge_scale = span / count
    else:
        edge_scale = np.ones(pairs.size)
    # information flows sender -> receiver: the receiver watches the sender
    watcher, watched = receiver, sender
    if not directed:
        watcher, watched = np.concatenate([receiver, sender]), np.concatenate([sender, receiver])
        count, first = np.tile(count, 2), np.tile(first, 2)
        edge_scale, edge_chan = np.tile(edge_scale, 2), np.tile(edge_chan, 2)
    report["trimmed"] = 0
    if k is not None:  # each watcher keeps its k most frequent contacts
        order = np.lexsort((first, -count, watcher))
        starts = np.searchsorted(watcher[order], watcher[order], side="left")
        rank = np.arange(order.size) - starts
        kept = np.sort(order[rank < k])
        report["trimmed"] = int(order.size - kept.size)
        watcher, watched = watcher[kept], watched[kept]
        edge_scale, edge_chan = edge_scale[kept], edge_chan[kept]
    if parent is not None:  # formal edges where the pair has no contact edge
        child = np.flatnonzero(parent >= 0)
        fw = np.concatenate([child, parent[child]])
        fd = np.concatenate([parent[child], child])
        have = set((watcher * n + watched).tolist())
        new = np.array(
            [a * n + b not in have for a, b in zip(fw.tolist(), fd.tolist())], dtype=bool
        )
        watcher = np.concatenate([watcher, fw[new]])
        watched = np.concatenate([watched, fd[new]])
        edge_scale = np.concatenate([edge_scale, np.ones(int(new.sum()))])
        edge_chan = np.concatenate([edge_chan, np.full(int(new.sum()), FORMAL, dtype=np.int8)])
    order = np.argsort(watcher * n + watched, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(watcher, minlength=n), out=indptr[1:])
    mat = sp.csr_array((edge_scale[order], watched[order], indptr), shape=(n, n))
    out_ids = id_array(ids)
    org = Organisation(
        mat,
        channel=edge_chan[order],
        level=level,
        department=dept_codes,
        department_names=dept_names,
        manager=parent,
        ids=out_ids,
        name=name,
        time_unit=time_unit,
        _order=locality_order(mat),
    )
    return org, report
