"""Tables as an XLSX workbook: the export, the import, and the commands (openpyxl)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font

import valuecycles as vc
from golden import GOLDEN, golden_path
from strategies import cases
from valuecycles.cli import main

SHEETS = ["indicators", "data_sources", "observations", "story_steps"]
INSTALL = "pip install 'valuecycles[spreadsheets]'"


# --- helpers -------------------------------------------------------------------------


def unescape(text: str) -> str:
    """The spreadsheet's escape for characters XML cannot hold: ``_x0007_`` is U+0007."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def as_text(value: object) -> str:
    """A typed cell as the CSV file writes the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        assert value.time() == dt.time(0)
        return value.date().isoformat()
    if isinstance(value, str):
        return unescape(value)
    return str(value)


def as_csv_cell(value: object) -> str:
    """A typed cell as the CSV file writes it: a text a spreadsheet would run, after "'"."""
    text = as_text(value)
    # An integer beyond 2**53 is a text cell in a workbook, a number in a CSV file.
    if isinstance(value, str) and not re.fullmatch(r"-?\d+", text):
        guard = text
        while guard.startswith("'"):
            guard = guard[1:]
        if guard.startswith(("=", "+", "-", "@", "\t", "\r")):
            return "'" + text
    return text


def sheet_rows(book: Any, name: str) -> list[list[str]]:
    """A sheet's rows as a CSV file holds them, as long as its header."""
    rows = [[as_csv_cell(c.value) for c in row] for row in book[name].iter_rows()]
    width = len(rows[0])
    return [row + [""] * (width - len(row)) for row in rows]


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_sheet(
    path: Path, rows: Iterable[Sequence[object]], title: str = "observations", *, before: str = ""
) -> Path:
    """A workbook whose sheet ``title`` holds ``rows`` (typed as given), after sheet ``before``."""
    book = openpyxl.Workbook()
    first = book.active
    if before:
        first.title = before
        first["A1"] = "not the observations"
        sheet = book.create_sheet(title)
    else:
        first.title = title
        sheet = first
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def without_observations(case: vc.Case) -> vc.Case:
    return vc.Case(
        framework_version=case.framework_version,
        community=case.community,
        cycles=case.cycles,
        flows=case.flows,
        extra=case.extra,
    )


def errors(table: Path, case: vc.Case = GOLDEN) -> list[tuple[int | None, str, str]]:
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(case, table)
    return [(p.line, p.path, p.code) for p in info.value.errors]


def case_with(*observations: vc.Observation) -> vc.Case:
    return without_observations(GOLDEN).with_observations(*observations)


def obs(**fields: Any) -> vc.Observation:
    return vc.Observation(
        **{"indicator": "response-time", "date": dt.date(2026, 6, 1), "value": 1, **fields}
    )


def round_trip(case: vc.Case, tmp_path: Path) -> vc.Case:
    path = vc.export_workbook(case, tmp_path / "case.xlsx")
    new, _ = vc.import_observations(without_observations(case), path)
    return new


# --- the export ----------------------------------------------------------------------


def compare_with_csv(case: vc.Case, folder: Path) -> None:
    written = vc.export_workbook(case, folder / "case.xlsx")
    assert written == folder / "case.xlsx"
    vc.export_tables(case, folder)
    book = openpyxl.load_workbook(written)
    assert book.sheetnames == SHEETS
    for name in SHEETS:
        assert sheet_rows(book, name) == csv_rows(folder / f"{name}.csv"), name


