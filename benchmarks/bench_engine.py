"""Benchmark of the evaluation engine against an equivalent DuckDB SQL formulation of the action counts.

Usage: ``python -m benchmarks engine [--shape kind|real] [--scale 0.1] [--seed 2027] [--repeat 3] [--no-duckdb]``

``--shape real`` (benchmarks/realistic.py) is an organisation shaped like a real one: 400 reps x scale, actions
whose scopes mix one to four départements with industry and dormancy (about 4,000 distinct scopes at scale 1),
windows starting on about 600 instants, a dormant flag on every account; ``kind`` is the older, gentler shape.

What is timed on each side (the same question: the 5,000 action counts, from data already loaded in
each engine's own structures):

* engine, counting: ``count_actions`` on indexes already built (``build_indexes``, timed apart and
  printed), scope sets computed inside the timing; every repeat builds fresh indexes, nothing is reused;
* DuckDB, query: the SQL below on tables already loaded from CSV (the load is timed apart, not
  compared), with DuckDB's default thread count and again with ``SET threads=1``;
* engine, end to end: ``evaluate()`` as the nightly run calls it (indexes, counts, KPIs, revenue, ROI,
  advice; no per-record decisions), and ``evaluate(explain=True)`` (decisions for every action).

Prints those times (every run and the best), records per second, resident memory after generating and
peak resident memory, the ratios counting / query and end to end / query, and whether the engine and
DuckDB give identical counts for every action (exit 1 if not).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

try:
    import duckdb  # the bench extra (./dev bench installs it)
except ImportError:   # pragma: no cover - the comparison then needs --no-duckdb
    duckdb = None

from benchmarks.realistic import generate_columns
from benchmarks.synthetic import generate
from pac_core.columnar import NO_DAY, NO_TIME, RecordColumns
from pac_core.engine import EngineSettings, build_indexes, count_actions, evaluate, gc_paused
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


# The realistic shape: every action scope is "départements IN (...)" [AND industry] [AND dormant], under its
# segment's région and its axis's condition; the départements are a table of their own (action_id, dept).
# Activities are joined to the actions first (owner, type, window), DuckDB's best order for this question.
REAL_TYPES = {**{k: v for k, v in TYPES.items() if k != "actions"},
              "actions": {"action_id": TEXT, "who": TEXT, "type": TEXT, "ws": "DOUBLE", "we": "DOUBLE", "ref": "DATE",
                          "distinct_accounts": "BOOLEAN", "region": TEXT, "min_revenue": "DOUBLE", "industry": TEXT,
                          "axis_industry": TEXT, "axis_dormant": "BOOLEAN", "dormant": "BOOLEAN"},
              "action_depts": {"action_id": TEXT, "dept": TEXT}}

REAL_COUNTS_SQL = """
WITH owned AS (
    SELECT t.type, t.ts, lower(u.email) AS email, acc.n AS acc_n, acc.departement, acc.region,
           acc.industry, acc.annual_revenue, acc.dormant
    FROM activities t
    JOIN users u ON u.source = t.source AND u.id = t.owner_id
    JOIN accounts acc ON acc.source = t.source AND acc.id = t.account_id
    WHERE t.status = 'completed' AND NOT t.deleted AND NOT acc.deleted AND t.ts IS NOT NULL
      AND t.type IS NOT NULL AND u.email IS NOT NULL
),
in_window AS (
    SELECT x.*, o.acc_n, o.departement, o.region AS acc_region, o.industry AS acc_industry, o.annual_revenue,
           o.dormant AS acc_dormant
    FROM actions x JOIN owned o ON o.email = x.who AND o.type = x.type AND o.ts >= x.ws AND o.ts < x.we
),
hits AS (
    SELECT w.action_id, w.distinct_accounts, w.acc_n
    FROM in_window w JOIN action_depts d ON d.action_id = w.action_id AND d.dept = w.departement
    WHERE w.acc_region = w.region
      AND (w.min_revenue IS NULL OR w.annual_revenue >= w.min_revenue)
      AND (w.industry IS NULL OR w.acc_industry = w.industry)
      AND (w.axis_industry IS NULL OR w.acc_industry = w.axis_industry)
      AND (NOT (w.dormant OR w.axis_dormant) OR coalesce(w.acc_dormant, NOT EXISTS (
            SELECT 1 FROM won x
            WHERE x.acc_n = w.acc_n AND x.close_date >= w.ref - INTERVAL 12 MONTH AND x.close_date < w.ref)))
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


def write_csvs(plan: Plan, records: Records, folder: Path, until: float) -> None:
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
                        min(action.window.end.timestamp(), until), action.window.start.date().isoformat(),
                        action.counting is Counting.DISTINCT_ACCOUNTS, action.scope.conditions[0].values[0],
                        segment.scope.conditions[0].values[0],
                        cond.values[0] if cond.field == "annual_revenue" else "",
                        cond.values[0] if cond.field == "industry" else "", cond.field == "dormant"])


