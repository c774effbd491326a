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
    Running rounding: 10 000 → 9 500 (−500) → 9 801 (+301); the baseline +200 (−200): −500 + 301 − 200 = −399,
    said a, the baseline, c: those that make the drop first."""
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
        "AX-A −399 € · détail : a −500 € (montant compté 6 000 € → 5 500 €) ; CA de référence à date en hausse de "
        "200 € : −200 € ; c +301 € (du 30 mars 2027, comptée après la clôture)"]


def test_english_says_counted_after_the_close() -> None:
    since = Restatement(axes=(("AX-A", Decimal(8999), Decimal(8600)),))
    assert since_lines(since, CLOSE, Formatter("en", "EUR", "Europe/Paris"), {"AX-A": _ax_a()})[-1] == (
        "AX-A −€399 · breakdown: a −€500 (amount counted €6,000 → €5,500); baseline to date up €200: −€200; c +€301 "
        "(of March 30, 2027, counted after the close)")


def test_no_breakdown_across_two_currencies() -> None:
    """The currency changed since the close: the kept amounts are in the currency of then, no difference is said."""
    since = Restatement(axes=(("AX-A", Decimal(8999), Decimal(8600)),), currency=("EUR", "USD"))
    lines = since_lines(since, CLOSE, FR, {"AX-A": _ax_a()})
    assert any("AX-A" in line for line in lines) and not any("détail" in line for line in lines)


def _cancel() -> AxisMoves:
    """AX-B: x (5 000, 10 March) deleted, y (5 000, 25 March) typed after the close: 7 500 € kept and now."""
    before = {("sf", "x"): (Decimal(5000), date(2027, 3, 10)), ("sf", "z"): (Decimal(2500), date(2027, 1, 10))}
    now = {("sf", "y"): (Decimal(5000), date(2027, 3, 25)), ("sf", "z"): (Decimal(2500), date(2027, 1, 10))}
    found = moves(before, now, {}, DAYS, revenue=(Decimal(7500), Decimal(7500)),
                  baseline=(Decimal("2958.90"), Decimal("2958.90")))
    assert [m.shown for m in found.deals] == [Decimal(-5000), Decimal(5000)]
    return found


def test_deals_that_cancel_out_get_a_line_even_when_nothing_else_moved() -> None:
    """Nothing of the figures moved (the restatement is empty): the heading and the axis at 0 €, its deals adding up
    to it (decided 7 Dec 2026, audit snapdeals; it printed nothing)."""
    lines = since_lines(Restatement(), CLOSE, FR, {"AX-B": _cancel()})
    assert [line.replace("\u202f", " ").replace("\u00a0", " ") for line in lines] == [
        "Depuis la clôture (saisies et modifications du plan après le 31 mars 2027) :",
        "AX-B 0 € · détail : x −5 000 € (supprimée du CRM) ; y +5 000 € (du 25 mars 2027, comptée après la clôture)"]


def test_cancelling_axes_come_after_the_moved_ones() -> None:
    """AX-A is in the axes' line, AX-B only in the deals: AX-A's deals first, then AX-B's at 0 €."""
    since = Restatement(axes=(("AX-A", Decimal(8999), Decimal(8600)),))
    lines = since_lines(since, CLOSE, Formatter("en", "EUR", "Europe/Paris"), {"AX-B": _cancel(), "AX-A": _ax_a()})
    assert [line.split(" · ")[0] for line in lines[2:]] == ["AX-A −€399", "AX-B €0"]
