"""The HubSpot connector: one portal behind ``connectors.base.Connector``.

Pull rules (see ``reads`` for the paging and the 10,000-result cap):

* incremental pulls read what changed at or after ``since - overlap_minutes`` (``hs_lastmodifieddate``);
* activities (meetings, calls, and e-mails and tasks when the mapping reads them) and deals are linked to a company
  through associations v4 read in batches of 1,000; a deal with several companies counts for its **primary**
  association (recognised by HubSpot's typeId, deal -> company 5: ``associations.choose_company``), else the smallest
  company id; an engagement (no primary company in HubSpot) with several counts for the one that is the primary
  company of one of its contacts, else for the one that is not the parent company of another (company -> company 13 /
  14: one more read per 1,000 such companies), else the smallest id, listed as a data-quality warning and named by
  ``pac explain`` (``Activity.also_on``: ``_family_choice``); an engagement or a deal with no company takes the
  primary company of its contacts (record -> contacts, then contacts -> companies of type 1: two more association
  reads per 1,000 records with no company, or engagements with several, none when each has one; contacts with
  different primary companies: the smallest id); an engagement that neither places takes the company of the deal it is
  on (engagement -> deals, then deals -> companies, the deal's primary: two more reads per 1,000 such engagements); an
  engagement or a won deal linked to contacts none of which has a primary company (and, for an engagement, to no deal
  with a company) is rejected, naming them ("associated with contact N only: associate it with a company"); a record
  with no company, contact or such deal is kept with no account (the engine reports it), or with the company pac's
  store holds for it, with a data-quality warning (a contact deleted unassociates its activities:
  ``_keep_stored_company``); a record placed through its contacts keeps the company the store holds it on while its
  own company and contact associations are those that placed it (``placed_by``: a contact who changes employer does
  not move past visits, ``_keep_placed``);
* an association moved without touching the engagement does not change its timestamp: a full pull
  (``full=True``, the periodic reconciliation) re-reads every record and its associations;
* archived (deleted) engagements, companies and deals are listed (``archived=true``) on every pull, so a
  deleted visit report or won deal stops counting the next night (one call per 100 archived records of each
  type: search never returns archived records); a record pac retired that the lists no longer hold (restored from
  the recycle bin) is read again by id (``_restored``);
* a merge makes a new company or deal whose ``hs_merged_object_ids`` lists the ids merged into it: those ids
  leave search without being archived, and are emitted as deleted records with the merged record, so the
  store retires them on the same run (no account twice, no won revenue counted two or three times); a merged
  company's state history (both records' values, HubSpot keeps them) is read that night, incremental or not;
* with ``deals.pipelines`` set, a deal moved to another pipeline leaves the deals search: an incremental pull also
  searches the deals of the other pipelines changed since the watermark (ids only) and retires them as deleted, so
  a won deal moved out stops counting that night (a deal read by id and found in another pipeline likewise);
* pac's own tasks (the fallback write-back's, each with its ``pac_key``) are no visit reports: the tasks search
  leaves them out where the portal has that property, and the task reader drops any read otherwise;
* deals take won / lost / open from the pipelines API, their company and line items from associations;
* users are the portal's owners (``/crm/v3/owners``), active and archived (deactivated users) on every pull: one
  object read in two lists, usually one call each, so a rep who left is inactive the next night.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from connectors.base import (
    EDIT_FIELDS,
    EDIT_LOGICAL,
    HELD_PAC,
    REMOVED_LABEL,
    REMOVED_PACE,
    RESTORED,
    WHERE_CREDENTIALS,
    ApiUsage,
    AxesRefused,
    CredentialsMissing,
    DealLinesStored,
    HistoryRead,
    LineHolders,
    LinkFailure,
    ManagerEdit,
    MappingRefused,
    ObjectKind,
    PacListed,
    PacValue,
    PicklistLabels,
    ProductRename,
    RequestRefused,
    SchemaError,
    SchemaIssue,
    StoredRecords,
    Target,
    WriteChange,
    WriteResult,
    own_stamps,
    reading_of,
    refuse_host_password,
    same_value,
)
from connectors.heap import frozen_heap
from connectors.hubspot import provisioning
from connectors.hubspot.associations import (
    AxisTargets,
    Links,
    choose_company,
    contact_primary_company,
    parent_pairs,
    primary_company,
)
from connectors.hubspot.currency import OWN_AMOUNTS
from connectors.hubspot.limits import DEFAULT_SEARCH_PER_SECOND, RateLimiter
from connectors.hubspot.mapping import (
    LINE_CURRENCY,
    LINE_PRICING,
    LINE_PRODUCT_ID,
    MERGED_IDS,
    PRODUCT_PROPS,
    HubSpotMapping,
    default_mapping_path,
    disposition_notes,
    label_notes,
    load_mapping,
    pipeline_problems,
    unknown_read_properties,
)
from connectors.hubspot.normalise import (
    Labels,
    Pipeline,
    line_reader,
    merged_ids,
    option_labels,
    parse_date,
    parse_datetime,
    parse_pipelines,
    portal_currency,
    to_user,
    undated_rejection,
    with_labels,
)
from connectors.hubspot.objects import Convert, Deletions, HsObject, Source, objects_of
from connectors.hubspot.reads import (
    BATCH_READ,
    UnknownProperties,
    batch_read,
    is_archived,
    list_objects,
    next_after,
    own_write_spans,
    read_associations,
    search_modified,
    to_ms,
    warn_live_in_archived,
)
from connectors.hubspot.schema import (
    ACTION_PROPS,
    AXIS_PROPS,
    COMPANY_PROPS,
    KEY,
    TASK_COMPUTED_NATIVE,
    TASK_NATIVE,
    TASK_PROPS,
    Prop,
    task_status,
)
from connectors.hubspot.transport import DEFAULT_HOST, Forbidden, HubSpotTransport, NotFound, OAuthCredentials
from connectors.hubspot.writeback import SETTLED_FIELDS, Writer
from connectors.paging import ahead, follow
from connectors.retry import RetryPolicy
from pac_core.geography import COUNTRY_READING
from pac_core.records import Account, AccountChange, Activity, Deal, DealLine, DealStage, Record, Rejected, User
from pac_core.reject_codes import rejection
from pac_core.text import fold_value

log = logging.getLogger(__name__)
# The version of how this connector turns HubSpot objects into records: bumped with any change to it, so that the next
# pull of every object is a full read and the records already stored are normalised again (``Connector.reading``).
READING_RULES = 11  # 2: unlisted call statuses rejected; 3: merged ids retired; 4: a line quantity of 0 kept;
#                     5: the primary company recognised by its typeId ("Deal with Primary Company" since Feb 2024);
#                     6: an engagement with no company takes its contacts' primary company, a call's direction is read;
#                     7: an engagement with several companies counts for its contacts' primary company among them;
#                     8: a deal with no company takes its contacts' primary company;
#                     9: an engagement no company of its own nor of its contacts places takes its deal's company;
#                     10: what placed a record through its contacts is kept (``placed_by``), and an engagement with
#                         several companies and no contact deciding leaves out the parent company of another;
#                     11: a meeting still planned (SCHEDULED, RESCHEDULED) is dated by the later of its hs_timestamp
#                         and start time (a meeting moved to a later day after it was logged: audit hshand5)

# How companies are read, on top of READING_RULES (a change here re-reads the companies only): "option labels", the
# dropdowns plan scopes test read as their labels (« Pharmaceutique ») instead of their internal values; "pac
# values", the company's own ``pac_axes`` / ``pac_target`` kept with it (``HELD_PAC``), so a hand edit or a merge's
# inherited values are repaired (audit hslife H5): the companies stored before hold none, so they are read again once.
COMPANY_RULES = "option labels; pac values"
# How deals are read, on top of READING_RULES (a change here re-reads the deals only): "company currency", a deal
# with no currency code of its own is in the portal's company currency (``deals.home_currency`` when
# ``default_currency`` is not set), as HubSpot keeps it; before, such a deal stored with no currency counted in the
# plan's currency until a full read, so the first sync after upgrading reads every deal again; "line ids", each
# stored line keeps its line item's id (``DealLine.id``), by which a deleted line item's deal is found
# (``_reread_deleted_lines``): the deals stored before have none, so they are read again once; "line terms", a
# recurring line item HubSpot gave no ``hs_tcv`` counts its whole term (``normalise.contract_value``), not one
# billing period, and one with no ``amount`` its net price from its price, quantity and discount: read again once;
# "line currency", a line item priced in another currency than its deal (``hs_line_item_currency_code``) is converted
# into the deal's currency with the deal's own rates, or counts no amount when they do not know its currency
# (``normalise.in_deal_currency``; before, its figure was taken in the deal's currency, audit sffamily F2);
# "discount cents", a line with no amount takes its percentage discount off rounded to the cent first, as HubSpot
# does (``normalise.net_price``: 11.90 at 15 % off is 10.11, it was 10.12; audit products F1): read again once;
# "line own currency", a line in a currency the deal's rates do not convert keeps its amount and currency
# (``DealLine.currency``) for the engine's ``fx_rates`` (audit products F2; it was stored with no amount);
# "line product ids", each line keeps its product library item (``hs_product_id``) and that item's SKU and name
# (``DealLine.product_id``, ``codes``, ``names``), by which a product renamed in the library keeps its old and new
# lines together (audit hsproductid): read again once; "contact-only kept", a won deal associated only with contacts
# that have no primary company is stored with no account, its contacts kept (``placed_by``), for the plans to judge
# (the engine's ``DealReaders``, audit hsdealnocompany), where the connector rejected it before in every plan: read
# again once, so no rejection of before is carried into a plan it does not concern.
# How engagements are read, on top of READING_RULES (a change here re-reads the activities only): "contact-only
# kept", an engagement associated only with contacts that have no primary company is stored with no account for the
# plans to judge (``Companies.checked``, audit hsplanaware), where the connector rejected it before in every plan: the
# first sync after the upgrade reads every engagement again, so no rejection of before is carried (``pull``'s
# standing rejections) in a plan it does not concern until the weekly full read.
ACTIVITY_RULES = "contact-only kept"
DEAL_RULES = ("company currency; line ids; line terms; line prices; line currency; discount cents; line own currency;"
              " line product ids; contact-only kept")

ASSOCIATION_BUFFER = 1_000      # records gathered before one associations batch read
OWNERS_PAGE = 500
_NOT_DRIFT = frozenset({"owner_email", "last_synced"})   # not compared for drift repair (the owner apart: its
OWNER = "hubspot_owner_id"                                # e-mail compared with the plan's ``who``, ``_pull_edits``)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)



def _lacking_text(objects: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The warning for PAC properties a portal lacks (``(object, [property])``): what happens and the command."""
    lacks = "; ".join(f"{name} lacks {', '.join(props)}" for name, props in objects)
    return (f"hubspot.schema {lacks} (a portal provisioned by an older pac): left out of the sync, everything else "
            "is written; to fill them run: pac crm provision hubspot")


RECYCLE_BIN_DAYS = 90
MAX_COPIES_NAMED = 10   # pac_keys with copies named in the run's warning (``copies_found``); the log has every one


