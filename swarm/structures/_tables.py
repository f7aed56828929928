"""Reading real exports: one table reader for org charts, contacts, scenario files and the CLI.

HR systems export CSV with commas, semicolons or tabs, in UTF-8, UTF-8 with
a byte-order mark, Windows-1252 or Latin-1, or an Excel workbook; their
headings say ``Employee ID`` or ``Reports To`` rather than ``id`` and
``manager``. :func:`read_table` turns any of them (or a DataFrame) into a
DataFrame of text cells, and :func:`find_columns` finds the columns a
reader needs. Ids stay exactly as written: every cell of a file is text
(``"0012"`` stays ``"0012"``, ``"1E3"`` is not a thousand).

Errors name the file (or "the DataFrame"), the row and the column, and
what is allowed. They never quote the file's content: column names are
shown only once the file has been read as a table.
"""

from __future__ import annotations

import gzip
import io
import math
import numbers
import os
import re
import stat
import zipfile
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["ALIASES", "MAX_BYTES", "Source", "find_columns", "labels", "read_table"]

#: The largest file read (bytes): an org chart of a million people is far smaller.
MAX_BYTES = 256 * 2**20

#: Headings understood for each role, compared after :func:`_key` (case, spaces,
#: underscores, hyphens and dots ignored). Earlier entries win when several match.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "employeeid",
        "employeenumber",
        "employeeno",
        "empid",
        "empno",
        "personid",
        "personnelnumber",
        "personnelno",
        "staffid",
        "staffnumber",
        "workerid",
        "userid",
        "employee",
    ),
    "manager": (
        "manager",
        "managerid",
        "manageremployeeid",
        "managernumber",
        "supervisorid",
        "supervisor",
        "reportstoid",
        "reportsto",
        "linemanagerid",
        "linemanager",
        "bossid",
        "parentid",
    ),
    "department": (
        "department",
        "dept",
        "departmentname",
        "deptname",
        "orgunit",
        "organisationalunit",
        "organizationalunit",
        "organisationunit",
        "organizationunit",
        "unit",
        "division",
        "businessunit",
    ),
    "source": ("source", "sender", "from", "src", "fromid", "senderid"),
    "target": ("target", "recipient", "receiver", "to", "dst", "toid", "recipientid"),
}

_SEPARATORS = (",", ";", "\t", "|")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BLANK = ("", "nan", "none", "null", "n/a", "na")


class Source:
    """Where a table came from, for error messages: a file or "the DataFrame"."""

    def __init__(self, path: str | None):
        self.path = path

    def __str__(self) -> str:
        return "the DataFrame" if self.path is None else repr(self.path)

    def named(self, what: str = "table") -> str:
        """How an error starts: ``table 'chart.csv'``, ``the DataFrame``, ``the people ...``."""
        if self.path is None:
            return "the DataFrame" if what == "table" else f"the {what} DataFrame"
        return f"{what} {self.path!r}"

    def row(self, k: int, index=None) -> str:
        """The row of data record ``k`` (0-based) as a reader finds it.

        In a file the header is row 1, as a spreadsheet numbers it, so
        record ``k`` is row ``k + 2``; in a DataFrame it is its index label.
        """
        if self.path is None:
            label = k if index is None else index[k]
            return (
                f"row {label!r} (index)"
                if not isinstance(label, numbers.Integral)
                else f"row {label}"
            )
        return f"row {k + 2}"


def _key(name) -> str:
    """A heading for matching: lower case without spaces, underscores, hyphens or dots."""
    return re.sub(r"[\s_\-.]+", "", str(name)).lower()


def read_table(
    table,
    *,
    what: str = "table",
    sep: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int | None = None,
) -> tuple[pd.DataFrame, Source]:
    """A table from a file or a DataFrame, and where it came from.

    Parameters
    ----------
    table : str, path or pandas.DataFrame
        A CSV, TSV or TXT file (header row required, gzipped or not), an
        ``.xlsx`` workbook, or a DataFrame (used as it is, copied).
    what : str
        The argument's name, for errors (``"table"``, ``"people"``...).
    sep : str, optional
        The separator; by default detected among comma, semicolon, tab and
        pipe from the header row.
    encoding : str, optional
        By default: UTF-8 (with or without a byte-order mark), UTF-16 with a
        byte-order mark, else Windows-1252, else Latin-1.
    sheet : str or int, optional
        The worksheet of a workbook, by name or 0-based position; default
        the first.
    max_bytes : int, optional
        Refuse larger files (default :data:`MAX_BYTES`).

    Returns
    -------
    (DataFrame, Source)
        Every cell of a file is text (blank cells are ``""``).

    Examples
    --------
    >>> import pandas as pd
    >>> df, where = read_table(pd.DataFrame({"id": ["0012"]}))
    >>> df["id"].tolist(), str(where)
    (['0012'], 'the DataFrame')
    """
    if isinstance(table, pd.DataFrame):
        return table.copy(), Source(None)
    if not isinstance(table, (str, os.PathLike)):
        raise TypeError(
            f"{what} must be a file path (CSV, TSV, TXT or XLSX) or a pandas "
            f"DataFrame, got {type(table).__name__}"
        )
    path = os.fspath(table)
    limit = MAX_BYTES if max_bytes is None else int(max_bytes)
    data = _read_bytes(path, what, limit)
    where = Source(path)
    ext = os.path.splitext(path)[1].lower()
    if data[:2] == b"\x1f\x8b":  # gzip: an export compressed to travel
        data = _gunzip(data, path, what, limit)
        ext = os.path.splitext(os.path.splitext(path)[0])[1].lower() if ext == ".gz" else ext
    if data[:4] == b"PK\x03\x04" or ext in (".xlsx", ".xlsm"):
        df = _read_xlsx(data, path, what, sheet)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or ext == ".xls":
        raise ValueError(
            f"{what}: {path!r} is an old Excel .xls workbook, which is not read; "
            "save it as .xlsx or CSV"
        )
    else:
        if sheet is not None:
            raise ValueError(
                f"{what}: sheet={sheet!r} applies to .xlsx workbooks only, and "
                f"{path!r} is a text file"
            )
        df = _read_text(data, path, what, sep, encoding)
    if df.columns.size == 0:
        raise ValueError(
            f"{what}: {path!r} is empty; it needs a header row (the column "
            "names) and one row per record"
        )
    return df, where


