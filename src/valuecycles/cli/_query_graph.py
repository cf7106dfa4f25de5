"""The graph questions for ``valuecycles query``: gaps, coverage, chains."""

from __future__ import annotations

from valuecycles.cli._queries import Query

GRAPH_QUERIES: dict[str, Query] = {}
