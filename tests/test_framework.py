"""The guide as data: every cell of the 28 read back through load_framework()."""

from __future__ import annotations

import pytest

import valuecycles as vc
from guide_source import find_guide, parse_guide
from valuecycles.framework import UnknownKeyError

CYCLES = (
    "immediate",
    "potential",
    "applied",
    "realized",
    "transformative",
    "strategic",
    "enabling",
)
ROUNDS = ("aspirations", "conditions", "indicators", "data")

# (questions, examples) per cycle and round, counted by hand from the guide.
COUNTS = {
    "immediate": [(1, 9), (1, 8), (1, 8), (1, 7)],
    "potential": [(1, 9), (1, 5), (1, 5), (1, 7)],
    "applied": [(2, 4), (4, 5), (3, 9), (1, 5)],
    "realized": [(2, 4), (2, 3), (3, 4), (2, 3)],
    "transformative": [(1, 4), (2, 3), (2, 5), (1, 3)],
    "strategic": [(2, 3), (1, 3), (1, 4), (1, 6)],
    "enabling": [(3, 5), (1, 4), (1, 4), (1, 3)],
}

LEADS = {
    ("immediate", "aspirations"): "Do you want to see:",
    ("immediate", "conditions"): "Would you need things like:",
    ("immediate", "indicators"): "Would you pay attention to:",
    ("immediate", "data"): "Would you collect:",
    ("realized", "aspirations"): "What specific outcomes do you want to affect:",
    ("realized", "conditions"): "Would you need to consider things like:",
    ("transformative", "aspirations"): (
        "What kinds of things do you think are likely or possible:"
    ),
}

# A sample of exact texts from every cycle, typos included.
SAMPLES = [
    ("immediate", "aspirations", "examples", 6, "questions answered within a specified timeframe"),
    ("immediate", "data", "examples", 0, "ratio of potential/actual members"),
    ("potential", "data", "examples", 6, "social network analysis"),
    (
        "potential",
        "indicators",
        "questions",
        0,
        "What indicators would suggest that the community is producing what you hope it will?",
    ),
    (
        "applied",
        "aspirations",
        "questions",
        1,
        "How much risk should they take in trying new community's ideas and experimenting?",
    ),
    ("applied", "data", "examples", 0, "time to 80% adoption"),
    (
        "realized",
        "indicators",
        "questions",
        1,
        "Are these indicators already part of an stakeholder's strategy?",
    ),
    ("realized", "conditions", "examples", 0, "a reasonable economy"),
    ("transformative", "data", "examples", 0, "number of follow-up on advice/insight/innovation"),
    (
        "transformative",
        "conditions",
        "questions",
        1,
        "What risk is the community willing to take in order to innovate?",
    ),
    (
        "strategic",
        "conditions",
        "examples",
        2,
        "a committee that pays attention to communities of practice from a strategic "
        "perspective and manages the portfolio of practices",
    ),
    (
        "strategic",
        "data",
        "examples",
        5,
        "proportion of community consultations that result in advice being followed",
    ),
    ("enabling", "aspirations", "questions", 2, "Or would it be better to keep things low-key?"),
    ("enabling", "data", "examples", 2, "external benchmark/evaluation"),
]


@pytest.fixture(scope="module")
def framework() -> vc.Framework:
    return vc.load_framework()


def test_cycles_and_rounds_in_the_guides_order(framework: vc.Framework) -> None:
    assert framework.name == "wenger-trayner"
    assert framework.cycle_keys == CYCLES
    assert framework.round_keys == ROUNDS
    assert [c.name for c in framework.cycles] == [f"{k.capitalize()} value" for k in CYCLES]
    assert [r.name for r in framework.rounds] == ["Aspirations", "Conditions", "Indicators", "Data"]


def test_roles(framework: vc.Framework) -> None:
    assert [c.key for c in framework.chain] == list(CYCLES[:5])
    assert {c.key: c.role for c in framework.cycles}["strategic"] == "cross-cutting"
    assert framework.cycle("enabling").role == "cross-cutting"


