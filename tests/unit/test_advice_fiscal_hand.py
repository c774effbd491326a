"""The advisor on plans whose year is not the calendar year, computed by hand (audit advicefiscal, 6 Dec 2026).

Three plans, each in French and English, Europe/Paris:

* APRIL: a fiscal year from 1 April, 2027-04-01..2028-03-31 (366 days: 29 February 2028 is in it). Its quarters:
  Q1 April-June 2027, Q2 July-September, Q3 October-December, Q4 January-March 2028.
* FEBRUARY: a fiscal year from 1 February, 2027-02-01..2028-01-31 (365 days). Q1 February-April, Q2 May-July,
  Q3 August-October, Q4 November 2027-January 2028.
* WEEKS: a declared 4-4-5 year, 2027-01-31..2028-01-29 (364 days). Q1 31 Jan-1 May, Q2 2 May-31 Jul,
  Q3 1 Aug-30 Oct, Q4 31 Oct 2027-29 Jan 2028 (plan-format.md).

The expectations were written from docs/engine.md (*The advisor*, its settings table) and docs/plan-format.md
before the advisor's code was read. The defaults: suspend at a load of 90 % (won + 0.5 x open quantity, deal lines
closing in the plan's quarter holding today, over the capacity per quarter); drop below a ROI of 0 after half the
objective's period; prioritise on a trend of -10 % or worse after a tenth of the plan's period; roll out at a ROI of
50 % and a payback within 6 months after a fifth of the objective's period.

Elapsed shares by hand (the plan's wall clock):
* APRIL: a tenth of 366 days = 36.6 days -> 7 May 2027 14:24; half = 183 days -> 1 October 2027 00:00 (30 + 31 +
  30 + 31 + 31 + 30 = 183); a fifth = 73.2 days -> 13 June 2027 04:48.
* FEBRUARY: a tenth of 365 = 36.5 days -> 9 March 2027 12:00; half = 182.5 days -> 2 August 2027 12:00.
* WEEKS: a tenth of 364 = 36.4 days -> 8 March 2027 09:36; half = 182 days -> 1 August 2027 00:00 (Q3's first day).
  Q2's own half (an axis of Q2 only, 91 days): 45.5 days -> 16 June 2027 12:00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from pac_config.planfile import load_plan_text
from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import Plan
from pac_core.plan_end import period_line, too_early_line
from pac_core.records import DealLine, DealStage, Records
from pac_core.results import Evaluation, Recommendation, Rule
from sync_jobs.cli import main
from sync_jobs.cli_advice import advice_lines
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from sync_jobs.store.repo import finish_run, start_run
from tests.fakes import write_settings
from tests.unit.test_engine_support import USERS, account, visit, won

PARIS = ZoneInfo("Europe/Paris")
JULIE = "julie.martin@durand-process.example"
MARC = "marc.dubois@durand-process.example"

PERIODS = {"april": ("2027-04-01..2028-03-31", ""), "february": ("2027-02-01..2028-01-31", ""),
           "weeks": ("2027-01-31..2028-01-29", ", fiscal_calendar: 4-4-5")}

TEMPLATE = """
plan: {{name: PAC exercice 2027-2028, year: 2027, timezone: Europe/Paris, language: {lang},
       period: "{period}"{calendar}}}
people:
  - {{email: {julie}, name: Julie Martin, role: rep}}
  - {{email: {marc}, name: Marc Dubois, role: rep}}
segments:
  - {{id: SEG-69, name: Rhône, kind: horizontale, scope: {{departement: "69"}}}}
  - {{id: SEG-38, name: Isère, kind: horizontale, scope: {{departement: "38"}}}}
axes:
  - {{id: AX-69, name: Relance Rhône, segment: SEG-69, products: [PX200],
     objective: {{additional_revenue: 100000, budget: {budget}{objective_period}}}}}
  - {{id: AX-38, name: Relance Isère, segment: SEG-38,
     objective: {{additional_revenue: 100000, budget: 10000}}}}
