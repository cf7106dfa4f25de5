"""The graph questions for ``valuecycles query``: gaps, coverage, chains."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from valuecycles.cli._common import (
    EXIT_USAGE,
    CommandError,
    Style,
    framework_from_args,
    table,
)
from valuecycles.cli._queries import Option, Query
from valuecycles.errors import UnknownKeyError
from valuecycles.graph import Chains, Coverage, Gaps, ValueGraph, build_graph
from valuecycles.model import Case

__all__ = ["GRAPH_QUERIES"]


def _whole(least: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, not {value}")
        return value

    return parse


def _graph(case: Case, args: argparse.Namespace) -> ValueGraph:
    return build_graph(case, framework_from_args(args), as_of=args.as_of)


# --- gaps -----------------------------------------------------------------------


def _gaps(case: Case, args: argparse.Namespace) -> Gaps:
    return _graph(case, args).gaps()


def _render_gaps(result: Gaps, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    when = result.as_of.isoformat()
    if not result.gaps:
        out.write(f"No gaps as of {when}.\n")
        return
    rows = [[g.kind, g.cycle or "-", g.id, g.message] for g in result]
    out.write(table(["kind", "cycle", "id", "what is missing"], rows, style))
    n = len(result)
    out.write(f"\n{n} gap{'s' if n != 1 else ''} as of {when}.\n")


# --- coverage -------------------------------------------------------------------


def _coverage(case: Case, args: argparse.Namespace) -> Coverage:
    return _graph(case, args).coverage()


def _render_coverage(result: Coverage, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    cycles: dict[str, dict[str, int]] = {}
    rounds: list[str] = []
    for cell in result:
        cycles.setdefault(cell.cycle, {})[cell.round] = cell.count
        if cell.round not in rounds:
            rounds.append(cell.round)
    widths = [max(len(r), 5) for r in rounds]
    name_width = max([5, *map(len, cycles)])
    lines = [
        style.bold("cycle".ljust(name_width))
        + "".join("  " + style.bold(r.rjust(w)) for r, w in zip(rounds, widths, strict=True))
    ]
    for cycle, counts in cycles.items():
        cells = []
        for r, w in zip(rounds, widths, strict=True):
            count = counts.get(r, 0)
            text = (str(count) if count else "-").rjust(w)
            cells.append("  " + (style.yellow(text) if not count else text))
        lines.append(cycle.ljust(name_width) + "".join(cells))
    out.write("\n".join(lines) + "\n")
    blank = len(result.blank())
    out.write(f"\n{blank} of {len(result)} cells blank (-).\n")


# --- chains ---------------------------------------------------------------------


def _chains(case: Case, args: argparse.Namespace) -> Chains:
    vg = _graph(case, args)
    chain = vg.framework.chain or vg.framework.cycles
    start = args.from_cycle or chain[0].key
    end = args.to_cycle or chain[-1].key
    try:
        return vg.chains(start, end, cutoff=args.cutoff, limit=args.limit)
    except UnknownKeyError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def _render_chains(result: Chains, args: argparse.Namespace) -> None:
    out = sys.stdout
    style = Style(out)
    if not result.chains:
        hint = ""
        if not (args.from_cycle and args.to_cycle):
            hint = " (the value chain's ends by default: --from and --to choose others)"
        out.write(f"No value chains from {result.from_cycle} to {result.to_cycle}{hint}.\n")
        return
    for n, chain in enumerate(result, 1):
        head = " -> ".join(chain.indicators)
        out.write(
            f"{n}. {style.bold(head)}\n"
            f"   weakest link: {chain.weakest} stor{'y' if chain.weakest == 1 else 'ies'}, "
            f"total support: {chain.support}\n"
        )
        for link in chain.links:
            how = "declared" if link.declared else "told by stories only"
            told = ", ".join(link.stories) if link.stories else "no story"
            out.write(
                f"   {link.from_} -> {link.to}: {how}; {told}"
                f" ({link.substantiated} substantiated)\n"
            )
    n = len(result)
    out.write(f"\n{n} chain{'s' if n != 1 else ''} from {result.from_cycle} to {result.to_cycle}")
    if result.truncated:
        out.write(style.yellow(f"; more exist (the walk stopped at --limit {args.limit})"))
    out.write(".\n")


GRAPH_QUERIES: dict[str, Query] = {
    "gaps": Query(
        help="the holes in the plan and its evidence (overdue data judged as of --as-of, "
        "today by default)",
        compute=_gaps,
        render=_render_gaps,
    ),
    "coverage": Query(
        help="how many items each round of each cycle has (blank parts of the guide)",
        compute=_coverage,
        render=_render_coverage,
    ),
    "chains": Query(
        help="value chains along flows between indicators (--from CYCLE --to CYCLE; by "
        "default from the first to the last cycle of the value chain)",
        compute=_chains,
        render=_render_chains,
        options=(
            Option(
                ("--from",),
                {
                    "dest": "from_cycle",
                    "metavar": "CYCLE",
                    "help": "chains: the starting cycle (default: the value chain's first)",
                },
            ),
            Option(
                ("--to",),
                {
                    "dest": "to_cycle",
                    "metavar": "CYCLE",
                    "help": "chains: the cycle to reach (default: the value chain's last)",
                },
            ),
            Option(
                ("--limit",),
                {
                    "type": _whole(0),
                    "default": 1000,
                    "metavar": "N",
                    "help": "chains: stop the walk after N chains (default 1000)",
                },
            ),
            Option(
                ("--cutoff",),
                {
                    "type": _whole(1),
                    "metavar": "LINKS",
                    "help": "chains: at most this many links in a chain",
                },
            ),
        ),
    ),
}
