"""Organisations from an HR export: a table of ``id, manager, department``."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..organisation import CHANNELS, Organisation, locality_order

__all__ = ["from_org_chart"]

FORMAL = CHANNELS.index("formal")


def _read(table) -> tuple[pd.DataFrame, str]:
    if isinstance(table, pd.DataFrame):
        return table.copy(), "table"
    if isinstance(table, (str, os.PathLike)):
        path = os.fspath(table)
        if not os.path.exists(path):
            raise ValueError(f"table: no such file {path!r}")
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False), path
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise ValueError(f"table: cannot read {path!r} as CSV ({err})") from None
    raise TypeError(f"table must be a CSV path or a pandas DataFrame, got {type(table).__name__}")


def _labels(col: pd.Series) -> list:
    """Normalise ids so 7, '7' and 7.0 name the same person; blanks become None."""
    out = []
    for v in col.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
            continue
        s = str(v).strip()
        if s == "" or s.lower() in ("nan", "none", "null"):
            out.append(None)
            continue
        try:
            f = float(s)
            out.append(int(f) if f.is_integer() else s)
        except ValueError:
            out.append(s)
    return out


def from_org_chart(table, *, id: str = "id", manager: str = "manager",
                   department: str = "department", name: str | None = "org chart",
                   time_unit: str = "hours") -> Organisation:
    """The hierarchy of a real organisation, from an org-chart table.

    Each row is a person: their ``id``, their ``manager``'s id (blank for the
    top; several tops are allowed) and their ``department``. Everyone watches
    their manager and their direct reports on the ``formal`` channel, as in
    :func:`swarm.hierarchy`. ``level`` is the depth below the top. The
    people keep their ids (``org.ids``); other columns are ignored.

    Parameters
    ----------
    table : str, path or pandas.DataFrame
        A CSV file (header row required) or a DataFrame.
    id, manager, department : str
        Column names.
    name : str, optional
        Name for tables and plots.
    time_unit : str, default "hours"

    Raises
    ------
    ValueError
        A missing column, a duplicate or blank id, a manager who is not in
        the table, someone managing themselves, or a cycle of managers.

    Examples
    --------
    >>> import pandas as pd, swarm
    >>> chart = pd.DataFrame({"id": ["ann", "bob", "cy"], "manager": ["", "ann", "ann"],
    ...                       "department": ["board", "sales", "sales"]})
    >>> org = swarm.from_org_chart(chart)
    >>> org.level.tolist(), org.department_names
    ([0, 1, 1], ('board', 'sales'))
    """
    df, where = _read(table)
    missing = [c for c in (id, manager, department) if c not in df.columns]
    if missing:
        raise ValueError(f"table {where!r} lacks column(s) {missing}; it needs {id!r}, "
                         f"{manager!r} and {department!r} (has {list(df.columns)})")
    if len(df) == 0:
        raise ValueError(f"table {where!r} has no people")
    ids = _labels(df[id])
    if any(i is None for i in ids):
        row = next(k for k, i in enumerate(ids) if i is None)
        raise ValueError(f"table {where!r}: row {row + 1} has a blank {id!r}")
    pos = {}
    for k, i in enumerate(ids):
        if i in pos:
            raise ValueError(f"table {where!r}: id {i!r} appears twice (rows {pos[i] + 1} "
                             f"and {k + 1})")
        pos[i] = k
    n = len(ids)
    parent = _parents(_labels(df[manager]), pos, ids, f"table {where!r}", id)
    level = _depths(parent, ids, where)
    dep_raw = ["" if d is None else str(d) for d in _labels(df[department])]
    names = sorted(set(dep_raw))
    code = {d: c for c, d in enumerate(names)}
    child = np.flatnonzero(parent >= 0)
    watcher = np.concatenate([child, parent[child]])
    watched = np.concatenate([parent[child], child])
    w = sp.csr_array((np.ones(watcher.size), (watcher, watched)), shape=(n, n))
    out_ids = np.array(ids, dtype=object)
    if all(isinstance(i, int) for i in ids):
        out_ids = np.array(ids, dtype=np.int64)
    return Organisation(w, channel=np.full(w.nnz, FORMAL, dtype=np.int8), level=level,
                        department=np.array([code[d] for d in dep_raw]),
                        department_names=names, manager=parent, ids=out_ids, name=name,
                        time_unit=time_unit, _order=locality_order(w))


def _parents(managers, pos: dict, ids: list, where: str, id_column: str) -> np.ndarray:
    """Each person's manager as a row index (-1: none), from manager labels.

    ``pos`` maps an id to its row; ``where`` starts every error message
    (e.g. ``"table 'chart.csv'"``).
    """
    parent = np.full(len(ids), -1, dtype=np.int64)
    for k, m in enumerate(managers):
        if m is None:
            continue
        if m not in pos:
            raise ValueError(f"{where}: the manager {m!r} of {ids[k]!r} is not in the "
                             f"{id_column!r} column (a missing manager)")
        if pos[m] == k:
            raise ValueError(f"{where}: {ids[k]!r} is their own manager")
        parent[k] = pos[m]
    return parent


def _depths(parent: np.ndarray, ids: list, where: str) -> np.ndarray:
    """Depth of everyone below their top; raises on a cycle of managers."""
    n = parent.size
    level = np.full(n, -1, dtype=np.int64)
    level[parent < 0] = 0
    for start in range(n):
        path = []
        k = start
        while level[k] < 0:
            path.append(k)
            k = parent[k]
            if len(path) > n:
                cycle = [ids[p] for p in path[-min(len(path), 5):]]
                raise ValueError(f"table {where!r}: managers form a cycle (through "
                                 f"{', '.join(map(repr, cycle))}); every chain must end at a "
                                 "person with a blank manager")
        base = level[k]
        for depth, p in enumerate(reversed(path), start=1):
            level[p] = base + depth
    return level
