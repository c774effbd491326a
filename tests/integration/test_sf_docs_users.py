"""Which Salesforce user owns a person's PAC records when several users share her e-mail, of which types, active or
not (audit sfusers, 7 Dec 2026): an org emulated from Salesforce's documentation (``sf_docs_emulator``) through pac's
real connector, sync pipeline, engine and write-back. Expectations written by hand first
(/tmp/audits/sfusers/EXPECTED.md).

Salesforce makes ``Username`` unique, not ``Email`` (Object Reference, User). ``UserType`` is "the category of user
license": Standard (Salesforce, Salesforce Platform), the portal types (PowerPartner, CustomerSuccess, ...: external
users, partners or customers) and CsnOnly (Chatter Free, Chatter External), and a Chatter Free user cannot own a
custom object record (OP_WITH_INVALID_USER_TYPE_EXCEPTION).

Users: Julie's Standard user S (julie@example.com, night 2 julie.martin@example.com), her Chatter Free user C
(julie@example.com, kept on the old address), D (Standard, julie@example.com, deactivated: an old duplicate); Marc's
Standard user M and a partner-portal user P made with his address; Nina's only user, Chatter Free.
Visits in May 2027: V1 S Alpha 3 May, V2 S Beta 10 May, V3 D Gamma 5 May, V4 M Alpha 6 May; night 2, V5 S Delta
19 May (after S's e-mail change).
Night 1: A-1 Julie 3 (V1, V2 and the deactivated duplicate's V3), owned by S; A-2 Marc 1, owned by M, never by the
portal user; A-3 Nina: written with no OwnerId and a warning (her only user cannot own it).
Night 2: A-1 4, still S's, no owner sent; A-4 (new, Julie) goes to S, the one active Standard user that is Julie
(under the e-mail pac remembers S moved to; audit sfownerpick), never to her Chatter Free user (Salesforce would refuse
the record every night); night 3, the plan fixed to her new e-mail, nothing moves. With a second Standard user S2 made
with julie@: A-1 stays S's, A-4 goes to S2 (the plan's e-mail first), and the run names both.
Her old user deactivated and a new one under an alias: the new one owns her actions (``sync_jobs.owner_choice``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from tests.fakes import Clock, write_settings
from tests.integration.sf_docs_emulator import ENV, INTEGRATION_USER, DocsOrg, add_pac_objects, serve
from tests.integration.sf_runs import NO_WAIT

PLAN = """\
plan:
  name: "Users plan"
  id: users
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
  - {email: marc@example.com, name: Marc}
  - {email: nina@example.com, name: Nina}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - id: AX-A
    name: Rhône accounts
    segment: S-69
    status: active
    objective: {additional_revenue: 30000, baseline: previous_year}
actions:
  - {id: A-1, axis: AX-A, text: "4 visits in May", who: julie@example.com,
     what: {activity: visit, count: 4, counting: activities}, when: "May 2027"}
  - {id: A-2, axis: AX-A, text: "2 visits in May", who: marc@example.com,
     what: {activity: visit, count: 2, counting: activities}, when: "May 2027"}
  - {id: A-3, axis: AX-A, text: "1 visit in May", who: nina@example.com,
     what: {activity: visit, count: 1, counting: activities}, when: "May 2027"}
"""
A4 = """\
  - {id: A-4, axis: AX-A, text: "1 visit in June", who: julie@example.com,
     what: {activity: visit, count: 1, counting: activities}, when: "June 2027"}
