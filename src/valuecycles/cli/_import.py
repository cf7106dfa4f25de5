"""``valuecycles import``: add the rows of an observations table (CSV or XLSX) to a case file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from valuecycles._text import locked_file
from valuecycles.cli._common import (
    EXIT_OK,
    CommandError,
    HelpFormatter,
    Style,
    add_framework_option,
    emit_json,
    framework_from_args,
    load_case,
    print_problems,
)
from valuecycles.errors import ValidationError

#: How many skipped rows are named one by one.
_SHOWN = 10

EXAMPLES = """\
examples:
  valuecycles import case.yaml observations.csv
  valuecycles import case.yaml observations.xlsx
  valuecycles import case.yaml export.csv -o case-2026.yaml
  valuecycles export case.yaml --to csv -o tables/   the columns to fill in
  valuecycles export case.yaml --to xlsx -o case.xlsx

The table has a header row with at least indicator, date and value (and, as
valuecycles export writes them, id, period, source, evidence, note, dim.NAME,
extra.KEY). A CSV file has its cells separated by ',' or ';'. A file ending
in .xlsx is read as a workbook: its sheet named 'observations', else its first
sheet (this needs: pip install 'valuecycles[spreadsheets]'). The case file
keeps its comments and layout; the new observations are added at the end.
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "import",
        help="add the observations of a CSV or XLSX table to a case",
        description="Add the rows of an observations table (CSV, UTF-8, ',' or ';'; or an "
        ".xlsx workbook) to a case and write the case back, keeping its comments and "
        "layout. A row identical to an observation already there is skipped. When any row "
        "has a problem, every problem is listed with its row number and nothing is written.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("case", metavar="CASE", help="the case file")
    parser.add_argument(
        "table", metavar="TABLE", help="the observations table (CSV, or an .xlsx workbook)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the case to FILE instead of back to CASE",
    )
    parser.add_argument("--json", action="store_true", help="print what was done as JSON")
    parser.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait while another command writes the same case (default: 30)",
    )
    add_framework_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The whole read-modify-write holds the case's lock (when the case itself is
    # written), so that two imports at once never lose each other's rows.
    target = args.output or args.case
    try:
        with locked_file(target, timeout=args.wait):
            return _import(args)
    except ValidationError as exc:  # the lock: busy, or the file changed meanwhile
        raise CommandError(f"cannot write {target}", problems=exc.errors) from None


def _import(args: argparse.Namespace) -> int:
    from valuecycles._text import format_for
    from valuecycles.io import add_to_document, dump, import_observations, to_data

    case = load_case(args.case, args)
    framework = framework_from_args(args)
    try:
        new_case, report = import_observations(case, args.table, framework=framework)
    except ValidationError as exc:
        raise CommandError(
            f"{args.table}: no rows were imported; {args.case} is unchanged",
            problems=exc.errors,
        ) from None
    except ImportError as exc:  # an .xlsx file without the spreadsheets extra
        raise CommandError(f"{args.table}: {exc}") from None
    output = args.output or args.case
    added = new_case.observations[len(case.observations) :]
    try:
        if args.output and format_for(args.output) != format_for(args.case):
            dump(new_case, args.output, framework=framework)
        elif added or args.output:
            add_to_document(
                args.case,
                [(("observations",), to_data(obs)) for obs in added],
                output=args.output,
            )
    except ValidationError as exc:
        raise CommandError(f"cannot write {output}", problems=exc.errors) from None
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    if args.json:
        emit_json({**report.to_dict(), "case": output})
        return EXIT_OK
    print_problems((), report.warnings, source=output)
    for row, where in report.skipped[:_SHOWN]:
        sys.stderr.write(f"{args.table}: row {row} is identical to {where}; skipped\n")
    if len(report.skipped) > _SHOWN:
        more = len(report.skipped) - _SHOWN
        sys.stderr.write(f"{args.table}: ... and {more} more rows identical to ones there\n")
    n = len(report.added)
    style = Style(sys.stdout)
    what = f"{n} observation{'s' if n != 1 else ''}"
    if n or args.output:
        sys.stdout.write(f"{output}: {style.green('added')} {what}")
    else:
        sys.stdout.write(f"{output}: nothing to add; the file is unchanged")
    skipped = len(report.skipped)
    sys.stdout.write(f" ({skipped} skipped as duplicates)\n" if skipped else "\n")
    return EXIT_OK
