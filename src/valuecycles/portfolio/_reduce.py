"""One case reduced to what a portfolio needs: per-period figures and counts.

A case is read, reduced and let go, so a portfolio of thousands of cases
never holds more than one case (per process) at a time. The reduction runs
in this process or in worker processes (``jobs``); what it returns is plain
and small, and pickles.
"""

from __future__ import annotations

import datetime as _dt
import gc
import itertools
import operator
import os
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from valuecycles._text import format_for, parse_text, read_text
from valuecycles.errors import Problem, UnknownFrameworkError, ValidationError, unknown_message
from valuecycles.evidence import progress, story_summaries
from valuecycles.framework import Framework, load_framework
from valuecycles.io import load
from valuecycles.model import Case, CyclePlan
from valuecycles.portfolio._file import PortfolioIndicator, Selector

__all__ = [
    "Point",
    "Reduced",
    "Settings",
    "configure",
    "framework_of",
    "load_case",
    "reduce_case",
    "reduce_loaded",
]

Number = int | float
#: One period of one community's figure: (period, first day, last day, value, met,
#: additive). ``met`` is set for a ``count`` (whether the value meets its
#: ``when``; None: it cannot be judged), else None; ``additive`` says the value
#: is an amount per period (its case indicators aggregate by sum or count), so
#: periods put together add up, where a level (latest, mean) keeps its last.
Point = tuple[str, _dt.date, _dt.date, Number, bool | None, bool]

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
    #: How many stories it told.
    stories: int = 0
    #: Its stories counted by reach (None: no value-chain cycle), by verification
    #: and by cycle, in the case framework's keys.
    by_reach: dict[str | None, int] = attrs.field(factory=dict)
    by_verification: dict[str, int] = attrs.field(factory=dict)
    by_cycle: dict[str, int] = attrs.field(factory=dict)
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
_FRAMEWORKS: dict[str, Framework] = {}


def configure(settings: Settings) -> None:
    """Set what :func:`reduce_case` works with (in this process; a worker's initializer)."""
    global _SETTINGS
    _SETTINGS = settings
    _FRAMEWORKS.clear()
    _FRAMEWORKS.update((fw.name, fw) for fw in settings.frameworks)


def load_case(
    path: str | os.PathLike[str], frameworks: Mapping[str, Framework] | None = None
) -> Case:
    """Load a case; one naming a framework that is not installed is read against ``frameworks``.

    ``frameworks`` maps a framework's name to the framework (read from a
    framework file, never registered; by default, those of the roll-up
    running in this process). Raises
    :class:`valuecycles.ValidationError` like :func:`valuecycles.load`.

    >>> import valuecycles as vc
    >>> from valuecycles.portfolio import load_case
    >>> fw = vc.load_framework("examples/frameworks/orienting-2020.toml")
    >>> case = load_case("examples/orienting-case.yaml", {fw.name: fw})
    >>> "orienting" in case.cycles
    True
    """
    if frameworks is None:
        frameworks = _FRAMEWORKS
    try:
        return load(path)
    except ValidationError as exc:
        if not frameworks or not any(p.code == "unknown-framework" for p in exc.errors):
            raise
        failed = exc
    try:
        data, _where = parse_text(read_text(path), format_for(path))
    except ValidationError:
        raise failed from None
    name = data.get("framework") if isinstance(data, dict) else None
    framework = frameworks.get(name) if isinstance(name, str) else None
    if framework is None:
        raise failed
    return load(path, framework=framework)


def reduce_case(task: tuple[str, str]) -> Reduced:
    """Read one case (``(id, path)``) and reduce it; a case that fails carries its errors.

    The cycle collector is paused meanwhile: a case is hundreds of thousands
    of objects and no garbage cycles, and it is freed as a whole when it goes.
    """
    if not gc.isenabled():
        return _reduce_case(task)
    gc.disable()
    try:
        return _reduce_case(task)
    finally:
        gc.enable()


