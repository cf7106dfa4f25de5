"""Indicator progress: each indicator's series over periods and how far it has come."""

from __future__ import annotations

import datetime as _dt
import functools
import operator
from collections.abc import Iterator
from typing import Any, Final, Literal, get_args

import attrs

from valuecycles._frozen import maker
from valuecycles._text import to_tuple
from valuecycles.evidence._common import (
    JSON_VERSION,
    PROGRESS_COLUMNS,
    cycle_order,
    data_frame,
    framework_or_none,
)
from valuecycles.evidence._periods import (
    Granularity,
    granularity_of,
    period_key,
    period_span,
)
from valuecycles.framework import Framework
from valuecycles.model import Case, Indicator, Measure

__all__ = [
    "STATUSES",
    "ContributionSeries",
    "IndicatorProgress",
    "Progress",
    "SeriesPoint",
    "progress",
]

Number = int | float
Status = Literal[
    "measured",
    "no-data",
    "breakdowns-only",
    "not-a-number",
    "no-baseline",
    "no-target",
    "target-equals-baseline",
    "target-against-direction",
]
#: Every ``status`` an :class:`IndicatorProgress` can have.
STATUSES: Final[tuple[Status, ...]] = get_args(Status)


@attrs.frozen(weakref_slot=False)
class SeriesPoint:
    """One period of an indicator's series: its aggregated value and what is behind it.

    ``period`` is the period's label: ``2026``, ``2026-Q1``, ``2026-03``, an
    ISO week ``2026-W19`` or a day ``2026-05-04`` (the last two for data
    sources collected weekly or daily); ``start`` and ``end`` its first and
    last day. ``value`` is ``None`` when no observation of the period fits
    the aggregation (a text in a sum), or when the period has breakdowns
    only and the aggregation is ``latest`` or ``mean`` (``breakdowns_only``
    is then true: an unweighted mean of groups would be invented). ``date``
    is the latest observation date in the period; ``observations`` how many
    there are, ``effect`` and ``contribution`` how many of each kind of
    evidence (an effect series holds effect data only, a contribution
    series contribution data only).
    """

    period: str
    start: _dt.date
    end: _dt.date
    value: Number | str | None
    date: _dt.date
    observations: int
    effect: int
    contribution: int
    breakdowns_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The point as plain JSON values (dates as ISO strings).

        >>> import datetime
        >>> day = datetime.date(2026, 3, 1)
        >>> SeriesPoint("2026-03", day, day, 30, day, 1, 1, 0).to_dict()["breakdowns_only"]
        False
        """
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "value": self.value,
            "date": self.date.isoformat(),
            "observations": self.observations,
            "effect": self.effect,
            "contribution": self.contribution,
            "breakdowns_only": self.breakdowns_only,
        }


@attrs.frozen(weakref_slot=False)
class ContributionSeries:
    """One group of an indicator's contribution data, as its own series.

    ``group`` is the observations' ``dimensions`` (for example
    ``{"tools": "used"}``; empty for contribution data without dimensions);
    ``points`` one per period, combined by the indicator's aggregation like
    the effect series, in date order.

    >>> import datetime
    >>> day = datetime.date(2026, 3, 31)
    >>> point = SeriesPoint("2026-Q1", datetime.date(2026, 1, 1), day, 9.2, day, 1, 0, 1)
    >>> ContributionSeries({"tools": "used"}, (point,)).to_dict()["group"]
    {'tools': 'used'}
    """

    group: dict[str, str]
    points: tuple[SeriesPoint, ...] = attrs.field(converter=to_tuple)

    @property
    def latest(self) -> Number | str | None:
        """The value of the group's last period (``None`` without one)."""
        return self.points[-1].value if self.points else None

    def to_dict(self) -> dict[str, Any]:
        """``{"group": {...}, "points": [...]}``."""
        return {"group": dict(self.group), "points": [p.to_dict() for p in self.points]}


def _measure_dict(m: Measure | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"value": m.value, "date": None if m.date is None else m.date.isoformat()}


