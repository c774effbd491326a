"""Report sections about people and decisions: actions per rep and per axis, 5Q gaps, recommendations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pac_core.plan import Plan
from pac_core.results import Pace
from sync_jobs.report import charts
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label, labels
from sync_jobs.report.view import (
    PACE_ORDER,
    action_rows,
    action_trend,
    action_what,
    action_when,
    by_axis,
    by_rep,
    gaps,
    pace_counts,
    person_name,
)
from sync_jobs.report.widgets import e, empty, pace_badge, section, table
from sync_jobs.report_inputs import ReportInputs


def pace_chips(counts: dict[Pace, int], lang: str) -> str:
    return "".join(f'<span class="chip">{pace_badge(p, lang)}<b>{counts[p]}</b></span>' for p in PACE_ORDER
                   if counts.get(p))


def actions(inputs: ReportInputs, fmt: Formatter) -> str:
    """Who does what and when, grouped by rep, then the same actions counted per axis."""
    words = labels(fmt.lang)
    rows = action_rows(inputs)
    if not rows:
        return section("actions", words["sec_actions"], empty(words["no_actions"]))
    blocks = [f'<div class="chips">{pace_chips(pace_counts(rows), fmt.lang)}</div>',
              f'<h3>{e(words["by_rep"])}</h3>']
    for group in by_rep(rows):
        trs = []
        for r in group.rows:
            p = r.progress
            if p is None:
                progress = "<td>–</td>"
            else:
                bar = charts.progress_bar(p.progress, p.expected_by_now, p.pace.value, width=90)
                progress = (f'<td class="prog"><div class="fig"><b>{e(fmt.number(p.done))}</b> / '
                            f'{e(fmt.number(p.target))}</div><div class="barline">{bar}'
                            f'<span class="pct">{e(fmt.percent(p.progress))}</span></div></td>')
            info = ""
            if r.action.info_needed:
                source = f" — {r.action.info_from}" if r.action.info_from else ""
                info = f'<div class="sub">{e(words["info_needed"])} : {e(r.action.info_needed + source)}</div>'
            trs.append(f'<tr class="pace-row-{e(r.pace or "none")}"><td class="action-text"><b>{e(r.action.text)}</b>'
                       f'<div class="sub">{e(r.axis.name)}</div>{info}</td>'
                       f"<td>{e(action_what(r.action, fmt))}</td>"
                       f'<td class="when">{e(action_when(r.action, fmt))}</td>'
                       f"{progress}<td>{pace_badge(r.pace, fmt.lang)}</td></tr>")
        headers = [(words["action"], ""), (words["what"], ""), (words["when"], ""), (words["done_target"], ""),
                   (words["pace"], "")]
        blocks.append(f'<div class="rep avoid"><h4>{e(group.name)} <span class="chips small">'
                      f"{pace_chips(group.counts(), fmt.lang)}</span></h4>"
                      f"{table(headers, trs, css='actions')}</div>")
    matrix = []
    for axis, counts in by_axis(inputs, rows):
        cells = "".join(f'<td class="num">{counts.get(p, 0) or ""}</td>' for p in PACE_ORDER)
        matrix.append(f"<tr><td><b>{e(axis.name)}</b></td>{cells}<td class=\"num strong\">"
                      f"{sum(counts.values())}</td></tr>")
    headers = [(words["axis"], "")] + [(enum_label("pace", p.value, fmt.lang), "num") for p in PACE_ORDER]
    headers.append((words["total"], "num"))
    blocks.append(f'<div class="avoid"><h3>{e(words["by_axis"])}</h3>{table(headers, matrix, css="matrix")}</div>')
    blocks.append(month_by_month(inputs, fmt))
    return section("actions", words["sec_actions"], "".join(blocks))


def month_by_month(inputs: ReportInputs, fmt: Formatter) -> str:
    """The actions' trend from the monthly snapshots: a stacked column of paces per month, then per rep the
    share of targets reached at each month's end. Nothing when no monthly snapshot has been kept yet."""
    words = labels(fmt.lang)
    points = action_trend(inputs)
    if not points:
        return ""
    order = [p.value for p in (Pace.DONE, Pace.ON_TRACK, Pace.AT_RISK, Pace.LATE, Pace.NOT_STARTED, Pace.INACTIVE)]
    names = {p: enum_label("pace", p, fmt.lang) for p in order}
    columns = [(p.label, {pace.value: n for pace, n in p.paces.items()}) for p in points]
    chart = charts.pace_columns_chart(columns, order, names, fmt, title=words["chart_months"])
    headers = [(words["rep"], "")] + [(fmt.period_label(p.label) + (f" ({words['today']})" if p.now else ""), "num")
                                      for p in points]
    reps = sorted({who for p in points for who in p.reps}, key=lambda w: person_name(inputs, w).casefold())
    trs = []
    for who in reps:
        cells = []
        for p in points:
            done, target = p.reps.get(who, (0.0, 0.0))
            cells.append(f'<td class="num">{e(fmt.percent(done / target)) if target else "–"}</td>')
        trs.append(f"<tr><td><b>{e(person_name(inputs, who))}</b></td>{''.join(cells)}</tr>")
    return (f'<div class="avoid months"><h3>{e(words["by_month"])}</h3><p class="hint">{e(words["by_month_lead"])}'
            f'</p><figure><figcaption>{e(words["chart_months"])}</figcaption>{chart}</figure>'
            f'<h4>{e(words["targets_reached"])}</h4>{table(headers, trs, css="matrix")}</div>')


