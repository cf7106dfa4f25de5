"""The JSON Schema of case documents and framework files, checked with the jsonschema package."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

import valuecycles as vc
from golden import GOLDEN, golden_path
from strategies import cases, framework_documents
from test_documents import mutations
from valuecycles._text import parse_text
from valuecycles.cli import main
from valuecycles.io import to_data

ROOT = Path(__file__).resolve().parent.parent
CASE = jsonschema.Draft202012Validator(vc.case_schema(), format_checker=jsonschema.FormatChecker())
FRAMEWORK = jsonschema.Draft202012Validator(vc.framework_schema())
#: Codes of problems in a document's shape: the ones a schema can see.
STRUCTURAL = {
    "wrong-type",
    "unknown-key",
    "missing-field",
    "invalid-date",
    "invalid-value",
    "invalid-id",
    "invalid-period",
    "empty",
    "not-finite",
    "unknown-cycle",
    "empty-story",
    "unsupported-version",
    # A schema is made for one framework, so it names it: a case naming another
    # one fits no schema of the guide's.
    "unknown-framework",
    "framework-mismatch",
}


def as_json(data: Any) -> Any:
    """Plain data as a JSON document carries it (dates as ISO text)."""
    return json.loads(json.dumps(data, default=lambda d: d.isoformat()))


def errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


@pytest.mark.parametrize("schema", [vc.case_schema(), vc.framework_schema()])
def test_the_schemas_are_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    json.dumps(schema)  # plain JSON data


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_golden_files_validate(fmt: str) -> None:
    data, _ = parse_text(golden_path(fmt).read_text(encoding="utf-8"), fmt)
    assert errors(CASE, as_json(data)) == []


@pytest.mark.parametrize("name", ["evaluators-network.yaml", "small-network.yaml"])
def test_the_examples_validate(name: str) -> None:
    path = ROOT / "examples" / name
    if not path.exists():
        pytest.skip(f"{name} is not in this checkout")
    data, _ = parse_text(path.read_text(encoding="utf-8"), "yaml")
    assert errors(CASE, as_json(data)) == []


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_per_kind=3, max_observations=3))
def test_generated_cases_validate(case: vc.Case) -> None:
    assert errors(CASE, json.loads(vc.dumps(case, "json"))) == []


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


GOLDEN_DATA = as_json(to_data(GOLDEN))
IND = ("cycles", "immediate", "indicators", 0)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("zz",), 1),  # an unknown key
        (("cycles", "orienting"), {}),  # a cycle the framework does not have
        (("framework",), "another"),
        (("schema_version",), 2),
        (("schema_version",), "1"),
        (("community", "name"), 3),  # 3 is not a text
        (("community", "name"), "  "),
        (("community", "extra"), {"k": [1]}),
        ((*IND, "id"), " padded"),
        ((*IND, "direction"), "sideways"),
        ((*IND, "baseline", "value"), "60"),  # "60" is not a number
        ((*IND, "baseline", "date"), "2026-13-45"),
        ((*IND, "baseline", "date"), "2026-1-5"),
        ((*IND, "signals"), "quick-answers"),  # a lone id, not a list
        (("observations", 0, "period"), "2026-Q5"),
        (("observations", 0, "value"), True),
        (("observations", 0, "dimensions"), {"region": 1}),
        (("flows", 0, "from_"), "response-time"),  # the Python name, not the document's
        (("stories", 0, "steps"), []),
        (("stories", 0, "steps", 0, "cycle"), "orienting"),
        (("stories", 0, "steps", 0, "aspirational"), "no"),
        (("stories", 0, "verification"), None),
        (("stories", 0, "consent"), "secret"),
    ],
)
def test_bad_documents_are_rejected_by_the_schema_and_the_loader(
    path: tuple[Any, ...], value: Any
) -> None:
    data = _set(GOLDEN_DATA, path, value)
    assert errors(CASE, data)
    with pytest.raises(vc.ValidationError):
        vc.loads(data)


@pytest.mark.parametrize("key", ["schema_version", "framework", "community"])
def test_required_keys(key: str) -> None:
    data = copy.deepcopy(GOLDEN_DATA)
    del data[key]
    assert errors(CASE, data)


def test_what_the_loader_reads_as_empty_the_schema_allows() -> None:
    data = _set(GOLDEN_DATA, ("cycles", "potential"), None)
    data = _set(data, ("flows",), None)
    data = _set(data, ("community", "description"), None)
    data = _set(data, ("cycles", "reframing", "aspirations", 0, "extra"), None)
    assert errors(CASE, data) == []
    vc.loads(data)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_the_schema_agrees_with_the_loader_on_shape(
    mutation: tuple[dict[str, Any], str, str | None, str | None],
) -> None:
    data = mutation[0]
    text = json.dumps(data, default=lambda d: d.isoformat())
    if any(isinstance(v, float) and not math.isfinite(v) for v in _leaves(data)):
        return  # JSON cannot carry NaN or infinity
    if any(type(v) is dt.datetime for v in _leaves(data)):
        return  # a date and time is text in JSON, and the loader reads JSON dates from text
    as_document = json.loads(text)
    try:
        vc.loads(as_document)
        shape_ok = True
    except vc.ValidationError as exc:
        shape_ok = not any(p.code in STRUCTURAL for p in exc.errors)
    assert (errors(CASE, as_document) == []) == shape_ok, errors(CASE, as_document)


def _leaves(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [x for v in data.values() for x in _leaves(v)] + list(data)
    if isinstance(data, list):
        return [x for v in data for x in _leaves(v)]
    return [data]


def test_a_custom_frameworks_cycles_and_aliases(tmp_path: Path) -> None:
    fw = vc.load_framework(ROOT / "examples" / "frameworks" / "orienting-2020.toml")
    schema = vc.case_schema(fw)
    cycles = schema["$defs"]["Case"]["properties"]["cycles"]["properties"]
    assert "orienting" in cycles
    assert "reframing" in vc.case_schema()["$defs"]["Case"]["properties"]["cycles"]["properties"]
    assert schema["properties"]["framework"] == {
        "const": "orienting-2020",
        "description": "The name of the framework the case is planned in.",
    }
    case = ROOT / "examples" / "orienting-case.yaml"
    data, _ = parse_text(case.read_text(encoding="utf-8"), "yaml")
    assert errors(jsonschema.Draft202012Validator(schema), as_json(data)) == []
    assert errors(CASE, as_json(data))  # not a case of the guide's framework


# --- framework files --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "src" / "valuecycles" / "framework" / "data" / "wenger-trayner.toml",
        *sorted((ROOT / "examples" / "frameworks").glob("*.toml")),
    ],
    ids=lambda p: p.name,
)
def test_framework_files_validate(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert errors(FRAMEWORK, data) == []


@settings(max_examples=30)
@given(framework_documents())
def test_generated_framework_files_validate(data: dict[str, Any]) -> None:
    from valuecycles.framework._file import framework_from_data

    framework_from_data(data)
    assert errors(FRAMEWORK, data) == []


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x"},  # no cycles and no base
        {"name": "x", "cycles": []},
        {"name": "x", "cycles": [{"key": "a"}]},  # a new cycle needs a name
        {"name": "x", "version": 1, "cycles": [{"key": "a", "name": "A"}]},
        {"name": "x", "cycles": [{"key": "a", "name": "A", "role": "side"}]},
        {"name": "x", "cycles": [{"key": "a", "name": "A", "colour": "red"}]},
        {"name": "x", "cycles": [{"key": "a", "name": "A", "guidance": {"data": {"lead": 1}}}]},
        {"name": "", "cycles": [{"key": "a", "name": "A"}]},
        {"extends": "wenger-trayner"},
    ],
)
def test_bad_framework_files_are_rejected(data: dict[str, Any]) -> None:
    from valuecycles.framework._file import framework_from_data

    assert errors(FRAMEWORK, data)
    with pytest.raises(vc.ValidationError):
        framework_from_data(data)


# --- the command line -------------------------------------------------------------


def test_cli_prints_the_case_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == vc.case_schema()


def test_cli_framework_file_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fw = ROOT / "examples" / "frameworks" / "orienting-2020.toml"
    out = tmp_path / "schema.json"
    assert main(["schema", "--framework", str(fw), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    schema = json.loads(out.read_text())
    assert "orienting" in schema["$defs"]["Case"]["properties"]["cycles"]["properties"]


def test_cli_framework_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--for", "framework"]) == 0
    assert json.loads(capsys.readouterr().out) == vc.framework_schema()
    assert main(["schema", "--for", "framework", "--framework", "x"]) == 2


def test_cli_unknown_framework(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--framework", "no-such-framework"]) == 1
    assert "no-such-framework" in capsys.readouterr().err
