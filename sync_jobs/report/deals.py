"""The words of the deals that make an axis's change (``sync_jobs.deal_moves``), shared by the monthly review's
« Évolution » (audit reviewdeals) and the quarterly report's « Depuis la clôture » lines (audit reportdeals): each deal
with its amount and why, then the others' sum, the baseline's growth among them by its share (those that make the
change first, audit leftowner), the amounts adding up to the change shown.
The words live with the review's (``labels(lang, "review")``, ``deal_*``)."""

from __future__ import annotations

from decimal import Decimal

from sync_jobs.deal_moves import AxisMoves, DealMove
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels


def signed_money(amount: Decimal, fmt: Formatter) -> str:
    """« +3 000 € », « −9 000 € »: a difference, with the since-close lines' minus sign."""
    return ("+" if amount > 0 else "−") + fmt.money(abs(amount))


def move_words(move: DealMove, fmt: Formatter, late: str = "deal_late") -> str:
    """Why one deal moved: « rouverte », « clôture déplacée au 15 mai 2027 », « montant compté 8 000 € → 6 000 € »;
    ``late``: the words of a deal of a day before counted only now (« comptée après sa revue », the review's; « comptée
    après la clôture », the report's ``deal_late_close``)."""
    w = labels(fmt.lang, "review")
    if move.why in ("lowered", "raised"):
        return w["deal_" + move.why].format(before=fmt.money(move.before), after=fmt.money(move.now))
    if move.why == "moved" and move.day is None:
        return w["deal_moved_none"]
    key = late if move.why == "late" else "deal_" + move.why
    return w[key].format(day=fmt.date(move.day) if move.day else "–")


def shown_move(move: DealMove, fmt: Formatter) -> str:
    """A deal's shown amount, signed as it moved: « +0 € » for 0,40 € that the running rounding gave nothing."""
    return signed_money(move.shown, fmt) if move.shown else ("+" if move.delta > 0 else "−") + fmt.money(0)


def moves_text(found: AxisMoves, fmt: Formatter, late: str = "deal_late") -> str:
    """The deals that make an axis's change, each with its amount and why, then the others' sum, and the baseline's
    growth where its share of the change puts it (``AxisMoves.baseline_at``): « détail : Affaire D1 −9 000 €
    (rouverte) ; … ; CA de référence à date en hausse de 986 € : −986 € ; Affaire D7 +7 000 € (gagnée le …) », the
    amounts adding up to the change shown (audit reviewdeals); ``late`` as ``move_words``'."""
    w = labels(fmt.lang, "review")
    items = [f"{move.name} {shown_move(move, fmt)} ({move_words(move, fmt, late)})" for move in found.deals]
    count, rest = found.others
    if count:
        key = "deal_others_one" if count == 1 else "deal_others"
        items.append(w[key].format(count=count, n=signed_money(rest, fmt)))
    elif rest:
        items.append(w["deal_gap"].format(n=signed_money(rest, fmt)))
    if found.baseline:
        key = "deal_baseline_up" if found.baseline > 0 else "deal_baseline_down"
        grew = w[key].format(by=fmt.money(abs(found.baseline)))
        at = len(items) if found.baseline_at is None else found.baseline_at
        items.insert(at, f'{grew}{w["colon"]} {signed_money(-found.baseline, fmt)}')
    sep = " ; " if fmt.lang == "fr" else "; "
    return f'{w["deals_detail"]}{w["colon"]} ' + sep.join(items)
