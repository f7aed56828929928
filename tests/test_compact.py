"""Compact storage of large organisations gives the same answers as full storage.

A unit scale or a single channel is stored once (a zero-stride view), the
cascade kernel gets empty arrays where it reads nothing, out-slots are int32
while the edges fit, and integer ids are found without a dict. Each is
checked here against the full, uncompressed form it replaced.
"""

from __future__ import annotations

import tracemalloc

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

import swarm
from swarm._kernels.cascade import _cascade_runs
from swarm._kernels.graph import _reverse_csr
from swarm._memory import check_agents
from swarm.models.cascade import kernel_args
from swarm.models.laws import Scheduled

MODELS = [
    swarm.Cascade(swarm.Exponential(1.0)),
    swarm.Cascade(swarm.LogNormal(1.0, 0.7), p=0.6),
    swarm.Cascade(swarm.Exponential(1.0), threshold=2, window=1.5),
    swarm.Cascade(swarm.Exponential(1.0), threshold=0.3, window=0.8, ignore=0.5),
    swarm.Cascade({"formal": Scheduled(2.0), "colleague": swarm.Exponential(1.0)}),
]


def _run(args, origins, keys):
    n = args[0].shape[0] - 1
    times = np.empty((keys.shape[0], n))
    informed = np.empty((keys.shape[0], n), dtype=np.int32)
    _cascade_runs(*args, origins, keys, times, informed)
    return times, informed


def _full(org, args):
    """``kernel_args`` with every per-edge array materialised: real scales and
    channels, int64 slots, and the kernel told to read them."""
    g = org._kernel
    args = list(args)
    args[2] = np.ascontiguousarray(g["out_scale"], dtype=np.float64)
    args[3] = np.ascontiguousarray(g["out_chan"], dtype=np.int8)
    args[4] = g["out_slot"].astype(np.int64)
    args[10] = False  # one_law: read each edge's channel
    args[11] = False  # unit_scale: read each edge's scale
    return tuple(args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.describe())
@pytest.mark.parametrize(
    "make",
    [
        lambda: swarm.networked(3000, seed=4),
        lambda: swarm.hierarchy(5000, span=6),  # renumbered for locality
        lambda: swarm.silos(2000, seed=2, departments=4),  # two channels
    ],
    ids=["networked", "hierarchy", "silos"],
)
def test_compact_arguments_equal_full_ones(make, model):
    """Empty scales and channels and int32 slots: the very same times and informers."""
    org = make()
    args = kernel_args(org, model)
    assert args[4].dtype == np.int32  # slots fit: half the bytes of int64
    assert org._kernel["unit_scale"] and args[2].size == 0
    rng = np.random.default_rng(3)
    origins = rng.integers(0, org.n, size=(6, 1)).astype(np.int64)
    keys = np.random.SeedSequence(9).generate_state(18, np.uint64).reshape(6, 3)
    t_compact, i_compact = _run(args, origins, keys)
    t_full, i_full = _run(_full(org, args), origins, keys)
    np.testing.assert_array_equal(t_compact, t_full)
    np.testing.assert_array_equal(i_compact, i_full)


def test_unit_scales_and_one_channel_are_stored_once():
    org = swarm.networked(2000, seed=1)
    w = org.watch
    assert w.data.strides == (0,) and org.channel.strides == (0,)
    assert w.data.shape == (org.n_edges,) and org.channel.shape == (org.n_edges,)
    np.testing.assert_array_equal(w.data, np.ones(org.n_edges))
    np.testing.assert_array_equal(org.channel, np.ones(org.n_edges, dtype=np.int8))
    assert w.data.dtype == np.float64 and org.channel.dtype == np.int8
    assert not w.data.flags.writeable and not org.channel.flags.writeable
    with pytest.raises(ValueError):
        w.data[0] = 2.0
    # scipy works on it as on any CSR
    dense = w.toarray()
    np.testing.assert_array_equal(w.tocsc().toarray(), dense)
    np.testing.assert_array_equal((w + w.T).toarray(), dense + dense.T)
    np.testing.assert_array_equal(w @ np.arange(org.n), dense @ np.arange(org.n))
    assert org.describe()["edges"] == org.n_edges


