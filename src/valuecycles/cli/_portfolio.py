"""``valuecycles portfolio``: many communities' cases rolled up, as tables, JSON, CSV or HTML."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from valuecycles.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    CommandError,
    HelpFormatter,
    Style,
    definitions,
    emit_json,
    iso_date,
    print_problems,
    progress_bar,
    table,
    wrote,
)
from valuecycles.portfolio import format_figure

ACTIONS = {
    "rollup": "the portfolio's indicators per period, each with how many communities report it",
    "coverage": "a cycle x community grid: how many elements each case plans in each cycle",
    "gaps": "a cycle x community grid of the gaps in each case's plan and evidence",
    "stories": "the stories counted by reach and by verification (never scored)",
    "report": "one self-contained HTML page: summary, communities, figures, heat maps",
    "export": "the figures each community gave, as one long CSV table",
}

EXAMPLES = """\
examples:
  valuecycles portfolio examples/portfolio/portfolio.yaml rollup
  valuecycles portfolio examples/portfolio/portfolio.yaml rollup --json --as-of 2026-06-30
  valuecycles portfolio examples/portfolio/portfolio.yaml coverage
  valuecycles portfolio portfolio.yaml report -o portfolio.html --with-case-reports
  valuecycles portfolio examples/portfolio/portfolio.yaml export --to csv -o figures.csv
  valuecycles portfolio big.yaml rollup --jobs 4      read the cases in four processes

Every action takes --as-of YYYY-MM-DD, --jobs N and --framework NAME_OR_FILE
(see 'valuecycles portfolio FILE ACTION --help').

