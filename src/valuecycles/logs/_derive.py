"""Derive: run every ``derive:`` of a case's data sources and add the figures as observations."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from valuecycles.errors import EventsError, Problem, UnknownElementError, ValidationError, closest
from valuecycles.io import add_observations
from valuecycles.logs._metrics import get_metric, metric_names
from valuecycles.logs._read import EVENT_COLUMNS, SALT_VARIABLE, read_into, split_format
from valuecycles.model import Case, DataSource, Derivation, Observation, Provenance

if TYPE_CHECKING:
    import duckdb
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

__all__ = [
    "DeriveReport",
    "Events",
    "Figure",
    "derive",
    "period_bounds",
    "read_events",
    "salt_from",
]

#: The environment variable a salt is read from when none is given.
SALT_ENV: Final = "VALUECYCLES_SALT"

_TRUNCATE: Final = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def salt_from(salt: str | None = None, salt_file: str | os.PathLike[str] | None = None) -> str:
    """The salt for pseudonyms: given, else from a file, else ``VALUECYCLES_SALT``, else random.

    A random salt (one per run) still gives the same figures, since every
    figure is computed within one run; a fixed one keeps pseudonyms stable
    across runs. The salt is never written into a case, report or export.

    >>> from valuecycles.logs import salt_from
    >>> salt_from("pepper")
    'pepper'
    >>> len(salt_from()) >= 32 or "VALUECYCLES_SALT" in __import__("os").environ
    True
    """
    if salt:
        return salt
    if salt_file is not None:
        try:
            text = Path(salt_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EventsError(f"{salt_file}: cannot read the salt file: {exc.strerror}") from None
        if not text:
            raise EventsError(f"{salt_file}: the salt file is empty")
        return text
    return os.environ.get(SALT_ENV) or secrets.token_hex(32)


def period_bounds(start: _dt.date, per: str) -> tuple[str | None, _dt.date]:
    """A period's label (None for a week) and the first day after it.

    >>> import datetime
    >>> from valuecycles.logs import period_bounds
    >>> period_bounds(datetime.date(2026, 1, 1), "month")
    ('2026-01', datetime.date(2026, 2, 1))
    >>> period_bounds(datetime.date(2026, 10, 1), "quarter")
    ('2026-Q4', datetime.date(2027, 1, 1))
    >>> period_bounds(datetime.date(2026, 1, 5), "week")
    (None, datetime.date(2026, 1, 12))
    """
    y, m = start.year, start.month
    if per == "year":
        return f"{y}", _dt.date(y + 1, 1, 1)
    if per == "quarter":
        q = (m - 1) // 3 + 1
        end = _dt.date(y + 1, 1, 1) if q == 4 else _dt.date(y, 3 * q + 1, 1)
        return f"{y}-Q{q}", end
    if per == "month":
        end = _dt.date(y + 1, 1, 1) if m == 12 else _dt.date(y, m + 1, 1)
        return f"{y}-{m:02d}", end
    if per == "week":
        return None, start + _dt.timedelta(days=7)
    raise ValueError(f"unknown period {per!r}; known: {', '.join(_TRUNCATE)}")


@attrs.frozen
class Figure:
    """One derived figure: a data source's metric for one period.

    ``value`` is None when the figure is suppressed (computed from fewer than
    ``k`` distinct people); ``actors`` is how many it was computed from.
    ``status`` says what became of it: ``added``, ``unchanged``, ``changed``
    (the case holds another value; ``previous``), ``updated`` (that value was
    replaced) or ``suppressed``.
    """

    source: str
    indicator: str
    metric: str
    period: str | None
    date: _dt.date
    value: int | float | None
    actors: int
    status: str
    previous: int | float | str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``derive --json`` prints it."""
        return {
            "source": self.source,
            "indicator": self.indicator,
            "metric": self.metric,
            "period": self.period,
            "date": self.date.isoformat(),
            "value": self.value,
            "actors": self.actors,
            "status": self.status,
            "previous": self.previous,
        }


