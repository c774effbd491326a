"""Won revenue: the ledger of usable won deals, sums per account over date ranges, product load.

Rules (units: money in the plan's currency, Decimal; dates are local calendar dates):

* a deal counts when it is won, not deleted, has an account, and its close date falls in the range;
* its amount is converted with ``fx_rates`` (currency -> rate into the plan's currency); a deal with
  no currency is taken to be in the plan's currency;
* its close date is the deal's day in the plan's timezone (``Deal.day``): a CRM instant (HubSpot
  ``closedate``) becomes its local date, a plain date (Salesforce ``CloseDate``) stays as it is;
* a won deal with **no amount** counts as a won deal worth 0 (for dormancy, conversion and the deal
  lists) and is listed as a data-quality warning (``WonLedger.warnings``, rule ``no_amount``): it is not
  a rejection and does not make a run partial;
* a won deal with a negative amount, an unknown currency, no close date or no known account is rejected
  with a reason and never summed;
* deal-level scope conditions (``deal_owner``, ``product``...) and an axis's ``who`` are applied per deal
  (``DealFilter``): a product condition counts the amounts of the matching lines only, not the deal's;
* revenue figures are "to date": from the first day of the period up to the evaluation date (or the
  period's last day when it is over); the baseline is the same span one year earlier.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.records import Deal, DealLine, DealStage
from pac_core.results import Decision
from pac_core.scope_eval import AccountKey
from pac_core.scopes import Condition
from pac_core.text import fold_value
from pac_core.window import Window

ZERO = Decimal(0)
DateRange = tuple[date, date]          # inclusive first and last day; empty when first > last


def year_earlier(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def window_days(window: Window, zone: ZoneInfo) -> DateRange:
    """The local calendar days a window covers: a day is in when its 00:00 local is in the window."""
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    first = start.date() if start.time() == datetime.min.time() else start.date() + timedelta(days=1)
    last = end.date() - timedelta(days=1) if end.time() == datetime.min.time() else end.date()
    return first, last


def to_date(days: DateRange, as_of: datetime, zone: ZoneInfo) -> DateRange:
    """The part of a range up to the evaluation date (its local calendar day included)."""
    today = as_of.astimezone(zone).date()
    return days[0], min(days[1], today)


def baseline_range(days: DateRange) -> DateRange:
    return year_earlier(days[0]), year_earlier(days[1])


@dataclass
class WonLedger:
    """Usable won deals sorted by close date, plus every account's won close dates (for dormancy)."""

    days: list[date] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)
    amounts: list[Decimal] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    won_dates: list[tuple[date, ...]] = field(default_factory=list)   # per account number, sorted
    rates: list[Decimal] = field(default_factory=list)       # per position: deal currency -> plan's currency
    rejected: list[Decision] = field(default_factory=list)
    rejected_accounts: list[int | None] = field(default_factory=list)
    warnings: list[Decision] = field(default_factory=list)   # counted, with a data-quality problem (no amount)
    _sums: dict[DateRange, tuple[dict[int, Decimal], dict[int, list[int]]]] = field(default_factory=dict)

    @classmethod
    def build(cls, deals: Iterable[Deal], *, account_number: Mapping[AccountKey, int], n_accounts: int,
              currency: str, fx_rates: Mapping[str, Decimal], zone: tzinfo = UTC) -> WonLedger:
        rows: list[tuple[date, int, Decimal, Deal, Decimal]] = []
        dates: list[list[date]] = [[] for _ in range(n_accounts)]
        ledger = cls()
        for deal in deals:
            if deal.deleted or deal.stage is not DealStage.WON:
                continue
            day = deal.day(zone)
            number = account_number.get((deal.source, deal.account_id)) if deal.account_id is not None else None
            if number is not None and day is not None:
                dates[number].append(day)
            problem = _money_problem(deal, day, number, currency, fx_rates)
            if problem is not None:
                ledger.rejected.append(Decision(deal.source, deal.id, False, problem[0], problem[1],
                                                deal.account_id, day))
                ledger.rejected_accounts.append(number)
                continue
            assert day is not None and number is not None
            cur = (deal.currency or currency).upper()
            rate = Decimal(1) if cur == currency else Decimal(fx_rates[cur])
            if deal.amount is None:
                ledger.warnings.append(Decision(deal.source, deal.id, True, "no_amount",
                                                "the won deal has no amount: counted as won, worth 0",
                                                deal.account_id, day))
            amount = ZERO if deal.amount is None else deal.amount if rate == 1 else deal.amount * rate
            rows.append((day, number, amount, deal, rate))
        rows.sort(key=lambda r: (r[0], r[3].source, r[3].id))
        ledger.days = [r[0] for r in rows]
        ledger.accounts = [r[1] for r in rows]
        ledger.amounts = [r[2] for r in rows]
        ledger.deals = [r[3] for r in rows]
        ledger.rates = [r[4] for r in rows]
        ledger.won_dates = [tuple(sorted(d)) if d else () for d in dates]
        return ledger

    def by_account(self, days: DateRange) -> tuple[dict[int, Decimal], dict[int, list[int]]]:
        """(account -> revenue, account -> ledger positions) for deals closed in the inclusive range."""
        found = self._sums.get(days)
        if found is None:
            sums: dict[int, Decimal] = {}
            positions: dict[int, list[int]] = {}
            if days[0] <= days[1]:
                lo, hi = bisect_left(self.days, days[0]), bisect_right(self.days, days[1])
                for pos in range(lo, hi):
                    number = self.accounts[pos]
                    sums[number] = sums.get(number, ZERO) + self.amounts[pos]
                    positions.setdefault(number, []).append(pos)
            found = self._sums[days] = (sums, positions)
        return found

    def total(self, days: DateRange, members: frozenset[int]) -> Decimal:
        """Revenue of the accounts in ``members`` over the range; each deal once."""
        sums, _ = self.by_account(days)
        if len(sums) <= len(members):
            return sum((v for k, v in sums.items() if k in members), ZERO)
        return sum((sums[k] for k in members if k in sums), ZERO)

    def counted_deals(self, days: DateRange, members: frozenset[int], limit: int, flt: DealFilter | None = None,
                      owner_email: Mapping[AccountKey, str] | None = None) -> list[Decision]:
        """Up to ``limit`` counted deals of the scope (deterministic order; ``detail`` the amount counted, in the
        plan's currency, rule ``no_amount`` for a won deal without amount, worth 0), then up to ``limit`` deals of
        the scope's accounts that a deal condition left out (``other_deal_owner``, ``other_product``), then the
        scope's rejected deals."""
        out: list[Decision] = []
        if flt is not None and not flt.is_everything:
            kept, missed = measure(self, days, members, flt, owner_email or {})
            amounts = {p: amount for p, (amount, _) in kept.items()}
            picked = sorted(kept)[:limit]
        else:
            _, positions = self.by_account(days)
            chosen: list[int] = []
            small, big = (positions.keys(), members) if len(positions) <= len(members) else (members, positions)
            for number in small:
                if number in big:
                    chosen.extend(positions[number])
                    if len(chosen) >= limit:
                        break
            picked = sorted(chosen)[:limit]
            amounts, missed = {p: self.amounts[p] for p in picked}, []
        for p in picked:
            deal = self.deals[p]
            rule = "no_amount" if deal.amount is None else "counted"
            out.append(Decision(deal.source, deal.id, True, rule, f"{amounts[p]:.2f}", deal.account_id, self.days[p]))
        for p, rule, detail in sorted(missed)[:limit]:
            deal = self.deals[p]
            out.append(Decision(deal.source, deal.id, False, rule, detail, deal.account_id, self.days[p]))
        out.extend(d for d, n in zip(self.rejected, self.rejected_accounts, strict=True)
                   if n is not None and n in members and d.when is not None
                   and isinstance(d.when, date) and days[0] <= d.when <= days[1])
        return out


