"""``valuecycles guide``: the guide as a worksheet."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from valuecycles.cli._common import EXIT_OK, CommandError, framework_from_args
from valuecycles.framework._model import UnknownKeyError

EXAMPLES = """\
examples:
  valuecycles guide --print                      the whole guide as Markdown
  valuecycles guide --print immediate applied    two cycles only
  valuecycles guide --print > worksheet.md       a worksheet to fill in
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "guide",
        help="print the guide as a worksheet",
        description="The Value Creation Framework guide: for each cycle, its four rounds "
        "(aspirations, conditions, indicators, data) with the key questions and example "
        "prompts.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "cycles", nargs="*", metavar="CYCLE", help="cycles to include (all by default)"
    )
    parser.add_argument(
        "--print",
        dest="print_",
        action="store_true",
        help="print the guide as a Markdown worksheet",
    )
    parser.add_argument(
        "--framework",
        metavar="NAME_OR_FILE",
        help="a registered framework's name or a framework file (the guide's by default)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from valuecycles.framework._registry import load_framework
    from valuecycles.worksheet import worksheet

    framework = framework_from_args(args) or load_framework()
    try:
        text = worksheet(framework, args.cycles or None)
    except UnknownKeyError as exc:
        raise CommandError(str(exc)) from None
    sys.stdout.write(text)
    return EXIT_OK
