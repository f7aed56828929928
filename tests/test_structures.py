"""Structure generators, org charts and the Organisation container."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import swarm
from swarm.structures.neighbours import k_nearest, spatial_partition

from .reference import k_nearest_brute


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_networked_watches_exactly_the_k_nearest(dim):
    org = swarm.networked(700, seed=dim, k=7, dim=dim)
    expected = np.sort(k_nearest_brute(org.position, 7), axis=1)
    got = org.watch.indices.reshape(700, 7)  # rows are sorted
    np.testing.assert_array_equal(got, expected)


def test_ties_go_to_the_lower_index():
    """On an integer lattice many agents sit at the same distance."""
    xy = np.array([(x, y) for x in range(12) for y in range(12)], dtype=float)
    perm = np.random.default_rng(0).permutation(len(xy))
    pts = xy[perm]
    for k in (1, 3, 4, 5, 7, 8):
        np.testing.assert_array_equal(
            np.sort(k_nearest(pts, k), axis=1), np.sort(k_nearest_brute(pts, k), axis=1)
        )


def test_duplicate_points_do_not_watch_themselves():
    pts = np.zeros((10, 2))
    nbr = k_nearest(pts, 3)
    assert not np.any(nbr == np.arange(10)[:, None])
    np.testing.assert_array_equal(nbr[0], [1, 2, 3])


def test_hierarchy_depth_and_spans():
    span, n = 7, 1 + 7 + 49 + 343 + 100
    org = swarm.hierarchy(n, span=span)
    assert int(org.level.max()) == 4
    assert np.bincount(org.level).tolist() == [1, 7, 49, 343, 100]
    reports = np.bincount(org.manager[org.manager >= 0], minlength=n)
    assert reports.max() == span
    # everyone watches exactly their manager and their reports
    for i in (0, 1, 8, 57, n - 1):
        expect = set(np.flatnonzero(org.manager == i).tolist())
        if org.manager[i] >= 0:
            expect.add(int(org.manager[i]))
        assert set(org.watch[[i]].indices.tolist()) == expect
    assert set(swarm.CHANNELS[c] for c in org.channel) == {"formal"}
    # the worst hop count is up to the top and down again: 2 * depth (the partly
    # filled last level sits under one branch, so 4 + 3 here)
    hops = sp.csgraph.shortest_path(org.watch, unweighted=True)
    assert hops.max() == 4 + 3
    full = swarm.hierarchy(400, span=7)
    assert sp.csgraph.shortest_path(full.watch, unweighted=True).max() == 2 * 3


def test_linking_pin_groups_overlap_through_their_heads():
    org = swarm.linking_pin(1 + 6 + 36, group_size=7)
    assert np.all(org.attention[7:] == 6)  # reports: their own group only
    assert np.all(org.attention[1:7] == 12)  # heads: two groups
    assert org.watch[3, 1] > 0 and org.watch[3, 0] > 0  # a head watches peers and manager
    hops = sp.csgraph.shortest_path(org.watch, unweighted=True)
    assert hops.max() == 3  # peer links shorten the hierarchy's 2 * 2 = 4


def test_silos_wall_departments_off_except_heads():
    org = swarm.silos(800, seed=2, departments=5, k=7)
    w = org.watch.tocoo()
    cross = org.department[w.row] != org.department[w.col]
    heads = np.flatnonzero(org.level == 0)
    assert len(heads) == 5
    assert set(w.row[cross]) <= set(heads) and set(w.col[cross]) <= set(heads)
    assert np.all(org.channel[cross] == swarm.CHANNELS.index("formal"))
    assert np.bincount(org.department).tolist() == [160] * 5
    # same seed: the same social space and departments as networked
    net = swarm.networked(800, seed=2, departments=5)
    np.testing.assert_array_equal(net.position, org.position)
    np.testing.assert_array_equal(net.department, org.department)


def test_spatial_partition_sizes():
    pts = np.random.default_rng(1).random((1003, 2))
    sizes = np.bincount(spatial_partition(pts, 7))
    assert len(sizes) == 7 and sizes.sum() == 1003 and np.ptp(sizes) <= 1


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: swarm.hierarchy(0), "n must be >= 1"),
        (lambda: swarm.networked(10, k=10), "k must be smaller than n"),
        (lambda: swarm.networked(10, k=0), "k must be >= 1"),
        (lambda: swarm.silos(10, departments=11), "departments must be <= 10"),
        (lambda: swarm.linking_pin(10, group_size=1), "group_size must be >= 2"),
        (lambda: swarm.hierarchy(2.5), "n must be an integer"),
    ],
)
def test_bad_sizes_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ---- org charts ---------------------------------------------------------------
def _chart():
    return pd.DataFrame(
        {
            "id": ["ceo", "ops", "hr", "a", "b", "c"],
            "manager": ["", "ceo", "ceo", "ops", "ops", "hr"],
            "department": ["board", "operations", "hr", "operations", "operations", "hr"],
        }
    )


def test_org_chart_builds_the_hierarchy_of_those_people(tmp_path):
    path = tmp_path / "chart.csv"
    _chart().to_csv(path, index=False)
    org = swarm.from_org_chart(path)
    assert org.ids.tolist() == ["ceo", "ops", "hr", "a", "b", "c"]
    assert org.level.tolist() == [0, 1, 1, 2, 2, 2]
    assert org.department_names == ("board", "hr", "operations")
    a = org.index_of(["a"])[0]
    assert org.watch[[a]].indices.tolist() == org.index_of(["ops"]).tolist()
    res = swarm.simulate(org, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock(["a"]), seed=0)
    assert dict(zip(org.ids, res.arrival_times[0])) == {
        "a": 0,
        "ops": 1,
        "b": 2,
        "ceo": 2,
        "hr": 3,
        "c": 4,
    }
    assert swarm.Shock("bottom").origins(org, np.random.default_rng(0))[0] in org.index_of(
        ["a", "b", "c"]
    )


def test_org_chart_numeric_ids_with_blank_managers():
    chart = pd.DataFrame(
        {"id": [10, 11, 12], "manager": [None, 10.0, 10.0], "department": ["x", "y", "y"]}
    )
    org = swarm.from_org_chart(chart)
    assert org.ids.tolist() == [10, 11, 12] and org.level.tolist() == [0, 1, 1]


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda c: c.assign(manager=["c", "ceo", "ceo", "ops", "ops", "hr"]), "cycle"),
        (lambda c: c.assign(manager=["", "ceo", "ceo", "ops", "ops", "zoe"]), "missing manager"),
        (lambda c: c.assign(id=["ceo", "ops", "hr", "a", "a", "c"]), "appears twice"),
        (lambda c: c.assign(manager=["", "ceo", "ceo", "a", "ops", "hr"]), "their own manager"),
        (lambda c: c.drop(columns="department"), "has no column for the department"),
        (lambda c: c.iloc[:0], "no people"),
    ],
)
def test_malformed_org_charts_are_refused(edit, match):
    with pytest.raises(ValueError, match=match):
        swarm.from_org_chart(edit(_chart()))


def test_org_chart_from_a_missing_file():
    with pytest.raises(ValueError, match="no such file"):
        swarm.from_org_chart("/nonexistent/chart.csv")


def test_large_org_chart_is_renumbered_invisibly():
    org = swarm.hierarchy(6000, span=5)
    chart = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(6000)],
            "manager": [""] + [f"p{m}" for m in org.manager[1:]],
            "department": [org.department_names[d] for d in org.department],
        }
    )
    chart = chart.sample(frac=1.0, random_state=1)  # an export in no useful order
    mine = swarm.from_org_chart(chart)
    assert mine._kernel["order"] is not None
    model = swarm.Cascade(swarm.Constant(1.0))
    res = swarm.simulate(mine, model, swarm.Shock(["p0"]), seed=0)
    ref = swarm.simulate(org, model, swarm.Shock([0]), seed=0)
    by_id = dict(zip(mine.ids, res.arrival_times[0]))
    assert all(by_id[f"p{i}"] == ref.arrival_times[0, i] for i in range(6000))


# ---- the container --------------------------------------------------------------
def test_organisation_is_immutable_and_comparable():
    org = swarm.networked(50, seed=1)
    with pytest.raises(AttributeError):
        org.n = 3
    with pytest.raises(ValueError):
        org.watch.data[0] = 5.0
    assert org == swarm.networked(50, seed=1)
    assert org != swarm.networked(50, seed=2)
    assert org.replace(name="x") == org.replace(name="y")  # names do not change the structure


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(watch=sp.csr_array(([1.0], ([0], [0])), shape=(2, 2))), "self-watching"),
        (dict(watch=sp.csr_array(([-1.0], ([0], [1])), shape=(2, 2))), "finite and > 0"),
        (dict(watch=sp.csr_array((2, 3))), "square"),
        (dict(watch=sp.csr_array((2, 2)), level=[0]), "one value per agent"),
        (dict(watch=sp.csr_array((2, 2)), ids=[1, 1]), "unique"),
        (
            dict(watch=sp.csr_array(([1.0], ([0], [1])), shape=(2, 2)), channel=["email"]),
            "channel must be one of",
        ),
    ],
)
def test_organisation_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        swarm.Organisation(**kwargs)


def test_networkx_round_trip():
    g = nx.gnp_random_graph(40, 0.1, seed=3, directed=True)
    for u, v in g.edges:
        g[u][v]["latency"] = 1.0 + (u + v) % 3
        g[u][v]["channel"] = swarm.CHANNELS[(u * v) % 3]
    org = swarm.from_networkx(g)
    back = org.to_networkx()
    assert set(back.edges) == set(g.edges)
    assert all(back[u][v]["latency"] == g[u][v]["latency"] for u, v in g.edges)
    assert all(back[u][v]["channel"] == g[u][v]["channel"] for u, v in g.edges)
    assert swarm.from_networkx(back) == org
    und = swarm.from_networkx(nx.path_graph(["a", "b", "c"]))
    assert und.ids.tolist() == ["a", "b", "c"] and und.n_edges == 4