"""
JULIE, MARC, NINA = "julie@example.com", "marc@example.com", "nina@example.com"
JULIE_NEW = "julie.martin@example.com"


def _user(org: DocsOrg, username: str, email: str, name: str, user_type: str, active: bool = True) -> str:
    return org.add("User", Username=username, Email=email, Name=name, FirstName=name.split()[0],
                   LastName=name.split()[-1], IsActive=active, UserType=user_type)


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.add("User", Id=INTEGRATION_USER, Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    ids["S"] = _user(org, "julie@example.com", JULIE, "Julie Martin", "Standard")
    ids["C"] = _user(org, "julie@example.com.chatter", JULIE, "Julie Martin (Chatter)", "CsnOnly")
    ids["D"] = _user(org, "julie.old@example.com", JULIE, "Julie Martin (old)", "Standard", active=False)
    ids["M"] = _user(org, "marc@example.com", MARC, "Marc Petit", "Standard")
    ids["P"] = _user(org, "marc@example.com.portal", MARC, "Marc Petit (portal test)", "PowerPartner")
    ids["N"] = _user(org, "nina@example.com", NINA, "Nina Roux", "CsnOnly")
    for key, code in (("alpha", "69001"), ("beta", "69002"), ("gamma", "69003"), ("delta", "69004")):
        ids[key] = org.add("Account", Name=key.title(), BillingPostalCode=code, BillingCountry="France",
                           OwnerId=ids["M"], Industry="Manufacturing", Type="Customer - Direct")
    for key, owner, account, day in (("V1", "S", "alpha", 3), ("V2", "S", "beta", 10), ("V3", "D", "gamma", 5),
                                     ("V4", "M", "alpha", 6)):
        ids[key] = visit(org, key, ids[owner], ids[account], datetime(2027, 5, day, 8, 0, tzinfo=UTC))
    return org, ids


def visit(org: DocsOrg, key: str, owner: str, account: str, start: datetime, **more: Any) -> str:
    return org.add("Event", Subject=key, Type="Visite client", OwnerId=owner, AccountId=account, WhatId=account,
                   ActivityDateTime=start, StartDateTime=start, ActivityDate=start.date(), DurationInMinutes=60,
                   EndDateTime=start + timedelta(hours=1), EndDate=start.date(), IsAllDayEvent=False, **more)


@pytest.fixture
def users_org(tmp_path: Path, database_url: str) -> Iterator[tuple[DocsOrg, dict[str, str], Any, Path]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    org, ids = build_org()
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    for _ in serve(org):
        yield org, ids, settings, tmp_path


def _sync(org: DocsOrg, settings: Any, clock: Clock | None = None) -> RunResult:
    connector = build("sf-main", default_mapping_path(), ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(None, settings, connectors={"sf-main": connector}, clock=clock or Clock())
    finally:
        connector.close()


def _record(org: DocsOrg, item: str) -> dict[str, Any]:
    [row] = [r for r in org.rows["PAC_Action__c"] if str(r["PAC_Key__c"]) == f"users:{item}" and not r["IsDeleted"]]
    return row


def _owners_sent(org: DocsOrg, since: int = 0) -> dict[str, str]:
    """Action -> the OwnerId pac sent for it (the last), from ``since`` on in the org's requests."""
    out: dict[str, str] = {}
    for method, path, body in org.requests[since:]:
        if method == "PATCH" and path.endswith("/PAC_Action__c/PAC_Key__c"):
            for rec in body["records"]:
                if "OwnerId" in rec:
                    out[rec["PAC_Key__c"].split(":")[-1]] = rec["OwnerId"]
    return out


def _warnings(caplog: pytest.LogCaptureFixture, email: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if f"owner={email}" in r.getMessage()]


