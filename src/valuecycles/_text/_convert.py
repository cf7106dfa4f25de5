"""A strict converter between plain data and frozen attrs models, knowing no model.

Everything it needs it reads from the models' own fields: their types (with
:class:`Check` metadata on ``Annotated`` types for the field rules), their
defaults, and two metadata keys: :data:`KEY`, the document's key where a
Python attribute must be named differently (``from`` is a keyword), and
:data:`REQUIRED`, a key a document must give although the model has a
default for it. The case models and the framework models are both read
through it.

Strict by design: an unknown key, a missing required field, a string where a
number belongs or a number where a string belongs is an error, never a silent
coercion. Every error is collected and reported as a :class:`Problem` with
the path to it in the document's own keys (``$.flows[0].from``).

A list of models is read item by item through :attr:`Converter.item_readers`
first, where one is registered for the item's class (the case's msgspec
mirror is): cattrs reads only the items it gives up on, and reports them.

Writing is the other way: one generated function per model gives plain data
in the document's keys and in the model's field order, leaving out what
equals its default.
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
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
from cattrs.gen import make_dict_structure_fn, override

from valuecycles._text._rules import (
    Check,
    Invalid,
    check_bool,
    check_date_value,
    check_int,
    check_number,
    check_scalar,
    check_str,
    describe,
    enum_check,
)
from valuecycles.errors import Problem, ValidationError, join_path

__all__ = [
    "KEY",
    "NULL_IS_EMPTY",
    "REQUIRED",
    "Converter",
    "document_key",
    "null_is_empty",
    "with_positions",
]

T = TypeVar("T")

#: Field metadata: the document's key for the field, where it differs from its name.
KEY: Final = "valuecycles.key"
#: Field metadata: true where a document must give the key despite the default.
REQUIRED: Final = "valuecycles.required"

#: A class attribute: true where a document may write ``null`` for an empty model.
NULL_IS_EMPTY: Final = "__valuecycles_null_is_empty__"

#: An item reader gives the model for plain data that is plainly right, else None.
ItemReader = Callable[[Any], Any]


def null_is_empty(cls: type) -> bool:
    """Whether a document may write ``null`` for an empty ``cls`` (its ``NULL_IS_EMPTY`` flag)."""
    return bool(getattr(cls, NULL_IS_EMPTY, False))


def document_key(cls: type, attribute: str) -> str:
    """The key a document uses for a model's attribute (its ``KEY`` metadata, or its name)."""
    field = attrs.fields_dict(cls).get(attribute)
    if field is None:
        return attribute
    return str(field.metadata.get(KEY, attribute))


def _renames(cls: type) -> dict[str, str]:
    return {a.name: a.metadata[KEY] for a in attrs.fields(cls) if KEY in a.metadata}


def _required(cls: type) -> tuple[str, ...]:
    return tuple(document_key(cls, a.name) for a in attrs.fields(cls) if a.metadata.get(REQUIRED))


def with_positions(
    problems: Iterable[Problem], where: Mapping[str, tuple[int, int]]
) -> list[Problem]:
    """The problems with the line and column of the nearest value above each path in ``where``.

    >>> p = Problem("$.flows[0].to", "unknown-reference", "unknown indicator 'x'")
    >>> with_positions([p], {"$.flows[0]": (12, 5)})[0].line
    12
    """
    if not where:
        return list(problems)
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


# --- reading -----------------------------------------------------------------


def _is_annotated_check(t: object) -> bool:
    return get_origin(t) is typing.Annotated and any(
        isinstance(m, Check) for m in getattr(t, "__metadata__", ())
    )


def _structure_annotated(value: object, t: Any) -> object:
    for meta in t.__metadata__:
        if isinstance(meta, Check):
            return meta.check(value)
    return value  # pragma: no cover - the predicate guarantees a Check


def _is_homogeneous_tuple(t: object) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _note(exc: Exception, note: Any) -> Exception:
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
    return exc


def _is_literal(t: object) -> bool:
    return get_origin(t) is Literal


def _is_dict(t: object) -> bool:
    return get_origin(t) is dict


