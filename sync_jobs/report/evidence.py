"""The advisor's evidence (``Recommendation.evidence``) in words: each figure named, formatted, ids resolved.

Keys follow ``pac_core.advisor``; thresholds are flagged so the meeting sees the rule beside the figure.
An unknown key is still shown (key as written, value formatted by its type), never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pac_core.advisor import elapsed_text, pct_below
from pac_core.money import percent_apart, places_of, shown_additional, shown_digits
from pac_core.plan import Plan
from sync_jobs.report.fmt import Formatter

# key -> (French label, English label, kind, is a threshold)
KEYS: dict[str, tuple[str, str, str, bool]] = {
    "roi": ("ROI à date de l'axe", "Axis ROI to date", "roi", False),
    "time_to_roi_months": ("Rentabilisé en (depuis le début de la période)", "Paid back in (from the period's start)",
                           "payback", False),
    "min_roi": ("ROI à date minimal", "Minimum ROI to date", "percent", True),
    "max_months_to_roi": ("Délai de retour maximal", "Maximum payback", "months", True),
    "lagging_growth_below": ("Croissance jugée en retard sous", "Growth counted as lagging below", "change", True),
    "to_segments": ("Segments cibles", "Target segments", "segments", False),
    "growth": ("Croissance des segments cibles", "Growth of target segments", "segment_growth", False),
    "elapsed_share": ("Part de la période écoulée", "Share of the period elapsed", "percent", False),
    "max_roi": ("ROI à date en dessous duquel abandonner", "ROI to date below which to drop", "percent", True),
    "min_elapsed": ("Part écoulée minimale", "Minimum share elapsed", "percent", True),
    "additional": ("CA supplémentaire", "Additional revenue", "money", False),
    "cost": ("Coût (toute la période)", "Cost (whole period)", "money", False),
    "cost_to_date": ("Coût au prorata à date", "Cost to date (pro rata)", "money", False),
    "in_favour_of": ("Au profit de", "In favour of", "axis", False),
    "in_favour_of_roi": ("ROI à date de cet axe", "ROI to date of that axis", "roi", False),
    "in_favour_of_additional": ("CA supplémentaire de cet axe (sans coût)", "Additional revenue of that axis (no cost)",
                                "money", False),
    "revenue": ("CA réalisé", "Revenue", "money", False),
    "baseline": ("Référence", "Baseline", "money", False),
    "trend": ("Évolution du segment", "Segment trend", "trend", False),
    "min_decline": ("Baisse minimale", "Minimum decline", "percent", True),
    "quarter": ("Trimestre", "Quarter", "quarter", False),
    "products": ("Charge de production", "Production load", "products", False),
    "min_load": ("Charge minimale", "Minimum load", "percent", True),
    "committed_weight": ("Poids des affaires ouvertes", "Weight of open deals", "percent", True),
    "to_segment_kinds": ("Types des segments cibles", "Kinds of target segments", "segment_kinds", False),
    "already_running": ("Segments écartés (axe équivalent déjà en place)",
                        "Segments left out (an equivalent axis already runs)", "running", False),
    "no_account_in_scope": ("Segments écartés (aucun compte du périmètre de l'axe)",
                            "Segments left out (no account of the axis's scope)", "segments", False),
    "triggers": ("Déclencheurs", "Triggers", "triggers", False),
    "lost_accounts": ("Comptes clés perdus (CA des 12 mois précédents)",
                      "Key accounts lost (revenue of the 12 months before)", "lost_accounts", False),
    "market_events": ("Événements de marché", "Market events", "events", False),
    "leaving": ("Départs", "Leaving", "leaving", False),
    "no_revenue_last_year": ("Segments écartés (aucun CA l'an dernier)", "Segments left out (no revenue last year)",
                             "segments", False),
    # the closing verdict of an axis whose own period is over (Rule.CLOSED)
    "period_end": ("Fin de la période de l'axe", "End of the axis's period", "date", False),
    "reached": ("Objectif atteint", "Objective reached", "", False),
    "objective": ("Objectif (CA supplémentaire)", "Objective (additional revenue)", "money", False),
    "progress": ("Part de l'objectif atteinte", "Share of the objective reached", "percent", False),
    "final_roi": ("ROI final", "Final ROI", "roi", False),
}

# evidence read with another key, not shown on its own row: a target segment's fall in money where its revenue went
# below 0 (shown as its growth: « Isère -13 000 € », not « -130 % »); a closing verdict's amounts written to the cent
# (an objective missed by cents)
_WITHIN = frozenset({"growth_amount", "to_the_cent"})

TRIGGERS = {
    "fr": {"segment_decline": "baisse du segment", "lost_key_account": "compte clé perdu",
           "market_opportunity": "opportunité de marché", "market_threat": "menace de marché",
           "capacity": "capacité de production"},
    "en": {"segment_decline": "segment decline", "lost_key_account": "key account lost",
           "market_opportunity": "market opportunity", "market_threat": "market threat",
           "capacity": "production capacity"},
}
KINDS = {"fr": {"horizontal": "géographique", "vertical": "marché", "mixed": "typologie de comptes"},
         "en": {"horizontal": "geographic", "vertical": "market", "mixed": "account type"}}


def rows(evidence: Mapping[str, Any], plan: Plan, fmt: Formatter) -> Iterator[tuple[str, str, bool]]:
    """(label, formatted value, is_threshold) for each piece of evidence, in the advisor's order."""
    for key, value in evidence.items():
        if value is None or value == [] or value == {} or key in _WITHIN:
            continue
        fr, en, kind, threshold = KEYS.get(key, (key.replace("_", " "), key.replace("_", " "), "", False))
        text = _below(evidence, key, value, plan, fmt) or value_text(kind, key, value, plan, fmt)
        yield (fr if fmt.lang == "fr" else en), text, threshold


