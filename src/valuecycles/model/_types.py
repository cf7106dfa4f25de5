"""Annotated field types: the type a checker sees, plus the check the loader runs."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Annotated, Literal

from valuecycles._text import (
    Check,
    check_id,
    check_period,
    check_text,
    check_value,
    enum_check,
)

__all__ = [
    "AGGREGATIONS",
    "CONDITION_KINDS",
    "CONSENTS",
    "DIRECTIONS",
    "EVIDENCE_KINDS",
    "INDICATOR_KINDS",
    "VERIFICATION_STATUSES",
    "Aggregation",
    "Check",
    "ConditionKind",
    "Consent",
    "Direction",
    "EvidenceKind",
    "Extra",
    "Id",
    "IndicatorKind",
    "Period",
    "Scalar",
    "Text",
    "Value",
    "VerificationStatus",
]


Scalar = str | int | float | bool
Extra = dict[str, Scalar]

Id = Annotated[str, Check(check_id, {"type": "string", "minLength": 1, "pattern": r"^\S(.*\S)?$"})]
Text = Annotated[str, Check(check_text, {"type": "string", "minLength": 1, "pattern": r"\S"})]
Period = Annotated[
    str,
    Check(check_period, {"type": "string", "pattern": r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"}),
]
Value = Annotated[
    int | float | str,
    Check(check_value, {"type": ["number", "string"]}),
]

ConditionKind = Literal["enabler", "risk"]
CONDITION_KINDS: tuple[ConditionKind, ...] = ("enabler", "risk")
IndicatorKind = Literal["quantitative", "qualitative"]
INDICATOR_KINDS: tuple[IndicatorKind, ...] = ("quantitative", "qualitative")
Direction = Literal["increase", "decrease"]
DIRECTIONS: tuple[Direction, ...] = ("increase", "decrease")
Aggregation = Literal["latest", "sum", "mean", "count"]
AGGREGATIONS: tuple[Aggregation, ...] = ("latest", "sum", "mean", "count")
EvidenceKind = Literal["effect", "contribution"]
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = ("effect", "contribution")
Consent = Literal["public", "internal", "anonymous"]
CONSENTS: tuple[Consent, ...] = ("public", "internal", "anonymous")
VerificationStatus = Literal["unverified", "corroborated", "substantiated"]
VERIFICATION_STATUSES: tuple[VerificationStatus, ...] = (
    "unverified",
    "corroborated",
    "substantiated",
)

#: The checks for each Literal, keyed by its allowed values, for the loader.
ENUM_NAMES: dict[tuple[str, ...], str] = {
    CONDITION_KINDS: "condition kind",
    INDICATOR_KINDS: "indicator kind",
    DIRECTIONS: "direction",
    AGGREGATIONS: "aggregation",
    EVIDENCE_KINDS: "evidence kind",
    CONSENTS: "consent",
    VERIFICATION_STATUSES: "verification status",
}


def enum_for(values: tuple[str, ...]) -> Callable[[object], str]:
    return enum_check(ENUM_NAMES.get(values, "value"), values)


_ = _dt  # dates are plain datetime.date
