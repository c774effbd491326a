"""Benchmark of an incremental night against a full evaluation, side by side in one run.

Usage: ``python -m benchmarks incremental [--shape real|kind] [--scale 0.1] [--seed 2027] [--changed 0.01]
[--repeat 3] [--input columns|objects]`` (``./dev bench incremental --shape real --scale S``).

The organisation is ``benchmarks/realistic.py``'s (``--shape real``) or ``synthetic``'s (``kind``), unchanged. Night 0
is a full night (``evaluate_incremental`` with no kept state: it evaluates everything and leaves the kept state;
timed and printed apart). Night 1 is one day later (``as_of`` + 1 day) with ``--changed`` of the records changed
(1 % of activities + deals + accounts), shaped like a real night:

* 70 % new activities dated in the three days before the new ``as_of`` (owner, account, type and source of a random
  existing activity; completed),
* 10 % edited activities (half moved by one day, half turned cancelled), 4 % activities deleted in the CRM
  (flag) and 1 % gone from the store,
* 8 % new deals closed (won, lost or open) in the last three days on random accounts, 4 % deals edited (an open
  deal won, or an amount changed),
* 3 % accounts edited (industry changed, or the CRM's dormant flag flipped).

Both nights read the records as a run does (``--input columns``, the default: the engine's columns with no record
object behind them, as the store's ``load_columns`` gives them) or as objects (``--input objects``).

Timed on night 1 (best of ``--repeat`` by CPU time, wall time beside it, with the load average): ``evaluate()`` on
every record (a full evaluation) and ``evaluate_incremental()`` (the same figures: checked equal, exit 1 if not),
their ratio, and what the incremental night recomputed (actions re-matched, axes, activities read). Also printed,
to show where the rest of the incremental night goes: ``evaluate()`` with no activity and no action (the axes,
segments, totals and advice over every account and deal, which the clock makes necessary every night).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from benchmarks.realistic import generate_realistic
from benchmarks.synthetic import generate
from pac_core.columnar import AccountTable, ActivityTable, DealTable, RecordColumns
from pac_core.engine import EngineSettings, evaluate
from pac_core.incremental import Changes, KeptState, evaluate_incremental, touched_summary
from pac_core.plan import Plan
from pac_core.records import Account, Activity, ActivityStatus, DealStage, Records

SETTINGS = EngineSettings(fx_rates={"USD": Decimal("0.92")}, capacity={"PX200": Decimal(20000)})


def night_changes(records: Records, as_of: datetime, share: float, seed: int
                  ) -> tuple[Records, Changes, dict[str, int]]:
    """The night's records and change list (see the module's docstring); counts of each kind of change."""
    rng = random.Random(seed)
    total = len(records.activities) + len(records.deals) + len(records.accounts)
    n = max(10, round(total * share))
    activities: list[Activity | None] = list(records.activities)
    deals = list(records.deals)
    accounts = list(records.accounts)
    counts = {"new activities": round(n * 0.70), "edited activities": round(n * 0.10),
              "deleted activities": round(n * 0.04), "vanished activities": round(n * 0.01),
              "new deals": round(n * 0.08), "edited deals": round(n * 0.04), "edited accounts": round(n * 0.03)}
    changed_acts: set[tuple[str, str]] = set()
    changed_deals: set[tuple[str, str]] = set()
    changed_accounts: set[tuple[str, str]] = set()
    typed = [a for a in records.activities if a.type is not None and a.start is not None and a.start.tzinfo]
    new: list[Activity] = []
    for k in range(counts["new activities"]):
        model = typed[rng.randrange(len(typed))]
        start = as_of - timedelta(days=3) + timedelta(seconds=rng.randrange(3 * 86400))
        a = replace(model, id=f"NEW-T{k:08d}", start=start, status=ActivityStatus.COMPLETED, deleted=False)
        new.append(a)
        changed_acts.add((a.source, a.id))
    picks = rng.sample(range(len(activities)), counts["edited activities"] + counts["deleted activities"]
                       + counts["vanished activities"])
    edited = picks[:counts["edited activities"]]
    deleted = picks[len(edited):len(edited) + counts["deleted activities"]]
    vanished = picks[len(edited) + len(deleted):]
    for i in edited:
        a = records.activities[i]
        if rng.random() < 0.5 and a.start is not None:
            activities[i] = replace(a, start=a.start + timedelta(days=1))
        else:
            activities[i] = replace(a, status=ActivityStatus.CANCELLED)
    for i in deleted:
        activities[i] = replace(records.activities[i], deleted=True)
    for i in vanished:
        activities[i] = None
    for i in picks:
        changed_acts.add((records.activities[i].source, records.activities[i].id))
    for k in range(counts["new deals"]):
        model = deals[rng.randrange(len(deals))]
        d = replace(model, id=f"NEW-D{k:07d}", stage=rng.choice(tuple(DealStage)), deleted=False,
                    close_date=(as_of - timedelta(days=rng.randrange(3))).date(), closed_at=None)
        deals.append(d)
        changed_deals.add((d.source, d.id))
    for i in rng.sample(range(len(records.deals)), counts["edited deals"]):
        d = deals[i]
        deals[i] = replace(d, stage=DealStage.WON) if d.stage is DealStage.OPEN else \
            replace(d, amount=(d.amount or Decimal(0)) + Decimal(1000))
        changed_deals.add((d.source, d.id))
    industries = sorted({a.industry for a in accounts if a.industry})
    for i in rng.sample(range(len(accounts)), counts["edited accounts"]):
        a: Account = accounts[i]
        accounts[i] = replace(a, industry=rng.choice(industries)) if rng.random() < 0.5 else \
            replace(a, dormant=not a.dormant)
        changed_accounts.add((a.source, a.id))
    night = replace(records, activities=tuple(a for a in activities if a is not None) + tuple(new),
                    deals=tuple(deals), accounts=tuple(accounts))
    return night, Changes(frozenset(changed_acts), frozenset(changed_accounts), frozenset(changed_deals)), counts


def as_stored(records: Records) -> RecordColumns:
    """The records as the store's ``load_columns`` gives them to a run: columns, no record object behind them."""
    tables = AccountTable.of(records.accounts), ActivityTable.of(records.activities), DealTable.of(records.deals)
    for table in tables:
        table._origin = None
    return RecordColumns(*tables, records.users, records.rejected)