actions:
  - {{id: A-69, axis: AX-69, text: "Visiter 5 clients du Rhône", who: {julie},
     what: {{activity: visite, count: 5}}, when: "{when}"}}
  - {{id: A-38, axis: AX-38, text: "Visiter 5 clients de l'Isère", who: {julie},
     what: {{activity: visite, count: 5}}, when: "{when38}"}}
{context}
"""

ACCOUNTS = (account("r1", "69003", dormant=False), account("i1", "38000", dormant=False))


def load(kind: str, lang: str = "fr", *, objective_period: str | None = None, when: str = "T1",
         when38: str | None = None, context: str = "", budget: str = "10000") -> Plan:
    period, calendar = PERIODS[kind]
    text = TEMPLATE.format(lang=lang, period=period, calendar=calendar, julie=JULIE, marc=MARC, budget=budget,
                           objective_period="" if objective_period is None else f", period: \"{objective_period}\"",
                           when=when, when38=when38 or when, context=f"context:\n{context}" if context else "")
    return load_plan_text(text, f"{kind}.pac.yaml")


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=PARIS)


def line(qty: str) -> tuple[DealLine, ...]:
    return (DealLine("PX200", Decimal(qty), Decimal("1000")),)


def run(p: Plan, as_of: datetime, deals: tuple = (), activities: tuple = (), **settings) -> Evaluation:
    return evaluate(p, Records(accounts=ACCOUNTS, activities=activities, deals=deals, users=USERS),
                    as_of=as_of, settings=EngineSettings(**settings))


def rec(ev: Evaluation, axis_id: str = "AX-69") -> Recommendation | None:
    found = [r for r in ev.recommendations if r.axis_id == axis_id]
    return found[0] if found else None


def rules(ev: Evaluation, axis_id: str = "AX-69") -> set[Rule]:
    r = rec(ev, axis_id)
    return set() if r is None else {r.rule, *(o.rule for o in r.overruled)}


def cli(p: Plan, ev: Evaluation, lang: str) -> str:
    return "\n".join(advice_lines(p, ev, lang))


CAPACITY = {"PX200": Decimal("10")}


# --- suspend: the quarter of the plan holding today, and its name -------------------------------------------------

SUSPEND_CASES = [
    # (plan, today, deal close, won qty, open qty, fires, French name, English name, evidence quarter)
    # April: 15 August is in fiscal Q2 (July-September 2027); a line won on 1 July is in it, on 30 June is not.
    ("april", at(2027, 8, 15), date(2027, 7, 1), "9", None, True,
     "au T2 de l'exercice 2027-2028", "in Q2 of fiscal year 2027-2028", "2027-Q3"),
    ("april", at(2027, 8, 15), date(2027, 6, 30), "9", None, False, None, None, None),
    # 8 won + 2 open x 0.5 = 9 = 90 %: fires at the threshold; 8 + 1.98 x 0.5 = 8.99: does not.
    ("april", at(2027, 8, 15), date(2027, 7, 1), "8", "2", True,
     "au T2 de l'exercice 2027-2028", "in Q2 of fiscal year 2027-2028", "2027-Q3"),
    ("april", at(2027, 8, 15), date(2027, 7, 1), "8", "1.98", False, None, None, None),
    # a line won after today (20 August) counted as open, as a manager saw it on 15 August: 18 x 0.5 = 9
    ("april", at(2027, 8, 15), date(2027, 8, 20), "18", None, True,
     "au T2 de l'exercice 2027-2028", "in Q2 of fiscal year 2027-2028", "2027-Q3"),
    # April, 15 May: fiscal Q1 (April-June), named Q1, not the calendar's Q2.
    ("april", at(2027, 5, 15), date(2027, 4, 1), "9", None, True,
     "au T1 de l'exercice 2027-2028", "in Q1 of fiscal year 2027-2028", "2027-Q2"),
    # April, 10 February 2028: fiscal Q4 (January-March 2028).
    ("april", at(2028, 2, 10), date(2028, 1, 3), "9", None, True,
     "au T4 de l'exercice 2027-2028", "in Q4 of fiscal year 2027-2028", "2028-Q1"),
    # February: 20 May is in Q2 (May-July); a line of 1 May counts, one of 30 April (Q1) does not, though the
    # calendar quarter April-June would hold it.
    ("february", at(2027, 5, 20), date(2027, 5, 1), "9", None, True,
     "au T2 de l'exercice 2027-2028", "in Q2 of fiscal year 2027-2028", "2027-05..2027-07"),
    ("february", at(2027, 5, 20), date(2027, 4, 30), "9", None, False, None, None, None),
    # February, 15 January 2028: Q4 (November 2027-January 2028); a line of 1 November 2027 counts.
    ("february", at(2028, 1, 15), date(2027, 11, 1), "9", None, True,
     "au T4 de l'exercice 2027-2028", "in Q4 of fiscal year 2027-2028", "2027-11..2028-01"),
    # 4-4-5: 10 May is in Q2 (2 May-31 July); a line of 2 May counts, one of 1 May (Q1's last day) does not.
    ("weeks", at(2027, 5, 10), date(2027, 5, 2), "9", None, True,
     "au T2 de l'exercice 2027-2028", "in Q2 of fiscal year 2027-2028", "2027-05-02..2027-07-31"),
    ("weeks", at(2027, 5, 10), date(2027, 5, 1), "9", None, False, None, None, None),
    # 4-4-5, 31 July 23:00 (Q2's last day): a line of 2 May still counts; 1 August 00:30: Q3, it no longer does.
    ("weeks", at(2027, 7, 31, 23), date(2027, 5, 2), "9", None, True,
     "au T2 de l'exercice 2027-2028", "in Q2 of fiscal year 2027-2028", "2027-05-02..2027-07-31"),
    ("weeks", at(2027, 8, 1, 0, 30), date(2027, 5, 2), "9", None, False, None, None, None),
    ("weeks", at(2027, 8, 1, 0, 30), date(2027, 8, 1), "9", None, True,
     "au T3 de l'exercice 2027-2028", "in Q3 of fiscal year 2027-2028", "2027-08-01..2027-10-30"),
]


@pytest.mark.parametrize(("kind", "today", "close", "won_qty", "open_qty", "fires", "fr", "en", "label"),
                         SUSPEND_CASES)
def test_suspend_reads_the_plans_quarter_and_names_it(kind: str, today: datetime, close: date, won_qty: str,
                                                      open_qty: str | None, fires: bool, fr: str | None,
                                                      en: str | None, label: str | None) -> None:
    deals = [won("w", "r1", "9000", close, lines=line(won_qty))]
    if open_qty is not None:
        deals.append(won("o", "r1", "1000", close, stage=DealStage.OPEN, lines=line(open_qty)))
    for lang in ("fr", "en"):
        p = load(kind, lang, when="T1")
        ev = run(p, today, tuple(deals), capacity=CAPACITY)
        r = rec(ev)
        if not fires:
            assert Rule.SUSPEND not in rules(ev), (r.summary if r else None)
            continue
        assert r is not None and r.rule is Rule.SUSPEND, (r.summary if r else None)
        assert r.evidence["quarter"] == label
        assert (fr if lang == "fr" else en) in r.summary, r.summary
        assert (en if lang == "fr" else fr) in r.text("en" if lang == "fr" else "fr")
        assert "calendar" not in r.summary and "civil" not in r.summary
        assert (fr if lang == "fr" else en) in cli(p, ev, lang)


# --- drop: half of the objective's period on the fiscal year ---------------------------------------------------

DROP_CASES = [
    # (plan, objective period, today, fires): no deal at all, ROI to date -100 %.
    ("april", None, at(2027, 9, 30, 12), False),
    ("april", None, at(2027, 10, 1, 12), True),
    ("april", None, at(2027, 10, 1, 0), True),         # exactly half (183 / 366): the rule fires at its threshold
    ("april", None, at(2027, 9, 30, 23, 30), False),
    ("february", None, at(2027, 8, 2, 11), False),
    ("february", None, at(2027, 8, 2, 13), True),
    ("february", None, at(2027, 8, 2, 12), True),      # exactly 182.5 / 365
    ("weeks", None, at(2027, 7, 31, 23), False),
    ("weeks", None, at(2027, 8, 1, 1), True),
    ("weeks", None, at(2027, 8, 1, 0), True),          # exactly 182 / 364, Q3's first instant (the Q2 report's)
    # an axis of the 4-4-5 year's Q2 (2 May-31 July): its half is 16 June 12:00
    ("weeks", "T2", at(2027, 6, 16, 11), False),
    ("weeks", "T2", at(2027, 6, 16, 13), True),
    ("weeks", "T2", at(2027, 6, 16, 12), True),        # exactly 45.5 / 91
    # an axis of the April year's Q2 (July-September, 92 days): half on 16 August 00:00
    ("april", "T2", at(2027, 8, 15, 23), False),
    ("april", "T2", at(2027, 8, 16, 0), True),
    # an axis of the February year's Q1 (February-April, 89 days): half (44.5 days) on 17 March 12:00
    ("february", "T1", at(2027, 3, 17, 11), False),
    ("february", "T1", at(2027, 3, 17, 12), True),
]


@pytest.mark.parametrize(("kind", "objective", "today", "fires"), DROP_CASES)
def test_drop_waits_for_half_of_the_fiscal_period(kind: str, objective: str | None, today: datetime,
                                                  fires: bool) -> None:
    for lang in ("fr", "en"):
        p = load(kind, lang, objective_period=objective, when=objective or "T1")
        ev = run(p, today)
        assert (Rule.DROP in rules(ev)) is fires, [r.summary for r in ev.recommendations]
        if fires:
            r = rec(ev)
            assert r is not None and r.rule is Rule.DROP
            assert ("ROI à date −100\u00a0% après 50\u00a0% de la période" in r.text("fr")), r.text("fr")
            assert "−100%" in r.text("en") and "50%" in r.text("en"), r.text("en")


# --- closing verdicts at an axis's period end, and the plan's ---------------------------------------------------

def test_an_axis_of_the_445_years_q2_speaks_on_its_last_day_and_ends_at_its_instant() -> None:
    """Q2 ends on 31 July: at 12:00 that day the drop still speaks; at 1 August 00:00 (before the plan's end) and
    after, its closing verdict « s'est terminé le 31 juillet 2027 »."""
    for lang, ended in (("fr", "L'axe « Relance Rhône » s'est terminé le 31 juillet 2027 : il n'a pas atteint son "
                               "objectif (0\u00a0% de l'objectif"),
                        ("en", 'Axis "Relance Rhône" ended on July 31, 2027: it did not reach its objective '
                               "(0% of the objective")):
        p = load("weeks", lang, objective_period="T2", when="T2")
        assert rec(run(p, at(2027, 7, 31, 12))).rule is Rule.DROP
        for moment in (at(2027, 8, 1, 0), at(2027, 8, 1, 12), at(2027, 11, 2)):
            r = rec(run(p, moment))
            assert r is not None and r.rule is Rule.CLOSED, r.summary if r else None
            assert r.summary.startswith(ended), r.summary
            assert r.evidence["period_end"] == "2027-07-31"
            assert "ROI final −100" in r.text("fr") and "final ROI −100" in r.text("en")


def test_a_february_years_q1_axis_closes_on_30_april() -> None:
    p = load("february", "fr", objective_period="T1", when="T1")
    assert rec(run(p, at(2027, 4, 30, 12))).rule is Rule.DROP
    r = rec(run(p, at(2027, 5, 1, 0)))
    assert r is not None and r.rule is Rule.CLOSED and "s'est terminé le 30 avril 2027" in r.summary


@pytest.mark.parametrize(("kind", "last", "after", "fr", "en"), [
    ("april", at(2028, 3, 31, 12), datetime(2028, 4, 1, 0, 1, tzinfo=PARIS),
     "Le plan s'est terminé le 31 mars 2028 : écrivez le plan suivant.",
     "The plan ended on March 31, 2028: write the next plan."),
    ("february", at(2028, 1, 31, 12), datetime(2028, 2, 1, 0, 1, tzinfo=PARIS),
     "Le plan s'est terminé le 31 janvier 2028 : écrivez le plan suivant.",
     "The plan ended on January 31, 2028: write the next plan."),
    ("weeks", at(2028, 1, 29, 12), datetime(2028, 1, 30, 0, 1, tzinfo=PARIS),
     "Le plan s'est terminé le 29 janvier 2028 : écrivez le plan suivant.",
     "The plan ended on January 29, 2028: write the next plan."),
])
def test_the_fiscal_years_last_day_keeps_the_rules_the_day_after_has_none(kind: str, last: datetime,
                                                                         after: datetime, fr: str, en: str) -> None:
    """On the fiscal year's last day a whole-year axis is not closed: the drop speaks; at the year's end instant the
    year-end report keeps it; a minute later the plan is over, no advice, the line says when it ended."""
    for lang, said in (("fr", fr), ("en", en)):
        p = load(kind, lang)
        assert rec(run(p, last)).rule is Rule.DROP
        end = datetime.combine(after.date(), datetime.min.time(), PARIS)
        assert rec(run(p, end)).rule is Rule.DROP        # the plan's end instant: rules kept, no verdict
        ev = run(p, after)
        assert ev.recommendations == ()
        assert period_line(p, after, lang) == said
        assert cli(p, ev, lang).splitlines()[0] == said


# --- before the plan begins, and before a tenth ------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "before", "fr", "en"), [
    ("april", at(2027, 3, 31), "Le plan commence le 1er avril 2027.", "The plan starts on April 1, 2027."),
    ("april", datetime(2027, 4, 1, 0, 0, tzinfo=PARIS), "Le plan commence le 1er avril 2027.",
     "The plan starts on April 1, 2027."),
    ("february", at(2027, 1, 31), "Le plan commence le 1er février 2027.", "The plan starts on February 1, 2027."),
    ("weeks", at(2027, 1, 30), "Le plan commence le 31 janvier 2027.", "The plan starts on January 31, 2027."),
])
def test_advice_before_the_fiscal_year_begins(kind: str, before: datetime, fr: str, en: str) -> None:
    for lang, said in (("fr", fr), ("en", en)):
        p = load(kind, lang, context="  - {kind: compte clé perdu, account: r1, on: 2027-01-10}\n")
        ev = run(p, before, capacity=CAPACITY,
                 deals=(won("w", "r1", "9000", before.date(), lines=line("20")),))
        assert ev.recommendations == ()
        assert cli(p, ev, lang).splitlines()[0] == said


