"""Overflow, memory preflight, output files and one-line errors: nothing lost, nothing leaked.

Each test here failed on the code before the fix it guards (checked by
running it against the previous commit).
"""

from __future__ import annotations

import inspect
import json
import math
import os
import stat

import networkx as nx
import numpy as np
import pytest

import swarm
from swarm import _memory
from swarm._checks import check_float
from swarm.cli import main
from swarm.experiments.scenario_file import ConfigError, read_scenario


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


# ---- 5, 6: overflow and rounding never read as "never reached" ----------------------------


@pytest.mark.parametrize(
    "law", [swarm.Constant(1e308), swarm.LogNormal(1.0, 1e3), swarm.Exponential(1e307)]
)
def test_delays_that_overflow_are_refused_not_read_as_never_reached(law):
    with pytest.raises(ValueError, match="overflow would read as 'never reached'"):
        swarm.simulate(swarm.hierarchy(57), swarm.Cascade(law), swarm.Shock("top"), 2, seed=1)


def test_huge_but_representable_delays_are_computed_exactly():
    res = swarm.simulate(
        swarm.hierarchy(57), swarm.Cascade(swarm.Constant(1e290)), swarm.Shock("top"), 2, seed=1
    )
    assert res.arrival_times.max() == 2e290  # two hops to the front line, all reached
    assert np.isfinite(res.arrival_times).all()


def test_the_command_line_refuses_an_overflowing_latency_in_one_line(tmp_path, capsys):
    code = main(
        [
            "compare",
            "--agents",
            "60",
            "--runs",
            "2",
            "--latency",
            "constant:1e308",
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        ]
    )
    assert code == 2
    assert "overflow" in _one_line_error(capsys)


def test_a_far_meeting_phase_is_the_same_meetings():
    org = swarm.hierarchy(57)
    times = {}
    for phase in (0.0, 1e16, 0.25, 0.25 + 2.0**40):
        res = swarm.simulate(
            org, swarm.Cascade(swarm.Scheduled(1.0, phase=phase)), swarm.Shock("top"), 1, seed=1
        )
        times[phase] = sorted(set(res.arrival_times[0].tolist()))
    assert times[0.0] == times[1e16] == [0.0, 1.0, 2.0]  # not everyone at t = 0
    assert times[0.25] == times[0.25 + 2.0**40] == [0.0, 0.25, 1.25]


@pytest.mark.parametrize("curve", [[math.nan], [0.0, math.nan], [math.inf], ["x"]])
def test_a_curve_time_that_is_not_a_finite_number_is_refused(curve):
    sc = swarm.Scenario({"kind": "hierarchy", "n": 20})
    with pytest.raises(ValueError, match="curve must be"):
        swarm.sweep(sc, None, runs=2, seed=1, curve=curve, progress=False)


def test_from_networkx_refuses_a_fractional_level_instead_of_truncating_it():
    g = nx.path_graph(3)
    nx.set_node_attributes(g, {0: 0, 1: 1.0, 2: 2.9}, "level")
    with pytest.raises(ValueError, match="node 2: level must be a whole number.*2.9"):
        swarm.from_networkx(g)
    nx.set_node_attributes(g, {0: 0, 1: 1.0, 2: np.int64(2)}, "level")
    assert swarm.from_networkx(g).level.tolist() == [0, 1, 2]


# ---- 9: memory preflight ----------------------------------------------------------------


@pytest.fixture
def little_memory(monkeypatch):
    monkeypatch.setattr(_memory, "available_bytes", lambda: 16 * 2**20)


def test_a_simulation_that_cannot_fit_is_refused_before_allocating(little_memory):
    org = swarm.hierarchy(100)
    with pytest.raises(
        MemoryError,
        match=r"200000 runs x 100 agents needs about .* of "
        r"memory, but 16 MiB is available; use fewer runs",
    ):
        swarm.simulate(org, runs=200_000, seed=1)
    with pytest.raises(ValueError, match="a shorter max_time"):  # a ValueError too: exit 2
        swarm.simulate(org, swarm.Alignment(max_time=2e6), seed=1)
    with pytest.raises(ValueError, match="networked of 1000000 agents needs about"):
        swarm.networked(10**6, seed=1)
    assert swarm.simulate(org, runs=10, seed=1).runs == 10  # small ones still run


