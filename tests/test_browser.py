"""The HTML report in a real headless browser (Chromium from the system's packages).

Loads with no console messages and no network request, renders a screenshot
that is not blank, and shows in its headline table exactly the numbers of
``Diagnosis.tables``. A control page with a console error and a remote image
proves the two detectors can fail. Skipped only when Chromium is not
installed (``apt-get install -y chromium``; CI installs it).
"""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

import swarm
from swarm.diagnosis.report import fmt

from ._charts import small_chart

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--hide-scrollbars",
]


def _browse(page, tmp_path, *extra) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(os.listdir(tmp_path))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _load(page, tmp_path):
    """(DOM after load, console lines, URLs the page itself requested)."""
    netlog = tmp_path / f"net-{len(os.listdir(tmp_path))}.json"
    proc = _browse(
        page, tmp_path, "--enable-logging=stderr", "--v=0", f"--log-net-log={netlog}", "--dump-dom"
    )
    console = [ln for ln in proc.stderr.splitlines() if ":CONSOLE" in ln]
    with open(netlog, encoding="utf-8") as fh:
        text = fh.read().rstrip().rstrip(",")
    log = json.loads(text if text.endswith("}") else text + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    # requests the page made: their network isolation key is the file's own
    # (the browser's own housekeeping has none)
    requested = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start
        and "file://" in e["params"].get("network_isolation_key", "")
        and not e["params"]["url"].startswith(("file:", "data:"))
    ]
    return proc.stdout, console, requested


class _Headline(html.parser.HTMLParser):
    """The rows of <table id="headline">: [source, question, value, unit].

    ``source`` (the ``data-source`` attribute of the row) names the table and
    cell the value was copied from.
    """

    def __init__(self):
        super().__init__()
        self.inside = self.cell = False
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "headline") in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([dict(attrs).get("data-source", "")])
        elif self.inside and tag in ("td", "th"):
            self.cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag in ("td", "th"):
            self.cell = False

    def handle_data(self, data):
        if self.inside and self.cell:
            self.rows[-1][-1] += data


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = swarm.diagnose(
        swarm.from_org_chart(small_chart(), name="small company"),
        runs=30,
        robust_runs=4,
        pins=3,
        seed=11,
        progress=False,
    )
    path = tmp_path_factory.mktemp("report") / "report.html"
    d.to_html(path)
    return d, path


def test_report_loads_without_console_messages_or_network(report, tmp_path):
    _, path = report
    dom, console, requested = _load(path, tmp_path)
    assert console == []
    assert requested == []
    assert "How fast news travels through small company" in dom


def test_the_detectors_catch_a_console_error_and_a_request(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("marker-41");</script></body></html>'
    )
    _, console, requested = _load(bad, tmp_path)
    assert any("marker-41" in ln for ln in console)
    assert requested == ["http://127.0.0.1:9/x.png"]


def test_headline_table_shows_the_numbers_of_the_tables(report, tmp_path):
    d, path = report
    dom, _, _ = _load(path, tmp_path)
    parser = _Headline()
    parser.feed(dom)
    header, *rows = parser.rows
    assert header == ["", "question", "value", "unit"]
    h = d.tables["headline"]
    assert [r[1] for r in rows] == list(h.index)
    for source, question, shown, unit in rows:
        value = h.loc[question, "value"]
        assert shown == fmt(value), question
        assert unit == h.loc[question, "unit"]
        table, _, rest = source.partition(": ")
        if table != "structure":
            where, _, col = rest.rpartition(", ")
            assert fmt(d.tables[table].loc[where, col]) == shown, question
    assert fmt(float(d.organisation.n)) == {r[1]: r[2] for r in rows}["people"]


def test_screenshot_is_not_blank(report, tmp_path):
    _, path = report
    shot = tmp_path / "shot.png"
    proc = _browse(path, tmp_path, f"--screenshot={shot}", "--window-size=1000,1400")
    assert shot.exists(), proc.stderr[-500:]
    from matplotlib.image import imread

    img = imread(shot)[..., :3]
    assert img.shape[:2] == (1400, 1000)
    assert (img < 0.5).mean() > 0.005  # text and figures drawn in dark ink
    assert np.unique(img.reshape(-1, 3), axis=0).shape[0] > 50  # not a flat page
