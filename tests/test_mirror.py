"""The msgspec path reads exactly what the converter reads, and refuses the rest.

``io/_mirror.py`` reads a plainly right document into the models through
msgspec, and gives up (None) on anything else, which the converter then
reports. These tests fuzz whole documents, plan, observations and stories,
good and bad, as plain data and as JSON bytes, and check that whenever the
mirror gives a case it is the converter's case to the last field's type, and
that it never gives a case for a document the converter refuses.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import math
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from helpers import (
    ANY,
    _left_out,
    _maybe,
    _required,
    as_parsed,
    observation_data,
    slow_paths,
    story_data,
    typed,
)
from strategies import cases
from valuecycles.io import _mirror
from valuecycles.io._convert import structure

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def converter_case(data: Any) -> vc.Case | None:
    """The case cattrs alone reads from plain data (structure only), or None if it refuses it."""
    with slow_paths():
        try:
            return structure(data, vc.Case)
        except vc.ValidationError:
            return None


def assert_same(mirrored: Any, data: Any) -> None:
    slow = converter_case(data)
    if slow is None:
        assert mirrored is None  # never accepts what the converter refuses
    elif mirrored is not None:
        assert typed(mirrored) == typed(slow)


GOOD_ID_LISTS = st.sampled_from([["asp"], ["asp", "asp-2"], [], None])
ID_LISTS = st.one_of(GOOD_ID_LISTS, st.sampled_from([[" asp"], ["a\rb"], "asp", [3]]))
GOOD_MEASURES = st.sampled_from(
    [
        {"value": 1},
        {"value": 2.5, "date": "2026-01-01"},
        {"value": 10, "date": dt.date(2026, 6, 1)},
        {"value": -(2**63), "date": None},
        None,
    ]
)
MEASURES = st.one_of(
    GOOD_MEASURES,
    st.sampled_from(
        [
            {"value": True},
            {"value": "3"},
            {"value": math.inf},
            {"value": 2**63},
            {"date": "2026-01-01"},
            {"value": 1, "when": "2026"},
        ]
    ),
)


def _pick(wild: bool, good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
    """Good values, and bad ones too if ``wild``."""
    return st.one_of(good, bad) if wild else good


@st.composite
def indicator_data(draw: st.DrawFn, wild: bool) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if not _left_out(draw, wild):
        item["id"] = _required(draw, st.sampled_from(["ind-a", "ind-b"]), wild)
    if not _left_out(draw, wild):
        item["name"] = _required(draw, st.just("Hours to answer"), wild)
    _maybe(draw, item, "kind", st.sampled_from(["quantitative", "qualitative"]), wild)
    _maybe(draw, item, "unit", st.sampled_from(["hours", None]), wild)
    _maybe(draw, item, "direction", st.sampled_from(["increase", "decrease"]), wild)
    _maybe(draw, item, "aggregation", st.sampled_from(["latest", "sum", "mean", "count"]), wild)
    measures = _pick(wild, GOOD_MEASURES, MEASURES)
    _maybe(draw, item, "baseline", measures, wild)
    _maybe(draw, item, "target", measures, wild)
    _maybe(draw, item, "milestones", st.lists(measures.filter(bool), max_size=2), wild)
    _maybe(draw, item, "signals", _pick(wild, GOOD_ID_LISTS, ID_LISTS), wild)
    _maybe(draw, item, "description", st.sampled_from(["Why it matters", None]), wild)
    extras = st.sampled_from([{"n": 1}, {}, None, {"f": 0.5, "b": True}])
    _maybe(draw, item, "extra", _pick(wild, extras, st.just({"big": 2**64})), wild)
    if wild and not draw(st.integers(0, 14)):
        item["signal"] = ["asp"]
    return item


@st.composite
def element_data(draw: st.DrawFn, round_key: str, wild: bool) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if not _left_out(draw, wild):
        item["id"] = _required(draw, st.sampled_from(["asp", "asp-2", "cond", "src"]), wild)
    text_key = "name" if round_key == "data" else "text"
    if not _left_out(draw, wild):
        item[text_key] = _required(draw, st.just("Something"), wild)
    if round_key == "conditions":
        _maybe(draw, item, "kind", st.sampled_from(["enabler", "risk"]), wild)
        _maybe(draw, item, "supports", _pick(wild, GOOD_ID_LISTS, ID_LISTS), wild)
        _maybe(draw, item, "mitigation", st.sampled_from(["A plan", None]), wild)
    if round_key == "data":
        for key in ("method", "cadence", "owner"):
            _maybe(draw, item, key, st.sampled_from(["monthly", None]), wild)
        feeds = st.sampled_from([["ind-a"], [], None])
        _maybe(draw, item, "indicators", _pick(wild, feeds, st.just(["ind a "])), wild)
    _maybe(draw, item, "extra", st.sampled_from([{"s": "t"}, {}, None]), wild)
    return item


@st.composite
def plan_data(draw: st.DrawFn, wild: bool) -> Any:
    plan: dict[str, Any] = {}
    for round_key in ("aspirations", "conditions", "data"):
        _maybe(draw, plan, round_key, st.lists(element_data(round_key, wild), max_size=2), wild)
    _maybe(draw, plan, "indicators", st.lists(indicator_data(wild), max_size=3), wild)
    if wild and not draw(st.integers(0, 14)):
        plan["indicator"] = []
    if wild and not draw(st.integers(0, 4)):
        return draw(ANY)
    return plan if plan or draw(st.booleans()) else None


@st.composite
def documents(draw: st.DrawFn, *, well_formed: bool = False) -> dict[str, Any]:
    """A whole document: one in four anything at all, the others well formed."""
    wild = False if well_formed else not draw(st.integers(0, 3))
    data: dict[str, Any] = {}
    if not _left_out(draw, wild):
        data["schema_version"] = _required(draw, st.just(1), wild)
    if not _left_out(draw, wild):
        data["framework"] = _required(draw, st.just("wenger-trayner"), wild)
    _maybe(draw, data, "framework_version", st.sampled_from(["2023", None]), wild)
    if not _left_out(draw, wild):
        community: dict[str, Any] = {"name": _required(draw, st.just("Evaluators"), wild)}
        _maybe(draw, community, "description", st.sampled_from(["A network", None]), wild)
        data["community"] = _required(draw, st.just(community), wild)
    keys = st.sampled_from(["immediate", "potential", "reframing"])
    if wild:
        keys = st.one_of(keys, st.sampled_from([" applied", "a\nb", ""]))
    cycles = draw(st.dictionaries(keys, plan_data(wild), max_size=3))
    _maybe(draw, data, "cycles", st.one_of(st.just(cycles), st.just(None)), wild)
    flow = {"from": "ind-a", "to": "ind-b"}
    flows = st.sampled_from([[flow], [{**flow, "rationale": "Because"}], [], None])
    _maybe(draw, data, "flows", _pick(wild, flows, st.just([{"from_": "x"}])), wild)
    _maybe(draw, data, "observations", st.lists(observation_data(wild), max_size=4), wild)
    _maybe(draw, data, "stories", st.lists(story_data(wild), max_size=3), wild)
    extras = st.sampled_from([{"k": "v"}, None])
    _maybe(draw, data, "extra", _pick(wild, extras, st.just({"n": math.nan})), wild)
    if wild and not draw(st.integers(0, 19)):
        data["observation"] = []
    return data


@given(documents(well_formed=True))
def test_the_mirror_reads_every_well_formed_document(data: dict[str, Any]) -> None:
    # The agreement tests pass for a mirror that refuses everything; this one does not.
    data = as_parsed(data)
    assert converter_case(data) is not None
    assert _mirror.from_data(data) is not None
    safe = _json_safe(data)
    raw = orjson.dumps(safe)
    if _huge_float(safe):
        # It may have been an integer past 64 bits: the exact reader decides.
        assert _mirror.from_json(raw) is None
    else:
        assert _mirror.from_json(raw) is not None


def _huge_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(map(_huge_float, value.values()))
    if isinstance(value, list):
        return any(map(_huge_float, value))
    return isinstance(value, float) and not -(2.0**63) < value < 2.0**63


def test_the_mirror_reads_a_plain_case() -> None:
    data = {"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "C"}}
    assert _mirror.from_data(data) == vc.Case(community=vc.Community(name="C"))


@given(documents())
def test_a_fuzzed_document_reads_as_the_converter_reads_it(data: dict[str, Any]) -> None:
    data = as_parsed(data)
    assert_same(_mirror.from_data(data), data)


def _json_safe(value: Any) -> Any:
    """A value as JSON carries it: dates as text, and no infinities (orjson writes null)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return float(value)  # orjson writes no such integer
    return value


