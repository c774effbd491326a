"""Action counts against an independent reference (``tests/unit/count_oracle.py``, written from the docs only): on
random small organisations whose records sit on the edges a manager would catch (local midnight across DST changes in
Paris, New York and Auckland, all-day and whole-day activities, tasks done before or after their due date, naive
instants, hand-overs, aliases, dormancy by flag and by won deals at the window's first local day, départements from
Corsican, overseas and Monaco postal codes, industry / type / owner conditions, cancelled / deleted / planned
activities, the evaluation instant cutting the window), ``evaluate()``'s ``done``, its counted activities and its
coverage equal the oracle's."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate, explain_actions
from pac_core.geography import french_place, region_of_departement
from pac_core.incremental import Changes, evaluate_incremental
from pac_core.plan import (
    Action,
    ActivityType,
    Axis,
    Counting,
    HandOver,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
)
from pac_core.records import (
    Account,
    AccountChange,
    Activity,
    ActivityStatus,
    Deal,
    DealStage,
    Records,
    User,
)
from pac_core.scopes import parse_scope
from pac_core.window import Window
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.unit.count_oracle import FRENCH_COUNTRIES, Oracle, departement_of, local_midnight, months_before
from tests.unit.test_engine_support import PARIS, USERS, plan
from tests.unit.test_engine_worked_example import ACCOUNTS, ACTIVITIES, AS_OF

JULIE = "julie.martin@durand-process.example"
MARC = "marc.dubois@durand-process.example"
PAUL = "paul.roux@durand-process.example"
PEOPLE = (Person(JULIE, "Julie Martin", aliases=("julie.martin@old.example", "j.martin@acme.fr")),
          Person(MARC, "Marc Dubois"), Person(PAUL, "Paul Roux", aliases=("paul@roux.example",)))
ORG_USERS = (
    User("005J", "sf", JULIE, "Julie Martin"), User("005M", "sf", MARC, "Marc Dubois"),
    User("005Q", "sf", None, "Queue"), User("005O", "sf", "julie.martin@old.example", "Julie (old)", active=False),
    User("h1", "hs", "j.martin@acme.fr", "J. Martin"), User("h2", "hs", MARC, "Marc"),
    User("h3", "hs", "someone@else.example", "Someone"), User("005P", "sf", PAUL, "Paul Roux"),
    User("h4", "hs", "paul@roux.example", "Paul"),
)
OWNER_IDS = {"sf": ("005J", "005J", "005J", "005M", "005P", "005Q", "005O", JULIE, "J.Martin@Acme.FR", None, "ghost"),
             "hs": ("h1", "h1", "h1", "h2", "h3", "h4", MARC, None)}
ID_OF = {("sf", "005J"): JULIE, ("sf", "005O"): JULIE, ("sf", "J.Martin@Acme.FR"): JULIE, ("hs", "h1"): JULIE,
         ("sf", "005M"): MARC, ("hs", "h2"): MARC, ("sf", "005P"): PAUL, ("hs", "h4"): PAUL}
# the days summer time starts and ends in 2027
ZONES = {"Europe/Paris": (date(2027, 3, 28), date(2027, 10, 31)),
         "America/New_York": (date(2027, 3, 14), date(2027, 11, 7)),
         "Pacific/Auckland": (date(2027, 4, 4), date(2027, 9, 26))}
POSTAL = ("69003", "69100 Villeurbanne", "69289 CEDEX 02", "38000", "01000", "1000", "20000", "20100", "20200",
          "20401 Bastia Cedex 9", "20600", "20704 Ajaccio Cedex 9", "20300", "20900", "97100", "97133", "97150",
          "97400", "97600", "97500", "98000", "75008 Paris 8e", "69003-1234", "60606-1234", None)
COUNTRIES = (None, "FR", "FR", "MC", "CH", "GP", "RE", "US")
INDUSTRIES = (None, "Chimie", "chimie", "Pharmaceutique;Chimie", "Pharmacéutique", "Agroalimentaire")
TYPES = (None, "Client", "CLIENT", "Prospect", "Distributeur")
CONDITIONS: tuple[dict[str, Any], ...] = (
    {"departement": ["69"]}, {"departement": ["2A"]}, {"departement": ["2B", "971"]}, {"departement": "01"},
    {"not": {"departement": ["69"]}}, {"not": {"departement": ["2A", "2B"]}}, {"region": "Corse"},
    {"region": "ARA"}, {"not": {"region": "Corse"}}, {"postal_code": ["69*"]}, {"postal_code": ["20*", "97*"]},
    {"postal_code": ["69289"]}, {"postal_code": "01000"}, {"not": {"postal_code": ["69*"]}},
    {"postal_code": ["60606", "69003"]}, {"not": {"postal_code": "60606"}},
    {"industry": "Chimie"}, {"industry": "pharmaceutique"}, {"not": {"industry": "Chimie"}},
    {"account_type": "Client"}, {"not": {"account_type": "client"}}, {"owner": JULIE}, {"not": {"owner": JULIE}},
    {"dormant": True}, {"dormant": False}, {"dormant": {"months": 12}}, {"dormant": {"months": 3}},
    {"dormant": {"months": 6}},
    {"country": "FR"}, {"not": {"country": "FR"}},
)
STATUSES = (ActivityStatus.COMPLETED,) * 8 + (ActivityStatus.PLANNED, ActivityStatus.CANCELLED, ActivityStatus.NO_SHOW)
# seconds from a local midnight: either side of it, and across the small hours a DST change moves
OFFSETS = (-7200, -3600, -1, 0, 1, 1800, 3600, 7200, 3 * 3600, 12 * 3600, 23 * 3600 + 59 * 60)


@dataclass(frozen=True)
class Org:
    plan: Plan
    records: Records
    as_of: datetime


def _instant(draw: st.DrawFn, days: list[date], zone: ZoneInfo) -> datetime:
    """An instant a few seconds to hours from a local midnight of one of ``days``, counted in real (UTC) seconds."""
    day = draw(st.sampled_from(days))
    return local_midnight(day, zone).astimezone(UTC) + timedelta(seconds=draw(st.sampled_from(OFFSETS)))


def _scope(draw: st.DrawFn, most: int, dormancy: bool = False) -> Any:
    """A scope of at most ``most`` conditions, often none (each condition keeps about half the accounts); with
    ``dormancy``, half the time one more on dormancy, by flag or by won deals."""
    chosen: dict[str, Any] = {}
    if dormancy and draw(st.booleans()):
        chosen["dormant"] = draw(st.sampled_from((True, False, {"months": 3}, {"months": 6}, {"months": 12})))
    for cond in draw(st.lists(st.sampled_from(CONDITIONS), max_size=draw(st.sampled_from((0, 0, most))))):
        for key, value in cond.items():
            if key == "not":
                chosen.setdefault("not", {}).update(value)
            else:
                chosen[key] = value
    return parse_scope(chosen)


def _account(draw: st.DrawFn, source: str, ident: str) -> Account:
    postal = draw(st.sampled_from(POSTAL))
    country = draw(st.sampled_from(COUNTRIES))
    departement = departement_of(postal) if country in FRENCH_COUNTRIES else None
    return Account(ident, source, ident, postal_code=postal, departement=departement,
                   region=region_of_departement(departement) if departement else None, country=country,
                   industry=draw(st.sampled_from(INDUSTRIES)), account_type=draw(st.sampled_from(TYPES)),
                   owner_id=draw(st.sampled_from(OWNER_IDS[source])),
                   dormant=draw(st.sampled_from((None, True, False))), deleted=draw(st.integers(0, 9)) == 0)


@st.composite
def orgs(draw: st.DrawFn) -> Org:
    name = draw(st.sampled_from(sorted(ZONES)))
    zone = ZoneInfo(name)
    # a day summer time starts or ends, or a month's last day (the rule's "N months before" it has no such day)
    dst = draw(st.sampled_from((*ZONES[name], date(2027, 5, 31), date(2027, 8, 31))))
    first = dst + timedelta(days=draw(st.integers(-2, 1)))
    last = first + timedelta(days=draw(st.sampled_from((1, 2, 7, 7, 31))))    # the day after the window
    window = Window(local_midnight(first, zone), local_midnight(last, zone), "w")
    # the local days whose midnights the records sit around: the window's first and last, the days either side, the
    # day summer time starts or ends
    days = [first - timedelta(days=1), first, first + timedelta(days=1), dst, last - timedelta(days=1), last]
    accounts = [_account(draw, source, ident) for source, ident in
                draw(st.lists(st.sampled_from([("sf", "a1"), ("sf", "a2"), ("sf", "a3"), ("hs", "a1"), ("hs", "b2")]),
                              min_size=1, max_size=5, unique=True))]
    deals = []
    for n, acc in enumerate(accounts):
        for k in range(draw(st.integers(0, 4))):
            months = draw(st.sampled_from((0, 3, 6, 12, 24)))
            close = months_before(first, months) + timedelta(days=draw(st.sampled_from((-1, 0, 1))))
            closed_at = None
            if draw(st.booleans()):
                closed_at = (local_midnight(close, zone).astimezone(UTC)
                             + timedelta(seconds=draw(st.sampled_from((-1800, 1800, 23 * 3600 + 1800)))))
            deals.append(Deal(f"d{n}-{k}", acc.source, acc.id, None,
                              draw(st.sampled_from((Decimal(1000), None, Decimal(-500)))), "EUR",
                              closed_at.date() if closed_at else close,
                              draw(st.sampled_from((DealStage.WON, DealStage.WON, DealStage.LOST, DealStage.OPEN))),
                              deleted=draw(st.integers(0, 5)) == 0, closed_at=closed_at))
    changes = []
    for acc in draw(st.lists(st.sampled_from(accounts), max_size=3)):
        field, old = draw(st.sampled_from((("dormant", True), ("dormant", False), ("dormant", None),
                                           ("owner_id", "005J"), ("owner_id", "h1"), ("account_type", "Client"),
                                           ("account_type", "Prospect"))))
        changed = _instant(draw, [first - timedelta(days=1), first, first + timedelta(days=1)], zone)
        changes.append(AccountChange(acc.source, acc.id, field, changed, old, getattr(acc, field)))
    actions = []
    for n in range(draw(st.integers(1, 2))):
        who = draw(st.sampled_from((JULIE, JULIE, JULIE, MARC, PAUL)))
        # none, one or two former owners (a chain of hand-overs), each from a day around the window's
        formers = draw(st.lists(st.sampled_from([p for p in (JULIE, MARC, PAUL) if p != who]), max_size=2))
        handed = tuple(HandOver(p, draw(st.sampled_from(days[:-1]))) for p in formers)
        kind = draw(st.sampled_from((ActivityType.VISIT, ActivityType.VISIT, ActivityType.VISIT, ActivityType.CALL)))
        counting = draw(st.sampled_from(tuple(Counting)))
        actions.append(Action(f"A-{n}", "AX", "t", who, kind, 5, window, counting, _scope(draw, 2, dormancy=True),
                              handed_over=handed))
    activities = []
    for n in range(draw(st.integers(0, 14))):
        acc = draw(st.sampled_from(accounts))
        source = draw(st.sampled_from((acc.source, acc.source, acc.source, "hs" if acc.source == "sf" else "sf")))
        shape = draw(st.sampled_from(("start", "start", "day", "whole_day", "both", "naive")))
        start = day = None
        if shape in ("start", "both", "naive"):
            start = _instant(draw, days, zone)
        if shape in ("day", "whole_day", "both"):
            day = draw(st.sampled_from(days))
        if shape == "naive":
            start = start.replace(tzinfo=None)  # type: ignore[union-attr]
        kind = draw(st.sampled_from((actions[0].activity_type,) * 4 + (ActivityType.CALL, None)))
        owners = OWNER_IDS[source]
        if draw(st.booleans()):     # one of the first action's owner's ids (an alias's, an e-mail id) or a former's
            people = {actions[0].who, *(h.from_ for h in actions[0].handed_over)}
            owners = tuple(i for i in owners if i is not None and any(i == p or ID_OF.get((source, i)) == p
                                                                      for p in people)) or owners
        activities.append(Activity(
            f"v{n}", source, kind, draw(st.sampled_from(owners)),
            draw(st.sampled_from((acc.id, acc.id, acc.id, None, "zz"))),
            start, draw(st.sampled_from(STATUSES)), day=day, deleted=draw(st.integers(0, 11)) == 0,
            whole_day=shape == "whole_day"))
    period = Window(datetime(2027, 1, 1, tzinfo=zone), datetime(2028, 1, 1, tzinfo=zone), "2027")
    the_plan = Plan("P", period, name, people=PEOPLE,
                    segments=(Segment("SEG", "S", SegmentKind.HORIZONTAL, _scope(draw, 1)),),
                    axes=(Axis("AX", "X", "SEG", _scope(draw, 1), objective=Objective(Decimal(1000), period)),),
                    actions=tuple(actions))
    as_of = draw(st.one_of(st.just(local_midnight(last + timedelta(days=40), zone)), st.builds(lambda: None)))
    if as_of is None:
        as_of = _instant(draw, days, zone)
    records = Records(accounts=tuple(accounts), activities=tuple(activities), deals=tuple(deals), users=ORG_USERS,
                      account_changes=tuple(changes))
    return Org(the_plan, records, as_of)


def _compare(org: Org, read: Records | RecordColumns | None = None) -> None:
    """``evaluate()`` on ``org`` (or on ``read``, the same records as the store gives them) against the oracle."""
    records = read if read is not None else org.records
    ev = evaluate(org.plan, records, as_of=org.as_of)       # the nightly run: figures, no decisions
    # ``pac explain ACTION``: the decisions asked afterwards
    explained = explain_actions(org.plan, records, ev, [a.id for a in org.plan.actions])
    oracle = Oracle(org.plan, org.records)
    counted_by_axis: set[tuple[str, str]] = set()
    for action in org.plan.actions:
        got = ev.action(action.id)
        want = oracle.count(action, org.as_of)
        counted_by_axis |= want.activity_ids
        counted = {(d.source, d.record_id) for d in explained.action(action.id).decisions if d.counted}
        assert (got.done, counted) == (want.done, set(want.activity_ids)), action.id
        # coverage: accounts counted / accounts in scope (docs/engine.md, *KPIs and ROI*)
        assert got.coverage == (len(want.accounts) / want.scope_size if want.scope_size else None), action.id
    # the axis's activities: those its actions counted, each once; the accounts they touched, those of its scope (on
    # its objective period's first day) among them, and its scope's live accounts (docs/engine.md, *KPIs and ROI*)
    axis = ev.axis("AX")
    assert axis.activities_done == len(counted_by_axis)
    kpis = {k.kpi: k for k in axis.kpis}
    activities = {(a.source, a.id): a for a in org.records.activities}
    touched = {(activities[k].source, activities[k].account_id) for k in counted_by_axis}
    members = oracle.axis_members("AX")
    assert kpis["accounts_visited"].value == len(touched)
    coverage = kpis["coverage"]
    assert (coverage.numerator, coverage.denominator) == (Decimal(len(touched & members)), Decimal(len(members)))
    warned = {(w.source, w.record_id): w.detail.rsplit("(", 1)[-1].rstrip(")").split(", ")
              for w in ev.warnings if w.rule == "planned_past"}
    assert warned == oracle.still_planned(org.as_of)


class TestTheOracleReadsTheDocs:
    """The oracle itself, on the figures the docs give (so a wrong oracle cannot pass the property by agreeing)."""

    def test_worked_example_is_four_of_five(self) -> None:
        """v1, v2, v3, v12 (docs/worked-example.md): 4 / 5."""
        counted = Oracle(plan(), Records(accounts=ACCOUNTS, activities=ACTIVITIES, users=USERS)).count(
            plan().actions[0], AS_OF)
        assert counted.done == 4
        assert {i for _, i in counted.activity_ids} == {"v1", "v2", "v3", "v12"}

    def test_postal_codes(self) -> None:
        """docs/plan-format.md, *Postal codes*: Corsica by hundreds, overseas, Monaco, town and CEDEX."""
        assert [departement_of(p) for p in ("20090", "20704 Ajaccio Cedex 9", "20401 Bastia Cedex 9", "20300",
                                              "97100", "97133", "97600", "97500", "98000", "69289 CEDEX 02",
                                              "01000", "1000")] == [
            "2A", "2A", "2B", None, "971", None, "976", None, None, "69", "01", None]

    def test_months_before_clamps_to_the_month_end(self) -> None:
        assert months_before(date(2027, 5, 31), 3) == date(2027, 2, 28)
        assert months_before(date(2027, 3, 28), 12) == date(2026, 3, 28)


AUCKLAND = ZoneInfo("Pacific/Auckland")
# ISO week 13 of 2027 in Auckland: Monday 29 March 00:00 NZDT (UTC+13) = 28 March 11:00Z, to Monday 5 April 00:00 NZST
# (UTC+12) = 4 April 12:00Z; summer time ends on its Sunday (03:00 -> 02:00), a day of 25 hours
WEEK_13 = Window(datetime(2027, 3, 29, tzinfo=AUCKLAND), datetime(2027, 4, 5, tzinfo=AUCKLAND), "semaine 13")


def _one_action(zone: str, window: Window, activities: tuple[Activity, ...], *, scope: dict[str, Any] | None = None,
                accounts: tuple[Account, ...] = (Account("a1", "sf", "A1", "69003", "69", owner_id="005J"),),
                deals: tuple[Deal, ...] = (), counting: Counting = Counting.ACTIVITIES) -> tuple[Plan, Records]:
    z = ZoneInfo(zone)
    action = Action("A-1", "AX", "t", JULIE, ActivityType.VISIT, 5, window, counting, parse_scope(scope or {}))
    the_plan = Plan("P", Window(datetime(2027, 1, 1, tzinfo=z), datetime(2028, 1, 1, tzinfo=z)), zone, people=PEOPLE,
                    segments=(Segment("SEG", "S", SegmentKind.HORIZONTAL),), axes=(Axis("AX", "X", "SEG"),),
                    actions=(action,))
    return the_plan, Records(accounts=accounts, activities=activities, deals=deals, users=ORG_USERS)


def _visit(ident: str, start: datetime | None, day: date | None = None, whole_day: bool = False) -> Activity:
    return Activity(ident, "sf", ActivityType.VISIT, "005J", "a1", start, day=day, whole_day=whole_day)


class TestHandPickedEdges:
    """Figures worked out by hand from the docs, on the edges the property draws at random."""

    AUCKLAND_WEEK = (
        _visit("sun-before", datetime(2027, 3, 28, 10, 59, 59, tzinfo=UTC)),   # Sun 28 Mar 23:59:59 NZDT: week 12
        _visit("mon-first", datetime(2027, 3, 28, 11, 0, tzinfo=UTC)),         # Mon 29 Mar 00:00 NZDT: counts
        _visit("sun-last", datetime(2027, 4, 4, 11, 59, 59, tzinfo=UTC)),      # Sun 4 Apr 23:59:59 NZST: counts
        _visit("mon-after", datetime(2027, 4, 4, 12, 0, tzinfo=UTC)),          # Mon 5 Apr 00:00 NZST: week 14
        _visit("all-day", None, date(2027, 4, 4)),                             # a task done on Sunday 4 April
        _visit("whole-day", None, date(2027, 4, 4), whole_day=True),           # an all-day event that Sunday
    )

    def test_a_week_whose_sunday_has_25_hours(self) -> None:
        """Evaluated on 10 April: mon-first, sun-last, all-day, whole-day = 4 (a UTC+13 end, 11:00Z, would drop
        sun-last; a UTC+12 start, 12:00Z, would drop mon-first and take sun-before)."""
        p, records = _one_action("Pacific/Auckland", WEEK_13, self.AUCKLAND_WEEK)
        ev = evaluate(p, records, as_of=datetime(2027, 4, 10, tzinfo=AUCKLAND), explain=True)
        assert ev.action("A-1").done == 4
        assert {d.record_id for d in ev.action("A-1").decisions if d.counted} == {
            "mon-first", "sun-last", "all-day", "whole-day"}

    def test_evaluated_one_second_before_the_week_ends(self) -> None:
        """As of Sunday 23:59:59 NZST: sun-last starts at that instant (not happened yet), the whole-day event's day
        is not over; mon-first and the task done that Sunday count: 2."""
        p, records = _one_action("Pacific/Auckland", WEEK_13, self.AUCKLAND_WEEK)
        ev = evaluate(p, records, as_of=datetime(2027, 4, 4, 11, 59, 59, tzinfo=UTC), explain=True)
        assert {d.record_id for d in ev.action("A-1").decisions if d.counted} == {"mon-first", "all-day"}

    def test_three_months_before_the_31st_of_may_start_on_the_28th_of_february(self) -> None:
        """`dormant: {months: 3}` for a visit on Monday 31 May 2027 (its window's first day): the 3 months before
        it run from 28 February (no 31 February). A won deal on 28 February: active, 0; on 27 February: dormant
        (a deal in 2026 before: it has bought before), 1."""
        window = Window(datetime(2027, 5, 31, tzinfo=PARIS), datetime(2027, 6, 1, tzinfo=PARIS), "31 mai")
        visit = _visit("v", datetime(2027, 5, 31, 8, tzinfo=UTC))
        for last_order, done in ((date(2027, 2, 28), 0), (date(2027, 2, 27), 1)):
            deals = tuple(Deal(f"d{n}", "sf", "a1", "005J", Decimal(100), "EUR", day, DealStage.WON)
                          for n, day in enumerate((date(2026, 1, 5), last_order)))
            p, records = _one_action("Europe/Paris", window, (visit,), scope={"dormant": {"months": 3}}, deals=deals)
            assert evaluate(p, records, as_of=datetime(2027, 6, 2, tzinfo=PARIS)).action("A-1").done == done

    def test_an_accounts_owner_is_a_crm_user(self) -> None:
        """An activity whose owner id is an e-mail is its owner's (rule 1); an account's owner field holding an
        e-mail is no CRM user: not in `account_owner: julie` (docs/engine.md rule 1, decided 6 Dec 2026). Two
        accounts visited by Julie, one owned by her user 005J, one whose owner field is her e-mail: 1."""
        accounts = (Account("a1", "sf", "A1", "69003", "69", owner_id="005J"),
                    Account("a2", "sf", "A2", "69003", "69", owner_id=JULIE))
        visits = (_visit("v1", datetime(2027, 5, 3, 8, tzinfo=UTC)),
                  Activity("v2", "sf", ActivityType.VISIT, JULIE, "a2", datetime(2027, 5, 4, 8, tzinfo=UTC)))
        week = Window(datetime(2027, 5, 3, tzinfo=PARIS), datetime(2027, 5, 10, tzinfo=PARIS), "semaine 18")
        p, records = _one_action("Europe/Paris", week, visits, scope={"owner": JULIE}, accounts=accounts)
        assert evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS)).action("A-1").done == 1
        p, records = _one_action("Europe/Paris", week, visits, accounts=accounts)
        assert evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS)).action("A-1").done == 2


def test_connectors_place_postal_codes_as_the_docs_say() -> None:
    """The connectors' ``french_place`` gives each postal code the property draws the département the docs give (the
    engine reads ``Account.departement``, which they set)."""
    for postal in (*POSTAL, "20090", "20704", "97200", "97300", "97800", "2A004"):
        if postal is not None:
            assert french_place(postal)[0] == departement_of(postal), postal


@settings(max_examples=150, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(orgs())
def test_counts_equal_the_oracle(org: Org) -> None:
    _compare(org)


STORED_AT = datetime(2028, 1, 2, tzinfo=UTC)


@settings(max_examples=30, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(orgs())
def test_counts_read_from_the_store_equal_the_oracle(org: Org) -> None:
    """The nightly run reads the store as columns (``load_columns``), not the record objects: the same counts. A
    naive start cannot be stored (the connectors give aware instants) and the account history is the store's own
    (recorded at upserts), so both are left out here."""
    records = replace(org.records, account_changes=(), activities=tuple(
        a for a in org.records.activities if a.start is None or a.start.tzinfo is not None))
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{folder}/pac.db")
        try:
            for source in ("sf", "hs"):
                store_records.upsert_records(engine, source, [r for kind in (records.accounts, records.activities,
                                                                             records.deals, records.users)
                                                              for r in kind if r.source == source],
                                             run_id=1, now=STORED_AT)
            columns = store_records.load_columns(engine, ["sf", "hs"])
        finally:
            engine.dispose()
    _compare(Org(org.plan, records, org.as_of), columns)


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(orgs(), st.data())
def test_counts_of_an_incremental_night_equal_the_oracle(org: Org, data: st.DataObject) -> None:
    """The nights after the first are incremental (``evaluate_incremental``: only the records that changed, the
    actions they touch): the night before (a day, or an hour, earlier) some activities were not in the CRM yet and
    some were still planned; tonight's counts are the oracle's."""
    before = []
    for activity in org.records.activities:
        fate = data.draw(st.sampled_from(("same", "same", "new", "was_planned")))
        if fate == "same":
            before.append(activity)
        elif fate == "was_planned":
            before.append(replace(activity, status=ActivityStatus.PLANNED))
    earlier = replace(org.records, activities=tuple(before))
    last_night = org.as_of - timedelta(hours=data.draw(st.sampled_from((1, 24))))
    _, kept, _ = evaluate_incremental(org.plan, earlier, None, None, as_of=last_night)
    tonight, _, stats = evaluate_incremental(org.plan, org.records, Changes.between(earlier, org.records), kept,
                                             as_of=org.as_of)
    assert stats.mode == "incremental"
    oracle = Oracle(org.plan, org.records)
    for action in org.plan.actions:
        assert tonight.action(action.id).done == oracle.count(action, org.as_of).done, action.id
