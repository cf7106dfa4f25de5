"""Benchmarks: valuecycles' speed and memory as ratios against baselines in the same run.

Absolute times drift on shared machines, so every figure here is a ratio:
the library's time over a baseline's time measured in the same run (both
the best and the median of several runs), a memory ratio, or a growth factor
between two sizes. Each figure has its target and a pass flag.

Run it from the repository's root::

    python benchmarks/run.py            # all three sizes (a few minutes)
    python benchmarks/run.py --quick    # the smallest size only
    python benchmarks/run.py --json     # the figures as JSON on stdout

No network; the cases are generated from a fixed seed (``synthetic.py``).
A figure whose code has not landed in the library yet is reported as not
available. See ``benchmarks/README.md`` for what each baseline means.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

import valuecycles as vc  # noqa: E402
from valuecycles._text import atomic_write  # noqa: E402

#: Every figure the script reports, in order (``--quick`` reports them all too).
FIGURES: tuple[str, ...] = (
    "load-json",
    "loads-json",
    "load-yaml",
    "load-json-problems",
    "dump-json",
    "dump-json-file",
    "dump-json-pydantic",
    "build-graph",
    "gaps",
    "matrix",
    "progress",
    "chains-dense",
    "memory-load",
    "growth-load-json",
    "growth-load-yaml",
    "growth-dump-json",
    "growth-build-graph",
    "growth-gaps",
    "growth-matrix",
    "growth-progress",
)
#: A growth figure is flagged when it grows this much more than its baseline grew.
GROWTH_LIMIT = 1.15
#: Targets apply from this many observations on; smaller sizes are for information
#: (fixed costs, such as reading the framework's plan, decide them).
TARGET_FROM = 10_000
AS_OF = _dt.date(2027, 1, 1)
CHAINS_FROM, CHAINS_TO = "immediate", "transformative"
#: chains-dense is measured against loading the case with this many stories.
CHAINS_AGAINST_STORIES = 10_000


# --- timing ----------------------------------------------------------------


def _time_once(func: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    result = func()
    # The young generation's collection of what the call made: a program with
    # the collector on pays it at its next allocation. Charged to every call
    # alike (a call that paused the collector would otherwise leave it unpaid,
    # or pay it inside, by whether it happens to allocate after resuming).
    gc.collect(0)
    elapsed = time.perf_counter() - start
    del result  # freeing what the call returns is not part of its time
    return elapsed


def timings(subject: Callable[[], Any], baseline: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """Best and median seconds of a subject and its baseline, run in turns."""
    subject()  # warm up: imports, caches, the framework
    baseline()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        theirs.append(_time_once(baseline))
        ours.append(_time_once(subject))
    return {
        "subject_best": min(ours),
        "subject_median": statistics.median(ours),
        "baseline_best": min(theirs),
        "baseline_median": statistics.median(theirs),
    }


def figure(
    name: str,
    *,
    size: str | None,
    subject: str,
    baseline: str,
    target: float | None,
    measure: Callable[[], dict[str, Any]],
    note: str | None = None,
) -> dict[str, Any]:
    """Run one measurement; a missing feature or a failure is reported, not raised."""
    out: dict[str, Any] = {
        "name": name,
        "size": size,
        "subject": subject,
        "baseline": baseline,
        "target": target,
        "ratio": None,
        "ratio_median": None,
        "pass": None,
        "status": "ok",
        "note": note,
    }
    try:
        found = measure()
    except _NotAvailable as exc:
        out["status"] = "not available"
        out["note"] = str(exc)
        return out
    except Exception as exc:
        out["status"] = "error"
        out["note"] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=sys.stderr)
        return out
    out.update(found)
    if "subject_best" in found:
        out["ratio"] = found["subject_best"] / found["baseline_best"]
        out["ratio_median"] = found["subject_median"] / found["baseline_median"]
    if target is not None and out["ratio"] is not None:
        out["pass"] = out["ratio"] <= target
    return out


class _NotAvailable(Exception):
    pass


def _target(size: Size, target: float) -> float | None:
    return target if size.observations >= TARGET_FROM else None


def _note(size: Size) -> str | None:
    if size.observations >= TARGET_FROM:
        return None
    return f"no target below {TARGET_FROM} observations: for information"


def _library(name: str) -> Callable[..., Any]:
    func = getattr(vc, name, None)
    if func is None:
        raise _NotAvailable(f"valuecycles.{name} has not landed yet")
    return func  # type: ignore[no-any-return]


# --- the cases ---------------------------------------------------------------


class Size:
    """One synthetic case, written as JSON and YAML, with its plain data."""

    def __init__(self, folder: Path, observations: int, stories: int) -> None:
        self.observations = observations
        self.stories = stories
        self.label = f"{observations} observations, {stories} stories"
        self.doc = synthetic.make_case(observations, stories)
        self.json_path = folder / f"case-{observations}.json"
        self.json_path.write_bytes(orjson.dumps(self.doc, option=orjson.OPT_INDENT_2))
        self.json_bytes = self.json_path.read_bytes()
        self.json_text = self.json_bytes.decode("utf-8")
        self.yaml_path = folder / f"case-{observations}.yaml"
        self.yaml_path.write_text(yaml.safe_dump(self.doc, sort_keys=False), encoding="utf-8")
        self.yaml_text = self.yaml_path.read_text(encoding="utf-8")
        self.case = vc.load(self.json_path)
        self.bad_path = folder / f"bad-{observations}.json"
        self.bad_path.write_bytes(
            orjson.dumps(_with_problems(self.doc), option=orjson.OPT_INDENT_2)
        )
        self.bad_bytes = self.bad_path.read_bytes()
        self.dump_path = folder / f"dumped-{observations}.json"
        self.plain_path = folder / f"plain-{observations}.json"

    def load(self) -> vc.Case:
        return vc.load(self.json_path)

    def release(self) -> None:
        """Let go of the case and its data in memory; the files stay for later figures."""
        del self.doc, self.json_bytes, self.json_text, self.yaml_text, self.case, self.bad_bytes
        gc.collect()


def _with_problems(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with two mistakes: a misspelt key midway, a wrong kind of value last."""
    observations = list(doc["observations"])
    middle = len(observations) // 2
    observations[middle] = {**observations[middle], "indicatr": observations[middle]["indicator"]}
    last = observations[-1]
    wrong = 3 if isinstance(last["value"], str) else "not a number"
    observations[-1] = {**last, "value": wrong}
    return {**doc, "observations": observations}


