"""One case reduced to what a portfolio needs: per-period figures and counts.

A case is read, reduced and let go, so a portfolio of thousands of cases
never holds more than one case (per process) at a time. The reduction runs
in this process or in worker processes (``jobs``); what it returns is plain
and small, and pickles.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from valuecycles.errors import Problem, UnknownFrameworkError, ValidationError, unknown_message
from valuecycles.evidence import progress, story_summaries
from valuecycles.framework import Framework, load_framework, register_framework
from valuecycles.graph import build_graph
from valuecycles.io import load
from valuecycles.model import Case, CyclePlan
from valuecycles.portfolio._file import PortfolioIndicator, Selector

__all__ = ["Point", "Reduced", "Settings", "configure", "reduce_case", "reduce_loaded"]

Number = int | float
#: One period of one community's figure: (period, first day, last day, value, met).
#: ``met`` is set for a ``count`` (whether the value meets its ``when``; None:
#: it cannot be judged), else None.
Point = tuple[str, _dt.date, _dt.date, Number, bool | None]

_ROUNDS: Final = ("aspirations", "conditions", "indicators", "data")


@attrs.frozen
class Settings:
    """What every reduction needs: the portfolio's indicators, the date, the frameworks."""

    indicators: tuple[PortfolioIndicator, ...]
    as_of: _dt.date | None
    gaps: bool
    gaps_as_of: _dt.date
    frameworks: tuple[Framework, ...] = ()


@attrs.frozen
class Reduced:
    """What one case comes down to (or why it could not be read)."""

    id: str
    file: str
    community: str | None = None
    framework: str | None = None
    errors: tuple[Problem, ...] = ()
    #: Problems of the portfolio file found in this case (an unknown indicator).
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    #: Portfolio indicator id -> the case indicators it maps (empty: none).
    mapped: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: (portfolio indicator id, role) -> points; role: value, numerator, denominator.
    figures: dict[tuple[str, str], tuple[Point, ...]] = attrs.field(factory=dict)
    #: Each story as (reach, verification, cycles), in the case framework's keys.
    stories: tuple[tuple[str | None, str, tuple[str, ...]], ...] = ()
    #: Every cycle of the case's framework -> round -> how many elements.
    coverage: dict[str, dict[str, int]] = attrs.field(factory=dict)
    #: Each gap as (kind, id, cycle, message), when gaps were asked for.
    gaps: tuple[tuple[str, str, str | None, str], ...] | None = None
    #: Paths of the selectors that matched an indicator of this case.
    matched: frozenset[str] = frozenset()
    #: The ``extra.portfolio`` tags of the case's indicators.
    tags: frozenset[str] = frozenset()

    @property
    def loaded(self) -> bool:
        return not self.errors


_SETTINGS: Settings | None = None


def configure(settings: Settings) -> None:
    """Set what :func:`reduce_case` works with (in this process; a worker's initializer)."""
    global _SETTINGS
    for framework in settings.frameworks:
        register_framework(framework, replace=True)
    _SETTINGS = settings


def reduce_case(task: tuple[str, str]) -> Reduced:
    """Read one case (``(id, path)``) and reduce it; a case that fails carries its errors."""
    assert _SETTINGS is not None, "configure() first"
    case_id, path = task
    try:
        case = load(path)
    except ValidationError as exc:
        errors = exc.errors or (Problem("$", "invalid", str(exc)),)
        if any(p.code == "unknown-framework" for p in errors):
            errors = (
                *errors,
                Problem(
                    "$.framework",
                    "hint",
                    "list the framework's file under 'frameworks:' in the portfolio file "
                    "(or give it with --framework FILE)",
                ),
            )
        return Reduced(case_id, path, errors=tuple(errors))
    except (OSError, UnknownFrameworkError, RuntimeError) as exc:
        return Reduced(case_id, path, errors=(Problem("$", "unreadable", str(exc)),))
    return reduce_loaded(case_id, path, case, _SETTINGS)


def _framework(case: Case) -> Framework | None:
    try:
        return load_framework(case.framework, version=case.framework_version)
    except (UnknownFrameworkError, LookupError):
        try:
            return load_framework(case.framework)
        except (UnknownFrameworkError, LookupError):
            return None


