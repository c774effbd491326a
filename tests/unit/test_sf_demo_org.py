"""The demo organisation: deterministic, with the worked example and the awkward records."""

from __future__ import annotations

from datetime import date

from sandbox_crm.demo_org import AWKWARD, WEEK18, build_demo_org


class TestDemoOrg:
    def test_deterministic(self) -> None:
        """Two builds are identical."""
        assert build_demo_org(scale=0.2) == build_demo_org(scale=0.2)

    def test_worked_example_week_holds_only_the_twelve_records_for_julie(self) -> None:
        """Julie's week-18 activities are exactly v1..v12 minus v4 (week 19) and v8 (Marc's)."""
        org = build_demo_org()
        julie = "julie.martin@durand-process.example"
        keys = {a.key for a in org.activities if a.owner_email == julie and a.start
                and WEEK18[0] <= a.start < WEEK18[1]}
        assert keys == {"v1", "v2", "v3", "v5", "v6", "v7", "v9", "v10", "v11", "v12"}
        assert org.activity("v11").deleted and org.activity("v9").status == "cancelled"
        assert org.activity("v10").kind == "call" and org.activity("v8").owner_email.startswith("marc")

    def test_only_bron_has_a_won_deal_in_the_dormancy_year(self) -> None:
        """Among the example's accounts only Bron won a deal between 2026-05-03 and 2027-05-03."""
        org = build_demo_org()
        example = {"acc-lyon-a", "acc-villeurbanne", "acc-venissieux", "acc-caluire", "acc-grenoble", "acc-bron",
                   "acc-givors", "acc-tassin", "acc-oullins", "acc-ecully", "acc-rillieux"}
        won = {d.account_key for d in org.deals if d.stage == "won" and d.account_key in example
               and date(2026, 5, 3) <= d.close_date < date(2027, 5, 3)}
        assert won == {"acc-bron"}

    def test_awkward_records_present(self) -> None:
        """Every awkward record listed in the doc exists."""
        org = build_demo_org(scale=0.1)
        keys = {u.key for u in org.users} | {a.key for a in org.accounts} | {a.key for a in org.activities} | {
            d.key for d in org.deals}
        assert set(AWKWARD) <= keys

    def test_two_crms(self) -> None:
        """About 600 Salesforce accounts and 150 HubSpot companies; the manager is in both."""
        org = build_demo_org()
        assert 590 <= len(org.for_crm("salesforce").accounts) <= 610 and len(org.for_crm("hubspot").accounts) == 150
        assert sum(u.email == "nathalie.garnier@durand-process.example" for u in org.users) == 2
