"""The manager's advisor: the four management rules of the method, each with its evidence.

* roll out: an axis of a horizontal segment (a territory) with ROI >= ``rollout_min_roi`` and time to
  ROI <= ``rollout_max_months_to_roi`` months is suggested for the other horizontal segments whose
  revenue growth vs baseline is below ``rollout_lagging_growth``;
* drop: an active axis whose ROI is below ``drop_max_roi`` once ``drop_min_elapsed`` of its objective's
  period has elapsed, in favour of the other active axis with the best ROI (if any is better);
* prioritise: when a segment's revenue trend vs baseline is at or below ``-prioritise_min_decline``,
  its active (not yet prioritised) axes become priorities;
* suspend: when a product's load in the current quarter, (won quantity + committed quantity) /
  capacity, is at or above ``suspend_load``, the active axes drawing on that product are suspended.
  Committed = quantities of open deals closing in the quarter x ``committed_weight``.

Evidence holds the figures and the thresholds used (JSON-safe: floats, strings, lists); summaries
are one sentence in the plan's language (fr or en). Dropped or suspended axes get no recommendation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pac_core.plan import Axis, AxisState, Plan, SegmentKind
from pac_core.results import AxisProgress, Recommendation, Rule, SegmentProgress

if TYPE_CHECKING:
    from pac_core.engine import EngineSettings

LIVE = (AxisState.ACTIVE, AxisState.PRIORITISED)


def pct(value: float, lang: str) -> str:
    text = f"{value * 100:.0f} %"
    return text.replace(" ", "\u00a0") if lang == "fr" else text.replace(" ", "")


def months(value: float, lang: str) -> str:
    return f"{value:.1f}".replace(".", ",") if lang == "fr" else f"{value:.1f}"


def advise(plan: Plan, axes: Sequence[AxisProgress], segments: Sequence[SegmentProgress], *,
           settings: EngineSettings, as_of: datetime, load: Mapping[str, Mapping[str, Decimal]],
           quarter_label: str) -> list[Recommendation]:
    """Every recommendation of the four rules, in plan order: roll out, drop, prioritise, suspend."""
    progress = {a.axis_id: a for a in axes}
    trends = {s.segment_id: s for s in segments}
    out: list[Recommendation] = []
    out += _roll_out(plan, progress, trends, settings)
    out += _drop(plan, progress, settings, as_of)
    out += _prioritise(plan, trends, settings)
    out += _suspend(plan, load, settings, quarter_label)
    return out


def _name(plan: Plan, axis: Axis) -> str:
    return f"« {axis.name} »" if plan.language == "fr" else f'"{axis.name}"'


def _roll_out(plan: Plan, progress: Mapping[str, AxisProgress], trends: Mapping[str, SegmentProgress],
              s: EngineSettings) -> list[Recommendation]:
    out = []
    lang = plan.language
    horizontal = [seg for seg in plan.segments if seg.kind is SegmentKind.HORIZONTAL]
    for axis in plan.axes:
        p = progress[axis.id]
        segment = plan.segment(axis.segment_id)
        if axis.status.state not in LIVE or segment.kind is not SegmentKind.HORIZONTAL:
            continue
        if p.roi is None or p.time_to_roi_months is None:
            continue
        if p.roi < s.rollout_min_roi or p.time_to_roi_months > s.rollout_max_months_to_roi:
            continue
        lagging = [seg for seg in horizontal if seg.id != segment.id and trends[seg.id].trend is not None
                   and trends[seg.id].trend < s.rollout_lagging_growth]  # type: ignore[operator]
        if not lagging:
            continue
        names = ", ".join(f"« {g.name} »" if lang == "fr" else f'"{g.name}"' for g in lagging)
        if lang == "fr":
            summary = (f"Déployer l'axe {_name(plan, axis)} (ROI {pct(p.roi, lang)}, rentabilisé en "
                       f"{months(p.time_to_roi_months, lang)} mois sur « {segment.name} ») vers {names}, "
                       f"où la croissance est inférieure à {pct(s.rollout_lagging_growth, lang)}.")
        else:
            summary = (f"Roll out axis {_name(plan, axis)} (ROI {pct(p.roi, lang)}, paid back in "
                       f"{months(p.time_to_roi_months, lang)} months in \"{segment.name}\") to {names}, "
                       f"where growth is below {pct(s.rollout_lagging_growth, lang)}.")
        out.append(Recommendation(Rule.ROLL_OUT, axis.id, segment.id, summary, {
            "roi": p.roi, "time_to_roi_months": p.time_to_roi_months,
            "min_roi": s.rollout_min_roi, "max_months_to_roi": s.rollout_max_months_to_roi,
            "lagging_growth_below": s.rollout_lagging_growth,
            "to_segments": [g.id for g in lagging],
            "growth": {g.id: trends[g.id].trend for g in lagging},
        }))
    return out


def _drop(plan: Plan, progress: Mapping[str, AxisProgress], s: EngineSettings, as_of: datetime) -> list[Recommendation]:
    out = []
    lang = plan.language
    live = [a for a in plan.axes if a.status.state in LIVE]
    for axis in live:
        p = progress[axis.id]
        if axis.objective is None or p.roi is None:
            continue
        elapsed = axis.objective.period.elapsed_share(as_of)
        if elapsed < s.drop_min_elapsed or p.roi >= s.drop_max_roi:
            continue
        others = [(progress[o.id].roi, o) for o in live if o.id != axis.id and progress[o.id].roi is not None]
        best = max(others, key=lambda pair: (pair[0], pair[1].id), default=None)
        better = best if best is not None and best[0] > p.roi else None  # type: ignore[operator]
        if lang == "fr":
            summary = (f"Abandonner l'axe {_name(plan, axis)} (ROI {pct(p.roi, lang)} après "
                       f"{pct(elapsed, lang)} de la période, seuil {pct(s.drop_max_roi, lang)})")
            summary += (f" au profit de {_name(plan, better[1])} (ROI {pct(better[0], lang)})." if better else ".")
        else:
            summary = (f"Drop axis {_name(plan, axis)} (ROI {pct(p.roi, lang)} after {pct(elapsed, lang)} "
                       f"of the period, threshold {pct(s.drop_max_roi, lang)})")
            summary += (f" in favour of {_name(plan, better[1])} (ROI {pct(better[0], lang)})." if better else ".")
        evidence: dict[str, Any] = {"roi": p.roi, "elapsed_share": elapsed, "max_roi": s.drop_max_roi,
                                    "min_elapsed": s.drop_min_elapsed, "additional": str(p.additional),
                                    "cost": str(p.cost) if p.cost is not None else None,
                                    "in_favour_of": better[1].id if better else None,
                                    "in_favour_of_roi": better[0] if better else None}
        out.append(Recommendation(Rule.DROP, axis.id, axis.segment_id, summary, evidence))
    return out


def _prioritise(plan: Plan, trends: Mapping[str, SegmentProgress], s: EngineSettings) -> list[Recommendation]:
    out = []
    lang = plan.language
    for segment in plan.segments:
        sp = trends[segment.id]
        if sp.trend is None or sp.trend > -s.prioritise_min_decline:
            continue
        for axis in plan.axes:
            if axis.segment_id != segment.id or axis.status.state is not AxisState.ACTIVE:
                continue
            if lang == "fr":
                summary = (f"Prioriser l'axe {_name(plan, axis)} : le chiffre d'affaires de « {segment.name} » "
                           f"recule de {pct(-sp.trend, lang)} (seuil {pct(s.prioritise_min_decline, lang)}).")
            else:
                summary = (f"Prioritise axis {_name(plan, axis)}: revenue of \"{segment.name}\" is down "
                           f"{pct(-sp.trend, lang)} (threshold {pct(s.prioritise_min_decline, lang)}).")
            out.append(Recommendation(Rule.PRIORITISE, axis.id, segment.id, summary, {
                "revenue": str(sp.revenue), "baseline": str(sp.baseline), "trend": sp.trend,
                "min_decline": s.prioritise_min_decline}))
    return out


def _suspend(plan: Plan, load: Mapping[str, Mapping[str, Decimal]], s: EngineSettings,
             quarter_label: str) -> list[Recommendation]:
    out = []
    lang = plan.language
    for axis in plan.axes:
        if axis.status.state not in LIVE:
            continue
        overloaded = []
        for product in axis.products:
            capacity = s.capacity.get(product)
            if not capacity or capacity <= 0:
                continue
            row = load.get(product, {})
            won, committed = row.get("won", Decimal(0)), row.get("committed", Decimal(0))
            ratio = float((won + committed) / Decimal(capacity))
            if ratio >= s.suspend_load:
                overloaded.append({"product": product, "won": str(won), "committed": str(committed),
                                   "capacity": str(capacity), "load": ratio})
        if not overloaded:
            continue
        top = max(overloaded, key=lambda row: row["load"])
        if lang == "fr":
            summary = (f"Suspendre l'axe {_name(plan, axis)} : la production de {top['product']} est chargée à "
                       f"{pct(top['load'], lang)} de sa capacité en {quarter_label} "
                       f"(seuil {pct(s.suspend_load, lang)}).")
        else:
            summary = (f"Suspend axis {_name(plan, axis)}: production of {top['product']} is loaded at "
                       f"{pct(top['load'], lang)} of capacity in {quarter_label} "
                       f"(threshold {pct(s.suspend_load, lang)}).")
        out.append(Recommendation(Rule.SUSPEND, axis.id, axis.segment_id, summary, {
            "quarter": quarter_label, "products": overloaded, "min_load": s.suspend_load,
            "committed_weight": str(s.committed_weight)}))
    return out