@given(documents())
def test_fuzzed_json_bytes_read_as_the_converter_reads_them(data: dict[str, Any]) -> None:
    raw = orjson.dumps(_json_safe(as_parsed(data)))
    assert_same(_mirror.from_json(raw), orjson.loads(raw))


@given(cases())
def test_every_valid_case_takes_the_fast_path_in_every_format(case: vc.Case) -> None:
    for fmt in ("json", "yaml", "toml"):
        text = vc.dumps(case, fmt)
        assert vc.loads(text, fmt) == case
    raw = vc.dumps(case, "json").encode()
    mirrored = _mirror.from_json(raw)
    if _huge_float(orjson.loads(raw)):  # the exact reader's, as the test above says
        assert mirrored is None
        return
    assert mirrored == case
    with slow_paths():
        assert typed(mirrored) == typed(vc.loads(raw.decode(), "json"))


#: The example cases, each read with the framework it needs.
EXAMPLE_CASES = ["evaluators-network.yaml", "small-network.yaml", "orienting-case.yaml"]


def example_framework(name: str) -> vc.Framework | None:
    """The framework an example case names, where it is not registered (else None)."""
    if name.startswith("orienting"):
        return vc.load_framework(EXAMPLES / "frameworks" / "orienting-2020.toml")
    return None


