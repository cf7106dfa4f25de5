"""Every subcommand's --help explains itself and shows examples."""

from __future__ import annotations

import argparse

import pytest

import valuecycles
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


def help_text(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([*args, "--help"])
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["", *subcommands()])
def test_help_fits_the_terminal_and_names_framework_options_alike(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = help_text([name] if name else [], capsys)
    assert max(len(line) for line in out.splitlines()) <= 100
    if name:
        assert "--framework NAME_OR_FILE" in out


def test_query_and_export_help_list_every_question_and_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from valuecycles.cli._export import EXPORTS
    from valuecycles.cli._query import QUERIES

    for args, names, heading in (
        (["query"], QUERIES, "The questions:"),
        (["export"], EXPORTS, "The formats:"),
    ):
        listed = help_text(args, capsys).split(heading, 1)[1].split("\n\n", 1)[0]
        lines = [line for line in listed.splitlines() if line.strip()]
        firsts = [line.split()[0] for line in lines if line[2:3] != " "]
        assert firsts == list(names)


def every_command(
    parser: argparse.ArgumentParser | None = None, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Every command line that reaches a parser: the subcommands and their actions too."""
    parser = parser or build_parser()
    found = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                # the portfolio's actions come after its FILE
                words = (*prefix, "FILE", name) if prefix == ("portfolio",) else (*prefix, name)
                found += every_command(subparser, words)
    return found


@pytest.mark.parametrize("words", every_command(), ids=" ".join)
def test_version_and_help_with_examples_everywhere(
    words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*words, "--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"valuecycles {valuecycles.__version__}"
    out = help_text(list(words), capsys)
    assert "examples:" in out
    command = " ".join(w for w in words if w != "FILE")
    assert all(word in out.split("examples:", 1)[1] for word in command.split())
