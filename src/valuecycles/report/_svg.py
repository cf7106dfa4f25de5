"""The report's pictures as SVG text written directly: trend lines and the graph of flows.

No plotting library: a trend is a few polylines, the graph a few boxes and
curves, and writing them is linear in what they show. Text stays text (the
browser's fonts draw it) at 11 units in a viewBox sized so that a phone
shows it at 10 CSS pixels or more. Long series are thinned for the picture
(the tables keep every point), and a graph past what a reader can see is
drawn one pair of cycles at a time, its strongest flows first, saying so.
The output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import textwrap
from collections.abc import Sequence
from html import escape
from typing import Final

import attrs

__all__ = [
    "FlowPicture",
    "Series",
    "flow_svg",
    "nice_ticks",
    "thin",
    "trend_svg",
]

#: Text size, in viewBox units (a phone shows a plot at about its natural size).
FONT: Final = 11
#: The most points a trend line draws; a longer series is thinned (min and max of each stretch).
MAX_POINTS: Final = 160
#: The width of a trend plot, in viewBox units (and CSS pixels at natural size).
PLOT_WIDTH: Final = 320
_PLOT_HEIGHT: Final = 120
_CHAR: Final = 0.58 * FONT  # the width of an average character, for layout
_COLOURS: Final = {
    "effect": "#1f5f8b",
    "baseline": "#6b6b6b",
    "target": "#2e7d32",
    "milestone": "#a85d00",
}
_GROUP_COLOURS: Final = ("#8e44ad", "#c0392b", "#16a085", "#d35400", "#2c3e50", "#7f8c00")
_DASHES: Final = {"baseline": "6 4", "target": "2 3"}
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _f(x: float) -> str:
    """A coordinate, short."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


@attrs.frozen
class Series:
    """One line of a trend plot: its label, points ``(date, value)``, how it is drawn."""

    label: str
    points: tuple[tuple[_dt.date, float], ...]
    kind: str = "effect"  # effect | contribution


def thin(
    points: Sequence[tuple[_dt.date, float]], most: int = MAX_POINTS
) -> tuple[tuple[_dt.date, float], ...]:
    """At most ``most`` points that keep a long series' shape: each stretch's lowest and highest.

    >>> import datetime as dt
    >>> days = [(dt.date(2026, 1, 1) + dt.timedelta(days=n), float(n % 7)) for n in range(1000)]
    >>> len(thin(days, 100)) <= 100, thin(days, 100)[0] == days[0], thin(days, 100)[-1] == days[-1]
    (True, True, True)
    """
    if len(points) <= most:
        return tuple(points)
    buckets = max(1, (most - 2) // 2)
    inner = points[1:-1]
    size = len(inner) / buckets
    kept: list[tuple[_dt.date, float]] = [points[0]]
    for b in range(buckets):
        chunk = inner[int(b * size) : int((b + 1) * size)]
        if not chunk:
            continue
        low = min(chunk, key=lambda p: p[1])
        high = max(chunk, key=lambda p: p[1])
        kept.extend(sorted({low, high}))
    kept.append(points[-1])
    return tuple(kept)


def nice_ticks(low: float, high: float, *, integers: bool, most: int = 5) -> list[float]:
    """Round tick values covering ``low`` to ``high``: steps of 1, 2 or 5 times a power of ten.

    With ``integers`` (counts), no step is below 1: no half requests.

    >>> nice_ticks(0, 1, integers=True)
    [0, 1]
    >>> nice_ticks(0, 1, integers=False)
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> nice_ticks(24, 60, integers=True)
    [20, 30, 40, 50, 60]
    """
    if high < low:
        low, high = high, low
    if high == low:
        pad = max(1.0, abs(high) * 0.1)
        low, high = low - pad, high + pad
        if integers:
            low, high = math.floor(low), math.ceil(high)
    span = high - low
    raw = span / max(1, most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = power * 10
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            step = factor * power
            break
    if integers:
        step = max(1, math.ceil(step))
        if step > 2 and step % 5 and step % 2:
            step += 1
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value) if integers else round(value, 10))
        value += step
    if ticks and ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_text(value: float) -> str:
    if float(value).is_integer():
        n = int(value)
        if abs(n) >= 10_000:
            return f"{n / 1000:,.0f}k" if n % 1000 == 0 else f"{n / 1000:,.1f}k"
        return f"{n:,}"
    return f"{value:.3g}"


