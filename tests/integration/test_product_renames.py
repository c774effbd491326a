"""A product renamed in the CRM (audit products, item 3): a Salesforce Product2 whose ``ProductCode`` (or ``Name``) is
edited moves the lines product axes match without touching any opportunity; pac reads those opportunities again the
next night (docs/salesforce.md, *A product reclassified*), so an axis scoped on the old code stops counting them. The
night it happens, the run warns naming the old and the new value and the plan scope values left on the old one, as
a relabelled product family is warned of. Through the real connector and pipeline against the sandbox org."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pac_config.loader import config_dir
from pac_config.settings import load_settings
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from tests.fakes import Clock, sandbox_sync

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
JULIE = "julie@rename.example"


def _settings(tmp_path: Path, database_url: str) -> Any:
    """AX-OLD on the product code P40, AX-NEW on P40X; AX-NAME on the product's name « Presse P40 »."""
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(f"""\
plan: {{name: "Presses", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}}
people:
  - {{email: {JULIE}, name: Julie Martin, role: rep}}
segments:
  - {{id: S-FR, name: France, kind: horizontal, scope: {{country: France}}}}
axes:
  - id: AX-OLD
    name: P40
    segment: S-FR
    scope: {{product_code: P40}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
  - id: AX-NEW
    name: P40X
    segment: S-FR
    scope: {{product_code: P40X}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
  - id: AX-NAME
    name: Presse
    segment: S-FR
    scope: {{product: Presse P40}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
actions:
  - {{id: A-1, axis: AX-OLD, text: "Visiter", who: {JULIE}, what: {{activity: visit, count: 2}}, when: "Q2 2027"}}
""", encoding="utf-8")
    settings = tmp_path / "pac.yaml"
    settings.write_text(f"database_url: '{database_url}'\nconnectors:\n"
                        f"  - {{name: main, crm: salesforce, mapping: '{DEMO}', reconciliation_days: 7}}\n"
                        f"plans:\n  - {{name: presses, file: '{plan}', connectors: [main], "
                        "as_of: '2027-06-30T18:00:00+02:00'}\n", encoding="utf-8")
    return load_settings(settings, env={})


def _revenue(result: Any) -> tuple[Decimal, ...]:
    assert not result.errors, result.errors
    return tuple(result.evaluation.axis(a).revenue for a in ("AX-OLD", "AX-NEW", "AX-NAME"))


def test_a_product_code_edited_in_salesforce_is_warned_of_naming_the_plan_value(tmp_path: Path,
                                                                                 database_url: str) -> None:
    """Lyon won a P40 press line of 6,000 (« Presse P40 »). Night 1 counts it on AX-OLD and AX-NAME. The product's
    code is then edited to P40X (its name kept): night 2 reads the opportunity again and counts the line on AX-NEW
    (the line now says P40X), AX-OLD falls to 0, AX-NAME keeps it; and the run warns that the lines read again hold
    the code P40X, no longer P40, naming the plan value left on P40. Seen failing before: the figures moved with no
    warning at all."""
    sf, crm_now = _sandbox_org()
    julie = sf.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin", Name="Julie Martin",
                      IsActive=True)
    press = sf.create("Product2", Name="Presse P40", ProductCode="P40", Family="Machines", IsActive=True)
    lyon = sf.create("Account", Name="Lyon", BillingPostalCode="69003", BillingCountry="France", OwnerId=julie)
    won = sf.create("Opportunity", Name="won", AccountId=lyon, OwnerId=julie, StageName="Closed Won",
                    CloseDate=date(2027, 4, 10))
    sf.create("OpportunityLineItem", OpportunityId=won, Product2Id=press, Quantity=1, UnitPrice=Decimal(6000))
    crm_now[0] += timedelta(hours=2)
    later = sf.create("Account", Name="Later", BillingPostalCode="75001", BillingCountry="France", OwnerId=julie)
    sf.create("Opportunity", Name="later", AccountId=later, OwnerId=julie, StageName="Prospecting",
              CloseDate=date(2027, 9, 10), Amount=Decimal(1000))     # moves the deals' watermark past Lyon's
    crm_now[0] += timedelta(hours=2)
    settings = _settings(tmp_path, database_url)
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    with SandboxServer([sf]) as server:
        first = sandbox_sync(settings, server, provision=False, clock=clock)
        assert _revenue(first) == (Decimal(6000), Decimal(0), Decimal(6000))
        assert not first.relabelled
        clock.advance(hours=1)
        crm_now[0] += timedelta(hours=1)
        sf.edit("Product2", press, ProductCode="P40X")
        renamed = sandbox_sync(settings, server, provision=False, clock=clock)
        clock.advance(hours=1)
        quiet = sandbox_sync(settings, server, provision=False, clock=clock)
    assert _revenue(renamed) == (Decimal(0), Decimal(6000), Decimal(6000))
    [warning] = renamed.relabelled
    assert warning.startswith("main: the product lines Salesforce holds now say the product code 'P40X', no longer "
                              "'P40' (a product edited in Salesforce: 1 deal read again tonight)")
    assert "axes[0].scope.product_code: 'P40' now matches none of those lines" in warning
    assert "write 'P40X' there" in warning
    assert "Presse P40" not in warning          # the name did not change: AX-NAME is not named
    assert not quiet.relabelled                 # told once, the night it is seen


