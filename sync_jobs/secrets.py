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
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path

from connectors.base import on_new_secret
from pac_config.secretsfile import parse_secrets_file, with_secrets_file
from pac_core.errors import InvalidInput
from sync_jobs.logs import hide_credentials, register_secret

SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "KEY", "SESSION")
# the names whose values a CRM or plan text shown to people never shows (``credential_values``)
_SHOWN_NEVER = re.compile(r"(?i)(TOKEN|SECRET|PASSWORD|PASSWD|KEY|SESSION|DATABASE_URL|DSN|CREDENTIAL|_URL)")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")

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


def credential_values(env: Mapping[str, str] | None = None) -> list[str]:
    """The credential-looking values (8 characters or more, under a name with TOKEN, SECRET, PASSWORD, KEY, SESSION,
    DATABASE_URL, DSN, CREDENTIAL or _URL) of the environment and of the secrets file, the longest first. A command
    that builds no connector (``pac report``, ``pac status``, ``pac explain``, ``pac review``) has registered none of
    the file's credentials: before 7 Dec 2026 a token kept in the file only and pasted in a CRM record was printed by
    them (audit secretsaudit). A secrets file pac refuses gives nothing here (loading the settings said why)."""
    values = dict(os.environ if env is None else env)
    file = values.get("PAC_SECRETS_FILE", "").strip()
    if file:
        with suppress(InvalidInput):
            values = {**parse_secrets_file(file), **values}
    return sorted({v for k, v in values.items() if len(v) >= 8 and _SHOWN_NEVER.search(k)}, key=len, reverse=True)


def hide_in_crm_text(text: str, values: Sequence[str] | None = None) -> str:
    """A CRM or plan text as pac shows it (reports, review, digests, ``pac explain``, the examples of ``pac sync`` and
    ``pac status``): pac's own credentials hidden (``values``: ``credential_values()`` when not given; the registered
    ones, a Salesforce session id's or HubSpot token's shape, a URL's password: ``logs.hide_credentials``), every
    other word as written. « decided 7 Dec 2026 (audit secretsaudit) », docs/operations.md (Secrets)."""
    for value in credential_values() if values is None else values:
        text = text.replace(value, "***")
    return hide_credentials(_URL_USERINFO.sub(r"\1***@", text))
