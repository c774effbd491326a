"""A slow, plain reference counter for actions, written from the docs only (docs/engine.md: *Matching activities to
actions*, *Scopes and dormancy*, *Dates*, *Activities still planned on a past date*; the worked example;
docs/plan-format.md: *Scopes*, *Postal codes*, *Handing an action over*, *People*), without reading
``pac_core.matching`` or ``pac_core.columnar``. One action at a time, loops over record objects, no index.

``test_count_oracle.py`` compares ``pac_core.engine.evaluate`` with it on random small organisations. It holds no
test itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from pac_core.plan import Action, Counting, Plan
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealStage, Records
from pac_core.scopes import DEAL_FIELDS, Condition

# an account of one of these countries (or of none: the mapping's default, France) is placed by its postal code
FRENCH_COUNTRIES = (None, "FR", "GP", "MQ", "GF", "RE", "YT")


def fold(text: object) -> str:
    """Case- and accent-insensitive form of a text (docs/engine.md, *Scopes*: strings compare casefolded and
    accent-insensitive)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


# ---------------------------------------------------------------------------------------------------------------
# Postal codes -> département (docs/plan-format.md, *Postal codes: how an account gets its département*)
# ---------------------------------------------------------------------------------------------------------------

_TOWN_OR_CEDEX = re.compile(r"^(\d{5})(?:\s+(?:[^\W\d_][^\d]*?(?:\s+\d{1,2}(?:er|e))?|cedex(?:\s+\d{1,2})?|"
                            r"[^\W\d_]+\s+cedex(?:\s+\d{1,2})?))?$", re.IGNORECASE)


def postal_digits(postal: str | None) -> str | None:
    """The 5-digit code of a postal code, alone or followed by its town or CEDEX; None when it is neither."""
    if postal is None:
        return None
    found = _TOWN_OR_CEDEX.fullmatch(postal.strip())
    return found[1] if found else None


def departement_of(postal: str | None) -> str | None:
    """The département of a French postal code, La Poste's exceptions as the doc lists them; None when it gives none."""
    code = postal_digits(postal)
    if code is None:
        return None
    hundreds = code[:3]
    if code.startswith("20"):                                   # Corsica by La Poste's hundreds
        return {"200": "2A", "201": "2A", "207": "2A", "202": "2B", "204": "2B", "206": "2B"}.get(hundreds)
    if code.startswith("97"):                                   # overseas: 971..974, 976; St-Barth, St-Martin none
        if code in ("97133", "97150"):
            return None
        return hundreds if hundreds in ("971", "972", "973", "974", "976") else None
    if code[:2] in ("98", "99", "00", "96"):                    # Monaco 980xx, the Pacific...: no département
        return None
    return code[:2]


# ---------------------------------------------------------------------------------------------------------------
# The reference counter
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    done: int
    activity_ids: frozenset[tuple[str, str]]      # (source, id) of the counted activities
    accounts: frozenset[tuple[str, str]]          # (source, id) of the accounts they touched
    scope_size: int                               # live accounts in the segment AND axis AND action scope


def local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def moment(activity: Activity, zone: tzinfo) -> datetime | None:
    """When the activity is dated (docs/engine.md rule 3 and *Dates*): its start; an all-day one 00:00 of its day in
    the plan's zone; with both, the earlier. None: undated or naive (rejected, never counted)."""
    if activity.start is not None and activity.start.tzinfo is None:
        return None
    candidates = []
    if activity.start is not None:
        candidates.append(activity.start)
    if activity.day is not None:
        candidates.append(local_midnight(activity.day, zone))
    if not candidates:
        return None
    return min(candidates, key=lambda m: m.timestamp())


