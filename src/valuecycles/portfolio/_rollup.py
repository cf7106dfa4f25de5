"""Roll a portfolio up: read each case, reduce it, combine the figures."""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Final

from valuecycles._text import with_positions
from valuecycles.errors import Problem, ValidationError, closest
from valuecycles.framework import Framework, load_framework
from valuecycles.model import VERIFICATION_STATUSES
from valuecycles.portfolio._file import Portfolio, PortfolioIndicator
from valuecycles.portfolio._reduce import (
    Reduced,
    Settings,
    configure,
    reduce_case,
)
from valuecycles.portfolio._results import (
    NO_REACH,
    CaseResult,
    CycleGrid,
    GridCell,
    PortfolioCycle,
    PortfolioGap,
    RolledIndicator,
    RolledPeriod,
    Rollup,
    StoryCounts,
)
from valuecycles.portfolio._rules import combine

__all__ = ["rollup"]

#: The verification statuses, in order (as a story's ``verification.status``).
VERIFICATIONS: Final[tuple[str, ...]] = VERIFICATION_STATUSES
_GUIDE: Final = "wenger-trayner"


def rollup(
    portfolio: Portfolio,
    *,
    as_of: _dt.date | None = None,
    gaps: bool = False,
    jobs: int = 1,
    on_case: Callable[[CaseResult], None] | None = None,
) -> Rollup:
    """Read every case of a portfolio and roll its figures, stories and plans up.

    Each case is read, reduced to its per-period figures for the
    portfolio's indicators, its story counts and its coverage, and let go,
    so memory holds one case at a time (per process). ``jobs`` reads cases
    in that many processes. ``on_case`` is called with each
    :class:`CaseResult` as it is read (for a progress bar). ``as_of`` leaves
    out observations and stories dated after it; ``gaps=True`` also builds
    each case's graph for the gaps grid (judged against ``as_of``, today
    by default).

    How the indicators combine, per period (the periods the cases report
    in, the coarsest when they differ, or the indicator's ``per``; a
    community's finer periods put together add up when its indicator
    aggregates by sum or count, else keep their last value):

    - ``sum``: the sum of the figures reported for the period;
    - ``latest``: for cumulative figures, never summed over periods: each
      community's latest figure at or before the period, summed across
      communities (``carried`` says how many came from an earlier period);
    - ``ratio``: the sum of the numerators over the sum of the
      denominators, over the communities that report both; never a mean of
      percentages;
    - ``count``: how many communities' values meet ``when``, each judged
      against that case's own baseline and target.

    A community's figure is the sum of its case indicators the selectors
    pick (a ``count`` takes one). "Not reported" is never zero: every
    figure carries ``reporting`` (the communities behind it) and ``of``
    (those whose case loaded and maps an indicator to it). The top-level
    ``latest`` is the latest period's figure. A case that fails to load is
    listed with its errors and counted nowhere.

    Cases on different frameworks are put on one set of cycles: a cycle
    that is a key or alias of another framework's cycle is that cycle
    (under the key the guide's framework gives it, else the first
    framework's by name); a cycle only some frameworks have is kept, for
    the cases that have it.

    >>> import valuecycles as vc
    >>> result = vc.rollup(vc.load_portfolio("examples/portfolio/portfolio.yaml"))
    >>> share = result.indicator("reply-share")
    >>> share.latest_period, round(share.latest, 3), share.reporting, share.of
    ('2026-06', 0.824, 4, 4)
    >>> result.stories.by_verification
    {'unverified': 3, 'corroborated': 2, 'substantiated': 2}
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    frameworks = _read_frameworks(portfolio)
    settings = Settings(
        indicators=portfolio.indicators,
        as_of=as_of,
        gaps=gaps,
        gaps_as_of=as_of or _dt.date.today(),
        frameworks=tuple(frameworks),
    )
    configure(settings)
    tasks = [(c.id, os.fspath(c.path)) for c in portfolio.cases]
    tally = _Tally()
    reduced: list[Reduced] = []
    for item in _reduce_all(tasks, settings, jobs):
        reduced.append(tally.add(item))
        if on_case is not None:
            on_case(_case_result(item, {}, ()))
    return _assemble(portfolio, reduced, tally, settings)


#: One shared empty mapping for the folded parts of the records kept (never changed).
_EMPTY: dict[Any, Any] = {}


class _Tally:
    """What the cases add up to as they come: kept here, so each case's record stays small."""

    def __init__(self) -> None:
        self.matched: set[str] = set()
        self.tags: set[str] = set()
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.of: dict[str, list[str]] = {}
        self.reach: Counter[tuple[str, str | None]] = Counter()
        self.verification: Counter[str] = Counter()
        self.cycles: Counter[tuple[str, str]] = Counter()
        self.tellers = 0

    def add(self, r: Reduced) -> Reduced:
        """Fold a case in; return its record without what is now folded."""
        if not r.loaded:
            return r
        fw = r.framework or ""
        self.matched |= r.matched
        self.tags |= r.tags
        self.errors += r.problems
        self.warnings += r.warnings
        for pid, ids in r.mapped.items():
            if ids:
                self.of.setdefault(pid, []).append(r.id)
        for key, n in r.by_reach.items():
            self.reach[fw, key] += n
        self.verification.update(r.by_verification)
        for key, n in r.by_cycle.items():
            self.cycles[fw, key] += n
        self.tellers += r.stories > 0
        return Reduced(
            r.id,
            r.file,
            r.community,
            r.framework,
            figures=r.figures,
            stories=r.stories,
            coverage=r.coverage,
            gaps=r.gaps,
            mapped=_EMPTY,
            by_reach=_EMPTY,
            by_verification=_EMPTY,
            by_cycle=_EMPTY,
        )


