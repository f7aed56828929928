"""What-ifs: head count, attention budget, identities, exact effects, composition, errors."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import shortest_path

import swarm
from swarm.organisation import CHANNELS

from .reference import nearest_in_pool

SOCIAL, FORMAL, COLLEAGUE = (CHANNELS.index(c) for c in ("social", "formal", "colleague"))


def _edge_set(org, channel=None):
    """{(watcher, watched)} of ``org``, optionally of one channel only."""
    w = org.watch
    rows = np.repeat(np.arange(org.n), np.diff(w.indptr))
    keep = np.ones(rows.size, bool) if channel is None else org.channel == channel
    return set(zip(rows[keep].tolist(), w.indices[keep].tolist()))


# ---- adopt ------------------------------------------------------------------


def test_adopters_follow_exactly_their_k_nearest_fellow_adopters():
    # everyone watches 2 colleagues, so each adopter has at least 3 new social
    # edges and the adopters can be read off the result
    org = swarm.networked(300, seed=3, k=2)
    new = swarm.adopt(org, 0.4, k=5, seed=7)
    social = _edge_set(new, SOCIAL)
    adopters = sorted({i for i, _ in social})
    assert new.n == org.n and len(adopters) == 120  # 40 % of 300
    old = _edge_set(org)
    for i in adopters:  # reference: brute-force distances in org.position
        mine = {j for a, j in social if a == i}
        near = nearest_in_pool(org.position, i, adopters, 5)
        # pairs that already watched each other keep their colleague edge
        assert mine == {j for j in near if (i, j) not in old}
    # nobody else's watch list changed; adopters kept everyone they watched
    old, now = _edge_set(org), _edge_set(new)
    assert old <= now
    grew = new.attention - org.attention
    assert set(np.flatnonzero(grew).tolist()) <= set(adopters)
    assert grew.max() <= 5 and grew.min() == 0


def test_everyone_adopting_follows_the_next_nearest():
    """All adopt with k = 10 on a 7-nearest network: the 8th to 10th nearest are new."""
    org = swarm.networked(200, seed=4)
    new = swarm.adopt(org, 1.0, k=10, seed=1)
    social = _edge_set(new, SOCIAL)
    for i in range(0, 200, 7):
        near = nearest_in_pool(org.position, i, range(200), 10)
        assert {j for a, j in social if a == i} == near - nearest_in_pool(
            org.position, i, range(200), 7
        )
    assert np.all(new.attention == 10)


@pytest.mark.parametrize("who", ["random", "managers", "frontline"])
def test_adoption_by_group_keeps_head_count_and_budget(who):
    org = swarm.hierarchy(400)
    managers = np.zeros(org.n, bool)
    managers[org.manager[org.manager >= 0]] = True
    group = {"random": np.ones(org.n, bool), "managers": managers, "frontline": ~managers}[who]
    new = swarm.adopt(org, 0.5, k=7, who=who, seed=2)
    social = _edge_set(new, SOCIAL)
    adopters = np.array(sorted({i for i, _ in social}))
    assert new.n == org.n
    assert adopters.size == int(np.floor(0.5 * group.sum() + 0.5))
    assert group[adopters].all()
    # every adopter follows 7 fellow adopters: on the social channel, or already formally
    old, fellow = _edge_set(org), set(adopters.tolist())
    n_social = np.bincount([i for i, _ in social], minlength=org.n)[adopters]
    n_before = np.array([sum((i, j) in old for j in fellow) for i in adopters.tolist()])
    assert np.all(n_social <= 7) and np.all(n_social + n_before >= 7)
    # non-adopters watch exactly whom they watched; adopters at most 7 more
    diff = new.attention - org.attention
    others = np.setdiff1d(np.arange(org.n), adopters)
    assert np.all(diff[others] == 0) and np.all((diff[adopters] >= 0) & (diff[adopters] <= 7))


def test_adopt_identities_and_seeds():
    org = swarm.hierarchy(200)
    assert swarm.adopt(org, 0) == org
    assert swarm.adopt(org, 0.004) == org  # one adopter has nobody to follow
    a, b = swarm.adopt(org, 0.6, seed=5), swarm.adopt(org, 0.6, seed=5)
    assert a == b and a != swarm.adopt(org, 0.6, seed=6)
    assert a.name == "hierarchy, 60 % on the network"


def test_adoption_speeds_a_hierarchy_up():
    org = swarm.hierarchy(1000)
    cmp = swarm.compare(
        {"as is": org, "adopted": swarm.adopt(org, 0.6, seed=1)},
        swarm.Cascade(swarm.Exponential(1.0)),
        runs=40,
        seed=3,
    )
    s = cmp.summary()
    # an order of magnitude apart; the 5-95 % bands do not overlap
    assert s.loc["adopted", "t90_hi"] < s.loc["as is", "t90_lo"]


# ---- linking pins --------------------------------------------------------------


def _diameter(org):
    d = shortest_path(org.watch, unweighted=True)
    assert np.isfinite(d).all()
    return int(d.max())


@pytest.mark.parametrize("seed", range(12))
def test_linking_pins_shorten_the_worst_case_of_a_likert_organisation(seed):
    """Exact, for every draw: Likert's organisation of 7 in groups of 3 (depth 2).

    Groups {0,1,2} (dept "top"), {1,3,4} (branch 1), {2,5,6} (branch 2). The
    worst case is 3 hops between the front lines (3 -> 1 -> 2 -> 5). With
    everyone a pin, each front-line person of branch 1 joins {0,1,2} or
    {2,5,6} (the only groups of another department they are not in) and so
    watches 2, the head of branch 2 (symmetrically for branch 2 and head 1):
    every cross-branch pair is at most 2 hops apart, and all other pairs
    already were. (Some draws make everyone adjacent: at most 2, not exactly.)
    """
    org = swarm.linking_pin(7, group_size=3)
    assert _diameter(org) == 3
    new = swarm.add_linking_pins(org, 1.0, seed=seed)
    assert _diameter(new) <= 2 and new.n == 7


@pytest.mark.parametrize("seed", range(3))
def test_each_pin_joins_one_group_of_another_department(seed):
    org = swarm.linking_pin(400)  # groups of 7, depth 4
    new = swarm.add_linking_pins(org, 0.1, seed=seed)
    old, now = _edge_set(org), _edge_set(new)
    added = now - old
    assert old <= now and new.n == org.n
    assert all((j, i) in added for i, j in added)  # watch and be watched
    assert all(
        new.channel[k] == COLLEAGUE
        for k in range(new.n_edges)
        if (
            int(np.repeat(np.arange(new.n), np.diff(new.watch.indptr))[k]),
            int(new.watch.indices[k]),
        )
        in added
    )
    mgr, dept = org.manager, org.department
    # every new watch relation links a pin to a member of a group headed in another
    # department; every member of the pin's home group is then within 2 hops of it
    d_old = shortest_path(org.watch, unweighted=True)
    d_new = shortest_path(new.watch, unweighted=True)
    pins = 0
    for p in range(org.n):
        joined = {j for i, j in added if i == p}
        heads = {h for h in joined if all(x == h or mgr[x] == h for x in joined)}
        if not joined or not heads or all(dept[h] == dept[p] for h in heads):
            continue  # p is a group member a pin joined, not a pin
        pins += 1
        assert len(joined) <= 7
        home = [x for x in range(org.n) if x == mgr[p] or (mgr[x] == mgr[p] and mgr[p] >= 0)]
        for x in home:
            for y in joined:
                assert d_new[x, y] <= 2
    assert pins >= 0.8 * 40  # 40 pins drawn; a few may be hidden behind another pin's edges
    assert d_new.max() <= d_old.max() and d_new.mean() < d_old.mean()


def test_linking_pins_need_groups_in_two_departments():
    with pytest.raises(ValueError, match="departments and managers"):
        swarm.add_linking_pins(swarm.networked(50, seed=1), 0.1)
    with pytest.raises(ValueError, match="two departments"):
        swarm.add_linking_pins(swarm.silos(50, seed=1, departments=1), 0.1)
    assert swarm.add_linking_pins(swarm.hierarchy(100), 0.0) == swarm.hierarchy(100)


# ---- flatten ------------------------------------------------------------------


def test_flatten_hands_reports_to_the_manager_above():
    org = swarm.hierarchy(400)  # levels of 1, 7, 49, 343
    flat = swarm.flatten(org)
    assert flat.n == 400 and np.bincount(flat.level).tolist() == [1, 56, 343]
    removed = np.arange(1, 8)
    reports = np.flatnonzero(np.isin(org.manager, removed))
    assert np.all(flat.manager[reports] == 0)
    edges = _edge_set(flat, FORMAL)
    assert all((r, 0) in edges and (0, r) in edges for r in reports.tolist())
    assert not any(
        (r, m) in edges or (m, r) in edges for r in reports.tolist() for m in removed.tolist()
    )
    # budgets: the top now watches 56, the removed managers only their own manager
    assert flat.attention[0] == 56 and np.all(flat.attention[removed] == 1)
    unchanged = np.setdiff1d(np.arange(400), np.concatenate([[0], removed, reports]))
    assert np.array_equal(flat.attention[unchanged], org.attention[unchanged])
    # exact: with one hop per time unit the front line hears from the top one unit sooner
    model, top = swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top")
    assert swarm.simulate(org, model, top).arrival_times.max() == 3.0
    assert swarm.simulate(flat, model, top).arrival_times.max() == 2.0


def test_flatten_layers_and_linking_pin():
    org = swarm.hierarchy(400)
    assert int(swarm.flatten(org, 2).level.max()) == 1
    assert int(swarm.flatten(org, level=2).attention[1]) == 1 + 7 + 7 * 7
    lp = swarm.linking_pin(300)
    flat = swarm.flatten(lp)
    assert flat.n == lp.n and int(flat.level.max()) == int(lp.level.max()) - 1
    with pytest.raises(ValueError, match="layers must be at most"):
        swarm.flatten(org, 3)
    with pytest.raises(ValueError, match="no chain of command"):
        swarm.flatten(swarm.networked(50, seed=1))


# ---- remove -------------------------------------------------------------------


def test_remove_identities_and_head_count():
    org = swarm.hierarchy(300)
    assert swarm.remove(org, []) == org
    assert swarm.remove(org, 0.0) == org and swarm.remove(org, 0) == org
    away = swarm.remove(org, 0.1, seed=4)
    assert away.n == 300 and int(away.absent.sum()) == 30
    gone = np.flatnonzero(away.absent)
    # the absent neither watch nor are watched
    assert np.all(away.attention[gone] == 0)
    assert not any(j in set(gone.tolist()) for _, j in _edge_set(away))
    # everyone else keeps all the watch relations among the people present
    kept = {(i, j) for i, j in _edge_set(org) if not away.absent[i] and not away.absent[j]}
    assert kept == _edge_set(away)


def test_removals_of_one_seed_are_nested():
    org = swarm.networked(500, seed=1)
    small, big = (swarm.remove(org, f, seed=9).absent for f in (0.05, 0.2))
    assert small.sum() == 25 and big.sum() == 100 and np.all(big[small])


def test_remove_managers_and_explicit_ids():
    org = swarm.hierarchy(400)
    away = swarm.remove(org, 2, who="managers", seed=3)
    gone = np.flatnonzero(away.absent)
    assert gone.size == 2 and np.all(np.isin(gone, org.manager))
    named = swarm.remove(org, [5, 17])
    assert np.flatnonzero(named.absent).tolist() == [5, 17]
    assert swarm.remove(named, [17]) == named  # already away


def test_shocks_and_metrics_skip_the_absent():
    org = swarm.hierarchy(57)  # 1 + 7 + 49
    away = swarm.remove(org, [1])  # a manager of 7 is on leave
    res = swarm.simulate(away, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top"))
    m = res.metrics().iloc[0]
    # exact: 56 present, the 7 orphaned reports never hear: 49 of 56 reached
    assert m["reach"] == 49 / 56 and res.summary()["agents"].iloc[0] == 56
    assert np.isinf(res.arrival_times[0, 1])
    assert np.isinf(m["t90"]) and m["t50"] == 2.0
    # a random or a 'top' shock never starts with someone absent
    many = swarm.simulate(
        swarm.remove(org, [0, 3]), swarm.Cascade(), swarm.Shock("random"), runs=300, seed=1
    )
    assert not np.isin(many.origins, [0, 3]).any()
    top = swarm.Shock("top", size=3).origins(swarm.remove(org, [0]), np.random.default_rng(0))
    assert 0 not in top and np.all(org.level[top] == 1)
    with pytest.raises(ValueError, match="absent"):
        swarm.simulate(away, swarm.Cascade(), swarm.Shock([1]))
    assert away.absent[1] and len(res.by_level()) == 3
    assert res.by_level().loc[1, "agents"] == 6


def test_remove_linking_pins_uses_the_finder(monkeypatch):
    """who='linking_pins' removes the top of swarm.find_linking_pins' ranking."""

    class Found:
        agents = np.array([9, 4, 2, 7])

    calls = {}

    def fake(org, top, seed):
        calls["top"] = top
        return Found()

    monkeypatch.setattr(swarm.whatifs.interventions, "find_linking_pins", fake)
    away = swarm.remove(swarm.hierarchy(100), 3, who="linking_pins", seed=1)
    assert calls["top"] == 3 and np.flatnonzero(away.absent).tolist() == [2, 4, 9]


