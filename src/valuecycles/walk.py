"""The guided walk: the guide's cycles and rounds asked one by one, turned into a case.

A facilitator runs the guide in a workshop cycle by cycle and round by round:
for each round the group reads the key questions and the example prompts,
picks examples (and puts them in its own words) or names its own items, and
says what each item needs for the report to work: which aspirations a
condition supports (and whether it is a risk), an indicator's aspirations,
unit, direction, baseline and target, a data source's indicators, method,
cadence and owner; at the end, which indicators lead to which in the next
cycle. The walk does the same through an :class:`Interviewer`, which asks
the questions and returns the answers. The walk knows nothing of terminals:
the command line supplies an interviewer that talks to a person, and
:class:`LineInterviewer` reads the line protocol (one answer a line) that
scripts and tests use; :data:`PROTOCOL` describes it.

>>> import valuecycles as vc
>>> lines = ["Evaluators", "quick answers", "", "", "1", "", "quick-answers",
...          "hours", "decrease", "60 2026-01-01", "24 2026-12-31", "", ""]
>>> result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"])
>>> [a.element.id for a in result.additions]
['quick-answers', 'levels-of-attendance-participation-and-commitment']
>>> indicator = result.case.plan("immediate").indicators[0]
>>> indicator.signals, indicator.unit, indicator.direction, indicator.target.value
(('quick-answers',), 'hours', 'decrease', 24)
"""

from __future__ import annotations

import abc
import contextlib
import datetime as _dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, Literal

import attrs

from valuecycles._text import make_id
from valuecycles.errors import WalkError

# The one private name the walk needs: the framework a case names, its version checked.
from valuecycles.framework import Cycle, Framework, Guidance, Round, case_framework, load_framework
from valuecycles.model import (
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Flow,
    Indicator,
    Measure,
)

__all__ = [
    "COMMANDS",
    "PROTOCOL",
    "Addition",
    "Choice",
    "Interviewer",
    "LineInterviewer",
    "Prompt",
    "WalkResult",
    "clean_text",
    "guided_walk",
    "make_id",
]

PromptKind = Literal[
    "community",
    "item",
    "edit",
    "supports",
    "risk",
    "mitigation",
    "signals",
    "unit",
    "direction",
    "baseline",
    "target",
    "feeds",
    "method",
    "cadence",
    "owner",
    "flows",
]

_SINGULAR: Final = {
    "aspirations": "aspiration",
    "conditions": "condition",
    "indicators": "indicator",
    "data": "data source",
}

#: The commands a person (or a script) can type instead of an item, with what they do.
COMMANDS: Final = {
    "skip": "skip the rest of this cycle (at the end: the rest of this pair of cycles)",
    "done": "finish: go on to the last questions (the flows between indicators), then write",
    "undo": "take back the last item added (while describing an item: drop that item)",
    "?": "show this help and the question again",
}

#: The line protocol, in words: the order of the answers that :class:`LineInterviewer` reads.
PROTOCOL: Final = """\
One answer a line. First the community's name. Then, for each cycle in the
framework's order and each of its rounds in order (aspirations, conditions,
indicators, data), the round's items, one a line, and a blank line to end
the round. An item is its text, or the number of one of the guide's example
prompts (counted from 1); after a number, one line with the item in the
community's own words (blank keeps the example's text). After each item,
its details, one a line, each blank to leave it out:
- a condition: the aspirations it supports (numbers shown or ids,
  comma-separated); whether it is a risk (y or n); for a risk, its
  mitigation;
- an indicator: the aspirations it signals; its unit; its direction
  (increase or decrease); its baseline and its target (a number, optionally
  followed by a date, YYYY-MM-DD);
- a data source: the indicators it feeds; its method; its cadence (daily,
  weekly, monthly, quarterly, yearly or free text); its owner.
After the last cycle, the flows: for each pair of consecutive cycles that
have indicators, and each indicator of the earlier one, one line naming the
indicators of the later one it leads to (blank for none). Only pairs with an
indicator added in this walk are asked. Instead of an item (or any answer)
a line may be a command: skip (the rest of this cycle), done (go on to the
flows, or at the flows finish), undo (take back the last item; while an
item's details are asked, drop that item), ? (help; asks again). A leading
backslash makes the word an item (\\done adds an item "done"). The end of
the input ends the walk, and what was given is written. Control characters
(such as the escape sequences of arrow keys) never become part of a text.
"""

