"""HubSpot won deals on contacts with no company, decided by each plan (audit hsdealnocompany, 7 Dec 2026), through the
real HubSpot connector and pipeline on a sandbox portal with the shipped mapping, two plans on one store.

Before, the connector rejected every won deal associated only with contacts that have no primary company
(``contact_only``) before any plan was read: another team's such order, or one of 2019, made every plan's night
``partial`` and was listed « to fix in the CRM » of a plan none of whose figures could ever hold it. Now it is stored
with no account, its contacts kept (``Deal.placed_by``), the engine's plan-aware ``no_account`` decides
(docs/engine.md, *Bad records*: a segment's or axis's deal conditions and days, dormancy's months), and a rejection
reads in the connector's words of before (``contact_only``: object and contacts), so its known-vs-new key is
unchanged. Expectations by hand: /tmp/audits/hsdealnocompany/EXPECTED.md.

The portal: Lyon Chimie (a client in Rhône-Alpes) with Marc's won order of 3 May 2027 (4,000); Anne, a contact with no
company. Plan « julie » (tests.fakes.audit_plan: segment Rhône-Alpes, no deal condition, so every owner's orders on
its accounts count); plan « marc »: segment ``deal_owner: marc``, axis ``who: marc``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.hubspot.mapping import default_mapping_path
from pac_config.settings import load_settings
from pac_core.reject_codes import CODES, rejection
from sync_jobs.exit_codes import exit_code_for
from tests.fakes import SeededPortal, audit_plan, sandbox_sync_clean

MARC_PEOPLE = ("  - {email: julie@audit.example, name: Julie Martin, role: rep}\n"
               "  - {email: marc@other.example, name: Marc Durand, role: rep}\n")
MARC = ('plan: {name: "Marc", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}\n'
        f"people:\n{MARC_PEOPLE}"
        "segments:\n  - {id: S-M, name: Marc, kind: mixed, scope: {deal_owner: marc@other.example}}\n"
        "axes:\n  - id: AX-M\n    name: Marc's sales\n    segment: S-M\n    who: [marc@other.example]\n"
        "    status: active\n    objective: {additional_revenue: 50000, baseline: 0, margin_rate: 0.3, "
        "budget: 5000, expected_roi: 2}\nactions: []\n")
PLANS = {"julie": audit_plan("Julie", "en", "  []\n").replace("actions:\n  []\n", "actions: []\n"), "marc": MARC}
LONG_AGO = datetime(2026, 11, 1, tzinfo=UTC)


def _two_plans(tmp: Path) -> Any:
    lines = []
    for name, text in PLANS.items():
        (tmp / f"{name}.pac.yaml").write_text(text, encoding="utf-8")
        lines.append(f"  - {{name: {name}, file: '{tmp / f'{name}.pac.yaml'}', connectors: [hs-audit], "
                     "as_of: '2027-06-30T18:00:00+02:00'}\n")
    settings = tmp / "pac.yaml"
    settings.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        f"connectors:\n  - {{name: hs-audit, crm: hubspot, mapping: '{default_mapping_path()}', "
        "env_prefix: PAC_HS_}\n"
        f"plans:\n{''.join(lines)}", encoding="utf-8")
    return load_settings(settings, env={})


class Portal(SeededPortal):
    def __init__(self, tmp: Path, *, marcs: bool = True) -> None:
        super().__init__()
        api = self.api
        self.julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        self.marc = api.add_owner("marc@other.example", "Marc", "Durand")
        self.lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France",
                                          "type": "Client", "industry": "Chimie", "hubspot_owner_id": self.julie})
        self.anne = api.add("contacts", {"email": "anne@nowhere.example", "firstname": "Anne"})
        self.counted = self.deal(self.marc, "2027-05-03T10:00:00.000Z", on_anne=False)
        # D1 Julie's order of 12 May 2027 on Anne only, D2 Marc's, D3 Julie's of June 2026, D4 Julie's of 2019
        self.d1 = self.deal(self.julie, "2027-05-12T10:00:00.000Z")
        self.d2 = self.deal(self.marc, "2027-05-12T11:00:00.000Z") if marcs else ""
        self.d3 = self.deal(self.julie, "2026-06-10T10:00:00.000Z") if marcs else ""
        self.d4 = self.deal(self.julie, "2019-03-01T10:00:00.000Z")
        self.tmp = tmp
        self.serve()
        self.settings = _two_plans(tmp)

    def deal(self, owner: str, close: str, *, on_anne: bool = True) -> str:
        """A won deal of 4,000 closed at ``close``, on Anne only (``on_anne``), else on Lyon Chimie."""
        deal = self.api.add("deals", {"dealname": "Pompe", "amount": "4000", "pipeline": "default",
                                      "dealstage": "closedwon", "closedate": close, "hubspot_owner_id": owner},
                            companies=() if on_anne else (self.lyon,), modified=LONG_AGO)
        if on_anne:
            self.api.associate("deals", deal, "contacts", self.anne)
        return deal

    def night(self, **kw: Any) -> dict[str, Any]:
        """Each plan's sync, « julie » then « marc »."""
        return {name: sandbox_sync_clean(self.settings, self.server, plan=name, **kw) for name in PLANS}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path) as p:
        yield p


@pytest.fixture
def julies_only(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path, marcs=False) as p:
        yield p


