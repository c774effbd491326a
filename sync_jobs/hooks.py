"""Named points of a run where a test can act: kill the process, pause it. Production runs use the no-op hooks.

A test gives ``run_sync(..., hooks=...)`` its own ``RunHooks``; a test that needs a real ``pac`` process starts it
through ``tests/faults.py``, which installs its hooks with ``install`` and then calls the command line. Nothing
here reads the environment.
"""

from __future__ import annotations


class RunHooks:
    """The points, in the order a run reaches them. Each does nothing here."""

    def before_writes(self) -> None:
        """The changes are computed, the plan's lock is held, nothing has been sent yet."""

    def after_crm_write(self, connector: str) -> None:
        """``connector``'s CRM accepted a batch; what it accepted is not yet saved as "last written"."""

    def after_writes(self) -> None:
        """Every write is done and checkpointed; the watermarks and the run log are not committed yet."""


_installed: list[RunHooks] = [RunHooks()]


def install(hooks: RunHooks) -> None:
    """Use ``hooks`` in every run of this process that is not given its own (a test launcher's business)."""
    _installed[0] = hooks


def installed() -> RunHooks:
    """The hooks of this process: the no-op ones unless a test launcher installed others."""
    return _installed[0]
