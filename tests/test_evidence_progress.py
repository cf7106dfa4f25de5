"""Indicator progress: periods, aggregation, change and progress toward target."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles.evidence import STATUSES

D = dt.date
DESIGN_KEYS = ["indicator", "cycle", "unit", "baseline", "target", "latest", "change", "progress"]


def _case(
    *indicators: vc.Indicator,
    observations: list[vc.Observation] | None = None,
    data: list[vc.DataSource] | None = None,
) -> vc.Case:
    plan = vc.CyclePlan(indicators=indicators, data=data or [])
    return vc.Case(
        community=vc.Community(name="Evaluators"),
        cycles={"immediate": plan},
        observations=observations or [],
    )


def _ind(**kw: Any) -> vc.Indicator:
    kw.setdefault("id", "x")
    kw.setdefault("name", "X")
    for key in ("baseline", "target"):
        if isinstance(kw.get(key), int | float):
            kw[key] = vc.Measure(kw[key])
    return vc.Indicator(**kw)


def _obs(day: dt.date, value: int | float | str, **kw: Any) -> vc.Observation:
    return vc.Observation(indicator=kw.pop("indicator", "x"), date=day, value=value, **kw)


def test_the_guides_example_a_decrease_toward_its_target() -> None:
    ind = _ind(direction="decrease", baseline=60, target=24, unit="hours")
    row = vc.progress(_case(ind, observations=[_obs(D(2026, 3, 1), 30)]))["x"]
    assert (row.latest, row.change, row.status) == (30, -30, "measured")
    assert row.progress == pytest.approx(30 / 36)
    assert row.to_dict()["progress"] == pytest.approx(0.83, abs=0.005)


def test_to_dict_starts_with_designs_keys_and_keeps_unknowns_as_null() -> None:
    result = vc.progress(_case(_ind(unit=None)))
    d = result.to_dict()
    assert list(d) == ["schema_version", "indicators"]
    assert d["schema_version"] == 1
    row = d["indicators"][0]
    assert list(row)[:8] == DESIGN_KEYS
    assert row == row | {
        "indicator": "x",
        "cycle": "immediate",
        "unit": None,
        "baseline": None,
        "target": None,
        "latest": None,
        "change": None,
        "progress": None,
        "status": "no-data",
        "series": [],
        "next_milestone": None,
        "contribution": [],
    }


@pytest.mark.parametrize(
    ("kw", "values", "status", "change"),
    [
        ({"baseline": 10, "target": 20}, [], "no-data", None),
        ({"target": 20}, [15], "no-baseline", None),
        ({"baseline": 10}, [15], "no-target", 5),
        ({"baseline": 10, "target": 10}, [15], "target-equals-baseline", 5),
        ({"baseline": 10, "target": 5}, [15], "target-against-direction", 5),
        ({"baseline": 10, "target": 5, "direction": "decrease"}, [15], "measured", 5),
    ],
)
def test_what_is_unknown_stays_null(
    kw: dict[str, Any], values: list[int], status: str, change: int | None
) -> None:
    obs = [_obs(D(2026, 1 + i, 1), v) for i, v in enumerate(values)]
    row = vc.progress(_case(_ind(**kw), observations=obs))["x"]
    assert row.status == status
    assert row.change == change
    assert (row.progress is None) == (status != "measured")


def test_progress_is_not_clamped() -> None:
    ind = _ind(baseline=10, target=20)
    beyond = vc.progress(_case(ind, observations=[_obs(D(2026, 1, 1), 25)]))["x"]
    worse = vc.progress(_case(ind, observations=[_obs(D(2026, 1, 1), 5)]))["x"]
    assert (beyond.progress, worse.progress) == (1.5, -0.5)


def test_qualitative_latest_is_a_text_and_count_is_a_number() -> None:
    texts = [_obs(D(2026, 1, d), f"quote {d}") for d in (3, 9, 20)]
    latest = vc.progress(_case(_ind(kind="qualitative"), observations=texts))["x"]
    assert (latest.latest, latest.status, latest.change) == ("quote 20", "not-a-number", None)
    counted = _ind(kind="qualitative", aggregation="count", baseline=0, target=6)
    row = vc.progress(_case(counted, observations=texts))["x"]
    assert (row.latest, row.progress) == (3, 0.5)


def test_aggregations_within_a_month() -> None:
    obs = [_obs(D(2026, 1, 5), 4), _obs(D(2026, 1, 20), 2), _obs(D(2026, 1, 20), 9)]
    obs.append(_obs(D(2026, 2, 1), 7))
    got = {}
    for agg in ("latest", "sum", "mean", "count"):
        row = vc.progress(_case(_ind(aggregation=agg), observations=obs))["x"]
        got[agg] = [(p.period, p.value) for p in row.series]
    assert got == {
        "latest": [("2026-01", 9), ("2026-02", 7)],  # same date: the later in the case
        "sum": [("2026-01", 15), ("2026-02", 7)],
        "mean": [("2026-01", 5.0), ("2026-02", 7.0)],
        "count": [("2026-01", 3), ("2026-02", 1)],
    }


def test_an_explicit_period_wins_and_the_sources_cadence_counts() -> None:
    src = vc.DataSource(id="survey", name="Survey", cadence="Quarterly", indicators=["x"])
    weekly = vc.DataSource(id="log", name="Log", cadence="weekly", indicators=["x"])
    obs = [
        _obs(D(2026, 2, 1), 1, period="2026-01"),  # January, reported in February
        _obs(D(2026, 2, 10), 2, source="survey"),  # 2026-Q1
        _obs(D(2026, 5, 10), 3),  # no source: the first understood cadence (quarterly)
        _obs(D(2026, 5, 11), 4, source="log"),  # ISO week 20
    ]
    row = vc.progress(_case(_ind(aggregation="sum"), observations=obs, data=[src, weekly]))["x"]
    assert [(p.period, p.value) for p in row.series] == [
        ("2026-01", 1),
        ("2026-Q1", 2),
        ("2026-Q2", 3),
        ("2026-W20", 4),
    ]
    assert row.series[1].start == D(2026, 1, 1)
    assert row.series[1].end == D(2026, 3, 31)


def test_without_a_cadence_observations_count_by_month() -> None:
    src = vc.DataSource(id="talks", name="Talks", cadence="after each meeting", indicators=["x"])
    obs = [_obs(D(2026, 3, 31), 1, source="talks"), _obs(D(2026, 4, 1), 1, source="talks")]
    row = vc.progress(_case(_ind(aggregation="sum"), observations=obs, data=[src]))["x"]
    assert [p.period for p in row.series] == ["2026-03", "2026-04"]


def test_dimensions_have_their_own_series() -> None:
    obs = [
        _obs(D(2026, 1, 31), 3, dimensions={"region": "north"}),
        _obs(D(2026, 1, 31), 5, dimensions={"region": "south"}),
        _obs(D(2026, 2, 28), 4, dimensions={"region": "north"}),
    ]
    row = vc.progress(_case(_ind(aggregation="sum"), observations=obs))["x"]
    assert [(p.period, p.value) for p in row.series] == [("2026-01", 8), ("2026-02", 4)]
    assert (row.series[0].effect, row.series[0].contribution) == (2, 0)
    north = row.dimensions["region"]["north"]
    assert [(p.period, p.value) for p in north] == [("2026-01", 3), ("2026-02", 4)]
    assert [p.value for p in row.dimensions["region"]["south"]] == [5]
    d = row.to_dict()
    assert d["dimensions"]["region"]["south"][0]["value"] == 5


def test_breakdown_only_periods_add_up_for_sum_and_count_only() -> None:
    obs = [
        _obs(D(2026, 1, 31), 9, dimensions={"region": "north"}),
        _obs(D(2026, 1, 31), 6, dimensions={"region": "south"}),
    ]
    expected = {"sum": 15, "count": 2, "latest": None, "mean": None}
    for agg, value in expected.items():
        ind = _ind(aggregation=agg, baseline=10, target=20)
        row = vc.progress(_case(ind, observations=obs))["x"]
        point = row.series[0]
        assert (point.value, row.latest) == (value, value), agg
        assert point.breakdowns_only == (value is None)
        assert row.status == ("measured" if value is not None else "breakdowns-only")
        assert row.to_dict()["series"][0]["breakdowns_only"] == (value is None)
        # The breakdowns are kept and shown whatever the aggregation.
        assert [p.value for p in row.dimensions["region"]["south"]] == [1 if agg == "count" else 6]


def test_breakdowns_by_different_dimensions_do_not_add_up_to_a_total() -> None:
    # 15 people by region and the same 15 by role: summing all four would say 30.
    obs = [
        _obs(D(2026, 1, 31), 9, dimensions={"region": "north"}),
        _obs(D(2026, 1, 31), 6, dimensions={"region": "south"}),
        _obs(D(2026, 1, 31), 10, dimensions={"role": "staff"}),
        _obs(D(2026, 1, 31), 5, dimensions={"role": "member"}),
        _obs(D(2026, 2, 28), 7, dimensions={"region": "north"}),
        _obs(D(2026, 2, 28), 8, dimensions={"region": "south"}),
    ]
    for agg in ("sum", "count"):
        row = vc.progress(_case(_ind(aggregation=agg), observations=obs))["x"]
        january, february = row.series
        assert (january.value, january.breakdowns_only) == (None, True), agg
        assert (february.value, february.breakdowns_only) == (15 if agg == "sum" else 2, False)
        # Each way of splitting is still shown on its own.
        assert [p.value for p in row.dimensions["role"]["staff"]] == [10 if agg == "sum" else 1]
    # An overall figure for the period wins, as always.
    total = [*obs, _obs(D(2026, 1, 31), 15)]
    row = vc.progress(_case(_ind(aggregation="sum"), observations=total))["x"]
    assert row.series[0].value == 15


def test_contribution_data_is_a_comparison_apart_from_the_effect_series() -> None:
    # The survey recipe's bug: with latest, a contribution figure replaced the effect one.
    ind = _ind(aggregation="latest", baseline=35, target=65)
    obs = [
        _obs(D(2026, 7, 1), 75, period="2026-Q2"),
        _obs(D(2026, 7, 1), 50, period="2026-Q2", evidence="contribution"),
        _obs(
            D(2026, 4, 1),
            9.2,
            period="2026-Q1",
            evidence="contribution",
            dimensions={"tools": "used"},
        ),
        _obs(
            D(2026, 4, 1),
            11.7,
            period="2026-Q1",
            evidence="contribution",
            dimensions={"tools": "not-used"},
        ),
    ]
    row = vc.progress(_case(ind, observations=obs))["x"]
    assert row.latest == 75
    assert row.progress == pytest.approx(40 / 30)
    assert [p.period for p in row.series] == ["2026-Q2"]
    assert row.observations == 1
    groups = [(c.group, [(p.period, p.value) for p in c.points]) for c in row.contribution]
    assert groups == [
        ({}, [("2026-Q2", 50)]),
        ({"tools": "not-used"}, [("2026-Q1", 11.7)]),
        ({"tools": "used"}, [("2026-Q1", 9.2)]),
    ]
    assert all(p.contribution == 1 and p.effect == 0 for c in row.contribution for p in c.points)
    d = row.to_dict()["contribution"]
    assert d[2]["group"] == {"tools": "used"}
    assert d[2]["points"][0]["value"] == 9.2
    assert vc.progress(_case(ind, observations=obs[:1]))["x"].to_dict()["contribution"] == []


def test_contribution_data_alone_leaves_the_effect_series_without_data() -> None:
    obs = [_obs(D(2026, 1, 5), 4, evidence="contribution")]
    row = vc.progress(_case(_ind(baseline=1, target=5), observations=obs))["x"]
    assert (row.status, row.latest, row.series) == ("no-data", None, ())
    assert [c.latest for c in row.contribution] == [4]


def test_as_of_leaves_out_later_observations() -> None:
    ind = _ind(baseline=0, target=10)
    obs = [
        _obs(D(2026, 1, 5), 4),
        _obs(D(2026, 2, 5), 8),
        _obs(D(2026, 3, 5), 9, evidence="contribution"),
    ]
    case = _case(ind, observations=obs)
    assert vc.progress(case)["x"].latest == 8
    early = vc.progress(case, as_of=D(2026, 1, 31))["x"]
    assert (early.latest, early.progress, early.contribution) == (4, 0.4, ())
    assert vc.progress(case, as_of=D(2026, 2, 5))["x"].latest == 8
    assert vc.progress(case, as_of=D(2025, 12, 31))["x"].status == "no-data"
    with pytest.raises(TypeError, match="as_of must be a date"):
        vc.progress(case, as_of="2026-01-31")  # type: ignore[arg-type]


def test_to_frame_is_long_one_row_a_point() -> None:
    pytest.importorskip("pandas")
    obs = [
        _obs(D(2026, 1, 31), 3, dimensions={"region": "north"}),
        _obs(D(2026, 1, 31), 10),
        _obs(D(2026, 1, 31), 2, evidence="contribution", dimensions={"tools": "used", "a": "b"}),
    ]
    frame = vc.progress(_case(_ind(aggregation="sum"), observations=obs)).to_frame()
    assert list(frame.columns) == ["indicator", "cycle", "period", "value", "evidence", "group"]
    assert frame.to_dict("records") == [
        {
            "indicator": "x",
            "cycle": "immediate",
            "period": "2026-01",
            "value": 10,
            "evidence": "effect",
            "group": None,
        },
        {
            "indicator": "x",
            "cycle": "immediate",
            "period": "2026-01",
            "value": 3,
            "evidence": "effect",
            "group": "region=north",
        },
        {
            "indicator": "x",
            "cycle": "immediate",
            "period": "2026-01",
            "value": 2,
            "evidence": "contribution",
            "group": "a=b;tools=used",
        },
    ]
    empty = vc.progress(_case(_ind())).to_frame()
    assert list(empty.columns) == ["indicator", "cycle", "period", "value", "evidence", "group"]
    assert len(empty) == 0


def test_to_frame_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"valuecycles\[frames\]"):
        vc.progress(_case(_ind())).to_frame()


def test_an_overall_value_wins_over_breakdowns_in_its_period() -> None:
    obs = [
        _obs(D(2026, 1, 31), 3, dimensions={"region": "north"}),
        _obs(D(2026, 1, 31), 5, dimensions={"region": "south"}),
        _obs(D(2026, 1, 31), 10),  # the total, reported on its own
        _obs(D(2026, 2, 28), 4, dimensions={"region": "north"}),
    ]
    for agg, january in (("sum", 10), ("latest", 10), ("mean", 10), ("count", 1)):
        row = vc.progress(_case(_ind(aggregation=agg), observations=obs))["x"]
        assert row.series[0].value == january
        assert row.series[0].observations == 1
        # February has breakdowns only: they add up for sum and count alone.
        february = {"sum": 4, "count": 1}.get(agg)
        assert row.series[1].value == february
        assert [p.value for p in row.dimensions["region"]["south"]] == [1 if agg == "count" else 5]


def test_the_next_milestone_is_the_one_the_latest_data_is_judged_against() -> None:
    milestones = [
        vc.Measure(30, D(2026, 12, 31)),
        vc.Measure(20, D(2026, 6, 30)),
        vc.Measure(25),
    ]
    ind = _ind(baseline=10, target=40, milestones=milestones)
    june = vc.progress(_case(ind, observations=[_obs(D(2026, 7, 2), 15, period="2026-06")]))["x"]
    assert june.next_milestone == vc.Measure(20, D(2026, 6, 30))
    assert june.milestone_progress == 0.5
    july = vc.progress(_case(ind, observations=[_obs(D(2026, 7, 2), 15)]))["x"]
    assert july.next_milestone == vc.Measure(30, D(2026, 12, 31))
    late = vc.progress(_case(ind, observations=[_obs(D(2027, 1, 2), 35)]))["x"]
    assert late.next_milestone == vc.Measure(25)  # undated: always ahead
    assert late.to_dict()["next_milestone"] == {"value": 25, "date": None}


def test_indicators_come_in_the_frameworks_cycle_order_with_aliases_resolved() -> None:
    case = vc.Case(
        community=vc.Community(name="E"),
        cycles={
            "enabling": vc.CyclePlan(indicators=[_ind(id="e")]),
            "reframing": vc.CyclePlan(indicators=[_ind(id="t")]),
            "immediate": vc.CyclePlan(indicators=[_ind(id="i1"), _ind(id="i2")]),
        },
    )
    result = vc.progress(case)
    assert [(r.indicator, r.cycle) for r in result] == [
        ("i1", "immediate"),
        ("i2", "immediate"),
        ("t", "transformative"),
        ("e", "enabling"),
    ]
    assert "t" in result
    assert "nope" not in result


def test_observations_of_unknown_indicators_are_left_to_validation() -> None:
    obs = [_obs(D(2026, 1, 1), 1, indicator="ghost")]
    assert vc.progress(_case(_ind(), observations=obs))["x"].status == "no-data"


# --- properties -------------------------------------------------------------------

small = st.one_of(
    st.integers(-10_000, 10_000),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
days = st.dates(D(2024, 1, 1), D(2026, 12, 31))


def _independent(values: list[tuple[dt.date, int | float]], aggregation: str) -> dict[str, Any]:
    """Month by month, the plain way: a list per month, then the textbook formula."""
    months: dict[str, list[tuple[dt.date, int, int | float]]] = {}
    for n, (day, value) in enumerate(values):
        months.setdefault(day.strftime("%Y-%m"), []).append((day, n, value))
    result: dict[str, Any] = {}
    for month, items in months.items():
        numbers = [v for _d, _n, v in items]
        if aggregation == "sum":
            result[month] = math.fsum(numbers)
        elif aggregation == "mean":
            result[month] = math.fsum(numbers) / len(numbers)
        elif aggregation == "count":
            result[month] = len(numbers)
        else:
            result[month] = max(items, key=lambda t: (t[0], t[1]))[2]
    return dict(sorted(result.items()))


@given(
    st.lists(st.tuples(days, small), max_size=40),
    st.sampled_from(["latest", "sum", "mean", "count"]),
)
def test_aggregation_matches_an_independent_computation(
    values: list[tuple[dt.date, int | float]], aggregation: str
) -> None:
    obs = [_obs(day, value) for day, value in values]
    row = vc.progress(_case(_ind(aggregation=aggregation), observations=obs))["x"]
    expected = _independent(values, aggregation)
    assert [p.period for p in row.series] == list(expected)
    for point in row.series:
        assert point.value == pytest.approx(expected[point.period], rel=1e-9, abs=1e-6)
    assert row.observations == len(values)


measures = st.one_of(st.integers(-1000, 1000), st.floats(-1e4, 1e4, allow_nan=False))


SPLITS = [{}, {"region": "north"}, {"region": "south"}, {"role": "staff"}, {"role": "member"}]


@given(
    st.lists(st.tuples(days, small, st.sampled_from(SPLITS)), max_size=30),
    st.sampled_from(["latest", "sum", "mean", "count"]),
)
def test_a_period_total_comes_from_its_plain_data_or_one_way_of_splitting_it(
    values: list[tuple[dt.date, int | float, dict[str, str]]], aggregation: str
) -> None:
    obs = [_obs(day, value, dimensions=split) for day, value, split in values]
    row = vc.progress(_case(_ind(aggregation=aggregation), observations=obs))["x"]
    months: dict[str, list[tuple[dt.date, int | float, dict[str, str]]]] = {}
    for item in values:
        months.setdefault(item[0].strftime("%Y-%m"), []).append(item)
    expected: dict[str, Any] = {}
    for month, items in months.items():
        plain = [(day, value) for day, value, split in items if not split]
        ways = {frozenset(split) for _d, _v, split in items if split}
        if plain:
            expected[month] = _independent(plain, aggregation)[month]
        elif aggregation in ("sum", "count") and len(ways) == 1:
            expected[month] = _independent([(d, v) for d, v, _s in items], aggregation)[month]
        else:
            expected[month] = None
    assert [p.period for p in row.series] == sorted(expected)
    for point in row.series:
        want = expected[point.period]
        assert point.breakdowns_only == (want is None)
        assert point.value == (None if want is None else pytest.approx(want, rel=1e-9, abs=1e-6))


@given(
    st.lists(st.tuples(days, small), max_size=12),
    st.none() | measures,
    st.none() | measures,
    st.sampled_from(["increase", "decrease"]),
)
def test_progress_keeps_its_documented_rules(
    values: list[tuple[dt.date, int | float]],
    baseline: float | None,
    target: float | None,
    direction: str,
) -> None:
    ind = _ind(baseline=baseline, target=target, direction=direction)
    row = vc.progress(_case(ind, observations=[_obs(d, v) for d, v in values]))["x"]
    assert row.status in STATUSES
    if not values:
        assert (row.latest, row.change, row.progress, row.status) == (None, None, None, "no-data")
        return
    assert row.latest == row.series[-1].value
    if baseline is None:
        assert row.change is None
    else:
        assert row.change == row.latest - baseline
    if row.progress is None:
        assert row.status != "measured"
        return
    assert row.status == "measured"
    assert baseline is not None
    assert target is not None
    # Direction-aware and unclamped: 0 at baseline, 1 at target, linear between and beyond.
    assert (target > baseline) == (direction == "increase")
    assert row.progress * (target - baseline) + baseline == pytest.approx(
        row.latest, rel=1e-9, abs=1e-6
    )
    better = row.latest > baseline if direction == "increase" else row.latest < baseline
    if row.latest != baseline:
        assert (row.progress > 0) == better
    reached = row.latest >= target if direction == "increase" else row.latest <= target
    if not math.isclose(row.latest, target, rel_tol=1e-9, abs_tol=1e-9):
        assert (row.progress >= 1) == reached
    assert math.isfinite(row.progress)


@given(
    st.lists(
        st.tuples(
            days,
            small,
            st.sampled_from(["effect", "contribution"]),
            st.sampled_from([{}, {"tools": "used"}, {"tools": "not-used"}]),
        ),
        max_size=30,
    ),
    st.sampled_from(["latest", "sum", "mean", "count"]),
)
def test_contribution_never_touches_the_effect_series_and_each_group_is_a_series(
    values: list[tuple[dt.date, int | float, str, dict[str, str]]], aggregation: str
) -> None:
    ind = _ind(aggregation=aggregation, baseline=0, target=100)
    obs = [_obs(d, v, evidence=e, dimensions=dims) for d, v, e, dims in values]
    row = vc.progress(_case(ind, observations=obs))["x"]
    effect_only = [o for o in obs if o.evidence == "effect"]
    alone = vc.progress(_case(ind, observations=effect_only))["x"]
    assert row.series == alone.series
    assert (row.latest, row.progress, row.status) == (alone.latest, alone.progress, alone.status)
    groups = {tuple(sorted(o.dimensions.items())) for o in obs if o.evidence == "contribution"}
    assert [tuple(sorted(c.group.items())) for c in row.contribution] == sorted(groups)
    for series in row.contribution:
        # A group's series is the series its observations would make as plain effect data.
        mine = [
            attrs.evolve(o, evidence="effect", dimensions={})
            for o in obs
            if o.evidence == "contribution" and o.dimensions == series.group
        ]
        as_effect = vc.progress(_case(ind, observations=mine))["x"].series
        assert [(p.period, p.value) for p in series.points] == [
            (p.period, p.value) for p in as_effect
        ]
        assert all(p.effect == 0 and p.contribution == p.observations for p in series.points)