def real_action_rows(plan: Plan, until: float) -> Iterator[tuple[tuple[Any, ...], tuple[str, ...]]]:
    """The realistic shape's actions as rows of ``REAL_TYPES["actions"]`` (None where a column does not apply),
    each with its départements (a table of their own); each window ends at ``until`` (the evaluation instant) at
    the latest, as the engine ends it."""
    for action in plan.actions:
        axis = plan.axis(action.axis_id)
        segment = plan.segment(axis.segment_id)
        [cond] = axis.scope.conditions
        conditions = {c.field: c for c in action.scope.conditions}
        industry = conditions.get("industry")
        row = (action.id, action.who, action.activity_type.value, action.window.start.timestamp(),
               min(action.window.end.timestamp(), until), action.window.start.date(),
               action.counting is Counting.DISTINCT_ACCOUNTS, segment.scope.conditions[0].values[0],
               float(cond.values[0]) if cond.field == "annual_revenue" else None,
               industry.values[0] if industry else None, cond.values[0] if cond.field == "industry" else None,
               cond.field == "dormant" and bool(cond.values[0]), "dormant" in conditions)
        yield row, tuple(conditions["departement"].values)


def duckdb_counts(folder: Path, repeat: int = 1) -> dict[str, Any]:
    """The SQL action counts: tables loaded first (timed apart), then the query timed with DuckDB's default
    thread count and again with ``SET threads=1``; each query ``repeat`` times (a fresh execution each time)."""
    con = duckdb.connect()
    started = time.perf_counter()
    for table, types in TYPES.items():
        con.read_csv(str(folder / f"{table}.csv"), header=True, dtype=types, na_values=[""]).create(table)
    loaded = time.perf_counter()
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])  # type: ignore[index]
    rows: list[Any] = []
    default_s = []
    for _ in range(repeat):
        t = time.perf_counter()
        rows = con.execute(COUNTS_SQL).fetchall()
        default_s.append(time.perf_counter() - t)
    con.execute("SET threads=1")
    single_s = []
    for _ in range(repeat):
        t = time.perf_counter()
        single = con.execute(COUNTS_SQL).fetchall()
        single_s.append(time.perf_counter() - t)
    con.close()
    counts = {r[0]: int(r[1]) for r in rows}
    assert counts == {r[0]: int(r[1]) for r in single}
    return {"counts": counts, "load_s": loaded - started, "threads": threads, "query_s": min(default_s),
            "query_runs_s": default_s, "query_1t_s": min(single_s), "query_1t_runs_s": single_s}


def time_phases(plan: Plan, records: Records, repeat: int, until: float) -> dict[str, Any]:
    """The engine's own phases, each repeat from scratch (new indexes, so no scope set is reused):
    building the indexes (every record read once) and counting the actions on them."""
    builds, counts_s, counts_cpu = [], [], []
    counts: dict[str, int] = {}
    for _ in range(repeat):
        gc.collect()
        with gc_paused():   # as evaluate() does
            t0 = time.perf_counter()
            indexes = build_indexes(plan, records, SETTINGS)
            t1, c1 = time.perf_counter(), time.process_time()
            found = count_actions(plan, indexes, until=until)
            t2, c2 = time.perf_counter(), time.process_time()
        builds.append(t1 - t0)
        counts_s.append(t2 - t1)
        counts_cpu.append(c2 - c1)
        counts = {k: v.done for k, v in found.items()}
        del indexes, found
    return {"build_s": min(builds), "build_runs_s": builds, "count_s": min(counts_s), "count_runs_s": counts_s,
            "count_cpu_s": min(counts_cpu),
            "phase_counts": counts}


