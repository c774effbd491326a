"""The monthly action review (``pac review``): per rep and for the manager, as HTML or Markdown.

``load_review`` gathers it from the store (no CRM call); ``render_html`` / ``render_markdown`` write it in
the plan's language unless ``lang`` ("fr" or "en") overrides it.
"""

from __future__ import annotations

from sync_jobs.review.html import render as render_html
from sync_jobs.review.load import load_review
from sync_jobs.review.markdown import render as render_markdown
from sync_jobs.review.model import Review, build_review

__all__ = ["Review", "build_review", "load_review", "render_html", "render_markdown"]
