"""HubSpot quiet nights read no association and no line item of a record the store already holds at the stamp the
search answers (audit quota F4), through ``run_sync``, the real connectors and the sandbox CRM (demo org).

An incremental search returns the overlap window's newest records every night, unchanged: their companies and line
items were read at that very stamp. Reading their links again cost 6 of a quiet night's 23 HubSpot calls. A link
can change with no stamp change, for those records as for every other one: the weekly full read answers that, and
still reads every link."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from sandbox_crm.run import start_sandbox
from sandbox_crm.server import SandboxServer
from tests.fakes import sandbox_settings, sandbox_sync

HS = "hs-west"
# a quiet night's 17 calls: owners (active, archived), the companies' property labels, 5 searches (companies,
# meetings, calls, deals, line items), 5 archived lists (the same and line items), deal pipelines, schemas and the
# 2 PAC objects' searches (the managers' edits)
QUIET = Counter(
    {
        ("GET", "/crm/v3/owners/"): 2,
        ("POST", "/crm/v3/properties/companies/batch/read"): 1,
        ("POST", "/crm/v3/objects/companies/search"): 1,
        ("GET", "/crm/v3/objects/companies"): 1,
        ("POST", "/crm/v3/objects/meetings/search"): 1,
        ("GET", "/crm/v3/objects/meetings"): 1,
        ("POST", "/crm/v3/objects/calls/search"): 1,
        ("GET", "/crm/v3/objects/calls"): 1,
        ("GET", "/crm/v3/pipelines/deals"): 1,
        ("POST", "/crm/v3/objects/deals/search"): 1,
        ("POST", "/crm/v3/objects/line_items/search"): 1,
        ("GET", "/crm/v3/objects/line_items"): 1,
        ("GET", "/crm/v3/objects/deals"): 1,
        ("GET", "/crm-object-schemas/v3/schemas"): 1,
        ("POST", "/crm/v3/objects/2-1001/search"): 1,
        ("POST", "/crm/v3/objects/2-1002/search"): 1,
    }
)


def _stored(url: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The HubSpot connector's stored records: (kind, id) -> (stamp, deleted, account, payload)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT kind, crm_id, modified_at, deleted, account_id, payload FROM pac_record "
                    "WHERE connector = :c"
                ),
                {"c": HS},
            )
            return {
                (k, i): (str(m), bool(d), a, p if isinstance(p, dict) else json.loads(p)) for k, i, m, d, a, p in rows
            }
    finally:
        engine.dispose()


def _hubspot(server: SandboxServer) -> Counter[tuple[str, str]]:
    return Counter((method, path) for api, method, path in server.log if api == "hubspot")


def _newest(api: Any, object_type: str, rank: int = 1) -> str:
    """The id of the ``rank``-th most recently changed record of ``object_type`` (in the overlap window)."""
    rows = sorted(api.table(object_type).rows.values(), key=lambda o: o.modified)
    return str(rows[-rank].id)


def _company_of(api: Any, object_type: str, record: str) -> str:
    return next(iter(api.portal.links[(object_type, "companies")][record]))


def _move(api: Any, object_type: str, record: str, to: str) -> None:
    """``record``'s company association moved to ``to`` (no stamp change: HubSpot's associations leave it)."""
    api.unassociate(object_type, record, "companies", _company_of(api, object_type, record))
    api.associate(object_type, record, "companies", to)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("hs-quiet")
    url = f"sqlite:///{tmp / 'pac.db'}"
    settings = sandbox_settings(tmp, url)
    out: dict[str, Any] = {}
    with start_sandbox() as server:
        api = server.api("hubspot")
        sandbox_sync(settings, server)
        out["after_first"] = _stored(url)
        out["quiet"] = sandbox_sync(settings, server, provision=False, reset_counts=True)
        out["quiet_calls"] = _hubspot(server)
        out["after_quiet"] = _stored(url)
        # then, in the overlap window: a meeting moved to another company with a new stamp (a property edited), a
        # call moved with no stamp change, a deal moved with a new stamp, and a line item of the newest deal edited
        # (a line's edit leaves its deal's stamp as it is)
        companies = sorted(api.table("companies").rows)
        meeting, call, deal, lined = (
            _newest(api, "meetings"),
            _newest(api, "calls"),
            _newest(api, "deals", 2),
            _newest(api, "deals"),
        )
        targets = {}
        for object_type, record in (("meetings", meeting), ("calls", call), ("deals", deal)):
            now = _company_of(api, object_type, record)
            targets[record] = next(c for c in companies if c != now)
            _move(api, object_type, record, targets[record])
        api.update("meetings", meeting, {"hs_meeting_body": "moved to another company"})
        api.update("deals", deal, {"description": "moved to another company"})
        line = next(iter(api.portal.links[("deals", "line_items")][lined]))
        quantity = int(api.table("line_items").rows[line].props["quantity"]) + 3
        api.update("line_items", line, {"quantity": str(quantity)})
        out.update(meeting=meeting, call=call, deal=deal, lined=lined, line=line, quantity=quantity, targets=targets)
        out["changed"] = sandbox_sync(settings, server, provision=False, reset_counts=True)
        out["changed_calls"] = _hubspot(server)
        out["after_changed"] = _stored(url)
        # then a line item deleted from the deal moved above, now the newest deal, stored at its own stamp
        gone = sorted(api.portal.links[("deals", "line_items")][deal])[0]
        api.archive("line_items", gone)
        out["gone"] = gone
        out["deleted"] = sandbox_sync(settings, server, provision=False, reset_counts=True)
        out["after_deleted"] = _stored(url)
        out["full"] = sandbox_sync(settings, server, provision=False, reset_counts=True, full=True)
        out["after_full"] = _stored(url)
    yield out


def test_a_quiet_night_reads_no_link_of_a_record_read_at_its_stamp(nights: dict[str, Any]) -> None:
    """17 HubSpot calls, none of them an association or line item read (seen failing before the fix: 23, with
    meetings/companies, calls/companies, deals/companies, deals/line_items, line_items/batch/read and
    line_items/deals for the overlap window's meeting, call, deal and its lines)."""
    quiet = nights["quiet"]
    assert (quiet.status, quiet.written) == ("ok", 0), quiet.errors
    assert nights["quiet_calls"] == QUIET, sorted((nights["quiet_calls"] - QUIET).items())
    assert quiet.api[HS]["calls"] == 17


def test_a_quiet_night_leaves_every_stored_record_as_it_was(nights: dict[str, Any]) -> None:
    """The records whose links were not read are still pulled, as they were: every stored record, its stamp,
    company, lines and placement, is the first night's."""
    before, after = nights["after_first"], nights["after_quiet"]
    assert len(before) > 1000 and after == before


def test_a_record_moved_with_a_new_stamp_is_read_with_its_new_company(nights: dict[str, Any]) -> None:
    """A meeting and a deal of the overlap window moved to another company, each with a property edited (a new
    stamp): read again, links included, and stored on the new company."""
    after, targets = nights["after_changed"], nights["targets"]
    assert after[("activities", nights["meeting"])][2] == targets[nights["meeting"]]
    assert after[("deals", nights["deal"])][2] == targets[nights["deal"]]
    assert {
        "/crm/v4/associations/meetings/companies/batch/read",
        "/crm/v4/associations/deals/companies/batch/read",
    } <= {p for _, p in nights["changed_calls"]}


def test_a_line_edited_on_an_unchanged_deal_is_read(nights: dict[str, Any]) -> None:
    """The newest deal, unchanged itself, had a line item edited: the deal is read again with its lines, and
    carries the line's stamp."""
    stamp, _deleted, _account, payload = nights["after_changed"][("deals", nights["lined"])]
    lines = {ln["id"]: ln for ln in payload["lines"]}
    assert float(lines[nights["line"]]["quantity"]) == nights["quantity"], lines
    assert stamp > nights["after_quiet"][("deals", nights["lined"])][0]


def test_a_line_deleted_from_an_unchanged_deal_is_read(nights: dict[str, Any]) -> None:
    """The newest deal, unchanged itself and stored at its own stamp, had a line item deleted: the deal is read again
    with the lines it has now, not taken from the store with the deleted line."""
    deal, gone = nights["deal"], nights["gone"]
    before = {ln["id"] for ln in nights["after_changed"][("deals", deal)][3]["lines"]}
    after = {ln["id"] for ln in nights["after_deleted"][("deals", deal)][3]["lines"]}
    assert gone in before and after == before - {gone}, (before, after)


def test_a_link_moved_with_no_stamp_change_is_read_by_the_full_read(nights: dict[str, Any]) -> None:
    """A call of the overlap window moved to another company with no stamp change keeps its stored company on the
    incremental night (as every record whose links change alone: the stamp says nothing changed), and the weekly
    full read, which reads every link, moves it."""
    call, target = nights["call"], nights["targets"][nights["call"]]
    before = nights["after_quiet"][("activities", call)][2]
    assert before != target and nights["after_changed"][("activities", call)][2] == before
    assert nights["after_full"][("activities", call)][2] == target


def test_nothing_else_changed(nights: dict[str, Any]) -> None:
    """Besides the records changed, the changed night and the full read store every meeting, call and deal as the
    quiet night left it (a full read reads every link: the records whose links were not read hold what it reads).
    Companies are left out: the deal moved changes the axes' targets, which pac writes to the companies."""
    changed = {
        ("activities", nights["meeting"]),
        ("activities", nights["call"]),
        ("deals", nights["deal"]),
        ("deals", nights["lined"]),
    }

    def linked(stored: dict[tuple[str, str], tuple[Any, ...]]) -> dict[tuple[str, str], tuple[Any, ...]]:
        return {k: v for k, v in stored.items() if k[0] in ("activities", "deals") and k not in changed}

    quiet = linked(nights["after_quiet"])
    assert len(quiet) > 1000
    assert linked(nights["after_changed"]) == quiet
    assert linked(nights["after_full"]) == quiet
