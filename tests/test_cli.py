"""The command line: the main job, help, and one-line errors with exit code 2."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pandas as pd
import pytest

from swarm.cli import _build_parser, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "swarm", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def test_compare_prints_a_table_and_writes_csv_and_png(tmp_path):
    out = tmp_path / "out"
    proc = _run("compare", "--agents", "300", "--runs", "8", "--seed", "1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    for name in ("hierarchy", "linking pin", "silos", "networked", "t90_ratio"):
        assert name in proc.stdout
    table = pd.read_csv(out / "comparison.csv", index_col=0)
    assert table.index.tolist() == ["hierarchy", "linking pin", "silos", "networked"]
    assert (table["agents"] == 300).all()
    assert (out / "comparison.png").stat().st_size > 10_000


def test_compare_from_the_top_with_meetings(tmp_path, capsys):
    code = main(
        [
            "compare",
            "--agents",
            "200",
            "--runs",
            "4",
            "--origin",
            "top",
            "--formal-latency",
            "scheduled:8",
            "--out",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "networked (random origin)" in text and "meetings every 8" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "--agents", "-3"], "--agents must be >= 2"),
        (["compare", "--latency", "weibull:2"], "law must be one of"),
        (["compare", "--latency", "exponential:-1"], "Exponential.mean"),
        (["compare", "--p", "2"], "p must lie in"),
        (["compare", "--origin", "middle"], "--origin must be"),
        (["compare", "--bogus"], "unrecognized arguments"),
        (["compare", "--runs", "many"], "invalid int value"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, message, capsys, tmp_path):
    code = main([*args, "--out", str(tmp_path)] if args[0] == "compare" else args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _commands() -> list[str]:
    """The sub-commands the parser defines (read from argparse, not listed by hand)."""
    parser = _build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


def test_help_on_every_command():
    commands = _commands()
    assert {"compare", "run", "sweep", "flock"} <= set(commands)
    top = _run("--help")
    assert top.returncode == 0 and top.stdout.startswith("usage: python -m swarm")
    for name in commands:
        assert name in top.stdout  # every command is listed on the front page
        proc = _run(name, "--help")
        assert proc.returncode == 0, (name, proc.stderr)
        assert proc.stdout.startswith(f"usage: python -m swarm {name}"), (name, proc.stdout)
        assert "options:" in proc.stdout and proc.stderr == "", name


def test_bad_arguments_in_a_real_process():
    proc = _run("compare", "--agents", "0")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["error: --agents must be >= 2, got 0"]


def test_compare_any_designs(tmp_path, capsys):
    code = main(
        [
            "compare",
            "--agents",
            "200",
            "--runs",
            "4",
            "--structures",
            "circles, small-world,hierarchy",
            "--out",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "comparison.csv", index_col=0)
    assert table.index.tolist() == ["circles", "small world", "hierarchy"]
    assert "circles" in capsys.readouterr().out


def test_compare_all_nine_designs(tmp_path):
    from swarm.cli import DESIGNS

    args = ["compare", "--agents", "150", "--runs", "2", "--structures", "all"]
    assert main([*args, "--out", str(tmp_path), "--quiet"]) == 0
    table = pd.read_csv(tmp_path / "comparison.csv", index_col=0)
    assert table.index.tolist() == [d.replace("_", " ") for d in DESIGNS]


def test_nine_curves_stay_apart():
    """With more curves than colours, a repeated colour comes with another line style."""
    from swarm.plot.curves import response_curves

    c = pd.DataFrame({"time": [0.0, 1.0], "median": [0.0, 1.0], "lo": [0.0, 1.0], "hi": [0.0, 1.0]})
    ax = response_curves({f"c{i}": c for i in range(9)})
    looks = [(line.get_color(), line.get_linestyle()) for line in ax.get_lines()]
    assert len(looks) == 9 and len(set(looks)) == 9


def test_compare_refuses_an_unknown_design(tmp_path, capsys):
    code = main(["compare", "--structures", "rake", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "'rake' names no design" in err and "team_of_teams" in err
    assert not list(tmp_path.iterdir())
