"""Every subcommand's --help explains itself and shows examples."""

from __future__ import annotations

import argparse

import pytest

from valuecycles.cli import build_parser, main


def subcommands() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("no subcommands")


def test_the_main_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out
    for name in subcommands():
        assert name in out


def test_the_front_door_is_there() -> None:
    assert {"guide", "validate", "query", "report", "export"} <= set(subcommands())


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommand_has_help_with_examples(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: valuecycles {name}")
    assert "examples:" in out
    examples = out.split("examples:", 1)[1]
    assert f"valuecycles {name}" in examples
