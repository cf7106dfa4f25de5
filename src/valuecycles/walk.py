"""The guided walk: the guide's cycles and rounds asked one by one, turned into a case.

A facilitator runs the guide in a workshop cycle by cycle and round by round:
for each round the group reads the key questions and the example prompts,
picks examples or names its own items, and links each indicator to the
aspirations it signals and each data source to the indicators it feeds. The
walk does the same through an :class:`Interviewer`, which asks the questions
and returns the answers. The walk knows nothing of terminals: the command
line supplies an interviewer that talks to a person, and
:class:`LineInterviewer` reads the line protocol (one answer a line) that
scripts and tests use.

>>> import valuecycles as vc
>>> lines = ["Evaluators", "quick answers", "", "", "1", "quick-answers", "", ""]
>>> result = vc.guided_walk(vc.LineInterviewer(lines), cycles=["immediate"])
>>> [a.element.id for a in result.additions]
['quick-answers', 'levels-of-attendance-participation-and-commitment']
>>> result.case.plan("immediate").indicators[0].signals
('quick-answers',)
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, Literal

import attrs

from valuecycles._text import make_id
from valuecycles.errors import WalkError
from valuecycles.framework._model import Cycle, Framework, Guidance, Round
from valuecycles.framework._registry import case_framework, load_framework
from valuecycles.model._case import (
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Indicator,
)

__all__ = [
    "Addition",
    "Choice",
    "Interviewer",
    "LineInterviewer",
    "Prompt",
    "WalkResult",
    "guided_walk",
    "make_id",
]

PromptKind = Literal["community", "item", "signals", "feeds"]

#: The longest id the walk makes from an item's text (cut at a hyphen).

_SINGULAR: Final = {
    "aspirations": "aspiration",
    "conditions": "condition",
    "indicators": "indicator",
    "data": "data source",
}


@attrs.frozen
class Choice:
    """One numbered choice offered when linking an item: an id and its text."""

    id: str
    text: str


@attrs.frozen
class Prompt:
    """One question the walk asks.

    ``kind`` is ``"community"`` (the community's name; ``default`` holds the
    name already in the case, if any), ``"item"`` (the next item of a round:
    a number picks one of ``examples``, counted from 1, any other text is the
    item itself, a blank answer ends the round), ``"signals"`` (which
    aspirations the indicator ``item`` signals) or ``"feeds"`` (which
    indicators the data source ``item`` feeds); for the last two, ``choices``
    are the numbered ids offered, and ids from anywhere in the case are
    accepted as well.
    """

    kind: PromptKind
    cycle: Cycle | None = None
    round: Round | None = None
    guidance: Guidance | None = None
    examples: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    item: str | None = None
    default: str | None = None

    @property
    def noun(self) -> str:
        """What the answer names, for people: ``aspiration``, ``data source``, ..."""
        if self.kind == "community":
            return "community name"
        if self.kind == "signals":
            return "aspirations"
        if self.kind == "feeds":
            return "indicators"
        return _SINGULAR.get(self.round.key if self.round else "", "item")


class Interviewer(abc.ABC):
    """How a walk asks its questions. Subclass it and implement :meth:`ask`.

    The walk calls :meth:`begin_cycle` and :meth:`begin_round` as it goes,
    :meth:`ask` for each answer (``None`` means the input has ended: the walk
    stops and keeps what was given), :meth:`reject` when an answer cannot be
    used (the default raises :class:`WalkError`; an interviewer that talks to
    a person can show the message and return, and the walk asks again), and
    :meth:`added` after each new item.
    """

    def begin_cycle(self, cycle: Cycle) -> None:  # noqa: B027 (an optional hook)
        """A new cycle starts."""

    def begin_round(self, cycle: Cycle, rnd: Round, guidance: Guidance) -> None:  # noqa: B027 (an optional hook)
        """A new round of ``cycle`` starts."""

    @abc.abstractmethod
    def ask(self, prompt: Prompt) -> str | None:
        """The answer to ``prompt``, or ``None`` at the end of the input."""

    def reject(self, prompt: Prompt, answer: str, message: str) -> None:
        """An answer cannot be used; raise, or tell the person and return to ask again."""
        raise WalkError(message)

    def added(self, addition: Addition) -> None:  # noqa: B027 (an optional hook)
        """An item was added."""


class LineInterviewer(Interviewer):
    """Answers read one a line, the protocol of ``valuecycles guide -o`` on a pipe.

    First the community's name, then for each cycle and each round the items,
    one a line, a blank line ending the round; after each indicator, a line
    with the aspirations it signals, after each data source, a line with the
    indicators it feeds (ids or the numbers offered, comma-separated, blank
    for none). A bad answer raises :class:`WalkError` naming its line.
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


Element = Aspiration | Condition | Indicator | DataSource


@attrs.frozen
class Addition:
    """One item the walk added: the cycle (as the case document names it), round, element."""

    cycle: str
    round: str
    element: Element

    @property
    def key_path(self) -> tuple[str, ...]:
        """Where the item goes in a case document: ``("cycles", cycle, round)``."""
        return ("cycles", self.cycle, self.round)


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
        """How many items each round got, in the framework's round order."""
        counts = dict.fromkeys(_SINGULAR, 0)
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
                {"cycle": a.cycle, "round": a.round, "id": a.element.id} for a in self.additions
            ],
            "notes": list(self.notes),
        }


