"""The report as one self-contained HTML page: inline CSS and SVG, no scripts, no requests."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import quote

from valuecycles._version import __version__
from valuecycles.model._case import Condition, DataSource, Indicator, Measure, Story
from valuecycles.report._data import SECTIONS, CycleView, ReportData, narrator_line

__all__ = ["render_html"]

_CSS: Final = """
:root { --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --soft: #f4f6f8;
  --accent: #1f5f8b; --warn: #9a4d00; --good: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 1.25rem 4rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 2rem; margin: .2rem 0 .4rem; line-height: 1.2; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .6rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.2rem; margin: 1.6rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
h5 { font-size: 1rem; margin: .1rem 0 .3rem; font-weight: normal; }
p.kicker { color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: .06em;
  font-size: .8rem; }
nav ol { columns: 2; padding-left: 1.2rem; }
code { font: .85em/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  background: var(--soft); padding: .05em .3em; border-radius: 3px; }
.muted { color: var(--muted); }
.cycle { border-left: 4px solid var(--line); padding-left: 1rem; margin-top: 1.5rem; }
.cycle.empty { border-left-color: var(--warn); }
.finding { color: var(--warn); font-weight: 600; }
.badge { display: inline-block; font-size: .75rem; padding: .05rem .45rem;
  border: 1px solid var(--line); border-radius: 1rem; color: var(--muted);
  vertical-align: middle; margin-left: .3rem; }
.badge.risk { color: var(--warn); border-color: var(--warn); }
.badge.hoped { color: var(--accent); border-color: var(--accent); }
.indicator { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem;
  margin: .8rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  margin: .4rem 0; font-size: .92rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
figure { margin: .6rem 0; }
figure svg { display: block; }
figcaption { font-size: .85rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.zero { color: var(--warn); font-weight: 600; }
td.num, th.num { text-align: right; }
.story { border-top: 1px solid var(--line); padding-top: .4rem; }
.story ol li { margin: .25rem 0; }
.cites { font-size: .85rem; color: var(--muted); }
.chain { margin: .3rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print { nav { display: none; } .indicator, .story { break-inside: avoid; } }
"""

_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def h(value: object) -> str:
    """User text (or any value) escaped for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def anchor(kind: str, ident: str) -> str:
    """An HTML id for an element of the case: stable, unique, no spaces."""
    return f"{kind}-{quote(ident, safe='').replace('%', ':')}"


def _measure(m: Measure | None, unit: str | None) -> str:
    if m is None:
        return "<span class='muted'>none</span>"
    text = h(_number(m.value)) + (f" {h(unit)}" if unit else "")
    if m.date is not None:
        text += f" <span class='muted'>({h(m.date.isoformat())})</span>"
    return text


def _number(value: object) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


def _refs(kind: str, ids: Iterable[str], names: dict[str, str] | None = None) -> str:
    parts = []
    for ident in ids:
        label = h(names[ident]) if names and ident in names else f"<code>{h(ident)}</code>"
        parts.append(f"<a href='#{h(anchor(kind, ident))}'>{label}</a>")
    return ", ".join(parts) if parts else "<span class='muted'>none</span>"


class _Page:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.case = data.case
        self.out: list[str] = []
        self.indicator_names = data.indicator_names()
        self.aspiration_texts = {a.id: a.text for _c, a in self.case.aspirations()}
        self.signalled_by: dict[str, list[str]] = {}
        self.fed_by: dict[str, list[str]] = {}
        self.supported_by: dict[str, list[str]] = {}
        for _c, ind in self.case.indicators():
            for ref in ind.signals:
                self.signalled_by.setdefault(ref, []).append(ind.id)
        for _c, src in self.case.data_sources():
            for ref in src.indicators:
                self.fed_by.setdefault(ref, []).append(src.id)
        for _c, cond in self.case.conditions():
            for ref in cond.supports:
                self.supported_by.setdefault(ref, []).append(cond.id)
        self.source_names = {s.id: s.name for _c, s in self.case.data_sources()}
        self.condition_texts = {c.id: c.text for _c, c in self.case.conditions()}

    def w(self, text: str) -> None:
        self.out.append(text)

    def render(self) -> str:
        community = self.case.community
        self.w("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n")
        self.w(f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">\n")
        self.w("<meta name='viewport' content='width=device-width, initial-scale=1'>\n")
        self.w(f"<meta name='generator' content='valuecycles {h(__version__)}'>\n")
        self.w(f"<title>Value creation: {h(community.name)}</title>\n")
        self.w(f"<style>{_CSS}</style>\n</head>\n<body>\n")
        self.header()
        self.nav()
        self.cycles()
        self.stories()
        self.matrix()
        self.graph()
        self.chains()
        self.gaps()
        self.coverage()
        self.w(
            "<footer><p>Made with valuecycles "
            f"{h(__version__)}, after the Value Creation Framework of Etienne and "
            "Beverly Wenger-Trayner.</p></footer>\n</body>\n</html>\n"
        )
        return "".join(self.out)

    # --- the community ---------------------------------------------------------

    def header(self) -> None:
        case, data = self.case, self.data
        fw = data.framework
        self.w("<header id='community'>\n<p class='kicker'>Value creation report</p>\n")
        self.w(f"<h1>{h(case.community.name)}</h1>\n")
        if case.community.description:
            self.w(_paragraphs(case.community.description))
        planned = sum(1 for _ in case.elements())
        empty = [v.cycle.name for v in data.cycles if v.empty]
        facts = [
            ("Framework", f"{h(fw.title or fw.name)} <span class='muted'>({h(fw.name)}, "
             f"version {h(fw.version)})</span>"),
            ("Planned", f"{planned} item{'s' if planned != 1 else ''} in "
             f"{len(data.cycles) - len(empty)} of {len(data.cycles)} cycles"),
            ("Evidence", f"{_plural(len(case.observations), 'observation')}, "
             f"{_plural(len(case.stories), 'story', 'stories')}"),
        ]  # fmt: skip
        facts.append(("As of", h(data.as_of.isoformat())))
        if data.audience == "public":
            facts.append(("Audience", "public: names shared only with the narrator's consent"))
        self.w("<dl class='facts'>\n")
        for term, value in facts:
            self.w(f"<dt>{term}</dt><dd>{value}</dd>\n")
        self.w("</dl>\n</header>\n")

    def nav(self) -> None:
        self.w("<nav aria-label='Contents'><h2>Contents</h2><ol>\n")
        for key, title in SECTIONS[1:]:
            self.w(f"<li><a href='#{key}'>{title}</a></li>\n")
        self.w("</ol></nav>\n")

    # --- the cycles ------------------------------------------------------------

    def cycles(self) -> None:
        self.w("<section id='cycles'>\n<h2>The cycles</h2>\n")
        self.w(
            "<p>For each cycle of the framework: what the community hopes for "
            "(aspirations), what must be in place (conditions), what would show it "
            "happening (indicators, with their trend), and the data collected.</p>\n"
        )
        for view in self.data.cycles:
            self.cycle(view)
        self.w("</section>\n")

    def cycle(self, view: CycleView) -> None:
        c, plan = view.cycle, view.plan
        role = "value chain" if c.role == "chain" else "cross-cutting"
        empty = " empty" if view.empty else ""
        self.w(f"<section class='cycle{empty}' id='{h(anchor('cycle', c.key))}'>\n")
        self.w(f"<h3>{h(c.name)} <span class='badge'>{role}</span></h3>\n")
        if c.description:
            self.w(_paragraphs(c.description, "muted"))
        if view.empty:
            self.w(
                "<p class='finding'>Nothing is planned in this cycle yet: no aspirations, "
                "conditions, indicators or data. An empty cycle is a finding: decide whether "
                "the community means to create value here, and how you would see it.</p>\n"
            )
            self.w("</section>\n")
            return
        self.w("<h4>Aspirations</h4>\n")
        if plan.aspirations:
            self.w("<ul>\n")
            for a in plan.aspirations:
                self.w(f"<li id='{h(anchor('aspiration', a.id))}'>{h(a.text)} ")
                self.w(f"<code>{h(a.id)}</code><br><span class='cites'>signalled by: ")
                self.w(_refs("indicator", self.signalled_by.get(a.id, ()), self.indicator_names))
                supported = self.supported_by.get(a.id, ())
                if supported:
                    self.w("; conditions: ")
                    self.w(_refs("condition", supported, self.condition_texts))
                self.w("</span></li>\n")
            self.w("</ul>\n")
        else:
            self.w("<p class='finding'>No aspirations in this cycle.</p>\n")
        self.w("<h4>Conditions</h4>\n")
        if plan.conditions:
            self.w("<ul>\n")
            for cond in plan.conditions:
                self.condition(cond)
            self.w("</ul>\n")
        else:
            self.w("<p class='muted'>No conditions named.</p>\n")
        self.w("<h4>Indicators</h4>\n")
        if not plan.indicators:
            self.w("<p class='finding'>No indicators in this cycle.</p>\n")
        for ind in plan.indicators:
            self.indicator(ind)
        self.w("<h4>Data</h4>\n")
        if plan.data:
            self.data_table(plan.data)
        else:
            self.w("<p class='finding'>No data sources in this cycle.</p>\n")
        self.w("</section>\n")

    def condition(self, cond: Condition) -> None:
        badge = "<span class='badge risk'>risk</span>" if cond.kind == "risk" else ""
        verb = "threatens" if cond.kind == "risk" else "supports"
        self.w(f"<li id='{h(anchor('condition', cond.id))}'>{h(cond.text)} {badge} ")
        self.w(f"<code>{h(cond.id)}</code><br><span class='cites'>{verb}: ")
        self.w(_refs("aspiration", cond.supports, self.aspiration_texts))
        if cond.mitigation:
            self.w(f"; mitigation: {h(cond.mitigation)}")
        self.w("</span></li>\n")

    def indicator(self, ind: Indicator) -> None:
        row = self.data.progress.get(ind.id, {})
        self.w(f"<article class='indicator' id='{h(anchor('indicator', ind.id))}'>\n")
        self.w(f"<h5><strong>{h(ind.name)}</strong> <code>{h(ind.id)}</code>")
        if ind.kind == "qualitative":
            self.w(" <span class='badge'>qualitative</span>")
        self.w("</h5>\n")
        if ind.description:
            self.w(f"<p>{h(ind.description)}</p>\n")
        facts = [
            ("Signals", _refs("aspiration", ind.signals, self.aspiration_texts)),
            ("Fed by", _refs("data", self.fed_by.get(ind.id, ()), self.source_names)),
        ]
        if ind.kind == "quantitative":
            better = "lower is better" if ind.direction == "decrease" else "higher is better"
            facts += [
                ("Unit", h(ind.unit) if ind.unit else "<span class='muted'>none</span>"),
                ("Direction", f"{h(ind.direction)} ({better}); {h(ind.aggregation)} per period"),
                ("Baseline", _measure(ind.baseline, ind.unit)),
                ("Target", _measure(ind.target, ind.unit)),
            ]
            if ind.milestones:
                facts.append(
                    ("Milestones", "; ".join(_measure(m, ind.unit) for m in ind.milestones))
                )
            facts.append(("Latest", _progress_text(row, ind.unit)))
        self.w("<dl class='facts'>\n")
        for term, value in facts:
            self.w(f"<dt>{term}</dt><dd>{value}</dd>\n")
        self.w("</dl>\n")
        svg = self.data.plots.get(ind.id)
        if svg is not None:
            self.w(f"<figure class='trend'>\n{svg}<figcaption>Trend of {h(ind.name)}: ")
            self.w("observations against baseline, milestones and target.</figcaption>\n")
            self.w("</figure>\n")
        elif ind.kind == "qualitative":
            self.qualitative(ind)
        else:
            self.w("<p class='muted'>No observations, baseline or target to plot yet.</p>\n")
        self.w("</article>\n")

    def qualitative(self, ind: Indicator) -> None:
        rows = [o for o in self.case.observations if o.indicator == ind.id]
        if not rows:
            self.w("<p class='finding'>No observations yet.</p>\n")
            return
        self.w("<table><thead><tr><th>Date</th><th>Observation</th></tr></thead><tbody>\n")
        for obs in sorted(rows, key=lambda o: o.date):
            self.w(f"<tr><td>{h(obs.date.isoformat())}</td><td>{h(obs.value)}</td></tr>\n")
        self.w("</tbody></table>\n")

    def data_table(self, sources: Iterable[DataSource]) -> None:
        self.w(
            "<table><thead><tr><th>Data source</th><th>Method</th><th>Cadence</th>"
            "<th>Owner</th><th>Feeds</th></tr></thead><tbody>\n"
        )
        for src in sources:
            cells = [src.method, src.cadence, src.owner]
            self.w(
                f"<tr id='{h(anchor('data', src.id))}'><td>{h(src.name)} "
                f"<code>{h(src.id)}</code></td>"
            )
            for cell in cells:
                self.w(f"<td>{h(cell) if cell else ''}</td>")
            self.w(f"<td>{_refs('indicator', src.indicators, self.indicator_names)}</td></tr>\n")
        self.w("</tbody></table>\n")

    # --- stories and the matrix ----------------------------------------------------

    def stories(self) -> None:
        self.w("<section id='stories'>\n<h2>Value-creation stories</h2>\n")
        if not self.case.stories:
            self.w(
                "<p class='finding'>No stories yet. Stories give the causal picture that "
                "indicators cannot: collect a few, each tracing one person's contribution "
                "across cycles.</p>\n"
            )
        for story in self.case.stories:
            self.story(story)
        self.w("</section>\n")

    def story(self, story: Story) -> None:
        data = self.data
        self.w(f"<article class='story' id='{h(anchor('story', story.id))}'>\n")
        self.w(f"<h3>{h(story.title)} <code>{h(story.id)}</code></h3>\n")
        facts = []
        narrator = narrator_line(story, data.audience)
        if narrator is not None:
            facts.append(("Narrator", h(narrator)))
        elif story.consent == "anonymous":
            facts.append(("Narrator", "<span class='muted'>anonymous</span>"))
        if story.date is not None:
            facts.append(("Told", h(story.date.isoformat())))
        v = story.verification
        check = h(v.status)
        if v.by:
            check += f" by {h(v.by)}"
        if v.date is not None:
            check += f" ({h(v.date.isoformat())})"
        facts.append(("Verification", check))
        reach = data.story_reach(story)
        facts.append(("Reaches", h(data.cycle_name(reach)) if reach else "no value-chain cycle"))
        if story.tags:
            facts.append(("Tags", ", ".join(h(t) for t in story.tags)))
        self.w("<dl class='facts'>\n")
        for term, value in facts:
            self.w(f"<dt>{term}</dt><dd>{value}</dd>\n")
        self.w("</dl>\n<ol>\n")
        for step in story.steps:
            hoped = " <span class='badge hoped'>hoped for</span>" if step.aspirational else ""
            self.w(f"<li><strong>{h(data.cycle_name(step.cycle))}</strong>{hoped}: ")
            self.w(h(step.text))
            if step.indicators or step.observations:
                self.w("<br><span class='cites'>cites ")
                self.w(_refs("indicator", step.indicators, self.indicator_names))
                if step.observations:
                    self.w("; observations " + ", ".join(
                        f"<code>{h(o)}</code>" for o in step.observations
                    ))  # fmt: skip
                self.w("</span>")
            self.w("</li>\n")
        self.w("</ol>\n</article>\n")

    def matrix(self) -> None:
        m = self.data.matrix
        self.w("<section id='matrix'>\n<h2>The value-creation matrix</h2>\n")
        self.w(
            "<p>Stories against cycles: each cell is the story's step in that cycle and the "
            "indicators it cites. Indicators give breadth, stories give causality.</p>\n"
        )
        if not m["stories"]:
            self.w("<p class='finding'>No stories, so the matrix is empty.</p>\n</section>\n")
            return
        cells: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for cell in m["cells"]:
            cells.setdefault((cell["story"], cell["cycle"]), []).append(cell)
        titles = {s.id: s.title for s in self.case.stories}
        self.w("<div style='overflow-x:auto'><table class='matrix'><thead><tr><th>Story</th>")
        for key in m["cycles"]:
            self.w(f"<th>{h(self.data.cycle_name(key))}</th>")
        self.w("</tr></thead><tbody>\n")
        for sid in m["stories"]:
            self.w(
                f"<tr><th><a href='#{h(anchor('story', sid))}'>{h(titles.get(sid, sid))}</a></th>"
            )
            for key in m["cycles"]:
                self.w("<td>")
                for cell in cells.get((sid, key), ()):
                    hoped = (
                        " <span class='badge hoped'>hoped for</span>"
                        if cell["aspirational"]
                        else ""
                    )
                    self.w(f"<p>{h(cell['text'])}{hoped}")
                    if cell["indicators"]:
                        self.w("<br><span class='cites'>")
                        self.w(_refs("indicator", cell["indicators"], self.indicator_names))
                        self.w("</span>")
                    self.w("</p>")
                self.w("</td>")
            self.w("</tr>\n")
        self.w("</tbody></table></div>\n</section>\n")

    # --- the graph and its queries ------------------------------------------------

    def graph(self) -> None:
        self.w("<section id='graph'>\n<h2>The value-creation graph</h2>\n")
        svg = self.data.graph_svg
        if svg is None:
            self.w("<p class='muted'>The picture needs matplotlib (the plots extra).</p>\n")
        else:
            self.w(
                "<figure class='graph'>\n" + svg + "<figcaption>The indicators, by cycle, "
                "and the flows of value between them: a flow is drawn as thick as the "
                "stories behind it, and grey when it is declared but no story tells it."
                "</figcaption>\n</figure>\n"
            )
        self.w("</section>\n")

    def chains(self) -> None:
        self.w("<section id='chains'>\n<h2>Value chains</h2>\n")
        self.w(
            "<p>Paths of value from an indicator of one cycle to an indicator of a later "
            "one, through declared flows and the flows stories show. The weakest link is "
            "the link with the fewest stories behind it.</p>\n"
        )
        if not self.data.chains:
            self.w(
                "<p class='finding'>No value chains: no flow links an indicator of one "
                "value-chain cycle to one of a later cycle.</p>\n</section>\n"
            )
            return
        self.w("<ol>\n")
        names = self.indicator_names
        for chain in self.data.chains:
            path = " &rarr; ".join(_refs("indicator", [i], names) for i in chain["indicators"])
            weakest = chain["weakest"]
            self.w(f"<li class='chain'>{path}<br><span class='cites'>weakest link: ")
            self.w(f"{weakest} stor{'y' if weakest == 1 else 'ies'}; links: ")
            links = []
            for link in chain["links"]:
                how = "declared" if link["declared"] else "from stories"
                n = len(link["stories"])
                links.append(f"{how}, {n} stor{'y' if n == 1 else 'ies'}")
            self.w(h("; ".join(links)) + "</span></li>\n")
        self.w("</ol>\n")
        if self.data.chains_truncated:
            self.w("<p class='muted'>More chains exist than are listed here.</p>\n")
        self.w("</section>\n")

    def gaps(self) -> None:
        gaps = self.data.gaps
        self.w("<section id='gaps'>\n<h2>Gaps</h2>\n")
        if not gaps:
            self.w("<p>No gaps found.</p>\n</section>\n")
            return
        self.w(f"<p>{len(gaps)} gap{'s' if len(gaps) != 1 else ''}: holes in the plan or ")
        self.w("the evidence, worth a look before the next round.</p>\n")
        self.w(
            "<table><thead><tr><th>Kind</th><th>Cycle</th><th>Item</th><th>What</th></tr>"
            "</thead><tbody>\n"
        )
        for gap in gaps:
            cycle = self.data.cycle_name(gap["cycle"]) if gap["cycle"] else ""
            self.w(
                f"<tr><td>{h(gap['kind'])}</td><td>{h(cycle)}</td>"
                f"<td><code>{h(gap['id'])}</code></td><td>{h(gap['message'])}</td></tr>\n"
            )
        self.w("</tbody></table>\n</section>\n")

    def coverage(self) -> None:
        cells = {(c["cycle"], c["round"]): c["count"] for c in self.data.coverage}
        rounds = self.data.framework.rounds
        self.w("<section id='coverage'>\n<h2>Coverage</h2>\n")
        self.w("<p>How many items each round of each cycle has; a zero is still blank.</p>\n")
        self.w("<table><thead><tr><th>Cycle</th>")
        for rnd in rounds:
            self.w(f"<th class='num'>{h(rnd.name)}</th>")
        self.w("</tr></thead><tbody>\n")
        for view in self.data.cycles:
            self.w(f"<tr><th>{h(view.cycle.name)}</th>")
            for rnd in rounds:
                n = cells.get((view.cycle.key, rnd.key), 0)
                cls = "num zero" if n == 0 else "num"
                self.w(f"<td class='{cls}'>{n}</td>")
            self.w("</tr>\n")
        self.w("</tbody></table>\n</section>\n")


def _paragraphs(text: str, css: str = "") -> str:
    """Plain text as HTML paragraphs; a run of lines starting with ``- `` is a list."""
    cls = f" class='{css}'" if css else ""
    out = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{h(line[2:])}</li>" for line in lines)
            out.append(f"<ul{cls}>{items}</ul>\n")
        elif lines:
            out.append(f"<p{cls}>{h(' '.join(lines))}</p>\n")
    return "".join(out)


def _progress_text(row: dict[str, Any], unit: str | None) -> str:
    latest = row.get("latest")
    if latest is None:
        return "<span class='muted'>no observations yet</span>"
    text = h(_number(latest)) + (f" {h(unit)}" if unit else "")
    change = row.get("change")
    if change is not None:
        sign = "+" if change > 0 else ""
        text += f"; change since baseline {sign}{h(_number(change))}"
    progress = row.get("progress")
    if progress is not None:
        text += f"; {round(progress * 100)}% of the way to the target"
    return text


def render_html(data: ReportData) -> str:
    """The whole report as one HTML page (a string)."""
    return _Page(data).render()


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