def _load_refused(path: Path) -> None:
    try:
        vc.load(path)
    except vc.ValidationError as exc:
        if len(exc.errors) != 2:
            raise AssertionError(f"expected two problems, got {exc.errors}") from None
        return
    raise AssertionError(f"{path} loaded without its two problems")


# --- the figures -------------------------------------------------------------


def _paused(func: Callable[[], Any]) -> Callable[[], Any]:
    """``func`` with the cycle collector paused, as ``valuecycles.load`` pauses it."""

    def call() -> Any:
        gc.disable()
        try:
            return func()
        finally:
            gc.enable()

    return call


def load_json(size: Size, repeat: int) -> dict[str, Any]:
    return figure(
        "load-json",
        size=size.label,
        subject="valuecycles.load of the JSON file (read, parse, build, validate)",
        baseline="orjson.loads of the file's bytes (reading included), "
        "with the collector paused as load pauses it",
        target=_target(size, 2.5),
        measure=lambda: timings(
            size.load, _paused(lambda: orjson.loads(size.json_path.read_bytes())), repeat
        ),
        note=_note(size),
    )


def loads_json(size: Size, repeat: int) -> dict[str, Any]:
    return figure(
        "loads-json",
        size=size.label,
        subject="valuecycles.loads of the JSON text already in memory",
        baseline="orjson.loads of the same text, with the collector paused as loads pauses it",
        target=None,
        measure=lambda: timings(
            lambda: vc.loads(size.json_text, "json"),
            _paused(lambda: orjson.loads(size.json_text)),
            repeat,
        ),
        note="no target: for information (the same work as load-json, without the file)",
    )


