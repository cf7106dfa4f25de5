"""A fuzz campaign: mutated case documents and observation tables, each in its own process.

The documents start from the example cases (``examples/``, the golden case
and the how-to's case) in all three formats and are mutated two ways, with a
seeded random generator so that a finding can be reproduced from its seed
and number:

- **text**: characters flipped, inserted, deleted, lines repeated or
  swapped, the text cut short; and hazards put in: deep nesting, YAML
  anchors and aliases (a "billion laughs"), explicit tags, huge integers,
  lone surrogates, NUL, byte-order marks, very long texts;
- **structure**: the parsed document with a value replaced (by a value of
  another type, a huge integer, a deep list, a long text), a key removed or
  added, an id misspelt or repeated, then written out again.

Observation tables are fuzzed too: the CSV that ``export_tables`` writes,
with cells, delimiters, quotes and bytes mutated, and XLSX workbooks with
cells of every type (huge integers, NaN, times, errors, formulas).

Each document runs in a child process (``fork``) with its address space
limited to 1 GB more than the parent's and a 5 s timeout. The child reads
the document (``loads``), and if it loads, validates it, writes it in every
format and reads that back, builds the graph and asks for gaps and chains;
then runs ``valuecycles validate --json`` on it as a file. Counted:

- **escapes**: any exception other than ``ValidationError`` (or another
  ``ValuecyclesError``), a ``validate --json`` that exits other than 0 or 1
  or prints no JSON, a message that is not valid UTF-8, a document that
  loads but cannot be written and read back;
- **hangs**: a document still running after the timeout;
- **memory**: a document that needed more than the memory limit;
- **crashes**: a child killed by a signal.

    python benchmarks/fuzz.py                      # 10,000 documents
    python benchmarks/fuzz.py -n 500 --seed 7      # fewer, another seed
    python benchmarks/fuzz.py --show 3             # print 3 findings in full

Prints the counts as JSON (and each finding's seed and number, to replay it
with ``--only N``); exits 1 if anything escaped, hung or ran out of memory.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import io
import json
import os
import random
import resource
import select
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASES = (
    "examples/evaluators-network.yaml",
    "examples/small-network.yaml",
    "tests/data/golden.yaml",
    "docs/howto/nurses.yaml",
)
FORMATS = ("yaml", "json", "toml")
SUFFIX = {"yaml": ".yaml", "json": ".json", "toml": ".toml"}
TIMEOUT = 5.0
MEMORY = 2**30

TOKENS = [
    "[", "]", "{", "}", ":", ",", "- ", "&a ", "*a", "!!binary ", "!!int ", "!!set ",
    "!!python/object:os.system ", "? ", "|", ">", "'", '"', "#", "\n", "\t", "  ", "null",
    "~", "2026-13-45", "2026-02-01", "1e999", "-0", "nan", ".inf", "0x1F", "0o17",
    "true", "no", "=", "<<: *a", "\\u0000", "\\ud800", "\x00", "\ufeff", "\r\n",
    "é漢字🙂", "\u202e", "9" * 19, "9" * 25, "-" + "9" * 20, "1" * 5000, "x" * 2000,
]  # fmt: skip


def _hazard(rng: random.Random, fmt: str) -> str:
    """A larger piece of trouble for a given format."""
    n = rng.choice([10, 70, 300, 999, 1001, 3000, 20000])
    kind = rng.randrange(9)
    if kind == 0:
        return "[" * n + "]" * n
    if kind == 1:
        return "{a: " * n + "1" + "}" * n if fmt == "yaml" else "{a=" * n + "1" + "}" * n
    if kind == 2:
        return "".join(" " * i + "a:\n" for i in range(min(n, 2000)))
    if kind == 3:  # a billion laughs
        lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, rng.randint(2, 10)):
            prev, name = chr(96 + i), chr(97 + i)
            lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
        return "\n".join(lines) + "\n"
    if kind == 4:
        return "x" * rng.choice([1000, 100_000, 2_000_000])
    if kind == 5:
        return rng.choice([str(2**63), str(2**64), str(-(2**63) - 1), str(10**40), "9" * 5000])
    if kind == 6:
        return chr(rng.randrange(0xD800, 0xE000))
    if kind == 7:
        return "&x {a: *x}" if fmt == "yaml" else "[" * 2000
    return "".join(rng.choice(TOKENS) for _ in range(rng.randint(2, 40)))


def mutate_text(text: str, fmt: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        if not text:
            text = rng.choice(TOKENS)
        op = rng.randrange(8)
        i = rng.randrange(len(text) + 1)
        if op == 0:
            text = text[:i] + rng.choice(TOKENS) + text[i + 1 :]
        elif op == 1:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif op == 2:
            j = min(len(text), i + rng.randint(1, 200))
            text = text[:i] + text[j:]
        elif op == 3:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            span = lines[k : k + rng.randint(1, 5)]
            lines[k:k] = span * rng.choice([2, 10, 100, 1000])
            text = "\n".join(lines)
        elif op == 4:
            lines = text.split("\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif op == 5:
            text = text[: rng.randrange(len(text) + 1)]
        elif op == 6:
            text = text[:i] + _hazard(rng, fmt) + text[i:]
        else:  # a hazard as a value, after a key
            at = text.find(": ", i) if fmt == "yaml" else text.find(" = ", i)
            if at >= 0:
                end = text.find("\n", at)
                end = len(text) if end < 0 else end
                text = text[: at + 2] + _hazard(rng, fmt).replace("\n", " ") + text[end:]
    return text


def _random_value(rng: random.Random, ids: list[str]) -> Any:
    kind = rng.randrange(14)
    if kind == 0:
        return rng.choice([2**63, 2**64, -(2**63) - 1, 2**63 - 1, 10**30])
    if kind == 1:
        return rng.choice([0.5, -1e308, 1e-320, float("nan"), float("inf")])
    if kind == 2:
        return "x" * rng.choice([0, 1, 1001, 100_000])
    if kind == 3:
        value: Any = 1
        for _ in range(rng.choice([5, 70, 900])):
            value = [value]
        return value
    if kind == 4:
        return {"a": 1, "b": [1, 2]}
    if kind == 5:
        return [rng.choice(ids), "nope"] if ids else []
    if kind == 6:
        return rng.choice(ids) + rng.choice(["", "x", " "]) if ids else "x"
    if kind == 7:
        return None
    if kind == 8:
        return rng.choice([True, False])
    if kind == 9:
        return _dt.date(2026, 2, 1)
    if kind == 10:
        return "2026-02-30"
    if kind == 11:
        return rng.choice(["immediate", "aplied", "nosuch", "2026", "2026-Q5"])
    if kind == 12:
        return chr(rng.randrange(0xD800, 0xE000))
    return rng.randint(-5, 5)


def _nodes(data: Any, out: list[tuple[Any, Any]]) -> None:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                out.append((node, key))
                stack.append(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                out.append((node, i))
                stack.append(value)


def _ids(data: Any) -> list[str]:
    found: list[str] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.append(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def mutate_data(data: Any, rng: random.Random) -> Any:
    ids = _ids(data)
    for _ in range(rng.randint(1, 3)):
        nodes: list[tuple[Any, Any]] = []
        _nodes(data, nodes)
        if not nodes:
            break
        parent, key = rng.choice(nodes)
        op = rng.randrange(5)
        if op == 0 or op == 1:
            parent[key] = _random_value(rng, ids)
        elif op == 2 and isinstance(parent, dict):
            del parent[key]
        elif op == 3 and isinstance(parent, dict):
            parent[rng.choice(["colour", "extra", "id", "2026", "from", "x" * 300])] = (
                _random_value(rng, ids)
            )
        elif op == 4 and isinstance(parent, list):
            parent.extend([parent[key]] * rng.choice([1, 2, 50]))
    return data


def _write(data: Any, fmt: str) -> str:
    import tomlkit
    import yaml

    if fmt == "json":
        return json.dumps(data, default=str)
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return tomlkit.dumps(data)


def _base_texts() -> list[tuple[str, str, Any]]:
    import valuecycles as vc

    out = []
    for name in BASES:
        text = (ROOT / name).read_text(encoding="utf-8")
        case = vc.loads(text, "yaml")
        data = json.loads(vc.dumps(case, "json"))
        out.append(("yaml", text, data))
        out.append(("json", vc.dumps(case, "json"), data))
        out.append(("toml", vc.dumps(case, "toml"), data))
    return out


def _csv_text(case: Any) -> str:
    import valuecycles as vc

    with tempfile.TemporaryDirectory() as folder:
        vc.export_tables(case, folder)
        return (Path(folder) / "observations.csv").read_text(encoding="utf-8")


CELLS = [
    "", "=1+1", "+1", "@x", "\t", "9" * 19, "9" * 30, "-" + "9" * 25, "nan", "inf", "1e999",
    "2026-02-30", "2026-13-01", "20260201", "2026-W05-1", "x" * 5000, '"', '""', ";", ",",
    "\r", "é", "2026", "2026-Q5", "effect", "contribution", "maybe", "true", "1,5", "0x10",
]  # fmt: skip


def mutate_csv(text: str, rng: random.Random) -> bytes:
    rows = [line.split(",") for line in text.splitlines()]
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(7)
        r = rng.randrange(len(rows))
        if op <= 2 and rows[r]:
            rows[r][rng.randrange(len(rows[r]))] = rng.choice(CELLS)
        elif op == 3:
            rows[r].append(rng.choice(CELLS))
        elif op == 4 and rows[r]:
            rows[r].pop(rng.randrange(len(rows[r])))
        elif op == 5:
            rows.extend([list(rows[r])] * rng.choice([1, 100, 5000]))
        else:
            rows.insert(r, [rng.choice(CELLS)])
    sep = rng.choice([",", ",", ";"])
    data = ("\r\n" if rng.random() < 0.2 else "\n").join(sep.join(row) for row in rows)
    raw = data.encode("utf-8")
    if rng.random() < 0.15:
        raw = b"\xef\xbb\xbf" + raw
    if rng.random() < 0.1:
        i = rng.randrange(len(raw) + 1)
        raw = raw[:i] + bytes([rng.randrange(128, 256)]) + raw[i:]
    return raw


def xlsx_bytes(case: Any, rng: random.Random) -> bytes:
    from openpyxl import Workbook

    indicators = [i.id for _, i in case.indicators()] or ["x"]
    book = Workbook()
    sheet = book.active
    sheet.title = "observations"
    header = ["indicator", "date", "value", "period", "note", "dim.region", "extra.k"]
    if rng.random() < 0.2:
        header[rng.randrange(len(header))] = rng.choice(["", "colour", "value", "dim."])
    sheet.append(header)
    choices: list[Any] = [
        2**63, -(2**63) - 1, 10**20, 52, 52.5, float("nan"), float("inf"), True, "",
        _dt.datetime(2026, 2, 1, 10, 30), _dt.date(2026, 2, 1), _dt.time(10, 30),
        _dt.timedelta(days=1), "=1+1", "#DIV/0!", "x" * 40000, "2026-02-30", None,
    ]  # fmt: skip
    for _ in range(rng.randint(1, 30)):
        row: list[Any] = [rng.choice(indicators), _dt.date(2026, 3, 1), 1, None, None, None, None]
        for _ in range(rng.randint(0, 3)):
            row[rng.randrange(len(row))] = rng.choice(choices)
        try:
            sheet.append(row)
        except Exception:  # a value openpyxl itself refuses: not ours to read
            continue
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def jobs(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """The campaign's documents, job by job; job ``i`` depends only on ``seed`` and ``i``."""
    import valuecycles as vc

    bases = _base_texts()
    cases = [vc.loads(json.dumps(data), "json") for _, _, data in bases[::3]]
    csvs = [_csv_text(case) for case in cases]
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        pick = rng.random()
        if pick < 0.45:
            fmt, text, _ = rng.choice(bases)
            yield {"i": i, "kind": "text", "fmt": fmt, "text": mutate_text(text, fmt, rng)}
        elif pick < 0.8:
            fmt, _, data = rng.choice(bases)
            fmt = rng.choice(FORMATS)
            mutated = mutate_data(json.loads(json.dumps(data)), rng)
            try:
                text = _write(mutated, fmt)
            except Exception:  # the format cannot hold it (None in TOML, NaN, ...)
                fmt, text = "json", json.dumps(mutated, default=str)
            yield {"i": i, "kind": "structure", "fmt": fmt, "text": text}
        elif pick < 0.93:
            k = rng.randrange(len(cases))
            yield {"i": i, "kind": "csv", "case": k, "raw": mutate_csv(csvs[k], rng)}
        else:
            k = rng.randrange(len(cases))
            yield {"i": i, "kind": "xlsx", "case": k, "raw": xlsx_bytes(cases[k], rng)}


