"""What the report shows, computed once from ``ReportInputs`` and shared by HTML, xlsx and CSV.

Rows carry the plan's objects and the engine's results side by side; no formatting happens here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pac_core.engine import figures_last_day
from pac_core.money import apart, shown_additional, shown_digits, shown_objective, shown_total, shown_totals
from pac_core.periods import iso_week_label
from pac_core.plan import Action, Axis, AxisState, Counting, Segment, suspension_lapsed
from pac_core.plan_end import period_closed
from pac_core.reject_codes import engine_rule
from pac_core.reject_words import reason_words
from pac_core.results import ActionProgress, AxisProgress, Evaluation, Pace, SegmentProgress
from pac_core.revenue import last_day
from pac_core.rounding import half_up
from pac_core.snapshots import current_quarter, declared_quarters, is_plan_quarter, label_of, quarter_phase
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import counted, de, enum_label, for_next_plan, labels
from sync_jobs.report_inputs import ReportInputs, SnapshotPoint

PACE_ORDER = (Pace.LATE, Pace.AT_RISK, Pace.ON_TRACK, Pace.DONE, Pace.NOT_STARTED, Pace.INACTIVE)


@dataclass(frozen=True)
class AxisRow:
    axis: Axis
    segment: Segment
    progress: AxisProgress | None

    @property
    def pace(self) -> Pace | None:
        return self.progress.pace if self.progress else None


@dataclass(frozen=True)
class ActionRow:
    action: Action
    axis: Axis
    who_name: str
    progress: ActionProgress | None

    @property
    def pace(self) -> Pace | None:
        return self.progress.pace if self.progress else None


@dataclass(frozen=True)
class RepGroup:
    email: str
    name: str
    rows: tuple[ActionRow, ...]

    def counts(self) -> Counter[Pace]:
        return pace_counts(self.rows)


@dataclass(frozen=True)
class TrendPoint:
    label: str          # as the engine wrote it: "2027-Q1"
    revenue: Decimal    # year-to-date revenue won in the segment's scope at that date
    additional: Decimal


@dataclass(frozen=True)
class MonthPoint:
    """The plan's actions at the end of one month (a monthly snapshot), or now for the running month."""

    label: str                                   # "2027-04"
    paces: dict[Pace, int]                       # actions per pace
    reps: dict[str, tuple[float, float]]         # rep e-mail -> (sum of done capped at target, sum of targets)
    now: bool = False


def plan_over(inputs: ReportInputs) -> bool:
    """The plan's period is over at the report's instant (the evaluation's, a closed quarter's snapshot taken at the
    plan's end included): its recommendations are then worded for the next plan (``i18n.for_next_plan``)."""
    return period_closed(inputs.plan, inputs.evaluation.as_of)


def reco_words(inputs: ReportInputs) -> tuple[str, str]:
    """The enum kind of the rules' names and the recommendations' heading key: the next plan's when it is over."""
    return ("rule_next", "sec_recos_next") if plan_over(inputs) else ("rule", "sec_recos")


def reco_text(inputs: ReportInputs, text: str, lang: str) -> str:
    """A recommendation's sentence as the report shows it: as the advisor wrote it, or for the next plan."""
    return for_next_plan(text, lang) if plan_over(inputs) else text


def person_name(inputs: ReportInputs, email: str) -> str:
    """The display name of a person: the plan's people, then the CRM's, then the e-mail itself."""
    for person in inputs.plan.people:
        if person.email == email and person.name:
            return person.name
    return inputs.people.get(email) or email


def taken_over(inputs: ReportInputs, action: Action, fmt: Formatter) -> str:
    """``reprise de Julie Martin le 10 novembre 2026``: the action's hand-overs by the figures' last day, beside it in
    the actions table, the CSV and the workbook (audit reviewmonth: Marc's A-04 read « 2 / 3 Manquée » in the Q4
    report, one of the two visits Julie's, with no word that he had it from 10 November only); "" without any."""
    day = figures_last_day(inputs.plan, inputs.evaluation.as_of, ZoneInfo(inputs.plan.timezone))
    words = labels(fmt.lang)["taken_over"]
    shown = []
    for hand in sorted(action.handed_over, key=lambda h: h.on):
        if hand.on <= day:
            name = person_name(inputs, hand.from_)
            shown.append(words.format(name=name, de=de(name), day=fmt.date(hand.on)))
    return (" ; " if fmt.lang == "fr" else "; ").join(shown)


