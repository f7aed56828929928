"""Organisations from contact tables, the shipped e-mail network, and linking pins."""

from __future__ import annotations

import gzip
import pathlib
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import swarm

DATA = pathlib.Path(swarm.__file__).parent / "datasets" / "data"


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return swarm.from_edges(*args, **kwargs)


MAILS = pd.DataFrame(
    {
        "source": ["ann", "ann", "ann", "bob", "cy", "cy", "dee", "bob"],
        "target": ["bob", "bob", "cy", "cy", "ann", "cy", "dee", "ann"],
    }
)


# ---- from_edges -----------------------------------------------------------------
def test_target_watches_source_and_counts_set_the_latency_scale():
    with pytest.warns(UserWarning, match=r"dropped 2 self-contacts .* merged 1 repeated row"):
        org = swarm.from_edges(MAILS)
    assert org.ids.tolist() == ["ann", "bob", "cy", "dee"]  # dee only wrote to herself
    a, b, c, d = org.index_of(["ann", "bob", "cy", "dee"])
    # rows ann->bob (2), ann->cy, bob->cy, cy->ann, bob->ann: the target watches the source
    counts = {(b, a): 2, (c, a): 1, (c, b): 1, (a, c): 1, (a, b): 1}
    mean = np.mean(list(counts.values()))
    assert org.n_edges == len(counts) and org.attention[d] == 0
    for (watcher, watched), cnt in counts.items():
        assert org.watch[watcher, watched] == pytest.approx(mean / cnt)
    assert set(org.channel.tolist()) == {swarm.CHANNELS.index("colleague")}


def test_weights_latency_laws_and_undirected_contacts():
    t = pd.DataFrame(
        {
            "source": [1, 2, 1, 3],
            "target": [2, 1, 3, 1],
            "n": [4, 1, 2, 2],
            "when": [0, 3600, 7200, 36000],
        }
    )
    org = swarm.from_edges(t, weight="n")
    assert org.watch[1, 0] == pytest.approx(2.25 / 4)  # mean count 9/4
    assert swarm.from_edges(t, weight="n", latency=None).watch.data.tolist() == [1.0] * 4
    rate = swarm.from_edges(t, weight="n", timestamp="when", latency="rate")
    assert rate.watch[1, 0] == pytest.approx(10.0 / 4)  # 10 hours observed, 4 contacts
    dates = t.assign(when=pd.to_datetime(t["when"], unit="s").astype(str))
    assert swarm.from_edges(dates, weight="n", timestamp="when", latency="rate") == rate
    with pytest.warns(UserWarning, match="merged 2 repeated rows"):  # 1->2 and 2->1 ...
        und = swarm.from_edges(t, weight="n", directed=False)
    # pair 1-2 counts 4 + 1, pair 1-3 counts 2 + 2: both directions watch each other
    assert und.n_edges == 4
    assert und.watch[0, 1] == und.watch[1, 0] == pytest.approx(4.5 / 5)
    assert und.watch[0, 2] == und.watch[2, 0] == pytest.approx(4.5 / 4)


def test_attention_budget_keeps_the_k_most_frequent_contacts():
    rng = np.random.default_rng(3)
    t = pd.DataFrame({"source": rng.integers(0, 40, 3000), "target": rng.integers(0, 40, 3000)})
    full = _quiet(t, latency=None)
    top = _quiet(t, latency=None, k=7)
    assert top.attention.max() == 7 and full.attention.min() > 7
    counts = t[t.source != t.target].groupby(["target", "source"]).size()
    for i in range(40):
        kept = set(top.watch.indices[top.watch.indptr[i] : top.watch.indptr[i + 1]].tolist())
        row = counts.loc[i]
        # nobody dropped was contacted more often than someone kept
        assert row[list(kept)].min() >= row.drop(list(kept)).max()