@attrs.frozen(weakref_slot=False)
class IndicatorProgress:
    """One indicator's series and how far it has come (see :func:`progress`).

    ``series`` is the overall series of effect data; ``dimensions`` maps a
    dimension's name to each of its values' series (effect data too).
    ``contribution`` holds the contribution data apart: one
    :class:`ContributionSeries` per group of ``dimensions``, groups in
    sorted order, empty when there is none. ``baseline``, ``target`` and
    the milestones are the indicator's :class:`~valuecycles.Measure`
    objects; ``to_dict()`` gives their values.
    """

    indicator: str
    name: str
    cycle: str
    kind: str
    unit: str | None
    direction: str
    aggregation: str
    baseline: Measure | None
    target: Measure | None
    series: tuple[SeriesPoint, ...] = attrs.field(converter=to_tuple)
    dimensions: dict[str, dict[str, tuple[SeriesPoint, ...]]]
    latest: Number | str | None
    change: Number | None
    progress: float | None
    status: Status
    next_milestone: Measure | None
    milestone_progress: float | None
    contribution: tuple[ContributionSeries, ...] = ()

    @property
    def latest_point(self) -> SeriesPoint | None:
        """The last period of the series, or ``None`` without data."""
        return self.series[-1] if self.series else None

    @property
    def observations(self) -> int:
        """How many effect observations are behind the overall series."""
        return sum(p.observations for p in self.series)

    def to_dict(self) -> dict[str, Any]:
        """The ``query progress --json`` row (every key always present, unknowns null).

        The first keys are ``indicator``, ``cycle``, ``unit``, ``baseline``,
        ``target``, ``latest``, ``change`` and ``progress``; then ``name``,
        ``kind``, ``direction``, ``aggregation``, ``status``,
        ``latest_period``, ``latest_date``, ``observations``,
        ``next_milestone`` (``{"value", "date"}`` or null),
        ``milestone_progress``, ``series`` (points as
        :meth:`SeriesPoint.to_dict`), ``dimensions`` (name to value to
        points) and ``contribution`` (``[{"group", "points"}]``).
        """
        last = self.latest_point
        return {
            "indicator": self.indicator,
            "cycle": self.cycle,
            "unit": self.unit,
            "baseline": None if self.baseline is None else self.baseline.value,
            "target": None if self.target is None else self.target.value,
            "latest": self.latest,
            "change": self.change,
            "progress": self.progress,
            "name": self.name,
            "kind": self.kind,
            "direction": self.direction,
            "aggregation": self.aggregation,
            "status": self.status,
            "latest_period": None if last is None else last.period,
            "latest_date": None if last is None else last.date.isoformat(),
            "observations": self.observations,
            "next_milestone": _measure_dict(self.next_milestone),
            "milestone_progress": self.milestone_progress,
            "series": [p.to_dict() for p in self.series],
            "dimensions": {
                name: {value: [p.to_dict() for p in points] for value, points in values.items()}
                for name, values in self.dimensions.items()
            },
            "contribution": [c.to_dict() for c in self.contribution],
        }