def test_the_sheets_hold_the_csv_tables(tmp_path: Path) -> None:
    compare_with_csv(GOLDEN, tmp_path)


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_per_kind=3, max_observations=5))
def test_the_sheets_hold_the_csv_tables_of_any_case(case: vc.Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        compare_with_csv(case, Path(folder))


def test_cells_are_typed(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(vc.export_workbook(GOLDEN, tmp_path / "case.xlsx"))
    indicators = book["indicators"]
    header = [c.value for c in indicators[1]]
    rt = dict(zip(header, indicators[2], strict=True))
    assert (rt["baseline_value"].value, rt["baseline_value"].data_type) == (60, "n")
    assert type(rt["baseline_value"].value) is int
    assert (rt["target_value"].value, rt["target_value"].data_type) == (24.5, "n")
    assert rt["baseline_date"].value == dt.datetime(2026, 1, 1)
    assert rt["baseline_date"].number_format == "yyyy-mm-dd"
    assert (rt["signals"].value, rt["signals"].data_type) == ("quick-answers", "s")
    mood = dict(zip(header, indicators[3], strict=True))
    assert mood["unit"].value is None
    assert mood["baseline_value"].value is None
    steps = book["story_steps"]
    assert [(c.value, c.data_type) for c in steps["E"][1:]] == [
        (False, "b"),
        (False, "b"),
        (True, "b"),
        (False, "b"),
    ]
    assert [c.value for c in steps["B"][1:]] == [0, 1, 2, 0]
    for name in SHEETS:
        assert book[name].freeze_panes == "A2"
        assert all(c.font.bold for c in book[name][1])
        assert not any(c.font.bold for c in book[name][2])


def test_numbers_come_back_exactly(tmp_path: Path) -> None:
    values = [0.1 + 0.2, 18.0, -0.0, 1e-300, 1.5e300, 2**53, -(2**53), 2**53 + 1, -(2**63), 7]
    case = case_with(*(obs(value=v, date=dt.date(2026, 1, 1 + i)) for i, v in enumerate(values)))
    path = vc.export_workbook(case, tmp_path / "case.xlsx")
    cells = openpyxl.load_workbook(path)["observations"]["E"][1:]
    assert [c.value for c in cells] == [*values[:7], str(2**53 + 1), str(-(2**63)), 7]
    # Up to 2**53 a float holds every integer; beyond, a spreadsheet would round: text.
    assert [c.data_type for c in cells] == ["n"] * 7 + ["s", "s", "n"]
    new, _ = vc.import_observations(without_observations(case), path)
    assert [o.value for o in new.observations] == values
    assert [type(o.value) for o in new.observations] == [type(v) for v in values]


@pytest.mark.parametrize(
    "text", ["=SUM(A1:A3)", "=1+1", "+1", "-2", "@x", '=HYPERLINK("http://x")', "#N/A", "="]
)
def test_formula_looking_text_stays_text(tmp_path: Path, text: str) -> None:
    case = case_with(obs(id=text, note=text, dimensions={"region": text}))
    path = vc.export_workbook(case, tmp_path / "case.xlsx")
    sheet = openpyxl.load_workbook(path)["observations"]
    for cell in (sheet["A2"], sheet["H2"], sheet["I2"]):
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix == (text[0] in "=+-@")
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet3.xml").decode("utf-8")
    [back] = round_trip(case, tmp_path).observations
    assert (back.id, back.note, back.dimensions) == (text, text, {"region": text})


@pytest.mark.parametrize(
    "text",
    [
        "bell\x07",
        "nul\x00",
        "crlf\r\nlf\n",
        "\rcr",
        "tab\there",
        "_x0041_ looks escaped",
        "\x07_x0007_",
        "_x005F_",
        "  spaces  ",
        "\ufffe\uffff",
        "line\u2028sep \x85nel",
    ],
)
def test_characters_xml_cannot_carry_come_back(tmp_path: Path, text: str) -> None:
    case = case_with(obs(note=text, value=2))
    [back] = round_trip(case, tmp_path).observations
    assert back.note == text
    stored = openpyxl.load_workbook(tmp_path / "case.xlsx")["observations"]["H2"].value
    assert not re.search(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f\ufffe\uffff]", stored)
    assert unescape(stored) == text


def test_dates_a_spreadsheet_cannot_show_are_text(tmp_path: Path) -> None:
    dates = [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 3, 1)]
    case = case_with(*(obs(date=d) for d in dates))
    path = vc.export_workbook(case, tmp_path / "case.xlsx")
    cells = openpyxl.load_workbook(path)["observations"]["C"][1:]
    assert [c.value for c in cells] == [
        "0001-01-01",
        "1899-12-31",
        dt.datetime(1900, 1, 1),
        dt.datetime(1900, 3, 1),
    ]
    assert [o.date for o in round_trip(case, tmp_path).observations] == dates


def test_a_text_too_long_for_a_cell(tmp_path: Path) -> None:
    case = case_with(obs(), obs(note="x" * 32_768))
    with pytest.raises(ValueError, match=r"sheet 'observations', cell H3 \(column 'note'\)"):
        vc.export_workbook(case, tmp_path / "case.xlsx")
    assert not (tmp_path / "case.xlsx").exists()
    vc.export_workbook(case_with(obs(note="x" * 32_767)), tmp_path / "case.xlsx")


def test_the_same_case_gives_the_same_bytes(tmp_path: Path) -> None:
    first = vc.export_workbook(GOLDEN, tmp_path / "a.xlsx").read_bytes()
    second = vc.export_workbook(GOLDEN, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "created" not in core
    assert "modified" not in core
    assert "<dc:creator>valuecycles</dc:creator>" in core


# --- the import ----------------------------------------------------------------------


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_per_kind=3, max_observations=5))
def test_observations_survive_the_workbook(case: vc.Case) -> None:
    """Export, then import into the case without its observations: the same observations.

    As for CSV (``test_observations_survive_the_table``): an empty text and
    ``extra`` values are what a table cannot carry exactly.
    """
    texts = [t for o in case.observations for t in (o.note, o.period, o.value)]
    texts += [t for o in case.observations for d in o.dimensions.items() for t in d]
    if any(o.extra for o in case.observations) or "" in texts:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = vc.export_workbook(case, Path(folder, "case.xlsx"))
        new, report = vc.import_observations(without_observations(case), path)
    unique: list[vc.Observation] = []
    for o in case.observations:
        if o not in unique:
            unique.append(o)
    assert list(new.observations) == unique
    assert [type(o.value) for o in new.observations] == [type(o.value) for o in unique]
    assert len(report.added) + len(report.skipped) == len(case.observations)


