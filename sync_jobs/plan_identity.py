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
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from connectors.base import REMOVED_PACE
from pac_config.planfile import load_plan_text, plan_fingerprint, plan_id_of
from pac_config.settings import Settings
from pac_core.errors import InvalidInput, Problem
from pac_core.money import LOCALES
from pac_core.periods import day_words
from pac_core.plan import Plan
from pac_core.plan_warnings import PlanWarning
from pac_core.window import Window
from sync_jobs import overrides as plan_state
from sync_jobs.plan_refusal import problem_parts
from sync_jobs.retired_kept import joined as _and
from sync_jobs.store import repo
from sync_jobs.store.db import check_url, make_engine
from sync_jobs.store.tables import PlanVersion

T = TypeVar("T")
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
    admin continues the id into the new period (logged, not refused). ``file``: the plan file, named in the error.
    Also refused first: the plan renamed with no ``id:`` (``check_name_kept``)."""
    if file is not None:
        check_name_kept(engine, plan, file)
    latest = repo.latest_plan_version(engine, plan.id)
    if latest is None:
        return
    try:
        then = _stored_plan(latest).period
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


def check_name_kept(engine: Engine, plan: Plan, file: str) -> None:
    """``InvalidInput`` (exit 2) when the plan in ``file`` was last synced under another id, the file writes no
    ``id:`` (its id is its name's slug: the name changed) and the two periods overlap (the same plan renamed, not a new
    year's plan written into last year's file). Audit planlife F4: the new id made a new plan of it, whose first night
    wrote a second copy of every axis and action into the CRMs beside the old ones, which stayed, and left the kept
    snapshots, the CRM edits and their history under the old id, without a word. An ``id:`` in the file says which
    plan it is: the old id keeps the plan (the name is then free), a new one starts a new plan on purpose."""
    before = repo.plan_id_of_file(engine, file)
    found = plan_id_of(file)
    if before is None or before == plan.id or found is None or found[1]:
        return
    latest = repo.latest_plan_version(engine, before)
    if latest is None:
        return
    try:
        then = _stored_plan(latest)
    except InvalidInput:
        return
    if not (plan.period.start < then.period.end and then.period.start < plan.period.end):
        return
    raise InvalidInput(Problem(
        "plan.name",
        f"plan {plan.id!r}: this file was synced as plan {before!r} (version {latest.version}, named "
        f"{then.name!r}) and writes no id:, so its new name {plan.name!r} makes it a new plan, {plan.id!r}: syncing "
        f"it would write a second copy of its {len(plan.axes)} axes and {len(plan.actions)} actions into the CRMs "
        f"beside {before}'s, which would stay as they are, and leave {before}'s snapshots, CRM edits and history "
        f"behind",
        f"to keep the plan under its new name, write  id: {before}  under plan: in the file; to start a new plan on "
        f"purpose, write its own id: ({plan.id}); {NOTHING_WRITTEN}", file=file))


def owner_change_warnings(plan: Plan, before: Plan, today: date, version: int | None = None) -> list[PlanWarning]:
    """Each action whose ``who`` names another person than in ``before`` (the store's previous version of the plan)
    while no ``handed_over`` names that former owner: their activities stop counting for it (docs/engine.md, rule 1),
    said with the YAML that keeps them (audit planstate F1: an action handed over as the advisor's *reassign* asks
    lost its visits, 4 / 5 -> 1 / 5, with no word). The day proposed is the former owner's leaving day when the plan
    declares it (``rep_leaving`` with ``on``, a hint only), else ``today`` kept inside the plan's period.
    ``handed_over`` (``pac_core.plan_warnings``): in English or French."""
    zone = ZoneInfo(plan.timezone)
    first = plan.period.start.astimezone(zone).date()
    last = (plan.period.end.astimezone(zone) - timedelta(microseconds=1)).date()
    leaving = plan.leaving_days()
    aliases = plan.aliases()
    then = {action.id: action.who for action in before.actions}
    out = []
    for action in plan.actions:
        old = then.get(action.id)
        if old is None:
            continue
        old = aliases.get(old, old)
        person = plan.emails_of(old)
        if action.who in person or any(aliases.get(h.from_, h.from_) in person for h in action.handed_over):
            continue
        declared = leaving.get(old) or next((day for email, day in leaving.items() if email in person), None)
        day = declared if declared is not None and first <= declared <= last else min(max(today, first), last)
        out.append(PlanWarning("handed_over", {"action": action.id, "old": old, "new": action.who,
                                               "version": version, "day": day.isoformat(),
                                               "declared": day == declared}))
    return out


def previous_version(engine: Engine, plan_id: str, fingerprint: str, *, new_only: bool = False) -> PlanVersion | None:
    """The newest version the store keeps of ``plan_id`` whose file differs from ``fingerprint`` (the one before
    the file as it is now, whether or not a run recorded the current one already); ``new_only``: only while the
    current file is not recorded yet (None once it is)."""
    latest = repo.latest_plan_version(engine, plan_id)
    if latest is None or latest.fingerprint != fingerprint:
        return latest
    if new_only:
        return None
    return next((v for v in reversed(repo.plan_versions(engine, plan_id)) if v.fingerprint != fingerprint), None)


_LOADED: dict[tuple[str, int, str], Plan] = {}


def _stored_plan(version: PlanVersion) -> Plan:
    """A stored plan version, loaded once per process while it is the one asked (the period check and the owner
    check of one run read the same version: one parse, which costs seconds for a plan of thousands of actions)."""
    key = (version.plan_id, version.version, version.fingerprint)
    found = _LOADED.get(key)
    if found is None:
        found = load_plan_text(version.content, version.source_path)
        _LOADED.clear()
        _LOADED[key] = found
    return found


def stored_owner_warnings(engine: Engine, plan: Plan, fingerprint: str, today: date, *,
                          new_only: bool = False) -> list[PlanWarning]:
    """``owner_change_warnings`` against the store's previous version of the plan (``previous_version``; ``new_only``:
    ``pac sync``, only on the run that records the changed file, so a quiet night parses no older version); nothing
    when it keeps none, or when that version no longer loads (a plan format since tightened: logged)."""
    before = previous_version(engine, plan.id, fingerprint, new_only=new_only)
    if before is None:
        return []
    try:
        then = _stored_plan(before)
    except InvalidInput:
        log.warning("sync.owner_check plan=%s: the stored version %s no longer loads: owners are not compared",
                    plan.id, before.version)
        return []
    return owner_change_warnings(plan, then, today, before.version)


def _on_store(settings: Settings | None, read: Callable[[Engine], T], default: T) -> T:
    """``read`` on the settings' store as it is (never created nor migrated: ``pac plan check`` writes nothing);
    ``default`` when there are no settings, no store yet (a SQLite file not created) or it cannot be read (``pac
    status`` and ``pac sync`` say what is wrong with a store; the check is about the plan)."""
    if settings is None:
        return default
    try:
        url = settings.database()
        parsed = check_url(url)
        if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
            return default
        engine = make_engine(url)
        try:
            return read(engine)
        finally:
            engine.dispose()
    except (InvalidInput, SQLAlchemyError, OSError, LookupError):
        return default


def stored_owner_warning_lines(plan: Plan, file: Path, settings: Settings | None) -> list[str]:
    """``pac plan check``: the actions whose owner changed since the store's previous version of the plan with no
    ``handed_over`` for the former owner (``stored_owner_warnings``); nothing without settings, store, or a readable
    one (``_on_store``)."""
    if settings is None:
        return []
    fixed = next((p.as_of for p in settings.plans if p.file.resolve() == file.resolve() and p.as_of), None)
    today = (fixed or datetime.now(UTC)).astimezone(ZoneInfo(plan.timezone)).date()   # as a run dates it

    def read(engine: Engine) -> list[str]:
        return [*stored_owner_warnings(engine, plan, plan_fingerprint(file), today)]

    return _on_store(settings, read, [])


def retired_item_words(plan: Plan, item_id: str, settings: Settings | None, lang: str = "en") -> str | None:
    """``pac explain`` asked for an id the plan no longer has: when the store keeps a version of the plan that had
    it, the line saying so (the last version with it, the one without it after, when each was recorded), so a
    manager looking up a retired or renamed action learns it was there, and until when, and where its figures are
    (``_where_kept``: the kept snapshots that hold it, its CRM records marked removed); None when no kept version
    had it (a typo) or there is no readable store (``_on_store``). ``lang``: ``fr`` or ``en``, explain's."""
    fr = lang == "fr"

    def read(engine: Engine) -> str | None:
        versions = repo.plan_versions(engine, plan.id)
        for k in range(len(versions) - 1, -1, -1):
            try:
                then = _stored_plan(versions[k])
            except InvalidInput:
                continue
            axis = item_id in {a.id for a in then.axes}
            if axis or item_id in {a.id for a in then.actions}:
                if k + 1 == len(versions):     # the newest kept version has it: the file changed since the last run
                    if fr:
                        return (f"{item_id} était dans le fichier du plan lu par la dernière exécution (version "
                                f"{versions[k].version}, enregistrée le {_day_words(versions[k].imported_at, lang)})"
                                " ; le fichier a changé depuis : lancez pac sync")
                    return (f"{item_id} was in the plan file the last run read (version {versions[k].version}, "
                            f"recorded {_day(versions[k].imported_at)}); the file has changed since: run pac sync")
                after = versions[k + 1]
                if fr:
                    head = (f"{item_id} était dans le plan jusqu'à sa version {versions[k].version} (enregistrée le "
                            f"{_day_words(versions[k].imported_at, lang)}) et n'est pas dans la version "
                            f"{after.version} (enregistrée le {_day_words(after.imported_at, lang)}) : "
                            + ("il a été retiré ou renommé alors. " if axis else
                               "elle a été retirée ou renommée alors. "))
                else:
                    head = (f"{item_id} was in the plan until its version {versions[k].version} (recorded "
                            f"{_day(versions[k].imported_at)}) and is not in version {after.version} (recorded "
                            f"{_day(after.imported_at)}): it was removed or renamed then. ")
                return head + _where_kept(engine, plan, item_id, axis, lang)
        return None

    return _on_store(settings, read, None)


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")   # a monthly snapshot's label, 2027-05


