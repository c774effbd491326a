"""Account-level write-back: which of the plan's axes target each account, and what to send to the CRM.

Business rules:

* an account is a **target** of an axis when it is in the axis's full scope (its segment's scope AND the
  axis's own scope), with the engine's scope semantics (``pac_core.scope_eval.ScopeIndex``) and dormancy
  judged on the first day of the axis's objective period (the plan's period when it has none), the account's
  state fields (CRM dormant flag, owner, type) as in force that day (``records.account_on``), as the
  engine does for the axis's revenue; **or** when one of the axis's actions not yet over (``open_actions``: its
  window ends after the run's instant, its status is neither done nor cancelled) can count it: segment AND axis
  AND action scope, state and dormancy on the action's window's first day, as the engine counts the action
  (audit targets, 7 Dec 2026: a rep's « My PAC targeted accounts » listed none of the accounts her June action
  counts, sfhand6 L1). The account carries the axis id either way;
* only axes that are in force count: active or prioritised, or suspended past their until-date (the
  engine's and the advisor's ``pac_core.plan.axis_inactive`` rule); suspended and dropped axes target nobody;
* the logical fields written on the account are ``axes`` (the axis ids, sorted, joined by ``"; "``, e.g.
  ``"AX-GC-QUOTES; AX-RA-DORM"``) and ``target`` (True when at least one axis holds the account);
* each account goes to its own CRM (its ``source`` connector) and only to connectors whose mapping declares
  account fields (``mapping.account_fields()``); accounts are updated by id, never created;
* a change is sent only when the values differ from what was last written to that account, or from what the
  account holds in the CRM when the connector read them with it after pac's last write to it (``HELD_PAC``: a hand
  edit is restored, audit hslife H5), or read them tonight in full (``fresh``: the weekly reconciliation, ``pac sync
  --full``: what a field deleted and created again holds, empty with no account's stamp moved, is refilled); an
  account that was written before, or that holds PAC values pac never wrote (a merged company inheriting those of a
  company merged into it), and that no axis holds any more is **cleared** (``axes`` null, ``target`` False);
  deleted or vanished accounts are left alone (a write to them would be refused on every run), and are no axis's
  companies (``axis_companies``).

Several plans on one connector (the 2026 plan still running when the 2027 one starts, one plan per business unit)
share the account's fields:

* each plan's run saves its **contribution** (account key -> the ids of its axes that target the account) in the
  store (``pac_account_axes``), written to the CRM or not;
* a plan is **in force** until its period is over (``pac_core.plan_end.plan_ended`` at the run's instant); a plan
  whose period is over targets no account: its run contributes nothing (it takes its axes off), and the other
  plans' runs leave its stored contribution out;
* the account's ``axes`` are the union of the contributions of every plan in force in the settings that uses the
  connector (``combined``): an axis id only one of those plans has is written as it is (``AX-RA-DORM``: a single
  plan's values are unchanged); an id two of them have in their plan files (any status, targeting or not) is
  written qualified by its plan everywhere on it, as the axis record's key (``pac-2026-durand:AX-01;
  pac-2027-durand:AX-01``), so no token names two axes; bare ids first, then the keys plan by plan, the running
  plan's first (``Sharer.rank``), so a CRM's cut (Salesforce's 255 characters, whole tokens) drops the next plan's;
* the diff is made against what the CRM last received from **any** plan (``diff_base``: the newest written row of
  the account), so a plan writes only when the CRM's value must change, and two plans computing the same value
  from the same contributions never write it back and forth; a plan that no longer targets an account leaves the
  other plans' axes on it; the contributions of a plan removed from the settings stop counting, and the next run
  of a plan on that connector takes its axes off the accounts.

Set-based: one scope index per distinct account state (the reference days after the last recorded change share
one), one pass per axis over its members and its open actions'; no loop over accounts x axes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import CRM_STAMP, HELD_PAC, Connector, Target, WriteChange, same_value
from pac_core.columnar import RecordColumns
from pac_core.engine import figures_last_day
from pac_core.matching import owner_emails
from pac_core.plan import Action, ActionStatus, Axis, Plan, action_status_on, axis_inactive
from pac_core.plan_end import plan_ended
from pac_core.records import HISTORY_FIELDS, AccountChange, Deal, DealStage, Records, account_on
from pac_core.revenue import deal_value, is_credit
from pac_core.scope_eval import AccountKey, AnnualRevenue, ScopeIndex
from pac_core.text import cut_list

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
    dormancy input): purchases, so not credits (``revenue.is_credit``), as the engine reads them."""
    dates: list[list[date]] = [[] for _ in range(n_accounts)]
    for deal in deals:
        day = deal.day(zone)
        if deal.deleted or deal.stage is not DealStage.WON or deal.account_id is None or day is None \
                or is_credit(deal_value(deal.amount, deal.lines)):
            continue
        number = numbers.get((deal.source, deal.account_id))
        if number is not None:
            dates[number].append(day)
    return [tuple(sorted(d)) if d else () for d in dates]


