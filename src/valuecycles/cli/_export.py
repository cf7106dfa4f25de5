"""``valuecycles export``: a case in another format, to stdout or ``-o``.

The formats live in two tables: ``DOCUMENT_EXPORTS`` (json, yaml, toml, csv,
...) in ``_export_documents`` and ``GRAPH_EXPORTS`` (graphml, node-link,
kumu, dot, mermaid, ...) in ``_export_graph``. Each entry is an
:class:`Exporter`.
"""

from __future__ import annotations

import argparse
from typing import Any

from valuecycles.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    HelpFormatter,
    add_framework_option,
    definitions,
    load_case,
)
from valuecycles.cli._export_documents import DOCUMENT_EXPORTS
from valuecycles.cli._export_graph import GRAPH_EXPORTS
from valuecycles.cli._exporters import Exporter

EXPORTS: dict[str, Exporter] = {**DOCUMENT_EXPORTS, **GRAPH_EXPORTS}

EXAMPLES = """\
examples:
  valuecycles export examples/evaluators-network.yaml --to json
  valuecycles export examples/evaluators-network.yaml --to csv -o tables/
  valuecycles export examples/evaluators-network.yaml --to xlsx -o network.xlsx
  valuecycles export examples/evaluators-network.yaml --to kumu -o map.json
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "export",
        help="write a case in another format (" + ", ".join(EXPORTS) + ")",
        description="Write a case in another format, to standard output or to -o."
        "\n\nThe formats:\n" + definitions((name, e.help) for name, e in EXPORTS.items()),
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("case", metavar="CASE", help="the case file")
    parser.add_argument(
        "--to",
        required=True,
        choices=list(EXPORTS),
        metavar="FORMAT",
        help="one of: " + ", ".join(EXPORTS),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="where to write (a folder for csv, an .xlsx file for xlsx); standard output "
        "by default",
    )
    add_framework_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    exporter = EXPORTS[args.to]
    if exporter.needs_output and not args.output:
        raise CommandError(f"--to {args.to} {exporter.output_hint}", EXIT_USAGE)
    case = load_case(args.case, args)
    exporter.write(case, args.output, args)
    return EXIT_OK
