"""Readers: each platform's export into one event table, pseudonymised as it is read.

Every reader is SQL over DuckDB's own file readers (``read_json``,
``read_csv``, ``read_parquet``): no Python loop touches a row. The actor's
identifier is replaced by a salted hash inside the same statement that reads
it, so no raw identifier leaves DuckDB.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from valuecycles.errors import EventsError

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "EVENT_COLUMNS",
    "FORMATS",
    "SALT_VARIABLE",
    "fingerprint",
    "read_into",
    "sniff",
    "split_format",
]

#: The event table's columns and their DuckDB types, in order.
EVENT_COLUMNS: Final = {
    "community": "VARCHAR",
    "actor": "VARCHAR",
    "action": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "object": "VARCHAR",
    "parent": "VARCHAR",
    "channel": "VARCHAR",
    "attributes": "MAP(VARCHAR, VARCHAR)",
}

#: The formats a reader knows, by the name ``NAME=FORMAT:PATH`` forces.
FORMATS: Final = ("xapi", "slack", "discourse", "moodle", "zoom", "csv", "jsonl", "parquet")

#: The DuckDB variable that holds the salt for the run (never written anywhere).
SALT_VARIABLE: Final = "vc_salt"

_XAPI_VOIDED: Final = "http://adlnet.gov/expapi/verbs/voided"

#: xAPI verbs (the last part of their id) -> event actions; others keep their own name.
_XAPI_ACTIONS: Final = {
    "attended": "attended",
    "joined": "joined",
    "registered": "joined",
    "left": "left",
    "exited": "left",
    "commented": "replied",
    "responded": "replied",
    "replied": "replied",
    "answered": "replied",
    "posted": "posted",
    "asked": "posted",
    "shared": "posted",
    "created": "posted",
    "authored": "posted",
    "experienced": "viewed",
    "viewed": "viewed",
    "accessed": "viewed",
    "launched": "viewed",
    "downloaded": "downloaded",
}

#: Moodle event names -> event actions; others take Moodle's own ``action`` column.
_MOODLE_ACTIONS: Final = {
    r"\mod_forum\event\discussion_created": "posted",
    r"\mod_forum\event\post_created": "replied",
    r"\core\event\user_enrolment_created": "joined",
    r"\core\event\user_enrolment_deleted": "left",
    r"\mod_resource\event\course_module_viewed": "downloaded",
    r"\mod_attendance\event\attendance_taken_by_student": "attended",
    r"\mod_bigbluebuttonbn\event\meeting_joined": "attended",
    r"\mod_zoom\event\join_meeting_button_clicked": "attended",
}

#: Slack subtypes that are a member's own post; others are system messages.
_SLACK_POSTS: Final = ("thread_broadcast", "file_share", "me_message")

#: Zoom participants that are note-taking bots, not people (a name pattern).
_ZOOM_BOTS: Final = r"(?i)(notetaker|otter\.ai|fireflies|read\.ai)"


def _quote(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _actions_case(column: str, mapping: Mapping[str, str], default: str) -> str:
    whens = " ".join(f"WHEN {_quote(k)} THEN {_quote(v)}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"


def split_format(spec: str) -> tuple[str | None, str]:
    """``FORMAT:PATH`` -> (format, path) when FORMAT is a known one, else (None, spec).

    >>> from valuecycles.logs._read import split_format
    >>> split_format("slack:export.zip"), split_format("data/xapi.json")
    (('slack', 'export.zip'), (None, 'data/xapi.json'))
    """
    head, sep, rest = spec.partition(":")
    if sep and head.lower() in FORMATS:
        return head.lower(), rest
    return None, spec


def _peek(path: Path, size: int = 65536) -> str:
    with path.open("rb") as f:
        return f.read(size).decode("utf-8", errors="replace").lstrip("\ufeff")


def sniff(path: str | os.PathLike[str]) -> str:
    """The format of an events file or folder, recognised from its content.

    >>> from valuecycles.logs import sniff
    >>> sniff("tests/data/logs/slack")
    'slack'
    """
    p = Path(path)
    if p.is_dir():
        names = {c.name for c in p.iterdir()}
        if {"users.json", "channels.json"} & names:
            return "slack"
        raise EventsError(f"{p}: a folder, but not a Slack export (no users.json or channels.json)")
    if not p.exists():
        raise EventsError(f"{p}: no such file or folder")
    try:
        with p.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise EventsError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    suffix = p.suffix.lower()
    # By the content first: a zip (a Slack export) or Parquet, whatever the file's name.
    if magic in (b"PK\x03\x04", b"PK\x05\x06") or suffix == ".zip":  # a zip's first bytes
        try:
            with zipfile.ZipFile(p) as z:
                names = {Path(n).name for n in z.namelist()}
        except zipfile.BadZipFile as exc:
            raise EventsError(f"{p}: not a readable zip file: {exc}") from None
        if {"users.json", "channels.json"} & names:
            return "slack"
        raise EventsError(
            f"{p}: a zip file, but not a Slack export (no users.json or channels.json)"
        )
    if magic == b"PAR1" or suffix == ".parquet":
        return "parquet"
    head = _peek(p)
    first_line = head.split("\n", 1)[0].lower()
    stripped = head.lstrip()
    if stripped.startswith(("[", "{")):
        if '"post_stream"' in head:
            return "discourse"
        if '"verb"' in head and '"actor"' in head:
            return "xapi"
        return "jsonl"
    if first_line.startswith("meeting id") or "join time" in first_line:
        return "zoom"
    if "eventname" in first_line and "timecreated" in first_line:
        return "moodle"
    return "csv"


def fingerprint(paths: Iterable[Path]) -> str:
    """``sha256:...`` over the files' names (relative) and bytes, in sorted order."""
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(p.name.encode("utf-8") + b"\0")
        with p.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _files(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file())
    return [p]


