"""Tables for spreadsheets: CSV export, observations import, and the export and import commands."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import valuecycles as vc
from golden import GOLDEN, golden_path
from strategies import cases
from valuecycles.cli import main
from valuecycles.io._tables import (
    DATA_SOURCE_COLUMNS,
    INDICATOR_COLUMNS,
    OBSERVATION_COLUMNS,
    STEP_COLUMNS,
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def test_export_writes_the_four_tables_as_designed(tmp_path: Path) -> None:
    paths = vc.export_tables(GOLDEN, tmp_path / "tables")
    assert [p.name for p in paths] == [
        "indicators.csv",
        "data_sources.csv",
        "observations.csv",
        "story_steps.csv",
    ]
    folder = tmp_path / "tables"
    assert header(folder / "indicators.csv") == [*INDICATOR_COLUMNS, "extra.owner"]
    assert header(folder / "data_sources.csv") == list(DATA_SOURCE_COLUMNS)
    assert header(folder / "observations.csv") == [*OBSERVATION_COLUMNS, "dim.region"]
    assert header(folder / "story_steps.csv") == [*STEP_COLUMNS, "extra.confirm-by"]
    [rt, mood, _adoption] = read(folder / "indicators.csv")
    assert rt["baseline_value"] == "60"
    assert rt["target_value"] == "24.5"
    assert rt["baseline_date"] == "2026-01-01"
    assert rt["signals"] == "quick-answers"
    assert rt["extra.owner"] == "facilitator"
    assert mood["unit"] == mood["baseline_value"] == mood["extra.owner"] == ""
    [source] = read(folder / "data_sources.csv")
    assert source["indicators"] == "response-time;mood"
    observations = read(folder / "observations.csv")
    assert [o["value"] for o in observations] == ["52", "30.5", "no", "22"]
    assert observations[0]["dim.region"] == "north"
    assert observations[1]["id"] == observations[1]["dim.region"] == ""
    steps = read(folder / "story_steps.csv")
    assert [(s["story"], s["step"], s["aspirational"]) for s in steps] == [
        ("checklist-story", "0", "false"),
        ("checklist-story", "1", "false"),
        ("checklist-story", "2", "true"),
        ("short", "0", "false"),
    ]
    assert steps[0]["observations"] == "rt-2026-02"


def test_exported_observations_import_as_duplicates(tmp_path: Path) -> None:
    vc.export_tables(GOLDEN, tmp_path)
    new, report = vc.import_observations(GOLDEN, tmp_path / "observations.csv")
    assert new == GOLDEN
    assert report.added == ()
    assert [row for row, _ in report.skipped] == [2, 3, 4, 5]
    assert report.skipped[0] == (2, "$.observations[0]")


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_per_kind=3, max_observations=5))
def test_observations_survive_the_table(case: vc.Case) -> None:
    """Export, then import into the case without its observations: the same observations."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        vc.export_tables(case, folder)
        empty = vc.Case(
            framework_version=case.framework_version,
            community=case.community,
            cycles=case.cycles,
            flows=case.flows,
            extra=case.extra,
        )
        bare = [o for o in case.observations if not _lossy(o)]
        if len(bare) < len(case.observations):
            return
        new, report = vc.import_observations(empty, Path(folder, "observations.csv"))
    # A row identical to an earlier one is skipped.
    unique: list[vc.Observation] = []
    for obs in case.observations:
        if obs not in unique:
            unique.append(obs)
    assert list(new.observations) == unique
    assert [type(o.value) for o in new.observations] == [type(o.value) for o in unique]
    assert len(report.added) + len(report.skipped) == len(case.observations)


def test_a_carriage_return_in_a_text_stays_inside_its_cell(tmp_path: Path) -> None:
    # csv before Python 3.12 leaves a cell with a bare "\r" unquoted, and a
    # reader ends the row there.
    source = vc.DataSource(id="log", name="Forum\rlog", owner="\r", indicators=["rt"])
    ind = vc.Indicator(id="rt", name="Hours\r\nto answer")
    case = vc.Case(
        community=vc.Community(name="C"),
        cycles={"immediate": vc.CyclePlan(indicators=[ind], data=[source])},
    ).with_observations(
        vc.Observation(indicator="rt", date=dt.date(2026, 1, 5), value=3, note="a\rb")
    )
    vc.export_tables(case, tmp_path)
    with (tmp_path / "data_sources.csv").open(newline="", encoding="utf-8") as handle:
        # A text starting with a carriage return is guarded like a formula.
        assert list(csv.reader(handle))[1][:6] == ["log", "immediate", "Forum\rlog", "", "", "'\r"]
    with (tmp_path / "indicators.csv").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1][2] == "Hours\r\nto answer"
    empty = vc.Case(community=case.community, cycles=case.cycles)
    new, _ = vc.import_observations(empty, tmp_path / "observations.csv")
    assert new.observations == case.observations


