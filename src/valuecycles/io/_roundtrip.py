"""Add items to a document a person wrote, keeping its comments, key order and formatting.

``valuecycles import`` and ``valuecycles guide -o FILE`` add observations or
plan items to an existing case file. Rewriting the file from the model would
drop the person's comments and reorder their keys, so the additions are made
on the file's own syntax tree instead: ruamel.yaml's round-trip mode for
YAML, tomlkit for TOML, and for JSON (which has no comments) the data
rewritten with the file's own indentation. Before anything is written, the
new text is read back with the library's strict reader and checked to hold
exactly the old data plus the additions; then it is written atomically.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from valuecycles._text import (
    decode_text,
    format_for,
    locked_file,
    needs_quotes,
    parse_text,
    read_bytes,
)
from valuecycles.errors import Problem, ValidationError, join_path
from valuecycles.io._convert import cycle_order

__all__ = ["Addition", "KeyPath", "add_to_document", "add_to_text"]

KeyPath = tuple[str | int, ...]
#: One addition: append ``item`` to the list at ``key_path`` (created if missing).
Addition = tuple[KeyPath, Mapping[str, Any]]

_BOM: Final = "\ufeff"

#: Where a key that is missing goes among its siblings: the order a dumped case has.
_KEY_ORDER: Final[dict[tuple[str, ...], tuple[str, ...]]] = {
    (): (
        "schema_version",
        "framework",
        "framework_version",
        "community",
        "cycles",
        "flows",
        "observations",
        "stories",
        "extra",
    ),
    ("cycles", "*"): ("aspirations", "conditions", "indicators", "data"),
}


def add_to_document(
    path: str | os.PathLike[str],
    additions: Sequence[Addition],
    *,
    output: str | os.PathLike[str] | None = None,
) -> None:
    """Append items to lists in a case file (or replace items), keeping the rest as it is.

    Each addition is ``(key_path, item)``: ``item`` (plain data, as
    :func:`~valuecycles.io.to_data` gives it) is appended to the list at
    ``key_path``, such as ``("cycles", "immediate", "aspirations")`` or
    ``("observations",)``; a key path that ends with an index, such as
    ``("observations", 4)``, replaces the item there instead;
    missing mappings and the list itself are created (a new cycle or round
    in the framework's order). Comments, key order, quoting and layout of
    the existing text are kept. The result goes to ``output`` (the file
    itself by default), written atomically; the format comes from the
    file's suffix. The file written is held with
    :func:`~valuecycles._text.locked_file` from before it is read until it
    is written, so two writers never lose each other's additions (a second
    one waits; ``file-busy`` after the timeout, ``file-changed`` if another
    program changed the file meanwhile).

    Raises :class:`~valuecycles.ValidationError` when the file cannot be
    read or a key path runs into something that is not a mapping or a list;
    nothing is written then.
    """
    source = Path(path)
    fmt = format_for(source)
    target = Path(output) if output is not None else source
    if target != source:
        raw = decode_text(read_bytes(source), os.fspath(source), keep_bom=True)
        text = add_to_text(raw, fmt, additions, source=os.fspath(source))
        with locked_file(target) as locked:
            locked.write(text)
        return
    with locked_file(source) as locked:
        raw = locked.read_text(keep_bom=True)
        text = add_to_text(raw, fmt, additions, source=os.fspath(source))
        locked.write(text)


def add_to_text(
    text: str, fmt: str, additions: Sequence[Addition], *, source: str | None = None
) -> str:
    """The text of a document with ``additions`` appended (see :func:`add_to_document`).

    >>> print(add_to_text("a: 1  # kept\\n", "yaml", [(("items",), {"id": "x"})]), end="")
    a: 1  # kept
    items:
      - id: x
    """
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    crlf = "\r\n" in body
    if crlf:
        body = body.replace("\r\n", "\n")
    try:
        before, _ = parse_text(body, fmt)
    except ValidationError as exc:
        raise ValidationError(exc.errors, source=source) from None
    if before is None:
        before = {}
    expected = _expected(before, additions, fmt, source)
    if fmt == "yaml":
        new = _add_yaml(body, additions, source)
    elif fmt == "toml":
        new = _add_toml(body, additions, source)
    else:
        new = _add_json(body, before, additions, source)
    after, _ = parse_text(new, fmt)
    if after != expected:  # pragma: no cover - a writer quirk; refuse rather than lose data
        raise ValidationError(
            [
                Problem(
                    "$",
                    "write-back",
                    "the additions could not be written without changing other values; "
                    "nothing was written",
                )
            ],
            source=source,
        )
    if crlf:
        new = new.replace("\n", "\r\n")
    return (_BOM if bom else "") + new


# --- the expected result, on plain data ------------------------------------------


def _plain(value: Any, fmt: str) -> Any:
    """An item as the format's reader gives it back (JSON has no dates)."""
    if isinstance(value, Mapping):
        return {k: _plain(v, fmt) for k, v in value.items() if not (fmt == "toml" and v is None)}
    if isinstance(value, list | tuple):
        return [_plain(v, fmt) for v in value]
    if fmt == "json" and isinstance(value, _dt.date):
        return value.isoformat()
    return value


