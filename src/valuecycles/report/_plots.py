"""Trend plots as SVG text: an indicator's series against baseline, milestones and target.

Plots are drawn with matplotlib's object API (no pyplot state), with text
kept as SVG text (``svg.fonttype`` ``none``) and math parsing off, so a
``$`` in a name or unit is shown as it is. They are deterministic: the
SVG's ids come from a salt fixed per plot and no date is written, so the
same case gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib.util
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, Final

import attrs

from valuecycles.evidence import IndicatorProgress
from valuecycles.model._case import Indicator

__all__ = [
    "PLOTS_AVAILABLE",
    "Point",
    "indicator_series",
    "inline_svg",
    "quiet_fonts",
    "trend_svg",
]

#: Whether matplotlib (the ``plots`` extra) is installed; it is imported only to draw.
PLOTS_AVAILABLE: Final[bool] = importlib.util.find_spec("matplotlib") is not None

_COLOURS: Final = {
    "series": "#1f5f8b",
    "baseline": "#7a7a7a",
    "target": "#2e7d32",
    "milestone": "#b26a00",
}
_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_IDS = re.compile(r'(\bid="|url\(#|xlink:href="#)([^")]+)')


@attrs.frozen
class Point:
    """One point of a series: a date and the value of the observations on it."""

    date: _dt.date
    value: float


def indicator_series(indicator: IndicatorProgress) -> list[Point]:
    """The points of an indicator's trend: its progress series, one point a period.

    The series is :func:`valuecycles.progress`'s, so the plot shows the
    same aggregated values as the report's "Latest" line. Each point sits at
    the date of the latest observation in its period; periods without a
    number (text values) are left out.
    """
    return [
        Point(p.date, float(p.value))
        for p in indicator.series
        if isinstance(p.value, int | float) and not isinstance(p.value, bool)
    ]


def trend_svg(
    indicator: Indicator, points: Sequence[Point], *, salt: str, standalone: bool = False
) -> str | None:
    """An SVG element (text) plotting ``points`` against the indicator's measures.

    The baseline is a grey dashed line, the target a green dotted line with
    a star at its date, milestones orange diamonds. ``salt`` makes the ids
    inside the SVG unique when several plots share one page. The text is an
    element to put inside HTML, or with ``standalone`` an SVG file. Returns
    ``None`` when there is nothing to plot (no numeric observation, no
    baseline, no target) or matplotlib is not installed.
    """
    if not PLOTS_AVAILABLE:
        return None
    measures = [m for m in (indicator.baseline, indicator.target, *indicator.milestones) if m]
    if not points and not measures:
        return None
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    rc: Any = {
        "svg.hashsalt": f"valuecycles:{salt}",
        "svg.fonttype": "none",
        "text.parse_math": False,
        "text.usetex": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(rc), quiet_fonts():
        fig = Figure(figsize=(6.4, 2.6), dpi=72)
        FigureCanvasSVG(fig)
        # Dates on the x axis: matplotlib converts them, its stubs do not say so.
        ax: Any = fig.add_subplot()
        dates = [p.date for p in points]
        dates += [m.date for m in measures if m.date is not None]
        if points:
            ax.plot(
                [p.date for p in points],
                [p.value for p in points],
                marker="o",
                color=_COLOURS["series"],
                label="observed",
                linewidth=1.8,
            )
        base = indicator.baseline
        if base is not None:
            ax.axhline(base.value, color=_COLOURS["baseline"], linestyle="--", linewidth=1)
            if base.date is not None:
                ax.plot([base.date], [base.value], marker="s", color=_COLOURS["baseline"])
            ax.plot([], [], color=_COLOURS["baseline"], linestyle="--", label="baseline")
        target = indicator.target
        if target is not None:
            ax.axhline(target.value, color=_COLOURS["target"], linestyle=":", linewidth=1.4)
            if target.date is not None:
                ax.plot(
                    [target.date], [target.value], marker="*", markersize=11,
                    color=_COLOURS["target"], linestyle="none",
                )  # fmt: skip
            ax.plot([], [], color=_COLOURS["target"], linestyle=":", label="target")
        dated = [m for m in indicator.milestones if m.date is not None]
        if dated:
            ax.plot(
                [m.date for m in dated],
                [m.value for m in dated],
                marker="D",
                linestyle="none",
                color=_COLOURS["milestone"],
                label="milestones",
            )
        if len(set(dates)) == 1:
            only = dates[0]
            ax.set_xlim(only - _dt.timedelta(days=30), only + _dt.timedelta(days=30))
        if indicator.unit:
            ax.set_ylabel(indicator.unit, parse_math=False)
        ax.grid(True, axis="y", color="#e5e5e5", linewidth=0.8)
        ax.legend(loc="best", fontsize=8, frameon=False)
        fig.autofmt_xdate(rotation=0, ha="center")
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    if standalone:
        return _METADATA.sub("", buffer.getvalue(), count=1)
    return inline_svg(buffer.getvalue(), f"Trend of {indicator.name}", salt)


@contextlib.contextmanager
def quiet_fonts() -> Iterator[None]:
    """Silence matplotlib's warnings about glyphs its font lacks.

    The SVG keeps text as text (the browser's fonts draw it), so a glyph
    missing from matplotlib's own font only makes its layout a little off.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


def inline_svg(svg: str, title: str, salt: str, *, max_width: str = "40em") -> str:
    """An SVG document made fit to sit inside HTML.

    No prologue and no metadata; every id gets a prefix made from ``salt``
    (so many plots can share a page); it scales with the page.
    """
    from html import escape

    prefix = re.sub(r"[^A-Za-z0-9]+", "-", salt).strip("-") or "plot"
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    head, rest = svg.split(">", 1)
    svg = _NAMESPACES.sub("", head) + ">" + rest
    svg = _IDS.sub(lambda m: f"{m.group(1)}{prefix}--{m.group(2)}", svg)
    svg = _SIZE.sub(
        lambda m: (
            f'<svg{m.group(1)} role="img" aria-label="{escape(title)}"'
            f' style="width:100%;height:auto;max-width:{max_width}"'
        ),
        svg,
        count=1,
    )
    return svg.strip() + "\n"
