"""Numbers, money, percentages and dates as a French or English reader writes them."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sync_jobs.report.fmt import NBSP, NNBSP, Formatter

FR = Formatter("fr", "EUR", "Europe/Paris")
EN = Formatter("en", "EUR", "Europe/Paris")
PARIS = ZoneInfo("Europe/Paris")


def plain(text: str) -> str:
    """The text with its no-break spaces shown as ordinary spaces."""
    return text.replace(NNBSP, " ").replace(NBSP, " ")


class TestNumbers:
    def test_french_money_groups_thousands_with_narrow_spaces(self) -> None:
        """French money reads 1 234 567 € with no-break spaces, so it never wraps."""
        assert FR.money(Decimal("1234567")) == f"1{NNBSP}234{NNBSP}567{NBSP}€"
        assert plain(FR.money(1234567)) == "1 234 567 €"

    def test_english_money_puts_the_symbol_first(self) -> None:
        """English money reads €1,234,567."""
        assert EN.money(Decimal("1234567.4")) == "€1,234,567"

    def test_negative_money_keeps_the_sign_before_the_figure(self) -> None:
        """A loss reads -12 000 € and -€12,000."""
        assert plain(FR.money(-12000)) == "−12 000 €"
        assert EN.money(-12000) == "−€12,000"

    def test_currency_without_symbol_uses_its_code(self) -> None:
        """A currency with no symbol of its own is written with its ISO code."""
        assert plain(Formatter("fr", "CHF").money(1500)) == "1 500 CHF"
        assert plain(Formatter("en", "CHF").money(1500)) == "CHF 1,500"

    def test_percent_follows_each_language(self) -> None:
        """80 % in French (no-break space), 80% in English; ratios are 1.0 = 100 %."""
        assert FR.percent(0.8) == f"80{NBSP}%"
        assert EN.percent(0.8) == "80%"
        assert EN.percent(1.234, 1) == "123.4%"
        assert plain(FR.percent(1.234, 1)) == "123,4 %"

    def test_a_change_is_signed(self) -> None:
        """A growth rate beside the revenue and the baseline it compares: « +210 % », as a decline is « -20 % »
        (audit janmeet F11: « Tendance 210 % » read as 210 % of last year); nothing to sign reads 0 or « – »."""
        assert FR.change(2.0976) == f"+210{NBSP}%" and EN.change(1.16) == "+116%"
        assert FR.change(-0.2) == f"−20{NBSP}%" and EN.change(0.004) == "0%" and EN.change(-0.004) == "0%"
        assert FR.change(None) == "–"

    def test_rounding_is_half_up_and_never_minus_zero(self) -> None:
        """0.5 rounds up, and a tiny negative figure is written 0, not -0."""
        assert EN.number(2.5) == "3"
        assert EN.number(-0.2) == "0"

    def test_unknown_figures_are_a_dash(self) -> None:
        """None is written as an en dash, never as 'None'."""
        assert FR.money(None) == FR.percent(None) == FR.number(None) == "–"

    def test_compact_money_for_chart_axes(self) -> None:
        """Chart labels use k and M: 250 k€ / €250k, 1,2 M€ / €1.2M."""
        assert plain(FR.money_compact(250000)) == "250 k€"
        assert EN.money_compact(1_234_000) == "€1.2M"
        assert plain(FR.money_compact(1_234_000)) == "1,2 M€"
        assert EN.money_compact(800) == "€800"

    def test_compact_money_decides_its_unit_and_decimals_on_the_rounded_figure(self) -> None:
        """A chart label is the figure rounded as shown: 999,999 € is 1 M€ (not « 1 000 k€ »), 999.60 € is 1 k€ (not
        « 1 000 € »), and 45,000.99 € is 45 k€ as 45,000 € is (not « 45,0 k€ » beside « 25 k€ » in the same report;
        seen failing before the fix: « 1 000 k€ », « 1 000 € », « 45,0 k€ »)."""
        assert plain(FR.money_compact(999_999)) == "1 M€"
        assert EN.money_compact(999_999) == "€1M"
        assert plain(FR.money_compact(Decimal("999.60"))) == "1 k€"
        assert plain(FR.money_compact(Decimal("45000.99"))) == "45 k€"
        assert plain(FR.money_compact(Decimal("-6000.40"))) == "−6 k€"
        # it shortens the figure the tables show, to the unit: 8 049,99 € reads « 8 050 € » there, so « 8,1 k€ » as
        # 8 050 € does (it read « 8 k€ », two figures of « 8 050 € » labelled apart; audit roundings, 7 Dec 2026)
        assert plain(FR.money_compact(Decimal("8049.99"))) == "8,1 k€"
        assert plain(FR.money_compact(Decimal("8049.49"))) == "8 k€"
        assert plain(FR.money_compact(Decimal("8050"))) == "8,1 k€"
        assert plain(FR.money_compact(Decimal("1049.60"))) == "1,1 k€"
        assert plain(FR.money_compact(99_960)) == "100 k€"
        assert plain(FR.money_compact(1_950_000)) == "2 M€"
        assert plain(FR.money_compact(Decimal("999.40"))) == "999 €"

    def test_unsupported_language_is_refused(self) -> None:
        """Only fr and en exist; anything else is a clear error."""
        with pytest.raises(ValueError, match="use fr or en"):
            Formatter("de")


class TestDates:
    def test_long_dates(self) -> None:
        """20 mai 2027 / May 20, 2027; the first of the month is 1er in French."""
        assert FR.date(date(2027, 5, 20)) == "20 mai 2027"
        assert EN.date(date(2027, 5, 20)) == "May 20, 2027"
        assert FR.date(date(2027, 7, 1)) == "1er juillet 2027"

    def test_instants_are_shown_in_the_plan_timezone(self) -> None:
        """22:30 UTC on 2 May is Monday 3 May 00:30 in Paris."""
        moment = datetime(2027, 5, 2, 22, 30, tzinfo=UTC)
        assert FR.date(moment) == "3 mai 2027"
        assert FR.datetime(moment) == "3 mai 2027 à 00:30"
        assert EN.datetime(moment) == "May 3, 2027 at 00:30"

    def test_half_open_window_shows_its_last_day(self) -> None:
        """Week 18 of 2027, [3 May, 10 May), reads 3–9 mai 2027 / May 3–9, 2027."""
        start, end = datetime(2027, 5, 3, tzinfo=PARIS), datetime(2027, 5, 10, tzinfo=PARIS)
        assert FR.date_range(start, end) == "3–9 mai 2027"
        assert EN.date_range(start, end) == "May 3–9, 2027"

    def test_window_across_months_and_years(self) -> None:
        """Ranges name both months, and both years when they differ."""
        assert FR.date_range(datetime(2027, 7, 1, tzinfo=PARIS), datetime(2027, 10, 1, tzinfo=PARIS)) == \
            "1er juillet – 30 septembre 2027"
        assert EN.date_range(datetime(2027, 12, 20, tzinfo=PARIS), datetime(2028, 1, 10, tzinfo=PARIS)) == \
            "December 20, 2027 – January 9, 2028"

    def test_one_day_window(self) -> None:
        """A window of one day is that day."""
        assert FR.date_range(datetime(2027, 3, 15, tzinfo=PARIS), datetime(2027, 3, 16, tzinfo=PARIS)) == \
            "15 mars 2027"

    def test_quarters_and_snapshot_labels(self) -> None:
        """Quarters read T2 2027 in French (trimestre) and Q2 2027 in English; months are abbreviated."""
        assert FR.quarter(datetime(2027, 5, 20, 18, tzinfo=PARIS)) == "T2 2027"
        assert EN.quarter(datetime(2027, 5, 20, 18, tzinfo=PARIS)) == "Q2 2027"
        assert FR.period_label("2027-Q1") == "T1 2027"
        assert EN.period_label("2027-04") == "Apr 2027"
        assert FR.period_label("odd") == "odd"

    def test_a_closed_quarter_is_named_by_its_last_day(self) -> None:
        """A report as of 1 July 00:00 (the second quarter's end) is the T2 report; one second later, T3."""
        assert FR.quarter(datetime(2027, 7, 1, tzinfo=PARIS)) == "T2 2027"
        assert EN.quarter(datetime(2028, 1, 1, tzinfo=PARIS)) == "Q4 2027"
        assert FR.quarter(datetime(2027, 7, 1, 0, 0, 1, tzinfo=PARIS)) == "T3 2027"

    def test_months_unit(self) -> None:
        """Payback periods read 4,5 mois / 4.5 months / 1 month."""
        assert plain(FR.months(4.5)) == "4,5 mois"
        assert plain(EN.months(1)) == "1 month"
        assert plain(EN.months(6.0)) == "6 months"

    def test_months_are_written_as_rounded(self) -> None:
        """A payback of 0.96 month reads « 1 mois » / "1 month", as the unit already says (it read « 1,0 mois »), and
        one under 0.05 month (a day or so) reads « < 0,1 mois » / "< 0.1 month", never a payback of zero (it read
        « 0,0 mois »; seen failing before the fix)."""
        assert plain(FR.months(0.96)) == "1 mois"
        assert plain(EN.months(1.04)) == "1 month"
        assert plain(EN.months(2.97)) == "3 months"
        assert plain(FR.months(0.04)) == "< 0,1 mois"
        assert plain(EN.months(0.04)) == "< 0.1 month"
        assert plain(FR.months(0.05)) == "0,1 mois"
        assert plain(FR.months(0)) == "0 mois"


class TestFiscalQuarters:
    """On a fiscal plan a quarter is named by the plan's own quarters, as the report's header names it (audit F3:
    header « T1 de l'exercice 2027-2028 » above chart columns « T2 2027 »)."""

    APRIL = Formatter("fr", fiscal_start=date(2027, 4, 1))

    def test_calendar_quarters_named_by_the_fiscal_year(self) -> None:
        """On a year from 1 April 2027, April-June 2027 is T1 of 2027-2028, January-March 2028 its T4, and
        January-March 2027 the previous year's T4."""
        assert [self.APRIL.period_label(q) for q in ("2027-Q2", "2027-Q3", "2028-Q1", "2027-Q1")] == [
            "T1 ex. 2027-28", "T2 ex. 2027-28", "T4 ex. 2027-28", "T4 ex. 2026-27"]
        assert Formatter("en", fiscal_start=date(2027, 4, 1)).period_label("2027-Q3") == "Q2 FY2027-28"

    def test_months_unchanged_and_calendar_plans_unchanged(self) -> None:
        """A month is a month on any plan; on a calendar plan a quarter keeps its calendar name."""
        assert self.APRIL.period_label("2027-07") == "juil. 2027"
        assert Formatter("fr").period_label("2027-Q2") == "T2 2027"

    def test_a_calendar_quarter_that_is_no_fiscal_quarter_is_named_by_its_months(self) -> None:
        """On a year from 1 February, April-June is none of the plan's quarters: named by its months."""
        assert Formatter("fr", fiscal_start=date(2027, 2, 1)).period_label("2027-Q2") == "avr.–juin 2027"
        assert Formatter("en", fiscal_start=date(2027, 2, 1)).period_label("2027-Q2") == "Apr–Jun 2027"


class TestFebruaryYearQuarters:
    """On a year from 1 February a quarterly snapshot of the plan's own quarter is labelled by its months
    (``2027-05..2027-07``); the report names it by the plan's quarter and its months (audit US, F5)."""

    def test_the_plans_quarters_by_their_months(self) -> None:
        en, fr = Formatter("en", fiscal_start=date(2027, 2, 1)), Formatter("fr", fiscal_start=date(2027, 2, 1))
        assert [en.period_label(q) for q in ("2027-02..2027-04", "2027-05..2027-07", "2027-11..2028-01")] == [
            "Q1 Feb–Apr", "Q2 May–Jul", "Q4 Nov–Jan"]
        assert fr.period_label("2027-08..2027-10") == "T3 août–oct."

    def test_without_a_fiscal_year_by_their_months_and_years(self) -> None:
        assert Formatter("en").period_label("2027-05..2027-07") == "May–Jul 2027"
        assert Formatter("en").period_label("2027-11..2028-01") == "Nov 2027–Jan 2028"
