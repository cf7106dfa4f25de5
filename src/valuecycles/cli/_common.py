"""What every subcommand shares: exit codes, output, colour, reading a case."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final

import orjson

from valuecycles.errors import Problem, ValidationError
from valuecycles.framework import Framework
from valuecycles.model import Case

#: What a progress bar yields: ``update(done, total, what)``.
Progress = Callable[[int, "int | None", str], None]

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "CommandError",
    "HelpFormatter",
    "Style",
    "add_framework_option",
    "definitions",
    "emit_json",
    "framework_from_args",
    "framework_hint",
    "iso_date",
    "load_case",
    "print_problems",
    "progress_bar",
    "table",
    "wrote",
]

#: Problem codes about a file as a whole (it is missing or cannot be read), not its text.
FILE_CODES: Final = frozenset({"file-not-found", "unreadable"})

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2


class CommandError(Exception):
    """A failure to report on stderr, with the exit code to end with."""

    def __init__(
        self,
        message: str,
        code: int = EXIT_INVALID,
        problems: Iterable[Problem] = (),
        warnings: Iterable[Problem] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)


class Style:
    """ANSI colour for a stream, only on a terminal and never with ``NO_COLOR``."""

    def __init__(self, stream: IO[str]) -> None:
        self.enabled = (
            hasattr(stream, "isatty")
            and stream.isatty()
            and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb"
        )

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def yellow(self, text: str) -> str:
        return self._wrap("33", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def emit_json(data: Any, stream: IO[str] | None = None) -> None:
    """Print data as indented JSON (dates as ISO strings)."""
    out = stream or sys.stdout
    out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n")


def printable(data: Any) -> Any:
    """Data with every text valid UTF-8 (a lone surrogate written as its escape), so that
    its JSON can always be written."""
    if isinstance(data, str):
        return data if data.isascii() else data.encode("utf-8", "backslashreplace").decode()
    if isinstance(data, dict):
        return {printable(k): printable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [printable(v) for v in data]
    return data


def print_problems(
    problems: Iterable[Problem],
    warnings: Iterable[Problem] = (),
    *,
    source: str | None = None,
    stream: IO[str] | None = None,
) -> None:
    """Print errors and warnings, one a line, with where they are."""
    out = stream or sys.stderr
    style = Style(out)
    prefix = f"{source}: " if source else ""
    for p in problems:
        out.write(prefix + _line(p, style, "error"))
    for p in warnings:
        out.write(prefix + _line(p, style, "warning"))


def _where(p: Problem) -> str:
    if p.line is None:
        return p.path
    col = f":{p.column}" if p.column is not None else ""
    return f"line {p.line}{col} {p.path}"


def _line(p: Problem, style: Style, kind: str) -> str:
    """One problem as a line: where it is (none for a whole file), what, its code."""
    label = style.red("error") if kind == "error" else style.yellow("warning")
    if p.path == "$" and p.line is None:  # the whole file: its message says it in words
        return f"{label}: {p.message} [{p.code}]\n"
    return f"{label}: {_where(p)}: {p.message} [{p.code}]\n"


def add_framework_option(parser: argparse.ArgumentParser) -> None:
    """The ``--framework`` option every subcommand that reads a case takes."""
    parser.add_argument(
        "--framework",
        metavar="NAME_OR_FILE",
        help="a registered framework's name or a framework file (TOML, YAML or JSON) to "
        "read the case against, instead of the one the case names",
    )


def framework_from_args(args: argparse.Namespace) -> Framework | None:
    """The framework that ``--framework`` names, or ``None``; registered if from a file.

    Resolved once per command: the result is kept on ``args``, so a command
    that asks twice (to load the case, then to write it) reads a file once.
    """
    value = getattr(args, "framework", None)
    if not value:
        return None
    kept = getattr(args, "_framework_resolved", None)
    if kept is not None and kept[0] == value:
        return kept[1]  # type: ignore[no-any-return]
    from valuecycles.errors import UnknownFrameworkError
    from valuecycles.framework import (
        FRAMEWORK_SUFFIXES,
        load_framework,
        register_framework,
    )

    is_file = value.lower().endswith(FRAMEWORK_SUFFIXES) or os.sep in value
    try:
        framework = load_framework(Path(value) if is_file else value)
    except ValidationError as exc:
        raise CommandError(f"the framework file {value} has errors", problems=exc.errors) from None
    except (UnknownFrameworkError, RuntimeError) as exc:  # RuntimeError: a broken plugin
        raise CommandError(str(exc)) from None
    if is_file:
        register_framework(framework, replace=True)
    args._framework_resolved = (value, framework)
    return framework


def framework_hint(problems: Iterable[Problem]) -> str:
    """A hint for a case that names a framework that is not installed, else ``""``."""
    if any(p.code == "unknown-framework" for p in problems):
        return (
            "hint: for a framework that is not installed, give its file with "
            "--framework FILE (TOML, YAML or JSON)"
        )
    return ""


def load_case(path: str, args: argparse.Namespace) -> Case:
    """Read and validate a case, turning problems into a :class:`CommandError`."""
    from valuecycles.io import load

    framework = framework_from_args(args)
    try:
        return load(path, framework=framework)
    except ValidationError as exc:
        if exc.errors and all(p.code in FILE_CODES for p in exc.errors):
            raise CommandError(exc.errors[0].message) from None  # no such file: plain words
        hint = framework_hint(exc.errors)
        raise CommandError(
            f"{path} is not a valid case" + (f"\n{hint}" if hint else ""),
            problems=exc.errors,
            warnings=exc.warnings,
        ) from None


def wrote(path: object, detail: str = "") -> None:
    """Confirm a written file on standard error: ``wrote PATH`` (and what, if said)."""
    sys.stderr.write(f"wrote {path}{f' ({detail})' if detail else ''}\n")


def iso_date(text: str) -> _dt.date:
    """An argparse ``type`` for dates such as ``--as-of``: ``YYYY-MM-DD`` only."""
    from valuecycles._text import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def table(
    header: Sequence[str], rows: Iterable[Sequence[str]], style: Style, right: Iterable[int] = ()
) -> str:
    """Aligned plain-text columns under a bold header; the columns in ``right`` set right.

    >>> import io
    >>> print(table(["id", "n"], [["a", "10"], ["bb", "2"]], Style(io.StringIO()), {1}), end="")
    id   n
    a   10
    bb   2
    """
    rows = list(rows)
    right = set(right)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    last = len(header) - 1

    def line(cells: Sequence[str], head: bool = False) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            text = cell.rjust(w) if i in right else cell if i == last else cell.ljust(w)
            out.append(style.bold(text) if head else text)
        return "  ".join(out).rstrip()

    return "\n".join([line(header, head=True), *(line(r) for r in rows)]) + "\n"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help whose one-line paragraphs are wrapped to the terminal.

    A paragraph of several lines (examples, lists, notes already wrapped)
    is kept as written.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for para in text.split("\n\n"):
            if "\n" in para.strip("\n") or para.startswith(" "):
                paragraphs.append(textwrap.indent(para, indent))
            else:
                paragraphs.append(
                    textwrap.fill(para, width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n\n".join(paragraphs)


def definitions(items: Iterable[tuple[str, str]], width: int = 78) -> str:
    """Names and what they mean, one a line, the meanings aligned and wrapped, for help text.

    >>> print(definitions([("gaps", "the holes in the plan"), ("coverage", "rounds")]))
      gaps      the holes in the plan
      coverage  rounds
    """
    items = list(items)
    column = 2 + max(len(name) for name, _ in items) + 2
    lines = []
    for name, text in items:
        lines += textwrap.wrap(
            text,
            width,
            initial_indent=f"  {name}".ljust(column),
            subsequent_indent=" " * column,
        )
    return "\n".join(lines)


@contextmanager
def progress_bar(name: str, total: int | None = None) -> Iterator[Progress | None]:
    """A rich progress bar on stderr while ``name`` runs, on a terminal only (else None).

    It yields ``update(done, total, what)``. No refresh thread runs, so worker
    processes may be forked meanwhile; ``NO_COLOR`` and a dumb terminal are honoured.
    """
    if not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield None
        return
    try:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn
        from rich.progress import Progress as Bar
    except ImportError:
        yield None
        return
    console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task(name, total=total)

        def update(done: int, total: int | None, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what[:40])
            bar.refresh()

        yield update
