"""Adding items to a file a person wrote: comments, key order and layout are kept."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import valuecycles as vc
from strategies import cases, dates, texts
from valuecycles._text import parse_text
from valuecycles.io._roundtrip import add_to_document, add_to_text

OBS = {"indicator": "response-time", "date": dt.date(2026, 5, 1), "value": 12.5}


def only_insertions(old: str, new: str) -> list[str]:
    """The lines of ``new`` that were added; fails if any old line changed or moved."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    added = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        assert op in ("equal", "insert"), (op, old.splitlines()[i1:i2], new.splitlines()[j1:j2])
        if op == "insert":
            added += new.splitlines()[j1:j2]
    return added


HAND_WRITTEN = """\
# A case written by hand, with comments.
schema_version: 1
framework: wenger-trayner
community:
  name: Evaluators   # the network
cycles:
  immediate:
    aspirations:
      - id: quick-answers
        text: "Questions get a useful answer"   # double quotes kept
    indicators:
      - id: response-time
        name: Median hours to first answer
        baseline: {value: 60, date: 2026-01-01}
        signals: [quick-answers]
  applied:
    aspirations:
      - id: checklist-in-use
        text: Members use the checklist
# observations come from the forum export
observations:
  - indicator: response-time
    date: 2026-02-01
    value: 52
"""


def test_a_hand_written_file_gets_only_new_lines(tmp_path: Path) -> None:
    target = tmp_path / "case.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    add_to_document(
        target,
        [
            (("cycles", "immediate", "aspirations"), {"id": "newcomers", "text": "no"}),
            (
                ("cycles", "potential", "indicators"),
                {"id": "reuse", "name": "1e5", "signals": ["newcomers"]},
            ),
            (("observations",), OBS),
        ],
    )
    new = target.read_text(encoding="utf-8")
    added = only_insertions(HAND_WRITTEN, new)
    assert "      - id: newcomers" in added
    assert "        text: 'no'" in added  # quoted: a YAML 1.1 reader would read false
    assert "        name: '1e5'" in added  # quoted: YAML 1.2 reads a number
    assert "        signals: [newcomers]" in added  # the file's flow style for id lists
    # The new cycle goes in the framework's order: after immediate, before applied.
    assert new.index("  potential:") < new.index("  applied:")
    case = vc.load(target)
    assert case.plan("potential").indicators[0].name == "1e5"
    assert case.observations[-1].value == 12.5


def test_the_example_gets_only_new_lines(example_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "case.yaml"
    original = example_path.read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    case = vc.load(target)
    indicator = next(case.indicators())[1].id
    item = {"indicator": indicator, "date": dt.date(2030, 1, 1), "value": 1}
    add_to_document(target, [(("observations",), item)])
    assert len(only_insertions(original, target.read_text(encoding="utf-8"))) == 3
    assert vc.load(target).observations[-1].date == dt.date(2030, 1, 1)


def test_yaml_comments_flow_empties_and_nulls(tmp_path: Path) -> None:
    text = (
        "# my case\n"
        "schema_version: 1\n"
        "framework: wenger-trayner\n"
        "community: {name: X}   # the name\n"
        "cycles:\n"
        "  immediate:\n"
        "    aspirations: []   # none yet\n"
        "  potential: {}\n"
        "  applied:\n"
        "observations: []\n"
    )
    new = add_to_text(
        text,
        "yaml",
        [
            (("cycles", "immediate", "aspirations"), {"id": "a", "text": "A"}),
            (("cycles", "potential", "aspirations"), {"id": "b", "text": "two\nlines"}),
            (("cycles", "applied", "aspirations"), {"id": "c", "text": "12:30"}),
            (("observations",), {"indicator": "i", "date": dt.date(2026, 1, 2), "value": "yes"}),
        ],
    )
    assert "# my case" in new
    assert "# the name" in new
    assert "# none yet" in new
    assert "community: {name: X}" in new
    data, _ = parse_text(new, "yaml")
    assert data["cycles"]["immediate"]["aspirations"] == [{"id": "a", "text": "A"}]
    assert data["cycles"]["potential"]["aspirations"] == [{"id": "b", "text": "two\nlines"}]
    assert data["cycles"]["applied"]["aspirations"] == [{"id": "c", "text": "12:30"}]
    assert data["observations"][0]["value"] == "yes"
    assert data["observations"][0]["date"] == dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    ("layout", "item_line"),
    [
        ("flows:\n- from: a\n  to: b\n", "- indicator: i"),  # indentless, as PyYAML writes
        ("flows:\n  - from: a\n    to: b\n", "  - indicator: i"),
        ("flows:\n    -   from: a\n        to: b\n", "    -   indicator: i"),
    ],
)
def test_yaml_keeps_the_files_indentation(layout: str, item_line: str) -> None:
    text = "schema_version: 1\nframework: wenger-trayner\n" + layout + "observations:\n"
    new = add_to_text(text, "yaml", [(("observations",), {"indicator": "i", "value": 1})])
    assert new.startswith(text.replace("observations:\n", ""))
    assert item_line in new.splitlines()


