"""An account's annual revenue is compared with a scope's bounds in the plan's currency (audit multi F2): converted from
the account's own currency with the CRM's rates it carries (a multi-currency Salesforce org's CurrencyType), else
engine.fx_rates, as a deal's amount; unknown (neither inside nor outside) when no rate converts it, with one
data-quality warning per currency. Every path agrees: the columnar count, pac explain, the account write-back's
scope index."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.plan import Plan
from pac_core.records import Account, CrmRates, Records
from pac_core.results import Evaluation
from pac_core.scope_eval import UNRATED, AnnualRevenue, ScopeIndex, compile_scope, describe_failure
from pac_core.scopes import Condition, Scope
from sync_jobs.account_targets import targeted_axes
from tests.unit.test_engine_support import DEPT_69, PARIS, USERS, account, action, axis, plan, utc, visit

AS_OF = datetime(2027, 5, 20, tzinfo=PARIS)
# the group's EUR org: CurrencyType 1 EUR = 0.95 CHF = 1.08 USD (an account's revenue is converted at these, never at
# a dated rate)
EUR_ORG = CrmRates("EUR", (("CHF", Decimal("0.95")), ("EUR", Decimal(1)), ("USD", Decimal("1.08"))))
BIG = Condition("annual_revenue", "gte", (Decimal(55_000_000),), "CA ≥ 55 M CHF")
NOT_BIG = Condition("annual_revenue", "lt", (Decimal(55_000_000),), "CA < 55 M CHF")


def _accounts(*extra: Account) -> tuple[Account, ...]:
    """EUR 60 M = CHF 57,000,000.00, inside 55 M CHF; EUR 57 M = CHF 54,150,000.00, just outside."""
    return (
        account("in", "69003", dormant=None, annual_revenue=Decimal(60_000_000), currency="EUR", rates=EUR_ORG),
        account("out", "69003", dormant=None, annual_revenue=Decimal(57_000_000), currency="EUR", rates=EUR_ORG),
        *extra,
    )


def _records(accounts: tuple[Account, ...]) -> Records:
    visits = tuple(visit(f"v-{a.id}", a.id, utc(5, 4, 8)) for a in accounts)
    return Records(accounts=accounts, activities=visits, users=USERS)


def _plan(condition: Condition, currency: str = "CHF") -> Plan:
    """One action: visit 3 accounts of the 69 with ``condition``, on an axis holding every account of the region."""
    return replace(
        plan(action(scope=Scope((DEPT_69, condition)), target=3), axes=(axis("AX-DORMANT", "SEG-ARA"),)),
        currency=currency,
    )


def _counted(ev: Evaluation, action_id: str = "A-01") -> set[str | None]:
    return {d.account_id for d in ev.action(action_id).decisions if d.counted}


class TestAPlanInAnotherCurrencyThanTheCorporate:
    def test_the_bounds_are_in_the_plan_s_currency(self) -> None:
        """A CHF plan on an EUR org, annual_revenue gte 55 M CHF: EUR 60 M (CHF 57 M) is inside, EUR 57 M (CHF
        54.15 M) is outside, and pac explain says so in both currencies. Before the fix the EUR amounts were compared
        with the CHF bound as they were: both accounts counted."""
        ev = evaluate(_plan(BIG), _records(_accounts()), as_of=AS_OF, explain=True)
        assert ev.action("A-01").done == 1 and _counted(ev) == {"in"}
        [outside] = [d for d in ev.action("A-01").decisions if d.account_id == "out"]
        assert outside.rule == "outside_scope"
        assert "€57,000,000 = CHF\u00a054,150,000.00 (scope: CA ≥ 55 M CHF)" in outside.detail

    def test_not_is_the_complement_for_converted_amounts(self) -> None:
        """annual_revenue lt 55 M CHF (what not: {gte} becomes): the EUR 57 M account only."""
        ev = evaluate(_plan(NOT_BIG), _records(_accounts()), as_of=AS_OF, explain=True)
        assert _counted(ev) == {"out"}

    def test_the_corporate_plan_keeps_its_figures(self) -> None:
        """An EUR plan (the corporate currency) compares EUR 60 M and 57 M as they are: both at least 55 M."""
        ev = evaluate(_plan(BIG, "EUR"), _records(_accounts()), as_of=AS_OF)
        assert ev.action("A-01").done == 2 and not ev.warnings

    def test_an_account_in_a_third_currency_is_crossed_at_the_org_s_rates(self) -> None:
        """USD 62 M on the EUR org in a CHF plan: 62,000,000 x 0.95 / 1.08 = CHF 54,537,037.04, outside; USD 63 M =
        CHF 55,416,666.67, inside."""
        usd = (
            account("usd-62", "69003", dormant=None, annual_revenue=Decimal(62_000_000), currency="USD", rates=EUR_ORG),
            account("usd-63", "69003", dormant=None, annual_revenue=Decimal(63_000_000), currency="USD", rates=EUR_ORG),
        )
        revenue = AnnualRevenue("CHF", {})
        assert [revenue.of(a) for a in usd] == [Decimal("54537037.04"), Decimal("55416666.67")]
        ev = evaluate(_plan(BIG), _records(usd), as_of=AS_OF, explain=True)
        assert _counted(ev) == {"usd-63"}

    def test_a_company_currency_without_crm_rates_uses_fx_rates(self) -> None:
        """A HubSpot company's revenue is in the portal's company currency with no rate of HubSpot's: a CHF plan
        converts EUR 60 M with engine.fx_rates {EUR: 0.95} (CHF 57 M, inside) and EUR 57 M (CHF 54.15 M, outside)."""
        accounts = tuple(replace(a, rates=None) for a in _accounts())
        settings = EngineSettings(fx_rates={"EUR": Decimal("0.95")})
        ev = evaluate(_plan(BIG), _records(accounts), as_of=AS_OF, settings=settings, explain=True)
        assert _counted(ev) == {"in"}


class TestNoRate:
    def test_an_unconverted_revenue_is_unknown_not_outside(self) -> None:
        """GBP 70 M on the EUR org (no GBP rate there) and no engine.fx_rates for GBP: neither "at least 55 M CHF" nor
        "under 55 M CHF" (it counts for neither action), never compared as GBP; one data-quality warning for the
        currency, naming the rate to add."""
        gbp = (
            account("gbp-1", "69003", dormant=None, annual_revenue=Decimal(70_000_000), currency="GBP", rates=EUR_ORG),
            account("gbp-2", "69003", dormant=None, annual_revenue=Decimal(1_000), currency="GBP", rates=EUR_ORG),
        )
        records = _records(_accounts(*gbp))
        p = _plan(BIG)
        p = replace(p, actions=(*p.actions, replace(action("A-02", scope=Scope((DEPT_69, NOT_BIG)), target=3))))
        ev = evaluate(p, records, as_of=AS_OF, explain=True)
        assert _counted(ev, "A-01") == {"in"} and _counted(ev, "A-02") == {"out"}
        [warning] = [w for w in ev.warnings if w.rule == "annual_revenue_no_rate"]
        assert (warning.record_id, warning.counted) == ("gbp-1", False)
        assert "annual revenue in GBP on 2 account(s)" in warning.detail
        assert "no exchange rate for GBP into CHF (add it to engine.fx_rates in pac.yaml)" in warning.detail
        [why] = [d.detail for d in ev.action("A-01").decisions if d.account_id == "gbp-1"]
        assert "£70,000,000, unknown in CHF" in why
        # with a rate for GBP the accounts are compared: GBP 70 M x 1.12 = CHF 78.4 M, inside
        ev = evaluate(p, records, as_of=AS_OF, settings=EngineSettings(fx_rates={"GBP": Decimal("1.12")}))
        assert ev.action("A-01").done == 2 and ev.action("A-02").done == 2
        assert not [w for w in ev.warnings if w.rule == "annual_revenue_no_rate"]

    def test_no_warning_when_no_scope_reads_the_revenue(self) -> None:
        """A plan that never asks for the annual revenue says nothing of its currencies."""
        gbp = account("gbp", "69003", dormant=None, annual_revenue=Decimal(70_000_000), currency="GBP")
        ev = evaluate(_plan(DEPT_69), _records((gbp,)), as_of=AS_OF)
        assert ev.action("A-01").done == 1 and not ev.warnings


class TestSingleCurrency:
    def test_an_account_with_no_currency_is_in_the_plan_s(self) -> None:
        """The shipped single-currency setups: an account with no currency compares its amount as it is, in any
        plan's currency (60 M and 57 M both at least 55 M), with no warning."""
        accounts = tuple(replace(a, currency=None, rates=None) for a in _accounts())
        ev = evaluate(_plan(BIG), _records(accounts), as_of=AS_OF)
        assert ev.action("A-01").done == 2 and not ev.warnings


