"""Slow, obviously-correct references for the kernels (pure Python)."""

from __future__ import annotations

import itertools
import math

import numpy as np


def next_meeting(t: float, period: float, phase: float) -> float:
    """First meeting strictly after ``t`` (meetings at phase + k * period)."""
    return phase + (math.floor((t - phase) / period) + 1) * period


def naive_cascade(indptr, indices, delays, ignored, thresh, window, origins,
                  scheduled=None):
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


# ---- real timing: earliest arrival along time-respecting paths ---------------

_MASK64 = (1 << 64) - 1


def splitmix_uniform(key: int, counter: int) -> float:
    """The counter-based uniform of ``swarm._kernels.rng._hash_uniform``, in plain ints."""
    z = (int(key) + (int(counter) + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    return (z >> 11) * 2.0 ** -53


def earliest_arrival(src, dst, time, n, origins, start, delay=0.0, p=1.0, key=0,
                     directed=True):
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
    for who, seq in by_person.items():
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
    return sum(len(c) ** 2 for c in nx.connected_components(h)) / m ** 2
