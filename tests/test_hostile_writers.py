"""Writers into one case: no lost updates, clear refusals, no leftover temporary files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import valuecycles as vc
from valuecycles._text import atomic_write, locked_file
from valuecycles.io import add_to_document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import concurrent_import  # noqa: E402

CASE = "schema_version: 1\nframework: wenger-trayner\ncommunity: {name: X}\n"


def test_two_processes_importing_at_once_lose_nothing() -> None:
    result = concurrent_import.run(pairs=2)
    assert result["failed_commands"] == 0, result["failures"]
    assert result["lost_updates"] == 0, result["failures"]
    assert result["leftover_files"] == 0


def test_threads_adding_to_one_document_lose_nothing(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE + "cycles:\n  immediate:\n    aspirations: []\n")

    def add(n: int) -> None:
        for i in range(10):
            item = {"id": f"a-{n}-{i}", "text": "T"}
            add_to_document(case, [(("cycles", "immediate", "aspirations"), item)])

    threads = [threading.Thread(target=add, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(vc.load(case).plan("immediate").aspirations) == 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]


HOLD = """
import sys, time
from valuecycles._text import locked_file
with locked_file(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_writer_waits_then_gives_a_clear_problem(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(case), "30"], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            with pytest.raises(vc.ValidationError) as info, locked_file(case, timeout=0.2):
                pass  # pragma: no cover - never reached
            (problem,) = info.value.errors
            assert problem.code == "file-busy"
            assert "case.yaml" in problem.message
        finally:
            holder.kill()
    with locked_file(case, timeout=5):  # the lock went with its process
        pass


def test_a_waiting_writer_gets_the_lock_when_the_first_is_done(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(case), "0.5"], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with locked_file(case, timeout=30) as locked:
            waited = time.monotonic() - started
            locked.write(locked.read_text() + "extra: {a: 1}\n")
    assert waited > 0.1
    assert vc.load(case).extra == {"a": 1}


def test_a_file_changed_by_another_program_is_not_overwritten(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    with locked_file(case) as locked:
        text = locked.read_text()
        case.write_text(CASE + "# an editor saved this\n")
        with pytest.raises(vc.ValidationError) as info:
            locked.write(text + "extra: {a: 1}\n")
    assert [p.code for p in info.value.errors] == ["file-changed"]
    assert case.read_text().endswith("# an editor saved this\n")


def test_the_lock_is_reentrant_within_a_thread(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    with locked_file(case) as outer:
        add_to_document(case, [(("flows",), {"from": "a", "to": "b"})])
        with locked_file(case) as inner:
            assert inner is outer
    assert "flows" in case.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_a_killed_writer_are_removed_by_the_next_write(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    dead = tmp_path / f".case.yaml.{_dead_pid()}.abc123.tmp"
    dead.write_text("half")
    old = tmp_path / ".case.yaml.oldstyle.tmp"
    old.write_text("half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    young = tmp_path / ".case.yaml.young.tmp"
    young.write_text("half")
    alive = tmp_path / f".case.yaml.{os.getppid()}.xyz789.tmp"  # a live writer's
    alive.write_text("in progress")
    other = tmp_path / f".other.yaml.{_dead_pid()}.abc.tmp"
    other.write_text("not ours")
    atomic_write(case, CASE)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["case.yaml", young.name, alive.name, other.name])


KILLED = """
import sys, time
from valuecycles._text import atomic_write
def slow(handle):
    handle.write(b"partial")
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)
atomic_write(sys.argv[1], slow)
"""


def test_a_writer_killed_midway_leaves_the_file_whole_and_nothing_after_the_next_write(
    tmp_path: Path,
) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    for _ in range(3):
        with subprocess.Popen(
            [sys.executable, "-c", KILLED, str(case)], stdout=subprocess.PIPE, text=True
        ) as writer:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "writing"
            writer.send_signal(signal.SIGKILL)
    # Each writer removed the one its killed predecessor left.
    assert len(list(tmp_path.glob(".case.yaml.*.tmp"))) == 1
    assert case.read_text() == CASE
    atomic_write(case, CASE + "# again\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]
