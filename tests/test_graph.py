"""The value-creation graph: nodes, edges, gaps, coverage, chains, upstream, views."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from graph_cases import CYCLES, FRAMEWORK, cases, dense_case
from valuecycles.graph import GAP_KINDS

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "small-network.yaml"


@pytest.fixture(scope="module")
def example() -> vc.ValueGraph:
    return vc.build_graph(vc.load(EXAMPLE))


# --- an independent reading of the case, to check the graph against ------------


def expected_nodes(case: vc.Case) -> dict[str, tuple[str, str | None]]:
    nodes: dict[str, tuple[str, str | None]] = {}
    for cycle, round_key, _, element in case.elements():
        kind = {"aspirations": "aspiration", "conditions": "condition"}.get(
            round_key, {"indicators": "indicator", "data": "data"}.get(round_key, "")
        )
        nodes[f"{kind}:{element.id}"] = (kind, cycle)
    for story in case.stories:
        nodes[f"story:{story.id}"] = ("story", None)
        for n, step in enumerate(story.steps):
            nodes[f"step:{story.id}/{n}"] = ("step", step.cycle)
    return nodes


def expected_flows(case: vc.Case) -> dict[tuple[str, str], tuple[bool, list[str]]]:
    flows: dict[tuple[str, str], tuple[bool, list[str]]] = {
        (f.from_, f.to): (True, []) for f in case.flows
    }
    for story in case.stories:
        # Steps that cite nothing are passed over: each citing step to the next one.
        citing = [step for step in story.steps if step.indicators]
        for prev, step in pairwise(citing):
            for a in prev.indicators:
                for b in step.indicators:
                    if a == b:
                        continue
                    declared, stories = flows.get((a, b), (False, []))
                    if story.id not in stories:
                        stories.append(story.id)
                    flows[a, b] = (declared, stories)
    return flows


def expected_edges(case: vc.Case) -> set[tuple[str, str, str]]:
    edges: set[tuple[str, str, str]] = set()
    for _, c in case.conditions():
        for ref in c.supports:
            rel = "threatens" if c.kind == "risk" else "supports"
            edges.add((f"condition:{c.id}", f"aspiration:{ref}", rel))
    for _, ind in case.indicators():
        edges.update((f"indicator:{ind.id}", f"aspiration:{ref}", "signals") for ref in ind.signals)
    for _, d in case.data_sources():
        edges.update((f"data:{d.id}", f"indicator:{ref}", "feeds") for ref in d.indicators)
    for story in case.stories:
        for n, step in enumerate(story.steps):
            node = f"step:{story.id}/{n}"
            edges.add((f"story:{story.id}", node, "tells"))
            if n:
                edges.add((f"step:{story.id}/{n - 1}", node, "follows"))
            edges.update((node, f"indicator:{ref}", "cites") for ref in step.indicators)
    edges.update((f"indicator:{a}", f"indicator:{b}", "flows") for a, b in expected_flows(case))
    return edges


def _plus_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


PERIODS = {
    "daily": (0, 1),
    "weekly": (0, 7),
    "monthly": (1, 0),
    "quarterly": (3, 0),
    "yearly": (12, 0),
}


def expected_gaps(case: vc.Case, as_of: dt.date) -> set[tuple[str, str, str | None]]:
    gaps: set[tuple[str, str, str | None]] = set()
    planned = {key for key, plan in case.cycles.items() if plan.aspirations}
    gaps.update(("cycle-without-aspirations", c, c) for c in CYCLES if c not in planned)
    signalled = {ref for _, ind in case.indicators() for ref in ind.signals}
    fed = {ref for _, d in case.data_sources() for ref in d.indicators}
    observed = {o.indicator for o in case.observations if o.date <= as_of}
    for cycle, a in case.aspirations():
        if a.id not in signalled:
            gaps.add(("aspiration-without-indicator", a.id, cycle))
    for cycle, c in case.conditions():
        if not c.supports:
            gaps.add(("condition-without-aspiration", c.id, cycle))
    for cycle, ind in case.indicators():
        if not ind.signals:
            gaps.add(("indicator-without-aspiration", ind.id, cycle))
        if ind.id not in fed:
            gaps.add(("indicator-without-data", ind.id, cycle))
        if ind.id not in observed:
            gaps.add(("indicator-without-observations", ind.id, cycle))
        if ind.kind == "quantitative" or ind.aggregation in ("sum", "count"):
            if ind.baseline is None:
                gaps.add(("indicator-without-baseline", ind.id, cycle))
            if ind.target is None:
                gaps.add(("indicator-without-target", ind.id, cycle))
    baselines = {
        ind.id: ind.baseline.date
        for _, ind in case.indicators()
        if ind.baseline is not None and ind.baseline.date is not None
    }
    for cycle, d in case.data_sources():
        if not d.indicators:
            gaps.add(("data-without-indicator", d.id, cycle))
        period = PERIODS.get((d.cadence or "").strip().lower())
        if period is None:
            continue
        mine = [
            o.date
            for o in case.observations
            if o.date <= as_of
            and (o.source == d.id or (o.source is None and o.indicator in d.indicators))
        ]
        starts = [baselines[i] for i in d.indicators if i in baselines]
        if mine:
            base = max(mine)
        elif starts:
            base = min(starts)
        else:
            continue
        due = _plus_months(base, period[0]) + dt.timedelta(days=period[1])
        if as_of > due:
            gaps.add(("data-overdue", d.id, cycle))
    for story in case.stories:
        if story.date is not None and story.date > as_of:
            continue
        if all(not s.indicators and not s.observations for s in story.steps):
            gaps.add(("story-without-evidence", story.id, None))
    return gaps


def all_simple_paths(
    case: vc.Case, start_cycle: str, end_cycle: str, cutoff: int | None
) -> set[tuple[str, ...]]:
    succ: dict[str, set[str]] = {}
    for a, b in expected_flows(case):
        succ.setdefault(a, set()).add(b)
    cycle = {ind.id: c for c, ind in case.indicators()}
    found: set[tuple[str, ...]] = set()

    def walk(path: list[str]) -> Iterator[tuple[str, ...]]:
        if len(path) > 1 and cycle[path[-1]] == end_cycle:
            yield tuple(path)
        if cutoff is not None and len(path) - 1 >= cutoff:
            return
        for nxt in succ.get(path[-1], ()):
            if nxt not in path:
                yield from walk([*path, nxt])

    for ind, c in cycle.items():
        if c == start_cycle:
            found.update(walk([ind]))
    return found


# --- the graph ------------------------------------------------------------------


@given(cases())
def test_every_element_has_its_node_and_every_reference_its_edge(case: vc.Case) -> None:
    g = vc.build_graph(case).graph
    nodes = expected_nodes(case)
    assert set(g.nodes) == set(nodes)
    for node, (kind, cycle) in nodes.items():
        attrs = g.nodes[node]
        assert attrs["kind"] == kind
        assert isinstance(attrs["label"], str)
        assert attrs["label"]
        assert attrs.get("cycle") == cycle
        assert all(
            v is not None and isinstance(v, str | int | float | bool) for v in attrs.values()
        )
    assert set(g.edges(keys=True)) == expected_edges(case)
    for _, _, key, attrs in g.edges(keys=True, data=True):
        assert attrs["relation"] == key
        assert all(v is not None for v in attrs.values())


@given(cases())
def test_flows_carry_declared_flag_and_the_stories_behind_them(case: vc.Case) -> None:
    g = vc.build_graph(case).graph
    for (a, b), (declared, stories) in expected_flows(case).items():
        attrs = g.edges[f"indicator:{a}", f"indicator:{b}", "flows"]
        assert attrs["declared"] is declared
        assert attrs["story_count"] == len(stories)
        assert attrs["story_ids"] == ",".join(stories)


def test_the_graph_is_frozen(example: vc.ValueGraph) -> None:
    with pytest.raises(nx.NetworkXError):
        example.graph.add_node("indicator:new")


def test_extra_fields_become_scalar_attributes() -> None:
    case = vc.Case(
        community=vc.Community(name="C"),
        cycles={
            "immediate": vc.CyclePlan(
                indicators=[vc.Indicator(id="x", name="X", extra={"owner": "Ana", "weight": 2})]
            )
        },
    )
    attrs = vc.build_graph(case).graph.nodes["indicator:x"]
    assert attrs["extra.owner"] == "Ana"
    assert attrs["extra.weight"] == 2


def test_aliases_resolve_to_the_canonical_cycle() -> None:
    fw = vc.Framework(
        name="renamed",
        cycles=[
            vc.Cycle(key="immediate", name="Immediate"),
            vc.Cycle(key="reframing", name="Reframing", aliases=["transformative"]),
        ],
        rounds=FRAMEWORK.rounds,
    )
    case = vc.Case(
        framework="renamed",
        community=vc.Community(name="C"),
        cycles={"transformative": vc.CyclePlan(aspirations=[vc.Aspiration(id="a", text="A")])},
    )
    vg = vc.build_graph(case, fw)
    assert vg.graph.nodes["aspiration:a"]["cycle"] == "reframing"
    assert [c.cycle for c in vg.coverage() if c.count] == ["reframing"]
    assert not vg.gaps().of_kind("cycle-without-aspirations")[1:]


def test_a_dangling_reference_is_left_out_not_invented() -> None:
    case = vc.Case(
        community=vc.Community(name="C"),
        cycles={
            "immediate": vc.CyclePlan(indicators=[vc.Indicator(id="x", name="X", signals=["nope"])])
        },
    )
    g = vc.build_graph(case).graph
    assert list(g.nodes) == ["indicator:x"]
    assert g.number_of_edges() == 0


# --- gaps -----------------------------------------------------------------------


@given(cases(), st.integers(0, 900).map(lambda n: dt.date(2025, 1, 1) + dt.timedelta(days=n)))
def test_gaps_are_exactly_the_elements_lacking_the_relation(case: vc.Case, as_of: dt.date) -> None:
    gaps = vc.build_graph(case).gaps(as_of=as_of)
    assert {(g.kind, g.id, g.cycle) for g in gaps} == expected_gaps(case, as_of)
    assert len(gaps) == len({(g.kind, g.id) for g in gaps})
    order = [GAP_KINDS.index(g.kind) for g in gaps]
    assert order == sorted(order)
    assert gaps.as_of == as_of


def test_gaps_of_the_example(example: vc.ValueGraph) -> None:
    gaps = example.gaps(as_of=dt.date(2026, 3, 15))
    assert [(g.kind, g.id) for g in gaps] == [
        ("cycle-without-aspirations", "potential"),
        ("cycle-without-aspirations", "realized"),
        ("cycle-without-aspirations", "transformative"),
        ("cycle-without-aspirations", "strategic"),
        ("cycle-without-aspirations", "enabling"),
        # Its only observation is dated 2026-04-01, after the date asked about.
        ("indicator-without-observations", "checklist-adoption"),
    ]
    assert [(g.kind, g.id) for g in example.gaps(as_of=dt.date(2026, 4, 1))][-1] == (
        "cycle-without-aspirations",
        "enabling",
    )
    assert gaps.to_dict()["as_of"] == "2026-03-15"
    assert gaps.to_dict()["gaps"][0] == {
        "kind": "cycle-without-aspirations",
        "id": "potential",
        "cycle": "potential",
        "message": "the potential cycle has no aspirations yet",
        "due": None,
    }


@pytest.mark.parametrize(
    ("as_of", "overdue"),
    [
        ("2026-04-01", []),  # due on 1 April: not yet overdue on the day itself
        ("2026-04-02", ["forum-log"]),
        ("2026-07-02", ["forum-log", "audit-survey"]),
        ("2026-02-15", []),  # the March observation is not yet made: Feb 1 + 1 month
    ],
)
def test_data_overdue_by_cadence(example: vc.ValueGraph, as_of: str, overdue: list[str]) -> None:
    gaps = example.gaps(as_of=dt.date.fromisoformat(as_of))
    assert [g.id for g in gaps.of_kind("data-overdue")] == overdue


def test_data_without_observations_is_due_a_period_after_the_baseline() -> None:
    case = vc.Case(
        community=vc.Community(name="C"),
        cycles={
            "immediate": vc.CyclePlan(
                indicators=[
                    vc.Indicator(
                        id="x", name="X", baseline=vc.Measure(value=1, date=dt.date(2026, 1, 31))
                    )
                ],
                data=[vc.DataSource(id="log", name="Log", cadence="Weekly", indicators=["x"])],
            )
        },
    )
    vg = vc.build_graph(case)
    assert not vg.gaps(as_of=dt.date(2026, 2, 7)).of_kind("data-overdue")
    (gap,) = vg.gaps(as_of=dt.date(2026, 2, 8)).of_kind("data-overdue")
    assert gap.due == dt.date(2026, 2, 7)
    assert "weekly" in gap.message
    assert "2026-02-07" in gap.message


def test_gaps_default_to_today(example: vc.ValueGraph) -> None:
    assert example.gaps().as_of == dt.date.today()


def test_months_are_added_by_the_calendar() -> None:
    from valuecycles.graph import next_due

    assert next_due(dt.date(2024, 1, 31), "monthly") == dt.date(2024, 2, 29)
    assert next_due(dt.date(2025, 11, 30), "quarterly") == dt.date(2026, 2, 28)
    assert next_due(dt.date(2024, 2, 29), "yearly") == dt.date(2025, 2, 28)
    assert next_due(dt.date(2024, 12, 31), "daily") == dt.date(2025, 1, 1)
    assert next_due(dt.date(2024, 12, 31), "fortnightly") is None


# --- coverage -------------------------------------------------------------------


@given(cases())
def test_coverage_counts_every_cycle_and_round(case: vc.Case) -> None:
    cov = vc.build_graph(case).coverage()
    assert [(c.cycle, c.round) for c in cov] == [
        (c.key, r.key) for c in FRAMEWORK.cycles for r in FRAMEWORK.rounds
    ]
    for cell in cov:
        assert cell.count == len(getattr(case.plan(cell.cycle), cell.round))


def test_coverage_json_shape(example: vc.ValueGraph) -> None:
    data = example.coverage().to_dict()
    assert data["coverage"][0] == {"cycle": "immediate", "round": "aspirations", "count": 1}
    assert len(data["coverage"]) == 28
    assert ("potential", "data") in {(c.cycle, c.round) for c in example.coverage().blank()}


# --- chains ---------------------------------------------------------------------


@given(
    cases(),
    st.sampled_from(CYCLES),
    st.sampled_from(CYCLES),
    st.none() | st.integers(1, 4),
    st.integers(0, 12),
)
def test_chains_are_valid_paths_within_cutoff_and_limit(
    case: vc.Case, start: str, end: str, cutoff: int | None, limit: int
) -> None:
    vg = vc.build_graph(case)
    found = vg.chains(start, end, cutoff=cutoff, limit=limit)
    every = all_simple_paths(case, start, end, cutoff)
    flows = expected_flows(case)
    cycle = {ind.id: c for c, ind in case.indicators()}
    paths = [c.indicators for c in found]
    assert len(paths) == len(set(paths)) <= limit
    assert set(paths) <= every
    assert found.truncated == (len(every) > limit)
    if not found.truncated:
        assert set(paths) == every
    for chain in found:
        ids = chain.indicators
        assert cycle[ids[0]] == start
        assert cycle[ids[-1]] == end
        assert len(set(ids)) == len(ids) >= 2
        assert cutoff is None or len(chain.links) <= cutoff
        for link, (a, b) in zip(chain.links, pairwise(ids), strict=True):
            declared, stories = flows[a, b]
            assert (link.from_, link.to, link.declared) == (a, b, declared)
            assert list(link.stories) == stories
        assert chain.weakest == min(len(link.stories) for link in chain.links)
    keys = [(-c.weakest, -c.support, c.indicators) for c in found]
    assert keys == sorted(keys)


def test_chains_respect_the_deterministic_walk_when_truncated() -> None:
    vg = vc.build_graph(dense_case(per_cycle=3, cycles=3))
    first = vg.chains("immediate", "applied", limit=4)
    assert first.truncated
    # The walk takes starts and next indicators in sorted order, so the first
    # four chains are the first four in lexicographic order.
    every = sorted(vg.chains("immediate", "applied", limit=100).chains, key=lambda c: c.indicators)
    assert len(every) == 27
    assert sorted(c.indicators for c in first) == [c.indicators for c in every[:4]]


def test_a_dense_graph_answers_quickly_and_says_it_was_truncated() -> None:
    vg = vc.build_graph(dense_case())  # 20 ** 5 = 3.2 million chains
    began = time.perf_counter()
    found = vg.chains("immediate", "transformative", limit=1000)
    elapsed = time.perf_counter() - began
    assert found.truncated
    assert len(found) == 1000
    assert elapsed < 2.0
    assert vg.chains("immediate", "transformative", cutoff=3).chains == ()
    assert not vg.chains("immediate", "transformative", cutoff=3).truncated


def test_a_loop_that_leads_nowhere_new_does_not_hang_the_walk() -> None:
    # x flows to the target t and into a clique of 22 indicators that only
    # flow among themselves and back to x: once x is on the path, no path
    # through the clique reaches t, and there are 22! of them to try.
    clique = [f"k{i:02d}" for i in range(22)]
    flows = [vc.Flow(from_="x", to="t")] + [vc.Flow(from_="x", to=k) for k in clique]
    flows += [vc.Flow(from_=a, to=b) for a in clique for b in clique if a != b]
    flows += [vc.Flow(from_=k, to="x") for k in clique]
    case = vc.Case(
        community=vc.Community(name="Loops"),
        cycles={
            "immediate": vc.CyclePlan(indicators=[vc.Indicator(id="x", name="X")]),
            "potential": vc.CyclePlan(indicators=[vc.Indicator(id=k, name=k) for k in clique]),
            "applied": vc.CyclePlan(indicators=[vc.Indicator(id="t", name="T")]),
        },
        flows=flows,
    )
    began = time.perf_counter()
    found = vc.build_graph(case).chains("immediate", "applied")
    assert time.perf_counter() - began < 2.0
    assert [c.indicators for c in found] == [("x", "t")]
    assert not found.truncated


def test_chain_json_shape(example: vc.ValueGraph) -> None:
    # The story's step citing response-time is followed by one citing nothing,
    # then one citing checklist-adoption: the step between is passed over.
    assert example.chains("immediate", "applied").to_dict() == {
        "schema_version": 1,
        "from": "immediate",
        "to": "applied",
        "chains": [
            {
                "indicators": ["response-time", "checklist-adoption"],
                "links": [
                    {
                        "from": "response-time",
                        "to": "checklist-adoption",
                        "declared": True,
                        "stories": ["checklist-story"],
                        "substantiated": 1,
                    }
                ],
                "weakest": 1,
                "support": 1,
            }
        ],
        "truncated": False,
    }
    # As of a date before the story, only the declaration is left.
    early = example.chains("immediate", "applied", as_of=dt.date(2026, 1, 1)).to_dict()
    assert early["chains"][0]["links"][0]["stories"] == []
    assert early["chains"][0]["support"] == 0


def test_implied_flows_pass_over_steps_that_cite_nothing() -> None:
    inds = [vc.Indicator(id=i, name=i) for i in ("a", "b", "c")]
    steps = [
        vc.Step(cycle="immediate", text="1", indicators=["a"]),
        vc.Step(cycle="potential", text="2"),
        vc.Step(cycle="potential", text="3"),
        vc.Step(cycle="applied", text="4", indicators=["b"]),
        vc.Step(cycle="applied", text="5", indicators=["c"]),
    ]
    case = vc.Case(
        community=vc.Community(name="E"),
        cycles={"immediate": vc.CyclePlan(indicators=inds)},
        stories=[vc.Story(id="s", title="S", steps=steps)],
    )
    g = vc.build_graph(case).graph
    flows = sorted((a, b) for a, b, k in g.edges(keys=True) if k == "flows")
    assert flows == [("indicator:a", "indicator:b"), ("indicator:b", "indicator:c")]


def test_as_of_reaches_stories_upstream_and_the_graph() -> None:
    inds = [vc.Indicator(id=i, name=i) for i in ("a", "b")]
    steps = [
        vc.Step(cycle="immediate", text="1", indicators=["a"]),
        vc.Step(cycle="applied", text="2", indicators=["b"]),
    ]
    case = vc.Case(
        community=vc.Community(name="E"),
        cycles={"immediate": vc.CyclePlan(indicators=inds)},
        stories=[vc.Story(id="s", title="S", date=dt.date(2026, 5, 1), steps=steps)],
        observations=[
            vc.Observation(indicator="a", date=dt.date(2026, 2, 1), value=1),
            vc.Observation(indicator="a", date=dt.date(2026, 6, 1), value=2),
        ],
    )
    vg = vc.build_graph(case)
    before = dt.date(2026, 4, 1)
    assert len(vg.stories()) == 1
    assert len(vg.stories(as_of=before)) == 0
    assert vg.upstream("b").upstream[0].effect == 2
    with pytest.raises(vc.UnknownElementError):
        vg.upstream("nope", as_of=before)
    assert vg.upstream("b", as_of=before).upstream == ()
    # A view as of a date leaves out the later story and the flows it tells.
    assert "story:s" in vg.view(cycle="immediate")
    assert "story:s" not in vg.view(cycle="immediate", as_of=before)
    assert not any(k == "flows" for _, _, k in vg.view(as_of=before).edges(keys=True))
    old = vc.build_graph(case, as_of=before)
    assert old.as_of == before
    assert not any(k == "flows" for _, _, k in old.graph.edges(keys=True))
    assert [s.id for s in old.case.stories] == []
    assert len(old.case.observations) == 1
    # A graph built as of a date judges its gaps as of that date by default.
    assert old.gaps().as_of == before
    assert set(vg.view(as_of=dt.date(2026, 5, 1)).nodes) == set(vg.graph.nodes)
    with pytest.raises(vc.UnknownElementError):
        vg.view(story="s", as_of=before)


def test_chains_count_substantiated_stories() -> None:
    def story(ident: str, status: str) -> vc.Story:
        return vc.Story(
            id=ident,
            title=ident,
            verification=vc.Verification(status=status),  # type: ignore[arg-type]
            steps=[
                vc.Step(cycle="immediate", text="asked", indicators=["x"]),
                vc.Step(cycle="applied", text="used", indicators=["y"]),
            ],
        )

    case = vc.Case(
        community=vc.Community(name="C"),
        cycles={
            "immediate": vc.CyclePlan(indicators=[vc.Indicator(id="x", name="X")]),
            "applied": vc.CyclePlan(indicators=[vc.Indicator(id="y", name="Y")]),
        },
        stories=[
            story("s1", "substantiated"),
            story("s2", "unverified"),
            story("s3", "substantiated"),
        ],
    )
    (chain,) = vc.build_graph(case).chains("immediate", "applied")
    (link,) = chain.links
    assert (link.declared, link.stories, link.substantiated) == (False, ("s1", "s2", "s3"), 2)
    assert chain.weakest == 3


def test_chains_reject_unknown_cycles_and_bad_bounds(example: vc.ValueGraph) -> None:
    with pytest.raises(vc.UnknownKeyError, match="known: immediate"):
        example.chains("immediat", "applied")
    with pytest.raises(ValueError, match="cutoff"):
        example.chains("immediate", "applied", cutoff=0)
    with pytest.raises(ValueError, match="limit"):
        example.chains("immediate", "applied", limit=-1)


# --- upstream and views ---------------------------------------------------------


@given(cases())
def test_upstream_lists_exactly_the_ancestors_by_flows(case: vc.Case) -> None:
    vg = vc.build_graph(case)
    flows_only = nx.DiGraph(list(expected_flows(case)))
    for _, ind in case.indicators():
        up = vg.upstream(ind.id)
        ancestors = nx.ancestors(flows_only, ind.id) if ind.id in flows_only else set()
        assert {u.indicator for u in up.upstream} == ancestors
        for u in up.upstream:
            assert u.distance == nx.shortest_path_length(flows_only, u.indicator, ind.id)
        distances = [u.distance for u in up.upstream]
        assert distances == sorted(distances)
        obs = [o for o in case.observations if o.indicator == ind.id]
        assert up.target.effect == sum(o.evidence == "effect" for o in obs)
        assert up.target.contribution == sum(o.evidence == "contribution" for o in obs)
        citing = {s.id for s in case.stories if any(ind.id in st.indicators for st in s.steps)}
        assert set(up.target.stories) == citing
        assert all(link.to in ancestors | {ind.id} for link in up.links)
        assert all(link.from_ in ancestors for link in up.links)


def test_upstream_json_and_unknown_indicator(example: vc.ValueGraph) -> None:
    data = example.upstream("checklist-adoption").to_dict()
    assert data["indicator"] == "checklist-adoption"
    assert data["observations"] == {"effect": 1, "contribution": 0}
    assert data["upstream"][0]["indicator"] == "response-time"
    with pytest.raises(KeyError, match="did you mean 'response-time'"):
        example.upstream("response-tme")


def test_views_are_read_only_subgraphs(example: vc.ValueGraph) -> None:
    applied = example.view(cycle="applied")
    assert set(applied.nodes) == {
        "aspiration:checklist-in-use",
        "indicator:checklist-adoption",
        "data:audit-survey",
        "step:checklist-story/2",
        "story:checklist-story",
    }
    assert ("story:checklist-story", "step:checklist-story/2", "tells") in applied.edges(keys=True)
    with pytest.raises(nx.NetworkXError):
        applied.add_node("x")
    both = example.view(cycle="immediate", story="checklist-story")
    assert set(both.nodes) == {
        "story:checklist-story",
        "step:checklist-story/0",
        "indicator:response-time",
    }
    assert example.view().number_of_nodes() == example.graph.number_of_nodes()
    with pytest.raises(KeyError, match="unknown story"):
        example.view(story="nope")
    with pytest.raises(vc.UnknownKeyError):
        example.view(cycle="nope")


def test_indicators_without_baseline_or_target_are_gaps_when_they_have_numbers() -> None:
    inds = [
        vc.Indicator(id="both", name="n", baseline=vc.Measure(1), target=vc.Measure(2)),
        vc.Indicator(id="no-target", name="n", baseline=vc.Measure(1)),
        vc.Indicator(id="neither", name="n"),
        vc.Indicator(id="quotes", name="n", kind="qualitative"),
        vc.Indicator(id="changes", name="n", kind="qualitative", aggregation="count"),
    ]
    case = vc.Case(
        community=vc.Community(name="E"), cycles={"applied": vc.CyclePlan(indicators=inds)}
    )
    gaps = vc.build_graph(case).gaps(as_of=dt.date(2026, 1, 1))
    assert [g.id for g in gaps.of_kind("indicator-without-baseline")] == ["changes", "neither"]
    assert [g.id for g in gaps.of_kind("indicator-without-target")] == [
        "changes",
        "neither",
        "no-target",
    ]
    assert {g.cycle for g in gaps.of_kind("indicator-without-target")} == {"applied"}
    assert "indicator-without-baseline" in GAP_KINDS
    assert "indicator-without-target" in vc.graph.GAP_KINDS


def test_overdue_gaps_carry_their_due_date_in_json(example: vc.ValueGraph) -> None:
    gaps = example.gaps(as_of=dt.date(2026, 9, 1))
    overdue = [g for g in gaps.to_dict()["gaps"] if g["kind"] == "data-overdue"]
    assert overdue[0]["due"] == "2026-04-01"
    assert all(set(g) == {"kind", "id", "cycle", "message", "due"} for g in gaps.to_dict()["gaps"])


def test_graph_results_to_frame(example: vc.ValueGraph) -> None:
    gaps = example.gaps(as_of=dt.date(2026, 9, 1)).to_frame()
    assert list(gaps.columns) == ["kind", "id", "cycle", "message", "due"]
    assert gaps[gaps.kind == "data-overdue"].due.tolist()[0] == dt.date(2026, 4, 1)
    coverage = example.coverage().to_frame()
    assert list(coverage.columns) == ["cycle", "round", "count"]
    assert len(coverage) == 28
    assert coverage["count"].sum() == sum(c.count for c in example.coverage())
    chains = example.chains("immediate", "applied").to_frame()
    assert chains.to_dict("records") == [
        {
            "chain": 0,
            "link": 0,
            "from": "response-time",
            "to": "checklist-adoption",
            "declared": True,
            "stories": "checklist-story",
            "substantiated": 1,
            "weakest": 1,
            "support": 1,
        }
    ]
    up = example.upstream("checklist-adoption").to_frame()
    assert list(up.columns) == [
        "indicator",
        "cycle",
        "distance",
        "stories",
        "effect",
        "contribution",
    ]
    assert up.distance.tolist() == [0, 1]
