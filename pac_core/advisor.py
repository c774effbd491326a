"""The manager's advisor: one coherent recommendation per axis per evaluation, with its evidence.

The rules, in their order of precedence (the first that fires for an axis is its recommendation; the
others that fired for it are kept in ``Recommendation.overruled`` with their own evidence, so a manager
sees what was weighed and why it lost):

1. **suspend**: a product of the axis loaded at or above ``suspend_load`` of its production capacity in the
   plan's current quarter (a calendar quarter, or the plan's own on a fiscal year or a declared 4-4-5 year) ((won
   + open quantity x ``committed_weight``) / capacity, capacity from the plan's
   ``context`` or the settings), or a market **threat** declared on the axis or its segment;
2. **drop**: ROI to date (the margin to date against the cost to date, ``pac_core.kpis``) below ``drop_max_roi``
   once ``drop_min_elapsed`` of the objective's period has elapsed, in
   favour of the best axis the advisor keeps (live, neither dropped nor suspended here, ROI not negative and
   better; an axis with no cost bringing positive additional revenue is a free return, the best of all), else
   saying that no better axis is kept;
3. **reassign**: a rep leaving (declared in the plan, or inactive in the CRM) still owns open actions of the
   axis that end after the leaving day;
4. **prioritise**: the segment's revenue is down ``prioritise_min_decline`` or more vs baseline once
   ``prioritise_min_elapsed`` of the plan's period (the trend's span) has elapsed (not from one bank holiday against
   last year's), or the segment lost a key account, or a market **opportunity** is declared on the axis or its
   segment (facts, not a trend: no wait);
5. **roll out**: ROI to date >= ``rollout_min_roi`` and paid back within ``rollout_max_months_to_roi`` months, once
   ``rollout_min_elapsed`` of the objective's period has elapsed (the ROI to date is the period's at the current
   pace: a projection, not made on a few weeks' deals), towards the other segments, **of any kind**, growing less
   than ``rollout_lagging_growth``, not already running an equivalent axis (same own
   scope and same products, whatever its state or ROI), and holding accounts of the axis's own kind (its own
   conditions hold at least one of the segment's accounts at the axis's reference date: no dormant customers' axis
   towards a segment with no dormant customer). An axis with no cost bringing positive additional revenue meets the
   ROI and payback conditions (« sans coût » / "no cost", paid back in 0 months); a segment with no revenue last year
   (baseline <= 0: growth from nothing has no percentage) is no target, listed in the evidence as left out.

An axis whose own objective period is over (``axis_closed``: evaluated after its end instant, as ``plan_ended`` for
the plan, or at that instant when its period ends before the plan's: the report of the quarter that closes it) can no
longer be acted on: it gets none of these forward-looking verdicts and is no axis to drop another
in favour of; it gets its closing verdict instead (``Rule.CLOSED``), in the past tense, with its final figures: its
objective reached or not, as a share of it, and its final ROI (decision of 6 Dec 2026, docs/engine.md). When its
final figures meet the roll-out rule's conditions (those of a running axis), the verdict adds the roll-out worded for
what comes next: « à reconduire et déployer vers … » / "worth repeating and rolling out to …" (decision of the same
day); an ended axis that did not work gets its verdict alone, never a drop.

Why this order: protect production and declared threats first (a suspension is a hard constraint), then
stop losing money (an axis that does not pay back is not prioritised, even in a falling segment), then keep
the plan staffed, then push where revenue falls, and only then export what works. Only live axes are considered,
by the engine's own rule (``plan.axis_inactive``: not dropped, and not suspended unless the suspension's ``until``
day is past), so an axis whose suspension has ended is advised on, and is a candidate to drop another in favour
of, like any active axis; prioritise leaves out an axis already prioritised. Evidence holds the figures and the
thresholds used (JSON-safe); summaries are one sentence in the plan's language (fr or en).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pac_core.kpis import FORECAST_MIN_SHARE
from pac_core.money import decimals_below, money, months, percent, percent_apart, shown_additional, shown_digits
from pac_core.periods import day_words
from pac_core.plan import (
    Action,
    ActionStatus,
    Axis,
    AxisState,
    ContextKind,
    Impact,
    Plan,
    Segment,
    action_status_on,
    axis_inactive,
)
from pac_core.plan_end import plan_ended, plan_started
from pac_core.report_period import quarter_phrase
from pac_core.results import ActionProgress, AxisProgress, Pace, Recommendation, Rule, SegmentProgress
from pac_core.rounding import half_up
from pac_core.text import fold_value


class AdvisorSettings(Protocol):
    """The thresholds the advisor reads (``pac_core.engine.EngineSettings`` has them): a protocol rather than an
    import of the engine, which imports the advisor."""

    @property
    def rollout_min_roi(self) -> float: ...
    @property
    def rollout_max_months_to_roi(self) -> float: ...
    @property
    def rollout_lagging_growth(self) -> float: ...
    @property
    def rollout_min_elapsed(self) -> float: ...
    @property
    def drop_max_roi(self) -> float: ...
    @property
    def drop_min_elapsed(self) -> float: ...
    @property
    def prioritise_min_decline(self) -> float: ...
    @property
    def prioritise_min_elapsed(self) -> float: ...
    @property
    def suspend_load(self) -> float: ...
    @property
    def committed_weight(self) -> Decimal: ...
    @property
    def capacity(self) -> Mapping[str, Decimal]: ...
    @property
    def roi_limits(self) -> tuple[tuple[float, bool], ...]: ...

# CLOSED is an axis's only recommendation once its own period is over (the others are not kept for it)
PRECEDENCE = (Rule.CLOSED, Rule.SUSPEND, Rule.DROP, Rule.REASSIGN, Rule.PRIORITISE, Rule.ROLL_OUT)


@dataclass(frozen=True)
class LostAccount:
    """A key account lost: declared in the plan or marked by a CRM field; its revenue is what must be replaced."""

    name: str
    account_id: str
    source: str
    on: date | None
    segment_ids: tuple[str, ...]      # segments whose scope holds the account
    revenue_12m: Decimal              # won revenue in the 12 months before the loss (or before today)
    declared: str                     # "plan" or "crm"
    note: str = ""


@dataclass(frozen=True)
class RepLeaving:
    email: str
    on: date | None                   # None: already gone (inactive in the CRM)
    declared: str                     # "plan" or "crm"
    note: str = ""


@dataclass(frozen=True)
class AdvisorContext:
    """The context changes in force, resolved by the engine against the records; ``accounts_in(axis, segment)``: how
    many live accounts the axis's own conditions (its scope without its segment's part) hold in ``segment`` at the
    axis's reference date (dormancy judged there), computed by the engine only for the roll-out's candidate
    segments; None: not known (every candidate kept)."""

    lost_accounts: tuple[LostAccount, ...] = ()
    leaving: tuple[RepLeaving, ...] = ()
    accounts_in: Callable[[Axis, Segment], int] | None = None


def pct(value: float, lang: str) -> str:
    """A ratio as a whole percentage, written as the report writes it (``money.percent``)."""
    return percent(value, lang)


def roi_pct(value: float, lang: str, s: AdvisorSettings) -> str:
    """An axis's ROI quoted beside another rule's figures, as the report's axes table writes it (``money.apart`` against
    the roll-out's and the drop's thresholds): an axis at 49.96 % « 49,96 % », not the roll-out's « 50 % » it did not
    reach (audit surfaces2)."""
    return percent_apart(value, lang, s.roi_limits)


JUST_BELOW = {"fr": "juste sous {limit}", "en": "just below {limit}"}


def pct_below(value: float, limit: float, lang: str, *, change: bool = False) -> str:
    """``value``, a ratio below ``limit``, as a percentage that reads below it (``money.decimals_below``): « -0,3 % »
    beside a threshold of « 0 % », « juste sous 0 % » / "just below 0%" where two decimals still read 0 %. ``change``:
    signed as a growth (« +4,99 % »). Seen as « ROI à date 0 % … seuil 0 % » in a drop's sentence before 6 Dec 2026."""
    def text(ratio: float, decimals: int) -> str:
        shown = pct(ratio, lang) if decimals == 0 else percent(ratio, lang, decimals)
        return f"+{shown}" if change and half_up(ratio, decimals, percent=True) > 0 else shown
    decimals = decimals_below(value, limit)
    if decimals is None:
        return JUST_BELOW[lang].format(limit=text(limit, 0))
    return text(value, decimals)