class _Stop(Exception):
    """The input has ended."""


class _Walk:
    def __init__(self, interviewer: Interviewer, framework: Framework, case: Case | None) -> None:
        self.interviewer = interviewer
        self.framework = framework
        self.base = case
        self.additions: list[Addition] = []
        self.taken: set[str] = set()
        self.aspirations: dict[str, list[Choice]] = {}
        self.indicators: dict[str, list[Choice]] = {}
        self.doc_keys: dict[str, str] = {}
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

    def ask(self, prompt: Prompt) -> str:
        answer = self.interviewer.ask(prompt)
        if answer is None:
            raise _Stop
        return answer

    def community(self) -> tuple[str | None, list[str]]:
        existing = self.base.community.name if self.base is not None else None
        prompt = Prompt("community", default=existing)
        while True:
            answer = self.ask(prompt).strip()
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

    def cycle(self, cycle: Cycle) -> None:
        self.interviewer.begin_cycle(cycle)
        for rnd in self.framework.rounds:
            guidance = self.framework.guidance(cycle.key, rnd.key)
            self.interviewer.begin_round(cycle, rnd, guidance)
            while self.item(cycle, rnd, guidance):
                pass

    def item(self, cycle: Cycle, rnd: Round, guidance: Guidance) -> bool:
        prompt = Prompt("item", cycle, rnd, guidance, examples=guidance.examples)
        while True:
            answer = self.ask(prompt).strip()
            if not answer:
                return False
            text = self.pick(prompt, answer)
            if text is not None:
                break
        ident = make_id(text, self.taken, fallback=_SINGULAR.get(rnd.key, "item"))
        self.taken.add(ident)
        element: Element
        if rnd.key == "aspirations":
            element = Aspiration(id=ident, text=text)
            self.aspirations.setdefault(cycle.key, []).append(Choice(ident, text))
        elif rnd.key == "conditions":
            element = Condition(id=ident, text=text)
        elif rnd.key == "indicators":
            self.indicators.setdefault(cycle.key, []).append(Choice(ident, text))
            signals, stop = self.links("signals", cycle, rnd, guidance, text, self.aspirations)
            element = Indicator(id=ident, name=text, signals=signals)
            self.add(cycle, rnd, element)
            if stop:
                raise _Stop
            return True
        elif rnd.key == "data":
            feeds, stop = self.links("feeds", cycle, rnd, guidance, text, self.indicators)
            element = DataSource(id=ident, name=text, indicators=feeds)
            self.add(cycle, rnd, element)
            if stop:
                raise _Stop
            return True
        else:  # a round this library does not know how to fill
            return False
        self.add(cycle, rnd, element)
        return True

    def add(self, cycle: Cycle, rnd: Round, element: Element) -> None:
        addition = Addition(self.doc_keys.get(cycle.key, cycle.key), rnd.key, element)
        self.additions.append(addition)
        self.interviewer.added(addition)

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
        self,
        kind: PromptKind,
        cycle: Cycle,
        rnd: Round,
        guidance: Guidance,
        text: str,
        known: dict[str, list[Choice]],
    ) -> tuple[tuple[str, ...], bool]:
        choices = tuple(known.get(cycle.key, ()))
        prompt = Prompt(kind, cycle, rnd, guidance, choices=choices, item=text)
        while True:
            answer = self.interviewer.ask(prompt)
            if answer is None:
                return (), True
            ids = self.parse_links(prompt, answer, known)
            if ids is not None:
                return ids, False

    def parse_links(
        self, prompt: Prompt, answer: str, known: dict[str, list[Choice]]
    ) -> tuple[str, ...] | None:
        every = {c.id for choices in known.values() for c in choices}
        what = "aspiration" if prompt.kind == "signals" else "indicator"
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

    def build(self, name: str | None) -> Case | None:
        if self.base is None and name is None:
            return None
        case = self.base or Case(
            framework=self.framework.name, community=Community(name=name or "")
        )
        plans: dict[str, dict[str, list[Any]]] = {}
        for a in self.additions:
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
        return case


def guided_walk(
    interviewer: Interviewer,
    *,
    framework: Framework | None = None,
    cycles: Sequence[str] | None = None,
    case: Case | None = None,
) -> WalkResult:
    """Walk the guide's cycles and rounds with ``interviewer``; return what was given.

    ``cycles`` limits the walk to those cycles (keys or aliases), walked in
    the framework's order; an unknown key raises
    :class:`~valuecycles.UnknownKeyError`. With ``case``, new items are added
    after that case's own and nothing of it is changed: new ids avoid every
    id already in it, and items can be linked to its aspirations and
    indicators. The framework is the case's (or the guide's) unless given.

    The end of the input (the interviewer answers ``None``) or Ctrl-C ends
    the walk early; what was given up to then is in the result.
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
        name, notes = walk.community()
        for cycle in selected:
            walk.cycle(cycle)
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