@pytest.mark.parametrize("name", EXAMPLE_CASES)
def test_the_examples_take_the_fast_path_and_load_the_same(name: str) -> None:
    framework = example_framework(name)
    case = vc.load(EXAMPLES / name, framework=framework)
    raw = vc.dumps(case, "json", framework=framework).encode()
    mirrored = _mirror.from_json(raw)
    assert mirrored == case
    with slow_paths():
        assert typed(vc.load(EXAMPLES / name, framework=framework)) == typed(case)
        assert typed(vc.loads(raw.decode(), "json", framework=framework)) == typed(mirrored)


BASE = b'{"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "C"}, '


@pytest.mark.parametrize(
    ("tail", "why"),
    [
        (b'"observations": [{"indicator": "i", "date": "2026-01-01", "value": 1e400}]}', "inf"),
        (b'"observations": [{"indicator": "i", "date": "2026-02-30", "value": 1}]}', "date"),
        (b'"observations": [{"indicator": "i", "date": "2026-W05-1", "value": 1}]}', "week"),
        (
            b'"observations": [{"indicator": "i", "date": "2026-01-01", '
            b'"value": 18446744073709551615}]}',
            "beyond 64 bits",
        ),
        (b'"observations": [{"indicator": " i", "date": "2026-01-01", "value": 1}]}', "id"),
        (b'"stories": [{"id": "s", "title": "  ", "steps": []}]}', "blank text"),
        (b'"cycles": {"immediate ": {}}}', "cycle key"),
        (b'"flows": [{"from_": "a", "to": "b"}]}', "python name"),
        (b'"extra": {"k": [1]}}', "nested extra"),
        (b'"community2": {}}', "unknown key"),
        (b'"extra": {"k": "\\ud800"}}', "lone surrogate"),
    ],
)
def test_json_the_mirror_refuses_is_left_to_the_converter(tail: bytes, why: str) -> None:
    raw = BASE + tail
    assert _mirror.from_json(raw) is None, why