def _reduce_case(task: tuple[str, str]) -> Reduced:
    assert _SETTINGS is not None, "configure() first"
    case_id, path = task
    try:
        case = load_case(path)
    except ValidationError as exc:
        errors = exc.errors or (Problem("$", "unreadable", str(exc)),)
        return Reduced(case_id, path, errors=tuple(errors))
    except (OSError, UnknownFrameworkError, RuntimeError) as exc:
        return Reduced(case_id, path, errors=(Problem("$", "unreadable", str(exc)),))
    return reduce_loaded(case_id, path, case, _SETTINGS)


def framework_of(case: Case) -> Framework | None:
    """The framework a case is read against: one given by name, else the installed one."""
    given = _FRAMEWORKS.get(case.framework)
    if given is not None:
        return given
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


class _Index:
    """The selectors of a portfolio's indicators, looked up by tag and by indicator id."""

    def __init__(self, indicators: Iterable[PortfolioIndicator]) -> None:
        self.roles: list[tuple[str, str, tuple[Selector, ...]]] = []
        #: The (indicator id, role) key of each role: one tuple shared by every case.
        self.keys: list[tuple[str, str]] = []
        self.by_tag: dict[str, list[tuple[int, Selector]]] = {}
        self.by_id: dict[str, list[tuple[int, Selector]]] = {}
        for pind in indicators:
            roles: list[tuple[str, tuple[Selector, ...]]] = (
                [("numerator", pind.numerator), ("denominator", pind.denominator)]
                if pind.combine == "ratio"
                else [("value", pind.sources)]
            )
            for role, selectors in roles:
                n = len(self.roles)
                self.roles.append((pind.id, role, selectors))
                self.keys.append((pind.id, role))
                for sel in selectors:
                    if sel.tag is not None:
                        self.by_tag.setdefault(sel.tag, []).append((n, sel))
                    elif sel.indicator is not None:
                        self.by_id.setdefault(sel.indicator, []).append((n, sel))


_INDEXES: dict[int, tuple[tuple[PortfolioIndicator, ...], _Index]] = {}


def _index(indicators: tuple[PortfolioIndicator, ...]) -> _Index:
    kept = _INDEXES.get(id(indicators))
    if kept is None or kept[0] is not indicators:
        _INDEXES.clear()
        kept = _INDEXES[id(indicators)] = (indicators, _Index(indicators))
    return kept[1]


def _matches(
    indicators: tuple[PortfolioIndicator, ...],
    case_id: str,
    case: Case,
) -> tuple[dict[tuple[str, str], list[str]], set[str], list[Problem], set[str]]:
    """Which case indicators each (portfolio indicator, role) takes."""
    index = _index(indicators)
    picked: list[dict[str, None]] = [{} for _ in index.roles]
    matched: set[str] = set()
    known: list[str] = []
    tags: set[str] = set()
    by_tag, by_id = index.by_tag, index.by_id
    for _c, ind in case.indicators():
        known.append(ind.id)
        hits: list[tuple[int, Selector]] = []
        tag = ind.extra.get("portfolio") if ind.extra else None
        if tag is not None:
            tags.add(str(tag))
            hits += by_tag.get(str(tag), ())
        hits += by_id.get(ind.id, ())
        for n, sel in hits:
            if sel.case is None or sel.case == case_id:
                picked[n][ind.id] = None
                matched.add(sel.path)
    problems: list[Problem] = []
    for _pid, _role, selectors in index.roles:
        for sel in selectors:
            if sel.case == case_id and sel.indicator is not None and sel.path not in matched:
                problems.append(
                    Problem(
                        f"{sel.path}.indicator",
                        "unknown-reference",
                        f"case {case_id!r} has no such indicator: "
                        + unknown_message("indicator", sel.indicator, known),
                    )
                )
    found = {key: list(picked[n]) for n, key in enumerate(index.keys)}
    return found, matched, problems, tags