def test_exported_observations_import_as_duplicates(tmp_path: Path) -> None:
    path = vc.export_workbook(GOLDEN, tmp_path / "case.xlsx")
    new, report = vc.import_observations(GOLDEN, path)
    assert new == GOLDEN
    assert report.added == ()
    assert [row for row, _ in report.skipped] == [2, 3, 4, 5]


def test_typed_cells_are_read_as_the_csv_text_would_be(tmp_path: Path) -> None:
    table = write_sheet(
        tmp_path / "obs.xlsx",
        [
            ["indicator", "date", "value", "period", "dim.region", "extra.checked", "note"],
            ["response-time", dt.date(2026, 6, 1), 20, 2026, "north", True, "a note"],
            ["response-time", dt.datetime(2026, 7, 1), 18.5, "2026-06", None, 3, None],
            ["response-time", "2026-07-02", "18", None, None, "no", 12],
            ["response-time", dt.date(2026, 7, 3), 18.0, None, None, 0.5, False],
            ["mood", dt.date(2026, 7, 1), 52, None, None, None, None],
        ],
    )
    new, report = vc.import_observations(GOLDEN, table)
    added = new.observations[len(GOLDEN.observations) :]
    # 18.0 is stored as 18, as Excel stores it, and reads as the integer (the CSV text "18").
    assert [o.value for o in added] == [20, 18.5, 18, 18, "52"]  # mood is qualitative: text
    assert [type(o.value) for o in added] == [int, float, int, int, str]
    assert [o.date for o in added] == [
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 7, 2),
        dt.date(2026, 7, 3),
        dt.date(2026, 7, 1),
    ]
    assert added[0].period == "2026"
    assert added[0].dimensions == {"region": "north"}
    assert [o.extra for o in added] == [
        {"checked": True},
        {"checked": 3},
        {"checked": "no"},
        {"checked": 0.5},
        {},
    ]
    assert [o.note for o in added] == ["a note", None, "12", "false", None]
    assert report.added == (2, 3, 4, 5, 6)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def excel_like_workbook(path: Path, strings: list[str], rows: list[str]) -> Path:
    """A workbook as Excel saves one: shared strings, a date style, a bare style sheet."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{TYPE}.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{TYPE}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{TYPE}.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_a_workbook_as_excel_saves_it(tmp_path: Path) -> None:
    """Shared strings, numbers with 17 digits, a date style, Excel's escapes, no default style."""
    strings = [
        "indicator",
        "date",
        "value",
        "note",
        "extra.checked",
        "response-time",
        "first line_x000D_\nsecond",
    ]
    serial = (dt.date(2026, 6, 1) - dt.date(1899, 12, 30)).days
    rows = [
        '<row r="1">'
        + "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCDE"))
        + "</row>",
        '<row r="2"><c r="A2" t="s"><v>5</v></c>'
        f'<c r="B2" s="1"><v>{serial}</v></c><c r="C2"><v>4.5999999999999996</v></c>'
        '<c r="D2" t="s"><v>6</v></c><c r="E2" t="b"><v>1</v></c></row>',
        '<row r="4"><c r="A4" t="s"><v>5</v></c>'
        f'<c r="B4" s="1"><v>{serial + 1}</v></c><c r="C4"><v>18</v></c></row>',
    ]
    table = excel_like_workbook(tmp_path / "excel.xlsx", strings, rows)
    new, report = vc.import_observations(GOLDEN, table)
    first, second = new.observations[len(GOLDEN.observations) :]
    assert (first.date, first.value, first.note) == (
        dt.date(2026, 6, 1),
        4.6,
        "first line\r\nsecond",
    )
    assert first.extra == {"checked": True}
    assert (second.date, second.value, type(second.value)) == (dt.date(2026, 6, 2), 18, int)
    assert report.added == (2, 4)
    rows[2] = rows[2].replace('<c r="C4"><v>18</v></c>', '<c r="C4" t="e"><v>#N/A</v></c>')
    table = excel_like_workbook(tmp_path / "excel.xlsx", strings, rows)
    assert errors(table) == [(4, "$[4].value", "invalid-value")]


