"""Faults through hubspot-api-client and the sandbox: 429, 5xx, drops, 207, OAuth, quotas, credentials."""

from __future__ import annotations

import pytest

from connectors.base import (
    AuthError,
    ConnectorError,
    CredentialsMissing,
    ObjectKind,
    QuotaExhausted,
    RequestRefused,
    Target,
    TransientError,
    WriteChange,
)
from connectors.hubspot.connector import build
from connectors.retry import RetryPolicy
from pac_core.records import Account
from sandbox_crm.hubspot import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.server import SandboxServer
from sync_jobs import secrets  # noqa: F401  (subscribes the redaction to new credentials, as every command does)
from sync_jobs.crm_exit import crm_exit_code
from sync_jobs.exit_codes import EXIT_CRM
from sync_jobs.logs import redact
from tests.contract.factory_hubspot import SleepLog, sandbox_connector
from tests.receivers import HttpReceiver

OAUTH = {"PAC_HS_ACCESS_TOKEN": "", "PAC_HS_CLIENT_ID": OAUTH_CLIENT_ID, "PAC_HS_CLIENT_SECRET": OAUTH_CLIENT_SECRET,
         "PAC_HS_REFRESH_TOKEN": OAUTH_REFRESH_TOKEN}


@pytest.fixture
def portal():
    api = HubSpotApi(None)
    owner = api.add_owner("lea.rousseau@durand-process.example", "Léa", "Rousseau")
    for i in range(5):
        api.add("companies", {"name": f"Company {i}", "zip": "31000", "hubspot_owner_id": owner})
    with SandboxServer([api]) as server:
        yield api, server


def _accounts(connector):
    return [r for r in connector.pull(ObjectKind.ACCOUNTS, None) if isinstance(r, Account)]


def _changes(n):
    return [WriteChange(Target.ACTION, f"pac:A-{i:02d}", {"name": f"Action {i}", "target": 5, "done": i % 5,
                                                          "owner_email": "lea.rousseau@durand-process.example"})
            for i in range(n)]


class TestRetries:
    def test_rate_limit_then_success_honours_retry_after(self, portal):
        """A 429 with Retry-After 2.5 is waited out (injected sleep) and the pull succeeds."""
        _api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "rate_limit", path="/search", retry_after=2.5)
        assert len(_accounts(connector)) == 5
        assert sleep.delays == [2.5]

    def test_server_error_and_dropped_connection_are_retried(self, portal):
        """A 502 and a dropped connection are each retried with backoff."""
        _, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="/search")
        server.faults.inject("hubspot", "drop", path="/search")
        assert len(_accounts(connector)) == 5
        assert len(sleep.delays) == 2

    def test_post_batch_is_retried_after_a_drop(self, portal):
        """A dropped batch upsert (a POST, which urllib3 would not retry) is retried: one record each."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        server.faults.inject("hubspot", "drop", path="batch/upsert")
        results = connector.write(_changes(3))
        assert len(results) == 3 and all(r.ok for r in results)
        assert len(api.table("pac_action").rows) == 3


LOCKED = {"status": 423, "message": "Locked", "category": "LOCKED"}


class TestLocksAndMigration:
    """HubSpot's error handling page (https://developers.hubspot.com/docs/api-reference/error-handling): "423 Locked |
    Returned when attempting to sync a large volume of data (e.g., upserting thousands of company records in a very
    short period of time). Locks will last for 2 seconds, so if you receive a 423 error, you should include a delay of
    at least 2 seconds between your API requests"; "477 Migration in Progress | ... HubSpot will return a Retry-After
    response header indicating how many seconds to wait before retrying the request (typically up to 24 hours)".
    Neither is a request refused as invalid (audit hslimits F2): before, both stopped the run with exit 2 "the CRM
    refused a request", and a 423 on a batch write refused its 100 records, none retried."""

    def test_a_locked_search_waits_two_seconds_and_goes_on(self, portal):
        _, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="/search", **LOCKED)
        assert len(_accounts(connector)) == 5
        assert sleep.delays == [2.0]

    def test_a_locked_batch_write_is_sent_again_after_the_lock(self, portal):
        api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        connector.provision_schema()
        server.faults.inject("hubspot", "server_error", path="batch/upsert", **LOCKED)
        results = connector.write(_changes(3))
        assert [r.ok for r in results] == [True, True, True], [r.error for r in results]
        assert len(api.table("pac_action").rows) == 3
        assert sleep.delays == [2.0]

    def test_a_lock_asking_longer_is_waited_as_asked(self, portal):
        _, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="/search", retry_after=5, **LOCKED)
        assert len(_accounts(connector)) == 5
        assert sleep.delays == [5.0]

    def test_a_short_migration_is_waited_out(self, portal):
        _, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="/search", status=477, message="Migration in Progress",
                             category="MIGRATION_IN_PROGRESS", retry_after=30)
        assert len(_accounts(connector)) == 5
        assert sleep.delays == [30.0]

    def test_a_long_migration_stops_the_run_as_an_outage_at_once(self, portal):
        """A Retry-After of hours: no wait and no retry within the run (each would only be refused again), an
        outage (exit 4) whose message says when to run again, never a refused request (exit 2)."""
        _, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="/search", status=477, message="Migration in Progress",
                             category="MIGRATION_IN_PROGRESS", retry_after=7200)
        with pytest.raises(ConnectorError) as info:
            _accounts(connector)
        assert not isinstance(info.value, RequestRefused)
        assert crm_exit_code(info.value) == EXIT_CRM
        assert sleep.delays == []
        assert connector.usage().by_endpoint["search.companies"] == 1
        message = str(info.value)
        assert "477" in message and "migrat" in message.lower() and "7200 s" in message and "2 h" in message


