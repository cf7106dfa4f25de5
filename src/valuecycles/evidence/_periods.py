"""Periods: the stretch of time an observation's value covers.

An observation's ``period`` (``2026``, ``2026-Q1``, ``2026-03``) says it; an
observation without one covers the period its date falls in, at the
cadence of its data source (``daily``, ``weekly``, ``monthly``,
``quarterly`` or ``yearly``; any other cadence, or none, counts by month).
Derived periods add two key forms a document does not use: a day
(``2026-03-15``) and an ISO week (``2026-W11``).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Final, Literal

__all__ = [
    "GRANULARITIES",
    "INTERVALS",
    "Granularity",
    "cadence_interval",
    "granularity_of",
    "period_key",
    "period_span",
]

Granularity = Literal["day", "week", "month", "quarter", "year"]

#: The cadence vocabulary, written once: each cadence the library understands, the
#: granularity it counts by, and the ``(months, days)`` between two observations.
_CADENCES: Final[dict[str, tuple[Granularity, int, int]]] = {
    "daily": ("day", 0, 1),
    "weekly": ("week", 0, 7),
    "monthly": ("month", 1, 0),
    "quarterly": ("quarter", 3, 0),
    "yearly": ("year", 12, 0),
}
#: The granularity each understood cadence counts by (other cadences: by month).
GRANULARITIES: Final[dict[str, Granularity]] = {k: g for k, (g, _m, _d) in _CADENCES.items()}
#: The ``(months, days)`` between two observations at each understood cadence.
INTERVALS: Final[dict[str, tuple[int, int]]] = {k: (m, d) for k, (_g, m, d) in _CADENCES.items()}


def _cadence(text: str | None) -> str | None:
    """The understood cadence a text names (case and surrounding spaces aside), or None."""
    if text is None:
        return None
    key = text.strip().lower()
    return key if key in _CADENCES else None


def cadence_interval(cadence: str | None) -> tuple[int, int] | None:
    """The ``(months, days)`` between two observations at a cadence; ``None`` if not understood.

    >>> cadence_interval(" Monthly "), cadence_interval("after each meeting")
    ((1, 0), None)
    """
    key = _cadence(cadence)
    return None if key is None else INTERVALS[key]


def granularity_of(cadence: str | None) -> Granularity | None:
    """The granularity a data source's cadence counts by; ``None`` if not understood.

    >>> granularity_of(" Quarterly ")
    'quarter'
    >>> granularity_of("after each meeting") is None
    True
    """
    key = _cadence(cadence)
    return None if key is None else GRANULARITIES[key]


def period_key(date: _dt.date, granularity: Granularity) -> str:
    """The key of the period of this granularity that a date falls in.

    >>> import datetime
    >>> d = datetime.date(2026, 3, 15)
    >>> [period_key(d, g) for g in ("day", "week", "month", "quarter", "year")]
    ['2026-03-15', '2026-W11', '2026-03', '2026-Q1', '2026']
    """
    if granularity == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if granularity == "quarter":
        return f"{date.year:04d}-Q{(date.month - 1) // 3 + 1}"
    if granularity == "year":
        return f"{date.year:04d}"
    if granularity == "week":
        year, week, _ = date.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return date.isoformat()


def period_span(key: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day of a period, from its key.

    Raises :class:`ValueError` for a key that is none of the forms above.

    >>> [d.isoformat() for d in period_span("2026-Q1")]
    ['2026-01-01', '2026-03-31']
    >>> [d.isoformat() for d in period_span("2026-W01")]
    ['2025-12-29', '2026-01-04']
    """
    try:
        if len(key) == 4:
            year = int(key)
            return _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        year = int(key[:4])
        if key[4] != "-":
            raise ValueError
        rest = key[5:]
        if rest[:1] == "Q" and len(rest) == 2:
            quarter = int(rest[1])
            if not 1 <= quarter <= 4:
                raise ValueError
            first = 3 * quarter - 2
            last = first + 2
            return _dt.date(year, first, 1), _dt.date(
                year, last, calendar.monthrange(year, last)[1]
            )
        if rest[:1] == "W" and len(rest) == 3:
            monday = _dt.date.fromisocalendar(year, int(rest[1:]), 1)
            return monday, monday + _dt.timedelta(days=6)
        if len(rest) == 2:
            month = int(rest)
            return _dt.date(year, month, 1), _dt.date(
                year, month, calendar.monthrange(year, month)[1]
            )
        day = _dt.date.fromisoformat(key)
        return day, day
    except (ValueError, IndexError):
        raise ValueError(
            f"not a period: {key!r} (YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD)"
        ) from None
