"""``pac status``: the last runs and their figures, watermarks, the last run's problems, and the advice the last
evaluating run kept, all read from the store (no CRM call, no evaluation: the engine is not even imported).

Settings come from ``PAC_CONFIG`` (default: the shipped ``config/pac.yaml``); the store from
``PAC_DATABASE_URL`` or the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from pac_config.planfile import load_plan
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from pac_core.plan_end import following, period_line, quiet_line
from pac_core.results import Recommendation
from pac_core.snapshots import recommendations_from_payload
from sync_jobs import cli_common
from sync_jobs.failed_plan import failed_plan_id
from sync_jobs.interrupts import ABANDONED_HEAD
from sync_jobs.lock import lock_held
from sync_jobs.notice_words import notice_words
from sync_jobs.retired_kept import split, status_lines
from sync_jobs.run_views import (
    FIGURE_WORDS_FR,
    agreed,
    duration,
    grouped,
    moment,
    new_part,
    object_words,
    print_rejection_table,
    status_words,
)
from sync_jobs.schedule_end import schedule_line
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import shown_url
from sync_jobs.store.tables import Run
from sync_jobs.warnings_kept import HEADS, WARNING_HEAD, kept_problems

NO_ADVICE = {"fr": "Aucune recommandation : chaque axe est dans les seuils fixés.",
             "en": "No recommendation: every axis is within its thresholds."}
"""What the advice says when no axis has a recommendation, in the plan's language (``pac advice`` too)."""

