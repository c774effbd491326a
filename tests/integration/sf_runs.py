"""Nightly runs of the real Salesforce connector against the sandbox org, through the real pipeline and store: what
the pull-semantics tests (mapping re-reads, per-object watermarks, account merges) share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from pac_config.settings import load_settings
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import pipeline
from tests.fakes import Clock, fake_evaluate, write_settings

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
NO_WAIT = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)


def demo_org_server() -> Iterator[SandboxServer]:
    """A small demo org (scale 0.1) served by the sandbox: the body of each test module's ``server`` fixture."""
    with SandboxServer([SalesforceApi(build_demo_org(scale=0.1))]) as srv:  # type: ignore[arg-type]
        yield srv


class SfRuns:
    """``sync()`` runs the pipeline once with a fresh connector on ``mapping`` (the clock then moves an hour); the
    org's clock is ``crm_now[0]`` (an hour ahead of the real one, so the test's changes are stamped after the seeded
    rows); ``calls`` keeps each run's API calls by endpoint."""

    def __init__(self, tmp_path: Path, database_url: str, server: SandboxServer, mapping: Path = DEMO) -> None:
        self.settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),)),
                                      env={})
        self.server, self.mapping, self.clock = server, mapping, Clock()
        self.api = server.api("salesforce")
        self.crm_now = [datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)]
        self.api.org.now = lambda: self.crm_now[0]
        self.calls: list[dict[str, int]] = []

    def sync(self, prepare: Callable[[SalesforceConnector], Any] | None = None) -> None:
        """One run; ``prepare`` may wrap the connector's parts first (e.g. to act while it reads)."""
        connector = build("sf-main", self.mapping, sandbox_env(self.server), policy=NO_WAIT)
        connector.provision_schema()
        if prepare is not None:
            prepare(connector)
        try:
            result = pipeline.run_sync(None, self.settings, connectors={"sf-main": connector}, clock=self.clock,
                                       evaluator=fake_evaluate)
        finally:
            connector.close()
        assert result.run_id is not None
        self.calls.append(dict(connector.usage().by_endpoint))
        self.clock.advance(hours=1)
