"""``valuecycles guide``: the guide as a worksheet, or a guided walk that writes a case."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from valuecycles.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    HelpFormatter,
    Style,
    framework_from_args,
)
from valuecycles.errors import UnknownKeyError, ValidationError, WalkError
from valuecycles.framework import Cycle, Framework, Guidance, Round
from valuecycles.io import add_to_document
from valuecycles.walk import (
    COMMANDS,
    Addition,
    Interviewer,
    LineInterviewer,
    Prompt,
    WalkResult,
)

EXAMPLES = """\
examples:
  valuecycles guide -o case.yaml                 walk the guide and write a new case
  valuecycles guide -o case.yaml --cycles immediate,applied
                                                 walk two cycles only
  valuecycles guide -o case.yaml < answers.txt   the walk from a script (one answer a line)
  valuecycles guide --print                      the whole guide as Markdown
  valuecycles guide --print immediate applied    two cycles only
  valuecycles guide --print > worksheet.md       a worksheet to fill in

the walk, on a terminal: it introduces itself, then for each cycle ("cycle 3
of 7") and round ("round 2 of 4") shows the key questions and numbered
example prompts; type a number to pick an example (then put it in your own
words: the example is there to edit, Enter keeps it) or type your own item,
one a line, and a blank line to go to the next round. After each item it
asks what the report needs (each answer optional, Enter skips): for a
condition, the aspirations it supports and whether it is a risk (and its
mitigation); for an indicator, the aspirations it signals, its unit,
direction, baseline and target; for a data source, the indicators it feeds,
its method, cadence and owner. At the end: which indicators lead to which in
the next cycle. Commands: skip (the rest of this cycle), done (on to the
flows, then finish), undo (take back the last item), ? (help). Arrow keys and
history work as in a shell. Ctrl-D or Ctrl-C ends the walk early and writes
what was given.

the walk, from a pipe or file (one answer a line): the same questions in the
same order (see 'Walk the guide' in the documentation): the community's
name; for each cycle and round, items one a line (a number picks that
example, and the next line is its own words, blank to keep it), each
followed by its details one a line, a blank line ending the round; at the
end the flows. The end of the input ends the walk; what was given is
written. With an existing FILE the first line is still read (so the same
answers work for a new file and an existing one) but the file's community
name is kept; new items are added after the file's own and nothing already
there is changed.
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "guide",
        help="walk the guide and write a case, or print it as a worksheet",
        description="The Value Creation Framework guide: for each cycle, its four rounds "
        "(aspirations, conditions, indicators, data) with the key questions and example "
        "prompts. With -o FILE, a guided walk through the cycles and rounds that writes "
        "(or adds to) a case file; with --print, or without -o, the guide as a Markdown "
        "worksheet.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "cycles",
        nargs="*",
        metavar="CYCLE",
        help="cycles to include, in the worksheet or the walk (all by default)",
    )
    parser.add_argument(
        "--print",
        dest="print_",
        action="store_true",
        help="print the guide as a Markdown worksheet",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="walk the guide and write the answers to this case file (.yaml, .json or "
        ".toml); an existing file gets the new items added",
    )
    parser.add_argument(
        "--cycles",
        dest="walk_cycles",
        action="append",
        default=[],
        metavar="CYCLE[,CYCLE...]",
        help="the same as CYCLE arguments, comma-separated (taken in the framework's order)",
    )
    parser.add_argument(
        "--framework",
        metavar="NAME_OR_FILE",
        help="a registered framework's name or a framework file (the guide's, or an "
        "existing case's, by default)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from valuecycles.framework import load_framework
    from valuecycles.worksheet import worksheet

    cycles = [*args.cycles, *(k.strip() for v in args.walk_cycles for k in v.split(","))]
    cycles = [k for k in cycles if k]
    if args.output:
        if args.print_:
            raise CommandError("choose one: --print or -o FILE", EXIT_USAGE)
        return _walk(args, cycles)
    framework = framework_from_args(args) or load_framework()
    try:
        text = worksheet(framework, cycles or None)
    except UnknownKeyError as exc:
        raise CommandError(str(exc)) from None
    sys.stdout.write(text)
    return EXIT_OK


def _walk(args: argparse.Namespace, cycles: list[str]) -> int:
    from valuecycles._text import format_for
    from valuecycles.walk import guided_walk

    path = Path(args.output)
    try:
        format_for(path)
    except ValidationError as exc:
        raise CommandError("", problems=exc.errors) from None
    framework = framework_from_args(args)
    case = None
    if path.exists():
        from valuecycles.cli._common import load_case

        case = load_case(str(path), args)
    interactive = sys.stdin.isatty()
    interviewer: Interviewer
    if interactive:
        _line_editing()
        interviewer = TerminalInterviewer(sys.stdout, existing=case is not None)
    else:
        interviewer = LineInterviewer(_lines(sys.stdin))
    try:
        result = guided_walk(interviewer, framework=framework, cycles=cycles or None, case=case)
    except UnknownKeyError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except WalkError as exc:
        raise CommandError(f"{exc}; nothing was written") from None
    if interactive:
        sys.stdout.write("\n")
    return _write(result, path, framework, existing=case is not None)


def _line_editing() -> None:
    """Arrow keys, history and editing for ``input()`` on a terminal (GNU readline or libedit)."""
    import contextlib

    with contextlib.suppress(ImportError):  # not on every platform (Windows)
        import readline  # noqa: F401 (importing it turns line editing on)


def _prefilled(default: str | None) -> Any:
    """A context in which ``input()`` starts with ``default`` typed, ready to edit."""
    import contextlib

    try:
        import readline
    except ImportError:
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def hook() -> Iterator[None]:
        if default:
            readline.set_startup_hook(lambda: readline.insert_text(default))
        try:
            yield
        finally:
            readline.set_startup_hook(None)

    return hook()


def _lines(stream: IO[str]) -> Iterator[str]:
    while True:
        line = stream.readline()
        if not line:
            return
        yield line


def _write(result: WalkResult, path: Path, framework: Framework | None, *, existing: bool) -> int:
    out = sys.stderr  # what was written is confirmed on standard error, as by every command
    style = Style(out)
    for note in result.notes:
        sys.stderr.write(f"valuecycles: note: {note}\n")
    if result.case is None:
        sys.stderr.write("valuecycles: no community name was given; nothing was written\n")
        return EXIT_INVALID
    counts = ", ".join(_count(n, key) for key, n in result.counts().items() if n)
    ended = ""
    if result.interrupted:
        ended = " (interrupted; what was given is kept)"
    elif not result.complete:
        ended = " (the input ended before the last round)"
    if existing:
        if not result.additions:
            out.write(f"{path}: nothing to add; the file is unchanged{ended}\n")
            return EXIT_OK
        _add_to_document(path, result)
        out.write(f"{path}: {style.green('added')} {counts}{ended}\n")
        return EXIT_OK
    from valuecycles.io import dump

    try:
        dump(result.case, path, framework=framework)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    what = counts or "the community only"
    out.write(f"{path}: {style.green('written')}, {what}{ended}\n")
    return EXIT_OK


_QUESTIONS: dict[str, str] = {
    "supports": "Which aspirations does {item!r} support (or, for a risk, threaten)?",
    "signals": "Which aspirations does {item!r} signal?",
    "feeds": "Which indicators does {item!r} feed?",
    "flows": "Which of these does {item!r} lead to?",
    "risk": "Is {item!r} a risk rather than an enabler? (y/N)",
    "mitigation": "How is the risk mitigated? (Enter to skip)",
    "unit": "Unit of {item!r} (hours, members, percent...; Enter to skip)",
    "direction": "Is higher better (increase) or lower (decrease)? (Enter to skip)",
    "baseline": "Baseline: a number and, if known, its date YYYY-MM-DD (Enter to skip)",
    "target": "Target: a number and, if known, its date YYYY-MM-DD (Enter to skip)",
    "method": "Method (survey, platform-log, register, interview...; Enter to skip)",
    "cadence": "Cadence (daily, weekly, monthly, quarterly, yearly; Enter to skip)",
    "owner": "Who collects it? (Enter to skip)",
    "edit": "In your own words (edit the example; Enter keeps it):",
}
_LABELS: dict[str, str] = {
    "supports": "aspirations",
    "signals": "aspirations",
    "feeds": "indicators",
}


class TerminalInterviewer(Interviewer):
    """The walk for a person at a terminal: the guide's text, numbered examples, prompts."""

    def __init__(self, out: IO[str], *, existing: bool = False) -> None:
        self.out = out
        self.style = Style(out)
        self.existing = existing
        self.width = max(40, min(100, _columns() - 2))
        self.cycles: tuple[str, ...] = ()
        self.rounds: tuple[str, ...] = ()

    def _say(self, text: str = "", indent: int = 0) -> None:
        if not text:
            self.out.write("\n")
            return
        pad = " " * indent
        for para in text.split("\n"):
            self.out.write(
                textwrap.fill(para, self.width, initial_indent=pad, subsequent_indent=pad) + "\n"
            )

    def begin_walk(self, cycles: Any, rounds: Any) -> None:
        self.cycles = tuple(c.key for c in cycles)
        self.rounds = tuple(r.key for r in rounds)
        self.out.write(self.style.bold("The guided walk") + "\n")
        self._say(
            f"{len(self.cycles)} cycle{'s' if len(self.cycles) != 1 else ''} of value, each in "
            f"{len(self.rounds)} rounds ({', '.join(r.name.lower() for r in rounds)}). In each "
            "round, pick the guide's examples by number or type your own items, one a line; "
            "a blank line goes on to the next round. After each item a few short questions "
            "make the report work (each can be left blank). At the end: which indicators lead "
            "to which in the next cycle."
        )
        self._say("Commands, typed instead of an item:")
        for word, what in COMMANDS.items():
            self._say(f"{word:>4}  {what}", 2)

    def begin_cycle(self, cycle: Cycle) -> None:
        self._say()
        number = self.cycles.index(cycle.key) + 1 if cycle.key in self.cycles else 0
        where = f"Cycle {number} of {len(self.cycles)}: " if number else ""
        self.out.write(self.style.bold(f"{where}{cycle.name.upper()}") + "\n")
        if cycle.description:
            self._say(cycle.description)

    def begin_round(self, cycle: Cycle, rnd: Round, guidance: Guidance) -> None:
        self._say()
        c = self.cycles.index(cycle.key) + 1 if cycle.key in self.cycles else 0
        r = self.rounds.index(rnd.key) + 1 if rnd.key in self.rounds else 0
        where = f" (cycle {c} of {len(self.cycles)}, round {r} of {len(self.rounds)})" if c else ""
        self.out.write(self.style.bold(f"{cycle.name}: {rnd.name}") + self.style.dim(where) + "\n")
        for question in guidance.questions:
            self._say(question, 2)
        if guidance.examples:
            self._say(guidance.lead or "Examples:", 2)
            for n, example in enumerate(guidance.examples, start=1):
                self._say(f"{n:>2}. {example}", 4)
        self.out.write(
            self.style.dim(
                "  A number picks an example; or type your own item; one a line. A blank line "
                "goes on. skip, done, undo, ? for help."
            )
            + "\n"
        )

    def begin_flows(self, earlier: Cycle, later: Cycle) -> None:
        self._say()
        self.out.write(self.style.bold(f"Flows: {earlier.name} -> {later.name}") + "\n")
        self._say(
            f"For each indicator of {earlier.name.lower()}: which indicators of "
            f"{later.name.lower()} does it lead to? Numbers or ids, comma-separated; Enter for "
            "none; skip for the next pair of cycles; done to finish.",
            2,
        )

    def help(self, prompt: Prompt) -> None:
        self._say("Commands:", 2)
        for word, what in COMMANDS.items():
            self._say(f"{word:>4}  {what}", 4)
        if prompt.kind == "item" and prompt.examples:
            self._say("Examples:", 2)
            for n, example in enumerate(prompt.examples, start=1):
                self._say(f"{n:>2}. {example}", 4)

    def ask(self, prompt: Prompt) -> str | None:
        default = None
        if prompt.kind == "community":
            if prompt.default is not None:
                self.out.write(f"Adding to the case of {self.style.bold(prompt.default)}.\n")
                return prompt.default
            label = "Community name: "
        elif prompt.kind == "item":
            label = f"{prompt.noun}> "
        elif prompt.kind in ("supports", "signals", "feeds", "flows"):
            self._say(
                _QUESTIONS[prompt.kind].format(item=prompt.item)
                + " (numbers or ids, comma-separated; Enter for none)",
                2,
            )
            for n, choice in enumerate(prompt.choices, start=1):
                self._say(f"{n:>2}. {choice.id}: {choice.text}", 4)
            if not prompt.choices:
                self._say(f"(no {prompt.noun} in this cycle yet; ids from other cycles work)", 4)
            label = f"{_LABELS.get(prompt.kind, prompt.noun)}> "
        else:
            self._say(_QUESTIONS.get(prompt.kind, prompt.kind).format(item=prompt.item), 2)
            label = f"{prompt.kind}> "
            default = prompt.default if prompt.kind == "edit" else None
        try:
            with _prefilled(default):
                return input(label)
        except EOFError:
            self.out.write("\n")
            return None

    def reject(self, prompt: Prompt, answer: str, message: str) -> None:
        self.out.write(f"  {self.style.yellow(message)}\n")

    def added(self, addition: Addition) -> None:
        self.out.write(self.style.dim(f"  + {addition.label}") + "\n")

    def removed(self, addition: Addition) -> None:
        self.out.write(self.style.dim(f"  - {addition.label} (taken back)") + "\n")


def _columns() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 80


def _add_to_document(path: Path, result: WalkResult) -> None:
    try:
        add_to_document(path, result.document_additions())
    except ValidationError as exc:
        raise CommandError("", problems=exc.errors) from None
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


_NOUNS = {
    "aspirations": ("aspiration", "aspirations"),
    "conditions": ("condition", "conditions"),
    "indicators": ("indicator", "indicators"),
    "data": ("data source", "data sources"),
    "flows": ("flow", "flows"),
}


def _count(n: int, round_key: str) -> str:
    one, many = _NOUNS.get(round_key, (round_key, round_key))
    return f"{n} {one if n == 1 else many}"
