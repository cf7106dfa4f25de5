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

import yaml

from valuecycles.errors import Problem, join_path

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


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_date(loader: _Loader, node: yaml.ScalarNode) -> _dt.date | str:
    """A date; an impossible one stays text, so the loader reports it with its path."""
    text = str(loader.construct_scalar(node))
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


def _positions(node: yaml.Node, path: str, out: dict[str, tuple[int, int]]) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                child = join_path(path, str(key_node.value))
                out[child] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
                _positions(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _positions(item, join_path(path, i), out)


def parse_yaml(text: str, *, positions: bool = True) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Parse one YAML document; return the data and a map of path -> (line, column).

    Raises :class:`YamlProblem` for a syntax error, a duplicate key or an
    impossible date, with the line and column.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        where: dict[str, tuple[int, int]] = {}
        if positions:
            _positions(node, "$", where)
        return loader.construct_document(node), where
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
        raise YamlProblem(
            "syntax",
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
