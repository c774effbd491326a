"""Report sections about people and decisions: actions per rep and per axis, 5Q gaps, recommendations."""

from __future__ import annotations

from collections.abc import Mapping

from pac_core.plan import Action
from pac_core.plan_end import quiet_line
from pac_core.results import Pace
from sync_jobs.report import charts
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label, labels
from sync_jobs.report.templating import markup
from sync_jobs.report.templating import render as render_template
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
    plan_over,
    reco_text,
    reco_words,
    taken_over,
)
from sync_jobs.report_inputs import ReportInputs


def actions(inputs: ReportInputs, fmt: Formatter) -> str:
    """Who does what and when, grouped by rep, then the same actions counted per axis
    (``templates/report/actions.html``)."""
    words = labels(fmt.lang)
    rows = action_rows(inputs)
    # the bar is the progress (1.0 = the target), its tick the share expected by now: an action's expected_by_now is
    # a count (5 visits x 0.25 = 1.25), so it is read against the target (audit oracle-kpis: the tick stood at 75 % of
    # the bar when 15 % of the window had gone, and vanished once more than one visit was expected)
    bars = {r.action.id: markup(charts.progress_bar(r.progress.progress,
                                                    r.progress.expected_by_now / r.progress.target
                                                    if r.progress.target else None,
                                                    r.progress.pace.value, width=90))
            for r in rows if r.progress is not None}
    headers = [(words["axis"], "")] + [(enum_label("pace", p.value, fmt.lang), "num") for p in PACE_ORDER]
    return render_template("report/actions.html", {
        "w": words, "lang": fmt.lang, "fmt": fmt, "pace_order": PACE_ORDER, "all_counts": pace_counts(rows),
        "groups": by_rep(rows), "bars": bars, "action_what": action_what, "action_when": action_when,
        "info_text": info_text, "taken_over": lambda action: taken_over(inputs, action, fmt),
        "by_axis": by_axis(inputs, rows) if rows else [], "matrix_headers": [*headers, (words["total"], "num")],
        "months": markup(month_by_month(inputs, fmt)) if rows else ""})


def info_text(action: Action) -> str:
    """What to prepare for an action, and from whom: ``tarifs 2027 — Marc (ADV)``."""
    source = f" — {action.info_from}" if action.info_from else ""
    return f"{action.info_needed}{source}"


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
    # every rep of the plan: one with no action begun yet reads « – » rather than leaving the table
    reps = sorted({a.who for a in inputs.plan.actions} | {who for p in points for who in p.reps},
                  key=lambda w: person_name(inputs, w).casefold())
    rows = []
    for who in reps:
        cells = []
        for p in points:
            done, target = p.reps.get(who, (0.0, 0.0))
            cells.append(fmt.progress(done / target) if target else "–")   # 99,96 %, not 100 % (audit nearleft)
        rows.append((person_name(inputs, who), cells))
    return render_template("report/months.html", {"w": words, "chart": markup(chart), "headers": headers,
                                                  "reps": rows})


def five_q_gaps(inputs: ReportInputs, fmt: Formatter) -> str:
    """The linter's statements that are intentions or objectives, with what they lack
    (``templates/report/gaps.html``). Once the plan is over (``view.plan_over``: the year-end report) nothing of it
    is left to rewrite: the section is a lesson for the next plan, « Pour le plan suivant : énoncés à mieux écrire »,
    and an action short of its 5Q complement reads « Complément manquant », not « Action à compléter » (audit
    janmeet F9: the year-end report asked to rewrite every action of the finished plan)."""
    w = labels(fmt.lang)
    over = plan_over(inputs)
    owners = {a.id: person_name(inputs, a.who) for a in inputs.plan.actions}
    rows = []
    for gap in gaps(inputs):
        kind = (w["gaps_complement_next" if over else "gaps_complement"] if gap["complement"]
                else enum_label("statement_kind", gap["kind"], fmt.lang))
        rows.append({"text": gap["text"], "id": gap["id"], "who": owners.get(str(gap["id"]), ""), "kind": kind,
                     "css": "complement" if gap["complement"] else gap["kind"],
                     "missing": ", ".join(enum_label("missing", m, fmt.lang) for m in gap["missing"]) or "–"})
    quotes = ("«\u00a0", "\u00a0»") if fmt.lang == "fr" else ("“", "”")
    title, intro = section_title(inputs, "gaps", w), w["gaps_next_intro" if over else "gaps_intro"]
    return render_template("report/gaps.html", {"w": w, "gaps": rows, "quotes": quotes, "title": title,
                                                "intro": intro})


NEXT_PLAN_SECTIONS = {"gaps": "sec_gaps_next", "recos": "sec_recos_next"}


def section_title(inputs: ReportInputs, section: str, w: Mapping[str, str]) -> str:
    """A section's heading, as the page's contents name it too: the year-end report's sections about what to do next
    are for the next plan (``NEXT_PLAN_SECTIONS``) once the plan is over."""
    key = NEXT_PLAN_SECTIONS.get(section) if plan_over(inputs) else None
    return w[key or f"sec_{section}"]


def recommendations(inputs: ReportInputs, fmt: Formatter) -> str:
    """The advisor's recommendations, each with the figures and thresholds it rests on
    (``templates/report/recos.html``)."""
    plan = inputs.plan
    axis_names = {a.id: a.name for a in plan.axes}
    segment_names = {s.id: s.name for s in plan.segments}
    rule_kind, heading = reco_words(inputs)   # a plan whose period is over: worded for the next plan
    recos = []
    for reco in inputs.evaluation.recommendations:
        where = " · ".join(x for x in (axis_names.get(reco.axis_id, ""), segment_names.get(reco.segment_id, "")) if x)
        recos.append({"rule": enum_label(rule_kind, reco.rule.value, fmt.lang), "rule_code": reco.rule.value,
                      "text": reco_text(inputs, reco.text(fmt.lang), fmt.lang), "where": where,
                      "evidence": list(evidence_rows(reco.evidence, plan, fmt)),
                      "overruled": [(enum_label(rule_kind, o.rule.value, fmt.lang),
                                     reco_text(inputs, o.text(fmt.lang), fmt.lang),
                                     list(evidence_rows(o.evidence, plan, fmt))) for o in reco.overruled]})
    w = labels(fmt.lang)
    return render_template("report/recos.html", {"w": w, "lang": fmt.lang, "recos": recos, "title": w[heading],
                                                 "intro": w["recos_next_intro"] if heading != "sec_recos" else "",
                                                 "none_said": no_recommendation(inputs, fmt.lang),
                                                 "context": context_lines(inputs, fmt)})


def no_recommendation(inputs: ReportInputs, lang: str) -> str:
    """What the section says when the advisor made no recommendation: under « Pour le plan suivant » once the plan
    is over (audit janmeet F2: the year-end report read « Recommandations — Aucune recommandation ce trimestre »
    while the December review of the same instant read « Pour le plan suivant »); before any axis has a ROI to date,
    that it is too early to judge (``pac_core.plan_end.too_early_line``, audit janmeet F8); with a live axis whose
    cost is not written, that the ROI rules could not judge it (``uncosted_line``); else that every axis is within
    its thresholds."""
    w = labels(lang)
    if plan_over(inputs):
        return w["no_recos_next"]
    return quiet_line(inputs.plan, inputs.evaluation.as_of, lang) or w["no_recos"]


def context_lines(inputs: ReportInputs, fmt: Formatter) -> list[str]:
    """The context changes the plan declares, one line each, above the recommendations."""
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
        items.append(" ".join(what))
    return items
