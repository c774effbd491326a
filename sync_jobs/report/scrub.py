"""Last line of defence before a report leaves the machine: no credential, token or connection string.

The report is meant to be e-mailed. Every text that reaches the page goes through ``scrub`` before it
is escaped: values registered as secrets, credential-looking values of the environment and of the secrets file
(``PAC_SECRETS_FILE``), the shapes of a Salesforce session id and a HubSpot token, and passwords in URLs become
``***``. The rest of a CRM or plan text is shown as written: « Bearer Solutions GmbH » or « Reset password: done for
the client » are no credentials (``logs.hide_credentials``); pac's own messages on the page (the run's errors) are
redacted as a log line is (``logs.redact``, the ``message`` filter). ``scrub_page`` then checks the finished page for
the environment's and the secrets file's values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sync_jobs.secrets import credential_values, hide_in_crm_text

_FROZEN: ContextVar[list[str] | None] = ContextVar("pac_report_env_secrets", default=None)


def _env_secrets() -> list[str]:
    frozen = _FROZEN.get()
    return frozen if frozen is not None else credential_values()


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
    return hide_in_crm_text(text, _env_secrets())


def scrub_page(html: str) -> str:
    """The finished page with any credential-looking environment value removed (exact matches only)."""
    for value in _env_secrets():
        html = html.replace(value, "***")
    return html
