"""The documentation: the API reference lists every public name; links resolve."""

from __future__ import annotations

import re
from pathlib import Path

import swarm

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVE = re.compile(r"^\.\. auto(function|class|data|module):: swarm\.(\w+)\s*$", re.M)


def test_the_api_reference_lists_every_public_name():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = [name for _, name in DIRECTIVE.findall(text)]
    # every name documented once, and nothing documented that is not public
    assert len(documented) == len(set(documented)), sorted(
        n for n in set(documented) if documented.count(n) > 1
    )
    missing = sorted(set(swarm.__all__) - set(documented))
    assert not missing, f"add these to docs/api.md: {missing}"
    subpackages = {"flock", "plot", "temporal"}  # documented with their own members
    extra = sorted(set(documented) - set(swarm.__all__) - subpackages)
    assert not extra, f"docs/api.md documents names swarm.__all__ does not have: {extra}"


def _links(path: Path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # no links inside code blocks
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if not re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            yield target.split("#")[0]


def test_relative_links_of_the_readme_and_the_docs_resolve():
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
    broken = []
    for page in pages:
        for target in _links(page):
            if target and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, broken
