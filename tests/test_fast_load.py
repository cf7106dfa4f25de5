"""The fast paths of load and dump give exactly what the converter's own paths give.

Observations and stories are built by hand-written functions when their data
is plainly right, and by the converter otherwise; validation skips making
paths for observations and stories with nothing to report. These tests fuzz
documents, good and bad, and check that with the fast paths on and off the
cases, and the problems with their codes, paths and messages, are the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles.io import _convert, _fast, _mirror
from valuecycles.io._document import case_from_data
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


@contextlib.contextmanager
def slow_paths() -> Iterator[None]:
    """The converter's own path for every item and validation of every element."""
    saved = (
        _convert._use_fast,
        _mirror._use_mirror,
        _validate._Checker.check_observations,
        _validate._Checker.check_stories,
        _validate._Checker.declare_observations,
    )

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

    _convert._use_fast = False
    _mirror._use_mirror = False
    _validate._Checker.check_observations = every_observation  # type: ignore[method-assign]
    _validate._Checker.check_stories = every_story  # type: ignore[method-assign]
    _validate._Checker.declare_observations = declare_each  # type: ignore[method-assign]
    try:
        yield
    finally:
        _convert._use_fast = saved[0]
        _mirror._use_mirror = saved[1]
        _validate._Checker.check_observations = saved[2]  # type: ignore[method-assign]
        _validate._Checker.check_stories = saved[3]  # type: ignore[method-assign]
        _validate._Checker.declare_observations = saved[4]  # type: ignore[method-assign]


