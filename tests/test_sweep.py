"""Sweeps: cell seeds from the cell key, axes that reach every part, theory, progress."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm.experiments._cells import cell_key
from swarm.experiments.scenario import MissingWhatIf
from swarm.experiments.sweep import CURVE_TIMES, cells


def _scenario(**kw):
    return swarm.Scenario(
        {"kind": "networked", "n": 300, "departments": 2},
        model=swarm.Cascade(swarm.Exponential(1.0), p=0.8),
        **kw,
    )


def test_a_cell_is_its_scenario_simulated():
    """A cell whose answer is known by hand, so no seed enters the expectation.

    hierarchy(57) from the top, every delay 1 hour: 1 + 7 people have turned
    by hour 1 (14 %: t10 = 1) and all 57 by hour 2 (t50 = t90 = t_all = 2),
    in every run.
    """
    sc = swarm.Scenario(
        {"kind": "hierarchy", "n": 57},
        model=swarm.Cascade(swarm.Constant(1.0)),
        shock=swarm.Shock("top"),
    )
    df = swarm.sweep(
        sc, {"model.p": [1.0], "model.latency.value": [1.0, 3.0]}, runs=6, seed=42, progress=False
    )
    want = {
        "agents": 57,
        "runs": 6,
        "t10": 1.0,
        "t10_lo": 1.0,
        "t50": 2.0,
        "t90": 2.0,
        "t90_hi": 2.0,
        "t_all": 2.0,
        "synchrony": 1.0,
        "reach": 1.0,
    }
    for col, value in want.items():
        assert df[col].iloc[0] == value, col
    # the axis reached the model: three hours per step triple every time
    assert (df["t_all"].iloc[1], df["synchrony"].iloc[1]) == (6.0, 3.0)


def test_growing_a_grid_keeps_the_old_cells_numbers(tmp_path):
    sc = _scenario()
    small = {"structure.n": [200, 400], "model.p": [0.6, 1.0]}
    grown = {"structure.n": [200, 300, 400], "model.p": [0.6, 0.8, 1.0]}
    a = swarm.sweep(sc, small, runs=5, seed=3, progress=False)
    b = swarm.sweep(sc, grown, runs=5, seed=3, progress=False)
    old = b[b["structure.n"].isin([200, 400]) & b["model.p"].isin([0.6, 1.0])]
    pd.testing.assert_frame_equal(a, old.reset_index(drop=True), check_exact=True)
    # reordering the values does not matter either: a cell's seed is its key's hash
    c = swarm.sweep(
        sc, {"model.p": [1.0, 0.6], "structure.n": [400, 200]}, runs=5, seed=3, progress=False
    )
    pd.testing.assert_frame_equal(
        a.sort_values(["structure.n", "model.p"]).reset_index(drop=True),
        c.sort_values(["structure.n", "model.p"]).reset_index(drop=True)[a.columns],
        check_exact=True,
    )
    # and on a store only the new cells are computed
    store = tmp_path / "s.sqlite"
    swarm.sweep(sc, small, runs=5, seed=3, store=store, progress=False)
    d = swarm.sweep(sc, grown, runs=5, seed=3, store=store, progress=False)
    pd.testing.assert_frame_equal(b, d, check_exact=True)
    prov = swarm.load(store, provenance=True)
    assert len(prov) == 9 and (prov["computes"] == 1).all()


def test_different_seeds_give_different_cells_and_the_same_seed_the_same():
    sc = _scenario()
    a = swarm.sweep(sc, {"model.p": [0.7]}, runs=5, seed=1, progress=False)
    b = swarm.sweep(sc, {"model.p": [0.7]}, runs=5, seed=1, progress=False)
    c = swarm.sweep(sc, {"model.p": [0.7]}, runs=5, seed=2, progress=False)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a["t50"].iloc[0] != c["t50"].iloc[0]


def test_cells_differing_only_in_the_model_share_one_organisation():
    """networked(300) is drawn from the sweep seed and the structure.* values alone.

    With one fixed origin and every delay 1 hour a run's times are the hop
    distances of the organisation, so two cells that differ only in a model
    setting with no effect here (the attention window) must agree exactly;
    another sweep seed draws other people and other distances.
    """
    sc = swarm.Scenario(
        {"kind": "networked", "n": 300},
        model=swarm.Cascade(swarm.Constant(1.0)),
        shock=swarm.Shock([0]),
    )
    cols = ["t10", "t50", "t90", "t_all", "synchrony", "reach"]
    df = swarm.sweep(sc, {"model.window": [50.0, 60.0]}, runs=2, seed=5, progress=False)
    assert df[cols].iloc[0].tolist() == df[cols].iloc[1].tolist()
    other = swarm.sweep(sc, {"model.window": [50.0]}, runs=2, seed=6, progress=False)
    assert other[cols].iloc[0].tolist() != df[cols].iloc[0].tolist()


def test_reach_from_the_top_of_a_tree_follows_p_to_the_depth():
    # From the top of hierarchy(57) (1 + 7 + 49 people) an agent at depth d is
    # reached iff the d edges of its unique path all pass: mean reach
    # (1 + 7p + 49p^2) / 57. Per run, reach = (1 + sum_i X_i (1 + Y_i)) / 57 with
    # X_i ~ Bernoulli(p), Y_i ~ Binomial(7, p) independent over the 7 branches, so
    # its variance is known exactly; 4.5 standard errors of the mean over runs
    # keeps the false-alarm rate below 1e-5 per cell.
    sc = swarm.Scenario(
        {"kind": "hierarchy", "n": 57},
        shock=swarm.Shock("top"),
        model=swarm.Cascade(swarm.Constant(1.0)),
    )
    runs = 400
    df = swarm.sweep(sc, {"model.p": [0.3, 0.6, 0.9]}, runs=runs, seed=8, progress=False)
    for p, reach in zip(df["model.p"], df["reach"]):
        mean = (1 + 7 * p + 49 * p * p) / 57
        ex2 = 1 + 14 * p + 7 * p * (1 - p) + 49 * p * p  # E[(1 + Y)^2]
        var = 7 * (p * ex2 - (p * (1 + 7 * p)) ** 2) / 57**2
        assert abs(reach - mean) < 4.5 * np.sqrt(var / runs), (p, reach, mean)


def test_axes_reach_structure_model_latency_and_shock():
    sc = swarm.Scenario(
        {"kind": "hierarchy", "n": 57},
        shock=swarm.Shock("top"),
        model=swarm.Cascade(swarm.Constant(1.0)),
    )
    df = swarm.sweep(
        sc,
        {"structure.span": [3, 7], "model.latency.value": [1.0, 2.5]},
        runs=2,
        seed=0,
        progress=False,
    )
    depth = {s: int(swarm.hierarchy(57, span=s).level.max()) for s in (3, 7)}
    for span, lat, t_all in df[["structure.span", "model.latency.value", "t_all"]].values:
        assert t_all == depth[span] * lat
    df = swarm.sweep(
        sc, {"shock.size": [1, 3], "structure.n": [57, 400]}, runs=2, seed=0, progress=False
    )
    assert df["agents"].tolist() == [57, 400, 57, 400]  # last axis fastest
    net = swarm.Scenario({"kind": "networked", "n": 200, "seed": 5})
    df = swarm.sweep(net, {"structure.seed": [1, 2]}, runs=20, seed=0, progress=False)
    assert df["t50"].iloc[0] != df["t50"].iloc[1]  # a fresh draw of the people per seed
    [res] = swarm.experiments._cells.run_cells(
        net, [{"structure": "networked", "structure.seed": 1}], 1, 0
    )
    assert res.organisation == swarm.networked(200, seed=1)
    [res] = swarm.experiments._cells.run_cells(net, [{"structure": "networked"}], 1, 0)
    assert res.organisation == swarm.networked(200, seed=5)  # a seed in the spec wins
    per_channel = swarm.Scenario(
        {"kind": "hierarchy", "n": 57},
        shock=swarm.Shock("top"),
        model=swarm.Cascade({"formal": swarm.Scheduled(8.0)}),
    )
    df = swarm.sweep(
        per_channel, {"model.latency.formal.period": [8.0, 40.0]}, runs=1, seed=0, progress=False
    )
    assert df["t_all"].tolist() == [16.0, 80.0]  # two layers, one meeting each


def test_several_structures_and_a_structure_axis():
    sc = swarm.Scenario({"hierarchy": {"n": 100}, "silos": {"n": 100, "departments": 4}})
    df = swarm.sweep(sc, {"model.p": [0.5, 1.0]}, runs=3, seed=1, progress=False)
    assert df["structure"].tolist() == ["hierarchy", "hierarchy", "silos", "silos"]
    only = swarm.sweep(
        sc, {"structure": ["silos"], "model.p": [0.5, 1.0]}, runs=3, seed=1, progress=False
    )
    pd.testing.assert_frame_equal(only, df.iloc[2:].reset_index(drop=True), check_exact=True)
    cmp = sc.run(runs=3, seed=1)
    plain = swarm.sweep(sc, {}, runs=3, seed=1, progress=False)
    assert cmp["silos"].summary()["t50"].iloc[0] == plain["t50"].iloc[1]


def test_the_curve_is_the_mean_fraction_turned_on_fixed_times():
    sc = swarm.Scenario(
        {"kind": "hierarchy", "n": 57},
        shock=swarm.Shock("top"),
        model=swarm.Cascade(swarm.Constant(1.0)),
    )
    df = swarm.sweep(
        sc, {"model.p": [1.0]}, runs=2, seed=0, progress=False, curve=[0.0, 0.5, 1.0, 2.0]
    )
    assert df.attrs["curve_times"] == [0.0, 0.5, 1.0, 2.0]
    np.testing.assert_array_equal(df["curve"].iloc[0], np.array([1, 1, 8, 57]) / 57)
    assert len(
        swarm.sweep(sc, None, runs=1, seed=0, progress=False, curve=True)["curve"].iloc[0]
    ) == len(CURVE_TIMES)


def test_what_ifs_are_looked_up_by_name_when_a_cell_is_built(monkeypatch):
    calls = []

    def drop_edges(org, fraction, seed=None):  # a stand-in what-if
        calls.append((fraction, seed is not None))
        rng = np.random.default_rng(seed)
        w = org.watch.copy()
        w.data[rng.random(w.nnz) < fraction] = 1e9  # a dropped edge: absurdly slow
        return org.replace(watch=w, channel=org.channel)

    sc = _scenario(whatifs=[("drop_edges", {"fraction": 0.0})])
    with pytest.raises(MissingWhatIf, match="what-if 'drop_edges' is not available"):
        swarm.sweep(sc, {"whatif.drop_edges.fraction": [0.0]}, runs=2, seed=1, progress=False)
    monkeypatch.setitem(swarm.whatifs.WHATIFS, "drop_edges", drop_edges)
    df = swarm.sweep(
        sc, {"whatif.drop_edges.fraction": [0.0, 0.5]}, runs=20, seed=1, progress=False
    )
    assert calls == [(0.0, True), (0.5, True)]
    assert df["t90"].iloc[1] > df["t90"].iloc[0]


def test_adoption_what_if_as_a_grid_axis():
    sc = swarm.Scenario(
        {"kind": "hierarchy", "n": 400},
        whatifs=[("adopt", {"fraction": 0.0})],
        model=swarm.Cascade(swarm.Exponential(1.0)),
    )
    df = swarm.sweep(sc, {"whatif.adopt.fraction": [0.0, 0.8]}, runs=30, seed=2, progress=False)
    assert df["t90"].iloc[1] < df["t90"].iloc[0]  # a social channel shortens a deep tree


@pytest.mark.parametrize(
    "grid, message",
    [
        ({"model.q": [1]}, "Cascade has no field 'q'; allowed: latency, p"),
        ({"model.p": [2.0]}, "p must lie in"),
        ({"structure.k": [3]}, "takes no parameter 'k'; allowed: n, seed, span"),
        ({"whatif.adopt.fraction": [0.1]}, "its what-ifs are none"),
        ({"colour": [1]}, "must be 'structure', or start with"),
        ({"structure": ["flat"]}, "not one of the scenario's structures"),
        ({"model.p": []}, "at least one value"),
        ({"model.p": [0.5, 0.5]}, "holds a value twice"),
        ({"model.p": 0.5}, "must be a list of values"),
        ({"model.latency.mean": [1.0]}, "Constant has no field 'mean'; allowed: value"),
    ],
)
def test_bad_grids_name_the_axis_and_what_is_allowed(grid, message):
    sc = swarm.Scenario({"kind": "hierarchy", "n": 50}, model=swarm.Cascade(swarm.Constant()))
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(")):
        swarm.sweep(sc, grid, runs=1, seed=0, progress=False)


def test_bad_arguments():
    sc = _scenario()
    with pytest.raises(ValueError, match="backend must be one of"):
        swarm.sweep(sc, {}, runs=1, seed=0, backend="spark")
    with pytest.raises(ValueError, match="runs must be >= 1"):
        swarm.sweep(sc, {}, runs=0, seed=0)
    with pytest.raises(ValueError, match="seed must be given"):
        swarm.sweep(sc, {}, runs=1, seed=None)
    with pytest.raises(TypeError, match="scenario must be a swarm.Scenario"):
        swarm.sweep("networked", {}, runs=1, seed=0)
    with pytest.raises(ValueError, match="needs a head count"):
        swarm.sweep(swarm.Scenario("hierarchy"), {}, runs=1, seed=0)
    with pytest.raises(ValueError, match="unknown parameter 'size'"):
        swarm.Scenario({"kind": "hierarchy", "size": 3})
    with pytest.raises(ValueError, match="appears twice"):
        swarm.Scenario("hierarchy", whatifs=["adopt", "adopt"])


def _tree(n, seed):
    return swarm.hierarchy(n), swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top")


def _make(n, p, seed):
    return swarm.networked(n, seed=seed, k=5), swarm.Cascade(p=p), swarm.Shock()


def test_a_function_scenario_takes_the_cell_values_as_keywords():
    df = swarm.sweep(_make, {"n": [100, 200], "p": [0.5, 1.0]}, runs=3, seed=0, progress=False)
    assert df["structure"].tolist() == ["_make"] * 4 and df["agents"].tolist() == [
        100,
        100,
        200,
        200,
    ]
    # the function's own model and shock are what runs: a tree from the top
    # with 1-hour delays reaches all of hierarchy(57) at hour 2 (see above)
    tree = swarm.sweep(_tree, {"n": [57, 400]}, runs=2, seed=0, progress=False)
    assert tree["t_all"].tolist() == [2.0, 3.0] and tree["t10_hi"].tolist() == [1.0, 2.0]
    grown = swarm.sweep(
        _make, {"n": [100, 150, 200], "p": [0.5, 1.0]}, runs=3, seed=0, progress=False
    )
    pd.testing.assert_frame_equal(
        grown[grown["n"] != 150].reset_index(drop=True), df, check_exact=True
    )
    with pytest.raises(ValueError, match="takes no keyword 'k'; allowed: n, p"):
        swarm.sweep(_make, {"k": [3]}, runs=1, seed=0)
    with pytest.raises(TypeError, match=r"must return an Organisation, \(org, model, shock\)"):
        swarm.sweep(lambda n: n, {"n": [3]}, runs=1, seed=0)
    as_scenario = swarm.sweep(
        lambda n: swarm.Scenario({"kind": "hierarchy", "n": n}),
        {"n": [57]},
        runs=2,
        seed=0,
        progress=False,
    )
    assert as_scenario["agents"].tolist() == [57]


def test_cell_keys():
    assert cell_key({"b": 1, "a": 0.5}) == '{"a":0.5,"b":1}'
    [cell] = cells(_scenario(), {"model.p": [np.float64(0.5)]})  # numpy values unwrapped
    assert type(cell["model.p"]) is float


def test_progress_bar_counts_cells_on_stderr_and_is_silent_otherwise(capsys):
    sc = _scenario()
    swarm.sweep(sc, {"model.p": [0.5, 1.0]}, runs=2, seed=0, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "cell" in err
    swarm.sweep(sc, {"model.p": [0.5, 1.0]}, runs=2, seed=0)  # stderr is not a terminal
    swarm.sweep(sc, {"model.p": [0.5, 1.0]}, runs=2, seed=0, progress=False)
    assert capsys.readouterr().err == ""


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PS = [0.3, 0.5, 0.7, 0.9, 1.0]
_NS = [40, 60, 90]
_FULL: dict = {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ps=st.lists(st.sampled_from(_PS), min_size=1, max_size=5, unique=True),
    ns=st.lists(st.sampled_from(_NS), min_size=1, max_size=3, unique=True),
    flip=st.booleans(),
)
def test_any_sub_grid_in_any_order_gives_the_full_grids_cells(ps, ns, flip):
    sc = swarm.Scenario({"kind": "networked", "n": 40, "k": 3})
    if not _FULL:
        full = swarm.sweep(sc, {"structure.n": _NS, "model.p": _PS}, runs=3, seed=9, progress=False)
        _FULL.update({(r["structure.n"], r["model.p"]): r for r in full.to_dict("records")})
    grid = {"model.p": ps, "structure.n": ns} if flip else {"structure.n": ns, "model.p": ps}
    part = swarm.sweep(sc, grid, runs=3, seed=9, progress=False)
    for r in part.to_dict("records"):
        assert r == _FULL[(r["structure.n"], r["model.p"])]
