"""The read commands (``pac report``, ``pac review``, ``pac explain``, ``pac notify``) on a plan file that does not
load: they use the plan version the store kept at the last sync that loaded the file, after a warning naming the
file, its line and the fix, so the manager can still print yesterday's figures on the meeting's morning (audit
planstate F6: they all exited 2 while the store held the figures and the plan they were computed with).

Every sync keeps the plan file's content as a plan version when it changes (``pac_plan_version``, step ``begin``):
the latest one is the plan of the last sync. The version is written to a private temporary file (removed when the
process ends) that stands for the plan's file in a copy of the settings, so the commands read it as they read the
file, nothing else changed. Nothing is written to the store or the plan file. Without a kept version (the store
never synced the plan) or when that version no longer loads either, the file's own error stands (exit 2). The
nightly ``pac sync`` never falls back: it refuses the file and keeps a ``failed`` run (``sync_jobs.failed_plan``).
``pac schedule`` started on such a file builds that plan's jobs (their timezone, end and quarters) from the same
kept version (``kept_plan_version``), so its other plans still run and each of its nights is kept as ``failed``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import click

from pac_config.planfile import load_plan
from pac_config.settings import PlanSettings, Settings
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from sync_jobs.failed_plan import failed_plan_id, store_exists, version_plan
from sync_jobs.store import open_store, repo
from sync_jobs.store.tables import PlanVersion


def readable_plan(settings: Settings, plan_ref: str | None, what: str) -> tuple[Settings, PlanSettings, Plan]:
    """The settings, the plan's entry and its plan as ``what`` (``the report``...) reads them: the file's when it
    loads; else the store's last version of it (see the module), after a warning on stderr. Raises the file's
    ``InvalidInput`` when there is no version to fall back on. Callers pass ``entry.key`` on as the plan's name."""
    ps = settings.plan(plan_ref)
    try:
        return settings, ps, load_plan(ps.file)
    except InvalidInput as exc:
        broken = exc
    version = _kept_version(settings, ps)
    if version is None:
        raise broken
    folder = Path(tempfile.mkdtemp(prefix="pac-kept-plan-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / ps.file.name
    path.write_text(version.content, encoding="utf-8")
    try:
        plan = load_plan(path)
    except InvalidInput:  # a version a format since tightened no longer loads: the file's error is the one to fix
        raise broken from None
    entry = ps.model_copy(update={"file": path})
    swapped = settings.model_copy(update={"plans": tuple(entry if p is ps else p for p in settings.plans)})
    problems = str(broken).splitlines()
    click.echo(
        f"warning: the plan file does not load: {'; '.join(problems[:3])}"
        + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        + f". {what[0].upper()}{what[1:]} uses the plan as the store kept it at the last sync (version "
        f"{version.version} of {plan.id}, imported {version.imported_at:%Y-%m-%d %H:%M} UTC from "
        f"{version.source_path}), on the stored figures. Fix the file (`pac plan check {ps.file}` names each "
        "problem): the next sync refuses it until then",
        err=True,
    )
    return swapped, entry, plan


def kept_plan_version(settings: Settings, ps: PlanSettings) -> tuple[Plan, PlanVersion] | None:
    """The plan of the latest version the store kept of ``ps``'s plan, with that version: what ``pac schedule``
    builds a plan's jobs from (its timezone, period and quarters) when the plan file does not load at start-up
    (``sync_jobs.scheduler.scheduled_plan``). None without a store, a version, or when that version no longer
    loads either. Never raises; writes nothing."""
    version = _kept_version(settings, ps)
    plan = version_plan(version)
    return None if plan is None or version is None else (plan, version)


def _kept_version(settings: Settings, ps: PlanSettings) -> PlanVersion | None:
    """The latest plan version the store kept of the plan of ``ps``; None without a store (or one that cannot be
    opened) or a version."""
    try:
        url = settings.database()
        if not store_exists(url):
            return None
        engine = open_store(url)
    except Exception:  # a store that cannot be read: the file's error is the one said (exit 2)
        return None
    try:
        return repo.latest_plan_version(engine, failed_plan_id(engine, ps))
    finally:
        engine.dispose()
