"""Design generators: construction time, side by side with peers where they exist.

Run:  python benchmarks/designs.py [--agents 100000] [--repeat 3]

Builds each of the five designs of ``swarm.structures.designs`` at
``--agents`` people (median of ``--repeat`` after a warm-up) and reports
seconds and watch edges per second. The small world has peers: networkx's
and igraph's Watts-Strogatz generators (a ring lattice of degree 8 rewired
with probability 0.1, about the same number of edges as swarm's 7 nearest on
a 2-D map); the ratio column is the peer's time over swarm's (above 1:
swarm is faster). swarm's small world also finds each person's 7 nearest
colleagues in a 2-D social space (a k-d tree), which the ring lattices do
not need. The others have no peer generator; the classic rake is given for
scale.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import timeit

import swarm


def _time(fn, repeat: int) -> float:
    fn()  # warm-up
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agents", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    n, rep = args.agents, args.repeat
    jobs = {
        "hierarchy (for scale)": lambda: swarm.hierarchy(n),
        "small_world": lambda: swarm.small_world(n, 1),
        "multiscale": lambda: swarm.multiscale(n, 1),
        "matrix": lambda: swarm.matrix(n, 1),
        "team_of_teams": lambda: swarm.team_of_teams(n, 1),
        "circles": lambda: swarm.circles(n),
    }
    rows = []
    for name, fn in jobs.items():
        sec = _time(fn, rep)
        rows.append((name, sec, fn().n_edges))
    sw = {r[0]: r[1] for r in rows}["small_world"]
    peers = []
    try:
        import networkx as nx

        peers.append(
            (
                "networkx watts_strogatz_graph(n, 8, 0.1)",
                lambda: nx.watts_strogatz_graph(n, 8, 0.1, seed=1),
                8 * n,
            )
        )
    except ImportError:
        pass
    try:
        import igraph as ig

        peers.append(
            (
                "igraph Watts_Strogatz(1, n, 4, 0.1)",
                lambda: ig.Graph.Watts_Strogatz(1, n, 4, 0.1),
                8 * n,
            )
        )
    except ImportError:
        pass
    print(
        f"# {n:,} people, median of {rep}; {platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print("| generator | seconds | watch edges/s | peer / swarm small_world |")
    print("|---|---:|---:|---:|")
    for name, sec, edges in rows:
        print(f"| swarm {name} | {sec:.3f} | {edges / sec:,.0f} | |")
    for name, fn, edges in peers:
        sec = _time(fn, rep)
        print(f"| {name} | {sec:.3f} | {edges / sec:,.0f} | {sec / sw:.2f} |")


if __name__ == "__main__":
    main()
