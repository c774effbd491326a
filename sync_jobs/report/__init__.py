"""The quarterly sales-meeting report: one self-contained HTML page, an xlsx workbook, a CSV of actions.

All three read the same ``ReportInputs`` (gathered by ``sync_jobs.app.load_report_inputs``) and write
labels, numbers and dates in the plan's language unless ``lang`` ("fr" or "en") overrides it.
"""

from __future__ import annotations

from pathlib import Path

from sync_jobs.report import csv_export, page, workbook
from sync_jobs.report.scrub import one_environment
from sync_jobs.report_inputs import ReportInputs

__all__ = ["calendar_quarter_note", "render_html", "write_actions_csv", "write_xlsx"]

calendar_quarter_note = page.calendar_quarter_note


def render_html(inputs: ReportInputs, lang: str | None = None) -> str:
    """The report as one HTML document: inline CSS and SVG, no script, no external resource."""
    return page.render(inputs, lang)


def write_xlsx(inputs: ReportInputs, path: str | Path, lang: str | None = None) -> Path:
    """One sheet per view (overview, segments, axes, actions, recommendations, data), real numbers."""
    with one_environment():     # the credentials every cell hides, read once (the secrets file too), not per cell
        return workbook.write(inputs, Path(path), lang)


def write_actions_csv(inputs: ReportInputs, path: str | Path, lang: str | None = None) -> Path:
    """Action progress as CSV for Excel: UTF-8 with BOM; ``;`` and decimal comma in French, ``,`` in English."""
    with one_environment():
        return csv_export.write(inputs, Path(path), lang)