class TestPartialBatch:
    def test_one_locked_record_fails_alone_and_is_retryable(self, portal):
        """A 207 naming one record fails that record (retryable); the other 149 are written."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        server.faults.inject("hubspot", "lock_row", path="batch/upsert", key="pac:A-42")
        results = connector.write(_changes(150))
        failed = [r for r in results if not r.ok]
        assert [(r.key, r.retryable) for r in failed] == [("pac:A-42", True)]
        assert len(api.table("pac_action").rows) == 149
        assert connector.write([c for c in _changes(150) if c.key == "pac:A-42"])[0].ok
        assert connector.usage().by_endpoint[f"batch_upsert.{api.table('pac_action').type_id}"] == 3

    @pytest.mark.parametrize("context", ["none", "object_id"])
    def test_a_record_missing_from_the_results_is_not_written(self, portal, context):
        """A record of a 207 that is neither in ``results`` nor named by its ``pac_key`` in an error (the error's
        context has no ``ids``, or names the HubSpot object id) is a retryable failure carrying the batch's error,
        never "written". Seen failing before: it was reported ok, so saved as last written and never sent again."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        assert all(r.ok for r in connector.write(_changes(3)))        # the records exist: they have object ids
        server.faults.inject("hubspot", "lock_row", path="batch/upsert", key="pac:A-01", context=context)
        changed = [WriteChange(c.target, c.key, {**c.fields, "done": 4}) for c in _changes(3)]
        results = connector.write(changed)
        assert [(r.key, r.ok, r.retryable) for r in results] == [
            ("pac:A-00", True, False), ("pac:A-01", False, True), ("pac:A-02", True, False)]
        assert "not confirmed by HubSpot" in results[1].error and "another process" in results[1].error
        rows = {row.props["pac_key"]: row.props["pac_done"] for row in api.table("pac_action").rows.values()}
        assert rows == {"pac:A-00": "4", "pac:A-01": "1", "pac:A-02": "4"}

    def test_a_company_missing_from_the_results_is_not_written(self, portal):
        """The same for a batch update of companies by id: an error without ``ids`` leaves its company unconfirmed."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        first, second = sorted(api.table("companies").rows)[:2]
        server.faults.inject("hubspot", "lock_row", path="companies/batch/update", key=first, context="none")
        results = connector.write([WriteChange(Target.ACCOUNT, f"hs:{i}", {"axes": None}, i) for i in (first, second)])
        assert [(r.ok, r.retryable) for r in results] == [(False, True), (True, False)]
        assert "not confirmed by HubSpot" in results[0].error


class TestWholeBatchRefusals:
    def test_one_invalid_input_is_isolated_and_the_others_are_written(self, portal):
        """A batch upsert holding one invalid value is refused whole (400 VALIDATION_ERROR, no multi-status for an
        upsert): the batch is split until that input is alone, so the 7 others are written and the invalid one is
        refused by its key with HubSpot's message, in 6 more calls (2 x log2 8), sent again next run. Seen failing
        before the fix (audit writefail F2): all 8 refused with the same message, none written, every night."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        changes = [WriteChange(Target.AXIS, f"pac:AX-{i}", {"name": f"Axis {i}", "pace": "on_track"})
                   for i in range(8)]
        server.faults.inject("hubspot", "invalid_input", path="batch/upsert", key="pac:AX-5", times=20)
        results = connector.write(changes)
        assert [r.key for r in results if not r.ok] == ["pac:AX-5"]
        [bad] = [r for r in results if not r.ok]
        assert "VALIDATION_ERROR" in bad.error and "pac_pace" in bad.error and not bad.retryable
        assert sorted(row.props["pac_key"] for row in api.table("pac_axis").rows.values()) == [
            f"pac:AX-{i}" for i in range(8) if i != 5]
        assert connector.usage().by_endpoint[f"batch_upsert.{api.table('pac_axis').type_id}"] == 1 + 6

    def test_a_conflict_fails_the_batch_records_retryable_and_the_write_goes_on(self, portal):
        """A 409 CONFLICT on a batch upsert fails its records with HubSpot's message, retryable, and the rest of the
        write goes on (the companies update is sent). Seen failing before the fix (audit writefail F5): ``Conflict``
        escaped the write and stopped the run as "CRM unreachable", exit 4."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        company = sorted(api.table("companies").rows)[0]
        server.faults.inject("hubspot", "conflict", path="batch/upsert", message="Conflict: pac:A-01 is being saved")
        results = connector.write([*_changes(2), WriteChange(Target.ACCOUNT, f"hs:{company}", {"axes": None},
                                                             company)])
        assert [(r.key, r.ok, r.retryable) for r in results] == [
            ("pac:A-00", False, True), ("pac:A-01", False, True), (f"hs:{company}", True, False)]
        assert "409" in results[0].error and "pac:A-01 is being saved" in results[0].error


class TestStopDuringTheWrites:
    def test_the_daily_limit_on_the_companies_update_carries_what_was_accepted(self, portal):
        """A 429 DAILY on the companies update, after the axes' and actions' upserts went through: the stop carries
        their results (``partial``), an action's ``axis_key`` left unsent (its link was not made), and None for the
        company, never sent. Seen failing before the fix (audit writefail F4): the stop carried nothing, so the
        accepted records were neither counted nor checkpointed, and sent again next night."""
        api, server = portal
        connector = sandbox_connector(server)
        connector.provision_schema()
        company = sorted(api.table("companies").rows)[0]
        changes = [WriteChange(Target.AXIS, "pac:AX-1", {"name": "Axis 1"}),
                   WriteChange(Target.ACTION, "pac:A-01", {"name": "Action 1", "axis_key": "pac:AX-1"}),
                   WriteChange(Target.ACCOUNT, f"hs:{company}", {"axes": "AX-1"}, company)]
        server.faults.inject("hubspot", "quota", path="companies/batch/update")
        with pytest.raises(QuotaExhausted) as info:
            connector.write(changes)
        axis, action, account = info.value.partial
        assert (axis.ok, axis.unsent, action.ok, action.unsent, account) == (
            True, frozenset(), True, frozenset({"axis_key"}), None)


class TestOAuth:
    def test_refresh_on_start_and_after_expiry(self, portal):
        """OAuth: a token is fetched first, and a 401 mid-run refreshes it once and goes on."""
        _api, server = portal
        connector = sandbox_connector(server, env=OAUTH)
        assert len(_accounts(connector)) == 5
        server.faults.inject("hubspot", "expire_session", path="/search")
        assert len(_accounts(connector)) == 5
        assert connector.usage().by_endpoint["oauth.token"] == 2
        assert OAUTH_REFRESH_TOKEN in connector.secrets() and OAUTH_CLIENT_SECRET in connector.secrets()

    def test_a_refreshed_token_is_hidden_the_moment_it_is_obtained(self, portal):
        """The access token a refresh gets mid-pull is registered for redaction at once, not when the pull ends: a
        CRM or proxy error repeating it bare during the pull printed it (security audit F1). Seen failing before the
        fix: the token was printed as it is until ``steps.pull`` asked ``secrets()`` after the connector's pull."""
        api, server = portal
        connector = sandbox_connector(server, env=OAUTH)
        pages = iter(connector.pull(ObjectKind.ACCOUNTS, None))
        next(pages)                                         # the pull has started: a token was fetched for it
        issued = sorted(api.tokens)
        assert len(issued) == 1 and issued[0] in connector.secrets()
        assert redact(f"HTTP 502 (rejected credential {issued[0]})") == "HTTP 502 (rejected credential ***)"

    def test_private_token_refused_is_an_auth_error(self, portal):
        """A private app token answered 401 cannot be refreshed: AuthError naming the variable."""
        _, server = portal
        connector = sandbox_connector(server)
        server.faults.inject("hubspot", "expire_session", path="/search")
        with pytest.raises(AuthError, match="PAC_HS_ACCESS_TOKEN"):
            _accounts(connector)

    def test_bad_client_secret(self, portal):
        """A refused refresh names the variables to check, never their values."""
        _, server = portal
        connector = sandbox_connector(server, env=OAUTH | {"PAC_HS_CLIENT_SECRET": "wrong-secret-value"})
        with pytest.raises(AuthError) as info:
            _accounts(connector)
        assert "PAC_HS_CLIENT_SECRET" in str(info.value) and "wrong-secret-value" not in str(info.value)