def _columns_found(con: duckdb.DuckDBPyConnection, relation_sql: str) -> list[str]:
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()]
    except Exception:
        return []


def _duck_error(exc: Exception, path: Path, what: str, found: Sequence[str] = ()) -> EventsError:
    message = str(exc).split("\n")
    detail = next((m for m in message if m.strip()), "unreadable")
    detail = re.sub(r"^(\w+ )+Error: ", "", detail).strip()
    found_text = f"; columns found: {', '.join(found)}" if found else ""
    return EventsError(f"{path}: cannot read it as {what}: {detail}{found_text}")


def _bad_rows(
    con: duckdb.DuckDBPyConnection, source_sql: str, bad_sql: str, limit: int = 5
) -> list[int]:
    """The 1-based record numbers where ``bad_sql`` holds, in file order (error path only)."""
    con.execute("SET threads = 1")
    try:
        rows = con.execute(
            f"SELECT n FROM (SELECT row_number() OVER () AS n, * FROM {source_sql}) "
            f"WHERE {bad_sql} ORDER BY n LIMIT {limit}"
        ).fetchall()
    finally:
        con.execute("RESET threads")
    return [int(r[0]) for r in rows]


def _check(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source_sql: str,
    checks: Sequence[tuple[str, str]],
    unit: str,
    keys_sql: str | None = None,
) -> None:
    """Raise EventsError naming the records where a check's condition holds.

    ``keys_sql`` gives the keys the file has (for JSON), else the columns of
    ``source_sql`` are named.
    """
    if not checks:
        return
    flags = ", ".join(f"bool_or({cond}) AS c{i}" for i, (cond, _) in enumerate(checks))
    found = con.execute(f"SELECT {flags} FROM {source_sql}").fetchone()
    problems = []
    for i, (cond, what) in enumerate(checks):
        if found is not None and found[i]:
            rows = _bad_rows(con, source_sql, cond)
            where = ", ".join(str(r) for r in rows)
            problems.append(f"{unit} {where}: {what}")
    if problems:
        if keys_sql is not None:
            cols = [str(r[0]) for r in con.execute(keys_sql).fetchall()]
        else:
            cols = _columns_found(con, source_sql)
        raise EventsError(
            f"{path}: "
            + "; ".join(problems)
            + (f"; columns found: {', '.join(cols)}" if cols else "")
        )


