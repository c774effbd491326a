"""A soak of real nightly runs: ``pac sync``'s pipeline (in-process, on the soak's clock; ``--cli``: the command line,
a process per night) against the sandbox CRM (both dialects, the demo organisation), night after night with a moving
clock (``--as-of``), and between nights random
realistic changes made in the CRMs: new, edited, cancelled and deleted visits, meetings and calls; deals won, lost,
re-opened, their amount edited, moved to another account; accounts edited (postcode, owner), merged, deleted and
restored; a manager's edits of pac's own records; now and then the plan file edited (a target, a new action, an
action removed, an axis renamed with its id kept).

After every night it checks (``Soak.check``):

1. a fresh full evaluation of the store at that instant (an in-process ``pac sync --dry-run`` as of the night: a dry
   run evaluates in full) has nothing to write, and every figure pac keeps on its axis and action records in both
   CRMs equals what that evaluation wants (``sync_jobs.diff.desired_state``); every ``--full-every`` nights a copy of
   the store synced with ``pac sync --full`` holds the same records and writes nothing;
2. no PAC record twice in either CRM (one per key);
3. a night with no change in the CRMs and the same day of figures costs the quiet night's floor of API calls
   (Salesforce 11, HubSpot 17: docs/sync.md);
4. every value a manager set in a CRM is the plan's decided value after the night, in both CRMs (unless the plan file
   changed that field since).

Changes go through the CRMs' HTTP APIs where the sandbox serves them (Salesforce: record creation and sObject
Collections updates, signed in as the rep or the manager; HubSpot: object creation, batch update and archive,
associations v4); what the sandbox serves only as a helper (Salesforce delete, undelete and merge, which the real
org does through the UI, SOAP or Apex; HubSpot merge and a manager's edit in the HubSpot UI) goes through the
sandbox's helpers.

    python -m tests.soak_nights --nights 120 --seed 7            # the long run (about 20 min on 2 shared cores)
    python -m tests.soak_nights --nights 12 --start 2027-12-24    # across the year end

``tests/e2e/test_soak_nights.py`` runs 10 nights of it. Figures of a long run: docs/operations.md, *Soak*.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
import yaml

from connectors.base import Target
from connectors.hubspot.schema import ACTION_PROPS, AXIS_PROPS
from pac_config.settings import config_dir, load_settings
from pac_core.snapshots import closing_instant, evaluation_from_payload
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import SANDBOX_TOKEN, HubSpotApi
from sandbox_crm.run import SF_CLIENT_ID, SF_CLIENT_SECRET, start_sandbox
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import diff
from sync_jobs.app import take_due_snapshots
from sync_jobs.demo import write_demo_settings
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_sync

PARIS = ZoneInfo("Europe/Paris")
SF_QUIET, HS_QUIET = 12, 17     # a quiet night's calls (docs/sync.md, docs/hubspot.md §5), describes included
API = "/services/data/v62.0"
MANAGER = "nathalie.garnier@durand-process.example"
# reps and the départements their actions look at (config/plans/example.pac.yaml)
SF_REPS = {"julie.martin@durand-process.example": ("69", "38", "42", "01"),
           "marc.dubois@durand-process.example": ("69", "73", "74"),
           "sophie.bernard@durand-process.example": ("92", "94", "75"),
           "thomas.petit@durand-process.example": ("13", "83", "06"),
           "claire.moreau@durand-process.example": ("44", "85", "35"),
           "antoine.leroy@durand-process.example": ("59", "62", "80")}
HS_REPS = {"lea.rousseau@durand-process.example": ("31", "34", "30"),
           "hugo.lambert@durand-process.example": ("33", "64", "17")}
SKIP = {"last_synced", "owner_email"}      # the run's own time; the owner is a user id there, compared elsewhere
AXIS_STATES = ("active", "prioritised", "suspended")
ACTION_STATES = ("planned", "in_progress", "done", "cancelled")


class SoakClock:
    """The soak's time: a night's instant, running on at the real pace while the night runs. pac's run (``clock``)
    and both sandbox dialects (their record stamps) read it, so the CRMs' stamps, the watermarks, the reconciliation
    schedule and the evaluation date move together, as on a real deployment night after night."""

    def __init__(self, start: datetime) -> None:
        self.set(start)

    def set(self, when: datetime) -> None:
        self.base, self.t0 = when.astimezone(UTC), time.monotonic()

    def __call__(self) -> datetime:
        return self.base + timedelta(seconds=time.monotonic() - self.t0)

    def epoch(self) -> float:
        return self().timestamp()


@dataclass
class Night:
    """One night's figures."""

    n: int
    as_of: str
    changes: list[str]
    exit: int
    calls: dict[str, int]
    written: int
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reads: dict[str, int] = field(default_factory=dict)
    paths: Counter[str] = field(default_factory=Counter)
    sent: list[str] = field(default_factory=list)
    full: list[str] = field(default_factory=list)   # the connectors that read in full (weekly reconciliation)
    snapshots: list[str] = field(default_factory=list)   # the snapshots the scheduler took that night