class TestEveryPathAgrees:
    def test_the_scope_index_the_explainer_and_the_columns(self) -> None:
        """The account write-back's ScopeIndex, compile_scope (pac explain) and the columnar count give the same
        accounts, and UNRATED fails both a bound and its complement."""
        gbp = account("gbp", "69003", dormant=None, annual_revenue=Decimal(70_000_000), currency="GBP", rates=EUR_ORG)
        accounts = _accounts(gbp)
        revenue = AnnualRevenue("CHF", {})
        assert revenue.of(gbp) is UNRATED
        for condition, expected in ((BIG, {"in"}), (NOT_BIG, {"out"})):
            scope = Scope((condition,))
            index = ScopeIndex(list(accounts), {}, [()] * len(accounts), revenue=revenue)
            assert {accounts[i].id for i in index.members(scope, AS_OF.date())} == expected
            test = compile_scope(scope, as_of_for_dormant=AS_OF.date(), last_won={}, owner_email={}, revenue=revenue)
            assert {a.id for a in accounts if test(a) is None} == expected
        columns = RecordColumns.of(_records(accounts))
        assert columns.account_table.currency is not None and columns.accounts[2].currency == "GBP"
        assert describe_failure(BIG, gbp, {}, revenue).startswith("CA annuel £70,000,000, unknown in CHF: no exchange")

    def test_the_account_write_back_targets_by_the_converted_revenue(self) -> None:
        """An axis of the CHF plan scoped on 55 M CHF holds the EUR 60 M account only (the axes written back on it)."""
        big_axis = axis("AX-BIG", "SEG-ARA", scope=Scope((BIG,)))
        p = replace(plan(action(axis_id="AX-BIG"), axes=(big_axis,)), currency="CHF")
        assert targeted_axes(p, _records(_accounts()), AS_OF) == {("sf", "in"): ("AX-BIG",)}