def timed_evaluate(plan: Plan, records: Records, as_of: Any, explain: bool) -> tuple[Evaluation, float, float]:
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    evaluation = evaluate(plan, records, as_of=as_of, settings=SETTINGS, explain=explain)
    return evaluation, time.perf_counter() - t, time.process_time() - c


def run(scale: float, seed: int, with_duckdb: bool, repeat: int = 3) -> dict[str, Any]:
    """``--shape kind``: records as objects, the counts compared with DuckDB's query over CSV files."""
    t0 = time.perf_counter()
    plan, records, as_of = generate(scale, seed=seed)
    generated = time.perf_counter() - t0
    n_records = len(records.accounts) + len(records.activities) + len(records.deals)
    rss_before = rss_mb()
    out: dict[str, Any] = {
        "accounts": len(records.accounts), "activities": len(records.activities), "deals": len(records.deals),
        "actions": len(plan.actions), "shape": "kind",
        "scopes": len({plan.action_scope(a).conditions for a in plan.actions}),
        "window_starts": len({a.window.start for a in plan.actions}), "generation_s": generated,
        "load_average": os.getloadavg()[0],
        "rss_after_generation_mb": rss_before,
    }
    out.update(time_phases(plan, records, repeat, as_of.timestamp()))
    bulk, bulk_s, bulk_cpu = timed_evaluate(plan, records, as_of, explain=False)
    del bulk
    evaluation, seconds, cpu = timed_evaluate(plan, records, as_of, explain=True)
    out.update({
        "evaluation_s": seconds, "evaluation_cpu_s": cpu, "bulk_s": bulk_s, "bulk_cpu_s": bulk_cpu,
        "records_per_s": n_records / bulk_s, "peak_rss_mb": peak_mb(),
        "counted": sum(a.done for a in evaluation.actions), "rejected": len(evaluation.rejected),
        "recommendations": len(evaluation.recommendations),
        "decisions": sum(len(a.decisions) for a in evaluation.actions),
    })
    engine_counts = {a.action_id: a.done for a in evaluation.actions}
    assert engine_counts == out["phase_counts"], "count_actions and evaluate disagree"
    if with_duckdb:
        with tempfile.TemporaryDirectory() as tmp:
            write_csvs(plan, records, Path(tmp), as_of.timestamp())
            sql = duckdb_counts(Path(tmp), repeat)
        mismatched = [k for k, v in engine_counts.items() if sql["counts"].get(k, 0) != v]
        out.update({"duckdb_load_s": sql["load_s"], "duckdb_threads": sql["threads"],
                    "duckdb_query_s": sql["query_s"], "duckdb_query_runs_s": sql["query_runs_s"],
                    "duckdb_query_1t_s": sql["query_1t_s"], "duckdb_query_1t_runs_s": sql["query_1t_runs_s"],
                    "ratio": out["count_s"] / sql["query_s"], "ratio_1t": out["count_s"] / sql["query_1t_s"],
                    "ratio_bulk": bulk_s / sql["query_s"], "ratio_full": seconds / sql["query_s"],
                    "identical_counts": not mismatched, "mismatched_actions": mismatched[:10]})
    out.pop("phase_counts")
    return out


# ------------------------------------------------------------------------------------------------------------------
# --shape real: records as columns, evaluate() against DuckDB's load from Parquet + best query, in the same run
# ------------------------------------------------------------------------------------------------------------------

