"""The organisation designs of the literature, as watch-graph generators.

Five designs that organisation theory argues about, next to the classic
four of :mod:`swarm.structures.classic`: weak ties (small world), multiscale
links over a hierarchy, matrix (dual reporting), team of teams and
holacracy's circles.
Every generator is networkx-style (head count, then ``seed``, then keyword
options) and returns an :class:`~swarm.organisation.Organisation`; reporting
lines are on the ``formal`` channel and everything else on ``colleague``, so
a meeting rhythm on the formal channel slows exactly the reporting lines.
``org.describe()`` reports the attention each design spends
(``watched_mean``, ``watched_max``).
"""

from __future__ import annotations

import math

import numpy as np

from .._checks import SeedLike, check_float, check_int, normalise_seed
from ..organisation import Organisation
from ._dws import _links as _dws_links
from .classic import (
    COLLEAGUE,
    FORMAL,
    _both_ways,
    _dept_names,
    _from_pairs,
    _on_rake,
    _space,
    _tree,
)
from .neighbours import k_nearest

__all__ = ["circles", "matrix", "multiscale", "small_world", "team_of_teams"]


def _unique_pairs(watcher, watched, channel):
    """Drop repeated (watcher, watched) pairs, keeping the first one's channel."""
    watcher = np.concatenate(watcher).astype(np.int64)
    watched = np.concatenate(watched).astype(np.int64)
    channel = np.concatenate(channel).astype(np.int8)
    n = int(max(watcher.max(initial=0), watched.max(initial=0))) + 1
    _, first = np.unique(watcher * n + watched, return_index=True)
    return watcher[first], watched[first], channel[first]


def _cliques(groups):
    """All ordered pairs inside each group (rows of ``groups``, padded with -1)."""
    g = np.asarray(groups, dtype=np.int64)
    size = g.shape[1]
    a = np.repeat(g, size, axis=1)
    b = np.tile(g, (1, size))
    ok = (a >= 0) & (b >= 0) & (a != b)
    return a[ok], b[ok]


def small_world(
    n: int, seed: SeedLike = None, *, k: int = 7, rewire: float = 0.1, dim: int = 2
) -> Organisation:
    """The networked organisation with weak ties: some watches point anywhere.

    Everyone first watches their ``k`` nearest colleagues in social space,
    exactly as in :func:`swarm.networked` with the same ``seed``; then each
    of those watches, independently with probability ``rewire``, is turned
    to a colleague drawn uniformly from the whole organisation (never
    oneself, never someone already watched). This is Watts and Strogatz's
    rewiring of a lattice (Watts & Strogatz 1998, Nature 393:440) on the
    social space of the flock; the rewired watches are Granovetter's weak
    ties (Granovetter 1973, Am. J. Sociol. 78:1360), acquaintances who
    bridge distant parts of the organisation. A few of them cut hop
    distances from ``n ** (1 / dim)`` to ``log n`` while the local
    clustering barely changes. Everyone watches exactly ``k`` others; all
    edges are on the ``colleague`` channel.

    Parameters
    ----------
    n : int
        Head count (> k).
    seed : int, SeedSequence or None
        Seed of the positions (shared with ``networked``) and of the rewiring.
    k : int, default 7
        Colleagues each person watches (1 <= k < n).
    rewire : float in [0, 1], default 0.1
        Chance that each watch is a weak tie to a random colleague.
    dim : int, default 2
        Dimensions of the social space.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.small_world(500, seed=1, rewire=0.1)
    >>> d = org.describe()
    >>> d["watched_mean"], d["watched_max"]
    (7.0, 7)
    >>> lattice = swarm.small_world(500, seed=1, rewire=0.0)   # no weak ties: the flock
    >>> lattice.watch.nnz == swarm.networked(500, seed=1).watch.nnz
    True
    """
    n = check_int("n", n, low=2)
    k = check_int("k", k, low=1)
    if k >= n:
        raise ValueError(f"k must be smaller than n ({n}): each agent watches k others, got k={k}")
    rewire = check_float("rewire", rewire, low=0.0, high=1.0)
    dim = check_int("dim", dim, low=1)
    root = normalise_seed(seed)
    pos, dept = _space(n, root, dim, 1)  # the same positions as networked(n, seed)
    rng = np.random.default_rng(root.spawn(1)[0])
    watcher = np.repeat(np.arange(n, dtype=np.int64), k)
    watched = k_nearest(pos, k).ravel()
    weak = rng.random(n * k) < rewire
    todo = np.flatnonzero(weak)
    while todo.size:
        pick = rng.integers(0, n - 1, size=todo.size)
        watched[todo] = pick + (pick >= watcher[todo])  # anyone but oneself
        # a repeated pair: keep the local watch (or the first weak one), redraw the rest
        key = watcher * n + watched
        order = np.lexsort((weak, key))
        again = np.zeros(key.size, dtype=bool)
        again[order[1:]] = key[order[1:]] == key[order[:-1]]
        todo = np.flatnonzero(again)
    return _from_pairs(
        n,
        watcher,
        watched,
        np.full(n * k, COLLEAGUE, dtype=np.int8),
        position=pos,
        department=dept,
        department_names=_dept_names(1),
        name="small world",
    )