def _holds(payload: Mapping[str, Any], item_id: str, axis: bool) -> bool:
    """Whether a kept snapshot's evaluation (``snapshots.snapshot_payload``) has the item."""
    rows = payload.get("axes" if axis else "actions") or []
    return any(isinstance(r, Mapping) and r.get("axis_id" if axis else "action_id") == item_id for r in rows)


def _closing(payload: Mapping[str, Any]) -> str:
    """A kept snapshot's evaluation instant (ISO), to order them by the period they close."""
    as_of = payload.get("as_of")
    return str(as_of.get("datetime", "")) if isinstance(as_of, Mapping) else str(as_of or "")


def _where_kept(engine: Engine, plan: Plan, item_id: str, axis: bool, lang: str) -> str:
    """Where the figures of an item no longer in the plan are (audit removedplan: the line said « its figures of the
    quarters closed before stay in their kept reports » of an action removed mid-quarter, which no kept report
    holds): the kept quarterly snapshots whose plan had it (``pac report --quarter``), the last monthly one after
    them (``pac review`` of the month after lists it among the changes, « Removed from plan »), else that no kept
    report holds it; then its records in the CRMs, which keep its last figures (marked removed, no longer updated;
    not marked yet: the next sync does it)."""
    fr = lang == "fr"
    held = [s for s in repo.snapshots(engine, plan.id) if _holds(s.payload, item_id, axis)]
    held.sort(key=lambda s: _closing(s.payload))
    quarters = [s.label for s in held if s.kind == "quarterly"]
    last_quarter = max((_closing(s.payload) for s in held if s.kind == "quarterly"), default="")
    month = next((s.label for s in reversed(held) if s.kind == "monthly" and _closing(s.payload) > last_quarter), None)
    parts: list[str] = []
    if quarters:
        reports = ", ".join(f"pac report --quarter {q}" for q in quarters)
        if fr:
            parts.append(f"Ses chiffres à la fin du trimestre {quarters[0]} restent dans le rapport conservé de ce "
                         f"trimestre ({reports})" if len(quarters) == 1 else
                         f"Ses chiffres à la fin des trimestres {_and(quarters, 'et')} restent dans les rapports "
                         f"conservés de ces trimestres ({reports})")
        else:
            parts.append(f"Its figures at the end of {quarters[0]} stay in that quarter's kept report ({reports})"
                         if len(quarters) == 1 else
                         f"Its figures at the end of {_and(quarters, 'and')} stay in those quarters' kept reports "
                         f"({reports})")
    if month is not None:
        year, number = (int(x) for x in month.split("-")) if _MONTH.match(month) else (0, 0)
        # « mai 2027 » / "May 2027", as the report names a month (``Formatter.month_name``)
        words = format_date(date(year, number, 1), "LLLL y", locale=LOCALES[lang]) if number else month
        after = f"{year + number // 12}-{number % 12 + 1:02d}"
        review = bool(number) and datetime(year + number // 12, number % 12 + 1, 1,
                                           tzinfo=ZoneInfo(plan.timezone)) < plan.period.end
        if fr:
            see = f" (pac review --month {after} les montre parmi les changements)" if review else ""
            of = f"d'{words}" if words[:1] in "aeiouyéâ" else f"de {words}"     # « d'avril », « de mai »
            parts.append(f"et à la fin {of} dans l'instantané de ce mois{see}" if parts else
                         f"Ses chiffres à la fin {of} sont gardés dans l'instantané de ce mois{see}")
        else:
            see = f" (pac review --month {after} shows them among the changes)" if review else ""
            parts.append(f"and at the end of {words} in that month's snapshot{see}" if parts else
                         f"Its figures at the end of {words} are kept in that month's snapshot{see}")
    if not parts:
        parts.append(("Aucun instantané n'a été conservé pendant qu'il était dans le plan, aucun rapport conservé ne "
                      "le contient donc" if axis else
                      "Aucun instantané n'a été conservé pendant qu'elle était dans le plan, aucun rapport conservé "
                      "ne la contient donc") if fr else
                     "No snapshot was kept while it was in the plan, so no kept report holds it")
    kept = ", ".join(parts)
    records = repo.written_everywhere(engine, plan.id, "axis" if axis else "action", f"{plan.id}:{item_id}")
    if not records:
        return kept + "."
    marked = [c for c, fields in records.items() if fields.get("pace") == REMOVED_PACE]
    waiting = [c for c in records if c not in marked]
    crms = [f"« {c} »" if fr else c for c in records]
    one = len(records) == 1
    if fr:
        where = (f"ses derniers chiffres restent sur son enregistrement dans {crms[0]}" if one else
                 f"ses derniers chiffres restent sur ses enregistrements dans {_and(crms, 'et')}")
        state = (" marqué « Retirée du plan » (pac ne le met plus à jour)" if one else
                 " marqués « Retirée du plan » (pac ne les met plus à jour)") if not waiting else \
            " (la prochaine synchronisation les marque « Retirée du plan »)"
        return f"{kept}{' :' if not held else ' ;'} {where},{state}."
    where = (f"its last figures stay on its record in {crms[0]}" if one else
             f"its last figures stay on its records in {_and(crms, 'and')}")
    state = (" marked removed (pac no longer updates it)" if one else
             " marked removed (pac no longer updates them)") if not waiting else \
        " (the next pac sync marks them removed)"
    return f"{kept}{':' if not held else ';'} {where},{state}."



