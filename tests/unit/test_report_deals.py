"""The quarterly report's since-close lines name the deals of each axis's move (``restated.since_lines`` with
``ReportBasis.moves``, audit reportdeals): the amounts, cents included, add up to the difference the line shows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.restatement import Restatement
from sync_jobs.deal_moves import AxisMoves, Days, moves
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines

CLOSE = datetime(2027, 3, 31, 22, tzinfo=UTC)      # 1 April 2027 00:00 in Paris: Q1's end
# judged at Q1's end: no deal reads as won (first after last), a deal counted now of a day of Q1 was counted late
DAYS = Days(date(2027, 4, 1), date(2027, 3, 31), date(2027, 1, 1), date(2027, 12, 31), ZoneInfo("Europe/Paris"), True)
FR = Formatter("fr", "EUR", "Europe/Paris")


def _ax_a() -> AxisMoves:
    """AX-A kept 10 000,40 € (A 6 000,20, B 4 000,20) over a baseline of 1 000,60 €: 10 000 − 1 001 = 8 999 €; now A
    lowered to 5 500,20, C 300,45 of 30 March typed after the close, baseline 1 200,50: 9 801 − 1 201 = 8 600 €.
    Running rounding: 10 000 → 9 500 (−500) → 9 801 (+301); the baseline +200 (−200): −500 + 301 − 200 = −399."""
    before = {("sf", "a"): (Decimal("6000.20"), date(2027, 2, 1)), ("sf", "b"): (Decimal("4000.20"), date(2027, 3, 1))}
    now = {("sf", "a"): (Decimal("5500.20"), date(2027, 2, 1)), ("sf", "b"): (Decimal("4000.20"), date(2027, 3, 1)),
           ("sf", "c"): (Decimal("300.45"), date(2027, 3, 30))}
    return moves(before, now, {}, DAYS, revenue=(Decimal("10000.40"), Decimal("9800.85")),
                 baseline=(Decimal("1000.60"), Decimal("1200.50")))


def test_an_axis_line_with_cents_adds_up() -> None:
    since = Restatement(axes=(("AX-A", Decimal(8999), Decimal(8600)), ("AX-B", Decimal(100), Decimal(50))))
    lines = since_lines(since, CLOSE, FR, {"AX-A": _ax_a()})
    assert [line.replace("\u202f", " ").replace("\u00a0", " ") for line in lines[1:]] == [
        "CA supplémentaire des axes : AX-A 8 999 € → 8 600 € ; AX-B 100 € → 50 €",
        "AX-A −399 € · détail : a −500 € (montant compté 6 000 € → 5 500 €) ; c +301 € (du 30 mars 2027, comptée après "
        "la clôture) ; CA de référence à date en hausse de 200 € : −200 €"]


def test_english_says_counted_after_the_close() -> None:
    since = Restatement(axes=(("AX-A", Decimal(8999), Decimal(8600)),))
    assert since_lines(since, CLOSE, Formatter("en", "EUR", "Europe/Paris"), {"AX-A": _ax_a()})[-1] == (
        "AX-A −€399 · breakdown: a −€500 (amount counted €6,000 → €5,500); c +€301 (of March 30, 2027, counted after "
        "the close); baseline to date up €200: −€200")


def test_no_breakdown_across_two_currencies() -> None:
    """The currency changed since the close: the kept amounts are in the currency of then, no difference is said."""
    since = Restatement(axes=(("AX-A", Decimal(8999), Decimal(8600)),), currency=("EUR", "USD"))
    lines = since_lines(since, CLOSE, FR, {"AX-A": _ax_a()})
    assert any("AX-A" in line for line in lines) and not any("détail" in line for line in lines)
