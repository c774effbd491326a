"""The whole HTML page: head (inline CSS, a policy that forbids scripts and network), masthead, KPIs, sections."""

from __future__ import annotations

from pac_core.results import Pace
from sync_jobs.report import sections_actions, sections_data, sections_kpis, sections_plan
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import counted, enum_label, labels
from sync_jobs.report.scrub import scrub_page
from sync_jobs.report.style import CSS
from sync_jobs.report.view import action_rows, pace_counts, plan_totals
from sync_jobs.report.widgets import e
from sync_jobs.report_inputs import ReportInputs

# No script may run and nothing may be fetched, even if some text slipped through unescaped.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
SECTIONS = ("overview", "segments", "axes", "kpis", "actions", "gaps", "recos", "data")


def formatter_for(inputs: ReportInputs, lang: str | None) -> Formatter:
    return Formatter(lang=lang or inputs.plan.language, currency=inputs.plan.currency, timezone=inputs.plan.timezone)


def render(inputs: ReportInputs, lang: str | None = None) -> str:
    fmt = formatter_for(inputs, lang)
    words = labels(fmt.lang)
    body = [
        sections_plan.overview(inputs, fmt),
        sections_plan.segments(inputs, fmt),
        sections_plan.axes(inputs, fmt),
        sections_kpis.kpis(inputs, fmt),
        sections_actions.actions(inputs, fmt),
        sections_actions.five_q_gaps(inputs, fmt),
        sections_actions.recommendations(inputs, fmt),
        sections_data.data(inputs, fmt),
    ]
    title = f'{inputs.plan.name} — {words["title"]} {fmt.quarter(inputs.evaluation.as_of)}'
    toc = "".join(f'<a href="#{s}">{e(words["sec_" + s])}</a>' for s in SECTIONS)
    page = (
        f'<!DOCTYPE html><html lang="{e(fmt.lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light"><meta name="generator" content="pac">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f"{_masthead(inputs, fmt)}"
        f'<nav class="toc" aria-label="{e(words["contents"])}"><div class="page">{toc}</div></nav>'
        f'<main class="page">{_kpis(inputs, fmt)}{"".join(body)}</main>'
        f'<footer>{e(words["page_footer"])} · {e(inputs.plan.name)} · {e(words["as_of"])} '
        f"{e(fmt.datetime(inputs.evaluation.as_of))} · {e(words['generated_note'])}</footer>"
        "</body></html>"
    )
    return scrub_page(page)


def _masthead(inputs: ReportInputs, fmt: Formatter) -> str:
    words = labels(fmt.lang)
    plan = inputs.plan
    period = fmt.date_range(plan.period.start, plan.period.end)
    colon = "\u00a0:" if fmt.lang == "fr" else ":"
    return (f'<header class="masthead"><div class="page"><div class="eyebrow">{e(words["title"])} · '
            f"{e(fmt.quarter(inputs.evaluation.as_of))}</div><h1>{e(plan.name)}</h1>"
            f'<div class="meta"><span>{e(words["as_of"])} {e(fmt.datetime(inputs.evaluation.as_of))}</span>'
            f'<span>{e(words["period"])}{colon} {e(period)}</span></div></div></header>')


def _kpis(inputs: ReportInputs, fmt: Formatter) -> str:
    words = labels(fmt.lang)
    totals = plan_totals(inputs)
    progress = totals["progress"]
    tone = "good" if progress is not None and progress >= 0.5 else "warn"
    notes = []
    if progress is not None:
        notes.append(f'{fmt.percent(progress)} {words["kpi_of_objective"]}')
    if totals["objective"]:
        notes.append(f'{words["kpi_objective"]} {fmt.money(totals["objective"])}')
    if totals["counted_once"]:
        notes.append(words["kpi_counted_once"])
    cards = [(words["kpi_additional"], fmt.money(totals["additional"]), " · ".join(notes), tone)]
    roi = totals["roi"]
    cards.append((words["kpi_roi"], fmt.percent(roi), words["kpi_roi_note"],
                  "bad" if roi is not None and roi < 0 else "good"))
    counts = pace_counts(action_rows(inputs))
    live = sum(n for p, n in counts.items() if p is not Pace.INACTIVE)
    fine = counts.get(Pace.DONE, 0) + counts.get(Pace.ON_TRACK, 0)
    behind = [counted(f"pace_{p.value}", counts[p], fmt.lang, fmt.number(counts[p])) for p in (Pace.AT_RISK, Pace.LATE)
              if counts.get(p)]
    cards.append((words["kpi_actions"], f"{fine} / {live}", " · ".join([words["kpi_actions_note"], *behind]),
                  "bad" if counts.get(Pace.LATE) else ("warn" if counts.get(Pace.AT_RISK) else "good")))
    run = inputs.last_run
    if run is None:
        cards.append((words["kpi_sync"], "–", words["no_sync"], "warn"))
    else:
        status = enum_label("sync_status", run.status, fmt.lang)
        cards.append((words["kpi_sync"], status, fmt.datetime(run.finished_at or run.started_at),
                      "good" if run.status == "ok" else "warn"))
    return '<div class="kpis">' + "".join(
        f'<div class="kpi {tone}"><div class="label">{e(label)}</div><div class="value">{e(value)}</div>'
        f'<div class="note">{e(note)}</div></div>' for label, value, note, tone in cards) + "</div>"