def _problem(path: KeyPath, message: str, source: str | None) -> ValidationError:
    where = "$"
    for step in path:
        where = join_path(where, step)
    return ValidationError([Problem(where, "wrong-type", message)], source=source)


def _expected(before: Any, additions: Sequence[Addition], fmt: str, source: str | None) -> Any:
    data = _plain(before, "yaml")
    cycles = cycle_order(data.get("framework")) if isinstance(data, dict) else ()
    for key_path, item in additions:
        if not isinstance(data, dict):
            raise _problem((), "the document is not a mapping at the top", source)
        node: Any = data
        replaced = False
        for depth, step in enumerate(key_path):
            last = depth == len(key_path) - 1
            if isinstance(step, int):
                if not isinstance(node, list) or not -len(node) <= step < len(node):
                    raise _problem(key_path[: depth + 1], "no such item in a list", source)
                if last:  # an index last: the item there is replaced
                    node[step] = _plain(item, fmt)
                    replaced = True
                    break
                node = node[step]
                continue
            if not isinstance(node, dict):
                raise _problem(key_path[:depth], "expected a mapping here", source)
            if node.get(step) is None:
                order = cycles if key_path[:depth] == ("cycles",) else _order_for(key_path[:depth])
                fresh: Any = [] if last else {}
                if step in node:
                    node[step] = fresh
                else:
                    _insert_key(node, step, fresh, order)
            node = node[step]
        if replaced:
            continue
        if not isinstance(node, list):
            raise _problem(key_path, "expected a list here", source)
        node.append(_plain(item, fmt))
    return data


def _insert_key(node: dict[str, Any], key: str, value: Any, order: tuple[str, ...]) -> None:
    """Put a new key into a dict at its place in ``order`` (at the end if it has none)."""
    items = list(node.items())
    items.insert(_position([k for k, _ in items], key, order), (key, value))
    node.clear()
    node.update(items)


def _order_for(path: KeyPath) -> tuple[str, ...]:
    if not path:
        return _KEY_ORDER[()]
    if len(path) == 2 and path[0] == "cycles":
        return _KEY_ORDER[("cycles", "*")]
    return ()


def _position(keys: Sequence[Any], new: str, order: tuple[str, ...]) -> int:
    """Where ``new`` goes among ``keys``: before the first that comes after it in ``order``."""
    if new not in order:
        return len(keys)
    rank = order.index(new)
    for i, key in enumerate(keys):
        if key in order and order.index(key) > rank:
            return i
    return len(keys)


# --- YAML ----------------------------------------------------------------------------


