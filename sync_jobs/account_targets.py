"""Account-level write-back: which of the plan's axes target each account, and what to send to the CRM.

Business rules:

* an account is a **target** of an axis when it is in the axis's full scope (its segment's scope AND the
  axis's own scope), with the engine's scope semantics (``pac_core.scope_eval.ScopeIndex``) and dormancy
  judged on the first day of the axis's objective period (the plan's period when it has none), as the
  engine does for the axis's revenue;
* only axes that are in force count: active or prioritised, or suspended past their until-date (the
  engine's and the advisor's ``pac_core.plan.axis_inactive`` rule); suspended and dropped axes target nobody;
* the logical fields written on the account are ``axes`` (the axis ids, sorted, joined by ``"; "``, e.g.
  ``"AX-GC-QUOTES; AX-RA-DORM"``) and ``target`` (True when at least one axis holds the account);
* each account goes to its own CRM (its ``source`` connector) and only to connectors whose mapping declares
  account fields (``mapping.account_fields()``); accounts are updated by id, never created;
* a change is sent only when the values differ from what was last written to that account; an account
  that was written before and that no axis holds any more is **cleared** (``axes`` null, ``target`` False);
  deleted or vanished accounts are left alone (a write to them would be refused on every run).

Set-based: one scope index over all accounts, one pass per axis over its members; no loop over
accounts x axes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import Connector, Target, WriteChange
from pac_core.columnar import RecordColumns
from pac_core.matching import owner_emails
from pac_core.plan import Axis, Plan, axis_inactive
from pac_core.records import Deal, DealStage, Records
from pac_core.scope_eval import AccountKey, ScopeIndex

ACCOUNT_FIELDS = ("axes", "target")
SEPARATOR = "; "
CLEARED: Mapping[str, Any] = {"axes": None, "target": False}


def account_key(source: str, account_id: str) -> str:
    """The key of an account's last-written row, e.g. ``sf-main:001000000000001AAA``."""
    return f"{source}:{account_id}"


def account_fields(connector: Connector) -> dict[str, str]:
    """Logical account field -> CRM field the connector's mapping declares (empty: no account write-back)."""
    return dict(connector.account_fields())


def axes_in_force(plan: Plan, today: date) -> list[Axis]:
    """The axes that can target accounts today, sorted by id (suspended and dropped ones excluded)."""
    return sorted((a for a in plan.axes if not axis_inactive(a, today)), key=lambda a: a.id)


def won_dates(deals: Iterable[Deal], numbers: Mapping[AccountKey, int], n_accounts: int,
              zone: ZoneInfo) -> list[tuple[date, ...]]:
    """Per account number, the sorted close dates (in the plan's timezone) of its won deals (the engine's
    dormancy input)."""
    dates: list[list[date]] = [[] for _ in range(n_accounts)]
    for deal in deals:
        day = deal.day(zone)
        if deal.deleted or deal.stage is not DealStage.WON or deal.account_id is None or day is None:
            continue
        number = numbers.get((deal.source, deal.account_id))
        if number is not None:
            dates[number].append(day)
    return [tuple(sorted(d)) if d else () for d in dates]


def _reference(plan: Plan, axis: Axis, zone: ZoneInfo) -> date:
    period = axis.objective.period if axis.objective else plan.period
    return period.start.astimezone(zone).date()


def targeted_axes(plan: Plan, records: Records | RecordColumns, as_of: datetime, *, default_months: int = 12,
                  sources: Iterable[str] | None = None) -> dict[AccountKey, tuple[str, ...]]:
    """(source, account id) -> ids of the axes in force that hold the account, sorted; accounts held by
    no axis are absent. ``sources`` limits the accounts considered (None: all)."""
    zone = ZoneInfo(plan.timezone)
    axes = axes_in_force(plan, as_of.astimezone(zone).date())
    wanted = None if sources is None else set(sources)
    accounts = records.accounts if wanted is None else tuple(a for a in records.accounts if a.source in wanted)
    if not axes or not accounts:
        return {}
    numbers = {(a.source, a.id): i for i, a in enumerate(accounts)}
    index = ScopeIndex(accounts, owner_emails(records.users, plan.aliases()),
                       won_dates(records.deals, numbers, len(accounts), zone), default_months)
    held: dict[int, list[str]] = {}
    for axis in axes:                          # sorted by id: each account's list comes out sorted
        for number in index.members(plan.axis_scope(axis), _reference(plan, axis, zone)):
            found = held.get(number)
            if found is None:
                held[number] = [axis.id]
            else:
                found.append(axis.id)
    return {(accounts[n].source, accounts[n].id): tuple(ids) for n, ids in held.items()}


