"""The screenshot of the HR report shown in docs/guide/hr.md (docs/figures/hr_report.png).

Run:  python scripts/hr_report_figure.py      (needs Chromium: apt-get install -y chromium)

Runs exactly ``python -m swarm diagnose`` on the sample company with its
sample contacts (seed 2026, the command line's defaults), then takes a
screenshot of the top of report.html with headless Chromium, offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

import swarm
from swarm.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "figures", "hr_report.png")


def run() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs Chromium (apt-get install -y chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "diagnosis")
        code = main(
            [
                "diagnose",
                swarm.datasets.sample_org_chart_path(),
                "--contacts",
                swarm.datasets.sample_contacts_path(),
                "--out",
                out,
                "--quiet",
            ]
        )
        if code:
            return code
        report = os.path.join(out, "report.html")
        shot = os.path.join(tmp, "shot.png")
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={os.path.join(tmp, 'profile')}",
                f"--screenshot={shot}",
                "--window-size=1000,1500",
                "file://" + report,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        shutil.copyfile(shot, OUT)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(run())
