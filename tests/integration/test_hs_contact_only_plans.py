"""HubSpot engagements on contacts with no company, decided by each plan (audit hsplanaware, 7 Dec 2026), through the
real HubSpot connector and pipeline on a sandbox portal with the shipped mapping, two plans on one store.

Before, the connector rejected every dated engagement associated only with contacts that have no primary company
(``contact_only``) before any plan was read: another team's such call made every plan's night ``partial`` and was
listed « to fix in the CRM » of a plan that would never count it. Now it is stored with no account, its object and
contacts kept (``Activity.crm_object``, ``placed_by``), the engine's plan-aware ``no_account`` decides (docs/engine.md,
*Bad records*: its type counted by an action naming its owner, its instant near that action's window), and a
rejection reads in the connector's words of before (``contact_only``: object and contacts), so its known-vs-new key
is unchanged. Expectations by hand: /tmp/audits/hsplanaware/EXPECTED.md.

The portal: Lyon Chimie (Julie's client, Rhône-Alpes); Anne, a contact with no company. Plan « Julie »: A-1 « Julie
visits 10 clients in Q2 2027 », A-3 « Julie calls 10 clients in Q2 2027 »; plan « Marc »: A-5 « Marc calls 5
clients in Q2 2027 ». Julie's visit of 3 May and call of 5 May on Lyon Chimie count (1 each).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from connectors.hubspot.mapping import CONNECTED, default_mapping_path
from pac_config.settings import load_settings
from pac_core.reject_codes import CODES, rejection
from sync_jobs.cli import main
from sync_jobs.exit_codes import exit_code_for
from tests.fakes import AUDIT_PEOPLE, SeededPortal, audit_plan, sandbox_sync_clean

JULIE_ACTIONS = """\
  - id: A-1
    axis: AX-RA
    text: "Visit 10 clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
  - id: A-3
    axis: AX-RA
    text: "Call 10 clients in Q2"
    who: julie@audit.example
    what: {activity: call, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
"""
MARC_ACTIONS = """\
  - id: A-5
    axis: AX-RA
    text: "Marc calls 5 clients in Q2"
    who: marc@other.example
    what: {activity: call, count: 5, counting: activities}
    when: "Q2 2027"
    status: in_progress
"""
MARC_PEOPLE = "  - {email: marc@other.example, name: Marc Durand, role: rep}\n"
PLANS = {"julie": audit_plan("Julie", "en", JULIE_ACTIONS),
         "marc": audit_plan("Marc", "en", MARC_ACTIONS, people=MARC_PEOPLE)}
LONG_AGO = datetime(2026, 11, 1, tzinfo=UTC)   # last changed a month before the first night: no later night reads it


def _two_plans(tmp: Path) -> Any:
    """Settings of plans « julie » and « marc » on one HubSpot connector and one SQLite store, as of 30 June 2027."""
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
    def __init__(self, tmp: Path) -> None:
        super().__init__()
        api = self.api
        self.julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        self.marc = api.add_owner("marc@other.example", "Marc", "Durand")
        self.lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France",
                                          "type": "Client", "industry": "Chimie", "hubspot_owner_id": self.julie})
        self.anne = api.add("contacts", {"email": "anne@nowhere.example", "firstname": "Anne"})
        api.add("meetings", {"hubspot_owner_id": self.julie, "hs_timestamp": "2027-05-03T09:00:00.000Z",
                             "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                             "hs_meeting_title": "visite"}, companies=(self.lyon,))
        self.call(self.julie, "2027-05-05T10:00:00.000Z", on_anne=False)
        # C2 Julie's call on Anne only, C3 Marc's, C4 Julie's of 2019, C5 Julie's inbound one, M2 her « Réunion »
        self.c2 = self.call(self.julie, "2027-05-12T10:00:00.000Z")
        self.c3 = self.call(self.marc, "2027-05-12T11:00:00.000Z")
        self.c4 = self.call(self.julie, "2019-03-01T10:00:00.000Z")
        self.c5 = self.call(self.julie, "2027-05-12T12:00:00.000Z", direction="INBOUND")
        self.m2 = api.add("meetings", {"hubspot_owner_id": self.julie, "hs_timestamp": "2027-05-12T14:00:00.000Z",
                                       "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Réunion",
                                       "hs_meeting_title": "réunion"}, modified=LONG_AGO)
        api.associate("meetings", self.m2, "contacts", self.anne)
        self.tmp = tmp
        self.serve()
        self.settings = _two_plans(tmp)

    def call(self, owner: str, ts: str, *, direction: str = "OUTBOUND", on_anne: bool = True) -> str:
        """A completed call at ``ts``, on Anne only (``on_anne``), else on Lyon Chimie."""
        call = self.api.add("calls", {"hubspot_owner_id": owner, "hs_timestamp": ts, "hs_call_status": "COMPLETED",
                                      "hs_call_disposition": CONNECTED, "hs_call_direction": direction,
                                      "hs_call_title": "appel"},
                            companies=() if on_anne else (self.lyon,), modified=LONG_AGO)
        if on_anne:
            self.api.associate("calls", call, "contacts", self.anne)
        return call

    def night(self, **kw: Any) -> dict[str, Any]:
        """Each plan's sync, « julie » then « marc »."""
        return {name: sandbox_sync_clean(self.settings, self.server, plan=name, **kw) for name in PLANS}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path) as p:
        yield p


