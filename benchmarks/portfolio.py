"""Benchmark the portfolio roll-up: time against loading the same cases, jobs, memory.

Run from the repository's root with the package installed::

    python benchmarks/portfolio.py                 # 1,000 cases of 1,000 observations
    python benchmarks/portfolio.py --cases 200     # fewer, for a quick look
    python benchmarks/portfolio.py --json          # the figures as JSON

The cases come from ``synthetic.py`` with a seed per case (the guide's seven
cycles, twenty indicators each, 1,000 observations and 20 stories), written
as JSON files to a temporary folder, with five of their indicators tagged
for the portfolio's five indicators (one of each rule, and a second sum).

Figures (ratios against a baseline measured in the same run, with the same
garbage-collector setting; each the best of ``--repeat`` runs taken in turns):

- ``rollup``: ``valuecycles.rollup`` of the portfolio, against loading the
  same cases one after another with ``valuecycles.load`` (target: at most
  1.3x), in this process's CPU time, as the machines it runs on are shared
  (the wall-clock ratio is printed beside it);
- ``jobs-2``: the speed-up of ``rollup(jobs=2)`` over ``rollup()`` (for
  information: the machine's other load decides it);
- ``memory``: the peak of Python allocations (``tracemalloc``) during the
  roll-up, against twice the peak of loading the largest case alone plus
  what the roll-up keeps (its figures) (target: under it), printed beside
  the peak of a run that holds every case (loads them all into a list).
  Each memory run is its own fresh process.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

#: The portfolio's indicators, and the synthetic indicator each case tags for them.
TAGS = {
    "active": "immediate-ind-00",  # aggregation latest: a monthly gauge, summed across
    "threads": "immediate-ind-01",  # sum: questions per month (the ratio's denominator)
    "answered": "immediate-ind-04",  # sum: answers per month (the ratio's numerator)
    "documents": "potential-ind-06",  # latest: a cumulative figure
    "adoption": "applied-ind-03",  # latest, baseline 10, target 53: counted when met
}
PORTFOLIO = {
    "schema_version": 1,
    "name": "Synthetic portfolio",
    "cases": ["cases/*.json"],
    "indicators": [
        {"id": "active", "name": "Active", "combine": "sum", "from": [{"tag": "active"}]},
        {"id": "threads", "name": "Threads", "combine": "sum", "from": [{"tag": "threads"}]},
        {
            "id": "reply-share",
            "name": "Reply share",
            "combine": "ratio",
            "numerator": [{"tag": "answered"}],
            "denominator": [{"tag": "threads"}],
        },
        {"id": "docs", "name": "Documents", "combine": "latest", "from": [{"tag": "documents"}]},
        {
            "id": "on-track",
            "name": "On track",
            "combine": "count",
            "from": [{"tag": "adoption"}],
            "when": {"progress_at_least": 1.0},
        },
    ],
}


def make_portfolio(folder: Path, cases: int, observations: int, stories: int) -> Path:
    """Write ``cases`` seeded synthetic cases and a portfolio file; return its path."""
    (folder / "cases").mkdir(parents=True)
    for i in range(cases):
        doc = synthetic.make_case(observations, stories, seed=1_000 + i)
        doc["community"]["name"] = f"Synthetic community {i}"
        rng = random.Random(i)
        plans = doc["cycles"]
        for tag, ind_id in TAGS.items():
            cycle = ind_id.split("-ind-")[0]
            for ind in plans[cycle]["indicators"]:
                if ind["id"] == ind_id and rng.random() < 0.95:  # a few cases lack a tag
                    ind["extra"] = {"portfolio": tag}
        (folder / "cases" / f"case-{i:05d}.json").write_bytes(orjson.dumps(doc))
    path = folder / "portfolio.json"
    path.write_bytes(orjson.dumps(PORTFOLIO))
    return path


def best(runs: list[float]) -> float:
    return min(runs)


def timed(func: Callable[[], Any]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (the CPU time of this process)."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    del result
    return elapsed, used


def load_each(paths: list[Path]) -> None:
    import valuecycles as vc

    for path in paths:
        case = vc.load(path)
        del case


MEMORY_SCRIPT = """
import gc, sys, tracemalloc, json
from pathlib import Path
import valuecycles as vc
mode, target = sys.argv[1], Path(sys.argv[2])
gc.collect()
tracemalloc.start()
if mode == "single":
    kept = vc.load(target)
elif mode == "rollup":
    kept = vc.rollup(vc.load_portfolio(target))
else:
    portfolio = vc.load_portfolio(target)
    kept = [vc.load(c.path) for c in portfolio.cases]
