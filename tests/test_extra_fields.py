"""Custom fields: ``extra`` on every element survives every format and every export."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuecycles as vc
from valuecycles.cli import main
from valuecycles.framework import _registry

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK_FILE = ROOT / "examples" / "frameworks" / "orienting-2020.toml"
CASE_FILE = ROOT / "examples" / "orienting-case.yaml"

# Codes another tool keeps on an element: an IRIS+ metric, an IATI reference,
# a flag, a weight, a date as ISO text.
SAMPLE = {"iris-metric": "PI4060", "iati-ref": "1.2.3", "reviewed": True, "weight": 0.25, "n": 3}
SAMPLE_DATE = {"checked-on": "2026-03-01"}

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
SCALARS = st.one_of(
    TEXT,
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)
EXTRA = st.dictionaries(TEXT, SCALARS, max_size=4)


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_registry, "_registry", copy.copy(_registry._registry))


@pytest.fixture(scope="module")
def fw() -> vc.Framework:
    return vc.load_framework(FRAMEWORK_FILE)


@pytest.fixture(scope="module")
def base_case(fw: vc.Framework) -> vc.Case:
    return vc.load(CASE_FILE, framework=fw)


def with_extras(case: vc.Case, extras: list[dict[str, Any]]) -> vc.Case:
    """The case with the n-th element (in a fixed order) given ``extras[n % len]``."""
    count = 0

    def give(element: Any) -> Any:
        nonlocal count
        extra = extras[count % len(extras)]
        count += 1
        return attrs.evolve(element, extra=extra)

    cycles = {
        key: attrs.evolve(
            plan,
            aspirations=[give(e) for e in plan.aspirations],
            conditions=[give(e) for e in plan.conditions],
            indicators=[give(e) for e in plan.indicators],
            data=[give(e) for e in plan.data],
        )
        for key, plan in case.cycles.items()
    }
    stories = [give(attrs.evolve(s, steps=[give(step) for step in s.steps])) for s in case.stories]
    return give(
        attrs.evolve(
            case,
            community=give(case.community),
            cycles=cycles,
            flows=[give(f) for f in case.flows],
            observations=[give(o) for o in case.observations],
            stories=stories,
        )
    )


def all_extras(case: vc.Case) -> list[dict[str, Any]]:
    out = [case.extra, case.community.extra]
    for _, plan in sorted(case.cycles.items()):
        for round_items in (plan.aspirations, plan.conditions, plan.indicators, plan.data):
            out += [e.extra for e in round_items]
    out += [f.extra for f in case.flows] + [o.extra for o in case.observations]
    for story in case.stories:
        out += [story.extra] + [step.extra for step in story.steps]
    return out


def test_every_kind_of_element_carries_extra(base_case: vc.Case) -> None:
    case = with_extras(base_case, [SAMPLE])
    extras = all_extras(case)
    assert len(extras) > 20
    assert all(e == SAMPLE for e in extras)


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_extra_survives_each_format(
    base_case: vc.Case, fw: vc.Framework, fmt: str, tmp_path: Path
) -> None:
    case = with_extras(base_case, [SAMPLE, SAMPLE_DATE, {}])
    path = tmp_path / f"case.{fmt}"
    vc.dump(case, path, framework=fw)
    back = vc.load(path, framework=fw)
    assert back == case
    assert back.cycles["orienting"].indicators[0].extra in (SAMPLE, SAMPLE_DATE, {})
    assert type(back.community.extra.get("weight", 0.0)) is float
    assert type(back.community.extra.get("n", 0)) is int


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extras=st.lists(EXTRA, min_size=1, max_size=5), fmt=st.sampled_from(["json", "yaml", "toml"])
)
def test_any_extra_round_trips_in_any_format(
    base_case: vc.Case, fw: vc.Framework, extras: list[dict[str, Any]], fmt: str
) -> None:
    case = with_extras(base_case, extras)
    back = vc.loads(vc.dumps(case, fmt, framework=fw), fmt, framework=fw)
    assert all_extras(back) == all_extras(case)
    assert back == case


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"nested": {"a": 1}}, "wrong-type"),
        ({"list": [1, 2]}, "wrong-type"),
        ({"nothing": None}, "wrong-type"),
        ({"huge": 2**64}, "out-of-range"),
        ({"nan": float("nan")}, "not-finite"),
    ],
)
def test_extra_values_must_be_scalars_every_format_keeps(extra: dict[str, Any], code: str) -> None:
    doc = {
        "schema_version": 1,
        "framework": "wenger-trayner",
        "community": {"name": "C"},
        "cycles": {"immediate": {"indicators": [{"id": "i", "name": "I", "extra": extra}]}},
    }
    with pytest.raises(vc.ValidationError) as info:
        vc.loads(vc_yaml(doc), "yaml")
    (problem,) = info.value.errors
    assert problem.code == code
    assert problem.path == f"$.cycles.immediate.indicators[0].extra.{next(iter(extra))}"
    assert problem.line == 1
    with pytest.raises((TypeError, ValueError)):
        vc.Indicator(id="i", name="I", extra=extra)


def vc_yaml(doc: dict[str, Any]) -> str:
    """A document as one line of YAML flow style (JSON is YAML; .nan is YAML's NaN)."""
    return json.dumps(doc).replace("NaN", ".nan")


# --- graph exports ---------------------------------------------------------------------------


def test_graph_exports_carry_extra(base_case: vc.Case, fw: vc.Framework, tmp_path: Path) -> None:
    case = with_extras(base_case, [SAMPLE])
    vg = vc.build_graph(case, fw)
    nodes = {n["id"]: n for n in vg.to_node_link()["nodes"]}
    indicator = nodes["indicator:referrals"]
    carried = {k: v for k, v in indicator.items() if "iris" in k or k == "extra"}
    assert carried, f"no extra on the node-link node: {sorted(indicator)}"
    assert "PI4060" in json.dumps(carried)

    graphml = tmp_path / "g.graphml"
    vg.write_graphml(graphml)
    assert "PI4060" in graphml.read_text(encoding="utf-8")
    ET.parse(graphml)  # well-formed

    kumu = json.dumps(vg.to_kumu())
    assert "PI4060" in kumu


def test_export_command_keeps_extra(tmp_path: Path, fw: vc.Framework) -> None:
    case = with_extras(vc.load(CASE_FILE, framework=fw), [SAMPLE])
    path = tmp_path / "case.yaml"
    vc.dump(case, path, framework=fw)
    out = tmp_path / "graph.json"
    assert (
        main(
            [
                "export",
                str(path),
                "--to",
                "node-link",
                "--framework",
                str(FRAMEWORK_FILE),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "PI4060" in out.read_text(encoding="utf-8")