def _add_months(day: _dt.date, months: int) -> _dt.date:
    m = day.month - 1 + months
    return _dt.date(day.year + m // 12, m % 12 + 1, 1)


def _date_ticks(start: _dt.date, end: _dt.date, most: int) -> list[tuple[_dt.date, str]]:
    first = _dt.date(start.year, start.month, 1)
    if first < start:
        first = _add_months(first, 1)
    for step in (1, 2, 3, 6, 12, 24, 60, 120):
        if step >= 12:
            years = step // 12
            year = start.year if (start.month, start.day) == (1, 1) else start.year + 1
            day = _dt.date(year + (-year) % years, 1, 1)
        else:
            day = first
            while (day.month - 1) % step:
                day = _add_months(day, 1)
        ticks = []
        while day <= end:
            ticks.append(day)
            day = _add_months(day, step)
        if 1 <= len(ticks) <= most:
            if step >= 12:
                return [(d, str(d.year)) for d in ticks]
            out = []
            for n, d in enumerate(ticks):
                label = d.strftime("%b")
                if d.month == 1 or n == 0:
                    label += f" {d.year}"
                out.append((d, label))
            return out
    return [(start, str(start.year)), (end, str(end.year))]


def _legend(
    entries: Sequence[tuple[str, str, str | None, str]], width: float, top: float
) -> tuple[list[str], float]:
    """Legend entries ``(label, colour, dash, marker)`` in rows; the SVG and the height used."""
    out: list[str] = []
    x, y = 4.0, top + FONT
    for label, colour, dash, marker in entries:
        need = 22 + len(label) * _CHAR + 12
        if x > 4 and x + need > width:
            x, y = 4.0, y + FONT + 5
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(y - 4)}" x2="{_f(x + 16)}" y2="{_f(y - 4)}" '
            f'stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        if marker:
            out.append(_marker(marker, x + 8, y - 4, colour))
        out.append(f'<text x="{_f(x + 20)}" y="{_f(y)}">{_a(label)}</text>')
        x += need
    return out, y - top + 5


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.5" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{_f(x - 3)}" y="{_f(y - 3)}" width="6" height="6" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<polygon points="{_f(x)},{_f(y - 4)} {_f(x + 4)},{_f(y)} {_f(x)},{_f(y + 4)} '
            f'{_f(x - 4)},{_f(y)}" fill="{colour}"/>'
        )
    # a star, for the target
    points = []
    for k in range(10):
        r = 5.5 if k % 2 == 0 else 2.4
        angle = math.pi / 2 + k * math.pi / 5
        points.append(f"{_f(x + r * math.cos(angle))},{_f(y - r * math.sin(angle))}")
    return f'<polygon points="{" ".join(points)}" fill="{colour}"/>'


def _open_svg(
    width: float, height: float, title: str, *, standalone: bool, css: str = "plot"
) -> str:
    w, h = _f(width), _f(height)
    if standalone:
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
            f'height="{h}" font-family="system-ui, sans-serif" font-size="{FONT}" '
            f'fill="#1d232a" role="img" aria-label="{_a(title)}">\n<title>{_a(title)}</title>\n'
        )
    style = ""
    if css == "graph":  # never below 10 CSS px text, so a wide one scrolls in its box
        least = math.ceil(width * 10 / FONT) + 1
        style = f' style="min-width:{least}px;max-width:{_f(width * 1.2)}px"'
    return (
        f'<svg viewBox="0 0 {w} {h}" class="{css}"{style} font-size="{FONT}" fill="#1d232a" '
        f'role="img" aria-label="{_a(title)}">\n'
    )


