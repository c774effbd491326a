"""What the HubSpot connector reads, as data: one ``HsObject`` per CRM object, driving the connector's one pull loop.

Each entry says where the records come from (``source``: the owners API, a search over ``hs_lastmodifieddate``,
or the PAC records), the object type and its properties (the mapping's), the cursor field and page size, where
deleted records come from (``deletions``: the archived list on every pull, on full reads only, or nowhere; and
``merges``: the ids a merged record lists in ``hs_merged_object_ids``), what rides along (the company of each
record through associations v4, else for an engagement or a deal the primary company of its contacts; a deal's
line items), the filters the mapping adds (deal pipelines) and the records that leave them (``left``: a deal moved
to a pipeline the mapping does not read, retired on the night it moves), and how a record is normalised. Adding an
object kind is one entry here (see docs/architecture.md); the loop itself is ``HubSpotConnector.pull``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from connectors.base import ObjectKind
from connectors.hubspot.mapping import HubSpotMapping
from connectors.hubspot.normalise import (
    Pipeline,
    account_reader,
    call_reader,
    deal_reader,
    email_reader,
    meeting_reader,
    task_reader,
)
from connectors.hubspot.reads import MODIFIED, SEARCH_LIMIT
from connectors.hubspot.schema import KEY
from pac_core.records import DealLine, Record, Rejected


class Source(StrEnum):
    OWNERS = "owners"            # /crm/v3/owners (users), 500 per page
    SEARCH = "search"            # /crm/v3/objects/{type}/search on the cursor field, sliding past 10,000
    PAC_RECORDS = "pac_records"  # the PAC records' editable values (ManagerEdit / PacValue)


class Deletions(StrEnum):
    EVERY_PULL = "every_pull"    # the archived list on every pull (a deleted visit report or won deal stops counting
                                 # the next night)
    FULL = "full"                # the archived list on full reads (reconciliations) only
    NONE = "none"


Convert = Callable[[dict[str, Any], str | None, tuple[DealLine, ...]], Record | Rejected | None]
"""(object, company id, line items) -> a normalised record; None for an object that is no record of pac's (one of
pac's own tasks)."""

Reader = Callable[[HubSpotMapping, str, Mapping[str, Pipeline]], Convert]
"""(mapping, source, deal pipelines) -> the object's converter, built once per pull of the object."""


@dataclass(frozen=True)
class HsObject:
    kind: ObjectKind
    source: Source
    object_type: str = ""                           # the CRM object type ("companies", "meetings"...)
    reader: Reader | None = None
    enabled: Callable[[HubSpotMapping], bool] = lambda _m: True
    cursor: str = MODIFIED
    page_size: int = SEARCH_LIMIT
    deletions: Deletions = Deletions.NONE
    company: bool = False                           # linked to its company through associations v4
    # an engagement or a deal with no company takes the primary company of its contacts
    # (``HubSpotConnector._companies``)
    contacts: bool = False
    # an engagement (meeting, call, e-mail, task: HubSpot defines no primary company for it) with several companies
    # counts for the one that is the primary company of one of its contacts; one that neither its companies nor its
    # contacts place takes the company of the deal it is on (``HubSpotConnector._companies``)
    engagement: bool = False
    lines: bool = False                             # a deal's line items (when the mapping reads them)
    own_writes: bool = False                        # pac writes it: its own write bursts are left out of reads
    merges: bool = False                            # HubSpot merges its records: hs_merged_object_ids retires ids
    pipelines: bool = False                         # needs the deal pipelines (read first: stage meanings)
    # the dropdowns plan scopes test are read as their option labels (``HubSpotMapping.labelled``): the object's
    # property definitions are read once, when the first record comes (a run that reads none makes no call)
    labelled: bool = False
    filters: Callable[[HubSpotMapping], list[dict[str, Any]]] = lambda _m: []
    # the filters matching the records that no longer match ``filters`` (a deal moved to a pipeline the mapping does
    # not read): ``filters`` hides them from an incremental search, so those changed since the watermark are searched
    # for their ids alone and retired as deleted (``HubSpotConnector._pull_search``); a full read retires them anyway
    left: Callable[[HubSpotMapping], list[dict[str, Any]]] = lambda _m: []
    # properties read beside the mapping's (not checked against the portal: HubSpot ignores a requested property
    # an object type lacks, "If any of the specified properties are not present on the requested object(s), they
    # will be ignored", the objects API reference)
    extra_props: tuple[str, ...] = ()
    # pac writes records of this type (tasks, the fallback write-back's), each with its ``pac_key``: where the portal
    # has that property the search leaves them out (``NOT_HAS_PROPERTY``), and the reader drops any read otherwise
    pac_keyed: bool = False

    @property
    def word(self) -> str:
        """One record of this object type in pac's messages and in an undated engagement's ``crm_object``:
        « meeting », « call », « task », « e-mail »."""
        return {"emails": "e-mail"}.get(self.object_type, self.object_type.removesuffix("s"))