@pytest.mark.parametrize("cycle", CYCLES)
def test_counts_per_cell(framework: vc.Framework, cycle: str) -> None:
    for round_key, (questions, examples) in zip(ROUNDS, COUNTS[cycle], strict=True):
        g = framework.guidance(cycle, round_key)
        assert len(g.questions) == questions, (cycle, round_key)
        assert len(g.examples) == examples, (cycle, round_key)
        assert g.open_ended is True
        assert "" not in g.examples
        assert all(e == e.strip() and e for e in g.examples)


@pytest.mark.parametrize(("cycle", "round_key", "lead"), [(*k, v) for k, v in LEADS.items()])
def test_leads(framework: vc.Framework, cycle: str, round_key: str, lead: str) -> None:
    assert framework.guidance(cycle, round_key).lead == lead


@pytest.mark.parametrize(("cycle", "round_key", "field", "index", "text"), SAMPLES)
def test_exact_texts(
    framework: vc.Framework, cycle: str, round_key: str, field: str, index: int, text: str
) -> None:
    assert getattr(framework.guidance(cycle, round_key), field)[index] == text


def test_descriptions(framework: vc.Framework) -> None:
    assert framework.cycle("immediate").description.startswith(
        "Immediate value refers to the experience that members have"
    )
    transformative = framework.cycle("transformative").description
    assert "\n- by taking its practice to new levels" in transformative
    # The guide's own typo is kept.
    assert framework.cycle("strategic").description.endswith("broader strategic debates..")


@pytest.mark.skipif(
    find_guide() is None, reason="the guide (shared/seed) is not beside the checkout"
)
def test_every_cell_matches_the_guide_word_for_word(framework: vc.Framework) -> None:
    guide_path = find_guide()
    assert guide_path is not None
    parsed = parse_guide(guide_path.read_text(encoding="utf-8"))
    assert [c["key"] for c in parsed] == list(framework.cycle_keys)
    cells = 0
    for cycle in parsed:
        fw_cycle = framework.cycle(cycle["key"])
        assert fw_cycle.name == cycle["name"]
        assert fw_cycle.description == cycle["description"]
        assert list(cycle["rounds"]) == list(ROUNDS)
        for round_key, cell in cycle["rounds"].items():
            g = framework.guidance(cycle["key"], round_key)
            assert list(g.questions) == cell["questions"]
            assert g.lead == cell["lead"]
            assert list(g.examples) == cell["examples"]
            assert g.open_ended == cell["open_ended"]
            cells += 1
    assert cells == 28


def test_unknown_cycle_and_round_name_the_known_keys(framework: vc.Framework) -> None:
    with pytest.raises(UnknownKeyError) as info:
        framework.guidance("orienting", "aspirations")
    assert "unknown cycle 'orienting'" in str(info.value)
    assert "immediate, potential, applied, realized, transformative, strategic, enabling" in str(
        info.value
    )
    with pytest.raises(KeyError, match=r"unknown round 'wishes'.*aspirations, conditions"):
        framework.guidance("immediate", "wishes")


def test_resolve_and_position(framework: vc.Framework) -> None:
    assert framework.resolve("applied") == "applied"
    assert framework.resolve("nope") is None
    assert framework.position("realized") == 3


def test_unknown_framework_lists_registered() -> None:
    with pytest.raises(LookupError, match="unknown framework 'nope'; registered: wenger-trayner"):
        vc.load_framework("nope")


def test_register_framework_refuses_silent_replacement() -> None:
    fw = vc.Framework(name="test-register", cycles=[vc.Cycle(key="a", name="A")])
    assert vc.register_framework(fw) is fw
    assert vc.load_framework("test-register") is fw
    vc.register_framework(fw)  # the same one again is fine
    other = vc.Framework(name="test-register", cycles=[vc.Cycle(key="b", name="B")])
    with pytest.raises(ValueError, match="already registered"):
        vc.register_framework(other)
    vc.register_framework(other, replace=True)
    assert vc.load_framework("test-register") is other


def test_models_check_their_fields() -> None:
    with pytest.raises(ValueError, match="role"):
        vc.Cycle(key="x", name="X", role="ladder")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of strings"):
        vc.Guidance(examples="one")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        vc.Round(key=" ", name="R")
