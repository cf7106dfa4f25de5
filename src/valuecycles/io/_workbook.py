"""Tables for spreadsheet users as one XLSX workbook, and observations read back from one.

openpyxl is an optional extra (``valuecycles[spreadsheets]``), imported only
here, when a workbook is written or read; without it both directions raise
:class:`ImportError` naming the extra.

Writing: :func:`export_workbook` writes the tables of
:func:`~valuecycles.io._tables.tables` (the same columns and rows as the CSV
files) as four sheets, with typed cells:

- numbers are number cells, written as Python writes them (openpyxl would
  keep 16 significant digits and write ``18.0`` as ``18``), so they read
  back as the same number of the same type. An integer beyond 2**53 is a
  text cell, since a spreadsheet keeps numbers as 64-bit floats and would
  round it;
- true and false are boolean cells; a date from 1900-01-01 on is a date
  cell shown as ``yyyy-mm-dd`` (earlier dates, which a spreadsheet's
  calendar does not reach, are ISO text); an absent value is an empty cell;
- every text is a text cell, never a formula: openpyxl would store ``=...``
  as a formula and ``#N/A`` as an error. A text starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is also marked (Excel's quote
  prefix) to stay text when the cell is edited. Characters XML cannot carry (control characters, a
  carriage return) are written as the spreadsheet's own escape ``_xHHHH_``,
  and a text that itself holds such a sequence has its ``_`` escaped as
  ``_x005F_``, as Excel does; reading undoes both.

The file holds no clock: no creation or modification time in its
properties, and a fixed time on every part of the zip, so the same case gives the same bytes.

Reading: :func:`read_sheet` gives the rows of the sheet named
``observations`` (else the first sheet) as the CSV reader gives them, the
text a CSV file would hold in each cell: an integer cell as ``18``, a float
cell as Python writes it (``18.5``, and ``18.0`` for a float that is whole,
which reads as a float like the CSV text ``18.0``), a boolean as
``true``/``false``, a date as ``YYYY-MM-DD``. A spreadsheet that stores a
whole number without a decimal point (as Excel does for ``18.0``) gives an
integer. A date with a time of day, a time, a duration or an error cell
(``#DIV/0!``) is a problem at its row and column.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import re
import warnings
import zipfile
from pathlib import Path
from typing import IO, Any, Final

from valuecycles._text import atomic_write, read_bytes
from valuecycles.errors import Problem, ValidationError
from valuecycles.io._tables import FORMULA_START, BadCell, Row, cell_text, tables
from valuecycles.model import Case

__all__ = ["INSTALL", "SHEET", "export_workbook", "read_sheet"]

#: How to install what a workbook needs, for messages.
INSTALL: Final = "pip install 'valuecycles[spreadsheets]'"
#: The sheet an import reads when the workbook has it.
SHEET: Final = "observations"

_MAX_TEXT: Final = 32_767  # the most characters a cell holds
_MAX_ROWS: Final = 1_048_576
_MAX_COLUMNS: Final = 16_384
_EXACT_INT: Final = 2**53  # beyond it, a 64-bit float cannot hold every integer
_FIRST_DATE: Final = _dt.date(1900, 1, 1)
_DATE_FORMAT: Final = "yyyy-mm-dd"
_MIDNIGHT: Final = _dt.time(0)
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can carry

# What XML 1.0 cannot carry, or carries changed (a carriage return becomes a line feed).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CLOCK = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ImportError(
            "reading and writing .xlsx workbooks needs openpyxl, which is not installed; "
            f"install it with: {INSTALL}"
        ) from None
    return openpyxl


# --- writing -------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _unescape_one(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)


def _unescape(text: str) -> str:
    # openpyxl undoes only the "_x005F_" of shared strings (Excel's), so a text that
    # Excel saved as the literal "_x0041_" comes back as "A": the one case read wrong.
    return _ESCAPED.sub(_unescape_one, text) if "_x" in text else text


def _put(cell: Any, value: object, sheet: str, column: str) -> None:
    """Write one value into a cell, typed; ``None`` leaves the cell empty."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif (isinstance(value, int) and abs(value) <= _EXACT_INT) or (
        isinstance(value, float) and math.isfinite(value)
    ):
        # The number's own text, in a number cell: openpyxl would write "%.16g".
        cell.value = repr(value)
        cell.data_type = "n"
    elif type(value) is _dt.date and value >= _FIRST_DATE:
        cell.value = value
        cell.number_format = _DATE_FORMAT
    else:
        text = cell_text(value)
        if not text:
            return
        escaped = _escape(text)
        if len(escaped) > _MAX_TEXT:
            raise ValueError(
                f"sheet {sheet!r}, cell {cell.coordinate} (column {column!r}): the text takes "
                f"{len(escaped):,} characters, more than the {_MAX_TEXT:,} a spreadsheet cell "
                "holds; export to CSV instead"
            )
        cell.value = escaped
        cell.data_type = "s"  # text, never a formula ("=...") or an error ("#N/A")
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True


