"""The same metrics on Spark (``local[2]``) give the same figures as on DuckDB."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import valuecycles as vc

pytest.importorskip("ibis")
pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover - CI installs a Java runtime
    pytest.skip("Spark needs a Java runtime (java is not on PATH)", allow_module_level=True)

from valuecycles.logs import BUILT_IN, derive  # noqa: E402

DATA = Path(__file__).parent / "data" / "logs"
EXAMPLE = Path(__file__).parent.parent / "examples" / "logs"
AS_OF = dt.date(2026, 4, 1)

pytestmark = [
    pytest.mark.slow,
    # py4j leaves its sockets to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole test run (it takes seconds to start)."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("valuecycles-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _case(per: str) -> vc.Case:
    indicators = [vc.Indicator(id=f"i-{m}", name=m) for m in BUILT_IN]
    sources = [
        vc.DataSource(
            id=f"d-{m}",
            name=m,
            indicators=[f"i-{m}"],
            derive=vc.Derivation(events="ev", metric=m, per=per),
        )
        for m in BUILT_IN
    ]
    # Filters: an action, a column and an attribute (a map lookup on each engine).
    filters = [
        ("posted", "actions", {"action": ["posted", "attended"]}),
        ("general", "active-members", {"where": {"channel": "general"}}),
        ("joins", "actions", {"where": {"subtype": "channel_join"}}),
        ("minutes", "attendance", {"where": {"joins": 2}}),
    ]
    indicators += [vc.Indicator(id=f"i-{key}", name=key) for key, _, _ in filters]
    sources += [
        vc.DataSource(
            id=f"d-{key}",
            name=key,
            indicators=[f"i-{key}"],
            derive=vc.Derivation(events="ev", metric=metric, per=per, **kw),
        )
        for key, metric, kw in filters
    ]
    return vc.Case(
        community=vc.Community(name="Parity"),
        cycles={"immediate": vc.CyclePlan(indicators=indicators, data=sources)},
    )


def _figures(report: Any) -> list[tuple[Any, ...]]:
    return sorted((f.metric, f.date, f.value, f.actors, f.status) for f in report.figures)


@pytest.mark.parametrize(
    ("events", "per"),
    [
        (DATA / "slack", "month"),
        (DATA / "slack", "week"),
        (DATA / "xapi.json", "month"),
        (DATA / "zoom.csv", "quarter"),
        (EXAMPLE / "slack-export", "month"),
        (EXAMPLE / "xapi-statements.json", "quarter"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_every_metric_gives_the_same_figures_on_spark_and_duckdb(
    spark: Any, events: Path, per: str
) -> None:
    case = _case(per)
    on_duckdb, by_duckdb = derive(case, {"ev": events}, as_of=AS_OF, k=1, salt="s")
    on_spark, by_spark = derive(case, {"ev": events}, engine="spark", as_of=AS_OF, k=1, salt="s")
    assert by_spark.engine == "spark"
    assert by_duckdb.figures  # something was computed
    assert _figures(by_spark) == _figures(by_duckdb)
    assert [o.value for o in on_spark.observations] == [o.value for o in on_duckdb.observations]


def test_an_ibis_table_on_spark_can_be_given_directly(spark: Any, tmp_path: Path) -> None:
    """Logs that already live on a cluster: hand derive the table, in the event table's shape."""
    import ibis

    from valuecycles.logs import read_events

    events = read_events(DATA / "slack", salt="s")
    out = tmp_path / "events.parquet"
    events.table.to_parquet(out)
    con = ibis.pyspark.connect(spark)
    table = con.read_parquet(str(out), table_name="cluster_events")
    case = _case("month")
    _, on_cluster = derive(case, {"ev": table}, as_of=AS_OF, k=1)
    _, local = derive(case, {"ev": events}, as_of=AS_OF, k=1)
    assert _figures(on_cluster) == _figures(local)
