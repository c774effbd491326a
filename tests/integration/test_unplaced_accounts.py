"""An account in France whose postal code gives no département, through ``pac sync``'s pipeline and `pac status`: the
Ain customer typed « 1000 » (a spreadsheet dropped the leading zero) is in no département scope, so « visit 2 clients
of the 01 » cannot count its visit. Before 7 Dec 2026 only the connector's log said so, the night it read the company;
now every night that evaluates a plan reading départements or régions lists it with the data-quality warnings (`pac
sync`, `pac status`, the report), with what to write. Real hubspot-api-client on the sandbox CRM, the shipped
mapping."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from connectors.hubspot.mapping import default_mapping_path
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from tests.fakes import one_connector_settings, sandbox_sync_clean

PLAN = """\
plan: {name: "ain", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: julie@audit.example, name: Julie Martin, role: rep}
segments:
  - {id: S-AIN, name: Ain, kind: horizontal, scope: {departement: "01"}}
axes:
  - id: AX-AIN
    name: Ain
    segment: S-AIN
    status: active
    objective: {additional_revenue: 10000, baseline: 0, margin_rate: 0.3, budget: 1000, expected_roi: 2}
actions:
  - {id: A-1, axis: AX-AIN, text: Visit 2 clients of the 01, who: julie@audit.example,
     what: {activity: visit, count: 2}, when: "2027-05"}
"""


def test_an_account_whose_postal_code_gives_no_departement_is_listed_every_night(tmp_path: Path) -> None:
    api = HubSpotApi(None, tier="starter", ten_second_limit=1_000_000)
    julie = api.add_owner("julie@audit.example", "Julie", "Martin")
    bourg = api.add("companies", {"name": "Bourg Agri", "zip": "01000", "country": "France"})
    ain = api.add("companies", {"name": "Ain Mécanique", "zip": "1000", "country": "France"})
    api.add("companies", {"name": "Bruxelles Tech", "zip": "1000", "country": "Belgium"})
    for company in (bourg, ain):
        api.add("meetings", {"hs_meeting_title": "Visite", "hs_timestamp": "2027-05-04T08:00:00.000Z",
                             "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                             "hubspot_owner_id": julie}, companies=(company,))
    settings = one_connector_settings(tmp_path, PLAN, "hs-a", default_mapping_path(), "ain")
    with SandboxServer([api]) as server:
        first = sandbox_sync_clean(settings, server)
        second = sandbox_sync_clean(settings, server)      # a quiet night reads no company again
    assert first.evaluation.action("A-1").done == 1
    for night in (first, second):
        [warned] = [w for w in night.warnings if w.reason.startswith("postal_code_unplaced:")]
        assert (warned.source, warned.object, warned.id) == ("hs-a", "accounts", ain)
        assert "postal code '1000' has 4 digits" in warned.reason and "write 01000" in warned.reason
        assert night.counts["accounts"]["warnings"] == 1
    said = {}
    for lang in ("en", "fr"):
        status = CliRunner().invoke(main, ["status", "--lang", lang], env={"PAC_CONFIG": str(settings.source)})
        assert status.exit_code == 0, status.output
        said[lang] = " ".join(status.output.split())
    assert ("Last run's data-quality warnings: 1 account(s) in France whose postal code gives no département, in no "
            "département or région scope (correct the postal codes in the CRM; `pac sync` names them).") in said["en"]
    assert ("Alertes de qualité des données de la dernière exécution : 1 compte en France dont le code postal ne donne "
            "aucun département, hors de tout périmètre département ou région (corrigez le code postal dans le CRM ; "
            "`pac sync` le nomme).") in said["fr"]
