"""What ``pac`` says and exits with when an error reaches the top of any command (``sync_jobs.cli.run``).

Loaded by ``sync_jobs.cli`` only once an error got there (it imports the connectors' errors and SQLAlchemy's, which
``pac --help`` never needs).
"""

from __future__ import annotations

import logging
import re
import traceback

from sqlalchemy.exc import SQLAlchemyError

from pac_core.errors import InvalidInput
from sync_jobs import textsafe
from sync_jobs.atomic_file import FileNotWritten
from sync_jobs.crm_exit import crm_exit_code
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_INTERNAL
from sync_jobs.logs import redact

# a store refused a write for want of space: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100: "could not extend
# file ...: No space left on device"), a file size quota
_DISK_FULL = re.compile(r"database or disk is full|No space left on device|File too large|DiskFull", re.IGNORECASE)


def exit_code_of(exc: BaseException, *, log_format: str = "text", verbose: int = 0) -> int:
    """Print what went wrong (one line on stderr) and return the exit code: 2 for bad input (a request the CRM refused
    as invalid too), 5 for the quota guard, 3 for a held lock, 4 for every other connector error, 6 for anything else
    (``report_internal_error``)."""
    if isinstance(exc, InvalidInput):
        textsafe.echo(exc, err=True)
        return EXIT_BAD_INPUT
    code = crm_exit_code(exc)
    if code is None:   # anything else: exit 6, never a bare traceback that cron reads as exit 1
        report_internal_error(exc, log_format=log_format, verbose=verbose)
        return EXIT_INTERNAL
    textsafe.echo(redact(f"pac: {exc} (exit {code})"), err=True)
    return code


def report_internal_error(exc: BaseException, *, log_format: str = "text", verbose: int = 0) -> str:
    """One redacted line on stderr (a JSON event ``internal_error`` under ``--log-format json``), the traceback
    only with ``-v``; returns the line. Database errors name the store and how to check it."""
    first = next((line.strip() for line in str(getattr(exc, "orig", None) or exc).splitlines() if line.strip()), "")
    if isinstance(exc, SQLAlchemyError) and _DISK_FULL.search(first):
        what, fix = (f"the store (database) failed: {type(exc).__name__}: {first}",
                     "free space on the disk that holds the store (a SQLite file's folder, or the PostgreSQL server's "
                     "data directory); nothing is lost: the next run resumes")
    elif isinstance(exc, SQLAlchemyError):
        what, fix = (f"the store (database) failed: {type(exc).__name__}: {first}",
                     "check database_url or PAC_DATABASE_URL and that the database is up; the next run resumes")
    elif isinstance(exc, FileNotWritten):   # its words name the file, what is kept and what to do
        what, fix = first, exc.fix
    else:
        what, fix = f"unexpected error: {type(exc).__name__}: {first}", "run again with -v for the traceback"
    what = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", what)   # a password inside a database URL
    line = redact(f"pac: {what} ({fix}; exit {EXIT_INTERNAL})")
    if log_format == "json":
        logging.getLogger("pac").error(f"internal_error exit={EXIT_INTERNAL}", extra={"fields": {
            "exit": EXIT_INTERNAL, "error": type(exc).__name__, "message": line}})
    else:
        textsafe.echo(line, err=True)
    if verbose:
        textsafe.echo(redact("".join(traceback.format_exception(exc))), err=True)
    return line
