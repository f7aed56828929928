"""Slow, obviously-correct references the tests hold the package against.

Each is written straight from the model's definition (pure Python, numpy
or scipy), with no call into the code it checks; where a reference needs
the kernel's random numbers it takes them as pre-drawn inputs.

- :func:`next_meeting`, :func:`naive_cascade`: the cascade, one signal at a time;
- :func:`shortest_times`: arrival times of the simple cascade (scipy's Dijkstra);
- :func:`subtree_sizes`: descendants in a transmission tree;
- :func:`alignment_step`, :func:`alignment_run`: the alignment equations in numpy;
- :func:`flock_step`: one step of the flock in numpy;
- :func:`k_nearest_brute`, :func:`nearest_in_pool`: nearest neighbours by brute force;
- :func:`time_to_fraction_ref`, :func:`per_run_ref`: response metrics from their definitions;
- :func:`splitmix_uniform`, :func:`earliest_arrival` and the rest of the real-timing block:
  replay of time-stamped contacts;
- :func:`dws_link_probabilities`, :func:`greedy_message_load`: Dodds, Watts & Sabel's link
  step pair by pair, and their message-passing load.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse.csgraph import dijkstra

from swarm._kernels.alignment import _draw_normals

if TYPE_CHECKING:
    from swarm.flock import Flock


def next_meeting(t: float, period: float, phase: float) -> float:
    """First meeting strictly after ``t`` (meetings at phase + k * period)."""
    return phase + (math.floor((t - phase) / period) + 1) * period


def naive_cascade(indptr, indices, delays, ignored, thresh, window, origins, scheduled=None):
    """The cascade model executed literally, one signal arrival at a time.

    ``indptr``/``indices``: the watch CSR (row i = agents i watches);
    ``delays[s]``/``ignored[s]``: draws of CSR entry s (inf = not passed);
    ``scheduled``: None or per-entry (period, phase) or None per entry.
    Every arrival is an event, processed in (time, entry) order; an arrival
    is reinforced when another signal reached the same agent less than
    ``window`` before it; an agent turns when it holds ``thresh[i]`` kept
    signals within the window. Returns (times, informed_by).
    """
    n = len(indptr) - 1
    watchers = [[] for _ in range(n)]  # j -> [(i, s)]
    for i in range(n):
        for s in range(indptr[i], indptr[i + 1]):
            watchers[indices[s]].append((i, s))
    times = [math.inf] * n
    informed = [-1] * n
    received: list[list[tuple[float, bool]]] = [[] for _ in range(n)]  # (time, kept)
    events: list[tuple[float, int, int]] = []

    def turn(j, t):
        times[j] = t
        for i, s in watchers[j]:
            a = t + delays[s]
            if scheduled is not None and scheduled[s] is not None and a < math.inf:
                a = next_meeting(a, *scheduled[s])
            if a < math.inf:
                events.append((a, s, i))

    for o in origins:
        if times[o] > 0:
            turn(int(o), 0.0)
    while events:
        k = min(range(len(events)), key=lambda q: (events[q][0], events[q][1]))
        a, s, i = events.pop(k)
        if times[i] < math.inf:
            continue
        reinforced = any(a - r < window for r, _ in received[i])
        kept = reinforced or not ignored[s]
        received[i].append((a, kept))
        if not kept:
            continue
        count = sum(1 for r, kp in received[i] if kp and a - r < window)
        if count >= thresh[i]:
            informed[i] = int(indices[s])
            turn(i, a)
    return np.array(times), np.array(informed)


def order_statistic(values, k: int) -> float:
    """The value of rank ``k`` (0-based) among ``values``: the k-th of them sorted."""
    return sorted(float(v) for v in values)[k]


def alignment_step(watch, h, s, xi, held, dim, J, noise, chi, eta, dt):
    """One step written directly from the equations (see the Alignment docstring)."""
    n = h.shape[0]
    k = np.diff(watch.indptr)
    mean = np.zeros((n, 3))
    nz = k > 0
    mean[nz] = (watch.astype(bool).astype(float) @ h)[nz] / k[nz, None]
    tau = J * dt * np.cross(h, mean)
    if dim == 2:
        tau[:, 2] += noise * math.sqrt(dt) * xi[:, 0]
    else:
        tau += noise * math.sqrt(dt) * np.cross(h, xi)
    if chi > 0:
        g = eta / chi * dt
        a = math.exp(-g)
        b = 1.0 if g == 0 else (1 - a) / g
        s_new = a * s + b * tau
        s_new -= np.sum(s_new * h, axis=1)[:, None] * h
        w = s_new * dt / chi
    else:
        s_new = np.zeros_like(s)
        w = tau / eta
    ang = np.linalg.norm(w, axis=1)
    u = np.divide(w, ang[:, None], out=np.zeros_like(w), where=ang[:, None] > 0)
    c, sn = np.cos(ang)[:, None], np.sin(ang)[:, None]
    h_new = h * c + np.cross(u, h) * sn + u * np.sum(u * h, axis=1)[:, None] * (1 - c)
    h_new /= np.linalg.norm(h_new, axis=1)[:, None]
    h_new[held], s_new[held] = h[held], 0.0
    return h_new, s_new


def alignment_run(org, model, origins):
    """A whole noiseless run in numpy: turn times, amplitudes and order parameter."""
    n = org.n
    h = np.zeros((n, 3))
    h[:, 0] = 1
    h[origins] = [math.cos(model.angle), math.sin(model.angle), 0]
    s = np.zeros((n, 3))
    held = np.zeros(n, bool)
    held[origins] = True
    times = np.full(n, np.inf)
    times[origins] = 0
    low = h[:, 0].copy()
    cut = math.cos(model.angle / 2)
    order = [np.linalg.norm(h.mean(axis=0))]
    for t in range(model.steps):
        h2, s = alignment_step(
            org.watch,
            h,
            s,
            np.zeros((n, 3)),
            held,
            model.dim,
            model.coupling,
            0.0,
            model.inertia,
            model.friction,
            model.dt,
        )
        new = np.isinf(times) & (h2[:, 0] < cut)
        times[new] = (t + (h[new, 0] - cut) / (h[new, 0] - h2[new, 0])) * model.dt
        low = np.minimum(low, h2[:, 0])
        h = h2
        if (t + 1) % model.record_every == 0:
            order.append(np.linalg.norm(h.mean(axis=0)))
    return times, np.arccos(np.clip(low, -1, 1)), np.array(order)


def flock_step(fl: Flock):
    """One step of the flock written with numpy, from the flock's slot arrays."""
    st = fl._s
    pos, h, s = st["pos"], st["h"], st["s"]
    n = fl.n
    L = fl._lists
    rows = [L.idx[p : p + c] for p, c in zip(L.ptr[:-1], L.cnt)]
    J, beta, r0, dt = fl.coupling, fl.cohesion, fl.spacing, fl.dt
    F = np.zeros((n, 3))
    for i, nb in enumerate(rows):
        if len(nb):
            d = pos[nb] - pos[i]
            r = np.linalg.norm(d, axis=1)
            f = np.minimum((r - r0) / r0, 1.0)
            F[i] = J * h[nb].mean(axis=0) + beta * (f[:, None] * d / r[:, None]).mean(axis=0)
    xi = _draw_normals(fl._key, fl.steps_done, n, 3)[st["ids"]]
    tau = dt * np.cross(h, F) + fl.noise * math.sqrt(dt) * np.cross(h, xi)
    if fl.inertia > 0:
        g = fl.friction / fl.inertia * dt
        a = math.exp(-g)
        b = 1.0 if g == 0 else -math.expm1(-g) / g
        s_new = a * s + b * tau
        s_new -= np.einsum("ij,ij->i", s_new, h)[:, None] * h
        w = s_new * dt / fl.inertia
    else:
        s_new = np.zeros_like(s)
        w = tau / fl.friction
    ang = np.linalg.norm(w, axis=1)[:, None]
    u = np.divide(w, ang, out=np.zeros_like(w), where=ang > 0)
    hn = (
        h * np.cos(ang)
        + np.cross(u, h) * np.sin(ang)
        + u * np.einsum("ij,ij->i", u, h)[:, None] * (1 - np.cos(ang))
    )
    hn /= np.linalg.norm(hn, axis=1)[:, None]
    held = st["held"]
    hn[held], s_new[held] = h[held], 0.0
    return pos + fl.speed * dt * hn, hn, s_new