def axis_rows(inputs: ReportInputs, segment_id: str | None = None) -> list[AxisRow]:
    plan, ev = inputs.plan, inputs.evaluation
    results = {a.axis_id: a for a in ev.axes}
    return [AxisRow(axis, plan.segment(axis.segment_id), results.get(axis.id))
            for axis in plan.axes if segment_id is None or axis.segment_id == segment_id]


def segment_progress(evaluation: Evaluation, segment_id: str) -> SegmentProgress | None:
    return next((s for s in evaluation.segments if s.segment_id == segment_id), None)


def roi_basis(inputs: ReportInputs, segment: SegmentProgress | None) -> Decimal | None:
    """The additional revenue a segment's ROI is computed on (its live axes', each over its own scope and period,
    ``SegmentProgress.roi_additional``) when it is not, to the unit shown, the row's additional revenue (an axis of
    the second quarter only, axes on part of the scope); None when the row is what the ROI reads, or it has no ROI
    (audit meeting F1). Shown as beside its axes' cards (``money.shown_total``): a segment of one axis over its whole
    scope reads that axis's 5 068 €, as its row does, not a basis of 5 069 € « et non sur les 5 068 € du segment »
    (audit roundings)."""
    if segment is None or segment.roi is None or segment.roi_additional is None:
        return None
    totals = inputs.evaluation.plan
    ids = {a.id for a in inputs.plan.axes if a.segment_id == segment.segment_id}
    counted = totals.axis_ids if totals is not None else ()
    parts = [(a.revenue, a.baseline) for a in inputs.evaluation.axes if a.axis_id in ids and a.axis_id in counted]
    basis = shown_total(parts, segment.roi_additional) if parts else half_up(segment.roi_additional, 0)
    if segment.roi_additional == segment.additional or basis == shown_additional(segment.revenue, segment.baseline):
        return None
    return basis


def segment_objective(inputs: ReportInputs, segment: SegmentProgress | None) -> Decimal | None:
    """A segment's objective as its card and the Segments sheet show it: its live axes' objectives each rounded to the
    unit, added up (``money.shown_objective``), as the plan's total; the engine's figure for data without totals."""
    if segment is None or segment.objective is None:
        return None
    totals = inputs.evaluation.plan
    if totals is None:
        return segment.objective
    ids = [a.id for a in inputs.plan.axes if a.segment_id == segment.segment_id]
    shown = shown_objective(totals, inputs.evaluation.axes, ids)
    return segment.objective if shown is None else shown


def action_rows(inputs: ReportInputs) -> list[ActionRow]:
    """Every action with its result, ordered by rep name, then by when the window opens."""
    plan = inputs.plan
    results = {a.action_id: a for a in inputs.evaluation.actions}
    rows = [ActionRow(a, plan.axis(a.axis_id), person_name(inputs, a.who), results.get(a.id)) for a in plan.actions]
    return sorted(rows, key=lambda r: (r.who_name.casefold(), r.action.window.start, r.action.id))


def by_rep(rows: Iterable[ActionRow]) -> list[RepGroup]:
    groups: dict[str, list[ActionRow]] = {}
    for row in rows:
        groups.setdefault(row.action.who, []).append(row)
    return [RepGroup(email, items[0].who_name, tuple(items)) for email, items in groups.items()]


def by_axis(inputs: ReportInputs, rows: Iterable[ActionRow]) -> list[tuple[Axis, Counter[Pace]]]:
    counts: dict[str, Counter[Pace]] = {a.id: Counter() for a in inputs.plan.axes}
    for row in rows:
        if row.pace is not None:
            counts[row.axis.id][row.pace] += 1
    return [(axis, counts[axis.id]) for axis in inputs.plan.axes if counts[axis.id]]


