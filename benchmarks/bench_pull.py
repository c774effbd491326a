"""Pull throughput of each connector against a bare client-library loop: ``python -m benchmarks pull [--scale S]``.

The synthetic org of ``bench_sync`` (scale 1: 100,000 accounts and 1,000,000 activities over Salesforce and
HubSpot) is served by the sandbox CRM in a child process. For each CRM, side by side in the same run:

* **connector**: a full pull of users, accounts, activities and deals through the real connector (paging, retries,
  quota guard, normalisation into ``pac_core.records``, associations, line items...);
* **bare loop**: the same data requests made with the client library alone, doing only paging and dict access:
  Salesforce, ``simple_salesforce``'s ``query_all_iter`` (or ``bulk2`` where the connector chose Bulk API 2.0)
  over the very SOQL the connector sent; HubSpot, the very search / list / batch / associations requests the
  connector sent, through ``hubspot-api-client``'s generated APIs (JSON decoded, every record's properties
  touched), with no pacing, no retry, no normalisation.

Each side runs ``--repeat`` times alternately; the best time of each is kept (the machine is shared). Figures:
records, seconds, records per second (the connector's records over each side's time: both make the same data
requests), and the connector's throughput as a share of the bare loop's (target >= 80 %); also the CPU time of
this process on each side (``time.process_time``: the client's CPU, all its threads; the sandbox CRM runs in a
child process), best of each, and its share (bare CPU / connector CPU), steadier than wall time on a shared
machine, and the load average before and after. The connector's
extra calls (HubSpot's pipelines and owners reads) are part of its time; Salesforce's full reads cost none (their
first page decides REST or Bulk).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from benchmarks.bench_sync import served_org
from connectors import registry
from connectors.base import Connector, ObjectKind
from connectors.hubspot.connector import HubSpotConnector
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector

KINDS = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS)
TARGET = 0.8
HUBSPOT_WINDOW = 10.5   # seconds: HubSpot's rolling rate-limit window (10 s) and a margin


def _connector(cfg: Any, env: Mapping[str, str]) -> Connector:
    return registry.build(cfg.crm, cfg.name, cfg.mapping, env, prefix=cfg.prefix,
                          max_daily_share=1.0, policy=RetryPolicy())


def _pull(connector: Connector) -> int:
    n = 0
    for kind in KINDS:
        for _record in connector.pull(kind, None, full=True):
            n += 1
    return n


def _recorded_salesforce(connector: SalesforceConnector) -> list[tuple[str, str, bool]]:
    """The connector's data queries (REST or bulk, SOQL, include deleted), recorded while it pulls once."""
    client = connector.client
    sent: list[tuple[str, str, bool]] = []
    rest, bulk = client.query_pages, client.bulk_pages

    def query_pages(soql: str, *, include_deleted: bool = False, batch_size: int = 2000, first: Any = None) -> Any:
        sent.append(("rest", soql, include_deleted))
        return rest(soql, include_deleted=include_deleted, batch_size=batch_size, first=first)

    def bulk_pages(soql: str, *, include_deleted: bool = False, **kw: Any) -> Any:
        sent.append(("bulk", soql, include_deleted))
        return bulk(soql, include_deleted=include_deleted, **kw)

    client.query_pages, client.bulk_pages = query_pages, bulk_pages     # type: ignore[method-assign]
    _pull(connector)
    client.query_pages, client.bulk_pages = rest, bulk                  # type: ignore[method-assign]
    return sent


def _bare_salesforce(connector: SalesforceConnector, queries: list[tuple[str, str, bool]]) -> int:
    """simple_salesforce alone: query_all_iter / bulk2 over the recorded SOQL, touching every field."""
    sf = connector.client.sf
    n = 0
    for how, soql, deleted in queries:
        if how == "rest":
            for record in sf.query_all_iter(soql, include_deleted=deleted):
                n += 1
                for key in record:
                    record[key]
        else:
            sobject = soql.split(" FROM ", 1)[1].split()[0]
            for text in getattr(sf.bulk2, sobject).query(soql, include_deleted=deleted, max_records=50_000):
                for row in csv.DictReader(io.StringIO(text)):
                    n += 1
                    for key in row:
                        row[key]
    return n


def _recorded_hubspot(connector: HubSpotConnector) -> list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]:
    """The connector's requests (API, method, arguments), recorded while it pulls once."""
    transport = connector.transport
    sent: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = []
    call = transport.call

    def recording(what: str, api: str, method: str, *args: Any, search: bool = False, **kwargs: Any) -> Any:
        sent.append((api, method, args, kwargs))
        return call(what, api, method, *args, search=search, **kwargs)

    transport.call = recording      # type: ignore[method-assign]
    _pull(connector)
    transport.call = call           # type: ignore[method-assign]
    return sent


def _bare_hubspot(connector: HubSpotConnector, requests: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]
                  ) -> int:
    """hubspot-api-client alone: the recorded requests, JSON decoded, every result's properties touched."""
    transport = connector.transport
    n = 0
    for api, method, args, kwargs in requests:
        response = _send(transport, api, method, args, {**kwargs, "_preload_content": False})
        data = json.loads(response.data or b"null") or {}
        response.release_conn()
        for result in data.get("results") or []:
            n += 1
            for value in (result.get("properties") or {}).values():
                value  # noqa: B018
            for to in result.get("to") or []:
                to.get("toObjectId")
    return n


