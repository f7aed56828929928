"""benchmarks/peers.py at a tiny size (not timed), and the helper that feeds its peers.

The script runs whichever peers are installed: with only ``.[test]`` the
bench peers are skipped with a line saying so, but the swarm and scipy rows
(scipy is a core dependency) and networkx (a test dependency) are always
checked, so the script cannot rot.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

import swarm
from swarm.models.cascade import _edge_delays

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "peers.py")
PEER_MODULES = {
    "igraph": "igraph",
    "networkit": "networkit",
    "ndlib": "ndlib",
    "eon": "EoN",
    "mesa": "mesa",
}


def _flow(org, delays):
    """The propagation graph u -> v (v watches u) weighted by delays in watch order."""
    w = org.watch
    dst = np.repeat(np.arange(org.n), np.diff(w.indptr))
    ok = np.isfinite(delays)  # inf: the edge did not pass the signal
    return csr_array((delays[ok], (w.indices[ok], dst[ok])), shape=(org.n, org.n))


@pytest.mark.parametrize(
    "model",
    [swarm.Cascade(swarm.Exponential(2.0)), swarm.Cascade(swarm.Constant(1.0), p=0.6)],
    ids=["exponential", "constant-p0.6"],
)
def test_edge_delays_give_the_runs_arrival_times(model):
    # from_networkx reorders this many agents internally (locality order), so
    # the permutation back to the watch order is exercised; a wrong map would
    # give different shortest paths, not merely rounding.
    g = nx.gnm_random_graph(5000, 30000, seed=4, directed=True)
    org = swarm.from_networkx(g)
    assert org._kernel["order"] is not None
    shock = swarm.Shock("random", size=2)
    res = swarm.simulate(org, model, shock, runs=3, seed=9)
    for r in range(3):
        origins, delays = _edge_delays(org, model, shock, 9, run=r)
        assert np.array_equal(origins, res.origins[r])
        assert delays.shape == (org.n_edges,)
        if model.p < 1:
            # each edge fails to pass with probability 1 - p, independently
            # (a hash of run key and edge): the failed share of m = 30,000
            # edges has sd sqrt(p (1 - p) / m) = 0.0028. Five sd (a false
            # alarm about once in 2 million) still catches a pass probability
            # off by 0.015, e.g. p ** 1.1 (0.570 instead of 0.6)
            sd = np.sqrt(model.p * (1 - model.p) / delays.size)
            assert abs(np.isinf(delays).mean() - (1 - model.p)) < 5 * sd
        ref = dijkstra(_flow(org, delays), indices=origins).min(axis=0)
        assert np.array_equal(ref, res.arrival_times[r])  # exact, inf included
    # another run draws other delays
    assert not np.array_equal(
        _edge_delays(org, model, shock, 9, run=0)[1], _edge_delays(org, model, shock, 9, run=1)[1]
    )


def test_edge_delays_in_public_order_on_a_small_org():
    org = swarm.networked(300, seed=2)
    model = swarm.Cascade(swarm.Exponential(1.0))
    shock = swarm.Shock([5])
    origins, delays = _edge_delays(org, model, shock, 3)
    assert origins.tolist() == [5]
    res = swarm.simulate(org, model, shock, seed=3)
    assert np.array_equal(dijkstra(_flow(org, delays), indices=5), res.arrival_times[0])


def _run(*args, timeout=600):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, SCRIPT, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=ROOT,
    )


def test_peers_script_tiny(tmp_path):
    out = tmp_path / "peers.csv"
    proc = _run(
        "--agents",
        "1500",
        "--ensemble-agents",
        "800",
        "--ensemble-runs",
        "40",
        "--mesa-agents",
        "300",
        "--mesa-steps",
        "10",
        "--repeats",
        "2",
        "--check-runs",
        "60",
        "--limit",
        "120",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr[-2000:] + proc.stdout[-2000:]
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "tool",
        "job",
        "time (s)",
        "throughput",
        "ratio to swarm",
        "agreement",
    ]
    assert "tool" in proc.stdout and "agreement" in proc.stdout  # printed too

    swarm_rows = table[table.tool == "swarm"]
    assert len(swarm_rows) == 5  # arrival, SI, IC, alignment, ensemble
    assert (swarm_rows["ratio to swarm"] == "1.0x").all()

    scipy_rows = table[table.tool == "scipy"]
    assert len(scipy_rows) == 2
    arrival = scipy_rows[scipy_rows.job.str.startswith("arrival")].agreement.iloc[0]
    assert arrival.startswith("exact: max abs diff 0.0e+00"), arrival
    ens = scipy_rows[scipy_rows.job.str.startswith("ensemble")].agreement.iloc[0]
    assert ens.startswith("agrees: KS p="), ens
    nx_row = table[table.tool == "networkx"].agreement.iloc[0]
    assert nx_row.startswith("exact"), nx_row
    assert all(float(t) > 0 for t in table["time (s)"])  # nothing hit the limit here

    for tool, module in PEER_MODULES.items():
        if importlib.util.find_spec(module) is None:
            assert f"skipped: {tool}" in proc.stderr
            assert tool not in set(table.tool)
        else:
            rows = table[table.tool == tool]
            assert len(rows) >= 1
            assert not rows.agreement.str.contains("DIFFERS").any(), rows.agreement.tolist()


def test_peers_script_only_and_limit(tmp_path):
    # a peer stopped at the limit is reported, not waited for
    out = tmp_path / "peers.md"
    proc = _run(
        "--agents",
        "400",
        "--ensemble-agents",
        "300",
        "--ensemble-runs",
        "5",
        "--mesa-agents",
        "200",
        "--mesa-steps",
        "5",
        "--repeats",
        "1",
        "--check-runs",
        "20",
        "--only",
        "networkx",
        "--limit",
        "0.000001",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    assert text.startswith("| tool | job |")
    assert "networkx" in text and "> limit" in text
    assert "scipy" not in text


def test_peers_script_bad_arguments():
    proc = _run("--only", "nosuchtool", timeout=120)
    assert proc.returncode == 2
    assert "nosuchtool" in proc.stderr
    proc = _run("--out", "table.xlsx", timeout=120)
    assert proc.returncode == 2
    assert "--out must end in .csv or .md" in proc.stderr


def test_a_crashing_peer_is_a_failed_row(tmp_path):
    import importlib.util as iu

    spec = iu.spec_from_file_location("peers_bench", SCRIPT)
    peers = iu.module_from_spec(spec)
    spec.loader.exec_module(peers)
    data = tmp_path / "arrival.npz"
    np.savez(data, n=3)  # no graph: the worker dies with a KeyError
    times, records, answer, note = peers._run_peer(
        "scipy", "arrival", str(data), 1, 60.0, str(tmp_path)
    )
    assert times == [] and answer is None
    assert note.startswith("FAILED: KeyError"), note
