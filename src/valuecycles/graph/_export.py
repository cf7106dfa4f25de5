"""The graph in other tools' formats: node-link JSON, GraphML, Kumu, DOT, Mermaid.

Every format carries the nodes' and edges' scalar attributes, ``extra.KEY``
included; none writes a ``None``.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Final, cast

import networkx as nx

from valuecycles._text import atomic_write

if TYPE_CHECKING:
    from valuecycles.graph._graph import ValueGraph

__all__ = ["dot", "dot_quote", "kumu", "mermaid", "mermaid_text", "node_link", "write_graphml"]

# --- node-link ------------------------------------------------------------------


def node_link(vg: ValueGraph) -> dict[str, Any]:
    """networkx's node-link data with ``edges="edges"`` (read back by ``node_link_graph``)."""
    data: dict[str, Any] = nx.node_link_data(vg.graph, edges="edges")
    data["graph"] = {
        "community": vg.case.community.name,
        "framework": vg.framework.name,
        "cycles": list(vg.framework.cycle_keys),
    }
    return data


# --- GraphML --------------------------------------------------------------------


def _scalar_kinds(items: Iterable[dict[str, Any]]) -> dict[str, set[type]]:
    kinds: dict[str, set[type]] = defaultdict(set)
    for attrs in items:
        for key, value in attrs.items():
            kinds[key].add(type(value))
    return kinds


def _fixers(kinds: dict[str, set[type]]) -> dict[str, type]:
    """Attributes whose values mix types: ints with floats become floats, else text."""
    fix: dict[str, type] = {}
    for key, types in kinds.items():
        if len(types) > 1:
            fix[key] = float if types <= {int, float} else str
    return fix


def _fixed(attrs: dict[str, Any], fix: dict[str, type]) -> dict[str, Any]:
    if not fix or fix.keys().isdisjoint(attrs):
        return attrs
    out = dict(attrs)
    for key, kind in fix.items():
        if key in out:
            value = out[key]
            if kind is str and isinstance(value, bool):
                out[key] = "true" if value else "false"
            else:
                out[key] = kind(value)
    return out


def graphml_graph(vg: ValueGraph) -> nx.MultiDiGraph[str]:
    """The graph as GraphML carries it: one type per attribute name, unique edge ids.

    networkx writes an edge's key as its GraphML ``id``; the relation (the
    key in :attr:`ValueGraph.graph`) would repeat, so here each edge's key is
    ``e0``, ``e1``, ... in edge order and the relation is in its
    ``relation`` attribute (as it is in every edge's attributes already).
    """
    g = vg.graph
    node_fix = _fixers(_scalar_kinds(attrs for _, attrs in g.nodes(data=True)))
    edge_fix = _fixers(_scalar_kinds(attrs for _, _, attrs in g.edges(data=True)))
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    out.add_nodes_from((n, _fixed(a, node_fix)) for n, a in g.nodes(data=True))
    edges = [
        (u, v, f"e{n}", {"relation": k, **_fixed(a, edge_fix)})
        for n, (u, v, k, a) in enumerate(g.edges(keys=True, data=True))
    ]
    out.add_edges_from(cast(Any, edges))
    return out


def write_graphml(vg: ValueGraph, target: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write GraphML: a path atomically, or to a binary file object."""
    g = graphml_graph(vg)
    if isinstance(target, (str, os.PathLike)):
        atomic_write(target, lambda handle: nx.write_graphml(g, handle, encoding="utf-8"))
    else:
        nx.write_graphml(g, target, encoding="utf-8")


# --- Kumu -----------------------------------------------------------------------


def unique_labels(g: nx.MultiDiGraph[str]) -> dict[str, str]:
    """A label for each node, unique across the graph (Kumu joins by label).

    A label that several nodes share gets the node's id in brackets.
    """
    counts = Counter(str(attrs.get("label", n)) for n, attrs in g.nodes(data=True))
    labels: dict[str, str] = {}
    used: set[str] = set()
    for n, attrs in g.nodes(data=True):
        label = str(attrs.get("label", n))
        if counts[label] > 1 or label in used:
            label = f"{label} [{n}]"
            extra = 2
            base = label
            while label in used:
                label = f"{base} ({extra})"
                extra += 1
        used.add(label)
        labels[n] = label
    return labels


def kumu(vg: ValueGraph) -> dict[str, Any]:
    """A Kumu blueprint: each element's ``type`` its kind, each connection's its relation."""
    g = vg.graph
    labels = unique_labels(g)
    elements = []
    for n, attrs in g.nodes(data=True):
        element: dict[str, Any] = {"label": labels[n], "type": attrs["kind"], "node": n}
        if attrs.get("label") != labels[n]:
            element["description"] = attrs.get("label")
        if "cycle" in attrs:
            element["tags"] = [attrs["cycle"]]
        element.update((k, v) for k, v in attrs.items() if k not in ("kind", "label"))
        elements.append(element)
    connections = []
    for u, v, key, attrs in g.edges(keys=True, data=True):
        connection: dict[str, Any] = {
            "from": labels[u],
            "to": labels[v],
            "type": key,
            "direction": "directed",
        }
        connection.update((k, val) for k, val in attrs.items() if k != "relation")
        connections.append(connection)
    return {"elements": elements, "connections": connections}


# --- DOT ------------------------------------------------------------------------

_SHAPES: Final = {
    "aspiration": "ellipse",
    "condition": "hexagon",
    "indicator": "box",
    "data": "cylinder",
    "story": "note",
    "step": "box",
}


def dot_quote(text: object) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as ``\\n``.

    >>> print(dot_quote('say "hi" \\\\ bye'))
    "say \\"hi\\" \\\\ bye"
    """
    if isinstance(text, bool):
        text = "true" if text else "false"
    value = str(text).replace("\\", "\\\\").replace('"', '\\"')
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{value}"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{dot_quote(k)}={dot_quote(v)}" for k, v in attrs.items())


