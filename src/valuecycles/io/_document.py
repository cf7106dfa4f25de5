"""Case documents in and out: one read path, from any format to a checked case.

Every way in (:func:`load`, :func:`loads`, :func:`read`, :func:`reads`)
ends in :func:`_read`: a document that is plainly right is read whole by the
msgspec mirror (JSON bytes or text decoded straight into it); any other goes
through the strict converter, whose lists still take each plainly right item
through the mirror, and which reports every problem. When the converter
refuses the document, what can be read of it is salvaged so the whole-case
checks (references, ids, cycles) still report their problems in the same go.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import Any

import attrs
import orjson

from valuecycles._gc import gc_paused
from valuecycles._text import (
    atomic_write,
    decode_text,
    format_for,
    parse_text,
    raised_limits,
    read_bytes,
    read_text,
    serialize,
    with_positions,
)
from valuecycles.errors import Problem, ValidationError, ValidationReport
from valuecycles.framework import Framework
from valuecycles.io._convert import (
    CONVERTER,
    check_schema_version,
    cycle_order,
    structure,
    unstructure_case,
)
from valuecycles.io._mirror import from_data, from_json
from valuecycles.io._salvage import ordered, salvage
from valuecycles.model import Case, check_case, validate

__all__ = ["ReadResult", "dump", "dumps", "load", "loads", "read", "reads"]

Where = Mapping[str, tuple[int, int]]
_BOM = b"\xef\xbb\xbf"


@attrs.frozen
class ReadResult:
    """What :func:`read` or :func:`reads` found: the ``case`` and the ``report``.

    ``case`` is None when the report has errors. Every problem carries its
    path and, read from a file or text that had them, its line and column.

    >>> import valuecycles as vc
    >>> result = vc.reads("schema_version: 1\\nframework: wenger-trayner\\ncommunity: {}\\n")
    >>> result.case is None, [(p.code, p.line) for p in result.report.errors]
    (True, [('missing-field', 3)])
    """

    case: Case | None
    report: ValidationReport

    def raise_for_errors(self, source: str | None = None) -> Case:
        """The case, or :class:`~valuecycles.ValidationError` with every problem."""
        if self.case is None:
            raise ValidationError(self.report.errors, self.report.warnings, source=source)
        return self.case


def _failed(errors: list[Problem], warnings: list[Problem], where: Where) -> ReadResult:
    return ReadResult(
        None, ValidationReport(with_positions(errors, where), with_positions(warnings, where))
    )


def _checked(case: Case, framework: Framework | None, where: Where) -> ReadResult:
    """The case with its warnings, or no case and its errors: the whole-case checks."""
    report = validate(case, framework)
    if report.errors:
        return _failed(list(report.errors), list(report.warnings), where)
    return ReadResult(case, ValidationReport((), with_positions(list(report.warnings), where)))


def _read(data: object, framework: Framework | None, where: Where) -> ReadResult:
    """The one read path from plain data: mirror, converter, salvage, then the case's checks."""
    if not isinstance(data, dict):
        problem = Problem("$", "wrong-type", "a case document must be a mapping at the top")
        return _failed([problem], [], where)
    problems = check_schema_version(data)
    if problems:
        return _failed(problems, [], where)
    case = from_data(data)
    if case is not None:
        return _checked(case, framework, where)
    try:
        case = structure(data, Case)
    except ValidationError as exc:
        structural = list(exc.errors)
        salvaged = salvage(data, structural)
        if salvaged is None:
            return _failed(structural, [], where)
        readable, broken, back = salvaged
        report = check_case(readable, framework, broken_ids=broken)
        semantic = [attrs.evolve(p, path=back(p.path)) for p in report.errors]
        warnings = [attrs.evolve(p, path=back(p.path)) for p in report.warnings]
        return _failed(ordered([*structural, *semantic]), warnings, where)
    return _checked(case, framework, where)


def _read_json(raw: bytes | str, framework: Framework | None, name: str) -> ReadResult:
    case = from_json(raw)
    if case is not None:
        return _checked(case, framework, {})
    # Read the usual way, which says where the text or the JSON breaks, and
    # which integers are past 64 bits (msgspec and orjson make floats of some:
    # the mirror refuses any number that large).
    try:
        text = decode_text(raw, name) if isinstance(raw, bytes) else raw
    except ValidationError as exc:
        return _failed(list(exc.errors), [], {})
    return _read_text(text, "json", framework)


def _read_text(text: str, fmt: str, framework: Framework | None) -> ReadResult:
    try:
        data, where = parse_text(text, fmt)
    except ValidationError as exc:
        return _failed(list(exc.errors), [], {})
    return _read(data, framework, where)


def _limited(limits: Mapping[str, int] | None) -> contextlib.AbstractContextManager[Any]:
    return raised_limits(**limits) if limits else contextlib.nullcontext()


