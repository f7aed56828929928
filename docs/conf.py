"""Sphinx configuration of the swarm documentation (build: scripts/check.py or
``python -m sphinx -W -b html docs docs/_build/html``)."""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # document this checkout, installed or not

from swarm import __version__  # noqa: E402

project = "swarm"
author = "the swarm authors"
copyright = "2026, the swarm authors"  # noqa: A001 (Sphinx reads this name)
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# numpydoc renders the docstrings; members are listed where api.md asks for them
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc Parameters sections say it in words

# The guides (guide/*) and the science pages are collected by glob in
# index.md, so a page added beside them appears without editing the index.

html_theme = "alabaster"
html_title = f"swarm {release}"
html_static_path: list[str] = []
