"""Small HTML pieces shared by the report's sections: the macros of ``templates/widgets.html``, callable from
the sections still built in Python. ``e`` escapes every CRM or plan string (secrets scrubbed, then entities)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pac_core.plan import Axis
from pac_core.results import Pace
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.templating import PACE_SYMBOLS, escape_html, macros, markup
from sync_jobs.report.view import axis_status

__all__ = ["PACE_SYMBOLS", "e", "empty", "pace_badge", "section", "state_badge", "state_reason", "table"]

_WIDGETS: Any = macros("widgets.html")


def e(text: object) -> str:
    """Secrets scrubbed, then text- and attribute-safe: ``<``, ``>``, ``&``, ``"`` and ``'`` become entities."""
    return escape_html(text)


def pace_badge(pace: Pace | str | None, lang: str) -> str:
    """Colour, symbol and word: the status reads without colour (projector, black-and-white print)."""
    return str(_WIDGETS.pace_badge(pace, lang))


def state_badge(axis: Axis, fmt: Formatter) -> str:
    return str(_WIDGETS.state_badge(axis, axis_status(axis, fmt)))


def state_reason(axis: Axis) -> str:
    return str(_WIDGETS.state_reason(axis))


def table(headers: Iterable[tuple[str, str]], rows: Iterable[str], *, css: str = "") -> str:
    """``headers`` are (text, class) pairs; ``rows`` already rendered (and escaped) ``<tr>`` strings."""
    return str(_WIDGETS.table(list(headers), markup("".join(rows)), css))


def section(anchor: str, title: str, body: str, *, lead: str = "") -> str:
    return str(_WIDGETS.section(anchor, title, markup(body), lead))


def empty(text: str) -> str:
    return str(_WIDGETS.empty(text))