def test_bad_rows_are_reported_with_the_sheet_rows_and_columns(tmp_path: Path) -> None:
    """The CSV test's bad rows, and what only a typed cell can be."""
    rows: list[list[object]] = [
        ["indicator", "date", "value", "source", "evidence", "id"],
        ["response-time", dt.date(2026, 6, 1), 20],
        ["response-time", "2026-13-45", 20],
        ["response-time", dt.date(2026, 6, 2), "fast"],
        ["nope", dt.date(2026, 6, 3), 1],
        ["mood", dt.date(2026, 6, 4), "ok"],
        ["checklist-adoption", dt.date(2026, 6, 5), 1, "forum-log"],
        ["response-time", dt.date(2026, 6, 6), 1, None, "maybe"],
        ["response-time"],
        ["response-time", dt.date(2026, 6, 7), 1, None, None, "rt-2026-02"],
        [],  # an empty row in the middle is skipped, and keeps the numbering
        ["response-time", dt.datetime(2026, 6, 8, 10, 30), 1],
        ["response-time", dt.time(10, 30), 1],
        ["response-time", dt.date(2026, 6, 9), "#DIV/0!"],
        ["response-time", dt.date(2026, 6, 10), dt.timedelta(hours=5)],
        ["response-time", dt.date(2026, 6, 11), 1, None, None, None, "too far"],
    ]
    table = write_sheet(tmp_path / "obs.xlsx", rows)
    assert errors(table) == [
        (3, "$[3].date", "invalid-date"),
        (4, "$[4].value", "wrong-value-kind"),
        (5, "$[5].indicator", "unknown-reference"),
        (7, "$[7].source", "source-mismatch"),
        (8, "$[8].evidence", "invalid-value"),
        (9, "$[9].date", "missing-field"),
        (9, "$[9].value", "missing-field"),
        (10, "$[10].id", "duplicate-id"),
        (12, "$[12].date", "invalid-date"),
        (13, "$[13].date", "invalid-date"),
        (14, "$[14].value", "invalid-value"),
        (15, "$[15].value", "wrong-type"),
        (16, "$[16]", "wrong-type"),
    ]
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(GOLDEN, table)
    messages = {p.line: p.message for p in info.value.errors}
    assert messages[12] == (
        "row 12, column 'date': 2026-06-08 10:30:00 is a date with a time of day; "
        "give the date alone (a date cell, or the text YYYY-MM-DD)"
    )
    assert "10:30:00 is a time of day" in messages[13]
    assert "spreadsheet error #DIV/0!" in messages[14]
    assert "duration" in messages[15]
    assert messages[16] == "row 16: 7 cells but 6 columns"