@pytest.mark.parametrize("t", [set[str], list[int], dict[int, str], tuple[str, int], complex])
def test_a_field_type_it_was_not_written_for_is_refused_not_guessed(t: Any) -> None:
    # A model gaining such a field is an error at the mirror's first use, never a guess.
    with pytest.raises(TypeError):
        _mirror._field(t)


def test_a_default_made_by_a_factory_is_shared_only_when_nothing_can_change_it() -> None:
    assert _mirror._unchangeable(vc.Verification())
    assert not _mirror._unchangeable(vc.Community(name="C"))  # its extra is a dict
    assert not _mirror._unchangeable({})
    story = {"id": "s", "title": "T", "steps": []}
    data = {"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "C"}}
    case = _mirror.from_data({**data, "stories": [story, story]})
    assert case is not None
    assert case.stories[0].verification == vc.Verification()


JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=8),
        st.dates(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(JSONISH)
def test_anything_at_all_gives_a_case_or_none_never_an_exception(data: Any) -> None:
    made = _mirror.from_data(data)
    if isinstance(data, dict):
        assert_same(made, data)
    else:
        assert made is None


@given(st.binary(max_size=64) | st.builds(lambda d: orjson.dumps(_json_safe(d)), JSONISH))
def test_any_bytes_give_a_case_or_none_never_an_exception(raw: bytes) -> None:
    case = _mirror.from_json(raw)
    if case is not None:  # then orjson reads the bytes too, into the same case
        assert_same(case, orjson.loads(raw))


@pytest.mark.parametrize(
    "raw",
    [
        BASE + b'"extra": {"n": 01}}',
        BASE + b'"extra": {"n": 1,}}',
        BASE + b'"extra": {"n": NaN}}',
        BASE + b'"extra": {"n": Infinity}}',
        BASE + b'"extra": {"n": "a\tb"}}'.replace(b"\\t", b"\t"),
        BASE + b'"extra": {"n": 1}} ',
        BASE + b'"extra": {"n": 1}}\n\n',
        b"\n " + BASE + b'"extra": {"n": -0}}',
        BASE + b'"extra": {"n": 1e5}}',
        BASE + b'"extra": {"n": "\\u00e9\\ud83d\\ude00"}}',
    ],
)
def test_json_edge_cases_agree_with_orjson(raw: bytes) -> None:
    case = _mirror.from_json(raw)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        assert case is None  # what orjson cannot read, the mirror does not take
        return
    assert case is not None  # each of these documents is good
    assert_same(case, data)


@given(documents())
def test_reading_plain_data_never_changes_it(data: dict[str, Any]) -> None:
    # A document with problems is patched on the converter's path (salvage) to
    # find the whole-case problems too; only copies of its containers are edited.
    before = copy.deepcopy(data)
    with contextlib.suppress(vc.ValidationError):
        vc.loads(data)
    assert data == before


def test_a_container_shared_by_two_items_is_patched_for_one_only() -> None:
    good = {"indicator": "ind-a", "date": "2026-01-01", "value": 3}
    bad = {"indicator": "ind-a", "date": "2026-02-30", "value": 3, "note": 5}
    data = {
        "schema_version": 1,
        "framework": "wenger-trayner",
        "community": {"name": "C"},
        "cycles": {"immediate": {"indicators": [{"id": "ind-a", "name": "A"}]}},
        "observations": [bad, good, bad, {**good, "indicator": "nope"}],
    }
    before = copy.deepcopy(data)
    with pytest.raises(vc.ValidationError) as caught:
        vc.loads(data)
    assert data == before
    assert [(p.path, p.code) for p in caught.value.errors] == [
        ("$.observations[0].date", "invalid-date"),
        ("$.observations[0].note", "wrong-type"),
        ("$.observations[2].date", "invalid-date"),
        ("$.observations[2].note", "wrong-type"),
        ("$.observations[3].indicator", "unknown-reference"),
    ]
