"""``valuecycles derive``: compute a case's figures from activity logs and add them."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from valuecycles.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    HelpFormatter,
    Style,
    add_framework_option,
    emit_json,
    framework_from_args,
    iso_date,
    load_case,
    progress_bar,
)
from valuecycles.errors import EventsError, PluginError, ValidationError

EXAMPLES = """\
examples:
  valuecycles derive case.yaml --events chat=slack-export.zip --events lrs=statements.json
  valuecycles derive case.yaml --events forum=discourse:topics/ --dry-run
  valuecycles derive case.yaml --events calls=zoom:participants.csv --as-of 2026-07-01
  valuecycles derive case.yaml --events log=events.csv --map actor=user_id --map action=verb \\
      --map timestamp=created
  valuecycles derive case.yaml --events chat=export/ --engine spark -o case-derived.yaml

Each data source with a 'derive:' (events, metric, per, ...) gets one observation
per complete period before --as-of (today by default): its period as 'period',
the first day after it as 'date', and a 'provenance'. --events NAME=PATH gives
the events that 'derive: {events: NAME}' uses; the format (xapi, slack,
discourse, moodle, zoom, csv, jsonl, parquet) is recognised from the content,
or forced with NAME=FORMAT:PATH. People are pseudonymised as the events are
read, with a salt from --salt-file or VALUECYCLES_SALT (a random one otherwise);
the salt is never written. A figure computed from fewer than --k people (5)
is suppressed and listed. Running it again adds nothing; a figure that changed
is listed and left alone unless --update is given. Needs:
pip install 'valuecycles[logs]' (and 'valuecycles[spark]' for --engine spark).
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "derive",
        help="compute figures from activity logs (Slack, xAPI, ...) into observations",
        description="Compute the figures that the case's data sources declare with "
        "'derive:' from activity logs, and add them to the case as observations with "
        "their provenance, keeping the file's comments and layout.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("case", metavar="CASE", help="the case file")
    parser.add_argument(
        "--events",
        metavar="NAME=[FORMAT:]PATH",
        action="append",
        default=[],
        help="an events file or folder, by the name derive: uses (repeat for several)",
    )
    parser.add_argument(
        "--map",
        metavar="COLUMN=SOURCE",
        action="append",
        default=[],
        help="for CSV, JSON Lines or Parquet events: the source column of an event column",
    )
    parser.add_argument(
        "--engine",
        default="duckdb",
        choices=("duckdb", "spark"),
        help="where the metrics run (default: duckdb, embedded)",
    )
    parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="derive periods before DATE")
    parser.add_argument("--k", type=int, default=5, help="suppress figures from fewer people (5)")
    parser.add_argument("--salt-file", metavar="FILE", help="the salt for pseudonyms")
    parser.add_argument("--memory-limit", metavar="SIZE", help="DuckDB's memory limit, as 1GB")
    parser.add_argument("--update", action="store_true", help="replace figures that changed")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of CASE")
    parser.add_argument("--json", action="store_true", help="print what was done as JSON")
    add_framework_option(parser)
    parser.set_defaults(run=run)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise CommandError(f"{what} {item!r}: expected NAME=VALUE", EXIT_USAGE)
        out[name] = value
    return out


def run(args: argparse.Namespace) -> int:
    # The whole read-modify-write holds the case's lock, as import does, so that a
    # derive and another writer at once never lose each other's work.
    if args.dry_run:
        return _derive(args)
    from valuecycles._text import locked_file

    target = args.output or args.case
    try:
        with locked_file(target):
            return _derive(args)
    except ValidationError as exc:  # the lock: busy, or the file changed meanwhile
        if any(p.code in ("file-busy", "file-changed") for p in exc.errors):
            raise CommandError(f"cannot write {target}", problems=exc.errors) from None
        raise


