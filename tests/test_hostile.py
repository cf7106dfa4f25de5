"""Hostile documents: every limit is a clear problem with its code, never a traceback."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles._text import LIMITS, check_json_bytes, parse_text, raised_limits
from valuecycles.cli import main

HEAD_YAML = "schema_version: 1\nframework: wenger-trayner\ncommunity: {name: X}\n"
HEAD_TOML = 'schema_version = 1\nframework = "wenger-trayner"\n'
HEAD_JSON = '{"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "X"}'


def codes(text: str, fmt: str) -> list[str]:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, fmt)
    for problem in info.value.errors:  # every message can be written as UTF-8
        str(problem).encode("utf-8")
    return [p.code for p in info.value.errors]


def billion_laughs() -> str:
    lines = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"  {name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return HEAD_YAML + "extra:\n" + "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly_and_small() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        found = codes(billion_laughs(), "yaml")
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    started = time.perf_counter()
    vc.load("examples/evaluators-network.yaml")
    baseline = time.perf_counter() - started
    assert found == ["too-many-aliases"]
    assert peak < 100 * 2**20
    # A billion values, refused in the time of a few ordinary loads.
    assert took < 50 * baseline + 0.5


@pytest.mark.parametrize(
    "extra",
    ["&x {a: *x}", "&x [*x]", "&x {a: [1, {b: *x}]}"],
)
def test_a_recursive_alias_is_a_problem(extra: str) -> None:
    assert codes(HEAD_YAML + f"extra: {extra}\n", "yaml") == ["recursive-alias"]


def test_aliases_within_the_budget_still_work() -> None:
    case = vc.loads(
        HEAD_YAML + "cycles:\n  immediate:\n    indicators:\n"
        "      - {id: a, name: A, extra: &e {unit: x}}\n"
        "      - {id: b, name: B, extra: *e}\n",
        "yaml",
    )
    assert [i.extra for i in case.plan("immediate").indicators] == [{"unit": "x"}] * 2


@pytest.mark.parametrize("key", ["null", "1", "2.5", "true", "2026-01-01", "[a]", "{a: 1}"])
def test_a_key_that_is_not_text_is_a_problem(key: str) -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(HEAD_YAML + f"{key}: 1\ncycles: {{immediate: {{}}, {key}: 2}}\n", "yaml")
    problems = info.value.errors
    assert {p.code for p in problems} == {"wrong-type"}
    assert len(problems) == 2  # every one at once, each with its line
    assert [p.line for p in problems] == [4, 5]
    assert "must be text" in problems[0].message


@pytest.mark.parametrize(
    "value",
    [
        "!!int abc",
        "!!float abc",
        "!!timestamp 2026-01-01T10:00",
        "!!binary aGk=",
        "!!set {a}",
        "!!map [1]",
        "!!seq {a: 1}",
        "!!python/name:os.system x",
        "!!merge x",
    ],
)
def test_an_explicit_tag_that_does_not_fit_is_a_problem(value: str) -> None:
    assert codes(HEAD_YAML + f"extra: {{a: {value}}}\n", "yaml") == ["syntax"]


def deep(fmt: str, levels: int, kind: str = "list") -> str:
    if fmt == "yaml" and kind == "block":
        body = "".join(" " * (i + 1) + "a:\n" for i in range(levels)) + " " * (levels + 1) + "b"
        return HEAD_YAML + "extra:\n" + body + "\n"
    if fmt == "yaml":
        return HEAD_YAML + "extra: " + "[" * levels + "]" * levels + "\n"
    if fmt == "json":
        return HEAD_JSON + ', "extra": ' + "[" * levels + "]" * levels + "}"
    if kind == "table":
        return HEAD_TOML + "x = " + "{a = " * levels + "1" + "}" * levels + "\n"
    return HEAD_TOML + "x = " + "[" * levels + "]" * levels + "\n"


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("yaml", "block"), ("yaml", "list"), ("json", "list"), ("toml", "list"), ("toml", "table")],
)
@pytest.mark.parametrize("levels", [100, 400, 999, 5000])
def test_deep_nesting_is_too_deep_in_every_format(fmt: str, kind: str, levels: int) -> None:
    assert codes(deep(fmt, levels, kind), fmt) == ["too-deep"]


def test_the_depth_limit_can_be_raised() -> None:
    text = deep("toml", 70)
    with raised_limits(max_depth=100):
        assert "too-deep" not in codes(text, "toml")
    assert codes(text, "toml") == ["too-deep"]


INTEGERS = [2**63, 2**64, -(2**63) - 1, 10**30, 10**5000]


def document(fmt: str, field: str, number: int) -> str:
    digits = str(number) if number < 10**4000 else "9" * 5000
    if fmt == "yaml":
        plan = "cycles: {immediate: {indicators: [{id: i, name: I, extra: {k: %s}}]}}\n"
        obs = "observations: [{indicator: i, date: 2026-01-01, value: %s}]\n"
        if field == "extra":
            return HEAD_YAML + plan % digits
        return HEAD_YAML + plan % 1 + obs % digits
    if fmt == "json":
        plan = (
            ', "cycles": {"immediate": {"indicators": '
            '[{"id": "i", "name": "I", "extra": {"k": %s}}]}}'
        )
        obs = ', "observations": [{"indicator": "i", "date": "2026-01-01", "value": %s}]'
        if field == "extra":
            return HEAD_JSON + plan % digits + "}"
        return HEAD_JSON + plan % 1 + obs % digits + "}"
    plan = "[[cycles.immediate.indicators]]\nid = 'i'\nname = 'I'\nextra = {k = %s}\n"
    obs = "[[observations]]\nindicator = 'i'\ndate = 2026-01-01\nvalue = %s\n"
    text = HEAD_TOML + "[community]\nname = 'X'\n"
    if field == "extra":
        return text + plan % digits
    return text + plan % 1 + obs % digits


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
@pytest.mark.parametrize("field", ["value", "extra"])
@pytest.mark.parametrize(
    "number", INTEGERS, ids=["2**63", "2**64", "-2**63-1", "10**30", "5000 digits"]
)
def test_integers_past_64_bits_are_out_of_range_in_every_format(
    fmt: str, field: str, number: int
) -> None:
    if fmt == "json" and number >= 10**4000:
        pytest.skip("JSON readers refuse 5,000 digits as syntax already")
    assert codes(document(fmt, field, number), fmt) == ["out-of-range"]


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_the_largest_integers_load_and_write_back(fmt: str) -> None:
    for number in (2**63 - 1, -(2**63)):
        case = vc.loads(document(fmt, "value", number), fmt)
        assert case.observations[0].value == number
        for out in ("yaml", "json", "toml"):
            assert vc.loads(vc.dumps(case, out), out) == case


def test_check_json_bytes_finds_integers_a_json_reader_would_change() -> None:
    check_json_bytes(document("json", "value", 2**63 - 1).encode())
    check_json_bytes(b'{"id": "1234567890123456789012"}')  # digits in a text are text
    with pytest.raises(vc.ValidationError) as info:
        check_json_bytes(document("json", "value", 2**64).encode())
    assert [p.path for p in info.value.errors] == ["$.observations[0].value"]


def test_a_lone_surrogate_is_invalid_text_at_its_path() -> None:
    bad = "a" + chr(0xD800)
    for fmt, text in [
        ("yaml", HEAD_YAML.replace("X", bad)),
        ("json", HEAD_JSON.replace('"X"', f'"{bad}"') + "}"),
        ("toml", HEAD_TOML + f"[community]\nname = '{bad}'\n"),
    ]:
        with pytest.raises(vc.ValidationError) as info:
            vc.loads(text, fmt)
        (problem,) = info.value.errors
        assert (problem.code, problem.path) == ("invalid-text", "$.community.name")
        str(info.value).encode("utf-8")
    assert codes(HEAD_YAML + f"# {bad}\n", "yaml") == ["invalid-text"]


def test_a_surrogate_in_a_model_built_in_python_is_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        vc.Aspiration(id="a", text="x" + chr(0xDC00))


def test_an_enormous_reference_is_too_long_and_not_repeated() -> None:
    text = HEAD_YAML + (
        "cycles: {immediate: {indicators: [{id: i, name: I, signals: [%s]}]}}\n" % ("x" * 5_000_000)
    )
    started = time.perf_counter()
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, "yaml")
    took = time.perf_counter() - started
    (problem,) = info.value.errors
    assert problem.code == "too-long"
    assert len(str(info.value)) < 500
    started = time.perf_counter()
    vc.loads(text.replace("x" * 5_000_000, ""), "yaml")
    parse = time.perf_counter() - started
    assert took < 100 * parse + 0.5


def test_the_size_limit_is_checked_before_parsing(tmp_path: Path) -> None:
    text = HEAD_YAML + "# " + "x" * 5000 + "\n"
    with raised_limits(max_bytes=1000):
        assert codes(text, "yaml") == ["too-large"]
        path = tmp_path / "case.yaml"
        path.write_text(text)
        with pytest.raises(vc.ValidationError) as info:
            vc.load(path)
        assert [p.code for p in info.value.errors] == ["too-large"]
    assert LIMITS.max_bytes == 64 * 2**20
    vc.loads(text, "yaml")


def test_thousands_of_misspelt_references_take_linear_time() -> None:
    def doc(n: int, wrong: bool) -> str:
        word = "aspiraton" if wrong else "aspiration"
        indicators = ", ".join(
            f"{{id: indicator-number-{i}, name: N, signals: [{word}-{i}]}}" for i in range(n)
        )
        aspirations = ", ".join(f"{{id: aspiration-{i}, text: T}}" for i in range(n))
        return HEAD_YAML + (
            f"cycles: {{immediate: {{aspirations: [{aspirations}], indicators: [{indicators}]}}}}\n"
        )

    started = time.perf_counter()
    vc.loads(doc(1000, False), "yaml")
    good = time.perf_counter() - started
    started = time.perf_counter()
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(doc(1000, True), "yaml")
    bad = time.perf_counter() - started
    assert len(info.value.errors) == 1000
    assert "did you mean 'aspiration-7'" in info.value.errors[7].message
    assert bad < 30 * good


@pytest.mark.parametrize("levels", [60, 64])
def test_deep_paths_in_problems_do_not_recurse(levels: int) -> None:
    found = codes(deep("yaml", levels, "block"), "yaml")
    assert found == (["too-deep"] if levels + 2 > LIMITS.max_depth else ["wrong-type"])


def test_validate_json_reports_an_internal_error_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import valuecycles.io

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom \ud800")

    monkeypatch.setattr(valuecycles.io, "read", broken)
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["validate", "--json", "examples/evaluators-network.yaml"])
    assert code == 3
    report = json.loads(out.getvalue())
    assert report["valid"] is False
    assert [e["code"] for e in report["errors"]] == ["internal-error"]
    out.getvalue().encode("utf-8")


scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.booleans(),
)


@given(st.dictionaries(st.text(min_size=1, max_size=10), scalars, max_size=5))
def test_what_loads_accepts_dumps_in_every_format(extra: dict[str, Any]) -> None:
    case = vc.loads(HEAD_YAML, "yaml")
    data = json.loads(vc.dumps(case, "json"))
    data["extra"] = extra
    try:
        loaded = vc.loads(json.dumps(data), "json")
    except vc.ValidationError as exc:
        found = {p.code for p in exc.errors}
    else:
        found = set()
    assert found <= {"out-of-range"}
    if found:
        return
    for fmt in ("json", "yaml", "toml"):
        text = vc.dumps(loaded, fmt)
        again = vc.loads(text, fmt)
        assert vc.dumps(again, fmt) == text


def test_parse_text_places_problems_on_their_line() -> None:
    with pytest.raises(vc.ValidationError) as info:
        parse_text("a: 1\nb: 99999999999999999999\n", "yaml")
    (problem,) = info.value.errors
    assert (problem.path, problem.line, problem.code) == ("$.b", 2, "out-of-range")


def test_toml_dumping_is_linear_in_the_keys_of_a_table() -> None:
    def timed(n: int) -> float:
        extra = {f"key-{i}": i for i in range(n)}
        case = vc.loads(json.dumps({**json.loads(HEAD_JSON + "}"), "extra": extra}), "json")
        started = time.perf_counter()
        text = vc.dumps(case, "toml")
        took = time.perf_counter() - started
        assert vc.loads(text, "toml").extra == extra
        return took

    small, large = timed(500), timed(8000)
    assert large < 16 * 3 * small  # 16 times the keys; n**2 would be 256 times


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(st.integers(-(2**63), 2**63 - 1), st.text(max_size=8), st.booleans()),
        max_size=30,
    )
)
def test_toml_tables_built_quickly_read_back_the_same(extra: dict[str, Any]) -> None:
    case = vc.loads(json.dumps({**json.loads(HEAD_JSON + "}"), "extra": extra}), "json")
    assert vc.loads(vc.dumps(case, "toml"), "toml") == case


def test_flow_style_yaml_with_millions_of_values_is_refused_before_parsing() -> None:
    text = HEAD_YAML + "extra: [" + ",".join(["1"] * 1_200_000) + "]\n"
    started = time.perf_counter()
    assert codes(text, "yaml") == ["too-large"]
    took = time.perf_counter() - started
    started = time.perf_counter()
    vc.load("examples/evaluators-network.yaml")
    assert took < 20 * (time.perf_counter() - started) + 0.2
    small = HEAD_YAML + "extra: [" + ",".join(["1"] * 3000) + "]\n"
    assert codes(small, "yaml") == ["wrong-type"]
    with raised_limits(max_yaml_values=1000):
        assert codes(small, "yaml") == ["too-large"]
