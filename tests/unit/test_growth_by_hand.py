"""Growth objectives as managers write them, computed by hand on organisations small enough for paper (audit
growthhand): « +30 % vs 2026 », « +15 % sur le CA du segment », « 150 000 € de CA supplémentaire », « doubler le CA »,
« +20 % au T3 », over a half-year, a quarter, fiscal years from April and February, an 18-month plan, a base year with
credits, a base with no revenue, a leap day, a USD plan with EUR deals, an objective period partly before the plan.

Each case lists its deals; the expected figures are worked out in its comment, never from the engine's code.
tests/unit/test_growth_objective.py pins the spellings, the split attribution, the provisional base and the
surfaces; this file pins the arithmetic and the words on periods that file does not use."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pac_config.planfile import load_plan_text
from pac_config.settings import load_settings
from pac_core.engine import EngineSettings, evaluate
from pac_core.errors import InvalidInput
from pac_core.explain import explain_axis
from pac_core.growth import with_evaluation
from pac_core.growth_words import provenance
from pac_core.plan import Plan
from pac_core.records import Deal, DealStage, Records
from pac_core.report_period import fiscal_start
from pac_core.results import AxisProgress, Evaluation
from pac_core.revenue import baseline_range, weekly_year
from sync_jobs.pipeline import run_sync
from sync_jobs.report.fmt import Formatter
from tests.cli import run_pac
from tests.fakes import T0 as FAKE_T0
from tests.fakes import Clock, FakeConnector
from tests.fakes import account as fake_account
from tests.fakes import user as fake_user
from tests.unit.test_engine_support import USERS, account, won

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
NBSP, NNBSP = "\u00a0", "\u202f"

# lyon and villeurbanne are clients of the Rhône (département 69); bron a prospect of the Rhône; grenoble a client
# outside the segment (38): its deals never count
ACCOUNTS = (account("lyon", "69003", account_type="Client"), account("villeurbanne", "69100", account_type="Client"),
            account("bron", "69500", account_type="Prospect"), account("grenoble", "38000", account_type="Client"))

PLAN = """\
plan: {{name: PAC, year: {year}, timezone: {zone}, language: {lang}, currency: {currency}{header}}}
people: [{{email: julie@example.com, name: Julie, role: manager}}]
segments:
  - {{id: SEG, name: Rhône, kind: horizontal, scope: {{departement: "69"}}, swot: {{strengths: [une équipe locale]}}}}
axes:
  - id: AX
    name: Clients du Rhône
    segment: SEG
{scope}    objective:
      additional_revenue: {value}
      budget: 10000{more}
{other}actions:
  - {{id: A-01, axis: AX, text: "Visiter 5 clients", who: julie@example.com, what: {{activity: visite, count: 5}},
     when: {when}}}
