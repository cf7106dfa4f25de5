"""What a report shows, gathered once from the case and the query results, for every format."""

from __future__ import annotations

import datetime as _dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Final, Literal

import attrs

from valuecycles.evidence import (
    IndicatorProgress,
    Matrix,
    StoryList,
    StoryReach,
    matrix,
    progress,
    story_summaries,
)

# The one private name the report needs: the framework a case names, its version checked.
from valuecycles.framework import Cycle, Framework, case_framework
from valuecycles.graph import Chain, Coverage, Gap, Gaps, ValueGraph
from valuecycles.model import Case, CyclePlan, Indicator, Story
from valuecycles.report._svg import FlowPicture, Series, flow_svg, trend_svg
from valuecycles.report._words import (
    VERIFICATION_ORDER,
    Standing,
    contribution_groups,
    points_of,
    standing,
)

__all__ = [
    "Audience",
    "CycleStanding",
    "CycleView",
    "OnProgress",
    "ReportData",
    "Summary",
    "gather",
    "narrator_line",
]

Audience = Literal["internal", "public"]
#: ``on_progress(done, total, what)``: called as each part of a report is made.
OnProgress = Callable[[int, int, str], None]

#: The sections of every report, in order: (anchor, heading).
SECTIONS: Final = (
    ("community", "The community"),
    ("summary", "Where the community stands"),
    ("progress", "Progress"),
    ("chains", "Value chains"),
    ("gaps", "Gaps"),
    ("graph", "The value-creation graph"),
    ("cycles", "The cycles"),
    ("stories", "Value-creation stories"),
    ("matrix", "The value-creation matrix"),
    ("coverage", "Coverage"),
)

#: How many chains a report finds at most.
MAX_CHAINS: Final = 25
#: How many chains, stories and overdue sources the summary names.
SUMMARY_ITEMS: Final = 3
#: How many chains a report shows before folding the rest away.
CHAINS_SHOWN: Final = 5
#: How many stories the stories section tells in full; the rest are listed by title.
STORIES_TOLD: Final = 50
#: How many stories the stories section lists at most, and the matrix shows.
STORIES_LISTED: Final = 500
MATRIX_ROWS: Final = 100
#: A graph drawn whole has at most this many indicators, flows and indicators a column;
#: past that it is drawn one pair of cycles at a time.
WHOLE_INDICATORS: Final = 40
WHOLE_FLOWS: Final = 80
WHOLE_ROWS: Final = 12
#: A picture of one pair of cycles draws at most this many flows and indicators a column.
PAIR_FLOWS: Final = 40
PAIR_ROWS: Final = 16


@attrs.frozen
class CycleView:
    """One cycle as a report shows it: the framework's cycle and the case's plan."""

    cycle: Cycle
    plan: CyclePlan

    @property
    def empty(self) -> bool:
        """Nothing planned in this cycle: a finding in itself."""
        return not self.plan


@attrs.frozen
class CycleStanding:
    """One cycle's line of the summary: its indicators by standing, its gaps, overdue data."""

    cycle: Cycle
    on_track: tuple[str, ...]
    behind: tuple[str, ...]
    without_data: tuple[str, ...]
    gaps: int
    overdue: int


@attrs.frozen
class Summary:
    """The report's first screen: where the community stands.

    ``cycles`` has a line for every cycle with something planned or a gap;
    ``gap_kinds`` counts the gaps by kind (in the order gaps are listed);
    ``overdue`` the data that is due; ``chains`` and ``stories`` the
    strongest few; ``by_reach`` and ``by_verification`` count every story.
    """

    cycles: tuple[CycleStanding, ...]
    standings: dict[str, Standing]
    gap_kinds: tuple[tuple[str, int], ...]
    overdue: tuple[Gap, ...]
    chains: tuple[Chain, ...]
    stories: tuple[StoryReach, ...]
    by_reach: tuple[tuple[str | None, int], ...]
    by_verification: tuple[tuple[str, int], ...]