class Escape(Exception):
    """Something the library should not have done; the message says what."""


def _utf8(problems: Any) -> None:
    for problem in problems:
        try:
            str(problem).encode("utf-8")
            json.dumps(problem.to_dict(), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Escape(f"a problem that is not valid UTF-8: {problem.path!r}") from exc


def _use(case: Any) -> None:
    """Everything a loaded case must allow: validate, write and read back, graph queries."""
    import valuecycles as vc

    _utf8(vc.validate(case).errors)
    for fmt in FORMATS:
        text = vc.dumps(case, fmt)
        try:
            again = vc.loads(text, fmt)
        except vc.ValidationError as exc:
            raise Escape(f"loaded, but its {fmt} does not load: {exc}") from None
        if again != case:
            raise Escape(f"loaded, but its {fmt} reads back different")
    graph = vc.build_graph(case)
    graph.gaps()
    keys = graph.framework.cycle_keys
    graph.chains(keys[0], keys[-1], limit=10)


def _validate_cli(path: Path) -> None:
    from valuecycles.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "--json", str(path)])
    if code not in (0, 1):
        raise Escape(f"validate --json exited {code}: {out.getvalue()[-500:]}")
    try:
        json.loads(out.getvalue())
        out.getvalue().encode("utf-8")
    except (ValueError, UnicodeEncodeError) as exc:
        raise Escape(f"validate --json printed no JSON: {exc}") from None


