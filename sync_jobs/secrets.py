"""Credentials come only from the environment or a secrets file, and are registered for redaction.

``PAC_SECRETS_FILE`` names a file of ``KEY=VALUE`` lines (``#`` comments and blank lines allowed; a leading
``export `` is accepted, the format ``pac sandbox`` writes) that must be readable by its owner only (mode 0600):
anything looser is refused with the ``chmod`` fix. The environment wins over the file, so an operator can
override one value for one run (``pac_config.secretsfile``: the same merge gives the settings ``PAC_DATABASE_URL``).

Registered for redaction: every secret-named value (``SECRET_WORDS``) of the file, and those of the environment
whose name starts with ``PAC_``: not every variable of the process, where ``XDG_SESSION_ID=2`` or a ``*_KEY*``
holding a short word would hide every "2" or that word in every line. Not the settings beside them (``PAC_SF_AUTH``,
``PAC_SF_DOMAIN``, a CA bundle's path). A credential read under any other name (a connector's ``env_prefix`` such as
``ACME_SF_``, a notification's ``password_env``) is registered by what reads it: the connectors register their own
credentials when built (``secrets()``), the notification channels their password and webhook URLs, the store its
URL's password, and a credential a connector obtains while it runs (a refresh, a login) the moment it exists: this
module subscribes ``register_secret`` to ``connectors.base.new_secret``. Every path that builds a connector imports
it (``sync_jobs.factory``, the CLI's ``crm`` commands); ``sync_jobs.logs`` itself stays free of connectors
(``pac --help`` loads it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from connectors.base import on_new_secret
from pac_config.secretsfile import parse_secrets_file, with_secrets_file
from sync_jobs.logs import register_secret

SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "KEY", "SESSION")

on_new_secret(register_secret)    # a token a connector obtains mid-run (a refresh, a login) is hidden from then on


def secret_named(name: str) -> bool:
    """Whether a variable's name says it holds a credential (token, secret, password, key, session)."""
    return any(word in name.upper() for word in SECRET_WORDS)


def read_secrets_file(path: str | Path) -> dict[str, str]:
    """The file's KEY=VALUE pairs (``pac_config.secretsfile``), its secret-named values registered for redaction;
    refuses a file that group or others can read."""
    values = parse_secrets_file(path)
    for key, value in values.items():
        if secret_named(key):
            register_secret(value)
    return values


def connector_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment connectors are built from: the secrets file (if any) overlaid by ``env``.

    Every value whose name says it is a credential (token, secret, password, key, session) is registered so that
    no log line, error or report can print it: all the file's, and those of ``env`` named ``PAC_*``.
    """
    merged = with_secrets_file(os.environ if env is None else env, read_secrets_file)
    for name, value in merged.items():
        if name.startswith("PAC_") and secret_named(name):
            register_secret(value)
    return merged
