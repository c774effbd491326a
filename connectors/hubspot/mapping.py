"""The HubSpot field mapping (``config/mappings/hubspot.default.yaml``): typed, validated, located.

What ops staff decide here: which engagements are visit reports (meetings of given activity types
or outcomes, calls of given dispositions), which company properties carry postal code, industry,
type and revenue, which deal pipelines count, and how PAC results are written back. Which deal
stages mean *won* is never written here: it comes from the pipelines API (``metadata.isClosed``
and ``metadata.probability`` == 1.0; with no ``isClosed``, the probability alone: ``normalise.stage_of``).
``stage_overrides`` may only re-classify real stage ids of the pipeline they are listed under; a stage id from
another pipeline is reported.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from connectors.base import FAMILY_ASIDE, Connector, MappingRefused, SchemaIssue, label_warnings
from connectors.hubspot.schema import COMPANY_PROPS
from pac_config.loader import (
    MAX_MAPPING_TEXT,
    Document,
    config_dir,
    load_or_raise,
    load_yaml,
    locate,
    problems_in,
)
from pac_core.errors import InvalidInput, Problem
from pac_core.plan import ActivityType
from pac_core.records import ActivityStatus, DealStage
from pac_core.text import closest, fold_value


class PortalFacts(Protocol):
    """What the online mapping check needs of a connector: the portal's property definitions (name -> the
    properties API's definition: ``label``, ``type``, ``options`` with ``value`` and ``label``) and deal pipelines."""

    def property_definitions(self, object_type: str) -> Mapping[str, Mapping[str, Any]]: ...

    def deal_pipelines(self) -> Mapping[str, Any]: ...

    def check_schema(self) -> list[SchemaIssue]: ...


DEFAULT_MAPPING = "mappings/hubspot.default.yaml"
# HubSpot's "Merged [record] IDs" property of companies and deals ("id1;id2"): the records merged into this one, gone
# from search without being archived (knowledge base, "Merge records", https://knowledge.hubspot.com/deals/merge-deals;
# developer changelog, "Updated merge functionality for contacts and companies"). Engagements cannot be merged.
MERGED_IDS = "hs_merged_object_ids"

# A line item's own amount, "Net price": price x quantity - discount, one billing period of a recurring line; what a
# line counts when its ``deals.line_amount`` property is empty
LINE_AMOUNT_FALLBACK = "amount"
# A line item's total contract value, HubSpot's calculated ``hs_tcv`` (the shipped ``deals.line_amount``), and the two
# default line item properties it is calculated from, read with every line item (never strictly: a portal defines
# them, an answer may leave them out): the billing frequency (one-time when empty) and the *Term*, an ISO 8601
# duration ("P12M": "if a monthly line item has 12 fixed payments, the value would be 12", knowledge base,
# "HubSpot's default line item properties"). A recurring line with no ``hs_tcv`` counts its ``amount`` (one billing
# period) times the periods of its term (``normalise.contract_value``), docs/hubspot.md, "Recurring line items".
LINE_TCV = "hs_tcv"
LINE_FREQUENCY = "recurringbillingfrequency"
LINE_TERM = "hs_recurring_billing_period"
LINE_TERM_MONTHS = "hs_term_in_months"     # the term in months, for a line whose term is not written
# What a line item's ``amount`` ("Net price") is calculated from, read (never strictly) for a line HubSpot gave no
# amount (created through the API with price and quantity only, imported): the unit price, the unit discount (an
# amount off each unit) and the discount percentage (``normalise.net_price``)
LINE_PRICE = "price"
LINE_UNIT_DISCOUNT = "discount"
LINE_DISCOUNT_PERCENTAGE = "hs_discount_percentage"
LINE_PRICING = (LINE_FREQUENCY, LINE_TERM, LINE_TERM_MONTHS, LINE_PRICE, LINE_UNIT_DISCOUNT, LINE_DISCOUNT_PERCENTAGE)
# A line item's own currency (the default line item property *Currency*), read (never strictly) with every line item:
# the line items API takes any currency the portal has there ("Provided line item currency CAD is not supported by
# portal" is its refusal, developer changelog, *New Currency Validation for Line Items API*), so a line created
# through the API may be priced in another currency than its deal; it is converted into its deal's currency with
# the deal's own HubSpot rates when they know both (``normalise.in_deal_currency``, docs/hubspot.md)
LINE_CURRENCY = "hs_line_item_currency_code"
# The product library item a line item was made from (default line item property ``hs_product_id``), read (never
# strictly) with every line item; the items themselves are read by id (``/crm/v3/objects/products``, 100 a call) for
# their current ``name`` and ``hs_sku``, only for the line items a run reads (``HubSpotConnector._library``)
LINE_PRODUCT_ID = "hs_product_id"
PRODUCT_PROPS = ("hs_sku", "name")

# HubSpot's default call dispositions (GUIDs are the same in every portal).
CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
LEFT_LIVE_MESSAGE = "a4c4c377-d246-4b32-a13b-75a56a4cd0ff"
LEFT_VOICEMAIL = "b2cf5968-551e-4856-9783-52b3da59a7d0"
NO_ANSWER = "73a0d17f-1163-4015-bdd5-ec830791da20"
BUSY = "9d9162e7-6cf3-4944-bf63-4dff82258764"
WRONG_NUMBER = "17b47fee-58de-441e-a44c-c6300d46f273"
DEFAULT_DISPOSITIONS = frozenset({CONNECTED, LEFT_LIVE_MESSAGE, LEFT_VOICEMAIL, NO_ANSWER, BUSY, WRONG_NUMBER})
# HubSpot's documented values, accepted by the online check even where a portal's property lists fewer options:
# hs_meeting_outcome (Meetings guide: scheduled, completed, rescheduled, no show, canceled) and hs_call_status (the
# Calls guide's ten, and HOLD, MISSED, UNKNOWN of the calling extensions' inbound calls: see ``CallMap``)
MEETING_OUTCOMES = frozenset({"SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"})
CALL_STATUSES = frozenset({"BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "IN_PROGRESS",
                           "NO_ANSWER", "QUEUED", "RINGING", "HOLD", "MISSED", "UNKNOWN"})
# hs_call_direction (Calls guide: "the direction of the call from the perspective of the HubSpot user": INBOUND when
# the user received the call, OUTBOUND when the user made it)
CALL_DIRECTIONS = frozenset({"INBOUND", "OUTBOUND"})
# hs_email_direction and hs_email_status as HubSpot's Emails guide lists them
EMAIL_DIRECTIONS = frozenset({"EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL"})
EMAIL_STATUSES = frozenset({"BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT"})
# hs_task_status: the Tasks guide names COMPLETED and NOT_STARTED and shows WAITING in its example
# (https://developers.hubspot.com/docs/api/crm/tasks); the property's options add IN_PROGRESS and DEFERRED
TASK_STATUSES = frozenset({"COMPLETED", "NOT_STARTED", "IN_PROGRESS", "WAITING", "DEFERRED"})
# hs_task_type as the Tasks guide lists them ("EMAIL, CALL, or TODO"); a portal's options may offer more (the
# LinkedIn Sales Navigator types LINKED_IN_CONNECT, LINKED_IN_MESSAGE): the online check reads them from the portal
TASK_TYPES = frozenset({"CALL", "EMAIL", "TODO"})


