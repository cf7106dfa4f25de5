"""The case model: one community's plan and evidence."""

from valuecycles.model._case import (
    SCHEMA_VERSION,
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Derivation,
    Flow,
    Indicator,
    Measure,
    Observation,
    Provenance,
    Step,
    Story,
    Verification,
)

__all__ = [
    "SCHEMA_VERSION",
    "Aspiration",
    "Case",
    "Community",
    "Condition",
    "CyclePlan",
    "DataSource",
    "Derivation",
    "Flow",
    "Indicator",
    "Measure",
    "Observation",
    "Provenance",
    "Step",
    "Story",
    "Verification",
]