@attrs.frozen
class ReportData:
    """Everything a report shows, as the query results themselves.

    ``progress`` maps an indicator's id to its
    :class:`~valuecycles.evidence.IndicatorProgress`; ``matrix``,
    ``stories``, ``gaps``, ``coverage`` and ``chains`` are the query
    results; ``plots`` maps an indicator's id to its trend plot (inline SVG)
    and ``files`` the same plots as standalone SVG files when asked for;
    ``pictures`` are the graph's pictures (one, or one a pair of cycles) and
    ``picture_files`` the same as standalone SVG files.
    """

    case: Case
    framework: Framework
    cycles: tuple[CycleView, ...]
    progress: dict[str, IndicatorProgress]
    matrix: Matrix
    stories: StoryList
    gaps: Gaps
    coverage: Coverage
    chains: tuple[Chain, ...]
    chains_truncated: bool
    summary: Summary
    pictures: tuple[FlowPicture, ...]
    picture_files: tuple[str, ...]
    graph_whole: bool
    graph_size: tuple[int, int]
    plots: dict[str, str]
    files: dict[str, str]
    audience: Audience
    as_of: _dt.date

    def indicator_names(self) -> dict[str, str]:
        """Every indicator's name by id."""
        return {ind.id: ind.name for _c, ind in self.case.indicators()}

    def cycle_name(self, key: str) -> str:
        """A cycle's name, for a key or alias; the key itself when unknown."""
        canonical = self.framework.resolve(key)
        return self.framework.cycle(canonical).name if canonical else key

    def story_order(self) -> list[StoryReach]:
        """The stories strongest first: verification, then reach, then the case's order."""
        return _strongest(self.stories, self.framework)


def narrator_line(story: Story, audience: Audience = "internal") -> str | None:
    """What a report may say of a story's narrator, as their consent allows.

    ``public`` consent shows the narrator; ``internal`` shows the narrator
    with a note that the name is for inside the organisation, and, in a
    report for a ``public`` audience, nothing; ``anonymous`` never shows
    anything (``None``), whatever the case holds.

    >>> import valuecycles as vc
    >>> from valuecycles.report import narrator_line
    >>> steps = [vc.Step(cycle="immediate", text="I asked")]
    >>> story = vc.Story(id="s", title="T", narrator="Ana", consent="internal", steps=steps)
    >>> narrator_line(story)
    'Ana (internal: not to be shared outside the organisation)'
    >>> narrator_line(story, "public") is None
    True
    """
    if story.narrator is None or story.consent == "anonymous":
        return None
    if story.consent == "public":
        return story.narrator
    if audience == "public":
        return None
    return f"{story.narrator} (internal: not to be shared outside the organisation)"


def gather(
    case: Case,
    *,
    framework: Framework | None = None,
    as_of: _dt.date | None = None,
    audience: Audience = "internal",
    standalone_plots: bool = False,
    inline_plots: bool = True,
    on_progress: OnProgress | None = None,
) -> ReportData:
    """Compute everything a report shows: the evidence, the graph's queries, the pictures."""
    from valuecycles.graph import build_graph

    if as_of is not None:
        case = case.until(as_of)  # what was known on that date, everywhere in the report
    fw = framework or case_framework(case.framework, case.framework_version)
    plans: dict[str, CyclePlan] = {}
    for key, plan in case.cycles.items():
        canonical = fw.resolve(key) or key
        plans[canonical] = plan
    views = tuple(CycleView(c, plans.get(c.key, CyclePlan())) for c in fw.cycles)
    indicators = [ind for view in views for ind in view.plan.indicators]
    total = 5
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total, what)

    evidence = {row.indicator: row for row in progress(case, framework=fw)}
    the_matrix = matrix(case, framework=fw)
    stories = story_summaries(case, framework=fw)
    tick("evidence")
    plots: dict[str, str] = {}
    files: dict[str, str] = {}
    for ind in indicators:
        row = evidence.get(ind.id)
        if inline_plots:
            svg = _trend(ind, row, standalone=False)
            if svg is not None:
                plots[ind.id] = svg
        if standalone_plots:
            svg = _trend(ind, row, standalone=True)
            if svg is not None:
                files[ind.id] = svg
    tick("plots")
    graph = build_graph(case, fw)
    as_of = as_of or _dt.date.today()
    gaps = graph.gaps(as_of=as_of)
    coverage = graph.coverage()
    chains, truncated = _chains(graph, fw)
    tick("graph queries")
    whole, size, flows = _flow_layout(graph, fw)
    pictures = tuple(_pictures(flows, fw, standalone=False)) if inline_plots else ()
    picture_files = (
        tuple(p.svg for p in _pictures(flows, fw, standalone=True)) if standalone_plots else ()
    )
    tick("graph pictures")
    summary = _summary(views, evidence, gaps, chains, stories, fw, as_of)
    tick("summary")
    return ReportData(
        case=case,
        framework=fw,
        cycles=views,
        progress=evidence,
        matrix=the_matrix,
        stories=stories,
        gaps=gaps,
        coverage=coverage,
        chains=chains,
        chains_truncated=truncated,
        summary=summary,
        pictures=pictures,
        picture_files=picture_files,
        graph_whole=whole,
        graph_size=size,
        plots=plots,
        files=files,
        audience=audience,
        as_of=as_of,
    )