def _best(repeat: int, run: Callable[[], Any]) -> tuple[float, float, Any]:
    """(CPU seconds, wall seconds, result) of the run with the least CPU time."""
    best, wall, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        tick, cpu = time.perf_counter(), time.process_time()
        result = run()
        spent = time.process_time() - cpu
        if spent < best:
            best, wall = spent, time.perf_counter() - tick
    return best, wall, result


def _load() -> str:
    return "load average " + " / ".join(f"{v:.1f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks incremental", description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=("real", "kind"), default="real")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--changed", type=float, default=0.01, help="share of records changed in the night")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--input", choices=("columns", "objects"), default="columns",
                        help="records as the store's columns (as a run reads them) or as objects")
    args = parser.parse_args(argv)
    given: Callable[[Records], Records | RecordColumns] = as_stored if args.input == "columns" else (lambda r: r)

    tick = time.perf_counter()
    plan: Plan
    plan, records, as_of = generate_realistic(args.scale, seed=args.seed) if args.shape == "real" \
        else generate(args.scale, seed=args.seed)
    print(f"organisation ({args.shape}, x{args.scale}): {len(records.accounts):,} accounts, "
          f"{len(records.activities):,} activities, {len(records.deals):,} deals, {len(plan.actions):,} actions, "
          f"{len(plan.axes)} axes (generated in {time.perf_counter() - tick:.1f} s)")
    tick = time.perf_counter()
    _, kept, stats0 = evaluate_incremental(plan, given(records), None, None, as_of=as_of, settings=SETTINGS)
    print(f"night 0 (full, leaves the kept state): {time.perf_counter() - tick:.2f} s; {touched_summary(stats0)}")

    tomorrow = as_of + timedelta(days=1)
    night, changes, counts = night_changes(records, tomorrow, args.changed, args.seed)
    del records
    print(f"night 1 (as_of + 1 day): {changes.size:,} records changed ("
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + ")")

    night_in, floor_in = given(night), given(replace(night, activities=()))
    print(f"input: {args.input}; {_load()}")
    full_s, full_w, full = _best(args.repeat, lambda: evaluate(plan, night_in, as_of=tomorrow, settings=SETTINGS))
    kept_in: KeptState = kept
    inc_s, inc_w, (incremental, _, stats) = _best(args.repeat, lambda: evaluate_incremental(
        plan, night_in, changes, kept_in, as_of=tomorrow, settings=SETTINGS))
    floor_s, floor_w, _ = _best(args.repeat, lambda: evaluate(replace(plan, actions=()), floor_in, as_of=tomorrow,
                                                              settings=SETTINGS))
    same = incremental == full
    print(f"full evaluation:        {full_s:8.2f} s CPU ({full_w:.2f} s wall)")
    print(f"incremental night:      {inc_s:8.2f} s CPU ({inc_w:.2f} s wall)   ratio {inc_s / full_s:.3f} CPU "
          f"({inc_w / full_w:.3f} wall; target <= 0.10)")
    print(f"  {touched_summary(stats)}")
    print(f"axes, segments, totals and advice alone (no activity, no action): {floor_s:.2f} s CPU "
          f"({floor_s / full_s:.3f} of the full evaluation; {floor_w:.2f} s wall)")
    print(f"incremental == full, field by field: {same}; {_load()}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