def trend_svg(
    title: str,
    series: Sequence[Series],
    *,
    unit: str | None = None,
    baseline: tuple[float, _dt.date | None] | None = None,
    target: tuple[float, _dt.date | None] | None = None,
    milestones: Sequence[tuple[float, _dt.date]] = (),
    integers: bool = False,
    standalone: bool = False,
) -> str | None:
    """A trend plot: each series a line, against the baseline, milestones and target.

    The baseline is a grey dashed line (a square at its date), the target a
    green dotted line (a star at its date), milestones orange diamonds;
    effect data is the blue line, each contribution group a line of its
    own, all named in the key below the plot. ``integers`` keeps the value
    axis to whole numbers (counts). ``None`` when there is nothing to draw.

    >>> import datetime as dt
    >>> line = Series("observed", ((dt.date(2026, 1, 1), 3.0), (dt.date(2026, 2, 1), 5.0)))
    >>> svg = trend_svg("Requests", [line], unit="requests", integers=True)
    >>> svg.startswith("<svg") and "observed" in svg and ">2.5<" not in svg
    True
    """
    drawn = [s for s in series if s.points]
    measures: list[tuple[float, _dt.date | None]] = [m for m in (baseline, target) if m]
    measures += list(milestones)
    if not drawn and not measures:
        return None
    values = [v for s in drawn for _d, v in s.points] + [v for v, _d in measures]
    dates = [d for s in drawn for d, _v in s.points] + [d for _v, d in measures if d]
    ticks = nice_ticks(min(values), max(values), integers=integers, most=5)
    low, high = ticks[0], ticks[-1]
    labels = [_tick_text(t) for t in ticks]
    left = 8 + max(len(t) for t in labels) * _CHAR + (FONT + 6 if unit else 0)
    width, top, plot_h = float(PLOT_WIDTH), 8.0, float(_PLOT_HEIGHT)
    right = width - 10
    if dates:
        start, end = min(dates), max(dates)
    else:
        start = end = _dt.date.today()
    if start == end:
        start, end = start - _dt.timedelta(days=30), end + _dt.timedelta(days=30)
    days = (end - start).days

    def px(day: _dt.date) -> float:
        return left + (right - left) * (day - start).days / days

    def py(value: float) -> float:
        return top + plot_h - plot_h * (value - low) / (high - low)

    out: list[str] = []
    for t, label in zip(ticks, labels, strict=True):
        y = py(t)
        out.append(
            f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(right)}" y2="{_f(y)}" stroke="#e3e6e9"/>'
        )
        out.append(f'<text x="{_f(left - 4)}" y="{_f(y + 4)}" text-anchor="end">{_a(label)}</text>')
    if unit:
        mid = top + plot_h / 2
        out.append(
            f'<text transform="translate({_f(FONT)},{_f(mid)}) rotate(-90)" '
            f'text-anchor="middle">{_a(unit)}</text>'
        )
    bottom = top + plot_h
    out.append(
        f'<line x1="{_f(left)}" y1="{_f(bottom)}" x2="{_f(right)}" y2="{_f(bottom)}" '
        'stroke="#8a949c"/>'
    )
    most_labels = max(2, int((right - left) // (9 * _CHAR)))
    for day, label in _date_ticks(start, end, most_labels):
        x = px(day)
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(bottom)}" x2="{_f(x)}" y2="{_f(bottom + 4)}" '
            'stroke="#8a949c"/>'
        )
        out.append(
            f'<text x="{_f(x)}" y="{_f(bottom + 6 + FONT)}" text-anchor="middle">{_a(label)}</text>'
        )
    legend: list[tuple[str, str, str | None, str]] = []
    for key, measure, marker in (("baseline", baseline, "square"), ("target", target, "star")):
        if measure is None:
            continue
        value, when = measure
        colour = _COLOURS[key]
        y = py(value)
        out.append(
            f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(right)}" y2="{_f(y)}" stroke="{colour}" '
            f'stroke-width="1.2" stroke-dasharray="{_DASHES[key]}"/>'
        )
        if when is not None:
            out.append(_marker(marker, px(when), y, colour))
        legend.append((key, colour, _DASHES[key], ""))
    for value, day in milestones:
        out.append(_marker("diamond", px(day), py(value), _COLOURS["milestone"]))
    if milestones:
        legend.append(("milestones", _COLOURS["milestone"], None, "diamond"))
    groups = 0
    for s in drawn:
        if s.kind == "effect":
            colour, dash = _COLOURS["effect"], ""
        else:
            colour = _GROUP_COLOURS[groups % len(_GROUP_COLOURS)]
            dash = "5 2"
            groups += 1
        points = thin(s.points)
        coords = " ".join(f"{_f(px(d))},{_f(py(v))}" for d, v in points)
        out.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.8"'
            f' stroke-linejoin="round"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
        )
        if len(points) <= 40:
            out.extend(_marker("circle", px(d), py(v), colour) for d, v in points)
        legend.append((s.label, colour, dash or None, "circle"))
    legend_svg, used = _legend(legend, width, bottom + 10 + FONT)
    height = bottom + 10 + FONT + used + 4
    return (
        _open_svg(width, height, title, standalone=standalone)
        + "\n".join(out + legend_svg)
        + "\n</svg>\n"
    )


# --- the graph of flows -----------------------------------------------------------


@attrs.frozen
class FlowPicture:
    """One picture of flows: the SVG, the cycles it shows and what it leaves out."""

    svg: str
    cycles: tuple[str, ...]
    flows_drawn: int
    flows_total: int
    indicators_left_out: int = 0


_COLUMN: Final = 176.0
_BOX_W: Final = 140.0
_ROW: Final = 46.0
_FLOW_COLOURS: Final = {
    "declared": "#1f4e79",
    "stories": "#2e7d32",
    "no-story": "#9e9e9e",
}


def _label_lines(label: str) -> list[str]:
    return textwrap.wrap(label, 22, max_lines=2, placeholder="…") or [label[:22]]


