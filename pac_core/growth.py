"""A growth objective written as a percentage, as managers say it: "+30 % on the clients of Rhône-Alpes".

``additional_revenue: "30 %"`` in the plan file means 30 % of the axis's **baseline for the whole objective
period**: the axis's scope revenue over the same period a year earlier (what the engine measures as the axis's
baseline at the period's end, its `who` and deal conditions included; under ``attribution: split`` its share), or
the fixed ``baseline:`` the objective declares. While that year-earlier period is not over at the evaluation instant
(a 2027 plan synced in December 2026), the base is its revenue up to the evaluation date, provisional
(``Objective.growth_base_through``), and becomes final once the period is over. That figure is known only from
the records, so ``evaluate()`` resolves the amount first (``Objective.growth_base``, and ``additional_revenue`` =
rate x base, to the cent) and every figure downstream reads that amount exactly as if the manager had written it;
the rate stays on the objective so that every surface can say where the amount comes from
(``pac_core.growth_words.provenance``):
« +30 % de 110 000 € (CA 2026 du périmètre) = 33 000 € » / "+30% of €110,000 (the scope's 2026 revenue) = €33,000";
under split "(the axis's share of the scope's 2026 revenue, deals shared with other axes divided evenly)"
(``Objective.growth_base_split``, from the evaluation's ``Evaluation.attribution``, which snapshots keep).

Spellings (``parse_growth_rate``): a number followed by ``%``, ``pct``, ``percent`` or « pour cent », an optional
``+``, a decimal comma or point, spaces anywhere: ``30 %``, ``+30%``, ``12,5 %``, ``30 pct``. A bare number is
always an amount.

This module reads no records and imports no NumPy (the plan file's reader uses it); the words are in
``pac_core.growth_words``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from pac_core.money import MINUS, minor_digits
from pac_core.plan import Objective, Plan
from pac_core.results import Evaluation
from pac_core.rounding import half_up

_RATE = re.compile(r"^([+-]?)(\d+(?:[.,]\d+)?)(%|pct|percent|pourcent)$")


class AmbiguousRate(ValueError):
    """ "1,500 %" in a French plan: 1 500 % (``thousands``) or 1,5 % (``decimals``, written with a point)?"""

    def __init__(self, value: str, thousands: str, decimals: str) -> None:
        super().__init__(f"{value!r} is ambiguous: {thousands} % with a comma grouping thousands, or "
                         f"{decimals.replace('.', ',')} % with a decimal comma")
        self.thousands = thousands
        self.decimals = decimals

    @property
    def fix(self) -> str:
        return (f'write "{self.decimals.replace(".", ",")} %" for {self.decimals} percent, or "{self.thousands} %" '
                f"for {self.thousands} percent")


def parse_growth_rate(value: object, language: str | None = None) -> Decimal | None:
    """``"30 %"`` -> ``Decimal("0.3")``; None when ``value`` is not written as a percentage (an amount, or
    anything else: the amount's reader says what is wrong). The sign is kept (``"-10 %"`` -> ``-0.1``): the plan's
    rules refuse it with its fix. One comma group (``"1,500 %"``) is thousands in an English plan (``language``
    ``en``: 1 500 %, which the plan's rules then refuse as above +1,000 %); elsewhere it raises ValueError naming both
    readings (1,5 % in French, 1 500 % in English: both are rates)."""
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s", "", value).lower().replace(MINUS, "-")    # « −10 % » as pac writes it is « -10 % »
    match = _RATE.match(text)
    if not match:
        return None
    number = match.group(2)
    # "1,500": thousands or decimals? A first group of 0 is no thousands ("0,125 %" is 0.125 %: audit growthhand)
    if re.fullmatch(r"[1-9]\d{0,2}(,\d{3})+", number):
        if language != "en":
            raise AmbiguousRate(value, number.replace(",", ""), number.replace(",", ".").rstrip("0").rstrip("."))
        number = number.replace(",", "")
    try:
        rate = Decimal(number.replace(",", ".")) / 100
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        return None
    return -rate if match.group(1) == "-" else rate


def resolved(objective: Objective, base: Decimal, through: date | None = None, *, currency: str,
             split: bool = False) -> Objective:
    """The objective with its amount: ``growth_rate`` x ``base``, rounded half up to the minor unit of the plan's
    ``currency`` (the cent, the yen: an amount as a manager writes one, as a converted deal is rounded), 0 for a base
    of 0 or below; ``through``: the last day a provisional base counts (its period was not over yet); ``split``: the
    evaluation's ``attribution: split``, under which a measured base is the axis's share (``growth_base_split``; a
    fixed baseline is never divided). An objective written as an amount is returned as it is."""
    if objective.growth_rate is None:
        return objective
    # a base below 0 (credits above the sales a year earlier) sets no objective, as a base of 0: "+30 %" of -10,000
    # read -3,000, and an axis falling further was « done » at 167 % of it (``growth_words`` says why)
    amount = half_up(objective.growth_rate * max(base, Decimal(0)), minor_digits(currency))
    return replace(objective, additional_revenue=amount, growth_base=base, growth_base_through=through,
                   growth_base_split=split and objective.baseline is None)


def with_evaluation(plan: Plan, evaluation: Evaluation, attribution: str | None = None) -> Plan:
    """``plan`` with the amounts ``evaluation`` resolved for its percentage objectives (``AxisProgress.growth_base``),
    for a surface that holds the plan file and an evaluation of it (the report, ``pac explain``, the CRM's objective),
    each marked as the axis's share when the evaluation's attribution is ``split`` (``Evaluation.attribution``; for
    a snapshot kept before it was kept, ``attribution``: the settings'). The same plan when it has none (or the
    evaluation does not carry them)."""
    split = (evaluation.attribution or attribution) == "split"
    bases = {a.axis_id: (a.growth_base, a.growth_base_through) for a in evaluation.axes if a.growth_base is not None}
    changed = [axis.id for axis in plan.axes
               if axis.objective is not None and axis.objective.growth_rate is not None and axis.id in bases]
    if not changed:
        return plan
    return replace(plan, axes=tuple(
        replace(axis, objective=resolved(axis.objective, *bases[axis.id], currency=plan.currency, split=split))
        if axis.objective is not None and axis.id in changed else axis for axis in plan.axes))


__all__ = ["AmbiguousRate", "parse_growth_rate", "resolved", "with_evaluation"]
