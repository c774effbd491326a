"""Report sections about the plan itself: the plan at a glance, each segment, each axis."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from markupsafe import Markup

from pac_core.engine import base_to_date
from pac_core.money import shown_additional
from pac_core.periods import is_fiscal
from pac_core.report_period import fiscal_quarter
from pac_core.revenue import weekly_year
from pac_core.snapshots import declared_quarters, period_window, quarter_labels
from sync_jobs.report import charts
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import ENUMS, enum_label, labels
from sync_jobs.report.templating import markup
from sync_jobs.report.templating import render as render_template
from sync_jobs.report.view import (
    AxisRow,
    axis_rows,
    axis_status,
    costs_nothing,
    current_label,
    is_live,
    plan_roi_line,
    roi_basis,
    segment_objective,
    segment_progress,
    segment_roi_notes,
    snapshots_to_date,
    status_day,
    trend,
    uncosted_plan_line,
    uncosted_segment_note,
)
from sync_jobs.report.widgets import e, empty
from sync_jobs.report_inputs import ReportInputs


def _bars(rows: list[AxisRow]) -> dict[str, Markup]:
    """Each axis's progress bar (SVG), by axis id."""
    return {r.axis.id: markup(charts.progress_bar(r.progress.progress, r.progress.expected_by_now,
                                                  r.progress.pace.value))
            for r in rows if r.progress is not None}


def _values(inputs: ReportInputs, fmt: Formatter, bar_rows: list[AxisRow], **more: object) -> dict[str, object]:
    words = labels(fmt.lang)
    day = status_day(inputs)         # a status from a day still to come reads « à partir du … » (audit reverify N2)
    return {"w": words, "lang": fmt.lang, "fmt": fmt, "is_live": is_live,
            "axis_status": lambda axis, fmt=fmt: axis_status(axis, fmt, day),
            "bars": _bars(bar_rows), "additional_objective": f'{words["additional"]} / {words["objective"]}', **more}


def segment_roi(inputs: ReportInputs, segment_id: str, fmt: Formatter) -> str:
    """A segment's ROI as its card and the overview show it: « sans coût » when its live axes cost nothing."""
    if costs_nothing(inputs, segment_id):
        return fmt.no_cost
    seg = segment_progress(inputs.evaluation, segment_id)
    return fmt.percent(seg.roi if seg is not None else None)


def overview(inputs: ReportInputs, fmt: Formatter) -> str:
    """Segments, their axes with status, additional revenue against objective, pace and ROI
    (``templates/report/overview.html``)."""
    words = labels(fmt.lang)
    segments = [(segment, enum_label("segment_kind", segment.kind.value, fmt.lang),
                 segment_progress(inputs.evaluation, segment.id), axis_rows(inputs, segment.id))
                for segment in inputs.plan.segments]
    bars = [charts.Bar(label=r.axis.name, value=float(r.progress.additional),
                       target=float(r.axis.objective.additional_revenue) if r.axis.objective else None,
                       expected=r.progress.expected_by_now, pace=r.pace.value if r.pace else None,
                       note=_bar_note(r, fmt))
            for r in axis_rows(inputs) if r.progress is not None]
    chart = charts.bars_vs_target(bars, fmt, title=words["chart_revenue_vs_objective"],
                                  legend=(words["legend_achieved"], words["legend_objective"],
                                          words["legend_expected"])) if bars else ""
    return render_template("report/overview.html", _values(
        inputs, fmt, axis_rows(inputs), segments=segments, footnote=roi_footnote_lines(inputs, fmt),
        segment_roi={segment.id: segment_roi(inputs, segment.id, fmt) for segment in inputs.plan.segments},
        chart=markup(chart)))


def roi_footnote_lines(inputs: ReportInputs, fmt: Formatter) -> list[str]:
    """How the plan's and the segments' ROI are computed, and why the plan or a segment can fall below all its axes
    (the plan's line names what its axes count twice, ``PlanTotals.overlap``: audit meeting F6)."""
    words = labels(fmt.lang)
    # what an axis's ROI counts depends on the attribution (audit reporthand2: « counts every deal of its own scope »
    # stood under split, where an axis counts its share of a deal it shares)
    lines = [f'{words["roi_note"]} {words["roi_note_split" if inputs.attribution == "split" else "roi_note_full"]}']
    plan_line = plan_roi_line(inputs, fmt)
    if plan_line:
        lines.append(plan_line)
    uncosted = uncosted_plan_line(inputs, fmt)     # the plan's ROI unknown for want of a cost (audit m3cost)
    if uncosted:
        lines.append(uncosted)
    for name, roi, rois in segment_roi_notes(inputs):
        figures = [fmt.roi_percent(r) for r in rois]     # as the axes' table: « 49,96 % » (audit surfaces2)
        axes = f'{", ".join(figures[:-1])} {words["and"]} {figures[-1]}'
        verdict = words["roi_below_cost"] if roi < 0 else words["roi_below_axes"]
        lines.append(words["roi_segment_note"].format(segment=name, roi=fmt.percent(roi), axes=axes, verdict=verdict))
    return lines


