"""The value-creation matrix: one cell per step, evidence counts, the reverse view."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings

import valuecycles as vc
from strategies import cases

D = dt.date


def _case() -> vc.Case:
    ind = [
        vc.Indicator(id="rt", name="Response time"),
        vc.Indicator(id="uncited", name="Nobody cites me"),
    ]
    obs = [
        vc.Observation(id="o1", indicator="rt", date=D(2026, 1, 31), value=40),
        vc.Observation(id="o2", indicator="rt", date=D(2026, 2, 28), value=30),
        vc.Observation(
            id="o3", indicator="rt", date=D(2026, 2, 28), value=1, evidence="contribution"
        ),
    ]
    loop = vc.Story(
        id="loop",
        title="Back to the forum",
        steps=[
            vc.Step(cycle="immediate", text="I asked", indicators=["rt"], observations=["o1"]),
            vc.Step(cycle="applied", text="I tried it", aspirational=True),
            vc.Step(
                cycle="immediate",
                text="I came back with a new question",
                indicators=["rt", "rt"],
                observations=["o2", "o3"],
            ),
            vc.Step(cycle="reframing", text="We changed how we audit"),
        ],
    )
    empty_row = vc.Story(id="quiet", title="Only a start", steps=[vc.Step("enabling", "Paid")])
    return vc.Case(
        community=vc.Community(name="E"),
        cycles={"immediate": vc.CyclePlan(indicators=ind)},
        observations=obs,
        stories=[loop, empty_row],
    )


def test_cells_one_per_step_with_counts() -> None:
    m = vc.matrix(_case())
    assert m.cycles[:3] == ("immediate", "potential", "applied")
    assert m.stories == ("loop", "quiet")
    got = [(c.story, c.cycle, c.step, c.aspirational, c.effect, c.contribution) for c in m]
    assert got == [
        ("loop", "immediate", 0, False, 1, 0),
        ("loop", "applied", 1, True, 0, 0),
        ("loop", "immediate", 2, False, 1, 1),
        ("loop", "transformative", 3, False, 0, 0),
        ("quiet", "enabling", 0, False, 0, 0),
    ]
    assert [c.step for c in m.cell("loop", "immediate")] == [0, 2]
    assert m.cell("quiet", "immediate") == ()


def test_the_reverse_view() -> None:
    m = vc.matrix(_case())
    assert [(c.story, c.step) for c in m.citing("rt")] == [("loop", 0), ("loop", 2)]
    assert m.citing("uncited") == ()
    assert m.citing("not-an-indicator") == ()
    assert m.to_dict()["citations"] == {
        "rt": [{"story": "loop", "step": 0}, {"story": "loop", "step": 2}],
        "uncited": [],
    }


def test_to_dict_is_the_query_matrix_shape() -> None:
    d = vc.matrix(_case()).to_dict()
    assert list(d)[:4] == ["schema_version", "cycles", "stories", "cells"]
    assert d["cells"][2] == {
        "story": "loop",
        "cycle": "immediate",
        "step": 2,
        "text": "I came back with a new question",
        "aspirational": False,
        "indicators": ["rt", "rt"],
        "observations": ["o2", "o3"],
        "effect": 1,
        "contribution": 1,
    }


def test_a_case_without_stories() -> None:
    d = vc.matrix(vc.Case(community=vc.Community(name="E"))).to_dict()
    assert (d["stories"], d["cells"], len(d["cycles"])) == ([], [], 7)


@settings(max_examples=25)
@given(cases())
def test_cells_match_the_stories_steps_one_for_one(case: vc.Case) -> None:
    m = vc.matrix(case)
    fw = vc.load_framework()
    steps = [(s.id, n, step) for s in case.stories for n, step in enumerate(s.steps)]
    assert len(m.cells) == len(steps)
    evidence = {o.id: o.evidence for o in case.observations if o.id is not None}
    for cell, (story, n, step) in zip(m.cells, steps, strict=True):
        assert (cell.story, cell.step, cell.text) == (story, n, step.text)
        assert cell.cycle == fw.resolve(step.cycle)
        assert cell.cycle in m.cycles
        assert cell.aspirational is step.aspirational
        assert cell.indicators == step.indicators
        assert cell.observations == step.observations
        kinds = [evidence[o] for o in step.observations]
        assert (cell.effect, cell.contribution) == (
            kinds.count("effect"),
            kinds.count("contribution"),
        )
    for ind, cited in m.citations.items():
        for cell in cited:
            assert ind in cell.indicators
    assert sum(len(c) for c in m.citations.values()) == sum(
        len(set(step.indicators)) for _s, _n, step in steps
    )


def test_as_of_leaves_out_later_stories_and_observations() -> None:
    case = _case()
    late = vc.Story(
        id="late", title="Told later", date=D(2026, 6, 1), steps=[vc.Step("applied", "x")]
    )
    case = case.with_stories(late)
    assert vc.matrix(case).stories == ("loop", "quiet", "late")
    m = vc.matrix(case, as_of=D(2026, 1, 31))
    assert m.stories == ("loop", "quiet")
    # o2 and o3 are dated after: cited, but counted as neither kind.
    assert [(c.effect, c.contribution) for c in m.cell("loop", "immediate")] == [(1, 0), (0, 0)]
    assert m.cell("loop", "immediate")[1].observations == ("o2", "o3")


def test_to_frame_one_row_a_step() -> None:
    frame = vc.matrix(_case()).to_frame()
    assert list(frame.columns) == [
        "story",
        "cycle",
        "step",
        "text",
        "aspirational",
        "indicators",
        "observations",
        "effect",
        "contribution",
    ]
    assert len(frame) == 5
    assert frame.iloc[2][["indicators", "observations", "contribution"]].tolist() == [
        "rt;rt",
        "o2;o3",
        1,
    ]
