"""The cascade kernel against shortest paths and a literal reference."""

from __future__ import annotations

import networkx as nx
import numba
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

import swarm
from swarm._kernels.cascade import _cascade_core, _draw_edges
from swarm.models import Scheduled
from swarm.models.cascade import kernel_args

from .reference import naive_cascade, next_meeting
from .strategies import watch_graphs


def _random_org(n, degree, seed, *, scales=False, channels=False):
    """A random directed watch graph, optionally with latency scales and channels."""
    rng = np.random.default_rng(seed)
    g = nx.gnm_random_graph(n, degree * n, seed=int(rng.integers(1 << 30)), directed=True)
    for u, v in g.edges:
        if scales:
            g[u][v]["latency"] = float(rng.uniform(0.5, 2.0))
        if channels:
            g[u][v]["channel"] = swarm.CHANNELS[int(rng.integers(3))]
    return swarm.from_networkx(g)


def _core(org, model, origins, keys, *, predrawn=False):
    """Run the kernel once, wired by simulate's own helper; also return the draws in watch order."""
    g = org._kernel
    assert g["order"] is None  # small test graphs keep the public order
    args = kernel_args(org, model)
    kind, a, b = args[12:15]
    thresh = args[7]
    delays, ignored = _draw_edges(
        keys, g["out_scale"], g["out_chan"], kind, a, b, model.p, model.ignore
    )
    n = org.n
    times = np.empty(n)
    informed = np.empty(n, dtype=np.int32)
    _cascade_core(
        *args,
        keys,
        delays if predrawn else np.empty(0),
        ignored if predrawn else np.empty(0, dtype=bool),
        np.asarray(origins, dtype=np.int64),
        times,
        informed,
    )
    d_in = np.empty_like(delays)
    d_in[g["out_slot"]] = delays
    i_in = np.empty_like(ignored)
    i_in[g["out_slot"]] = ignored if model.ignore > 0 else False
    return times, informed, d_in, i_in, thresh


def _keys(seed):
    return np.random.SeedSequence(seed).generate_state(3, np.uint64)


# ---- exact shortest paths -------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: swarm.hierarchy(500, span=5),
        lambda: swarm.linking_pin(400),
        lambda: swarm.silos(600, seed=3, departments=5),
        lambda: swarm.networked(800, seed=4, k=7),
        lambda: _random_org(300, 3, 5, scales=True),
    ],
)
def test_constant_latency_gives_exact_shortest_paths(make):
    """p=1, threshold 1, no window: turn times are csgraph shortest paths, exactly."""
    org = make()
    model = swarm.Cascade(swarm.Constant(1.5))
    res = swarm.simulate(org, model, swarm.Shock([0, 7]), seed=1)
    # information flows j -> i when i watches j: the transpose of watch
    ref = dijkstra(org.watch.T.tocsr() * 1.5, indices=[0, 7], min_only=True)
    np.testing.assert_array_equal(res.arrival_times[0], ref)


def test_reordered_organisation_gives_the_same_public_answer():
    """Internal locality order is invisible: same times as the unordered graph."""
    g = nx.random_regular_graph(4, 6000, seed=2)
    org = swarm.from_networkx(g)
    assert org._kernel["order"] is not None  # large enough to be renumbered
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock([10]), seed=0, record="tree"
    )
    ref, pred = dijkstra(org.watch.T.tocsr(), indices=10, return_predecessors=True)
    np.testing.assert_array_equal(res.arrival_times[0], ref)
    # the recorded informer is a shortest-path predecessor (ties allowed)
    inf = res.informed_by[0]
    reached = np.flatnonzero(np.isfinite(ref) & (ref > 0))
    assert np.all(ref[inf[reached]] == ref[reached] - 1.0)
    assert org.watch[reached, inf[reached]].min() > 0  # informer is watched


def test_random_delays_match_dijkstra_on_the_same_draws():
    org = _random_org(400, 4, 9, scales=True)
    model = swarm.Cascade(swarm.Exponential(2.0))
    times, _, d_in, _, _ = _core(org, model, [3], _keys(1))
    w = org.watch.copy()
    w.data = d_in
    np.testing.assert_array_equal(times, dijkstra(w.T.tocsr(), indices=3))


# ---- the full model against the literal reference -------------------------------
MODELS = [
    swarm.Cascade(swarm.Exponential(1.0), p=0.7),
    swarm.Cascade(swarm.Exponential(1.0), threshold=2),
    swarm.Cascade(swarm.LogNormal(1.0, 0.8), threshold=0.3),
    swarm.Cascade(swarm.Exponential(1.0), threshold=2, window=1.5),
    swarm.Cascade(swarm.Exponential(1.0), window=0.8, ignore=0.6),
    swarm.Cascade(swarm.Exponential(1.0), threshold=2, window=2.0, ignore=0.5, p=0.9),
    swarm.Cascade(
        {
            "formal": Scheduled(3.0, 0.5),
            "colleague": swarm.Exponential(1.0),
            "social": swarm.Constant(0.25),
        },
        threshold=1,
    ),
    swarm.Cascade(
        {
            "formal": Scheduled(2.0),
            "colleague": swarm.LogNormal(0.5, 1.0),
            "social": swarm.Exponential(0.3),
        },
        threshold=2,
        window=4.0,
    ),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.describe())