# `pac status` in one language (``--lang``, English by default: the runs' own texts, their errors and rejection
# reasons, are the run log's English; audit newcomer3 L5 read English tables with the plan's French advice under them)
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "runs": "Last runs", "run": "run", "plan": "plan", "started": "started (UTC)", "took": "took",
        "status": "status", "read": "read", "written": "written", "rejected": "rejected", "deleted": "deleted",
        "calls": "API calls", "left": "quota left", "running": "running", "killed": "killed",
        "no_process": "no process", "not_closed": "not closed", "dry": " (dry)",
        "gone": "Run {run} of {plan} is marked running, but no process holds the plan's lock: it ended without "
                "closing the run (killed, or its machine stopped). Nothing is lost: the next run of the plan closes "
                "it as interrupted and redoes its work (the next scheduled run, or `pac sync` now).",
        "no_run": "No run yet in {store}: try `pac sync` (or `pac demo`).",
        "no_plan": "No run yet in {store}, and {source} configure no plan: add one under plans: (name, file, "
                   "connectors), as config/pac.yaml does.",
        "the_settings": "the settings",
        "marks": "Watermarks (highest change stamp read, per connector and object)", "connector": "connector",
        "object": "object", "mark": "watermark (UTC)", "full": "last full read (UTC)", "never": "never",
        "version": "version {version} ({path}, imported {at} UTC)", "plan_line": "Plan {plan}: {version}",
        "conflicts": "Last run's conflicts on the plan ({n}; the later change won, see `pac history KEY`):",
        "problems": "Last run's problems ({n}):",
        "no_amount": "Last run's data-quality warnings: {n} won deal(s) with no amount, counted as won and worth 0 "
                     "(fix the amounts in the CRM; `pac explain AXIS` lists them).",
        "planned": "Last run's data-quality warnings: {n} {activities} still planned on a past date, counted "
                   "nowhere (update their outcome or status in the CRM; `pac explain ACTION` lists them).",
        "unplaced": "Last run's data-quality warnings: {n} account(s) in France whose postal code gives no "
                    "département, in no département or région scope (correct the postal codes in the CRM; `pac sync` "
                    "names them).",
        "activity": "activity", "activities": "activities",
        "rejections": "Last run's rejected records ({n}{new}, counted nowhere; fix them in the CRM)",
        "new_count": ", {n} new{x}", "reason": "reason", "count": "count", "examples": "examples",
        "advice": "Advice", "advice_for": "Advice for {plan}", "colon": ": ", "semicolon": "; ",
        "advice_later": "Advice: kept with each run from this version of pac on; it appears after the next sync "
                        "(`pac advice` evaluates it now).",
        "kept_by": " (kept by run {run}, the last that evaluated the plan)",
        "heading": "Advice for {plan} ({n} {axes}; evidence: pac advice AXIS){kept}:", "axis": "axis", "axes": "axes",
        "block": "Plan {key} « {name} » ({id})", "no_run_of": "{head}: no run yet (`pac sync --plan {key}`)",
        "last_run": "{head}: last run {run} ({status}{dry}, started {at} UTC)",
        "left_out": "Run {run} of {key}: {parts}: `pac status --plan {key}` lists them.",
        "rejected_records": "{n} rejected record{s}{new}", "deal_no_amount": "{n} won deal{s} with no amount",
        "planned_past": "{n} {activities} still planned on a past date",
        "removed_items": "{n} item{s} removed from the plan",
        "unplaced_accounts": "{n} account{s} in no département",
    },
    "fr": {
        "runs": "Dernières exécutions", "run": "exécution", "plan": "plan", "started": "début (UTC)",
        "took": "durée", "status": "statut", **{k: FIGURE_WORDS_FR[k] for k in ("read", "written", "rejected",
                                                                                "deleted", "object")},
        "calls": "appels API", "left": "quota restant", "running": "en cours",
        "killed": "tuée", "no_process": "sans processus", "not_closed": "non clôturée", "dry": " (à blanc)",
        "gone": "L'exécution {run} de {plan} est marquée en cours, mais aucun processus ne tient le verrou du plan : "
                "elle s'est arrêtée sans se clôturer (tuée, ou sa machine arrêtée). Rien n'est perdu : la prochaine "
                "exécution du plan la clôture comme interrompue et refait son travail (la prochaine exécution "
                "planifiée, ou `pac sync` maintenant).",
        "no_run": "Aucune exécution encore dans {store} : essayez `pac sync` (ou `pac demo`).",
        "no_plan": "Aucune exécution encore dans {store}, et {source} ne configure aucun plan : ajoutez-en un sous "
                   "plans: (name, file, connectors), comme config/pac.yaml.",
        "the_settings": "les réglages",
        "marks": "Points de reprise (plus haute date de modification lue, par connecteur et objet)",
        "connector": "connecteur", "mark": "point de reprise (UTC)",
        "full": "dernière lecture complète (UTC)", "never": "jamais",
        "version": "version {version} ({path}, importée le {at} UTC)", "plan_line": "Plan {plan} : {version}",
        "conflicts": "Conflits de la dernière exécution sur le plan ({n} ; la modification la plus récente "
                     "l'emporte, voir `pac history CLÉ`) :",
        "problems": "Problèmes de la dernière exécution ({n}) :",
        "no_amount": "Alertes de qualité des données de la dernière exécution : {n} affaire{s} gagnée{s} sans "
                     "montant, comptée{s} comme gagnée{s}, pour 0 (corrigez les montants dans le CRM ; `pac explain "
                     "AXE` {them} liste).",
        "planned": "Alertes de qualité des données de la dernière exécution : {n} {activities} encore planifiée{s} "
                   "à une date passée, comptée{s} nulle part (mettez à jour {their} résultat ou {their} statut dans "
                   "le CRM ; `pac explain ACTION` {them} liste).",
        "unplaced": "Alertes de qualité des données de la dernière exécution : {n} compte{s} en France dont le code "
                    "postal ne donne aucun département, hors de tout périmètre département ou région (corrigez le code "
                    "postal dans le CRM ; `pac sync` {them} nomme).",
        "activity": "activité", "activities": "activités",
        "rejections": "Enregistrements rejetés par la dernière exécution ({n}{new}, comptés nulle part ; "
                      "corrigez-les dans le CRM)",
        "new_count": ", dont {n} nouveau{x}", "reason": "motif", "count": "nombre", "examples": "exemples",
        "advice": "Conseils", "advice_for": "Conseils pour {plan}", "colon": " : ", "semicolon": " ; ",
        "advice_later": "Conseils : gardés avec chaque exécution à partir de cette version de pac ; ils "
                        "apparaissent après la prochaine synchronisation (`pac advice` les évalue maintenant).",
        "kept_by": " (gardés par l'exécution {run}, la dernière qui a évalué le plan)",
        "heading": "Conseils pour {plan} ({n} {axes} ; justificatifs : pac advice AXE){kept} :",
        "axis": "axe", "axes": "axes",
        "block": "Plan {key} « {name} » ({id})", "no_run_of": "{head} : aucune exécution encore (`pac sync --plan "
                                                               "{key}`)",
        "last_run": "{head} : dernière exécution {run} ({status}{dry}, commencée le {at} UTC)",
        "left_out": "Exécution {run} de {key} : {parts} : `pac status --plan {key}` les liste.",
        "rejected_records": "{n} enregistrement{s} rejeté{s}{new}",
        "deal_no_amount": "{n} affaire{s} gagnée{s} sans montant",
        "planned_past": "{n} {activities} encore planifiée{s} à une date passée",
        "removed_items": "{n} élément{s} retiré{s} du plan",
        "unplaced_accounts": "{n} compte{s} dans aucun département",
    },
}
ADVICE_LATER = WORDS["en"]["advice_later"]


