"""The ``--json`` contract: every payload has ``schema_version`` and fits its JSON Schema.

The schemas come from ``valuecycles schema --for query-NAME``, as a program
would get them, and every command's output is checked against them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator, FormatChecker

import valuecycles as vc
from graph_cases import cases
from valuecycles.cli import main
from valuecycles.graph import JSON_SHAPES, query_schema

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = [EXAMPLES / "evaluators-network.yaml", EXAMPLES / "small-network.yaml"]
QUESTIONS = ["gaps", "coverage", "chains", "stories", "matrix", "progress"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def empty_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.yaml"
    vc.dump(vc.Case(community=vc.Community(name="Nobody yet")), path)
    return path


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_query_prints_json_that_fits_its_schema(
    capsys: pytest.CaptureFixture[str], question: str, empty_case: Path
) -> None:
    schema = _run(capsys, "schema", "--for", f"query-{question}")
    assert schema == query_schema(question)
    validator = _validator(schema)
    for path in [*CASES, empty_case]:
        for extra in ([], ["--as-of", "2026-03-15"]):
            data = _run(capsys, "query", str(path), question, "--json", *extra)
            assert data["schema_version"] == 1
            errors = [e.message for e in validator.iter_errors(data)]
            assert errors == [], (path.name, extra, errors[:3])


def test_the_schemas_are_strict_enough_to_fail(capsys: pytest.CaptureFixture[str]) -> None:
    data = _run(capsys, "query", str(CASES[0]), "gaps", "--json", "--as-of", "2026-09-01")
    validator = _validator(query_schema("gaps"))
    assert validator.is_valid(data)
    del data["gaps"][0]["due"]
    assert not validator.is_valid(data)
    data = _run(capsys, "query", str(CASES[0]), "progress", "--json")
    validator = _validator(query_schema("progress"))
    data["indicators"][0]["surprise"] = 1
    assert not validator.is_valid(data)
    data = _run(capsys, "query", str(CASES[0]), "chains", "--json")
    data["schema_version"] = 2
    assert not _validator(query_schema("chains")).is_valid(data)


def test_upstream_and_every_shape_has_a_schema() -> None:
    assert set(QUESTIONS) < set(JSON_SHAPES)
    vg = vc.build_graph(vc.load(CASES[0]))
    data = json.loads(json.dumps(vg.upstream("audit-duration").to_dict()))
    assert _validator(query_schema("upstream")).is_valid(data)
    with pytest.raises(ValueError, match="unknown JSON shape 'gap' \\(did you mean 'gaps'\\?\\)"):
        query_schema("gap")


def test_schema_for_a_query_refuses_a_framework(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["schema", "--for", "query-gaps", "--framework", "wenger-trayner"])
    assert code == 2
    assert "--framework does not apply" in capsys.readouterr().err


def test_the_python_objects_and_the_json_agree_on_due_as_of_and_support() -> None:
    vg = vc.build_graph(vc.load(CASES[0]))
    gaps = vg.gaps(as_of=dt.date(2026, 12, 1))
    d = gaps.to_dict()
    assert d["as_of"] == gaps.as_of.isoformat()
    for gap, item in zip(gaps, d["gaps"], strict=True):
        assert item["due"] == (None if gap.due is None else gap.due.isoformat())
    assert any(item["due"] for item in d["gaps"])
    chains = vg.chains("immediate", "realized")
    for chain, item in zip(chains, chains.to_dict()["chains"], strict=True):
        assert (item["support"], item["weakest"]) == (chain.support, chain.weakest)


def test_problems_from_python_and_from_a_file_have_the_same_keys(tmp_path: Path) -> None:
    bad_flow = vc.Flow(from_="nowhere", to="nothing")
    case = vc.Case(community=vc.Community(name="E"), flows=[bad_flow])
    from_python = vc.validate(case).to_dict()["errors"][0]
    assert (from_python["line"], from_python["column"]) == (None, None)
    path = tmp_path / "bad.yaml"
    vc.dump(case, path)
    with pytest.raises(vc.ValidationError) as exc:
        vc.load(path)
    from_file = exc.value.errors[0].to_dict()
    assert list(from_file) == list(from_python)
    assert isinstance(from_file["line"], int)


@settings(max_examples=25, deadline=None)
@given(cases())
def test_every_result_of_any_case_fits_its_schema(case: vc.Case) -> None:
    vg = vc.build_graph(case)
    results = {
        "gaps": vg.gaps(as_of=dt.date(2026, 6, 1)),
        "coverage": vg.coverage(),
        "chains": vg.chains("immediate", "applied"),
        "stories": vg.stories(),
        "matrix": vc.matrix(case),
        "progress": vc.progress(case),
    }
    for name, result in results.items():
        data = json.loads(json.dumps(result.to_dict()))
        errors = [e.message for e in _validator(query_schema(name)).iter_errors(data)]
        assert errors == [], (name, errors[:3])