def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def duckdb_tables(plan: Plan, columns: RecordColumns, until: float) -> dict[str, dict[str, np.ndarray]]:
    """The same data as DuckDB tables (dicts of NumPy arrays): raw ids and owner ids, joined in SQL as the engine
    joins them; the actions one row each with their départements in a table of their own."""
    acc, act, deals = columns.account_table, columns.activity_table, columns.deal_table
    numbers = {(s, i): n for n, (s, i) in enumerate(zip(acc.source.decoded(), acc.id, strict=True))}
    flag = np.array([None, True, False], dtype=object)
    accounts = {"n": np.arange(acc.n, dtype=np.int64), "source": _objects(acc.source.decoded()),
                "id": _objects(list(acc.id)), "departement": _objects(acc.departement.decoded()),
                "region": _objects(acc.region.decoded()), "industry": _objects(acc.industry.decoded()),
                "annual_revenue": np.array(acc.annual_revenue.decoded(float, np.nan), dtype=np.float64),
                "dormant": flag[acc.dormant], "deleted": acc.deleted}
    users = {"source": _objects([u.source for u in columns.users]), "id": _objects([u.id for u in columns.users]),
             "email": _objects([u.email for u in columns.users])}
    timed = (act.start != NO_TIME) & ~act.naive
    activities = {"source": _objects(act.source.decoded()),
                  "type": _objects(act.type.decoded(lambda t: t.value)),
                  "owner_id": _objects(act.owner.decoded()), "account_id": _objects(act.account.decoded()),
                  "ts": np.where(timed, act.start / 1_000_000, np.nan),
                  "status": _objects(act.status.decoded(lambda t: t.value)), "deleted": act.deleted}
    deal_numbers = np.fromiter((numbers.get(k, -1) for k in zip(deals.source.decoded(), deals.account.decoded(),
                                                                 strict=True)), dtype=np.int64, count=deals.n)
    won = (deals.stage.mapped(lambda s: s is DealStage.WON, False, bool) & ~deals.deleted
           & (deals.close_date != NO_DAY) & (deal_numbers >= 0))
    epoch = date(1970, 1, 1).toordinal()
    won_table = {"acc_n": deal_numbers[won],
                 "close_date": (deals.close_date[won].astype(np.int64) - epoch).astype("datetime64[D]")
                 .astype("datetime64[s]")}
    rows: dict[str, list[Any]] = {k: [] for k in REAL_TYPES["actions"]}
    depts: dict[str, list[Any]] = {"action_id": [], "dept": []}
    for row, action_depts in real_action_rows(plan, until):
        for key, value in zip(REAL_TYPES["actions"], row, strict=True):
            rows[key].append(value)
        for dept in action_depts:
            depts["action_id"].append(row[0])
            depts["dept"].append(dept)
    actions = {k: _objects(v) for k, v in rows.items()}
    return {"accounts": accounts, "users": users, "activities": activities, "won": won_table, "actions": actions,
            "action_depts": {k: _objects(v) for k, v in depts.items()}}


def _create(con: Any, name: str, types: dict[str, str], data: dict[str, np.ndarray]) -> None:
    """One DuckDB table from a dict of NumPy arrays (DuckDB scans the dict in place), typed as ``REAL_TYPES``."""
    src = data   # noqa: F841  (read by DuckDB's replacement scan, by name)
    casts = ", ".join(f"CAST({'CASE WHEN isnan(src.ts) THEN NULL ELSE src.ts END' if c == 'ts' else 'src.' + c} "
                      f"AS {t}) AS {c}" for c, t in types.items() if c in data)
    con.execute(f"CREATE TABLE {name} AS SELECT {casts} FROM src")  # noqa: S608 (our own table and column names)


def duckdb_parquet(plan: Plan, columns: RecordColumns, folder: Path, repeat: int, until: float) -> dict[str, Any]:
    """DuckDB's side: the tables written to Parquet first (not timed), then, in a fresh connection, the timed load
    from Parquet and the query (default threads and 1 thread), each query ``repeat`` times."""
    tables = duckdb_tables(plan, columns, until)
    with duckdb.connect() as con:
        for name, data in tables.items():
            _create(con, name, REAL_TYPES[name], data)
            con.execute(f"COPY {name} TO '{folder / name}.parquet' (FORMAT parquet)")
    del tables
    gc.collect()
    con = duckdb.connect()
    started, cpu = time.perf_counter(), time.process_time()
    for name in REAL_TYPES:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")  # noqa: S608
    load_s, load_cpu = time.perf_counter() - started, time.process_time() - cpu
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])  # type: ignore[index]
    rows: list[Any] = []
    default_s, default_cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        rows = con.execute(REAL_COUNTS_SQL).fetchall()
        default_s.append(time.perf_counter() - t)
        default_cpu.append(time.process_time() - c)
    con.execute("SET threads=1")
    single_s, single_cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        con.execute(REAL_COUNTS_SQL).fetchall()
        single_s.append(time.perf_counter() - t)
        single_cpu.append(time.process_time() - c)
    con.close()
    return {"counts": {r[0]: int(r[1]) for r in rows}, "load_s": load_s, "load_cpu_s": load_cpu,
            "threads": threads, "query_s": min(default_s), "query_runs_s": default_s, "query_cpu_s": min(default_cpu),
            "query_1t_s": min(single_s), "query_1t_runs_s": single_s, "query_1t_cpu_s": min(single_cpu)}


