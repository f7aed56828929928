"""The flock: kernel against numpy, neighbour lists against fresh queries every step,
determinism, the bridge, measurements, pictures, the CLI and input checks."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

import swarm
from swarm._kernels.flock import _flock_step
from swarm.flock import (
    Flock,
    NeighbourLists,
    animate,
    correlation_length,
    pieces,
    polarisation,
    turning_wave,
    wave_figure,
)
from swarm.flock.neighbours import nearest, within
from swarm.structures.neighbours import k_nearest

from .reference import flock_step


@pytest.mark.parametrize(
    "dynamics,interaction",
    [("ism", "topological"), ("vicsek", "metric"), ("vicsek", "topological")],
)
def test_step_matches_numpy_reference(dynamics, interaction):
    fl = Flock(300, interaction=interaction, dynamics=dynamics, noise=0.3, seed=3)
    fl.run(30, 30, record_positions=False)  # spins and disorder built up
    fl.predator(5)  # some birds held
    st = fl._s
    want = flock_step(fl)
    got = [np.empty((fl.n, 3)) for _ in range(3)]
    L = fl._lists
    a_, b_ = fl._a, fl._b
    _flock_step(
        st["pos"],
        st["h"],
        st["s"],
        *got,
        L.ptr,
        L.idx,
        L.cnt,
        st["held"],
        st["ids"],
        fl.coupling,
        fl.cohesion,
        fl.spacing,
        fl._noise_sd,
        fl.inertia,
        fl.friction,
        fl.speed,
        fl.dt,
        a_,
        b_,
        fl._key,
        fl.steps_done,
        fl.n,
        fl.time,
        False,
        np.zeros(3),
        np.zeros(3),
        0.0,
        st["times"].copy(),
        st["peak"].copy(),
    )
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-12)
    assert np.abs(want[2]).max() > 0 or dynamics == "vicsek"


@pytest.mark.parametrize("interaction", ["topological", "metric"])
def test_reused_lists_equal_a_fresh_query_at_every_step(interaction):
    # The Verlet proof, checked: at every step the kept lists equal a fresh cKDTree
    # query on the current positions (k_nearest / query_ball_point), bird by bird,
    # and the lists really were reused (far fewer rebuilds than steps).
    fl = Flock(400, interaction=interaction, dynamics="ism", noise=0.2, seed=5)
    fl.predator(10)  # turning birds move relative to the rest
    steps = 150
    for _ in range(steps):
        fl.step()
        pos = fl._s["pos"]
        want = k_nearest(pos, fl.k) if interaction == "topological" else within(pos, fl.radius)
        got = fl._lists.lists()
        assert all(np.array_equal(g, w) for g, w in zip(got, want))
    assert fl._lists.rebuilds < steps / 3
    if interaction == "topological":  # the partial re-queries were exercised too
        assert fl._lists.partial_updates > 0


def test_neighbour_lists_public_class_and_references():
    rng = np.random.default_rng(2)
    pos = rng.random((300, 3))
    lists = NeighbourLists(k=4, extra=3, partial=1.0)
    perm = lists.refresh(pos)
    assert sorted(perm.tolist()) == list(range(300))
    assert all(np.array_equal(a, b) for a, b in zip(lists.lists(), nearest(pos[perm], 4)))
    assert lists.refresh(pos[perm]) is None  # nothing moved: reused
    cur = pos[perm]
    for scale in (0.002, 0.01, 0.03):  # few, then many birds fail: brute force, then tree
        cur = cur + scale * rng.normal(size=cur.shape)
        new = lists.refresh(cur)
        cur = cur if new is None else cur[new]
        assert all(np.array_equal(a, b) for a, b in zip(lists.lists(), nearest(cur, 4)))
    assert lists.partial_updates >= 2
    with pytest.raises(ValueError, match="exactly one"):
        NeighbourLists(k=3, radius=1.0)


def test_metric_radius_gives_k_neighbours_at_the_start():
    fl = Flock(500, interaction="metric", seed=1)
    assert np.mean([len(r) for r in fl.neighbours()]) == pytest.approx(7, abs=0.01)


def test_same_seed_same_flight_any_thread_count_and_list_schedule():
    import numba

    def flight(threads=None, extra=8):
        old = numba.get_num_threads()
        if threads:
            numba.set_num_threads(threads)
        try:
            fl = Flock(300, dynamics="ism", noise=0.2, seed=11, extra=extra)
            fl.predator(5)
            return fl.run(80, 40)
        finally:
            numba.set_num_threads(old)

    a, b = flight(), flight(threads=1)
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.turn_times, b.turn_times)
    # another reuse schedule renumbers birds at other times: the same flight
    c = flight(extra=20)
    np.testing.assert_allclose(c.positions, a.positions, rtol=0, atol=1e-9)
    d = Flock(300, dynamics="ism", noise=0.2, seed=12).run(80, 40)
    assert not np.allclose(d.positions, a.positions)


def test_trajectory_and_state_are_in_identity_order():
    fl = Flock(120, seed=4, noise=0.0)
    p0 = fl.positions.copy()
    tr = fl.run(20, 10)
    assert tr.positions.shape == (3, 120, 3) and tr.times.tolist() == pytest.approx([0, 0.5, 1])
    # without noise every bird flies straight along x at the start: same bird, same row
    np.testing.assert_allclose(tr.positions[0], p0)
    np.testing.assert_allclose(np.linalg.norm(tr.velocities, axis=2), fl.speed)
    assert tr.polarisation[-1] == pytest.approx(polarisation(tr.velocities[-1]))


def test_predator_turns_the_nearest_birds_away():
    fl = Flock(300, seed=2, noise=0.0)
    origins = fl.predator(6, angle=math.pi / 2, side=(0, -1, 0))
    pos = fl.positions
    assert pos[origins, 1].mean() < np.quantile(pos[:, 1], 0.1)  # on the predator's side
    np.testing.assert_allclose(fl.headings[origins], [[0, 1, 0]] * 6, atol=1e-12)
    tr = fl.run(40, 40)
    assert (tr.turn_times[origins] == 0).all()
    np.testing.assert_allclose(
        tr.positions[-1][origins] - pos[origins], [[0, 40 * fl.dt * fl.speed, 0]] * 6, atol=1e-12
    )


def test_from_flock_watch_graph_is_the_neighbour_graph():
    fl = Flock(200, seed=3)
    fl.run(10, 10, record_positions=False)
    org = swarm.from_flock(fl)
    assert org.n == 200 and org.name.startswith("flock (topological")
    want = k_nearest(fl.positions, 7)
    for i in range(200):
        assert set(org.watch[[i]].indices.tolist()) == set(want[i].tolist())
    np.testing.assert_allclose(org.position, fl.positions)
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Exponential(1.0)), swarm.Shock("random"), runs=3, seed=1
    )
    assert res.arrival_times.shape == (3, 200)
    metric = swarm.from_flock(Flock(200, interaction="metric", seed=3))
    assert metric.name.startswith("flock (metric")
    with pytest.raises(TypeError, match="flock must be"):
        swarm.from_flock(org)


def test_pieces_matches_networkx():
    pos = np.random.default_rng(1).random((150, 3)) * 4
    g = nx.Graph()
    g.add_nodes_from(range(150))
    for i in range(150):
        for j in range(i):
            if np.linalg.norm(pos[i] - pos[j]) <= 0.6:
                g.add_edge(i, j)
    comps = list(nx.connected_components(g))
    assert pieces(pos, 0.6) == (len(comps), max(map(len, comps)) / 150)


def test_correlation_length_of_a_domain_wall_and_of_noise():
    # two halves flying apart: fluctuations +u and -u, correlated within a half:
    # C(r) changes sign near the distance between the halves' typical pairs
    rng = np.random.default_rng(0)
    pos = rng.random((1000, 3)) * [10, 1, 1]
    vel = np.where(pos[:, :1] < 5, [[1.0, 0.1, 0]], [[1.0, -0.1, 0]])
    xi, tab = correlation_length(pos, vel)
    assert 3.0 < xi < 6.0
    assert tab["C"].iloc[0] > 0.9
    # independent fluctuations: C ~ 0 at every distance (no structure)
    xi2, tab2 = correlation_length(pos, rng.normal(size=(1000, 3)))
    assert np.abs(tab2["C"].to_numpy()[tab2["pairs"] > 500]).max() < 0.2


def test_turning_wave_table_and_pictures(tmp_path):
    fl = Flock(400, dynamics="ism", seed=1)
    wave = turning_wave(fl, 120, birds=8, record_every=20)
    tab = wave.table()
    assert list(tab.columns) == ["bird", "distance", "turn_time", "peak", "shocked"]
    assert tab["shocked"].sum() == 8 and (tab.loc[tab.shocked, "turn_time"] == 0).all()
    assert wave.front["distance"].is_monotonic_increasing
    fig = wave_figure(wave, tmp_path / "wave.png")
    assert (tmp_path / "wave.png").stat().st_size > 0
    labels = [ax.get_xlabel() + ax.get_ylabel() for ax in fig.axes[:4]]
    assert all("(" in lab for lab in labels)  # units on every axis
    out = animate(wave.trajectory, tmp_path / "flock.gif", max_frames=4)
    from PIL import Image

    with Image.open(out) as im:
        assert im.n_frames == 4
    with pytest.raises(ValueError, match=r"\.gif or \.mp4"):
        animate(wave.trajectory, tmp_path / "flock.avi")
    no_pos = Flock(50, seed=1).run(2, 1, record_positions=False)
    with pytest.raises(ValueError, match="no positions"):
        animate(no_pos, tmp_path / "x.gif")


def test_mp4_needs_ffmpeg(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    tr = Flock(30, seed=1).run(2, 1)
    with pytest.raises(ValueError, match="ffmpeg"):
        animate(tr, tmp_path / "a.mp4")


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        (dict(n=7), ValueError, "n must be >= 8"),
        (dict(n=100, k=0), ValueError, "k must be >= 1"),
        (dict(n=100, interaction="cloud"), ValueError, "interaction must be one of"),
        (dict(n=100, dynamics="boids"), ValueError, "dynamics must be one of"),
        (dict(n=100, radius=2.0), ValueError, "radius is for interaction='metric'"),
        (dict(n=100, dynamics="ism", inertia=0.0), ValueError, "inertia must be > 0"),
        (dict(n=100, inertia=1.0), ValueError, "inertia must be 0"),
        (dict(n=100, friction=0.0), ValueError, "friction must lie in"),
        (dict(n=100, dt=1.0), ValueError, "dt must be at most"),
        (dict(n=100, noise=-1.0), ValueError, "noise must lie in"),
        (dict(n=100.5), TypeError, "n must be an integer"),
        (dict(n=100, seed=-1), ValueError, "seed must be >= 0"),
    ],
)
def test_bad_input(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        Flock(**kwargs)


def test_bad_predator_and_run_input():
    fl = Flock(50, seed=1)
    with pytest.raises(ValueError, match="birds must be <= 50"):
        fl.predator(51)
    with pytest.raises(ValueError, match="angle must lie in"):
        fl.predator(2, angle=4.0)
    with pytest.raises(ValueError, match="parallel"):
        fl.predator(2, side=(1, 0, 0))
    with pytest.raises(ValueError, match="steps must be >= 0"):
        fl.run(-1)
    with pytest.raises(ValueError, match="contact must lie in"):
        pieces(fl.positions, 0.0)


def test_cli_flock(tmp_path, capsys):
    from swarm.cli import main

    code = main(
        ["flock", "--birds", "200", "--steps", "40", "--record-every", "10", "--out", str(tmp_path)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "front" in out and "speed" in out
    import pandas as pd

    tab = pd.read_csv(tmp_path / "flock_wave.csv")
    assert len(tab) == 200 and "turn_time" in tab
    assert (tmp_path / "flock_wave.png").exists() and (tmp_path / "flock.gif").exists()
    assert main(["flock", "--birds", "100", "--dynamics", "boids", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dynamics must be one of" in err
    assert main(["flock", "--steps", "0"]) == 2