_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
_DIRECTIONS: Final = {
    "increase": "increase",
    "up": "increase",
    "higher": "increase",
    "+": "increase",
    "decrease": "decrease",
    "down": "decrease",
    "lower": "decrease",
    "-": "decrease",
}
_YES: Final = {"y", "yes", "risk", "r"}
_NO: Final = {"n", "no", ""}


def clean_text(text: str) -> str:
    r"""Text as a person meant it: no escape sequences, no control characters, one line.

    Arrow keys on a terminal without line editing send escape sequences;
    they are dropped, as is every other control character (a tab becomes a
    space), and runs of spaces become one.

    >>> clean_text("abc\x1b[D\x1b[DX")
    'abcX'
    >>> clean_text(" two\tparts\x00 ")
    'two parts'
    """
    text = _CSI.sub("", text)
    out = []
    for ch in text:
        if ch in "\t\n\r\v\f":
            out.append(" ")
        elif unicodedata.category(ch) != "Cc":
            out.append(ch)
    return " ".join("".join(out).split())


@attrs.frozen
class Choice:
    """One numbered choice offered when linking an item: an id and its text."""

    id: str
    text: str


@attrs.frozen
class Prompt:
    """One question the walk asks.

    ``kind`` says what is asked: ``"community"`` (the community's name;
    ``default`` holds the name already in the case, if any); ``"item"`` (the
    next item of a round: a number picks one of ``examples``, counted from 1,
    any other text is the item itself, a blank answer ends the round);
    ``"edit"`` (a picked example in the community's own words: ``default``
    is the example's text, a blank answer keeps it); for a condition
    ``"supports"``, ``"risk"`` and ``"mitigation"``; for an indicator
    ``"signals"``, ``"unit"``, ``"direction"``, ``"baseline"`` and
    ``"target"``; for a data source ``"feeds"``, ``"method"``, ``"cadence"``
    and ``"owner"``; at the end ``"flows"`` (the indicators of the next
    cycle that the indicator ``item`` leads to). ``item`` is the item being
    described; for the linking questions ``choices`` are the numbered ids
    offered (ids from anywhere in the case are accepted as well).
    ``position`` is ``(cycle number, cycles, round number, rounds)``,
    counted from 1, or ``None`` outside the rounds.
    """

    kind: PromptKind
    cycle: Cycle | None = None
    round: Round | None = None
    guidance: Guidance | None = None
    examples: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    item: str | None = None
    default: str | None = None
    position: tuple[int, int, int, int] | None = None

    @property
    def noun(self) -> str:
        """What the answer names, for people: ``aspiration``, ``data source``, ``unit``, ..."""
        if self.kind == "community":
            return "community name"
        if self.kind in ("signals", "supports"):
            return "aspirations"
        if self.kind in ("feeds", "flows"):
            return "indicators"
        if self.kind in ("item", "edit"):
            return _SINGULAR.get(self.round.key if self.round else "", "item")
        return self.kind