def _derive(args: argparse.Namespace) -> int:
    try:
        from valuecycles.logs import EVENT_COLUMNS, derive, salt_from
    except ImportError as exc:
        raise CommandError(
            f"derive needs the logs extra: pip install 'valuecycles[logs]' ({exc})"
        ) from None
    from valuecycles._text import format_for
    from valuecycles.io import add_to_document, dump

    events = _pairs(args.events, "--events")
    mapping = _pairs(args.map, "--map")
    if not events:
        raise CommandError("give the events with --events NAME=PATH", EXIT_USAGE)
    if args.k < 1:
        raise CommandError(f"--k must be at least 1, got {args.k}", EXIT_USAGE)
    case = load_case(args.case, args)
    framework = framework_from_args(args)
    specs: dict[str, Any] = dict(events)
    if mapping:
        unknown = [m for m in mapping if m not in EVENT_COLUMNS]
        if unknown:
            raise CommandError(
                f"--map {unknown[0]}: not an event column; known: {', '.join(EVENT_COLUMNS)}",
                EXIT_USAGE,
            )
        from valuecycles.logs import read_events

        salt = salt_from(None, args.salt_file)
        for name, path in events.items():
            try:
                specs[name] = read_events(
                    path, name=name, mapping=mapping, salt=salt, memory_limit=args.memory_limit
                )
            except EventsError as exc:
                raise CommandError(str(exc)) from None
    try:
        salt = salt_from(None, args.salt_file)
        with progress_bar("derive") as bar:
            progress = None if bar is None else _in_order(bar)
            new_case, report = derive(
                case,
                specs,
                engine=args.engine,
                as_of=args.as_of,
                k=args.k,
                salt=salt,
                update=args.update,
                memory_limit=args.memory_limit,
                progress=progress,
            )
    except ValidationError as exc:
        raise CommandError(f"{args.case}: cannot derive", problems=exc.errors) from None
    except (EventsError, PluginError) as exc:
        raise CommandError(str(exc)) from None
    output = args.output or args.case
    written = False
    if not args.dry_run:
        added = new_case.observations[len(case.observations) :]
        try:
            if args.output and format_for(args.output) != format_for(args.case):
                dump(new_case, output, framework=framework)
                written = True
            elif added or args.output or report.updated:
                # A figure that changed replaces its observation where it stands in the
                # file; the rest is appended. Comments and layout are kept either way.
                add_to_document(args.case, _write_back(case, new_case), output=args.output)
                written = True
        except ValidationError as exc:
            raise CommandError(f"cannot write {output}", problems=exc.errors) from None
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    if args.json:
        emit_json({**report.to_dict(), "case": output, "written": written})
        return EXIT_OK
    _print_report(report, output, written=written, dry_run=args.dry_run, update=args.update)
    return EXIT_OK


def _print_report(report: Any, output: str, *, written: bool, dry_run: bool, update: bool) -> None:
    out, err = sys.stdout, sys.stderr
    style = Style(out)
    for f in report.added:
        out.write(
            f"  {style.green('added')}      {f.indicator} {f.period or f.date.isoformat()}: "
            f"{f.value} ({f.metric}, {f.actors} people)\n"
        )
    for f in report.updated:
        out.write(
            f"  {style.yellow('updated')}    {f.indicator} {f.period or f.date.isoformat()}: "
            f"{f.previous} -> {f.value}\n"
        )
    for f in report.changed:
        out.write(
            f"  {style.yellow('changed')}    {f.indicator} {f.period or f.date.isoformat()}: "
            f"the case has {f.previous}, the events give {f.value} (left alone; --update "
            "replaces it)\n"
        )
    for f in report.suppressed:
        out.write(
            f"  {style.dim('suppressed')} {f.indicator} {f.period or f.date.isoformat()}: "
            f"from {f.actors} {'person' if f.actors == 1 else 'people'}, fewer than "
            f"k={report.k}\n"
        )
    for source, reason in report.skipped:
        err.write(f"valuecycles: {source}: not derived: {reason}\n")
    n = len(report.added) + len(report.updated)
    what = f"{n} observation{'s' if n != 1 else ''}"
    unchanged = len(report.unchanged)
    tail = f" ({unchanged} already there)" if unchanged else ""
    if dry_run:
        out.write(f"{output}: would add {what}{tail}; nothing written (--dry-run)\n")
    elif written:
        verb = "added" if not report.updated else "added or updated"
        out.write(f"{output}: {style.green(verb)} {what}{tail}\n")
    else:
        out.write(f"{output}: nothing to add; the file is unchanged{tail}\n")
    del update


def _slot(obs: Any) -> tuple[Any, ...]:
    """What a derived figure stands for: its indicator, source, period, date and breakdown."""
    return (obs.indicator, obs.source, obs.period, obs.date, tuple(sorted(obs.dimensions.items())))


def _write_back(case: Any, new_case: Any) -> list[tuple[tuple[str | int, ...], Any]]:
    """The file's changes: each replaced observation in its place, new ones appended."""
    from valuecycles.io import to_data

    kept = set(map(id, new_case.observations))
    gone = {_slot(obs): i for i, obs in enumerate(case.observations) if id(obs) not in kept}
    before = set(map(id, case.observations))
    changes: list[tuple[tuple[str | int, ...], Any]] = []
    for obs in new_case.observations:
        if id(obs) in before:
            continue
        where = gone.pop(_slot(obs), None)
        path: tuple[str | int, ...] = (
            ("observations",) if where is None else ("observations", where)
        )
        changes.append((path, to_data(obs)))
    return changes


def _in_order(bar: Any) -> Any:
    """``derive``'s ``progress(what, done, total)`` onto a bar's ``update(done, total, what)``."""
    return lambda what, done, total: bar(done, total, what)