class TestOAuthServerErrors:
    """A 5xx or 429 from the OAuth token endpoint is HubSpot's trouble, not the credentials': retried within the
    run's budget (HubSpot, Error handling: 5xx and 429 are to be retried), only a 4xx names the variables (security
    audit `secrets` F4)."""

    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_a_server_error_at_the_first_refresh_is_retried(self, portal, status):
        """Seen failing before the fix: ``AuthError: HubSpot refused the OAuth refresh (HTTP 500): check
        PAC_HS_CLIENT_ID...`` raised by the pull, no retry."""
        _api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, env=OAUTH, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="^/oauth/v1/token$", status=status)
        assert len(_accounts(connector)) == 5
        assert len(sleep.delays) == 1 and connector.usage().by_endpoint["oauth.token"] == 1

    def test_a_server_error_at_the_refresh_after_a_401_is_retried(self, portal):
        """The refresh a mid-run 401 triggers runs outside the call's retry: it is retried on its own. Seen failing
        before the fix: ``AuthError: HubSpot refused the OAuth refresh (HTTP 502)``."""
        _api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, env=OAUTH, sleep=sleep)
        assert len(_accounts(connector)) == 5
        server.faults.inject("hubspot", "expire_session", path="/search")
        server.faults.inject("hubspot", "server_error", path="^/oauth/v1/token$", times=2)
        assert len(_accounts(connector)) == 5
        assert len(sleep.delays) == 2 and connector.usage().by_endpoint["oauth.token"] == 2

    def test_a_rate_limit_at_the_token_endpoint_waits_retry_after(self, portal):
        """Seen failing before the fix: ``AuthError: HubSpot refused the OAuth refresh (HTTP 429)``."""
        _api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, env=OAUTH, sleep=sleep)
        server.faults.inject("hubspot", "rate_limit", path="^/oauth/v1/token$", retry_after=3.5)
        assert len(_accounts(connector)) == 5
        assert sleep.delays == [3.5]

    def test_a_locked_token_endpoint_waits_the_lock_out(self, portal):
        """423 Locked is no refusal of the credentials (HubSpot, Error handling: wait at least 2 s): the refresh is
        retried after the lock, as every other call is. Seen failing before the fix: ``AuthError: HubSpot refused the
        OAuth refresh (HTTP 423): check PAC_HS_CLIENT_ID...``."""
        _api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, env=OAUTH, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="^/oauth/v1/token$", **LOCKED)
        assert len(_accounts(connector)) == 5
        assert sleep.delays == [2.0]

    def test_a_long_migration_at_the_token_endpoint_is_an_outage_not_credentials(self, portal):
        """477 Migration in Progress with a Retry-After of hours: the run stops as for an outage (exit 4) and says
        when to come back, never to check the credentials. Seen failing before the fix: ``AuthError`` (exit 3)."""
        _api, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, env=OAUTH, sleep=sleep)
        server.faults.inject("hubspot", "server_error", path="^/oauth/v1/token$", status=477,
                             message="Migration in Progress", category="MIGRATION_IN_PROGRESS", retry_after=7200)
        with pytest.raises(ConnectorError) as info:
            _accounts(connector)
        assert not isinstance(info.value, AuthError)
        assert crm_exit_code(info.value) == EXIT_CRM
        assert "PAC_HS_CLIENT" not in str(info.value) and "477" in str(info.value)

    def test_server_errors_past_the_attempts_never_say_credentials(self, portal):
        """When the attempts are spent, the error says the endpoint failed (TransientError: CRM unreachable), never
        to check the credentials, which are fine."""
        _api, server = portal
        connector = sandbox_connector(server, env=OAUTH, max_attempts=3)
        server.faults.inject("hubspot", "server_error", path="^/oauth/v1/token$", times=3, status=500)
        with pytest.raises(TransientError) as info:
            _accounts(connector)
        assert "500" in str(info.value) and "PAC_HS_CLIENT" not in str(info.value)


