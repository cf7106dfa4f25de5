"""``valuecycles report``: one self-contained HTML page (or Markdown) on a case."""

from __future__ import annotations

import argparse
from typing import Any

from valuecycles.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    HelpFormatter,
    add_framework_option,
    framework_from_args,
    iso_date,
    load_case,
    progress_bar,
    wrote,
)

EXAMPLES = """\
examples:
  valuecycles report examples/evaluators-network.yaml -o report.html
  valuecycles report case.yaml -o report.md          Markdown for a wiki, plots in report-plots/
  valuecycles report case.yaml -o report.html --as-of 2026-06-30
  valuecycles report case.yaml -o public.html --public

The HTML page is self-contained: inline CSS and SVG plots, no scripts, no
network requests; open it in any browser (for example 'xdg-open report.html'
on Linux, 'open report.html' on macOS, 'start report.html' on Windows) or
mail it. Narrators appear as their consent allows: 'public' shows the name,
'internal' the name with a note (left out with --public), 'anonymous' never.
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "report",
        help="write a report on a case: one HTML page, or Markdown",
        description="Write a report on a case: the community; every cycle of the framework "
        "(an empty one is a finding) with its aspirations, conditions, indicators with a "
        "trend plot, and data; the stories; the value-creation matrix; the graph; the value "
        "chains; gaps and coverage. The format comes from the suffix of -o: .html (one "
        "self-contained page) or .md (Markdown, with the plots as SVG files beside it).",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("case", metavar="CASE", help="the case file")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="where to write the report: FILE.html or FILE.md",
    )
    parser.add_argument(
        "--format",
        choices=["html", "markdown", "md"],
        help="the format, when the suffix of -o does not say",
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=iso_date,
        help="the date overdue data is judged against (today by default)",
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="a report for outside the organisation: leave out narrators who consented to "
        "internal use only",
    )
    add_framework_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from valuecycles.report import format_for_report, write_report

    try:
        format_for_report(args.output, args.format)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    framework = framework_from_args(args)
    case = load_case(args.case, args)
    with progress_bar("report") as on_progress:
        try:
            written = write_report(
                case,
                args.output,
                format=args.format,
                framework=framework,
                as_of=args.as_of,
                audience="public" if args.public else "internal",
                on_progress=on_progress,
            )
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    for path in written:
        wrote(path)
    return EXIT_OK
