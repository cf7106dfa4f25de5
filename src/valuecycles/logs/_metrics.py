"""Named metrics over the event table, as Ibis expressions, and their registry.

A metric is a function ``metric(events, params) -> table``: ``events`` is the
event table (already filtered by ``action`` and ``where``) with one more
column, ``period`` (the first day of the period each event falls in);
``params`` holds the derivation's own parameters. The table it returns has
one row per period with the columns ``period``, ``value`` and ``actors``
(the number of distinct people the figure is computed from, for the privacy
threshold). The same expression runs on DuckDB, Spark or any Ibis backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Final

import attrs

from valuecycles.errors import PluginError, UnknownElementError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "ENTRY_POINT_GROUP",
    "MEMBERSHIP_ACTIONS",
    "Metric",
    "MetricFunction",
    "get_metric",
    "metric_names",
    "register_metric",
]

#: The entry-point group through which installed packages offer metrics.
ENTRY_POINT_GROUP: Final = "valuecycles.metrics"

#: Actions that record membership, not activity: they never make a member active.
MEMBERSHIP_ACTIONS: Final = ("joined", "left")

MetricFunction = Callable[["ir.Table", Mapping[str, Any]], "ir.Table"]


@attrs.frozen
class Metric:
    """A named metric: its function, a one-line definition and its unit."""

    name: str
    function: MetricFunction = attrs.field(repr=False)
    definition: str
    unit: str | None = None


_REGISTRY: dict[str, Metric] = {}


def register_metric(
    name: str,
    function: MetricFunction,
    *,
    definition: str,
    unit: str | None = None,
    replace: bool = False,
) -> Metric:
    """Register a metric under ``name`` so that ``derive: {metric: NAME}`` can use it.

    ``function(events, params)`` returns an Ibis table with the columns
    ``period``, ``value`` and ``actors``, one row per period.

    >>> from valuecycles.logs import register_metric
    >>> def posts(events, params):
    ...     posted = events.filter(events.action == "posted")
    ...     return posted.group_by("period").aggregate(
    ...         value=posted.count(), actors=posted.actor.nunique())
    >>> register_metric("posts", posts, definition="Posts that start a thread.").name
    'posts'
    """
    if name in _REGISTRY and not replace and _REGISTRY[name].function is not function:
        raise ValueError(f"a metric named {name!r} is already registered; pass replace=True")
    metric = Metric(name=name, function=function, definition=definition, unit=unit)
    _REGISTRY[name] = metric
    return metric


def _from_plugins(name: str) -> Metric | None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name != name:
            continue
        try:
            found = ep.load()
        except Exception as exc:
            raise PluginError(f"the metric plugin {ep.value!r} for {name!r} failed: {exc}") from exc
        if isinstance(found, Metric):
            _REGISTRY[name] = found
            return found
        if callable(found):
            doc = (getattr(found, "__doc__", None) or "").strip().split("\n")[0]
            return register_metric(name, found, definition=doc or f"{name} (from a plugin)")
        raise PluginError(f"the metric plugin {ep.value!r} for {name!r} is not a function")
    return None


def _plugin_names() -> list[str]:
    return [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)]


def metric_names() -> tuple[str, ...]:
    """The names of the registered metrics (and those installed plugins offer), sorted.

    >>> from valuecycles.logs import metric_names
    >>> "active-members" in metric_names()
    True
    """
    return tuple(sorted({*_REGISTRY, *_plugin_names()}))


def get_metric(name: str) -> Metric:
    """The metric registered as ``name`` (a plugin's is loaded now, on request).

    >>> from valuecycles.logs import get_metric
    >>> get_metric("reply-coverage").unit
    'share'
    """
    found = _REGISTRY.get(name) or _from_plugins(name)
    if found is None:
        raise UnknownElementError("metric", name, metric_names())
    return found


# --- the built-in metrics ----------------------------------------------------------


def _active(events: ir.Table) -> ir.Table:
    return events.filter(~events.action.isin(MEMBERSHIP_ACTIONS))


def _actions(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    return events.group_by("period").aggregate(value=events.count(), actors=events.actor.nunique())


def _active_members(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    active = _active(events)
    n = active.actor.nunique()
    return active.group_by("period").aggregate(value=n, actors=n)


def _new_members(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    first = events.group_by("actor").aggregate(period=events.period.min())
    n = first.actor.nunique()
    return first.group_by("period").aggregate(value=n, actors=n)


def _returning_members(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    active = _active(events)
    first = active.group_by("actor").aggregate(first=active.period.min())
    per = active.select("actor", "period").distinct()
    joined = per.join(first, "actor")
    back = joined.filter(joined.period > joined.first)
    n = back.actor.nunique()
    return back.group_by("period").aggregate(value=n, actors=n)


def _threads(events: ir.Table) -> ir.Table:
    """Each thread started (a ``posted`` event) with its first reply's time, if any."""
    starts = events.filter((events.action == "posted") & events.object.notnull())
    starts = starts.select(
        thread=starts.object, period=starts.period, starter=starts.actor, started=starts.timestamp
    )
    replies = events.filter((events.action == "replied") & events.parent.notnull())
    first = replies.group_by(thread=replies.parent).aggregate(first_reply=replies.timestamp.min())
    return starts.left_join(first, "thread").select(
        "thread", "period", "starter", "started", "first_reply"
    )


def _reply_coverage(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    t = _threads(events)
    answered = t.first_reply.notnull().cast("int64")
    out = t.group_by("period").aggregate(
        answered=answered.sum(), threads=t.count(), actors=t.starter.nunique()
    )
    return out.select("period", value=(out.answered / out.threads).round(4), actors=out.actors)


def _median_hours(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    t = _threads(events)
    t = t.filter(t.first_reply.notnull())
    seconds = t.first_reply.epoch_seconds() - t.started.epoch_seconds()
    t = t.mutate(hours=seconds.cast("float64") / 3600.0)
    out = t.group_by("period").aggregate(median=t.hours.median(), actors=t.starter.nunique())
    return out.select("period", value=out.median.round(2), actors=out.actors)


def _attended(events: ir.Table) -> ir.Table:
    return events.filter(events.action == "attended")


def _attendance(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    a = _attended(events)
    return a.group_by("period").aggregate(value=a.count(), actors=a.actor.nunique())


def _unique_attendees(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    a = _attended(events)
    n = a.actor.nunique()
    return a.group_by("period").aggregate(value=n, actors=n)


def _top_10_share(events: ir.Table, params: Mapping[str, Any]) -> ir.Table:
    import ibis

    active = _active(events)
    per_actor = active.group_by(["period", "actor"]).aggregate(n=active.count())
    by_period = ibis.window(group_by="period", order_by=[ibis.desc("n"), "actor"])
    whole = ibis.window(group_by="period")
    ranked = per_actor.mutate(
        rank=ibis.row_number().over(by_period),
        people=per_actor.actor.count().over(whole),
        total=per_actor.n.sum().over(whole),
    )
    # The top tenth of the period's active members, at least one person.
    top = ranked.filter(ranked["rank"] < (ranked.people.cast("float64") / 10.0).ceil())
    out = top.group_by("period").aggregate(
        top=top.n.sum(), total=top.total.max(), actors=top.people.max()
    )
    return out.select(
        "period", value=(out.top.cast("float64") / out.total).round(4), actors=out.actors
    )


_BUILT_IN: Final[tuple[tuple[str, MetricFunction, str, str | None], ...]] = (
    (
        "actions",
        _actions,
        "The number of events in the period (every action, joining and leaving included, "
        "unless `action` keeps only some).",
        "actions",
    ),
    (
        "active-members",
        _active_members,
        "The number of distinct people with at least one action other than joined or left "
        "in the period.",
        "members",
    ),
    (
        "new-members",
        _new_members,
        "The number of people whose first event (of any action, joining included) falls in "
        "the period.",
        "members",
    ),
    (
        "returning-members",
        _returning_members,
        "The number of people active in the period who were also active in an earlier period.",
        "members",
    ),
    (
        "reply-coverage",
        _reply_coverage,
        "Of the threads started (posted) in the period, the share that got at least one reply "
        "(a replied event whose parent is the thread), whenever it came; 0 to 1.",
        "share",
    ),
    (
        "median-hours-to-first-reply",
        _median_hours,
        "Over the threads started in the period that got a reply, the median time from the "
        "post to its first reply, in hours.",
        "hours",
    ),
    (
        "attendance",
        _attendance,
        "The number of attended events in the period: each person counted once per meeting "
        "(parent), so the sum of each meeting's attendees.",
        "attendances",
    ),
    (
        "unique-attendees",
        _unique_attendees,
        "The number of distinct people who attended at least one meeting in the period.",
        "people",
    ),
    (
        "top-10-share",
        _top_10_share,
        "The share of the period's actions (other than joined or left) made by its most "
        "active tenth of members (at least one person); 0 to 1.",
        "share",
    ),
)

for _name, _function, _definition, _unit in _BUILT_IN:
    register_metric(_name, _function, definition=_definition, unit=_unit)

#: The names of the metrics that come with valuecycles, in the order of the docs.
BUILT_IN: Final = tuple(item[0] for item in _BUILT_IN)
