"""Tables for spreadsheet users: a case as CSV files, and observations read back from a table.

``export_tables`` writes ``indicators.csv``, ``data_sources.csv``,
``observations.csv`` and ``story_steps.csv``, each with one header row. Lists
are joined with ``;``, ``extra`` fields become ``extra.KEY`` columns and an
observation's dimensions ``dim.NAME`` columns; an empty cell means the field
is absent. :func:`tables` builds those columns and rows, for the CSV files
here and for the XLSX workbook of ``_workbook``.

``import_observations`` reads an observations table into a case: CSV (UTF-8
with or without a byte-order mark, ``,`` or ``;`` between cells) or an
``.xlsx`` workbook (read in ``_workbook``). Both readers give rows as
``(row number, cells)`` to the same checks: every bad row is reported with its
row number and column, and no row is taken when any is bad; a row identical
to an observation already there is skipped.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from valuecycles._text import decode_text, parse_date, read_bytes
from valuecycles.errors import Problem, ValidationError
from valuecycles.framework._model import Framework
from valuecycles.model._case import Case, Observation
from valuecycles.model._types import EVIDENCE_KINDS

__all__ = [
    "DATA_SOURCE_COLUMNS",
    "INDICATOR_COLUMNS",
    "OBSERVATION_COLUMNS",
    "STEP_COLUMNS",
    "BadCell",
    "ImportReport",
    "add_observations",
    "export_tables",
    "import_observations",
    "is_workbook",
    "read_observations",
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
_REQUIRED: Final = ("indicator", "date", "value")
_INT: Final = re.compile(r"^[-+]?\d+$")
_FLOAT: Final = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


# --- export ------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A value as a cell: numbers as Python writes them, so they read back the same."""
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


# --- import ------------------------------------------------------------------------


