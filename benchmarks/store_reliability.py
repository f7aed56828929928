"""What the reliability guarantees cost: a checksummed commit, reading it back, the preflights.

Side by side with the yardstick of a bare SQLite row (one ``INSERT`` per
transaction in WAL mode, no checksum, no canonical key): the ratios say
what the checksum, the canonical key and the error wrapping add per cell.
A sweep cell computes for tens of milliseconds, so the commit is a small
part of it either way (see benchmarks/sweep.py).

Run: ``PYTHONPATH=. python benchmarks/store_reliability.py``.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import timeit

import numpy as np

import swarm
from swarm import _memory
from swarm.experiments._cells import cell_key
from swarm.experiments.store import Store
from swarm.models.cascade import kernel_args

CELLS = 400


def _item(k: int) -> dict:
    values = {"structure": "networked", "model.p": 0.5 + k / 1000}
    row = {"agents": 2000, "runs": 100, **{f"m{j}": float(j) * 1.5 for j in range(19)}}
    return {
        "key": cell_key(values),
        "values": values,
        "row": row,
        "seed": [k, 1, 2, 3],
        "curve": np.linspace(0, 1, 97),
        "seconds": 0.1,
    }


_SERIAL = itertools.count()  # a fresh store file for every timed call


def store_puts(folder: str) -> float:
    path = os.path.join(folder, f"s{next(_SERIAL)}.sqlite")
    items = [_item(k) for k in range(CELLS)]
    with Store.open(path, {"scenario": "bench"}) as db:
        start = timeit.default_timer()
        for it in items:
            db.put(it)
        return (timeit.default_timer() - start) / CELLS


def bare_puts(folder: str) -> float:
    path = os.path.join(folder, f"b{next(_SERIAL)}.sqlite")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE cells (key TEXT PRIMARY KEY, cell TEXT, summary TEXT, curve BLOB)")
    items = [_item(k) for k in range(CELLS)]
    start = timeit.default_timer()
    for it in items:
        with con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT INTO cells VALUES (?, ?, ?, ?)",
                (
                    json.dumps(it["values"]),
                    json.dumps(it["values"]),
                    json.dumps(it["row"]),
                    it["curve"].tobytes(),
                ),
            )
    con.close()
    return (timeit.default_timer() - start) / CELLS


def store_reads(folder: str) -> tuple[float, float]:
    path = os.path.join(folder, "r.sqlite")
    with Store.open(path, {"scenario": "bench"}) as db:
        for k in range(CELLS):
            db.put(_item(k))
    with Store.open(path, {"scenario": "bench"}) as db:
        ours = min(timeit.repeat(db.rows, number=1, repeat=5)) / CELLS
    con = sqlite3.connect(path)

    def bare():
        return {
            k: (json.loads(c), json.loads(s), np.frombuffer(b))
            for k, c, s, b in con.execute("SELECT key, cell, summary, curve FROM cells")
        }

    bare_t = min(timeit.repeat(bare, number=1, repeat=5)) / CELLS
    con.close()
    return ours, bare_t


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ours = float(np.median([store_puts(folder) for _ in range(5)]))
        bare = float(np.median([bare_puts(folder) for _ in range(5)]))
        print(
            f"commit per cell: swarm store {ours * 1e3:.3f} ms, bare SQLite row "
            f"{bare * 1e3:.3f} ms, ratio {ours / bare:.2f}"
        )
        r_ours, r_bare = store_reads(folder)
        print(
            f"read per cell (checksum verified): {r_ours * 1e6:.1f} us, bare "
            f"{r_bare * 1e6:.1f} us, ratio {r_ours / r_bare:.2f}"
        )
    key = (
        min(
            timeit.repeat(
                lambda: cell_key({"structure": "x", "model.p": 1.0, "n": 7}), number=2000, repeat=5
            )
        )
        / 2000
    )
    print(f"canonical cell key: {key * 1e6:.2f} us")
    pre = (
        min(
            timeit.repeat(
                lambda: _memory.check_simulation(2000, 100, per_cell=16), number=200, repeat=5
            )
        )
        / 200
    )
    print(f"memory preflight (reads /proc/meminfo): {pre * 1e6:.1f} us per call")
    org, model = swarm.networked(20000, seed=1), swarm.Cascade()
    kernel_args(org, model)
    ka = min(timeit.repeat(lambda: kernel_args(org, model), number=20, repeat=5)) / 20
    res = min(
        timeit.repeat(lambda: swarm.simulate(org, model, runs=100, seed=1), number=1, repeat=3)
    )
    print(
        f"kernel_args with the overflow bound (20000 agents): {ka * 1e3:.3f} ms; one "
        f"simulate of 100 runs {res * 1e3:.0f} ms (ratio {ka / res:.4f})"
    )


if __name__ == "__main__":
    main()