def _reference(plan: Plan, axis: Axis, zone: ZoneInfo) -> date:
    period = axis.objective.period if axis.objective else plan.period
    return period.start.astimezone(zone).date()


def open_actions(plan: Plan, axis: Axis, as_of: datetime, today: date) -> list[Action]:
    """The axis's actions not yet over at ``as_of``, whose accounts it targets: the window ends after ``as_of`` (one
    to come included) and the status in force ``today`` is neither done nor cancelled (a manager who marks an action
    so says stop; the advisor's open actions, ``advisor._reassign``)."""
    return [a for a in plan.actions if a.axis_id == axis.id and a.window.end > as_of
            and action_status_on(a, today) not in (ActionStatus.DONE, ActionStatus.CANCELLED)]


def targeted_axes(plan: Plan, records: Records | RecordColumns, as_of: datetime, *, default_months: int = 12,
                  sources: Iterable[str] | None = None, fx_rates: Mapping[str, Decimal] | None = None
                  ) -> dict[AccountKey, tuple[str, ...]]:
    """(source, account id) -> ids of the axes in force that hold the account, sorted; accounts held by
    no axis are absent. ``sources`` limits the accounts considered (None: all); ``fx_rates``: the plan's
    ``engine.fx_rates``, with which (and the CRM's rates each account carries) an annual revenue is compared in the
    plan's currency, as the engine compares it.

    An axis holds an account in its scope (segment AND axis) as its revenue judges it, on the first day of its
    objective's period, and each account one of its actions not yet over can count (``open_actions``: segment AND
    axis AND action scope), as that action counts it, on its window's first day (audit targets, sfhand6 L1)."""
    zone = ZoneInfo(plan.timezone)
    today = figures_last_day(plan, as_of, zone)      # the day the engine judges liveness on
    axes = axes_in_force(plan, today)
    wanted = None if sources is None else set(sources)
    accounts = records.accounts if wanted is None else tuple(a for a in records.accounts if a.source in wanted)
    if not axes or not accounts:
        return {}
    numbers = {(a.source, a.id): i for i, a in enumerate(accounts)}
    emails, won = owner_emails(records.users, plan.aliases()), won_dates(records.deals, numbers, len(accounts), zone)
    changes: dict[int, list[AccountChange]] = {}
    for change in records.account_changes:
        number = numbers.get((change.source, change.account_id))
        if number is not None:
            changes.setdefault(number, []).append(change)
    by_state: dict[tuple[tuple[int, tuple[Any, ...]], ...], ScopeIndex] = {}
    indexes: dict[date, ScopeIndex] = {}
    revenue = AnnualRevenue(plan.currency, fx_rates)

    def index_on(reference: date) -> ScopeIndex:
        """The accounts in their state (dormant flag, owner, type) on ``reference``: one index per distinct state, so
        the days after the last recorded change (the actions to come) share tonight's."""
        index = indexes.get(reference)
        if index is None:
            then = {n: account_on(accounts[n], of, reference, zone) for n, of in changes.items()}
            moved = {n: a for n, a in then.items() if a is not accounts[n]}
            state = tuple(sorted((n, tuple(getattr(a, f) for f in HISTORY_FIELDS)) for n, a in moved.items()))
            index = by_state.get(state)
            if index is None:
                listed = [moved.get(n, a) for n, a in enumerate(accounts)] if moved else list(accounts)
                index = by_state[state] = ScopeIndex(listed, emails, won, default_months, revenue)
            indexes[reference] = index
        return index

    held: dict[int, list[str]] = {}
    for axis in axes:                          # sorted by id: each account's list comes out sorted
        reference = _reference(plan, axis, zone)
        members = index_on(reference).members(plan.axis_scope(axis), reference)
        for action in open_actions(plan, axis, as_of, today):
            start = action.window.start.astimezone(zone).date()
            members = members | index_on(start).members(plan.action_scope(action), start)
        for number in members:
            found = held.get(number)
            if found is None:
                held[number] = [axis.id]
            else:
                found.append(axis.id)
    return {(accounts[n].source, accounts[n].id): tuple(ids) for n, ids in held.items()}