def elapsed_text(share: float, lang: str) -> str:
    """The share of a period elapsed, which reads « 100 % » only once the period is over: on its last day (99.86 % of
    a year at noon) the axis is still advised on, and « après 100 % de la période » read as over (decided 6 Dec 2026,
    audit advicefiscal); below 1 it takes the fewest decimals that read below 100 % (``pct_below``)."""
    return pct_below(share, 1.0, lang) if share < 1 else pct(share, lang)


def since_start(plan: Plan, axis: Axis, lang: str) -> str:
    """From when the payback's months count (``kpis.time_to_roi_months``: from the start of the axis's objective's
    period, else the plan's), as the report's column says it: « depuis le 1er janvier » / "from January 1", « depuis le
    1er avril » on a year from April (audit meeting F7: « rentabilisé en 5,7 mois » read as months from today)."""
    period = axis.objective.period if axis.objective else plan.period
    day = day_words(period.start.astimezone(ZoneInfo(plan.timezone)).date(), lang, year=False)
    return f"depuis le {day}" if lang == "fr" else f"from {day}"


LANGUAGES = ("fr", "en")        # every sentence is written in each (``Recommendation.other``)


def advise(plan: Plan, axes: Sequence[AxisProgress], segments: Sequence[SegmentProgress], *,
           settings: AdvisorSettings, as_of: datetime, load: Mapping[str, Mapping[str, Decimal]],
           quarter_label: str, today: date | None = None,
           context: AdvisorContext = AdvisorContext(), actions: Sequence[ActionProgress] = ()) -> list[Recommendation]:
    """At most one recommendation per axis (the rule of highest precedence that fires), in plan order of axes;
    none once the plan's period is over (``pac_core.plan_end``: the plan can no longer be acted on), nor before it
    begins (nothing of it has happened: no figure to advise on).
    ``actions``: the actions' progress (an action whose target is reached needs no new owner). Each sentence is
    written in the plan's language (``summary``, what the CRM shows) and in the other one (``other``: a report
    read with ``--lang`` in the other language gives the advice in that language too)."""
    if plan_ended(plan, as_of) or not plan_started(plan, as_of):     # outside its period (pac_core.plan_end says so)
        return []
    kwargs: dict[str, Any] = {"settings": settings, "as_of": as_of, "load": load, "quarter_label": quarter_label,
                              "today": today, "context": context, "actions": actions}
    out = _advise(plan, axes, segments, **kwargs)
    for lang in LANGUAGES:
        if lang == plan.language:
            continue
        other = {(r.rule, r.axis_id): r for rec in _advise(_in_language(plan, lang), axes, segments, **kwargs)
                 for r in (rec, *rec.overruled)}
        out = [_translated(rec, other, lang) for rec in out]
    return out


