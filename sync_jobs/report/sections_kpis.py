"""Report section: the KPIs of the vocabulary (pac_core.kpi_vocabulary), per axis and per segment, with formulas.

Per axis, the KPIs its objective names (the core ones when it names none), each value with its parts
(« 67 % — 4 / 6 »); per segment, the core KPIs over the segment's scope; then the formula of every KPI shown,
in the report's language, so the meeting can check a figure by hand.
"""

from __future__ import annotations

from pac_core.kpi_vocabulary import BY_ID, CORE, pick
from pac_core.money import total_digits
from pac_core.results import KpiValue
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels
from sync_jobs.report.templating import render as render_template
from sync_jobs.report.view import axis_rows, is_live, segment_progress
from sync_jobs.report_inputs import ReportInputs


def kpi_value(value: KpiValue, fmt: Formatter) -> str:
    """The value as the meeting reads it: a percentage, an amount or a count; – when it cannot be known."""
    unit = BY_ID[value.kpi].unit
    if value.value is None:
        return "–"
    if unit == "ratio":
        return fmt.percent(value.value)
    if unit == "money":
        return fmt.money(value.value)
    return fmt.number(value.value)


def kpi_parts(value: KpiValue, fmt: Formatter) -> str:
    """« 4 / 6 » for a ratio, « 11 000 € / 4 » for an average, « 5 000 € / 2 ; 1 affaire sans montant exclue » when
    won deals with no amount were left out of it; empty for a count or a sum, and for a ratio over nothing (the
    value « – » alone, not « – (0 / 0) »)."""
    if value.numerator is None or value.denominator is None:
        return ""
    words = labels(fmt.lang)
    unit = BY_ID[value.kpi].unit
    # an average's total to the cent when, to the unit, it would not divide into the average shown (« 2 500 €
    # (5 000,50 € / 2) », not « (5 001 € / 2) »: money.total_digits, audit roundings)
    top = (fmt.money(value.numerator, total_digits(value.numerator, value.denominator, value.value, fmt.currency))
           if unit == "money" else fmt.number(value.numerator))
    parts = f"{top} / {fmt.number(value.denominator)}" if value.value is not None else ""
    if value.excluded:
        left_out = words["no_amount_left_out_one" if value.excluded == 1 else "no_amount_left_out_many"]
        parts += ("" if not parts else " ; " if fmt.lang == "fr" else "; ") + f"{fmt.number(value.excluded)} {left_out}"
    return parts


def _cell(value: KpiValue | None, fmt: Formatter) -> tuple[str, str] | None:
    """(value, parts) of a segment's KPI, None when the segment has no such value."""
    return None if value is None else (kpi_value(value, fmt), kpi_parts(value, fmt))


def kpis(inputs: ReportInputs, fmt: Formatter) -> str:
    """Per axis the KPIs it names, per segment the core KPIs, then the formulas of every KPI shown
    (``templates/report/kpis.html``)."""
    words = labels(fmt.lang)
    shown: list[str] = []
    axes = []
    for r in axis_rows(inputs):
        if r.progress is None or not r.progress.kpis:
            continue
        named = r.axis.objective.kpis if r.axis.objective and r.axis.objective.kpis else CORE
        items = []
        for v in pick(r.progress.kpis, named):
            shown.append(v.kpi)
            items.append((BY_ID[v.kpi].title(fmt.lang), kpi_value(v, fmt), kpi_parts(v, fmt)))
        axes.append((is_live(r), r.axis.name, r.segment.name, items))
    segments = []
    for segment in inputs.plan.segments if axes else ():
        progress = segment_progress(inputs.evaluation, segment.id)
        if progress is None or not progress.kpis:
            continue
        values = {v.kpi: v for v in progress.kpis}
        segments.append((segment.name, [_cell(values.get(k), fmt) for k in CORE]))
    if segments:
        shown += list(CORE)
    return render_template("report/kpis.html", {
        "w": words, "axes": axes, "segments": segments,
        "segment_headers": [(words["segment"], "")] + [(BY_ID[k].title(fmt.lang), "num") for k in CORE],
        "glossary": [(BY_ID[k].title(fmt.lang), BY_ID[k].formula(fmt.lang, inputs.attribution_days))
                     for k in dict.fromkeys(shown)]})
