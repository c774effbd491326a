"""HubSpot associations and labels in the plan's language: provisioning, the writer, and whole syncs of the example
plan through the sandbox portal and hubspot-api-client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from connectors.base import ObjectKind, Target, WriteChange
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import start_sandbox
from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import RunResult
from sync_jobs.run_status import RunStatus
from tests.contract.factory_hubspot import sandbox_connector
from tests.fakes import sandbox_settings, sandbox_sync

PLAN = "pac-2027"
LEA = "lea.rousseau@durand-process.example"


def _links(api: HubSpotApi, from_type: str, to_type: str) -> dict[str, set[str]]:
    return {f: set(tos) for f, tos in api.links.get((from_type, to_type), {}).items() if tos}


def _portal(n_companies: int = 4) -> tuple[HubSpotApi, list[str]]:
    api = HubSpotApi(None)
    api.add_owner(LEA, "Léa", "Rousseau")
    return api, [api.add("companies", {"name": f"Société {i}", "zip": "31000"}) for i in range(n_companies)]


def _axis(key: str) -> WriteChange:
    return WriteChange(Target.AXIS, f"{PLAN}:{key}", {"name": key, "status": "active"})


def _account(company: str, axes: str | None) -> WriteChange:
    return WriteChange(Target.ACCOUNT, f"hs:{company}", {"axes": axes, "target": bool(axes)}, crm_id=company)


class TestLabels:
    def test_french_labels_then_english_relabel_values_unchanged(self) -> None:
        """Provisioned in French: object, property and option labels in French, option values the engine's codes;
        provisioning again in English relabels them (PATCH), and once more does nothing."""
        api, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.labels_language = "fr"
            connector.provision_schema()
            action = api.schemas["pac_action"]
            assert action["labels"] == {"singular": "Action du PAC", "plural": "Actions du PAC"}
            pace = api.table("pac_action").properties["pac_pace"]
            assert pace["label"] == "Rythme"
            assert [(o["value"], o["label"]) for o in pace["options"]] == [
                ("done", "Terminée"), ("on_track", "Dans les temps"), ("at_risk", "À risque"), ("late", "Manquée"),
                ("not_started", "À venir"), ("inactive", "Inactive"), ("removed", "Retirée du plan")]
            assert api.tables["companies"].properties["pac_axes"]["label"] == "Axes du PAC qui ciblent l'entreprise"
            connector.labels_language = "en"
            done = connector.provision_schema()
            assert "labelled custom object pac_axis in en: PAC axis / PAC axes" in done
            assert any(line.startswith("labelled 13 properties on pac_action in en") for line in done), done
            status = api.table("pac_axis").properties["pac_status"]
            assert status["label"] == "Axis status"
            # the additional revenue (won minus baseline), not the won revenue: it read "Revenue won"
            assert api.table("pac_axis").properties["pac_revenue"]["label"] == "Additional revenue so far"
            assert [o["value"] for o in status["options"]] == ["active", "prioritised", "suspended", "dropped"]
            assert connector.provision_schema() == [] and connector.check_schema() == []

    def test_an_axis_whose_objective_is_reached_reads_so_and_old_labels_are_relabelled(self) -> None:
        """The axis's pace options say what the report says (« Objectif atteint », masculine for « axe »), the action's
        keep « Terminée »; a portal provisioned with the shared labels gets the axis's relabelled by the next
        provisioning, values unchanged (audit sfpkg F4). Seen failing before the fix: ('done', 'Terminée') on
        pac_axis."""
        api, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.labels_language = "fr"
            connector.provision_schema()
            axis = api.table("pac_axis").properties["pac_pace"]
            assert [(o["value"], o["label"]) for o in axis["options"]] == [
                ("done", "Objectif atteint"), ("on_track", "Dans les temps"), ("at_risk", "À risque"),
                ("late", "Manqué"), ("not_started", "À venir"), ("inactive", "Inactif"), ("removed", "Retiré du plan")]
            action = api.table("pac_action").properties["pac_pace"]
            assert dict((o["value"], o["label"]) for o in action["options"])["done"] == "Terminée"
            for option, old in zip(axis["options"], ("Terminée", "Dans les temps", "À risque", "Manquée", "À venir",
                                                      "Inactive", "Retirée du plan"), strict=True):
                option["label"] = old              # a portal provisioned by an older pac
            connector.forget_properties()
            done = connector.provision_schema()
            assert "labelled 1 properties on pac_axis in fr: pac_pace" in done, done
            relabelled = api.table("pac_axis").properties["pac_pace"]["options"]
            assert {o["value"]: o["label"] for o in relabelled}["done"] == "Objectif atteint"
            assert connector.provision_schema() == []

    def test_a_portal_lacking_the_action_axis_association_is_reported(self) -> None:
        """A portal provisioned before actions were linked to axes: check names it; provisioning creates it."""
        api, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            action, axis = api.schemas["pac_action"], api.schemas["pac_axis"]
            action["associations"] = [a for a in action["associations"] if a["toObjectTypeId"] != axis["objectTypeId"]]
            del api.assoc_types[("pac_action", "pac_axis")], api.assoc_types[("pac_axis", "pac_action")]
            connector.forget_properties()
            assert [(i.object, i.problem) for i in connector.check_schema()] == [
                ("pac_action", "no association definition with pac_axis (each action linked to its axis)")]
            assert connector.provision_schema() == [
                "created the association pac_action -> pac_axis (each action linked to its axis)"]


class TestWriterLinks:
    def test_action_follows_its_axis(self) -> None:
        """A new action is linked to its axis; moved to another axis, the old link goes and the new one comes."""
        api, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            first = connector.write([_axis("AX-1"), _axis("AX-2"), WriteChange(
                Target.ACTION, f"{PLAN}:A-1", {"name": "Visiter", "axis_key": f"{PLAN}:AX-1", "owner_email": LEA})])
            ax1, ax2, action = (r.crm_id for r in first)
            assert _links(api, "pac_action", "pac_axis") == {action: {ax1}}
            assert _links(api, "pac_axis", "pac_action") == {ax1: {action}}
            connector.write([WriteChange(Target.ACTION, f"{PLAN}:A-1", {"axis_key": f"{PLAN}:AX-2"})])
            assert _links(api, "pac_action", "pac_axis") == {action: {ax2}}
            assert api.table("pac_action").rows[action].props["hubspot_owner_id"] == api.owners[0]["id"]

    def test_company_leaving_a_scope_loses_its_link(self) -> None:
        """The pipeline's axes text ("AX-1; AX-2") links the company to both axes; when AX-1 no longer targets it,
        that link is archived; cleared (no axis), it has none. Seen to fail before: the text was never linked."""
        api, (company, *_) = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            connector.note_axis_targets(PLAN, {"AX-1": [company], "AX-2": [company]})
            ax1, ax2, _ = (r.crm_id for r in connector.write([_axis("AX-1"), _axis("AX-2"),
                                                               _account(company, "AX-1; AX-2")]))
            assert _links(api, "companies", "pac_axis") == {company: {ax1, ax2}}
            connector.note_axis_targets(PLAN, {"AX-2": [company]})
            connector.write([_account(company, "AX-2")])
            assert _links(api, "companies", "pac_axis") == {company: {ax2}}
            connector.write([_account(company, None)])
            assert _links(api, "companies", "pac_axis") == {}
            assert any(path.endswith("/batch/archive") for _m, path, _b in api.requests)

    def test_axis_over_the_cap_is_linked_to_no_company(self, tmp_path: Path) -> None:
        """With companies_per_axis 2: AX-BIG (3 companies) is linked to none, AX-SMALL (2) to both; a full
        reconciliation (``settle_links`` after a full read, once per run) removes the links AX-BIG had and links
        AX-SMALL's unchanged companies."""
        api, companies = _portal()
        shipped = Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml"
        mapping = tmp_path / "hubspot.yaml"
        mapping.write_text(shipped.read_text(encoding="utf-8").replace("companies_per_axis: 1000",
                                                                       "companies_per_axis: 2"), encoding="utf-8")
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server, mapping=mapping)
            connector.provision_schema()
            big, small, _ = (r.crm_id for r in connector.write([_axis("AX-BIG"), _axis("AX-SMALL"),
                                                                _axis("AX-OLD")]))
            for company in companies[:3]:                   # links made earlier, by hand or under a larger cap
                api.associate("companies", company, "pac_axis", big)
            # a later run (the run that created the axes knows their links: those it made, audit quota2 F2)
            connector = sandbox_connector(server, mapping=mapping)
            connector.note_axis_targets(PLAN, {"AX-BIG": companies[:3], "AX-SMALL": companies[2:4]})
            connector.write([_account(companies[3], "AX-SMALL")])
            assert _links(api, "pac_axis", "companies") == {big: set(companies[:3]), small: {companies[3]}}
            list(connector.pull(ObjectKind.ACCOUNTS, None))  # a full read: links reconciled after the writes
            connector.write([_account(companies[3], "AX-SMALL")])
            assert connector.settle_links() == []
            assert _links(api, "pac_axis", "companies") == {small: set(companies[2:4])}


    def test_links_refused_inside_a_207_are_reported_and_their_fields_sent_again(self) -> None:
        """A company merged or deleted since it was read: HubSpot answers the links' batch/create 207, naming it
        (OBJECT_NOT_FOUND). The action is written and linked to the company that exists; its ``companies`` is
        left unsent with HubSpot's message, so the next run tries again. A full reconciliation naming such a
        company reports it by the company. Before, the 207's errors were ignored: the link counted as made."""
        api, (company, *_) = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            ax1, action = connector.write([_axis("AX-1"), WriteChange(Target.ACTION, f"{PLAN}:A-1", {
                "name": "Visiter", "axis_key": f"{PLAN}:AX-1", "companies": [company, "999999"]})])
            assert ax1.ok and action.ok and action.unsent == {"companies"}
            assert "999999" in action.link_error and "No object with id 999999" in action.link_error
            assert _links(api, "pac_action", "companies") == {action.crm_id: {company}}
            assert _links(api, "pac_action", "pac_axis") == {action.crm_id: {ax1.crm_id}}
            connector.note_axis_targets(PLAN, {"AX-1": [company, "999998"]})
            list(connector.pull(ObjectKind.ACCOUNTS, None))     # a full read: the links are reconciled
            [failure] = connector.settle_links()
            assert (failure.target, failure.crm_id, failure.field) == (Target.ACCOUNT, "999998", "axes")
            assert "No object with id 999998" in failure.error and f"{PLAN}:AX-1" in failure.error
            assert _links(api, "pac_axis", "companies") == {ax1.crm_id: {company}}


    def test_an_action_whose_axis_has_no_record_is_a_failure_of_the_full_reconciliation(self) -> None:
        """An action upserted while its axis's upsert failed: the full reconciliation of links cannot link it, and
        says so by the action (its ``axis_key``, so that field is not recorded as written and the next run links it
        once the axis exists). Seen failing before the fix (audit writefail F1): the settlement wanted it linked to
        none and reported nothing, so the write's withheld ``axis_key`` was recorded as made."""
        api, _companies = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            [action] = connector.write([WriteChange(Target.ACTION, f"{PLAN}:A-1", {
                "name": "Visiter", "axis_key": f"{PLAN}:AX-GONE"})])
            assert action.ok and action.unsent == {"axis_key"}
            connector.note_axis_targets(PLAN, {})
            list(connector.pull(ObjectKind.ACCOUNTS, None))     # a full read: the links are reconciled
            [failure] = connector.settle_links()
            assert (failure.target, failure.crm_id, failure.field) == (Target.ACTION, action.crm_id, "axis_key")
            assert f"{PLAN}:AX-GONE" in failure.error and "no such record" in failure.error


    def test_the_actions_of_an_axis_whose_write_failed_wait_for_it(self) -> None:
        """An axis HubSpot refuses (a status the portal's dropdown lacks): its new actions are held back, each a
        retryable failure naming the axis and why, not created (an action of another axis is written and linked);
        a later batch of the same run holds back that axis's actions too; the next run writes the axis, then the
        actions, linked to it. Seen failing before the fix (audit quota2 F4): the actions were created, unlinked,
        and their link reported as "no such record in HubSpot"."""
        api, _companies = _portal()

        def action(key: str, axis: str) -> WriteChange:
            return WriteChange(Target.ACTION, f"{PLAN}:{key}", {"name": key, "axis_key": f"{PLAN}:{axis}"})

        bad = WriteChange(Target.AXIS, f"{PLAN}:AX-1", {"name": "AX-1", "status": "bogus"})
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            axis, ax2, held, fine = connector.write([bad, _axis("AX-2"), action("A-1", "AX-1"), action("A-2", "AX-2")])
            assert not axis.ok and ax2.ok and fine.ok and not fine.unsent
            assert not held.ok and held.retryable and held.crm_id is None, held
            assert f"{PLAN}:AX-1" in held.error and "held back" in held.error and "bogus" in held.error, held.error
            [later] = connector.write([action("A-3", "AX-1")])        # a later batch of the same run
            assert not later.ok and later.retryable and f"{PLAN}:AX-1" in later.error
            keys = {o.props.get("pac_key") for o in api.table("pac_action").rows.values()}
            assert keys == {f"{PLAN}:A-2"}
            assert _links(api, "pac_action", "pac_axis") == {fine.crm_id: {ax2.crm_id}}
        with SandboxServer([api]) as server:                   # the next night: the axis, then its actions
            connector = sandbox_connector(server)
            axis, first, third = connector.write([_axis("AX-1"), action("A-1", "AX-1"), action("A-3", "AX-1")])
            assert axis.ok and first.ok and third.ok and not first.unsent and not first.link_error
            assert _links(api, "pac_action", "pac_axis") == {fine.crm_id: {ax2.crm_id},
                                                             first.crm_id: {axis.crm_id}, third.crm_id: {axis.crm_id}}

    def test_an_action_removed_from_the_plan_leaves_its_axis(self) -> None:
        """An action no longer in the plan (its record marked pace "removed") is taken off its axis record: by the
        write that retires it, and the full reconciliation does not link it again, though its pac_axis_key still
        names the axis; put back in the plan, it is linked again. Seen failing before the fix (audit hspkg F2): the
        axis record's actions card kept listing it, and every full reconciliation re-linked it."""
        api, (company, *_) = _portal()
        key = f"{PLAN}:A-1"
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            ax1, action = connector.write([_axis("AX-1"), WriteChange(Target.ACTION, key, {
                "name": "Visiter", "axis_key": f"{PLAN}:AX-1", "pace": "on_track"})])
            assert _links(api, "pac_action", "pac_axis") == {action.crm_id: {ax1.crm_id}}
            [retired] = connector.write([WriteChange(Target.ACTION, key, {"pace": "removed"})])
            assert retired.ok and not retired.unsent and not retired.link_error
            assert _links(api, "pac_action", "pac_axis") == {}
            connector.note_axis_targets(PLAN, {"AX-1": [company]})
            list(connector.pull(ObjectKind.ACCOUNTS, None))     # a full read: the links are reconciled
            assert connector.settle_links() == []
            assert _links(api, "pac_action", "pac_axis") == {}
        with SandboxServer([api]) as server:                   # another night: put back in the plan
            connector = sandbox_connector(server)
            connector.remember_written({(Target.ACTION.value, key): SimpleNamespace(crm_id=action.crm_id, fields={
                "name": "Visiter", "axis_key": f"{PLAN}:AX-1", "pace": "removed"})})
            [back] = connector.write([WriteChange(Target.ACTION, key, {"pace": "on_track"})])
            assert back.ok and not back.unsent
            assert _links(api, "pac_action", "pac_axis") == {action.crm_id: {ax1.crm_id}}


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The example plan synced twice into the sandbox (the HubSpot team: Léa Rousseau, Hugo Lambert)."""
    tmp: Path = tmp_path_factory.mktemp("links")
    settings = sandbox_settings(tmp, f"sqlite:///{tmp / 'pac.db'}")

    def sync(server: SandboxServer) -> RunResult:
        return _sync(settings, server)

    with start_sandbox() as server:
        first = sync(server)
        api = server.api("hubspot")
        after_first = {pair: _links(api, *pair) for pair in (("pac_action", "pac_axis"), ("pac_axis", "companies"))}
        api.requests.clear()
        second = sync(server)
        yield {"server": server, "api": api, "first": first, "second": second, "links": after_first,
               "second_requests": list(api.requests)}


class TestWholeSync:
    def test_each_hubspot_action_is_linked_to_its_axis(self, synced: dict[str, Any]) -> None:
        api: HubSpotApi = synced["api"]
        keys = {o.id: o.props["pac_key"] for o in api.table("pac_axis").rows.values()}
        actions = list(api.table("pac_action").rows.values())
        assert actions
        for action in actions:
            [axis] = synced["links"][("pac_action", "pac_axis")][action.id]
            assert keys[axis] == action.props["pac_axis_key"]

    def test_each_axis_is_linked_to_exactly_the_companies_that_name_it(self, synced: dict[str, Any]) -> None:
        """Every company whose pac_axes names an axis is linked to that axis's record, and no other company."""
        api: HubSpotApi = synced["api"]
        record = {o.props["pac_key"].split(":", 1)[1]: o.id for o in api.table("pac_axis").rows.values()}
        named: dict[str, set[str]] = {}
        for company in api.tables["companies"].rows.values():
            for axis in filter(None, (company.props.get("pac_axes") or "").split("; ")):
                named.setdefault(record[axis], set()).add(company.id)
        assert named and synced["links"][("pac_axis", "companies")] == named

    def test_a_no_change_run_touches_no_association(self, synced: dict[str, Any]) -> None:
        paths = [path for method, path, _ in synced["second_requests"] if "/crm/v4/associations" in path
                 and not path.endswith("/batch/read")]
        assert synced["second"].written == 0 and paths == []