def test_compact_and_full_organisations_are_equal_and_run_alike():
    """The same matrix given with its ones materialised is the same organisation."""
    org = swarm.networked(1500, seed=2)
    w = org.watch
    full = sp.csr_array((np.ones(w.nnz), w.indices.copy(), w.indptr.copy()), shape=w.shape)
    again = org.replace(watch=full, channel=np.full(w.nnz, 1, dtype=np.int8))
    assert again == org
    model = swarm.Cascade(swarm.Exponential(1.0), threshold=2, window=3.0)
    a = swarm.simulate(org, model, swarm.Shock("random"), runs=3, seed=4, record="tree")
    b = swarm.simulate(again, model, swarm.Shock("random"), runs=3, seed=4, record="tree")
    np.testing.assert_array_equal(a.arrival_times, b.arrival_times)
    np.testing.assert_array_equal(a.informed_by, b.informed_by)


def test_networkx_round_trip_of_a_compact_organisation():
    org = swarm.networked(300, seed=5)
    g = org.to_networkx()
    assert {d["latency"] for _, _, d in g.edges(data=True)} == {1.0}
    assert {d["channel"] for _, _, d in g.edges(data=True)} == {"colleague"}
    back = swarm.from_networkx(g)
    assert back.n_edges == org.n_edges
    np.testing.assert_array_equal(back.watch.toarray(), org.watch.toarray())
    assert back.watch.data.strides == (0,)


def test_one_non_unit_scale_is_exactly_a_rescaled_clock():
    """All scales 2: stored once, read by the kernel, times exactly twice the unit ones.

    Doubling is exact in binary floating point, so every sum along a path
    doubles exactly: equality, not a tolerance.
    """
    org = swarm.networked(2500, seed=6)
    w = org.watch
    twice = swarm.Organisation(
        sp.csr_array((np.full(w.nnz, 2.0), w.indices, w.indptr), shape=w.shape)
    )
    assert twice.watch.data.strides == (0,) and not twice._kernel["unit_scale"]
    assert kernel_args(twice, MODELS[0])[2].shape == (w.nnz,)  # the kernel reads them
    for model in (MODELS[0], MODELS[2]):
        a = swarm.simulate(org, model, swarm.Shock([5]), runs=2, seed=1)
        b = swarm.simulate(twice, model, swarm.Shock([5]), runs=2, seed=1)
        np.testing.assert_array_equal(b.arrival_times, 2.0 * a.arrival_times)


def test_mixed_scales_and_channels_against_shortest_paths():
    """Scales and channels that vary are gathered per out-edge and read by the kernel.

    With constant laws and threshold 1 the turn times are shortest paths
    over ``scale * law(channel)``, exactly (test_engine's argument).
    """
    rng = np.random.default_rng(8)
    g = nx.gnm_random_graph(300, 1200, seed=3, directed=True)
    for u, v in g.edges:
        g[u][v]["latency"] = float(rng.uniform(0.5, 2.0))
        g[u][v]["channel"] = swarm.CHANNELS[int(rng.integers(3))]
    org = swarm.from_networkx(g)
    w = org.watch
    assert w.data.strides != (0,) and org.channel.strides != (0,)
    k = org._kernel
    np.testing.assert_array_equal(k["out_scale"], w.T.tocsr().data)
    np.testing.assert_array_equal(k["out_scale"], w.data[k["out_slot"]])
    np.testing.assert_array_equal(k["out_chan"], org.channel[k["out_slot"]])
    per = {"formal": 2.0, "colleague": 1.0, "social": 0.5}
    model = swarm.Cascade({c: swarm.Constant(a) for c, a in per.items()})
    args = kernel_args(org, model)
    assert args[2].shape == args[3].shape == (org.n_edges,)
    res = swarm.simulate(org, model, swarm.Shock([0, 1]), seed=0)
    law = np.array([per[c] for c in swarm.CHANNELS])[org.channel]
    weights = sp.csr_array((w.data * law, w.indices, w.indptr), shape=w.shape)
    ref = dijkstra(weights.T.tocsr(), indices=[0, 1], min_only=True)
    np.testing.assert_array_equal(res.arrival_times[0], ref)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 30),
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=120),
)
def test_reverse_csr_int32_slots_equal_int64_and_a_stable_sort(n, edges):
    """The transpose by counting sort equals a stable argsort by column, in either slot type."""
    pairs = sorted({(i % n, j % n) for i, j in edges if i % n != j % n})
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int32)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
    s32 = np.empty(len(pairs), dtype=np.int32)
    s64 = np.empty(len(pairs), dtype=np.int64)
    p32, i32 = _reverse_csr(ptr, cols, s32)
    p64, i64 = _reverse_csr(ptr, cols, s64)
    expect = np.argsort(cols, kind="stable")  # rows ascending inside each column
    np.testing.assert_array_equal(s32, expect)
    np.testing.assert_array_equal(s64, expect)
    np.testing.assert_array_equal(i32, rows[expect])
    np.testing.assert_array_equal(p32, p64)
    np.testing.assert_array_equal(p32[1:], np.cumsum(np.bincount(cols, minlength=n)))


