"""Cycles by their canonical key: ``case.plan`` takes any alias, the iterators go in
the framework's order, and ``validate`` shows no private parameter."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc

FW = vc.load_framework()


def _case(cycles: dict[str, vc.CyclePlan], **kw: object) -> vc.Case:
    return vc.Case(community=vc.Community(name="E"), cycles=cycles, **kw)  # type: ignore[arg-type]


def _plan(tag: str) -> vc.CyclePlan:
    return vc.CyclePlan(
        aspirations=[vc.Aspiration(id=f"a-{tag}", text="A")],
        conditions=[vc.Condition(id=f"c-{tag}", text="C")],
        indicators=[vc.Indicator(id=f"i-{tag}", name="I")],
        data=[vc.DataSource(id=f"d-{tag}", name="D")],
    )


def test_plan_takes_a_key_or_an_alias_and_answers_the_documents_key() -> None:
    case = _case({"reframing": _plan("r")})
    assert case.plan("transformative") is case.cycles["reframing"]
    assert case.plan("reframing") is case.cycles["reframing"]
    assert case.plan("applied") == vc.CyclePlan()
    assert case.plan("not-a-cycle") == vc.CyclePlan()
    other = _case({"transformative": _plan("t")})
    assert other.plan("reframing") is other.cycles["transformative"]


def test_iterators_go_in_the_frameworks_order_with_canonical_keys() -> None:
    case = _case({"enabling": _plan("e"), "reframing": _plan("r"), "immediate": _plan("i")})
    expected = [("immediate", "i"), ("transformative", "r"), ("enabling", "e")]
    assert [(c, a.id[2:]) for c, a in case.aspirations()] == expected
    assert [(c, x.id[2:]) for c, x in case.conditions()] == expected
    assert [(c, x.id[2:]) for c, x in case.indicators()] == expected
    assert [(c, x.id[2:]) for c, x in case.data_sources()] == expected
    assert [key for key, _plan in case.plans()] == [c for c, _ in expected]
    # elements() keeps the document's keys, for error paths.
    assert [c for c, r, _i, _e in case.elements() if r == "aspirations"] == [
        "enabling",
        "reframing",
        "immediate",
    ]


def test_a_cycle_the_framework_does_not_know_comes_last_as_written() -> None:
    case = _case({"orienting": _plan("o"), "applied": _plan("a")})
    assert [c for c, _ in case.indicators()] == ["applied", "orienting"]


def test_a_framework_from_a_file_orders_and_resolves_its_own_cycles() -> None:
    fw = vc.load_framework("examples/frameworks/orienting-2020.toml")
    case = _case({"orienting": _plan("o"), "immediate": _plan("i")}, framework=fw.name)
    keys = [c for c, _ in case.indicators(fw)]
    assert keys == sorted(keys, key=fw.position)
    assert case.plan("orienting", fw).indicators[0].id == "i-o"


def test_an_unregistered_framework_keeps_the_document_order() -> None:
    case = _case({"applied": _plan("a"), "immediate": _plan("i")}, framework="nowhere")
    assert [c for c, _ in case.indicators()] == ["applied", "immediate"]
    assert case.plan("immediate").indicators[0].id == "i-i"


@given(st.permutations(list(FW.cycle_keys)))
def test_any_document_order_gives_the_frameworks_order(order: list[str]) -> None:
    case = _case({key: _plan(key) for key in order})
    assert [c for c, _ in case.aspirations()] == list(FW.cycle_keys)


def test_progress_and_gaps_use_the_canonical_key() -> None:
    ind = vc.Indicator(id="x", name="X")
    case = _case({"reframing": vc.CyclePlan(indicators=[ind])})
    assert vc.progress(case)["x"].cycle == "transformative"
    gaps = vc.build_graph(case).gaps(as_of=dt.date(2026, 1, 1))
    assert {g.cycle for g in gaps.of_kind("indicator-without-data")} == {"transformative"}


def test_validate_shows_no_private_parameter() -> None:
    params = inspect.signature(vc.validate).parameters
    assert list(params) == ["case", "framework"]
    assert not any(p.startswith("_") for p in params)


def test_until_leaves_out_what_is_dated_later() -> None:
    ind = vc.Indicator(id="x", name="X")
    obs = [vc.Observation(indicator="x", date=dt.date(2026, m, 1), value=m) for m in (1, 2, 3)]
    stories = [
        vc.Story(id="s1", title="S", date=dt.date(2026, 1, 15), steps=[vc.Step("applied", "t")]),
        vc.Story(id="s2", title="S", date=dt.date(2026, 2, 15), steps=[vc.Step("applied", "t")]),
        vc.Story(id="s3", title="S", steps=[vc.Step("applied", "t")]),
    ]
    case = _case({"immediate": vc.CyclePlan(indicators=[ind])}, observations=obs, stories=stories)
    then = case.until(dt.date(2026, 2, 1))
    assert [o.value for o in then.observations] == [1, 2]
    assert [s.id for s in then.stories] == ["s1", "s3"]
    assert case.until(None) is case
    assert case.until(dt.date(2030, 1, 1)) is case
    with pytest.raises(TypeError, match="as_of must be a date"):
        case.until(dt.datetime(2026, 1, 1))  # type: ignore[arg-type]
