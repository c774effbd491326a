"""A won deal with no account, decided by each plan (audit hsdealnocompany, 7 Dec 2026): two plans on one set of
records, as the nightly sync evaluates them. Expectations by hand: /tmp/audits/hsdealnocompany/EXPECTED.md.

Plan « julie »: segment S-RA (Auvergne-Rhône-Alpes, no deal condition: every owner's deals on its accounts), axis
AX-RA (its clients). Plan « marc »: segment S-M (`deal_owner: marc`), axis AX-M (`who: marc`). Both of 2027,
evaluated on 30 June 2027. A won deal with no account counts in no figure; it is the plan's to reject when, placed on
the right account, it could have counted: its day in a segment's or axis's period or the same span a year earlier and
its owner/lines kept by that segment's or axis's deal conditions, or its day within the dormancy months before a
reference day (reactivation rate and new accounts, every owner), or no close day at all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.records import Account, Deal, DealLine, DealStage, Records, User

PARIS = ZoneInfo("Europe/Paris")
AS_OF = datetime(2027, 6, 30, 18, tzinfo=PARIS)
USERS = (User("005J", "sf", "julie@audit.example"), User("005M", "sf", "marc@other.example"))
LYON = Account("001L", "sf", "Lyon Chimie", postal_code="69001", departement="69", region="Auvergne-Rhône-Alpes",
               country="FR", account_type="Client")
HEAD = "plan: {{name: {name}, year: 2027, timezone: Europe/Paris, currency: EUR, language: en}}\n" \
       "people:\n  - {{email: julie@audit.example, name: Julie}}\n  - {{email: marc@other.example, name: Marc}}\n"
JULIE = HEAD.format(name="julie") + """\
segments:
  - {id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - {id: AX-RA, name: Clients, segment: S-RA, scope: {account_type: Client}, status: active,
     objective: {additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
actions: []
"""
MARC = HEAD.format(name="marc") + """\
segments:
  - {id: S-M, name: Marc, kind: mixed, scope: {deal_owner: marc@other.example}}
axes:
  - {id: AX-M, name: Marc's sales, segment: S-M, who: [marc@other.example], status: active,
     objective: {additional_revenue: 50000, baseline: 0, margin_rate: 0.3, budget: 5000, expected_roi: 2}}
actions: []
"""
PUMPS = HEAD.format(name="pumps") + """\
segments:
  - {id: S-P, name: Pumps, kind: vertical, scope: {product: PX200}}
axes:
  - {id: AX-P, name: Pumps, segment: S-P, status: active,
     objective: {additional_revenue: 50000, baseline: 0, margin_rate: 0.3, budget: 5000, expected_roi: 2}}
actions: []
"""


def _deal(ident: str, owner: str, close: date | None, account: str | None = None, product: str = "MAINT") -> Deal:
    return Deal(ident, "sf", account, owner, Decimal(4000), "EUR", close, DealStage.WON,
                lines=(DealLine(product=product, quantity=Decimal(1), amount=Decimal(4000), code=product),))


D1 = _deal("006D1", "005J", date(2027, 5, 12))     # Julie's, this year
D2 = _deal("006D2", "005M", date(2027, 5, 12))     # Marc's, this year
D3 = _deal("006D3", "005J", date(2026, 6, 10))     # Julie's, last year: a baseline and dormancy's 12 months
D4 = _deal("006D4", "005J", date(2019, 3, 1))      # Julie's of 2019: before every window
D5 = _deal("006D5", "005J", date(2028, 5, 12))     # after both plans
D6 = _deal("006D6", "005J", None)                  # no close day: its date is a data error too
COUNTED = _deal("006C", "005M", date(2027, 5, 3), account="001L")


def _rejected(plan_text: str, *deals: Deal) -> list[str]:
    records = Records(accounts=(LYON,), deals=(COUNTED, *deals), users=USERS)
    evaluation = evaluate(load_plan_text(plan_text), records, as_of=AS_OF)
    return sorted(d.record_id for d in evaluation.rejected if d.rule == "no_account")


def test_each_plan_rejects_only_the_deals_it_could_count() -> None:
    """By hand: « julie » rejects D1, D2 (S-RA counts every owner's deals of 2027), D3 (2026: its baseline, and the
    dormancy months of 1 January 2027) and D6 (no close day); « marc » D2 (his), D3 (dormancy months) and D6. Neither
    rejects D4 (2019) or D5 (2028). Seen failing before the fix: both rejected D1 to D6."""
    deals = (D1, D2, D3, D4, D5, D6)
    assert _rejected(JULIE, *deals) == ["006D1", "006D2", "006D3", "006D6"]
    assert _rejected(MARC, *deals) == ["006D2", "006D3", "006D6"]


def test_a_product_plan_rejects_only_deals_with_its_products() -> None:
    """Plan « pumps » (segment `product: PX200`): Julie's MAINT order of 12 May 2027 is not its to reject, her PX200
    order of that day is, both kept out of every figure."""
    px = replace(_deal("006PX", "005J", date(2027, 5, 12), product="PX200"))
    assert _rejected(PUMPS, D1, px) == ["006PX"]


@pytest.mark.parametrize("plan_text", [JULIE, MARC, PUMPS])
def test_figures_do_not_move(plan_text: str) -> None:
    """An account-less deal counts nowhere: every axis's and segment's revenue and baseline, and the totals, are
    those of the same records without them."""
    plan = load_plan_text(plan_text)
    without = evaluate(plan, Records(accounts=(LYON,), deals=(COUNTED,), users=USERS), as_of=AS_OF)
    with_ = evaluate(plan, Records(accounts=(LYON,), deals=(COUNTED, D1, D2, D3, D4, D5, D6), users=USERS),
                     as_of=AS_OF)
    assert [(a.revenue, a.baseline) for a in with_.axes] == [(a.revenue, a.baseline) for a in without.axes]
    assert [s.revenue for s in with_.segments] == [s.revenue for s in without.segments]
    assert with_.plan == without.plan


def test_a_lost_key_account_reads_every_owners_orders_of_its_last_year() -> None:
    """Plan « marc » with a lost key account (`compte clé perdu`: Lyon Chimie, lost on 1 June 2027): the advisor weighs
    the account's won revenue of the 12 months before that day, every owner's. Julie's D1 (12 May 2027), placed on Lyon
    Chimie, would be in it: the plan's to reject; D4 (2019) still not. Seen failing before: D1 not rejected."""
    lost = MARC.replace("actions: []\n", "actions: []\ncontext:\n"
                        "  - {kind: lost_key_account, account: Lyon Chimie, on: 2027-06-01}\n")
    assert _rejected(lost, D1, D4) == ["006D1"]