def _day_words(moment: datetime, lang: str) -> str:
    return day_words(moment.date(), lang)


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def stored_period_warning(plan: Plan, file: Path, settings: Settings | None, lang: str = "en") -> str | None:
    """``pac plan check``: what ``pac sync`` would refuse (``check_period_kept``), said before the night does, when the
    settings' store already holds a version of ``plan.id`` whose period does not overlap this file's (last year's
    file edited in place, or copied keeping its name), or holds this file under another id (renamed with no ``id:``,
    ``check_name_kept``). Nothing when there are no settings, no store yet or the store
    cannot be read (``_on_store``). ``settings``: ``coverage.check_settings``, read once by the check. ``lang``: the
    plan's language (« pac sync refusera ce plan : … », ``plan_refusal``; audit frwords)."""
    def read(engine: Engine) -> str | None:
        try:
            check_period_kept(engine, plan, file=str(file.resolve()))
        except InvalidInput as exc:
            period = [problem for problem in exc.problems if problem.path in ("plan.period", "plan.name")]
            if period:
                fix = period[0].fix.removesuffix(f"; {NOTHING_WRITTEN}")
                if lang == "fr":
                    message, fix = problem_parts(replace(period[0], fix=fix), lang)
                    return f"pac sync refusera ce plan : {message} ({fix})"
                return f"pac sync will refuse this plan: {period[0].message} ({fix})"
        return None

    return _on_store(settings, read, None)


