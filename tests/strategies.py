"""Hypothesis strategies for valid cases and framework files, shared by the tests.

``cases()`` draws a valid :class:`valuecycles.Case`: every element kind, with
unique ids, references that resolve, observations of the right value kind
fed by a source that feeds their indicator, stories with steps in the
framework's cycles citing indicators and observations that exist, ``extra``
values of every scalar type, optional fields present or absent, dates, and
no NaN or infinity. Texts mix arbitrary Unicode with strings that trip up
serializers (``no``, ``12:30``, ``2026-01-01``, ``1e5``, ``#``, quotes).
``framework_documents()`` draws the plain data of a valid framework file.

Import them as ``from strategies import cases`` (``tests/`` is on the path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

import valuecycles as vc

__all__ = [
    "TRICKY",
    "case_documents",
    "cases",
    "dates",
    "extras",
    "framework_documents",
    "ids",
    "numbers",
    "optional_strings",
    "plain_strings",
    "texts",
]

T = TypeVar("T")

FRAMEWORK = vc.load_framework()
#: Every key a case may use for a cycle of the guide's framework: keys and aliases.
CYCLE_NAMES: tuple[str, ...] = tuple(
    name for cycle in FRAMEWORK.cycles for name in (cycle.key, *cycle.aliases)
)

#: Strings that other types, comments, anchors or YAML 1.1 would swallow.
TRICKY: tuple[str, ...] = (
    "no",
    "yes",
    "on",
    "off",
    "Off",
    "y",
    "n",
    "null",
    "~",
    "true",
    "False",
    "12:30",
    "1:02:03",
    "2026-01-01",
    "2026-1-5",
    "2026-13-45",
    "2026-01-01T10:00:00",
    "1e5",
    "1E+5",
    "-.5",
    "+1",
    "0o17",
    "0x1F",
    "1_000",
    "0.1",
    ".inf",
    "-.inf",
    ".nan",
    "NaN",
    "123",
    "007",
    "#not a comment",
    "a # b",
    "a: b",
    "- item",
    "[x]",
    "{x}",
    "&anchor",
    "*alias",
    "!tag",
    "%percent",
    "@at",
    "`tick",
    "'single'",
    '"double"',
    "back\\slash",
    "tab\there",
    "ünïcödé ✓",
    "中文",
    "emoji 🎉",
    "<b>&amp;</b>",
    "a;b",
    "a,b",
    "=SUM(A1)",
    "\u00a0nbsp",
    "zero\u200bwidth",
    "\x85nel",
    "line\u2028sep",
    "bell\x07",
    "del\x7f",
    "bom\ufeff",
)

_alphabet = st.characters(exclude_categories=("Cs",))

#: Any string, empty or not, short.
plain_strings: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(TRICKY), st.text(_alphabet, max_size=12)
)


def _is_id(text: str) -> bool:
    return bool(text.strip()) and text == text.strip() and "\n" not in text and "\r" not in text


#: Ids: non-empty, no spaces at their ends, no line breaks.
ids: st.SearchStrategy[str] = st.one_of(
    st.sampled_from([t for t in TRICKY if _is_id(t)]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.text(_alphabet, min_size=1, max_size=10).filter(_is_id),
)

#: Texts: non-empty after stripping; may hold line breaks and spaces at the ends.
texts: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(["Quick answers", "Questions get a useful answer within two days"]),
    plain_strings.filter(lambda s: bool(s.strip())),
    st.text(_alphabet, min_size=1, max_size=40).filter(lambda s: bool(s.strip())),
    st.lists(st.sampled_from(["line", "  indented", "", "end ", "# x", "- y"]), min_size=2).map(
        "\n".join
    ),
).filter(lambda s: bool(s.strip()))

#: Optional free text: absent, empty or anything.
optional_strings: st.SearchStrategy[str | None] = st.none() | plain_strings

#: Dates from 1900 to 2200.
dates: st.SearchStrategy[dt.date] = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))

_INT64 = 2**63 - 1
#: Finite numbers of both Python types, within the 64-bit range every format carries.
numbers: st.SearchStrategy[int | float] = st.one_of(
    st.integers(-_INT64, _INT64),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, -0.0, 0.1, 1e-7, 1e16, 2.0, 52.5]),
)

#: An ``extra`` mapping: string keys, scalar values of every kind.
extras: st.SearchStrategy[dict[str, str | int | float | bool]] = st.dictionaries(
    st.one_of(st.sampled_from(["owner", "weight", "note", "no", "12:30", ""]), plain_strings),
    st.one_of(plain_strings, numbers, st.booleans()),
    max_size=3,
)

_periods = st.one_of(
    st.integers(1900, 2200).map(str),
    st.tuples(st.integers(1900, 2200), st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
    st.tuples(st.integers(1900, 2200), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
)


def _subset(draw: Any, pool: Sequence[T], max_size: int = 3) -> list[T]:
    if not pool:
        return []
    return draw(st.lists(st.sampled_from(pool), max_size=max_size))


def _measure(draw: Any) -> vc.Measure:
    return vc.Measure(value=draw(numbers), date=draw(st.none() | dates))


@st.composite
def cases(draw: Any, *, max_per_kind: int = 4, max_observations: int = 6) -> vc.Case:
    """A valid case of the guide's framework, with every element kind.

    Ids are unique across the case; every reference resolves. The case
    may raise warnings (a target against its direction, a step citing an
    indicator of another cycle), never errors.
    """
    n = {
        kind: draw(st.integers(0, max_per_kind))
        for kind in ("aspiration", "condition", "indicator", "data", "story")
    }
    n_obs = draw(st.integers(0, max_observations))
    total = sum(n.values()) + n_obs
    pool = draw(st.lists(ids, min_size=total, max_size=total, unique=True))
    taken = iter(pool)
    asp_ids = [next(taken) for _ in range(n["aspiration"])]
    cond_ids = [next(taken) for _ in range(n["condition"])]
    ind_ids = [next(taken) for _ in range(n["indicator"])]
    data_ids = [next(taken) for _ in range(n["data"])]
    story_ids = [next(taken) for _ in range(n["story"])]
    obs_pool = [next(taken) for _ in range(n_obs)]

    # Each cycle is written under its key or, sometimes, one of its aliases.
    names = {
        c.key: draw(st.sampled_from((c.key, *c.aliases))) if c.aliases else c.key
        for c in FRAMEWORK.cycles
    }
    cycle_keys = list(names)
    rounds: dict[str, dict[str, list[Any]]] = {}

    def plan(cycle: str) -> dict[str, list[Any]]:
        return rounds.setdefault(
            names[cycle], {"aspirations": [], "conditions": [], "indicators": [], "data": []}
        )

    for ident in asp_ids:
        plan(draw(st.sampled_from(cycle_keys)))["aspirations"].append(
            vc.Aspiration(id=ident, text=draw(texts), extra=draw(extras))
        )
    for ident in cond_ids:
        kind = draw(st.sampled_from(["enabler", "risk"]))
        plan(draw(st.sampled_from(cycle_keys)))["conditions"].append(
            vc.Condition(
                id=ident,
                text=draw(texts),
                kind=kind,
                supports=_subset(draw, asp_ids),
                mitigation=draw(optional_strings) if kind == "risk" else None,
                extra=draw(extras),
            )
        )
    kinds: dict[str, str] = {}
    cycle_of: dict[str, str] = {}
    for ident in ind_ids:
        kind = draw(st.sampled_from(["quantitative", "qualitative"]))
        kinds[ident] = kind
        allowed = ["latest", "count"] if kind == "qualitative" else ["latest", "sum", "mean"]
        cycle = draw(st.sampled_from(cycle_keys))
        cycle_of[ident] = cycle
        plan(cycle)["indicators"].append(
            vc.Indicator(
                id=ident,
                name=draw(texts),
                kind=kind,  # type: ignore[arg-type]
                unit=draw(optional_strings),
                direction=draw(st.sampled_from(["increase", "decrease"])),
                aggregation=draw(st.sampled_from(allowed)),
                baseline=_measure(draw) if draw(st.booleans()) else None,
                target=_measure(draw) if draw(st.booleans()) else None,
                milestones=[_measure(draw) for _ in range(draw(st.integers(0, 2)))],
                signals=_subset(draw, asp_ids),
                description=draw(optional_strings),
                extra=draw(extras),
            )
        )
    feeds: dict[str, list[str]] = {}
    for ident in data_ids:
        feeds[ident] = _subset(draw, ind_ids)
        plan(draw(st.sampled_from(cycle_keys)))["data"].append(
            vc.DataSource(
                id=ident,
                name=draw(texts),
                method=draw(
                    st.none() | st.sampled_from(["survey", "platform-log"]) | plain_strings
                ),
                cadence=draw(st.none() | st.sampled_from(["monthly", "weekly"]) | plain_strings),
                owner=draw(optional_strings),
                indicators=feeds[ident],
                extra=draw(extras),
            )
        )
    pairs = [(a, b) for a in ind_ids for b in ind_ids if a != b]
    flows = [
        vc.Flow(from_=a, to=b, rationale=draw(optional_strings), extra=draw(extras))
        for a, b in _subset(draw, pairs, 4)
    ]

    observations = []
    if ind_ids:
        for ident in obs_pool:
            indicator = draw(st.sampled_from(ind_ids))
            sources = [d for d, fed in feeds.items() if indicator in fed]
            value: int | float | str = (
                draw(texts) if kinds[indicator] == "qualitative" else draw(numbers)
            )
            observations.append(
                vc.Observation(
                    id=ident if draw(st.booleans()) else None,
                    indicator=indicator,
                    date=draw(dates),
                    value=value,
                    period=draw(st.none() | _periods),
                    source=draw(st.sampled_from([None, *sources])),
                    evidence=draw(st.sampled_from(["effect", "contribution"])),
                    dimensions=draw(st.dictionaries(plain_strings, plain_strings, max_size=2)),
                    note=draw(optional_strings),
                    extra=draw(extras),
                )
            )
    obs_ids = [o.id for o in observations if o.id is not None]

    stories = []
    for ident in story_ids:
        steps = []
        for _ in range(draw(st.integers(1, 4))):
            cycle = draw(st.sampled_from(cycle_keys))
            steps.append(
                vc.Step(
                    cycle=draw(st.sampled_from([names[cycle], cycle])),
                    text=draw(texts),
                    indicators=_subset(draw, ind_ids, 2),
                    observations=_subset(draw, obs_ids, 2),
                    aspirational=draw(st.booleans()),
                    extra=draw(extras),
                )
            )
        verification = draw(
            st.builds(
                vc.Verification,
                status=st.sampled_from(["unverified", "corroborated", "substantiated"]),
                by=optional_strings,
                date=st.none() | dates,
                note=optional_strings,
            )
        )
        stories.append(
            vc.Story(
                id=ident,
                title=draw(texts),
                narrator=draw(optional_strings),
                consent=draw(st.sampled_from(["public", "internal", "anonymous"])),
                date=draw(st.none() | dates),
                tags=draw(st.lists(plain_strings, max_size=3)),
                verification=verification,
                steps=steps,
                extra=draw(extras),
            )
        )

    case = vc.Case(
        framework_version=draw(st.sampled_from([None, FRAMEWORK.version])),
        community=vc.Community(
            name=draw(texts), description=draw(optional_strings), extra=draw(extras)
        ),
        cycles={
            **{names[k]: vc.CyclePlan() for k in _subset(draw, cycle_keys, 2)},
            **{key: vc.CyclePlan(**plans) for key, plans in rounds.items()},
        },
        flows=flows,
        observations=observations,
        stories=stories,
        extra=draw(extras),
    )
    report = vc.validate(case)
    assert report.valid, report.errors
    return case


def case_documents(fmt: str) -> st.SearchStrategy[str]:
    """The text of a valid case document in ``fmt`` (json, yaml or toml)."""
    return cases().map(lambda case: vc.dumps(case, fmt))


_guidance = st.fixed_dictionaries(
    {},
    optional={
        "lead": plain_strings,
        "questions": st.lists(plain_strings, max_size=2),
        "examples": st.lists(plain_strings, max_size=3),
        "open_ended": st.booleans(),
    },
)


@st.composite
def framework_documents(draw: Any) -> dict[str, Any]:
    """Plain data of a valid framework file: its own cycles, or extending the guide's."""
    extends = draw(st.booleans())
    n = draw(st.integers(0 if extends else 1, 4))
    keys = draw(
        st.lists(
            ids.filter(lambda k: k not in CYCLE_NAMES), min_size=2 * n, max_size=2 * n, unique=True
        )
    )
    cycles = []
    for i in range(n):
        cycle: dict[str, Any] = {"key": keys[2 * i], "name": draw(texts)}
        if draw(st.booleans()):
            cycle["description"] = draw(plain_strings)
        if draw(st.booleans()):
            cycle["role"] = draw(st.sampled_from(["chain", "cross-cutting"]))
        if draw(st.booleans()):
            cycle["aliases"] = [keys[2 * i + 1]]
        if draw(st.booleans()):
            cycle["guidance"] = draw(
                st.dictionaries(
                    st.sampled_from(["aspirations", "conditions", "indicators", "data"]),
                    _guidance,
                    max_size=2,
                )
            )
        if extends and draw(st.booleans()):
            cycle["after"] = draw(st.sampled_from(FRAMEWORK.cycle_keys))
        cycles.append(cycle)
    data: dict[str, Any] = {
        "name": draw(ids.filter(lambda k: k != FRAMEWORK.name)),
        "version": draw(st.sampled_from(["1", "2.0", "2026-01"])),
        "cycles": cycles,
    }
    if extends:
        data["extends"] = FRAMEWORK.name
    for key in ("title", "description", "source"):
        if draw(st.booleans()):
            data[key] = draw(plain_strings)
    return data
