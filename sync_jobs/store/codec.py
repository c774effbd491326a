"""Normalised records to JSON payloads and back (Decimal as text, datetimes as ISO 8601 UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, CrmRates, Deal, DealLine, DealStage, Record, User

KIND_OF = {Account: "accounts", Activity: "activities", Deal: "deals", User: "users"}


def kind_of(record: Record) -> str:
    return KIND_OF[type(record)]


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _pdt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pdec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _pday(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def to_payload(record: Record) -> dict[str, Any]:
    """A JSON-safe dict holding every field of ``record``."""
    if isinstance(record, Account):
        return {"name": record.name, "postal_code": record.postal_code, "departement": record.departement,
                "region": record.region, "country": record.country, "industry": record.industry,
                "account_type": record.account_type, "annual_revenue": _dec(record.annual_revenue),
                "owner_id": record.owner_id, "dormant": record.dormant, "custom": _jsonable(dict(record.custom)),
                # the annual revenue's currency and the CRM's rates for it, only when the connector gave them: the
                # other payloads are unchanged
                **({"currency": record.currency} if record.currency is not None else {}),
                **({"rates": record.rates.text()} if record.rates is not None else {})}
    if isinstance(record, Activity):
        return {"type": record.type.value if record.type else None, "owner_id": record.owner_id,
                "account_id": record.account_id, "start": _dt(record.start), "status": record.status.value,
                "subject": record.subject, "day": _day(record.day),
                **({"whole_day": True} if record.whole_day else {}),   # only when set: other payloads unchanged
                # the CRM object of an undated HubSpot engagement (``Activity.crm_object``): likewise only when set
                **({"crm_object": record.crm_object} if record.crm_object else {}),
                **_placement(record)}
    if isinstance(record, Deal):
        return {"account_id": record.account_id, "owner_id": record.owner_id, "amount": _dec(record.amount),
                "currency": record.currency, "close_date": _day(record.close_date), "stage": record.stage.value,
                "name": record.name, "closed_at": _dt(record.closed_at),
                "created_at": _dt(record.created_at),
                "lines": [{"product": ln.product, "quantity": str(ln.quantity), "amount": _dec(ln.amount),
                           "service_date": _day(ln.service_date), "code": ln.code, "family": ln.family,
                           "name": ln.name} | ({"id": ln.id} if ln.id is not None else {})
                          # a line priced in another currency than its deal (DealLine.currency): the others unchanged
                          | ({"currency": ln.currency} if ln.currency is not None else {})
                          # its product library item and what that item was called when read (DealLine.product_id)
                          | ({"product_id": ln.product_id} if ln.product_id is not None else {})
                          | ({"codes": list(ln.codes)} if ln.codes else {})
                          | ({"names": list(ln.names)} if ln.names else {}) for ln in record.lines],
                **_placement(record),
                # only when the CRM gave its rates (CrmRates.text): the other payloads are unchanged
                **({"rates": record.rates.text()} if record.rates is not None else {})}
    return {"email": record.email, "name": record.name, "active": record.active,
            # only when the user held other e-mails before (``User.former_emails``): the other payloads unchanged
            **({"former_emails": list(record.former_emails)} if record.former_emails else {})}


def _placement(record: Activity | Deal) -> dict[str, Any]:
    """How the connector placed the record (``placed_by``, ``also_on``), only when it says something: the payloads of
    records placed by their own company are unchanged."""
    out: dict[str, Any] = {"placed_by": list(record.placed_by)} if record.placed_by else {}
    if isinstance(record, Activity) and record.also_on:
        out["also_on"] = list(record.also_on)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def from_payload(kind: str, crm_id: str, source: str, payload: dict[str, Any], *, deleted: bool,
                 modified_at: datetime | None) -> Record:
    """The normalised record back from its stored row."""
    p = payload
    if kind == "accounts":
        return Account(id=crm_id, source=source, name=p["name"], postal_code=p.get("postal_code"),
                       departement=p.get("departement"), region=p.get("region"), country=p.get("country"),
                       industry=p.get("industry"), account_type=p.get("account_type"),
                       annual_revenue=_pdec(p.get("annual_revenue")), owner_id=p.get("owner_id"),
                       dormant=p.get("dormant"), custom=p.get("custom") or {}, deleted=deleted,
                       modified_at=modified_at, currency=p.get("currency"),
                       rates=CrmRates.parse(p["rates"]) if p.get("rates") else None)
    if kind == "activities":
        return Activity(id=crm_id, source=source, type=ActivityType(p["type"]) if p.get("type") else None,
                        owner_id=p.get("owner_id"), account_id=p.get("account_id"), start=_pdt(p.get("start")),
                        status=ActivityStatus(p.get("status", "completed")), subject=p.get("subject", ""),
                        day=_pday(p.get("day")), deleted=deleted, modified_at=modified_at,
                        whole_day=bool(p.get("whole_day")), placed_by=tuple(p.get("placed_by") or ()),
                        also_on=tuple(p.get("also_on") or ()), crm_object=p.get("crm_object"))
    if kind == "deals":
        lines = tuple(DealLine(product=ln["product"], quantity=Decimal(ln["quantity"]), amount=_pdec(ln.get("amount")),
                               service_date=_pday(ln.get("service_date")), code=ln.get("code"),
                               family=ln.get("family"), name=ln.get("name"), id=ln.get("id"),
                               currency=ln.get("currency"), product_id=ln.get("product_id"),
                               codes=tuple(ln.get("codes") or ()), names=tuple(ln.get("names") or ()))
                      for ln in p.get("lines", ()))
        return Deal(id=crm_id, source=source, account_id=p.get("account_id"), owner_id=p.get("owner_id"),
                    amount=_pdec(p.get("amount")), currency=p.get("currency"), close_date=_pday(p.get("close_date")),
                    stage=DealStage(p["stage"]), name=p.get("name", ""), lines=lines, deleted=deleted,
                    modified_at=modified_at, closed_at=_pdt(p.get("closed_at")),
                    created_at=_pdt(p.get("created_at")), placed_by=tuple(p.get("placed_by") or ()),
                    rates=CrmRates.parse(p["rates"]) if p.get("rates") else None)
    return User(id=crm_id, source=source, email=p.get("email"), name=p.get("name", ""),
                active=p.get("active", True), modified_at=modified_at,
                former_emails=tuple(p.get("former_emails") or ()))


def indexed(record: Record) -> dict[str, Any]:
    """The indexed columns of a record's row."""
    owner = getattr(record, "owner_id", None)
    account = record.account_id if isinstance(record, Activity | Deal) else None
    email = record.email if isinstance(record, User) else None
    occurred: datetime | None = None
    if isinstance(record, Activity):
        occurred = record.moment(UTC)     # the day's midnight in UTC: the store knows no plan's timezone
    elif isinstance(record, Deal) and record.closed_at:
        occurred = record.closed_at
    elif isinstance(record, Deal) and record.close_date:
        d = record.close_date
        occurred = datetime(d.year, d.month, d.day, tzinfo=UTC)
    return {"owner_id": owner, "account_id": account, "email": email, "occurred_at": occurred}
