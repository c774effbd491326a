"""What the report's Python code still writes as HTML (the charts' notes, a section's empty state): ``e`` escapes
a CRM or plan string (secrets scrubbed, then entities), ``empty`` is the ``empty`` macro of
``templates/widgets.html`` (the pieces every template shares: badges, tables, sections)."""

from __future__ import annotations

from typing import Any

from sync_jobs.report.templating import escape_html, macros

__all__ = ["e", "empty"]

_WIDGETS: Any = macros("widgets.html")


def e(text: object) -> str:
    """Secrets scrubbed, then text- and attribute-safe: ``<``, ``>``, ``&``, ``"`` and ``'`` become entities."""
    return escape_html(text)


def empty(text: str) -> str:
    return str(_WIDGETS.empty(text))
