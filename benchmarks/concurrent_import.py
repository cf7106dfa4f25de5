"""Two ``valuecycles import`` runs into one case at the same moment: are rows lost?

Each trial copies an example case, writes two observation tables with
different rows, starts two ``valuecycles import`` processes on the same case
at once, waits for both, and counts the observations in the result. A lost
update is a trial where fewer rows arrived than the two tables hold (both
commands reported success, yet one's rows are gone). It also counts the
temporary and lock files left beside the case.

    python benchmarks/concurrent_import.py            # 50 pairs
    python benchmarks/concurrent_import.py --pairs 5  # fewer

Prints the counts as JSON; exits 1 if any update was lost or a command failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "examples" / "small-network.yaml"
ROWS = 40


def _table(indicator: str, month: int, offset: int) -> str:
    lines = ["indicator,date,value,note"]
    for i in range(ROWS):
        day = 1 + i % 28
        lines.append(f"{indicator},2030-{month:02d}-{day:02d},{offset + i},writer {offset}")
    return "\n".join(lines) + "\n"


def trial(folder: Path, indicator: str) -> dict[str, Any]:
    import valuecycles as vc

    case = folder / "case.yaml"
    shutil.copyfile(CASE, case)
    before = len(vc.load(case).observations)
    tables = []
    for n, month in ((1, 1), (2, 2)):
        table = folder / f"rows-{n}.csv"
        table.write_text(_table(indicator, month, 1000 * n))
        tables.append(table)
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "valuecycles", "import", str(case), str(table)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for table in tables
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    codes = [run.returncode for run in runs]
    after = len(vc.load(case).observations)
    left = sorted(p.name for p in folder.iterdir() if p.name.startswith(".case.yaml."))
    return {
        "codes": codes,
        "expected": before + 2 * ROWS,
        "found": after,
        "left": left,
        "errors": [err for _, err in outputs if err.strip()],
    }


def run(pairs: int) -> dict[str, Any]:
    import valuecycles as vc

    indicator = next(iter(vc.load(CASE).indicators()))[1].id
    lost = failed = leftovers = 0
    failures: list[Any] = []
    for _ in range(pairs):
        with tempfile.TemporaryDirectory(prefix="vc-concurrent-") as name:
            result = trial(Path(name), indicator)
        if result["codes"] != [0, 0]:
            failed += 1
            failures.append(result)
        elif result["found"] != result["expected"]:
            lost += 1
            failures.append(result)
        leftovers += len(result["left"])
    return {
        "pairs": pairs,
        "lost_updates": lost,
        "failed_commands": failed,
        "leftover_files": leftovers,
        "failures": failures[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=50, help="how many pairs (default 50)")
    args = parser.parse_args()
    result = run(args.pairs)
    print(json.dumps(result, indent=2))
    ok = not (result["lost_updates"] or result["failed_commands"] or result["leftover_files"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
