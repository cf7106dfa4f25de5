"""Every problem code the library can emit is listed in docs/reference/codes.md.

The codes are found in the source by where they are used, not by a list kept
by hand: the code argument of ``Problem(...)``, of the exceptions that carry
one (``Invalid(...)``, ``YamlProblem(...)``, anything whose name ends in
``Problem``, ``Error`` or ``Invalid``), of the validators' ``error``/``warn``
helpers, a ``code=`` keyword, and a comparison ``problem.code == "..."``. A
gap's ``kind`` is found the same way, from ``Gap(...)`` and ``_gap(...)``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "valuecycles"
PAGE = ROOT / "docs" / "reference" / "codes.md"

CODE = re.compile(r"^[a-z]+(-[a-z]+)*$")
# Calls whose first string argument (exceptions) or second (path, code, ...) is a code.
FIRST_IS_CODE = re.compile(r"(Invalid|YamlProblem|RowProblem|Error)$")
SECOND_IS_CODE = re.compile(r"^(Problem|error|warn|warning|_error|_warn|_problem|problem|add)$")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
        return node.value
    return None


def _codes_in(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            args = node.args
            if SECOND_IS_CODE.match(name) and len(args) >= 2:
                code = _string(args[1])
                if code and ("-" in code or name == "Problem" or name in {"error", "warn"}):
                    found.add(code)
            if FIRST_IS_CODE.search(name) and args:
                code = _string(args[0])
                # An exception's message is prose; a code is one kebab-case word or two+.
                if code and ("-" in code or code == "syntax"):
                    found.add(code)
            for keyword in node.keywords:
                if keyword.arg == "code" and (code := _string(keyword.value)):
                    found.add(code)
        elif isinstance(node, ast.Compare):
            left = node.left
            if isinstance(left, ast.Attribute) and left.attr == "code":
                for comparator in node.comparators:
                    if code := _string(comparator):
                        found.add(code)
    return found


def _gap_kinds_in(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in {"Gap", "_gap", "gap"}:
            for arg in node.args[:1]:
                if kind := _string(arg):
                    found.add(kind)
            for keyword in node.keywords:
                if keyword.arg == "kind" and (kind := _string(keyword.value)):
                    found.add(kind)
    return found


def _collect(collector: object) -> set[str]:
    found: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found |= collector(tree)  # type: ignore[operator]
    return found


def _listed() -> set[str]:
    """The codes the page lists: the first cell of each table row, in backticks."""
    text = PAGE.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z-]+)` \|", text, flags=re.MULTILINE))


def test_the_collector_finds_the_codes_we_know_of() -> None:
    codes = _collect(_codes_in)
    for known in ("unknown-reference", "duplicate-id", "wrong-type", "unknown-key", "syntax"):
        assert known in codes
    assert {"indicator-without-data", "data-overdue"} <= _collect(_gap_kinds_in) | codes


def test_every_code_the_library_emits_is_in_the_reference() -> None:
    missing = sorted(_collect(_codes_in) - _listed())
    assert not missing, f"add these codes to {PAGE.relative_to(ROOT)}: {missing}"


def test_every_gap_kind_is_in_the_reference() -> None:
    missing = sorted(_collect(_gap_kinds_in) - _listed())
    assert not missing, f"add these gap kinds to {PAGE.relative_to(ROOT)}: {missing}"


def test_the_reference_lists_no_code_the_library_cannot_emit() -> None:
    anywhere = set(re.findall(r'"([a-z]+(?:-[a-z]+)*)"', _all_source()))
    stale = sorted(code for code in _listed() if code not in anywhere)
    assert not stale, f"the reference lists codes no source file has: {stale}"


def _all_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*.py")))


HEAD = "schema_version: 1\nframework: wenger-trayner\n"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (HEAD + "community: {name: X}\nbogus: 1\n", "unknown-key"),
        (HEAD + "community: {name: [1]}\n", "wrong-type"),
        (HEAD + "community: {name: X\n", "syntax"),
        (HEAD + "framework: again\ncommunity: {name: X}\n", "duplicate-key"),
        (
            "schema_version: 9\nframework: wenger-trayner\ncommunity: {name: X}\n",
            "unsupported-version",
        ),
        ("schema_version: 1\nframework: nowhere\ncommunity: {name: X}\n", "unknown-framework"),
    ],
)
def test_codes_emitted_at_run_time_are_listed(document: str, code: str) -> None:
    """A run-time check beside the source scan: what load raises is on the page."""
    import valuecycles as vc

    with pytest.raises(vc.ValidationError) as info:
        vc.loads(document, "yaml")
    codes = [problem.code for problem in info.value.errors]
    assert code in codes
    assert set(codes) <= _listed()