def reads(
    text: str | bytes | Mapping[str, Any],
    format: str = "yaml",
    *,
    framework: Framework | None = None,
    limits: Mapping[str, int] | None = None,
) -> ReadResult:
    """Read a case from text in ``format`` in one pass, never raising for a bad document.

    ``text`` may also be JSON bytes, or data already parsed (a mapping, as
    ``json.loads`` or :meth:`Case.to_dict` give it; ``format`` is then not
    used). The result holds the ``case`` (None when there are errors) and
    the ``report``: every error and every warning, with lines.

    ``limits`` raises the bounds a document is read within, for this call
    (``{"max_bytes": 256 * 2**20}``; the names and defaults are those of
    ``valuecycles._text.LIMITS``: ``max_bytes``, ``max_depth``,
    ``max_alias_nodes``, ``max_id_length``, ``max_yaml_values``). A document
    past one is a problem (``too-large``, ``too-deep``, ...), never a hang.

    >>> import valuecycles as vc
    >>> result = vc.reads('{"schema_version": 1, "framework": "wenger-trayner", '
    ...                   '"community": {"name": "Evaluators"}}', "json")
    >>> result.case.community.name, result.report.valid
    ('Evaluators', True)
    """
    with gc_paused(), _limited(limits):
        if not isinstance(text, str | bytes):  # data already parsed
            return _read(dict(text) if isinstance(text, Mapping) else text, framework, {})
        fmt = format_for("", format)
        if fmt == "json":
            return _read_json(text, framework, "the text")
        if isinstance(text, bytes):
            try:
                text = decode_text(text, "the text")
            except ValidationError as exc:
                return _failed(list(exc.errors), [], {})
        return _read_text(text, fmt, framework)


def read(
    path: str | os.PathLike[str],
    *,
    framework: Framework | None = None,
    limits: Mapping[str, int] | None = None,
) -> ReadResult:
    """Read a case file in one pass, never raising for a bad document (see :func:`reads`).

    A file that cannot be read (missing, not UTF-8, of an unknown suffix) is
    a problem in the report too. Reading never changes the file.

    >>> import valuecycles as vc
    >>> result = vc.read("examples/evaluators-network.yaml")
    >>> result.case.community.name, len(result.report.errors)
    ('Evaluation practitioners network', 0)
    """
    try:
        fmt = format_for(path)
        with gc_paused(), _limited(limits):
            if fmt == "json":
                raw = read_bytes(path)
                raw = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
                return _read_json(raw, framework, os.fspath(path))
            return _read_text(read_text(path), fmt, framework)
    except ValidationError as exc:
        return _failed(list(exc.errors), list(exc.warnings), {})


def loads(
    text: str | bytes | Mapping[str, Any],
    format: str = "yaml",
    *,
    framework: Framework | None = None,
    limits: Mapping[str, int] | None = None,
) -> Case:
    """Read a case from text in ``format`` (``json``, ``yaml`` or ``toml``), or parsed data.

    Raises :class:`~valuecycles.ValidationError` listing every problem.

    >>> import valuecycles as vc
    >>> case = vc.loads('''
    ... schema_version: 1
    ... framework: wenger-trayner
    ... community: {name: Evaluators}
    ... ''', "yaml")
    >>> case.community.name
    'Evaluators'
    >>> vc.loads(case.to_dict()) == case
    True
    """
    return reads(text, format, framework=framework, limits=limits).raise_for_errors()


def load(
    path: str | os.PathLike[str],
    *,
    framework: Framework | None = None,
    limits: Mapping[str, int] | None = None,
) -> Case:
    """Read and validate a case file; the format comes from the suffix.

    Raises :class:`~valuecycles.ValidationError` listing every problem, each
    with its path and, where the file has them, its line. Loading never
    changes the file.

    >>> import valuecycles as vc
    >>> vc.load("examples/evaluators-network.yaml").community.name
    'Evaluation practitioners network'
    """
    return read(path, framework=framework, limits=limits).raise_for_errors(os.fspath(path))


def _plain(case: Case, framework: Framework | None, *, shallow: bool = False) -> dict[str, Any]:
    return unstructure_case(case, cycle_order(case.framework, framework), shallow=shallow)


def dumps(case: Case, format: str = "yaml", *, framework: Framework | None = None) -> str:
    """Text of a case in ``format``: stable key order, defaults left out.

    Cycles come in the framework's order.

    >>> import valuecycles as vc
    >>> case = vc.Case(community=vc.Community(name="Evaluators"))
    >>> print(vc.dumps(case, "toml"), end="")
    schema_version = 1
    framework = "wenger-trayner"
    <BLANKLINE>
    [community]
    name = "Evaluators"
    """
    with gc_paused():
        fmt = format_for("", format)
        if fmt == "json":
            return _json_bytes(case, framework).decode("utf-8")
        return serialize(_plain(case, framework), fmt)


def dump(
    case: Case,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    framework: Framework | None = None,
) -> None:
    """Write a case to a file, atomically; the format comes from the suffix."""
    fmt = format_for(path, format)
    if fmt == "json":
        with gc_paused():
            data = _json_bytes(case, framework)
        atomic_write(path, data)
        return
    atomic_write(path, dumps(case, fmt, framework=framework))


def _json_bytes(case: Case, framework: Framework | None) -> bytes:
    # orjson asks for each model's mapping as it writes: no plain copy of the
    # whole case is made, and the models' own tuples and mappings go as they are.
    data = _plain(case, framework, shallow=True)
    return orjson.dumps(data, default=CONVERTER.shallow_default, option=orjson.OPT_INDENT_2) + b"\n"
