"""The public surface: exactly the names in __all__, sorted, each documented."""

from __future__ import annotations

from pathlib import Path

import valuecycles


def test_all_is_sorted_and_complete() -> None:
    names = valuecycles.__all__
    assert list(names) == sorted(names)
    namespace: dict[str, object] = {}
    exec("from valuecycles import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(names)


def test_every_public_name_is_in_the_api_reference() -> None:
    api = (Path(__file__).resolve().parent.parent / "docs" / "api.rst").read_text()
    missing = [
        n for n in valuecycles.__all__ if n != "__version__" and f"valuecycles.{n}" not in api
    ]
    assert missing == []


def test_every_public_name_has_a_docstring() -> None:
    undocumented = [
        n
        for n in valuecycles.__all__
        if n != "__version__" and not (getattr(valuecycles, n).__doc__ or "").strip()
    ]
    assert undocumented == []


def test_version() -> None:
    assert valuecycles.__version__.count(".") >= 2
