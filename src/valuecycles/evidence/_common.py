"""What the evidence queries share: the framework a case is read against."""

from __future__ import annotations

from valuecycles.framework._model import Framework
from valuecycles.model._case import Case

__all__ = ["framework_for"]


def framework_for(case: Case, framework: Framework | None) -> Framework:
    """``framework`` when given, else the registered framework (and version) the case names."""
    if framework is not None:
        return framework
    from valuecycles.framework._registry import case_framework

    return case_framework(case.framework, case.framework_version)
