"""Reading what is plainly right at C speed, through msgspec.

Most documents a program loads have nothing wrong with them. For those, this
module reads the whole case in two strides: msgspec parses the JSON bytes (or
converts the plain data a YAML or TOML parser gave) straight into *mirrors*
of the models, private :class:`msgspec.Struct` types with the same fields,
checking types, unknown keys, missing fields, allowed values, dates and
number ranges in C; then one generated function per model checks what
msgspec cannot express cheaply (ids without spaces at their ends, text that
is not blank, periods, numbers of 2**63 or more, which may have been JSON
integers past 64 bits read as floats) and moves the values into the real
attrs models.

Anything msgspec refuses, or the checks after it refuse, gives None,
and the caller reads the document on the converter's path, which reports
every problem with its own codes, messages and paths. This module never
reports anything, so it can only ever be faster, never different; the tests
fuzz documents through both paths and compare what they give.

The same mirrors read single items (:func:`item_reader`): the converter
tries each item of a list of models through them first, so a document with
one mistake among many observations pays cattrs' price for that one only.

The mirrors and the functions are made from the models' own fields the
first time they are needed, so a field added to a model is read here too.
A field whose type this module was not written for is an error at that
first use (a test reads every model through it), never a silent slow path.
"""

from __future__ import annotations

import datetime as _dt
import sys
import threading
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal, get_args, get_origin

import attrs
import msgspec

from valuecycles._frozen import fill_lines
from valuecycles._text import (
    GOOD_IDS,
    GOOD_PERIODS,
    INT_MAX,
    INT_MIN,
    KEY,
    REQUIRED,
    Check,
    check_id,
    check_period,
    check_text,
    check_value,
    is_id,
    new_id,
    new_period,
)
from valuecycles.model import SCHEMA_VERSION, Case, CyclePlan

__all__ = ["from_data", "from_json", "item_reader"]

_MAX_FLOAT: Final = sys.float_info.max
#: The numbers every format carries: 64-bit integers and finite floats.
_Int = Annotated[int, msgspec.Meta(ge=INT_MIN, le=INT_MAX)]
_Float = Annotated[float, msgspec.Meta(ge=-_MAX_FLOAT, le=_MAX_FLOAT)]
_Scalar = str | _Int | _Float | bool


class _Refused(Exception):
    """A value msgspec let through that the models refuse; the converter reports it."""


# --- what each field needs after msgspec -------------------------------------
#
# A field becomes a mirror type and a function that writes the source lines
# checking and finishing its value, held in the local variable it is given.
# The lines may use the names in ``_NAMESPACE`` and the builders of the
# other models (``build_Step``).

Lines = Callable[[str], list[str]]


def _nothing(_var: str) -> list[str]:
    return []


def _narrow(var: str) -> list[str]:
    # msgspec reads a JSON integer past 64 bits as a float where a float may
    # stand: a float that large goes to the converter, which reads exactly.
    return [f"if {var}.__class__ is float and not -_BIG < {var} < _BIG: raise _Refused"]


def _check(check: Callable[[object], Any], own_id: bool) -> Lines:
    if check is check_id and own_id:
        # An element's own id is seen once: not worth remembering.
        return lambda v: [f"if not _is_id({v}): raise _Refused"]
    if check is check_id:
        return lambda v: [f"if {v} not in _good_ids and not _new_id({v}): raise _Refused"]
    if check is check_text:
        return lambda v: [f"if not {v}.strip(): raise _Refused"]
    if check is check_period:
        return lambda v: [f"if {v} not in _periods and not _new_period({v}): raise _Refused"]
    raise TypeError(f"no fast check for {check!r}")


def _indented(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _field(t: Any, own_id: bool = False) -> tuple[Any, Lines]:
    """The mirror type of a field's type and the lines that finish its value."""
    origin = get_origin(t)
    if origin is Annotated:
        checks = [m.check for m in t.__metadata__ if isinstance(m, Check)]
        if len(checks) != 1:
            raise TypeError(f"no fast path for {t!r}")
        if checks[0] is check_value:
            # The mirror type says the rest: a 64-bit int, a finite float or a text.
            return _Int | _Float | str, _narrow
        base, _ = _field(get_args(t)[0])
        return base, _check(checks[0], own_id)
    if origin in (typing.Union, types.UnionType):
        args = get_args(t)
        if args == (int, float):
            return _Int | _Float, _narrow
        if args == (str, int, float, bool):
            return _Scalar, _narrow
        if len(args) == 2 and args[1] is type(None):  # X | None
            inner, finish = _field(args[0], own_id)
            if finish is _nothing:
                return inner | None, _nothing
            return inner | None, lambda v: [
                f"if {v} is not None:",
                *_indented(finish(v)),
            ]
        raise TypeError(f"no fast path for {t!r}")
    if origin is Literal:
        return t, _nothing
    if origin is tuple:
        return _tuple(t)
    if origin is dict:
        return _dict(t)
    if attrs.has(t):
        return _mirror(t), lambda v: [f"{v} = build_{t.__name__}({v})"]
    if t is str or t is bool or t is _dt.date:
        return t, _nothing
    if t is int:
        return _Int, _nothing
    raise TypeError(f"no fast path for {t!r}")


def _tuple(t: Any) -> tuple[Any, Lines]:
    # A null list is the empty list, as on the converter's path.
    args = get_args(t)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise TypeError(f"no fast path for {t!r}")
    item = args[0]
    if attrs.has(item):
        build = f"build_{item.__name__}"
        return tuple[_mirror(item), ...] | None, lambda v: [  # type: ignore[misc]
            f"{v} = () if {v} is None else tuple([{build}(x) for x in {v}])"
        ]
    inner, finish = _field(item)
    if finish is _nothing:
        return tuple[inner, ...] | None, lambda v: [f"if {v} is None: {v} = ()"]  # type: ignore[valid-type]
    return tuple[inner, ...] | None, lambda v: [  # type: ignore[valid-type]
        f"if {v} is None: {v} = ()",
        f"for x in {v}:",
        *_indented(finish("x")),
    ]


def _dict(t: Any) -> tuple[Any, Lines]:
    # A null mapping is the empty mapping, as on the converter's path.
    key, value = get_args(t)
    if key is not str:
        raise TypeError(f"no fast path for {t!r}")
    if value is CyclePlan:
        # Keys are cycle ids; a null plan is an empty one.
        return dict[str, _mirror(CyclePlan) | None] | None, lambda v: [  # type: ignore[misc]
            f"if {v} is None: {v} = {{}}",
            "else:",
            f"    for x in {v}:",
            *_indented(_indented(_check(check_id, own_id=False)("x"))),
            f"    {v} = {{k: _EMPTY_PLAN if p is None else build_CyclePlan(p)"
            f" for k, p in {v}.items()}}",
        ]
    inner, finish = _field(value)
    if finish is _nothing:
        return dict[str, inner] | None, lambda v: [f"if {v} is None: {v} = {{}}"]  # type: ignore[valid-type]
    if finish is not _narrow:  # the lines below check values; they do not replace them
        raise TypeError(f"no fast path for {t!r}")
    return dict[str, inner] | None, lambda v: [  # type: ignore[valid-type]
        f"if {v} is None: {v} = {{}}",
        f"elif {v}:",
        f"    for x in {v}.values():",
        *_indented(_indented(finish("x"))),
    ]


# --- the mirrors and their builders --------------------------------------------

_MIRRORS: dict[type, type] = {}
#: The generated source of each builder, for reading and debugging.
_SOURCES: dict[str, str] = {}
_EMPTY_PLAN: Final = CyclePlan()
_NAMESPACE: dict[str, Any] = {
    "_Refused": _Refused,
    "_good_ids": GOOD_IDS,
    "_new_id": new_id,
    "_is_id": is_id,
    "_periods": GOOD_PERIODS,
    "_new_period": new_period,
    "_UNSET": msgspec.UNSET,
    "_EMPTY_PLAN": _EMPTY_PLAN,
    "_BIG": 2.0**63,
}


_FLAT: Final = (str, int, float, bool, _dt.date, type(None))


def _unchangeable(value: object) -> bool:
    """Whether a value can be shared: a frozen model holding only flat values and tuples."""
    if isinstance(value, _FLAT):
        return True
    if isinstance(value, tuple):
        return all(map(_unchangeable, value))
    if not attrs.has(type(value)):
        return False
    names = [a.name for a in attrs.fields(type(value))]  # type: ignore[arg-type]
    if not names:
        return False
    try:
        setattr(value, names[0], getattr(value, names[0]))
    except attrs.exceptions.FrozenInstanceError:
        return all(_unchangeable(getattr(value, name)) for name in names)
    return False


def _mirror(cls: type) -> type:
    """The mirror Struct of a model, made once, and its builder ``build_<Name>``."""
    found = _MIRRORS.get(cls)
    if found is not None:
        return found
    hints = typing.get_type_hints(cls, include_extras=True)
    name = cls.__name__
    fields: list[tuple[Any, ...]] = []
    body: list[str] = []
    values: list[str] = []  # the expression giving each field's finished value
    for i, a in enumerate(attrs.fields(cls)):
        var = f"f{i}"
        if a.name == "schema_version" and cls is Case:
            # Only the current version: an older one is migrated on the other path.
            kind: Any = Literal[SCHEMA_VERSION]
            finish: Lines = _nothing
        else:
            kind, finish = _field(hints[a.name], own_id=a.name == "id")
        lines = finish(var)
        if a.default is attrs.NOTHING or a.metadata.get(REQUIRED):
            fields.append((a.name, kind))
        elif not isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            fields.append((a.name, kind, a.default))
        elif a.default.factory is dict:
            fields.append((a.name, kind, {}))  # msgspec makes a new one for each
        else:  # left out: made by the model's own factory, or shared if frozen
            factory = f"_factory_{name}_{a.name}"
            made = a.default.factory()
            _NAMESPACE[factory] = (
                (lambda made=made: made) if _unchangeable(made) else a.default.factory
            )
            fields.append((a.name, kind | msgspec.UnsetType, msgspec.UNSET))
            lines = [
                f"if {var} is _UNSET: {var} = {factory}()",
                "else:",
                *_indented(lines or ["pass"]),
            ]
        if lines:
            body.append(f"{var} = m.{a.name}")
            body.extend(lines)
            values.append(var)
        else:  # as msgspec gave it: read straight into the model
            values.append(f"m.{a.name}")
    mirror = msgspec.defstruct(
        f"_{name}Mirror",
        fields,
        kw_only=True,
        forbid_unknown_fields=True,
        rename={a.name: a.metadata[KEY] for a in attrs.fields(cls) if KEY in a.metadata} or None,
        gc=False,
    )
    _MIRRORS[cls] = mirror
    source = [
        f"def build_{name}(m):",
        *_indented(body),
        *_indented(fill_lines(cls, values, _NAMESPACE)),
        "    return o",
    ]
    # Our own generated source, as attrs and cattrs make theirs.
    _SOURCES[name] = "\n".join(source)
    exec(compile(_SOURCES[name], f"<valuecycles mirror {name}>", "exec"), _NAMESPACE)
    return mirror


_Readers = tuple[msgspec.json.Decoder[Any], type, Callable[[Any], Case]]
_made: list[_Readers] = []
_making = threading.Lock()


def _readers() -> _Readers:
    """The JSON decoder, the case's mirror and its builder, made once."""
    if not _made:
        with _making:  # two threads loading their first case make them once
            if not _made:
                mirror = _mirror(Case)
                _made.append((msgspec.json.Decoder(mirror), mirror, _NAMESPACE["build_Case"]))
    return _made[0]


def from_json(raw: bytes | str) -> Case | None:
    """The case in JSON bytes or text if it is plainly right, else None."""
    decoder, _, build = _readers()
    try:
        return build(decoder.decode(raw))
    except (msgspec.MsgspecError, ValueError, _Refused):  # not JSON, not UTF-8, not right
        return None


def from_data(data: object) -> Case | None:
    """The case in plain data (from YAML, TOML or Python) if plainly right, else None."""
    _, mirror, build = _readers()
    try:
        return build(msgspec.convert(data, mirror))
    except (msgspec.MsgspecError, ValueError, _Refused):
        return None


def item_reader(cls: type) -> Callable[[Any], Any]:
    """A function giving the model ``cls`` for plain data that is plainly right, else None.

    >>> import valuecycles as vc
    >>> read = item_reader(vc.Flow)
    >>> read({"from": "a", "to": "b"})
    Flow(from_='a', to='b', rationale=None, extra={})
    >>> read({"from": "a", "to": 3}) is None
    True
    """
    _readers()  # every model's mirror and builder are made with the case's
    mirror = _mirror(cls)
    build = _NAMESPACE[f"build_{cls.__name__}"]
    convert = msgspec.convert

    def read(item: object) -> Any:
        try:
            return build(convert(item, mirror))
        except (msgspec.MsgspecError, ValueError, _Refused):
            return None

    return read