_WORD = re.compile(r"[^\W_]+")


def subject_words(text: str) -> str:
    """A task subject or subject keyword as its words, case, accents and punctuation aside ("Relance de devis -
    Dupont" -> "relance de devis dupont"): how ``activities.tasks.subjects`` keywords are matched."""
    return " ".join(_WORD.findall(fold_value(text)))


# The field types of an enumeration whose values pac reads as their option labels (``HubSpotMapping.labelled``):
# a dropdown (select), radio buttons, multiple checkboxes ("a;b"). A single checkbox (booleancheckbox) keeps
# its true / false, which plan scopes test with ``is``.
LABELLED_FIELD_TYPES = frozenset({"select", "radio", "checkbox"})


class _Model(BaseModel):
    # str_max_length: a field name, a type or stage label longer than that is a pasting slip (the limit is said)
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_MAPPING_TEXT)


class CompanyMap(_Model):
    """Company properties read into ``Account``; ``None`` means the portal has no such property."""

    name: str = "name"
    postal_code: str | None = "zip"
    country: str | None = "country"
    industry: str | None = "industry"
    account_type: str | None = "type"
    annual_revenue: str | None = "annualrevenue"
    owner: str = "hubspot_owner_id"
    dormant: str | None = None                     # a single checkbox property (type bool), when the portal keeps one
    default_country: str | None = "FR"             # postal codes of companies with no country
    custom: dict[str, str] = Field(default_factory=dict)   # logical name -> property


class MeetingMap(_Model):
    """Meetings: ``types`` maps ``hs_activity_type`` values (the portal's "call and meeting types").

    A meeting is dated by ``hs_timestamp``: HubSpot's Meetings guide (https://developers.hubspot.com/docs/api/crm/
    meetings), "Required. This field marks the date and time that the meeting occurred ... When the property value is
    missing, the value will default to hs_meeting_start_time", and the record timeline and activity reports place
    the meeting on it. ``hs_meeting_start_time`` (``fallback_start``) only when it is empty."""

    enabled: bool = True
    start: str = "hs_timestamp"
    fallback_start: str = "hs_meeting_start_time"
    title: str = "hs_meeting_title"
    owner: str = "hubspot_owner_id"
    type_property: str = "hs_activity_type"
    types: dict[str, ActivityType] = Field(default_factory=lambda: {
        "Visite client": ActivityType.VISIT, "Customer visit": ActivityType.VISIT, "Visit": ActivityType.VISIT,
        "Démonstration": ActivityType.DEMO, "Demo": ActivityType.DEMO})
    default_type: ActivityType | None = ActivityType.MEETING   # unmapped or empty type
    outcome: str = "hs_meeting_outcome"
    outcomes: dict[str, ActivityStatus] = Field(default_factory=lambda: {
        "COMPLETED": ActivityStatus.COMPLETED, "SCHEDULED": ActivityStatus.PLANNED,
        "RESCHEDULED": ActivityStatus.PLANNED, "NO_SHOW": ActivityStatus.NO_SHOW,
        "CANCELED": ActivityStatus.CANCELLED})
    no_outcome: ActivityStatus = ActivityStatus.COMPLETED      # a logged meeting with no outcome


class CallMap(_Model):
    """Calls: ``dispositions`` maps ``hs_call_disposition`` values to a status: the options' GUIDs, as calls hold
    them, never their labels ("Connected")."""

    enabled: bool = True
    start: str = "hs_timestamp"
    title: str = "hs_call_title"
    owner: str = "hubspot_owner_id"
    type: ActivityType = ActivityType.CALL
    disposition: str = "hs_call_disposition"
    dispositions: dict[str, ActivityStatus] = Field(default_factory=lambda: {
        # a voicemail left is a call the rep made (Salesforce counts every logged call): audit matching F6
        CONNECTED: ActivityStatus.COMPLETED, LEFT_LIVE_MESSAGE: ActivityStatus.COMPLETED,
        LEFT_VOICEMAIL: ActivityStatus.COMPLETED, NO_ANSWER: ActivityStatus.NO_SHOW,
        BUSY: ActivityStatus.NO_SHOW, WRONG_NUMBER: ActivityStatus.CANCELLED})
    no_disposition: ActivityStatus = ActivityStatus.COMPLETED
    # ``hs_call_status``: a status listed under ``statuses`` wins over the disposition; one listed under
    # ``disposition_statuses`` (and an empty one) leaves the call to its disposition; any other value rejects the
    # call (reported, never counted: a missed call must not pass for a completed one, as it did when MISSED was
    # not listed and the disposition was empty). The documented values: the Calls guide ("The statuses are BUSY,
    # CALLING_CRM_USER, CANCELED, COMPLETED, CONNECTING, FAILED, IN_PROGRESS, NO_ANSWER, QUEUED, and RINGING";
    # a call with a voicemail has status "missed", https://developers.hubspot.com/docs/guides/api/crm/engagements/
    # calls) and the calling extensions' inbound calls (``finalCallStatus``: the same plus HOLD, MISSED and
    # UNKNOWN, https://developers.hubspot.com/docs/api-reference/latest/crm/extensions/calling-extensions/inbound/
    # create-inbound-call). Values are compared upper-cased.
    status_property: str | None = "hs_call_status"
    statuses: dict[str, ActivityStatus] = Field(default_factory=lambda: {
        "CANCELED": ActivityStatus.CANCELLED,       # the call was called off: it did not happen
        "NO_ANSWER": ActivityStatus.NO_SHOW, "BUSY": ActivityStatus.NO_SHOW, "FAILED": ActivityStatus.NO_SHOW,
        "MISSED": ActivityStatus.NO_SHOW,           # an inbound call nobody answered (voicemail or not)
        "UNKNOWN": ActivityStatus.NO_SHOW,          # the calling app could not tell that anyone spoke: not held
        "QUEUED": ActivityStatus.PLANNED, "RINGING": ActivityStatus.PLANNED,   # still under way: a later status
        "CONNECTING": ActivityStatus.PLANNED, "IN_PROGRESS": ActivityStatus.PLANNED,   # change re-reads the call
        "CALLING_CRM_USER": ActivityStatus.PLANNED, "HOLD": ActivityStatus.PLANNED})
    disposition_statuses: list[str] = Field(default_factory=lambda: ["COMPLETED"])   # the call outcome says
    # ``hs_call_direction``: a call whose direction is set and not listed under ``count_directions`` is read with no
    # type (counted for no action; ``pac explain`` lists it as "unknown type"): by default a client's call to the rep
    # (INBOUND) is not the rep's own calling effort. A call with no direction (logged by hand, or by an app that
    # does not set it) counts. ``direction_property: null``: every call counts. Values are compared upper-cased.
    direction_property: str | None = "hs_call_direction"
    count_directions: list[str] = Field(default_factory=lambda: ["OUTBOUND"])