def desired_fields(axis_ids: Sequence[str], *, ordered: bool = False) -> dict[str, Any]:
    """The account fields for the axes that hold it (none: the cleared values); the ids sorted, or kept in the
    given order when ``ordered`` (the order ``combined`` gives several plans' tokens)."""
    if not axis_ids:
        return dict(CLEARED)
    return {"axes": SEPARATOR.join(axis_ids if ordered else sorted(axis_ids)), "target": True}


def _same(field_name: str, held: Any, want: Any, length: Any = None) -> bool:
    """Whether a value a CRM holds is the value wanted: ``target`` as a checkbox (empty is false, JSON ``true`` or the
    text ``"true"`` is true), ``axes`` as text (empty is none) once cut as the write cuts it when the CRM keeps
    ``length`` characters of it (``HELD_PAC``'s ``length``: Salesforce's 255, whole tokens, ``cut_list``): a list
    longer than the field is held cut, and is the wanted one."""
    if field_name == "target":
        return (str(held).strip().lower() == "true") == bool(want)
    if isinstance(length, int) and length > 0 and isinstance(want, str):
        want = cut_list(want, length)
    return same_value(held, want)


def held_values(held: Mapping[str, Any] | None, row: Any, *, fresh: bool = False) -> Mapping[str, Any] | None:
    """What the account holds in the CRM (``HELD_PAC``) when it was read after pac's last write to it (``row``'s
    ``CRM_STAMP``: the stamp the CRM answered that write), else None: a read older than the write (the account is not
    read again for pac's own write) says nothing of what it holds now; with no stamp to compare, the row is trusted.
    An account pac never wrote holds what was read, and so does an account this run read (``fresh``: its accounts
    read in full tonight, before any write of the run), whatever its stamp: a field deleted and created again in the
    CRM is empty on every account, and no account's stamp moved (audit ops)."""
    if not held:
        return None
    if row is None or fresh:
        return held
    stamp, at = row.fields.get(CRM_STAMP), held.get("at")
    if not stamp or not at:
        return None
    try:
        return held if datetime.fromisoformat(str(at)) >= datetime.fromisoformat(str(stamp)) else None
    except ValueError:
        return None