def load_yaml(size: Size, repeat: int) -> dict[str, Any]:
    return figure(
        "load-yaml",
        size=size.label,
        subject="valuecycles.load of the YAML file (with line numbers, strict YAML 1.2)",
        baseline="yaml.load of the same text with PyYAML's CSafeLoader",
        target=None,
        measure=lambda: timings(
            lambda: vc.load(size.yaml_path),
            lambda: yaml.load(size.yaml_text, Loader=yaml.CSafeLoader),
            repeat,
        ),
        note="no target: reported for information",
    )


def load_json_problems(size: Size, repeat: int) -> dict[str, Any]:
    return figure(
        "load-json-problems",
        size=size.label,
        subject="valuecycles.load of the JSON file with two mistakes, until it reports both",
        baseline="orjson.loads of the same bytes",
        target=None,
        measure=lambda: timings(
            lambda: _load_refused(size.bad_path), lambda: orjson.loads(size.bad_bytes), repeat
        ),
        note="no target: reported for information (a document with problems takes "
        "the converter's path, which reports every problem)",
    )


def dump_json(size: Size, repeat: int) -> dict[str, Any]:
    return figure(
        "dump-json",
        size=size.label,
        subject="valuecycles.dumps of the loaded case as JSON, in memory",
        baseline="orjson.dumps of the plain dicts, indented, in memory, "
        "with the collector paused as dumps pauses it",
        target=_target(size, 4.0),
        measure=lambda: timings(
            lambda: vc.dumps(size.case, "json"),
            _paused(lambda: orjson.dumps(size.doc, option=orjson.OPT_INDENT_2)),
            repeat,
        ),
        note=_note(size),
    )


def dump_json_file(size: Size, repeat: int) -> dict[str, Any]:
    def plain() -> None:
        atomic_write(size.plain_path, orjson.dumps(size.doc, option=orjson.OPT_INDENT_2))

    return figure(
        "dump-json-file",
        size=size.label,
        subject="valuecycles.dump of the case to a JSON file",
        baseline="orjson.dumps of the plain dicts, indented, written the same way "
        "(temporary file, flushed to disk, renamed)",
        target=None,
        measure=lambda: timings(lambda: vc.dump(size.case, size.dump_path), plain, repeat),
        note="no target: for information (the disk's time is in both)",
    )


def dump_pydantic(size: Size, repeat: int) -> dict[str, Any]:
    def measure() -> dict[str, Any]:
        try:
            import pydantic_case
        except ImportError as exc:
            raise _NotAvailable(f"pydantic is not installed ({exc})") from None
        model = pydantic_case.CaseModel.model_validate(size.doc)
        return timings(
            lambda: model.model_dump_json(indent=2, exclude_defaults=True, by_alias=True),
            _paused(lambda: orjson.dumps(size.doc, option=orjson.OPT_INDENT_2)),
            repeat,
        )

    return figure(
        "dump-json-pydantic",
        size=size.label,
        subject="pydantic v2 model_dump_json of the same case (models like ours), in memory",
        baseline="orjson.dumps of the plain dicts, indented, in memory",
        target=None,
        measure=measure,
        note="no target: for comparing dump-json with another typed-model library",
    )


def build_graph(size: Size, repeat: int) -> dict[str, Any]:
    def measure() -> dict[str, Any]:
        build = _library("build_graph")
        built = build(size.case).graph
        nodes = list(built.nodes(data=True))
        edges = list(built.edges(keys=True, data=True))

        def bare() -> nx.MultiDiGraph[str]:
            graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
            graph.add_nodes_from(nodes)
            graph.add_edges_from(edges)
            return graph

        # The networkx graph is made on first use of .graph: the subject asks for it.
        found = timings(lambda: build(size.case).graph, bare, repeat)
        found["nodes"], found["edges"] = len(nodes), len(edges)
        return found

    return figure(
        "build-graph",
        size=size.label,
        subject="valuecycles.build_graph(case).graph of the loaded case (made on first use)",
        baseline="adding the same nodes and edges (with their attributes) "
        "to a bare networkx.MultiDiGraph",
        target=_target(size, 2.0),
        measure=measure,
        note=_note(size),
    )


