"""What the monthly action review shows, computed from two evaluations: the month's and the previous month's.

The method reviews actions **monthly** (are the reps' actions in line with the plan?). For one month
(``2027-05``) the review holds, per rep: the actions done, late (window closed, target missed), at risk
(behind, window still open), what changed since the previous month's review (pace or count), and the
next actions due (deadline within the coming month); and for the manager: the team's counts, the axes at
risk or late, and the advisor's news (recommendations new since last month, and those no longer made).

Pure: the evaluations come in as arguments (``sync_jobs.review.load`` reads them from the store).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.money import shown_additional
from pac_core.plan import Action, Axis, Plan, action_cancelled, axis_inactive
from pac_core.plan_end import period_closed
from pac_core.records import Deal
from pac_core.restatement import Restatement
from pac_core.results import ActionProgress, AxisProgress, Evaluation, Pace, Recommendation
from pac_core.revenue import last_day
from pac_core.window import Window
from sync_jobs.deal_moves import AxisMoves, Counted, Key, axis_days, moves

OPEN = (Pace.ON_TRACK, Pace.AT_RISK, Pace.NOT_STARTED)   # an action still to do


@dataclass(frozen=True)
class ActionLine:
    action: Action
    axis: Axis
    now: ActionProgress | None
    before: ActionProgress | None       # at the previous review (None: no previous review, or a new action)
    compared: bool = True               # there was a previous review (False: the plan's first month)
    handed_to: str | None = None        # in its former owner's list: the name of whom it was handed to since
    taken_from: str | None = None       # in its owner's list: the name of whom it was taken over from since
    # the previous month's own count moved since its kept review (the same month re-evaluated today less the snapshot):
    # activities of then entered, or removed, after it (audit reviewyear); 0 when the previous month is recomputed
    late: int = 0
    # the window in the previous review's plan (its kept snapshot's) when today's has other days: the action moved to
    # the next week, its due date moved in the plan or a CRM (audit hshand7); None when unchanged or not known
    window_before: Window | None = None

    @property
    def pace(self) -> Pace | None:
        """Today's pace, for the rep's paces and due dates (None for an action taken out of the plan, or handed
        over to another rep since: only among the former owner's changes)."""
        return self.now.pace if self.now and self.handed_to is None else None

    @property
    def done_delta(self) -> int:
        """Activities or accounts counted since the previous review."""
        if self.now is None:
            return 0
        return self.now.done - (self.before.done if self.before else 0)

    @property
    def removed(self) -> bool:
        """In the previous review's plan, no longer in today's: taken out of the plan since."""
        return self.compared and self.now is None and self.before is not None

    @property
    def shown(self) -> ActionProgress | None:
        """The figures the tables show: today's, or for an action taken out of the plan the previous review's."""
        return self.before if self.removed else self.now

    @property
    def shown_pace(self) -> str | None:
        """The pace code the tables show: ``removed`` (« Retirée du plan ») for an action taken out of the plan."""
        return "removed" if self.removed else self.now.pace.value if self.now else None

    @property
    def changed(self) -> bool:
        """Pace, count or target moved since the previous review, or the action is new since (not in it: « nouvelle
        action »), taken out of the plan or handed over since (audit reviewhand: left out of the month's changes and
        the team's count); nothing changed when there was no previous review (the plan's first month)."""
        if not self.compared:
            return False
        if self.handed_to is not None or self.taken_from is not None:
            return True
        if self.now is None or self.before is None:
            return self.now is not None or self.before is not None
        return (self.now.pace, self.now.done, self.now.target) != (self.before.pace, self.before.done,
                                                                    self.before.target)


@dataclass(frozen=True)
class RepReview:
    email: str
    name: str
    lines: tuple[ActionLine, ...]
    next_due: tuple[ActionLine, ...]       # still open, not stopped nor reached by the day written, deadline in
    #                                        (the later of as_of and that day, end of next month]

    def with_pace(self, pace: Pace) -> list[ActionLine]:
        return [line for line in self.lines if line.pace is pace]

    @property
    def changed(self) -> list[ActionLine]:
        return [line for line in self.lines if line.changed]

    @property
    def inactive(self) -> list[ActionLine]:
        """Its actions inactive at the month's end (axis suspended or dropped, action cancelled): in none of the team's
        pace columns, said under the team's table (decided 7 Dec 2026, audit reviewleft)."""
        return [line for line in self.lines if line.pace is Pace.INACTIVE]

    def counts(self) -> dict[Pace, int]:
        out: dict[Pace, int] = {}
        for line in self.lines:
            if line.pace is not None:
                out[line.pace] = out.get(line.pace, 0) + 1
        return out


@dataclass(frozen=True)
class AxisLine:
    axis: Axis
    now: AxisProgress | None
    before: AxisProgress | None
    # the previous month re-evaluated today, when ``before`` is its kept snapshot: its additional revenue that moved
    # since its review (a deal reopened, lost or edited, or entered late) is said (audit reviewleft)
    restated: AxisProgress | None = None
    # the deals whose counted amount moved since the previous review, with why, adding up to the change shown (audit
    # reviewdeals); None when the previous review kept no deals (a snapshot kept before 7 Dec 2026) or there is none
    moves: AxisMoves | None = None

    @property
    def pace(self) -> Pace | None:
        return self.now.pace if self.now else None

    @property
    def pace_changed(self) -> bool:
        return self.now is not None and self.before is not None and self.now.pace != self.before.pace

    @property
    def additional_delta(self) -> Decimal:
        """The additional revenue since the previous review, as the two reviews show it (to the unit)."""
        if self.now is None or self.before is None:
            return Decimal(0)
        return (shown_additional(self.now.revenue, self.now.baseline)
                - shown_additional(self.before.revenue, self.before.baseline))

    @property
    def late(self) -> Decimal:
        """Of that, the previous month's own additional revenue that moved after its review (the same month
        re-evaluated today less its kept snapshot): a deal of then reopened, lost, edited or entered late."""
        if self.restated is None or self.before is None:
            return Decimal(0)
        return (shown_additional(self.restated.revenue, self.restated.baseline)
                - shown_additional(self.before.revenue, self.before.baseline))


@dataclass(frozen=True)
class DealInputs:
    """What an axis's deal-by-deal change is read from: every axis's counted deals at the previous review (its kept
    snapshot's, or the previous month recomputed) and now, and today's deals as the store holds them."""

    before: Mapping[str, Counted]
    now: Mapping[str, Counted]
    records: Mapping[Key, Deal]
    kept: bool                      # the previous review is its kept snapshot (else recomputed on today's records)


@dataclass(frozen=True)
class News:
    recommendation: Recommendation
    new: bool                       # not made at the previous review (no previous review: shown with no tag)


@dataclass(frozen=True)
class Review:
    plan: Plan
    month: str                      # "2027-05"
    as_of: datetime                 # end of the month, or now while it runs
    previous: str | None            # "2027-04", or None (the plan's first month, or nothing stored)
    previous_source: str | None     # "snapshot" (kept at the time) or "recomputed" (from the stored records)
    next_until: datetime            # the end of the "next actions due" horizon
    reps: tuple[RepReview, ...]
    axes: tuple[AxisLine, ...]
    news: tuple[News, ...]
    withdrawn: tuple[Recommendation, ...]   # made at the previous review, no longer made
    manager: bool                   # the manager's part is shown (no --rep)
    # a closed month re-evaluated on today's records against its own monthly snapshot, when one is kept: what changed
    # since its close (``pac_core.restatement.since_close``; empty when nothing did, or no snapshot is kept)
    since: Restatement = field(default_factory=Restatement)
    # per axis of ``since``'s axes' line, and per axis whose deals cancel out, the deals that make its move since the
    # close (``deal_moves.close_moves``, audit snapdeals); none when the snapshot kept no deals, or for a rep's review
    since_moves: Mapping[str, AxisMoves] = field(default_factory=dict)
    # a closed month: whether its own monthly snapshot is kept (None while the month runs); a closed month with
    # none is today's re-evaluation on today's plan, which its header says (audit asofplan F3)
    kept: bool | None = None
    # a month kept under a calendar the plan no longer has (its period moved since): today's period's first and last
    # local days, said in the header; the review is then the kept snapshot's (audit fiscalchange)
    calendar_now: tuple[date, date] | None = None

    @property
    def plan_over(self) -> bool:
        """The plan's period is over at the review's instant (its last month, closed): the advisor's news are then
        worded for the next plan, as the quarterly report's (``sync_jobs.report.view.plan_over``; audit reverify N1)."""
        return period_closed(self.plan, self.as_of)


def person_names(plan: Plan, crm_names: Mapping[str, str] | None = None) -> dict[str, str]:
    names = dict(crm_names or {})
    names.update({p.email: p.name for p in plan.people if p.name})
    return names


def stopped(line: ActionLine, today: date | None) -> bool:
    """The action is cancelled, or its axis suspended or dropped, on ``today``: not to be done any more, whatever it
    was at the reviewed month's end."""
    return today is not None and (action_cancelled(line.action, today) or axis_inactive(line.axis, today))


def resumed(line: ActionLine, today: date | None) -> bool:
    """Inactive at the reviewed month's end (its axis suspended, or the action cancelled, then) and live again on
    ``today``, short of its target: to be done again (audit reviewyear: August's review written on 1 September left out
    A-04, due on 30 September, whose axis's suspension ended on 31 August)."""
    return (today is not None and line.pace is Pace.INACTIVE and line.now is not None
            and line.now.done < line.now.target and not stopped(line, today))


def holder_on(action: Action, day: date) -> str:
    """Who held ``action`` at the end of ``day`` by its ``handed_over``: the former owner of its first hand-over after
    that day, else its ``who``. The plan says when the action changed hands, whatever the plan a review is compared
    with (audit reviewmonth: with no snapshot kept, or the hand-over written before it, the November review said
    nothing of A-04 handed from Julie to Marc on 10 November), and a hand-over after the reviewed month is none of its
    changes (audit reviewyear: April re-read in January said « transmise à Marc Dubois » of A-02, handed over on 15
    May, under the line saying its owner changed after April's close)."""
    later = sorted((h.on, h.from_) for h in action.handed_over if h.on > day)
    return later[0][1] if later else action.who


def held(plan: Plan, first: date, last: date) -> set[str]:
    """The e-mails of the reps who held an action of ``plan`` some day from ``first`` to ``last`` (by its
    ``handed_over``), or own one today: whose review of that month ``pac review --rep`` writes (audit reviewleft)."""
    out = {a.who for a in plan.actions}
    for action in plan.actions:
        out.update((holder_on(action, first), holder_on(action, last)))
        out.update(h.from_ for h in action.handed_over if first < h.on <= last)   # held it until the day before
    return out


def ever_held(plan: Plan) -> dict[str, date | None]:
    """Every e-mail that held an action of ``plan``: today's owners (None), and the former owners of an action handed
    over, with the last day they held one (the day before their latest hand-over)."""
    former: dict[str, date] = {}
    for action in plan.actions:
        for h in action.handed_over:
            last = h.on - timedelta(days=1)
            former[h.from_] = max(former.get(h.from_, last), last)
    out: dict[str, date | None] = dict(former)
    out.update({a.who: None for a in plan.actions})
    return out


def _moved(then: Window | None, now: Window) -> Window | None:
    """The window of the previous review's plan when its days are not today's (``ActionLine.window_before``)."""
    return None if then is None or (then.start, then.end) == (now.start, now.end) else then


def build_review(plan: Plan, now: Evaluation, before: Evaluation | None, *, month: str, previous: str | None,
                 previous_source: str | None, next_until: datetime, rep: str | None = None,
                 names: Mapping[str, str] | None = None, since: Restatement | None = None,
                 today: date | None = None, before_plan: Plan | None = None, kept: bool | None = None,
                 before_now: Evaluation | None = None, deals: DealInputs | None = None,
                 since_moves: Mapping[str, AxisMoves] | None = None,
                 reached: frozenset[str] = frozenset()) -> Review:
    """The review of ``month`` from its evaluation ``now`` and the previous month's ``before``.

    ``rep`` (an e-mail) keeps that rep's part only, without the manager's part. ``since``: for a closed month, what
    today's re-evaluation changes against the month's kept snapshot (the review then says so, as the report).
    ``today`` (the plan's local day the review is written): the next actions due leave out those stopped by then (a
    closed month reviewed on 2 June listed as due an action cancelled on 2 June, under the line saying so).
    ``before_plan``: the plan the previous review was made with (its kept snapshot's); its actions no longer in
    ``plan`` are listed among their owner's changes, « Retirée du plan », those with another owner today among both
    owners' changes, « transmise à … » and « reprise de … », as are those whose ``handed_over`` falls in the month
    (``holder_on``: with a recomputed previous month too), not those handed over after the month.
    ``kept``: for a closed month, whether its own snapshot is kept (None while it runs). ``before_now``: the previous
    month re-evaluated today, when ``before`` is its kept snapshot: an action's count of then that moved since is said
    among its changes (``ActionLine.late``). ``deals``: the counted deals of both reviews, for each axis's deals that
    moved (``AxisLine.moves``). ``since_moves``: the deals that make each axis's move since the month's close
    (``Review.since_moves``). ``reached``: the actions whose target is reached on ``today`` (today's evaluation):
    no longer due, left out of the next actions due as a stopped one is (a closed month reviewed on 3 June listed as
    due « 0 / 2 » an action whose two visits were made on 1 and 2 June; audit sfhand10).
    """
    names = person_names(plan, names)
    axes = {a.id: a for a in plan.axes}
    now_actions = {a.action_id: a for a in now.actions}
    before_actions = {a.action_id: a for a in before.actions} if before else {}
    owner_then = {a.id: a.who for a in before_plan.actions} if before_plan is not None and before else {}
    window_then = {a.id: a.window for a in before_plan.actions} if before_plan is not None and before else {}
    restated = {a.action_id: a.done for a in before_now.actions} if before_now is not None and before else {}
    restated_axes = {a.axis_id: a for a in before_now.axes} if before_now is not None and before else {}
    zone = ZoneInfo(plan.timezone)
    until = last_day(now.as_of, zone)
    by_rep: dict[str, list[ActionLine]] = {}
    main: dict[str, ActionLine] = {}
    for action in plan.actions:
        then = owner_then.get(action.id, action.who)
        if before is not None and action.id in before_actions:
            if then == action.who:   # the kept plan names today's owner, or no snapshot: the plan's handed_over
                then = holder_on(action, last_day(before.as_of, zone))
            if then != action.who and holder_on(action, until) == then:
                then = action.who    # handed over after the reviewed month: a change since its close, not of it
        line = ActionLine(action, axes[action.axis_id], now_actions.get(action.id), before_actions.get(action.id),
                          compared=before is not None, taken_from=names.get(then, then) if then != action.who else None,
                          late=restated[action.id] - before_actions[action.id].done
                          if action.id in restated and action.id in before_actions else 0,
                          window_before=_moved(window_then.get(action.id), action.window))
        by_rep.setdefault(action.who, []).append(line)
        main[action.id] = line
        if then != action.who:
            by_rep.setdefault(then, []).append(replace(line, taken_from=None, handed_to=names.get(action.who,
                                                                                                   action.who)))
    if before_plan is not None and before is not None:
        kept_axes = {a.id: a for a in before_plan.axes}
        ids = {a.id for a in plan.actions}
        for action in before_plan.actions:
            if action.id not in ids and action.id in before_actions:
                by_rep.setdefault(action.who, []).append(ActionLine(
                    action, axes.get(action.axis_id) or kept_axes[action.axis_id], None, before_actions[action.id]))
    if rep is not None:
        # a rep's own review: the actions they held at the month's end too, handed over since (a rep who left in May
        # asked for April; audit reviewleft); the team's tables keep them under today's owner
        wanted = rep.strip().lower()
        mine = {line.action.id for line in by_rep.get(wanted, [])}
        for action in plan.actions:
            if action.who != wanted and action.id not in mine and holder_on(action, until) == wanted:
                by_rep.setdefault(wanted, []).append(replace(main[action.id], taken_from=None))
    # the day the review is written: an action whose deadline passed before it, done or missed, is no longer one of
    # the next actions due (a closed month read after the next one began; decided after audit sfhand10)
    written = now.as_of if today is None else datetime.combine(today, time(0), zone)
    reps = []
    for email, lines in by_rep.items():
        if rep is not None and email != rep.strip().lower():
            continue
        lines.sort(key=lambda x: (x.action.window.end, x.action.id))
        due = tuple(x for x in lines if (x.pace in OPEN or resumed(x, today))
                    and max(now.as_of, written) < x.action.window.end <= next_until and not stopped(x, today)
                    and x.action.id not in reached)
        reps.append(RepReview(email, names.get(email, email), tuple(lines), due))
    reps.sort(key=lambda r: r.name.casefold())
    now_axes = {a.axis_id: a for a in now.axes}
    before_axes = {a.axis_id: a for a in before.axes} if before else {}
    axis_lines = tuple(AxisLine(a, now_axes.get(a.id), before_axes.get(a.id), restated_axes.get(a.id),
                                axis_moves(plan, a, now_axes.get(a.id), before_axes.get(a.id), deals, month,
                                           now.as_of))
                       for a in plan.axes)
    made_before = {(r.rule, r.axis_id) for r in before.recommendations} if before else set()
    made_now = {(r.rule, r.axis_id) for r in now.recommendations}
    news = tuple(News(r, before is not None and (r.rule, r.axis_id) not in made_before) for r in now.recommendations)
    withdrawn = tuple(r for r in (before.recommendations if before else ()) if (r.rule, r.axis_id) not in made_now)
    return Review(plan, month, now.as_of, previous, previous_source, next_until, tuple(reps), axis_lines, news,
                  withdrawn, manager=rep is None, since=since or Restatement(), kept=kept,
                  since_moves=since_moves or {})


def axis_moves(plan: Plan, axis: Axis, now: AxisProgress | None, before: AxisProgress | None,
               deals: DealInputs | None, month: str, as_of: datetime) -> AxisMoves | None:
    """The deals that moved on ``axis`` since the previous review (``deals.moves``); None without both reviews'
    figures and counted deals."""
    if deals is None or now is None or before is None or axis.id not in deals.before or axis.id not in deals.now:
        return None
    days = axis_days(plan, axis, date(int(month[:4]), int(month[5:7]), 1), as_of, deals.kept)
    return moves(deals.before[axis.id], deals.now[axis.id], deals.records, days,
                 revenue=(before.revenue, now.revenue), baseline=(before.baseline, now.baseline))