def pace_counts(rows: Iterable[ActionRow]) -> Counter[Pace]:
    return Counter(r.pace for r in rows if r.pace is not None)


def axis_status(axis: Axis, fmt: Formatter, today: date | None = None) -> str:
    """``Prioritaire n° 1``, ``Suspendu jusqu'au 30 juin 2027``, ``Abandonné``...; a suspension or a drop with its
    day, ``Suspendu (depuis le 12 mai 2027)``: a quarter closed before it shows the axis live beside it; a suspension
    whose until-day is past on ``today``, ``Actif (suspendu jusqu'au 30 avril 2027)``; a day still
    to come on ``today`` (the evaluation's day, ``status_day``), ``Suspendu à partir du 1er juin 2027``: the axis is
    live until then (audit reverify N2)."""
    st = axis.status
    ahead = st.since is not None and today is not None and today < st.since
    if st.state is AxisState.PRIORITISED:
        text = enum_label("state", "prioritised", fmt.lang, rank=st.rank or "?")
    elif st.state is AxisState.SUSPENDED and st.until is not None:
        text = enum_label("state", "suspended_until", fmt.lang, until=fmt.date(st.until))
        if today is not None and suspension_lapsed(st, today):   # live again, as the figures and the CRMs say
            return f'{enum_label("state", "active", fmt.lang)} ({text[:1].lower()}{text[1:]})'
    else:
        text = enum_label("state", st.state.value, fmt.lang)
    if ahead and st.since is not None and st.state is not AxisState.ACTIVE:
        day = labels(fmt.lang)["from_day"].format(day=fmt.date(st.since))
        return f"{text} ({day})" if st.state is AxisState.SUSPENDED and st.until is not None else f"{text} {day}"
    if st.since is not None and st.state in (AxisState.SUSPENDED, AxisState.DROPPED):
        text += f' ({labels(fmt.lang)["since_day"].format(day=fmt.date(st.since))})'
    return text


def status_day(inputs: ReportInputs) -> date:
    """The day the report's statuses are judged on: the evaluation's, as the figures (``figures_last_day``)."""
    return figures_last_day(inputs.plan, inputs.evaluation.as_of, ZoneInfo(inputs.plan.timezone))


def action_what(action: Action, fmt: Formatter) -> str:
    """``5 visites · comptes distincts``: the countable part of the 5Q statement."""
    words = labels(fmt.lang)
    counting = words["distinct_accounts"] if action.counting is Counting.DISTINCT_ACCOUNTS else words["each_activity"]
    what = counted(f"activity_{action.activity_type.value}", action.target, fmt.lang, fmt.number(action.target))
    return f"{what} · {counting}"


def action_when(action: Action, fmt: Formatter) -> str:
    """The window as days (``3–9 mai 2027``), with the words the manager wrote when they differ."""
    days = fmt.date_range(action.window.start, action.window.end)
    label = iso_week_label(action.window.label.strip(), fmt.lang)     # "(ISO week 18)" in English: usplan audit F5
    return f"{days} ({label})" if label and label not in days else days


def is_live(row: AxisRow) -> bool:
    """An axis that counts in the plan's totals and rankings: not dropped, not suspended (until its day)."""
    if row.progress is not None:
        return row.progress.pace is not Pace.INACTIVE
    return row.axis.status.state in (AxisState.ACTIVE, AxisState.PRIORITISED)


def costs_nothing(inputs: ReportInputs, segment_id: str | None = None) -> bool:
    """Whether the plan's (or a segment's) ROI has nothing to divide by: every live axis with an objective costs 0,
    so it reads « sans coût » / "no cost" as each of those axes does, not « – », which says unknown (a cost not
    written, a period too young)."""
    rows = [r for r in axis_rows(inputs, segment_id)
            if is_live(r) and r.axis.objective is not None and r.progress is not None]
    return bool(rows) and all(r.progress is not None and r.progress.cost is not None and r.progress.cost == 0
                              for r in rows)


