"""Sweep and scenario plots: rendered to files, content checked against the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm import plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def sweep():
    """A real sweep: t90 against p for two structures, from Result.summary rows."""
    rows = []
    orgs = {"hierarchy": swarm.hierarchy(150), "networked": swarm.networked(150, seed=1)}
    for p in (0.6, 0.8, 1.0):
        for name, org in orgs.items():
            res = swarm.simulate(org, swarm.Cascade(p=p), swarm.Shock("random"), runs=8, seed=3)
            rows.append(res.summary().assign(p=p, structure=name))
    return pd.concat(rows, ignore_index=True)


def test_sweep_lines_one_line_and_band_per_structure(sweep, tmp_path):
    ax = plot.sweep_lines(sweep, "p", "t90", by="structure", unit="hours")
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["hierarchy", "networked"]
    for ln, (_, g) in zip(lines, sweep.groupby("structure", sort=False)):
        assert np.allclose(ln.get_xdata(), g["p"]) and np.allclose(ln.get_ydata(), g["t90"])
    assert len(ax.collections) == 2  # one 5-95 % band per structure
    assert ax.get_ylabel() == "time until 90 % of staff turned (hours)"
    assert ax.get_xlabel() == "p"
    path = tmp_path / "sweep.png"
    plot.save_figure(ax.figure, path)
    assert path.stat().st_size > 5_000


def test_adoption_curve_in_percent_with_unit():
    t = pd.DataFrame(
        {
            "fraction": [1.0, 0.0, 0.5] * 2,
            "t50": [4.0, 30, 10, 5, 40, 12],
            "structure": ["as it is"] * 3 + ["silos"] * 3,
        }
    )
    ax = plot.adoption_curve(t, "t50", by="structure", unit="days")
    assert ax.get_xlabel() == "staff on the internal network (%)"
    assert ax.get_ylabel() == "time until half the staff turned (days)"
    assert len(ax.get_lines()) == 2
    first = ax.get_lines()[0]
    assert first.get_xdata().tolist() == [0.0, 50.0, 100.0]  # sorted, in percent
    assert first.get_ydata().tolist() == [30.0, 10.0, 4.0]
    assert len(ax.collections) == 0  # no range columns, no band


def test_scenario_bars_values_order_and_whiskers(tmp_path):
    res = {
        o: swarm.simulate(swarm.hierarchy(200), swarm.Cascade(), swarm.Shock(o), runs=10, seed=1)
        for o in ("top", "bottom")
    }
    table = pd.concat([r.summary() for r in res.values()])
    table.index = ["announcement from the top", "alarm on the shop floor"]
    ax = plot.scenario_bars(table, ("t50", "t90"), unit="hours")
    assert ax.get_xlabel() == "time (hours)"
    bars = ax.patches
    assert len(bars) == 4
    widths = sorted(b.get_width() for b in bars)
    assert np.allclose(widths, sorted(table[["t50", "t90"]].to_numpy().ravel()))
    # first row drawn at the top
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ticks = ax.get_yticks()
    assert labels[int(np.argmax(ticks))] == "announcement from the top"
    # 5-95 % whiskers, one per bar
    assert sum(len(c.get_segments()) for c in ax.collections) == 4
    plot.save_figure(ax.figure, tmp_path / "bars.svg")
    assert "announcement from the top" in (tmp_path / "bars.svg").read_text()


def test_sweep_plots_name_bad_input():
    t = pd.DataFrame({"fraction": [0, 1], "t90": [2.0, 1.0]})
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['t50'\]"):
        plot.adoption_curve(t, "t50")
    with pytest.raises(ValueError, match="structure"):
        plot.sweep_lines(t, "fraction", by="structure")
    with pytest.raises(TypeError, match="DataFrame"):
        plot.scenario_bars({"t50": [1.0]})


def test_several_metrics_one_line_each_per_structure(sweep):
    ax = plot.sweep_lines(sweep, "p", ("t50", "t90"), by="structure")
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == [
        "hierarchy: half the staff turned",
        "hierarchy: 90 % of staff turned",
        "networked: half the staff turned",
        "networked: 90 % of staff turned",
    ]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert ax.get_ylabel() == "time (hours)"
    assert np.allclose(lines[3].get_ydata(), sweep.loc[sweep["structure"] == "networked", "t90"])
    with pytest.raises(ValueError, match="at least one metric"):
        plot.sweep_lines(sweep, "p", [])