@pytest.mark.parametrize(("kind", "early", "fr", "en"), [
    ("april", at(2027, 5, 6), "7 mai 2027", "May 7, 2027"),
    ("february", at(2027, 3, 8), "9 mars 2027", "March 9, 2027"),
    ("weeks", at(2027, 3, 7), "8 mars 2027", "March 8, 2027"),
])
def test_too_early_names_the_fiscal_years_tenth(kind: str, early: datetime, fr: str, en: str) -> None:
    for lang, day in (("fr", fr), ("en", en)):
        p = load(kind, lang)
        ev = run(p, early)
        assert ev.recommendations == ()
        line_ = too_early_line(p, early, lang)
        assert line_ is not None and day in line_, line_


# --- prioritise: the trend over the same fiscal days a year earlier --------------------------------------------

PRIORITISE_CASES = [
    # (plan, today, this year's deals, last year's deals, fires)
    # April, 15 May 2027 (past the tenth, 7 May 14:24): 8,900 against 10,000 = -11 %
    ("april", at(2027, 5, 15), [("2027-04-10", "8900")], [("2026-04-10", "10000")], True),
    # exactly -10 %: fires (trend <= -10 %)
    ("april", at(2027, 5, 15), [("2027-04-10", "9000")], [("2026-04-10", "10000")], True),
    ("april", at(2027, 5, 15), [("2027-04-10", "9001")], [("2026-04-10", "10000")], False),
    # the tenth's own instant, 7 May 14:24 (36.6 / 366 days), and a minute before it
    ("april", at(2027, 5, 7, 14, 24), [("2027-04-10", "5000")], [("2026-04-10", "10000")], True),
    ("april", at(2027, 5, 7, 14, 23), [("2027-04-10", "5000")], [("2026-04-10", "10000")], False),
    ("february", at(2027, 3, 9, 12, 0), [("2027-02-10", "5000")], [("2026-02-10", "10000")], True),
    ("february", at(2027, 3, 9, 11, 59), [("2027-02-10", "5000")], [("2026-02-10", "10000")], False),
    ("weeks", at(2027, 3, 8, 9, 36), [("2027-02-10", "5000")], [("2026-02-11", "10000")], True),
    ("weeks", at(2027, 3, 8, 9, 35), [("2027-02-10", "5000")], [("2026-02-11", "10000")], False),
    # at the 4-4-5 year's end instant the whole year is compared with 1 February 2026 - 30 January 2027: a deal
    # of 30 January 2027 (before the plan, the last day of last year's weeks) is in it, one of 31 January 2026 not
    ("weeks", at(2028, 1, 30, 0), [("2027-02-10", "10000")], [("2027-01-30", "10000"), ("2026-01-31", "50000")],
     False),
    ("weeks", at(2028, 1, 30, 0), [("2027-02-10", "8900")], [("2027-01-30", "10000"), ("2026-01-31", "50000")],
     True),
    # 29 February 2028, in the April year: last year's same days end on 28 February 2027 (a month's last day maps to
    # the same month's last day); a deal of 1 March 2027 is not in them, one of 28 February 2027 is
    ("april", at(2028, 2, 29), [("2027-04-10", "10000")], [("2026-04-10", "10000"), ("2027-03-01", "50000")],
     False),
    ("april", at(2028, 2, 29), [("2027-04-10", "10000")], [("2026-04-10", "10000"), ("2027-02-28", "2000")],
     True),
    # before the tenth (6 May): the trend does not yet speak
    ("april", at(2027, 5, 6), [("2027-04-10", "5000")], [("2026-04-10", "10000")], False),
    # a deal of 31 March 2026 is before last year's same fiscal days (from 1 April 2026): 10,000 against 10,000
    ("april", at(2027, 5, 15), [("2027-04-10", "10000")], [("2026-04-10", "10000"), ("2026-03-31", "50000")],
     False),
    # a deal of 20 May 2026 is after last year's same days to date (to 15 May 2026)
    ("april", at(2027, 5, 15), [("2027-04-10", "10000")], [("2026-04-10", "10000"), ("2026-05-20", "50000")],
     False),
    # February, 20 March 2027 (past 9 March 12:00): last year's 1 February 2026 counts, 31 January 2026 not
    ("february", at(2027, 3, 20), [("2027-02-10", "10000")], [("2026-02-01", "10000"), ("2026-01-31", "50000")],
     False),
    ("february", at(2027, 3, 20), [("2027-02-10", "8000")], [("2026-02-01", "10000")], True),
    # 4-4-5, 15 March 2027: the same fiscal days 52 weeks earlier start on 1 February 2026 (31 January 2027 - 364
    # days); a deal of 31 January 2026 (a calendar year earlier than the plan's first day) is not in them
    ("weeks", at(2027, 3, 15), [("2027-02-10", "10000")], [("2026-02-01", "10000"), ("2026-01-31", "50000")],
     False),
    ("weeks", at(2027, 3, 15), [("2027-02-10", "9000")], [("2026-02-01", "10000")], True),
    # ... and end 52 weeks before today: 16 March 2026 is today's fiscal day last year, a deal of 17 March 2026 is not
    ("weeks", at(2027, 3, 15), [("2027-02-10", "10000")], [("2026-02-01", "10000"), ("2026-03-17", "50000")],
     False),
]


