"""How communities' figures combine: sum, latest, ratio and count, per period.

Every rule works on each community's per-period figures (the points of
:mod:`valuecycles.portfolio._reduce`) and says, for each period, how many
communities stand behind the figure. Nothing missing is taken for zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from valuecycles.evidence import period_key, period_span
from valuecycles.portfolio._reduce import Number, Point

__all__ = ["combine", "grain_of", "regroup", "total"]

#: Period grains from finest to coarsest, as their keys show them.
_RANK: Final = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}

#: One combined period: (period, value, reporting, carried).
Row = tuple[str, Number | None, int, int]


def total(values: Iterable[Number]) -> Number:
    """The sum of numbers: exact for integers, correctly rounded (so in any order) for floats.

    >>> total([0.1, 0.2, 0.3]) == total([0.3, 0.2, 0.1])
    True
    >>> total([2, 3])
    5
    """
    items = list(values)
    if all(isinstance(v, int) for v in items):
        return sum(items)
    return math.fsum(items)


def grain_of(key: str) -> str:
    """The grain of a period key.

    >>> [grain_of(k) for k in ("2026", "2026-Q1", "2026-03", "2026-W11", "2026-03-15")]
    ['year', 'quarter', 'month', 'week', 'day']
    """
    if len(key) == 4:
        return "year"
    if key[5:6] == "Q":
        return "quarter"
    if key[5:6] == "W":
        return "week"
    if len(key) == 7:
        return "month"
    return "day"


def _target_grain(series: Iterable[Sequence[Point]], per: str | None) -> str | None:
    """The grain to count by: ``per``, else the coarsest when the cases' grains differ."""
    if per is not None:
        return per
    grains = {grain_of(p[0]) for points in series for p in points}
    if len(grains) <= 1:
        return None
    return max(grains, key=_RANK.__getitem__)


def regroup(points: Sequence[Point], grain: str | None, *, add: bool) -> list[Point]:
    """A community's points in periods of ``grain``: added, or the last one kept.

    Amounts per period (``add`` and the point ``additive``) are added; a
    level (members active in the month) keeps the last value in the period.
    A point goes into the period its first day falls in; a point already as
    coarse as the grain, or coarser, stays as it is.
    """
    if grain is None:
        return list(points)
    out: dict[str, Point] = {}
    for point in points:
        key = point[0]
        if _RANK[grain_of(key)] < _RANK[grain]:
            key = period_key(point[1], grain)  # type: ignore[arg-type]
        start, end = period_span(key) if key != point[0] else (point[1], point[2])
        old = out.get(key)
        if old is None or not (add and point[5]):
            out[key] = (key, start, end, point[3], point[4], point[5])
        else:
            out[key] = (key, start, end, old[3] + point[3], None, True)
    return sorted(out.values(), key=lambda p: (p[1], p[2], p[0]))


def _ordered(keys: Mapping[str, Point]) -> list[str]:
    return sorted(keys, key=lambda k: (keys[k][1], keys[k][2], k))


def combine(
    rule: str,
    series: Mapping[str, Sequence[Point]],
    *,
    denominator: Mapping[str, Sequence[Point]] | None = None,
    per: str | None = None,
) -> list[Row]:
    """Combine communities' points (``series``: case id -> points) by ``rule``, per period.

    ``sum``: the sum of the values reported for the period. ``latest``
    (cumulative figures): each community's latest figure at or before the
    period, summed; ``carried`` counts the figures taken from an earlier
    period. ``ratio``: the sum of the numerators over the sum of the
    denominators of the communities that report both (``series`` holds the
    numerators). ``count``: how many communities' values meet the condition
    (``met``), of those whose value could be judged. ``reporting`` counts
    the communities behind each figure; a period with none has no value.
    """
    everything = [*series.values(), *(denominator or {}).values()]
    grain = _target_grain(everything, per)
    add = rule in ("sum", "ratio")
    if rule == "ratio":
        assert denominator is not None
        return _ratio(series, denominator, grain)
    # One pass over the points, period by period; no per-community tables.
    spans: dict[str, Point] = {}
    found: dict[str, list[Point]] = {}
    for points in series.values():
        for p in regroup(points, grain, add=add):
            spans.setdefault(p[0], p)
            found.setdefault(p[0], []).append(p)
    periods = _ordered(spans)
    rows: list[Row] = []
    if rule == "latest":
        # Each community's figure carried forward: walk its points beside the periods.
        at: dict[str, int] = {key: n for n, key in enumerate(periods)}
        added: list[list[Number]] = [[] for _ in periods]
        fresh = [0] * len(periods)
        for points in series.values():
            mine = regroup(points, grain, add=False)
            for k, p in enumerate(mine):
                first = at[p[0]]
                last = at[mine[k + 1][0]] if k + 1 < len(mine) else len(periods)
                fresh[first] += 1
                for n in range(first, last):
                    added[n].append(p[3])
        for n, key in enumerate(periods):
            values = added[n]
            rows.append(
                (key, total(values) if values else None, len(values), len(values) - fresh[n])
            )
        return rows
    for key in periods:
        here = found[key]
        if rule == "count":
            judged = [p[4] for p in here if p[4] is not None]
            value: Number | None = sum(1 for m in judged if m) if judged else None
            rows.append((key, value, len(judged), 0))
        else:
            rows.append((key, total(p[3] for p in here), len(here), 0))
    return rows


def _ratio(
    num: Mapping[str, Sequence[Point]], den: Mapping[str, Sequence[Point]], grain: str | None
) -> list[Row]:
    spans: dict[str, Point] = {}
    pairs: dict[str, list[tuple[Number, Number]]] = {}
    for case, points in num.items():
        under = {p[0]: p for p in regroup(den.get(case, ()), grain, add=True)}
        for p in regroup(points, grain, add=True):
            q = under.get(p[0])
            if q is None:
                continue
            spans.setdefault(p[0], p)
            pairs.setdefault(p[0], []).append((p[3], q[3]))
    rows: list[Row] = []
    for key in _ordered(spans):
        items = pairs[key]
        below = math.fsum(d for _n, d in items)
        value = None if below == 0 else math.fsum(n for n, _d in items) / below
        rows.append((key, value, len(items), 0))
    return rows