@attrs.frozen
class DeriveReport:
    """What a derive did: every figure with its status, and the sources it left out.

    ``skipped`` lists ``(source id, reason)`` for data sources with a
    ``derive:`` that did not run (their events were not given).
    """

    figures: tuple[Figure, ...]
    skipped: tuple[tuple[str, str], ...]
    engine: str
    k: int
    as_of: _dt.date

    def _with(self, status: str) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.status == status)

    @property
    def added(self) -> tuple[Figure, ...]:
        """The figures added to the case as new observations."""
        return self._with("added")

    @property
    def changed(self) -> tuple[Figure, ...]:
        """The figures that differ from an observation already there (left alone)."""
        return self._with("changed")

    @property
    def updated(self) -> tuple[Figure, ...]:
        """The figures that replaced a different observation (with ``update=True``)."""
        return self._with("updated")

    @property
    def unchanged(self) -> tuple[Figure, ...]:
        """The figures the case already holds."""
        return self._with("unchanged")

    @property
    def suppressed(self) -> tuple[Figure, ...]:
        """The figures computed from fewer than ``k`` people, and so not reported."""
        return self._with("suppressed")

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``derive --json`` prints it."""
        return {
            "schema_version": 1,
            "engine": self.engine,
            "k": self.k,
            "as_of": self.as_of.isoformat(),
            "figures": [f.to_dict() for f in self.figures],
            "skipped": [{"source": s, "reason": r} for s, r in self.skipped],
        }


@attrs.frozen
class Events:
    """A named event table, read and pseudonymised, with its fingerprint and format."""

    name: str
    table: ir.Table = attrs.field(repr=False)
    fingerprint: str
    format: str


EventsSpec = Any  # a path, "FORMAT:PATH", an Ibis table or an Events


def _duckdb_connection(memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    import duckdb

    config: dict[str, Any] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(config=config)
    # Without the ICU extension DuckDB knows only UTC, which is what is wanted.
    with contextlib.suppress(duckdb.Error):
        con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/valuecycles-duckdb.tmp'")
    return con


def read_events(
    path: str | os.PathLike[str],
    *,
    name: str = "events",
    format: str | None = None,
    mapping: Mapping[str, str] | None = None,
    attributes: tuple[str, ...] = (),
    salt: str | None = None,
    memory_limit: str | None = None,
) -> Events:
    """Read one events file (or Slack folder) into an Ibis table on an embedded DuckDB.

    The format is recognised from the content unless ``format`` (``xapi``,
    ``slack``, ``discourse``, ``moodle``, ``zoom``, ``csv``, ``jsonl``,
    ``parquet``) is given; ``mapping`` names the source column of each event
    column for the generic formats, ``attributes`` the source columns kept.

    >>> from valuecycles.logs import read_events
    >>> events = read_events("tests/data/logs/slack", name="chat", salt="pepper")
    >>> events.format, sorted(events.table.columns) == sorted(
    ...     ["community", "actor", "action", "timestamp", "object", "parent", "channel",
    ...      "attributes"])
    ('slack', True)
    """
    import ibis

    con = _duckdb_connection(memory_limit)
    con.execute(f"SET VARIABLE {SALT_VARIABLE} = ?", [salt_from(salt)])
    forced, real = split_format(os.fspath(path)) if format is None else (format, os.fspath(path))
    fmt, fp = read_into(
        con, f"events_{name}", real, name=name, fmt=forced, mapping=mapping, attributes=attributes
    )
    con.execute(f"RESET VARIABLE {SALT_VARIABLE}")
    backend = ibis.duckdb.from_connection(con)
    table = backend.table(f"events_{name}").select(*EVENT_COLUMNS)
    return Events(name=name, table=table, fingerprint=fp, format=fmt)


class _Engine:
    """Where the metrics run: DuckDB (embedded) by default, Spark, or any Ibis backend."""

    def __init__(self, engine: str | BaseBackend, memory_limit: str | None) -> None:
        self.memory_limit = memory_limit
        self._scratch: str | None = None
        self._duck: duckdb.DuckDBPyConnection | None = None
        self._backend: BaseBackend | None = None
        if isinstance(engine, str):
            if engine not in ("duckdb", "spark"):
                raise EventsError(f"unknown engine {engine!r}; known: duckdb, spark")
            self.name = engine
        else:
            self.name = getattr(engine, "name", type(engine).__name__)
            self._backend = engine

    @property
    def duck(self) -> duckdb.DuckDBPyConnection:
        if self._duck is None:
            self._duck = _duckdb_connection(self.memory_limit)
        return self._duck

    @property
    def backend(self) -> BaseBackend:
        if self._backend is None:
            import ibis

            if self.name == "duckdb":
                self._backend = ibis.duckdb.from_connection(self.duck)
            else:
                self._backend = ibis.pyspark.connect(_spark_session())
        return self._backend

    def load(self, name: str, path: str, salt: str) -> Events:
        forced, real = split_format(path)
        table = f"events_{name}"
        self.duck.execute(f"SET VARIABLE {SALT_VARIABLE} = ?", [salt])
        try:
            fmt, fp = read_into(self.duck, table, real, name=name, fmt=forced)
        finally:
            self.duck.execute(f"RESET VARIABLE {SALT_VARIABLE}")
        if self.name == "duckdb":
            return Events(name, self.backend.table(table).select(*EVENT_COLUMNS), fp, fmt)
        # Another engine: hand it the pseudonymised table as Parquet.
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="valuecycles-events-")
        out = os.path.join(self._scratch, f"{table}.parquet")
        columns = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
        self.duck.execute(f"COPY (SELECT {columns} FROM \"{table}\") TO '{out}' (FORMAT parquet)")
        self.duck.execute(f'DROP TABLE "{table}"')
        return Events(name, self.backend.read_parquet(out, table_name=table), fp, fmt)

    def close(self) -> None:
        if self._duck is not None:
            self._duck.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def _spark_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EventsError(
            "the spark engine needs PySpark: pip install 'valuecycles[spark]'"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (
        SparkSession.builder.master(os.environ.get("VALUECYCLES_SPARK_MASTER", "local[2]"))
        .appName("valuecycles")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


@contextmanager
def _engine(engine: str | BaseBackend, memory_limit: str | None) -> Iterator[_Engine]:
    e = _Engine(engine, memory_limit)
    try:
        yield e
    finally:
        e.close()


def _filtered(table: ir.Table, derivation: Derivation, as_of: _dt.date, per: str) -> ir.Table:
    import ibis

    t = table
    if derivation.action:
        t = t.filter(t.action.isin(list(derivation.action)))
    for key, value in derivation.where.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if key in EVENT_COLUMNS and key not in ("attributes", "timestamp", "actor"):
            t = t.filter(t[key] == text)
        else:
            t = t.filter(t.attributes.get(key) == text)
    t = t.filter(t.timestamp < ibis.timestamp(as_of.isoformat() + " 00:00:00"))
    return t.mutate(period=t.timestamp.truncate(_TRUNCATE[per]).date())


def _filter_key(derivation: Derivation) -> tuple[Any, ...]:
    """What the events are filtered by: the metrics with the same key share their events."""
    return (derivation.per, derivation.action, tuple(sorted(derivation.where.items())))


def _params(derivation: Derivation, k: int) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {"per": derivation.per}
    if derivation.action:
        out["action"] = ",".join(derivation.action)
    for key, value in derivation.where.items():
        out[f"where.{key}"] = value
    out.update(derivation.params)
    out["k"] = k
    return out


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if f != f:  # NaN
        return None
    if isinstance(value, int) or (f.is_integer() and not isinstance(value, float)):
        return int(f)
    return round(f, 6)


def _metric_table(
    metric_name: str, events: ir.Table, derivation: Derivation, slot: int
) -> tuple[ir.Table, bool]:
    """A metric's result with a ``slot`` column, and whether its values are whole numbers."""
    import ibis

    metric = get_metric(metric_name)
    result = metric.function(events, dict(derivation.params))
    missing = [c for c in ("period", "value", "actors") if c not in result.columns]
    if missing:
        raise EventsError(
            f"metric {metric_name!r} gave no column {', '.join(missing)}; "
            f"a metric returns period, value and actors (it gave {', '.join(result.columns)})"
        )
    whole = result.schema()["value"].is_integer()
    out = result.select(
        period=result.period.cast("date"),
        value=result.value.cast("float64"),
        actors=result.actors.cast("int64"),
        slot=ibis.literal(slot, type="int64"),
    )
    return out, whole


