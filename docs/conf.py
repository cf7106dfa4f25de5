"""Sphinx configuration for the valuecycles documentation.

The build needs no network: intersphinx is off unless VALUECYCLES_INTERSPHINX
is set. Pages generated from the package data (the framework) are written at
build time by the ``valuecycles_docs`` extension in ``_ext/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import valuecycles  # noqa: E402

project = "valuecycles"
author = "The valuecycles developers"
copyright = "2026, The valuecycles developers"
release = valuecycles.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
    "valuecycles_docs",
]
if os.environ.get("VALUECYCLES_INTERSPHINX"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# Generated fragments that pages {include} are not pages of their own.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "generated/case-fields.md"]
templates_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
nitpicky = False
# Option names such as --json must stay as typed, not become dashes.
smartquotes = False

doctest_global_setup = """
import valuecycles
import valuecycles as vc
# Docstring examples use their module's names, as pytest --doctest-modules runs them.
from valuecycles.errors import *
from valuecycles.evidence import *
from valuecycles.framework import *
from valuecycles.graph import *
from valuecycles.io import *
from valuecycles.model import *
from valuecycles.portfolio import *
from valuecycles.report import *
from valuecycles.walk import *
"""

html_theme = "furo"
html_title = f"valuecycles {release}"
html_static_path: list[str] = []