def multiscale(
    n: int,
    seed: SeedLike = None,
    *,
    span: int = 7,
    links: int | None = None,
    lam: float = 0.5,
    zeta: float = 0.5,
) -> Organisation:
    """A hierarchy with cross-links at every scale (Dodds, Watts & Sabel 2003).

    The backbone is the rake of :func:`swarm.hierarchy` (everyone watches
    their manager and reports, on the ``formal`` channel). Cross-links are
    added one at a time as in Dodds, Watts & Sabel (2003, "Information
    exchange and the robustness of organizational networks", PNAS
    100:12516): a person ``i`` is drawn uniformly at random, then a partner
    ``j`` with probability proportional to
    ``exp(-D / lam) * exp(-x / zeta)``, where ``D`` is the depth of their
    lowest common manager ``a`` (0 at the top) and
    ``x = sqrt(d_i**2 + d_j**2 - 2)`` their organisational distance,
    ``d_i`` and ``d_j`` the steps from each of them up to ``a`` (``x = 0``
    for two reports of one manager). Small ``lam`` puts the common manager
    near the top (``lam = 0``: links only between the top's departments,
    their *random interdivisional* networks), small ``zeta`` puts the pair
    close in the tree (``zeta = 0``: siblings only, *local team*);
    ``lam = zeta = inf`` is their *random* network, and
    ``lam = 0.1, zeta = 0.15`` their *core-periphery* one. The defaults
    ``lam = zeta = 0.5`` are the centre of the region they call
    *multiscale*, links at every scale of the organisation.

    Details this implementation fixes: two people in one line (one
    manages the other, directly or not) are never paired, as they share a
    reporting line already (the formula gives no real ``x`` for a report
    and their manager); so the top, in everyone's line, is never linked,
    ``i`` is drawn among the others, and an ``i`` with no partner of
    positive weight (possible only with ``lam`` or ``zeta`` = 0) is drawn
    again. A pair already linked is drawn again, ``i`` and ``j`` both. The
    draw picks the class (``a``, ``d_j``) with probability proportional to
    its weight times its head count, then ``j`` uniformly in it (exact, at
    most ``depth**2`` classes a link: a million people build in seconds).

    What Dodds, Watts and Sabel found, and what holds here (tests in
    ``tests/test_designs.py``, on their tree of branching 5 and 6 levels,
    3,906 people, with as many links as people; their exchange model as we
    read it, in ``tests/reference.py``): with messages mostly between near
    colleagues (their ``xi = 1``), passed greedily along the tree by people
    who know only the tree and their own contacts, multiscale networks relieve
    the busiest person (0.07 of all messages against 0.10 with random
    links, 0.22 on the bare tree), and, unlike core-periphery networks,
    which relieve congestion as well, they stay connected when the busiest
    people fail (98 busiest gone: 97 % still connected, as with random
    links; core-periphery: 57 %). Their *ultrarobustness* is having both at
    once. It is not more connectivity than random links: under random
    absences (5 % away) and heavy targeted loss (10 %) random links keep
    more people connected, and for uniform traffic on shortest paths
    (betweenness) random links relieve the busiest person two to three
    times as well.
    Multiscale links also gather on the top's direct reports: at 10^6
    people with span 7 one of them watches about 160 others.

    Parameters
    ----------
    n : int
        Head count (>= 2).
    seed : int, SeedSequence or None
        Seed of the cross-links.
    span : int, default 7
        Direct reports per manager in the backbone (>= 2). Dodds, Watts and
        Sabel used 5.
    links : int, optional
        Cross-links to add. Default ``n - 1``, one per person, as in their
        main results (``m = N``), so that people watch four others on
        average (capped at the pairs available in a very small organisation).
    lam : float >= 0 (may be ``inf``), default 0.5
        Scale of the rank term: how far below the top the common manager of
        a linked pair tends to be.
    zeta : float >= 0 (may be ``inf``), default 0.5
        Scale of the distance term: how far apart in the tree a linked pair
        tends to be.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.multiscale(400, seed=1)
    >>> org.describe()["watched_mean"]       # 2 formal + 2 cross-links on average
    3.99
    >>> int(org.level.max()), org.n_edges == 2 * 399 + 2 * 399
    (3, True)
    >>> random = swarm.multiscale(400, seed=1, lam=float("inf"), zeta=float("inf"))
    >>> random.n_edges == org.n_edges
    True
    """
    n = check_int("n", n, low=2)
    span = check_int("span", span, low=2)
    lam = check_float("lam", lam, low=0.0, allow_inf=True)
    zeta = check_float("zeta", zeta, low=0.0, allow_inf=True)
    parent, level, branch, names = _tree(n, span)
    free = n * (n - 1) // 2 - int(level.sum())  # pairs in which neither manages the other
    if links is None:
        links = min(n - 1, free)
    links = check_int("links", links, low=0, high=free)
    rng = np.random.default_rng(normalise_seed(seed))
    a, b = (
        _dws_links(n, span, level, parent, links, lam, zeta, rng)
        if links
        else (np.empty(0, np.int64), np.empty(0, np.int64))
    )
    return _on_rake((parent, level, branch, names), [(a, b, COLLEAGUE)], "multiscale")


