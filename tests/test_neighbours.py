"""Exact k-nearest neighbours: the grid and the kd-tree search against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import swarm
from swarm.structures.neighbours import _k_nearest_grid, _k_nearest_tree, k_nearest

from .reference import brute_k_nearest


@st.composite
def point_sets(draw):
    """Points in 1-3 dimensions: uniform floats, or a coarse lattice full of ties and duplicates."""
    dim = draw(st.integers(1, 3))
    n = draw(st.integers(2, 90))
    kind = draw(st.sampled_from(["float", "lattice", "duplicates"]))
    if kind == "float":
        elements = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    elif kind == "lattice":  # many points at equal distances: ties at the k-th place
        elements = st.integers(-4, 4).map(float)
    else:  # a handful of distinct places, each shared by several points
        elements = st.sampled_from([0.0, 0.5, 3.0])
    pts = draw(arrays(np.float64, (n, dim), elements=elements))
    scale = draw(st.sampled_from([1.0, 1e-7, 3.7]))
    shift = draw(st.sampled_from([0.0, 1e6, -2.5]))  # far from the origin: rounding in binning
    k = draw(st.integers(1, min(9, n - 1)))
    return pts * scale + shift, k


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point_sets(), st.sampled_from([0.5, 2.0, 5.0]))
def test_grid_equals_brute_force(case, per_cell):
    """Forced onto the grid however clustered, for several cell sizes."""
    pts, k = case
    want = brute_k_nearest(pts, k)
    got = _k_nearest_grid(pts, k, per_cell=per_cell, max_work=None)
    np.testing.assert_array_equal(got, want)
    by_index = _k_nearest_grid(
        pts, k, per_cell=per_cell, max_work=None, by_index=True, dtype=np.int32
    )
    assert by_index.dtype == np.int32
    np.testing.assert_array_equal(by_index, np.sort(want, axis=1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point_sets())
def test_tree_and_public_search_equal_brute_force(case):
    pts, k = case
    want = brute_k_nearest(pts, k)
    np.testing.assert_array_equal(_k_nearest_tree(pts, k), want)
    np.testing.assert_array_equal(k_nearest(pts, k), want)


def test_clustered_points_leave_the_grid_for_the_tree():
    """All points on one spot: one grid cell would be a quadratic scan, so no grid answer."""
    pts = np.zeros((500, 2))
    assert _k_nearest_grid(pts, 3) is None
    np.testing.assert_array_equal(k_nearest(pts, 3)[:2], [[1, 2, 3], [0, 2, 3]])


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_grid_on_uniform_points_equals_the_tree(dim):
    """A few thousand uniform points, k = 7: both exact searches agree row by row."""
    pts = np.random.default_rng(dim).random((6000, dim))
    got = _k_nearest_grid(pts, 7)
    assert got is not None
    np.testing.assert_array_equal(got, _k_nearest_tree(pts, 7))


def test_four_dimensions_use_the_tree():
    pts = np.random.default_rng(0).random((300, 4))
    np.testing.assert_array_equal(k_nearest(pts, 5), brute_k_nearest(pts, 5))


def test_networked_rows_are_the_sorted_brute_force_neighbours():
    org = swarm.networked(900, seed=11, k=5, dim=3, departments=4)
    got = org.watch.indices.reshape(900, 5)
    np.testing.assert_array_equal(got, np.sort(brute_k_nearest(org.position, 5), axis=1))


@st.composite
def leaf_sets(draw):
    """Points for a kd-tree: uniform, on a coarse lattice (equal coordinates), or piled up."""
    dim = draw(st.integers(1, 3))
    n = draw(st.integers(1, 400))
    kind = draw(st.sampled_from(["float", "lattice", "pile"]))
    elements = {
        "float": st.floats(-50, 50, allow_nan=False, allow_infinity=False),
        "lattice": st.integers(-3, 3).map(float),
        "pile": st.sampled_from([0.0, 1.0, 1.0 + 2**-40]),
    }[kind]
    return draw(arrays(np.float64, (n, dim), elements=elements))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaf_sets(), st.sampled_from([1, 2, 16]), st.sampled_from([1, 3, 64]))
def test_leaf_order_is_scipys(pts, leafsize, tasks):
    """networked numbers agents in this order; it must stay scipy's, tie for tie.

    Should a future scipy change its tree, this test fails while networked
    keeps its numbering (the order is computed here, not read from scipy).
    """
    from scipy.spatial import cKDTree

    from swarm._kernels.neighbours import _kd_leaf_order, _kd_leaf_sort

    want = cKDTree(pts, leafsize=leafsize, balanced_tree=False, compact_nodes=False).indices
    np.testing.assert_array_equal(_kd_leaf_order(pts, leafsize, tasks), want)
    order, placed = _kd_leaf_sort(pts, leafsize, tasks)  # the points come along, exactly
    np.testing.assert_array_equal(order, want)
    np.testing.assert_array_equal(placed, pts[want])


def test_leaf_order_on_many_points_and_a_deep_chain():
    from scipy.spatial import cKDTree

    from swarm._kernels.neighbours import _kd_leaf_order

    rng = np.random.default_rng(4)
    chain = (2.0 ** -np.arange(600))[:, None]  # every split peels off one point
    for pts in (rng.random((200_000, 2)), rng.random((50_000, 3)), chain):
        want = cKDTree(pts, balanced_tree=False, compact_nodes=False).indices
        np.testing.assert_array_equal(_kd_leaf_order(pts, 16, 64), want)


def test_subnormal_coordinates_search_without_an_overflow_warning():
    """Points a few subnormals apart: one grid cell, no overflow in 1 / cell width."""
    import warnings

    from swarm.structures.neighbours import _k_nearest_grid

    pts = np.array([[0.0], [5e-324], [1e-323]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _k_nearest_grid(pts, 1)
    # squared distances underflow to 0: all tie, and ties go to the lower index
    assert got.tolist() == [[1], [0], [0]]
