"""pac's exit codes, for cron and schedulers: the one table every command uses.

0 ok, 1 the run finished with new rejected records or failed writes (retried next run), 2 bad input or
configuration, 3 another run holds the lock, 4 CRM unreachable or credentials refused, 5 the API quota guard
stopped the run, 6 unexpected error (the store unreachable, a bug: see the log), 130 interrupted by Ctrl-C (SIGINT)
or SIGTERM (the shell's code for a process ended by SIGINT, 128 + 2; nothing is lost: run it again).

``exit_code_for(status)`` maps a run's status (the pipeline's ``RunStatus``, a ``StrEnum``, or the same word
as a plain string) to its code: only the command line does that mapping, the pipeline returns a status.
"""

from __future__ import annotations

from typing import Final

EXIT_OK: Final = 0
EXIT_PARTIAL: Final = 1          # finished, with findings to act on (new rejections, failed writes, lint findings)
EXIT_BAD_INPUT: Final = 2        # bad input or configuration: every problem printed with its fix
EXIT_LOCKED: Final = 3           # another run of the plan holds its lock
EXIT_CRM: Final = 4              # CRM unreachable or credentials refused
EXIT_QUOTA: Final = 5            # the API quota guard stopped the run
EXIT_INTERNAL: Final = 6         # unexpected error: see the log
EXIT_INTERRUPTED: Final = 130    # stopped by Ctrl-C (SIGINT) or SIGTERM (sync_jobs.interrupts): run it again

_BY_STATUS: Final[dict[str, int]] = {
    "ok": EXIT_OK, "dry_run": EXIT_OK, "partial": EXIT_PARTIAL, "bad_input": EXIT_BAD_INPUT, "locked": EXIT_LOCKED,
    "crm_unreachable": EXIT_CRM, "quota_stopped": EXIT_QUOTA, "failed": EXIT_INTERNAL,
}


def exit_code_for(status: str) -> int:
    """The exit code of a run that ended with ``status`` (``"ok"``, ``RunStatus.PARTIAL``...); ``ValueError`` for a
    status this table does not know (a status added without its code is a bug, not an exit 0)."""
    try:
        return _BY_STATUS[str(status)]
    except KeyError:
        raise ValueError(f"no exit code for run status {status!r}: add it to sync_jobs.exit_codes") from None

