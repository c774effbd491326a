"""How a run of the sync ended: what the pipeline returns. Only the command line maps it to an exit code.

The run log (``pac status``, the report) keeps a shorter word: a run stopped by bad input (a CRM schema pac
cannot use) or by a CRM it could not reach is logged ``failed``, like a run an exception escaped.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    OK = "ok"                              # got through, nothing new to look at
    PARTIAL = "partial"                    # got through; new rejected records or writes the CRM refused
    DRY_RUN = "dry_run"                    # a dry run that got through: nothing written anywhere
    BAD_INPUT = "bad_input"                # the plan, the settings, the CRM's schema or a request the CRM refused
    CRM_UNREACHABLE = "crm_unreachable"    # a CRM down, or its credentials refused
    QUOTA_STOPPED = "quota_stopped"        # stopped before exceeding the configured share of the API allocation
    LOCKED = "locked"                      # another run of the plan holds its lock (``LockHeld``)
    FAILED = "failed"                      # an unexpected error (the store failing, a bug)

    @property
    def logged(self) -> str:
        """The run log's word for this status: ``ok``, ``partial``, ``quota_stopped``, ``failed``..."""
        return "failed" if self in (RunStatus.BAD_INPUT, RunStatus.CRM_UNREACHABLE) else self.value

    @property
    def got_through(self) -> bool:
        """The run evaluated and wrote: its rejections were compared, its watermarks move."""
        return self in (RunStatus.OK, RunStatus.PARTIAL)
