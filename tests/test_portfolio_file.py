"""The portfolio file: read as strictly as a case, every problem at once, with lines."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

import valuecycles as vc
from portfolio_cases import case_document, write_case

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio" / "portfolio.yaml"


def _cases(tmp_path: Path, *ids: str) -> None:
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    for case_id in ids:
        write_case(folder, case_id, case_document(case_id, {"x": {}}))


def _problems(path: Path) -> list[vc.Problem]:
    with pytest.raises(vc.ValidationError) as caught:
        vc.load_portfolio(path)
    return list(caught.value.errors)


BAD = """\
schema_version: 1
name: Networks
cases: [cases/*.json, missing/*.yaml, cases/nurses.json]
indicatrs: []
indicators:
  - id: a
    name: A
    combine: average
    from: [{tag: x}]
  - id: b
    name: B
    combine: ratio
    from: [{tag: x}]
    numerator: [{case: nurse, indicator: x}]
  - id: c
    name: C
    combine: count
    from: [{tag: x}]
  - id: d
    combine: sum
    from: [{case: nurses}]
  - id: a
    name: A again
    combine: latest
    from: [{tag: 3}]
    when: {latest_at_least: 1}
"""


def test_every_problem_at_once_with_its_line(tmp_path: Path) -> None:
    _cases(tmp_path, "nurses")
    path = tmp_path / "portfolio.yaml"
    path.write_text(BAD)
    found = {(p.path, p.code, p.line) for p in _problems(path)}
    assert found == {
        ("$.cases[1]", "no-match", 3),
        ("$.indicatrs", "unknown-key", 4),
        ("$.indicators[0].combine", "invalid-value", 8),
        ("$.indicators[1].from", "not-allowed", 13),
        ("$.indicators[1].numerator[0].case", "unknown-reference", 14),
        ("$.indicators[1].denominator", "missing-field", 10),
        ("$.indicators[2].when", "missing-field", 15),
        ("$.indicators[3].name", "missing-field", 19),
        ("$.indicators[3].from[0]", "missing-field", 21),
        ("$.indicators[4].id", "duplicate-id", 22),
        ("$.indicators[4].from[0].tag", "wrong-type", 25),
        ("$.indicators[4].when", "not-allowed", 26),
    }
    messages = {p.path: p.message for p in _problems(path)}
    assert "did you mean 'indicators'?" in messages["$.indicatrs"]
    assert "did you mean 'nurses'?" in messages["$.indicators[1].numerator[0].case"]
    assert "one of: count, latest, ratio, sum" in messages["$.indicators[0].combine"]


def test_two_cases_with_one_stem(tmp_path: Path) -> None:
    for sub in ("north", "south"):
        (tmp_path / sub).mkdir()
        write_case(tmp_path / sub, "nurses", case_document("N", {"x": {}}))
    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\nname: P\ncases: [north/*.json, south/*.json]\n")
    [problem] = _problems(path)
    assert problem.code == "duplicate-id"
    assert problem.path == "$.cases[1]"
    assert "north" in problem.message
    assert "south" in problem.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[1, 2]", "wrong-type"),
        ("schema_version: 2\nname: P\ncases: [c.json]", "unsupported-version"),
        ("name: P\ncases: [c.json]", "missing-field"),
        ("schema_version: 1\nname: P\ncases: []", "empty"),
        ("schema_version: 1\nname: P\ncases: [nosuch.json]", "file-not-found"),
        ("schema_version: 1\nname: P\ncases: c.json", "wrong-type"),
        (
            "schema_version: 1\nname: P\ncases: [c.json]\nframeworks: [nosuch.toml]",
            "file-not-found",
        ),
        ("schema_version: 1\nname: [P]\ncases: [c.json]", "wrong-type"),
        ("schema_version: 1\nname: P\nname: Q\ncases: [c.json]", "duplicate-key"),
        ("schema_version: 1\nname: P\ncases: [c.json\n", "syntax"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, code: str) -> None:
    write_case(tmp_path, "c", case_document("C", {"x": {}}))
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert code in {p.code for p in _problems(path)}


def test_the_same_file_in_json_and_toml(tmp_path: Path) -> None:
    _cases(tmp_path, "a", "b")
    (tmp_path / "p.json").write_text(
        '{"schema_version": 1, "name": "P", "cases": ["cases/*.json"],'
        ' "indicators": [{"id": "n", "name": "N", "combine": "sum", "from": [{"tag": "t"}]}]}'
    )
    (tmp_path / "p.toml").write_text(
        'schema_version = 1\nname = "P"\ncases = ["cases/*.json"]\n'
        '[[indicators]]\nid = "n"\nname = "N"\ncombine = "sum"\nfrom = [{tag = "t"}]\n'
    )
    one = vc.load_portfolio(tmp_path / "p.json")
    two = vc.load_portfolio(tmp_path / "p.toml")
    assert one.indicators == two.indicators
    assert [c.id for c in one.cases] == [c.id for c in two.cases] == ["a", "b"]


def test_the_portfolio_file_is_not_its_own_case(tmp_path: Path) -> None:
    _cases(tmp_path, "a")
    (tmp_path / "p.json").write_text('{"schema_version": 1, "name": "P", "cases": ["**/*.json"]}')
    assert [c.id for c in vc.load_portfolio(tmp_path / "p.json").cases] == ["a"]


def test_a_case_listed_twice_is_one_case(tmp_path: Path) -> None:
    _cases(tmp_path, "a")
    (tmp_path / "p.yaml").write_text(
        "schema_version: 1\nname: P\ncases: [cases/a.json, cases/*.json]\n"
    )
    assert [c.id for c in vc.load_portfolio(tmp_path / "p.yaml").cases] == ["a"]


def test_schema_accepts_the_example_and_refuses_mistakes() -> None:
    schema = vc.portfolio_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.safe_load(EXAMPLE.read_text())
    assert list(validator.iter_errors(data)) == []
    for broken in (
        {**data, "extra": 1},
        {**data, "cases": []},
        {
            **data,
            "indicators": [{"id": "a", "name": "A", "combine": "ratio", "from": [{"tag": "x"}]}],
        },
        {
            **data,
            "indicators": [{"id": "a", "name": "A", "combine": "count", "from": [{"tag": "x"}]}],
        },
        {
            **data,
            "indicators": [{"id": "a", "name": "A", "combine": "sum", "from": [{"case": "x"}]}],
        },
    ):
        assert list(validator.iter_errors(broken)), broken


def test_load_never_changes_the_file(tmp_path: Path) -> None:
    before = EXAMPLE.read_bytes()
    vc.rollup(vc.load_portfolio(EXAMPLE))
    assert EXAMPLE.read_bytes() == before