def months_before(day: date, months: int) -> date:
    """``day`` minus whole months, the day kept or clamped to the month's last day (31 May - 3 months = 28 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


class Oracle:
    def __init__(self, plan: Plan, records: Records, *, dormant_default_months: int = 12) -> None:
        self.plan = plan
        self.records = records
        self.zone = ZoneInfo(plan.timezone)
        self.default_months = dormant_default_months

    # -- people ------------------------------------------------------------------------------------------------
    def person(self, source: str, owner_id: str | None, *, email_id: bool = False) -> str | None:
        """The plan e-mail of a CRM owner: the e-mail of the user of that source with that id, an alias resolved to
        its person's e-mail. ``email_id``: an id that is itself an e-mail is taken as such (an activity's owner only:
        docs/engine.md rule 1; an account's owner is a CRM user's id)."""
        if owner_id is None:
            return None
        email = None
        for user in self.records.users:
            if user.source == source and user.id == owner_id:
                email = user.email
        if email is None and email_id and "@" in owner_id:
            email = owner_id
        if email is None:
            return None
        email = email.strip().lower()
        for p in self.plan.people:
            if email == p.email.lower() or email in (a.lower() for a in p.aliases):
                return p.email.lower()
        return email

    # -- account state at the reference date -------------------------------------------------------------------
    def state(self, account: Account, name: str, day: date) -> object:
        """A HISTORY field in force when local ``day`` began: the old value of the first change on or after it."""
        changes = sorted((c for c in self.records.account_changes
                          if c.source == account.source and c.account_id == account.id and c.field == name),
                         key=lambda c: c.changed_at)
        for change in changes:
            if change.changed_at.astimezone(self.zone).date() >= day:
                return change.old
        return getattr(account, name)

    def won_days(self, account: Account) -> list[date]:
        """Local days of the account's won, live deals that are purchases (credits are not: docs/engine.md,
        *Credits*); a deal with no close date is rejected."""
        days = []
        for deal in self.records.deals:
            if (deal.source, deal.account_id) != (account.source, account.id):
                continue
            if deal.stage != DealStage.WON or deal.deleted or _is_credit(deal):
                continue
            if deal.closed_at is not None:
                days.append(deal.closed_at.astimezone(self.zone).date())
            elif deal.close_date is not None:
                days.append(deal.close_date)
        return days

    def dormant_by_rule(self, account: Account, months: int, r: date) -> bool:
        """A won deal before ``r`` and none in [r - months, r)."""
        days = self.won_days(account)
        since = months_before(r, months)
        return any(d < r for d in days) and not any(since <= d < r for d in days)

    # -- scopes ------------------------------------------------------------------------------------------------
    def holds(self, cond: Condition, account: Account, r: date) -> bool:
        field, op, values = cond.field, cond.op, cond.values
        if field in DEAL_FIELDS:
            return True
        if field == "dormant":
            if op == "dormant_months":
                return self.dormant_by_rule(account, int(values[0]), r)
            flag = self.state(account, "dormant", r)
            dormant = flag if flag is not None else self.dormant_by_rule(account, self.default_months, r)
            return bool(dormant) == bool(values[0])
        if field in ("departement", "region"):
            if account.departement is None and account.country in FRENCH_COUNTRIES:
                return False                                      # unknown: fails every operator
            value = account.departement if field == "departement" else account.region
            options = [] if value is None else [fold(value)]
        elif field == "postal_code":
            digits = postal_digits(account.postal_code) if account.postal_code else None
            code = digits or (account.postal_code or None)
            if code is not None and re.fullmatch(r"\d{5}-\d{4}", code):
                code = code[:5]                                   # a US ZIP+4 compares as its ZIP
            inside = code is not None and any(
                code.upper().startswith(v[:-1].upper()) if v.endswith("*") else code.upper() == v.upper()
                for v in values)
            return inside if op == "in" else not inside if op == "not_in" else _bad(cond)
        elif field == "owner":
            email = self.person(account.source, self.state(account, "owner_id", r))  # type: ignore[arg-type]
            options = [] if email is None else [email]
        elif field == "country":
            options = [] if account.country is None else [account.country.upper()]
            values = tuple(str(v).upper() for v in values)
        elif field == "account_type":
            options = _options(self.state(account, "account_type", r))
        elif field in ("industry", "name"):
            options = _options(getattr(account, field))
        else:
            return _bad(cond)
        wanted = {fold(v) for v in values}
        inside = any(fold(o) in wanted for o in options)
        if op == "in":
            return inside
        if op == "not_in":
            return not inside
        return _bad(cond)

    def axis_members(self, axis_id: str) -> set[tuple[str, str]]:
        """The live accounts of an axis's scope (its segment's AND its own), judged on its objective period's first
        day (docs/engine.md, *Reference date*)."""
        axis = next(a for a in self.plan.axes if a.id == axis_id)
        segment = next(s for s in self.plan.segments if s.id == axis.segment_id)
        assert axis.objective is not None
        r = axis.objective.period.start.astimezone(self.zone).date()
        conditions = (*segment.scope.conditions, *axis.scope.conditions)
        return {(a.source, a.id) for a in self.records.accounts
                if not a.deleted and all(self.holds(c, a, r) for c in conditions)}

    def in_scope(self, action: Action, account: Account) -> bool:
        axis = next(a for a in self.plan.axes if a.id == action.axis_id)
        segment = next(s for s in self.plan.segments if s.id == axis.segment_id)
        r = action.window.start.astimezone(self.zone).date()
        conditions = (*segment.scope.conditions, *axis.scope.conditions, *action.scope.conditions)
        return all(self.holds(c, account, r) for c in conditions)

    # -- one action ----------------------------------------------------------------------------------------------
    def matching(self, action: Action, as_of: datetime, status: ActivityStatus) -> list[Activity]:
        """The live activities of ``status`` that pass every other rule of ``action`` as of ``as_of`` (owner, type,
        window to date, scope), earliest first (instant, then source and id)."""
        zone = self.zone
        accounts = {(a.source, a.id): a for a in self.records.accounts}
        cuts: dict[str, datetime | None] = {action.who.lower(): None}      # owner -> counted before this instant
        for handed in action.handed_over:
            former = handed.from_.lower()
            cut = local_midnight(handed.on, zone)
            if former not in cuts or (cuts[former] is not None and cut > cuts[former]):   # type: ignore[operator]
                cuts[former] = cut
        found: list[tuple[float, str, str, Activity]] = []
        for act in self.records.activities:
            if act.type is None or act.type != action.activity_type:
                continue
            if act.deleted or act.status != status:
                continue
            owner = self.person(act.source, act.owner_id, email_id=True)
            if owner is None or owner not in cuts:
                continue
            when = moment(act, zone)
            if when is None:
                continue
            t = when.timestamp()
            if not (action.window.start.timestamp() <= t < action.window.end.timestamp()):
                continue
            if t >= as_of.timestamp():
                continue                                           # not happened yet at the evaluation
            if (act.whole_day and act.start is None and act.day is not None
                    and local_midnight(act.day + timedelta(days=1), zone).timestamp() > as_of.timestamp()):
                continue                                           # its day is not over
            until = cuts[owner]
            if until is not None and t >= until.timestamp():
                continue                                           # a former owner's, after the hand-over
            account = accounts.get((act.source, act.account_id)) if act.account_id else None
            if account is None or account.deleted or not self.in_scope(action, account):
                continue
            found.append((t, act.source, act.id, act))
        return [act for *_, act in sorted(found, key=lambda m: m[:3])]

    def count(self, action: Action, as_of: datetime) -> Counted:
        counted: list[Activity] = []
        seen: set[tuple[str, str]] = set()
        for act in self.matching(action, as_of, ActivityStatus.COMPLETED):
            key = (act.source, act.account_id or "")
            if action.counting == Counting.DISTINCT_ACCOUNTS and key in seen:
                continue
            seen.add(key)
            counted.append(act)
        size = sum(1 for a in self.records.accounts if not a.deleted and self.in_scope(action, a))
        return Counted(len(counted), frozenset((a.source, a.id) for a in counted), frozenset(seen), size)

    def still_planned(self, as_of: datetime) -> dict[tuple[str, str], list[str]]:
        """docs/engine.md, *Activities still planned on a past date*: each planned activity that would count for some
        action but for its status -> the ids of those actions; one dated by its day alone once that day is over
        (audit oracle2counts F2: a task due today is today's to-do)."""
        out: dict[tuple[str, str], list[str]] = {}
        for action in self.plan.actions:
            for act in self.matching(action, as_of, ActivityStatus.PLANNED):
                if act.day is not None and (act.start is None or local_midnight(act.day, self.zone) <= act.start) \
                        and local_midnight(act.day + timedelta(days=1), self.zone) > as_of:
                    continue
                out.setdefault((act.source, act.id), []).append(action.id)
        return out


def _options(value: object) -> list[str]:
    """A text value's options (a multi-select joined by ';'); none for a missing value."""
    if value is None or str(value).strip() == "":
        return []
    return [o.strip() for o in str(value).split(";") if o.strip()]


def _is_credit(deal: Deal) -> bool:
    if deal.amount is not None:
        return deal.amount < 0
    priced = [line.amount for line in deal.lines if line.amount is not None]
    return bool(priced) and sum(priced) < 0


def _bad(cond: Condition) -> bool:
    raise AssertionError(f"the oracle does not read {cond}")