def check(job: dict[str, Any], folder: Path) -> str:
    """Run one job; return what happened (``refused`` or ``accepted``), or raise."""
    import valuecycles as vc
    from valuecycles.errors import ValuecyclesError

    if job["kind"] in _PROBES:  # to check the campaign itself counts what it should
        return _PROBES[job["kind"]]()
    if job["kind"] in ("text", "structure"):
        text, fmt = job["text"], job["fmt"]
        try:
            case = vc.loads(text, fmt)
        except ValuecyclesError as exc:
            _utf8(getattr(exc, "errors", ()))
            outcome = "refused"
        else:
            _use(case)
            outcome = "accepted"
        path = folder / f"case{SUFFIX[fmt]}"
        try:
            path.write_text(text, encoding="utf-8")
        except UnicodeEncodeError:
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        _validate_cli(path)
        return outcome
    base = _cases()[job["case"]]
    table = folder / ("rows.csv" if job["kind"] == "csv" else "rows.xlsx")
    table.write_bytes(job["raw"])
    try:
        case, _report = vc.import_observations(base, table)
    except ValuecyclesError as exc:
        _utf8(getattr(exc, "errors", ()))
        return "refused"
    _use(case)
    return "accepted"


def _sleep() -> str:
    time.sleep(60)
    return "accepted"


