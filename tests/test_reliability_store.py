"""The store keeps every committed cell: concurrent creation, full disks, keys, checksums.

Each test here failed on the code before the fix it guards (checked by
running it against the previous commit).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

import swarm
from swarm.experiments._cells import cell_key
from swarm.experiments.store import Store, StoreError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDENTITY = {"scenario": {"name": "race", "structures": {"x": {}}}, "runs": 1}
TRIALS = 20
WORKERS = 3
CELLS = 4


def _creator(folder: str, worker: int, barrier) -> None:
    """One process: create and fill each trial's store at the same moment as the others."""
    for trial in range(TRIALS):
        barrier.wait(timeout=120)
        with Store.open(os.path.join(folder, f"s{trial}.sqlite"), IDENTITY) as db:
            for c in range(CELLS):
                db.put(
                    {
                        "key": f"w{worker}c{c}",
                        "values": {"w": worker, "c": c},
                        "row": {"t50": worker + c / 10},
                        "seconds": 0.0,
                    }
                )


def test_processes_creating_the_same_new_store_at_once_lose_no_cell(tmp_path):
    # spawn, not fork: the children import swarm afresh, as separate sweeps would
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    procs = [ctx.Process(target=_creator, args=(str(tmp_path), w, barrier)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    assert [p.exitcode for p in procs] == [0] * WORKERS
    want = sorted(f"w{w}c{c}" for w in range(WORKERS) for c in range(CELLS))
    for trial in range(TRIALS):
        path = tmp_path / f"s{trial}.sqlite"
        con = sqlite3.connect(path)
        keys = [k for (k,) in con.execute("SELECT key FROM cells ORDER BY key")]
        computes = {c for (c,) in con.execute("SELECT computes FROM cells")}
        con.close()
        assert keys == want, f"trial {trial}: store holds {keys}"
        assert computes == {1}
    # nothing but the stores is left: no part files of the losing creations
    assert all(not n.endswith((".part", "-journal")) for n in os.listdir(tmp_path))


GRIDS = ([0.5, 0.6, 0.7, 0.8], [0.9, 1.0])  # the disjoint grids


def _sweeper(folder: str, worker: int, barrier) -> None:
    """One process: the same scenario into each trial's new store, its own part of the grid."""
    sc = swarm.Scenario({"kind": "hierarchy", "n": 20}, name="race")
    for trial in range(TRIALS):
        barrier.wait(timeout=120)
        swarm.sweep(
            sc,
            {"model.p": GRIDS[worker]},
            runs=1,
            seed=3,
            store=os.path.join(folder, f"t{trial}.sqlite"),
            progress=False,
        )


def test_two_sweeps_into_the_same_new_store_keep_every_cell(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_sweeper, args=(str(tmp_path), w, barrier)) for w in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    assert [p.exitcode for p in procs] == [0, 0]
    for trial in range(TRIALS):
        df = swarm.load(tmp_path / f"t{trial}.sqlite", provenance=True)
        assert df["model.p"].tolist() == GRIDS[0] + GRIDS[1], f"trial {trial}"
        assert (df["computes"] == 1).all()


def test_one_and_one_point_zero_are_the_same_cell(tmp_path):
    sc = swarm.Scenario({"kind": "hierarchy", "n": 40})
    path = tmp_path / "s.sqlite"
    a = swarm.sweep(sc, {"model.p": [0.9, 1]}, runs=3, seed=1, store=path, progress=False)
    b = swarm.sweep(sc, {"model.p": [0.9, 1.0]}, runs=3, seed=1, store=path, progress=False)
    df = swarm.load(path, provenance=True)
    assert len(df) == 2 and (df["computes"] == 1).all()
    assert a["t50"].tolist() == b["t50"].tolist()
    assert b["model.p"].tolist() == [0.9, 1.0]
    with pytest.raises(ValueError, match="holds a value twice"):
        swarm.sweep(sc, {"model.p": [1, 1.0]}, runs=3, seed=1, progress=False)
    assert cell_key({"p": np.float64(2.0)}) == cell_key({"p": 2})
    assert cell_key({"p": -0.0}) == cell_key({"p": 0})
    assert cell_key({"p": True}) != cell_key({"p": 1})


def _made(tmp_path):
    sc = swarm.Scenario({"kind": "hierarchy", "n": 40}, name="s")
    path = tmp_path / "s.sqlite"
    swarm.sweep(sc, {"model.p": [0.5, 1.0]}, runs=3, seed=1, store=path, progress=False)
    return sc, path


def test_a_tampered_cell_is_refused_by_name(tmp_path):
    sc, path = _made(tmp_path)
    con = sqlite3.connect(path)
    key, summary = con.execute("SELECT key, summary FROM cells WHERE key LIKE '%0.5%'").fetchone()
    row = json.loads(summary)
    row["agents"] += 20  # one number edited, the JSON still valid
    con.execute("UPDATE cells SET summary = ? WHERE key = ?", (json.dumps(row), key))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match=r"cell .*0\.5.* fails its checksum"):
        swarm.load(path)
    with pytest.raises(StoreError, match="fails its checksum"):
        swarm.sweep(sc, {"model.p": [0.5, 1.0]}, runs=3, seed=1, store=path, progress=False)


def test_a_damaged_json_cell_is_one_store_error_not_a_rebuilt_decoder_error(tmp_path):
    from swarm.experiments import store as store_module

    _, path = _made(tmp_path)
    con = sqlite3.connect(path)
    key, cell, curve, seed = con.execute("SELECT key, cell, curve, seed FROM cells").fetchone()
    bad = '{"t50": 1.5,'  # cut short, with a checksum that matches (a bug, not an edit)
    con.execute(
        "UPDATE cells SET summary = ?, checksum = ? WHERE key = ?",
        (bad, store_module._checksum(key, cell, bad, curve, seed), key),
    )
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="cannot be read .*JSONDecodeError"):
        swarm.load(path)
    toml = tmp_path / "s.toml"
    toml.write_text(
        'name = "s"\nruns = 3\nseed = 1\n[structures.hierarchy]\nn = 40\n'
        '[grid]\n"model.p" = [0.5, 1.0]\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "swarm", "sweep", str(toml), "--store", str(path), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "cannot be read" in proc.stderr


def test_sqlite_errors_are_one_store_error(tmp_path):
    sc, path = _made(tmp_path)
    os.chmod(tmp_path, 0o555)
    try:
        if os.access(tmp_path, os.W_OK) and os.geteuid() == 0:
            # root ignores permissions: make the folder read-only by a read-only bind mount
            ro = tmp_path.parent / (tmp_path.name + "-ro")
            ro.mkdir()
            if (
                subprocess.run(
                    ["mount", "--bind", "-o", "ro", str(tmp_path), str(ro)],
                    capture_output=True,
                    check=False,
                ).returncode
                != 0
            ):
                pytest.skip("cannot make a read-only folder as root here (mount refused)")
            try:
                _sweep_read_only(sc, ro / "s.sqlite", ro / "new.sqlite")
            finally:
                subprocess.run(["umount", "-l", str(ro)], check=True)
        else:
            _sweep_read_only(sc, path, tmp_path / "new.sqlite")
    finally:
        os.chmod(tmp_path, 0o755)


def _sweep_read_only(sc, existing, new):
    # reading a finished store works in a read-only place
    assert len(swarm.load(existing)) == 2
    # adding a cell, or creating a store, is one StoreError, not an sqlite3 traceback
    with pytest.raises(StoreError, match="read-only|cannot write|cannot create|cannot open"):
        swarm.sweep(sc, {"model.p": [0.7]}, runs=3, seed=1, store=existing, progress=False)
    with pytest.raises(StoreError, match="cannot write|cannot create"):
        swarm.sweep(sc, {"model.p": [0.7]}, runs=3, seed=1, store=new, progress=False)


FULL_TOML = """
name = "full"
runs = 2
seed = 5
curve = true

[structures.hierarchy]
n = 30

[grid]
"model.p" = [0.40, 0.42, 0.44, 0.46, 0.48, 0.50, 0.52, 0.54, 0.56, 0.58,
             0.60, 0.62, 0.64, 0.66, 0.68, 0.70, 0.72, 0.74, 0.76, 0.78,
             0.80, 0.82, 0.84, 0.86, 0.88, 0.90, 0.92, 0.94, 0.96, 0.98]
"""


def _sweep_cli(toml, store, limit=None):
    def cap():  # the fallback fault: no file may grow past `limit` bytes
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "swarm", "sweep", str(toml), "--store", str(store), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "PYTHONPATH": ROOT},
        preexec_fn=cap if limit else None,
    )