#: Characters a block or plain scalar cannot carry exactly: written double-quoted, escaped.
_ESCAPE: Final = re.compile(
    "[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _guess_indent(text: str, root: Any) -> tuple[int, int, int]:
    """The file's (mapping, sequence, offset) indentation, for ruamel's emitter.

    Measured on the first nested block mapping and block sequence of the
    file; the library's own layout where there is none.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    lines = text.split("\n")

    def dash_column(line_no: int, content_col: int) -> int:
        line = lines[line_no] if line_no < len(lines) else ""
        col = line.rfind("-", 0, content_col)
        return col if col >= 0 else max(content_col - 2, 0)

    stack: list[Any] = [root]
    while stack and (mapping is None or sequence is None):
        node = stack.pop(0)
        if isinstance(node, CommentedMap):
            if node.fa.flow_style():
                continue
            for key, value in node.items():
                key_line, key_col = node.lc.key(key)
                if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
                    first = next(iter(value))
                    line, col = value.lc.key(first)
                    if mapping is None and line > key_line:
                        mapping = col - key_col
                elif isinstance(value, CommentedSeq) and value and not value.fa.flow_style():
                    line, col = value.lc.item(0)
                    if sequence is None and line > key_line:
                        dash = dash_column(line, col)
                        sequence = (col - key_col, dash - key_col)
                stack.append(value)
        elif isinstance(node, CommentedSeq):
            stack.extend(node)
    m = mapping if mapping and mapping > 0 else 2
    s, o = sequence if sequence and sequence[0] > sequence[1] >= 0 else (m + 2, m)
    return m, max(s, o + 2), o


def _yaml_value(value: Any, *, top: bool) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if isinstance(value, str):
        if _ESCAPE.search(value):
            # Control characters, and line breaks besides \n: escaped, to be exact.
            return DoubleQuotedScalarString(value)
        if "\n" in value:
            return LiteralScalarString(value)
        return SingleQuotedScalarString(value) if needs_quotes(value) else value
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[_yaml_value(key, top=False)] = _yaml_value(item, top=False)
        _set_flow(out, flow=not top and _flat(value))
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq([_yaml_value(item, top=False) for item in value])
        _set_flow(seq, flow=_flat(value))
        return seq
    return value


def _flat(value: Any) -> bool:
    """Whether a container can be written on one line: no line breaks inside."""
    if isinstance(value, str):
        return "\n" not in value
    if isinstance(value, Mapping):
        return all(_flat(k) and _flat(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_flat(v) for v in value)
    return True


def _set_flow(node: Any, *, flow: bool) -> None:
    if flow:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()


def _represent_float(representer: Any, value: float) -> Any:
    """A float as the file wrote it where ruamel can, else exactly (ruamel may drop digits)."""
    from ruamel.yaml.representer import RoundTripRepresenter

    node = RoundTripRepresenter.represent_scalar_float(representer, value)
    try:
        same = float(node.value.replace("_", "")) == float(value)
    except ValueError:
        same = False
    if same:
        return node
    text = repr(float(value))
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _add_yaml(text: str, additions: Sequence[Addition], source: str | None) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarfloat import ScalarFloat

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 1 << 16
    rt.representer.add_representer(ScalarFloat, _represent_float)
    root = rt.load(text)
    if root is None:
        root = CommentedMap()
    mapping, sequence, offset = _guess_indent(text, root)
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    cycles = cycle_order(root.get("framework")) if isinstance(root, Mapping) else ()
    for key_path, item in additions:
        node: Any = root
        replaced = False
        for depth, step in enumerate(key_path):
            last = depth == len(key_path) - 1
            if isinstance(step, int):
                if last:  # replace the item, keeping the comments around it
                    node[step] = _yaml_value(item, top=True)
                    replaced = True
                    break
                node = node[step]
                continue
            child = node.get(step)
            if child is None:
                child = CommentedSeq() if last else CommentedMap()
                child.fa.set_block_style()
                order = cycles if key_path[:depth] == ("cycles",) else _order_for(key_path[:depth])
                node.insert(_position(list(node), step, order), step, child)
            elif isinstance(child, CommentedMap | CommentedSeq) and not child:
                child.fa.set_block_style()
            node = child
        if replaced:
            continue
        if isinstance(node, CommentedSeq) and node.fa.flow_style():
            node.fa.set_block_style()
        node.append(_yaml_value(item, top=True))
    out = io.StringIO()
    rt.dump(root, out)
    return out.getvalue()


# --- TOML ----------------------------------------------------------------------------


def _toml_value(value: Any) -> Any:
    import tomlkit

    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for key, item in value.items():
            if item is not None:
                table[key] = _toml_value(item)
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for item in value:
            array.append(_toml_value(item))
        return array
    return value


def _toml_table(item: Mapping[str, Any]) -> Any:
    import tomlkit

    table = tomlkit.table()
    for key, value in item.items():
        if value is not None:
            table[key] = _toml_value(value)
    table.add(tomlkit.nl())
    return table


def _add_toml(text: str, additions: Sequence[Addition], source: str | None) -> str:
    import tomlkit
    from tomlkit.items import AoT, Array, InlineTable

    doc = tomlkit.parse(text)
    for key_path, item in additions:
        node: Any = doc
        replaced = False
        for depth, step in enumerate(key_path):
            last = depth == len(key_path) - 1
            if isinstance(step, int):
                if last:  # replace the item in its place
                    new = _toml_table(item) if isinstance(node, AoT) else _toml_value(item)
                    node[step] = new
                    replaced = True
                    break
                node = node[step]
                continue
            child = node.get(step)
            if isinstance(child, InlineTable) and not child and not isinstance(node, InlineTable):
                # An empty ``potential = {}``: a table now, so its lists can be tables too.
                del node[step]
                child = None
            if child is None or (isinstance(child, Array) and not child and last):
                if isinstance(node, InlineTable):
                    # Inside an inline table everything stays inline.
                    node[step] = tomlkit.array() if last else tomlkit.inline_table()
                else:
                    if node is doc:
                        _blank_line_at_end(doc)
                    if step in node:
                        del node[step]
                    node[step] = tomlkit.aot() if last else tomlkit.table(is_super_table=True)
            node = node[step]
        if replaced:
            continue
        if isinstance(node, AoT):
            node.append(_toml_table(item))
        elif isinstance(node, Array):
            inline = _toml_value(item)
            assert isinstance(inline, InlineTable)
            node.append(inline)
        else:  # pragma: no cover - _expected has checked the shape
            raise _problem(key_path, "expected a list here", source)
    out = tomlkit.dumps(doc)
    return out.rstrip("\n") + "\n" if text.endswith("\n") else out


def _blank_line_at_end(doc: Any) -> None:
    import tomlkit
    from tomlkit.items import AoT, Table, Whitespace

    body = doc.body
    if not body:
        return
    last = body[-1][1]
    if isinstance(last, AoT) and last.body:
        last = last.body[-1]
    if isinstance(last, Table):
        inner = last.value.body
        if inner and isinstance(inner[-1][1], Whitespace):
            return
        last.add(tomlkit.nl())
    elif not isinstance(last, Whitespace):
        doc.add(tomlkit.nl())


# --- JSON ----------------------------------------------------------------------------

_INDENT = re.compile(r"^[\[{]\s*\n([ \t]+)\S", re.MULTILINE)


def _add_json(text: str, before: Any, additions: Sequence[Addition], source: str | None) -> str:
    data = _expected(before, additions, "json", source)
    match = _INDENT.search(text.lstrip())
    indent: str | int | None = match.group(1) if match else None
    if isinstance(indent, str) and set(indent) == {" "}:
        indent = len(indent)
    out = json.dumps(data, indent=indent, ensure_ascii=False)
    return out + ("\n" if text.endswith("\n") or not text else "")
