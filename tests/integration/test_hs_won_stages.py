"""A deal pipeline whose stages carry only the metadata the pipelines API documents for deals: ``probability``,
"a value between 0.0 and 1.0, 0.0 being Closed Lost and 1.0 being Closed Won" (CRM API, Pipelines; the create-stage
example sends ``{"probability": 0.5}`` alone, no ``isClosed``). Its won deal counts, its lost deal does not. Synced by
the real pipeline through hubspot-api-client against the sandbox portal."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from tests.fakes import SeededPortal, audit_plan, one_connector_settings

PLAN = audit_plan("Stages", "en", """\
  - id: A-1
    axis: AX-RA
    text: "Visit clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
""")


def _stage(sid: str, label: str, order: int, probability: str) -> dict[str, object]:
    return {"id": sid, "label": label, "displayOrder": order, "archived": False,
            "metadata": {"probability": probability}}


def test_a_stage_of_probability_one_without_is_closed_is_won(tmp_path: Path) -> None:
    """Julie's client won 4,000 (stage « Signé », probability 1.0) and lost 9,000 (« Perdu », 0.0) in the
    distribution pipeline, and has 2,000 open (« Devis », 0.5): its axis counts 4,000. Failed before: 0 (every
    stage without ``isClosed`` read as open)."""
    with SeededPortal() as portal:
        api = portal.api
        api.portal.pipelines["deals"].append(
            {"id": "distribution", "label": "Distribution", "displayOrder": 2, "archived": False,
             "stages": [_stage("devis", "Devis", 0, "0.5"), _stage("signe", "Signé", 1, "1.0"),
                        _stage("perdu", "Perdu", 2, "0.0")]})
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})
        for stage, amount in (("signe", "4000"), ("perdu", "9000"), ("devis", "2000")):
            api.add("deals", {"dealname": stage, "pipeline": "distribution", "dealstage": stage, "amount": amount,
                              "closedate": "2027-05-10T10:00:00Z", "deal_currency_code": "EUR",
                              "hubspot_owner_id": julie}, companies=(lyon,), primary=lyon)
        portal.serve()
        portal.settings = one_connector_settings(tmp_path, PLAN, "hs-s", default_mapping_path(), "stages")
        assert portal.sync().evaluation.axis("AX-RA").revenue == 4_000
