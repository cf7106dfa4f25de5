"""The roll-up rules, one table row each, through the public API as a user calls it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import valuecycles as vc
from portfolio_cases import case_document, tagged, write_case, write_portfolio

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio" / "portfolio.yaml"

# Each row: the portfolio indicator (without id and name), the cases as
# {case id: (indicator fields, [(indicator, period, value)])}, and what the
# roll-up must give: [(period, value, reporting)], latest, reporting, of.
RULES: list[
    tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, Any, int]], Any, int, int]
] = [
    (
        "a percentage is not a mean of percentages",
        {"combine": "ratio", "numerator": [{"tag": "answered"}], "denominator": [{"tag": "asked"}]},
        {
            "big": (
                {"a": tagged("answered"), "q": tagged("asked")},
                [("a", "2026-01", 90), ("q", "2026-01", 100)],
            ),
            "small": (
                {"a": tagged("answered"), "q": tagged("asked")},
                [("a", "2026-01", 1), ("q", "2026-01", 10)],
            ),
        },
        [("2026-01", 91 / 110, 2)],
        91 / 110,
        2,
        2,
    ),
    (
        "cumulative figures are not summed over periods",
        {"combine": "latest", "from": [{"tag": "docs"}]},
        {
            "a": (
                {"d": tagged("docs")},
                [("d", "2026-01", 10), ("d", "2026-02", 15), ("d", "2026-03", 20)],
            ),
        },
        [("2026-01", 10, 1), ("2026-02", 15, 1), ("2026-03", 20, 1)],
        20,
        1,
        1,
    ),
    (
        "latest carries a community's cumulative figure forward and counts it",
        {"combine": "latest", "from": [{"tag": "docs"}]},
        {
            "a": ({"d": tagged("docs")}, [("d", "2026-01", 10), ("d", "2026-02", 15)]),
            "b": ({"d": tagged("docs")}, [("d", "2026-01", 5)]),
        },
        [("2026-01", 15, 2), ("2026-02", 20, 2)],
        20,
        2,
        2,
    ),
    (
        "not reported is not zero",
        {"combine": "sum", "from": [{"tag": "active"}]},
        {
            "a": ({"x": tagged("active")}, [("x", "2026-01", 10), ("x", "2026-02", 12)]),
            "b": ({"x": tagged("active")}, [("x", "2026-01", 7)]),
            "silent": ({"x": tagged("active")}, []),
        },
        [("2026-01", 17, 2), ("2026-02", 12, 1)],
        12,
        1,
        3,
    ),
    (
        "sum adds each period's figures across communities",
        {"combine": "sum", "from": [{"tag": "active"}, {"case": "c", "indicator": "other"}]},
        {
            "a": ({"x": tagged("active")}, [("x", "2026-01", 1.5)]),
            "b": ({"x": tagged("active")}, [("x", "2026-01", 2.25)]),
            "c": ({"other": {}}, [("other", "2026-01", 3)]),
        },
        [("2026-01", 6.75, 3)],
        6.75,
        3,
        3,
    ),
    (
        "count judges each period against that case's own baseline and target",
        {"combine": "count", "from": [{"tag": "adoption"}], "when": {"progress_at_least": 1.0}},
        {
            "up": (
                {"x": tagged("adoption", baseline={"value": 10}, target={"value": 20})},
                [("x", "2026-01", 15), ("x", "2026-02", 21)],
            ),
            "down": (
                {
                    "x": tagged(
                        "adoption",
                        direction="decrease",
                        baseline={"value": 100},
                        target={"value": 50},
                    )
                },
                [("x", "2026-01", 40), ("x", "2026-02", 60)],
            ),
        },
        [("2026-01", 1, 2), ("2026-02", 1, 2)],
        1,
        2,
        2,
    ),
    (
        "count with a threshold on the value",
        {"combine": "count", "from": [{"tag": "wait"}], "when": {"latest_at_most": 24}},
        {
            "a": ({"x": tagged("wait")}, [("x", "2026-01", 20)]),
            "b": ({"x": tagged("wait")}, [("x", "2026-01", 30)]),
            "c": ({"x": tagged("wait")}, [("x", "2026-01", 24)]),
        },
        [("2026-01", 2, 3)],
        2,
        3,
        3,
    ),
    (
        "a community whose value cannot be judged is not reporting",
        {"combine": "count", "from": [{"tag": "adoption"}], "when": {"progress_at_least": 1.0}},
        {
            "a": (
                {"x": tagged("adoption", baseline={"value": 0}, target={"value": 4})},
                [("x", "2026-01", 4)],
            ),
            "no-target": ({"x": tagged("adoption")}, [("x", "2026-01", 9)]),
        },
        [("2026-01", 1, 1)],
        1,
        1,
        2,
    ),
    (
        "a ratio counts only communities that give both parts",
        {"combine": "ratio", "numerator": [{"tag": "answered"}], "denominator": [{"tag": "asked"}]},
        {
            "both": (
                {"a": tagged("answered"), "q": tagged("asked")},
                [("a", "2026-01", 3), ("q", "2026-01", 4)],
            ),
            "half": ({"a": tagged("answered"), "q": tagged("asked")}, [("a", "2026-01", 50)]),
        },
        [("2026-01", 0.75, 1)],
        0.75,
        1,
        2,
    ),
    (
        "a ratio over nothing has no value",
        {"combine": "ratio", "numerator": [{"tag": "answered"}], "denominator": [{"tag": "asked"}]},
        {
            "a": (
                {"a": tagged("answered"), "q": tagged("asked")},
                [("a", "2026-01", 0), ("q", "2026-01", 0)],
            )
        },
        [("2026-01", None, 1)],
        None,
        1,
        1,
    ),
    (
        "periods of different lengths are counted by the coarsest",
        {"combine": "sum", "from": [{"tag": "n"}]},
        {
            "monthly": (
                {"x": tagged("n", aggregation="sum")},
                [("x", "2026-01", 1), ("x", "2026-02", 2), ("x", "2026-04", 4)],
            ),
            "quarterly": ({"x": tagged("n", aggregation="sum")}, [("x", "2026-Q1", 10)]),
        },
        [("2026-Q1", 13, 2), ("2026-Q2", 4, 1)],
        4,
        1,
        2,
    ),
    (
        "a level is not added up when periods are put together",
        {"combine": "sum", "from": [{"tag": "n"}]},
        {
            "monthly": (
                {"x": tagged("n", aggregation="latest")},
                [("x", "2026-01", 40), ("x", "2026-02", 44), ("x", "2026-03", 47)],
            ),
            "quarterly": ({"x": tagged("n")}, [("x", "2026-Q1", 10)]),
        },
        [("2026-Q1", 57, 2)],
        57,
        2,
        2,
    ),
    (
        "per: year counts by year",
        {"combine": "latest", "per": "year", "from": [{"tag": "n"}]},
        {
            "a": (
                {"x": tagged("n")},
                [("x", "2025-11", 3), ("x", "2026-01", 5), ("x", "2026-03", 8)],
            )
        },
        [("2025", 3, 1), ("2026", 8, 1)],
        8,
        1,
        1,
    ),
    (
        "nothing reported anywhere: no figure, not zero",
        {"combine": "sum", "from": [{"tag": "n"}]},
        {"a": ({"x": tagged("n")}, [])},
        [],
        None,
        0,
        1,
    ),
]


def _rollup(tmp_path: Path, indicator: dict[str, Any], cases: dict[str, Any]) -> vc.Rollup:
    folder = tmp_path / "cases"
    folder.mkdir()
    for case_id, (indicators, observations) in cases.items():
        write_case(folder, case_id, case_document(f"Community {case_id}", indicators, observations))
    path = write_portfolio(tmp_path, [{"id": "figure", "name": "The figure", **indicator}])
    return vc.rollup(vc.load_portfolio(path))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b)
    return bool(a == b)


@pytest.mark.parametrize(
    ("indicator", "cases", "periods", "latest", "reporting", "of"),
    [row[1:] for row in RULES],
    ids=[row[0] for row in RULES],
)
def test_rule(
    tmp_path: Path,
    indicator: dict[str, Any],
    cases: dict[str, Any],
    periods: list[tuple[str, Any, int]],
    latest: Any,
    reporting: int,
    of: int,
) -> None:
    result = _rollup(tmp_path, indicator, cases)
    assert result.ok, (result.errors, [c.errors for c in result.cases])
    rolled = result.indicator("figure")
    got = [(p.period, p.value, p.reporting) for p in rolled.periods]
    assert [(p, r) for p, _v, r in got] == [(p, r) for p, _v, r in periods]
    assert all(_same(g[1], w[1]) for g, w in zip(got, periods, strict=True)), got
    assert _same(rolled.latest, latest) or (rolled.latest is None and latest is None)
    assert (rolled.reporting, rolled.of) == (reporting, of)


def test_latest_says_how_many_figures_were_carried(tmp_path: Path) -> None:
    result = _rollup(tmp_path, RULES[2][1], RULES[2][2])
    assert [p.carried for p in result.indicator("figure").periods] == [0, 1]


def test_the_count_that_cannot_judge_warns(tmp_path: Path) -> None:
    result = _rollup(tmp_path, RULES[7][1], RULES[7][2])
    [warning] = [w for w in result.warnings if w.code == "cannot-judge"]
    assert "no-target" in warning.message
    assert warning.path == "$.indicators[0].when"


def test_json_shape_is_the_contract() -> None:
    data = vc.rollup(vc.load_portfolio(EXAMPLE)).to_dict()
    assert data["schema_version"] == 1
    assert {"indicators", "stories", "cases"} <= set(data)
    for item in data["indicators"]:
        assert {"id", "name", "unit", "combine", "latest", "reporting", "of", "periods"} <= set(
            item
        )
        for period in item["periods"]:
            assert {"period", "value", "reporting"} <= set(period)
    assert {"by_reach", "by_verification"} <= set(data["stories"])
    for case in data["cases"]:
        assert {"id", "community", "errors"} <= set(case)


def test_the_example_rolls_up_across_frameworks() -> None:
    result = vc.rollup(vc.load_portfolio(EXAMPLE))
    assert result.ok
    keys = [c.key for c in result.cycles]
    # reframing-2011 calls the transformative cycle "reframing": one column.
    assert "reframing" not in keys
    assert "reframing" in next(c for c in result.cycles if c.key == "transformative").names
    # orienting is only in the orienting-2020 framework: shown for that case only.
    assert result.coverage.cell("river-midwives", "orienting").count == 2
    assert result.coverage.cell("coastal-nurses", "orienting").count is None
    assert result.coverage.cell("valley-paramedics", "transformative").count == 1
    assert result.stories.by_reach["transformative"] == 1
    assert result.stories.by_reach["none"] == 1
    assert result.stories.total == sum(result.stories.by_verification.values())


def test_a_case_that_fails_is_listed_and_the_others_roll_up(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    write_case(folder, "good", case_document("Good", {"x": tagged("n")}, [("x", "2026-01", 4)]))
    (folder / "broken.json").write_text('{"schema_version": 1, "framework": "wenger-trayner"}')
    path = write_portfolio(
        tmp_path, [{"id": "n", "name": "N", "combine": "sum", "from": [{"tag": "n"}]}]
    )
    result = vc.rollup(vc.load_portfolio(path))
    assert not result.ok
    broken = next(c for c in result.cases if c.id == "broken")
    assert broken.errors
    assert broken.community is None
    assert broken.stories is None
    assert broken.errors[0].code == "missing-field"
    rolled = result.indicator("n")
    assert (rolled.latest, rolled.reporting, rolled.of) == (4, 1, 1)
    assert [c["id"] for c in result.to_dict()["cases"]] == ["broken", "good"]
    assert result.coverage.cases == ("good",)


def test_an_indicator_a_case_lacks_is_named_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    write_case(
        folder,
        "nurses",
        case_document("Nurses", {"attendance": {}}, [("attendance", "2026-01", 4)]),
    )
    path = tmp_path / "portfolio.yaml"
    path.write_text(
        "schema_version: 1\nname: P\ncases: [cases/*.json]\nindicators:\n"
        "  - id: n\n    name: N\n    combine: sum\n    from:\n"
        "      - {case: nurses, indicator: atendance}\n"
        "      - {tag: activ}\n"
    )
    result = vc.rollup(vc.load_portfolio(path))
    assert not result.ok
    [error] = result.errors
    assert error.path == "$.indicators[0].from[0].indicator"
    assert "did you mean 'attendance'?" in error.message
    assert error.line == 9
    [warning] = result.warnings
    assert warning.code == "unmatched"
    assert warning.line == 10


def test_a_count_takes_one_indicator_per_community(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    inds = {"x": tagged("a", baseline={"value": 0}, target={"value": 1}), "y": tagged("a")}
    write_case(folder, "c", case_document("C", inds, [("x", "2026-01", 1)]))
    path = write_portfolio(
        tmp_path,
        [
            {
                "id": "k",
                "name": "K",
                "combine": "count",
                "from": [{"tag": "a"}],
                "when": {"latest_at_least": 1},
            }
        ],
    )
    result = vc.rollup(vc.load_portfolio(path))
    assert [e.code for e in result.errors] == ["ambiguous-mapping"]


def test_as_of_leaves_out_later_observations_and_stories(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    story = {
        "id": "s",
        "title": "Later",
        "date": "2026-03-01",
        "steps": [{"cycle": "applied", "text": "Used it"}],
    }
    doc = case_document(
        "C", {"x": tagged("n")}, [("x", "2026-01", 1), ("x", "2026-02", 2)], stories=[story]
    )
    write_case(folder, "c", doc)
    path = write_portfolio(
        tmp_path, [{"id": "n", "name": "N", "combine": "sum", "from": [{"tag": "n"}]}]
    )
    portfolio = vc.load_portfolio(path)
    before = vc.rollup(portfolio, as_of=vc_date("2026-02-01"))
    assert [p.period for p in before.indicator("n").periods] == ["2026-01"]
    assert before.stories.total == 0
    assert before.to_dict()["as_of"] == "2026-02-01"
    after = vc.rollup(portfolio)
    assert after.indicator("n").latest == 2
    assert after.stories.by_reach["applied"] == 1


def vc_date(text: str) -> Any:
    import datetime

    return datetime.date.fromisoformat(text)


def test_gaps_grid() -> None:
    result = vc.rollup(vc.load_portfolio(EXAMPLE), gaps=True, as_of=vc_date("2026-07-01"))
    assert result.gaps is not None
    data = result.gaps.to_dict()
    assert data["as_of"] == "2026-07-01"
    cell = result.gaps.cell("river-midwives", "orienting")
    assert cell.count is not None
    assert cell.count >= 0
    assert result.gaps.cell("hill-clinics", "orienting").count is None
    total = sum(c.count or 0 for c in result.gaps)
    assert total == sum(1 for g in result.gaps.gaps if g.cycle is not None)
    assert vc.rollup(vc.load_portfolio(EXAMPLE)).gaps is None


def test_figures_are_the_long_table() -> None:
    result = vc.rollup(vc.load_portfolio(EXAMPLE))
    rows = list(result.figures())
    assert ("Coastal nurses network", "active-members", "2026-01", 40) in rows
    assert ("Coastal nurses network", "reply-share.numerator", "2026-06", 31) in rows
    assert ("Coastal nurses network", "reply-share.denominator", "2026-06", 34) in rows
    by_period: dict[str, int] = {}
    for _c, ind, period, value in rows:
        if ind == "active-members":
            by_period[period] = by_period.get(period, 0) + int(value)
    rolled = {p.period: p.value for p in result.indicator("active-members").periods}
    assert by_period == rolled


def test_jobs_give_the_same_result() -> None:
    portfolio = vc.load_portfolio(EXAMPLE)
    seen: list[str] = []
    one = vc.rollup(portfolio)
    two = vc.rollup(portfolio, jobs=2, on_case=lambda c: seen.append(c.id))
    assert one.to_dict() == two.to_dict()
    assert sorted(seen) == sorted(c.id for c in portfolio.cases)
    with pytest.raises(ValueError, match="jobs"):
        vc.rollup(portfolio, jobs=0)


def test_rollup_registers_no_framework() -> None:
    before = vc.registered_frameworks()
    result = vc.rollup(vc.load_portfolio(EXAMPLE), jobs=2)
    assert result.ok
    assert vc.registered_frameworks() == before


SCRIPT = """
import json, sys, threading
import valuecycles as vc

if __name__ == "__main__":
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()  # with another thread running, workers are not forked
    try:
        result = vc.rollup(vc.load_portfolio(sys.argv[1]), jobs=2)
        print(json.dumps(result.to_dict()))
    finally:
        stop.set()
        other.join()
"""


def test_jobs_beside_other_threads(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == vc.rollup(vc.load_portfolio(EXAMPLE)).to_dict()