def test_kernel_equals_literal_reference(model):
    spread = [_check_against_reference(model, seed) for seed in range(1, 7)]
    assert max(spread) > 12  # at least one case where the cascade really travelled


def _check_against_reference(model, seed):
    org = _random_org(60, 6, seed, scales=True, channels=True)
    keys = _keys(seed + 100)
    origins = list(range(8))  # enough seeds for threshold 2 to take off
    times, informed, d_in, i_in, thresh = _core(org, model, origins, keys)
    sched = None
    if isinstance(model.latency, dict):
        sched = []
        for c in org.channel:
            law = model.latency[swarm.CHANNELS[c]]
            sched.append((law.period, law.phase) if isinstance(law, Scheduled) else None)
    window = np.inf if model.window is None else model.window
    ref_t, ref_inf = naive_cascade(
        org.watch.indptr, org.watch.indices, d_in, i_in, thresh, window, origins, sched
    )
    np.testing.assert_array_equal(times, ref_t)
    if sched is None:  # continuous delays: no ties, one right informer
        np.testing.assert_array_equal(informed, ref_inf)
    else:  # meetings make ties: any informer whose signal arrived at that meeting
        w = org.watch
        for i in np.flatnonzero(np.isfinite(times) & (informed >= 0)):
            row = slice(w.indptr[i], w.indptr[i + 1])
            s = w.indptr[i] + int(np.flatnonzero(w.indices[row] == informed[i])[0])
            a = times[informed[i]] + d_in[s]
            if sched[s] is not None:
                a = next_meeting(a, *sched[s])
            assert a == times[i]
    return int(np.isfinite(times).sum()) - len(origins)


def test_predrawn_and_inline_draws_agree():
    org = _random_org(200, 4, 3, scales=True, channels=True)
    for model in MODELS:
        a = _core(org, model, [5], _keys(8))[0]
        b = _core(org, model, [5], _keys(8), predrawn=True)[0]
        np.testing.assert_array_equal(a, b)


# ---- properties -----------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    org=watch_graphs(min_n=5, max_n=40, max_watched=4, scales=True),
    seed=st.integers(0, 2**32),
    p=st.floats(0.05, 1.0),
    thr=st.integers(1, 3),
    origin=st.integers(0, 4),
)
def test_properties_of_a_run(org, seed, p, thr, origin):
    model = swarm.Cascade(swarm.Exponential(1.0), p=p, threshold=thr)
    res = swarm.simulate(org, model, swarm.Shock([origin]), runs=3, seed=seed)
    t = res.arrival_times
    assert np.all(t[:, origin] == 0.0)
    assert np.all(t >= 0.0)
    # causality and the threshold: everyone else who turned had at least thr of
    # the people they watch turn no later than they did
    w = org.watch
    for r in range(t.shape[0]):
        for i in np.flatnonzero(np.isfinite(t[r])):
            if i != origin:
                watched = w.indices[w.indptr[i] : w.indptr[i + 1]]
                assert (t[r, watched] <= t[r, i]).sum() >= thr, (r, i)
    # same seed, same result, bit for bit
    again = swarm.simulate(org, model, swarm.Shock([origin]), runs=3, seed=seed)
    np.testing.assert_array_equal(t, again.arrival_times)
    # raising p or lowering the threshold never delays anyone (shared draws)
    more_p = swarm.simulate(
        org,
        swarm.Cascade(swarm.Exponential(1.0), p=min(1.0, p + 0.3), threshold=thr),
        swarm.Shock([origin]),
        runs=3,
        seed=seed,
    )
    assert np.all(more_p.arrival_times <= t)
    if thr > 1:
        easier = swarm.simulate(
            org,
            swarm.Cascade(swarm.Exponential(1.0), p=p, threshold=thr - 1),
            swarm.Shock([origin]),
            runs=3,
            seed=seed,
        )
        assert np.all(easier.arrival_times <= t)


def test_results_do_not_depend_on_thread_count():
    org = swarm.networked(3000, seed=1)
    model = swarm.Cascade(swarm.LogNormal(1.0, 0.5), p=0.8)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = swarm.simulate(org, model, runs=70, seed=5).arrival_times
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = swarm.simulate(org, model, runs=70, seed=5).arrival_times
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, many)
    assert not np.array_equal(one[0], one[1])  # runs are independent draws