def test_crlf_and_byte_order_mark_are_kept() -> None:
    text = "\ufeffschema_version: 1\r\nframework: wenger-trayner  # x\r\n"
    new = add_to_text(text, "yaml", [(("flows",), {"from": "a", "to": "b"})])
    assert new.startswith("\ufeffschema_version: 1\r\nframework: wenger-trayner  # x\r\n")
    assert "\n" not in new.replace("\r\n", "")


def test_toml_keeps_comments_and_inline_arrays() -> None:
    text = (
        "# top\n"
        "schema_version = 1\n"
        'framework = "wenger-trayner"\n'
        "[community]\n"
        'name = "X"  # trailing\n'
        "[cycles.immediate]\n"
        'indicators = [{id = "i", name = "I"}]  # inline\n'
        "\n"
        "[[flows]]\n"
        'from = "i"\n'
        'to = "j"\n'
    )
    new = add_to_text(
        text,
        "toml",
        [
            (("cycles", "immediate", "indicators"), {"id": "x", "name": "X"}),
            (("cycles", "potential", "aspirations"), {"id": "n", "text": "no"}),
            (("observations",), OBS),
        ],
    )
    assert new.startswith("# top\n")
    assert 'name = "X"  # trailing' in new
    assert 'indicators = [{id = "i", name = "I"}, {id = "x", name = "X"}]  # inline' in new
    assert '[[observations]]\nindicator = "response-time"\ndate = 2026-05-01\n' in new
    assert not new.endswith("\n\n")
    data, _ = parse_text(new, "toml")
    assert data["cycles"]["potential"]["aspirations"] == [{"id": "n", "text": "no"}]
    assert data["flows"] == [{"from": "i", "to": "j"}]


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_json_keeps_its_indentation(indent: str) -> None:
    text = json.dumps({"schema_version": 1, "flows": []}, indent=indent) + "\n"
    new = add_to_text(text, "json", [(("flows",), {"from": "a", "to": "b"})])
    assert new.splitlines()[1] == f'{indent}"schema_version": 1,'
    assert json.loads(new)["flows"] == [{"from": "a", "to": "b"}]
    assert new.endswith("}\n")


def test_compact_json_stays_compact() -> None:
    new = add_to_text('{"a": 1}', "json", [(("observations",), OBS)])
    assert "\n" not in new
    assert json.loads(new)["observations"][0]["date"] == "2026-05-01"