class Converter:
    """Plain data to models and back, strictly, with every problem and its path.

    ``enum_names`` names each ``Literal``'s allowed values for messages
    (``"direction"`` for ``("increase", "decrease")``).

    >>> import attrs
    >>> @attrs.frozen
    ... class Link:
    ...     from_: str = attrs.field(metadata={KEY: "from"})
    ...     weight: int = 1
    >>> conv = Converter()
    >>> conv.structure({"from": "a"}, Link)
    Link(from_='a', weight=1)
    >>> conv.unstructure(Link("a", 2))
    {'from': 'a', 'weight': 2}
    >>> try:
    ...     conv.structure({"from": 3, "wieght": 2}, Link)
    ... except ValidationError as exc:
    ...     print(*exc.errors, sep="\\n")
    $.from: expected a string, got an integer [wrong-type]
    $.wieght: unknown key 'wieght'; known: from, weight [unknown-key]
    """

    def __init__(self, *, enum_names: Mapping[tuple[str, ...], str] | None = None) -> None:
        self.enum_names = dict(enum_names or {})
        #: Readers tried first for each item of a list of models (class -> reader).
        self.item_readers: dict[type, ItemReader] = {}
        self._writers: dict[tuple[type, bool], Callable[[Any], Any]] = {}
        #: orjson's ``default`` for :meth:`unstructure` with ``shallow``.
        self.shallow_default = self._shallow_hook()
        conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
        conv.register_structure_hook(str, lambda v, _t: check_str(v))
        conv.register_structure_hook(bool, lambda v, _t: check_bool(v))
        conv.register_structure_hook(int, lambda v, _t: check_int(v))
        conv.register_structure_hook(float, lambda v, _t: check_number(v))
        conv.register_structure_hook(int | float, lambda v, _t: check_number(v))
        conv.register_structure_hook(str | int | float | bool, lambda v, _t: check_scalar(v))
        conv.register_structure_hook(_dt.date, lambda v, _t: check_date_value(v))
        conv.register_structure_hook_func(_is_annotated_check, _structure_annotated)
        conv.register_structure_hook_func(_is_literal, self._structure_literal)
        conv.register_structure_hook_func(_is_homogeneous_tuple, self._structure_tuple)
        conv.register_structure_hook_func(_is_dict, self._structure_dict)
        conv.register_structure_hook_factory(attrs.has, self._class_hook)
        self._conv = conv

    # -- hooks ------------------------------------------------------------------

    def _structure_literal(self, value: object, t: Any) -> object:
        allowed = tuple(get_args(t))
        return enum_check(self.enum_names.get(allowed, "value"), allowed)(value)

    def _structure_tuple(self, value: object, t: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise Invalid("wrong-type", f"expected a list, got {describe(value)}", type_error=True)
        item_type = get_args(t)[0]
        reader = self.item_readers.get(item_type)
        out: list[Any] = []
        errors: list[Exception] = []
        handler = None
        for i, item in enumerate(value):
            made = reader(item) if reader is not None else None
            if made is not None:
                out.append(made)
                continue
            if handler is None:
                handler = self._conv.get_structure_hook(item_type)
            try:
                out.append(handler(item, item_type))
            except Exception as exc:
                note = IterableValidationNote(f"Structuring {t} @ index {i}", i, item_type)
                errors.append(_note(exc, note))
        if errors:
            raise IterableValidationError(f"While structuring {t}", errors, t)
        return tuple(out)

    def _structure_dict(self, value: object, t: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise Invalid(
                "wrong-type", f"expected a mapping, got {describe(value)}", type_error=True
            )
        value_type = get_args(t)[1]
        handler = self._conv.get_structure_hook(value_type)
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
                note = AttributeValidationNote(f"Structuring {t} @ key {key!r}", str(key), t)
                errors.append(_note(exc, note))
        if errors:
            raise IterableValidationError(f"While structuring {t}", errors, t)
        return out

    def _class_hook(self, cls: type) -> Callable[[object, Any], Any]:
        overrides: dict[str, Any] = {
            name: override(rename=key) for name, key in _renames(cls).items()
        }
        generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, self._conv, _cattrs_forbid_extra_keys=True, **overrides
        )
        required = _required(cls)
        empty_ok = null_is_empty(cls)

        def structure_class(value: object, _t: Any) -> Any:
            if value is None and empty_ok:
                return cls()
            if not isinstance(value, dict):
                raise Invalid(
                    "wrong-type", f"expected a mapping, got {describe(value)}", type_error=True
                )
            missing = [k for k in required if k not in value]
            if not missing:
                return generated(value, cls)
            errors: list[Exception] = []
            for key in missing:
                errors.append(_note(KeyError(key), AttributeValidationNote(key, key, object)))
            try:
                generated(value, cls)
            except ClassValidationError as inner:
                errors.extend(inner.exceptions)
            raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)

        return structure_class

    # -- the public side ----------------------------------------------------------

    def structure(self, data: object, cls: type[T], *, root: str = "$") -> T:
        """Build a model from plain data; :class:`ValidationError` lists every problem."""
        try:
            return self._conv.structure(data, cls)
        except (ClassValidationError, IterableValidationError, Invalid, KeyError) as exc:
            raise ValidationError(list(_problems(exc, root, cls))) from None

    def unstructure(self, model: Any, *, shallow: bool = False) -> Any:
        """Plain data for a model: the document's keys in field order, defaults left out.

        The data is the caller's own: lists and mappings are new, all the way
        down. With ``shallow``, for a serializer that only reads it and calls
        back for what it does not know (orjson's ``default``, given
        ``shallow_default``), only the model itself becomes a mapping:
        its tuples, mappings and inner models are handed over as they are.
        """
        return self.writer(type(model), shallow=shallow)(model)

    def _shallow_hook(self) -> Callable[[Any], Any]:
        writers: dict[type, Callable[[Any], Any]] = {}
        known = writers.get

        def shallow_default(value: Any) -> Any:
            """A model's shallow plain data, for orjson's ``default``; TypeError for the rest.

            A serializer given it writes a whole case without a plain copy of
            it being made first: each model becomes a mapping when it is
            written, and is let go at once.
            """
            writer = known(value.__class__)
            if writer is None:
                cls = value.__class__
                if not attrs.has(cls):
                    raise TypeError(f"{cls.__name__} is not a model")
                writer = writers[cls] = self.writer(cls, shallow=True)
            return writer(value)

        return shallow_default

    def writer(self, cls: type, *, shallow: bool = False) -> Callable[[Any], Any]:
        """The generated function giving plain data for models of ``cls``."""
        found = self._writers.get((cls, shallow))
        if found is None:
            self._writers[(cls, shallow)] = _Lazy(self, cls, shallow)  # while it is being made
            found = self._writers[(cls, shallow)] = self._make_writer(cls, shallow)
        return found

    def _make_writer(self, cls: type, shallow: bool) -> Callable[[Any], Any]:
        namespace: dict[str, Any] = {}
        hints = typing.get_type_hints(cls)
        lines = [f"def write_{cls.__name__}(o):", "    d = {}"]
        for i, a in enumerate(attrs.fields(cls)):
            if not a.init:
                continue  # derived from the other fields, never written
            key = a.metadata.get(KEY, a.name)
            value = "v" if shallow else self._write_expr(hints[a.name], "v", namespace)
            lines.append(f"    v = o.{a.name}")
            if a.default is attrs.NOTHING or a.metadata.get(REQUIRED):
                lines.append(f"    d[{key!r}] = {value}")
                continue
            factory = isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
            default = a.default.factory() if factory else a.default
            if default is None:
                test = "v is not None"
            elif default == () or default == {}:
                test = "v"
            else:
                namespace[f"_default{i}"] = default
                test = f"v != _default{i}"
            lines.append(f"    if {test}: d[{key!r}] = {value}")
        lines.append("    return d")
        # Our own generated source, as attrs and cattrs make theirs.
        name = f"<valuecycles writer {cls.__name__}{' (shallow)' if shallow else ''}>"
        exec(compile("\n".join(lines), name, "exec"), namespace)
        writer: Callable[[Any], Any] = namespace[f"write_{cls.__name__}"]
        return writer

    def _write_expr(self, t: Any, var: str, namespace: dict[str, Any]) -> str:
        """A Python expression giving the plain data of ``var``, a value of type ``t``."""
        origin = get_origin(t)
        if origin is typing.Annotated:
            return self._write_expr(get_args(t)[0], var, namespace)
        if attrs.has(t):
            name = f"_write_{t.__name__}"
            namespace[name] = self.writer(t)
            return f"{name}({var})"
        if origin is tuple:
            item = self._write_expr(get_args(t)[0], "x", namespace)
            if item == "x":
                return f"list({var})"
            return f"[{item} for x in {var}]"
        if origin is dict:
            item = self._write_expr(get_args(t)[1], "x", namespace)
            if item == "x":
                return f"dict({var})"
            return f"{{k: {item} for k, x in {var}.items()}}"
        args = [a for a in get_args(t) if a is not type(None)]
        if origin in (typing.Union, types.UnionType) and len(args) == 1:
            inner = self._write_expr(args[0], var, namespace)
            return var if inner == var else f"(None if {var} is None else {inner})"
        return var


