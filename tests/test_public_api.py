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


def _run(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_importing_the_library_loads_no_heavy_dependency() -> None:
    # networkx comes with the graph, matplotlib with the report, openpyxl with
    # workbooks, rich with the command line, pandas with frames: on first use.
    loaded = _run(
        "import sys, valuecycles, valuecycles.io, valuecycles.evidence;"
        "print(sorted(m for m in ('networkx', 'matplotlib', 'openpyxl', 'rich', 'pandas')"
        " if m in sys.modules))"
    )
    assert loaded == "[]"
    assert _run("import sys, valuecycles as vc; vc.build_graph; print('networkx' in sys.modules)")


def test_every_public_module_has_a_sorted_all_of_names_it_has() -> None:
    import importlib

    for name in (
        "valuecycles.errors",
        "valuecycles.io",
        "valuecycles.framework",
        "valuecycles.model",
        "valuecycles.evidence",
        "valuecycles.graph",
    ):
        module = importlib.import_module(name)
        names = list(module.__all__)
        # Sorted as ruff sorts them: constants, then classes, then functions.
        assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        assert all(hasattr(module, n) for n in names), name


def test_the_package_imports_only_public_names_of_its_packages() -> None:
    import ast

    init = Path(valuecycles.__file__)
    private = [
        node.module
        for node in ast.walk(ast.parse(init.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and any(part.startswith("_") for part in node.module.split(".")[1:])
        and node.module != "valuecycles._version"
    ]
    assert private == []


def test_every_exception_derives_from_one_base() -> None:
    import valuecycles.errors as errors

    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, errors.ValuecyclesError), name
