"""HubSpot wire records (property dicts of strings) -> ``pac_core.records``. Pure functions.

Business rules applied here:

* **Accounts**: a company's French postal code gives its département and région; a code that maps to
  none leaves them empty (the account still counts where no geography is needed). Companies without a
  country are read as ``companies.default_country``.
* **Activities**: meetings take their type from ``hs_activity_type`` (mapping ``meetings.types``, else
  ``default_type``) and their status from ``hs_meeting_outcome``; calls take their status from
  ``hs_call_disposition``. The start is ``hs_meeting_start_time`` (meetings) or ``hs_timestamp``; an
  engagement with neither is rejected ("no start time"), never counted.
* **Dates**: ``closedate`` (and every other ``datetime`` property) is an instant: the deal keeps it as
  ``closed_at`` and the engine takes its date in the plan's timezone (00:30 in Paris on 1 April, 22:30 UTC on
  31 March, is 1 April); a plain "YYYY-MM-DD" stays that calendar date. Activities keep their instants.
* **Deals**: amounts arrive as strings and may carry thousands separators in either convention
  ("12,500.50", "12 500,50", "12.500,50"); an amount that is not a number rejects the deal. The stage
  (won / lost / open) comes from the pipelines API; a stage id that is not in the deal's pipeline
  rejects the deal with the pipeline it belongs to.
* **Users**: owners' e-mails are lower-cased; an owner without e-mail is kept with ``email=None``
  (reported by the engine, never matched to a plan person).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.hubspot.mapping import HubSpotMapping
from pac_core import geography
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealLine, DealStage, Rejected, User

_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

Props = Mapping[str, Any]


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: dict[str, DealStage] = field(default_factory=dict)   # stage id -> won / lost / open


def stage_of(metadata: Mapping[str, Any]) -> DealStage:
    """A stage's meaning from its pipelines-API metadata: closed with probability 1.0 is won."""
    closed = str(metadata.get("isClosed", "false")).lower() == "true"
    if not closed:
        return DealStage.OPEN
    try:
        probability = float(metadata.get("probability", "0") or 0)
    except ValueError:
        probability = 0.0
    return DealStage.WON if probability >= 1.0 else DealStage.LOST


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
        out[p["id"]] = Pipeline(p["id"], p.get("label", p["id"]), stages)
    return out


