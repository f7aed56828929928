"""keep="summary": the metrics reduced inside the batch equal the full matrix's, to the bit."""

from __future__ import annotations

import networkx as nx
import numba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

import swarm
from swarm._kernels.summary import _ranks, _select
from swarm.results import metrics as m

from .reference import order_statistic


@njit
def _select_copy(a, k):
    b = a.copy()
    v = _select(b, 0, b.shape[0], k)
    return v, b


@njit
def _ranks_copy(a, ks):
    out = np.empty(ks.shape[0])
    _ranks(a.copy(), a.shape[0], ks, out, np.empty(a.shape[0]))
    return out


# values with many ties and infs, as arrival times have (constant delays, never reached)
_times = st.lists(
    st.one_of(st.sampled_from([0.0, 1.0, 2.0, np.inf]), st.floats(0.0, 100.0, allow_nan=False)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_times, st.data())
def test_select_is_the_order_statistic(values, data):
    a = np.array(values)
    k = data.draw(st.integers(0, a.size - 1))
    v, b = _select_copy(a, k)
    assert v == order_statistic(a, k)
    # partitioned around it: nothing above it before, nothing below it after
    assert (b[:k] <= v).all() and (b[k + 1 :] >= v).all()
    assert sorted(b.tolist()) == sorted(a.tolist())  # a permutation of the input


@settings(max_examples=200, deadline=None)
@given(_times, st.data())
def test_ranks_select_several_in_one_buffer(values, data):
    a = np.array(values)
    ks = sorted(data.draw(st.lists(st.integers(0, a.size + 2), min_size=1, max_size=4)))
    got = _ranks_copy(a, np.array(ks, dtype=np.int64))
    want = [order_statistic(a, k) if k < a.size else np.inf for k in ks]
    assert got.tolist() == want


def _large(kind, n, rng):
    if kind == "spread":
        return rng.gamma(20.0, 1.0, n)
    if kind == "ties":  # constant delays: a few hop counts, and the never reached
        return rng.choice([0.0, 1.0, 2.0, 3.0, 4.0, np.inf], n, p=[0.01, 0.09, 0.3, 0.3, 0.2, 0.1])
    if kind == "sorted":
        return np.sort(rng.random(n))
    if kind == "reversed":
        return np.sort(rng.random(n))[::-1].copy()
    # every sampled position holds 0, everything else 1: the sample misses the
    # ranks and the exact fallback must answer
    a = np.ones(n)
    a[(np.arange(4096) * n) // 4096] = 0.0
    return a


@pytest.mark.parametrize("kind", ["spread", "ties", "sorted", "reversed", "misleading"])
def test_ranks_of_large_buffers_by_sample_brackets(kind):
    rng = np.random.default_rng(len(kind))
    n = 100_003
    a = _large(kind, n, rng)
    ks = np.array(
        [0, rank10 := max(int(np.ceil(0.1 * n - 1e-9)), 1) - 1, n // 2, 9 * n // 10, n - 1, n + 5],
        dtype=np.int64,
    )
    assert rank10 > 0
    want = np.sort(a)
    got = _ranks_copy(a, ks)
    assert got.tolist() == [want[k] if k < n else np.inf for k in ks]


def _org_with_order():
    """A graph large enough to be renumbered for locality (kernel order != public)."""
    g = nx.gnm_random_graph(5000, 20000, seed=3, directed=True)
    rng = np.random.default_rng(3)
    for v in g.nodes:
        g.nodes[v]["department"] = f"d{int(rng.integers(4))}"
    org = swarm.from_networkx(g)
    assert org._kernel["order"] is not None
    return org


CASES = {
    # simple cascade, bucket queue, drawn delays
    "exponential, hierarchy, top": (
        lambda: swarm.hierarchy(2000, departments=[400] * 5),
        swarm.Cascade(),
        swarm.Shock("top"),
    ),
    # p < 1, ties everywhere (constant delays), several origins
    "constant p=0.6, silos": (
        lambda: swarm.silos(1500, seed=2),
        swarm.Cascade(swarm.Constant(1.0), p=0.6),
        swarm.Shock("random", size=3),
    ),
    # the heap: threshold, window, ignore
    "threshold 2, window, ignore": (
        lambda: swarm.networked(1500, seed=4, departments=3),
        swarm.Cascade(threshold=2, window=3.0, ignore=0.3),
        swarm.Shock("random", size=5),
    ),
    # the heap for a long tail; per-edge scales and channels on a renumbered graph
    "lognormal sigma 2.5, renumbered": (
        _org_with_order,
        swarm.Cascade(swarm.LogNormal(1.0, 2.5)),
        swarm.Shock("random"),
    ),
    # meetings: scheduled channel next to a drawn one
    "scheduled formal": (
        lambda: swarm.adopt(swarm.hierarchy(1200, departments=[400] * 3), 0.5, seed=1),
        swarm.Cascade({"formal": swarm.Scheduled(8.0), "social": swarm.Exponential(1.0)}),
        swarm.Shock("bottom"),
    ),
    # people away: metrics count the present only
    "absences": (
        lambda: swarm.remove(swarm.hierarchy(1500, departments=[375] * 4), 0.2, seed=5),
        swarm.Cascade(swarm.Exponential(2.0)),
        swarm.Shock("random", size=2),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_summary_equals_the_full_matrix(case):
    make, model, shock = CASES[case]
    org = make()
    full = swarm.simulate(org, model, shock, runs=70, seed=11)  # 70: two batches of the runner
    grid = np.concatenate([np.linspace(0.0, 30.0, 37)[::-1], [np.inf, 2.5]])  # unsorted, inf
    s = swarm.simulate(org, model, shock, runs=70, seed=11, keep="summary", grid=grid)
    assert s.runs == 70 and s.n == org.n and s.present == full.present_times.shape[1]
    np.testing.assert_array_equal(s.origins, full.origins)
    pd.testing.assert_frame_equal(s.metrics(), full.metrics(), check_exact=True)
    pd.testing.assert_frame_equal(s.summary(), full.summary(), check_exact=True)
    pd.testing.assert_frame_equal(s.curve(), full.curve(grid), check_exact=True)
    np.testing.assert_array_equal(
        s.turned_by / s.present, m.fraction_turned(full.present_times, grid)
    )
    if org.department is not None:
        pd.testing.assert_frame_equal(s.by_department(), full.by_department(), check_exact=True)
    if org.level is not None:
        pd.testing.assert_frame_equal(s.by_level(), full.by_level(), check_exact=True)
    assert s.report() == full.report()
    # the cases are not trivial: somebody is slow, and (with p < 1) someone never hears
    assert (s.quantiles[:, 2] > s.quantiles[:, 0]).any()


def test_summary_default_grid_and_thread_count():
    org = swarm.networked(3000, seed=1, departments=4)
    model = swarm.Cascade(swarm.Constant(1.0), p=0.7)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        one = swarm.simulate(org, model, runs=40, seed=2, keep="summary")
    finally:
        numba.set_num_threads(threads)
    many = swarm.simulate(org, model, runs=40, seed=2, keep="summary")
    pd.testing.assert_frame_equal(one.metrics(), many.metrics(), check_exact=True)
    np.testing.assert_array_equal(one.turned_by, many.turned_by)
    # default grid: 200 times from 0 to twice run 0's last turn
    full = swarm.simulate(org, model, runs=40, seed=2)
    last = full.arrival_times[0][np.isfinite(full.arrival_times[0])].max()
    np.testing.assert_array_equal(many.grid, np.linspace(0.0, 2 * last, 200))
    pd.testing.assert_frame_equal(many.curve(), full.curve(many.grid), check_exact=True)
    assert "Summary('networked': 40 runs" in repr(many)


def test_summary_bad_arguments():
    org = swarm.hierarchy(50)
    with pytest.raises(ValueError, match="keep"):
        swarm.simulate(org, keep="matrix")
    with pytest.raises(ValueError, match="record='tree' needs every run's tree"):
        swarm.simulate(org, keep="summary", record="tree")
    with pytest.raises(ValueError, match="grid is for keep='summary'"):
        swarm.simulate(org, grid=[1.0, 2.0])
    with pytest.raises(ValueError, match="grid must be"):
        swarm.simulate(org, keep="summary", grid=[1.0, np.nan])
    with pytest.raises(ValueError, match="Cascade model"):
        swarm.simulate(org, swarm.Alignment(max_time=0.1), keep="summary")
    s = swarm.simulate(org, keep="summary", grid=[0.0, 1.0])
    with pytest.raises(ValueError, match="its own grid"):
        s.curve([0.0, 2.0])
    with pytest.raises(ValueError, match="needs levels"):
        swarm.simulate(swarm.networked(50, seed=1), keep="summary").by_level()


def test_compare_keeps_summaries_with_the_same_tables():
    orgs = {"rake": swarm.hierarchy(600), "flock": swarm.networked(600, seed=3)}
    full = swarm.compare(orgs, swarm.Cascade(), runs=30, seed=4)
    grid = np.linspace(0.0, 20.0, 41)
    s = swarm.compare(orgs, swarm.Cascade(), runs=30, seed=4, keep="summary", grid=grid)
    assert all(isinstance(s[k], swarm.Summary) for k in s)
    pd.testing.assert_frame_equal(s.summary(), full.summary(), check_exact=True)
    assert s.report() == full.report()
    for name, curve in s.curves().items():
        pd.testing.assert_frame_equal(curve, full[name].curve(grid), check_exact=True)


def test_sweep_cells_and_robustness_equal_the_full_matrix():
    from swarm.experiments._cells import CellRunner

    class One:  # a scenario of one cell with people away
        def cell_parts(self, values, seed_for, cache):
            org = swarm.remove(swarm.hierarchy(900, departments=[300] * 3), 0.1, seed=2)
            return org, swarm.Cascade(swarm.Constant(1.0), p=0.8), swarm.Shock("random")

    times = (0.5, 1.0, 2.0, 4.0, np.inf)
    runner = CellRunner(One(), 25, np.random.SeedSequence(5), times)
    cell = runner({"structure": "x"})
    full = runner.result({"structure": "x"})  # the full Result of the same cell
    d = full.organisation.describe()
    want = {
        "agents": full.n,
        "watched_mean": d["watched_mean"],
        "watched_max": d["watched_max"],
        "runs": 25,
        **m.spread(full.metrics()),
        "unit": full.unit,
    }
    assert cell["row"] == want
    np.testing.assert_array_equal(
        cell["curve"], m.fraction_turned(full.present_times, np.array(times)).mean(axis=0)
    )

    org = swarm.hierarchy(700)
    model = swarm.Cascade(swarm.Constant(1.0), p=0.8)
    table = swarm.robustness(org, model, removed=[0.1], runs=15, draws=2, seed=3)
    c_remove, c_sim = np.random.SeedSequence(3).spawn(2)
    r_seeds, s_seeds = c_remove.spawn(2), c_sim.spawn(2)
    rows = []
    for d in range(2):
        variant = swarm.remove(org, 0.1, who="random", seed=r_seeds[d])
        rows.append(swarm.simulate(variant, model, None, 15, seed=s_seeds[d]).metrics())
    stats = m.spread(pd.concat(rows, ignore_index=True))
    assert table["t90"].iloc[0] == stats["t90"] and table["t50_lo"].iloc[0] == stats["t50_lo"]