def test_the_same_rows_give_the_same_problems_as_csv(tmp_path: Path) -> None:
    rows = [
        ["indicator", "date", "value", "evidence"],
        ["response-time", "2026-06-01", "20", ""],
        ["response-time", "2026-02-30", "20", ""],
        ["mood", "", "", "effect"],
        ["nope", "2026-06-01", "x", "maybe"],
    ]
    sheet = write_sheet(tmp_path / "obs.xlsx", [[c or None for c in row] for row in rows])
    table = tmp_path / "obs.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(vc.ValidationError) as from_csv:
        vc.import_observations(GOLDEN, table)
    with pytest.raises(vc.ValidationError) as from_sheet:
        vc.import_observations(GOLDEN, sheet)
    assert from_sheet.value.errors == from_csv.value.errors
    assert len(from_csv.value.errors) == 4


def test_the_observations_sheet_else_the_first(tmp_path: Path) -> None:
    rows = [["indicator", "date", "value"], ["response-time", dt.date(2026, 6, 1), 20]]
    for title, before in [("observations", "notes"), ("Observations", "notes"), ("Data", "")]:
        table = write_sheet(tmp_path / f"{title}.xlsx", rows, title, before=before)
        new, report = vc.import_observations(GOLDEN, table)
        assert report.added == (2,)
        assert new.observations[-1].value == 20
    # Without an observations sheet, the first is read, whatever it holds.
    table = write_sheet(tmp_path / "other.xlsx", rows, "Data", before="notes")
    assert errors(table)[0] == (1, "$[1].not the observations", "unknown-key")


def test_the_suffix_in_any_case_and_empty_cells_at_the_ends(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["indicator", "date", "value"],
        ["response-time", dt.date(2026, 6, 1), 20],
        [None, None, None],
        ["", " ", None],
    ]
    table = write_sheet(tmp_path / "OBS.XLSX", rows)
    book = openpyxl.load_workbook(table)
    for where in ("E1", "E2", "F40"):  # empty cells with a style: a sheet keeps them
        book["observations"][where].font = Font(bold=True)
    book.save(table)
    _, report = vc.import_observations(GOLDEN, table)
    assert report.added == (2,)


