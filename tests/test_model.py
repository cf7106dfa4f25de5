"""Constructing models checks each field's own type and allowed values."""

from __future__ import annotations

import datetime as dt
import math

import pytest

import valuecycles as vc

D = dt.date(2026, 2, 1)


def test_defaults_follow_the_design() -> None:
    ind = vc.Indicator(id="x", name="X")
    assert (ind.kind, ind.direction, ind.aggregation) == ("quantitative", "increase", "latest")
    assert vc.Condition(id="c", text="C").kind == "enabler"
    obs = vc.Observation(indicator="x", date=D, value=3)
    assert obs.evidence == "effect"
    story = vc.Story(id="s", title="S", steps=[vc.Step(cycle="immediate", text="t")])
    assert story.consent == "internal"
    assert story.verification.status == "unverified"
    assert vc.Case(community=vc.Community(name="C")).schema_version == 1


def test_lists_become_tuples() -> None:
    ind = vc.Indicator(id="x", name="X", signals=["a", "b"])
    assert ind.signals == ("a", "b")
    with pytest.raises(TypeError, match="not the string"):
        vc.Indicator(id="x", name="X", signals="a")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: vc.Aspiration(id="", text="t"), ValueError, "id: must not be empty"),
        (lambda: vc.Aspiration(id=" a", text="t"), ValueError, "spaces at its ends"),
        (lambda: vc.Aspiration(id="a", text=3), TypeError, "text: expected a string"),
        (lambda: vc.Indicator(id="a", name="n", kind="numeric"), ValueError, "indicator kind"),
        (lambda: vc.Indicator(id="a", name="n", direction="up"), ValueError, "direction"),
        (lambda: vc.Indicator(id="a", name="n", aggregation="max"), ValueError, "aggregation"),
        (lambda: vc.Measure(value="60"), TypeError, "expected a number"),
        (lambda: vc.Measure(value=True), TypeError, "expected a number"),
        (lambda: vc.Measure(value=math.inf), ValueError, "not a finite number"),
        (lambda: vc.Observation(indicator="x", date=D, value=math.nan), ValueError, "finite"),
        (lambda: vc.Observation(indicator="x", date="2026-01-01", value=1), TypeError, "date"),
        (
            lambda: vc.Observation(indicator="x", date=dt.datetime(2026, 1, 1), value=1),
            TypeError,
            "date",
        ),
        (
            lambda: vc.Observation(indicator="x", date=D, value=1, period="2026-13"),
            ValueError,
            "period",
        ),
        (
            lambda: vc.Observation(indicator="x", date=D, value=1, evidence="proof"),
            ValueError,
            "evidence kind",
        ),
        (lambda: vc.Observation(indicator="x", date=D, value=[1]), TypeError, "number or a text"),
        (lambda: vc.Verification(status="checked"), ValueError, "verification status"),
        (lambda: vc.Story(id="s", title="t", steps=[], consent="open"), ValueError, "consent"),
        (lambda: vc.Community(name="c", extra={"k": [1]}), TypeError, "string, number or boolean"),
        (
            lambda: vc.CyclePlan(indicators=[vc.Aspiration(id="a", text="t")]),
            TypeError,
            "expected Indicator",
        ),
    ],
)
def test_bad_fields_are_refused(build: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        build()  # type: ignore[operator]


@pytest.mark.parametrize("period", ["2026", "2026-Q1", "2026-Q4", "2026-01", "2026-12"])
def test_periods(period: str) -> None:
    assert vc.Observation(indicator="x", date=D, value=1, period=period).period == period


def test_with_methods_return_new_cases() -> None:
    case = vc.Case(community=vc.Community(name="C"))
    obs = vc.Observation(indicator="x", date=D, value=1)
    story = vc.Story(id="s", title="S", steps=[vc.Step(cycle="immediate", text="t")])
    newer = case.with_observations(obs).with_stories(story)
    assert case.observations == ()
    assert case.stories == ()
    assert newer.observations == (obs,)
    assert newer.stories == (story,)
    planned = case.with_plan("immediate", vc.CyclePlan(aspirations=[vc.Aspiration("a", "A")]))
    assert [a.id for _, a in planned.aspirations()] == ["a"]
    assert next(iter(planned.elements()))[:3] == ("immediate", "aspirations", 0)
    assert case.plan("potential") == vc.CyclePlan()


def test_models_are_frozen() -> None:
    asp = vc.Aspiration(id="a", text="t")
    with pytest.raises(AttributeError):
        asp.text = "other"  # type: ignore[misc]