@pytest.mark.parametrize(("kind", "today", "now", "before", "fires"), PRIORITISE_CASES)
def test_prioritise_on_the_fiscal_trend(kind: str, today: datetime, now: list, before: list, fires: bool) -> None:
    deals = tuple(won(f"d{i}-{day}", "r1", amount, date.fromisoformat(day))
                  for i, (day, amount) in enumerate(now + before))
    for lang in ("fr", "en"):
        p = load(kind, lang, budget="0")       # a free axis is never dropped: the trend decides alone
        ev = run(p, today, deals)
        seg = next(s for s in ev.segments if s.segment_id == "SEG-69")
        assert (Rule.PRIORITISE in rules(ev)) is fires, (seg.revenue, seg.baseline, seg.trend,
                                                         [r.summary for r in ev.recommendations])


def test_prioritise_minus_ten_percent_sentence_both_languages() -> None:
    deals = (won("a", "r1", "9000", date(2027, 4, 10)), won("b", "r1", "10000", date(2026, 4, 10)))
    for lang in ("fr", "en"):
        p = load("april", lang, budget="0")
        ev = run(p, at(2027, 5, 15), deals)
        r = rec(ev)
        assert r is not None and r.rule is Rule.PRIORITISE
        assert "10\u00a0%" in r.text("fr") and "10%" in r.text("en")
        assert r.text(lang) in cli(p, ev, lang).replace("\u00a0", " ").replace("\u202f", " ") or \
            r.text(lang).replace("\u00a0", " ").replace("\u202f", " ") in cli(p, ev, lang)