def account_changes(source: str, targeted: Mapping[str, Sequence[str]], live: Iterable[str],
                    written: Mapping[tuple[str, str], Any], declared: Iterable[str] = ACCOUNT_FIELDS,
                    own: Mapping[tuple[str, str], Any] | None = None, *, ordered: bool = False,
                    held: Mapping[str, Mapping[str, Any]] | None = None, fresh: bool = False) -> list[WriteChange]:
    """The account updates for one connector, sorted by key.

    ``targeted``: account id -> axis ids holding it (this connector's accounts only); ``live``: ids of this
    connector's accounts that exist and are not deleted; ``written``: the last-written rows of this plan and
    connector, keyed ``(target, key)`` with ``.fields``; ``declared``: the logical fields the connector's
    mapping keeps (others are neither computed nor sent). Only differing fields are sent. ``own``: this plan's
    rows when ``written`` is what any plan last wrote (``diff_base``): a change also carries the fields that differ
    from this plan's row, so that its row, once saved, holds what the CRM holds. ``ordered``: ``targeted``'s ids are
    in the order to write (``combined``'s), else they are sorted. ``held``: account id -> the PAC values it holds
    in the CRM, as read with it (``HELD_PAC``): a field whose value there differs from the wanted one is sent too
    (when read after pac's last write, or ``fresh``: this run read the accounts in full, ``held_values``), and an
    account holding values no axis wants is cleared.
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
            wanted[account_key(source, account_id)] = (account_id, desired_fields(axis_ids, ordered=ordered))
    for (target, key), row in written.items():
        if target != Target.ACCOUNT.value or key in wanted or not key.startswith(prefix):
            continue
        account_id = key[len(prefix):]
        if account_id in live_ids and any(row.fields.get(f) != CLEARED[f] for f in keep if f in row.fields):
            wanted[key] = (account_id, dict(CLEARED))
    for account_id, values in (held or {}).items():
        key = account_key(source, account_id)
        if key not in wanted and account_id in live_ids and any(not _same(f, values.get(f), CLEARED[f]) for f in keep):
            wanted[key] = (account_id, dict(CLEARED))
    for key in sorted(wanted):
        account_id, want = wanted[key]
        row = written.get((Target.ACCOUNT.value, key))
        previous = row.fields if row is not None else {}
        crm = held_values((held or {}).get(account_id), row, fresh=fresh)
        fields = {f: want[f] for f in keep if row is None or f not in previous or previous[f] != want[f]
                  or (crm is not None and not _same(f, crm.get(f), want[f], crm.get("length")))}
        mine = own.get((Target.ACCOUNT.value, key)) if fields and own is not None else row
        if mine is not row:
            kept = mine.fields if mine is not None else {}
            fields.update({f: want[f] for f in keep if f not in kept or kept[f] != want[f]})
        if fields:
            out.append(WriteChange(target=Target.ACCOUNT, key=key, fields=fields, crm_id=account_id))
    return out


@dataclass
class Shared:
    """One connector's account write-back for one plan's run: the updates, the plan's own contribution (account
    key -> its axis ids, to save), the plan of each token the accounts will hold, and the rows diffed against."""

    changes: list[WriteChange] = field(default_factory=list)
    own: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    base: Mapping[tuple[str, str], Any] = field(default_factory=dict)
    live: frozenset[str] = frozenset()      # the connector's live account ids (``axis_companies``)


@dataclass(frozen=True)
class Sharer:
    """A plan of the settings on a connector whose accounts' fields it shares: its id, the ids of all its axes (any
    status: each has its axis record on the connector), its period (None: unknown, its file unreadable and never
    synced; an unreadable file the store synced stands as its last version, ``steps._other_contributions``) and its
    contribution (account key -> the ids of its axes targeting the account)."""

    plan_id: str
    axis_ids: frozenset[str]
    start: datetime | None = None
    end: datetime | None = None
    rows: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan, rows: Mapping[str, Sequence[str]]) -> Sharer:
        return cls(plan.id, frozenset(a.id for a in plan.axes), plan.period.start, plan.period.end, rows)

    def over(self, as_of: datetime) -> bool:
        """Whether the plan's period is over at ``as_of`` (``pac_core.plan_end.plan_ended``): it targets nothing."""
        return self.end is not None and as_of > self.end

    def rank(self, as_of: datetime) -> tuple[int, float, str]:
        """The plan's place in an account's list, first first: the plans whose period holds ``as_of``, the most
        recently started first; then the plans not begun, the soonest first; then those of unknown period; ties by
        plan id."""
        if self.start is None:
            return (2, 0.0, self.plan_id)
        if as_of > self.start:
            return (0, -self.start.timestamp(), self.plan_id)
        return (1, self.start.timestamp(), self.plan_id)


