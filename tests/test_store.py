"""The results store: resume after SIGKILL, refuse foreign or corrupt files untouched."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm.experiments.scenario_file import read_scenario
from swarm.experiments.store import APPLICATION_ID, StoreError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

KILL_TOML = """
name = "killed"
runs = 24
seed = 99
curve = [0.0, 2.0, 4.0, 8.0]

[structures.networked]
n = 800
departments = 4

[model]
latency = { law = "exponential", mean = 1.0 }

[grid]
"model.p" = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
"structure.k" = [5, 7]
"model.latency.mean" = [1.0, 2.0]
"""


def _count(path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM cells").fetchone()[0]
    finally:
        con.close()


def _snapshot(path):
    st = os.stat(path)
    with open(path, "rb") as fh:
        return fh.read(), st.st_mtime_ns, sorted(os.listdir(os.path.dirname(path)))


# The child runs the command line with one change: its store connection
# SIGKILLs the process when a transaction that wrote cells is about to
# commit and KILL_AFTER such commits have already gone through, so that
# transaction's rows are written but not committed. No clock, no polling:
# the kill lands at the same place every time. (A store that split a cell
# over two transactions would be caught with half a cell committed.)
KILL_CHILD = """
import os, signal, sys
from swarm.experiments import store
from swarm.cli import main

KILL_AFTER = int(sys.argv[1])
real = store._connect

def connect(path):
    con = real(path)
    state = {"dirty": False, "commits": 0}
    def trace(sql):
        if sql.startswith(("INSERT INTO cells", "UPDATE cells")):
            state["dirty"] = True
        elif sql == "COMMIT" and state["dirty"]:
            if state["commits"] == KILL_AFTER:
                os.kill(os.getpid(), signal.SIGKILL)
            state["commits"] += 1
            state["dirty"] = False
    con.set_trace_callback(trace)
    return con