def _bar_note(row: AxisRow, fmt: Formatter) -> str:
    prog, obj = row.progress, row.axis.objective
    assert prog is not None
    # shortened from the figure the axis's card shows (1 050,40 € won against 0,51 € reads 1 050 − 1 = 1 049 €, so
    # « 1 k€ », not the « 1,1 k€ » of the exact 1 049,89 €; audit roundings)
    shown = shown_additional(prog.revenue, prog.baseline)
    if obj is None:
        out = "" if is_live(row) else f" · {labels(fmt.lang)['left_out']}"
        return f"{fmt.money_compact(shown)} · {labels(fmt.lang)['no_objective']}{out}"
    money = f"{fmt.money_compact(shown)} / {fmt.money_compact(obj.additional_revenue)}"
    out = "" if is_live(row) else f" · {labels(fmt.lang)['left_out']}"
    return f"{fmt.progress(prog.progress)} · {money}{out}"


def segments(inputs: ReportInputs, fmt: Formatter) -> str:
    """Per segment: key figures, the SWOT, the trend over the quarters and the segment's axes
    (``templates/report/segments.html``)."""
    words = labels(fmt.lang)
    zone = ZoneInfo(inputs.plan.timezone)
    provisional = base_to_date(inputs.plan.period, inputs.evaluation.as_of, zone,
                               weekly_year(inputs.plan.period.quarters))[1] is not None
    cards = []
    for segment in inputs.plan.segments:
        seg = segment_progress(inputs.evaluation, segment.id)
        figures: list[tuple[str, str]] = []
        if seg is not None:
            figures = [("revenue", fmt.money(seg.revenue)), ("baseline", fmt.money(seg.baseline)),
                       ("additional", fmt.additional(seg)), ("objective", fmt.money(segment_objective(inputs, seg))),
                       ("trend", fmt.trend(seg)), ("roi", segment_roi(inputs, segment.id, fmt))]
        points = trend(inputs, segment.id)
        target = None
        if seg is not None and seg.objective is not None and seg.period_baseline is not None:
            # the year's target: the whole period's baseline (not its part to date, which grows with the date)
            target = seg.period_baseline + seg.objective
        # while last year is not over its revenue to date is the target's base, provisional: it moves as the clock
        # passes a won deal's date (docs/engine.md, *A won deal dated after the evaluation date*; audit m2year)
        legend = words["legend_target_provisional" if provisional else "legend_target"]
        columns = [(p.label, p.revenue) for p in points]
        note = ""
        if len(points) <= 1 and seg is not None:
            # no history yet: compare with the baseline (same period a year earlier) instead
            columns = [(words["baseline"], seg.baseline), *columns]
            note = f'<p class="hint">{e(_no_trend_note(inputs, words))}</p>'
        if columns:
            chart = charts.trend_chart(columns, target, fmt, title=f'{segment.name} — {words["chart_trend"]}',
                                       legend=(words["revenue"], legend)) + note
        else:
            chart = empty(words["no_snapshot"])
        swot = [(key, side, getattr(segment.swot, key)) for key, side in (
            ("strengths", "internal"), ("weaknesses", "internal"), ("opportunities", "external"),
            ("threats", "external"))]
        basis = roi_basis(inputs, seg)
        basis_note = "" if seg is None or basis is None else words["roi_basis_note"].format(
            roi=fmt.percent(seg.roi), basis=fmt.money(basis), additional=fmt.additional(seg))
        # its ROI unknown for want of a cost: which axes, what to write (audit m3cost)
        basis_note = " ".join(n for n in (basis_note, uncosted_segment_note(inputs, segment.id, fmt)) if n)
        cards.append({"segment": segment, "kind": enum_label("segment_kind", segment.kind.value, fmt.lang),
                      "figures": figures, "swot": swot, "chart": markup(chart), "rows": axis_rows(inputs, segment.id),
                      "basis_note": basis_note})
    return render_template("report/segments.html", _values(inputs, fmt, axis_rows(inputs), cards=cards))


# 7.9 months, the formula's example, in days: 1 January + 240 days is 29 August (late August), 1 April + 240 days
# 27 November
PAYBACK_EXAMPLE_DAYS = 240


