"""A HubSpot axis record says which plan it belongs to and in which currency its amounts are; an action record (a
fallback task) which plan (audit hsplanprops, 7 Dec 2026; audit twoplans F3).

The two-plan portal of ``test_twoplans_hubspot`` (a France plan in EUR, a Québec plan in CAD, both with ``AX-KEY``, on
an EUR portal), through pac's real HubSpot connector, sync pipeline and provisioning against the portal emulated from
HubSpot's documentation (``hs_docs_emulator``).

Hand expectations (written before the change): ``pac-fr-2027:AX-KEY`` ``pac_plan`` « PAC 2027 — France »,
``pac_currency`` « EUR », ``pac_won_revenue`` 38666.67; ``pac-qc-2027:AX-KEY`` « PAC 2027-2028 — Québec », « CAD »,
58000; every action record its plan's name and no currency; a night with no change writes nothing; a portal
provisioned by an older pac (without the properties) is written without them and warned of, ``pac crm provision
hubspot`` adds them with their French labels, the next night writes them once on every record, the night after
nothing. The same for the fallback tasks' ``pac_plan``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync_jobs.pipeline import run_sync
from sync_jobs.run_context import RunResult
from tests.integration.hs_docs_emulator import Emulator
from tests.integration.test_hs_docs_emulator import connectors_for
from tests.integration.test_twoplans_hubspot import PLAN_NAMES, _is_write, _mapping, build_portal
from tests.integration.twoplans_org import FR, N1, N1B, QC, settings

FR_NAME, QC_NAME = "PAC 2027 — France", "PAC 2027-2028 — Québec"
AXIS_PLAN = {f"{FR}:AX-KEY": (FR_NAME, "EUR"), f"{FR}:AX-RA": (FR_NAME, "EUR"),
             f"{QC}:AX-KEY": (QC_NAME, "CAD"), f"{QC}:AX-QC": (QC_NAME, "CAD")}
ACTION_PLAN = {f"{FR}:FR-A1": FR_NAME, f"{FR}:FR-A2": FR_NAME, f"{QC}:QC-A1": QC_NAME, f"{QC}:QC-A2": QC_NAME}
NEW_AXIS_PROPS, NEW_ACTION_PROPS = ("pac_plan", "pac_currency"), ("pac_plan",)


def _settings(tmp: Path) -> Any:
    """Both plans on one portal connector, as ``test_twoplans_hubspot``'s."""
    return settings(tmp, "hs-vega", "hubspot", _mapping(tmp), "PAC_HS_", "engine:\n  fx_rates: {CAD: {EUR: 1.5}}\n")


def _run(cfg: Any, emulator: Emulator, plan: str, now: datetime, *, provision: bool = False
         ) -> tuple[RunResult | list[str], list[tuple[str, str, Any]]]:
    """One plan's night (or ``pac crm provision hubspot`` in French when ``provision``): what it returned and the
    write requests it made (method, path, body)."""
    emulator.portal.now = now - timedelta(minutes=1)
    mark = len(emulator.requests)
    connectors = connectors_for(cfg, emulator, [])
    try:
        done: list[str] = []
        for c in connectors.values():
            if provision:
                c.labels_language = "fr"
                done += c.provision_schema()
        out = done if provision else run_sync(PLAN_NAMES[plan], cfg, connectors=connectors, clock=lambda: now)
    finally:
        for c in connectors.values():
            c.close()
    return out, [(m, p, b) for m, p, _q, b in emulator.requests[mark:] if _is_write(m, p)]


def _check(cfg: Any, emulator: Emulator) -> list[tuple[str, str | None, str]]:
    """``pac crm check --crm hubspot``'s issues with PAC properties: (object, property, problem) (the test portal
    defines none of the line items' properties the mapping reads: not this test's subject)."""
    connectors = connectors_for(cfg, emulator, [])
    try:
        return [(i.object, i.field, i.problem) for c in connectors.values() for i in c.check_schema()
                if i.by_provisioning]
    finally:
        for c in connectors.values():
            c.close()