@dataclass(frozen=True)
class RunAdvice:
    """The advice one run kept (``sync_jobs.run_advice``): the plan's name and language then, the evaluation's
    instant, the recommendations, and the words of their rules in that language."""

    run_id: int
    plan_name: str
    language: str
    as_of: datetime
    recommendations: tuple[Recommendation, ...]
    labels: Mapping[str, str]

    def label(self, rule: str) -> str:
        return self.labels.get(rule) or rule.replace("_", " ")


def read_advice(run_id: int, kept: Mapping[str, Any]) -> RunAdvice:
    """The advice ``sync_jobs.run_advice.kept_advice`` kept with run ``run_id``."""
    return RunAdvice(run_id, str(kept["plan"]), str(kept["language"]), datetime.fromisoformat(kept["as_of"]),
                     recommendations_from_payload(kept["recommendations"]), dict(kept.get("labels") or {}))


def kept_words(line: str, lang: str) -> str:
    """A problem the run kept (the run log's English), as ``pac sync --lang`` printed it: in French the warnings'
    head « attention : » and the lines ``sync_jobs.notice_words`` knows (a stop on the API quota, the PAC fields an
    older org lacks...) in French, the others as kept (audit frwords)."""
    if lang != "fr":
        return line
    if line.startswith(WARNING_HEAD):
        return HEADS["fr"] + notice_words(line.removeprefix(WARNING_HEAD), lang)
    return notice_words(line, lang)


def advice_heading(plan_name: str, axes: int, kept: str = "", lang: str = "en") -> str:
    """``Advice for PLAN (1 axis; evidence: pac advice AXIS):``, the count agreed (it read "1 axes"), in the status's
    language as every line of it; the report's words (``i18n.counted``) are not imported here: ``pac status`` loads
    no report module."""
    w = WORDS[lang]
    return w["heading"].format(plan=plan_name, n=axes, axes=w["axis"] if axes == 1 else w["axes"], kept=kept)


def print_kept_advice(console: Console, engine: Engine, plan_id: str, last_run: int | None,
                      notice: str | None = None, named: str | None = None, indent: str = "",
                      plan: Plan | None = None, lang: str = "en") -> None:
    """``pac status``'s advice block, as the plan's latest evaluating run kept it (``read_advice``): one
    line per axis with a recommendation (rule, sentence, overruled rules); said when no run kept any yet.
    ``notice``: the plan is outside its period (``pac_core.plan_end.period_line``: over, or not begun), said once,
    in place of "no recommendation" (advice a run kept before the end is still listed, under it). ``named``: the
    plan's name, when the status shows several plans: the lines say which plan they are about (audit year-end F3:
    « Advice: Aucune recommandation » under two plans' runs). ``indent``: before each line (a plan's block).
    ``plan``: the plan, when the settings hold its file: with no recommendation kept before any axis has a ROI to
    date, the line says it is too early (``pac_core.plan_end.too_early_line``, at the kept evaluation's instant)
    rather than that every axis is within its thresholds (audit janmeet F8). ``lang``: the status's language, every
    line's (``notice`` given in it); a sentence kept without its words in ``lang`` (a run of an older pac) is shown as
    kept."""
    w = WORDS[lang]
    head = w["advice"] if named is None else w["advice_for"].format(plan=named)
    if notice is not None:
        console.print(indent + (notice if named is None else f"{head}{w['colon']}{notice}"), markup=False,
                      highlight=False, soft_wrap=bool(indent))
    row = repo.latest_advice(engine, plan_id)
    if row is None or row.id is None or row.advice is None:
        console.print(indent + w["advice_later"], markup=False, soft_wrap=bool(indent))
        return
    advice = read_advice(row.id, row.advice)
    recos = advice.recommendations
    kept = "" if row.id == last_run else w["kept_by"].format(run=row.id)
    if not recos:
        if notice is None:
            early = quiet_line(plan, advice.as_of, lang) if plan is not None else None
            console.print(f"{indent}{head}{kept}{w['colon']}{early or NO_ADVICE[lang]}", markup=False,
                          soft_wrap=bool(indent))
        return
    console.print(indent + advice_heading(advice.plan_name, len(recos), kept, lang), markup=False,
                  soft_wrap=bool(indent))
    for reco in recos:
        lost = "".join(f" [+{_rule_label(advice, o.rule.value, lang)}]" for o in reco.overruled)
        console.print(f"{indent}  {reco.axis_id}{w['colon']}{reco.text(lang)}{lost}".replace("\u00a0", " "),
                      markup=False, soft_wrap=True)