def _workbook(case: Case) -> bytes:
    """The workbook's bytes, as openpyxl saves them."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.creator = "valuecycles"
    bold = Font(bold=True)
    for name, (header, rows) in tables(case).items():
        if len(rows) + 1 > _MAX_ROWS or len(header) > _MAX_COLUMNS:
            raise ValueError(
                f"sheet {name!r} would have {len(rows) + 1:,} rows and {len(header):,} columns; "
                f"a spreadsheet holds at most {_MAX_ROWS:,} and {_MAX_COLUMNS:,}: "
                "export to CSV instead"
            )
        sheet = book.create_sheet(name)
        for j, column in enumerate(header, start=1):
            cell = sheet.cell(row=1, column=j)
            _put(cell, column, name, column)
            cell.font = bold
        for i, row in enumerate(rows, start=2):
            for j, column in enumerate(header, start=1):
                value = row.get(column)
                if value is not None:
                    _put(sheet.cell(row=i, column=j), value, name, column)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_without_clock(data: bytes, handle: IO[bytes]) -> None:
    """Copy a workbook's zip with a fixed time on every part, and no times in its properties."""
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _CLOCK.sub(b"", content)
            part = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            part.compress_type = zipfile.ZIP_DEFLATED
            part.external_attr = info.external_attr
            target.writestr(part, content)


def export_workbook(case: Case, path: str | os.PathLike[str]) -> Path:
    """Write a case's tables as one XLSX workbook: a sheet for each CSV table.

    The sheets are ``indicators``, ``data_sources``, ``observations`` and
    ``story_steps``, with the columns and rows of :func:`export_tables`'s
    files. Cells are typed: numbers, true/false, dates shown as
    ``yyyy-mm-dd``, and text, which stays text even when it starts with
    ``=`` (never a formula). The header row is bold and stays in view. The
    file is written atomically, and the same case gives the same bytes.
    Returns the path written.

    Needs openpyxl (``pip install 'valuecycles[spreadsheets]'``); without it,
    :class:`ImportError` says so. A text longer than a cell holds (32,767
    characters) raises :class:`ValueError` naming its sheet and cell.

    >>> import tempfile, pathlib, openpyxl, valuecycles as vc
    >>> case = vc.load("examples/evaluators-network.yaml")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = vc.export_workbook(case, pathlib.Path(folder, "network.xlsx"))
    ...     book = openpyxl.load_workbook(path)
    >>> book.sheetnames
    ['indicators', 'data_sources', 'observations', 'story_steps']
    >>> [cell.value for cell in book["observations"][1]][:5]
    ['id', 'indicator', 'date', 'period', 'value']
    """
    data = _workbook(case)
    atomic_write(path, lambda handle: _write_without_clock(data, handle))
    return Path(path)


# --- reading -------------------------------------------------------------------------


def _cell_text(value: object, data_type: str) -> str | BadCell:
    """A cell as the text a CSV file would hold there, or the problem with it."""
    if value is None:
        return ""
    if data_type == "e":
        return BadCell(
            str(value),
            "invalid-value",
            f"the cell shows the spreadsheet error {value}; give a value, or leave it empty",
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _MIDNIGHT:
            return value.date().isoformat()
        shown = value.isoformat(sep=" ")
        return BadCell(
            shown,
            "invalid-date",
            f"{shown} is a date with a time of day; give the date alone "
            "(a date cell, or the text YYYY-MM-DD)",
        )
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time):
        shown = value.isoformat()
        return BadCell(shown, "invalid-date", f"{shown} is a time of day, not a date")
    if isinstance(value, _dt.timedelta):
        return BadCell(str(value), "wrong-type", f"{value} is a duration; give a number or a text")
    if isinstance(value, str):
        return _unescape(value)
    return str(value)


def _not_a_workbook(name: str, exc: BaseException) -> ValidationError:
    reason = str(exc).strip("'\"") or type(exc).__name__
    return ValidationError(
        [
            Problem(
                "$",
                "syntax",
                f"{name} is not a valid .xlsx workbook ({reason}); save it from the "
                "spreadsheet as an Excel workbook (.xlsx), or as 'CSV UTF-8'",
            )
        ],
        source=name,
    )


def read_sheet(path: str | os.PathLike[str]) -> list[Row]:
    """The rows of a workbook's ``observations`` sheet (else its first) as text cells.

    Row numbers are the sheet's (the header is row 1); empty cells at a
    row's end are dropped. A file that is not a workbook is a ``syntax``
    problem, a workbook without a worksheet or with an empty one an
    ``empty`` problem.
    """
    name = os.fspath(path)
    openpyxl = _openpyxl()
    data = read_bytes(path)
    title: str | None = None
    found: list[list[tuple[object, str]]] = []
    with warnings.catch_warnings():
        # openpyxl warns of parts it drops (data validation, styles); the values are read.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = list(book.worksheets)
                chosen = [s for s in sheets if s.title.lower() == SHEET] or sheets[:1]
                if chosen:
                    sheet = chosen[0]
                    title = str(sheet.title)
                    sheet.reset_dimensions()  # read every cell, whatever size the file claims
                    found = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
            finally:
                book.close()
        except Exception as exc:  # a damaged file: openpyxl and zipfile raise many kinds
            raise _not_a_workbook(name, exc) from None
    if title is None:
        raise ValidationError(
            [Problem("$", "empty", f"{name} has no worksheet: it needs one with a header row")],
            source=name,
        )
    rows: list[Row] = []
    for number, row in enumerate(found, start=1):
        cells = [_cell_text(value, data_type) for value, data_type in row]
        while cells and cells[-1] == "":
            cells.pop()
        rows.append((number, cells))
    if not any(cells for _, cells in rows):
        raise ValidationError(
            [Problem("$", "empty", f"sheet {title!r} of {name} is empty: it needs a header row")],
            source=name,
        )
    return rows