def desired_fields(axis_ids: Sequence[str]) -> dict[str, Any]:
    """The account fields for the axes that hold it (none: the cleared values)."""
    if not axis_ids:
        return dict(CLEARED)
    return {"axes": SEPARATOR.join(sorted(axis_ids)), "target": True}


def account_changes(source: str, targeted: Mapping[str, Sequence[str]], live: Iterable[str],
                    written: Mapping[tuple[str, str], Any], declared: Iterable[str] = ACCOUNT_FIELDS
                    ) -> list[WriteChange]:
    """The account updates for one connector, sorted by key.

    ``targeted``: account id -> axis ids holding it (this connector's accounts only); ``live``: ids of this
    connector's accounts that exist and are not deleted; ``written``: the last-written rows of this plan and
    connector, keyed ``(target, key)`` with ``.fields``; ``declared``: the logical fields the connector's
    mapping keeps (others are neither computed nor sent). Only differing fields are sent.
    """
    keep = [f for f in ACCOUNT_FIELDS if f in set(declared)]
    if not keep:
        return []
    live_ids = live if isinstance(live, set | frozenset) else set(live)
    out: list[WriteChange] = []
    prefix = f"{source}:"
    wanted: dict[str, tuple[str, dict[str, Any]]] = {}
    for account_id, axis_ids in targeted.items():
        if account_id in live_ids:
            wanted[account_key(source, account_id)] = (account_id, desired_fields(axis_ids))
    for (target, key), row in written.items():
        if target != Target.ACCOUNT.value or key in wanted or not key.startswith(prefix):
            continue
        account_id = key[len(prefix):]
        if account_id in live_ids and any(row.fields.get(f) != CLEARED[f] for f in keep if f in row.fields):
            wanted[key] = (account_id, dict(CLEARED))
    for key in sorted(wanted):
        account_id, want = wanted[key]
        row = written.get((Target.ACCOUNT.value, key))
        previous = row.fields if row is not None else {}
        fields = {f: want[f] for f in keep if row is None or f not in previous or previous[f] != want[f]}
        if fields:
            out.append(WriteChange(target=Target.ACCOUNT, key=key, fields=fields, crm_id=account_id))
    return out


def changes_by_connector(plan: Plan, records: Records | RecordColumns, as_of: datetime,
                         declared: Mapping[str, Iterable[str]], written: Mapping[str, Mapping[tuple[str, str], Any]],
                         *, default_months: int = 12) -> dict[str, list[WriteChange]]:
    """Account updates per connector name, for the connectors in ``declared`` (name -> logical fields kept;
    connectors keeping none are left out). ``written``: name -> that connector's last-written rows."""
    names = [n for n, fields in declared.items() if set(fields) & set(ACCOUNT_FIELDS)]
    if not names:
        return {}
    held = targeted_axes(plan, records, as_of, default_months=default_months, sources=names)
    targeted: dict[str, dict[str, tuple[str, ...]]] = {n: {} for n in names}
    for (source, account_id), axis_ids in held.items():
        targeted[source][account_id] = axis_ids
    live: dict[str, set[str]] = {n: set() for n in names}
    for account in records.accounts:
        ids = live.get(account.source)
        if ids is not None and not account.deleted:
            ids.add(account.id)
    return {n: account_changes(n, targeted[n], live[n], written.get(n, {}), declared[n]) for n in names}


def axis_companies(written: Mapping[tuple[str, str], Any], changes: Iterable[WriteChange]) -> dict[str, set[str]]:
    """Axis id -> ids of the connector's accounts it targets once ``changes`` are written: the last-written
    ``axes`` of each account, overlaid by the changes (a CRM that links axes to accounts needs them all)."""
    state: dict[str, Any] = {}
    for (target, key), row in written.items():
        if target == Target.ACCOUNT.value and "axes" in row.fields:
            state[key] = row.fields["axes"]
    for change in changes:
        if change.target is Target.ACCOUNT and "axes" in change.fields:
            state[change.key] = change.fields["axes"]
    out: dict[str, set[str]] = {}
    for key, axes in state.items():
        account_id = key.split(":", 1)[1] if ":" in key else key
        for axis in (axes.split(SEPARATOR) if isinstance(axes, str) else axes or ()):
            if axis:
                out.setdefault(axis, set()).add(account_id)
    return out
