"""Graph exports: node-link, GraphML (networkx and igraph), Kumu, DOT, Mermaid, pictures."""

from __future__ import annotations

import html
import io
import json
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

import igraph
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import valuecycles as vc

with warnings.catch_warnings():
    # pydot's parser uses pyparsing's old names, deprecated since pyparsing 3.3.
    warnings.simplefilter("ignore", DeprecationWarning)
    import pydot
    import pydot.dot_parser
from graph_cases import cases

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "small-network.yaml"
TRICKY = ['Say "hi" \\ back', "line one\nline two", "$5 a <b>day</b> & #1", "`code` %% end", "end"]


def tricky_case(labels: list[str]) -> vc.Case:
    """Indicators named by the given labels, flowing one to the next, with a story."""
    indicators = [vc.Indicator(id=f"i{n}", name=label) for n, label in enumerate(labels)]
    return vc.Case(
        community=vc.Community(name='A "quoted" community'),
        cycles={"immediate": vc.CyclePlan(indicators=indicators)},
        flows=[vc.Flow(from_=f"i{n}", to=f"i{n + 1}") for n in range(len(labels) - 1)],
        stories=[
            vc.Story(
                id="s",
                title='Story with $ and "quotes"',
                steps=[
                    vc.Step(cycle="immediate", text="first", indicators=["i0"]),
                    vc.Step(cycle="applied", text="then", indicators=[f"i{len(labels) - 1}"]),
                ],
            )
        ],
    )


@pytest.fixture(scope="module")
def example() -> vc.ValueGraph:
    return vc.build_graph(vc.load(EXAMPLE))


def edge_set(g: nx.MultiDiGraph[str]) -> Counter[tuple[str, str, str]]:
    return Counter((u, v, k) for u, v, k in g.edges(keys=True))


# --- node-link ------------------------------------------------------------------


@given(cases())
def test_node_link_reads_back_as_the_same_graph(case: vc.Case) -> None:
    vg = vc.build_graph(case)
    data = json.loads(json.dumps(vg.to_node_link()))
    back = nx.node_link_graph(data, edges="edges")
    assert dict(back.nodes(data=True)) == dict(vg.graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(vg.graph.edges(keys=True, data=True))
    assert data["graph"]["cycles"][0] == "immediate"


# --- GraphML --------------------------------------------------------------------


@settings(max_examples=25)
@given(case=cases())
def test_graphml_reads_back_in_networkx_and_igraph(
    case: vc.Case, tmp_path_factory: pytest.TempPathFactory
) -> None:
    vg = vc.build_graph(case)
    path = tmp_path_factory.mktemp("graphml") / "graph.graphml"
    vg.write_graphml(path)

    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(vg.graph.nodes)
    assert Counter((u, v, a["relation"]) for u, v, a in back.edges(data=True)) == edge_set(vg.graph)
    keys = [k for _u, _v, k in back.edges(keys=True)]
    assert len(keys) == len(set(keys))  # each edge's GraphML id is its own
    for node, attrs in vg.graph.nodes(data=True):
        assert back.nodes[node]["kind"] == attrs["kind"]
        assert back.nodes[node]["label"] == attrs["label"]

    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.is_directed()
    assert set(ig.vs["id"]) == set(vg.graph.nodes) if ig.vcount() else not vg.graph
    ids = ig.vs["id"] if ig.vcount() else []
    edges = Counter((ids[e.source], ids[e.target], e["relation"]) for e in ig.es)
    assert edges == edge_set(vg.graph)


def test_graphml_has_one_type_per_attribute() -> None:
    case = vc.Case(
        community=vc.Community(name="C"),
        cycles={
            "immediate": vc.CyclePlan(
                indicators=[
                    vc.Indicator(id="a", name="A", extra={"weight": 2}),
                    vc.Indicator(id="b", name="B", extra={"weight": 2.5}),
                    vc.Indicator(id="c", name="C", extra={"owner": True}),
                    vc.Indicator(id="d", name="D", extra={"owner": "Ana"}),
                ]
            )
        },
    )
    buffer = io.BytesIO()
    vc.build_graph(case).write_graphml(buffer)
    text = buffer.getvalue().decode()
    assert text.count('attr.name="extra.weight"') == 1
    assert 'attr.name="extra.weight" attr.type="double"' in text
    assert 'attr.name="extra.owner" attr.type="string"' in text
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert back.nodes["indicator:a"]["extra.weight"] == 2.0
    assert back.nodes["indicator:c"]["extra.owner"] == "true"
    assert "None" not in text


# --- Kumu -----------------------------------------------------------------------


@given(cases())
def test_kumu_labels_are_unique_and_join_every_connection(case: vc.Case) -> None:
    vg = vc.build_graph(case)
    blueprint = json.loads(json.dumps(vg.to_kumu()))
    labels = [e["label"] for e in blueprint["elements"]]
    assert len(labels) == len(set(labels)) == vg.graph.number_of_nodes()
    by_label = {e["label"]: e["node"] for e in blueprint["elements"]}
    joined = Counter(
        (by_label[c["from"]], by_label[c["to"]], c["type"]) for c in blueprint["connections"]
    )
    assert joined == edge_set(vg.graph)
    assert all(c["direction"] == "directed" for c in blueprint["connections"])


def test_kumu_keeps_plain_labels_and_explains_disambiguated_ones(example: vc.ValueGraph) -> None:
    blueprint = example.to_kumu()
    element = next(e for e in blueprint["elements"] if e["node"] == "indicator:response-time")
    assert element["label"] == "Median hours to first answer"
    assert element["type"] == "indicator"
    assert element["tags"] == ["immediate"]
    twins = vc.build_graph(tricky_case(["Same", "Same"])).to_kumu()["elements"]
    same = [e for e in twins if e["node"].startswith("indicator:")]
    assert [e["label"] for e in same] == ["Same [indicator:i0]", "Same [indicator:i1]"]
    assert [e["description"] for e in same] == ["Same", "Same"]


# --- DOT ------------------------------------------------------------------------


def _dot_unquote(text: str) -> str:
    assert text.startswith('"')
    assert text.endswith('"')
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text[1:-1])