def matrix(
    n: int, seed: SeedLike = None, *, span: int = 7, projects: int | None = None
) -> Organisation:
    """The matrix organisation: a line manager and a project lead for everyone on the floor.

    The line is the rake of :func:`swarm.hierarchy`. The front line (people
    who manage nobody) is also split into ``projects`` project teams cut
    across the line departments: the front line is shuffled within each
    department (by ``seed``) and dealt out to the projects in turn, so each
    project draws from every department. The first member dealt to a
    project leads it; the others report to that lead as well as to their
    line manager (dual reporting: Galbraith 1971, Business Horizons 14:29;
    Davis & Lawrence, *Matrix*, 1977). Both reporting lines watch both
    ways on the ``formal`` channel; ``manager`` and ``department`` are the
    line's.

    Parameters
    ----------
    n : int
        Head count (>= 2).
    seed : int, SeedSequence or None
        Seed of who joins which project.
    span : int, default 7
        Direct reports per line manager (>= 1).
    projects : int, optional
        Number of projects (1 to the front-line head count). Default: enough
        for about ``span`` people each, so a project lead watches about as
        many people as a line manager.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.matrix(400, seed=1)
    >>> d = org.describe()
    >>> d["watched_max"], round(d["watched_mean"], 2)
    (8, 3.46)
    """
    n = check_int("n", n, low=2)
    span = check_int("span", span, low=1)
    parent, level, branch, names = _tree(n, span)
    is_manager = np.zeros(n, dtype=bool)
    is_manager[parent[1:]] = True
    front = np.flatnonzero(~is_manager)
    if projects is None:
        projects = max(1, math.ceil(front.size / span))
    projects = check_int("projects", projects, low=1, high=front.size)
    rng = np.random.default_rng(normalise_seed(seed))
    dealt = front[np.lexsort((rng.random(front.size), branch[front]))]
    # dealing in turn: person r goes to project r % projects (departments come one after another)
    project = np.arange(dealt.size) % projects
    lead = dealt[:projects]
    member = dealt[projects:]
    tree = (parent, level, branch, names)
    return _on_rake(tree, [(member, lead[project[projects:]], FORMAL)], "matrix")