def _rejected(result: Any) -> list[tuple[str, str, str]]:
    return sorted((r.object, r.id, r.reason) for r in result.rejections)


def _words(contact: str) -> str:
    return CODES["contact_only"].en({"object": "deal", "contacts": contact})


def _revenue(result: Any) -> list[Decimal]:
    return [a.revenue for a in result.evaluation.axes]


def test_each_plan_rejects_only_the_deals_it_could_count(portal: Portal) -> None:
    """By hand: « julie » rejects D1, D2 (her segment counts every owner's orders on its accounts, 2027) and D3
    (2026: its baseline's year, dormancy's months before 1 January 2027); « marc » D2 (his) and D3 (dormancy: his
    accounts' reactivation and new accounts read every owner's orders); neither D4 (2019). Each in the connector's
    words (« deal associated with contact <Anne> only: ... »), code contact_only, new, partial. Figures: Marc's
    Lyon order counts 4,000 in « julie »'s AX-RA and in « marc »'s AX-M; the account-less orders in none. Seen
    failing before the fix: both plans rejected D1, D2, D3 and D4."""
    nights = portal.night()
    julie, marc = nights["julie"], nights["marc"]
    words = _words(portal.anne)
    assert _rejected(julie) == sorted(("deals", d, words) for d in (portal.d1, portal.d2, portal.d3))
    assert _rejected(marc) == sorted(("deals", d, words) for d in (portal.d2, portal.d3))
    assert sorted(julie.rejections, key=lambda r: r.id)[0] == min(
        (rejection("hs-audit", "deals", d, "contact_only", object="deal", contacts=portal.anne)
         for d in (portal.d1, portal.d2, portal.d3)), key=lambda r: r.id)
    assert sorted((r.id, r.code) for r in marc.new_rejections) == sorted(
        [(portal.d2, "contact_only"), (portal.d3, "contact_only")])
    assert [(r.status.value, exit_code_for(r.status)) for r in (julie, marc)] == [("partial", 1), ("partial", 1)]
    assert (_revenue(julie), _revenue(marc)) == ([Decimal("4000.00")], [Decimal("4000.00")])


def test_a_plan_not_concerned_has_an_ok_night(julies_only: Portal) -> None:
    """Julie's D1 (2027) and D4 (2019) alone: plan « marc » has nothing to fix, ok (exit 0); « julie » rejects D1,
    partial. The next night (incremental, nothing read again) and a full read: the same, « julie »'s rejection known,
    both ok. Seen failing before the fix: « marc » partial, D1 and D4 listed."""
    portal = julies_only
    first = portal.night()
    assert (_rejected(first["marc"]), first["marc"].status.value) == ([], "ok")
    assert (_rejected(first["julie"]), first["julie"].status.value) == (
        [("deals", portal.d1, _words(portal.anne))], "partial")
    for nights in (portal.night(), portal.night(full=True)):
        assert (_rejected(nights["marc"]), nights["marc"].status.value) == ([], "ok")
        assert (_rejected(nights["julie"]), nights["julie"].new_rejections, nights["julie"].status.value) == (
            [("deals", portal.d1, _words(portal.anne))], [], "ok")


def test_fixed_in_the_crm_it_counts(julies_only: Portal) -> None:
    """Night 2: D1 associated with Lyon Chimie (an edit: the incremental read reads it again): it counts in
    « julie »'s AX-RA (4,000 + 4,000) and « julie » rejects nothing, ok; « marc » still counts Marc's order only."""
    portal = julies_only
    portal.night()
    portal.api.associate("deals", portal.d1, "companies", portal.lyon)
    portal.api.update("deals", portal.d1, {"dealname": "Pompe (Lyon)"})
    second = portal.night()
    assert (_rejected(second["julie"]), second["julie"].status.value, _revenue(second["julie"])) == (
        [], "ok", [Decimal("8000.00")])
    assert (_rejected(second["marc"]), _revenue(second["marc"])) == ([], [Decimal("4000.00")])


def test_a_plan_that_stops_reading_the_deal_drops_it_the_next_night(portal: Portal) -> None:
    """Night 1: « marc » rejects D2 (his) and D3 (dormancy). Night 2, incremental, nothing changed in HubSpot: the
    plan's segment and axis now name Léa instead of Marc. By hand: D2 (Marc's) is no longer the plan's to reject; D3
    still is (dormancy's months before 1 January 2027 read every owner's orders), known, ok. A contact_only record is
    stored and decided by the engine every night: not carried from night 1 as a connector's standing rejection. Seen
    failing before the fix of steps.pull: D2 carried until the weekly full read (the same for an engagement,
    audit hsplanaware)."""
    words = _words(portal.anne)
    assert _rejected(portal.night()["marc"]) == sorted(("deals", d, words) for d in (portal.d2, portal.d3))
    lea = MARC.replace("marc@other.example", "lea@other.example").replace(
        "people:\n", "people:\n  - {email: marc@other.example, name: Marc Durand, role: rep}\n")
    (portal.tmp / "marc.pac.yaml").write_text(lea, encoding="utf-8")
    second = sandbox_sync_clean(portal.settings, portal.server, plan="marc")
    assert (_rejected(second), second.new_rejections, second.status.value) == (
        [("deals", portal.d3, words)], [], "ok")
