"""Reading from HubSpot at the documented maxima, lazily.

* ``search_modified``: every object changed at or after a timestamp, ascending by
  ``hs_lastmodifieddate``, 200 per page, by **keyset paging**: each page is a new search from the last stamp read,
  never a page asked for by ``after``. HubSpot's ``after`` is a position in a result set the search computes again
  for every page ("You must format the value in the ``after`` parameter as an integer"; "limited to 10,000 total
  results for any given query"): a record already read that someone changes while pac pages leaves its place for
  the end of the sort, every later record moves back one place, and the next offset jumps over one of them (which
  the watermark then passes, until the next full read). From the last stamp read, a record that moves is read again
  with its new stamp, and none is skipped. The records already read at that stamp are left out by id (the later
  stamps OR that stamp's other ids: ``hs_object_id NOT_IN``), or, when that does not fit HubSpot's filter and body
  limits, read again first and left out here: each (id, stamp) is yielded once. A page whose records all share one
  stamp has no later stamp to start from: that stamp is paged by ``hs_object_id`` (``EQ`` stamp, ``GT`` last id,
  sorted by id), then the search goes on strictly after it. No query is paged, so none nears the 10,000-result cap.
* ``list_objects``: the plain list endpoint (``archived=true`` for deleted records; of its answer, only the objects
  that say they are archived: ``is_archived``).
* ``read_associations``: associations v4 batch read, 1,000 ids per call, following per-id paging.
* ``batch_read``: objects by id, 100 per call, 50 when it reads property history (the next call made while the
  caller works on a batch).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from more_itertools import chunked

from connectors.base import SchemaError
from connectors.hubspot.normalise import parse_datetime
from connectors.hubspot.transport import HubSpotTransport
from connectors.paging import CursorGuard, ahead, follow

log = logging.getLogger(__name__)

SEARCH_LIMIT = 200
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
# the search guide's limits: "a maximum of five filterGroups with up to six filters in each group, with a maximum of
# 18 filters in total"; "If the body of your request exceeds 3,000 characters, a 400 error will be returned"
MAX_GROUPS, MAX_GROUP_FILTERS, MAX_FILTERS, MAX_BODY = 5, 6, 18, 3_000
MAX_VALUES = 100   # values of one IN / NOT_IN filter: kept at 100, beyond it the page re-reads the stamp (GTE)


class UnknownProperties(SchemaError):
    """Properties a read asked for that a non-empty answer left out of every record: the portal does not know them.
    HubSpot answers 200 and ignores a requested property it does not define ("If any of the specified properties are
    not present on the requested object(s), they will be ignored", the objects API's ``properties`` parameter),
    while a property it defines comes back on each record, null when the record has no value. So a misspelt
    property in a mapping is seen on the first page read, at no call more."""

    def __init__(self, object_type: str, names: Sequence[str]) -> None:
        self.object_type, self.names = object_type, tuple(names)
        super().__init__(f"the portal has no {object_type} property {', '.join(repr(n) for n in names)}")


Defined = Callable[[], Collection[str]]
"""The names of the properties the portal defines for the object type read (the properties API, read once a run)."""


def check_known(object_type: str, strict: Sequence[str], results: Sequence[dict[str, Any]],
                defined: Defined | None = None) -> None:
    """Raise ``UnknownProperties`` when some of ``strict`` (properties asked for) is absent from every record of
    ``results``, a non-empty answer, and, when ``defined`` is given, is no property the portal defines; an empty
    answer says nothing. The objects API ignores a property "not present on the requested object(s)": a portal may
    leave out of its answer a property no record of the page holds a value for, so the absence alone is a question
    put to the properties API, not an answer (audit hslimits F3: such a page stopped the run with exit 2 naming
    ``industry`` and ``annualrevenue``)."""
    if not strict or not results:
        return
    missing = {p for p in strict if p not in (results[0].get("properties") or {})}
    for obj in results[1:]:
        if not missing:
            return
        missing -= (obj.get("properties") or {}).keys()
    if missing and defined is not None:
        missing -= set(defined())
    if missing:
        raise UnknownProperties(object_type, sorted(missing))


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
                    page_size: int = SEARCH_LIMIT, skip: Sequence[tuple[int, int]] = (),
                    strict: Sequence[str] = (), defined: Defined | None = None) -> Iterator[dict[str, Any]]:
    """Objects with ``hs_lastmodifieddate >= since_ms`` (all when None), ascending, each (id, stamp) once.

    Keyset paging (the module docstring says why): every page is a new search from the last stamp read, none is
    asked for by ``after``. ``skip``: spans ``(first, last)`` of change stamps (ms, both included) to leave out, at
    most ``MAX_SKIP_SPANS``: pac's own write bursts (see ``own_write_spans``). The search asks for the gaps between
    them, one filter group each (HubSpot ORs the groups, at most five). ``strict``: properties the portal must
    know (``check_known`` on every page: the mapping's; ``defined``: the portal's, asked when a page lacks one)."""
    gaps = _gaps(skip)
    props = sorted(set(properties) | {MODIFIED})
    starts: dict[str, _Start] = {}          # the loop guard's key of each next page -> where it starts

    def page(start: _Start) -> tuple[_Start, dict[str, Any]]:
        body = _search_body(start, filters, gaps, props, page_size)
        reply = transport.call(f"search.{object_type}", "objects.search", "do_search", object_type, body, search=True)
        data: dict[str, Any] = reply.data
        check_known(object_type, strict, data.get("results") or [], defined)
        return start, data

    def following(key: str) -> tuple[_Start, dict[str, Any]]:
        return page(starts[key])

    def cursor(answer: tuple[_Start, dict[str, Any]]) -> str | None:
        start, data = answer
        nxt = _next_start(start, data.get("results") or [], bool(next_after(data)))
        if nxt is None:
            return None
        key = str(nxt)
        starts[key] = nxt
        return key

    for start, data in follow(lambda: page(_Start(since_ms)), following, cursor,
                              what=f"HubSpot search of {object_type}"):
        results: list[dict[str, Any]] = data.get("results") or []
        if not start.read:
            yield from results
        elif start.by_id:
            yield from (obj for obj in results if obj["id"] not in start.read)
        else:
            # the records of the lower bound's stamp come first; those the page before ended on are already read.
            # Only these first records' stamps are read (and the last ones', by ``_next_start``), not every record's
            n = 0
            for obj in results:
                if _ts(obj) != start.stamp:
                    break
                n += 1
                if obj["id"] not in start.read:
                    yield obj
            yield from (results[n:] if n else results)


@dataclass(frozen=True)
class _Start:
    """Where one search page starts. ``stamp``: the records changed at or after it (strictly after when ``past``;
    all records when None), by stamp; ``by_id``: inside the one stamp ``stamp`` that filled a whole page, the records
    of an id above ``after_id`` (all of the stamp when None), by id. ``read``: the ids already yielded at ``stamp``,
    left out of this page (by the search, or here when they come again at its start)."""

    stamp: int | None
    past: bool = False
    by_id: bool = False
    after_id: str | None = None
    read: frozenset[str] = field(default=frozenset(), compare=False)

    def __str__(self) -> str:
        """The page's query, the loop guard's key: a query asked twice means an answer made no progress."""
        if self.by_id:
            return f"{MODIFIED} = {self.stamp}, {OBJECT_ID} > {self.after_id or 0}"
        if self.stamp is None:
            return f"{MODIFIED} from the first"
        return f"{MODIFIED} {'>' if self.past else '>='} {self.stamp}"


def _search_body(start: _Start, filters: Sequence[dict[str, Any]], gaps: list[list[dict[str, Any]]],
                 props: list[str], page_size: int) -> dict[str, Any]:
    """The search that reads the page starting at ``start``.

    From a stamp some records of which were read (a page ended inside it), the search asks for the later stamps
    OR the stamp's records of other ids (``hs_object_id NOT_IN``), so that the records read are not read again: an
    import stamping 100 companies per millisecond would otherwise cost twice the pages. When that does not fit
    HubSpot's limits (five filter groups, six filters per group and 18 in all, 3,000 characters of body), the
    search starts at the stamp (``GTE``) and the records read come again first (``search_modified`` leaves them
    out)."""
    def body(groups: list[list[dict[str, Any]]], sort: str) -> dict[str, Any]:
        return {"filterGroups": [{"filters": g} for g in groups if g],
                "sorts": [{"propertyName": sort, "direction": "ASCENDING"}], "properties": props, "limit": page_size}

    stamp = None if start.stamp is None else str(start.stamp)
    if start.by_id:
        window = [*filters, {"propertyName": MODIFIED, "operator": "EQ", "value": stamp}]
        if start.after_id is not None:
            window.append({"propertyName": OBJECT_ID, "operator": "GT", "value": start.after_id})
        return body([window], OBJECT_ID)
    if start.stamp is None:
        return body([[*filters, *gap] for gap in gaps], MODIFIED)
    if start.read and not start.past:
        after = {"propertyName": MODIFIED, "operator": "GT", "value": stamp}
        rest = [*filters, {"propertyName": MODIFIED, "operator": "EQ", "value": stamp},
                {"propertyName": OBJECT_ID, "operator": "NOT_IN", "values": sorted(start.read)}]
        groups = [[*filters, after, *gap] for gap in gaps if _open_after(gap, start.stamp)] + [rest]
        leaving_out = body(groups, MODIFIED)
        if _fits(groups, leaving_out):
            return leaving_out
    bound = {"propertyName": MODIFIED, "operator": "GT" if start.past else "GTE", "value": stamp}
    return body([[*filters, bound, *gap] for gap in gaps], MODIFIED)


def _open_after(gap: list[dict[str, Any]], stamp: int) -> bool:
    """Whether the gap holds stamps after ``stamp`` (a gap that ends before it is left out of the search)."""
    return all(f["operator"] != "LT" or int(f["value"]) > stamp + 1 for f in gap)


def _fits(groups: list[list[dict[str, Any]]], body: dict[str, Any]) -> bool:
    """Whether a search is within HubSpot's documented limits ("a maximum of five filterGroups with up to six filters
    in each group, with a maximum of 18 filters in total"; "If the body of your request exceeds 3,000 characters, a
    400 error will be returned")."""
    return (len(groups) <= MAX_GROUPS and max(map(len, groups)) <= MAX_GROUP_FILTERS
            and sum(map(len, groups)) <= MAX_FILTERS and len(json.dumps(body)) <= MAX_BODY
            and all(len(f.get("values") or ()) <= MAX_VALUES for group in groups for f in group))


def _next_start(start: _Start, results: list[dict[str, Any]], more: bool) -> _Start | None:
    """Where the page after ``results`` starts (None: the search is over).

    * After a page by stamp: at the page's last stamp, with the ids read at that stamp (a record changed while pac
      pages is not lost: it went past the last stamp read, and comes in a later page with its new stamp).
    * After a page whose records all share one stamp (no later stamp to start from): that stamp, by id.
    * After the last page by id: strictly after that stamp."""
    if start.by_id:
        if more and results:
            return _Start(start.stamp, by_id=True, after_id=str(results[-1]["id"]), read=start.read)
        return _Start(start.stamp, past=True)
    if not more or not results:
        return None
    last = _ts(results[-1])
    run = _trailing(results, last)
    if len(run) < len(results):
        return _Start(last, read=run)
    # the whole page shares one stamp: a search from it could answer this same page again
    earlier = start.read if last == start.stamp and not start.past else frozenset()
    return _Start(last, by_id=True, read=earlier | run)


def _trailing(results: list[dict[str, Any]], ts: int) -> frozenset[str]:
    """The ids of the page's last records stamped ``ts`` (the page's last stamp), read from the end backwards."""
    run: list[str] = []
    for obj in reversed(results):
        if _ts(obj) != ts:
            break
        run.append(obj["id"])
    return frozenset(run)


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

    live = 0
    for data in follow(lambda: page(None), page, next_after, what=f"HubSpot list of {object_type}"):
        for obj in data.get("results") or []:
            if archived and not is_archived(obj):
                live += 1
                continue
            yield obj
    if live:
        warn_live_in_archived(object_type, live)


def is_archived(obj: Mapping[str, Any]) -> bool:
    """An object of an archived list that says it is archived: its own ``archived`` true (HubSpot's list answers
    carry it on every object), or, where a server leaves that field out, an ``archivedAt``. A live record in an
    archived list (a server that ignored ``archived=true``) is not a deletion (audit hsemu F1)."""
    flag = obj.get("archived")
    if flag is None:
        return bool(obj.get("archivedAt"))
    return flag is True or str(flag).lower() == "true"


def warn_live_in_archived(what: str, count: int) -> None:
    """Once per list: the server answered live records to a request for the archived ones, left out."""
    log.warning("hubspot.archived_list.live what=%s records=%d: HubSpot answered live records to archived=true "
                "(the server ignored the flag?): left out, none of them retired", what, count)


def batch_read(transport: HubSpotTransport, object_type: str, ids: Iterable[str], properties: Sequence[str],
               *, id_property: str | None = None, history: Sequence[str] = (), strict: Sequence[str] = (),
               defined: Defined | None = None) -> Iterator[dict[str, Any]]:
    """Records by id, 100 per call; ``history`` names the properties to read with their history
    (``propertiesWithHistory``: value, timestamp, sourceType, sourceId, updatedByUserId per change), 50 records per
    call then (``HISTORY_BATCH``: HubSpot refuses more). ``strict``: properties the portal must know
    (``check_known``, with ``defined``)."""
    def read(chunk: list[str]) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"inputs": [{"id": i} for i in chunk], "properties": list(properties),
                                "propertiesWithHistory": list(history)}
        if id_property:
            body["idProperty"] = id_property
        reply = transport.call(f"batch_read.{object_type}", "objects.batch", "read", object_type, body)
        results: list[dict[str, Any]] = reply.data.get("results") or []
        check_known(object_type, strict, results, defined)
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
