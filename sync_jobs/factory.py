"""Real connectors are built here, when a command runs (never at import), from settings and the environment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from connectors import registry
from connectors.base import Connector
from connectors.retry import RetryPolicy, stop_retrying_when
from pac_config.settings import Settings
from pac_core.errors import InvalidInput, Problem
from sync_jobs.interrupts import terminating
from sync_jobs.logs import register_secret
from sync_jobs.secrets import connector_env

stop_retrying_when(terminating)     # SIGTERM: no call of the built connectors is retried (connectors.retry)


def build_connector(settings: Settings, name: str, env: Mapping[str, str], policy: RetryPolicy | None = None
                    ) -> Connector:
    """One configured connector; its credentials are registered for redaction before any call."""
    cfg = settings.connector(name)
    # its own call timeouts, the run's one retry budget (``replace`` keeps the policy's budget object)
    timed = replace(policy or RetryPolicy(), timeout=(cfg.connect_timeout, cfg.read_timeout))
    connector = registry.build(cfg.crm, name, cfg.mapping, env, prefix=cfg.prefix,
                               max_daily_share=cfg.max_daily_share, policy=timed)
    for secret in connector.secrets():
        register_secret(secret)
    return connector


def build_connectors(settings: Settings, names: Sequence[str], env: Mapping[str, str] | None = None
                     ) -> dict[str, Connector]:
    """Every named connector (env: the process environment plus ``PAC_SECRETS_FILE``), sharing one retry
    policy and so one retry budget: what the run may spend waiting to retry, all connectors together.

    A connector that cannot be built for its configuration (a credential variable not set, a mapping file that does
    not load: ``InvalidInput``) does not stop the others being tried: every connector's problems are raised at once,
    in the order of ``names`` (audit newcomer F10: sf-main's missing credential was named, hs-west's at the next
    try). Nothing is called before."""
    env = connector_env(env)
    policy = RetryPolicy()
    built: dict[str, Connector] = {}
    problems: list[Problem] = []
    try:
        for name in names:
            try:
                built[name] = build_connector(settings, name, env, policy)
            except InvalidInput as exc:
                problems += [p for p in exc.problems if p not in problems]   # a mapping two connectors share
        if problems:
            raise InvalidInput(problems)
    except BaseException:
        for connector in built.values():
            connector.close()
        raise
    return built
