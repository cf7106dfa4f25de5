"""The portfolio report: one self-contained HTML page on many communities.

Summary first (how many communities, the rolled-up figures with how many
communities stand behind each, the stories), then one row per community
(linking to its own report when those are written beside the page), each
indicator's periods, and the cycle x community grids as heat maps. Like the
case report, the page loads nothing and runs no script; every text from a
case or the portfolio file is escaped.
"""

from __future__ import annotations

import html
import os
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from valuecycles._text import atomic_write
from valuecycles._version import __version__
from valuecycles.errors import ValidationError
from valuecycles.portfolio import (
    CaseResult,
    CycleGrid,
    Portfolio,
    RolledIndicator,
    Rollup,
)
from valuecycles.portfolio import (
    format_figure as fig,
)

__all__ = ["render_portfolio_html", "write_portfolio_report"]

_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_CSS: Final = """
:root { --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --soft: #f4f6f8;
  --accent: #1f5f8b; --warn: #9a4d00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 70rem; padding: 1.5rem 1.25rem 4rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--ink); background: #fff; }
h1 { font-size: 2rem; margin: .2rem 0 .4rem; line-height: 1.2; }
h2 { font-size: 1.45rem; margin: 2.4rem 0 .6rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .3rem; }
p.kicker { color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: .06em;
  font-size: .8rem; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
  gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.card .value { font-size: 1.6rem; font-weight: 650; }
.card .name { font-size: .9rem; }
.card .behind { font-size: .85rem; color: var(--muted); }
.meter { height: .4rem; background: var(--soft); border-radius: .2rem; overflow: hidden;
  margin-top: .3rem; }
.meter span { display: block; height: 100%; background: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.none { color: var(--muted); text-align: center; }
.heat td.cell { text-align: center; font-variant-numeric: tabular-nums; min-width: 3rem; }
.heat td.absent { background: repeating-linear-gradient(45deg, #fff, #fff 4px,
  var(--soft) 4px, var(--soft) 8px); color: var(--muted); }
.failed { color: var(--bad); }
ul.problems { font-size: .9rem; }
.bar { display: inline-block; height: .7rem; background: var(--accent); vertical-align: middle;
  margin-right: .4rem; border-radius: 2px; }
"""


def h(value: object) -> str:
    """Any value as escaped HTML text (and attribute) content."""
    return html.escape(str(value), quote=True)


def _heat(value: int, top: int, hue: int) -> str:
    if top <= 0 or value <= 0:
        return "background:#fff"
    t = value / top
    light = 96 - round(56 * t)
    ink = "#fff" if light < 58 else "#1d232a"
    return f"background:hsl({hue},62%,{light}%);color:{ink}"


class _Page:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def w(self, text: str) -> None:
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)


def render_portfolio_html(result: Rollup, *, links: Mapping[str, str] | None = None) -> str:
    """The portfolio report as one HTML page; ``links`` maps a case id to its report's URL.

    >>> import valuecycles as vc
    >>> from valuecycles.report import render_portfolio_html
    >>> result = vc.rollup(vc.load_portfolio("examples/portfolio/portfolio.yaml"))
    >>> page = render_portfolio_html(result)
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page
    (True, False)
    """
    links = links or {}
    page = _Page()
    w = page.w
    title = f"Portfolio report: {result.name}"
    w("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n")
    w(f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">\n")
    w("<meta name='viewport' content='width=device-width, initial-scale=1'>\n")
    w(f"<meta name='generator' content='valuecycles {h(__version__)}'>\n")
    w(f"<title>{h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n")
    w("<header>\n<p class='kicker'>Portfolio report</p>\n")
    w(f"<h1>{h(result.name)}</h1>\n")
    loaded = [c for c in result.cases if c.loaded]
    failed = [c for c in result.cases if not c.loaded]
    when = f" Evidence up to {h(result.as_of)}." if result.as_of else ""
    w(
        f"<p>{len(loaded)} of {len(result.cases)} communities' cases loaded"
        + (
            f"; <span class='failed'>{len(failed)} did not and are counted nowhere</span>"
            if failed
            else ""
        )
        + f".{when}</p>\n</header>\n"
    )
    _summary(page, result)
    _communities(page, result, links)
    _figures(page, result)
    _stories(page, result)
    _grid(page, "coverage", "Coverage", result.coverage, 210, _COVERAGE_NOTE)
    if result.gaps is not None:
        note = f"{_GAPS_NOTE} Overdue data is judged as of {h(result.gaps.as_of)}."
        _grid(page, "gaps", "Gaps", result.gaps, 8, note)
    _problems(page, result)
    w(
        "<footer><p class='muted'>Made with valuecycles "
        f"{h(__version__)}. Figures combine per period; “not reported” is never counted "
        "as zero.</p></footer>\n</body>\n</html>\n"
    )
    return page.text()


