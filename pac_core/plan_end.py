"""A plan outside its period: over (audit B S2), or not begun (audit year-end F3). The advisor gives it no advice,
and ``pac sync``, ``pac status`` and ``pac advice`` say it once: « Le plan s'est terminé le … » pointing to the next
plan (the one the settings already hold, when they do: audit year-end F6), or « Le plan commence le … ».

The plan is over once its period's last day is past: evaluated after the period's end instant (as of 1 January
2028 00:00, the end of a 2027 plan, the last day is still 31 December: ``revenue.last_day``; the year-end report and
snapshot keep their advice). It has not begun up to its period's first instant included (as of 1 January 2027 00:00
nothing of the 2027 plan has happened: the pace's "not started").

Inside its period, before ``kpis.FORECAST_MIN_SHARE`` of it, no ROI to date exists yet, so the rules that rest on it
cannot have judged any axis: "no recommendation" is then « Trop tôt pour juger les axes … » with the day the ROI
appears (``too_early_line``; audit janmeet F8: « chaque axe est dans les seuils fixés » on 12 January). Later, a
live axis with no cost written has no ROI either, so the drop and roll-out rules cannot have judged it:
"no recommendation" names it and what to write (``uncosted_line``), never that it is within its thresholds.
``quiet_line`` is the one line every surface says in place of "no recommendation" when one of these applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pac_core.kpis import FORECAST_MIN_SHARE
from pac_core.periods import day_words
from pac_core.plan import Plan, axis_inactive


def plan_ended(plan: Plan, as_of: datetime) -> bool:
    """Whether ``as_of`` is past the plan's period (after its end instant)."""
    return as_of > plan.period.end


def period_closed(plan: Plan, as_of: datetime) -> bool:
    """Whether nothing of the plan's period is left at ``as_of`` (its end instant included): what the year-end
    report and review of the closed last quarter or month see, evaluated at the end instant itself, so their advice
    is worded for the next plan; ``plan_ended`` (strictly after) is when the plan gets no more advice at all."""
    return as_of >= plan.period.end


def plan_started(plan: Plan, as_of: datetime) -> bool:
    """Whether anything of the plan's period has happened at ``as_of`` (after its first instant)."""
    return as_of > plan.period.start


def plan_last_day(plan: Plan) -> date:
    """The plan's last day, in its time zone (its period ends at the next midnight): 31 December 2026."""
    return (plan.period.end - timedelta(microseconds=1)).astimezone(ZoneInfo(plan.timezone)).date()


def following(plan: Plan, plans: Iterable[Plan]) -> Plan | None:
    """The plan among ``plans`` (another one) that runs on from where ``plan`` ends: its period holds the first
    instant after ``plan``'s (the 2027 plan for the 2026 one, configured beside it)."""
    return next((p for p in plans if p.id != plan.id and p.period.start <= plan.period.end < p.period.end), None)


def ended_line(plan: Plan, as_of: datetime, lang: str | None = None, next_plan: Plan | None = None) -> str | None:
    """« Le plan s'est terminé le 31 décembre 2027 : écrivez le plan suivant. » / "The plan ended on December 31,
    2027: write the next plan." (``lang``, default the plan's), or None while the plan runs. ``next_plan``: the
    plan the settings already hold for what follows (``following``): named instead, with what is left to do,
    remove this one from the settings' ``plans:``."""
    if not plan_ended(plan, as_of):
        return None
    lang = lang or plan.language
    last = day_words(plan_last_day(plan), lang)
    if lang == "fr":
        then = ("écrivez le plan suivant." if next_plan is None else
                f"le plan suivant, « {next_plan.name} », est en place ; retirez celui-ci de plans: quand ses "
                "saisies tardives sont comptées.")
        return f"Le plan s'est terminé le {last} : {then}"
    then = ("write the next plan." if next_plan is None else
            f"the next plan, \"{next_plan.name}\", is in place; remove this one from plans: once its late entries "
            "are counted.")
    return f"The plan ended on {last}: {then}"


def starts_line(plan: Plan, as_of: datetime, lang: str | None = None) -> str | None:
    """« Le plan commence le 1er janvier 2027. » / "The plan starts on January 1, 2027." (``lang``, default the
    plan's) while nothing of its period has happened, else None."""
    if plan_started(plan, as_of):
        return None
    lang = lang or plan.language
    first = day_words(plan.period.start.astimezone(ZoneInfo(plan.timezone)).date(), lang)
    return f"Le plan commence le {first}." if lang == "fr" else f"The plan starts on {first}."