def _money_problem(deal: Deal, day: date | None, number: int | None, currency: str,
                   fx_rates: Mapping[str, Decimal]) -> tuple[str, str] | None:
    if deal.account_id is None:
        return "no_account", "the won deal has no account"
    if number is None:
        return "no_account", f"account {deal.account_id} is not among the accounts of {deal.source}"
    if day is None:
        return "no_close_date", "the won deal has no close date"
    if deal.amount is not None and deal.amount < 0:
        return "negative_amount", f"amount {deal.amount} is negative"
    cur = (deal.currency or currency).upper()
    if cur != currency and cur not in fx_rates:
        return "unknown_currency", f"no exchange rate for {cur} into {currency} (add it to the fx rates)"
    return None


def product_load(deals: Sequence[Deal], days: DateRange, committed_weight: Decimal,
                 zone: tzinfo = UTC) -> dict[str, dict[str, Decimal]]:
    """Per product: won quantity and committed (open deals, weighted) quantity closing in the range."""
    out: dict[str, dict[str, Decimal]] = {}
    for deal in deals:
        day = deal.day(zone)
        if deal.deleted or day is None or not days[0] <= day <= days[1]:
            continue
        if deal.stage is DealStage.LOST:
            continue
        for line in deal.lines:
            row = out.setdefault(line.product, {"won": ZERO, "committed": ZERO})
            if deal.stage is DealStage.WON:
                row["won"] += line.quantity
            else:
                row["committed"] += line.quantity * committed_weight
    return out