def _compute_group(
    items: list[tuple[int, Derivation]], table: ir.Table, as_of: _dt.date
) -> dict[int, list[tuple[_dt.date, int | float | None, int]]]:
    """Every metric over the same filtered events, in one query (the engine plans it once).

    Returns, for each item's number, (period start, value, actors) for each
    complete period before ``as_of``.
    """
    import ibis

    first = items[0][1]
    events = _filtered(table, first, as_of, first.per)
    parts, whole = [], {}
    for number, derivation in items:
        part, whole[number] = _metric_table(derivation.metric, events, derivation, number)
        parts.append(part)
    query = parts[0] if len(parts) == 1 else ibis.union(*parts)
    out: dict[int, list[tuple[_dt.date, int | float | None, int]]] = {n: [] for n, _ in items}
    for row in query.to_pyarrow().to_pylist():
        start = row["period"]
        if start is None:
            continue
        if isinstance(start, _dt.datetime):
            start = start.date()
        _, after = period_bounds(start, first.per)
        if after > as_of:
            continue  # an incomplete period: its figure would still change
        value = row["value"]
        if value is not None and value == value and whole[row["slot"]]:
            value = int(value)
        out[row["slot"]].append((start, _number(value), int(row["actors"] or 0)))
    for rows in out.values():
        rows.sort(key=lambda r: r[0])
    return out


