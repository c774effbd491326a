"""The exit code of a CRM or lock error, for the command line (``sync_jobs.cli_errors``) and ``pac schedule``'s fires
alike (the table itself is ``sync_jobs.exit_codes``, kept free of the connectors' imports for ``--help``)."""

from __future__ import annotations

from connectors.base import ConnectorError, QuotaExhausted, RequestRefused
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_CRM, EXIT_LOCKED, EXIT_QUOTA
from sync_jobs.lock import LockHeld, LockLost


def crm_exit_code(exc: BaseException) -> int | None:
    """The exit code of a CRM error that reached the top of any command: 5 for the quota guard, 3 for a held
    (or lost) lock, 2 for a request the CRM refused as invalid (``RequestRefused``: it was reached), 4 for every other
    connector error (unreachable, credentials refused, retries given up); None when ``exc`` is none of them. The
    command line's errors and ``pac schedule``'s fires read it."""
    if isinstance(exc, QuotaExhausted):
        return EXIT_QUOTA
    if isinstance(exc, RequestRefused):
        return EXIT_BAD_INPUT
    if isinstance(exc, LockHeld | LockLost):
        return EXIT_LOCKED
    if isinstance(exc, ConnectorError):
        return EXIT_CRM
    return None


def crm_error_words(exc: BaseException, other: str) -> str:
    """The line for a CRM error a command stops on: a request the CRM refused as invalid (``RequestRefused``, a
    HubSpot 400) said as such, with what to do, since it was no connection failure (audit smallwords F1); any other
    error after ``other`` (``CRM error``, ``cannot connect``)."""
    if isinstance(exc, RequestRefused):
        return (f"the CRM refused the request as invalid: {exc} (it was reached and the credentials accepted; the same "
                "request fails again: fix what its message names in the mapping or settings, then run again)")
    return f"{other}: {exc}"