def _rule_label(advice: RunAdvice, rule: str, lang: str) -> str:
    """An overruled rule's word: as the run kept it when kept in ``lang``, else its code in words."""
    return advice.label(rule) if advice.language == lang else rule.replace("_", " ")


def store_name(engine: Engine) -> str:
    """The store as people name it: a SQLite file's absolute path (``sqlite:///srv/pac.db``, three slashes, is under
    the working directory: named so, it is not taken for /srv/pac.db), else its URL without the password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database if url.database == ":memory:" else str(Path(url.database).absolute())
    return shown_url(url)


@click.command("status")
@click.option("--plan", "plan_ref", help="Only this plan's runs.")
@click.option("--limit", default=10, show_default=True, help="How many runs to list.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of the whole output.")
def status_cmd(plan_ref: str | None, limit: int, lang: str) -> None:
    """Last runs and their figures, watermarks, API quota."""
    w = WORDS[lang]
    settings = cli_common.settings(read_only=True)
    plan_id, ps = None, settings.plan(plan_ref) if plan_ref else None
    if ps is not None:
        try:
            plan_id = load_plan(ps.file).id
        except InvalidInput:   # the night it failed on is what to show (its run names the file's problems)
            plan_id = None
    engine = open_store(settings.database())
    if ps is not None and plan_id is None:
        plan_id = failed_plan_id(engine, ps)
    console = cli_common.table_console()
    runs = repo.runs(engine, plan_id, limit=limit)
    table = Table(title=w["runs"])
    for col in ("run", "plan", "started", "took", "status", "read", "written", "rejected", "deleted", "calls", "left"):
        table.add_column(w[col])
    gone: list[Run] = []    # runs marked running whose process is gone (no one holds their plan's lock)
    for r in runs:
        took = duration(r.finished_at - r.started_at, lang) if r.finished_at else w["running"]
        if r.finished_at and any(e.startswith(ABANDONED_HEAD) for e in r.errors or ()):
            took = w["killed"]  # closed by the next run: when it died is not known, its finish is that run's start
        if r.finished_at is None and r.status == "running" and not r.dry_run and not lock_held(engine, r.plan_id):
            took = w["no_process"]  # a live run holds its plan's lock from before its row is written to its close
            gone.append(r)
        counts = r.counts or {}
        total = {k: sum(int(c.get(k, 0)) for c in counts.values()) for k in ("read", "written")}
        rejected, new = _rejected(counts)
        deleted = _deleted(counts)
        # every figure grouped by thousands, as `pac sync`'s summary and its API line (« 99,972 left today ») and the
        # report show them (audit opscounts: « 6954 », « sf-main=99972 »)
        sep = " ; " if lang == "fr" else ", "   # « 99 959, 17 » would read as a decimal in French
        calls = sep.join(f"{n}={grouped(int(a.get('calls', 0)), lang)}" for n, a in (r.api or {}).items())
        left = sep.join(f"{n}={grouped(int(a['remaining']), lang)}" for n, a in (r.api or {}).items()
                         if a.get("remaining") is not None)
        table.add_row(str(r.id), r.plan_id, f"{r.started_at:%Y-%m-%d %H:%M}", took,
                      (w["not_closed"] if r in gone else status_words(r.status, lang)) + (w["dry"] if r.dry_run
                                                                                           else ""),
                      grouped(total["read"], lang), grouped(total["written"], lang),
                      grouped(rejected, lang) + new_part(rejected, new, lang),
                      "" if deleted is None else grouped(deleted, lang),
                      calls, left or "-")
    if runs:
        console.print(table)
        for r in gone:
            console.print(w["gone"].format(run=r.id, plan=r.plan_id), markup=False, soft_wrap=True)
    elif settings.plans:
        console.print(w["no_run"].format(store=store_name(engine)), markup=False)
    else:   # the store may be right (a reader of runs needs no plan), the settings have nothing to run
        console.print(w["no_plan"].format(store=store_name(engine), source=settings.source or w["the_settings"]),
                      markup=False)
    marks = repo.watermarks(engine)
    if marks:
        wt = Table(title=w["marks"])
        for col in ("connector", "object", "mark", "full"):
            wt.add_column(w[col])
        for (connector, obj), mark in sorted(marks.items()):
            wt.add_row(connector, object_words(obj, lang), f"{mark.value:%Y-%m-%d %H:%M:%S}" if mark.value else "-",
                       f"{mark.last_full_at:%Y-%m-%d %H:%M}" if mark.last_full_at else w["never"])
        console.print(wt)
    # several plans in the settings and no --plan: one block per plan at the end (audit reverify N2), not the last
    # run's plan's lines only
    loaded = cli_common.settings_plans(settings) if runs or len(settings.plans) > 1 else []   # each file once
    blocks = loaded if plan_ref is None and len(settings.plans) > 1 else []
    in_blocks = {plan.id for _, plan in blocks}
    for plan_key in sorted({r.plan_id for r in runs} - in_blocks):
        if (version := _version_text(engine, plan_key, lang)) is not None:
            console.print(w["plan_line"].format(plan=plan_key, version=version), markup=False)
    scheduled = _schedule_after_end(settings, loaded, runs[0].plan_id, lang) if not blocks and runs else None
    if scheduled:   # an ended plan's nightly sync
        console.print(scheduled, markup=False, soft_wrap=True)
    conflicts = repo.run_conflicts(engine, runs[0].plan_id, runs[0].id) if runs else []
    if conflicts:
        console.print(w["conflicts"].format(n=len(conflicts)), markup=False)
        for c in conflicts:
            console.print(f"  - {c}", markup=False)
    # what the last run took out of the plan: kept on its row (a run recorded before migration 0016: among its
    # problems), listed apart, in the status's language (audit removedplan: `pac sync` printed it to no one on a night
    # `pac schedule` ran; audit removedrec: kept as records, not lines read back)
    # its plan warnings (a run recorded since migration 0017) worded in the status's language (audit warnfr)
    problems = kept_problems(split(runs[0].removed, runs[0].errors or [])[1], runs[0].plan_warnings, lang) \
        if runs else []
    problems = [kept_words(line, lang) for line in problems]
    if problems:
        console.print(w["problems"].format(n=len(problems)), markup=False)
        for e in problems[:10]:
            console.print(f"  - {e}", markup=False)
    for line in status_lines(runs[0].errors or [], lang, runs[0].removed) if runs else []:
        console.print(line, markup=False, soft_wrap=True)
    # what the records say comes from the last run that read them: a fire that could not start (locked) read nothing
    runs = [r for r in runs if r.status != "locked"] or runs[:0]
    counts = (runs[0].counts or {}) if runs else {}
    for line in warning_lines(counts, lang):
        console.print(line, markup=False)
    if runs and runs[0].id is not None:
        groups = repo.rejection_groups(engine, runs[0].id)
        if groups:
            listed = sum(g.count for g in groups)
            _, new = _rejected(runs[0].counts or {})
            new_text = w["new_count"].format(n=new, x="x" if lang == "fr" and new > 1 else "") if new is not None \
                else ""
            print_rejection_table(console, groups, w["rejections"].format(n=listed, new=new_text),
                                  heads=tuple(w[k] for k in ("object", "reason", "count", "examples")), lang=lang)
    if blocks:
        for entry, shown in blocks:
            _print_plan_block(console, engine, settings, entry, shown, [p for _, p in loaded], lang)
    elif runs:
        plan_key = runs[0].plan_id
        plan, notice = _period_notice(loaded, plan_key, lang)
        several = plan_ref is None and (len(settings.plans) > 1 or len({r.plan_id for r in runs}) > 1)
        print_kept_advice(console, engine, plan_key, runs[0].id, notice=notice,
                          named=(plan.name if plan is not None else plan_key) if several else None, plan=plan,
                          lang=lang)
    engine.dispose()


def _version_text(engine: Engine, plan_id: str, lang: str = "en") -> str | None:
    """``version 3 (plans/pac-2027.yaml, imported 2027-01-01 01:00 UTC)``: the plan's latest stored version."""
    latest = repo.latest_plan_version(engine, plan_id)
    if latest is None:
        return None
    return WORDS[lang]["version"].format(version=latest.version, path=latest.source_path,
                                         at=moment(latest.imported_at, lang))


