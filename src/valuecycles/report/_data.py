"""What a report shows, gathered once from the case and the query results, for every format."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, Final, Literal

import attrs

from valuecycles.evidence import matrix, progress
from valuecycles.framework._model import Cycle, Framework
from valuecycles.framework._registry import case_framework
from valuecycles.graph import ValueGraph
from valuecycles.model._case import Case, CyclePlan, Story
from valuecycles.model._reach import story_cycles, story_reach
from valuecycles.report._plots import indicator_series, trend_svg

__all__ = ["Audience", "CycleView", "Progress", "ReportData", "gather", "narrator_line"]

Audience = Literal["internal", "public"]
#: ``on_progress(done, total, what)``: called as each part of a report is made.
Progress = Callable[[int, int, str], None]

#: The sections of every report, in order: (anchor, heading).
SECTIONS: Final = (
    ("community", "The community"),
    ("cycles", "The cycles"),
    ("stories", "Value-creation stories"),
    ("matrix", "The value-creation matrix"),
    ("graph", "The value-creation graph"),
    ("chains", "Value chains"),
    ("gaps", "Gaps"),
    ("coverage", "Coverage"),
)

#: How many chains a report lists at most.
MAX_CHAINS: Final = 25


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
class ReportData:
    """Everything a report shows, in plain values the renderers read.

    ``progress``, ``matrix``, ``gaps``, ``coverage`` and ``chains`` are the
    ``to_dict()`` shapes of the query results (the ``--json`` shapes);
    ``plots`` maps an indicator's id to its trend plot (inline SVG) and
    ``files`` the same plots as standalone SVG files when asked for;
    ``graph_svg`` and ``graph_file`` are the graph's picture, likewise.
    """

    case: Case
    framework: Framework
    cycles: tuple[CycleView, ...]
    progress: dict[str, dict[str, Any]]
    matrix: dict[str, Any]
    gaps: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    chains: list[dict[str, Any]]
    chains_truncated: bool
    graph_svg: str | None
    graph_file: str | None
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

    def story_cycles(self, story: Story) -> tuple[str, ...]:
        """The cycles a story touches, in order."""
        return story_cycles(story, self.framework)

    def story_reach(self, story: Story) -> str | None:
        """The furthest value-chain cycle a story has a step in."""
        return story_reach(story, self.framework)


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
    on_progress: Progress | None = None,
) -> ReportData:
    """Compute everything a report shows: plots, the graph and its queries, the evidence."""
    from valuecycles.graph import build_graph

    fw = framework or case_framework(case.framework, case.framework_version)
    plans: dict[str, CyclePlan] = {}
    for key, plan in case.cycles.items():
        canonical = fw.resolve(key) or key
        plans[canonical] = plan
    views = tuple(CycleView(c, plans.get(c.key, CyclePlan())) for c in fw.cycles)
    indicators = [ind for view in views for ind in view.plan.indicators]
    total = len(indicators) * (int(inline_plots) + int(standalone_plots)) + 3
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total, what)

    evidence = progress(case, framework=fw)
    series = {row.indicator: row for row in evidence.indicators}
    plots: dict[str, str] = {}
    files: dict[str, str] = {}
    for n, ind in enumerate(indicators, start=1):
        points = indicator_series(series[ind.id]) if ind.id in series else []
        if inline_plots:
            svg = trend_svg(ind, points, salt=f"plot{n}")
            if svg is not None:
                plots[ind.id] = svg
            tick(f"plot of {ind.name}")
        if standalone_plots:
            svg = trend_svg(ind, points, salt=f"plot{n}", standalone=True)
            if svg is not None:
                files[ind.id] = svg
            tick(f"plot of {ind.name}")

    progress_dict = evidence.to_dict()
    matrix_dict = matrix(case, framework=fw).to_dict()
    tick("evidence")
    graph = build_graph(case, fw)
    as_of = as_of or _dt.date.today()
    gaps = graph.gaps(as_of=as_of).to_dict()["gaps"]
    coverage = graph.coverage().to_dict()["coverage"]
    chains, truncated = _chains(graph, fw)
    tick("graph queries")
    graph_svg = _graph_picture(graph) if inline_plots else None
    graph_file = _graph_picture(graph, standalone=True) if standalone_plots else None
    tick("graph picture")
    return ReportData(
        case=case,
        framework=fw,
        cycles=views,
        progress={row["indicator"]: row for row in progress_dict["indicators"]},
        matrix=matrix_dict,
        gaps=gaps,
        coverage=coverage,
        chains=chains,
        chains_truncated=truncated,
        graph_svg=graph_svg,
        graph_file=graph_file,
        plots=plots,
        files=files,
        audience=audience,
        as_of=as_of,
    )


def _chains(graph: ValueGraph, fw: Framework) -> tuple[list[dict[str, Any]], bool]:
    """The value chains between the value-chain cycles that have indicators.

    Every pair of such cycles, earlier to later; a chain that is a part of a
    longer one listed is left out; strongest first, at most MAX_CHAINS.
    """
    keys = [c.key for c in fw.chain]
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    truncated = False
    for i, start in enumerate(keys):
        for end in keys[i + 1 :]:
            result = graph.chains(start, end, limit=MAX_CHAINS * 4).to_dict()
            truncated = truncated or bool(result["truncated"])
            for chain in result["chains"]:
                found.setdefault(tuple(chain["indicators"]), chain)
    paths = list(found)

    def inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
        n = len(short)
        return n < len(long) and any(long[j : j + n] == short for j in range(len(long) - n + 1))

    kept = [found[p] for p in paths if not any(inside(p, q) for q in paths)]
    kept.sort(key=lambda c: (-c["weakest"], -len(c["indicators"]), c["indicators"]))
    if len(kept) > MAX_CHAINS:
        kept, truncated = kept[:MAX_CHAINS], True
    return kept, truncated


def _graph_picture(graph: ValueGraph, *, standalone: bool = False) -> str | None:
    """The graph's picture (its ``draw`` to SVG), inline or as a file; ``None`` without plots."""
    import io

    from valuecycles.report._plots import PLOTS_AVAILABLE, inline_svg, quiet_fonts

    if not PLOTS_AVAILABLE:
        return None
    buffer = io.BytesIO()
    with quiet_fonts():
        graph.draw(buffer, "svg")
    text = buffer.getvalue().decode("utf-8")
    if standalone:
        return text
    return inline_svg(text, "The value-creation graph", "graph", max_width="100%")
