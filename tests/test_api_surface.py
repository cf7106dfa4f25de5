"""docs/api.rst lists exactly the public surface: ``valuecycles.__all__`` and the
``__all__`` of every public submodule, nothing more and nothing less."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import valuecycles

API = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
DIRECTIVE = re.compile(
    r"^\.\. (?:auto(?:function|class|exception|data|module)|py:\w+)::\s+(valuecycles[\w.]*)\s*$",
    re.MULTILINE,
)


def public_submodules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(valuecycles.__path__) if not m.name.startswith("_")
    )


def expected_names() -> set[str]:
    """Top-level names, and each submodule's names that are not the same top-level object."""
    names = {f"valuecycles.{n}" for n in valuecycles.__all__ if n != "__version__"}
    for sub in public_submodules():
        module = importlib.import_module(f"valuecycles.{sub}")
        for name in getattr(module, "__all__", ()):
            same = name in valuecycles.__all__ and getattr(valuecycles, name) is getattr(
                module, name
            )
            if not same:
                names.add(f"valuecycles.{sub}.{name}")
    return names


def documented_names() -> set[str]:
    return {
        name
        for name in DIRECTIVE.findall(API.read_text(encoding="utf-8"))
        if name.count(".") >= 1  # module directives name the modules themselves
    }


def test_every_public_submodule_declares_its_surface() -> None:
    missing = [
        sub
        for sub in public_submodules()
        if not hasattr(importlib.import_module(f"valuecycles.{sub}"), "__all__")
    ]
    assert missing == []


def test_the_api_page_lists_exactly_the_public_surface() -> None:
    documented = documented_names() - {f"valuecycles.{s}" for s in public_submodules()}
    expected = expected_names()
    assert sorted(expected - documented) == [], "public but not in docs/api.rst"
    assert sorted(documented - expected) == [], "in docs/api.rst but not public"


def test_the_page_names_the_submodules_it_covers() -> None:
    text = API.read_text(encoding="utf-8")
    for sub in public_submodules():
        assert f"valuecycles.{sub}" in text
    assert "the names below are the whole public surface" not in text