# ---- finding agents by id without a dict ----------------------------------------
def _dict_find(ids, key):
    """What a dict of the ids (the old lookup) answers: the position or -1."""
    return {lab: k for k, lab in enumerate(ids.tolist())}.get(key, -1)


LABELS = st.one_of(
    st.integers(-5, 40),
    st.floats(-5, 40),
    st.sampled_from([True, False, 2**70, -(2**70), "3", None, 3 + 0j, float("nan"), float("inf")]),
)


@settings(max_examples=150, deadline=None)
@given(
    ids=st.one_of(
        st.none(),
        st.lists(st.integers(-(2**40), 2**40), min_size=2, max_size=20, unique=True),
        st.permutations(list(range(12))),
    ),
    labels=st.lists(LABELS, min_size=1, max_size=8),
)
def test_index_of_matches_a_dict_of_the_ids(ids, labels):
    n = 12 if ids is None else len(ids)
    w = sp.csr_array(([1.0], ([1], [0])), shape=(n, n))
    org = swarm.Organisation(w, ids=None if ids is None else np.array(ids, dtype=np.int64))
    for lab in labels + [int(org.ids[-1]), np.int32(org.ids[0]), float(org.ids[1])]:
        expect = _dict_find(org.ids, lab.item() if isinstance(lab, np.generic) else lab)
        if expect < 0:
            with pytest.raises(ValueError, match="is not in this organisation"):
                org.index_of([lab])
        else:
            assert org.index_of([lab]).tolist() == [expect]


def test_index_of_with_string_ids_still_uses_the_labels():
    w = sp.csr_array(([1.0], ([1], [0])), shape=(3, 3))
    org = swarm.Organisation(w, ids=["ann", "bob", "cy"])
    assert org.index_of(["cy", "ann"]).tolist() == [2, 0]
    with pytest.raises(ValueError, match="'dan' is not in"):
        org.index_of(["dan"])


def test_self_watching_is_still_refused_naming_the_first():
    w = sp.csr_array(([1.0, 1.0, 1.0], ([1, 3, 4], [0, 3, 4])), shape=(5, 5))
    with pytest.raises(ValueError, match=r"agent 3 watches itself"):
        swarm.Organisation(w)


# ---- the preflight estimate against the truth -----------------------------------
def test_networked_preflight_estimate_covers_the_peak():
    """``networked``'s preflight bytes per agent stay above its measured peak.

    tracemalloc sees numpy's and numba's allocations alike; the estimate
    is the one ``networked`` passes to ``check_agents`` (50 (k + 1) bytes).
    """
    n, k = 200_000, 7
    swarm.networked(5000, seed=1, k=k)  # compile or load the kernels first
    tracemalloc.start()
    try:
        org = swarm.networked(n, seed=1, k=k)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert org.n == n
    estimate = 50 * (k + 1)
    check_agents(n, estimate, "networked")  # fits on this machine
    assert peak / n < estimate, f"peak {peak / n:.0f} bytes per agent"


def test_networked_keeps_about_136_bytes_per_person():
    """What a networked organisation and its kernel arrays keep, at k = 7.

    Per person: the watch indices (28 B) and row offsets (4), positions
    (16), department (8) and ids (8); the kernel's two int64 offset arrays
    (16), out-edge agents (28) and int32 slots (28): 136 B. Unit scales,
    the single channel and the row lengths are not stored (before: 298 B).
    """
    org = swarm.networked(20_000, seed=3)
    g = org._kernel
    arrays = [org.watch.data, org.watch.indices, org.watch.indptr, org.channel]
    arrays += [org.position, org.department, org.ids]
    arrays += [v for v in g.values() if isinstance(v, np.ndarray)]
    kept, seen = 0, []
    for a in arrays:
        if _stored_once(a) or any(np.shares_memory(a, b) for b in seen):
            continue
        seen.append(a)
        kept += a.nbytes
    assert kept / org.n <= 136 + 1  # + the last row offset of each offset array


def _stored_once(a):
    return a.ndim == 1 and a.size > 0 and a.strides[0] == 0
