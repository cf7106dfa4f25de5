"""valuecycles: plan and assess the value that communities of practice create.

It implements the Value Creation Framework of Etienne and Beverly
Wenger-Trayner: value looked at in cycles, each planned in four rounds, and
evidenced by indicators with data over time and by value-creation stories.

>>> import valuecycles as vc
>>> [c.name for c in vc.load_framework().cycles][:2]
['Immediate value', 'Potential value']
"""

from valuecycles._version import __version__
from valuecycles.errors import Problem, ValidationError, ValidationReport
from valuecycles.framework import (
    Cycle,
    Framework,
    Guidance,
    Round,
    UnknownFrameworkError,
    UnknownKeyError,
    load_framework,
    register_framework,
)
from valuecycles.io._document import dump, dumps, load, loads
from valuecycles.model import (
    Aspiration,
    Case,
    Community,
    Condition,
    CyclePlan,
    DataSource,
    Flow,
    Indicator,
    Measure,
    Observation,
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
    WalkError,
    WalkResult,
    guided_walk,
)

__all__ = [
    "Aspiration",
    "Case",
    "Community",
    "Condition",
    "Cycle",
    "CyclePlan",
    "DataSource",
    "Flow",
    "Framework",
    "Guidance",
    "Indicator",
    "Interviewer",
    "LineInterviewer",
    "Measure",
    "Observation",
    "Problem",
    "Prompt",
    "Round",
    "Step",
    "Story",
    "UnknownFrameworkError",
    "UnknownKeyError",
    "ValidationError",
    "ValidationReport",
    "Verification",
    "WalkError",
    "WalkResult",
    "__version__",
    "dump",
    "dumps",
    "guided_walk",
    "load",
    "load_framework",
    "loads",
    "register_framework",
    "render_report",
    "validate",
    "write_report",
]