class EmailMap(_Model):
    """E-mail engagements (``/crm/v3/objects/emails``), read as ``type`` (``email``) when ``enabled``: off by default,
    since many portals log thousands of e-mails a month and reading them costs search calls. HubSpot's Emails guide
    (https://developers.hubspot.com/docs/api-reference/crm-emails-v3/guide): ``hs_timestamp`` places the e-mail on
    the timeline, ``hubspot_owner_id`` is its creator, ``hs_email_direction`` is EMAIL (sent from the CRM, or sent and
    logged with the BCC address), INCOMING_EMAIL (a reply to a logged e-mail) or FORWARDED_EMAIL, and
    ``hs_email_status`` BOUNCED, FAILED, SCHEDULED, SENDING or SENT. Only the directions under ``count_directions``
    are read (a search filter: the others cost nothing); a status listed under ``statuses`` gives the e-mail's status,
    an empty one ``no_status``, any other rejects the e-mail (reported, never counted)."""

    enabled: bool = False
    start: str = "hs_timestamp"
    title: str = "hs_email_subject"
    owner: str = "hubspot_owner_id"
    type: ActivityType = ActivityType.EMAIL
    direction_property: str | None = "hs_email_direction"
    count_directions: list[str] = Field(default_factory=lambda: ["EMAIL"])
    status_property: str | None = "hs_email_status"
    statuses: dict[str, ActivityStatus] = Field(default_factory=lambda: {
        "SENT": ActivityStatus.COMPLETED, "SCHEDULED": ActivityStatus.PLANNED, "SENDING": ActivityStatus.PLANNED,
        "BOUNCED": ActivityStatus.CANCELLED, "FAILED": ActivityStatus.CANCELLED})   # never delivered
    no_status: ActivityStatus = ActivityStatus.COMPLETED        # an e-mail logged with no send status was sent


class TaskMap(_Model):
    """HubSpot tasks (``/crm/v3/objects/tasks``) read as activities when ``enabled``: off by default (a portal's to-dos
    are many, and most are no visit report). HubSpot's Tasks guide (https://developers.hubspot.com/docs/api/crm/tasks):
    ``hs_timestamp`` is the task's **due date** (required), ``hubspot_owner_id`` the user it is assigned to,
    ``hs_task_subject`` its title, ``hs_task_status`` COMPLETED or NOT_STARTED (the property also offers IN_PROGRESS,
    WAITING and DEFERRED), ``hs_task_type`` EMAIL, CALL or TODO (a portal may offer more).

    * **Date**: the due date, as Salesforce Tasks are dated by their ``ActivityDate`` (the date the rep gave, what
      both CRMs' task views and reports show); ``fallback_start`` (``hs_task_completion_date``, when HubSpot saw the
      task completed) only when it has none. A portal whose reps leave stale due dates may swap the two. A completed
      task is dated no later than ``completed_at`` (``hs_task_completion_date``): one ticked before its due date
      happened then (as a Salesforce Task's ``CompletedDateTime``); None keeps every task on ``start``.
    * **Type**: the first keyword of ``subjects`` the subject contains (case, accents and punctuation aside: "Relance
      de devis Dupont" holds "Relance de devis") wins; else ``types`` by ``hs_task_type`` (compared upper-cased);
      else ``default_type`` (None: the task is read with no type, counted for no action).
    * **Status**: ``statuses`` (compared upper-cased): COMPLETED counts, the others are planned (not done); an
      empty status is ``no_status``; any other value rejects the task (reported, never counted).
    * pac's own tasks (the fallback write-back's, one per action, carrying ``pac_key``) are never read."""

    enabled: bool = False
    start: str = "hs_timestamp"
    fallback_start: str | None = "hs_task_completion_date"
    completed_at: str | None = "hs_task_completion_date"     # a completed task counts no later than this instant
    title: str = "hs_task_subject"
    owner: str = "hubspot_owner_id"
    type_property: str | None = "hs_task_type"
    # hs_task_type -> pac type. None by default: a CALL or EMAIL task is usually worked by calling or e-mailing from
    # HubSpot, which logs a call or e-mail of its own that already counts; list them for a team that logs its calls
    # and e-mails only as completed tasks
    types: dict[str, ActivityType] = Field(default_factory=dict)
    subjects: dict[str, ActivityType] = Field(default_factory=lambda: {
        "Relance devis": ActivityType.QUOTE_FOLLOW_UP, "Relance de devis": ActivityType.QUOTE_FOLLOW_UP,
        "Quote follow-up": ActivityType.QUOTE_FOLLOW_UP})
    default_type: ActivityType | None = None
    status_property: str = "hs_task_status"
    statuses: dict[str, ActivityStatus] = Field(default_factory=lambda: {
        "COMPLETED": ActivityStatus.COMPLETED, "NOT_STARTED": ActivityStatus.PLANNED,
        "IN_PROGRESS": ActivityStatus.PLANNED, "WAITING": ActivityStatus.PLANNED, "DEFERRED": ActivityStatus.PLANNED})
    no_status: ActivityStatus = ActivityStatus.PLANNED       # a task nobody marked completed is not done

    def read_types(self) -> frozenset[ActivityType]:
        """The types a task can be read as: those of ``subjects``, ``types`` and ``default_type``."""
        return frozenset({*self.subjects.values(), *self.types.values(),
                          *((self.default_type,) if self.default_type else ())})


class ActivityMap(_Model):
    meetings: MeetingMap = MeetingMap()
    calls: CallMap = CallMap()
    emails: EmailMap = EmailMap()
    tasks: TaskMap = TaskMap()
    company_choice: Literal["primary_then_first"] = "primary_then_first"


class DealMap(_Model):
    name: str = "dealname"
    amount: str = "amount"
    currency: str | None = "deal_currency_code"
    default_currency: str | None = None          # deals without a currency code (the portal's currency)
    # the portal's company currency (None: ``default_currency``): a deal in another currency is taken in it, with
    # HubSpot's own converted amount (``connectors.hubspot.currency``); None for both: deals keep their currency
    home_currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    amount_in_home_currency: str | None = "amount_in_home_currency"   # "Amount in company currency" (calculated)
    close_date: str = "closedate"
    stage: str = "dealstage"
    pipeline: str = "pipeline"
    owner: str = "hubspot_owner_id"
    pipelines: list[str] | None = None           # pipeline ids to read; None: every deal pipeline
    stage_overrides: dict[str, dict[str, DealStage]] = Field(default_factory=dict)  # pipeline -> stage -> won/lost/open
    line_items: bool = True
    # the line item property a line counts on product axes: the one that adds up to the deal amount the portal uses.
    # A line's ``amount`` ("Net price") is ONE billing period of a recurring line (price x quantity - discount); the
    # deal amount is, by the portal's "Default deal amount" setting (Settings > Objects > Deals), the lines' total
    # contract value (TCV, the setting's default: recurring revenue over the term and one-time charges), ACV, ARR or
    # MRR, which HubSpot also calculates per line: hs_tcv, hs_acv, hs_arr, hs_mrr. A line with the property empty
    # counts its ``amount`` (a one-time line's TCV and ACV are its amount anyway).
    line_amount: str = LINE_TCV
    product: str = "hs_sku"                       # line item property naming the product
    product_fallback: str = "name"
    # what product scopes match (product, product_code, product_family) on a line item
    line_code: str | None = "hs_sku"
    line_family: str | None = None                # a line item property holding the product family, if any
    line_name: str | None = "name"
    # with line_items false: a deal property naming the deal's product line (its whole amount is that line)
    product_property: str | None = None


class WritebackMap(_Model):
    """Where PAC results go. ``auto``: custom objects when the schemas API allows them, else fallback."""

    mode: Literal["auto", "custom_objects", "fallback"] = "auto"
    group: str = "pac"
    group_label: str = "PAC"
    axis_object: str = "pac_axis"
    action_object: str = "pac_action"
    key_property: str = "pac_key"
    accounts: bool = True       # write pac_axes / pac_target on companies (the axes targeting each company)
    # an axis is linked to the companies it targets while they are at most this many (0: never linked)
    companies_per_axis: int = Field(1_000, ge=0, le=10_000)


class HubSpotMapping(_Model):
    crm: Literal["hubspot"] = "hubspot"
    overlap_minutes: int = Field(10, ge=0, le=1440)
    companies: CompanyMap = CompanyMap()
    activities: ActivityMap = ActivityMap()
    deals: DealMap = DealMap()
    writeback: WritebackMap = WritebackMap()

    def account_fields(self) -> dict[str, str]:
        """Logical account field (``axes``, ``target``) -> the company property the write-back fills
        (the PAC group's properties); empty when ``writeback.accounts`` is false."""
        if not self.writeback.accounts:
            return {}
        return {name: COMPANY_PROPS[name].name for name in ("axes", "target")}

    def activity_types(self) -> frozenset[ActivityType]:
        """The activity types this mapping can read records as (the plan check warns of an action counting
        another): the meeting types and ``default_type`` of enabled meetings, the type of enabled calls."""
        m, c, e, t = self.activities.meetings, self.activities.calls, self.activities.emails, self.activities.tasks
        types = {*m.types.values(), *((m.default_type,) if m.default_type else ())} if m.enabled else set()
        return frozenset(types | ({c.type} if c.enabled else set()) | ({e.type} if e.enabled else set())
                         | (t.read_types() if t.enabled else set()))

    def activity_type_fix(self, kind: ActivityType, lang: str = "en") -> str:
        """How to make this mapping read records of ``kind`` (the plan check's advice), in ``lang`` (``fr``, else
        English: ``pac sync --lang fr`` words the warning that quotes it)."""
        fr = lang == "fr"
        if kind is self.activities.emails.type:
            return ("mettez activities.emails.enabled: true dans son mapping pour lire les e-mails HubSpot (sur "
                    "option : cela coûte des appels de recherche, docs/hubspot.md §2)" if fr else
                    "set activities.emails.enabled: true in its mapping to read HubSpot e-mails (opt-in: it costs "
                    "search calls, docs/hubspot.md §2)")
        if kind is self.activities.calls.type and not self.activities.calls.enabled:
            return "activez activities.calls dans son mapping" if fr else "enable activities.calls in its mapping"
        t = self.activities.tasks
        titled = ", ".join(repr(k) for k, v in t.subjects.items() if v is kind)
        if not t.enabled and fr:
            tasks = "mettez activities.tasks.enabled: true pour lire les tâches HubSpot (sur option)" + (
                f" : ses sujets se lisent déjà comme des tâches {kind.value} intitulées {titled}"
                if kind in t.subjects.values() else
                " et associez-lui un type de tâche ou un mot-clé de sujet (activities.tasks.types ou subjects)")
        elif not t.enabled:
            tasks = "set activities.tasks.enabled: true to read HubSpot tasks (opt-in)" + (
                f": its subjects already read as {kind.value} tasks titled {titled}" if kind in t.subjects.values()
                else " and map a task type or subject keyword to it (activities.tasks.types or subjects)")
        elif fr:
            tasks = (f"associez un type de tâche ou un mot-clé de sujet à {kind.value} (activities.tasks.types ou "
                     "subjects)")
        else:
            tasks = f"map a task type or subject keyword to {kind.value} (activities.tasks.types or subjects)"
        if fr:
            return (f"listez le type de réunion du portail pour elle sous activities.meetings.types (p. ex. 'Relance "
                    f"devis: {kind.value}'), ou {tasks}, dans son mapping (docs/hubspot.md §2)")
        return (f"list the portal's meeting type for it under activities.meetings.types (e.g. 'Relance devis: "
                f"{kind.value}'), or {tasks}, in its mapping (docs/hubspot.md §2)")

    def labelled(self) -> dict[str, str]:
        """Mapping key -> company property whose enumeration values are read as their option labels: the properties
        plan scopes test (industry, type, custom). A dropdown stores an internal value (``PHARMACEUTICALS``, ``agro``)
        while HubSpot shows, and plan authors write, its label (« Pharmaceutique », « Agroalimentaire »)."""
        c = self.companies
        keyed = [("companies.industry", c.industry), ("companies.account_type", c.account_type),
                 *((f"companies.custom.{name}", prop) for name, prop in c.custom.items())]
        return {key: prop for key, prop in keyed if prop}

    def read_properties(self) -> dict[str, list[str]]:
        """Object type -> the only properties a pull asks for (HubSpot answers 414 when asked for all)."""
        return {obj: sorted({prop for _, prop in keyed}) for obj, keyed in self.read_property_keys().items()}

    def read_property_keys(self) -> dict[str, list[tuple[str, str]]]:
        """Object type -> (mapping key path, property) for every property a pull reads, e.g.
        ``("companies.postal_code", "zip")``; properties the mapping does not name (``hs_lastmodifieddate``,
        line item ``quantity``) carry the path of their section, so a problem still points into the file."""
        c, m, k, d = self.companies, self.activities.meetings, self.activities.calls, self.deals

        def keyed(section: str, model: BaseModel, names: tuple[str, ...]) -> list[tuple[str, str]]:
            return [(f"{section}.{name}", getattr(model, name)) for name in names]

        companies = [*keyed("companies", c, ("name", "postal_code", "country", "industry", "account_type",
                                             "annual_revenue", "owner", "dormant")),
                     *((f"companies.custom.{name}", prop) for name, prop in c.custom.items())]
        meetings = keyed("activities.meetings", m, ("start", "fallback_start", "title", "owner", "type_property",
                                                    "outcome"))
        calls = keyed("activities.calls", k, ("start", "title", "owner", "disposition", "status_property",
                                              "direction_property"))
        e = self.activities.emails
        emails = keyed("activities.emails", e, ("start", "title", "owner", "direction_property", "status_property"))
        t = self.activities.tasks
        tasks = keyed("activities.tasks", t, ("start", "fallback_start", "completed_at", "title", "owner",
                                              "type_property", "status_property"))
        deals = keyed("deals", d, ("name", "amount", "currency", "amount_in_home_currency", "close_date", "stage",
                                   "pipeline", "owner", *(() if d.line_items else ("product_property",))))
        lines = [*keyed("deals", d, ("product", "product_fallback", "line_code", "line_family", "line_name",
                                     "line_amount")),
                 ("deals.line_items", "quantity"), ("deals.line_items", LINE_AMOUNT_FALLBACK)]
        # hs_merged_object_ids: the ids merged into a company or deal, retired as deleted (``HsObject.merges``)
        companies.append(("companies", MERGED_IDS))
        deals.append(("deals", MERGED_IDS))
        # createdate: when the deal entered the pipeline (``pipeline_created``), asked for by name rather than left
        # to the answer's top-level ``createdAt``, which the deal falls back on
        deals.append(("deals", "createdate"))
        sections = {"companies": ("companies", companies),
                    "meetings": ("activities.meetings", meetings if m.enabled else []),
                    "calls": ("activities.calls", calls if k.enabled else []),
                    "emails": ("activities.emails", emails if e.enabled else []),
                    "tasks": ("activities.tasks", tasks if t.enabled else []),
                    "deals": ("deals", deals), "line_items": ("deals.line_items", lines if d.line_items else [])}
        out: dict[str, list[tuple[str, str]]] = {}
        for obj, (section, pairs) in sections.items():
            named = [(path, prop) for path, prop in pairs if prop]
            if named:
                out[obj] = [*named, (section, "hs_lastmodifieddate")]
        return out


def default_mapping_path() -> Path:
    return config_dir() / DEFAULT_MAPPING


def load_mapping(path: str | Path | None = None) -> HubSpotMapping:
    """The mapping at ``path`` (default: the shipped one); ``InvalidInput`` with every problem located."""
    return load_or_raise(_load, Path(path) if path else default_mapping_path())


def check_mapping_offline(path: str | Path) -> list[Problem]:
    """Every problem of the file that can be found without a portal, each as ``file:line key: problem (fix)``."""
    return problems_in(_load, Path(path))


def _load(path: Path) -> tuple[HubSpotMapping | None, list[Problem]]:
    return parse_mapping(load_yaml(path))


def parse_mapping(doc: Document) -> tuple[HubSpotMapping | None, list[Problem]]:
    """The mapping of a file already parsed (``pac_config.loader.load_yaml``), or None; and every problem found
    without a portal, each located in the document's file (``file:line key: problem (fix)``). The one entry
    point for a caller that parsed the file itself (``pac config check``): nothing is read again."""
    mapping, problems = doc.validate(HubSpotMapping)
    if mapping is None:
        return None, problems
    for pipeline, stages in mapping.deals.stage_overrides.items():
        if mapping.deals.pipelines is not None and pipeline not in mapping.deals.pipelines:
            problems.append(doc.problem(("deals", "stage_overrides", pipeline),
                                        f"pipeline {pipeline!r} is not among deals.pipelines",
                                        "add it to deals.pipelines or remove the override"))
        if not stages:
            problems.append(doc.problem(("deals", "stage_overrides", pipeline), "no stage listed",
                                        "list stage ids with won, lost or open"))
    if mapping.companies.postal_code is None and mapping.companies.default_country:
        problems.append(doc.problem(("companies", "postal_code"), "no postal code property: départements "
                                    "and régions cannot be derived", "set it to the portal's zip property"))
    problems += _task_problems(doc, mapping.activities.tasks)
    problems += _same_property_problems(doc, mapping.companies)
    return (None if problems else mapping), problems


COMPANY_CONCEPTS = ("name", "postal_code", "country", "industry", "account_type", "annual_revenue", "owner", "dormant")


def _same_property_problems(doc: Document, c: CompanyMap) -> list[Problem]:
    """Two things pac reads from one company property (``country: zip`` beside ``postal_code: zip``: every company's
    country a postal code), at the second key (audit opsmap, as the Salesforce mapping's accounts). Custom attributes
    may repeat a property (a second name for it in plan scopes)."""
    return doc.read_twice("companies", ((concept, getattr(c, concept)) for concept in COMPANY_CONCEPTS
                                        if getattr(c, concept)), "property")


def mapping_warnings(doc: Document, mapping: HubSpotMapping | None) -> list[str]:
    """What ``pac config check`` warns of (never a failure) in a valid mapping, each as ``file:line key: what (fix)``:
    ``deals.default_currency`` set to another currency than ``deals.home_currency``. HubSpot keeps a deal with no
    currency of its own in the portal's company currency, which ``home_currency`` names, so such deals would be read
    in a currency they are not in (the shipped comment used to ask for the company currency in ``default_currency``;
    a mapping written for a single-currency portal may set only that one)."""
    if mapping is None:
        return []
    d = mapping.deals
    home, default = (d.home_currency or "").upper(), (d.default_currency or "").upper()
    if not home or not default or home == default:
        return []
    return [f"{doc.file}:{doc.line(('deals', 'default_currency'))} deals.default_currency: {default} differs from "
            f"deals.home_currency {home}, the portal's company currency: deals with no currency code are read in "
            f"{default}, though HubSpot keeps a deal without a currency of its own in the company currency "
            f"(set default_currency: null, or {home}, unless those deals really are in {default})"]


def _task_problems(doc: Document, t: TaskMap) -> list[Problem]:
    """``activities.tasks`` mistakes that would silently count nothing: a type or status written otherwise than
    upper-case (HubSpot's values are codes, compared upper-cased), an empty subject keyword (it would match every
    task), tasks read with nothing they could be read as."""
    problems: list[Problem] = []
    for section, codes, what in (("types", t.types, "task type"), ("statuses", t.statuses, "task status")):
        for code in codes:
            if code != code.strip().upper():
                problems.append(doc.problem(("activities", "tasks", section, code),
                                            f"{what} {code!r}: HubSpot's values are codes compared upper-cased",
                                            f"write {code.strip().upper()}"))
    for keyword in t.subjects:
        if not subject_words(keyword):
            problems.append(doc.problem(("activities", "tasks", "subjects", keyword),
                                        "an empty subject keyword would match every task",
                                        "write the words a task's subject holds, e.g. 'Relance devis'"))
    if t.enabled and not t.read_types():
        problems.append(doc.problem(("activities", "tasks", "enabled"),
                                    "tasks are read but no task type, subject keyword or default_type is mapped: "
                                    "no task would count",
                                    "map hs_task_type values under activities.tasks.types (e.g. 'CALL: call') or "
                                    "keywords under activities.tasks.subjects (e.g. 'Relance devis: "
                                    "quote_follow_up')"))
    return problems


def check_mapping_online(mapping: HubSpotMapping, connector: PortalFacts,
                         path: str | Path | Document | None = None) -> list[Problem]:
    """Problems only the portal can reveal: unknown properties (a label written for the internal name, a name in the
    wrong case), mapped values no option of their property has (meeting types and outcomes, call statuses and
    dispositions), unknown pipelines, misplaced stage ids.

    Each problem names the mapping key the ops person wrote (``companies.postal_code``, not the
    property); with ``path`` (the mapping file, or its parsed ``Document``: then not read again) each also
    carries its file and line, sorted by line.
    """
    problems: list[Problem] = []
    for obj, keyed in mapping.read_property_keys().items():
        defs = connector.property_definitions(obj)
        reported: set[tuple[str, str]] = set()
        for key, prop in keyed:
            if prop not in defs and (key, prop) not in reported:
                reported.add((key, prop))
                problems.append(_unknown_property(key, obj, prop, defs))
    problems += _type_problems(mapping, connector)
    problems += _option_problems(mapping, connector)
    problems += _dormant_problems(mapping, connector)
    problems += pipeline_problems(mapping, connector.deal_pipelines())
    problems += _provisioning_problems(mapping, connector)
    return locate(problems, path) if path is not None else problems


def pipeline_problems(mapping: HubSpotMapping, pipelines: Mapping[str, Any], path: str | Path | Document | None = None
                      ) -> list[Problem]:
    """``deals.pipelines`` and ``deals.stage_overrides`` against the portal's deal pipelines (ids, stage ids): what
    ``pac config check --online`` says, and what a night asks of the pipelines it reads anyway (no call more): a
    pipeline written by its label (« Sales Pipeline » for ``default``) overrides no stage and reads no deal, silently
    (audit opsmap)."""
    problems: list[Problem] = []
    stage_home = {stage: pid for pid, p in pipelines.items() for stage in p.stages}
    for i, pid in enumerate(mapping.deals.pipelines or []):
        if pid not in pipelines:
            problems.append(Problem(f"deals.pipelines[{i}]", f"no deal pipeline with id {pid!r}",
                                    f"use one of {sorted(pipelines)}"))
    for pid, stages in mapping.deals.stage_overrides.items():
        if pid not in pipelines:
            problems.append(Problem(f"deals.stage_overrides.{pid}", f"no deal pipeline with id {pid!r}",
                                    f"use one of {sorted(pipelines)}"))
            continue
        for stage in stages:
            if stage in pipelines[pid].stages:
                continue
            key = f"deals.stage_overrides.{pid}.{stage}"
            labelled = _stage_by_label(stage, pid, pipelines)
            if labelled is not None:    # 'Gagnée' for the stage gagnee: overrides are keyed by stage id
                where_label, sid = labelled
                if where_label == pid:
                    problems.append(Problem(key, f"{stage!r} is the label of stage {sid!r} of pipeline {pid!r}",
                                            f"write the id: {sid}"))
                else:
                    problems.append(Problem(key, f"{stage!r} is the label of stage {sid!r} of pipeline "
                                            f"{where_label!r}, not of pipeline {pid!r}",
                                            f"write the id {sid} under its own pipeline {where_label}"))
                continue
            home = stage_home.get(stage)
            where = f"it belongs to pipeline {home!r}" if home else "no pipeline has it"
            problems.append(Problem(key, f"stage {stage!r} is not a stage of pipeline {pid!r}: {where}",
                                    "list it under its own pipeline" if home else
                                    f"write one of the pipeline's stage ids: {sorted(pipelines[pid].stages)}"))
    return locate(problems, path) if path is not None else problems


# the mapping keys whose property must hold a date, or a number. HubSpot's own amounts are numbers (deals.amount,
# annualrevenue, the line item's quantity, price and amount: type number in GET /crm/v3/properties); a text property
# ("12 000 €", "12k") is no figure, so only a number property is accepted where pac reads an amount (audit ops2)
DATE_TYPES = frozenset({"date", "datetime"})
NUMBER_KEYS = frozenset({"companies.annual_revenue", "deals.amount", "deals.amount_in_home_currency",
                         "deals.line_amount"})


def _needs(key: str) -> str | None:
    """What the property mapped at ``key`` must be: "date or datetime", "number", or None (anything). The line
    item's quantity and amount pac reads unmapped are HubSpot's own number properties, whose type no portal can
    change (readOnlyDefinition)."""
    if key == "deals.close_date" or (key.startswith("activities.") and key.endswith((".start", ".fallback_start"))):
        return "date or datetime"
    return "number" if key in NUMBER_KEYS else None


@functools.cache
def _shipped_properties() -> dict[str, str]:
    """Mapping key -> the property the shipped mapping reads there (the example a type problem's fix gives)."""
    return {key: prop for keyed in load_mapping().read_property_keys().values() for key, prop in keyed}


def _type_problems(mapping: HubSpotMapping, connector: PortalFacts) -> list[Problem]:
    """A property of the wrong type for its use (audit ops): a text or a dropdown where a date is needed (every deal
    or activity then undated, rejected night after night), a dropdown, a checkbox or a date where an amount is. The
    portal's definitions give each property's ``type``; an unknown property is reported apart."""
    problems: list[Problem] = []
    for obj, keyed in mapping.read_property_keys().items():
        defs = connector.property_definitions(obj)
        for key, prop in keyed:
            need, kind = _needs(key), str((defs.get(prop) or {}).get("type") or "")
            if need is None or not kind or prop not in defs:
                continue
            wrong = kind not in DATE_TYPES if need == "date or datetime" else kind != "number"
            if wrong:
                article = "an" if kind[0] in "aeiou" else "a"
                example = _shipped_properties().get(key)
                fix = "map a property of that type" + (f", e.g. {example}" if example else "")
                problems.append(Problem(key, f"{prop} is {article} {kind} property of {obj}; pac needs a {need} one "
                                        "here", fix))
    return problems


def _stage_by_label(text: str, pid: str, pipelines: Mapping[str, Any]) -> tuple[str, str] | None:
    """(pipeline id, stage id) of the stage whose label ``text`` is (case- and accent-insensitively), looked for in
    pipeline ``pid`` first, then in the others; None when no stage has that label."""
    folded = fold_value(text)
    for home in (pid, *(p for p in sorted(pipelines) if p != pid)):
        labels = getattr(pipelines[home], "labels", None) or {}
        found = sorted(sid for sid, label in labels.items() if fold_value(str(label)) == folded)
        if found:
            return home, found[0]
    return None


def _dormant_problems(mapping: HubSpotMapping, connector: PortalFacts) -> list[Problem]:
    """``companies.dormant`` must be a single checkbox: pac reads "true" as dormant and anything else as not dormant,
    so a dropdown Oui / Non (or a text) would make every company not dormant, silently."""
    prop = mapping.companies.dormant
    d = connector.property_definitions("companies").get(prop) if prop else None
    if d is None or d.get("type") == "bool" or d.get("fieldType") == "booleancheckbox":
        return []       # unknown: reported as such; a checkbox (type bool, or an enumeration shown as one): fine
    return [Problem("companies.dormant", f"companies property {prop!r} is of type {d.get('type')} (field type "
                    f"{d.get('fieldType')}), not a single checkbox: pac reads only a checkbox's true as dormant, so "
                    "every company would read as not dormant",
                    "map a single checkbox property (HubSpot type bool, field type booleancheckbox: create one and "
                    "tick it on the dormant companies), or set companies.dormant: null")]


def _provisioning_problems(mapping: HubSpotMapping, connector: PortalFacts) -> list[Problem]:
    """What the write-back needs and the portal lacks (the PAC custom objects, property group and properties: the
    issues ``pac crm check`` lists, less the mapped properties already reported), each at its mapping key: the
    mapping cannot work on this portal until `pac crm provision hubspot` has run (as the Salesforce check reports
    the PAC objects and fields its org lacks)."""
    w = mapping.writeback
    keys = {w.axis_object: "writeback.axis_object", w.action_object: "writeback.action_object"}
    out = []
    for issue in connector.check_schema():
        if issue.problem.startswith("the mapping reads"):
            continue        # a mapped property the portal lacks: reported above with its key and a did-you-mean
        what = f"{issue.object}.{issue.field}" if issue.field else issue.object
        key = keys.get(issue.object) or ("writeback.accounts" if issue.object == "companies" and issue.field
                                         else "writeback.group" if issue.field is None else "writeback")
        out.append(Problem(key, f"{what}: {issue.problem}", issue.fix))
    return out


def label_notes(mapping: HubSpotMapping, connector: PortalFacts,
                plan_values: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> list[str]:
    """What ``pac config check --online`` says of the company properties plan scopes test (``HubSpotMapping.labelled``)
    that are dropdowns: their values are read as their option labels, the words HubSpot shows. With
    ``plan_values`` (scope field, ``industry`` / ``account_type`` / ``custom.<name>`` -> (where, value) of the plans
    using this mapping), one more line per value that is an option's internal value rather than its label (write the
    label), or matches no option at all (no company of this portal can match it)."""
    defs = connector.property_definitions("companies")
    notes: list[str] = []
    for key, prop in mapping.labelled().items():
        d = defs.get(prop) or {}
        if d.get("type") != "enumeration" or d.get("fieldType") not in LABELLED_FIELD_TYPES:
            continue
        options = [(str(o.get("value")), str(o.get("label") or o.get("value")))
                   for o in d.get("options") or [] if isinstance(o, dict) and o.get("value") not in (None, "")]
        shown = ", ".join(f"{label!r}" for _, label in options[:3]) + (", ..." if len(options) > 3 else "")
        example = next(((v, label) for v, label in options if v != label), None)
        notes.append(f"{key}: {prop} is a dropdown: pac reads its values as their labels, as HubSpot shows them"
                     + (f" ({example[1]!r}, not {example[0]!r})" if example else "")
                     + f": write those labels in plan scopes ({shown})")
        notes += label_warnings(options, plan_values, (key.removeprefix("companies."),),
                                ("is the internal value of option ", f" of companies.{prop}"),
                                f"is no option of companies.{prop}: no company of this portal can match it")
    return notes + _family_notes(mapping, connector, plan_values)


def _family_notes(mapping: HubSpotMapping, connector: PortalFacts,
                  plan_values: Mapping[str, Sequence[tuple[str, str]]] | None) -> list[str]:
    """``label_notes`` for the line items' family (``deals.line_family``) when it is a dropdown, read as its option
    labels (``HubSpotConnector.family_labels``, audit sffamily F1): one line, and a warning per ``product_family``
    value that is an option's internal value or no option, and per ``product`` value that is an option's internal
    value labelled otherwise (``product`` also matches a line's code and name)."""
    d = mapping.deals
    prop = d.line_family if d.line_items else None
    definition = connector.property_definitions("line_items").get(prop) if prop else None
    if prop is None or not definition or definition.get("type") != "enumeration" \
            or definition.get("fieldType") not in LABELLED_FIELD_TYPES:
        return []
    options = [(str(o.get("value")), str(o.get("label") or o.get("value")))
               for o in definition.get("options") or [] if isinstance(o, dict) and o.get("value") not in (None, "")]
    shown = ", ".join(f"{label!r}" for _, label in options[:3]) + (", ..." if len(options) > 3 else "")
    example = next(((v, label) for v, label in options if v != label), None)
    notes = [f"deals.line_family: {prop} is a dropdown: pac reads a line's family as its label, as HubSpot shows it"
             + (f" ({example[1]!r}, not {example[0]!r})" if example else "")
             + f": write those labels in product_family and product scopes ({shown})"]
    return notes + label_warnings(
        options, plan_values, ("product_family", "product"),
        ("is the internal value of option ", f" of line_items.{prop}"),
        f"is no option of line_items.{prop}: no line of this portal can match it", FAMILY_ASIDE)


def disposition_notes(mapping: HubSpotMapping, connector: PortalFacts) -> list[str]:
    """What ``pac config check --online`` warns of in the portal's call outcomes: one warning per option of the
    disposition property (``hs_call_disposition``: HubSpot's six defaults and the portal's own, added under Settings >
    Objects > Calls, each a GUID with its label) that ``activities.calls.dispositions`` does not map. A call with such
    an outcome is rejected every night (``call disposition '…' is not in the mapping``: ``pac sync`` exits 1) unless
    its status decides (``calls.statuses``); said before the first night, with the line to add. Nothing when calls
    are not read, or the property is no dropdown of this portal (reported on its own when missing)."""
    c = mapping.activities.calls
    d = connector.property_definitions("calls").get(c.disposition) if c.enabled and c.disposition else None
    if d is None or d.get("type") != "enumeration":
        return []
    notes = []
    for option in d.get("options") or []:
        value = option.get("value") if isinstance(option, dict) else None
        if not isinstance(value, str) or not value or value in c.dispositions:
            continue
        label = str(option.get("label") or value)
        unless = (f", unless its {c.status_property} is one of activities.calls.statuses" if c.status_property
                  else "")
        notes.append(f"warning: activities.calls.dispositions: the portal's call outcome {label!r} ({value}) is not "
                     f"mapped: each call logged with it is rejected, not counted (`pac sync` exits 1){unless}; map "
                     f"it: add `{value}: completed` under activities.calls.dispositions (or no_show, cancelled, "
                     "planned: what the outcome means)")
    return notes


def _unknown_property(key: str, obj: str, prop: str, defs: Mapping[str, Mapping[str, Any]]) -> Problem:
    """The problem of a property the portal lacks, with the likeliest meant one: a property whose label it is
    ("Postal Code" for zip), one whose name differs only in case ("ZIP"), else a close name or label."""
    labels = {fold_value(str(d.get("label") or "")): name for name, d in defs.items() if d.get("label")}
    by_lower = {name.lower(): name for name in defs}
    missing = f"the portal has no {obj} property {prop!r}"
    if prop.lower() in by_lower:
        return Problem(key, missing, f"did you mean {by_lower[prop.lower()]!r}? property names are case-sensitive")
    labelled = labels.get(fold_value(prop))
    if labelled is not None:
        return Problem(key, f"{prop!r} is the label of {obj} property {labelled!r}",
                       f"write the internal name: {labelled}")
    close = closest(prop, [*defs, *(str(d.get("label")) for d in defs.values() if d.get("label"))])
    if close is not None:
        return Problem(key, missing, f"did you mean {close if close in defs else labels[fold_value(close)]!r}?")
    return Problem(key, missing, "fix the property name in the mapping or create it in HubSpot")


def unknown_read_properties(mapping: HubSpotMapping, object_type: str, names: Sequence[str],
                            path: str | Path | None) -> MappingRefused:
    """The night's error for properties a read asked for and the portal answered without (``reads.UnknownProperties``):
    each at the mapping key that names it, with the file and line when ``path`` is known."""
    keyed = [(key, prop) for key, prop in mapping.read_property_keys().get(object_type, []) if prop in names]
    problems = [Problem(key, f"the portal has no {object_type} property {prop!r}: HubSpot answered every {object_type} "
                        "record without it (it ignores a property it does not know), so each would read as empty",
                        "correct the property name in the mapping; `pac config check --online` lists the portal's "
                        "properties and names the likeliest one")
                for key, prop in dict.fromkeys(keyed)] or [Problem(object_type, f"the portal has no {object_type} "
                                                                  f"property {', '.join(map(repr, names))}")]
    with contextlib.suppress(InvalidInput, OSError):     # the file changed or went since the run began: unlocated
        problems = locate(problems, path) if path is not None else problems
    return MappingRefused(problems)


def _option_problems(mapping: HubSpotMapping, connector: PortalFacts) -> list[Problem]:
    """The mapped values of enumeration properties that no option of the property has, each at its key: a meeting
    type (``hs_activity_type``) or call disposition (a GUID) is compared exactly with the record's value, a meeting
    outcome or call status upper-cased (``normalise``), so a typo there matches no record and changes the counts
    silently. HubSpot's documented outcomes, statuses and default dispositions are accepted even where the
    portal's options omit them. Nothing for a property the portal lacks (reported on its own) or that has no
    options (not an enumeration)."""
    m, c = mapping.activities.meetings, mapping.activities.calls
    checks: list[tuple[str, str | None, str, list[tuple[str, str]], bool, frozenset[str]]] = []
    if m.enabled:
        checks += [("meetings", m.type_property, "meeting type",
                    [(f"activities.meetings.types.{v}", v) for v in m.types], False, frozenset()),
                   ("meetings", m.outcome, "meeting outcome",
                    [(f"activities.meetings.outcomes.{v}", v) for v in m.outcomes], True, MEETING_OUTCOMES)]
    if c.enabled:
        checks += [("calls", c.disposition, "call disposition",
                    [(f"activities.calls.dispositions.{v}", v) for v in c.dispositions], False, DEFAULT_DISPOSITIONS),
                   ("calls", c.status_property, "call status",
                    [*((f"activities.calls.statuses.{v}", v) for v in c.statuses),
                     *((f"activities.calls.disposition_statuses[{i}]", v.strip().upper())
                       for i, v in enumerate(c.disposition_statuses))], True, CALL_STATUSES),
                   ("calls", c.direction_property, "call direction",
                    [(f"activities.calls.count_directions[{i}]", v.strip().upper())
                     for i, v in enumerate(c.count_directions)], True, CALL_DIRECTIONS)]
    e = mapping.activities.emails
    if e.enabled:
        checks += [("emails", e.direction_property, "e-mail direction",
                    [(f"activities.emails.count_directions[{i}]", v.strip().upper())
                     for i, v in enumerate(e.count_directions)], True, EMAIL_DIRECTIONS),
                   ("emails", e.status_property, "e-mail status",
                    [(f"activities.emails.statuses.{v}", v) for v in e.statuses], True, EMAIL_STATUSES)]
    t = mapping.activities.tasks
    if t.enabled:
        checks += [("tasks", t.type_property, "task type",
                    [(f"activities.tasks.types.{v}", v) for v in t.types], True, TASK_TYPES),
                   ("tasks", t.status_property, "task status",
                    [(f"activities.tasks.statuses.{v}", v) for v in t.statuses], True, TASK_STATUSES)]
    problems: list[Problem] = []
    for obj, prop, what, listed, upper, documented in checks:
        d = connector.property_definitions(obj).get(prop) if prop else None
        if d is None or d.get("type") != "enumeration":
            continue
        options = [o for o in d.get("options") or [] if isinstance(o.get("value"), str)]
        values = [o["value"].upper() if upper else o["value"] for o in options]
        allowed = set(values) | documented
        for key, value in listed:
            if value in allowed:
                continue
            problem = f"{what} {value!r} matches no option of {obj}.{prop}"
            same = {fold_value(v): v for v in sorted(allowed)}.get(fold_value(value))
            meant = {fold_value(str(o.get("label") or "")): v for o, v in zip(options, values, strict=True)
                     if o.get("label")}.get(fold_value(value))
            if upper and value.upper() in allowed:
                problems.append(Problem(key, f"{problem}: {what} values are compared upper-cased",
                                        f"write {value.upper()}"))
            elif same is not None:      # 'Visite Client' for 'Visite client': records hold the exact value
                problems.append(Problem(key, problem, f"did you mean {same!r}?"))
            elif meant is not None:     # 'Connected' for the GUID f240bbac-...: records hold the value, not the label
                problems.append(Problem(key, f"{value!r} is the label of {what} option {meant!r}",
                                        f"write the option's value: {meant}"))
            elif (close := closest(value, sorted(allowed))) is not None:
                problems.append(Problem(key, problem, f"did you mean {close!r}?"))
            else:
                problems.append(Problem(key, problem, f"use one of {sorted(allowed)}" if allowed else
                                        "the portal defines none: add it in HubSpot or remove it from the mapping"))
    return problems


def provision(connector: Connector, dry_run: bool = False) -> list[str]:
    """Create the PAC property group, properties and custom objects the portal lacks; what was (or would be) done."""
    if dry_run:
        return [f"would fix: {issue.object}.{issue.field or ''}: {issue.problem}" for issue in connector.check_schema()]
    return connector.provision_schema()
