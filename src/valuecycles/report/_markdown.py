"""The report as Markdown for a wiki: the same sections, plots as linked SVG files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from valuecycles._text import make_id
from valuecycles._version import __version__
from valuecycles.model._case import Indicator, Measure, Story
from valuecycles.report._data import CycleView, ReportData, narrator_line

__all__ = ["GRAPH_FILE", "md", "plot_file_names", "render_markdown"]

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


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _measure(m: Measure | None, unit: str | None) -> str:
    if m is None:
        return "none"
    text = _num(m.value) + (f" {md(unit)}" if unit else "")
    return text + (f" ({m.date.isoformat()})" if m.date else "")


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
        self.w(f"- Evidence: {len(case.observations)} observations, {len(case.stories)} stories")
        self.w(f"- As of: {data.as_of.isoformat()}")
        self.w()
        self.w("## The cycles")
        self.w()
        for view in data.cycles:
            self.cycle(view)
        self.stories()
        self.matrix()
        self.graph()
        self.chains()
        self.gaps()
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
            row = self.data.progress.get(ind.id, {})
            latest = row.get("latest")
            text = "no observations yet" if latest is None else _num(latest)
            if row.get("progress") is not None:
                text += f"; {round(row['progress'] * 100)}% of the way to the target"
            self.w(f"- Latest: {text}")
        else:
            rows = sorted(
                (o for o in self.case.observations if o.indicator == ind.id), key=lambda o: o.date
            )
            for obs in rows:
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

    def stories(self) -> None:
        self.w("## Value-creation stories")
        self.w()
        if not self.case.stories:
            self.w("**No stories yet.**")
            self.w()
        for story in self.case.stories:
            self.story(story)

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
        for n, step in enumerate(story.steps, start=1):
            hoped = " *(hoped for)*" if step.aspirational else ""
            cites = f" (cites {_ids(step.indicators)})" if step.indicators else ""
            self.w(f"{n}. **{md(data.cycle_name(step.cycle))}**{hoped}: {md(step.text)}{cites}")
        self.w()

    def matrix(self) -> None:
        m = self.data.matrix
        self.w("## The value-creation matrix")
        self.w()
        if not m["stories"]:
            self.w("**No stories, so the matrix is empty.**")
            self.w()
            return
        cells: dict[tuple[str, str], list[str]] = {}
        for cell in m["cells"]:
            text = md(cell["text"]) + (" *(hoped for)*" if cell["aspirational"] else "")
            cells.setdefault((cell["story"], cell["cycle"]), []).append(text)
        titles = {s.id: s.title for s in self.case.stories}
        self.w("| Story | " + " | ".join(md(self.data.cycle_name(k)) for k in m["cycles"]) + " |")
        self.w("|---" * (len(m["cycles"]) + 1) + "|")
        for sid in m["stories"]:
            row = [" <br> ".join(cells.get((sid, k), [])) for k in m["cycles"]]
            self.w(f"| {md(titles.get(sid, sid))} | " + " | ".join(row) + " |")
        self.w()

    def graph(self) -> None:
        self.w("## The value-creation graph")
        self.w()
        if self.folder is not None and self.data.graph_file is not None:
            self.w(f"![The value-creation graph]({self.folder}/{GRAPH_FILE})")
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
            path = " → ".join(_ids([i]) for i in chain["indicators"])
            self.w(f"{n}. {path} (weakest link: {chain['weakest']} stories)")
        if self.data.chains_truncated:
            self.w()
            self.w("*More chains exist than are listed here.*")
        self.w()

    def gaps(self) -> None:
        self.w("## Gaps")
        self.w()
        if not self.data.gaps:
            self.w("No gaps found.")
            self.w()
            return
        self.w("| Kind | Cycle | Item | What |")
        self.w("|---|---|---|---|")
        for gap in self.data.gaps:
            cycle = md(self.data.cycle_name(gap["cycle"])) if gap["cycle"] else ""
            self.w(f"| {gap['kind']} | {cycle} | {md(gap['id'])} | {md(gap['message'])} |")
        self.w()

    def coverage(self) -> None:
        self.w("## Coverage")
        self.w()
        cells = {(c["cycle"], c["round"]): c["count"] for c in self.data.coverage}
        rounds = self.data.framework.rounds
        self.w("| Cycle | " + " | ".join(md(r.name) for r in rounds) + " |")
        self.w("|---" + "|---:" * len(rounds) + "|")
        for view in self.data.cycles:
            counts = [str(cells.get((view.cycle.key, r.key), 0)) for r in rounds]
            self.w(f"| {md(view.cycle.name)} | " + " | ".join(counts) + " |")
        self.w()


def render_markdown(data: ReportData, plots_folder: str | None) -> str:
    """The report as Markdown; plots linked from ``plots_folder``, or left out when ``None``."""
    return _Doc(data, plots_folder).render()


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