# --- a lost key account ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "lost", "today", "fires"), [
    ("february", "2027-05-10", at(2027, 5, 9), False),
    ("february", "2027-05-10", at(2027, 5, 10, 8), True),
    # lost before the fiscal year began: still lost, and a fact does not wait for a tenth (3 February)
    ("february", "2027-01-15", at(2027, 2, 3), True),
    ("weeks", "2027-01-30", at(2027, 2, 2), True),
])
def test_a_lost_key_account_prioritises_its_segment(kind: str, lost: str, today: datetime, fires: bool) -> None:
    for lang in ("fr", "en"):
        p = load(kind, lang, budget="0", context=f"  - {{kind: compte clé perdu, account: r1, on: {lost}}}\n")
        ev = run(p, today, (won("x", "r1", "12000", date(2026, 6, 1)),))
        assert (Rule.PRIORITISE in rules(ev)) is fires, [r.summary for r in ev.recommendations]


# --- reassign for a leaving rep -------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "when", "leaving", "today", "fires"), [
    # 4-4-5: an action of Q2 ends on 31 July; a rep gone from 1 August leaves nothing of it to hand over
    ("weeks", "T2", "2027-08-01", at(2027, 7, 15), False),
    ("weeks", "T3", "2027-08-01", at(2027, 7, 15), True),
    ("weeks", "T2", "2027-07-31", at(2027, 7, 15), True),
    # April: T1 is April-June 2027; gone from 30 June, that day is left to hand over
    ("april", "T1", "2027-06-30", at(2027, 6, 15), True),
    ("april", "T1", "2027-07-01", at(2027, 6, 15), False),
])
def test_reassign_reads_the_fiscal_quarters_last_day(kind: str, when: str, leaving: str, today: datetime,
                                                     fires: bool) -> None:
    for lang in ("fr", "en"):
        p = load(kind, lang, budget="0", when=when,
                 context=f"  - {{kind: départ, who: {JULIE}, on: {leaving}}}\n")
        ev = run(p, today)
        assert (Rule.REASSIGN in rules(ev)) is fires, [r.summary for r in ev.recommendations]


