"""Frozen models made in bulk through a twin class are the models' own instances.

``valuecycles._frozen`` fills a plain class with a model's slots and turns
the object into the model. These tests check that what comes out is
indistinguishable from what the model's constructor makes (equal, hashed
alike, frozen, of the model's own class), that the slower way taken where
Python refuses the change gives the same, and that every model a case is
read into really takes the fast way, so a slot added by mistake (a
``__weakref__``) shows here rather than as a slower load.
"""

from __future__ import annotations

import contextlib
import copy
import pickle
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import valuecycles as vc
from strategies import cases
from test_mirror import EXAMPLE_CASES, example_framework
from valuecycles import _frozen
from valuecycles.evidence._progress import IndicatorProgress, SeriesPoint
from valuecycles.io import _mirror

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@attrs.frozen(weakref_slot=False)
class Point:
    x: int
    y: object = None


@attrs.frozen
class WithWeakref:
    x: int
    y: object = None


def test_twin_makes_the_class_own_instance() -> None:
    make = _frozen.maker(Point)
    made = make(1, (2, 3))
    assert type(made) is Point
    assert made == Point(1, (2, 3))
    assert hash(made) == hash(Point(1, (2, 3)))
    assert repr(made) == "Point(x=1, y=(2, 3))"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.x = 2  # type: ignore[misc]
    assert attrs.evolve(made, x=5) == Point(5, (2, 3))


def test_a_class_with_a_weakref_slot_has_no_twin_and_is_made_the_slow_way() -> None:
    assert _frozen.twin(WithWeakref) is None
    made = _frozen.maker(WithWeakref)(1, "a")
    assert type(made) is WithWeakref
    assert made == WithWeakref(1, "a")


def test_a_class_with_a_dict_has_no_twin() -> None:
    @attrs.frozen(slots=False)
    class Loose:
        x: int

    assert _frozen.twin(Loose) is None


def test_makers_refuse_the_wrong_number_of_values() -> None:
    with pytest.raises(ValueError, match="Point has 2 fields, got 1 values"):
        _frozen.fill_lines(Point, ["a"], {})
    with pytest.raises(TypeError):
        _frozen.maker(Point)(1)


@contextlib.contextmanager
def twins(on: bool) -> Iterator[None]:
    """Twins on or off, with the mirror and makers made afresh inside and after."""

    def forget() -> None:
        _frozen._TWINS.clear()
        _mirror._MIRRORS.clear()
        _mirror._SOURCES.clear()
        _mirror._made.clear()

    saved = _frozen.use_twins
    _frozen.use_twins = on
    forget()
    try:
        yield
    finally:
        _frozen.use_twins = saved
        forget()


def test_every_model_a_case_is_read_into_takes_the_fast_way() -> None:
    _mirror._readers()
    assert _mirror._MIRRORS, "the mirror was not made"
    for model in (*_mirror._MIRRORS, SeriesPoint, IndicatorProgress):
        assert _frozen.twin(model) is not None, f"{model.__name__} cannot be filled fast"
        assert f"o.__class__ = {model.__name__}" in _frozen.fill_lines(
            model, ["None"] * len(attrs.fields(model)), {}
        )


@pytest.mark.parametrize("name", EXAMPLE_CASES)
def test_the_slow_way_reads_the_same_case(name: str) -> None:
    framework = example_framework(name)
    fast = vc.load(EXAMPLES / name, framework=framework)
    with twins(on=False):
        slow = vc.load(EXAMPLES / name, framework=framework)
        assert "_set_Observation_indicator(o, " in _mirror._SOURCES["Observation"]
    assert slow == fast
    _mirror._readers()
    assert "o.__class__ = Observation" in _mirror._SOURCES["Observation"]


@given(cases())
def test_generated_cases_read_alike_both_ways(case: vc.Case) -> None:
    text = vc.dumps(case, "json")
    with twins(on=False):
        slow = vc.loads(text, "json")
    _mirror._readers()
    assert vc.loads(text, "json") == slow == case


@given(st.integers(), st.one_of(st.none(), st.text(), st.tuples(st.integers())))
def test_made_points_equal_constructed_ones(x: int, y: object) -> None:
    made = _frozen.maker(Point)(x, y)
    assert made == Point(x, y)
    assert hash(made) == hash(Point(x, y))


def test_a_read_case_pickles_and_copies_like_a_constructed_one() -> None:
    case = vc.load(EXAMPLES / "evaluators-network.yaml")
    assert pickle.loads(pickle.dumps(case)) == case
    assert copy.deepcopy(case) == case
    assert attrs.evolve(case, extra={"k": 1}).extra == {"k": 1}
    assert copy.copy(case.observations[0]) == case.observations[0]
