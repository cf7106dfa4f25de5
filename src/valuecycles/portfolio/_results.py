"""The typed results of a portfolio roll-up, each with ``to_dict()`` (the ``--json`` shape)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from valuecycles.errors import Problem

__all__ = [
    "CaseFigure",
    "CaseResult",
    "CycleGrid",
    "GridCell",
    "PortfolioCycle",
    "PortfolioGap",
    "RolledIndicator",
    "RolledPeriod",
    "Rollup",
    "StoryCounts",
    "format_figure",
]

Number = int | float
#: The key ``by_reach`` counts stories under when they reach no value-chain cycle.
NO_REACH: Final = "none"


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class RolledPeriod:
    """One period of a portfolio indicator: its ``value`` and how many communities give it.

    ``value`` is ``None`` when no community gives a figure for the period
    (never 0 for "not reported"); ``carried`` counts, for a ``latest``
    indicator, the communities whose figure comes from an earlier period.
    """

    period: str
    value: Number | None
    reporting: int
    carried: int = 0

    def to_dict(self) -> dict[str, Any]:
        """``{"period", "value", "reporting", "carried"}``."""
        return {
            "period": self.period,
            "value": self.value,
            "reporting": self.reporting,
            "carried": self.carried,
        }


@attrs.frozen
class RolledIndicator:
    """A portfolio indicator rolled up: per period, and its latest period's figure.

    ``of`` counts the communities whose case loaded and maps a case
    indicator to this one (with or without data); ``reporting`` those behind
    ``latest``, the figure of the latest period (``latest_period``).
    ``communities`` are the ids of the ``of`` cases.
    """

    id: str
    name: str
    unit: str | None
    combine: str
    latest: Number | None
    latest_period: str | None
    reporting: int
    of: int
    periods: tuple[RolledPeriod, ...] = attrs.field(converter=_tuple)
    communities: tuple[str, ...] = attrs.field(default=(), converter=_tuple)

    def to_dict(self) -> dict[str, Any]:
        """One item of ``indicators`` in ``portfolio rollup --json``."""
        return {
            "id": self.id,
            "name": self.name,
            "unit": self.unit,
            "combine": self.combine,
            "latest": self.latest,
            "reporting": self.reporting,
            "of": self.of,
            "periods": [p.to_dict() for p in self.periods],
            "latest_period": self.latest_period,
        }


@attrs.frozen
class StoryCounts:
    """Stories counted, never scored: by reach, by verification, by cycle.

    ``by_reach`` has every value-chain cycle in order (0 included) and
    ``"none"`` for stories that reach none; ``by_verification`` every
    status; ``by_cycle`` how many stories have a step in each cycle;
    ``communities`` how many communities told at least one.
    """

    total: int
    communities: int
    by_reach: dict[str, int]
    by_verification: dict[str, int]
    by_cycle: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """``{"by_reach", "by_verification", "by_cycle", "total", "communities"}``."""
        return {
            "by_reach": dict(self.by_reach),
            "by_verification": dict(self.by_verification),
            "by_cycle": dict(self.by_cycle),
            "total": self.total,
            "communities": self.communities,
        }


@attrs.frozen
class CaseFigure:
    """One figure a community gave for a portfolio indicator in a period.

    ``role`` is ``value``, or for a ratio ``numerator`` / ``denominator``;
    ``met`` is set for a ``count``: whether the value meets its condition
    (``None``: it cannot be judged).
    """

    indicator: str
    role: str
    period: str
    value: Number
    met: bool | None = None


@attrs.frozen
class CaseResult:
    """One case of the portfolio: loaded (``errors`` empty) or not, and what it gave.

    ``stories`` is how many stories it told (``None`` when it did not load);
    ``cycles`` the portfolio cycles its framework has; ``figures`` its
    per-period figures for the portfolio's indicators.
    """

    id: str
    file: str
    community: str | None
    framework: str | None
    errors: tuple[Problem, ...] = attrs.field(converter=_tuple)
    stories: int | None = None
    cycles: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    #: (indicator, role) -> (period, first day, last day, value, met), kept compact.
    _points: Mapping[tuple[str, str], tuple[Any, ...]] = attrs.field(
        factory=dict, alias="points", repr=False
    )

    @property
    def figures(self) -> tuple[CaseFigure, ...]:
        """Its figures, indicator by indicator (in the portfolio's order), in period order."""
        return tuple(
            CaseFigure(indicator, role, p[0], p[3], p[4])
            for (indicator, role), points in self._points.items()
            for p in points
        )

    @property
    def loaded(self) -> bool:
        """True when the case loaded (it has no errors)."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "community", "errors", "file", "framework", "stories"}``."""
        return {
            "id": self.id,
            "community": self.community,
            "errors": [p.to_dict() for p in self.errors],
            "file": self.file,
            "framework": self.framework,
            "stories": self.stories,
        }


@attrs.frozen
class PortfolioCycle:
    """A cycle as the portfolio shows it: one key for a cycle every framework names its own way.

    ``names`` holds every key and alias the cases' frameworks give it.
    """

    key: str
    name: str
    role: str
    names: tuple[str, ...] = attrs.field(converter=_tuple)

    def to_dict(self) -> dict[str, Any]:
        """``{"key", "name", "role", "names"}``."""
        return {"key": self.key, "name": self.name, "role": self.role, "names": list(self.names)}


@attrs.frozen
class GridCell:
    """One case x cycle cell: ``count`` (``None``: the cycle is not in its framework).

    For coverage, ``detail`` maps each round to its number of elements; for
    gaps, each kind of gap to how many there are.
    """

    case: str
    cycle: str
    count: int | None
    detail: dict[str, int] | None

    def to_dict(self, detail: str) -> dict[str, Any]:
        return {
            "case": self.case,
            "cycle": self.cycle,
            "count": self.count,
            detail: None if self.detail is None else dict(self.detail),
        }


@attrs.frozen
class PortfolioGap:
    """One gap of one case, its cycle in the portfolio's keys (``None`` for a story's)."""

    case: str
    kind: str
    id: str
    cycle: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """``{"case", "kind", "id", "cycle", "message"}``."""
        return {
            "case": self.case,
            "kind": self.kind,
            "id": self.id,
            "cycle": self.cycle,
            "message": self.message,
        }


@attrs.frozen
class CycleGrid:
    """A cycle x community grid: coverage (elements per round) or gaps (by kind).

    ``cells`` has one :class:`GridCell` per loaded case and portfolio cycle
    (cases in the portfolio's order, cycles in order); a cycle only some
    cases' frameworks have is ``None`` for the others, not dropped. For
    gaps, ``gaps`` lists each one and ``as_of`` is the date overdue data was
    judged against.
    """

    kind: str
    cycles: tuple[PortfolioCycle, ...] = attrs.field(converter=_tuple)
    cases: tuple[str, ...] = attrs.field(converter=_tuple)
    cells: tuple[GridCell, ...] = attrs.field(converter=_tuple)
    gaps: tuple[PortfolioGap, ...] = attrs.field(default=(), converter=_tuple)
    as_of: _dt.date | None = None

    def __iter__(self) -> Iterator[GridCell]:
        return iter(self.cells)

    def cell(self, case: str, cycle: str) -> GridCell:
        """The cell of one case and cycle; :class:`KeyError` for one not in the grid."""
        for c in self.cells:
            if c.case == case and c.cycle == cycle:
                return c
        raise KeyError((case, cycle))

    def to_dict(self) -> dict[str, Any]:
        """The shape of ``portfolio coverage --json`` / ``portfolio gaps --json``."""
        detail = "rounds" if self.kind == "coverage" else "kinds"
        out: dict[str, Any] = {
            "schema_version": 1,
            "cycles": [c.to_dict() for c in self.cycles],
            "cases": list(self.cases),
            "cells": [c.to_dict(detail) for c in self.cells],
        }
        if self.kind == "gaps":
            out["as_of"] = None if self.as_of is None else self.as_of.isoformat()
            out["gaps"] = [g.to_dict() for g in self.gaps]
        return out


@attrs.frozen
class Rollup:
    """A portfolio rolled up (see :func:`valuecycles.rollup`).

    ``indicators`` are the portfolio's indicators, ``stories`` the stories
    counted, ``cases`` every case listed (loaded or with its ``errors``),
    ``coverage`` and ``gaps`` the cycle x community grids (``gaps`` is
    ``None`` unless asked for). ``errors`` are problems of the portfolio
    file found while reading the cases (an indicator a case does not have),
    with their line; ``warnings`` things probably wrong (a tag no case
    uses). ``ok`` is false when a case failed or there are errors.
    """

    name: str
    as_of: _dt.date | None
    cycles: tuple[PortfolioCycle, ...] = attrs.field(converter=_tuple)
    indicators: tuple[RolledIndicator, ...] = attrs.field(converter=_tuple)
    stories: StoryCounts
    cases: tuple[CaseResult, ...] = attrs.field(converter=_tuple)
    coverage: CycleGrid
    gaps: CycleGrid | None = None
    errors: tuple[Problem, ...] = attrs.field(default=(), converter=_tuple)
    warnings: tuple[Problem, ...] = attrs.field(default=(), converter=_tuple)

    @property
    def ok(self) -> bool:
        """True when every case loaded and the portfolio file has no errors."""
        return not self.errors and all(c.loaded for c in self.cases)

    def indicator(self, indicator_id: str) -> RolledIndicator:
        """One rolled-up indicator by id; :class:`KeyError` otherwise."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def figures(self) -> Iterator[tuple[str, str, str, Number]]:
        """Every figure a community gave: ``(community, indicator, period, value)``.

        The long table ``portfolio export --to csv`` writes. A ratio's figures
        are ``ID.numerator`` and ``ID.denominator``; ``community`` is the
        community's name (with the case id in brackets when two share it).
        """
        names: dict[str, int] = {}
        for case in self.cases:
            if case.community is not None:
                names[case.community] = names.get(case.community, 0) + 1
        for case in self.cases:
            if case.community is None:
                continue
            label = case.community
            if names[label] > 1:
                label = f"{label} ({case.id})"
            for f in case.figures:
                name = f.indicator if f.role == "value" else f"{f.indicator}.{f.role}"
                yield label, name, f.period, f.value

    def to_dict(self) -> dict[str, Any]:
        """The shape of ``portfolio rollup --json``."""
        return {
            "schema_version": 1,
            "name": self.name,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "indicators": [i.to_dict() for i in self.indicators],
            "stories": self.stories.to_dict(),
            "cases": [c.to_dict() for c in self.cases],
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


def format_figure(value: Any, combine: str = "") -> str:
    """A rolled-up figure as people read it: a ratio as a percentage, "—" when missing.

    >>> format_figure(0.824, "ratio"), format_figure(1234), format_figure(2.50), format_figure(None)
    ('82.4%', '1,234', '2.5', '—')
    """
    if value is None:
        return "—"
    if combine == "ratio":
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"