def flow_svg(
    title: str,
    columns: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    flows: Sequence[tuple[str, str, bool, int]],
    *,
    salt: str,
    standalone: bool = False,
) -> str:
    """Indicators in columns (one a cycle) and the flows between them, with a key.

    ``columns`` are ``(cycle name, [(indicator id, label)])``; ``flows``
    ``(from id, to id, declared, stories)``. A flow is as thick as the
    stories behind it (the number is written on it); blue when declared
    and told, green when told by stories only, grey when declared with no
    story yet.

    >>> svg = flow_svg("g", [("A", [("a", "Alpha")]), ("B", [("b", "Beta")])],
    ...                [("a", "b", True, 2)], salt="t")
    >>> "Alpha" in svg and "declared, told by stories" in svg
    True
    """
    prefix = _SAFE.sub("-", salt).strip("-") or "g"
    place: dict[str, tuple[float, float]] = {}
    rows = max((len(items) for _n, items in columns), default=1) or 1
    width = 16 + _COLUMN * max(1, len(columns))
    header = 26.0
    out: list[str] = []
    for c, (name, items) in enumerate(columns):
        cx = 8 + _COLUMN * c + _COLUMN / 2
        if c % 2 == 0:
            out.append(
                f'<rect x="{_f(cx - _COLUMN / 2)}" y="0" width="{_f(_COLUMN)}" '
                f'height="{_f(header + rows * _ROW + 8)}" fill="#f4f6f8"/>'
            )
        out.append(
            f'<text x="{_f(cx)}" y="{_f(FONT + 6)}" text-anchor="middle" '
            f'font-weight="bold">{_a(name)}</text>'
        )
        for r, (ident, _label) in enumerate(items):
            place[ident] = (cx, header + r * _ROW + _ROW / 2)
    most = max((s for *_x, s in flows), default=0) or 1
    arrows: list[str] = []
    counts: list[str] = []
    for a, b, declared, stories in flows:
        if a not in place or b not in place:
            continue
        (xa, ya), (xb, yb) = place[a], place[b]
        kind = "no-story" if not stories else ("declared" if declared else "stories")
        colour = _FLOW_COLOURS[kind]
        if xa == xb:  # within a column: a loop out to the right
            sx, ex = xa + _BOX_W / 2, xb + _BOX_W / 2
            mx, my = sx + 24 + abs(yb - ya) * 0.15, (ya + yb) / 2
            sy, ey = ya, yb
        else:
            step = _BOX_W / 2 if xb > xa else -_BOX_W / 2
            sx, ex, sy, ey = xa + step, xb - step, ya, yb
            mx, my = (sx + ex) / 2, (sy + ey) / 2 + (0 if xb > xa else 30)
        stroke = 1 + 3.5 * stories / most
        arrows.append(
            f'<path d="M{_f(sx)},{_f(sy)} Q{_f(mx)},{_f(my)} {_f(ex)},{_f(ey)}" fill="none" '
            f'stroke="{colour}" stroke-width="{_f(stroke)}" stroke-opacity="0.8" '
            f'marker-end="url(#{prefix}-{kind})"/>'
        )
        if stories:
            lx, ly = (sx + 2 * mx + ex) / 4, (sy + 2 * my + ey) / 4
            counts.append(
                f'<circle cx="{_f(lx)}" cy="{_f(ly)}" r="9" fill="#fff" stroke="{colour}"/>'
                f'<text x="{_f(lx)}" y="{_f(ly + 4)}" text-anchor="middle" '
                f'fill="{colour}">{stories}</text>'
            )
    boxes: list[str] = []
    for _name, items in columns:
        for ident, label in items:
            x, y = place[ident]
            lines = _label_lines(label)
            boxes.append(
                f'<rect x="{_f(x - _BOX_W / 2)}" y="{_f(y - 17)}" width="{_f(_BOX_W)}" '
                f'height="34" rx="5" fill="#fff" stroke="#555"/>'
            )
            first = y + 4 - (len(lines) - 1) * 6.5
            spans = "".join(
                f'<tspan x="{_f(x)}" y="{_f(first + 13 * n)}">{_a(line)}</tspan>'
                for n, line in enumerate(lines)
            )
            boxes.append(f'<text text-anchor="middle">{spans}</text>')
    defs = "".join(
        f'<marker id="{prefix}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for kind, colour in _FLOW_COLOURS.items()
    )
    top = header + rows * _ROW + 14
    entries = [
        ("declared, told by stories", _FLOW_COLOURS["declared"], None, ""),
        ("told by stories only", _FLOW_COLOURS["stories"], None, ""),
        ("declared, no story yet", _FLOW_COLOURS["no-story"], None, ""),
    ]
    key, used = _legend(entries, max(width, 320), top)
    note_y = top + used + FONT
    key.append(
        f'<text x="4" y="{_f(note_y)}">The number on a flow: the stories that tell it; '
        "thicker is more.</text>"
    )
    height = note_y + 8
    width = max(width, 320 + 0.0)
    return (
        _open_svg(width, height, title, standalone=standalone, css="graph")
        + f"<defs>{defs}</defs>\n"
        + "\n".join(out + arrows + boxes + counts + key)
        + "\n</svg>\n"
    )