def _in_language(plan: Plan, lang: str) -> Plan:
    """``plan`` in ``lang`` (one of ``LANGUAGES``), every other field the same: a copy, not ``dataclasses.replace``,
    whose ``Plan.__post_init__`` would check every invariant of the plan again (5,000 actions: 1.5 % of an
    evaluation). The plan passed them, and ``plan.check_invariants`` reads the language only to ask that it be fr
    or en, which ``lang`` is."""
    assert lang in LANGUAGES
    twin = copy.copy(plan)
    object.__setattr__(twin, "language", lang)
    return twin


def _translated(rec: Recommendation, other: Mapping[tuple[Rule, str], Recommendation], lang: str) -> Recommendation:
    """``rec`` (and its overruled rules) with the same recommendation's sentence in ``lang``."""
    twin = other.get((rec.rule, rec.axis_id))
    return replace(rec, other={**rec.other, lang: twin.summary} if twin else rec.other,
                   overruled=tuple(_translated(o, other, lang) for o in rec.overruled))


def _advise(plan: Plan, axes: Sequence[AxisProgress], segments: Sequence[SegmentProgress], *,
            settings: AdvisorSettings, as_of: datetime, load: Mapping[str, Mapping[str, Decimal]],
            quarter_label: str, today: date | None, context: AdvisorContext,
            actions: Sequence[ActionProgress]) -> list[Recommendation]:
    progress = {a.axis_id: a for a in axes}
    trends = {s.segment_id: s for s in segments}
    today = today or as_of.date()
    closed = frozenset(a.id for a in plan.axes if axis_closed(plan, a, as_of))
    candidates: list[Recommendation] = []
    candidates += _suspend(plan, load, settings, quarter_label, today)
    suspended = frozenset(r.axis_id for r in candidates)
    candidates += _drop(plan, progress, settings, as_of, today, suspended, closed)
    candidates += _reassign(plan, context, today,
                            frozenset(a.action_id for a in actions if a.done >= a.target) if context.leaving
                            else frozenset(), as_of)
    candidates += _prioritise(plan, trends, settings, context, today, plan.period.elapsed_share(as_of))
    candidates += _roll_out(plan, progress, trends, settings, as_of, today, context.accounts_in)
    # no forward-looking verdict for them, but the roll-out their final figures call for, worded for what comes next
    rolled = {rec.axis_id: rec for rec in candidates if rec.rule is Rule.ROLL_OUT and rec.axis_id in closed}
    candidates = [rec for rec in candidates if rec.axis_id not in closed]
    candidates += [_closing(plan, axis, progress[axis.id], settings, rolled.get(axis.id))
                   for axis in _live(plan, today) if axis.id in closed]
    by_axis: dict[str, list[Recommendation]] = {}
    for rec in candidates:
        by_axis.setdefault(rec.axis_id, []).append(rec)
    out = []
    for axis in plan.axes:
        recs = sorted(by_axis.get(axis.id, ()), key=lambda r: PRECEDENCE.index(r.rule))
        if recs:
            out.append(replace(recs[0], overruled=tuple(recs[1:])))
    return out


def axis_closed(plan: Plan, axis: Axis, as_of: datetime) -> bool:
    """Whether nothing of the axis's own objective period is left at ``as_of``: after its end instant, as
    ``plan_ended`` for the plan, or at that instant itself when the period ends before the plan's (the report of the
    quarter that closes it, `pac report --quarter 2027-Q1` at 1 April 00:00, and its snapshot: ``period_closed``
    for the plan; audit reporthand). An axis whose period ends with the plan's keeps its rules at the plan's end
    instant, worded for the next plan by the year-end report. An axis with no objective runs over the plan's
    period."""
    if axis.objective is None:
        return False
    end = axis.objective.period.end
    return as_of > end or (as_of == end and end < plan.period.end)


