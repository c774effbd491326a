"""The monthly review as Markdown (a chat message, a wiki page, an e-mail body): same content as the HTML.

The text is ``templates/review/review.md``. Table cells escape ``|``, ``*``, ``_``, backticks, ``<``, ``>`` and
``$`` (the ``md`` filter, ``sync_jobs.report.templating.escape_md``) so a plan or CRM string cannot break the table
or inject markup; secrets are scrubbed like everywhere else.
"""

from __future__ import annotations

from sync_jobs.report.scrub import one_environment
from sync_jobs.report.templating import escape_md
from sync_jobs.report.templating import render as render_template
from sync_jobs.review.common import formatter, values
from sync_jobs.review.model import Review

__all__ = ["md", "render"]

md = escape_md


def render(review: Review, lang: str | None = None) -> str:
    fmt = formatter(review, lang)
    with one_environment():
        return render_template("review/review.md", values(review, fmt)) + "\n"
