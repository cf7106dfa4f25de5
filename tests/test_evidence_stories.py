"""Story summaries: cycles in order, reach along the value chain, filters."""

from __future__ import annotations

import pytest

import valuecycles as vc
from valuecycles.evidence import story_summaries


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


def test_the_graph_lists_the_same_stories() -> None:
    graph = vc.build_graph(CASE)
    for reaching in (None, "potential", "strategic"):
        assert graph.stories(reaching=reaching) == story_summaries(CASE, reaching=reaching)
