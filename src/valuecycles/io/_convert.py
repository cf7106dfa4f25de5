"""The case's converter: plain data to the case models and back.

The converter itself (``valuecycles._text.Converter``) knows no model; this
module gives it the case's allowed values' names, and the case's own rules
for the whole document: which schema versions are read, and that
``schema_version`` and ``framework`` come first when a case is written.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from valuecycles._text import Converter, describe
from valuecycles.errors import Problem
from valuecycles.framework import Framework, get_framework
from valuecycles.io._mirror import item_reader
from valuecycles.model import (
    ENUM_NAMES,
    SCHEMA_VERSION,
    Aspiration,
    Case,
    Condition,
    DataSource,
    Flow,
    Indicator,
    Measure,
    Observation,
    Step,
    Story,
)

__all__ = [
    "CONVERTER",
    "check_schema_version",
    "cycle_order",
    "structure",
    "to_data",
    "unstructure_case",
]

T = TypeVar("T")

#: The converter every case document is read and written with.
CONVERTER: Final = Converter(enum_names=ENUM_NAMES)
#: The models that come in lists, whose items the mirror reads first.
_LISTED: Final = (
    Aspiration,
    Condition,
    Indicator,
    DataSource,
    Measure,
    Flow,
    Observation,
    Step,
    Story,
)


def structure(data: object, cls: type[T], *, root: str = "$") -> T:
    """Build a case model from plain data, raising :class:`ValidationError` with every problem.

    Each item of a list of models is read through the msgspec mirror first;
    cattrs reads (and reports) only the items the mirror gives up on.
    """
    if not CONVERTER.item_readers:
        CONVERTER.item_readers.update({cls: item_reader(cls) for cls in _LISTED})
    return CONVERTER.structure(data, cls, root=root)


def to_data(model: object) -> Any:
    """Plain data for a case or any of its models, in the document's keys, defaults left out.

    >>> import datetime, valuecycles as vc
    >>> from valuecycles.io import to_data
    >>> to_data(vc.Observation(indicator="attendance", date=datetime.date(2026, 3, 1), value=12))
    {'indicator': 'attendance', 'date': datetime.date(2026, 3, 1), 'value': 12}
    """
    if isinstance(model, Case):
        return unstructure_case(model)
    return CONVERTER.unstructure(model)


def check_schema_version(data: object) -> list[Problem]:
    """Problems with a document's ``schema_version``: the wrong type, or not one this reads."""
    if not isinstance(data, dict) or "schema_version" not in data:
        return []
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        message = f"expected an integer, got {describe(version)}"
        return [Problem("$.schema_version", "wrong-type", message)]
    if version > SCHEMA_VERSION:
        message = (
            f"the document is schema version {version}, but this valuecycles reads "
            f"versions up to {SCHEMA_VERSION}; upgrade valuecycles to read it"
        )
        return [Problem("$.schema_version", "unsupported-version", message)]
    if version < 1:
        message = f"schema version {version} does not exist; the first version is 1"
        return [Problem("$.schema_version", "unsupported-version", message)]
    return []


def cycle_order(name: object, framework: Framework | None = None) -> tuple[str, ...]:
    """The order cycles are written in: each cycle's key then its aliases, in framework order.

    The framework is ``framework`` if given, else the registered one ``name``
    names; none (not a name, unknown, failing to load) gives ``()``, and the
    cycles keep the document's order.

    >>> cycle_order("wenger-trayner")[:3]
    ('immediate', 'potential', 'applied')
    >>> cycle_order(3)
    ()
    """
    if framework is None:
        if not isinstance(name, str):
            return ()
        try:
            framework = get_framework(name)
        except Exception:  # a plugin that fails to load: the document's own order
            return ()
        if framework is None:
            return ()
    return tuple(key for cycle in framework.cycles for key in (cycle.key, *cycle.aliases))


def unstructure_case(
    case: Case, cycle_order: tuple[str, ...] = (), *, shallow: bool = False
) -> dict[str, Any]:
    """Plain data for a case; cycles in ``cycle_order`` first, then the others in the case's.

    With ``shallow``, for orjson given ``CONVERTER.shallow_default`` only: the
    case's own mapping, holding its models, tuples and mappings as they are.
    """
    data: dict[str, Any] = CONVERTER.unstructure(case, shallow=shallow)
    if cycle_order and "cycles" in data:
        cycles = data["cycles"]
        ordered = {k: cycles[k] for k in cycle_order if k in cycles}
        ordered.update({k: v for k, v in cycles.items() if k not in ordered})
        data["cycles"] = ordered
    return data
