"""The report as one self-contained HTML page: inline CSS and SVG, no scripts, no requests."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from typing import Final
from urllib.parse import quote

from valuecycles._version import __version__
from valuecycles.evidence import IndicatorProgress
from valuecycles.graph import Chain
from valuecycles.model import Condition, DataSource, Indicator, Measure, Observation, Story
from valuecycles.report import _words as words
from valuecycles.report._data import (
    CHAINS_SHOWN,
    MATRIX_ROWS,
    PAIR_FLOWS,
    SECTIONS,
    STORIES_LISTED,
    STORIES_TOLD,
    CycleView,
    ReportData,
    narrator_line,
)

__all__ = ["ON_TRACK", "anchor", "h", "render_html"]

_CSS: Final = """
:root { --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --soft: #f4f6f8;
  --accent: #1f5f8b; --warn: #9a4d00; --good: #2e7d32; --bad: #b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 64rem; padding: 1rem 1.25rem 4rem;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; overflow-wrap: break-word; }
h1 { font-size: 1.8rem; margin: .1rem 0 .2rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
h5 { font-size: 1rem; margin: .1rem 0 .3rem; font-weight: normal; }
p.kicker { color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: .06em;
  font-size: .8rem; }
p.note { color: var(--muted); font-size: .8rem; }
p.facts-line { margin: .1rem 0 .4rem; color: var(--muted); font-size: .92rem; }
nav ol { columns: 2; padding-left: 1.2rem; margin: .3rem 0; }
nav h2 { margin-top: 1.4rem; }
code { font: .85em/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  background: var(--soft); padding: .05em .3em; border-radius: 3px; overflow-wrap: anywhere; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.cycle { border-left: 4px solid var(--line); padding-left: 1rem; margin-top: 1.5rem; }
.cycle.empty { border-left-color: var(--warn); }
.finding { color: var(--warn); font-weight: 600; }
.badge { display: inline-block; font-size: .75rem; padding: .05rem .45rem;
  border: 1px solid var(--line); border-radius: 1rem; color: var(--muted);
  vertical-align: middle; margin-left: .3rem; }
.badge.risk { color: var(--warn); border-color: var(--warn); }
.badge.hoped { color: var(--accent); border-color: var(--accent); }
.on-track { color: var(--good); font-weight: 600; }
.behind { color: var(--bad); font-weight: 600; }
.without-data { color: var(--muted); }
.indicator { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem;
  margin: .8rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
  margin: .4rem 0; font-size: .92rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; min-width: 0; }
figure { margin: .6rem 0; }
figure svg { display: block; }
svg.plot { width: 100%; height: auto; max-width: 27rem; }
svg.graph { width: 100%; height: auto; }
figcaption { font-size: .85rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.zero { color: var(--warn); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; max-width: 100%; margin: .4rem 0;
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)),
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) 100% 0,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.25), rgba(0,0,0,0)),
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) 100% 0;
  background-repeat: no-repeat; background-size: 2.5rem 100%, 2.5rem 100%, 1rem 100%, 1rem 100%;
  background-attachment: local, local, scroll, scroll; }
.scroll > table { margin: 0; min-width: 36rem; }
.scroll > table.wide { min-width: 48rem; }
.scroll > svg { display: block; }
p.cue { display: none; margin: .2rem 0 0; font-size: .85rem; color: var(--muted); }
.summary { border: 1px solid var(--line); border-radius: 8px; padding: .2rem 1rem .6rem;
  margin-top: .6rem; }
