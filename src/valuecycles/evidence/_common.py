"""What the evidence queries share: the framework a case is read against."""

from __future__ import annotations

from typing import Final

from valuecycles._text import data_frame
from valuecycles.framework import Framework
from valuecycles.model import Case

__all__ = [
    "JSON_VERSION",
    "PROGRESS_COLUMNS",
    "cycle_order",
    "data_frame",
    "framework_for",
    "framework_or_none",
]

#: The ``schema_version`` of every ``--json`` payload.
JSON_VERSION: Final = 1

#: The columns of :meth:`Progress.to_frame`, in order.
PROGRESS_COLUMNS: Final = ("indicator", "cycle", "period", "value", "evidence", "group")


def framework_for(case: Case, framework: Framework | None) -> Framework:
    """``framework`` when given, else the registered framework (and version) the case names."""
    if framework is not None:
        return framework
    from valuecycles.framework import case_framework

    return case_framework(case.framework, case.framework_version)


def framework_or_none(case: Case, framework: Framework | None) -> Framework | None:
    """Like :func:`framework_for`, but ``None`` for a framework that is not registered.

    Progress and the matrix need a framework only to put cycles in order and
    to resolve aliases, so they still answer for a case whose framework file
    was not given.
    """
    from valuecycles.errors import UnknownFrameworkError

    try:
        return framework_for(case, framework)
    except UnknownFrameworkError:
        return None


def cycle_order(framework: Framework | None) -> dict[str, int]:
    """Each cycle key's position in the framework's order (empty without one)."""
    if framework is None:
        return {}
    return {key: n for n, key in enumerate(framework.cycle_keys)}
