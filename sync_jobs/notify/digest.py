"""One person's digest: a title and a plain-text body in their language, grouped by kind of alert.

The words are the ``digest`` part of ``sync_jobs.report.i18n``; the body is ``templates/notify/digest.txt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pac_core.money import places_of
from pac_core.reject_words import reason_words
from pac_core.text import french_spacing
from sync_jobs.notify.alerts import Alert
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label, labels
from sync_jobs.report.templating import render
from sync_jobs.secrets import credential_values, hide_in_crm_text

ORDER = ("action_late", "action_done", "axis_behind", "axis_missed", "recommendation", "rejected")
LINE = {"action_late": "late_line", "action_done": "done_line", "axis_behind": "axis_line",
        "axis_missed": "axis_missed_line", "recommendation": "reco_line", "rejected": "rejected_line"}
MAX_LINES = 25          # per kind: a digest stays readable; the rest is counted


def render_digest(alerts: Sequence[Alert], lang: str, reader: str | None = None) -> tuple[str, str]:
    """(title, body) of the digest, plain text (e-mail, Slack and Teams all show it as written). ``reader``: the
    person it is for (their e-mail): an action's line names its owner, « Julie Martin · Visiter… », unless the reader
    is the owner (a manager reads whose action it is; audit notifyhand F2)."""
    w = labels(lang, "digest")
    groups = []
    for kind in ORDER:
        group = [a for a in alerts if a.kind == kind]
        if group:
            groups.append((kind, [w[LINE[kind]].format(**_values(alert, lang, reader)) for alert in group]))
    # plain text, never escaped, so never scrubbed by the report's escaping: pac's own credentials hidden here, the
    # one place every digest goes through before it leaves (sent, or printed by --dry-run; audit secretsaudit)
    credentials = credential_values()
    body = hide_in_crm_text(render("notify/digest.txt", {"w": w, "groups": groups, "max_lines": MAX_LINES,
                                                         "lang": lang}), credentials)
    title = hide_in_crm_text(w["title"].format(n=len(alerts)), credentials)
    return (french_spacing(title) if lang == "fr" else title), body


def _values(alert: Alert, lang: str, reader: str | None) -> dict[str, str]:
    """The alert's values as the line writes them: pace and rule in words, a missing figure as ``–``, an action's
    owner named before it for anyone else."""
    values = dict(alert.values)
    if alert.kind in ("action_late", "action_done"):
        owner = values.get("owner") or values.get("who", "")
        values["owner"] = "" if not owner or values.get("who") == reader else f"{owner} · "
    if alert.kind in ("axis_behind", "axis_missed"):
        values["pace"] = enum_label("axis_pace", values["pace"], lang)   # « Manqué », the report's axis word
        number = Formatter(lang=lang).number   # « -3 374 % » as the report writes it, not « -3374 % » (docs2 F3)
        # with the decimals the alert kept it with (« 99,96 », an objective missed short of 100 %: audit nearleft)
        values["progress"] = number(Decimal(values["progress"]), max(0, places_of(Decimal(values["progress"])))) \
            if values["progress"] else "–"
        values["expected"] = number(Decimal(values["expected"]), max(0, places_of(Decimal(values["expected"])))) \
            if values["expected"] else "–"
    if alert.kind == "rejected":    # the report's word, « Activités »; the reason in the person's language
        values["object"] = enum_label("object", values["object"], lang)
        # made from its code (``compute_alerts``), else read from its words: the engine's as pac explain words it
        values["reason"] = values.get(f"reason_{lang}") or reason_words(values["reason"], lang)
    if alert.kind == "recommendation":
        values["rule"] = enum_label("rule", values["rule"], lang)
        values["summary"] = values.get(f"summary_{lang}") or values["summary"]   # the advice in the person's words
    return values