def _no_company(read: Callable[[dict[str, Any]], Record | Rejected]) -> Convert:
    return lambda obj, _company, _lines: read(obj)


def _no_lines(read: Callable[[dict[str, Any], str | None], Record | Rejected | None]) -> Convert:
    return lambda obj, company, _lines: read(obj, company)


def _email_filter(m: HubSpotMapping) -> list[dict[str, Any]]:
    """Only the e-mail directions the mapping counts are searched (outgoing by default): replies and forwarded
    e-mails, often most of a portal's e-mails, cost no call."""
    e = m.activities.emails
    if not e.direction_property or not e.count_directions:
        return []
    return [{"propertyName": e.direction_property, "operator": "IN",
             "values": sorted({d.strip().upper() for d in e.count_directions})}]


def _pipeline_filter(m: HubSpotMapping) -> list[dict[str, Any]]:
    d = m.deals
    return [{"propertyName": d.pipeline, "operator": "IN", "values": sorted(d.pipelines)}] if d.pipelines else []


def _pipeline_left(m: HubSpotMapping) -> list[dict[str, Any]]:
    """The deals of the pipelines ``deals.pipelines`` leaves out: a deal moved there (its ``pipeline`` changed, which
    changes its ``hs_lastmodifieddate``) no longer matches ``_pipeline_filter``, so the search that read it stops
    returning it; it must stop counting that night."""
    d = m.deals
    return [{"propertyName": d.pipeline, "operator": "NOT_IN", "values": sorted(d.pipelines)}] if d.pipelines else []


OBJECTS: tuple[HsObject, ...] = (
    HsObject(ObjectKind.USERS, Source.OWNERS, "owners", deletions=Deletions.FULL, page_size=500),
    HsObject(ObjectKind.ACCOUNTS, Source.SEARCH, "companies", deletions=Deletions.EVERY_PULL, own_writes=True,
             merges=True, labelled=True,
             reader=lambda m, s, _p: _no_company(account_reader(m, s))),
    HsObject(ObjectKind.ACTIVITIES, Source.SEARCH, "meetings", deletions=Deletions.EVERY_PULL, company=True,
             contacts=True, engagement=True, enabled=lambda m: m.activities.meetings.enabled,
             reader=lambda m, s, _p: _no_lines(meeting_reader(m, s))),
    HsObject(ObjectKind.ACTIVITIES, Source.SEARCH, "calls", deletions=Deletions.EVERY_PULL, company=True,
             contacts=True, engagement=True, enabled=lambda m: m.activities.calls.enabled,
             reader=lambda m, s, _p: _no_lines(call_reader(m, s))),
    HsObject(ObjectKind.ACTIVITIES, Source.SEARCH, "emails", deletions=Deletions.EVERY_PULL, company=True,
             contacts=True, engagement=True, enabled=lambda m: m.activities.emails.enabled, filters=_email_filter,
             reader=lambda m, s, _p: _no_lines(email_reader(m, s))),
    HsObject(ObjectKind.ACTIVITIES, Source.SEARCH, "tasks", deletions=Deletions.EVERY_PULL, company=True,
             contacts=True, engagement=True, enabled=lambda m: m.activities.tasks.enabled, extra_props=(KEY,),
             pac_keyed=True,
             reader=lambda m, s, _p: _no_lines(task_reader(m, s))),
    HsObject(ObjectKind.DEALS, Source.SEARCH, "deals", deletions=Deletions.EVERY_PULL, company=True, contacts=True,
             lines=True, pipelines=True, merges=True, filters=_pipeline_filter, left=_pipeline_left,
             reader=deal_reader),
    HsObject(ObjectKind.PAC_EDITS, Source.PAC_RECORDS),
)


def objects_of(kind: ObjectKind, mapping: HubSpotMapping) -> list[HsObject]:
    """The objects a pull of ``kind`` reads with this mapping, in order."""
    found = [o for o in OBJECTS if o.kind is kind]
    if not found:
        raise ValueError(f"unknown object kind {kind!r}")
    return [o for o in found if o.enabled(mapping)]
