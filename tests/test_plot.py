"""Plot functions render to files with units on the axes and the right content."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm import plot


@pytest.mark.parametrize(
    "make",
    [
        lambda: swarm.hierarchy(200),
        lambda: swarm.networked(300, seed=1),
        lambda: swarm.from_networkx(__import__("networkx").karate_club_graph()),
    ],
)
def test_draw_organisation(make, tmp_path):
    org = make()
    res = swarm.simulate(org, swarm.Cascade(p=0.6), swarm.Shock([0]), seed=3)
    ax = plot.draw_organisation(org, res.arrival_times[0])
    path = tmp_path / "org.png"
    plot.save_figure(ax.figure, path)
    assert path.stat().st_size > 5_000
    assert ax.collections[0].get_segments().__len__() == org.n_edges  # one line per edge
    reached = np.isfinite(res.arrival_times[0]).sum()
    assert len(ax.collections[-1].get_offsets()) == reached  # coloured: the reached
    assert "hours" in ax.collections[-1].colorbar.ax.get_ylabel()


def test_draw_organisation_refuses_a_blur():
    with pytest.raises(ValueError, match="max_agents"):
        plot.draw_organisation(swarm.hierarchy(6000))


def test_department_bars_and_heatmap(tmp_path):
    res = swarm.simulate(swarm.silos(400, seed=1, departments=4), runs=10, seed=2)
    ax = plot.department_bars(res.by_department(), unit=res.unit)
    assert ax.get_xlabel() == "time (hours)"
    assert len(ax.patches) == 2 * 4  # t50 and t90 bar per department
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == [
        "dept 1",
        "dept 2",
        "dept 3",
        "dept 4",
    ]
    df = pd.DataFrame({"p": [0.5, 0.5, 1.0, 1.0], "k": [4, 7, 4, 7], "t90": [9.0, 7, 5, 3]})
    ax = plot.heatmap(df, "p", "k", "t90", unit="hours")
    img = ax.images[0].get_array()
    assert img.shape == (2, 2) and img[0, 0] == 9.0 and img[1, 1] == 3.0
    plot.save_figure(ax.figure, tmp_path / "h.svg")
    assert (tmp_path / "h.svg").read_text().startswith("<?xml")
