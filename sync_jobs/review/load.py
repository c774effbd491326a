"""The monthly review's inputs from the store: this month's evaluation, the previous month's, the names.

The previous month is the monthly snapshot kept then (``pac schedule`` takes one on the 1st, labelled by
the month it closes: "2027-04" holds the end of April); when none was kept (a store that started later),
it is recomputed from the stored records as of the last second of that month, and the review says so.

A closed month is re-evaluated at its end on today's records and plan (entries typed late count); when its own monthly
snapshot is kept, what that changes since the close is read too (``pac_core.restatement.since_close``, as ``pac
report --quarter`` does), so the review says why its figures differ from the kept ones (audit janmeet F4), naming the
deals of each axis's move (audit snapdeals).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from pac_config.settings import Settings
from pac_core.errors import InvalidInput, PeriodError, Problem
from pac_core.plan import Plan
from pac_core.records import Deal
from pac_core.restatement import Restatement, since_close
from pac_core.results import Evaluation, Pace
from pac_core.revenue import last_day
from pac_core.snapshots import months_refused, parse_label
from pac_core.text import fold_value
from sync_jobs.app import Kept, current, kept_snapshot
from sync_jobs.deal_moves import AxisMoves, close_moves
from sync_jobs.evaluation import DEALS, CountedDeals, counted_deals, load_plan_file
from sync_jobs.review.model import DealInputs, Review, build_review, ever_held, held
from sync_jobs.store import open_store, repo

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(month: str, tz: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of ``2027-05`` in the plan's timezone."""
    found = MONTH.match(month.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InvalidInput(Problem("--month", f"{month!r} is not a month", "write it as YYYY-MM, e.g. 2027-05"))
    year, number = int(found.group(1)), int(found.group(2))
    zone = ZoneInfo(tz)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=zone)
    return start, end


def shift(month: str, by: int) -> str:
    year, number = (int(x) for x in month.split("-"))
    index = year * 12 + number - 1 + by
    return f"{index // 12}-{index % 12 + 1:02d}"


def review_month(plan: Plan, month: str | None, now: datetime) -> tuple[str, datetime]:
    """The month reviewed and the evaluation instant: the month's end, or now while it runs.

    A month that has not begun, or outside the plan's period, is refused with what to choose instead.
    """
    zone = ZoneInfo(plan.timezone)
    refused = months_refused(plan.period, month or "the review by month")
    if refused is not None:   # a 4-4-5 year: its months are 4- and 5-week periods, not calendar months
        raise InvalidInput(Problem("--month", *refused))
    first = plan.period.start.astimezone(zone)
    if now < plan.period.start:   # no month to review yet, whichever is asked (audit reviewhand: each refusal sent
        # the manager to the other, « outside the plan's period » without --month, « leave --month out » with one)
        raise InvalidInput(Problem("--month", f"plan {plan.name!r} begins on {first:%Y-%m-%d} (now is "
                                   f"{now.astimezone(zone):%Y-%m-%d}): no month of it has begun yet",
                                   f"from {first:%Y-%m-%d} on, leave --month out for its first month, {first:%Y-%m}"))
    if month is None:
        local = min(now, plan.period.end - timedelta(seconds=1)).astimezone(zone)
        month = f"{local.year}-{local.month:02d}"
    start, end = month_bounds(month, plan.timezone)
    last = (plan.period.end - timedelta(seconds=1)).astimezone(zone)
    if end <= plan.period.start or start >= plan.period.end:
        raise InvalidInput(Problem("--month", f"{month} is outside the plan's period "
                                   f"({first:%Y-%m} to {last:%Y-%m})", "choose a month of the plan's period"))
    if start > now:
        raise InvalidInput(Problem("--month", f"{month} has not started yet (now is {now.astimezone(zone):%Y-%m-%d})",
                                   "choose a month that has begun, or leave --month out for the current one"))
    return month, min(end, now, plan.period.end)


def rep_email(plan: Plan, rep: str | None) -> str | None:
    """``--rep`` as an e-mail: the e-mail itself (or one of its aliases: the person's e-mail), or the name of a
    person of the plan's people (« Mike Ross » -> mike.ross@..., case, accents and spaces ignored, as ``pac plan
    check`` reads ``who: Amy Chen``; usplan audit, minor list: the name was refused with a list of e-mails)."""
    if rep is None:
        return None
    wanted = rep.strip().lower()
    for person in plan.people:
        if wanted == person.email or wanted in person.aliases:
            return person.email
    named = [p.email for p in plan.people if p.name and fold_value(" ".join(p.name.split())) ==
             fold_value(" ".join(rep.split()))]
    return named[0] if len(named) == 1 else rep


