"""Scenario files and the run / sweep commands: shipped examples, one-line errors."""

from __future__ import annotations

import glob
import os
import subprocess
import sys

import pandas as pd
import pytest

import swarm
from swarm.cli import main
from swarm.experiments.scenario_file import ConfigError, read_scenario

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.toml")))

SMALL = """
name = "small"
runs = 4
seed = 5

[structures.hierarchy]
n = 120

[structures.networked]
n = 120
k = 5

[model]
p = 0.9
latency = { law = "exponential", mean = 2.0 }

[shock]
origin = "random"
size = 2

[grid]
"model.p" = [0.5, 1.0]
"""


def _needs(path) -> list[str]:
    import tomllib

    with open(path, "rb") as fh:
        return [w["name"] for w in tomllib.load(fh).get("whatifs", [])]


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_every_shipped_scenario_reads_and_its_first_cell_runs(path):
    missing = [n for n in _needs(path) if not hasattr(swarm, n)]
    assert not missing, f"{path} names what-ifs swarm does not have: {missing}"
    sf = read_scenario(path)
    assert sf.grid and sf.runs >= 1
    first = {axis: values[:1] for axis, values in sf.grid.items()}
    first["structure"] = [sf.scenario.labels[0]]
    small = sf.scenario
    df = swarm.sweep(small, first, runs=2, seed=sf.seed, progress=False)
    assert len(df) == 1 and df["reach"].iloc[0] > 0


