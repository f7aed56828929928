"""Every check CI runs, in one command: lint, format, the documentation, the tests.

    python scripts/check.py                 # everything, as CI runs it
    python scripts/check.py -- -m "not slow" -x   # arguments after -- go to pytest

Each step runs even when an earlier one failed, so one run shows every
problem; the exit code is 0 only if all passed. pytest's exit code 5 (no
tests collected) is a failure like any other non-zero code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def steps(pytest_args: list[str]) -> list[tuple[str, list[str]]]:
    py = sys.executable
    return [
        ("ruff check", [py, "-m", "ruff", "check", "."]),
        ("ruff format --check", [py, "-m", "ruff", "format", "--check", "."]),
        (
            "docs (Sphinx, warnings as errors)",
            [
                py,
                "-m",
                "sphinx",
                "-W",
                "--keep-going",
                "-q",
                "-b",
                "html",
                "docs",
                os.path.join("docs", "_build", "html"),
            ],
        ),
        ("pytest", [py, "-m", "pytest", *pytest_args]),
    ]


def main(argv: list[str]) -> int:
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    if argv and argv[0] != "--":
        print(
            f"usage: python scripts/check.py [-- PYTEST-ARGS...]; got {argv[0]!r}", file=sys.stderr
        )
        return 2
    failed = []
    for name, cmd in steps(pytest_args):
        print(f"==> {name}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT)
        took = time.perf_counter() - start
        print(
            f"<== {name}: {'ok' if code == 0 else f'FAILED (exit code {code})'} in {took:.0f} s",
            flush=True,
        )
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
