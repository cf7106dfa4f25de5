"""JSON Schema (draft 2020-12) for case documents and framework files, made from the models.

The schema is as strict as the loader: the same keys (in the document's
spelling, ``from`` for ``Flow.from_``), the same required fields, the same
types (``3`` is not a text, ``"3"`` not a number), the allowed values of each
enum, ids without spaces at their ends, periods and dates by pattern, and for
a case the cycle keys (and aliases) of its framework. What a schema cannot
say (unique ids, references that resolve) is left to ``valuecycles validate``.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from typing import Any, Final, Literal, get_args, get_origin

import attrs

from valuecycles._text import REQUIRED, Check, document_key, non_empty_str, null_is_empty
from valuecycles.framework import CYCLE_FILE_KEYS, Cycle, Framework, Guidance, Round
from valuecycles.model import (
    SCHEMA_VERSION,
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Derivation,
    Flow,
    Indicator,
    Measure,
    Observation,
    Provenance,
    Step,
    Story,
    Verification,
)

__all__ = ["DRAFT", "case_schema", "framework_schema"]

#: The JSON Schema dialect of every schema made here.
DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"

#: An ISO calendar date: a month from 01 to 12 and a day from 01 to 31.
DATE_PATTERN: Final = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"

_NON_BLANK: Final = {"type": "string", "minLength": 1, "pattern": r"\S"}

_CASE_MODELS: Final = (
    Case,
    Community,
    CyclePlan,
    Aspiration,
    Condition,
    Indicator,
    Measure,
    DataSource,
    Derivation,
    Flow,
    Observation,
    Provenance,
    Story,
    Verification,
    Step,
)


def _ref(cls: type) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{cls.__name__}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _type_schema(t: Any) -> dict[str, Any]:
    """The schema of one Python type as the loader reads it."""
    origin = get_origin(t)
    if origin is typing.Annotated:
        for meta in t.__metadata__:
            if isinstance(meta, Check):
                return dict(meta.schema)
        return _type_schema(get_args(t)[0])  # pragma: no cover - every Annotated has a Check
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(t))}
    if origin in (types.UnionType, typing.Union):
        args = get_args(t)
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            inner: dict[str, Any] = _type_schema(rest[0])
        elif set(rest) <= {int, float}:
            inner = {"type": "number"}
        elif set(rest) <= {str, int, float, bool}:
            inner = {"type": [_SCALARS[a] for a in (str, int, float, bool) if a in rest]}
            if "integer" in inner["type"] and "number" in inner["type"]:
                inner["type"].remove("integer")
        else:
            inner = {"anyOf": [_type_schema(a) for a in rest]}
        return _nullable(inner) if len(rest) < len(args) else inner
    if origin is tuple:
        return {"type": ["array", "null"], "items": _type_schema(get_args(t)[0])}
    if origin is dict:
        return {"type": ["object", "null"], "additionalProperties": _type_schema(get_args(t)[1])}
    if t is _dt.date:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    if t in _SCALARS:
        return {"type": _SCALARS[t]}
    if attrs.has(t):
        return _nullable(_ref(t)) if null_is_empty(t) else _ref(t)
    raise TypeError(f"no JSON Schema for {t!r}")  # pragma: no cover - a model the walk misses


_SCALARS: Final[dict[Any, str]] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _model_schema(cls: type) -> dict[str, Any]:
    """An object schema for a model: its document keys, required ones, nothing else."""
    hints = typing.get_type_hints(cls, include_extras=True)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        key = document_key(cls, field.name)
        schema = _type_schema(hints[field.name])
        if field.validator is non_empty_str:
            schema = dict(_NON_BLANK)
        properties[key] = schema
        if field.default is attrs.NOTHING or field.metadata.get(REQUIRED):
            required.append(key)
    out: dict[str, Any] = {"type": "object"}
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    if doc:
        out["description"] = " ".join(doc.split())
    out["properties"] = properties
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def case_schema(framework: Framework | str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case document for ``framework``.

    ``framework`` is a :class:`~valuecycles.Framework`, a registered
    framework's name, or ``None`` for the guide's. Cycle keys are limited
    to the framework's cycles and their aliases, and every key, type and
    allowed value is checked as strictly as :func:`valuecycles.load` does;
    an editor can use the schema to complete and check a case as it is
    written.

    >>> import valuecycles as vc
    >>> schema = vc.case_schema()
    >>> schema["required"]
    ['schema_version', 'framework', 'community']
    >>> sorted(schema["$defs"]["Case"]["properties"]["cycles"]["properties"])[:3]
    ['applied', 'enabling', 'immediate']
    """
    from valuecycles.framework import load_framework

    fw = load_framework() if framework is None else framework
    if isinstance(fw, str):
        fw = load_framework(fw)
    defs = {cls.__name__: _model_schema(cls) for cls in _CASE_MODELS}
    case = defs["Case"]
    props = case["properties"]
    props["schema_version"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": SCHEMA_VERSION,
        "description": f"The document's version; this valuecycles writes {SCHEMA_VERSION}.",
    }
    props["framework"] = {
        "const": fw.name,
        "description": "The name of the framework the case is planned in.",
    }
    cycles: dict[str, Any] = {}
    for cycle in fw.cycles:
        for key in (cycle.key, *cycle.aliases):
            entry: dict[str, Any] = {**_nullable(_ref(CyclePlan)), "title": cycle.name}
            if cycle.description:
                entry["description"] = cycle.description
            cycles[key] = entry
    props["cycles"] = {
        "type": ["object", "null"],
        "description": "The plan, cycle by cycle: "
        + ", ".join(fw.cycle_keys)
        + ". An absent cycle is the same as an empty one.",
        "properties": cycles,
        "additionalProperties": False,
    }
    names = [name for cycle in fw.cycles for name in (cycle.key, *cycle.aliases)]
    defs["Step"]["properties"]["cycle"] = {"type": "string", "enum": names}
    defs["Story"]["properties"]["steps"] = {
        "type": "array",
        "minItems": 1,
        "items": _ref(Step),
    }
    return {
        "$schema": DRAFT,
        "$id": f"urn:valuecycles:case:{fw.name}:{fw.version}",
        "title": f"A valuecycles case ({fw.title or fw.name})",
        **{k: v for k, v in case.items() if k != "description"},
        "description": "One community's case: its plan, cycle by round, and its evidence.",
        "$defs": {k: v for k, v in defs.items() if k != "Case"} | {"Case": case},
    }