def as_of_case(case: Case, as_of: _dt.date | None) -> Case:
    """The case as it stood on ``as_of``: observations and stories dated after it left out.

    The one place the portfolio applies ``as_of`` itself; evidence functions
    that take ``as_of`` get it passed as well.
    """
    if as_of is None:
        return case
    observations = tuple(o for o in case.observations if o.date <= as_of)
    stories = tuple(s for s in case.stories if s.date is None or s.date <= as_of)
    if len(observations) == len(case.observations) and len(stories) == len(case.stories):
        return case
    return attrs.evolve(case, observations=observations, stories=stories)


def _matches(
    indicators: Iterable[PortfolioIndicator],
    case_id: str,
    case: Case,
) -> tuple[dict[tuple[str, str], list[str]], set[str], list[Problem], set[str]]:
    """Which case indicators each (portfolio indicator, role) takes."""
    found: dict[tuple[str, str], list[str]] = {}
    matched: set[str] = set()
    problems: list[Problem] = []
    rows = [(ind.id, ind.extra) for _c, ind in case.indicators()]
    known = [ind_id for ind_id, _e in rows]
    tags = {str(e["portfolio"]) for _i, e in rows if "portfolio" in e}
    for pind in indicators:
        roles: list[tuple[str, tuple[Selector, ...]]] = (
            [("numerator", pind.numerator), ("denominator", pind.denominator)]
            if pind.combine == "ratio"
            else [("value", pind.sources)]
        )
        for role, selectors in roles:
            ids = found.setdefault((pind.id, role), [])
            for sel in selectors:
                hit = False
                for ind_id, extra in rows:
                    if sel.matches(case_id, ind_id, extra):
                        hit = True
                        if ind_id not in ids:
                            ids.append(ind_id)
                if hit:
                    matched.add(sel.path)
                elif sel.case == case_id and sel.indicator is not None:
                    problems.append(
                        Problem(
                            f"{sel.path}.indicator",
                            "unknown-reference",
                            f"case {case_id!r} has no such indicator: "
                            + unknown_message("indicator", sel.indicator, known),
                        )
                    )
    return found, matched, problems, tags


def reduce_loaded(case_id: str, path: str, case: Case, settings: Settings) -> Reduced:
    """Reduce a case that loaded (see the module's docstring)."""
    fw = _framework(case)
    resolve = fw.resolve if fw is not None else (lambda key: key)
    dated = as_of_case(case, settings.as_of)
    found, matched, problems, tags = _matches(settings.indicators, case_id, case)
    warnings: list[Problem] = []
    wanted = {ind for ids in found.values() for ind in ids}
    rows = _progress_rows(dated, wanted, fw) if wanted else {}
    by_pind = {p.id: p for p in settings.indicators}
    figures: dict[tuple[str, str], tuple[Point, ...]] = {}
    mapped: dict[str, tuple[str, ...]] = {}
    for (pid, role), ids in found.items():
        mapped[pid] = tuple(dict.fromkeys((*mapped.get(pid, ()), *ids)))
        if not ids:
            continue
        pind = by_pind[pid]
        if pind.combine == "count":
            if len(ids) > 1:
                problems.append(
                    Problem(
                        pind.path,
                        "ambiguous-mapping",
                        f"case {case_id!r} maps {len(ids)} indicators to the count {pid!r} "
                        f"({', '.join(ids)}); a count judges one indicator per community",
                    )
                )
                continue
            figures[pid, role] = _count_points(case_id, pind, rows[ids[0]], warnings)
        else:
            figures[pid, role] = _summed_points(case_id, pind, [rows[i] for i in ids], warnings)
    stories: tuple[tuple[str | None, str, tuple[str, ...]], ...] = ()
    if dated.stories:
        story_case = Case(
            framework=case.framework,
            framework_version=case.framework_version,
            community=case.community,
            stories=dated.stories,
        )
        stories = tuple(
            (s.reach, s.verification, s.cycles) for s in story_summaries(story_case, framework=fw)
        )
    coverage: dict[str, dict[str, int]] = {}
    if fw is not None:
        coverage = {c.key: dict.fromkeys(_ROUNDS, 0) for c in fw.cycles}
    for cycle_key, round_key, _i, _e in case.elements():
        key = resolve(cycle_key) or cycle_key
        coverage.setdefault(key, dict.fromkeys(_ROUNDS, 0))[round_key] += 1
    gaps = None
    if settings.gaps and fw is not None:
        graph = build_graph(dated, fw)
        gaps = tuple((g.kind, g.id, g.cycle, g.message) for g in graph.gaps(settings.gaps_as_of))
    return Reduced(
        id=case_id,
        file=path,
        community=case.community.name,
        framework=case.framework,
        problems=tuple(problems),
        warnings=tuple(warnings),
        mapped=mapped,
        figures=figures,
        stories=stories,
        coverage=coverage,
        gaps=gaps,
        matched=frozenset(matched),
        tags=frozenset(tags),
    )


