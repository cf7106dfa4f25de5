"""Gaps: the holes in a case, found on its graph; and when data is due."""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import TYPE_CHECKING, Final

from valuecycles.evidence import INTERVALS, cadence_interval
from valuecycles.graph._results import GAP_KINDS, Gap, Gaps

if TYPE_CHECKING:
    from valuecycles.graph._graph import ValueGraph
    from valuecycles.model import Case, DataSource

__all__ = ["CADENCES", "cadence_months", "next_due"]

#: The cadences understood, as ``(months, days)`` between two observations.
CADENCES: Final = INTERVALS


def cadence_months(cadence: str | None) -> tuple[int, int] | None:
    """The ``(months, days)`` of a cadence, or ``None`` for one not understood.

    Case and surrounding spaces do not matter; free text such as "after each
    meeting" is not understood.

    >>> cadence_months(" Monthly ")
    (1, 0)
    >>> cadence_months("after each meeting") is None
    True
    """
    return cadence_interval(cadence)


def _add_months(day: _dt.date, months: int) -> _dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return _dt.date(year, month, min(day.day, last))


def next_due(last: _dt.date, cadence: str) -> _dt.date | None:
    """The date the next observation is due, one cadence period after ``last``.

    A month after 31 January is the last day of February.

    >>> import datetime
    >>> next_due(datetime.date(2026, 1, 31), "monthly")
    datetime.date(2026, 2, 28)
    >>> next_due(datetime.date(2026, 1, 1), "weekly")
    datetime.date(2026, 1, 8)
    """
    period = cadence_months(cadence)
    if period is None:
        return None
    months, days = period
    return _add_months(last, months) + _dt.timedelta(days=days)


def _last_observations(
    case: Case, as_of: _dt.date
) -> tuple[dict[str, _dt.date], dict[str, _dt.date]]:
    """The latest observation date on or before ``as_of``, by source and by indicator.

    The second mapping covers only observations that name no source.
    """
    by_source: dict[str, _dt.date] = {}
    unsourced: dict[str, _dt.date] = {}
    for obs in case.observations:
        if obs.date > as_of:
            continue
        if obs.source is not None:
            seen = by_source.get(obs.source)
            if seen is None or obs.date > seen:
                by_source[obs.source] = obs.date
        else:
            seen = unsourced.get(obs.indicator)
            if seen is None or obs.date > seen:
                unsourced[obs.indicator] = obs.date
    return by_source, unsourced


def _overdue(
    source: DataSource,
    cycle: str,
    as_of: _dt.date,
    last_by_source: dict[str, _dt.date],
    last_unsourced: dict[str, _dt.date],
    baselines: dict[str, _dt.date],
) -> Gap | None:
    if cadence_months(source.cadence) is None or source.cadence is None:
        return None
    dates = [last_by_source[source.id]] if source.id in last_by_source else []
    dates += [last_unsourced[i] for i in source.indicators if i in last_unsourced]
    if dates:
        last = max(dates)
        due = next_due(last, source.cadence)
        since = f"its last observation is of {last.isoformat()}"
    else:
        starts = [baselines[i] for i in source.indicators if i in baselines]
        if not starts:
            return None
        start = min(starts)
        due = next_due(start, source.cadence)
        since = f"it has no observation since the baseline of {start.isoformat()}"
    if due is None or not due < as_of:
        return None
    return Gap(
        "data-overdue",
        source.id,
        cycle,
        f"data source {source.id!r} is collected {source.cadence.strip().lower()}, but "
        f"{since}: the next was due by {due.isoformat()} (as of {as_of.isoformat()})",
        due=due,
    )


def _measurable(kind: str, aggregation: str) -> bool:
    """Whether an indicator's values are numbers a baseline and target can judge.

    A qualitative indicator aggregated by ``latest`` or ``mean`` has texts;
    counted, it has numbers.
    """
    return kind != "qualitative" or aggregation in ("count", "sum")