def _strongest(stories: Iterable[StoryReach], fw: Framework) -> list[StoryReach]:
    chain = [c.key for c in fw.chain]
    rank = {key: n for n, key in enumerate(chain)}

    def key(item: tuple[int, StoryReach]) -> tuple[int, int, int]:
        n, s = item
        v = VERIFICATION_ORDER.index(s.verification) if s.verification in VERIFICATION_ORDER else 9
        return (v, -rank.get(s.reach or "", -1), n)

    return [s for _n, s in sorted(enumerate(stories), key=key)]


def _summary(
    views: Sequence[CycleView],
    evidence: dict[str, IndicatorProgress],
    gaps: Gaps,
    chains: Sequence[Chain],
    stories: StoryList,
    fw: Framework,
    as_of: _dt.date,
) -> Summary:
    standings: dict[str, Standing] = {}
    gaps_by_cycle = Counter(g.cycle for g in gaps)
    overdue_by_cycle = Counter(g.cycle for g in gaps if g.kind == "data-overdue")
    lines = []
    for view in views:
        sorted_ids: dict[Standing, list[str]] = defaultdict(list)
        for ind in view.plan.indicators:
            row = evidence.get(ind.id)
            if ind.kind != "quantitative" or row is None:
                continue
            state = standing(row, as_of)
            standings[ind.id] = state
            sorted_ids[state].append(ind.id)
        key = view.cycle.key
        if view.empty and not gaps_by_cycle[key]:
            continue
        lines.append(
            CycleStanding(
                view.cycle,
                tuple(sorted_ids["on-track"]),
                tuple(sorted_ids["behind"]),
                tuple(sorted_ids["without-data"]),
                gaps_by_cycle[key],
                overdue_by_cycle[key],
            )
        )
    kinds = Counter(g.kind for g in gaps)
    order = list(dict.fromkeys(g.kind for g in gaps))
    reach = Counter(s.reach for s in stories)
    verification = Counter(s.verification for s in stories)
    chain_keys = [c.key for c in fw.chain]
    return Summary(
        cycles=tuple(lines),
        standings=standings,
        gap_kinds=tuple((k, kinds[k]) for k in order),
        overdue=tuple(g for g in gaps if g.kind == "data-overdue"),
        chains=tuple(chains[:SUMMARY_ITEMS]),
        stories=tuple(_strongest(stories, fw)[:SUMMARY_ITEMS]),
        by_reach=tuple((k, reach[k]) for k in (*reversed(chain_keys), None) if reach[k]),
        by_verification=tuple((k, verification[k]) for k in VERIFICATION_ORDER if verification[k]),
    )


def contribution_series(row: IndicatorProgress | None) -> list[Series]:
    """The contribution groups of a progress row, one line each (none before they exist)."""
    return [
        Series(f"contribution: {label}", points, kind="contribution")
        for label, points in contribution_groups(row)
    ]


def _trend(ind: Indicator, row: IndicatorProgress | None, *, standalone: bool) -> str | None:
    effect = points_of(row.series) if row is not None else ()
    lines = [Series("observed", effect)]
    lines += contribution_series(row)
    values: list[object] = [p.value for p in row.series] if row is not None else []
    values += [m.value for m in (ind.baseline, ind.target, *ind.milestones) if m is not None]
    for line in lines[1:]:
        values += [v for _d, v in line.points]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    integers = ind.aggregation == "count" or all(isinstance(v, int) for v in numbers)
    return trend_svg(
        f"Trend of {ind.name}",
        lines,
        unit=ind.unit,
        baseline=(float(ind.baseline.value), ind.baseline.date) if ind.baseline else None,
        target=(float(ind.target.value), ind.target.date) if ind.target else None,
        milestones=[(float(m.value), m.date) for m in ind.milestones if m.date is not None],
        integers=integers,
        standalone=standalone,
    )


def _chains(graph: ValueGraph, fw: Framework) -> tuple[tuple[Chain, ...], bool]:
    """The value chains between the value-chain cycles that have indicators.

    Every pair of such cycles, earlier to later; a chain that is a part of a
    longer one listed is left out; strongest first, at most MAX_CHAINS.
    """
    keys = [c.key for c in fw.chain]
    found: dict[tuple[str, ...], Chain] = {}
    truncated = False
    for i, start in enumerate(keys):
        for end in keys[i + 1 :]:
            result = graph.chains(start, end, limit=MAX_CHAINS * 2)
            truncated = truncated or result.truncated
            for chain in result:
                found.setdefault(chain.indicators, chain)
    paths = list(found)
    by_link: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
    for path in paths:
        for pair in itertools.pairwise(path):
            by_link[pair].append(path)

    def inside(short: tuple[str, ...]) -> bool:
        n = len(short)
        for long in by_link[(short[0], short[1])]:
            if len(long) > n and any(long[j : j + n] == short for j in range(len(long) - n + 1)):
                return True
        return False

    kept = [found[p] for p in paths if not inside(p)]
    kept.sort(key=lambda c: (-c.weakest, -len(c.indicators), c.indicators))
    if len(kept) > MAX_CHAINS:
        kept, truncated = kept[:MAX_CHAINS], True
    return tuple(kept), truncated