def uncosted(inputs: ReportInputs, segment_id: str | None = None) -> list[AxisRow]:
    """The live axes with an objective (those the plan's or the segment's totals count) whose cost is not written: no
    budget, nor effort days and day cost. While there is one, the plan's (or the segment's) cost and ROI are unknown
    (``pac_core.totals``), and the report says which axes and what to write (audit m3cost, 7 Dec 2026)."""
    return [r for r in _counted_rows(inputs, segment_id) if r.progress is not None and r.progress.cost is None]


def _counted_rows(inputs: ReportInputs, segment_id: str | None = None) -> list[AxisRow]:
    """The live axes with an objective: those the plan's (or a segment's) totals count."""
    return [r for r in axis_rows(inputs, segment_id)
            if is_live(r) and r.axis.objective is not None and r.progress is not None]


def _quoted(name: str, lang: str) -> str:
    return f"« {name} »" if lang == "fr" else f'"{name}"'


def uncosted_card_note(inputs: ReportInputs, fmt: Formatter) -> str:
    """The headline ROI card's note when the plan's ROI is unknown for want of a cost: « coût non renseigné pour 1 axe
    actif sur 2 : voir la note sous le tableau »; "" otherwise."""
    missing, rows = uncosted(inputs), _counted_rows(inputs)
    if not missing or plan_totals(inputs)["roi"] is not None:
        return ""
    words = labels(fmt.lang)
    if len(missing) == len(rows):
        return words["kpi_roi_none_costed"]
    return words["kpi_roi_uncosted"].format(axes=counted("live_axis", len(missing), fmt.lang), total=len(rows))


def uncosted_plan_line(inputs: ReportInputs, fmt: Formatter) -> str:
    """Why the plan's ROI is unknown when live axes have no cost written, and what to write, "" otherwise: « ROI du
    plan inconnu (–) : pas de coût renseigné pour 1 axe actif sur 2, « Laboratoires » (Pharma), dont la marge
    compterait sans le coût ; coût renseigné : 20 000 € pour 1 axe. Écrivez dans le fichier du plan, … »."""
    missing, rows = uncosted(inputs), _counted_rows(inputs)
    if not missing or plan_totals(inputs)["roi"] is not None:
        return ""
    words = labels(fmt.lang)
    if len(missing) == len(rows):
        line = words["roi_none_costed_note"].format(total=counted("axis", len(rows), fmt.lang))
    else:
        costed = [r for r in rows if r not in missing]
        names = _listed([f"{_quoted(r.axis.name, fmt.lang)} ({r.segment.name})" for r in missing], words)
        cost = sum((r.progress.cost or Decimal(0) for r in costed if r.progress is not None), Decimal(0))
        line = words["roi_uncosted_note"].format(
            axes=counted("live_axis", len(missing), fmt.lang), total=len(rows), names=names, cost=fmt.money(cost),
            costed=counted("axis", len(costed), fmt.lang))
    return f'{line} {words["roi_uncosted_fix"]}'


def uncosted_segment_note(inputs: ReportInputs, segment_id: str, fmt: Formatter) -> str:
    """A segment card's note when its ROI is unknown for want of a cost: « ROI à date inconnu (–) : pas de coût
    renseigné pour « Laboratoires » ; écrivez-le … »; "" otherwise."""
    missing = uncosted(inputs, segment_id)
    seg = segment_progress(inputs.evaluation, segment_id)
    if not missing or (seg is not None and seg.roi is not None):
        return ""
    words = labels(fmt.lang)
    return words["roi_segment_uncosted"].format(names=_listed([_quoted(r.axis.name, fmt.lang) for r in missing],
                                                              words))