def _sandbox_org() -> tuple[SalesforceApi, list[datetime]]:
    """An empty sandbox Salesforce org on a clock the test moves (``crm_now[0]``), six hours behind the real one."""
    sf = SalesforceApi(None)
    crm_now = [datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)]
    sf.org.now = lambda: crm_now[0]
    return sf, crm_now


def _lyon_p40(sf: SalesforceApi, crm_now: list[datetime]) -> tuple[str, str, str]:
    """Julie, the product « Presse P40 » P40 and Lyon's won opportunity of 6,000 on it (10 Apr 2027), then another
    account's open deal two hours later (the deals' watermark passes Lyon's): (press, Lyon's opportunity, its line)."""
    julie = sf.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin", Name="Julie Martin",
                      IsActive=True)
    press = sf.create("Product2", Name="Presse P40", ProductCode="P40", Family="Machines", IsActive=True)
    lyon = sf.create("Account", Name="Lyon", BillingPostalCode="69003", BillingCountry="France", OwnerId=julie)
    won = sf.create("Opportunity", Name="won", AccountId=lyon, OwnerId=julie, StageName="Closed Won",
                    CloseDate=date(2027, 4, 10))
    line = sf.create("OpportunityLineItem", OpportunityId=won, Product2Id=press, Quantity=1, UnitPrice=Decimal(6000))
    crm_now[0] += timedelta(hours=2)
    later = sf.create("Account", Name="Later", BillingPostalCode="75001", BillingCountry="France", OwnerId=julie)
    sf.create("Opportunity", Name="later", AccountId=later, OwnerId=julie, StageName="Prospecting",
              CloseDate=date(2027, 9, 10), Amount=Decimal(1000))
    crm_now[0] += timedelta(hours=2)
    return press, won, line


def test_a_product_code_edit_first_read_by_a_full_read_is_warned_of_too(tmp_path: Path, database_url: str) -> None:
    """Audit renames F1 (7 Dec 2026): the same P40 -> P40X edit, first read by ``pac sync --full`` (or the periodic
    reconciliation) instead of an incremental night. By hand: AX-OLD 6,000 -> 0, AX-NEW 0 -> 6,000, AX-NAME 6,000
    both nights, as on an incremental night; and the same warning, naming AX-OLD's 'P40' and the fix 'P40X'. Seen
    failing before: the full read compared nothing, the figures moved with no warning."""
    sf, crm_now = _sandbox_org()
    press, _won, _line = _lyon_p40(sf, crm_now)
    settings = _settings(tmp_path, database_url)
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    with SandboxServer([sf]) as server:
        first = sandbox_sync(settings, server, provision=False, clock=clock)
        assert _revenue(first) == (Decimal(6000), Decimal(0), Decimal(6000))
        clock.advance(hours=1)
        crm_now[0] += timedelta(hours=1)
        sf.edit("Product2", press, ProductCode="P40X")
        full = sandbox_sync(settings, server, provision=False, clock=clock, full=True)
        clock.advance(hours=1)
        quiet = sandbox_sync(settings, server, provision=False, clock=clock)
    assert _revenue(full) == (Decimal(0), Decimal(6000), Decimal(6000))
    [warning] = full.relabelled
    assert warning.startswith("main: the product lines Salesforce holds now say the product code 'P40X', no longer "
                              "'P40' (a product edited in Salesforce: 1 deal read")
    assert "axes[0].scope.product_code: 'P40' now matches none of those lines" in warning
    assert "write 'P40X' there" in warning
    assert not quiet.relabelled                 # told once: the night after compares P40X with P40X


def test_the_periodic_reconciliation_warns_of_a_code_edited_and_not_of_a_product_swapped(tmp_path: Path,
                                                                                        database_url: str) -> None:
    """The reconciliation (every 7 days here) is the first read after P40 became P40X: warned of, as --full. A full
    read that finds the P40X line replaced on its opportunity by a line of another product, « Presse P50 » P50 at the
    same 6,000 (a line deleted, one added: Salesforce lets no line change its product), is no rename: the figures
    move with no 'no longer P40X' claim. By hand: reconciliation 0 / 6,000 / 6,000; after the swap 0 / 0 / 0."""
    sf, crm_now = _sandbox_org()
    press, won, line = _lyon_p40(sf, crm_now)
    settings = _settings(tmp_path, database_url)
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    with SandboxServer([sf]) as server:
        first = sandbox_sync(settings, server, provision=False, clock=clock)
        assert _revenue(first) == (Decimal(6000), Decimal(0), Decimal(6000))
        sf.edit("Product2", press, ProductCode="P40X")
        clock.advance(days=8)                       # past reconciliation_days: this night reads everything
        reconciled = sandbox_sync(settings, server, provision=False, clock=clock)
        assert _revenue(reconciled) == (Decimal(0), Decimal(6000), Decimal(6000))
        assert len(reconciled.relabelled) == 1 and "no longer 'P40'" in reconciled.relabelled[0]
        other = sf.create("Product2", Name="Presse P50", ProductCode="P50", Family="Machines", IsActive=True)
        sf.delete("OpportunityLineItem", line)
        sf.create("OpportunityLineItem", OpportunityId=won, Product2Id=other, Quantity=1, UnitPrice=Decimal(6000))
        clock.advance(hours=1)
        swapped = sandbox_sync(settings, server, provision=False, clock=clock, full=True)
    assert _revenue(swapped) == (Decimal(0), Decimal(0), Decimal(0))
    assert not swapped.relabelled
