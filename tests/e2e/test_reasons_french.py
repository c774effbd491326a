"""A French plan's manager reads the CRM's malformed records in French, end to end (audit reasonsfr).

The sandbox org (Salesforce and HubSpot at once, the real connectors), with one record of each malformed kind
edited in each CRM, synced once: the run's counts per object are the records really rejected, and the French
digest's lines, made from the rejections the store kept (as ``notify.service`` reads them), are the oracle's: the
record id kept, the CRM's field names and values kept, in French, with what to do. Before the fix every connector
reason read in English (« hs-west · Activités · 10151 : meeting has no start time … »).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sandbox_crm.run import start_sandbox
from sync_jobs.notify.alerts import Alert
from sync_jobs.notify.digest import render_digest
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.fakes import sandbox_connectors, sandbox_settings


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("reasonsfr")
    with start_sandbox() as server:
        settings = sandbox_settings(tmp, f"sqlite:///{tmp / 'pac.db'}")
        sf, hs = server.api("salesforce"), server.api("hubspot")
        event = sf.rows("Event")[1]["Id"]
        won, late = (r["Id"] for r in sf.rows("Opportunity")[:2])
        sf.edit("Event", event, ActivityDateTime="demain")
        sf.edit("Opportunity", won, Amount="abc")
        sf.edit("Opportunity", late, CloseDate="31/02/2027")
        no_start, odd = list(hs.table("meetings").rows)[:2]
        hs.update("meetings", no_start, {"hs_meeting_start_time": "", "hs_timestamp": ""})
        hs.update("meetings", odd, {"hs_meeting_outcome": "BIZARRE"})
        elsewhere, dear = list(hs.table("deals").rows)[:2]
        hs.update("deals", elsewhere, {"pipeline": "other"})
        hs.update("deals", dear, {"amount": "cher"})
        connectors = sandbox_connectors(settings, server)
        try:
            result = run_sync(None, settings, connectors=connectors)
        finally:
            for c in connectors.values():
                c.close()
        engine = open_store(settings.database())
        try:
            assert result.run_id is not None
            stored = repo.rejections(engine, result.run_id)
        finally:
            engine.dispose()
        ids = {"event": event, "won": won, "late": late, "no_start": no_start, "odd": odd, "elsewhere": elsewhere,
               "dear": dear}
        yield result, stored, ids


def test_the_counts_are_the_records_rejected(synced: Any) -> None:
    """Three activities and four deals the connectors could not read, plus the demo's two engine set-asides (a
    visit with no account, a CHF deal): 4 activities and 5 deals, each record once."""
    result, stored, _ids = synced
    assert (result.counts["activities"]["rejected"], result.counts["deals"]["rejected"]) == (4, 5)
    assert len(stored) == len({(r.source, r.object, r.id) for r in stored}) == 9


def test_the_french_digest_words_each_reason_in_french(synced: Any) -> None:
    _result, stored, ids = synced
    alerts = [Alert(f"rejected:{r.source}:{r.object}:{r.id}", "rejected", r.id,
                    {"source": r.source, "object": r.object, "id": r.id, "reason": r.reason}, ()) for r in stored]
    body = render_digest(alerts, "fr")[1].replace("\u00a0", " ")
    expected = [
        f"- sf-main · Activités · {ids['event']} : date illisible « demain » : corrigez-la dans le CRM",
        f"- sf-main · Affaires · {ids['won']} : « abc » n'est pas un nombre : corrigez-le dans le CRM",
        f"- sf-main · Affaires · {ids['late']} : date illisible « 31/02/2027 » : corrigez-la dans le CRM",
        f"- hs-west · Activités · {ids['no_start']} : le rendez-vous n'a pas d'heure de début (hs_timestamp et "
        "hs_meeting_start_time vides) : renseignez-la dans le CRM",
        f"- hs-west · Activités · {ids['odd']} : résultat de rendez-vous « BIZARRE » absent du mapping "
        "(activities.meetings.outcomes) : ajoutez-le au mapping",
        f"- hs-west · Affaires · {ids['elsewhere']} : pipeline « other » inconnu ou non lu par le mapping : "
        "ajoutez-le au mapping ou changez le pipeline de l'affaire",
        f"- hs-west · Affaires · {ids['dear']} : le montant « cher » n'est pas un nombre : corrigez-le dans le CRM",
        # the demo's visit on nothing, worded by why (audit sfhints; before: « l'activité n'a pas de compte »)
        "l'événement (Event) n'est rattaché à aucun compte, contact ni enregistrement : rattachez-le au compte "
        "(Associé à) ou à un contact du compte (Nom)",
        "pas de taux de change pour CHF en EUR (ajoutez-le à engine.fx_rates dans pac.yaml)",
    ]
    for line in expected:
        assert line in body, (line, body)
    assert "Enregistrements du CRM rejetés, à corriger (9)" in body
    for english in ("unreadable", "not a number", "has no start time", "is not in the mapping", "is unknown"):
        assert english not in body