def _read_bytes(path: str, what: str, limit: int) -> bytes:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ValueError(f"{what}: no such file {path!r}") from None
    except OSError as err:
        raise ValueError(f"{what}: cannot open {path!r} ({err.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ValueError(
            f"{what}: {path!r} is a directory; give the path of a CSV, TSV, TXT or XLSX file"
        )
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(
            f"{what}: {path!r} is not a regular file (a device, pipe or socket); "
            "give the path of a CSV, TSV, TXT or XLSX file"
        )
    if st.st_size > limit:
        raise ValueError(
            f"{what}: {path!r} is {st.st_size:,} bytes, more than the "
            f"{limit:,}-byte limit for a table"
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise ValueError(f"{what}: cannot read {path!r} ({err.strerror})") from None
    if len(data) > limit:  # it grew while we looked
        raise ValueError(f"{what}: {path!r} is more than the {limit:,}-byte limit for a table")
    return data


def _gunzip(data: bytes, path: str, what: str, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(limit + 1)
    except (OSError, EOFError):
        raise ValueError(f"{what}: {path!r} is a damaged gzip file") from None
    if len(out) > limit:
        raise ValueError(
            f"{what}: {path!r} unpacks to more than the {limit:,}-byte limit for a table"
        )
    return out


def _decode(data: bytes, path: str, what: str, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError:
            raise ValueError(
                f"{what}: encoding {encoding!r} is unknown; try 'utf-8', 'cp1252' or 'latin-1'"
            ) from None
        except UnicodeDecodeError as err:
            raise ValueError(
                f"{what}: {path!r} is not valid {encoding} (byte {err.start}); "
                "leave encoding=None to detect it, or try 'utf-8', 'cp1252' or "
                "'latin-1'"
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    if b"\x00" in data:
        raise ValueError(
            f"{what}: {path!r} holds binary data, not a text table; give a CSV, "
            "TSV, TXT or XLSX file"
        )
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def _sniff(text: str) -> str:
    """The separator: the candidate the header row holds most often, consistent below."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:50]
    if not lines:
        return ","
    head = _outside_quotes(lines[0])
    best, score = ",", (0, 0)
    for s in _SEPARATORS:
        n = head.count(s)
        if n == 0:
            continue
        same = sum(_outside_quotes(ln).count(s) == n for ln in lines[1:])
        if (same, n) > score:
            best, score = s, (same, n)
    return best


def _read_text(
    data: bytes, path: str, what: str, sep: str | None, encoding: str | None
) -> pd.DataFrame:
    text = _decode(data, path, what, encoding)
    if not text.strip():
        return pd.DataFrame()
    if sep is None:
        sep = _sniff(text)
    elif not isinstance(sep, str) or not sep:
        raise ValueError(f"sep must be a separator such as ',', ';' or '\\t', got {sep!r}")
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            engine="python" if len(sep) > 1 else "c",
        )
    except pd.errors.ParserError as err:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        detail = (
            f"line {m.group(2)} has {m.group(3)} fields where the header has {m.group(1)}"
            if m
            else "its rows do not line up with the header"
        )
        raise ValueError(
            f"{what}: cannot read {path!r} as a table separated by "
            f"{_SEP_NAMES.get(sep, repr(sep))}s: {detail}; check the "
            "separator (sep=) and quoting"
        ) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).upper()
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _read_xlsx(data: bytes, path: str, what: str, sheet) -> pd.DataFrame:
    try:
        import openpyxl
        import openpyxl.utils.exceptions
    except ImportError:  # pragma: no cover - a declared dependency
        raise ValueError(
            f"{what}: reading {path!r} needs openpyxl (pip install openpyxl)"
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        openpyxl.utils.exceptions.InvalidFileException,
    ):  # a damaged or foreign file
        raise ValueError(
            f"{what}: {path!r} is not a readable .xlsx workbook; save it again "
            "from Excel, or export it as CSV"
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            ws = book[names[0]]
        elif isinstance(sheet, numbers.Integral) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ValueError(
                    f"sheet: {path!r} has {len(names)} sheet(s) "
                    f"{names}; sheet={sheet} is out of range (0-based)"
                )
            ws = book[names[sheet]]
        elif isinstance(sheet, str):
            if sheet not in names:
                raise ValueError(f"sheet: {path!r} has no sheet {sheet!r}; its sheets are {names}")
            ws = book[sheet]
        else:
            raise TypeError(f"sheet must be a sheet name or a 0-based position, got {sheet!r}")
        rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return pd.DataFrame()
    header = rows[0]
    width = max(i + 1 for i, c in enumerate(header) if c.strip())
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return pd.DataFrame(body, columns=[c.strip() for c in header[:width]], dtype=str)


def find_columns(
    df: pd.DataFrame,
    where: Source,
    need: Mapping[str, str | None],
    optional: Sequence[str] = (),
    *,
    columns: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    what: str = "table",
) -> dict[str, str | None]:
    """The column of ``df`` that plays each role.

    ``need`` maps a role (``"id"``, ``"manager"``...) to the name the caller
    was given for it, or None for "find it". A given name (or one from
    ``columns``, which wins) is matched ignoring case, spaces and
    underscores; otherwise the headings in :data:`ALIASES` are tried.
    Roles in ``optional`` map to None when absent.
    """
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(need))
    if unknown:
        raise ValueError(
            f"columns: unknown role {unknown[0]!r}; the roles here are {', '.join(map(repr, need))}"
        )
    for role, col in columns.items():
        if not isinstance(col, str):
            raise TypeError(f"columns[{role!r}] must be a column name (a string), got {col!r}")
    if where.path is not None and df.columns.size < 2:
        # one column: not read as a table (wrong separator, or not a table at all); its
        # "heading" is the file's first line, which is not ours to show
        raise ValueError(
            f"{what}: {where} reads as a single column, not a table; a table "
            "has a header row with its columns separated by commas, semicolons, "
            "tabs or pipes (give sep= if it uses another separator)"
        )
    keyed: dict[str, list[str]] = {}
    for c in df.columns:
        keyed.setdefault(_key(c), []).append(c)
    found: dict[str, str | None] = {}
    missing = []
    for role, given in need.items():
        given = columns.get(role, given)
        if given is not None and (defaults or {}).get(role) != given:
            hits = keyed.get(_key(given), [])
            if not hits:
                raise ValueError(
                    f"{what}: {where} has no column {given!r} (for the {role}); "
                    f"its columns are {list(map(str, df.columns))}"
                )
            found[role] = hits[0]
            continue
        names = ((given,) if given is not None else ()) + ALIASES.get(role, (role,))
        hit = next((keyed[_key(a)][0] for a in names if _key(a) in keyed), None)
        if hit is None and role not in optional:
            missing.append(role)
        found[role] = hit
    if missing:
        roles = " and the ".join(missing)
        raise ValueError(
            f"{what}: {where} has no column for the {roles}; its columns are "
            f"{list(map(str, df.columns))}. Name "
            f"{'it' if len(missing) == 1 else 'them'} with columns="
            f"{{{', '.join(f'{r!r}: ...' for r in missing)}}} (or the CLI's "
            f"--{missing[0]}-column)"
        )
    return found


def _label(v):
    """One id as written: text stays text (stripped), whole numbers become ints; blank is None."""
    if v is None:
        return None
    if isinstance(v, str):
        s = v.strip()
        return None if s.lower() in _BLANK else s
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        if math.isnan(f):
            return None
        return int(f) if f.is_integer() else f
    return str(v).strip() or None


def labels(col: pd.Series) -> list:
    """The ids in a column, kept as written (see :func:`_label`); blanks are None.

    Examples
    --------
    >>> import pandas as pd
    >>> labels(pd.Series(["0012", "12E4", " 7 ", ""]))
    ['0012', '12E4', '7', None]
    >>> labels(pd.Series([10, None, 11.0]))
    [10, None, 11]
    """
    return [_label(v) for v in col.tolist()]


def position_lookup(ids: Sequence) -> dict:
    """Map each id to its row; a whole number written as text also finds its int twin."""
    pos = {}
    for r, i in enumerate(ids):
        pos.setdefault(i, r)
    return pos


def find(pos: Mapping, label):
    """The row of ``label`` in ``pos``, trying ``7`` for ``"7"`` and back; None if absent."""
    r = pos.get(label)
    if r is not None:
        return r
    if isinstance(label, str) and re.fullmatch(r"-?[1-9]\d*|0", label):
        return pos.get(int(label))
    if isinstance(label, int) and not isinstance(label, bool):
        return pos.get(str(label))
    return None
