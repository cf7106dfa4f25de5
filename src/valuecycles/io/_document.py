"""Load and dump case documents: parse, migrate, structure, validate, report."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import attrs
import orjson

from valuecycles._gc import gc_paused
from valuecycles._text import atomic_write, format_for, parse_text, read_text, serialize
from valuecycles.errors import Problem, ValidationError, ValidationReport
from valuecycles.framework._model import Framework
from valuecycles.io import _convert
from valuecycles.io._convert import check_schema_version, structure, unstructure_case
from valuecycles.io._mirror import from_data, from_json
from valuecycles.io._salvage import ordered, salvage
from valuecycles.model._case import Case
from valuecycles.model._validate import validate, validate_salvaged

__all__ = [
    "MIGRATIONS",
    "case_from_data",
    "dump",
    "dumps",
    "load",
    "loads",
    "migrate",
    "register_migration",
]

Migration = Callable[[dict[str, Any]], dict[str, Any]]
#: Upgrades of old documents: ``MIGRATIONS[n]`` turns version ``n`` into ``n + 1``.
MIGRATIONS: dict[int, Migration] = {}


def register_migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register a function that upgrades a document from ``from_version`` by one.

    The function takes and returns the plain data of the document; the
    library sets ``schema_version`` afterwards.
    """

    def decorate(func: Migration) -> Migration:
        MIGRATIONS[from_version] = func
        return func

    return decorate


def migrate(data: Any, *, to: int | None = None) -> Any:
    """Upgrade a document's plain data, version by version, up to ``to``.

    ``to`` defaults to the version this library writes. A migration that
    fails is reported as a ``migration-failed`` problem, never a traceback.
    """
    if to is None:
        to = _convert.SCHEMA_VERSION
    if not isinstance(data, dict):
        return data
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return data
    while version < to:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValidationError(
                [
                    Problem(
                        "$.schema_version",
                        "unsupported-version",
                        f"no migration from schema version {version} to {version + 1} "
                        f"is registered; this valuecycles reads version {to}",
                    )
                ]
            )
        try:
            data = step(dict(data))
        except Exception as exc:
            raise ValidationError(
                [
                    Problem(
                        "$",
                        "migration-failed",
                        f"upgrading the document from schema version {version} to "
                        f"{version + 1} failed: {type(exc).__name__}: {exc}",
                    )
                ]
            ) from exc
        if not isinstance(data, dict):
            raise ValidationError(
                [
                    Problem(
                        "$",
                        "migration-failed",
                        f"the migration from schema version {version} returned "
                        f"{type(data).__name__}, not a mapping",
                    )
                ]
            )
        version += 1
        data["schema_version"] = version
    return data


def _with_positions(problems: list[Problem], where: dict[str, tuple[int, int]]) -> list[Problem]:
    if not where:
        return problems
    out = []
    for p in problems:
        if p.line is not None:
            out.append(p)
            continue
        path = p.path
        while path and path not in where:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        if path:
            line, column = where[path]
            p = attrs.evolve(p, line=line, column=column)
        out.append(p)
    return out


def case_from_data(
    data: Any,
    *,
    framework: Framework | None = None,
    where: dict[str, tuple[int, int]] | None = None,
    source: str | None = None,
) -> Case:
    """Build and validate a case from a document's plain data (see :func:`checked_case`)."""
    return checked_case(data, framework=framework, where=where, source=source)[0]


def checked_case(
    data: Any,
    *,
    framework: Framework | None = None,
    where: dict[str, tuple[int, int]] | None = None,
    source: str | None = None,
) -> tuple[Case, ValidationReport]:
    """Build and validate a case; return it with the report (warnings only).

    Raises :class:`ValidationError` with every problem: structural ones
    (unknown keys, wrong types, missing fields) and, for the parts that
    could be read, the whole-case ones (references, ids, cycles) together.
    """
    with gc_paused():
        return _checked_case(data, framework, where or {}, source)


def _checked_case(
    data: Any,
    framework: Framework | None,
    where: dict[str, tuple[int, int]],
    source: str | None,
    *,
    tried: bool = False,
) -> tuple[Case, ValidationReport]:
    if not isinstance(data, dict):
        raise ValidationError(
            [Problem("$", "wrong-type", "a case document must be a mapping at the top")],
            source=source,
        )
    problems = check_schema_version(data)
    if problems:
        raise ValidationError(_with_positions(problems, where), source=source)
    upgraded = migrate(data)
    # A plainly right document is read by msgspec; any other by the converter,
    # which reports every problem (``tried``: the same data was just refused).
    case = None if tried and upgraded is data else from_data(upgraded)
    if case is None:
        return _structured_case(upgraded, framework, where, source)
    return _validated(case, framework, where, source)


