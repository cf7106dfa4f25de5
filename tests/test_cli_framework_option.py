"""``--framework FILE`` on every subcommand, and what it does for each of them."""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from valuecycles import framework
from valuecycles.cli import build_parser, main
from valuecycles.framework import _registry

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK_FILE = ROOT / "examples" / "frameworks" / "orienting-2020.toml"
CASE_FILE = ROOT / "examples" / "orienting-case.yaml"


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_registry, "_registry", copy.copy(_registry._registry))


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_takes_framework(name: str) -> None:
    """Every subcommand reads a case or a framework, so each takes --framework FILE."""
    options = {s for a in subcommands()[name]._actions for s in a.option_strings}
    assert "--framework" in options


def test_the_subcommands_that_read_a_case_are_all_there() -> None:
    # The ones DESIGN.md lists; import and schema join when they land.
    assert {"validate", "query", "export", "report", "guide"} <= set(subcommands())


def test_without_the_file_a_case_names_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for args in (
        ["validate", str(CASE_FILE)],
        ["query", str(CASE_FILE), "coverage"],
        ["export", str(CASE_FILE), "--to", "mermaid"],
    ):
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "unknown framework 'orienting-2020'" in err
        assert "--framework FILE" in err


def test_a_broken_framework_file_is_reported_with_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ncycles:\n  - key: x\n    nme: X\n", encoding="utf-8")
    assert main(["validate", str(CASE_FILE), "--framework", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 4" in err
    assert "$.cycles[0].nme" in err
    assert "unknown-key" in err
    assert f"the framework file {bad} has errors" in err
    assert "Traceback" not in err


def test_validate_json_against_a_framework_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(CASE_FILE), "--framework", str(FRAMEWORK_FILE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "schema_version": 1,
        "valid": True,
        "errors": [],
        "warnings": [],
    }


def test_guide_print_with_a_framework_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "--print", "orienting", "--framework", str(FRAMEWORK_FILE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Orienting value")
    assert "whom to ask about what" in out


def test_guide_walk_with_a_framework_file_writes_a_case_that_names_it(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    answers = "Water engineers\nKnow who knows what\n\n\n\n\n"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "valuecycles",
            "guide",
            "-o",
            str(out),
            "--cycles",
            "orienting",
            "--framework",
            str(FRAMEWORK_FILE),
        ],
        input=answers,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "framework: orienting-2020" in text
    assert "orienting:" in text
    assert "Know who knows what" in text
    assert main(["validate", str(out), "--framework", str(FRAMEWORK_FILE)]) == 0


def test_the_installed_command_with_a_framework_file() -> None:
    script = Path(sys.executable).with_name("valuecycles")  # beside the venv's python
    assert script.exists(), f"the console script is not installed beside {sys.executable}"
    result = subprocess.run(
        [str(script), "query", str(CASE_FILE), "stories", "--framework", str(FRAMEWORK_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "map-of-the-field" in result.stdout


def test_a_framework_file_is_read_once_per_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # export loads the case with the framework, then writes it in its cycle order.
    calls: list[object] = []
    real = framework.load_framework

    def counting(source: object) -> object:
        calls.append(source)
        return real(source)  # type: ignore[arg-type]

    monkeypatch.setattr(framework, "load_framework", counting)
    out = tmp_path / "case.json"
    args = ["export", str(CASE_FILE), "--to", "json", "-o", str(out)]
    assert main([*args, "--framework", str(FRAMEWORK_FILE)]) == 0
    assert calls.count(FRAMEWORK_FILE) == 1  # (it extends the built-in one, read by name)
    assert json.loads(out.read_text(encoding="utf-8"))["framework"] == "orienting-2020"
