"""Custom frameworks: framework files, extends, aliases, versions, the registry's errors."""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path

import pytest

import valuecycles as vc
from valuecycles.framework import _registry

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ORIENTING = EXAMPLES / "frameworks" / "orienting-2020.toml"
REFRAMING = EXAMPLES / "frameworks" / "reframing-2011.toml"
GUIDE_CYCLES = (
    "immediate",
    "potential",
    "applied",
    "realized",
    "transformative",
    "strategic",
    "enabling",
)


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test registers into a copy of the registry, so none leaks into another."""
    monkeypatch.setattr(_registry, "_registry", copy.copy(_registry._registry))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(exc: pytest.ExceptionInfo[vc.ValidationError]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in exc.value.errors]


CASE_HEAD = """\
schema_version: 1
framework: {framework}
community: {{name: Test community}}
"""


def case_text(framework: str, body: str = "") -> str:
    return CASE_HEAD.format(framework=framework) + textwrap.dedent(body)


# --- the example framework files ------------------------------------------------


def test_orienting_example_adds_a_cross_cutting_cycle_with_full_guidance() -> None:
    fw = vc.load_framework(ORIENTING)
    assert fw.name == "orienting-2020"
    assert fw.version == "1"
    assert fw.extends == "wenger-trayner"
    assert fw.cycle_keys == (*GUIDE_CYCLES[:5], "orienting", *GUIDE_CYCLES[5:])
    orienting = fw.cycle("orienting")
    assert orienting.role == "cross-cutting"
    assert orienting not in fw.chain
    for rnd in fw.rounds:
        g = fw.guidance("orienting", rnd.key)
        assert g.lead.endswith(":")
        assert g.questions
        assert len(g.examples) >= 4
        assert all(q.endswith("?") for q in g.questions)
    # The guide's own cycles are untouched.
    guide = vc.load_framework()
    for key in GUIDE_CYCLES:
        assert fw.cycle(key) == guide.cycle(key)


def test_reframing_example_renames_in_place_and_keeps_the_old_key() -> None:
    fw = vc.load_framework(str(REFRAMING))
    guide = vc.load_framework()
    assert fw.cycle_keys == (*GUIDE_CYCLES[:4], "reframing", *GUIDE_CYCLES[5:])
    reframing = fw.cycle("transformative")
    assert reframing.key == "reframing"
    assert reframing.name == "Reframing value"
    assert reframing.aliases == ("transformative",)
    assert reframing.role == "chain"
    assert [c.key for c in fw.chain][-1] == "reframing"
    # The guidance comes from the base cycle it replaces.
    for rnd in guide.round_keys:
        assert fw.guidance("reframing", rnd) == guide.guidance("transformative", rnd)


def test_the_guide_knows_reframing_as_an_alias_of_transformative() -> None:
    guide = vc.load_framework()
    assert guide.resolve("reframing") == "transformative"
    assert guide.cycle("reframing").key == "transformative"


# --- aliases, both ways ------------------------------------------------------------


def test_a_case_that_says_reframing_loads_against_the_guide() -> None:
    case = vc.loads(
        case_text(
            "wenger-trayner",
            """\
            cycles:
              reframing:
                aspirations: [{id: new-goals, text: The unit rethinks its goals}]
            stories:
              - id: s
                title: S
                steps: [{cycle: reframing, text: We changed how we define success}]
            """,
        )
    )
    assert vc.validate(case).valid
    vg = vc.build_graph(case)
    assert vg.graph.nodes["aspiration:new-goals"]["cycle"] == "transformative"
    assert vg.stories().stories[0].reach == "transformative"


def test_a_case_that_says_transformative_loads_against_the_renamed_framework() -> None:
    fw = vc.register_framework(vc.load_framework(REFRAMING))
    text = case_text(
        "reframing-2011",
        """\
        cycles:
          transformative:
            aspirations: [{id: new-goals, text: The unit rethinks its goals}]
        stories:
          - id: s
            title: S
            steps: [{cycle: transformative, text: We changed how we define success}]
        """,
    )
    case = vc.loads(text)
    assert vc.validate(case).valid
    vg = vc.build_graph(case)
    assert vg.graph.nodes["aspiration:new-goals"]["cycle"] == "reframing"
    assert vg.stories(reaching="transformative").to_dict()["stories"][0]["reach"] == "reframing"
    assert vc.validate(case, fw).valid


def test_a_cycle_and_its_alias_in_one_case_are_one_cycle_given_twice() -> None:
    text = case_text(
        "wenger-trayner",
        """\
        cycles:
          transformative: {}
          reframing: {}
        """,
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text)
    assert errors(info) == [("$.cycles.reframing", "duplicate-cycle")]


# --- framework files: errors with paths and lines ------------------------------


def test_yaml_framework_file_errors_have_paths_and_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        """\
        name: bad
        version: "1"
        extends: wenger-trayner
        colour: blue
        cycles:
          - key: orienting
            name: Orienting value
            role: sideways
            after: nowhere
            guidance:
              aspirations:
                lead: 3
              wishes:
                lead: Do you want to see
          - {key: orienting, name: Again}
        """,
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(path)
    found = {(p.path, p.code): p for p in info.value.errors}
    assert set(found) == {
        ("$.colour", "unknown-key"),
        ("$.cycles[0].role", "invalid-value"),
        ("$.cycles[0].guidance.aspirations.lead", "wrong-type"),
        ("$.cycles[0].guidance.wishes", "unknown-round"),
        ("$.cycles[1].key", "duplicate-id"),
    }
    # At the key itself (its line and column), not at its value.
    assert (found[("$.colour", "unknown-key")].line, found[("$.colour", "unknown-key")].column) == (
        4,
        1,
    )
    assert found[("$.cycles[0].role", "invalid-value")].line == 8
    assert found[("$.cycles[0].guidance.aspirations.lead", "wrong-type")].line == 12
    assert found[("$.cycles[1].key", "duplicate-id")].line == 15
    assert "known: aspirations, conditions, indicators, data" in str(
        found[("$.cycles[0].guidance.wishes", "unknown-round")].message
    )
    assert info.value.source == str(path)
    assert str(path) in str(info.value)


def test_an_unknown_key_in_a_cycle_names_the_known_ones_after_included(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """\
        name = "bad"
        [[cycles]]
        key = "a"
        name = "A"
        colour = "blue"
        """,
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(path)
    (problem,) = info.value.errors
    assert (problem.path, problem.code) == ("$.cycles[0].colour", "unknown-key")
    assert problem.message.endswith("known: key, name, description, role, aliases, guidance, after")


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("broken.toml", 'name = "x"\nversion = \ncycles = []\n', 2),
        ("broken.json", '{"name": "x",\n "cycles": [}', 2),
        ("broken.yaml", "name: x\ncycles: [\n  - {key: a\n", 3),
    ],
)
def test_syntax_errors_say_where(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(path)
    (problem,) = info.value.errors
    assert problem.code == "syntax"
    assert problem.line == line


def test_a_missing_framework_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(vc.ValidationError, match="no such file") as info:
        vc.load_framework(tmp_path / "absent.toml")
    assert errors(info) == [("$", "file-not-found")]


def test_a_version_written_as_a_number_says_how_to_write_it(tmp_path: Path) -> None:
    path = write(tmp_path, "v.toml", 'name = "v"\nversion = 2\n[[cycles]]\nkey = "a"\nname = "A"\n')
    with pytest.raises(vc.ValidationError, match='write the version as text: "2"') as info:
        vc.load_framework(path)
    assert errors(info) == [("$.version", "wrong-type")]


def test_json_framework_file_with_every_problem_at_once(tmp_path: Path) -> None:
    data = {
        "name": "j",
        "rounds": [{"key": "r", "name": "R"}, {"key": "r", "name": "Again"}],
        "cycles": [
            {"key": " padded", "name": "P"},
            {"key": "b", "name": "B", "aliases": ["c"], "guidance": {"data": {}}},
            {"key": "c", "name": "C"},
            "not a cycle",
        ],
    }
    path = tmp_path / "j.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(path)
    assert set(errors(info)) == {
        ("$.rounds[1].key", "duplicate-id"),
        ("$.cycles[0].key", "invalid-id"),
        ("$.cycles[1].guidance.data", "unknown-round"),
        ("$.cycles[2].key", "duplicate-id"),
        ("$.cycles[3]", "wrong-type"),
    }


def test_a_framework_needs_cycles_and_rounds(tmp_path: Path) -> None:
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(write(tmp_path, "empty.yaml", "name: empty\n"))
    assert errors(info) == [("$.cycles", "missing-field")]
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(write(tmp_path, "none.yaml", "name: none\ncycles: []\nrounds: []\n"))
    assert set(errors(info)) == {("$.rounds", "empty"), ("$.cycles", "empty")}


# --- extends ---------------------------------------------------------------------


def test_extends_replaces_by_key_in_place_inheriting_what_it_leaves_out(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fw.yaml",
        """\
        name: local
        extends: wenger-trayner
        cycles:
          - key: strategic
            description: Our own words for strategic value.
            guidance:
              data:
                lead: "Would you record:"
                examples: [sponsor meeting notes]
        """,
    )
    fw = vc.load_framework(path)
    guide = vc.load_framework()
    assert fw.cycle_keys == GUIDE_CYCLES
    strategic = fw.cycle("strategic")
    assert strategic.name == "Strategic value"
    assert strategic.role == "cross-cutting"
    assert strategic.description == "Our own words for strategic value."
    assert fw.guidance("strategic", "data").lead == "Would you record:"
    assert fw.guidance("strategic", "data").examples == ("sponsor meeting notes",)
    assert fw.guidance("strategic", "aspirations") == guide.guidance("strategic", "aspirations")
    assert fw.rounds == guide.rounds
    assert fw.title == guide.title


def test_extends_replaces_by_alias_and_keeps_the_old_key_as_an_alias(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fw.yaml",
        """\
        name: renamed
        extends: wenger-trayner
        cycles:
          - {key: first-hand, aliases: [immediate], name: First-hand value}
        """,
    )
    fw = vc.load_framework(path)
    assert fw.cycle_keys[0] == "first-hand"
    assert fw.cycle("immediate").key == "first-hand"
    assert fw.cycle("first-hand").aliases == ("immediate",)
    assert fw.cycle("first-hand").name == "First-hand value"


def test_after_places_a_new_cycle_and_moves_a_replacement(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fw.toml",
        """\
        name = "placed"
        extends = "wenger-trayner"
        [[cycles]]
        key = "orienting"
        name = "Orienting value"
        role = "cross-cutting"
        after = "reframing"
        [[cycles]]
        key = "learning-agenda"
        name = "Learning agenda"
        after = "orienting"
        [[cycles]]
        key = "enabling"
        after = "immediate"
        [[cycles]]
        key = "last"
        name = "Last"
        """,
    )
    fw = vc.load_framework(path)
    assert fw.cycle_keys == (
        "immediate",
        "enabling",
        "potential",
        "applied",
        "realized",
        "transformative",
        "orienting",
        "learning-agenda",
        "strategic",
        "last",
    )
    assert fw.cycle("learning-agenda").role == "chain"
    assert [c.key for c in fw.chain] == [
        "immediate",
        "potential",
        "applied",
        "realized",
        "transformative",
        "learning-agenda",
        "last",
    ]


@pytest.mark.parametrize(
    ("cycles", "expected"),
    [
        ("[{key: x, name: X, after: nowhere}]", [("$.cycles[0].after", "unknown-cycle")]),
        ("[{key: x, name: X, after: 3}]", [("$.cycles[0].after", "wrong-type")]),
        (
            "[{key: x, name: X, aliases: [immediate, potential]}]",
            [("$.cycles[0]", "ambiguous-cycle")],
        ),
        ("[{key: reframing}, {key: transformative}]", [("$.cycles[1]", "duplicate-id")]),
        ("[{key: x}]", [("$.cycles[0].name", "missing-field")]),
    ],
)
def test_extends_problems(tmp_path: Path, cycles: str, expected: list[tuple[str, str]]) -> None:
    path = write(tmp_path, "fw.yaml", f"name: p\nextends: wenger-trayner\ncycles: {cycles}\n")
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(path)
    assert errors(info) == expected
    assert all(p.line == 3 for p in info.value.errors)


def test_extends_an_unknown_framework_names_the_registered_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "fw.yaml", "name: p\nextends: nope\ncycles: []\n")
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(path)
    (problem,) = info.value.errors
    assert (problem.path, problem.code, problem.line) == ("$.extends", "unknown-framework", 2)
    assert "registered: wenger-trayner" in problem.message


def test_extends_a_file_beside_it_and_a_ring_of_files(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "name: base\ncycles: [{key: a, name: A}]\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub, "child.yaml", "name: child\nextends: ../base.yaml\ncycles: [{key: b, name: B}]\n")
    assert vc.load_framework(sub / "child.yaml").cycle_keys == ("a", "b")

    write(tmp_path, "one.yaml", "name: one\nextends: two.yaml\ncycles: []\n")
    write(tmp_path, "two.yaml", "name: two\nextends: one.yaml\ncycles: []\n")
    with pytest.raises(vc.ValidationError) as info:
        vc.load_framework(tmp_path / "one.yaml")
    assert errors(info) == [("$.extends", "circular-extends")]

    write(tmp_path, "orphan.yaml", "name: orphan\nextends: gone.yaml\ncycles: []\n")
    with pytest.raises(vc.ValidationError, match=r"gone\.yaml") as info:
        vc.load_framework(tmp_path / "orphan.yaml")
    assert errors(info) == [("$.extends", "file-not-found")]

    write(tmp_path, "broken.yaml", "name: broken\ncycles: [{key: a}]\n")
    write(tmp_path, "on-broken.yaml", "name: on-broken\nextends: broken.yaml\ncycles: []\n")
    with pytest.raises(vc.ValidationError, match=r"broken\.yaml.*name") as info:
        vc.load_framework(tmp_path / "on-broken.yaml")
    assert errors(info) == [("$.extends", "invalid-base")]


# --- the registry ------------------------------------------------------------------


def test_a_case_naming_an_unknown_framework_lists_the_registered_ones() -> None:
    vc.register_framework(vc.load_framework(ORIENTING))
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(case_text("orienting-2021"))
    (problem,) = info.value.errors
    assert (problem.path, problem.code, problem.line) == ("$.framework", "unknown-framework", 2)
    assert problem.message.startswith(
        "unknown framework 'orienting-2021' (did you mean 'orienting-2020'?); "
        "registered: wenger-trayner, "
    )
    assert "orienting-2020" in problem.message.split("registered: ")[1]


def test_unknown_framework_error_is_a_lookup_error_with_the_names() -> None:
    with pytest.raises(vc.UnknownFrameworkError) as info:
        vc.load_framework("nope")
    assert isinstance(info.value, LookupError)
    assert info.value.name == "nope"
    assert "wenger-trayner" in info.value.known


def test_register_refuses_a_broken_framework() -> None:
    broken = vc.Framework(
        name="broken",
        cycles=[vc.Cycle(key="a", name="A"), vc.Cycle(key="b", name="B", aliases=["a"])],
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.register_framework(broken)
    assert errors(info) == [("$.cycles[1].aliases[0]", "duplicate-id")]
    with pytest.raises(TypeError, match="expected a Framework"):
        vc.register_framework("wenger-trayner")  # type: ignore[arg-type]


def test_a_python_framework_has_the_guides_rounds_by_default() -> None:
    fw = vc.Framework(name="plain", cycles=[vc.Cycle(key="a", name="A")])
    assert fw.round_keys == ("aspirations", "conditions", "indicators", "data")
    assert fw.guidance("a", "data") == vc.Guidance()


# --- versions ----------------------------------------------------------------------


def versioned(version: str, cycle: str) -> vc.Framework:
    return vc.Framework(name="versioned", version=version, cycles=[vc.Cycle(key=cycle, name="X")])


def test_a_case_loads_against_the_version_it_names() -> None:
    vc.register_framework(versioned("1", "old-cycle"))
    vc.register_framework(versioned("2", "new-cycle"))
    assert vc.load_framework("versioned").version == "2"
    assert vc.load_framework("versioned", version="1").cycle_keys == ("old-cycle",)
    old = case_text("versioned", 'framework_version: "1"\ncycles: {old-cycle: {}}\n')
    case = vc.loads(old)
    assert vc.validate(case).to_dict() == {
        "schema_version": 1,
        "valid": True,
        "errors": [],
        "warnings": [],
    }
    # Without a version, the one registered last.
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(case_text("versioned", "cycles: {old-cycle: {}}\n"))
    assert errors(info) == [("$.cycles.old-cycle", "unknown-cycle")]


def test_a_version_that_is_not_registered_warns_and_uses_the_current_one() -> None:
    vc.register_framework(versioned("2", "new-cycle"))
    case = vc.loads(case_text("versioned", 'framework_version: "7"\ncycles: {new-cycle: {}}\n'))
    report = vc.validate(case)
    assert report.valid
    assert [(p.path, p.code) for p in report.warnings] == [
        ("$.framework_version", "framework-version")
    ]
    assert "version '7'" in report.warnings[0].message
    with pytest.raises(vc.UnknownFrameworkError, match="no version '7'; registered versions: 2"):
        vc.load_framework("versioned", version="7")
    with pytest.raises(vc.UnknownFrameworkError, match="version '7'"):
        vc.load_framework(ORIENTING, version="7")


def test_registering_a_different_framework_under_a_taken_version_needs_replace() -> None:
    vc.register_framework(versioned("1", "a"))
    with pytest.raises(ValueError, match=r"'versioned' \(version '1'\) is already registered"):
        vc.register_framework(versioned("1", "b"))
    vc.register_framework(versioned("1", "b"), replace=True)
    assert vc.load_framework("versioned", version="1").cycle_keys == ("b",)


# --- the example case ----------------------------------------------------------------


def test_the_orienting_example_case_is_valid_against_its_framework() -> None:
    fw = vc.load_framework(ORIENTING)
    case = vc.load(EXAMPLES / "orienting-case.yaml", framework=fw)
    report = vc.validate(case, fw)
    assert report.to_dict() == {"schema_version": 1, "valid": True, "errors": [], "warnings": []}
    assert "orienting" in case.cycles
    assert any(step.cycle == "orienting" for story in case.stories for step in story.steps)
    # Without its framework registered, it names the one it needs.
    with pytest.raises(vc.ValidationError, match="unknown framework 'orienting-2020'"):
        vc.load(EXAMPLES / "orienting-case.yaml")
    vc.register_framework(fw)
    assert vc.load(EXAMPLES / "orienting-case.yaml") == case


def test_graph_and_report_read_a_case_against_the_version_it_names() -> None:
    vc.register_framework(
        vc.Framework(name="versioned", version="1", cycles=[vc.Cycle(key="old", name="Old way")])
    )
    vc.register_framework(
        vc.Framework(name="versioned", version="2", cycles=[vc.Cycle(key="new", name="New way")])
    )
    case = vc.loads(case_text("versioned", 'framework_version: "1"\ncycles: {old: {}}\n'))
    vg = vc.build_graph(case)
    assert vg.framework.version == "1"
    assert [c.cycle for c in vg.coverage().cells] == ["old"] * 4
    page = vc.render_report(case, "markdown")
    assert "Old way" in page
    assert "New way" not in page