def _print_plan_block(console: Console, engine: Engine, settings: Any, ps: Any, plan: Plan,
                      plans: list[Plan], lang: str = "en") -> None:
    """One plan's block of ``pac status`` when the settings hold several (audit reverify N2): its name and last run,
    then, indented and each naming the plan, its period notice with its advice, and its nightly sync once it ended.
    Each plan's own lines, whichever plan ran last (they were all the last run's plan's)."""
    w = WORDS[lang]
    head = w["block"].format(key=ps.key, name=plan.name, id=plan.id)
    found = repo.runs(engine, plan.id, limit=5)
    last = next((r for r in found if r.status != "locked"), found[0] if found else None)
    clock = ps.as_of or datetime.now(UTC)
    notice = period_line(plan, clock, lang, next_plan=following(plan, plans))
    console.print()
    if last is None:
        console.print(w["no_run_of"].format(head=head, key=ps.key), markup=False, soft_wrap=True)
        if notice is not None:
            console.print(f"  {notice}", markup=False, soft_wrap=True)
        return
    version = _version_text(engine, plan.id, lang)
    console.print(w["last_run"].format(head=head, run=last.id, status=status_words(last.status, lang),
                                       dry=w["dry"] if last.dry_run else "", at=moment(last.started_at, lang))
                  + (f"{w['semicolon']}{version}" if version else ""), markup=False, soft_wrap=True)
    left_out = _left_out_line(last, ps.key, lang)
    if left_out is not None:
        console.print(f"  {left_out}", markup=False, soft_wrap=True)
    scheduled = schedule_line(plan, ps.schedule or settings.schedule, ps.key, clock, named=True, lang=lang)
    if scheduled is not None:
        console.print(f"  {scheduled}", markup=False, soft_wrap=True)
    print_kept_advice(console, engine, plan.id, last.id, notice=notice, named=plan.name, indent="  ", plan=plan,
                      lang=lang)


