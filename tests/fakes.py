"""Fakes for fast tests of sync_jobs: an in-memory CRM connector, a tiny evaluator, a settable clock.

``FakeConnector`` obeys the same contract suite as the real adapters (``tests/contract``), so it cannot
drift from them: pages of ``page_size`` records ordered by ``modified_at``, an overlap on incremental
reads, upserts by external key, one ``WriteResult`` per change in order, API calls counted per page
and per write batch of ``batch_size``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors import registry
from connectors.base import (
    ApiUsage,
    AuthError,
    ConnectorError,
    LinkFailure,
    ManagerEdit,
    ObjectKind,
    PicklistLabels,
    QuotaExhausted,
    RateLimited,
    SchemaIssue,
    Target,
    TransientError,
    WriteChange,
    WriteResult,
)
from connectors.hubspot.mapping import default_mapping_path
from connectors.retry import NO_WAIT, RetryPolicy, call_with_retry
from pac_config.loader import config_dir
from pac_config.settings import load_settings
from pac_core.plan import ActivityType, Plan
from pac_core.records import Account, Activity, ActivityStatus, Record, Records, Rejected, User
from pac_core.results import ActionProgress, AxisProgress, Decision, Evaluation, Pace
from sandbox_crm.run import sandbox_env
from sync_jobs.demo import write_demo_settings

T0 = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# the labels an offline Salesforce connector's Account describe keeps (``labels_unchanged``)
LABELS_STAMP = "Wed, 01 Dec 2027 00:00:00 GMT"     # when Account's metadata last changed, as labels_unchanged keeps it
STANDARD_LABELS = {"Industry": {"Chemicals": "Chemicals", "Banking": "Banking"},
                   "Type": {"Customer": "Customer", "Partner": "Partner"}}


def labels_unchanged(connector: Any, labels: Mapping[str, Mapping[str, str]] = STANDARD_LABELS) -> Any:
    """A Salesforce connector whose Account describe answers 304 Not Modified (no call: its client's
    ``describe_since`` is replaced), its scope picklists' labels those kept (``labels``, of the fields it reads by
    label), and whose Product2 describe is a standard org's (``Family``, each value its own label: no call): its
    accounts' and deals' ``reading`` computed offline. Returns the connector."""
    fields = tuple(connector.reader.label_fields())
    connector.remember_labels(PicklistLabels(fields, {f: dict(labels.get(f, {})) for f in fields}, LABELS_STAMP))
    connector.client.describe_since = lambda _sobject, since: (None, since)
    connector.schema.remember("Product2", {"fields": [{"name": "Family", "type": "picklist", "picklistValues": [
        {"value": v, "label": v} for v in ("None", "Maintenance")]}]})
    return connector


class FakeConnector:
    """An in-memory CRM. ``records[kind]`` holds what the CRM has; ``pac[(target, key)]`` what PAC wrote."""

    settled_link_fields: frozenset[str] = frozenset()     # no links apart from fields
    deletions_kept_days: int | None = None
    reconciliation_days: int | None = None

    def __init__(self, name: str = "fake", crm: str = "salesforce", *, page_size: int = 2000,
                 batch_size: int = 200, overlap: timedelta = timedelta(minutes=10), daily_limit: int = 100_000,
                 max_daily_share: float = 0.5) -> None:
        self.name, self.crm = name, crm
        self.page_size, self.batch_size, self.overlap = page_size, batch_size, overlap
        self.records: dict[str, dict[str, Any]] = {k.value: {} for k in ObjectKind}
        self.rejected: dict[str, list[Rejected]] = {k.value: [] for k in ObjectKind}
        self.pac: dict[tuple[str, str], dict[str, Any]] = {}
        self.crm_ids: dict[tuple[str, str], str] = {}
        self.writes: list[list[WriteChange]] = []     # every write call's changes
        self.fail_keys: dict[str, tuple[str, bool]] = {}   # key -> (error, retryable), consumed once
        self.fail_pull: dict[str, Exception] = {}      # kind -> raised once on pull
        # (n, error): the next write accepts its first n changes, then ``error`` stops it (once), carrying their
        # results (``ConnectorError.partial``), as a daily quota spent between two calls of a write does
        self.stop_write: tuple[int, ConnectorError] | None = None
        self.usage_ = ApiUsage(limit=daily_limit, used=0)
        self.max_daily_share = max_daily_share
        self.closed = False
        self.faults: list[str] = []                   # injected, one per call: "rate_limit" | "server_error"
        self.labels_language = "en"
        self.remembered: Mapping[tuple[str, str], Any] | None = None   # what remember_written was given
        self.axis_targets: dict[str, frozenset[str]] = {}              # what note_axis_targets was given
        self.readings: dict[str, str] = {}         # kind -> what reading() answers (default "fake:1")

    # -- seeding ------------------------------------------------------------------------------
    def put(self, *items: Record | ManagerEdit) -> None:
        for item in items:
            if isinstance(item, ManagerEdit):
                self.records[ObjectKind.PAC_EDITS.value][f"{item.key}/{item.field}"] = item
            else:
                kind = {Account: "accounts", Activity: "activities", User: "users"}.get(type(item), "deals")
                self.records[kind][item.id] = item

    def reject(self, kind: ObjectKind, item: Rejected) -> None:
        self.rejected[kind.value].append(item)

    # -- the Connector protocol ---------------------------------------------------------------
    def _spend(self, what: str) -> None:
        """Count one API call; an injected fault fails the call and is retried (without sleeping)."""
        call_with_retry(lambda: self._call(what), policy=NO_WAIT, what=what)

    def _call(self, what: str) -> None:
        if self.faults:
            fault = self.faults.pop(0)
            self.usage_.calls += 1
            if fault == "rate_limit":
                raise RateLimited("429", retry_after=0.0)
            raise TransientError("503")
        used = self.usage_.used or 0
        if self.usage_.limit and used + 1 > self.usage_.limit * self.max_daily_share:
            raise QuotaExhausted(f"{self.name}: {used} of {self.usage_.limit} daily calls used", used,
                                 self.usage_.limit)
        self.usage_.calls += 1
        self.usage_.used = used + 1
        self.usage_.by_endpoint[what] = self.usage_.by_endpoint.get(what, 0) + 1

    def parts(self, kind: ObjectKind) -> tuple[str, ...]:
        return (kind.value,)

    def reading(self, kind: ObjectKind) -> str:
        return self.readings.get(kind.value, "fake:1")

    def rerate(self, record: Record) -> Record:
        return record

    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None
             ) -> Iterator[Record | Rejected | ManagerEdit]:
        if kind.value in self.fail_pull:
            raise self.fail_pull.pop(kind.value)
        start = None if (since is None or full) else since - self.overlap
        items = sorted((r for r in self.records[kind.value].values()
                        if start is None or (r.modified_at or T0) >= start),
                       key=lambda r: (r.modified_at or T0, getattr(r, "id", getattr(r, "key", ""))))
        extra: list[Rejected] = list(self.rejected[kind.value]) if start is None else []
        everything: list[Any] = items + extra
        pages = max(1, -(-len(everything) // self.page_size))
        for page in range(pages):
            self._spend(f"pull/{kind.value}")
            yield from everything[page * self.page_size:(page + 1) * self.page_size]

    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        if self.stop_write is not None:
            (n, stop), self.stop_write = self.stop_write, None
            done: list[WriteResult | None] = [*self.write(changes[:n])]
            stop.partial = done + [None] * (len(changes) - n)
            raise stop
        out: list[WriteResult] = []
        for i in range(0, len(changes), self.batch_size):
            batch = list(changes[i:i + self.batch_size])
            self._spend("write")
            self.writes.append(batch)
            for change in batch:
                ident = (change.target.value, change.key)
                if change.key in self.fail_keys:
                    error, retryable = self.fail_keys.pop(change.key)
                    out.append(WriteResult(change.key, False, error=error, retryable=retryable))
                    continue
                self.pac.setdefault(ident, {}).update(change.fields)
                crm_id = self.crm_ids.setdefault(ident, f"{self.name}-{len(self.crm_ids) + 1:06d}")
                out.append(WriteResult(change.key, True, crm_id=crm_id))
        return out

    def remember_written(self, written: Mapping[tuple[str, str], Any]) -> None:
        self.remembered = written

    def remember_stored_lines(self, holders: Any) -> None:
        pass                        # the fake's deals are read whole every pull

    def remember_stored(self, stored: Any) -> None:
        pass                        # the fake's records are read whole every pull

    def remember_labels(self, kept: Any) -> None:
        pass                        # the fake's accounts hold their labels as they are

    def labels(self) -> None:
        return None                 # no picklist read by its labels

    def keeps(self, target: Target) -> frozenset[str]:
        return frozenset()          # the base fields only: no extended field

    def account_fields(self) -> dict[str, str]:
        return {}                   # no account write-back

    def note_plan_zone(self, timezone: str) -> None:
        self.plan_zone = timezone

    def note_axis_targets(self, plan_id: str, companies: Mapping[str, Iterable[str]],
                          owners: Mapping[str, str] | None = None) -> None:
        self.axis_targets = {axis: frozenset(ids) for axis, ids in companies.items()}

    def settle_links(self) -> list[LinkFailure] | None:
        return None                 # no links apart from fields

    def lacking_fields(self) -> str | None:
        return None                 # no PAC field of its own to miss

    def check_schema(self) -> list[SchemaIssue]:
        return []

    def provision_schema(self) -> list[str]:
        return []

    def usage(self) -> ApiUsage:
        return self.usage_

    def close(self) -> None:
        self.closed = True

    def secrets(self) -> list[str]:
        return []


def user(uid: str, email: str, source: str = "fake") -> User:
    return User(id=uid, source=source, email=email, name=email.split("@")[0], modified_at=T0)


def account(aid: str, source: str = "fake", **kw: Any) -> Account:
    kw.setdefault("modified_at", T0)
    return Account(id=aid, source=source, name=kw.pop("name", f"Account {aid}"), **kw)


def visit(vid: str, owner: str, account_id: str, start: datetime, source: str = "fake", **kw: Any) -> Activity:
    kw.setdefault("modified_at", start)
    return Activity(id=vid, source=source, type=kw.pop("type", ActivityType.VISIT), owner_id=owner,
                    account_id=account_id, start=start, **kw)


def fake_evaluate(plan: Plan, records: Records, as_of: datetime) -> Evaluation:
    """A deliberately small evaluator: an action counts completed activities of its type by its owner in
    its window, distinct accounts; axes sum their actions. Enough to drive the pipeline in unit tests."""
    emails = {(u.source, u.id): (u.email or "").lower() for u in records.users}
    actions = []
    for action in plan.actions:
        seen: set[str] = set()
        decisions = []
        for act in records.activities:
            ok = (not act.deleted and act.type is action.activity_type and act.status is ActivityStatus.COMPLETED
                  and act.start is not None and act.start in action.window
                  and emails.get((act.source, act.owner_id or "")) == action.who and act.account_id not in seen)
            if ok:
                seen.add(act.account_id or "")
            decisions.append(Decision(act.source, act.id, ok, "counted" if ok else "not_matching",
                                      account_id=act.account_id, when=act.start))
        done = len(seen)
        actions.append(ActionProgress(action.id, done, action.target, done / action.target,
                                      action.target * action.window.elapsed_share(as_of),
                                      Pace.DONE if done >= action.target else Pace.AT_RISK, float(done),
                                      decisions=tuple(decisions)))
    axes = []
    for axis in plan.axes:
        done = sum(a.done for a in actions if plan.action(a.action_id).axis_id == axis.id)
        axes.append(AxisProgress(axis.id, revenue=_zero(), baseline=_zero(),
                                 additional=_zero(), objective=None, progress=None, expected_by_now=None,
                                 pace=Pace.ON_TRACK, cost=None, roi=None, time_to_roi_months=None,
                                 activities_done=done))
    return Evaluation(plan.id, as_of, tuple(actions), tuple(axes), ())


def _zero() -> Any:
    return Decimal(0)


AUDIT_PEOPLE = ("  - {email: nat@audit.example, name: Nathalie Garnier, role: manager}\n"
                "  - {email: julie@audit.example, name: Julie Martin, role: rep}\n")


def audit_plan(name: str, language: str, actions: str, *, people: str = AUDIT_PEOPLE, client_axis: bool = True
               ) -> str:
    """The audits' small plan: Julie (and Nathalie) in Rhône-Alpes, one axis on its clients (``client_axis``: scoped
    to account type Client), then ``actions`` (the YAML list items under ``actions:``)."""
    scope = "    scope: {account_type: Client}\n" if client_axis else ""
    return (f'plan: {{name: "{name}", year: 2027, timezone: Europe/Paris, currency: EUR, language: {language}}}\n'
            f"people:\n{people}"
            "segments:\n  - {id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes}}\n"
            "axes:\n  - id: AX-RA\n    name: Clients Rhone-Alpes\n    segment: S-RA\n" + scope +
            "    status: active\n    objective: {additional_revenue: 100000, baseline: 0, margin_rate: 0.3, "
            "budget: 10000, expected_roi: 2}\n"
            f"actions:\n{actions}")


def one_connector_settings(tmp: Path, plan_text: str, connector: str, mapping: Path | str, plan_name: str,
                           *, crm: str = "hubspot", prefix: str = "PAC_HS_",
                           as_of: str = "2027-06-30T18:00:00+02:00", reconciliation_days: int | None = None) -> Any:
    """Settings of one plan (``plan_text``, written beside them) on one connector, a SQLite store in ``tmp``, the
    plan evaluated at ``as_of``: the audits' portals. ``reconciliation_days``: the connector's full read every so
    many days (the default, 7, when None): 1 makes every night a full read, 60 the nights after the first
    incremental."""
    plan = tmp / "plan.pac.yaml"
    plan.write_text(plan_text, encoding="utf-8")
    settings = tmp / "pac.yaml"
    full_reads = "" if reconciliation_days is None else f", reconciliation_days: {reconciliation_days}"
    settings.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        f"connectors:\n  - {{name: {connector}, crm: {crm}, mapping: '{mapping}', env_prefix: {prefix}{full_reads}}}\n"
        f"plans:\n  - {{name: {plan_name}, file: '{plan}', connectors: [{connector}], as_of: '{as_of}'}}\n",
        encoding="utf-8")
    return load_settings(settings, env={})


SMALL_PLAN = """\
plan:
  name: "Test plan"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
  - {email: lea@example.com, name: Lea}