class Soak:
    """The sandbox, a store, a plan file, and the nights run on them."""

    def __init__(self, where: Path, *, seed: int, start: datetime, full_every: int = 10,
                 quiet_share: float = 0.3, rerun_every: int = 3, cli: bool = False, log: Any = print) -> None:
        self.where, self.rng, self.when = where, random.Random(seed), start
        self.cli, self.clock = cli, SoakClock(start)
        self.full_every, self.quiet_share, self.log = full_every, quiet_share, log
        self.rerun_every = rerun_every
        if cli:     # `pac sync --as-of` in a process of its own: the run's and the CRMs' clocks are the machine's
            self.server: SandboxServer = start_sandbox()
        else:
            org = build_demo_org()
            # HubSpot's 10-second window as large as a soak needs: the checks' dry runs come right after each night,
            # through connectors that record their retry waits instead of waiting (tests.fakes.sandbox_connectors)
            self.server = SandboxServer([SalesforceApi(org, now=self.clock),
                                         HubSpotApi(org, clock=self.clock.epoch, ten_second_limit=1_000_000)])
            self.server.start()
            for api in self.server.apis:
                attach = getattr(api, "attach", None)
                if callable(attach):
                    attach(self.server)
        self.sf, self.hs = self.server.api("salesforce"), self.server.api("hubspot")
        self.plan = where / "plan.pac.yaml"
        self.plan.write_text((config_dir() / "plans" / "example.pac.yaml").read_text(encoding="utf-8"),
                             encoding="utf-8")
        self.config = write_demo_settings(where / "pac.db", where / "pac.yaml", by="soak")
        text = self.config.read_text(encoding="utf-8")
        shipped = str(config_dir() / "plans" / "example.pac.yaml")
        assert shipped in text, text
        text = text.replace(shipped, str(self.plan))
        head, _, tail = text.partition(", as_of: '")
        text = head + "}" + tail.split("}", 1)[1]     # no fixed clock: each night says its own (--as-of)
        self.config.write_text(text, encoding="utf-8")
        self.settings = load_settings(self.config, env={})
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")},
                    **sandbox_env_fast(self.server), "PAC_CONFIG": str(self.config)}
        for c in sandbox_connectors(self.settings, self.server).values():   # the PAC objects, as `pac crm provision`
            c.close()
        self.sessions: dict[str, str] = {}
        self.made: dict[str, list[str]] = {"Event": [], "Task": [], "meetings": [], "calls": []}
        self.deleted_accounts: list[str] = []
        self.manager_edits: list[tuple[int, Target, str, str, Any]] = []   # night, target, key, logical, value
        self.file_fields: dict[tuple[str, str], int] = {}                   # (item, logical) -> night the file set it
        self.nights: list[Night] = []
        self.previous_day: date | None = None

    def close(self) -> None:
        self.server.stop()

    # -- HTTP: Salesforce ------------------------------------------------------------------------
    def _sf_session(self, email: str) -> str:
        if email not in self.sessions:
            username = email.lower()      # the demo org's usernames are the people's e-mails (one in mixed case)
            answer = requests.post(f"{self.server.base_url}/services/oauth2/token", verify=self.server.ca_path,
                                   data={"grant_type": "password", "username": username, "password": "x",
                                         "client_id": SF_CLIENT_ID, "client_secret": SF_CLIENT_SECRET}, timeout=30)
            answer.raise_for_status()
            self.sessions[email] = answer.json()["access_token"]
        return self.sessions[email]

    def _sf(self, email: str, method: str, path: str, body: Any) -> Any:
        answer = requests.request(method, f"{self.server.base_url}{API}{path}", json=body, timeout=30,
                                  verify=self.server.ca_path,
                                  headers={"Authorization": f"Bearer {self._sf_session(email)}"})
        assert answer.status_code < 300, (path, answer.status_code, answer.text)
        return answer.json() if answer.text else None

    def sf_create(self, email: str, sobject: str, **values: Any) -> str:
        return str(self._sf(email, "POST", f"/sobjects/{sobject}", values)["id"])

    def sf_update(self, email: str, sobject: str, record_id: str, **values: Any) -> None:
        out = self._sf(email, "PATCH", "/composite/sobjects", {"allOrNone": True, "records": [
            {"attributes": {"type": sobject}, "Id": record_id, **values}]})
        assert all(r.get("success") for r in out), out

    # -- HTTP: HubSpot ---------------------------------------------------------------------------
    def _hs(self, method: str, path: str, body: Any) -> Any:
        answer = requests.request(method, f"{self.server.base_url}{path}", json=body, timeout=30,
                                  verify=self.server.ca_path, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
        assert answer.status_code < 300, (path, answer.status_code, answer.text)
        out = answer.json() if answer.text else None
        assert not (isinstance(out, dict) and out.get("errors")), (path, out)
        return out

    def hs_create(self, object_type: str, props: dict[str, Any], company: str | None) -> str:
        made = str(self._hs("POST", f"/crm/v3/objects/{object_type}", {"properties": props})["id"])
        if company is not None:
            self._hs("POST", f"/crm/v4/associations/{object_type}/companies/batch/associate/default",
                     {"inputs": [{"from": {"id": made}, "to": {"id": company}}]})
        return made

    def hs_update(self, object_type: str, object_id: str, props: dict[str, Any]) -> None:
        self._hs("POST", f"/crm/v3/objects/{object_type}/batch/update",
                 {"inputs": [{"id": object_id, "properties": props}]})

    def hs_archive(self, object_type: str, object_id: str) -> None:
        self.hs.archive(object_type, object_id)     # the sandbox serves no batch archive of CRM records

    # -- the CRMs' data -------------------------------------------------------------------------
    def sf_user(self, email: str) -> str:
        return str(self.sf.find("User", Username=email.lower())[0]["Id"])

    def sf_accounts(self, departements: tuple[str, ...]) -> list[dict[str, Any]]:
        return [r for r in self.sf.rows("Account") if not r.get("IsDeleted")
                and str(r.get("BillingPostalCode") or "")[:2] in departements]

    def hs_owner(self, email: str) -> str:
        return next(str(o["id"]) for o in self.hs.owners if o.get("email") == email)

    def hs_companies(self, departements: tuple[str, ...]) -> list[Any]:
        rows = self.hs.table("companies").rows.values()
        return [r for r in rows if str(r.props.get("zip") or "")[:2] in departements]

    def pac_table(self, target: Target) -> Any:
        name = "pac_axis" if target is Target.AXIS else "pac_action"
        for table in self.hs.tables.values():
            if getattr(table, "name", "") == name or getattr(table, "label", "") == name:
                return table
        return next(t for k, t in self.hs.tables.items() if name in str(k) or name in str(getattr(t, "name", "")))

    # -- the changes between nights ---------------------------------------------------------------
    def change(self, day: datetime) -> list[str]:
        """A few random changes made in the CRMs (and now and then in the plan file) during ``day``."""
        if self.rng.random() < self.quiet_share:
            return []
        moves = [self.sf_visit, self.sf_visit, self.sf_call, self.sf_cancel, self.sf_delete_activity,
                 self.sf_deal, self.sf_deal, self.sf_account, self.sf_account_life, self.sf_manager,
                 self.hs_meeting, self.hs_meeting, self.hs_call, self.hs_cancel, self.hs_delete_activity,
                 self.hs_deal, self.hs_company, self.hs_manager, self.plan_edit]
        done = []
        for _ in range(self.rng.randint(1, 4)):
            what = self.rng.choice(moves)(day)
            if what:
                done.append(what)
        return done

    def _when(self, day: datetime) -> datetime:
        return (day - timedelta(days=1)).replace(hour=self.rng.choice((9, 10, 14, 16)), minute=0)

    def sf_visit(self, day: datetime) -> str:
        email = self.rng.choice(list(SF_REPS))
        accounts = self.sf_accounts(SF_REPS[email])
        if not accounts:
            return ""
        account = self.rng.choice(accounts)
        start = self._when(day)
        kind = self.rng.choice(("Visite client", "Visite client", "Réunion", "Démonstration", "Relance devis"))
        made = self.sf_create(email, "Event", Subject=f"soak {kind} {account['Name']}", Type=kind,
                              WhatId=account["Id"], OwnerId=self.sf_user(email), StartDateTime=start.isoformat(),
                              EndDateTime=(start + timedelta(hours=1)).isoformat(),
                              ActivityDateTime=start.isoformat(), DurationInMinutes=60, Statut__c="Réalisée")
        self.made["Event"].append(made)
        return f"sf event {kind} {made}"

    def sf_call(self, day: datetime) -> str:
        email = self.rng.choice(list(SF_REPS))
        accounts = self.sf_accounts(SF_REPS[email])
        if not accounts:
            return ""
        account = self.rng.choice(accounts)
        made = self.sf_create(email, "Task", Subject=f"soak call {account['Name']}", TaskSubtype="Call", Type="Call",
                              WhatId=account["Id"], OwnerId=self.sf_user(email), Status="Completed",
                              ActivityDate=(day - timedelta(days=1)).date().isoformat())
        self.made["Task"].append(made)
        return f"sf call {made}"

    def sf_cancel(self, day: datetime) -> str:
        live = [i for i in self.made["Event"] if not self.sf.row("Event", i).get("IsDeleted")]
        if not live:
            return ""
        event = self.rng.choice(live)
        owner = self.sf.row("Event", event)["OwnerId"]
        email = str(self.sf.row("User", owner)["Email"]).lower()
        status = self.rng.choice(("Annulée", "Absent", "Réalisée"))
        self.sf_update(email, "Event", event, Statut__c=status)
        return f"sf event {event} {status}"

    def sf_delete_activity(self, day: datetime) -> str:
        kind = self.rng.choice(("Event", "Task"))
        live = [i for i in self.made[kind] if not self.sf.row(kind, i).get("IsDeleted")]
        if not live:
            return ""
        record = self.rng.choice(live)
        self.sf.delete(kind, record)
        return f"sf {kind} {record} deleted"

    def sf_deal(self, day: datetime) -> str:
        deals = [r for r in self.sf.rows("Opportunity") if not r.get("IsDeleted")]
        deal = self.rng.choice(deals)
        email = str(self.sf.row("User", deal["OwnerId"])["Email"]).lower()
        what = self.rng.choice(("won", "lost", "reopen", "amount", "move"))
        close = (day - timedelta(days=1)).date().isoformat()
        if what == "won":
            self.sf_update(email, "Opportunity", deal["Id"], StageName="Closed Won", CloseDate=close)
        elif what == "lost":
            self.sf_update(email, "Opportunity", deal["Id"], StageName="Closed Lost", CloseDate=close)
        elif what == "reopen":
            self.sf_update(email, "Opportunity", deal["Id"], StageName="Negotiation/Review")
        elif what == "amount":
            if self.sf.find("OpportunityLineItem", OpportunityId=deal["Id"]):
                return ""       # the amount of a deal with products is their sum
            self.sf_update(email, "Opportunity", deal["Id"], Amount=float(self.rng.randrange(5, 200) * 1000))
        else:
            accounts = self.sf_accounts(SF_REPS.get(email, ("69",)))
            if not accounts:
                return ""
            self.sf_update(email, "Opportunity", deal["Id"], AccountId=self.rng.choice(accounts)["Id"])
        return f"sf deal {deal['Id']} {what}"

    def sf_account(self, day: datetime) -> str:
        email = self.rng.choice(list(SF_REPS))
        accounts = self.sf_accounts(SF_REPS[email])
        if not accounts:
            return ""
        account = self.rng.choice(accounts)
        what = self.rng.choice(("postcode", "owner", "type"))
        if what == "postcode":
            dep = self.rng.choice(SF_REPS[email])
            self.sf_update(email, "Account", account["Id"], BillingPostalCode=f"{dep}{self.rng.randrange(100, 999)}")
        elif what == "owner":
            other = self.rng.choice(list(SF_REPS))
            self.sf_update(email, "Account", account["Id"], OwnerId=self.sf_user(other))
        else:
            self.sf_update(email, "Account", account["Id"], Type=self.rng.choice(("Client", "Prospect")))
        return f"sf account {account['Id']} {what}"

    def sf_account_life(self, day: datetime) -> str:
        if self.deleted_accounts and self.rng.random() < 0.5:
            account = self.deleted_accounts.pop()
            self.sf.undelete("Account", account)
            return f"sf account {account} restored"
        accounts = self.sf_accounts(self.rng.choice(list(SF_REPS.values())))
        if len(accounts) < 2:
            return ""
        one, other = self.rng.sample(accounts, 2)
        if self.rng.random() < 0.5:
            self.sf.delete("Account", one["Id"])
            self.deleted_accounts.append(one["Id"])
            return f"sf account {one['Id']} deleted"
        self.sf.merge("Account", one["Id"], other["Id"])
        return f"sf account {other['Id']} merged into {one['Id']}"

    def sf_manager(self, day: datetime) -> str:
        target = self.rng.choice((Target.AXIS, Target.ACTION))
        sobject = "PAC_Axis__c" if target is Target.AXIS else "PAC_Action__c"
        rows = [r for r in self.sf.rows(sobject) if not r.get("IsDeleted") and r.get("PAC_Pace__c") != "removed"]
        if not rows:
            return ""
        row = self.rng.choice(rows)
        value = self.rng.choice(AXIS_STATES if target is Target.AXIS else ACTION_STATES)
        self.sf_update(MANAGER, sobject, row["Id"], PAC_Status__c=value)
        self.manager_edits.append((len(self.nights), target, str(row["PAC_Key__c"]), "status", value))
        return f"sf manager {row['PAC_Key__c']} status={value}"

    def hs_meeting(self, day: datetime) -> str:
        email = self.rng.choice(list(HS_REPS))
        companies = self.hs_companies(HS_REPS[email])
        if not companies:
            return ""
        company = self.rng.choice(companies)
        start = self._when(day)
        kind = self.rng.choice(("Visite client", "Visite client", "Réunion"))
        stamp = start.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        end = (start + timedelta(hours=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        made = self.hs_create("meetings", {"hs_meeting_title": f"soak {kind}", "hs_timestamp": stamp,
                                           "hs_meeting_start_time": stamp, "hs_meeting_end_time": end,
                                           "hs_meeting_outcome": "COMPLETED", "hs_activity_type": kind,
                                           "hubspot_owner_id": self.hs_owner(email)}, str(company.id))
        self.made["meetings"].append(made)
        return f"hs meeting {kind} {made}"

    def hs_call(self, day: datetime) -> str:
        email = self.rng.choice(list(HS_REPS))
        companies = self.hs_companies(HS_REPS[email])
        if not companies:
            return ""
        stamp = self._when(day).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        made = self.hs_create("calls", {"hs_call_title": "soak call", "hs_timestamp": stamp,
                                        "hs_call_status": "COMPLETED", "hubspot_owner_id": self.hs_owner(email)},
                              str(self.rng.choice(companies).id))
        self.made["calls"].append(made)
        return f"hs call {made}"

    def hs_cancel(self, day: datetime) -> str:
        live = [i for i in self.made["meetings"] if i in self.hs.table("meetings").rows]
        if not live:
            return ""
        meeting = self.rng.choice(live)
        outcome = self.rng.choice(("CANCELED", "NO_SHOW", "COMPLETED", "RESCHEDULED"))
        self.hs_update("meetings", meeting, {"hs_meeting_outcome": outcome})
        return f"hs meeting {meeting} {outcome}"

    def hs_delete_activity(self, day: datetime) -> str:
        kind = self.rng.choice(("meetings", "calls"))
        live = [i for i in self.made[kind] if i in self.hs.table(kind).rows]
        if not live:
            return ""
        record = self.rng.choice(live)
        self.hs_archive(kind, record)
        return f"hs {kind} {record} archived"

    def hs_deal(self, day: datetime) -> str:
        deals = list(self.hs.table("deals").rows.values())
        deal = self.rng.choice(deals)
        what = self.rng.choice(("won", "lost", "reopen", "amount", "move"))
        close = (day - timedelta(days=1)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if what == "won":
            self.hs_update("deals", str(deal.id), {"dealstage": "closedwon", "closedate": close})
        elif what == "lost":
            self.hs_update("deals", str(deal.id), {"dealstage": "closedlost", "closedate": close})
        elif what == "reopen":
            self.hs_update("deals", str(deal.id), {"dealstage": "contractsent"})
        elif what == "amount":
            if self.hs.links.get(("deals", "line_items"), {}).get(str(deal.id)):
                return ""
            self.hs_update("deals", str(deal.id), {"amount": str(self.rng.randrange(5, 200) * 1000)})
        else:
            companies = self.hs_companies(self.rng.choice(list(HS_REPS.values())))
            old = self.hs.links.get(("deals", "companies"), {}).get(str(deal.id), {})
            to = str(self.rng.choice(companies).id)
            for company in list(old):
                self._hs("POST", "/crm/v4/associations/deals/companies/batch/archive",
                         {"inputs": [{"from": {"id": str(deal.id)}, "to": [{"id": company}]}]})
            self._hs("POST", "/crm/v4/associations/deals/companies/batch/associate/default",
                     {"inputs": [{"from": {"id": str(deal.id)}, "to": {"id": to}}]})
            name = str(deal.props.get("dealname") or "")
            self.hs_update("deals", str(deal.id), {"dealname": name + " (moved)"})  # the rep's edit with the move
        return f"hs deal {deal.id} {what}"

    def hs_company(self, day: datetime) -> str:
        departements = self.rng.choice(list(HS_REPS.values()))
        companies = self.hs_companies(departements)
        if len(companies) < 2:
            return ""
        one, other = self.rng.sample(companies, 2)
        what = self.rng.choice(("zip", "owner", "merge", "archive"))
        if what == "zip":
            postcode = f"{self.rng.choice(departements)}{self.rng.randrange(100, 999)}"
            self.hs_update("companies", str(one.id), {"zip": postcode})
        elif what == "owner":
            owner = self.hs_owner(self.rng.choice(list(HS_REPS)))
            self.hs_update("companies", str(one.id), {"hubspot_owner_id": owner})
        elif what == "merge":
            self.hs.merge("companies", str(one.id), str(other.id))
        else:
            self.hs_archive("companies", str(one.id))
        return f"hs company {one.id} {what}"

    def hs_manager(self, day: datetime) -> str:
        target = self.rng.choice((Target.AXIS, Target.ACTION))
        table = self.pac_table(target)
        rows = [r for r in table.rows.values() if r.props.get("pac_pace") != "removed"]
        if not rows:
            return ""
        row = self.rng.choice(rows)
        if target is Target.ACTION and self.rng.random() < 0.5:
            value: Any = self.rng.randrange(1, 20)
            logical, prop = "target", "pac_target"
        else:
            value = self.rng.choice(AXIS_STATES if target is Target.AXIS else ACTION_STATES)
            logical, prop = "status", "pac_status"
        manager = next(o for o in self.hs.owners if o.get("email") == MANAGER)
        self.hs.update(table.name, str(row.id), {prop: str(value)}, by_user=manager.get("userId"))
        self.manager_edits.append((len(self.nights), target, str(row.props["pac_key"]), logical, value))
        return f"hs manager {row.props['pac_key']} {logical}={value}"

    def plan_edit(self, day: datetime) -> str:
        text = self.plan.read_text(encoding="utf-8")
        what = self.rng.choice(("target", "add", "remove", "rename"))
        night = len(self.nights)
        if what == "target":
            item = self.rng.choice(("A-13", "A-18", "A-20"))
            head, sep, rest = text.partition(f"  - id: {item}\n")
            if not sep:
                return ""
            before, count, after = rest.partition("count: ")
            old = int(after.split(",", 1)[0].split("}", 1)[0])
            new = old + self.rng.choice((-1, 1, 2)) if old > 1 else old + 1
            text = head + sep + before + count + str(new) + after[len(str(old)):]
            self.file_fields[(item, "target")] = night
        elif what == "add":
            n = sum(1 for line in text.splitlines() if line.startswith("  - id: A-S"))
            item = f"A-S{n + 1}"
            anchor = "  - id: A-20\n"
            if anchor not in text:
                return ""
            text = text.replace(anchor, f"""  - id: {item}
    axis: AX-RA-DORM
    text: "Soak : visiter 2 clients du 69 en {'novembre' if n % 2 else 'décembre'} 2027"
    who: julie.martin@durand-process.example
    what: {{activity: visite, count: 2, scope: {{departement: "69"}}}}
    when: "{'novembre' if n % 2 else 'décembre'} 2027"
""" + anchor, 1)
        elif what == "remove":
            items = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("  - id: A-S")]
            if not items:
                return ""
            item = items[-1]
            start = text.index(f"  - id: {item}\n")
            end = text.index("  - id: ", start + 5)
            text = text[:start] + text[end:]
        else:
            marker = "  - id: AX-RA-DORM\n    name: "
            if marker not in text:
                return ""
            start = text.index(marker) + len(marker)
            end = text.index("\n", start)
            item = "AX-RA-DORM"
            text = text[:start] + f'"Reconquête des dormants Rhône-Alpes (soak {night})"' + text[end:]
        self.plan.write_text(text, encoding="utf-8")
        return f"plan {what} {item}"

    # -- the nights -------------------------------------------------------------------------------
    def night(self, n: int) -> Night:
        day = self.when
        self.clock.set(day - timedelta(hours=10))     # the changes are made the afternoon before the night
        changes = self.change(day) if n else []
        night = self.sync(n, day, changes)
        self.nights.append(night)
        self.check(night, day, quiet=n > 0 and not changes and self.previous_day == _figures_day(day))
        self.previous_day = _figures_day(day)
        if n and self.rerun_every and n % self.rerun_every == 0:    # the same night run again 5 minutes later
            again = day + timedelta(minutes=5)
            rerun = self.sync(n, again, [])
            rerun.as_of += " (rerun)"
            self.nights.append(rerun)
            self.check(rerun, again, quiet=True)
        if self.full_every and n and n % self.full_every == 0:
            self.full_copy(night, day)
        if not self.cli:
            self.snapshots(night, day)
        return night

    def snapshots(self, night: Night, day: datetime) -> None:
        """The scheduler's monthly and quarterly snapshots due that night, each equal to a fresh evaluation of the
        store as of its period's end (the records and plan of tonight)."""
        for kind in ("monthly", "quarterly"):
            for label in take_due_snapshots(self.settings, None, kind, now=day):
                night.snapshots.append(label)
                with sqlite3.connect(self.where / "pac.db") as conn:
                    payload = json.loads(conn.execute("SELECT payload FROM pac_snapshot WHERE label = ?",
                                                      (label,)).fetchone()[0])
                kept = evaluation_from_payload(payload)
                end = closing_instant(label, "Europe/Paris")
                self.clock.set(day)
                fresh = sandbox_sync(self.settings, self.server, provision=False, dry_run=True, as_of=end,
                                     clock=self.clock).evaluation
                assert fresh is not None
                for a in fresh.actions:
                    k = kept.action(a.action_id) if any(x.action_id == a.action_id for x in kept.actions) else None
                    if k is None or (k.done, k.target) != (a.done, a.target):
                        was = None if k is None else (k.done, k.target)
                        night.problems.append(f"snapshot {label} {a.action_id}: kept {was}, fresh {(a.done, a.target)}")
                for x in fresh.axes:
                    k2 = next((y for y in kept.axes if y.axis_id == x.axis_id), None)
                    if k2 is None or (k2.revenue, k2.baseline) != (x.revenue, x.baseline):
                        night.problems.append(f"snapshot {label} {x.axis_id}: kept "
                                              f"{None if k2 is None else (k2.revenue, k2.baseline)}, fresh "
                                              f"{(x.revenue, x.baseline)}")

    def full_reads(self) -> dict[str, str]:
        """connector/object -> its last full read (``pac_watermark``): a night that moves one read in full."""
        if not (self.where / "pac.db").exists():
            return {}
        with sqlite3.connect(self.where / "pac.db") as conn:
            return {f"{c}/{o}": str(t) for c, o, t in conn.execute(
                "SELECT connector, object, last_full_at FROM pac_watermark")}

    def sync(self, n: int, day: datetime, changes: list[str]) -> Night:
        before = self.full_reads()
        self.clock.set(day)
        began = time.monotonic()
        if self.cli:
            self.server.reset_counts()
            done = run_pac("sync", "--as-of", day.isoformat(), env=self.env, cwd=self.where, timeout=600)
            # the records written are in the output's table: the write calls stand for them (0 when none)
            code, said = done.returncode, done.stdout[-2000:] + done.stderr[-2000:]
            written = sum(1 for _a, method, path in self.server.log if _is_write(method, path))
        else:   # what `pac sync --as-of DAY` runs, with the run's clock at DAY too
            result = sandbox_sync(self.settings, self.server, provision=False, reset_counts=True, clock=self.clock,
                                  as_of=day)
            code = {"ok": 0, "partial": 1}.get(result.status.value, 9)
            written, said = result.written + result.accounts_written, "; ".join(result.errors)[:3000]
            sent = sorted(f"{name} {c.target.value} {c.key} {sorted(c.fields)}"
                          for name, changes in result.changes.items() for c in changes)
        seconds = time.monotonic() - began
        calls = Counter(api for api, _m, _p in self.server.log)
        reads = Counter(api for api, method, path in self.server.log if not _is_write(method, path))
        night = Night(n, day.isoformat(), changes, code, dict(calls), written, seconds=seconds, reads=dict(reads),
                      paths=Counter(f"{a} {m} {p}" for a, m, p in self.server.log))
        if not self.cli:
            night.sent = sent
        after = self.full_reads()
        night.full = sorted({k.split("/")[0] for k, v in after.items() if before.get(k) != v})
        if code not in (0, 1):
            night.problems.append(f"exit {code}: {said}")
        return night

    def check(self, night: Night, day: datetime, *, quiet: bool) -> None:
        problems = night.problems
        quiet = quiet and not night.full
        if quiet and (night.calls.get("salesforce"), night.calls.get("hubspot")) != (SF_QUIET, HS_QUIET):
            problems.append(f"quiet night made {night.calls} calls, not SF {SF_QUIET} HS {HS_QUIET}, "
                            f"sent {night.sent}: "
                            f"{night.paths}")
        read = (night.reads.get("salesforce"), night.reads.get("hubspot"))
        if not night.changes and not night.full and read != (SF_QUIET, HS_QUIET) and night.n > 0:
            problems.append(f"a night with no CRM change read {night.reads}, not SF {SF_QUIET} HS {HS_QUIET}: "
                            f"{night.paths}")
        result = sandbox_sync(self.settings, self.server, provision=False, dry_run=True, as_of=day, clock=self.clock)
        left = {name: [f"{c.target.value} {c.key} {sorted(c.fields)}" for c in changes]
                for name, changes in result.changes.items() if changes}
        if left:
            problems.append(f"a fresh evaluation still wants to write {left}")
        assert result.plan is not None and result.evaluation is not None
        desired = diff.desired_state(result.plan, result.evaluation)
        problems += self.compare_crms(desired)
        problems += self.duplicates()
        problems += self.edits_kept(result.plan)

    def compare_crms(self, desired: dict[tuple[Target, str], dict[str, Any]]) -> list[str]:
        out = []
        sf_fields = {Target.AXIS: _sf_fields("axis"), Target.ACTION: _sf_fields("action")}
        sf_rows = {t: {r["PAC_Key__c"]: r for r in self.sf.rows("PAC_Axis__c" if t is Target.AXIS else "PAC_Action__c")
                       if not r.get("IsDeleted")} for t in (Target.AXIS, Target.ACTION)}
        hs_rows = {t: {r.props.get("pac_key"): r.props for r in self.pac_table(t).rows.values()}
                   for t in (Target.AXIS, Target.ACTION)}
        hs_fields = {Target.AXIS: {k: p.name for k, p in AXIS_PROPS.items()},
                     Target.ACTION: {k: p.name for k, p in ACTION_PROPS.items()}}
        for (target, key), fields in desired.items():
            for crm, rows, names in (("sf", sf_rows[target], sf_fields[target]), ("hs", hs_rows[target],
                                                                                  hs_fields[target])):
                row = rows.get(key)
                if row is None:
                    continue        # an action goes only where its owner works (diff.route)
                for logical, want in fields.items():
                    name = names.get(logical)
                    if logical in SKIP or name is None or (name not in row and crm == "sf"):
                        continue
                    have = row.get(name)
                    if not _same(want, have):
                        out.append(f"{crm} {key} {logical}: CRM {have!r}, fresh evaluation {want!r}")
        return out

    def duplicates(self) -> list[str]:
        out = []
        for sobject in ("PAC_Axis__c", "PAC_Action__c"):
            keys = Counter(r["PAC_Key__c"] for r in self.sf.rows(sobject) if not r.get("IsDeleted"))
            out += [f"sf {sobject} {k} x{n}" for k, n in keys.items() if n > 1]
        for target in (Target.AXIS, Target.ACTION):
            keys = Counter(r.props.get("pac_key") for r in self.pac_table(target).rows.values())
            out += [f"hs {target.value} {k} x{n}" for k, n in keys.items() if n > 1]
        return out

    def edits_kept(self, plan: Any) -> list[str]:
        """Each manager edit is the plan's value after its night, unless a later edit (CRM or file) replaced it."""
        out = []
        latest: dict[tuple[str, str], tuple[int, Any]] = {}
        for night, _target, key, logical, value in self.manager_edits:
            latest[(key.split(":", 1)[1], logical)] = (night, value)
        items = {a.id: a for a in plan.axes} | {a.id: a for a in plan.actions}
        for (item, logical), (night, value) in latest.items():
            if self.file_fields.get((item, logical), -1) >= night or item not in items:
                continue
            thing = items[item]
            if logical == "status":
                have = getattr(thing.status, "state", thing.status)
                have = getattr(have, "value", have)
            else:
                have = getattr(thing, "target", None)
            if str(have) != str(value):
                out.append(f"manager's {item} {logical}={value} (night {night}) lost: the plan says {have}")
        return out

    def full_copy(self, night: Night, day: datetime) -> None:
        """A copy of the store synced with ``pac sync --full``: the same records, nothing written."""
        copy = self.where / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        copy.mkdir()
        with sqlite3.connect(self.where / "pac.db") as source, sqlite3.connect(copy / "pac.db") as target:
            source.backup(target)
        config = copy / "pac.yaml"
        config.write_text(self.config.read_text(encoding="utf-8").replace(str(self.where / "pac.db"),
                                                                          str(copy / "pac.db")), encoding="utf-8")
        if self.cli:
            self.server.reset_counts()
            done = run_pac("sync", "--full", "--as-of", day.isoformat(), env={**self.env, "PAC_CONFIG": str(config)},
                           cwd=copy, timeout=600)
            code, said = done.returncode, done.stdout[-1500:]
            written = sum(1 for _a, method, path in self.server.log if _is_write(method, path))
        else:
            result = sandbox_sync(load_settings(config, env={}), self.server, provision=False, full=True, as_of=day,
                                  clock=self.clock)
            code = {"ok": 0, "partial": 1}.get(result.status.value, 9)
            written = result.written + result.accounts_written
            said = f"{[(k, [c.key + str(sorted(c.fields)) for c in v]) for k, v in result.changes.items()]}"[:3000]
        if code not in (0, 1) or written:
            night.problems.append(f"--full on a copy: exit {code}, wrote {written}: {said}")
        mine, theirs = _records(self.where / "pac.db"), _records(copy / "pac.db")
        for k in sorted(set(mine) | set(theirs)):
            if mine.get(k) != theirs.get(k):
                night.problems.append(f"store differs from a full read: {k}: {mine.get(k)} vs {theirs.get(k)}")

    def run(self, nights: int, step: timedelta = timedelta(days=1)) -> list[Night]:
        for n in range(nights):
            night = self.night(n)
            self.log(f"night {n:3d} {night.as_of} exit {night.exit} full {night.full} calls {night.calls} "
                     f"reads {night.reads} written {night.written} {night.seconds:.1f}s changes {night.changes} "
                     f"snapshots {night.snapshots} problems {len(night.problems)}")
            for later in self.nights[self.nights.index(night) + 1:]:     # the rerun an hour later
                self.log(f"    rerun {later.as_of} full {later.full} calls {later.calls} written {later.written} "
                         f"problems {len(later.problems)}")
            for p in [p for x in self.nights[self.nights.index(night):] for p in x.problems][:20]:
                self.log(f"    ! {p}")
            self.when = (self.when + step).astimezone(PARIS).replace(hour=2, minute=0)
        return self.nights


def _is_write(method: str, path: str) -> bool:
    """A request that changes the CRM (pac's write-back): Salesforce sObject Collections, HubSpot creations,
    batch create, update and upsert, associations made or archived."""
    if method == "PATCH" or (method == "POST" and path.endswith("/composite/sobjects")):
        return True
    return (method == "POST" and any(path.endswith(v) for v in ("/batch/create", "/batch/update", "/batch/upsert",
                                                                 "/batch/archive", "/associate/default"))) \
        or (method == "POST" and path.rstrip("/").count("/") == 4 and path.startswith("/crm/v3/objects/"))


def _figures_day(day: datetime) -> date:
    return day.astimezone(PARIS).date()


def _sf_fields(target: str) -> dict[str, str]:
    mapping = yaml.safe_load((config_dir() / "mappings" / "salesforce.demo.yaml").read_text(encoding="utf-8"))
    return dict(mapping["writeback"][target]["fields"])


def _same(want: Any, have: Any) -> bool:
    if want in (None, "") and have in (None, ""):
        return True
    if isinstance(want, bool) or isinstance(have, bool):
        return str(want).lower() == str(have).lower()
    if isinstance(want, (int, float, Decimal)) and not isinstance(want, bool):
        try:
            return abs(float(want) - float(have)) < 0.006
        except (TypeError, ValueError):
            return False
    return str(want) == str(have)[: len(str(want))] if isinstance(have, str) and len(str(want)) == 10 \
        else str(want) == str(have)


def _records(db: Path) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT connector, kind, crm_id, modified_at, deleted, account_id, payload "
                            "FROM pac_record").fetchall()
    out = {}
    for c, k, i, m, d, a, p in rows:
        payload = json.loads(p) if isinstance(p, str) else p
        if k == "accounts":
            # pac's own write to an account is not read again (docs/sync.md: a no-change run reads one page per
            # object): the stored stamp and the PAC values it holds stay those read before it (``held_values``
            # ignores them then); every other field must be the CRM's
            (payload.get("custom") or {}).pop("pac:held", None)
            m = None
        out[(c, k, i)] = (str(m), bool(d), a, payload)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak_nights", description=__doc__.split("\n\n")[0])
    parser.add_argument("--nights", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default="2027-05-21", help="the first night's day (02:00 Europe/Paris)")
    parser.add_argument("--step-days", type=int, default=1)
    parser.add_argument("--full-every", type=int, default=10)
    parser.add_argument("--json", help="write every night's figures there")
    parser.add_argument("--cli", action="store_true", help="each night a `pac sync --as-of` process (the machine's "
                        "clock for the run and the CRMs' stamps) instead of the pipeline in-process on the soak's "
                        "clock")
    args = parser.parse_args(argv)
    start = datetime.combine(date.fromisoformat(args.start), datetime.min.time(), PARIS).replace(hour=2)
    with tempfile.TemporaryDirectory(prefix="pac-soak-") as folder:
        soak = Soak(Path(folder), seed=args.seed, start=start, full_every=args.full_every, cli=args.cli)
        try:
            nights = soak.run(args.nights, timedelta(days=args.step_days))
        finally:
            soak.close()
    if args.json:
        Path(args.json).write_text(json.dumps([n.__dict__ for n in nights], indent=1, default=str), encoding="utf-8")
    bad = [n for n in nights if n.problems]
    print(f"{len(nights)} nights, {len(bad)} with problems; calls per night: "
          f"{Counter(tuple(sorted(n.calls.items())) for n in nights).most_common(5)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
