"""Every notebook runs top to bottom (small sizes); a cell that errors fails the suite."""

from __future__ import annotations

import pathlib

import nbclient
import nbformat
import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, tmp_path, monkeypatch):
    _execute(path, tmp_path, monkeypatch)


@pytest.mark.parametrize("shape", ["small", "flat", "deep"])
def test_hr_notebook_runs_on_another_chart(shape, tmp_path, monkeypatch):
    """Notebook 01 on a 30-person, 3-layer export (semicolons, HR headings), a flat one
    (2 layers) and a deep one (7 layers); the sample chart is the large one."""
    from ._charts import deep_chart, flat_chart, small_chart

    chart = tmp_path / "chart.csv"
    make = {"small": small_chart, "flat": flat_chart, "deep": deep_chart}[shape]
    make().to_csv(chart, sep=";", index=False)
    monkeypatch.setenv("SWARM_NOTEBOOK_CHART", str(chart))
    nb = _execute(NOTEBOOKS[0], tmp_path, monkeypatch)
    text = "".join(
        o.get("data", {}).get("text/markdown", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    people = {"small": 30, "flat": 25, "deep": 127}[shape]
    assert f"**{people} people**" in text
    if shape == "flat":
        assert "This part does not apply to this organisation: there is no management layer" in text
    assert "turned" not in text
    assert (tmp_path / "report.html").exists()


def _execute(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SWARM_NOTEBOOK_SCALE", "small")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "notebooks are committed without outputs"
    )
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb
