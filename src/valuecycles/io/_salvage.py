"""Salvage: read what can be read of a document with structural errors.

When a document has structural problems (a wrong type, an unknown key, a
missing field), the whole-case checks (references, ids, cycles) still run on
what could be read, so a user sees every problem in one go. Each bad value is
replaced by a placeholder of the right type (or removed, where the field is
optional); only what still cannot be read takes its whole element out.
References to an element taken out are not reported again.
"""

from __future__ import annotations

import datetime as _dt
import re
import types
import typing
from collections.abc import Callable
from typing import Any, get_args, get_origin

import attrs

from valuecycles._text import KEY, REQUIRED
from valuecycles.errors import Problem, ValidationError
from valuecycles.io._convert import structure
from valuecycles.io._mirror import from_data
from valuecycles.model import Case

__all__ = ["ordered", "salvage"]

_ITEM = re.compile(r"^(.*\[\d+\])")
_CYCLE = re.compile(r"^(\$\.cycles\.[^.\[]+)")
_MISSING = object()


def _strip(t: Any) -> Any:
    """The plain type behind ``Annotated`` and ``X | None``."""
    while True:
        origin = get_origin(t)
        if origin is typing.Annotated:
            t = get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(t) if a is not type(None)]
            if len(args) != 1:
                return t
            t = args[0]
        else:
            return t


def _type_at(path: str) -> tuple[Any, bool]:
    """The declared type of the value at a document path, and whether it is required."""
    t: Any = Case
    required = True
    for name, index, quoted in _TOKEN.findall(path[1:]):
        t = _strip(t)
        key = name or (quoted[1:-1] if quoted else None)
        if index:
            args = get_args(t)
            if get_origin(t) is not tuple or not args:
                return Any, False
            t, required = args[0], True
        elif attrs.has(t) and key is not None:
            attrs.resolve_types(t)
            back = {a.metadata[KEY]: a.name for a in attrs.fields(t) if KEY in a.metadata}
            field = attrs.fields_dict(t).get(back.get(key, key))
            if field is None:
                return Any, False
            required = field.default is attrs.NOTHING or bool(field.metadata.get(REQUIRED))
            t = field.type
        elif get_origin(t) is dict:
            t, required = get_args(t)[1], True
        else:
            return Any, False
    return t, required


def _placeholder(t: Any) -> Any:
    """A value of type ``t`` that passes structuring, or ``_MISSING``."""
    t = _strip(t)
    origin = get_origin(t)
    if t is str:
        return _BROKEN
    if t is bool:
        return False
    if t in (int, float):
        return 0
    if t is _dt.date:
        return _dt.date(1970, 1, 1)
    if origin is typing.Literal:
        return get_args(t)[0]
    if origin in (typing.Union, types.UnionType):
        args = get_args(t)
        if str in args:
            return _BROKEN
        if int in args or float in args:
            return 0
    if origin is tuple:
        return []
    if origin is dict:
        return {}
    return _MISSING


#: The text that stands in for a bad value; problems that mention it are not reported.
_BROKEN = "\x00broken"


def _own(data: Any, path: str, copied: set[int]) -> None:
    """Make each container on the way to ``path`` a copy of our own, to edit.

    Only these are copied (a list as a list, even if it was a tuple): the
    rest of the document is shared with the caller's data and never changed.
    ``copied`` holds the ids of the copies made so far.
    """
    node = data
    for step in _steps(path)[:-1]:
        try:
            child = node[step]
        except (KeyError, IndexError, TypeError):
            return
        if id(child) not in copied:
            if isinstance(child, dict):
                child = dict(child)
            elif isinstance(child, list | tuple):
                child = list(child)
            else:
                return
            copied.add(id(child))
            node[step] = child
        node = child


