"""What changed in a closed period since its snapshot: the kept evaluation (and the plan it was taken with)
against the same period re-evaluated today (records entered late, the plan edited since).

``since_close`` gives the differences a manager needs to see, in a few lines: the plan's headline figures (revenue,
additional revenue, objective, ROI to date), the axes whose additional revenue changed, the actions whose done count
changed, the axes and actions whose status changed (with the day it took effect, when the plan says it: ``since``)
and whose pace changed, and the actions and axes added to or removed from the plan since. ``pac report --quarter``
of a closed quarter shows them under its header, the review too, ``pac snapshot --replace`` prints them before
replacing. A status changed after the close with its ``since`` day leaves the period's figures as they were (the
axis live, the action not cancelled before that day: ``pac_core.plan.axis_inactive``); the status line says it
changed all the same, and, when a status written without a day does move the figures, the lines say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pac_core.money import shown_additional, shown_objective, shown_totals
from pac_core.plan import Plan
from pac_core.results import Evaluation
from pac_core.rounding import half_up


@dataclass(frozen=True)
class StatusChange:
    """An axis's state (``axis``) or an action's status changed since the close: the codes then and now
    (``active``, ``suspended``…; ``planned``, ``cancelled``…), an axis's ranks when prioritised, and the day the new
    one took effect when the plan says it (``since``), a suspension's last day (``until``)."""

    item: str
    before: str
    after: str
    axis: bool = True
    rank_before: int | None = None
    rank_after: int | None = None
    since: date | None = None
    until: date | None = None       # a suspension's last day, when the plan says it (audit reviewyear)


