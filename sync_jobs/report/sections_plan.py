"""Report sections about the plan itself: the plan at a glance, each segment, each axis."""

from __future__ import annotations

from pac_core.plan import Swot
from sync_jobs.report import charts
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label, labels
from sync_jobs.report.view import AxisRow, axis_rows, axis_status, is_live, segment_progress, segment_roi_notes, trend
from sync_jobs.report.widgets import e, empty, pace_badge, section, state_badge, state_reason, table
from sync_jobs.report_inputs import ReportInputs


def _progress_cell(row: AxisRow, fmt: Formatter) -> str:
    prog, obj = row.progress, row.axis.objective
    if prog is None:
        return "<td>–</td>"
    bar = charts.progress_bar(prog.progress, prog.expected_by_now, prog.pace.value)
    target = f" / {e(fmt.money(obj.additional_revenue))}" if obj else ""
    return (f'<td class="prog"><div class="fig"><b>{e(fmt.money(prog.additional))}</b>{target}</div>'
            f'<div class="barline">{bar}<span class="pct">{e(fmt.percent(prog.progress))}</span></div></td>')


def overview(inputs: ReportInputs, fmt: Formatter) -> str:
    """Segments, their axes with status, additional revenue against objective, pace and ROI."""
    words = labels(fmt.lang)
    rows: list[str] = []
    for segment in inputs.plan.segments:
        seg_rows = axis_rows(inputs, segment.id)
        seg = segment_progress(inputs.evaluation, segment.id)
        for i, row in enumerate(seg_rows):
            seg_cell = ""
            if i == 0:
                kind = enum_label("segment_kind", segment.kind.value, fmt.lang)
                roi = f'<div class="sub">{e(words["roi"])} {e(fmt.percent(seg.roi))}</div>' if seg else ""
                seg_cell = (f'<td rowspan="{len(seg_rows)}" class="seg"><b>{e(segment.name)}</b>'
                            f'<div class="sub">{e(kind)}</div>{roi}</td>')
            roi = row.progress.roi if row.progress else None
            live = is_live(row)
            out = "" if live else f'<div class="sub">{e(words["left_out"])}</div>'
            rows.append(f'<tr class="{"" if live else "left-out"}">{seg_cell}<td><b>{e(row.axis.name)}</b>'
                        f"{state_reason(row.axis)}</td>"
                        f"<td>{state_badge(row.axis, fmt)}</td>{_progress_cell(row, fmt)}"
                        f"<td>{pace_badge(row.pace, fmt.lang)}</td>"
                        f'<td class="num">{e(fmt.percent(roi))}{out}</td></tr>')
    headers = [(words["segment"], ""), (words["axis"], ""), (words["status"], ""),
               (f'{words["additional"]} / {words["objective"]}', ""), (words["pace"], ""), (words["roi"], "num")]
    bars = [charts.Bar(label=r.axis.name, value=float(r.progress.additional),
                       target=float(r.axis.objective.additional_revenue) if r.axis.objective else None,
                       expected=r.progress.expected_by_now, pace=r.pace.value if r.pace else None,
                       note=_bar_note(r, fmt))
            for r in axis_rows(inputs) if r.progress is not None]
    chart = charts.bars_vs_target(bars, fmt, title=words["chart_revenue_vs_objective"],
                                  legend=(words["legend_achieved"], words["legend_objective"],
                                          words["legend_expected"])) if bars else ""
    body = (table(headers, rows, css="glance") + roi_footnote(inputs, fmt) +
            f'<figure class="avoid"><figcaption>{e(words["chart_revenue_vs_objective"])}</figcaption>{chart}</figure>')
    return section("overview", words["sec_overview"], body)


def roi_footnote(inputs: ReportInputs, fmt: Formatter) -> str:
    """How the plan's and the segments' ROI are computed, and why a segment can fall below all its axes."""
    words = labels(fmt.lang)
    lines = [words["roi_note"]]
    for name, roi, rois in segment_roi_notes(inputs):
        figures = [fmt.percent(r) for r in rois]
        axes = f'{", ".join(figures[:-1])} {words["and"]} {figures[-1]}'
        verdict = words["roi_below_cost"] if roi < 0 else words["roi_below_axes"]
        lines.append(words["roi_segment_note"].format(segment=name, roi=fmt.percent(roi), axes=axes, verdict=verdict))
    return '<div class="footnote">' + "".join(f"<p>{e(line)}</p>" for line in lines) + "</div>"


def _bar_note(row: AxisRow, fmt: Formatter) -> str:
    prog, obj = row.progress, row.axis.objective
    assert prog is not None
    if obj is None:
        out = "" if is_live(row) else f" · {labels(fmt.lang)['left_out']}"
        return f"{fmt.money_compact(prog.additional)} · {labels(fmt.lang)['no_objective']}{out}"
    money = f"{fmt.money_compact(prog.additional)} / {fmt.money_compact(obj.additional_revenue)}"
    out = "" if is_live(row) else f" · {labels(fmt.lang)['left_out']}"
    return f"{fmt.percent(prog.progress)} · {money}{out}"


def _swot(swot: Swot, fmt: Formatter) -> str:
    words = labels(fmt.lang)
    cells = []
    for key, side in (("strengths", "internal"), ("weaknesses", "internal"),
                      ("opportunities", "external"), ("threats", "external")):
        items = getattr(swot, key)
        inner = "".join(f"<li>{e(item)}</li>" for item in items) or f'<li class="none">{e(words["empty_swot"])}</li>'
        cells.append(f'<div class="q q-{key}"><h4>{e(words[key])} <small>{e(words[side])}</small></h4>'
                     f"<ul>{inner}</ul></div>")
    return f'<div class="swot" aria-label="{e(words["swot"])}">{"".join(cells)}</div>'