@attrs.frozen
class Progress:
    """Every indicator's progress, cycles in the framework's order.

    Iterate over it for :class:`IndicatorProgress` rows, or look one up by
    indicator id with ``result["response-time"]``.
    """

    indicators: tuple[IndicatorProgress, ...] = attrs.field(converter=to_tuple)
    _by_id: dict[str, IndicatorProgress] = attrs.field(init=False, repr=False, eq=False)

    @_by_id.default
    def _index(self) -> dict[str, IndicatorProgress]:
        index: dict[str, IndicatorProgress] = {}
        for row in self.indicators:
            index.setdefault(row.indicator, row)
        return index

    def __iter__(self) -> Iterator[IndicatorProgress]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __getitem__(self, indicator: str) -> IndicatorProgress:
        return self._by_id[indicator]

    def __contains__(self, indicator: object) -> bool:
        return indicator in self._by_id

    def to_dict(self) -> dict[str, Any]:
        """``{"schema_version": 1, "indicators": [...]}``, as ``query progress --json``."""
        return {
            "schema_version": JSON_VERSION,
            "indicators": [row.to_dict() for row in self.indicators],
        }

    def to_frame(self) -> Any:
        """Every point of every series as a pandas DataFrame, one row a point (long format).

        Columns: ``indicator``, ``cycle``, ``period`` (the period's label),
        ``value``, ``evidence`` (``effect`` or ``contribution``) and
        ``group``: ``None`` for the overall effect series; ``name=value``
        for a breakdown of the effect data by one dimension; for a
        contribution group, its dimensions as ``name=value`` joined by
        ``;`` (an empty text for contribution data without dimensions).
        Needs pandas (``pip install 'valuecycles[frames]'``).

        >>> import valuecycles as vc
        >>> frame = vc.progress(vc.load("examples/evaluators-network.yaml")).to_frame()
        >>> list(frame.columns)
        ['indicator', 'cycle', 'period', 'value', 'evidence', 'group']
        >>> latest = frame.period.isin(["2026-10", "2026-Q3"])
        >>> rows = frame[(frame.indicator == "audit-duration") & latest]
        >>> print(rows[["period", "evidence", "group", "value"]].to_string(index=False))
         period     evidence          group value
        2026-10       effect           None  10.4
        2026-Q3 contribution tools=not-used  11.7
        2026-Q3 contribution     tools=used   9.2
        """
        rows: list[tuple[Any, ...]] = []
        for row in self.indicators:
            for p in row.series:
                rows.append((row.indicator, row.cycle, p.period, p.value, "effect", None))
            for name, values in row.dimensions.items():
                for value, points in values.items():
                    group = f"{name}={value}"
                    for p in points:
                        rows.append((row.indicator, row.cycle, p.period, p.value, "effect", group))
            for series in row.contribution:
                group = ";".join(f"{k}={v}" for k, v in sorted(series.group.items()))
                for p in series.points:
                    rows.append(
                        (row.indicator, row.cycle, p.period, p.value, "contribution", group)
                    )
        return data_frame(rows, PROGRESS_COLUMNS)


#: Points and rows are made by the thousand from values known to be right.
_point = maker(SeriesPoint)
_indicator_row = maker(IndicatorProgress)


class _Acc:
    """The running aggregate of one period (mutable, private, one pass)."""

    __slots__ = ("contribution", "count", "date", "latest", "latest_date", "numbers", "total")

    def __init__(self) -> None:
        self.count = 0
        self.contribution = 0
        self.numbers = 0
        self.total: Number = 0
        self.latest: Number | str | None = None
        self.latest_date: _dt.date | None = None
        self.date: _dt.date | None = None

    def add(self, date: _dt.date, value: Number | str, contribution: bool) -> None:
        self.count += 1
        if contribution:
            self.contribution += 1
        if self.latest_date is None or date >= self.latest_date:
            self.latest_date = date
            self.latest = value
        if not isinstance(value, str):
            self.numbers += 1
            self.total += value

    def value(self, aggregation: str) -> Number | str | None:
        if aggregation == "count":
            return self.count
        if aggregation == "sum":
            return self.total if self.numbers else None
        if aggregation == "mean":
            return self.total / self.numbers if self.numbers else None
        return self.latest


#: A period's first and last day, parsed once per key.
_span = functools.lru_cache(maxsize=4096)(period_span)


def _overall(
    plain: dict[str, _Acc], broken_down: dict[str, _Acc], crossed: set[str]
) -> tuple[dict[str, _Acc], frozenset[str], frozenset[str]]:
    """Each period's overall aggregate (its plain observations if any, else its
    breakdowns), the periods that have breakdowns only, and those of them whose
    breakdowns are by more than one set of dimensions (``crossed``)."""
    if not broken_down:
        return plain, frozenset(), frozenset()
    overall = dict(broken_down)
    overall.update(plain)
    only = frozenset(broken_down.keys() - plain.keys())
    return overall, only, only & crossed


