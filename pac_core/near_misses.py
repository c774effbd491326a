"""The rep's records the engine set aside near an action's window: "why not my visit?" (``pac explain A-01``).

An activity rejected before matching (no account, no date...) is counted nowhere, so it appears among no action's
decisions; this finds those that would otherwise have been candidates for one action, for the rep to fix in the CRM.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pac_core.matching import holders, near_span, owner_emails, resolve_owner
from pac_core.people import with_remembered
from pac_core.plan import Plan
from pac_core.records import Activity, Records
from pac_core.results import Decision, Evaluation


def rejected_candidates(plan: Plan, records: Records, evaluation: Evaluation,
                        action_id: str) -> list[tuple[Activity, Decision]]:
    """The activities the engine set aside that would otherwise be candidates for the action: same owner (by
    user e-mail, or an owner given as an e-mail; a former owner of an action handed over too), same or unknown
    type, starting in the window or near it: within the window's length or a month, whichever is longer
    (``matching.near_span``, the engine's spans of rejection too: ``reject_spans``) (a rep asking "why not my
    visit?" sees "no account"), and before the evaluation's instant, as the action's near
    misses; records with no date at all are listed too. In time order."""
    action = plan.action(action_id)
    plan = with_remembered(plan, records.users)
    emails = owner_emails(records.users, plan.aliases())
    owners = {h.email for h in holders(action, emails, ZoneInfo(plan.timezone))}   # its who, its former owners
    first, last = near_span(action.window)   # the spans the engine rejects in (``matching.reject_spans``)
    by_key = {(a.source, a.id): a for a in records.activities}
    out: list[tuple[Activity, Decision]] = []
    # a connector's words first: the engine's ``no_account`` of a HubSpot engagement on contacts with no primary
    # company is the run's ``contact_only`` rejection, which carries the record (audit hsplanaware)
    for activity, d in [*crm_rejected(records),
                        *((by_key.get((d.source, d.record_id)), d) for d in evaluation.rejected)]:
        if activity is None or activity.deleted:
            continue
        owner = resolve_owner(emails, activity.owner_id or "")
        if emails.get((activity.source, activity.owner_id or "")) not in owners and owner not in owners:
            continue
        if activity.type is not None and activity.type is not action.activity_type:
            continue
        start = activity.moment(ZoneInfo(plan.timezone))
        if start is not None and start.tzinfo is not None and not first <= start <= last:
            continue
        if start is not None and start.tzinfo is not None and start >= evaluation.as_of:
            continue   # not happened by the evaluation, as the table above it (audit explainhand: --as-of a past day)
        out.append((activity, d))
    seen: set[tuple[str, str]] = set()
    unique: list[tuple[Activity, Decision]] = []
    for activity, decision in out:
        if (activity.source, activity.id) not in seen:
            seen.add((activity.source, activity.id))
            unique.append((activity, decision))
    return sorted(unique, key=lambda p: str(p[0].start or p[0].day or ""))


def crm_rejected(records: Records) -> list[tuple[Activity, Decision]]:
    """The engagements a connector rejected that carry what it read of them (``Rejected.record``: a HubSpot meeting
    on a contact with no primary company), each with a ``crm_rejected`` decision: its detail the rejection's English,
    its values the code's (``explain`` words them in either language). A rep asking « why not my visit to Léa? » saw
    nothing (audit hsmulti: the connector rejects it before the engine sees it)."""
    return [(r.record, Decision(r.source, r.id, False, "crm_rejected", r.reason, None, r.record.start or r.record.day,
                                values=(("code", r.code), *r.values)))
            for r in records.rejected if isinstance(r.record, Activity) and r.code]
