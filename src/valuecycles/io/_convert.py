"""The library's own cattrs converter: plain data to models and back.

Strict by design: an unknown key, a missing required field, a string where a
number belongs or a number where a string belongs is an error, never a silent
coercion. Every error is collected and reported with the path to it in the
document's own keys (``$.flows[0].from``, although the Python attribute is
``from_``).
"""

from __future__ import annotations

import datetime as _dt
import typing
from collections.abc import Callable, Iterator
from typing import Any, Final, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from valuecycles._text import (
    SCALAR_TYPES,
    Invalid,
    check_number,
    check_str,
    describe,
)
from valuecycles.errors import Problem, ValidationError, join_path
from valuecycles.framework._model import Cycle, Framework, Guidance, Round
from valuecycles.io._fast import FAST_ITEMS, FAST_LISTS, MISS
from valuecycles.model._case import (
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
from valuecycles.model._types import Check, enum_for

__all__ = [
    "MODELS",
    "RENAMES",
    "SCHEMA_VERSION",
    "document_key",
    "structure",
    "structure_case",
    "unstructure",
    "unstructure_case",
]

T = TypeVar("T")

#: Whether the bulky lists (observations, stories) take the fast path of
#: ``io/_fast.py``; the tests turn it off to compare both paths.
_use_fast = True

#: Every model class the converter knows, for hooks and for the JSON Schema.
MODELS: Final[tuple[type, ...]] = (
    Community,
    Measure,
    Aspiration,
    Condition,
    Indicator,
    Derivation,
    DataSource,
    CyclePlan,
    Flow,
    Provenance,
    Observation,
    Verification,
    Step,
    Story,
    Case,
    Guidance,
    Round,
    Cycle,
    Framework,
)

#: Python attribute name -> document key, where the two differ.
RENAMES: Final[dict[type, dict[str, str]]] = {Flow: {"from_": "from"}}

#: Keys a document must give although the Python model has a default for them.
_REQUIRED_IN_DOCUMENT: Final[dict[type, tuple[str, ...]]] = {
    Case: ("schema_version", "framework"),
}


def document_key(cls: type, attribute: str) -> str:
    """The key a document uses for a model's attribute."""
    return RENAMES.get(cls, {}).get(attribute, attribute)


# --- structure hooks ---------------------------------------------------------


def _structure_str(value: object, _t: object) -> str:
    return check_str(value)


def _structure_bool(value: object, _t: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(
            "wrong-type", f"expected true or false, got {describe(value)}", type_error=True
        )
    return value


def _structure_int(value: object, _t: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("wrong-type", f"expected an integer, got {describe(value)}", type_error=True)
    return value


def _structure_number(value: object, _t: object) -> int | float:
    return check_number(value)


def _structure_date(value: object, _t: object) -> _dt.date:
    if type(value) is _dt.date:
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10 and value[4] == value[7] == "-":
                return _dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise Invalid("invalid-date", f"{value!r} is not a valid date (YYYY-MM-DD)")
    raise Invalid(
        "wrong-type", f"expected a date (YYYY-MM-DD), got {describe(value)}", type_error=True
    )


def _structure_scalar(value: object, _t: object) -> object:
    if not isinstance(value, SCALAR_TYPES):
        raise Invalid(
            "wrong-type",
            f"expected a string, number or boolean, got {describe(value)}",
            type_error=True,
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        check_number(value)
    return value


def _is_annotated_check(t: object) -> bool:
    return get_origin(t) is typing.Annotated and any(
        isinstance(m, Check) for m in getattr(t, "__metadata__", ())
    )


def _structure_annotated(value: object, t: Any) -> object:
    for meta in t.__metadata__:
        if isinstance(meta, Check):
            return meta.check(value)
    return value  # pragma: no cover - the predicate guarantees a Check


def _is_literal(t: object) -> bool:
    return get_origin(t) is Literal


def _structure_literal(value: object, t: Any) -> object:
    return enum_for(tuple(get_args(t)))(value)


def _is_homogeneous_tuple(t: object) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_tuple_of(item_cls: type) -> Callable[[object], bool]:
    def predicate(t: object) -> bool:
        return get_origin(t) is tuple and get_args(t) == (item_cls, Ellipsis)

    return predicate


def _make_tuple_hook(conv: cattrs.Converter) -> Callable[[object, Any], tuple[Any, ...]]:
    def structure_tuple(value: object, t: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise Invalid("wrong-type", f"expected a list, got {describe(value)}", type_error=True)
        item_type = get_args(t)[0]
        handler = conv.get_structure_hook(item_type)
        fast = FAST_ITEMS.get(item_type) if _use_fast else None
        # The fast path builds plainly right items; anything else (MISS), and
        # every error, takes the converter's own path below.
        made = [fast(item) for item in value] if fast is not None else [MISS] * len(value)
        if all(made):  # MISS is false, a model true
            return tuple(made)
        out = []
        errors: list[Exception] = []
        for i, item in enumerate(value):
            if made[i] is not MISS:
                out.append(made[i])
                continue
            try:
                out.append(handler(item, item_type))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring {t} @ index {i}", i, item_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t}", errors, t)
        return tuple(out)

    return structure_tuple


def _make_dict_hook(conv: cattrs.Converter) -> Callable[[object, Any], dict[str, Any]]:
    def structure_dict(value: object, t: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise Invalid(
                "wrong-type", f"expected a mapping, got {describe(value)}", type_error=True
            )
        value_type = get_args(t)[1]
        handler = conv.get_structure_hook(value_type)
        out = {}
        errors: list[Exception] = []
        for key, item in value.items():
            try:
                if not isinstance(key, str):
                    raise Invalid(
                        "wrong-type", f"expected a text key, got {describe(key)}", type_error=True
                    )
                out[key] = handler(item, value_type)
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    AttributeValidationNote(f"Structuring {t} @ key {key!r}", str(key), value_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t}", errors, t)
        return out

    return structure_dict


def _is_dict(t: object) -> bool:
    return get_origin(t) is dict


def _make_class_hook(conv: cattrs.Converter, cls: type) -> Callable[[object, Any], Any]:
    renames = RENAMES.get(cls, {})
    overrides: dict[str, Any] = {name: override(rename=key) for name, key in renames.items()}
    generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
        cls, conv, _cattrs_forbid_extra_keys=True, **overrides
    )
    required = _REQUIRED_IN_DOCUMENT.get(cls, ())

    def structure_class(value: object, _t: Any) -> Any:
        if cls is CyclePlan and value is None:
            return CyclePlan()
        if not isinstance(value, dict):
            raise Invalid(
                "wrong-type", f"expected a mapping, got {describe(value)}", type_error=True
            )
        missing = [k for k in required if k not in value]
        if missing:
            errors: list[Exception] = []
            for key in missing:
                exc = KeyError(key)
                exc.__notes__ = [AttributeValidationNote(f"@ attribute {key}", key, object)]
                errors.append(exc)
            try:
                generated(value, cls)
            except ClassValidationError as inner:
                errors.extend(inner.exceptions)
            raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
        return generated(value, cls)

    return structure_class


def _build_converter(*, fast: bool = True) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_number)
    conv.register_structure_hook(int | float, _structure_number)
    conv.register_structure_hook(str | int | float | bool, _structure_scalar)
    conv.register_structure_hook(_dt.date, _structure_date)
    conv.register_structure_hook_func(_is_annotated_check, _structure_annotated)
    conv.register_structure_hook_func(_is_literal, _structure_literal)
    conv.register_structure_hook_func(_is_homogeneous_tuple, _make_tuple_hook(conv))
    conv.register_structure_hook_func(_is_dict, _make_dict_hook(conv))
    for cls in MODELS:
        conv.register_structure_hook(cls, _make_class_hook(conv, cls))

    conv.register_unstructure_hook_func(
        _is_homogeneous_tuple, lambda v: [conv.unstructure(i) for i in v]
    )
    conv.register_unstructure_hook(_dt.date, lambda d: d)
    for item_cls, to_list in (FAST_LISTS if fast else {}).items():
        # The bulky lists (observations, stories) by hand: the same data, quicker.
        conv.register_unstructure_hook_func(_is_tuple_of(item_cls), to_list)
    for cls in MODELS:
        overrides: dict[str, Any] = {
            name: override(rename=key) for name, key in RENAMES.get(cls, {}).items()
        }
        conv.register_unstructure_hook(
            cls,
            _in_field_order(
                cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **overrides)
            ),
        )
    return conv


def _in_field_order(cls: type, make: Callable[[Any], dict[str, Any]]) -> Callable[[Any], Any]:
    """Keys in the model's field order: cattrs puts the fields without a default first."""
    order = tuple(document_key(cls, a.name) for a in attrs.fields(cls) if a.init)

    def unstructure_in_order(model: Any) -> dict[str, Any]:
        data = make(model)
        return {key: data[key] for key in order if key in data}

    return unstructure_in_order


_CONVERTER: Final = _build_converter()


# --- errors --------------------------------------------------------------------


def _note_step(exc: BaseException, cls: type | None) -> str | int | None:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, IterableValidationNote):
            return note.index
        if isinstance(note, AttributeValidationNote):
            name = note.name
            return document_key(cls, name) if cls is not None else name
    return None


def _attr_class(exc: BaseException) -> type | None:
    cl = getattr(exc, "cl", None)
    return cl if isinstance(cl, type) else None


def _known_keys(cls: type) -> list[str]:
    return [document_key(cls, a.name) for a in attrs.fields(cls) if a.init]


def _problems(exc: BaseException, path: str, cls: type | None = None) -> Iterator[Problem]:
    """Turn a structuring failure into problems, with document paths."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        owner = exc.cl if isinstance(exc, ClassValidationError) else None
        for child in exc.exceptions:
            step = _note_step(child, owner if isinstance(owner, type) else None)
            child_path = path if step is None else join_path(path, step)
            yield from _problems(child, child_path, owner if isinstance(owner, type) else None)
        return
    if isinstance(exc, ForbiddenExtraKeysError):
        known = _known_keys(exc.cl)
        for key in sorted(exc.extra_fields):
            yield Problem(
                join_path(path, key),
                "unknown-key",
                f"unknown key {key!r}; known: {', '.join(known)}",
            )
        return
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else "?"
        yield Problem(path, "missing-field", f"required field {key!r} is missing")
        return
    if isinstance(exc, Invalid):
        yield Problem(path, exc.code, exc.message)
        return
    if isinstance(exc, TypeError | ValueError):
        # An attrs validator rejected a combination the hooks let through.
        yield Problem(path, "invalid-value", str(exc))
        return
    raise exc  # pragma: no cover - a bug in the converter, not in the document


def structure(data: object, cls: type[T], *, root: str = "$") -> T:
    """Build a model from plain data, raising :class:`ValidationError` with every problem."""
    try:
        return _CONVERTER.structure(data, cls)
    except (ClassValidationError, IterableValidationError, Invalid, KeyError) as exc:
        raise ValidationError(list(_problems(exc, root, cls))) from None


def unstructure(model: object) -> Any:
    """Plain data for a model, defaults left out, in the document's keys."""
    return _CONVERTER.unstructure(model)


def check_schema_version(data: object) -> list[Problem]:
    """Problems with a document's ``schema_version`` (newer than known, wrong type)."""
    if not isinstance(data, dict) or "schema_version" not in data:
        return []
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        return [
            Problem(
                "$.schema_version",
                "wrong-type",
                f"expected an integer, got {describe(version)}",
            )
        ]
    if version > SCHEMA_VERSION:
        return [
            Problem(
                "$.schema_version",
                "unsupported-version",
                f"the document is schema version {version}, but this valuecycles reads "
                f"versions up to {SCHEMA_VERSION}; upgrade valuecycles to read it",
            )
        ]
    if version < 1:
        return [
            Problem(
                "$.schema_version",
                "unsupported-version",
                f"schema version {version} does not exist; the first version is 1",
            )
        ]
    return []


def structure_case(data: object) -> Case:
    """Build a :class:`Case` from plain data (structure only: no reference checks)."""
    problems = check_schema_version(data)
    if problems:
        raise ValidationError(problems)
    return structure(data, Case)


_CASE_KEYS: Final = tuple(document_key(Case, a.name) for a in attrs.fields(Case))


def unstructure_case(case: Case, cycle_order: tuple[str, ...] = ()) -> dict[str, Any]:
    """Plain data for a case, with ``schema_version`` and ``framework`` always written.

    Cycles come in ``cycle_order`` first, then any others in the case's order.
    """
    data: dict[str, Any] = unstructure(case)
    out: dict[str, Any] = {
        "schema_version": case.schema_version,
        "framework": case.framework,
    }
    # In the model's field order (cattrs puts fields without a default first).
    out.update({k: data[k] for k in _CASE_KEYS if k in data})
    if "cycles" in out:
        cycles = out["cycles"]
        ordered = {k: cycles[k] for k in cycle_order if k in cycles}
        ordered.update({k: v for k, v in cycles.items() if k not in ordered})
        out["cycles"] = ordered
    return out