def _closing(plan: Plan, axis: Axis, p: AxisProgress, s: AdvisorSettings,
             rolled: Recommendation | None = None) -> Recommendation:
    """The closing verdict of an axis whose own period is over, in the past tense with its final figures: « L'axe …
    s'est terminé le 31 mars 2027 : il n'a pas atteint son objectif (12 % de l'objectif : CA supplémentaire 12 000 €
    sur 100 000 €), ROI final -28 %. » (an axis told « Abandonner … après 100 % de la période » in August for a first
    quarter's axis, and kept so in the CRM all year, before 6 Dec 2026). The share of the objective reads below
    100 % when it was not reached (``pct_below``).

    ``rolled``: the roll-out rule fired for it on its final figures (the same conditions as for a running axis): the
    verdict then goes on with what comes next, « …, ROI final 620 %, rentabilisé en 0,4 mois depuis le 1er janvier ;
    à reconduire et déployer vers « Savoie », « Ain », où la croissance est inférieure à 5 %. » / "…; worth repeating
    and rolling out to …" (decision of 6 Dec 2026: the manager's question at an axis's end is whether to roll it out
    elsewhere, pac-method.md; it was the verdict alone). An axis that did not work gets its verdict alone."""
    lang = plan.language
    assert axis.objective is not None      # axis_closed
    end = axis.objective.period.end
    last = (end - timedelta(microseconds=1)).astimezone(ZoneInfo(plan.timezone)).date()
    objective = p.objective
    reached = objective is not None and objective > 0 and p.additional >= objective
    shown, digits = _shown(p), 0
    if not reached and objective is not None and objective > 0 and shown >= half_up(objective):
        # missed by cents, « 100 000 € sur 100 000 € » to the euro: both to the cent, as the share reads below 100 %
        digits = shown_digits(plan.currency)
        shown = shown_additional(p.revenue, p.baseline, digits)
    added = money(shown, plan.currency, lang, digits)
    if objective is None or objective <= 0 or p.progress is None:
        how = (f"il n'avait pas d'objectif chiffré (CA supplémentaire {added})" if lang == "fr"
               else f"it had no objective in figures (additional revenue {added})")
    else:
        share = pct(p.progress, lang) if reached else pct_below(p.progress, 1.0, lang)
        target = money(objective, plan.currency, lang, digits)
        if lang == "fr":
            verb = "a atteint" if reached else "n'a pas atteint"
            how = f"il {verb} son objectif ({share} de l'objectif : CA supplémentaire {added} sur {target})"
        else:
            how = (f"it {'reached' if reached else 'did not reach'} its objective ({share} of the objective: "
                   f"additional revenue {added} of {target})")
    free = p.cost is not None and p.cost == 0
    if free:
        roi = ", sans coût" if lang == "fr" else ", at no cost"
    elif p.roi is not None:     # as the axes' table: 49.96 % « 49,96 % », not « 50 % » (audit surfaces2)
        final = roi_pct(p.roi, lang, s)
        roi = f", ROI final {final}" if lang == "fr" else f", final ROI {final}"
    else:
        roi = ""
    then = ""
    if rolled is not None:
        names = ", ".join(_quoted(plan, plan.segment(s).name) for s in rolled.evidence["to_segments"])
        below = pct(rolled.evidence["lagging_growth_below"], lang)
        paid = "" if free else f" {months(p.time_to_roi_months or 0, lang)} {since_start(plan, axis, lang)}"
        if lang == "fr":
            then = (f"{', rentabilisé en' + paid if paid else ''} ; à reconduire et déployer vers {names}, où la "
                    f"croissance est inférieure à {below}")
        else:
            then = (f"{', paid back in' + paid if paid else ''}; worth repeating and rolling out to {names}, where "
                    f"growth is below {below}")
    if lang == "fr":
        summary = f"L'axe {_name(plan, axis)} s'est terminé le {day_words(last, lang)} : {how}{roi}{then}."
    else:
        summary = f"Axis {_name(plan, axis)} ended on {day_words(last, lang)}: {how}{roi}{then}."
    evidence: dict[str, Any] = {"period_end": last.isoformat(), "reached": reached,
                                "objective": str(objective) if objective is not None else None,
                                "additional": str(shown), "progress": p.progress,
                                "final_roi": None if free else p.roi,
                                "cost": str(p.cost) if p.cost is not None else None}
    if digits:
        evidence["to_the_cent"] = True      # its amounts read to the cent (``sync_jobs.report.evidence``)
    if rolled is not None:
        # the roll-out's own evidence, less what the verdict already holds (its ROI is the final one, its figures the
        # verdict's) and the elapsed minimum (its whole period is over)
        evidence.update({k: v for k, v in rolled.evidence.items()
                         if k not in ("roi", "cost", "additional", "min_elapsed")})
    return Recommendation(Rule.CLOSED, axis.id, axis.segment_id, summary, evidence)


def _name(plan: Plan, axis: Axis) -> str:
    return f"« {axis.name} »" if plan.language == "fr" else f'"{axis.name}"'


def _quoted(plan: Plan, text: str) -> str:
    return f"« {text} »" if plan.language == "fr" else f'"{text}"'


def _live(plan: Plan, today: date) -> list[Axis]:
    """The axes the engine counts as live today (its pace and plan totals): the same rule, not a copy of it."""
    return [a for a in plan.axes if not axis_inactive(a, today)]


def equivalent(a: Axis, b: Axis) -> bool:
    """Two axes are equivalent when their own scopes hold the same conditions and they sell the same products
    (the segment aside): « Clients dormants » of Rhône-Alpes and of Sud-Ouest are the same axis. Conditions and
    products compare as scopes do, text folded (case and accents) and a list of values as a set: « secteur Chimie »
    and « secteur chimie », « [Chimie, Pharmacie] » and « [Pharmacie, Chimie] » are one condition."""
    def key(axis: Axis) -> tuple[frozenset[tuple[str, str, frozenset[Any]]], frozenset[str]]:
        return (frozenset((c.field, c.op, frozenset(fold_value(v) if isinstance(v, str) else v for v in c.values))
                          for c in axis.scope.conditions),
                frozenset(fold_value(p) for p in axis.products))
    return key(a) == key(b)


