"""``valuecycles query gaps|coverage|chains`` and ``export --to`` the graph formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from valuecycles.cli import main

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "small-network.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_gaps_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", EXAMPLE, "gaps", "--as-of", "2026-09-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["schema_version"], data["as_of"]) == (1, "2026-09-01")
    gaps = data["gaps"]
    overdue = {"kind": "data-overdue", "id": "forum-log", "cycle": "immediate", "due": "2026-04-01"}
    assert overdue.items() <= gaps[5].items()
    assert all(set(g) == {"kind", "id", "cycle", "message", "due"} for g in gaps)


def test_query_gaps_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", EXAMPLE, "gaps", "--as-of", "2026-03-15")
    assert code == 0
    assert out.splitlines()[0].split() == ["kind", "cycle", "id", "what", "is", "missing"]
    assert out.splitlines()[1].split()[:2] == ["cycle-without-aspirations", "potential"]
    assert "data-overdue" not in out
    # checklist-adoption's only observation is dated after 2026-03-15.
    assert "indicator-without-observations" in out
    assert out.endswith("6 gaps as of 2026-03-15.\n")
    assert "\x1b[" not in out  # no colour when not on a terminal


@pytest.mark.parametrize("command", [["query", EXAMPLE, "gaps"], ["report", EXAMPLE]])
@pytest.mark.parametrize("date", ["15/03/2026", "20260315", "2026-W11-7"])
def test_as_of_takes_only_yyyy_mm_dd(
    capsys: pytest.CaptureFixture[str], command: list[str], date: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*command, "--as-of", date])
    assert exc.value.code == 2
    assert f"--as-of: not a date (YYYY-MM-DD): {date!r}" in capsys.readouterr().err


def test_query_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", EXAMPLE, "coverage", "--json")
    assert code == 0
    cells = json.loads(out)["coverage"]
    assert len(cells) == 28
    assert cells[8] == {"cycle": "applied", "round": "aspirations", "count": 1}
    code, out, _ = run(capsys, "query", EXAMPLE, "coverage")
    lines = out.splitlines()
    assert lines[0].split() == ["cycle", "aspirations", "conditions", "indicators", "data"]
    assert lines[1].split() == ["immediate", "1", "1", "1", "1"]
    assert lines[2].split() == ["potential", "-", "-", "-", "-"]
    assert "21 of 28 cells blank" in out


def test_query_chains(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "query", EXAMPLE, "chains", "--from", "immediate", "--to", "applied", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["truncated"] is False
    assert data["chains"][0]["indicators"] == ["response-time", "checklist-adoption"]
    code, out, _ = run(capsys, "query", EXAMPLE, "chains", "--from", "immediate", "--to", "applied")
    assert "1. response-time -> checklist-adoption" in out
    assert "declared; checklist-story (1 substantiated)" in out
    code, out, _ = run(capsys, "query", EXAMPLE, "chains", "--from", "applied", "--to", "realized")
    assert out == "No value chains from applied to realized.\n"


def test_query_chains_defaults_to_the_ends_of_the_value_chain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    full = str(Path(EXAMPLE).with_name("evaluators-network.yaml"))
    code, out, _ = run(capsys, "query", full, "chains", "--json")
    data = json.loads(out)
    assert (code, data["from"], data["to"]) == (0, "immediate", "transformative")
    assert data["chains"]
    code, out, _ = run(capsys, "query", full, "chains", "--to", "applied", "--json")
    assert (json.loads(out)["from"], json.loads(out)["to"]) == ("immediate", "applied")
    code, out, _ = run(capsys, "query", EXAMPLE, "chains")
    assert out.startswith("No value chains from immediate to transformative (the value chain")


def test_query_chains_limit_reports_truncation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import valuecycles as vc
    from graph_cases import dense_case

    path = tmp_path / "dense.yaml"
    vc.dump(dense_case(per_cycle=4, cycles=3), path)
    argv = ["query", str(path), "chains", "--from", "immediate", "--to", "applied"]
    code, out, _ = run(capsys, *argv, "--limit", "5", "--json")
    data = json.loads(out)
    assert (code, len(data["chains"]), data["truncated"]) == (0, 5, True)
    code, out, _ = run(capsys, *argv, "--limit", "5")
    assert "more exist (the walk stopped at --limit 5)" in out
    code, out, _ = run(capsys, *argv, "--cutoff", "1", "--json")
    assert json.loads(out) == {
        "schema_version": 1,
        "from": "immediate",
        "to": "applied",
        "chains": [],
        "truncated": False,
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "immediat", "--to", "applied"], "unknown cycle 'immediat'"),
        (["--to", "realised"], "unknown cycle 'realised'"),
    ],
)
def test_query_chains_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "query", EXAMPLE, "chains", *argv)
    assert code == 2
    assert out == ""
    assert message in err


def test_a_query_on_an_invalid_case_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(EXAMPLE).read_text().replace("signals: [quick-answers]", "signals: [nope]"))
    code, _, err = run(capsys, "query", str(bad), "gaps")
    assert code == 1
    assert "unknown aspiration 'nope'" in err


@pytest.mark.parametrize("fmt", ["graphml", "node-link", "kumu", "dot", "mermaid", "svg"])
def test_export_graph_formats_to_stdout_and_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    code, out, _ = run(capsys, "export", EXAMPLE, "--to", fmt)
    assert code == 0
    target = tmp_path / f"graph.{fmt}"
    code, again, _ = run(capsys, "export", EXAMPLE, "--to", fmt, "-o", str(target))
    assert (code, again) == (0, "")
    assert target.read_text(encoding="utf-8") == out
    if fmt == "node-link":
        graph = nx.node_link_graph(json.loads(out), edges="edges")
        assert "indicator:response-time" in graph
    elif fmt == "kumu":
        assert {"elements", "connections"} <= set(json.loads(out))
    elif fmt == "graphml":
        assert "step:checklist-story/0" in nx.read_graphml(target)
    elif fmt == "dot":
        assert out.startswith('digraph "value creation: ')
    elif fmt == "mermaid":
        assert out.startswith("flowchart LR\n")
    else:
        assert out.startswith("<?xml")


def test_export_png_to_a_file_and_to_a_pipe(tmp_path: Path) -> None:
    target = tmp_path / "graph.png"
    assert main(["export", EXAMPLE, "--to", "png", "-o", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG")
    piped = subprocess.run(
        [sys.executable, "-m", "valuecycles", "export", EXAMPLE, "--to", "png"],
        capture_output=True,
        check=True,
    )
    assert piped.stdout == data
