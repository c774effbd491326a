"""Benchmark of the evaluation engine against an equivalent DuckDB SQL formulation of the action counts.

Usage: ``python -m benchmarks engine [--scale 0.1] [--seed 2027] [--no-duckdb]``

Prints: generation time (not part of the figures), evaluation time, records per second, resident
memory after generating and peak resident memory after evaluating; then the DuckDB time of the same
action counts on the same data (the data is written to CSV files and loaded into DuckDB first, outside
the timing), the ratio engine / DuckDB, and whether both give identical counts for every action.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.synthetic import generate
from pac_core.engine import EngineSettings, evaluate
from pac_core.matching import ActivityIndex, owner_emails
from pac_core.plan import Counting, Plan
from pac_core.records import DealStage, Records
from pac_core.results import Evaluation

SETTINGS = EngineSettings(fx_rates={"USD": Decimal("0.92")}, capacity={"PX200": Decimal(20000)})

TEXT = "VARCHAR"
TYPES = {   # explicit types: "01" is a département code, not the number 1
    "accounts": {"n": "BIGINT", "source": TEXT, "id": TEXT, "departement": TEXT, "region": TEXT, "industry": TEXT,
                 "annual_revenue": "DOUBLE", "dormant": "BOOLEAN", "deleted": "BOOLEAN"},
    "users": {"source": TEXT, "id": TEXT, "email": TEXT},
    "activities": {"source": TEXT, "id": TEXT, "type": TEXT, "owner_id": TEXT, "account_id": TEXT, "ts": "DOUBLE",
                   "status": TEXT, "deleted": "BOOLEAN"},
    "won": {"acc_n": "BIGINT", "close_date": "DATE"},
    "actions": {"action_id": TEXT, "who": TEXT, "type": TEXT, "ws": "DOUBLE", "we": "DOUBLE", "ref": "DATE",
                "distinct_accounts": "BOOLEAN", "dept": TEXT, "region": TEXT, "min_revenue": "DOUBLE",
                "industry": TEXT, "dormant": "BOOLEAN"},
}

COUNTS_SQL = """
WITH owned AS (
    SELECT t.id, t.source, t.type, t.ts, lower(u.email) AS email, acc.n AS acc_n, acc.departement, acc.region,
           acc.industry, acc.annual_revenue, acc.dormant
    FROM activities t
    JOIN users u ON u.source = t.source AND u.id = t.owner_id
    JOIN accounts acc ON acc.source = t.source AND acc.id = t.account_id
    WHERE t.status = 'completed' AND NOT t.deleted AND NOT acc.deleted AND t.ts IS NOT NULL
      AND t.type IS NOT NULL AND u.email IS NOT NULL
),
hits AS (
    SELECT x.action_id, x.distinct_accounts, o.acc_n
    FROM actions x
    JOIN owned o ON o.email = x.who AND o.type = x.type AND o.ts >= x.ws AND o.ts < x.we
    WHERE o.departement = x.dept AND o.region = x.region
      AND (x.min_revenue IS NULL OR o.annual_revenue >= x.min_revenue)
      AND (x.industry IS NULL OR o.industry = x.industry)
      AND (NOT x.dormant OR coalesce(o.dormant, NOT EXISTS (
            SELECT 1 FROM won w
            WHERE w.acc_n = o.acc_n AND w.close_date >= x.ref - INTERVAL 12 MONTH AND w.close_date < x.ref)))
)
SELECT action_id,
       CASE WHEN any_value(distinct_accounts) THEN count(DISTINCT acc_n) ELSE count(*) END AS done
FROM hits GROUP BY action_id
"""


def rss_mb() -> float:
    """Current resident memory (MB), from /proc when available."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KB on Linux