_Flows = tuple[
    dict[str, list[tuple[str, str]]],  # cycle -> [(indicator id, label)]
    list[tuple[str, str, bool, int]],  # (from, to, declared, stories)
    dict[str, str],  # indicator id -> cycle
]


def _flow_layout(graph: ValueGraph, fw: Framework) -> tuple[bool, tuple[int, int], _Flows]:
    """The indicators by cycle and the flows, read once from the graph (linear in its size)."""
    by_cycle: dict[str, list[tuple[str, str]]] = defaultdict(list)
    cycle_of: dict[str, str] = {}
    g = graph.graph
    for node, attrs_ in g.nodes(data=True):
        if attrs_.get("kind") != "indicator":
            continue
        ident = node.split(":", 1)[1]
        cycle = str(attrs_.get("cycle", ""))
        by_cycle[cycle].append((ident, str(attrs_.get("label", ident))))
        cycle_of[ident] = cycle
    flows = []
    succ = g.succ
    for ident in sorted(cycle_of):
        for target, relations in succ[f"indicator:{ident}"].items():
            link = relations.get("flows")
            if link is not None:
                b = target.split(":", 1)[1]
                flows.append(
                    (ident, b, bool(link.get("declared")), int(link.get("story_count", 0)))
                )
    for items in by_cycle.values():
        items.sort()
    n = len(cycle_of)
    rows = max((len(v) for v in by_cycle.values()), default=0)
    whole = n <= WHOLE_INDICATORS and len(flows) <= WHOLE_FLOWS and rows <= WHOLE_ROWS
    return whole, (n, len(flows)), (dict(by_cycle), flows, cycle_of)


def _order(fw: Framework, cycles: Iterable[str]) -> list[str]:
    known = list(fw.cycle_keys)
    return sorted(set(cycles), key=lambda k: (known.index(k) if k in known else len(known), k))


def _pictures(flows: _Flows, fw: Framework, *, standalone: bool) -> list[FlowPicture]:
    by_cycle, links, cycle_of = flows
    if not by_cycle:
        return []
    names = {c.key: c.name for c in fw.cycles}
    n = len(cycle_of)
    rows = max(len(v) for v in by_cycle.values())
    if n <= WHOLE_INDICATORS and len(links) <= WHOLE_FLOWS and rows <= WHOLE_ROWS:
        keys = _order(fw, by_cycle)
        columns = [(names.get(k, k), by_cycle[k]) for k in keys]
        svg = flow_svg(
            "The value-creation graph", columns, sorted(links), salt="graph", standalone=standalone
        )
        return [FlowPicture(svg, tuple(keys), len(links), len(links))]
    position = {k: i for i, k in enumerate(_order(fw, by_cycle))}
    pairs: dict[tuple[str, str], list[tuple[str, str, bool, int]]] = defaultdict(list)
    for link in links:
        ca, cb = cycle_of[link[0]], cycle_of[link[1]]
        pair = (ca, cb) if position[ca] <= position[cb] else (cb, ca)
        pairs[pair].append(link)
    out = []
    for number, pair in enumerate(sorted(pairs, key=lambda p: (position[p[0]], position[p[1]]))):
        every = pairs[pair]
        every.sort(key=lambda f: (-f[3], not f[2], f[0], f[1]))
        shown: dict[str, set[str]] = {pair[0]: set(), pair[1]: set()}
        drawn: list[tuple[str, str, bool, int]] = []
        for link in every:
            if len(drawn) >= PAIR_FLOWS:
                break
            a, b = link[0], link[1]
            need = {cycle_of[a]: {a}, cycle_of[b]: set()}
            need[cycle_of[b]].add(b)
            if all(len(shown[c] | ids) <= PAIR_ROWS for c, ids in need.items()):
                for c, ids in need.items():
                    shown[c] |= ids
                drawn.append(link)
        labels = dict(item for k in pair for item in by_cycle[k])
        keys = list(dict.fromkeys(pair))
        columns = [(names.get(k, k), sorted((i, labels[i]) for i in shown[k])) for k in keys]
        title = " and ".join(names.get(k, k) for k in keys)
        svg = flow_svg(
            f"Flows: {title}",
            columns,
            sorted(drawn),
            salt=f"graph{number}",
            standalone=standalone,
        )
        left_out = sum(len(by_cycle[k]) - len(shown[k]) for k in keys)
        out.append(FlowPicture(svg, tuple(keys), len(drawn), len(every), left_out))
    return out
