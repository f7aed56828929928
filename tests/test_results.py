"""Shocks, metrics, summaries, curves, comparisons and their plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm.results import metrics


def test_metrics_by_hand():
    t = np.array(
        [
            [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            [0.0, 1.0, 1.0, 1.0, 1.0, np.inf, np.inf, np.inf, np.inf, np.inf],
        ]
    )
    m = metrics.per_run(t)
    assert m["t10"].tolist() == [0.0, 0.0]
    assert m["t50"].tolist() == [4.0, 1.0]
    assert m["t90"].tolist() == [8.0, np.inf]
    assert m["t_all"].tolist() == [9.0, np.inf]
    assert m["synchrony"].tolist() == [8.0, np.inf]
    assert m["reach"].tolist() == [1.0, 0.5]
    grid = np.array([0.0, 1.0, 10.0])
    np.testing.assert_allclose(metrics.fraction_turned(t, grid), [[0.1, 0.2, 1.0], [0.1, 0.5, 0.5]])


def test_summary_curve_and_breakdowns():
    org = swarm.hierarchy(400)
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Exponential(1.0)), swarm.Shock("top"), runs=30, seed=1
    )
    s = res.summary()
    assert s.index.tolist() == ["hierarchy"]
    for m in ("t10", "t50", "t90", "t_all", "synchrony"):
        assert s[f"{m}_lo"].iloc[0] <= s[m].iloc[0] <= s[f"{m}_hi"].iloc[0]
    assert s["reach"].iloc[0] == 1.0 and s["unit"].iloc[0] == "hours"
    # the median is an observed run (inverted CDF), so it stays finite or inf honestly
    assert s["t50"].iloc[0] == np.quantile(res.metrics()["t50"], 0.5, method="inverted_cdf")
    c = res.curve()
    assert c["time"].iloc[0] == 0 and c["median"].is_monotonic_increasing
    assert (c["lo"] <= c["median"]).all() and (c["median"] <= c["hi"]).all()
    assert c["mean"].iloc[-1] == 1.0
    lv = res.by_level()
    assert lv.index.tolist() == [0, 1, 2, 3] and lv.loc[0, "first"] == 0.0
    assert lv["t50"].is_monotonic_increasing  # news from the top goes down the levels
    dep = res.by_department()
    assert dep["agents"].sum() == 400 and "top" in dep.index
    with pytest.raises(ValueError, match="needs levels"):
        swarm.simulate(swarm.networked(50, seed=1), runs=1, seed=1).by_level()


def test_seed_reproduces_and_is_recorded():
    org = swarm.networked(300, seed=1)
    a = swarm.simulate(org, runs=5, seed=None)
    b = swarm.simulate(org, runs=5, seed=a.seed)
    np.testing.assert_array_equal(a.arrival_times, b.arrival_times)
    np.testing.assert_array_equal(a.origins, b.origins)
    gen = np.random.default_rng(7)
    c = swarm.simulate(org, runs=5, seed=gen)
    d = swarm.simulate(org, runs=5, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(c.arrival_times, d.arrival_times)


def test_shocks():
    org = swarm.silos(200, seed=1, departments=4)
    rng = np.random.default_rng(0)
    top = swarm.Shock("top", size=4).origins(org, rng)
    assert sorted(org.level[top].tolist()) == [0, 0, 0, 0]
    dep = swarm.Shock("dept 2", size=5).origins(org, rng)
    assert set(org.department[dep].tolist()) == {1} and len(set(dep.tolist())) == 5
    res = swarm.simulate(org, swarm.Cascade(), swarm.Shock("random", size=3), runs=4, seed=2)
    assert res.origins.shape == (4, 3)
    assert not np.array_equal(res.origins[0], res.origins[1])  # drawn anew per run
    assert np.all(np.take_along_axis(res.arrival_times, res.origins, axis=1) == 0)


@pytest.mark.parametrize(
    "shock, match",
    [
        (swarm.Shock("sales"), "department name"),
        (swarm.Shock([10_000]), "not in this organisation"),
        (swarm.Shock("random", size=500), "size must be at most"),
    ],
)
def test_bad_shocks(shock, match):
    with pytest.raises(ValueError, match=match):
        swarm.simulate(swarm.hierarchy(100), swarm.Cascade(), shock, seed=1)


def test_a_team_shock_lets_complex_contagion_start():
    """Threshold 2 needs neighbouring origins: scattered ones stall, a team spreads."""
    org = swarm.networked(10_000, seed=1)
    model = swarm.Cascade(threshold=2)
    apart = swarm.simulate(org, model, swarm.Shock("random", size=12), runs=10, seed=1)
    team = swarm.simulate(
        org, model, swarm.Shock("random", size=12, together=True), runs=10, seed=1
    )
    # scattered origins rarely sit next to each other: most runs stall at once
    assert np.median(apart.metrics()["reach"]) < 0.05
    assert np.median(team.metrics()["reach"]) > 0.5
    rng = np.random.default_rng(0)
    first_team = swarm.Shock([0], size=1).origins(org, rng)
    origins = swarm.Shock("random", size=8, together=True).origins(org, rng)
    hops = __import__("scipy").sparse.csgraph.shortest_path(
        org.watch, directed=False, unweighted=True, indices=origins
    )
    assert hops[:, origins].max() <= 4 and len(first_team) == 1  # a compact team


def test_top_needs_levels():
    with pytest.raises(ValueError, match="needs management levels"):
        swarm.simulate(swarm.networked(50, seed=1), swarm.Cascade(), swarm.Shock("top"))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(p=1.5), r"p must lie in \[0.0, 1.0\]"),
        (dict(latency=swarm.Exponential(1.0), threshold=0), "threshold must be >= 1"),
        (dict(threshold=1.5), "fraction"),
        (dict(window=-1.0), "window must lie"),
        (dict(ignore=2.0), "ignore must lie"),
        (dict(latency={"email": swarm.Constant(1.0)}), "channel names"),
        (dict(latency=3.0), "latency must be a latency law"),
    ],
)
def test_bad_models(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        swarm.Cascade(**kwargs)


@pytest.mark.parametrize(
    "law, match",
    [
        (lambda: swarm.Constant(-1.0), "Constant.value"),
        (lambda: swarm.Exponential(0.0), "Exponential.mean"),
        (lambda: swarm.LogNormal(1.0, -0.5), "LogNormal.sigma"),
        (lambda: swarm.Scheduled(0.0), "Scheduled.period"),
    ],
)
def test_negative_latency_is_refused(law, match):
    with pytest.raises(ValueError, match=match):
        law()


def test_a_channel_with_no_law():
    org = swarm.silos(100, seed=1, departments=3)  # colleague and formal edges
    model = swarm.Cascade({"colleague": swarm.Exponential(1.0)})
    with pytest.raises(ValueError, match="no law for channel 'formal'"):
        swarm.simulate(org, model, seed=1)


def test_bad_simulate_arguments():
    org = swarm.hierarchy(10)
    with pytest.raises(ValueError, match="runs must be >= 1"):
        swarm.simulate(org, runs=0)
    with pytest.raises(TypeError, match="org must be an Organisation"):
        swarm.simulate("org")
    with pytest.raises(ValueError, match="record must be one of"):
        swarm.simulate(org, record="everything")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        swarm.simulate(org, seed=-1)


def test_comparison_summary_and_plot(tmp_path):
    orgs = {
        "hierarchy": swarm.hierarchy(300),
        "networked": swarm.networked(300, seed=1),
        "silos": swarm.silos(300, seed=1, departments=3),
    }
    cmp = swarm.compare(orgs, swarm.Cascade(), runs=10, seed=3)
    table = cmp.summary()
    assert table.index.tolist() == list(orgs)
    assert table["t90_ratio"].min() == 1.0
    assert table.loc["networked", "watched_max"] == 7
    # the same seed gives each structure the same runs as simulating it alone
    alone = swarm.simulate(orgs["silos"], swarm.Cascade(), runs=10, seed=3)
    np.testing.assert_array_equal(alone.arrival_times, cmp["silos"].arrival_times)
    path = tmp_path / "cmp.png"
    fig = cmp.plot(path)
    assert path.stat().st_size > 10_000
    ax = fig.axes[0]
    assert ax.get_xlabel() == "time (hours)" and "%" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(orgs)
    assert len(ax.get_lines()) == 3  # one median line per structure


def test_compare_needs_distinct_names():
    with pytest.raises(ValueError, match="duplicate names"):
        swarm.compare([swarm.hierarchy(10), swarm.hierarchy(20)], runs=1)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    from swarm._io import atomic_path

    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            pd.DataFrame({"a": [1]}).to_csv(tmp)
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