def framework_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a framework file.

    A file without ``extends`` needs ``cycles``, and each of its cycles a
    ``key`` and a ``name``; a file that extends another may leave a
    replacement cycle's name, description and role to the base.

    >>> import valuecycles as vc
    >>> schema = vc.framework_schema()
    >>> schema["required"]
    ['name']
    >>> schema["$defs"]["Cycle"]["properties"]["role"]["enum"]
    ['chain', 'cross-cutting']
    """
    defs = {cls.__name__: _model_schema(cls) for cls in (Guidance, Round, Cycle, Framework)}
    cycle = defs["Cycle"]
    cycle["properties"]["after"] = {
        "type": "string",
        "description": "Put a new cycle right after the cycle with this key.",
    }
    assert set(cycle["properties"]) == set(CYCLE_FILE_KEYS)
    cycle["required"] = ["key"]
    cycle["properties"]["guidance"] = {
        "type": ["object", "null"],
        "description": "The guide's help for each round, by the round's key.",
        "additionalProperties": _ref(Guidance),
    }
    top = defs.pop("Framework")
    top["properties"]["version"]["description"] = 'The framework\'s version, as text ("1").'
    top["properties"]["extends"] = {
        "type": "string",
        "minLength": 1,
        "description": "A registered framework's name, or a framework file, to start from.",
    }
    top["properties"]["cycles"] = {"type": "array", "items": _ref(Cycle)}
    top["properties"]["rounds"] = {"type": "array", "minItems": 1, "items": _ref(Round)}
    top["required"] = ["name"]
    return {
        "$schema": DRAFT,
        "$id": "urn:valuecycles:framework-file",
        "title": "A valuecycles framework file",
        **top,
        "if": {"not": {"required": ["extends"]}},
        "then": {
            "required": ["cycles"],
            "properties": {
                "cycles": {"minItems": 1, "items": {"required": ["key", "name"]}},
            },
        },
        "$defs": defs,
    }
