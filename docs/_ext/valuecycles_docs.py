"""A small Sphinx extension: pages generated from valuecycles' own data.

``framework.md`` is written from the package data at every build, so the
explanation of the framework can never drift from what the library ships.
"""

from __future__ import annotations

import argparse
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

import valuecycles


def _framework_page() -> str:
    framework = valuecycles.load_framework()
    lines = [
        "# The framework, cycle by cycle",
        "",
        "This page is generated from the data the library ships "
        "(`valuecycles.load_framework()`), so it always says what the code says. "
        f"It is the guide of framework `{framework.name}` (version {framework.version}): "
        f"{len(framework.cycles)} cycles, each planned in {len(framework.rounds)} rounds.",
        "",
        "| Cycle | Key | Role |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {c.name} | `{c.key}` | {c.role} |" for c in framework.cycles]
    lines.append("")
    lines.append(
        "The rounds: "
        + "; ".join(f"**{r.name}** (`{r.key}`): {r.description}" for r in framework.rounds)
        + "."
    )
    lines.append("")
    for cycle in framework.cycles:
        names = ", ".join(f"`{a}`" for a in cycle.aliases)
        also = f" (also {names})" if names else ""
        lines += [f"## {cycle.name}", "", f"Key `{cycle.key}`{also}, role *{cycle.role}*.", ""]
        lines += [cycle.description, ""]
        for number, rnd in enumerate(framework.rounds, start=1):
            guidance = framework.guidance(cycle.key, rnd.key)
            lines += [f"### {cycle.name}: {number}. {rnd.name}", ""]
            lines += ["Key questions:", ""]
            lines += [f"- {q}" for q in guidance.questions]
            lines += ["", f"{guidance.lead}", ""]
            lines += [f"- {e}" for e in guidance.examples]
            if guidance.open_ended:
                lines.append("- … (the community's own items)")
            lines.append("")
    return "\n".join(lines)


@contextmanager
def _columns(width: int) -> Iterator[None]:
    """Format argparse help at a fixed width, whatever the terminal."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _option_rows(parser: argparse.ArgumentParser) -> list[str]:
    formatter = parser._get_formatter()
    rows = ["| Argument | What it does |", "| --- | --- |"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            names = ", ".join(action.option_strings)
            if action.nargs != 0:
                names += " " + formatter._format_args(action, action.dest.upper())
        else:
            names = formatter._format_args(action, action.dest)
        help_text = formatter._expand_help(action) if action.help else ""
        if action.required and action.option_strings:
            help_text += " (required)"
        rows.append(f"| `{_cell(names)}` | {_cell(help_text)} |")
    return rows


def _subparsers(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((name, helps.get(name, ""), sub))
    return found


def _cli_page() -> str:
    from valuecycles.cli import build_parser

    with _columns(88):
        parser = build_parser()
        lines = [
            "# The command line",
            "",
            "This page is generated from the parser itself "
            "(`valuecycles.cli.build_parser()`) at every build, so it lists exactly the "
            "subcommands and options the installed `valuecycles` has. Every subcommand "
            "also answers `--help`.",
            "",
            "Exit codes: `0` success; `1` invalid input (a document with errors, a "
            "missing file, an unsupported format); `2` a usage error (an unknown option, "
            "a missing argument); `3` valuecycles itself failed (a bug; `validate` "
            "reports it as the problem `internal-error`, in its JSON too). Errors go to "
            "standard error; colour is used only on a terminal, and never when `NO_COLOR` is set.",
            "",
            "```text",
            parser.format_help().rstrip(),
            "```",
            "",
        ]
        for name, summary, sub in _subparsers(parser):
            lines += [f"## valuecycles {name}", ""]
            if summary:
                lines += [summary[0].upper() + summary[1:] + ".", ""]
            lines += ["```text", sub.format_usage().strip(), "```", ""]
            for para in (sub.description or "").split("\n\n"):
                if "\n" in para.strip("\n"):  # a list, as --help shows it
                    lines += ["```text", para.strip("\n"), "```", ""]
                elif para.strip():
                    lines += [" ".join(para.split()), ""]
            lines += _option_rows(sub)
            lines.append("")
            if sub.epilog:
                lines += ["```text", sub.epilog.strip("\n"), "```", ""]
    return "\n".join(lines)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _draw_example(case_path: Path, target: Path) -> None:
    """The picture of the how-to guides' case (the same bytes for the same case)."""
    graph = valuecycles.build_graph(valuecycles.load(case_path))
    buffer = io.BytesIO()
    graph.draw(buffer, format="svg")
    data = buffer.getvalue()
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)