def as_parsed(data: Any) -> Any:
    """Data as a parser gives it: lists, never tuples."""
    if isinstance(data, dict):
        return {key: as_parsed(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [as_parsed(item) for item in data]
    return data


def outcome(data: Any) -> tuple[Any, ...]:
    """The case, or every error and warning, of loading plain data."""
    try:
        case = case_from_data(as_parsed(data))
    except vc.ValidationError as exc:
        return ("errors", exc.errors, exc.warnings)
    return ("case", case, vc.validate(case).warnings)


def field_types(model: Any) -> list[type]:
    return [type(getattr(model, a.name)) for a in attrs.fields(type(model))]


def test_the_fast_path_is_on_for_the_models_as_they_are() -> None:
    # If a model's fields change, the fast path turns itself off; this says so.
    assert _fast.ENABLED
    assert set(_fast.FAST_ITEMS) == {vc.Observation, vc.Story}
    item = {"indicator": "ind-a", "date": "2026-01-01", "value": 3, "source": "src-a"}
    assert _fast.observation(item) == vc.Observation(
        indicator="ind-a", date=dt.date(2026, 1, 1), value=3, source="src-a"
    )


@given(observation_data())
def test_an_observation_from_the_fast_path_is_the_converters(item: dict[str, Any]) -> None:
    made = _fast.observation(item)
    try:
        slow = _convert.structure(item, vc.Observation)
    except vc.ValidationError:
        assert made is _fast.MISS  # never accepts what the converter refuses
        return
    if made is not _fast.MISS:
        assert made == slow
        assert field_types(made) == field_types(slow)


@given(story_data())
def test_a_story_from_the_fast_path_is_the_converters(item: dict[str, Any]) -> None:
    made = _fast.story(item)
    try:
        slow = _convert.structure(item, vc.Story)
    except vc.ValidationError:
        assert made is _fast.MISS
        return
    if made is not _fast.MISS:
        assert made == slow
        assert field_types(made) == field_types(slow)
        for fast_step, slow_step in zip(made.steps, slow.steps, strict=True):
            assert field_types(fast_step) == field_types(slow_step)
        assert field_types(made.verification) == field_types(slow.verification)


@given(
    st.lists(st.one_of(observation_data(), ANY), max_size=6),
    st.lists(st.one_of(story_data(), ANY), max_size=4),
)
def test_fuzzed_documents_load_the_same_on_both_paths(
    observations: list[Any], stories: list[Any]
) -> None:
    data = document(observations, stories)
    fast = outcome(data)
    with slow_paths():
        slow = outcome(data)
    assert fast == slow


@given(st.lists(observation_data(), max_size=5), st.lists(story_data(), max_size=3))
def test_the_whole_list_is_wrong_type_the_same_on_both_paths(
    observations: list[Any], stories: list[Any]
) -> None:
    # Lists where a mapping belongs, and mappings where a list belongs.
    data = document(observations, stories)
    data["observations"] = {"0": observations}
    data["stories"] = stories or "none"
    fast = outcome(data)
    with slow_paths():
        assert outcome(data) == fast


def test_a_bad_observation_among_good_ones_has_the_same_problems() -> None:
    good = {"indicator": "ind-a", "date": "2026-01-01", "value": 3}
    observations = [good, {**good, "value": "3"}, {**good, "date": "2026-02-30"}, good]
    observations += [{**good, "indicator": "nope"}, {**good, "extra": {"x": math.nan}}]
    data = document(observations, [])
    fast = outcome(data)
    with slow_paths():
        assert outcome(data) == fast
    paths = [p.path for p in fast[1]]
    assert "$.observations[1].value" in paths
    assert "$.observations[2].date" in paths
    assert "$.observations[4].indicator" in paths
    assert "$.observations[5].extra.x" in paths


def test_repeated_ids_and_odd_references_have_the_same_problems() -> None:
    good = {"indicator": "ind-a", "date": "2026-01-01", "value": 3, "source": "src-a"}
    observations = [
        {**good, "id": "obs-1"},
        {**good, "id": "obs-1"},  # a repeat of an observation's id
        {**good, "id": "asp"},  # an aspiration's id
        {**good, "id": "obs-2", "source": "src-q"},  # a source that does not feed it
        {"indicator": "ind-q", "date": "2026-01-01", "value": 4},  # a number, qualitative
    ]
    step = {"cycle": "immediate", "text": "t", "indicators": ["ind-a"]}
    stories = [
        {"id": "story-1", "title": "T", "steps": [step, {**step, "observations": ["obs-2"]}]},
        {"id": "obs-1", "title": "T", "steps": [{**step, "cycle": "potential"}]},
        {"id": "story-2", "title": "T", "steps": [{**step, "cycle": "nowhere"}]},
        {"id": "story-3", "title": "T", "steps": [{**step, "observations": ["nope"]}]},
    ]
    data = document(observations, stories)
    fast = outcome(data)
    with slow_paths():
        assert outcome(data) == fast
    codes = {(p.path, p.code) for p in fast[1]}
    assert ("$.observations[1].id", "duplicate-id") in codes
    assert ("$.observations[2].id", "duplicate-id") in codes
    assert ("$.observations[3].source", "source-mismatch") in codes
    assert ("$.observations[4].value", "wrong-value-kind") in codes
    assert ("$.stories[1].id", "duplicate-id") in codes
    assert ("$.stories[2].steps[0].cycle", "unknown-cycle") in codes
    assert ("$.stories[3].steps[0].observations[0]", "unknown-reference") in codes


def test_a_year_given_as_a_number_says_to_quote_it_on_both_paths() -> None:
    good = {"indicator": "ind-a", "date": "2026-01-01", "value": 3}
    data = document([{**good, "period": 2026}, {**good, "period": 2026.5}], [])
    fast = outcome(data)
    with slow_paths():
        assert outcome(data) == fast
    assert [(p.path, p.code, p.message) for p in fast[1]] == [
        (
            "$.observations[0].period",
            "wrong-type",
            'expected text such as "2026", got an integer (quote a year: "2026")',
        ),
        ("$.observations[1].period", "wrong-type", 'expected text such as "2026", got a number'),
    ]


SLOW_CONVERTER = _convert._build_converter(fast=False)


def test_the_fast_unstructure_is_the_converters() -> None:
    observations = (
        vc.Observation(indicator="x", date=D, value=3),
        vc.Observation(
            id="o",
            indicator="x",
            date=D,
            value="text",
            period="2026-Q1",
            source="s",
            evidence="contribution",
            dimensions={"region": "north"},
            note="n",
            extra={"k": 1.5},
        ),
    )
    stories = (
        vc.Story(
            id="s",
            title="T",
            narrator="N",
            consent="public",
            date=D,
            tags=["a"],
            verification=vc.Verification(status="corroborated", by="B", date=D, note="n"),
            steps=[
                vc.Step(cycle="immediate", text="t", indicators=["x"], observations=["o"]),
                vc.Step(cycle="applied", text="u", aspirational=True, extra={"k": "v"}),
            ],
            extra={"e": True},
        ),
        vc.Story(id="s", title="T", steps=[]),
        vc.Story(id="s", title="T", steps=[], verification=vc.Verification(note="n")),
    )
    for items in (observations, stories):
        fast = _convert.unstructure(items)
        slow = SLOW_CONVERTER.unstructure(items, tuple[type(items[0]), ...])
        assert fast == slow
        # key for key, in the same order, all the way down
        assert orjson.dumps(fast) == orjson.dumps(slow)
    assert _convert.unstructure(stories[1:2]) == [{"id": "s", "title": "T", "steps": []}]


@given(st.lists(observation_data(), max_size=5), st.lists(story_data(), max_size=3))
def test_dumps_then_loads_is_the_same_case(observations: list[Any], stories: list[Any]) -> None:
    try:
        case = case_from_data(document(observations, stories))
    except vc.ValidationError:
        return
    assert vc.loads(vc.dumps(case, "json"), "json") == case
    with slow_paths():
        assert vc.loads(vc.dumps(case, "json"), "json") == case


def test_dump_writes_what_dumps_gives(tmp_path: Path) -> None:
    case = vc.load(Path(__file__).resolve().parent.parent / "examples/evaluators-network.yaml")
    for suffix in ("json", "yaml", "toml"):
        target = tmp_path / f"case.{suffix}"
        vc.dump(case, target)
        assert target.read_text(encoding="utf-8") == vc.dumps(case, suffix)


def test_a_json_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    text = '{"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "C"}}'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert vc.load(path).community.name == "C"


def test_a_json_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_bytes(b'{"community": {"name": "\xff"}}')
    with pytest.raises(vc.ValidationError) as caught:
        vc.load(path)
    assert caught.value.errors[0].code == "syntax"
    assert "is not UTF-8 text (byte 24" in caught.value.errors[0].message


def test_broken_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"schema_version": 1,\n  "framework": }', encoding="utf-8")
    with pytest.raises(vc.ValidationError) as caught:
        vc.load(path)
    problem = caught.value.errors[0]
    assert (problem.code, problem.line) == ("syntax", 2)


def test_the_collector_runs_again_after_a_load_good_or_bad(tmp_path: Path) -> None:
    assert gc.isenabled()
    path = tmp_path / "case.json"
    path.write_text('{"schema_version": 1}', encoding="utf-8")
    with pytest.raises(vc.ValidationError):
        vc.load(path)
    assert gc.isenabled()
    with pytest.raises(vc.ValidationError):
        vc.loads("a: [", "yaml")
    assert gc.isenabled()
    vc.loads('{"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "C"}}')
    assert gc.isenabled()
