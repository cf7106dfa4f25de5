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
from valuecycles.model._validate import check_case, validate

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
    "check_case",
    "validate",
]