def _lossy(obs: vc.Observation) -> bool:
    """What a table cannot carry exactly: an empty text (an empty cell is absent), and
    ``extra`` values, which come back as numbers or true/false wherever they read as one.
    """
    texts = [obs.note, obs.period, obs.value, *obs.dimensions.values(), *obs.dimensions]
    return bool(obs.extra) or any(t == "" for t in texts)


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_import_reads_both_delimiters_with_or_without_a_bom(
    tmp_path: Path, delimiter: str, bom: bytes
) -> None:
    table = tmp_path / "obs.csv"
    rows = [
        ["indicator", "date", "value", "dim.region", "extra.checked", "note"],
        ["response-time", "2026-06-01", "20", "north", "true", "a, b; c"],
        ["response-time", "2026-07-01", "18.5", "", "", ""],
        ["mood", "2026-07-01", "52", "", "", ""],
    ]
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    table.write_bytes(bom + table.read_bytes())
    new, report = vc.import_observations(GOLDEN, table)
    added = new.observations[len(GOLDEN.observations) :]
    assert [o.value for o in added] == [20, 18.5, "52"]  # mood is qualitative: text
    assert isinstance(added[0].value, int)
    assert added[0].dimensions == {"region": "north"}
    assert added[0].extra == {"checked": True}
    assert added[0].note == "a, b; c"
    assert added[1].dimensions == {}
    assert added[1].note is None
    assert report.added == (2, 3, 4)


def test_bad_rows_are_reported_together_with_rows_and_columns(tmp_path: Path) -> None:
    table = tmp_path / "obs.csv"
    table.write_text(
        "indicator,date,value,source,evidence,id\n"
        "response-time,2026-06-01,20,,,\n"
        "response-time,2026-13-45,20,,,\n"
        "response-time,2026-06-02,fast,,,\n"
        "nope,2026-06-03,1,,,\n"
        "mood,2026-06-04,ok,,,\n"
        "checklist-adoption,2026-06-05,1,forum-log,,\n"
        "response-time,2026-06-06,1,,maybe,\n"
        "response-time,,,,,\n"
        "response-time,2026-06-07,1,,,rt-2026-02\n",
        encoding="utf-8",
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(GOLDEN, table)
    found = [(p.line, p.path, p.code) for p in info.value.errors]
    assert found == [
        (3, "$[3].date", "invalid-date"),
        (4, "$[4].value", "wrong-value-kind"),
        (5, "$[5].indicator", "unknown-reference"),
        (7, "$[7].source", "source-mismatch"),
        (8, "$[8].evidence", "invalid-value"),
        (9, "$[9].date", "missing-field"),
        (9, "$[9].value", "missing-field"),
        (10, "$[10].id", "duplicate-id"),
    ]
    assert all(p.message.startswith(f"row {p.line}, column ") for p in info.value.errors)


@pytest.mark.parametrize(
    "date", ["2026-W05-1", "20260601", "2026-02-30", "\uff12\uff10\uff12\uff16-06-01"]
)
def test_only_calendar_dates_in_a_table(tmp_path: Path, date: str) -> None:
    table = tmp_path / "obs.csv"
    table.write_text(f"indicator,date,value\nresponse-time,{date},20\n", encoding="utf-8")
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(GOLDEN, table)
    assert [(p.path, p.code) for p in info.value.errors] == [("$[2].date", "invalid-date")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("indicator,date\n", "missing-field"),
        ("indicator,date,value,colour\n", "unknown-key"),
        ("", "empty"),
        ("indicator,date,value\nx,2026-01-01,1,2\n", "wrong-type"),
    ],
)
def test_bad_tables(tmp_path: Path, text: str, code: str) -> None:
    table = tmp_path / "obs.csv"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(GOLDEN, table)
    assert info.value.errors[0].code == code


def test_a_table_that_is_not_utf8(tmp_path: Path) -> None:
    table = tmp_path / "obs.csv"
    table.write_bytes("indicator,date,value,note\nmood,2026-01-01,ok,café\n".encode("latin-1"))
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(GOLDEN, table)
    assert "UTF-8" in info.value.errors[0].message