def run_real(scale: float, seed: int, with_duckdb: bool, repeat: int = 3, explain: bool = False) -> dict[str, Any]:
    """The realistic organisation generated straight into columns; ``evaluate()`` from those columns (the engine's
    own in-memory structures, as DuckDB's tables are its own) against DuckDB's load from Parquet + best query."""
    gc.collect()
    t0 = time.perf_counter()
    plan, columns, as_of = generate_columns(scale, seed=seed)
    acc, act, deals = columns.account_table, columns.activity_table, columns.deal_table
    out: dict[str, Any] = {
        "scale": scale, "accounts": acc.n, "activities": act.n, "deals": deals.n, "actions": len(plan.actions),
        "shape": "real", "scopes": len({plan.action_scope(a).conditions for a in plan.actions}),
        "window_starts": len({a.window.start for a in plan.actions}), "generation_s": time.perf_counter() - t0,
        "load_average": os.getloadavg()[0], "rss_after_generation_mb": rss_mb(),
    }
    n_records = acc.n + act.n + deals.n
    runs, cpus = [], []
    evaluation = None
    for _ in range(repeat):     # each run from the columns: fresh indexes, nothing kept from the previous one
        evaluation = None
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        evaluation = evaluate(plan, columns, as_of=as_of, settings=SETTINGS)
        runs.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    assert evaluation is not None
    gc.collect()
    with gc_paused():
        t = time.perf_counter()
        indexes = build_indexes(plan, columns, SETTINGS)
        t1, c1 = time.perf_counter(), time.process_time()
        found = count_actions(plan, indexes, until=as_of.timestamp())
        t2, c2 = time.perf_counter(), time.process_time()
    del indexes
    engine_counts = {a.action_id: a.done for a in evaluation.actions}
    assert engine_counts == {k: v.done for k, v in found.items()}, "count_actions and evaluate disagree"
    out.update({"evaluate_s": min(runs), "evaluate_runs_s": runs, "evaluate_cpu_s": min(cpus),
                "build_s": t1 - t, "count_s": t2 - t1, "count_cpu_s": c2 - c1,
                "records_per_s": n_records / min(runs), "peak_engine_mb": peak_mb(),
                "counted": sum(a.done for a in evaluation.actions), "rejected": len(evaluation.rejected),
                "recommendations": len(evaluation.recommendations)})
    if explain:
        gc.collect()
        t = time.perf_counter()
        full = evaluate(plan, columns, as_of=as_of, settings=SETTINGS, explain=True)
        out.update({"explain_s": time.perf_counter() - t,
                    "decisions": sum(len(a.decisions) for a in full.actions)})
        del full
    if with_duckdb:
        with tempfile.TemporaryDirectory() as tmp:
            sql = duckdb_parquet(plan, columns, Path(tmp), repeat, as_of.timestamp())
        mismatched = [k for k, v in engine_counts.items() if sql["counts"].get(k, 0) != v]
        bar = sql["load_s"] + sql["query_s"]
        out.update({"duckdb_load_s": sql["load_s"], "duckdb_load_cpu_s": sql["load_cpu_s"],
                    "duckdb_threads": sql["threads"], "duckdb_query_s": sql["query_s"],
                    "duckdb_query_runs_s": sql["query_runs_s"], "duckdb_query_cpu_s": sql["query_cpu_s"],
                    "duckdb_query_1t_s": sql["query_1t_s"], "duckdb_query_1t_runs_s": sql["query_1t_runs_s"],
                    "duckdb_query_1t_cpu_s": sql["query_1t_cpu_s"],
                    "duckdb_bar_s": bar, "ratio": min(runs) / bar,
                    "ratio_cpu": min(cpus) / (sql["load_cpu_s"] + sql["query_cpu_s"]),
                    "ratio_1t": min(runs) / (sql["load_s"] + sql["query_1t_s"]),
                    "ratio_cpu_1t": min(cpus) / (sql["load_cpu_s"] + sql["query_1t_cpu_s"]),
                    "ratio_counting": out["count_s"] / sql["query_s"],
                    "identical_counts": not mismatched, "mismatched_actions": mismatched[:10]})
    out["peak_rss_mb"] = peak_mb()
    return out