.summary h2 { margin: .5rem 0 .4rem; font-size: 1.25rem; }
.summary h3 { font-size: 1rem; margin: .5rem 0 .2rem; }
.summary table { font-size: .9rem; }
.summary table.standing { min-width: 0; }
.summary table.standing th, .summary table.standing td { padding: .2rem .4rem; }
.summary ol, .summary ul { margin: .2rem 0; padding-left: 1.3rem; }
.summary li { margin: .1rem 0; }
.summary p { margin: .3rem 0; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 0 1.4rem; }
.story { border-top: 1px solid var(--line); padding-top: .4rem; }
.story ol li { margin: .25rem 0; }
.cites { font-size: .85rem; color: var(--muted); }
.chain { margin: .3rem 0; }
details > summary { cursor: pointer; color: var(--accent); margin: .4rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  body { padding: .75rem .75rem 3rem; }
  h1 { font-size: 1.5rem; }
  .columns { grid-template-columns: minmax(0, 1fr); }
  .indicator { padding: .5rem .5rem; }
  .summary { padding: .1rem .4rem .5rem; }
  .summary .overdue { display: none; }
  .summary table.standing { font-size: .8rem; }
  .summary table.standing th, .summary table.standing td { padding: .2rem .2rem; }
  .cycle { padding-left: .6rem; }
  nav ol { columns: 1; }
  p.cue { display: block; }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dd { margin-bottom: .3rem; }
}
@media print { nav { display: none; } .indicator, .story { break-inside: avoid; }
  .scroll { overflow: visible; } }