def test_remove_real_linking_pins():
    """The people removed are exactly the finder's top messengers, confirmed slower without."""
    org = swarm.hierarchy(200)
    away = swarm.remove(org, 3, who="linking_pins", seed=1)
    pins = swarm.find_linking_pins(org, top=3, seed=1)
    assert away.n == 200 and sorted(np.flatnonzero(away.absent)) == sorted(pins.agents)
    assert np.all(pins.table["slowdown"] >= 1.0)  # every confirmed pin slows the response


def test_removing_everyone_is_refused():
    org = swarm.hierarchy(20)
    with pytest.raises(ValueError, match="fraction_or_ids would remove everyone"):
        swarm.remove(org, 1.0)
    with pytest.raises(ValueError, match="fraction_or_ids would remove everyone"):
        swarm.remove(swarm.remove(org, list(range(10))), list(range(10, 20)))
    with pytest.raises(ValueError, match="at least one person"):
        swarm.Organisation(org.watch, absent=np.ones(20, bool))


# ---- champion -----------------------------------------------------------------


def test_champion_is_a_star_and_a_single_point_of_failure():
    org = swarm.adopt(swarm.hierarchy(300), 0.5, seed=1)
    new = swarm.champion(org, who=17)
    social = _edge_set(new, SOCIAL)
    others = set(range(300)) - {17}
    assert social == {(i, 17) for i in others} | {(17, i) for i in others}
    assert new.n == 300 and new.attention[17] == 299
    # everyone else: their non-social edges, plus the champion
    for i in (0, 5, 100, 299):
        before = {j for a, j in _edge_set(org) if a == i} - {
            j for a, j in _edge_set(org, SOCIAL) if a == i
        }
        assert {j for a, j in _edge_set(new) if a == i} == before | {17}
    # exact: news goes origin -> champion -> everyone, one unit per hop
    res = swarm.simulate(new, swarm.Cascade(swarm.Constant(1.0)), runs=20, seed=2)
    assert res.arrival_times.max() <= 2.0
    # the single point of failure: the champion on leave takes the fast channel away
    gone = swarm.remove(new, [17])
    assert _edge_set(gone, SOCIAL) == set()
    assert _edge_set(gone) == _edge_set(swarm.remove(swarm.hierarchy(300), [17]))


