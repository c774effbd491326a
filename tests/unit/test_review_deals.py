"""An axis's change since the previous review, deal by deal (``sync_jobs.deal_moves``, audit reviewdeals): the shown
amounts add up to the change the review prints, to the unit, whatever the cents; past the deals named, the others in
one sum; why a deal counts nothing now, from the deal as the store holds it today."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.money import shown_additional
from pac_core.records import Deal, DealStage
from sync_jobs.deal_moves import Days, moves, why_dropped
from sync_jobs.report.deals import moves_text
from sync_jobs.report.fmt import Formatter

D = Decimal
DAYS = Days(date(2027, 4, 1), date(2027, 4, 30), date(2027, 1, 1), date(2027, 12, 31), ZoneInfo("Europe/Paris"), True)


def _deal(did: str, stage: DealStage = DealStage.WON, day: date | None = date(2027, 3, 10),
          deleted: bool = False) -> Deal:
    return Deal(id=did, source="sf", account_id="a1", owner_id="u1", amount=D(100), currency="EUR", close_date=day,
                stage=stage, name=f"Deal {did}", deleted=deleted)


def test_shown_amounts_add_up_to_the_change_printed_whatever_the_cents() -> None:
    """Two deals raised by 0.40 € and one of 0.40 € won: the revenue 1 000.40 → 1 001.60 prints 1 000 → 1 002; each
    move rounded alone would print +0 three times. The baseline 2 958.90 → 3 945.21 prints 2 959 → 3 945 (+986). The
    change printed, (1 002 − 3 945) − (1 000 − 2 959) = −984, is the sum of the shown parts: +1 +0 +1 −986."""
    before = {("sf", "a"): (D("500.20"), date(2027, 3, 1)), ("sf", "b"): (D("500.20"), date(2027, 3, 2))}
    now = {("sf", "a"): (D("500.60"), date(2027, 3, 1)), ("sf", "b"): (D("500.60"), date(2027, 3, 2)),
           ("sf", "c"): (D("0.40"), date(2027, 4, 3))}
    deals = {("sf", k): _deal(k) for k in "abc"}
    found = moves(before, now, deals, DAYS, revenue=(D("1000.40"), D("1001.60")),
                  baseline=(D("2958.90"), D("3945.21")))
    change = shown_additional(D("1001.60"), D("3945.21")) - shown_additional(D("1000.40"), D("2958.90"))
    assert change == -984
    assert [m.why for m in found.deals] == ["raised", "raised", "won"]
    assert sum(m.shown for m in found.deals) + found.others[1] - found.baseline == change
    assert found.baseline == 986 and found.others == (0, 0)


def test_past_the_deals_named_the_others_are_one_sum() -> None:
    """Eleven deals won in the month, 1 000 € to 11 000 €: the eight largest are named, the three others (1 000 +
    2 000 + 3 000) in one sum, the whole 66 000 €."""
    now = {("sf", f"d{k}"): (D(1000 * k), date(2027, 4, k)) for k in range(1, 12)}
    found = moves({}, now, {}, DAYS, revenue=(D(0), D(66000)), baseline=(D(0), D(0)))
    assert [m.shown for m in found.deals] == [D(1000 * k) for k in range(11, 3, -1)]
    assert found.others == (3, D(6000))
    assert not found.dropped


def test_why_a_deal_counts_nothing_now() -> None:
    assert why_dropped(None, DAYS) == "deleted"
    assert why_dropped(_deal("a", deleted=True), DAYS) == "deleted"
    assert why_dropped(_deal("a", DealStage.OPEN), DAYS) == "reopened"
    assert why_dropped(_deal("a", DealStage.LOST), DAYS) == "lost"
    assert why_dropped(_deal("a", day=date(2027, 5, 15)), DAYS) == "moved"      # after the review's last day
    assert why_dropped(_deal("a", day=date(2026, 12, 31)), DAYS) == "moved"     # before the objective's period
    assert why_dropped(_deal("a"), DAYS) == "out"                                # won, in the period: out of scope


def test_a_drop_is_news() -> None:
    found = moves({("sf", "a"): (D(9000), date(2027, 3, 20))}, {}, {("sf", "a"): _deal("a", DealStage.OPEN)}, DAYS,
                  revenue=(D(9000), D(0)), baseline=(D(0), D(0)))
    assert found.dropped and [(m.why, m.shown) for m in found.deals] == [("reopened", D(-9000))]


def test_a_sum_the_deals_do_not_make_is_said_apart() -> None:
    """The revenue moved by 1 000 € more than the deals listed (a list that missed one): the deal keeps its own amount
    and the rest reads apart (« autres écarts »), so nothing is put on a deal that is not its."""
    now = {("sf", "a"): (D(3000), date(2027, 4, 3))}
    found = moves({}, now, {}, DAYS, revenue=(D(0), D(4000)), baseline=(D(0), D(0)))
    assert [m.shown for m in found.deals] == [D(3000)] and found.others == (0, D(1000))


def test_the_items_that_make_a_drop_come_first_the_baseline_included() -> None:
    """The demo's May 2027 review, AX-GC-QUOTES: ten deals won in the month (+88 440 € each, 884 400 €) and the
    baseline to date up 936 100 €: the change is −51 700 €. The baseline's move is what explains the drop: it comes
    first, then the eight largest wins, then the two others in one sum; the parts still add up to −51 700 €."""
    now = {("sf", f"d{k:02}"): (D(88440), date(2027, 5, k)) for k in range(1, 11)}
    found = moves({}, now, {}, DAYS, revenue=(D(0), D(884400)), baseline=(D(0), D(936100)))
    text = moves_text(found, Formatter("fr", "EUR", "Europe/Paris")).replace("\u202f", " ").replace("\u00a0", " ")
    items = text.split(" : ", 1)[1].split(" ; ")
    assert items[0] == "CA de référence à date en hausse de 936 100 € : −936 100 €"
    assert [i.split(" ")[0] for i in items[1:9]] == [f"d{k:02}" for k in range(1, 9)]
    assert items[9] == "2 autres affaires +176 880 €"
    assert sum(m.shown for m in found.deals) + found.others[1] - found.baseline == D(-51700)


def test_the_items_that_make_a_rise_come_first() -> None:
    """A rise of +5 000 €: a deal won +9 000 €, a deal lost −3 000 €, the baseline up 1 000 € (−1 000 €). The item
    that makes the rise first, then those against it, the largest first."""
    before = {("sf", "lost"): (D(3000), date(2027, 3, 1))}
    now = {("sf", "won"): (D(9000), date(2027, 4, 2))}
    deals = {("sf", "lost"): _deal("lost", DealStage.LOST)}
    found = moves(before, now, deals, DAYS, revenue=(D(3000), D(9000)), baseline=(D(0), D(1000)))
    assert moves_text(found, Formatter("en", "EUR", "Europe/Paris")) == (
        "breakdown: won +€9,000 (won on April 2, 2027); Deal lost −€3,000 (lost); baseline to date up €1,000: −€1,000")
