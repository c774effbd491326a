"""Frugality benchmark of the nightly sync: ``python -m benchmarks sync [--scale 0.1]``.

A synthetic org (the demo organisation's generator, scaled: at ``--scale 1`` 100,000 accounts and
1,000,000 activities across Salesforce and HubSpot) is served by the sandbox CRM in a child process, so
that the peak memory measured here is the sync's own. Three runs of the shipped example plan:

1. a full sync on an empty store (every record read, every PAC record written, and every targeted account's
   PAC fields updated: the account write-back);
2. an incremental sync right after it: nothing changed in the CRMs except what run 1 wrote, so it re-reads
   the accounts (and any other record) whose change stamp the write-back moved, and writes nothing;
3. a second incremental sync: nothing changed at all, so it reads one page per object (and the multi-currency
   demo org's exchange rates: one CurrencyType query per run; and the Salesforce products changed since the
   deals' watermark: one Product2 query) and writes nothing.

For each: API calls per CRM (counted by the connectors, retries included, also per endpoint) against the
theoretical minimum for the documented page and batch sizes (Salesforce: 2,000 rows per query page, 200
records per sObject Collections call, PAC records and account updates alike; HubSpot: 200 per search page,
1,000 per associations batch read, 100 per objects batch read, upsert or update), wall time split into
pull / load / evaluate / write, and the process's peak RSS.
Targets: calls <= 1.05 x the minimum; a no-change run reads at most one page per object, writes nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import multiprocessing as mp
import random
import resource
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SF_PAGE, SF_BATCH = 2000, 200
# the demo mapping is multi-currency: each run reads the org's exchange rates, one CurrencyType query (the demo org
# holds none, so no DatedConversionRate query follows); a single-currency mapping makes none
SF_RATES = 1
HS_PAGE, HS_ASSOC, HS_BATCH = 200, 1000, 100
BASE_ACCOUNTS, BASE_ACTIVITIES = 753, 4728      # the demo org at scale 1 of its own generator


def _org(scale: float) -> Any:
    from sandbox_crm import demo_org as d

    rng = random.Random(2027)
    users = d._users()
    accounts = d._accounts(rng, 100_000 * scale / BASE_ACCOUNTS)
    activities = list(d._activities(rng, 1_000_000 * scale / BASE_ACTIVITIES, users, accounts))
    deals = list(d._deals(rng, 100_000 * scale / BASE_ACCOUNTS, accounts))
    return d.DemoOrg(users, accounts, activities, deals)


def _counts(org: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for crm in ("salesforce", "hubspot"):
        acts = [a for a in org.activities if a.crm == crm]
        deals = [d for d in org.deals if d.crm == crm]
        out[crm] = {"users": sum(u.crm == crm for u in org.users), "accounts": sum(a.crm == crm for a in org.accounts),
                    "calls": sum(a.kind == "call" for a in acts), "others": sum(a.kind != "call" for a in acts),
                    "deals": len(deals), "lines": sum(len(d.lines) for d in deals)}
    return out


def _serve(conn: Any, scale: float) -> None:
    """Child process: build the org, serve it, report its size, wait for "stop"."""
    from sandbox_crm.run import sandbox_env, start_sandbox

    started = time.perf_counter()
    org = _org(scale)
    server = start_sandbox(org)
    for api in server.apis:
        if api.name == "hubspot":
            api.search_per_second = 0          # the benchmark measures calls, not the portal's throttle
    conn.send({"env": {**sandbox_env(server), "PAC_HS_SEARCH_PER_SECOND": "1000"}, "counts": _counts(org),
               "seed_seconds": time.perf_counter() - started})
    conn.recv()
    server.stop()


@contextmanager
def served_org(scale: float, prefix: str = "pac-bench-") -> Iterator[tuple[dict[str, Any], Any]]:
    """The scaled org served by a child process, and demo settings pointing at it in a temporary folder, with the
    PAC objects provisioned in every CRM (as after ``pac crm provision``): ``(info, settings)``; ``info`` holds
    the sandbox's ``env``, the org's ``counts`` and ``seed_seconds``. The sandbox stops when the block ends."""
    from pac_config.settings import load_settings
    from sync_jobs.demo import write_demo_settings
    from sync_jobs.factory import build_connectors

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, scale), daemon=True)
    proc.start()
    info = parent.recv()
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            settings = load_settings(write_demo_settings(Path(tmp) / "bench.db", Path(tmp) / "pac.yaml"), env={})
            for c in build_connectors(settings, settings.plans[0].connectors, info["env"]).values():
                c.provision_schema()
                c.close()
            yield info, settings
    finally:
        parent.send("stop")
        proc.join(timeout=60)


def minimum_calls(counts: Mapping[str, Mapping[str, int]],
                  written: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The fewest calls a full sync can make: one per documented page or batch, at least one per object.

    ``written``: per connector, the records sent per target (``axis``, ``action``, ``account``); each
    target is its own batch stream (one CRM object per collection call or batch endpoint).
    """
    def pages(n: int, size: int) -> int:
        return max(1, math.ceil(n / size))

    def batches(name: str, size: int) -> int:
        return sum(math.ceil(n / size) for n in written.get(name, {}).values())

    sf, hs = counts["salesforce"], counts["hubspot"]
    sf_min = (1 + pages(sf["users"], SF_PAGE) + pages(sf["accounts"], SF_PAGE) + pages(sf["others"], SF_PAGE)
              + pages(sf["calls"], SF_PAGE) + pages(sf["deals"], SF_PAGE) + pages(sf["lines"], SF_PAGE)
              + 2 + SF_RATES + batches("sf-main", SF_BATCH))
    hs_min = (1 + 1 + pages(hs["accounts"], HS_PAGE) + pages(hs["others"], HS_PAGE) + pages(hs["calls"], HS_PAGE)
              + pages(hs["others"], HS_ASSOC) + pages(hs["calls"], HS_ASSOC) + pages(hs["deals"], HS_PAGE)
              + pages(hs["deals"], HS_ASSOC) * 2 + pages(hs["lines"], HS_BATCH)
              + 2 + batches("hs-west", HS_BATCH))
    return {"sf-main": sf_min, "hs-west": hs_min}