def find_gaps(vg: ValueGraph, as_of: _dt.date | None = None) -> Gaps:
    """Every gap of the graph's case; see :meth:`ValueGraph.gaps`."""
    if as_of is None:
        as_of = vg.as_of or _dt.date.today()
    case, fw, graph = vg.case, vg.framework, vg.graph
    pred, succ = graph.pred, graph.succ
    resolve = fw.resolve
    found: list[Gap] = []

    with_aspirations = {resolve(k) or k for k, plan in case.cycles.items() if plan.aspirations}
    for cycle in fw.cycles:
        if cycle.key not in with_aspirations:
            found.append(
                Gap(
                    "cycle-without-aspirations",
                    cycle.key,
                    cycle.key,
                    f"the {cycle.key} cycle has no aspirations yet",
                )
            )

    def has(adjacency: dict[str, dict[str, dict[str, object]]], relations: tuple[str, ...]) -> bool:
        return any(rel in keys for keys in adjacency.values() for rel in relations)

    observed = {obs.indicator for obs in case.observations if obs.date <= as_of}
    last_by_source, last_unsourced = _last_observations(case, as_of)
    baselines: dict[str, _dt.date] = {}
    for _, ind in case.indicators(fw):
        if ind.baseline is not None and ind.baseline.date is not None:
            baselines.setdefault(ind.id, ind.baseline.date)

    for key, plan in case.cycles.items():
        cycle_key = resolve(key) or key
        for a in plan.aspirations:
            if not has(pred[f"aspiration:{a.id}"], ("signals",)):
                found.append(
                    Gap(
                        "aspiration-without-indicator",
                        a.id,
                        cycle_key,
                        f"aspiration {a.id!r} has no indicator that signals it",
                    )
                )
        for c in plan.conditions:
            if not has(succ[f"condition:{c.id}"], ("supports", "threatens")):
                verb = "threatens" if c.kind == "risk" else "supports"
                found.append(
                    Gap(
                        "condition-without-aspiration",
                        c.id,
                        cycle_key,
                        f"condition {c.id!r} {verb} no aspiration",
                    )
                )
        for ind in plan.indicators:
            node = f"indicator:{ind.id}"
            if not has(succ[node], ("signals",)):
                found.append(
                    Gap(
                        "indicator-without-aspiration",
                        ind.id,
                        cycle_key,
                        f"indicator {ind.id!r} signals no aspiration",
                    )
                )
            if not has(pred[node], ("feeds",)):
                found.append(
                    Gap(
                        "indicator-without-data",
                        ind.id,
                        cycle_key,
                        f"no data source feeds indicator {ind.id!r}",
                    )
                )
            if ind.id not in observed:
                found.append(
                    Gap(
                        "indicator-without-observations",
                        ind.id,
                        cycle_key,
                        f"indicator {ind.id!r} has no observations yet",
                    )
                )
            if _measurable(ind.kind, ind.aggregation):
                if ind.baseline is None:
                    found.append(
                        Gap(
                            "indicator-without-baseline",
                            ind.id,
                            cycle_key,
                            f"indicator {ind.id!r} has no baseline, so its change "
                            "and progress cannot be measured",
                        )
                    )
                if ind.target is None:
                    found.append(
                        Gap(
                            "indicator-without-target",
                            ind.id,
                            cycle_key,
                            f"indicator {ind.id!r} has no target, so its progress "
                            "cannot be measured",
                        )
                    )
        for d in plan.data:
            if not has(succ[f"data:{d.id}"], ("feeds",)):
                found.append(
                    Gap(
                        "data-without-indicator",
                        d.id,
                        cycle_key,
                        f"data source {d.id!r} feeds no indicator",
                    )
                )
            overdue = _overdue(d, cycle_key, as_of, last_by_source, last_unsourced, baselines)
            if overdue is not None:
                found.append(overdue)

    for story in case.stories:
        if story.date is not None and story.date > as_of:
            continue  # not told yet on that date
        if not any(step.indicators or step.observations for step in story.steps):
            found.append(
                Gap(
                    "story-without-evidence",
                    story.id,
                    None,
                    f"no step of story {story.id!r} cites an indicator or an observation",
                )
            )

    kind_order = {kind: i for i, kind in enumerate(GAP_KINDS)}
    cycle_order = {key: i for i, key in enumerate(fw.cycle_keys)}
    last = len(cycle_order)
    found.sort(
        key=lambda g: (
            kind_order[g.kind],
            last + 1 if g.cycle is None else cycle_order.get(g.cycle, last),
            g.id,
        )
    )
    return Gaps(found, as_of)
