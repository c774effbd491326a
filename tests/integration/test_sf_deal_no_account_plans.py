"""Salesforce opportunities with no account (``AccountId`` is Nillable in the Object Reference), decided by each plan
(audit hsdealnocompany, 7 Dec 2026): the real Salesforce connector and pipeline on a sandbox org, two plans on one
SQLite store. Expectations by hand: /tmp/audits/hsdealnocompany/EXPECTED.md.

Before, the engine set aside every won opportunity with no account in every plan (« Deals are not narrowed »):
another team's order, or one of 2019, was listed in every plan's rejections and made every night it appeared
``partial``. Now ``no_account`` of a won deal with no account is the plan's only when, placed on the right account,
it could change one of its figures (docs/engine.md, *Bad records*: a segment's or axis's deal conditions and days,
dormancy's months).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pac_config.settings import load_settings
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from tests.fakes import Clock, audit_plan, sandbox_sync
from tests.integration.sf_runs import DEMO
from tests.integration.test_hs_deal_contact_only_plans import MARC

JULIE = "julie@audit.example"
MARC_MAIL = "marc@other.example"
PLANS = {"julie": audit_plan("Julie", "en", "  []\n").replace("actions:\n  []\n", "actions: []\n"), "marc": MARC}
NO_ACCOUNT = "no_account: the won deal has no account"


def _settings(tmp: Path) -> Any:
    lines = []
    for name, text in PLANS.items():
        (tmp / f"{name}.pac.yaml").write_text(text, encoding="utf-8")
        lines.append(f"  - {{name: {name}, file: '{tmp / f'{name}.pac.yaml'}', connectors: [main], "
                     "as_of: '2027-06-30T18:00:00+02:00'}\n")
    settings = tmp / "pac.yaml"
    settings.write_text(f"database_url: 'sqlite:///{tmp / 'pac.db'}'\nconnectors:\n"
                        f"  - {{name: main, crm: salesforce, mapping: '{DEMO}'}}\n"
                        f"plans:\n{''.join(lines)}", encoding="utf-8")
    return load_settings(settings, env={})


def _org(*, marcs: bool) -> tuple[SalesforceApi, dict[str, str]]:
    """Lyon Chimie (a client, 69) with Marc's won order of 3 May 2027 (4,000); won orders of 4,000 with no account:
    Julie's of 12 May 2027 (D1) and of 1 March 2019 (D4), with ``marcs`` Marc's of 12 May 2027 (D2) and Julie's of
    10 June 2026 (D3)."""
    sf = SalesforceApi(None)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
    sf.org.now = lambda: now
    julie = sf.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin", Name="Julie Martin",
                      IsActive=True)
    marc = sf.create("User", Username=MARC_MAIL, Email=MARC_MAIL, FirstName="Marc", LastName="Durand",
                     Name="Marc Durand", IsActive=True)
    lyon = sf.create("Account", Name="Lyon Chimie", BillingPostalCode="69001", BillingCountry="France",
                     OwnerId=julie, Type="Client")

    def won(owner: str, close: date, account: str | None = None) -> str:
        return str(sf.create("Opportunity", Name="Pompe", AccountId=account, OwnerId=owner, StageName="Closed Won",
                             CloseDate=close, Amount=Decimal(4000)))

    ids = {"counted": won(marc, date(2027, 5, 3), lyon), "d1": won(julie, date(2027, 5, 12)),
           "d4": won(julie, date(2019, 3, 1))}
    if marcs:
        ids |= {"d2": won(marc, date(2027, 5, 12)), "d3": won(julie, date(2026, 6, 10))}
    return sf, ids


def _nights(tmp: Path, *, marcs: bool, nights: int = 1) -> tuple[dict[str, str], list[dict[str, Any]]]:
    sf, ids = _org(marcs=marcs)
    settings = _settings(tmp)
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    out = []
    with SandboxServer([sf]) as server:
        for _ in range(nights):
            out.append({name: sandbox_sync(settings, server, plan=name, clock=clock) for name in PLANS})
            clock.advance(hours=1)
    return ids, out


def _rejected(result: Any) -> list[tuple[str, str, str]]:
    assert not result.errors, result.errors
    return sorted((r.object, r.id, r.reason) for r in result.rejections)


def test_each_plan_rejects_only_the_opportunities_it_could_count(tmp_path: Path) -> None:
    """By hand: « julie » rejects D1, D2 (her Rhône-Alpes segment counts every owner's orders on its accounts) and D3
    (2026: her baseline's year, dormancy's months before 1 January 2027); « marc » D2 (his) and D3 (dormancy); neither
    D4 (2019). Both partial on their first night; Marc's Lyon order counts 4,000 in both. Seen failing before the
    fix: both plans rejected D1 to D4."""
    ids, [night] = _nights(tmp_path, marcs=True)
    julie, marc = night["julie"], night["marc"]
    assert _rejected(julie) == sorted(("deals", ids[d], NO_ACCOUNT) for d in ("d1", "d2", "d3"))
    assert _rejected(marc) == sorted(("deals", ids[d], NO_ACCOUNT) for d in ("d2", "d3"))
    assert (julie.status.value, marc.status.value) == ("partial", "partial")
    assert [a.revenue for a in julie.evaluation.axes] == [a.revenue for a in marc.evaluation.axes] == [Decimal(4000)]


def test_a_plan_not_concerned_has_an_ok_night(tmp_path: Path) -> None:
    """Julie's D1 (2027) and D4 (2019) alone: « marc » rejects nothing, ok, both nights; « julie » rejects D1, partial
    then ok (known). Seen failing before the fix: « marc » partial with D1 and D4, « julie » listing D4."""
    ids, nights = _nights(tmp_path, marcs=False, nights=2)
    for k, night in enumerate(nights):
        assert (_rejected(night["marc"]), night["marc"].status.value) == ([], "ok")
        assert (_rejected(night["julie"]), night["julie"].status.value) == (
            [("deals", ids["d1"], NO_ACCOUNT)], "partial" if k == 0 else "ok")