def _roll_out(plan: Plan, progress: Mapping[str, AxisProgress], trends: Mapping[str, SegmentProgress],
              s: AdvisorSettings, as_of: datetime, today: date,
              accounts_in: Callable[[Axis, Segment], int] | None = None) -> list[Recommendation]:
    """Rule 5. A lagging segment where the axis's own conditions hold no account at its reference date (a dormant
    customers' axis towards a segment with no dormant customer) is no target: it is listed in the evidence
    (``no_account_in_scope``), not in the sentence (audit meeting F3)."""
    out = []
    lang = plan.language
    for axis in _live(plan, today):
        p = progress[axis.id]
        segment = plan.segment(axis.segment_id)
        free = _free(p)     # no cost, revenue brought: meets the ROI and payback conditions (paid back in 0 months)
        if not free and (p.roi is None or p.time_to_roi_months is None or p.roi < s.rollout_min_roi
                         or p.time_to_roi_months > s.rollout_max_months_to_roi):
            continue
        if axis.objective is not None and axis.objective.period.elapsed_share(as_of) < max(s.rollout_min_elapsed,
                                                                                           FORECAST_MIN_SHARE):
            # the ROI to date projects the pace: not on a few weeks' deals; and never before a tenth, where no rule
            # judges an axis, a free one (no ROI to wait for) included, whatever the setting
            continue
        if not p.activities_done:
            # none of the axis's actions has counted an activity yet: its scope's growth is the market's, not
            # the axis's doing, and there is nothing carried out to roll out elsewhere
            continue
        lagging, running, empty, unknown = [], {}, [], []
        for seg in plan.segments:
            trend = trends[seg.id].trend
            if seg.id != segment.id and trend is None:
                unknown.append(seg.id)     # no revenue last year: growth from nothing has no percentage
            if seg.id == segment.id or trend is None or trend >= s.rollout_lagging_growth:
                continue
            twin = next((o for o in plan.axes if o.segment_id == seg.id and equivalent(o, axis)), None)
            if twin is not None:
                running[seg.id] = {"axis": twin.id, "state": twin.status.state.value, "roi": progress[twin.id].roi}
            elif accounts_in is not None and not accounts_in(axis, seg):
                empty.append(seg.id)
            else:
                lagging.append(seg)
        if not lagging:
            continue
        names = ", ".join(_quoted(plan, g.name) for g in lagging)
        since = since_start(plan, axis, lang)
        added = money(_shown(p), plan.currency, lang)
        if lang == "fr":
            why = (f"sans coût, CA supplémentaire {added}" if free else
                   f"ROI à date {pct(p.roi or 0, lang)}, rentabilisé en {months(p.time_to_roi_months or 0, lang)} "
                   f"{since}")
            summary = (f"Déployer l'axe {_name(plan, axis)} ({why} sur « {segment.name} ») vers {names}, "
                       f"où la croissance est inférieure à {pct(s.rollout_lagging_growth, lang)}.")
        else:
            why = (f"no cost, additional revenue {added}" if free else
                   f"ROI to date {pct(p.roi or 0, lang)}, paid back in {months(p.time_to_roi_months or 0, lang)} "
                   f"{since}")
            summary = (f"Roll out axis {_name(plan, axis)} ({why} in \"{segment.name}\") to {names}, "
                       f"where growth is below {pct(s.rollout_lagging_growth, lang)}.")
        # a target whose revenue went below 0 (credits) has fallen by an amount, not « -130 % » (decision 6 Dec 2026)
        fell = {g.id: str(shown_additional(trends[g.id].revenue, trends[g.id].baseline)) for g in lagging
                if trends[g.id].revenue < 0}
        out.append(Recommendation(Rule.ROLL_OUT, axis.id, segment.id, summary, {
            "roi": p.roi, "time_to_roi_months": 0.0 if free else p.time_to_roi_months,
            **({"cost": str(p.cost), "additional": str(_shown(p))} if free else {}),
            "min_roi": s.rollout_min_roi, "max_months_to_roi": s.rollout_max_months_to_roi,
            "lagging_growth_below": s.rollout_lagging_growth, "min_elapsed": s.rollout_min_elapsed,
            "to_segments": [g.id for g in lagging],
            "to_segment_kinds": {g.id: g.kind.value for g in lagging},
            "growth": {g.id: trends[g.id].trend for g in lagging},
            "growth_amount": fell,
            "already_running": running,
            "no_account_in_scope": empty,
            "no_revenue_last_year": unknown,
        }))
    return out


