"""Credentials come only from the environment or a secrets file, and are registered for redaction.

``PAC_SECRETS_FILE`` names a file of ``KEY=VALUE`` lines (``#`` comments and blank lines allowed; a leading
``export `` is accepted, the format ``pac sandbox`` writes) that must be readable by its owner only (mode 0600):
anything looser is refused with the ``chmod`` fix. The environment wins over the file, so an operator can
override one value for one run. In both, the values of secret-named variables (``SECRET_WORDS``) are
registered for redaction, not the settings beside them (``PAC_SF_AUTH``, ``PAC_SF_DOMAIN``, a CA bundle's
path); the connectors register their own credentials when built (``secrets()``), and a credential a connector
obtains while it runs (a refresh, a login) the moment it exists: this module subscribes ``register_secret`` to
``connectors.base.new_secret``. Every path that builds a connector imports it (``sync_jobs.factory``, the CLI's
``crm`` commands); ``sync_jobs.logs`` itself stays free of connectors (``pac --help`` loads it).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from connectors.base import on_new_secret
from pac_core.errors import InvalidInput, Problem
from sync_jobs.logs import register_secret

SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "KEY", "SESSION")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXPORT = re.compile(r"^export\s+")

on_new_secret(register_secret)    # a token a connector obtains mid-run (a refresh, a login) is hidden from then on


def secret_named(name: str) -> bool:
    """Whether a variable's name says it holds a credential (token, secret, password, key, session)."""
    return any(word in name.upper() for word in SECRET_WORDS)


def read_secrets_file(path: str | Path) -> dict[str, str]:
    """The file's KEY=VALUE pairs; refuses a file that group or others can read."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InvalidInput(Problem("PAC_SECRETS_FILE", f"secrets file {path} not found", "check the path")) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(Problem("PAC_SECRETS_FILE", f"secrets file {path} is readable by others "
                                   f"(mode {stat.S_IMODE(mode):04o})", f"run: chmod 600 {path}"))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise InvalidInput(Problem("", "the secrets file is not UTF-8 text",
                                   "save it as UTF-8 (KEY=VALUE lines); on Linux: iconv -f latin1 -t utf-8",
                                   file=str(path), line=bad_line)) from None
    except OSError as exc:
        raise InvalidInput(Problem("PAC_SECRETS_FILE", f"cannot read secrets file {path}: {exc.strerror}",
                                   "check the path and its permissions")) from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(Problem("", "expected KEY=VALUE", "one secret per line, e.g. PAC_HS_ACCESS_TOKEN=...",
                                       file=str(path), line=number))
        key = _EXPORT.sub("", key.strip(), count=1)   # `export NAME=value`: the file `pac sandbox` writes
        if not _NAME.fullmatch(key):     # never echoed: it may be a pasted secret (a base64 token ends with '=')
            raise InvalidInput(Problem("", "the text before '=' is not a variable name (letters, digits and _, "
                                           "not starting with a digit)",
                                       "write NAME=VALUE, e.g. PAC_HS_ACCESS_TOKEN=...; `export NAME=VALUE` is "
                                       "accepted too", file=str(path), line=number))
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
        if secret_named(key):
            register_secret(value)
    return values


def connector_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment connectors are built from: the secrets file (if any) overlaid by ``env``.

    Every value whose name says it is a credential (token, secret, password, key, session) is
    registered so that no log line, error or report can print it.
    """
    env = dict(os.environ if env is None else env)
    merged: dict[str, str] = {}
    if env.get("PAC_SECRETS_FILE"):
        merged.update(read_secrets_file(env["PAC_SECRETS_FILE"]))
    merged.update(env)
    for name, value in merged.items():
        if name.startswith("PAC_") and secret_named(name):
            register_secret(value)
    return merged
