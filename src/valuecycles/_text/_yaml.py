"""A strict, safe YAML loader on PyYAML (its C parser where available).

It follows YAML 1.2's core schema where YAML 1.1 surprises people: only
``true``/``false`` are booleans (``no``, ``yes``, ``on``, ``off`` stay text),
``12:30`` is text (no base-60 numbers), ``1_000`` is text. ``YYYY-MM-DD`` is a
date; an impossible one (``2026-13-45``) is read as text, which the case
loader then reports as an invalid date with its path and line. A key
given twice in one mapping is an error at the second one. The loader records
the line and column of every value so problems can point into the file.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, ClassVar

import attrs
import yaml

from valuecycles._text._limits import INT_RANGE, LIMITS, out_of_range
from valuecycles.errors import Problem, ValidationError, join_path

__all__ = ["YamlProblem", "dump_yaml", "needs_quotes", "parse_yaml"]

_BaseLoader: type[yaml.SafeLoader]
try:
    _BaseLoader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_BaseDumper: type[yaml.SafeDumper]
try:
    _BaseDumper = yaml.CSafeDumper  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _BaseDumper = yaml.SafeDumper


_STR_TAG = "tag:yaml.org,2002:str"


class YamlProblem(Exception):
    """A problem found while reading YAML, with its place in the file."""

    def __init__(self, code: str, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.problem = Problem("$", code, message, line=line, column=column)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_DATE = re.compile(r"^\d{4}-\d\d?-\d\d?$")

for tag, pattern, first in (
    ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
    ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
    ("tag:yaml.org,2002:float", _FLOAT, "-+0123456789."),
    ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp", _DATE, "0123456789"),
):
    _Loader.add_implicit_resolver(tag, pattern, list(first))


def _not_a(what: str, text: str, node: yaml.Node) -> YamlProblem:
    """A value tagged explicitly (``!!int abc``) that is not what its tag says."""
    mark = node.start_mark
    shown = text if len(text) <= 40 else text[:40] + "..."
    return YamlProblem("syntax", f"{shown!r} is not {what}", mark.line + 1, mark.column + 1)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if len(text) > 40:  # past 64 bits, reported by the survey; never a 4,300-digit int()
        raise _not_a("an integer of 64 bits", text, node)
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    except ValueError:
        raise _not_a("an integer", text, node) from None


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise _not_a("a number", text, node) from None


def _construct_date(loader: _Loader, node: yaml.ScalarNode) -> _dt.date | str:
    """A date; an impossible one stays text, so the loader reports it with its path."""
    text = str(loader.construct_scalar(node))
    if not _DATE.match(text):
        raise _not_a("a date (YYYY-MM-DD)", text, node)
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return text


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            mark = key_node.start_mark
            raise YamlProblem(
                "syntax", "a mapping key must be a plain value", mark.line + 1, mark.column + 1
            ) from None
        if key in out:
            mark = key_node.start_mark
            raise YamlProblem(
                "duplicate-key",
                f"the key {key!r} is given twice in the same mapping",
                mark.line + 1,
                mark.column + 1,
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_INT_TAG = "tag:yaml.org,2002:int"
#: The tags this reader constructs; any other (``!!binary``, ``!!set``,
#: ``!!merge``, an application's own) is refused with its place.
_TAGS = frozenset(
    {
        _STR_TAG,
        _MAP_TAG,
        _SEQ_TAG,
        _INT_TAG,
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)
_KEY_KINDS = {
    "tag:yaml.org,2002:null": "null",
    _INT_TAG: "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:timestamp": "a date",
}
_EXIT: Any = object()
_COLLECTIONS = {_MAP_TAG: yaml.MappingNode, _SEQ_TAG: yaml.SequenceNode}


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _problem(code: str, path: str, message: str, node: yaml.Node) -> Problem:
    line, column = _at(node)
    return Problem(path, code, message, line=line, column=column)


def _int_in_range(text: str) -> bool:
    if not _INT.match(text):
        return True  # not an integer at all: the constructor says so
    digits = text.lstrip("+-")
    if digits.startswith(("0x", "0o")):
        value = int(digits[2:], 16 if digits[1] == "x" else 8) if len(digits) < 40 else 2**64
    else:
        digits = digits.lstrip("0")
        value = int(digits or "0") if len(digits) < 40 else 2**64
    if text.startswith("-"):
        value = -value
    low, high = INT_RANGE
    return low <= value <= high


class _Revisited(Exception):
    """A node met twice: the document has aliases, so walk it again with care."""


def _survey(root: yaml.Node, positions: bool) -> tuple[dict[str, tuple[int, int]], list[Problem]]:
    """Where each path is, and what breaks the limits, before anything is constructed.

    One iterative walk over the composed nodes: nesting past the limit,
    values that aliases would add past their budget, an alias inside
    itself, keys that are not text, tags this reader does not construct,
    integers past 64 bits. The work is bounded by the document's size plus
    the alias budget, however the aliases nest. A document without aliases
    (almost every one) takes a quicker walk that does not track which
    nodes are open; the first node met twice sends it to the careful one.
    """
    try:
        return _walk(root, positions, careful=False)
    except _Revisited:
        return _walk(root, positions, careful=True)


def _scalar_problem(node: Any, tag: str, path: str) -> Problem | None:
    if tag not in _TAGS:
        return _problem("syntax", path, f"the tag {tag!r} is not supported here", node)
    if tag == _INT_TAG and len(node.value) > 18 and not _int_in_range(node.value):
        shown = node.value if len(node.value) <= 30 else node.value[:30] + "..."
        line, column = _at(node)
        return attrs.evolve(out_of_range(path, shown), line=line, column=column)
    return None


def _walk(
    root: yaml.Node, positions: bool, *, careful: bool
) -> tuple[dict[str, tuple[int, int]], list[Problem]]:
    where: dict[str, tuple[int, int]] = {}
    problems: list[Problem] = []
    max_depth = LIMITS.max_depth
    budget = LIMITS.max_alias_nodes
    seen: set[int] = set()
    open_nodes: set[int] = set()
    added = 0
    mark = root.start_mark
    if positions:
        where["$"] = (mark.line + 1, mark.column + 1)
    tag = root.tag
    if tag != _MAP_TAG and tag != _SEQ_TAG:
        found = _scalar_problem(root, tag, "$")
        return where, [] if found is None else [found]
    # (node, path, depth, inside an alias); _EXIT closes a node (careful walk only).
    stack: list[tuple[Any, str, int, bool]] = [(root, "$", 0, False)]
    str_tag, map_tag, seq_tag = _STR_TAG, _MAP_TAG, _SEQ_TAG
    while stack:
        node, path, depth, aliased = stack.pop()
        if node is _EXIT:
            open_nodes.discard(depth)
            continue
        tag = node.tag
        if not isinstance(node, _COLLECTIONS[tag]):
            problems.append(_problem("syntax", path, f"the tag {tag!r} does not fit here", node))
            continue
        ident = id(node)
        if ident in open_nodes:
            problems.append(
                _problem(
                    "recursive-alias", path, "an alias here refers to a value that holds it", node
                )
            )
            continue
        if depth >= max_depth:
            problems.append(
                _problem(
                    "too-deep",
                    path,
                    f"mappings and lists nest more than {max_depth} levels deep here",
                    node,
                )
            )
            continue
        if ident in seen:
            if not careful:
                raise _Revisited
            aliased = True
        else:
            seen.add(ident)
        if careful:
            open_nodes.add(ident)
            stack.append((_EXIT, "", ident, False))
        children: list[tuple[Any, str, int, bool]] = []
        if tag == map_tag:
            pairs: Any = node.value
        else:
            pairs = enumerate(node.value)
        for key, child in pairs:
            at = child  # where the value's problems point: a key's own line, an item's
            if tag == map_tag:
                at = key
                if key.tag != str_tag or not isinstance(key, yaml.ScalarNode):
                    kind = _KEY_KINDS.get(key.tag, "not a text")
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "..."
                    problems.append(
                        _problem(
                            "wrong-type",
                            join_path(path, shown),
                            f"the key {shown!r} is {kind}; a key must be text "
                            f"(quote it: '{shown}')",
                            key,
                        )
                    )
                    continue
                key = key.value
            child_path = join_path(path, key)
            if aliased:
                added += 1
                if added > budget:
                    problems.append(
                        _problem(
                            "too-many-aliases",
                            child_path,
                            f"aliases here repeat more than {budget:,} values; "
                            "write the values out or use fewer aliases",
                            child,
                        )
                    )
                    return where, problems
            if positions:
                mark = at.start_mark
                where[child_path] = (mark.line + 1, mark.column + 1)
            child_tag = child.tag
            if child_tag == str_tag:
                continue
            if child_tag in (map_tag, seq_tag):
                children.append((child, child_path, depth + 1, aliased))
                continue
            found = _scalar_problem(child, child_tag, child_path)
            if found is not None:
                problems.append(found)
        stack.extend(reversed(children))
    return where, problems


def parse_yaml(text: str, *, positions: bool = True) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Parse one YAML document; return the data and a map of path -> (line, column).

    Raises :class:`YamlProblem` for a syntax error, a duplicate key or an
    impossible date, with the line and column, and
    :class:`~valuecycles.errors.ValidationError` with every problem when the
    document passes a limit (nesting, aliases, a key that is not text, an
    integer past 64 bits).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        where, problems = _survey(node, positions)
        if problems:
            raise ValidationError(problems)
        return loader.construct_document(node), where
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
        code = "too-deep" if "maximum nesting depth" in message else "syntax"
        raise YamlProblem(
            code,
            f"not valid YAML: {message}",
            None if mark is None else mark.line + 1,
            None if mark is None else mark.column + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("syntax", f"not valid YAML: {exc}", None, None) from None
    finally:
        loader.dispose()


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    pass


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if style is None and _Loader.resolve(_Loader, yaml.ScalarNode, value, (True, False)) != (
        "tag:yaml.org,2002:str"
    ):
        # Text that this library's YAML 1.2 reader would take for a number (1e5, 0o17).
        style = "'"
    node: yaml.ScalarNode = dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)
    return node


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data: keys in the given order, block style, UTF-8 text.

    Strings that YAML 1.1 readers would take for something else (``no``,
    ``12:30``) are quoted, so any YAML reader reads back the same values.
    """
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
        indent=2,
    )


def needs_quotes(value: str) -> bool:
    """Whether a text must be quoted so that YAML 1.2 and 1.1 readers both read a text.

    >>> needs_quotes("no"), needs_quotes("12"), needs_quotes("plain words")
    (True, True, False)
    """
    implicit = (True, False)
    loaders: tuple[Any, ...] = (_Loader, yaml.SafeLoader)
    return any(
        loader.resolve(loader, yaml.ScalarNode, value, implicit) != _STR_TAG for loader in loaders
    )
