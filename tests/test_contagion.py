"""Complex contagion, Watts's cascade window and urgency, against theory."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import brentq
from scipy.stats import poisson

import swarm

# ---- Centola & Macy (2007): complex contagion needs wide bridges ---------------


def _ring(n, q, seed):
    """Ring lattice, each person tied to the 2 nearest on either side, rewired with prob q."""
    return swarm.from_networkx(nx.watts_strogatz_graph(n, 4, q, seed=seed))


REWIRING = (0.0, 0.01, 0.1, 1.0)


@pytest.fixture(scope="module")
def ring_runs():
    """Per rewiring probability: reach of threshold-2 runs and t90 of threshold-1 runs."""
    out = {}
    for q in REWIRING:
        reach, t90 = [], []
        for g in range(3):  # three graphs per q: the result is not one lucky wiring
            org = _ring(1000, q, seed=g)
            complex_ = swarm.simulate(
                org,
                swarm.Cascade(swarm.Exponential(1.0), threshold=2),
                swarm.Shock("random", size=2, together=True),
                runs=60,
                seed=g,
            )
            simple = swarm.simulate(org, swarm.Cascade(swarm.Exponential(1.0)), runs=30, seed=g)
            reach.append(complex_.metrics()["reach"].to_numpy())
            t90.append(simple.metrics()["t90"].to_numpy())
        out[q] = np.concatenate(reach), np.concatenate(t90)
    return out


def test_complex_contagion_reaches_everyone_on_the_lattice(ring_runs):
    """Threshold 2 from two neighbours: on the unrewired ring everyone turns, every run.

    Each next person watches both of the last two who turned, so the front
    advances deterministically in both directions (Centola & Macy 2007,
    Am. J. Sociol. 113:702, their clustered baseline).
    """
    reach, _ = ring_runs[0.0]
    assert np.all(reach == 1.0)


def test_complex_contagion_fades_as_rewiring_grows(ring_runs):
    """Rewiring breaks the wide bridges complex contagion needs: mean reach falls with q.

    Each step must exceed 4 standard errors of the difference of the two
    means (180 runs each), so a decrease by chance has odds below 1 in 30,000;
    the measured gaps are 10-100 standard errors.
    """
    means = []
    for a, b in zip(REWIRING, REWIRING[1:]):
        ra, rb = ring_runs[a][0], ring_runs[b][0]
        se = math.sqrt(ra.var(ddof=1) / ra.size + rb.var(ddof=1) / rb.size)
        assert ra.mean() - rb.mean() > 4 * max(se, 1e-4), (a, b, ra.mean(), rb.mean())
        means.append(ra.mean())
    # fully random: complex contagion stays with the team of two
    assert np.median(ring_runs[1.0][0]) == 2 / 1000


def test_simple_contagion_gets_faster_as_rewiring_grows(ring_runs):
    """Threshold 1: shortcuts make a small world (Watts & Strogatz 1998), t90 falls.

    Judged by the runs' 5-95 % ranges: each larger q must lie wholly below
    the smaller one's (measured: 236 -> 25 -> 7 -> 4 time units).
    """
    for a, b in zip(REWIRING, REWIRING[1:]):
        ta, tb = ring_runs[a][1], ring_runs[b][1]
        assert np.quantile(tb, 0.95) < np.quantile(ta, 0.05), (a, b)


# ---- Watts (2002): the cascade window ---------------------------------------------

PHI = 0.18  # Watts's Fig. 1 threshold


def _watts_frequency(z: float) -> float:
    """Probability that one random origin triggers a global cascade (Watts 2002, PNAS 99:5766).

    On a Poisson(z) random graph with fractional threshold phi a person of
    degree k <= K = floor(1/phi) is *vulnerable*: one active neighbour
    suffices. With F1(x) = sum_{1<=k<=K} k p_k x^(k-1) / z, the probability
    u that an edge does not lead into the giant vulnerable cluster solves
    u = 1 - F1(1) + F1(u) (smallest root); the origin turns its neighbours,
    so a global cascade starts with probability 1 - G0(u) = 1 - exp(z (u - 1))
    (Watts's extended vulnerable cluster).
    """
    kmax = math.floor(1 / PHI)
    k = np.arange(1, kmax + 1)
    pk = poisson.pmf(k, z)

    def f1(x):
        return float(np.sum(k * pk * x ** (k - 1)) / z)

    def g(u):
        return 1 - f1(1.0) + f1(u) - u

    grid = np.linspace(0.0, 1.0, 2001)
    vals = np.array([g(u) for u in grid])
    for a, b, va, vb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
        if va * vb < 0:
            return 1 - math.exp(z * (brentq(g, a, b) - 1))
    return 0.0


@pytest.mark.parametrize("z, inside", [(0.5, False), (2.0, True), (4.0, True), (10.0, False)])
def test_threshold_cascades_show_the_cascade_window(z, inside):
    """Global cascades (reach > 10 %) only for mean degrees inside Watts's window.

    Below (z = 0.5: no giant component) and above (z = 10: too few vulnerable
    people to percolate) theory gives 0, and we allow at most 1 % of 300
    runs (finite-size near-misses). Inside, the frequency must match the
    analytic value within 3 binomial standard errors plus 0.03: the analysis
    ignores people who turn on two signals and finite clusters at n = 10^4,
    which Watts's Fig. 1 shows to be a few per cent inside the window. Reach
    is bimodal (small outbreaks stay < 0.2 %, global ones > 50 %), so the
    10 % cut is not delicate.
    """
    n, runs = 10_000, 300
    org = swarm.from_networkx(nx.fast_gnp_random_graph(n, z / n, seed=11))
    res = swarm.simulate(
        org,
        swarm.Cascade(swarm.Exponential(1.0), threshold=PHI),
        swarm.Shock("random"),
        runs=runs,
        seed=5,
    )
    freq = float((res.metrics()["reach"] > 0.1).mean())
    theory = _watts_frequency(z)
    if not inside:
        assert theory == 0.0 and freq <= 0.01
    else:
        assert theory > 0.5
        se = math.sqrt(theory * (1 - theory) / runs)
        assert abs(freq - theory) < 3 * se + 0.03, (freq, theory)


# ---- urgency -------------------------------------------------------------------


def _chain(n):
    """Agent i watches i - 1 only: every signal comes alone."""
    w = sp.csr_array((np.ones(n - 1), (np.arange(1, n), np.arange(n - 1))), shape=(n, n))
    return swarm.Organisation(w, name="chain")


@pytest.mark.parametrize("level", [0.3, 0.7])
def test_urgency_on_a_chain_passes_each_hop_with_probability_level(level):
    """Lone signals are dismissed with probability 1 - level, so hop h is reached w.p. level**h.

    1,000 runs: each frequency within 4 binomial standard errors.
    """
    runs = 1000
    res = swarm.simulate(
        _chain(12),
        swarm.Cascade(swarm.Exponential(1.0), **swarm.urgency(level)),
        swarm.Shock([0]),
        runs=runs,
        seed=3,
    )
    reached = np.isfinite(res.arrival_times).mean(axis=0)
    for h in (1, 2, 3):
        p = level**h
        assert abs(reached[h] - p) < 4 * math.sqrt(p * (1 - p) / runs), (h, reached[h], p)


def test_without_urgency_only_confirmed_news_moves():
    """Level 0: a lone signal is always dismissed; two sources together always taken."""
    res = swarm.simulate(
        _chain(6),
        swarm.Cascade(swarm.Constant(1.0), **swarm.urgency(0.0)),
        swarm.Shock([0]),
        runs=20,
        seed=1,
    )
    assert np.all(np.isinf(res.arrival_times[:, 1:]))
    # agent 2 watches 0 and 1, both origins: the second signal confirms the first
    w = sp.csr_array((np.ones(3), ([1, 2, 2], [0, 0, 1])), shape=(3, 3))
    res = swarm.simulate(
        swarm.Organisation(w),
        swarm.Cascade(swarm.Constant(1.0), **swarm.urgency(0.0, span=2.0)),
        swarm.Shock([0, 1]),
        runs=5,
        seed=1,
    )
    assert np.all(res.arrival_times[:, 2] == 1.0)


def test_urgency_mapping_and_errors():
    assert swarm.urgency(1.0) == {"ignore": 0.0, "window": None}
    assert swarm.urgency(0.0, span=8.0) == {"ignore": 1.0, "window": 8.0}
    assert swarm.urgency(0.75, span=8.0) == {"ignore": 0.25, "window": 32.0}
    with pytest.raises(ValueError, match="level must lie in"):
        swarm.urgency(1.5)
    with pytest.raises(ValueError, match="span must lie in"):
        swarm.urgency(0.5, span=0.0)