def _indicator_for(
    ds: DataSource, derivation: Derivation, path: str, known: set[str]
) -> tuple[str | None, Problem | None]:
    if derivation.indicator is not None:
        if derivation.indicator not in known:
            message = f"unknown indicator {derivation.indicator!r}"
            close = closest(derivation.indicator, known)
            if close:
                message += f" (did you mean {close!r}?)"
            return None, Problem(f"{path}.derive.indicator", "unknown-reference", message)
        return derivation.indicator, None
    if len(ds.indicators) == 1:
        return ds.indicators[0], None
    what = "feeds no indicator" if not ds.indicators else "feeds several indicators"
    return None, Problem(
        f"{path}.derive",
        "ambiguous-indicator",
        f"data source {ds.id!r} {what}; say which with derive.indicator",
    )


def _same_slot(obs: Observation) -> tuple[Any, ...]:
    return (obs.indicator, obs.source, obs.period, obs.date, tuple(sorted(obs.dimensions.items())))


def derive(
    case: Case,
    events: Mapping[str, EventsSpec],
    *,
    engine: str | BaseBackend = "duckdb",
    as_of: _dt.date | None = None,
    k: int = 5,
    salt: str | None = None,
    update: bool = False,
    memory_limit: str | None = None,
    now: _dt.datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Case, DeriveReport]:
    """Compute every ``derive:`` of the case's data sources and add the figures as observations.

    ``events`` maps each name a ``derive: {events: NAME}`` uses to a path (a
    file, a Slack folder or zip; ``FORMAT:PATH`` forces a format), an Ibis
    table already in the event table's shape (logs that live in a warehouse
    or on a Spark cluster), or :class:`Events` from :func:`read_events`.
    Metrics run on ``engine``: ``"duckdb"`` (embedded, the default),
    ``"spark"`` (the active Spark session, or a local one) or an Ibis backend.

    Only complete periods before ``as_of`` (today by default) are derived. A
    figure computed from fewer than ``k`` distinct people is suppressed (not
    added, and reported); exactly ``k`` is reported. Each new observation
    has the period's label as ``period``, the first day after it as
    ``date``, the data source as ``source`` and a :class:`~valuecycles.Provenance`.
    A figure the case already holds is left as it is; one that differs is
    reported as ``changed`` and left alone unless ``update`` is true.
    Observations enter the case through :func:`valuecycles.add_observations`.

    >>> import datetime, valuecycles as vc
    >>> from valuecycles.logs import derive
    >>> case = vc.load("examples/logs/community.yaml")
    >>> new, report = derive(case, {"chat": "examples/logs/slack-export",
    ...                             "lrs": "examples/logs/xapi-statements.json"},
    ...                      as_of=datetime.date(2026, 4, 1), salt="pepper")
    >>> sorted({(f.indicator, f.period, f.value) for f in report.added})[:2]
    [('active-members', '2026-01', 8), ('active-members', '2026-02', 8)]
    >>> derive(new, {"chat": "examples/logs/slack-export",
    ...              "lrs": "examples/logs/xapi-statements.json"},
    ...        as_of=datetime.date(2026, 4, 1))[1].added
    ()
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    as_of = as_of or _dt.datetime.now(_dt.UTC).date()
    stamp = (now or _dt.datetime.now(_dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    known_indicators = {ind.id for _, ind in case.indicators()}
    plan: list[tuple[DataSource, Derivation, str]] = []
    problems: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    for ds, path in _sources(case):
        derivation = ds.derive
        assert derivation is not None
        if derivation.events not in events:
            close = closest(derivation.events, list(events))
            hint = f" (did you mean {close!r}?)" if close else ""
            skipped.append((ds.id, f"no events named {derivation.events!r} were given{hint}"))
            continue
        if derivation.metric not in metric_names():
            problems.append(
                Problem(
                    f"{path}.derive.metric",
                    "unknown-metric",
                    str(UnknownElementError("metric", derivation.metric, metric_names())),
                )
            )
            continue
        indicator, problem = _indicator_for(ds, derivation, path, known_indicators)
        if problem is not None:
            problems.append(problem)
            continue
        assert indicator is not None
        plan.append((ds, derivation, indicator))
    unused = [n for n in events if n not in {d.events for _, d, _ in plan}]
    if problems:
        raise ValidationError(problems)
    if not plan and not skipped:
        raise EventsError("the case has no data source with a derive: to compute")
    the_salt = salt_from(salt)
    figures: list[Figure] = []
    new_obs: list[Observation] = []
    replaced: set[tuple[Any, ...]] = set()
    existing: dict[tuple[Any, ...], Observation] = {}
    for obs in case.observations:
        existing.setdefault(_same_slot(obs), obs)
    # Derivations over the same events with the same filters run as one query.
    groups: dict[tuple[str, Any], list[tuple[int, Derivation]]] = {}
    for number, (_, derivation, _) in enumerate(plan):
        groups.setdefault((derivation.events, _filter_key(derivation)), []).append(
            (number, derivation)
        )
    with _engine(engine, memory_limit) as eng:
        loaded: dict[str, Events] = {}
        computed: dict[int, list[tuple[_dt.date, int | float | None, int]]] = {}
        total = len(groups)
        for step, ((name, _), items) in enumerate(groups.items()):
            if progress is not None:
                metrics_ = ", ".join(d.metric for _, d in items)
                progress(f"{name}: {metrics_}", step, total)
            if name not in loaded:
                loaded[name] = _load(eng, name, events[name], the_salt)
            computed.update(_compute_group(items, loaded[name].table, as_of))
        if progress is not None:
            progress("done", total, total)
        for number, (ds, derivation, indicator) in enumerate(plan):
            ev = loaded[derivation.events]
            params = _params(derivation, k)
            for start, value, actors in computed[number]:
                label, after = period_bounds(start, derivation.per)
                if value is None:
                    continue
                if actors < k:
                    figures.append(
                        Figure(
                            ds.id,
                            indicator,
                            derivation.metric,
                            label,
                            after,
                            None,
                            actors,
                            "suppressed",
                        )
                    )
                    continue
                obs = Observation(
                    indicator=indicator,
                    date=after,
                    value=value,
                    period=label,
                    source=ds.id,
                    provenance=Provenance(
                        metric=derivation.metric, params=params, events=ev.fingerprint, at=stamp
                    ),
                )
                old = existing.get(_same_slot(obs))
                status, previous = "added", None
                if old is not None:
                    if old.value == value:
                        status = "unchanged"
                    elif update:
                        status, previous = "updated", old.value
                        replaced.add(_same_slot(obs))
                        new_obs.append(obs)
                    else:
                        status, previous = "changed", old.value
                else:
                    new_obs.append(obs)
                figures.append(
                    Figure(
                        ds.id,
                        indicator,
                        derivation.metric,
                        label,
                        after,
                        value,
                        actors,
                        status,
                        previous,
                    )
                )
    for name in unused:
        skipped.append((f"events:{name}", "no data source derives from these events"))
    base = case
    if replaced:
        base = attrs.evolve(
            case, observations=[o for o in case.observations if _same_slot(o) not in replaced]
        )
    new_case, _ = add_observations(base, new_obs, source="derive")
    report = DeriveReport(
        figures=tuple(figures),
        skipped=tuple(skipped),
        engine=eng.name,
        k=k,
        as_of=as_of,
    )
    return new_case, report


def _sources(case: Case) -> Iterator[tuple[DataSource, str]]:
    for cycle_key, plan in case.cycles.items():
        for i, ds in enumerate(plan.data):
            if ds.derive is not None:
                yield ds, f"$.cycles.{cycle_key}.data[{i}]"


def _load(eng: _Engine, name: str, spec: EventsSpec, salt: str) -> Events:
    if isinstance(spec, Events):
        return spec
    if isinstance(spec, str | os.PathLike):
        return eng.load(name, os.fspath(spec), salt)
    columns = getattr(spec, "columns", None)
    if columns is None:
        raise EventsError(
            f"events {name!r}: expected a path, an Ibis table or Events, got {type(spec).__name__}"
        )
    missing = [c for c in EVENT_COLUMNS if c not in columns]
    if missing:
        raise EventsError(
            f"events {name!r}: the table has no column {', '.join(missing)}; "
            f"columns found: {', '.join(columns)}"
        )
    return Events(name, spec, f"table:{name}", "table")
