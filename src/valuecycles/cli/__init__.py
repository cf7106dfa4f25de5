"""The ``valuecycles`` command line.

Each subcommand lives in its own module with an ``add_parser(subparsers)``
function that registers it and sets ``run``. Exit codes: 0 success, 1
invalid input, 2 usage errors, 3 a failure of valuecycles itself (``validate``
reports it as ``internal-error``). Errors go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from valuecycles._version import __version__
from valuecycles.cli import (
    _derive,
    _export,
    _guide,
    _import,
    _portfolio,
    _query,
    _report,
    _schema,
    _validate,
)
from valuecycles.cli._common import EXIT_USAGE, CommandError, HelpFormatter, print_problems

__all__ = ["build_parser", "main"]

_SUBCOMMANDS = (
    _guide,
    _validate,
    _query,
    _report,
    _export,
    _import,
    _derive,
    _schema,
    _portfolio,
)

DESCRIPTION = """\
Plan and assess the value a community of practice creates, with the Value
Creation Framework of Etienne and Beverly Wenger-Trayner.
"""

EPILOG = """\
examples:
  valuecycles guide -o case.yaml               walk the guide for your community
  valuecycles report case.yaml -o report.html  a self-contained report with plots
  valuecycles guide --print immediate          the guide's questions for one cycle
  valuecycles validate examples/evaluators-network.yaml
  valuecycles validate case.yaml --json        problems as JSON, for programs

Run 'valuecycles COMMAND --help' for a command's options and examples.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="valuecycles",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _SUBCOMMANDS:
        module.add_parser(sub)
    _add_version(parser)
    return parser


def _add_version(parser: argparse.ArgumentParser) -> None:
    """``--version`` on a parser and on each of its subcommands, as ``--help`` is."""
    parser.add_argument("--version", action="version", version=f"valuecycles {__version__}")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in dict.fromkeys(action.choices.values()):
                _add_version(subparser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.run(args)
    except CommandError as exc:
        print_problems(exc.problems, exc.warnings)
        if exc.message:
            sys.stderr.write(f"valuecycles: {exc.message}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("valuecycles: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    return code


def _entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