def print_real(r: dict[str, Any]) -> int:
    print(f"data: {r['accounts']:,} accounts, {r['activities']:,} activities, {r['deals']:,} deals, "
          f"{r['actions']:,} actions over {r['scopes']:,} distinct scopes and {r['window_starts']:,} window starts, "
          f"shape real, generated into columns in {r['generation_s']:.1f} s (not counted); load average "
          f"{r['load_average']:.1f} on {os.cpu_count()} CPUs; engine single-process")
    print(f"engine: evaluate() from the columns in memory {r['evaluate_s']:.3f} s "
          f"[{_runs(r['evaluate_runs_s'])}] ({r['evaluate_cpu_s']:.3f} s CPU, {r['records_per_s']:,.0f} records/s; "
          f"no per-record decisions); phases: index build {r['build_s']:.3f} s, counting {r['count_s']:.3f} s")
    if "explain_s" in r:
        print(f"engine: evaluate(explain=True) {r['explain_s']:.2f} s ({r['decisions']:,} decisions)")
    print(f"memory: RSS after generation {r['rss_after_generation_mb']:.0f} MB; peak of the whole process "
          f"{r['peak_engine_mb']:.0f} MB after the engine, {r['peak_rss_mb']:.0f} MB at the end (DuckDB included)")
    print(f"results: {r['counted']:,} counted, {r['rejected']:,} rejected records, "
          f"{r['recommendations']} recommendations")
    if "ratio" in r:
        print(f"duckdb: load from Parquet {r['duckdb_load_s']:.3f} s ({r['duckdb_load_cpu_s']:.3f} s CPU); best query "
              f"with {r['duckdb_threads']} threads {r['duckdb_query_s']:.3f} s [{_runs(r['duckdb_query_runs_s'])}], "
              f"with 1 thread {r['duckdb_query_1t_s']:.3f} s [{_runs(r['duckdb_query_1t_runs_s'])}]")
        print(f"ratio evaluate() / (DuckDB load + best query): {r['ratio']:.2f} "
              f"({r['evaluate_s']:.3f} s / {r['duckdb_bar_s']:.3f} s; CPU time {r['ratio_cpu']:.2f}); "
              f"with DuckDB on 1 thread {r['ratio_1t']:.2f} (CPU time {r['ratio_cpu_1t']:.2f}); "
              f"counting / query {r['ratio_counting']:.2f}; identical counts: {r['identical_counts']}")
        if not r["identical_counts"]:
            print(f"  first mismatched actions: {r['mismatched_actions']}")
            return 1
    return 0


