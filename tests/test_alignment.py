"""The alignment model: kernel against a numpy reference, linear theory on chains,
noise statistics, determinism and input checks."""

import math

import networkx as nx
import numpy as np
import pytest

import swarm
from swarm._kernels.alignment import _align_step, _draw_normals, _ndtri
from swarm.models.alignment import AlignmentResult

from .reference import alignment_run, alignment_step


def chain(n):
    return swarm.from_networkx(nx.path_graph(n))


# ---- numpy reference of one step -------------------------------------------------------


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize(
    "chi,eta,noise", [(0.0, 1.3, 0.0), (0.0, 0.7, 0.8), (1.5, 0.0, 0.0), (0.8, 2.0, 0.6)]
)
def test_step_matches_numpy_reference(dim, chi, eta, noise):
    rng = np.random.default_rng(7)
    n = 60
    G = nx.gnp_random_graph(n, 0.1, seed=3, directed=True)
    G.add_node(n)  # an agent who watches nobody
    org = swarm.from_networkx(G)
    n = org.n
    h = rng.standard_normal((n, 3))
    if dim == 2:
        h[:, 2] = 0
    h /= np.linalg.norm(h, axis=1)[:, None]
    s = rng.standard_normal((n, 3))
    s = np.cross(h, s) if dim == 3 else np.column_stack([np.zeros((n, 2)), s[:, 0]])
    key, t = np.uint64(0x1234ABCD5678), 17
    xi = _draw_normals(key, t, n, dim)  # the kernel's own draws for this step
    held = rng.random(n) < 0.1
    J, dt = 1.7, 0.05
    g = 0.0 if chi == 0 else eta / chi * dt
    a = math.exp(-g)
    b = 1.0 if g == 0 else -math.expm1(-g) / g
    h2, s2 = np.empty_like(h), np.empty_like(s)
    w = org.watch
    times, low = np.full(n, np.inf), np.ones(n)
    _align_step(
        w.indptr,
        w.indices,
        h,
        s,
        h2,
        s2,
        held,
        dim,
        J,
        noise * math.sqrt(dt),
        chi,
        eta,
        dt,
        a,
        b,
        key,
        t,
        -2.0,
        times,
        low,
    )  # cut -2: no crossing
    h_ref, s_ref = alignment_step(w, h, s, xi, held, dim, J, noise, chi, eta, dt)
    np.testing.assert_allclose(h2, h_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(s2, s_ref, rtol=0, atol=1e-12)
    assert not np.allclose(h2[~held], h[~held])  # the step did something
    np.testing.assert_allclose(low, np.where(held, 1.0, np.minimum(1.0, h_ref[:, 0])), atol=1e-12)


@pytest.mark.parametrize("dim,chi", [(2, 0.0), (3, 0.5)])
def test_run_matches_numpy_reference(dim, chi):
    # directed, and large enough to be renumbered internally for memory locality
    org = swarm.from_networkx(nx.gnm_random_graph(5000, 20000, seed=2, directed=True))
    assert org._kernel["order"] is not None
    model = swarm.Alignment(
        coupling=1.0,
        inertia=chi,
        friction=0.5,
        dt=0.1,
        angle=2.0,
        max_time=3.0,
        dim=dim,
        record_every=4,
    )
    origins = list(range(0, 5000, 5))  # with a mean pull, one turned neighbour is not enough
    res = swarm.simulate(org, model, swarm.Shock(origins), seed=0)
    times, amp, order = alignment_run(org, model, origins)
    assert np.isfinite(times).sum() > 1100  # the turn spread
    np.testing.assert_allclose(res.arrival_times[0], times, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.amplitude[0], amp, rtol=0, atol=1e-7)  # arccos near 0
    np.testing.assert_allclose(res.order_parameter[0], order, rtol=0, atol=1e-12)
    assert res.record_times.tolist() == pytest.approx([0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 2.8])


def test_normal_quantile_matches_scipy():
    from numba import njit
    from scipy.special import ndtri

    p = np.concatenate(
        [
            np.linspace(1e-6, 1 - 1e-6, 20001),
            np.logspace(-16.5, -1, 400),
            1 - np.logspace(-15, -1, 400),
        ]
    )
    got = njit(lambda v: np.array([_ndtri(x) for x in v]))(p)
    np.testing.assert_allclose(got, ndtri(p), rtol=1e-14, atol=1e-15)
    # the kernel's draws are standard normal: moments of 3 x 20000 draws
    x = _draw_normals(np.uint64(99), 5, 20000, 3)
    assert abs(x.mean()) < 4 / math.sqrt(x.size) and abs(x.var() - 1) < 4 * math.sqrt(2 / x.size)


# ---- linear theory on a chain ----------------------------------------------------------


def front_speed(res, lo, hi):
    """Slope of distance against turn time, fitted over hops lo..hi of run 0."""
    t = res.arrival_times[0, lo : hi + 1]
    assert np.isfinite(t).all()
    return np.polyfit(t, np.arange(lo, hi + 1), 1)[0]


@pytest.mark.parametrize("J,chi", [(2.0, 1.0), (8.0, 1.0), (2.0, 4.0)])
def test_inertial_turn_travels_at_linear_wave_speed(J, chi):
    # Undamped ISM on a 300-agent chain, origin held at one end; the theory
    # (Alignment docstring) gives c = sqrt(J / (2 chi)): 1, 2 and 0.5 hops per time.
    # Tolerance 5 %: the step is symplectic Euler, whose long-wave group velocity
    # is exactly c; the lattice makes an Airy front whose half-height lags by
    # ~0.4 (c t / 8)^(1/3) hops, biasing the fitted slope by < 0.5 % over hops
    # 20..240; the 0.1 rad turn keeps sin(x) = x to 0.2 %. Measured: within 0.5 %.
    c = math.sqrt(J / (2 * chi))
    model = swarm.Alignment(
        coupling=J, inertia=chi, friction=0.0, noise=0.0, angle=0.1, dt=0.05 / c, max_time=250 / c
    )
    assert model.chain_speed == pytest.approx(c)
    res = swarm.simulate(chain(300), model, swarm.Shock([0]), seed=1)
    assert front_speed(res, 20, 240) == pytest.approx(c, rel=0.05)
    # no attenuation: every agent the front passed turned by the full angle or more
    # (the Airy front overshoots by ~27 %)
    tab = res.attenuation().loc[1:240]
    assert (tab["relative"] > 0.95).all() and (tab["relative"] < 1.4).all()


def test_inertial_turn_with_noise_keeps_its_speed():
    # Weak noise: the mean over 6 runs of the turn times still moves at c within 5 %.
    # On a chain, noise is dangerous: without friction it heats the spins without
    # bound and there is no long-range order in 1D, so at noise 0.005 some agents
    # already wander past the 0.15 rad half-turn on their own; at 0.001 the turn
    # times scatter by ~1 time unit against 140 over the fit range.
    model = swarm.Alignment(
        coupling=2.0, inertia=1.0, friction=0.0, noise=0.001, angle=0.3, dt=0.05, max_time=170.0
    )
    res = swarm.simulate(chain(200), model, swarm.Shock([0]), runs=6, seed=4)
    t = res.arrival_times[:, 10:151]
    assert np.isfinite(t).all() and t.std(axis=0).max() > 0  # noise did act
    speed = np.polyfit(t.mean(axis=0), np.arange(10, 151), 1)[0]
    assert speed == pytest.approx(model.chain_speed, rel=0.05)


def test_overdamped_turn_diffuses_and_fades():
    # Overdamped chain, origin held at theta: phi(x, t) = theta erfc(x / 2 sqrt(D t)),
    # D = J / (2 eta) = 0.5, so the half-angle front is at x = 0.954 sqrt(D t).
    model = swarm.Alignment(coupling=1.0, friction=1.0, angle=0.1, dt=0.2, max_time=2000.0)
    res = swarm.simulate(chain(200), model, swarm.Shock([0]), seed=1)
    x = np.arange(5, 31)
    t = res.arrival_times[0, 5:31]
    # front grows like sqrt(t): the log-log slope is 1/2 (a wave would give 1) ...
    slope = np.polyfit(np.log(t), np.log(x), 1)[0]
    assert slope == pytest.approx(0.5, abs=0.02)
    # ... a sqrt(t) law fits far better than a straight line ...
    res_lin = np.polyfit(t, x, 1, full=True)[1][0]
    res_sqrt = np.polyfit(np.sqrt(t), x, 1, full=True)[1][0]
    assert res_sqrt < 0.01 * res_lin
    # ... with the predicted prefactor (lattice and time-step corrections are
    # O(1/x^2) and O(dt): measured 0.1 %, tolerance 5 %)
    D = model.chain_diffusivity
    np.testing.assert_allclose(t, x**2 / (0.9539**2 * D), rtol=0.05)
    # the turn fades with distance as the erfc profile at the final time
    from scipy.special import erfc

    tab = res.attenuation()
    d = tab.index.to_numpy()[1:120]
    theory = erfc(d / (2 * math.sqrt(D * model.steps * model.dt)))
    np.testing.assert_allclose(tab["relative"].to_numpy()[1:120], theory, atol=0.02)
    assert tab["relative"].is_monotonic_decreasing
    assert tab["relative"].iloc[100] < 0.1


# ---- noise: an isolated agent's heading diffuses ---------------------------------------


@pytest.mark.parametrize("dim,chi", [(2, 0.0), (3, 0.0), (2, 1.0)])
def test_noise_decorrelates_heading_as_theory(dim, chi):
    # 4000 agents who watch nobody: each heading is a free rotational random walk.
    # Per rotational degree of freedom the angle is Gaussian with variance
    # V = (sigma / eta)^2 t overdamped, and V = (sigma / eta)^2 (t - 2 tau (1 - e^{-t/tau})
    # + tau / 2 (1 - e^{-2t/tau})), tau = chi / eta, with inertia from rest. Then
    # <h(t) . h(0)> = exp(-V / 2) in 2D and exp(-V) in 3D (Brownian rotation).
    org = swarm.from_networkx(nx.empty_graph(4000))
    sigma, eta = 0.5, 1.0
    model = swarm.Alignment(
        noise=sigma,
        inertia=chi,
        friction=eta,
        dt=0.01,
        max_time=4.0,
        dim=dim,
        record_every=100,
        angle=math.pi,
    )
    res = swarm.simulate(org, model, swarm.Shock([0]), runs=2, seed=3)
    t = res.record_times
    if chi == 0:
        V = (sigma / eta) ** 2 * t
    else:
        tau = chi / eta
        V = (sigma / eta) ** 2 * (
            t - 2 * tau * (1 - np.exp(-t / tau)) + tau / 2 * (1 - np.exp(-2 * t / tau))
        )
    expect = np.exp(-V * (dim - 1) / 2)
    # standard error of a mean cosine over 2 x 4000 agents (variance <= 1/2) is
    # <= 0.008; 4 standard errors plus 0.005 for the O(dt) stepping error
    got = res.order_parameter.mean(axis=0)
    assert np.abs(got - expect).max() < 4 * 0.008 + 0.005
    assert got[-1] < 0.8  # the noise did decorrelate


# ---- results, determinism, input checks ------------------------------------------------


def test_result_works_like_a_cascade_result():
    org = swarm.networked(400, seed=1)
    model = swarm.Alignment(coupling=1.0, noise=0.05, max_time=15.0)
    res = swarm.simulate(org, model, swarm.Shock("random", size=2), runs=3, seed=5)
    assert isinstance(res, AlignmentResult) and isinstance(res, swarm.Result)
    assert res.arrival_times.shape == (3, 400) and res.amplitude.shape == (3, 400)
    assert res.order_parameter.shape == (3, model.steps // 10 + 1)
    assert (res.arrival_times[np.arange(3)[:, None], res.origins] == 0).all()
    assert set(res.summary().columns) >= {"t50", "t90", "reach"}
    assert len(res.curve()) == 200 and len(res.metrics()) == 3
    assert list(res.order().columns) == ["time", "mean", "lo", "hi"]
    tab = res.attenuation()
    assert tab.index[0] == 0 and tab["reach"].iloc[0] == 1.0
    assert tab["agents"].sum() == pytest.approx(400)
    cmp = swarm.compare([org], model, runs=2, seed=1)
    assert len(cmp.summary()) == 1


def test_same_seed_same_result_and_thread_count_irrelevant(monkeypatch):
    import numba

    import swarm.models.alignment

    org = swarm.networked(600, seed=3)
    model = swarm.Alignment(
        coupling=1.0, noise=0.3, inertia=0.5, friction=0.5, dim=3, max_time=10.0
    )
    a = swarm.simulate(org, model, swarm.Shock("random"), runs=4, seed=11)
    b = swarm.simulate(org, model, swarm.Shock("random"), runs=4, seed=a.seed)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        c = swarm.simulate(org, model, swarm.Shock("random"), runs=4, seed=11)
    finally:
        numba.set_num_threads(threads)
    for other in (b, c):
        np.testing.assert_array_equal(a.arrival_times, other.arrival_times)
        np.testing.assert_array_equal(a.amplitude, other.amplitude)
        np.testing.assert_array_equal(a.order_parameter, other.order_parameter)
    # a large run with fewer runs than threads steps its agents in parallel: same bits
    monkeypatch.setattr(swarm.models.alignment, "_by_agents", lambda n, runs: True)
    by_agents = swarm.simulate(org, model, swarm.Shock("random"), runs=1, seed=11)
    monkeypatch.setattr(swarm.models.alignment, "_by_agents", lambda n, runs: False)
    by_runs = swarm.simulate(org, model, swarm.Shock("random"), runs=1, seed=11)
    assert np.isfinite(by_runs.arrival_times).sum() > 1
    for name in ("arrival_times", "amplitude", "order_parameter"):
        np.testing.assert_array_equal(getattr(by_agents, name), getattr(by_runs, name))
    d = swarm.simulate(org, model, swarm.Shock("random"), runs=4, seed=12)
    assert not np.array_equal(a.arrival_times, d.arrival_times)
    # the same origins as a cascade with the same seed
    casc = swarm.simulate(org, swarm.Cascade(), swarm.Shock("random"), runs=4, seed=11)
    np.testing.assert_array_equal(a.origins, casc.origins)


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        ({"coupling": 0.0}, ValueError, "coupling"),
        ({"coupling": "1"}, TypeError, "coupling"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"inertia": -1.0}, ValueError, "inertia"),
        ({"friction": -1.0}, ValueError, "friction"),
        ({"friction": 0.0}, ValueError, "friction"),
        ({"dt": 0.0}, ValueError, "dt"),
        ({"dt": 1.5}, ValueError, "dt must be at most 1"),
        ({"inertia": 1.0, "friction": 0.0, "dt": 1.5}, ValueError, "dt must be at most 1.41421"),
        ({"angle": 0.0}, ValueError, "angle"),
        ({"angle": 4.0}, ValueError, "angle"),
        ({"max_time": -1.0}, ValueError, "max_time"),
        ({"dim": 4}, ValueError, "dim"),
        ({"dim": 2.0}, TypeError, "dim"),
        ({"record_every": 0}, ValueError, "record_every"),
        ({"noise": float("nan")}, ValueError, "noise"),
    ],
)
def test_bad_input(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        swarm.Alignment(**kwargs)


def test_stability_bound_is_the_edge():
    # just under the bound a held turn stays bounded; the bound itself is accepted
    m = swarm.Alignment(coupling=2.0, inertia=1.0, friction=0.5)
    swarm.Alignment(coupling=2.0, inertia=1.0, friction=0.5, dt=m.max_dt)
    with pytest.raises(ValueError, match="dt"):
        swarm.Alignment(coupling=2.0, inertia=1.0, friction=0.5, dt=m.max_dt * 1.01)
    assert m.max_dt > math.sqrt(2.0 * 1.0 / 2.0)  # friction allows a longer step


def test_tree_is_refused():
    with pytest.raises(ValueError, match="record"):
        swarm.simulate(chain(5), swarm.Alignment(), swarm.Shock([0]), record="tree")


def test_absent_people_neither_turn_nor_count_in_the_order():
    """remove(): the absent keep still, never turn; the order parameter counts those present."""
    org = swarm.networked(400, seed=5)
    away = swarm.remove(org, 0.3, seed=2)
    absent = away.absent
    origin = int(np.flatnonzero(~absent)[0])
    model = swarm.Alignment(coupling=1.0, noise=0.4, max_time=3.0)
    res = swarm.simulate(away, model, swarm.Shock([origin]), runs=3, seed=4)
    # at time 0 only the origin is turned: |((P - 1) e_x + (cos a, sin a)) / P| over P present
    p = int((~absent).sum())
    a = model.angle
    start = math.hypot(p - 1 + math.cos(a), math.sin(a)) / p
    np.testing.assert_allclose(res.order_parameter[:, 0], start, rtol=1e-12)
    # the absent are held: noise never carries them past half the angle
    assert np.all(np.isinf(res.arrival_times[:, absent]))
    assert np.isfinite(res.arrival_times[:, ~absent]).sum() > 3


# ---- the plane kernel against the 3-vector kernel restricted to the plane ----------------


def _plane_args(org_or_watch, model, absent):
    """The kernels' leading arguments for a watch matrix (public numbering)."""
    w = getattr(org_or_watch, "watch", org_or_watch)
    return (
        w.indptr.astype(np.int64),
        w.indices.astype(np.int32),
        2,
        model.coupling,
        model.noise,
        model.inertia,
        model.friction,
        model.dt,
        model.angle,
        model.steps,
        model.record_every,
        absent,
    )


def _plane_run(args, origins, key, skip_quiet, agents_parallel):
    """One replicate through the plane kernel's ``_run``: (times, min_dot, order, block-steps)."""
    from swarm._kernels import alignment2d as k2

    n = args[0].shape[0] - 1
    blocks = k2._watched_blocks(args[0], args[1], k2._BLOCK)
    out = np.empty(n), np.empty(n), np.empty(args[9] // args[10] + 1)
    stepped = k2._run(
        *args[:2], *blocks, skip_quiet, *args[3:], origins, key, *out, agents_parallel
    )
    return (*out, stepped)


@pytest.mark.parametrize(
    "chi,eta,noise", [(0.0, 1.0, 0.0), (0.0, 0.6, 0.9), (1.2, 0.0, 0.0), (0.7, 1.5, 0.5)]
)
@pytest.mark.parametrize("graph", ["random", "local"])
@pytest.mark.parametrize("parallel_agents", [False, True])
def test_plane_kernel_equals_3d_kernel_in_the_plane(chi, eta, noise, graph, parallel_agents):
    """Same draws, same steps: turn times, lowest cosines and order within 1e-12.

    A directed random graph with an agent who watches nobody, or a local one
    (``networked``, where a noiseless run skips the blocks the turn has not
    reached), absent people and three runs from different origins; both the
    runs-parallel and the single-run entry points (the latter forced to step
    its blocks in parallel too). The 3-vector kernel steps every agent.
    """
    from swarm._kernels import alignment as k3
    from swarm._kernels import alignment2d as k2

    if graph == "random":
        G = nx.gnp_random_graph(300, 0.025, seed=5, directed=True)
        G.add_node(300)
        w = swarm.from_networkx(G).watch
    else:
        w = swarm.networked(2000, seed=4).watch
    n = w.shape[0]
    absent = np.zeros(n, dtype=bool)
    absent[[7, 50, 51]] = True
    model = swarm.Alignment(
        coupling=1.3, noise=noise, inertia=chi, friction=eta, dt=0.04, max_time=6.0, record_every=7
    )
    origins = np.array([[0, 1], [100, 2], [299, 300]], dtype=np.int64)
    keys = np.array([11, 2**63 + 5, 987654321], dtype=np.uint64)
    args = _plane_args(w, model, absent)
    records = model.steps // model.record_every + 1

    def outputs():
        return np.empty((3, n)), np.empty((3, n)), np.empty((3, records))

    want, got, one = outputs(), outputs(), outputs()
    k3._alignment_runs(*args, origins, keys, *want)
    k2._alignment_runs_2d(*args, origins, keys, *got)
    skipped = 0
    for r in range(3):
        if parallel_agents:  # small runs step serially: drive the switch of _run directly
            *res, stepped = _plane_run(args, origins[r], keys[r], noise == 0.0, True)
            for out, value in zip(one, res):
                out[r] = value
            blocks = -(-n // k2._BLOCK)
            skipped += blocks * model.steps - stepped
        else:
            k2._alignment_run_agents_2d(*args, origins[r], keys[r], one[0][r], one[1][r], one[2][r])
    if parallel_agents and graph == "local" and noise == 0.0:
        assert skipped > 1000  # the comparison covers skipped quiet blocks
    assert (want[1] < 1.0 - 1e-3).sum() > 30  # the turn moved many beyond the origins
    for a, b, c in zip(want, got, one):
        np.testing.assert_array_equal(np.isfinite(a), np.isfinite(b))
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)
        np.testing.assert_allclose(c, a, rtol=0, atol=1e-12)


@pytest.mark.parametrize("chi,eta", [(0.0, 0.8), (1.0, 0.5), (1.5, 0.0)])
def test_plane_kernel_skips_quiet_blocks_bit_for_bit(chi, eta):
    """Skipping the blocks whose watched blocks did not move changes no bit.

    Noiseless, on a local graph with absent people: the run with skipping
    against the same run stepping every block, serial and block-parallel.
    """
    from swarm._kernels import alignment2d as k2

    org = swarm.networked(3000, seed=9)
    absent = np.zeros(org.n, dtype=bool)
    absent[::37] = True
    model = swarm.Alignment(
        coupling=1.0, inertia=chi, friction=eta, dt=0.05, max_time=3.0, record_every=5
    )
    args = _plane_args(org, model, absent)
    origins = np.arange(30, dtype=np.int64)  # a team in one corner (locality order)
    key = np.uint64(5)
    every = _plane_run(args, origins, key, False, False)
    blocks = -(-org.n // k2._BLOCK)
    assert every[3] == blocks * model.steps
    for parallel in (False, True):
        quiet = _plane_run(args, origins, key, True, parallel)
        assert quiet[3] < 0.7 * every[3]  # many blocks were skipped
        for a, b in zip(every[:3], quiet[:3]):
            np.testing.assert_array_equal(a, b)
    assert (every[1][30:] < 1.0 - 1e-9).sum() > 40  # the turn spread beyond the team


_THREADS_SCRIPT = """
import sys, numba, numpy as np, swarm
from tests.test_alignment import _plane_args, _plane_run
org = swarm.networked(2500, seed=6)
absent = np.zeros(org.n, dtype=bool)
absent[[5, 900]] = True
out = []
for noise, chi in ((0.0, 0.0), (0.4, 0.8)):
    model = swarm.Alignment(coupling=1.0, noise=noise, inertia=chi, friction=0.7, max_time=3.0)
    args = _plane_args(org, model, absent)
    for threads in (1, 2):
        numba.set_num_threads(threads)
        out.append(_plane_run(args, np.array([0, 1200]), np.uint64(77), noise == 0.0, True))
    out.append(_plane_run(args, np.array([0, 1200]), np.uint64(77), noise == 0.0, False))
np.savez(sys.argv[1], *[np.concatenate([np.ravel(x) for x in o[:3]]) for o in out])
"""


def test_plane_kernel_thread_count_irrelevant(tmp_path):
    """Block-parallel steps on 1 and on 2 threads, and serial steps: the same bits.

    In a subprocess with two numba threads, so the check holds on a one-core machine too.
    """
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "bits.npz"
    env = dict(os.environ, NUMBA_NUM_THREADS="2", PYTHONPATH=str(root))
    subprocess.run([sys.executable, "-c", _THREADS_SCRIPT, str(out)], check=True, cwd=root, env=env)
    runs = list(np.load(out).values())
    assert len(runs) == 6
    for one, two, serial in (runs[:3], runs[3:]):
        np.testing.assert_array_equal(one, two)
        np.testing.assert_array_equal(one, serial)
    assert not np.array_equal(runs[0], runs[3])
