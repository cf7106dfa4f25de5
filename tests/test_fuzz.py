"""The fuzz campaign of ``benchmarks/fuzz.py`` at a small size: nothing escapes or hangs.

Each document runs in its own forked process with a memory limit and a
timeout, as in the full campaign (10,000 documents: ``python
benchmarks/fuzz.py``). The seed changes with the day, so that CI explores
new documents over time; a failure prints the seed and the document's
number, and ``python benchmarks/fuzz.py --seed S --only N`` replays it.
"""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fuzz

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork and rlimits")

SEED = int(_dt.date.today().strftime("%Y%m%d"))


def test_fuzzed_documents_in_every_format_never_escape_or_hang() -> None:
    result = fuzz.run(80, SEED, kinds=("text", "structure"), show=3)
    assert result["documents"] > 50
    found = {k: result[k] for k in ("escapes", "hangs", "memory", "crashes")}
    assert found == {"escapes": 0, "hangs": 0, "memory": 0, "crashes": 0}, result


def test_fuzzed_observation_tables_never_escape_or_hang() -> None:
    result = fuzz.run(60, SEED, kinds=("csv", "xlsx"), show=3)
    assert result["documents"] > 5
    found = {k: result[k] for k in ("escapes", "hangs", "memory", "crashes")}
    assert found == {"escapes": 0, "hangs": 0, "memory": 0, "crashes": 0}, result


def test_a_job_is_the_same_for_the_same_seed_and_number() -> None:
    first = list(fuzz.jobs(12, 5))
    again = list(fuzz.jobs(12, 5))
    assert first == again
    assert {job["kind"] for job in first} <= set(fuzz.KINDS)


def test_an_escape_a_hang_and_too_much_memory_are_each_counted() -> None:
    assert fuzz.run_one({"kind": "text", "fmt": "yaml", "text": "a: 1"})["outcome"] == "refused"
    assert fuzz.run_one({"kind": "sleep"}, timeout=0.5)["outcome"] == "hang"
    assert fuzz.run_one({"kind": "raise"})["outcome"] == "escape"
    assert fuzz.run_one({"kind": "allocate"}, memory=2**27)["outcome"] == "memory"