def _models_hubspot(connector: HubSpotConnector, requests: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]
                    ) -> int:
    """hubspot-api-client as its documentation uses it: the recorded requests, answers deserialised into the
    library's model objects (its default), every result's properties touched. For context only: the target is
    measured against the raw JSON loop above, the faster of the two."""
    transport = connector.transport
    n = 0
    for api, method, args, kwargs in requests:
        response = _send(transport, api, method, args, kwargs)
        for result in getattr(response, "results", None) or []:
            n += 1
            for value in (getattr(result, "properties", None) or {}).values():
                value  # noqa: B018
            for to in getattr(result, "to", None) or []:
                to.to_object_id  # noqa: B018
    return n


def _send(transport: Any, api: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """One generated-API call, waiting on a 429 as told."""
    while True:
        try:
            return getattr(transport.api(api), method)(*args, **kwargs)
        except Exception as exc:    # each generated API has its own ApiException class, all with .status
            if getattr(exc, "status", None) != 429:
                raise
            # a 429: what any client of HubSpot must do (the connector paces itself ahead of it instead)
            time.sleep(float((getattr(exc, "headers", None) or {}).get("Retry-After") or 1))


def _fresh_window(crm: str) -> None:
    """HubSpot counts calls over a rolling 10-second window (190 per 10 s, as documented): each side starts with a
    fresh one, so neither pays for the other's calls (not timed)."""
    if crm == "hubspot":
        time.sleep(HUBSPOT_WINDOW)


def _timed(fn: Callable[[], int], times: list[float], cpu: list[float]) -> int:
    """Runs ``fn``, noting its wall time in ``times`` and this process's CPU time (all its threads: the connector's
    prefetch too; the sandbox CRM runs in a child process, so it is the client's CPU only) in ``cpu``."""
    started, started_cpu = time.perf_counter(), time.process_time()
    n = fn()
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
    return n


def measure(settings: Any, env: Mapping[str, str], repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cfg in settings.connectors:
        probe = _connector(cfg, env)
        try:
            if isinstance(probe, SalesforceConnector):
                recorded: Any = _recorded_salesforce(probe)
                bare_fn: Callable[[], int] = lambda c=probe, r=recorded: _bare_salesforce(c, r)  # noqa: E731
            else:
                assert isinstance(probe, HubSpotConnector)
                recorded = _recorded_hubspot(probe)
                bare_fn = lambda c=probe, r=recorded: _bare_hubspot(c, r)  # noqa: E731
            connector_times: list[float] = []
            bare_times: list[float] = []
            connector_cpu: list[float] = []
            bare_cpu: list[float] = []
            models_times: list[float] = []
            models_cpu: list[float] = []
            records = bare = 0
            for _ in range(repeat):
                _fresh_window(cfg.crm)
                fresh = _connector(cfg, env)
                try:
                    records = _timed(lambda f=fresh: _pull(f), connector_times, connector_cpu)
                    calls = fresh.usage().calls
                finally:
                    fresh.close()
                _fresh_window(cfg.crm)
                bare = _timed(bare_fn, bare_times, bare_cpu)
                if isinstance(probe, HubSpotConnector):
                    _fresh_window(cfg.crm)
                    _timed(lambda c=probe, r=recorded: _models_hubspot(c, r), models_times, models_cpu)
        finally:
            probe.close()
        c_best, b_best = min(connector_times), min(bare_times)
        # the same requests over the same data: throughputs compare as times (records: the connector's count;
        # the bare loop's results also count association and line-item rows, which the connector folds in)
        c_rate, b_rate = records / c_best, records / b_best
        c_cpu, b_cpu = min(connector_cpu), min(bare_cpu)
        out[cfg.name] = {"crm": cfg.crm, "records": records, "bare_results": bare, "connector_calls": calls,
                         "bare_requests": len(recorded),
                         "connector_seconds": round(c_best, 3), "bare_seconds": round(b_best, 3),
                         "connector_per_second": round(c_rate), "bare_per_second": round(b_rate),
                         "share_of_bare": round(c_rate / b_rate, 3), "meets_target": c_rate / b_rate >= TARGET,
                         "connector_cpu_seconds": round(c_cpu, 3), "bare_cpu_seconds": round(b_cpu, 3),
                         "cpu_share_of_bare": round(b_cpu / c_cpu, 3) if c_cpu else None,
                         "all_connector_seconds": [round(t, 3) for t in connector_times],
                         "all_bare_seconds": [round(t, 3) for t in bare_times],
                         "all_connector_cpu_seconds": [round(t, 3) for t in connector_cpu],
                         "all_bare_cpu_seconds": [round(t, 3) for t in bare_cpu]}
        if models_times:    # HubSpot: the library's documented calls (model objects), for context
            out[cfg.name] |= {"models_loop_seconds": round(min(models_times), 3),
                              "models_loop_cpu_seconds": round(min(models_cpu), 3),
                              "share_of_models_loop": round(min(models_times) / c_best, 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pull", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="1 = 100,000 accounts and 1,000,000 activities")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (the best is kept)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    with served_org(args.scale, "pac-bench-pull-") as (info, settings):
        load_before = os.getloadavg()
        figures = {"scale": args.scale, "repeat": args.repeat, "org": info["counts"],
                   "connectors": measure(settings, info["env"], args.repeat),
                   "load_average": {"before": [round(x, 2) for x in load_before],
                                    "after": [round(x, 2) for x in os.getloadavg()]}}
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