def combined(me: Sharer, others: Iterable[Sharer], as_of: datetime
             ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Account key -> the tokens its ``axes`` hold for the contributions of ``me`` and the ``others`` in force at
    ``as_of`` (a plan whose period is over counts for nothing), in the order to write; and token -> the plan it
    names an axis of.

    An axis id that two plans in force both have (their plan files, whether or not both target accounts with it) is
    qualified by its plan, ``plan:AX-01``; any other is written bare. Order: the bare tokens sorted, then the
    qualified ones plan by plan (``Sharer.rank``: the plan in force at ``as_of`` before the next one's, whichever
    plan's run computes it), each plan's by axis id,
    so a list cut at a CRM's length (Salesforce's 255 characters) loses the qualified tokens of the plans that matter
    least. With no other plan, the tokens are the plan's axis ids, sorted."""
    plans = [p for p in (me, *sorted((o for o in others if o.plan_id != me.plan_id), key=lambda o: o.plan_id))
             if not p.over(as_of)]
    having: dict[str, int] = {}
    for plan in plans:
        for axis in plan.axis_ids | {a for ids in plan.rows.values() for a in ids}:
            having[axis] = having.get(axis, 0) + 1
    rank = {plan.plan_id: plan.rank(as_of) for plan in plans}
    tokens: dict[str, set[tuple[tuple[int, float, str] | tuple[()], str, str]]] = {}
    owners: dict[str, str] = {}
    for plan in plans:
        for key, ids in plan.rows.items():
            for axis in ids:
                qualified = having[axis] > 1
                token = f"{plan.plan_id}:{axis}" if qualified else axis
                owners[token] = plan.plan_id
                tokens.setdefault(key, set()).add(((rank[plan.plan_id] if qualified else ()), axis, token))
    return {k: tuple(t for _, _, t in sorted(v)) for k, v in tokens.items() if v}, owners


def diff_base(plan_id: str, own: Mapping[tuple[str, str], Any], everyone: Mapping[str, Sequence[Any]]
              ) -> dict[tuple[str, str], Any]:
    """What the connector's accounts last received from any plan: per account, the newest of the plans' written
    rows (``everyone``: account key -> each plan's row, from the store), this plan's own rows (``own``, as the run
    holds them) winning ties; the rows of other targets are ``own``'s."""
    out = dict(own)
    for key, rows in everyone.items():
        others = [r for r in rows if r.plan_id != plan_id]
        if not others:
            continue
        newest = max(others, key=lambda r: r.written_at)
        mine = out.get((Target.ACCOUNT.value, key))
        when = getattr(mine, "written_at", None)
        if mine is None or (when is not None and newest.written_at > when):
            out[(Target.ACCOUNT.value, key)] = newest
    return out


def shared_changes(plan: Plan, records: Records | RecordColumns, as_of: datetime,
                   declared: Mapping[str, Iterable[str]], written: Mapping[str, Mapping[tuple[str, str], Any]],
                   *, default_months: int = 12, others: Mapping[str, Sequence[Sharer]] | None = None,
                   everyone: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
                   fx_rates: Mapping[str, Decimal] | None = None, fresh: Collection[str] = ()) -> dict[str, Shared]:
    """Per connector name in ``declared`` (name -> logical fields kept; connectors keeping none are left out):
    the account updates and what goes with them. ``written``: name -> this plan's last-written rows there;
    ``others``: name -> the other plans of the settings there, with their contributions (``combined`` leaves out
    those whose period is over); ``everyone``: name -> account key -> every plan's written row of the account
    (None: this plan's only); ``fresh``: the connectors whose accounts this run read in full (``held_values``). A
    plan whose period is over at ``as_of`` targets no account: its contribution is
    empty, and its run takes its axes off (leaving the other plans')."""
    names = [n for n, fields in declared.items() if set(fields) & set(ACCOUNT_FIELDS)]
    if not names:
        return {}
    over = plan_ended(plan, as_of)
    held = {} if over else targeted_axes(plan, records, as_of, default_months=default_months, sources=names,
                                         fx_rates=fx_rates)
    live: dict[str, set[str]] = {n: set() for n in names}
    holds: dict[str, dict[str, Mapping[str, Any]]] = {n: {} for n in names}   # what the CRM holds (HELD_PAC)
    for account in records.accounts:
        ids = live.get(account.source)
        if ids is not None and not account.deleted:
            ids.add(account.id)
            values = account.custom.get(HELD_PAC) if account.custom else None
            if isinstance(values, Mapping):
                holds[account.source][account.id] = values
    own: dict[str, dict[str, tuple[str, ...]]] = {n: {} for n in names}
    for (source, account_id), axis_ids in held.items():
        if account_id in live[source]:
            own[source][account_key(source, account_id)] = axis_ids
    out: dict[str, Shared] = {}
    for n in names:
        tokens, owners = combined(Sharer.of(plan, own[n]), (others or {}).get(n, ()), as_of)
        prefix = len(n) + 1
        targeted = {key[prefix:]: ids for key, ids in tokens.items()}
        mine = written.get(n, {})
        base = diff_base(plan.id, mine, everyone[n]) if everyone is not None and n in everyone else mine
        changes = account_changes(n, targeted, live[n], base, declared[n], own=mine if base is not mine else None,
                                  ordered=True, held=holds[n], fresh=n in fresh)
        out[n] = Shared(changes, own[n], owners, base, frozenset(live[n]))
    return out


def axis_companies(written: Mapping[tuple[str, str], Any], changes: Iterable[WriteChange],
                   live: Iterable[str] | None = None) -> dict[str, set[str]]:
    """Axis id -> ids of the connector's accounts it targets once ``changes`` are written: the last-written
    ``axes`` of each account, overlaid by the changes (a CRM that links axes to accounts needs them all). ``live``:
    the connector's live account ids; the others (deleted, merged away: their rows keep the ``axes`` last written)
    are left out, so no link is asked to a company that is gone (audit hslife H6: "No object with id", a partial run)
    and none counts towards the cap."""
    alive = None if live is None else set(live)
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
        if alive is not None and account_id not in alive:
            continue
        for axis in (axes.split(SEPARATOR) if isinstance(axes, str) else axes or ()):
            if axis:
                out.setdefault(axis, set()).add(account_id)
    return out
