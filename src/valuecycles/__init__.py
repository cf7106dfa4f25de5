"""valuecycles: plan and assess the value that communities of practice create.

It implements the Value Creation Framework of Etienne and Beverly
Wenger-Trayner: value looked at in cycles, each planned in four rounds, and
evidenced by indicators with data over time and by value-creation stories.

>>> import valuecycles as vc
>>> [c.name for c in vc.load_framework().cycles][:2]
['Immediate value', 'Potential value']
"""

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
from valuecycles.io._document import dump, dumps, load, loads
from valuecycles.io._schema import case_schema, framework_schema
from valuecycles.io._tables import (
    ImportReport,
    add_observations,
    export_tables,
    import_observations,
)
from valuecycles.io._workbook import export_workbook
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
)
from valuecycles.model._validate import validate
from valuecycles.report import render_report, write_report
from valuecycles.walk import (
    Interviewer,
    LineInterviewer,
    Prompt,
    WalkResult,
    guided_walk,
)

__all__ = [
    "Aspiration",
    "Case",
    "Chain",
    "ChainLink",
    "Chains",
    "Community",
    "Condition",
    "Coverage",
    "CoverageCell",
    "Cycle",
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
    "Problem",
    "Progress",
    "Prompt",
    "Provenance",
    "Round",
    "SeriesPoint",
    "Step",
    "Story",
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
    "loads",
    "matrix",
    "progress",
    "register_framework",
    "registered_frameworks",
    "render_report",
    "story_summaries",
    "validate",
    "write_report",
]
