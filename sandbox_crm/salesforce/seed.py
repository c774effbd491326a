"""Seeding the sandbox Salesforce org from the demo organisation (only its ``crm == "salesforce"`` records).

Visits and meetings become Events (``Type`` 'Visite client' / 'Customer visit' / 'Réunion', status in the
custom picklist ``Statut__c``), calls become Tasks (``TaskSubtype`` Call, ``Status`` Completed / Not Started /
Deferred), deals Opportunities with OpportunityLineItems; activities older than a year before the demo
clock are archived (``IsArchived``), as Salesforce does, so only ``queryAll`` returns them.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

from sandbox_crm.demo_org import PARIS, PRODUCT_FAMILIES, DemoActivity, DemoOrg, deal_created
from sandbox_crm.salesforce.org import Org, user_fields


class Seeder:
    """Fills a sandbox ``Org`` with the demo organisation's Salesforce records (``ids``: demo key -> id)."""

    def __init__(self, target: Org) -> None:
        self.target = target
        self.ids = target.ids
        self.schema = target.schema
        self._insert = target.insert

    def seed(self, org: DemoOrg) -> None:
        # the demo org tracks the account fields a plan's scopes judge on a past day (as most orgs track Account
        # Owner): pac reads their AccountHistory on a full read and names an untracked one in a warning
        self.target.enable_history("Account", "OwnerId", "Type")
        users: dict[str, str] = {}
        for u in org.users:
            if u.crm != "salesforce" or not u.email:
                continue
            email = u.email if not u.email.startswith("sophie.") else u.email.title().replace("@D", "@d")
            users[u.email] = self.ids[u.key] = self._insert("User", user_fields(email, u.name))
        products = {code: self._insert("Product2", {"Name": name, "ProductCode": code, "IsActive": True,
                                                    "Family": PRODUCT_FAMILIES.get(code)})
                    for code, (name, _price) in org.products.items()}
        self.ids.update({f"product-{code}": pid for code, pid in products.items()})
        countries = {"FR": "France", "JP": "Japan", "CH": "Switzerland"}
        for a in org.accounts:
            if a.crm != "salesforce":
                continue
            self.ids[a.key] = self._insert("Account", {
                "Name": a.name, "BillingPostalCode": a.postal_code, "BillingCity": a.city,
                "BillingCountry": countries.get(a.country, a.country), "Industry": a.industry,
                "Type": a.account_type, "AnnualRevenue": a.annual_revenue, "Description": a.description or None,
                "OwnerId": users.get(a.owner_email or "")})
        archive_before = org.as_of - timedelta(days=365)
        for act in org.activities:
            if act.crm == "salesforce":
                self._seed_activity(act, users, archive_before)
        for d in org.deals:
            if d.crm != "salesforce":
                continue
            open_stage = ("Prospecting", "Qualification", "Proposal/Price Quote",
                          "Negotiation/Review")[zlib.crc32(d.key.encode()) % 4]
            values = {"Name": d.name, "AccountId": self.ids.get(d.account_key or ""), "CloseDate": d.close_date,
                      "StageName": {"won": "Closed Won", "lost": "Closed Lost"}.get(d.stage, open_stage),
                      "Amount": d.amount, "OwnerId": users.get(d.owner_email or "")}
            if "CurrencyIsoCode" in self.schema["Opportunity"].fields:
                values["CurrencyIsoCode"] = d.currency
            self.ids[d.key] = opp = self._insert("Opportunity", values)
            # created when the story says (the KPI « pipeline créé »), as in the HubSpot portal; not the seeding
            # stamp, which dates every opportunity in the real clock's previous year (LastModifiedDate and
            # SystemModstamp keep it: the incremental reads go by them)
            self.target.row("Opportunity", opp)["CreatedDate"] = deal_created(d, org.as_of)
            for code, qty, amount in d.lines:
                self._insert("OpportunityLineItem", {
                    "OpportunityId": opp, "Product2Id": products[code], "ProductCode": code, "Quantity": qty,
                    "UnitPrice": amount / qty if qty else amount, "TotalPrice": amount,
                    "ServiceDate": d.close_date})

    def _seed_activity(self, act: DemoActivity, users: dict[str, str], archive_before: datetime) -> None:
        account = self.ids.get(act.account_key or "")
        owner = users.get(act.owner_email or "")
        # a demo activity has a start, or is all-day (a date)
        when = act.start or datetime.combine(act.all_day, datetime.min.time(), tzinfo=UTC)  # type: ignore[arg-type]
        local_day = act.all_day or act.start.astimezone(PARIS).date()  # type: ignore[union-attr]
        common = {"Subject": act.subject, "WhatId": account, "OwnerId": owner, "ActivityDate": local_day,
                  "IsDeleted": act.deleted, "IsArchived": when < archive_before}
        if act.kind == "call":
            status = {"completed": "Completed", "planned": "Not Started"}.get(act.status, "Deferred")
            self.ids[act.key] = self._insert("Task", {
                **common, "TaskSubtype": "Call", "Type": "Call", "Status": status,
                "CompletedDateTime": act.start if status == "Completed" else None,
                "CallDurationInSeconds": act.duration_minutes * 60})
            return
        if act.kind == "visit":
            kind = "Customer visit" if zlib.crc32(act.key.encode()) % 5 == 0 else "Visite client"
        else:
            kind = "Réunion"
        minutes = 1440 if act.all_day else act.duration_minutes
        values = {**common, "Type": kind, "EventSubtype": "Event", "ActivityDateTime": when, "StartDateTime": when,
                  "EndDateTime": when + timedelta(minutes=minutes), "DurationInMinutes": minutes,
                  "IsAllDayEvent": act.all_day is not None}
        if "Statut__c" in self.schema["Event"].fields:
            values["Statut__c"] = {"completed": "Réalisée", "planned": "Planifiée", "cancelled": "Annulée",
                                   "no_show": "Absent"}[act.status]
        self.ids[act.key] = self._insert("Event", values)

