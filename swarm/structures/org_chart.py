"""Organisations from an HR export: a table of ``id, manager, department``."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..organisation import CHANNELS, Organisation, locality_order
from ._tables import Source, find, find_columns, labels, position_lookup, read_table

__all__ = ["NO_DEPARTMENT", "from_org_chart"]

FORMAL = CHANNELS.index("formal")

#: The department of people whose department cell is blank.
NO_DEPARTMENT = "(no department)"

_DEFAULTS = {"id": "id", "manager": "manager", "department": "department"}


def from_org_chart(
    table,
    *,
    columns: dict | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    id: str = "id",
    manager: str = "manager",
    department: str = "department",
    name: str | None = "org chart",
    time_unit: str = "hours",
) -> Organisation:
    """The hierarchy of a real organisation, from an org-chart export.

    Each row is a person: their ``id``, their ``manager``'s id (blank for the
    top) and their ``department``. Everyone watches their manager and their
    direct reports on the ``formal`` channel, as in :func:`swarm.hierarchy`.
    ``level`` is the depth below the top. The people keep their ids exactly
    as written (``org.ids``: ``"0012"`` stays ``"0012"``; surrounding spaces
    are dropped); other columns are ignored.

    Real exports are read as they come: CSV, TSV or TXT with the separator
    detected (comma, semicolon, tab or pipe), in UTF-8 (with or without a
    byte-order mark), Windows-1252 or Latin-1, or an ``.xlsx`` workbook.
    Headings are matched ignoring case, spaces and underscores, and the
    usual ones are understood (``Employee ID``, ``Manager ID``,
    ``Supervisor``, ``Reports To``, ``Department``, ``Dept``, ``Org Unit``...;
    see ``swarm.structures._tables.ALIASES``).

    Accepted with one :class:`UserWarning` each: people with a blank
    department (grouped as ``"(no department)"``), and several tops
    (people with a blank manager: separate trees between which news cannot
    pass through the chain of command; the tops are named).

    Parameters
    ----------
    table : str, path or pandas.DataFrame
        A file (header row required) or a DataFrame.
    columns : dict, optional
        The columns by role, e.g. ``{"id": "Personnel number", "manager":
        "Line manager no", "department": "Cost centre"}``; wins over ``id``,
        ``manager`` and ``department``.
    sep, encoding : str, optional
        Override the detected separator or encoding.
    sheet : str or int, optional
        The worksheet of an ``.xlsx`` file (name or 0-based position).
    id, manager, department : str
        Column names (by default found among the usual headings).
    name : str, optional
        Name for tables and plots.
    time_unit : str, default "hours"

    Raises
    ------
    ValueError
        Naming the file (or "the DataFrame"), the row and the column: a
        file that cannot be read as a table (not a regular file, too large,
        empty, only a header), a missing column, a duplicate or blank id, a
        manager who is not in the table, someone managing themselves, or a
        cycle of managers.

    Examples
    --------
    >>> import pandas as pd, swarm
    >>> chart = pd.DataFrame({"Employee ID": ["0012", "0013", "0014"],
    ...                       "Reports To": ["", "0012", "0012"],
    ...                       "Dept": ["board", "sales", "sales"]})
    >>> org = swarm.from_org_chart(chart)
    >>> org.ids.tolist(), org.level.tolist(), org.department_names
    (['0012', '0013', '0014'], [0, 1, 1], ('board', 'sales'))
    """
    df, src = read_table(table, what="table", sep=sep, encoding=encoding, sheet=sheet)
    cols = find_columns(
        df,
        src,
        {"id": id, "manager": manager, "department": department},
        columns=columns,
        defaults=_DEFAULTS,
        what="from_org_chart",
    )
    where = src.named()
    if len(df) == 0:
        raise ValueError(
            f"{where} has a header row but no people; it needs one row per person"
            if src.path is not None
            else f"{where} has no people"
        )
    ids = people_ids(df, cols["id"], src, where)
    pos = position_lookup(ids)
    n = len(ids)
    parent = _parents(labels(df[cols["manager"]]), pos, ids, where, cols["manager"], src, df.index)
    level = _depths(parent, ids, where)
    dep_raw = department_labels(
        df[cols["department"]], src, df.index, "from_org_chart", cols["department"]
    )
    warn_tops(parent, ids, src, "from_org_chart")
    names = sorted(set(dep_raw))
    code = {d: c for c, d in enumerate(names)}
    child = np.flatnonzero(parent >= 0)
    watcher = np.concatenate([child, parent[child]])
    watched = np.concatenate([parent[child], child])
    w = sp.csr_array((np.ones(watcher.size), (watcher, watched)), shape=(n, n))
    return Organisation(
        w,
        channel=np.full(w.nnz, FORMAL, dtype=np.int8),
        level=level,
        department=np.array([code[d] for d in dep_raw]),
        department_names=names,
        manager=parent,
        ids=id_array(ids),
        name=name,
        time_unit=time_unit,
        _order=locality_order(w),
    )


def id_array(ids: list) -> np.ndarray:
    """Ids as an array: int64 when all are ints, else objects (text kept as written)."""
    if ids and all(isinstance(i, int) for i in ids):
        return np.array(ids, dtype=np.int64)
    return np.array(ids + [None], dtype=object)[:-1]


def people_ids(df: pd.DataFrame, column: str, src: Source, where: str) -> list:
    """The id column as labels; a blank or repeated id is an error naming the rows."""
    ids = labels(df[column])
    pos: dict = {}
    for k, i in enumerate(ids):
        if i is None:
            raise ValueError(
                f"{where}: {src.row(k, df.index)}, column {column!r}: the id is "
                "blank; every person needs an id"
            )
        if i in pos:
            raise ValueError(
                f"{where}: column {column!r}: id {i!r} appears twice "
                f"({src.row(pos[i], df.index)} and {src.row(k, df.index)}); ids "
                "must be unique"
            )
        pos[i] = k
    return ids


def department_labels(col: pd.Series, src: Source, index, who: str, column: str) -> list[str]:
    """Department names as text; blanks become :data:`NO_DEPARTMENT`, with one warning."""
    raw = labels(col)
    blank = [k for k, d in enumerate(raw) if d is None]
    if blank:
        rows = ", ".join(src.row(k, index).removeprefix("row ") for k in blank[:5])
        more = f" and {len(blank) - 5} more" if len(blank) > 5 else ""
        warnings.warn(
            f"{who}: {len(blank)} of {len(raw)} people in {src} have a blank "
            f"{column!r} (rows {rows}{more}); they are grouped as the department "
            f"{NO_DEPARTMENT!r}",
            UserWarning,
            stacklevel=3,
        )
    return [NO_DEPARTMENT if d is None else str(d) for d in raw]


def warn_tops(parent: np.ndarray, ids: list, src: Source, who: str) -> None:
    """One warning when the chart has several tops: separate trees, news cannot cross."""
    tops = np.flatnonzero(parent < 0)
    if tops.size < 2:
        return
    root = np.arange(parent.size)
    while True:  # pointer jumping to each person's top (no cycles: _depths checked)
        up = np.where(parent[root] >= 0, parent[root], root)
        if np.array_equal(up, root):
            break
        root = up
    size = np.bincount(root, minlength=parent.size)
    order = tops[np.argsort(-size[tops], kind="stable")]
    named = ", ".join(
        f"{ids[t]!r} ({size[t]} {'person' if size[t] == 1 else 'people'})"
        for t in order[:5].tolist()
    )
    more = f" and {tops.size - 5} more" if tops.size > 5 else ""
    warnings.warn(
        f"{who}: {src} has {tops.size} tops (people with a blank manager): "
        f"{named}{more}; they head separate trees, and news cannot pass between "
        "them through the chain of command",
        UserWarning,
        stacklevel=3,
    )


def _parents(
    managers, pos: dict, ids: list, where: str, column: str, src: Source, index
) -> np.ndarray:
    """Each person's manager as a row index (-1: none), from manager labels.

    ``pos`` maps an id to its row; ``where`` starts every error message
    (e.g. ``"table 'chart.csv'"``).
    """
    parent = np.full(len(ids), -1, dtype=np.int64)
    for k, m in enumerate(managers):
        if m is None:
            continue
        r = find(pos, m)
        if r is None:
            raise ValueError(
                f"{where}: {src.row(k, index)}, column {column!r}: the manager "
                f"{m!r} of {ids[k]!r} is not in the table (a missing manager); "
                "a manager must have a row of their own, and the top a blank "
                "manager"
            )
        if r == k:
            raise ValueError(
                f"{where}: {src.row(k, index)}, column {column!r}: {ids[k]!r} "
                "is their own manager; leave the top's manager blank"
            )
        parent[k] = r
    return parent


def _depths(parent: np.ndarray, ids: list, where: str) -> np.ndarray:
    """Depth of everyone below their top; raises on a cycle of managers."""
    n = parent.size
    level = np.full(n, -1, dtype=np.int64)
    level[parent < 0] = 0
    for start in range(n):
        path: list[int] = []
        on_path: set[int] = set()
        k = start
        while level[k] < 0:
            if k in on_path:
                cycle = [ids[p] for p in path[path.index(k) :]]
                shown = ", ".join(map(repr, cycle[:5])) + (", ..." if len(cycle) > 5 else "")
                raise ValueError(
                    f"{where}: managers form a cycle (through {shown}); every "
                    "chain must end at a person with a blank manager"
                )
            path.append(k)
            on_path.add(k)
            k = parent[k]
        base = level[k]
        for depth, p in enumerate(reversed(path), start=1):
            level[p] = base + depth
    return level
