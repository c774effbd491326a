"""``pac config check --online`` on a Salesforce org with a custom fiscal year: its ``Period`` records (Object
Reference, "Period": Type, StartDate, EndDate, Number, FiscalYearSettingsId; queryable from API 37.0) against each
plan's quarters, and the ``fiscal_calendar`` to write when they differ (connectors/salesforce/fiscal.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from connectors.salesforce.fiscal import fiscal_notes
from pac_config.planfile import load_plan_text
from sync_jobs.cli_crm import fiscal_period
from tests.unit.test_fiscal_calendar import PLAN


def _rows(starts: list[date], end: date) -> list[dict[str, Any]]:
    """Period rows as the REST API returns them: the year's quarters, with a Year row and Month rows beside."""
    bounds = [*starts, end + timedelta(days=1)]
    quarters = [{"attributes": {"type": "Period", "url": f"/services/data/v60.0/sobjects/Period/0260000000000{k}"},
                 "Id": f"0260000000000{k}", "Type": "Quarter", "StartDate": bounds[k].isoformat(),
                 "EndDate": (bounds[k + 1] - timedelta(days=1)).isoformat(), "Number": k + 1,
                 "FiscalYearSettingsId": "0220000000000AA"} for k in range(4)]
    year = {"attributes": {"type": "Period"}, "Id": "026000000000Y", "Type": "Year", "StartDate": starts[0].isoformat(),
            "EndDate": end.isoformat(), "Number": None, "FiscalYearSettingsId": "0220000000000AA"}
    return [year, *quarters]


class FakeOrg:
    """A client answering the Period query with ``rows`` (in two pages), recording the SOQL asked."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.asked: list[str] = []

    def query_pages(self, soql: str) -> Iterator[list[dict[str, Any]]]:
        self.asked.append(soql)
        yield self.rows[:2]
        yield self.rows[2:]


RETAIL = [date(2027, 1, 31), date(2027, 5, 2), date(2027, 8, 1), date(2027, 10, 31)]


def _plan(calendar: str | None, period: str = "2027-01-31..2028-01-29") -> str:
    text = PLAN.format(calendar=calendar or "4-4-5", lang="en").replace("2027-01-31..2028-01-29", period)
    if calendar is None:   # without the calendar, "Q1" of this period would be January-March 2028: weeks instead
        text = re.sub(r'when: "[QH]\d"', 'when: "2027-05-03..2027-05-09"', text.replace(", fiscal_calendar: 4-4-5", ""))
        text = re.sub(r'period: "Q2"', 'period: "2027-05-03..2027-07-31"', text)
    return fiscal_period(load_plan_text(text, "retail.pac.yaml"))


def test_a_plan_without_fiscal_calendar_is_told_the_orgs_4_4_5_quarters() -> None:
    org = FakeOrg(_rows(RETAIL, date(2028, 1, 29)))
    [note] = fiscal_notes(org, [("plans/retail.pac.yaml", _plan(None))])
    assert note.startswith("warning: plans/retail.pac.yaml: the org's fiscal quarters")
    assert note.endswith("add under plan: fiscal_calendar: [2027-01-31, 2027-05-02, 2027-08-01, 2027-10-31]")
    assert org.asked == ["SELECT Id, Type, StartDate, EndDate, Number, FiscalYearSettingsId FROM Period WHERE Type = "
                         "'Quarter' AND StartDate <= 2028-01-29 AND EndDate >= 2027-01-31 ORDER BY StartDate"]


def test_a_plan_declaring_the_orgs_quarters_gets_no_note() -> None:
    org = FakeOrg(_rows(RETAIL, date(2028, 1, 29)))
    assert fiscal_notes(org, [("retail.pac.yaml", _plan("4-4-5"))]) == []
    assert fiscal_notes(org, [("retail.pac.yaml", _plan("[2027-01-31, 2027-05-02, 2027-08-01, 2027-10-31]"))]) == []


def test_a_declared_calendar_other_than_the_orgs_is_corrected() -> None:
    org = FakeOrg(_rows([date(2027, 1, 31), date(2027, 5, 30), date(2027, 8, 29), date(2027, 10, 31)],
                        date(2028, 1, 29)))   # the org's quarters are not 4-4-5's: the org's are written
    [note] = fiscal_notes(org, [("retail.pac.yaml", _plan("4-4-5"))])
    assert "start on 2027-01-31, 2027-05-02, 2027-08-01, 2027-10-31, the org's (Period) on 2027-01-31, 2027-05-30" \
           in note and note.endswith("write fiscal_calendar: [2027-01-31, 2027-05-30, 2027-08-29, 2027-10-31]")


def test_a_standard_fiscal_year_from_april_needs_nothing() -> None:
    starts = [date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 1), date(2028, 1, 1)]
    org = FakeOrg(_rows(starts, date(2028, 3, 31)))
    assert fiscal_notes(org, [("fy.pac.yaml", _plan(None, "2027-04-01..2028-03-31"))]) == []


def test_a_plan_period_that_is_no_fiscal_year_of_the_org_is_warned() -> None:
    org = FakeOrg(_rows(RETAIL, date(2028, 1, 29)))
    [note] = fiscal_notes(org, [("cal.pac.yaml", _plan(None, "2027"))])
    assert note.startswith("warning: cal.pac.yaml: the plan's period (2027-01-01..2027-12-31) is not one of the "
                           "org's fiscal years")