def rep_held(plan: Plan, rep: str, month: str) -> None:
    """``--rep`` of ``month``: a rep who held an action that month (by the plan's ``handed_over``), or owns one today;
    a rep who left in May is reviewed for April (it was refused, owning no action today: audit reviewleft). A rep who
    held actions, not that month, is refused with the last day they held one; an e-mail that never held one, with the
    reps who did."""
    wanted = rep.strip().lower()
    zone = ZoneInfo(plan.timezone)
    start, end = month_bounds(month, plan.timezone)
    first, last = start.date(), last_day(end, zone)
    if wanted in held(plan, first, last):
        return
    ever = ever_held(plan)
    until = ever.get(wanted)
    if until is not None:
        raise InvalidInput(Problem("--rep", f"{rep} held no action of plan {plan.name!r} in {month}: their last "
                                   f"action was handed over, they held it until {until:%Y-%m-%d}",
                                   f"choose a month up to {until:%Y-%m}, or another rep"))
    raise InvalidInput(Problem("--rep", f"{rep} owns no action of plan {plan.name!r} and never held one",
                               f"choose one of: {', '.join(sorted(ever))}"))


def _kept_off_calendar(settings: Settings, plan_ref: str | None, month: str | None, engine: Engine,
                       plan: Plan) -> tuple[str, Kept] | None:
    """The monthly snapshot kept under ``month`` (``2027-03``), for a month today's plan refuses (outside its period
    since its calendar moved); None when ``month`` is no month's label or none is kept (audit fiscalchange)."""
    if month is None:
        return None
    try:
        kind, label = parse_label(month.strip())
    except PeriodError:
        return None
    held = kept_snapshot(settings, plan_ref, "monthly", label, engine=engine, plan=plan) if kind == "monthly" else None
    return None if held is None else (label, held)


def _deal_inputs(before: Evaluation | None, kept: CountedDeals | None, evaluation: Evaluation,
                 deals: Sequence[Deal], source: str | None) -> DealInputs | None:
    """What each axis's deal-by-deal change is read from: the previous review's counted deals (its kept snapshot's,
    or the previous month recomputed with every deal listed) and now's; None with no previous review, or a kept
    snapshot that kept no deals (taken before 7 Dec 2026: the change is then said by its sign only)."""
    if before is None or (source == "snapshot" and kept is None):
        return None
    then = kept if source == "snapshot" and kept is not None else counted_deals(before)
    return DealInputs(then, counted_deals(evaluation), {(d.source, d.id): d for d in deals}, source == "snapshot")


def _since_moves(own: Kept, plan: Plan, evaluation: Evaluation, since: Restatement,
                 deals: Sequence[Deal]) -> dict[str, AxisMoves]:
    """The deals that make each axis's move since the month's close, against its own kept snapshot, as the quarterly
    report's since-close lines (``deal_moves.close_moves``; audit snapdeals); none when the snapshot kept no deals
    (taken before 7 Dec 2026) or the currency changed since (two currencies, no difference said)."""
    if own.deals is None or since.currency is not None:
        return {}
    return close_moves(plan, [axis for axis, _, _ in since.axes], own.evaluation, evaluation,
                       (own.deals, counted_deals(evaluation)), {(d.source, d.id): d for d in deals})


def _lists_read_at(engine: Engine, plan: Plan, month: str | None, clock: datetime, rep: str | None) -> datetime | None:
    """The instant the review reads every axis's counted deals at (its month's end, or ``clock`` while the month
    runs), None when it reads none: the previous month's kept snapshot holds none (kept before 7 Dec 2026: the change
    is said by its sign) and the month's own, closed, holds none either (or a rep's review, which has no since-close
    lines); a previous month with no snapshot is recomputed, its deals compared with these. Read from the plan file
    (``plan``) before the evaluation; ``load_review`` checks it against what it finds."""
    try:
        month, as_of = review_month(plan, month, clock)
    except InvalidInput:
        return None
    prev = shift(month, -1)
    if month_bounds(prev, plan.timezone)[1] > plan.period.start:
        row = repo.snapshot(engine, plan.id, "monthly", prev)
        if row is None or isinstance(row.payload.get(DEALS), dict):
            return as_of
    if as_of < clock and rep is None:
        row = repo.snapshot(engine, plan.id, "monthly", month)
        if row is not None and isinstance(row.payload.get(DEALS), dict):
            return as_of
    return None


