"""The case document as pydantic v2 models, for the dump-json-pydantic comparison row.

The models have the document's fields, types and defaults, so that
``model_dump_json(exclude_defaults=True)`` writes what ``valuecycles.dumps``
writes. Only the benchmark uses them.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Scalar = str | int | float | bool


class Community(_Model):
    name: str
    description: str | None = None
    extra: dict[str, Scalar] = {}


class Measure(_Model):
    value: int | float
    date: _dt.date | None = None


class Aspiration(_Model):
    id: str
    text: str
    extra: dict[str, Scalar] = {}


class Condition(_Model):
    id: str
    text: str
    kind: Literal["enabler", "risk"] = "enabler"
    supports: tuple[str, ...] = ()
    mitigation: str | None = None
    extra: dict[str, Scalar] = {}


class Indicator(_Model):
    id: str
    name: str
    kind: Literal["quantitative", "qualitative"] = "quantitative"
    unit: str | None = None
    direction: Literal["increase", "decrease"] | None = None
    aggregation: Literal["latest", "sum", "mean", "count"] = "latest"
    baseline: Measure | None = None
    target: Measure | None = None
    milestones: tuple[Measure, ...] = ()
    signals: tuple[str, ...] = ()
    description: str | None = None
    extra: dict[str, Scalar] = {}


class DataSource(_Model):
    id: str
    name: str
    method: str | None = None
    cadence: str | None = None
    owner: str | None = None
    indicators: tuple[str, ...] = ()
    extra: dict[str, Scalar] = {}


class CyclePlan(_Model):
    aspirations: tuple[Aspiration, ...] = ()
    conditions: tuple[Condition, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    data: tuple[DataSource, ...] = ()


class Flow(_Model):
    from_: str = Field(alias="from")
    to: str
    rationale: str | None = None
    extra: dict[str, Scalar] = {}


class Observation(_Model):
    id: str | None = None
    indicator: str
    date: _dt.date
    value: int | float | str
    period: str | None = None
    source: str | None = None
    evidence: Literal["effect", "contribution"] = "effect"
    dimensions: dict[str, str] = {}
    note: str | None = None
    extra: dict[str, Scalar] = {}


class Verification(_Model):
    status: Literal["unverified", "corroborated", "substantiated"] = "unverified"
    by: str | None = None
    date: _dt.date | None = None
    note: str | None = None


class Step(_Model):
    cycle: str
    text: str
    indicators: tuple[str, ...] = ()
    observations: tuple[str, ...] = ()
    aspirational: bool = False
    extra: dict[str, Scalar] = {}


class Story(_Model):
    id: str
    title: str
    narrator: str | None = None
    consent: Literal["public", "internal", "anonymous"] = "internal"
    date: _dt.date | None = None
    tags: tuple[str, ...] = ()
    verification: Verification | None = None
    steps: tuple[Step, ...]
    extra: dict[str, Scalar] = {}


class CaseModel(_Model):
    schema_version: int
    framework: str
    framework_version: str | None = None
    community: Community
    cycles: dict[str, CyclePlan] = {}
    flows: tuple[Flow, ...] = ()
    observations: tuple[Observation, ...] = ()
    stories: tuple[Story, ...] = ()
    extra: dict[str, Scalar] = {}