def test_a_sheet_that_says_it_is_smaller_than_it_is(tmp_path: Path) -> None:
    rows = [["indicator", "date", "value"], ["response-time", dt.date(2026, 6, 1), 20]]
    table = write_sheet(tmp_path / "obs.xlsx", rows)
    parts = {}
    with zipfile.ZipFile(table) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:C2"' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:C2"', b'ref="A1"')
    with zipfile.ZipFile(table, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    _, report = vc.import_observations(GOLDEN, table)
    assert report.added == (2,)


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([["indicator", "date"]], "missing-field"),
        ([["indicator", "date", "value", "colour"]], "unknown-key"),
        ([["indicator", "date", "value", "value"]], "duplicate-key"),
        ([], "empty"),
        ([[None, None], [None]], "empty"),
    ],
)
def test_bad_headers(tmp_path: Path, rows: list[list[object]], code: str) -> None:
    table = write_sheet(tmp_path / "obs.xlsx", rows)
    [(_, _, found)] = errors(table)[:1]
    assert found == code
    if code == "empty":
        with pytest.raises(vc.ValidationError, match=r"sheet 'observations' of .* is empty"):
            vc.import_observations(GOLDEN, table)


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    text = tmp_path / "obs.xlsx"
    text.write_text("indicator,date,value\nresponse-time,2026-06-01,20\n", encoding="utf-8")
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    whole = vc.export_workbook(GOLDEN, tmp_path / "whole.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    for table in (text, other_zip, cut):
        with pytest.raises(vc.ValidationError) as info:
            vc.import_observations(GOLDEN, table)
        [problem] = info.value.errors
        assert problem.code == "syntax"
        assert problem.message.startswith(f"{table} is not a valid .xlsx workbook (")
        assert info.value.source == str(table)
    assert errors(tmp_path / "missing.xlsx") == [(None, "$", "file-not-found")]


@settings(max_examples=40)
@given(st.data())
def test_a_damaged_workbook_is_read_or_refused_never_a_crash(data: st.DataObject) -> None:
    whole = golden_bytes()
    where = data.draw(st.integers(0, len(whole) - 1))
    byte = data.draw(st.integers(0, 255))
    damaged = whole[:where] + bytes([byte]) + whole[where + 1 :]
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder, "obs.xlsx")
        table.write_bytes(damaged)
        try:
            vc.import_observations(GOLDEN, table)
        except vc.ValidationError as exc:
            problems = exc.errors
        else:
            problems = ()
    assert all(isinstance(p, vc.Problem) for p in problems)


@functools.cache
def golden_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return vc.export_workbook(GOLDEN, Path(folder, "golden.xlsx")).read_bytes()


# --- without openpyxl ----------------------------------------------------------------


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)


@pytest.mark.usefixtures("no_openpyxl")
def test_without_openpyxl_both_directions_name_the_extra(tmp_path: Path) -> None:
    table = tmp_path / "obs.xlsx"
    table.write_bytes(golden_bytes())
    with pytest.raises(ImportError, match=re.escape(INSTALL)):
        vc.export_workbook(GOLDEN, tmp_path / "case.xlsx")
    assert not (tmp_path / "case.xlsx").exists()
    with pytest.raises(ImportError, match=re.escape(INSTALL)):
        vc.import_observations(GOLDEN, table)
    # CSV needs no extra.
    csv_table = tmp_path / "obs.csv"
    csv_table.write_text("indicator,date,value\nresponse-time,2026-06-01,20\n", encoding="utf-8")
    assert vc.import_observations(GOLDEN, csv_table)[1].added == (2,)