@dataclass(frozen=True)
class Restatement:
    """``revenue``: the plan's revenue at the close and now, to the unit (None when equal so, or unknown);
    ``totals``: the plan's other headline figures that moved, (name, then, now) with name ``additional`` (as the
    headline shows it, to the unit) / ``objective`` (money) or ``roi`` (a ratio); ``axes``: (axis id, additional
    revenue at the close, now); ``actions``: (action id, done, target at the close, done, target now);
    ``statuses``: the status changes; ``paces``: (action id, pace at the close, now),
    ``axis_paces`` the same for the axes (said in the axis's words, « Objectif atteint », « Inactif »: audit surfaces
    F5); ``added`` / ``removed``: ids of the actions and axes in today's plan only / in the kept plan only;
    ``timezone`` / ``currency``: the plan's timezone or currency at the close and now, when it changed since (audit
    planlife F1, F2: the kept amounts are in the currency of then, today's in today's); ``attribution``: the engine's
    attribution rule at the close and now, when both are known and differ (every axis's figures move with it: audit
    splitwords)."""

    revenue: tuple[Decimal, Decimal] | None = None
    axes: tuple[tuple[str, Decimal, Decimal], ...] = ()
    actions: tuple[tuple[str, int, int, int, int], ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    totals: tuple[tuple[str, Decimal | float | None, Decimal | float | None], ...] = ()
    statuses: tuple[StatusChange, ...] = ()
    paces: tuple[tuple[str, str, str], ...] = ()
    timezone: tuple[str, str] | None = None
    currency: tuple[str, str] | None = None
    axis_paces: tuple[tuple[str, str, str], ...] = ()
    # (action id, owner at the close, owner now): an action handed to another rep since, by their names (audit
    # reviewhand: a hand-over typed after the close was a plan edit the lines did not name)
    owners: tuple[tuple[str, str, str], ...] = ()
    attribution: tuple[str, str] | None = None

    def __bool__(self) -> bool:
        return bool(self.revenue or self.axes or self.actions or self.added or self.removed or self.totals
                    or self.statuses or self.paces or self.axis_paces or self.timezone or self.currency
                    or self.owners or self.attribution)


def since_close(kept_plan: Plan, kept: Evaluation, plan: Plan, now: Evaluation, *,
                who: str | None = None) -> Restatement:
    """The differences of ``now`` (today's re-evaluation of the period, with today's ``plan``) from ``kept``
    (the snapshot, with the plan it was taken with), in the plans' order.

    ``who`` (a rep's e-mail, a single rep's review): only the actions that rep owns in either plan, without the
    plan's figures and the axes (the manager's part, which a rep's review does not show)."""
    if who is not None:
        mine = {a.id for p in (kept_plan, plan) for a in p.actions if a.who == who.strip().lower()}
        whole = since_close(kept_plan, kept, plan, now)
        return Restatement(None, (), tuple(a for a in whole.actions if a[0] in mine),
                           tuple(i for i in whole.added if i in mine), tuple(i for i in whole.removed if i in mine),
                           statuses=tuple(s for s in whole.statuses if not s.axis and s.item in mine),
                           paces=tuple(p for p in whole.paces if p[0] in mine), timezone=whole.timezone,
                           currency=whole.currency, owners=tuple(o for o in whole.owners if o[0] in mine))
    revenue = None
    totals: list[tuple[str, Decimal | float | None, Decimal | float | None]] = []
    if kept.plan is not None and now.plan is not None:
        # the plan's revenue and additional revenue as the report's headline shows them, to the unit (the additional
        # one beside its axes' cards, ``money.shown_totals``), listed when that figure moved, the difference that of
        # the shown figures (audit roundings: « 10 001 € → 10 001 € (+1 €) » from 10 000,60 € and 10 001,40 €)
        then_revenue, now_revenue = half_up(kept.plan.revenue), half_up(now.plan.revenue)
        if then_revenue != now_revenue:
            revenue = (then_revenue, now_revenue)
        shown_then_plan, shown_now_plan = shown_totals(kept.plan, kept.axes)[0], shown_totals(now.plan, now.axes)[0]
        for name in ("additional", "objective", "roi"):
            then_value, now_value = getattr(kept.plan, name), getattr(now.plan, name)
            if name == "additional":
                then_value, now_value = shown_then_plan, shown_now_plan
            elif name == "objective" and then_value is not None and now_value is not None:     # as the headline's
                then_value, now_value = shown_objective(kept.plan, kept.axes), shown_objective(now.plan, now.axes)
            if _moved(then_value, now_value):
                totals.append((name, then_value, now_value))
    then_axes = {a.axis_id: a for a in kept.axes}
    # an axis's additional revenue as the report's tables show it, its shown revenue less its shown baseline, listed
    # when that figure moved (audit surfaces F6: « 5 069 € → 5 069 € » beside a table reading 5 068 €)
    shown = {a.axis_id: shown_additional(a.revenue, a.baseline) for a in now.axes}
    shown_then = {a.axis_id: shown_additional(a.revenue, a.baseline) for a in kept.axes}
    axes = tuple((a.axis_id, shown_then[a.axis_id], shown[a.axis_id]) for a in now.axes
                 if a.axis_id in then_axes and shown_then[a.axis_id] != shown[a.axis_id])
    then_actions = {a.action_id: a for a in kept.actions}
    actions = tuple((a.action_id, then_actions[a.action_id].done, then_actions[a.action_id].target, a.done, a.target)
                    for a in now.actions if a.action_id in then_actions
                    and (then_actions[a.action_id].done, then_actions[a.action_id].target) != (a.done, a.target))
    axis_paces = tuple((a.axis_id, then_axes[a.axis_id].pace.value, a.pace.value) for a in now.axes
                       if a.axis_id in then_axes and then_axes[a.axis_id].pace != a.pace)
    paces = tuple((a.action_id, then_actions[a.action_id].pace.value, a.pace.value) for a in now.actions
                  if a.action_id in then_actions and then_actions[a.action_id].pace != a.pace)
    ids_then = [a.id for a in kept_plan.axes] + [a.id for a in kept_plan.actions]
    ids_now = [a.id for a in plan.axes] + [a.id for a in plan.actions]
    then_set, now_set = set(ids_then), set(ids_now)
    return Restatement(revenue, axes, actions, tuple(i for i in ids_now if i not in then_set),
                       tuple(i for i in ids_then if i not in now_set), tuple(totals),
                       _statuses(kept_plan, plan), paces, _changed(kept_plan.timezone, plan.timezone),
                       _changed(kept_plan.currency, plan.currency), axis_paces, _owners(kept_plan, plan),
                       # a snapshot kept before evaluations carried their rule (None): not known, no change said
                       _changed(kept.attribution, now.attribution)
                       if kept.attribution is not None and now.attribution is not None else None)


def _owners(kept_plan: Plan, plan: Plan) -> tuple[tuple[str, str, str], ...]:
    """The actions whose owner (``who``) differs from the kept plan's: (id, then, now), each by the name the plans'
    people give (else the e-mail)."""
    names = {p.email: p.name for p in (*kept_plan.people, *plan.people) if p.name}
    then = {a.id: a.who for a in kept_plan.actions}
    return tuple((a.id, names.get(then[a.id], then[a.id]), names.get(a.who, a.who)) for a in plan.actions
                 if a.id in then and then[a.id] != a.who)


def _changed(then: str, now: str) -> tuple[str, str] | None:
    """A plan setting at the close and now, when it changed."""
    return (then, now) if then != now else None


def _moved(then: Decimal | float | None, now: Decimal | float | None) -> bool:
    """A headline figure changed: a ratio by more than its rounding (0.5 % shown as a whole percent), money at all."""
    if then is None or now is None:
        return then is not now
    if isinstance(then, float) or isinstance(now, float):
        return abs(float(now) - float(then)) >= 0.005
    return then != now


def _statuses(kept_plan: Plan, plan: Plan) -> tuple[StatusChange, ...]:
    """The axes whose state (or rank) and the actions whose status differ from the kept plan's."""
    out: list[StatusChange] = []
    then_axes = {a.id: a.status for a in kept_plan.axes}
    for axis in plan.axes:
        old = then_axes.get(axis.id)
        new = axis.status
        if old is not None and (old.state, old.rank) != (new.state, new.rank):
            out.append(StatusChange(axis.id, old.state.value, new.state.value, True, old.rank, new.rank, new.since,
                                    new.until))
    then_actions = {a.id: a for a in kept_plan.actions}
    for action in plan.actions:
        was = then_actions.get(action.id)
        if was is not None and was.status is not action.status:
            out.append(StatusChange(action.id, was.status.value, action.status.value, False,
                                    since=action.status_since))
    return tuple(out)
