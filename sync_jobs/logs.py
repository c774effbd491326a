"""Logging set-up: human text or one JSON object per line; secrets are redacted from every line."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from sync_jobs.plaintext import clean

# A secret's value after its key, as a form body, JSON, a dict's repr, YAML or an env dump echo it:
# ``client_secret=…``, ``"access_token": "…"``, ``password: …``, ``PAC_SF_CLIENT_SECRET=…``. The key may end an
# identifier (``PAC_HS_ACCESS_TOKEN``): ``_mask`` reads the whole of it to tell data from prose.
_KEY_VALUE = re.compile(r"(?i)((?P<key>access_token|refresh_token|client_secret|password|session_id|sessionid|token|"
                        r"private_key|security_token)(?P<sep>[\"']?\s*[:=]\s*[\"']?))[^\s'\",&}]+")
# The shapes of the CRMs' own credentials, which no word or name has: hidden in any text, CRM text included.
_CREDENTIAL_SHAPES = [
    # Salesforce session ids / access tokens, wherever they appear: 00D + org id + '!' + token
    re.compile(r"()\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{20,}"),
    # HubSpot private-app and OAuth tokens (pat-na1-..., CJ...-style OAuth tokens are caught by 'bearer')
    re.compile(r"()\bpat-[a-z]{2,4}\d?-[0-9a-f-]{20,}"),
]
# What a message echoing a request or a form shows of a credential: pac's messages and logs only (in CRM text they
# would hide words: « Bearer Solutions GmbH », « Reset password: done », see ``hide_credentials``).
_SECRET_PATTERNS = [
    re.compile(r"(?i)(authorization:\s*bearer\s+)[^\s'\"]+"),
    # a URL's password, whatever its length (a short one is not registered): ``scheme://user:***@host``
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/@:'\"<>]*:)[^\s/@'\"<>]+(?=@)"),
    _KEY_VALUE,
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=!-]{8,}"),
    *_CREDENTIAL_SHAPES,
]
_known_secrets: set[str] = set()
_longest_first: list[str] = []     # a secret that holds another (a URL and its token) is replaced whole first


def register_secret(value: str | None) -> None:
    """Values read from the environment as credentials: never printed, whatever the context."""
    global _longest_first
    if value and len(value) >= 6 and value not in _known_secrets:
        _known_secrets.add(value)
        _longest_first = sorted(_known_secrets, key=len, reverse=True)


def redact(text: str) -> str:
    """A message or log line with every credential hidden: the registered values, and what looks like one
    (``client_secret=…``, ``Authorization: Bearer …``, a Salesforce session id, a HubSpot token)."""
    for secret in _longest_first:
        text = text.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(_mask, text)
    return text


def hide_credentials(text: str) -> str:
    """CRM or plan text as shown to people (reports, review, digests, ``pac explain``): pac's own credentials hidden
    (the registered values, and the unmistakable shapes of a Salesforce session id and a HubSpot token), every other
    word as the CRM has it. ``redact``'s patterns for a message's echo are not applied: they would hide an account's
    name (« Bearer Solutions GmbH ») or a subject's words (« Reset password: done for the client »).
    « decided 7 Dec 2026 (audit secretsaudit) », docs/operations.md (Secrets)."""
    for secret in _longest_first:
        text = text.replace(secret, "***")
    for pattern in _CREDENTIAL_SHAPES:
        text = pattern.sub(_mask, text)
    return text


_PROSE = re.compile(r" [a-z]+ [a-z]")   # ": set them ...": a lower-case word, then the sentence goes on


def _mask(match: re.Match[str]) -> str:
    """``***`` for the secret a pattern found (its group 1 is what leads to it, kept), except for the words after
    an environment variable's NAME in a sentence: ``PAC_SF_CLIENT_SECRET: set it in the environment`` names the
    variable. Only that shape is kept: an upper-case NAME, then ``": "``, then a word of lower-case letters that the
    sentence goes on after, on the same line. ``NAME=value`` (an env dump, a secrets file), ``NAME:value``, a quoted
    value, ``PASSWORD: hunter2`` (YAML) or a value ending its line are data. (Values read from the environment, the
    secrets file or the database URL are hidden whatever surrounds them: ``register_secret``.)"""
    if match.re is _KEY_VALUE:
        text, start = match.string, match.start()
        while start and (text[start - 1].isalnum() or text[start - 1] == "_"):    # the identifier's head: PAC_SF_
            start -= 1
        name, sep = text[start:match.end("key")], match.group("sep")
        if name.isupper() and sep == ":" + " " and _PROSE.match(text, match.end("sep") - 1):
            return match.group(0)
    return match.group(1) + "***"


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def _redacted(value: object) -> object:
    """``value`` with every string in it redacted, before JSON escapes them: a secret holding ``"`` or ``\\`` is no
    longer found once json.dumps wrote it ``\\"`` or ``\\\\``. What JSON cannot hold is written as its text."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): _redacted(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_redacted(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(), "level": record.levelname.lower(),
                "logger": record.name, "event": record.getMessage()}
        data.update(getattr(record, "fields", {}) or {})
        # each value redacted before encoding (the patterns still run on the line, as on a text line)
        return redact(json.dumps(_redacted(data), ensure_ascii=False))


class _TextFormatter(logging.Formatter):
    """Log lines for a terminal: CRM text in them (a postal code, a subject) cannot carry terminal control
    sequences (see ``sync_jobs.textsafe``)."""

    def format(self, record: logging.LogRecord) -> str:
        return clean(super().format(record), lines=True)

    def formatException(self, ei: Any) -> str:
        """A traceback a library logs (APScheduler's ``Job ... raised an exception``) is redacted as the message is:
        ``RedactingFilter`` sees the message only, the traceback is added here."""
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return redact(super().formatStack(stack_info))


class _StderrHandler(logging.StreamHandler):
    """A handler on the process's stderr *as it is when a line is written*, not as it was at start: while rich's
    progress bars are drawn they put a proxy in ``sys.stderr`` that prints each line above the bars, so a log line
    no longer lands in the middle of a bar (audit newcomer3). ``setStream`` still fixes a stream of one's own."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)
        self._own: Any = None

    @property
    def stream(self) -> Any:
        return self._own if self._own is not None else sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        self._own = value


def setup_logging(log_format: str = "text", verbose: int = 0) -> None:
    level = logging.WARNING - 10 * min(verbose, 2) if verbose else logging.INFO
    handler = _StderrHandler()
    handler.addFilter(RedactingFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries' DEBUG lines repeat what they send: a request's URL (a webhook's token path, a Teams ``sig=``), a
    # payload. They stay at WARNING under -vv, whatever the redaction would catch.
    for noisy in ("urllib3", "simple_salesforce", "apscheduler", "sqlalchemy.engine", "alembic", "apprise"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def event(logger: logging.Logger, name: str, *, level: int = logging.INFO, **fields: object) -> None:
    """A structured event: ``sync.batch crm=salesforce object=action records=200`` (at ``level``: info)."""
    text = name + "".join(f" {k}={v}" for k, v in fields.items())
    logger.log(level, text, extra={"fields": fields})
