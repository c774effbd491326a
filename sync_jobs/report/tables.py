"""The report's views as rows of typed values (numbers stay numbers), shared by the xlsx and CSV exports.

Each function returns (header keys, rows); a header key is a label key of ``i18n`` or a tuple
``(label key, kind)`` where kind tells the exporter how to format: money, percent, months, date, int, text, quantity
(a number as written: a product's capacity).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pac_core.kpi_vocabulary import VOCABULARY
from pac_core.money import pace_decimals
from pac_core.results import AxisProgress, KpiValue, Pace, SegmentProgress
from pac_core.revenue import last_day
from pac_core.rounding import half_up
from sync_jobs.logs import redact
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import counted, enum_label, labels
from sync_jobs.report.restated import run_words
from sync_jobs.report.sections_data import COUNT_KEYS
from sync_jobs.report.view import (
    action_rows,
    action_what,
    axis_rows,
    axis_status,
    costs_nothing,
    plan_roi_line,
    plan_totals,
    reco_text,
    reco_words,
    refused_groups,
    rejected_groups,
    roi_basis,
    segment_objective,
    segment_progress,
    status_day,
    taken_over,
    uncosted,
    uncosted_plan_line,
    warning_groups,
)
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.retired_kept import removed_block, split
from sync_jobs.warnings_kept import kept_problems

Column = tuple[str, str]   # (header text, kind)


class Footer(list[Any]):
    """A row under a table's rows (a total, a note): the workbook leaves it out of the sheet's autofilter, so a
    sort or a filter in Excel keeps it under the rows it sums up."""


def _pace(pace: Any, lang: str, kind: str = "pace") -> str:
    """An action's pace in words; ``kind`` "axis_pace" for an axis's (« Objectif atteint », not « Terminée »)."""
    return enum_label(kind, str(pace), lang) if pace is not None else ""


def _no_cost(value: Any, cost: Any, fmt: Formatter) -> Any:
    """An axis's ROI or payback as the page reads it: « sans coût » / "no cost" (``Formatter.no_cost``) when its cost
    is 0 (no finite ROI, nothing to pay back), else the number (empty when unknown)."""
    return fmt.no_cost if cost is not None and cost == 0 else value


def pace_places(columns: list[Column], row: list[Any], lang: str, decimals: int = 0) -> dict[int, int]:
    """The decimals (by column, from 0) a row at risk needs to read behind: an axis's progress and its share
    expected by now (``money.pace_decimals``: 45.75 % against 45.96 % read « 46 % | 46 % | À risque » in the
    workbook, audit sfhand7; « 45,8 % | 46,0 % » now), an action's count expected by now beside its count done (5
    done, 5.04 expected: « 5,04 », not « 5,0 », as the monthly review writes it); ``decimals`` is the usual places
    of those cells. Empty for a row not at risk or a table without these columns."""
    w = labels(lang)
    at = {header: c for c, (header, _) in enumerate(columns)}
    if isinstance(row, Footer) or not {w["expected"], w["pace"]} <= at.keys():
        return {}
    expected = at[w["expected"]]
    if columns[expected][1] == "percent" and w["progress"] in at:        # an axis: two percentages
        if row[at[w["pace"]]] != enum_label("axis_pace", Pace.AT_RISK.value, lang):
            return {}
        places = pace_decimals(row[at[w["progress"]]], row[expected], decimals)
        return {at[w["progress"]]: places, expected: places} if places > decimals else {}
    if columns[expected][1] == "number" and w["done"] in at:              # an action: a count expected beside one done
        if row[at[w["pace"]]] != enum_label("pace", Pace.AT_RISK.value, lang):
            return {}
        places = pace_decimals(row[at[w["done"]]], row[expected], decimals, percent=False)
        return {expected: places} if places > decimals else {}
    return {}


def overview(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    w = labels(fmt.lang)
    cols = [(w["segment"], "text"), (w["axis"], "text"), (w["status"], "text"), (w["additional"], "money"),
            (w["objective"], "money"), (w["progress"], "percent"), (w["expected"], "percent"), (w["pace"], "text"),
            (w["roi"], "percent")]
    rows = []
    day = status_day(inputs)
    for r in axis_rows(inputs):
        p, obj = r.progress, r.axis.objective
        # the additional revenue as the page's overview and the Axes sheet show it: the shown revenue less the shown
        # baseline (the exact 5,068.89 displayed 5 069 here beside 5 068 there)
        rows.append([r.segment.name, r.axis.name, axis_status(r.axis, fmt, day), _reconciled(p)[2] if p else None,
                     _unit(obj.additional_revenue) if obj else None, p.progress if p else None,
                     p.expected_by_now if p else None, _pace(r.pace, fmt.lang, "axis_pace"),
                     _no_cost(p.roi, p.cost, fmt) if p else None])
    t = plan_totals(inputs, cents=False)     # to the unit, as the rows above it (their SUM is the total)
    label = w["total_live"] if t["counted_once"] else w["total"]
    rows.append(Footer([label, "", "", t["additional"], t["objective"], t["progress"], None, "",
                        fmt.no_cost if costs_nothing(inputs) else t["roi"]]))
    note = plan_roi_line(inputs, fmt)
    if note:   # the plan's ROI below each axis's: why, under the total (audit meeting F6)
        rows.append(Footer([note, "", "", None, None, None, None, "", None]))
    note = uncosted_plan_line(inputs, fmt)
    if note:   # the plan's ROI unknown for want of a cost: which axes, what to write (audit m3cost)
        rows.append(Footer([note, "", "", None, None, None, None, "", None]))
    return cols, rows


def segments(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    w = labels(fmt.lang)
    cols = [(w["segment"], "text"), (w["kind"], "text"), (w["revenue"], "money"), (w["baseline"], "money"),
            (w["additional"], "money"), (w["objective"], "money"), (w["trend"], "change"), (w["roi"], "percent"),
            (w["strengths"], "text"), (w["weaknesses"], "text"), (w["opportunities"], "text"), (w["threats"], "text")]
    rows = []
    for s in inputs.plan.segments:
        p = segment_progress(inputs.evaluation, s.id)
        rows.append([s.name, enum_label("segment_kind", s.kind.value, fmt.lang),
                     *(_reconciled(p) if p else [None] * 3),
                     segment_objective(inputs, p), p.trend if p and p.revenue >= 0 else None,
                     fmt.no_cost if costs_nothing(inputs, s.id) else (p.roi if p else None),
                     *("\n".join(getattr(s.swot, k)) for k in ("strengths", "weaknesses", "opportunities", "threats"))])
    bases = [roi_basis(inputs, segment_progress(inputs.evaluation, s.id)) for s in inputs.plan.segments]
    if any(basis is not None for basis in bases):
        # a segment whose ROI is not computed on its row's additional revenue: on what it is (audit meeting F1), only
        # then
        cols.append((w["roi_basis"], "money"))
        for row, basis in zip(rows, bases, strict=True):
            row.append(basis)
    missing = [", ".join(r.axis.name for r in uncosted(inputs, s.id)) or None for s in inputs.plan.segments]
    if any(missing):
        # a segment whose ROI is unknown for want of a cost: which of its axes (audit m3cost), only then
        cols.append((w["uncosted_column"], "text"))
        for row, names in zip(rows, missing, strict=True):
            row.append(names)
    return cols, rows


def axes(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    w = labels(fmt.lang)
    cols = [(w["axis"], "text"), (w["segment"], "text"), (w["status"], "text"), (w["reason"], "text"),
            (w["revenue"], "money"), (w["baseline"], "money"), (w["additional"], "money"), (w["objective"], "money"),
            (w["progress"], "percent"), (w["expected"], "percent"), (w["pace"], "text"), (w["cost"], "money"),
            (w["roi"], "percent"), (w["expected_roi"], "percent"), (w["time_to_roi"], "months"),
            (w["activities"], "int"), (w["coverage"], "percent"), (w["conversion"], "percent"),
            (w["revenue_per_visit"], "money")]
    rows, listed, day = [], axis_rows(inputs), status_day(inputs)
    for r in listed:
        p, obj = r.progress, r.axis.objective
        fig = _reconciled(p) if p else [None] * 3
        rest = ([p.progress, p.expected_by_now, _pace(p.pace, fmt.lang, "axis_pace"), p.cost,
                 _no_cost(p.roi, p.cost, fmt),
                 obj.expected_roi if obj else None, _no_cost(p.time_to_roi_months, p.cost, fmt), p.activities_done,
                 p.coverage,
                 p.conversion, p.revenue_per_visit] if p else [None] * 11)
        rows.append([r.axis.name, r.segment.name, axis_status(r.axis, fmt, day), r.axis.status.reason, *fig,
                     _unit(obj.additional_revenue) if obj else None, *rest])
    if any(r.axis.objective is not None and r.axis.objective.growth_rate is not None for r in listed):
        # objectives written as a percentage: where each amount comes from (only then, so other plans' files keep
        # their columns)
        cols.append((w["objective_origin"], "text"))
        for row, r in zip(rows, listed, strict=True):
            row.append(fmt.objective_origin(r.axis.objective))
    if any(r.axis.objective is not None and r.axis.objective.baseline is not None for r in listed):
        # a fixed baseline: how its figure to date is pro-rated (audit meeting F1), only then
        cols.append((w["baseline_origin"], "text"))
        for row, r in zip(rows, listed, strict=True):
            row.append(fmt.baseline_origin(r.axis.objective, inputs.evaluation.as_of))
    return cols, rows


def _unit(amount: Decimal) -> Decimal:
    """An amount as the sheet shows it, to the unit, so a column's rows add up to its total row by formula as on the
    screen (an objective of 33 000,50 €, 30 % of 110 001,67 €, was written 33000.5: two rows shown 33 001 € summed
    to 66 001 beside a total of 66 002; audit roundings)."""
    return half_up(amount, 0)


def _reconciled(progress: AxisProgress | SegmentProgress) -> list[Any]:
    """Revenue, baseline and additional revenue as the sheet shows them, to the unit (its money format): the
    additional revenue is the shown revenue less the shown baseline, so a row reconciles by hand and by formula
    (``pac_core.money.shown_additional``; audit revenue F6: 10 000 | 4 932 | 5 069 before)."""
    revenue, baseline = half_up(progress.revenue, 0), half_up(progress.baseline, 0)
    return [revenue, baseline, revenue - baseline]


KPI_KIND = {"ratio": "percent", "money": "money", "count": "int"}


def kpis(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    """Every KPI of the vocabulary (pac_core.kpi_vocabulary, in its order) for each axis, then each segment: one
    row per scope, one column per KPI, so a manager can sort and compare them (a KPI that cannot be known, a
    ratio over nothing, is an empty cell). The report's page shows the same values with their parts."""
    w = labels(fmt.lang)
    cols = [(w["kpi_level"], "text"), (w["kpi_scope"], "text"), (w["segment"], "text"),
            *((kpi.title(fmt.lang), KPI_KIND[kpi.unit]) for kpi in VOCABULARY)]

    def values(found: tuple[KpiValue, ...]) -> list[Any]:
        by_id = {v.kpi: v.value for v in found}
        return [by_id.get(kpi.id) for kpi in VOCABULARY]

    rows: list[list[Any]] = []
    for r in axis_rows(inputs):
        if r.progress is not None and r.progress.kpis:
            rows.append([w["axis"], r.axis.name, r.segment.name, *values(r.progress.kpis)])
    for s in inputs.plan.segments:
        p = segment_progress(inputs.evaluation, s.id)
        if p is not None and p.kpis:
            rows.append([w["segment"], s.name, s.name, *values(p.kpis)])
    return cols, rows


