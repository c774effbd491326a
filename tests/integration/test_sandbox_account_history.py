"""The sandbox CRM's Salesforce answers ``AccountHistory`` and ``FieldDefinition`` as an org does, so the first night
of ``pac demo`` (a full read of the accounts) reads the accounts' owner and type changes made before it, through the
real connector over HTTP, with no warning.

Before the sandbox had them, every full read there sent two refused queries and logged « AccountHistory could not be
read (INVALID_TYPE sObject type 'AccountHistory' is not supported.) » on the demo's first night; this test failed
then (no change read, one warning)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.base import ObjectKind
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from pac_core.records import AccountChange
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"


@pytest.fixture
def api() -> SalesforceApi:
    return SalesforceApi(build_demo_org(scale=0.3))


@pytest.fixture
def sf(api: SalesforceApi) -> Iterator[SalesforceConnector]:
    with SandboxServer([api]) as server:
        connector = build("sf-main", DEMO, sandbox_env(server))
        yield connector
        connector.close()


def test_a_reassignment_before_the_first_night_is_read(api: SalesforceApi, sf: SalesforceConnector) -> None:
    account = next(r for r in api.org.rows("Account") if r.get("OwnerId"))
    before = account["OwnerId"]
    after = next(u["Id"] for u in api.org.rows("User") if u["Id"] != before and u.get("IsActive"))
    api.edit("Account", account["Id"], OwnerId=after)        # tracked in the demo org, as Account Owner usually is

    changes = [r for r in sf.pull(ObjectKind.ACCOUNTS, None, full=True) if isinstance(r, AccountChange)]

    # the row of ids only (the row of names left), read as the account's owner is: 18-character ids
    assert [(c.account_id, c.field, c.old, c.new) for c in changes] == [(account["Id"], "owner_id", before, after)]
    assert sf.warnings == []


def test_an_untracked_field_is_named(api: SalesforceApi, sf: SalesforceConnector) -> None:
    api.org.tracked["Account"].discard("Type")

    changes = [r for r in sf.pull(ObjectKind.ACCOUNTS, None, full=True) if isinstance(r, AccountChange)]

    assert changes == []
    assert len(sf.warnings) == 1
    assert "Account.Type (account_type) is not history-tracked" in sf.warnings[0]
