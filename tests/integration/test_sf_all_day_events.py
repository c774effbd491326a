"""All-day Events through the real pipeline over the sandbox org (simple-salesforce, the shipped mapping, the
incremental evaluator ``pac sync`` uses): a standard Event has no status, so an all-day visit is a plan until its day
is over (Event reference, ActivityDate: "If the Event IsAllDayEvent flag is set to true (indicating that it is an all
day Event), then the Event due date information is contained in the ActivityDate field"; EndDateTime: "If both fields
are null, the duration defaults to one day"; pac's rule: what has not happened at the evaluation instant does not
count)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from tests.fakes import SMALL_PLAN
from tests.integration.test_sf_undated_tasks import Org

# SMALL_PLAN with Julie's visits of May (the nights below run in May 2027, at 02:00 Paris = 00:00 UTC)
VISIT_PLAN = SMALL_PLAN + """\
  - id: A-04
    axis: AX-1
    text: "Visit 5 customers in May"
    who: julie@example.com
    what: {activity: visit, count: 5}
    when: "May 2027"
"""


@pytest.fixture
def org(tmp_path: Path, database_url: str) -> Iterator[Org]:
    with SandboxServer([SalesforceApi(None, multi_currency=False)]) as srv:
        yield Org(srv, tmp_path, database_url, plan_text=VISIT_PLAN)


class TestAllDayVisits:
    def test_todays_all_day_visit_counts_the_night_after_its_day(self, org: Org) -> None:
        """Two visits of Julie on Wednesday 19 May 2027, on two accounts: an all-day Event (ActivityDate, and
        ActivityDateTime at midnight UTC, as Salesforce stores it) and a timed one at 09:00 Paris. At the 02:00 night
        of 19 May neither has happened: A-04 is 0; at the 02:00 night of 20 May both count: 2. Seen failing before
        the fix: 1 at the first night (the all-day visit counted two hours into its day)."""
        other = org.api.create("Account", Name="Villeurbanne SA", BillingPostalCode="69100", OwnerId=org.owner)
        visit = {"Type": "Customer visit", "OwnerId": org.owner, "DurationInMinutes": 60}
        org.api.create("Event", Subject="Visite Lyon SARL", WhatId=org.account, IsAllDayEvent=True,
                       ActivityDate="2027-05-19", ActivityDateTime="2027-05-19T00:00:00.000+0000",
                       StartDateTime="2027-05-19T00:00:00.000+0000", **{**visit, "DurationInMinutes": 1440})
        org.api.create("Event", Subject="Visite Villeurbanne", WhatId=other, IsAllDayEvent=False,
                       ActivityDateTime="2027-05-19T07:00:00.000+0000", StartDateTime="2027-05-19T07:00:00.000+0000",
                       **visit)
        org.clock.now = datetime(2027, 5, 19, 0, 0, tzinfo=UTC)      # 02:00 in Paris
        first = org.sync()
        assert (first.status, first.rejections) == ("ok", [])
        assert first.evaluation is not None and first.evaluation.action("A-04").done == 0
        org.clock.now = datetime(2027, 5, 20, 0, 0, tzinfo=UTC)
        second = org.sync()
        assert second.evaluation is not None and second.evaluation.action("A-04").done == 2
