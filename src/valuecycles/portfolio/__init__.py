"""Many communities: a portfolio of cases rolled up, honestly.

A portfolio file lists the cases (paths or globs) and the portfolio's own
indicators, each a crosswalk from the cases' indicators with the rule they
combine by: ``sum``, ``latest``, ``ratio`` or ``count``.
:func:`load_portfolio` reads it as strictly as a case; :func:`rollup` reads
every case and combines their figures per period, every figure saying how
many communities stand behind it (``reporting``, ``of``). Stories are
counted by reach and by verification, never scored; coverage and gaps come
as cycle x community grids.

>>> import valuecycles as vc
>>> result = vc.rollup(vc.load_portfolio("examples/portfolio/portfolio.yaml"))
>>> [(i.id, i.reporting, i.of) for i in result.indicators][:2]
[('active-members', 5, 5), ('documents-to-date', 3, 3)]
"""

from valuecycles.portfolio._file import (
    COMBINE_RULES,
    PERIOD_GRAINS,
    THRESHOLD_TESTS,
    Portfolio,
    PortfolioCase,
    PortfolioIndicator,
    Selector,
    Threshold,
    load_portfolio,
    portfolio_from_data,
    portfolio_schema,
)
from valuecycles.portfolio._reduce import load_case
from valuecycles.portfolio._results import (
    CaseFigure,
    CaseResult,
    CycleGrid,
    GridCell,
    PortfolioCycle,
    PortfolioGap,
    RolledIndicator,
    RolledPeriod,
    Rollup,
    StoryCounts,
    format_figure,
)
from valuecycles.portfolio._rollup import rollup

__all__ = [
    "COMBINE_RULES",
    "PERIOD_GRAINS",
    "THRESHOLD_TESTS",
    "CaseFigure",
    "CaseResult",
    "CycleGrid",
    "GridCell",
    "Portfolio",
    "PortfolioCase",
    "PortfolioCycle",
    "PortfolioGap",
    "PortfolioIndicator",
    "RolledIndicator",
    "RolledPeriod",
    "Rollup",
    "Selector",
    "StoryCounts",
    "Threshold",
    "format_figure",
    "load_case",
    "load_portfolio",
    "portfolio_from_data",
    "portfolio_schema",
    "rollup",
]
