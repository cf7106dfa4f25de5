"""The evidence questions for ``valuecycles query``: progress, stories, matrix."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Final

from valuecycles.cli._common import EXIT_USAGE, CommandError, Style, framework_from_args, table
from valuecycles.cli._queries import Option, Query
from valuecycles.errors import UnknownKeyError
from valuecycles.evidence import (
    IndicatorProgress,
    Matrix,
    MatrixCell,
    Progress,
    StoryList,
    matrix,
    progress,
    story_summaries,
)
from valuecycles.model import VERIFICATION_STATUSES, Case

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
    "no-data": "no effect data yet",
    "breakdowns-only": "its latest period has breakdowns only (no overall value)",
    "not-a-number": "its latest value is a text",
    "no-baseline": "no baseline",
    "no-target": "no target",
    "target-equals-baseline": "its target equals its baseline",
    "target-against-direction": "its target lies against its direction",
}

#: The table's widest cells, so that a row fits 80 columns (2 + 77).
_WIDTHS: Final = {"indicator": 24, "latest": 10, "period": 10, "measure": 7}


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _progress(case: Case, args: argparse.Namespace) -> Progress:
    return progress(case, framework_from_args(args), as_of=args.as_of)


def _notes(row: IndicatorProgress) -> list[str]:
    """What the table cannot show of one indicator, in words."""
    notes = []
    status = _STATUS_TEXT[row.status]
    if row.progress is not None and row.progress > 1:
        status = "beyond its target"
    elif row.progress is not None and row.progress < 0:
        status = "worse than its baseline"
    if isinstance(row.latest, str):
        status += f": {_text(row.latest, 40)}"
    if status:
        notes.append(status)
    if row.next_milestone is not None:
        m = row.next_milestone
        text = "next milestone " + _num(m.value) + (f" by {m.date.isoformat()}" if m.date else "")
        if row.milestone_progress is not None:
            text += f" ({_percent(row.milestone_progress)} of the way)"
        notes.append(text)
    if row.contribution:
        groups = []
        for series in row.contribution:
            last = series.points[-1]
            name = ", ".join(f"{k}={v}" for k, v in series.group.items()) or "ungrouped"
            groups.append(f"{name} {_num(last.value)} ({last.period})")
        notes.append("contribution data: " + "; ".join(groups))
    return notes


def _render_progress(result: Progress, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    if not result.indicators:
        out.write("No indicators in this case.\n")
        return
    header = ["indicator", "latest", "period", "baseline -> target", "progress"]
    by_cycle: dict[str, list[list[str]]] = {}
    notes: list[tuple[str, list[str]]] = []
    w = _WIDTHS
    for row in result:
        point = row.latest_point
        base = "-" if row.baseline is None else _fit(_num(row.baseline.value), w["measure"])
        goal = "-" if row.target is None else _fit(_num(row.target.value), w["measure"])
        latest = (
            "-"
            if row.latest is None
            else "text"
            if isinstance(row.latest, str)
            else (_fit(_num(row.latest), w["latest"]))
        )
        by_cycle.setdefault(row.cycle, []).append(
            [
                _fit(row.indicator, w["indicator"]),
                latest,
                "-" if point is None else _fit(point.period, w["period"]),
                "-" if row.baseline is None and row.target is None else f"{base} -> {goal}",
                _percent(row.progress),
            ]
        )
        found = _notes(row)
        if found:
            notes.append((row.indicator, found))
    widths = [
        max(len(r[i]) for r in [header, *(x for rows in by_cycle.values() for x in rows)])
        for i in range(len(header))
    ]
    right = {1, 4}

    def line(cells: list[str], head: bool = False) -> str:
        parts = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            text = cell.rjust(width) if i in right else cell.ljust(width)
            parts.append(style.bold(text) if head else text)
        return ("  " + "  ".join(parts)).rstrip()

    lines = [line(header, head=True)]
    for cycle, rows in by_cycle.items():
        lines.append(style.bold(cycle))
        lines.extend(line(r) for r in rows)
    out.write("\n".join(lines) + "\n")
    if notes:
        out.write("\nNotes:\n")
        for indicator, found in notes:
            text = f"{indicator}: " + "; ".join(found) + "."
            out.write(textwrap.fill(text, 78, initial_indent="  ", subsequent_indent="    ") + "\n")
    measured = sum(1 for r in result if r.progress is not None)
    without = sum(1 for r in result if r.status == "no-data")
    when = "" if args.as_of is None else f" as of {args.as_of.isoformat()}"
    out.write(
        f"\n{len(result)} indicators{when}: {measured} with progress toward a target, "
        f"{without} without effect data.\n"
        "progress: 0% at the baseline, 100% at the target (not capped); the series\n"
        "uses effect data only, contribution data is compared in the notes.\n"
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
            as_of=args.as_of,
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
    return matrix(case, framework_from_args(args), as_of=args.as_of)


def _steps_in_words(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    return "steps " + ", ".join(map(str, numbers))


def _cell_in_words(cell: MatrixCell) -> str:
    parts = []
    if cell.aspirational:
        parts.append("hoped for")
    if cell.indicators:
        parts.append("cites " + ", ".join(dict.fromkeys(cell.indicators)))
    kinds = []
    if cell.effect:
        kinds.append(f"{cell.effect} effect")
    if cell.contribution:
        kinds.append(f"{cell.contribution} contribution")
    if kinds:
        n = cell.effect + cell.contribution
        kinds_text = " and ".join(kinds)
        parts.append(f"{kinds_text} observation{'s' if n != 1 else ''}")
    elif cell.observations:
        parts.append("observations dated later")
    if not parts:
        parts.append("no evidence cited")
    return "; ".join(parts)


def _render_matrix(result: Matrix, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    if not result.stories:
        out.write("No stories, so the matrix is empty.\n")
        return
    # On screen steps count from 1 ("step 1"); --json and exports count from 0.
    grid: dict[tuple[str, str], list[int]] = {}
    for cell in result:
        grid.setdefault((cell.story, cell.cycle), []).append(cell.step + 1)
    rows = [
        [
            story,
            *(
                _steps_in_words(grid[story, c]) if (story, c) in grid else "-"
                for c in result.cycles
            ),
        ]
        for story in result.stories
    ]
    out.write(table(["story", *result.cycles], rows, style))
    out.write("\nEach cell: the story's steps in that cycle (- no step). The steps in words:\n")
    current = None
    for cell in result:
        if cell.story != current:
            current = cell.story
            out.write(f"{style.bold(cell.story)}\n")
        text = f"step {cell.step + 1} ({cell.cycle}): {_cell_in_words(cell)}."
        out.write(textwrap.fill(text, 78, initial_indent="  ", subsequent_indent="    ") + "\n")
    hoped = sum(1 for c in result if c.aspirational)
    effect = sum(c.effect for c in result)
    contribution = sum(c.contribution for c in result)
    out.write(
        f"\n{len(result)} steps in {_count(len(result.stories), 'story', 'stories')}: "
        f"{hoped} hoped for, citing "
        f"{effect} effect and {contribution} contribution observations.\n"
        "Steps are numbered from 1 here; --json and exports count them from 0.\n"
    )
    uncited = sorted(ind for ind, cells in result.citations.items() if not cells)
    if uncited:
        out.write(style.yellow(f"Indicators no story cites: {', '.join(uncited)}.") + "\n")


EVIDENCE_QUERIES: dict[str, Query] = {
    "progress": Query(
        help="each indicator's latest value and progress to target (effect data), with "
        "its contribution data compared by group",
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