def _dot_nodes(graph: pydot.Dot) -> dict[str, dict[str, str]]:
    nodes: dict[str, dict[str, str]] = {}
    for holder in [graph, *graph.get_subgraphs()]:
        for node in holder.get_nodes():
            if node.get_name() in ("node", "edge", "graph"):  # default attribute statements
                continue
            name = _dot_unquote(node.get_name())
            nodes[name] = {
                _dot_unquote(k): _dot_unquote(v) for k, v in node.get_attributes().items()
            }
    return nodes


@settings(max_examples=10)  # pydot's parser is slow
@given(
    st.lists(
        st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s), min_size=1, max_size=4
    )
)
def test_dot_parses_back_with_the_labels_unchanged(labels: list[str]) -> None:
    vg = vc.build_graph(tricky_case(labels))
    (graph,) = pydot.graph_from_dot_data(vg.to_dot())
    nodes = _dot_nodes(graph)
    assert set(nodes) == set(vg.graph.nodes)
    for node, attrs in vg.graph.nodes(data=True):
        assert nodes[node]["label"] == attrs["label"].replace("\r\n", "\n").replace("\r", "\n")
    edges = Counter(
        (
            _dot_unquote(e.get_source()),
            _dot_unquote(e.get_destination()),
            _dot_unquote(e.get_attributes()['"key"']),
        )
        for e in graph.get_edges()
    )
    assert edges == edge_set(vg.graph)


def test_dot_groups_cycles_in_the_frameworks_order(example: vc.ValueGraph) -> None:
    text = example.to_dot()
    clusters = re.findall(r'subgraph cluster_\d+ \{\n    label="([^"]+)"', text)
    assert clusters == ["Immediate value", "Potential value", "Applied value", "Realized value"]
    assert "penwidth" in text


# --- Mermaid --------------------------------------------------------------------


def _mermaid_decode(text: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    return re.sub(r"#(\w+);", lambda m: named.get(m.group(1)) or chr(int(m.group(1))), text)


def test_mermaid_escapes_labels_and_keeps_ids_plain() -> None:
    vg = vc.build_graph(tricky_case(TRICKY))
    text = vg.to_mermaid()
    assert text.startswith("flowchart LR\n")
    labels = {}
    for line in text.splitlines():
        found = re.fullmatch(r'\s+(n\d+)[\[\(\{>]+"([^"]*)"[\]\)\}]+', line)
        if found:
            labels[found.group(1)] = _mermaid_decode(found.group(2))
    assert sorted(labels.values()) == sorted(
        str(a["label"]).replace("\n", " ") for _, a in vg.graph.nodes(data=True)
    )
    assert "#quot;" in text
    assert "#35;1" in text
    edge_lines = [line for line in text.splitlines() if re.search(r"-->|==>|-\.->", line)]
    assert len(edge_lines) == vg.graph.number_of_edges()
    assert all(re.fullmatch(r'  n\d+ (-->|==>|-\.->)\|"[^"]*"\| n\d+', line) for line in edge_lines)


# --- pictures -------------------------------------------------------------------


def test_the_picture_is_byte_stable_svg_with_dollars_as_text(tmp_path: Path) -> None:
    vg = vc.build_graph(tricky_case(TRICKY))
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    vg.draw(first)
    vg.draw(second)
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert data.startswith(b"<?xml")
    text = html.unescape(data.decode())
    assert "$5 a" in text  # parse_math=False: the dollar is text, not maths
    assert "<dc:date>" not in text
    assert "Immediate value" in text


def test_png_pictures_and_formats(tmp_path: Path, example: vc.ValueGraph) -> None:
    path = tmp_path / "graph.png"
    example.draw(path)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    buffer = io.BytesIO()
    example.draw(buffer, "png")
    assert buffer.getvalue() == data
    svg = io.BytesIO()
    example.draw(svg)
    assert svg.getvalue().startswith(b"<?xml")
    with pytest.raises(ValueError, match="svg, png"):
        example.draw(tmp_path / "graph.pdf", "pdf")


def test_drawing_without_matplotlib_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, example: vc.ValueGraph
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"valuecycles\[plots\]"):
        example.draw(io.BytesIO())