_COVERAGE_NOTE: Final = (
    "Each cell counts the elements a community plans in the cycle (aspirations, conditions, "
    "indicators, data); a hatched cell: the cycle is not in that case's framework."
)
_GAPS_NOTE: Final = (
    "Each cell counts a community's gaps in the cycle (aspirations without indicators, "
    "indicators without data, overdue data, ...); a hatched cell: the cycle is not in that "
    "case's framework."
)


def _summary(page: _Page, result: Rollup) -> None:
    w = page.w
    w("<section id='summary'>\n<h2>Summary</h2>\n")
    if not result.indicators:
        w("<p class='muted'>The portfolio file lists no indicators.</p>\n")
    w("<div class='cards'>\n")
    for ind in result.indicators:
        share = 0 if ind.of == 0 else round(100 * ind.reporting / ind.of)
        unit = f" {h(ind.unit)}" if ind.unit and ind.combine != "ratio" else ""
        period = f" in {h(ind.latest_period)}" if ind.latest_period else ""
        w(
            f"<div class='card' id='card-{h(ind.id)}'><div class='name'>{h(ind.name)}</div>"
            f"<div class='value'>{h(fig(ind.latest, ind.combine))}{unit}</div>"
            f"<div class='behind'>{ind.reporting} of {ind.of} communities report it{period}"
            f" ({h(ind.combine)})</div>"
            f"<div class='meter' role='img' aria-label='{ind.reporting} of {ind.of} "
            f"communities'><span style='width:{share}%'></span></div></div>\n"
        )
    s = result.stories
    verified = ", ".join(f"{n} {h(k)}" for k, n in s.by_verification.items())
    w(
        f"<div class='card' id='card-stories'><div class='name'>Value-creation stories</div>"
        f"<div class='value'>{s.total}</div><div class='behind'>from {s.communities} "
        f"communities: {verified}</div></div>\n"
    )
    w("</div>\n</section>\n")


def _communities(page: _Page, result: Rollup, links: Mapping[str, str]) -> None:
    w = page.w
    w("<section id='communities'>\n<h2>Communities</h2>\n<table>\n<thead><tr>")
    w("<th>Community</th><th>Case</th><th>Framework</th><th class='num'>Stories</th>")
    for ind in result.indicators:
        w(f"<th class='num' title='{h(ind.name)}'>{h(ind.id)}</th>")
    w("</tr></thead>\n<tbody>\n")
    for case in result.cases:
        w(f"<tr id='case-{h(case.id)}'>")
        if not case.loaded:
            span = 3 + len(result.indicators)
            first = "; ".join(str(p) for p in case.errors[:3])
            more = f" (and {len(case.errors) - 3} more)" if len(case.errors) > 3 else ""
            w(
                f"<td class='failed'>did not load</td><td>{h(case.id)}</td>"
                f"<td class='failed' colspan='{span}'>{h(first)}{h(more)}</td></tr>\n"
            )
            continue
        name = h(case.community)
        if case.id in links:
            name = f"<a href='{h(links[case.id])}'>{name}</a>"
        w(
            f"<td>{name}</td><td>{h(case.id)}</td><td>{h(case.framework)}</td>"
            f"<td class='num'>{case.stories}</td>"
        )
        latest = _latest_figures(case, result.indicators)
        for ind in result.indicators:
            value = latest.get(ind.id)
            if value is None:
                mapped = case.id in ind.communities
                w(
                    "<td class='none'>"
                    + ("not reported" if mapped else "<span title='not mapped'>·</span>")
                    + "</td>"
                )
            else:
                w(f"<td class='num'>{h(value)}</td>")
        w("</tr>\n")
    w("</tbody>\n</table>\n")
    w(
        "<p class='muted'>Each community's latest figure for each portfolio indicator "
        "(for a ratio: numerator / denominator); “not reported”: mapped, no figure yet; "
        "·: the case maps no indicator to it.</p>\n</section>\n"
    )


