"""A picture of the value-creation graph: cycles as columns, indicators, weighted flows.

matplotlib is an optional extra (``valuecycles[plots]``), imported only here.
The output is byte-stable: a fixed SVG hash salt, no dates, no versions.
"""

from __future__ import annotations

import os
import textwrap
from collections import defaultdict
from typing import IO, TYPE_CHECKING, Any, Final

from valuecycles._text import atomic_write

if TYPE_CHECKING:
    from valuecycles.graph._graph import ValueGraph

__all__ = ["FORMATS", "draw"]

#: The picture formats :func:`draw` writes.
FORMATS: Final = ("svg", "png")

_KIND_COLOURS: Final = {True: "#1f4e79", False: "#2e7d32"}
_DECLARED_ONLY: Final = "#9e9e9e"
#: Past this many flows, or indicators in one cycle, the picture is summarised: one box
#: per cycle and one arrow per pair of cycles (a reader could not follow more anyway),
#: so drawing stays linear in the graph's size.
MOST_FLOWS: Final = 150
MOST_ROWS: Final = 24


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "drawing the graph needs matplotlib, which is not installed; "
            "install it with: pip install 'valuecycles[plots]'"
        ) from None
    return matplotlib


def picture_format(target: object, format: str | None) -> str:
    """The format to draw in: the one named, the path's suffix, or SVG."""
    if format is None:
        if isinstance(target, (str, os.PathLike)):
            suffix = os.path.splitext(os.fspath(target))[1].lstrip(".").lower()
            format = suffix if suffix in FORMATS else "svg"
        else:
            format = "svg"
    format = format.lower()
    if format not in FORMATS:
        raise ValueError(f"cannot draw the graph as {format!r}; choose one of: svg, png")
    return format


def draw(vg: ValueGraph, target: str | os.PathLike[str] | IO[bytes], format: str | None) -> None:
    """Draw the graph's indicators and flows; see :meth:`ValueGraph.draw`."""
    fmt = picture_format(target, format)
    mpl = _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    fw = vg.framework
    columns = list(fw.cycle_keys)
    by_cycle: dict[str, list[str]] = defaultdict(list)
    for ind, cycle in vg._indicator_cycle.items():
        if cycle not in columns:
            columns.append(cycle)
        by_cycle[cycle].append(ind)
    names = {c.key: c.name for c in fw.cycles}
    rows = max((len(v) for v in by_cycle.values()), default=1) or 1
    if len(vg._flows) > MOST_FLOWS or rows > MOST_ROWS:
        _summary(vg, target, fmt, columns, by_cycle, names)
        return
    position: dict[str, tuple[float, float]] = {}
    for x, cycle in enumerate(columns):
        for y, ind in enumerate(sorted(by_cycle.get(cycle, ()))):
            position[ind] = (float(x), -float(y))

    width = max(6.0, 2.1 * len(columns) + 0.6)
    height = max(3.0, 1.0 * rows + 1.6)
    with mpl.rc_context(
        {"svg.hashsalt": "valuecycles", "svg.fonttype": "none", "font.family": "DejaVu Sans"}
    ):
        fig = Figure(figsize=(width, height), dpi=100)
        ax = fig.add_axes((0.01, 0.02, 0.98, 0.86))
        ax.set_xlim(-0.6, len(columns) - 0.4)
        ax.set_ylim(-rows + 0.4, 0.9)
        ax.axis("off")
        fig.text(
            0.5,
            0.96,
            f"Value creation: {vg.case.community.name}",
            ha="center",
            va="top",
            fontsize=13,
            parse_math=False,
        )
        for x, cycle in enumerate(columns):
            if x % 2 == 0:
                ax.axvspan(x - 0.5, x + 0.5, color="#f4f4f4", zorder=0)
            ax.text(
                x,
                0.7,
                names.get(cycle, cycle),
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                parse_math=False,
            )

        most = max((len(stories) for _, stories in vg._flows.values()), default=0) or 1
        for (a, b), (declared, stories) in sorted(vg._flows.items()):
            (xa, ya), (xb, yb) = position[a], position[b]
            count = len(stories)
            rad = 0.08
            if xa == xb:
                rad = 0.5
            elif xb < xa:
                rad = -0.35
            colour = _KIND_COLOURS[declared] if count else _DECLARED_ONLY
            arrow = FancyArrowPatch(
                (xa, ya),
                (xb, yb),
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>",
                mutation_scale=12,
                linewidth=0.8 + 3.2 * count / most,
                color=colour,
                shrinkA=34,
                shrinkB=34,
                zorder=1,
                alpha=0.85,
            )
            ax.add_patch(arrow)
            if count:
                # The middle of matplotlib's arc3 curve, found in display space.
                (da, ea), (db, eb) = ax.transData.transform([(xa, ya), (xb, yb)])
                middle = ((da + db) / 2 + rad * (eb - ea) / 2, (ea + eb) / 2 - rad * (db - da) / 2)
                lx, ly = ax.transData.inverted().transform(middle)
                ax.text(
                    lx,
                    ly,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=colour,
                    parse_math=False,
                    zorder=3,
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": colour, "lw": 0.6},
                )
        for ind, (px, py) in sorted(position.items()):
            label = str(vg.graph.nodes[f"indicator:{ind}"].get("label", ind))
            ax.text(
                px,
                py,
                textwrap.fill(label, 22, max_lines=3, placeholder="…"),
                ha="center",
                va="center",
                fontsize=8,
                parse_math=False,
                zorder=2,
                bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#555555", "lw": 0.8},
            )
        ax.legend(
            handles=[
                Line2D([], [], color=_KIND_COLOURS[True], lw=2, label="declared, told by stories"),
                Line2D([], [], color=_KIND_COLOURS[False], lw=2, label="told by stories only"),
                Line2D([], [], color=_DECLARED_ONLY, lw=1, label="declared, no story yet"),
            ],
            loc="lower right",
            fontsize=7,
            frameon=False,
        )
        _save(fig, fmt, target)


