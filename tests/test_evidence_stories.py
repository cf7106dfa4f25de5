"""Story summaries: cycles in order, reach along the value chain, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import valuecycles as vc
from strategies import dates, extras, ids, optional_strings, plain_strings, texts
from valuecycles.evidence import story_summaries
from valuecycles.framework._file import framework_from_text


def _story(sid: str, *cycles: str, status: str = "unverified", cites: str = "") -> vc.Story:
    steps = [
        vc.Step(cycle=c, text=f"step in {c}", indicators=[cites] if cites and i == 0 else [])
        for i, c in enumerate(cycles)
    ]
    return vc.Story(
        id=sid, title=sid.title(), steps=steps, verification=vc.Verification(status=status)
    )


CASE = vc.Case(
    community=vc.Community(name="Evaluators"),
    stories=[
        _story("a", "immediate", "potential"),
        _story("b", "potential", "applied", "potential", "realized", status="substantiated"),
        _story("c", "strategic", "immediate", cites="x"),
        _story("d", "enabling"),
        _story("e", "reframing", "applied", status="corroborated"),
    ],
)


def test_cycles_in_first_order_and_reach() -> None:
    got = {s.id: (s.cycles, s.reach) for s in story_summaries(CASE)}
    assert got == {
        "a": (("immediate", "potential"), "potential"),
        "b": (("potential", "applied", "realized"), "realized"),
        "c": (("strategic", "immediate"), "immediate"),
        "d": (("enabling",), None),
        "e": (("transformative", "applied"), "transformative"),
    }


def test_to_dict_is_the_query_stories_shape() -> None:
    d = story_summaries(CASE).to_dict()
    assert d["stories"][3] == {
        "id": "d",
        "title": "D",
        "cycles": ["enabling"],
        "reach": None,
        "verification": "unverified",
    }


@pytest.mark.parametrize(
    ("reaching", "ids"),
    [
        ("immediate", ["a", "b", "c", "e"]),
        ("potential", ["a", "b", "e"]),
        ("realized", ["b", "e"]),
        ("reframing", ["e"]),
        ("strategic", ["c"]),
        ("enabling", ["d"]),
    ],
)
def test_reaching(reaching: str, ids: list[str]) -> None:
    assert [s.id for s in story_summaries(CASE, reaching=reaching)] == ids


def test_verification_and_citing_filters() -> None:
    assert [s.id for s in story_summaries(CASE, verification="substantiated")] == ["b"]
    both = story_summaries(CASE, verification=["corroborated", "substantiated"], reaching="applied")
    assert [s.id for s in both] == ["b", "e"]
    assert [s.id for s in story_summaries(CASE, citing="x")] == ["c"]


def test_bad_filters_say_what_is_known() -> None:
    with pytest.raises(vc.UnknownKeyError, match="orienting"):
        story_summaries(CASE, reaching="orienting")
    with pytest.raises(ValueError, match="unknown verification status 'checked'"):
        story_summaries(CASE, verification="checked")


def test_the_graph_lists_stories_against_its_own_framework() -> None:
    graph = vc.build_graph(CASE)
    assert [s.id for s in graph.stories(reaching="realized")] == ["b", "e"]
    assert [s.id for s in graph.stories(reaching="strategic", citing="x")] == ["c"]
    assert [s.id for s in graph.stories(reaching="potential", citing="x")] == []
    assert graph.stories().to_dict()["stories"][4] == {
        "id": "e",
        "title": "E",
        "cycles": ["transformative", "applied"],
        "reach": "transformative",
        "verification": "corroborated",
    }
    two = framework_from_text(
        "name: two-cycles\ncycles:\n  - {key: immediate, name: I}\n  - {key: potential, name: P}\n",
        "yaml",
    )
    small = vc.build_graph(CASE, two)
    assert [(s.id, s.cycles, s.reach) for s in small.stories()] == [
        ("a", ("immediate", "potential"), "potential"),
        ("b", ("potential",), "potential"),
        ("c", ("immediate",), "immediate"),
        ("d", (), None),
        ("e", (), None),
    ]
    assert [s.id for s in small.stories(reaching="potential")] == ["a", "b"]


# --- any valid story round-trips through the documents -----------------------------

_cycle_names = st.sampled_from(
    [name for c in vc.load_framework().cycles for name in (c.key, *c.aliases)]
)
_steps = st.builds(
    vc.Step,
    cycle=_cycle_names,
    text=texts,
    indicators=st.lists(st.sampled_from(["rt", "adoption"]), max_size=2),
    observations=st.lists(st.sampled_from(["o1", "o2"]), max_size=2),
    aspirational=st.booleans(),
    extra=extras,
)
_stories = st.builds(
    vc.Story,
    id=ids,
    title=texts,
    narrator=optional_strings,
    consent=st.sampled_from(["public", "internal", "anonymous"]),
    date=st.none() | dates,
    tags=st.lists(plain_strings, max_size=3),
    verification=st.builds(
        vc.Verification,
        status=st.sampled_from(["unverified", "corroborated", "substantiated"]),
        by=optional_strings,
        date=st.none() | dates,
        note=optional_strings,
    ),
    steps=st.lists(_steps, min_size=1, max_size=5),
    extra=extras,
)
_BASE = vc.Case(
    community=vc.Community(name="Evaluators"),
    cycles={
        "immediate": vc.CyclePlan(indicators=[vc.Indicator(id="rt", name="Response time")]),
        "applied": vc.CyclePlan(indicators=[vc.Indicator(id="adoption", name="Adoption")]),
    },
    observations=[
        vc.Observation(id="o1", indicator="rt", date=dt.date(2026, 1, 31), value=40),
        vc.Observation(
            id="o2", indicator="adoption", date=dt.date(2026, 1, 31), value=0.5,
            evidence="contribution",
        ),
    ],
)  # fmt: skip


@settings(max_examples=40)
@given(_stories, st.sampled_from(["json", "yaml", "toml"]))
def test_any_valid_story_round_trips(story: vc.Story, fmt: str) -> None:
    assume(story.id not in {"rt", "adoption", "o1", "o2"})
    case = _BASE.with_stories(story)
    assert vc.validate(case).valid
    again = vc.loads(vc.dumps(case, fmt), fmt)
    assert again.stories == (story,)
    assert story_summaries(again) == story_summaries(case)


def test_as_of_leaves_out_later_stories_but_keeps_undated_ones() -> None:
    steps = [vc.Step(cycle="immediate", text="I asked")]
    case = vc.Case(
        community=vc.Community(name="E"),
        stories=[
            vc.Story(id="early", title="Early", date=dt.date(2026, 1, 5), steps=steps),
            vc.Story(id="late", title="Late", date=dt.date(2026, 5, 5), steps=steps),
            vc.Story(id="undated", title="Undated", steps=steps),
        ],
    )
    ids = [s.id for s in vc.story_summaries(case, as_of=dt.date(2026, 3, 1))]
    assert ids == ["early", "undated"]
    assert len(vc.story_summaries(case)) == 3
    assert vc.story_summaries(case).to_dict()["schema_version"] == 1
    frame = vc.story_summaries(case).to_frame()
    assert list(frame.columns) == ["id", "title", "cycles", "reach", "verification"]
    assert frame["reach"].tolist() == ["immediate", "immediate", "immediate"]