gc.collect()
retained, peak = tracemalloc.get_traced_memory()
hwm = 0
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        hwm = int(line.split()[1]) * 1024
print(json.dumps({"peak": peak, "retained": retained, "hwm": hwm}))
"""


def memory(mode: str, target: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, mode, str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--observations", type=int, default=1_000)
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import valuecycles as vc

    figures: dict[str, Any] = {
        "cases": args.cases,
        "observations": args.observations,
        "stories": args.stories,
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="vc-portfolio-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        path = make_portfolio(folder, args.cases, args.observations, args.stories)
        figures["generate_seconds"] = round(time.perf_counter() - start, 1)
        portfolio = vc.load_portfolio(path)
        paths = [c.path for c in portfolio.cases]
        load_each(paths[:20])  # warm the file cache and the imports alike
        vc.rollup(vc.load_portfolio(path))

        loads: list[tuple[float, float]] = []
        rollups: list[tuple[float, float]] = []
        twos: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            loads.append(timed(lambda: load_each(paths)))
            rollups.append(timed(lambda: vc.rollup(portfolio)))
            twos.append(timed(lambda: vc.rollup(portfolio, jobs=2)))
        result = vc.rollup(portfolio)
        assert result.ok, [c.errors for c in result.cases if c.errors][:3]
        wall = {
            name: best([r[0] for r in runs])
            for name, runs in (("load", loads), ("rollup", rollups), ("two", twos))
        }
        cpu = {
            name: best([r[1] for r in runs])
            for name, runs in (("load", loads), ("rollup", rollups))
        }
        figures["load_seconds"] = round(wall["load"], 3)
        figures["rollup_seconds"] = round(wall["rollup"], 3)
        figures["rollup_jobs2_seconds"] = round(wall["two"], 3)
        figures["rollup_ratio"] = round(cpu["rollup"] / cpu["load"], 3)
        figures["rollup_ratio_wall"] = round(wall["rollup"] / wall["load"], 3)
        figures["rollup_target"] = 1.3
        figures["rollup_pass"] = figures["rollup_ratio"] <= 1.3
        figures["jobs2_speedup"] = round(wall["rollup"] / wall["two"], 2)
        figures["load_average"] = [round(x, 1) for x in os.getloadavg()]

        largest = max(paths, key=lambda p: p.stat().st_size)
        single = memory("single", largest)
        streamed = memory("rollup", path)
        held = memory("all", path)
        limit = 2 * single["peak"] + streamed["retained"]
        figures["memory"] = {
            "single_case_peak_mb": round(single["peak"] / 2**20, 1),
            "rollup_peak_mb": round(streamed["peak"] / 2**20, 1),
            "rollup_figures_mb": round(streamed["retained"] / 2**20, 1),
            "limit_mb": round(limit / 2**20, 1),
            "pass": streamed["peak"] < limit,
            "holding_every_case_peak_mb": round(held["peak"] / 2**20, 1),
            "rollup_vs_holding": round(streamed["peak"] / held["peak"], 3),
            "rollup_hwm_mb": round(streamed["hwm"] / 2**20, 1),
            "holding_hwm_mb": round(held["hwm"] / 2**20, 1),
        }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    m = figures["memory"]
    flag = "pass" if figures["rollup_pass"] else "FAIL"
    print(
        f"{args.cases} cases x {args.observations} observations ({args.stories} stories each); "
        f"generated in {figures['generate_seconds']} s"
    )
    print(
        f"rollup        {figures['rollup_ratio']:.2f}x loading the cases one after another "
        f"(CPU time; wall clock {figures['rollup_ratio_wall']:.2f}x: "
        f"{figures['rollup_seconds']:.2f} s / {figures['load_seconds']:.2f} s), "
        f"target <= 1.3x: {flag}"
    )
    print(
        f"--jobs 2      {figures['jobs2_speedup']:.2f}x the speed of one process, wall clock "
        f"({figures['rollup_jobs2_seconds']:.2f} s; {figures['cpus']} CPUs shared, load "
        f"average {figures['load_average'][0]})"
    )
    print(
        f"memory        peak {m['rollup_peak_mb']} MB during the roll-up; limit "
        f"{m['limit_mb']} MB = 2 x {m['single_case_peak_mb']} MB (largest case alone) + "
        f"{m['rollup_figures_mb']} MB (the figures kept): {'pass' if m['pass'] else 'FAIL'}"
    )
    print(
        f"              holding every case instead: peak {m['holding_every_case_peak_mb']} MB "
        f"(the roll-up needs {100 * m['rollup_vs_holding']:.1f}% of it); resident high-water "
        f"mark {m['rollup_hwm_mb']} MB against {m['holding_hwm_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
