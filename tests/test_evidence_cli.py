"""``valuecycles query CASE progress|stories|matrix``: tables for people, --json for programs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import valuecycles as vc
from valuecycles.cli import main

CASE = """\
schema_version: 1
framework: wenger-trayner
community: {name: Nurses}
cycles:
  immediate:
    indicators:
      - id: rt
        name: Hours to answer
        unit: hours
        direction: decrease
        baseline: {value: 60}
        target: {value: 24}
        milestones: [{value: 40, date: 2026-06-30}]
      - id: empty
        name: Nobody measures me
    data:
      - {id: log, name: Log, cadence: monthly, indicators: [rt]}
  applied:
    indicators:
      - {id: mood, name: What members say, kind: qualitative}
observations:
  - {id: o1, indicator: rt, date: 2026-02-01, period: 2026-01, value: 45, source: log}
  - {id: o2, indicator: rt, date: 2026-03-01, period: 2026-02, value: 30, source: log,
     evidence: contribution}
  - {indicator: mood, date: 2026-03-01, value: "Much  better\\nthan before, really, truly, yes"}
stories:
  - id: first
    title: The first answer
    verification: {status: substantiated}
    steps:
      - {cycle: immediate, text: I asked, indicators: [rt], observations: [o1, o2]}
      - {cycle: applied, text: I used it, aspirational: true}
  - id: sponsor
    title: The sponsor listened
    steps:
      - {cycle: strategic, text: Our manager heard of it}