class TestOwnersByLicence:
    def test_night_one_standard_users_own_and_everyone_counts(
            self, users_org: tuple[DocsOrg, dict[str, str], Any, Path], caplog: pytest.LogCaptureFixture) -> None:
        """Julie's and Marc's actions go to their Standard users, never to the Chatter Free or the portal user that
        share their e-mails; Nina, whose only user is Chatter Free, gets her action written with no OwnerId (the
        integration user keeps it) and one warning naming her user as Chatter Free. Seen failing before the fix:
        A-3's OwnerId was Nina's Chatter Free user, and Salesforce refused the whole record
        (OP_WITH_INVALID_USER_TYPE_EXCEPTION): A-3 did not exist in the org, night after night."""
        org, ids, settings, _ = users_org
        with caplog.at_level(logging.WARNING):
            result = _sync(org, settings)
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert {a: ev.action(a).done for a in ("A-1", "A-2", "A-3")} == {"A-1": 3, "A-2": 1, "A-3": 0}
        assert _owners_sent(org) == {"A-1": ids["S"], "A-2": ids["M"]}
        assert _record(org, "A-3")["OwnerId"] is None     # none sent: the creating (integration) user owns it
        [nina] = _warnings(caplog, NINA)
        assert ids["N"] in nina and "Chatter Free" in nina and "cannot own" in nina

    def test_a_portal_user_alone_on_an_email_is_not_given_the_records(
            self, users_org: tuple[DocsOrg, dict[str, str], Any, Path], caplog: pytest.LogCaptureFixture) -> None:
        """Marc's Standard user deactivated: the partner-portal user left on his e-mail is an external user, and a PAC
        action is the company's plan: the action is left with its owner (M, inactive, keeps it) and the run warns.
        Seen failing before the fix: OwnerId set to the portal user P (the e-mail's only active user)."""
        org, ids, settings, _ = users_org
        next(u for u in org.rows["User"] if u["Id"] == ids["M"])["IsActive"] = False
        with caplog.at_level(logging.WARNING):
            _sync(org, settings)
        assert (org.unhandled, org.errors) == ([], [])
        assert "A-2" not in _owners_sent(org)
        [marc] = _warnings(caplog, MARC)
        assert ids["P"] in marc and "PowerPartner" in marc

    def test_night_two_her_login_moved_and_her_chatter_user_kept_the_old_email(
            self, users_org: tuple[DocsOrg, dict[str, str], Any, Path], caplog: pytest.LogCaptureFixture) -> None:
        """Night 2: Julie's Standard user now has julie.martin@example.com, her Chatter Free user still
        julie@example.com, and the plan adds A-4 for her. A-1 counts the visit made under the new e-mail (4) and stays
        her Standard user's, no owner sent; A-4 is created and owned by her Standard user: the one active Standard user
        that is Julie, under the e-mail pac remembers it moved to (audit sfownerpick). Never her Chatter Free user
        (Salesforce would refuse the record), and no "cannot own" warning. Night 3, the plan fixed as the remembered
        e-mail's warning says: nothing to send, both stay hers.
        Seen failing before sfusers: A-4's OwnerId was her Chatter Free user, refused. Seen failing before sfownerpick:
        A-4 written with no OwnerId (the integration user's, out of her "My actions") and a warning."""
        org, ids, settings, tmp_path = users_org
        _sync(org, settings)
        _moved(org, ids)
        plan = tmp_path / "plan.pac.yaml"
        plan.write_text(PLAN + A4, encoding="utf-8")
        before = len(org.requests)
        with caplog.at_level(logging.WARNING):
            result = _sync(org, settings, Clock(datetime(2027, 5, 20, 17, 0, tzinfo=UTC)))
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert ev.action("A-1").done == 4
        assert _owners_sent(org, before) == {"A-4": ids["S"]}
        assert _record(org, "A-1")["OwnerId"] == ids["S"] and _record(org, "A-4")["OwnerId"] == ids["S"]
        assert not [line for line in result.drift if "A-1" in line], result.drift
        assert _warnings(caplog, JULIE) == [] and _warnings(caplog, JULIE_NEW) == []

        # night 3, the plan fixed as the remembered e-mail's warning says: nothing to send, her visits still count
        fixed = (PLAN + A4).replace("who: julie@example.com", f"who: {JULIE_NEW}").replace(
            "{email: julie@example.com, name: Julie}", f"{{email: {JULIE_NEW}, name: Julie, aliases: [{JULIE}]}}")
        plan.write_text(fixed, encoding="utf-8")
        before = len(org.requests)
        third = _sync(org, settings, Clock(datetime(2027, 5, 20, 18, 0, tzinfo=UTC)))
        assert (org.unhandled, org.errors) == ([], [])
        assert third.evaluation is not None and third.evaluation.action("A-1").done == 4
        assert _record(org, "A-4")["OwnerId"] == ids["S"] and _record(org, "A-1")["OwnerId"] == ids["S"]
        assert _owners_sent(org, before) == {}

    def test_two_standard_users_are_julie_her_records_stay_and_new_ones_go_to_the_plan_email(
            self, users_org: tuple[DocsOrg, dict[str, str], Any, Path], caplog: pytest.LogCaptureFixture) -> None:
        """Night 2: Julie's Standard user S moved to julie.martin@example.com (pac remembers it held her plan e-mail)
        and a second Standard user S2 was made with julie@example.com: both are Julie. A-1, S's since night 1, stays
        S's (no owner sent); A-4 (new) goes to S2, the user of the plan's own e-mail (the plan's e-mail first, then
        its aliases, then the e-mails pac remembers), and the run warns once, naming both users, the one chosen and
        the fix. Never her Chatter Free user. Seen failing before the fix: A-4 sent to S2 with no warning that S is
        Julie too (the owner was chosen by the plan's e-mail alone)."""
        org, ids, settings, tmp_path = users_org
        _sync(org, settings)
        _moved(org, ids)
        second = _user(org, "julie.2@example.com", JULIE, "Julie Martin (2)", "Standard")
        (tmp_path / "plan.pac.yaml").write_text(PLAN + A4, encoding="utf-8")
        before = len(org.requests)
        with caplog.at_level(logging.WARNING):
            result = _sync(org, settings, Clock(datetime(2027, 5, 20, 17, 0, tzinfo=UTC)))
        assert (org.unhandled, org.errors) == ([], [])
        assert result.evaluation is not None and result.evaluation.action("A-1").done == 4
        assert _owners_sent(org, before) == {"A-4": second}
        assert _record(org, "A-1")["OwnerId"] == ids["S"] and _record(org, "A-4")["OwnerId"] == second
        [both] = [w for w in result.unmeasured if second in w]
        assert ids["S"] in both and JULIE_NEW in both and "deactivate" in both.lower() and ids["C"] not in both, both


