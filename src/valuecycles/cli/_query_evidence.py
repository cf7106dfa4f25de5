"""The evidence questions for ``valuecycles query``: progress, stories, matrix."""

from __future__ import annotations

from valuecycles.cli._queries import Query

EVIDENCE_QUERIES: dict[str, Query] = {}
