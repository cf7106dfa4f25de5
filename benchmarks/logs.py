"""Benchmarks for evidence from activity logs: ratios against DuckDB itself, in one run.

    python benchmarks/logs.py           # 1M and 10M events, 1M xAPI statements: minutes
    python benchmarks/logs.py --quick   # 100k and 1M events, 100k statements: seconds
    python benchmarks/logs.py --json    # the figures as JSON

Figures (each a ratio measured in the same run, same process, same gc setting):

- ``derive-vs-sql``: ``valuecycles.logs.derive`` of every built-in metric, monthly,
  over the generated events (already read into DuckDB), against hand-written
  DuckDB SQL computing the same figures on the same table (target <= 1.5x).
  The figures of both are compared, so the baseline is a real one.
- ``read-xapi``: ``read_events`` of N xAPI statements (pseudonymised, voiding
  applied) against DuckDB's own ``read_json`` of the same file into a table
  (target <= 2x).
- ``growth``: derive at the larger size over derive at the size ten times smaller
  (target <= 11x).
- ``memory``: the peak resident memory (VmHWM) of a fresh process that reads the
  larger events (Parquet) and derives every metric with a 1 GB DuckDB memory
  limit (target < 2 GB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

import valuecycles as vc
from valuecycles.logs import BUILT_IN, derive, read_events

AS_OF = dt.date(2027, 1, 1)


def generate_events(path: Path, n: int) -> None:
    """N events over 2025-2026 by about n/200 people, as Parquet in the event table's columns."""
    people = max(n // 200, 50)
    duckdb.sql(
        f"""
        COPY (
          SELECT 'bench' AS community,
                 'person-' || (hash(i * 7) % {people}) AS actor,
                 CASE WHEN r < 0.30 THEN 'posted' WHEN r < 0.65 THEN 'replied'
                      WHEN r < 0.80 THEN 'viewed' WHEN r < 0.92 THEN 'attended'
                      WHEN r < 0.97 THEN 'joined' ELSE 'left' END AS action,
                 TIMESTAMP '2025-01-01' + to_seconds(CAST(hash(i * 13) % 63072000 AS BIGINT))
                   AS timestamp,
                 't' || CASE WHEN r < 0.30 THEN i ELSE hash(i) % {max(n // 3, 1)} END AS object,
                 CASE WHEN r >= 0.30 AND r < 0.65 THEN 't' || (hash(i * 3) % {max(n // 3, 1)})
                      WHEN r >= 0.80 AND r < 0.92 THEN 'meeting-' || (hash(i) % 200) END
                   AS parent,
                 'c' || (i % 20) AS channel
          FROM (SELECT i, (hash(i * 31) % 1000000) / 1000000.0 AS r FROM range({n}) t(i))
        ) TO '{path}' (FORMAT parquet)
        """
    )


def generate_xapi(path: Path, n: int) -> None:
    """N xAPI statements as a JSON array, written by DuckDB."""
    duckdb.sql(
        f"""
        COPY (
          SELECT
            'a1b2c3d4-0000-4000-8000-' || lpad(CAST(i AS VARCHAR), 12, '0') AS id,
            {{'objectType': 'Agent',
              'mbox': 'mailto:person' || (hash(i * 7) % {max(n // 100, 50)}) || '@example.org'}}
              AS actor,
            {{'id': 'http://adlnet.gov/expapi/verbs/' ||
                    ['attended', 'commented', 'shared', 'experienced'][1 + i % 4],
              'display': {{'en-US': 'verb'}}}} AS verb,
            {{'objectType': 'Activity', 'id': 'https://example.org/a/' || (i % 5000)}} AS object,
            {{'contextActivities': {{'parent': [{{'id': 'https://example.org/p/' || (i % 700)}}],
                                    'grouping': [{{'id': 'https://example.org'}}]}}}} AS context,
            strftime(TIMESTAMP '2025-01-01' + to_seconds(CAST(hash(i) % 63072000 AS BIGINT)),
                     '%Y-%m-%dT%H:%M:%SZ') AS timestamp
          FROM range({n}) t(i)
        ) TO '{path}' (FORMAT json, ARRAY true)
        """
    )


def the_case() -> vc.Case:
    indicators = [vc.Indicator(id=f"i-{m}", name=m) for m in BUILT_IN]
    sources = [
        vc.DataSource(
            id=f"d-{m}",
            name=m,
            indicators=[f"i-{m}"],
            derive=vc.Derivation(events="ev", metric=m),
        )
        for m in BUILT_IN
    ]
    return vc.Case(
        community=vc.Community(name="Benchmark"),
        cycles={"immediate": vc.CyclePlan(indicators=indicators, data=sources)},
    )


#: The same figures as the built-in metrics, written by hand for DuckDB.
HAND_SQL = """
WITH ev AS (
  SELECT *, CAST(date_trunc('month', timestamp) AS DATE) AS period FROM {t}
  WHERE timestamp < TIMESTAMP '{as_of}'
),
active AS (SELECT * FROM ev WHERE action NOT IN ('joined', 'left')),
first_any AS (SELECT actor, min(period) AS p FROM ev GROUP BY actor),
first_active AS (SELECT actor, min(period) AS p FROM active GROUP BY actor),
threads AS (
  SELECT s.object, s.period, s.actor, s.timestamp AS started, r.first_reply
  FROM ev s LEFT JOIN (
    SELECT parent, min(timestamp) AS first_reply FROM ev
    WHERE action = 'replied' AND parent IS NOT NULL GROUP BY parent
  ) r ON r.parent = s.object
  WHERE s.action = 'posted' AND s.object IS NOT NULL
),
per_actor AS (
  SELECT period, actor, count(*) AS n,
         row_number() OVER (PARTITION BY period ORDER BY count(*) DESC, actor) - 1 AS rk,
         count(*) OVER (PARTITION BY period) AS people,
         sum(count(*)) OVER (PARTITION BY period) AS total
  FROM active GROUP BY period, actor
)
SELECT 'actions', period, count(*), count(DISTINCT actor) FROM ev GROUP BY period
UNION ALL SELECT 'active-members', period, count(DISTINCT actor), count(DISTINCT actor)
  FROM active GROUP BY period
UNION ALL SELECT 'new-members', p, count(*), count(*) FROM first_any GROUP BY p
UNION ALL SELECT 'returning-members', a.period, count(DISTINCT a.actor), count(DISTINCT a.actor)
  FROM (SELECT DISTINCT actor, period FROM active) a JOIN first_active f USING (actor)
  WHERE a.period > f.p GROUP BY a.period
UNION ALL SELECT 'reply-coverage', period,
  round(count(first_reply) / count(*), 4), count(DISTINCT actor) FROM threads GROUP BY period
UNION ALL SELECT 'median-hours-to-first-reply', period,
  round(median((epoch(first_reply) - epoch(started)) / 3600.0), 2), count(DISTINCT actor)
  FROM threads WHERE first_reply IS NOT NULL GROUP BY period
UNION ALL SELECT 'attendance', period, count(*), count(DISTINCT actor)
  FROM ev WHERE action = 'attended' GROUP BY period
UNION ALL SELECT 'unique-attendees', period, count(DISTINCT actor), count(DISTINCT actor)
  FROM ev WHERE action = 'attended' GROUP BY period
UNION ALL SELECT 'top-10-share', period, round(sum(n) / max(total), 4), max(people)
  FROM per_actor WHERE rk < ceil(people / 10.0) GROUP BY period
"""


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_derive(path: Path, repeat: int) -> dict[str, Any]:
    events = read_events(path, format="parquet", salt="bench")
    con = events.table._find_backend().con  # the DuckDB connection the events are in
    table = "events_events"  # the table read_events makes for the name "events"
    case = the_case()

    def ours() -> Any:
        return derive(case, {"ev": events}, as_of=AS_OF, k=1)[1]

    def hand() -> Any:
        return con.execute(HAND_SQL.format(t=table, as_of=AS_OF.isoformat())).fetchall()

    t_ours, report = _best(ours, repeat)
    t_hand, rows = _best(hand, repeat)
    hand_figures = {(m, p): float(v) for m, p, v, _ in rows if p is not None and v is not None}
    from valuecycles.logs import period_bounds

    ours_figures = {}
    for f in report.figures:
        start = dt.date(int(f.period[:4]), int(f.period[5:7]), 1)
        ours_figures[(f.metric, start)] = float(f.value)
    complete = {k: v for k, v in hand_figures.items() if period_bounds(k[1], "month")[1] <= AS_OF}
    same = complete.keys() == ours_figures.keys() and all(
        abs(complete[k] - ours_figures[k]) < 1e-6 for k in complete
    )
    return {"ours": t_ours, "hand": t_hand, "same_figures": same, "figures": len(ours_figures)}


def bench_read_xapi(path: Path, repeat: int) -> dict[str, Any]:
    def ours() -> Any:
        return read_events(path, format="xapi", salt="bench")

    def plain() -> Any:
        con = duckdb.connect()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{path}')")
        return con

    t_ours, _ = _best(ours, repeat)
    t_plain, _ = _best(plain, repeat)
    return {"ours": t_ours, "plain": t_plain}


_MEMORY_CHILD = """
import datetime, sys, valuecycles as vc
sys.path.insert(0, {bench!r})
from logs import the_case
from valuecycles.logs import derive
derive(the_case(), {{"ev": "parquet:" + {path!r}}}, as_of=datetime.date(2027, 1, 1), k=1,
       memory_limit="1GB", salt="bench")
for line in open("/proc/self/status"):
    if line.startswith("VmHWM"):
        print(int(line.split()[1]) * 1024)
"""


def bench_memory(path: Path) -> int:
    code = _MEMORY_CHILD.format(bench=str(Path(__file__).parent), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: seconds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    args = parser.parse_args()
    small, large, statements = (
        (100_000, 1_000_000, 100_000) if args.quick else (1_000_000, 10_000_000, 1_000_000)
    )
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="valuecycles-bench-") as tmp:
        folder = Path(tmp)
        ev_small, ev_large = folder / "small.parquet", folder / "large.parquet"
        xapi = folder / "statements.json"
        generate_events(ev_small, small)
        generate_events(ev_large, large)
        generate_xapi(xapi, statements)
        d_small = bench_derive(ev_small, args.repeat)
        d_large = bench_derive(ev_large, args.repeat)
        r = bench_read_xapi(xapi, args.repeat)
        peak = bench_memory(ev_large) if sys.platform.startswith("linux") else -1
    results["derive-vs-sql"] = {
        "events": large,
        "derive_s": round(d_large["ours"], 3),
        "hand_sql_s": round(d_large["hand"], 3),
        "ratio": round(d_large["ours"] / d_large["hand"], 2),
        "target": 1.5,
        "same_figures": d_large["same_figures"] and d_small["same_figures"],
    }
    results["read-xapi"] = {
        "statements": statements,
        "read_events_s": round(r["ours"], 3),
        "duckdb_read_json_s": round(r["plain"], 3),
        "ratio": round(r["ours"] / r["plain"], 2),
        "target": 2.0,
    }
    results["growth"] = {
        "from": small,
        "to": large,
        "ratio": round(d_large["ours"] / d_small["ours"], 2),
        "baseline_growth": round(d_large["hand"] / d_small["hand"], 2),
        "target": 11.0,
    }
    results["memory"] = {
        "events": large,
        "peak_bytes": peak,
        "peak_gb": round(peak / 1e9, 2),
        "memory_limit": "1GB",
        "target_gb": 2.0,
    }
    for item in results.values():
        if "ratio" in item:
            item["pass"] = item["ratio"] <= item["target"]
    results["memory"]["pass"] = 0 <= peak < 2e9
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, item in results.items():
            shown = ", ".join(f"{k}={v}" for k, v in item.items())
            print(f"{name:14} {shown}")
    os.environ.pop("_", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
