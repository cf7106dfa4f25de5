"""Evidence: indicator progress over time, value-creation stories and the matrix.

These queries need only the case, not the graph. Indicators and their data
give the collective picture (:func:`progress`); value-creation stories give
the individual, causal one (:func:`story_summaries`); the value-creation
matrix (:func:`matrix`) crosses the two.

Progress, in short (the full rules are in :func:`progress`): an
indicator's series is made of its effect observations, its contribution
observations are compared apart, one series per group of their
``dimensions``; each observation covers a period (its ``period``, else its date's month or the
period of its data source's cadence); a period's observations combine by the
indicator's aggregation; ``progress`` is ``(latest - baseline) / (target -
baseline)``, 0 at the baseline and 1 at the target in either direction, not
clamped; an unknown value is ``None`` and ``status`` says why. Every
function takes ``as_of``: what is dated after it is left out.
"""

from valuecycles.evidence._matrix import Matrix, MatrixCell, matrix
from valuecycles.evidence._periods import (
    INTERVALS,
    cadence_interval,
    granularity_of,
    period_key,
    period_span,
)
from valuecycles.evidence._progress import (
    STATUSES,
    ContributionSeries,
    IndicatorProgress,
    Progress,
    SeriesPoint,
    progress,
)
from valuecycles.evidence._stories import StoryList, StoryReach, story_summaries

__all__ = [
    "INTERVALS",
    "STATUSES",
    "ContributionSeries",
    "IndicatorProgress",
    "Matrix",
    "MatrixCell",
    "Progress",
    "SeriesPoint",
    "StoryList",
    "StoryReach",
    "cadence_interval",
    "granularity_of",
    "matrix",
    "period_key",
    "period_span",
    "progress",
    "story_summaries",
]