def _raise() -> str:
    raise KeyError("a bug")


def _allocate() -> str:
    hoard = [bytearray(2**20) for _ in range(2**14)]
    return str(len(hoard))


_PROBES = {"sleep": _sleep, "raise": _raise, "allocate": _allocate}
_CASES: list[Any] = []


def _cases() -> list[Any]:
    if not _CASES:
        import valuecycles as vc

        _CASES.extend(vc.loads(json.dumps(data), "json") for _, _, data in _base_texts()[::3])
    return _CASES


def _vm_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def run_one(job: dict[str, Any], timeout: float = TIMEOUT, memory: int = MEMORY) -> dict[str, Any]:
    """Run a job in a forked child with a memory limit and a timeout."""
    limit = _vm_bytes() + memory
    read_end, write_end = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        result: dict[str, Any]
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            with tempfile.TemporaryDirectory(prefix="vc-fuzz-") as folder:
                result = {"outcome": check(job, Path(folder))}
        except MemoryError:
            result = {"outcome": "memory"}
        except Escape as exc:
            result = {"outcome": "escape", "detail": str(exc)[:2000]}
        except BaseException:
            result = {"outcome": "escape", "detail": traceback.format_exc()[-3000:]}
        try:
            payload = json.dumps(result).encode("utf-8", "backslashreplace")
        except Exception:  # pragma: no cover
            payload = b'{"outcome": "escape", "detail": "unreportable"}'
        with contextlib.suppress(OSError):
            os.write(write_end, payload)
        os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = started + timeout
    hung = False
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            hung = True
            break
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            hung = True
            break
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    if hung:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(read_end)
    took = time.perf_counter() - started
    if hung:
        return {"outcome": "hang", "seconds": took}
    if os.WIFSIGNALED(status):
        return {"outcome": "crash", "detail": f"signal {os.WTERMSIG(status)}", "seconds": took}
    try:
        result = json.loads(b"".join(chunks))
    except ValueError:
        result = {"outcome": "crash", "detail": "no result"}
    result["seconds"] = took
    return result