@attrs.frozen
class ImportReport:
    """What :func:`import_observations` did: rows added, and rows skipped as duplicates.

    ``added`` holds the row numbers taken (the header is row 1);
    ``skipped`` maps each skipped row's number to the path of the
    observation it repeats (``$.observations[3]``, or an earlier row).
    ``warnings`` are the case's warnings after the import.

    >>> import valuecycles as vc
    >>> report = vc.ImportReport("obs.csv", added=(2, 3), skipped=((4, "$.observations[0]"),))
    >>> report.to_dict()["skipped"]
    [{'row': 4, 'duplicate_of': '$.observations[0]'}]
    """

    source: str
    added: tuple[int, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()
    warnings: tuple[Problem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the file, rows added and skipped, and warnings."""
        return {
            "file": self.source,
            "added": len(self.added),
            "added_rows": list(self.added),
            "skipped": [{"row": row, "duplicate_of": where} for row, where in self.skipped],
            "warnings": [p.to_dict() for p in self.warnings],
        }


def _delimiter(text: str) -> str:
    """``;`` when the header row is split by semicolons, else ``,``."""
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    if len(header) > 1:
        return ","
    semi = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=";"), [])
    return ";" if len(semi) > 1 else ","


def _number(text: str) -> int | float | None:
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return None


def _scalar(text: str) -> str | int | float | bool:
    """An ``extra.KEY`` cell: a number or true/false where it reads as one, else text."""
    if text in ("true", "false"):
        return text == "true"
    number = _number(text)
    return text if number is None else number


def _problem(row: int, column: str, code: str, message: str) -> Problem:
    return Problem(
        f"$[{row}].{column}" if column else f"$[{row}]",
        code,
        f"row {row}" + (f", column {column!r}" if column else "") + f": {message}",
        line=row,
    )


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


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether a table is read as an XLSX workbook: its name ends in ``.xlsx``, in any case."""
    return Path(path).suffix.lower() == ".xlsx"


def _csv_rows(text: str, name: str) -> Iterator[Row]:
    """The rows of CSV text; text that is not valid CSV raises a ``syntax`` problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise ValidationError(
            [Problem("$", "syntax", f"not valid CSV: {exc}")], source=name
        ) from None


def read_observations(
    path: str | os.PathLike[str], case: Case
) -> tuple[list[tuple[int, Observation]], list[Problem]]:
    """Read an observations table: each good row's number and observation, and every problem.

    The table is CSV, or an XLSX workbook when its name ends in ``.xlsx`` (the
    sheet named ``observations``, else the first). A quantitative indicator's
    value must be a number (``52`` is read as an integer, ``52.5`` as a
    float); a qualitative one's is kept as text.
    """
    name = os.fspath(path)
    rows: Iterable[Row]
    if is_workbook(path):
        from valuecycles.io._workbook import read_sheet

        rows = read_sheet(path)
    else:
        hint = "save it from the spreadsheet as 'CSV UTF-8', or as a workbook named .xlsx"
        rows = _csv_rows(decode_text(read_bytes(path), name, hint=hint), name)
    return _read_rows(rows, case, name)


def _text(cell: str | BadCell) -> str:
    return cell.text if isinstance(cell, BadCell) else cell


def _read_rows(
    rows: Iterable[Row], case: Case, name: str
) -> tuple[list[tuple[int, Observation]], list[Problem]]:
    """Check a table's header and rows, whichever format they were read from."""
    kinds = {ind.id: ind.kind for _, ind in case.indicators()}
    problems: list[Problem] = []
    found = iter(rows)
    try:
        _, first = next(found)
    except StopIteration:
        raise ValidationError(
            [Problem("$", "empty", f"{name} is empty: it needs a header row")], source=name
        ) from None
    header = [_text(h).strip() for h in first]
    known = set(OBSERVATION_COLUMNS)
    for i, column in enumerate(header):
        if column not in known and not column.startswith(("dim.", "extra.")):
            problems.append(
                Problem(
                    f"$[1].{column}",
                    "unknown-key",
                    f"row 1: unknown column {column!r} (column {i + 1}); known: "
                    f"{', '.join(OBSERVATION_COLUMNS)}, dim.NAME, extra.KEY",
                    line=1,
                )
            )
        elif column in header[:i]:
            problems.append(
                Problem(
                    f"$[1].{column}", "duplicate-key", f"row 1: column {column!r} twice", line=1
                )
            )
    for column in _REQUIRED:
        if column not in header:
            problems.append(
                Problem(
                    f"$[1].{column}",
                    "missing-field",
                    f"row 1: the required column {column!r} is missing",
                    line=1,
                )
            )
    if problems:
        raise ValidationError(problems, source=name)
    good: list[tuple[int, Observation]] = []
    try:
        for row, cells in found:
            if not any(_text(c).strip() for c in cells):
                continue  # a blank line, or an empty row of a sheet
            made = _observation(row, header, cells, kinds, problems)
            if made is not None:
                good.append((row, made))
    except ValidationError as exc:  # the file breaks off (a quote left open in a CSV file)
        problems.extend(exc.errors)
    return good, problems


def _observation(
    row: int,
    header: list[str],
    cells: Sequence[str | BadCell],
    kinds: Mapping[str, str],
    problems: list[Problem],
) -> Observation | None:
    if len(cells) > len(header):
        problems.append(
            _problem(row, "", "wrong-type", f"{len(cells)} cells but {len(header)} columns")
        )
        return None
    values = dict(zip(header, cells, strict=False))
    fields: dict[str, Any] = {}
    dimensions: dict[str, str] = {}
    extra: dict[str, Any] = {}
    before = len(problems)
    for column, cell in values.items():
        if isinstance(cell, BadCell):
            problems.append(_problem(row, column, cell.code, cell.reason))
            continue
        if cell == "":
            continue
        if column.startswith("dim."):
            dimensions[column[4:]] = cell
        elif column.startswith("extra."):
            extra[column[6:]] = _scalar(cell)
        elif column == "date":
            try:
                fields["date"] = parse_date(cell)
            except ValueError:
                problems.append(
                    _problem(row, column, "invalid-date", f"{cell!r} is not a date (YYYY-MM-DD)")
                )
        elif column == "evidence" and cell not in EVIDENCE_KINDS:
            problems.append(
                _problem(
                    row,
                    column,
                    "invalid-value",
                    f"{cell!r} is not a known evidence kind; known: {', '.join(EVIDENCE_KINDS)}",
                )
            )
        else:
            fields[column] = cell
    for column in _REQUIRED:
        if column not in fields and not any(p.path == f"$[{row}].{column}" for p in problems):
            problems.append(_problem(row, column, "missing-field", "the cell is empty"))
    if "value" in fields and kinds.get(fields.get("indicator", "")) != "qualitative":
        number = _number(fields["value"])
        if number is not None:
            fields["value"] = number
        elif fields.get("indicator") in kinds:
            problems.append(
                _problem(
                    row,
                    "value",
                    "wrong-value-kind",
                    f"indicator {fields['indicator']!r} is quantitative, so its value must be "
                    f"a number, not {fields['value']!r}",
                )
            )
    if len(problems) > before:
        return None
    try:
        return Observation(**fields, dimensions=dimensions, extra=extra)
    except (TypeError, ValueError) as exc:
        column = str(exc).split(":", 1)[0]
        problems.append(
            _problem(row, column if column in values else "", "invalid-value", str(exc))
        )
        return None


def _identity(obs: Observation) -> tuple[Any, ...]:
    """What makes two observations identical, as a hashable key."""
    return (
        obs.id,
        obs.indicator,
        obs.date,
        obs.value,
        obs.period,
        obs.source,
        obs.evidence,
        tuple(sorted(obs.dimensions.items())),
        tuple(sorted((k, repr(v)) for k, v in obs.extra.items())),
        obs.note,
    )


def add_observations(
    case: Case,
    observations: Iterable[Observation],
    *,
    framework: Framework | None = None,
    source: str = "observations",
) -> tuple[Case, ImportReport]:
    """Add observations (typed values) to a case, as an import of a table does.

    The observations are checked with the whole case (their indicator, source
    and id). One identical to an observation already in the case, or to an
    earlier one given, is skipped and reported. When any is wrong,
    :class:`~valuecycles.ValidationError` lists every problem, each with the
    path ``$[N]`` of the observation given (``N`` counts from 0), and nothing
    is added. The report's ``added`` and ``skipped`` hold those positions too.

    This is the one way observations enter a case: ``import`` of a CSV or XLSX
    table and ``derive`` from activity logs both end here.

    >>> import datetime, valuecycles as vc
    >>> case = vc.load("examples/evaluators-network.yaml")
    >>> new = vc.Observation(indicator="response-time", date=datetime.date(2026, 6, 1), value=20)
    >>> case2, report = vc.add_observations(case, [new, new])
    >>> len(case2.observations) - len(case.observations), report.added, report.skipped
    (1, (0,), ((1, 'item 0'),))
    """
    return _add(case, list(enumerate(observations)), [], source, framework, label="item")


def _add(
    case: Case,
    numbered: Sequence[tuple[int, Observation]],
    problems: list[Problem],
    name: str,
    framework: Framework | None,
    *,
    label: str,
) -> tuple[Case, ImportReport]:
    """Add numbered observations (table rows or positions) to a case; see add_observations."""
    from valuecycles.model._validate import validate

    existing: dict[tuple[Any, ...], str] = {}
    for i, obs in enumerate(case.observations):
        existing.setdefault(_identity(obs), f"$.observations[{i}]")
    added: list[tuple[int, Observation]] = []
    skipped: list[tuple[int, str]] = []
    for number, obs in numbered:
        key = _identity(obs)
        if key in existing:
            skipped.append((number, existing[key]))
            continue
        existing[key] = f"{label} {number}"
        added.append((number, obs))
    new_case = case.with_observations(*(obs for _, obs in added))
    report = validate(new_case, framework)
    first = len(case.observations)
    number_of = {first + k: number for k, (number, _) in enumerate(added)}
    for p in report.errors:
        match = re.match(r"^\$\.observations\[(\d+)\](?:\.(\w+))?", p.path)
        if match and int(match.group(1)) in number_of:
            number = number_of[int(match.group(1))]
            column = match.group(2) or ""
            if label == "row":
                problems.append(_problem(number, column, p.code, p.message))
            else:
                path = f"$[{number}]" + (f".{column}" if column else "")
                problems.append(Problem(path, p.code, f"{label} {number}: {p.message}"))
        else:
            problems.append(p)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ValidationError(problems, source=name)
    return new_case, ImportReport(
        name,
        tuple(number for number, _ in added),
        tuple(skipped),
        tuple(report.warnings),
    )


def import_observations(
    case: Case,
    path: str | os.PathLike[str],
    *,
    framework: Framework | None = None,
) -> tuple[Case, ImportReport]:
    """Add the rows of an observations table, CSV or XLSX, to a case.

    Returns the new case and an :class:`ImportReport`. A row identical to an
    observation already in the case (or to an earlier row) is skipped and
    reported. The new observations are checked with the whole case (their
    indicator, source and id); when any row has a problem,
    :class:`~valuecycles.ValidationError` lists every problem with its row
    number and column, and nothing is added.

    A file whose name ends in ``.xlsx`` (in any case) is read as a workbook:
    its sheet named ``observations``, else its first, with the same checks
    (this needs openpyxl, the ``spreadsheets`` extra; without it
    :class:`ImportError` says so). Any other file is read as CSV.

    >>> import pathlib, tempfile, valuecycles as vc
    >>> case = vc.load("examples/evaluators-network.yaml")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     table = pathlib.Path(folder, "obs.csv")
    ...     _ = table.write_text("indicator;date;value\\nresponse-time;2026-06-01;20\\n")
    ...     new, report = vc.import_observations(case, table)
    >>> new.observations[-1].value, report.added
    (20, (2,))
    """
    rows, problems = read_observations(path, case)
    return _add(case, rows, problems, os.fspath(path), framework, label="row")
