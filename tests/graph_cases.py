"""Cases for the graph's tests: a hypothesis strategy of valid cases, and a dense case.

Ids carry their kind (``a3``, ``i0``, ``s2``) so they are unique across kinds;
every reference resolves, so each generated case is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, TypeVar

from hypothesis import strategies as st

import valuecycles as vc

FRAMEWORK = vc.load_framework()
CYCLES = FRAMEWORK.cycle_keys
STATUSES = ("unverified", "corroborated", "substantiated")
CADENCES = (None, "daily", "weekly", "monthly", "quarterly", "yearly", " Monthly ", "ad hoc")
DAY0 = dt.date(2025, 1, 1)

dates = st.integers(0, 800).map(lambda n: DAY0 + dt.timedelta(days=n))
extras = st.dictionaries(
    st.sampled_from(["owner", "weight", "note"]),
    st.one_of(st.integers(-5, 5), st.text('ab$"<', max_size=4), st.booleans()),
    max_size=2,
)


T = TypeVar("T")


def _subset(draw: Any, pool: Sequence[T], max_size: int = 3) -> list[T]:
    if not pool:
        return []
    return draw(st.lists(st.sampled_from(pool), max_size=max_size, unique=True))


@st.composite
def cases(draw: Any, max_indicators: int = 7, max_stories: int = 5) -> vc.Case:
    """A valid case: random plans, flows, observations and stories."""
    n_asp = draw(st.integers(0, 5))
    n_ind = draw(st.integers(0, max_indicators))
    n_cond = draw(st.integers(0, 3))
    n_data = draw(st.integers(0, 3))
    asp_ids = [f"a{i}" for i in range(n_asp)]
    ind_ids = [f"i{i}" for i in range(n_ind)]
    cycle_of = {ident: draw(st.sampled_from(CYCLES)) for ident in [*asp_ids, *ind_ids]}
    plans: dict[str, dict[str, list[Any]]] = {}

    def plan(cycle: str) -> dict[str, list[Any]]:
        return plans.setdefault(
            cycle, {"aspirations": [], "conditions": [], "indicators": [], "data": []}
        )

    for a in asp_ids:
        plan(cycle_of[a])["aspirations"].append(
            vc.Aspiration(id=a, text=draw(st.sampled_from(["Quick answers", "A $5 saving"])))
        )
    for i in range(n_cond):
        plan(draw(st.sampled_from(CYCLES)))["conditions"].append(
            vc.Condition(
                id=f"c{i}",
                text="Facilitation",
                kind=draw(st.sampled_from(["enabler", "risk"])),
                supports=_subset(draw, asp_ids),
            )
        )
    for ind in ind_ids:
        baseline = draw(st.none() | dates.map(lambda d: vc.Measure(value=1, date=d)))
        plan(cycle_of[ind])["indicators"].append(
            vc.Indicator(
                id=ind,
                name=draw(st.sampled_from(["Response time", 'The "reuse" rate', "Adoption"])),
                signals=_subset(draw, asp_ids),
                baseline=baseline,
                extra=draw(extras),
            )
        )
    feeds: dict[str, list[str]] = {}
    for i in range(n_data):
        ident = f"d{i}"
        feeds[ident] = _subset(draw, ind_ids)
        plan(draw(st.sampled_from(CYCLES)))["data"].append(
            vc.DataSource(
                id=ident,
                name="Forum log",
                cadence=draw(st.sampled_from(CADENCES)),
                indicators=feeds[ident],
            )
        )
    pairs = [(a, b) for a in ind_ids for b in ind_ids if a != b]
    flows = [vc.Flow(from_=a, to=b) for a, b in _subset(draw, pairs, 8)]

    observations = []
    if ind_ids:
        for i in range(draw(st.integers(0, 6))):
            indicator = draw(st.sampled_from(ind_ids))
            sources = [d for d, fed in feeds.items() if indicator in fed]
            observations.append(
                vc.Observation(
                    id=draw(st.sampled_from([None, f"o{i}"])),
                    indicator=indicator,
                    date=draw(dates),
                    value=draw(st.integers(0, 100)),
                    source=draw(st.sampled_from([None, *sources])),
                    evidence=draw(st.sampled_from(["effect", "contribution"])),
                )
            )
    obs_ids = [o.id for o in observations if o.id is not None]

    stories = []
    for s in range(draw(st.integers(0, max_stories))):
        steps = [
            vc.Step(
                cycle=draw(st.sampled_from(CYCLES)),
                text=draw(st.sampled_from(["I asked", "I used it", "It saved $3"])),
                indicators=_subset(draw, ind_ids, 2),
                observations=_subset(draw, obs_ids, 1),
                aspirational=draw(st.booleans()),
            )
            for _ in range(draw(st.integers(1, 5)))
        ]
        stories.append(
            vc.Story(
                id=f"s{s}",
                title=draw(st.sampled_from(["A story", "Another story"])),
                verification=vc.Verification(status=draw(st.sampled_from(STATUSES))),
                steps=steps,
            )
        )
    case = vc.Case(
        community=vc.Community(name="Test community"),
        cycles={key: vc.CyclePlan(**rounds) for key, rounds in plans.items()},
        flows=flows,
        observations=observations,
        stories=stories,
    )
    report = vc.validate(case)
    assert report.valid, report.errors
    return case


def dense_case(per_cycle: int = 20, cycles: int = 5) -> vc.Case:
    """Each of the first ``cycles`` chain cycles with ``per_cycle`` indicators, and a
    declared flow from every indicator to every indicator of the next cycle.
    """
    keys = [c.key for c in FRAMEWORK.chain][:cycles]
    plans = {
        key: vc.CyclePlan(
            indicators=[
                vc.Indicator(id=f"{key}-{i:02d}", name=f"{key} {i}") for i in range(per_cycle)
            ]
        )
        for key in keys
    }
    flows = [
        vc.Flow(from_=f"{a}-{i:02d}", to=f"{b}-{j:02d}")
        for a, b in pairwise(keys)
        for i in range(per_cycle)
        for j in range(per_cycle)
    ]
    return vc.Case(community=vc.Community(name="Dense"), cycles=plans, flows=flows)
