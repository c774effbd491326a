"""What was already delivered (``pac_notification_sent``): the keys per person and channel."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from sync_jobs.store.tables import NotificationSent


def delivered(engine: Engine, plan_id: str) -> set[tuple[str, str, str]]:
    """(person, channel, alert key) already delivered for this plan."""
    with Session(engine) as session:
        rows = session.execute(select(col(NotificationSent.person), col(NotificationSent.channel),
                                      col(NotificationSent.alert_key))
                               .where(col(NotificationSent.plan_id) == plan_id))
        return {(p, c, k) for p, c, k in rows}


def record(engine: Engine, plan_id: str, person: str, channel: str, keys: Iterable[str], now: datetime) -> None:
    with Session(engine) as session:
        for key in keys:
            session.add(NotificationSent(plan_id=plan_id, person=person, channel=channel, alert_key=key, sent_at=now))
        session.commit()