@attrs.frozen
class _Deferred:
    """Checks made on the event table once it is built (one cheap scan of its columns).

    Each is ``(condition on the event table, condition on the staged rows,
    message)``; only when one holds are the staged rows searched for the
    record numbers to name (see :func:`_check`).
    """

    checks: list[tuple[str, str, str]]
    unit: str
    keys_sql: str | None
    raw_source: str = "vc_stage"
    after: tuple[str, ...] = ()

    def run(self, con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
        for statement in self.after:
            con.execute(statement.format(table=table))
        flags = ", ".join(f"bool_or({final})" for final, _, _ in self.checks)
        found = con.execute(f'SELECT {flags} FROM "{table}"').fetchone()
        failed = [c for c, hit in zip(self.checks, found or (), strict=False) if hit]
        if not failed:
            return
        raw = [(cond, m) for _, cond, m in failed]
        _check(con, path, self.raw_source, raw, self.unit, self.keys_sql)
        raise EventsError(f"{path}: " + "; ".join(m for _, _, m in failed))


_PSEUDO: Final = (
    f"CASE WHEN {{0}} IS NULL OR trim(CAST({{0}} AS VARCHAR)) = '' THEN NULL "
    f"ELSE substr(sha256(getvariable('{SALT_VARIABLE}') || lower(trim(CAST({{0}} AS VARCHAR)))), "
    f"1, 16) END"
)


def _pseudo(expr: str) -> str:
    """SQL: the salted hash of an identifier (lower case, trimmed), NULL for none."""
    return _PSEUDO.format(expr)


def _utc(expr: str) -> str:
    """SQL: a text or timestamp with a time zone, as a UTC timestamp (NULL if unreadable).

    The connection's time zone is UTC (see ``_duckdb_connection``), so the cast
    from a time with a zone gives UTC, and a time without one is read as UTC.
    """
    return f"CAST(TRY_CAST({expr} AS TIMESTAMPTZ) AS TIMESTAMP)"


def _select(
    community: str,
    actor: str,
    action: str,
    timestamp: str,
    obj: str = "NULL",
    parent: str = "NULL",
    channel: str = "NULL",
    attributes: Mapping[str, str] | None = None,
) -> str:
    if attributes:
        keys = ", ".join(_quote(k) for k in attributes)
        values = ", ".join(f"CAST({v} AS VARCHAR)" for v in attributes.values())
        attrs = f"CAST(map([{keys}], [{values}]) AS MAP(VARCHAR, VARCHAR))"
    else:
        attrs = "CAST(map() AS MAP(VARCHAR, VARCHAR))"
    return (
        f"CAST({community} AS VARCHAR) AS community, {actor} AS actor, "
        f"CAST({action} AS VARCHAR) AS action, {timestamp} AS timestamp, "
        f"CAST({obj} AS VARCHAR) AS object, CAST({parent} AS VARCHAR) AS parent, "
        f"CAST({channel} AS VARCHAR) AS channel, {attrs} AS attributes"
    )


# --- xAPI --------------------------------------------------------------------------


_XAPI_COLUMNS: Final = (
    "{'id': 'VARCHAR', "
    "'actor': 'STRUCT(objectType VARCHAR, mbox VARCHAR, mbox_sha1sum VARCHAR, openid VARCHAR, "
    "account STRUCT(homePage VARCHAR, name VARCHAR))', "
    "'verb': 'STRUCT(id VARCHAR)', 'object': 'STRUCT(id VARCHAR)', "
    "'context': 'STRUCT(platform VARCHAR, contextActivities STRUCT(parent STRUCT(id VARCHAR)[], "
    "grouping STRUCT(id VARCHAR)[]))', "
    "'result': 'STRUCT(success BOOLEAN)', 'timestamp': 'VARCHAR', 'stored': 'VARCHAR', "
    "'voided': 'BOOLEAN'}"
)

_XAPI_FIELDS: Final = (
    "id, verb.id AS verb, object.id AS object_id, actor.mbox AS mbox, "
    "actor.mbox_sha1sum AS mbox_sha1sum, actor.account.homePage AS home, "
    "actor.account.name AS account, actor.openid AS openid, actor.objectType AS actor_type, "
    "coalesce(timestamp, stored) AS ts, context.contextActivities.parent[1].id AS parent, "
    "context.contextActivities.grouping[1].id AS grouping, context.platform AS platform, "
    "CAST(result.success AS VARCHAR) AS success, CAST(voided AS VARCHAR) AS voided_flag"
)


def _xapi_staged(path: Path) -> tuple[str, str, str]:
    """(SQL for the statements' fields, what the file is, SQL for the keys it has)."""
    head = _peek(path, 4096).lstrip()
    p = _quote(str(path))
    if head.startswith("{") and re.match(r'\{\s*"(statements|more)"', head):
        source = (
            f"(SELECT unnest(statements) AS s FROM read_json({p}, "
            f"columns={{'statements': 'JSON[]'}}, format='unstructured', "
            f"maximum_object_size=2147483647))"
        )
        staged = (
            f"(SELECT s->>'$.id' AS id, s->>'$.verb.id' AS verb, s->>'$.object.id' AS object_id, "
            f"s->>'$.actor.mbox' AS mbox, s->>'$.actor.mbox_sha1sum' AS mbox_sha1sum, "
            f"s->>'$.actor.account.homePage' AS home, s->>'$.actor.account.name' AS account, "
            f"s->>'$.actor.openid' AS openid, s->>'$.actor.objectType' AS actor_type, "
            f"coalesce(s->>'$.timestamp', s->>'$.stored') AS ts, "
            f"s->>'$.context.contextActivities.parent[0].id' AS parent, "
            f"s->>'$.context.contextActivities.grouping[0].id' AS grouping, "
            f"s->>'$.context.platform' AS platform, s->>'$.result.success' AS success, "
            f"s->>'$.voided' AS voided_flag FROM {source})"
        )
        keys = f"SELECT DISTINCT unnest(json_keys(s)) AS k FROM {source} ORDER BY k"
        return staged, "an xAPI statement result ({statements: [...]})", keys
    # Typed columns: DuckDB parses straight into these and skips every other key.
    staged = f"(SELECT {_XAPI_FIELDS} FROM read_json({p}, columns={_XAPI_COLUMNS}, format='auto'))"
    keys = (
        f"SELECT DISTINCT unnest(json_keys(json)) AS k FROM read_json_objects({p}, "
        f"format='auto', maximum_object_size=268435456) ORDER BY k"
    )
    return staged, "xAPI statements (a JSON array or JSON lines)", keys


def _read_xapi(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> tuple[str, _Deferred]:
    staged, _what, keys = _xapi_staged(path)
    identity = (
        "coalesce(sha1(lower(trim(mbox))), lower(mbox_sha1sum), "
        "CASE WHEN account IS NOT NULL THEN coalesce(home, '') || '|' || account END, openid)"
    )
    deferred = _Deferred(
        [
            ("action IS NULL", "verb IS NULL", "a statement without verb.id"),
            (
                "actor IS NULL",
                f"({identity}) IS NULL AND coalesce(actor_type, '') <> 'Group'",
                "an actor without mbox, mbox_sha1sum, account or openid",
            ),
            (
                "timestamp IS NULL",
                f"{_utc('ts')} IS NULL",
                "a timestamp that is missing or not ISO 8601",
            ),
        ],
        "statement",
        keys,
        raw_source=staged,
        # A voided statement is left out, with the statement that voids it.
        after=(
            'DELETE FROM "{table}" WHERE _voids IS NOT NULL OR _id IN '
            '(SELECT _voids FROM "{table}" WHERE _voids IS NOT NULL)',
        ),
    )
    verb = "lower(regexp_extract(verb, '[^/#]+$'))"
    action = _actions_case(verb, _XAPI_ACTIONS, verb)
    select = _select(
        _quote(name),
        _pseudo(identity),
        action,
        _utc("ts"),
        obj="object_id",
        parent="parent",
        channel="grouping",
        attributes={"verb": "verb"},
    )
    voided = _quote(_XAPI_VOIDED)
    # One pass over the file; the statements voided are deleted after it.
    return (
        f"SELECT {select}, id AS _id, "
        f"CASE WHEN verb = {voided} THEN coalesce(object_id, '') END AS _voids "
        f"FROM {staged} WHERE coalesce(voided_flag, 'false') <> 'true' "
        f"AND coalesce(actor_type, 'Agent') <> 'Group'"
    ), deferred


# --- Slack -------------------------------------------------------------------------


def _slack_folder(path: Path, scratch: list[tempfile.TemporaryDirectory[str]]) -> Path:
    if path.is_dir():
        return path
    tmp = tempfile.TemporaryDirectory(prefix="valuecycles-slack-")
    scratch.append(tmp)
    try:
        with zipfile.ZipFile(path) as z:
            z.extractall(tmp.name)
    except (zipfile.BadZipFile, OSError) as exc:
        raise EventsError(f"{path}: not a readable zip file: {exc}") from None
    root = Path(tmp.name)
    # Some exports put everything in one top folder.
    if not (root / "users.json").exists():
        inner = [d for d in root.iterdir() if d.is_dir() and (d / "users.json").exists()]
        if inner:
            return inner[0]
    return root


def _read_slack(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    scratch: list[tempfile.TemporaryDirectory[str]],
) -> str:
    folder = _slack_folder(path, scratch)
    messages = sorted(folder.glob("*/*.json"))
    if not messages:
        raise EventsError(f"{path}: a Slack export without messages (no CHANNEL/YYYY-MM-DD.json)")
    users = folder / "users.json"
    glob = _quote(str(folder / "*" / "*.json"))
    columns = (
        "{'type': 'VARCHAR', 'subtype': 'VARCHAR', 'user': 'VARCHAR', 'ts': 'VARCHAR', "
        "'thread_ts': 'VARCHAR', 'bot_id': 'VARCHAR'}"
    )
    source = (
        f"read_json({glob}, columns={columns}, format='array', filename=true, "
        f"maximum_object_size=268435456)"
    )
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE vc_stage AS SELECT * FROM {source}")
        if users.exists():
            con.execute(
                "CREATE OR REPLACE TEMP TABLE vc_bots AS SELECT id FROM read_json("
                f"{_quote(str(users))}, columns={{'id': 'VARCHAR', 'is_bot': 'BOOLEAN', "
                "'is_app_user': 'BOOLEAN'}, format='array') "
                "WHERE coalesce(is_bot, false) OR coalesce(is_app_user, false) "
                "UNION ALL SELECT 'USLACKBOT'"
            )
        else:
            con.execute("CREATE OR REPLACE TEMP TABLE vc_bots AS SELECT 'USLACKBOT' AS id")
    except Exception as exc:
        raise _duck_error(exc, path, "a Slack export") from None
    _check(
        con,
        path,
        "vc_stage",
        [("TRY_CAST(ts AS DOUBLE) IS NULL", "a message without a numeric ts")],
        "message (in file order)",
    )
    channel = "regexp_extract(replace(filename, '\\', '/'), '([^/]+)/[^/]+$', 1)"
    is_reply = "thread_ts IS NOT NULL AND thread_ts <> ts"
    posts = ", ".join(_quote(s) for s in _SLACK_POSTS)
    action = (
        f"CASE WHEN subtype = 'channel_join' THEN 'joined' "
        f"WHEN subtype = 'channel_leave' THEN 'left' "
        f"WHEN subtype IS NULL OR subtype IN ({posts}) THEN "
        f"CASE WHEN {is_reply} THEN 'replied' ELSE 'posted' END "
        f"ELSE replace(subtype, '_', '-') END"
    )
    select = _select(
        _quote(name),
        _pseudo('"user"'),
        action,
        "CAST(to_timestamp(CAST(ts AS DOUBLE)) AS TIMESTAMP)",
        obj=f"{channel} || '/' || ts",
        parent=f"CASE WHEN {is_reply} THEN {channel} || '/' || thread_ts END",
        channel=channel,
        attributes={"subtype": "subtype"},
    )
    return (
        f'SELECT {select} FROM vc_stage WHERE "user" IS NOT NULL AND bot_id IS NULL '
        f"AND coalesce(subtype, '') NOT IN ('bot_message', 'bot_add', 'bot_remove') "
        f'AND "user" NOT IN (SELECT id FROM vc_bots WHERE id IS NOT NULL)'
    )


# --- Discourse ---------------------------------------------------------------------


def _read_discourse(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> str:
    files = _quote(str(path / "*.json") if path.is_dir() else str(path))
    post = (
        "STRUCT(id BIGINT, username VARCHAR, user_id BIGINT, created_at VARCHAR, "
        "post_number INTEGER, reply_to_post_number INTEGER, post_type INTEGER)"
    )
    columns = (
        f"{{'id': 'BIGINT', 'category_id': 'BIGINT', 'post_stream': 'STRUCT(posts {post}[])'}}"
    )
    source = (
        f"(SELECT id AS topic, category_id, unnest(post_stream.posts) AS p FROM "
        f"read_json({files}, columns={columns}, format='auto', "
        f"maximum_object_size=268435456))"
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE vc_stage AS SELECT topic, category_id, p.* FROM {source}"
        )
    except Exception as exc:
        raise _duck_error(exc, path, "Discourse topic JSON (post_stream.posts)") from None
    _check(
        con,
        path,
        "vc_stage",
        [
            ("username IS NULL", "a post without username"),
            (f"{_utc('created_at')} IS NULL", "a post whose created_at is missing or not ISO 8601"),
            ("post_number IS NULL", "a post without post_number"),
        ],
        "post",
    )
    select = _select(
        _quote(name),
        _pseudo("username"),
        "CASE WHEN post_number = 1 THEN 'posted' ELSE 'replied' END",
        _utc("created_at"),
        obj="'topic/' || topic || '/' || post_number",
        parent="CASE WHEN post_number > 1 THEN 'topic/' || topic || '/1' END",
        channel="'category/' || category_id",
        attributes={"reply_to_post_number": "reply_to_post_number"},
    )
    # Users with ids below 1 are Discourse's own (system, discobot); post types 3
    # and 4 are moderator and small actions ("closed the topic"), not posts.
    return (
        f"SELECT {select} FROM vc_stage WHERE coalesce(user_id, 1) > 0 "
        f"AND coalesce(post_type, 1) NOT IN (3, 4) "
        f"AND lower(username) NOT IN ('system', 'discobot')"
    )


# --- Moodle ------------------------------------------------------------------------


_DISCUSSION_CREATED: Final = _quote(r"\mod_forum\event\discussion_created")
_POST_CREATED: Final = _quote(r"\mod_forum\event\post_created")


def _read_moodle(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> str:
    source = f"read_csv({_quote(str(path))}, header=true, all_varchar=true)"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE vc_stage AS SELECT * FROM {source}")
    except Exception as exc:
        raise _duck_error(exc, path, "a Moodle standard log (CSV)") from None
    found = [r[0] for r in con.execute("DESCRIBE vc_stage").fetchall()]
    missing = [c for c in ("eventname", "userid", "timecreated") if c not in found]
    if missing:
        raise EventsError(
            f"{path}: a Moodle standard log needs the columns {', '.join(missing)}; "
            f"columns found: {', '.join(found)}"
        )
    _check(
        con,
        path,
        "vc_stage",
        [("TRY_CAST(timecreated AS BIGINT) IS NULL", "timecreated is not Unix time")],
        "row",
    )

    def col(c: str) -> str:
        return f'"{c}"' if c in found else "NULL"

    action = _actions_case("eventname", _MOODLE_ACTIONS, f"coalesce({col('action')}, eventname)")
    discussion = (
        f"json_extract_string(TRY_CAST({col('other')} AS JSON), '$.discussionid')"
        if "other" in found
        else "NULL"
    )
    obj = f"{col('objecttable')} || '/' || {col('objectid')}"
    select = _select(
        _quote(name),
        _pseudo("userid"),
        action,
        "CAST(to_timestamp(CAST(timecreated AS BIGINT)) AS TIMESTAMP)",
        obj=f"CASE WHEN eventname = {_DISCUSSION_CREATED} "
        f"THEN 'forum_discussions/' || {col('objectid')} ELSE {obj} END",
        parent=f"CASE WHEN eventname = {_POST_CREATED} "
        f"THEN 'forum_discussions/' || {discussion} END",
        channel=f"'course/' || {col('courseid')}",
        attributes={
            "eventname": "eventname",
            "component": col("component"),
            "courseid": col("courseid"),
        },
    )
    # userid 0 is the system (cron, the command line); guests (1) are no one in particular.
    return (
        f"SELECT {select} FROM vc_stage WHERE TRY_CAST(userid AS BIGINT) > 1 "
        f"AND coalesce({col('realuserid')}, '') IN ('', 'NULL', userid)"
    )


# --- Zoom --------------------------------------------------------------------------


def _zoom_header(path: Path) -> tuple[dict[str, str], int]:
    """The meeting header block (its fields) and the line the participants' header is on."""
    text = _peek(path, 16384)
    lines = text.splitlines()
    if not lines or not lines[0].lower().startswith("meeting id"):
        return {}, 0
    rows = list(csv.reader(io.StringIO("\n".join(lines[:2]))))
    meeting = dict(zip(rows[0], rows[1], strict=False)) if len(rows) == 2 else {}
    for i, line in enumerate(lines[2:], start=2):
        if line.strip() and line.strip(",").strip() != "":
            return meeting, i
    raise EventsError(f"{path}: a Zoom report with a meeting header but no participants")


def _read_zoom(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> str:
    meeting, skip = _zoom_header(path)
    source = (
        f"read_csv({_quote(str(path))}, header=true, skip={skip}, all_varchar=true, "
        f"null_padding=true)"
    )
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE vc_stage AS SELECT * FROM {source}")
    except Exception as exc:
        raise _duck_error(exc, path, "a Zoom participant report (CSV)") from None
    found = [r[0] for r in con.execute("DESCRIBE vc_stage").fetchall()]
    name_col = next((c for c in found if c.lower().startswith("name")), None)
    email_col = next((c for c in found if c.lower() in ("user email", "email")), None)
    join_col = next((c for c in found if c.lower() == "join time"), None)
    leave_col = next((c for c in found if c.lower() == "leave time"), None)
    duration_col = next((c for c in found if c.lower().startswith("duration")), None)
    meeting_col = next((c for c in found if c.lower() == "meeting id"), None)
    if join_col is None or (name_col is None and email_col is None):
        raise EventsError(
            f"{path}: a Zoom participant report needs 'Join Time' and 'Name (Original Name)' "
            f"or 'User Email' (after the meeting header, line {skip + 1}); "
            f"columns found: {', '.join(found)}"
        )
    zoom_time = (
        "coalesce(TRY_STRPTIME({0}, '%m/%d/%Y %I:%M:%S %p'), "
        "TRY_STRPTIME({0}, '%m/%d/%Y %H:%M:%S'), "
        "TRY_STRPTIME({0}, '%Y-%m-%d %H:%M:%S'), TRY_CAST({0} AS TIMESTAMP))"
    )
    join = zoom_time.format(f'"{join_col}"')
    _check(
        con,
        path,
        "vc_stage",
        [(f"{join} IS NULL", "a Join Time that is not a date and time")],
        f"participant (after line {skip + 1})",
    )
    email = f"nullif(trim(\"{email_col}\"), '')" if email_col else "NULL"
    person = f'coalesce({email}, trim("{name_col}"))' if name_col else email
    meeting_id = (
        f"regexp_replace(\"{meeting_col}\", '\\s', '', 'g')"
        if meeting_col
        else _quote(re.sub(r"\s", "", meeting.get("Meeting ID", "")) or path.stem)
    )
    duration = f'TRY_CAST("{duration_col}" AS DOUBLE)' if duration_col else "NULL"
    bots = f'AND NOT regexp_matches("{name_col}", {_quote(_ZOOM_BOTS)})' if name_col else ""
    # One person leaving and rejoining is one attendee: one event, at their first join.
    grouped = (
        f"(SELECT {meeting_id} AS meeting, {_pseudo(person)} AS who, min({join}) AS first_join, "
        f"sum({duration}) AS minutes, count(*) AS joins FROM vc_stage "
        f"WHERE {person} IS NOT NULL {bots} GROUP BY ALL)"
    )
    select = _select(
        _quote(name),
        "who",
        "'attended'",
        "first_join",
        obj="'meeting/' || meeting",
        parent="'meeting/' || meeting",
        channel=_quote(meeting.get("Topic", "")) if meeting.get("Topic") else "NULL",
        attributes={"minutes": "minutes", "joins": "joins"},
    )
    del leave_col
    return f"SELECT {select} FROM {grouped}"


# --- generic tables ----------------------------------------------------------------


def _read_generic(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    fmt: str,
    mapping: Mapping[str, str],
    attributes: Sequence[str],
) -> tuple[str, _Deferred]:
    p = _quote(str(path))
    reader = {
        "csv": f"read_csv({p}, header=true)",
        "jsonl": f"read_json({p}, format='auto')",
        "parquet": f"read_parquet({p})",
    }[fmt]
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW vc_stage AS SELECT * FROM {reader}")
        types = {r[0]: r[1] for r in con.execute("DESCRIBE vc_stage").fetchall()}
    except Exception as exc:
        raise _duck_error(exc, path, f"{fmt.upper()} events") from None
    found = list(types)
    unknown = [k for k in mapping if k not in EVENT_COLUMNS or k == "attributes"]
    if unknown:
        known = ", ".join(c for c in EVENT_COLUMNS if c != "attributes")
        raise EventsError(
            f"{path}: unknown event column(s) {', '.join(unknown)} in the mapping; known: {known}"
        )
    source_of = {c: mapping.get(c, c) for c in EVENT_COLUMNS if c != "attributes"}
    missing = [
        f"{c} (from {source_of[c]!r})" if c in mapping else c
        for c in ("actor", "action", "timestamp")
        if source_of[c] not in types
    ]
    missing_attrs = [a for a in attributes if a not in types]
    if missing or missing_attrs:
        raise EventsError(
            f"{path}: no column for {', '.join(missing + missing_attrs)}; "
            f"columns found: {', '.join(found)} (map them with actor=COLUMN, ...)"
        )

    def col(c: str) -> str:
        src = source_of[c]
        return f'"{src}"' if src in types else "NULL"

    ts_type = types[source_of["timestamp"]].upper()
    if any(t in ts_type for t in ("INT", "DOUBLE", "FLOAT", "DECIMAL")):
        ts = f"CAST(to_timestamp(CAST({col('timestamp')} AS DOUBLE)) AS TIMESTAMP)"
    elif "TIME ZONE" in ts_type or ts_type.startswith("TIMESTAMP") or ts_type == "DATE":
        ts = f"CAST({col('timestamp')} AS TIMESTAMP)"
    else:
        ts = _utc(col("timestamp"))
    unit = "row" if fmt != "jsonl" else "line"
    deferred = _Deferred(
        [
            (
                "timestamp IS NULL",
                f"{ts} IS NULL",
                f"a {source_of['timestamp']!r} that is missing or not a time",
            ),
            ("action IS NULL", f"{col('action')} IS NULL", f"an empty {source_of['action']!r}"),
        ],
        unit,
        None,
    )
    community = col("community") if source_of["community"] in types else _quote(name)
    select = _select(
        community,
        _pseudo(col("actor")),
        col("action"),
        ts,
        obj=col("object"),
        parent=col("parent"),
        channel=col("channel"),
        attributes={a: f'"{a}"' for a in attributes},
    )
    bots = ""
    if "is_bot" in types:
        bots = "AND NOT coalesce(TRY_CAST(is_bot AS BOOLEAN), false)"
    return f"SELECT {select} FROM vc_stage WHERE {col('actor')} IS NOT NULL {bots}", deferred


def _drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    for kind, scratch_name in (("TABLE", "vc_stage"), ("VIEW", "vc_stage"), ("TABLE", "vc_bots")):
        with contextlib.suppress(Exception):
            con.execute(f"DROP {kind} IF EXISTS {scratch_name}")


def read_into(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: str | os.PathLike[str],
    *,
    name: str,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    attributes: Sequence[str] = (),
) -> tuple[str, str]:
    """Read an events file into the DuckDB table ``table``; return (format, fingerprint).

    The salt must already be set as the DuckDB variable :data:`SALT_VARIABLE`.
    """
    p = Path(path)
    if not p.exists():
        raise EventsError(f"{p}: no such file or folder")
    fmt = fmt or sniff(p)
    if fmt not in FORMATS:
        raise EventsError(f"{p}: unknown events format {fmt!r}; known: {', '.join(FORMATS)}")
    scratch: list[tempfile.TemporaryDirectory[str]] = []
    # The fingerprint reads the files again: do it beside DuckDB (hashlib lets go of the GIL).
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(fingerprint, _files(p))
    try:
        deferred: _Deferred | None = None
        if fmt == "xapi":
            sql, deferred = _read_xapi(con, p, name)
        elif fmt == "slack":
            sql = _read_slack(con, p, name, scratch)
        elif fmt == "discourse":
            sql = _read_discourse(con, p, name)
        elif fmt == "moodle":
            sql = _read_moodle(con, p, name)
        elif fmt == "zoom":
            sql = _read_zoom(con, p, name)
        else:
            sql, deferred = _read_generic(con, p, name, fmt, mapping or {}, attributes)
        try:
            con.execute(f'CREATE OR REPLACE TABLE "{table}" AS {sql}')
        except Exception as exc:
            raise _duck_error(exc, p, fmt) from None
        try:
            if deferred is not None:
                deferred.run(con, p, table)
        except EventsError:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')
            raise
        finally:
            _drop_scratch(con)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        for tmp in scratch:
            tmp.cleanup()
    try:
        return fmt, pending.result()
    finally:
        pool.shutdown()
