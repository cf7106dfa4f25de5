"""The evidence questions for ``valuecycles query``: progress, stories, matrix."""

from __future__ import annotations

import argparse
import sys

from valuecycles.cli._common import EXIT_USAGE, CommandError, Style, framework_from_args, table
from valuecycles.cli._queries import Option, Query
from valuecycles.errors import UnknownKeyError
from valuecycles.evidence import (
    Matrix,
    Progress,
    StoryList,
    matrix,
    progress,
    story_summaries,
)
from valuecycles.model._case import Case
from valuecycles.model._types import VERIFICATION_STATUSES

__all__ = ["EVIDENCE_QUERIES"]


def _num(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _signed(value: int | float | None) -> str:
    if value is None:
        return "-"
    return ("+" if value > 0 else "") + _num(value)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _text(value: object, width: int = 30) -> str:
    text = _num(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- progress -------------------------------------------------------------------

_STATUS_TEXT = {
    "measured": "",
    "no-data": "no data yet",
    "not-a-number": "latest is a text",
    "no-baseline": "no baseline",
    "no-target": "no target",
    "target-equals-baseline": "target equals baseline",
    "target-against-direction": "target against direction",
}


def _progress(case: Case, args: argparse.Namespace) -> Progress:
    return progress(case, framework_from_args(args))


def _render_progress(result: Progress, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    if not result.indicators:
        out.write("No indicators in this case.\n")
        return
    header = ["indicator", "cycle", "unit", "baseline", "target", "latest", "period"]
    header += ["change", "progress", "next milestone", "note"]
    rows = []
    for row in result:
        point = row.latest_point
        milestone = "-"
        if row.next_milestone is not None:
            m = row.next_milestone
            milestone = _num(m.value) + (f" by {m.date.isoformat()}" if m.date else "")
            if row.milestone_progress is not None:
                milestone += f" ({_percent(row.milestone_progress)})"
        note = _STATUS_TEXT[row.status]
        if row.progress is not None and row.progress > 1:
            note = "beyond the target"
        elif row.progress is not None and row.progress < 0:
            note = "worse than the baseline"
        rows.append(
            [
                row.indicator,
                row.cycle,
                row.unit or "-",
                _num(None if row.baseline is None else row.baseline.value),
                _num(None if row.target is None else row.target.value),
                _text(row.latest, 24),
                "-" if point is None else point.period,
                _signed(row.change),
                _percent(row.progress),
                milestone,
                note,
            ]
        )
    out.write(table(header, rows, style, right={3, 4, 5, 7, 8}))
    measured = sum(1 for r in result if r.progress is not None)
    without = sum(1 for r in result if r.status == "no-data")
    out.write(
        f"\n{len(result)} indicators: {measured} with progress toward a target, "
        f"{without} without data.\n"
        "progress: 0% at the baseline, 100% at the target (not capped).\n"
    )


# --- stories --------------------------------------------------------------------


def _stories(case: Case, args: argparse.Namespace) -> StoryList:
    try:
        return story_summaries(
            case,
            reaching=args.reaching,
            verification=args.verification,
            citing=args.citing,
            framework=framework_from_args(args),
        )
    except UnknownKeyError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def _render_stories(result: StoryList, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    filters = []
    if args.reaching:
        filters.append(f"reaching {args.reaching}")
    if args.verification:
        filters.append(args.verification)
    if args.citing:
        filters.append(f"citing {args.citing}")
    which = f" ({', '.join(filters)})" if filters else ""
    if not result.stories:
        out.write(f"No stories{which}.\n")
        return
    rows = [
        [s.id, s.reach or "-", s.verification, " > ".join(s.cycles), _text(s.title, 40)]
        for s in result
    ]
    out.write(table(["story", "reach", "verification", "cycles", "title"], rows, style))
    n = len(result)
    out.write(f"\n{_count(n, 'story', 'stories')}{which}.\n")


# --- matrix ---------------------------------------------------------------------


def _matrix(case: Case, args: argparse.Namespace) -> Matrix:
    return matrix(case, framework_from_args(args))


def _render_matrix(result: Matrix, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    if not result.stories:
        out.write("No stories, so the matrix is empty.\n")
        return
    grid: dict[tuple[str, str], list[str]] = {}
    for cell in result:
        mark = str(cell.step + 1) + ("?" if cell.aspirational else "")
        if cell.effect or cell.contribution:
            mark += f"[{cell.effect}e{cell.contribution}c]"
        elif cell.indicators:
            mark += "*"
        grid.setdefault((cell.story, cell.cycle), []).append(mark)
    rows = [
        [story, *(",".join(grid.get((story, c), [])) or "." for c in result.cycles)]
        for story in result.stories
    ]
    out.write(table(["story", *result.cycles], rows, style))
    hoped = sum(1 for c in result if c.aspirational)
    effect = sum(c.effect for c in result)
    contribution = sum(c.contribution for c in result)
    out.write(
        "\nEach cell: the story's step numbers in that cycle; ? hoped for (aspirational), "
        "* cites indicators,\n[2e1c] cites 2 effect and 1 contribution observations; . no step.\n"
        f"{len(result)} steps in {_count(len(result.stories), 'story', 'stories')}: "
        f"{hoped} hoped for, citing "
        f"{effect} effect and {contribution} contribution observations.\n"
    )
    uncited = sorted(ind for ind, cells in result.citations.items() if not cells)
    if uncited:
        out.write(style.yellow(f"Indicators no story cites: {', '.join(uncited)}.") + "\n")


EVIDENCE_QUERIES: dict[str, Query] = {
    "progress": Query(
        help="each indicator's latest value, change since baseline and progress to target",
        compute=_progress,
        render=_render_progress,
    ),
    "stories": Query(
        help="the value-creation stories, their cycles and reach "
        "(--reaching CYCLE, --verification STATUS, --citing ID)",
        compute=_stories,
        render=_render_stories,
        options=(
            Option(
                ("--reaching",),
                {
                    "metavar": "CYCLE",
                    "help": "stories: only those reaching this cycle or further along the "
                    "value chain (for strategic or enabling: with a step there)",
                },
            ),
            Option(
                ("--verification",),
                {
                    "choices": VERIFICATION_STATUSES,
                    "metavar": "STATUS",
                    "help": "stories: only those with this verification status ("
                    + ", ".join(VERIFICATION_STATUSES)
                    + ")",
                },
            ),
            Option(
                ("--citing",),
                {
                    "metavar": "ID",
                    "help": "stories: only those with a step citing this indicator or observation",
                },
            ),
        ),
    ),
    "matrix": Query(
        help="the value-creation matrix: stories by cycles, one cell per step",
        compute=_matrix,
        render=_render_matrix,
    ),
}
