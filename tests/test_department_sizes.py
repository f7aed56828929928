"""Structures with given department sizes, to compare with a real organisation."""

from __future__ import annotations

import numpy as np
import pytest

import swarm
from swarm.structures.neighbours import spatial_partition

SIZES = [49, 65, 10, 12, 109, 1, 28, 3, 51]


def test_spatial_partition_with_sizes_gives_exact_compact_groups():
    pts = np.random.default_rng(1).random((sum(SIZES), 2))
    labels = spatial_partition(pts, SIZES)
    assert np.bincount(labels).tolist() == SIZES
    # contiguous: recursive bisection gives every group a rectangle of its own,
    # so no two groups' bounding boxes overlap (exact, for any sizes; groups
    # drawn at random would all overlap)
    lo = np.array([pts[labels == g].min(axis=0) for g in range(len(SIZES))])
    hi = np.array([pts[labels == g].max(axis=0) for g in range(len(SIZES))])
    for a in range(len(SIZES)):
        for b in range(a):
            overlap = np.all((lo[a] < hi[b]) & (lo[b] < hi[a]))
            assert not overlap, (a, b)
    # a count still gives the equal split it always gave: four quadrants of
    # about 0.5 x 0.5, so each group's spread along either axis is about
    # 0.5 / sqrt(12) = 0.144 (a strip or a random group: 0.289). The sample
    # sd of 82 uniform points varies by 0.144 * sqrt(0.8 / (4 * 82)) = 0.007
    # and the median cuts move by 0.5 / sqrt(328) = 0.028, i.e. 0.008 in sd:
    # 0.045 is four of their combined 0.011
    quarters = spatial_partition(pts, 4)
    assert np.bincount(quarters).tolist() == [82, 82, 82, 82]
    for g in range(4):
        spread = pts[quarters == g].std(axis=0)
        assert np.all(np.abs(spread - 0.5 / np.sqrt(12)) < 0.045), (g, spread)


def test_silos_with_department_sizes():
    org = swarm.silos(sum(SIZES), seed=3, departments=SIZES)
    assert np.bincount(org.department).tolist() == SIZES
    assert (org.level == 0).sum() == len(SIZES)
    # nobody but a head watches across the wall
    w = org.watch
    rows = np.repeat(np.arange(org.n), np.diff(w.indptr))
    across = org.department[rows] != org.department[w.indices]
    assert np.all(org.level[rows[across]] == 0) and np.all(org.level[w.indices[across]] == 0)
    assert org.attention.max() <= 7 + 7


def test_hierarchy_with_department_sizes_is_a_rake_per_department():
    org = swarm.hierarchy(sum(SIZES), span=7, departments=SIZES)
    assert np.bincount(org.department).tolist() == SIZES
    heads = np.flatnonzero(org.manager < 0)
    assert heads.tolist() == [0]
    starts = np.concatenate([[0], np.cumsum(SIZES)[:-1]])
    for d, lo in enumerate(starts.tolist()):
        members = np.flatnonzero(org.department == d)
        inside = members[members != lo]
        # everyone but the head reports to someone in their own department
        assert np.all(org.department[org.manager[inside]] == d)
        if d:
            assert org.department[org.manager[lo]] != d  # the head reports to a head
    reports = np.bincount(org.manager[org.manager >= 0], minlength=org.n)
    assert reports.max() <= 2 * 7  # own reports plus heads below
    assert org.n_edges == 2 * (org.n - 1)  # a tree, watched both ways
    res = swarm.simulate(org, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top"))
    assert res.arrival_times.max() == org.level.max()


@pytest.mark.parametrize(
    "make",
    [
        lambda: swarm.silos(10, departments=[5, 4]),
        lambda: swarm.hierarchy(10, departments=[5, 0, 5]),
        lambda: swarm.hierarchy(10, departments=[5.0, 5.0]),
    ],
)
def test_sizes_must_be_positive_and_add_up(make):
    with pytest.raises(ValueError, match="departments must be"):
        make()