def test_output_leaves_the_source_alone(example_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "case.yaml"
    source.write_bytes(example_path.read_bytes())
    out = tmp_path / "out.yaml"
    add_to_document(source, [(("observations",), OBS)], output=out)
    assert source.read_bytes() == example_path.read_bytes()
    assert len(vc.load(out).observations) == len(vc.load(source).observations) + 1


@pytest.mark.parametrize(
    ("text", "key_path", "path"),
    [
        ("cycles: [1]\n", ("cycles", "immediate", "aspirations"), "$.cycles"),
        ("flows: 3\n", ("flows",), "$.flows"),
        ("stories: []\n", ("stories", 0, "steps"), "$.stories[0]"),
        ("- 1\n", ("flows",), "$"),
    ],
)
def test_a_path_into_something_else_is_an_error_and_nothing_is_written(
    tmp_path: Path, text: str, key_path: tuple[str | int, ...], path: str
) -> None:
    target = tmp_path / "case.yaml"
    target.write_text(text)
    with pytest.raises(vc.ValidationError) as info:
        add_to_document(target, [(key_path, {"x": 1})])
    assert info.value.errors[0].path == path
    assert info.value.errors[0].code == "wrong-type"
    assert target.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["case.yaml"]


def test_a_broken_file_is_reported_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "case.yaml"
    target.write_text("a: 1\na: 2\n")
    with pytest.raises(vc.ValidationError) as info:
        add_to_document(target, [(("flows",), {"x": 1})])
    assert info.value.errors[0].code == "duplicate-key"
    assert info.value.errors[0].line == 2
    with pytest.raises(vc.ValidationError) as missing:
        add_to_document(tmp_path / "nope.yaml", [(("flows",), {"x": 1})])
    assert missing.value.errors[0].code == "file-not-found"
    target.write_bytes(b"a: \xff\n")
    with pytest.raises(vc.ValidationError) as not_utf8:
        add_to_document(target, [(("flows",), {"x": 1})])
    assert not_utf8.value.errors[0].message.endswith("is not UTF-8 text (byte 3 cannot be read)")


@st.composite
def plain_observations(draw: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"indicator": draw(texts), "date": draw(dates)}
    item["value"] = draw(st.one_of(texts, st.integers(-(2**53), 2**53), st.floats(-1e9, 1e9)))
    if draw(st.booleans()):
        item["dimensions"] = draw(st.dictionaries(texts, texts, max_size=2))
    return item


@settings(max_examples=25)
@given(
    case=cases(max_per_kind=2, max_observations=2),
    fmt=st.sampled_from(["json", "yaml", "toml"]),
    new=st.lists(plain_observations(), min_size=1, max_size=3),
    cycle=st.sampled_from(["immediate", "strategic", "reframing"]),
    aspiration=texts,
)
def test_additions_to_any_case_read_back_exactly(
    case: vc.Case, fmt: str, new: list[dict[str, Any]], cycle: str, aspiration: str
) -> None:
    text = vc.dumps(case, fmt)
    item = {"id": "added-aspiration", "text": aspiration}
    out = add_to_text(
        text,
        fmt,
        [*[(("observations",), o) for o in new], (("cycles", cycle, "aspirations"), item)],
    )
    before, _ = parse_text(text, fmt)
    after, _ = parse_text(out, fmt)
    plain_new = json.loads(json.dumps(new, default=str)) if fmt == "json" else new
    plan = before.setdefault("cycles", {}).setdefault(cycle, {})
    plan.setdefault("aspirations", []).append(item)
    before["observations"] = before.get("observations", []) + plain_new
    assert after == before


def test_toml_empty_and_inline_tables_take_additions() -> None:
    text = "[cycles]\nstrategic = {}\nimmediate = {aspirations = []}\n"
    new = add_to_text(
        text,
        "toml",
        [
            (("cycles", "strategic", "aspirations"), {"id": "a", "text": "A"}),
            (("cycles", "immediate", "aspirations"), {"id": "b", "text": "B"}),
            (("cycles", "immediate", "conditions"), {"id": "c", "text": "C"}),
        ],
    )
    data, _ = parse_text(new, "toml")
    assert data["cycles"]["strategic"] == {"aspirations": [{"id": "a", "text": "A"}]}
    assert data["cycles"]["immediate"] == {
        "aspirations": [{"id": "b", "text": "B"}],
        "conditions": [{"id": "c", "text": "C"}],
    }


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "yaml",
            "# mine\nobservations:\n  - {indicator: a, value: 1}  # one\n"
            "  - {indicator: b, value: 2}\n",
        ),
        (
            "toml",
            '# mine\n[[observations]]\nindicator = "a"\nvalue = 1\n\n'
            '[[observations]]\nindicator = "b"\nvalue = 2\n',
        ),
        (
            "json",
            '{\n  "observations": [\n    {"indicator": "a", "value": 1},\n'
            '    {"indicator": "b", "value": 2}\n  ]\n}\n',
        ),
    ],
)
def test_an_index_last_in_the_key_path_replaces_that_item(fmt: str, text: str) -> None:
    from valuecycles._text import parse_text
    from valuecycles.io._roundtrip import add_to_text

    new = add_to_text(text, fmt, [(("observations", 1), {"indicator": "b", "value": 20})])
    data, _ = parse_text(new, fmt)
    assert data["observations"] == [{"indicator": "a", "value": 1}, {"indicator": "b", "value": 20}]
    if fmt != "json":
        assert new.startswith("# mine\n")
