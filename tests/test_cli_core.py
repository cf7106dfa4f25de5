"""The command line's foundation: --version, validate, guide --print, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import valuecycles
from valuecycles.cli import main

BAD = """\
schema_version: 1
framework: wenger-trayner
community: {name: X}
cycles:
  immediate:
    indicators:
      - id: rt
        name: 5
        signals: [nope]
"""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"valuecycles {valuecycles.__version__}"


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--nope"])
    assert info.value.code == 2


def test_validate_the_example(example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(example_path)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_reports_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 8" in err
    assert "$.cycles.immediate.indicators[0].name" in err
    assert "unknown aspiration 'nope'" in err
    assert "\x1b[" not in err  # no colour when not a terminal


def test_validate_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    assert main(["validate", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False
    assert [e["code"] for e in out["errors"]] == ["wrong-type", "unknown-reference"]
    assert set(out["errors"][0]) >= {"path", "code", "message"}
    assert out["warnings"] == []


def test_validate_several_files_json(
    tmp_path: Path, example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    assert main(["validate", str(example_path), str(bad), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in out] == [str(example_path), str(bad)]
    assert [r["valid"] for r in out] == [True, False]


def test_validate_missing_file_and_bad_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "none.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err
    odd = tmp_path / "case.txt"
    odd.write_text("x")
    assert main(["validate", str(odd)]) == 1
    assert "unsupported-format" in capsys.readouterr().err


@pytest.mark.parametrize("question", ["gaps", "progress", "matrix"])
def test_a_query_on_an_invalid_case_prints_the_validate_json(
    question: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    assert main(["validate", str(path), "--json"]) == 1
    expected = json.loads(capsys.readouterr().out)
    assert main(["query", str(path), question, "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == expected
    assert "not a valid case" in err
    assert main(["query", str(path), question]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "[unknown-reference]" in err


def test_validate_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": 1,\n "framework": }')
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 2" in err
    assert "[syntax]" in err


def test_guide_print_all_and_some(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "--print"]) == 0
    text = capsys.readouterr().out
    for cycle in valuecycles.load_framework().cycles:
        assert f"# {cycle.name}" in text
    assert "- [ ] questions answered within a specified timeframe" in text
    assert main(["guide", "--print", "applied"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Applied value")
    assert "# Immediate value" not in text
    assert "Would you need things like:" in text


def test_guide_unknown_cycle(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "--print", "orienting"]) == 1
    assert "known: immediate, potential" in capsys.readouterr().err


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "valuecycles", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("valuecycles ")


def test_one_progress_bar_for_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from valuecycles.cli import _common

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with _common.progress_bar("x", 2) as bar:
        assert bar is None  # not a terminal: no bar, nothing written
    assert sys.stderr.getvalue() == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")
    with _common.progress_bar("x", 2) as bar:
        assert bar is not None
        bar(1, 2, "one")
        bar(2, 2, "two")
    monkeypatch.setenv("TERM", "dumb")
    with _common.progress_bar("x", 2) as bar:
        assert bar is None
