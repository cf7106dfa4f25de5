"""``valuecycles portfolio``: tables, --json in its shape, CSV, the report, exit codes."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import valuecycles as vc
from valuecycles.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio"
FILE = str(EXAMPLE / "portfolio.yaml")


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["portfolio", FILE, *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_rollup_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", FILE, "rollup"]) == 0
    out = capsys.readouterr().out
    assert "reply-share" in out
    assert "82.4%" in out
    assert "5 of 5" in out


def test_rollup_json_is_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(capsys, "rollup", "--as-of", "2026-05-31")
    assert code == 0
    assert data["as_of"] == "2026-05-31"
    assert (
        data
        == vc.rollup(
            vc.load_portfolio(FILE), as_of=__import__("datetime").date(2026, 5, 31)
        ).to_dict()
    )
    [members] = [i for i in data["indicators"] if i["id"] == "active-members"]  # type: ignore[union-attr]
    assert members["latest"] == 110
    assert members["periods"][-1] == {
        "period": "2026-05",
        "value": 110,
        "reporting": 5,
        "carried": 0,
    }


@pytest.mark.parametrize("action", ["coverage", "gaps", "stories"])
def test_grids_and_stories(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", FILE, action]) == 0
    table = capsys.readouterr().out
    code, data = _json(capsys, action, "--as-of", "2026-07-01")
    assert code == 0
    assert data["schema_version"] == 1
    if action == "stories":
        assert "substantiated" in table
        assert data["stories"]["total"] == 7  # type: ignore[index]
    else:
        assert "orienting" in table
        assert "·" in table
        cells = data["cells"]
        assert {"case", "cycle", "count"} <= set(cells[0])  # type: ignore[index]
        absent = [c for c in cells if c["cycle"] == "orienting" and c["count"] is None]  # type: ignore[union-attr,index]
        assert len(absent) == 4


def test_a_case_that_fails_prints_everything_then_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "p"
    shutil.copytree(EXAMPLE, folder)
    shutil.copytree(EXAMPLE.parent / "frameworks", tmp_path / "frameworks")
    (folder / "cases" / "broken.yaml").write_text("schema_version: 1\nframework: wenger-trayner\n")
    code = main(["portfolio", str(folder / "portfolio.yaml"), "rollup", "--json"])
    captured = capsys.readouterr()
    assert code == 1
    data = json.loads(captured.out)
    broken = next(c for c in data["cases"] if c["id"] == "broken")
    assert broken["errors"][0]["code"] == "missing-field"
    assert next(i for i in data["indicators"] if i["id"] == "active-members")["of"] == 5
    assert "broken.yaml" in captured.err
    assert "counted nowhere" in captured.err


def test_a_bad_portfolio_file_exits_1_with_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("schema_version: 1\nname: P\ncases: [none/*.yaml]\nindicatrs: []\n")
    assert main(["portfolio", str(bad), "rollup"]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err
    assert "no-match" in err
    assert "line 4" in err
    assert "did you mean 'indicators'?" in err


def test_a_bad_portfolio_file_with_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("schema_version: 1\nname: P\ncases: [none/*.yaml]\n")
    assert main(["portfolio", str(bad), "rollup", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False
    assert data["errors"][0]["code"] == "no-match"
    assert data["errors"][0]["line"] == 3


def test_unknown_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["portfolio", FILE, "score"])
    assert info.value.code == 2


def test_export_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "figures.csv"
    assert main(["portfolio", FILE, "export", "--to", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["community", "indicator", "period", "value"]
    assert {
        "community": "Coastal nurses network",
        "indicator": "active-members",
        "period": "2026-01",
        "value": "40",
    } in rows
    assert {r["indicator"] for r in rows} >= {"reply-share.numerator", "reply-share.denominator"}
    capsys.readouterr()
    assert main(["portfolio", FILE, "export", "--to", "csv"]) == 0
    assert capsys.readouterr().out == out.read_text()


def test_report_with_case_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "portfolio.html"
    assert main(["portfolio", FILE, "report", "-o", str(page), "--with-case-reports"]) == 0
    assert "(and 5 case reports)" in capsys.readouterr().err  # confirmed on stderr
    text = page.read_text()
    assert "href='portfolio-cases/coastal-nurses.html'" in text
    assert (tmp_path / "portfolio-cases" / "coastal-nurses.html").is_file()
    assert main(["portfolio", FILE, "report", "-o", str(tmp_path / "p.md")]) == 2


def test_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    code, two = _json(capsys, "rollup", "--jobs", "2")
    code_one, one = _json(capsys, "rollup")
    assert code == code_one == 0
    assert one == two


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process, whose framework registry is as installed."""
    code = "import sys; from valuecycles.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False
    )


def test_framework_option(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    (folder / "cases").mkdir(parents=True)
    shutil.copy(EXAMPLE / "cases" / "river-midwives.yaml", folder / "cases")
    (folder / "p.yaml").write_text("schema_version: 1\nname: P\ncases: [cases/*.yaml]\n")
    without = _cli("portfolio", str(folder / "p.yaml"), "coverage")
    assert without.returncode == 1
    assert "unknown-framework" in without.stderr
    assert "frameworks:" in without.stderr  # the hint
    framework = EXAMPLE.parent / "frameworks" / "orienting-2020.toml"
    done = _cli("portfolio", str(folder / "p.yaml"), "coverage", "--framework", str(framework))
    assert done.returncode == 0, done.stderr
    assert "orienting" in done.stdout


def test_a_progress_bar_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("TERM", "xterm")
    assert main(["portfolio", FILE, "rollup"]) == 0
    assert "reading cases" in terminal.getvalue()
    assert "reply-share" in capsys.readouterr().out


def test_schema_for_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--for", "portfolio"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema == vc.portfolio_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
