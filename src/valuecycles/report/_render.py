"""Render a report to text, or write it to a file (with its plots for Markdown)."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Final, Literal

from valuecycles._gc import gc_paused
from valuecycles._text import atomic_write, format_from_suffix
from valuecycles.framework import Framework
from valuecycles.model import Case
from valuecycles.report._data import Audience, OnProgress, gather

__all__ = ["REPORT_FORMATS", "ReportFormat", "format_for_report", "render_report", "write_report"]

ReportFormat = Literal["html", "markdown"]
#: The report formats, and the file suffixes that select them.
REPORT_FORMATS: Final[dict[str, ReportFormat]] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
}


def format_for_report(path: str | os.PathLike[str], format: str | None = None) -> ReportFormat:
    """The format named, or the one the file's suffix selects (``.html``, ``.md``).

    Anything else is a :class:`~valuecycles.ValidationError` (a
    :class:`ValueError`) with the code ``unsupported-format``.

    >>> format_for_report("wiki/report.md"), format_for_report("report.txt", "html")
    ('markdown', 'html')
    """
    return format_from_suffix(path, format, REPORT_FORMATS, "report")


def render_report(
    case: Case,
    format: str = "html",
    *,
    framework: Framework | None = None,
    as_of: _dt.date | None = None,
    audience: Audience = "internal",
    on_progress: OnProgress | None = None,
) -> str:
    """A report on a case as text: ``"html"`` (one self-contained page) or ``"markdown"``.

    ``as_of`` is the date overdue data is judged against, shown in the
    report (today by default: give it for a report that must not change from
    one day to the next; the same case and date give the same bytes).
    ``audience="public"`` leaves out the names of narrators who consented
    to internal use only. ``on_progress(done, total, what)`` is called as
    each part is made. In Markdown the plots are left out, with a note; use
    :func:`write_report` to get them as SVG files beside the text.

    >>> import datetime, valuecycles as vc
    >>> case = vc.Case(community=vc.Community(name="Evaluators <east>"))
    >>> page = vc.render_report(case, as_of=datetime.date(2026, 1, 1))
    >>> "<h1>Evaluators &lt;east&gt;</h1>" in page
    True
    """
    kind = format_for_report("", format)
    with gc_paused():
        data = gather(
            case,
            framework=framework,
            as_of=as_of,
            audience=audience,
            inline_plots=kind == "html",
            on_progress=on_progress,
        )
        if kind == "html":
            from valuecycles.report._html import render_html

            return render_html(data)
        from valuecycles.report._markdown import render_markdown

        return render_markdown(data, None)


def write_report(
    case: Case,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    framework: Framework | None = None,
    as_of: _dt.date | None = None,
    audience: Audience = "internal",
    on_progress: OnProgress | None = None,
) -> list[Path]:
    """Write a report on a case to ``path``; return the files written.

    The format comes from the suffix (``.html``, ``.md``) unless given. A
    Markdown report gets its plots as SVG files in a folder beside it
    (``report.md`` gets ``report-plots/``), linked from the text. Every file
    is written atomically.
    """
    target = Path(path)
    kind = format_for_report(target, format)
    with gc_paused():
        return _write(case, target, kind, framework, as_of, audience, on_progress)


def _write(
    case: Case,
    target: Path,
    kind: ReportFormat,
    framework: Framework | None,
    as_of: _dt.date | None,
    audience: Audience,
    on_progress: OnProgress | None,
) -> list[Path]:
    data = gather(
        case,
        framework=framework,
        as_of=as_of,
        audience=audience,
        inline_plots=kind == "html",
        standalone_plots=kind == "markdown",
        on_progress=on_progress,
    )
    if kind == "html":
        from valuecycles.report._html import render_html

        atomic_write(target, render_html(data))
        return [target]
    from valuecycles.report._markdown import graph_file_names, plot_file_names, render_markdown

    written: list[Path] = []
    folder_name = f"{target.stem}-plots"
    names = plot_file_names(data)
    if data.files or data.picture_files:
        folder = target.parent / folder_name
        folder.mkdir(exist_ok=True)
        for ident, svg in data.files.items():
            file = folder / names[ident]
            atomic_write(file, svg)
            written.append(file)
        for name, svg in zip(graph_file_names(data), data.picture_files, strict=True):
            file = folder / name
            atomic_write(file, svg)
            written.append(file)
    atomic_write(target, render_markdown(data, folder_name))
    return [target, *written]