def test_champion_budget_and_choice():
    org = swarm.hierarchy(141)
    lim = swarm.champion(org, who=3, budget=7)
    w = lim.watch
    row = w.data[w.indptr[3] : w.indptr[3 + 1]]
    assert np.allclose(row, 140 / 7)  # the champion's attention shared by 140
    assert swarm.champion(org, seed=4) == swarm.champion(org, seed=4)
    away = swarm.remove(org, [3])
    with pytest.raises(ValueError, match="absent"):
        swarm.champion(away, who=3)
    assert not swarm.champion(away, seed=1).absent[
        np.argmax(swarm.champion(away, seed=1).attention)
    ]


# ---- composition and bad input ------------------------------------------------


def test_what_ifs_compose_and_keep_the_absent_out():
    org = swarm.hierarchy(500)
    away = swarm.remove(org, 0.1, seed=1)
    new = swarm.champion(
        swarm.add_linking_pins(swarm.adopt(away, 0.6, seed=2), 0.1, seed=3), seed=4
    )
    assert new.n == 500 and np.array_equal(new.absent, away.absent)
    gone = set(np.flatnonzero(away.absent).tolist())
    assert not any(i in gone or j in gone for i, j in _edge_set(new))
    flat = swarm.flatten(new)
    assert flat.n == 500 and np.array_equal(flat.absent, away.absent)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda o: swarm.adopt(o, 1.5), ValueError, "fraction must lie in"),
        (lambda o: swarm.adopt(o, -0.1), ValueError, "fraction must lie in"),
        (lambda o: swarm.adopt(o, 0.5, who="interns"), ValueError, "who must be one of"),
        (lambda o: swarm.adopt(o, 0.5, k=0), ValueError, "k must be >= 1"),
        (lambda o: swarm.adopt("org", 0.5), TypeError, "org must be an Organisation"),
        (lambda o: swarm.add_linking_pins(o, 2.0), ValueError, "fraction must lie in"),
        (lambda o: swarm.flatten(o, 0), ValueError, "layers must be >= 1"),
        (lambda o: swarm.flatten(o, level=0), ValueError, "level must be >= 1"),
        (lambda o: swarm.remove(o, 1.2), ValueError, "fraction_or_ids .a fraction. must lie in"),
        (lambda o: swarm.remove(o, 500), ValueError, "fraction_or_ids .a count. must be <="),
        (lambda o: swarm.remove(o, 0.1, who="vips"), ValueError, "who must be one of"),
        (lambda o: swarm.remove(o, [1], who="managers"), ValueError, "who applies to a fraction"),
        (lambda o: swarm.remove(o, ["nobody"]), ValueError, "agent id 'nobody'"),
        (lambda o: swarm.remove(o, True), TypeError, "fraction_or_ids must be"),
        (lambda o: swarm.remove(o, "all"), TypeError, "fraction_or_ids must be"),
        (lambda o: swarm.champion(o, who=999), ValueError, "agent id 999"),
        (lambda o: swarm.champion(o, budget=0), ValueError, "budget must be >= 1"),
    ],
)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call(swarm.hierarchy(100))


