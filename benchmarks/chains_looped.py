"""``query chains --limit 10`` on a case whose flows loop, against ``validate`` on it.

The case: the guide's seven cycles with ``--per`` indicators each (200 by
default), and a flow from every indicator of each cycle to every indicator
of the next cycle *and back* (480,000 flows at 200). Every indicator then
lies on countless chains and countless loops, which a walk that explores
before it finds must pay for.

Both commands run in this process through ``valuecycles.cli.main`` on the
same JSON file, their output thrown away, each the best of ``--repeat``
runs taken in turns; the figure is the ratio (target: at most 3).

    python benchmarks/chains_looped.py
    python benchmarks/chains_looped.py --per 50 --repeat 3   # quick
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

CYCLES = (
    "immediate",
    "potential",
    "applied",
    "realized",
    "transformative",
    "strategic",
    "enabling",
)


def make_looped_case(per: int) -> dict[str, Any]:
    """Indicators in every cycle, each flowing to every one of the next cycle and back."""
    ids = {c: [f"{c[:3]}-{n:04d}" for n in range(per)] for c in CYCLES}
    flows = []
    for here, there in itertools.pairwise(CYCLES):
        for a in ids[here]:
            for b in ids[there]:
                flows.append({"from": a, "to": b})
                flows.append({"from": b, "to": a})
    return {
        "schema_version": 1,
        "framework": "wenger-trayner",
        "community": {"name": "Looped network"},
        "cycles": {
            c: {"indicators": [{"id": i, "name": f"Indicator {i}"} for i in ids[c]]} for c in CYCLES
        },
        "flows": flows,
    }


def _quiet(argv: list[str]) -> float:
    from valuecycles.cli import main

    out = io.StringIO()
    gc.collect()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    took = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"{argv} exited with {code}")
    return took


def run(per: int, repeat: int, limit: int = 10) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="vc-looped-") as folder:
        path = Path(folder) / "looped.json"
        doc = make_looped_case(per)
        path.write_bytes(orjson.dumps(doc))
        flows = len(doc["flows"])
        del doc
        validate_argv = ["validate", str(path)]
        chains_argv = [
            "query", str(path), "chains", "--from", "immediate", "--to", "enabling",
            "--limit", str(limit), "--json",
        ]  # fmt: skip
        validate, chains = [], []
        for _ in range(repeat):
            validate.append(_quiet(validate_argv))
            chains.append(_quiet(chains_argv))
        out = io.StringIO()
        from valuecycles.cli import main

        with contextlib.redirect_stdout(out):
            main(chains_argv)
        found = json.loads(out.getvalue())
    longest = max((len(c["indicators"]) for c in found["chains"]), default=0)
    return {
        "indicators_per_cycle": per,
        "flows": flows,
        "validate_s": min(validate),
        "chains_s": min(chains),
        "ratio": min(chains) / min(validate),
        "target": 3.0,
        "chains": len(found["chains"]),
        "truncated": found["truncated"],
        "longest_chain": longest,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per", type=int, default=200, help="indicators per cycle (200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (3)")
    args = parser.parse_args()
    result = run(args.per, args.repeat)
    result["pass"] = result["ratio"] <= result["target"]
    print(json.dumps(result, indent=2))
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
