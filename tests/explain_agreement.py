"""Does ``pac explain`` agree with the figures? For every action and axis of a plan evaluated as the store holds it:
the counted rows of its explanation reproduce the figure ``pac status`` and the report show (an action's count, its
distinct accounts; an axis's revenue to the cent, its counted deals; its baseline's deals adding up to its baseline,
a percentage objective's base's to its base), and no row is out of place (a won deal with no
account is on no axis). Used by the hand organisations' tests, the demo's and the property over generated
organisations (audit explainleft)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from pac_core.explain import AxisExplanation, explain_action, explain_axis
from pac_core.plan import Axis, Counting, Plan
from pac_core.records import Deal
from pac_core.results import AxisProgress, Evaluation
from sync_jobs.app import current

LIMIT = 10**6      # every row listed: the rows' amounts add up to the header's revenue only then
_AMOUNT = re.compile(r"(-?)[^\d-]*([\d,]+(?:\.\d+)?)")
_SECOND_DATE = re.compile(r"; (?:due|completed) \d{4}-")
_COUNTED = re.compile(r"— (\d+) (?:counted|deals? counted)")


def amount_of(cell: str) -> Decimal:
    """An English amount cell as explain writes it, "€4,000.00", "-€1,235.00", "€900.00 / 2 = €450.00" (the share
    counted) -> its value counted."""
    counted = cell.rpartition("= ")[2].strip().replace("\u2212", "-")    # the minus sign of every figure people read
    found = _AMOUNT.search(counted)
    assert found is not None, cell
    value = Decimal(found[2].replace(",", ""))
    return -value if counted.startswith("-") else value


def disagreements(plan: Plan, figures: Evaluation, explained: Evaluation, deals: Mapping[tuple[str, str], Deal],
                  ) -> list[str]:
    """What an explanation (of ``explained``: the decisions kept) says that the figures (``figures``: the nightly
    evaluation, as ``pac status`` and the report read it) do not, per action and axis, in English; [] when they
    agree."""
    out: list[str] = []
    ticks: dict[str, set[tuple[str, str]]] = {}
    for action in plan.actions:
        got = figures.action(action.id)
        ex = explain_action(plan, explained, action.id, limit=LIMIT, lang="en")
        ticked = [r for r in ex.rows if r["counted"]]
        ticks.setdefault(action.axis_id, set()).update((r["source"], r["record"]) for r in ticked)
        for row in ex.rows:     # a second date only where the window is the rule failed (a task's due, completed)
            if row["rule"] != "outside_window" and _SECOND_DATE.search(row["detail"]):
                out.append(f"{action.id}: {row['record']} ({row['rule']}) names a second date: {row['detail']}")
        head = _COUNTED.search(ex.header)
        said = int(head[1]) if head else None
        accounts = {(r["source"], r["account"]) for r in ticked}
        if not ex.header.startswith(f"{got.done} / {got.target}"):
            out.append(f"{action.id}: header {ex.header!r}, status {got.done} / {got.target}")
        if said != len(ticked) or len(ticked) != got.done:
            out.append(f"{action.id}: {len(ticked)} rows counted, header {said}, figure {got.done}")
        if action.counting is Counting.DISTINCT_ACCOUNTS and len(accounts) != len(ticked):
            out.append(f"{action.id}: {len(ticked)} rows counted on {len(accounts)} distinct accounts")
    for axis in plan.axes:
        got_axis = figures.axis(axis.id)
        # the axis's activities: the ✔ lines of its actions, each once (docs/engine.md, *KPI vocabulary*)
        if got_axis.activities_done != len(ticks.get(axis.id, ())):
            out.append(f"{axis.id}: activities done {got_axis.activities_done}, ✔ lines of its actions "
                       f"{len(ticks.get(axis.id, ()))}")
        ax = explain_axis(plan, explained, axis.id, deals=deals, lang="en", limit=LIMIT)
        ticked = [r for r in ax.rows if r["counted"]]
        total = sum((amount_of(r["amount"]) for r in ticked), Decimal(0))
        head = re.search(r"^Revenue (\S+) \(baseline (\S+), additional (\S+),", ax.header)
        said = _COUNTED.search(ax.header)
        if head is None or amount_of(head[1]) != round(got_axis.revenue, 2) \
                or amount_of(head[2]) != round(got_axis.baseline, 2):
            out.append(f"{axis.id}: header {ax.header!r}, figures {got_axis.revenue} / {got_axis.baseline}")
        cut = "; only the first" in ax.header or "; none is listed" in ax.header   # the engine's limit
        if not cut and total != round(got_axis.revenue, 2):
            out.append(f"{axis.id}: counted rows add up to {total}, revenue {got_axis.revenue}")
        if said is None or (not cut and int(said[1]) != len(ticked)):
            out.append(f"{axis.id}: {len(ticked)} rows counted, header {ax.header!r}")
        for row in (*ax.rows, *ax.baseline_rows, *ax.base_rows):
            if not row["account"]:
                out.append(f"{axis.id}: {row['record']} listed ({row['rule']}) with no account")
        out.extend(_base_disagreements(axis, got_axis, ax))
    return out


def _base_disagreements(axis: Axis, got: AxisProgress, ax: AxisExplanation) -> list[str]:
    """The baseline's rows (and a percentage objective base's) against the figures: the counted ones add up to the
    baseline the header shows (the base ``objective_line`` names) to the cent, their count is the section's; a fixed
    baseline lists none and says it is written in the plan; a baseline of 0 with nothing to list shows no section."""
    out: list[str] = []
    objective = axis.objective
    if objective is not None and objective.baseline is not None:
        if ax.baseline_rows or ax.base_rows or "written in the plan" not in ax.baseline:
            out.append(f"{axis.id}: fixed baseline explained as {ax.baseline!r} with {len(ax.baseline_rows)} rows")
        return out
    sections = [("baseline", ax.baseline, ax.baseline_rows, got.baseline)]
    if got.growth_base is not None and (ax.base or "also the objective's base" not in ax.baseline):
        sections.append(("base", ax.base, ax.base_rows, got.growth_base))
    for name, line, rows, figure in sections:
        if not line:
            if figure or rows:
                out.append(f"{axis.id}: {name} {figure} with no section ({len(rows)} rows)")
            continue
        ticked = [r for r in rows if r["counted"]]
        total = sum((amount_of(r["amount"]) for r in ticked), Decimal(0))
        head = re.match(r"^(?:Baseline|Objective's base) (\S+): .* — (\d+) deals? counted", line)
        cut = "; only the first" in line or "; none is listed" in line
        if head is None or amount_of(head[1]) != round(figure, 2):
            out.append(f"{axis.id}: {name} section {line!r}, figure {figure}")
        elif not cut and (total != round(figure, 2) or int(head[2]) != len(ticked)):
            out.append(f"{axis.id}: {len(ticked)} {name} rows counted add up to {total}, {name} {figure}")
    return out


def store_disagreements(settings: Any, plan_ref: str | None = None, as_of: datetime | None = None) -> list[str]:
    """``disagreements`` of a plan as the store holds it: the figures as ``pac status`` evaluates them, the
    explanations as ``pac explain`` does (its decisions asked, the runs' rejected records loaded)."""
    plain = current(settings, plan_ref, as_of=as_of)
    ids = [a.id for a in plain.plan.actions] + [a.id for a in plain.plan.axes]
    now = current(settings, plan_ref, as_of=as_of, explain=ids)
    deals = {(d.source, d.id): d for d in now.records.deals}
    deals.update({(r.source, r.id): r.record for r in now.records.rejected if isinstance(r.record, Deal)
                  and (r.source, r.id) not in deals})
    return disagreements(now.plan, plain.evaluation, now.evaluation, deals)
