"""Builders shared by the engine's unit tests (plain records, no I/O); it holds no test itself."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.plan import (
    Action,
    ActivityType,
    Axis,
    AxisStatus,
    Counting,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
)
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealLine, DealStage, User
from pac_core.scopes import EVERYTHING, Condition, Scope
from pac_core.window import Window

PARIS = ZoneInfo("Europe/Paris")
JULIE = "julie.martin@durand-process.example"
MARC = "marc.dubois@durand-process.example"
YEAR_2027 = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS), "2027")
WEEK_18 = Window(datetime(2027, 5, 3, tzinfo=PARIS), datetime(2027, 5, 10, tzinfo=PARIS), "semaine 18")
DEPT_69 = Condition("departement", "in", ("69",), "département 69")
DORMANT = Condition("dormant", "is", (True,), "clients dormants")
IN_69 = Scope((DEPT_69,))
ACTIVE = AxisStatus()
USERS = (User("005J", "sf", JULIE, "Julie Martin"), User("005M", "sf", MARC, "Marc Dubois"))


def utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def account(ident: str, postal: str, *, dormant: bool | None = True, source: str = "sf", **extra) -> Account:
    return Account(ident, source, extra.pop("name", ident), postal_code=postal, departement=postal[:2],
                   region=extra.pop("region", "Auvergne-Rhône-Alpes"), country="FR", dormant=dormant, **extra)


def visit(ident: str, account_id: str | None, start: datetime | None, *, owner: str | None = "005J",
          kind: ActivityType | None = ActivityType.VISIT, status: ActivityStatus = ActivityStatus.COMPLETED,
          deleted: bool = False, source: str = "sf", day: date | None = None) -> Activity:
    return Activity(ident, source, kind, owner, account_id, start, status, subject=ident, day=day, deleted=deleted)


def won(ident: str, account_id: str | None, amount: str | None, close: date, *, currency: str | None = "EUR",
        source: str = "sf", stage: DealStage = DealStage.WON, lines: tuple[DealLine, ...] = (),
        deleted: bool = False) -> Deal:
    return Deal(ident, source, account_id, "005J", None if amount is None else Decimal(amount), currency, close,
                stage, lines=lines, deleted=deleted)


def action(ident: str = "A-01", *, window: Window = WEEK_18, scope: Scope = IN_69, target: int = 5,
           who: str = JULIE, kind: ActivityType = ActivityType.VISIT,
           counting: Counting = Counting.DISTINCT_ACCOUNTS, axis_id: str = "AX-DORMANT", **extra) -> Action:
    return Action(ident, axis_id, extra.pop("text", "Visiter 5 clients dormants du 69 en semaine 18"), who, kind,
                  target, window, counting, scope, **extra)


def plan(*actions: Action, axes: tuple[Axis, ...] | None = None, segments: tuple[Segment, ...] | None = None,
         language: str = "fr") -> Plan:
    segments = segments or (Segment("SEG-ARA", "Auvergne-Rhône-Alpes", SegmentKind.HORIZONTAL,
                                    Scope((Condition("region", "in", ("Auvergne-Rhône-Alpes",), "région ARA"),))),)
    axes = axes or (Axis("AX-DORMANT", "Clients dormants", segments[0].id, Scope((DORMANT,))),)
    return Plan("PAC 2027", YEAR_2027, "Europe/Paris", language=language,
                people=(Person(JULIE, "Julie Martin"), Person(MARC, "Marc Dubois")),
                segments=segments, axes=axes, actions=actions or (action(),))


def axis(ident: str, segment_id: str, *, scope: Scope = EVERYTHING, additional: str = "100000",
         budget: str | None = "10000", baseline: str | None = None, status: AxisStatus = ACTIVE,
         products: tuple[str, ...] = (), name: str | None = None, margin: str = "0.3") -> Axis:
    objective = Objective(Decimal(additional), YEAR_2027, None if baseline is None else Decimal(baseline),
                          Decimal(margin), None if budget is None else Decimal(budget))
    return Axis(ident, name or ident, segment_id, scope, status, objective, products)