def five_q_gaps(inputs: ReportInputs, fmt: Formatter) -> str:
    """The linter's statements that are intentions or objectives, with what they lack."""
    words = labels(fmt.lang)
    found = gaps(inputs)
    if not found:
        return section("gaps", words["sec_gaps"], empty(words["no_gaps"]))
    plan = inputs.plan
    owners = {a.id: person_name(inputs, a.who) for a in plan.actions}
    trs = []
    for gap in found:
        missing = ", ".join(enum_label("missing", m, fmt.lang) for m in gap["missing"]) or "–"
        opening, closing = ("«\u00a0", "\u00a0»") if fmt.lang == "fr" else ("“", "”")
        kind = words["gaps_complement"] if gap["complement"] else enum_label("statement_kind", gap["kind"], fmt.lang)
        who = owners.get(str(gap["id"]), "")
        who_html = f'<div class="sub">{e(gap["id"])} · {e(who)}</div>' if who else ""
        css = "complement" if gap["complement"] else e(gap["kind"])
        trs.append(f'<tr><td class="action-text">{opening}{e(gap["text"])}{closing}{who_html}</td>'
                   f'<td><span class="badge kind-{css}">{e(kind)}</span></td><td>{e(missing)}</td></tr>')
    body = table([(words["statement"], ""), (words["kind"], ""), (words["missing"], "")], trs, css="gaps")
    return section("gaps", words["sec_gaps"], body, lead=words["gaps_intro"])


def recommendations(inputs: ReportInputs, fmt: Formatter) -> str:
    """The advisor's recommendations, each with the figures and thresholds it rests on."""
    words = labels(fmt.lang)
    recos = inputs.evaluation.recommendations
    if not recos:
        return section("recos", words["sec_recos"], empty(words["no_recos"]))
    plan = inputs.plan
    axis_names = {a.id: a.name for a in plan.axes}
    segment_names = {s.id: s.name for s in plan.segments}
    cards = []
    for reco in recos:
        where = " · ".join(x for x in (axis_names.get(reco.axis_id, ""), segment_names.get(reco.segment_id, "")) if x)
        overruled = "".join(
            f'<div class="overruled"><span class="badge rule">{e(enum_label("rule", o.rule.value, fmt.lang))}</span>'
            f"<p>{e(o.summary)}</p>{_evidence(o.evidence, plan, fmt)}</div>" for o in reco.overruled)
        if overruled:
            overruled = f'<details open><summary>{e(words["overruled"])}</summary>{overruled}</details>'
        cards.append(f'<article class="reco avoid rule-{e(reco.rule.value)}"><div class="reco-head">'
                     f'<span class="badge rule">{e(enum_label("rule", reco.rule.value, fmt.lang))}</span>'
                     f'<span class="where">{e(where)}</span></div><p>{e(reco.summary)}</p>'
                     f"{_evidence(reco.evidence, plan, fmt)}{overruled}</article>")
    return section("recos", words["sec_recos"], _context(inputs, fmt) + f'<div class="recos">{"".join(cards)}</div>')


def _evidence(evidence: Mapping[str, Any], plan: Plan, fmt: Formatter) -> str:
    words = labels(fmt.lang)
    rows = "".join(
        f'<tr class="{"threshold" if limit else ""}"><th>{e(label)}'
        + (f' <span class="tag">{e(words["threshold"])}</span>' if limit else "")
        + f'</th><td class="num">{e(value)}</td></tr>'
        for label, value, limit in evidence_rows(evidence, plan, fmt))
    return f'<table class="evidence"><caption>{e(words["evidence"])}</caption>{rows}</table>' if rows else ""



def _context(inputs: ReportInputs, fmt: Formatter) -> str:
    """The context changes the plan declares, one line each, above the recommendations."""
    if not inputs.plan.context:
        return ""
    w = labels(fmt.lang, "context")
    segments = {s.id: s.name for s in inputs.plan.segments}
    axes = {a.id: a.name for a in inputs.plan.axes}
    items = []
    for c in inputs.plan.context:
        what = [w[c.kind.value]]
        if c.impact is not None:
            what.append(f"({w[c.impact.value]})")
        for part in (segments.get(c.segment_id or ""), axes.get(c.axis_id or ""), c.who, c.account, c.crm_field):
            if part:
                what.append(f"· {part}")
        if c.product:
            what.append(f"· {c.product} {fmt.number(c.capacity)} {w['per_quarter']}")
        if c.on:
            what.append(f"· {w['from']} {fmt.date(c.on)}")
        if c.until:
            what.append(f"· {w['until']} {fmt.date(c.until)}")
        if c.note:
            what.append(f"— {c.note}")
        items.append(f"<li>{e(' '.join(what))}</li>")
    return f'<div class="context"><h3>{e(labels(fmt.lang)["context"])}</h3><ul>{"".join(items)}</ul></div>'
