"""Slow, obviously-correct references for the kernels (pure Python)."""

from __future__ import annotations

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
