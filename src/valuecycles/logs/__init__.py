"""Evidence from activity logs: events read into one table, metrics, and ``derive``.

Readers turn a platform's export (xAPI statements, a Slack export, Discourse
topics, Moodle's standard log, Zoom participant reports, or any CSV, JSON
Lines or Parquet table with a column mapping) into one event table with the
columns ``community``, ``actor`` (a salted hash, never the raw identifier),
``action``, ``timestamp`` (UTC), ``object``, ``parent``, ``channel`` and
``attributes``. Named metrics are Ibis expressions over that table; they run
on DuckDB (embedded) by default, or on Spark or any engine Ibis supports.
:func:`derive` computes every ``derive:`` of a case's data sources and adds
the figures as observations with their provenance.

This module needs the ``logs`` extra: ``pip install 'valuecycles[logs]'``.

>>> from valuecycles.logs import metric_names
>>> metric_names()[:3]
('actions', 'active-members', 'attendance')
"""

from valuecycles.logs._derive import (
    DeriveReport,
    Events,
    Figure,
    derive,
    period_bounds,
    read_events,
    salt_from,
)
from valuecycles.logs._metrics import (
    BUILT_IN,
    ENTRY_POINT_GROUP,
    MEMBERSHIP_ACTIONS,
    Metric,
    get_metric,
    metric_names,
    register_metric,
)
from valuecycles.logs._read import EVENT_COLUMNS, FORMATS, sniff

__all__ = [
    "BUILT_IN",
    "ENTRY_POINT_GROUP",
    "EVENT_COLUMNS",
    "FORMATS",
    "MEMBERSHIP_ACTIONS",
    "DeriveReport",
    "Events",
    "Figure",
    "Metric",
    "derive",
    "get_metric",
    "metric_names",
    "period_bounds",
    "read_events",
    "register_metric",
    "salt_from",
    "sniff",
]
