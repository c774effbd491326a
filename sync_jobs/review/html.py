"""The monthly review as one self-contained HTML page (``templates/review/page.html``), in the report's style.

Every plan or CRM string is escaped by the template (autoescape, with the report's escaping: secrets scrubbed,
then entities); the page forbids scripts and network like the quarterly report (same Content-Security-Policy).
"""

from __future__ import annotations

from sync_jobs.report.i18n import enum_label
from sync_jobs.report.page import CSP
from sync_jobs.report.scrub import one_environment, scrub_page
from sync_jobs.report.style import CSS
from sync_jobs.report.templating import markup
from sync_jobs.report.templating import render as render_template
from sync_jobs.review.common import TEAM_PACES, change_text, formatter, values
from sync_jobs.review.model import Review

__all__ = ["EXTRA_CSS", "change_text", "formatter", "render"]

EXTRA_CSS = """
.rep-block{border-top:1px solid var(--line);padding-top:6px;margin-top:14px}
.rep-block:first-of-type{border-top:0}
.chg{font-size:13px;color:var(--muted)}
.tag.new{background:#e7f0ff;color:var(--accent);border-radius:8px;padding:1px 7px;font-size:12px;font-weight:600}
.tag.still{background:#f1f3f6;color:var(--muted);border-radius:8px;padding:1px 7px;font-size:12px}
ul.withdrawn{color:var(--muted);margin:6px 0 0 18px;padding:0}
"""


def render(review: Review, lang: str | None = None) -> str:
    fmt = formatter(review, lang)
    with one_environment():
        page = render_template("review/page.html", {
            **values(review, fmt), "csp": markup(CSP), "css": markup(CSS + EXTRA_CSS),
            "team_headers": [(enum_label("pace", p.value, fmt.lang), "num") for p in TEAM_PACES]})
        return scrub_page(page)