def _latest_figures(case: CaseResult, indicators: Iterable[RolledIndicator]) -> dict[str, str]:
    out: dict[str, str] = {}
    by_role: dict[tuple[str, str], Any] = {}
    for f in case.figures:
        by_role[f.indicator, f.role] = f  # figures come in period order: the last wins
    for ind in indicators:
        if ind.combine == "ratio":
            num = by_role.get((ind.id, "numerator"))
            den = by_role.get((ind.id, "denominator"))
            if num is not None and den is not None and num.period == den.period:
                out[ind.id] = f"{fig(num.value)} / {fig(den.value)} ({num.period})"
            continue
        last = by_role.get((ind.id, "value"))
        if last is not None:
            mark = ""
            if last.met is not None:
                mark = " ✓" if last.met else " ✗"
            out[ind.id] = f"{fig(last.value)}{mark} ({last.period})"
    return out


def _figures(page: _Page, result: Rollup) -> None:
    w = page.w
    w("<section id='figures'>\n<h2>Figures by period</h2>\n")
    for ind in result.indicators:
        w(f"<h3 id='indicator-{h(ind.id)}'>{h(ind.name)} <span class='muted'>({h(ind.id)}, ")
        w(f"{h(ind.combine)}{', ' + h(ind.unit) if ind.unit else ''})</span></h3>\n")
        if not ind.periods:
            w(f"<p class='muted'>No community has reported it yet (0 of {ind.of}).</p>\n")
            continue
        carried = ind.combine == "latest"
        w("<table>\n<thead><tr><th>Period</th><th class='num'>Value</th>")
        w("<th class='num'>Reporting</th>")
        if carried:
            w("<th class='num'>Carried from earlier</th>")
        w("</tr></thead>\n<tbody>\n")
        for p in ind.periods:
            share = 0 if ind.of == 0 else 100 * p.reporting / ind.of
            w(
                f"<tr><td>{h(p.period)}</td><td class='num'>{h(fig(p.value, ind.combine))}"
                f"</td><td class='num'><span class='bar' style='width:{share / 25:.2f}rem'>"
                f"</span>{p.reporting} of {ind.of}</td>"
            )
            if carried:
                w(f"<td class='num'>{p.carried}</td>")
            w("</tr>\n")
        w("</tbody>\n</table>\n")
    w("</section>\n")


def _stories(page: _Page, result: Rollup) -> None:
    w = page.w
    s = result.stories
    w("<section id='stories'>\n<h2>Stories</h2>\n")
    w(
        f"<p>{s.total} value-creation stories from {s.communities} communities, counted by "
        "how far along the value chain they reach and by how they were verified; never "
        "scored.</p>\n"
    )
    top = max([*s.by_reach.values(), *s.by_verification.values(), 1])
    for title, counts in (("By reach", s.by_reach), ("By verification", s.by_verification)):
        w(f"<h3>{title}</h3>\n<table>\n<tbody>\n")
        for key, n in counts.items():
            label = "no value-chain cycle" if title == "By reach" and key == "none" else key
            w(
                f"<tr><th>{h(label)}</th><td class='num'><span class='bar' "
                f"style='width:{8 * n / top:.2f}rem'></span>{n}</td></tr>\n"
            )
        w("</tbody>\n</table>\n")
    w("</section>\n")