@pytest.mark.usefixtures("no_openpyxl")
def test_without_openpyxl_the_commands_say_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(golden_path("yaml"))
    assert main(["export", source, "--to", "xlsx", "-o", str(tmp_path / "case.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("valuecycles: ")
    assert INSTALL in err
    assert not (tmp_path / "case.xlsx").exists()
    table = tmp_path / "obs.xlsx"
    table.write_bytes(golden_bytes())
    case_file = tmp_path / "case.yaml"
    case_file.write_bytes(golden_path("yaml").read_bytes())
    assert main(["import", str(case_file), str(table)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"valuecycles: {table}: ")
    assert INSTALL in err
    assert case_file.read_bytes() == golden_path("yaml").read_bytes()


# --- the command line ----------------------------------------------------------------


def test_cli_export_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(golden_path("yaml"))
    out = tmp_path / "case.xlsx"
    assert main(["export", source, "--to", "xlsx", "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote {out}\n"
    assert out.read_bytes() == vc.export_workbook(GOLDEN, tmp_path / "api.xlsx").read_bytes()
    assert main(["export", source, "--to", "xlsx"]) == 2
    assert "give a file with -o FILE.xlsx" in capsys.readouterr().err
    assert main(["export", source, "--to", "xlsx", "-o", str(tmp_path)]) == 1
    assert f"{tmp_path} is a folder" in capsys.readouterr().err
    assert main(["export", source, "--to", "xlsx", "-o", str(tmp_path / "case.csv")]) == 2
    assert "does not end in .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "case.csv").exists()
    missing = tmp_path / "no-such-folder" / "case.xlsx"
    assert main(["export", source, "--to", "xlsx", "-o", str(missing)]) == 1
    assert f"cannot write {missing}" in capsys.readouterr().err


def test_cli_export_a_text_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_file = tmp_path / "case.yaml"
    vc.dump(case_with(obs(note="x" * 40_000)), case_file)
    assert main(["export", str(case_file), "--to", "xlsx", "-o", str(tmp_path / "c.xlsx")]) == 1
    assert "more than the 32,767 a spreadsheet cell holds" in capsys.readouterr().err


def test_cli_import_xlsx_writes_back_keeping_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "case.yaml"
    original = "# my notes\n" + golden_path("yaml").read_text(encoding="utf-8")
    case_file.write_text(original, encoding="utf-8")
    table = write_sheet(
        tmp_path / "obs.xlsx",
        [
            ["indicator", "date", "value"],
            ["response-time", dt.date(2026, 6, 1), 20],
            ["checklist-adoption", dt.date(2026, 4, 1), 22],
        ],
    )
    assert main(["import", str(case_file), str(table)]) == 0
    captured = capsys.readouterr()
    assert "added 1 observation (1 skipped as duplicates)" in captured.out
    assert f"{table}: row 3 is identical to $.observations[3]; skipped" in captured.err
    assert case_file.read_text(encoding="utf-8").startswith("# my notes\n")
    loaded = vc.load(case_file)
    assert loaded.observations[-1] == vc.Observation(
        indicator="response-time", date=dt.date(2026, 6, 1), value=20
    )
    assert len(loaded.observations) == len(GOLDEN.observations) + 1


def test_cli_import_xlsx_bad_rows_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "case.yaml"
    case_file.write_bytes(golden_path("yaml").read_bytes())
    table = write_sheet(
        tmp_path / "obs.xlsx",
        [
            ["indicator", "date", "value"],
            ["response-time", dt.date(2026, 6, 1), 20],
            ["nope", dt.date(2026, 6, 1), 1],
            ["response-time", dt.datetime(2026, 6, 1, 9, 0), 1],
        ],
    )
    out = tmp_path / "out.yaml"
    assert main(["import", str(case_file), str(table), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "row 3, column 'indicator'" in err
    assert "row 4, column 'date'" in err
    assert f"{table}: no rows were imported" in err
    assert case_file.read_bytes() == golden_path("yaml").read_bytes()
    assert not out.exists()


def test_cli_import_xlsx_json_and_not_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = write_sheet(
        tmp_path / "obs.xlsx",
        [["indicator", "date", "value"], ["mood", dt.date(2026, 6, 1), "good"]],
    )
    out = tmp_path / "out.json"
    assert main(["import", str(golden_path("yaml")), str(table), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["added"], report["added_rows"], report["file"]) == (1, [2], str(table))
    assert vc.load(out).observations[-1].value == "good"
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    assert main(["import", str(golden_path("yaml")), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "is not a valid .xlsx workbook" in err
    assert "[syntax]" in err
    assert "Traceback" not in err