def test_run_prints_a_table_and_writes_csv_and_png(tmp_path):
    toml = tmp_path / "small.toml"
    toml.write_text(SMALL)
    proc = subprocess.run(
        [sys.executable, "-m", "swarm", "run", str(toml), "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert proc.returncode == 0, proc.stderr
    assert "hierarchy" in proc.stdout and "t90_ratio" in proc.stdout
    assert "use `sweep`" in proc.stderr  # the grid is not silently dropped
    table = pd.read_csv(tmp_path / "out" / "small.csv", index_col=0)
    assert table.index.tolist() == ["hierarchy", "networked"]
    assert (tmp_path / "out" / "small.png").stat().st_size > 10_000
    # run and a sweep cell with no axes are the same computation
    sf = read_scenario(toml)
    cell = swarm.sweep(sf.scenario, {}, sf.runs, sf.seed, progress=False)
    assert table["t50"].tolist() == pytest.approx(cell["t50"].tolist(), rel=1e-12)


def test_sweep_prints_every_cell_and_is_quiet_with_quiet(tmp_path, capsys):
    toml = tmp_path / "small.toml"
    toml.write_text(SMALL)
    store = tmp_path / "small.sqlite"
    assert main(["sweep", str(toml), "--store", str(store), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "4 cells" in out and "model.p" in out
    assert err == ""
    assert len(swarm.load(store)) == 4


BAD = [
    ("colour = 'red'\n", "colour: unknown key; allowed here: name, runs, seed"),
    ("runs = 'many'\n[structures.hierarchy]\nn = 5\n", "runs: must be an integer, got 'many'"),
    ("runs = 0\n[structures.hierarchy]\nn = 5\n", "runs: must be >= 1"),
    ("seed = 1.5\n[structures.hierarchy]\nn = 5\n", "seed: must be an integer"),
    ("[model]\np = 0.5\n", "structures: required"),
    ("[structures.hierarchy]\nn = 'big'\n", "structures.hierarchy.n: must be an integer"),
    (
        "[structures.hierarchy]\nn = 5\nk = 7\n",
        "structures.hierarchy.k: unknown key; allowed here: kind, n, seed, span",
    ),
    ("[structures.flat]\nn = 5\n", "structures.flat.kind: must be one of hierarchy"),
    (
        "[structures.hierarchy]\nn = 5\n[model]\nspeed = 2\n",
        "model.speed: unknown key; allowed here: kind, latency, p",
    ),
    ("[structures.hierarchy]\nn = 5\n[model]\np = 'high'\n", "model.p: must be a number"),
    ("[structures.hierarchy]\nn = 5\n[model]\np = 3.0\n", "model: p must lie in [0.0, 1.0]"),
    (
        "[structures.hierarchy]\nn = 5\n[model.latency]\nlaw = 'weibull'\n",
        "model.latency.law: must be one of exponential, constant",
    ),
    (
        "[structures.hierarchy]\nn = 5\n[model.latency]\nlaw = 'exponential'\nmedian = 1\n",
        "model.latency.median: unknown key; allowed here: law, mean",
    ),
    (
        "[structures.hierarchy]\nn = 5\n[model.latency.email]\nlaw = 'constant'\n",
        "model.latency.email: unknown key; allowed here: law, formal, colleague, social",
    ),
    ("[structures.hierarchy]\nn = 5\n[shock]\nsize = 'two'\n", "shock.size: must be an integer"),
    ("[structures.hierarchy]\nn = 5\n[shock]\nwhere = 'top'\n", "shock.where: unknown key"),
    (
        "[structures.hierarchy]\nn = 5\n[grid]\n'model.q' = [1]\n",
        "grid.model.q: grid axis 'model.q': Cascade has no field 'q'",
    ),
    (
        "[structures.hierarchy]\nn = 5\n[grid]\n'model.p' = 0.5\n",
        "grid.model.p: must be a non-empty array",
    ),
    (
        "[structures.hierarchy]\nn = 5\n[[whatifs]]\nfraction = 0.5\n",
        "whatifs[0].name: must be a string",
    ),
    (
        "[structures.hierarchy]\nn = 5\n[[whatifs]]\nname = 'no_such_whatif'\n",
        "what-if 'no_such_whatif' is not available",
    ),
    ("[structures.hierarchy\nn = 5\n", "not valid TOML"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_scenario_files_give_one_line_naming_file_and_key_and_exit_2(
    tmp_path, capsys, text, message
):
    toml = tmp_path / "bad.toml"
    toml.write_text(text)
    store = tmp_path / "s.sqlite"
    code = main(["sweep", str(toml), "--store", str(store), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert message in err, err
    assert f"{toml}: " in err  # the file is named
    assert not store.exists()  # nothing was started


def test_a_bad_file_through_the_real_command_line(tmp_path):
    toml = tmp_path / "bad.toml"
    toml.write_text("[structures.hierarchy]\nn = -4\n")
    for cmd in (
        ["run", str(toml), "--out", str(tmp_path)],
        ["sweep", str(tmp_path / "missing.toml"), "--store", str(tmp_path / "s")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "swarm", *cmd],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": ROOT},
        )
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "missing.toml: no such file" in proc.stderr
    assert f"{toml}: n must be >= 1" in main_err(["run", str(toml), "--out", str(tmp_path)])
    assert f"{toml}: n must be >= 1" in main_err(
        ["sweep", str(toml), "--store", str(tmp_path / "s.sqlite")]
    )


def main_err(argv):
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stderr(buf):
        assert main(argv) == 2
    return buf.getvalue()


def test_read_scenario_errors_are_config_errors(tmp_path):
    toml = tmp_path / "x.toml"
    toml.write_text("[structures.networked]\nn = 50\nk = 7.5\n")
    with pytest.raises(ConfigError, match=r"x.toml: structures.networked.k: must be an integer"):
        read_scenario(toml)
    chart = tmp_path / "chart.csv"
    chart.write_text("id,manager,department\n1,,board\n2,1,ops\n3,1,ops\n")
    toml.write_text(
        "[structures.ours]\nkind = 'org_chart'\ntable = 'chart.csv'\n"
        "[shock]\norigin = 'top'\n[grid]\n'model.p' = [1.0]\n"
    )
    sf = read_scenario(toml)  # a relative table is found beside the file
    df = swarm.sweep(sf.scenario, sf.grid, 2, 0, progress=False)
    assert df["agents"].tolist() == [3] and df["reach"].tolist() == [1.0]
