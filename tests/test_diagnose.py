"""diagnose(): tables that agree with each other and with theory, a report, the CLI door."""

from __future__ import annotations

import math
import os
import stat
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm.diagnosis import Assumptions
from swarm.diagnosis.robust import _breaks

from ._charts import flat_chart, small_chart

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def small():
    org = swarm.from_org_chart(small_chart(), name="small company")
    return swarm.diagnose(org, runs=40, robust_runs=8, pins=3, seed=5, progress=False)


def test_tables_are_all_there_and_the_headline_copies_them(small):
    t = small.tables
    assert list(t) == [
        "headline",
        "structure",
        "speed",
        "departments",
        "people",
        "whatifs",
        "assumption_sets",
        "robustness",
        "assumptions",
    ]
    assert all(isinstance(v, pd.DataFrame) for v in t.values())
    h = t["headline"]
    assert h.loc["people", "value"] == 30 and h.loc["layers", "value"] == 3
    for answer, row in h.iterrows():  # every headline value is a value of another table
        table, _, rest = row["source"].partition(": ")
        if table == "structure":
            continue
        where, _, col = rest.rpartition(", ")
        assert row["value"] == pytest.approx(t[table].loc[where, col]), answer
    assert t["structure"]["people"].tolist() == [1, 4, 25]
    assert t["structure"]["span_max"].tolist() == [4, 8, 0]


def test_whatifs_are_ranked_by_hours_saved_with_their_cost(small):
    wi = small.tables["whatifs"]
    ok = wi[wi["applies"]]
    saved = ok["hours_saved"].to_numpy()
    assert np.all(np.diff(saved[np.isfinite(saved)]) <= 0)
    assert wi["rank"].tolist() == list(range(1, len(wi) + 1))
    base = small.tables["speed"].loc["from anyone", "t90"]
    assert ok["hours_saved"].to_numpy() == pytest.approx(base - ok["t90"].to_numpy())
    # network adoption: 60 % of 30 people, each following up to 7 others
    adopt = wi.loc["network adoption"]
    assert adopt["people_affected"] == 18 and 0 < adopt["links_added"] <= 18 * 7
    # one layer fewer puts the 25 staff and the 4 former managers under the director
    assert wi.loc["one layer fewer", "widest_span"] == 29


def test_robustness_counts_the_eighteen_sets(small):
    rb = small.tables["robustness"]
    assert (rb["sets"] == 18).all() and (rb["holds_in"] <= 18).all()
    assert ((rb["share"] == 1) == (rb["breaks_when"] == "holds under every assumption set")).all()
    sets = small.tables["assumption_sets"]
    assert len(sets) == 18
    assert sets[["meeting_every", "colleague_factor", "formal"]].drop_duplicates().shape[0] == 18


def test_which_assumption_breaks_a_conclusion_is_named():
    sets = pd.DataFrame(
        [
            {"meeting_every": m, "colleague_factor": c, "formal": f}
            for m in (4.0, 8.0, 40.0)
            for c in (0.25, 1.0, 4.0)
            for f in ("exponential", "scheduled")
        ]
    )
    holds = ~((sets["meeting_every"] == 40.0) & (sets["formal"] == "scheduled")).to_numpy()
    assert _breaks(sets, holds) == ("fails only when teams meet weekly (3 of 6 such sets)")
    holds = ~(sets["colleague_factor"] == 4.0).to_numpy()
    holds[0] = False
    assert _breaks(sets, holds) == (
        "fails most when colleagues notice 4 times slower (6 of 6 such sets)"
    )
    assert _breaks(sets, np.ones(18, dtype=bool)) == "holds under every assumption set"


def test_news_from_the_top_of_a_star_matches_order_statistics():
    # A director with 99 reports; news from the top reaches each report after an
    # exponential wait of mean meeting_every / 2 = 4 hours, independently. t90 is
    # when 90 of the 100 people know: the 89th smallest of 99 waits, whose mean is
    # 4 * (H_99 - H_10) = 8.99 hours. Its sd is about 1.2 h per run, so the median
    # over 300 runs is within about 0.09 h; 0.5 h is > 5 sd and covers the
    # small gap between the median and the mean of the order statistic.
    chart = pd.DataFrame(
        {
            "id": ["top"] + [f"r{i}" for i in range(99)],
            "manager": [""] + ["top"] * 99,
            "department": ["a"] + ["b", "c"] * 49 + ["b"],
        }
    )
    d = swarm.diagnose(
        swarm.from_org_chart(chart), runs=300, robust_runs=2, pins=1, seed=3, progress=False
    )
    expected = 4.0 * sum(1.0 / j for j in range(11, 100))
    assert d.tables["speed"].loc["from the top", "t90"] == pytest.approx(expected, abs=0.5)
    # half know: 50 people, the 49th smallest of 99: 4 * (H_99 - H_50)
    half = 4.0 * sum(1.0 / j for j in range(51, 100))
    assert d.tables["speed"].loc["from the top", "t50"] == pytest.approx(half, abs=0.3)


def test_a_flat_chart_says_which_whatif_does_not_apply():
    org = swarm.from_org_chart(flat_chart())
    d = swarm.diagnose(org, runs=10, robust_runs=2, pins=2, seed=1, progress=False)
    wi = d.tables["whatifs"]
    assert not wi.loc["one layer fewer", "applies"]
    assert wi.loc["one layer fewer", "note"] == (
        "the chart has no management layer below the top to remove"
    )
    assert "The what-if 'one layer fewer' does not apply to this chart" in d.summary()
    assert len(d.tables["structure"]) == 2


