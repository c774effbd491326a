"""Baselines, additional revenue, objectives, ROI and KPIs for the wire oracle (audit wirekpis, 7 Dec 2026).

``wire_orgs`` makes the organisations (deals in 2026 and 2027, so every axis has a baseline a year earlier); this
module gives their plan objectives with a measured baseline and a cost, and an oracle written from docs/engine.md
*Revenue, baseline and attribution*, *Objectives written as a percentage*, *KPIs and ROI*, *KPI vocabulary* and
pac-method.md only (nothing of pac_core's engine, revenue, totals or KPI code is read or imported):

* AX-1: ``additional_revenue: "30 %"`` (base: its scope's whole 2026 revenue, 2026 being over on 30 June 2027;
  objective = 0.30 x base rounded half up to the cent), ``budget: 10000``;
* AX-2: ``additional_revenue: 100000``, ``effort_days: 12.5``, ``day_cost: 450`` (cost 5,625);
* both ``margin_rate: 0.3``, no ``baseline:`` (measured: the same days a year earlier, 1 Jan - 30 Jun 2026);
* cost to date = cost x 181 / 365 (1 Jan - 30 Jun 2027, "pro-rated day for day ... the evaluation date included");
  ROI = (additional x margin - cost to date) / cost to date;
* KPIs over the axis's scope (segment AND axis, dormancy at 1 Jan 2027) from 1 Jan to 30 Jun 2027.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.integration.wire_orgs import (
    AS_OF,
    YEAR,
    Account,
    Org,
    _holds,
    eur,
    local_date,
    local_midnight,
    plan_text,
)

FIRST, LAST = date(YEAR, 1, 1), local_date(AS_OF)
MARGIN = Decimal("0.3")
GROWTH = Decimal("0.30")
COSTS = {"AX-1": Decimal("10000"), "AX-2": Decimal("12.5") * Decimal("450")}
OBJECTIVES = {"AX-1": 'additional_revenue: "30 %", margin_rate: 0.3, budget: 10000',
              "AX-2": "additional_revenue: 100000, margin_rate: 0.3, effort_days: 12.5, day_cost: 450"}
CENT = Decimal("0.01")


def kpi_plan_text(org: Org) -> str:
    """``wire_orgs.plan_text`` with each axis's objective replaced by ``OBJECTIVES``'s (measured baselines)."""
    old = "    objective: {additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000}"
    text = plan_text(org)
    assert text.count(old) == len(org.axes) == 2
    for axis in org.axes:
        text = text.replace(old, f"    objective: {{{OBJECTIVES[axis.id]}}}", 1)
    return text


def _in_scope(org: Org, acc: Account, axis_scope: dict[str, Any]) -> bool:
    return (not acc.deleted and _holds(org, acc, org.segment, FIRST) and _holds(org, acc, axis_scope, FIRST))


def _won(org: Org) -> list[Any]:
    return [d for d in org.deals if d.stage == "won" and not d.deleted and not org.accounts[d.account].deleted]


def _revenue(org: Org, scope: dict[str, Any], first: date, last: date) -> Decimal:
    return sum((eur(d) for d in _won(org) if first <= local_date(d.close) <= last
                and _in_scope(org, org.accounts[d.account], scope)), Decimal("0"))


def _hits(org: Org, axis_id: str) -> list[tuple[str, list[tuple[datetime, str, str]]]]:
    """Each action of the axis: its counting and the (moment, account, activity) it matched (wire_orgs.oracle_counts'
    rules, repeated here so as to keep the activities, not just their number)."""
    axes = {a.id: a for a in org.axes}
    out = []
    for action in org.actions:
        if action.axis != axis_id:
            continue
        start, end = action.window[0], min(action.window[1], AS_OF)
        reference = local_date(action.window[0])
        hits: list[tuple[datetime, str, str]] = []
        for act in org.activities:
            if (act.kind != action.kind or act.owner != action.who or act.deleted or act.status != "completed"
                    or act.account is None or org.accounts[act.account].deleted):
                continue
            acc = org.accounts[act.account]
            if act.at is not None:
                moment, happened = act.at, act.at < AS_OF
            else:
                assert act.day is not None
                moment = local_midnight(act.day)
                happened = local_midnight(act.day + timedelta(days=1)) <= AS_OF
            if not (start <= moment < end) or not happened:
                continue
            if all(_holds(org, acc, s, reference) for s in (org.segment, axes[action.axis].scope, action.scope)):
                hits.append((moment, acc.key, act.key))
        out.append((action.counting, hits))
    return out


def _ratio(num: int | Decimal, den: int | Decimal) -> tuple[Decimal | None, Decimal, Decimal]:
    n, d = Decimal(num), Decimal(den)
    return (n / d if d else None), n, d


def oracle_axes(org: Org) -> dict[str, dict[str, Any]]:
    """Per axis: revenue, baseline, additional, objective, cost, cost_to_date, roi and the KPIs (a value, or a
    (value, numerator, denominator) triple for ratios and averages)."""
    out: dict[str, dict[str, Any]] = {}
    days = (LAST - FIRST).days + 1
    year_days = (date(YEAR + 1, 1, 1) - FIRST).days
    for axis in org.axes:
        scope = axis.scope
        revenue = _revenue(org, scope, FIRST, LAST)
        baseline = _revenue(org, scope, date(YEAR - 1, 1, 1), date(YEAR - 1, LAST.month, LAST.day))
        additional = revenue - baseline
        if axis.id == "AX-1":
            objective = (GROWTH * _revenue(org, scope, date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31))).quantize(
                CENT, ROUND_HALF_UP)
        else:
            objective = Decimal("100000")
        cost = COSTS[axis.id]
        to_date = cost * days / year_days
        roi = (additional * MARGIN - to_date) / to_date
        live = [a for a in org.accounts.values() if _in_scope(org, a, scope)]
        live_keys = {a.key for a in live}
        span = [d for d in org.deals if not d.deleted and d.stage in ("won", "lost") and d.account in live_keys
                and FIRST <= local_date(d.close) <= LAST]
        won = [d for d in span if d.stage == "won"]
        hits = _hits(org, axis.id)
        # "the activities its actions counted, any type, each once ... a repeat visit to an account that an action
        # counting distinct accounts has already counted is ... no activity of the axis either" (docs/engine.md,
        # *KPIs and ROI*): one activity two actions count is one of the axis's
        counted: set[str] = set()
        for counting, h in hits:
            first: dict[str, tuple[datetime, str]] = {}
            for moment, k, key in sorted(h):
                first.setdefault(k, (moment, key))
            counted |= {key for _, key in first.values()} if counting == "distinct_accounts" else {x[2] for x in h}
        done = len(counted)
        touched = {k for _, h in hits for _, k, _ in h}
        visit_days: dict[str, list[date]] = {}
        for _, h in hits:
            for moment, k, _ in h:
                visit_days.setdefault(k, []).append(local_date(moment))
        converted = {k for k in touched for d in _won(org) if d.account == k and FIRST <= local_date(d.close) <= LAST
                     and any(0 <= (local_date(d.close) - v).days <= 90 for v in visit_days[k])}
        dormant = [a for a in live if a.dormant]
        reactivated = [a for a in dormant if any(d.account == a.key for d in won)]
        all_won_days: dict[str, list[date]] = {}
        for d in _won(org):
            all_won_days.setdefault(d.account, []).append(local_date(d.close))
        new = [a for a in live if not a.dormant and a.key in all_won_days
               and FIRST <= min(all_won_days[a.key]) <= LAST]
        won_sum = sum((eur(d) for d in won), Decimal("0"))
        out[axis.id] = {
            "revenue": revenue, "baseline": baseline, "additional": additional, "objective": objective,
            "cost": cost, "cost_to_date": to_date, "roi": roi,
            "reactivation_rate": _ratio(len(reactivated), len(dormant)),
            "win_rate": _ratio(len(won), len(span)),
            "visit_to_win": _ratio(len(converted), len(touched)),
            "average_won_deal": _ratio(won_sum, len(won)),
            "coverage": _ratio(len(touched), len(live)),
            "new_accounts": Decimal(len(new)),
            "revenue_per_visit": _ratio(revenue, done),
            "accounts_visited": Decimal(len(touched)),
            "activities_done": Decimal(done),
            "won_deals": Decimal(len(won)),
        }
    return out