def test_the_command_line_refuses_a_huge_head_count_in_one_line(tmp_path, capsys):
    code = main(["compare", "--agents", "100000000000", "--out", str(tmp_path / "out")])
    assert code == 2
    err = _one_line_error(capsys)
    assert "needs about" in err and "available" in err and "fewer --agents" in err


def test_available_memory_is_read_from_the_system():
    avail = _memory.available_bytes()
    assert avail is None or avail > 0


# ---- 7, 10, 11: output files --------------------------------------------------------------


def _scenario(tmp_path, name, extra=""):
    toml = tmp_path / "sc.toml"
    toml.write_text(
        f"name = {json.dumps(name)}\nruns = 2\n[structures.hierarchy]\nn = 20\n" + extra
    )
    return toml


def _files(folder):
    return sorted(
        os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder) for f in fs
    )


@pytest.mark.parametrize(
    "name", ["../../x", "../x", "/tmp/swarm-escape-test", "a/../../b", "..", ""]
)
def test_a_scenario_name_cannot_write_outside_out(tmp_path, capsys, name):
    work = tmp_path / "work"
    work.mkdir()
    toml = _scenario(work, name)
    out = work / "deep" / "out"
    code = main(["run", str(toml), "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert _files(tmp_path) == sorted(
        ["work/sc.toml"] + [os.path.join("work/deep/out", f) for f in os.listdir(out)]
    )
    assert len(os.listdir(out)) == 2
    assert not os.path.exists("/tmp/swarm-escape-test.csv")


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_output_files_take_their_mode_from_the_umask(tmp_path, capsys, mask):
    old = os.umask(mask)
    try:
        toml = _scenario(tmp_path, "modes")
        assert main(["run", str(toml), "--out", str(tmp_path / "out"), "--quiet"]) == 0
        sc = swarm.Scenario({"kind": "hierarchy", "n": 20})
        swarm.sweep(
            sc, {"model.p": [0.5]}, runs=2, seed=1, store=tmp_path / "s.sqlite", progress=False
        )
    finally:
        os.umask(old)
    for path in [
        tmp_path / "out" / "modes.csv",
        tmp_path / "out" / "modes.png",
        tmp_path / "s.sqlite",
    ]:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask, path


@pytest.mark.parametrize("bad", ["file", "file/under", "/proc/swarm-not-here"])
def test_a_bad_out_is_refused_before_simulating(tmp_path, capsys, monkeypatch, bad):
    (tmp_path / "file").write_text("x")
    out = bad if bad.startswith("/") else str(tmp_path / bad)

    def never(*a, **k):
        raise AssertionError("simulated before checking --out")

    monkeypatch.setattr("swarm.cli.simulate", never)
    monkeypatch.setattr("swarm.experiments.scenario.Scenario.run", never)
    toml = _scenario(tmp_path, "x")
    for argv in (["compare", "--agents", "30", "--runs", "2"], ["run", str(toml)]):
        assert main([*argv, "--out", out, "--quiet"]) == 2
        assert "--out" in _one_line_error(capsys)


# ---- 13, 15: one line, never a rebuilt foreign exception ------------------------------------


def test_an_error_that_cannot_be_rebuilt_is_wrapped_in_one_line(tmp_path, capsys, monkeypatch):
    def broken(*a, **k):
        raise json.JSONDecodeError("Expecting value", "doc", 0)  # takes three arguments

    monkeypatch.setattr("swarm.experiments.scenario.Scenario.run", broken)
    toml = _scenario(tmp_path, "x")
    assert main(["run", str(toml), "--out", str(tmp_path / "out")]) == 2
    err = _one_line_error(capsys)
    assert str(toml) in err and "Expecting value" in err


def test_window_inf_means_never_forgotten_and_messages_say_what_is_allowed(tmp_path, capsys):
    assert swarm.Cascade(window=math.inf).window is None
    with pytest.raises(ValueError, match=r"lie in \(0.0, inf\)"):
        check_float("x", -1.0, low=0.0, low_open=True)
    assert (
        main(
            [
                "compare",
                "--agents",
                "30",
                "--runs",
                "2",
                "--window",
                "inf",
                "--quiet",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 0
    )


def test_scheduler_and_workers_errors_name_the_option_not_the_file(tmp_path, capsys):
    toml = _scenario(tmp_path, "x")
    store = tmp_path / "s.sqlite"
    assert (
        main(
            ["sweep", str(toml), "--store", str(store), "--quiet", "--scheduler", "not an address"]
        )
        == 2
    )
    err = _one_line_error(capsys)
    assert err.startswith("error: --scheduler not an address") and str(toml) not in err
    assert not store.exists()  # a failed Dask sweep leaves no empty store behind
    assert (
        main(
            [
                "sweep",
                str(toml),
                "--store",
                str(store),
                "--quiet",
                "--scheduler",
                "tcp://127.0.0.1:9",
                "--workers",
                "2",
            ]
        )
        == 2
    )
    assert "give one of them" in _one_line_error(capsys)
    with pytest.raises(ValueError, match="not both"):
        swarm.sweep(
            swarm.Scenario({"kind": "hierarchy", "n": 20}),
            None,
            runs=1,
            seed=1,
            backend="dask",
            scheduler="tcp://127.0.0.1:9",
            workers=2,
        )


# ---- 8 (scenario files only), 15: what a scenario file may be --------------------------------


def test_a_scenario_file_with_a_byte_order_mark_reads(tmp_path):
    toml = tmp_path / "bom.toml"
    toml.write_bytes(b"\xef\xbb\xbfruns = 3\n[structures.hierarchy]\nn = 20\n")
    assert read_scenario(toml).runs == 3


def test_department_sizes_are_accepted_in_a_scenario_file_as_in_the_api(tmp_path):
    toml = tmp_path / "d.toml"
    toml.write_text(
        "[structures.silos]\nn = 30\ndepartments = [10, 20]\n"
        "[structures.hierarchy]\nn = 30\ndepartments = [10, 20]\n"
    )
    sc = read_scenario(toml).scenario
    res = sc.run(2, seed=1, progress=False)
    assert [r.n for r in res.values()] == [30, 30]
    toml.write_text("[structures.silos]\nn = 30\ndepartments = [10, 2.5]\n")
    with pytest.raises(ConfigError, match="departments: must be an integer or array of int"):
        read_scenario(toml)


def test_only_a_small_regular_file_is_read_as_a_scenario(tmp_path):
    with pytest.raises(ConfigError, match="not a regular file"):
        read_scenario("/dev/zero")
    with pytest.raises(ConfigError, match="not a regular file"):
        read_scenario(tmp_path)
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (2 << 20) + "\n")
    with pytest.raises(ConfigError, match="larger than"):
        read_scenario(big)
    secret = tmp_path / "secret.toml"
    secret.write_bytes(b"root:$6$secret-hash\n\xff\n")
    with pytest.raises(ConfigError) as info:
        read_scenario(secret)
    assert "secret-hash" not in str(info.value)


# ---- 14: one plot signature ---------------------------------------------------------------


def test_result_and_comparison_plot_take_the_same_arguments(tmp_path):
    res = swarm.simulate(swarm.hierarchy(30), runs=3, seed=1)
    cmp = swarm.Comparison({"a": res})
    assert (
        inspect.signature(swarm.Result.plot).parameters.keys()
        == inspect.signature(swarm.Comparison.plot).parameters.keys()
    )
    fig = res.plot(tmp_path / "r.png")
    assert (tmp_path / "r.png").stat().st_size > 0 and fig.axes
    assert cmp.plot(tmp_path / "c.png") is not None
    assert res.plot(fig.axes[0]) is fig  # an Axes first, as before: drawn into
    assert res.plot(ax=fig.axes[0], title="t", logx=True) is fig
