"""Helpers the test modules share: document strategies, and the read path taken apart.

No test module imports another; what two of them need lives here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st

from valuecycles.io import _convert, _document, _salvage
from valuecycles.model import _validate

D = dt.date(2026, 2, 1)


class _Str(str):
    """A string subclass: the fast path leaves it to the converter."""


# Values of every kind a document can hold, good and bad for any field.
ANY = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        3,
        -7,
        2.5,
        math.inf,
        -math.inf,
        math.nan,
        "",
        " ",
        "a",
        " a",
        "a ",
        "a\nb",
        "ind-a",
        "ind-q",
        "src-a",
        "obs-1",
        "asp",
        "immediate",
        "potential",
        "nowhere",
        "2026-01-01",
        "2026-02-30",
        "2026-W05-1",
        "20260101",
        "2026",
        "2026-Q1",
        "2026-13",
        "2026-01",
        "2026\n",
        "effect",
        "contribution",
        "proof",
        "public",
        "anonymous",
        "substantiated",
        D,
        dt.datetime(2026, 1, 1, 12, 0),
        [],
        ["ind-a"],
        ["ind-a", "ind-q"],
        ["obs-1"],
        ["a", 3],
        ["", "x"],
        ("ind-a",),
        {},
        {"region": "north"},
        {"region": 3},
        {"n": 2.5, "flag": True},
        {"bad": math.inf},
        {"nested": {}},
        {3: "x"},
        _Str("ind-a"),
    ]
)


def _maybe(
    draw: st.DrawFn,
    item: dict[str, Any],
    key: str,
    good: st.SearchStrategy[Any],
    wild: bool = True,
) -> None:
    """Leave the key out, give it a good value, or (if ``wild``) any value at all."""
    choice = draw(st.integers(0, 3 if wild else 1))
    if choice == 1:
        item[key] = draw(good)
    elif choice >= 2:
        item[key] = draw(st.one_of(good, ANY))


def _required(draw: st.DrawFn, good: st.SearchStrategy[Any], wild: bool) -> Any:
    """A required key's value: good, or (if ``wild``) sometimes any value at all."""
    return draw(st.one_of(good, ANY)) if wild else draw(good)


def _left_out(draw: st.DrawFn, wild: bool) -> bool:
    """Whether to leave out a required key (only if ``wild``)."""
    return wild and not draw(st.integers(0, 9))


@st.composite
def observation_data(draw: st.DrawFn, wild: bool = True) -> dict[str, Any]:
    item: dict[str, Any] = {}
    _maybe(draw, item, "id", st.sampled_from(["obs-1", "obs-2", None]), wild)
    if not _left_out(draw, wild):
        item["indicator"] = _required(draw, st.sampled_from(["ind-a", "ind-q", "ind-x"]), wild)
    if not _left_out(draw, wild):
        item["date"] = _required(draw, st.sampled_from(["2026-01-01", D]), wild)
    if not _left_out(draw, wild):
        item["value"] = _required(draw, st.sampled_from([1, 2.5, "better", -(2**63)]), wild)
    _maybe(draw, item, "period", st.sampled_from(["2026", "2026-Q2", "2026-03", None]), wild)
    _maybe(draw, item, "source", st.sampled_from(["src-a", "src-q", None]), wild)
    _maybe(draw, item, "evidence", st.sampled_from(["effect", "contribution"]), wild)
    _maybe(draw, item, "dimensions", st.sampled_from([{"region": "north"}, {}, None]), wild)
    _maybe(draw, item, "note", st.sampled_from(["checked", None]), wild)
    _maybe(draw, item, "extra", st.sampled_from([{"n": 1}, {}, None, {"s": "t", "b": False}]), wild)
    if wild and not draw(st.integers(0, 14)):
        item[draw(st.sampled_from(["ID", "values", "indicators"]))] = 1
    return item


@st.composite
def step_data(draw: st.DrawFn, wild: bool = True) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if not _left_out(draw, wild):
        item["cycle"] = _required(draw, st.sampled_from(["immediate", "potential"]), wild)
    if not _left_out(draw, wild):
        item["text"] = _required(draw, st.just("I took part"), wild)
    _maybe(draw, item, "indicators", st.sampled_from([["ind-a"], ["ind-q"], [], None]), wild)
    _maybe(draw, item, "observations", st.sampled_from([["obs-1"], ["obs-2"], []]), wild)
    _maybe(draw, item, "aspirational", st.booleans(), wild)
    _maybe(draw, item, "extra", st.sampled_from([{"n": 1}, {}]), wild)
    if wild and not draw(st.integers(0, 14)):
        item["cycles"] = "immediate"
    return item


