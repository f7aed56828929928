"""The flock against published results: Attanasi et al. 2014 (the turning wave),
Ballerini et al. 2008 (topological cohesion), Vicsek et al. 1995 (order and noise).

The 1D chains run the flock's own step kernel on a fixed chain (birds that do not
move), so the linear theory of ``swarm.Alignment`` applies unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erfc
from scipy.stats import fisher_exact

from swarm._kernels.alignment import _constants
from swarm._kernels.flock import _flock_step
from swarm.flock import Flock, correlation_length, pieces, turning_wave


def run_chain(n, *, coupling, inertia, friction, dt, steps, angle=0.1):
    """Bird 0 of a fixed chain turned by ``angle`` and held; returns (turn times, peak)."""
    left = np.arange(n) - 1
    right = np.arange(n) + 1
    rows = [[j for j in (left[i], right[i]) if 0 <= j < n] for i in range(n)]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=ptr[1:])
    idx = np.concatenate(rows).astype(np.int64)
    cnt = np.diff(ptr)
    pos = np.c_[np.arange(n, dtype=float), np.zeros(n), np.zeros(n)]
    h = np.zeros((n, 3))
    h[:, 0] = 1.0
    h[0] = [math.cos(angle), math.sin(angle), 0.0]
    s = np.zeros((n, 3))
    bufs = (pos.copy(), h.copy(), s.copy())
    held = np.zeros(n, dtype=np.bool_)
    held[0] = True
    times = np.full(n, np.inf)
    times[0] = 0.0
    peak = np.zeros(n)
    peak[0] = angle
    a, b, _, _ = _constants(inertia, friction, dt, 0.0, 0.0)
    u_old, e2 = np.array([1.0, 0, 0]), np.array([0.0, 1, 0])
    ids = np.arange(n, dtype=np.int64)
    for t in range(steps):
        _flock_step(
            pos,
            h,
            s,
            *bufs,
            ptr,
            idx,
            cnt,
            held,
            ids,
            coupling,
            0.0,
            1.0,
            0.0,
            inertia,
            friction,
            0.0,
            dt,
            a,
            b,
            np.uint64(1),
            t,
            n,
            t * dt,
            True,
            u_old,
            e2,
            0.5 * angle,
            times,
            peak,
        )
        (pos, h, s), bufs = bufs, (pos, h, s)
    return times, peak


@pytest.mark.parametrize("J,chi", [(2.0, 1.0), (8.0, 1.0), (2.0, 4.0)])
def test_chain_ism_turn_travels_at_linear_speed_undamped(J, chi):
    # Linearised ISM on a chain, mean over the two neighbours: chi phi_tt = (J/2) phi_xx,
    # so c = sqrt(J / (2 chi)) hops per time (swarm.Alignment.chain_speed). 5 %: the
    # symplectic step's long-wave speed is exactly c; the Airy front's half-height lag
    # biases the slope over hops 20..240 by < 0.5 % (as in tests/test_alignment.py).
    c = math.sqrt(J / (2 * chi))
    times, peak = run_chain(
        300, coupling=J, inertia=chi, friction=0.0, dt=0.05 / c, steps=int(250 / 0.05)
    )
    hops = np.arange(20, 241)
    assert np.isfinite(times[hops]).all()
    assert np.polyfit(times[hops], hops, 1)[0] == pytest.approx(c, rel=0.05)
    # no attenuation at zero friction: every bird the front passed turned the full
    # angle (the lattice's Airy front overshoots by up to ~30 %)
    rel = peak[1:241] / 0.1
    assert (rel > 0.95).all() and (rel < 1.4).all()


def test_chain_overdamped_turn_diffuses_and_fades():
    # Overdamped: phi_t = D phi_xx, D = J / (2 eta) = 0.5, origin held at theta:
    # phi = theta erfc(x / 2 sqrt(D t)); the half-angle front is at x = 0.954 sqrt(D t).
    J, eta, dt, steps = 1.0, 1.0, 0.2, 10000
    times, peak = run_chain(200, coupling=J, inertia=0.0, friction=eta, dt=dt, steps=steps)
    x = np.arange(5, 31)
    t = times[5:31]
    assert np.polyfit(np.log(t), np.log(x), 1)[0] == pytest.approx(0.5, abs=0.02)
    D = J / (2 * eta)
    # lattice and step corrections O(1/x^2), O(dt): measured ~0.1 %; tolerance 5 %
    np.testing.assert_allclose(t, x**2 / (0.9539**2 * D), rtol=0.05)
    # it fades with distance as erfc at the final time (largest turn = final turn,
    # the profile only grows); 0.02 rad/rad absorbs the same corrections
    d = np.arange(1, 120)
    np.testing.assert_allclose(peak[d] / 0.1, erfc(d / (2 * math.sqrt(D * steps * dt))), atol=0.02)
    assert peak[100] / 0.1 < 0.1


def wave_fits(dynamics, seeds, **kw):
    out = []
    for seed in seeds:
        f = Flock(1000, dynamics=dynamics, seed=seed, noise=0.02, speed=0.1, **kw)
        f.run(20, 20, record_positions=False)
        w = turning_wave(f, 400, birds=100, along="side", record_every=400, record_positions=False)
        out.append(w)
    return out


def test_3d_ism_front_is_linear_vicsek_front_is_a_root():
    # A predator sweeping one side turns the nearest 10 % (a planar source, so the
    # geometry adds no 1/r fading); the birds fly slowly (0.1 spacing per time unit,
    # ten times slower than the wave) so no bird carries the turn across the flock
    # by flying there. Fronts: ISM at low friction linear (Attanasi et al. 2014),
    # overdamped a square root. Measured over 4+4 seeds: ISM rmse 0.20 vs 0.67,
    # Vicsek 0.16-0.23 vs 0.05-0.11 (linear vs root), every seed on the right side.
    for w in wave_fits("ism", range(4), friction=0.1):
        assert w.rmse_linear < 0.6 * w.rmse_sqrt
        assert w.reach > 0.95  # the whole flock turned ...
        assert w.attenuation["relative"].iloc[-1] > 0.9  # ... by the full angle
    for w in wave_fits("vicsek", range(4)):
        assert w.rmse_sqrt < w.rmse_linear
        assert w.reach < 0.7  # the overdamped turn fades ...
        rel = w.attenuation["relative"].to_numpy()
        assert rel[-1] < 0.5 * rel[0]  # ... with distance


def one_piece(interaction, scenario, seeds):
    ok = 0
    for seed in seeds:
        density = {"sparser": 2.0, "denser": 0.5}.get(scenario, 1.0)
        f = Flock(
            200, interaction=interaction, dynamics="ism", noise=0.2, density=density, seed=seed
        )
        if scenario == "predator":
            f.predator(20, hold=2.0, inside=True)
        f.run(500, 500, record_positions=False)
        ok += pieces(f.positions, 2.0)[0] == 1
    return ok


@pytest.mark.slow
def test_topological_flocks_stay_whole_where_metric_ones_break():
    # Ballerini et al. 2008. The metric radius is the one giving 7 neighbours at the
    # start of each flock. "sparser": the flock starts at twice the birds' preferred
    # density and spreads out to it (density halved); "denser": it starts at half
    # and contracts (doubled); "predator": a dive into the flock scatters 20 birds
    # for 2 time units (a flash expansion). One piece = one connected component of
    # the contact graph at 2 spacings after 25 time units; ISM, noise 0.2.
    # Statistics: per scenario a one-sided Fisher exact test on the 12 + 12 seeds;
    # measured (these 12 seeds): topological whole 12/12 in every scenario, metric 5/12
    # (sparser, p = 0.002), 4/12 (predator, p = 0.0007), 11/12 (denser). The seeds
    # are fixed, so the test is deterministic; on 8 other seeds metric kept 3/8 and
    # 2/8, the same picture. A denser flock gives the metric rule
    # more neighbours, not fewer, so there only the topological flock is required to
    # stay whole: Ballerini's fragility is that of a flock that spreads out.
    seeds = range(12)
    topo = {s: one_piece("topological", s, seeds) for s in ("sparser", "denser", "predator")}
    metric = {s: one_piece("metric", s, seeds) for s in ("sparser", "denser", "predator")}
    for s in topo:
        assert topo[s] >= 11  # topological: whole in (almost) every run
    for s in ("sparser", "predator"):
        p = fisher_exact(
            [[topo[s], 12 - topo[s]], [metric[s], 12 - metric[s]]], alternative="greater"
        ).pvalue
        assert p < 0.01, (s, topo[s], metric[s], p)


def test_undisturbed_flock_stays_together():
    # The cohesion term must hold a noisy, undisturbed flock together: 4 seeds,
    # 25 time units, both dynamics, one piece every time.
    for dyn in ("ism", "vicsek"):
        for seed in range(2):
            f = Flock(300, dynamics=dyn, noise=0.1, seed=seed)
            f.run(500, 500, record_positions=False)
            assert pieces(f.positions, 2.0) == (1, 1.0)


def test_vicsek_order_falls_from_one_to_random():
    # Vicsek et al. 1995: polarisation ~1 at low noise; at maximal noise headings are
    # independent and isotropic, so N <P^2> = 1 (E|sum of N unit vectors|^2 = N).
    # "Maximal" here: noise per step of 30 rad rms, far past a full turn. The mean of
    # N P^2 over 100 records spaced 5 steps apart (independent at this noise) has
    # sd ~ sqrt(2/3)/10 ~ 0.08 (chi^2 with 3 dof / 3): tolerance 0.3 is 3.7 sd.
    n = 400
    low = Flock(n, noise=0.01, seed=1)
    assert low.run(200, 50, record_positions=False).polarisation[-1] > 0.99
    mid = Flock(n, noise=1.0, seed=1).run(400, 400, record_positions=False).polarisation[-1]
    high = Flock(n, noise=30 / math.sqrt(0.05), seed=1, cohesion=0.0, speed=0.0)
    p = high.run(500, 5, record_positions=False).polarisation[1:]
    assert np.mean(n * p**2) == pytest.approx(1.0, abs=0.3)
    assert 0.99 > mid > p.mean() * 3  # order falls steadily in between


def test_velocity_correlation_length_grows_with_the_flock():
    # Cavagna et al. 2010 (PNAS 107:11865): in an ordered flock the correlation length
    # of velocity fluctuations is proportional to the flock's size (scale-free), not a
    # fixed number of spacings. Flocks of 500 and 4,000 birds (radius ~5 and ~10
    # spacings): measured xi / radius 0.86-0.95 over 3 seeds each; the ratio of the
    # two xi must follow the ratio of the radii within 20 % (seed spread ~5 %), and a
    # fixed-length correlation (xi the same at both sizes) would fail by 2x.
    out = []
    for n in (500, 4000):
        f = Flock(n, dynamics="vicsek", noise=0.3, seed=0)
        f.run(300, 300, record_positions=False)
        xi, _ = correlation_length(f.positions, f.velocities)
        radius = np.linalg.norm(f.positions - f.positions.mean(axis=0), axis=1).max()
        out.append((xi, radius))
    (xi_s, r_s), (xi_l, r_l) = out
    assert xi_l / xi_s == pytest.approx(r_l / r_s, rel=0.2)
    assert 0.6 < xi_s / r_s < 1.1