# --- roll out: a fifth of the fiscal year, payback from its first day ---------------------------------------------

@pytest.mark.parametrize(("today", "fires"), [(at(2027, 6, 12), False), (at(2027, 6, 14), True),
                                              (at(2027, 6, 13, 4, 48), True), (at(2027, 6, 13, 4, 47), False)])
def test_roll_out_on_an_april_year_counts_from_1_april(today: datetime, fires: bool) -> None:
    deals = (won("r-now", "r1", "130000", date(2027, 4, 10)), won("r-then", "r1", "10000", date(2026, 4, 10)),
             won("i-now", "i1", "10000", date(2027, 4, 10)), won("i-then", "i1", "10000", date(2026, 4, 10)))
    visits = (visit("v1", "r1", at(2027, 4, 20, 10)),)
    for lang in ("fr", "en"):
        p = load("april", lang, budget="5000", when="T1", when38="T2")
        ev = run(p, today, deals, visits)
        assert (Rule.ROLL_OUT in rules(ev)) is fires, [r.summary for r in ev.recommendations]
        if fires:
            r = rec(ev)
            assert r is not None and r.rule is Rule.ROLL_OUT
            assert "depuis le 1er avril" in r.text("fr") and "from April 1" in r.text("en"), r.text("fr")
            assert r.evidence["to_segments"] == ["SEG-38"]
    # 14 June 12:00: cost to date 5,000 x 75 / 366 days = 1,024.59; margin 120,000 x 30 % = 36,000; ROI 3,414 %;
    # paid back in 5,000 x (74.5 / 30.4375 months) / 36,000 = 0.34 months
    if today == at(2027, 6, 14):
        assert "ROI à date 3\u202f414\u00a0%, rentabilisé en 0,3\u00a0mois depuis le 1er avril" in r.text("fr")
        assert "ROI to date 3,414%, paid back in 0.3\u00a0months from April 1" in r.text("en")


@pytest.mark.parametrize(("stage", "fires"), [(DealStage.WON, True), (DealStage.OPEN, True), (DealStage.LOST, True)])
def test_a_deal_closed_after_today_was_open_that_day_won_or_lost(stage: DealStage, fires: bool) -> None:
    """April year, evaluated on 15 August (fiscal Q2, July-September; a back-dated `pac advice --as-of`, the
    review's recomputed month, a snapshot taken late): 8 won on 1 July, and a deal of 2 that closes on 20 September.
    On 15 August it was open whatever became of it: 8 + 2 x 0.5 = 9 = 90 %. A deal lost on 20 September was left
    out (8 = 80 %, no advice) while one won that day counted as open (decided 6 Dec 2026, audit advicefiscal)."""
    deals = (won("w", "r1", "9000", date(2027, 7, 1), lines=line("8")),
             won("later", "r1", "1000", date(2027, 9, 20), stage=stage, lines=line("2")))
    for lang in ("fr", "en"):
        p = load("april", lang)
        ev = run(p, at(2027, 8, 15), deals, capacity=CAPACITY)
        r = rec(ev)
        assert r is not None and r.rule is Rule.SUSPEND, [x.summary for x in ev.recommendations]
        assert r.evidence["products"] == [{"product": "PX200", "won": "8", "committed": "1.0", "capacity": "10",
                                           "load": 0.9}]
        assert ("(gagné 8 + engagé 1 / capacité 10)" if lang == "fr" else "(won 8 + committed 1 / capacity 10)") \
            in cli(p, ev, lang)
    # once it is lost (on 20 September itself), it no longer weighs on production
    p = load("april", "fr")
    ev = run(p, at(2027, 9, 20, 18), deals, capacity=CAPACITY)
    assert (Rule.SUSPEND in rules(ev)) is (stage is not DealStage.LOST)


