"""``derive:`` on a data source and ``provenance`` on an observation: read, written, in the schema.

These need no engine: the model and the documents are the core's.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

import valuecycles as vc
from valuecycles import io

DOC = """\
schema_version: 1
framework: wenger-trayner
community: {name: Forum}
cycles:
  immediate:
    indicators:
      - {id: active, name: Active members}
      - {id: replies, name: Replies}
    data:
      - id: forum
        name: Forum export
        indicators: [active, replies]
        derive:             # computed from an event log
          events: forum
          metric: active-members
          per: quarter
          indicator: active
          action: [posted, replied]
          where: {channel: general, course: 7}
          params: {weight: 2}
observations:
  - indicator: active
    date: 2026-04-01
    period: 2026-Q1
    value: 12
    source: forum
    provenance:
      metric: active-members
      events: "sha256:0f1e"
      at: "2026-04-02T06:00:00Z"
      params: {per: quarter, action: "posted,replied", where.channel: general, k: 5}
"""


def test_derive_and_provenance_load_and_round_trip() -> None:
    case = io.loads(DOC, "yaml")
    ds = case.plan("immediate").data[0]
    assert ds.derive == vc.Derivation(
        events="forum",
        metric="active-members",
        per="quarter",
        indicator="active",
        action=("posted", "replied"),
        where={"channel": "general", "course": 7},
        params={"weight": 2},
    )
    prov = case.observations[0].provenance
    assert prov is not None
    assert prov.params["where.channel"] == "general"
    assert prov.at == "2026-04-02T06:00:00Z"
    for fmt in ("yaml", "json", "toml"):
        assert io.loads(io.dumps(case, fmt), fmt) == case, fmt
    assert vc.validate(case).valid


def test_the_schema_knows_derive_and_provenance() -> None:
    schema = io.case_schema()
    case = io.loads(DOC, "yaml")
    jsonschema.validate(json.loads(io.dumps(case, "json")), schema)
    defs = schema["$defs"]
    assert set(defs["Derivation"]["properties"]) >= {"events", "metric", "per", "where"}
    assert defs["Derivation"]["properties"]["per"]["enum"] == ["week", "month", "quarter", "year"]
    assert set(defs["Provenance"]["required"]) == {"metric", "events", "at"}


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ("per: quarter", "per: fortnight", "invalid-value"),
        (
            "metric: active-members\n          per",
            "metrc: active-members\n          per",
            "unknown-key",
        ),
        ('at: "2026-04-02T06:00:00Z"', "at: [1]", "wrong-type"),
    ],
)
def test_bad_derive_or_provenance_says_where(change: str, path: str, code: str) -> None:
    with pytest.raises(vc.ValidationError) as info:
        io.loads(DOC.replace(change, path, 1), "yaml")
    assert code in {p.code for p in info.value.errors}
    assert any("derive" in p.path or "provenance" in p.path for p in info.value.errors)