def test_contacts_are_laid_over_the_chart():
    chart = small_chart()
    mails = pd.DataFrame(
        {"sender": ["0003", "0012", "0020", "9999"], "recipient": ["0012", "0020", "0003", "0003"]}
    )
    with pytest.warns(
        UserWarning,
        match=r"^diagnose: 1 of 4 people in the contacts are not "
        r"in the org chart; their contacts are left out$",
    ):
        d = swarm.diagnose(
            swarm.from_org_chart(chart),
            contacts=mails,
            runs=10,
            robust_runs=2,
            pins=2,
            seed=1,
            progress=False,
        )
    c = d.tables["contacts"]
    assert c.loc["chart and contacts", "links"] == c.loc["formal chart only", "links"] + 3
    assert d.organisation.n == 30


def test_a_chart_file_can_be_diagnosed_directly(tmp_path):
    small_chart().to_csv(tmp_path / "our chart.csv", sep=";", index=False)
    d = swarm.diagnose(
        tmp_path / "our chart.csv", runs=5, robust_runs=2, pins=2, seed=1, progress=False
    )
    assert d.organisation.name == "our chart" and d.organisation.n == 30
    with pytest.raises(
        TypeError, match="org must be an Organisation, an org-chart file or a DataFrame"
    ):
        swarm.diagnose(42)


def test_assumptions_are_checked_and_build_the_model():
    with pytest.raises(ValueError, match="meeting_every must lie in"):
        Assumptions(meeting_every=0)
    with pytest.raises(ValueError, match="formal must be one of 'exponential', 'scheduled'"):
        Assumptions(formal="weekly")
    m = Assumptions(formal="scheduled").model(swarm.Cascade(p=0.9))
    assert m.p == 0.9 and m.latency["formal"] == swarm.Scheduled(8.0)
    with pytest.raises(ValueError, match="org must have a chain of command"):
        swarm.diagnose(swarm.networked(50, seed=1))


def test_report_is_one_self_contained_file_with_the_umask_permissions(small, tmp_path):
    old = os.umask(0o022)
    try:
        path = small.to_html(tmp_path / "report.html")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert "<script" not in text and "http://" not in text and "https://" not in text
    assert 'src="data:image/png;base64,' in text and 'id="headline"' in text
    assert " turned" not in text  # HR text says know / heard


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "swarm", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": ROOT},
        timeout=600,
    )


def test_cli_writes_report_tables_and_csvs(tmp_path):
    chart = small_chart().rename(columns={"Employee ID": "Personnel nr"})
    chart.to_csv(tmp_path / "chart.csv", sep=";", index=False, encoding="cp1252")
    proc = _cli(
        "diagnose",
        "chart.csv",
        "--out",
        "out",
        "--id-column",
        "Personnel nr",
        "--runs",
        "10",
        "--robust-runs",
        "2",
        "--quiet",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    names = sorted(os.listdir(out))
    assert names == sorted(
        ["report.html", "tables.xlsx"]
        + [
            f"{t}.csv"
            for t in (
                "headline",
                "structure",
                "speed",
                "departments",
                "people",
                "whatifs",
                "assumption_sets",
                "robustness",
                "assumptions",
            )
        ]
    )
    assert all(stat.S_IMODE(os.stat(out / n).st_mode) == 0o666 & ~_umask() for n in names)
    sheets = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert "whatifs" in sheets and len(sheets["speed"]) == 3


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_atomic_files_get_the_umask_permissions_not_0600(tmp_path, mask, mode):
    from swarm._io import write_text

    old = os.umask(mask)
    try:
        write_text(tmp_path / "x.txt", "hello")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "x.txt").st_mode) == mode


def _umask() -> int:
    m = os.umask(0o022)
    os.umask(m)
    return m


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.csv", "--out", "o"], "error: table: no such file 'missing.csv'"),
        (["chart.csv", "--out", "afile"], "error: --out 'afile' exists and is not a folder"),
        (
            ["chart.csv", "--out", "o", "--meeting-every", "0"],
            (
                "error: python -m swarm diagnose: argument --meeting-every: '0' must be a finite "
                "number of hours > 0"
            ),
        ),
        (
            ["chart.csv", "--out", "o", "--id-column", "Staff"],
            (
                "error: from_org_chart: 'chart.csv' has no column 'Staff' (for the id); its "
                "columns are ['Employee ID', 'Manager ID', 'Department']"
            ),
        ),
        (
            ["/dev/zero", "--out", "o"],
            (
                "error: table: '/dev/zero' is not a regular file (a device, pipe or socket); give "
                "the path of a CSV, TSV, TXT or XLSX file"
            ),
        ),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(tmp_path, args, message):
    small_chart().to_csv(tmp_path / "chart.csv", index=False)
    (tmp_path / "afile").write_text("x")
    proc = _cli("diagnose", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message
    assert not (tmp_path / "o" / "report.html").exists()


def test_summary_reads_the_tables(small):
    text = small.summary()
    sp = small.tables["speed"]
    from swarm.results.report import number

    assert f"90 % after {number(sp.loc['from the top', 't90'])} hours" in text
    assert text.startswith("30 people in 3 layers and 5 departments")
    assert not math.isnan(small.tables["whatifs"]["t90"].iloc[0])
