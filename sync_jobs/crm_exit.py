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