def warning_lines(counts: dict[str, Any], lang: str) -> list[str]:
    """The last run's data-quality warnings (``_warnings``): won deals with no amount, activities still planned on a
    past date, accounts in France whose postal code gives no département, each counted and, in French, agreed with
    its count (« 1 affaire gagnée sans montant, comptée comme gagnée », « 3 activités encore planifiées »; they read
    « affaire(s) gagnée(s) »)."""
    w = WORDS[lang]
    warned, planned = _warnings(counts)
    lines = [w["no_amount"].format(n=warned, **agreed(warned))] if warned else []
    if planned:
        lines.append(w["planned"].format(n=planned, activities=w["activity" if planned == 1 else "activities"],
                                         **agreed(planned)))
    if unplaced := _unplaced(counts):
        lines.append(w["unplaced"].format(n=unplaced, **agreed(unplaced, feminine=False)))
    return lines


def _rejected(counts: dict[str, Any]) -> tuple[int, int | None]:
    """A run's rejected records and how many of them are new, None when the run did not compare them with the
    previous run's (it stopped before, or was logged before pac compared)."""
    rejected = sum(int(c.get("rejected", 0)) for c in counts.values())
    compared = any("rejected_new" in c for c in counts.values())
    return rejected, sum(int(c.get("rejected_new", 0)) for c in counts.values()) if compared else None