def gaps(size: Size, repeat: int) -> dict[str, Any]:
    def measure() -> dict[str, Any]:
        graph = _library("build_graph")(size.case)
        assert graph.graph is not None  # built before the clock starts: the query alone is timed
        return timings(lambda: graph.gaps(as_of=AS_OF), size.load, repeat)

    return figure(
        "gaps",
        size=size.label,
        subject="ValueGraph.gaps on the built graph",
        baseline="valuecycles.load of the same case (JSON)",
        target=_target(size, 1.0),
        measure=measure,
        note=_note(size),
    )


def evidence(name: str, size: Size, repeat: int) -> dict[str, Any]:
    def measure() -> dict[str, Any]:
        func = _library(name)
        return timings(lambda: func(size.case), size.load, repeat)

    return figure(
        name,
        size=size.label,
        subject=f"valuecycles.{name} of the loaded case",
        baseline="valuecycles.load of the same case (JSON)",
        target=_target(size, 1.0),
        measure=measure,
        note=_note(size),
    )


def chains_dense(folder: Path, against: Size, repeat: int) -> dict[str, Any]:
    def measure() -> dict[str, Any]:
        dense_path = folder / "dense.json"
        dense_path.write_bytes(orjson.dumps(synthetic.make_dense_case()))
        graph = _library("build_graph")(vc.load(dense_path))
        found = timings(
            lambda: graph.chains(CHAINS_FROM, CHAINS_TO, limit=1000), against.load, repeat
        )
        result = graph.chains(CHAINS_FROM, CHAINS_TO, limit=1000)
        found["chains"] = len(result.chains)
        found["truncated"] = result.truncated
        flows = graph.graph.number_of_edges()
        found["flows_in_graph"] = flows
        if not result.truncated:
            raise RuntimeError("the dense case has millions of chains, yet none were cut off")
        return found

    links = synthetic.CYCLES.index(CHAINS_TO) - synthetic.CYCLES.index(CHAINS_FROM)
    total = synthetic.INDICATORS_PER_CYCLE ** (links + 1)
    # The target is set against loading the 10,000-story case; --quick has
    # only the smallest, so there the figure is for information.
    full = against.stories >= CHAINS_AGAINST_STORIES
    return figure(
        "chains-dense",
        size=f"dense: {total} chains from {CHAINS_FROM} to {CHAINS_TO}",
        subject="ValueGraph.chains(limit=1000) on the dense case's built graph",
        baseline=f"valuecycles.load of the {against.label} case (JSON)",
        target=1.0 if full else None,
        measure=measure,
        note=None
        if full
        else f"no target: it is set against the {CHAINS_AGAINST_STORIES}-story case, "
        "which --quick does not make",
    )


_MEMORY_CHILD = """
import orjson, resource, sys, tracemalloc
from pathlib import Path
import valuecycles as vc


def high_water():
    # VmHWM starts afresh with the process image; ru_maxrss would carry over
    # the parent's peak across fork and exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


which, path, warm, traced = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
vc.load(warm)  # imports and the framework, outside the measurement
if traced == "traced":
    tracemalloc.start()
before = high_water()
if which == "load":
    result = vc.load(path)
else:
    result = orjson.loads(path.read_bytes())
if traced == "traced":
    current, peak = tracemalloc.get_traced_memory()
    print(peak, current)
else:
    print(high_water() - before, 0)
"""


