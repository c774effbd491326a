"""A line item deleted from a won HubSpot deal stops counting on product axes the night after, through ``pac sync``'s
pipeline (audit hsdoc F3's reproduction): the run gives the connector the store's line ids, by which the connector
finds the deal of a line HubSpot lists as archived, and reads that deal again. Real hubspot-api-client on the
sandbox CRM, the shipped mapping (overlap 10 minutes), a sandbox clock the test moves (no sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.fakes import one_connector_settings, sandbox_sync_clean

PLAN = """\
plan: {name: "hsdoc", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: julie@audit.example, name: Julie Martin, role: rep}
segments:
  - {id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - id: AX-MAINT
    name: Maintenance contracts
    segment: S-RA
    scope: {product: MAINT}
    products: [MAINT]
    status: active
    objective: {additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}
actions:
  - id: A-V
    axis: AX-MAINT
    text: "Visit 20 clients in 2027"
    who: julie@audit.example
    what: {activity: visit, count: 20, counting: activities}
    when: "2027"
    status: in_progress
"""
OLD = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def test_a_deleted_line_item_stops_counting_the_next_night(tmp_path: Path) -> None:
    """One won deal (closed 1 Feb 2027, amount 15,000 typed) with MAINT 5,000 and PX200 10,000. Night 1: the MAINT
    axis counts 5,000; an open deal changed an hour later moves night 2's watermark past the won deal's overlap. A
    day later the MAINT line is deleted in HubSpot, nothing else changes. Night 3 (incremental): 0, as a full read
    says. Seen failing before the fix: 5,000 (the audit's night 3: 7,000 after an edit) until the weekly full read,
    and with the fix but without the run handing the store's line ids to the connector."""
    now = [OLD.timestamp()]
    api = HubSpotApi(None, tier="starter", ten_second_limit=1_000_000, clock=lambda: now[0])
    julie = api.add_owner("julie@audit.example", "Julie", "Martin")
    lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France"}, modified=OLD)
    deal = api.add("deals", {"dealname": "maint + pump", "dealstage": "closedwon", "pipeline": "default",
                             "amount": "15000", "closedate": "2027-02-01T10:00:00.000Z", "hubspot_owner_id": julie},
                   companies=(lyon,), modified=OLD)
    lines = {}
    for sku, amount in (("MAINT", "5000"), ("PX200", "10000")):
        lines[sku] = api.add("line_items", {"name": sku, "hs_sku": sku, "quantity": "1", "price": amount,
                                            "amount": amount, "hs_tcv": amount}, modified=OLD)
        api.associate("deals", deal, "line_items", lines[sku])
    filler = api.add("deals", {"dealname": "filler", "dealstage": "appointmentscheduled", "pipeline": "default",
                               "amount": "1", "closedate": "2027-09-01T10:00:00.000Z", "hubspot_owner_id": julie},
                     companies=(lyon,), modified=OLD)
    now[0] = (OLD + timedelta(days=2)).timestamp()
    settings = one_connector_settings(tmp_path, PLAN, "hs-a", default_mapping_path(), "hsdoc")
    with SandboxServer([api]) as server:
        night1 = sandbox_sync_clean(settings, server)      # (writes the deals' PAC properties: their stamps move)
        assert night1.evaluation.axis("AX-MAINT").revenue == Decimal("5000")
        now[0] += 3600
        api.update("deals", filler, {"amount": "2"})      # a later change: the watermark passes the won deal's
        night2 = sandbox_sync_clean(settings, server)      # overlap, as on any real night
        assert night2.evaluation.axis("AX-MAINT").revenue == Decimal("5000")
        now[0] += 86400
        api.archive("line_items", lines["MAINT"])
        night3 = sandbox_sync_clean(settings, server)
        assert night3.evaluation.axis("AX-MAINT").revenue == Decimal("0")
        full = sandbox_sync_clean(settings, server, full=True)
        assert full.evaluation.axis("AX-MAINT").revenue == Decimal("0")
