"""``pac notify`` and the nightly hook: compute each person's new alerts, send the digests, remember them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pac_config.settings import Settings
from pac_core.plan import Plan
from pac_core.roles import MANAGER, canonical_role
from sync_jobs.app import current
from sync_jobs.logs import event, redact
from sync_jobs.notify import sent
from sync_jobs.notify.alerts import Alert, compute_alerts, managers
from sync_jobs.notify.channels import channels_for, send
from sync_jobs.notify.digest import render_digest
from sync_jobs.secrets import connector_env
from sync_jobs.store import open_store, repo

log = logging.getLogger("pac.notify")


@dataclass
class Delivery:
    person: str
    channel: str
    title: str
    body: str
    keys: tuple[str, ...]
    delivered: bool = False
    problem: str = ""


@dataclass
class NotifyResult:
    plan: str
    deliveries: list[Delivery] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)     # configured people absent from the plan
    # (person, why): configured people of the plan who get no digest this time, and why (usplan audit F4: a
    # manager whose role pac did not know got nothing, and nothing said so)
    nothing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if not d.delivered]


def notify(settings: Settings, plan_ref: str | None = None, *, dry_run: bool = False,
           env: Mapping[str, str] | None = None, now: datetime | None = None,
           as_of: datetime | None = None) -> NotifyResult:
    """Each configured person's digest of the alerts not yet delivered to them on each channel.

    ``dry_run`` computes and returns the digests without sending or recording anything. A delivery that
    fails is not recorded: its alerts are sent with the next digest. ``as_of``: the evaluation's instant (the
    nightly hook gives its run's, ``pac sync --as-of``'s); else the plan's configured ``as_of``, else now.
    ``now``: when a delivery is recorded as made.
    """
    env = connector_env(env)
    section = settings.notifications
    engine = open_store(settings.database())
    try:
        state = current(settings, plan_ref, as_of=as_of, engine=engine)
        plan = state.plan
        runs = repo.runs(engine, plan.id, limit=1, include_dry=False)
        rejected = repo.rejections(engine, runs[0].id) if runs and runs[0].id is not None else []
        local = state.evaluation.as_of.astimezone(ZoneInfo(plan.timezone))
        alerts = compute_alerts(plan, state.evaluation, rejected, month=f"{local.year}-{local.month:02d}")
        done = sent.delivered(engine, plan.id)
        result = NotifyResult(plan.name)
        known = {p.email for p in plan.people} | {a.who for a in plan.actions}
        gone = left(plan, local.date())
        for person in section.people:
            if person.who not in known:
                result.unknown.append(person.who)
                continue
            if person.who in gone:      # their actions' alerts still reach the managers
                result.nothing.append((person.who, f"left on {gone[person.who].isoformat()} (the plan's rep_leaving):"
                                                   " nothing is sent to them any more; remove them from "
                                                   "notifications.people"))
                continue
            mine = [a for a in alerts if person.who in a.to]
            lang = person.lang or plan.language
            channels = channels_for(person, section, env)
            sending = len(result.deliveries)
            for channel in channels:
                fresh: list[Alert] = [a for a in mine if (person.who, channel.name, a.key) not in done]
                if not fresh:
                    continue
                title, body = render_digest(fresh, lang, person.who)
                delivery = Delivery(person.who, channel.name, title, body, tuple(a.key for a in fresh),
                                    problem=channel.problem)
                result.deliveries.append(delivery)
                if dry_run:
                    continue
                delivery.delivered, delivery.problem = send(channel, title, body)
                if delivery.delivered:
                    sent.record(engine, plan.id, person.who, channel.name, delivery.keys, now or datetime.now(UTC))
                event(log, "notify.digest", plan=plan.id, person=person.who, channel=channel.name,
                      alerts=len(fresh), delivered=delivery.delivered)
            if len(result.deliveries) == sending:
                result.nothing.append((person.who, nothing_why(plan, person.who, alerts, mine, bool(channels))))
        return result
    finally:
        engine.dispose()


def left(plan: Plan, today: date) -> dict[str, date]:
    """The people the plan declares gone by ``today`` (a ``rep_leaving`` whose first day gone is past or today):
    e-mail -> that day. A leaver's digest would tell plan figures to someone no longer in the team (audit notifyhand
    F4); the managers get their actions' alerts."""
    return {who: on for who, on in plan.leaving_days().items() if on <= today}


def nothing_why(plan: Plan, who: str, alerts: list[Alert], mine: list[Alert], has_channel: bool) -> str:
    """Why a configured person of the plan gets no digest: no channel, everything already delivered, or no alert
    addressed to them, with what their role makes them receive (a role pac does not know, or no manager in the
    plan, is said: the alerts for managers then reach nobody)."""
    if not has_channel:
        return "no channel: give them email:, slack: or teams: under notifications.people"
    if mine:
        return f"every alert for them ({len(mine)}) was already delivered"
    person = next((p for p in plan.people if p.email == who), None)
    role = person.role if person is not None else ""
    for_managers = [a for a in alerts if a.kind not in ("action_late", "action_done")]
    if canonical_role(role) == MANAGER:
        return "no alert for the plan's managers or their own actions"
    heads = managers(plan)
    whose = (f"their role {role!r} is not one pac knows, so they get only their own actions' alerts"
             if role.strip() and canonical_role(role) is None else
             "they are not a manager of the plan (role: manager), so they get only their own actions' alerts")
    missed = (f"; {len(for_managers)} alert(s) for the managers only (axes behind, advice, refused records) went to "
              + (", ".join(heads) if heads else "nobody: no person of the plan has role: manager")
              if for_managers else "")
    return f"no alert for them: {whose}, and none is new{missed}"


def after_sync(settings: Settings, plan_ref: str | None, status: str, *, as_of: datetime | None = None
               ) -> NotifyResult | None:
    """The nightly run's last step: send the digests when notifications are enabled and the sync got through
    (``ok`` or ``partial``). Never raises: a failed notification must not fail the night (logged, retried).
    ``as_of``: the run's evaluation instant, so the digest tells the night the run evaluated (``pac sync --as-of``
    a past night told the machine's day: audit notifyhand F1)."""
    if not settings.notifications.enabled or status not in ("ok", "partial"):
        return None
    try:
        result = notify(settings, plan_ref, as_of=as_of)
    except Exception as exc:
        log.warning(redact(f"notify.failed error={type(exc).__name__}: {exc} (the digests are sent after the "
                           "next run)"))
        return None
    for delivery in result.failed:
        log.warning(redact(f"notify.not_delivered person={delivery.person} channel={delivery.channel} "
                           f"problem={delivery.problem}"))
    return result