class Interviewer(abc.ABC):
    """How a walk asks its questions. Subclass it and implement :meth:`ask`.

    The walk calls :meth:`begin_walk` first, :meth:`begin_cycle` and
    :meth:`begin_round` as it goes and :meth:`begin_flows` before the last
    questions; :meth:`ask` for each answer (``None`` means the input has
    ended: the walk stops and keeps what was given); :meth:`help` when the
    answer is ``?``; :meth:`reject` when an answer cannot be used (the
    default raises :class:`WalkError`; an interviewer that talks to a person
    can show the message and return, and the walk asks again); :meth:`added`
    after each new item or flow and :meth:`removed` after an ``undo``.
    """

    def begin_walk(self, cycles: Sequence[Cycle], rounds: Sequence[Round]) -> None:  # noqa: B027 (an optional hook)
        """The walk starts: these cycles, each in these rounds."""

    def begin_cycle(self, cycle: Cycle) -> None:  # noqa: B027 (an optional hook)
        """A new cycle starts."""

    def begin_round(self, cycle: Cycle, rnd: Round, guidance: Guidance) -> None:  # noqa: B027 (an optional hook)
        """A new round of ``cycle`` starts."""

    def begin_flows(self, earlier: Cycle, later: Cycle) -> None:  # noqa: B027 (an optional hook)
        """The flows from the indicators of ``earlier`` to those of ``later`` are asked."""

    @abc.abstractmethod
    def ask(self, prompt: Prompt) -> str | None:
        """The answer to ``prompt``, or ``None`` at the end of the input."""

    def help(self, prompt: Prompt) -> None:  # noqa: B027 (an optional hook)
        """The answer was ``?``: explain ``prompt`` and the commands (it is asked again)."""

    def reject(self, prompt: Prompt, answer: str, message: str) -> None:
        """An answer cannot be used; raise, or tell the person and return to ask again."""
        raise WalkError(message)

    def added(self, addition: Addition) -> None:  # noqa: B027 (an optional hook)
        """An item was added."""

    def removed(self, addition: Addition) -> None:  # noqa: B027 (an optional hook)
        """An item was taken back (``undo``)."""


class LineInterviewer(Interviewer):
    """Answers read one a line: the protocol of ``valuecycles guide -o`` on a pipe.

    The order of the answers is :data:`PROTOCOL`. A bad answer raises
    :class:`WalkError` naming its line.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines: Iterator[str] = iter(lines)
        #: The number of the line read last (1 for the first line).
        self.line = 0

    def ask(self, prompt: Prompt) -> str | None:
        try:
            text = next(self._lines)
        except StopIteration:
            return None
        self.line += 1
        return text.rstrip("\r\n")

    def reject(self, prompt: Prompt, answer: str, message: str) -> None:
        raise WalkError(f"line {self.line}: {message}")


Element = Aspiration | Condition | Indicator | DataSource | Flow


@attrs.frozen
class Addition:
    """One item the walk added: the cycle (as the case document names it), round, element.

    A flow has the round ``"flows"`` and the cycle of its source indicator.
    """

    cycle: str
    round: str
    element: Element

    @property
    def key_path(self) -> tuple[str, ...]:
        """Where the item goes in a document: ``("cycles", cycle, round)`` or ``("flows",)``."""
        if self.round == "flows":
            return ("flows",)
        return ("cycles", self.cycle, self.round)

    @property
    def label(self) -> str:
        """The item's id, or ``from -> to`` for a flow."""
        if isinstance(self.element, Flow):
            return f"{self.element.from_} -> {self.element.to}"
        return self.element.id


