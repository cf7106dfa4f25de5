"""Tables for spreadsheet users: a case as CSV files, and the rows of a CSV file read back.

``export_tables`` writes ``indicators.csv``, ``data_sources.csv``,
``observations.csv`` and ``story_steps.csv``, each with one header row. Lists
are joined with ``;``, ``extra`` fields become ``extra.KEY`` columns and an
observation's dimensions ``dim.NAME`` columns; an empty cell means the field
is absent. :func:`tables` builds those columns and rows, for the CSV files
here and for the XLSX workbook of ``_workbook``.

A text cell that a spreadsheet would take for a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with an
apostrophe before it, and :func:`csv_rows` takes the apostrophe off again,
so a round trip is exact. :func:`csv_rows` gives a file's rows as
``(row number, cells)``, as the workbook reader does, to the checks of
``_observations``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from valuecycles._text import decode_text, read_bytes
from valuecycles.errors import Problem, ValidationError
from valuecycles.model import Case, Observation

__all__ = [
    "DATA_SOURCE_COLUMNS",
    "FORMULA_START",
    "INDICATOR_COLUMNS",
    "OBSERVATION_COLUMNS",
    "STEP_COLUMNS",
    "BadCell",
    "Row",
    "cell_text",
    "csv_rows",
    "export_tables",
    "guarded",
    "is_workbook",
    "tables",
]

INDICATOR_COLUMNS: Final = (
    "id",
    "cycle",
    "name",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "signals",
)
DATA_SOURCE_COLUMNS: Final = ("id", "cycle", "name", "method", "cadence", "owner", "indicators")
OBSERVATION_COLUMNS: Final = (
    "id",
    "indicator",
    "date",
    "period",
    "value",
    "source",
    "evidence",
    "note",
)
STEP_COLUMNS: Final = (
    "story",
    "step",
    "cycle",
    "text",
    "aspirational",
    "indicators",
    "observations",
)


# --- export ------------------------------------------------------------------------


#: What makes a spreadsheet read a text cell as a formula (or run it as one).
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(text: str) -> bool:
    """Whether a text would reach a spreadsheet as a formula, or is a guarded one itself."""
    return text.startswith(FORMULA_START) or (text[:1] == "'" and _needs_guard(text[1:]))


def guarded(text: str) -> str:
    """A text as a CSV cell: an apostrophe before one a spreadsheet would take for a formula.

    The apostrophe is the spreadsheets' own mark for "this is text"; reading
    the file back takes it off again, so a round trip is exact.

    >>> guarded("=HYPERLINK(1)"), guarded("plain"), guarded("'=x")
    ("'=HYPERLINK(1)", 'plain', "''=x")
    """
    return "'" + text if _needs_guard(text) else text


def cell_text(value: object) -> str:
    """A value as a cell's text: numbers as Python writes them, so they read back the same."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def _cell(value: object) -> str:
    """A value as a CSV cell: its text, guarded when it is a text a spreadsheet would run."""
    text = cell_text(value)
    return guarded(text) if isinstance(value, str | tuple | list) else text


def _extra_columns(rows: Iterable[dict[str, Any]], prefix: str) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        for key in row:
            if key.startswith(prefix):
                keys.setdefault(key, None)
    return sorted(keys)


def _header(
    columns: Sequence[str], rows: list[dict[str, Any]], prefixes: Sequence[str]
) -> list[str]:
    return [*columns, *(c for p in prefixes for c in _extra_columns(rows, p))]