def plan_totals(inputs: ReportInputs, cents: bool = True) -> dict[str, Any]:
    """The headline: additional revenue, objective, progress and ROI over the live axes, each deal once.

    The engine's ``Evaluation.plan`` (``pac_core.totals``) counts each won deal once over the union of the
    live axes' scopes, so overlapping axes (Rhône-Alpes and pharma hold the same laboratory) are not added
    twice, and leaves suspended and dropped axes out (``left_out``). Data written before it existed (an old
    snapshot) falls back to adding the live axes' figures: ``counted_once`` is then False.
    ROI to date = (additional × margin − Σ cost to date of the live axes) / Σ cost to date.
    ``cents``: a plan missing its objective by cents has its additional revenue and objective to the cent (``places``,
    as an axis's card, ``Formatter.cents``); False for a sheet whose rows are to the unit (their SUM is its total).
    """
    rows = axis_rows(inputs)
    left_out = [r for r in rows if not is_live(r)]
    done = inputs.evaluation.plan
    if done is not None:
        # no live axis with an objective (a plan pac plan import just made, every axis suspended or dropped): nothing
        # is totalled, « – » rather than « 0 € » beside segments that sold; else the figure as shown beside the axes'
        # cards (``money.shown_totals``: a plan of one axis reads its card, 5 068 €, not the exact 5 068,89 € rounded)
        shown = shown_totals(done, inputs.evaluation.axes)[0]
        objective = shown_objective(done, inputs.evaluation.axes) if done.objective is not None else None
        places = 0
        if (cents and objective and done.objective is not None and done.additional < done.objective
                and shown >= objective):
            # to the unit it would read as much as an objective it did not reach: to the cent, as an axis's card
            # (``Formatter.cents``; decided 7 Dec 2026, audit surfaces2)
            places = shown_digits(inputs.plan.currency)
            shown = shown_totals(done, inputs.evaluation.axes, places)[0]
            objective = shown_objective(done, inputs.evaluation.axes, decimals=places)
        return {"additional": shown if done.axis_ids else None, "objective": objective, "places": places,
                "progress": done.progress, "roi": done.roi, "cost": done.cost, "overlap": done.overlap,
                "counted_once": True, "left_out": left_out}
    additional = objective = cost = spent_sum = Decimal(0)
    weighted = 0.0
    for row in rows:
        obj, prog = row.axis.objective, row.progress
        if prog is None or not is_live(row):
            continue
        if obj is not None:
            additional += shown_additional(prog.revenue, prog.baseline)     # the cards added up
            objective += obj.additional_revenue
        # each axis's ROI weighted by the cost it was computed on: its cost to date (an old snapshot without it
        # holds the ROI on the whole cost)
        spent = prog.cost_to_date if prog.cost_to_date is not None else prog.cost
        if spent and prog.roi is not None:
            weighted += prog.roi * float(spent)
            spent_sum += spent
            cost += prog.cost or 0
    # a live axis whose cost is not written leaves the ROI unknown, as the engine's totals (audit m3cost)
    known = spent_sum and not uncosted(inputs)
    return {
        "additional": additional,
        "objective": objective or None,
        "progress": float(additional / objective) if objective else None,
        "roi": weighted / float(spent_sum) if known else None,
        "cost": cost if known else None, "overlap": None, "counted_once": False, "left_out": left_out, "places": 0,
    }


def segment_roi_notes(inputs: ReportInputs) -> list[tuple[str, float, list[float]]]:
    """Segments whose ROI is below each of their live axes' ROI: (segment name, its ROI, the axes' ROI).

    A segment's ROI counts each deal of its live axes once; each axis counts every deal of its own scope,
    so when scopes overlap the axes each claim the same gains and the segment can fall below all of them.
    """
    notes = []
    for segment in inputs.plan.segments:
        seg = segment_progress(inputs.evaluation, segment.id)
        rois = [r.progress.roi for r in axis_rows(inputs, segment.id)
                if is_live(r) and r.progress is not None and r.progress.roi is not None]
        if seg is not None and seg.roi is not None and len(rois) > 1 and reads_below(seg.roi, rois, inputs):
            notes.append((segment.name, seg.roi, rois))
    return notes


def reads_below(roi: float, rois: list[float], inputs: ReportInputs) -> bool:
    """A plan's or segment's ``roi`` is below each of its axes' ``rois``: by half a point at least, and as the page
    shows them (the total's ROI rounded once, each axis's as the axes' table, ``money.apart``): 12,7 % beside axes at
    13,3 % and 20 % both read « 13 % », and « ROI 13 % alors que ses axes sont à 13 % et 20 % » said below what reads
    equal (decided 7 Dec 2026, audit surfaces2)."""
    shown = min(apart(r, inputs.roi_limits) for r in rois)
    return roi < min(rois) - 0.005 and half_up(roi, percent=True) < shown