#: The aggregations under which breakdowns alone make an overall value.
_ADDS_UP: Final = frozenset({"sum", "count"})


def _series(
    periods: dict[str, _Acc],
    aggregation: str,
    only_breakdowns: frozenset[str] = frozenset(),
    crossed: frozenset[str] = frozenset(),
) -> tuple[SeriesPoint, ...]:
    points = []
    adds_up = aggregation in _ADDS_UP
    for key, acc in periods.items():
        start, end = _span(key)
        assert acc.latest_date is not None
        count, contribution = acc.count, acc.contribution
        # Breakdowns add up to a total only when they split it one way: by
        # region and by role in the same period, a sum would count twice.
        alone = key in only_breakdowns and (not adds_up or key in crossed)
        # period, start, end, value, date, observations, effect, contribution, breakdowns
        points.append(
            _point(
                key,
                start,
                end,
                None if alone else acc.value(aggregation),
                acc.latest_date,
                count,
                count - contribution,
                contribution,
                alone,
            )
        )
    points.sort(key=_IN_TIME)
    return tuple(points)


#: Periods in date order: by first day, then last day, then key.
_IN_TIME: Final = operator.attrgetter("start", "end", "period")


def _fraction(latest: object, baseline: Number, goal: Number, direction: str) -> float | None:
    """How far ``latest`` is from ``baseline`` toward ``goal``, or ``None``."""
    if isinstance(latest, str) or not isinstance(latest, int | float):
        return None
    span = goal - baseline
    if span == 0 or (span > 0) != (direction == "increase"):
        return None
    return (latest - baseline) / span


def _status(ind: Indicator, latest: object, last: SeriesPoint | None) -> Status:
    if last is None:
        return "no-data"
    if last.breakdowns_only:
        return "breakdowns-only"
    if isinstance(latest, str) or not isinstance(latest, int | float):
        return "not-a-number"
    if ind.baseline is None:
        return "no-baseline"
    if ind.target is None:
        return "no-target"
    span = ind.target.value - ind.baseline.value
    if span == 0:
        return "target-equals-baseline"
    if (span > 0) != (ind.direction == "increase"):
        return "target-against-direction"
    return "measured"


_FAR: Final = _dt.date.max


def _next_milestone(ind: Indicator, last: SeriesPoint | None) -> Measure | None:
    if not ind.milestones:
        return None
    ordered = sorted(enumerate(ind.milestones), key=lambda im: (im[1].date or _FAR, im[0]))
    for _i, m in ordered:
        if last is None or m.date is None or m.date >= last.end:
            return m
    return None


def _row(
    ind: Indicator,
    cycle: str,
    overall: tuple[dict[str, _Acc], frozenset[str], frozenset[str]],
    dims: dict[str, dict[str, dict[str, _Acc]]],
    groups: dict[tuple[tuple[str, str], ...], dict[str, _Acc]],
) -> IndicatorProgress:
    agg = ind.aggregation
    periods, only_breakdowns, crossed = overall
    series = _series(periods, agg, only_breakdowns, crossed)
    last = series[-1] if series else None
    latest = None if last is None else last.value
    status = _status(ind, latest, last)
    change: Number | None = None
    if ind.baseline is not None and isinstance(latest, int | float):
        change = latest - ind.baseline.value
    fraction = None
    if status == "measured":
        assert ind.baseline is not None
        assert ind.target is not None
        fraction = _fraction(latest, ind.baseline.value, ind.target.value, ind.direction)
    milestone = _next_milestone(ind, last)
    milestone_fraction = None
    if milestone is not None and ind.baseline is not None:
        milestone_fraction = _fraction(latest, ind.baseline.value, milestone.value, ind.direction)
    return _indicator_row(
        ind.id,
        ind.name,
        cycle,
        ind.kind,
        ind.unit,
        ind.direction,
        agg,
        ind.baseline,
        ind.target,
        series,
        {
            name: {value: _series(per, agg) for value, per in sorted(values.items())}
            for name, values in sorted(dims.items())
        },
        latest,
        change,
        fraction,
        status,
        milestone,
        milestone_fraction,
        tuple(
            ContributionSeries(dict(group), _series(per, agg))
            for group, per in sorted(groups.items())
        ),
    )


