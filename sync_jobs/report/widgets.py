"""Small HTML pieces shared by the report's sections. ``e`` escapes every CRM or plan string."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from pac_core.plan import Axis, AxisState
from pac_core.results import Pace
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label
from sync_jobs.report.scrub import scrub
from sync_jobs.report.view import axis_status

PACE_SYMBOLS = {"done": "✓", "on_track": "●", "at_risk": "▲", "late": "✕", "not_started": "○", "inactive": "–"}


def e(text: object) -> str:
    """Secrets scrubbed, then text- and attribute-safe: ``<``, ``>``, ``&``, ``"`` and ``'`` become entities."""
    return escape(scrub("" if text is None else str(text)), quote=True)


def pace_badge(pace: Pace | str | None, lang: str) -> str:
    """Colour, symbol and word: the status reads without colour (projector, black-and-white print)."""
    if pace is None:
        return '<span class="badge">–</span>'
    code = str(pace)
    return (f'<span class="badge pace-{e(code)}"><span class="sym" aria-hidden="true">{PACE_SYMBOLS.get(code, "")}'
            f"</span>{e(enum_label('pace', code, lang))}</span>")


def state_badge(axis: Axis, fmt: Formatter) -> str:
    state = axis.status.state
    title = f' title="{e(axis.status.reason)}"' if axis.status.reason else ""
    return f'<span class="badge state-{e(state.value)}"{title}>{e(axis_status(axis, fmt))}</span>'


def state_reason(axis: Axis) -> str:
    if axis.status.state in (AxisState.SUSPENDED, AxisState.DROPPED) and axis.status.reason:
        return f'<div class="sub">{e(axis.status.reason)}</div>'
    return ""


def table(headers: Iterable[tuple[str, str]], rows: Iterable[str], *, css: str = "") -> str:
    """``headers`` are (text, class) pairs; ``rows`` already rendered ``<tr>`` strings."""
    head = "".join(f'<th class="{c}">{e(t)}</th>' for t, c in headers)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def section(anchor: str, title: str, body: str, *, lead: str = "") -> str:
    lead_html = f'<p class="lead">{e(lead)}</p>' if lead else ""
    return f'<section id="{e(anchor)}"><h2>{e(title)}</h2>{lead_html}{body}</section>'


def empty(text: str) -> str:
    return f'<p class="empty">{e(text)}</p>'