def subtree_sizes(informed) -> np.ndarray:
    """Descendants of every agent by walking each agent's chain of informers (pure Python)."""
    informed = [int(x) for x in informed]
    size = [0] * len(informed)
    for i in range(len(informed)):
        j, steps = informed[i], 0
        while j >= 0:
            size[j] += 1
            j = informed[j]
            steps += 1
            assert steps <= len(informed), "cycle"
    return np.array(size)


def k_nearest_brute(points, k):
    """Brute force: each point's ``k`` nearest others, ties to the lower index."""
    d2 = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d2, np.inf)
    idx = np.arange(len(points))
    return np.array([np.lexsort((idx, row))[:k] for row in d2])


def nearest_in_pool(points, i, pool, k):
    """Brute force: the k members of ``pool`` (not i) nearest to i, ties to the lower index."""
    others = [j for j in pool if j != i]
    d = [float(((points[j] - points[i]) ** 2).sum()) for j in others]
    return {others[t] for t in np.lexsort((others, d))[:k]}


def shortest_times(org, d_in, origins):
    """Arrival times of the simple cascade: scipy's Dijkstra on the drawn delays ``d_in``."""
    w = org.watch.copy()
    w.data = d_in  # no law here draws an exact zero, so no edge vanishes
    return dijkstra(w.T.tocsr(), indices=origins, min_only=True)