def _patch(data: Any, problem: Problem, copied: set[int]) -> None:
    """Take one bad value out of ``data``: delete it, or put a placeholder in its place."""
    _own(data, problem.path, copied)
    parent, key = _locate(data, problem.path)
    t, required = _type_at(problem.path)
    if parent is None:
        if problem.code != "missing-field":
            return
        cut = max(problem.path.rfind("."), problem.path.rfind("["))
        holder, holder_key = _locate(data, problem.path[:cut])
        if holder is None:
            return
        parent, key = holder[holder_key], problem.path[cut + 1 :]
        if not isinstance(parent, dict):
            return
    if problem.code == "unknown-key" or (not required and not isinstance(key, int)):
        del parent[key]
        return
    value = _placeholder(t)
    if value is not _MISSING:
        parent[key] = value


def _structured(data: dict[str, Any]) -> Case:
    """The case in patched data: through msgspec when it takes it, else the converter."""
    case = from_data(data)
    return case if case is not None else structure(data, Case)


def salvage(
    data: dict[str, Any], problems: list[Problem]
) -> tuple[Case, set[str], Callable[[str], str]] | None:
    """Make a structurally valid case of what can be read of ``data``, for the whole-case checks.

    First each offending value is taken out (an unknown key deleted, a bad
    optional value removed, a bad id in a list replaced by a marker); what
    still fails takes its whole list item (or cycle) out. ``data`` itself is
    not changed: the containers on the way to each change are copied.
    Returns the case, the ids of the elements taken out (references to them
    are not reported again), and a function that maps a path in the case
    back to the document; ``None`` when the document cannot be salvaged.
    """
    data = dict(data)
    copied = {id(data)}
    for p in problems:
        _patch(data, p, copied)
    try:
        return _structured(data), {_BROKEN}, lambda path: path
    except ValidationError as exc:
        remaining = exc.errors
    removed: dict[str, list[int]] = {}
    broken = {_BROKEN}
    targets = set()
    for p in remaining:
        target = _salvage_path(p.path)
        if target is None:
            return None
        targets.add(target)
    for path in sorted(targets, key=lambda t: (t.count("["), t), reverse=True):
        _own(data, path, copied)
        parent, key = _locate(data, path)
        if parent is None:
            continue
        item = parent[key]
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            broken.add(item["id"])
        del parent[key]
        if isinstance(key, int):
            removed.setdefault(path[: path.rfind("[")], []).append(key)
    try:
        case = _structured(data)
    except ValidationError:
        return None
    for indices in removed.values():
        indices.sort()
    return case, broken, lambda path: _renumber(path, removed)


def _renumber(path: str, removed: dict[str, list[int]]) -> str:
    """Map a path in the salvaged copy back to the original document."""
    if not removed:
        return path
    out = "$"
    for name, index, quoted in _TOKEN.findall(path[1:]):
        if index:
            n = int(index)
            for r in removed.get(out, ()):
                if r <= n:
                    n += 1
            out = f"{out}[{n}]"
        elif name:
            out = f"{out}.{name}"
        else:
            out = f"{out}[{quoted}]"
    return out


def _salvage_path(path: str) -> str | None:
    """The element a structural problem makes unusable: a list item or a cycle."""
    match = _ITEM.match(path)
    if match:
        return match.group(1)
    match = _CYCLE.match(path)
    return match.group(1) if match else None


_TOKEN = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*')\]")


def _steps(path: str) -> list[str | int]:
    """The keys and indices of a document path, in order."""
    steps: list[str | int] = []
    for name, index, quoted in _TOKEN.findall(path[1:]):
        if name:
            steps.append(name)
        elif index:
            steps.append(int(index))
        else:
            steps.append(quoted[1:-1])
    return steps


def _locate(data: Any, path: str) -> tuple[Any, Any]:
    """The container holding the value at ``path`` and its key there; ``(None, None)``."""
    steps = _steps(path)
    node = data
    for step in steps[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None, None
    if not steps:
        return None, None
    last = steps[-1]
    try:
        node[last]
    except (KeyError, IndexError, TypeError):
        return None, None
    return node, last


def ordered(problems: list[Problem]) -> list[Problem]:
    """Problems in document order (by path, indices compared as numbers)."""

    def key(p: Problem) -> list[tuple[int, int | str]]:
        return [
            (0, int(index)) if index else (1, name or quoted)
            for name, index, quoted in _TOKEN.findall(p.path[1:])
        ]

    return sorted(problems, key=key)