def progress(
    case: Case, framework: Framework | None = None, *, as_of: _dt.date | None = None
) -> Progress:
    """Every indicator's series over periods, latest value, change and progress.

    Indicators come in the framework's cycle order, then in the case's
    order. ``framework`` defaults to the one the case names (a case naming a
    framework that is not registered keeps its cycle keys as written).
    ``as_of`` leaves out the observations dated after it (no limit by
    default), as every evidence function does.

    Effect and contribution data
        An indicator's series (its latest value, change, progress, next
        milestone) is made of its *effect* observations only. Its
        *contribution* observations are a comparison of their own: grouped by
        their ``dimensions`` (``tools: used`` against ``tools: not-used``),
        one :class:`ContributionSeries` per group, never merged into the
        effect series.

    How an indicator's observations become a series
        Each observation covers a period: its ``period`` when it has one, else
        the period its date falls in at the cadence of its data source (the
        observation's ``source``, else the first source feeding the indicator
        whose cadence is understood; by month when there is none). The values of
        one period combine by the indicator's ``aggregation``: ``latest`` keeps
        the value of the latest observation (by date; on the same date, the one
        later in the case), ``sum`` adds the numbers, ``mean`` averages them and
        ``count`` counts the observations. Periods come in date order (by first
        day, then last day). A text in a ``sum`` or ``mean`` (which validation
        rejects) is left out; a period with no number left has no value
        (``None``). The same is done for each value of each dimension
        (``dimensions: {region: north}``) on its own observations. An
        observation with dimensions is a breakdown: a period that also has
        observations without dimensions takes its overall value from those
        alone. A period with breakdowns only combines them for ``sum`` (their
        sum: the regions add up to the total) and ``count`` (their count)
        when they split the figure one way (every breakdown by the same
        dimensions); for ``latest`` and ``mean``, or breakdowns by different
        dimensions (by region and by role: a sum would count twice), it has no
        overall value (``None``, the point's ``breakdowns_only`` true),
        because the figure would be invented. The breakdowns are kept in
        ``dimensions``.

    How far it has come
        ``latest`` is the value of the last period; ``change`` is ``latest``
        minus the baseline; ``progress`` is ``(latest - baseline) / (target -
        baseline)``: 0 at the baseline and 1 at the target, whichever way the
        indicator should move (falling from 60 to 30 toward 24 is 30/36, 0.83).
        It is not clamped: above 1 the indicator has gone beyond its target,
        below 0 it has moved away from it (worse than the baseline). Baseline,
        target and milestones are compared with one period's value, so for a
        ``sum`` indicator they are amounts per period.

        The next milestone is the first milestone (by date; undated ones after,
        in their order) dated on or after the last day of the latest period: the
        one the latest data is to be judged against. ``milestone_progress`` is
        measured from the baseline toward it the same way.

    What is unknown stays unknown
        Nothing is made up: no baseline is taken from the first observation.
        ``status`` says why ``progress`` is ``None``: ``no-data`` (no effect
        data), ``breakdowns-only`` (the latest period has breakdowns only, see
        above), ``not-a-number`` (the latest value is a text, as for a qualitative
        indicator aggregated by ``latest``), ``no-baseline``, ``no-target``,
        ``target-equals-baseline`` or ``target-against-direction`` (the target
        lies on the worse side of the baseline); ``measured`` when it is known.
        ``change`` is known whenever the latest value is a number and there is
        a baseline.

    >>> import datetime, valuecycles as vc
    >>> rt = vc.Indicator(id="rt", name="Hours to answer", unit="hours", direction="decrease",
    ...                   baseline=vc.Measure(60), target=vc.Measure(24))
    >>> case = vc.Case(community=vc.Community(name="Evaluators"),
    ...                cycles={"immediate": vc.CyclePlan(indicators=[rt])})
    >>> case = case.with_observations(
    ...     vc.Observation(indicator="rt", date=datetime.date(2026, 2, 1), value=45),
    ...     vc.Observation(indicator="rt", date=datetime.date(2026, 3, 1), value=30))
    >>> row = vc.progress(case)["rt"]
    >>> row.latest, row.change, round(row.progress, 2)
    (30, -30, 0.83)
    >>> [p.period for p in row.series]
    ['2026-02', '2026-03']
    """
    case = case.until(as_of)
    fw = framework_or_none(case, framework)

    indicators: dict[str, tuple[str, Indicator]] = {}
    for cycle, ind in case.indicators(fw):
        indicators.setdefault(ind.id, (cycle, ind))

    source_grain: dict[str, Granularity | None] = {}
    default_grain: dict[str, Granularity] = {}
    for _c, src in case.data_sources(fw):
        grain = granularity_of(src.cadence)
        source_grain.setdefault(src.id, grain)
        if grain is not None:
            for ref in src.indicators:
                default_grain.setdefault(ref, grain)

    # Per indicator and period: the observations without dimensions, those
    # with (breakdowns), and per dimension's value its own. Each observation
    # is added once to the first two, as the overall value takes the plain
    # observations of a period if it has any, else all its breakdowns.
    plain: dict[str, dict[str, _Acc]] = {key: {} for key in indicators}
    broken_down: dict[str, dict[str, _Acc]] = {key: {} for key in indicators}
    dims: dict[str, dict[str, dict[str, dict[str, _Acc]]]] = {key: {} for key in indicators}
    # Per indicator: the dimensions each period's first breakdown is by, and
    # the periods with breakdowns by other dimensions too.
    split: dict[str, dict[str, frozenset[str]]] = {key: {} for key in indicators}
    crossed: dict[str, set[str]] = {key: set() for key in indicators}
    groups: dict[str, dict[tuple[tuple[str, str], ...], dict[str, _Acc]]] = {
        key: {} for key in indicators
    }
    for obs in case.observations:
        per = plain.get(obs.indicator)
        if per is None:
            continue  # an indicator the case does not have: validation says so
        key = obs.period
        if key is None:
            grain = source_grain.get(obs.source) if obs.source is not None else None
            grain = grain or default_grain.get(obs.indicator, "month")
            key = period_key(obs.date, grain)
        contribution = obs.evidence == "contribution"
        if contribution:
            dims_of = obs.dimensions
            group = tuple(sorted((k, str(v)) for k, v in dims_of.items())) if dims_of else ()
            per = groups[obs.indicator].setdefault(group, {})
            acc = per.get(key)
            if acc is None:
                acc = per[key] = _Acc()
            acc.add(obs.date, obs.value, True)
            continue
        if obs.dimensions:
            per = broken_down[obs.indicator]
        acc = per.get(key)
        if acc is None:
            acc = per[key] = _Acc()
        acc.add(obs.date, obs.value, contribution)
        if obs.dimensions:
            names = frozenset(obs.dimensions)
            if split[obs.indicator].setdefault(key, names) != names:
                crossed[obs.indicator].add(key)
            by_name = dims[obs.indicator]
            for name, value in obs.dimensions.items():
                per_dim = by_name.setdefault(name, {}).setdefault(str(value), {})
                acc = per_dim.get(key)
                if acc is None:
                    acc = per_dim[key] = _Acc()
                acc.add(obs.date, obs.value, contribution)

    order = cycle_order(fw)
    rows = [
        _row(
            ind,
            cycle,
            _overall(plain[ind_id], broken_down[ind_id], crossed[ind_id]),
            dims[ind_id],
            groups[ind_id],
        )
        for ind_id, (cycle, ind) in indicators.items()
    ]
    positions = {ind_id: n for n, ind_id in enumerate(indicators)}
    rows.sort(key=lambda r: (order.get(r.cycle, len(order)), positions[r.indicator]))
    return Progress(rows)