"""
CLIENTS = "    scope: {account_type: Client}\n"
NO_RATES = EngineSettings()


def _plan(value: str, *, year: int = 2027, header: str = "", more: str = "", scope: str = CLIENTS, other: str = "",
          zone: str = "Europe/Paris", lang: str = "fr", currency: str = "EUR", when: str = "cette année") -> Plan:
    return load_plan_text(PLAN.format(value=value, year=year, header=header, more=more, scope=scope, other=other,
                                      zone=zone, lang=lang, currency=currency, when=when), "pac.yaml")


def _run(plan: Plan, deals: tuple[Deal, ...], as_of: datetime,
         settings: EngineSettings = NO_RATES) -> tuple[Evaluation, AxisProgress]:
    ev = evaluate(plan, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=as_of, settings=settings)
    return ev, next(a for a in ev.axes if a.axis_id == "AX")


def _words(plan: Plan, ev: Evaluation, lang: str | None = None, axis: str = "AX") -> str:
    resolved = with_evaluation(plan, ev)
    objective = next(a for a in resolved.axes if a.id == axis).objective
    return provenance(objective, ZoneInfo(plan.timezone), plan.currency, lang or plan.language, fiscal_start(plan),
                      weekly_year(plan.period.quarters)).replace(NBSP, " ").replace(NNBSP, " ")


def _d(amount: str) -> Decimal:
    return Decimal(amount)


def _figures(ax: AxisProgress) -> tuple[Decimal, Decimal, Decimal, Decimal | None]:
    return ax.revenue, ax.baseline, ax.additional, ax.objective


# ---------------------------------------------------------------------------------------------------------------
# The calendar year: « +30 % vs 2026 »
# 2026 on the axis (Rhône clients): lyon 60 000 (10 March), villeurbanne 40 000 (1 October) = 100 000;
# bron (a prospect) 70 000 and grenoble (38) 50 000 are outside. Objective: 30 % x 100 000 = 30 000.
# 2027: lyon 50 000 (1 February), villeurbanne 20 000 (15 May), villeurbanne 35 000 (1 September).
# On 1 July 2027 00:00 (30 June counted): revenue 70 000, baseline 1 Jan–30 Jun 2026 = 60 000, additional 10 000,
# progress 10 000 / 30 000 = 1/3, expected by now 181 / 365.
# ---------------------------------------------------------------------------------------------------------------
YEAR_DEALS = (won("b1", "lyon", "60000", date(2026, 3, 10)), won("b2", "villeurbanne", "40000", date(2026, 10, 1)),
              won("bx", "bron", "70000", date(2026, 4, 1)), won("gx", "grenoble", "50000", date(2026, 5, 1)),
              won("n1", "lyon", "50000", date(2027, 2, 1)), won("n2", "villeurbanne", "20000", date(2027, 5, 15)),
              won("n3", "villeurbanne", "35000", date(2027, 9, 1)))
JULY_1 = datetime(2027, 7, 1, tzinfo=PARIS)


class TestCalendarYear:
    def test_plus_30_percent_vs_2026(self) -> None:
        plan = _plan('"+30 %"')
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert _figures(ax) == (_d("70000"), _d("60000"), _d("10000"), _d("30000"))
        assert ax.progress == pytest.approx(1 / 3) and ax.expected_by_now == pytest.approx(181 / 365)
        assert _words(plan, ev) == "+30 % de 100 000 € (CA 2026 du périmètre) = 30 000 €"
        assert _words(plan, ev, "en") == "+30% of €100,000 (the scope's 2026 revenue) = €30,000"

    def test_at_the_years_end(self) -> None:
        # revenue 105 000, baseline 100 000, additional 5 000: 5 000 / 30 000 = 1/6
        _, ax = _run(_plan('"+30 %"'), YEAR_DEALS, datetime(2028, 1, 1, tzinfo=PARIS))
        assert _figures(ax) == (_d("105000"), _d("100000"), _d("5000"), _d("30000"))
        assert ax.progress == pytest.approx(1 / 6) and ax.expected_by_now == 1.0

    def test_plus_15_percent_on_the_segments_revenue(self) -> None:
        # no axis scope: the segment's whole 2026 revenue, the prospect's included: 60 000 + 40 000 + 70 000 =
        # 170 000 (grenoble is in 38); 15 % = 25 500
        plan = _plan('"+15 %"', scope="")
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert ax.objective == _d("25500") and ax.growth_base == _d("170000")
        # baseline to 30 June 2026: 60 000 + 70 000 (bron, 1 April) = 130 000; revenue 70 000: additional -60 000
        assert (ax.baseline, ax.additional) == (_d("130000"), _d("-60000"))
        assert _words(plan, ev) == "+15 % de 170 000 € (CA 2026 du périmètre) = 25 500 €"

    def test_150_000_euros_of_additional_revenue(self) -> None:
        # an amount: no base, no words; progress 10 000 / 150 000
        plan = _plan('"150 000 €"')
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert (ax.objective, ax.growth_rate, ax.growth_base) == (_d("150000"), None, None)
        assert ax.progress == pytest.approx(10000 / 150000) and _words(plan, ev) == ""

    def test_doubling_is_plus_100_percent(self) -> None:
        plan = _plan('"+100 %"')
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert ax.objective == _d("100000")
        assert _words(plan, ev) == "+100 % de 100 000 € (CA 2026 du périmètre) = 100 000 €"

    def test_a_decimal_rate_to_the_cent(self) -> None:
        # 12,5 % of 100 000 = 12 500 exactly: whole euros in the words
        plan = _plan('"12,5 %"')
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert ax.objective == _d("12500")
        assert _words(plan, ev) == "+12,5 % de 100 000 € (CA 2026 du périmètre) = 12 500 €"

    def test_credits_in_the_base_year(self) -> None:
        # a credit note of -15 000 on lyon (won, 20 November 2026): base 100 000 - 15 000 = 85 000; 30 % = 25 500
        plan = _plan('"+30 %"')
        ev, ax = _run(plan, (*YEAR_DEALS, won("avoir", "lyon", "-15000", date(2026, 11, 20))), JULY_1)
        assert (ax.growth_base, ax.objective) == (_d("85000"), _d("25500"))
        assert _words(plan, ev) == "+30 % de 85 000 € (CA 2026 du périmètre) = 25 500 €"

    def test_a_deleted_or_open_deal_is_not_in_the_base(self) -> None:
        deals = (*YEAR_DEALS, won("del", "lyon", "9000", date(2026, 6, 1), deleted=True))
        _, ax = _run(_plan('"+30 %"'), deals, JULY_1)
        assert ax.growth_base == _d("100000")

    def test_segment_and_plan_objectives_add_the_resolved_amount(self) -> None:
        # AX +30 % of 100 000 = 30 000; AX-2 (the segment's prospects) 20 000 written: segment objective 50 000
        other = ("  - id: AX-2\n    name: Prospects\n    segment: SEG\n    scope: {account_type: Prospect}\n"
                 "    objective: {additional_revenue: 20000, budget: 5000}\n")
        ev, _ = _run(_plan('"+30 %"', other=other), YEAR_DEALS, JULY_1)
        assert ev.segments[0].objective == _d("50000")


# ---------------------------------------------------------------------------------------------------------------
# A quarter: « +20 % au T3 » in the 2027 plan: Q3 2026 (1 July–30 September) on the axis:
# lyon 10 000 (1 July 2026), villeurbanne 15 000 (30 September 2026) = 25 000; 1 October (b2) is Q4's.
# Objective 20 % x 25 000 = 5 000. 2027: lyon 12 000 on 15 August; on 16 August 00:00: revenue 12 000,
# baseline 1 Jul–15 Aug 2026 = 10 000, additional 2 000, progress 0.4, expected by now 46 / 92.
# ---------------------------------------------------------------------------------------------------------------
Q3_DEALS = (*YEAR_DEALS, won("q1", "lyon", "10000", date(2026, 7, 1)),
            won("q2", "villeurbanne", "15000", date(2026, 9, 30)), won("q3", "lyon", "12000", date(2027, 8, 15)))


class TestQuarterAndHalf:
    def test_plus_20_percent_in_q3(self) -> None:
        plan = _plan('"+20 %"', more="\n      period: T3")
        ev, ax = _run(plan, Q3_DEALS, datetime(2027, 8, 16, tzinfo=PARIS))
        assert _figures(ax) == (_d("12000"), _d("10000"), _d("2000"), _d("5000"))
        assert ax.progress == pytest.approx(0.4) and ax.expected_by_now == pytest.approx(46 / 92)
        assert _words(plan, ev) == "+20 % de 25 000 € (CA T3 2026 du périmètre) = 5 000 €"
        assert _words(plan, ev, "en") == "+20% of €25,000 (the scope's Q3 2026 revenue) = €5,000"

    def test_a_half_year(self) -> None:
        # H1 2026: lyon 60 000 (10 March) = 60 000; +25 % = 15 000; on 1 April 2027 00:00 revenue 50 000, baseline
        # 60 000 (10 March 2026 is before 31 March), additional -10 000, expected by now 90 / 181
        plan = _plan('"+25 %"', more="\n      period: 1er semestre")
        ev, ax = _run(plan, YEAR_DEALS, datetime(2027, 4, 1, tzinfo=PARIS))
        assert _figures(ax) == (_d("50000"), _d("60000"), _d("-10000"), _d("15000"))
        assert ax.expected_by_now == pytest.approx(90 / 181)
        assert _words(plan, ev) == "+25 % de 60 000 € (CA 1er semestre 2026 du périmètre) = 15 000 €"

    def test_a_half_year_with_no_revenue_says_so_in_good_french(self) -> None:
        # H2 2026 of the prospects: nothing (bron's 70 000 is 1 April). The French says « au 2e semestre 2026 »
        plan = _plan('"+30 %"', more="\n      period: 2e semestre", scope="    scope: {account_type: Prospect}\n")
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert (ax.growth_base, ax.objective) == (_d("0"), _d("0"))
        assert _words(plan, ev) == ("+30 % de 0 € (CA 2e semestre 2026 du périmètre) = 0 € : le périmètre n'a rien "
                                    "vendu au 2e semestre 2026, un pourcentage n'y fixe aucun objectif "
                                    "(écrivez un montant)")

    def test_a_quarter_with_no_revenue_says_so_in_good_french(self) -> None:
        plan = _plan('"+30 %"', more="\n      period: T4", scope="    scope: {account_type: Prospect}\n")
        ev, _ = _run(plan, YEAR_DEALS, JULY_1)
        assert "le périmètre n'a rien vendu au T4 2026," in _words(plan, ev)

    def test_a_month_with_no_revenue(self) -> None:
        plan = _plan('"+30 %"', more="\n      period: mai", scope="    scope: {account_type: Prospect}\n")
        ev, _ = _run(plan, YEAR_DEALS, JULY_1)
        assert "le périmètre n'a rien vendu en mai 2026," in _words(plan, ev)


# ---------------------------------------------------------------------------------------------------------------
# Fiscal years
# ---------------------------------------------------------------------------------------------------------------
APRIL = ', period: "2027-04-01..2028-03-31"'
FEBRUARY = ', period: "2027-02-01..2028-01-31"'


class TestFiscalYears:
    def test_a_year_from_april(self) -> None:
        # base 1 Apr 2026 – 31 Mar 2027: b2 40 000 (1 Oct 2026), n1 50 000 (1 Feb 2027) = 90 000 (b1, 10 March
        # 2026, is before); +30 % = 27 000. On 1 October 2027 00:00: revenue n2 20 000 + n3 35 000 = 55 000;
        # baseline 1 Apr–30 Sep 2026 = 0; additional 55 000; expected by now 183 / 366 (29 February 2028)
        plan = _plan('"+30 %"', header=APRIL)
        ev, ax = _run(plan, YEAR_DEALS, datetime(2027, 10, 1, tzinfo=PARIS))
        assert _figures(ax) == (_d("55000"), _d("0"), _d("55000"), _d("27000"))
        assert ax.expected_by_now == pytest.approx(183 / 366)
        assert _words(plan, ev) == "+30 % de 90 000 € (CA avril 2026 – mars 2027 du périmètre) = 27 000 €"

    def test_a_year_from_april_synced_in_march_is_provisional(self) -> None:
        # on 15 March 2027 (evaluated 16 March 00:00), the base period runs to 31 March 2027: 90 000 to 15 March
        plan = _plan('"+30 %"', header=APRIL)
        ev, ax = _run(plan, YEAR_DEALS, datetime(2027, 3, 16, tzinfo=PARIS))
        assert (ax.growth_base, ax.objective, ax.growth_base_through) == (_d("90000"), _d("27000"),
                                                                         date(2027, 3, 15))
        assert _words(plan, ev) == ("+30 % de 90 000 € (CA avril 2026 – mars 2027 du périmètre au 15 mars 2027, "
                                    "provisoire : la période n'est pas terminée) = 27 000 €")

    def test_q3_of_a_year_from_april(self) -> None:
        # T3 of the plan = October–December 2027; base October–December 2026: b2 40 000; +20 % = 8 000. The base is
        # the T3 of the year before, named as the report names the plan's quarters (it read « CA T4 2026 »)
        plan = _plan('"+20 %"', header=APRIL, more="\n      period: T3")
        ev, ax = _run(plan, YEAR_DEALS, datetime(2027, 10, 1, tzinfo=PARIS))
        assert (ax.growth_base, ax.objective) == (_d("40000"), _d("8000"))
        assert _words(plan, ev) == "+20 % de 40 000 € (CA T3 de l'exercice 2026-2027 du périmètre) = 8 000 €"
        assert _words(plan, ev, "en") == ("+20% of €40,000 (the scope's Q3 of fiscal year 2026-2027 revenue) = "
                                          "€8,000")
        assert "(CA T3 de l'exercice 2026-2027 du périmètre)" in explain_axis(plan, ev, "AX", deals={}).objective
        assert "(CA T3 de l'exercice 2026-2027 du périmètre)" in Formatter.for_plan(plan).objective_origin(
            with_evaluation(plan, ev).axes[0].objective)

    def test_halves_of_a_year_from_april(self) -> None:
        # H2 of the plan = October 2027 – March 2028; base October 2026 – March 2027: b2 40 000 + n1 50 000 =
        # 90 000; +10 % = 9 000. The prospects (bron) sold nothing in October 2026 – March 2027
        plan = _plan('"+10 %"', header=APRIL, more="\n      period: 2e semestre")
        ev, ax = _run(plan, YEAR_DEALS, datetime(2027, 10, 1, tzinfo=PARIS))
        assert (ax.growth_base, ax.objective) == (_d("90000"), _d("9000"))
        assert _words(plan, ev) == "+10 % de 90 000 € (CA 2e semestre de l'exercice 2026-2027 du périmètre) = 9 000 €"
        empty = _plan('"+10 %"', header=APRIL, more="\n      period: 2e semestre",
                      scope="    scope: {account_type: Prospect}\n")
        ev, _ = _run(empty, YEAR_DEALS, datetime(2027, 10, 1, tzinfo=PARIS))
        assert "n'a rien vendu au 2e semestre de l'exercice 2026-2027," in _words(empty, ev)

    def test_a_calendar_quarter_in_a_year_from_february_is_named_by_its_months(self) -> None:
        # « T2 2027 » (April–June, calendar) in a plan from February: no quarter of the plan; base April–June 2026
        plan = _plan('"+10 %"', header=FEBRUARY, more="\n      period: T2 2027")
        ev, _ = _run(plan, YEAR_DEALS, datetime(2027, 10, 1, tzinfo=PARIS))
        assert _words(plan, ev) == "+10 % de 0 € (CA avril 2026 – juin 2026 du périmètre) = 0 € : le périmètre " \
                                   "n'a rien vendu sur la période avril 2026 – juin 2026, un pourcentage n'y fixe " \
                                   "aucun objectif (écrivez un montant)"

    def test_split_attribution_on_a_year_from_april(self) -> None:
        # AX (Rhône clients, « +30 % ») and AX-2 (the whole segment, « +10 % ») share the clients' deals. Base
        # April 2026 – March 2027: b2 40 000 + n1 50 000, held by both: 45 000 each; bron's 70 000 (1 April 2026) is
        # AX-2's alone: AX 45 000 -> 13 500, AX-2 115 000 -> 11 500. On 1 October 2027: n2 20 000 + n3 35 000 =
        # 55 000, 27 500 each; AX-2's baseline to date (April–September 2026) bron's 70 000. Segment: objective
        # 25 000, revenue 55 000, baseline 70 000 (each deal once)
        other = ("  - id: AX-2\n    name: Tout le Rhône\n    segment: SEG\n"
                 "    objective: {additional_revenue: \"+10 %\", budget: 5000}\n")
        plan = _plan('"+30 %"', header=APRIL, other=other)
        ev, _ = _run(plan, YEAR_DEALS, datetime(2027, 10, 1, tzinfo=PARIS), EngineSettings(attribution="split"))
        got = {a.axis_id: (a.growth_base, a.objective, a.revenue, a.baseline) for a in ev.axes}
        assert got == {"AX": (_d("45000"), _d("13500"), _d("27500"), _d("0")),
                       "AX-2": (_d("115000"), _d("11500"), _d("27500"), _d("70000"))}
        assert (ev.segments[0].objective, ev.segments[0].revenue, ev.segments[0].baseline) == (
            _d("25000"), _d("55000"), _d("70000"))
        # the axis's share (the segment's clients' 90 000 halved with AX, bron's 70 000 whole), not the scope's
        # 160 000: the words say so (they read « (CA avril 2026 – mars 2027 du périmètre) »: audit splitwords)
        assert _words(plan, ev, axis="AX-2") == ("+10 % de 115 000 € (part de l'axe dans le CA avril 2026 – mars "
                                                 "2027 du périmètre, affaires partagées avec d'autres axes divisées à "
                                                 "parts égales) = 11 500 €")

    def test_a_us_year_from_february_in_dollars_with_euro_deals(self) -> None:
        # USD plan, 1 EUR = 1.10 USD. Base 1 Feb 2026 – 31 Jan 2027: b1 €60,000 -> $66,000, b2 €40,000 -> $44,000,
        # a USD deal $5,000 (12 January 2027), n1 (1 Feb 2027) is the plan's = $115,000; +20 % = $23,000.
        plan = _plan('"+20 %"', header=FEBRUARY, zone="America/New_York", lang="en", currency="USD")
        deals = (*YEAR_DEALS, won("usd", "lyon", "5000", date(2027, 1, 12), currency="USD"))
        settings = EngineSettings(fx_rates={"EUR": Decimal("1.10")})
        ev, ax = _run(plan, deals, datetime(2027, 8, 1, tzinfo=NEW_YORK), settings)
        assert (ax.growth_base, ax.objective) == (_d("115000"), _d("23000"))
        # revenue to 31 July 2027: n1 $55,000 + n2 $22,000 = $77,000; baseline 1 Feb–31 Jul 2026 b1 $66,000
        assert (ax.revenue, ax.baseline, ax.additional) == (_d("77000"), _d("66000"), _d("11000"))
        assert _words(plan, ev) == "+20% of $115,000 (the scope's February 2026 – January 2027 revenue) = $23,000"

    def test_a_converted_base_with_cents(self) -> None:
        # €33,333.33 at 1.1 = $36,666.663 -> $36,666.66; +30 % = 10,999.998 -> $11,000.00: to the cent in words
        plan = _plan('"+30 %"', zone="America/New_York", lang="en", currency="USD")
        deals = (won("c1", "lyon", "33333.33", date(2026, 6, 1)),)
        ev, ax = _run(plan, deals, datetime(2027, 3, 1, tzinfo=NEW_YORK), EngineSettings(fx_rates={"EUR": "1.1"}))
        assert (ax.growth_base, ax.objective) == (_d("36666.66"), _d("11000.00"))
        assert _words(plan, ev) == "+30% of $36,666.66 (the scope's 2026 revenue) = $11,000.00"


# ---------------------------------------------------------------------------------------------------------------
# Leap days and long plans
# ---------------------------------------------------------------------------------------------------------------
class TestLeapAndLongPlans:
    def test_february_2028_against_february_2027(self) -> None:
        # 2028 plan, « +50 % en février »: base February 2027 (1–28): 8 000 (28 Feb 2027); +50 % = 4 000.
        # 29 February 2028: 6 000 counts in the revenue; on 1 March 2028: revenue 6 000, baseline 8 000
        plan = _plan('"+50 %"', year=2028, more="\n      period: février")
        deals = (won("f1", "lyon", "8000", date(2027, 2, 28)), won("f2", "lyon", "6000", date(2028, 2, 29)))
        ev, ax = _run(plan, deals, datetime(2028, 3, 1, tzinfo=PARIS))
        assert _figures(ax) == (_d("6000"), _d("8000"), _d("-2000"), _d("4000"))
        assert _words(plan, ev) == "+50 % de 8 000 € (CA février 2027 du périmètre) = 4 000 €"

    def test_a_year_from_march_takes_the_leap_day_in_its_base(self) -> None:
        # plan 1 March 2028 – 28 February 2029; base 1 March 2027 – 29 February 2028: 29 February 2028's 6 000
        # and 1 March 2027's 4 000 = 10 000; +30 % = 3 000
        plan = _plan('"+30 %"', year=2028, header=', period: "2028-03-01..2029-02-28"')
        deals = (won("m1", "lyon", "4000", date(2027, 3, 1)), won("f2", "lyon", "6000", date(2028, 2, 29)),
                 won("old", "lyon", "7000", date(2027, 2, 28)))
        ev, ax = _run(plan, deals, datetime(2028, 6, 1, tzinfo=PARIS))
        assert (ax.growth_base, ax.objective, ax.growth_base_through) == (_d("10000"), _d("3000"), None)
        assert _words(plan, ev) == "+30 % de 10 000 € (CA mars 2027 – février 2028 du périmètre) = 3 000 €"

    def test_an_18_month_plan(self) -> None:
        # plan 1 Jan 2027 – 30 Jun 2028; base 1 Jan 2026 – 30 Jun 2027: b1 60 000 + b2 40 000 + n1 50 000 +
        # n2 20 000 = 170 000; +10 % = 17 000. On 1 July 2027 00:00 the base period is over (30 June counted): final.
        plan = _plan('"+10 %"', header=', period: "2027-01-01..2028-06-30"')
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert (ax.growth_base, ax.objective, ax.growth_base_through) == (_d("170000"), _d("17000"), None)
        # revenue to 30 June 2027 70 000; baseline 1 Jan–30 Jun 2026 60 000; expected by now 181 / 547
        assert (ax.revenue, ax.baseline) == (_d("70000"), _d("60000"))
        assert ax.expected_by_now == pytest.approx(181 / 547)
        assert _words(plan, ev) == "+10 % de 170 000 € (CA janvier 2026 – juin 2027 du périmètre) = 17 000 €"

    def test_an_objective_period_partly_before_the_plan(self) -> None:
        # a plan from April 2027; an objective over the calendar 2027 (accepted: it overlaps the plan). Its base is
        # 2026 (100 000, +30 % = 30 000), its revenue counts from 1 January 2027 (n1's 50 000 in February)
        plan = _plan('"+30 %"', header=APRIL, more='\n      period: "2027-01-01..2027-12-31"')
        ev, ax = _run(plan, YEAR_DEALS, JULY_1)
        assert _figures(ax) == (_d("70000"), _d("60000"), _d("10000"), _d("30000"))
        assert _words(plan, ev) == "+30 % de 100 000 € (CA 2026 du périmètre) = 30 000 €"


# ---------------------------------------------------------------------------------------------------------------
# A fixed baseline over a half-year
# ---------------------------------------------------------------------------------------------------------------
class TestFixedBaseline:
    def test_a_fixed_baseline_over_a_half_year(self) -> None:
        # « +10 % sur 80 000 € » over S1: objective 8 000, known from the file. On 1 April 00:00: baseline to date
        # 80 000 x 90 / 181 = 39 779.0055 (kept unrounded, as revenue.prorated documents; 39 779,01 € to the cent);
        # revenue 50 000; additional 10 220.9945
        plan = _plan('"+10 %"', more='\n      period: 1er semestre\n      baseline: "80 000 €"')
        ev, ax = _run(plan, YEAR_DEALS, datetime(2027, 4, 1, tzinfo=PARIS))
        assert (ax.revenue, ax.objective) == (_d("50000"), _d("8000"))
        assert ax.baseline == _d(80000) * 90 / 181 and ax.additional == 50000 - _d(80000) * 90 / 181
        assert _words(plan, ev) == "+10 % de 80 000 € (référence fixée dans le plan) = 8 000 €"


class TestManagersWords:
    """« +30 % vs 2026 » was refused as "not an amount", with no word of where 2026, T3 or the segment go."""

    @pytest.mark.parametrize(("written", "alone"), [
        ("+30 % vs 2026", '"30 %" alone'), ("+20 % au T3", '"20 %" alone'),
        ("+15 % sur le CA du segment", '"15 %" alone'), ("30% par rapport à N-1", '"30 %" alone'),
        ("doubler le CA", '"+100 %"'), ("x2", '"+100 %"')])
    def test_a_percentage_with_words_says_where_to_write_them(self, written: str, alone: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            _plan(f'"{written}"')
        message = " ".join(str(p) for p in caught.value.problems)
        assert "is not an amount" not in message and f"additional_revenue: {alone}" in message

    def test_in_an_english_plan(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            _plan('"+30% vs 2026"', lang="en")
        assert 'write additional_revenue: "30%" alone; a quarter or half-year goes in period:' in str(
            caught.value.problems[0])

    def test_an_amount_with_words_is_still_not_an_amount(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            _plan('"150 000 € de CA supplémentaire"')
        assert "is not an amount" in str(caught.value.problems[0])


# ---------------------------------------------------------------------------------------------------------------
# The real commands: a plan from April synced on 2 October 2027, « +20 % » over its T3 (October–December 2027).
# Base October–December 2026: lyon 40 000 (1 October 2026) + villeurbanne 10 000 (15 December 2026) = 50 000;
# objective 10 000. 1 October 2027: lyon 12 000. Evaluated on 2 October (1 October counted): revenue 12 000,
# baseline 1 October 2026 = 40 000, additional -28 000, progress -280 %.
# ---------------------------------------------------------------------------------------------------------------
CLI_PLAN = PLAN.format(value='"+20 %"', year=2027, header=APRIL, more="\n      period: T3", scope=CLIENTS, other="",
                       zone="Europe/Paris", lang="fr", currency="EUR", when="cette année")


def _synced(tmp: Path, plan_text: str, deals: tuple[tuple[str, str, str, str, date], ...], as_of: str,
            at: datetime) -> dict[str, str]:
    """The plan synced from a fake CRM (its deals: id, account, amount, currency, close date) as ``pac sync`` does;
    the environment for ``pac`` commands on it."""
    (tmp / "plan.pac.yaml").write_text(plan_text, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    config = tmp / "pac.yaml"
    config.write_text(f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
                      "connectors:\n  - {name: fake, crm: salesforce, mapping: mapping.yaml}\n"
                      f"plans:\n  - {{name: growth, file: plan.pac.yaml, connectors: [fake], as_of: '{as_of}'}}\n",
                      encoding="utf-8")
    crm = FakeConnector()
    crm.put(fake_user("u1", "julie@example.com"),
            fake_account("lyon", postal_code="69003", departement="69", country="FR", account_type="Client"),
            fake_account("villeurbanne", postal_code="69100", departement="69", country="FR", account_type="Client"),
            *(Deal(id=i, source="fake", account_id=a, owner_id="u1", amount=Decimal(m), currency=c, close_date=d,
                   stage=DealStage.WON, name=i, modified_at=FAKE_T0) for i, a, m, c, d in deals))
    result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(at))
    assert result.status == "ok", result
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config)}


def _pac_text(tmp: Path, env: dict[str, str], *args: str) -> str:
    done = run_pac(*args, env=env, cwd=tmp, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.replace(NBSP, " ").replace(NNBSP, " ")


def test_pac_explain_and_the_report_of_a_fiscal_quarter(tmp_path: Path) -> None:
    env = _synced(tmp_path, CLI_PLAN, (("b1", "lyon", "40000", "EUR", date(2026, 10, 1)),
                                       ("b2", "villeurbanne", "10000", "EUR", date(2026, 12, 15)),
                                       ("b0", "lyon", "99000", "EUR", date(2026, 9, 30)),
                                       ("n1", "lyon", "12000", "EUR", date(2027, 10, 1))),
                  "2027-10-02T03:00:00+02:00", datetime(2027, 10, 2, 1, tzinfo=UTC))
    text = _pac_text(tmp_path, env, "explain", "AX")
    assert "Objectif : +20 % de 50 000 € (CA T3 de l'exercice 2026-2027 du périmètre) = 10 000 €" in text
    _pac_text(tmp_path, env, "report", "-o", str(tmp_path / "r.html"))
    html = unescape((tmp_path / "r.html").read_text(encoding="utf-8")).replace(NBSP, " ").replace(NNBSP, " ")
    page = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    # the axes table: revenue, baseline to date, additional / objective, progress and where the objective comes from
    assert ("Clients du Rhône Rhône Actif 12 000 € Référence 40 000 € −28 000 € / 10 000 € −280 % +20 % de 50 000 € "
            "(CA T3 de l'exercice 2026-2027 du périmètre) = 10 000 €") in page


def test_pac_explain_of_a_4_4_5_quarter(tmp_path: Path) -> None:
    # TestFourFourFive's Q2 through pac sync and pac explain: base $6,000 (3 May – 1 August 2026), objective $1,800
    plan = PLAN.format(value='"+30 %"', year=2027, header=RETAIL, more="\n      period: Q2", scope=CLIENTS, other="",
                       zone="America/New_York", lang="en", currency="USD", when="this year")
    deals = tuple((i, "lyon", m, "USD", d) for i, m, d in (
        ("q2a", "1000", date(2026, 5, 2)), ("q2b", "4000", date(2026, 5, 3)), ("q2c", "2000", date(2026, 8, 1)),
        ("n1", "7000", date(2027, 5, 2)), ("n2", "1500", date(2027, 7, 31))))
    env = _synced(tmp_path, plan, deals, "2027-08-02T03:00:00-04:00", datetime(2027, 8, 2, 7, tzinfo=UTC))
    text = _pac_text(tmp_path, env, "explain", "AX")
    assert "Objective: +30% of $6,000 (the scope's May 3, 2026 – August 1, 2026 revenue) = $1,800" in text


class TestRatesAsWritten:
    def test_a_rate_with_three_decimals_is_shown_as_written(self) -> None:
        # « +33,333 % » (a third, written 33.333 %) of 99 999 = 33 332.667 -> 33 332,67 €; the words showed
        # « +33,33 % de 99 999,00 € = 33 332,67 € », which a manager recomputes as 33 329,67 €
        plan = _plan('"33.333 %"')
        ev, ax = _run(plan, (won("a", "lyon", "99999", date(2026, 5, 2)),), datetime(2027, 3, 1, tzinfo=PARIS))
        assert ax.objective == _d("33332.67")
        assert _words(plan, ev) == "+33,333 % de 99 999,00 € (CA 2026 du périmètre) = 33 332,67 €"
        assert _words(plan, ev, "en") == "+33.333% of €99,999.00 (the scope's 2026 revenue) = €33,332.67"

    def test_a_rate_below_one_percent_with_a_decimal_comma(self) -> None:
        # « 0,125 % » cannot be thousands (a group of 0): 0.125 % of 80 000 = 100 €; it was refused as ambiguous
        plan = _plan('"0,125 %"')
        ev, ax = _run(plan, (won("a", "lyon", "80000", date(2026, 5, 2)),), datetime(2027, 3, 1, tzinfo=PARIS))
        assert ax.objective == _d("100")
        assert _words(plan, ev) == "+0,125 % de 80 000 € (CA 2026 du périmètre) = 100 €"

    def test_thousands_or_decimals_stays_refused(self) -> None:
        with pytest.raises(InvalidInput, match="ambiguous"):
            _plan('"2,500 %"')


# ---------------------------------------------------------------------------------------------------------------
# A 4-4-5 retail year (52 weeks from Sunday 31 January 2027, New York, USD): quarters Q1 31 Jan–1 May, Q2 2 May–
# 31 Jul, Q3 1 Aug–30 Oct, Q4 31 Oct 2027–29 Jan 2028. Last year's fiscal year is the 52 weeks before: Sunday 1
# February 2026 – Saturday 30 January 2027, its Q2 Sunday 3 May – Saturday 1 August 2026 (the same weeks and
# weekdays, as retail compares its sales). « +30 % » over Q2:
#   q2a $1,000 on Saturday 2 May 2026: last year's Q1 (not the base)
#   q2b $4,000 on Sunday 3 May 2026, q2c $2,000 on Saturday 1 August 2026: last year's Q2 = $6,000; objective $1,800
# « +10 % » over the whole year: base 1 Feb 2026 – 30 Jan 2027: q2a + q2b + q2c + $3,000 on Saturday 30 January 2027
#   (last year's last day, a year-end closing) = $10,000 ($500 on Saturday 31 January 2026 is the year before's);
#   objective $1,000.
# It was the calendar days a year earlier (2 May – 31 July 2026: $5,000; 31 January 2026 – 29 January 2027: $7,500).
# ---------------------------------------------------------------------------------------------------------------
RETAIL = ', period: "2027-01-31..2028-01-29", fiscal_calendar: 4-4-5'
RETAIL_DEALS = tuple(won(i, "lyon", m, d, currency="USD") for i, m, d in (
    ("q2a", "1000", date(2026, 5, 2)), ("q2b", "4000", date(2026, 5, 3)), ("q2c", "2000", date(2026, 8, 1)),
    ("ye", "3000", date(2027, 1, 30)), ("old", "500", date(2026, 1, 31)),
    ("n1", "7000", date(2027, 5, 2)), ("n2", "1500", date(2027, 7, 31)), ("n3", "900", date(2027, 8, 1))))
NY_AUGUST_1 = datetime(2027, 8, 1, tzinfo=NEW_YORK)    # Q2 is over (31 July counted)


class TestFourFourFive:
    def test_a_quarters_base_is_last_years_same_weeks(self) -> None:
        plan = _plan('"+30 %"', header=RETAIL, zone="America/New_York", lang="en", currency="USD",
                     more="\n      period: Q2")
        ev, ax = _run(plan, RETAIL_DEALS, NY_AUGUST_1)
        assert (ax.growth_base, ax.objective) == (_d("6000"), _d("1800.00"))
        # Q2 2027 revenue n1 + n2 = 8,500; baseline (the period is over: last year's whole Q2) 6,000
        assert (ax.revenue, ax.baseline, ax.additional) == (_d("8500"), _d("6000"), _d("2500"))
        assert _words(plan, ev) == "+30% of $6,000 (the scope's May 3, 2026 – August 1, 2026 revenue) = $1,800"
        # pac explain and the report say the same days
        assert "(the scope's May 3, 2026 – August 1, 2026 revenue)" in explain_axis(plan, ev, "AX", deals={}).objective
        assert "(the scope's May 3, 2026 – August 1, 2026 revenue)" in Formatter.for_plan(plan).objective_origin(
            with_evaluation(plan, ev).axes[0].objective)

    def test_quarters_declared_on_first_days_of_months_keep_the_calendar(self) -> None:
        # quarters declared by first days that are all months (a year from February): the calendar's year earlier,
        # February–April 2026 for Q1 (2 February 2026: $4,000; 1 February 2026: $1,000; 30 April 2026: $2,000)
        header = (', period: "2027-02-01..2028-01-31", fiscal_calendar: [2027-02-01, 2027-05-01, 2027-08-01, '
                  '2027-11-01]')
        plan = _plan('"+10 %"', header=header, zone="America/New_York", lang="en", currency="USD",
                     more="\n      period: Q1")
        deals = tuple(won(i, "lyon", m, d, currency="USD") for i, m, d in (
            ("a", "4000", date(2026, 2, 2)), ("b", "1000", date(2026, 2, 1)), ("c", "2000", date(2026, 4, 30)),
            ("d", "9000", date(2026, 5, 1))))
        _, ax = _run(plan, deals, NY_AUGUST_1)
        assert (ax.growth_base, ax.objective) == (_d("7000"), _d("700.00"))

    def test_the_baseline_to_date_moves_by_weeks(self) -> None:
        # on Saturday 1 May 2027 00:00 (30 April counted) the year's baseline to date is Sunday 1 February – Friday
        # 1 May 2026: nothing ($500 of Saturday 31 January 2026 is the year before's); on Sunday 2 May 2027 00:00
        # (Q1 over, 1 May counted) it is last year's whole Q1, to Saturday 2 May 2026: q2a counts ($1,000)
        plan = _plan('"+10 %"', header=RETAIL, zone="America/New_York", lang="en", currency="USD")
        ev, ax = _run(plan, RETAIL_DEALS, datetime(2027, 5, 1, tzinfo=NEW_YORK))
        assert (ax.baseline, ev.segments[0].baseline) == (_d("0"), _d("0"))
        ev, ax = _run(plan, RETAIL_DEALS, datetime(2027, 5, 2, tzinfo=NEW_YORK))
        assert (ax.baseline, ev.segments[0].baseline) == (_d("1000"), _d("1000"))

    def test_the_years_base_is_last_fiscal_year(self) -> None:
        plan = _plan('"+10 %"', header=RETAIL, zone="America/New_York", lang="en", currency="USD")
        ev, ax = _run(plan, RETAIL_DEALS, NY_AUGUST_1)
        assert (ax.growth_base, ax.objective) == (_d("10000"), _d("1000.00"))
        assert ev.segments[0].period_baseline == _d("10000")
        assert _words(plan, ev) == ("+10% of $10,000 (the scope's February 1, 2026 – January 30, 2027 revenue) = "
                                    "$1,000")


# ---------------------------------------------------------------------------------------------------------------
# A 53-week retail year (audit fiscal53): the NRF calendar's fiscal 2023, Sunday 29 January 2023 – Saturday 3 February
# 2024, 4-4-5 (New York, USD): Q1 29 Jan–29 Apr, Q2 30 Apr–29 Jul, Q3 30 Jul–28 Oct, Q4 29 Oct 2023–3 Feb 2024 (14
# weeks); week 1 Sunday 29 January – Saturday 4 February 2023, week 53 Sunday 28 January – Saturday 3 February 2024.
# Last fiscal year is the 52 weeks before, Sunday 30 January 2022 – Saturday 28 January 2023 (its Q4 from Sunday 30
# October 2022). The 53rd week has no week a year earlier (as 29 February has no day): 52 weeks before it is this
# year's own week 1, whose sales are in this year's revenue. The deals (lyon, in the axis and the segment):
#   last year:  old $700 Sat 29 Jan 2022 (the year before's last day: in no base), p1 $10,000 Wed 15 Jun 2022,
#               p3 $4,000 Sun 30 Oct 2022 (last year's Q4), p2 $5,000 Sat 28 Jan 2023 (last year's last day)
#   this year:  w1 $3,000 Tue 31 Jan 2023 and w1b $500 Sat 4 Feb 2023 (week 1), m $14,000 Thu 10 Aug 2023 (Q3),
#               q4 $8,000 Fri 15 Dec 2023 (Q4), w53 $2,000 Tue 30 Jan 2024, w53b $1,000 Sat 3 Feb 2024 (week 53)
# AX « +10 % » over the year: base last year's 52 weeks, p1 + p3 + p2 = $19,000, objective $1,900.
# AX-Q4 « +20 % » over Q4 (14 weeks): base last year's Q4 (13 weeks), p3 + p2 = $9,000, objective $1,800.
# On Thursday 1 February 2024 00:00 (31 January counted, week 53):
#   AX    revenue w1 + w1b + m + q4 + w53 = $27,500, baseline 30 Jan 2022 – 28 Jan 2023 = $19,000, additional $8,500
#   AX-Q4 revenue q4 + w53 = $10,000, baseline 30 Oct 2022 – 28 Jan 2023 = $9,000, additional $1,000
# On Sunday 4 February 2024 00:00 (the year over): AX $28,500 / $19,000 / $9,500; AX-Q4 $11,000 / $9,000 / $2,000;
# the segment $28,500 / $19,000 / $9,500, trend +50 %, its year's base $19,000; the plan (each deal once) $28,500 /
# $19,000 / $9,500 against $1,900 + $1,800 = $3,700.
# It read week 53's days 52 weeks earlier, this year's week 1: AX's base $22,500 (objective $2,250), its baseline on
# 1 February $22,000 (w1 in revenue and baseline), $22,500 at the year's end; AX-Q4's base $12,500 (objective $2,500),
# its baseline $12,000 then $12,500: Q4 read -$2,000 on 1 February where it was $1,000 ahead of last year's Q4.
# ---------------------------------------------------------------------------------------------------------------
FY53 = ', period: "2023-01-29..2024-02-03", fiscal_calendar: 4-4-5'
FY53_DEALS = tuple(won(i, "lyon", m, d, currency="USD") for i, m, d in (
    ("old", "700", date(2022, 1, 29)), ("p1", "10000", date(2022, 6, 15)), ("p3", "4000", date(2022, 10, 30)),
    ("p2", "5000", date(2023, 1, 28)), ("w1", "3000", date(2023, 1, 31)), ("w1b", "500", date(2023, 2, 4)),
    ("m", "14000", date(2023, 8, 10)), ("q4", "8000", date(2023, 12, 15)), ("w53", "2000", date(2024, 1, 30)),
    ("w53b", "1000", date(2024, 2, 3))))
FY53_Q4 = ("  - id: AX-Q4\n    name: Fin d'année\n    segment: SEG\n    scope: {account_type: Client}\n"
           "    objective: {additional_revenue: \"+20 %\", budget: 5000, period: Q4}\n")
IN_WEEK_53 = datetime(2024, 2, 1, tzinfo=NEW_YORK)
FY53_OVER = datetime(2024, 2, 4, tzinfo=NEW_YORK)


class TestFiftyThreeWeeks:
    @staticmethod
    def _fy53() -> Plan:
        return _plan('"+10 %"', year=2023, header=FY53, zone="America/New_York", lang="en", currency="USD",
                     other=FY53_Q4)

    def test_the_53rd_week_maps_to_no_day(self) -> None:
        weeks = weekly_year(self._fy53().period.quarters)
        assert weeks == (date(2023, 1, 29), date(2024, 2, 3))
        # the year: last year's 52 weeks; Q4 (14 weeks): last year's Q4 (13); to a day of week 53: to last year's end
        assert baseline_range((date(2023, 1, 29), date(2024, 2, 3)), weeks) == (date(2022, 1, 30), date(2023, 1, 28))
        assert baseline_range((date(2023, 10, 29), date(2024, 2, 3)), weeks) == (date(2022, 10, 30), date(2023, 1, 28))
        assert baseline_range((date(2023, 1, 29), date(2024, 1, 31)), weeks) == (date(2022, 1, 30), date(2023, 1, 28))
        # week 52 (Sunday 21 – Saturday 27 January 2024) keeps last year's week 52; week 53 alone has no day
        assert baseline_range((date(2024, 1, 21), date(2024, 1, 27)), weeks) == (date(2023, 1, 22), date(2023, 1, 28))
        first, last = baseline_range((date(2024, 1, 28), date(2024, 2, 3)), weeks)
        assert first > last and last < date(2023, 1, 29)
        # a span reaching into the next year (an objective period past the plan's): week 52 to last year's week 52,
        # week 53 to nothing, the next year's first week (4 – 10 February 2024) to this year's first week
        assert baseline_range((date(2024, 1, 21), date(2024, 2, 10)), weeks) == (date(2023, 1, 22), date(2023, 2, 4))
        # a 52-week year: every day 52 weeks earlier, as before
        retail = weekly_year(_plan('"+10 %"', header=RETAIL).period.quarters)
        assert retail == (date(2027, 1, 31), date(2028, 1, 29))
        assert baseline_range((date(2028, 1, 23), date(2028, 2, 5)), retail) == (date(2027, 1, 24), date(2027, 2, 6))

    def test_in_week_53(self) -> None:
        plan = self._fy53()
        ev, ax = _run(plan, FY53_DEALS, IN_WEEK_53)
        q4 = ev.axis("AX-Q4")
        assert (ax.growth_base, ax.objective) == (_d("19000"), _d("1900.00"))
        assert (ax.revenue, ax.baseline, ax.additional) == (_d("27500"), _d("19000"), _d("8500"))
        assert (q4.growth_base, q4.objective) == (_d("9000"), _d("1800.00"))
        assert (q4.revenue, q4.baseline, q4.additional) == (_d("10000"), _d("9000"), _d("1000"))
        seg = ev.segments[0]
        assert (seg.revenue, seg.baseline, seg.period_baseline) == (_d("27500"), _d("19000"), _d("19000"))

    def test_at_the_years_end(self) -> None:
        plan = self._fy53()
        ev, ax = _run(plan, FY53_DEALS, FY53_OVER)
        q4 = ev.axis("AX-Q4")
        assert (ax.revenue, ax.baseline, ax.additional, ax.objective) == (_d("28500"), _d("19000"), _d("9500"),
                                                                          _d("1900.00"))
        assert (q4.revenue, q4.baseline, q4.additional, q4.objective) == (_d("11000"), _d("9000"), _d("2000"),
                                                                          _d("1800.00"))
        seg = ev.segments[0]
        assert (seg.revenue, seg.baseline, seg.additional, seg.period_baseline) == (
            _d("28500"), _d("19000"), _d("9500"), _d("19000"))
        assert seg.trend == pytest.approx(0.5)
        assert ev.plan is not None
        assert (ev.plan.revenue, ev.plan.baseline, ev.plan.additional, ev.plan.objective) == (
            _d("28500"), _d("19000"), _d("9500"), _d("3700.00"))

    def test_the_words_name_last_years_52_weeks(self) -> None:
        plan = self._fy53()
        ev, _ = _run(plan, FY53_DEALS, FY53_OVER)
        year = "(the scope's January 30, 2022 – January 28, 2023 revenue)"
        assert _words(plan, ev) == f"+10% of $19,000 {year} = $1,900"
        assert _words(plan, ev, axis="AX-Q4") == ("+20% of $9,000 (the scope's October 30, 2022 – January 28, 2023 "
                                                  "revenue) = $1,800")
        # pac explain says the same figures and days, and the report too
        explained = explain_axis(plan, ev, "AX", deals={})
        assert "(baseline $19,000.00, additional $9,500.00, objective $1,900.00)" in explained.header.replace(NBSP, " ")
        assert year in explained.objective
        assert year in Formatter.for_plan(plan).objective_origin(with_evaluation(plan, ev).axes[0].objective)

    def test_in_week_1_the_base_is_final(self) -> None:
        # on Thursday 2 February 2023 00:00 (1 February counted): the year's base is last year's 52 weeks, over,
        # $19,000 (no « provisional »); it was 30 January 2022 – 4 February 2023 read to 1 February 2023, $22,000 with
        # this year's w1, « provisional » until the year's first Saturday
        plan = self._fy53()
        ev, ax = _run(plan, FY53_DEALS, datetime(2023, 2, 2, tzinfo=NEW_YORK))
        assert (ax.growth_base, ax.growth_base_through, ax.objective) == (_d("19000"), None, _d("1900.00"))
        assert (ax.revenue, ax.baseline) == (_d("3000"), _d("0"))
        assert _words(plan, ev) == "+10% of $19,000 (the scope's January 30, 2022 – January 28, 2023 revenue) = $1,900"

    def test_split_shares_read_no_day_of_this_year(self) -> None:
        # attribution split: this year's Q4 deals (q4, w53, w53b) are both axes', m, w1 and w1b AX's alone; a year
        # earlier p3 and p2 are both axes' (last year's Q4), p1 AX's alone. AX: revenue 3,000 + 500 + 14,000 +
        # (8,000 + 2,000 + 1,000) / 2 = 23,000, baseline 10,000 + (4,000 + 5,000) / 2 = 14,500, objective 1,450;
        # AX-Q4: revenue 5,500, baseline 4,500, objective 900. It was 16,250 and 6,250 (w1 and w1b halved in both
        # baselines, while AX counted them whole in its revenue).
        plan = self._fy53()
        ev, ax = _run(plan, FY53_DEALS, FY53_OVER, EngineSettings(attribution="split"))
        q4 = ev.axis("AX-Q4")
        assert (ax.revenue, ax.baseline, ax.objective) == (_d("23000"), _d("14500"), _d("1450.00"))
        assert (q4.revenue, q4.baseline, q4.objective) == (_d("5500"), _d("4500"), _d("900.00"))


class TestBaseYearWritten:
    """« +30 % vs 2026 » written as ``baseline: 2026`` read a fixed baseline of 2 026 €: an objective of 607,80 €."""

    @pytest.mark.parametrize("written", ["2026", "2025", '"2026"'])
    def test_a_year_as_the_baseline_is_refused_with_both_readings(self, written: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            _plan('"+30 %"', more=f"\n      baseline: {written}")
        message = str(caught.value.problems[0])
        assert "objective.baseline" in message and "a year or an amount" in message
        assert "previous_year" in message and f'"{written.strip(chr(34))} €"' in message

    def test_an_amount_that_looks_like_a_year_is_accepted_with_its_currency(self) -> None:
        plan = _plan('"+30 %"', more='\n      baseline: "2 026 €"')
        assert plan.axes[0].objective is not None and plan.axes[0].objective.additional_revenue == _d("607.80")

    def test_other_words_name_the_two_baselines(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            _plan('"+30 %"', more='\n      baseline: "N-2"')
        assert "previous_year" in str(caught.value.problems[0])


def test_pac_explain_and_the_report_in_week_53(tmp_path: Path) -> None:
    # TestFiftyThreeWeeks's year through pac sync, pac explain and pac report, on Thursday 1 February 2024 (31
    # January counted, week 53): revenue $27,500, baseline last year's 52 weeks $19,000 (it read $22,000, this year's
    # week-1 $3,000 in it), additional $8,500 of a $1,900 objective (+10 % of $19,000): 447 %
    plan = PLAN.format(value='"+10 %"', year=2023, header=FY53, more="", scope=CLIENTS, other="",
                       zone="America/New_York", lang="en", currency="USD", when="this year")
    deals = tuple((d.id, "lyon", str(d.amount), "USD", d.close_date) for d in FY53_DEALS)
    env = _synced(tmp_path, plan, deals, "2024-02-01T00:00:00-05:00", datetime(2024, 2, 1, 5, tzinfo=UTC))
    year = "+10% of $19,000 (the scope's January 30, 2022 – January 28, 2023 revenue) = $1,900"
    text = _pac_text(tmp_path, env, "explain", "AX")
    assert f"Objective: {year}" in text and "(baseline $19,000.00, additional $8,500.00" in text
    _pac_text(tmp_path, env, "report", "-o", str(tmp_path / "r.html"))
    html = unescape((tmp_path / "r.html").read_text(encoding="utf-8")).replace(NBSP, " ").replace(NNBSP, " ")
    page = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert f"$27,500 Baseline $19,000 $8,500 / $1,900 447% {year}" in page
