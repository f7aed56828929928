"""The results store of sweeps: one SQLite file in WAL mode, one transaction per cell.

Why SQLite: a single file a user can copy, that needs nothing installed
(Python ships it), that commits each finished cell atomically and survives a
killed process (write-ahead log: a crash loses at most the cell being
written, never a committed one, and never leaves a half-written row), and
that a reader can query while a sweep writes. A Parquet dataset would need
one part file per cell to be as safe, and thousands of tiny files.

Layout: ``meta`` (format, what the sweep is: scenario, runs, seed, curve and
their hash, creation time, swarm version) and ``cells`` (one row per cell:
its key and axis values, the summary as JSON, the curve as float64 bytes,
and provenance: swarm version, scenario hash, the cell's seed, when it was
finished, its compute seconds and how many times it was computed).
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import os
import secrets
import socket
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._io import file_mode, remove_quietly
from .._version import __version__
from ._tables import SUMMARY, frame

__all__ = ["Store", "StoreError", "load"]

#: 2: canonical cell keys (1 and 1.0 are one cell) and a checksum per cell.
_FORMAT = 2
#: SQLite ``application_id`` of a swarm store ("SWRM"), read from the file header.
APPLICATION_ID = 0x5357524D
_HEADER = b"SQLite format 3\x00"


class StoreError(ValueError):
    """A store that cannot be used: not a swarm store, corrupt, or made by another scenario."""


def _version() -> str:
    return __version__


def _hash(identity: Mapping) -> str:
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _sqlite_problem(path: str, err: sqlite3.Error, doing: str) -> StoreError:
    """One clear StoreError for an SQLite failure (never an sqlite3 traceback)."""
    text = str(err)
    code = getattr(err, "sqlite_errorname", "") or ""
    if "full" in text or code == "SQLITE_FULL":
        why = (
            "the disk is full; every cell committed so far is kept: free space and run "
            "the sweep again to compute only the rest"
        )
    elif "disk I/O error" in text or code.startswith("SQLITE_IOERR"):
        why = (
            "a disk I/O error (a full disk, a file size limit or failing hardware); every "
            "cell committed so far is kept: fix it and run the sweep again"
        )
    elif "readonly" in text.replace("-", "").replace(" ", "") or code.startswith("SQLITE_READONLY"):
        why = "the location is read-only; give a store path you can write"
    elif "unable to open" in text or code.startswith("SQLITE_CANTOPEN"):
        why = "cannot open it for writing (a read-only place, a missing folder or no permission?)"
    elif "locked" in text or "busy" in text:
        why = "another process holds it locked for too long; try again"
    elif "malformed" in text or "not a database" in text:
        why = f"it is corrupt ({text}); it was left as it is"
    else:
        why = text
    return StoreError(f"store {path}: {doing}: {why}")


def _open_readonly(path: str) -> sqlite3.Connection:
    """A connection that only reads ``path``, seeing what its write-ahead log holds.

    Without a (non-empty) ``-wal`` file the main file is the whole store and
    is opened ``immutable`` (nothing is created beside it). With one, the
    log is read too (``mode=ro``): the committed cells since the last
    checkpoint live there, and the main file alone may be mid-checkpoint.
    """
    wal = path + "-wal"
    has_wal = os.path.exists(wal) and os.path.getsize(wal) > 0
    uri = "file:" + _uri_path(path) + ("?mode=ro" if has_wal else "?immutable=1")
    return sqlite3.connect(uri, uri=True, timeout=30.0)


def _check_file(path: str) -> tuple[str, dict]:
    """Refuse anything but an intact swarm store, reading only (never writing) the file.

    Returns the store's scenario hash and identity.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as err:
        raise StoreError(f"store {path}: cannot read it ({err.strerror})") from None
    if len(head) < 100 or not head.startswith(_HEADER):
        raise StoreError(
            f"store {path} is not a swarm results store (not an SQLite file"
            f"{', it is empty' if not head else ''}); give a new path"
        )
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        raise StoreError(
            f"store {path} is an SQLite database but not a swarm results store; give a new path"
        )
    try:
        con = _open_readonly(path)
        try:
            check = con.execute("PRAGMA quick_check").fetchall()
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError as err:
        raise StoreError(
            f"store {path} is corrupt or unreadable ({err}); it was left as it is"
        ) from None
    if check != [("ok",)]:
        raise StoreError(
            f"store {path} is corrupt (integrity check: {check[0][0]}); it was left as it is"
        )
    if meta.get("format") != str(_FORMAT) or "identity" not in meta:
        raise StoreError(
            f"store {path} has format {meta.get('format')}, this swarm reads "
            f"format {_FORMAT}; sweep into a new store"
        )
    try:
        return meta["scenario_hash"], json.loads(meta["identity"])
    except (KeyError, ValueError) as err:
        raise StoreError(
            f"store {path} is damaged: its description cannot be read ({type(err).__name__}: {err})"
        ) from None


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def _connect(path: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a committed cell survives a killed process; after a power
        # cut the last few commits may be rolled back, and are then simply recomputed
        con.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        con.close()
        raise
    return con


def _part_name(path: str) -> str:
    folder, base = os.path.split(os.path.abspath(path))
    return os.path.join(
        folder, f".{base}.{socket.gethostname()}.{os.getpid()}.{secrets.token_hex(4)}.part"
    )


def _remove_part(tmp: str) -> None:
    remove_quietly(tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal")


def _remove_stale_parts(path: str) -> None:
    """Remove part files of ``path`` left by killed processes of this host."""
    folder, base = os.path.split(os.path.abspath(path))
    prefix = f".{base}.{socket.gethostname()}."
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and ".part" in name):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            remove_quietly(os.path.join(folder, name))
        except OSError:  # alive, another user's: leave it
            pass


#: os.link errors that mean "no hard links on this file system", not a real failure.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


def _create(path: str, identity: Mapping) -> None:
    """Make a new store: built beside ``path``, then linked into place if still absent.

    ``os.link`` fails when ``path`` exists, so two processes creating the
    same store at once never replace a file the other already has open: one
    store wins, the other process uses it. The part file is removed on any
    failure (full disk, interrupt), and stale ones of killed processes on
    the next creation.
    """
    tmp = _part_name(path)
    try:
        os.makedirs(os.path.dirname(tmp), exist_ok=True)
        _remove_stale_parts(path)
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript("""
                BEGIN;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE cells (
                    key TEXT PRIMARY KEY, cell TEXT NOT NULL, summary TEXT NOT NULL,
                    curve BLOB, swarm_version TEXT NOT NULL, scenario_hash TEXT NOT NULL,
                    seed TEXT NOT NULL, finished TEXT NOT NULL, seconds REAL NOT NULL,
                    computes INTEGER NOT NULL DEFAULT 1, checksum TEXT NOT NULL);
                COMMIT;""")
            now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            with con:
                con.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [
                        ("format", str(_FORMAT)),
                        ("identity", json.dumps(identity, sort_keys=True)),
                        ("scenario_hash", _hash(identity)),
                        ("created", now),
                        ("swarm_version", _version()),
                    ],
                )
        finally:
            con.close()  # the last connection checkpoints: no -wal left beside the part
        os.chmod(tmp, file_mode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError as err:
            if err.errno not in _NO_LINKS:
                raise
            if not os.path.exists(path):  # a file system without hard links: rename, if
                os.rename(tmp, path)  # still absent (not race-free there)
    except sqlite3.Error as err:
        raise _sqlite_problem(path, err, "cannot create it") from None
    except OSError as err:
        raise StoreError(f"store {path}: cannot create it ({err.strerror or err})") from None
    finally:
        _remove_part(tmp)


def _checksum(key: str, cell: str, summary: str, curve: bytes | None, seed: str) -> str:
    """SHA-256 over everything a cell's numbers depend on, as stored."""
    h = hashlib.sha256()
    for part in (key, cell, summary, seed):
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    h.update(b"\x00" if curve is None else b"\x01" + bytes(curve))
    return h.hexdigest()


class Store:
    """An open results store. Use :meth:`open`; the sweep writes, :func:`load` reads.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "s.sqlite")
    >>> with Store.open(path, {"scenario": "demo"}) as db:
    ...     db.put({"key": "a", "values": {"x": 1}, "row": {"t50": 2.5}, "seconds": 0.1})
    ...     db.rows()
    {'a': {'x': 1, 't50': 2.5}}
    >>> Store.open(path, {"scenario": "other"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    swarm.experiments.store.StoreError: store ... was made by a different scenario ...
    """

    def __init__(self, path: str, con: sqlite3.Connection, scenario_hash: str):
        self.path, self._con, self.scenario_hash = path, con, scenario_hash
        self._version = _version()
        self.committed = 0  # cells this Store object committed

    @classmethod
    def check(cls, path, identity: Mapping[str, Any]) -> bool:
        """Whether a store for ``identity`` exists at ``path``; raise if it cannot be used.

        Reads only: a missing store is not created (see :meth:`open`).
        """
        path = os.fspath(path)
        if not os.path.exists(path):
            return False
        identity = json.loads(json.dumps(identity, sort_keys=True))
        want = _hash(identity)
        got, old = _check_file(path)
        if got != want:
            diff = _differences(old, identity)
            raise StoreError(
                f"store {path} was made by a different scenario (hash {got[:12]}, "
                f"this one {want[:12]}; they differ in {', '.join(diff)}); give "
                "a new store path or the scenario it was made with"
            )
        return True

    @classmethod
    def open(cls, path, identity: Mapping[str, Any]) -> Store:
        """Open the store at ``path`` for a sweep of ``identity``, creating it if missing.

        An existing file is first checked without being modified: it must be
        an intact swarm store made by the same identity (scenario, runs,
        seed, curve), else :class:`StoreError` is raised and it is left as
        it is. Several processes may create the same new store at once: one
        creation wins and all of them use it.
        """
        path = os.fspath(path)
        identity = json.loads(json.dumps(identity, sort_keys=True))
        if not cls.check(path, identity):
            _create(path, identity)
            cls.check(path, identity)
        try:
            con = _connect(path)
        except sqlite3.Error as err:
            raise _sqlite_problem(path, err, "cannot open it") from None
        return cls(path, con, _hash(identity))

    def rows(self, keys: Sequence[str] | None = None) -> dict[str, dict]:
        """Stored cells, key -> row (axis values and summary, ``curve`` if kept).

        Every cell's checksum is verified: a damaged or edited cell raises
        :class:`StoreError` naming it.
        """
        try:
            found = self._con.execute(
                "SELECT key, cell, summary, curve, seed, checksum FROM cells"
            ).fetchall()
        except sqlite3.Error as err:
            raise _sqlite_problem(self.path, err, "cannot read its cells") from None
        wanted = None if keys is None else set(keys)
        return {
            key: _verified_row(self.path, key, cell, summary, curve, seed, checksum)
            for key, cell, summary, curve, seed, checksum in found
            if wanted is None or key in wanted
        }

    def put(self, item: Mapping[str, Any]) -> None:
        """Commit one finished cell in its own transaction.

        A cell already stored keeps its numbers; its ``computes`` count goes up.
        """
        curve = item.get("curve")
        blob = None if curve is None else np.asarray(curve, dtype="<f8").tobytes()
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        cell = json.dumps(item["values"], sort_keys=True)
        summary = json.dumps(item["row"])
        seed = json.dumps(item.get("seed"))
        try:
            with self._con:
                self._con.execute("BEGIN IMMEDIATE")
                self._con.execute(
                    "INSERT INTO cells (key, cell, summary, curve, swarm_version, "
                    "scenario_hash, seed, finished, seconds, checksum) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET computes = computes + 1",
                    (
                        item["key"],
                        cell,
                        summary,
                        blob,
                        self._version,
                        self.scenario_hash,
                        seed,
                        now,
                        float(item["seconds"]),
                        _checksum(item["key"], cell, summary, blob, seed),
                    ),
                )
        except sqlite3.Error as err:
            raise _sqlite_problem(
                self.path,
                err,
                f"cell {item['key']} could not be "
                f"committed ({self.committed} committed by this run)",
            ) from None
        self.committed += 1

    def close(self) -> None:
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _verified_row(
    path: str, key: str, cell: str, summary: str, curve, seed: str, checksum: str
) -> dict:
    """A stored cell as a row, refused by name if its checksum or its JSON is wrong."""
    blob = None if curve is None else bytes(curve)
    if _checksum(key, cell, summary, blob, seed) != checksum:
        raise StoreError(
            f"store {path}: cell {key} fails its checksum (edited or damaged "
            "since it was written); delete that row or the store to recompute it"
        )
    try:
        return _row(cell, summary, blob)
    except ValueError as err:  # JSONDecodeError included: never re-built, named here
        raise StoreError(
            f"store {path}: cell {key} cannot be read ({type(err).__name__}: {err})"
        ) from None


def _row(cell: str, summary: str, curve) -> dict:
    row = {**json.loads(cell), **json.loads(summary)}
    if curve is not None:
        row["curve"] = np.frombuffer(curve, dtype="<f8").astype(np.float64)
    return row


def _differences(old: Mapping, new: Mapping, prefix: str = "") -> list[str]:
    """Dotted paths of the leaves in which two identities differ."""
    out = []
    for k in sorted(set(old) | set(new)):
        a, b = old.get(k), new.get(k)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out += _differences(a, b, f"{prefix}{k}.")
        elif a != b:
            out.append(f"{prefix}{k}")
    return out or ([] if prefix else ["how this swarm version describes it"])


def load(path, *, provenance: bool = False) -> pd.DataFrame:
    """The cells of a results store as a DataFrame, sorted by structure and axis values.

    Parameters
    ----------
    path : str or path-like
    provenance : bool, default False
        Add ``swarm_version``, ``scenario_hash``, ``finished`` (UTC),
        ``seconds`` (compute time) and ``computes`` (times computed) columns.

    Examples
    --------
    >>> import os, tempfile, swarm
    >>> path = os.path.join(tempfile.mkdtemp(), "store.sqlite")
    >>> sc = swarm.Scenario({"kind": "hierarchy", "n": 57})
    >>> _ = swarm.sweep(sc, {"model.p": [1.0, 0.5]}, runs=4, seed=1, store=path, progress=False)
    >>> swarm.load(path)["model.p"].tolist()
    [0.5, 1.0]
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise StoreError(f"store {path}: no such file")
    _, ident = _check_file(path)
    rows, prov = [], []
    try:
        con = _open_readonly(path)
        try:
            found = con.execute(
                "SELECT key, cell, summary, curve, seed, checksum, swarm_version, "
                "scenario_hash, finished, seconds, computes FROM cells"
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error as err:
        raise _sqlite_problem(path, err, "cannot read it") from None
    for key, cell, summary, curve, seed, checksum, *extra in found:
        rows.append(_verified_row(path, key, cell, summary, curve, seed, checksum))
        prov.append(
            dict(zip(("swarm_version", "scenario_hash", "finished", "seconds", "computes"), extra))
        )
    df = frame(rows, ident.get("curve"))
    if df.empty:
        return df
    if provenance:
        df = pd.concat([df, pd.DataFrame(prov)], axis=1)
    labels = list(ident["scenario"]["structures"])
    axes = [c for c in df.columns if c not in SUMMARY and c not in prov[0] and c != "curve"]
    order = df["structure"].map({lab: k for k, lab in enumerate(labels)})
    df = df.assign(_order=order).sort_values(["_order", *axes[1:]], kind="stable")
    return df.drop(columns="_order").reset_index(drop=True)