def period_line(plan: Plan, as_of: datetime, lang: str | None = None, next_plan: Plan | None = None) -> str | None:
    """The plan is outside its period at ``as_of``: ``ended_line`` or ``starts_line``, said in place of "no
    recommendation"; None while it runs."""
    return ended_line(plan, as_of, lang, next_plan) or starts_line(plan, as_of, lang)


def judged_from(plan: Plan) -> datetime:
    """The first instant an axis of the plan has a ROI to date: ``FORECAST_MIN_SHARE`` of its objective's period
    elapsed (``kpis.roi``), the earliest axis's; the plan's period when no axis has an objective. 6 February 2027 at
    12:00 for a 2027 plan."""
    windows = [a.objective.period for a in plan.axes if a.objective is not None] or [plan.period]
    return min(w.start + (w.end - w.start) * FORECAST_MIN_SHARE for w in windows)


def too_early_line(plan: Plan, as_of: datetime, lang: str | None = None) -> str | None:
    """« Aucune recommandation : trop tôt pour juger les axes, le ROI à date est calculé à partir du 6 février 2027
    (10 % de la période). » (``lang``, default the plan's) while the plan runs and no axis has a ROI to date yet
    (``judged_from``), said in place of « chaque axe est dans les seuils fixés », a judgement no rule made; else
    None."""
    start = judged_from(plan)
    if not plan_started(plan, as_of) or as_of >= start or plan_ended(plan, as_of):
        return None
    lang = lang or plan.language
    day = day_words(start.astimezone(ZoneInfo(plan.timezone)).date(), lang)
    share = round(FORECAST_MIN_SHARE * 100)
    if lang == "fr":
        return (f"Aucune recommandation : trop tôt pour juger les axes, le ROI à date est calculé à partir du {day} "
                f"({share} % de la période).")
    return (f"No recommendation: too early to judge the axes, the ROI to date is computed from {day} ({share}% of the "
            "period).")


def uncosted_line(plan: Plan, as_of: datetime, lang: str | None = None) -> str | None:
    """« Aucune recommandation pour les axes jugés ; « Laboratoires » n'a pas de coût renseigné, donc pas de ROI :
    les règles d'abandon et de déploiement n'ont pas pu le juger. Écrivez son coût sous son objectif dans le plan
    (budget:, ou effort_days: et day_cost: ; budget: 0 s'il ne coûte rien). » (``lang``, default the plan's) while
    the plan runs and a live axis with an objective has no cost written (``Objective.cost`` None); else None. Said
    with no recommendation in place of « chaque axe est dans les seuils fixés », which no rule judged for that axis
    (decided 7 Dec 2026, after audit m3cost: the plan's ROI is unknown then, and the advice said every axis was within
    its thresholds). A cost of 0 is written (« sans coût »): judged, not named here."""
    if not plan_started(plan, as_of) or plan_ended(plan, as_of):
        return None
    lang = lang or plan.language
    today = as_of.astimezone(ZoneInfo(plan.timezone)).date()
    axes = [a for a in plan.axes
            if a.objective is not None and a.objective.cost is None and not axis_inactive(a, today)]
    if not axes:
        return None
    fr = lang == "fr"
    quoted = [f"« {a.name} »" if fr else f'"{a.name}"' for a in axes]
    names = quoted[0] if len(quoted) == 1 else (
        ", ".join(quoted[:-1]) + (" et " if fr else " and ") + quoted[-1])
    one = len(axes) == 1
    if fr:
        verb, them, their = ("n'a", "le", "son") if one else ("n'ont", "les", "leur")
        return (f"Aucune recommandation pour les axes jugés ; {names} {verb} pas de coût renseigné, donc pas de ROI : "
                f"les règles d'abandon et de déploiement n'ont pas pu {them} juger. Écrivez {their} coût sous {their} "
                "objectif dans le plan (budget:, ou effort_days: et day_cost: ; budget: 0 s'il ne coûte rien).")
    verb, them, their = ("has", "it", "its") if one else ("have", "them", "their")
    return (f"No recommendation for the axes judged; {names} {verb} no cost written, so no ROI: the drop and roll-out "
            f"rules could not judge {them}. Write {their} cost under {their} objective in the plan file (budget:, or "
            "effort_days: and day_cost:; budget: 0 if it costs nothing).")


def quiet_line(plan: Plan, as_of: datetime, lang: str | None = None) -> str | None:
    """What "no recommendation" says when no rule could judge some axis: too early for any ROI (``too_early_line``),
    or a live axis with no cost written (``uncosted_line``); None when every axis was judged."""
    return too_early_line(plan, as_of, lang) or uncosted_line(plan, as_of, lang)
