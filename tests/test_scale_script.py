"""benchmarks/scale.py at a tiny size (not timed): its subprocess cases run and report memory."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "scale.py")


def test_scale_script_runs_every_case_in_a_subprocess():
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run(
        [
            sys.executable,
            SCRIPT,
            "--sizes",
            "3000",
            "--runs",
            "3",
            "--summary-agents",
            "2000",
            "--neighbours-agents",
            "5000",
            "--neighbours-repeats",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    row = next(line for line in lines if line.startswith("networked(3,000)"))
    peak = float(row.split()[-1])
    assert 0.01 < peak < 4.0  # a Python process with numpy and numba, in GB
    assert any(line.startswith("3 runs summary on hierarchy(2,000)") for line in lines)
    assert sum("ratio" in line for line in lines) == 2  # grid and leaf order against scipy