A case that does not load is listed with its errors and counted nowhere; the
others still roll up; the command prints everything, then exits 1.
"""

#: Each action's own examples, for 'valuecycles portfolio FILE ACTION --help'.
ACTION_EXAMPLES = {
    "rollup": "rollup --json --as-of 2026-06-30",
    "coverage": "coverage",
    "gaps": "gaps --as-of 2026-06-30",
    "stories": "stories --json",
    "report": "report -o portfolio.html --with-case-reports",
    "export": "export --to csv -o figures.csv",
}


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "portfolio",
        help="roll many communities' cases up: rollup, coverage, gaps, stories, report, export",
        description="Read a portfolio file (its cases, by path or glob, and the portfolio's "
        "own indicators) and roll the cases up. Every figure says how many communities "
        "stand behind it: 'not reported' is never zero.\n\nThe actions:\n"
        + definitions(ACTIONS.items()),
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="the portfolio file (YAML, JSON or TOML)")
    framework_help = (
        "a framework file for cases on a framework that is not installed, or an installed "
        "framework's name to check it is there (repeatable; the portfolio file can list "
        "framework files under 'frameworks:')"
    )
    parser.add_argument(
        "--framework",
        dest="framework_first",
        action="append",
        default=[],
        metavar="NAME_OR_FILE",
        help=framework_help + "; also after the action",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=iso_date,
        help="leave out observations and stories dated after this day (gaps: judge overdue "
        "data against it, today by default)",
    )
    common.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=1,
        metavar="N",
        help="read the cases in N processes (default 1)",
    )
    common.add_argument(
        "--framework",
        action="append",
        default=[],
        metavar="NAME_OR_FILE",
        help=framework_help,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in ACTIONS.items():
        action = actions.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog="examples:\n  valuecycles portfolio examples/portfolio/portfolio.yaml "
            + ACTION_EXAMPLES[name],
            formatter_class=HelpFormatter,
            parents=[common],
        )
        if name in ("rollup", "coverage", "gaps", "stories"):
            action.add_argument("--json", action="store_true", help="print the answer as JSON")
        if name == "report":
            action.add_argument(
                "-o", "--output", required=True, metavar="FILE.html", help="where to write it"
            )
            action.add_argument(
                "--with-case-reports",
                action="store_true",
                help="also write each community's own report, in a folder beside it, "
                "and link each row to it",
            )
        if name == "export":
            action.add_argument(
                "--to", choices=["csv"], required=True, help="the format (csv: one long table)"
            )
            action.add_argument(
                "-o", "--output", metavar="FILE", help="write to FILE; standard output by default"
            )
    parser.set_defaults(run=run)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    import attrs

    from valuecycles.errors import ValidationError
    from valuecycles.portfolio import load_portfolio, rollup

    try:
        portfolio = load_portfolio(args.file)
    except ValidationError as exc:
        if getattr(args, "json", False):  # the problems as validate --json prints them
            emit_json({"schema_version": 1, **exc.report.to_dict()})
        raise CommandError(
            f"{args.file} is not a valid portfolio file", problems=exc.errors
        ) from None
    given = [*args.framework_first, *args.framework]
    if given:
        extra = []
        for value in given:
            path = Path(value)
            if path.is_file():
                extra.append(path)
                continue
            from valuecycles.errors import UnknownFrameworkError
            from valuecycles.framework import load_framework

            if path.suffix or os.sep in value:
                raise CommandError(f"no such framework file: {value}")
            try:
                load_framework(value)  # installed: the cases naming it load as they are
            except (UnknownFrameworkError, RuntimeError) as exc:
                raise CommandError(str(exc)) from None
        portfolio = attrs.evolve(portfolio, frameworks=(*portfolio.frameworks, *extra))
    if args.action == "export" and args.output:
        _check_writable(args.output)
    try:
        with _counted(len(portfolio.cases), "reading cases") as on_case:
            result = rollup(
                portfolio,
                as_of=args.as_of,
                gaps=args.action in ("gaps", "report"),
                jobs=args.jobs,
                on_case=on_case,
            )
    except ValidationError as exc:
        raise CommandError(f"{args.file} has errors", problems=exc.errors) from None
    out = sys.stdout
    if getattr(args, "json", False):
        if args.action == "rollup":
            emit_json(result.to_dict())
        elif args.action == "coverage":
            emit_json(result.coverage.to_dict())
        elif args.action == "gaps":
            assert result.gaps is not None
            emit_json(result.gaps.to_dict())
        else:
            emit_json({"schema_version": 1, **_stories_dict(result)})
    elif args.action == "report":
        _report(portfolio, result, args)
    elif args.action == "export":
        _export(result, args.output)
    else:
        RENDER[args.action](result, Style(out), out)
    _print_problems(result)
    return EXIT_OK if result.ok else EXIT_INVALID


def _check_writable(path: str) -> None:
    folder = Path(path).parent
    if not folder.is_dir():
        raise CommandError(f"cannot write {path}: no such folder {folder}")


def _stories_dict(result: Any) -> dict[str, Any]:
    return {
        "stories": result.stories.to_dict(),
        "cases": [
            {"id": c.id, "community": c.community, "stories": c.stories} for c in result.cases
        ],
    }


def _print_problems(result: Any) -> None:
    unknown = False
    for case in result.cases:
        if case.errors:
            sys.stderr.write(f"{case.file}: this case did not load and is counted nowhere\n")
            print_problems(case.errors, source=case.file)
            unknown = unknown or any(p.code == "unknown-framework" for p in case.errors)
    print_problems(result.errors, result.warnings)
    if unknown:
        sys.stderr.write(
            "hint: for a framework that is not installed, list its file under 'frameworks:' "
            "in the portfolio file, or give it with --framework FILE\n"
        )


def _render_rollup(result: Any, style: Style, out: Any) -> None:
    out.write(style.bold(result.name) + (f" (as of {result.as_of})" if result.as_of else "") + "\n")
    loaded = sum(1 for c in result.cases if c.loaded)
    out.write(f"{loaded} of {len(result.cases)} cases loaded.\n\n")
    if result.indicators:
        rows = [
            [
                ind.id,
                ind.combine,
                format_figure(ind.latest, ind.combine),
                ind.latest_period or "—",
                f"{ind.reporting} of {ind.of}",
                ind.unit or "",
            ]
            for ind in result.indicators
        ]
        out.write(
            table(
                ["indicator", "combine", "latest", "period", "reporting", "unit"],
                rows,
                style,
                right={2},
            )
        )
    else:
        out.write("The portfolio file lists no indicators.\n")
    s = result.stories
    out.write(
        f"\n{s.total} stories from {s.communities} communities: "
        + ", ".join(f"{n} {k}" for k, n in s.by_verification.items())
        + ".\n"
    )


def _grid_table(grid: Any, style: Style, out: Any, *, empty: str) -> None:
    if not grid.cases:
        out.write("No case loaded.\n")
        return
    keys = [c.key for c in grid.cycles]
    rows = []
    for case in grid.cases:
        row = [case]
        for key in keys:
            count = grid.cell(case, key).count
            row.append("·" if count is None else str(count))
        rows.append(row)
    out.write(table(["case", *keys], rows, style, right=set(range(1, len(keys) + 1))))
    out.write(f"\n{empty}\n")


def _render_coverage(result: Any, style: Style, out: Any) -> None:
    _grid_table(
        result.coverage,
        style,
        out,
        empty="Each cell counts the elements a case plans in the cycle (aspirations, "
        "conditions, indicators, data); · the cycle is not in that case's framework.",
    )


def _render_gaps(result: Any, style: Style, out: Any) -> None:
    grid = result.gaps
    _grid_table(
        grid,
        style,
        out,
        empty=f"Each cell counts a case's gaps in the cycle (as of {grid.as_of}); "
        "· the cycle is not in that case's framework.",
    )
    stories = [g for g in grid.gaps if g.cycle is None]
    if stories:
        out.write(f"{len(stories)} stories cite no evidence.\n")


def _render_stories(result: Any, style: Style, out: Any) -> None:
    s = result.stories
    out.write(table(["reach", "stories"], [[k, str(n)] for k, n in s.by_reach.items()], style, {1}))
    out.write("\n")
    out.write(
        table(
            ["verification", "stories"],
            [[k, str(n)] for k, n in s.by_verification.items()],
            style,
            {1},
        )
    )
    out.write(
        f"\n{s.total} stories from {s.communities} of "
        f"{sum(1 for c in result.cases if c.loaded)} communities; counted, never scored.\n"
    )


RENDER: dict[str, Callable[[Any, Style, Any], None]] = {
    "rollup": _render_rollup,
    "coverage": _render_coverage,
    "gaps": _render_gaps,
    "stories": _render_stories,
}


def _csv_text(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["community", "indicator", "period", "value"])
    writer.writerows(rows)
    return buffer.getvalue()


def _export(result: Any, output: str | None) -> None:
    from valuecycles._text import atomic_write

    text = _csv_text(list(result.figures()))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        atomic_write(output, text)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    wrote(output)


def _report(portfolio: Any, result: Any, args: argparse.Namespace) -> None:
    from valuecycles.report import write_portfolio_report

    if not args.output.lower().endswith((".html", ".htm")):
        raise CommandError(f"the portfolio report is HTML: give -o FILE.html, not {args.output}", 2)
    _check_writable(args.output)
    with _counted(len(result.cases), "writing case reports") as on_case:
        try:
            written = write_portfolio_report(
                result,
                args.output,
                portfolio=portfolio if args.with_case_reports else None,
                on_case=on_case,
            )
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    extra = len(written) - 1
    wrote(written[0], f"and {extra} case report{'s' if extra != 1 else ''}" if extra else "")


@contextmanager
def _counted(total: int, name: str) -> Iterator[Callable[[Any], None] | None]:
    """A progress bar that moves one step for each case it is given (its id shown)."""
    with progress_bar(name, total) as bar:
        if bar is None:
            yield None
            return
        done = 0

        def one(case: Any) -> None:
            nonlocal done
            done += 1
            bar(done, total, f"{name}: {getattr(case, 'id', case)}")

        yield one
