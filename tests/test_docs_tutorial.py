"""The tutorial's commands, run in a fresh folder, print exactly what the page shows.

``docs/tutorial.md`` is read in order:

- a ``{code-block}`` whose ``:caption:`` is a file name is written to that file;
  with a caption ``FILE (add at the end)`` it is appended to the file;
- in a ``console`` block each line starting ``$ `` is a command, and the lines
  after it, up to the next command, are what it prints (standard output and
  standard error, in order).

Commands run in-process through ``valuecycles.cli.main`` (``< FILE`` feeds a
file as standard input, which is then not a terminal), plus ``cat FILE``. Any
other command is an error here, so the page cannot show something this test
does not run. Every command must exit 0.

To refresh the shown output after a deliberate change, run
``VALUECYCLES_UPDATE_DOCS=1 pytest tests/test_docs_tutorial.py`` and review the
diff of the page.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

import attrs
import pytest

from valuecycles.cli import main

PAGE = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"
FENCE = re.compile(r"^(`{3,})(.*)$")
APPEND = " (add at the end)"


@attrs.frozen
class FileBlock:
    name: str
    text: str
    append: bool


@attrs.frozen
class Command:
    line: str
    expected: tuple[str, ...]
    start: int  # index in the page's lines of the '$ ' line
    end: int  # index one past the last expected line


def _blocks(lines: list[str]) -> list[FileBlock | Command]:
    found: list[FileBlock | Command] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match.group(1), match.group(2).strip()
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != fence:
            j += 1
        body = lines[i + 1 : j]
        if info.startswith("{code-block}"):
            options = [line for line in body if line.startswith(":")]
            text = body[len(options) :]
            if text and not text[0].strip():
                text = text[1:]
            caption = next(
                (o.split(":", 2)[2].strip() for o in options if o.startswith(":caption:")), ""
            )
            if caption:
                append = caption.endswith(APPEND)
                name = caption.removesuffix(APPEND)
                found.append(FileBlock(name, "\n".join(text) + "\n", append))
        elif info == "console":
            k = i + 1
            while k < j:
                if not lines[k].startswith("$ "):
                    raise AssertionError(f"tutorial.md line {k + 1}: output before any command")
                m = k + 1
                while m < j and not lines[m].startswith("$ "):
                    m += 1
                found.append(Command(lines[k][2:], tuple(lines[k + 1 : m]), k, m))
                k = m
        i = j + 1
    return found


def _run(command: str) -> tuple[int, str]:
    words = shlex.split(command)
    stdin: str | None = None
    if "<" in words:
        at = words.index("<")
        stdin = Path(words[at + 1]).read_text(encoding="utf-8")
        words = words[:at] + words[at + 2 :]
    if words[0] == "cat" and len(words) == 2:
        return 0, Path(words[1]).read_text(encoding="utf-8")
    if words[0] != "valuecycles":
        raise AssertionError(f"the tutorial may only run valuecycles and cat: {command!r}")
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin if stdin is not None else "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                code = main(words[1:])
            except SystemExit as exc:  # argparse on a usage error
                code = int(exc.code or 0)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue()


def _normal(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_the_tutorial_parses_into_files_and_commands() -> None:
    blocks = _blocks(PAGE.read_text(encoding="utf-8").splitlines())
    commands = [b for b in blocks if isinstance(b, Command)]
    assert {b.name for b in blocks if isinstance(b, FileBlock)} >= {"answers.txt"}
    used = {c.line.split()[1] for c in commands if c.line.startswith("valuecycles ")}
    assert {"guide", "validate", "import", "query", "report"} <= used


def test_every_command_prints_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    update = bool(os.environ.get("VALUECYCLES_UPDATE_DOCS"))
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    replacements: list[tuple[int, int, list[str]]] = []
    failures: list[str] = []
    for block in _blocks(lines):
        if isinstance(block, FileBlock):
            path = tmp_path / block.name
            if block.append:
                assert path.exists(), f"{block.name}: added to before it exists"
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(block.text)
            else:
                path.write_text(block.text, encoding="utf-8")
            continue
        code, output = _run(block.line)
        assert code == 0, f"$ {block.line}\nexited {code}:\n{output}"
        got = _normal(output)
        if got != _normal("\n".join(block.expected)):
            failures.append(
                f"$ {block.line}\n--- the page shows:\n"
                + "\n".join(block.expected)
                + "\n--- it prints:\n"
                + "\n".join(got)
            )
            replacements.append((block.start + 1, block.end, got))
    if update and replacements:
        for start, end, got in reversed(replacements):
            lines[start:end] = got
        PAGE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not failures, "\n\n".join(failures)
