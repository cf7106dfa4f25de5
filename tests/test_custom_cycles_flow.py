"""Custom cycles flow through validation, the graph, queries, exports and reports.

The orienting framework (examples/frameworks/orienting-2020.toml) adds a
cross-cutting cycle; the example case uses it in every round, in a flow and in
stories. Whatever a built-in cycle gets, the custom one gets too; and a
cycle's role, not its name, decides whether it is part of a story's reach.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

import valuecycles as vc
from valuecycles.cli import main
from valuecycles.framework import _registry

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK_FILE = ROOT / "examples" / "frameworks" / "orienting-2020.toml"
CASE_FILE = ROOT / "examples" / "orienting-case.yaml"
AS_OF = dt.date(2026, 8, 1)
ORDER = [
    "immediate",
    "potential",
    "applied",
    "realized",
    "transformative",
    "orienting",
    "strategic",
    "enabling",
]


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_registry, "_registry", copy.copy(_registry._registry))


@pytest.fixture
def fw() -> vc.Framework:
    return vc.load_framework(FRAMEWORK_FILE)


@pytest.fixture
def case(fw: vc.Framework) -> vc.Case:
    return vc.load(CASE_FILE, framework=fw)


def with_role(tmp_path: Path, role: str, after: str) -> vc.Framework:
    """The orienting framework with the orienting cycle given another role and place."""
    path = tmp_path / f"orienting-{role}.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name: orienting-2020
            extends: {FRAMEWORK_FILE}
            cycles:
              - {{key: orienting, role: {role}, after: {after}}}
            """
        ),
        encoding="utf-8",
    )
    return vc.load_framework(path)


# --- validation --------------------------------------------------------------------