def _moved(org: DocsOrg, ids: dict[str, str]) -> None:
    """Julie's Standard user moves to julie.martin@example.com on 20 May, after a visit under the new e-mail."""
    org.now = datetime(2027, 5, 20, 16, 30, tzinfo=UTC)
    next(u for u in org.rows["User"] if u["Id"] == ids["S"]).update(Email=JULIE_NEW, SystemModstamp=org.now)
    visit(org, "V5", ids["S"], ids["delta"], datetime(2027, 5, 19, 16, 0, tzinfo=UTC), SystemModstamp=org.now)


class TestOwnerUnderAnAlias:
    def test_her_old_user_deactivated_and_a_new_one_under_her_alias_owns_them(
            self, users_org: tuple[DocsOrg, dict[str, str], Any, Path], caplog: pytest.LogCaptureFixture) -> None:
        """Julie's old user deactivated (so are her Chatter Free user and the old duplicate: every user of
        julie@example.com is inactive) and a new Standard user created with julie.martin@example.com, which the
        plan lists under her aliases. Her new user owns her actions (A-1 given to it, no "no active user" warning),
        and her visits under both users count. Seen failing before the fix: the plan e-mail was still a user's of
        the org (inactive ones), so the owner stayed julie@example.com, which has no active user: A-1 stayed with
        the deactivated user and the run warned every night."""
        org, ids, settings, tmp_path = users_org
        for key in ("S", "C"):
            next(u for u in org.rows["User"] if u["Id"] == ids[key])["IsActive"] = False
        new = _user(org, "julie.martin@example.com", "julie.martin@example.com", "Julie Martin", "Standard")
        visit(org, "V5", new, ids["delta"], datetime(2027, 5, 19, 16, 0, tzinfo=UTC))
        (tmp_path / "plan.pac.yaml").write_text(PLAN.replace(
            "{email: julie@example.com, name: Julie}",
            "{email: julie@example.com, name: Julie, aliases: [julie.martin@example.com]}"), encoding="utf-8")
        with caplog.at_level(logging.WARNING):
            result = _sync(org, settings)
        assert (org.unhandled, org.errors) == ([], [])
        assert result.evaluation is not None and result.evaluation.action("A-1").done == 4
        assert _owners_sent(org)["A-1"] == new
        assert _record(org, "A-1")["OwnerId"] == new
        assert _warnings(caplog, JULIE) == []
