"""Evidence from activity logs: readers, privacy, metrics, derive and ``valuecycles derive``."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import shutil
import statistics
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles.cli import main

pytest.importorskip("ibis")
pytest.importorskip("duckdb")

from valuecycles.logs import (
    BUILT_IN,
    EVENT_COLUMNS,
    derive,
    metric_names,
    read_events,
    register_metric,
    sniff,
)

DATA = Path(__file__).parent / "data" / "logs"
EXAMPLE = Path(__file__).parent.parent / "examples" / "logs"
AS_OF = dt.date(2026, 4, 1)

#: Raw identifiers in the fixtures that must never come out of the library.
RAW_IDS = (
    "U01",
    "U02",
    "U05",
    "member1",
    "ana@example.org",
    "Ben@Example.org",
    "ben@example.org",
    "dee-42",
    "Ana Rivera",
    "Chen, Li",
    "username",
    "ana",
    "chen",
)


def rows(events: Any) -> list[dict[str, Any]]:
    out = events.table.order_by(["timestamp", "object"]).to_pyarrow().to_pylist()
    return [{**r, "attributes": dict(r["attributes"] or ())} for r in out]


def case_for(metrics: dict[str, dict[str, Any]], events: str = "ev") -> vc.Case:
    """A case with one indicator and one deriving data source per metric."""
    indicators = [vc.Indicator(id=f"i-{m}", name=m) for m in metrics]
    sources = [
        vc.DataSource(
            id=f"d-{m}",
            name=m,
            indicators=[f"i-{m}"],
            derive=vc.Derivation(events=events, metric=m, **kw),
        )
        for m, kw in metrics.items()
    ]
    return vc.Case(
        community=vc.Community(name="Test"),
        cycles={"immediate": vc.CyclePlan(indicators=indicators, data=sources)},
    )


def figures(report: Any) -> dict[tuple[str, str | None], Any]:
    return {(f.metric, f.period): f.value for f in report.figures}


# --- readers ------------------------------------------------------------------------


def test_slack_folder_and_zip_read_the_same_without_bots() -> None:
    folder = read_events(DATA / "slack", salt="s")
    z = DATA.parent / "slack-test.zip"
    try:
        with zipfile.ZipFile(z, "w") as out:
            for f in sorted((DATA / "slack").rglob("*.json")):
                out.write(f, f"export/{f.relative_to(DATA / 'slack')}")
        zipped = read_events(z, salt="s")
    finally:
        z.unlink(missing_ok=True)
    assert folder.format == zipped.format == "slack"
    a, b = rows(folder), rows(zipped)
    assert a == b
    actions = [r["action"] for r in a]
    # the bot message and Slackbot's reminder are gone; joins and leaves are kept as actions
    assert len(a) == 20
    assert actions.count("joined") == 3
    assert actions.count("left") == 1
    assert actions.count("replied") == 5  # the thread broadcast is a reply too
    assert {r["channel"] for r in a} == {"general", "help"}
    reply = next(r for r in a if r["action"] == "replied")
    assert reply["parent"] == "general/" + next(
        r["object"].split("/")[1] for r in a if r["action"] == "posted"
    )
    assert list(folder.table.columns) == list(EVENT_COLUMNS)


def test_xapi_identities_voiding_groups_and_time_zones() -> None:
    events = read_events(DATA / "xapi.json", salt="s")
    got = rows(events)
    assert events.format == "xapi"
    jan_call = [r for r in got if r["object"].endswith("2026-01-call")]
    # ana by mbox and by mbox_sha1sum is one person
    assert len(jan_call) == 6
    assert len({r["actor"] for r in jan_call}) == 5
    feb_call = [r for r in got if r["object"].endswith("2026-02-call")]
    # eli's attendance was voided, the group is not a person
    assert len(feb_call) == 5
    assert not any(r["attributes"]["verb"].endswith("voided") for r in got)
    viewed = next(r for r in got if r["action"] == "viewed")
    assert viewed["timestamp"] == dt.datetime(2026, 2, 1, 1, 30)  # -02:00 read as UTC
    assert {r["action"] for r in got} == {"attended", "posted", "replied", "viewed", "downloaded"}
    reply = next(r for r in got if r["action"] == "replied")
    assert reply["parent"] == "https://example.org/forum/q1"
    # mbox is compared without case: Ben@Example.org is the same whatever the case
    wrapped = read_events(DATA / "xapi-result.json", salt="s")
    assert len(rows(wrapped)) == 6


def test_discourse_moodle_zoom_and_generic() -> None:
    d = rows(read_events(DATA / "discourse", format="discourse", salt="s"))
    assert [r["action"] for r in d] == ["posted", "replied", "replied", "posted", "replied"]
    assert d[2]["parent"] == "topic/101/1"
    assert d[2]["attributes"]["reply_to_post_number"] == "2"
    m = rows(read_events(DATA / "moodle.csv", salt="s"))
    assert [r["action"] for r in m] == ["joined", "posted", "replied", "downloaded", "viewed"]
    assert m[2]["parent"] == m[1]["object"] == "forum_discussions/5"
    assert m[0]["timestamp"] == dt.datetime(2026, 1, 3, 9)
    z = rows(read_events(DATA / "zoom.csv", salt="s"))
    # Ana left and rejoined: one attendee; the note-taking bot is not one
    assert len(z) == 5
    assert {r["action"] for r in z} == {"attended"}
    assert z[0]["attributes"] == {"minutes": "59.0", "joins": "2"}
    assert z[0]["parent"] == "meeting/81234567890"
    mapping = {"actor": "user", "action": "verb", "timestamp": "when", "object": "thread"}
    g = rows(
        read_events(
            DATA / "generic.csv",
            mapping={**mapping, "parent": "reply_to", "channel": "room"},
            attributes=("kind",),
            salt="s",
        )
    )
    assert len(g) == 5  # the bot row is dropped
    assert g[3]["timestamp"] == dt.datetime(2026, 1, 11, 7)
    assert g[0]["attributes"] == {"kind": "question"}
    j = rows(read_events(DATA / "generic.jsonl", mapping=mapping, salt="s"))
    assert [r["timestamp"].day for r in j] == [2, 2, 5]


def test_parquet_events_read_like_the_csv(tmp_path: Path) -> None:
    import duckdb

    out = tmp_path / "events.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{DATA / 'generic.csv'}')) TO '{out}'")
    mapping = {"actor": "user", "action": "verb", "timestamp": "when", "object": "thread"}
    a = rows(read_events(out, mapping=mapping, salt="s"))
    b = rows(read_events(DATA / "generic.csv", mapping=mapping, salt="s"))
    assert [(r["actor"], r["action"], r["timestamp"]) for r in a] == [
        (r["actor"], r["action"], r["timestamp"]) for r in b
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("slack", "slack"),
        ("xapi.json", "xapi"),
        ("xapi-result.json", "xapi"),
        ("discourse/101.json", "discourse"),
        ("moodle.csv", "moodle"),
        ("zoom.csv", "zoom"),
        ("generic.csv", "csv"),
        ("generic.jsonl", "jsonl"),
    ],
)
def test_the_format_is_recognised_from_the_content(path: str, expected: str) -> None:
    assert sniff(DATA / path) == expected


def test_a_zip_or_parquet_is_recognised_by_its_bytes_not_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    export = tmp_path / "slack-export"  # a zip without the .zip suffix
    with zipfile.ZipFile(export, "w") as z:
        for f in sorted((DATA / "slack").rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(DATA / "slack"))
    table = tmp_path / "events.pq"
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{DATA / 'generic.csv'}')) TO '{table}' (FORMAT parquet)"
    )
    assert sniff(export) == "slack"
    assert sniff(table) == "parquet"
    assert rows(read_events(export, salt="s")) == rows(read_events(DATA / "slack", salt="s"))
    fake = tmp_path / "broken.zip"
    fake.write_text("user,verb\n")
    with pytest.raises(vc.ValuecyclesError, match="not a readable zip file"):
        sniff(fake)
    unreadable = tmp_path / "locked.csv"
    unreadable.write_text("actor,action\n")

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr(Path, "open", denied)
        with pytest.raises(vc.ValuecyclesError, match=r"locked\.csv: cannot be read: Permission"):
            sniff(unreadable)
    pk = tmp_path / "keys.csv"  # a text that starts as a zip's name does is still text
    pk.write_text("PK,actor,action,timestamp\n1,a,posted,2026-01-01T00:00:00Z\n")
    assert sniff(pk) != "slack"


def test_malformed_files_name_the_file_record_and_columns(tmp_path: Path) -> None:
    bad = json.loads((DATA / "xapi.json").read_text())
    bad[2]["timestamp"] = "yesterday"
    del bad[2]["stored"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(vc.ValuecyclesError) as info:
        read_events(path, salt="s")
    message = str(info.value)
    assert str(path) in message
    assert "statement 3" in message
    assert "not ISO 8601" in message
    assert "columns found: actor" in message
    csv_path = tmp_path / "log.csv"
    csv_path.write_text("user,text\nu1,hello\n")
    with pytest.raises(vc.ValuecyclesError, match=r"columns found: user, text"):
        read_events(csv_path, format="csv", salt="s")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"actor": {"mbox": "mailto:a@b"}, "verb": {"id": "x"}')
    with pytest.raises(vc.ValuecyclesError, match=r"broken\.json: cannot read it as"):
        read_events(broken, format="xapi", salt="s")


# --- privacy ------------------------------------------------------------------------


def test_pseudonyms_depend_on_the_salt_and_keep_no_raw_identifier() -> None:
    a = rows(read_events(DATA / "slack", salt="one"))
    b = rows(read_events(DATA / "slack", salt="two"))
    assert {r["actor"] for r in a}.isdisjoint({r["actor"] for r in b})
    assert [r["actor"] for r in a] == [
        r["actor"] for r in rows(read_events(DATA / "slack", salt="one"))
    ]
    for fmt_rows in (
        a,
        rows(read_events(DATA / "xapi.json", salt="s")),
        rows(read_events(DATA / "zoom.csv", salt="s")),
    ):
        text = json.dumps(fmt_rows, default=str)
        for raw in ("U01", "U05", "ana@example.org", "Ana Rivera", "dee-42", "member1"):
            assert raw not in text


def test_no_raw_identifier_reaches_the_case_the_report_or_an_export(tmp_path: Path) -> None:
    case = vc.load(EXAMPLE / "community.yaml")
    events = {"chat": EXAMPLE / "slack-export", "lrs": EXAMPLE / "xapi-statements.json"}
    new, report = derive(case, events, as_of=AS_OF, salt="pepper")
    out = tmp_path / "case.yaml"
    vc.dump(new, out)
    vc.export_tables(new, tmp_path / "tables")
    texts = [out.read_text(), json.dumps(report.to_dict()), vc.dumps(new, "json")]
    texts += [p.read_text() for p in (tmp_path / "tables").iterdir()]
    texts.append(vc.render_report(new, "markdown", as_of=AS_OF))
    users = json.loads((EXAMPLE / "slack-export" / "users.json").read_text())
    raw = [u["id"] for u in users] + [u["name"] for u in users] + ["@example.org", "pepper"]
    for text in texts:
        for r in raw:
            assert r not in text, r


def test_suppression_at_k_and_exactly_k_is_reported() -> None:
    case = case_for({"active-members": {}, "actions": {}})
    _, r5 = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=5, salt="s")
    got = figures(r5)
    assert got[("active-members", "2026-01")] == 6
    assert got[("active-members", "2026-02")] == 5  # exactly k: reported
    assert got[("active-members", "2026-03")] is None  # 3 people: suppressed
    assert got[("actions", "2026-03")] is None  # counts are suppressed too
    suppressed = {(f.metric, f.period, f.actors) for f in r5.suppressed}
    assert suppressed == {("active-members", "2026-03", 3), ("actions", "2026-03", 3)}
    _, r6 = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=6, salt="s")
    assert figures(r6)[("active-members", "2026-02")] is None
    _, r1 = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    assert figures(r1)[("active-members", "2026-03")] == 3


# --- metrics ------------------------------------------------------------------------


def test_metrics_on_the_slack_fixture() -> None:
    case = case_for({m: {} for m in BUILT_IN})
    _, report = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    got = figures(report)
    # January: U01-U06 active; U07 only joined (not active)
    assert got[("active-members", "2026-01")] == 6
    assert got[("new-members", "2026-01")] == 7  # joining makes one a member
    assert got[("returning-members", "2026-02")] == 5
    assert got[("new-members", "2026-02")] == 1  # U08 joined and left
    # February: U08 joined and left, U04 joined a channel: neither is active
    assert got[("active-members", "2026-02")] == 5
    assert got[("actions", "2026-02")] == 8
    # January threads: U01's (2 replies), U04's (none), U05's (replies next day)
    assert got[("reply-coverage", "2026-01")] == pytest.approx(2 / 3, abs=1e-4)
    assert got[("median-hours-to-first-reply", "2026-01")] == pytest.approx(7.0)  # 2h and 12h
    assert ("attendance", "2026-01") not in got  # no attended events: no figure at all
    # U05 posted and broadcast a reply: 2 of the 7 actions, by the top tenth (one person)
    assert got[("top-10-share", "2026-01")] == pytest.approx(2 / 7, abs=1e-4)
    assert got[("active-members", "2026-03")] == 3


def test_action_and_where_filters() -> None:
    case = case_for(
        {
            "actions": {"action": ["posted"]},
            "active-members": {"where": {"channel": "help"}},
            "attendance": {"where": {"subtype": "channel_join"}},
        }
    )
    _, report = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    got = figures(report)
    assert got[("actions", "2026-01")] == 3
    assert got[("actions", "2026-02")] == 4
    assert got[("active-members", "2026-01")] == 2
    assert ("attendance", "2026-01") not in got
    params = report.figures[0]
    assert params.status == "added"


_PER = st.sampled_from(["month", "quarter", "year", "week"])
_EVENT = st.tuples(
    st.integers(0, 11),  # actor
    st.sampled_from(["posted", "replied", "viewed", "attended", "joined", "left"]),
    st.integers(0, 400 * 24),  # hours after 2025-01-01
    st.integers(0, 7),  # thread
)


def _reference(events: list[tuple[int, str, int, int]], per: str) -> dict[tuple[str, dt.date], Any]:
    """The metrics computed plainly in Python, as their definitions in the docs say."""
    base = dt.datetime(2025, 1, 1)

    def start(t: dt.datetime) -> dt.date:
        d = t.date()
        if per == "month":
            return d.replace(day=1)
        if per == "quarter":
            return d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
        if per == "year":
            return d.replace(month=1, day=1)
        return d - dt.timedelta(days=d.weekday())

    rows_ = [
        (
            f"a{a}",
            act,
            base + dt.timedelta(hours=h),
            f"t{th}" if act == "posted" else f"t{n}-{n}",
            f"t{th}" if act == "replied" else "",
        )
        for n, (a, act, h, th) in enumerate(events)
    ]
    out: dict[tuple[str, dt.date], Any] = {}
    by: dict[dt.date, list[Any]] = defaultdict(list)
    for r in rows_:
        by[start(r[2])].append(r)
    first: dict[str, dt.date] = {}
    first_active: dict[str, dt.date] = {}
    for r in sorted(rows_, key=lambda r: r[2]):
        first.setdefault(r[0], start(r[2]))
        if r[1] not in ("joined", "left"):
            first_active.setdefault(r[0], start(r[2]))
    for p, rs in by.items():
        out[("actions", p)] = (len(rs), len({r[0] for r in rs}))
        active = {r[0] for r in rs if r[1] not in ("joined", "left")}
        if active:
            out[("active-members", p)] = (len(active), len(active))
            back = {a for a in active if first_active[a] < p}
            if back:
                out[("returning-members", p)] = (len(back), len(back))
            counts = sorted(
                (
                    sum(1 for r in rs if r[0] == a and r[1] not in ("joined", "left"))
                    for a in active
                ),
                reverse=True,
            )
            top = math.ceil(len(counts) / 10)
            out[("top-10-share", p)] = (sum(counts[:top]) / sum(counts), len(counts))
        att = [r for r in rs if r[1] == "attended"]
        if att:
            out[("attendance", p)] = (len(att), len({r[0] for r in att}))
            out[("unique-attendees", p)] = (len({r[0] for r in att}), len({r[0] for r in att}))
    for p in first.values():
        n = sum(1 for q in first.values() if q == p)
        out[("new-members", p)] = (n, n)
    threads = [r for r in rows_ if r[1] == "posted"]
    replies: dict[str, dt.datetime] = {}
    for r in rows_:
        if r[1] == "replied":
            replies[r[4]] = min(replies.get(r[4], r[2]), r[2])
    tb: dict[dt.date, list[Any]] = defaultdict(list)
    for t in threads:
        tb[start(t[2])].append(t)
    for p, ts in tb.items():
        answered = [t for t in ts if t[3] in replies]
        out[("reply-coverage", p)] = (len(answered) / len(ts), len({t[0] for t in ts}))
        if answered:
            hours = [(replies[t[3]] - t[2]).total_seconds() / 3600 for t in answered]
            out[("median-hours-to-first-reply", p)] = (
                statistics.median(hours),
                len({t[0] for t in answered}),
            )
    return out


def _write_events(path: Path, events: list[tuple[int, str, int, int]]) -> None:
    base = dt.datetime(2025, 1, 1)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["actor", "action", "timestamp", "object", "parent"])
        for n, (a, act, h, th) in enumerate(events):
            when = (base + dt.timedelta(hours=h)).isoformat() + "Z"
            obj = f"t{th}" if act == "posted" else f"t{n}-{n}"
            w.writerow([f"a{a}", act, when, obj, f"t{th}" if act == "replied" else ""])


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(_EVENT, min_size=1, max_size=60), per=_PER)
def test_every_metric_matches_its_definition(
    tmp_path: Path, events: list[tuple[int, str, int, int]], per: str
) -> None:
    # one post per thread, so that a thread is one object
    seen: set[int] = set()
    events = [e for e in events if e[1] != "posted" or not (e[3] in seen or seen.add(e[3]))]
    path = tmp_path / "events.csv"
    _write_events(path, events)
    expected_raw = _reference(events, per)
    case = case_for({m: {"per": per} for m in BUILT_IN})
    _, report = derive(case, {"ev": f"csv:{path}"}, as_of=dt.date(2027, 1, 1), k=1, salt="s")
    got = {}
    for f in report.figures:
        got[(f.metric, f.date)] = (f.value, f.actors)
    expected = {}
    from valuecycles.logs import period_bounds

    for (metric, start), value in expected_raw.items():
        expected[(metric, period_bounds(start, per)[1])] = value
    assert set(got) == set(expected)
    for key, (value, actors) in expected.items():
        assert got[key][1] == actors, key
        assert got[key][0] == pytest.approx(value, abs=6e-3), key


def test_a_metric_of_ones_own_by_name() -> None:
    def posts_in_threads(events: Any, params: Any) -> Any:
        posted = events.filter(events.action == "posted")
        return posted.group_by("period").aggregate(
            value=posted.count() * int(params.get("weight", 1)), actors=posted.actor.nunique()
        )

    register_metric("weighted-posts", posts_in_threads, definition="Posts, weighted.", replace=True)
    assert "weighted-posts" in metric_names()
    case = case_for({"weighted-posts": {"params": {"weight": 10}}})
    _, report = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    assert figures(report)[("weighted-posts", "2026-02")] == 40


def test_a_metric_from_an_entry_point_is_loaded_on_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib.metadata import EntryPoint

    import valuecycles.logs._metrics as metrics

    ep = EntryPoint(
        name="plugin-actions",
        value="valuecycles.logs._metrics:_actions",
        group="valuecycles.metrics",
    )
    monkeypatch.setattr(metrics, "entry_points", lambda group: [ep] if group == ep.group else [])
    assert "plugin-actions" in metric_names()
    case = case_for({"plugin-actions": {}})
    _, report = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    assert figures(report)[("plugin-actions", "2026-02")] == 8


def test_importing_valuecycles_does_not_import_the_engines() -> None:
    code = (
        "import sys, valuecycles, valuecycles.cli; "
        "print(sorted(m for m in ('ibis', 'duckdb', 'pyspark') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- derive -------------------------------------------------------------------------


def test_derive_adds_observations_with_provenance_once() -> None:
    case = vc.load(EXAMPLE / "community.yaml")
    events = {"chat": EXAMPLE / "slack-export", "lrs": EXAMPLE / "xapi-statements.json"}
    now = dt.datetime(2026, 4, 2, 6, 0, tzinfo=dt.UTC)
    new, report = derive(case, events, as_of=AS_OF, now=now)
    assert vc.validate(new).valid
    added = new.observations[len(case.observations) :]
    assert len(added) == len(report.added) > 0
    obs = next(o for o in added if o.indicator == "active-members" and o.period == "2026-01")
    assert obs.date == dt.date(2026, 2, 1)
    assert obs.source == "chat-active"
    assert obs.provenance is not None
    assert obs.provenance.metric == "active-members"
    assert obs.provenance.at == "2026-04-02T06:00:00Z"
    assert obs.provenance.events.startswith("sha256:")
    assert obs.provenance.params == {"per": "month", "k": 5}
    again, second = derive(new, events, as_of=AS_OF)
    assert again == new
    assert second.added == ()
    assert len(second.unchanged) == len(report.added)
    # a later as_of adds no incomplete period
    assert all(f.date <= AS_OF for f in report.figures)


def test_a_changed_figure_is_listed_and_left_alone_unless_update() -> None:
    case = case_for({"active-members": {}})
    new, _ = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    jan = next(o for o in new.observations if o.period == "2026-01")
    tampered = [
        o
        if o is not jan
        else vc.Observation(
            indicator=o.indicator, date=o.date, value=99, period=o.period, source=o.source
        )
        for o in new.observations
    ]
    import attrs

    edited = attrs.evolve(new, observations=tampered)
    same, report = derive(edited, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    assert same == edited
    assert [(f.period, f.previous, f.value) for f in report.changed] == [("2026-01", 99, 6)]
    fixed, report2 = derive(edited, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, update=True)
    assert [(f.period, f.previous, f.value) for f in report2.updated] == [("2026-01", 99, 6)]
    values = {o.period: o.value for o in fixed.observations}
    assert values["2026-01"] == 6
    assert len(fixed.observations) == len(new.observations)


def test_derive_problems_are_reported_together() -> None:
    case = case_for({"active-membrs": {}, "actions": {}})
    with pytest.raises(vc.ValidationError) as info:
        derive(case, {"ev": DATA / "slack"}, as_of=AS_OF)
    [problem] = info.value.errors
    assert problem.path == "$.cycles.immediate.data[0].derive.metric"
    assert "did you mean 'active-members'?" in problem.message
    _, report = derive(
        case_for({"actions": {}}, events="chat"), {"chta": DATA / "slack"}, as_of=AS_OF
    )
    assert report.figures == ()
    assert "did you mean 'chta'?" in report.skipped[0][1] or "chta" in str(report.skipped)


def test_weekly_and_quarterly_periods() -> None:
    case = case_for({"actions": {"per": "quarter"}})
    _, report = derive(case, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    assert [(f.period, f.date, f.value) for f in report.figures] == [
        ("2026-Q1", dt.date(2026, 4, 1), 20)
    ]
    weekly = case_for({"actions": {"per": "week"}})
    _, report = derive(weekly, {"ev": DATA / "slack"}, as_of=AS_OF, k=1, salt="s")
    first = report.figures[0]
    assert first.period is None
    assert first.date == dt.date(2026, 1, 12)
    assert first.value == 5  # 5 and 6 January: three messages, a post and a join


# --- the command line ---------------------------------------------------------------


def _copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "logs"
    shutil.copytree(EXAMPLE, target)
    return target


def test_cli_derive_writes_back_keeping_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy_example(tmp_path)
    case = folder / "community.yaml"
    before = case.read_text()
    monkeypatch.setenv("VALUECYCLES_SALT", "from-the-environment")
    args = [
        "derive",
        str(case),
        "--events",
        f"chat={folder / 'slack-export'}",
        "--events",
        f"lrs=xapi:{folder / 'xapi-statements.json'}",
        "--as-of",
        "2026-04-01",
    ]
    assert main([*args, "--dry-run"]) == 0
    assert case.read_text() == before
    assert "would add 11 observations" in capsys.readouterr().out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "added 11 observations" in out
    assert "suppressed hours-to-reply 2026-02: from 4 people" in out
    after = case.read_text()
    assert after.startswith(before.rstrip("\n").split("\n")[0])
    assert "# A small community's case" in after
    assert "provenance:" in after
    assert "from-the-environment" not in after
    assert vc.load(case).observations[0].provenance is not None
    assert main(args) == 0
    assert "nothing to add" in capsys.readouterr().out
    assert case.read_text() == after
    assert main([*args, "--json", "-o", str(tmp_path / "out.json")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["schema_version"] == 1
    assert payload["k"] == 5
    assert {f["status"] for f in payload["figures"]} == {"unchanged", "suppressed"}


def test_cli_derive_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy_example(tmp_path)
    case = str(folder / "community.yaml")
    assert main(["derive", case]) == 2
    assert "--events" in capsys.readouterr().err
    assert main(["derive", case, "--events", "chat"]) == 2
    assert main(["derive", case, "--events", f"chat={folder / 'missing'}"]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    salt = tmp_path / "salt"
    salt.write_text("")
    args = ["derive", case, "--events", f"chat={folder / 'slack-export'}"]
    assert main([*args, "--salt-file", str(salt)]) == 1
    assert "salt file is empty" in capsys.readouterr().err


def test_cli_derive_generic_csv_with_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = case_for({"actions": {}}, events="log")
    path = tmp_path / "case.yaml"
    vc.dump(case, path)
    args = [
        "derive",
        str(path),
        "--events",
        f"log={DATA / 'generic.csv'}",
        "--map",
        "actor=user",
        "--map",
        "action=verb",
        "--map",
        "timestamp=when",
        "--k",
        "5",
        "--as-of",
        "2026-02-01",
    ]
    assert main(args) == 0
    assert [o.value for o in vc.load(path).observations] == [5]


def test_cli_update_replaces_a_changed_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = case_for({"active-members": {}})
    path = tmp_path / "case.json"
    vc.dump(case, path)
    args = [
        "derive",
        str(path),
        "--events",
        f"ev={DATA / 'slack'}",
        "--k",
        "1",
        "--as-of",
        "2026-04-01",
    ]
    assert main(args) == 0
    text = path.read_text().replace('"value": 6', '"value": 60')
    path.write_text(text)
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "changed    i-active-members 2026-01: the case has 60, the events give 6" in out
    assert path.read_text() == text
    assert main([*args, "--update"]) == 0
    assert "updated    i-active-members 2026-01: 60 -> 6" in capsys.readouterr().out
    values = [o.value for o in vc.load(path).observations]
    assert values == [5, 3, 6] or sorted(values) == [3, 5, 6]


def test_cli_update_keeps_the_files_comments_and_replaces_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.yaml"
    vc.dump(case_for({"active-members": {}}), path)
    path.write_text("# a comment a person wrote\n" + path.read_text())
    args = ["derive", str(path), "--events", f"ev={DATA / 'slack'}", "--k", "1"]
    args += ["--as-of", "2026-04-01"]
    assert main(args) == 0
    before = [o.value for o in vc.load(path).observations]
    first = path.read_text()
    changed = first.replace("value: 6\n", "value: 60\n", 1)
    assert changed != first
    path.write_text(changed)
    assert main([*args, "--update"]) == 0
    capsys.readouterr()
    text = path.read_text()
    assert text.startswith("# a comment a person wrote\n")
    assert [o.value for o in vc.load(path).observations] == before  # replaced where it stood
