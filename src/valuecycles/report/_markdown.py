"""The report as Markdown for a wiki: the same sections, plots as linked SVG files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from valuecycles._text import make_id
from valuecycles._version import __version__
from valuecycles.graph import Chain
from valuecycles.model import Indicator, Measure, Observation, Story
from valuecycles.report import _words as words
from valuecycles.report._data import (
    CHAINS_SHOWN,
    MATRIX_ROWS,
    STORIES_LISTED,
    STORIES_TOLD,
    CycleView,
    ReportData,
    narrator_line,
)

__all__ = ["GRAPH_FILE", "graph_file_names", "md", "plot_file_names", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")
_LINE_START = re.compile(r"^(\s*)([-=]|\d+[.)])")
#: The graph's picture in the plots folder of a Markdown report.
GRAPH_FILE: Final = "value-creation-graph.svg"


def md(value: object) -> str:
    """User text escaped for Markdown: one line, no markup, no HTML.

    >>> from valuecycles.report._markdown import md
    >>> md("<script>alert(1)</script> *bold* | pipe")
    '\\\\<script\\\\>alert\\\\(1\\\\)\\\\</script\\\\> \\\\*bold\\\\* \\\\| pipe'
    """
    text = " ".join(str(value).split())
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


def plot_file_names(data: ReportData) -> dict[str, str]:
    """A file name for each indicator's plot: made from its id, unique."""
    taken: set[str] = set()
    names = {}
    taken.add(GRAPH_FILE.removesuffix(".svg"))
    for ident in sorted(data.files):
        stem = make_id(ident, taken, fallback="indicator")
        taken.add(stem)
        names[ident] = f"{stem}.svg"
    return names


def graph_file_names(data: ReportData) -> list[str]:
    """A file name for each of the graph's pictures: the first is :data:`GRAPH_FILE`."""
    stem = GRAPH_FILE.removesuffix(".svg")
    return [GRAPH_FILE if n == 0 else f"{stem}-{n + 1}.svg" for n in range(len(data.picture_files))]


def _measure(m: Measure | None, unit: str | None) -> str:
    text = words.measure_text(m, unit)
    return "none" if text is None else md(text)


def _ids(ids: Iterable[str]) -> str:
    out = ", ".join(f"`{i}`" if not set("`|") & set(i) else md(i) for i in ids)
    return out or "none"


