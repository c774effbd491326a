"""What changed for whom after a nightly run: the alerts of the digest, each with a stable key.

An alert is sent to a person once per channel, ever (the key is stored when it is delivered), so the
keys say how often a state may come back:

* ``action:A-01:late`` / ``action:A-01:done``: the action's window closed with its target missed, or its
  target was reached: once (both states are final for a window);
* ``axis:AX-1:at_risk:2027-05`` (or ``late``): an axis behind its pace: at most once a month while it stays so;
  once the plan's period is over (``plan_end.period_closed``: the nights of January still sync a 2026 plan for its
  late entries) an axis that missed its objective is a final fact, ``axis:AX-1:late:final``, told once, without
  « attendu à ce jour » (audit janmeet F12: the January digest re-announced « Axes en retard sur leur rythme »
  under a new month's key); an axis whose own objective period ended before the plan's (a first quarter's axis) has
  no axis alert once it is over: the advisor's closing verdict (``reco:closed:AX-1``) tells its final figures once;
* ``reco:drop:AX-1``: a recommendation of the advisor: once per rule and axis, and per what it is about when the
  same rule can come back with something new (``reco_key``): ``reco:reassign:AX-38:julie.martin@…`` (the people
  leaving), ``reco:suspend:AX-1:2027-Q3`` (the quarter), ``reco:prioritise:AX-1:decline+001…`` (the segment's
  decline, the lost key accounts), ``reco:closed:AX-1:roll_out`` (the closing verdict of an axis whose period is
  over, with its roll-out: a suggestion found after the verdict was told is told);
* ``rejected:sf-main:activities:00U…:<reason digest>``: a CRM record refused, with what to fix: once per record
  and reason.

Who gets what: an action's alerts go to its owner (``who``) and to the plan's managers (people whose role is
``manager``, or a manager's job title: pac_core.roles); axes, recommendations and rejected records go to the
managers. A person receives only what is addressed to them, and only if the settings list them
(``notifications.people``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from pac_core.advisor import axis_closed
from pac_core.money import PROGRESS_LIMITS, apart, pace_decimals
from pac_core.plan import Axis, Plan
from pac_core.plan_end import period_closed
from pac_core.records import Rejected
from pac_core.reject_words import reason_words
from pac_core.results import Evaluation, Pace, Recommendation, Rule
from pac_core.roles import MANAGER, canonical_role
from pac_core.rounding import half_up


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str                 # action_late, action_done, axis_behind, axis_missed, recommendation, rejected
    subject: str              # the action or axis id, or the record id
    values: dict[str, str]    # what the digest says (texts, figures), already plain strings
    to: tuple[str, ...]       # e-mails of the people concerned


LANGUAGES = ("fr", "en")


def reco_key(reco: Recommendation) -> str:
    """``reco:RULE:AXIS``, plus what the advice is about when the same rule can come back for the same axis with
    something new to say: the people leaving (reassign), the quarter (suspend), the lost key accounts and/or the
    segment's decline (prioritise), the roll-out an ended axis's verdict suggests (closed). A second rep leaving the
    axis is a new alert; the same advice standing is not."""
    base = f"reco:{reco.rule.value}:{reco.axis_id}"
    evidence = reco.evidence or {}
    about: list[str] = []
    if reco.rule is Rule.REASSIGN:
        about = sorted({str(r.get("who", "")).strip().lower() for r in evidence.get("leaving") or []} - {""})
    elif reco.rule is Rule.SUSPEND and evidence.get("quarter"):
        about = [str(evidence["quarter"])]
    elif reco.rule is Rule.PRIORITISE:
        about = (["decline"] if "segment_decline" in (evidence.get("triggers") or []) else []) + sorted(
            str(a.get("id", "")) for a in evidence.get("lost_accounts") or [])
    elif reco.rule is Rule.CLOSED and evidence.get("to_segments"):
        about = ["roll_out"]     # the closing verdict with its roll-out: told again when the suggestion comes later
    return f"{base}:{'+'.join(about)}" if about else base


def managers(plan: Plan) -> tuple[str, ...]:
    """The people whose role is manager, under any title of the vocabulary (pac_core.roles: « Sales Manager »,
    « directeur commercial », « VP Sales »...)."""
    return tuple(p.email for p in plan.people if canonical_role(p.role) == MANAGER)


def ended_early(plan: Plan, axis: Axis, as_of: datetime) -> bool:
    """The axis's own objective period ended before the plan's and is over at ``as_of`` (``advisor.axis_closed``): the
    advisor's closing verdict tells its final figures once (``reco:closed:AX-1``); an axis alert would repeat them
    every month to the plan's end, « Manqué, 43 % de l'objectif (attendu à ce jour : 100 %) » (audit notifyhand F5),
    and once more at the plan's end."""
    return (axis.objective is not None and axis.objective.period.end < plan.period.end
            and axis_closed(plan, axis, as_of))