def write_csvs(plan: Plan, records: Records, folder: Path) -> None:
    """The same data as CSV for DuckDB: raw ids and owner ids, joined in SQL as the engine joins them."""
    numbers = {}
    with open(folder / "accounts.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["n", "source", "id", "departement", "region", "industry", "annual_revenue", "dormant", "deleted"])
        for n, a in enumerate(records.accounts):
            numbers[(a.source, a.id)] = n
            w.writerow([n, a.source, a.id, a.departement, a.region, a.industry, a.annual_revenue,
                        "" if a.dormant is None else a.dormant, a.deleted])
    with open(folder / "users.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "id", "email"])
        w.writerows([u.source, u.id, u.email or ""] for u in records.users)
    with open(folder / "activities.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "id", "type", "owner_id", "account_id", "ts", "status", "deleted"])
        for t in records.activities:
            ts = t.start.timestamp() if t.start is not None and t.start.tzinfo is not None else ""
            w.writerow([t.source, t.id, t.type.value if t.type else "", t.owner_id or "", t.account_id or "",
                        ts, t.status.value, t.deleted])
    with open(folder / "won.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["acc_n", "close_date"])
        for d in records.deals:
            n = numbers.get((d.source, d.account_id))
            if d.stage is DealStage.WON and not d.deleted and d.close_date is not None and n is not None:
                w.writerow([n, d.close_date.isoformat()])
    with open(folder / "actions.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["action_id", "who", "type", "ws", "we", "ref", "distinct_accounts", "dept", "region",
                    "min_revenue", "industry", "dormant"])
        for action in plan.actions:
            axis = plan.axis(action.axis_id)
            segment = plan.segment(axis.segment_id)
            [cond] = axis.scope.conditions
            w.writerow([action.id, action.who, action.activity_type.value, action.window.start.timestamp(),
                        action.window.end.timestamp(), action.window.start.date().isoformat(),
                        action.counting is Counting.DISTINCT_ACCOUNTS, action.scope.conditions[0].values[0],
                        segment.scope.conditions[0].values[0],
                        cond.values[0] if cond.field == "annual_revenue" else "",
                        cond.values[0] if cond.field == "industry" else "", cond.field == "dormant"])


def duckdb_counts(folder: Path) -> tuple[dict[str, int], float, float]:
    """(action id -> count, load seconds, query seconds)."""
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    for table, types in TYPES.items():
        con.read_csv(str(folder / f"{table}.csv"), header=True, dtype=types, na_values=[""]).create(table)
    loaded = time.perf_counter()
    rows = con.execute(COUNTS_SQL).fetchall()
    queried = time.perf_counter()
    con.close()
    return {r[0]: int(r[1]) for r in rows}, loaded - started, queried - loaded


def time_activity_index(plan: Plan, records: Records) -> float:
    """Seconds spent building the activity index alone (the part of the evaluation that reads every activity)."""
    numbers = {(a.source, a.id): i for i, a in enumerate(records.accounts)}
    emails = owner_emails(records.users)
    gc.disable()
    try:
        started = time.perf_counter()
        ActivityIndex.build(records.activities, emails=emails, account_number=numbers, zone=ZoneInfo(plan.timezone),
                            partition=[a.departement for a in records.accounts])
        return time.perf_counter() - started
    finally:
        gc.enable()


def run(scale: float, seed: int, with_duckdb: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    plan, records, as_of = generate(scale, seed=seed)
    generated = time.perf_counter() - t0
    n_records = len(records.accounts) + len(records.activities) + len(records.deals)
    rss_before = rss_mb()
    t1, c1 = time.perf_counter(), time.process_time()
    evaluation: Evaluation = evaluate(plan, records, as_of=as_of, settings=SETTINGS)
    seconds, cpu = time.perf_counter() - t1, time.process_time() - c1
    out: dict[str, Any] = {
        "accounts": len(records.accounts), "activities": len(records.activities), "deals": len(records.deals),
        "actions": len(plan.actions), "generation_s": generated, "evaluation_s": seconds, "evaluation_cpu_s": cpu,
        "load_average": os.getloadavg()[0],
        "records_per_s": n_records / seconds, "rss_after_generation_mb": rss_before, "peak_rss_mb": peak_mb(),
        "counted": sum(a.done for a in evaluation.actions), "rejected": len(evaluation.rejected),
        "recommendations": len(evaluation.recommendations),
    }
    out["indexing_activities_s"] = time_activity_index(plan, records)
    if with_duckdb:
        with tempfile.TemporaryDirectory() as tmp:
            write_csvs(plan, records, Path(tmp))
            counts, load_s, query_s = duckdb_counts(Path(tmp))
        engine_counts = {a.action_id: a.done for a in evaluation.actions}
        mismatched = [k for k, v in engine_counts.items() if counts.get(k, 0) != v]
        out.update({"duckdb_load_s": load_s, "duckdb_query_s": query_s, "ratio": seconds / query_s,
                    "identical_counts": not mismatched, "mismatched_actions": mismatched[:10]})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks engine", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies 100k accounts / 1M activities...")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB comparison")
    args = parser.parse_args(argv)
    r = run(args.scale, args.seed, not args.no_duckdb)
    print(f"data: {r['accounts']:,} accounts, {r['activities']:,} activities, {r['deals']:,} deals, "
          f"{r['actions']:,} actions (generated in {r['generation_s']:.1f} s, not counted); "
          f"load average {r['load_average']:.1f} on {os.cpu_count()} CPUs")
    print(f"engine: {r['evaluation_s']:.2f} s ({r['evaluation_cpu_s']:.2f} s CPU), "
          f"{r['records_per_s']:,.0f} records/s; "
          f"RSS after generation {r['rss_after_generation_mb']:.0f} MB, peak {r['peak_rss_mb']:.0f} MB")
    print(f"  of which indexing the activities: {r['indexing_activities_s']:.2f} s")
    print(f"results: {r['counted']:,} counted, {r['rejected']:,} rejected records, "
          f"{r['recommendations']} recommendations")
    if "ratio" in r:
        print(f"duckdb: query {r['duckdb_query_s']:.2f} s (load {r['duckdb_load_s']:.1f} s, not counted); "
              f"ratio engine/duckdb {r['ratio']:.2f}; identical counts: {r['identical_counts']}")
        if not r["identical_counts"]:
            print(f"  first mismatched actions: {r['mismatched_actions']}")
            return 1
    return 0