def _progress_rows(case: Case, wanted: set[str], fw: Framework | None) -> dict[str, Any]:
    """The progress rows of the wanted indicators, computed on those alone."""
    cycles: dict[str, CyclePlan] = {}
    for key, plan in case.cycles.items():
        picked = tuple(i for i in plan.indicators if i.id in wanted)
        if picked or plan.data:
            cycles[key] = CyclePlan(indicators=picked, data=plan.data)
    observations = tuple(o for o in case.observations if o.indicator in wanted)
    small = Case(
        framework=case.framework,
        framework_version=case.framework_version,
        community=case.community,
        cycles=cycles,
        observations=observations,
    )
    return {row.indicator: row for row in progress(small, fw)}


def _numbers(case_id: str, pid: str, row: Any, warnings: list[Problem], path: str) -> list[Any]:
    points = []
    texts = 0
    for point in row.series:
        value = point.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str):
                texts += 1
            continue
        points.append(point)
    if texts:
        warnings.append(
            Problem(
                path,
                "not-a-number",
                f"case {case_id!r}: indicator {row.indicator!r} has text for {texts} "
                f"period(s), left out of {pid!r}",
                severity="warning",
            )
        )
    return points


def _summed_points(
    case_id: str, pind: PortfolioIndicator, rows: list[Any], warnings: list[Problem]
) -> tuple[Point, ...]:
    """A community's figure per period: the sum of its mapped indicators' values."""
    per: dict[str, list[Any]] = {}
    for row in rows:
        for point in _numbers(case_id, pind.id, row, warnings, pind.path):
            entry = per.get(point.period)
            if entry is None:
                per[point.period] = [point.period, point.start, point.end, point.value, None]
            else:
                entry[3] = entry[3] + point.value
    points: list[Point] = [(e[0], e[1], e[2], e[3], None) for e in per.values()]
    return tuple(sorted(points, key=_in_time))


def _in_time(point: Point) -> tuple[_dt.date, _dt.date, str]:
    return point[1], point[2], point[0]


def _count_points(
    case_id: str, pind: PortfolioIndicator, row: Any, warnings: list[Problem]
) -> tuple[Point, ...]:
    assert pind.when is not None
    baseline = None if row.baseline is None else row.baseline.value
    target = None if row.target is None else row.target.value
    out: list[Point] = []
    unjudged = 0
    for point in _numbers(case_id, pind.id, row, warnings, pind.path):
        met = pind.when.met(point.value, baseline=baseline, target=target, direction=row.direction)
        if met is None:
            unjudged += 1
        out.append((point.period, point.start, point.end, point.value, met))
    if unjudged:
        warnings.append(
            Problem(
                f"{pind.path}.when",
                "cannot-judge",
                f"case {case_id!r}: indicator {row.indicator!r} cannot be judged by "
                f"{pind.when.test} ({row.status}: it needs a baseline and a target on the "
                f"side its direction points to); it is not counted as reporting",
                severity="warning",
            )
        )
    return tuple(out)


def path_text(path: str | os.PathLike[str]) -> str:
    return os.fspath(Path(path))


def count_stories(
    stories: Iterable[tuple[str | None, str, tuple[str, ...]]], key: Mapping[str, str]
) -> tuple[Counter[str | None], Counter[str], Counter[str]]:
    """Stories by reach, by verification and by cycle, in portfolio cycle keys."""
    reach: Counter[str | None] = Counter()
    verification: Counter[str] = Counter()
    cycles: Counter[str] = Counter()
    for r, v, cs in stories:
        reach[None if r is None else key.get(r, r)] += 1
        verification[v] += 1
        for c in cs:
            cycles[key.get(c, c)] += 1
    return reach, verification, cycles
