"""Hypothesis strategies that draw the data itself, so a failing case shrinks.

A graph drawn from one integer seed shrinks only to another seed; a graph
drawn edge by edge shrinks to the fewest agents and edges that still fail.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import strategies as st

import swarm


@st.composite
def watch_graphs(
    draw, min_n: int = 1, max_n: int = 30, max_watched: int = 5, scales: bool = False
) -> swarm.Organisation:
    """An organisation whose agent ``i`` watches a drawn set of others.

    With ``scales`` each watch edge gets a latency scale in [0.5, 2].
    """
    n = draw(st.integers(min_n, max_n))
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for i in range(n):
        watched = draw(
            st.lists(
                st.integers(0, n - 1).filter(lambda j, i=i: j != i),
                max_size=min(max_watched, n - 1),
                unique=True,
            )
        )
        for j in watched:  # from_networkx: an edge j -> i means i watches j
            if scales:
                g.add_edge(j, i, latency=draw(st.floats(0.5, 2.0)))
            else:
                g.add_edge(j, i)
    return swarm.from_networkx(g)


@st.composite
def informer_forests(draw, max_n: int = 60) -> np.ndarray:
    """``informed_by`` of one run: each agent told by an earlier one, or by nobody (-1)."""
    n = draw(st.integers(1, max_n))
    order = draw(st.permutations(range(n)))  # the order in which agents turned
    informed = np.full(n, -1, dtype=np.int64)
    for k in range(1, n):
        told_by = draw(st.integers(-1, k - 1))  # -1: an origin or never reached
        if told_by >= 0:
            informed[order[k]] = order[told_by]
    return informed