@attrs.frozen
class WalkResult:
    """What a walk gave: the community's name, the items added, and the case.

    ``case`` is the case the walk started from with the additions (or a new
    case), ``None`` when a new case got no community name. ``complete`` is
    false when the input ended or the walk was interrupted before the last
    round; ``interrupted`` says it was interrupted (Ctrl-C). ``notes`` are
    things a person should know (such as a name that differs from the
    case's).
    """

    community: str | None
    additions: tuple[Addition, ...]
    case: Case | None
    complete: bool
    interrupted: bool = False
    notes: tuple[str, ...] = ()

    def document_additions(self) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
        """The additions as ``(key path, item)`` pairs of plain document data."""
        from valuecycles.io import to_data

        return [(a.key_path, to_data(a.element)) for a in self.additions]

    def counts(self) -> dict[str, int]:
        """How many items each round got, in the framework's round order, then the flows."""
        counts = dict.fromkeys((*_SINGULAR, "flows"), 0)
        for a in self.additions:
            counts[a.round] = counts.get(a.round, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the community, what was added, whether the walk finished."""
        return {
            "community": self.community,
            "complete": self.complete,
            "interrupted": self.interrupted,
            "additions": [
                {"cycle": a.cycle, "round": a.round, "id": a.label} for a in self.additions
            ],
            "notes": list(self.notes),
        }


class _Stop(Exception):
    """The input has ended."""


class _Skip(Exception):
    """``skip``: the rest of this cycle (or of this pair of cycles, at the flows)."""


class _Done(Exception):
    """``done``: on to the flows, or at the flows, the end."""


class _Drop(Exception):
    """``undo`` while an item's details are asked: drop the item."""


def _command(answer: str) -> bool:
    """Act on ``skip`` and ``done`` typed as an answer (they raise); whether it was ``undo``."""
    word = answer.lower()
    if word == "skip":
        raise _Skip
    if word == "done":
        raise _Done
    return word == "undo"


_LINKS: Final = {"supports": "aspiration", "signals": "aspiration", "feeds": "indicator"}


class _Walk:
    def __init__(self, interviewer: Interviewer, framework: Framework, case: Case | None) -> None:
        self.interviewer = interviewer
        self.framework = framework
        self.base = case
        self.additions: list[Addition] = []
        self.taken: set[str] = set()
        self.aspirations: dict[str, list[Choice]] = {}
        self.indicators: dict[str, list[Choice]] = {}
        self.flows: set[tuple[str, str]] = set()
        self.doc_keys: dict[str, str] = {}
        self.position: tuple[int, int, int, int] | None = None
        if case is not None:
            self._index(case)

    def _index(self, case: Case) -> None:
        for key in case.cycles:
            canonical = self.framework.resolve(key) or key
            self.doc_keys.setdefault(canonical, key)
        for key, _round, _i, element in case.elements():
            canonical = self.framework.resolve(key) or key
            self.taken.add(element.id)
            if isinstance(element, Aspiration):
                self.aspirations.setdefault(canonical, []).append(Choice(element.id, element.text))
            elif isinstance(element, Indicator):
                self.indicators.setdefault(canonical, []).append(Choice(element.id, element.name))
        self.taken.update(o.id for o in case.observations if o.id is not None)
        self.taken.update(s.id for s in case.stories)
        self.flows.update((f.from_, f.to) for f in case.flows)

    # --- asking ------------------------------------------------------------------------

    def raw(self, prompt: Prompt) -> str:
        """The next answer, cleaned, after any ``?`` (help, then ask again)."""
        while True:
            answer = self.interviewer.ask(prompt)
            if answer is None:
                raise _Stop
            answer = clean_text(answer)
            if answer == "?":
                self.interviewer.help(prompt)
                continue
            return answer

    def detail(self, prompt: Prompt) -> str:
        """An answer about the item being described: commands end or drop the item."""
        answer = self.raw(prompt)
        if _command(answer):  # undo: drop the item being described
            raise _Drop
        return answer[1:] if answer.startswith("\\") else answer

    def community(self) -> tuple[str | None, list[str]]:
        existing = self.base.community.name if self.base is not None else None
        prompt = Prompt("community", default=existing)
        while True:
            answer = self.raw(prompt)
            if existing is not None:
                if answer and answer != existing:
                    return existing, [
                        f"the case's community is {existing!r}; the name given, "
                        f"{answer!r}, was not used"
                    ]
                return existing, []
            if answer:
                return answer, []
            self.interviewer.reject(prompt, answer, "the community's name is empty")

    # --- the rounds ----------------------------------------------------------------------

    def cycle(self, cycle: Cycle, number: int, total: int) -> None:
        self.interviewer.begin_cycle(cycle)
        rounds = self.framework.rounds
        try:
            for m, rnd in enumerate(rounds, start=1):
                self.position = (number, total, m, len(rounds))
                guidance = self.framework.guidance(cycle.key, rnd.key)
                self.interviewer.begin_round(cycle, rnd, guidance)
                while self.item(cycle, rnd, guidance):
                    pass
        except _Skip:
            pass
        finally:
            self.position = None

    def item(self, cycle: Cycle, rnd: Round, guidance: Guidance) -> bool:
        prompt = Prompt(
            "item", cycle, rnd, guidance, examples=guidance.examples, position=self.position
        )
        while True:
            answer = self.raw(prompt)
            if not answer:
                return False
            if _command(answer):
                self.undo(prompt)
                continue
            if answer.startswith("\\"):
                answer = answer[1:].strip()
                if not answer:
                    continue
                text: str | None = answer
            else:
                text = self.pick(prompt, answer)
            if text is None:
                continue
            if answer.isdecimal():
                text = self.edit(cycle, rnd, guidance, text)
            break
        try:
            self.describe(cycle, rnd, guidance, text)
        except _Drop:
            return True
        return True

    def edit(self, cycle: Cycle, rnd: Round, guidance: Guidance, example: str) -> str:
        prompt = Prompt(
            "edit", cycle, rnd, guidance, item=example, default=example, position=self.position
        )
        answer = self.raw(prompt)
        return answer if answer else example

    def describe(self, cycle: Cycle, rnd: Round, guidance: Guidance, text: str) -> None:
        """Ask the item's details and add it; a command partway adds what was given first."""
        ident = make_id(text, self.taken, fallback=_SINGULAR.get(rnd.key, "item"))
        details: dict[str, Any] = {}
        pending: Exception | None = None

        def ask(kind: PromptKind, choices: tuple[Choice, ...] = ()) -> str:
            prompt = Prompt(
                kind, cycle, rnd, guidance, choices=choices, item=text, position=self.position
            )
            return self.detail(prompt)

        try:
            if rnd.key == "conditions":
                details["supports"] = self.links("supports", cycle, rnd, guidance, text)
                if self.yes_no(ask, "risk"):
                    details["kind"] = "risk"
                    details["mitigation"] = ask("mitigation") or None
            elif rnd.key == "indicators":
                details["signals"] = self.links("signals", cycle, rnd, guidance, text)
                details["unit"] = ask("unit") or None
                direction = self.direction(ask)
                if direction:
                    details["direction"] = direction
                for key in ("baseline", "target"):
                    measure = self.measure(ask, key)
                    if measure is not None:
                        details[key] = measure
            elif rnd.key == "data":
                details["indicators"] = self.links("feeds", cycle, rnd, guidance, text)
                for key in ("method", "cadence", "owner"):
                    details[key] = ask(key) or None  # type: ignore[arg-type]
            elif rnd.key != "aspirations":
                return  # a round this library does not know how to fill
        except (_Skip, _Done, _Stop) as exc:
            pending = exc
        element: Element
        if rnd.key == "aspirations":
            element = Aspiration(id=ident, text=text)
            self.aspirations.setdefault(cycle.key, []).append(Choice(ident, text))
        elif rnd.key == "conditions":
            element = Condition(id=ident, text=text, **details)
        elif rnd.key == "indicators":
            element = Indicator(id=ident, name=text, **details)
            self.indicators.setdefault(cycle.key, []).append(Choice(ident, text))
        else:
            element = DataSource(id=ident, name=text, **details)
        self.taken.add(ident)
        self.add(Addition(self.doc_keys.get(cycle.key, cycle.key), rnd.key, element))
        if pending is not None:
            raise pending

    def yes_no(self, ask: Any, kind: PromptKind) -> bool:
        while True:
            answer = ask(kind).strip().lower()
            if answer in _YES:
                return True
            if answer in _NO:
                return False
            self.interviewer.reject(
                Prompt(kind), answer, f"{answer!r}: answer y (a risk) or n (not a risk)"
            )

    def direction(self, ask: Any) -> str | None:
        while True:
            answer = ask("direction").strip().lower()
            if not answer:
                return None
            if answer in _DIRECTIONS:
                return _DIRECTIONS[answer]
            self.interviewer.reject(
                Prompt("direction"),
                answer,
                f"{answer!r} is not a direction; answer increase or decrease (blank to skip)",
            )

    def measure(self, ask: Any, kind: PromptKind) -> Measure | None:
        while True:
            answer = ask(kind).strip()
            if not answer:
                return None
            found = _measure(answer)
            if isinstance(found, Measure):
                return found
            self.interviewer.reject(Prompt(kind), answer, f"{kind}: {found}")

    def add(self, addition: Addition) -> None:
        self.additions.append(addition)
        self.interviewer.added(addition)

    def undo(self, prompt: Prompt) -> None:
        if not self.additions:
            self.interviewer.reject(prompt, "undo", "nothing to undo yet")
            return
        last = self.additions.pop()
        element = last.element
        if isinstance(element, Flow):
            self.flows.discard((element.from_, element.to))
        else:
            self.taken.discard(element.id)
            for index in (self.aspirations, self.indicators):
                for choices in index.values():
                    choices[:] = [c for c in choices if c.id != element.id]
        self.interviewer.removed(last)

    def pick(self, prompt: Prompt, answer: str) -> str | None:
        if not answer.isdecimal():
            return answer
        n = int(answer)
        if 1 <= n <= len(prompt.examples):
            return prompt.examples[n - 1]
        shown = f"1-{len(prompt.examples)}" if prompt.examples else "none"
        self.interviewer.reject(
            prompt,
            answer,
            f"{answer} is not the number of an example (examples shown: {shown}); "
            "type the item's text to add your own",
        )
        return None

    def links(
        self, kind: PromptKind, cycle: Cycle, rnd: Round, guidance: Guidance, text: str
    ) -> tuple[str, ...]:
        known = self.aspirations if _LINKS[kind] == "aspiration" else self.indicators
        choices = tuple(known.get(cycle.key, ()))
        prompt = Prompt(
            kind, cycle, rnd, guidance, choices=choices, item=text, position=self.position
        )
        while True:
            answer = self.detail(prompt)
            ids = self.parse_links(prompt, answer, known)
            if ids is not None:
                return ids

    def parse_links(
        self, prompt: Prompt, answer: str, known: dict[str, list[Choice]]
    ) -> tuple[str, ...] | None:
        every = {c.id for choices in known.values() for c in choices}
        what = "indicator" if prompt.kind in ("feeds", "flows") else "aspiration"
        out: list[str] = []
        for token in (t.strip() for t in answer.split(",")):
            if not token:
                continue
            if token.isdecimal():
                n = int(token)
                if 1 <= n <= len(prompt.choices):
                    ident = prompt.choices[n - 1].id
                else:
                    shown = f"1-{len(prompt.choices)}" if prompt.choices else "none"
                    self.interviewer.reject(
                        prompt, answer, f"{token} is not one of the numbers shown ({shown})"
                    )
                    return None
            elif token in every:
                ident = token
            else:
                names = ", ".join(sorted(every)) or "none yet"
                self.interviewer.reject(
                    prompt, answer, f"{token!r} is not a known {what} id; known: {names}"
                )
                return None
            if ident not in out:
                out.append(ident)
        return tuple(out)

    # --- the flows -----------------------------------------------------------------------

    def flows_between(self) -> None:
        """For consecutive cycles with indicators: which indicators lead to which."""
        added = {a.element.id for a in self.additions if isinstance(a.element, Indicator)}
        cycles = [c for c in self.framework.cycles if self.indicators.get(c.key)]
        for earlier, later in itertools.pairwise(cycles):
            sources = self.indicators[earlier.key]
            targets = tuple(self.indicators[later.key])
            if not ({c.id for c in sources} | {c.id for c in targets}) & added:
                continue
            self.interviewer.begin_flows(earlier, later)
            try:
                for source in list(sources):
                    self.flows_from(earlier, later, source, targets)
            except _Skip:
                continue

    def flows_from(
        self, earlier: Cycle, later: Cycle, source: Choice, targets: tuple[Choice, ...]
    ) -> None:
        prompt = Prompt("flows", earlier, choices=targets, item=source.text)
        known = {later.key: list(targets)}
        while True:
            answer = self.raw(prompt)
            if _command(answer):
                self.undo(prompt)
                continue
            ids = self.parse_links(prompt, answer, known)
            if ids is not None:
                break
        for target in ids:
            if (source.id, target) in self.flows:
                continue
            self.flows.add((source.id, target))
            cycle = self.doc_keys.get(earlier.key, earlier.key)
            self.add(Addition(cycle, "flows", Flow(from_=source.id, to=target)))

    def build(self, name: str | None) -> Case | None:
        if self.base is None and name is None:
            return None
        case = self.base or Case(
            framework=self.framework.name, community=Community(name=name or "")
        )
        plans: dict[str, dict[str, list[Any]]] = {}
        flows: list[Flow] = []
        for a in self.additions:
            if isinstance(a.element, Flow):
                flows.append(a.element)
            else:
                plans.setdefault(a.cycle, {}).setdefault(a.round, []).append(a.element)
        for key, rounds in plans.items():
            plan = case.plan(key)
            case = case.with_plan(
                key,
                CyclePlan(
                    **{
                        field: (*getattr(plan, field), *rounds.get(field, ()))
                        for field in ("aspirations", "conditions", "indicators", "data")
                    }
                ),
            )
        if flows:
            case = attrs.evolve(case, flows=(*case.flows, *flows))
        return case


def _measure(text: str) -> Measure | str:
    """``60`` or ``60 2026-01-01`` (or ``60 on 2026-01-01``) as a measure, else what is wrong."""
    parts = text.replace(",", " ").split()
    if parts and len(parts) >= 2 and parts[1].lower() in ("on", "at", "by"):
        parts = [parts[0], *parts[2:]]
    if not parts or len(parts) > 2:
        return "give a number, optionally followed by a date (YYYY-MM-DD)"
    try:
        value: int | float = int(parts[0])
    except ValueError:
        try:
            value = float(parts[0])
        except ValueError:
            return f"{parts[0]!r} is not a number"
    if value != value or value in (float("inf"), float("-inf")):
        return f"{parts[0]!r} is not a number"
    day = None
    if len(parts) == 2:
        try:
            day = _dt.date.fromisoformat(parts[1])
        except ValueError:
            return f"{parts[1]!r} is not a date (YYYY-MM-DD)"
    return Measure(value, day)


def guided_walk(
    interviewer: Interviewer,
    *,
    framework: Framework | None = None,
    cycles: Sequence[str] | None = None,
    case: Case | None = None,
) -> WalkResult:
    """Walk the guide's cycles and rounds with ``interviewer``; return what was given.

    The questions come in the order of :data:`PROTOCOL`. ``cycles`` limits
    the walk to those cycles (keys or aliases), walked in the framework's
    order; an unknown key raises :class:`~valuecycles.UnknownKeyError`. With
    ``case``, new items are added after that case's own and nothing of it is
    changed: new ids avoid every id already in it, and items can be linked
    to its aspirations and indicators. The framework is the case's (or the
    guide's) unless given.

    The end of the input (the interviewer answers ``None``) or Ctrl-C ends
    the walk early; what was given up to then is in the result. ``done``
    goes on to the flows, then ends.
    """
    if framework is None:
        framework = (
            case_framework(case.framework, case.framework_version)
            if case is not None
            else load_framework()
        )
    if cycles is None:
        selected = framework.cycles
    else:
        wanted = {framework.cycle(key).key for key in cycles}
        selected = tuple(c for c in framework.cycles if c.key in wanted)
    walk = _Walk(interviewer, framework, case)
    name: str | None = case.community.name if case is not None else None
    notes: list[str] = []
    complete = interrupted = False
    try:
        interviewer.begin_walk(selected, framework.rounds)
        name, notes = walk.community()
        try:
            for number, cycle in enumerate(selected, start=1):
                walk.cycle(cycle, number, len(selected))
        except _Done:
            pass
        with contextlib.suppress(_Done):
            walk.flows_between()
        complete = True
    except _Stop:
        pass
    except KeyboardInterrupt:
        interrupted = True
    return WalkResult(
        community=name,
        additions=tuple(walk.additions),
        case=walk.build(name),
        complete=complete,
        interrupted=interrupted,
        notes=tuple(notes),
    )
