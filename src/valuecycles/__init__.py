"""valuecycles: plan and assess the value that communities of practice create.

It implements the Value Creation Framework of Etienne and Beverly
Wenger-Trayner: value looked at in cycles, each planned in four rounds, and
evidenced by indicators with data over time and by value-creation stories.

>>> import valuecycles as vc
>>> [c.name for c in vc.load_framework().cycles][:2]
['Immediate value', 'Potential value']
"""

import importlib
from typing import TYPE_CHECKING, Any

from valuecycles._version import __version__
from valuecycles.errors import (
    PluginError,
    Problem,
    UnknownElementError,
    UnknownFrameworkError,
    UnknownKeyError,
    ValidationError,
    ValidationReport,
    ValuecyclesError,
    WalkError,
)
from valuecycles.evidence import (
    ContributionSeries,
    IndicatorProgress,
    Matrix,
    MatrixCell,
    Progress,
    SeriesPoint,
    matrix,
    progress,
    story_summaries,
)
from valuecycles.framework import (
    Cycle,
    Framework,
    Guidance,
    Round,
    load_framework,
    register_framework,
    registered_frameworks,
)
from valuecycles.io import (
    ImportReport,
    ReadResult,
    add_observations,
    case_schema,
    dump,
    dumps,
    export_tables,
    export_workbook,
    framework_schema,
    import_observations,
    load,
    loads,
    read,
    reads,
)
from valuecycles.model import (
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Derivation,
    Flow,
    Indicator,
    Measure,
    Observation,
    Provenance,
    Step,
    Story,
    Verification,
    validate,
)
from valuecycles.portfolio import (
    CaseResult,
    CycleGrid,
    Portfolio,
    RolledIndicator,
    RolledPeriod,
    Rollup,
    StoryCounts,
    load_portfolio,
    portfolio_schema,
    rollup,
)
from valuecycles.walk import (
    Interviewer,
    LineInterviewer,
    Prompt,
    WalkResult,
    guided_walk,
)

if TYPE_CHECKING:
    from valuecycles.graph import (
        Chain,
        ChainLink,
        Chains,
        Coverage,
        CoverageCell,
        Gap,
        Gaps,
        StoryList,
        StoryReach,
        Upstream,
        UpstreamIndicator,
        ValueGraph,
        build_graph,
    )
    from valuecycles.report import render_report, write_report

#: Names whose modules load on first use: the graph brings networkx, the report
#: matplotlib, and ``import valuecycles`` should not pay for them.
_LAZY = {
    "Chain": "valuecycles.graph",
    "ChainLink": "valuecycles.graph",
    "Chains": "valuecycles.graph",
    "Coverage": "valuecycles.graph",
    "CoverageCell": "valuecycles.graph",
    "Gap": "valuecycles.graph",
    "Gaps": "valuecycles.graph",
    "StoryList": "valuecycles.graph",
    "StoryReach": "valuecycles.graph",
    "Upstream": "valuecycles.graph",
    "UpstreamIndicator": "valuecycles.graph",
    "ValueGraph": "valuecycles.graph",
    "build_graph": "valuecycles.graph",
    "render_report": "valuecycles.report",
    "write_report": "valuecycles.report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'valuecycles' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Aspiration",
    "Case",
    "CaseResult",
    "Chain",
    "ChainLink",
    "Chains",
    "Community",
    "Condition",
    "ContributionSeries",
    "Coverage",
    "CoverageCell",
    "Cycle",
    "CycleGrid",
    "CyclePlan",
    "DataSource",
    "Derivation",
    "Flow",
    "Framework",
    "Gap",
    "Gaps",
    "Guidance",
    "ImportReport",
    "Indicator",
    "IndicatorProgress",
    "Interviewer",
    "LineInterviewer",
    "Matrix",
    "MatrixCell",
    "Measure",
    "Observation",
    "PluginError",
    "Portfolio",
    "Problem",
    "Progress",
    "Prompt",
    "Provenance",
    "ReadResult",
    "RolledIndicator",
    "RolledPeriod",
    "Rollup",
    "Round",
    "SeriesPoint",
    "Step",
    "Story",
    "StoryCounts",
    "StoryList",
    "StoryReach",
    "UnknownElementError",
    "UnknownFrameworkError",
    "UnknownKeyError",
    "Upstream",
    "UpstreamIndicator",
    "ValidationError",
    "ValidationReport",
    "ValueGraph",
    "ValuecyclesError",
    "Verification",
    "WalkError",
    "WalkResult",
    "__version__",
    "add_observations",
    "build_graph",
    "case_schema",
    "dump",
    "dumps",
    "export_tables",
    "export_workbook",
    "framework_schema",
    "guided_walk",
    "import_observations",
    "load",
    "load_framework",
    "load_portfolio",
    "loads",
    "matrix",
    "portfolio_schema",
    "progress",
    "read",
    "reads",
    "register_framework",
    "registered_frameworks",
    "render_report",
    "rollup",
    "story_summaries",
    "validate",
    "write_report",
]
