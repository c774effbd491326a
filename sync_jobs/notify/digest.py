"""One person's digest: a title and a plain-text body in their language, grouped by kind of alert."""

from __future__ import annotations

from collections.abc import Sequence

from sync_jobs.notify.alerts import Alert
from sync_jobs.report.i18n import enum_label

WORDS = {
    "fr": {"title": "PAC — ce qui a changé pour vous ({n})", "action_late": "Actions manquées (fenêtre close)",
           "action_done": "Actions terminées", "axis_behind": "Axes en retard sur leur rythme",
           "recommendation": "Nouvelles recommandations du conseiller",
           "rejected": "Enregistrements du CRM rejetés, à corriger",
           "late_line": "{text} : {done} / {target} ({axis})", "done_line": "{text} : {done} / {target}",
           "axis_line": "{name} : {pace}, {progress} % de l'objectif (attendu à ce jour : {expected} %)",
           "reco_line": "{rule} · {axis} : {summary}", "rejected_line": "{source} {object} {id} : {reason}",
           "more": "… et {n} autres", "footer": "Envoyé par pac après la synchronisation de la nuit. "
           "Chaque alerte n'est envoyée qu'une fois. La revue complète : pac review."},
    "en": {"title": "PAC — what changed for you ({n})", "action_late": "Missed actions (window closed)",
           "action_done": "Actions done", "axis_behind": "Axes behind their pace",
           "recommendation": "New recommendations from the advisor",
           "rejected": "CRM records rejected, to fix",
           "late_line": "{text}: {done} / {target} ({axis})", "done_line": "{text}: {done} / {target}",
           "axis_line": "{name}: {pace}, {progress}% of the objective (expected by now: {expected}%)",
           "reco_line": "{rule} · {axis}: {summary}", "rejected_line": "{source} {object} {id}: {reason}",
           "more": "… and {n} more", "footer": "Sent by pac after the nightly sync. Each alert is sent once. "
           "The full review: pac review."},
}
ORDER = ("action_late", "action_done", "axis_behind", "recommendation", "rejected")
LINE = {"action_late": "late_line", "action_done": "done_line", "axis_behind": "axis_line",
        "recommendation": "reco_line", "rejected": "rejected_line"}
MAX_LINES = 25          # per kind: a digest stays readable; the rest is counted


def render_digest(alerts: Sequence[Alert], lang: str) -> tuple[str, str]:
    """(title, body) of the digest, plain text (e-mail, Slack and Teams all show it as written)."""
    w = WORDS[lang]
    lines: list[str] = []
    for kind in ORDER:
        group = [a for a in alerts if a.kind == kind]
        if not group:
            continue
        lines += [f"{w[kind]} ({len(group)})"]
        for alert in group[:MAX_LINES]:
            values = dict(alert.values)
            if kind == "axis_behind":
                values["pace"] = enum_label("pace", values["pace"], lang)
                values["progress"] = values["progress"] or "–"
                values["expected"] = values["expected"] or "–"
            if kind == "recommendation":
                values["rule"] = enum_label("rule", values["rule"], lang)
            lines.append("- " + w[LINE[kind]].format(**values))
        if len(group) > MAX_LINES:
            lines.append("- " + w["more"].format(n=len(group) - MAX_LINES))
        lines.append("")
    lines.append(w["footer"])
    return w["title"].format(n=len(alerts)), "\n".join(lines)