def test_managers_need_a_chain_of_command():
    g = swarm.from_networkx(nx.cycle_graph(10))
    with pytest.raises(ValueError, match="who='managers' needs managers or levels"):
        swarm.adopt(g, 0.5, who="managers")
    with pytest.raises(ValueError, match="who='managers' needs managers or levels"):
        swarm.remove(g, 0.5, who="managers")


# ---- properties of any chain of what-ifs -----------------------------------------


def _pins(org, fraction, seed):
    try:
        return swarm.add_linking_pins(org, fraction, seed=seed)
    except ValueError as err:  # a tiny or flattened org may have one department left
        assert "two departments" in str(err)
        return org


_STEPS = {
    "adopt": lambda o, x, s: swarm.adopt(
        o, x, who=("random", "managers", "frontline")[s % 3], seed=s
    ),
    "pins": lambda o, x, s: _pins(o, x / 2, s),
    "flatten": lambda o, x, s: swarm.flatten(o) if int(o.level.max()) >= 2 else o,
    "remove": lambda o, x, s: swarm.remove(o, x / 3, who=("random", "managers")[s % 2], seed=s),
    "champion": lambda o, x, s: swarm.champion(o, seed=s, budget=None if s % 2 else 7),
}


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(10, 120),
    make=st.sampled_from(["hierarchy", "linking_pin"]),
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(_STEPS)), st.floats(0, 1), st.integers(0, 1000)),
        min_size=1,
        max_size=4,
    ),
)
def test_any_chain_of_what_ifs_is_a_valid_organisation(n, make, steps):
    """Head count kept, the absent cut off, no self-watching, the input untouched."""
    org = getattr(swarm, make)(n)
    before = _edge_set(org)
    cur = org
    for name, x, s in steps:
        cur = _STEPS[name](cur, x, s)
        assert cur.n == n
        assert cur.channel.shape == (cur.n_edges,) and cur.channel.max(initial=0) < 3
        edges = _edge_set(cur)
        assert all(i != j for i, j in edges)
        if cur.absent is not None:
            gone = cur.absent
            assert not any(gone[i] or gone[j] for i, j in edges)
            assert not gone.all()
    assert _edge_set(org) == before
    res = swarm.simulate(cur, swarm.Cascade(swarm.Exponential(1.0)), runs=2, seed=1)
    if cur.absent is not None:
        assert np.isinf(res.arrival_times[:, cur.absent]).all()
        assert not np.isin(res.origins, np.flatnonzero(cur.absent)).any()


def test_flatten_after_a_manager_left_still_links_their_team_upwards():
    org = swarm.hierarchy(57)
    flat = swarm.flatten(swarm.remove(org, [1]))
    team = np.flatnonzero(org.manager == 1)
    edges = _edge_set(flat, FORMAL)
    assert all((r, 0) in edges and (0, r) in edges for r in team.tolist())
    assert np.all(flat.manager[team] == 0) and flat.attention[1] == 0
