"""The guided walk at a terminal: ``valuecycles guide -o FILE`` driven through a pseudo-terminal.

A person who runs the walk sees the guide's text, picks examples by number,
edits them in place (readline puts the example on the line) and answers the
short questions after each item. These tests type into a real terminal, as
that person does, and read the file the walk writes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import select
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import valuecycles as vc

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

#: A line waiting for an answer: the community's name, or a label and "> ".
PROMPT = re.compile(r"(?:^|\n)(Community name: |[a-z ?]+> )[^\n]*$")

Answer = Callable[[str, str], str | None]


def walk(folder: Path, answer: Answer, *args: str, timeout: float = 60) -> tuple[int, str]:
    """Run ``valuecycles guide`` in a pseudo-terminal, answering each prompt with ``answer``.

    ``answer(label, screen)`` gets the prompt's label (``"indicator> "``) and
    everything shown so far; it returns the line to type (without the Enter),
    or None to press Ctrl-D. Returns the exit code and the whole screen.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, in a terminal 100 columns wide
        os.chdir(folder)
        os.environ.update({"NO_COLOR": "1", "TERM": "xterm"})
        os.execv(sys.executable, [sys.executable, "-m", "valuecycles", "guide", *args])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    screen = ""
    answered = 0  # how much of the screen had been shown when we last typed
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                found = PROMPT.search(screen, answered)
                if found is None:
                    continue
                reply = answer(found.group(1), screen)
                answered = len(screen)
                os.write(fd, b"\x04" if reply is None else reply.encode() + b"\r")
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            screen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        else:
            os.kill(pid, 9)
            pytest.fail(f"the walk did not end in {timeout} s; the screen:\n{screen[-3000:]}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), screen


def by_label(answers: dict[str, list[str | None]]) -> Answer:
    """Answer each prompt with the next of its label's answers; Enter when they run out."""

    def answer(label: str, _screen: str) -> str | None:
        queue = answers.get(label.strip(), [])
        return queue.pop(0) if queue else ""

    return answer


def test_a_person_walks_one_cycle_and_gets_a_case(tmp_path: Path) -> None:
    code, screen = walk(
        tmp_path,
        by_label(
            {
                "Community name:": ["Evaluators"],
                "aspiration>": ["1", ""],  # the guide's first example, then on
                "indicator>": ["Hours to first answer", ""],
                "unit>": ["hours"],
                "direction>": ["decrease"],
                "baseline>": ["60 2026-01-01"],
                "target>": ["24"],
                "aspirations>": ["1"],  # it signals the first aspiration
            }
        ),
        "-o",
        "case.yaml",
        "--cycles",
        "immediate",
    )
    assert code == 0, screen
    # The guide's words, as the person saw them.
    assert "Cycle 1 of 1: IMMEDIATE VALUE" in screen
    assert "Do you want to see:" in screen
    assert " 1. specific activities" in screen
    assert "case.yaml: written" in screen
    case = vc.load(tmp_path / "case.yaml")
    plan = case.plan("immediate")
    assert case.community.name == "Evaluators"
    assert [a.text for a in plan.aspirations] == ["specific activities"]
    (indicator,) = plan.indicators
    assert (indicator.name, indicator.unit, indicator.direction) == (
        "Hours to first answer",
        "hours",
        "decrease",
    )
    assert indicator.baseline is not None
    assert indicator.target is not None
    assert (indicator.baseline.value, indicator.target.value) == (60, 24)
    assert indicator.baseline.date == dt.date(2026, 1, 1)
    assert indicator.signals == (plan.aspirations[0].id,)


def test_help_and_undo_at_the_terminal(tmp_path: Path) -> None:
    code, screen = walk(
        tmp_path,
        by_label({"Community name:": ["Evaluators"], "aspiration>": ["?", "2", "undo", "skip"]}),
        "-o",
        "case.yaml",
        "--cycles",
        "immediate",
    )
    assert code == 0, screen
    # "?" shows the commands, then the question again with its examples.
    after_help = screen.split("aspiration> ?\n", 1)[1]
    assert after_help.lstrip().startswith("Commands:")
    assert "undo  take back the last item added" in after_help
    assert "2. level and quality of activity/interactions" in after_help
    assert "level-and-quality-of-activity-interactions (taken back)" in screen
    case = vc.load(tmp_path / "case.yaml")
    assert case.plan("immediate").aspirations == ()


def test_ctrl_d_keeps_what_was_given(tmp_path: Path) -> None:
    code, screen = walk(
        tmp_path,
        by_label({"Community name:": ["Evaluators"], "aspiration>": ["Quick answers", None]}),
        "-o",
        "case.yaml",
    )
    assert code == 0, screen
    assert "before the last round" in screen or "interrupted" in screen
    case = vc.load(tmp_path / "case.yaml")
    assert [a.text for a in case.plan("immediate").aspirations] == ["Quick answers"]


def test_walking_on_an_existing_case_adds_to_it(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "# our network\nschema_version: 1\nframework: wenger-trayner\n"
        "community:\n  name: Evaluators\n",
        encoding="utf-8",
    )
    code, screen = walk(
        tmp_path,
        by_label({"aspiration>": ["Quick answers", ""]}),
        "-o",
        "case.yaml",
        "--cycles",
        "immediate",
    )
    assert code == 0, screen
    assert "Adding to the case of Evaluators." in screen
    assert path.read_text(encoding="utf-8").startswith("# our network\n")
    case = vc.load(path)
    assert [a.text for a in case.plan("immediate").aspirations] == ["Quick answers"]
