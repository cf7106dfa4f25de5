"""The document formats for ``valuecycles export``: json, yaml, toml, csv, xlsx."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from valuecycles.cli._common import EXIT_USAGE, CommandError, framework_from_args, wrote
from valuecycles.cli._exporters import Exporter
from valuecycles.model import Case

__all__ = ["DOCUMENT_EXPORTS"]


def _document(fmt: str) -> Callable[[Case, str | None, argparse.Namespace], None]:
    def write(case: Case, output: str | None, args: argparse.Namespace) -> None:
        from valuecycles._text import atomic_write
        from valuecycles.io import dumps

        text = dumps(case, fmt, framework=framework_from_args(args))
        if output is None:
            sys.stdout.write(text)
            return
        try:
            atomic_write(output, text)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
        wrote(output)

    return write


def _csv(case: Case, output: str | None, args: argparse.Namespace) -> None:
    from valuecycles.io import export_tables

    assert output is not None  # needs_output: the command checks it
    try:
        paths = export_tables(case, output)
    except FileExistsError:
        raise CommandError(f"{output} is a file, not a folder: give a folder with -o DIR") from None
    except OSError as exc:
        raise CommandError(f"cannot write to {output}: {exc.strerror or exc}") from None
    for path in paths:
        wrote(path)


def _xlsx(case: Case, output: str | None, args: argparse.Namespace) -> None:
    from valuecycles.io import export_workbook

    assert output is not None  # needs_output: the command checks it
    if Path(output).is_dir():
        raise CommandError(f"{output} is a folder: give a file with -o FILE.xlsx")
    if Path(output).suffix.lower() != ".xlsx":
        raise CommandError(
            f"{output} does not end in .xlsx, which spreadsheets need to open it: "
            "give a file with -o FILE.xlsx",
            EXIT_USAGE,
        )
    try:
        path = export_workbook(case, output)
    except ImportError as exc:  # the spreadsheets extra is missing
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    except ValueError as exc:  # a text longer than a cell holds
        raise CommandError(str(exc)) from None
    wrote(path)


DOCUMENT_EXPORTS: dict[str, Exporter] = {
    "json": Exporter(help="the case as a JSON document", write=_document("json")),
    "yaml": Exporter(help="the case as a YAML document", write=_document("yaml")),
    "toml": Exporter(help="the case as a TOML document", write=_document("toml")),
    "csv": Exporter(
        help="indicators, data sources, observations and story steps as CSV tables "
        "for a spreadsheet (give a folder with -o DIR)",
        write=_csv,
        needs_output=True,
    ),
    "xlsx": Exporter(
        help="the same tables as one XLSX workbook, a sheet each, with typed cells "
        "(give a file with -o FILE.xlsx; needs the spreadsheets extra)",
        write=_xlsx,
        needs_output=True,
        output_hint="writes a workbook: give a file with -o FILE.xlsx",
    ),
}
