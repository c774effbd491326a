"""Last line of defence before a report leaves the machine: no credential, token or connection string.

The report is meant to be e-mailed. Every text that reaches the page goes through ``scrub`` before it
is escaped: values registered as secrets, credential-looking environment values, bearer tokens and
passwords in URLs become ``***``. ``scrub_page`` then checks the finished page for environment values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sync_jobs.logs import redact

_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")
_SENSITIVE_ENV = re.compile(r"(?i)(TOKEN|SECRET|PASSWORD|PASSWD|KEY|SESSION|DATABASE_URL|DSN|CREDENTIAL|_URL)")


_FROZEN: ContextVar[list[str] | None] = ContextVar("pac_report_env_secrets", default=None)


def _env_secrets() -> list[str]:
    frozen = _FROZEN.get()
    if frozen is not None:
        return frozen
    return [v for k, v in os.environ.items() if len(v) >= 8 and _SENSITIVE_ENV.search(k)]


@contextmanager
def one_environment() -> Iterator[None]:
    """Within the block, the environment's credential-looking values are read once, not at every ``scrub``: a
    page scrubs about a thousand strings, and reading ``os.environ`` each time was most of its rendering time."""
    token = _FROZEN.set(_env_secrets())
    try:
        yield
    finally:
        _FROZEN.reset(token)


def scrub(text: str) -> str:
    """A plain text (not yet HTML) with every secret-looking part replaced by ``***``."""
    for value in _env_secrets():
        text = text.replace(value, "***")
    return redact(_URL_USERINFO.sub(r"\1***@", text))


def scrub_page(html: str) -> str:
    """The finished page with any credential-looking environment value removed (exact matches only)."""
    for value in _env_secrets():
        html = html.replace(value, "***")
    return html
