"""The JSON Schema of each ``query --json`` shape, beside the result classes that print them.

Each schema is strict: every key listed is required (a value that is
unknown is ``null``, never left out) and no other key is allowed, so a
program can rely on the shape and a test can check the command line against
it. ``valuecycles schema --for query-NAME`` prints them.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from valuecycles.errors import unknown_message
from valuecycles.evidence import STATUSES
from valuecycles.graph._results import GAP_KINDS
from valuecycles.model import (  # the one place the graph reads the model's enums
    AGGREGATIONS,
    DIRECTIONS,
    INDICATOR_KINDS,
    VERIFICATION_STATUSES,
)

__all__ = ["JSON_SHAPES", "query_schema"]

_DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"

_STR: Final = {"type": "string"}
_DATE: Final = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_COUNT: Final = {"type": "integer", "minimum": 0}
_NUMBER: Final = {"type": "number"}
_IDS: Final = {"type": "array", "items": _STR}
_VERSION: Final = {"const": 1, "description": "the version of this JSON shape"}


def _null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or ``null``."""
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """An object with exactly these keys, each required."""
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        out["description"] = description
    return out


def _payload(title: str, properties: dict[str, Any]) -> dict[str, Any]:
    schema = _object({"schema_version": _VERSION, **properties})
    return {"$schema": _DRAFT, "title": title, **schema}


_POINT: Final = _object(
    {
        "period": {
            **_STR,
            "description": "YYYY, YYYY-Qn, YYYY-MM, an ISO week YYYY-Www or a day YYYY-MM-DD",
        },
        "start": _DATE,
        "end": _DATE,
        "value": {"type": ["number", "string", "null"]},
        "date": _DATE,
        "observations": _COUNT,
        "effect": _COUNT,
        "contribution": _COUNT,
        "breakdowns_only": {"type": "boolean"},
    },
    "one period of a series",
)
_POINTS: Final = {"type": "array", "items": _POINT}

_PROGRESS_ROW: Final = _object(
    {
        "indicator": _STR,
        "cycle": _STR,
        "unit": _null(_STR),
        "baseline": _null(_NUMBER),
        "target": _null(_NUMBER),
        "latest": {"type": ["number", "string", "null"]},
        "change": _null(_NUMBER),
        "progress": _null(_NUMBER),
        "name": _STR,
        "kind": {"enum": list(INDICATOR_KINDS)},
        "direction": {"enum": list(DIRECTIONS)},
        "aggregation": {"enum": list(AGGREGATIONS)},
        "status": {"enum": list(STATUSES)},
        "latest_period": _null(_STR),
        "latest_date": _null(_DATE),
        "observations": _COUNT,
        "next_milestone": _null(_object({"value": _NUMBER, "date": _null(_DATE)})),
        "milestone_progress": _null(_NUMBER),
        "series": _POINTS,
        "dimensions": {
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": _POINTS},
        },
        "contribution": {
            "type": "array",
            "items": _object(
                {
                    "group": {"type": "object", "additionalProperties": _STR},
                    "points": _POINTS,
                }
            ),
        },
    }
)

_LINK: Final = _object(
    {
        "from": _STR,
        "to": _STR,
        "declared": {"type": "boolean"},
        "stories": _IDS,
        "substantiated": _COUNT,
    }
)

_EVIDENCE: Final = _object({"effect": _COUNT, "contribution": _COUNT})

_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "gaps": _payload(
        "valuecycles query gaps --json",
        {
            "as_of": _DATE,
            "gaps": {
                "type": "array",
                "items": _object(
                    {
                        "kind": {"enum": list(GAP_KINDS)},
                        "id": _STR,
                        "cycle": _null(_STR),
                        "message": _STR,
                        "due": _null(_DATE),
                    }
                ),
            },
        },
    ),
    "coverage": _payload(
        "valuecycles query coverage --json",
        {
            "coverage": {
                "type": "array",
                "items": _object({"cycle": _STR, "round": _STR, "count": _COUNT}),
            }
        },
    ),
    "chains": _payload(
        "valuecycles query chains --json",
        {
            "from": _STR,
            "to": _STR,
            "chains": {
                "type": "array",
                "items": _object(
                    {
                        "indicators": {**_IDS, "minItems": 2},
                        "links": {"type": "array", "items": _LINK, "minItems": 1},
                        "weakest": _COUNT,
                        "support": _COUNT,
                    }
                ),
            },
            "truncated": {"type": "boolean"},
        },
    ),
    "stories": _payload(
        "valuecycles query stories --json",
        {
            "stories": {
                "type": "array",
                "items": _object(
                    {
                        "id": _STR,
                        "title": _STR,
                        "cycles": _IDS,
                        "reach": _null(_STR),
                        "verification": {"enum": list(VERIFICATION_STATUSES)},
                    }
                ),
            }
        },
    ),
    "matrix": _payload(
        "valuecycles query matrix --json",
        {
            "cycles": _IDS,
            "stories": _IDS,
            "cells": {
                "type": "array",
                "items": _object(
                    {
                        "story": _STR,
                        "cycle": _STR,
                        "step": {**_COUNT, "description": "the step's index, from 0"},
                        "text": _STR,
                        "aspirational": {"type": "boolean"},
                        "indicators": _IDS,
                        "observations": _IDS,
                        "effect": _COUNT,
                        "contribution": _COUNT,
                    }
                ),
            },
            "citations": {
                "type": "object",
                "additionalProperties": {
                    "type": "array",
                    "items": _object({"story": _STR, "step": _COUNT}),
                },
            },
        },
    ),
    "progress": _payload(
        "valuecycles query progress --json",
        {"indicators": {"type": "array", "items": _PROGRESS_ROW}},
    ),
    "upstream": _payload(
        "ValueGraph.upstream(...).to_dict()",
        {
            "indicator": _STR,
            "cycle": _null(_STR),
            "stories": _IDS,
            "observations": _EVIDENCE,
            "upstream": {
                "type": "array",
                "items": _object(
                    {
                        "indicator": _STR,
                        "cycle": _null(_STR),
                        "distance": _COUNT,
                        "stories": _IDS,
                        "observations": _EVIDENCE,
                    }
                ),
            },
            "links": {"type": "array", "items": _LINK},
        },
    ),
}

#: The shapes that have a schema: the ``query`` questions, then ``upstream``.
JSON_SHAPES: Final = tuple(_SCHEMAS)


def query_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one ``--json`` shape, a fresh copy.

    ``name`` is one of :data:`JSON_SHAPES`: a ``query`` question (``gaps``,
    ``coverage``, ``chains``, ``stories``, ``matrix``, ``progress``) or
    ``upstream``. Every key is required and no other is allowed. Raises
    :class:`ValueError` (naming the known shapes) for any other name.

    >>> from valuecycles.graph import query_schema
    >>> schema = query_schema("gaps")
    >>> schema["required"]
    ['schema_version', 'as_of', 'gaps']
    >>> schema["properties"]["gaps"]["items"]["required"]
    ['kind', 'id', 'cycle', 'message', 'due']
    """
    found = _SCHEMAS.get(name)
    if found is None:
        raise ValueError(unknown_message("JSON shape", name, JSON_SHAPES))
    return copy.deepcopy(found)