_MODEL_ORDER = (
    "Case",
    "Community",
    "CyclePlan",
    "Aspiration",
    "Condition",
    "Indicator",
    "Measure",
    "DataSource",
    "Flow",
    "Observation",
    "Story",
    "Verification",
    "Step",
)


def _type_text(tp: Any) -> str:
    """A reader's name for a field's type: id, text, number, date, list of ..., one of ...."""
    import datetime
    import types
    import typing

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        check = getattr(args[1], "check", None)
        name = getattr(check, "__name__", "")
        return {"check_id": "id", "check_text": "text"}.get(name, _type_text(args[0]))
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if set(rest) == {int, float}:
            return "number"
        if set(rest) == {str, int, float}:
            return "number or text"
        return " or ".join(_type_text(a) for a in rest)
    if origin in (tuple, list):
        item = _type_text(args[0])
        return "list of " + {"story": "stories", "text": "texts"}.get(item, item + "s")
    if origin in (dict, typing.Mapping) or tp is dict:
        if args and args[0] is str and getattr(args[1], "__name__", "") == "CyclePlan":
            return "mapping of cycle key to cycle plan"
        return (
            "mapping of text to scalars"
            if args and args[1] is not str
            else "mapping of text to text"
        )
    if origin is not None and getattr(origin, "__name__", "") == "Mapping":
        return "mapping of cycle key to cycle plan"
    if tp is datetime.date:
        return "date (YYYY-MM-DD)"
    if tp is str:
        return "text"
    if tp is int:
        return "integer"
    if tp is bool:
        return "true or false"
    if isinstance(tp, type):
        return {"CyclePlan": "cycle plan", "DataSource": "data source"}.get(
            tp.__name__, tp.__name__.lower()
        )
    return str(tp)


def _case_fields_page() -> str:
    import typing

    import attrs

    from valuecycles._text import REQUIRED, document_key

    lines = [
        "<!-- generated from the models by docs/_ext/valuecycles_docs.py; do not edit -->",
        "",
    ]
    for name in _MODEL_ORDER:
        cls = getattr(valuecycles, name)
        hints = typing.get_type_hints(cls, include_extras=True)
        lines += [f"### {name}", ""]
        lines += ["| Key | Type | Required or default |", "| --- | --- | --- |"]
        for field in attrs.fields(cls):
            key = document_key(cls, field.name)
            default = field.default
            if field.metadata.get(REQUIRED) or default is attrs.NOTHING:
                note = "required"
            elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                made = default.factory()
                note = "empty" if made in ({}, (), []) else "all defaults"
            elif default is None:
                note = "optional"
            elif default == ():
                note = "empty"
            elif isinstance(default, bool):
                note = f"`{str(default).lower()}`"
            else:
                note = f"`{default}`"
            lines.append(f"| `{key}` | {_cell(_type_text(hints[field.name]))} | {note} |")
        lines.append("")
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(app: Sphinx) -> None:
    out = Path(app.srcdir) / "generated"
    out.mkdir(exist_ok=True)
    _write_if_changed(out / "framework.md", _framework_page())
    _write_if_changed(out / "cli.md", _cli_page())
    _write_if_changed(out / "case-fields.md", _case_fields_page())
    _draw_example(Path(app.srcdir) / "howto" / "nurses.yaml", out / "nurses-map.svg")
    _write_if_changed(out / "case-schema.json", _json(valuecycles.case_schema()))
    _write_if_changed(out / "framework-schema.json", _json(valuecycles.framework_schema()))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
