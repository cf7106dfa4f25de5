"""The value-creation graph of a case (networkx), its queries and its exports."""

from valuecycles.errors import UnknownElementError
from valuecycles.graph._build import RELATIONS, node_id
from valuecycles.graph._gaps import CADENCES, cadence_months, next_due
from valuecycles.graph._graph import ValueGraph, build_graph
from valuecycles.graph._results import (
    GAP_KINDS,
    Chain,
    ChainLink,
    Chains,
    Coverage,
    CoverageCell,
    Gap,
    Gaps,
    StoryList,
    StoryReach,
    Upstream,
    UpstreamIndicator,
)
from valuecycles.graph._shapes import JSON_SHAPES, query_schema

__all__ = [
    "CADENCES",
    "GAP_KINDS",
    "JSON_SHAPES",
    "RELATIONS",
    "Chain",
    "ChainLink",
    "Chains",
    "Coverage",
    "CoverageCell",
    "Gap",
    "Gaps",
    "StoryList",
    "StoryReach",
    "UnknownElementError",
    "Upstream",
    "UpstreamIndicator",
    "ValueGraph",
    "build_graph",
    "cadence_months",
    "next_due",
    "node_id",
    "query_schema",
]
