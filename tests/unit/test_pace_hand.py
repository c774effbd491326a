"""The per-action figures a manager reads (expected by now, pace verdict in both languages, forecast at window end,
coverage and scope size, the out-of-reach note), computed by hand on small organisations and compared on the three
surfaces that show them: ``evaluate()``'s ``ActionProgress``, the quarterly report's actions table (its rows, the
CSV export, and the page's row with the out-of-reach note) and the CRM's pace field (``desired_state``: Salesforce's
``PAC_Pace__c`` and HubSpot's ``pac_pace`` are that value). Audit pacehand, 6 Dec 2026.

Every expected figure was written from docs/engine.md (*KPIs and ROI*, *Dates*, *Matching* rule 3), docs/plan-format.md
(windows, statuses, hand-overs) and the method (docs/pac-method.md) before reading pac_core/kpis.py; each case's
arithmetic is in its comment. The rules used by hand:

- the elapsed share of a window is counted on the plan's **wall clock**: (local as_of - local start) / (local end -
  local start), naive local times, clamped to [0, 1]; a window is [first instant, end instant);
- expected by now = target x share;
- pace: inactive > done (done >= target) > not started (as_of before the first instant) > missed (as_of at or after
  the end instant) > on track (share < 10 %, or done / target >= share) / at risk;
- forecast: None while share < 10 % unless the target is reached; else done / share, at most 3 x target and, when
  counting distinct accounts, the scope's size, never below done; after the window (share 1) it is done;
- coverage: accounts counted / accounts in the scope; scope size (distinct accounts only): the accounts the action's
  scope holds on its window's first day; out of reach: that size below the target while the target is not reached.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from connectors.base import ManagerEdit, Target
from connectors.hubspot.schema import OPTION_LABELS
from connectors.salesforce.schema import PACE_LABELS
from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.errors import InvalidInput
from pac_core.explain import explain_action, explain_axis
from pac_core.plan import ActivityType, Plan
from pac_core.records import Account, Activity, ActivityStatus, Records, User
from pac_core.results import ActionProgress, Evaluation
from sync_jobs import overrides as plan_state
from sync_jobs.diff import desired_state, record_key
from sync_jobs.report import write_actions_csv
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.sections_actions import actions as actions_section
from sync_jobs.report.tables import actions as actions_table
from sync_jobs.report_inputs import ReportInputs
from tests.fakes import SMALL_PLAN

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
JULIE, MARC = "julie@example.com", "marc@example.com"
USERS = (User("UJ", "sf", JULIE, "Julie"), User("UM", "sf", MARC, "Marc"))
WORDS = {"fr": {"done": "Terminée", "on_track": "Dans les temps", "at_risk": "À risque", "late": "Manquée",
                "not_started": "À venir", "inactive": "Inactive"},
         "en": {"done": "Done", "on_track": "On track", "at_risk": "At risk", "late": "Missed",
                "not_started": "Not started", "inactive": "Inactive"}}
NBSP, NNBSP = "\u00a0", "\u202f"

PLAN = """\
plan: {{name: PAC, year: {year}, timezone: {zone}, language: {lang}, currency: EUR}}
people: [{{email: julie@example.com, name: Julie, role: rep}}, {{email: marc@example.com, name: Marc, role: rep}}]
segments:
  - {{id: SEG, name: Rhône, kind: horizontal, scope: {seg}}}
  - {{id: SEG31, name: Haute-Garonne, kind: horizontal, scope: {{departement: "31"}}}}
axes:
  - {{id: AX, name: Clients du Rhône, segment: SEG, objective: {{additional_revenue: 100000, budget: 10000}}{status}}}
  - {{id: AX31, name: Dormants 31, segment: SEG31, objective: {{additional_revenue: 10000, budget: 1000}}}}
actions:
{actions}"""


def plan_of(actions: str, *, year: int = 2027, zone: str = "Europe/Paris", lang: str = "fr", status: str = "",
            seg: str = 'departement: "69"') -> Plan:
    """A plan of two segments (Rhône, Haute-Garonne), an axis each, and ``actions`` (YAML lines)."""
    return load_plan_text(PLAN.format(year=year, zone=zone, lang=lang, actions=actions, seg="{" + seg + "}",
                                      status=f", status: {status}" if status else ""), "pac.yaml")


def act(ident: str, what: str, when: str, *, axis: str = "AX", who: str = JULIE, more: str = "") -> str:
    return (f"  - {{id: {ident}, axis: {axis}, text: \"{ident}\", who: {who}, what: {{{what}}}, when: \"{when}\""
            f"{more}}}\n")


# c1..c8: clients of the Rhône (not dormant); h1..h3 dormant accounts of Haute-Garonne, h4 an active one there
ACCOUNTS = tuple(Account(f"c{k}", "sf", f"c{k}", postal_code="69003", departement="69", country="FR", dormant=False)
                 for k in range(1, 9)) + tuple(
    Account(f"h{k}", "sf", f"h{k}", postal_code="31000", departement="31", country="FR", dormant=k != 4)
    for k in range(1, 5))


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
       fold: int = 0) -> datetime:
    """A wall-clock time of ``zone`` as the UTC instant a CRM gives (``fold`` picks the second of a repeated hour)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone, fold=fold).astimezone(UTC)


def paris(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, year: int = 2027) -> datetime:
    return at(PARIS, year, month, day, hour, minute, second)


def act_rec(ident: str, account: str, start: datetime | None, *, kind: ActivityType = ActivityType.VISIT,
            owner: str = "UJ", day: date | None = None, whole_day: bool = False) -> Activity:
    return Activity(ident, "sf", kind, owner, account, start, ActivityStatus.COMPLETED, subject=ident, day=day,
                    whole_day=whole_day)


@dataclass(frozen=True)
class Hand:
    """What a manager should read for one action at one instant, worked out by hand."""

    done: int
    expected: float
    pace: str
    forecast: float | None
    coverage: float | None = None      # None: not checked
    scope: int | None = None           # the scope's size (distinct accounts), None for activities
    out_of_reach: bool = False


def _row_html(html: str, action_id: str) -> str:
    """The page's table row of one action (the actions section has one <tr> per action)."""
    rows = [r for r in re.findall(r"<tr\b.*?</tr>", html, flags=re.S) if re.search(rf">\s*{re.escape(action_id)}\b", r)]
    assert len(rows) == 1, (action_id, len(rows))
    return unescape(rows[0]).replace(NBSP, " ").replace(NNBSP, " ")


