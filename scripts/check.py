"""The checks CI runs before the tests: lint, format and the documentation.

    python scripts/check.py && python -m pytest      # what CI runs (the README's command)

Each step runs even when an earlier one failed, so one run shows every
problem; the exit code is 0 only if all passed. The test suite itself is
run by ``python -m pytest`` after this script, so CI's log ends with
pytest's own summary line (and its exit code 5, no tests collected, fails
the command like any other).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def steps() -> list[tuple[str, list[str]]]:
    py = sys.executable
    sphinx = [py, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs",
              os.path.join("docs", "_build", "html")]  # fmt: skip
    return [
        ("ruff check", [py, "-m", "ruff", "check", "."]),
        ("ruff format --check", [py, "-m", "ruff", "format", "--check", "."]),
        ("docs (Sphinx, warnings as errors)", sphinx),
    ]


def main(argv: list[str]) -> int:
    if argv:
        print(f"usage: python scripts/check.py (no arguments); got {argv[0]!r}", file=sys.stderr)
        return 2
    failed = []
    for name, cmd in steps():
        print(f"==> {name}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT)
        took = time.perf_counter() - start
        verdict = "ok" if code == 0 else f"FAILED (exit code {code})"
        print(f"<== {name}: {verdict} in {took:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("lint, format and docs passed; the tests follow")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
