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
import hashlib
import json
import os
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._io import atomic_path
from .._version import __version__
from ._tables import SUMMARY, frame

__all__ = ["Store", "StoreError", "load"]

_FORMAT = 1
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
        raise StoreError(f"store {path} is not a swarm results store (not an SQLite file"
                         f"{', it is empty' if not head else ''}); give a new path")
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
        raise StoreError(f"store {path} is an SQLite database but not a swarm results store; "
                         "give a new path")
    # immutable=1: no locks, no -wal/-shm files created, the file is only read
    uri = "file:" + _uri_path(path) + "?immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            check = con.execute("PRAGMA quick_check").fetchall()
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError as err:
        raise StoreError(f"store {path} is corrupt ({err}); it was left as it is") from None
    if check != [("ok",)]:
        raise StoreError(f"store {path} is corrupt (integrity check: {check[0][0]}); it was "
                         "left as it is")
    if meta.get("format") != str(_FORMAT) or "identity" not in meta:
        raise StoreError(f"store {path} has format {meta.get('format')}, this swarm reads "
                         f"format {_FORMAT}")
    return meta["scenario_hash"], json.loads(meta["identity"])


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def _connect(path: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a committed cell survives a killed process; after a power
    # cut the last few commits may be rolled back, and are then simply recomputed
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def _create(path: str, identity: Mapping) -> None:
    """Make a new store atomically: built beside ``path``, then renamed into place."""
    with atomic_path(path) as tmp:
        os.unlink(tmp)
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
                    computes INTEGER NOT NULL DEFAULT 1);
                COMMIT;""")
            now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            with con:
                con.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("format", str(_FORMAT)), ("identity", json.dumps(identity, sort_keys=True)),
                    ("scenario_hash", _hash(identity)), ("created", now),
                    ("swarm_version", _version())])
        finally:
            con.close()


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

    @classmethod
    def open(cls, path, identity: Mapping[str, Any]) -> Store:
        """Open the store at ``path`` for a sweep of ``identity``, creating it if missing.

        An existing file is first checked without being modified: it must be
        an intact swarm store made by the same identity (scenario, runs,
        seed, curve), else :class:`StoreError` is raised and it is left as
        it is.
        """
        path = os.fspath(path)
        identity = json.loads(json.dumps(identity, sort_keys=True))
        want = _hash(identity)
        if not os.path.exists(path):
            _create(path, identity)
        got, old = _check_file(path)
        if got != want:
            diff = _differences(old, identity)
            raise StoreError(f"store {path} was made by a different scenario (hash {got[:12]}, "
                             f"this one {want[:12]}; they differ in {', '.join(diff)}); give "
                             "a new store path or the scenario it was made with")
        return cls(path, _connect(path), want)

    def rows(self, keys: Sequence[str] | None = None) -> dict[str, dict]:
        """Stored cells, key -> row (axis values and summary, ``curve`` if kept)."""
        out = {}
        for key, cell, summary, curve in self._con.execute(
                "SELECT key, cell, summary, curve FROM cells"):
            out[key] = _row(cell, summary, curve)
        if keys is not None:
            wanted = set(keys)
            out = {k: v for k, v in out.items() if k in wanted}
        return out

    def put(self, item: Mapping[str, Any]) -> None:
        """Commit one finished cell in its own transaction.

        A cell already stored keeps its numbers; its ``computes`` count goes up.
        """
        curve = item.get("curve")
        blob = None if curve is None else np.asarray(curve, dtype="<f8").tobytes()
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
        with self._con:
            self._con.execute("BEGIN IMMEDIATE")
            self._con.execute(
                "INSERT INTO cells (key, cell, summary, curve, swarm_version, scenario_hash, "
                "seed, finished, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET computes = computes + 1",
                (item["key"], json.dumps(item["values"], sort_keys=True),
                 json.dumps(item["row"]), blob, self._version, self.scenario_hash,
                 json.dumps(item.get("seed")), now, float(item["seconds"])))

    def close(self) -> None:
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
    con = sqlite3.connect(path, timeout=30.0)
    try:
        con.execute("PRAGMA query_only=1")
        rows, prov = [], []
        for cell, summary, curve, *extra in con.execute(
                "SELECT cell, summary, curve, swarm_version, scenario_hash, finished, seconds, "
                "computes FROM cells"):
            rows.append(_row(cell, summary, curve))
            prov.append(dict(zip(("swarm_version", "scenario_hash", "finished", "seconds",
                                  "computes"), extra)))
    finally:
        con.close()
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
