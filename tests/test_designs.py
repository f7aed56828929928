"""The five designs from the literature, each against its definition."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

import swarm
from swarm.organisation import CHANNELS
from tests import reference as ref

FORMAL, COLLEAGUE = CHANNELS.index("formal"), CHANNELS.index("colleague")


def _edges(org, channel=None):
    w = org.watch
    rows = np.repeat(np.arange(org.n), np.diff(w.indptr))
    keep = np.ones(rows.size, bool) if channel is None else org.channel == channel
    return set(zip(rows[keep].tolist(), w.indices[keep].tolist()))


def _symmetric(org):
    e = _edges(org)
    return all((b, a) in e for a, b in e)


# ---- small world ---------------------------------------------------------------


def test_small_world_without_rewiring_is_the_flock():
    a, b = swarm.small_world(800, seed=4, rewire=0.0), swarm.networked(800, seed=4)
    assert _edges(a) == _edges(b)
    np.testing.assert_array_equal(a.position, b.position)


@pytest.mark.parametrize("rewire", [0.05, 0.3])
def test_small_world_budget_and_share_of_weak_ties(rewire):
    n, k = 3000, 7
    org = swarm.small_world(n, seed=11, k=k, rewire=rewire)
    assert set(org.attention.tolist()) == {k}  # everyone watches exactly k
    assert set(org.channel.tolist()) == {COLLEAGUE}
    local = _edges(swarm.networked(n, seed=11, k=k))
    weak = len(_edges(org) - local)
    # each of the n k watches is rewired with probability `rewire`; a rewired
    # one lands back among the k nearest with chance below k / n (negligible
    # here), so `weak` is binomial(n k, rewire): 4.5 standard deviations
    # leave a false alarm below 1e-5
    m = n * k
    assert abs(weak - m * rewire) < 4.5 * np.sqrt(m * rewire * (1 - rewire))


def test_small_world_has_the_shape_of_watts_strogatz_figure_2():
    """Some rewiring halves the mean hop distance while clustering stays at 90 %."""
    n = 800
    c0, l0 = ref.clustering_and_path_length(swarm.small_world(n, seed=3, rewire=0.0))
    ok = []
    for p in (0.003, 0.01, 0.03):
        c, length = ref.clustering_and_path_length(swarm.small_world(n, seed=3, rewire=p))
        ok.append(length < 0.5 * l0 and c >= 0.9 * c0)
    assert any(ok)
    # and much rewiring destroys the clustering (the other end of the figure)
    c1, _ = ref.clustering_and_path_length(swarm.small_world(n, seed=3, rewire=1.0))
    assert c1 < 0.2 * c0


# ---- multiscale -----------------------------------------------------------------


def test_multiscale_backbone_and_links():
    n, links = 600, 150
    org = swarm.multiscale(n, seed=2, links=links)
    rake = swarm.hierarchy(n)
    assert _edges(org, FORMAL) == _edges(rake)  # the formal backbone is the rake
    cross = _edges(org, COLLEAGUE)
    assert len(cross) == 2 * links and _symmetric(org)  # each link watched both ways
    np.testing.assert_array_equal(
        org.attention, rake.attention + np.bincount([a for a, _ in cross], minlength=n)
    )
    # never between a manager and someone in their own line (they already share it)
    anc = {i: set() for i in range(n)}
    for i in range(1, n):
        j = int(rake.manager[i])
        while j >= 0:
            anc[i].add(j)
            j = int(rake.manager[j])
    assert not any(b in anc[a] or a in anc[b] for a, b in cross)


def test_multiscale_lam_puts_links_near_the_top():
    n = 2000
    low = swarm.multiscale(n, seed=1, links=300, lam=0.3)
    high = swarm.multiscale(n, seed=1, links=300, lam=30.0)

    def senior_share(org):  # share of cross-link ends held by levels 0-2
        ends = [a for a, _ in _edges(org, COLLEAGUE)]
        return np.mean(org.level[ends] <= 2)

    assert senior_share(low) > 2 * senior_share(high)


def _random_links(n, links, seed):
    """The rake plus `links` cross-links drawn uniformly among pairs not yet linked."""
    g = ref.undirected(swarm.hierarchy(n))
    rng = np.random.default_rng(seed)
    added = 0
    while added < links:
        a, b = rng.choice(n, 2, replace=False).tolist()
        if not g.has_edge(a, b):
            g.add_edge(a, b)
            added += 1
    return g


def test_multiscale_relieves_the_busiest_person_better_than_random_links():
    """Dodds, Watts & Sabel 2003: the same number of links, a lower maximum load.

    400 people, 40 added links (a tenth of the head count, the regime in
    which DWS found that a few links do most of the work). Measured: the
    busiest person's betweenness is about 0.45 of the random case's for
    lam = zeta = 1 (3 seeds each); asserting 0.75 leaves room for the seed
    spread (each mean varies by about 10 %).
    """
    n, links = 400, 40
    ms = np.mean(
        [
            ref.max_betweenness(ref.undirected(swarm.multiscale(n, seed=s, links=links)))
            for s in range(3)
        ]
    )
    rnd = np.mean([ref.max_betweenness(_random_links(n, links, s)) for s in range(3)])
    assert ms < 0.75 * rnd


def test_multiscale_links_keep_people_reachable_when_some_are_away():
    """With 5 % of people away, cross-links keep more pairs connected than the bare rake.

    (Uniformly random links of the same number do better still on this
    count: they reach the front line, which multiscale links favour less.)
    Adding links can only raise reach, so the test asks for a real gain:
    over 30 draws of who is away the mean gain measured is about 0.07
    (0.88 against 0.81) with a standard error near 0.01, so 0.03 is four
    standard errors below it.
    """
    n = 400
    rng = np.random.default_rng(0)
    draws = [rng.choice(n, 20, replace=False) for _ in range(30)]
    ms = ref.undirected(swarm.multiscale(n, seed=1, links=40))
    rake = ref.undirected(swarm.hierarchy(n))
    gain = [ref.pair_reach(ms, a) - ref.pair_reach(rake, a) for a in draws]
    assert np.mean(gain) > 0.03


# ---- matrix ---------------------------------------------------------------------


def test_matrix_dual_reporting():
    n = 1000
    org = swarm.matrix(n, seed=5)
    rake = swarm.hierarchy(n)
    assert set(org.channel.tolist()) == {FORMAL} and _symmetric(org)
    line = _edges(rake)
    assert line <= _edges(org)  # the line is kept
    extra = _edges(org) - line
    front = np.flatnonzero(rake.attention == 1)  # people who manage nobody
    watched_extra = np.bincount([a for a, _ in extra], minlength=n)
    assert np.all(watched_extra[rake.attention > 1] == 0)  # only the front line is staffed
    leads = np.flatnonzero(watched_extra > 1)
    members = np.setdiff1d(front, leads)
    assert np.all(watched_extra[members] == 1)  # one project lead each
    assert org.attention[members].tolist() == [2] * members.size
    # projects cut across the line: each of 6 or more draws from 3 departments at least
    for lead in leads:
        team = [b for a, b in extra if a == lead]
        assert len(team) < 5 or len(set(org.department[team].tolist())) >= 3
    assert len(leads) == int(np.ceil(front.size / 7))


def test_matrix_projects_argument():
    org = swarm.matrix(200, seed=1, projects=3)
    extra = _edges(org) - _edges(swarm.hierarchy(200))
    assert int((np.bincount([a for a, _ in extra], minlength=200) > 1).sum()) == 3
    with pytest.raises(ValueError, match="projects"):
        swarm.matrix(200, seed=1, projects=10_000)


# ---- team of teams --------------------------------------------------------------


def test_team_of_teams_budget():
    n, size, liaisons = 700, 7, 2
    org = swarm.team_of_teams(n, seed=3, team_size=size, liaisons=liaisons)
    assert _symmetric(org)
    team = np.arange(n) // size
    e = _edges(org, COLLEAGUE)
    for t in range(0, 100, 7):
        members = range(t * size, (t + 1) * size)
        assert all((a, b) in e for a, b in itertools.permutations(members, 2))
        # the team hosts `liaisons` guests, who watch all of it
        guests = {a for a, b in e if b == t * size + 3 and team[a] != t}
        assert len(guests) == liaisons
        assert all(team[g] != t and all((g, m) in e for m in members) for g in guests)
    # formal edges: exactly the rake among team leads
    leads = np.arange(0, n, size)
    lead_rake = {(int(leads[a]), int(leads[b])) for a, b in _edges(swarm.hierarchy(leads.size))}
    assert _edges(org, FORMAL) == lead_rake
    # a plain member watches its team and the guests; a liaison also its host team
    plain = org.attention[np.arange(n) % size >= liaisons + 1]
    assert set(plain.tolist()) == {size - 1 + liaisons}


def test_team_of_teams_hop_diameter_matches_a_hand_built_case():
    """Three teams of three, one liaison each: hop diameter 2.

    Leads 0, 3, 6 (3 and 6 report to 0); the liaisons 1, 4, 7 are placed by
    a derangement of the three teams, either 1->team 1, 4->team 2, 7->team 0
    or the reverse cycle (the two are mirror images).
    """
    org = swarm.team_of_teams(9, seed=7, team_size=3, liaisons=1)
    teams = [(0, 1, 2), (3, 4, 5), (6, 7, 8)]
    hands = []
    for host in ((1, 2, 0), (2, 0, 1)):
        g = nx.Graph()
        for t in teams:
            g.add_edges_from(itertools.combinations(t, 2))
        g.add_edges_from([(0, 3), (0, 6)])
        for t, h in enumerate(host):
            g.add_edges_from((teams[t][1], m) for m in teams[h])
        hands.append(g)
    got = ref.undirected(org)
    assert any(nx.utils.edges_equal(got.edges, h.edges) for h in hands)
    assert nx.diameter(got) == nx.diameter(hands[0]) == 2
    # without liaisons news between teams climbs the leads: 4-3-0-6-7
    assert nx.diameter(ref.undirected(swarm.team_of_teams(9, seed=7, team_size=3, liaisons=0))) == 4


# ---- circles --------------------------------------------------------------------


def test_circles_hop_diameter_matches_a_hand_built_case():
    """15 people in circles of 3 (a lead link and two members), four levels.

    Circles (lead link first) and their rep links, the last member of each:
    {0,1,2}, {1,3,4} rep 4, {2,5,6} rep 6, {3,7,8} rep 8, {4,9,10} rep 10,
    {5,11,12} rep 12, {6,13,14} rep 14. Each rep sits in the parent circle
    too. The hop diameter is 5, as in Likert's linking pin of the same
    groups: 7 and 11 are 5 hops apart either way (7-3-1-2-5-11 or
    7-8-4-6-12-11; no one is 2 hops from both). The rep links shorten other
    paths: 7 and 13 are 4 hops apart (7-8-4-6-13) instead of 5
    (7-3-1-2-6-13).
    """
    circles_hand = {
        0: [0, 1, 2, 4, 6],
        1: [1, 3, 4, 8, 10],
        2: [2, 5, 6, 12, 14],
        3: [3, 7, 8],
        4: [4, 9, 10],
        5: [5, 11, 12],
        6: [6, 13, 14],
    }
    g = nx.Graph()
    for members in circles_hand.values():
        g.add_edges_from(itertools.combinations(members, 2))
    org = swarm.circles(15, circle_size=3)
    got = ref.undirected(org)
    assert nx.utils.edges_equal(got.edges, g.edges)
    lp = ref.undirected(swarm.linking_pin(15, group_size=3))
    assert nx.diameter(got) == nx.diameter(lp) == 5
    assert nx.shortest_path_length(got, 7, 11) == 5
    assert nx.shortest_path_length(got, 7, 13) == 4
    assert nx.shortest_path_length(lp, 7, 13) == 5
    # lead link to member edges are formal, everything else colleague
    formal = _edges(org, FORMAL)
    assert formal == _edges(swarm.hierarchy(15, span=2))


def test_circles_budget():
    org = swarm.circles(2000, circle_size=5)
    d = org.describe()
    assert 6.5 < d["watched_mean"] < 8.5  # about the flock's seven
    assert _symmetric(org)
    bottom = org.level == org.level.max()
    reps = np.zeros(org.n, bool)
    reps[[max(np.flatnonzero(org.manager == h)) for h in np.unique(org.manager[bottom])]] = True
    # a member of a bottom circle watches the rest of its circle (at most 4) and, if it
    # is the circle's rep link, the parent circle too
    assert org.attention[bottom & ~reps].max() <= 4
    assert np.all(org.attention[bottom & reps] > 4)


# ---- shared ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [swarm.small_world, swarm.multiscale, swarm.matrix, swarm.team_of_teams, swarm.circles]
)
def test_uniform_signature_and_reproducible(make):
    a, b = make(300, 9), make(300, seed=9)
    assert a == b
    assert a.describe()["watched_max"] >= a.describe()["watched_mean"] > 0
    assert make.__doc__ and "Examples" in make.__doc__


@pytest.mark.parametrize(
    "make, kw, word",
    [
        (swarm.small_world, {"rewire": 1.5}, "rewire"),
        (swarm.small_world, {"k": 400}, "k"),
        (swarm.multiscale, {"lam": 0.0}, "lam"),
        (swarm.multiscale, {"links": -1}, "links"),
        (swarm.matrix, {"span": 0}, "span"),
        (swarm.team_of_teams, {"liaisons": 9}, "liaisons"),
        (swarm.circles, {"circle_size": 1}, "circle_size"),
    ],
)
def test_bad_arguments_are_named(make, kw, word):
    with pytest.raises((ValueError, TypeError), match=word):
        make(300, 1, **kw)