def _pac_records(emulator: Emulator, object_types: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """pac_key -> properties of the records of ``object_types`` (a custom object's by its name or type id)."""
    return {str(r.properties["pac_key"]): dict(r.properties) for name, table in emulator.portal.objects.items()
            if emulator._schema_type(name) in object_types for r in table.values() if r.properties.get("pac_key")}


def _older_pac(emulator: Emulator, names: dict[str, tuple[str, ...]]) -> None:
    """The portal as an older pac provisioned it: without these properties."""
    for object_type, props in names.items():
        for prop in props:
            emulator.portal.properties[object_type].pop(prop, None)


def _clean(result: Any, emulator: Emulator) -> None:
    """A clean run, nothing refused but the schemas read of a portal without custom objects (the fallback's sign)."""
    refused = [r for r in emulator.refused if r[1] != "/crm-object-schemas/v3/schemas"]
    assert (result.status.value, result.errors, refused) == ("ok", [], [])


class TestCustomObjects:
    def test_each_record_names_its_plan_and_its_currency(self, tmp_path: Path) -> None:
        cfg = _settings(tmp_path)
        with Emulator(build_portal()) as emulator:
            _run(cfg, emulator, FR, N1, provision=True)
            labels = {(o, p): (d["label"], d["type"], d["fieldType"]) for o in ("pac_axis", "pac_action")
                      for p, d in emulator.portal.properties[o].items() if p in NEW_AXIS_PROPS}
            fr, _ = _run(cfg, emulator, FR, N1)
            qc, _ = _run(cfg, emulator, QC, N1 + timedelta(minutes=5))
            records = _pac_records(emulator, ("pac_axis", "pac_action"))
            quiet = [_run(cfg, emulator, plan, N1B + timedelta(minutes=i))[1] for i, plan in enumerate((QC, FR))]
            currency_help = emulator.portal.properties["pac_axis"]["pac_currency"].get("description")
            _clean(fr, emulator)
            _clean(qc, emulator)
        assert labels == {("pac_axis", "pac_plan"): ("Plan", "string", "text"),
                          ("pac_axis", "pac_currency"): ("Devise des montants", "string", "text"),
                          ("pac_action", "pac_plan"): ("Plan", "string", "text")}
        assert currency_help and currency_help.startswith("Code ISO 4217")
        assert {k: (records[k].get("pac_plan"), records[k].get("pac_currency")) for k in AXIS_PLAN} == AXIS_PLAN
        assert (records[f"{FR}:AX-KEY"]["pac_won_revenue"], records[f"{QC}:AX-KEY"]["pac_won_revenue"]) == (
            "38666.67", "58000")
        assert {k: records[k].get("pac_plan") for k in ACTION_PLAN} == ACTION_PLAN
        assert not any("pac_currency" in records[k] for k in ACTION_PLAN)
        assert quiet == [[], []]

    def test_a_hand_edit_of_the_plan_or_currency_is_put_back(self, tmp_path: Path) -> None:
        """pac's values, as every computed PAC property: a rep who sets the Québec AX-KEY's currency to EUR (its
        58000 would then read as euros) and its plan to the France plan's name sees both restored the next night,
        with a ``restored:`` line each, and nothing written the night after."""
        cfg = _settings(tmp_path)
        with Emulator(build_portal()) as emulator:
            _run(cfg, emulator, QC, N1, provision=True)
            _run(cfg, emulator, QC, N1)
            [record] = [r for r in emulator.portal.objects[emulator._type_id("pac_axis")].values()
                        if r.properties.get("pac_key") == f"{QC}:AX-KEY"]
            record.set({"pac_currency": "EUR", "pac_plan": FR_NAME}, N1 + timedelta(minutes=3), user_id=9401)
            repaired, _ = _run(cfg, emulator, QC, N1B)
            _clean(repaired, emulator)
            held = (record.properties["pac_plan"], record.properties["pac_currency"])
            _, quiet = _run(cfg, emulator, QC, N1B + timedelta(minutes=30))
        assert held == (QC_NAME, "CAD")
        assert isinstance(repaired, RunResult)
        assert sorted(line for line in repaired.drift if ":AX-KEY" in line) == [
            f"hs-vega {QC}:AX-KEY currency: 'EUR' in the CRM, restored to 'CAD'",
            f"hs-vega {QC}:AX-KEY plan: '{FR_NAME}' in the CRM, restored to '{QC_NAME}'"]
        assert quiet == []

    def test_a_portal_provisioned_by_an_older_pac_gets_them(self, tmp_path: Path) -> None:
        """Without the properties the night writes the rest and says so; provisioning adds them (French labels, in
        the group of the objects' other PAC properties); the next night writes them once on each of the plan's
        records (2 axes, 2 actions: one upsert per object), the night after nothing."""
        cfg = _settings(tmp_path)
        with Emulator(build_portal()) as emulator:
            _run(cfg, emulator, FR, N1, provision=True)
            _older_pac(emulator, {"pac_axis": NEW_AXIS_PROPS, "pac_action": NEW_ACTION_PROPS})
            before, _ = _run(cfg, emulator, FR, N1)
            _clean(before, emulator)
            without = _pac_records(emulator, ("pac_axis", "pac_action"))
            issues = _check(cfg, emulator)
            done, _ = _run(cfg, emulator, FR, N1, provision=True)
            issues_after = _check(cfg, emulator)
            groups = {o: emulator.portal.properties[o]["pac_plan"].get("groupName") for o in ("pac_axis", "pac_action")}
            key_groups = {o: emulator.portal.properties[o]["pac_key"].get("groupName")
                          for o in ("pac_axis", "pac_action")}
            after, writes = _run(cfg, emulator, FR, N1 + timedelta(minutes=5))
            _clean(after, emulator)
            records = _pac_records(emulator, ("pac_axis", "pac_action"))
            _, quiet = _run(cfg, emulator, FR, N1B)
        assert isinstance(before, RunResult) and len(before.lacking) == 1
        assert "pac_axis lacks pac_plan, pac_currency; pac_action lacks pac_plan" in before.lacking[0]
        assert not any("pac_plan" in r or "pac_currency" in r for r in without.values())
        assert issues == [("pac_axis", "pac_plan", "PAC property missing"),
                          ("pac_axis", "pac_currency", "PAC property missing"),
                          ("pac_action", "pac_plan", "PAC property missing")]
        assert issues_after == []
        assert "created 2 properties on pac_axis: pac_plan, pac_currency" in done
        assert "created 1 properties on pac_action: pac_plan" in done
        assert groups == key_groups
        assert isinstance(after, RunResult) and after.lacking == []
        mine = {k: v for k, v in AXIS_PLAN.items() if k.startswith(FR)}
        assert {k: (records[k].get("pac_plan"), records[k].get("pac_currency")) for k in mine} == mine
        assert {k: records[k].get("pac_plan") for k in ACTION_PLAN if k.startswith(FR)} == {
            f"{FR}:FR-A1": FR_NAME, f"{FR}:FR-A2": FR_NAME}
        sent = sorted(sorted(i["properties"]) for _m, p, b in writes if p.endswith("/batch/upsert")
                      for i in b["inputs"])
        # with the write's stamp, as every write
        assert sent == [["pac_currency", "pac_key", "pac_last_synced", "pac_plan"]] * 2 + [
            ["pac_key", "pac_last_synced", "pac_plan"]] * 2
        assert quiet == []


class TestFallbackTasks:
    @pytest.fixture
    def cfg(self, tmp_path: Path) -> Any:
        return _settings(tmp_path)

    def test_each_task_names_its_plan(self, cfg: Any) -> None:
        with Emulator(build_portal(), enterprise=False) as emulator:
            _run(cfg, emulator, FR, N1, provision=True)
            label = emulator.portal.properties["tasks"]["pac_plan"]
            fr, _ = _run(cfg, emulator, FR, N1)
            qc, _ = _run(cfg, emulator, QC, N1 + timedelta(minutes=5))
            _clean(fr, emulator)
            _clean(qc, emulator)
            tasks = _pac_records(emulator, ("tasks",))
            quiet = [_run(cfg, emulator, plan, N1B + timedelta(minutes=i))[1] for i, plan in enumerate((QC, FR))]
        assert (label["label"], label["type"], label["groupName"]) == ("Plan", "string", "pac")
        assert {k: tasks[k].get("pac_plan") for k in ACTION_PLAN} == ACTION_PLAN
        assert quiet == [[], []]

    def test_tasks_of_a_portal_provisioned_by_an_older_pac(self, cfg: Any) -> None:
        """Every task write would be refused if pac sent a property the portal lacks: the tasks are written without
        it and the run says so; provisioning adds it; the next night writes it once on each task, then nothing."""
        with Emulator(build_portal(), enterprise=False) as emulator:
            _run(cfg, emulator, FR, N1, provision=True)
            _older_pac(emulator, {"tasks": NEW_ACTION_PROPS})
            before, _ = _run(cfg, emulator, FR, N1)
            _clean(before, emulator)
            without = _pac_records(emulator, ("tasks",))
            issues = _check(cfg, emulator)
            done, _ = _run(cfg, emulator, FR, N1, provision=True)
            after, writes = _run(cfg, emulator, FR, N1 + timedelta(minutes=5))
            _clean(after, emulator)
            tasks = _pac_records(emulator, ("tasks",))
            _, quiet = _run(cfg, emulator, FR, N1B)
        assert isinstance(before, RunResult) and len(before.lacking) == 1
        assert "tasks lacks pac_plan" in before.lacking[0]
        assert sorted(without) == [f"{FR}:FR-A1", f"{FR}:FR-A2"]
        assert not any("pac_plan" in t for t in without.values())
        assert issues == [("tasks", "pac_plan", "PAC property missing")]
        assert "created 1 properties on tasks: pac_plan" in done
        assert isinstance(after, RunResult) and after.lacking == []
        assert {k: tasks[k].get("pac_plan") for k in (f"{FR}:FR-A1", f"{FR}:FR-A2")} == {
            f"{FR}:FR-A1": FR_NAME, f"{FR}:FR-A2": FR_NAME}
        task_writes = [i for _m, p, b in writes if p.startswith("/crm/v3/objects/tasks/batch/") for i in b["inputs"]]
        assert len(task_writes) == 2 and all(i["properties"].get("pac_plan") == FR_NAME for i in task_writes)
        assert quiet == []


class TestFallbackTasksPlanEnd:
    """Fallback tasks carry their plan's last day, ``pac_plan_end``, as axis and action records do, so the views of
    running tasks leave an ended plan's out (audit smallleft, 7 Dec 2026; hsplanprops left it out). Hand
    expectations (written before the change): FR-A1, FR-A2 « 2027-12-31 » (France, calendar 2027), QC-A1, QC-A2
    « 2028-03-31 » (Québec, 2027-04-01..2028-03-31); provisioned in French « Fin du plan », a date, in the PAC
    group; a night with no change writes nothing; a portal whose tasks lack it is written without it and warned of,
    ``pac crm provision hubspot`` adds it, the next night writes it once on each task, the night after nothing."""

    @pytest.fixture
    def cfg(self, tmp_path: Path) -> Any:
        return _settings(tmp_path)

    def test_each_task_carries_its_plans_end(self, cfg: Any) -> None:
        with Emulator(build_portal(), enterprise=False) as emulator:
            _run(cfg, emulator, FR, N1, provision=True)
            label = dict(emulator.portal.properties["tasks"].get("pac_plan_end") or {})
            fr, _ = _run(cfg, emulator, FR, N1)
            qc, _ = _run(cfg, emulator, QC, N1 + timedelta(minutes=5))
            _clean(fr, emulator)
            _clean(qc, emulator)
            tasks = _pac_records(emulator, ("tasks",))
            quiet = [_run(cfg, emulator, plan, N1B + timedelta(minutes=i))[1] for i, plan in enumerate((QC, FR))]
        assert (label.get("label"), label.get("type"), label.get("groupName")) == ("Fin du plan", "date", "pac")
        assert {k: str(tasks[k].get("pac_plan_end"))[:10] for k in ACTION_PLAN} == {
            f"{FR}:FR-A1": "2027-12-31", f"{FR}:FR-A2": "2027-12-31",
            f"{QC}:QC-A1": "2028-03-31", f"{QC}:QC-A2": "2028-03-31"}
        assert quiet == [[], []]

    def test_tasks_of_a_portal_provisioned_before_it(self, cfg: Any) -> None:
        with Emulator(build_portal(), enterprise=False) as emulator:
            _run(cfg, emulator, FR, N1, provision=True)
            _older_pac(emulator, {"tasks": ("pac_plan_end",)})
            before, _ = _run(cfg, emulator, FR, N1)
            _clean(before, emulator)
            without = _pac_records(emulator, ("tasks",))
            issues = _check(cfg, emulator)
            done, _ = _run(cfg, emulator, FR, N1, provision=True)
            after, writes = _run(cfg, emulator, FR, N1 + timedelta(minutes=5))
            _clean(after, emulator)
            tasks = _pac_records(emulator, ("tasks",))
            _, quiet = _run(cfg, emulator, FR, N1B)
        assert isinstance(before, RunResult) and len(before.lacking) == 1
        assert "tasks lacks pac_plan_end" in before.lacking[0]
        assert sorted(without) == [f"{FR}:FR-A1", f"{FR}:FR-A2"]
        assert not any("pac_plan_end" in t for t in without.values())
        assert issues == [("tasks", "pac_plan_end", "PAC property missing")]
        assert "created 1 properties on tasks: pac_plan_end" in done
        assert isinstance(after, RunResult) and after.lacking == []
        assert {k: str(tasks[k].get("pac_plan_end"))[:10] for k in (f"{FR}:FR-A1", f"{FR}:FR-A2")} == {
            f"{FR}:FR-A1": "2027-12-31", f"{FR}:FR-A2": "2027-12-31"}
        task_writes = [i for _m, p, b in writes if p.startswith("/crm/v3/objects/tasks/batch/") for i in b["inputs"]]
        assert len(task_writes) == 2 and all(str(i["properties"].get("pac_plan_end"))[:10] == "2027-12-31"
                                             for i in task_writes), task_writes
        assert quiet == []