def _by_target(changes: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for change in changes:
        out[change.target.value] = out.get(change.target.value, 0) + 1
    return out


class _PullCounts(logging.Handler):
    """Records read per connector and object, from the pipeline's ``sync.pull`` events."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.read: dict[str, dict[str, int]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and record.getMessage().startswith("sync.pull "):
            per = self.read.setdefault(str(fields.get("connector")), {})
            per[str(fields.get("object"))] = per.get(str(fields.get("object")), 0) + int(fields.get("records", 0))


def _run(settings: Any, env: Mapping[str, str], *, full: bool) -> tuple[Any, dict[str, Any]]:
    from sync_jobs.factory import build_connectors
    from sync_jobs.pipeline import run_sync

    connectors = build_connectors(settings, settings.plans[0].connectors, env)
    pulls, logger = _PullCounts(), logging.getLogger("pac.sync")
    level = logger.level
    logger.addHandler(pulls)
    logger.setLevel(logging.INFO)
    started = time.perf_counter()
    try:
        result = run_sync(None, settings, connectors=connectors, full=full)
    finally:
        logger.removeHandler(pulls)
        logger.setLevel(level)
        for c in connectors.values():
            c.close()
    wall = time.perf_counter() - started
    usage = {name: {"calls": c.usage().calls, "by_endpoint": dict(c.usage().by_endpoint)}
             for name, c in connectors.items()}
    rejected = []
    if result.run_id is not None:
        from sync_jobs.store import open_store, repo

        engine = open_store(settings.database())
        try:
            rejected = [f"{r.source} {r.object} {r.id}: {r.reason}" for r in repo.rejections(engine, result.run_id)]
        finally:
            engine.dispose()
    return result, {"wall": wall, "usage": usage, "read_by_connector": pulls.read,
                    "rejected": rejected,
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sync", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 accounts and 1,000,000 activities")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    from sandbox_crm.run import start_sandbox  # noqa: F401  (fail early if the sandbox is missing)

    with served_org(args.scale) as (info, settings):
        full, full_m = _run(settings, info["env"], full=True)
        after, after_m = _run(settings, info["env"], full=False)
        again, again_m = _run(settings, info["env"], full=False)
    written = {name: _by_target(changes) for name, changes in full.changes.items()}
    minimum = minimum_calls(info["counts"], written)
    figures = {
        "scale": args.scale, "org": info["counts"], "seed_seconds": round(info["seed_seconds"], 1),
        "full": {**_figures(full, full_m), "minimum": minimum, "sent_by_target": written,
                 "ratio": {n: round(full_m["usage"][n]["calls"] / minimum[n], 3) for n in minimum}},
        "no_change_after_full": _figures(after, after_m),
        "no_change_again": _figures(again, again_m),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures, indent=2, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0


def _figures(result: Any, measured: Mapping[str, Any]) -> dict[str, Any]:
    """One run's figures: status, wall time and its phases, calls (total and per endpoint), records."""
    return {"status": result.status, "wall": round(measured["wall"], 2), "timings": _round(result.timings),
            "calls": {n: u["calls"] for n, u in measured["usage"].items()},
            "by_endpoint": {n: u["by_endpoint"] for n, u in measured["usage"].items()},
            "written": result.written, "accounts_written": result.accounts_written,
            "failed": {k: v["failed"] for k, v in result.counts.items() if v.get("failed")},
            "read": {k: v.get("read", 0) for k, v in result.counts.items() if v.get("read")},
            "read_by_connector": measured["read_by_connector"],
            "errors": result.errors[:5], "rejected": len(measured["rejected"]),
            "rejected_first": measured["rejected"][:5], "peak_rss_mb_so_far": measured["peak_rss_mb"]}


def _round(timings: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in timings.items()}


if __name__ == "__main__":
    raise SystemExit(main())