def _deleted(counts: dict[str, Any]) -> int | None:
    """A run's records found deleted in the CRM, the sum of `pac sync`'s « deleted » column; None (a blank cell, as
    the summary's) when the run recorded none: an incremental night with no deletion, a run that stopped before
    reading (audit smallleft)."""
    found = [int(c["deleted"]) for c in counts.values() if "deleted" in c]
    return sum(found) if found else None


def _unplaced(counts: dict[str, Any]) -> int:
    """A run's accounts in France whose postal code gives no département (``engine.unplaced_accounts``), counted
    since 7 Dec 2026: a run recorded before has none."""
    return int((counts.get("accounts") or {}).get("postal_code_unplaced", 0))


def _warnings(counts: dict[str, Any]) -> tuple[int, int]:
    """A run's data-quality warnings: won deals with no amount, activities still planned on a past date, counted apart
    from the object's other warnings (credits, amounts taken from lines...: audit explainhand, one deal without amount
    and one credit read « 2 won deal(s) with no amount »); a run recorded before has its object's warnings only."""
    bucket = {kind: counts.get(kind, {}) for kind in ("deals", "activities")}
    deals, activities = (int(bucket[kind].get(figure, bucket[kind].get("warnings", 0)))
                         for kind, figure in (("deals", "no_amount"), ("activities", "planned_past")))
    return deals, activities


def _left_out_line(run: Any, plan_key: str, lang: str = "en") -> str | None:
    """``Run 12 of main: 2 rejected records (2 new), 1 won deal with no amount: pac status --plan main lists
    them``: a plan's block says what its own last run left out, whichever plan ran last (audit multi F5: the
    tables below the runs are the last run's only, and another plan's rejected deal was listed nowhere), and how many
    items it removed from the plan (``retired_kept``, audit removedplan)."""
    w = WORDS[lang]
    counts = run.counts or {}
    rejected, new = _rejected(counts)
    parts = []
    if rejected:
        parts.append(w["rejected_records"].format(n=rejected, s="s" if rejected != 1 else "",
                                                  new=new_part(rejected, new, lang)))
    warned, planned = _warnings(counts)
    if warned:
        parts.append(w["deal_no_amount"].format(n=warned, s="s" if warned != 1 else ""))
    if planned:
        parts.append(w["planned_past"].format(n=planned, s="s" if planned != 1 else "",
                                              activities=w["activity" if planned == 1 else "activities"]))
    if unplaced := _unplaced(counts):
        parts.append(w["unplaced_accounts"].format(n=unplaced, s="s" if unplaced != 1 else ""))
    removed = len(split(getattr(run, "removed", None), run.errors or ())[0])    # what the run took out of the plan
    if removed:
        parts.append(w["removed_items"].format(n=removed, s="s" if removed != 1 else ""))
    if not parts:
        return None
    return w["left_out"].format(run=run.id, key=plan_key, parts=", ".join(parts))


def _schedule_after_end(settings: Any, loaded: list[tuple[Any, Plan]], plan_id: str, lang: str = "en"
                        ) -> str | None:
    """Whether ``pac schedule`` still syncs the ended plan ``plan_id`` (``sync_jobs.schedule_end``), on its settings'
    clock as ``_period_notice``; None while it runs, or when no plan of the settings (``loaded``) has that id."""
    for ps, plan in loaded:
        if plan.id == plan_id:
            return schedule_line(plan, ps.schedule or settings.schedule, ps.key, ps.as_of or datetime.now(UTC),
                                 lang=lang)
    return None


def _period_notice(loaded: list[tuple[Any, Plan]], plan_id: str, lang: str | None = None
                   ) -> tuple[Plan | None, str | None]:
    """The settings' plan ``plan_id`` (None when no plan file of the settings, ``loaded``, has that id), and the line
    saying it is over, naming the next plan the settings hold, or not begun (``pac_core.plan_end``), on its
    settings' clock (``as_of``, else now); None while it runs. ``lang``: its language (None: the plan's)."""
    for ps, plan in loaded:
        if plan.id == plan_id:
            following_plan = following(plan, (p for _, p in loaded))
            return plan, period_line(plan, ps.as_of or datetime.now(UTC), lang, next_plan=following_plan)
    return None, None