def test_validation_checks_custom_cycles_like_built_in_ones(fw: vc.Framework) -> None:
    text = CASE_FILE.read_text(encoding="utf-8")
    text = text.replace("signals: [know-who-knows]", "signals: [know-who-know]")
    text = text.replace(
        "- cycle: orienting\n        text: The directory",
        "- cycle: orientng\n        text: The directory",
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(text, framework=fw)
    found = {(p.path, p.code): p for p in info.value.errors}
    assert set(found) == {
        ("$.cycles.orienting.indicators[0].signals[0]", "unknown-reference"),
        ("$.stories[1].steps[0].cycle", "unknown-cycle"),
    }
    assert (
        "did you mean 'know-who-knows'"
        in found[("$.cycles.orienting.indicators[0].signals[0]", "unknown-reference")].message
    )
    cycle_problem = found[("$.stories[1].steps[0].cycle", "unknown-cycle")]
    assert "did you mean 'orienting'" in cycle_problem.message
    assert cycle_problem.line is not None


def test_the_guide_does_not_know_the_custom_cycle(case: vc.Case) -> None:
    guide = vc.load_framework()
    report = vc.validate(case, guide)
    assert ("$.cycles.orienting", "unknown-cycle") in [(p.path, p.code) for p in report.errors]
    assert ("$.framework", "framework-mismatch") in [(p.path, p.code) for p in report.warnings]


# --- the graph and its queries ---------------------------------------------------------


def test_graph_nodes_and_coverage_carry_the_custom_cycle(case: vc.Case, fw: vc.Framework) -> None:
    vg = vc.build_graph(case, fw)
    for node in ("aspiration:know-who-knows", "condition:expertise-directory"):
        assert vg.graph.nodes[node]["cycle"] == "orienting"
    assert vg.graph.nodes["indicator:referrals"]["cycle"] == "orienting"
    assert vg.graph.nodes["data:referral-log"]["cycle"] == "orienting"
    cells = vg.coverage().to_dict()["coverage"]
    assert [c["cycle"] for c in cells[::4]] == ORDER
    orienting = {c["round"]: c["count"] for c in cells if c["cycle"] == "orienting"}
    assert orienting == {"aspirations": 1, "conditions": 1, "indicators": 1, "data": 1}
    assert set(vg.view(cycle="orienting").nodes) >= {
        "aspiration:know-who-knows",
        "indicator:referrals",
        "data:referral-log",
    }


def test_gaps_see_an_empty_custom_cycle_and_its_elements(fw: vc.Framework, case: vc.Case) -> None:
    gaps = vc.build_graph(case, fw).gaps(as_of=AS_OF).to_dict()["gaps"]
    overdue = [g for g in gaps if g["kind"] == "data-overdue" and g["cycle"] == "orienting"]
    assert [g["id"] for g in overdue] == ["referral-log"]
    assert not [g for g in gaps if g["id"] == "orienting"]

    # The same case without its orienting plan: the cycle is a gap, like any other.
    cycles = {k: v for k, v in case.cycles.items() if k != "orienting"}
    bare = vc.Case(community=case.community, framework=case.framework, cycles=cycles, flows=())
    gaps = vc.build_graph(bare, fw).gaps(as_of=AS_OF).to_dict()["gaps"]
    assert {"kind": "cycle-without-aspirations", "id": "orienting", "cycle": "orienting"} in [
        {k: g[k] for k in ("kind", "id", "cycle")} for g in gaps
    ]


def test_chains_start_in_a_custom_cycle(case: vc.Case, fw: vc.Framework) -> None:
    chains = vc.build_graph(case, fw).chains("orienting", "realized").to_dict()
    assert [c["indicators"] for c in chains["chains"]] == [
        ["referrals", "methods-tried", "water-loss"]
    ]
    assert chains["truncated"] is False
    assert chains["chains"][0]["links"][0]["stories"] == ["acoustic-loggers"]


def test_a_cross_cutting_cycle_is_not_a_storys_reach(case: vc.Case, fw: vc.Framework) -> None:
    vg = vc.build_graph(case, fw)
    stories = {s["id"]: s for s in vg.stories().to_dict()["stories"]}
    assert stories["acoustic-loggers"]["cycles"] == [
        "immediate",
        "orienting",
        "applied",
        "realized",
    ]
    assert stories["acoustic-loggers"]["reach"] == "realized"
    assert stories["map-of-the-field"]["cycles"] == ["orienting"]
    assert stories["map-of-the-field"]["reach"] is None
    # Reaching a cross-cutting cycle: the stories with a step in it.
    assert [s.id for s in vg.stories(reaching="orienting").stories] == [
        "acoustic-loggers",
        "map-of-the-field",
    ]
    assert [s.id for s in vg.stories(reaching="applied").stories] == ["acoustic-loggers"]


def test_role_chain_makes_the_custom_cycle_part_of_the_value_chain(
    case: vc.Case, tmp_path: Path
) -> None:
    chain_fw = with_role(tmp_path, "chain", "realized")
    assert chain_fw.cycle_keys.index("orienting") == chain_fw.cycle_keys.index("realized") + 1
    assert [c.key for c in chain_fw.chain][-2:] == ["orienting", "transformative"]
    vg = vc.build_graph(case, chain_fw)
    stories = {s.id: s for s in vg.stories().stories}
    assert stories["map-of-the-field"].reach == "orienting"
    assert stories["acoustic-loggers"].reach == "orienting"
    assert [s.id for s in vg.stories(reaching="realized").stories] == [
        "acoustic-loggers",
        "map-of-the-field",
    ]
    # Placed early in the chain, it is passed by the stories that go further.
    early = with_role(tmp_path, "chain", "immediate")
    stories = {s.id: s for s in vc.build_graph(case, early).stories().stories}
    assert stories["acoustic-loggers"].reach == "realized"
    assert stories["map-of-the-field"].reach == "orienting"


def test_query_command_with_a_framework_file(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(CASE_FILE), "--framework", str(FRAMEWORK_FILE), "--json"]
    assert main(["query", args[0], "coverage", *args[1:]]) == 0
    cells = json.loads(capsys.readouterr().out)["coverage"]
    assert [c["cycle"] for c in cells[::4]] == ORDER
    assert (
        main(["query", args[0], "chains", "--from", "orienting", "--to", "realized", *args[1:]])
        == 0
    )
    chains = json.loads(capsys.readouterr().out)["chains"]
    assert chains[0]["indicators"][0] == "referrals"
    assert main(["query", args[0], "gaps", "--as-of", "2026-08-01", *args[1:]]) == 0
    gaps = json.loads(capsys.readouterr().out)["gaps"]
    assert {"referral-log"} <= {g["id"] for g in gaps if g["cycle"] == "orienting"}


# --- exports ------------------------------------------------------------------------------


def test_graph_exports_carry_the_custom_cycle(case: vc.Case, fw: vc.Framework) -> None:
    vg = vc.build_graph(case, fw)
    data = vg.to_node_link()
    assert data["graph"]["cycles"] == ORDER
    assert data["graph"]["framework"] == "orienting-2020"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["indicator:referrals"]["cycle"] == "orienting"
    assert "Orienting value" in vg.to_dot()
    assert "Orienting value" in vg.to_mermaid()
    kumu = json.dumps(vg.to_kumu())
    assert "orienting" in kumu.lower()


@pytest.mark.parametrize("fmt", ["graphml", "node-link", "kumu", "dot", "mermaid"])
def test_export_command_with_a_framework_file(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"graph.{fmt}"
    code = main(
        ["export", str(CASE_FILE), "--to", fmt, "--framework", str(FRAMEWORK_FILE), "-o", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert "orienting" in text.lower()
    assert "referral" in text.lower()


# --- reports --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_reports_show_the_custom_cycle_in_its_place(
    case: vc.Case, fw: vc.Framework, fmt: str
) -> None:
    text = vc.render_report(case, fmt, framework=fw, as_of=AS_OF)
    cycles = text[text.rindex("The cycles") :]  # the section, after the summary and contents
    names = [c.name for c in fw.cycles]
    positions = [cycles.index(name) for name in names]
    assert positions == sorted(positions)
    section = cycles[cycles.index("Orienting value") :]
    assert "cross-cutting" in section[:400]
    assert "Members know whom to ask" in text
    assert "Referrals between members per quarter" in text
    assert "The coordinator pointed me to an engineer" in text


def test_report_command_with_a_framework_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(CASE_FILE),
                "--framework",
                str(FRAMEWORK_FILE),
                "--as-of",
                "2026-08-01",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "Orienting value" in out.read_text(encoding="utf-8")


# --- aliases in the graph and the report ---------------------------------------------------


ALIAS_CASE = """\
schema_version: 1
framework: wenger-trayner
community: {name: Alias users}
cycles:
  reframing:
    aspirations: [{id: new-goals, text: The unit rethinks its goals}]
    indicators: [{id: goals-revised, name: Goals revised, signals: [new-goals]}]
stories:
  - id: s
    title: Rethinking
    steps:
      - {cycle: reframing, text: We changed what counts as success, indicators: [goals-revised]}
"""


def test_a_cycle_given_by_its_alias_counts_as_the_cycle(tmp_path: Path) -> None:
    case = vc.loads(ALIAS_CASE)
    vg = vc.build_graph(case)
    cells = {(c.cycle, c.round): c.count for c in vg.coverage().cells}
    assert cells[("transformative", "aspirations")] == 1
    assert ("reframing", "aspirations") not in cells
    gaps = vg.gaps(as_of=AS_OF).to_dict()["gaps"]
    assert not [g for g in gaps if g["id"] in ("transformative", "reframing")]
    assert vg.stories().stories[0].reach == "transformative"
    page = vc.render_report(case, "markdown", as_of=AS_OF)
    section = page[page.index("Transformative value") :]
    assert "The unit rethinks its goals" in section


def test_alias_case_with_the_renamed_framework_everywhere(tmp_path: Path) -> None:
    renamed = vc.load_framework(ROOT / "examples" / "frameworks" / "reframing-2011.toml")
    case = vc.loads(
        ALIAS_CASE.replace("reframing:", "transformative:").replace(
            "cycle: reframing", "cycle: transformative"
        ),
        framework=renamed,
    )
    vg = vc.build_graph(case, renamed)
    assert vg.graph.nodes["indicator:goals-revised"]["cycle"] == "reframing"
    assert vg.stories().stories[0].reach == "reframing"
    page = vc.render_report(case, "html", framework=renamed, as_of=AS_OF)
    assert "Reframing value" in page
    assert "The unit rethinks its goals" in page


# --- evidence: progress, stories, the matrix -------------------------------------------------


def test_progress_and_matrix_place_the_custom_cycle(case: vc.Case, fw: vc.Framework) -> None:
    rows = {r["indicator"]: r for r in vc.progress(case, fw).to_dict()["indicators"]}
    assert rows["referrals"]["cycle"] == "orienting"
    assert (rows["referrals"]["baseline"], rows["referrals"]["latest"]) == (4, 7)
    order = [rows[i]["cycle"] for i in rows]
    assert order == sorted(order, key=ORDER.index)
    grid = vc.matrix(case, fw).to_dict()
    assert grid["cycles"] == ORDER
    assert [(c["story"], c["cycle"]) for c in grid["cells"]] == [
        ("acoustic-loggers", "immediate"),
        ("acoustic-loggers", "orienting"),
        ("acoustic-loggers", "applied"),
        ("acoustic-loggers", "realized"),
        ("map-of-the-field", "orienting"),
    ]
    orienting = grid["cells"][1]
    assert orienting["indicators"] == ["referrals"]
    assert orienting["observations"] == ["ref-2026-q1"]


def test_story_summaries_follow_the_role(case: vc.Case, fw: vc.Framework, tmp_path: Path) -> None:
    reach = {s.id: s.reach for s in vc.story_summaries(case, framework=fw).stories}
    assert reach == {"acoustic-loggers": "realized", "map-of-the-field": None}
    chain_fw = with_role(tmp_path, "chain", "realized")
    reach = {s.id: s.reach for s in vc.story_summaries(case, framework=chain_fw).stories}
    assert reach == {"acoustic-loggers": "orienting", "map-of-the-field": "orienting"}
    reaching = vc.story_summaries(case, reaching="orienting", framework=fw).stories
    assert [s.id for s in reaching] == ["acoustic-loggers", "map-of-the-field"]


@pytest.mark.parametrize("question", ["progress", "stories", "matrix"])
def test_evidence_queries_with_a_framework_file(
    question: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["query", str(CASE_FILE), question, "--framework", str(FRAMEWORK_FILE)]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "orienting" in json.dumps(data)
    assert main(args) == 0
    assert "orienting" in capsys.readouterr().out.lower()


def test_evidence_counts_an_alias_as_its_cycle() -> None:
    case = vc.loads(
        ALIAS_CASE + "observations: [{indicator: goals-revised, date: 2026-01-01, value: 1}]\n"
    )
    assert vc.progress(case).to_dict()["indicators"][0]["cycle"] == "transformative"
    grid = vc.matrix(case).to_dict()
    assert [c["cycle"] for c in grid["cells"]] == ["transformative"]
    assert "reframing" not in grid["cycles"]