def _drop(plan: Plan, progress: Mapping[str, AxisProgress], s: AdvisorSettings,
          as_of: datetime, today: date, suspended: frozenset[str] = frozenset(),
          closed: frozenset[str] = frozenset()) -> list[Recommendation]:
    """The drop rule, each dropped axis "in favour of" the best axis the advisor keeps: a live axis it neither
    drops nor suspends (``suspended``: the axes the suspend rule fires for), whose ROI is known, not negative and
    better than the dropped one's, or whose cost is 0 with positive additional revenue: a free return, ranked
    above any ROI (its ROI is not a finite number; audit E F5: it was never a target), the bigger additional
    revenue first; never an axis whose own period is over (``closed``: nothing of it is left to put the effort
    into). With none, the sentence says so: an axis told to drop is never named as the
    one to put the effort into (audit F2: « drop Automotive in favour of Food growth », then « drop Food growth »)."""
    out = []
    lang = plan.language
    live = _live(plan, today)
    fired: list[tuple[Axis, float, float]] = []
    for axis in live:
        roi = progress[axis.id].roi
        if axis.objective is None or roi is None:
            continue
        if progress[axis.id].pace is Pace.DONE:
            # its objective is reached: the team did what the plan asked, and a negative ROI is the objective's
            # (its margin below its cost: `pac plan check` warns of it), not a reason to stop (audit meeting F2)
            continue
        elapsed = axis.objective.period.elapsed_share(as_of)
        if elapsed < s.drop_min_elapsed or roi >= s.drop_max_roi:
            continue
        fired.append((axis, roi, elapsed))
    stopped = suspended | closed | {axis.id for axis, _, _ in fired}
    kept = [(other_roi, o) for o in live
            if o.id not in stopped and (other_roi := progress[o.id].roi) is not None and other_roi >= 0]
    # free returns: no cost, positive additional revenue; ranked above every ROI, by additional revenue
    kept += [(math.inf, o) for o in live if o.id not in stopped and _free(progress[o.id])]
    free_rank = {o.id: float(progress[o.id].additional) for _, o in kept if _free(progress[o.id])}
    # the one axis every dropped axis is "in favour of" (when its ROI is better), its figure and the threshold worded
    # once for all the sentences, as each elapsed share
    # a tie goes to the axis the plan lists first (decided 7 Dec 2026, audit advisehand: it went to the greater id)
    listed = {a.id: -k for k, a in enumerate(plan.axes)}
    best = max(kept, key=lambda pair: (pair[0], free_rank.get(pair[1].id, 0.0), listed[pair[1].id]), default=None)
    best_why = ""
    if best is not None and any(best[0] > roi for _, roi, _ in fired):
        if best[1].id in free_rank:
            added = money(_shown(progress[best[1].id]), plan.currency, lang)
            best_why = (f"sans coût, CA supplémentaire {added}" if lang == "fr"
                        else f"no cost, additional revenue {added}")
        else:
            best_why = f"{'ROI à date' if lang == 'fr' else 'ROI to date'} {roi_pct(best[0], lang, s)}"
    threshold = pct(s.drop_max_roi, lang) if fired else ""
    shares: dict[float, str] = {}
    for axis, roi, elapsed in fired:
        p = progress[axis.id]
        better = best if best is not None and best[0] > roi else None
        free = better is not None and better[1].id in free_rank
        why = best_why if better is not None else ""
        share = shares.get(elapsed)
        if share is None:
            share = shares[elapsed] = elapsed_text(elapsed, lang)
        if lang == "fr":
            summary = (f"Abandonner l'axe {_name(plan, axis)} (ROI à date {pct_below(roi, s.drop_max_roi, lang)} "
                       f"après {share} de la période, seuil {threshold})")
            summary += (f" au profit de {_name(plan, better[1])} ({why})." if better
                        else " : aucun meilleur axe n'est conservé pour reprendre l'effort.")
        else:
            summary = (f"Drop axis {_name(plan, axis)} (ROI to date {pct_below(roi, s.drop_max_roi, lang)} after "
                       f"{share} of the period, threshold {threshold})")
            summary += (f" in favour of {_name(plan, better[1])} ({why})." if better
                        else ": no better axis is kept to take over the effort.")
        evidence: dict[str, Any] = {"roi": p.roi, "elapsed_share": elapsed, "max_roi": s.drop_max_roi,
                                    "min_elapsed": s.drop_min_elapsed, "additional": str(_shown(p)),
                                    "cost": str(p.cost) if p.cost is not None else None,
                                    "cost_to_date": str(p.cost_to_date) if p.cost_to_date is not None else None,
                                    "in_favour_of": better[1].id if better else None,
                                    "in_favour_of_roi": better[0] if better and not free else None}
        if free and better is not None:
            evidence["in_favour_of_additional"] = str(_shown(progress[better[1].id]))
        out.append(Recommendation(Rule.DROP, axis.id, axis.segment_id, summary, evidence))
    return out


def _shown(p: AxisProgress) -> Decimal:
    """The axis's additional revenue as its card shows it (``money.shown_additional``: revenue and baseline each rounded
    to the unit, then subtracted), the figure every sentence and evidence row quotes: 10 000,40 - 4 931,51 reads
    5 068 €, where the exact 5 068,89 € rounds to 5 069 € (audit advisehand: a drop « au profit de « X » (sans coût,
    CA supplémentaire 5 069 €) » beside its card's 5 068 €)."""
    return shown_additional(p.revenue, p.baseline)


def _free(p: AxisProgress) -> bool:
    """No cost and positive additional revenue: a return for nothing (its ROI is not a finite number)."""
    return p.cost is not None and p.cost == 0 and p.additional > 0


def _in_quarter(plan: Plan, label: str) -> str:
    """« en 2027-Q3 » / "in 2027-Q3" on a calendar plan; on a fiscal plan its own quarter, as the report's header
    names it (« au T2 de l'exercice 2027-2028 » / "in Q2 of fiscal year 2027-2028")."""
    name = quarter_phrase(plan, label, plan.language)
    if plan.language == "fr":
        return f"en {name}" if name == label else f"au {name}"
    return f"in {name}"


def _events(plan: Plan, impact: Impact, today: date) -> list[Any]:
    return [c for c in plan.context if c.kind is ContextKind.MARKET_EVENT and c.impact is impact and c.applies(today)]


def _concerns(change: Any, axis: Axis) -> bool:
    return change.axis_id == axis.id or (change.axis_id is None and change.segment_id == axis.segment_id)