def test_people_table_gives_departments_levels_and_formal_edges():
    people = pd.DataFrame(
        {
            "id": ["ann", "bob", "cy", "dee", "eve"],
            "department": ["board", "sales", "sales", "it", "it"],
            "manager": ["", "ann", "bob", "ann", "dee"],
        }
    )
    org = _quiet(MAILS, people)
    assert org.ids.tolist() == people["id"].tolist() and org.n == 5  # eve: no contacts
    assert org.department_names == ("board", "it", "sales")
    assert org.level.tolist() == [0, 1, 2, 1, 2]
    formal = swarm.CHANNELS.index("formal")
    w = org.watch
    rows = np.repeat(np.arange(5), np.diff(w.indptr))
    chan = dict(zip(zip(rows.tolist(), w.indices.tolist()), org.channel.tolist()))
    assert chan[(4, 3)] == chan[(3, 4)] == formal  # eve and her manager dee
    assert chan[(1, 0)] != formal  # bob already hears from ann by mail: the contact stays
    assert chan[(0, 1)] != formal and chan[(2, 1)] != formal
    assert chan[(1, 2)] == formal  # bob watches his report cy only formally


def test_from_edges_round_trips_with_to_networkx(tmp_path):
    rng = np.random.default_rng(1)
    n = 5000  # large enough to be renumbered for locality inside
    t = pd.DataFrame(
        {
            "source": [f"p{x}" for x in rng.integers(0, n, 40000)],
            "target": [f"p{x}" for x in rng.integers(0, n, 40000)],
        }
    )
    people = pd.DataFrame({"id": [f"p{x}" for x in range(n)], "department": rng.integers(0, 12, n)})
    path = tmp_path / "mails.csv"
    t.to_csv(path, index=False)
    org = _quiet(str(path), people, k=9)
    assert org._kernel["order"] is not None
    g = org.to_networkx()
    back = swarm.from_edges(nx.to_pandas_edgelist(g), people, scale="latency", channel="channel")
    assert back == org
    # and to_networkx shows the contacts as they were given, self-contacts dropped
    direct = _quiet(t, people, latency=None).to_networkx()
    expected = nx.DiGraph()
    expected.add_nodes_from(people["id"])
    expected.add_edges_from((s, d) for s, d in zip(t.source, t.target) if s != d)
    assert set(direct.edges) == set(expected.edges) and set(direct) == set(expected)
    assert direct.nodes["p7"]["department"] == str(people.loc[7, "department"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"source": "from"}, "no column 'from'"),
        ({"latency": "often"}, "latency must be one of"),
        ({"latency": "rate"}, "needs timestamp"),
        ({"weight": "w"}, "values must be finite numbers > 0"),
        ({"channel": "pigeon"}, "channel must be one of"),
        ({"k": 0}, "k must be >= 1"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    t = MAILS.assign(w=[1, 2, 0, 1, 1, 1, 1, 1])
    with pytest.raises(ValueError, match=match):
        _quiet(t, **kwargs)


def test_an_empty_table_is_refused():
    with pytest.raises(ValueError, match="has no contacts"):
        swarm.from_edges(pd.DataFrame({"source": [], "target": []}))


def test_people_table_must_hold_everyone():
    with pytest.raises(ValueError, match=r"1 people who are not in the people table.*'dee'"):
        _quiet(MAILS, pd.DataFrame({"id": ["ann", "bob", "cy"], "department": [1, 1, 2]}))


# ---- the shipped e-mail network --------------------------------------------------
def _snap(name):
    with gzip.open(DATA / name, "rt") as fh:
        return np.loadtxt(fh, dtype=np.int64)


def test_email_eu_core_loads_1005_people_in_42_departments():
    org = swarm.datasets.email_eu_core()
    labels = _snap("email-Eu-core-department-labels.txt.gz")
    edges = _snap("email-Eu-core.txt.gz")
    assert org.n == 1005 and len(org.department_names) == 42 and edges.shape == (25571, 2)
    assert org.ids.tolist() == list(range(1005))
    np.testing.assert_array_equal(np.bincount(org.department), np.bincount(labels[:, 1]))
    keep = edges[:, 0] != edges[:, 1]
    assert (~keep).sum() == 642 and org.n_edges == keep.sum()
    assert org.watch[edges[keep, 1], edges[keep, 0]].min() == 1.0  # receiver watches sender
    seven = swarm.datasets.email_eu_core(k=7, seed=2)
    assert seven.attention.max() == 7 and seven != swarm.datasets.email_eu_core(k=7, seed=3)
    assert seven == swarm.datasets.email_eu_core(k=7, seed=2)


def test_email_eu_core_cascade_reaches_what_the_graph_allows():
    """With p = 1 a run reaches exactly the people its origin can reach by e-mail.

    Only 803 people are in the largest strongly connected component and 181
    never wrote, so the mean reach is below 1 (about 0.8) by construction.
    """
    org = swarm.datasets.email_eu_core()
    res = swarm.simulate(org, swarm.Cascade(), runs=60, seed=4, record="tree")
    g = nx.DiGraph()
    g.add_nodes_from(range(org.n))
    edges = _snap("email-Eu-core.txt.gz")
    g.add_edges_from(map(tuple, edges[edges[:, 0] != edges[:, 1]]))
    assert max(len(c) for c in nx.strongly_connected_components(g)) == 803
    for r in range(res.runs):
        o = int(res.origins[r, 0])
        expected = len(nx.descendants(g, o)) + 1
        assert np.isfinite(res.arrival_times[r]).sum() == expected
    reach = res.metrics()["reach"]
    assert 0.6 < reach.mean() < 0.95 and reach.max() < 1
    assert res.messengers()["score"].iloc[0] > 50  # someone carried it to many


# ---- removal and linking pins ----------------------------------------------------
def test_star_linking_pin_is_the_centre_and_losing_it_stops_everything():
    star = swarm.from_networkx(nx.star_graph(30))
    pins = swarm.find_linking_pins(star, swarm.Cascade(), swarm.Shock([5]), runs=30, top=2, seed=1)
    assert pins.ids.tolist()[0] == 0 and 5 not in pins.ids.tolist()  # the origin is the shock
    row = pins.table.loc[1]
    assert row["score"] == 29 and np.isfinite(row["t90"]) and row["t90_without"] == np.inf
    assert row["reach_without"] == pytest.approx(1 / 30)  # the origin alone
    assert pins.t90_without_all == np.inf


def test_linking_pins_confirm_by_simulating_the_removal():
    org = swarm.networked(400, seed=3)
    model, shock = swarm.Cascade(), swarm.Shock("random")
    pins = swarm.find_linking_pins(org, model, shock, runs=40, top=3, seed=9)
    assert list(pins.table.columns) == [
        "id",
        "department",
        "level",
        "score",
        "t90",
        "t90_without",
        "slowdown",
        "reach",
        "reach_without",
        "unit",
    ]
    ranked = pins.result.messengers()
    np.testing.assert_array_equal(pins.agents, ranked["agent"].to_numpy()[:3])
    np.testing.assert_array_equal(pins.table["score"], ranked["score"].to_numpy()[:3])
    a = int(pins.agents[1])
    again = swarm.simulate(swarm.remove(org, [org.ids[a]]), model, shock, runs=40, seed=9)
    assert pins.table.loc[2, "t90_without"] == np.median(again.metrics()["t90"])
    base = swarm.simulate(org, model, shock, runs=40, seed=9)
    assert pins.t90 == np.median(base.metrics()["t90"])
    with pytest.raises(ValueError, match="top must be"):
        swarm.find_linking_pins(org, top=0)


def test_shipped_data_is_declared_as_package_data():
    """A non-editable install ships only what pyproject declares: every data file must match."""
    import fnmatch
    import tomllib

    root = pathlib.Path(__file__).parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["swarm.datasets"]
    files = sorted(p.relative_to(DATA.parent).as_posix() for p in DATA.iterdir())
    shipped = {"data/email-Eu-core.txt.gz", "data/email-Eu-core-department-labels.txt.gz"}
    assert shipped <= set(files)
    for f in files:
        assert any(fnmatch.fnmatch(f, pat) for pat in patterns), f
