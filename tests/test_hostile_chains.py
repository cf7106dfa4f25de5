"""Chains where flows loop: the first ``limit`` come without exploring the loops."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

import valuecycles as vc
from valuecycles.graph._chains import DEFAULT_CUTOFF

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import itertools

from chains_looped import make_looped_case


@pytest.fixture(scope="module")
def looped() -> vc.ValueGraph:
    import json

    return vc.build_graph(vc.loads(json.dumps(make_looped_case(40)), "json"))


def test_the_first_chains_come_in_less_time_than_building_the_graph(
    looped: vc.ValueGraph,
) -> None:
    case = looped.case
    started = time.perf_counter()
    vc.build_graph(case)
    build = time.perf_counter() - started
    started = time.perf_counter()
    found = looped.chains("immediate", "enabling", limit=10)
    walk = time.perf_counter() - started
    assert len(found.chains) == 10
    assert found.truncated
    assert walk < build


def test_a_default_chain_is_never_hundreds_of_indicators_long(looped: vc.ValueGraph) -> None:
    found = looped.chains("immediate", "enabling", limit=50)
    assert max(len(c.indicators) for c in found.chains) <= DEFAULT_CUTOFF + 1
    longer = looped.chains("immediate", "enabling", limit=5, cutoff=40)
    assert max(len(c.indicators) for c in longer.chains) > DEFAULT_CUTOFF + 1


def test_every_chain_found_is_a_simple_path_of_flows_within_the_cutoff(
    looped: vc.ValueGraph,
) -> None:
    for cutoff in (6, 7, 9):
        found = looped.chains("immediate", "enabling", limit=30, cutoff=cutoff)
        assert found.chains
        for chain in found.chains:
            ids = chain.indicators
            assert len(set(ids)) == len(ids)
            assert len(ids) - 1 <= cutoff
            assert ids[0].startswith("imm-")
            assert ids[-1].startswith("ena-")
            assert all(
                looped.graph.has_edge(f"indicator:{a}", f"indicator:{b}", "flows")
                for a, b in itertools.pairwise(ids)
            )


def test_the_benchmark_reports_both_times() -> None:
    from chains_looped import run

    result = run(per=8, repeat=1)
    assert result["chains"] == 10
    assert result["longest_chain"] <= DEFAULT_CUTOFF + 1
    assert result["validate_s"] > 0
    assert result["chains_s"] > 0
