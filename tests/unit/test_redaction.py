"""The redaction patterns (sync_jobs/logs.py): a secret's value after its key is hidden wherever it is echoed (a
form body, JSON, a dict's repr, an env dump, YAML), but the words after a variable's NAME in a sentence are not."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from sync_jobs.logs import JsonFormatter, RedactingFilter, _TextFormatter, redact, register_secret

HIDDEN = {
    "client_secret=abc123&grant_type=x": "client_secret=***&grant_type=x",         # a token request echoed
    '{"access_token": "00Dxx!AQ-token-value", "x": 1}': '{"access_token": "***", "x": 1}',
    "{'refresh_token': 'r-abc-123'}": "{'refresh_token': '***'}",
    "password: hunter2": "password: ***",                                            # YAML, lowercase key
    "Password=hunter2": "Password=***",
    "PAC_SF_CLIENT_SECRET=abc123": "PAC_SF_CLIENT_SECRET=***",                        # an env dump
    "export PAC_HS_ACCESS_TOKEN=pat-na1-xyz": "export PAC_HS_ACCESS_TOKEN=***",
    'PAC_HS_ACCESS_TOKEN: "quoted-value"': 'PAC_HS_ACCESS_TOKEN: "***"',               # a quoted value is data
    '"PAC_SF_PASSWORD": "pw"': '"PAC_SF_PASSWORD": "***"',
    "session_id=00D0000000000AB!tok": "session_id=***",
    "Authorization: Bearer abcdefgh12345": "Authorization: Bearer ***",
    # (the review: an upper-case NAME's value printed in clear when "NAME: words" was kept as prose)
    "PASSWORD: hunter2": "PASSWORD: ***",                                            # YAML, upper-case key
    "PAC_SF_PASSWORD:hunter2": "PAC_SF_PASSWORD:***",
    "PAC_SF_CLIENT_SECRET: letmein\nPAC_SF_AUTH: password": "PAC_SF_CLIENT_SECRET: ***\nPAC_SF_AUTH: password",
    "check PAC_SF_PASSWORD: Salesforce refused it": "check PAC_SF_PASSWORD: *** refused it",
}


@pytest.mark.parametrize(("text", "shown"), list(HIDDEN.items()))
def test_secret_values_after_their_key_are_hidden(text: str, shown: str) -> None:
    assert redact(text) == shown


@pytest.mark.parametrize("text", [
    "sf-main: PAC_SF_AUTH=client_credentials needs PAC_SF_CLIENT_SECRET: set them in the environment",
    "PAC_HS_ACCESS_TOKEN: not set (set it in the environment)",
])
def test_words_after_a_variable_name_in_a_sentence_are_kept(text: str) -> None:
    """``NAME: words`` names a variable in a sentence: the audit saw "needs PAC_SF_CLIENT_SECRET: *** them in the
    environment". Only ``NAME=value``, or a quoted value, is data."""
    assert redact(text) == text


def test_the_store_password_is_never_printed() -> None:
    """The database URL's password (PAC_DATABASE_URL, not a secret-named variable) is registered when the store is
    opened, so a message that quotes it alone (a driver's error, a traceback) prints *** (it printed it)."""
    from sqlalchemy.exc import OperationalError

    from sync_jobs.logs import redact
    from sync_jobs.store import open_store

    with pytest.raises(OperationalError):   # nothing listens on port 1: refused at once
        open_store("postgresql+psycopg://pac:Zq7-store-pw@127.0.0.1:1/pac")
    assert redact("password authentication failed: Zq7-store-pw") == "password authentication failed: ***"


@pytest.mark.parametrize("secret", ['PWaudit"7\\Zx+Lm/9#Yt', "tab\there-and-more", "plain-secret-4711"])
def test_json_log_fields_are_redacted_before_encoding(secret: str) -> None:
    """A registered secret holding a quote or a backslash, carried in an event's fields under ``--log-format
    json``, was redacted only after json.dumps had escaped it: its escaped form (``PWaudit\\"7\\\\Zx``) survived.
    Seen failing before the fix: ``assert 'PWaudit' not in '{... "status": "error: AuthError: refused
    PWaudit\\"7\\\\Zx+Lm/9#Yt"}'`` (audit secrets, hardening note a)."""
    register_secret(secret)
    record = logging.LogRecord("pac.schedule", logging.WARNING, __file__, 1, "schedule.run", (), None)
    record.fields = {"job": "sync", "status": f"error: AuthError: refused {secret}", "nested": {"why": [secret, 7]}}
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["status"] == "error: AuthError: refused ***" and data["nested"] == {"why": ["***", 7]}
    assert secret[:7] not in line and data["job"] == "sync"


def test_a_logged_traceback_is_redacted_too() -> None:
    """A library that logs an exception with its traceback (APScheduler's ``Job ... raised an exception``, at ERROR,
    which the WARNING floor of ``setup_logging`` lets through) printed the exception's text as it was: the filter
    redacted the message only, the formatter appended the traceback after it (audit secrets2 F2)."""
    register_secret("Tb-secret-4711-xyz")
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(_TextFormatter("%(levelname)s %(name)s %(message)s"))
    try:
        raise RuntimeError("login refused for Tb-secret-4711-xyz")
    except RuntimeError:
        record = logging.LogRecord("apscheduler.executors.default", logging.ERROR, __file__, 1,
                                   'Job "sync" raised an exception', (), sys.exc_info())
    handler.handle(record)
    stream = handler.stream
    assert isinstance(stream, io.StringIO)
    written = stream.getvalue()
    assert "RuntimeError: login refused for ***" in written and "Tb-secret" not in written, written
