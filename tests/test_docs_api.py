"""Every public name is in the API reference, with a runnable example.

A name has an example when its docstring has a ``>>>`` line (pytest runs
those with ``--doctest-modules``) or when a ``.. doctest::`` block of
``docs/api.rst`` uses it (the docs' doctest build runs those).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import valuecycles

API = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
NAMES = [name for name in valuecycles.__all__ if not name.startswith("__")]


def _doctest_text() -> str:
    """The code of every ``.. doctest::`` block of the API page."""
    lines = API.read_text(encoding="utf-8").splitlines()
    code: list[str] = []
    inside = False
    for line in lines:
        if line.startswith(".. doctest::"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            inside = False
        if inside and line.lstrip().startswith((">>>", "...")):
            code.append(line.strip()[4:])
    return "\n".join(code)


def test_the_page_has_doctest_blocks() -> None:
    assert "vc.load" in _doctest_text()


@pytest.mark.parametrize("name", NAMES)
def test_every_public_name_is_documented(name: str) -> None:
    text = API.read_text(encoding="utf-8")
    assert re.search(rf"^\.\. auto\w+:: valuecycles\.{name}$", text, re.MULTILINE), (
        f"add '.. autoclass:: valuecycles.{name}' (or autofunction) to docs/api.rst"
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_public_name_has_a_runnable_example(name: str) -> None:
    docstring = inspect.getdoc(getattr(valuecycles, name)) or ""
    used = re.search(rf"\bvc\.{name}\b|\bvaluecycles\.{name}\b", _doctest_text())
    assert ">>>" in docstring or used, (
        f"valuecycles.{name} has no example: add a '>>>' example to its docstring, "
        "or use it in a '.. doctest::' block of docs/api.rst"
    )