def compute_alerts(plan: Plan, evaluation: Evaluation, rejected: tuple[Rejected, ...] | list[Rejected],
                   *, month: str) -> list[Alert]:
    """Every alert the current state implies (the sender drops those already delivered)."""
    heads = managers(plan)
    axes = {a.id: a for a in plan.axes}
    out: list[Alert] = []
    progress = {a.action_id: a for a in evaluation.actions}
    names = {p.email: p.name for p in plan.people}
    for action in plan.actions:
        p = progress.get(action.id)
        if p is None or p.pace not in (Pace.LATE, Pace.DONE):
            continue
        kind = "action_late" if p.pace is Pace.LATE else "action_done"
        to = tuple(dict.fromkeys((action.who, *heads)))
        out.append(Alert(f"action:{action.id}:{p.pace.value}", kind, action.id,
                         {"text": action.text, "done": str(p.done), "target": str(p.target),
                          "axis": axes[action.axis_id].name, "who": action.who,
                          "owner": names.get(action.who) or action.who}, to))
    over = period_closed(plan, evaluation.as_of)
    for a in evaluation.axes:
        if a.axis_id in axes and ended_early(plan, axes[a.axis_id], evaluation.as_of):
            continue        # its closing verdict (reco:closed) tells it, once
        if a.pace in (Pace.AT_RISK, Pace.LATE) and a.axis_id in axes:
            # on its own side of 100 %: an objective missed at 99.96 % does not read « 100 % » (audit nearleft)
            # at risk, both with the decimals that read it behind (45.75 % vs 45.96 %: « 45,8 % » / « 46,0 % », sfhand7)
            places = pace_decimals(a.progress, a.expected_by_now) if a.pace is Pace.AT_RISK else 0
            pct = "" if a.progress is None else f"{apart(a.progress, PROGRESS_LIMITS, places)}"
            expected = "" if a.expected_by_now is None else f"{half_up(a.expected_by_now, places, percent=True)}"
            values = {"name": axes[a.axis_id].name, "pace": a.pace.value, "progress": pct, "expected": expected}
            if over:      # nothing left to catch up: the objective was missed, said once (the key has no month)
                out.append(Alert(f"axis:{a.axis_id}:{a.pace.value}:final", "axis_missed", a.axis_id, values, heads))
            else:
                out.append(Alert(f"axis:{a.axis_id}:{a.pace.value}:{month}", "axis_behind", a.axis_id, values, heads))
    for reco in evaluation.recommendations:
        name = axes[reco.axis_id].name if reco.axis_id in axes else reco.axis_id
        words = {f"summary_{lang}": reco.text(lang) for lang in LANGUAGES}    # the digest picks the person's
        out.append(Alert(reco_key(reco), "recommendation", reco.axis_id,
                         {"rule": reco.rule.value, "axis": name, "summary": reco.summary, **words}, heads))
    for r in rejected:
        digest = hashlib.sha256(r.reason.encode()).hexdigest()[:12]
        # the reason in each language, made from its code (``reject_words``): the digest picks the person's
        words = {f"reason_{lang}": reason_words(r.reason, lang, r.code, r.values) for lang in LANGUAGES}
        out.append(Alert(f"rejected:{r.source}:{r.object}:{r.id}:{digest}", "rejected", r.id,
                         {"source": r.source, "object": r.object, "id": r.id, "reason": r.reason, **words}, heads))
    return out