def check(plan: Plan, records: Records, as_of: datetime, expect: dict[str, Hand]) -> Evaluation:
    """Compare every hand figure with the engine, the report's actions table and page row, and the CRM's pace."""
    ev = evaluate(plan, records, as_of=as_of)
    state = desired_state(plan, ev)
    inputs = ReportInputs(plan, ev)
    for lang in ("fr", "en"):
        fmt = Formatter.for_plan(plan, lang)
        _, rows = actions_table(inputs, fmt)
        by_id = {row[1]: row for row in rows}
        html = actions_section(inputs, fmt)
        for ident, hand in expect.items():
            row = by_id[ident]
            where = (ident, as_of.isoformat(), lang)
            # done, target, progress, expected by now, forecast, pace words, pace code
            assert row[8] == hand.done, where
            assert row[11] == pytest.approx(hand.expected, abs=1e-9), where
            assert (row[12] is None) == (hand.forecast is None), (where, row[12])
            if hand.forecast is not None:
                assert row[12] == pytest.approx(hand.forecast, abs=1e-9), where
            assert (row[13], row[14]) == (WORDS[lang][hand.pace], hand.pace), where
            page = _row_html(html, ident)
            assert WORDS[lang][hand.pace] in page, where
            note = ("hors d'atteinte" if lang == "fr" else "out of reach")
            assert (note in page) == hand.out_of_reach, where
            if hand.out_of_reach:
                assert (f"hors d'atteinte : {hand.scope} compte" if lang == "fr"
                        else f"out of reach: {hand.scope} account") in page, where
    for ident, hand in expect.items():
        a: ActionProgress = ev.action(ident)
        place = (ident, as_of.isoformat())
        assert a.done == hand.done, place
        assert a.expected_by_now == pytest.approx(hand.expected, abs=1e-9), place
        assert a.pace.value == hand.pace, place
        assert (a.forecast is None) == (hand.forecast is None), (place, a.forecast)
        if hand.forecast is not None:
            assert a.forecast == pytest.approx(hand.forecast, abs=1e-9), place
        if hand.coverage is not None:
            assert a.coverage == pytest.approx(hand.coverage, abs=1e-9), place
        assert a.scope_accounts == hand.scope, place
        assert a.out_of_reach == hand.out_of_reach, place
        fields = state[(Target.ACTION, record_key(plan, ident))]
        assert (fields["pace"], fields["done"]) == (hand.pace, hand.done), place
        # the CRMs show the value with the report's words: Salesforce's picklist labels, HubSpot's option labels
        words = (WORDS["en"][hand.pace], WORDS["fr"][hand.pace])
        assert PACE_LABELS[fields["pace"]] == words and OPTION_LABELS[fields["pace"]] == words, place
        assert fields["progress_pct"] == pytest.approx(round(100 * hand.done / fields["target"], 1)), place
    return ev


# ---------------------------------------------------------------------------------------------------------------
# Organisation A (Paris, 2027): week 18 = Monday 3 May 00:00 - Monday 10 May 00:00 (Paris, UTC+2): 168 hours.
# A-W18D: visit 5 distinct accounts; A-W18N: 7 visits (every activity); A-W18T1: 1 account, written « 2027-W18 »;
# A-S18: as A-W18D, written « S18 »; A-CALLS: 7 calls.
# Julie's visits: v0 c6 Sun 2 May 23:30 (before the window), v1 c1 Mon 3 May 09:30, v2 c2 Tue 4 May 10:00,
# v3 c3 Wed 5 May 10:00, v4 c1 Wed 5 May 15:00 (c1 again), v5 c4 Sun 9 May 23:59:00, v6 c5 Mon 10 May 00:00 (after).
# Her calls: k1 c1 Mon 3 May 10:00, k2 c2 Tue 10:00, k3 c3 Wed 10:00, k4 c4 Fri 7 May 10:00.
# Scope of A-W18D, A-S18, A-W18T1: the Rhône's 8 clients c1..c8.
# ---------------------------------------------------------------------------------------------------------------
ORG_A = plan_of(act("A-W18D", "activity: visite, count: 5", "semaine 18")
                + act("A-W18N", "activity: visite, count: 7, counting: activités", "semaine 18")
                + act("A-W18T1", "activity: visite, count: 1", "2027-W18")
                + act("A-S18", "activity: visite, count: 5", "S18")
                + act("A-CALLS", "activity: appel, count: 7, counting: activités", "semaine 18"))
VISITS_A = (act_rec("v0", "c6", paris(5, 2, 23, 30)), act_rec("v1", "c1", paris(5, 3, 9, 30)),
            act_rec("v2", "c2", paris(5, 4, 10)), act_rec("v3", "c3", paris(5, 5, 10)),
            act_rec("v4", "c1", paris(5, 5, 15)), act_rec("v5", "c4", paris(5, 9, 23, 59)),
            act_rec("v6", "c5", paris(5, 10)))
CALLS_A = tuple(act_rec(f"k{k}", f"c{k}", paris(5, d, 10), kind=ActivityType.CALL)
                for k, d in ((1, 3), (2, 4), (3, 5), (4, 7)))
RECORDS_A = Records(accounts=ACCOUNTS, activities=VISITS_A + CALLS_A, users=USERS)
WEEK = 168 * 3600                                   # seconds in the week (wall clock)
S_1647 = (16 * 3600 + 47 * 60) / WEEK               # 16 h 47 min into the week: just under 10 %
S_LAST = (WEEK - 30) / WEEK                          # Sunday 23:59:30: 30 seconds before the end

