"""The run after a write-back run, with nothing changed in the CRMs, reads one page per object on both CRMs and
does not read again the accounts and companies pac itself wrote (sandbox CRM, real client libraries, shipped plan).

Before pac kept the change stamp of its own account writes (``WriteResult.modified_at``), this run read back every
account and company the first run had written: 392 Salesforce accounts and 93 HubSpot companies (seen failing).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ObjectKind
from sandbox_crm.run import start_sandbox
from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import RunResult, run_sync
from tests.fakes import sandbox_connectors, sandbox_settings


class PullCounts(logging.Handler):
    """Records read per connector and object, from the pipeline's ``sync.pull`` events."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.read: Counter[tuple[str, str]] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and record.getMessage().startswith("sync.pull "):
            self.read[(str(fields.get("connector")), str(fields.get("object")))] += int(fields.get("records", 0))


def _recording(connector: Any, seen: set[tuple[str, str]]) -> None:
    """Note the (connector, id) of every account the connector's pull yields."""
    pull = connector.pull

    def recorded(kind: ObjectKind, since: Any, *, full: bool = False, part: str | None = None) -> Iterator[Any]:
        for item in pull(kind, since, full=full, part=part):
            if kind is ObjectKind.ACCOUNTS:
                seen.add((connector.name, str(getattr(item, "id", ""))))
            yield item

    connector.pull = recorded


def _sync(settings: Any, server: SandboxServer, accounts: set[tuple[str, str]]
          ) -> tuple[RunResult, Counter[tuple[str, str]]]:
    connectors = sandbox_connectors(settings, server, provision=False)
    for connector in connectors.values():
        _recording(connector, accounts)
    counts, logger = PullCounts(), logging.getLogger("pac.sync")
    level = logger.level
    logger.addHandler(counts)
    logger.setLevel(logging.INFO)
    try:
        return run_sync(None, settings, connectors=connectors), counts.read
    finally:
        logger.removeHandler(counts)
        logger.setLevel(level)
        for c in connectors.values():
            c.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("no-change")
    settings = sandbox_settings(tmp, f"sqlite:///{tmp / 'pac.db'}")
    with start_sandbox() as server:
        for c in sandbox_connectors(settings, server).values():     # provisioned once, as by pac crm provision
            c.close()
        first, first_read = _sync(settings, server, set())
        server.reset_counts()
        accounts: set[tuple[str, str]] = set()
        second, second_read = _sync(settings, server, accounts)
        log = list(server.log)
        # then a person changes one account and one company pac wrote: the next run must read both
        written = {name: sorted(str(c.crm_id) for c in changes if c.target.value == "account")
                   for name, changes in first.changes.items()}
        edited = {("sf-main", written["sf-main"][0]), ("hs-west", written["hs-west"][0])}
        server.api("salesforce").edit("Account", written["sf-main"][0], Description="changed by a rep")
        server.api("hubspot").update("companies", written["hs-west"][0], {"description": "changed by a rep"})
        third_accounts: set[tuple[str, str]] = set()
        _sync(settings, server, third_accounts)
        yield {"first": first, "first_read": first_read, "second": second, "second_read": second_read,
               "second_accounts": accounts, "log": log, "edited": edited, "third_accounts": third_accounts}


def test_the_first_run_wrote_accounts_on_both_crms(runs: dict[str, Any]) -> None:
    """The premise: the first run updated accounts in Salesforce and companies in HubSpot."""
    first: RunResult = runs["first"]
    by_connector = {name: sum(1 for c in changes if c.target.value == "account")
                    for name, changes in first.changes.items()}
    assert by_connector["sf-main"] > 0 and by_connector["hs-west"] > 0, by_connector
    assert runs["first_read"][("sf-main", "accounts")] > by_connector["sf-main"]


def test_pacs_own_account_writes_are_not_read_again(runs: dict[str, Any]) -> None:
    """Nothing changed since the first run: none of the accounts and companies it wrote is read back (what is read
    is the overlap window's few records changed by others, the same on every run)."""
    second: RunResult = runs["second"]
    assert (second.status, second.written, second.accounts_written) == ("ok", 0, 0), second.errors
    written = {(name, str(c.crm_id)) for name, changes in runs["first"].changes.items() for c in changes
               if c.target.value == "account"}
    again = runs["second_accounts"] & written
    assert written and again == set(), (len(again), sorted(again)[:5])
    read = runs["second_read"]
    assert read[("sf-main", "accounts")] + read[("hs-west", "accounts")] == len(runs["second_accounts"]), dict(read)


def test_a_change_after_pacs_write_is_read(runs: dict[str, Any]) -> None:
    """An account and a company pac wrote, changed afterwards by a person, are read by the next run (leaving pac's
    own writes out never hides someone else's later change)."""
    assert runs["edited"] <= runs["third_accounts"], (runs["edited"], len(runs["third_accounts"]))


def test_one_page_per_object_on_both_crms(runs: dict[str, Any]) -> None:
    """Every HubSpot search and list endpoint answers once; every Salesforce query fits one page (no query_more)."""
    log: list[tuple[str, str, str]] = runs["log"]
    searches = Counter(path for api, method, path in log if api == "hubspot" and path.endswith("/search"))
    assert searches and max(searches.values()) == 1, searches
    assert "/crm/v3/objects/companies/search" in searches
    queries = [path for api, method, path in log if api == "salesforce" and "/query" in path]
    more = [path for path in queries if not path.rstrip("/").endswith(("/query", "/queryAll"))]
    assert queries and more == [], more