def _rejected(result: Any) -> list[tuple[str, str, str]]:
    return [(r.object, r.id, r.reason) for r in result.rejections]


def _done(result: Any, action: str) -> int:
    return int(result.evaluation.action(action).done)


def _words(call: str, contact: str) -> str:
    return CODES["contact_only"].en({"object": "call", "contacts": contact})


def test_each_plan_rejects_only_the_visits_it_could_count(portal: Portal) -> None:
    """By hand: plan « julie » rejects C2 only (Julie's call of 12 May, A-3 counts her calls), « call associated
    with contact <Anne> only: associate it with a company (the contact has no primary company) », code
    contact_only, new, partial; plan « marc » rejects C3 only (Marc's), likewise. C4 (2019: outside any window's
    near span), C5 (inbound: no type) and M2 (« Réunion »: the type meeting, which no action counts) are rejected by
    neither. Figures unchanged: A-1 1, A-3 1, A-5 0. Seen failing before the fix (main): both plans rejected C2,
    C3, C4 and M2, both partial."""
    nights = portal.night()
    julie, marc = nights["julie"], nights["marc"]
    words = _words("call", portal.anne)
    assert _rejected(julie) == [("activities", portal.c2, words)]
    assert _rejected(marc) == [("activities", portal.c3, words)]
    assert julie.rejections == [rejection("hs-audit", "activities", portal.c2, "contact_only", object="call",
                                          contacts=portal.anne)]
    assert [(r.id, r.code) for r in marc.new_rejections] == [(portal.c3, "contact_only")]
    assert [(r.status.value, exit_code_for(r.status)) for r in (julie, marc)] == [("partial", 1), ("partial", 1)]
    assert (_done(julie, "A-1"), _done(julie, "A-3"), _done(marc, "A-5")) == (1, 1, 0)


def test_a_plan_not_concerned_has_an_ok_night(portal: Portal) -> None:
    """Marc's C3 alone (C2 associated with Lyon Chimie, where it counts): plan « julie » has nothing to fix, ok
    (exit 0), A-3 2; « marc » partial. The next night (incremental, nothing read again) and a full read: the same,
    each plan's rejection known, both ok. Seen failing before the fix: « julie » partial, C3 (and C4, M2) listed."""
    portal.api.associate("calls", portal.c2, "companies", portal.lyon)
    first = portal.night()
    assert (_rejected(first["julie"]), first["julie"].status.value, _done(first["julie"], "A-3")) == ([], "ok", 2)
    assert (_rejected(first["marc"]), first["marc"].status.value) == (
        [("activities", portal.c3, _words("call", portal.anne))], "partial")
    for nights in (portal.night(), portal.night(full=True)):
        assert (_rejected(nights["julie"]), nights["julie"].status.value) == ([], "ok")
        assert (_rejected(nights["marc"]), nights["marc"].new_rejections, nights["marc"].status.value) == (
            [("activities", portal.c3, _words("call", portal.anne))], [], "ok")


