"""The read path's shortcuts give exactly what cattrs alone gives.

Plainly right items (observations, stories, every model in a list) are read
by the msgspec mirror, the rest by cattrs; validation makes paths only for
what it reports. These tests fuzz documents, good and bad, and check that
with the shortcuts taken out (``helpers.slow_paths``) the cases, and the
problems with their codes, paths and messages, are the same.
"""

from __future__ import annotations

import gc
import math
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from helpers import ANY, D, as_parsed, document, observation_data, slow_paths, story_data
from valuecycles.io import _convert, _mirror, to_data


def outcome(data: Any) -> tuple[Any, ...]:
    """The case, or every error and warning, of loading plain data."""
    try:
        case = vc.loads(as_parsed(data))
    except vc.ValidationError as exc:
        return ("errors", exc.errors, exc.warnings)
    return ("case", case, vc.validate(case).warnings)


def field_types(model: Any) -> list[type]:
    return [type(getattr(model, a.name)) for a in attrs.fields(type(model))]


def test_every_list_of_models_is_read_through_the_mirror_first() -> None:
    _convert.structure({"name": "C"}, vc.Community)  # registers the readers
    readers = _convert.CONVERTER.item_readers
    assert {vc.Observation, vc.Story, vc.Step, vc.Flow, vc.Indicator} <= set(readers)
    item = {"indicator": "ind-a", "date": "2026-02-01", "value": 3, "source": "src-a"}
    assert readers[vc.Observation](item) == vc.Observation(
        indicator="ind-a", date=D, value=3, source="src-a"
    )
    assert readers[vc.Observation]({**item, "value": "3", "surplus": 1}) is None


@given(observation_data())
def test_an_observation_the_mirror_reads_is_the_one_cattrs_reads(item: dict[str, Any]) -> None:
    made = _mirror.item_reader(vc.Observation)(item)
    with slow_paths():
        try:
            slow = _convert.structure(item, vc.Observation)
        except vc.ValidationError:
            assert made is None  # never accepts what the converter refuses
            return
    if made is not None:
        assert made == slow
        assert field_types(made) == field_types(slow)


@given(story_data())
def test_a_story_the_mirror_reads_is_the_one_cattrs_reads(item: dict[str, Any]) -> None:
    made = _mirror.item_reader(vc.Story)(item)
    with slow_paths():
        try:
            slow = _convert.structure(item, vc.Story)
        except vc.ValidationError:
            assert made is None
            return
    if made is not None:
        assert made == slow
        assert field_types(made) == field_types(slow)
        for fast_step, slow_step in zip(made.steps, slow.steps, strict=True):
            assert field_types(fast_step) == field_types(slow_step)
        assert field_types(made.verification) == field_types(slow.verification)


@given(
    st.lists(observation_data(wild=False), max_size=5), st.lists(story_data(wild=False), max_size=3)
)
def test_the_mirror_reads_every_well_formed_item(
    observations: list[Any], stories: list[Any]
) -> None:
    # A mirror that refused everything would pass the agreement tests above; not this one.
    for item in observations:
        assert _mirror.item_reader(vc.Observation)(as_parsed(item)) is not None, item
    for item in stories:
        assert _mirror.item_reader(vc.Story)(as_parsed(item)) is not None, item


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


def test_written_data_leaves_defaults_out_and_reads_back() -> None:
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
    for item in (*observations, *stories):
        data = to_data(item)
        assert _convert.structure(data, type(item)) == item
        # Keys in the model's field order, as a person reads the document.
        order = [a.name for a in attrs.fields(type(item))]
        assert [k for k in order if k in data] == list(data)
    assert to_data(stories[1]) == {"id": "s", "title": "T", "steps": []}
    assert to_data(stories[2]) == {
        "id": "s",
        "title": "T",
        "verification": {"note": "n"},
        "steps": [],
    }
    assert to_data(observations[0]) == {"indicator": "x", "date": D, "value": 3}
    assert orjson.dumps(to_data(observations[1])).startswith(b'{"id":"o","indicator":"x"')


@given(st.lists(observation_data(), max_size=5), st.lists(story_data(), max_size=3))
def test_dumps_then_loads_is_the_same_case(observations: list[Any], stories: list[Any]) -> None:
    try:
        case = vc.loads(document(observations, stories))
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
