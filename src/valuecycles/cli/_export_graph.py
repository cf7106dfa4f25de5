"""The graph formats for ``valuecycles export``: graphml, node-link, kumu, dot, mermaid, svg,
png."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable

import orjson

from valuecycles._text import atomic_write
from valuecycles.cli._common import CommandError, framework_from_args, wrote
from valuecycles.cli._exporters import Exporter
from valuecycles.graph import ValueGraph, build_graph
from valuecycles.model import Case

__all__ = ["GRAPH_EXPORTS"]


def _json(data: object) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def _text_exporter(make: Callable[[ValueGraph], str]) -> Callable[..., None]:
    def write(case: Case, output: str | None, args: argparse.Namespace) -> None:
        text = make(build_graph(case, framework_from_args(args)))
        if output is None:
            sys.stdout.write(text)
        else:
            _write(output, text.encode("utf-8"))

    return write


def _write(output: str, data: bytes) -> None:
    try:
        atomic_write(output, data)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    wrote(output)


def _graphml(vg: ValueGraph) -> str:
    buffer = io.BytesIO()
    vg.write_graphml(buffer)
    return buffer.getvalue().decode("utf-8")


def _picture_exporter(fmt: str) -> Callable[..., None]:
    def write(case: Case, output: str | None, args: argparse.Namespace) -> None:
        vg = build_graph(case, framework_from_args(args))
        if output is None and fmt == "png" and sys.stdout.isatty():
            raise CommandError("a PNG is not for a terminal: give a file with -o FILE.png")
        buffer = io.BytesIO()
        try:
            vg.draw(buffer, fmt)
        except ImportError as exc:
            raise CommandError(str(exc)) from None
        data = buffer.getvalue()
        if output is not None:
            _write(output, data)
        elif fmt == "svg":
            sys.stdout.write(data.decode("utf-8"))
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()

    return write


GRAPH_EXPORTS: dict[str, Exporter] = {
    "graphml": Exporter(
        help="the value-creation graph as GraphML (for networkx, igraph, Gephi, yEd)",
        write=_text_exporter(_graphml),
    ),
    "node-link": Exporter(
        help="the graph as networkx node-link JSON",
        write=_text_exporter(lambda vg: _json(vg.to_node_link())),
    ),
    "kumu": Exporter(
        help="a Kumu JSON blueprint (elements and connections) to explore the map in Kumu",
        write=_text_exporter(lambda vg: _json(vg.to_kumu())),
    ),
    "dot": Exporter(
        help="Graphviz DOT text, a cluster per cycle",
        write=_text_exporter(lambda vg: vg.to_dot()),
    ),
    "mermaid": Exporter(
        help="a Mermaid flowchart, a subgraph per cycle, for Markdown docs",
        write=_text_exporter(lambda vg: vg.to_mermaid()),
    ),
    "svg": Exporter(
        help="a picture of the indicators and flows, cycles as columns (needs matplotlib)",
        write=_picture_exporter("svg"),
    ),
    "png": Exporter(
        help="the same picture as PNG (needs matplotlib; give -o FILE)",
        write=_picture_exporter("png"),
    ),
}