def _prioritise(plan: Plan, trends: Mapping[str, SegmentProgress], s: AdvisorSettings, context: AdvisorContext,
                today: date, elapsed: float) -> list[Recommendation]:
    """``elapsed``: the share of the plan's period elapsed, the span of the segments' trends: a decline is not read
    before ``prioritise_min_elapsed`` of it (on 1 January at 02:00 a segment that sold on 1 January last year was
    « down 100 % »: audit year-end F4)."""
    out = []
    lang = plan.language
    opportunities = _events(plan, Impact.OPPORTUNITY, today)
    for axis in _live(plan, today):
        if axis.status.state is AxisState.PRIORITISED:
            continue
        segment = plan.segment(axis.segment_id)
        sp = trends[segment.id]
        reasons_fr, reasons_en = [], []
        evidence: dict[str, Any] = {"revenue": str(sp.revenue), "baseline": str(sp.baseline), "trend": sp.trend,
                                    "min_decline": s.prioritise_min_decline, "triggers": []}
        if sp.trend is not None and sp.trend <= -s.prioritise_min_decline and elapsed >= s.prioritise_min_elapsed:
            evidence["triggers"].append("segment_decline")
            threshold = pct(s.prioritise_min_decline, lang)
            if sp.revenue < 0:
                # below 0 (credits above sales): fallen by an amount, not « recule de 130 % » (decision 6 Dec 2026)
                fell = money(-shown_additional(sp.revenue, sp.baseline), plan.currency, lang)
                before, now = (money(v, plan.currency, lang) for v in (sp.baseline, sp.revenue))
                reasons_fr.append(f"le chiffre d'affaires de « {segment.name} » recule de {fell} (de {before} à "
                                  f"{now} ; seuil {threshold})")
                reasons_en.append(f"revenue of \"{segment.name}\" is down {fell} (from {before} to {now}; "
                                  f"threshold {threshold})")
            else:
                reasons_fr.append(f"le chiffre d'affaires de « {segment.name} » recule de {pct(-sp.trend, lang)} "
                                  f"(seuil {threshold})")
                reasons_en.append(f"revenue of \"{segment.name}\" is down {pct(-sp.trend, lang)} "
                                  f"(threshold {threshold})")
        lost = [a for a in context.lost_accounts if segment.id in a.segment_ids
                and (a.on is None or a.on <= today)]
        if lost:
            evidence["triggers"].append("lost_key_account")
            evidence["lost_accounts"] = [{"account": a.name, "id": a.account_id, "on": a.on.isoformat() if a.on
                                          else None, "revenue_12m": str(a.revenue_12m), "declared": a.declared}
                                         for a in lost]
            total = sum((a.revenue_12m for a in lost), Decimal(0))
            names = ", ".join(a.name for a in lost)
            reasons_fr.append(f"compte clé perdu ({names}, {money(total, plan.currency, 'fr')} sur 12 mois à "
                              "remplacer)")
            reasons_en.append(f"key account lost ({names}, {money(total, plan.currency, 'en')} over 12 months to "
                              "replace)")
        events = [c for c in opportunities if _concerns(c, axis)]
        if events:
            evidence["triggers"].append("market_opportunity")
            evidence["market_events"] = [{"note": c.note, "on": c.on.isoformat() if c.on else None,
                                          "until": c.until.isoformat() if c.until else None} for c in events]
            notes = "; ".join(c.note for c in events if c.note)
            reasons_fr.append("opportunité de marché" + (f" : {notes}" if notes else ""))
            reasons_en.append("market opportunity" + (f": {notes}" if notes else ""))
        if not evidence["triggers"]:
            continue
        if lang == "fr":
            summary = f"Prioriser l'axe {_name(plan, axis)} : " + " ; ".join(reasons_fr) + "."
        else:
            summary = f"Prioritise axis {_name(plan, axis)}: " + "; ".join(reasons_en) + "."
        out.append(Recommendation(Rule.PRIORITISE, axis.id, segment.id, summary, evidence))
    return out


def _capacities(plan: Plan, s: AdvisorSettings, today: date) -> dict[str, Decimal]:
    """Production capacity per product for the current quarter, keyed by the product folded (case and accents, as
    the load's lines and the axes' products are compared): the plan's context (in force today) over the settings'."""
    out = {fold_value(str(k)): Decimal(v) for k, v in s.capacity.items()}
    for change in plan.context:
        if change.kind is ContextKind.CAPACITY and change.product and change.capacity is not None \
                and change.applies(today):
            out[fold_value(change.product)] = change.capacity
    return out


def _suspend(plan: Plan, load: Mapping[str, Mapping[str, Decimal]], s: AdvisorSettings,
             quarter_label: str, today: date) -> list[Recommendation]:
    out = []
    lang = plan.language
    capacities = _capacities(plan, s, today)
    threats = _events(plan, Impact.THREAT, today)
    worded: tuple[str, str] | None = None     # the quarter and the threshold, worded once for every sentence
    for axis in _live(plan, today):
        overloaded: list[dict[str, Any]] = []
        for product in axis.products:
            capacity = capacities.get(fold_value(product))
            if not capacity or capacity <= 0:
                continue
            row = load.get(fold_value(product), {})   # the load is keyed by every key of a line, folded
            won, committed = row.get("won", Decimal(0)), row.get("committed", Decimal(0))
            ratio = float((won + committed) / Decimal(capacity))
            if ratio >= s.suspend_load:
                overloaded.append({"product": product, "won": str(won), "committed": str(committed),
                                   "capacity": str(capacity), "load": ratio})
        events = [c for c in threats if _concerns(c, axis)]
        if not overloaded and not events:
            continue
        evidence: dict[str, Any] = {"quarter": quarter_label, "products": overloaded, "min_load": s.suspend_load,
                                    "committed_weight": str(s.committed_weight), "triggers": []}
        if overloaded:
            evidence["triggers"].append("capacity")
            top = max(overloaded, key=lambda row: row["load"])
            if worded is None:
                worded = _in_quarter(plan, quarter_label), pct(s.suspend_load, lang)
            quarter, threshold = worded
            if lang == "fr":
                summary = (f"Suspendre l'axe {_name(plan, axis)} : la production de {top['product']} est chargée à "
                           f"{pct(top['load'], lang)} de sa capacité {quarter} (seuil {threshold}).")
            else:
                summary = (f"Suspend axis {_name(plan, axis)}: production of {top['product']} is loaded at "
                           f"{pct(top['load'], lang)} of capacity {quarter} (threshold {threshold}).")
        if events:
            evidence["triggers"].append("market_threat")
            evidence["market_events"] = [{"note": c.note, "on": c.on.isoformat() if c.on else None,
                                          "until": c.until.isoformat() if c.until else None} for c in events]
            until = max((c.until for c in events if c.until), default=None)
            notes = "; ".join(c.note for c in events if c.note)
            if lang == "fr":
                text = "menace de marché" + (f" : {notes}" if notes else "")
                text += f" (jusqu'au {day_words(until, lang)})" if until else ""
                summary = (summary[:-1] + f" ; {text}." if overloaded
                           else f"Suspendre l'axe {_name(plan, axis)} : {text}.")
            else:
                text = "market threat" + (f": {notes}" if notes else "")
                text += f" (until {day_words(until, lang)})" if until else ""
                summary = (summary[:-1] + f"; {text}." if overloaded
                           else f"Suspend axis {_name(plan, axis)}: {text}.")
        out.append(Recommendation(Rule.SUSPEND, axis.id, axis.segment_id, summary, evidence))
    return out