def memory(folder: Path, size: Size, repeat: int, quick: bool) -> dict[str, Any]:
    def child(which: str, warm: Path, traced: bool) -> tuple[int, int]:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _MEMORY_CHILD,
                which,
                str(size.json_path),
                str(warm),
                "traced" if traced else "plain",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        first, second = done.stdout.split()
        return int(first), int(second)

    def measure() -> dict[str, Any]:
        warm = folder / "warm.json"
        warm.write_bytes(orjson.dumps(synthetic.make_case(1, 1)))
        runs = 1 if quick else max(2, repeat // 2)
        ours = [child("load", warm, False)[0] for _ in range(runs)]
        theirs = [child("orjson", warm, False)[0] for _ in range(runs)]
        our_peak, our_kept = child("load", warm, True)
        their_peak, their_kept = child("orjson", warm, True)
        return {
            "subject_peak_bytes": min(ours),
            "baseline_peak_bytes": min(theirs),
            "ratio": min(ours) / max(min(theirs), 1),
            "ratio_median": statistics.median(ours) / max(statistics.median(theirs), 1),
            "subject_traced_peak_bytes": our_peak,
            "baseline_traced_peak_bytes": their_peak,
            "traced_peak_ratio": our_peak / max(their_peak, 1),
            "subject_kept_bytes": our_kept,
            "baseline_kept_bytes": their_kept,
        }

    return figure(
        "memory-load",
        size=size.label,
        subject="peak resident memory growth of valuecycles.load (reading the file included)",
        baseline="the same for orjson.loads of the file's bytes (reading included); "
        "each in its own process, after the same imports",
        target=2.0,
        measure=measure,
        note="also: the peak and what is kept as traced by tracemalloc, in separate runs",
    )


def growth(timed: list[dict[str, Any]], name: str, sizes: list[Size]) -> dict[str, Any]:
    """How much more the subject grew than its baseline, between sizes ten times apart."""
    out = figure(
        f"growth-{name}",
        size=None,
        subject=f"{name}: time at the largest size over time at the size ten times smaller",
        baseline=f"the same growth of {name}'s own baseline",
        target=GROWTH_LIMIT,
        measure=lambda: _growth(timed, name, sizes),
        note="the ratio is the subject's growth over its baseline's growth; "
        f"flagged above {GROWTH_LIMIT}",
    )
    if out["status"] == "ok":
        out["size"] = f"{sizes[-2].label} -> {sizes[-1].label}"
    return out


def _growth(timed: list[dict[str, Any]], name: str, sizes: list[Size]) -> dict[str, Any]:
    if len(sizes) < 2:
        raise _NotAvailable("needs two sizes (--quick runs one)")
    by_size = {f["size"]: f for f in timed if f["name"] == name}
    small, large = by_size.get(sizes[-2].label), by_size.get(sizes[-1].label)
    if small is None or large is None or small["status"] != "ok" or large["status"] != "ok":
        status = "missing" if large is None else large["status"]
        raise _NotAvailable(f"{name} was not measured at both sizes ({status})")
    return {
        # The ratio of ratios: the subject's growth over its baseline's growth.
        "subject_best": large["subject_best"] / small["subject_best"],
        "subject_median": large["subject_median"] / small["subject_median"],
        "baseline_best": large["baseline_best"] / small["baseline_best"],
        "baseline_median": large["baseline_median"] / small["baseline_median"],
        "subject_growth": large["subject_best"] / small["subject_best"],
        "baseline_growth": large["baseline_best"] / small["baseline_best"],
        "baseline_growth_of": large["baseline"],
    }


# --- the run -------------------------------------------------------------------


def run(quick: bool, repeat: int, progress: Callable[[str], None]) -> dict[str, Any]:
    chosen = synthetic.SIZES[:1] if quick else synthetic.SIZES
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="valuecycles-bench-") as tmp:
        folder = Path(tmp)
        sizes: list[Size] = []
        timed: list[dict[str, Any]] = []
        for observations, stories in chosen:
            # One size at a time: the harness holds only the case being timed,
            # so a figure at one size does not depend on the sizes around it.
            progress(f"generating {observations} observations, {stories} stories")
            size = Size(folder, observations, stories)
            sizes.append(size)
            # The harness's own data is not the library's to collect.
            gc.collect()
            gc.freeze()
            progress(f"timing at {size.label}")
            timed.append(load_json(size, repeat))
            timed.append(loads_json(size, repeat))
            timed.append(load_yaml(size, repeat))
            timed.append(load_json_problems(size, repeat))
            timed.append(dump_json(size, repeat))
            timed.append(dump_json_file(size, repeat))
            timed.append(dump_pydantic(size, repeat))
            timed.append(build_graph(size, repeat))
            timed.append(gaps(size, repeat))
            timed.append(evidence("matrix", size, repeat))
            timed.append(evidence("progress", size, repeat))
            gc.unfreeze()
            size.release()
        figures.extend(timed)
        progress("chains on the dense case")
        figures.append(chains_dense(folder, sizes[-1], repeat))
        progress("memory, each load in its own process")
        figures.append(memory(folder, sizes[-1], repeat, quick))
        for name in ("load-json", "load-yaml", "dump-json", "build-graph"):
            figures.append(growth(timed, name, sizes))
        for name in ("gaps", "matrix", "progress"):
            figures.append(growth(timed, name, sizes))
    return {
        "valuecycles": vc.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "quick": quick,
        "repeat": repeat,
        "sizes": [{"observations": s.observations, "stories": s.stories} for s in sizes],
        "figures": figures,
    }