@dataclass(frozen=True)
class PlanRoiNote:
    """Why the plan's ROI is below each of its live axes' (``plan_roi_note``)."""

    roi: float
    axes: list[float]              # the live axes' ROI, in the plan's order
    segments: list[float]          # the segments' ROI (those that have one), in the plan's order
    overlap: Decimal               # the axes' cards added up less the plan's headline: what they count twice


def plan_roi_note(inputs: ReportInputs) -> PlanRoiNote | None:
    """The plan's ROI when it is below each of its live axes' ROI (two at least), as ``segment_roi_notes`` for a
    segment: each axis counts every deal of its scope, the plan each deal once, so where scopes overlap the axes each
    claim the same gains and the headline falls below all of them (audit meeting F6: -127 % under axes at -100 %,
    8 % and 508 %); None otherwise, or for data written before the plan's totals existed."""
    totals = inputs.evaluation.plan
    if totals is None or totals.roi is None:
        return None
    rois = [r.progress.roi for r in axis_rows(inputs)
            if is_live(r) and r.progress is not None and r.progress.roi is not None]
    if len(rois) < 2 or not reads_below(totals.roi, rois, inputs):
        return None
    segments = [s.roi for s in (segment_progress(inputs.evaluation, g.id) for g in inputs.plan.segments)
                if s is not None and s.roi is not None]
    return PlanRoiNote(totals.roi, rois, segments, shown_totals(totals, inputs.evaluation.axes)[1])


def _listed(figures: list[str], words: Mapping[str, str]) -> str:
    """« 8 %, 79 % et 508 % » / "8%, 79% and 508%"."""
    return figures[0] if len(figures) == 1 else f'{", ".join(figures[:-1])} {words["and"]} {figures[-1]}'


def plan_roi_line(inputs: ReportInputs, fmt: Formatter) -> str:
    """Why the plan's ROI is below each of its axes' (``view.plan_roi_note``), "" when it is not: « ROI du plan -127 %
    alors que ses axes sont à -100 %, 8 % et 508 %, et ses segments à 79 % et 8 %. 30 000 € de CA supplémentaire
    sont comptés par plusieurs axes à la fois (chacun dans son ROI) et une seule fois dans le plan ; … »."""
    note = plan_roi_note(inputs)
    if note is None:
        return ""
    words = labels(fmt.lang)
    segments = (words["roi_plan_segments"].format(segments=_listed([fmt.percent(r) for r in note.segments], words))
                if note.segments else "")
    axes = _listed([fmt.roi_percent(r) for r in note.axes], words)    # as the axes' table: « 49,96 % » (surfaces2)
    line = words["roi_plan_note"].format(roi=fmt.percent(note.roi), axes=axes, segments=segments)
    verdict = words["roi_below_cost"] if note.roi < 0 else words["roi_below_axes"]
    if note.overlap >= 1:
        return f'{line} {words["roi_plan_overlap"].format(overlap=fmt.money(note.overlap), verdict=verdict)}'
    return f'{line} {words["roi_plan_scopes"].format(verdict=verdict)}'


def snapshots_to_date(inputs: ReportInputs) -> list[SnapshotPoint]:
    """The snapshots a report can show: those evaluated at or before its own instant. A report of a past
    quarter (``pac report --quarter 2027-Q2``, evaluated at 1 July 00:00) leaves out the snapshots of the
    months and quarters after it, which the store already holds. A snapshot's instant is its evaluation's
    ``as_of`` (its period's closing instant, aware), not ``taken_at``, which the store may give back naive."""
    as_of = inputs.evaluation.as_of
    return [s for s in inputs.snapshots if s.evaluation.as_of <= as_of]