HAND_OVER_HINT = {"fr": "Dans le plan, changez who: et ajoutez handed_over: ",
                  "en": "In the plan, change who: and add handed_over: "}
"""How the *reassign* sentence says to hand the actions over (docs/plan-format.md, *Handing an action over*); the
report drops it when it words the advice for the next plan."""


def _open_until(action: Action, zone: ZoneInfo) -> date:
    """The day after the action's last open day: its window's end, or the day its status in the plan closes it (a
    ``since`` day of ``done`` or ``cancelled``, « on arrête A-04 à partir du 1er juin »), if earlier."""
    end = action.window.end.astimezone(zone).date()
    if action.status in (ActionStatus.DONE, ActionStatus.CANCELLED) and action.status_since is not None:
        return min(end, action.status_since)
    return end


def _reassign(plan: Plan, context: AdvisorContext, today: date, reached: frozenset[str] = frozenset(),
              as_of: datetime | None = None) -> list[Recommendation]:
    """The open actions of a rep who leaves before their window ends, to hand over: neither done nor cancelled in the
    plan, nor already at their target (``reached``: nothing is left to do), and whose window is not over today (a
    late action can no longer be done in its window: nothing to hand over; it was told all year after a declared
    departure, audit oracle-advice), nor at ``as_of`` itself when it ends before the plan's end (the report of the
    quarter that closes it, at its end instant: nothing of it is left, as ``axis_closed`` says of an axis; audit
    advicefiscal). An action ending with the plan is kept at the plan's end instant, for the next plan."""
    out: list[Recommendation] = []
    lang = plan.language
    if not context.leaving:     # nobody leaves: nothing to hand over (and no action's last day to read)
        return out
    zone = ZoneInfo(plan.timezone)
    last_day = {a.id: _open_until(a, zone) for a in plan.actions    # exclusive end, local
                if as_of is None or not (a.window.end <= as_of and a.window.end < plan.period.end)}
    for axis in _live(plan, today):
        hits = []
        for leaving in context.leaving:
            day = max(leaving.on or today, today)
            actions = [a for a in plan.actions if a.axis_id == axis.id and a.who == leaving.email
                       and action_status_on(a, today) not in (ActionStatus.DONE, ActionStatus.CANCELLED)
                       and a.id not in reached and a.id in last_day and last_day[a.id] > day]
            if actions:
                hits.append((leaving, actions))
        if not hits:
            continue
        evidence = {"leaving": [{"who": rep.email, "on": rep.on.isoformat() if rep.on else None,
                                 "declared": rep.declared, "note": rep.note,
                                 "actions": [a.id for a in actions]} for rep, actions in hits]}
        ids = ", ".join(a.id for _, actions in hits for a in actions)
        who = ", ".join(rep.email for rep, _ in hits)
        # how to hand them over without losing what was done (audit planstate F1: who changed alone, as this
        # sentence asked, dropped the leaver's visits): who: and handed_over:, the leaving day as the new owner's first
        first = "premier jour du repreneur" if lang == "fr" else "the new owner's first day"
        handed = (" ; " if lang == "fr" else "; ").join(
            f"{{from: {rep.email}, on: {rep.on.isoformat() if rep.on else '<' + first + '>'}}}" for rep, _ in hits)
        if lang == "fr":
            when = "; ".join(f"départ le {day_words(rep.on, lang)}" if rep.on else "compte inactif dans le CRM"
                             for rep, _ in hits)
            summary = (f"Réaffecter les actions {ids} de l'axe {_name(plan, axis)} : {who} s'en va ({when}). "
                       f"{HAND_OVER_HINT['fr']}{handed} pour garder les activités déjà faites.")
        else:
            when = "; ".join(f"leaving on {day_words(rep.on, lang)}" if rep.on else "inactive in the CRM"
                             for rep, _ in hits)
            summary = (f"Reassign actions {ids} of axis {_name(plan, axis)}: {who} is leaving ({when}). "
                       f"{HAND_OVER_HINT['en']}{handed} to keep the activities already made.")
        out.append(Recommendation(Rule.REASSIGN, axis.id, axis.segment_id, summary, evidence))
    return out