class HubSpotConnector:
    crm = "hubspot"
    settled_link_fields = SETTLED_FIELDS    # each action to its axis, each axis to its companies
    # HubSpot lists a deleted record (``archived=true``) while it is in the recycle bin, "up to 90 days after" it was
    # deleted ("Restore deleted records"), then it is gone for good: an incremental read learns of a deletion from
    # those lists only, so older reads need a full one (``sync_jobs.pull``; audit cursors F3)
    deletions_kept_days: int | None = RECYCLE_BIN_DAYS
    reconciliation_days: int | None = None  # the mapping has no such key: pac.yaml's, or the default
    mapping_path: Path | None = None        # the mapping file (``build``): a read's mapping error names its line

    def __init__(self, name: str, mapping: HubSpotMapping, transport: HubSpotTransport) -> None:
        self.name, self.mapping, self.transport = name, mapping, transport
        self._properties: dict[str, dict[str, dict[str, Any]]] = {}
        self._pipelines: dict[str, Pipeline] | None = None
        self._owners: dict[str, str] | None = None
        self._owner_ids: dict[str, str] | None = None     # the reverse of ``_owners`` (``_owner_emails``)
        self._schemas: dict[str, dict[str, Any]] | None = None   # custom object name -> schema
        self._custom_allowed: bool | None = None
        self.labels_language = "en"          # labels written by provisioning: the plan's language (fr or en)
        self.axis_targets: AxisTargets | None = None    # axis id -> companies, from the pipeline (associations)
        self._accounts_full = False          # this run read every company: links are reconciled in full, once
        # companies that merged others, seen by this run's company read, with when they were created, or FOLLOW when
        # the ids merged into them are still live in the store: the meetings, calls and deals such a merge moved to
        # them (stamps unchanged) are read by this run's pulls (``_pull_search``)
        self._merge_winners: dict[str, int] = {}
        self._winner_links: dict[tuple[str, tuple[str, ...]], list[str]] = {}   # (to type, winners) -> their ids
        self._links_settled = False
        self._links: Links | None = None
        self._written: Mapping[tuple[str, str], Any] | None = None
        self._plan_zone: tzinfo = UTC   # the plan's timezone (``note_plan_zone``): the day of a task's due date
        self._names: dict[str, str] | None = None
        self._lacking: dict[Target, frozenset[str]] = {}   # PAC properties the portal lacks, per custom object
        self._line_holders: LineHolders | None = None    # the store's deals holding given line ids (pipeline's)
        self._stored: StoredRecords | None = None         # the store's live and retired records (pipeline's)
        self._products: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}   # library item -> (SKU, name)
        self._library_refused = False                      # the token may not read products (no e-commerce scope)
        self._renames: list[ProductRename] = []            # products renamed in the library, seen this pull
        self._renamed_to: dict[tuple[str, str], str] = {}
        # the plan's product values to look up when no line is known by them (``note_plan_products``), and how to read
        # the stored deals' lines; told on a night the plan file changed only
        self._plan_products: tuple[str, ...] = ()
        self._stored_deal_lines: DealLinesStored | None = None
        self._binned: dict[ObjectKind, set[str]] = {}     # ids in this run's archived lists and reads, per kind
        # engagement id -> its object ("call"...), of those this run read with no start time (``undated_rejection``)
        self._undated: dict[str, str] = {}
        # engagement id -> the engagement, of those this run kept with no account, on contacts with no primary
        # company (``unplaced_rejection``)
        self._unplaced: dict[str, Activity] = {}
        self._several: list[str] | None = None
        # deal id -> the won deal, of those this run kept with no account, on contacts with no primary company
        self._unplaced_deals: dict[str, Deal] = {}
        self._warned: set[tuple[str, str]] = set()        # (kind, id) listed this run as "several companies"
        self._notices: list[str] = []     # this run's warnings about the portal as a whole (``notices``)
        self._companies_gone: set[str] = set()            # companies this run found merged away or archived
        # company merged away -> the company it went into, seen this run: a merged company's ``hs_merged_object_ids``
        # (``_note_merges``), or a stored company's id read again (``_follow_merges``); ids so read that answered no
        # other company are in ``_not_merged``
        self._merged_into: dict[str, str] = {}
        self._not_merged: set[str] = set()
        # merged company -> the company merged into it the store held live whose past it takes (the one the team
        # worked, else the oldest: its stored account) and that one's recorded state changes: the merged company's
        # past (``_note_merges``, ``_merged_history``; audits hsmerge, hshand12);
        # the merged companies the store held live before this run (their past recorded already); and the merged
        # companies this run read whose past is taken from the store
        self._merged_past: dict[str, tuple[Account, Sequence[AccountChange]]] = {}
        self._merged_known: set[str] = set()
        self._merged_now: dict[str, Account] = {}
        self._scope_labels: Labels | None = None         # the scope dropdowns' option labels, read once a run
        self._family_labels: Labels | None = None        # the line items' family dropdown's, read once a run
        self._task_states: dict[str, str] = {}            # fallback: pac_key -> the hs_task_status this run read
        self._task_ids: dict[str, str] = {}               # fallback: pac_key -> its task's id, found or written
        self._duplicate_tasks: dict[str, list[str]] = {}  # fallback: pac_key -> its extra tasks' ids, this run
        self._axes_refused = AxesRefused("HubSpot")      # axes this run could not create: their actions wait
        # custom object type -> pac_key -> {"id", properties...}: the PAC records this run's full pull listed (with its
        # upserts on them, ``Writer._remember``): the full reconciliation of links lists them no more
        self._pac_records: dict[str, dict[str, dict[str, Any]]] = {}

    # -- portal metadata (cached for the connector's life: one run) -------------------------------
    def property_names(self, object_type: str) -> set[str]:
        return set(self.property_definitions(object_type))

    def property_definitions(self, object_type: str) -> dict[str, dict[str, Any]]:
        """The portal's properties of ``object_type``, name -> definition as the properties API gives it (``label``,
        ``type``, ``options`` with ``value`` and ``label``...); empty for an object type the portal lacks."""
        if object_type not in self._properties:
            try:
                reply = self.transport.call(f"properties.{object_type}", "properties", "get_all", object_type)
                self._properties[object_type] = {p["name"]: p for p in reply.data.get("results") or []}
            except NotFound:
                self._properties[object_type] = {}
        return self._properties[object_type]

    def scope_labels(self) -> Labels:
        """The option labels of the company dropdowns plan scopes test (``HubSpotMapping.labelled``, of a labelled
        field type: ``normalise.option_labels``), read once per run by one batch read of those properties alone
        (``POST /crm/v3/properties/companies/batch/read``: a few definitions, not the portal's hundreds), made by the
        companies' ``reading`` every night: a relabelled option touches no company (its ``hs_lastmodifieddate``
        stays), so the labels are compared each night, and the companies' conversion uses the same answer (no call
        more). No call when plan scopes test no company property."""
        if self._scope_labels is None:
            props = list(dict.fromkeys(self.mapping.labelled().values()))
            definitions: dict[str, dict[str, Any]] = {}
            if props:
                try:
                    reply = self.transport.call("properties.companies.labels", "properties.batch", "read",
                                                "companies", {"archived": False,
                                                              "inputs": [{"name": p} for p in props]})
                    definitions = {str(d["name"]): d for d in reply.data.get("results") or []
                                   if isinstance(d, dict) and d.get("name")}
                except NotFound:        # none of them exists (left {}): the pull says which (``UnknownProperties``)
                    pass
            self._scope_labels = option_labels(definitions, props)
        return self._scope_labels

    def family_labels(self) -> Labels:
        """The option labels of the line items' family property (``deals.line_family``) when it is a dropdown (a
        labelled field type: ``normalise.option_labels``), read once per run by one batch read of that property
        alone, made by the deals' ``reading`` every night: a line's family is read as the label users see
        (« Machines », not ``mach``), as the company dropdowns plan scopes test are and Salesforce's Product2.Family
        is (audit sffamily F1), and a relabelled option (which touches no line item) reads the deals in full that
        night. No call when the mapping reads no line family."""
        if self._family_labels is None:
            d = self.mapping.deals
            prop = d.line_family if d.line_items else None
            definitions: dict[str, dict[str, Any]] = {}
            if prop:
                try:
                    reply = self.transport.call("properties.line_items.labels", "properties.batch", "read",
                                                "line_items", {"archived": False, "inputs": [{"name": prop}]})
                    definitions = {str(x["name"]): x for x in reply.data.get("results") or []
                                   if isinstance(x, dict) and x.get("name")}
                except NotFound:        # it does not exist: the pull says so (``UnknownProperties``)
                    pass
            self._family_labels = option_labels(definitions, [prop] if prop else [])
        return self._family_labels

    def remember_labels(self, kept: PicklistLabels | None) -> None:
        """Nothing to ask HubSpot with: its properties API has no conditional request; ``labels`` reads them."""

    def labels(self) -> PicklistLabels | None:
        """The scope dropdowns' option labels this run read (``scope_labels``: one small call a night), and in
        ``family`` the line items' family dropdown's (``family_labels``, read by the deals' reading anyway), to keep
        and compare with the last night's, so a relabelled option is warned of naming the plan values left on its old
        label; None when plan scopes test no company property and the lines' family is no dropdown."""
        props = tuple(dict.fromkeys(self.mapping.labelled().values()))
        d = self.mapping.deals
        prop = d.line_family if d.line_items else None
        found = self.family_labels().get(prop) if prop else None
        family = PicklistLabels((prop,), {prop: dict(found[0])}) if prop and found is not None else None
        if not props and family is None:
            return None
        return PicklistLabels(props, {p: dict(table) for p, (table, _) in self.scope_labels().items()} if props else {},
                              family=family)

    def forget_properties(self) -> None:
        self._properties.clear()
        self._scope_labels = None
        self._family_labels = None
        self._schemas = None
        self._lacking.clear()

    def deal_pipelines(self) -> dict[str, Pipeline]:
        if self._pipelines is None:
            reply = self.transport.call("pipelines.deals", "pipelines", "get_all", "deals")
            self._pipelines = parse_pipelines(reply.data.get("results") or [], self.mapping.deals.stage_overrides)
        return self._pipelines

    def owner_id(self, email: str) -> str | None:
        if self._owners is None:
            self._owners = {}
            for owner in self._owner_pages(archived=False):
                if owner.get("email"):
                    self._owners[owner["email"].strip().lower()] = str(owner["id"])
        return self._owners.get(email.strip().lower())

    def custom_schemas(self) -> dict[str, dict[str, Any]] | None:
        """Custom object schemas by name, or None when the portal's tier has no custom objects (403)."""
        if self._custom_allowed is False:
            return None
        if self._schemas is None:
            try:
                reply = self.transport.call("schemas.list", "schemas", "get_all")
            except Forbidden:
                self._custom_allowed = False
                return None
            self._custom_allowed = True
            self._schemas = {s["name"]: s for s in reply.data.get("results") or []}
        return self._schemas

    def fallback(self) -> bool:
        """True when actions are written as tasks: mode ``fallback``, or ``auto`` on a portal without custom objects."""
        mode = self.mapping.writeback.mode
        if mode == "fallback":
            return True
        schemas = self.custom_schemas()
        if schemas is None and mode == "custom_objects":
            raise SchemaError("this portal has no custom objects (schemas API answered 403): set writeback.mode to "
                              "auto or fallback in the HubSpot mapping")
        return schemas is None

    def object_type(self, name: str) -> str | None:
        schema = (self.custom_schemas() or {}).get(name)
        return schema.get("objectTypeId") if schema else None

    # -- pull --------------------------------------------------------------------------------------
    def rerate(self, record: Record) -> Record:
        """A portal's readings carry no rates part (``Connector.rerate``): unchanged."""
        return record

    def reading(self, kind: ObjectKind) -> str:
        """What decides how ``kind`` is read and normalised (``Connector.reading``): ``READING_RULES`` and the
        mapping's section for it; for deals also what the portal's pipelines say each stage means (read once per
        run anyway: a stage an admin turns into "closed won" re-reads every deal); for companies also the option
        labels of the dropdowns plan scopes test (``scope_labels``: a relabelled option re-reads every company)."""
        m = self.mapping
        # tasks disabled normalise nothing: their section is left out, so adding it (or editing it while off) does not
        # make every portal read all its activities again. Enabled, the section's ``completed_at`` (a completed task
        # dated no later than its completion, 6 Dec 2026) changed it: a portal reading tasks re-reads them once
        activities = m.activities.model_dump(mode="json", exclude=None if m.activities.tasks.enabled else {"tasks"})
        parts: dict[ObjectKind, Any] = {ObjectKind.ACCOUNTS: [m.companies.model_dump(mode="json"), COMPANY_RULES,
                                                               COUNTRY_READING],
                                        ObjectKind.ACTIVITIES: [activities, ACTIVITY_RULES] if ACTIVITY_RULES
                                        else activities}
        currency = portal_currency(m)
        if currency and m.companies.annual_revenue:
            # a portal with a company currency keeps it with each company's annual revenue (audit multi F2): its
            # companies are read again once, and again when it changes; a portal without one keeps its fingerprint
            parts[ObjectKind.ACCOUNTS].append({"annual revenue in the company currency": currency})
        labelled = self.labels() if kind is ObjectKind.ACCOUNTS else None
        if labelled is not None and labelled.fields:     # the companies' dropdowns (the family is the deals')
            # the scope dropdowns' option labels (``scope_labels``): a relabelled option touches no company, so the
            # companies are read in full the night it shows, each with its new label
            parts[kind].append({p: dict(sorted(t.items())) for p, t in sorted(labelled.labels.items())})
        if kind is ObjectKind.DEALS:
            parts[kind] = [m.deals.model_dump(mode="json"), DEAL_RULES,
                           {pid: p.stages for pid, p in sorted(self.deal_pipelines().items())}]
            if currency and m.deals.amount_in_home_currency:
                parts[kind].append(OWN_AMOUNTS)    # a portal with a company currency re-reads its deals once
            if family := self.family_labels():
                # the line family dropdown read as its labels (``family_labels``): the first sync reading it so, and
                # the night an option is relabelled (no line item changes), read the deals in full
                parts[kind].append({"line family by label": {p: dict(sorted(t.items()))
                                                             for p, (t, _) in sorted(family.items())}})
        return reading_of(READING_RULES, kind.value, parts.get(kind))

    def parts(self, kind: ObjectKind) -> tuple[str, ...]:
        return tuple(spec.object_type for spec in objects_of(kind, self.mapping))

    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None
             ) -> Iterator[Record | Rejected | ManagerEdit | PacListed | AccountChange | HistoryRead]:
        """The one pull loop: every object ``objects.OBJECTS`` lists for ``kind``, read as its entry says. A full
        read of the companies also yields the changes of their state properties HubSpot kept, for the companies whose
        history pac has not read yet, and which those were (``_state_history``)."""
        since_ms = None if (since is None or full) else to_ms(since - timedelta(minutes=self.mapping.overlap_minutes))
        with frozen_heap():         # the garbage collector scans the pull's own objects only (connectors.heap)
            for spec in objects_of(kind, self.mapping):
                if part is not None and spec.object_type != part:
                    continue
                if spec.source is Source.OWNERS:
                    yield from self._pull_users()
                elif spec.source is Source.PAC_RECORDS:
                    yield from self._pull_edits(since_ms)
                else:
                    try:
                        if self._plan_products and since_ms is not None and spec.lines \
                                and self.mapping.deals.line_items:
                            yield from self._named_by_plan(self._pull_search(spec, since_ms, full))
                        else:
                            yield from self._pull_search(spec, since_ms, full)
                    except UnknownProperties as exc:   # a mapping property the portal lacks: exit 2, its key
                        raise unknown_read_properties(self.mapping, exc.object_type, exc.names,
                                                      self.mapping_path) from None

    def _owner_pages(self, archived: bool) -> Iterator[dict[str, Any]]:
        def page(after: str | None) -> dict[str, Any]:
            kwargs: dict[str, Any] = {"limit": OWNERS_PAGE, "archived": archived}
            if after:
                kwargs["after"] = after
            data: dict[str, Any] = self.transport.call("owners", "owners", "get_page", **kwargs).data
            return data

        live = 0
        for data in follow(lambda: page(None), page, next_after, what="HubSpot owners"):
            for owner in data.get("results") or []:
                if archived and not is_archived(owner):     # the server ignored the flag: an active owner
                    live += 1
                    continue
                yield owner | ({"archived": True} if archived else {})
        if live:
            warn_live_in_archived("owners", live)

    def _pull_users(self) -> Iterator[Record | Rejected]:
        """Every owner, active then archived, on every pull (full or not): HubSpot lists the owners of deactivated users
        only with ``archived=true``, and the owners API has no "changed since" filter. So a rep who left is inactive
        the night their user is deactivated (the advisor's "reassign" fires then), not at the next full read up to
        ``reconciliation_days`` later; one more call a night (500 owners per page). The names of both lists are kept
        for the property history's editors (``_user_names``), and the active owners' ids by e-mail for the write-back
        and the owner's read-back (``owner_id``: no read of its own)."""
        names: dict[str, str] = {}
        active: dict[str, str] = {}
        for archived in (False, True):
            for owner in self._owner_pages(archived=archived):
                if owner.get("userId") is not None:
                    names[str(owner["userId"])] = _owner_name(owner)
                if not archived and owner.get("email"):
                    active[owner["email"].strip().lower()] = str(owner["id"])
                yield to_user(owner, self.name)
        self._names = names
        self._owners = active

    def _props(self, object_type: str) -> list[str]:
        return self.mapping.read_properties().get(object_type, [])

    def _defined(self, object_type: str) -> Callable[[], set[str]]:
        """The portal's property names of ``object_type``, asked only when a page answers without a mapped property
        (``reads.check_known``): read once a run, none on a run whose pages hold every mapped property."""
        return lambda: self.property_names(object_type)

    def _pull_search(self, spec: HsObject, since_ms: int | None, full: bool
                     ) -> Iterator[Record | Rejected | AccountChange | HistoryRead]:
        """One searched object: what changed since ``since_ms`` (everything when None), with its company and line
        items, then its deleted records from the archived list as ``spec.deletions`` says."""
        object_type = spec.object_type
        # (stage meanings first: needed for every deal, and this plain GET carries the daily-limit headers that
        # search answers lack, so the quota guard knows where it stands before the first search)
        props, convert = self._reader(spec)
        if object_type == "companies":
            self._accounts_full = self._accounts_full or since_ms is None
            self._merge_winners.clear()      # this run's merges: noted by its company read, used by the next pulls
            self._winner_links.clear()
            self._merged_past.clear()
            self._merged_known.clear()
            self._merged_now.clear()
        skip: list[tuple[int, int]] = []
        if spec.own_writes and since_ms is not None:
            # pac writes this object (companies: their PAC properties): an incremental read leaves out the spans
            # of pac's own writes (the updatedAt its batch updates answered, kept with the last-written rows), so
            # a quiet portal costs one page even after a write-back. A record changed by someone else during
            # those seconds (or between pac's pull and pac's write of it) is read by the full reconciliation.
            own = [to_ms(at) for at in own_stamps(self._written, Target.ACCOUNT).values()]
            skip = own_write_spans(own, since_ms)
        filters = spec.filters(self.mapping) + (self._not_pac_keyed(object_type) if spec.pac_keyed else [])
        live = search_modified(self.transport, object_type, props, since_ms, filters=filters,
                               page_size=spec.page_size, skip=skip, strict=self._props(object_type),
                               defined=self._defined(object_type))
        lines_too = spec.lines and self.mapping.deals.line_items
        winners = sorted(i for i, created in self._merge_winners.items() if created >= since_ms) \
            if since_ms is not None and spec.company else []
        # A record the incremental search answers at the very stamp the store holds it at (the overlap window's
        # newest, every night) was read at that stamp, its company and line items included: they are taken from the
        # store, not read again (audit quota F4: 6 of a quiet night's 23 calls). Its links may have changed with no
        # stamp change, as every other record's may: the full read (``reconciliation_days``) reads every link. Not
        # on a night with merges: a merge moves its records' links, stamps unchanged (``_moved_by_merges``).
        reuse = since_ms is not None and self._stored is not None and spec.company and not winners

        def fetched() -> Iterator[tuple[list[dict[str, Any]], Companies, Lines, Mapping[str, Record]]]:
            # A buffer's deals wait for their line items, read 100 a call (``BATCH_READ``) across buffers: the lines a
            # buffer leaves over a full call are read with the next buffer's, and their deals pulled then, so a full
            # read makes one partial call in all, not one per 1,000 deals (audit quota F6: 2,253 lines of 1,171 deals
            # took 24 calls, 23 carry them). A buffer's deals with no line left to read go at once.
            waiting: list[tuple[list[dict[str, Any]], Companies, Mapping[str, Record]]] = []
            unread: dict[str, str] = {}             # line item id -> its deal, not read yet (in association order)
            got = _LinesRead()

            def ready(count: int) -> Iterator[tuple[list[dict[str, Any]], Companies, Lines, Mapping[str, Record]]]:
                batch = list(unread)[:count]
                self._read_lines({line: unread.pop(line) for line in batch}, got)
                pending = set(unread.values())
                still: list[tuple[list[dict[str, Any]], Companies, Mapping[str, Record]]] = []
                for objs, companies, held in waiting:
                    done = [o for o in objs if str(o["id"]) not in pending]
                    if done:
                        yield (done, *_with_held(spec, held, companies, got.take(str(o["id"]) for o in done)), held)
                    if len(done) < len(objs):
                        still.append(([o for o in objs if str(o["id"]) in pending], companies, held))
                waiting[:] = still

            for buffer in _buffered(live, ASSOCIATION_BUFFER):
                held = self._held_at_stamp(spec, buffer) if reuse else {}
                ids = [o["id"] for o in buffer if str(o["id"]) not in held]
                companies = self._companies(spec, ids)
                if not lines_too:
                    yield (buffer, *_with_held(spec, held, companies, NO_LINES), held)
                    continue
                unread.update(self._line_owners(ids))
                waiting.append((buffer, companies, held))
                yield from ready(len(unread) // BATCH_READ * BATCH_READ)
            yield from ready(len(unread))

        by_lines = lines_too and since_ms is not None
        restoring = since_ms is not None and self._stored is not None and spec.deletions is Deletions.EVERY_PULL
        seen: set[str] = set()
        # records taken from the store whose line items this pull still looks at (``by_lines``): yielded after it
        later: dict[str, tuple[Record | Rejected, dict[str, Any]]] = {}
        lines_read: set[str] = set()     # the line items this pull read with their deal (``by_lines``)
        pac_own = 0     # pac's own tasks read and left out
        # the live companies whose state history this pull reads: every one on a full read; on an incremental read,
        # the new company of a merge pac has not seen (``_note_merges``: FOLLOW), which holds the history of the
        # companies merged into it (audit hshand8)
        companies_read: list[str] = []
        pulled: set[str] = set()           # an incremental read of records placed through contacts: the ids read
        recheck = since_ms is not None and spec.contacts and spec.company and self._stored is not None
        # the next buffer (its search pages, associations and line items) is read while this one is normalised
        for buffer, companies, lines, held in ahead(fetched(), name="pac-hs-read"):
            if object_type == "companies":
                self._note_merges(buffer)
            for obj in buffer:
                i = obj["id"]
                if winners or by_lines or restoring:
                    seen.add(str(i))
                if recheck and str(i) not in held:     # read tonight, its links with it (not taken from the store)
                    pulled.add(str(i))
                record = self._noted(companies.checked(convert(lines.restamped(obj), companies.get(i), lines.of(i)),
                                                       obj, self.name))
                if record is None:      # one of pac's own tasks: no record of its own
                    pac_own += 1
                    continue
                if by_lines and str(i) in held:
                    later[str(i)] = (record, obj)
                    continue
                if by_lines:
                    lines_read.update(ln.id for ln in lines.of(i) if ln.id)
                if isinstance(record, Account) and not record.deleted and (
                        since_ms is None or self._merge_winners.get(record.id) == FOLLOW):
                    companies_read.append(record.id)
                    if record.id in self._merged_past:
                        self._merged_now[record.id] = record
                yield record
                if spec.merges:
                    yield from self._merged_away(spec, obj)
        if companies_read:
            yield from self._state_history(companies_read, props, convert)
        if winners:
            moved = self._moved_by_merges(spec, winners) - seen
            yield from self._read_by_id(spec, sorted(moved), props, convert, lines_too)
            seen |= moved
            pulled |= moved
        if by_lines:
            # a line item edited (amount, product, quantity) leaves its deal's stamp as it is: the deals of the line
            # items changed since the watermark (minus the overlap, as every search: a line edited while this pull
            # ran, or not yet in the search index, is found the next night) are read again, and each deal read
            # carries its latest line's stamp when that is later than its own (``Lines.restamped``), so the
            # watermark passes the lines it read and a quiet night re-reads only the overlap's
            assert since_ms is not None
            edited = {str(o["id"]): _when_or_none(o) for o in search_modified(self.transport, "line_items", [],
                                                                                since_ms)}
            # a line this pull holds already needs no read of its deal: one read with its deal by this pull, or one
            # a deal taken from the store holds at a stamp no later than that deal's (audit quota F4); the deal of any
            # other line is looked up, and read again if this pull took it from the store
            held_lines = {ln.id: record.modified_at for record, _ in later.values()
                          if isinstance(record, Deal) and record.modified_at is not None
                          for ln in record.lines if ln.id}
            edited = {line: at for line, at in edited.items() if line not in lines_read
                      and not (at is not None and line in held_lines and at <= held_lines[line])}
            deals: set[str] = set()
            stamps: dict[str, datetime] = {}     # deal -> its latest edited line's stamp
            if edited:
                owners = read_associations(self.transport, "line_items", "deals", list(edited))
                for line, tos in owners.items():
                    for deal in (str(to["toObjectId"]) for to in tos):
                        deals.add(deal)
                        _keep_latest(stamps, deal, edited.get(line))
            gone = self._deleted_lines(since_ms)
            # a deal taken from the store one of whose lines was edited or deleted since is read again, not pulled
            held_gone = {ln.id: i for i, (record, _) in later.items() if isinstance(record, Deal)
                         for ln in record.lines if ln.id is not None and ln.id in gone}
            stale = (deals & later.keys()) | set(held_gone.values())
            for i, (record, obj) in later.items():
                if i not in stale:
                    yield record
                    if spec.merges:
                        yield from self._merged_away(spec, obj)
            seen -= stale
            if deals:
                yield from self._read_by_id(spec, sorted(deals - seen), props, convert, lines_too, Lines({}, stamps))
                seen |= deals
                pulled |= deals
            yield from self._reread_deleted_lines(spec, gone, held_gone, seen, props, convert)
        if recheck:
            yield from self._placed_again(spec, pulled, props, convert, bool(lines_too))
        if since_ms is not None and spec.engagement and spec.company and self._stored is not None:
            yield from self._reassociated(spec, pulled | seen, props, convert)
        leaving = spec.left(self.mapping) if since_ms is not None else []
        if leaving:
            # a record moved out of what the mapping reads (a deal moved to a pipeline ``deals.pipelines`` leaves out:
            # its ``pipeline`` changed, so did its stamp) no longer matches the search above, which would never return
            # it again: those changed since the watermark are searched for their ids alone (one page on a quiet night)
            # and retired as deleted, as merged ids are, so a won deal moved out stops counting that night instead of
            # at the next full read (``reconciliation_days``). After the reads above: a record read there and moved
            # out since is retired, its latest state.
            for obj in search_modified(self.transport, object_type, [], since_ms, filters=leaving):
                yield _bare_deleted(spec.kind, str(obj["id"]), self.name, _when(obj))
        if spec.deletions is Deletions.NONE or (spec.deletions is Deletions.FULL and not full):
            self._left_out(object_type, pac_own)
            return
        # Deleted visit reports and won deals must stop counting at once: archived engagements, companies and deals
        # are listed on every pull (one call per 100 archived records: HubSpot's list has no "archived since"
        # filter), keeping those archived since the watermark.
        listed: set[str] = set()
        for obj in list_objects(self.transport, object_type, props, archived=True):
            listed.add(str(obj["id"]))
            if object_type == "companies":
                self._companies_gone.add(str(obj["id"]))
            archived_at = parse_datetime(obj.get("archivedAt"))
            if since_ms is not None and archived_at is not None and to_ms(archived_at) < since_ms:
                continue
            record = convert(obj | {"archived": True}, None, ())
            if record is None:
                pac_own += 1
                continue
            yield _deleted(record, obj, self.name)
            if spec.merges:
                yield from self._merged_away(spec, obj)
        if restoring:
            yield from self._restored(spec, listed | seen)
        self._left_out(object_type, pac_own)

    def _placed_again(self, spec: HsObject, read: set[str], props: list[str], convert: Convert, lines_too: bool
                      ) -> Iterator[Record | Rejected]:
        """The records of ``spec`` the store holds with no account because their contacts had no primary company
        (``Companies.checked``: ``contact_only``), not read by this pull, whose contacts have one now: read again by
        id, so the rules place them that night (audit hshistory). Giving a contact its company changes the contact's
        associations, not the meeting, call or deal: its ``hs_lastmodifieddate`` stays, and the incremental search
        never returned it again until the full read (``reconciliation_days``), though pac's rejection asked the
        user for exactly that. Cost: one store query, then, only when the store holds such records, one association
        read per 1,000 of their contacts (contacts -> companies) a night, and the reads of those placed
        (``_read_by_id``: a batch read per 100 and their associations), on the night they are placed only."""
        assert self._stored is not None
        ids = [i for i in self._stored.unplaced(spec.kind.value) if i not in read]
        if not ids:
            return
        what = spec.word
        contacts_of = {i: [b.split(":", 1)[1] for b in r.placed_by]
                       for i, r in self._stored.records(spec.kind.value, ids).items()
                       if (isinstance(r, Deal) or (isinstance(r, Activity) and r.crm_object == what))
                       and _contact_only(r)}
        if not contacts_of:
            return
        contacts = sorted({c for cs in contacts_of.values() for c in cs}, key=_numeric)
        placed = {c for c, tos in read_associations(self.transport, "contacts", "companies", contacts).items()
                  if contact_primary_company(tos)}
        again = sorted((i for i, cs in contacts_of.items() if placed.intersection(cs)), key=_numeric)
        if again:
            log.info("%s: %d %s(s) on contacts given a primary company since read again: %s", self.name, len(again),
                     what, ", ".join(again[:20]))
            yield from self._read_by_id(spec, again, props, convert, lines_too)

    def _reassociated(self, spec: HsObject, read: set[str], props: list[str], convert: Convert
                      ) -> Iterator[Record | Rejected]:
        """The engagements of ``spec`` the store holds on one of several companies nothing told apart (``also_on``:
        the night warned ``several companies: ... associate it with the company visited only``), not read by this
        pull, whose own company associations are no longer those it was placed among: read again by id, so the
        rules place them that night (audit hshand10). Removing or adding a company association changes the
        associations, not the meeting or call: HubSpot documents no move of its ``hs_lastmodifieddate``, so the
        incremental search never returned it until the full read (``reconciliation_days``), and the visit stayed on
        the prospect pac had warned of, though the rep had done what the warning asked. One placed by its deals'
        companies (rule 5, no company of its own) is read again once it has companies of its own. Cost: one store
        query a pull, then, only when the store holds such engagements, one association read per
        1,000 of them and per engagement object read (meetings and calls: 2) a night, and the reads of those changed
        (``_read_by_id``), on the night they change only."""
        assert self._stored is not None
        if self._several is None:       # one store query a pull, whatever the engagement objects read
            self._several = list(self._stored.several(spec.kind.value))
        ids = [i for i in self._several if i not in read]
        if not ids:
            return
        what = spec.word
        # the store does not note a dated engagement's object (``crm_object`` is an undated one's): each engagement
        # object asks for all of them, and an id of another object has no association of this one (HubSpot's
        # engagements share one id space, as the store's key by CRM id assumes)
        held = {i: {r.account_id, *r.also_on} for i, r in self._stored.records(spec.kind.value, ids).items()
                if isinstance(r, Activity) and r.crm_object in (None, what) and r.also_on}
        if not held:
            return
        now = {i: {str(to["toObjectId"]) for to in tos}
               for i, tos in read_associations(self.transport, spec.object_type, "companies", list(held)).items()}
        again = sorted((i for i, companies in held.items() if now.get(i) and now[i] != companies), key=_numeric)
        if again:
            log.info("%s: %d %s(s) on several companies whose company associations changed read again: %s",
                     self.name, len(again), what, ", ".join(again[:20]))
            yield from self._read_by_id(spec, again, props, convert, False)

    def _state_history(self, ids: Sequence[str], props: list[str], convert: Convert
                       ) -> Iterator[AccountChange | HistoryRead]:
        """The changes of the companies' state properties (``records.HISTORY_FIELDS``: the owner, the mapped account
        type and dormant checkbox) HubSpot kept, those before pac's first night included: a batch read of the
        companies ``ids`` with ``propertiesWithHistory`` (every value a property held, newest first, with its
        ``timestamp``: the first one the value it was created with), 50 companies a call (``reads.HISTORY_BATCH``:
        HubSpot answers more with 400), whatever the number of properties. Each value is read as the company's own
        property is (``convert``: an option's label, an owner's id, the checkbox a boolean); a change is a value
        other than the one before it, dated by its timestamp. The store records one only for a company and field it
        holds no recorded change of (``store.records.record_history``): pac's own changes are never doubled.

        Once per company and property (audit hsweekly): only the fields of ``ids`` whose history the store holds as
        not read from the property the mapping reads them from now (``StoredRecords.histories``: a company new since
        the last full read, every company of a store kept before, a field the mapping reads from another property),
        grouped by the properties they need; a ``HistoryRead`` follows the changes of each group's companies
        HubSpot answered. Every change a later history read could add pac's own nights record (``state_changes``),
        but one no night could see (a value changed and changed back between two nights): ``pac sync --full``,
        asked by the user, passes no history as read and reads every company's again (``sync_jobs.steps``)."""
        c = self.mapping.companies
        mapped = {name: prop or "" for name, prop in (("owner_id", c.owner), ("account_type", c.account_type),
                                                     ("dormant", c.dormant))}
        if self._merged_now or self._merged_known:
            # a merged company's past is its oldest merged company's, from the store (``_merged_history``); one
            # whose past the store recorded already is not read again (HubSpot's history of it mixes both records)
            taken = [i for i in ids if i in self._merged_now]
            yield from self._merged_history(taken, tuple((name, prop) for name, prop in mapped.items() if prop))
            ids = [i for i in ids if i not in self._merged_now and i not in self._merged_known]
        held = self._stored.histories(ids) if self._stored is not None else {}
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        unmapped = tuple((name, "") for name, prop in mapped.items() if not prop)
        forgotten: list[str] = []       # holding a field read from a property the mapping no longer reads it from
        for i in ids:
            read = held.get(i) or {}
            wanted = tuple((name, prop) for name, prop in mapped.items() if prop and read.get(name) != prop)
            if wanted:
                groups.setdefault(wanted, []).append(i)
            if any(read.get(name) for name, _ in unmapped):
                forgotten.append(i)
        keep = self._stored is not None         # a store to keep which histories were read (the pipeline's)
        if forgotten and keep:      # no call: its history is read again the night the mapping reads the field again
            yield HistoryRead(tuple(forgotten), unmapped)
        for fields, group in groups.items():
            state = dict(fields)
            answered: list[str] = []
            failed: Exception | None = None
            try:
                for obj in batch_read(self.transport, "companies", group, props,
                                      history=sorted(set(state.values()))):
                    kept = obj.get("propertiesWithHistory") or {}
                    for name, prop in state.items():
                        yield from self._changes_of(obj, name, prop, kept.get(prop) or [], convert)
                    answered.append(str(obj["id"]))
            except (SchemaError, RequestRefused) as exc:
                failed = exc
            if answered and keep:
                yield HistoryRead(tuple(answered), fields)
            if failed is not None:      # not marked read: the next full read asks again
                self._notice(f"companies: the property history could not be read ({failed}): changes of the "
                             "companies' owner, type or dormant flag made before pac's first night are unknown")
                return

    def _merged_history(self, ids: Sequence[str], fields: tuple[tuple[str, str], ...]
                        ) -> Iterator[AccountChange | HistoryRead]:
        """The state changes of the merged companies ``ids`` (read this run, their merge not yet seen: ``_note_merges``)
        before their merge: those pac recorded of the company merged into each the team worked, else the oldest
        (``_merged_past``), under the merged company's id, then one change from that company's last stored value to
        the merged company's, dated by the merged company's stamp (the merge, or an edit since: never before that
        company's last change or stamp); then a ``HistoryRead`` of their ``fields``, so no later read takes HubSpot's
        history of them.

        HubSpot keeps "the history of property values from both records" on the merged record (knowledge base,
        *Merge records*) and no entry of ``propertiesWithHistory`` says which record it came from (``value``,
        ``timestamp``, ``sourceType``, ``sourceId``, ``sourceLabel``, ``updatedByUserId``): a duplicate created
        later with another value reads as the account's state from its creation on (audit hshand8's probe: Lyon A,
        dormant since 2024, merged with « Lyon A SAS » created not dormant in 2025, read « not dormant since 2025 »).
        A duplicate is created after the record it duplicates; which one the user makes the primary decides the
        current values ("the latest property values of the primary record", changelog "Updated merge functionality
        for contacts and companies"), not what the customer was (audit hsmerge)."""
        names = {name for name, _prop in fields}
        for i in ids:
            past, changes = self._merged_past[i]
            now = self._merged_now[i]
            for change in changes:
                if change.field in names:
                    yield AccountChange(self.name, i, change.field, change.changed_at, change.old, change.new)
            stamps = [at for at in (now.modified_at, past.modified_at, *(ch.changed_at for ch in changes))
                      if at is not None]
            if not stamps:
                continue
            for name in sorted(names):
                before, after = getattr(past, name), getattr(now, name)
                if before != after and not (name == "dormant" and (before is None or after is None)):
                    yield AccountChange(self.name, i, name, max(stamps), before, after)
        if ids and self._stored is not None:
            yield HistoryRead(tuple(ids), fields)

    def _changes_of(self, obj: dict[str, Any], name: str, prop: str, entries: Sequence[dict[str, Any]],
                    convert: Convert) -> Iterator[AccountChange]:
        """The changes of ``name`` (read from ``prop``) in one company's history ``entries`` (newest first)."""
        if len(entries) < 2:        # the value it was created with, never changed
            return
        dated = sorted(((t, e.get("value")) for e in reversed(entries)
                        if (t := parse_datetime(e.get("timestamp"))) is not None), key=lambda te: te[0])
        before: Any = _UNREAD
        for when, value in dated:
            record = convert(obj | {"properties": (obj.get("properties") or {}) | {prop: value}}, None, ())
            now = getattr(record, name) if isinstance(record, Account) else _UNREAD
            if now is _UNREAD or (name == "dormant" and now is None):   # a flag read neither way: no state
                continue
            if before is not _UNREAD and now != before:
                yield AccountChange(self.name, str(obj["id"]), name, when, before, now)
            before = now

    def _held_at_stamp(self, spec: HsObject, buffer: Sequence[dict[str, Any]]) -> dict[str, Record]:
        """Id -> the stored record, for the records of ``buffer`` (search results) the store holds live at the stamp
        the search answers (``hs_lastmodifieddate``): read at that stamp, company and line items included, by an
        earlier run. A deal stored with a later line's stamp than its own is not among them (read again, as
        before). One store query per buffer of 1,000."""
        assert self._stored is not None
        stored = self._stored.records(spec.kind.value, [str(o["id"]) for o in buffer])
        out: dict[str, Record] = {}
        for obj in buffer:
            record = stored.get(str(obj["id"]))
            if record is not None and record.modified_at is not None and record.modified_at == _when_or_none(obj):
                out[str(obj["id"])] = record
        return out

    def _reader(self, spec: HsObject) -> tuple[list[str], Convert]:
        """The properties ``spec``'s reads ask for, and how its objects become records."""
        assert spec.reader is not None
        pipelines = self.deal_pipelines() if spec.pipelines else {}
        if spec.pipelines and (wrong := pipeline_problems(self.mapping, pipelines, self.mapping_path)):
            raise MappingRefused(wrong)     # a pipeline or stage the portal lacks: no deal read or won, silently
        convert = self._holding(spec, self._labelled(spec, spec.reader(self.mapping, self.name, pipelines)))
        return sorted({*self._props(spec.object_type), *spec.extra_props, *self._held_props(spec)}), convert

    def _noted(self, record: Record | Rejected | None) -> Record | Rejected | None:
        """``record``, an engagement read with no start time (``Activity.crm_object``) noted by id for
        ``undated_rejection``, one kept with no account because its contacts have no primary company
        (``Companies.checked``) for ``unplaced_rejection``: what this pull read tells the words before the store holds
        it (the store is written at the end of the run); a later reading of one in this pull drops it from the notes
        it no longer fits."""
        if isinstance(record, Activity):
            live = bool(record.crm_object) and not record.deleted
            if live and record.start is None and record.day is None:
                self._undated[record.id] = record.crm_object or ""
            else:
                self._undated.pop(record.id, None)
            if live and _contact_only(record):
                self._unplaced[record.id] = record
            else:
                self._unplaced.pop(record.id, None)
        elif isinstance(record, Deal):
            if not record.deleted and _contact_only(record):
                self._unplaced_deals[record.id] = record
            else:
                self._unplaced_deals.pop(record.id, None)
        return record

    def undated_rejection(self, record_id: str) -> Rejected | None:
        """The engine's ``no_start`` of an engagement kept with no start time, worded ``no_start_time`` with its
        object and the properties read, as the connector rejected every such engagement before (audit hsundated):
        ``normalise.undated_rejection``. HubSpot's ids do not tell the object: this pull's reading of it tells, else
        the stored record's ``crm_object`` (the store keeps it with the undated engagement), so a night that does
        not read it again (an incremental read; a plan that starts counting its type or naming its owner) words it
        alike. None for any other record."""
        obj = self._undated.get(record_id)
        if obj is None and self._stored is not None:
            stored = self._stored.records(ObjectKind.ACTIVITIES.value, [record_id]).get(record_id)
            if isinstance(stored, Activity) and stored.start is None and stored.day is None:
                obj = stored.crm_object
        return undated_rejection(self.name, record_id, obj, self.mapping)

    def unplaced_rejection(self, record_id: str, kind: str = ObjectKind.ACTIVITIES.value) -> Rejected | None:
        """The engine's ``no_account`` of an engagement (``kind`` activities) or a won deal (``kind`` deals) kept with
        no account because the contacts it is associated with have no primary company (``Companies.checked``), worded
        ``contact_only`` with its object and contacts, as the connector rejected every such record before (audits
        hsplanaware, hsdealnocompany), with what was read of it (``Rejected.record``: ``pac explain`` lists an
        engagement among its rep's rejected records, audit hsmulti). This pull's reading of it, else the stored record
        (an incremental night that does not read it again; a plan that starts naming its owner). None for any other
        record (one with neither company nor contact)."""
        deals = kind == ObjectKind.DEALS.value
        record: Activity | Deal | None = (self._unplaced_deals if deals else self._unplaced).get(record_id)
        if record is None and self._stored is not None:
            stored = self._stored.records(kind, [record_id]).get(record_id)
            record = stored if isinstance(stored, Deal if deals else Activity) and _contact_only(stored) else None
        what = "deal" if isinstance(record, Deal) else record.crm_object if record is not None else None
        if record is None or not what:
            return None
        contacts = ", ".join(b.split(":", 1)[1] for b in record.placed_by if b.startswith("contact:"))
        return replace(rejection(self.name, kind, record_id, "contact_only", object=what, contacts=contacts),
                       record=record)

    def _note_merges(self, buffer: Sequence[dict[str, Any]]) -> None:
        """Note the companies of ``buffer`` that merged others (``hs_merged_object_ids``), for this run's reads of
        the meetings, calls and deals the merge moved to them without touching their stamps (``_moved_by_merges``).

        A merge makes a new company (HubSpot's changelog "Updated merge functionality for contacts and companies":
        "a new record with a new ID will be created"), but its creation date tells nothing: "the property values of
        the resulting merged record will use the latest property values of the primary record" (a merge vendor:
        it "will reference the oldest record for fields such as created date"). What tells a merge this run must
        follow is the store: an id merged into it is still a live company there (the store retires it with this
        very read, so the next runs do not follow it again, and a company merged long ago, changed later, costs
        no read). Followed also when created since the watermark (a pull outside ``pac sync`` gives no store).
        Noted on a full company read too: the activities and deals may still be read incrementally. One store
        query per 1,000 companies read that list merged ids, none otherwise.

        A merge pac has not seen yet also notes the merged company's past (audit hsmerge, docs/hubspot.md, *Merged
        records*): of the companies merged into it that the store holds live, the one the team worked (the store
        holds a live visit, call or deal on it: ``StoredRecords.holding``, two more queries when a merge retires
        several stored companies; audit hshand12: an import nobody worked, or a duplicate nobody worked merged with a
        company merged before, whose new id is larger, gave their past), else the oldest (the smallest id: HubSpot
        numbers records as it creates them), as pac stored it and with the state changes the store recorded of it
        (``StoredRecords.records`` and ``changes``: two more queries, on a night with merges only); the merged
        companies the store holds already are noted too (their past was recorded the night of their merge). Companies
        the store holds live that went into a merged company without being listed (two merges between two nights) are
        found first (``_merged_unlisted``) and taken as listed."""
        merged = {str(obj["id"]): ids for obj in buffer if (ids := merged_ids(obj))}
        if not merged:
            return
        live = self._stored.live(ObjectKind.ACCOUNTS.value,
                                 sorted({i for ids in merged.values() for i in ids} | set(merged))) \
            if self._stored is not None else {}
        if unlisted := self._merged_unlisted(merged, live):
            # listed from now on, as HubSpot lists ids merged into it (``_merged_away`` retires them)
            live = {**live, **{i: i for ids in unlisted.values() for i in ids}}
            for obj in buffer:
                if extra := unlisted.get(str(obj["id"])):
                    merged[str(obj["id"])] = [*merged[str(obj["id"])], *extra]
                    obj["properties"][MERGED_IDS] = ";".join(merged[str(obj["id"])])
        self._companies_gone.update(i for ids in merged.values() for i in ids)
        self._merged_into.update((old, winner) for winner, ids in merged.items() for old in ids)
        for obj in buffer:
            i = str(obj["id"])
            if i in merged:
                self._merge_winners[i] = FOLLOW if any(old in live for old in merged[i]) else _created_ms(obj)
        if self._stored is None:
            return
        self._merged_known.update(i for i in merged if i in live)
        new = {winner: [old for old in ids if old in live] for winner, ids in merged.items() if winner not in live}
        new = {winner: ids for winner, ids in new.items() if ids}
        several = sorted({old for ids in new.values() if len(ids) > 1 for old in ids}, key=_numeric)
        worked = (self._stored.holding(ObjectKind.ACTIVITIES.value, several)
                  | self._stored.holding(ObjectKind.DEALS.value, several)) if several else set()
        # the record the team worked (the store holds visits, calls or deals on it), then the oldest (audit hshand12)
        oldest = {winner: min(ids, key=lambda old: (old not in worked, _numeric(old))) for winner, ids in new.items()}
        if oldest:
            pasts = sorted(set(oldest.values()), key=_numeric)
            stored = self._stored.records(ObjectKind.ACCOUNTS.value, pasts)
            changes = self._stored.changes(pasts)
            for winner, old in oldest.items():
                if isinstance(account := stored.get(old), Account):
                    self._merged_past[winner] = (account, tuple(changes.get(old) or ()))

    def _merged_unlisted(self, merged: Mapping[str, Sequence[str]], live: Mapping[str, str]) -> dict[str, list[str]]:
        """Merged company -> the companies the store holds live that went into it without being listed in its
        ``hs_merged_object_ids`` (audit hshand12): two merges between two nights, Lyon A and Rillieux into 2830, then
        2830 with a duplicate into 2840, pac never storing 2830; whether 2840 lists the ids merged into 2830 HubSpot
        does not document. Asked only of a merge pac has not seen that lists an id the store holds no live company of
        (a company pac never stored, or retired): the merged company's engagements and deals (associations v4, one
        read per object pac reads), the companies the store holds them on that it does not list, and those companies
        read by id: one HubSpot no longer answers under its own id while the merged company answers ("both of the
        previous IDs will point to the resulting merged record", changelog "Updated merge functionality for contacts
        and companies") went into it. A few calls on such a night, none otherwise."""
        if self._stored is None:
            return {}
        new = [w for w, ids in merged.items() if w not in live and any(old not in live for old in ids)]
        if not new:
            return {}
        listed = {i for ids in merged.values() for i in ids} | set(merged)
        held: dict[str, set[str]] = {}      # merged company -> the stored companies of the records now on it
        for kind in (ObjectKind.ACTIVITIES, ObjectKind.DEALS):
            for spec in objects_of(kind, self.mapping):
                if not spec.company:
                    continue
                links = read_associations(self.transport, "companies", spec.object_type, new)
                on = {str(to["toObjectId"]): w for w, tos in links.items() for to in tos}
                for rid, account in (self._stored.live(kind.value, sorted(on)) if on else {}).items():
                    if account and account not in listed:
                        held.setdefault(on[rid], set()).add(account)
        ask = sorted({a for found in held.values() for a in found}, key=_numeric)
        still = self._stored.live(ObjectKind.ACCOUNTS.value, ask) if ask else {}
        ask = [a for a in ask if a in still]
        if not ask:
            return {}
        answered = {str(obj["id"]) for obj in batch_read(self.transport, "companies", ask, [MERGED_IDS])}
        return {w: gone for w, found in held.items()
                if w in answered and (gone := sorted((a for a in found if a in ask and a not in answered),
                                                     key=_numeric))}

    def _restored(self, spec: HsObject, listed: set[str]) -> Iterator[Record | Rejected]:
        """The records the store retired lately (``StoredRecords.retired``: by an archived list, within the recycle
        bin's 90 days) that no archived list of their kind lists any more, nor this run's reads returned: read again
        by id, so a record restored from the recycle bin counts again the next night, whether or not the restore
        moved its stamp (HubSpot, "Restore deleted records": records can be restored "up to 90 days after they were
        deleted"; it does not say what the restore does to ``hs_lastmodifieddate``). A kind read from several
        objects (meetings, calls, e-mails, tasks: one store kind) is checked once its last object is read, against
        all their archived lists (``listed``, this object's; the others' kept from this run), each id then asked of
        each object until found. One call per 100 such ids and object, none on a night without; those still gone
        (purged, deleted for good) answer nothing and stay retired."""
        assert self._stored is not None
        specs = [s for s in objects_of(spec.kind, self.mapping) if s.deletions is Deletions.EVERY_PULL]
        if specs and spec.object_type == specs[0].object_type:
            self._binned[spec.kind] = set()
        binned = self._binned.setdefault(spec.kind, set())
        binned |= listed
        if not specs or spec.object_type != specs[-1].object_type:
            return
        del self._binned[spec.kind]
        back = sorted((i for i in self._stored.retired(spec.kind.value) if i not in binned), key=_numeric)
        if back:
            log.info("%s: %d retired %s no longer in the recycle bin: read again", self.name, len(back),
                     spec.kind.value)
        for each in specs:
            if not back:
                break
            props, convert = self._reader(each)
            found: set[str] = set()
            for record in self._read_by_id(each, back, props, convert, each.lines and self.mapping.deals.line_items,
                                           exact=True):
                found.add(str(record.id))
                yield record
            back = [i for i in back if i not in found]

    def _deleted_lines(self, since_ms: int) -> dict[str, datetime | None]:
        """Line item id -> when it was archived, for those archived (deleted) since ``since_ms``: the archived line
        items listed, one call per 100 (``_reread_deleted_lines``)."""
        gone: dict[str, datetime | None] = {}
        for obj in list_objects(self.transport, "line_items", [], archived=True):
            at = parse_datetime(obj.get("archivedAt")) or _when_or_none(obj)
            if at is None or to_ms(at) >= since_ms:
                gone[str(obj["id"])] = at
        return gone

    def _reread_deleted_lines(self, spec: HsObject, gone: Mapping[str, datetime | None], held: Mapping[str, str],
                              seen: set[str], props: list[str], convert: Convert) -> Iterator[Record | Rejected]:
        """The deals that held a line item deleted (archived) since ``since_ms``, read again with the lines they have
        now, so a line deleted from a won deal stops counting on product axes the next night. Deleting a line leaves
        its deal's stamp as it is (as editing one does: §2 *Products*), and search never returns archived records:
        archived line items are listed on every incremental pull, one call per 100 (HubSpot's list has no
        "archived since" filter; it keeps them 90 days), as the archived deals are. An archived line's deal
        associations are not read (HubSpot documents none for archived records): its deal is the stored deal whose
        lines hold its id (``DealLine.id``, ``remember_stored_lines``), or the deal this pull took from the store
        holding it (``held``: line id -> deal); a deal this pull read already is left out.
        Each deal read carries its deleted line's ``archivedAt`` when that is later than its own stamp, so the
        watermark passes the deletion and a quiet night lists again only the overlap's. Nothing is read when no
        line was deleted since the watermark, or when the run gave no store (a pull outside ``pac sync``)."""
        if not gone or (self._line_holders is None and not held):
            return
        holders = dict(self._line_holders(sorted(gone, key=_numeric))) if self._line_holders is not None else {}
        stamps: dict[str, datetime] = {}
        for line, deal in {**holders, **held}.items():
            if deal not in seen:
                _keep_latest(stamps, deal, gone.get(line))
        if stamps:
            log.info("%s: %d line item(s) deleted since the watermark: %d deal(s) read again", self.name, len(gone),
                     len(stamps))
            yield from self._read_by_id(spec, sorted(stamps, key=_numeric), props, convert, True, Lines({}, stamps))
            seen |= set(stamps)

    def _left_out(self, object_type: str, own: int) -> None:
        if own:
            log.info("%s: %d of pac's own %s (the fallback write-back's, carrying %s) left out: no visit reports",
                     self.name, own, object_type, KEY)

    def _not_pac_keyed(self, object_type: str) -> list[dict[str, Any]]:
        """The search filter leaving out pac's own records of ``object_type`` (tasks: the fallback write-back's, one
        per action, each with its ``pac_key``), where they can exist: a portal written in fallback mode whose tasks
        have that property (a filter on a property the portal lacks would be refused). Both are known to the run
        anyway (the schemas list and the tasks' properties, read once and kept), so this costs no call. Elsewhere
        the task reader drops any record carrying a ``pac_key`` (``normalise.task_reader``)."""
        if not self.fallback() or KEY not in self.property_names(object_type):
            return []
        return [{"propertyName": KEY, "operator": "NOT_HAS_PROPERTY"}]

    def _held_props(self, spec: HsObject) -> list[str]:
        """The company properties pac's account write-back fills (``pac_axes``, ``pac_target``), read with the
        companies when the mapping writes them: on the same search pages, no call more."""
        return list(self.mapping.account_fields().values()) if spec.object_type == "companies" else []

    def _holding(self, spec: HsObject, convert: Convert) -> Convert:
        """``convert`` keeping, on each company read, the PAC values it holds (``HELD_PAC``: logical field -> value,
        and the read's stamp), so the account write-back compares what a company should hold with what it holds,
        not only with what pac last wrote: a rep's hand edit of ``pac_target`` is restored, and a merged company
        that inherited the values of a company merged into it (HubSpot's merged record takes the primary's values
        and the other record's where the primary has none: changelog "Updated merge functionality for contacts and
        companies") is cleared when the plan targets it with no axis (``sync_jobs.account_targets``)."""
        fields = self.mapping.account_fields() if spec.object_type == "companies" else {}
        if not fields:
            return convert

        def read(obj: dict[str, Any], company: str | None, lines: tuple[DealLine, ...]) -> Record | Rejected | None:
            record = convert(obj, company, lines)
            if not isinstance(record, Account) or record.deleted or obj.get("archived"):
                return record
            props = obj.get("properties") or {}
            stamp = _when_or_none(obj)
            held = {logical: props.get(prop) for logical, prop in fields.items()}
            held["at"] = stamp.isoformat() if stamp is not None else None
            return replace(record, custom={**record.custom, HELD_PAC: held})

        return read

    def _data_warning(self, spec: HsObject, record_id: str, warning: str) -> None:
        """A data-quality warning on a record of ``spec``: listed with the run's when a store takes them, else
        logged."""
        if self._stored is not None:
            self._stored.warnings.append(Rejected(self.name, spec.kind.value, record_id, warning))
        else:
            log.warning("%s: %s %s: %s", self.name, spec.kind.value, record_id, warning)

    def _labelled(self, spec: HsObject, convert: Convert) -> Convert:
        """``convert`` reading the dropdowns plan scopes test as their option labels (``spec.labelled``): a dropdown
        holds an internal value (``PHARMACEUTICALS``, ``agro``), HubSpot shows its label, and plan authors write
        that. The labels are ``scope_labels``' (one small call a run, made by the companies' ``reading`` anyway)."""
        if not spec.labelled:
            return convert

        def read(obj: dict[str, Any], company: str | None, lines: tuple[DealLine, ...]) -> Record | Rejected | None:
            labels = self.scope_labels()
            return convert(with_labels(obj, labels) if labels else obj, company, lines)

        return read

    def _moved_by_merges(self, spec: HsObject, winners: list[str]) -> set[str]:
        """Ids of ``spec``'s records that this run's merges may have moved to a new company: those associated with
        the winners, and those placed without a company association of their own (``_companies``), which a merge
        moves too: through their contacts (the merged companies' contacts, and with them their primary company,
        move to the winner), and for an engagement through its deal (the winner's deals). The winners' contacts and
        deals are read once per run for every object; only on a night with merges."""
        def linked(from_type: str, ids: list[str]) -> set[str]:
            if not ids:
                return set()
            return {str(to["toObjectId"]) for tos in read_associations(self.transport, from_type, spec.object_type,
                                                                      ids).values() for to in tos}

        def of_winners(to_type: str) -> list[str]:
            key = (to_type, tuple(winners))     # the winners' contacts and deals serve every object of the run
            if key not in self._winner_links:
                found = read_associations(self.transport, "companies", to_type, winners)
                self._winner_links[key] = sorted({str(to["toObjectId"]) for tos in found.values() for to in tos},
                                                 key=_numeric)
            return self._winner_links[key]

        moved = set(of_winners(spec.object_type))
        if spec.contacts:
            moved |= linked("contacts", of_winners("contacts"))
        if spec.engagement:
            moved |= linked("deals", of_winners("deals"))
        return moved

    def _read_by_id(self, spec: HsObject, ids: Sequence[str], props: list[str], convert: Convert,
                    lines_too: bool, edited: Lines | None = None, *, exact: bool = False
                    ) -> Iterator[Record | Rejected]:
        """Records of ``spec`` by id, which the search did not return although they changed for pac: those a merge
        moved to a new company (HubSpot moves the merged companies' meetings, calls and deals without changing
        their stamps: left on the retired ids they would stop counting until the next full read), and deals whose
        line items changed (``edited``: their latest edited line's stamp). A few calls on a night that has them.

        A deal of a pipeline the mapping does not read (``deals.pipelines``) is retired (deleted), as the search for
        the deals that left those pipelines retires them: stored from before it moved, it would count until the
        next full read. It carries its edited line's stamp when later than its own, so the watermark passes it.
        ``exact``: an answer under another id is left out (an id merged away answers the record it went into)."""
        if not ids:
            return
        wanted = self.mapping.deals.pipelines if spec.object_type == "deals" else None
        asked = set(ids)
        found = []
        for obj in batch_read(self.transport, spec.object_type, ids, props, strict=self._props(spec.object_type),
                              defined=self._defined(spec.object_type)):
            if exact and str(obj["id"]) not in asked:
                continue
            if not wanted or (obj.get("properties") or {}).get(self.mapping.deals.pipeline) in wanted:
                found.append(obj)
            else:
                yield _bare_deleted(spec.kind, str(obj["id"]), self.name, _when((edited or NO_LINES).restamped(obj)))
        if not found:
            return
        got = [obj["id"] for obj in found]
        companies = self._companies(spec, got)
        lines = self._lines(got) if lines_too else NO_LINES
        for obj in found:
            # (its latest line's stamp, edited or deleted, when later than its own: what the watermark passes)
            restamped = (edited or NO_LINES).restamped(lines.restamped(obj))
            record = self._noted(companies.checked(convert(restamped, companies.get(obj["id"]), lines.of(obj["id"])),
                                                   obj, self.name))
            if record is None:      # one of pac's own tasks
                continue
            yield record
            if spec.merges:
                yield from self._merged_away(spec, obj)

    def _companies(self, spec: HsObject, ids: Sequence[str]) -> Companies:
        """Record id -> its company (``choose_company``), for an object linked to companies; the raw associations
        (several objects per record) are dropped here instead of living as long as the records.

        An engagement (``spec.engagement``: HubSpot defines no primary company for meetings, calls, e-mails and
        tasks) linked to several companies counts for the one that is the primary company of one of its contacts
        (the person met belongs there), the smallest id among several such, else ``_family_choice``. A deal on
        several companies, none primary, counts for the one the store holds it on, or the company that one was
        merged into, else (never stored) the smallest id (``_held``, ``_tie_break``: audit hsengage F1).
        An engagement or a deal with no company (``spec.contacts``) takes the primary company of its contacts:
        meetings or calls created by calendar sync, an integration or the API often carry only the contact, and
        HubSpot shows them on that contact's timeline alone; deals created by an e-commerce or quoting integration
        often carry only the buyer. Both cost two more association reads per 1,000 such records (their contacts,
        then those contacts' companies), none when every record has exactly one company (a deal with several has its
        primary). Contacts with different primary companies: the smallest id, as for several companies. An
        engagement that neither places (a quote follow-up task created on a deal) takes the company of its deal
        (``_deal_companies``: two more reads per 1,000 such engagements). A record whose contacts have no primary
        company and no deal places is rejected, naming them (``Companies.checked``: a won deal only). An engagement
        with several companies no contact decides between: ``_family_choice``. A record placed through its contacts
        keeps the company the store holds it on while its own associations are unchanged (``_keep_placed``)."""
        if not spec.company:
            return NO_COMPANIES
        links = read_associations(self.transport, spec.object_type, "companies", ids)
        found: dict[str, str | None] = {str(i): choose_company(tos) for i, tos in links.items()}
        several = [str(i) for i, tos in links.items() if len(tos) > 1] if spec.engagement else []
        if not spec.engagement:     # a deal on several companies, none of them primary: where it counted before
            tied = {str(i): sorted({str(to["toObjectId"]) for to in tos}, key=_numeric) for i, tos in links.items()
                    if len(tos) > 1 and primary_company(tos) is None}
            held = self._held(spec, list(tied))
            for i, cs in tied.items():
                found[i] = _tie_break(cs, held.get(i))[0]
        orphans = [str(i) for i in ids if found.get(str(i)) is None] if spec.contacts else []
        if not orphans and not several:
            return Companies(found)
        via = {i: sorted({str(to["toObjectId"]) for to in tos}, key=_numeric)
               for i, tos in read_associations(self.transport, spec.object_type, "contacts",
                                               [*orphans, *several]).items()}
        contacts = sorted({c for cs in via.values() for c in cs}, key=_numeric)
        primary = {c: contact_primary_company(tos)
                   for c, tos in read_associations(self.transport, "contacts", "companies", contacts).items()} \
            if contacts else {}
        placed_by: dict[str, tuple[str, ...]] = {}     # what placed a record through its contacts
        undecided: list[str] = []
        for i in several:
            # among the engagement's own companies, those that are a contact's primary company
            primaries = {company for c in via.get(i, ()) if (company := primary.get(c))}
            preferred = [to for to in links[i] if str(to["toObjectId"]) in primaries]
            if via.get(i):
                placed_by[i] = _basis(links[i], via[i])
            if preferred:
                found[i] = choose_company(preferred)
            else:
                undecided.append(i)
        only: dict[str, tuple[str, str]] = {}
        what = spec.word
        for i in orphans:
            cs = via.get(i, [])
            theirs = sorted({company for c in cs if (company := primary.get(c))}, key=_numeric)
            if cs:
                placed_by[i] = _basis((), cs)
            if theirs:
                found[i] = theirs[0]
            elif cs:
                only[i] = (what, ", ".join(cs))     # the rejection's values (``contact_only``)
        kept = self._keep_placed(spec, placed_by, found, only, primary) if placed_by else set()
        undecided = [i for i in undecided if i not in kept]
        for i in [i for i in placed_by if found.get(i) is None or i in undecided]:
            del placed_by[i]        # no contact placed it: the rules below may (a parent company, a deal), or nothing
        also_on = self._family_choice(spec, undecided, links, found) if undecided else {}
        lost = [i for i in orphans if found.get(i) is None] if spec.engagement else []
        on_deals: set[str] = set()
        if lost:
            placed, on_deals, others = self._deal_companies(spec, lost)
            for i, company in placed.items():
                found[i] = company
                only.pop(i, None)
            also_on = {**also_on, **others}
        bare = [i for i in orphans if found.get(i) is None and not via.get(i) and i not in on_deals]
        if bare:
            self._keep_stored_company(spec, bare, found)
        return Companies(found, only, spec.kind.value, placed_by, also_on)

    def _keep_placed(self, spec: HsObject, placed_by: Mapping[str, tuple[str, ...]], found: dict[str, str | None],
                     only: dict[str, tuple[str, str]], primary: Mapping[str, str | None]) -> set[str]:
        """Records placed through their contacts' primary company (``placed_by``: the record's own company and contact
        associations) that the store holds with a company placed by the very same associations: they keep it
        (``found``), whatever their contacts' primary company is now, with a warning naming the contacts, the new
        company and the kept one. A contact who changes employer (Paul leaves Lyon A for Grenoble B: his primary
        company changes, his past meetings are not touched) does not move the visits and won deals placed through him
        to his new company, restating closed periods (audit matching F3), as a contact deleted does not take them off
        (``_keep_stored_company``) and as Salesforce keeps an activity's and an opportunity's account when a contact
        changes account. A record whose own companies or contacts changed is placed again by the rules, and so is
        one whose company is gone (merged into another: the merge moved its contacts to the new company, which the
        record follows; deleted). The ids kept. One store query per 1,000 such records, one more when some would
        be kept; nothing without a store (a pull outside ``pac sync``)."""
        if self._stored is None:
            return set()
        what = spec.word
        keep = {i: company for i, (company, basis) in self._stored.placed(spec.kind.value,
                                                                         sorted(placed_by, key=_numeric)).items()
                if company and basis == placed_by.get(i) and found.get(i) != company}
        live = self._stored.live(ObjectKind.ACCOUNTS.value, sorted(set(keep.values()), key=_numeric)) if keep else {}
        kept: set[str] = set()
        for i, company in keep.items():
            if company not in live or company in self._companies_gone:
                continue
            found[i] = company
            only.pop(i, None)
            kept.add(i)
            contacts = [b.split(":", 1)[1] for b in placed_by[i] if b.startswith("contact:")]
            now = sorted({p for c in contacts if (p := primary.get(c))}, key=_numeric)
            if len(contacts) == 1:
                moved = (f"contact {contacts[0]}'s primary company is now {now[0]}" if now else
                         f"contact {contacts[0]} has no primary company any more")
            else:
                moved = (f"the primary companies of contacts {', '.join(contacts)} are now {', '.join(now)}" if now
                         else f"contacts {', '.join(contacts)} have no primary company any more")
            log.warning("%s: %s: %s %s kept on %s, where it was placed through that contact (change its own company "
                        "or contact associations to move it)", self.name, moved, what, i, company)
        return kept

    def _family_choice(self, spec: HsObject, undecided: Sequence[str], links: Mapping[str, list[dict[str, Any]]],
                       found: dict[str, str | None]) -> dict[str, tuple[str, ...]]:
        """Engagements with several companies that no contact decides between (``undecided``): the company that is
        not the parent of another of them (HubSpot's parent / child company association, company -> company 13 and
        14: a visit logged on the client's site and on its group's head office was made at the site). When that
        still leaves several, the engagement counts for the one pac's store holds it on, or for the company that
        one was merged into (``_held``: a dedupe merge makes a new company with a new, larger id, and must not move
        the visit to the other company, audit hsengage F1), else, never stored, for the smallest id; it is listed
        once as a data-quality warning (``several companies: ...``) and carries the others (returned: engagement
        id -> the other companies, ``Activity.also_on``), which ``pac explain`` names. One more association read per
        1,000 companies of such engagements, none when there is none; one store query per 1,000 engagements left
        with several."""
        own = {i: sorted({str(to["toObjectId"]) for to in links[i]}, key=_numeric) for i in undecided}
        parents = parent_pairs(read_associations(self.transport, "companies", "companies",
                                                 sorted({c for cs in own.values() for c in cs}, key=_numeric)))
        what = spec.word
        left = {i: [c for c in cs if not any((c, other) in parents for other in cs if other != c)] or cs
                for i, cs in own.items()}
        held = self._held(spec, [i for i, cs in left.items() if len(cs) > 1])
        also: dict[str, tuple[str, ...]] = {}
        for i, cs in own.items():
            chosen, why = _tie_break(left[i], held.get(i))
            found[i] = chosen
            if len(left[i]) == 1:
                continue
            also[i] = tuple(c for c in cs if c != chosen)
            warning = (f"several companies: {what} {i} is associated with companies {', '.join(cs)} and no contact "
                       "or parent company tells which was visited (HubSpot engagements have no primary company): "
                       f"counted for {chosen}, {why}; associate it with the company visited only, or with the "
                       "contact met there")
            self._warn_once(spec, i, warning)
        return also

    def _warn_once(self, spec: HsObject, i: str, warning: str) -> None:
        """A record on several companies nothing tells apart, listed once a run as a data-quality warning (the
        store's, which ``pac sync`` prints; the log without a store)."""
        if (spec.kind.value, i) in self._warned:
            return
        self._warned.add((spec.kind.value, i))
        if self._stored is not None:
            self._stored.warnings.append(Rejected(self.name, spec.kind.value, i, warning))
        else:
            log.warning("%s: %s", self.name, warning)

    def _held(self, spec: HsObject, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Record id -> (the company pac's store holds it on, that company now), for those of ``ids`` the store holds
        live on a company: the company itself, or the company it was merged into (``_follow_merges``). What keeps a
        record on several companies nothing tells apart where it counted (``_tie_break``). One store query per
        1,000 ids; nothing without a store (a pull outside ``pac sync``) or without ids."""
        if self._stored is None or not ids:
            return {}
        stored = {i: company for i, company in self._stored.live(spec.kind.value, sorted(ids, key=_numeric)).items()
                  if company}
        now = self._follow_merges(set(stored.values()))
        return {i: (company, now.get(company, company)) for i, company in stored.items()}

    def _follow_merges(self, companies: Iterable[str]) -> dict[str, str]:
        """Company id -> the company it was merged into, for those of ``companies`` merged away. This run's company
        read knows its merges (``_note_merges``); a company merged before (its merge night's reads did not read the
        record again: a read of deals alone, an interrupted night) is gone from the store's live companies, and
        HubSpot answers its id with the merged record (changelog "Updated merge functionality for contacts and
        companies": "both of the previous IDs will point to the resulting merged record, so fetching any records
        using the original IDs will return the new merged record with the new ID"), whose
        ``hs_merged_object_ids`` lists it: such ids are read by id, one call per 100, each once a run. A company
        deleted (archived) answers nothing and is not followed."""
        ask = sorted((c for c in companies if c not in self._merged_into and c not in self._not_merged
                      and c not in self._companies_gone), key=_numeric)
        if ask and self._stored is not None:
            live = self._stored.live(ObjectKind.ACCOUNTS.value, ask)
            ask = [c for c in ask if c not in live]
        if ask:
            for obj in batch_read(self.transport, "companies", ask, [MERGED_IDS]):
                winner = str(obj["id"])
                self._merged_into.update((old, winner) for old in merged_ids(obj) if old in ask and old != winner)
            self._not_merged.update(c for c in ask if c not in self._merged_into)
        return {c: self._merged_into[c] for c in companies if c in self._merged_into}

    def _keep_stored_company(self, spec: HsObject, bare: Sequence[str], found: dict[str, str | None]) -> None:
        """Records read with no company, no contact and no deal at all, that the store holds with a company: they keep
        it (``found``), each listed as a data-quality warning. Deleting a contact unassociates its activities (HubSpot,
        "Understand restorable and permanent contact deletions": "All activity is deleted and unassociated from the
        record ... the calls and tasks will still appear on your call or task page but will not be associated with
        the deleted record"; its engagement reports "will still count engagements of deleted contacts"): a visit
        placed through that contact was made there, and a contact clean-up must not take it, nor a won deal so
        placed, off a past period. A record moved to another company (or contact, or deal) follows it as ever; one
        whose company was merged into another follows the merge (``_held``). One whose company itself was deleted
        (archived in this run's list, or no longer live in the store) keeps it too, so restoring the company brings
        it back, but counts nothing meanwhile (the engine sets aside a record of a deleted account), and its warning
        says so (audit hsengage F2: it read "still counted" and guessed a deleted contact). One store query per
        1,000 such records, one more for their companies; nothing without a store (a pull outside ``pac sync``)."""
        if self._stored is None:
            return
        what = spec.word
        held = self._held(spec, bare)
        companies = sorted({now for _, now in held.values()}, key=_numeric)
        live = self._stored.live(ObjectKind.ACCOUNTS.value, companies) if companies else {}
        for i, (stored, company) in held.items():
            found[i] = company
            lost = f"unassociated: {what} {i} has no company, contact or deal left in HubSpot"
            if company in self._companies_gone or company not in live:
                reason = (f"{lost}: its company {company} was deleted in HubSpot, so it is not counted until the "
                          f"company is restored or the {what} associated with another company")
            elif company != stored:
                reason = (f"{lost} (its contact deleted?): still counted for company {company}, into which company "
                          f"{stored}, where it was when last read, was merged; associate it again to clear this "
                          "warning")
            else:
                reason = (f"{lost} (its contact deleted?): still counted for company {company}, where it was when "
                          "last read; associate it again to clear this warning")
            self._stored.warnings.append(Rejected(self.name, spec.kind.value, i, reason))

    def _deal_companies(self, spec: HsObject, ids: Sequence[str]
                        ) -> tuple[dict[str, str], set[str], dict[str, tuple[str, ...]]]:
        """Engagement id -> the company of the deal it is on, for engagements that no company of their own nor of
        their contacts places (a quote follow-up task created on the deal): the deal's company as the deal itself is
        read (``choose_company``: its primary, deal -> company type 5, else the smallest id); on several deals, the
        smallest id among their companies. When the deals leave several companies (several deals, or a deal on
        several companies with no primary), the company the store holds the engagement on, or the company that one
        was merged into, wins among them, as for the deal itself (``_held``). Engagements on no deal, or on deals
        with no company, are left out. Two association reads per 1,000 such engagements (their deals, then those
        deals' companies). With it, the ids of the engagements on any deal, and those its deals left on several
        companies -> the others (``Activity.also_on``, which ``pac explain`` names): such an engagement is listed once
        as a data-quality warning (``several companies: ...``), as one on several companies of its own is
        (``_family_choice``; audit hshand4: it counted for the smallest id with no word)."""
        via = read_associations(self.transport, spec.object_type, "deals", ids)
        deals = sorted({str(to["toObjectId"]) for tos in via.values() for to in tos}, key=_numeric)
        on_deals = {str(i) for i, tos in via.items() if tos}
        if not deals:
            return {}, on_deals, {}
        company: dict[str, list[str]] = {}      # deal -> its primary company, else all its companies (numeric order)
        for d, tos in read_associations(self.transport, "deals", "companies", deals).items():
            primary = primary_company(tos) if len(tos) > 1 else None
            company[d] = [primary] if primary else sorted({str(to["toObjectId"]) for to in tos}, key=_numeric)
        chosen: dict[str, list[str]] = {}        # engagement -> the companies of its deals, each deal's choice first
        for i, tos in via.items():
            found = [company[d] for to in tos if (d := str(to["toObjectId"])) in company and company[d]]
            if found:
                firsts = sorted({cs[0] for cs in found}, key=_numeric)
                chosen[i] = [*firsts, *sorted({c for cs in found for c in cs} - set(firsts), key=_numeric)]
        held = self._held(spec, [i for i, cs in chosen.items() if len(cs) > 1])
        out: dict[str, str] = {}
        also: dict[str, tuple[str, ...]] = {}
        what = spec.word
        for i, cs in chosen.items():
            # cs[0], the smallest of each deal's choice, is the smallest id of all: the order ``_tie_break`` takes
            out[i], why = _tie_break(sorted(cs, key=_numeric), held.get(i))
            if len(cs) == 1:
                continue
            also[i] = tuple(c for c in cs if c != out[i])
            on = sorted({str(to["toObjectId"]) for to in via[i]}, key=_numeric)
            self._warn_once(spec, i, f"several companies: {what} {i} has no company or contact placing it and is on "
                                     f"deal{'s' if len(on) > 1 else ''} {', '.join(on)}, of companies "
                                     f"{', '.join(sorted(cs, key=_numeric))}: counted for {out[i]}, {why}; associate "
                                     "it with the company visited")
        return out, on_deals, also

    def _merged_away(self, spec: HsObject, obj: dict[str, Any]) -> Iterator[Record]:
        """The records merged into ``obj`` (its ``hs_merged_object_ids``), deleted as of its own stamp: HubSpot drops
        them from search and never lists them as archived. Retiring an id already retired changes nothing."""
        ids = merged_ids(obj)
        if not ids:
            return
        when = parse_datetime(obj.get("archivedAt")) or _when(obj)
        for old in ids:
            yield _bare_deleted(spec.kind, old, self.name, when)

    def _lines(self, deal_ids: Sequence[str]) -> Lines:
        """The line items of ``deal_ids``: their associations (1,000 deals a call), then the lines (100 a call)."""
        owner_of = self._line_owners(deal_ids)
        if not owner_of:
            return NO_LINES
        got = _LinesRead()
        self._read_lines(owner_of, got)
        return got.take(dict.fromkeys(owner_of.values()))

    def _line_owners(self, deal_ids: Sequence[str]) -> dict[str, str]:
        """Line item id -> its deal, for the deals of ``deal_ids`` (one association read per 1,000 deals)."""
        links = read_associations(self.transport, "deals", "line_items", deal_ids)
        return {str(to["toObjectId"]): deal for deal, tos in links.items() for to in tos}

    def _read_lines(self, owner_of: Mapping[str, str], got: _LinesRead) -> None:
        """The line items of ``owner_of`` (line item id -> its deal) read into ``got``, 100 a call."""
        if not owner_of:
            return
        read = line_reader(self.mapping)
        family = self.family_labels()       # a family dropdown's option labels (none: its values as stored)
        # what a line without hs_tcv or amount is valued by (its term, its price and discount): asked, never required
        props = sorted({*self._props("line_items"), *LINE_PRICING, LINE_CURRENCY, LINE_PRODUCT_ID})
        read_now: list[tuple[str, DealLine]] = []
        for obj in batch_read(self.transport, "line_items", list(owner_of), props,
                              strict=self._props("line_items"), defined=self._defined("line_items")):
            deal = owner_of[str(obj["id"])]
            _keep_latest(got.stamps, deal, _when_or_none(obj))
            line = read(with_labels(obj, family) if family else obj)
            if line is not None:
                read_now.append((deal, line))
        library = self._library([ln.product_id for _, ln in read_now if ln.product_id])
        if library:
            self._note_library_renames(read_now, library)
        for deal, line in read_now:
            known = library.get(line.product_id) if line.product_id else None
            if known is not None:
                line = replace(line, codes=known[0], names=known[1])
            got.lines.setdefault(deal, []).append(line)

    def _note_library_renames(self, read_now: Sequence[tuple[str, DealLine]],
                              library: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """The products renamed in the library (SKU or name edited) that the line items read now show: a line's
        product called otherwise than the stored version of that line says it was when last read (its ``codes`` /
        ``names``), or, a line stored without them (before 6 Dec 2026) or never stored, than the line itself was
        sold under; one ``ProductRename`` per old value (``products_renamed``; pac sync warns of the plan values
        naming it, ``coverage.rename_warnings``). Compared case- and accent-insensitively, as scopes match. A new line
        item sold under the new name shows none: the rename is seen the night an older line of the product is read
        again (an old deal edited, or the weekly full read). One store query for the deals read (audit
        hsproductid)."""
        deals = sorted({deal for deal, ln in read_now if ln.product_id in library}, key=_numeric)
        stored = self._stored.records(ObjectKind.DEALS.value, deals) if self._stored is not None else {}
        before: dict[str, DealLine] = {ln.id: ln for d in stored.values() if isinstance(d, Deal)
                                       for ln in d.lines if ln.id is not None}
        seen: dict[tuple[str, str], tuple[str, set[str]]] = {}     # (key, folded old) -> (old, deals)
        for deal, line in read_now:
            if line.product_id is None or line.product_id not in library:
                continue
            codes, names = library[line.product_id]
            old = before.get(line.id) if line.id is not None else None
            for key, was, now in (("code", (old.codes if old is not None and old.codes else (line.code,)), codes),
                                  ("name", (old.names if old is not None and old.names else (line.name,)), names)):
                for value in was:
                    if value and now and fold_value(value) not in {fold_value(v) for v in now}:
                        seen.setdefault((key, fold_value(value)), (value, set()))[1].add(deal)
                        self._renamed_to[(key, fold_value(value))] = now[0]
        for (key, folded), (value, held) in sorted(seen.items()):
            self._renames.append(ProductRename(key, value, (self._renamed_to[(key, folded)],), len(held),
                                               library=True))

    def note_plan_products(self, values: Sequence[str], stored: DealLinesStored) -> None:
        """The ``product_code`` / ``product`` values of the plan's scopes, on a night its file changed
        (``connectors.base.NamesProducts``): looked up after the deals' incremental read (``_named_by_plan``)."""
        self._plan_products, self._stored_deal_lines = tuple(values), stored

    def _named_by_plan(self, records: Iterator[Record | Rejected | AccountChange | HistoryRead]
                       ) -> Iterator[Record | Rejected | AccountChange | HistoryRead]:
        """The deals' incremental read (``records``), then the stored deals holding line items of a product the plan
        names by a SKU or name no line is known by (audit renames F2, 7 Dec 2026): a line item keeps the SKU and name
        it was sold under, so when the library renames product P (PX-1 -> PX-2) and the plan is written on PX-2, no
        line holds PX-2 until one of P is read (a new sale, an old deal edited, the weekly full read), and the axis
        left P's old lines out. The stored lines (one pass over the store's deals) and the lines read tonight are
        the lines known; a plan value none of them holds is looked up among the library items of the stored lines
        (read by id, 100 a call), and the stored deals holding lines of a product now so called, not read tonight, are
        stored again with those lines knowing its current SKU and name (``DealLine.codes`` / ``names``, as a read of
        the line would give them): from then on ``products.linked`` counts them under either. Only on a night the plan
        file changed, told by the pipeline: a quiet night makes no call and no store pass."""
        wanted = {fold_value(v): v for v in self._plan_products if v.strip()}
        self._plan_products = ()
        read: set[str] = set()
        known: set[str] = set()
        for record in records:
            if isinstance(record, Deal):
                read.add(record.id)
                for ln in record.lines:
                    known.update(fold_value(v) for v in (ln.code, ln.name, ln.product, ln.family, *ln.codes,
                                                         *ln.names) if v)
            yield record
        if not wanted or self._stored_deal_lines is None or self._stored is None or self._library_refused:
            return
        holders: dict[str, set[str]] = {}      # product library item -> the stored deals holding a line of it
        for holder, kept in self._stored_deal_lines():
            for raw in kept:
                known.update(fold_value(str(v)) for k in ("code", "name", "product", "family") if (v := raw.get(k)))
                known.update(fold_value(str(v)) for k in ("codes", "names") for v in raw.get(k) or () if v)
                if raw.get("product_id") is not None:
                    holders.setdefault(str(raw["product_id"]), set()).add(holder)
        unknown = wanted.keys() - known
        if not unknown:
            return
        # the library items the stored lines were sold from, read by id (``_library``: 100 a call, each once a run):
        # only a product with stored lines has old lines to know by its current SKU and name
        found = {product: current for product, current in self._library(sorted(holders, key=_numeric)).items()
                 if {fold_value(v) for v in (*current[0], *current[1])} & unknown}
        deals = sorted({d for product in found for d in holders.get(product, ())} - read, key=_numeric)
        stored = self._stored.records(ObjectKind.DEALS.value, deals) if deals else {}
        # the rename these lines show is warned of as a line read again would show it (the plan values on the old SKU
        # or name, ``products_renamed``): this night is the one pac learns it
        self._note_library_renames([(d, ln) for d in deals if isinstance(held := stored.get(d), Deal)
                                    for ln in held.lines if ln.product_id in found], found)
        again = 0
        for deal_id in deals:
            held = stored.get(deal_id)
            if not isinstance(held, Deal):
                continue
            lines = tuple(ln if ln.product_id is None or (now := found.get(ln.product_id)) is None
                          else replace(ln, codes=now[0], names=now[1]) for ln in held.lines)
            if lines != held.lines:
                again += 1
                yield replace(held, lines=lines)
        log.info("hubspot.plan_products connector=%s values=%s products=%d deals=%d: the plan names a product no "
                 "line was known by; its stored lines now know its current SKU and name", self.name,
                 sorted(wanted[k] for k in unknown), len(found), again)

    def products_renamed(self) -> list[ProductRename]:
        """The products renamed in the library that the line items read this pull show (``_note_library_renames``),
        then forgotten."""
        out, self._renames = self._renames, []
        return out

    def _library(self, ids: Sequence[str]) -> Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """The product library items ``ids`` (a line item's ``hs_product_id``) -> their current SKU and name, each as
        a tuple (empty when unset): read by id, 100 a call, each item once a run (audit hsproductid: a product renamed
        in the library keeps its old and new line items together, ``pac_core.products``). Only the items of the line
        items a run reads, so a night reading no line item reads no product. An item deleted from the library is
        absent: its lines keep what they were sold under."""
        unread = [i for i in dict.fromkeys(ids) if i not in self._products]
        if unread and not self._library_refused:
            try:
                for obj in batch_read(self.transport, "products", unread, PRODUCT_PROPS):
                    p = obj.get("properties") or {}
                    sku, name = (str(p.get(k) or "").strip() for k in PRODUCT_PROPS)
                    self._products[str(obj["id"])] = ((sku,) if sku else (), (name,) if name else ())
            except Forbidden as exc:
                # the token lacks the products scope (e-commerce): the lines are read without their library's
                # names, each keeps what it was sold under and its product's id (``product_id`` scopes still match)
                self._library_refused = True
                self._notice(f"hubspot.products_refused problem={exc}: the product library is not read, so a "
                             "product renamed in HubSpot keeps its old and new line items apart; grant the app the "
                             "scope e-commerce")
        return {i: got for i in ids if (got := self._products.get(i)) is not None}

    def _pull_edits(self, since_ms: int | None) -> Iterator[ManagerEdit | PacListed]:
        """Status and priority values of PAC records changed in the portal since ``since``; on a full read (no
        ``since``), also the keys of every PAC record listed (``PacListed``: one per custom object read, or for the
        tasks in fallback mode; the search lists no archived record), by which the pipeline writes again in full a
        record deleted in the portal.

        Our own writes change these records too: the pipeline drops an edit equal to what it last wrote.
        In fallback mode only actions (their task's status) can be edited; axes live in the report.
        """
        if self.fallback():
            yield from self._pull_task_edits(since_ms)
            return
        w = self.mapping.writeback
        for name, target, props in ((w.axis_object, Target.AXIS, AXIS_PROPS), (w.action_object, Target.ACTION,
                                                                               ACTION_PROPS)):
            object_type = self.object_type(name)
            if object_type is None:
                continue
            editable = {props[lg].name: edit for edit, lg in EDIT_FIELDS[target].items() if lg in props}
            computed = {p.name: lg for lg, p in props.items() if p.name not in editable and lg not in _NOT_DRIFT}
            computed[OWNER] = "owner_email"     # read back as the owner's e-mail (``_owner_emails``)
            # each date as the day pac writes, before anything compares it (``_who_changed`` too: a day in another
            # form read the property history of every action, each run)
            found = _as_days(search_modified(self.transport, object_type, [KEY, *editable, *computed], since_ms),
                             _date_props(props))
            if since_ms is None:    # every record: a key pac wrote that is not listed was deleted (archived)
                self._pac_records[object_type] = {str(p[KEY]): {**p, "id": str(obj["id"])} for obj in found
                                                  if (p := obj.get("properties") or {}).get(KEY)}
                if not found:       # a fresh portal: no record is linked to one, but by this run's writes
                    self._links = self._links or Links(self.transport)
                    self._links.note_none(object_type)
                yield PacListed(target, frozenset(self._pac_records[object_type]))
            who = self._who_changed(object_type, target, found, editable, computed)
            for obj in found:
                p = obj.get("properties") or {}
                if not p.get(KEY):
                    continue
                for prop, logical in editable.items():
                    value: Any = p.get(prop)
                    if value not in (None, "") and logical in ("axis_priority", "action_target"):
                        value = int(float(value))
                    at, by_id, by_name, mine = who.get((str(obj["id"]), prop)) or (_when(obj), None, "", True)
                    yield ManagerEdit(target, p[KEY], logical, value, at, by_id=by_id, by_name=by_name,
                                      by_integration=mine, crm_field=prop)
                for prop, logical in computed.items():
                    value = p.get(prop)
                    if prop == OWNER:       # compared as the owner's e-mail; an owner not listed active: not compared
                        value = self._owner_emails().get(str(value)) if value not in (None, "") else None
                        if value is None:
                            continue
                    # who set it, when its history was read (a value pac had restored: an automation or a person?)
                    at, by_id, by_name, mine = who.get((str(obj["id"]), prop)) or (_when(obj), None, "", True)
                    yield PacValue(target, p[KEY], logical, value, at, by_id=by_id, by_name=by_name,
                                   by_integration=mine, crm_field=prop)

    def _owner_emails(self) -> dict[str, str]:
        """Owner id -> lower-case e-mail, of the portal's active owners (this run's owners pull, else read once)."""
        if self._owner_ids is None:
            self.owner_id("")
            self._owner_ids = {owner: email for email, owner in (self._owners or {}).items()}
        return self._owner_ids

    def _pull_task_edits(self, since_ms: int | None) -> Iterator[ManagerEdit | PacListed]:
        """Fallback: each changed task's action status, with who set it, and the values pac computes that it holds.
        The status is read from ``hs_task_status`` together with the status pac holds for the action (what it last
        wrote, a manager's edit it accepted included, else the task's ``pac_status``): see ``schema.task_status``.
        Not against the task's pac_status alone: it may be stale (a portal synced by a pac before 6 Dec 2026, which
        never wrote an accepted edit back to it), so a later reopen would equal that stale value and be lost. The
        edit is yielded with ``held`` False: read from hs_task_status, not from pac_status, so the pipeline writes
        the accepted status back to the task's pac_status (audit quota2 F3), and the task's hs_task_status as read
        is kept for the write (``Writer._task_props``: a WAITING task stays WAITING). Who set it comes from the property
        history of ``hs_task_status``, read only for tasks whose status differs from what pac last wrote: a person's
        change names a user; pac's own writes, workflows and other apps do not, and are never a manager's edit.

        The status is a task's one manager's edit (docs/hubspot.md §4): the PAC figures (``pac_target``,
        ``pac_done``, ``pac_pace``...), the subject, the due date (``hs_timestamp``, read as its day in the plan's
        timezone, the ``window_end`` pac writes as noon of that day there) and the owner (as its e-mail) are pac's,
        read in the same search and yielded as ``PacValue`` for drift repair, as custom objects' are
        (``_pull_edits``): restored once, an automation rewriting them held (the history of such a value pac restored
        before is read with the status's, in the same calls; audit hspkg F3). The body (``hs_task_body``) is not: reps
        keep notes there. The task of an action no longer in the plan (what pac last wrote has pace "removed": pac
        completed it) is pac's alone: nothing of it is read back.

        On a full read (no ``since_ms``) the search lists every live task carrying a ``pac_key``: their keys are
        yielded as ``PacListed`` (search lists no archived record), so a task a rep deleted is written again in full,
        as a deleted custom-object record is (audit hsemu F2).

        Several tasks of one key listed by the search (a copy made by hand, two runs at once): only the lowest id is
        read, pac's task (the one ``writeback.Writer._task_ids`` writes); the others are named once per run in the log
        (audit hstasks)."""
        known = self.property_names("tasks")
        if KEY not in known:
            return
        has_key = [{"propertyName": KEY, "operator": "HAS_PROPERTY"}]
        written = self._written
        computed = {p.name: lg for lg, p in TASK_PROPS.items()
                    if lg not in ("key", "status") and lg not in _NOT_DRIFT and p.name in known}
        computed.update(TASK_COMPUTED_NATIVE)
        read: list[tuple[dict[str, Any], str, str | None, dict[str, Any], bool]] = []
        listed: set[str] = set()
        again: set[str] = set()     # computed properties pac restored before that differ again: their history read
        found = list(search_modified(self.transport, "tasks", [KEY, "hs_task_status", "pac_status", *computed],
                                     since_ms, filters=has_key))
        extra = _extra_tasks(found)
        for copied, ids in extra.items():
            if copied not in self._duplicate_tasks:
                self._duplicate_tasks[copied] = ids
                log.warning("hubspot.pull.duplicate_tasks key=%s others=%s (several live tasks carry this pac_key: "
                            "pac reads and writes the lowest id; delete the others in HubSpot)", copied, ",".join(ids))
        for obj in found:
            p = obj.get("properties") or {}
            key = p.get(KEY)
            if key:
                listed.add(str(key))
            if str(obj["id"]) in extra.get(str(key), ()):
                continue    # not pac's task: a copy of it (pac's is the lowest id of its key, ``Writer._task_ids``)
            row = written.get((Target.ACTION.value, key)) if written is not None and key else None
            if row is not None and row.fields.get("pace") == REMOVED_PACE:
                continue    # an action no longer in the plan: pac completed its task (what it shows is pac's)
            last = row.fields.get("status") if row is not None else None
            known_status = str(getattr(last, "value", last)) if last is not None else p.get("pac_status")
            status = task_status(p.get("hs_task_status"), known_status)
            if not key:
                continue
            self._task_states[str(key)] = str(p.get("hs_task_status") or "")
            values = {prop: self._task_value(prop, p.get(prop)) for prop in computed}
            restored = (row.fields.get(RESTORED) or {}) if row is not None else {}
            mine = {prop for prop, logical in computed.items() if logical in restored and logical in row.fields
                    and not same_value(values[prop], row.fields[logical])} if row is not None else set()
            again |= mine
            differs = bool(status) and (last is None or not same_value(status, known_status))
            read.append((obj, key, status, values, differs or bool(mine)))
        if since_ms is None:    # every task: a key pac wrote that is not listed was deleted (archived)
            yield PacListed(Target.ACTION, frozenset(listed))
        who = self._history("tasks", [str(obj["id"]) for obj, _, _, _, ask in read if ask],
                            ["hs_task_status", *sorted(again)])
        for obj, key, status, values, _ in read:
            if status:
                at, by_id, by_name, by_app = (who.get((str(obj["id"]), "hs_task_status"))
                                              or (_when(obj), None, "", True))
                yield ManagerEdit(Target.ACTION, key, "action_status", status, at, by_id=by_id, by_name=by_name,
                                  by_integration=by_app, crm_field="hs_task_status", held=False)
            for prop, logical in computed.items():
                value = values[prop]
                if value is None and prop == OWNER:     # an owner not listed active: not compared
                    continue
                at, by_id, by_name, by_app = who.get((str(obj["id"]), prop)) or (_when(obj), None, "", True)
                yield PacValue(Target.ACTION, key, logical, value, at, by_id=by_id, by_name=by_name,
                               by_integration=by_app, crm_field=prop)

    def _task_value(self, prop: str, value: Any) -> Any:
        """A task property's value as pac compares it with what it writes: the due date ``hs_timestamp`` (an
        instant, ISO or epoch ms) as its day in the plan's timezone, ISO (pac writes noon of the action's last day
        there; a task an older pac wrote at noon UTC reads as the same day unless the plan is at UTC+12 or beyond,
        where that instant was already the next day: written once more); the owner as its e-mail (None: no active
        owner); any other as HubSpot gives it."""
        if value in (None, ""):
            return None
        if prop == "hs_timestamp":
            instant = parse_datetime(value)
            return instant.astimezone(self._plan_zone).date().isoformat() if instant is not None else value
        if prop == OWNER:
            return self._owner_emails().get(str(value))
        if prop in _TASK_DAYS:
            return _day_text(value)
        return value

    def remember_stored_lines(self, holders: LineHolders) -> None:
        """The store's lookup of the deals holding given line item ids (``_reread_deleted_lines``)."""
        self._line_holders = holders

    def remember_stored(self, stored: StoredRecords) -> None:
        """The store's live and lately retired records (``StoredRecords``): a company merge's children are followed
        while the merged ids are live there (``_pull_search``), a record left with no association at all keeps its
        stored company (``_companies``), a retired record its recycle bin no longer lists is read again
        (``_restored``)."""
        self._stored = stored
        self._several = None      # the engagements held on several companies: asked once a pull (``_reassociated``)

    def remember_written(self, written: Mapping[tuple[str, str], Any]) -> None:
        """What pac last wrote to this portal's PAC records (``(target, key) -> row with .fields``): a record whose
        editable values are all equal to it needs no property-history read (its values are pac's own)."""
        self._written = written

    def _who_changed(self, object_type: str, target: Target, found: list[dict[str, Any]],
                     editable: Mapping[str, str], computed: Mapping[str, str] | None = None
                     ) -> dict[tuple[str, str], tuple[datetime, str | None, str, bool]]:
        """(record id, property) -> (when, HubSpot user id, name, set by an app) from the property history
        (``propertiesWithHistory`` on a batch read, 50 records per call: ``reads.HISTORY_BATCH``): only for records
        whose editable values differ from what pac last wrote (all of them when that is unknown), or holding a
        ``computed`` value other than the one pac wrote back after finding it changed (``RESTORED``: drift repair
        tells an automation rewriting pac's value from a person by it). A change is a person's when its newest
        history entry names a user (``updatedByUserId``, e.g. ``sourceType`` ``CRM_UI``); pac's writes (and other
        apps' automation, workflows: ``AUTOMATION_PLATFORM``) carry no user."""
        written = self._written
        ids = []
        props = set(editable)
        for obj in found:
            p = obj.get("properties") or {}
            key = p.get(KEY)
            row = written.get((target.value, key)) if written is not None and key is not None else None
            restored = (row.fields.get(RESTORED) or {}) if row is not None else {}
            again = {prop for prop, logical in (computed or {}).items() if row is not None and logical in restored
                     and logical in row.fields and not same_value(p.get(prop), row.fields[logical])}
            props |= again
            if row is not None and not again and all(
                    same_value(p.get(prop), row.fields.get(EDIT_LOGICAL[edit]))
                    for prop, edit in editable.items() if EDIT_LOGICAL[edit] in row.fields):
                continue
            ids.append(str(obj["id"]))
        return self._history(object_type, ids, sorted(props))

    def _history(self, object_type: str, ids: Sequence[str], props: Sequence[str]
                 ) -> dict[tuple[str, str], tuple[datetime, str | None, str, bool]]:
        """(record id, property) -> (when, HubSpot user id, name, set by an app) from the newest property history
        entry of ``props`` of the records ``ids`` (``_who_changed``)."""
        out: dict[tuple[str, str], tuple[datetime, str | None, str, bool]] = {}
        if not ids:
            return out
        names = self._user_names()
        for obj in batch_read(self.transport, object_type, list(ids), [KEY], history=list(props)):
            for prop, entries in (obj.get("propertiesWithHistory") or {}).items():
                if not entries:
                    continue
                newest = max(entries, key=lambda e: parse_datetime(e.get("timestamp")) or _EPOCH)
                user = newest.get("updatedByUserId")
                if user in (None, "") and str(newest.get("sourceId") or "").startswith("userId:"):
                    user = str(newest["sourceId"]).split(":", 1)[1]
                at = parse_datetime(newest.get("timestamp")) or _when(obj)
                out[(str(obj["id"]), prop)] = (at, None if user in (None, "") else str(user),
                                               names.get(str(user), ""), user in (None, ""))
        return out

    def _user_names(self) -> dict[str, str]:
        """HubSpot user id -> name, from the owners, active and archived (each owner carries its ``userId``): a
        manager's edit made by a user deactivated since is still named. Kept from this run's owners pull, else read
        (two lists), cached."""
        if self._names is None:
            self._names = {str(o["userId"]): _owner_name(o) for archived in (False, True)
                           for o in self._owner_pages(archived=archived) if o.get("userId") is not None}
        return self._names

    # -- write, schema, usage -----------------------------------------------------------------------
    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        if not changes:
            return []
        writer = self._writer()
        if not writer.fallback and (writer.axis_type is None or writer.action_type is None):
            raise SchemaError("the PAC custom objects are missing in this portal: run `pac crm provision hubspot`")
        return writer.write(changes)

    def settle_links(self) -> list[LinkFailure] | None:
        """On a run that read every company (the first sync, every ``reconciliation_days``, ``pac sync --full``),
        once, after its writes: every axis record of the plan linked to exactly its companies and every action
        record to its axis (``settled_link_fields``), compared with what HubSpot holds, even when nothing was
        written (``associations``). None, and no call, on any other run."""
        if not self._accounts_full or self._links_settled or self.axis_targets is None:
            return None
        self._links_settled = True
        writer = self._writer()
        if writer.fallback or writer.axis_type is None:
            return None
        return writer.settle_all()

    def _writer(self) -> Writer:
        w = self.mapping.writeback
        fallback = self.fallback()
        self._links = self._links or Links(self.transport)
        return Writer(self.transport, fallback=fallback, owner_id=self.owner_id,
                      axis_type=None if fallback else self.object_type(w.axis_object),
                      action_type=None if fallback else self.object_type(w.action_object),
                      targets=self.axis_targets, cap=w.companies_per_axis, links=self._links, written=self._written,
                      task_states=self._task_states, axes_refused=self._axes_refused, records=self._pac_records,
                      zone=self._plan_zone, task_ids=self._task_ids, duplicates=self._duplicate_tasks)

    def note_plan_zone(self, timezone: str) -> None:
        """The plan's timezone, given by the pipeline before the pull and the write: a fallback task is due at noon
        of its action's last day there (``writeback.due_instant``), and its due date is read back as its day there
        (``_task_value``). Unknown to the portal: HubSpot keeps an instant and shows it in each user's zone."""
        self._plan_zone = ZoneInfo(timezone)

    def note_axis_targets(self, plan_id: str, companies: Mapping[str, Iterable[str]],
                          owners: Mapping[str, str] | None = None) -> None:
        """The targets in this portal (axis token -> company ids; ``owners``: token -> its plan, for plans sharing
        the portal), given by the pipeline before it writes: axes are linked to their companies under
        ``writeback.companies_per_axis`` (see ``associations``)."""
        self.axis_targets = AxisTargets(plan_id, {a: frozenset(str(c) for c in cs) for a, cs in companies.items()},
                                        dict(owners or {}))

    def keeps(self, target: Target) -> frozenset[str]:
        """The logical fields of this portal's PAC records and companies (of the extended fields, the axis's
        ``won_revenue``, ``baseline``, ``target`` and ``done``, the action's ``text``), less the properties the portal
        lacks (``lacking``: the objects gained properties since they were first provisioned)."""
        if target is Target.ACCOUNT:
            return frozenset(COMPANY_PROPS)
        lacking = self.lacking(target)
        if target is Target.ACTION and self.fallback():     # a retired action's task is closed and says so
            return (frozenset(k for k, p in TASK_PROPS.items() if p.name not in lacking) | frozenset(TASK_NATIVE)
                    | {REMOVED_LABEL})
        return frozenset(k for k, p in (ACTION_PROPS if target is Target.ACTION else AXIS_PROPS).items()
                         if p.name not in lacking)

    def lacking(self, target: Target) -> frozenset[str]:
        """The PAC properties of ``target``'s custom object the portal lacks: a portal provisioned by an older pac,
        before they existed. They are left out of the write-back, with a warning naming them and the command that
        creates them, so the rest is written. Read from the schemas list the run reads anyway (each schema lists
        its properties), else one properties call per object and run (none when the object is missing: the write
        says so). In fallback mode, the actions' tasks: from the tasks' properties the pull reads anyway (a portal
        whose tasks lack ``pac_plan`` would refuse every task write that names it; audit hsplanprops); no axis."""
        if target not in self._lacking:
            name, props = self._pac_object(target)
            missing: frozenset[str] = frozenset()
            known: set[str] | None = None
            if self.fallback():     # the tasks' properties (an axis has no task)
                known = self.property_names("tasks") if target is Target.ACTION else None
                known = known if known and KEY in known else None    # no PAC property at all: the write says so
            elif (type_id := self.object_type(name)) is not None:
                listed = ((self.custom_schemas() or {}).get(name) or {}).get("properties")
                known = {str(p.get("name")) for p in listed if isinstance(p, dict)} if isinstance(listed, list) \
                    else self.property_names(type_id)
            if known is not None:
                missing = frozenset(p.name for p in props.values() if p.name not in known)
                if missing:
                    log.warning(_lacking_text([(name, [p.name for p in props.values() if p.name in missing])]))
            self._lacking[target] = missing
        return self._lacking[target]

    def _pac_object(self, target: Target) -> tuple[str, Mapping[str, Prop]]:
        """The HubSpot object ``target``'s records are written to and the PAC properties pac writes there: the custom
        object and its properties, or in fallback mode the tasks and ``TASK_PROPS``."""
        w = self.mapping.writeback
        if self.fallback():
            return "tasks", TASK_PROPS
        if target is Target.AXIS:
            return w.axis_object, AXIS_PROPS
        return w.action_object, ACTION_PROPS

    def lacking_fields(self) -> str | None:
        """The properties ``lacking`` found missing this run, in the words of its warning, every object on one
        line (nothing asked of the portal: only what the run already found)."""
        found = [(name, [p.name for p in props.values() if p.name in missing])
                 for target, missing in sorted(self._lacking.items(), key=lambda kv: kv[0] is not Target.AXIS)
                 if missing for name, props in (self._pac_object(target),)]
        return _lacking_text(found) if found else None

    def _notice(self, text: str) -> None:
        """A warning about the portal as a whole: logged, and listed with the run (``notices``)."""
        log.warning("%s: %s", self.name, text)
        if text not in self._notices:
            self._notices.append(text)

    def notices(self) -> list[str]:
        """This run's warnings about the portal (the companies' property history or the product library not
        readable), each once, in order, for the run's summary and `pac status` (audit sfhand8: they reached the log
        alone). The properties the portal lacks are said by ``lacking_fields``, the tasks copied by ``copies_found``."""
        return list(self._notices)

    def copies_found(self) -> str | None:
        """The pac_keys several live tasks carried this run (fallback: a task copied by hand, two runs at once), with
        the copies' ids and what to do, on one line for the run's summary and ``pac status``; None when there were
        none (audit smallwords F3: they were only logged)."""
        if not self._duplicate_tasks:
            return None
        keys = sorted(self._duplicate_tasks)
        named = "; ".join(f"{key} (copies {', '.join(self._duplicate_tasks[key])})" for key in keys[:MAX_COPIES_NAMED])
        more = f"; and {len(keys) - MAX_COPIES_NAMED} more (this run's log names them)" \
            if len(keys) > MAX_COPIES_NAMED else ""
        return (f"HubSpot holds several live tasks with one pac_key: {named}{more}. pac reads and writes the lowest "
                "id of each and leaves the copies as they are (a rep's notes may be there): delete the extra copies in "
                "HubSpot")

    def account_fields(self) -> dict[str, str]:
        return self.mapping.account_fields()

    def online_notes(self, plan_values: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> list[str]:
        """What ``pac config check --online`` adds to a mapping found OK: the dropdowns plan scopes test, read as their
        labels, and the plans' scope values (``plan_values``) that are an option's internal value or no option; the
        portal's call outcomes the mapping does not map (each such call would be rejected every night)."""
        return label_notes(self.mapping, self, plan_values) + disposition_notes(self.mapping, self)

    def check_schema(self) -> list[SchemaIssue]:
        return provisioning.check(self)

    def provision_schema(self) -> list[str]:
        return provisioning.provision(self)

    def usage(self) -> ApiUsage:
        return self.transport.usage

    def secrets(self) -> list[str]:
        return self.transport.secrets()

    def close(self) -> None:
        self.transport.close()


_UNREAD = object()      # a history value no company reading holds (``_changes_of``)


def _extra_tasks(found: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """pac_key -> the ids of the tasks of ``found`` that carry it beside a lower id (as a number): a copy made by hand,
    two runs at once. pac's task is the lowest (``writeback.Writer._task_ids`` writes it): a stale copy's status is no
    manager's edit of the action. Only keys held by several tasks are in it."""
    ids: dict[str, list[str]] = {}
    for obj in found:
        key = (obj.get("properties") or {}).get(KEY)
        if key:
            ids.setdefault(str(key), []).append(str(obj["id"]))
    return {key: sorted(set(held), key=_numeric)[1:] for key, held in ids.items() if len(set(held)) > 1}


def _date_props(props: Mapping[str, Prop]) -> frozenset[str]:
    """The names of the ``date`` properties among ``props`` (a PAC record's days: window start and end, plan end)."""
    return frozenset(p.name for p in props.values() if p.type == "date")


_TASK_DAYS = _date_props(TASK_PROPS)


def _as_days(objects: Iterable[dict[str, Any]], days: frozenset[str]) -> list[dict[str, Any]]:
    """``objects`` (search results) with each of their ``days`` properties as the day pac writes (``_day_text``)."""
    out = []
    for obj in objects:
        p = obj.get("properties") or {}
        changed = {prop: day for prop in days if (value := p.get(prop)) not in (None, "")
                   and (day := _day_text(value)) != value}
        out.append({**obj, "properties": {**p, **changed}} if changed else obj)
    return out


def _day_text(value: Any) -> Any:
    """A ``date`` property's value as the day pac writes (``YYYY-MM-DD``), whichever form HubSpot answers it in: the
    day itself, its midnight UTC in epoch milliseconds ("May 1 2015 would be 1430438400000", HubSpot's FAQ on
    timestamps) or an ISO 8601 midnight-UTC instant. Compared as text with what pac wrote (drift repair, a manager's
    due date), the same day in another form was a change (audit hslimits F1). Empty or unreadable: as it is."""
    if value in (None, ""):
        return value
    day = parse_date(value)
    return day.isoformat() if day is not None else value


def _owner_name(owner: dict[str, Any]) -> str:
    return f"{owner.get('firstName') or ''} {owner.get('lastName') or ''}".strip()


def _deleted(record: Record | Rejected, obj: dict[str, Any], source: str) -> Record:
    """An archived record flagged deleted; one that cannot be normalised still comes back, bare, as deleted."""
    when = parse_datetime(obj.get("archivedAt")) or _when(obj)
    if isinstance(record, Account | Activity | Deal):
        return replace(record, deleted=True, modified_at=when)
    assert not isinstance(record, User), "owners come from the owners API, never from an archived list"
    return _bare_deleted(ObjectKind(record.object), obj["id"], source, when)


def _bare_deleted(kind: ObjectKind, record_id: str, source: str, when: datetime) -> Record:
    """A deleted record known by its id only (an archived record that cannot be normalised, an id merged away)."""
    if kind is ObjectKind.ACTIVITIES:
        return Activity(record_id, source, None, None, None, None, deleted=True, modified_at=when)
    if kind is ObjectKind.DEALS:
        return Deal(record_id, source, None, None, None, None, None, DealStage.OPEN, deleted=True, modified_at=when)
    assert kind is ObjectKind.ACCOUNTS, kind
    return Account(record_id, source, "", deleted=True, modified_at=when)


def _with_held(spec: HsObject, held: Mapping[str, Record], companies: Companies, lines: Lines
               ) -> tuple[Companies, Lines]:
    """``companies`` and ``lines`` read for a buffer's other records, with those the store holds for ``held``
    (``_held_at_stamp``): its company, what placed it there (``placed_by``), the other companies nothing told apart
    (``also_on``), a deal's lines, an engagement's contacts with no primary company (``contact_only``: kept with no
    account, its object and contacts, audit hsplanaware)."""
    if not held:
        return companies, lines
    of, placed, also = dict(companies.of), dict(companies.placed_by), dict(companies.also_on)
    only = dict(companies.contact_only)
    by_deal = dict(lines.lines)
    for i, record in held.items():
        if isinstance(record, Activity | Deal):
            of[i] = record.account_id
            if record.placed_by:
                placed[i] = record.placed_by
        if isinstance(record, Activity) and record.also_on:
            also[i] = record.also_on
        if isinstance(record, Activity | Deal) and _contact_only(record):
            what = record.crm_object or "" if isinstance(record, Activity) else "deal"
            only[i] = (what, ", ".join(b.split(":", 1)[1] for b in record.placed_by))
        if isinstance(record, Deal) and record.lines:
            by_deal[i] = record.lines
    return (Companies(of, only, spec.kind.value, placed, also), Lines(by_deal, lines.stamps))


def _buffered(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    buffer: list[dict[str, Any]] = []
    for item in items:
        buffer.append(item)
        if len(buffer) >= size:
            yield buffer
            buffer = []
    if buffer:
        yield buffer


FOLLOW = 2**62      # a merge winner followed whatever the watermark (``_note_merges``)


def _created_ms(obj: dict[str, Any]) -> int:
    """When the record was created (``createdAt``, else ``hs_createdate``), in ms; unknown: as late as can be, so a
    merge is never missed for want of it."""
    created = parse_datetime(obj.get("createdAt")) or parse_datetime((obj.get("properties") or {}).get("hs_createdate"))
    return to_ms(created) if created is not None else 2**62


def _when(obj: dict[str, Any]) -> datetime:
    stamp = _when_or_none(obj)
    assert stamp is not None
    return stamp


def _when_or_none(obj: dict[str, Any]) -> datetime | None:
    props = obj.get("properties") or {}
    return parse_datetime(props.get("hs_lastmodifieddate")) or parse_datetime(obj.get("updatedAt"))


def _keep_latest(stamps: dict[str, datetime], deal: str, stamp: datetime | None) -> None:
    """``stamps[deal]``: the latest of the line stamps seen for the deal."""
    if stamp is not None and (deal not in stamps or stamp > stamps[deal]):
        stamps[deal] = stamp


@dataclass(frozen=True)
class Lines:
    """Deals' line items read together: per deal its lines, and the latest change stamp among them."""

    lines: Mapping[str, tuple[DealLine, ...]]
    stamps: Mapping[str, datetime]

    def of(self, deal: str) -> tuple[DealLine, ...]:
        return self.lines.get(deal, ())

    def restamped(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The deal as read, stamped with its latest line's change when that is later than its own: a deal's
        stamp is when its figures last changed, lines included (what the watermark then passes)."""
        stamp = self.stamps.get(str(obj.get("id")))
        if stamp is None:
            return obj
        own = _when_or_none(obj)
        if own is not None and own >= stamp:
            return obj
        props = {**(obj.get("properties") or {}),
                 "hs_lastmodifieddate": stamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        return {**obj, "properties": props}


NO_LINES = Lines({}, {})


@dataclass
class _LinesRead:
    """Line items read so far, per deal, with the latest change stamp among each deal's (``_read_lines``)."""

    lines: dict[str, list[DealLine]] = field(default_factory=dict)
    stamps: dict[str, datetime] = field(default_factory=dict)

    def take(self, deals: Iterable[str]) -> Lines:
        """The lines of ``deals``, each deal's in product order, given up by this read."""
        wanted = list(deals)
        return Lines({deal: tuple(sorted(lines, key=lambda x: x.product)) for deal in wanted
                      if (lines := self.lines.pop(deal, None))},
                     {deal: stamp for deal in wanted if (stamp := self.stamps.pop(deal, None)) is not None})


@dataclass(frozen=True)
class Companies:
    """Records' companies read together (``HubSpotConnector._companies``): record id -> company, and the engagements
    and deals linked only to contacts that have no primary company, with the words the plans' rejection of them takes
    (``contact_only``: object and contacts; ``kind``: the records' object kind, as rejections name it)."""

    of: Mapping[str, str | None]
    contact_only: Mapping[str, tuple[str, str]] = field(default_factory=dict)   # id -> (object word, contacts)
    kind: str = ObjectKind.ACTIVITIES.value
    placed_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # what placed it through its contacts
    also_on: Mapping[str, tuple[str, ...]] = field(default_factory=dict)     # the other companies, nothing deciding

    def get(self, record_id: Any) -> str | None:
        return self.of.get(str(record_id))

    def checked(self, record: Record | Rejected | None, obj: dict[str, Any], source: str) -> Record | Rejected | None:
        """``record`` (a record already rejected keeps its own reason; None, no record, stays None). An engagement or
        a won deal linked to such contacts only is kept with no account, its contacts noted, for the plan to judge
        (audits hsplanaware, hsdealnocompany), and an open or lost deal brings no revenue (the engine sets aside only
        a won deal with no account): kept with no account, as a record with neither company nor contact.
        A record placed through its contacts carries what placed it (``placed_by``), one placed on one of several
        companies nothing told apart the others (``also_on``): the store keeps both."""
        i = str(obj["id"])
        by, others = self.placed_by.get(i, ()), self.also_on.get(i, ())
        if isinstance(record, Activity) and (by or others):
            record = replace(record, placed_by=by, also_on=others)
        elif isinstance(record, Deal) and by:
            record = replace(record, placed_by=by)
        only = self.contact_only.get(i)
        if only is None or record is None or isinstance(record, Rejected):
            return record
        if isinstance(record, Activity):
            # kept with no account, its object and contacts noted (``crm_object``, ``placed_by``): the engine's
            # plan-aware ``no_account`` rejects it only for a plan that could count it (its type counted by an action
            # naming its owner, near that action's window), worded ``contact_only`` as the connector rejected every
            # such engagement before (``HubSpotConnector.unplaced_rejection``, audit hsplanaware); one with no start
            # time is rejected for that first (audit hsundated)
            return replace(record, crm_object=only[0], placed_by=tuple(f"contact:{c}" for c in only[1].split(", ")))
        if isinstance(record, Deal) and record.stage is DealStage.WON:
            # kept with no account, its contacts noted (``placed_by``): the engine's plan-aware ``no_account`` rejects
            # it only for a plan that reads it (``revenue.DealReaders``: a segment's or axis's deal conditions and
            # days, dormancy's months), worded ``contact_only`` as the connector rejected every such deal before
            # (``HubSpotConnector.unplaced_rejection``, audit hsdealnocompany)
            return replace(record, placed_by=tuple(f"contact:{c}" for c in only[1].split(", ")))
        return record


NO_COMPANIES = Companies({})


def _contact_only(record: Activity | Deal) -> bool:
    """Whether ``record`` is an engagement or a won deal ``Companies.checked`` kept with no account because its
    contacts have no primary company: no account, placed by contacts only (an engagement's object noted)."""
    return (record.account_id is None and bool(record.placed_by)
            and (isinstance(record, Deal) or bool(record.crm_object))
            and all(b.startswith("contact:") for b in record.placed_by))


def _tie_break(candidates: Sequence[str], held: tuple[str, str] | None) -> tuple[str, str]:
    """Of several companies nothing tells apart (``candidates``, in numeric order), the one a record counts for and
    why, in a warning's words: the company pac's store holds it on, or the company that one was merged into
    (``held``: the stored company, that company now), when among them; else the smallest id. A merge makes a new
    company with a new, larger id: by the smallest id alone, a record on the merged company and another would move
    to the other one (audit hsengage F1)."""
    if held is not None:
        stored, now = held
        if now in candidates and now != candidates[0]:
            return now, ("where pac counted it before" if now == stored else
                         f"where pac counted it before ({stored}, since merged into {now})")
    return candidates[0], "the smallest id"


def _basis(companies: Iterable[dict[str, Any]], contacts: Iterable[str]) -> tuple[str, ...]:
    """What placed a record through its contacts (``Activity.placed_by``): its own companies then its contacts, each
    in numeric order (``"company:10001"``, ``"contact:7001"``)."""
    return (*(f"company:{c}" for c in sorted({str(to["toObjectId"]) for to in companies}, key=_numeric)),
            *(f"contact:{c}" for c in sorted({str(c) for c in contacts}, key=_numeric)))


def _numeric(record_id: str) -> tuple[int, str]:
    """HubSpot ids in numeric order (the smallest id first), any other text after them."""
    return (int(record_id), "") if record_id.isdigit() else (2**63, record_id)


def build(name: str, mapping_path: str | Path | None, env: Mapping[str, str], *, prefix: str = "PAC_HS_",
          max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> HubSpotConnector:
    """A connector from the mapping file and ``{prefix}*`` environment variables.

    ``ACCESS_TOKEN`` (a private app) or ``CLIENT_ID`` + ``CLIENT_SECRET`` + ``REFRESH_TOKEN`` (OAuth);
    ``HOST`` (default https://api.hubapi.com; https only), ``CA_BUNDLE``, ``SEARCH_PER_SECOND`` (default 4).
    A missing or unusable variable raises ``CredentialsMissing`` naming it (never a value): exit 2.
    """
    connector = connect(name, load_mapping(mapping_path), env, prefix=prefix, max_daily_share=max_daily_share,
                        policy=policy)
    connector.mapping_path = Path(mapping_path) if mapping_path else default_mapping_path()
    return connector


def connect(name: str, mapping: HubSpotMapping, env: Mapping[str, str], *, prefix: str = "PAC_HS_",
            max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> HubSpotConnector:
    """A connector from a mapping already loaded and checked (``mapping.parse_mapping``: ``pac config check``
    parses the file once) and ``{prefix}*`` environment variables, as ``build`` reads them."""
    token = env.get(f"{prefix}ACCESS_TOKEN", "").strip()
    oauth = None
    if not token:
        names = [f"{prefix}CLIENT_ID", f"{prefix}CLIENT_SECRET", f"{prefix}REFRESH_TOKEN"]
        missing = [n for n in names if not env.get(n, "").strip()]
        if len(missing) == len(names):
            # set but empty (a unit's ``Environment=NAME=``) is said so (audit ops)
            what = (f"{prefix}ACCESS_TOKEN is set but empty, and the OAuth variables are not set"
                    if f"{prefix}ACCESS_TOKEN" in env
                    else f"neither {prefix}ACCESS_TOKEN nor the OAuth variables are set")
            raise CredentialsMissing(f"no HubSpot credentials: {what}", f"set {prefix}ACCESS_TOKEN (private app) or "
                                     f"{', '.join(names)} (OAuth), {WHERE_CREDENTIALS}", name)
        if missing:
            them = "it" if len(missing) == 1 else "them"
            raise CredentialsMissing(f"HubSpot OAuth also needs {', '.join(missing)}",
                                     f"set {them} {WHERE_CREDENTIALS}", name)
        oauth = OAuthCredentials(*(env[n].strip() for n in names))
    ca_bundle = env.get(f"{prefix}CA_BUNDLE") or None
    if ca_bundle and not Path(ca_bundle).is_file():
        raise CredentialsMissing(f"{prefix}CA_BUNDLE names no readable file",
                                 "set it to the path of a PEM bundle, or unset it", name)
    try:
        search_rate = float(env.get(f"{prefix}SEARCH_PER_SECOND") or DEFAULT_SEARCH_PER_SECOND)
    except ValueError:
        raise CredentialsMissing(f"{prefix}SEARCH_PER_SECOND must be a number",
                                 f"set it to the searches per second, e.g. {DEFAULT_SEARCH_PER_SECOND}", name) from None
    host = (env.get(f"{prefix}HOST") or "").strip() or DEFAULT_HOST
    if urlsplit(host).scheme.lower() != "https" or not urlsplit(host).hostname:
        # every call carries the token (the refresh, the client secret and refresh token): never over plain HTTP
        raise CredentialsMissing(f"{prefix}HOST is not an https:// URL: pac would send the HubSpot credentials "
                                 "unencrypted", f"unset it (the default is {DEFAULT_HOST}) or set it to the https:// "
                                 "URL of your proxy", name)
    refuse_host_password(f"{prefix}HOST", host, f"{DEFAULT_HOST} (the default)", name)
    limiter = RateLimiter(max_daily_share=max_daily_share, search_per_second=search_rate)
    transport = HubSpotTransport(host=host, access_token=token or None,
                                 oauth=oauth, ca_bundle=ca_bundle, policy=policy, limiter=limiter,
                                 prefix=prefix)
    return HubSpotConnector(name, mapping, transport)
