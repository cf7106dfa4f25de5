"""The benchmark script runs at its smallest size and reports every figure.

It asserts no time: the figures are ratios measured on whatever machine runs
the tests, and ``benchmarks/run.py`` is where they are read.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "run.py"
KEYS = {"name", "size", "subject", "baseline", "target", "ratio", "ratio_median", "pass"}


@pytest.mark.slow
def test_the_quick_run_reports_every_figure_as_json() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["quick"] is True
    assert result["sizes"] == [{"observations": 1000, "stories": 100}]
    figures = result["figures"]
    assert [f["name"] for f in figures] == list(_script().FIGURES)
    for f in figures:
        assert set(f) >= KEYS, f["name"]
        # a feature that has not landed is "not available"; nothing may fail to run
        assert f["status"] in ("ok", "not available"), (f["name"], f["note"])
        if f["status"] == "ok":
            assert f["ratio"] is not None, f["name"]
            assert f["ratio"] > 0, f["name"]
            assert f["pass"] in (True, False, None)
        else:
            assert f["ratio"] is None
            assert f["pass"] is None
            assert f["note"]
    by_name = {f["name"]: f for f in figures}
    for name in ("load-json", "load-yaml", "dump-json", "memory-load"):
        assert by_name[name]["status"] == "ok", name
    assert by_name["growth-load-json"]["status"] == "not available"  # one size only
    # chains-dense's target is set against the 10,000-story case, which --quick lacks
    assert by_name["chains-dense"]["target"] is None
    assert by_name["chains-dense"]["pass"] is None
    assert "10000-story case" in by_name["chains-dense"]["note"]

    # the same figures as a table, one line each
    table = _script().table(result)
    for f in figures:
        assert f["name"] in table
    assert "not available" in table or all(f["status"] == "ok" for f in figures)


def _script() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_run", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_growth_is_judged_against_how_its_baseline_grew() -> None:
    run = _script()

    class Sized:
        def __init__(self, label: str) -> None:
            self.label = label

    sizes = [Sized("small"), Sized("large")]
    timed = [
        {
            "name": "load-json",
            "size": label,
            "status": "ok",
            "subject_best": subject,
            "subject_median": subject,
            "baseline_best": baseline,
            "baseline_median": baseline,
            "baseline": "orjson.loads of the same bytes",
        }
        for label, subject, baseline in (("small", 2.0, 1.0), ("large", 25.0, 15.0))
    ]
    found = run.growth(timed, "load-json", sizes)
    # 12.5 times the time, where the baseline took 15 times: 0.83 as much growth.
    assert found["ratio"] == pytest.approx(12.5 / 15.0)
    assert found["pass"] is True
    assert found["baseline_growth"] == pytest.approx(15.0)
    timed[1]["subject_best"] = 40.0  # grew 20x against the baseline's 15x: flagged
    assert run.growth(timed, "load-json", sizes)["pass"] is False
    assert found["size"] == "small -> large"
    table = run.table(
        {
            "valuecycles": "0",
            "python": "3",
            "machine": "m",
            "repeat": 5,
            "figures": [found],
        }
    )
    assert (
        "growth-load-json: grew 12.50x; its baseline (orjson.loads of the same bytes) "
        "grew 15.00x" in table
    )
