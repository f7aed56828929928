"""Stochastic results against theory: percolation and first-passage times."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

import swarm


def _regular(n, d, seed):
    return swarm.from_networkx(nx.random_regular_graph(d, n, seed=seed))


def test_independent_cascade_reach_is_bond_percolation():
    """Final reach of an independent cascade on a random 4-regular graph.

    With transmissibility p every edge passes independently, so the set an
    outbreak reaches is a percolation cluster (Newman 2002, Phys. Rev. E 66,
    016128): an edge leads only to a finite cluster with probability
    u = 1 - p + p G1(u) = 1 - p + p u**(d-1), and the giant cluster holds
    S = 1 - G0(u) = 1 - u**d of the agents. A random origin starts a large
    outbreak with probability S, and a large outbreak reaches a fraction S.
    For d = 4, p = 1/2: u = (sqrt 5 - 1)/2 and S = 1 - u**4 = 0.8541.
    """
    d, p, n, runs = 4, 0.5, 20_000, 300
    u = (math.sqrt(5) - 1) / 2
    assert abs(u - (1 - p + p * u ** (d - 1))) < 1e-12
    S = 1 - u**d
    org = _regular(n, d, seed=1)
    res = swarm.simulate(org, swarm.Cascade(swarm.Exponential(1.0), p=p), runs=runs, seed=2)
    reach = res.metrics()["reach"].to_numpy()
    large = reach > 0.1  # small outbreaks stay O(1) agents, large ones O(n): no ambiguity
    # probability of a large outbreak: binomial, 4 sd = 4 * sqrt(S(1-S)/300) = 0.08
    assert abs(large.mean() - S) < 4 * math.sqrt(S * (1 - S) / runs)
    # size of large outbreaks: finite-size fluctuations of the giant cluster are
    # O(n**-1/2) = 0.007 per run, averaged over ~170 runs; 0.01 leaves room for the
    # O(1/n) bias of a finite graph
    assert abs(reach[large].mean() - S) < 0.01
    assert reach[~large].max() < 0.01


def test_first_passage_times_grow_like_log_n_over_d_minus_2():
    """Mean arrival time with Exp(1) delays on random d-regular graphs.

    First-passage percolation on a random d-regular graph: the explored
    region grows like a branching process in which every reached agent adds
    d - 2 active edges, so the typical passage time is log(n) / (d - 2) plus
    a term of order one that converges in n (Bhamidi, van der Hofstad and
    Hooghiemstra 2010, Ann. Appl. Probab. 20:1907; Ding, Kim, Lubetzky and
    Peres 2010 for regular graphs). The constant cancels in a difference:
    mean(n2) - mean(n1) -> log(n2 / n1) / (d - 2).
    """
    d = 3
    means = {}
    for n in (2_000, 32_000):
        org = _regular(n, d, seed=n)
        res = swarm.simulate(org, swarm.Cascade(swarm.Exponential(1.0)), runs=200, seed=3)
        means[n] = res.arrival_times.mean()
    expected = math.log(16) / (d - 2)  # 2.77
    # Monte-Carlo sd of each mean: about 1.3 / sqrt(200) = 0.09 (the origin's
    # fluctuation dominates); corrections to the limit are O(n**-1/2 log n) ~ 0.1
    # at n = 2000. 0.3 is about three of these combined.
    assert abs((means[32_000] - means[2_000]) - expected) < 0.3


def test_arrival_time_to_a_neighbour_is_the_minimum_over_paths():
    """On a complete graph with Exp(1) delays the first agent reached after
    the origin turns at the minimum of n - 1 exponentials: mean 1 / (n - 1)."""
    n, runs = 30, 4000
    org = swarm.from_networkx(nx.complete_graph(n))
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Exponential(1.0)), swarm.Shock([0]), runs=runs, seed=4
    )
    first = np.sort(res.arrival_times, axis=1)[:, 1]
    # the mean of 4000 Exp(n-1) draws has relative sd 1/sqrt(4000) = 1.6 %: 5 sd
    assert first.mean() == pytest.approx(1 / (n - 1), rel=0.08)
    # Yule process on K_n: the k-th new agent arrives after an Exp(k (n - k))
    # wait, so the mean time to reach everyone is sum 1/(k (n - k)).
    expected_all = sum(1 / (k * (n - k)) for k in range(1, n))
    t_all = res.arrival_times.max(axis=1)
    sd = math.sqrt(sum(1 / (k * (n - k)) ** 2 for k in range(1, n)) / runs)
    assert abs(t_all.mean() - expected_all) < 5 * sd