def test_fixed_in_the_crm_it_counts(portal: Portal) -> None:
    """Night 2: C3 associated with Lyon Chimie (an edit: the incremental read reads it again): it counts for A-5
    (1) and « marc » rejects nothing, ok."""
    portal.night()
    portal.api.associate("calls", portal.c3, "companies", portal.lyon)
    portal.api.update("calls", portal.c3, {"hs_call_title": "appel (Lyon)"})
    second = portal.night()["marc"]
    assert (_rejected(second), second.status.value, _done(second, "A-5")) == ([], "ok", 1)


def test_a_plan_that_starts_naming_the_owner_words_it_from_the_store(portal: Portal) -> None:
    """Night 1: plan « julie » leaves Marc's C3 out (ok once C2 is fixed). Night 2: « julie » gains A-6, Marc's calls
    in Q2; nothing changed in HubSpot. By hand: C3 is now that plan's to reject, new, partial, in the connector's
    words (object and contacts from the store), not the engine's « no_account: the activity has no account »."""
    portal.api.associate("calls", portal.c2, "companies", portal.lyon)
    assert portal.night()["julie"].status.value == "ok"
    (portal.tmp / "julie.pac.yaml").write_text(audit_plan("Julie", "en", JULIE_ACTIONS + MARC_ACTIONS.replace(
        "A-5", "A-6"), people=AUDIT_PEOPLE + MARC_PEOPLE), encoding="utf-8")
    second = sandbox_sync_clean(portal.settings, portal.server, plan="julie")
    assert _rejected(second) == [("activities", portal.c3, _words("call", portal.anne))]
    assert [(r.id, r.code) for r in second.new_rejections] == [(portal.c3, "contact_only")]
    assert second.status.value == "partial"


def test_explain_lists_it_among_the_reps_rejected_records(portal: Portal) -> None:
    """`pac explain A-3 --plan julie`: C2 among Julie's rejected records, in the connector's words, English and
    French (« l'appel n'est associé qu'à un contact (<Anne>) sans entreprise principale : associez-le à une
    entreprise »); C4 (2019) and C3 (Marc's) are not."""
    portal.night()
    outs = {}
    for lang in ("en", "fr"):
        shown = CliRunner().invoke(main, ["explain", "A-3", "--plan", "julie", "--lang", lang],
                                   env={"PAC_CONFIG": str(portal.settings.source), "COLUMNS": "400"})
        assert shown.exit_code == 0, (shown.output, shown.stderr)
        outs[lang] = shown.stdout
    en, fr = _rejected_rows(outs["en"], "Rejected records of"), _rejected_rows(outs["fr"], "Enregistrements rejetés")
    assert {i: r[-2:] for i, r in en.items() if i != "record"} == {
        portal.c2: ["rejected when read from the CRM", _words("call", portal.anne)]}
    assert fr[portal.c2][-1] == (f"l'appel n'est associé qu'à un contact ({portal.anne}) sans entreprise principale : "
                                 "associez-le à une entreprise")


def _rejected_rows(out: str, title: str) -> dict[str, list[str]]:
    """The rows of the rejected records' table under `pac explain ACTION`'s (after its ``title``), by record id, a
    folded cell joined."""
    rows: list[list[str]] = []
    for line in out[out.index(title):].splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and not cells[0] and rows:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        elif cells:
            rows.append(cells)
    return {r[0]: r[1:] for r in rows}