def _save(fig: Any, fmt: str, target: Any) -> None:
    """Write a figure, byte-stable (no creation date), to a path atomically or to a stream."""
    metadata: dict[str, Any] = (
        {"Date": None, "Creator": "valuecycles"} if fmt == "svg" else {"Software": "valuecycles"}
    )

    def save(handle: Any) -> None:
        fig.savefig(handle, format=fmt, metadata=metadata)

    if isinstance(target, str | os.PathLike):
        atomic_write(target, save)
    else:
        save(target)


def _summary(
    vg: ValueGraph,
    target: str | os.PathLike[str] | IO[bytes],
    fmt: str,
    columns: list[str],
    by_cycle: dict[str, list[str]],
    names: dict[str, str],
) -> None:
    """The graph summarised: a box per cycle, an arrow per pair of cycles with flows.

    Linear in the number of flows (each is counted once) and constant to draw.
    """
    mpl = _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch

    cycle_of = vg._indicator_cycle
    pairs: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (a, b), (_declared, told) in vg._flows.items():
        tally = pairs[(cycle_of[a], cycle_of[b])]
        tally[0] += 1
        tally[1] += len(told)
    shown = [c for c in columns if by_cycle.get(c)]
    x_of = {c: float(i) for i, c in enumerate(shown)}
    width = max(6.0, 2.1 * len(shown) + 0.6)
    with mpl.rc_context(
        {"svg.hashsalt": "valuecycles", "svg.fonttype": "none", "font.family": "DejaVu Sans"}
    ):
        fig = Figure(figsize=(width, 4.2), dpi=100)
        ax = fig.add_axes((0.01, 0.02, 0.98, 0.80))
        ax.set_xlim(-0.6, max(len(shown), 1) - 0.4)
        ax.set_ylim(-1.6, 1.2)
        ax.axis("off")
        fig.text(
            0.5,
            0.97,
            f"Value creation: {vg.case.community.name}",
            ha="center",
            va="top",
            fontsize=13,
            parse_math=False,
        )
        fig.text(
            0.5,
            0.89,
            f"Summarised: {len(cycle_of)} indicators and {len(vg._flows)} flows are more than "
            "one picture can show; one arrow per pair of cycles (flows, stories).",
            ha="center",
            va="top",
            fontsize=9,
            parse_math=False,
        )
        most = max((t[0] for t in pairs.values()), default=0) or 1
        for (ca, cb), (flows, stories) in sorted(pairs.items()):
            if ca not in x_of or cb not in x_of:
                continue
            xa, xb = x_of[ca], x_of[cb]
            rad = 0.6 if xa == xb else (0.25 if xb > xa else -0.35)
            colour = _KIND_COLOURS[False] if stories else _DECLARED_ONLY
            ax.add_patch(
                FancyArrowPatch(
                    (xa, 0.0),
                    (xb, 0.0),
                    connectionstyle=f"arc3,rad={rad}",
                    arrowstyle="-|>",
                    mutation_scale=14,
                    linewidth=1 + 4 * flows / most,
                    color=colour,
                    shrinkA=40,
                    shrinkB=40,
                    alpha=0.85,
                )
            )
            ax.text(
                (xa + xb) / 2,
                -rad * abs(xb - xa) / 2 - (0.45 if xa == xb else 0.3) * (1 if rad > 0 else -1),
                f"{flows} flows\n{stories} stories",
                ha="center",
                va="center",
                fontsize=8,
                color=colour,
                parse_math=False,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "lw": 0.6},
            )
        for cycle in shown:
            ax.text(
                x_of[cycle],
                0.0,
                f"{names.get(cycle, cycle)}\n{len(by_cycle[cycle])} indicators",
                ha="center",
                va="center",
                fontsize=9,
                parse_math=False,
                bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": "#555555", "lw": 0.8},
            )
        _save(fig, fmt, target)
