"""``valuecycles schema``: the JSON Schema of a case document or of a framework file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from valuecycles.cli._common import EXIT_OK, CommandError, HelpFormatter, framework_from_args

#: The query questions whose --json shape has a schema.
_QUERY_SHAPES = ("gaps", "coverage", "chains", "stories", "matrix", "progress")

EXAMPLES = """\
examples:
  valuecycles schema > case.schema.json
  valuecycles schema --framework examples/frameworks/orienting-2020.toml -o orienting.schema.json
  valuecycles schema --for framework > framework.schema.json
  valuecycles schema --for query-progress > progress.schema.json
  valuecycles schema --for portfolio > portfolio.schema.json

An editor uses the schema to complete and check a case as you type: in VS Code
with the YAML extension, put this first line in the case file:
  # yaml-language-server: $schema=case.schema.json
"""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "schema",
        help="print the JSON Schema of a case document (or of a framework file)",
        description="Print the JSON Schema (draft 2020-12) of a case document for a "
        "framework: its keys, types, allowed values and the framework's cycle keys, as "
        "strict as the loader. With --for framework, the schema of a framework file; with "
        "--for query-NAME, the schema of what 'valuecycles query CASE NAME --json' prints.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--for",
        dest="target",
        choices=["case", "framework", "portfolio", *(f"query-{name}" for name in _QUERY_SHAPES)],
        default="case",
        metavar="WHAT",
        help="case: the schema of a case document (the default); framework: of a framework "
        "file; portfolio: of a portfolio file; query-NAME: of what a query prints with --json ("
        + ", ".join(f"query-{n}" for n in _QUERY_SHAPES)
        + ")",
    )
    parser.add_argument(
        "--framework",
        metavar="NAME_OR_FILE",
        help="the framework whose cycles a case may use: a registered framework's name "
        "or a framework file (the guide's by default)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE; standard output by default"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from valuecycles._text import atomic_write
    from valuecycles.io import case_schema, framework_schema

    if args.target.startswith("query-"):
        from valuecycles.graph import query_schema

        if args.framework:
            raise CommandError("--framework does not apply to the schema of a query's output", 2)
        schema = query_schema(args.target.removeprefix("query-"))
    elif args.target in ("framework", "portfolio"):
        if args.framework:
            raise CommandError(
                f"--framework does not apply to --for {args.target}: a {args.target} file's "
                "schema is the same for every framework",
                2,
            )
        if args.target == "portfolio":
            from valuecycles.portfolio import portfolio_schema

            schema = portfolio_schema()
        else:
            schema = framework_schema()
    else:
        schema = case_schema(framework_from_args(args))
    text = orjson.dumps(schema, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    if args.output:
        try:
            atomic_write(args.output, text)
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK
