"""Persistence rows. Records keep the CRM's normalised record as a JSON payload plus indexed columns.

Keys: records by (connector, kind, crm_id), the changes of an account's state fields by (connector, crm_id), the
state fields whose CRM-kept history was read by (connector, crm_id, field);
watermarks by (connector, object); the scope picklists' labels by connector; a Salesforce org's dated exchange
rates by (connector, crm_id); what was last written
by (plan, connector, target, key); each plan's axes targeting each account by (plan, connector, key);
manager overrides by (plan, target, key, field).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy.sql import visitors
from sqlmodel import Field, SQLModel


class PlanVersion(SQLModel, table=True):
    """One imported or edited plan file; a new version whenever its fingerprint changes."""

    __tablename__ = "pac_plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    version: int
    fingerprint: str
    source_path: str
    content: str
    imported_at: datetime


class EngineSettingsVersion(SQLModel, table=True):
    """The ``engine`` section of pac.yaml a plan's nights and snapshots ran with (fx rates, attribution, advisor
    thresholds, capacity, limits); a new version whenever it changes, so a snapshot taken late is evaluated with the
    settings in force at its period's end (docs/engine.md, *Snapshots*). Only that section: never the connectors,
    the database URL or anything else of the file."""

    __tablename__ = "pac_engine_settings"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    version: int
    fingerprint: str
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    recorded_at: datetime


class StoredRecord(SQLModel, table=True):
    """A normalised CRM record (account, activity, deal with lines, user)."""

    __tablename__ = "pac_record"
    __table_args__ = (
        UniqueConstraint("connector", "kind", "crm_id"),
        Index("ix_pac_record_seen", "connector", "kind", "seen_run"),
    )
    id: int | None = Field(default=None, primary_key=True)
    connector: str
    kind: str                                # accounts | activities | deals | users
    crm_id: str
    modified_at: datetime | None = None
    deleted: bool = False
    owner_id: str | None = Field(default=None, index=True)
    account_id: str | None = Field(default=None, index=True)
    email: str | None = Field(default=None, index=True)
    occurred_at: datetime | None = None      # activity start, deal close date (midnight UTC)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    seen_run: int | None = None               # the last run that read it (full reconciliation)
    stored_at: datetime


# The records noted on several companies (``also_on``: a HubSpot engagement pac warned of), which every incremental
# night reads again (``records.several_companies_records``): a partial index holds those few rows, so the night does
# not read every activity's payload (a million activities: 0.75 s on SQLite, 1.5 s on PostgreSQL without it).
# Its condition is the query's own expression, as the planners match it term by term (migration 0018); the JSON path
# is written into the query's text (``literal_execute``), as SQLite matches a bound parameter with no literal.
SEVERAL_COMPANIES = StoredRecord.__table__.c.payload["also_on"].as_string().is_not(None)  # type: ignore[attr-defined]
visitors.traverse(SEVERAL_COMPANIES, {}, {"bindparam": lambda bind: setattr(bind, "literal_execute", True)})
Index("ix_pac_record_several", StoredRecord.__table__.c.connector, StoredRecord.__table__.c.kind,  # type: ignore[attr-defined]
      sqlite_where=SEVERAL_COMPANIES, postgresql_where=SEVERAL_COMPANIES)


class AccountChangeRow(SQLModel, table=True):
    """One change of an account's state field (``pac_core.records.HISTORY_FIELDS``: the CRM dormant flag, the
    owner, the account type), recorded when an upsert changes it (``store.records.upsert_records``): the engine reads
    the field as it was on a scope's reference date (docs/engine.md, *Account state as of the reference date*)."""

    __tablename__ = "pac_account_change"
    __table_args__ = (Index("ix_pac_account_change_account", "connector", "crm_id"),)
    id: int | None = Field(default=None, primary_key=True)
    connector: str
    crm_id: str                              # the account's CRM id
    field: str                               # dormant | owner_id | account_type
    changed_at: datetime                     # the CRM's stamp of the change, else the run's instant
    old: Any = Field(default=None, sa_column=Column(JSON))
    new: Any = Field(default=None, sa_column=Column(JSON))
    run_id: int | None = None
    recorded_at: datetime