def load_review(settings: Settings, plan_ref: str | None = None, *, month: str | None = None,
                rep: str | None = None, now: datetime | None = None) -> Review:
    ps = settings.plan(plan_ref)
    engine = open_store(settings.database())
    try:
        clock = now or ps.as_of or datetime.now(UTC)
        file_plan, _ = load_plan_file(ps)       # read once: every evaluation and the kept snapshot below use it
        # every axis's counted deals are listed (an engine pass of its own) only where the review reads them: at the
        # month's end, when a review it is compared with kept its own or is recomputed (audit leftsmall)
        listed_at = _lists_read_at(engine, file_plan, month, clock, rep)
        state = current(settings, plan_ref, as_of=clock, engine=engine, plan=file_plan,
                        all_deals=listed_at == clock)
        plan = state.plan
        try:
            month, as_of = review_month(plan, month, clock)
        except InvalidInput:   # a month kept under a calendar the plan no longer has is still its kept review
            held = _kept_off_calendar(settings, plan_ref, month, engine, file_plan)
            if held is None:
                raise
            zone = ZoneInfo(plan.timezone)
            _, held_until = month_bounds(shift(held[0], 1), plan.timezone)
            review = build_review(held[1].plan, held[1].evaluation, None, month=held[0], previous=None,
                                  previous_source=None, next_until=held_until, rep=rep_email(held[1].plan, rep),
                                  today=clock.astimezone(zone).date(), kept=True)
            return dataclasses.replace(review, calendar_now=(plan.period.start.astimezone(zone).date(),
                                                             last_day(plan.period.end, zone)))
        evaluation = state.evaluation if as_of == clock else current(settings, plan_ref, as_of=as_of, engine=engine,
                                                                      plan=file_plan,
                                                                      all_deals=listed_at == as_of).evaluation
        rep = rep_email(plan, rep)
        if rep is not None:
            rep_held(plan, rep, month)
        prev_month = shift(month, -1)
        previous: str | None = prev_month
        source, before, before_plan, before_now = None, None, None, None
        kept_deals: CountedDeals | None = None      # the previous review's counted deals, when its snapshot kept them
        _, prev_end = month_bounds(prev_month, plan.timezone)
        if prev_end <= plan.period.start:
            previous = None
        else:
            kept = kept_snapshot(settings, plan_ref, "monthly", prev_month, engine=engine, plan=file_plan)
            if kept is not None:   # with the plan it was made with: an action taken out since says so
                before, before_plan, source, kept_deals = kept.evaluation, kept.plan, "snapshot", kept.deals
                # and the same month today: its counts entered after its review are said (audit reviewyear)
                before_now = current(settings, plan_ref, as_of=prev_end, engine=engine, plan=file_plan).evaluation
            else:
                before = current(settings, plan_ref, as_of=prev_end, engine=engine,   # as its snapshot
                                 plan=file_plan, all_deals=True).evaluation
                source = "recomputed"
        # by the end of the following month, within the plan's period: a December review of a calendar-year plan lists
        # what falls due until 31 December, not « jusqu'au 31 janvier » of a month the plan does not have
        next_until = min(month_bounds(shift(month, 1), plan.timezone)[1], plan.period.end)
        since, since_moves = Restatement(), {}
        own = kept_snapshot(settings, plan_ref, "monthly", month, engine=engine, plan=file_plan) \
            if as_of < clock else None
        read = (before is not None and (source != "snapshot" or kept_deals is not None)) or (
            own is not None and own.deals is not None and rep is None)
        if read and listed_at != as_of:   # never seen: the month read beforehand was not this one; listed apart
            evaluation = current(settings, plan_ref, as_of=as_of, engine=engine, plan=file_plan,
                                 all_deals=True).evaluation
        if own is not None:   # a closed month whose snapshot is kept (by its label, whatever the timezone of then,
            # audit planlife F1): what changed since
            since = since_close(own.plan, own.evaluation, plan, evaluation, who=rep)
            since_moves = _since_moves(own, plan, evaluation, since, state.records.deals) if rep is None else {}
        return build_review(plan, evaluation, before, month=month, previous=previous,
                            previous_source=source, next_until=next_until, rep=rep, since=since,
                            today=clock.astimezone(ZoneInfo(plan.timezone)).date(), before_plan=before_plan,
                            kept=(own is not None) if as_of < clock else None, before_now=before_now,
                            deals=_deal_inputs(before, kept_deals, evaluation, state.records.deals, source),
                            since_moves=since_moves,
                            reached=frozenset(a.action_id for a in state.evaluation.actions if a.pace is Pace.DONE))
    finally:
        engine.dispose()