def _stored(store):
    # read as load does (write-ahead log included), without changing the store
    return swarm.load(store, provenance=True)


@pytest.mark.parametrize("fault", ["tmpfs", "file-size-limit"])
def test_a_sweep_stopped_by_a_full_disk_resumes_keeping_every_committed_cell(tmp_path, fault):
    toml = tmp_path / "full.toml"
    toml.write_text(FULL_TOML)
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = False
    if fault == "tmpfs":
        if (
            os.geteuid() != 0
            or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
                capture_output=True,
                check=False,
            ).returncode
            != 0
        ):
            pytest.skip(
                "mounting a small tmpfs was refused (needs root); the file-size-limit "
                "case covers the same path"
            )
        mounted = True
    try:
        store = disk / "full.sqlite"
        filler = disk / "filler"
        if mounted:  # leave room for a handful of cells only
            with open(filler, "wb") as fh:
                try:
                    fh.write(b"\0" * (1024 * 1024 - 160 * 1024))
                except OSError:
                    pass
            failed = _sweep_cli(toml, store)
        else:
            failed = _sweep_cli(toml, store, limit=96 * 1024)
        assert failed.returncode == 2, failed.stderr
        assert "Traceback" not in failed.stderr and failed.stderr.count("\n") == 1
        assert "disk is full" in failed.stderr or "file size limit" in failed.stderr
        said = int(failed.stderr.split(" committed by this run")[0].rsplit("(", 1)[1])
        # space freed
        if mounted:
            filler.unlink()
        before = _stored(store)
        assert 2 <= len(before) < 30, f"{len(before)} cells before the fault: not part-way"
        assert len(before) == said  # every cell the sweep said it committed is there
        resumed = _sweep_cli(toml, store)
        assert resumed.returncode == 0, resumed.stderr
        assert "30 cells" in resumed.stdout
        after = _stored(store)
        assert len(after) == 30 and (after["computes"] == 1).all()  # the rest computed once
        kept = after.set_index("model.p").loc[before["model.p"]]
        assert kept["finished"].tolist() == before["finished"].tolist()
        assert kept["t50"].equals(before.set_index("model.p")["t50"])
        # nothing but the store and its write-ahead files is left on the disk
        assert {n for n in os.listdir(disk) if not n.startswith("full.sqlite")} == set()
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(disk)], check=True)


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


def test_part_files_of_a_killed_creation_are_cleared_and_a_failed_one_leaves_none(
    tmp_path, monkeypatch
):
    import socket

    from swarm.experiments import store as store_module

    path = tmp_path / "s.sqlite"
    stale = tmp_path / f".s.sqlite.{socket.gethostname()}.{_dead_pid()}.0badc0de.part"
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / (stale.name + suffix)).write_bytes(b"left by a kill -9")
    alive = tmp_path / f".s.sqlite.{socket.gethostname()}.{os.getppid()}.0badc0de.part"
    alive.write_bytes(b"another process still building")

    def full(*a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "link", full)
    with pytest.raises(StoreError, match="cannot create it"):
        Store.open(path, IDENTITY)
    monkeypatch.undo()
    # the dead process's part files are gone, the living one's kept, ours removed
    assert sorted(os.listdir(tmp_path)) == [alive.name]
    with Store.open(path, IDENTITY) as db:
        db.put({"key": "a", "values": {"w": 1}, "row": {"t50": 1.0}, "seconds": 0.0})
    assert sorted(os.listdir(tmp_path)) == sorted([alive.name, "s.sqlite"])