"""

_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

#: What "on track" means, said on the page and in the docs.
ON_TRACK: Final = (
    "On track: an indicator's progress (0 at its baseline, 1 at its target) is at least the "
    "share of the time from its baseline's date to its target's date that has passed; "
    "without data: no observation yet, or no baseline or target to measure against."
)


def h(value: object) -> str:
    """User text (or any value) escaped for HTML text and attributes."""
    return html.escape(str(value), quote=True)


def anchor(kind: str, ident: str) -> str:
    """An HTML id for an element of the case: stable, unique, no spaces."""
    return f"{kind}-{quote(ident, safe='').replace('%', ':')}"


def _measure(m: Measure | None, unit: str | None) -> str:
    text = words.measure_text(m, unit)
    return h(text) if text is not None else "<span class='muted'>none</span>"


def _refs(kind: str, ids: Iterable[str], names: dict[str, str] | None = None) -> str:
    parts = []
    for ident in ids:
        label = h(names[ident]) if names and ident in names else f"<code>{h(ident)}</code>"
        parts.append(f"<a href='#{h(anchor(kind, ident))}'>{label}</a>")
    return ", ".join(parts) if parts else "<span class='muted'>none</span>"


def _short(name: str) -> str:
    """A cycle's name without the " value" every cycle's name ends with, for a narrow column."""
    return name[: -len(" value")] if name.lower().endswith(" value") and len(name) > 6 else name


def _scroll(inner: str) -> str:
    """A wide element in its own sideways-scrolling box, with a cue on narrow screens."""
    return (
        f"<div class='scroll'>{inner}</div>\n"
        "<p class='cue' aria-hidden='true'>Scroll sideways for more &rarr;</p>\n"
    )


class _Page:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.case = data.case
        self.out: list[str] = []
        self.indicator_names = data.indicator_names()
        self.aspiration_texts = {a.id: a.text for _c, a in self.case.aspirations()}
        self.signalled_by: dict[str, list[str]] = defaultdict(list)
        self.fed_by: dict[str, list[str]] = defaultdict(list)
        self.supported_by: dict[str, list[str]] = defaultdict(list)
        for _c, ind in self.case.indicators():
            for ref in ind.signals:
                self.signalled_by[ref].append(ind.id)
        for _c, src in self.case.data_sources():
            for ref in src.indicators:
                self.fed_by[ref].append(src.id)
        for _c, cond in self.case.conditions():
            for ref in cond.supports:
                self.supported_by[ref].append(cond.id)
        self.source_names = {s.id: s.name for _c, s in self.case.data_sources()}
        self.condition_texts = {c.id: c.text for _c, c in self.case.conditions()}
        self.observed: dict[str, list[Observation]] = defaultdict(list)
        for obs in self.case.observations:
            self.observed[obs.indicator].append(obs)

    def w(self, text: str) -> None:
        self.out.append(text)

    def name(self, ident: str) -> str:
        return self.indicator_names.get(ident, ident)

    def render(self) -> str:
        community = self.case.community
        self.w("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n")
        self.w(f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">\n")
        self.w("<meta name='viewport' content='width=device-width, initial-scale=1'>\n")
        self.w(f"<meta name='generator' content='valuecycles {h(__version__)}'>\n")
        self.w(f"<title>Value creation: {h(community.name)}</title>\n")
        self.w(f"<style>{_CSS}</style>\n</head>\n<body>\n")
        self.header()
        self.summary()
        self.nav()
        self.progress()
        self.chains()
        self.gaps()
        self.graph()
        self.cycles()
        self.stories()
        self.matrix()
        self.coverage()
        self.w(
            "<footer><p>Made with valuecycles "
            f"{h(__version__)}, after the Value Creation Framework of Etienne and "
            "Beverly Wenger-Trayner.</p></footer>\n</body>\n</html>\n"
        )
        return "".join(self.out)

    # --- the first screen ------------------------------------------------------------

    def header(self) -> None:
        case, data = self.case, self.data
        fw = data.framework
        self.w("<header id='community'>\n<p class='kicker'>Value creation report</p>\n")
        self.w(f"<h1>{h(case.community.name)}</h1>\n")
        planned = sum(1 for _ in case.elements())
        empty = sum(1 for v in data.cycles if v.empty)
        facts = [
            f"{h(fw.title or fw.name)} <span title='framework'>({h(fw.name)}, version "
            f"{h(fw.version)})</span>",
            f"{words.plural(planned, 'item')} planned in {len(data.cycles) - empty} of "
            f"{len(data.cycles)} cycles",
            f"{words.plural(len(case.observations), 'observation')}, "
            f"{words.plural(len(case.stories), 'story', 'stories')}",
            f"as of {h(data.as_of.isoformat())}",
        ]
        if data.audience == "public":
            facts.append("public: names shared only with the narrator's consent")
        self.w(f"<p class='facts-line'>{' &middot; '.join(facts)}</p>\n")
        self.w("</header>\n")

    def summary(self) -> None:
        data, s = self.data, self.data.summary
        self.w("<section id='summary' class='summary'>\n<h2>Where the community stands</h2>\n")
        self.w("<div class='columns'>\n<div>\n")
        if s.cycles:
            self.w(
                "<div class='scroll'><table class='standing'><thead><tr><th>Cycle</th>"
                "<th class='num'>On track</th><th class='num'>Behind</th>"
                "<th class='num'>Without data</th>"
                "<th class='num'>Gaps</th><th class='num overdue'>Overdue</th></tr></thead>"
                "<tbody>\n"
            )
            for line in s.cycles:
                key = line.cycle.key
                self.w(
                    f"<tr><th><a href='#{h(anchor('cycle', key))}'>"
                    f"{h(_short(line.cycle.name))}</a></th>"
                )
                for css, n in (
                    ("on-track", len(line.on_track)),
                    ("behind", len(line.behind)),
                    ("without-data", len(line.without_data)),
                ):
                    if n:
                        self.w(f"<td class='num {css}'><a href='#progress-{h(key)}'>{n}</a></td>")
                    else:
                        self.w("<td class='num muted'>0</td>")
                gaps = f"<a href='#gaps'>{line.gaps}</a>" if line.gaps else "0"
                self.w(f"<td class='num'>{gaps}</td>")
                overdue = (
                    f"<a href='#gaps-data-overdue'>{line.overdue}</a>" if line.overdue else "0"
                )
                self.w(f"<td class='num overdue'>{overdue}</td></tr>\n")
            self.w("</tbody></table></div>\n")
        else:
            self.w("<p class='finding'>Nothing is planned yet.</p>\n")
        self.w(
            "<p class='note'>On track: progress at least the share of the time from baseline "
            "to target that has passed (<a href='#progress'>more</a>).</p>\n"
        )
        self.w("</div>\n<div>\n<h3>Gaps</h3>\n")
        if s.gap_kinds:
            items = ", ".join(
                f"<a href='#gaps-{h(kind)}'>{h(kind.replace('-', ' '))}</a> {n}"
                for kind, n in s.gap_kinds
            )
            self.w(f"<p>{items}</p>\n")
        else:
            self.w("<p>No gaps found.</p>\n")
        self.w("<h3>Overdue data</h3>\n")
        if s.overdue:
            shown = s.overdue[:3]
            parts = []
            for gap in shown:
                due = f" (due {h(gap.due.isoformat())})" if gap.due else ""
                label = self.source_names.get(gap.id, gap.id)
                parts.append(f"<a href='#{h(anchor('data', gap.id))}'>{h(label)}</a>{due}")
            more = len(s.overdue) - len(shown)
            tail = f"; <a href='#gaps-data-overdue'>{more} more</a>" if more else ""
            self.w(f"<p>{'; '.join(parts)}{tail}</p>\n")
        else:
            self.w("<p>None overdue.</p>\n")
        self.w("</div>\n</div>\n<div class='columns'>\n<div>\n<h3>Strongest chains</h3>\n")
        if s.chains:
            self.w("<ol>\n")
            for chain in s.chains:
                self.w(f"<li>{self.chain_line(chain, links=False)}</li>\n")
            self.w(f"</ol>\n<p><a href='#chains'>All {len(data.chains)} chains</a></p>\n")
        else:
            self.w("<p><a href='#chains'>No value chains yet.</a></p>\n")
        self.w("</div>\n<div>\n<h3>Strongest stories</h3>\n")
        if s.stories:
            self.w("<ol>\n")
            for story in s.stories:
                reach = data.cycle_name(story.reach) if story.reach else "no value-chain cycle"
                self.w(
                    f"<li><a href='#{h(anchor('story', story.id))}'>{h(story.title)}</a> "
                    f"<span class='muted'>reaches {h(reach)}; {h(story.verification)}</span></li>\n"
                )
            self.w("</ol>\n")
            reach_counts = ", ".join(
                f"{h(data.cycle_name(k) if k else 'no value-chain cycle')} {words.number(n)}"
                for k, n in s.by_reach
            )
            checks = ", ".join(f"{h(k)} {words.number(n)}" for k, n in s.by_verification)
            self.w(
                f"<p class='muted'><a href='#stories'>"
                f"{words.plural(len(data.stories), 'story', 'stories')}</a>: by reach "
                f"{reach_counts}; {checks}</p>\n"
            )
        else:
            self.w("<p><a href='#stories'>No stories yet.</a></p>\n")
        self.w("</div>\n</div>\n</section>\n")
        if self.case.community.description:
            self.w("<section id='about'>\n")
            self.w(_paragraphs(self.case.community.description))
            self.w("</section>\n")

    def nav(self) -> None:
        self.w("<nav aria-label='Contents'><h2>Contents</h2><ol>\n")
        for key, title in SECTIONS[2:]:
            self.w(f"<li><a href='#{key}'>{title}</a></li>\n")
        self.w("</ol></nav>\n")

    # --- progress, chains, gaps, the graph ---------------------------------------------

    def progress(self) -> None:
        data = self.data
        self.w("<section id='progress'>\n<h2>Progress</h2>\n")
        rows = [
            (view, ind)
            for view in data.cycles
            for ind in view.plan.indicators
            if ind.kind == "quantitative"
        ]
        if not rows:
            self.w("<p class='finding'>No quantitative indicators yet.</p>\n</section>\n")
            return
        self.w(
            "<p>Each quantitative indicator: its latest value against its baseline and "
            f"target. {h(ON_TRACK)}</p>\n"
        )
        table = [
            "<table class='wide'><thead><tr><th>Indicator</th><th>Latest</th><th>Baseline</th>"
            "<th>Target</th><th class='num'>Progress</th><th class='num'>Expected by now</th>"
            "<th>Standing</th></tr></thead><tbody>\n"
        ]
        current = None
        for view, ind in rows:
            if view.cycle.key != current:
                current = view.cycle.key
                table.append(
                    f"<tr id='progress-{h(current)}'><th colspan='7'>"
                    f"{h(view.cycle.name)}</th></tr>\n"
                )
            row = data.progress.get(ind.id)
            state = data.summary.standings.get(ind.id, "without-data")
            latest = "<span class='muted'>none</span>"
            if row is not None and row.latest is not None:
                latest = h(words.number(row.latest)) + (f" {h(ind.unit)}" if ind.unit else "")
                point = row.latest_point
                if point is not None:
                    latest += f" <span class='muted'>({h(point.period)})</span>"
            share = words.expected_share(ind.baseline, ind.target, data.as_of)
            done = "" if row is None or row.progress is None else f"{round(row.progress * 100)}%"
            expected = "" if share is None else f"{round(share * 100)}%"
            table.append(
                f"<tr><td><a href='#{h(anchor('indicator', ind.id))}'>{h(ind.name)}</a></td>"
                f"<td>{latest}</td><td>{_measure(ind.baseline, ind.unit)}</td>"
                f"<td>{_measure(ind.target, ind.unit)}</td><td class='num'>{done}</td>"
                f"<td class='num'>{expected}</td>"
                f"<td class='{state}'>{h(words.STANDINGS[state])}</td></tr>\n"
            )
        table.append("</tbody></table>")
        self.w(_scroll("".join(table)))
        self.w("</section>\n")

    def chain_line(self, chain: Chain, *, links: bool = True) -> str:
        names, note = words.chain_words(chain, self.name)
        if not links and len(names) > 3:
            names = [names[0], f"… {len(names) - 2} more …", names[-1]]
        if links:
            path = " &rarr; ".join(
                f"<a href='#{h(anchor('indicator', i))}'>{h(n)}</a>"
                for i, n in zip(chain.indicators, names, strict=True)
            )
        else:
            path = " &rarr; ".join(h(n) for n in names)
        return f"{path}<span class='muted'>; {h(note)}</span>"

    def chains(self) -> None:
        chains = self.data.chains
        self.w("<section id='chains'>\n<h2>Value chains</h2>\n")
        self.w(
            "<p>Paths of value from an indicator of one cycle to an indicator of a later "
            "one, through declared flows and the flows stories show; strongest first (the "
            "most stories behind every link).</p>\n"
        )
        if not chains:
            self.w(
                "<p class='finding'>No value chains: no flow links an indicator of one "
                "value-chain cycle to one of a later cycle.</p>\n</section>\n"
            )
            return
        self.w("<ol>\n")
        for chain in chains[:CHAINS_SHOWN]:
            self.w(f"<li class='chain'>{self.chain_line(chain)}</li>\n")
        self.w("</ol>\n")
        rest = chains[CHAINS_SHOWN:]
        if rest:
            self.w(
                f"<details><summary>{words.plural(len(rest), 'more chain')}</summary>\n"
                f"<ol start='{CHAINS_SHOWN + 1}'>\n"
            )
            for chain in rest:
                self.w(f"<li class='chain'>{self.chain_line(chain)}</li>\n")
            self.w("</ol>\n</details>\n")
        if self.data.chains_truncated:
            self.w(
                "<p class='muted'>More chains exist than are listed here; "
                "<code>valuecycles query chains</code> lists them.</p>\n"
            )
        self.w("</section>\n")

    def gaps(self) -> None:
        gaps = self.data.gaps
        self.w("<section id='gaps'>\n<h2>Gaps</h2>\n")
        if not len(gaps):
            self.w("<p>No gaps found.</p>\n</section>\n")
            return
        self.w(f"<p>{words.plural(len(gaps), 'gap')}: holes in the plan or ")
        self.w("the evidence, worth a look before the next round.</p>\n")
        table = [
            "<table><thead><tr><th>Kind</th><th>Cycle</th><th>Item</th><th>What</th></tr>"
            "</thead><tbody>\n"
        ]
        seen: set[str] = set()
        for gap in gaps:
            cycle = self.data.cycle_name(gap.cycle) if gap.cycle else ""
            first = "" if gap.kind in seen else f" id='gaps-{h(gap.kind)}'"
            seen.add(gap.kind)
            table.append(
                f"<tr{first}><td>{h(gap.kind)}</td><td>{h(cycle)}</td>"
                f"<td><code>{h(gap.id)}</code></td><td>{h(gap.message)}</td></tr>\n"
            )
        table.append("</tbody></table>")
        self.w(_scroll("".join(table)))
        self.w("</section>\n")

    def graph(self) -> None:
        data = self.data
        self.w("<section id='graph'>\n<h2>The value-creation graph</h2>\n")
        if not data.pictures:
            self.w("<p class='muted'>No indicators to draw yet.</p>\n</section>\n")
            return
        indicators, flows = data.graph_size
        if data.graph_whole:
            self.w("<p>The indicators, by cycle, and the flows of value between them.</p>\n")
        else:
            self.w(
                f"<p>This case has {words.plural(indicators, 'indicator')} and "
                f"{words.plural(flows, 'flow')}, more than one picture can show legibly, so "
                "the graph is drawn one pair of cycles at a time, each with its strongest "
                f"flows (at most {PAIR_FLOWS}) and the indicators they link. The chains and "
                "the exports (<code>valuecycles export --to graphml</code>) carry every "
                "flow.</p>\n"
            )
        for picture in data.pictures:
            self.w("<figure class='graph'>\n" + _scroll(picture.svg))
            caption = ""
            if picture.flows_drawn < picture.flows_total:
                caption = (
                    f"The {picture.flows_drawn} strongest of {picture.flows_total} flows "
                    "between these cycles."
                )
            elif not data.graph_whole:
                caption = f"Every flow between these cycles ({picture.flows_total})."
            if picture.indicators_left_out:
                caption += (
                    f" {words.plural(picture.indicators_left_out, 'indicator')} with no flow "
                    "drawn here left out."
                )
            if caption:
                self.w(f"<figcaption>{h(caption.strip())}</figcaption>\n")
            self.w("</figure>\n")
        self.w("</section>\n")

    # --- the cycles --------------------------------------------------------------------

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
        row = self.data.progress.get(ind.id)
        self.w(f"<article class='indicator' id='{h(anchor('indicator', ind.id))}'>\n")
        self.w(f"<h5><strong>{h(ind.name)}</strong> <code>{h(ind.id)}</code>")
        if ind.kind == "qualitative":
            self.w(" <span class='badge'>qualitative</span>")
        else:
            state = self.data.summary.standings.get(ind.id, "without-data")
            self.w(f" <span class='badge {state}'>{h(words.STANDINGS[state])}</span>")
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
            facts.append(("Latest", h(words.progress_text(row, ind.unit))))
        self.w("<dl class='facts'>\n")
        for term, value in facts:
            self.w(f"<dt>{term}</dt><dd>{value}</dd>\n")
        self.w("</dl>\n")
        svg = self.data.plots.get(ind.id)
        if svg is not None:
            self.w(f"<figure class='trend'>\n{svg}<figcaption>Trend of {h(ind.name)}: ")
            self.w("observations against baseline, milestones and target")
            if row is not None and len(row.series) > 160:
                self.w(" (a long series is thinned for the picture; the table has every period)")
            self.w(".</figcaption>\n</figure>\n")
            self.figures(ind, row)
        elif ind.kind == "qualitative":
            self.qualitative(ind)
        else:
            self.w("<p class='muted'>No observations, baseline or target to plot yet.</p>\n")
        self.w("</article>\n")

    def figures(self, ind: Indicator, row: IndicatorProgress | None) -> None:
        """Every period of the series (and each contribution group's), folded."""
        if row is None or not row.series:
            return
        groups = words.contribution_groups(row)
        self.w(f"<details><summary>The figures ({words.plural(len(row.series), 'period')})")
        self.w("</summary>\n")
        table = [
            "<table><thead><tr><th>Period</th><th class='num'>Value</th>"
            "<th class='num'>Observations</th></tr></thead><tbody>\n"
        ]
        for p in row.series:
            value = "" if p.value is None else h(words.number(p.value))
            table.append(
                f"<tr><td>{h(p.period)}</td><td class='num'>{value}</td>"
                f"<td class='num'>{p.observations}</td></tr>\n"
            )
        table.append("</tbody></table>")
        self.w(_scroll("".join(table)))
        for label, points in groups:
            self.w(f"<p>Contribution data, {h(label)}:</p>\n")
            cells = "".join(
                f"<tr><td>{h(day.isoformat())}</td>"
                f"<td class='num'>{h(words.number(value))}</td></tr>\n"
                for day, value in points
            )
            self.w(
                _scroll(
                    "<table><thead><tr><th>Date</th><th class='num'>Value</th></tr></thead>"
                    f"<tbody>\n{cells}</tbody></table>"
                )
            )
        self.w("</details>\n")

    def qualitative(self, ind: Indicator) -> None:
        rows = self.observed.get(ind.id, [])
        if not rows:
            self.w("<p class='finding'>No observations yet.</p>\n")
            return
        table = ["<table><thead><tr><th>Date</th><th>Observation</th></tr></thead><tbody>\n"]
        for obs in sorted(rows, key=lambda o: o.date):
            table.append(f"<tr><td>{h(obs.date.isoformat())}</td><td>{h(obs.value)}</td></tr>\n")
        table.append("</tbody></table>")
        if len(rows) > 10:
            self.w(f"<details><summary>{words.plural(len(rows), 'observation')}</summary>\n")
            self.w(_scroll("".join(table)) + "</details>\n")
        else:
            self.w(_scroll("".join(table)))

    def data_table(self, sources: Iterable[DataSource]) -> None:
        self.w(
            "<div class='scroll'><table><thead><tr><th>Data source</th><th>Method</th>"
            "<th>Cadence</th><th>Owner</th><th>Feeds</th></tr></thead><tbody>\n"
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
        self.w(
            "</tbody></table></div>\n"
            "<p class='cue' aria-hidden='true'>Scroll sideways for more &rarr;</p>\n"
        )

    # --- stories and the matrix ----------------------------------------------------

    def stories(self) -> None:
        data = self.data
        self.w("<section id='stories'>\n<h2>Value-creation stories</h2>\n")
        if not self.case.stories:
            self.w(
                "<p class='finding'>No stories yet. Stories give the causal picture that "
                "indicators cannot: collect a few, each tracing one person's contribution "
                "across cycles.</p>\n</section>\n"
            )
            return
        by_id = {s.id: s for s in self.case.stories}
        order = data.story_order()
        told, listed = order[:STORIES_TOLD], order[STORIES_TOLD:STORIES_LISTED]
        if len(order) > len(told):
            self.w(
                f"<p>{words.plural(len(order), 'story', 'stories')}, strongest first "
                f"(substantiated, then corroborated; the furthest reach first): the first "
                f"{len(told)} told in full.</p>\n"
            )
        for brief in told:
            self.story(by_id[brief.id], brief.reach)
        if listed:
            self.w(
                f"<details><summary>{words.plural(len(listed), 'more story', 'more stories')}"
                "</summary>\n<ol>\n"
            )
            for brief in listed:
                reach = data.cycle_name(brief.reach) if brief.reach else "no value-chain cycle"
                self.w(
                    f"<li id='{h(anchor('story', brief.id))}'>{h(brief.title)} "
                    f"<span class='muted'>reaches {h(reach)}; {h(brief.verification)}</span></li>\n"
                )
            self.w("</ol>\n</details>\n")
        left = len(order) - len(told) - len(listed)
        if left > 0:
            self.w(
                f"<p class='muted'>{words.plural(left, 'more story', 'more stories')} not "
                "listed here; <code>valuecycles query stories</code> lists every one.</p>\n"
            )
        self.w("</section>\n")

    def story(self, story: Story, reach: str | None) -> None:
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
            "indicators it cites. Indicators give breadth, stories give causality. Steps are "
            "counted from 1 here, as on screen; the exports and <code>--json</code> count "
            "them from 0.</p>\n"
        )
        if not m.stories:
            self.w("<p class='finding'>No stories, so the matrix is empty.</p>\n</section>\n")
            return
        shown = [s.id for s in self.data.story_order()[:MATRIX_ROWS]]
        wanted = set(shown)
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        for cell in m.cells:
            if cell.story not in wanted:
                continue
            hoped = " <span class='badge hoped'>hoped for</span>" if cell.aspirational else ""
            label = f"<span class='muted'>{h(words.step_label(cell.step))}:</span> "
            text = f"<p>{label}{h(cell.text)}{hoped}"
            if cell.indicators:
                text += "<br><span class='cites'>"
                text += _refs("indicator", cell.indicators, self.indicator_names)
                text += "</span>"
            cells[(cell.story, cell.cycle)].append(text + "</p>")
        if len(m.stories) > len(shown):
            self.w(
                f"<p class='muted'>The {len(shown)} strongest of "
                f"{words.plural(len(m.stories), 'story', 'stories')}; "
                "<code>valuecycles query matrix</code> gives every cell.</p>\n"
            )
        titles = {s.id: s.title for s in self.case.stories}
        table = ["<table class='matrix wide'><thead><tr><th>Story</th>"]
        for key in m.cycles:
            table.append(f"<th>{h(self.data.cycle_name(key))}</th>")
        table.append("</tr></thead><tbody>\n")
        for sid in shown:
            table.append(
                f"<tr><th><a href='#{h(anchor('story', sid))}'>{h(titles.get(sid, sid))}</a></th>"
            )
            for key in m.cycles:
                table.append("<td>" + "".join(cells.get((sid, key), ())) + "</td>")
            table.append("</tr>\n")
        table.append("</tbody></table>")
        self.w(_scroll("".join(table)))
        self.w("</section>\n")

    def coverage(self) -> None:
        coverage = self.data.coverage
        rounds = self.data.framework.rounds
        self.w("<section id='coverage'>\n<h2>Coverage</h2>\n")
        self.w("<p>How many items each round of each cycle has; a zero is still blank.</p>\n")
        table = ["<table><thead><tr><th>Cycle</th>"]
        for rnd in rounds:
            table.append(f"<th class='num'>{h(rnd.name)}</th>")
        table.append("</tr></thead><tbody>\n")
        for view in self.data.cycles:
            table.append(f"<tr><th>{h(view.cycle.name)}</th>")
            for rnd in rounds:
                n = coverage.count(view.cycle.key, rnd.key)
                cls = "num zero" if n == 0 else "num"
                table.append(f"<td class='{cls}'>{n}</td>")
            table.append("</tr>\n")
        table.append("</tbody></table>")
        self.w(_scroll("".join(table)))
        self.w("</section>\n")


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


def render_html(data: ReportData) -> str:
    """The whole report as one HTML page (a string)."""
    return _Page(data).render()