KINDS = ("text", "structure", "csv", "xlsx")


def run(
    n: int,
    seed: int = 0,
    *,
    only: int | None = None,
    show: int = 0,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, Any]:
    """Run jobs ``0 .. n-1`` of the campaign (those of the given kinds)."""
    _cases()  # loaded once, before the children fork
    # Imported once here, not in each child: faster, and every child runs the same code.
    import openpyxl  # noqa: F401

    import valuecycles.cli  # noqa: F401

    counts: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    findings: list[dict[str, Any]] = []
    slowest = 0.0
    started = time.perf_counter()
    for job in jobs(n, seed):
        if (only is not None and job["i"] != only) or job["kind"] not in kinds:
            continue
        result = run_one(job)
        counts[result["outcome"]] += 1
        by_kind[job["kind"]] += 1
        slowest = max(slowest, result["seconds"])
        if result["outcome"] in ("escape", "hang", "memory", "crash"):
            findings.append({"i": job["i"], "kind": job["kind"], **result})
    return {
        "documents": sum(counts.values()),
        "seed": seed,
        "escapes": counts["escape"],
        "hangs": counts["hang"],
        "memory": counts["memory"],
        "crashes": counts["crash"],
        "refused": counts["refused"],
        "accepted": counts["accepted"],
        "by_kind": dict(by_kind),
        "slowest_s": round(slowest, 3),
        "total_s": round(time.perf_counter() - started, 1),
        "findings": [f["i"] for f in findings],
        "shown": findings[:show],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="documents (default 10,000)")
    parser.add_argument("--seed", type=int, default=0, help="the campaign's seed (default 0)")
    parser.add_argument("--only", type=int, help="run only document number N (to replay one)")
    parser.add_argument("--show", type=int, default=0, help="print this many findings in full")
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help=f"which kinds of job, comma-separated (default: {','.join(KINDS)})",
    )
    args = parser.parse_args()
    kinds = tuple(k for k in args.kinds.split(",") if k)
    result = run(args.n, args.seed, only=args.only, show=args.show, kinds=kinds)
    print(json.dumps(result, indent=2))
    bad = result["escapes"] + result["hangs"] + result["memory"] + result["crashes"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
