"""The report's speed and weight: ``valuecycles report`` against ``valuecycles validate``.

Both commands run on the same synthetic case (``synthetic.py``), each in a
fresh process (so both pay Python's start-up and the case's load), several
times in alternation, in one run on one machine; the figure is the ratio of
their times (best and median), never an absolute time. The page's size is
reported beside it. Targets: the report in at most 4 times `validate`'s time,
the page at most 5 MB.

Run it from the repository's root::

    python benchmarks/report.py            # the 100,000-observation case
    python benchmarks/report.py --quick    # the 1,000-observation case
    python benchmarks/report.py --json     # the figures as JSON on stdout
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

#: The report's time over `validate`'s, at most.
TIME_TARGET = 4.0
#: The page's size in bytes, at most.
SIZE_TARGET = 5_000_000
AS_OF = "2027-01-01"


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def measure(observations: int, stories: int, repeat: int) -> dict[str, Any]:
    """Time ``validate`` and ``report`` on one case, alternating; the figures as plain data."""
    with tempfile.TemporaryDirectory(prefix="valuecycles-report-bench-") as folder:
        case = Path(folder) / "case.json"
        case.write_text(json.dumps(synthetic.make_case(observations, stories)), encoding="utf-8")
        page = Path(folder) / "report.html"
        cli = [sys.executable, "-m", "valuecycles"]
        validate = [*cli, "validate", str(case)]
        report = [*cli, "report", str(case), "-o", str(page), "--as-of", AS_OF]
        _time(validate)  # warm the file cache and the byte-code of both
        _time(report)
        validate_times, report_times = [], []
        for _ in range(repeat):
            validate_times.append(_time(validate))
            report_times.append(_time(report))
        size = page.stat().st_size
    ratio = min(report_times) / min(validate_times)
    ratio_median = statistics.median(report_times) / statistics.median(validate_times)
    return {
        "observations": observations,
        "stories": stories,
        "validate_seconds": {
            "best": min(validate_times),
            "median": statistics.median(validate_times),
        },
        "report_seconds": {"best": min(report_times), "median": statistics.median(report_times)},
        "ratio": ratio,
        "ratio_median": ratio_median,
        "time_target": TIME_TARGET,
        "time_pass": ratio <= TIME_TARGET,
        "page_bytes": size,
        "size_target": SIZE_TARGET,
        "size_pass": size <= SIZE_TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 1,000-observation case")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (3)")
    args = parser.parse_args(argv)
    observations, stories = synthetic.SIZES[0] if args.quick else synthetic.SIZES[-1]
    result = measure(observations, stories, max(1, args.repeat))
    result["quick"] = args.quick
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    v, r = result["validate_seconds"], result["report_seconds"]
    print(f"case: {observations:,} observations, {stories:,} stories (synthetic.py)")
    print(f"validate  best {v['best']:.2f} s  median {v['median']:.2f} s")
    print(f"report    best {r['best']:.2f} s  median {r['median']:.2f} s")
    flag = "pass" if result["time_pass"] else "FAIL"
    print(
        f"report / validate: {result['ratio']:.2f}x best, {result['ratio_median']:.2f}x median "
        f"(target <= {TIME_TARGET:g}x: {flag})"
    )
    flag = "pass" if result["size_pass"] else "FAIL"
    print(f"page: {result['page_bytes'] / 1e6:.2f} MB (target <= {SIZE_TARGET / 1e6:g} MB: {flag})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
