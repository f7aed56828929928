"""Who told whom: the recorded transmission tree, its subtree kernel and the messenger score."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from scipy.sparse.csgraph import dijkstra

import swarm
from swarm._checks import normalise_seed
from swarm._kernels.cascade import _draw_edges
from swarm._kernels.tree import _subtree_sizes
from swarm.models import Scheduled

from .reference import next_meeting, subtree_sizes
from .strategies import informer_forests


def _random_org(n, degree, seed, *, channels=False):
    """Random directed graph with continuous latency scales: shortest paths are unique."""
    rng = np.random.default_rng(seed)
    g = nx.gnm_random_graph(n, degree * n, seed=int(rng.integers(1 << 30)), directed=True)
    for u, v in g.edges:
        g[u][v]["latency"] = float(rng.uniform(0.5, 2.0))
        if channels:
            g[u][v]["channel"] = swarm.CHANNELS[int(rng.integers(3))]
    return swarm.from_networkx(g)


# ---- the tree against shortest paths ---------------------------------------------
@pytest.mark.parametrize("n", [300, 5000])  # 5000: renumbered internally for locality
def test_constant_delays_record_the_shortest_path_tree(n):
    org = _random_org(n, 4, n)
    assert (org._kernel["order"] is not None) == (n >= 4096)
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Constant(2.0)), swarm.Shock([3]), seed=1, record="tree"
    )
    dist, pred = dijkstra(org.watch.T.tocsr() * 2.0, indices=3, return_predecessors=True)
    np.testing.assert_array_equal(res.arrival_times[0], dist)
    expected = np.where(pred < 0, -1, pred)  # scipy: -9999 for the origin and the unreached
    np.testing.assert_array_equal(res.informed_by[0], expected)
    assert res.informed_by.dtype == np.int32  # half the memory of int64
    assert (expected >= 0).sum() > n // 2  # the tree is not trivial


# ---- the informer turned earlier by exactly the delay of its edge ----------------
def _public_delays(org, model, seed, runs):
    """Each run's drawn delay of every watch edge, keyed (sender, receiver) in public ids.

    Rebuilds the per-run kernel keys exactly as ``simulate`` derives them from
    ``seed`` and draws every edge with the kernel's own draw function.
    """
    g = org._kernel
    kind, a, b, _ = model._law_tables(g["channels_used"])
    order = g["order"] if g["order"] is not None else np.arange(org.n)
    sender = np.repeat(np.arange(org.n), np.diff(g["out_ptr"]))
    out = []
    for child in normalise_seed(seed).spawn(runs):
        keys = child.spawn(2)[1].generate_state(3, np.uint64)
        d, _ = _draw_edges(keys, g["out_scale"], g["out_chan"], kind, a, b, model.p, model.ignore)
        out.append(dict(zip(zip(order[sender].tolist(), order[g["out_idx"]].tolist()), d.tolist())))
    return out


MODELS = [
    swarm.Cascade(swarm.Exponential(1.0)),
    swarm.Cascade(swarm.LogNormal(1.0, 0.7), p=0.6),
    swarm.Cascade(swarm.Exponential(1.0), threshold=2, window=5.0),
    swarm.Cascade(swarm.Exponential(1.0), threshold=0.25, ignore=0.3, window=4.0),
    swarm.Cascade(
        {
            "formal": Scheduled(2.0, 0.3),
            "colleague": swarm.Exponential(1.0),
            "social": swarm.Constant(0.5),
        }
    ),
]


# complex contagion dies out on a large random graph (too few shared neighbours,
# Centola & Macy 2007), so the renumbered size (4500) runs the threshold-1 models
CASES = [(m, 400) for m in MODELS] + [(m, 4500) for m in MODELS if m.threshold == 1]


@pytest.mark.parametrize(
    "model, n", CASES, ids=lambda c: c.describe() if hasattr(c, "p") else str(c)
)
def test_informer_turned_earlier_by_exactly_the_edge_delay(model, n):
    org = _random_org(n, 8, 7, channels=True)
    runs, seed = 6, 11
    res = swarm.simulate(
        org,
        model,
        swarm.Shock("random", size=30, together=True),
        runs=runs,
        seed=seed,
        record="tree",
    )
    delays = _public_delays(org, model, seed, runs)
    chan = {}
    if isinstance(model.latency, dict):
        w = org.watch
        rows = np.repeat(np.arange(n), np.diff(w.indptr))
        chan = dict(zip(zip(w.indices.tolist(), rows.tolist()), org.channel.tolist()))
    told = 0
    for r in range(runs):
        t, inf = res.arrival_times[r], res.informed_by[r]
        origins = set(res.origins[r].tolist())
        assert all(inf[o] == -1 and t[o] == 0.0 for o in origins)
        assert np.all(inf[~np.isfinite(t)] == -1)
        for i in np.flatnonzero(np.isfinite(t)).tolist():
            if i in origins:
                continue
            j = int(inf[i])
            assert j >= 0 and org.watch[i, j] > 0  # i watches its informer
            arrival = t[j] + delays[r][(j, i)]
            if chan:
                law = model.latency[swarm.CHANNELS[chan[(j, i)]]]
                if isinstance(law, Scheduled):
                    arrival = next_meeting(arrival, law.period, law.phase)
            assert arrival == t[i], (r, i, j)
            told += 1
    assert told > 100  # the cascades travelled


def test_threshold_informer_is_the_last_signal_needed():
    """With threshold m, exactly m - 1 watched agents' signals arrived before the informer's."""
    org = _random_org(300, 8, 3)
    model = swarm.Cascade(swarm.Exponential(1.0), threshold=3)
    res = swarm.simulate(
        org, model, swarm.Shock("random", size=30, together=True), runs=4, seed=5, record="tree"
    )
    delays = _public_delays(org, model, 5, 4)
    w = org.watch
    checked = 0
    for r in range(4):
        t, inf = res.arrival_times[r], res.informed_by[r]
        for i in np.flatnonzero(np.isfinite(t) & (inf >= 0)).tolist():
            watched = w.indices[w.indptr[i] : w.indptr[i + 1]].tolist()
            arrivals = sorted(t[j] + delays[r][(j, i)] for j in watched)
            assert arrivals[2] == t[i] == t[inf[i]] + delays[r][(int(inf[i]), i)]
            checked += 1
    assert checked > 50


# ---- the subtree kernel -----------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(informer_forests(max_n=60))
def test_subtree_kernel_matches_reference_on_random_forests(informed):
    np.testing.assert_array_equal(_subtree_sizes(informed[None, :])[0], subtree_sizes(informed))


def test_subtree_kernel_matches_reference_on_simulated_trees():
    org = swarm.networked(3000, seed=2)
    res = swarm.simulate(org, swarm.Cascade(p=0.8), runs=5, seed=3, record="tree")
    sizes = _subtree_sizes(res.informed_by)
    for r in range(5):
        np.testing.assert_array_equal(sizes[r], subtree_sizes(res.informed_by[r]))
    # the origin's subtree is everyone else it reached
    o = res.origins[:, 0]
    reached = np.isfinite(res.arrival_times).sum(axis=1)
    np.testing.assert_array_equal(sizes[np.arange(5), o], reached - 1)


def test_subtree_kernel_rejects_a_cycle():
    with pytest.raises(ValueError, match="cycle"):
        _subtree_sizes(np.array([[1, 2, 0, -1]]))


# ---- the messenger score ------------------------------------------------------------
def test_star_centre_scores_n_minus_1():
    n = 12
    star = swarm.from_networkx(nx.star_graph(n - 1))  # centre 0, both directions
    res = swarm.simulate(star, swarm.Cascade(), swarm.Shock([0]), runs=5, seed=1, record="tree")
    top = res.messengers().iloc[0]
    assert top["id"] == 0 and top["score"] == n - 1 and top["direct"] == n - 1
    # random origins: the centre passes it to all but the leaf that started it
    res = swarm.simulate(
        star, swarm.Cascade(), swarm.Shock("random"), runs=300, seed=2, record="tree"
    )
    table = res.messengers().set_index("id")
    o = res.origins[:, 0]
    assert table.loc[0, "score"] == pytest.approx(np.mean(np.where(o == 0, n - 1, n - 2)))
    for leaf in range(1, n):  # a leaf passes it on only when it started it
        assert table.loc[leaf, "score"] == pytest.approx((n - 1) * np.mean(o == leaf))
        assert table.loc[leaf, "origin"] == pytest.approx(np.mean(o == leaf))


def test_random_recursive_tree_descendants_match_polya_urn():
    """In a random recursive tree of n nodes, node k's subtree holds n / (k + 1) nodes on average.

    Node k (0-indexed) joins when there are k + 1 nodes; each later node
    joins its subtree with probability (its size) / (all so far): a Polya
    urn whose expected share stays 1 / (k + 1). 400 disjoint trees of 100
    nodes, told from their roots along the tree only.
    """
    trees, size = 400, 100
    rng = np.random.default_rng(4)
    src, dst = [], []
    for t in range(trees):
        base = t * size
        for k in range(1, size):
            src.append(base + int(rng.integers(k)))
            dst.append(base + k)
    g = nx.DiGraph()
    g.add_nodes_from(range(trees * size))
    g.add_edges_from(zip(src, dst))  # parent -> child: the child watches its parent
    org = swarm.from_networkx(g)
    res = swarm.simulate(
        org, swarm.Cascade(), swarm.Shock(list(range(0, trees * size, size))), seed=1, record="tree"
    )
    desc = res.messengers().set_index("agent")["score"].sort_index().to_numpy()
    desc = desc.reshape(trees, size)
    assert np.all(desc[:, 0] == size - 1)
    for k in (1, 2, 3, 5, 10):
        j = k + 1
        # subtree share ~ Beta(1, k): variance k / ((k + 1)^2 (k + 2)); 4.5 standard
        # errors of the mean over the trees keeps a false alarm below 1e-5
        sd = size * np.sqrt(k / (j**2 * (j + 1))) / np.sqrt(trees)
        assert abs((desc[:, k] + 1).mean() - size / j) < 4.5 * sd + 0.5, k


def test_messengers_needs_the_tree():
    res = swarm.simulate(swarm.hierarchy(20), runs=2, seed=1)
    assert res.informed_by is None
    with pytest.raises(ValueError, match="record='tree'"):
        res.messengers()


def test_messengers_table_has_departments_levels_and_direct_counts():
    org = swarm.hierarchy(400)
    res = swarm.simulate(org, swarm.Cascade(), runs=20, seed=3, record="tree")
    table = res.messengers()
    assert list(table.columns) == [
        "id",
        "agent",
        "department",
        "level",
        "score",
        "direct",
        "origin",
    ]
    assert table.index[0] == 1 and table["score"].is_monotonic_decreasing
    assert table.iloc[0]["id"] == 0 and table.iloc[0]["level"] == 0  # the top carries it
    direct = np.zeros(org.n)
    for row in res.informed_by:
        np.add.at(direct, row[row >= 0], 1)
    np.testing.assert_allclose(table.set_index("agent").sort_index()["direct"], direct / res.runs)
    assert set(table["department"]) == set(org.department_names)
    # everyone reached was told by someone: the direct counts add up
    reached = np.isfinite(res.arrival_times).sum() - res.origins.size
    assert table["direct"].sum() * res.runs == pytest.approx(reached)
