"""`pac explain` reproduces the figures (audit explainleft, 7 Dec 2026): over the random organisations of the
incremental nights' property (tests/unit/test_incremental.py: several sources, hand-overs, account states, annual
revenues, credits, a foreign currency, undated and naive records, other teams' strays), with won deals with no
account and attribution full or split, every action's counted rows are its figure (its distinct accounts for one
counting accounts), every axis's counted rows add up to its revenue to the cent and are its counted deals (its
baseline's rows to its baseline, a percentage objective's base's rows to its base, objectives written as percentages
or amounts), its
actions' ✔ lines are its activities done, no axis lists a deal with no account, and no near miss names a second date
unless the window is the rule it failed (``tests.explain_agreement``). The figures are the nightly evaluation's (no
decisions), the rows an explained one's, as `pac status` and `pac explain` read them."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pac_core.engine import evaluate
from pac_core.records import Deal, DealStage, Records
from tests.explain_agreement import disagreements
from tests.unit.test_incremental import (
    AS_OF,
    SETTINGS,
    _deal,
    _plan,
    _records,
    _stored_like,
    _with_hand_overs,
    _with_revenue,
    _with_states,
    _with_strays,
)


def _unplaced(rng: random.Random) -> tuple[Deal, ...]:
    """Won deals with no account (a HubSpot deal on a contact with no company, an Opportunity whose AccountId is
    null), some with no close date: on no axis."""
    return tuple(Deal(f"N{n:02d}", rng.choice(("sf", "hs")), None, "U0", Decimal(rng.randrange(1_000, 9_000)), "EUR",
                      rng.choice((None, date(2026, 6, 1) + timedelta(days=rng.randrange(400)))), DealStage.WON)
                 for n in range(6))


def _org(seed: int, states: bool, hand: bool, growth: bool = False) -> tuple[object, Records]:
    rng = random.Random(seed)
    plan, records = _plan(rng, growth=growth), _records(rng, 1_000)   # enough activities for most actions to count
    more = tuple(_deal(rng, n, len(records.accounts)) for n in range(50, 250))
    records = replace(records, deals=records.deals + more)
    plan, records = _with_revenue(plan, records, rng)
    if states:
        plan, records = _with_states(plan, records, rng)
    if hand:
        plan = _with_hand_overs(plan, rng)
    records = _with_strays(records, rng)
    return plan, replace(records, deals=records.deals + _unplaced(rng))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), split=st.booleans(), states=st.booleans(), hand=st.booleans(),
       columns=st.booleans(), growth=st.booleans())
def test_explain_reproduces_the_figures(seed: int, split: bool, states: bool, hand: bool, columns: bool,
                                        growth: bool) -> None:
    plan, records = _org(seed, states, hand, growth)
    # every row listed (no "n more not listed"): the rows add up to the figures only then
    tuned = replace(SETTINGS, attribution="split" if split else "full", deal_decision_limit=10_000,
                    near_miss_limit=10_000, counted_limit=10_000)
    given_records = _stored_like(records) if columns else records
    figures = evaluate(plan, given_records, as_of=AS_OF, settings=tuned)      # type: ignore[arg-type]
    explained = evaluate(plan, given_records, as_of=AS_OF, settings=tuned, explain=True)    # type: ignore[arg-type]
    # not vacuous: rows to check on both sides
    assert any(explained.action(a.id).decisions for a in plan.actions)    # type: ignore[attr-defined]
    assert any(a.decisions for a in explained.axes)
    # the baselines' deals too (audit hshand9): some counted a year earlier, and a percentage objective's base
    assert any(d.counted for a in explained.axes for d in a.baseline_decisions)
    if growth:
        assert any(a.growth_base for a in explained.axes)
    deals = {(d.source, d.id): d for d in records.deals}
    assert disagreements(plan, figures, explained, deals) == []            # type: ignore[arg-type]