store._connect = connect
sys.exit(main(sys.argv[2:]))
"""


def test_a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_table(tmp_path):
    toml = tmp_path / "killed.toml"
    toml.write_text(KILL_TOML)
    store = tmp_path / "killed.sqlite"
    args = ["sweep", str(toml), "--store", str(store), "--quiet"]
    cmd = [sys.executable, "-m", "swarm", *args]
    env = {**os.environ, "PYTHONPATH": ROOT}
    proc = subprocess.run(
        [sys.executable, "-c", KILL_CHILD, "4", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    killed_at = datetime.datetime.now(datetime.UTC)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # four cells committed; the fifth was written but never committed, and is not seen
    before = _count(store)
    assert before == 4
    assert len(swarm.load(store)) == 4
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "24 cells" in done.stdout
    resumed = swarm.load(store, provenance=True)
    sf = read_scenario(toml)
    expect = swarm.sweep(
        sf.scenario,
        sf.grid,
        sf.runs,
        sf.seed,
        store=tmp_path / "once.sqlite",
        curve=sf.curve,
        progress=False,
    )
    # no cell computed twice: each committed once, the resumed run did only the rest
    assert len(resumed) == 24 and (resumed["computes"] == 1).all()
    after = pd.to_datetime(resumed["finished"]) > killed_at
    assert after.sum() == 24 - before
    pd.testing.assert_frame_equal(
        resumed.drop(columns=["swarm_version", "scenario_hash", "finished", "seconds", "computes"]),
        swarm.load(tmp_path / "once.sqlite"),
        check_exact=True,
    )
    # and the table the API returns from the resumed store is the uninterrupted one
    again = swarm.sweep(
        sf.scenario, sf.grid, sf.runs, sf.seed, store=store, curve=sf.curve, progress=False
    )
    pd.testing.assert_frame_equal(again, expect, check_exact=True)
    assert (swarm.load(store, provenance=True)["computes"] == 1).all()


def _made_store(tmp_path, p=0.7):
    sc = swarm.Scenario({"kind": "hierarchy", "n": 100}, model=swarm.Cascade(p=p))
    path = tmp_path / "made" / "store.sqlite"
    swarm.sweep(
        sc, {"structure.span": [2, 3, 4, 5, 6, 7]}, runs=4, seed=1, store=path, progress=False
    )
    return sc, path


def test_a_store_made_by_another_scenario_is_refused_untouched(tmp_path, capsys):
    sc, path = _made_store(tmp_path)
    snap = _snapshot(path)
    other = swarm.Scenario({"kind": "hierarchy", "n": 100}, model=swarm.Cascade(p=0.8))
    with pytest.raises(StoreError, match=r"different scenario .* differ in scenario\.model\.p"):
        swarm.sweep(other, {"structure.span": [2]}, runs=4, seed=1, store=path, progress=False)
    for runs, seed, what in ((5, 1, "runs"), (4, 2, "seed")):
        with pytest.raises(StoreError, match=f"differ in {what}"):
            swarm.sweep(
                sc, {"structure.span": [2]}, runs=runs, seed=seed, store=path, progress=False
            )
    assert _snapshot(path) == snap
    # the same scenario is welcome, and computes nothing new
    swarm.sweep(sc, {"structure.span": [2, 3]}, runs=4, seed=1, store=path, progress=False)
    assert (swarm.load(path, provenance=True)["computes"] == 1).all()


def _corrupt_middle(path):
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(0)
    page = 4096
    assert len(data) >= 3 * page
    data[page : 2 * page] = rng.integers(0, 256, page, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))


def _foreign_sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE people (id INTEGER, name TEXT)")
    con.execute("INSERT INTO people VALUES (1, 'ann')")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "damage, message",
    [
        (_corrupt_middle, "is corrupt"),
        (lambda p: p.write_bytes(p.read_bytes()[:6000]), "is corrupt"),
        (lambda p: p.write_text("id,manager\n1,\n"), "not an SQLite file"),
        (lambda p: p.write_bytes(b""), "it is empty"),
        (lambda p: (p.unlink(), _foreign_sqlite(p)), "not a swarm results store"),
    ],
)
def test_a_corrupt_or_foreign_file_is_refused_untouched(tmp_path, damage, message):
    sc, path = _made_store(tmp_path)
    damage(path)
    snap = _snapshot(path)
    with pytest.raises(StoreError, match=message):
        swarm.sweep(sc, {"structure.span": [2]}, runs=4, seed=1, store=path, progress=False)
    with pytest.raises(StoreError, match=message):
        swarm.load(path)
    assert _snapshot(path) == snap


def test_the_command_line_refuses_a_foreign_store_in_one_line(tmp_path):
    _, path = _made_store(tmp_path)
    snap = _snapshot(path)
    toml = tmp_path / "other.toml"
    toml.write_text('runs = 2\n[structures.hierarchy]\nn = 30\n[grid]\n"model.p" = [0.5]\n')
    proc = subprocess.run(
        [sys.executable, "-m", "swarm", "sweep", str(toml), "--store", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "different scenario" in proc.stderr
    assert _snapshot(path) == snap


def test_a_store_keeps_provenance_and_is_created_atomically(tmp_path):
    sc, path = _made_store(tmp_path)
    with open(path, "rb") as fh:
        head = fh.read(100)
    assert int.from_bytes(head[68:72], "big") == APPLICATION_ID
    assert head[18:20] == b"\x02\x02"  # WAL mode, recorded in the file itself
    df = swarm.load(path, provenance=True)
    assert df["structure.span"].tolist() == [2, 3, 4, 5, 6, 7]
    assert set(df["swarm_version"]) == {swarm.__version__}
    assert df["scenario_hash"].nunique() == 1 and df["scenario_hash"].iloc[0].isalnum()
    assert (df["seconds"] > 0).all() and df["finished"].str.endswith("+00:00").all()
    con = sqlite3.connect(path)
    seeds = [r[0] for r in con.execute("SELECT seed FROM cells")]
    con.close()
    assert len(set(seeds)) == 6  # each cell its own stream
    # nothing but the store (no temporary files) is left in its folder
    assert sorted(os.listdir(path.parent)) == ["store.sqlite"]
    with pytest.raises(StoreError, match="no such file"):
        swarm.load(tmp_path / "missing.sqlite")


def test_a_copied_store_resumes_like_the_original(tmp_path):
    sc, path = _made_store(tmp_path)
    copy = tmp_path / "copy.sqlite"
    shutil.copy(path, copy)
    a = swarm.sweep(sc, {"structure.span": [2, 3, 9]}, runs=4, seed=1, store=copy, progress=False)
    b = swarm.sweep(sc, {"structure.span": [2, 3, 9]}, runs=4, seed=1, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_cell_written_twice_keeps_its_numbers_and_counts_the_computes(tmp_path):
    from swarm.experiments.store import Store

    item = {
        "key": "k",
        "values": {"structure": "x"},
        "row": {"t50": 1.5},
        "seconds": 0.2,
        "curve": np.array([0.0, 0.5, 1.0]),
    }
    with Store.open(tmp_path / "s.sqlite", {"scenario": "t"}) as db:
        db.put(item)
        db.put({**item, "row": {"t50": 9.0}})
        row = db.rows()["k"]
    assert row["t50"] == 1.5 and row["curve"].tolist() == [0.0, 0.5, 1.0]
    con = sqlite3.connect(tmp_path / "s.sqlite")
    assert con.execute("SELECT computes FROM cells").fetchone()[0] == 2
    con.close()