def growth(scales: list[float], seed: int, repeat: int, with_duckdb: bool) -> int:
    """Each scale in a fresh process (so peaks do not mix), then the table: time, peak, and how cost grows."""
    rows = []
    for scale in scales:
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            cmd = [sys.executable, "-m", "benchmarks", "engine", "--shape", "real", "--scale", str(scale),
                   "--seed", str(seed), "--repeat", str(repeat), "--json", f.name] + ([] if with_duckdb else
                                                                                      ["--no-duckdb"])
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            print(done.stdout, end="")
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return done.returncode
            rows.append(json.loads(Path(f.name).read_text()))
    print()
    print("| scale | activities | evaluate() s | CPU s | µs / record | DuckDB load + query s (CPU s) | ratio (CPU) | "
          "ratio, DuckDB 1 thread (CPU) | peak after engine MB | peak with DuckDB MB | "
          "growth vs previous (time / size) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    previous = None
    for r in rows:
        n = r["accounts"] + r["activities"] + r["deals"]
        grow = "" if previous is None else \
            f"{(r['evaluate_cpu_s'] / previous['evaluate_cpu_s']) / (n / previous['n']):.2f}"
        bar = f"{r['duckdb_bar_s']:.3f} ({r['duckdb_load_cpu_s'] + r['duckdb_query_cpu_s']:.3f})" \
            if "duckdb_bar_s" in r else "–"
        ratio = f"{r['ratio']:.2f} ({r['ratio_cpu']:.2f})" if "ratio" in r else "–"
        ratio_1t = f"{r['ratio_1t']:.2f} ({r['ratio_cpu_1t']:.2f})" if "ratio_1t" in r else "–"
        print(f"| {r['scale']:g} | {r['activities']:,} | {r['evaluate_s']:.3f} | {r['evaluate_cpu_s']:.3f} | "
              f"{r['evaluate_cpu_s'] / n * 1e6:.2f} | {bar} | {ratio} | {ratio_1t} | {r['peak_engine_mb']:.0f} | "
              f"{r['peak_rss_mb']:.0f} | {grow} |")
        previous = {**r, "n": n}
    return 0


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks engine", description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=("kind", "real"), default="kind",
                        help="real: 400 reps x scale, ~4,000 mixed scopes, ~600 window starts "
                        "(benchmarks/realistic.py)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies 100k accounts / 1M activities...")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the index build + counting and of each "
                        "DuckDB query (the best is compared, every run is printed)")
    parser.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB comparison")
    parser.add_argument("--scales", help="real shape: the growth table over these scales (e.g. 0.25,0.5,1,2,4), "
                        "each in a fresh process")
    parser.add_argument("--growth", action="store_true", help="real shape: --scales 0.25,0.5,1,2,4")
    parser.add_argument("--explain", action="store_true", help="real shape: also time evaluate(explain=True)")
    parser.add_argument("--json", help="real shape: also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.growth or args.scales:
        scales = [float(x) for x in (args.scales or "0.25,0.5,1,2,4").split(",")]
        return growth(scales, args.seed, max(1, args.repeat), not args.no_duckdb)
    if args.shape == "real":
        real = run_real(args.scale, args.seed, not args.no_duckdb, max(1, args.repeat), args.explain)
        if args.json:
            Path(args.json).write_text(json.dumps(real))
        return print_real(real)
    r = run(args.scale, args.seed, not args.no_duckdb, max(1, args.repeat))
    print(f"data: {r['accounts']:,} accounts, {r['activities']:,} activities, {r['deals']:,} deals, "
          f"{r['actions']:,} actions over {r['scopes']:,} distinct scopes and {r['window_starts']:,} window starts, "
          f"shape {r['shape']} (generated in {r['generation_s']:.1f} s, not counted); "
          f"load average {r['load_average']:.1f} on {os.cpu_count()} CPUs; engine single-process")
    print(f"engine phases (best of {len(r['build_runs_s'])}, fresh indexes each run): "
          f"index build {r['build_s']:.3f} s [{_runs(r['build_runs_s'])}]; "
          f"counting the actions {r['count_s']:.3f} s [{_runs(r['count_runs_s'])}] ({r['count_cpu_s']:.3f} s CPU)")
    print(f"engine end to end: evaluate() {r['bulk_s']:.2f} s ({r['bulk_cpu_s']:.2f} s CPU, "
          f"{r['records_per_s']:,.0f} records/s, the nightly run: no per-record decisions); "
          f"evaluate(explain=True) {r['evaluation_s']:.2f} s ({r['evaluation_cpu_s']:.2f} s CPU, "
          f"{r['decisions']:,} decisions)")
    print(f"memory: RSS after generation {r['rss_after_generation_mb']:.0f} MB, peak {r['peak_rss_mb']:.0f} MB")
    print(f"results: {r['counted']:,} counted, {r['rejected']:,} rejected records, "
          f"{r['recommendations']} recommendations")
    if "ratio" in r:
        print(f"duckdb: load {r['duckdb_load_s']:.1f} s (not counted); query with {r['duckdb_threads']} threads "
              f"{r['duckdb_query_s']:.3f} s [{_runs(r['duckdb_query_runs_s'])}], with 1 thread "
              f"{r['duckdb_query_1t_s']:.3f} s [{_runs(r['duckdb_query_1t_runs_s'])}]")
        print(f"ratio counting / duckdb query: {r['ratio']:.2f} ({r['duckdb_threads']} threads), "
              f"{r['ratio_1t']:.2f} (1 thread); end to end / duckdb query: {r['ratio_bulk']:.1f} (evaluate()), "
              f"{r['ratio_full']:.1f} (explain=True); identical counts: {r['identical_counts']}")
        if not r["identical_counts"]:
            print(f"  first mismatched actions: {r['mismatched_actions']}")
            return 1
    return 0
