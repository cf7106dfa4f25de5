"""Build the value-creation graph of a case: nodes for elements, edges for relations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, cast

import networkx as nx

from valuecycles.framework import Framework
from valuecycles.model import Case

__all__ = ["RELATIONS", "FlowInfo", "build_parts", "flow_parts", "node_id"]

#: The edge keys, one per relation.
RELATIONS: Final = (
    "supports",
    "threatens",
    "signals",
    "feeds",
    "tells",
    "follows",
    "cites",
    "flows",
)

#: The node kinds, as in the node ids' prefixes.
KINDS: Final = ("aspiration", "condition", "indicator", "data", "story", "step")

# One shared attribute mapping per relation: networkx copies it into each edge.
_REL: Final = {rel: {"relation": rel} for rel in RELATIONS}

FlowInfo = tuple[bool, tuple[str, ...]]
"""A flow's ``(declared, story ids)``."""


def node_id(kind: str, ident: str) -> str:
    """The graph's node id for an element: ``kind:ident``.

    >>> node_id("indicator", "response-time")
    'indicator:response-time'
    """
    return f"{kind}:{ident}"


def _with_extra(attrs: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        attrs[f"extra.{key}"] = value
    return attrs


def _set_if(attrs: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        attrs[key] = value


def flow_parts(
    case: Case, framework: Framework
) -> tuple[dict[tuple[str, str], FlowInfo], dict[str, str], dict[tuple[str, str], dict[str, Any]]]:
    """The flows of a case (declared flag and stories), indicators' cycles, declared attributes.

    What the chain and upstream queries need, without the graph: a flow
    joins indicator A to B where one is declared, or where a step of a
    story cites A and the next step that cites any indicator cites B.
    """
    resolve = framework.resolve
    indicator_cycle: dict[str, str] = {}
    for key, plan in case.cycles.items():
        cycle = resolve(key) or key
        for ind in plan.indicators:
            indicator_cycle.setdefault(ind.id, cycle)
    implied: dict[tuple[str, str], list[str]] = {}
    for story in case.stories:
        sid = story.id
        prev_cited: tuple[str, ...] = ()
        for step in story.steps:
            cited = tuple(ref for ref in step.indicators if ref in indicator_cycle)
            for a in prev_cited if cited else ():
                for b in cited:
                    if a != b:
                        backers = implied.setdefault((a, b), [])
                        if not backers or backers[-1] != sid:
                            backers.append(sid)
            if cited:  # a step that cites nothing is passed over, not a break
                prev_cited = cited
    flows: dict[tuple[str, str], FlowInfo] = {}
    declared: dict[tuple[str, str], dict[str, Any]] = {}
    for flow in case.flows:
        pair = (flow.from_, flow.to)
        if (
            flow.from_ != flow.to
            and flow.from_ in indicator_cycle
            and flow.to in indicator_cycle
            and pair not in declared
        ):
            attrs: dict[str, Any] = {}
            _set_if(attrs, "rationale", flow.rationale)
            declared[pair] = _with_extra(attrs, flow.extra)
    for pair in declared:
        flows[pair] = (True, tuple(implied.get(pair, ())))
    for pair, backers in implied.items():
        if pair not in flows:
            flows[pair] = (False, tuple(backers))
    return flows, indicator_cycle, declared


def build_parts(
    case: Case,
    framework: Framework,
    flows: dict[tuple[str, str], FlowInfo],
    declared: dict[tuple[str, str], dict[str, Any]],
) -> nx.MultiDiGraph[str]:
    """The networkx graph of a case, given its flows (from :func:`flow_parts`).

    Nodes and edges are prepared as tuples and added in two calls. A
    reference that does not resolve to an element of the right kind is left
    out (``validate`` reports it), so the graph never holds a node without
    its attributes.
    """
    resolve = framework.resolve
    nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    aspirations: set[str] = set()
    indicator_cycle: dict[str, str] = {}

    plans = [(resolve(key) or key, plan) for key, plan in case.cycles.items()]
    for cycle, plan in plans:
        for asp in plan.aspirations:
            aspirations.add(asp.id)
            nodes.append(
                (
                    f"aspiration:{asp.id}",
                    _with_extra(
                        {"kind": "aspiration", "label": asp.text, "cycle": cycle}, asp.extra
                    ),
                )
            )
        for ind in plan.indicators:
            indicator_cycle.setdefault(ind.id, cycle)
            attrs: dict[str, Any] = {
                "kind": "indicator",
                "label": ind.name,
                "cycle": cycle,
                "indicator_kind": ind.kind,
                "direction": ind.direction,
                "aggregation": ind.aggregation,
            }
            _set_if(attrs, "unit", ind.unit)
            nodes.append((f"indicator:{ind.id}", _with_extra(attrs, ind.extra)))

    for cycle, plan in plans:
        for c in plan.conditions:
            attrs = {"kind": "condition", "label": c.text, "cycle": cycle, "condition_kind": c.kind}
            _set_if(attrs, "mitigation", c.mitigation)
            nodes.append((f"condition:{c.id}", _with_extra(attrs, c.extra)))
            rel = "threatens" if c.kind == "risk" else "supports"
            edges.extend(
                (f"condition:{c.id}", f"aspiration:{ref}", rel, _REL[rel])
                for ref in c.supports
                if ref in aspirations
            )
        for ind in plan.indicators:
            edges.extend(
                (f"indicator:{ind.id}", f"aspiration:{ref}", "signals", _REL["signals"])
                for ref in ind.signals
                if ref in aspirations
            )
        for d in plan.data:
            attrs = {"kind": "data", "label": d.name, "cycle": cycle}
            _set_if(attrs, "method", d.method)
            _set_if(attrs, "cadence", d.cadence)
            _set_if(attrs, "owner", d.owner)
            nodes.append((f"data:{d.id}", _with_extra(attrs, d.extra)))
            edges.extend(
                (f"data:{d.id}", f"indicator:{ref}", "feeds", _REL["feeds"])
                for ref in d.indicators
                if ref in indicator_cycle
            )

    # Stories: the story node, its steps, tells/follows/cites.
    tells, follows, cites = _REL["tells"], _REL["follows"], _REL["cites"]
    for story in case.stories:
        sid = story.id
        snode = f"story:{sid}"
        attrs = {
            "kind": "story",
            "label": story.title,
            "verification": story.verification.status,
            "consent": story.consent,
        }
        if story.extra:
            _with_extra(attrs, story.extra)
        nodes.append((snode, attrs))
        prev_node: str | None = None
        for n, step in enumerate(story.steps):
            step_node = f"step:{sid}/{n}"
            cycle = resolve(step.cycle) or step.cycle
            attrs = {
                "kind": "step",
                "label": step.text,
                "cycle": cycle,
                "story": sid,
                "index": n,
                "aspirational": step.aspirational,
            }
            if step.extra:
                _with_extra(attrs, step.extra)
            nodes.append((step_node, attrs))
            edges.append((snode, step_node, "tells", tells))
            if prev_node is not None:
                edges.append((prev_node, step_node, "follows", follows))
            cited = tuple(ref for ref in step.indicators if ref in indicator_cycle)
            for ref in cited:
                edges.append((step_node, f"indicator:{ref}", "cites", cites))
            prev_node = step_node

    for (a, b), (is_declared, told) in flows.items():
        attrs = {
            "relation": "flows",
            "declared": is_declared,
            "story_count": len(told),
            "story_ids": ",".join(told),
        }
        if is_declared:
            attrs.update(declared[(a, b)])
        edges.append((f"indicator:{a}", f"indicator:{b}", "flows", attrs))

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(cast(Any, edges))  # the stubs miss (u, v, key, data) tuples
    return graph