def trend(inputs: ReportInputs, segment_id: str) -> list[TrendPoint]:
    """Year-to-date revenue of a segment at each quarterly snapshot of the plan's quarters up to the report's
    instant, then now (monthly if no quarter). On a year from February or March, quarterly snapshots of calendar
    quarters (kept by hand or before pac knew the plan's quarters) are none of the plan's: left out; on a plan
    declaring its fiscal_calendar, any but its declared quarters' (``2027-05-02..2027-07-31``).

    The report's own evaluation is always the last point: when its instant closes a kept snapshot's period (a
    closed quarter re-evaluated, ``--restated``, or ``pac report`` of an ended plan at its end), it replaces that
    snapshot's point, so the chart's last bar is the segment table's revenue above it (audit janmeet F5: a
    « T4 2026 » bar of 127 k€ under « CA réalisé 144 000 € »); for a kept snapshot's report it is the same figure."""
    shown = snapshots_to_date(inputs)
    phase, declared = quarter_phase(inputs.plan.period), declared_quarters(inputs.plan.period)

    def own(label: str) -> bool:   # a declared fiscal calendar's quarters are its own, by their days
        return label in declared if declared else is_plan_quarter(label, phase)

    snaps = ([s for s in shown if s.kind == "quarterly" and own(s.label)]
             or [s for s in shown if s.kind != "quarterly"])
    points: list[TrendPoint] = []
    for snap in sorted(snaps, key=lambda s: s.taken_at):
        seg = segment_progress(snap.evaluation, segment_id)
        if seg is not None:
            points.append(TrendPoint(snap.label, seg.revenue, seg.additional))
    now = segment_progress(inputs.evaluation, segment_id)
    if now is not None:
        label = current_label(inputs, quarterly=not snaps or snaps[0].kind == "quarterly")
        if points and points[-1].label == label:
            points.pop()
        points.append(TrendPoint(label, now.revenue, now.additional))
    return points


def action_trend(inputs: ReportInputs) -> list[MonthPoint]:
    """The plan's actions month by month: at the end of each month that has a monthly snapshot (oldest first),
    then now (snapshots after the report's instant left out, as in ``trend``). Each point counts the actions of
    today's plan by their pace then, and per rep the share of their targets reached (done capped at each action's
    target, so one over-achieved action does not hide a missed one) over the actions begun by then (not inactive,
    not still to come: a rep whose actions all lie ahead has no share, « – », rather than 0 %). Actions a snapshot
    does not know (added to the plan later) are left out of that point. Empty when no monthly snapshot up to the
    report's instant has been kept yet. As in ``trend``, the report's own evaluation is the point of its month: at a
    closed month's end it replaces that month's snapshot (a restated December reads the action table's 5 / 8, not
    the kept 4 / 8), labelled by the month alone (not « aujourd'hui »: it is that month's end)."""
    months = sorted((s for s in snapshots_to_date(inputs) if s.kind == "monthly"), key=lambda s: (s.taken_at, s.label))
    if not months:
        return []
    points = [_month_point(inputs, snap.label, snap.evaluation) for snap in months]
    label = current_label(inputs, quarterly=False)
    if points[-1].label == label:
        points[-1] = _month_point(inputs, label, inputs.evaluation)
    else:
        points.append(_month_point(inputs, label, inputs.evaluation, now=True))
    return points


def _month_point(inputs: ReportInputs, label: str, evaluation: Evaluation, *, now: bool = False) -> MonthPoint:
    results = {a.action_id: a for a in evaluation.actions}
    paces: Counter[Pace] = Counter()
    reps: dict[str, tuple[float, float]] = {}
    for action in inputs.plan.actions:
        found = results.get(action.id)
        if found is None:
            continue
        paces[found.pace] += 1
        # the share of what was due: an action not begun by then (nothing due yet) is out of it, as an inactive one;
        # a rep with no action begun has no share (« – »), not 0 % (audit report N1)
        if found.pace not in (Pace.INACTIVE, Pace.NOT_STARTED):
            done, target = reps.get(action.who, (0.0, 0.0))
            reps[action.who] = (done + min(float(found.done), float(found.target)), target + float(found.target))
    return MonthPoint(label, dict(paces), reps, now)


