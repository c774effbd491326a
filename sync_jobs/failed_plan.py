"""A night whose plan file does not load (a YAML slip, a file half saved): kept in the run log as a ``failed`` run,
as a CRM schema problem is (audit planstate F6: it was in no log but the worker's, and the next morning's
`pac status` showed the night before as the last run).

The run is refused before anything is read or written (``pipeline.run_sync`` loads the plan first): the CRMs keep
the values of the last run, the store gets this one row and nothing else (no plan version, watermark, rejection or
advice), so the next night that loads the file is an ordinary one (a failed run is skipped where the previous
finished run counts: ``repo.previous_rejections``). The row is kept under the plan's id as the file's ``plan:``
header gives it (``planfile.plan_id_of``: a YAML error further down leaves it readable), else the id of the
latest version the store kept from that file, else the settings' name of the plan.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from pac_config.planfile import load_plan_text, plan_id_of
from pac_config.settings import PlanSettings, Settings
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from sync_jobs.logs import event, redact
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import check_url
from sync_jobs.store.tables import PlanVersion

log = logging.getLogger("pac.sync")

PLAN_FILE_HEAD = "plan file not loaded: "
MAPPING_FILE_HEAD = "mapping file not loaded: "


def failed_plan_words(ps: PlanSettings, exc: InvalidInput) -> str:
    """The run's error: the file's problems as ``pac plan check`` words them (file:line problem (fix)), what this
    night did (nothing) and what to do."""
    return _stopped_words(PLAN_FILE_HEAD, exc, f"pac plan check {ps.file}", ps)


def failed_mapping_words(settings: Settings, ps: PlanSettings, exc: InvalidInput) -> str:
    """The run's error for a night stopped by a mapping file of the plan's connectors that does not load (a YAML
    slip, a key the mapping does not know): its problems (file:line key: problem (fix)), what this night did
    (nothing) and what to do."""
    return _stopped_words(MAPPING_FILE_HEAD, exc, f"pac config check {settings.source or 'pac.yaml'}", ps)


def _stopped_words(head: str, exc: InvalidInput, check: str, ps: PlanSettings) -> str:
    """A night stopped by a file that does not load: ``head``, its first five problems, what the night did
    (nothing) and the command (``check``) that names each problem."""
    problems = str(exc).splitlines() or [type(exc).__name__]
    shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
    return (
        f"{head}{shown}. This night's sync did not run: nothing was read from or written to the "
        f"CRMs (they keep the last run's values) and no snapshot was taken. Fix the file (`{check}` names each "
        f"problem), then run `pac sync --plan {ps.key}` or let the next night run"
    )


def failed_plan_id(engine: Engine, ps: PlanSettings) -> str:
    """The id the failed night is logged under: the file's header's, else the store's last version of that file's,
    else the settings' name of the plan."""
    header = plan_id_of(ps.file)
    if header is not None and header[0]:
        return header[0]
    return repo.plan_id_of_file(engine, str(ps.file)) or ps.key


def kept_plan(engine: Engine, ps: PlanSettings) -> Plan | None:
    """The plan of the latest version the store kept of ``ps``'s plan (what the scheduler claims a fire by, its
    timezone and quarters, while the file does not load, so the night's run keeps the failed night once); None
    without a version, or when that version no longer loads either."""
    return version_plan(repo.latest_plan_version(engine, failed_plan_id(engine, ps)))


def version_plan(version: PlanVersion | None) -> Plan | None:
    """The plan of a stored ``version``; None without one, or when it no longer loads either."""
    if version is None:
        return None
    try:
        return load_plan_text(version.content, version.source_path)
    except InvalidInput:
        return None


def store_exists(url: str) -> bool:
    """Whether the store is there to log into: a SQLite file that does not exist is not created for this (a first
    `pac sync` on a broken file says it on the terminal, exit 2, and leaves no store behind)."""
    parsed = check_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite":
        return True
    return database not in ("", ":memory:") and not database.startswith("file:") and Path(database).is_file()


def record_failed_plan(
    settings: Settings, ps: PlanSettings, exc: InvalidInput, began: datetime, now: datetime,
    words: str | None = None,
) -> int | None:
    """Keep the night as a ``failed`` run of the plan with ``words`` (default ``failed_plan_words``: a mapping file
    that does not load passes ``failed_mapping_words``); returns its id, None when there is no store yet or the store
    fails too (then logged: the run's own error still reaches the terminal, exit 2). Never raises."""
    try:
        url = settings.database()
        if not store_exists(url):
            return None
        engine = open_store(url)
        try:
            plan_id = failed_plan_id(engine, ps)
            run_id = repo.record_run_not_run(engine, plan_id, began, now, words or failed_plan_words(ps, exc),
                                             status="failed")
        finally:
            engine.dispose()
    except Exception as again:  # the store failing: the terminal and the log still say why the night failed
        log.warning(
            redact(
                f"sync.plan_unloaded plan={ps.key}: the failed night could not be kept in the store "
                f"({type(again).__name__}: {again})"
            )
        )
        return None
    event(log, "sync.plan_unloaded", level=logging.WARNING, plan=plan_id, run=run_id, file=ps.file)
    return run_id
