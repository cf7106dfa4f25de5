"""The case model: one community's plan and evidence."""

from valuecycles.model._case import (
    SCHEMA_VERSION,
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Flow,
    Indicator,
    Measure,
    Observation,
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
    "Flow",
    "Indicator",
    "Measure",
    "Observation",
    "Step",
    "Story",
    "Verification",
]