def current_label(inputs: ReportInputs, *, quarterly: bool = True) -> str:
    """The label of the "now" point: the quarter (or month) of the last day the evaluation counts
    (``revenue.last_day``, as the header's ``Formatter.quarter``): a report as of 1 July 00:00, a closed second
    quarter's end, counts the days up to 30 June, so its point is ``2027-Q2`` (``2027-06``), not the next one. A
    quarter is the plan's (``snapshots.quarter_phase``): on a year from February, as of 1 August,
    ``2027-05..2027-07``."""
    day = last_day(inputs.evaluation.as_of, ZoneInfo(inputs.plan.timezone))
    if quarterly and inputs.plan.period.quarters:   # a declared fiscal calendar's quarter, by its days
        return current_quarter(day, inputs.plan.period)[0]
    return label_of("quarterly" if quarterly else "monthly", day, quarter_phase(inputs.plan.period))


def rejected_groups(inputs: ReportInputs, lang: str = "en") -> list[tuple[str, str, str, int]]:
    """Records the connectors refused, grouped by (source, object, reason), most frequent first, the reason in
    ``lang`` (``reject_words.reason_words``: a connector's made from its code). The run's rejections also hold
    the stored records the engine set aside: those (an engine rule's reason, ``no_account: …``, and the same source
    and id as one of ``inputs.evaluation.rejected``) are left out here, ``refused_groups`` lists them, so none is
    shown twice; so are those the run keeps in their connector's words (``reject_codes.WORDED_RULES``: HubSpot's
    « deal associated with contact … only » is the engine's ``no_account``, audit hsdealnocompany). Source and id
    alone are not a record: HubSpot numbers each object type on its own, and its meeting 604 rejected by the
    connector was left out with its deal 604 set aside by the engine (audit reasonsfr F3): the rule must match too."""
    set_aside = {(d.source, d.record_id, d.rule) for d in inputs.evaluation.rejected}
    counts = Counter((r.source, r.object, reason_words(r.reason, lang, r.code, r.values)) for r in inputs.rejected
                     if (r.source, r.id, engine_rule(r.reason, r.code, r.values)) not in set_aside)
    return [(*key, n) for key, n in counts.most_common()]


def refused_groups(evaluation: Evaluation) -> list[tuple[str, int]]:
    """Records the engine set aside for the whole plan, grouped by rule."""
    return Counter(d.rule for d in evaluation.rejected).most_common()


def warning_groups(evaluation: Evaluation) -> list[tuple[str, int]]:
    """Records counted with a data-quality warning (``Evaluation.warnings``: won deals with no amount, credits,
    amounts taken from or differing from their line items), grouped by rule. The activities still planned on a
    past date (``planned_past``) count nowhere: the sync's warnings list them, not this table of counted records."""
    return Counter(d.rule for d in evaluation.warnings if d.counted).most_common()


CORE_5Q = frozenset({"who", "what", "how_many", "when", "target", "measure", "owner", "date"})
COMPLEMENT_5Q = frozenset({"info_needed", "info_source"})


def gaps(inputs: ReportInputs) -> list[dict[str, Any]]:
    """Linter results that are not complete 5Q actions, with what each lacks.

    First intentions, objectives and actions lacking who / what / how many / when (they cannot be measured
    as written), then actions lacking only the 5Q complement (what information is needed to prepare the
    action, and from whom): they can be done and counted, but the rep does not know what to prepare.
    ``complement`` is True for the latter.
    """
    vague, complement = [], []
    for item in inputs.lint:
        kind = str(item.get("kind", "")).lower() or "action"
        missing = [str(m) for m in item.get("missing") or () if m]
        row = {"id": item.get("id") or item.get("action_id") or "", "text": str(item.get("text", "")),
               "kind": kind, "missing": missing, "complement": False}
        if kind != "action" or CORE_5Q.intersection(missing):
            vague.append(row)
        elif COMPLEMENT_5Q.intersection(missing):
            complement.append({**row, "complement": True})
    return vague + complement