class HistoryReadRow(SQLModel, table=True):
    """An account's state field whose history the CRM keeps was read, and from which CRM property (HubSpot: a full
    read of the companies batch-reads ``propertiesWithHistory``, 50 companies a call): read once per company and
    property, not again by every weekly full read (audit hsweekly). Written with the changes that read recorded
    (``store.records.record_history``); a field no longer mapped holds ``source`` "" (its history read again once
    the mapping reads it again)."""

    __tablename__ = "pac_history_read"
    connector: str = Field(primary_key=True)
    crm_id: str = Field(primary_key=True)     # the account's CRM id
    field: str = Field(primary_key=True)      # dormant | owner_id | account_type
    source: str                               # the CRM property its history was read from ("": none)
    run_id: int | None = None
    read_at: datetime


class Watermark(SQLModel, table=True):
    """The highest ``modified_at`` seen per connector and object, committed with the run log."""

    __tablename__ = "pac_watermark"
    connector: str = Field(primary_key=True)
    object: str = Field(primary_key=True)
    value: datetime | None = None
    last_full_at: datetime | None = None
    reading: str | None = None      # how the connector read the object at its last full read (Connector.reading)
    updated_at: datetime


class CrmLabels(SQLModel, table=True):
    """The labels of the account picklists plan scopes test, as a connector's CRM last showed them
    (``connectors.base.PicklistLabels.as_json``), committed with the run log: the next night asks whether they
    changed since and names a relabel (old label -> new label)."""

    __tablename__ = "pac_crm_labels"
    connector: str = Field(primary_key=True)
    labels: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class CrmRate(SQLModel, table=True):
    """One ``DatedConversionRate`` row of a multi-currency Salesforce org, as last read (``row``: the fields of
    ``connectors.salesforce.currency.DATED_FIELDS``), committed with the run log: the next night reads only the rows
    whose ``SystemModstamp`` moved since (``CrmRatesRead.stamp``) and builds the org's dated rates from these."""

    __tablename__ = "pac_crm_rate"
    connector: str = Field(primary_key=True)
    crm_id: str = Field(primary_key=True)
    row: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class CrmRatesRead(SQLModel, table=True):
    """How a connector's rate rows (``CrmRate``) were last read: the highest ``SystemModstamp`` among them (the next
    read asks for the rows stamped since, less the overlap), and when they were last read in full (the periodic
    reconciliation reads them all again)."""

    __tablename__ = "pac_crm_rates_read"
    connector: str = Field(primary_key=True)
    stamp: datetime | None = None
    full_at: datetime
    updated_at: datetime


class Written(SQLModel, table=True):
    """What was last written to one CRM record: field values as sent, and the CRM id."""

    __tablename__ = "pac_written"
    plan_id: str = Field(primary_key=True)
    connector: str = Field(primary_key=True)
    target: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    crm_id: str | None = None
    fields: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    written_at: datetime


class AccountAxes(SQLModel, table=True):
    """One plan's contribution to one CRM account's PAC fields: the ids of the plan's axes in force that target it
    (as its last real run computed them, written to the CRM or not). The account's fields are computed from every
    configured plan's contribution on that connector (``sync_jobs.account_targets``)."""

    __tablename__ = "pac_account_axes"
    plan_id: str = Field(primary_key=True)
    connector: str = Field(primary_key=True)
    key: str = Field(primary_key=True)       # <connector>:<account id>, as the account's written row
    axes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    saved_at: datetime


class Override(SQLModel, table=True):
    """A manager's edit made in the CRM (axis status or priority, action status): wins over the plan file."""

    __tablename__ = "pac_override"
    plan_id: str = Field(primary_key=True)
    target: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    value: Any = Field(sa_column=Column(JSON))
    modified_at: datetime
    connector: str


class Run(SQLModel, table=True):
    """One sync run: its status, counts per object, API calls and quota per connector, errors, and the advice its
    evaluation gave (``sync_jobs.run_advice``: what ``pac status`` shows without evaluating the plan again)."""

    __tablename__ = "pac_run"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"                   # running, ok, partial, failed, quota_stopped, locked (did not start)
    dry_run: bool = False
    full: bool = False
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    api: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    errors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # None (SQL NULL): the run stopped before evaluating, or was recorded before migration 0006
    advice: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    # the axes and actions the run took out of the plan, one record per item (``sync_jobs.retired_kept.record``),
    # added in the transaction that records the CRM write marking them removed (``repo.save_written``); None (SQL
    # NULL): a run recorded before migration 0016, whose items are legacy lines among its errors
    removed: list[dict[str, Any]] | None = Field(default_factory=list,
                                                 sa_column=Column(JSON(none_as_null=True), nullable=True))
    # the plan's warnings the run worded (an action no connector measures, an owner no CRM knows, an action handed
    # over without handed_over...), one record each (``pac_core.plan_warnings.record``: code, values, English words),
    # so `pac status` and the report word them in their language; None (SQL NULL): a run recorded before migration
    # 0017, whose kept warnings are English lines among its errors
    plan_warnings: list[dict[str, Any]] | None = Field(default_factory=list,
                                                       sa_column=Column(JSON(none_as_null=True), nullable=True))


