"""Inputs at the edges: Python data with tuples, near-miss dates and periods, odd paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import valuecycles as vc

HEAD = {"schema_version": 1, "framework": "wenger-trayner", "community": {"name": "A"}}


def test_python_data_with_tuples_reports_problems_not_a_traceback() -> None:
    data = {
        **HEAD,
        "cycles": {"immediate": {"indicators": ({"id": "x", "name": 3, "signals": ("nope",)},)}},
        "flows": ({"from": "x", "to": "gone"},),
    }
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(data)
    assert [(p.path, p.code) for p in info.value.errors] == [
        ("$.cycles.immediate.indicators[0].name", "wrong-type"),
        ("$.cycles.immediate.indicators[0].signals[0]", "unknown-reference"),
        ("$.flows[0].to", "unknown-reference"),
    ]


@pytest.mark.parametrize("text", ["2026-W05-1", "2026-001-01", "20260101", "2026-02-30"])
def test_only_calendar_dates(text: str) -> None:
    data = {
        **HEAD,
        "cycles": {"immediate": {"indicators": [{"id": "x", "name": "X"}]}},
        "observations": [{"indicator": "x", "date": text, "value": 1}],
    }
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(data)
    assert [(p.path, p.code) for p in info.value.errors] == [
        ("$.observations[0].date", "invalid-date")
    ]


@pytest.mark.parametrize("period", ["2026\n", "2026-Q5", "2026-00", "26", "2026-1"])
def test_periods_are_exact(period: str) -> None:
    with pytest.raises(ValueError, match="period"):
        vc.Observation(indicator="x", date=dt.date(2026, 1, 1), value=1, period=period)


def test_a_missing_file_and_a_folder_have_their_own_codes(tmp_path: Path) -> None:
    with pytest.raises(vc.ValidationError) as missing:
        vc.load(tmp_path / "nowhere.yaml")
    assert [p.code for p in missing.value.errors] == ["file-not-found"]
    folder = tmp_path / "case.yaml"
    folder.mkdir()
    with pytest.raises(vc.ValidationError) as caught:
        vc.load(folder)
    assert [(p.code, p.message) for p in caught.value.errors] == [
        ("unreadable", f"{folder} is a folder, not a file")
    ]