# a figure the rule fired on for being below a threshold, and that threshold's key in the same evidence: the figure
# reads below it (« -0,3 % » beside « seuil 0 % », not « 0 % »; ``pac_core.advisor.pct_below``)
_BELOW = {"roi": "max_roi", "growth": "lagging_growth_below"}


def _below(evidence: Mapping[str, Any], key: str, value: Any, plan: Plan, fmt: Formatter) -> str | None:
    """The text of a figure below its threshold (``_BELOW``: a dropped axis's ROI, a lagging segment's growth), as
    the advisor's sentence writes it; None for any other figure (then ``value_text``)."""
    if key == "trend" and _number(evidence.get("revenue", 0)) < 0:
        # a segment whose revenue went below 0 (credits): its fall as an amount, never « -130 % » (decision 6 Dec 2026)
        # as the sentence and the segment's card: revenue and baseline each rounded, then subtracted (-4 000,40 against
        # 10 000,40 reads -14 000 €, not the exact -14 000,80 € rounded to -14 001 €; audit advisehand)
        return fmt.signed_money(shown_additional(_number(evidence["revenue"]), _number(evidence.get("baseline", 0))))
    if key in ("additional", "objective") and evidence.get("to_the_cent"):
        # an objective missed by cents reads both amounts to the cent, as the closing verdict (« 99 999,95 € sur
        # 100 000,00 € », not « 100 000 € » twice beside « juste sous 100 % »; audit advisehand)
        return fmt.money(_number(value), shown_digits(plan.currency))
    if key == "progress" and evidence.get("reached") is False and value is not None and float(value) < 1:
        return pct_below(float(value), 1.0, fmt.lang)      # an objective missed never reads « 100 % »
    if key == "elapsed_share" and value is not None:
        return elapsed_text(float(value), fmt.lang)        # a period not over never reads « 100 % » elapsed
    limit = evidence.get(_BELOW.get(key, ""))
    if limit is None:
        return None
    below = float(limit)
    if key == "growth" and isinstance(value, Mapping):
        segments = {s.id: s.name for s in plan.segments}
        amounts = dict(evidence.get("growth_amount") or {})    # revenue below 0: fallen by an amount, not « -130 % »

        def growth(k: Any, v: Any) -> str:
            if k in amounts:
                return fmt.signed_money(_number(amounts[k]))
            if fmt.trend_limits:     # as the segment's card reads it (audit surfaces2): « +4,99 % », « -9,99 % »
                limits = (*fmt.trend_limits, (below, True))
                return percent_apart(float(v), fmt.lang, limits, signed=True)
            return pct_below(float(v), below, fmt.lang, change=True) if float(v) < below else fmt.change(v)
        return ", ".join(f"{segments.get(str(k), str(k))} {growth(k, v)}" for k, v in value.items())
    if key == "roi" and float(value) < below:
        return pct_below(float(value), below, fmt.lang)
    return None