# --------------------------------------------------------------------------------------------
# Deal-level conditions: an axis's ``who`` and the scope's deal_owner / product conditions
# --------------------------------------------------------------------------------------------

LINE_FIELDS = ("product", "product_family", "product_code")


@dataclass(frozen=True)
class DealFilter:
    """What a deal (and its lines) must satisfy beyond its account being in scope.

    * ``who`` (folded e-mails): the deal's owner, resolved by e-mail among the users of the deal's CRM, is
      one of them (an axis given to people counts only their deals);
    * ``owner_conditions``: ``deal_owner`` conditions (``in`` / ``not_in`` e-mails);
    * ``line_conditions``: ``product`` (a line's code, family, name or capacity key), ``product_family``,
      ``product_code``; a line counts when it passes every one, and the deal counts **the amounts of its
      matching lines**, converted like the deal; a deal with no matching line does not count.
    """

    who: frozenset[str] = frozenset()
    owner_conditions: tuple[Condition, ...] = ()
    line_conditions: tuple[Condition, ...] = ()

    @classmethod
    def of(cls, conditions: Iterable[Condition], who: Iterable[str] = ()) -> DealFilter:
        conditions = tuple(conditions)
        return cls(frozenset(fold_value(w) for w in who), tuple(c for c in conditions if c.field == "deal_owner"),
                   tuple(c for c in conditions if c.field in LINE_FIELDS))

    @property
    def is_everything(self) -> bool:
        return not (self.who or self.owner_conditions or self.line_conditions)

    def owner_problem(self, owner: str | None) -> str | None:
        """Why a deal owned by ``owner`` (an e-mail, or None) does not count; None when it does."""
        folded = fold_value(owner) if owner else None
        if self.who and folded not in self.who:
            return f"{owner or 'unknown owner'} (axis: {', '.join(sorted(self.who))})"
        for c in self.owner_conditions:
            inside = folded is not None and folded in {fold_value(str(v)) for v in c.values}
            if inside != (c.op == "in"):
                return f"{owner or 'unknown owner'} (scope: {c.label})"
        return None

    def matching_lines(self, lines: Sequence[DealLine]) -> list[int]:
        """Indexes of the lines passing every line condition."""
        return [i for i, line in enumerate(lines) if all(_line_passes(c, line) for c in self.line_conditions)]


def _line_values(condition: Condition, line: DealLine) -> set[str]:
    if condition.field == "product_family":
        raw: tuple[str | None, ...] = (line.family,)
    elif condition.field == "product_code":
        raw = (line.code or line.product,)
    else:
        raw = (line.code, line.family, line.name, line.product)
    return {fold_value(v) for v in raw if v}


def _line_passes(condition: Condition, line: DealLine) -> bool:
    hit = bool(_line_values(condition, line) & {fold_value(str(v)) for v in condition.values})
    return hit if condition.op == "in" else not hit


Measured = dict[int, tuple[Decimal, tuple[int, ...] | None]]   # position -> (amount, matching lines or None: whole)


def measure(ledger: WonLedger, days: DateRange, members: frozenset[int], flt: DealFilter,
            owner_email: Mapping[AccountKey, str]) -> tuple[Measured, list[tuple[int, str, str]]]:
    """The won deals of ``members`` closed in ``days`` that pass ``flt``: position -> (amount counted, lines), and
    the ones that fail it: (position, rule, detail) with rule ``other_deal_owner`` or ``other_product``."""
    _, positions = ledger.by_account(days)
    small, big = (positions.keys(), members) if len(positions) <= len(members) else (members, positions)
    kept: Measured = {}
    missed: list[tuple[int, str, str]] = []
    for number in small:
        if number not in big:
            continue
        for pos in positions[number]:
            deal = ledger.deals[pos]
            if flt.is_everything:
                kept[pos] = (ledger.amounts[pos], None)
                continue
            owner = owner_email.get((deal.source, deal.owner_id)) if deal.owner_id else None
            problem = flt.owner_problem(owner)
            if problem is not None:
                missed.append((pos, "other_deal_owner", problem))
                continue
            if not flt.line_conditions:
                kept[pos] = (ledger.amounts[pos], None)
                continue
            lines = flt.matching_lines(deal.lines)
            if not lines:
                shown = ", ".join(sorted({ln.code or ln.product for ln in deal.lines})) or "no product line"
                wanted = "; ".join(c.label for c in flt.line_conditions)
                missed.append((pos, "other_product", f"{shown} (scope: {wanted})"))
                continue
            amount = sum((deal.lines[i].amount or ZERO for i in lines), ZERO) * ledger.rates[pos]
            kept[pos] = (amount, tuple(lines))
    return kept, missed
