"""The bucket queue of the simple cascade: exact on every law, heap where it must be."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

import swarm
from swarm._kernels.buckets import _array_buckets, _general_buckets, _law_buckets
from swarm._kernels.prefetch import _prefetch

from .reference import shortest_times
from .test_engine import _core, _keys, _random_org


@njit
def _law(kind, a, b):
    return _law_buckets(kind, a, b)


@njit
def _arr(d):
    return _array_buckets(d)


@njit
def _general(kind, a, b, one_law, unit_scale, scales):
    return _general_buckets(kind, a, b, one_law, unit_scale, scales)


LAWS = [
    swarm.Constant(1.0),  # every tie a tie: label correction within buckets
    swarm.Exponential(1.0),
    swarm.Exponential(1e-9),  # tiny delays: the bucket width follows the law
    swarm.Exponential(1e6),
    swarm.LogNormal(1.0, 0.5),  # bucket ring of a few hundred
    swarm.LogNormal(1.0, 2.5),  # tail too long for the ring: the heap
]


@pytest.mark.parametrize("law", LAWS, ids=lambda law: repr(law))
@pytest.mark.parametrize("predrawn", [False, True])
def test_simple_cascade_is_exact_shortest_paths(law, predrawn):
    """Times equal scipy's Dijkstra on the same draws, and every informer is tight."""
    org = _random_org(500, 3, 11, scales=False)
    model = swarm.Cascade(law)
    origins = [0, 17, 250]
    times, informed, d_in, _, _ = _core(org, model, origins, _keys(4), predrawn=predrawn)
    ref = shortest_times(org, d_in, origins)
    np.testing.assert_array_equal(times, ref)
    w = org.watch
    for i in np.flatnonzero(np.isfinite(times) & (informed >= 0)):
        row = slice(w.indptr[i], w.indptr[i + 1])
        s = w.indptr[i] + int(np.flatnonzero(w.indices[row] == informed[i])[0])
        assert times[informed[i]] + d_in[s] == times[i]


def test_ring_sizes_follow_the_law():
    # constant 1: width 1/4, one delay spans 4 buckets (+2), next power of two
    assert _law(0, 1.0, 0.0) == (0.25, 8)
    # exponential mean 1: the longest draw 44.5 over width 1/4, + 2 -> 180 -> 256
    assert _law(1, 1.0, 0.0) == (0.25, 256)
    # zero delays: everyone turns at time 0 in one bucket
    assert _law(1, 0.0, 0.0)[1] == 2
    # lognormal sigma 2.5: exp(2.5 * 8.58) / 0.25 is far over 2^16 -> heap (0)
    assert _law(2, 1.0, 2.5)[1] == 0
    assert _law(2, 1.0, 0.5)[1] > 0
    # pre-drawn: width a quarter of the finite mean; inf (did not pass) ignored
    delta, nb = _arr(np.array([1.0, 3.0, np.inf, 0.0]))
    assert delta == pytest.approx(1 / 3) and nb == 16  # 3 / (1/3) + 2 = 11 -> 16
    assert _arr(np.array([np.inf, np.inf]))[1] == 2


def test_zero_delays_reach_everyone_at_time_zero():
    org = swarm.networked(300, seed=2)
    res = swarm.simulate(org, swarm.Cascade(swarm.Constant(0.0)), swarm.Shock([5]), seed=0)
    reached = np.isfinite(res.arrival_times[0])
    assert reached.sum() > 250 and np.all(res.arrival_times[0][reached] == 0.0)


def test_ring_of_mixed_channels_covers_the_longest_step():
    kind = np.array([3, 1, 0], dtype=np.int8)  # meetings, exponential, constant
    a = np.array([3.0, 1.0, 0.25])
    b = np.array([0.5, 0.0, 0.0])
    scales = np.array([0.5, 2.0, 1.0])
    # width: a quarter of the shortest typical step, min(3, 1 * 0.5, 0.25 * 0.5) / 4;
    # ring: the longest step max(3, 44.5 * 2, 0.25 * 2) = 89 over that width,
    # + 2 = 2850 -> the next power of two, 4096
    delta, nb = _general(kind, a, b, False, False, scales)
    assert delta == pytest.approx(0.125 / 4) and nb == 4096
    # one law in slot 0 only, unit scales: the others are not read
    assert _general(kind, a, b, True, True, scales) == (0.75, 8)


@njit
def _prefetched_sum(x, rows, idx):
    """Sum of ``x[idx]``, prefetching every element and row first (past the end too)."""
    s = 0.0
    for k in range(idx.shape[0]):
        _prefetch(x, idx[k])
        _prefetch(rows, idx[k])
        _prefetch(x, idx[k] + x.shape[0])  # a hint never faults
    for k in range(idx.shape[0]):
        s += x[idx[k]]
    return s


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_prefetch_is_only_a_hint(dtype):
    """The prefetch compiles for 1-D and 2-D arrays and int32/int64 indices, and changes nothing."""
    rng = np.random.default_rng(3)
    x = rng.random(1000)
    rows = np.zeros((1000, 2), dtype=np.int32)
    idx = rng.integers(0, 1000, 500).astype(dtype)
    expected = 0.0
    for v in x[idx].tolist():  # the same left-to-right sum
        expected += v
    assert _prefetched_sum(x, rows, idx) == expected
