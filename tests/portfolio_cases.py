"""Small cases and portfolio files written to a folder, for the portfolio tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

Number = int | float


def period_date(period: str) -> str:
    """A date inside a period key (its last month's 28th, or the day itself)."""
    if len(period) == 4:
        return f"{period}-12-28"
    if period[5] == "Q":
        return f"{period[:4]}-{3 * int(period[6]):02d}-28"
    return f"{period}-28" if len(period) == 7 else period


def case_document(
    name: str,
    indicators: Mapping[str, Mapping[str, Any]],
    observations: Iterable[tuple[str, str, Number]] = (),
    *,
    framework: str = "wenger-trayner",
    cycle: str = "immediate",
    stories: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A case with these indicators (id -> fields) and (indicator, period, value) rows."""
    inds = [
        {"id": ind_id, "name": f"Indicator {ind_id}", **fields}
        for ind_id, fields in indicators.items()
    ]
    doc: dict[str, Any] = {
        "schema_version": 1,
        "framework": framework,
        "community": {"name": name},
        "cycles": {cycle: {"indicators": inds}},
        "observations": [
            {"indicator": ind, "date": period_date(period), "period": period, "value": value}
            for ind, period, value in observations
        ],
    }
    if stories:
        doc["stories"] = list(stories)
    return doc


def write_case(folder: Path, case_id: str, doc: Mapping[str, Any]) -> Path:
    path = folder / f"{case_id}.json"
    path.write_bytes(orjson.dumps(doc))
    return path


def write_portfolio(
    folder: Path,
    indicators: Sequence[Mapping[str, Any]],
    cases: Sequence[str] = ("cases/*.json",),
    **more: Any,
) -> Path:
    path = folder / "portfolio.json"
    data = {
        "schema_version": 1,
        "name": "Test portfolio",
        "cases": list(cases),
        "indicators": list(indicators),
        **more,
    }
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return path


def tagged(tag: str, **fields: Any) -> dict[str, Any]:
    """An indicator's fields with ``extra.portfolio`` set to ``tag``."""
    return {**fields, "extra": {"portfolio": tag}}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
