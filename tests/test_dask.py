"""The Dask backend on a real LocalCluster: bit-identical to local, survives a lost worker."""

from __future__ import annotations

import importlib
import os
import signal
import sqlite3

import pandas as pd
import pytest

import swarm
from swarm.experiments._cells import CellRunner
from swarm.experiments.store import Store

# the test extra installs dask[distributed]: a missing one fails here rather than skipping
distributed = importlib.import_module("distributed")

SCENARIO = swarm.Scenario(
    {"networked": {"n": 800, "departments": 4}, "silos": {"n": 800, "departments": 4}},
    model=swarm.Cascade(swarm.Exponential(1.0), p=0.8),
    shock=swarm.Shock("random", size=2),
)
GRID = {"model.p": [0.5, 0.7, 0.9], "structure.k": [5, 7]}


@pytest.fixture(scope="module")
def cluster():
    from swarm.experiments._dask import local_cluster

    with local_cluster(2) as c:  # loopback, 2 single-threaded worker processes
        yield c


# Run on every worker (exec and eval are builtins, so nothing of this test
# module has to be importable there): record every sqlite3.connect a worker
# makes, or read and clear the record.
SPY_ON = """
import sqlite3
if not hasattr(sqlite3, "_spy_real"):
    sqlite3._spy_real, sqlite3._spy_calls = sqlite3.connect, []
    def _connect(database, *args, **kwargs):
        sqlite3._spy_calls.append(str(database))
        return sqlite3._spy_real(database, *args, **kwargs)
    sqlite3.connect = _connect
"""
SPY_OFF = """
import sqlite3
if hasattr(sqlite3, "_spy_real"):
    sqlite3.connect = sqlite3._spy_real
    del sqlite3._spy_real, sqlite3._spy_calls
"""
SPY_READ = "__import__('sqlite3')._spy_calls"


def test_dask_is_bit_identical_to_local_and_only_the_client_writes(cluster, tmp_path, monkeypatch):
    local = swarm.sweep(SCENARIO, GRID, runs=12, seed=4, progress=False, curve=True)
    store = tmp_path / "dask.sqlite"
    # the client computes nothing itself and writes every cell
    puts = []
    real_put = Store.put
    monkeypatch.setattr(
        Store, "put", lambda self, item: (puts.append(item["key"]), real_put(self, item))[1]
    )
    monkeypatch.setattr(CellRunner, "__call__", lambda *a: pytest.fail("ran on the client"))
    with distributed.Client(cluster.scheduler_address) as client:
        client.run(exec, SPY_ON, {})
        try:
            dask = swarm.sweep(
                SCENARIO,
                GRID,
                runs=12,
                seed=4,
                store=store,
                backend="dask",
                scheduler=cluster.scheduler_address,
                batch=2,
                progress=False,
                curve=True,
            )
            opened = client.run(eval, SPY_READ)
            # the spy does see a connection when a worker makes one
            client.run(exec, "import sqlite3; sqlite3.connect(':memory:').close()", {})
            control = client.run(eval, SPY_READ)
        finally:
            client.run(exec, SPY_OFF, {})
    assert len(opened) == 2 and all(calls == [] for calls in opened.values()), opened
    assert all(calls == [":memory:"] for calls in control.values()), control
    assert sorted(puts) == sorted(set(puts)) and len(puts) == 12
    pd.testing.assert_frame_equal(local, dask, check_exact=True)
    for a, b in zip(local["curve"], dask["curve"]):
        assert a.tobytes() == b.tobytes()
    stored = swarm.load(store, provenance=True)
    assert len(stored) == 12 and (stored["computes"] == 1).all()


def test_a_worker_killed_mid_sweep_costs_only_its_unfinished_cells(cluster, tmp_path, monkeypatch):
    """The client kills a worker as it commits the 4th of 48 cells: no clock involved."""
    grid = {
        "model.p": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
        "structure.k": [5, 7],
        "model.latency.mean": [1.0, 2.0],
    }
    store = tmp_path / "lost.sqlite"
    with distributed.Client(cluster.scheduler_address) as client:
        victim = sorted(client.run(os.getpid).values())[0]
    killed = []
    real_put = Store.put

    def put(self, item):
        real_put(self, item)
        if _count(store) == 4 and not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    monkeypatch.setattr(Store, "put", put)
    got = swarm.sweep(
        SCENARIO,
        grid,
        runs=40,
        seed=4,
        store=store,
        backend="dask",
        scheduler=cluster.scheduler_address,
        batch=1,
        progress=False,
    )
    assert killed == [victim]
    expect = swarm.sweep(SCENARIO, grid, runs=40, seed=4, progress=False)
    pd.testing.assert_frame_equal(got, expect, check_exact=True)
    assert (swarm.load(store, provenance=True)["computes"] == 1).all()


def _count(path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM cells").fetchone()[0]
    finally:
        con.close()


def test_the_default_local_cluster_and_the_command_line(tmp_path, capsys):
    from swarm.cli import main

    toml = tmp_path / "d.toml"
    toml.write_text(
        'runs = 3\nseed = 1\n[structures.hierarchy]\nn = 200\n[grid]\n"model.p" = [0.5, 1.0]\n'
    )
    store = tmp_path / "d.sqlite"
    # one worker process: the default LocalCluster path, started as cheaply as it gets
    assert main(["sweep", str(toml), "--store", str(store), "--workers", "1", "--quiet"]) == 0
    assert "2 cells" in capsys.readouterr().out
    from swarm.experiments.scenario_file import read_scenario

    sc = read_scenario(toml)
    expect = swarm.sweep(sc.scenario, sc.grid, 3, 1, progress=False)
    pd.testing.assert_frame_equal(swarm.load(store), expect, check_exact=True)


def test_an_unreachable_scheduler_or_bad_worker_count_is_one_line(tmp_path, capsys):
    import dask

    from swarm.cli import main

    toml = tmp_path / "d.toml"
    toml.write_text("runs = 1\n[structures.hierarchy]\nn = 20\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(
            [
                "sweep",
                str(toml),
                "--store",
                str(tmp_path / "s.sqlite"),
                "--quiet",
                "--scheduler",
                "tcp://127.0.0.1:9",
            ]
        )
    err = capsys.readouterr().err
    assert code == 2 and "--scheduler tcp://127.0.0.1:9" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["sweep", str(toml), "--store", str(tmp_path / "s.sqlite"), "--workers", "0"]) == 2
    assert "--workers must be >= 1" in capsys.readouterr().err


def test_a_function_scenario_runs_on_the_workers_too(cluster):
    def make(n, p, seed):  # a closure: shipped to the workers by value
        return swarm.networked(n, seed=seed, k=5), swarm.Cascade(p=p), swarm.Shock()

    grid = {"n": [100, 300], "p": [0.5, 0.9]}
    local = swarm.sweep(make, grid, runs=4, seed=2, progress=False)
    dask = swarm.sweep(
        make,
        grid,
        runs=4,
        seed=2,
        backend="dask",
        scheduler=cluster.scheduler_address,
        progress=False,
    )
    pd.testing.assert_frame_equal(local, dask, check_exact=True)
