"""Benchmark of ``pac explain AXIS``'s evaluation: one axis's decisions, or every axis's counted deals listed.

Usage: ``python -m benchmarks explain-axis [--scale 0.25] [--seed 2027] [--repeat 2] [--axis AX-…]``

``pac explain AXIS`` evaluates the stored records once. To name the other axes that count a deal (``attribution:
split``: the axes it is divided with, ``explain.split_partners``; ``full``: the axes that count it too,
``explain.also_counted_by``) it lists every axis's counted deals (``sync_jobs.evaluation.evaluate(all_deals=True)``:
``deal_decision_limit`` unbounded, every axis explained); without them, the asked axis's decisions alone; either
way the asked axis's baseline's deals too (``AxisProgress.baseline_decisions``, ``explain_bases``). This times
both (CPU time, less moved by a busy machine than the wall clock, and wall time) on the realistic
organisation (``benchmarks/realistic.py``, records as objects, as ``pac explain`` loads them
from the store), under each attribution, and measures the evaluation's peak memory (``tracemalloc``, Python and
NumPy allocations, in a pass apart from the timed ones). The store's read, the same either way, is not timed.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import time
import tracemalloc
from collections.abc import Callable

from benchmarks.realistic import generate_realistic
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.explain import also_counted_by, explain_axis, split_partners
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation

EVERY_DEAL = 2 ** 62     # as sync_jobs.evaluation._EVERY_DEAL


def _path(plan: Plan, records: Records, as_of, axis_id: str, attribution: str, every: bool) -> Callable[[], int]:
    """``pac explain AXIS``'s work after the store's read: the evaluation, the other axes named, the rows."""
    settings = EngineSettings(attribution=attribution)
    deals = {(d.source, d.id): d for d in records.deals}
    if every:
        settings = dataclasses.replace(settings, deal_decision_limit=EVERY_DEAL)
        wanted = [axis_id, *(a.id for a in plan.axes)]
    else:
        wanted = [axis_id]

    def run() -> int:
        # the baseline's deals of the asked axis alone, as ``sync_jobs.evaluation.evaluate`` asks them
        evaluation: Evaluation = evaluate(plan, records, as_of=as_of, settings=settings, explain=wanted,
                                          explain_bases=[axis_id])
        named = (split_partners if attribution == "split" else also_counted_by)(plan, evaluation, axis_id) \
            if every else None
        shown = explain_axis(plan, evaluation, axis_id, deals=deals, shared=named, lang="en")
        return len(shown.rows) + len(shown.baseline_rows) + len(shown.base_rows)
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--axis", help="the axis explained (default: the one counting the most deals)")
    args = parser.parse_args(argv)
    if args.scale > 0.25:
        parser.error("at most 0.25 on a shared machine")
    start = time.perf_counter()
    plan, records, as_of = generate_realistic(args.scale, seed=args.seed)
    print(f"scale {args.scale}: {len(records.accounts):,} accounts, {len(records.activities):,} activities, "
          f"{len(records.deals):,} deals, {len(plan.axes)} axes, {len(plan.actions)} actions "
          f"(generated in {time.perf_counter() - start:.1f} s)")
    axis_id = args.axis
    if axis_id is None:
        every_deal = EngineSettings(deal_decision_limit=EVERY_DEAL)
        everything = evaluate(plan, records, as_of=as_of, settings=every_deal, explain=[a.id for a in plan.axes])
        counted = {a.axis_id: sum(d.counted for d in a.decisions) for a in everything.axes}
        axis_id = max(counted, key=lambda k: counted[k])
        print(f"axis {axis_id}: {counted[axis_id]:,} counted deals; every axis: {sum(counted.values()):,}")
    for attribution in ("full", "split"):
        for every in (False, True):
            run = _path(plan, records, as_of, axis_id, attribution, every)
            times, cpu = [], []
            for _ in range(args.repeat):
                gc.collect()
                t0, c0 = time.perf_counter(), time.process_time()
                rows = run()
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            gc.collect()
            tracemalloc.start()
            run()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            what = "every axis's counted deals" if every else "the axis's decisions alone"
            print(f"{attribution:5} {what:28}: CPU best {min(cpu):.2f} s, wall best {min(times):.2f} s (runs "
                  f"{', '.join(f'{t:.2f}' for t in times)}), peak {peak / 2 ** 20:.0f} MiB, {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