def _grid(page: _Page, anchor: str, title: str, grid: CycleGrid, hue: int, note: str) -> None:
    w = page.w
    w(f"<section id='{anchor}'>\n<h2>{h(title)}</h2>\n<p class='muted'>{h(note)}</p>\n")
    if not grid.cases:
        w("<p>No case loaded.</p>\n</section>\n")
        return
    counts = [c.count for c in grid.cells if c.count is not None]
    top = max(counts, default=0)
    w("<table class='heat'>\n<thead><tr><th>Community</th>")
    for cycle in grid.cycles:
        names = ", ".join(cycle.names)
        w(f"<th title='{h(names)}'>{h(cycle.key)}</th>")
    w("</tr></thead>\n<tbody>\n")
    for case in grid.cases:
        w(f"<tr><th>{h(case)}</th>")
        for cycle in grid.cycles:
            cell = grid.cell(case, cycle.key)
            if cell.count is None:
                w("<td class='cell absent' title='not in this case&#39;s framework'>·</td>")
                continue
            detail = ", ".join(f"{k}: {v}" for k, v in (cell.detail or {}).items() if v)
            w(
                f"<td class='cell' style='{_heat(cell.count, top, hue)}' "
                f"title='{h(case)} · {h(cycle.key)}: {h(detail or 'none')}'>{cell.count}</td>"
            )
        w("</tr>\n")
    w("</tbody>\n</table>\n</section>\n")


def _problems(page: _Page, result: Rollup) -> None:
    failed = [c for c in result.cases if not c.loaded]
    if not (failed or result.errors or result.warnings):
        return
    w = page.w
    w("<section id='problems'>\n<h2>Problems</h2>\n<ul class='problems'>\n")
    for case in failed:
        for p in case.errors:
            w(f"<li class='failed'>{h(case.file)}: {h(p)}</li>\n")
    for p in result.errors:
        w(f"<li class='failed'>portfolio file: {h(p)}</li>\n")
    for p in result.warnings:
        w(f"<li>warning: {h(p)}</li>\n")
    w("</ul>\n</section>\n")


def write_portfolio_report(
    result: Rollup,
    path: str | os.PathLike[str],
    *,
    portfolio: Portfolio | None = None,
    on_case: Callable[[CaseResult], None] | None = None,
) -> list[Path]:
    """Write the portfolio report to ``path`` (HTML); return the files written.

    With ``portfolio`` (the one rolled up), each community's own report is
    written too, into a folder beside the page (``portfolio.html`` gets
    ``portfolio-cases/ID.html``), and its row links to it; ``on_case`` is
    called after each. Every file is written atomically.

    >>> import pathlib, tempfile, valuecycles as vc
    >>> from valuecycles.report import write_portfolio_report
    >>> portfolio = vc.load_portfolio("examples/portfolio/portfolio.yaml")
    >>> result = vc.rollup(portfolio, gaps=True)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> written = write_portfolio_report(result, folder / "p.html", portfolio=portfolio)
    >>> [p.name for p in written][:3]
    ['p.html', 'city-pharmacists.html', 'coastal-nurses.html']
    """
    from valuecycles.framework import load_framework
    from valuecycles.portfolio import load_case
    from valuecycles.report._render import write_report

    target = Path(path)
    written: list[Path] = []
    links: dict[str, str] = {}
    if portfolio is not None:
        frameworks = {fw.name: fw for fw in map(load_framework, portfolio.frameworks)}
        folder = target.parent / f"{target.stem}-cases"
        folder.mkdir(exist_ok=True)
        for case in result.cases:
            if case.loaded:
                try:
                    loaded = load_case(case.file, frameworks)
                except ValidationError:
                    continue  # changed since the roll-up: no link
                out = folder / f"{case.id}.html"
                framework = frameworks.get(loaded.framework)
                written += write_report(loaded, out, framework=framework, as_of=result.as_of)
                links[case.id] = f"{urllib.parse.quote(folder.name)}/{urllib.parse.quote(out.name)}"
            if on_case is not None:
                on_case(case)
    atomic_write(target, render_portfolio_html(result, links=links))
    return [target, *written]