def time_to_fraction_ref(row, percent: int, total: int | None = None) -> float:
    """The first time at which at least ``percent`` % of ``total`` agents had turned.

    From the definition, in exact integer arithmetic: walk the turn times in
    order and stop at the first whose count of agents turned by then, times
    100, reaches ``percent * total``; ``inf`` if that never happens.
    """
    times = sorted(float(t) for t in row)
    total = len(times) if total is None else total
    for t in times:
        if t == math.inf:
            break
        turned = sum(1 for u in times if u <= t)
        if 100 * turned >= percent * total:
            return t
    return math.inf


def per_run_ref(row) -> dict[str, float]:
    """t10, t50, t90, t_all, synchrony and reach of one run, from their definitions."""
    row = [float(t) for t in row]
    t10, t50, t90 = (time_to_fraction_ref(row, p) for p in (10, 50, 90))
    return {
        "t10": t10,
        "t50": t50,
        "t90": t90,
        "t_all": max(row),
        "synchrony": math.inf if t90 == math.inf else t90 - t10,
        "reach": sum(1 for t in row if t < math.inf) / len(row),
    }


# ---- real timing: earliest arrival along time-respecting paths ---------------

_MASK64 = (1 << 64) - 1


def splitmix_uniform(key: int, counter: int) -> float:
    """The counter-based uniform of ``swarm._kernels.rng._hash_uniform``, in plain ints."""
    z = (int(key) + (int(counter) + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    return (z >> 11) * 2.0**-53


def earliest_arrival(src, dst, time, n, origins, start, delay=0.0, p=1.0, key=0, directed=True):
    """Earliest arrival times, found as the fixed point of the definition.

    Person ``v`` knows at ``t`` if an origin (at ``start``) or if some
    contact ``c`` (``u -> v`` at ``t = time[c] >= start``; both ways when
    undirected) passes, i.e. ``u`` knew at ``t - delay`` or earlier and the
    contact's draw ``splitmix_uniform(key, c) < p``. Relaxes every contact,
    in any order, until nothing changes (Bellman-Ford): no sorting, no
    groups, nothing shared with the kernel but the definition. Returns
    absolute times (``inf``: never).
    """
    arr = [math.inf] * n
    for o in origins:
        arr[int(o)] = start
    passes = [p >= 1.0 or splitmix_uniform(key, c) < p for c in range(len(time))]
    changed = True
    while changed:
        changed = False
        for c in range(len(time)):
            t = time[c]
            if t < start or not passes[c]:
                continue
            pairs = [(src[c], dst[c])] if directed else [(src[c], dst[c]), (dst[c], src[c])]
            for u, v in pairs:
                if arr[u] <= t - delay and t < arr[v]:
                    arr[v] = t
                    changed = True
    return np.array(arr)


def brute_force_reach(src, dst, time, n, origin, start):
    """Everyone reachable from ``origin`` by a time-respecting path after ``start``.

    Depth-first search over every path of contacts with strictly increasing
    times (the contacts must have distinct times; no delay), following each
    path to its end rather than remembering the earliest arrival.
    """
    reached = {origin}

    def walk(person, now, first):
        for c in range(len(time)):
            if src[c] == person and (time[c] >= now if first else time[c] > now):
                reached.add(dst[c])
                walk(dst[c], time[c], False)

    walk(origin, start, True)  # a contact at the start time counts
    return reached


def time_expanded_arrival(src, dst, time, n, origin, start):
    """Earliest arrival by reachability in a time-expanded graph (scipy), no delay, p = 1.

    A node per (person, time) at which that person has a contact at or
    after ``start``, and one start node for the origin. Edges: each contact
    ``u -> v`` at ``t`` joins (u, t) to (v, t); each person's nodes are
    chained in time order (waiting); the start node joins the origin's
    first node. A breadth-first search from the start node finds the
    reachable nodes; a person's arrival is the earliest time among them.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    node: dict = {}
    for c in range(len(time)):
        if time[c] >= start:
            for who in (src[c], dst[c]):
                node.setdefault((who, time[c]), len(node))
    begin = len(node)
    rows, cols = [], []
    for c in range(len(time)):
        if time[c] >= start:
            rows.append(node[(src[c], time[c])])
            cols.append(node[(dst[c], time[c])])
    by_person: dict = {}
    for (who, t), k in node.items():
        by_person.setdefault(who, []).append((t, k))
    for seq in by_person.values():
        seq.sort()
        for (_, a), (_, b) in itertools.pairwise(seq):
            rows.append(a)
            cols.append(b)
    if origin in by_person:
        rows.append(begin)
        cols.append(by_person[origin][0][1])
    size = begin + 1
    g = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    seen = breadth_first_order(g, begin, directed=True, return_predecessors=False)
    arr = np.full(n, np.inf)
    arr[origin] = start
    times_of = {k: key for key, k in node.items()}
    for k in seen.tolist():
        if k == begin:
            continue
        who, t = times_of[k]
        arr[who] = min(arr[who], t)
    return arr


def brute_k_nearest(points, k):
    """The k nearest other points of each point by full sort on (squared distance, index).

    Squared distances summed axis by axis as numpy's ``((a - b) ** 2).sum(axis=1)``.
    """
    points = np.asarray(points, dtype=np.float64)
    n = points.shape[0]
    idx = np.arange(n)
    out = np.empty((n, k), dtype=np.int64)
    for i in range(n):
        d2 = ((points - points[i]) ** 2).sum(axis=1)
        d2[i] = np.inf
        out[i] = np.lexsort((idx, d2))[:k]
    return out


# ---- structure designs (tests/test_designs.py): networkx on the undirected watch graph ----


def undirected(org):
    """The watch graph with direction dropped, as a networkx Graph on 0..n-1."""
    import networkx as nx

    w = org.watch
    g = nx.Graph()
    g.add_nodes_from(range(org.n))
    rows = np.repeat(np.arange(org.n), np.diff(w.indptr))
    g.add_edges_from(zip(rows.tolist(), w.indices.tolist()))
    return g


def clustering_and_path_length(org):
    """Watts and Strogatz's C (mean local clustering) and L (mean hop distance).

    L is taken over the largest connected component (the whole graph when
    it is connected, as in Watts & Strogatz 1998).
    """
    import networkx as nx
    from scipy.sparse.csgraph import shortest_path

    g = undirected(org)
    big = sorted(max(nx.connected_components(g), key=len))
    adj = nx.to_scipy_sparse_array(g, nodelist=big)
    hops = shortest_path(adj, unweighted=True, directed=False)  # breadth-first, every pair
    m = len(big)
    return nx.average_clustering(g), hops.sum() / (m * (m - 1))


def max_betweenness(g):
    """The load on the busiest person: the largest (unnormalised) betweenness."""
    import networkx as nx

    return max(nx.betweenness_centrality(g, normalized=False).values())


def pair_reach(g, away):
    """Mean fraction of the people present that a random present person can reach.

    With ``away`` removed: the sum over components of size squared, over
    the square of the people present (origin and target both drawn at
    random among them).
    """
    import networkx as nx

    h = g.copy()
    h.remove_nodes_from(list(away))
    m = h.number_of_nodes()
    return sum(len(c) ** 2 for c in nx.connected_components(h)) / m**2


# ---- Dodds, Watts & Sabel 2003 (swarm.multiscale) ----


def _line(parent, v):
    """``v`` and its managers up to the top, ``v`` first."""
    out = [v]
    while parent[out[-1]] >= 0:
        out.append(int(parent[out[-1]]))
    return out


def dws_link_probabilities(parent, lam, zeta):
    """Exact chance P[i, j] that one draw of the DWS link step picks ``i`` then ``j``.

    Straight from the definition (Dodds, Watts & Sabel 2003, PNAS 100:12516),
    pair by pair: ``i`` uniform among the people who have a partner of
    positive weight, then ``j`` with probability proportional to
    ``exp(-D / lam) * exp(-x / zeta)``, ``D`` the depth (top = 0) of their
    lowest common manager and ``x = sqrt(d_i**2 + d_j**2 - 2)`` with ``d_i``,
    ``d_j`` the steps up to it. Pairs in one line (one manages the other,
    directly or not) are not candidates. lam = 0 or zeta = 0 are the limits
    (only D = 0, only x = 0); inf gives a factor 1.
    """
    n = len(parent)
    lines = [_line(parent, v) for v in range(n)]
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j or j in lines[i] or i in lines[j]:
                continue
            common = next(a for a in lines[i] if a in lines[j])
            D = len(lines[common]) - 1
            di, dj = lines[i].index(common), lines[j].index(common)
            x = math.sqrt(di * di + dj * dj - 2)
            rank = (1.0 if D == 0 else 0.0) if lam == 0 else math.exp(-D / lam)
            dist = (1.0 if x == 0 else 0.0) if zeta == 0 else math.exp(-x / zeta)
            w[i, j] = rank * dist
    total = w.sum(axis=1)
    has = total > 0
    p = np.zeros((n, n))
    p[has] = w[has] / total[has, None] / has.sum()
    return p


def tree_distance_table(parent):
    """``anc[v, d]``: v's manager at depth d (v itself at its own depth), -1 below v."""
    lines = [_line(parent, v)[::-1] for v in range(len(parent))]
    anc = np.full((len(parent), max(map(len, lines))), -1, dtype=np.int64)
    for v, line in enumerate(lines):
        anc[v, : len(line)] = line
    return anc


def greedy_message_load(org, parent, xi, messages, seed):
    """Share of messages each person passes on, in Dodds, Watts & Sabel's exchange model.

    Our reading of their information exchange (2003, PNAS 100:12516): a
    message starts at a person drawn uniformly and is addressed to ``t``
    with probability proportional to ``exp(-x / xi)`` (``x`` the
    organisational distance above, taken as 0 where the formula goes
    negative, for a report and their manager; ``xi = inf``: anyone). With
    pseudo-global knowledge each holder knows the formal tree and their own
    contacts, and hands the message to the contact nearest to ``t`` along the
    tree (ties at random). The backbone guarantees one step of progress, so
    every message arrives. Returns, per person, the share of messages they
    passed on without being its source or target (their congestion
    centrality rho).
    """
    rng = np.random.default_rng(seed)
    anc = tree_distance_table(parent)
    level = (anc >= 0).sum(axis=1) - 1
    n = org.n
    w = org.watch
    contacts = [w.indices[w.indptr[v] : w.indptr[v + 1]] for v in range(n)]

    def common_depth(u, t):  # depth of the lowest common manager of each u and t
        return ((anc[u] == anc[t]) & (anc[u] >= 0)).sum(axis=-1) - 1

    everyone = np.arange(n)
    load = np.zeros(n)
    for s in rng.integers(0, n, size=messages).tolist():
        D = common_depth(everyone, s)
        x = np.sqrt(np.maximum((level[s] - D) ** 2 + (level - D) ** 2 - 2, 0))
        p = np.exp(-x / xi) if np.isfinite(xi) else np.ones(n)
        p[s] = 0.0
        t = int(rng.choice(n, p=p / p.sum()))
        here = s
        while here != t:
            c = contacts[here]
            hops = level[c] + level[t] - 2 * common_depth(c, t)
            best = c[hops == hops.min()]
            here = int(best[rng.integers(best.size)])
            if here != t:
                load[here] += 1
    return load / messages


def largest_component_share(g, away):
    """Share of the whole organisation in the largest group still connected without ``away``."""
    import networkx as nx

    h = g.copy()
    h.remove_nodes_from(list(away))
    return max(len(c) for c in nx.connected_components(h)) / g.number_of_nodes()