def _derangement(m: int, rng) -> np.ndarray:
    """A random permutation of range(m) with no fixed point (m >= 2)."""
    while True:
        p = rng.permutation(m)
        if not np.any(p == np.arange(m)):
            return p


def team_of_teams(
    n: int, seed: SeedLike = None, *, team_size: int = 7, liaisons: int = 1, span: int = 7
) -> Organisation:
    """Small teams whose members all watch each other, joined by embedded liaisons.

    McChrystal's *Team of Teams* (McChrystal, Collins, Silverman & Fussell
    2015): people work in teams of ``team_size`` in which everyone watches
    everyone (the tight team); each team sends ``liaisons`` of its members
    to live inside other teams, where they watch and are watched by all the
    host team; the team leads (each team's first member) keep a chain of
    command among themselves, a rake of span ``span`` on the ``formal``
    channel. Liaison ``r`` of every team goes to the team given by a random
    permutation without fixed points (drawn from ``seed``), so every team
    also hosts ``liaisons`` liaisons. Team and liaison edges are
    ``colleague``. Leads have the level of their team in the chain, members
    one below; ``manager`` is the team lead (for leads: the lead above).

    Parameters
    ----------
    n : int
        Head count (>= 1); the last team may be smaller.
    seed : int, SeedSequence or None
        Seed of which team each liaison joins.
    team_size : int, default 7
        People per team (>= 2).
    liaisons : int, default 1
        Members each team embeds in other teams (0 to ``team_size - 1``;
        a smaller last team sends fewer).
    span : int, default 7
        Teams per lead in the chain of command (>= 1).

    Examples
    --------
    >>> import swarm
    >>> org = swarm.team_of_teams(700, seed=1)
    >>> d = org.describe()
    >>> round(d["watched_mean"], 2), d["watched_max"]
    (8.28, 15)
    """
    n = check_int("n", n, low=1)
    team_size = check_int("team_size", team_size, low=2)
    liaisons = check_int("liaisons", liaisons, low=0, high=team_size - 1)
    span = check_int("span", span, low=1)
    teams = -(-n // team_size)
    members = np.arange(teams * team_size, dtype=np.int64).reshape(teams, team_size)
    members[members >= n] = -1
    team_of = np.arange(n) // team_size
    lead = members[:, 0]
    lead_parent, lead_level, lead_branch, names = _tree(teams, span)
    watcher, watched, channel = [], [], []
    if teams > 1:  # the chain of command among the leads
        a, b = _both_ways(lead[1:], lead[lead_parent[1:]])
        watcher.append(a)
        watched.append(b)
        channel.append(np.full(a.size, FORMAL, np.int8))
    a, b = _cliques(members)
    watcher.append(a)
    watched.append(b)
    channel.append(np.full(a.size, COLLEAGUE, np.int8))
    if teams > 1 and liaisons:
        rng = np.random.default_rng(normalise_seed(seed))
        for r in range(1, liaisons + 1):
            host = _derangement(teams, rng)
            who = members[:, r]
            ok = who >= 0
            guest = np.repeat(who[ok], team_size)
            hosts = members[host[ok]].ravel()
            keep = hosts >= 0
            a, b = _both_ways(guest[keep], hosts[keep])
            watcher.append(a)
            watched.append(b)
            channel.append(np.full(a.size, COLLEAGUE, np.int8))
    if n == 1:
        watcher, watched, channel = (
            [np.empty(0, np.int64)],
            [np.empty(0, np.int64)],
            [np.empty(0, np.int8)],
        )
    watcher, watched, channel = _unique_pairs(watcher, watched, channel)
    level = lead_level[team_of] + (np.arange(n) % team_size > 0)
    manager = lead[team_of]
    manager[lead[lead >= 0]] = np.where(lead_parent >= 0, lead[np.maximum(lead_parent, 0)], -1)
    return _from_pairs(
        n,
        watcher,
        watched,
        channel,
        level=level,
        department=lead_branch[team_of],
        department_names=names,
        manager=manager,
        name="team of teams",
    )


def circles(n: int, seed: SeedLike = None, *, circle_size: int = 5) -> Organisation:
    """Holacracy's circles: Likert's linking pin, doubled.

    People work in circles of ``circle_size``: a lead link and the circle's
    members, everyone watching everyone, as in :func:`swarm.linking_pin`.
    Each circle is linked to its parent circle twice (Robertson,
    *Holacracy*, 2015): its lead link, appointed from above, is a member of
    the parent circle (the link down, Likert's linking pin: R. Likert,
    *New Patterns of Management*, 1961), and an elected rep link, one of
    the circle's members (here its last), also sits in the parent circle
    (the link up). Lead link to
    member edges are ``formal``; every other edge (peers, rep links) is
    ``colleague``. Circles fill level by level as the rake of
    :func:`swarm.hierarchy` with span ``circle_size - 1``.

    Parameters
    ----------
    n : int
        Head count (>= 1).
    seed : ignored
        Accepted for a uniform signature; the structure is deterministic.
    circle_size : int, default 5
        People per circle, the lead link included (>= 2). With 5, members
        of a circle watch 4 others and the members of a parent circle also
        its children's rep links, about 7 in all.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.circles(7, circle_size=3)
    >>> sorted(org.watch[[0]].indices.tolist())   # the top circle: 1, 2 and rep links 4, 6
    [1, 2, 4, 6]
    """
    n = check_int("n", n, low=1)
    circle_size = check_int("circle_size", circle_size, low=2)
    span = circle_size - 1
    parent, level, branch, names = _tree(n, span)
    if n == 1:
        return _from_pairs(
            1,
            np.empty(0, np.int64),
            np.empty(0, np.int64),
            np.empty(0, np.int8),
            level=level,
            department=branch,
            department_names=names,
            manager=parent,
            name="circles",
        )
    heads = np.unique(parent[1:])
    first_child = heads * span + 1
    kids = first_child[:, None] + np.arange(span)[None, :]
    kids[kids >= n] = -1
    rep = kids.max(axis=1)  # each circle's rep link: its last member
    # circle of head h: h, its reports, and the rep links of its reports' circles
    row = {int(h): r for r, h in enumerate(heads.tolist())}
    extra = np.full((heads.size, span), -1, dtype=np.int64)
    for r in range(heads.size):
        for c, kid in enumerate(kids[r].tolist()):
            if kid in row:
                extra[r, c] = rep[row[kid]]
    a, b = _cliques(np.concatenate([heads[:, None], kids, extra], axis=1))
    formal = (parent[a] == b) | (parent[b] == a)
    channel = np.where(formal, FORMAL, COLLEAGUE).astype(np.int8)
    watcher, watched, channel = _unique_pairs([a], [b], [channel])
    return _from_pairs(
        n,
        watcher,
        watched,
        channel,
        level=level,
        department=branch,
        department_names=names,
        manager=parent,
        name="circles",
    )
