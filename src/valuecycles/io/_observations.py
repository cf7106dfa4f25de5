"""Observations into a case: the one way in, whether from a table, a workbook or an event log.

:func:`add_observations` takes typed observations, skips those the case
already has, checks the rest with the whole case and adds them, or reports
every problem and adds nothing. :func:`import_observations` reads the rows
of a CSV file or an XLSX workbook (the readers in ``_tables`` and
``_workbook`` give them as ``(row number, cells)``), checks every row with
its row number and column, and ends in the same place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from valuecycles._text import parse_date
from valuecycles.errors import Problem, ValidationError
from valuecycles.framework import Framework
from valuecycles.io._tables import OBSERVATION_COLUMNS, BadCell, Row, csv_rows, is_workbook
from valuecycles.model import EVIDENCE_KINDS, Case, Observation, validate

__all__ = ["ImportReport", "add_observations", "import_observations", "read_observations"]

_REQUIRED: Final = ("indicator", "date", "value")
_INT: Final = re.compile(r"^[-+]?\d+$")
_FLOAT: Final = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


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
        rows = csv_rows(path)
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
        if column not in fields and not any(
            p.path == f"$[{row}].{column}" for p in problems[before:]
        ):
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