# --- the command line -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_cli_export_documents(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(golden_path("yaml"))
    assert main(["export", source, "--to", fmt]) == 0
    assert vc.loads(capsys.readouterr().out, fmt) == GOLDEN
    out = tmp_path / f"case.{fmt}"
    assert main(["export", source, "--to", fmt, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == golden_path(fmt).read_text(encoding="utf-8")


def test_cli_export_csv_needs_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(golden_path("json"))
    assert main(["export", source, "--to", "csv"]) == 2
    assert "-o DIR" in capsys.readouterr().err
    assert main(["export", source, "--to", "csv", "-o", str(tmp_path / "t")]) == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "data_sources.csv",
        "indicators.csv",
        "observations.csv",
        "story_steps.csv",
    ]
    (tmp_path / "file").write_text("x")
    assert main(["export", source, "--to", "csv", "-o", str(tmp_path / "file")]) == 1


@pytest.mark.parametrize("fmt", ["yaml", "toml", "json"])
def test_cli_import_writes_back_keeping_the_file(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / f"case.{fmt}"
    original = golden_path(fmt).read_text(encoding="utf-8")
    if fmt == "yaml":
        original = "# my notes\n" + original
    case_file.write_text(original, encoding="utf-8")
    table = tmp_path / "obs.csv"
    table.write_text(
        "indicator;date;value\nresponse-time;2026-06-01;20\nchecklist-adoption;2026-04-01;22\n"
    )
    assert main(["import", str(case_file), str(table)]) == 0
    captured = capsys.readouterr()
    assert "added 1 observation" in captured.out
    new = case_file.read_text(encoding="utf-8")
    assert new.startswith(original.splitlines()[0])
    loaded = vc.load(case_file)
    assert loaded.observations[-1] == vc.Observation(
        indicator="response-time", date=dt.date(2026, 6, 1), value=20
    )
    assert len(loaded.observations) == len(GOLDEN.observations) + 1


def test_cli_import_bad_rows_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "case.yaml"
    case_file.write_bytes(golden_path("yaml").read_bytes())
    table = tmp_path / "obs.csv"
    table.write_text("indicator,date,value\nresponse-time,2026-06-01,20\nnope,2026-06-01,1\n")
    out = tmp_path / "out.yaml"
    assert main(["import", str(case_file), str(table), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err
    assert "nope" in err
    assert case_file.read_bytes() == golden_path("yaml").read_bytes()
    assert not out.exists()


def test_cli_import_to_another_file_and_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "obs.csv"
    table.write_text("indicator,date,value\nmood,2026-06-01,good\n")
    out = tmp_path / "out.json"
    assert main(["import", str(golden_path("yaml")), str(table), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 1
    assert report["skipped"] == []
    assert vc.load(out).observations[-1].value == "good"


def test_cli_import_only_duplicates_leaves_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_file = tmp_path / "case.yaml"
    case_file.write_bytes(golden_path("yaml").read_bytes())
    vc.export_tables(GOLDEN, tmp_path)
    assert main(["import", str(case_file), str(tmp_path / "observations.csv")]) == 0
    captured = capsys.readouterr()
    assert "nothing to add" in captured.out
    assert "row 2 is identical to $.observations[0]; skipped" in captured.err
    assert case_file.read_bytes() == golden_path("yaml").read_bytes()


def test_cli_import_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "none.yaml"), "x.csv"]) == 1
    assert main(["import", str(golden_path("yaml")), str(tmp_path / "none.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["import", str(golden_path("yaml")), str(tmp_path)]) == 1
    assert f"{tmp_path} is a folder, not a file [unreadable]" in capsys.readouterr().err


@pytest.mark.parametrize(
    "note",
    [
        '=HYPERLINK("http://x")',
        "+1",
        "-1 point",
        "@SUM(A1)",
        "\tlead",
        "\rlead",
        "'=x",
        "''=x",
        "'plain",
        "plain",
    ],
)
def test_a_text_a_spreadsheet_would_run_is_guarded_and_reads_back_exactly(
    tmp_path: Path, note: str
) -> None:
    ind = vc.Indicator(id="rt", name="Hours to answer")
    case = vc.Case(
        community=vc.Community(name="C"), cycles={"immediate": vc.CyclePlan(indicators=[ind])}
    ).with_observations(
        vc.Observation(indicator="rt", date=dt.date(2026, 1, 5), value=3, note=note)
    )
    vc.export_tables(case, tmp_path)
    [row] = read(tmp_path / "observations.csv")
    runs = note.lstrip("'").startswith(("=", "+", "-", "@", "\t", "\r"))
    assert row["note"] == ("'" + note if runs else note)
    empty = vc.Case(community=case.community, cycles=case.cycles)
    new, _ = vc.import_observations(empty, tmp_path / "observations.csv")
    assert new.observations[0].note == note


def test_a_bad_row_after_a_cell_with_a_line_break_has_its_row_number(tmp_path: Path) -> None:
    table = tmp_path / "obs.csv"
    table.write_text(
        "indicator,date,value,note\n"
        'response-time,2026-06-01,20,"two\nlines"\n'
        "response-time,2026-06-02,fast,\n",
        encoding="utf-8",
    )
    with pytest.raises(vc.ValidationError) as info:
        vc.import_observations(GOLDEN, table)
    assert [(p.line, p.path) for p in info.value.errors] == [(3, "$[3].value")]
    assert info.value.errors[0].message.startswith("row 3, column 'value'")
    table.write_text(table.read_text(encoding="utf-8").replace("fast", "21"), encoding="utf-8")
    _, report = vc.import_observations(GOLDEN, table)
    assert report.added == (2, 3)