def _csv_text(header: Sequence[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # Python before 3.12 quotes a cell with a line feed but not one with a bare
    # carriage return, which a reader then takes for the end of the row: a
    # row holding one has every cell quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for cells in ([str(c) for c in header], *([_cell(row.get(c)) for c in header] for row in rows)):
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
    return out.getvalue()


def _with_extra(
    row: dict[str, Any], extra: dict[str, Any], prefix: str = "extra."
) -> dict[str, Any]:
    row.update({f"{prefix}{k}": v for k, v in extra.items()})
    return row


def _indicator_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for cycle, ind in case.indicators():
        row = {
            "id": ind.id,
            "cycle": cycle,
            "name": ind.name,
            "kind": ind.kind,
            "unit": ind.unit,
            "direction": ind.direction,
            "aggregation": ind.aggregation,
            "baseline_value": ind.baseline.value if ind.baseline else None,
            "baseline_date": ind.baseline.date if ind.baseline else None,
            "target_value": ind.target.value if ind.target else None,
            "target_date": ind.target.date if ind.target else None,
            "signals": ind.signals,
        }
        rows.append(_with_extra(row, ind.extra))
    return rows


def _source_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for cycle, src in case.data_sources():
        row = {
            "id": src.id,
            "cycle": cycle,
            "name": src.name,
            "method": src.method,
            "cadence": src.cadence,
            "owner": src.owner,
            "indicators": src.indicators,
        }
        rows.append(_with_extra(row, src.extra))
    return rows


def observation_row(obs: Observation) -> dict[str, Any]:
    """An observation as a row of ``observations.csv`` (dimensions and extra included)."""
    row = {c: getattr(obs, c) for c in OBSERVATION_COLUMNS}
    _with_extra(row, obs.dimensions, "dim.")
    return _with_extra(row, obs.extra)


def _step_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for story in case.stories:
        for n, step in enumerate(story.steps):
            row = {
                "story": story.id,
                "step": n,
                "cycle": step.cycle,
                "text": step.text,
                "aspirational": step.aspirational,
                "indicators": step.indicators,
                "observations": step.observations,
            }
            rows.append(_with_extra(row, step.extra))
    return rows


def tables(case: Case) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Each table's name, header and rows, for the CSV files and the workbook alike.

    The names are ``indicators``, ``data_sources``, ``observations`` and
    ``story_steps``, in that order. A row maps column names to values as the
    model holds them (``None`` for absent, dates, numbers, lists); the header
    is the table's own columns, then its ``dim.NAME`` and ``extra.KEY``
    columns, sorted.
    """
    observations = [observation_row(o) for o in case.observations]
    indicators, sources, steps = _indicator_rows(case), _source_rows(case), _step_rows(case)
    return {
        "indicators": (_header(INDICATOR_COLUMNS, indicators, ["extra."]), indicators),
        "data_sources": (_header(DATA_SOURCE_COLUMNS, sources, ["extra."]), sources),
        "observations": (
            _header(OBSERVATION_COLUMNS, observations, ["dim.", "extra."]),
            observations,
        ),
        "story_steps": (_header(STEP_COLUMNS, steps, ["extra."]), steps),
    }


def export_tables(case: Case, folder: str | os.PathLike[str]) -> list[Path]:
    """Write a case's indicators, data sources, observations and story steps as CSV files.

    The folder is created if it does not exist; each file is written
    atomically. Returns the paths written.

    >>> import tempfile, valuecycles as vc
    >>> case = vc.load("examples/evaluators-network.yaml")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in vc.export_tables(case, folder)]
    ['indicators.csv', 'data_sources.csv', 'observations.csv', 'story_steps.csv']
    """
    from valuecycles._text import atomic_write

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in tables(case).items():
        path = target / f"{name}.csv"
        atomic_write(path, _csv_text(header, rows).encode("utf-8"))
        written.append(path)
    return written


# --- reading CSV ---------------------------------------------------------------------


@attrs.frozen
class BadCell:
    """A cell that cannot be read as text (a date with a time of day, a spreadsheet error).

    ``text`` is what the cell shows; ``code`` and ``reason`` make the problem
    reported at the cell's row and column, like a bad value in a CSV file.
    """

    text: str
    code: str
    reason: str


#: One row of a table: its row number (the header is row 1) and its cells.
Row = tuple[int, Sequence[str | BadCell]]


def _delimiter(text: str) -> str:
    """``;`` when the header row is split by semicolons, else ``,``."""
    first = text.split("\n", 1)[0]
    header = next(csv.reader(io.StringIO(first, newline="")), [])
    if len(header) > 1:
        return ","
    semi = next(csv.reader(io.StringIO(first, newline=""), delimiter=";"), [])
    return ";" if len(semi) > 1 else ","


def _unguarded(cell: str) -> str:
    """A cell's text without the apostrophe the export put before a formula-like text."""
    return cell[1:] if cell[:1] == "'" and _needs_guard(cell[1:]) else cell


def _rows_of(text: str, name: str) -> Iterator[Row]:
    """The rows of CSV text; text that is not valid CSV raises a ``syntax`` problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # Rows, not lines: a cell with a line break in it leaves the count as a spreadsheet has it.
        for row, cells in enumerate(reader, start=1):
            yield row, [_unguarded(c) for c in cells]
    except csv.Error as exc:
        raise ValidationError(
            [Problem("$", "syntax", f"not valid CSV: {exc}")], source=name
        ) from None


def csv_rows(path: str | os.PathLike[str]) -> Iterator[Row]:
    """The rows of a CSV file (UTF-8 with or without a byte-order mark, ``,`` or ``;``).

    A text cell the export guarded against formulas (``'=A1``) comes back as
    it was written (``=A1``).
    """
    name = os.fspath(path)
    hint = "save it from the spreadsheet as 'CSV UTF-8', or as a workbook named .xlsx"
    return _rows_of(decode_text(read_bytes(path), name, hint=hint), name)


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether a table is read as an XLSX workbook: its name ends in ``.xlsx``, in any case."""
    return Path(path).suffix.lower() == ".xlsx"
