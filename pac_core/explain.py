"""``pac explain ACTION`` as plain data: a header line, then counted lines and near misses with reasons.

The CLI renders the rows (a Rich table); this module only decides their content and order: counted
activities first (in time order), then the near misses, each with the rule that rejected it and a
reason in the plan's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pac_core.plan import Plan
from pac_core.results import Decision, Evaluation

REASONS = {   # the one wording of each decision rule, for pac explain and the report
    "fr": {
        "counted": "comptée", "outside_window": "hors de la période", "other_owner": "autre commercial",
        "outside_scope": "compte hors périmètre", "cancelled": "annulée", "no_show": "absent (no-show)",
        "planned": "pas encore réalisée", "wrong_type": "autre type d'activité",
        "duplicate_account": "compte déjà compté", "deleted": "supprimée", "no_account": "sans compte",
        "no_owner": "sans propriétaire", "no_start": "sans date", "unknown_type": "type inconnu",
        "truncated": "non listées", "no_amount": "sans montant", "no_close_date": "sans date de clôture",
        "unknown_currency": "devise sans taux de change", "currency": "devise sans taux de change",
    },
    "en": {
        "counted": "counted", "outside_window": "outside the window", "other_owner": "another rep",
        "outside_scope": "account outside the scope", "cancelled": "cancelled", "no_show": "no-show",
        "planned": "not done yet", "wrong_type": "another activity type",
        "duplicate_account": "account already counted", "deleted": "deleted", "no_account": "no account",
        "no_owner": "no owner", "no_start": "no date", "unknown_type": "unknown type",
        "truncated": "not listed", "no_amount": "no amount", "no_close_date": "no close date",
        "unknown_currency": "currency without an exchange rate", "currency": "currency without an exchange rate",
    },
}


@dataclass(frozen=True)
class Explanation:
    """What ``pac explain`` prints: ``header`` then one row per decision (plain dicts)."""

    action_id: str
    text: str
    header: str
    rows: tuple[dict[str, Any], ...]


def explain_action(plan: Plan, evaluation: Evaluation, action_id: str, *, limit: int = 50,
                   accounts: Mapping[tuple[str, str], str] | None = None) -> Explanation:
    """The explanation of one action; ``accounts`` maps (source, account id) to a display name.

    Rows: ``record`` (CRM id), ``source``, ``account`` (name or id), ``when`` (local time, plan's
    timezone), ``counted``, ``rule`` (stable code), ``reason`` (words) and ``detail``.
    Raises KeyError naming the known ids when the action does not exist.
    """
    try:
        action = plan.action(action_id)
        progress = evaluation.action(action_id)
    except StopIteration:
        known = ", ".join(a.id for a in plan.actions)
        raise KeyError(f"no action {action_id!r} in plan {plan.name!r} (known: {known})") from None
    lang = plan.language if plan.language in REASONS else "en"
    zone = ZoneInfo(plan.timezone)
    real = [d for d in progress.decisions if d.rule != "truncated"]
    counted = [d for d in real if d.counted]
    missed = [d for d in real if not d.counted]
    not_listed = sum(_count(d.detail) for d in progress.decisions if d.rule == "truncated" and not d.counted)
    share = f"{progress.progress * 100:.0f}\u00a0%" if lang == "fr" else f"{progress.progress * 100:.0f} %"
    if lang == "fr":
        header = (f"{progress.done} / {progress.target} ({share}) — {len(counted)} comptées, "
                  f"{len(missed) + not_listed} non comptées")
    else:
        header = (f"{progress.done} / {progress.target} ({share}) — {len(counted)} counted, "
                  f"{len(missed) + not_listed} not counted")
    rows = [_row(d, lang, zone, accounts) for d in (counted + missed)[:limit]]
    return Explanation(action.id, action.text, header, tuple(rows))


def _count(detail: str) -> int:
    head = detail.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0


def _row(d: Decision, lang: str, zone: ZoneInfo, accounts: Mapping[tuple[str, str], str] | None) -> dict[str, Any]:
    name = d.account_id or ""
    if accounts is not None and d.account_id is not None:
        name = accounts.get((d.source, d.account_id), d.account_id)
    when = ""
    if isinstance(d.when, datetime):
        when = d.when.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    elif isinstance(d.when, date):
        when = d.when.isoformat()
    return {"record": d.record_id, "source": d.source, "account": name, "when": when, "counted": d.counted,
            "rule": d.rule, "reason": REASONS[lang].get(d.rule, d.rule), "detail": d.detail}
