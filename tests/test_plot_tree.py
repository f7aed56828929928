"""The transmission-tree plot: one run's tree drawn over the organisation."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import swarm
from swarm import plot
from swarm._kernels.tree import _subtree_sizes


def _artist(ax, label):
    found = [c for c in ax.collections if c.get_label() == label]
    assert len(found) == 1, label
    return found[0]


@pytest.mark.parametrize(
    "make, layout",
    [
        (lambda: swarm.silos(600, seed=1, departments=6), "organisation"),
        (lambda: swarm.hierarchy(300), "organisation"),
        (lambda: swarm.datasets.email_eu_core(), "time"),
    ],
)
def test_transmission_tree_draws_every_told_edge_and_the_messengers(make, layout, tmp_path):
    org = make()
    res = swarm.simulate(
        org, swarm.Cascade(p=0.9), swarm.Shock("random"), runs=3, seed=2, record="tree"
    )
    run = int(np.argmax(np.isfinite(res.arrival_times).sum(axis=1)))  # a run that travelled
    ax = plot.transmission_tree(res, run=run, top=4)
    informed = res.informed_by[run]
    told = np.flatnonzero(informed >= 0)
    tree = _artist(ax, "transmission tree")
    segs = tree.get_segments()
    assert len(segs) == told.size > 10
    np.testing.assert_array_equal(tree.get_array(), res.arrival_times[run, told])
    # each segment runs from the informer to the person it told
    xy = _artist(ax, "turned").get_offsets()
    reached = np.flatnonzero(np.isfinite(res.arrival_times[run]))
    pos = dict(zip(reached.tolist(), np.asarray(xy).tolist()))
    k = told[told.size // 2]
    seg = segs[told.size // 2]
    np.testing.assert_allclose(seg, [pos[int(informed[k])], pos[int(k)]])
    # the highlighted people are the four largest subtrees of this run, labelled
    sub = _subtree_sizes(informed[None, :])[0]
    sub[res.origins[run]] = -1
    best = np.lexsort((np.arange(org.n), -sub))[:4]
    labels = [t.get_text() for t in ax.texts]
    assert labels[:4] == ["1", "2", "3", "4"]
    assert labels[4].splitlines()[2:] == [
        f"{k}. {org.ids[b]}: {sub[b]}" for k, b in enumerate(best, start=1)
    ]
    assert len(_artist(ax, "top messengers").get_offsets()) == 4
    assert len(_artist(ax, "origin").get_offsets()) == 1
    assert ("share of staff who turned earlier" in ax.get_xlabel()) == (layout == "time")
    path = tmp_path / "tree.png"
    plot.save_figure(ax.figure, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def test_transmission_tree_of_a_star_rings_the_centre():
    star = swarm.from_networkx(nx.star_graph(20))
    res = swarm.simulate(star, swarm.Cascade(), swarm.Shock([3]), seed=1, record="tree")
    ax = plot.transmission_tree(res, top=1, layout="time")
    assert ax.texts[-1].get_text().splitlines()[-1] == "1. 0: 19"


def test_transmission_tree_refuses_bad_input():
    org = swarm.hierarchy(50)
    res = swarm.simulate(org, runs=2, seed=1)
    with pytest.raises(ValueError, match="record='tree'"):
        plot.transmission_tree(res)
    res = swarm.simulate(org, runs=2, seed=1, record="tree")
    with pytest.raises(ValueError, match="run must be <= 1"):
        plot.transmission_tree(res, run=2)
    with pytest.raises(ValueError, match="layout must be one of"):
        plot.transmission_tree(res, layout="spiral")
    with pytest.raises(ValueError, match="max_agents=10"):
        plot.transmission_tree(res, max_agents=10)