def retired_edits_warnings(plan: Plan, file: Path, settings: Settings | None) -> list[str]:
    """``pac plan check``: the items of the plan as last synced (the store's latest version of ``plan.id``) that
    this file no longer has (renamed, re-ided or removed) and that hold values accepted from a CRM the file never
    had: the next sync drops them (``overrides.lost_with_retired``; audit planstate F2), said while ``pac plan pull``
    can still write them. Nothing when there are no settings, no store yet, or it cannot be read (as
    ``stored_period_warning``: the store is read as it is, never created nor migrated)."""
    def read(engine: Engine) -> list[str]:
        states = repo.field_states(engine, plan.id)
        files = plan_state.file_values(plan)
        # usually none: the stored version is read only when an item not in this file holds such values
        held = {k[1] for k, st in states.items() if k not in files and st.source == "crm"
                and not plan_state.same(st.value, st.file_value)}
        latest = repo.latest_plan_version(engine, plan.id) if held else None
        if latest is None:
            return []
        then = _stored_plan(latest)
        then_ids = {a.id for a in then.axes} | {a.id for a in then.actions}
        now_ids = {a.id for a in plan.axes} | {a.id for a in plan.actions}
        # every item the next sync retires (an item retired earlier is not: it was said then); those holding
        # such values get a line, the others count to know whether the one new item replaces it
        gone = [f"{plan.id}:{i}" for i in sorted(then_ids - now_ids)]
        added = {"axis": [a.id for a in plan.axes if a.id not in then_ids],
                 "action": [a.id for a in plan.actions if a.id not in then_ids]}
        return [*plan_state.lost_with_retired(plan, gone, states, added, when="check")]

    return _on_store(settings, read, [])