def actions(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    """Who does what and when: one row per action, with its progress (the CSV export is this table)."""
    w = labels(fmt.lang)
    cols = [(w["rep"], "text"), (w["id"], "text"), (w["action"], "text"), (w["axis"], "text"), (w["what"], "text"),
            (w["win_start"], "date"), (w["win_end"], "date"), (w["when"], "text"), (w["done"], "int"),
            (w["target"], "int"), (w["progress"], "percent"), (w["expected"], "number"), (w["forecast"], "number"),
            (w["pace"], "text"), (w["pace_code"], "text"), (w["note"], "text")]
    rows = []
    for r in action_rows(inputs):
        p, a = r.progress, r.action
        first, last = _days(a.window.start, a.window.end, fmt)
        rows.append([r.who_name, a.id, a.text, r.axis.name, action_what(a, fmt), first, last, a.window.label,
                     p.done if p else None, a.target, p.progress if p else None,
                     p.expected_by_now if p else None,
                     p.forecast if p else None,    # a number column: empty when too early (the pace says why)
                     _pace(r.pace, fmt.lang),
                     str(r.pace) if r.pace is not None else "",
                     # the page's words: a target of more accounts than the scope holds (F7), a hand-over
                     " · ".join(n for n in (
                         counted("out_of_reach", p.scope_accounts, fmt.lang, fmt.number(p.scope_accounts))
                         if p and p.out_of_reach and p.scope_accounts is not None else "",
                         taken_over(inputs, a, fmt)) if n)])
    return cols, rows


def context(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    """The context changes the plan declares (``context:``), one row each, in the words the page lists them above the
    recommendations (``sections_actions.context_lines``): the change, its impact, the segment's and the axis's names,
    the rep, the key account or the CRM field marking lost ones, a product's capacity per quarter (a number), its
    first and last days (dates), the note. Audit reporttidy (7 Dec 2026): the workbook had none of them."""
    w, said = labels(fmt.lang), labels(fmt.lang, "context")
    cols = [(w["context_kind"], "text"), (w["context_impact"], "text"), (w["segment"], "text"), (w["axis"], "text"),
            (w["rep"], "text"), (w["context_account"], "text"), (w["context_crm_field"], "text"),
            (w["context_product"], "text"), (w["context_capacity"], "quantity"), (w["context_from"], "date"),
            (w["context_until"], "date"), (w["note"], "text")]
    segments = {s.id: s.name for s in inputs.plan.segments}
    axes_by = {a.id: a.name for a in inputs.plan.axes}
    rows = [[said[c.kind.value], said[c.impact.value] if c.impact is not None else None,
             segments.get(c.segment_id, c.segment_id) if c.segment_id else None,
             axes_by.get(c.axis_id, c.axis_id) if c.axis_id else None,
             c.who, c.account, c.crm_field, c.product, c.capacity, c.on, c.until, c.note or None]
            for c in inputs.plan.context]
    return cols, rows


def recommendations(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    w = labels(fmt.lang)
    cols = [(w["rule"], "text"), (w["axis"], "text"), (w["segment"], "text"),
            (w["sec_recos"], "text"), (w["evidence"], "text")]
    plan = inputs.plan
    axes_by = {a.id: a.name for a in plan.axes}
    segs = {s.id: s.name for s in plan.segments}
    rule_kind, heading = reco_words(inputs)   # a plan whose period is over: worded for the next plan
    cols[3] = (w[heading], "text")
    rows = []
    sep = " : " if fmt.lang == "fr" else ": "
    for reco in inputs.evaluation.recommendations:
        # each rule it overruled on a row of its own under it, with its sentence and evidence, as the page, `pac
        # advice` and the CRM's advice field give them (audit sfhand7: the sheet left them out)
        for one, rule in ((reco, enum_label(rule_kind, reco.rule.value, fmt.lang)),
                          *((o, w["overruled_rule"].format(rule=enum_label(rule_kind, o.rule.value, fmt.lang)))
                            for o in reco.overruled)):
            evidence = "\n".join(f"{label}{' (' + w['threshold'] + ')' if limit else ''}{sep}{value}"
                                 for label, value, limit in evidence_rows(one.evidence, plan, fmt))
            rows.append([rule, axes_by.get(reco.axis_id, reco.axis_id), segs.get(reco.segment_id, reco.segment_id),
                         reco_text(inputs, one.text(fmt.lang), fmt.lang), evidence])
    return cols, rows


def data(inputs: ReportInputs, fmt: Formatter) -> tuple[list[Column], list[list[Any]]]:
    """The last sync and the rejections as (section, item, value) rows."""
    w = labels(fmt.lang)
    cols = [(w["sec_data"], "text"), (w["object"], "text"), (w["count"], "any")]
    rows: list[list[Any]] = []
    run, heading = inputs.last_run, run_words(inputs, fmt)[0]
    if run is None:
        rows.append([heading, w["status"], w["no_sync"]])
    else:
        rows += [[heading, w["status"], enum_label("sync_status", run.status, fmt.lang)],
                 [heading, w["started"], fmt.local(run.started_at).replace(tzinfo=None)],
                 [heading, w["finished"],
                  fmt.local(run.finished_at).replace(tzinfo=None) if run.finished_at else None]]
        for obj, counts in run.counts.items():
            for key in COUNT_KEYS:
                if key in counts:
                    rows.append([enum_label("object", obj, fmt.lang), w[key], counts[key]])
        for name, n in run.api_calls.items():
            rows.append([w["api_calls"], name, n])
        for name, left in run.quota_left.items():
            rows.append([w["quota_left"], name, left])
        head, removed = removed_block(run.errors, fmt.lang, run.removed)   # what the run took out of the plan
        rows += [[head, "", line] for line in removed]
        rows += [[w["errors"], "", redact(err)]            # as a log line, every plan warning in the report's language
                 for err in kept_problems(split(run.removed, run.errors)[1], run.plan_warnings, fmt.lang)]
    for source, obj, reason, n in rejected_groups(inputs, fmt.lang):
        rows.append([w["rejected_records"], f"{source} · {enum_label('object', obj, fmt.lang)} · {reason}", n])
    for rule, n in refused_groups(inputs.evaluation):
        rows.append([w["engine_refused"], enum_label("decision", rule, fmt.lang), n])
    for rule, n in warning_groups(inputs.evaluation):
        rows.append([w["engine_warnings"], enum_label("decision", rule, fmt.lang), n])
    return cols, rows


def _days(start: Any, end: Any, fmt: Formatter) -> tuple[date, date]:
    """The first and last calendar day of a half-open window, in the plan's timezone (an empty window: its day)."""
    first = fmt.local(start).date()
    return first, max(first, last_day(fmt.local(end), ZoneInfo(fmt.timezone)))


def iter_views(inputs: ReportInputs, fmt: Formatter) -> Iterator[tuple[str, tuple[list[Column], list[list[Any]]]]]:
    """(sheet name, table) for each view of the workbook, in reading order."""
    fr = fmt.lang == "fr"
    yield ("Synthèse" if fr else "Overview"), overview(inputs, fmt)
    yield "Segments", segments(inputs, fmt)
    yield "Axes", axes(inputs, fmt)
    yield ("Indicateurs" if fr else "KPIs"), kpis(inputs, fmt)
    yield "Actions", actions(inputs, fmt)
    if inputs.plan.context:     # the page lists them above the recommendations; a plan without keeps its sheets
        yield labels(fmt.lang)["context_sheet"], context(inputs, fmt)
    yield ("Recommandations" if fr else "Recommendations"), recommendations(inputs, fmt)
    yield ("Données" if fr else "Data"), data(inputs, fmt)
