"""``valuecycles query``: ask a case a question; a readable table or ``--json``.

The questions live in two tables: ``EVIDENCE_QUERIES`` (progress, stories,
matrix: they need only the case) in ``_query_evidence`` and
``GRAPH_QUERIES`` (gaps, coverage, chains: they use the graph) in
``_query_graph``. Each entry is a :class:`Query`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from valuecycles.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    CommandError,
    HelpFormatter,
    add_framework_option,
    definitions,
    emit_json,
    iso_date,
    load_case,
    printable,
)
from valuecycles.cli._queries import Query
from valuecycles.cli._query_evidence import EVIDENCE_QUERIES
from valuecycles.cli._query_graph import GRAPH_QUERIES

QUERIES: dict[str, Query] = {**EVIDENCE_QUERIES, **GRAPH_QUERIES}

EXAMPLES = """\
examples:
  valuecycles query examples/evaluators-network.yaml progress
  valuecycles query examples/evaluators-network.yaml progress --as-of 2026-06-30
  valuecycles query examples/evaluators-network.yaml stories --reaching applied
  valuecycles query examples/evaluators-network.yaml chains
  valuecycles query examples/evaluators-network.yaml matrix --json

--as-of DATE answers as the case stood on that date: observations and stories
dated after it are left out, from every question. On screen a story's steps
are numbered from 1 ("step 1"); in --json and in exports they count from 0.
Every --json answer has "schema_version": 1; 'valuecycles schema --for
query-NAME' prints its JSON Schema.
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "query",
        help="ask a case a question (" + ", ".join(QUERIES) + ")",
        description="Ask a case a question and print the answer as a table, or as JSON "
        "with --json. An option marked with a question's name is for that question only."
        "\n\nThe questions:\n" + definitions((name, q.help) for name, q in QUERIES.items()),
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("case", metavar="CASE", help="the case file")
    parser.add_argument(
        "question", choices=list(QUERIES), metavar="QUESTION", help="one of: " + ", ".join(QUERIES)
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="answer as the case stood on this date: observations and stories dated after "
        "it are left out (no limit by default; for gaps, also the date overdue data is "
        "judged against, today by default)",
    )
    add_framework_option(parser)
    seen: set[str] = set()
    for query in QUERIES.values():
        for option in query.options:
            if option.flags[0] not in seen:
                seen.add(option.flags[0])
                parser.add_argument(*option.flags, **option.kwargs)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        case = load_case(args.case, args)
    except CommandError as exc:
        if not (args.json and exc.problems):
            raise
        # An invalid case: its problems as ``validate --json`` prints them.
        from valuecycles.errors import ValidationReport

        emit_json(printable(ValidationReport(exc.problems, exc.warnings).to_dict()))
        sys.stderr.write(f"valuecycles: {exc.message}\n")
        return EXIT_INVALID
    query = QUERIES[args.question]
    result = query.compute(case, args)
    if args.json:
        emit_json(result.to_dict())
    else:
        query.render(result, args)
    return EXIT_OK
