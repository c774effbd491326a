"""Frugality benchmark of the nightly sync: ``python -m benchmarks sync [--scale 0.1]``.

A synthetic org (the demo organisation's generator, scaled: at ``--scale 1`` 100,000 accounts and
1,000,000 activities across Salesforce and HubSpot) is served by the sandbox CRM in a child process, so
that the peak memory measured here is the sync's own. Two runs of the shipped example plan:

1. a full sync on an empty store (every record read, every PAC record written);
2. a no-change incremental sync (nothing changed in the CRMs).

For each: API calls per CRM (counted by the connectors, retries included) against the theoretical minimum
for the documented page and batch sizes (Salesforce: 2,000 rows per query page, 200 records per sObject
Collections call; HubSpot: 200 per search page, 1,000 per associations batch read, 100 per objects batch
read or upsert), wall time split into pull / evaluate / write, and the process's peak RSS.
Targets: calls <= 1.05 x the minimum; the no-change run reads at most one page per object, writes nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import random
import resource
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SF_PAGE, SF_BATCH = 2000, 200
HS_PAGE, HS_ASSOC, HS_BATCH = 200, 1000, 100
BASE_ACCOUNTS, BASE_ACTIVITIES = 753, 4728      # the demo org at scale 1 of its own generator


def _org(scale: float) -> Any:
    from connectors.sandbox import demo_org as d

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
    from connectors.sandbox.run import sandbox_env, start_sandbox

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


def minimum_calls(counts: Mapping[str, Mapping[str, int]], written: Mapping[str, int]) -> dict[str, int]:
    """The fewest calls a full sync can make: one per documented page or batch, at least one per object."""
    def pages(n: int, size: int) -> int:
        return max(1, math.ceil(n / size))

    sf, hs = counts["salesforce"], counts["hubspot"]
    sf_min = (1 + pages(sf["users"], SF_PAGE) + pages(sf["accounts"], SF_PAGE) + pages(sf["others"], SF_PAGE)
              + pages(sf["calls"], SF_PAGE) + pages(sf["deals"], SF_PAGE) + pages(sf["lines"], SF_PAGE)
              + 2 + math.ceil(written.get("sf-main", 0) / SF_BATCH))
    hs_min = (1 + 1 + pages(hs["accounts"], HS_PAGE) + pages(hs["others"], HS_PAGE) + pages(hs["calls"], HS_PAGE)
              + pages(hs["others"], HS_ASSOC) + pages(hs["calls"], HS_ASSOC) + pages(hs["deals"], HS_PAGE)
              + pages(hs["deals"], HS_ASSOC) * 2 + pages(hs["lines"], HS_BATCH)
              + 2 + math.ceil(written.get("hs-west", 0) / HS_BATCH))
    return {"sf-main": sf_min, "hs-west": hs_min}


def _run(settings: Any, env: Mapping[str, str], *, full: bool) -> tuple[Any, dict[str, Any]]:
    from sync_jobs.factory import build_connectors
    from sync_jobs.pipeline import run_sync

    connectors = build_connectors(settings, settings.plans[0].connectors, env)
    started = time.perf_counter()
    try:
        result = run_sync(None, settings, connectors=connectors, full=full)
    finally:
        for c in connectors.values():
            c.close()
    usage = {name: {"calls": c.usage().calls, "by_endpoint": dict(c.usage().by_endpoint)}
             for name, c in connectors.items()}
    return result, {"wall": time.perf_counter() - started, "usage": usage}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sync", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 accounts and 1,000,000 activities")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    from connectors.sandbox.run import start_sandbox  # noqa: F401  (fail early if the sandbox is missing)
    from sync_jobs.demo import write_demo_settings

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, args.scale), daemon=True)
    proc.start()
    info = parent.recv()
    try:
        with tempfile.TemporaryDirectory(prefix="pac-bench-") as tmp:
            from pac_config.settings import load_settings

            settings = load_settings(write_demo_settings(Path(tmp) / "bench.db", Path(tmp) / "pac.yaml"), env={})
            # the HubSpot PAC objects must exist before the measured runs (as after `pac crm provision`)
            from sync_jobs.factory import build_connectors

            for c in build_connectors(settings, settings.plans[0].connectors, info["env"]).values():
                c.provision_schema()
                c.close()
            full, full_m = _run(settings, info["env"], full=True)
            again, again_m = _run(settings, info["env"], full=False)
    finally:
        parent.send("stop")
        proc.join(timeout=60)
    written = {name: len(changes) for name, changes in full.changes.items()}
    minimum = minimum_calls(info["counts"], written)
    figures = {
        "scale": args.scale, "org": info["counts"], "seed_seconds": round(info["seed_seconds"], 1),
        "full": {"status": full.status, "wall": round(full_m["wall"], 2), "timings": _round(full.timings),
                 "calls": {n: u["calls"] for n, u in full_m["usage"].items()}, "minimum": minimum,
                 "ratio": {n: round(full_m["usage"][n]["calls"] / minimum[n], 3) for n in minimum},
                 "written": full.written, "read": {k: v.get("read", 0) for k, v in full.counts.items()}},
        "no_change": {"status": again.status, "wall": round(again_m["wall"], 2), "timings": _round(again.timings),
                      "calls": {n: u["calls"] for n, u in again_m["usage"].items()},
                      "by_endpoint": {n: u["by_endpoint"] for n, u in again_m["usage"].items()},
                      "written": again.written, "read": {k: v.get("read", 0) for k, v in again.counts.items()}},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures, indent=2, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0


def _round(timings: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in timings.items()}


if __name__ == "__main__":
    raise SystemExit(main())
