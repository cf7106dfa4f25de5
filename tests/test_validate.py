"""Whole-case validation: every rule failing and passing, and properties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc

D = dt.date(2026, 1, 31)


def base_case(**changes: Any) -> vc.Case:
    """A small valid case touching every kind of element and reference."""
    case = vc.Case(
        community=vc.Community(name="Evaluators"),
        cycles={
            "immediate": vc.CyclePlan(
                aspirations=[vc.Aspiration(id="quick-answers", text="Answers within two days")],
                conditions=[
                    vc.Condition(
                        id="facilitation", text="Daily facilitation", supports=["quick-answers"]
                    ),
                    vc.Condition(
                        id="overload",
                        text="Facilitator overload",
                        kind="risk",
                        supports=["quick-answers"],
                        mitigation="Rotate the role",
                    ),
                ],
                indicators=[
                    vc.Indicator(
                        id="response-time",
                        name="Hours to answer",
                        direction="decrease",
                        baseline=vc.Measure(60, dt.date(2026, 1, 1)),
                        target=vc.Measure(24, dt.date(2026, 12, 31)),
                        signals=["quick-answers"],
                    ),
                    vc.Indicator(
                        id="mood",
                        name="How the forum feels",
                        kind="qualitative",
                        signals=["quick-answers"],
                    ),
                ],
                data=[
                    vc.DataSource(
                        id="forum-log", name="Forum export", indicators=["response-time", "mood"]
                    )
                ],
            ),
            "applied": vc.CyclePlan(
                aspirations=[vc.Aspiration(id="checklist-used", text="The checklist is used")],
                indicators=[
                    vc.Indicator(
                        id="adoption", name="Audits using the checklist", signals=["checklist-used"]
                    )
                ],
            ),
        },
        flows=[vc.Flow(from_="response-time", to="adoption")],
        observations=[
            vc.Observation(
                id="rt-1", indicator="response-time", date=D, value=52, source="forum-log"
            ),
            vc.Observation(indicator="mood", date=D, value="lively", source="forum-log"),
        ],
        stories=[
            vc.Story(
                id="s1",
                title="The checklist",
                steps=[
                    vc.Step(
                        cycle="immediate",
                        text="I asked",
                        indicators=["response-time"],
                        observations=["rt-1"],
                    ),
                    vc.Step(cycle="applied", text="I used it", indicators=["adoption"]),
                ],
            ),
        ],
    )
    return attrs.evolve(case, **changes)


def codes(report: vc.ValidationReport) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in report.errors]


def warning_codes(report: vc.ValidationReport) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in report.warnings]


def test_the_base_case_is_valid() -> None:
    report = vc.validate(base_case())
    assert report.valid, report.errors
    assert report.warnings == ()
    assert report.to_dict() == {"schema_version": 1, "valid": True, "errors": [], "warnings": []}


def test_unknown_framework_lists_registered() -> None:
    report = vc.validate(base_case(framework="nope"))
    assert codes(report)[0] == ("$.framework", "unknown-framework")
    assert "registered: " in report.errors[0].message
    assert "wenger-trayner" in report.errors[0].message


def test_unknown_cycle_lists_known_cycles() -> None:
    case = base_case()
    case = case.with_plan("orienting", vc.CyclePlan())
    report = vc.validate(case)
    assert codes(report) == [("$.cycles.orienting", "unknown-cycle")]
    assert "known cycles: applied, enabling, immediate" in report.errors[0].message


def test_duplicate_ids_across_kinds() -> None:
    case = base_case()
    plan = case.plan("applied")
    plan = attrs.evolve(
        plan, aspirations=[*plan.aspirations, vc.Aspiration(id="response-time", text="Clash")]
    )
    report = vc.validate(case.with_plan("applied", plan))
    assert ("$.cycles.applied.aspirations[1].id", "duplicate-id") in codes(report)
    message = next(p.message for p in report.errors if p.code == "duplicate-id")
    assert "indicator at $.cycles.immediate.indicators[0]" in message


def test_unknown_reference_names_the_known_ones_and_a_close_match() -> None:
    case = base_case()
    plan = case.plan("immediate")
    indicators = [attrs.evolve(plan.indicators[0], signals=["quick-answer"]), plan.indicators[1]]
    report = vc.validate(case.with_plan("immediate", attrs.evolve(plan, indicators=indicators)))
    assert codes(report) == [("$.cycles.immediate.indicators[0].signals[0]", "unknown-reference")]
    assert report.errors[0].message == (
        "unknown aspiration 'quick-answer' (did you mean 'quick-answers'?); "
        "known: checklist-used, quick-answers"
    )


def test_reference_to_the_wrong_kind() -> None:
    case = base_case(flows=[vc.Flow(from_="quick-answers", to="adoption")])
    report = vc.validate(case)
    assert codes(report) == [("$.flows[0].from", "unknown-reference")]
    assert report.errors[0].message.startswith(
        "'quick-answers' is an aspiration ($.cycles.immediate.aspirations[0]), not an indicator"
    )


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda c: _condition(c, supports=["nope"]),
            "$.cycles.immediate.conditions[0].supports[0]",
        ),
        (
            lambda c: _data(c, indicators=["response-time", "mood", "nope"]),
            "$.cycles.immediate.data[0].indicators[2]",
        ),
        (
            lambda c: attrs.evolve(c, flows=[vc.Flow(from_="response-time", to="nope")]),
            "$.flows[0].to",
        ),
        (lambda c: _observation(c, indicator="nope", source=None), "$.observations[0].indicator"),
        (lambda c: _observation(c, source="nope"), "$.observations[0].source"),
        (
            lambda c: _step(c, indicators=["nope"], observations=[]),
            "$.stories[0].steps[0].indicators[0]",
        ),
        (lambda c: _step(c, observations=["nope"]), "$.stories[0].steps[0].observations[0]"),
    ],
)
def test_every_reference_is_checked(change: Any, path: str) -> None:
    assert vc.validate(base_case()).valid
    report = vc.validate(change(base_case()))
    assert codes(report) == [(path, "unknown-reference")]


def test_observation_source_must_feed_its_indicator() -> None:
    case = base_case()
    case = _data(case, indicators=["mood"])
    report = vc.validate(case)
    assert codes(report) == [("$.observations[0].source", "source-mismatch")]
    assert "does not feed indicator 'response-time'" in report.errors[0].message


def test_observation_value_must_fit_the_indicator_kind() -> None:
    report = vc.validate(_observation(base_case(), value="fast"))
    assert codes(report) == [("$.observations[0].value", "wrong-value-kind")]
    obs = [base_case().observations[0], vc.Observation(indicator="mood", date=D, value=3)]
    report = vc.validate(base_case(observations=obs))
    assert codes(report) == [("$.observations[1].value", "wrong-value-kind")]


def test_story_step_cycle_must_exist() -> None:
    report = vc.validate(_step(base_case(), cycle="orienting"))
    assert codes(report) == [("$.stories[0].steps[0].cycle", "unknown-cycle")]


def test_story_needs_steps() -> None:
    story = vc.Story(id="empty", title="Nothing yet", steps=[])
    report = vc.validate(base_case().with_stories(story))
    assert codes(report) == [("$.stories[1].steps", "empty-story")]


def test_flow_to_itself_is_an_error_and_a_repeated_flow_a_warning() -> None:
    flow = vc.Flow(from_="adoption", to="adoption")
    report = vc.validate(base_case(flows=[flow]))
    assert codes(report) == [("$.flows[0]", "self-flow")]
    twice = [vc.Flow(from_="response-time", to="adoption")] * 2
    report = vc.validate(base_case(flows=twice))
    assert report.valid
    assert warning_codes(report) == [("$.flows[1]", "duplicate-flow")]


def test_qualitative_indicator_cannot_be_summed() -> None:
    case = base_case()
    plan = case.plan("immediate")
    mood = attrs.evolve(plan.indicators[1], aggregation="mean")
    case = case.with_plan("immediate", attrs.evolve(plan, indicators=[plan.indicators[0], mood]))
    assert codes(vc.validate(case)) == [
        ("$.cycles.immediate.indicators[1].aggregation", "invalid-aggregation")
    ]


def test_warnings_for_citations_and_targets() -> None:
    case = _step(base_case(), indicators=["adoption"], observations=["rt-1"])
    report = vc.validate(case)
    assert report.valid
    assert warning_codes(report) == [
        ("$.stories[0].steps[0].indicators[0]", "cross-cycle-citation"),
        ("$.stories[0].steps[0].observations[0]", "uncited-indicator"),
    ]
    case = base_case()
    plan = case.plan("immediate")
    wrong_way = attrs.evolve(plan.indicators[0], direction="increase")
    case = case.with_plan(
        "immediate", attrs.evolve(plan, indicators=[wrong_way, plan.indicators[1]])
    )
    assert warning_codes(vc.validate(case)) == [
        ("$.cycles.immediate.indicators[0].direction", "target-against-direction")
    ]


def test_mitigation_on_an_enabler_is_a_warning() -> None:
    report = vc.validate(_condition(base_case(), mitigation="Something"))
    assert warning_codes(report) == [
        ("$.cycles.immediate.conditions[0].mitigation", "mitigation-without-risk")
    ]


def test_aliases_count_as_cycles() -> None:
    fw = vc.Framework(
        name="test-aliases",
        cycles=[vc.Cycle(key="transformative", name="T", aliases=("reframing",))],
        rounds=vc.load_framework().rounds,
    )
    case = vc.Case(
        community=vc.Community(name="X"),
        framework="test-aliases",
        cycles={"reframing": vc.CyclePlan()},
    )
    assert vc.validate(case, fw).valid
    both = attrs.evolve(
        case, cycles={"reframing": vc.CyclePlan(), "transformative": vc.CyclePlan()}
    )
    assert codes(vc.validate(both, fw)) == [("$.cycles.transformative", "duplicate-cycle")]


def test_validation_error_carries_every_error() -> None:
    case = _observation(_step(base_case(), cycle="nope"), indicator="gone", source=None)
    report = vc.validate(case)
    assert len(report.errors) == 2
    with pytest.raises(vc.ValidationError) as info:
        report.raise_for_errors()
    assert info.value.errors == report.errors
    assert "2 errors" in str(info.value)


# --- helpers to change one thing -------------------------------------------------


def _condition(case: vc.Case, **changes: Any) -> vc.Case:
    plan = case.plan("immediate")
    conditions = [attrs.evolve(plan.conditions[0], **changes), *plan.conditions[1:]]
    return case.with_plan("immediate", attrs.evolve(plan, conditions=conditions))


def _data(case: vc.Case, **changes: Any) -> vc.Case:
    plan = case.plan("immediate")
    return case.with_plan(
        "immediate", attrs.evolve(plan, data=[attrs.evolve(plan.data[0], **changes)])
    )


def _observation(case: vc.Case, **changes: Any) -> vc.Case:
    obs = [attrs.evolve(case.observations[0], **changes), *case.observations[1:]]
    return attrs.evolve(case, observations=obs)


def _step(case: vc.Case, **changes: Any) -> vc.Case:
    story = case.stories[0]
    steps = [attrs.evolve(story.steps[0], **changes), *story.steps[1:]]
    return attrs.evolve(case, stories=[attrs.evolve(story, steps=steps)])


# --- properties ---------------------------------------------------------------------

CYCLE_KEYS = vc.load_framework().cycle_keys
ids = st.text(alphabet="abcdefghij-", min_size=1, max_size=6).filter(lambda s: s.strip("-") == s)


@st.composite
def valid_cases(draw: st.DrawFn) -> vc.Case:
    """Cases whose every reference resolves: ids drawn unique, references drawn from them."""
    names = draw(st.lists(ids, min_size=4, max_size=16, unique=True))
    n_asp = draw(st.integers(1, max(1, len(names) // 3)))
    asp_ids, rest = names[:n_asp], names[n_asp:]
    n_ind = draw(st.integers(1, max(1, len(rest) // 2)))
    ind_ids, src_ids = rest[:n_ind], rest[n_ind:]
    cycles: dict[str, dict[str, list[Any]]] = {}

    def put(round_key: str, element: Any) -> None:
        cycle = draw(st.sampled_from(CYCLE_KEYS))
        cycles.setdefault(cycle, {}).setdefault(round_key, []).append(element)

    for a in asp_ids:
        put("aspirations", vc.Aspiration(id=a, text=f"hope {a}"))
    for i in ind_ids:
        put(
            "indicators",
            vc.Indicator(
                id=i,
                name=f"measure {i}",
                signals=draw(st.lists(st.sampled_from(asp_ids), max_size=2, unique=True)),
            ),
        )
    feeds: dict[str, list[str]] = {}
    for s in src_ids:
        feeds[s] = draw(st.lists(st.sampled_from(ind_ids), max_size=3, unique=True))
        put("data", vc.DataSource(id=s, name=f"source {s}", indicators=feeds[s]))
    put(
        "conditions",
        vc.Condition(
            id="cond-x",
            text="a condition",
            supports=draw(st.lists(st.sampled_from(asp_ids), max_size=2, unique=True)),
        ),
    )
    observations = []
    for n, (source, fed) in enumerate(feeds.items()):
        for indicator in fed[:1]:
            observations.append(
                vc.Observation(
                    id=f"obs-x{n}",
                    indicator=indicator,
                    source=source,
                    date=D,
                    value=draw(st.integers(0, 100)),
                )
            )
    obs_ids = [o.id for o in observations if o.id]
    flows = []
    if len(ind_ids) > 1:
        a, b = draw(st.lists(st.sampled_from(ind_ids), min_size=2, max_size=2, unique=True))
        flows.append(vc.Flow(from_=a, to=b))
    steps = [
        vc.Step(
            cycle=draw(st.sampled_from(CYCLE_KEYS)),
            text="a step",
            indicators=draw(st.lists(st.sampled_from(ind_ids), max_size=2, unique=True)),
            observations=draw(st.lists(st.sampled_from(obs_ids), max_size=1)) if obs_ids else (),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    return vc.Case(
        community=vc.Community(name="Generated"),
        cycles={k: vc.CyclePlan(**v) for k, v in cycles.items()},
        flows=flows,
        observations=observations,
        stories=[vc.Story(id="story-x", title="A story", steps=steps)],
    )


def reference_sites(case: vc.Case) -> list[tuple[str, Any]]:
    """(document path, a function that breaks the reference there) for every reference."""
    sites: list[tuple[str, Any]] = []
    missing = "zz-missing"
    for cycle, plan in case.cycles.items():
        for i, cond in enumerate(plan.conditions):
            for j in range(len(cond.supports)):
                sites.append(
                    (
                        f"$.cycles.{cycle}.conditions[{i}].supports[{j}]",
                        _replace_in_plan(cycle, "conditions", i, "supports", j, missing),
                    )
                )
        for i, ind in enumerate(plan.indicators):
            for j in range(len(ind.signals)):
                sites.append(
                    (
                        f"$.cycles.{cycle}.indicators[{i}].signals[{j}]",
                        _replace_in_plan(cycle, "indicators", i, "signals", j, missing),
                    )
                )
        for i, src in enumerate(plan.data):
            for j in range(len(src.indicators)):
                sites.append(
                    (
                        f"$.cycles.{cycle}.data[{i}].indicators[{j}]",
                        _replace_in_plan(cycle, "data", i, "indicators", j, missing),
                    )
                )
    for i in range(len(case.flows)):
        for key, attr in (("from", "from_"), ("to", "to")):
            sites.append((f"$.flows[{i}].{key}", _replace_top("flows", i, attr, missing)))
    for i in range(len(case.observations)):
        sites.append(
            (
                f"$.observations[{i}].indicator",
                _replace_top("observations", i, "indicator", missing),
            )
        )
        sites.append(
            (f"$.observations[{i}].source", _replace_top("observations", i, "source", missing))
        )
    for i, story in enumerate(case.stories):
        for j, step in enumerate(story.steps):
            for field in ("indicators", "observations"):
                for k in range(len(getattr(step, field))):
                    sites.append(
                        (
                            f"$.stories[{i}].steps[{j}].{field}[{k}]",
                            _replace_step(i, j, field, k, missing),
                        )
                    )
    return sites


def _replace_in_plan(cycle: str, round_key: str, i: int, field: str, j: int, new: str) -> Any:
    def change(case: vc.Case) -> vc.Case:
        plan = case.plan(cycle)
        items = list(getattr(plan, round_key))
        refs = list(getattr(items[i], field))
        refs[j] = new
        items[i] = attrs.evolve(items[i], **{field: refs})
        return case.with_plan(cycle, attrs.evolve(plan, **{round_key: items}))

    return change


def _replace_top(name: str, i: int, attr: str, new: str) -> Any:
    def change(case: vc.Case) -> vc.Case:
        items = list(getattr(case, name))
        items[i] = attrs.evolve(items[i], **{attr: new})
        return attrs.evolve(case, **{name: items})

    return change


def _replace_step(i: int, j: int, field: str, k: int, new: str) -> Any:
    def change(case: vc.Case) -> vc.Case:
        stories = list(case.stories)
        steps = list(stories[i].steps)
        refs = list(getattr(steps[j], field))
        refs[k] = new
        steps[j] = attrs.evolve(steps[j], **{field: refs})
        stories[i] = attrs.evolve(stories[i], steps=steps)
        return attrs.evolve(case, stories=stories)

    return change


@given(valid_cases())
def test_generated_valid_cases_pass(case: vc.Case) -> None:
    report = vc.validate(case)
    assert report.valid, report.errors


@given(valid_cases(), st.data())
def test_a_single_broken_reference_is_found_where_it_is(case: vc.Case, data: st.DataObject) -> None:
    sites = reference_sites(case)
    if not sites:
        return
    path, breaks = data.draw(st.sampled_from(sites))
    report = vc.validate(breaks(case))
    unknown = [p for p in report.errors if p.code == "unknown-reference"]
    assert [p.path for p in unknown] == [path]
    assert "zz-missing" in unknown[0].message
    # Taking an indicator off a data source also unfeeds that source's observations.
    assert {p.code for p in report.errors} <= {"unknown-reference", "source-mismatch"}


@given(valid_cases())
def test_a_duplicated_id_is_found(case: vc.Case) -> None:
    first = next(iter(case.elements()))
    cycle, round_key, _i, element = first
    plan = case.plan(cycle)
    items = [*getattr(plan, round_key), element]
    report = vc.validate(case.with_plan(cycle, attrs.evolve(plan, **{round_key: items})))
    assert (f"$.cycles.{cycle}.{round_key}[{len(items) - 1}].id", "duplicate-id") in [
        (p.path, p.code) for p in report.errors
    ]
