"""The whole HTML page (``templates/report/page.html``): head (inline CSS, a policy that forbids scripts and
network), masthead, KPIs, sections."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core import kpis
from pac_core.plan import Plan
from pac_core.report_period import calendar_quarter_asked, fiscal_quarter, fiscal_quarter_days
from pac_core.results import Pace
from pac_core.revenue import last_day
from pac_core.snapshots import quarter_phase
from sync_jobs.report import sections_actions, sections_data, sections_kpis, sections_plan
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import counted, enum_label, labels
from sync_jobs.report.restated import overlap_lines, report_since, run_words, status_line
from sync_jobs.report.scrub import one_environment, scrub_page
from sync_jobs.report.style import CSS
from sync_jobs.report.templating import markup
from sync_jobs.report.templating import render as render_template
from sync_jobs.report.view import (
    action_rows,
    costs_nothing,
    pace_counts,
    plan_roi_note,
    plan_totals,
    uncosted_card_note,
)
from sync_jobs.report_inputs import ReportInputs

# No script may run and nothing may be fetched, even if some text slipped through unescaped.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
SECTIONS = ("overview", "segments", "axes", "kpis", "actions", "gaps", "recos", "data")


def formatter_for(inputs: ReportInputs, lang: str | None) -> Formatter:
    return Formatter.with_thresholds(inputs.plan, lang, inputs)


def render(inputs: ReportInputs, lang: str | None = None) -> str:
    with one_environment():
        return _render(inputs, lang)


def _render(inputs: ReportInputs, lang: str | None) -> str:
    fmt = formatter_for(inputs, lang)
    words = labels(fmt.lang)
    sections = [
        sections_plan.overview(inputs, fmt),
        sections_plan.segments(inputs, fmt),
        sections_plan.axes(inputs, fmt),
        sections_kpis.kpis(inputs, fmt),
        sections_actions.actions(inputs, fmt),
        sections_actions.five_q_gaps(inputs, fmt),
        sections_actions.recommendations(inputs, fmt),
        sections_data.data(inputs, fmt),
    ]
    page = render_template("report/page.html", {
        "lang": fmt.lang, "w": words, "plan": inputs.plan, "csp": markup(CSP), "css": markup(CSS),
        "quarter": quarter_heading(inputs, fmt), "status": status_line(inputs, fmt),
        "since": report_since(inputs, fmt),
        "overlap": overlap_lines(inputs, fmt),
        "period": fmt.date_range(inputs.plan.period.start, inputs.plan.period.end),
        "colon": "\u00a0:" if fmt.lang == "fr" else ":",
        "toc": [(s, sections_actions.section_title(inputs, s, words)) for s in SECTIONS],
        "cards": kpi_cards(inputs, fmt), "sections": [markup(html) for html in sections]})
    return scrub_page(page)


def quarter_heading(inputs: ReportInputs, fmt: Formatter) -> str:
    """The quarter the report is about: the calendar one (``T2 2027`` / ``Q2 2027``), or on a fiscal plan its own
    (``T1 de l'exercice 2027-2028`` / ``Q1 of fiscal year 2027-2028``: what ``--quarter T1`` asked for), with its
    months when they are no calendar quarter (a year from February: ``Q2 of fiscal year 2027-2028 (May–July
    2027)``)."""
    plan, as_of = inputs.plan, inputs.evaluation.as_of
    k = fiscal_quarter(plan, as_of)
    if k is None:
        return fmt.quarter(as_of)
    zone = ZoneInfo(plan.timezone)
    years = f"{plan.period.start.astimezone(zone).year}-{last_day(plan.period.end, zone).year}"
    head = f"T{k} de l'exercice {years}" if fmt.lang == "fr" else f"Q{k} of fiscal year {years}"
    if plan.period.quarters:   # a declared calendar (4-4-5): the quarter's days, which no month names
        first, last = fiscal_quarter_days(plan, k)
        after = last + timedelta(days=1)
        shown = fmt.date_range(datetime(first.year, first.month, first.day, tzinfo=zone),
                               datetime(after.year, after.month, after.day, tzinfo=zone))
        return f"{head} ({shown})"
    if not quarter_phase(plan.period):
        return head
    return f"{head} ({fmt.month_span(*fiscal_quarter_days(plan, k), width='MMMM')})"


def calendar_quarter_note(plan: Plan, quarter: str, lang: str | None = None) -> str | None:
    """The note ``pac report`` prints on stderr when ``--quarter`` names a calendar quarter with its year, not the
    same-numbered quarter of a fiscal plan (fiscal audit F3): "note: Q3 2027 is the calendar quarter Jul–Sep 2027,
    the plan's Q2 (fiscal year 2027-2028); for the plan's Q3 (Oct–Dec 2027) write --quarter Q3", in ``lang`` (the
    plan's by default). None otherwise (a calendar plan, ``Q3``, ``Q3 FY2027-28``)."""
    asked = calendar_quarter_asked(plan, quarter)
    if asked is None:
        return None
    n, year, k, fiscal, own = asked
    fmt = Formatter.for_plan(plan, lang)
    months = fmt.month_span(date(year, 3 * n - 2, 1), date(year, 3 * n, 1))
    written, years = " ".join(quarter.split()), f"{fiscal}-{fiscal + 1}"
    if fmt.lang == "fr":
        return (f"note : {written} est le trimestre civil {months}, le T{k} du plan (exercice {years}) ; pour le "
                f"T{n} du plan ({fmt.month_span(*own)}), écrivez --quarter T{n}")
    return (f"note: {written} is the calendar quarter {months}, the plan's Q{k} (fiscal year {years}); for the plan's "
            f"Q{n} ({fmt.month_span(*own)}) write --quarter Q{n}")


def _additional_tone(inputs: ReportInputs, additional: Decimal | None, progress: float | None) -> str:
    """The « CA supplémentaire » card's tone: bad below last year (negative additional revenue) or when the plan's
    period is over with its objective missed; else from the plan's pace, as an axis's (``kpis.pace``: progress
    against the share of the plan's period elapsed): good on track (or done, or not started), warn at risk."""
    if additional is not None and additional < 0:
        return "bad"
    if progress is None:
        return "warn"
    period, as_of = inputs.plan.period, inputs.evaluation.as_of
    pace = kpis.pace(progress, 1.0, period.elapsed_share(as_of), period, as_of)
    return {Pace.LATE: "bad", Pace.AT_RISK: "warn"}.get(pace, "good")


def kpi_cards(inputs: ReportInputs, fmt: Formatter) -> list[tuple[str, str, str, str]]:
    """The headline cards: (label, value, note, tone), tone one of good, warn, bad."""
    words = labels(fmt.lang)
    totals = plan_totals(inputs)
    progress = totals["progress"]
    tone = _additional_tone(inputs, totals["additional"], progress)
    notes = []
    if progress is not None:
        notes.append(f'{fmt.progress(progress)} {words["kpi_of_objective"]}')
    if totals["objective"]:
        notes.append(f'{words["kpi_objective"]} {fmt.objective_beside(totals["objective"], totals["places"])}')
    if totals["counted_once"]:
        notes.append(words["kpi_counted_once"])
    cards = [(words["kpi_additional"], fmt.money(totals["additional"], totals["places"]), " · ".join(notes), tone)]
    roi = totals["roi"]
    note = plan_roi_note(inputs)     # below each axis: say what they count twice (audit meeting F6)
    roi_note = words["kpi_roi_note"] if note is None or note.overlap < 1 else \
        f'{words["kpi_roi_note"]} · {words["kpi_roi_overlap"].format(overlap=fmt.money(note.overlap))}'
    uncosted = uncosted_card_note(inputs, fmt)     # unknown for want of a cost: say so (audit m3cost)
    if uncosted:
        roi_note = f"{roi_note} · {uncosted}"
    roi_text = fmt.no_cost if costs_nothing(inputs) else fmt.percent(roi)
    cards.append((words["kpi_roi"], roi_text, roi_note, "bad" if roi is not None and roi < 0 else "good"))
    counts = pace_counts(action_rows(inputs))
    live = sum(n for p, n in counts.items() if p is not Pace.INACTIVE)
    fine = counts.get(Pace.DONE, 0) + counts.get(Pace.ON_TRACK, 0)
    # not-started actions stay in the count (the plan's actions) and are named, as the late ones
    behind = [counted(f"pace_{p.value}", counts[p], fmt.lang, fmt.number(counts[p]))
              for p in (Pace.AT_RISK, Pace.LATE, Pace.NOT_STARTED) if counts.get(p)]
    cards.append((words["kpi_actions"], f"{fine} / {live}", " · ".join([words["kpi_actions_note"], *behind]),
                  "bad" if counts.get(Pace.LATE) else ("warn" if counts.get(Pace.AT_RISK) else "good")))
    run, title = inputs.last_run, run_words(inputs, fmt)[1]
    if run is None:
        cards.append((title, "–", words["no_sync"], "warn"))
    else:
        status = enum_label("sync_status", run.status, fmt.lang)
        cards.append((title, status, fmt.datetime(run.finished_at or run.started_at),
                      "good" if run.status == "ok" else "warn"))
    return cards
