"""What the HTML and the Markdown report both say, as plain text: written once, escaped by each.

Numbers, measures, progress, an indicator's standing against its timeline,
chains in words: each renderer takes these strings and escapes them its own
way (:func:`valuecycles.report._html.h`, :func:`valuecycles.report._markdown.md`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Literal

from valuecycles.evidence import IndicatorProgress
from valuecycles.graph import Chain
from valuecycles.model import Measure

__all__ = [
    "STANDINGS",
    "Standing",
    "chain_words",
    "contribution_groups",
    "expected_share",
    "group_label",
    "measure_text",
    "number",
    "plural",
    "points_of",
    "progress_text",
    "standing",
    "step_label",
]

Standing = Literal["on-track", "behind", "without-data"]
#: The standings of a quantitative indicator, with the words a report uses.
STANDINGS: Final[dict[Standing, str]] = {
    "on-track": "on track",
    "behind": "behind",
    "without-data": "without data",
}
#: Verification statuses, strongest first.
VERIFICATION_ORDER: Final = ("substantiated", "corroborated", "unverified")


def number(value: object) -> str:
    """A number as a person reads it: ``52``, ``52.5``, ``1,200``, ``0.3333`` as ``0.3333``.

    >>> number(52.0), number(1200), number(2 / 3), number("text")
    ('52', '1,200', '0.6667', 'text')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.4g}" if abs(value) < 1e15 else f"{value:.4g}"
    return f"{int(value):,}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 story``, ``2 stories``.

    >>> plural(1, "story", "stories"), plural(3, "gap")
    ('1 story', '3 gaps')
    """
    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def step_label(index: int) -> str:
    """A story's step as a report shows it: counted from 1 (exports count from 0).

    >>> step_label(0)
    'step 1'
    """
    return f"step {index + 1}"


def measure_text(m: Measure | None, unit: str | None) -> str | None:
    """``60 hours (2026-01-01)``, or ``None`` without a measure."""
    if m is None:
        return None
    text = number(m.value) + (f" {unit}" if unit else "")
    if m.date is not None:
        text += f" ({m.date.isoformat()})"
    return text


def progress_text(row: IndicatorProgress | None, unit: str | None) -> str:
    """The latest value, its change since the baseline and the share of the way to the target."""
    if row is None or row.latest is None:
        return "no observations yet"
    text = number(row.latest) + (f" {unit}" if unit else "")
    if row.change is not None:
        sign = "+" if row.change > 0 else ""
        text += f"; change since baseline {sign}{number(row.change)}"
    if row.progress is not None:
        text += f"; {round(row.progress * 100)}% of the way to the target"
    return text


def expected_share(
    baseline: Measure | None, target: Measure | None, as_of: _dt.date
) -> float | None:
    """How far along its timeline an indicator should be on ``as_of``: 0 to 1.

    The elapsed share of the time from the baseline's date to the target's
    date. Without both dates, 0 before the target's date (or with no date at
    all: on track while not behind the baseline) and 1 from it on; ``None``
    without a baseline and a target.

    >>> import datetime as dt
    >>> from valuecycles import Measure
    >>> b, t = Measure(60, dt.date(2026, 1, 1)), Measure(24, dt.date(2026, 1, 11))
    >>> expected_share(b, t, dt.date(2026, 1, 6))
    0.5
    >>> expected_share(b, t, dt.date(2028, 1, 1)), expected_share(b, t, dt.date(2025, 1, 1))
    (1.0, 0.0)
    """
    if baseline is None or target is None:
        return None
    start, end = baseline.date, target.date
    if start is not None and end is not None and end > start:
        share = (as_of - start).days / (end - start).days
        return min(1.0, max(0.0, share))
    if end is not None and as_of >= end:
        return 1.0
    return 0.0


def standing(row: IndicatorProgress, as_of: _dt.date) -> Standing:
    """On track, behind, or without data (no progress figure: no data, baseline or target).

    On track: its progress is at least the elapsed share of the time from
    its baseline's date to its target's date (:func:`expected_share`).
    """
    expected = expected_share(row.baseline, row.target, as_of)
    if row.progress is None or expected is None:
        return "without-data"
    return "on-track" if row.progress >= expected - 1e-9 else "behind"


def group_label(group: object) -> str:
    """A contribution group's name: its dimensions as ``name: value``, or ``all``.

    >>> group_label({"tools": "used"}), group_label({})
    ('tools: used', 'all')
    """
    if isinstance(group, Mapping):
        parts = [f"{k}: {v}" for k, v in sorted(group.items())]
        return ", ".join(parts) if parts else "all"
    return str(group)


def field(item: object, name: str, default: Any = None) -> Any:
    """An attribute of a result object, or the key of its plain-data form."""
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def chain_words(chain: Chain, name: Callable[[str], str]) -> tuple[list[str], str]:
    """A chain as the names of its indicators and what stands behind it, in words.

    The note is how many stories stand behind each link (``2 stories``, or
    ``1 to 3 stories a link``), or that the chain is declared with no story yet.
    """
    names = [name(i) for i in chain.indicators]
    counts = [link.support for link in chain.links]
    low, high = min(counts), max(counts)
    if low == high and low:
        note = plural(low, "story", "stories")
    elif low:
        note = f"{number(low)} to {plural(high, 'story', 'stories')} a link"
    elif all(link.declared for link in chain.links) and not high:
        note = "declared, no story yet"
    else:
        note = f"a link without a story (up to {plural(high, 'story', 'stories')} a link)"
    return names, note


def _date(value: object) -> _dt.date | None:
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def points_of(points: Iterable[Any]) -> tuple[tuple[_dt.date, float], ...]:
    """The numeric ``(date, value)`` points of a series (objects or their plain data), by date."""
    out = []
    for p in points:
        day, value = _date(field(p, "date")), field(p, "value")
        if day is not None and isinstance(value, int | float) and not isinstance(value, bool):
            out.append((day, float(value)))
    return tuple(sorted(out))


def contribution_groups(row: object) -> list[tuple[str, tuple[tuple[_dt.date, float], ...]]]:
    """A progress row's contribution groups as ``(label, points)``: none where it has none.

    Read with ``getattr``: a row without ``contribution`` has no groups.
    """
    groups = getattr(row, "contribution", ()) if row is not None else ()
    return [
        (group_label(field(g, "group", {}) or {}), points_of(field(g, "points", ()) or ()))
        for g in groups or ()
    ]