def test_threshold_above_attention_never_turns():
    org = swarm.hierarchy(57)  # front-line staff watch only their manager
    res = swarm.simulate(org, swarm.Cascade(threshold=2), swarm.Shock("top"), seed=0)
    leaves = org.attention == 1
    assert np.all(np.isinf(res.arrival_times[0, leaves]))


def test_exponential_draws_have_the_right_law():
    """The counter-based draws are Exp(mean): KS test at 2e5 edges."""
    from scipy import stats

    n = 200_000
    kind, a, b, _ = swarm.Cascade(swarm.Exponential(2.5))._law_tables({1})
    d, _ = _draw_edges(_keys(3), np.ones(n), np.ones(n, dtype=np.int8), kind, a, b, 1.0, 0.0)
    # alpha 1e-3: a false alarm in one run of the suite in a thousand
    assert stats.kstest(d, "expon", args=(0, 2.5)).pvalue > 1e-3
    kind, a, b, _ = swarm.Cascade(swarm.LogNormal(2.0, 0.7))._law_tables({1})
    d, _ = _draw_edges(_keys(4), np.ones(n), np.ones(n, dtype=np.int8), kind, a, b, 1.0, 0.0)
    assert stats.kstest(np.log(d), "norm", args=(np.log(2.0), 0.7)).pvalue > 1e-3
    kind, a, b, _ = swarm.Cascade(p=0.3)._law_tables({1})
    d, _ = _draw_edges(_keys(5), np.ones(n), np.ones(n, dtype=np.int8), kind, a, b, 0.3, 0.0)
    passed = np.isfinite(d).mean()
    assert abs(passed - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)  # 4 binomial sd


def test_scheduled_chain_waits_for_each_meeting():
    """A chain with weekly meetings: each hop waits for the next meeting."""
    g = nx.DiGraph([(0, 1), (1, 2), (2, 3)])
    nx.set_edge_attributes(g, "formal", "channel")
    org = swarm.from_networkx(g)
    model = swarm.Cascade({"formal": Scheduled(period=40.0, phase=10.0)})
    res = swarm.simulate(org, model, swarm.Shock([0]), seed=0)
    # sent at 0 -> meeting at 10; heard at 10 -> passed on at the next, 50; then 90
    np.testing.assert_array_equal(res.arrival_times[0], [0.0, 10.0, 50.0, 90.0])
    model = swarm.Cascade({"formal": Scheduled(period=40.0, phase=10.0)}, window=None)
    g2 = nx.DiGraph([(0, 1), (1, 2)])
    nx.set_edge_attributes(g2, "formal", "channel")
    nx.set_edge_attributes(g2, 2.0, "latency")  # the scale does not apply to meetings
    res = swarm.simulate(swarm.from_networkx(g2), model, swarm.Shock([0]), seed=0)
    np.testing.assert_array_equal(res.arrival_times[0], [0.0, 10.0, 50.0])


def test_unreachable_agents_stay_inf():
    w = sp.csr_array(([1.0], ([1], [0])), shape=(3, 3))  # 1 watches 0; 2 watches nobody
    res = swarm.simulate(swarm.Organisation(w), swarm.Cascade(), swarm.Shock([0]), seed=1)
    assert np.isfinite(res.arrival_times[0, 1]) and np.isinf(res.arrival_times[0, 2])


@pytest.mark.parametrize("model", [swarm.Cascade(), MODELS[0], MODELS[5], MODELS[-1]])
def test_unit_scales_may_be_dropped_and_slots_narrowed(model):
    """Without stored scales (empty ``out_scale``) and with int32 ``out_slot``, nothing changes.

    An organisation whose scales are all 1 need not store them, and slots
    fit in int32: the kernel and the draws read neither scale nor slot width
    then, so times, informers and draws stay the same to the bit.
    """
    org = swarm.networked(300, seed=6, k=5)
    g = org._kernel
    assert g["unit_scale"]
    args = list(kernel_args(org, model))
    kind, a, b = args[12:15]
    keys = _keys(11)
    full = _draw_edges(keys, g["out_scale"], g["out_chan"], kind, a, b, model.p, model.ignore)
    lean = _draw_edges(keys, np.empty(0), g["out_chan"], kind, a, b, model.p, model.ignore)
    np.testing.assert_array_equal(full[0], lean[0])
    np.testing.assert_array_equal(full[1], lean[1])
    outs = []
    origins = np.arange(0, org.n, 4)
    for scale, slot in ((args[2], args[4]), (np.empty(0), args[4].astype(np.int32))):
        args[2], args[4] = scale, slot
        times, informed = np.empty(org.n), np.empty(org.n, dtype=np.int32)
        _cascade_core(*args, keys, np.empty(0), np.empty(0, dtype=bool), origins, times, informed)
        outs.append((times, informed))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert np.isfinite(outs[0][0]).sum() > origins.size  # the cascade went somewhere
