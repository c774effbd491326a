"""Normalised CRM records: the language every connector translates into.

Ids are the CRM's own; the pair (source, id) is unique. ``source`` names the connector instance
("sf-main", "hs-west"). ``modified_at`` is the CRM's change stamp, which drives watermarks.
The same person in two CRMs is one owner, matched by e-mail through ``User``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pac_core.plan import ActivityType

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class ActivityStatus(StrEnum):
    COMPLETED = "completed"
    PLANNED = "planned"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class DealStage(StrEnum):
    WON = "won"
    LOST = "lost"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    source: str
    email: str | None          # lower-case; None when the CRM has none (reported, never matched)
    name: str = ""
    active: bool = True
    modified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    source: str
    name: str
    postal_code: str | None = None
    departement: str | None = None     # code: "69", "2A", "971"; None when it cannot be derived
    region: str | None = None          # 2016 région name
    country: str | None = None         # ISO 3166 alpha-2 when known ("FR")
    industry: str | None = None
    account_type: str | None = None
    annual_revenue: Decimal | None = None
    owner_id: str | None = None
    dormant: bool | None = None        # an explicit CRM flag when the mapping has one
    custom: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    deleted: bool = False
    modified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """A visit report, call, meeting... ``start`` is aware (UTC from the CRM).

    All-day events carry ``day`` (a calendar date, never shifted by timezone) and no ``start``.
    ``type`` is None when the record matched no mapped activity type.
    """

    id: str
    source: str
    type: ActivityType | None
    owner_id: str | None
    account_id: str | None
    start: datetime | None
    status: ActivityStatus = ActivityStatus.COMPLETED
    subject: str = ""
    day: date | None = None
    deleted: bool = False
    modified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DealLine:
    product: str
    quantity: Decimal
    amount: Decimal | None = None
    service_date: date | None = None


@dataclass(frozen=True, slots=True)
class Deal:
    id: str
    source: str
    account_id: str | None
    owner_id: str | None
    amount: Decimal | None
    currency: str | None
    close_date: date | None
    stage: DealStage
    name: str = ""
    lines: tuple[DealLine, ...] = ()
    deleted: bool = False
    modified_at: datetime | None = None
    created_at: datetime | None = None   # aware creation instant (pipeline created KPI); None when unknown


@dataclass(frozen=True, slots=True)
class Rejected:
    """A CRM record that could not be normalised: skipped, reported, never counted."""

    source: str
    object: str        # "accounts", "activities", "deals", "users"
    id: str
    reason: str


Record = Account | Activity | Deal | User


@dataclass(frozen=True)
class Records:
    """Everything the engine reads for one evaluation (already de-duplicated by (source, id))."""

    accounts: tuple[Account, ...] = ()
    activities: tuple[Activity, ...] = ()
    deals: tuple[Deal, ...] = ()
    users: tuple[User, ...] = ()
    rejected: tuple[Rejected, ...] = ()
