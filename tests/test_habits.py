"""Project habits that a reader relies on: seed types, one version, a licence."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path

import swarm

ROOT = Path(__file__).resolve().parents[1]


def _public_callables():
    """Every function, class and public method named in some module's ``__all__``."""
    seen = set()
    for info in pkgutil.walk_packages(swarm.__path__, "swarm."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            found = [obj]
            if inspect.isclass(obj):
                found = [obj.__init__] + [
                    getattr(obj, a)
                    for a in vars(obj)
                    if not a.startswith("_") and callable(getattr(obj, a))
                ]
            for f in found:
                key = (getattr(f, "__module__", None), getattr(f, "__qualname__", None))
                if key not in seen and callable(f):
                    seen.add(key)
                    yield key, f


def test_every_public_seed_parameter_is_annotated_seedlike():
    # dataclass fields named seed (Result.seed, the entropy of a finished run;
    # a scenario file's int seed) are values, not arguments that accept a seed
    fields = {
        ("swarm.results.result", "Result.__init__"),
        ("swarm.models.alignment", "AlignmentResult.__init__"),
        ("swarm.temporal.replay", "ReplayResult.__init__"),
        ("swarm.results.summary", "Summary.__init__"),
        ("swarm.experiments.scenario_file", "ScenarioFile.__init__"),
    }
    checked, wrong = 0, []
    for key, f in _public_callables():
        try:
            params = inspect.signature(f).parameters
        except (TypeError, ValueError):
            continue
        if "seed" in params and key not in fields:
            checked += 1
            if params["seed"].annotation not in ("SeedLike", swarm.SeedLike):
                wrong.append(f"{key[0]}.{key[1]}: {params['seed'].annotation!r}")
    assert checked >= 15, checked  # the walk found the generators, what-ifs and runners
    assert not wrong, wrong


def test_the_version_is_defined_once():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in config["project"]
    assert "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "swarm._version.__version__"
    }
    hits = [
        p
        for p in (ROOT / "swarm").rglob("*.py")
        if "__version__ =" in p.read_text(encoding="utf-8")
    ]
    assert [p.name for p in hits] == ["_version.py"]


def test_licence_and_changelog_are_present():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["license"] == {"text": "MIT"}
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## 0.2.0" in changelog


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    [command] = [
        line
        for block in blocks
        for line in block.splitlines()
        if 'pip install -e ".[test]"' in line
    ]
    assert command.endswith("python scripts/check.py && python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == command  # the last thing CI does is the README's command, verbatim
    assert (ROOT / "scripts" / "check.py").exists()


def test_the_check_script_runs_lint_and_docs_and_fails_on_any_code(monkeypatch):
    spec = importlib.util.spec_from_file_location("check", ROOT / "scripts" / "check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    names = [name for name, _ in check.steps()]
    assert names == ["ruff check", "ruff format --check", "docs (Sphinx, warnings as errors)"]
    assert "-W" in check.steps()[2][1]
    codes = iter([0, 0, 5])  # any non-zero code of any step fails the script
    monkeypatch.setattr(check.subprocess, "call", lambda cmd, cwd: next(codes))
    assert check.main([]) == 1
    codes = iter([0, 0, 0])
    assert check.main([]) == 0
