"""A plan id keeps its period: a plan whose period no longer overlaps the period of the last version the store
holds for its id (last year's file edited in place for the new year, a new file keeping last year's name) is
refused before anything is written (docs/plan-format.md, *Plan identity*).

The store and the CRM records (``plan-id:A-01``) are keyed by plan id: syncing the new year's plan under last
year's id would turn last year's A-01 into this year's in the CRM, mark last year's other actions removed and mix
the two years' snapshots and quarters under one id. An admin who really wants to continue the id says so once
(``pac sync --keep-plan-id``): the new version is then recorded and later runs go on from it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from pac_config.planfile import load_plan_text
from pac_config.settings import Settings
from pac_core.errors import InvalidInput, Problem
from pac_core.plan import Plan
from pac_core.window import Window
from sync_jobs.store import repo
from sync_jobs.store.db import check_url, make_engine

log = logging.getLogger("pac.sync")

KEEP_FLAG = "--keep-plan-id"
NOTHING_WRITTEN = "nothing was written"


def period_words(window: Window) -> str:
    """A plan period for messages: its label when the file wrote one (``2026``), else its days."""
    return window.label or f"{window.start.date()}..{(window.end - timedelta(days=1)).date()}"


def check_period_kept(engine: Engine, plan: Plan, *, keep_plan_id: bool = False, file: str | None = None) -> None:
    """``InvalidInput`` (exit 2) when ``plan``'s period does not overlap the period of the latest plan version the
    store holds for ``plan.id``; nothing when they overlap (a period widened or shortened), when the store holds no
    version, or when that version no longer loads (a plan format since tightened: logged). ``keep_plan_id``: the
    admin continues the id into the new period (logged, not refused). ``file``: the plan file, named in the error."""
    latest = repo.latest_plan_version(engine, plan.id)
    if latest is None:
        return
    try:
        then = load_plan_text(latest.content, latest.source_path).period
    except InvalidInput:
        log.warning("sync.period_check plan=%s: the stored version %s no longer loads: its period is not compared",
                    plan.id, latest.version)
        return
    now = plan.period
    if now.start < then.end and then.start < now.end:
        return
    old, new = period_words(then), period_words(now)
    if keep_plan_id:
        log.warning("sync.period_moved plan=%s from=%s to=%s: continued under the same plan id (%s)", plan.id, old,
                    new, KEEP_FLAG)
        return
    raise InvalidInput(Problem(
        "plan.period",
        f"plan {plan.id!r}: this plan's period moved from {old} to {new} (the store's last version of this plan id, "
        f"version {latest.version} from {latest.source_path}, covers {old}): syncing it would overwrite {old}'s "
        f"records in the CRM with {new}'s actions of the same ids ({plan.id}:A-01 of {old} would become A-01 of "
        f"{new}), mark {old}'s other records removed and mix the two periods' snapshots under one id",
        f"a new year's plan needs its own name (or id:) so that {old}'s records, snapshots and reports stay; keep "
        f"{old}'s file in plans: until its late entries are counted; to continue the same plan id into {new} "
        f"anyway, run  pac sync {KEEP_FLAG}  once; {NOTHING_WRITTEN}", file=file))


def stored_period_warning(plan: Plan, file: Path, settings: Settings | None) -> str | None:
    """``pac plan check``: what ``pac sync`` would refuse (``check_period_kept``), said before the night does, when the
    settings' store already holds a version of ``plan.id`` whose period does not overlap this file's (last year's
    file edited in place, or copied keeping its name). Nothing when there are no settings, no store yet (a SQLite
    file not created: the check creates nothing), or the store cannot be read (the check is about the plan: ``pac
    status`` and ``pac sync`` say what is wrong with the store); the store is read as it is, never migrated.
    ``settings``: ``coverage.check_settings``, read once by the check."""
    if settings is None:
        return None
    try:
        url = settings.database()
        parsed = check_url(url)
        if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
            return None
        engine = make_engine(url)
        try:
            check_period_kept(engine, plan, file=str(file))
        finally:
            engine.dispose()
    except InvalidInput as exc:
        period = [problem for problem in exc.problems if problem.path == "plan.period"]
        if period:
            fix = period[0].fix.removesuffix(f"; {NOTHING_WRITTEN}")
            return f"pac sync will refuse this plan: {period[0].message} ({fix})"
        return None
    except (SQLAlchemyError, OSError, LookupError):
        return None
    return None


def retired_edits_warnings(plan: Plan, file: Path, settings: Settings | None) -> list[str]:
    """``pac plan check``: the items of the plan as last synced (the store's latest version of ``plan.id``) that
    this file no longer has (renamed, re-ided or removed) and that hold values accepted from a CRM the file never
    had: the next sync drops them (``overrides.lost_with_retired``; audit planstate F2), said while ``pac plan pull``
    can still write them. Nothing when there are no settings, no store yet, or it cannot be read (as
    ``stored_period_warning``: the store is read as it is, never created nor migrated)."""
    from sync_jobs import overrides as plan_state

    if settings is None:
        return []
    try:
        url = settings.database()
        parsed = check_url(url)
        if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
            return []
        engine = make_engine(url)
        try:
            states = repo.field_states(engine, plan.id)
            files = plan_state.file_values(plan)
            # usually none: the stored version is read only when an item not in this file holds such values
            held = {k[1] for k, st in states.items() if k not in files and st.source == "crm"
                    and not plan_state.same(st.value, st.file_value)}
            latest = repo.latest_plan_version(engine, plan.id) if held else None
            if latest is None:
                return []
            then = load_plan_text(latest.content, latest.source_path)
            then_ids = {a.id for a in then.axes} | {a.id for a in then.actions}
            now_ids = {a.id for a in plan.axes} | {a.id for a in plan.actions}
            # every item the next sync retires (an item retired earlier is not: it was said then); those holding
            # such values get a line, the others count to know whether the one new item replaces it
            gone = [f"{plan.id}:{i}" for i in sorted(then_ids - now_ids)]
            added = {"axis": [a.id for a in plan.axes if a.id not in then_ids],
                     "action": [a.id for a in plan.actions if a.id not in then_ids]}
            return plan_state.lost_with_retired(plan, gone, states, added, when="check")
        finally:
            engine.dispose()
    except (InvalidInput, SQLAlchemyError, OSError, LookupError):
        return []