def _read_frameworks(portfolio: Portfolio) -> list[Framework]:
    out = []
    problems: list[Problem] = []
    for i, path in enumerate(portfolio.frameworks):
        try:
            out.append(load_framework(path))
        except ValidationError as exc:
            first = "; ".join(str(p) for p in exc.errors[:3])
            problems.append(
                Problem(
                    f"$.frameworks[{i}]",
                    "invalid-framework",
                    f"the framework file {path} has errors: {first}",
                )
            )
    if problems:
        raise ValidationError(
            with_positions(problems, portfolio.where),
            source=None if portfolio.source is None else os.fspath(portfolio.source),
        )
    return out


def _reduce_all(
    tasks: Sequence[tuple[str, str]], settings: Settings, jobs: int
) -> Iterator[Reduced]:
    if jobs == 1 or len(tasks) < 2:
        for task in tasks:
            yield reduce_case(task)
        return
    context = multiprocessing.get_context(_start_method())
    if context.get_start_method() == "forkserver":
        # The server imports the library once; each worker forks from it ready.
        context.set_forkserver_preload(["valuecycles.portfolio._reduce"])
    workers = min(jobs, len(tasks))
    chunk = max(1, min(32, len(tasks) // (workers * 8)))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=configure, initargs=(settings,)
    ) as pool:
        yield from pool.map(reduce_case, tasks, chunksize=chunk)


def _start_method() -> str:
    """``fork`` where it is safe (a POSIX process with one thread), else ``forkserver``/``spawn``.

    A forked worker starts at once with the library loaded; forking a
    process that runs other threads can deadlock, so then workers start
    from a clean server process (or, without one, a fresh interpreter, which
    imports the calling script's main module again: guard it with
    ``if __name__ == "__main__":``).
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _merge_cycles(
    frameworks: Sequence[Framework],
) -> tuple[list[PortfolioCycle], dict[tuple[str, str], str]]:
    """One list of cycles for several frameworks, and each framework's key -> its key there."""
    merged: list[dict[str, Any]] = []
    mapping: dict[tuple[str, str], str] = {}
    for fw in frameworks:
        previous = -1
        for cycle in fw.cycles:
            names = {cycle.key, *cycle.aliases}
            spot = next((j for j, m in enumerate(merged) if m["names"] & names), None)
            if spot is None:
                spot = previous + 1
                merged.insert(
                    spot,
                    {"key": cycle.key, "name": cycle.name, "role": cycle.role, "names": set()},
                )
            merged[spot]["names"] |= names
            mapping[fw.name, cycle.key] = merged[spot]["key"]
            previous = spot
    cycles = [
        PortfolioCycle(m["key"], m["name"], m["role"], [m["key"], *sorted(m["names"] - {m["key"]})])
        for m in merged
    ]
    return cycles, mapping


def _frameworks_used(reduced: Iterable[Reduced], given: Sequence[Framework]) -> list[Framework]:
    names = sorted({r.framework for r in reduced if r.loaded and r.framework is not None})
    names.sort(key=lambda n: (n != _GUIDE, n))
    by_name = {fw.name: fw for fw in given}
    out = []
    for name in names:
        if name in by_name:
            out.append(by_name[name])
            continue
        try:
            out.append(load_framework(name))
        except LookupError:
            continue
    return out


def _case_result(
    r: Reduced,
    mapping: dict[tuple[str, str], str],
    indicators: Sequence[PortfolioIndicator],
) -> CaseResult:
    figures = r.figures  # in the portfolio's order of indicators, as reduced
    cycles = [mapping.get((r.framework or "", k), k) for k in r.coverage]
    return CaseResult(
        id=r.id,
        file=r.file,
        community=r.community,
        framework=r.framework,
        errors=r.errors,
        stories=r.stories if r.loaded else None,
        cycles=cycles,
        points=figures,
    )


def _assemble(
    portfolio: Portfolio, reduced: list[Reduced], tally: _Tally, settings: Settings
) -> Rollup:
    loaded = [r for r in reduced if r.loaded]
    cycles, mapping = _merge_cycles(_frameworks_used(loaded, settings.frameworks))
    order = {c.key: n for n, c in enumerate(cycles)}
    for r in loaded:  # cycles of a case whose framework could not be found
        for key in r.coverage:
            if (r.framework or "", key) not in mapping:
                mapping[r.framework or "", key] = key
                if key not in order:
                    order[key] = len(cycles)
                    cycles.append(PortfolioCycle(key, key, "chain", [key]))
    indicators = [_rolled(pind, loaded, tally.of.get(pind.id, [])) for pind in portfolio.indicators]
    warnings = [*tally.warnings, *_unmatched(portfolio, tally)]
    errors = with_positions(_unique(tally.errors), portfolio.where)
    warnings = with_positions(_unique(warnings), portfolio.where)
    stories = _stories(tally, cycles, mapping)
    coverage = _grid("coverage", loaded, cycles, mapping)
    gap_grid = _gap_grid(loaded, cycles, mapping, settings) if settings.gaps else None
    del loaded
    # Each case's record goes as its result is made, so the two are never all in memory.
    cases: list[CaseResult] = []
    reduced.reverse()
    while reduced:
        cases.append(_case_result(reduced.pop(), mapping, portfolio.indicators))
    return Rollup(
        name=portfolio.name,
        as_of=settings.as_of,
        cycles=cycles,
        indicators=indicators,
        stories=stories,
        cases=cases,
        coverage=coverage,
        gaps=gap_grid,
        errors=errors,
        warnings=warnings,
    )


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _rolled(pind: PortfolioIndicator, loaded: Sequence[Reduced], of: list[str]) -> RolledIndicator:
    if pind.combine == "ratio":
        rows = combine(
            "ratio",
            {r.id: r.figures.get((pind.id, "numerator"), ()) for r in loaded},
            denominator={r.id: r.figures.get((pind.id, "denominator"), ()) for r in loaded},
            per=pind.per,
        )
    else:
        rows = combine(
            pind.combine,
            {r.id: r.figures[pind.id, "value"] for r in loaded if (pind.id, "value") in r.figures},
            per=pind.per,
        )
    periods = [RolledPeriod(*row) for row in rows]
    last = periods[-1] if periods else None
    return RolledIndicator(
        id=pind.id,
        name=pind.name,
        unit=pind.unit,
        combine=pind.combine,
        latest=None if last is None else last.value,
        latest_period=None if last is None else last.period,
        reporting=0 if last is None else last.reporting,
        of=len(of),
        periods=periods,
        communities=of,
    )


def _unmatched(portfolio: Portfolio, tally: _Tally) -> list[Problem]:
    """Selectors that matched no indicator of any loaded case."""
    matched, tags = tally.matched, tally.tags
    out = []
    for pind in portfolio.indicators:
        for sel in pind.selectors():
            if sel.path in matched or sel.case is not None:
                continue  # a selector naming a case is checked against that case
            if sel.tag is not None:
                message = f"no case indicator has extra.portfolio: {sel.tag}"
                near = closest(sel.tag, tags)
                message += f" (did you mean {near!r}?)" if near else ""
                out.append(Problem(f"{sel.path}.tag", "unmatched", message, severity="warning"))
            else:
                out.append(
                    Problem(
                        f"{sel.path}.indicator",
                        "unmatched",
                        f"no case that loaded has the indicator {sel.indicator!r}",
                        severity="warning",
                    )
                )
    return out


def _stories(
    tally: _Tally,
    cycles: Sequence[PortfolioCycle],
    mapping: dict[tuple[str, str], str],
) -> StoryCounts:
    reach: Counter[str | None] = Counter()
    for (fw, key), n in tally.reach.items():
        reach[None if key is None else mapping.get((fw, key), key)] += n
    by_cycle: Counter[str] = Counter()
    for (fw, key), n in tally.cycles.items():
        by_cycle[mapping.get((fw, key), key)] += n
    verification = tally.verification
    by_reach = {c.key: reach.get(c.key, 0) for c in cycles if c.role == "chain"}
    for key, n in reach.items():  # a reach whose cycle is a chain cycle in its own framework only
        if key is not None and key not in by_reach:
            by_reach[key] = n
    by_reach[NO_REACH] = reach.get(None, 0)
    statuses = {s: verification.get(s, 0) for s in VERIFICATIONS}
    for s, n in sorted(verification.items()):
        statuses.setdefault(s, n)
    return StoryCounts(
        total=sum(verification.values()),
        communities=tally.tellers,
        by_reach=by_reach,
        by_verification=statuses,
        by_cycle={c.key: by_cycle.get(c.key, 0) for c in cycles},
    )


def _grid(
    kind: str,
    loaded: Sequence[Reduced],
    cycles: Sequence[PortfolioCycle],
    mapping: dict[tuple[str, str], str],
) -> CycleGrid:
    cells = []
    for r in loaded:
        fw = r.framework or ""
        own = {mapping[fw, k]: rounds for k, rounds in r.coverage.items()}
        for c in cycles:
            rounds = own.get(c.key)
            cells.append(
                GridCell(
                    r.id,
                    c.key,
                    None if rounds is None else sum(rounds.values()),
                    rounds,
                )
            )
    return CycleGrid(kind, cycles, [r.id for r in loaded], cells)


def _gap_grid(
    loaded: Sequence[Reduced],
    cycles: Sequence[PortfolioCycle],
    mapping: dict[tuple[str, str], str],
    settings: Settings,
) -> CycleGrid:
    cells = []
    items = []
    for r in loaded:
        fw = r.framework or ""
        has = {mapping[fw, k] for k in r.coverage}
        kinds: dict[str, Counter[str]] = {}
        for kind, gap_id, cycle, message in r.gaps or ():
            key = None if cycle is None else mapping.get((fw, cycle), cycle)
            items.append(PortfolioGap(r.id, kind, gap_id, key, message))
            if key is not None:
                kinds.setdefault(key, Counter())[kind] += 1
        for c in cycles:
            if c.key not in has:
                cells.append(GridCell(r.id, c.key, None, None))
            else:
                found = kinds.get(c.key, Counter())
                cells.append(
                    GridCell(r.id, c.key, sum(found.values()), dict(sorted(found.items())))
                )
    return CycleGrid(
        "gaps", cycles, [r.id for r in loaded], cells, items, as_of=settings.gaps_as_of
    )
