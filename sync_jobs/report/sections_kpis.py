"""Report section: the KPIs of the vocabulary (pac_core.kpi_vocabulary), per axis and per segment, with formulas.

Per axis, the KPIs its objective names (the core ones when it names none), each value with its parts
(« 67 % — 4 / 6 »); per segment, the core KPIs over the segment's scope; then the formula of every KPI shown,
in the report's language, so the meeting can check a figure by hand.
"""

from __future__ import annotations

from pac_core.kpi_vocabulary import BY_ID, CORE, pick
from pac_core.results import KpiValue
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels
from sync_jobs.report.view import axis_rows, is_live, segment_progress
from sync_jobs.report.widgets import e, empty, section, table
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
    """« 4 / 6 » for a ratio, « 11 000 € / 4 » for an average; empty for a count or a sum."""
    if value.numerator is None or value.denominator is None:
        return ""
    unit = BY_ID[value.kpi].unit
    top = fmt.money(value.numerator) if unit == "money" else fmt.number(value.numerator)
    return f"{top} / {fmt.number(value.denominator)}"


def _cell(value: KpiValue | None, fmt: Formatter) -> str:
    if value is None:
        return '<td class="num">–</td>'
    parts = kpi_parts(value, fmt)
    sub = f'<div class="sub">{e(parts)}</div>' if parts else ""
    return f'<td class="num">{e(kpi_value(value, fmt))}{sub}</td>'


def kpis(inputs: ReportInputs, fmt: Formatter) -> str:
    """Per axis the KPIs it names, per segment the core KPIs, then the formulas of every KPI shown."""
    words = labels(fmt.lang)
    rows = axis_rows(inputs)
    shown: list[str] = []
    trs = []
    for r in rows:
        if r.progress is None or not r.progress.kpis:
            continue
        named = r.axis.objective.kpis if r.axis.objective and r.axis.objective.kpis else CORE
        items = []
        for v in pick(r.progress.kpis, named):
            shown.append(v.kpi)
            parts = kpi_parts(v, fmt)
            items.append(f'<li><span>{e(BY_ID[v.kpi].title(fmt.lang))}</span> <b>{e(kpi_value(v, fmt))}</b>'
                         + (f' <span class="sub">({e(parts)})</span>' if parts else "") + "</li>")
        trs.append(f'<tr class="{"" if is_live(r) else "left-out"}"><td><b>{e(r.axis.name)}</b>'
                   f'<div class="sub">{e(r.segment.name)}</div></td><td><ul class="kpi-list">{"".join(items)}</ul>'
                   "</td></tr>")
    if not trs:
        return section("kpis", words["sec_kpis"], empty(words["no_kpis"]))
    body = table([(words["axis"], ""), (words["kpis_named"], "")], trs, css="kpi-axes")
    seg_rows = []
    for segment in inputs.plan.segments:
        progress = segment_progress(inputs.evaluation, segment.id)
        if progress is None or not progress.kpis:
            continue
        values = {v.kpi: v for v in progress.kpis}
        seg_rows.append(f"<tr><td><b>{e(segment.name)}</b></td>"
                        + "".join(_cell(values.get(k), fmt) for k in CORE) + "</tr>")
    if seg_rows:
        shown += list(CORE)
        headers = [(words["segment"], "")] + [(BY_ID[k].title(fmt.lang), "num") for k in CORE]
        body += f'<h3>{e(words["kpis_by_segment"])}</h3>' + table(headers, seg_rows, css="compact kpi-segments")
    glossary = "".join(f"<dt>{e(BY_ID[k].title(fmt.lang))}</dt><dd>{e(BY_ID[k].formula(fmt.lang))}</dd>"
                       for k in dict.fromkeys(shown))
    body += f'<div class="footnote"><p>{e(words["kpis_formulas"])}</p><dl class="kpi-formulas">{glossary}</dl></div>'
    return section("kpis", words["sec_kpis"], body, lead=words["kpis_lead"])