segments:
  - {id: S-1, name: Everything, kind: horizontal}
axes:
  - {id: AX-1, name: Dormant customers, segment: S-1, status: active}
  - {id: AX-2, name: Prospects, segment: S-1, status: {state: prioritised, rank: 1}}
actions:
  - id: A-01
    axis: AX-1
    text: "Visit 2 customers in week 18"
    who: julie@example.com
    what: {activity: visit, count: 2}
    when: "week 18"
  - id: A-02
    axis: AX-2
    text: "Visit 3 prospects in May"
    who: lea@example.com
    what: {activity: visit, count: 3}
    when: "May 2027"
"""


def write_settings(tmp: Path, database_url: str, connectors: Sequence[tuple[str, str]] = (("fake", "salesforce"),),
                   plan_text: str = SMALL_PLAN, extra: str = "") -> Path:
    """A settings file with one plan using ``connectors`` (name, crm); returns its path."""
    (tmp / "plan.pac.yaml").write_text(plan_text, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    lines = [f"database_url: {database_url}", "connectors:"]
    for name, crm in connectors:
        lines.append(f"  - {{name: {name}, crm: {crm}, mapping: mapping.yaml, reconciliation_days: 7}}")
    names = ", ".join(n for n, _ in connectors)
    lines += ["plans:", f"  - {{name: test, file: plan.pac.yaml, connectors: [{names}]}}", extra]
    path = tmp / "pac.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synced_one_visit(tmp: Path, database_url: str, as_of: str, visit_at: datetime, plan_text: str = SMALL_PLAN
                     ) -> Any:
    """Settings of the small plan (``plan_text``) evaluated at ``as_of``, on a store holding one sync of Julie's
    one visit (``visit_at``) through the fake connector and ``fake_evaluate``."""
    from sync_jobs.pipeline import run_sync  # the pipeline imports much of pac: only for the tests that sync

    path = write_settings(tmp, database_url, plan_text=plan_text)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", f"connectors: [fake], as_of: '{as_of}'}}"), encoding="utf-8")
    settings = load_settings(path, env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", visit_at))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    return settings


def edit(key: str, field: str, value: Any, at: datetime, target: Target = Target.AXIS) -> ManagerEdit:
    return ManagerEdit(target=target, key=key, field=field, value=value, modified_at=at)


__all__ = [
    "AUDIT_PEOPLE",
    "SMALL_PLAN",
    "AuthError",
    "Clock",
    "FakeConnector",
    "TransientError",
    "account",
    "audit_plan",
    "edit",
    "fake_evaluate",
    "user",
    "visit",
    "write_settings",
]


# -- the sandbox CRM, through the real connectors ---------------------------------------------------
def sandbox_settings(tmp: Path, database_url: str) -> Any:
    """Settings for the shipped plan and mappings on ``database_url``, evaluated at the demo clock."""
    return load_settings(write_demo_settings(database_url, tmp / "pac.yaml"), env={})


def sandbox_env_fast(server: Any) -> dict[str, str]:
    """The sandbox's environment, with HubSpot's client-side search throttle lifted (tests do not wait)."""
    hubspot = next((a for a in server.apis if a.name == "hubspot"), None)
    if hubspot is not None:
        hubspot.search_per_second = 0
    return {**sandbox_env(server), "PAC_HS_SEARCH_PER_SECOND": "1000"}


def sandbox_connectors(settings: Any, server: Any, sleeps: list[float] | None = None, *,
                       provision: bool = True) -> dict[str, Any]:
    """The real connectors on the sandbox; retries record their waits in ``sleeps`` instead of sleeping."""
    env = sandbox_env_fast(server)
    waits = sleeps if sleeps is not None else []
    policy = RetryPolicy(sleep=waits.append, jitter=lambda: 0.0)
    out = {}
    for c in settings.connectors:
        out[c.name] = registry.build(c.crm, c.name, c.mapping, env, prefix=c.prefix,
                                     max_daily_share=c.max_daily_share, policy=policy)
        if provision:
            out[c.name].provision_schema()
    return out


def sandbox_sync_clean(settings: Any, server: Any, **kw: Any) -> Any:
    """``sandbox_sync``, asserting the run reported no error (the audits' portals sync cleanly)."""
    result = sandbox_sync(settings, server, **kw)
    assert not result.errors, result.errors
    return result


class SeededPortal:
    """A sandbox HubSpot portal a test seeds (``api``: a Starter portal whose rate limit no test reaches), served
    once seeded (``serve``) with one plan's settings on it: ``sync()`` is ``sandbox_sync_clean`` on them; a context
    manager that stops the server (the audits' portals)."""

    def __init__(self) -> None:
        from sandbox_crm.hubspot import HubSpotApi  # the sandbox only for the tests that seed one

        self.api = HubSpotApi(tier="starter", ten_second_limit=1_000_000)
        self.server: Any = None
        self.settings: Any = None

    def serve(self) -> None:
        from sandbox_crm.server import SandboxServer

        self.server = SandboxServer([self.api]).start()

    def sync(self, **kw: Any) -> Any:
        return sandbox_sync_clean(self.settings, self.server, **kw)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.stop()


def hubspot_opted_in(tmp: Path, section: str) -> Path:
    """The shipped HubSpot mapping with ``activities.<section>.enabled: true`` (e-mails, tasks: off by default)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    off = f"  {section}:\n    enabled: false\n"
    assert off in text
    path = tmp / f"hubspot.{section}.yaml"
    path.write_text(text.replace(off, f"  {section}:\n    enabled: true\n"), encoding="utf-8")
    return path


def sandbox_sync(settings: Any, server: Any, plan: str | None = None, *, provision: bool = True,
                 reset_counts: bool = False, **kw: Any) -> Any:
    """One ``run_sync`` of ``plan`` (default: the only plan) through the real connectors on the sandbox
    (``sandbox_connectors``, provisioned unless ``provision`` is false), closed after; ``reset_counts``: the
    server's call counts start once the connectors are made; ``kw`` for ``run_sync`` (``full``, ``clock``...)."""
    from sync_jobs.pipeline import run_sync  # the pipeline imports much of pac: only for the tests that sync

    connectors = sandbox_connectors(settings, server, provision=provision)
    if reset_counts:
        server.reset_counts()
    try:
        return run_sync(plan, settings, connectors=connectors, **kw)
    finally:
        for c in connectors.values():
            c.close()


def one_plan_settings(tmp: Path, plan_text: str, name: str, as_of: str) -> Any:
    """Settings for one plan (``plan_text`` written to ``tmp/plan.pac.yaml``) on the demo's Salesforce mapping, a
    SQLite store in ``tmp``, evaluated ``as_of``: the integration tests that sync a hand-built plan night by night."""
    (tmp / "plan.pac.yaml").write_text(plan_text, encoding="utf-8")
    mapping = config_dir() / "mappings" / "salesforce.demo.yaml"
    path = tmp / "pac.yaml"
    path.write_text(f"""database_url: 'sqlite:///{tmp / "pac.db"}'
connectors:
  - {{name: sf-main, crm: salesforce, mapping: '{mapping}', env_prefix: PAC_SF_}}
plans:
  - {{name: {name}, file: '{tmp / "plan.pac.yaml"}', connectors: [sf-main], as_of: '{as_of}'}}
""", encoding="utf-8")
    return load_settings(path, env={})


class MemoryWrittenStore:
    """What ``sync_jobs.writeback.CrmWriter`` checkpoints, kept in memory (``saved``): the rows it saves as written;
    nothing to forget or drop."""

    def __init__(self) -> None:
        self.saved: list[tuple[str, str, str | None, Mapping[str, Any]]] = []

    def save_written(self, plan_id: str, connector: str,
                     rows: Iterable[tuple[str, str, str | None, Mapping[str, Any]]], now: datetime, *,
                     sent: bool = False) -> int:
        rows = list(rows)
        self.saved += rows
        return len(rows)

    def forget_written(self, plan_id: str, connector: str, items: Iterable[tuple[str, str, Iterable[str]]]
                       ) -> dict[tuple[str, str], str]:
        return {}

    def drop_written(self, plan_id: str, connector: str, keys: Iterable[tuple[str, str]]) -> int:
        return 0
