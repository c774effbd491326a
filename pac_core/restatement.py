"""What changed in a closed period since its snapshot: the kept evaluation (and the plan it was taken with)
against the same period re-evaluated today (records entered late, the plan edited since).

``since_close`` gives the differences a manager needs to see, in a few lines: the plan's revenue, the axes whose
additional revenue changed, the actions whose done count changed, and the actions and axes added to or removed
from the plan since. ``pac report --quarter`` of a closed quarter shows them under its header, ``pac snapshot
--replace`` prints them before replacing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pac_core.plan import Plan
from pac_core.results import Evaluation


@dataclass(frozen=True)
class Restatement:
    """``revenue``: the plan's revenue at the close and now (None when equal or unknown); ``axes``: (axis id,
    additional revenue at the close, now); ``actions``: (action id, done, target at the close, done, target now);
    ``added`` / ``removed``: ids of the actions and axes in today's plan only / in the kept plan only."""

    revenue: tuple[Decimal, Decimal] | None = None
    axes: tuple[tuple[str, Decimal, Decimal], ...] = ()
    actions: tuple[tuple[str, int, int, int, int], ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.revenue or self.axes or self.actions or self.added or self.removed)


def since_close(kept_plan: Plan, kept: Evaluation, plan: Plan, now: Evaluation, *,
                who: str | None = None) -> Restatement:
    """The differences of ``now`` (today's re-evaluation of the period, with today's ``plan``) from ``kept``
    (the snapshot, with the plan it was taken with), in the plans' order.

    ``who`` (a rep's e-mail, a single rep's review): only the actions that rep owns in either plan, without the
    plan's revenue and the axes (the manager's part, which a rep's review does not show)."""
    if who is not None:
        mine = {a.id for p in (kept_plan, plan) for a in p.actions if a.who == who.strip().lower()}
        whole = since_close(kept_plan, kept, plan, now)
        return Restatement(None, (), tuple(a for a in whole.actions if a[0] in mine),
                           tuple(i for i in whole.added if i in mine), tuple(i for i in whole.removed if i in mine))
    revenue = None
    if kept.plan is not None and now.plan is not None and kept.plan.revenue != now.plan.revenue:
        revenue = (kept.plan.revenue, now.plan.revenue)
    then_axes = {a.axis_id: a for a in kept.axes}
    axes = tuple((a.axis_id, then_axes[a.axis_id].additional, a.additional) for a in now.axes
                 if a.axis_id in then_axes and then_axes[a.axis_id].additional != a.additional)
    then_actions = {a.action_id: a for a in kept.actions}
    actions = tuple((a.action_id, then_actions[a.action_id].done, then_actions[a.action_id].target, a.done, a.target)
                    for a in now.actions if a.action_id in then_actions
                    and (then_actions[a.action_id].done, then_actions[a.action_id].target) != (a.done, a.target))
    ids_then = [a.id for a in kept_plan.axes] + [a.id for a in kept_plan.actions]
    ids_now = [a.id for a in plan.axes] + [a.id for a in plan.actions]
    return Restatement(revenue, axes, actions, tuple(i for i in ids_now if i not in set(ids_then)),
                       tuple(i for i in ids_then if i not in set(ids_now)))
