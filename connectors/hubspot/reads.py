"""Reading from HubSpot at the documented maxima, lazily.

* ``search_modified``: every object changed at or after a timestamp, ascending by
  ``hs_lastmodifieddate``, 200 per page. A search query returns at most 10,000 results (paging past
  that answers 400), so before reaching the cap the window **slides**: a new query starts at the last
  timestamp seen (``GTE``), and the ids already yielded at that timestamp are skipped. Loop guard: when a
  whole window shares one timestamp (more than the cap can page through), the records of that
  timestamp are paged by ``hs_object_id`` (``EQ`` timestamp, ``GT`` last id), then the search goes on
  strictly after it. No record is missed or yielded twice.
* ``list_objects``: the plain list endpoint (``archived=true`` for deleted records on reconciliation).
* ``read_associations``: associations v4 batch read, 1,000 ids per call, following per-id paging.
* ``batch_read``: objects by id, 100 per call, 50 when it reads property history (the next call made while the
  caller works on a batch).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from more_itertools import chunked

from connectors.hubspot.normalise import parse_datetime
from connectors.hubspot.transport import HubSpotTransport
from connectors.paging import CursorGuard, ahead, follow

SEARCH_LIMIT = 200
SEARCH_CAP = 10_000
BATCH_READ = 100
# HubSpot answers a batch read with ``propertiesWithHistory`` and more than 50 inputs 400 VALIDATION_ERROR "The maximum
# number of inputs supported in a batch request for property histories is 50" (the cap is in that answer only, not in
# the batch read reference; reported in HubSpot/hubspot-api-python#143)
HISTORY_BATCH = 50
ASSOCIATIONS_BATCH = 1_000
LIST_LIMIT = 100
MODIFIED = "hs_lastmodifieddate"
OBJECT_ID = "hs_object_id"
MAX_SKIP_SPANS = 4          # five filter groups at most: one per gap around the spans


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _ts(obj: dict[str, Any]) -> int:
    props = obj.get("properties")
    text = props.get(MODIFIED) if props else None
    if type(text) is str and text:
        ms = _stamp_ms(text)
        if ms is not None:
            return ms
    stamp = parse_datetime(text) or parse_datetime(obj.get("updatedAt"))
    return to_ms(stamp) if stamp else 0


@functools.lru_cache(maxsize=8192)
def _stamp_ms(text: str) -> int | None:
    """A change stamp string in ms (None when it is not a date): parsed once per distinct string."""
    stamp = parse_datetime(text)
    return to_ms(stamp) if stamp else None


def search_modified(transport: HubSpotTransport, object_type: str, properties: Sequence[str],
                    since_ms: int | None, *, filters: Sequence[dict[str, Any]] = (),
                    page_size: int = SEARCH_LIMIT, cap: int = SEARCH_CAP,
                    skip: Sequence[tuple[int, int]] = ()) -> Iterator[dict[str, Any]]:
    """Objects with ``hs_lastmodifieddate >= since_ms`` (all when None), ascending, each exactly once.

    ``skip``: spans ``(first, last)`` of change stamps (ms, both included) to leave out, at most
    ``MAX_SKIP_SPANS``: pac's own write bursts (see ``own_write_spans``). The search asks for the gaps
    between them, one filter group each (HubSpot ORs the groups, at most five)."""
    gaps = _gaps(skip)
    props = sorted(set(properties) | {MODIFIED})
    lower, strict = since_ms, False
    seen: set[str] = set()                     # ids already yielded at timestamp ``lower``
    while True:
        window = list(filters)
        if lower is not None:
            window.append({"propertyName": MODIFIED, "operator": "GT" if strict else "GTE", "value": str(lower)})
        last_ts: int | None = None
        at_last: set[str] = set()              # the ids stamped ``last_ts``, the window's last stamp
        capped = False
        # The answers come in ascending stamp order, so only the window's first records can be stamped ``lower``
        # (those already yielded are in ``seen``), and only its last ones decide where the next window starts:
        # a record's stamp is read at those two edges, not for every record.
        leading = lower is not None
        groups = [window + gap for gap in gaps]
        for results, page_capped in _pages(transport, object_type, props, groups, MODIFIED, page_size, cap):
            capped = capped or page_capped
            start = 0
            if leading:
                for obj in results:
                    if _ts(obj) != lower:
                        leading = False
                        break
                    start += 1
                    if obj["id"] not in seen:
                        seen.add(obj["id"])
                        yield obj
            yield from (results[start:] if start else results)
            last_ts, at_last = _trailing(results, last_ts, at_last)
        if not capped:
            return
        if lower is not None and last_ts == lower and not strict:   # (last_ts is a stamp: lower is one too)
            # Loop guard: the whole window shares one timestamp; page it by id, then go strictly past it.
            yield from _same_timestamp(transport, object_type, props, filters, lower, seen, page_size, cap)
            strict, seen = True, set()
            continue
        lower, strict = last_ts, False
        seen = at_last


def _trailing(results: list[dict[str, Any]], last_ts: int | None, at_last: set[str]) -> tuple[int | None, set[str]]:
    """The last stamp after this page and the ids stamped with it, from the page's last records backwards (a run
    of equal stamps that fills the whole page goes on from the pages before: ``last_ts``, ``at_last``)."""
    if not results:
        return last_ts, at_last
    ts = _ts(results[-1])
    run: set[str] = set()
    for obj in reversed(results):
        if _ts(obj) != ts:
            return ts, run
        run.add(obj["id"])
    return ts, (at_last | run if ts == last_ts else run)


def _same_timestamp(transport: HubSpotTransport, object_type: str, props: list[str],
                    filters: Sequence[dict[str, Any]], ts: int, skip: set[str], page_size: int, cap: int
                    ) -> Iterator[dict[str, Any]]:
    last_id: str | None = None
    while True:
        window = [*filters, {"propertyName": MODIFIED, "operator": "EQ", "value": str(ts)}]
        if last_id is not None:
            window.append({"propertyName": OBJECT_ID, "operator": "GT", "value": last_id})
        capped = False
        for results, page_capped in _pages(transport, object_type, props, [window], OBJECT_ID, page_size, cap):
            capped = capped or page_capped
            for obj in results:
                if obj["id"] not in skip:
                    yield obj
                last_id = obj["id"]
        if not capped:
            return


def _gaps(skip: Sequence[tuple[int, int]]) -> list[list[dict[str, Any]]]:
    """The stamp bounds of each gap around the ``skip`` spans: ``[[]]`` (no bound) when there is none."""
    spans = sorted(skip)[-MAX_SKIP_SPANS:]
    if not spans:
        return [[]]
    gaps: list[list[dict[str, Any]]] = []
    low: int | None = None
    for first, last in spans:
        gap = [{"propertyName": MODIFIED, "operator": "LT", "value": str(first)}]
        if low is not None:
            gap.insert(0, {"propertyName": MODIFIED, "operator": "GT", "value": str(low)})
        gaps.append(gap)
        low = last
    gaps.append([{"propertyName": MODIFIED, "operator": "GT", "value": str(low)}])
    return gaps


def own_write_spans(stamps: Iterable[int], since_ms: int, *, pause_ms: int = 60_000) -> list[tuple[int, int]]:
    """pac's own write bursts at or after ``since_ms``: the ``updatedAt`` (ms) its batch updates answered,
    grouped into spans wherever a pause of more than ``pause_ms`` separates two writes; the latest
    ``MAX_SKIP_SPANS`` spans (older ones are simply read again)."""
    spans: list[tuple[int, int]] = []
    for ms in sorted(s for s in stamps if s >= since_ms):
        if spans and ms - spans[-1][1] <= pause_ms:
            spans[-1] = (spans[-1][0], ms)
        else:
            spans.append((ms, ms))
    return spans[-MAX_SKIP_SPANS:]


def _pages(transport: HubSpotTransport, object_type: str, props: list[str], groups: list[list[dict[str, Any]]],
           sort: str, page_size: int, cap: int) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """(the page's objects, capped) for one query; ``capped`` is True on the last page when the cap stopped
    paging."""
    def page(after: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"filterGroups": [{"filters": g} for g in groups if g],
                                "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
                                "properties": props, "limit": page_size}
        if after is not None:
            body["after"] = after
        reply = transport.call(f"search.{object_type}", "objects.search", "do_search", object_type, body, search=True)
        data: dict[str, Any] = reply.data
        return data

    # the next page's offset is the number of answers the query gave so far, counted here (the cursor itself is
    # opaque); ``following`` sees each page once, in order, before the loop below does (``follow`` prefetches)
    received = 0

    def following(data: dict[str, Any]) -> str | None:
        nonlocal received
        received += len(data.get("results") or [])
        nxt = next_after(data)
        return None if (not nxt or _capped(received, page_size, cap) or not data.get("results")) else nxt

    given = 0
    for data in follow(lambda: page(None), page, following, what=f"HubSpot search of {object_type}"):
        results = data.get("results") or []
        given += len(results)
        nxt = next_after(data)
        yield results, bool(nxt) and bool(results) and _capped(given, page_size, cap)


def _capped(offset: int, page_size: int, cap: int) -> bool:
    """Whether the page at ``offset`` (the answers a query has given so far) would pass the search cap (paging
    past 10,000 answers 400). The offset is counted, not read from ``paging.next.after``: the API reference
    types that cursor as an opaque token ("the cursor token to use in the after parameter"); HubSpot's digits
    today are the same number."""
    return offset + page_size > cap


def next_after(data: dict[str, Any]) -> str | None:
    """The ``paging.next.after`` cursor of a HubSpot list or search answer (None on the last page)."""
    nxt = ((data.get("paging") or {}).get("next") or {}).get("after")
    return str(nxt) if nxt else None


def list_objects(transport: HubSpotTransport, object_type: str, properties: Sequence[str], *,
                 archived: bool = False) -> Iterator[dict[str, Any]]:
    def page(after: str | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"limit": LIST_LIMIT, "properties": list(properties), "archived": archived}
        if after:
            kwargs["after"] = after
        data: dict[str, Any] = transport.call(f"list.{object_type}", "objects.basic", "get_page", object_type,
                                              **kwargs).data
        return data

    for data in follow(lambda: page(None), page, next_after, what=f"HubSpot list of {object_type}"):
        yield from data.get("results") or []


def batch_read(transport: HubSpotTransport, object_type: str, ids: Iterable[str], properties: Sequence[str],
               *, id_property: str | None = None, history: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """Records by id, 100 per call; ``history`` names the properties to read with their history
    (``propertiesWithHistory``: value, timestamp, sourceType, sourceId, updatedByUserId per change), 50 records per
    call then (``HISTORY_BATCH``: HubSpot refuses more)."""
    def read(chunk: list[str]) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"inputs": [{"id": i} for i in chunk], "properties": list(properties),
                                "propertiesWithHistory": list(history)}
        if id_property:
            body["idProperty"] = id_property
        reply = transport.call(f"batch_read.{object_type}", "objects.batch", "read", object_type, body)
        results: list[dict[str, Any]] = reply.data.get("results") or []
        return results

    # the next batch is asked for while the caller works on this one (one call ahead, in order)
    size = HISTORY_BATCH if history else BATCH_READ
    for results in ahead(map(read, chunked(dict.fromkeys(ids), size)), name="pac-hs-batch"):
        yield from results


def read_associations(transport: HubSpotTransport, from_type: str, to_type: str, ids: Iterable[str]
                      ) -> dict[str, list[dict[str, Any]]]:
    """from id -> its associations ``[{"toObjectId", "associationTypes": [...]}]`` (ids with none are absent)."""
    out: dict[str, list[dict[str, Any]]] = {}
    pending = [{"id": i} for i in dict.fromkeys(ids)]
    guard = CursorGuard(f"HubSpot associations {from_type} -> {to_type}")   # per-id cursors
    while pending:
        batch, pending = pending[:ASSOCIATIONS_BATCH], pending[ASSOCIATIONS_BATCH:]
        reply = transport.call(f"associations.{from_type}.{to_type}", "associations", "get_page", from_type,
                               to_type, {"inputs": batch})
        for result in reply.data.get("results") or []:
            from_id = str(result["from"]["id"])
            tos = result.get("to") or []
            if from_id in out:          # a later page of this id's associations
                out[from_id] = out[from_id] + tos
            else:                       # the answer's own list, not a copy
                out[from_id] = tos
            if "paging" in result:
                nxt = next_after(result)
                if nxt:
                    guard.check(nxt, of=from_id)
                    pending.append({"id": from_id, "after": nxt})
    return out