# --- the same through `pac advice` on a store --------------------------------------------------------------------

def _pac_advice(tmp_path: Path, kind: str, lang: str, deals: tuple, *args: str) -> list[str]:
    period, calendar = PERIODS[kind]
    text = TEMPLATE.format(lang=lang, period=period, calendar=calendar, julie=JULIE, marc=MARC, budget="10000",
                           objective_period="", when="T1", when38="T1", context="")
    url = f"sqlite:///{tmp_path / 'pac.db'}"
    config = write_settings(tmp_path, url, connectors=(("sf", "salesforce"),), plan_text=text,
                            extra="engine:\n  capacity: {PX200: 10}")
    engine = open_store(url)
    try:
        stored = datetime(2027, 1, 2, tzinfo=UTC)
        run_id = start_run(engine, load_plan_text(text, "plan.pac.yaml").id, stored)
        store_records.upsert_records(engine, "sf", [*ACCOUNTS, *USERS, *deals], run_id=run_id, now=stored)
        finish_run(engine, run_id, status="ok", now=stored, counts={}, api={}, errors=())
    finally:
        engine.dispose()
    shown = CliRunner().invoke(main, ["advice", *args], env={"PAC_CONFIG": str(config)})
    assert shown.exit_code == 0, shown.output
    return shown.output.splitlines()


@pytest.mark.parametrize(("kind", "as_of", "close", "quarter"), [
    # a bare date is the end of that day: 10 May is in the 4-4-5 year's Q2, 15 August in the April year's Q2,
    # 31 July 2027 (its end: 1 August 00:00) still in the 4-4-5 year's Q2
    ("weeks", "2027-05-10", date(2027, 5, 2), ("T2 (2 mai – 31 juil.)", "Q2 (May 2 – Jul 31)")),
    ("weeks", "2027-07-31", date(2027, 5, 2), ("T2 (2 mai – 31 juil.)", "Q2 (May 2 – Jul 31)")),
    ("april", "2027-08-15", date(2027, 7, 1), ("T2 ex. 2027-28", "Q2 FY2027-28")),
    ("february", "2027-05-20", date(2027, 5, 1), ("T2 mai–juil.", "Q2 May–Jul")),
])
def test_pac_advice_prints_the_fiscal_quarter(tmp_path: Path, kind: str, as_of: str, close: date,
                                              quarter: tuple[str, str]) -> None:
    deals = (won("w", "r1", "9000", close, lines=line("9")),)
    lines = _pac_advice(tmp_path, kind, "fr", deals, "--as-of", as_of)
    assert lines[:3] == ["AX-69 Relance Rhône",
                         "  [Suspendre] Suspendre l'axe « Relance Rhône » : la production de PX200 est chargée à 90 % "
                         "de sa capacité au T2 de l'exercice 2027-2028 (seuil 90 %).",
                         f"    - Trimestre : {quarter[0]}"]
    english = _pac_advice(tmp_path, kind, "fr", deals, "--as-of", as_of, "--lang", "en")
    assert english[1:3] == ['  [Suspend] Suspend axis "Relance Rhône": production of PX200 is loaded at 90% of '
                            'capacity in Q2 of fiscal year 2027-2028 (threshold 90%).', f"    - Quarter: {quarter[1]}"]


def test_pac_advice_on_the_fiscal_years_last_day_and_after(tmp_path: Path) -> None:
    """A bare 31 March 2028 is the April year's end instant: its rules (the drop, at 100 % of the year); a bare
    1 April 2028: the plan is over."""
    lines = _pac_advice(tmp_path, "april", "fr", (), "--as-of", "2028-03-31")
    assert lines[1] == ("  [Abandonner] Abandonner l'axe « Relance Rhône » (ROI à date −100 % après 100 % de la "
                        "période, seuil 0 %) : aucun meilleur axe n'est conservé pour reprendre l'effort.")
    assert _pac_advice(tmp_path, "april", "fr", (), "--as-of", "2028-04-01", "--lang", "en") == [
        "The plan ended on March 31, 2028: write the next plan."]
    assert _pac_advice(tmp_path, "april", "fr", (), "--as-of", "2027-03-31") == [
        "Le plan commence le 1er avril 2027."]


