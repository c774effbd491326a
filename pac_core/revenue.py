"""Won revenue: the ledger of usable won deals, sums per account over date ranges, product load.

Rules (units: money in the plan's currency, Decimal; dates are local calendar dates):

* a deal counts when it is won, not deleted, has an account, and its close date falls in the range;
* its amount is converted with ``fx_rates`` (currency -> rate into the plan's currency); a deal with
  no currency is taken to be in the plan's currency;
* a won deal with no amount, a negative amount, an unknown currency, no close date or no known
  account is rejected with a reason and never summed;
* revenue figures are "to date": from the first day of the period up to the evaluation date (or the
  period's last day when it is over); the baseline is the same span one year earlier.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.records import Deal, DealStage
from pac_core.results import Decision
from pac_core.scope_eval import AccountKey
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
    rejected: list[Decision] = field(default_factory=list)
    rejected_accounts: list[int | None] = field(default_factory=list)
    _sums: dict[DateRange, tuple[dict[int, Decimal], dict[int, list[int]]]] = field(default_factory=dict)

    @classmethod
    def build(cls, deals: Iterable[Deal], *, account_number: Mapping[AccountKey, int], n_accounts: int,
              currency: str, fx_rates: Mapping[str, Decimal]) -> WonLedger:
        rows: list[tuple[date, int, Decimal, Deal]] = []
        dates: list[list[date]] = [[] for _ in range(n_accounts)]
        ledger = cls()
        for deal in deals:
            if deal.deleted or deal.stage is not DealStage.WON:
                continue
            number = account_number.get((deal.source, deal.account_id)) if deal.account_id is not None else None
            if number is not None and deal.close_date is not None:
                dates[number].append(deal.close_date)
            problem = _money_problem(deal, number, currency, fx_rates)
            if problem is not None:
                ledger.rejected.append(Decision(deal.source, deal.id, False, problem[0], problem[1],
                                                deal.account_id, deal.close_date))
                ledger.rejected_accounts.append(number)
                continue
            assert deal.amount is not None and deal.close_date is not None and number is not None
            cur = (deal.currency or currency).upper()
            amount = deal.amount if cur == currency else deal.amount * Decimal(fx_rates[cur])
            rows.append((deal.close_date, number, amount, deal))
        rows.sort(key=lambda r: (r[0], r[3].source, r[3].id))
        ledger.days = [r[0] for r in rows]
        ledger.accounts = [r[1] for r in rows]
        ledger.amounts = [r[2] for r in rows]
        ledger.deals = [r[3] for r in rows]
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

    def counted_deals(self, days: DateRange, members: frozenset[int], limit: int) -> list[Decision]:
        """Up to ``limit`` counted deals of the scope (deterministic order), then the scope's rejected deals."""
        _, positions = self.by_account(days)
        picked: list[int] = []
        small, big = (positions.keys(), members) if len(positions) <= len(members) else (members, positions)
        for number in small:
            if number in big:
                picked.extend(positions[number])
                if len(picked) >= limit:
                    break
        picked.sort()
        out = [Decision(self.deals[p].source, self.deals[p].id, True, "counted",
                        f"{self.amounts[p]:.2f}", self.deals[p].account_id, self.days[p]) for p in picked[:limit]]
        out.extend(d for d, n in zip(self.rejected, self.rejected_accounts, strict=True)
                   if n is not None and n in members and d.when is not None
                   and isinstance(d.when, date) and days[0] <= d.when <= days[1])
        return out


def _money_problem(deal: Deal, number: int | None, currency: str,
                   fx_rates: Mapping[str, Decimal]) -> tuple[str, str] | None:
    if deal.account_id is None:
        return "no_account", "the won deal has no account"
    if number is None:
        return "no_account", f"account {deal.account_id} is not among the accounts of {deal.source}"
    if deal.close_date is None:
        return "no_close_date", "the won deal has no close date"
    if deal.amount is None:
        return "no_amount", "the won deal has no amount"
    if deal.amount < 0:
        return "negative_amount", f"amount {deal.amount} is negative"
    cur = (deal.currency or currency).upper()
    if cur != currency and cur not in fx_rates:
        return "unknown_currency", f"no exchange rate for {cur} into {currency} (add it to the fx rates)"
    return None


def product_load(deals: Sequence[Deal], days: DateRange, committed_weight: Decimal) -> dict[str, dict[str, Decimal]]:
    """Per product: won quantity and committed (open deals, weighted) quantity closing in the range."""
    out: dict[str, dict[str, Decimal]] = {}
    for deal in deals:
        if deal.deleted or deal.close_date is None or not days[0] <= deal.close_date <= days[1]:
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