def _by_cycle(vg: ValueGraph) -> Iterator[tuple[str | None, list[str]]]:
    groups: dict[str | None, list[str]] = defaultdict(list)
    for n, attrs in vg.graph.nodes(data=True):
        groups[attrs.get("cycle")].append(n)
    for key in vg.framework.cycle_keys:
        if key in groups:
            yield key, groups.pop(key)
    for key in sorted(k for k in groups if k is not None):
        yield key, groups.pop(key)
    if None in groups:
        yield None, groups[None]


def dot(vg: ValueGraph) -> str:
    """Graphviz DOT: one cluster per cycle in the framework's order; stories outside."""
    g = vg.graph
    lines = [
        f"digraph {dot_quote('value creation: ' + vg.case.community.name)} {{",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
    ]
    names = {c.key: c.name for c in vg.framework.cycles}
    for n_cluster, (cycle, nodes) in enumerate(_by_cycle(vg)):
        indent = "  "
        if cycle is not None:
            lines.append(f"  subgraph cluster_{n_cluster} {{")
            lines.append(f"    label={dot_quote(names.get(cycle, cycle))};")
            indent = "    "
        for n in nodes:
            attrs = dict(g.nodes[n])
            attrs["shape"] = _SHAPES.get(str(attrs.get("kind")), "box")
            lines.append(f"{indent}{dot_quote(n)} [{_dot_attrs(attrs)}];")
        if cycle is not None:
            lines.append("  }")
    for u, v, key, attrs in g.edges(keys=True, data=True):
        shown = dict(attrs)
        shown["label"] = key
        shown["key"] = key
        if key == "flows":
            shown["penwidth"] = 1 + int(attrs.get("story_count", 0))
            if not attrs.get("declared"):
                shown["style"] = "dashed"
        lines.append(f"  {dot_quote(u)} -> {dot_quote(v)} [{_dot_attrs(shown)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid --------------------------------------------------------------------

_MERMAID_ENTITIES: Final = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}

_MERMAID_SHAPES: Final = {
    "aspiration": ("([", "])"),
    "condition": ("{{", "}}"),
    "indicator": ("[", "]"),
    "data": ("[(", ")]"),
    "story": (">", "]"),
    "step": ("(", ")"),
}


def mermaid_text(text: object) -> str:
    """Text made safe inside a quoted Mermaid label (entity codes for special characters).

    >>> mermaid_text('A "quoted" #1 <b>')
    'A #quot;quoted#quot; #35;1 #lt;b#gt;'
    """
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in str(text))


def mermaid(vg: ValueGraph) -> str:
    """A Mermaid flowchart: a subgraph per cycle; node ids ``n0``, ``n1``... in node order."""
    g = vg.graph
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}
    names = {c.key: c.name for c in vg.framework.cycles}
    lines = ["flowchart LR"]
    for n_group, (cycle, nodes) in enumerate(_by_cycle(vg)):
        indent = "  "
        if cycle is not None:
            lines.append(f'  subgraph c{n_group} ["{mermaid_text(names.get(cycle, cycle))}"]')
            indent = "    "
        for n in nodes:
            attrs = g.nodes[n]
            left, right = _MERMAID_SHAPES.get(str(attrs.get("kind")), ("[", "]"))
            lines.append(f'{indent}{ids[n]}{left}"{mermaid_text(attrs.get("label", n))}"{right}')
        if cycle is not None:
            lines.append("  end")
    for u, v, key, attrs in g.edges(keys=True, data=True):
        arrow = "-->"
        if key == "flows":
            arrow = "==>" if attrs.get("story_count") else "-.->"
            count = attrs.get("story_count", 0)
            label = f"flows ({count} {'story' if count == 1 else 'stories'})"
        else:
            label = key
        lines.append(f'  {ids[u]} {arrow}|"{mermaid_text(label)}"| {ids[v]}')
    return "\n".join(lines) + "\n"
