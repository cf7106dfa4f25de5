"""Case documents: lossless round trips, golden files, YAML rules, versions, fuzzing, writes."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuecycles as vc
from golden import FORMATS, GOLDEN, golden_path
from strategies import cases
from valuecycles.errors import join_path
from valuecycles.io import to_data
from valuecycles.io._convert import CONVERTER
from valuecycles.io._document import _plain as plain_case

CODE = re.compile(r"^[a-z]+(-[a-z]+)*$")


def assert_well_formed(exc: vc.ValidationError) -> None:
    """Every problem has a path into the document and a stable kebab-case code."""
    assert exc.errors
    for problem in exc.errors:
        assert problem.path.startswith("$"), problem
        assert CODE.match(problem.code), problem
        assert problem.message


# --- round trips ------------------------------------------------------------------


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(), fmt=st.sampled_from(FORMATS))
def test_every_case_survives_every_format(case: vc.Case, fmt: str) -> None:
    text = vc.dumps(case, fmt)
    back = vc.loads(text, fmt)
    assert back == case
    # Types too: 2 stays an int and 2.0 a float (== cannot tell them apart).
    assert vc.dumps(back, "json") == vc.dumps(case, "json")
    assert vc.dumps(back, fmt) == text


@given(case=cases())
def test_json_written_model_by_model_is_the_plain_data_written_whole(case: vc.Case) -> None:
    # dumps hands orjson the models and writes each as it comes; the text must
    # be that of the whole plain copy, which YAML and TOML are written from.
    whole = orjson.dumps(plain_case(case, None), option=orjson.OPT_INDENT_2).decode() + "\n"
    assert vc.dumps(case, "json") == whole


def test_only_models_are_written_model_by_model() -> None:
    with pytest.raises(TypeError, match="set is not a model"):
        CONVERTER.shallow_default({1})


@settings(max_examples=10)
@given(case=cases(max_per_kind=2, max_observations=2), fmt=st.sampled_from(FORMATS))
def test_dump_and_load_through_files(tmp_path_factory: Any, case: vc.Case, fmt: str) -> None:
    path = tmp_path_factory.mktemp("docs") / f"case.{fmt}"
    vc.dump(case, path)
    assert vc.load(path) == case


def test_yml_suffix_and_explicit_format(tmp_path: Path) -> None:
    vc.dump(GOLDEN, tmp_path / "case.yml")
    assert vc.load(tmp_path / "case.yml") == GOLDEN
    vc.dump(GOLDEN, tmp_path / "case.txt", format="json")
    assert vc.loads((tmp_path / "case.txt").read_text(), "json") == GOLDEN


# --- golden files -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_file_loads_to_the_golden_case(fmt: str) -> None:
    assert vc.load(golden_path(fmt)) == GOLDEN


@pytest.mark.parametrize("fmt", FORMATS)
def test_dumps_reproduces_the_golden_text(fmt: str) -> None:
    # If this fails after a deliberate change of the output: python tests/golden.py
    assert vc.dumps(GOLDEN, fmt) == golden_path(fmt).read_text(encoding="utf-8")


def test_golden_output_is_clean_to_read() -> None:
    text = golden_path("yaml").read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^\w", line)]
    assert keys[:4] == ["schema_version", "framework", "framework_version", "community"]
    # Cycles in the framework's order, whatever order the case had them in.
    cycles = re.findall(r"^  (\w+):", text.split("\ncycles:\n")[1].split("\nflows:")[0], re.M)
    assert cycles == ["immediate", "applied", "reframing", "strategic"]
    # Defaults are left out.
    assert "kind: enabler" not in text
    assert "evidence: effect" not in text
    assert "consent: internal" not in text
    assert "aspirational: false" not in text
    toml = golden_path("toml").read_text(encoding="utf-8")
    assert "baseline = {value = 60, date = 2026-01-01}" in toml


@pytest.mark.parametrize("fmt", FORMATS)
def test_loading_never_changes_the_file(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"case.{fmt}"
    path.write_bytes(golden_path(fmt).read_bytes())
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.read_bytes()
    vc.load(path)
    vc.read(path)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- the YAML rules ---------------------------------------------------------------

HEAD = "schema_version: 1\nframework: wenger-trayner\n"


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "No", "OFF", "y", "12:30", "1_000"])
def test_yaml_11_surprises_stay_text(word: str) -> None:
    case = vc.loads(HEAD + f"community:\n  name: {word}\n  extra: {{k: {word}}}\n", "yaml")
    assert case.community.name == word
    assert case.community.extra == {"k": word}
    # Written so that a YAML 1.1 reader (PyYAML's own) reads text back too.
    assert yaml.safe_load(vc.dumps(case, "yaml"))["community"]["name"] == word


def test_yaml_duplicate_key_is_an_error_at_its_line() -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(HEAD + "community:\n  name: A\n  name: B\n", "yaml")
    [problem] = info.value.errors
    assert (problem.code, problem.line, problem.column) == ("duplicate-key", 5, 3)


def test_yaml_impossible_date_is_an_error_at_its_line() -> None:
    text = HEAD + textwrap.dedent(
        """\
        community: {name: A}
        stories:
          - id: s
            title: T
            date: 2026-13-45
            steps: [{cycle: immediate, text: x}]
        """
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, "yaml")
    [problem] = info.value.errors
    assert problem.path == "$.stories[0].date"
    assert problem.code == "invalid-date"
    assert problem.line == 7
    assert "2026-13-45" in problem.message


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("json", '{"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "A"},'
         ' "stories": [{"id": "s", "title": "T", "date": "2026-02-30", "steps": []}]}'),
        ("toml", 'schema_version = 1\nframework = "wenger-trayner"\n[community]\nname = "A"\n'
         '[[stories]]\nid = "s"\ntitle = "T"\ndate = "2026-02-30"\nsteps = []\n'),
    ],
)  # fmt: skip
def test_impossible_dates_in_json_and_toml(fmt: str, text: str) -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, fmt)
    codes = {(p.path, p.code) for p in info.value.errors}
    assert ("$.stories[0].date", "invalid-date") in codes
    assert ("$.stories[0].steps", "empty-story") in codes  # reported in the same round


@pytest.mark.parametrize(
    ("fmt", "text", "line"),
    [
        ("yaml", HEAD + "community: {name: [}\n", 3),
        ("json", '{\n  "schema_version": 1,\n  "framework": \n}', 4),
        ("toml", 'schema_version = 1\nframework = "x\n', 2),
    ],
)
def test_syntax_errors_have_lines(fmt: str, text: str, line: int) -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, fmt)
    [problem] = info.value.errors
    assert problem.code == "syntax"
    assert problem.line == line


# --- versions and migrations ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_newer_version_names_both_versions(fmt: str) -> None:
    data = to_data(GOLDEN)
    data["schema_version"] = 7
    from valuecycles._text import serialize

    with pytest.raises(vc.ValidationError) as info:
        vc.loads(serialize(data, fmt), fmt)
    [problem] = info.value.errors
    assert (problem.path, problem.code) == ("$.schema_version", "unsupported-version")
    assert "7" in problem.message
    assert str(vc.Case.__attrs_attrs__.schema_version.default) in problem.message


def test_a_missing_or_wrong_version_is_reported() -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads("framework: wenger-trayner\ncommunity: {name: A}\n", "yaml")
    assert [(p.path, p.code) for p in info.value.errors] == [("$.schema_version", "missing-field")]
    with pytest.raises(vc.ValidationError) as info:
        vc.loads("schema_version: '1'\nframework: wenger-trayner\ncommunity: {name: A}\n", "yaml")
    assert info.value.errors[0].code == "wrong-type"


def test_no_fake_old_version_ships() -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(HEAD.replace("1", "0") + "community: {name: A}\n", "yaml")
    assert info.value.errors[0].code == "unsupported-version"


# --- fuzzing ----------------------------------------------------------------------

REQUIRED = {
    "community": ("name",),
    "aspirations": ("id", "text"),
    "conditions": ("id", "text"),
    "indicators": ("id", "name"),
    "data": ("id", "name"),
    "flows": ("from", "to"),
    "observations": ("indicator", "date", "value"),
    "stories": ("id", "title", "steps"),
    "steps": ("cycle", "text"),
}
REFERENCES = {"supports", "signals", "indicators", "observations", "from", "to", "source"}
_REFERENCE_ITEM = re.compile(r"\.({})\[\d+\]$".format("|".join(REFERENCES)))
OPEN_MAPPINGS = {"extra", "dimensions"}
JUNK: list[Any] = [
    None,
    3,
    -2.5,
    "x",
    "",
    True,
    [],
    {},
    [1, "a"],
    {"k": "v"},
    float("nan"),
    float("inf"),
    dt.date(2026, 1, 1),
    dt.datetime(2026, 1, 1, 12, 0),
]


def _nodes(data: Any, path: str = "$", trail: tuple[Any, ...] = ()) -> list[tuple[str, Any, Any]]:
    """Every (path, container, key) in plain data."""
    out: list[tuple[str, Any, Any]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        child = join_path(path, key)
        out.append((child, data, key))
        if isinstance(value, dict | list):
            out += _nodes(value, child, (*trail, key))
    return out


def _owner(path: str) -> str:
    """The list or mapping an element lives in: ``indicators`` for ``...indicators[0].name``."""
    parts = re.findall(r"\.([\w-]+)(?:\[\d+\])?", path)
    return parts[-2] if len(parts) >= 2 else ""


@st.composite
def mutations(draw: Any) -> tuple[dict[str, Any], str, str | None, str | None]:
    """A valid document's data, broken in one place: (data, kind, path, expected code).

    For mutations that are sure to break it, the path and code an error must
    have; ``None`` where the mutation may happen to leave the document valid.
    """
    case = draw(cases(max_per_kind=3, max_observations=3))
    data = copy.deepcopy(to_data(case))
    nodes = _nodes(data)
    kind = draw(st.sampled_from(["wrong-type", "unknown-key", "missing", "dangling", "bad-date"]))
    if kind == "unknown-key":
        mappings = [
            (p, c[k])
            for p, c, k in nodes
            if isinstance(c[k], dict) and k not in OPEN_MAPPINGS and k != "cycles"
        ]
        path, mapping = draw(st.sampled_from([("$", data), *mappings]))
        mapping["zz-unknown"] = draw(st.sampled_from(JUNK))
        code = "unknown-cycle" if path == "$.cycles" else "unknown-key"
        return data, kind, join_path(path, "zz-unknown"), code
    if kind == "missing":
        spots = [
            (p, c, k)
            for p, c, k in nodes
            if isinstance(c, dict) and k in REQUIRED.get(_owner(p), ())
        ]
        spots += [(join_path("$", k), data, k) for k in ("schema_version", "framework")]
        path, container, key = draw(st.sampled_from(spots))
        del container[key]
        return data, kind, path, "missing-field"
    if kind == "dangling":
        spots = [
            (p, c, k) for p, c, k in nodes if isinstance(c, list) and _REFERENCE_ITEM.search(p)
        ]
        spots += [(p, c, k) for p, c, k in nodes if k in ("from", "to", "source", "indicator")]
        spots = [s for s in spots if isinstance(s[1][s[2]], str) and "extra" not in s[0]]
        if spots:
            path, container, key = draw(st.sampled_from(spots))
            container[key] = "zz-no-such-id"
            return data, kind, path, "unknown-reference"
    if kind == "bad-date":
        spots = [(p, c, k) for p, c, k in nodes if isinstance(c[k], dt.date)]
        if spots:
            path, container, key = draw(st.sampled_from(spots))
            container[key] = draw(st.sampled_from(["2026-13-45", "2026-02-30", "soon", 20260101]))
            return data, kind, path, None  # invalid-date or wrong-type
    path, container, key = draw(st.sampled_from([("$", None, None), *nodes]))
    junk = draw(st.sampled_from(JUNK))
    if container is None:
        return junk if isinstance(junk, dict) else {"x": junk}, "wrong-type", None, None
    container[key] = junk
    return data, "wrong-type", None, None


@settings(max_examples=70, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_broken_data_always_ends_in_a_validation_error(
    mutation: tuple[dict[str, Any], str, str | None, str | None],
) -> None:
    data, kind, path, code = mutation
    try:
        vc.loads(data)
    except vc.ValidationError as exc:
        assert_well_formed(exc)
        if path is not None:
            found = {(p.path, p.code) for p in exc.errors}
            if code is None:
                assert any(p == path for p, _ in found), (path, found)
            else:
                assert (path, code) in found, (path, code, found)
        return
    assert path is None, f"{kind} at {path} was not reported"


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=cases(max_per_kind=2, max_observations=2),
    fmt=st.sampled_from(FORMATS),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3), st.text(":-[]{}\"'#,=\n\t x1.", max_size=3)),
        min_size=1,
        max_size=4,
    ),
)
def test_garbled_text_always_ends_in_a_case_or_a_validation_error(
    case: vc.Case, fmt: str, edits: list[tuple[float, int, str]]
) -> None:
    text = vc.dumps(case, fmt)
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    try:
        vc.loads(text, fmt)
    except vc.ValidationError as exc:
        assert_well_formed(exc)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", ["", "   \n", "[]", "42", "\x00\x01", "---\n---\n"])
def test_garbage_documents(fmt: str, text: str) -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, fmt)
    assert_well_formed(info.value)


def test_structural_and_reference_problems_come_together() -> None:
    data = to_data(GOLDEN)
    data["cycles"]["immediate"]["indicators"][0]["unit"] = 3
    data["flows"][0]["to"] = "nowhere"
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(data)
    found = {(p.path, p.code) for p in info.value.errors}
    assert ("$.cycles.immediate.indicators[0].unit", "wrong-type") in found
    assert ("$.flows[0].to", "unknown-reference") in found


# --- safe writes ------------------------------------------------------------------

WRITER = """
import sys
sys.path.insert(0, {tests!r})
import valuecycles as vc
from golden import GOLDEN
import datetime as dt
big = GOLDEN.with_observations(*[
    vc.Observation(indicator="response-time", date=dt.date(2026, 1, 1), value=i)
    for i in range({n})
])
cases = [GOLDEN, big]
vc.dump(cases[0], {path!r})
print("ready", flush=True)
i = 1
while True:
    vc.dump(cases[i % 2], {path!r})
    i += 1
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_writer_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    n = 3000
    path = tmp_path / "case.yaml"
    big = GOLDEN.with_observations(
        *[
            vc.Observation(indicator="response-time", date=dt.date(2026, 1, 1), value=i)
            for i in range(n)
        ]
    )
    complete = {vc.dumps(GOLDEN, "yaml"), vc.dumps(big, "yaml")}
    script = WRITER.format(tests=str(Path(__file__).parent), n=n, path=str(path))
    seen = set()
    for delay in (0.03, 0.17):
        proc = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n", proc.stderr.read() if proc.stderr else ""
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
        text = path.read_text(encoding="utf-8")
        assert text in complete
        seen.add(text)
        # Only leftover temporary files, never a second case file.
        assert all(p.name.startswith(".case.yaml.") for p in tmp_path.iterdir() if p != path)
    assert vc.load(path) in (GOLDEN, big)


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case.json"
    vc.dump(GOLDEN, path)
    before = path.read_bytes()

    def broken(*_args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        vc.dump(GOLDEN.with_stories(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["case.json"]


def test_a_write_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    vc.dump(GOLDEN, path)
    path.chmod(0o600)
    vc.dump(GOLDEN, path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_unknown_key_is_reported_at_its_own_line_not_its_values() -> None:
    text = (
        "schema_version: 1\nframework: wenger-trayner\ncommunity:\n  name: X\n  bogus:\n    - 1\n"
    )
    [problem] = vc.reads(text).report.errors
    assert (problem.path, problem.code, problem.line, problem.column) == (
        "$.community.bogus",
        "unknown-key",
        5,
        3,
    )


def test_limits_can_be_raised_for_one_read() -> None:
    deep = "schema_version: 1\nframework: wenger-trayner\ncommunity: {name: X}\nextra: " + (
        "[" * 70 + "]" * 70 + "\n"
    )
    assert [p.code for p in vc.reads(deep).report.errors] == ["too-deep"]
    raised = vc.reads(deep, limits={"max_depth": 100}).report.errors
    assert "too-deep" not in [p.code for p in raised]
