"""A small Sphinx extension: pages generated from valuecycles' own data.

``framework.md`` is written from the package data at every build, so the
explanation of the framework can never drift from what the library ships.
"""

from __future__ import annotations

import argparse
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
        lines += [f"## {cycle.name}", "", f"Key `{cycle.key}`, role *{cycle.role}*.", ""]
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
            "a missing argument). Errors go to standard error; colour is used only on a "
            "terminal, and never when `NO_COLOR` is set.",
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
            if sub.description:
                lines += [" ".join(sub.description.split()), ""]
            lines += _option_rows(sub)
            lines.append("")
            if sub.epilog:
                lines += ["```text", sub.epilog.strip("\n"), "```", ""]
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(app: Sphinx) -> None:
    out = Path(app.srcdir) / "generated"
    out.mkdir(exist_ok=True)
    _write_if_changed(out / "framework.md", _framework_page())
    _write_if_changed(out / "cli.md", _cli_page())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