@st.composite
def story_data(draw: st.DrawFn, wild: bool = True) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if not _left_out(draw, wild):
        item["id"] = _required(draw, st.sampled_from(["story-1", "story-2"]), wild)
    if not _left_out(draw, wild):
        item["title"] = _required(draw, st.just("A story"), wild)
    if not _left_out(draw, wild):
        item["steps"] = _required(draw, st.lists(step_data(wild), max_size=3), wild)
    _maybe(draw, item, "narrator", st.sampled_from(["A member", None]), wild)
    _maybe(draw, item, "consent", st.sampled_from(["public", "internal", "anonymous"]), wild)
    _maybe(draw, item, "date", st.sampled_from(["2026-03-01", D, None]), wild)
    _maybe(draw, item, "tags", st.sampled_from([["audit"], [""], [], None]), wild)
    _maybe(
        draw,
        item,
        "verification",
        st.sampled_from(
            [
                {},
                {"status": "substantiated", "by": "A manager", "date": "2026-04-01"},
                {"status": "unverified", "note": None, "date": None},
                {"status": "checked"},
                {"by": 3},
                None,
            ]
        )
        if wild
        else st.sampled_from([{}, {"status": "substantiated", "by": "A manager"}]),
        wild,
    )
    _maybe(draw, item, "extra", st.sampled_from([{"n": 1}, {}]), wild)
    if wild and not draw(st.integers(0, 14)):
        item["steps_"] = []
    return item


PLAN: dict[str, Any] = {
    "immediate": {
        "aspirations": [{"id": "asp", "text": "Quick answers"}],
        "indicators": [
            {"id": "ind-a", "name": "Hours to answer", "signals": ["asp"]},
            {"id": "ind-q", "name": "What members say", "kind": "qualitative"},
        ],
        "data": [{"id": "src-a", "name": "Forum log", "indicators": ["ind-a"]}],
    },
    "potential": {"data": [{"id": "src-q", "name": "Interviews", "indicators": ["ind-q"]}]},
}


def document(observations: list[Any], stories: list[Any]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "framework": "wenger-trayner",
        "community": {"name": "Evaluators"},
        "cycles": PLAN,
        "observations": observations,
        "stories": stories,
    }


def as_parsed(data: Any) -> Any:
    """Data as a parser gives it: lists, never tuples."""
    if isinstance(data, dict):
        return {key: as_parsed(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [as_parsed(item) for item in data]
    return data


def typed(value: Any) -> Any:
    """A value with the type of everything in it spelled out, for exact comparison."""
    if attrs.has(type(value)):
        return (
            type(value).__name__,
            tuple((a.name, typed(getattr(value, a.name))) for a in attrs.fields(type(value))),
        )
    if isinstance(value, dict):
        return ("dict", tuple((typed(k), typed(v)) for k, v in value.items()))
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(typed(item) for item in value))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


@contextlib.contextmanager
def slow_paths() -> Iterator[None]:
    """Every document through cattrs alone, and validation of every element one by one.

    The read path's shortcuts (the msgspec mirror for whole documents and for
    list items, validation that makes paths only for problems) are taken
    out for the block, by patching, so a test can compare the two ways.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_document, "from_data", lambda _data: None)
        patch.setattr(_document, "from_json", lambda _raw: None)
        patch.setattr(_salvage, "from_data", lambda _data: None)
        patch.setattr(_convert.CONVERTER, "item_readers", {})

        def declare_each(self: Any) -> None:
            for i, obs in enumerate(self.case.observations):
                if obs.id is not None:
                    self.declare("observation", obs.id, f"$.observations[{i}]")
                    self.observation_indicator.setdefault(obs.id, obs.indicator)

        def every_observation(self: Any) -> None:
            for i, obs in enumerate(self.case.observations):
                self.check_observation(i, obs)

        def every_story(self: Any) -> None:
            for i, story in enumerate(self.case.stories):
                self.check_story(i, story)

        patch.setattr(_validate._Checker, "check_observations", every_observation)
        patch.setattr(_validate._Checker, "check_stories", every_story)
        patch.setattr(_validate._Checker, "declare_observations", declare_each)
        yield