def reduce_loaded(case_id: str, path: str, case: Case, settings: Settings) -> Reduced:
    """Reduce a case that loaded (see the module's docstring)."""
    fw = framework_of(case)
    resolve = fw.resolve if fw is not None else (lambda key: key)
    dated = as_of_case(case, settings.as_of)
    found, matched, problems, tags = _matches(settings.indicators, case_id, case)
    warnings: list[Problem] = []
    wanted = {ind for ids in found.values() for ind in ids}
    rows = _progress_rows(dated, wanted, fw) if wanted else {}
    by_pind = {p.id: p for p in settings.indicators}
    figures: dict[tuple[str, str], tuple[Point, ...]] = {}
    mapped: dict[str, tuple[str, ...]] = {}
    for key, ids in found.items():
        pid = key[0]
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
            figures[key] = _count_points(case_id, pind, rows[ids[0]], warnings)
        else:
            figures[key] = _summed_points(case_id, pind, [rows[i] for i in ids], warnings)
    by_reach: Counter[str | None] = Counter()
    by_verification: Counter[str] = Counter()
    by_cycle: Counter[str] = Counter()
    if dated.stories:
        for summary in story_summaries(dated, framework=fw):
            by_reach[summary.reach] += 1
            by_verification[summary.verification] += 1
            by_cycle.update(summary.cycles)
    coverage: dict[str, dict[str, int]] = {}
    if fw is not None:
        coverage = {c.key: dict.fromkeys(_ROUNDS, 0) for c in fw.cycles}
    for cycle_key, plan in case.cycles.items():
        counts = coverage.setdefault(resolve(cycle_key) or cycle_key, dict.fromkeys(_ROUNDS, 0))
        for round_key in _ROUNDS:
            counts[round_key] += len(getattr(plan, round_key))
    gaps = None
    if settings.gaps and fw is not None:
        from valuecycles.graph import build_graph  # networkx, only when gaps are asked for

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
        stories=len(dated.stories),
        by_reach=dict(by_reach),
        by_verification=dict(by_verification),
        by_cycle=dict(by_cycle),
        coverage=coverage,
        gaps=gaps,
        matched=frozenset(matched),
        tags=frozenset(tags),
    )


def _progress_rows(case: Case, wanted: set[str], fw: Framework | None) -> dict[str, Any]:
    """The progress rows of the wanted indicators, computed on those alone.

    The small case keeps the wanted indicators in their cycles, their
    observations, and the data sources whose cadence can set those
    observations' periods (those they name, those feeding the indicators).
    """
    keep = wanted.__contains__
    observations = tuple(
        itertools.compress(case.observations, map(keep, map(_INDICATOR, case.observations)))
    )
    named = {o.source for o in observations}
    sources = tuple(
        src
        for _c, src in case.data_sources()
        if src.id in named or not wanted.isdisjoint(src.indicators)
    )
    cycles: dict[str, CyclePlan] = {}
    for key, plan in case.cycles.items():
        picked = tuple(i for i in plan.indicators if i.id in wanted)
        if picked:
            cycles[key] = CyclePlan(indicators=picked, data=() if cycles else sources)
    small = Case(
        framework=case.framework,
        framework_version=case.framework_version,
        community=case.community,
        cycles=cycles,
        observations=observations,
    )
    return {row.indicator: row for row in progress(small, fw)}


_INDICATOR: Final = operator.attrgetter("indicator")


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
    additive = all(row.aggregation in ("sum", "count") for row in rows)
    per: dict[str, list[Any]] = {}
    for row in rows:
        for point in _numbers(case_id, pind.id, row, warnings, pind.path):
            entry = per.get(point.period)
            if entry is None:
                key = sys.intern(point.period)  # one string per period, whatever the case
                per[key] = [key, point.start, point.end, point.value, None]
            else:
                entry[3] = entry[3] + point.value
    points: list[Point] = [(e[0], e[1], e[2], e[3], None, additive) for e in per.values()]
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
        out.append((sys.intern(point.period), point.start, point.end, point.value, met, False))
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
