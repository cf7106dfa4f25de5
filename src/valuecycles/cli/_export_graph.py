"""The graph formats for ``valuecycles export``: graphml, node-link, kumu, dot, mermaid."""

from __future__ import annotations

from valuecycles.cli._exporters import Exporter

GRAPH_EXPORTS: dict[str, Exporter] = {}
