"""The golden case: one case with every element kind and every optional field.

``tests/data/golden.yaml``, ``golden.json`` and ``golden.toml`` hold it as
``valuecycles.dumps`` writes it. Run ``python tests/golden.py`` to write them
again after a deliberate change of the output, and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import valuecycles as vc

DATA = Path(__file__).resolve().parent / "data"
FORMATS = ("yaml", "json", "toml")

GOLDEN = vc.Case(
    framework_version="1",
    community=vc.Community(
        name="Evaluation practitioners network",
        description="Evaluators who meet online.\nSecond line: no, yes, on, off stay text.",
        extra={"region": "north", "members": 60, "share": 0.25, "active": True},
    ),
    cycles={
        "immediate": vc.CyclePlan(
            aspirations=[vc.Aspiration(id="quick-answers", text="Questions answered by 12:30")],
            conditions=[
                vc.Condition(
                    id="daily-facilitation", text="A facilitator", supports=["quick-answers"]
                ),
                vc.Condition(
                    id="burnout",
                    text="Facilitator burnout",
                    kind="risk",
                    supports=["quick-answers"],
                    mitigation="Rotate the role",
                ),
            ],
            indicators=[
                vc.Indicator(
                    id="response-time",
                    name="Median hours to first answer",
                    unit="hours",
                    direction="decrease",
                    aggregation="mean",
                    baseline=vc.Measure(value=60, date=dt.date(2026, 1, 1)),
                    target=vc.Measure(value=24.5, date=dt.date(2026, 12, 31)),
                    milestones=[
                        vc.Measure(value=40, date=dt.date(2026, 6, 30)),
                        vc.Measure(value=30),
                    ],
                    signals=["quick-answers"],
                    description="From the forum export",
                    extra={"owner": "facilitator"},
                ),
                vc.Indicator(
                    id="mood",
                    name="How members describe the forum",
                    kind="qualitative",
                    aggregation="count",
                ),
            ],
            data=[
                vc.DataSource(
                    id="forum-log",
                    name="Forum activity export",
                    method="platform-log",
                    cadence="monthly",
                    owner="facilitator",
                    indicators=["response-time", "mood"],
                )
            ],
        ),
        "reframing": vc.CyclePlan(
            aspirations=[
                vc.Aspiration(id="new-audit-model", text="Audits reframed", extra={"n": 1})
            ]
        ),
        "applied": vc.CyclePlan(
            indicators=[vc.Indicator(id="checklist-adoption", name="Share of audits", unit="%")]
        ),
        "strategic": vc.CyclePlan(),
    },
    flows=[
        vc.Flow(from_="response-time", to="checklist-adoption", rationale="Fast answers"),
        vc.Flow(from_="checklist-adoption", to="response-time", extra={"loop": True}),
    ],
    observations=[
        vc.Observation(
            id="rt-2026-02",
            indicator="response-time",
            date=dt.date(2026, 2, 1),
            period="2026-01",
            value=52,
            source="forum-log",
            dimensions={"region": "north"},
            note="First month",
        ),
        vc.Observation(
            indicator="response-time", date=dt.date(2026, 3, 1), value=30.5, evidence="contribution"
        ),
        vc.Observation(indicator="mood", date=dt.date(2026, 3, 1), value="no", period="2026-Q1"),
        vc.Observation(indicator="checklist-adoption", date=dt.date(2026, 4, 1), value=22),
    ],
    stories=[
        vc.Story(
            id="checklist-story",
            title="The audit checklist",
            narrator="A member",
            consent="anonymous",
            date=dt.date(2026, 3, 15),
            tags=["audit", "2026"],
            verification=vc.Verification(
                status="substantiated", by="Regional manager", date=dt.date(2026, 4, 1), note="Ok"
            ),
            steps=[
                vc.Step(
                    cycle="immediate",
                    text="I asked in the forum",
                    indicators=["response-time"],
                    observations=["rt-2026-02"],
                ),
                vc.Step(cycle="applied", text="I used it", indicators=["checklist-adoption"]),
                vc.Step(
                    cycle="realized",
                    text="The audit took two days less",
                    aspirational=True,
                    extra={"confirm-by": "2026-09"},
                ),
            ],
            extra={"source": "interview"},
        ),
        vc.Story(id="short", title="A short one", steps=[vc.Step(cycle="enabling", text="A room")]),
    ],
    extra={"owner": "Evaluation unit"},
)


def golden_path(fmt: str) -> Path:
    return DATA / f"golden.{fmt}"


if __name__ == "__main__":
    for fmt in FORMATS:
        golden_path(fmt).write_text(vc.dumps(GOLDEN, fmt), encoding="utf-8")
        print(f"wrote {golden_path(fmt)}")
