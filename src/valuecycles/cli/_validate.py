"""``valuecycles validate``: check case files and report every problem."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from valuecycles.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    Style,
    add_framework_option,
    emit_json,
    framework_from_args,
    framework_hint,
    print_problems,
    printable,
)
from valuecycles.errors import Problem, ValidationReport

#: The exit code when the library itself failed (a bug), not the document.
EXIT_INTERNAL = 3

EXAMPLES = """\
examples:
  valuecycles validate examples/evaluators-network.yaml
  valuecycles validate cases/*.yaml --json
  valuecycles validate case.toml --framework my-framework.toml

exit codes: 0 every file is valid; 1 a file has errors (or, with --strict,
warnings); 2 a usage error; 3 valuecycles itself failed on a file (a bug:
reported as the problem 'internal-error', in the JSON too).
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "validate",
        help="check case files and list every problem",
        description="Check one or more case files: their syntax, their structure, and the "
        "case as a whole (unique ids, references, cycles). Every problem is listed at once, "
        "with the path to it and, for YAML, its line.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="case files to check")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 1 on a warning)"
    )
    add_framework_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from valuecycles.io import read

    framework = framework_from_args(args)
    results: list[dict[str, Any]] = []
    failed = False
    crashed = False
    style = Style(sys.stdout)
    for path in args.files:
        try:
            report = read(path, framework=framework).report
        except Exception as exc:  # a bug in valuecycles: say so, never as an invalid case
            crashed = True
            report = ValidationReport([_internal(exc)])
        bad = not report.valid or (args.strict and bool(report.warnings))
        failed = failed or bad
        if args.json:
            results.append({"file": path, **report.to_dict()})
            continue
        print_problems(report.errors, report.warnings, source=path)
        if report.valid:
            n = len(report.warnings)
            note = f" ({n} warning{'s' if n != 1 else ''})" if n else ""
            sys.stdout.write(f"{path}: {style.green('valid')}{note}\n")
        else:
            n = len(report.errors)
            sys.stderr.write(f"{path}: {n} error{'s' if n != 1 else ''}\n")
            hint = framework_hint(report.errors)
            if hint:
                sys.stderr.write(f"{hint}\n")
    if args.json:
        if len(results) == 1:
            results[0].pop("file")
            emit_json(printable(results[0]))
        else:
            emit_json(printable(results))
    if crashed:
        return EXIT_INTERNAL
    return EXIT_INVALID if failed else EXIT_OK


def _internal(exc: BaseException) -> Problem:
    """An unexpected failure of the library, as a problem a program can tell apart."""
    detail = printable(str(exc))
    if len(detail) > 500:
        detail = detail[:500] + "..."
    return Problem(
        "$",
        "internal-error",
        f"valuecycles failed on this file ({type(exc).__name__}: {detail}); "
        "this is a bug in valuecycles, please report it",
    )