def axes(inputs: ReportInputs, fmt: Formatter) -> str:
    """Per axis: revenue, baseline, additional revenue vs objective, pace, cost, ROI; and the ROI ranking
    (``templates/report/axes.html``)."""
    words = labels(fmt.lang)
    rows = axis_rows(inputs)
    ranked = [r for r in rows if is_live(r)]
    ranking = charts.ranking([(r.axis.name, r.progress.roi if r.progress else None) for r in ranked
                              if not _no_cost(r)], fmt, title=words["chart_roi_ranking"],
                             free=[r.axis.name for r in ranked if _no_cost(r)])
    left_out = "; ".join(f"{r.axis.name} ({axis_status(r.axis, fmt, status_day(inputs))}"
                         + (f", {r.axis.status.reason})" if r.axis.status.reason else ")")
                         for r in rows if not is_live(r))
    # live axes by ROI, then those with no cost, then unknown ROIs; the left-out ones last
    ordered = sorted(rows, key=lambda r: (not is_live(r),
                                          0 if r.progress is not None and r.progress.roi is not None
                                          else 1 if _no_cost(r) else 2,
                                          -(r.progress.roi or 0) if r.progress else 0))
    # an axis whose cost is not written reads « – »: what it means, only when there is one (audit m3cost)
    uncosted_axes = any(r.axis.objective is not None and r.progress is not None and r.progress.cost is None
                        for r in rows)
    roi_formula = f'{words["formula_roi"]} {words["formula_uncosted"]}' if uncosted_axes else words["formula_roi"]
    formulas = [(words["roi"], roi_formula),
                (words["payback"], words["formula_payback"].format(example=payback_example(inputs, fmt))),
                (words["expected"], words["formula_expected"]),
                (words["pace"], words["formula_pace"].format(
                    **ENUMS["axis_pace"][fmt.lang], action_done=ENUMS["pace"][fmt.lang]["done"]))]
    return render_template("report/axes.html", _values(
        inputs, fmt, rows, rows=ordered, ranking=markup(ranking), left_out=left_out, formulas=formulas,
        as_of=inputs.evaluation.as_of,
        colon="\u00a0:" if fmt.lang == "fr" else ":"))


def payback_example(inputs: ReportInputs, fmt: Formatter) -> str:
    """The payback formula's example, on the plan's period: 7.9 months from its start (« 7,9 mois sur une année
    civile : fin août » on a calendar year; "7.9 months from April 1: late November" on a year from April: it said
    late August whatever the plan, fiscal audit F4)."""
    words = labels(fmt.lang)
    start = fmt.local(inputs.plan.period.start).date()
    if (start.month, start.day) == (1, 1):
        return words["payback_example_calendar"]
    day = start + timedelta(days=PAYBACK_EXAMPLE_DAYS)
    part = "early_month" if day.day <= 10 else "mid_month" if day.day <= 20 else "late_month"
    if fmt.lang == "fr":
        first = format_date(start, "'1er' MMMM" if start.day == 1 else "d MMMM", locale=fmt.locale)
    else:
        first = format_date(start, "MMMM d", locale=fmt.locale)
    month = format_date(day, "MMMM", locale=fmt.locale)
    return words["payback_example_from"].format(start=first, when=words[part].format(month=month))


def _no_trend_note(inputs: ReportInputs, words: Mapping[str, str]) -> str:
    """Why the trend has no history: the plan's first quarter just closed (none earlier), no quarter closed yet, or
    quarters closed whose snapshots were never kept, then with what to run (usplan audit, minor list: "the trend
    appears after the first quarter closes" under a report of November, three quarters closed)."""
    if first_quarter_closed(inputs):
        return words["first_quarter"]
    plan = inputs.plan
    declared = declared_quarters(plan.period)   # a declared fiscal calendar's quarters, by their days
    quarters = declared or quarter_labels(plan.period)
    closed = [label for label in quarters if period_window(label, plan.timezone).end <= inputs.evaluation.as_of]
    if not closed:
        return words["no_snapshot"]
    # the closed quarters whose snapshot is not kept: the report's own, kept, is none of them (audit reporthand2: a
    # fiscal Q2 report made of its snapshot read « No quarterly snapshot kept yet … take them with … 2027-Q3 », that
    # snapshot's label)
    kept = {s.label for s in snapshots_to_date(inputs) if s.kind == "quarterly"}
    missing = [label for label in closed if label not in kept]
    if not missing:
        return words["first_quarter"]
    # each by the label pac snapshot takes (it refused a quarter not over: docs2 F2); a fiscal plan's as Q1, Q2...,
    # the plan's own (pac snapshot reads them so, snapshots.plan_label), where 2027-Q3 read as the fiscal Q3
    own = bool(declared) or is_fiscal(plan.period)
    commands = words["then"].join(f"pac snapshot --period {f'Q{quarters.index(label) + 1}' if own else label}"
                                  for label in missing)
    if len(missing) < len(closed):
        return words["snapshots_missing"].format(count=len(missing), closed=len(closed), commands=commands)
    return words["no_snapshot_kept"].format(count=len(closed), commands=commands)


def first_quarter_closed(inputs: ReportInputs) -> bool:
    """Whether the report is of the plan's first quarter, closed (``--quarter`` of it): there is no trend yet, and
    none is to come from an earlier quarter."""
    plan = inputs.plan
    if plan.period.quarters:   # a declared fiscal calendar: its Q1, by its days
        zone = ZoneInfo(plan.timezone)
        end = plan.period.quarters[0][1]
        return (fiscal_quarter(plan, inputs.evaluation.as_of) == 1
                and inputs.evaluation.as_of >= datetime(end.year, end.month, end.day, tzinfo=zone))
    first = quarter_labels(plan.period)[0]
    return current_label(inputs) == first and inputs.evaluation.as_of >= period_window(first, plan.timezone).end


def _no_cost(row: AxisRow) -> bool:
    """An axis whose cost is 0: no finite ROI, listed apart (« sans coût »), not ranked last."""
    return row.progress is not None and row.progress.cost is not None and row.progress.cost == 0
