"""HubSpot wire records (property dicts of strings) -> ``pac_core.records``. Pure functions.

Business rules applied here:

* **Accounts**: a company's French postal code gives its département and région; a code that maps to
  none leaves them empty (the account still counts where no geography is needed) and is logged as a warning per
  company, in the Salesforce normaliser's words (``hubspot.company_postal_code company=... problem=...``).
  Companies without a country are read as ``companies.default_country``. The dropdowns plan scopes test
  (industry, type, custom properties) are read as their option labels, the words HubSpot shows and plan authors write
  (``with_labels``: the connector reads the company property definitions once, on a run that reads companies).
* **Activities**: meetings take their type from ``hs_activity_type`` (mapping ``meetings.types``, else
  ``default_type``) and their status from ``hs_meeting_outcome``; calls take their status from
  ``hs_call_status`` when the mapping lists it under ``statuses`` (MISSED: no_show, RINGING: planned...), else
  (COMPLETED, or empty) from ``hs_call_disposition``; an unlisted call status rejects the call; a call whose
  ``hs_call_direction`` is set and not under ``calls.count_directions`` (INBOUND by default: the client rang the
  rep) has no type, so it counts for no action, while one with no direction counts; e-mails (opt-in, mapping
  ``emails``) are read as ``email`` with their status from ``hs_email_status`` (SENT: completed; none: completed;
  an unlisted one rejects the e-mail); tasks (opt-in, mapping ``tasks``) take their type from a subject keyword
  (``tasks.subjects``), else ``hs_task_type`` (``tasks.types``), else ``default_type``, their status from
  ``hs_task_status`` (COMPLETED: completed; NOT_STARTED, IN_PROGRESS, WAITING, DEFERRED: planned), their date from
  ``hs_timestamp`` (the due date), else ``hs_task_completion_date``, a completed task's no later than its
  ``hs_task_completion_date`` (one ticked before its due date happened then); pac's own tasks (``pac_key`` set) are
  never read. The start is
  ``hs_timestamp`` (a meeting's "date and time that the meeting occurred", else its ``hs_meeting_start_time``); an
  engagement with neither is never counted: it is kept with no start (``Activity.crm_object`` naming its object) for
  the engine, which rejects it only for a plan whose action of its type names its owner (docs/engine.md, *Bad
  records*), in the words the connector rejected every such engagement with before, « call has no start time
  (hs_timestamp empty) » (``undated_rejection``, code ``no_start_time``; decided 7 Dec 2026, audit hsundated). One
  whose status the mapping does not list either is still rejected so, by the connector: no activity can be kept.
* **Dates**: ``closedate`` (and every other ``datetime`` property) is an instant: the deal keeps it as
  ``closed_at`` and the engine takes its date in the plan's timezone (00:30 in Paris on 1 April, 22:30 UTC on
  31 March, is 1 April); a plain "YYYY-MM-DD" stays that calendar date. Activities keep their instants.
* **Deals**: amounts arrive as strings and may carry thousands separators in either convention
  ("12,500.50", "12 500,50", "12.500,50"); an amount that is not a number rejects the deal. The stage
  (won / lost / open) comes from the pipelines API; a stage id that is not in the deal's pipeline
  rejects the deal with the pipeline it belongs to. A deal with no currency code is in ``default_currency``, else
  the portal's company currency (``deals.home_currency``). A deal in another currency than the company currency
  (``deals.home_currency``, else ``default_currency``) keeps its own amount, with ``amount_in_home_currency`` as its
  rates (``currency.home_rates``), which the engine converts it with.
* **Merges**: a company or deal lists the ids merged into it in ``hs_merged_object_ids`` ("id1;id2",
  ``merged_ids``); those records leave search without being archived, and the connector retires them as deleted.
* **Line items**: a line item with no quantity counts one unit; a quantity of 0 stays 0. A line counts its
  ``deals.line_amount`` (``hs_tcv``), else its ``amount``; a recurring line with no ``hs_tcv`` counts its amount
  times the billing periods of its term (``contract_value``); one with no ``amount`` either, its net price from its
  unit price, quantity and discount (``net_price``).
* **Users**: owners' e-mails are lower-cased; an owner without e-mail is kept with ``email=None``
  (reported by the engine, never matched to a plan person).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from connectors.hubspot.currency import home_rates
from connectors.hubspot.mapping import (
    LABELLED_FIELD_TYPES,
    LINE_AMOUNT_FALLBACK,
    LINE_CURRENCY,
    LINE_DISCOUNT_PERCENTAGE,
    LINE_FREQUENCY,
    LINE_PRICE,
    LINE_PRODUCT_ID,
    LINE_TCV,
    LINE_TERM,
    LINE_TERM_MONTHS,
    LINE_UNIT_DISCOUNT,
    MERGED_IDS,
    HubSpotMapping,
    subject_words,
)
from connectors.hubspot.schema import KEY
from pac_core import geography
from pac_core.fx import conversion
from pac_core.records import Account, Activity, ActivityStatus, CrmRates, Deal, DealLine, DealStage, Rejected, User
from pac_core.reject_codes import rejection

log = logging.getLogger(__name__)
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# A line item's billing frequency (``recurringbillingfrequency``'s internal values) -> the months of one billing
# period; weekly and biweekly lines have no whole number of months, and an empty frequency is a one-time line
_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "per_six_months": 6, "annually": 12, "per_two_years": 24,
                  "per_three_years": 36, "per_four_years": 48, "per_five_years": 60}
_TERM = re.compile(r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?")
_NO_TERM_MONTHS = 12     # "If there is no term length, HubSpot assumes a term of 12 months" (default deal amount, ARR)
_CENT = Decimal("0.01")

@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: dict[str, DealStage] = field(default_factory=dict)   # stage id -> won / lost / open
    labels: dict[str, str] = field(default_factory=dict)         # stage id -> its label (the online check's hints)


def stage_of(metadata: Mapping[str, Any]) -> DealStage:
    """A stage's meaning from its pipelines-API metadata: closed with probability 1.0 is won, closed otherwise lost.
    A stage whose metadata leaves ``isClosed`` out is read by its ``probability``, the one metadata the API documents
    for deal stages ("a value between 0.0 and 1.0, 0.0 being Closed Lost and 1.0 being Closed Won"): 1.0 won, 0.0
    lost, anything else (or none) open. Before 6 Dec 2026 such a stage was open, its won deals counted nowhere."""
    try:
        probability: float | None = float(metadata["probability"])
    except (KeyError, TypeError, ValueError):
        probability = None
    stated = metadata.get("isClosed")
    if stated is None:
        if probability == 1.0:
            return DealStage.WON
        return DealStage.LOST if probability == 0.0 else DealStage.OPEN
    if str(stated).lower() != "true":
        return DealStage.OPEN
    return DealStage.WON if probability is not None and probability >= 1.0 else DealStage.LOST


def parse_pipelines(results: list[dict[str, Any]], overrides: Mapping[str, Mapping[str, DealStage]]
                    ) -> dict[str, Pipeline]:
    out: dict[str, Pipeline] = {}
    for p in results:
        if p.get("archived"):
            continue
        stages = {s["id"]: stage_of(s.get("metadata") or {}) for s in p.get("stages", []) if not s.get("archived")}
        for stage, meaning in (overrides.get(p["id"]) or {}).items():
            if stage in stages:
                stages[stage] = DealStage(meaning)
        labels = {s["id"]: str(s.get("label") or s["id"]) for s in p.get("stages", []) if not s.get("archived")}
        out[p["id"]] = Pipeline(p["id"], p.get("label", p["id"]), stages, labels)
    return out


Labels = Mapping[str, tuple[Mapping[str, str], bool]]
"""Property -> (option value -> its label, multiple checkboxes: the value lists options as "a;b")."""


def option_labels(definitions: Mapping[str, Mapping[str, Any]], props: Iterable[str]
                  ) -> dict[str, tuple[dict[str, str], bool]]:
    """The option labels of those of ``props`` that are enumerations of a labelled field type (dropdown, radio,
    multiple checkboxes: ``mapping.LABELLED_FIELD_TYPES``), from the properties API's definitions."""
    out: dict[str, tuple[dict[str, str], bool]] = {}
    for prop in props:
        d = definitions.get(prop) or {}
        if d.get("type") != "enumeration" or d.get("fieldType") not in LABELLED_FIELD_TYPES:
            continue
        table = {str(o["value"]): str(o["label"]) for o in d.get("options") or []
                 if isinstance(o, dict) and o.get("value") not in (None, "") and o.get("label")}
        if table:
            out[prop] = (table, d.get("fieldType") == "checkbox")
    return out


def with_labels(obj: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """The object with each of ``labels``' properties holding its options' labels instead of their internal values
    ("PHARMACEUTICALS" -> "Pharmaceutique"; multiple checkboxes "a;b" -> "Label A;Label B"); a value no option has
    (an option deleted since) is kept as it is."""
    props = obj.get("properties") or {}
    changed: dict[str, str] = {}
    for prop, (table, multiple) in labels.items():
        raw = props.get(prop)
        if raw in (None, ""):
            continue
        text = str(raw)
        label = ";".join(table.get(v, v) for v in text.split(";")) if multiple else table.get(text, text)
        if label != text:
            changed[prop] = label
    return {**obj, "properties": {**props, **changed}} if changed else obj


class NotANumber(ValueError):
    """An amount that is not a number (``value``: the text HubSpot holds)."""

    def __init__(self, value: str) -> None:
        super().__init__(f"amount {value!r} is not a number")
        self.value = value


def parse_amount(text: Any) -> Decimal | None:
    """A HubSpot amount string as Decimal; None when empty; ``NotANumber`` (a ValueError) when not a number."""
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    if _PLAIN_NUMBER.fullmatch(raw):      # what the API sends ("1234.5"): no separator or currency to clean
        return Decimal(raw)
    s = re.sub(r"[\s\u00a0\u202f'_]", "", raw)
    s = re.sub(r"^[€$£]|(?:€|EUR|USD|\$)$", "", s, flags=re.IGNORECASE)
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        s = s.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in s:
        head, _, tail = s.rpartition(",")
        s = s.replace(",", "") if s.count(",") > 1 or len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    elif s.count(".") > 1:
        s = s.replace(".", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise NotANumber(raw) from None
    if not value.is_finite():
        raise NotANumber(raw)
    return value


def contract_value(amount: Decimal, frequency: Any, term: Any, term_months: Any = None) -> Decimal:
    """A line item's total contract value (what HubSpot's ``hs_tcv`` holds) from its ``amount`` (one billing period:
    price x quantity - discount), its billing ``frequency`` and its *Term* (``hs_recurring_billing_period``: an ISO
    8601 duration in years and months as the API writes it, "P24M"; or a whole number of payments as the knowledge
    base words it, "if a monthly line item has 12 fixed payments, the value would be 12"), else ``term_months``
    (``hs_term_in_months``): the amount times the billing periods of the term. A one-time line (no frequency) is
    worth its amount; a recurring line with no term is taken over the 12 months HubSpot assumes, at least one
    period; a frequency or a term that gives no number of months (weekly, "P52W") leaves the amount. Cents rounded
    half up (a 10-month term billed quarterly is 3 1/3 periods)."""
    period = _PERIOD_MONTHS.get(str(frequency or "").strip().lower())
    if period is None:
        return amount
    text = str(term or "").strip().upper()
    try:
        in_months = Decimal(str(term_months).strip()) if term_months not in (None, "") else None
    except InvalidOperation:
        in_months = None
    if text.isdigit():                                   # a number of payments
        periods = Decimal(int(text))
    elif text:
        match = _TERM.fullmatch(text)
        if match is None or not any(match.groups()):
            return amount
        years, months = (int(g or 0) for g in match.groups())
        periods = Decimal(12 * years + months) / period
    elif in_months is not None and in_months.is_finite() and in_months > 0:
        periods = in_months / period
    else:
        periods = max(Decimal(1), Decimal(_NO_TERM_MONTHS) / period)
    return _cents(amount * periods)


def _cents(value: Decimal) -> Decimal:
    """``value`` as it is when it has no more than cents, else rounded to cents half up."""
    return value if value == value.quantize(_CENT) else value.quantize(_CENT, ROUND_HALF_UP)


def net_price(price: Decimal, quantity: Decimal, unit_discount: Decimal | None, percentage: Decimal | None
              ) -> Decimal:
    """A line item's ``amount`` ("Net price") as HubSpot calculates it: unit price x quantity, less its unit discount
    on each unit, else its discount percentage of that total, the discount rounded half up to the cent before it is
    taken off (11.90 at 15 % off: 1.785 off is 1.79, net 10.11, HubSpot's example in "Understand discounts when
    collecting payments"; the net price 10.115 rounded was 10.12); cents rounded half up."""
    value = price * quantity
    if unit_discount:
        value -= unit_discount * quantity
    elif percentage:
        value -= _cents(value * percentage / 100)
    return _cents(value)


def parse_datetime(text: Any) -> datetime | None:
    """HubSpot datetimes: ISO 8601 ("2027-05-03T07:30:00Z", "...000Z") or epoch milliseconds."""
    if type(text) is str:
        return _parse_datetime_text(text) if text else None
    if text is None:
        return None
    return _parse_datetime(str(text))


@functools.lru_cache(maxsize=8192)
def _parse_datetime_text(text: str) -> datetime | None:
    """The same string is parsed once per pull's page, not once per use (a record's change stamp is read by the
    search's slide and again by normalisation); datetimes are immutable, so sharing them is safe."""
    return _parse_datetime(text)


def _parse_datetime(text: str) -> datetime | None:
    s = text.strip()
    if s.isascii() and s.isdigit():
        try:
            return datetime.fromtimestamp(int(s) / 1000, tz=UTC)
        except (ValueError, OverflowError, OSError):   # past year 9999: not a date HubSpot can hold
            return None
    try:
        value = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_date(text: Any) -> date | None:
    """A HubSpot ``date`` property ("2027-05-03", or its midnight-UTC instant / epoch ms) as a calendar date,
    never shifted. Not for ``datetime`` properties such as ``closedate``: use ``parse_day_or_instant``."""
    if text in (None, ""):
        return None
    s = str(text).strip()
    if len(s) == 10 and s[4] == "-":
        try:
            return date.fromisoformat(s)
        except ValueError:
            return None
    value = parse_datetime(s)
    return value.astimezone(UTC).date() if value else None


def parse_day_or_instant(text: Any) -> tuple[date | None, datetime | None]:
    """A ``datetime`` property (``closedate``): (its UTC date, the instant) when it holds an instant (ISO or
    epoch ms), so the engine takes the instant's date in the plan's timezone; (the date, None) when it is a
    plain "YYYY-MM-DD" (kept as written, never shifted); (None, None) when empty or unreadable."""
    if text in (None, ""):
        return None, None
    s = str(text).strip()
    if len(s) == 10 and s[4] == "-":
        try:
            return date.fromisoformat(s), None
        except ValueError:
            return None, None
    value = parse_datetime(s)
    return (value.astimezone(UTC).date(), value) if value else (None, None)


# -- readers: one per object kind, built once from the mapping --------------------------------------------------
# A pull converts every record of an object kind with the same mapping, so each reader takes what it needs of the
# mapping (property names, value tables, reasons) once, as local names, and then does per record only the work
# the record itself asks for. ``to_account`` and the other ``to_*`` functions build a reader and use it once.

def in_deal_currency(lines: tuple[DealLine, ...], currency: str | None,
                     rates: CrmRates | None) -> tuple[DealLine, ...]:
    """A deal's lines in its ``currency`` where HubSpot's own rates say it. A line item is read with its own currency
    (``DealLine.currency``, ``hs_line_item_currency_code``: the line items API takes any currency the portal has);
    one in its deal's currency (or on a deal with no currency) keeps none; one in another is converted with the deal's
    own HubSpot rates (``rates``: its amount and its amount in the company currency) when they know its currency,
    rounded half up to the deal currency's minor unit, as the engine converts the deal; otherwise (a CHF line on an
    EUR deal: pac does not read the portal's exchange rates) it keeps its amount and its currency, and the engine
    converts it into the plan's with ``engine.fx_rates`` (``pac_core.fx.for_lines``), or counts it 0 with the warning
    ``line_unknown_currency`` naming the rate to add (audit products F2; before, it had no amount whatever the plan's
    rates, and before audit sffamily F2 its figure was taken in the deal's currency)."""
    out: list[DealLine] = []
    for line in lines:
        own = line.currency
        if own is None:
            out.append(line)
            continue
        if currency is None or own == currency.upper() or line.amount is None:
            out.append(replace(line, currency=None))
            continue
        convert = conversion(own, rates, currency.upper(), {}) if rates is not None else None
        out.append(line if convert is None else replace(line, amount=convert(line.amount), currency=None))
    return tuple(out)


AccountReader = Callable[[dict[str, Any]], Account | Rejected]
ActivityReader = Callable[[dict[str, Any], str | None], Activity | Rejected]
DealReader = Callable[[dict[str, Any], str | None, tuple[DealLine, ...]], Deal | Rejected]
LineReader = Callable[[dict[str, Any]], DealLine | None]


def account_reader(m: HubSpotMapping, source: str) -> AccountReader:
    """Company object -> ``Account`` (or ``Rejected``: an annual revenue that is not a number). An annual revenue is
    in the portal's company currency (``portal_currency``): HubSpot keeps a company's currency properties in it, only
    deals and line items have a currency of their own; the engine compares it in the plan's currency (audit multi
    F2)."""
    c = m.companies
    name_p, postal_p, country_p, owner_p = c.name, c.postal_code, c.country, c.owner
    industry_p, type_p, revenue_p, dormant_p = c.industry, c.account_type, c.annual_revenue, c.dormant
    default_country, custom = c.default_country, tuple(c.custom.items())
    currency = portal_currency(m)

    def read(obj: dict[str, Any]) -> Account | Rejected:
        p = obj.get("properties") or {}
        get = p.get
        oid = obj["id"]
        name = (get(name_p) or "").strip()
        postal = ((get(postal_p) or "").strip() or None) if postal_p else None
        country = geography.account_country(get(country_p) if country_p else None, default_country)
        departement = region = None
        if postal and country in geography.FRENCH_GEOGRAPHY:
            departement, region, problem = _french_place(postal)
            if problem is not None:   # the Salesforce normaliser's warning, in the same words
                log.warning("hubspot.company_postal_code company=%s problem=%s", oid, problem)
        try:
            revenue = parse_amount(get(revenue_p)) if revenue_p else None
        except NotANumber as exc:
            return rejection(source, "accounts", oid, "bad_annual_revenue", value=exc.value)
        dormant = None
        if dormant_p and get(dormant_p) not in (None, ""):
            dormant = str(get(dormant_p)).lower() in ("true", "1", "yes")
        return Account(oid, source, name or f"(company {oid})", postal, departement, region, country,
                       (get(industry_p) or None) if industry_p else None,
                       (get(type_p) or None) if type_p else None, revenue, get(owner_p) or None, dormant,
                       {k: get(v) for k, v in custom}, bool(obj.get("archived")), _modified(obj, get),
                       currency=currency if revenue is not None else None)

    return read


def portal_currency(m: HubSpotMapping) -> str | None:
    """The portal's company currency as the mapping names it: ``deals.home_currency``, else ``deals.default_currency``
    (which stands for it); None when neither is set (a single-currency portal: amounts taken in the plan's
    currency)."""
    return (m.deals.home_currency or m.deals.default_currency or "").upper() or None


def to_account(obj: dict[str, Any], source: str, m: HubSpotMapping) -> Account | Rejected:
    return account_reader(m, source)(obj)


@functools.lru_cache(maxsize=4096)
def _french_place(postal: str) -> tuple[str | None, str | None, str | None]:
    """A French postal code's (département, région, why none) (``geography.french_place``); once per code."""
    return geography.french_place(postal)


def _code(get: Callable[[str], Any], prop: str | None) -> str:
    """A property's value as an upper-case code: an outcome, a status, a direction ("" when unmapped or empty)."""
    return str(get(prop) or "").strip().upper() if prop else ""


def _started(obj: dict[str, Any], *props: str | None) -> tuple[Callable[[str], Any], datetime | None]:
    """An engagement's property getter, and its start: the first of ``props`` (start, then fallback) that holds an
    instant."""
    get = (obj.get("properties") or {}).get
    return get, next((t for t in (parse_datetime(get(p)) for p in props if p) if t is not None), None)


def _mapped(get: Callable[[str], Any], prop: str | None, table: Mapping[str, ActivityStatus],
            empty: ActivityStatus | None) -> tuple[ActivityStatus | None, str]:
    """An engagement's status from a code property through the mapping's ``table`` (``empty`` when the property is
    empty): (status, its code), the status None when the mapping does not list the code (the record is rejected,
    ``unmapped_status``)."""
    code = _code(get, prop)
    return (table.get(code) if code else empty), code


def no_start_fields(m: HubSpotMapping, obj: str) -> str | None:
    """The properties an engagement of object ``obj`` (``meeting``, ``call``, ``e-mail``, ``task``) is dated by, as
    its ``no_start_time`` words name them: the start, then the fallback where the object has one. None for another
    word."""
    a = m.activities
    if obj == "meeting":
        return f"{a.meetings.start}, {a.meetings.fallback_start}"
    if obj == "call":
        return a.calls.start
    if obj == "e-mail":
        return a.emails.start
    if obj == "task":
        return f"{a.tasks.start}, {a.tasks.fallback_start}" if a.tasks.fallback_start else a.tasks.start
    return None


def undated_rejection(source: str, record_id: str, obj: str | None, m: HubSpotMapping) -> Rejected | None:
    """The words of an engagement kept with no start time (``Activity.crm_object``: ``obj``) that the engine rejects
    for the plan (``no_start``): ``no_start_time`` with its object and the properties read, as the connector
    rejected every such engagement before (audit hsundated), so the words, the code and the known-vs-new key stay.
    None for no object."""
    fields = no_start_fields(m, obj) if obj else None
    if obj is None or fields is None:
        return None
    return rejection(source, "activities", record_id, "no_start_time", object=obj, fields=fields)


def _no_start(source: str, obj: dict[str, Any], what: str, m: HubSpotMapping) -> Rejected:
    """An engagement with no start time whose status the mapping does not list either: no activity can be kept, so
    the connector rejects it, as it did every engagement with no start time before (audit hsundated)."""
    out = undated_rejection(source, obj["id"], what, m)
    assert out is not None
    return out


def _unmapped(source: str, obj: dict[str, Any], what: str, value: str, key: str) -> Rejected:
    """An engagement rejected for a status the mapping does not list (``what``: ``reject_words._STATUS_EN``'s key)
    under ``key``."""
    return rejection(source, "activities", obj["id"], "unmapped_status", what=what, value=value, key=key)


def meeting_reader(m: HubSpotMapping, source: str) -> ActivityReader:
    """Meeting object and its company -> ``Activity`` (or ``Rejected``: an unmapped outcome). One with no start
    time is kept undated (``crm_object`` "meeting") for the engine to judge."""
    mm = m.activities.meetings
    start_p, fallback_p, title_p, owner_p = mm.start, mm.fallback_start, mm.title, mm.owner
    type_p, outcome_p = mm.type_property, mm.outcome
    types, default_type, outcomes, no_outcome = dict(mm.types), mm.default_type, dict(mm.outcomes), mm.no_outcome

    def read(obj: dict[str, Any], account_id: str | None) -> Activity | Rejected:
        get, start = _started(obj, start_p, fallback_p)
        kind = types.get((get(type_p) or "").strip(), default_type)
        status, code = _mapped(get, outcome_p, outcomes, no_outcome)
        if status is ActivityStatus.PLANNED and start is not None and fallback_p:
            # a meeting still to come (SCHEDULED, RESCHEDULED) is due when it is planned: the later of its two
            # instants, its start moved after it was logged (hs_timestamp keeps the first day; audit hshand5)
            later = parse_datetime(get(fallback_p))
            start = later if later is not None and later > start else start
        if status is None:
            if start is None:
                return _no_start(source, obj, "meeting", m)
            return _unmapped(source, obj, "meeting_outcome", code, "activities.meetings.outcomes")
        return Activity(obj["id"], source, kind, get(owner_p) or None, account_id, start, status, get(title_p) or "",
                        None, bool(obj.get("archived")), _modified(obj, get),
                        crm_object="meeting" if start is None else None)

    return read


def to_meeting(obj: dict[str, Any], source: str, m: HubSpotMapping, account_id: str | None) -> Activity | Rejected:
    return meeting_reader(m, source)(obj, account_id)


def call_reader(m: HubSpotMapping, source: str) -> ActivityReader:
    """Call object and its company -> ``Activity`` (or ``Rejected``: an unmapped status or disposition). A status
    the mapping lists under ``statuses`` wins; an empty one, or one under ``disposition_statuses`` (COMPLETED),
    leaves the call to its disposition (none: ``no_disposition``); any other status rejects the call, so that a
    status HubSpot adds is reported, never counted as a completed call. One with no start time is kept undated
    (``crm_object`` "call") for the engine to judge; with an unmapped status too, rejected for its start time."""
    cm = m.activities.calls
    start_p, title_p, owner_p, disposition_p, status_p = cm.start, cm.title, cm.owner, cm.disposition, \
        cm.status_property
    kind, dispositions, no_disposition, statuses = cm.type, dict(cm.dispositions), cm.no_disposition, dict(cm.statuses)
    by_disposition = frozenset(s.strip().upper() for s in cm.disposition_statuses) | {""}
    direction_p, counted = cm.direction_property, frozenset(d.strip().upper() for d in cm.count_directions) | {""}

    def read(obj: dict[str, Any], account_id: str | None) -> Activity | Rejected:
        get, start = _started(obj, start_p)
        disposition = (get(disposition_p) or "").strip()
        call_status = _code(get, status_p)
        status = statuses.get(call_status)
        if status is None and call_status not in by_disposition:
            if start is None:
                return _no_start(source, obj, "call", m)
            return _unmapped(source, obj, "call_status", call_status,
                             "activities.calls.statuses or disposition_statuses")
        if status is None:      # the call status leaves it to the disposition
            if not disposition:
                status = no_disposition
            else:
                status = dispositions.get(disposition)
                if status is None:
                    if start is None:
                        return _no_start(source, obj, "call", m)
                    return _unmapped(source, obj, "call_disposition", disposition,
                                     "activities.calls.dispositions")
        # a direction the mapping does not count (INBOUND: the client rang the rep) leaves the call without a type
        direction = _code(get, direction_p)
        return Activity(obj["id"], source, kind if direction in counted else None, get(owner_p) or None, account_id,
                        start, status, get(title_p) or "", None, bool(obj.get("archived")), _modified(obj, get),
                        crm_object="call" if start is None else None)

    return read


def to_call(obj: dict[str, Any], source: str, m: HubSpotMapping, account_id: str | None) -> Activity | Rejected:
    return call_reader(m, source)(obj, account_id)


def email_reader(m: HubSpotMapping, source: str) -> ActivityReader:
    """E-mail object and its company -> ``Activity`` of the mapping's ``emails.type`` (or ``Rejected``: a send status
    the mapping does not list). The search reads only the directions the mapping counts; an e-mail of another
    direction read all the same (by id, after a merge) has no type. One with no ``hs_timestamp`` is kept undated
    (``crm_object`` "e-mail") for the engine to judge; with an unmapped status too, rejected for its timestamp."""
    em = m.activities.emails
    start_p, title_p, owner_p, status_p, direction_p = em.start, em.title, em.owner, em.status_property, \
        em.direction_property
    kind, statuses, no_status = em.type, dict(em.statuses), em.no_status
    counted = frozenset(d.strip().upper() for d in em.count_directions)

    def read(obj: dict[str, Any], account_id: str | None) -> Activity | Rejected:
        get, start = _started(obj, start_p)
        status, code = _mapped(get, status_p, statuses, no_status)
        if status is None:
            if start is None:
                return _no_start(source, obj, "e-mail", m)
            return _unmapped(source, obj, "email_status", code, "activities.emails.statuses")
        direction = _code(get, direction_p)
        typed = kind if not direction_p or not counted or direction in counted else None
        return Activity(obj["id"], source, typed, get(owner_p) or None, account_id, start, status, get(title_p) or "",
                        None, bool(obj.get("archived")), _modified(obj, get),
                        crm_object="e-mail" if start is None else None)

    return read


def to_email(obj: dict[str, Any], source: str, m: HubSpotMapping, account_id: str | None) -> Activity | Rejected:
    return email_reader(m, source)(obj, account_id)


TaskReader = Callable[[dict[str, Any], str | None], Activity | Rejected | None]


def task_reader(m: HubSpotMapping, source: str) -> TaskReader:
    """Task object and its company -> ``Activity`` (or ``Rejected``: a status the mapping does not list, with no due
    date nor completion date too; or None: one of pac's own tasks). One with no due date nor completion date is
    kept undated (``crm_object`` "task") for the engine to judge. Its date: ``start`` (the due date), else
    ``fallback_start``; a completed task's no later than ``completed_at`` (one ticked on 10 June and due on 10
    July happened on 10 June, and counts then; one ticked late keeps its due date). Its type: the first
    ``subjects`` keyword its subject holds (words compared case-, accent- and punctuation-free), else ``types``
    by ``hs_task_type``, else ``default_type`` (None: read with no type, counted for no action). pac's own
    tasks, the fallback write-back's (one per action, its ``pac_key`` set: ``schema.KEY``), are no visit report:
    None, never stored. The search leaves them out already where the portal has that property; this catches any
    read otherwise (by id, archived)."""
    tm = m.activities.tasks
    start_p, fallback_p, title_p, owner_p, type_p, status_p = tm.start, tm.fallback_start, tm.title, tm.owner, \
        tm.type_property, tm.status_property
    types, statuses, no_status, default_type = dict(tm.types), dict(tm.statuses), tm.no_status, tm.default_type
    completed_p = tm.completed_at
    keywords = tuple((f" {subject_words(k)} ", kind) for k, kind in tm.subjects.items() if subject_words(k))

    def read(obj: dict[str, Any], account_id: str | None) -> Activity | Rejected | None:
        get, start = _started(obj, start_p, fallback_p)
        if get(KEY):
            return None
        status, code = _mapped(get, status_p, statuses, no_status)
        if status is None:
            if start is None:
                return _no_start(source, obj, "task", m)
            return _unmapped(source, obj, "task_status", code, "activities.tasks.statuses")
        if status is ActivityStatus.COMPLETED and completed_p and start is not None:
            done = parse_datetime(get(completed_p))
            if done is not None and done < start:
                start = done
        title = str(get(title_p) or "")
        words = f" {subject_words(title)} " if keywords and title else ""
        kind = next((k for keyword, k in keywords if keyword in words), None) if words else None
        if kind is None:
            kind = types.get(_code(get, type_p), default_type) if type_p else default_type
        return Activity(obj["id"], source, kind, get(owner_p) or None, account_id, start, status, title, None,
                        bool(obj.get("archived")), _modified(obj, get), crm_object="task" if start is None else None)

    return read


def to_task(obj: dict[str, Any], source: str, m: HubSpotMapping, account_id: str | None
            ) -> Activity | Rejected | None:
    return task_reader(m, source)(obj, account_id)


def deal_reader(m: HubSpotMapping, source: str, pipelines: Mapping[str, Pipeline]) -> DealReader:
    """Deal object, its company and line items -> ``Deal`` (or ``Rejected``: an unknown pipeline, a stage of
    another pipeline, an amount that is not a number)."""
    d = m.deals
    pipeline_p, stage_p, amount_p, close_p, owner_p, name_p = d.pipeline, d.stage, d.amount, d.close_date, d.owner, \
        d.name
    currency_p, default_currency, home_p = d.currency, d.default_currency, d.amount_in_home_currency
    company_currency = portal_currency(m)   # the portal's
    product_p = d.product_property if not d.line_items else None   # line items off: a deal property names the line

    def currency_of(get: Callable[[str], Any]) -> str | None:
        # a deal with no currency code of its own is in the portal's company currency (HubSpot: the company
        # currency applies when no deal currency is set): ``default_currency`` when the mapping sets one, else
        # ``home_currency``. Before 5 Dec 2026 ``home_currency`` alone left it with none, and the engine took it in
        # the plan's currency: a USD portal's $1,000 counted as 1,000 EUR (audit hsdoc F1)
        return (get(currency_p) if currency_p else None) or default_currency or company_currency

    def won(obj: dict[str, Any], get: Callable[[str], Any], account_id: str | None, lines: tuple[DealLine, ...],
            problem: Rejected) -> Rejected:
        """``problem`` of a deal whose stage is won (in its pipeline, else in the pipeline the stage belongs to)
        carrying what the deal says of itself (``Rejected.record``: its company, amount, currency, close), so that
        ``pac explain AXIS`` lists it on its company's axes, not counted and why (audit hsmulti: a won 4,000 EUR
        order whose stage belongs to another pipeline was listed nowhere); any other deal's as it is."""
        stage_id = get(stage_p) or ""
        own = pipelines.get(get(pipeline_p) or "")
        stage = own.stages.get(stage_id) if own is not None else None
        if stage is None:
            stage = next((pl.stages[stage_id] for pl in pipelines.values() if stage_id in pl.stages), None)
        if stage is not DealStage.WON:
            return problem
        try:
            amount = parse_amount(get(amount_p))
        except NotANumber:
            amount = None     # the amount that is no number: the rejection names it
        currency = currency_of(get)
        close_date, closed_at = parse_day_or_instant(get(close_p))
        return replace(problem, record=Deal(obj["id"], source, account_id, get(owner_p) or None, amount,
                                          currency.upper() if currency else None, close_date, DealStage.WON,
                                          get(name_p) or "", lines, False, _modified(obj, get), closed_at))

    def read(obj: dict[str, Any], account_id: str | None, lines: tuple[DealLine, ...]) -> Deal | Rejected:
        p = obj.get("properties") or {}
        get = p.get
        pipeline_id, stage_id = get(pipeline_p) or "", get(stage_p) or ""
        pipeline = pipelines.get(pipeline_id)
        if pipeline is None:
            return won(obj, get, account_id, lines,
                       rejection(source, "deals", obj["id"], "unknown_pipeline", pipeline=pipeline_id))
        stage = pipeline.stages.get(stage_id)
        if stage is None:
            home = next((pid for pid, pl in pipelines.items() if stage_id in pl.stages), None)
            return won(obj, get, account_id, lines,
                       rejection(source, "deals", obj["id"], "unknown_stage", stage=stage_id, pipeline=pipeline_id,
                                 home=home or ""))
        try:
            amount = parse_amount(get(amount_p))
        except NotANumber as exc:
            return won(obj, get, account_id, lines, rejection(source, "deals", obj["id"], "bad_amount",
                                                              value=exc.value))
        currency = currency_of(get)
        if product_p and (get(product_p) or "").strip():
            value = p[product_p].strip()
            lines = (DealLine(value, Decimal(1), amount, code=value, family=value, name=value),)
        rates = None
        if company_currency and home_p and currency and currency.upper() != company_currency:
            try:
                rates = home_rates(amount, parse_amount(get(home_p)), currency.upper(), company_currency)
            except NotANumber as exc:
                return won(obj, get, account_id, lines, rejection(source, "deals", obj["id"], "bad_home_amount",
                                                                  field=home_p, value=exc.value))
        lines = in_deal_currency(lines, currency, rates)
        close_date, closed_at = parse_day_or_instant(get(close_p))
        return Deal(obj["id"], source, account_id, get(owner_p) or None, amount, currency.upper() if currency else None,
                    close_date, stage, get(name_p) or "", lines, bool(obj.get("archived")), _modified(obj, get),
                    closed_at, parse_datetime(get("createdate")) or parse_datetime(obj.get("createdAt")), rates=rates)

    return read


def to_deal(obj: dict[str, Any], source: str, m: HubSpotMapping, pipelines: Mapping[str, Pipeline],
            account_id: str | None, lines: tuple[DealLine, ...]) -> Deal | Rejected:
    return deal_reader(m, source, pipelines)(obj, account_id, lines)


def line_reader(m: HubSpotMapping) -> LineReader:
    """Line item object -> ``DealLine`` (keeping the line item's id: a deleted line's deal is found by it); None when
    it names no product or its quantity or amount is not a number."""
    d = m.deals
    product_p, fallback_p, code_p, family_p, name_p = d.product, d.product_fallback, d.line_code, d.line_family, \
        d.line_name
    amount_p = d.line_amount
    tcv = amount_p == LINE_TCV

    def read(obj: dict[str, Any]) -> DealLine | None:
        p = obj.get("properties") or {}
        get = p.get
        product = (get(product_p) or get(fallback_p) or "").strip()
        if not product:
            return None
        try:
            quantity = parse_amount(get("quantity"))
            if quantity is None:        # no quantity: one unit; a quantity of 0 stays 0
                quantity = Decimal(1)
            # the property that adds up to the deal amount (hs_tcv by default: a recurring line's whole contract),
            # else the line's own amount (one billing period); "0" is 0 (an ARR of a one-time line), not empty
            amount = parse_amount(get(amount_p))
            if amount is None:
                if amount_p != LINE_AMOUNT_FALLBACK:
                    amount = parse_amount(get(LINE_AMOUNT_FALLBACK))
                if amount is None:      # no amount either (price and quantity only): its net price
                    price = parse_amount(get(LINE_PRICE))
                    if price is not None:
                        amount = net_price(price, quantity, parse_amount(get(LINE_UNIT_DISCOUNT)),
                                           parse_amount(get(LINE_DISCOUNT_PERCENTAGE)))
                # no hs_tcv given (an imported line): its one billing period times the periods of its term, the
                # contract HubSpot's deal amount adds up (before 6 Dec 2026: one billing period, audit hsamounts)
                if amount is not None and tcv:
                    amount = contract_value(amount, get(LINE_FREQUENCY), get(LINE_TERM), get(LINE_TERM_MONTHS))
        except ValueError:
            return None
        # the line's own currency, when it has one: put in its deal's by the deal's reader (``in_deal_currency``)
        own = str(get(LINE_CURRENCY) or "").strip().upper() or None
        return DealLine(product, quantity, amount, None, (str(get(code_p) or "").strip() or None) if code_p else None,
                        (str(get(family_p) or "").strip() or None) if family_p else None,
                        (str(get(name_p) or "").strip() or None) if name_p else None,
                        str(obj["id"]) if obj.get("id") is not None else None, own,
                        str(get(LINE_PRODUCT_ID) or "").strip() or None)

    return read


def to_line(obj: dict[str, Any], m: HubSpotMapping) -> DealLine | None:
    return line_reader(m)(obj)


def to_user(owner: dict[str, Any], source: str) -> User:
    email = (owner.get("email") or "").strip().lower() or None
    name = " ".join(x for x in (owner.get("firstName"), owner.get("lastName")) if x)
    name = name or email or f"owner {owner['id']}"
    return User(id=str(owner["id"]), source=source, email=email, name=name, active=not owner.get("archived", False),
                modified_at=parse_datetime(owner.get("updatedAt")))


def merged_ids(obj: dict[str, Any]) -> list[str]:
    """The ids merged into this company or deal (``hs_merged_object_ids``, "id1;id2"), its own id left out: HubSpot
    drops them from search without listing them as archived, so the connector retires them as deleted."""
    text = (obj.get("properties") or {}).get(MERGED_IDS)
    if not text:
        return []
    own = str(obj.get("id"))
    return [i for i in dict.fromkeys(part.strip() for part in str(text).split(";")) if i and i != own]


def _modified(obj: dict[str, Any], get: Callable[[str], Any]) -> datetime | None:
    """The record's change stamp; ``get``: its properties' ``get`` (already read by the caller)."""
    return parse_datetime(get("hs_lastmodifieddate")) or parse_datetime(obj.get("updatedAt"))
