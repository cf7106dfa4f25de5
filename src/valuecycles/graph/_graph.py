"""The value-creation graph of a case and the questions it answers."""

from __future__ import annotations

import datetime as _dt
import os
from collections import Counter
from collections.abc import Callable
from typing import IO, Any

import attrs
import networkx as nx

from valuecycles._gc import gc_paused
from valuecycles.errors import UnknownElementError
from valuecycles.evidence import story_summaries
from valuecycles.framework import Framework
from valuecycles.graph._build import FlowInfo, build_parts, flow_parts
from valuecycles.graph._chains import find_chains
from valuecycles.graph._gaps import find_gaps
from valuecycles.graph._results import (
    ChainLink,
    Chains,
    Coverage,
    CoverageCell,
    Gaps,
    StoryList,
    Upstream,
    UpstreamIndicator,
)
from valuecycles.model import ROUND_FIELDS, Case

__all__ = ["ValueGraph", "build_graph"]


@attrs.frozen(eq=False, repr=False)
class ValueGraph:
    """The value-creation graph of a case, built by :func:`build_graph`.

    ``graph`` is a frozen :class:`networkx.MultiDiGraph`: nodes
    ``aspiration:ID``, ``condition:ID``, ``indicator:ID``, ``data:ID``,
    ``story:ID`` and ``step:STORY-ID/N`` (N the step's index in its story,
    from 0), each with the scalar attributes ``kind``, ``label`` and (all
    but stories) ``cycle`` (the canonical key), plus ``extra.KEY`` for the
    element's ``extra``. Some kinds carry more: an indicator
    ``indicator_kind`` (``quantitative`` or ``qualitative``),
    ``direction``, ``aggregation`` and ``unit`` (when it has one); a
    condition ``condition_kind`` (``enabler`` or ``risk``) and
    ``mitigation``; a data source ``method``, ``cadence`` and ``owner``
    (each when set); a story ``verification`` and ``consent``; a step
    ``story`` (its story's id), ``index`` (its place in the story, from 0)
    and ``aspirational``. Edges are keyed by relation:
    ``supports``/``threatens`` (condition to aspiration), ``signals``
    (indicator to aspiration), ``feeds`` (data to indicator), ``tells``
    (story to step), ``follows`` (step to next step), ``cites`` (step to
    indicator) and ``flows`` (indicator to indicator, with ``declared``,
    ``story_count`` and ``story_ids``). Every edge also carries its
    ``relation`` as an attribute, for tools that drop edge keys.
    ``as_of`` is the date the graph was built as of (``None``: no limit).

    >>> import valuecycles as vc
    >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
    >>> vg.graph.nodes["indicator:response-time"]["cycle"]
    'immediate'
    >>> sorted(k for _, _, k in vg.graph.out_edges("indicator:response-time", keys=True))
    ['flows', 'signals']
    """

    _make_graph: Callable[[], nx.MultiDiGraph[str]] = attrs.field(repr=False)
    case: Case
    framework: Framework
    _flows: dict[tuple[str, str], FlowInfo] = attrs.field(repr=False)
    _indicator_cycle: dict[str, str] = attrs.field(repr=False)
    _succ: dict[str, list[str]] = attrs.field(repr=False)
    _pred: dict[str, list[str]] = attrs.field(repr=False)
    as_of: _dt.date | None = attrs.field(default=None, kw_only=True)
    _dated: dict[_dt.date, ValueGraph] = attrs.field(factory=dict, init=False, repr=False)
    # What is made on first use: the networkx graph, the stories' statuses.
    _made: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The frozen networkx graph (made on first use: chains and upstream do without it)."""
        made = self._made.get("graph")
        if made is None:
            with gc_paused():  # tens of thousands of nodes and edges, no garbage cycles
                made = self._made["graph"] = self._make_graph()
        return made

    def __repr__(self) -> str:
        return (
            f"<ValueGraph of {self.case.community.name!r}: "
            f"{self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges>"
        )

    # --- internals shared by the queries -----------------------------------

    def _at(self, as_of: _dt.date | None) -> ValueGraph:
        """This graph as of a date (itself without one): built once per date, then kept."""
        if as_of is None or as_of == self.as_of:
            return self
        found = self._dated.get(as_of)
        if found is None:
            found = self._dated[as_of] = build_graph(self.case, self.framework, as_of=as_of)
        return found

    def _flow_adjacency(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Successors (framework's cycle order, then id) and predecessors by flows."""
        return self._succ, self._pred

    def _status(self, story_id: str) -> str:
        statuses = self._made.get("statuses")
        if statuses is None:
            statuses = self._made["statuses"] = {
                s.id: s.verification.status for s in self.case.stories
            }
        return str(statuses[story_id])

    def _link(self, a: str, b: str, cache: dict[tuple[str, str], ChainLink]) -> ChainLink:
        link = cache.get((a, b))
        if link is None:
            declared, stories = self._flows[(a, b)]
            substantiated = sum(1 for s in stories if self._status(s) == "substantiated")
            link = cache[(a, b)] = ChainLink(a, b, declared, stories, substantiated)
        return link

    # --- the questions ------------------------------------------------------

    def gaps(self, as_of: _dt.date | None = None) -> Gaps:
        """Every hole in the case, each with a stable ``kind``, the ``id`` and its ``cycle``.

        The kinds (:data:`valuecycles.graph.GAP_KINDS`): ``cycle-without-aspirations``
        (for each cycle of the framework, its key as the id),
        ``aspiration-without-indicator``, ``condition-without-aspiration``,
        ``indicator-without-aspiration``, ``indicator-without-data``,
        ``indicator-without-observations`` (none dated on or before
        ``as_of``), ``indicator-without-baseline`` and
        ``indicator-without-target`` (for an indicator whose values are
        numbers: not a qualitative one aggregated by ``latest`` or ``mean``),
        ``data-without-indicator``, ``data-overdue`` and
        ``story-without-evidence`` (no step cites an indicator or an
        observation; a story dated after ``as_of`` is left out).

        **When data is overdue.** A data source whose ``cadence`` is
        ``daily``, ``weekly``, ``monthly``, ``quarterly`` or ``yearly`` (any
        other cadence is not judged) owes an observation one period after
        its last one dated on or before ``as_of`` (the date the graph was
        built as of, else today). Its
        observations are those naming it as ``source``, and those naming no
        source of an indicator it feeds. With none yet, the first is owed one
        period after the earliest baseline date of the indicators it feeds
        (with no baseline date either, there is nothing to count from and the
        source is not judged). It is overdue from the day after that date.

        >>> import datetime, valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> gaps = vg.gaps(as_of=datetime.date(2026, 9, 1))
        >>> [g.id for g in gaps.of_kind("data-overdue")]
        ['forum-log', 'audit-survey']
        >>> print(gaps.of_kind("data-overdue")[0].due)
        2026-04-01
        """
        return find_gaps(self, as_of)

    def coverage(self) -> Coverage:
        """How many elements each round of each cycle has, in the framework's order.

        Every cycle of the framework and every round is listed, so a count of
        0 shows which parts of the guide are still blank.

        >>> import valuecycles as vc
        >>> cov = vc.build_graph(vc.load("examples/small-network.yaml")).coverage()
        >>> cov.count("immediate", "indicators"), cov.count("realized", "aspirations")
        (1, 0)
        >>> len(cov)
        28
        """
        counts: Counter[tuple[str, str]] = Counter()
        for key, plan in self.case.cycles.items():
            cycle = self.framework.resolve(key) or key
            for round_key in ROUND_FIELDS:
                counts[cycle, round_key] += len(getattr(plan, round_key))
        return Coverage(
            CoverageCell(c.key, r.key, counts[c.key, r.key])
            for c in self.framework.cycles
            for r in self.framework.rounds
        )

    def chains(
        self,
        from_cycle: str,
        to_cycle: str,
        *,
        cutoff: int | None = None,
        limit: int = 1000,
        as_of: _dt.date | None = None,
    ) -> Chains:
        """Value chains: paths of ``flows`` links from an indicator of one cycle to one of another.

        A chain visits no indicator twice and has at least one link (and at
        most ``cutoff``). Each link says whether it was declared, which
        stories stand behind it and how many of those are substantiated; a
        chain's ``weakest`` is its smallest story count.

        The walk is deterministic (start indicators by id; next indicators by
        the framework's cycle order, then id) and never enters an indicator
        from which no target can be reached within the cutoff (where flows
        loop, by a path that avoids the indicators already on the chain), so
        its work is bounded by the chains it finds, even where millions
        exist or loops lead nowhere new. It stops after ``limit`` chains:
        those are returned ordered by ``weakest`` and total support, both
        descending, then by ids, and ``truncated`` says whether more exist.
        Cycle keys may be aliases; an unknown one raises
        :class:`valuecycles.UnknownKeyError`. ``as_of``: the chains as of
        that date, the flows told by stories dated after it left out.

        >>> import valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> found = vg.chains("immediate", "applied")
        >>> found.chains[0].indicators, found.truncated
        (('response-time', 'checklist-adoption'), False)
        """
        return find_chains(self._at(as_of), from_cycle, to_cycle, cutoff=cutoff, limit=limit)

    def stories(
        self,
        reaching: str | None = None,
        citing: str | None = None,
        *,
        as_of: _dt.date | None = None,
    ) -> StoryList:
        """The case's stories, with the cycles each touches and its reach.

        A story's ``cycles`` are the cycles of its steps, in order, each once;
        its ``reach`` is the furthest value-chain cycle it has a step in, or
        ``None``. ``reaching``: only the stories whose reach is that
        value-chain cycle or further (for a cross-cutting cycle, the stories
        with a step in it). ``citing``: only the stories with a step that
        cites that indicator or observation. ``as_of``: the stories dated
        after it are left out.

        >>> import valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> [(s.id, s.reach) for s in vg.stories(reaching="applied")]
        [('checklist-story', 'realized')]
        >>> vg.stories(citing="rt-2026-02").to_dict()["stories"][0]["cycles"]
        ['immediate', 'potential', 'applied', 'realized']
        """
        return story_summaries(
            self.case, reaching=reaching, citing=citing, framework=self.framework, as_of=as_of
        )

    def upstream(self, indicator_id: str, *, as_of: _dt.date | None = None) -> Upstream:
        """What supports an indicator: every indicator from which ``flows`` lead to it.

        For each, nearest first (then by cycle and id): how many ``flows``
        links away it is, the stories citing it, and its observations by
        kind of evidence (``effect``, ``contribution``); and every link among
        them, declared or told by stories, with its support. Raises
        :class:`KeyError` for an id that is not an indicator of the case.
        ``as_of``: the evidence as of that date, the observations and stories
        dated after it left out.

        >>> import valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> up = vg.upstream("checklist-adoption")
        >>> [(u.indicator, u.distance, u.effect) for u in up.upstream]
        [('response-time', 1, 2)]
        """
        if as_of is not None and as_of != self.as_of:
            return self._at(as_of).upstream(indicator_id)
        if indicator_id not in self._indicator_cycle:
            raise UnknownElementError("indicator", indicator_id, self._indicator_cycle)
        distance = {indicator_id: 0}
        order = [indicator_id]
        for node in order:
            for before in self._pred.get(node, ()):
                if before not in distance:
                    distance[before] = distance[node] + 1
                    order.append(before)

        effect: Counter[str] = Counter()
        contribution: Counter[str] = Counter()
        for obs in self.case.observations:
            if obs.indicator in distance:
                (effect if obs.evidence == "effect" else contribution)[obs.indicator] += 1
        pred = self.graph.pred

        def evidence(ind: str) -> UpstreamIndicator:
            stories: dict[str, None] = {}
            for step, keys in pred[f"indicator:{ind}"].items():
                if "cites" in keys:
                    stories.setdefault(str(self.graph.nodes[step]["story"]), None)
            return UpstreamIndicator(
                ind,
                self._indicator_cycle.get(ind),
                distance[ind],
                stories,
                effect[ind],
                contribution[ind],
            )

        position = {key: i for i, key in enumerate(self.framework.cycle_keys)}
        ranked = sorted(
            order[1:],
            key=lambda i: (distance[i], position.get(self._indicator_cycle[i], len(position)), i),
        )
        rank = {ind: n for n, ind in enumerate([indicator_id, *ranked])}
        cache: dict[tuple[str, str], ChainLink] = {}
        links = [
            self._link(a, b, cache) for a in ranked for b in self._succ.get(a, ()) if b in distance
        ]
        links.sort(key=lambda link: (rank[link.from_], rank[link.to]))
        return Upstream(evidence(indicator_id), [evidence(i) for i in ranked], links)

    def view(
        self,
        cycle: str | None = None,
        story: str | None = None,
        *,
        as_of: _dt.date | None = None,
    ) -> nx.MultiDiGraph[str]:
        """A read-only view of part of the graph (no copy is made).

        ``cycle``: the nodes of that cycle (aliases allowed), with the
        stories that have a step in it. ``story``: that story, its steps and
        the indicators they cite. Both: the nodes in both. The view has every
        edge of the graph between the nodes it keeps. ``as_of``: a view of
        the graph as of that date, the stories dated after it (and the flows
        they tell) left out.

        >>> import valuecycles as vc
        >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
        >>> sorted(vg.view(story="checklist-story").nodes)[:3]
        ['indicator:checklist-adoption', 'indicator:response-time', 'step:checklist-story/0']
        """
        if as_of is not None and as_of != self.as_of:
            return self._at(as_of).view(cycle, story)
        keep: set[str] | None = None
        if story is not None:
            snode = f"story:{story}"
            if snode not in self.graph:
                known = [s.id for s in self.case.stories]
                raise UnknownElementError("story", story, known)
            keep = {snode}
            for step in self.graph.successors(snode):
                keep.add(step)
                keep.update(ind for ind, keys in self.graph.succ[step].items() if "cites" in keys)
        if cycle is not None:
            key = self.framework.cycle(cycle).key
            nodes = self.graph.nodes
            in_cycle = {n for n, attrs in nodes(data=True) if attrs.get("cycle") == key}
            in_cycle.update(
                [f"story:{nodes[n]['story']}" for n in in_cycle if nodes[n]["kind"] == "step"]
            )
            keep = in_cycle if keep is None else keep & in_cycle
        view: nx.MultiDiGraph[str]
        if keep is None:
            view = nx.subgraph_view(self.graph)
        else:
            view = nx.subgraph_view(self.graph, filter_node=frozenset(keep).__contains__)
        return view

    # --- exports --------------------------------------------------------------

    def to_node_link(self) -> dict[str, Any]:
        """The graph in networkx's node-link form (``edges="edges"``), ready for JSON."""
        from valuecycles.graph._export import node_link

        return node_link(self)

    def to_kumu(self) -> dict[str, Any]:
        """A Kumu JSON blueprint: ``elements`` and ``connections``, joined by unique labels."""
        from valuecycles.graph._export import kumu

        return kumu(self)

    def to_dot(self) -> str:
        """Graphviz DOT text: a cluster per cycle, in the framework's order."""
        from valuecycles.graph._export import dot

        return dot(self)

    def to_mermaid(self) -> str:
        """Mermaid flowchart text: a subgraph per cycle, in the framework's order."""
        from valuecycles.graph._export import mermaid

        return mermaid(self)

    def write_graphml(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """Write GraphML that networkx and igraph read back (scalar attributes only).

        A path is written atomically; a binary file object is written to.
        """
        from valuecycles.graph._export import write_graphml

        write_graphml(self, target)

    def draw(self, target: str | os.PathLike[str] | IO[bytes], format: str | None = None) -> None:
        """Draw the indicators and the flows between them to SVG or PNG (needs matplotlib).

        Cycles are columns in the framework's order, indicators the nodes,
        and each flow an arrow as thick as its story support (thin and grey:
        declared but told by no story). ``format`` is ``"svg"`` or ``"png"``; by
        default the path's suffix, else SVG. The output is byte-stable for
        the same case. Raises :class:`ImportError` naming the ``plots`` extra
        when matplotlib is missing.
        """
        from valuecycles.graph._draw import draw

        draw(self, target, format)


def build_graph(
    case: Case, framework: Framework | None = None, *, as_of: _dt.date | None = None
) -> ValueGraph:
    """Build the value-creation graph of a case (see :class:`ValueGraph`).

    ``framework`` defaults to the registered framework the case names. A
    flow joins indicator A to B where one is declared, or where a step of a
    story cites A and the next step of the story that cites any indicator
    cites B (A and B different; steps that cite nothing are passed over).
    ``as_of`` builds the graph as of a date: the observations and stories
    dated after it are left out (no limit by default), and ``vg.case`` is
    the case as it stood then, so the graph knows nothing later. The case should be
    valid: a reference that does not resolve is left out of the graph.

    >>> import valuecycles as vc
    >>> vg = vc.build_graph(vc.load("examples/small-network.yaml"))
    >>> vg
    <ValueGraph of 'Evaluation practitioners network': 12 nodes, 15 edges>
    >>> flow = vg.graph.edges["indicator:response-time", "indicator:checklist-adoption", "flows"]
    >>> flow["declared"], flow["story_count"], flow["rationale"]
    (True, 1, 'Fast answers point members to the checklist')
    """
    if framework is None:
        from valuecycles.framework import case_framework

        framework = case_framework(case.framework, case.framework_version)
    case = case.until(as_of)
    with gc_paused():
        flows, indicator_cycle, declared = flow_parts(case, framework)
    fw = framework

    def make() -> nx.MultiDiGraph[str]:
        graph = build_parts(case, fw, flows, declared)
        nx.freeze(graph)
        return graph

    position = {key: i for i, key in enumerate(framework.cycle_keys)}
    last = len(position)

    def order(ind: str) -> tuple[int, str]:
        return (position.get(indicator_cycle[ind], last), ind)

    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for a, b in flows:
        succ.setdefault(a, []).append(b)
        pred.setdefault(b, []).append(a)
    for targets in succ.values():
        targets.sort(key=order)
    for sources in pred.values():
        sources.sort(key=order)
    return ValueGraph(make, case, framework, flows, indicator_cycle, succ, pred, as_of=as_of)
