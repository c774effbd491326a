"""The org itself refuses a call because its daily API allocation is spent (403 ``REQUEST_LIMIT_EXCEEDED``
"TotalRequests Limit exceeded."): the run says so, not that pac stopped at its own share.

The shipped example plan on the sandbox CRM (Salesforce only) through the real client library and pipeline
(``Org`` of ``test_plan_state``)."""

from __future__ import annotations

from pathlib import Path

from sandbox_crm.server import SandboxServer
from sync_jobs.run_status import RunStatus
from tests.integration.test_plan_state import Org


class TestOrgRefusesTheDay:
    def test_the_refusal_is_the_orgs_and_nothing_is_left(self, tmp_path: Path, server: SandboxServer) -> None:
        """The org's allocation is spent by another integration between two of pac's calls (pac's own guard saw
        plenty left): the run stops (exit 5, QUOTA_STOPPED), the error says the org refused the call because its
        daily allocation is spent, by every integration together, without advising to raise ``max_daily_share``
        (it cannot help), and the API figures left today are 0, not the last header's. Seen failing before the fix:
        "stopped before exceeding the configured share ... raise this connector's max_daily_share" and 999,899
        left today."""
        org = Org(tmp_path, server, ("sf-main",))
        server.api("salesforce").set_daily_max(1_000_000, used=100)
        # another integration spends the rest of the day just before pac's first activity read
        server.faults.inject("salesforce", "quota", path="/queryAll", remaining=0)
        result = org.sync()
        assert result.status is RunStatus.QUOTA_STOPPED
        [error] = result.errors
        assert "refused" in error and "TotalRequests" in error, error
        assert "every other integration" in error, error
        assert "max_daily_share" not in error and "configured share" not in error, error
        assert result.api["sf-main"]["remaining"] == 0, result.api["sf-main"]