def segments(inputs: ReportInputs, fmt: Formatter) -> str:
    """Per segment: key figures, the SWOT, the trend over the quarters and the segment's axes."""
    words = labels(fmt.lang)
    cards = []
    for segment in inputs.plan.segments:
        seg = segment_progress(inputs.evaluation, segment.id)
        rows = axis_rows(inputs, segment.id)
        figures = ""
        if seg is not None:
            figures = "".join(
                f'<div class="mini"><span>{e(words[k])}</span><b>{e(v)}</b></div>' for k, v in (
                    ("revenue", fmt.money(seg.revenue)), ("baseline", fmt.money(seg.baseline)),
                    ("additional", fmt.money(seg.additional)), ("objective", fmt.money(seg.objective)),
                    ("trend", fmt.percent(seg.trend)), ("roi", fmt.percent(seg.roi))))
        points = trend(inputs, segment.id)
        target = None
        if seg is not None and seg.objective is not None:
            target = seg.baseline + seg.objective
        columns = [(p.label, p.revenue) for p in points]
        note = ""
        if len(points) <= 1 and seg is not None:
            # no history yet: compare with the baseline (same period a year earlier) instead
            columns = [(words["baseline"], seg.baseline), *columns]
            note = f'<p class="hint">{e(words["no_snapshot"])}</p>'
        if columns:
            chart = charts.trend_chart(columns, target, fmt, title=f'{segment.name} — {words["chart_trend"]}',
                                       legend=(words["revenue"], words["legend_target"])) + note
        else:
            chart = empty(words["no_snapshot"])
        axis_list = "".join(
            f"<tr><td><b>{e(r.axis.name)}</b>{state_reason(r.axis)}</td><td>{state_badge(r.axis, fmt)}</td>"
            f"{_progress_cell(r, fmt)}<td>{pace_badge(r.pace, fmt.lang)}</td></tr>" for r in rows)
        axes_table = table([(words["axis"], ""), (words["status"], ""),
                            (f'{words["additional"]} / {words["objective"]}', ""), (words["pace"], "")],
                           [axis_list], css="compact seg-axes") if rows else ""
        kind = enum_label("segment_kind", segment.kind.value, fmt.lang)
        cards.append(
            f'<article class="segment"><h3>{e(segment.name)} <span class="kind">{e(kind)}</span></h3>'
            f'<div class="minis">{figures}</div>'
            f'<div class="two"><div>{_swot(segment.swot, fmt)}</div>'
            f'<figure><figcaption>{e(words["chart_trend"])}</figcaption>{chart}</figure></div>'
            f"{axes_table}</article>")
    return section("segments", words["sec_segments"], "".join(cards))


def axes(inputs: ReportInputs, fmt: Formatter) -> str:
    """Per axis: revenue, baseline, additional revenue vs objective, pace, cost, ROI; and the ROI ranking."""
    words = labels(fmt.lang)
    rows = axis_rows(inputs)
    ranking = charts.ranking([(r.axis.name, r.progress.roi if r.progress else None) for r in rows if is_live(r)],
                             fmt, title=words["chart_roi_ranking"])
    left_out = [r for r in rows if not is_live(r)]
    if left_out:
        ranking += (f'<p class="hint">{e(words["left_out_note"])}\u00a0: ' if fmt.lang == "fr"
                    else f'<p class="hint">{e(words["left_out_note"])}: ')
        ranking += "; ".join(e(f"{r.axis.name} ({axis_status(r.axis, fmt)}"
                               + (f", {r.axis.status.reason})" if r.axis.status.reason else ")"))
                             for r in left_out) + "</p>"
    trs = []
    for r in sorted(rows, key=lambda r: (not is_live(r), r.progress is None or r.progress.roi is None,
                                         -(r.progress.roi or 0) if r.progress else 0)):
        p, obj = r.progress, r.axis.objective
        cells = [f'<td><b>{e(r.axis.name)}</b><div class="sub">{e(r.segment.name)}</div>'
                 f'<div class="badgeline">{state_badge(r.axis, fmt)}</div>{state_reason(r.axis)}</td>']
        if p is None:
            cells.append('<td colspan="7">–</td>')
        else:
            expected_roi = ""
            if obj is not None and obj.expected_roi is not None:
                expected_roi = f'<div class="sub">{e(words["expected_roi"])} {e(fmt.percent(obj.expected_roi))}</div>'
            cells += [f'<td class="num">{e(fmt.money(p.revenue))}<div class="sub">{e(words["baseline"])} '
                      f"{e(fmt.money(p.baseline))}</div></td>",
                      _progress_cell(r, fmt),
                      f"<td>{pace_badge(p.pace, fmt.lang)}</td>",
                      f'<td class="num">{e(fmt.money(p.cost))}</td>',
                      f'<td class="num strong">{e(fmt.percent(p.roi))}{expected_roi}</td>',
                      f'<td class="num">{e(fmt.months(p.time_to_roi_months))}</td>',
                      f'<td class="num">{e(fmt.number(p.activities_done))}'
                      f'<div class="sub">{e(words["conversion"])} {e(fmt.percent(p.conversion))}</div></td>']
        trs.append(f'<tr class="{"" if is_live(r) else "left-out"}">{"".join(cells)}</tr>')
    headers = [(words["axis"], ""), (words["revenue"], "num"),
               (f'{words["additional"]} / {words["objective"]}', ""), (words["pace"], ""), (words["cost"], "num"),
               (words["roi"], "num"), (words["time_to_roi"], "num"), (words["activities"], "num")]
    body = (f'<figure class="avoid"><figcaption>{e(words["chart_roi_ranking"])}</figcaption>{ranking}</figure>'
            + table(headers, trs, css="axes"))
    return section("axes", words["sec_axes"], body)
