"""Which company (account) a HubSpot engagement or deal counts for, on the portal of audit B (``/tmp/audit-B``,
``s2_portal.py``), through hubspot-api-client, the sandbox CRM and the real pipeline with the shipped mapping.

Grenoble Pharma (38, created first: the smaller id) and Lyon Chimie (69); Paul's primary company is Lyon Chimie, Eve's
Grenoble Pharma (contacts -> companies, HubSpot-defined type 1). Julie's completed visits in Q2 2027:

* M1, her visit to Paul, is on Paul and on both companies (the rep added Grenoble, the group's purchasing site): it
  counts on Lyon Chimie, Paul's primary company (audit B-4: before, on Grenoble, the smaller id);
* M2 is on both companies and no contact: nothing tells them apart, the smaller id (Grenoble);
* M5 is on Paul and Eve only, no company: their primary companies differ, the smaller id (Grenoble).

A-69 « Visit clients in the Rhône (69) » counts M1: 1 / 10; A-38 « Visit clients in Isère (38) » M2 and M5: 2 / 10.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.hubspot.mapping import default_mapping_path
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import RunResult
from tests.fakes import audit_plan, one_connector_settings, sandbox_sync_clean

PLAN = audit_plan("Audit B accounts", "en", """\
  - {id: A-69, axis: AX-RA, text: "Visit clients in the Rhone (69) in Q2", who: julie@audit.example,
     what: {activity: visit, count: 10, counting: activities, scope: {departement: "69"}}, when: "Q2 2027",
     status: in_progress}
  - {id: A-38, axis: AX-RA, text: "Visit clients in Isere (38) in Q2", who: julie@audit.example,
     what: {activity: visit, count: 10, counting: activities, scope: {departement: "38"}}, when: "Q2 2027",
     status: in_progress}
""")


class AccountPortal:
    """Audit B's companies, contacts and engagements in a Starter sandbox portal; ``ids`` by the names above."""

    def __init__(self, tmp: Path) -> None:
        self.api = api = HubSpotApi(tier="starter", ten_second_limit=1_000_000)
        self.julie = julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        api.add_owner("nat@audit.example", "Nathalie", "Garnier")
        ids: dict[str, str] = {}
        self.ids = ids
        for key, name, zip_code in (("gre", "Grenoble Pharma", "38000"), ("lyon", "Lyon Chimie", "69001")):
            ids[key] = api.add("companies", {"name": name, "zip": zip_code, "country": "France", "type": "Client",
                                             "hubspot_owner_id": julie})
        assert int(ids["gre"]) < int(ids["lyon"])
        for key, email, company in (("paul", "paul@lyonchimie.example", "lyon"),
                                    ("eve", "eve@grepharma.example", "gre")):
            ids[key] = api.add("contacts", {"email": email, "firstname": key.title()})
            api.associate("contacts", ids[key], "companies", ids[company], primary=True)
        self.meeting("M1", "2027-05-03T08:00:00Z", companies=("gre", "lyon"), contacts=("paul",))
        self.meeting("M2", "2027-05-04T08:00:00Z", companies=("gre", "lyon"))
        self.meeting("M5", "2027-05-05T08:00:00Z", contacts=("paul", "eve"))
        self.server = SandboxServer([api]).start()
        self.settings = one_connector_settings(tmp, PLAN, "hs-b", default_mapping_path(), "b")

    def meeting(self, key: str, start: str, *, companies: tuple[str, ...] = (), contacts: tuple[str, ...] = ()
                ) -> None:
        """Julie's completed customer visit ``key``, on these companies and contacts."""
        self.ids[key] = self.api.add("meetings", {
            "hubspot_owner_id": self.julie, "hs_meeting_start_time": start, "hs_timestamp": start,
            "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client", "hs_meeting_title": key},
            companies=tuple(self.ids[c] for c in companies))
        for contact in contacts:
            self.api.associate("meetings", self.ids[key], "contacts", self.ids[contact])

    def sync(self, *, full: bool = False) -> RunResult:
        result: RunResult = sandbox_sync_clean(self.settings, self.server, full=full)
        return result


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[AccountPortal]:
    made = AccountPortal(tmp_path)
    try:
        yield made
    finally:
        made.server.stop()


def test_a_visit_on_two_companies_counts_on_the_primary_company_of_the_contact_met(portal: AccountPortal) -> None:
    """M1 counts for Lyon Chimie (A-69), Paul's primary company, though Grenoble Pharma has the smaller id; M2 (no
    contact) and M5 (contacts only, two primary companies) keep the smaller id. Failed before (audit B-4): A-69
    0 / 10 and A-38 3 / 10, M1 counted on Grenoble."""
    result = portal.sync()
    assert result.evaluation is not None
    assert (result.evaluation.action("A-69").done, result.evaluation.action("A-38").done) == (1, 2)
    assert result.rejections == []
