"""A plan whose period is over (audit B S2): the advisor gives it no new advice, and ``pac sync``, ``pac status`` and
``pac advice`` say it once, pointing to the next plan.

The plan is over once its period's last day is past: evaluated after the period's end instant (as of 1 January
2028 00:00, the end of a 2027 plan, the last day is still 31 December: ``revenue.last_day``; the year-end report and
snapshot keep their advice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pac_core.plan import Plan

_MONTHS = {"fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                  "novembre", "décembre"),
           "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")}


def plan_ended(plan: Plan, as_of: datetime) -> bool:
    """Whether ``as_of`` is past the plan's period (after its end instant)."""
    return as_of > plan.period.end


def ended_line(plan: Plan, as_of: datetime, lang: str | None = None) -> str | None:
    """« Le plan s'est terminé le 31 décembre 2027 : écrivez le plan suivant. » / "The plan ended on December 31,
    2027: write the next plan." (``lang``, default the plan's), or None while the plan runs."""
    if not plan_ended(plan, as_of):
        return None
    last = (plan.period.end - timedelta(microseconds=1)).astimezone(ZoneInfo(plan.timezone)).date()
    if (lang or plan.language) == "fr":
        day = "1er" if last.day == 1 else str(last.day)
        return f"Le plan s'est terminé le {day} {_MONTHS['fr'][last.month - 1]} {last.year} : écrivez le plan suivant."
    return f"The plan ended on {_MONTHS['en'][last.month - 1]} {last.day}, {last.year}: write the next plan."
