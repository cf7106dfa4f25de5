"""Cases for the report tests: a hostile one whose every text tries to break out of HTML."""

from __future__ import annotations

import datetime as dt

import valuecycles as vc

SCRIPT = "<script>alert('x')</script>"
#: The report's sections, in the order the page shows them.
SECTIONS = (
    "community",
    "summary",
    "progress",
    "chains",
    "gaps",
    "graph",
    "cycles",
    "stories",
    "matrix",
    "coverage",
)


def hostile_case() -> vc.Case:
    """A case whose texts hold markup, quotes, dollars and Markdown."""
    d = dt.date
    return vc.Case(
        community=vc.Community(
            name=f"Evaluators {SCRIPT}",
            description="Costs in $ and € | *not bold* <b>not bold</b> & more",
        ),
        cycles={
            "immediate": vc.CyclePlan(
                aspirations=[vc.Aspiration(id="quick", text=f"Quick {SCRIPT} answers")],
                conditions=[
                    vc.Condition(
                        id="no-time",
                        text="Experts have no time <i>",
                        kind="risk",
                        supports=["quick"],
                        mitigation="Pay them in $",
                    )
                ],
                indicators=[
                    vc.Indicator(
                        id='rt"><img src=x>',
                        name="Cost in $ per $answer$",
                        unit="$ (US)",
                        direction="decrease",
                        baseline=vc.Measure(60, d(2026, 1, 1)),
                        target=vc.Measure(24, d(2026, 12, 31)),
                        milestones=[vc.Measure(40, d(2026, 6, 30))],
                        signals=["quick"],
                    ),
                    vc.Indicator(
                        id="mood",
                        name="How members feel",
                        kind="qualitative",
                        aggregation="latest",
                    ),
                ],
                data=[
                    vc.DataSource(
                        id="log",
                        name="Forum <log>",
                        method="platform-log",
                        cadence="monthly",
                        owner="facilitator & co",
                        indicators=['rt"><img src=x>', "mood"],
                    )
                ],
            ),
        },
        observations=[
            vc.Observation(indicator='rt"><img src=x>', date=d(2026, 2, 1), value=52, source="log"),
            vc.Observation(indicator='rt"><img src=x>', date=d(2026, 3, 1), value=30, source="log"),
            vc.Observation(
                id="mood-1", indicator="mood", date=d(2026, 3, 1), value=f"Happy {SCRIPT}"
            ),
        ],
        stories=[
            vc.Story(
                id="public-story",
                title=f"Told in public {SCRIPT}",
                narrator="Ana Public",
                consent="public",
                steps=[
                    vc.Step(
                        cycle="immediate",
                        text=f"I asked {SCRIPT}",
                        indicators=['rt"><img src=x>'],
                    ),
                    vc.Step(cycle="applied", text="I used it", aspirational=True),
                ],
            ),
            vc.Story(
                id="internal-story",
                title="Told inside",
                narrator="Ina Internal",
                steps=[vc.Step(cycle="potential", text="I learnt")],
            ),
            vc.Story(
                id="anonymous-story",
                title="Told anonymously",
                narrator="Ano Nymous",
                consent="anonymous",
                steps=[vc.Step(cycle="strategic", text="I told the board")],
            ),
        ],
    )


def standing_case() -> vc.Case:
    """One cycle, three indicators: one on track, one behind, one without data on 2026-07-02.

    Baselines are dated 2026-01-01 and targets 2027-01-01, so half the time
    has passed on 2026-07-02: 60% of the way is on track, 20% is behind.
    A count indicator with contribution observations in two groups.
    """
    d = dt.date
    base, goal = d(2026, 1, 1), d(2027, 1, 1)

    def ind(ident: str, **extra: object) -> vc.Indicator:
        return vc.Indicator(
            id=ident,
            name=f"Indicator {ident}",
            baseline=vc.Measure(0, base),
            target=vc.Measure(10, goal),
            **extra,  # type: ignore[arg-type]
        )

    observations = [
        vc.Observation(indicator="ahead", date=d(2026, 6, 1), value=6),
        vc.Observation(indicator="late", date=d(2026, 6, 1), value=2),
        vc.Observation(indicator="requests", date=d(2026, 2, 1), value=1),
        vc.Observation(indicator="requests", date=d(2026, 3, 1), value=0),
        vc.Observation(indicator="requests", date=d(2026, 4, 1), value=1),
    ]
    for month, (used, unused) in enumerate(((3, 1), (4, 1), (6, 2)), start=2):
        for group, value in (("used", used), ("not-used", unused)):
            observations.append(
                vc.Observation(
                    indicator="requests",
                    date=d(2026, month, 15),
                    value=value,
                    evidence="contribution",
                    dimensions={"tools": group},
                )
            )
    return vc.Case(
        community=vc.Community(name="Librarians"),
        cycles={
            "immediate": vc.CyclePlan(
                aspirations=[vc.Aspiration(id="a", text="Answers")],
                indicators=[
                    ind("ahead", signals=["a"]),
                    ind("late", signals=["a"]),
                    ind("silent", signals=["a"]),
                    vc.Indicator(
                        id="requests",
                        name="Requests for help",
                        unit="requests",
                        aggregation="sum",
                        signals=["a"],
                    ),
                ],
            )
        },
        observations=observations,
    )