"""


@pytest.fixture
def case_file(tmp_path: Path) -> str:
    path = tmp_path / "case.yaml"
    path.write_text(CASE, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("question", ["progress", "stories", "matrix"])
def test_json_is_the_python_results_to_dict(
    capsys: pytest.CaptureFixture[str], case_file: str, question: str
) -> None:
    code, out, _ = run(capsys, "query", case_file, question, "--json")
    assert code == 0
    case = vc.load(case_file)
    expected = {
        "progress": vc.progress,
        "stories": vc.story_summaries,
        "matrix": vc.matrix,
    }[question](case)
    assert json.loads(out) == json.loads(json.dumps(expected.to_dict()))


def test_progress_table(capsys: pytest.CaptureFixture[str], case_file: str) -> None:
    code, out, _ = run(capsys, "query", case_file, "progress")
    assert code == 0
    lines = out.splitlines()
    head = ["indicator", "latest", "period", "baseline", "->", "target", "progress"]
    assert lines[0].split() == head
    assert lines[1] == "immediate"
    # The contribution figure of February (30) is not the latest: effect data only.
    assert lines[2].split() == ["rt", "45", "2026-01", "60", "->", "24", "42%"]
    assert lines[3].split() == ["empty", "-", "-", "-", "-"]
    assert "rt: next milestone 40 by 2026-06-30 (75% of the way); contribution data:" in out
    assert "ungrouped 30 (2026-02)" in out
    assert "empty: no effect data yet." in out
    assert "mood: its latest value is a text: Much better than before" in out
    assert "3 indicators: 1 with progress toward a target, 1 without effect data." in out
    assert "\x1b[" not in out
    assert max(map(len, lines)) <= 80


def test_progress_table_fits_80_columns_however_long_the_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    long = "an-indicator-with-a-very-long-identifier-indeed"
    text = CASE.replace("id: rt", f"id: {long}").replace("indicator: rt", f"indicator: {long}")
    text = text.replace("indicators: [rt]", f"indicators: [{long}]")
    text = text.replace("value: 45,", "value: 123456.789012,").replace(
        "{value: 60}", "{value: -1.5e-7}"
    )
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "query", str(path), "progress")
    assert code == 0, err
    assert max(map(len, out.splitlines())) <= 80
    assert "an-indicator-with-a-ver…" in out


def test_as_of_reaches_every_query(capsys: pytest.CaptureFixture[str], case_file: str) -> None:
    code, out, _ = run(capsys, "query", case_file, "progress", "--as-of", "2026-02-15", "--json")
    rows = {r["indicator"]: r for r in json.loads(out)["indicators"]}
    assert (rows["rt"]["latest"], rows["rt"]["contribution"]) == (45, [])
    assert rows["mood"]["status"] == "no-data"
    code, out, _ = run(capsys, "query", case_file, "progress", "--as-of", "2026-02-15")
    assert "3 indicators as of 2026-02-15:" in out
    code, out, _ = run(capsys, "query", case_file, "matrix", "--as-of", "2026-02-15", "--json")
    cell = json.loads(out)["cells"][0]
    assert (cell["effect"], cell["contribution"]) == (1, 0)
    code, out, _ = run(capsys, "query", case_file, "gaps", "--as-of", "2026-01-15", "--json")
    data = json.loads(out)
    assert data["as_of"] == "2026-01-15"
    missing = {g["id"] for g in data["gaps"] if g["kind"] == "indicator-without-observations"}
    assert missing == {"rt", "empty", "mood"}
    for question in ("stories", "coverage", "chains"):
        code, out, err = run(capsys, "query", case_file, question, "--as-of", "2026-01-15")
        assert code == 0, err
    with pytest.raises(SystemExit) as exc:
        main(["query", case_file, "progress", "--as-of", "15/01/2026"])
    assert exc.value.code == 2
    assert "not a date (YYYY-MM-DD): '15/01/2026'" in capsys.readouterr().err


def test_stories_table_and_filters(capsys: pytest.CaptureFixture[str], case_file: str) -> None:
    code, out, _ = run(capsys, "query", case_file, "stories")
    assert code == 0
    assert out.splitlines()[1].split()[:4] == ["first", "applied", "substantiated", "immediate"]
    assert out.splitlines()[2].split()[:4] == ["sponsor", "-", "unverified", "strategic"]
    code, out, _ = run(capsys, "query", case_file, "stories", "--reaching", "strategic", "--json")
    assert [s["id"] for s in json.loads(out)["stories"]] == ["sponsor"]
    code, out, _ = run(capsys, "query", case_file, "stories", "--verification", "corroborated")
    assert out == "No stories (corroborated).\n"
    code, out, _ = run(capsys, "query", case_file, "stories", "--citing", "o2")
    assert out.endswith("1 story (citing o2).\n")


def test_stories_reaching_an_unknown_cycle_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], case_file: str
) -> None:
    code, out, err = run(capsys, "query", case_file, "stories", "--reaching", "orienting")
    assert (code, out) == (2, "")
    assert "unknown cycle 'orienting'" in err
    with pytest.raises(SystemExit) as exc:
        main(["query", case_file, "stories", "--verification", "checked"])
    assert exc.value.code == 2


def test_matrix_table(capsys: pytest.CaptureFixture[str], case_file: str) -> None:
    code, out, _ = run(capsys, "query", case_file, "matrix")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["story", *vc.load_framework().cycle_keys]
    assert lines[1].split() == ["first", "step", "1", "-", "step", "2", "-", "-", "-", "-"]
    assert lines[2].split() == ["sponsor", "-", "-", "-", "-", "-", "step", "1", "-"]
    assert "step 1 (immediate): cites rt; 1 effect and 1 contribution observations." in out
    assert "step 2 (applied): hoped for." in out
    assert "step 1 (strategic): no evidence cited." in out
    assert "[1e1c]" not in out
    assert "Steps are numbered from 1 here; --json and exports count them from 0." in out
    assert "3 steps in 2 stories: 1 hoped for, citing 1 effect and 1 contribution" in out
    assert "Indicators no story cites: empty, mood." in out


def test_an_invalid_case_exits_1_with_its_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASE.replace("observations: [o1, o2]", "observations: [o9]"))
    code, out, err = run(capsys, "query", str(bad), "matrix")
    assert (code, out) == (1, "")
    assert "unknown observation 'o9'" in err


def test_the_installed_command_without_colour(case_file: str) -> None:
    command = Path(sys.executable).with_name("valuecycles")
    argv = [str(command)] if command.exists() else [sys.executable, "-m", "valuecycles"]
    done = subprocess.run(
        [*argv, "query", case_file, "progress"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("  indicator")
    assert "\x1b[" not in done.stdout


def test_the_example_shows_its_contribution_comparison_in_json_and_frames(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = str(Path(__file__).resolve().parent.parent / "examples" / "evaluators-network.yaml")
    code, out, _ = run(capsys, "query", example, "progress", "--json")
    rows = {r["indicator"]: r for r in json.loads(out)["indicators"]}
    audits = rows["audit-duration"]
    # The effect series is the monthly audit records alone.
    assert (audits["latest"], audits["latest_period"]) == (10.4, "2026-10")
    assert all(p["contribution"] == 0 for p in audits["series"])
    latest = {
        c["group"]["tools"]: (c["points"][-1]["period"], c["points"][-1]["value"])
        for c in audits["contribution"]
    }
    assert latest == {"used": ("2026-Q3", 9.2), "not-used": ("2026-Q3", 11.7)}
    code, out, _ = run(capsys, "query", example, "progress")
    assert code == 0
    assert "audit-duration: contribution data: tools=not-used 11.7 (2026-Q3); tools=used" in out
    frame = vc.progress(vc.load(example)).to_frame()
    mine = frame[(frame.indicator == "audit-duration") & (frame.evidence == "contribution")]
    assert sorted(set(mine.group)) == ["tools=not-used", "tools=used"]
    assert len(mine) == 8


def test_graph_frames_without_pandas_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    case = vc.Case(community=vc.Community(name="E"))
    gaps = vc.build_graph(case).gaps()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'valuecycles\[frames\]'"):
        gaps.to_frame()
    with pytest.raises(ImportError, match=r"valuecycles\[frames\]"):
        vc.matrix(case).to_frame()


def test_as_of_leaves_later_stories_out_of_stories_chains_and_the_matrix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inds = [vc.Indicator(id=i, name=i) for i in ("a", "b")]
    steps = [
        vc.Step(cycle="immediate", text="1", indicators=["a"]),
        vc.Step(cycle="potential", text="2"),  # cites nothing: passed over
        vc.Step(cycle="applied", text="3", indicators=["b"]),
    ]
    case = vc.Case(
        community=vc.Community(name="E"),
        cycles={
            "immediate": vc.CyclePlan(indicators=inds[:1]),
            "applied": vc.CyclePlan(indicators=inds[1:]),
        },
        stories=[vc.Story(id="late", title="L", date=dt.date(2026, 5, 1), steps=steps)],
    )
    path = tmp_path / "case.yaml"
    vc.dump(case, path)
    chains = ["chains", "--from", "immediate", "--to", "applied", "--json"]
    for as_of, stories in (("2026-05-01", ["late"]), ("2026-04-30", [])):
        _, out, _ = run(capsys, "query", str(path), "stories", "--json", "--as-of", as_of)
        assert [s["id"] for s in json.loads(out)["stories"]] == stories
        _, out, _ = run(capsys, "query", str(path), *chains, "--as-of", as_of)
        found = [c["indicators"] for c in json.loads(out)["chains"]]
        assert found == ([["a", "b"]] if stories else [])
        _, out, _ = run(capsys, "query", str(path), "matrix", "--json", "--as-of", as_of)
        assert json.loads(out)["stories"] == stories