def _fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def table(result: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    head = ("figure", "size", "ratio", "median", "target", "result")
    rows = [head]
    for f in result["figures"]:
        if f["status"] != "ok":
            verdict = f["status"]
        elif f["pass"] is None:
            verdict = "info"
        else:
            verdict = "pass" if f["pass"] else "FAIL"
        target = "-" if f["target"] is None else f"<= {f['target']:g}"
        rows.append(
            (
                f["name"],
                f["size"] or "-",
                _fmt_ratio(f["ratio"]),
                _fmt_ratio(f["ratio_median"]),
                target,
                verdict,
            )
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [
        f"  {f['name']} ({f['size'] or '-'}): {f['note']}"
        for f in result["figures"]
        if f["status"] != "ok" and f["note"]
    ]
    extra = []
    for f in result["figures"]:
        if f["name"] == "chains-dense" and f["status"] == "ok":
            extra.append(
                f"  chains-dense: {f['chains']} chains returned, truncated={f['truncated']}"
            )
        if f["name"].startswith("growth-") and f["status"] == "ok":
            extra.append(
                f"  {f['name']}: grew {f['subject_growth']:.2f}x; its baseline "
                f"({f['baseline_growth_of']}) grew {f['baseline_growth']:.2f}x"
            )
        if f["name"] == "memory-load" and f["status"] == "ok":
            mib = 2**20
            extra.append(
                f"  memory-load: peak {f['subject_peak_bytes'] / mib:.0f} MiB vs "
                f"{f['baseline_peak_bytes'] / mib:.0f} MiB; traced peak "
                f"{f['subject_traced_peak_bytes'] / mib:.0f} MiB vs "
                f"{f['baseline_traced_peak_bytes'] / mib:.0f} MiB; kept "
                f"{f['subject_kept_bytes'] / mib:.0f} MiB (the case) vs "
                f"{f['baseline_kept_bytes'] / mib:.0f} MiB (the dicts)"
            )
    header = (
        f"valuecycles {result['valuecycles']}, Python {result['python']}, {result['machine']}; "
        f"best of {result['repeat']} runs (ratio) and median"
    )
    out = [header, "", *lines]
    if extra:
        out += ["", *extra]
    if notes:
        out += ["", "not measured:", *notes]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the smallest size only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per figure (at least 5; default 5)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")

    def progress(message: str) -> None:
        print(f"... {message}", file=sys.stderr, flush=True)

    result = run(args.quick, args.repeat, progress)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