def _structured_case(
    data: dict[str, Any],
    framework: Framework | None,
    where: dict[str, tuple[int, int]],
    source: str | None,
) -> tuple[Case, ValidationReport]:
    try:
        case = structure(data, Case)
    except ValidationError as exc:
        structural = list(exc.errors)
        salvaged = salvage(data, structural)
        if salvaged is None:
            raise ValidationError(_with_positions(structural, where), source=source) from None
        readable, broken, back = salvaged
        report = validate_salvaged(readable, framework, broken)
        semantic = [attrs.evolve(p, path=back(p.path)) for p in report.errors]
        raise ValidationError(
            _with_positions(ordered([*structural, *semantic]), where),
            _with_positions([attrs.evolve(p, path=back(p.path)) for p in report.warnings], where),
            source=source,
        ) from None
    return _validated(case, framework, where, source)


def _validated(
    case: Case,
    framework: Framework | None,
    where: dict[str, tuple[int, int]],
    source: str | None,
) -> tuple[Case, ValidationReport]:
    """The case with its warnings, or :class:`ValidationError` with its errors."""
    report = validate(case, framework)
    if report.errors:
        raise ValidationError(
            _with_positions(list(report.errors), where),
            _with_positions(list(report.warnings), where),
            source=source,
        )
    return case, ValidationReport((), _with_positions(list(report.warnings), where))


def loads(text: str, format: str = "yaml", *, framework: Framework | None = None) -> Case:
    """Read a case from text in ``format`` (``json``, ``yaml`` or ``toml``).

    >>> import valuecycles as vc
    >>> case = vc.loads('''
    ... schema_version: 1
    ... framework: wenger-trayner
    ... community: {name: Evaluators}
    ... ''', "yaml")
    >>> case.community.name
    'Evaluators'
    """
    with gc_paused():
        data, where = parse_text(text, format)
        return case_from_data(data, framework=framework, where=where)


def load_checked(
    path: str | os.PathLike[str], *, framework: Framework | None = None
) -> tuple[Case, ValidationReport]:
    """Read a case file; return it with its warnings. Raises like :func:`load`."""
    fmt = format_for(path)
    name = os.fspath(path)
    with gc_paused():
        return _load_checked(path, fmt, name, framework)


def _load_checked(
    path: str | os.PathLike[str], fmt: str, name: str, framework: Framework | None
) -> tuple[Case, ValidationReport]:
    # The plain data dies when this returns, before the collector is back on:
    # it is then never walked, only freed.
    raw = _json_bytes_of(path) if fmt == "json" else None
    if raw is not None:
        case = from_json(raw)
        if case is not None:
            return _validated(case, framework, {}, name)
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # read below, the usual way, which says where the JSON breaks
        else:
            return _checked_case(data, framework, {}, name, tried=True)
    text = read_text(path)
    try:
        data, where = parse_text(text, fmt)
    except ValidationError as exc:
        raise ValidationError(exc.errors, source=name) from None
    return checked_case(data, framework=framework, where=where, source=name)


_BOM = b"\xef\xbb\xbf"


def _json_bytes_of(path: str | os.PathLike[str]) -> bytes | None:
    """A JSON file's bytes without a byte order mark, or None if it cannot be read.

    Both JSON readers check the UTF-8 themselves, so the text need not be
    decoded first. A file that cannot be read is read again the usual way,
    which reports the problem in its own words.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    return raw[len(_BOM) :] if raw.startswith(_BOM) else raw


def load(path: str | os.PathLike[str], *, framework: Framework | None = None) -> Case:
    """Read and validate a case file; the format comes from the suffix.

    Raises :class:`ValidationError` listing every problem, each with its
    path and, for YAML, its line. Loading never changes the file.
    """
    return load_checked(path, framework=framework)[0]


def _cycle_order(case: Case, framework: Framework | None) -> tuple[str, ...]:
    if framework is None:
        from valuecycles.framework._registry import get_framework

        try:
            framework = get_framework(case.framework)
        except Exception:
            framework = None
    if framework is None:
        return ()
    return tuple(sorted(case.cycles, key=lambda k: _position(framework, k)))


def _position(framework: Framework, key: str) -> int:
    canonical = framework.resolve(key)
    return framework.cycle_keys.index(canonical) if canonical else len(framework.cycles)


def dumps(case: Case, format: str = "yaml", *, framework: Framework | None = None) -> str:
    """Text of a case in ``format``: stable key order, defaults left out.

    Cycles come in the framework's order.
    """
    with gc_paused():
        return serialize(unstructure_case(case, _cycle_order(case, framework)), format)


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
        # The bytes orjson gives, as they are: the same as ``dumps``, encoded.
        with gc_paused():
            text = _json_bytes(case, framework)
        atomic_write(path, text)
        return
    atomic_write(path, dumps(case, fmt, framework=framework))


def _json_bytes(case: Case, framework: Framework | None) -> bytes:
    # The plain data dies when this returns, inside the caller's gc_paused
    # block: the collector never walks it, it is only freed.
    data = unstructure_case(case, _cycle_order(case, framework))
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