class TestSandboxDialect:
    def test_create_needs_the_pairs_type_and_a_definition(self) -> None:
        """Through hubspot-api-client: batch/create with the type /labels gives is accepted (201), with another
        type refused (400); a pair of objects with no association definition is refused (400)."""
        from connectors.hubspot.transport import BadRequest

        api, (company, *_) = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            [axis] = [r.crm_id for r in connector.write([_axis("AX-1")])]
            axis_type = api.schemas["pac_axis"]["objectTypeId"]
            transport = connector.transport
            [spec] = transport.call("t", "association_labels", "get_all", "companies", axis_type).data["results"]
            assert spec["category"] == "USER_DEFINED"
            good = {"associationCategory": "USER_DEFINED", "associationTypeId": spec["typeId"]}
            body = {"inputs": [{"from": {"id": company}, "to": {"id": axis}, "types": [good]}]}
            reply = transport.call("t", "associations", "create", "companies", axis_type, body)
            assert reply.status == 201 and reply.data["results"][0]["toObjectId"] == axis
            wrong = {"inputs": [{"from": {"id": company}, "to": {"id": axis},
                                 "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 342}]}]}
            with pytest.raises(BadRequest, match="associationTypeId/associationCategory must be"):
                transport.call("t", "associations", "create", "companies", axis_type, wrong)
            with pytest.raises(BadRequest, match="No association definition"):
                transport.call("t", "associations", "archive", "calls", axis_type,
                               {"inputs": [{"from": {"id": "1"}, "to": [{"id": axis}]}]})
            archived = transport.call("t", "associations", "archive", "companies", axis_type,
                                      {"inputs": [{"from": {"id": company}, "to": [{"id": axis}]}]})
            assert archived.status == 204 and _links(api, "companies", "pac_axis") == {}


def _sync(settings: Any, server: SandboxServer, **kw: Any) -> RunResult:
    result: RunResult = sandbox_sync(settings, server, **kw)
    return result


def _wanted_links(api: HubSpotApi) -> dict[tuple[str, str], dict[str, set[str]]]:
    """The links HubSpot should hold, from its own records: each PAC action to the axis its ``pac_axis_key`` names,
    each axis to the companies whose ``pac_axes`` name it."""
    record = {o.props["pac_key"]: o.id for o in api.table("pac_axis").rows.values()}
    actions = {a.id: {record[a.props["pac_axis_key"]]} for a in api.table("pac_action").rows.values()}
    by_id = {key.split(":", 1)[1]: axis for key, axis in record.items()}
    companies: dict[str, set[str]] = {}
    for company in api.tables["companies"].rows.values():
        for axis in filter(None, (company.props.get("pac_axes") or "").split("; ")):
            companies.setdefault(by_id[axis], set()).add(company.id)
    return {("pac_action", "pac_axis"): actions, ("pac_axis", "companies"): companies}


def _held_links(api: HubSpotApi) -> dict[tuple[str, str], dict[str, set[str]]]:
    return {pair: _links(api, *pair) for pair in (("pac_action", "pac_axis"), ("pac_axis", "companies"))}


def _pac_calls(api: HubSpotApi) -> tuple[list[str], list[str]]:
    """The associations reads touching a PAC object, and the lists of PAC records (``GET /crm/v3/objects/{type}``),
    among the requests the portal saw, by path."""
    pac = {api.table(name).type_id for name in ("pac_axis", "pac_action")} | {"pac_axis", "pac_action"}
    paths = [(m, p.split("?", 1)[0]) for m, p, _b in api.requests]
    reads = [p for m, p in paths if p.startswith("/crm/v4/associations/") and p.endswith("/batch/read")
             and pac & set(p.split("/"))]
    lists = [p for m, p in paths if m == "GET" and p.startswith("/crm/v3/objects/") and p.rstrip("/")
             .rsplit("/", 1)[-1] in pac]
    return reads, lists


class TestLinkCalls:
    def test_a_first_sync_reads_no_link_of_a_record_it_created_nor_lists_its_records_again(self, tmp_path: Path
                                                                                          ) -> None:
        """The first sync of a fresh portal (a full reconciliation): pac created every PAC record that night and made
        all their links, and its pull listed the PAC records already (none), so the write-back reads no link (a
        company can be linked to no axis record but those pac created and linked that night) and lists no PAC
        record again: no associations read, not four, and no list. A later `--full` night with nothing to write
        reads the links of the records it did not create (the axes' companies, the actions' axes), still without
        listing them. The links are the plan's.
        Seen failing before the fix (audit quota2 F2): the companies' links to axes read though the portal had no axis
        record, the actions' links to their axes read right after they were created, then both kinds read again and
        both objects listed by the full reconciliation."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        with start_sandbox() as server:
            api = server.api("hubspot")
            first = _sync(settings, server)
            assert first.status.got_through and not first.errors, first.errors
            axis_type = api.table("pac_axis").type_id
            assert _pac_calls(api) == ([], [])
            assert _held_links(api) == _wanted_links(api)
            api.requests.clear()
            full = _sync(settings, server, full=True)
            assert full.written == 0 and full.status == RunStatus.OK, full.errors
            action_type = api.table("pac_action").type_id
            assert _pac_calls(api) == ([f"/crm/v4/associations/{axis_type}/companies/batch/read",
                                        f"/crm/v4/associations/{action_type}/{axis_type}/batch/read"], [])
            assert _held_links(api) == _wanted_links(api)


class TestLinkFailures:
    def test_a_link_refused_with_404_does_not_fail_the_night(self, tmp_path: Path) -> None:
        """The associations API answers 404 to the link calls of a first sync (after the PAC records and companies
        were written): the night gets through (partial, not "CRM unreachable"), its writes counted, the links that
        failed reported; the next run links them. It ended "CRM unreachable: NotFound" (exit 4) once, while
        docs/hubspot.md says link failures never stop the night."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        with start_sandbox() as server:
            server.faults.inject("hubspot", "server_error", path="^/crm/v4/associations/.*/batch/create", times=50,
                                 status=404)
            first = _sync(settings, server)
            assert first.status.got_through and first.written > 0, (first.status, first.errors)
            assert first.errors and all("link" in e and "next run" in e for e in first.errors), first.errors
            server.faults.clear()
            _sync(settings, server)
            api = server.api("hubspot")
            assert _held_links(api) == _wanted_links(api)

    def test_links_lost_to_a_5xx_storm_are_made_by_the_next_run(self, tmp_path: Path) -> None:
        """HubSpot answers 502 to every associations batch/create of the first sync, past the retries (audit C F1):
        the run is partial, its errors say which links failed and that the next run makes them; the next run, with
        nothing else to write, makes every one (the demo: 4 actions to their axes, 124 axis-company links). Before,
        the run said nothing (errors []), the actions' axis_key was recorded as written, and no later run, not even
        ``--full``, made the links again (0 and 92 of them)."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        with start_sandbox() as server:
            server.faults.inject("hubspot", "server_error", path="^/crm/v4/associations/.*/batch/create", times=50)
            first = _sync(settings, server)
            server.faults.clear()
            api = server.api("hubspot")
            assert first.status == RunStatus.PARTIAL and first.written > 0
            failed = [e for e in first.errors if e.startswith("hs-west ")]
            assert failed and all("link" in e and "next run" in e for e in failed), first.errors
            assert any("pac_action" in e or "its axis" in e for e in failed), failed
            assert sum(c.get("links_failed", 0) for c in first.counts.values()) > 0, first.counts
            wanted = _wanted_links(api)
            assert wanted[("pac_action", "pac_axis")] and wanted[("pac_axis", "companies")]
            assert _held_links(api) != wanted
            second = _sync(settings, server)
            assert _held_links(api) == wanted, second.errors
            assert not any(e.startswith("hs-west ") for e in second.errors), second.errors
            third = _sync(settings, server)
            assert third.status == RunStatus.OK and third.written == 0 and not third.errors, third.errors

    def test_links_the_same_runs_reconciliation_makes_are_not_reported_nor_sent_again(self, tmp_path: Path) -> None:
        """A passing outage: the first link call of a first sync fails past its retries (6 answers 502), the rest go
        through, and the run's full reconciliation of links, after the writes, makes the missing ones (audit S1).
        The run says nothing of links and records their fields as written: the next run sends nothing. Before, it
        reported the links as failed (partial) though HubSpot held them all, and the next run wrote the withheld
        fields again (46 HubSpot calls instead of 22)."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        with start_sandbox() as server:
            server.faults.inject("hubspot", "server_error", path="^/crm/v4/associations/.*/batch/create", times=6)
            first = _sync(settings, server)
            server.faults.clear()
            api = server.api("hubspot")
            assert _held_links(api) == _wanted_links(api)
            assert not [e for e in first.errors if "link" in e], first.errors
            assert not sum(c.get("links_failed", 0) for c in first.counts.values()), first.counts
            second = _sync(settings, server)
            assert second.written == 0 and not second.errors, (second.written, second.errors)

    def test_actions_of_an_axis_refused_on_a_full_night_are_linked_by_the_next_run(self, tmp_path: Path) -> None:
        """The first sync (a full reconciliation) with one axis's upsert refused (400 VALIDATION_ERROR): its companies
        are written, their links to it reported by name, its actions held back, reported by name (audit quota2 F4:
        written before, unlinked, their links to it reported), and the next run, once the axis is written, writes and
        links its actions and links its companies (audit writefail F1). Seen failing before the fix: night 1 reported
        no link and no later night linked them (only a `pac sync --full` did); with the actions' links fixed alone,
        the axis's companies were still left unlinked (its `pac_axis` -> companies links differed)."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        with start_sandbox() as server:
            api = server.api("hubspot")
            server.faults.inject("hubspot", "invalid_input", path="batch/upsert",
                                 key="pac-2027-durand-process:AX-SO-DORM", times=50)
            first = _sync(settings, server)
            server.faults.clear()
            assert any("held back" in e and "AX-SO-DORM" in e for e in first.errors), first.errors
            assert any("link to the PAC axis" in e and "AX-SO-DORM" in e for e in first.errors), first.errors
            assert not any("link to its axis" in e for e in first.errors), first.errors
            second = _sync(settings, server)
            assert _held_links(api) == _wanted_links(api), second.errors

    def test_full_reconciliation_settles_links_on_a_night_with_nothing_to_write(self, tmp_path: Path) -> None:
        """Links removed or added by hand are put back as the plan says by ``pac sync --full`` even when no HubSpot
        field changed (the write step skipped a connector with no change, so they were never compared); a plain
        night with nothing to write makes no association call."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        with start_sandbox() as server:
            _sync(settings, server)
            api = server.api("hubspot")
            wanted = _wanted_links(api)
            assert _held_links(api) == wanted
            action, [axis] = next(iter(wanted[("pac_action", "pac_axis")].items()))
            api.unassociate("pac_action", action, "pac_axis", axis)
            linked_axis, companies = next(iter(wanted[("pac_axis", "companies")].items()))
            for company in sorted(companies)[:3]:
                api.unassociate("pac_axis", linked_axis, "companies", company)
            stranger = next(c for c in api.tables["companies"].rows if c not in companies)
            api.associate("pac_axis", linked_axis, "companies", stranger)
            api.requests.clear()
            quiet = _sync(settings, server)
            pac = {api.table(name).type_id for name in ("pac_axis", "pac_action")} | {"pac_axis", "pac_action"}
            assert quiet.written == 0 and not [p for _m, p, _b in api.requests if "/crm/v4/associations" in p
                                               and pac & set(p.split("/"))]
            full = _sync(settings, server, full=True)
            assert full.written == 0 and full.status == RunStatus.OK, full.errors
            assert _held_links(api) == wanted