class _Lazy:
    """A writer made on its first call: a model whose fields refer back to it."""

    __slots__ = ("_cls", "_conv", "_shallow", "_writer")

    def __init__(self, conv: Converter, cls: type, shallow: bool) -> None:
        self._conv = conv
        self._cls = cls
        self._shallow = shallow
        self._writer: Callable[[Any], Any] | None = None

    def __call__(self, model: Any) -> Any:
        writer = self._writer
        if writer is None:
            writer = self._writer = self._conv.writer(self._cls, shallow=self._shallow)
        return writer(model)


# --- errors --------------------------------------------------------------------


def _note_step(exc: BaseException, cls: type | None) -> str | int | None:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, IterableValidationNote):
            return note.index
        if isinstance(note, AttributeValidationNote):
            name = note.name
            return document_key(cls, name) if cls is not None else name
    return None


def _known_keys(cls: type) -> list[str]:
    return [document_key(cls, a.name) for a in attrs.fields(cls) if a.init]


def _problems(exc: BaseException, path: str, cls: type | None = None) -> Iterator[Problem]:
    """Turn a structuring failure into problems, with document paths."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        owner = exc.cl if isinstance(exc, ClassValidationError) else None
        owner = owner if isinstance(owner, type) and attrs.has(owner) else None
        for child in exc.exceptions:
            step = _note_step(child, owner)
            child_path = path if step is None else join_path(path, step)
            yield from _problems(child, child_path, owner)
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
        # An attrs validator refused a combination the hooks let through.
        yield Problem(path, "invalid-value", str(exc))
        return
    raise exc  # pragma: no cover - a bug in the converter, not in the document
