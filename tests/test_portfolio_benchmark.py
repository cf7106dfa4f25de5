"""The portfolio benchmark runs at a tiny size and reports every figure (no time asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_tiny_run_reports_every_figure_as_json() -> None:
    argv = ["--cases", "6", "--observations", "60", "--stories", "2", "--repeat", "1", "--json"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "portfolio.py"), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["cases"] == 6
    for key in ("rollup_ratio", "rollup_pass", "jobs2_speedup", "load_seconds"):
        assert key in figures
    assert {"rollup_peak_mb", "limit_mb", "holding_every_case_peak_mb", "pass"} <= set(
        figures["memory"]
    )