def value_text(kind: str, key: str, value: Any, plan: Plan, fmt: Formatter) -> str:
    segments = {s.id: s.name for s in plan.segments}
    axes = {a.id: a.name for a in plan.axes}
    colon, semi = (" : ", " ; ") if fmt.lang == "fr" else (": ", "; ")     # French: a space before both
    if kind == "percent":
        return fmt.percent(_number(value))
    if kind == "roi":      # an axis's ROI, as the axes' table reads it: 49.96 % « 49,96 % » (audit surfaces2)
        return fmt.roi_percent(_number(value))
    if kind == "trend":    # a segment's trend, as its card reads it: -9.99 % « -9,99 % » (audit surfaces2)
        return fmt.change_near(_number(value))
    if kind == "payback":  # an axis's payback, as the axes' table reads it: 6.04 months « 6,04 mois »
        return fmt.months(float(_number(value)), fmt.payback_limits)
    if kind == "change":          # a growth rate, signed as the segment's trend (« +12 % », audit janmeet F11)
        return fmt.change(_number(value))
    if kind == "money":
        return fmt.money(_number(value))
    if kind == "date":
        return fmt.date(date.fromisoformat(str(value)))
    if kind == "months":
        return fmt.months(float(_number(value)))
    if kind == "segments":
        return ", ".join(segments.get(str(s), str(s)) for s in value)
    if kind == "segment_growth":
        return ", ".join(f"{segments.get(str(k), str(k))} {fmt.change(v)}" for k, v in dict(value).items())
    if kind == "axis":
        return axes.get(str(value), str(value))
    if kind == "quarter":
        return fmt.period_label(str(value))
    if kind == "products":
        return semi.join(_product(row, fmt) for row in value)
    if kind == "segment_kinds":
        return ", ".join(f"{segments.get(str(k), str(k))} ({KINDS[fmt.lang].get(str(v), str(v))})"
                         for k, v in dict(value).items())
    if kind == "running":
        return semi.join(f"{segments.get(str(k), str(k))}{colon}{axes.get(str(r.get('axis')), str(r.get('axis')))} "
                         f"(ROI {fmt.roi_percent(r.get('roi'))})" for k, r in dict(value).items())
    if kind == "triggers":
        return ", ".join(TRIGGERS[fmt.lang].get(str(t), str(t)) for t in value)
    if kind == "lost_accounts":
        return semi.join(f"{r.get('account')} {fmt.money(_number(r.get('revenue_12m')))}"
                         + (f" ({fmt.date(date.fromisoformat(str(r['on'])))})" if r.get("on") else "") for r in value)
    if kind == "events":
        return semi.join(str(r.get("note") or "–") for r in value)
    if kind == "leaving":
        return semi.join(f"{r.get('who')} → {', '.join(r.get('actions', []))}" for r in value)
    return _plain(value, fmt)


def _product(row: Mapping[str, Any], fmt: Formatter) -> str:
    won, committed, capacity = (_quantity(_number(row.get(k, 0)), fmt) for k in ("won", "committed", "capacity"))
    head = f"{row.get('product')} {fmt.percent(row.get('load'))}"
    if fmt.lang == "fr":
        return f"{head} (gagné {won} + engagé {committed} / capacité {capacity})"
    return f"{head} (won {won} + committed {committed} / capacity {capacity})"


# a quantity's decimals at most: HubSpot's line item ``quantity`` is a number (2.5 vans), Salesforce's Quantity has
# two decimals; « engagé 0,333 » for a third of a line weighted by a probability
QUANTITY_PLACES = 3


def _quantity(value: Decimal, fmt: Formatter) -> str:
    """A product quantity with its own decimals, up to ``QUANTITY_PLACES`` (« 7,5 », « 2 » for 2.0): rounded to the
    unit, 2.5 + 4.5 + 0.5 won read « gagné 8 + engagé 2 / capacité 10 » beside the « 95 % » they make (audit hshand4
    F3)."""
    return fmt.number(value, min(QUANTITY_PLACES, max(0, places_of(value.normalize()))))


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _plain(value: Any, fmt: Formatter) -> str:
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int | float | Decimal):
        return fmt.number(value, 0 if float(value) == int(value) else 2)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, fmt) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v, fmt)}" for k, v in value.items())
    return str(value)