@pytest.mark.parametrize(("closed", "fires"), [((2027, 5, 1, 23, 30), False), ((2027, 5, 2, 0, 15), True)])
def test_a_deal_closed_at_an_instant_is_in_the_445_quarter_of_its_local_day(closed: tuple[int, ...],
                                                                            fires: bool) -> None:
    """A 4-4-5 year in New York, 10 May (Q2, 2 May - 31 July): a HubSpot deal closed at 23:30 New York time on 1 May
    (03:30 UTC on 2 May) is Q1's and weighs nothing on Q2; one closed at 00:15 on 2 May is Q2's."""
    new_york = ZoneInfo("America/New_York")
    text = TEMPLATE.replace("Europe/Paris", "America/New_York")
    period, calendar = PERIODS["weeks"]
    p = load_plan_text(text.format(lang="en", period=period, calendar=calendar, julie=JULIE, marc=MARC,
                                   budget="10000", objective_period="", when="T1", when38="T1", context=""),
                       "ny.pac.yaml")
    instant = datetime(*closed, tzinfo=new_york).astimezone(UTC)
    deal = replace(won("w", "r1", "9000", instant.date(), lines=line("9")), closed_at=instant)
    ev = run(p, datetime(2027, 5, 10, 12, tzinfo=new_york), (deal,), capacity=CAPACITY)
    assert (Rule.SUSPEND in rules(ev)) is fires
    if fires:
        assert rec(ev).evidence["quarter"] == "2027-05-02..2027-07-31"


@pytest.mark.parametrize(("kind", "objective", "moment", "fr", "en"), [
    # the April year's last day at noon: 365.5 / 366 = 99.86 % of the year, which whole read « 100 % »
    ("april", None, at(2028, 3, 31, 12), "99,9\u00a0%", "99.9%"),
    # the 4-4-5 year's last day at 23:00: 363.958 / 364 = 99.989 %: « 99,99 % »
    ("weeks", None, at(2028, 1, 29, 23), "99,99\u00a0%", "99.99%"),
    # the 4-4-5 Q2 axis's last day at noon: 90.5 / 91 = 99.45 %, « 99 % » as before
    ("weeks", "T2", at(2027, 7, 31, 12), "99\u00a0%", "99%"),
    # at the year's end instant the whole period has elapsed: « 100 % »
    ("april", None, datetime(2028, 4, 1, 0, 0, tzinfo=PARIS), "100\u00a0%", "100%"),
])
def test_a_drop_on_the_periods_last_day_never_reads_100_percent_elapsed(kind: str, objective: str | None,
                                                                        moment: datetime, fr: str, en: str) -> None:
    """On its period's last day an axis is still advised on (its closing verdict comes at the end instant), so its
    drop must not say the whole period is behind it: « après 100 % de la période » on 31 March at noon read as over
    (decided 6 Dec 2026, audit advicefiscal: the share reads below 100 % until the end instant, as a missed
    objective's does)."""
    for lang in ("fr", "en"):
        p = load(kind, lang, objective_period=objective, when=objective or "T1")
        ev = run(p, moment)
        r = rec(ev)
        assert r is not None and r.rule is Rule.DROP
        assert f"après {fr} de la période" in r.text("fr"), r.text("fr")
        assert f"after {en} of the period" in r.text("en"), r.text("en")
        shown = fr if lang == "fr" else en
        row = "Part de la période écoulée :" if lang == "fr" else "Share of the period elapsed:"
        assert f"    - {row} {shown}".replace("\u00a0", " ") in cli(p, ev, lang).splitlines()


@pytest.mark.parametrize(("when", "moment", "fires"), [
    ("T2", at(2027, 7, 31, 12), True),                              # Q2's last day: it can still be done today
    ("T2", datetime(2027, 8, 1, 0, 0, tzinfo=PARIS), False),        # Q2's end instant: its report, its snapshot
    ("T2", at(2027, 8, 1, 12), False),
    ("T3", datetime(2027, 8, 1, 0, 0, tzinfo=PARIS), True),         # Q3's action is all to come
    ("T4", datetime(2028, 1, 30, 0, 0, tzinfo=PARIS), True),        # the year's end instant: for the next plan
])
def test_reassign_leaves_out_an_action_whose_fiscal_quarter_closed_at_that_instant(when: str, moment: datetime,
                                                                                   fires: bool) -> None:
    """A 4-4-5 year, Julie leaving from 20 July (declared) or inactive in the CRM: her action of Q2 (2 May - 31 July).
    The report of the closed Q2 (evaluated at 1 August 00:00) and its snapshot said « Réaffecter les actions A-69 »,
    an action nothing of which was left, as the next night no longer did (decided 6 Dec 2026, audit advicefiscal: an
    action whose window ends at the evaluation instant, before the plan's end, is over, as an axis's period is;
    at the plan's end instant the year-end report keeps it, worded for the next plan)."""
    gone = tuple(replace(u, active=False) if u.email == JULIE else u for u in USERS)
    for declared in ("", f"  - {{kind: départ, who: {JULIE}, on: 2027-07-20}}\n"):
        for lang in ("fr", "en"):
            p = load("weeks", lang, budget="0", when=when, context=declared)
            ev = evaluate(p, Records(accounts=ACCOUNTS, activities=(), deals=(), users=gone), as_of=moment,
                          settings=EngineSettings())
            assert (Rule.REASSIGN in rules(ev)) is fires, [r.summary for r in ev.recommendations]
