"""Properties of the roll-up: one case is itself, order does not matter, silence is not zero."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from portfolio_cases import case_document, tagged, write_case, write_portfolio

PERIODS = [f"2026-{m:02d}" for m in range(1, 13)]
values = st.one_of(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0, max_value=10_000, allow_nan=False).map(lambda v: round(v, 3)),
)
series = st.dictionaries(st.sampled_from(PERIODS), values, max_size=8)
RULES = ("sum", "latest", "ratio", "count")


def _indicator(rule: str) -> dict[str, Any]:
    if rule == "ratio":
        return {"combine": "ratio", "numerator": [{"tag": "n"}], "denominator": [{"tag": "d"}]}
    if rule == "count":
        return {"combine": "count", "from": [{"tag": "n"}], "when": {"progress_at_least": 0.5}}
    return {"combine": rule, "from": [{"tag": "n"}]}


def _case(name: str, numbers: dict[str, Any], under: dict[str, Any]) -> dict[str, Any]:
    inds = {
        "x": tagged("n", baseline={"value": 0}, target={"value": 5000}),
        "y": tagged("d"),
    }
    rows = [("x", p, v) for p, v in numbers.items()] + [("y", p, v + 1) for p, v in under.items()]
    return case_document(name, inds, rows)


def _rolled(
    folder: Path, rule: str, cases: list[tuple[str, dict[str, Any]]], order: list[str] | None = None
) -> vc.Rollup:
    (folder / "cases").mkdir()
    for case_id, doc in cases:
        write_case(folder / "cases", case_id, doc)
    listed = [f"cases/{c}.json" for c in (order or [c for c, _d in cases])]
    path = write_portfolio(folder, [{"id": "f", "name": "F", **_indicator(rule)}], cases=listed)
    return vc.rollup(vc.load_portfolio(path))


@given(rule=st.sampled_from(("sum", "latest")), numbers=series)
def test_one_case_rolls_up_to_its_own_progress(rule: str, numbers: dict[str, Any]) -> None:
    doc = _case("Alone", numbers, {})
    with tempfile.TemporaryDirectory() as tmp:
        result = _rolled(Path(tmp), rule, [("alone", doc)])
        own = vc.progress(vc.load(Path(tmp) / "cases" / "alone.json"))["x"]
    rolled = result.indicator("f")
    assert [(p.period, p.value) for p in rolled.periods] == [
        (p.period, p.value) for p in own.series
    ]
    assert rolled.latest == own.latest
    assert rolled.reporting == (1 if numbers else 0)
    assert rolled.of == 1


cases_strategy = st.lists(st.tuples(series, series), min_size=1, max_size=4)


@given(rule=st.sampled_from(RULES), parts=cases_strategy, data=st.data())
def test_the_order_of_cases_does_not_matter(
    rule: str, parts: list[tuple[dict[str, Any], dict[str, Any]]], data: st.DataObject
) -> None:
    cases = [(f"c{i}", _case(f"C{i}", n, d)) for i, (n, d) in enumerate(parts)]
    ids = [c for c, _d in cases]
    shuffled = data.draw(st.permutations(ids))
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        a = _rolled(Path(one), rule, cases)
        b = _rolled(Path(two), rule, cases, order=list(shuffled))
    assert a.to_dict()["indicators"] == b.to_dict()["indicators"]
    assert a.stories == b.stories


@given(rule=st.sampled_from(RULES), parts=cases_strategy)
def test_a_case_that_reports_nothing_changes_only_of(
    rule: str, parts: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    cases = [(f"c{i}", _case(f"C{i}", n, d)) for i, (n, d) in enumerate(parts)]
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        before = _rolled(Path(one), rule, cases).to_dict()
        after = _rolled(Path(two), rule, [*cases, ("silent", _case("Silent", {}, {}))]).to_dict()
    [b] = before["indicators"]
    [a] = after["indicators"]
    assert a["of"] == b["of"] + 1
    assert {**a, "of": None} == {**b, "of": None}
    assert after["stories"] == before["stories"]
