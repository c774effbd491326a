"""Real connectors are built here, when a command runs (never at import), from settings and the environment."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence

from connectors.base import Connector
from pac_config.settings import Settings
from sync_jobs.logs import register_secret
from sync_jobs.secrets import connector_env

_MODULES = {"salesforce": "connectors.salesforce.connector", "hubspot": "connectors.hubspot.connector"}


def build_connector(settings: Settings, name: str, env: Mapping[str, str]) -> Connector:
    """One configured connector; its credentials are registered for redaction before any call."""
    cfg = settings.connector(name)
    module = importlib.import_module(_MODULES[cfg.crm])
    connector = module.build(name, cfg.mapping, env, prefix=cfg.prefix, max_daily_share=cfg.max_daily_share)
    for secret in getattr(connector, "secrets", lambda: [])():
        register_secret(secret)
    return connector


def build_connectors(settings: Settings, names: Sequence[str], env: Mapping[str, str] | None = None
                     ) -> dict[str, Connector]:
    """Every named connector (env: the process environment plus ``PAC_SECRETS_FILE``)."""
    env = connector_env(env)
    built: dict[str, Connector] = {}
    try:
        for name in names:
            built[name] = build_connector(settings, name, env)
    except BaseException:
        for connector in built.values():
            connector.close()
        raise
    return built