CASES_A = [
    # 1-4. Sunday 2 May 12:00, before the window: nothing expected, « À venir », no forecast; the scope holds 8.
    (paris(5, 2, 12), {"A-W18D": Hand(0, 0.0, "not_started", None, 0.0, 8),
                       "A-W18N": Hand(0, 0.0, "not_started", None),
                       "A-W18T1": Hand(0, 0.0, "not_started", None, 0.0, 8),
                       "A-CALLS": Hand(0, 0.0, "not_started", None)}),
    # 5-8. Monday 3 May 00:00, the window's first instant: nothing of it has elapsed (share 0, expected 0, and an
    # evaluation counts what happened before its instant): still « À venir », as the end instant is already closed.
    # My first hand value said on track (the window [start, end) holds its first instant); decided for the engine:
    # May's closing snapshot, taken at 1 June 00:00, must list June's actions as to come (docs/engine.md, KPIs).
    (paris(5, 3), {"A-W18D": Hand(0, 0.0, "not_started", None, 0.0, 8),
                   "A-W18N": Hand(0, 0.0, "not_started", None),
                   "A-W18T1": Hand(0, 0.0, "not_started", None, 0.0, 8),
                   "A-CALLS": Hand(0, 0.0, "not_started", None)}),
    # 9-13. Monday 12:00: 12 / 168 = 1/14 elapsed, inside the first 10 %: v1 and k1 done.
    # A-W18D 5 / 14 = 0.357 expected, no verdict (on track), no forecast, coverage 1 / 8; A-W18N 7 / 14 = 0.5;
    # A-W18T1 target 1 reached: « Terminée », forecast = what is done, 1; A-S18 reads as A-W18D.
    (paris(5, 3, 12), {"A-W18D": Hand(1, 5 / 14, "on_track", None, 1 / 8, 8),
                       "A-W18N": Hand(1, 0.5, "on_track", None),
                       "A-W18T1": Hand(1, 1 / 14, "done", 1.0, 1 / 8, 8),
                       "A-S18": Hand(1, 5 / 14, "on_track", None, 1 / 8, 8),
                       "A-CALLS": Hand(1, 0.5, "on_track", None)}),
    # 14-15. Monday 16:47, one minute before 10 %: still no forecast, on track although 1 of 5 is behind nothing
    (paris(5, 3, 16, 47), {"A-W18D": Hand(1, 5 * S_1647, "on_track", None, 1 / 8, 8),
                           "A-W18N": Hand(1, 7 * S_1647, "on_track", None)}),
    # 16-18. Monday 16:48 = 16.8 h = exactly 10 %: the forecast appears. A-W18D 1 / 0.1 = 10, capped by its scope's
    # 8 accounts -> 8; 1 / 5 = 0.2 >= 0.1 on track; expected 0.5. A-W18N 1 / 0.1 = 10 (cap 21); expected 0.7.
    # A-CALLS the same as A-W18N (k1 at 10:00).
    (paris(5, 3, 16, 48), {"A-W18D": Hand(1, 0.5, "on_track", 8.0, 1 / 8, 8),
                           "A-W18N": Hand(1, 0.7, "on_track", 10.0),
                           "A-CALLS": Hand(1, 0.7, "on_track", 10.0)}),
    # 19-22. Thursday 6 May 00:00: 3 / 7 elapsed. A-W18D: c1, c2, c3 = 3 (v4 repeats c1), expected 15 / 7 = 2.143,
    # on track, forecast 3 / (3/7) = 7 (under 8 and 15), coverage 3 / 8. A-W18N: 4 visits, expected 3, forecast
    # 28 / 3. A-CALLS: 3 calls, EXACTLY the expected 7 x 3/7 = 3: on track, forecast 7.
    (paris(5, 6), {"A-W18D": Hand(3, 15 / 7, "on_track", 7.0, 3 / 8, 8),
                   "A-W18N": Hand(4, 3.0, "on_track", 28 / 3),
                   "A-CALLS": Hand(3, 3.0, "on_track", 7.0),
                   # A-W18T1 done, and it goes on counting: 3 accounts (300 %), forecast what is done, 3
                   "A-W18T1": Hand(3, 3 / 7, "done", 3.0, 3 / 8, 8)}),
    # 23-24. Saturday 8 May 00:00: 5 / 7. A-CALLS 4 (k4 on Friday) < 5 expected: at risk, forecast 4 x 7 / 5 = 5.6.
    # A-W18D 3 < 25 / 7 = 3.571: at risk, forecast 3 x 7 / 5 = 4.2.
    (paris(5, 8), {"A-CALLS": Hand(4, 5.0, "at_risk", 5.6),
                   "A-W18D": Hand(3, 25 / 7, "at_risk", 4.2, 3 / 8, 8)}),
    # 25-26. Sunday 23:59:30: v5 (23:59:00) counted: A-W18D 4 of 5 and A-W18N 5 of 7, the window still open: at risk,
    # expected target x (1 - 30 s / 168 h), forecast done / that share.
    (paris(5, 9, 23, 59, 30), {"A-W18D": Hand(4, 5 * S_LAST, "at_risk", 4 / S_LAST, 4 / 8, 8),
                               "A-W18N": Hand(5, 7 * S_LAST, "at_risk", 5 / S_LAST)}),
    # 27-30. Monday 10 May 00:00, the window's end instant: closed (v6 at that instant is week 19): missed, expected
    # the whole target, forecast = done. A-W18T1 stays done, with its 4 accounts.
    # Counting every activity, the coverage is the accounts touched: c1..c4 of the 8, 0.5 for both.
    (paris(5, 10), {"A-W18D": Hand(4, 5.0, "late", 4.0, 4 / 8, 8),
                    "A-W18N": Hand(5, 7.0, "late", 5.0, 4 / 8),
                    "A-CALLS": Hand(4, 7.0, "late", 4.0, 4 / 8),
                    "A-W18T1": Hand(4, 1.0, "done", 4.0, 4 / 8, 8)}),
    # 31-32. Tuesday 11 May 12:00, a day after: the same (v6 is after the window)
    (paris(5, 11, 12), {"A-W18D": Hand(4, 5.0, "late", 4.0, 4 / 8, 8),
                        "A-S18": Hand(4, 5.0, "late", 4.0, 4 / 8, 8)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_A, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_week_18(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_A, RECORDS_A, as_of, expect)


def test_the_csv_of_action_progress(tmp_path: Path) -> None:
    """The CSV export of the same table, Monday 3 May 12:00 (1/14 of week 18): A-W18D 1 of 5, expected 5 / 14 =
    0.357 shown to one decimal, 0,4 (French) / 0.4 (English); no forecast yet: an empty cell, not 0; pace in words and
    code. A-W18T1 done: forecast 1. A-W18N: expected 7 / 14 = 0.5."""
    ev = evaluate(ORG_A, RECORDS_A, as_of=paris(5, 3, 12))
    for lang, sep, words in (("fr", ";", ("0,4", "", "Dans les temps"), ), ("en", ",", ("0.4", "", "On track"))):
        text = write_actions_csv(ReportInputs(ORG_A, ev), tmp_path / f"a-{lang}.csv", lang).read_text("utf-8-sig")
        rows = {row[1]: row for row in csv.reader(io.StringIO(text), delimiter=sep)}
        assert rows["A-W18D"][8:15] == ["1", "5", "20,0" if lang == "fr" else "20.0", *words, "on_track"]
        assert rows["A-W18T1"][12:15] == ["1,0" if lang == "fr" else "1.0", "Terminée" if lang == "fr" else "Done",
                                        "done"]
        assert rows["A-W18N"][11] == ("0,5" if lang == "fr" else "0.5")
        assert rows["A-W18D"][15] == rows["A-W18T1"][15] == ""   # the note column: none is out of reach


def test_weeks_18_to_20() -> None:
    """33. « semaines 18 à 20 » is 3 - 23 May (21 days); on 13 May 12:00, 10.5 / 21 = 0.5 elapsed: 12 x 0.5 = 6
    expected, and v1..v6 (v6 on 10 May is week 19) are 6 visits: exactly on the expected figure, on track, forecast
    6 / 0.5 = 12."""
    plan = plan_of(act("A-R", "activity: visite, count: 12, counting: activités", "semaines 18 à 20"))
    check(plan, RECORDS_A, paris(5, 13, 12), {"A-R": Hand(6, 6.0, "on_track", 12.0)})


# ---------------------------------------------------------------------------------------------------------------
# Summer and winter time in Paris, 2027: summer time starts on Sunday 28 March (02:00 -> 03:00), ends on Sunday
# 31 October (03:00 -> 02:00). Week 12 = 22 - 28 March (167 real hours), week 43 = 25 - 31 October (169 real
# hours), October 744 wall-clock hours (745 real). Shares are wall-clock: 7 days x 24 h = 168 h a week.
# D-W12: 12 calls in week 12, 7 made Monday to Thursday. D-W12M: 14 meetings in week 12, 13 made Monday - Saturday.
# D-W12X: 14 demos in week 12, 12 made. D-OCT: 31 visits in October, one a day 1 - 30 October at 10:00.
# D-W43: 7 calls in week 43, one a day Monday 25 - Saturday 30 October, the 7th on Sunday 31 at 23:30 (winter time).
# ---------------------------------------------------------------------------------------------------------------
ORG_DST = plan_of(act("D-W12", "activity: appel, count: 12, counting: activités", "semaine 12")
                  + act("D-W12M", "activity: rendez-vous, count: 14, counting: activités", "semaine 12")
                  + act("D-W12X", "activity: démo, count: 14, counting: activités", "semaine 12")
                  + act("D-OCT", "activity: visite, count: 31, counting: activités", "octobre 2027")
                  + act("D-W43", "activity: appel, count: 7, counting: activités", "semaine 43"))
RECORDS_DST = Records(accounts=ACCOUNTS, users=USERS, activities=(
    tuple(act_rec(f"w12c{k}", "c1", paris(3, 22 + k // 2, 9 + k % 2), kind=ActivityType.CALL) for k in range(7))
    + tuple(act_rec(f"w12m{k}", "c2", paris(3, 22 + k // 3, 9 + k % 3), kind=ActivityType.MEETING)
            for k in range(13))
    + tuple(act_rec(f"w12d{k}", "c3", paris(3, 22 + k // 2, 9 + k % 2), kind=ActivityType.DEMO) for k in range(12))
    + tuple(act_rec(f"oct{d}", "c4", paris(10, d, 10)) for d in range(1, 31))
    + tuple(act_rec(f"w43c{d}", "c5", paris(10, d, 10), kind=ActivityType.CALL) for d in range(25, 31))
    + (act_rec("w43c31", "c5", paris(10, 31, 23, 30), kind=ActivityType.CALL),)))

CASES_DST = [
    # 34. Friday 26 March 02:00 (winter time): 4 days 2 h = 98 of 168 wall-clock hours; 12 x 98 / 168 = 7 expected;
    # the 7 calls (Monday - Thursday) are exactly on it: on track; forecast 7 / (98/168) = 12. (In real hours,
    # 98 / 167, 7.04 expected and at risk: docs/engine.md's example.)
    (paris(3, 26, 2), {"D-W12": Hand(7, 7.0, "on_track", 12.0)}),
    # 35-36. Sunday 28 March 12:00 (summer time since 03:00): the wall clock has run 6 days 12 h = 156 h (155 real);
    # 14 x 156 / 168 = 13 expected. D-W12M's 13 meetings: exactly on it, on track, forecast 13 x 168 / 156 = 14.
    # D-W12X's 12 demos: at risk, forecast 12 x 168 / 156 = 12.923.
    (paris(3, 28, 12), {"D-W12M": Hand(13, 13.0, "on_track", 14.0),
                        "D-W12X": Hand(12, 13.0, "at_risk", 12 * 168 / 156)}),
    # 37. Sunday 31 October 02:30 summer time (00:30 UTC, the first 02:30): 6 days 2.5 h = 146.5 of 168 h;
    # D-W43 6 calls, expected 7 x 146.5 / 168 = 6.104, 6 / 7 = 0.857 < 0.872: at risk, forecast 6 x 168 / 146.5.
    (at(PARIS, 2027, 10, 31, 2, 30), {"D-W43": Hand(6, 7 * 146.5 / 168, "at_risk", 6 * 168 / 146.5)}),
    # 38. The same wall-clock 02:30 an hour later, in winter time (01:30 UTC): the plan's clock reads the same time,
    # so the same share and figures (wall clock, not real hours).
    (at(PARIS, 2027, 10, 31, 2, 30, fold=1), {"D-W43": Hand(6, 7 * 146.5 / 168, "at_risk", 6 * 168 / 146.5)}),
    # 39-40. Sunday 31 October 12:00 winter time: 156 / 168 of week 43 (6.5 of 7 expected; 6 done, at risk, forecast
    # 6 x 168 / 156 = 6.4615); October: 30.5 of 31 days (31 x 30.5 / 31 = 30.5 expected; 30 visits, at risk,
    # forecast 30 x 31 / 30.5 = 30.4918).
    (paris(10, 31, 12), {"D-W43": Hand(6, 6.5, "at_risk", 6 * 168 / 156),
                         "D-OCT": Hand(30, 30.5, "at_risk", 30 * 31 / 30.5)}),
    # 41-42. Monday 1 November 02:00: week 43 ended at 1 November 00:00 winter time (23:00 UTC); the call of Sunday
    # 23:30 winter time (22:30 UTC) is in it: 7 of 7, done. October missed, 30 of 31, forecast 30.
    (paris(11, 1, 2), {"D-W43": Hand(7, 7.0, "done", 7.0),
                       "D-OCT": Hand(30, 31.0, "late", 30.0)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_DST, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_summer_and_winter_time_in_paris(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_DST, RECORDS_DST, as_of, expect)


# ---------------------------------------------------------------------------------------------------------------
# A plan in America/New_York (English, 2027): summer time starts on Sunday 14 March 2027 at 02:00 (-> 03:00).
# « week 10 » is ISO week 10, Monday 8 - Sunday 14 March; « week 18 » ISO week 18, 3 - 9 May (on a US calendar,
# Excel's WEEKNUM, week 18 is 25 April - 1 May). Accounts u1..u3 in the US; the segment's scope is the US.
# N-W10: 14 calls in week 10, 13 made Monday 8 - Saturday 13 March. N-MAR: 31 visits in March 2027: one at
# 2027-03-01T04:30Z (Sunday 28 February 23:30 EST: February), one a day 1 - 13 March at 12:00 EST, one at
# 2027-03-14T06:30Z (14 March 01:30 EST: March), one at 2027-04-01T03:30Z (31 March 23:30 EDT: March).
# N-W18: 1 visit in week 18, none made.
# ---------------------------------------------------------------------------------------------------------------
ORG_NY = plan_of(act("N-W10", "activity: call, count: 14, counting: activities", "week 10")
                 + act("N-MAR", "activity: visit, count: 31, counting: activities", "March 2027")
                 + act("N-W18", "activity: visit, count: 1", "week 18"),
                 zone="America/New_York", lang="en", seg="country: US")
US_ACCOUNTS = tuple(Account(f"u{k}", "sf", f"u{k}", postal_code="10001", country="US", dormant=False)
                    for k in range(1, 4))


def ny(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return at(NEW_YORK, 2027, month, day, hour, minute)


RECORDS_NY = Records(accounts=US_ACCOUNTS, users=USERS, activities=(
    *(act_rec(f"nc{k}", "u1", ny(3, 8 + k // 3, 9 + k % 3), kind=ActivityType.CALL) for k in range(13)),
    act_rec("feb", "u2", datetime(2027, 3, 1, 4, 30, tzinfo=UTC)),
    *(act_rec(f"mar{d}", "u2", ny(3, d, 12)) for d in range(1, 14)),
    act_rec("mar14", "u2", datetime(2027, 3, 14, 6, 30, tzinfo=UTC)),
    act_rec("mar31", "u2", datetime(2027, 4, 1, 3, 30, tzinfo=UTC))))

CASES_NY = [
    # 43. Sunday 14 March 12:00 EDT (16:00 UTC): 6 days 12 h of the wall clock (155 real hours): 156 / 168;
    # 14 x 156 / 168 = 13 expected, 13 calls: on track, forecast 14.
    (datetime(2027, 3, 14, 16, tzinfo=UTC), {"N-W10": Hand(13, 13.0, "on_track", 14.0)}),
    # 44. Monday 15 March 00:00 EDT (04:00 UTC): 14 of March's 31 days; 14 visits (1 - 13 March and 14 March
    # 01:30 EST; not the 28 February one): exactly the 14 expected, on track, forecast 14 x 31 / 14 = 31.
    (datetime(2027, 3, 15, 4, tzinfo=UTC), {"N-MAR": Hand(14, 14.0, "on_track", 31.0)}),
    # 45. Thursday 1 April 00:00 EDT (04:00 UTC), March's end instant: 15 visits (31 March 23:30 EDT counts):
    # missed, expected 31, forecast 15.
    (datetime(2027, 4, 1, 4, tzinfo=UTC), {"N-MAR": Hand(15, 31.0, "late", 15.0)}),
    # 46. Sunday 2 May 08:00 EDT: ISO week 18 has not begun (the US calendar's week 18 would be over: missed):
    # not started; the scope holds the 3 US accounts.
    (datetime(2027, 5, 2, 12, tzinfo=UTC), {"N-W18": Hand(0, 0.0, "not_started", None, 0.0, 3)}),
    # 47. Wednesday 5 May 12:00 EDT: 2.5 of 7 days; 1 x 2.5 / 7 expected, 0 done: at risk, forecast 0.
    (datetime(2027, 5, 5, 16, tzinfo=UTC), {"N-W18": Hand(0, 2.5 / 7, "at_risk", 0.0, 0.0, 3)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_NY, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_a_plan_in_new_york(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_NY, RECORDS_NY, as_of, expect)


# ---------------------------------------------------------------------------------------------------------------
# Whole-day activities on the window's last day, at the 02:00 night. Week 18 again (3 - 9 May 2027).
# WD-1: visit 2 distinct accounts: c1 on Tuesday 4 May 10:00, and c2 by an all-day Event of Sunday 9 May (whole
# day, no status of its own: it has happened once 9 May is over). WD-2: 2 calls: c1 on Tuesday 10:00 and a completed
# task dated Sunday 9 May (a day, its status says done: counted from 9 May 00:00).
# ---------------------------------------------------------------------------------------------------------------
ORG_WD = plan_of(act("WD-1", "activity: visite, count: 2", "semaine 18")
                 + act("WD-2", "activity: appel, count: 2, counting: activités", "semaine 18"))
RECORDS_WD = Records(accounts=ACCOUNTS, users=USERS, activities=(
    act_rec("wd-v", "c1", paris(5, 4, 10)), act_rec("wd-e", "c2", None, day=date(2027, 5, 9), whole_day=True),
    act_rec("wd-c", "c1", paris(5, 4, 10), kind=ActivityType.CALL),
    act_rec("wd-t", "c2", None, day=date(2027, 5, 9), kind=ActivityType.CALL)))

CASES_WD = [
    # 48-49. The 02:00 night of Sunday 9 May: 6 days 2 h = 146 / 168 elapsed. WD-1: Sunday's all-day visit is not
    # over: 1 of 2, expected 2 x 146 / 168 = 1.738, 0.5 < 0.869 at risk, forecast 1 x 168 / 146 = 1.1507, coverage
    # 1 / 8. WD-2: the task of the day counts: 2 of 2, done; past 10 % the forecast is projected even for a reached
    # target (docs: "what is done" only before 10 %): 2 x 168 / 146 = 2.30 (my first hand value said 2).
    (paris(5, 9, 2), {"WD-1": Hand(1, 2 * 146 / 168, "at_risk", 168 / 146, 1 / 8, 8),
                      "WD-2": Hand(2, 2 * 146 / 168, "done", 2 * 168 / 146)}),
    # 50. The 02:00 night of Monday 10 May (the window closed at 00:00): Sunday is over, its all-day visit counts:
    # 2 of 2, done (not missed), expected 2, forecast 2, coverage 2 / 8.
    (paris(5, 10, 2), {"WD-1": Hand(2, 2.0, "done", 2.0, 2 / 8, 8)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_WD, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_whole_day_activities_on_the_last_day(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_WD, RECORDS_WD, as_of, expect)


# ---------------------------------------------------------------------------------------------------------------
# Targets of 1 and unusual ones (Paris, 2027). May = 31 days = 744 wall-clock hours; T2 = 1 April - 30 June, 91 days.
# T-1: 1 account in May, visited on Saturday 1 May at 03:00. T-1B: 1 account in June, none. T-CAP: 2 meetings in May,
# one on 2 May 10:00. T-BIG: 1000 demos in T2, one on 10 April. T-OVER: 2 e-mails in May, 3 sent on 2, 3, 4 May.
# ---------------------------------------------------------------------------------------------------------------
ORG_T = plan_of(act("T-1", "activity: visite, count: 1", "mai 2027")
                + act("T-1B", "activity: appel, count: 1", "juin 2027")
                + act("T-CAP", "activity: rendez-vous, count: 2, counting: activités", "mai 2027")
                + act("T-BIG", "activity: démo, count: 1000, counting: activités", "T2")
                + act("T-OVER", "activity: e-mail, count: 2, counting: activités", "mai 2027"))
RECORDS_T = Records(accounts=ACCOUNTS, users=USERS, activities=(
    act_rec("t1", "c1", paris(5, 1, 3)), act_rec("tcap", "c1", paris(5, 2, 10), kind=ActivityType.MEETING),
    act_rec("tbig", "c1", paris(4, 10, 10), kind=ActivityType.DEMO),
    *(act_rec(f"tm{d}", "c2", paris(5, d, 10), kind=ActivityType.EMAIL) for d in (2, 3, 4))))

CASES_T = [
    # 51. 1 May 05:00: 5 of 744 hours; T-1 reached two hours after the window opened: done, forecast 1 (what is
    # done, not projected), expected 5 / 744 = 0.0067, coverage 1 / 8.
    (paris(5, 1, 5), {"T-1": Hand(1, 5 / 744, "done", 1.0, 1 / 8, 8)}),
    # 52-54. 4 May 12:00: 3.5 / 31 = 11.3 % of May. T-CAP 1 of 2: 0.5 >= 0.113 on track, expected 7 / 31 = 0.2258,
    # forecast 1 / (3.5/31) = 8.86, capped at 3 x 2 = 6. T-OVER: 3 e-mails of 2 (150 %): done, forecast
    # 3 / (3.5/31) = 26.6 capped at 6.
    # T-BIG: 1 of 1000; 33.5 days of T2's 91 gone: 1000 x 33.5 / 91 = 368.1 expected, at risk, forecast 91 / 33.5.
    (paris(5, 4, 12), {"T-CAP": Hand(1, 7 / 31, "on_track", 6.0),
                       "T-OVER": Hand(3, 2 * 3.5 / 31, "done", 6.0),
                       "T-BIG": Hand(1, 1000 * 33.5 / 91, "at_risk", 91 / 33.5)}),
    # 55. 16 June 00:00: 15 of June's 30 days; T-1B 0 of 1: expected 0.5, at risk, forecast 0.
    (paris(6, 16), {"T-1B": Hand(0, 0.5, "at_risk", 0.0, 0.0, 8)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_T, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_targets_of_one_and_unusual_ones(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_T, RECORDS_T, as_of, expect)


@pytest.mark.parametrize("count", ["0", "-2", "1.5", "0.0"])
def test_a_target_of_zero_or_not_whole_is_refused(count: str) -> None:
    """56-59. A target of 0 would make every action « Terminée » with nothing done (0 >= 0) and a progress of 0 / 0:
    the plan format asks for a positive whole number, so the plan is refused at its line, never evaluated."""
    with pytest.raises(InvalidInput, match="count"):
        plan_of(act("T-0", f"activity: visite, count: {count}", "mai 2027"))


# ---------------------------------------------------------------------------------------------------------------
# Distinct accounts with a scope smaller than the target (the demo's A-08). Haute-Garonne (31): h1, h2, h3 dormant,
# h4 not. O-6: visit 6 dormant accounts of the 31 in June 2027 (the scope holds 3: out of reach); O-3: 3 of them
# (reachable). Julie visits h1 on 2 June, h2 on 4 June, h3 on 5 June, h4 (not dormant: no count) on 6 June.
# ---------------------------------------------------------------------------------------------------------------
DORMANT_31 = "activity: visite, count: {n}, scope: {{dormant: true}}"
ORG_O = plan_of(act("O-6", DORMANT_31.format(n=6), "juin 2027", axis="AX31")
                + act("O-3", DORMANT_31.format(n=3), "juin 2027", axis="AX31"))
RECORDS_O = Records(accounts=ACCOUNTS, users=USERS, activities=tuple(
    act_rec(f"o{k}", f"h{k}", paris(6, d, 10)) for k, d in ((1, 2), (2, 4), (3, 5), (4, 6))))

CASES_O = [
    # 60-61. 15 May, before June: not started; O-6 out of reach already, « hors d'atteinte : 3 comptes dans le
    # périmètre », so the plan can be fixed in time; O-3 not.
    (paris(5, 15), {"O-6": Hand(0, 0.0, "not_started", None, 0.0, 3, out_of_reach=True),
                    "O-3": Hand(0, 0.0, "not_started", None, 0.0, 3)}),
    # 62. 3 June 00:00: 2 / 30 elapsed (under 10 %): h1 visited, 1 of 6, expected 0.4, no verdict, no forecast.
    (paris(6, 3), {"O-6": Hand(1, 0.4, "on_track", None, 1 / 3, 3, out_of_reach=True)}),
    # 63-64. 10 June 00:00: 9 / 30 = 0.3; 3 of 6 visited: 0.5 >= 0.3 on track (the pace is unchanged by the note),
    # expected 1.8; forecast 3 / 0.3 = 10, capped by the scope's 3 accounts: 3 (never below done, 3); coverage 3 / 3.
    # O-3: 3 of 3 done, forecast min(10, 9, 3) = 3.
    (paris(6, 10), {"O-6": Hand(3, 1.8, "on_track", 3.0, 1.0, 3, out_of_reach=True),
                    "O-3": Hand(3, 0.9, "done", 3.0, 1.0, 3)}),
    # 65. 2 July 12:00: June is over: O-6 missed at 3 of 6, forecast 3, still out of reach (why it was missed).
    (paris(7, 2, 12), {"O-6": Hand(3, 6.0, "late", 3.0, 1.0, 3, out_of_reach=True)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_O, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_a_scope_smaller_than_the_target(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_O, RECORDS_O, as_of, expect)


# ---------------------------------------------------------------------------------------------------------------
# An action handed over mid-window. H-1: visit 5 distinct Rhône accounts in May 2027, now Marc's, handed over by
# Julie on 16 May (Marc's first day). Julie: c1 3 May 10:00, c2 15 May 23:30 (before 16 May 00:00: counts), c3 16 May
# 00:30 (after the hand-over: not counted). Marc: c4 5 May 10:00 (before his first day: counts), c5 20 May 10:00,
# c1 25 May 10:00 (c1 already counted).
# ---------------------------------------------------------------------------------------------------------------
ORG_H = plan_of(act("H-1", "activity: visite, count: 5", "mai 2027", who=MARC,
                    more=f", handed_over: {{from: {JULIE}, on: 2027-05-16}}"))
RECORDS_H = Records(accounts=ACCOUNTS, users=USERS, activities=(
    act_rec("hj1", "c1", paris(5, 3, 10)), act_rec("hj2", "c2", paris(5, 15, 23, 30)),
    act_rec("hj3", "c3", paris(5, 16, 0, 30)), act_rec("hm4", "c4", paris(5, 5, 10), owner="UM"),
    act_rec("hm5", "c5", paris(5, 20, 10), owner="UM"), act_rec("hm1", "c1", paris(5, 25, 10), owner="UM")))

CASES_H = [
    # 66. 16 May 12:00: 15.5 / 31 = 0.5; c1, c2 (Julie), c4 (Marc) = 3; expected 2.5; 0.6 >= 0.5 on track; forecast
    # 3 / 0.5 = 6 (under 15 and the 8 accounts); coverage 3 / 8.
    (paris(5, 16, 12), {"H-1": Hand(3, 2.5, "on_track", 6.0, 3 / 8, 8)}),
    # 67. 21 May 00:00: 20 / 31; c5 added: 4; expected 100 / 31 = 3.226; on track; forecast 4 x 31 / 20 = 6.2.
    (paris(5, 21), {"H-1": Hand(4, 100 / 31, "on_track", 6.2, 4 / 8, 8)}),
    # 68. 1 June 02:00: May is over at 4 of 5 (not 2 / 5, which Marc's own visits would give): missed, forecast 4.
    (paris(6, 1, 2), {"H-1": Hand(4, 5.0, "late", 4.0, 4 / 8, 8)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_H, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_an_action_handed_over_mid_window(as_of: datetime, expect: dict[str, Hand]) -> None:
    ev = check(ORG_H, RECORDS_H, as_of, expect)
    # the action is Marc's everywhere else, with the full count: the report's row and the CRM record's owner
    _, rows = actions_table(ReportInputs(ORG_H, ev), Formatter.for_plan(ORG_H, "fr"))
    assert [(row[0], row[1]) for row in rows] == [("Marc", "H-1")]
    assert desired_state(ORG_H, ev)[(Target.ACTION, record_key(ORG_H, "H-1"))]["owner_email"] == MARC


# ---------------------------------------------------------------------------------------------------------------
# Actions of a suspended axis. AX (the Rhône) is suspended from 12 May to 30 June 2027 (inclusive), « charge usine ».
# S-W18: 2 accounts in week 18 (3 - 9 May, closed before the suspension); S-W18B: 5 accounts in week 18; S-MAI: 5
# accounts in May (closes while suspended); S-JUL: 5 accounts in July (after). Julie visits c1 on 4 May, c2 on 5 May.
# The figures are counted as usual; only the pace says the action is in no total (inactive > every other pace).
# ---------------------------------------------------------------------------------------------------------------
ORG_S = plan_of(act("S-W18", "activity: visite, count: 2", "semaine 18")
                + act("S-W18B", "activity: visite, count: 5", "semaine 18")
                + act("S-MAI", "activity: visite, count: 5", "mai 2027")
                + act("S-JUL", "activity: visite, count: 5", "juillet 2027"),
                status='{state: suspended, reason: "charge usine", since: 2027-05-12, until: 2027-06-30}')
RECORDS_S = Records(accounts=ACCOUNTS, users=USERS, activities=(
    act_rec("s1", "c1", paris(5, 4, 10)), act_rec("s2", "c2", paris(5, 5, 10))))

CASES_S = [
    # 69-72. 11 May 12:00, before the suspension: S-W18 done (2 of 2), S-W18B missed (2 of 5, forecast 2),
    # S-MAI 10.5 / 31: 2 of 5 = 0.4 >= 0.339 on track, expected 5 x 10.5 / 31 = 1.694, forecast 2 x 31 / 10.5 = 5.905;
    # S-JUL not started.
    (paris(5, 11, 12), {"S-W18": Hand(2, 2.0, "done", 2.0, 2 / 8, 8),
                        "S-W18B": Hand(2, 5.0, "late", 2.0, 2 / 8, 8),
                        "S-MAI": Hand(2, 5 * 10.5 / 31, "on_track", 2 * 31 / 10.5, 2 / 8, 8),
                        "S-JUL": Hand(0, 0.0, "not_started", None, 0.0, 8)}),
    # 73-76. 20 May 12:00, suspended: every action of the axis « Inactive », whatever it read (done, missed, running,
    # to come); S-MAI's figures at 19.5 / 31: expected 5 x 19.5 / 31, forecast 2 x 31 / 19.5.
    (paris(5, 20, 12), {"S-W18": Hand(2, 2.0, "inactive", 2.0, 2 / 8, 8),
                        "S-W18B": Hand(2, 5.0, "inactive", 2.0, 2 / 8, 8),
                        "S-MAI": Hand(2, 5 * 19.5 / 31, "inactive", 2 * 31 / 19.5, 2 / 8, 8),
                        "S-JUL": Hand(0, 0.0, "inactive", None, 0.0, 8)}),
    # 77-80. 15 July 00:00, the suspension over (30 June past): S-W18 and S-W18B read as before it (done, missed);
    # S-MAI, whose window closed while the axis was on hold, stays inactive (not « Manquée »); S-JUL live again,
    # 14 / 31: 0 of 5, expected 70 / 31 = 2.258, at risk, forecast 0.
    (paris(7, 15), {"S-W18": Hand(2, 2.0, "done", 2.0, 2 / 8, 8),
                    "S-W18B": Hand(2, 5.0, "late", 2.0, 2 / 8, 8),
                    "S-MAI": Hand(2, 5.0, "inactive", 2.0, 2 / 8, 8),
                    "S-JUL": Hand(0, 70 / 31, "at_risk", 0.0, 0.0, 8)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_S, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_actions_of_a_suspended_axis(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_S, RECORDS_S, as_of, expect)


def test_actions_of_a_dropped_axis_and_cancelled_actions() -> None:
    """81-85. A dropped axis (no since: the whole period): its action X-1 (5 accounts in May) is inactive before May
    too (inactive > not started), and on 16 May 12:00 (0.5 of May, c1 and c2 visited: expected 2.5, forecast 4).
    Cancelled actions (axis live): C-1 cancelled since 12 May, week 18: on 11 May it counts as it did, missed at 2 of
    5; on 20 May inactive. C-2 cancelled with no day: inactive on 11 May already."""
    dropped = plan_of(act("X-1", "activity: visite, count: 5", "mai 2027"),
                      status='{state: dropped, reason: "ROI trop faible"}')
    check(dropped, RECORDS_S, paris(4, 15), {"X-1": Hand(0, 0.0, "inactive", None, 0.0, 8)})
    check(dropped, RECORDS_S, paris(5, 16, 12), {"X-1": Hand(2, 2.5, "inactive", 4.0, 2 / 8, 8)})
    cancelled = plan_of(act("C-1", "activity: visite, count: 5", "semaine 18",
                            more=", status: {state: cancelled, since: 2027-05-12}")
                        + act("C-2", "activity: visite, count: 5", "semaine 18", more=", status: annulé"))
    check(cancelled, RECORDS_S, paris(5, 11), {"C-1": Hand(2, 5.0, "late", 2.0, 2 / 8, 8),
                                               "C-2": Hand(2, 5.0, "inactive", 2.0, 2 / 8, 8)})
    check(cancelled, RECORDS_S, paris(5, 20), {"C-1": Hand(2, 5.0, "inactive", 2.0, 2 / 8, 8)})


# ---------------------------------------------------------------------------------------------------------------
# Week-numbered windows cut to the plan (a 2026 plan): « semaine 53 » is 28 December 2026 - 3 January 2027, cut to
# 28 - 31 December (4 days); « semaine 1 » is 29 December 2025 - 4 January 2026, cut to 1 - 4 January (4 days).
# W-53: 4 calls: 28 Dec 10:00, 29 Dec 10:00, 31 Dec 23:30, 2 Jan 2027 10:00 (after the plan). W-1: 4 calls: 1 Jan 10:00.
# ---------------------------------------------------------------------------------------------------------------
ORG_W = plan_of(act("W-53", "activity: appel, count: 4, counting: activités", "semaine 53")
                + act("W-1", "activity: appel, count: 4, counting: activités", "semaine 1"), year=2026)
RECORDS_W = Records(accounts=ACCOUNTS, users=USERS, activities=tuple(
    act_rec(f"w{k}", "c1", when, kind=ActivityType.CALL) for k, when in enumerate(
        (paris(12, 28, 10, year=2026), paris(12, 29, 10, year=2026), paris(12, 31, 23, 30, year=2026),
         paris(1, 2, 10, year=2027), paris(1, 1, 10, year=2026)))))

CASES_W = [
    # 86. 30 December 2026 00:00: 2 of the cut window's 4 days: 4 x 2/4 = 2 expected, 2 calls: on track, forecast 4
    # (over 7 days it would be 8 / 7 expected).
    (paris(12, 30, year=2026), {"W-53": Hand(2, 2.0, "on_track", 4.0)}),
    # 87. 1 January 2027 02:00, after the plan's end: the window closed at 1 January 00:00: 3 calls (31 December
    # 23:30 in, 2 January out), missed, expected 4, forecast 3.
    (paris(1, 1, 2, year=2027), {"W-53": Hand(3, 4.0, "late", 3.0)}),
    # 88. 3 January 2026 00:00: 2 of 1 - 4 January's 4 days; 1 call of 4: 0.25 < 0.5 at risk, expected 2,
    # forecast 1 / 0.5 = 2.
    (paris(1, 3, year=2026), {"W-1": Hand(1, 2.0, "at_risk", 2.0)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_W, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_weeks_cut_to_the_plan(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_W, RECORDS_W, as_of, expect)


# ---------------------------------------------------------------------------------------------------------------
# The last day of a leap-year February (a 2028 plan). February 2028 = 29 days (696 hours). L-FEB: 29 visits, one a
# day 1 - 28 February at 10:00, one on 29 February 23:30, one on 1 March 00:30 (March). L-29: 2 calls on « 29 février »,
# one at 09:00. L-DL: 60 meetings « avant le 29/02/2028 », 1 January - 29 February = 60 days, none made.
# ---------------------------------------------------------------------------------------------------------------
ORG_L = plan_of(act("L-FEB", "activity: visite, count: 29, counting: activités", "février 2028")
                + act("L-29", "activity: appel, count: 2, counting: activités", "29 février")
                + act("L-DL", "activity: rendez-vous, count: 60, counting: activités", "avant le 29/02/2028"),
                year=2028)
RECORDS_L = Records(accounts=ACCOUNTS, users=USERS, activities=(
    *(act_rec(f"lf{d}", "c1", paris(2, d, 10, year=2028)) for d in range(1, 29)),
    act_rec("lf29", "c1", paris(2, 29, 23, 30, year=2028)), act_rec("lm1", "c1", paris(3, 1, 0, 30, year=2028)),
    act_rec("l29", "c2", paris(2, 29, 9, year=2028), kind=ActivityType.CALL)))

CASES_L = [
    # 89. 29 February 2028 00:00: 28 of 29 days: 29 x 28/29 = 28 expected, 28 visits: on track, forecast 29.
    (paris(2, 29, year=2028), {"L-FEB": Hand(28, 28.0, "on_track", 29.0)}),
    # 90. 29 February 12:00: « 29 février » is half gone: 1 expected, 1 call: on track, forecast 2.
    (paris(2, 29, 12, year=2028), {"L-29": Hand(1, 1.0, "on_track", 2.0)}),
    # 91. 1 March 2028 02:00: February closed with the 29 February 23:30 visit: 29 of 29, done (the 1 March one is
    # March's), forecast 29.
    (paris(3, 1, 2, year=2028), {"L-FEB": Hand(29, 29.0, "done", 29.0)}),
    # 92. 30 January 2028 00:00: 29 of the deadline's 60 days: 60 x 29/60 = 29 expected, none made: at risk,
    # forecast 0.
    (paris(1, 30, year=2028), {"L-DL": Hand(0, 29.0, "at_risk", 0.0)}),
]


@pytest.mark.parametrize(("as_of", "expect"), CASES_L, ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_the_last_day_of_a_leap_february(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_L, RECORDS_L, as_of, expect)


def test_29_february_of_a_common_year_is_refused() -> None:
    """93. « 29 février » in the 2027 plan names no day: refused at its line."""
    with pytest.raises(InvalidInput, match="29"):
        plan_of(act("L-29", "activity: appel, count: 2, counting: activités", "29 février"))


@pytest.mark.parametrize(("as_of", "expect"), [
    # 94. 12 May 00:00, the suspension's first instant (since 12 May): an evaluation at a local midnight counts the
    # day before (11 May, the last day its figures hold), when the axis was live: S-MAI still on track at 11 / 31
    # (2 of 5 = 0.4 >= 0.355; forecast 2 x 31 / 11 = 5.636). Decided with the first instant of a window (below).
    (paris(5, 12), {"S-MAI": Hand(2, 5 * 11 / 31, "on_track", 2 * 31 / 11, 2 / 8, 8)}),
    # 95. 12 May 00:01: 12 May has begun, the axis is suspended: inactive.
    (paris(5, 12, 0, 1), {"S-MAI": Hand(2, 5 * (11 + 1 / 1440) / 31, "inactive", 2 * 31 / (11 + 1 / 1440), 2 / 8, 8)}),
    # 96-97. 1 July 00:00: the figures hold up to 30 June, the suspension's last day: S-JUL still inactive (not « À
    # venir »); at 00:01 the axis is live again and July has begun: 1 minute of 31 days, too early for a verdict.
    (paris(7, 1), {"S-JUL": Hand(0, 0.0, "inactive", None, 0.0, 8)}),
    (paris(7, 1, 0, 1), {"S-JUL": Hand(0, 5 / (31 * 1440), "on_track", None, 0.0, 8)}),
], ids=lambda v: v.isoformat() if isinstance(v, datetime) else "")
def test_a_suspension_at_its_midnights(as_of: datetime, expect: dict[str, Hand]) -> None:
    check(ORG_S, RECORDS_S, as_of, expect)


def test_a_scope_with_no_account() -> None:
    """98. 3 accounts of the Chemistry sector in Haute-Garonne in June, where the CRM holds none: the scope's size is 0,
    coverage unknown (nothing to divide by), forecast 0 (capped by the empty scope), out of reach, « hors
    d'atteinte : 0 compte dans le périmètre » (French: 0 takes the singular), "0 accounts" in English; on 10 June
    (9 / 30) expected 0.9, 0 done: at risk."""
    plan = plan_of(act("E-0", "activity: visite, count: 3, scope: {secteur: Chimie}", "juin 2027", axis="AX31"))
    ev = check(plan, RECORDS_O, paris(6, 10), {"E-0": Hand(0, 0.9, "at_risk", 0.0, None, 0, out_of_reach=True)})
    assert ev.action("E-0").coverage is None
    # 98b. The same counting every activity: no scope size, no note (decided, docs/engine.md), forecast 0
    visits = plan_of(act("E-1", "activity: visite, count: 3, counting: activités, scope: {secteur: Chimie}",
                         "juin 2027", axis="AX31"))
    check(visits, RECORDS_O, paris(6, 10), {"E-1": Hand(0, 0.9, "at_risk", 0.0)})
    html = unescape(actions_section(ReportInputs(plan, ev), Formatter.for_plan(plan, "en")))
    assert "out of reach: 0 accounts in its scope" in html


class TestTargetsEditedInACrm:
    """99-103. A target typed in a CRM is read as the plan file reads `what.count`: a positive whole number. HubSpot's
    `pac_target` is a number property, which takes decimals; Salesforce's `PAC_Target__c` is Number(9, 0), which
    rounds what is typed. The small plan's A-01 has a target of 2."""

    NOW = datetime(2027, 5, 20, 16, tzinfo=UTC)

    def _decide(self, value: object) -> tuple[object, list[str], list[tuple[str, object]]]:
        plan = load_plan_text(SMALL_PLAN, "plan.pac.yaml")
        at_file = self.NOW - timedelta(days=30)
        first = plan_state.decide(plan, {}, [], {}, file_changed_at=at_file, now=at_file, order=["sf", "hs"])
        states = {(s["target"], s["key"], s["field"]): SimpleNamespace(**s) for s in first.new_states}
        edit = ManagerEdit(Target.ACTION, f"{plan.id}:A-01", "action_target", value, self.NOW.replace(hour=10),
                           by_id="77", by_name="Nathalie")
        out = plan_state.decide(plan, states, [("hs", edit)], {}, file_changed_at=at_file, now=self.NOW,
                                order=["sf", "hs"])
        return (out.values[("action", f"{plan.id}:A-01", "action_target")], out.refused,
                [(e["outcome"], e["value"]) for e in out.events])

    @pytest.mark.parametrize("value", ["7.5", "2.9", 2.5])
    def test_a_target_that_is_no_whole_number_is_refused(self, value: object) -> None:
        """7.5 typed in HubSpot was applied as 7 (cut without a word, where Salesforce would have rounded it to 8),
        and 2.9 as 2, the file's value: the edit vanished. Now refused and reported as 0 is; the target stays 2 and
        the CRM gets it back."""
        target, refused, events = self._decide(value)
        assert target == 2
        [line] = refused
        assert f"action_target = {value} refused: a target is a whole number" in line and "hs (Nathalie)" in line
        assert events == [("refused", float(value))]

    @pytest.mark.parametrize(("value", "kept"), [("8", 8), (8.0, 8), ("1", 1)])
    def test_a_whole_target_applies(self, value: object, kept: int) -> None:
        """8 (HubSpot's string), 8.0 (Salesforce's number) and 1 apply as whole numbers."""
        target, refused, events = self._decide(value)
        assert (target, refused, events) == (kept, [], [("applied", kept)])


class TestWhyInactiveAtMidnight:
    """104-107. `pac explain --as-of 2027-06-30` evaluates at the end of that day, 1 July 00:00, whose figures are 30
    June's: the axis, suspended until 30 June, is inactive, and so are its actions (cases 96-97). The line saying why
    must read the same day: its axis is suspended (on 30 June), not « était suspendu ou abandonné pendant sa période »
    for July's action, whose window had not begun; and the axis's own line names its state, « suspendu »."""

    AS_OF = paris(7, 1)

    def test_the_action_line(self) -> None:
        ev = evaluate(ORG_S, RECORDS_S, as_of=self.AS_OF, explain=True)
        assert ev.action("S-JUL").pace.value == "inactive"
        assert explain_action(ORG_S, ev, "S-JUL", lang="fr").inactive == (
            "Action inactive : son axe « Clients du Rhône » est suspendu (hors des totaux du plan ; ses activités "
            "restent listées).")
        assert explain_action(ORG_S, ev, "S-JUL", lang="en").inactive == (
            "Inactive action: its axis “Clients du Rhône” is suspended (out of the plan's totals; its activities are "
            "still listed).")

    def test_the_axis_line(self) -> None:
        ev = evaluate(ORG_S, RECORDS_S, as_of=self.AS_OF, explain=True)
        assert ev.axis("AX").pace.value == "inactive"
        assert explain_axis(ORG_S, ev, "AX", deals={}, lang="fr").inactive == (
            "Axe inactif : suspendu (hors des totaux du plan ; ses affaires restent listées).")
        assert explain_axis(ORG_S, ev, "AX", deals={}, lang="en").inactive == (
            "Inactive axis: suspended (out of the plan's totals; its deals are still listed).")


def test_a_window_straddling_the_end_of_a_suspension() -> None:
    """108-109. S-STR: 3 accounts « du 15 juin au 15 juillet » (31 days), its axis suspended from 12 May to 30 June;
    c3 visited on 20 June, during the suspension. Decided (docs/engine.md): the suspension stops the action's pace, not
    its count nor its clock. On 25 June: inactive, c3 counted (1), 10 of 31 days gone: expected 30 / 31, forecast
    31 / 10 = 3.1 (under 3 x 3 and the 8 accounts). On 6 July 00:00, live again: 21 days of 31 gone,
    the 16 on hold included: expected 63 / 31 = 2.03, 1 done: at risk, forecast 31 / 21 = 1.476."""
    plan = plan_of(act("S-STR", "activity: visite, count: 3", "du 15 juin au 15 juillet"),
                   status='{state: suspended, reason: "charge usine", since: 2027-05-12, until: 2027-06-30}')
    records = Records(accounts=ACCOUNTS, users=USERS, activities=(act_rec("s3", "c3", paris(6, 20, 10)),))
    check(plan, records, paris(6, 25), {"S-STR": Hand(1, 30 / 31, "inactive", 3.1, 1 / 8, 8)})
    check(plan, records, paris(7, 6), {"S-STR": Hand(1, 63 / 31, "at_risk", 31 / 21, 1 / 8, 8)})
