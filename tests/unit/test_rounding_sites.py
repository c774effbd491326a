"""Every figure pac shows rounds half up, as the report and a manager do (audit F5); ``pac_core.rounding.half_up``
itself is tested in test_rounding.py.

1 of 8 is 12.5 %: the report always showed 13 %, while ``pac explain``, the KPI line written to the CRM, the
advisor's sentences and the notifications showed 12 % (``f"{x:.0f}"`` rounds half to even). Every expectation
below is a tie worked by hand: the half-to-even figure it used to be is in the comment.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from rich.console import Console

from pac_core import advisor
from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import explain_action, explain_axis
from pac_core.kpi_vocabulary import format_value, summary
from pac_core.records import DealStage, Records
from pac_core.results import KpiValue, Pace
from sync_jobs import demo, diff
from sync_jobs.notify.alerts import compute_alerts
from sync_jobs.report.csv_export import _cell
from sync_jobs.report.fmt import NBSP, NNBSP, Formatter
from tests.unit import report_fixtures as fx
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, visit, won

D = Decimal
FR = Formatter("fr", "EUR", "Europe/Paris")
EN = Formatter("en", "EUR", "Europe/Paris")


def plain(text: str) -> str:
    return text.replace(NNBSP, " ").replace(NBSP, " ")


def _one_of_eight():
    """Action A-01 (target 8, counting distinct accounts) of axis AX-69 with 1 visit done; the axis has 1 won
    deal and 7 lost (win rate 1/8) among 8 accounts, 1 visited (coverage 1/8)."""
    accounts = tuple(account(f"a{i}", "69003") for i in range(1, 9))
    deals = (won("w", "a1", "1000", date(2027, 5, 4)),
             *(won(f"l{i}", f"a{i}", "10", date(2027, 5, 4), stage=DealStage.LOST) for i in range(2, 9)))
    p = plan(action(axis_id="AX-69", target=8), axes=(axis("AX-69", "SEG-ARA"),))
    visits = (visit("v1", "a1", datetime(2027, 5, 4, 10, tzinfo=PARIS)),)
    ev = evaluate(p, Records(accounts=accounts, activities=visits, deals=deals, users=USERS),
                  as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
    return p, ev


class TestEverySiteAgreesWithTheReport:
    def test_explain_header(self) -> None:
        """1 / 8 is 13 % in the header, as the report's percent (was 12 %)."""
        p, ev = _one_of_eight()
        assert ev.actions[0].progress == 0.125 and plain(FR.percent(0.125)) == "13 %"
        assert explain_action(p, ev, "A-01").header.startswith("1 / 8 (13\u00a0%) — 1 ")
        assert explain_action(p, ev, "A-01", lang="en").header == "1 / 8 (13%) — 1 counted, 0 not counted"

    def test_kpi_line_written_to_the_crm(self) -> None:
        """Win rate 1/8 and coverage 1/8 read 13 % (was 12 %) in the CRM's text field."""
        _, ev = _one_of_eight()
        assert summary(ev.axes[0].kpis, ["win_rate", "coverage"], "fr") == (
            "Taux de réussite : 13\u00a0% (1 / 8) · Couverture du périmètre : 13\u00a0% (1 / 8)")
        assert summary(ev.axes[0].kpis, ["win_rate"], "en") == "Win rate: 13% (1 / 8)"

    def test_kpi_values(self) -> None:
        """5/8 -> 63 % (was 62 %); 1234.5 € -> 1 235 € / €1,235 (was 1 234); a count of 2.5 -> 3 (was 2)."""
        assert format_value("win_rate", D(5) / D(8), "fr") == "63\u00a0%"
        assert format_value("average_won_deal", D("1234.5"), "fr") == "1\u202f235\u00a0€"    # as the report
        assert format_value("average_won_deal", D("1234.5"), "en") == "€1,235"
        assert format_value("average_won_deal", D("1234.5"), "fr", "USD") == "1\u202f235\u00a0$US"
        assert format_value("new_accounts", D("2.5"), "en") == "3"
        one_in_forty = [KpiValue("coverage", D(1) / D(40), D(1), D(40))]
        assert summary(one_in_forty, ["coverage"], "en") == "Scope coverage: 3% (1 / 40)"

    def test_the_crm_line_has_one_kind_of_space(self) -> None:
        """Counts, parts and percentages take the amounts' separators (audit E F11: a plain space in « 1 234 » and
        before « % » beside « 1 667 € »): a narrow no-break space between thousands and a no-break space before
        « % » in French, as pac_core.money writes amounts and the report writes percentages."""
        assert format_value("new_accounts", D(1234), "fr") == "1\u202f234"
        assert format_value("new_accounts", D(1234), "en") == "1,234"
        assert format_value("win_rate", D("12.345"), "fr") == "1\u202f235\u00a0%"
        assert format_value("win_rate", D("12.345"), "en") == "1,235%"
        big = [KpiValue("coverage", D(1234) / D(2000), D(1234), D(2000))]
        assert summary(big, ["coverage"], "fr") == "Couverture du périmètre : 62\u00a0% (1\u202f234 / 2\u202f000)"
        assert summary(big, ["coverage"], "en") == "Scope coverage: 62% (1,234 / 2,000)"

    def test_the_crm_line_names_the_deals_left_out_of_the_average(self) -> None:
        """A won deal with no amount is left out of the average (audit E F3), and the CRM's line says so."""
        average = [KpiValue("average_won_deal", D(2500), D(5000), D(2), excluded=1)]
        assert summary(average, ["average_won_deal"], "fr") == (
            "Montant moyen des affaires gagnées : 2\u202f500\u00a0€ (5\u202f000\u00a0€ / 2 ; "
            "1 affaire sans montant exclue)")
        assert summary(average, ["average_won_deal"], "en") == (
            "Average won deal: €2,500 (€5,000 / 2; 1 deal with no amount left out)")

    def test_explain_writes_money_as_the_report(self) -> None:
        """pac explain's amounts (to the cent) in the report's format: a USD deal reads « 12 345,50 $US » in French
        as the report's « 12 346 $US », and "CHF 1,500.00" in English. Seen failing before: « 12 345,50 $ » and
        "1,500.00 CHF"."""
        from pac_core.explain import money
        assert money(D("12345.5"), "USD", "fr") == "12\u202f345,50\u00a0$US"
        assert money(D("1500"), "CHF", "en") == "CHF\u00a01,500.00"
        assert money(D("5.005"), "EUR", "en") == "€5.01"

    def test_advisor_sentences(self) -> None:
        """The advisor's figures: 12.5 % -> 13 % (was 12 %), -12.5 % -> -13 %, -0.4 % -> 0 % (was -0 %),
        2 500.5 € -> 2 501 € (was 2 500 €; written as the report writes money since audit G5), 0.25 month -> 0,3
        (was 0,2)."""
        assert advisor.pct(0.125, "fr") == "13\u00a0%" and advisor.pct(0.625, "en") == "63%"
        assert advisor.pct(-0.125, "en") == "−13%" and advisor.pct(-0.004, "en") == "0%"
        assert advisor.money(D("2500.5"), "EUR", "fr") == "2\u202f501\u00a0€"
        assert advisor.money(D("2500.5"), "EUR", "en") == "€2,501"
        assert advisor.months(0.25, "fr") == "0,3\u00a0mois" and advisor.months(1.25, "en") == "1.3\u00a0months"

    def test_notification_of_an_axis_behind(self) -> None:
        """An axis at risk at 12.5 % of its objective with 62.5 % expected: the alert says 13 and 63 (was 12, 62)."""
        ev = fx.evaluation()
        axes = tuple(replace(a, progress=0.125, expected_by_now=0.625) if a.axis_id == "maint-ra" else a
                     for a in ev.axes)
        [alert] = [a for a in compute_alerts(fx.plan(), replace(ev, axes=axes), [], month="2027-08")
                   if a.kind == "axis_behind"]
        assert (alert.values["progress"], alert.values["expected"]) == ("13", "63")

    def test_report_compact_money_and_months(self) -> None:
        """Chart labels: 1 250 € -> 1,3 k€ / €1.3k (was 1,2 k€); 0.95 month reads "1 month", its unit from
        the same rounding as its figure (was "1.0 months"; "1.0 month" until the figure too was written as rounded,
        without its trailing ".0": audit report, 6 Dec 2026)."""
        assert plain(FR.money_compact(1250)) == "1,3 k€" and EN.money_compact(1250) == "€1.3k"
        assert plain(EN.months(0.95)) == "1 month"

    def test_csv_export_cells(self) -> None:
        """1.25 % -> 1,3 (was 1,2); 2.5 € -> 3 (was 2); a figure of 0.25 -> 0.3 at one place (was 0.2)."""
        assert _cell(0.0125, "percent", ",") == "1,3" and _cell(D("0.0125"), "percent", ".") == "1.3"
        assert _cell(D("2.5"), "money", ".") == "3" and _cell(0.25, "number", ".") == "0.3"
        assert _cell(True, "number", ".") == "1.0"

    def test_crm_numeric_fields(self) -> None:
        """Money to cents 10.005 -> 10.01 (was 10.0), a percentage to 0.1 of 0.0125 -> 1.3 (was 1.2), a ratio to
        PAC_ROI__c's four places 0.03125 -> 0.0313 (half to even gives 0.0312)."""
        assert diff._money(D("10.005")) == 10.01
        assert diff._pct(0.0125) == 1.3
        assert diff._ratio(0.03125) == 0.0313

    def test_demo_console_table_and_handled_lines(self) -> None:
        """The demo's axes table: 12.5 % -> 13 % and 1 234.5 € -> 1,235 (were 12 % and 1,234); as the English report
        writes them since audit opscounts (« €1,235 », « 13% »: tests/unit/test_demo_figures.py)."""
        ev = fx.evaluation()
        axes = tuple(replace(a, progress=0.125, expected_by_now=0.625, roi=-0.125, additional=D("1234.5"),
                             revenue=D("1234.5"), baseline=D("0"))
                     if a.axis_id == "maint-ra" else a for a in ev.axes)
        out = io.StringIO()
        demo.print_progress(Console(file=out, width=250), fx.plan(), replace(ev, axes=axes))
        [row] = [line for line in out.getvalue().splitlines() if "maint-ra" in line]
        assert [cell.strip() for cell in row.split("│")[3:8]] == ["€1,235", "€80,000", "13%", "63%", "−13%"]
        records = SimpleNamespace(deals=[SimpleNamespace(name="US", currency="USD", amount=D("1234.5"))],
                                  activities=[], accounts=[], users=[])
        settings = SimpleNamespace(engine=SimpleNamespace(fx_rates={"USD": "0.5"}))
        assert demo._handled(records, settings) == ["deal 'US': 1,235 USD counted as 617 EUR (rate 0.5)"]

    def test_demo_console_additional_revenue_and_paces_read_as_the_report(self) -> None:
        """The demo's tables say what the report says (audit surfaces F3): an axis's additional revenue is its shown
        revenue less its shown baseline, 10 000,40 - 4 931,51 -> 10,000 - 4,932 = 5,068 (was 5,069, the exact
        5,068.89 rounded), and the paces are the report's words, an axis past its objective « Objective reached »
        and a missed action "Missed" (were the codes ``done`` and ``late``)."""
        ev = fx.evaluation()
        axes = tuple(replace(a, revenue=D("10000.40"), baseline=D("4931.51"), additional=D("5068.89"), pace=Pace.DONE)
                     if a.axis_id == "maint-ra" else a for a in ev.axes)
        actions = tuple(replace(a, pace=Pace.LATE) for a in ev.actions)
        out = io.StringIO()
        demo.print_progress(Console(file=out, width=250), fx.plan(), replace(ev, axes=axes, actions=actions))
        [row] = [line for line in out.getvalue().splitlines() if "maint-ra" in line and "│" in line]
        cells = [cell.strip() for cell in row.split("│")]
        assert cells[3] == "€5,068" and cells[-2] == "Objective reached", cells
        action_rows = [line for line in out.getvalue().splitlines() if "/" in line and "│" in line
                       and any(a.action_id in line for a in ev.actions)]
        assert action_rows and all(line.split("│")[-2].strip() == "Missed" for line in action_rows), action_rows

    def test_explain_axis_amount_counted(self) -> None:
        """A deal of 10.01 $ at 0.5 counts 5.005 €: its explained amount is 5,01 € (was 5,00 €)."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        deal = won("usd", "a1", "10.01", date(2027, 5, 4), currency="USD")
        ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=(deal,), users=USERS),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS), settings=EngineSettings(fx_rates={"USD": "0.5"}),
                      explain=True)
        [row] = explain_axis(p, ev, "AX-69", deals={("sf", "usd"): deal}).rows
        assert plain(row["amount"]) == "5,01 €"