class _Doc:
    def __init__(self, data: ReportData, plots_folder: str | None) -> None:
        self.data = data
        self.case = data.case
        self.folder = plots_folder
        self.names = plot_file_names(data)
        self.lines: list[str] = []
        self.fed_by: dict[str, list[str]] = {}
        for _c, src in self.case.data_sources():
            for ref in src.indicators:
                self.fed_by.setdefault(ref, []).append(src.id)
        self.observed: dict[str, list[Observation]] = {}
        for obs in sorted(self.case.observations, key=lambda o: o.date):
            self.observed.setdefault(obs.indicator, []).append(obs)
        self.names_by_id = data.indicator_names()

    def w(self, line: str = "") -> None:
        self.lines.append(line)

    def render(self) -> str:
        case, data = self.case, self.data
        fw = data.framework
        self.w(f"# Value creation report: {md(case.community.name)}")
        self.w()
        if case.community.description:
            for para in case.community.description.split("\n\n"):
                self.w(md(para))
                self.w()
        empty = sum(1 for v in data.cycles if v.empty)
        self.w(f"- Framework: {md(fw.title or fw.name)} ({md(fw.name)}, version {md(fw.version)})")
        self.w(f"- Planned: {len(data.cycles) - empty} of {len(data.cycles)} cycles")
        self.w(
            f"- Evidence: {words.plural(len(case.observations), 'observation')}, "
            f"{words.plural(len(case.stories), 'story', 'stories')}"
        )
        self.w(f"- As of: {data.as_of.isoformat()}")
        self.w()
        self.summary()
        self.progress()
        self.chains()
        self.gaps()
        self.graph()
        self.w("## The cycles")
        self.w()
        for view in data.cycles:
            self.cycle(view)
        self.stories()
        self.matrix()
        self.coverage()
        self.w(f"*Made with valuecycles {__version__}.*")
        return "\n".join(self.lines).rstrip("\n") + "\n"

    def cycle(self, view: CycleView) -> None:
        c, plan = view.cycle, view.plan
        role = "value chain" if c.role == "chain" else "cross-cutting"
        self.w(f"### {md(c.name)} ({role})")
        self.w()
        if view.empty:
            self.w(
                "**Nothing is planned in this cycle yet.** An empty cycle is a finding: "
                "decide whether the community means to create value here, and how you "
                "would see it."
            )
            self.w()
            return
        self.w("#### Aspirations")
        self.w()
        for a in plan.aspirations:
            self.w(f"- {md(a.text)} (`{a.id}`)" if "`" not in a.id else f"- {md(a.text)}")
        if not plan.aspirations:
            self.w("**No aspirations in this cycle.**")
        self.w()
        if plan.conditions:
            self.w("#### Conditions")
            self.w()
            for cond in plan.conditions:
                verb = "threatens" if cond.kind == "risk" else "supports"
                risk = " **(risk)**" if cond.kind == "risk" else ""
                line = f"- {md(cond.text)}{risk}; {verb}: {_ids(cond.supports)}"
                if cond.mitigation:
                    line += f"; mitigation: {md(cond.mitigation)}"
                self.w(line)
            self.w()
        self.w("#### Indicators")
        self.w()
        if not plan.indicators:
            self.w("**No indicators in this cycle.**")
            self.w()
        for ind in plan.indicators:
            self.indicator(ind)
        self.w("#### Data")
        self.w()
        if not plan.data:
            self.w("**No data sources in this cycle.**")
            self.w()
            return
        self.w("| Data source | Method | Cadence | Owner | Feeds |")
        self.w("|---|---|---|---|---|")
        for src in plan.data:
            cells = [md(x) if x else "" for x in (src.method, src.cadence, src.owner)]
            self.w(f"| {md(src.name)} | {' | '.join(cells)} | {_ids(src.indicators)} |")
        self.w()

    def indicator(self, ind: Indicator) -> None:
        self.w(f"**{md(ind.name)}** (`{ind.id}`)" if "`" not in ind.id else f"**{md(ind.name)}**")
        self.w()
        self.w(f"- Signals: {_ids(ind.signals)}")
        self.w(f"- Fed by: {_ids(self.fed_by.get(ind.id, ()))}")
        if ind.kind == "quantitative":
            self.w(f"- Baseline: {_measure(ind.baseline, ind.unit)}")
            self.w(f"- Target: {_measure(ind.target, ind.unit)}")
            if ind.milestones:
                self.w("- Milestones: " + "; ".join(_measure(m, ind.unit) for m in ind.milestones))
            row = self.data.progress.get(ind.id)
            self.w(f"- Latest: {md(words.progress_text(row, ind.unit))}")
        else:
            for obs in self.observed.get(ind.id, ()):
                self.w(f"- {obs.date.isoformat()}: {md(obs.value)}")
        self.w()
        if ind.id in self.data.files and self.folder is not None:
            self.w(f"![Trend of {md(ind.name)}]({self.folder}/{self.names[ind.id]})")
            self.w()
        elif self.folder is None and ind.kind == "quantitative":
            self.w(
                "*The trend plot is left out here; `valuecycles report CASE -o report.md` "
                "writes it as an SVG file beside the report.*"
            )
            self.w()

    def summary(self) -> None:
        data, s = self.data, self.data.summary
        self.w("## Where the community stands")
        self.w()
        if s.cycles:
            self.w("| Cycle | On track | Behind | Without data | Gaps | Overdue |")
            self.w("|---|---:|---:|---:|---:|---:|")
            for line in s.cycles:
                self.w(
                    f"| {md(line.cycle.name)} | {len(line.on_track)} | {len(line.behind)} | "
                    f"{len(line.without_data)} | {line.gaps} | {line.overdue} |"
                )
            self.w()
        from valuecycles.report._html import ON_TRACK

        self.w(f"*{md(ON_TRACK)}*")
        self.w()
        gaps = ", ".join(f"{kind.replace('-', ' ')} {n}" for kind, n in s.gap_kinds)
        self.w(f"- Gaps: {gaps or 'none'}")
        overdue = "; ".join(
            md(gap.id) + (f" (due {gap.due.isoformat()})" if gap.due else "")
            for gap in s.overdue[:3]
        )
        more = len(s.overdue) - 3
        self.w(f"- Overdue data: {overdue or 'none'}" + (f"; {more} more" if more > 0 else ""))
        if s.chains:
            self.w("- Strongest chains:")
            for chain in s.chains:
                self.w(f"  - {self.chain_line(chain, short=True)}")
        if s.stories:
            self.w("- Strongest stories:")
            for story in s.stories:
                reach = data.cycle_name(story.reach) if story.reach else "no value-chain cycle"
                self.w(f"  - {md(story.title)} (reaches {md(reach)}; {story.verification})")
        self.w()

    def progress(self) -> None:
        data = self.data
        self.w("## Progress")
        self.w()
        rows = [
            (view, ind)
            for view in data.cycles
            for ind in view.plan.indicators
            if ind.kind == "quantitative"
        ]
        if not rows:
            self.w("**No quantitative indicators yet.**")
            self.w()
            return
        self.w(
            "| Indicator | Cycle | Latest | Baseline | Target | Progress | Expected | Standing |"
        )
        self.w("|---|---|---|---|---|---:|---:|---|")
        for view, ind in rows:
            row = data.progress.get(ind.id)
            latest = "none"
            if row is not None and row.latest is not None:
                latest = md(words.number(row.latest))
            done = "" if row is None or row.progress is None else f"{round(row.progress * 100)}%"
            share = words.expected_share(ind.baseline, ind.target, data.as_of)
            expected = "" if share is None else f"{round(share * 100)}%"
            state = words.STANDINGS[data.summary.standings.get(ind.id, "without-data")]
            self.w(
                f"| {md(ind.name)} | {md(view.cycle.name)} | {latest} | "
                f"{_measure(ind.baseline, ind.unit)} | {_measure(ind.target, ind.unit)} | "
                f"{done} | {expected} | {state} |"
            )
        self.w()

    def chain_line(self, chain: Chain, *, short: bool = False) -> str:
        names, note = words.chain_words(chain, lambda i: self.names_by_id.get(i, i))
        if short and len(names) > 3:
            names = [names[0], f"… {len(names) - 2} more …", names[-1]]
        return " → ".join(md(n) for n in names) + f"; {md(note)}"

    def stories(self) -> None:
        self.w("## Value-creation stories")
        self.w()
        if not self.case.stories:
            self.w("**No stories yet.**")
            self.w()
            return
        by_id = {s.id: s for s in self.case.stories}
        order = self.data.story_order()
        for brief in order[:STORIES_TOLD]:
            self.story(by_id[brief.id])
        listed = order[STORIES_TOLD:STORIES_LISTED]
        for brief in listed:
            self.w(f"- {md(brief.title)} ({brief.verification})")
        if listed:
            self.w()
        left = len(order) - STORIES_TOLD - len(listed)
        if left > 0:
            self.w(f"*{words.plural(left, 'more story', 'more stories')} not listed here.*")
            self.w()

    def story(self, story: Story) -> None:
        data = self.data
        self.w(f"### {md(story.title)}")
        self.w()
        narrator = narrator_line(story, data.audience)
        if narrator is not None:
            self.w(f"- Narrator: {md(narrator)}")
        elif story.consent == "anonymous":
            self.w("- Narrator: anonymous")
        if story.date:
            self.w(f"- Told: {story.date.isoformat()}")
        v = story.verification
        check = v.status + (f" by {md(v.by)}" if v.by else "")
        self.w(f"- Verification: {check}")
        self.w()
        for n, step in enumerate(story.steps, start=1):  # steps shown from 1
            hoped = " *(hoped for)*" if step.aspirational else ""
            cites = f" (cites {_ids(step.indicators)})" if step.indicators else ""
            self.w(f"{n}. **{md(data.cycle_name(step.cycle))}**{hoped}: {md(step.text)}{cites}")
        self.w()

    def matrix(self) -> None:
        m = self.data.matrix
        self.w("## The value-creation matrix")
        self.w()
        if not m.stories:
            self.w("**No stories, so the matrix is empty.**")
            self.w()
            return
        shown = [s.id for s in self.data.story_order()[:MATRIX_ROWS]]
        wanted = set(shown)
        cells: dict[tuple[str, str], list[str]] = {}
        for cell in m.cells:
            if cell.story in wanted:
                text = f"{words.step_label(cell.step)}: " + md(cell.text)
                text += " *(hoped for)*" if cell.aspirational else ""
                cells.setdefault((cell.story, cell.cycle), []).append(text)
        if len(m.stories) > len(shown):
            self.w(f"*The {len(shown)} strongest of {len(m.stories)} stories.*")
            self.w()
        titles = {s.id: s.title for s in self.case.stories}
        self.w("| Story | " + " | ".join(md(self.data.cycle_name(k)) for k in m.cycles) + " |")
        self.w("|---" * (len(m.cycles) + 1) + "|")
        for sid in shown:
            row = [" <br> ".join(cells.get((sid, k), [])) for k in m.cycles]
            self.w(f"| {md(titles.get(sid, sid))} | " + " | ".join(row) + " |")
        self.w()

    def graph(self) -> None:
        self.w("## The value-creation graph")
        self.w()
        if self.folder is not None and self.data.picture_files:
            for name in graph_file_names(self.data):
                self.w(f"![The value-creation graph]({self.folder}/{name})")
                self.w()
            return
        self.w(
            "*The picture is left out here; `valuecycles report CASE -o report.md` writes "
            "it as an SVG file beside the report.*"
        )
        self.w()

    def chains(self) -> None:
        self.w("## Value chains")
        self.w()
        if not self.data.chains:
            self.w("**No value chains.**")
            self.w()
            return
        for n, chain in enumerate(self.data.chains, start=1):
            self.w(f"{n}. {self.chain_line(chain)}")
            if n == CHAINS_SHOWN and len(self.data.chains) > n:
                self.w()
                self.w("More chains:")
                self.w()
        if self.data.chains_truncated:
            self.w()
            self.w("*More chains exist than are listed here.*")
        self.w()

    def gaps(self) -> None:
        self.w("## Gaps")
        self.w()
        if not len(self.data.gaps):
            self.w("No gaps found.")
            self.w()
            return
        self.w("| Kind | Cycle | Item | What |")
        self.w("|---|---|---|---|")
        for gap in self.data.gaps:
            cycle = md(self.data.cycle_name(gap.cycle)) if gap.cycle else ""
            self.w(f"| {gap.kind} | {cycle} | {md(gap.id)} | {md(gap.message)} |")
        self.w()

    def coverage(self) -> None:
        self.w("## Coverage")
        self.w()
        rounds = self.data.framework.rounds
        self.w("| Cycle | " + " | ".join(md(r.name) for r in rounds) + " |")
        self.w("|---" + "|---:" * len(rounds) + "|")
        for view in self.data.cycles:
            counts = [str(self.data.coverage.count(view.cycle.key, r.key)) for r in rounds]
            self.w(f"| {md(view.cycle.name)} | " + " | ".join(counts) + " |")
        self.w()


def render_markdown(data: ReportData, plots_folder: str | None) -> str:
    """The report as Markdown; plots linked from ``plots_folder``, or left out when ``None``."""
    return _Doc(data, plots_folder).render()
