"""``valuecycles schema``: the JSON Schema of a case document or of a framework file."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from valuecycles.cli._common import EXIT_OK, CommandError, HelpFormatter, framework_from_args

EXAMPLES = """\
examples:
  valuecycles schema > case.schema.json
  valuecycles schema --framework examples/frameworks/orienting-2020.toml -o orienting.schema.json
  valuecycles schema --for framework > framework.schema.json
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
        "strict as the loader. With --for framework, the schema of a framework file.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--for",
        dest="target",
        choices=["case", "framework", "portfolio"],
        default="case",
        help="the schema of a case document (default), a framework file or a portfolio file",
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
    from valuecycles.io._schema import case_schema, framework_schema

    if args.target in ("framework", "portfolio"):
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