def parse_amount(text: Any) -> Decimal | None:
    """A HubSpot amount string as Decimal; None when empty; ValueError when not a number."""
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
        raise ValueError(f"amount {raw!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"amount {raw!r} is not a number")
    return value


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


def to_account(obj: dict[str, Any], source: str, m: HubSpotMapping) -> Account | Rejected:
    p, c = obj.get("properties") or {}, m.companies
    name = (p.get(c.name) or "").strip()
    postal = (p.get(c.postal_code) or "").strip() or None if c.postal_code else None
    country = _country(p.get(c.country) if c.country else None) or c.default_country
    departement = region = None
    if postal and country == "FR" and geography.postal_code_problem(postal) is None:
        departement = geography.departement_from_postal_code(postal)
        region = geography.region_of_departement(departement)
    try:
        revenue = parse_amount(p.get(c.annual_revenue)) if c.annual_revenue else None
    except ValueError as exc:
        return Rejected(source, "accounts", obj["id"], f"annual revenue: {exc}")
    dormant = None
    if c.dormant and p.get(c.dormant) not in (None, ""):
        dormant = str(p.get(c.dormant)).lower() in ("true", "1", "yes")
    return Account(
        id=obj["id"], source=source, name=name or f"(company {obj['id']})", postal_code=postal,
        departement=departement, region=region, country=country, industry=p.get(c.industry) or None if c.industry
        else None, account_type=p.get(c.account_type) or None if c.account_type else None,
        annual_revenue=revenue, owner_id=p.get(c.owner) or None, dormant=dormant,
        custom={k: p.get(v) for k, v in c.custom.items()}, deleted=bool(obj.get("archived")),
        modified_at=_modified(obj, p))


_COUNTRIES = {"france": "FR", "fr": "FR", "fra": "FR", "république française": "FR"}


def _country(value: Any) -> str | None:
    if not value:
        return None
    s = str(value).strip()
    return _COUNTRIES.get(s.lower(), s.upper() if len(s) == 2 else s)


def to_meeting(obj: dict[str, Any], source: str, m: HubSpotMapping, account_id: str | None) -> Activity | Rejected:
    p, mm = obj.get("properties") or {}, m.activities.meetings
    start = parse_datetime(p.get(mm.start)) or parse_datetime(p.get(mm.fallback_start))
    if start is None:
        return Rejected(source, "activities", obj["id"],
                        f"meeting has no start time ({mm.start} and {mm.fallback_start} empty)")
    raw_type = (p.get(mm.type_property) or "").strip()
    kind = mm.types.get(raw_type, mm.default_type)
    outcome = (p.get(mm.outcome) or "").strip().upper()
    status = mm.outcomes.get(outcome, mm.no_outcome) if outcome else mm.no_outcome
    if outcome and outcome not in mm.outcomes:
        return Rejected(source, "activities", obj["id"], f"meeting outcome {outcome!r} is not in the mapping "
                        f"(activities.meetings.outcomes)")
    return Activity(id=obj["id"], source=source, type=kind, owner_id=p.get(mm.owner) or None, account_id=account_id,
                    start=start, status=status, subject=p.get(mm.title) or "", deleted=bool(obj.get("archived")),
                    modified_at=_modified(obj, p))


def to_call(obj: dict[str, Any], source: str, m: HubSpotMapping, account_id: str | None) -> Activity | Rejected:
    p, cm = obj.get("properties") or {}, m.activities.calls
    start = parse_datetime(p.get(cm.start))
    if start is None:
        return Rejected(source, "activities", obj["id"], f"call has no start time ({cm.start} empty)")
    disposition = (p.get(cm.disposition) or "").strip()
    status: ActivityStatus = cm.dispositions.get(disposition, cm.no_disposition) if disposition else cm.no_disposition
    call_status = (p.get(cm.status_property) or "").strip().upper() if cm.status_property else ""
    if call_status in cm.statuses:
        status = cm.statuses[call_status]
    elif disposition and disposition not in cm.dispositions:
        return Rejected(source, "activities", obj["id"], f"call disposition {disposition!r} is not in the mapping "
                        "(activities.calls.dispositions)")
    return Activity(id=obj["id"], source=source, type=cm.type, owner_id=p.get(cm.owner) or None,
                    account_id=account_id, start=start, status=status, subject=p.get(cm.title) or "",
                    deleted=bool(obj.get("archived")), modified_at=_modified(obj, p))


def to_deal(obj: dict[str, Any], source: str, m: HubSpotMapping, pipelines: Mapping[str, Pipeline],
            account_id: str | None, lines: tuple[DealLine, ...]) -> Deal | Rejected:
    p, d = obj.get("properties") or {}, m.deals
    pipeline_id, stage_id = p.get(d.pipeline) or "", p.get(d.stage) or ""
    pipeline = pipelines.get(pipeline_id)
    if pipeline is None:
        return Rejected(source, "deals", obj["id"], f"pipeline {pipeline_id!r} is unknown or not read by the mapping")
    if stage_id not in pipeline.stages:
        home = next((pid for pid, pl in pipelines.items() if stage_id in pl.stages), None)
        where = f"it belongs to pipeline {home!r}" if home else "no pipeline has it"
        return Rejected(source, "deals", obj["id"], f"stage {stage_id!r} is not a stage of pipeline "
                        f"{pipeline_id!r}: {where}")
    try:
        amount = parse_amount(p.get(d.amount))
    except ValueError as exc:
        return Rejected(source, "deals", obj["id"], str(exc))
    currency = ((p.get(d.currency) if d.currency else None) or d.default_currency or None)
    if not d.line_items and d.product_property and (p.get(d.product_property) or "").strip():
        value = p[d.product_property].strip()    # line items off: a deal property names the product line
        lines = (DealLine(value, Decimal(1), amount, code=value, family=value, name=value),)
    close_date, closed_at = parse_day_or_instant(p.get(d.close_date))
    return Deal(id=obj["id"], source=source, account_id=account_id, owner_id=p.get(d.owner) or None,
                amount=amount, currency=currency.upper() if currency else None,
                close_date=close_date, closed_at=closed_at, stage=pipeline.stages[stage_id],
                name=p.get(d.name) or "", lines=lines, deleted=bool(obj.get("archived")), modified_at=_modified(obj, p),
                created_at=parse_datetime(p.get("createdate")) or parse_datetime(obj.get("createdAt")))


def to_line(obj: dict[str, Any], m: HubSpotMapping) -> DealLine | None:
    p = obj.get("properties") or {}
    product = (p.get(m.deals.product) or p.get(m.deals.product_fallback) or "").strip()
    if not product:
        return None
    try:
        quantity = parse_amount(p.get("quantity")) or Decimal(1)
        amount = parse_amount(p.get("amount"))
    except ValueError:
        return None
    d = m.deals

    def text(prop: str | None) -> str | None:
        return (str(p.get(prop) or "").strip() or None) if prop else None

    return DealLine(product=product, quantity=quantity, amount=amount, code=text(d.line_code),
                    family=text(d.line_family), name=text(d.line_name))


def to_user(owner: dict[str, Any], source: str) -> User:
    email = (owner.get("email") or "").strip().lower() or None
    name = " ".join(x for x in (owner.get("firstName"), owner.get("lastName")) if x)
    name = name or email or f"owner {owner['id']}"
    return User(id=str(owner["id"]), source=source, email=email, name=name, active=not owner.get("archived", False),
                modified_at=parse_datetime(owner.get("updatedAt")))


def _modified(obj: dict[str, Any], p: Props) -> datetime | None:
    """The record's change stamp; ``p``: its properties (already read by the caller)."""
    return parse_datetime(p.get("hs_lastmodifieddate")) or parse_datetime(obj.get("updatedAt"))