class Rejection(SQLModel, table=True):
    """A record a connector could not normalise or the CRM refused, with the reason: its English words, and a
    connector's code and values (``pac_core.reject_codes.CODES``; NULL for an engine set-aside and for the rows of
    runs before migration 0012, read from the words: ``reject_codes.LEGACY``)."""

    __tablename__ = "pac_rejection"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True)
    connector: str
    object: str
    crm_id: str
    reason: str
    code: str | None = None
    # the code's values (text), and the payload of the record it carries under ``repo.RECORD_KEY`` (``Rejected.record``)
    reason_values: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True),
                                                                               nullable=True))


class Snapshot(SQLModel, table=True):
    """A monthly or quarterly evaluation kept for the report's trends."""

    __tablename__ = "pac_snapshot"
    __table_args__ = (UniqueConstraint("plan_id", "kind", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    kind: str
    label: str
    taken_at: datetime
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class RunLock(SQLModel, table=True):
    """Who holds a plan's run lock (the lock itself on SQLite; information only on PostgreSQL)."""

    __tablename__ = "pac_run_lock"
    name: str = Field(primary_key=True)
    owner: str
    acquired_at: datetime
    expires_at: datetime


class ScheduleClaim(SQLModel, table=True):
    """Which ``pac schedule`` worker took a job's run for one fire time: with several workers on one store,
    each scheduled run is done by exactly one of them (the others skip it)."""

    __tablename__ = "pac_schedule_claim"
    job_id: str = Field(primary_key=True)
    fire_time: datetime
    worker: str
    claimed_at: datetime


class FieldState(SQLModel, table=True):
    """The current value of one manager-editable field of an axis or action, and where it came from.

    ``source``: ``file`` (the plan file), ``crm`` (a person's edit in ``connector``, by ``who_id`` / ``who_name``)
    or ``pac``. ``file_value`` is the plan file's value at the last run: a different value in the file means the
    file was edited since (see ``sync_jobs.overrides``)."""

    __tablename__ = "pac_field_state"
    plan_id: str = Field(primary_key=True)
    target: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON))
    source: str
    connector: str | None = None
    who_id: str | None = None
    who_name: str = ""
    changed_at: datetime
    file_value: Any = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime


class FieldEvent(SQLModel, table=True):
    """One change of a manager-editable field, kept for ``pac history``: what, from where, by whom, when; a
    conflict's losing change too (``outcome`` ``lost``), with the rule that decided."""

    __tablename__ = "pac_field_event"
    __table_args__ = (Index("ix_pac_field_event_key", "plan_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str
    target: str
    key: str
    field: str
    value: Any = Field(default=None, sa_column=Column(JSON))
    old_value: Any = Field(default=None, sa_column=Column(JSON))
    source: str                               # file | crm | pac
    connector: str | None = None
    who_id: str | None = None
    who_name: str = ""
    changed_at: datetime
    run_id: int | None = None
    outcome: str = "applied"                  # applied | lost (a conflict decided for another change) | refused
    note: str = ""


class NotificationSent(SQLModel, table=True):
    """One alert delivered to one person on one channel: never sent to them there again (``pac notify``)."""

    __tablename__ = "pac_notification_sent"
    __table_args__ = (UniqueConstraint("plan_id", "person", "channel", "alert_key"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(index=True)
    person: str
    channel: str                              # email | slack | teams
    alert_key: str                            # e.g. "action:A-01:late"
    sent_at: datetime


class KeptNight(SQLModel, table=True):
    """What the last evaluation of a plan leaves for the next, incremental, night (pac_core/incremental.py):
    the engine version and settings it ran with, the users it saw, its instant, the store's ``stored_at``
    high-water mark it read, the activities it rejected."""

    __tablename__ = "pac_kept_night"
    plan_id: str = Field(primary_key=True)
    engine_version: str
    settings_fingerprint: str
    users_fingerprint: str
    as_of: datetime
    records_stamp: datetime | None = None
    rejected: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    saved_at: datetime


class KeptActionRow(SQLModel, table=True):
    """One action's fingerprint and its candidates (a superset of the activities it matches), as of the kept night."""

    __tablename__ = "pac_kept_action"
    plan_id: str = Field(primary_key=True)
    action_id: str = Field(primary_key=True)
    fingerprint: str
    candidates: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
