"""Reports: one self-contained HTML page, or Markdown for a wiki, with trend plots.

The HTML report is a single file that works offline and can be mailed: the
CSS and the SVG plots are inline, it loads nothing and needs no script (a
Content-Security-Policy in the page forbids both). Every piece of the case's
text is escaped. The same case gives the same bytes.

The Markdown report suits a wiki: :func:`render_report` leaves the plots out
(with a note), and :func:`write_report` writes them as SVG files in a folder
beside the Markdown file (``report.md`` gets ``report-plots/``) and links
them.

Narrators are shown as their consent allows (see :func:`narrator_line`).
"""

from __future__ import annotations

from valuecycles.report._data import Audience, OnProgress, ReportData, gather, narrator_line
from valuecycles.report._portfolio import render_portfolio_html, write_portfolio_report
from valuecycles.report._render import (
    REPORT_FORMATS,
    format_for_report,
    render_report,
    write_report,
)

__all__ = [
    "REPORT_FORMATS",
    "Audience",
    "OnProgress",
    "ReportData",
    "format_for_report",
    "gather",
    "narrator_line",
    "render_portfolio_html",
    "render_report",
    "write_portfolio_report",
    "write_report",
]
