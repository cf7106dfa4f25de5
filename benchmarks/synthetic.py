"""Synthetic case documents for the benchmarks: seeded, valid, of any size.

Every case has the guide's seven cycles, each with five aspirations, three
conditions, twenty indicators (the last of each cycle qualitative) and five
data sources that feed four indicators each. Observations are spread over
the indicators and three years of dates; one in ten has an id, and about one
in three of the stories' steps cites one of those. Stories have four steps
in consecutive cycles, each citing one or two indicators of its cycle, so
they imply flows between indicators of neighbouring cycles.

The dense case has no observations or stories but declares a flow from every
indicator to every indicator of the next cycle: twenty to the power of the
number of links chains between any two cycles, millions of them.

Documents are plain data (dates as ``YYYY-MM-DD`` text), as a JSON file
would hold them.
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any

CYCLES = (
    "immediate",
    "potential",
    "applied",
    "realized",
    "transformative",
    "strategic",
    "enabling",
)
INDICATORS_PER_CYCLE = 20
ASPIRATIONS_PER_CYCLE = 5
SOURCES_PER_CYCLE = 5
STEPS_PER_STORY = 4

#: The sizes measured: (observations, stories), smallest first.
SIZES: tuple[tuple[int, int], ...] = ((1_000, 100), (10_000, 1_000), (100_000, 10_000))

_START = _dt.date(2024, 1, 1)


def indicator_id(cycle: str, n: int) -> str:
    return f"{cycle}-ind-{n:02d}"


def _qualitative(n: int) -> bool:
    return n == INDICATORS_PER_CYCLE - 1


def _plan(cycle: str) -> dict[str, Any]:
    aspirations = [
        {"id": f"{cycle}-asp-{n}", "text": f"Aspiration {n} of the {cycle} cycle"}
        for n in range(ASPIRATIONS_PER_CYCLE)
    ]
    conditions = [
        {
            "id": f"{cycle}-cond-{n}",
            "text": f"Condition {n} of the {cycle} cycle",
            "supports": [f"{cycle}-asp-{n}"],
        }
        for n in range(3)
    ]
    conditions[2]["kind"] = "risk"
    conditions[2]["mitigation"] = "Watch for it at every meeting"
    indicators = []
    for n in range(INDICATORS_PER_CYCLE):
        ind: dict[str, Any] = {
            "id": indicator_id(cycle, n),
            "name": f"Indicator {n} of the {cycle} cycle",
            "signals": [f"{cycle}-asp-{n % ASPIRATIONS_PER_CYCLE}"],
        }
        if _qualitative(n):
            ind["kind"] = "qualitative"
            ind["aggregation"] = "count"
        else:
            ind["unit"] = "count"
            ind["aggregation"] = ("latest", "sum", "mean")[n % 3]
            ind["baseline"] = {"value": 10, "date": "2024-01-01"}
            ind["target"] = {"value": 50 + n, "date": "2026-12-31"}
        indicators.append(ind)
    per_source = INDICATORS_PER_CYCLE // SOURCES_PER_CYCLE
    data = [
        {
            "id": f"{cycle}-src-{n}",
            "name": f"Data source {n} of the {cycle} cycle",
            "method": "survey" if n % 2 else "platform-log",
            "cadence": ("monthly", "quarterly", "yearly")[n % 3],
            "owner": "evaluator",
            "indicators": [indicator_id(cycle, n * per_source + k) for k in range(per_source)],
        }
        for n in range(SOURCES_PER_CYCLE)
    ]
    return {
        "aspirations": aspirations,
        "conditions": conditions,
        "indicators": indicators,
        "data": data,
    }


def _base(name: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "framework": "wenger-trayner",
        "community": {"name": name, "description": "A synthetic case for the benchmarks"},
        "cycles": {cycle: _plan(cycle) for cycle in CYCLES},
    }


def make_case(observations: int, stories: int, *, seed: int = 8) -> dict[str, Any]:
    """A valid case document with this many observations and stories.

    >>> doc = make_case(50, 5)
    >>> len(doc["observations"]), len(doc["stories"]), len(doc["stories"][0]["steps"])
    (50, 5, 4)
    """
    rng = random.Random(seed)
    doc = _base(f"Synthetic network ({observations} observations, {stories} stories)")
    per_source = INDICATORS_PER_CYCLE // SOURCES_PER_CYCLE
    obs: list[dict[str, Any]] = []
    # observation ids by indicator, so steps can cite observations of what they cite
    cited_obs: dict[str, list[str]] = {}
    for i in range(observations):
        cycle = CYCLES[rng.randrange(len(CYCLES))]
        n = rng.randrange(INDICATORS_PER_CYCLE)
        ind = indicator_id(cycle, n)
        day = _START + _dt.timedelta(days=rng.randrange(3 * 365))
        item: dict[str, Any] = {}
        if i % 10 == 0:
            item["id"] = f"obs-{i}"
            cited_obs.setdefault(ind, []).append(item["id"])
        item["indicator"] = ind
        item["date"] = day.isoformat()
        item["period"] = f"{day.year}-{day.month:02d}"
        if _qualitative(n):
            item["value"] = rng.choice(("better", "the same", "worse"))
        elif i % 2:
            item["value"] = rng.randrange(1000)
        else:
            item["value"] = round(rng.uniform(0, 1000), 2)
        item["source"] = f"{cycle}-src-{n // per_source}"
        if i % 7 == 0:
            item["evidence"] = "contribution"
        if i % 5 == 0:
            item["dimensions"] = {"region": ("north", "south", "east", "west")[i % 4]}
        if i % 13 == 0:
            item["note"] = "Counted by hand"
        obs.append(item)
    doc["flows"] = [
        {
            "from": indicator_id(CYCLES[c], n),
            "to": indicator_id(CYCLES[c + 1], n),
            "rationale": "What one cycle gives the next",
        }
        for c in range(4)
        for n in range(0, INDICATORS_PER_CYCLE, 5)
    ]
    doc["observations"] = obs
    told: list[dict[str, Any]] = []
    for s in range(stories):
        first = rng.randrange(len(CYCLES) - STEPS_PER_STORY + 1)
        steps = []
        for k in range(STEPS_PER_STORY):
            cycle = CYCLES[first + k]
            cites = sorted(
                {indicator_id(cycle, rng.randrange(INDICATORS_PER_CYCLE - 1)) for _ in range(2)}
            )
            step: dict[str, Any] = {
                "cycle": cycle,
                "text": f"Step {k} of story {s}, in the {cycle} cycle",
                "indicators": cites,
            }
            candidates = cited_obs.get(cites[0])
            if candidates and rng.random() < 0.3:
                step["observations"] = [rng.choice(candidates)]
            if k >= 2 and s % 3 == 0:
                step["aspirational"] = True
            steps.append(step)
        story: dict[str, Any] = {
            "id": f"story-{s}",
            "title": f"Story {s}",
            "narrator": f"Member {s % 97}",
            "consent": ("public", "internal", "anonymous")[s % 3],
            "date": (_START + _dt.timedelta(days=s % 900)).isoformat(),
            "tags": ["synthetic"],
            "steps": steps,
        }
        if s % 4 == 0:
            story["verification"] = {"status": "corroborated", "by": "A colleague"}
        told.append(story)
    doc["stories"] = told
    return doc


def make_dense_case() -> dict[str, Any]:
    """A case where every indicator flows to every indicator of the next cycle.

    >>> doc = make_dense_case()
    >>> len(doc["flows"]) == (len(CYCLES) - 1) * INDICATORS_PER_CYCLE**2
    True
    """
    doc = _base("Synthetic dense network")
    doc["flows"] = [
        {"from": indicator_id(CYCLES[c], a), "to": indicator_id(CYCLES[c + 1], b)}
        for c in range(len(CYCLES) - 1)
        for a in range(INDICATORS_PER_CYCLE)
        for b in range(INDICATORS_PER_CYCLE)
    ]
    return doc