class TestCredentials:
    def test_missing_variables_are_named(self):
        """No token and a partial OAuth set: the missing variables are named (configuration, exit 2: the portal
        refused nothing)."""
        with pytest.raises(CredentialsMissing, match="PAC_HS_REFRESH_TOKEN"):
            build("hs", None, {"PAC_HS_CLIENT_ID": "x", "PAC_HS_CLIENT_SECRET": "secret-y"})
        with pytest.raises(CredentialsMissing, match="PAC_HS_ACCESS_TOKEN"):
            build("hs", None, {})

    @pytest.mark.parametrize("env", [{"PAC_HS_ACCESS_TOKEN": "pat-plain-http-token"}, OAUTH])
    def test_a_plain_http_host_is_refused_before_any_call(self, env):
        """``PAC_HS_HOST=http://…`` would send the token (or the client secret and refresh token) in clear: refused
        at build time, naming the variable and the fix, never its value (security audit F3). Seen failing before
        the fix: the connector was built, and its first call sent ``Authorization: Bearer <token>`` over HTTP."""
        with HttpReceiver() as plain:
            host = f"http://127.0.0.1:{plain.port}"
            with pytest.raises(CredentialsMissing) as info:
                build("hs", None, env | {"PAC_HS_HOST": host})
            assert plain.requests == []
        problem = str(info.value)
        assert "PAC_HS_HOST" in problem and "https://" in problem and str(plain.port) not in problem

    def test_custom_prefix(self, portal):
        """Another prefix reads another portal's variables."""
        _, _server = portal
        with pytest.raises(CredentialsMissing, match="PAC_HS2_ACCESS_TOKEN"):
            build("hs2", None, {"PAC_HS_ACCESS_TOKEN": "x"}, prefix="PAC_HS2_")


    @pytest.mark.parametrize("oauth", [False, True])
    def test_a_refused_credential_names_the_connectors_own_variables(self, portal, oauth):
        """A connector reading another prefix (``env_prefix: ACME_HS_``, a second portal) whose token or refresh the
        portal refuses names ITS variables, as its missing ones are named: the operator fixes the right one (audit
        secrets2 F2). Seen failing before the fix: "check PAC_HS_ACCESS_TOKEN" / "check PAC_HS_CLIENT_ID,
        PAC_HS_CLIENT_SECRET and PAC_HS_REFRESH_TOKEN", the other connector's variables."""
        _, server = portal
        base = {k.replace("PAC_HS_", "ACME_HS_"): v for k, v in sandbox_env(server).items() if k.startswith("PAC_HS_")}
        if oauth:
            base |= {k.replace("PAC_HS_", "ACME_HS_"): v for k, v in OAUTH.items()}
            base["ACME_HS_CLIENT_SECRET"] = "wrong-secret-value"
        connector = build("hs-acme", None, base, prefix="ACME_HS_",
                          policy=RetryPolicy(max_attempts=2, sleep=SleepLog(), jitter=lambda: 0.0))
        if not oauth:
            server.faults.inject("hubspot", "expire_session", path="/search")
        with pytest.raises(AuthError) as info:
            _accounts(connector)
        words = str(info.value)
        assert "PAC_HS_" not in words, words
        assert ("ACME_HS_CLIENT_SECRET" if oauth else "ACME_HS_ACCESS_TOKEN") in words, words


class TestQuota:
    def test_daily_limit_reached_stops(self, portal):
        """A 429 on the daily policy stops the run with QuotaExhausted (never retried), the portal's refusal, not
        pac's own stop at its share (audit sfemu F4)."""
        _, server = portal
        sleep = SleepLog()
        connector = sandbox_connector(server, sleep=sleep)
        server.faults.inject("hubspot", "quota", path="/search")
        with pytest.raises(QuotaExhausted) as info:
            _accounts(connector)
        assert sleep.delays == []
        assert info.value.refused_by_crm and "HubSpot refused the call" in str(info.value)

    def test_stops_before_the_configured_share(self):
        """With a daily limit of 40 and a 25 % share, the run stops after 10 calls of the day."""
        api = HubSpotApi(None, daily_limit=40)
        for i in range(30):
            api.add("companies", {"name": f"C{i}"})
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server, max_daily_share=0.25)
            with pytest.raises(QuotaExhausted):
                for _ in range(50):
                    list(connector.pull(ObjectKind.DEALS, None))
            assert api.daily_used <= 10
