"""``pac sync``: one run of the nightly job, and how its result is shown (``pac status``, ``pac schedule`` and
``pac demo`` have their own modules: ``sync_jobs.cli_status``, ``cli_schedule``, ``cli_demo``).

Settings come from ``PAC_CONFIG`` (default: the shipped ``config/pac.yaml``); the store from
``PAC_DATABASE_URL`` or the settings. Exit codes: ``sync_jobs.exit_codes`` (a run's from its status).
"""

from __future__ import annotations

import sys
from datetime import UTC
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from connectors.base import ConnectorError
from pac_config.secretsfile import SECRETS_FILE
from pac_core.errors import InvalidInput
from pac_core.periods import day_words
from pac_core.plan import Plan
from pac_core.plan_end import period_line, plan_ended
from pac_core.plan_warnings import words_of
from sync_jobs import cli_common, textsafe
from sync_jobs.crm_exit import crm_error_words, crm_exit_code
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_CRM, EXIT_LOCKED, exit_code_for
from sync_jobs.lock import CONNECTOR_LOCK, LockHeld
from sync_jobs.logs import redact
from sync_jobs.notice_words import notice_words
from sync_jobs.notify import after_sync
from sync_jobs.pipeline import RunResult, run_sync
from sync_jobs.plan_refusal import plan_problems
from sync_jobs.rejections import group_rejections
from sync_jobs.run_status import RunStatus
from sync_jobs.run_views import (
    ProgressView,
    agreed,
    api_lines,
    counts_table,
    examples,
    french_reason,
    grouped,
    new_part,
    object_words,
    reason_words,
    status_words,
)

# `pac sync` in one language (``--lang``, English by default, as `pac status`, the run's other view: the run log,
# its errors and the CRMs' own messages are English, and the nightly output read by cron mails and scripts does not
# change on an upgrade). The plan's own warnings and the run's errors are printed as the run words them.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "no_run_kept": "pac sync: the settings file does not load, so this night is kept in no store (the store is "
                       "named in that file): `pac status` will show the night before as the last run. Fix the file "
                       "(below), then run `pac sync` again or let the next night run.",
        # the secrets file (PAC_SECRETS_FILE) may hold the store's URL (PAC_DATABASE_URL): refused, the store is
        # unknown too
        "no_run_kept_secrets": "pac sync: the secrets file (PAC_SECRETS_FILE) is refused, so this night is kept in "
                               "no store (the store's URL may be in that file): `pac status` will show the night "
                               "before as the last run. Fix the secrets file (below; the settings file is not in "
                               "question), then run `pac sync` again or let the next night run.",
        "changes": "Changes a real run would write (dry run: nothing was written)",
        "changes_stopped": "Changes found before the run stopped (dry run: nothing was written; the list may be "
                           "incomplete)",
        "crm": "CRM", "record": "record", "field": "field", "last_written": "last written", "new_value": "new value",
        "new_record": "(new record)", "below": "(in full below)", "long_last": "{where} last written: {value}",
        "long_new": "{where} new value: {value}",
        "dry_stopped": "Dry run stopped before it knew what to write (why: below); nothing was written.",
        "dry_nothing": "Dry run: nothing to write, the CRMs are up to date.",
        "rejected": "{n} rejected{new}: records counted nowhere (fix them in the CRM; `pac status` lists them"
                    "{known}):",
        "known": "; the known ones, rejected for the same reason by the previous run, leave the exit code alone",
        "group": "  {object}: {reason} x{n}, e.g. {examples}",
        "warnings": "{n} data-quality warning(s): fix them in the CRM (`pac explain AXIS` lists the deals, "
                    "`pac explain ACTION` the activities):",
        "title": "Sync of {plan}: {status}",
        "warning": "[yellow]warning:[/] ", "conflict": "[yellow]conflict:[/] ", "restored": "restored: ",
        "more": "… {n} more warnings like these: this run's log has each one (pac.sync events sync.unknown_owner, "
                "sync.remembered_email, sync.unmeasured, sync.relabelled)",
        "plan": "plan: {key} {field} = {value} (from {where})", "cannot_connect": "cannot connect",
    },
    "fr": {
        "no_run_kept": "pac sync : le fichier de réglages ne se charge pas, donc cette nuit n'est gardée dans aucune "
                       "base (la base est nommée dans ce fichier) : `pac status` montrera la nuit d'avant comme la "
                       "dernière exécution. Corrigez le fichier (ci-dessous), puis relancez `pac sync` ou laissez la "
                       "prochaine nuit s'exécuter.",
        "no_run_kept_secrets": "pac sync : le fichier de secrets (PAC_SECRETS_FILE) est refusé, donc cette nuit "
                               "n'est gardée dans aucune base (l'URL de la base peut être dans ce fichier) : `pac "
                               "status` montrera la nuit d'avant comme la dernière exécution. Corrigez le fichier de "
                               "secrets (ci-dessous ; le fichier de réglages n'est pas en cause), puis relancez `pac "
                               "sync` ou laissez la prochaine nuit s'exécuter.",
        "changes": "Modifications qu'une vraie exécution écrirait (à blanc : rien n'a été écrit)",
        "changes_stopped": "Modifications trouvées avant l'arrêt de l'exécution (à blanc : rien n'a été écrit ; la "
                           "liste peut être incomplète)",
        "crm": "CRM", "record": "enregistrement", "field": "champ", "last_written": "dernière valeur écrite",
        "new_value": "nouvelle valeur", "new_record": "(nouvel enregistrement)", "below": "(en entier ci-dessous)",
        "long_last": "{where} dernière valeur écrite : {value}", "long_new": "{where} nouvelle valeur : {value}",
        "dry_stopped": "Exécution à blanc arrêtée avant de savoir quoi écrire (pourquoi : ci-dessous) ; rien n'a "
                       "été écrit.",
        "dry_nothing": "Exécution à blanc : rien à écrire, les CRM sont à jour.",
        "rejected": "{n} rejeté{s}{new} : enregistrement{s} compté{s} nulle part (corrigez-{them} dans le CRM ; "
                    "`pac status` {them} liste{known}) :",
        "known": " ; les connus, rejetés pour le même motif par l'exécution précédente, ne changent pas le code de "
                 "sortie",
        "group": "  {object} : {reason} x{n}, p. ex. {examples}",
        "warnings": "{n} alerte{s} de qualité des données : corrigez-{them} dans le CRM (`pac explain AXE` liste les "
                    "affaires, `pac explain ACTION` les activités) :",
        "title": "Synchronisation de {plan} : {status}",
        "warning": "[yellow]attention :[/] ", "conflict": "[yellow]conflit :[/] ", "restored": "rétabli : ",
        "more": "… {n} autres alertes de ce genre : le journal de cette exécution a chacune (événements pac.sync "
                "sync.unknown_owner, sync.remembered_email, sync.unmeasured, sync.relabelled)",
        "plan": "plan : {key} {field} = {value} (depuis {where})", "cannot_connect": "connexion impossible",
        # a run of the plan (or of another plan using one of its connectors) holds the lock (``lock.LockHeld``)
        "locked": "le plan {plan!r} est déjà en cours de synchronisation par {who}{when}",
        "locked_connector": "le connecteur {plan!r} est en cours de synchronisation par {who}{when}, pour un autre "
                            "plan qui l'utilise",
        "locked_fix": " (attendez qu'elle finisse, ou passez --wait SECONDES pour attendre derrière elle)",
        "another_process": "un autre processus", "since": " depuis le {day} à {time} UTC",
    },
}

# how a dry run that got through ends (its status is the real run's: ok, partial; or dry_run)
DRY_RUN_THROUGH = (RunStatus.OK, RunStatus.PARTIAL, RunStatus.DRY_RUN)
LONG_VALUE = 80   # characters of a value's repr shown in the dry run's table; longer ones are printed below it


def print_changes(console: Console, changes: dict[str, list[Any]],
                  previous: dict[str, dict[str, dict[str, Any]]] | None = None, *, stopped: bool = False,
                  lang: str = "en") -> None:
    """The dry run's exact changes: one line per CRM record and field, with the value last written. ``stopped``:
    the run did not get through (a CRM refused or unreachable...), so no changes do not mean "up to date". The
    fields and values are the CRM's, in every language."""
    w = WORDS[lang]
    table = Table(title=w["changes_stopped" if stopped else "changes"])
    for col in ("crm", "record", "field", "last_written", "new_value"):
        table.add_column(w[col])
    n = 0
    long: list[str] = []     # long texts (KPI line, advice) in full below the table, one line each, never wrapped
    for connector, items in changes.items():
        for change in items:
            old = (previous or {}).get(connector, {}).get(change.key)
            for field, value in change.fields.items():
                before = w["new_record"] if old is None else repr(old.get(field))
                after = repr(value)
                where = f"{connector} {change.target.value} {change.key} {field}"
                if len(before) > LONG_VALUE:
                    long.append(w["long_last"].format(where=where, value=before))
                    before = w["below"]
                if len(after) > LONG_VALUE:
                    long.append(w["long_new"].format(where=where, value=after))
                    after = w["below"]
                table.add_row(connector, f"{change.target.value} {change.key}", field, before, after)
                n += 1
    if n:
        console.print(table)
        for line in long:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(w["dry_stopped" if stopped else "dry_nothing"])


def _count(n: int, lang: str) -> str:
    """A count of a sentence: grouped by thousands in French (« 1 204 rejetés »), as English always wrote it."""
    return str(n) if lang == "en" else grouped(n, lang)


def print_rejection_summary(console: Console, result: Any, lang: str = "en") -> None:
    """The end of ``pac sync``: how many records were left out (how many of them new), by object and reason,
    where to see them; in French each group's reason as `pac status --lang fr` words it (``french_reason``)."""
    if not result.rejections:
        return
    w = WORDS[lang]
    groups = group_rejections(result.rejections, result.labels, examples=2)
    compared = result.status in ("ok", "partial", "dry_run")
    n = len(result.rejections)
    new = len(result.new_rejections) if compared else None
    known = w["known"] if compared and new != n else ""
    console.print(w["rejected"].format(n=_count(n, lang), new=new_part(n, new, lang), known=known,
                                       **agreed(n, feminine=False)),
                  markup=False)
    for g in groups:
        reason = french_reason(g) if lang == "fr" else reason_words(g.reason)
        console.print(w["group"].format(object=object_words(g.object, lang), reason=reason, n=_count(g.count, lang),
                                        examples=examples(g, lang)), markup=False)


def print_warning_summary(console: Console, result: Any, lang: str = "en") -> None:
    """Records with a data-quality problem, listed so someone fixes them in the CRM; they never make a run partial:
    won deals with no amount (counted as won, worth 0) and activities still planned on a past date that would count
    for an action but for their outcome or status (counted nowhere until it is updated)."""
    if not result.warnings:
        return
    w = WORDS[lang]
    groups = group_rejections(result.warnings, result.labels, examples=3)
    n = len(result.warnings)
    console.print(w["warnings"].format(n=_count(n, lang), **agreed(n)), markup=False)    # une alerte : corrigez-la
    words = WARNING_WORDS[lang]
    for g in groups:
        console.print(w["group"].format(object=object_words(g.object, lang), reason=words.get(g.reason, g.reason),
                                        n=_count(g.count, lang), examples=examples(g, lang)), markup=False)


# the plan's warnings printed under the table (a 1,200-action plan with 111 reps unknown to the CRMs printed 460
# lines, audit bigplan); the others are counted, each is in the run's log
MAX_WARNINGS_SHOWN = 10

WARNING_WORDS = {
    "en": {"no_amount": "won deal with no amount, counted as won and worth 0",
           "credit": "won deal with a negative amount (a credit), subtracted from the won revenue",
           "amount_from_lines": "won deal with an empty amount, worth the sum of its line items",
           "amount_differs_from_lines": "deal amount differs from its line items (product axes count the lines)",
           "line_unknown_currency": "product line in a currency no rate converts into the plan's: counted 0 on "
                                    "product axes (add the rate to engine.fx_rates in pac.yaml)",
           "planned_past": "still planned on a past date, counted nowhere: update its outcome or status",
           "annual_revenue_no_rate": "annual revenue in a currency no rate converts into the plan's: unknown to "
                                     "annual_revenue scopes (add the rate to engine.fx_rates in pac.yaml)",
           "lost_account_unknown": "key account declared lost in the plan (context) matches no account of the CRMs: "
                                   "write its name as the CRM does, or its id",
           "postal_code_unplaced": "account in France whose postal code gives no département: in no département or "
                                   "région scope (correct the postal code in the CRM)"},
    "fr": {"no_amount": "affaire gagnée sans montant, comptée comme gagnée, pour 0",
           "credit": "affaire gagnée de montant négatif (un avoir), déduite du CA gagné",
           "amount_from_lines": "affaire gagnée au montant vide, valant la somme de ses lignes de produits",
           "amount_differs_from_lines": "montant de l'affaire différent de ses lignes de produits (les axes de "
                                        "produits comptent les lignes)",
           "line_unknown_currency": "ligne de produit dans une devise qu'aucun taux ne convertit dans celle du plan : "
                                    "comptée 0 sur les axes de produits (ajoutez le taux à engine.fx_rates dans "
                                    "pac.yaml)",
           "planned_past": "toujours prévue à une date passée, comptée nulle part : mettez à jour son résultat ou son "
                           "statut",
           "annual_revenue_no_rate": "CA annuel dans une devise qu'aucun taux ne convertit dans celle du plan : "
                                     "inconnu des périmètres annual_revenue (ajoutez le taux à engine.fx_rates dans "
                                     "pac.yaml)",
           "lost_account_unknown": "compte clé déclaré perdu dans le plan (contexte) qui n'est aucun compte des CRM : "
                                   "écrivez son nom comme le CRM l'écrit, ou son id",
           "postal_code_unplaced": "compte en France dont le code postal ne donne aucun département : hors de tout "
                                   "périmètre département ou région (corrigez le code postal dans le CRM)"},
}


def print_result(console: Console, result: Any, next_plan: Plan | None = None, lang: str = "en") -> None:
    """The run's counts, API calls, errors and warnings, the plan's state it changed, and the plan outside its
    period (``pac_core.plan_end.period_line``: ended, naming ``next_plan`` when the settings hold it, or not
    begun; in the plan's language under English, as it always was, in French under ``lang="fr"``). The errors and
    the CRMs' warnings are printed as the run words them (the run log's texts, `pac status` shows them so too); the
    plan's warnings in ``lang`` (``pac_core.plan_warnings``)."""
    w = WORDS[lang]
    console.print(counts_table(w["title"].format(plan=result.plan_id, status=status_words(result.log_status, lang)),
                               result.counts, lang))
    for line in api_lines(result, lang):
        console.print(line, markup=False)
    for error in result.errors[:20]:     # a stop on the API quota in French under --lang fr (audit frwords)
        console.print(f"[yellow]![/] {textsafe.markup(notice_words(error, lang))}", markup=True)
    # the plan's warnings in the output's language (``pac_core.plan_warnings``; free text as worded: audit warnfr)
    unmeasured = words_of(getattr(result, "unmeasured", []) or [], lang)
    # one line per connector at most each, kept for pac status in English; here in the output's language, those
    # ``notice_words`` knows (audit frwords: the French night printed them in English)
    lacking = [notice_words(line, lang) for line in [*(getattr(result, "lacking", []) or []),
                                                     *(getattr(result, "copies", []) or []),
                                                     *(getattr(result, "notices", []) or [])]]
    others = [*unmeasured, *words_of(getattr(result, "relabelled", []) or [], lang)]
    shown = others[:MAX_WARNINGS_SHOWN]                        # lacking printed where it was: after the unmeasured
    for warning in [*shown[:len(unmeasured)], *lacking, *shown[len(unmeasured):]]:
        console.print(f"{w['warning']}{textsafe.markup(warning)}", markup=True, highlight=False)
    if len(others) > len(shown):
        console.print(w["more"].format(n=len(others) - len(shown)), markup=False, highlight=False)
    print_plan_state(console, result, lang)
    plan, evaluation = getattr(result, "plan", None), getattr(result, "evaluation", None)
    outside = period_line(plan, evaluation.as_of, "fr" if lang == "fr" else None, next_plan=next_plan) \
        if plan is not None and evaluation is not None else None
    if outside is not None:     # past the plan's period or before it: said once (pac_core.plan_end)
        console.print(outside, markup=False, highlight=False)


def print_plan_state(console: Console, result: Any, lang: str = "en") -> None:
    """The manager-editable values this run changed (from the file or a CRM user), its conflicts, the hand-changed
    PAC fields it restored (``sync_jobs.overrides``)."""
    w = WORDS[lang]
    changed = getattr(result, "state_changes", {}) or {}
    for (_target, key, field), change in sorted(changed.items()):
        where = "le fichier du plan" if lang == "fr" and change.source == "file" else change.where()
        console.print(w["plan"].format(key=key.split(':', 1)[-1], field=field, value=repr(change.value), where=where),
                      markup=False)
    for conflict in getattr(result, "conflicts", []) or []:
        console.print(f"{w['conflict']}{textsafe.markup(conflict)}", markup=True, highlight=False)
    for drift in getattr(result, "drift", []) or []:
        console.print(f"{w['restored']}{drift}", markup=False)
    for line in getattr(result, "retired", []) or []:
        console.print(line, markup=False, highlight=False)


@click.command("sync")
@click.option("--plan", "plan_ref", help="Plan name in the settings (default: the only plan).")
@click.option("--dry-run", is_flag=True, help="Print the exact changes per CRM record and field; write nothing.")
@click.option("--full", is_flag=True, help="Read everything (detects records deleted in the CRM).")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait if another run of this plan holds the lock (else exit 3).")
@cli_common.as_of_flag
@click.option("--keep-plan-id", is_flag=True,
              help="Continue the plan's id into a period that does not overlap its last one (a new year's plan "
                   "under last year's name): its CRM records are overwritten. Default: refused (exit 2).")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of pac's own lines (the plan's warnings and the CRMs' errors as the run words them).")
def sync_cmd(plan_ref: str | None, dry_run: bool, full: bool, wait: float, as_of: str | None,
             keep_plan_id: bool, lang: str) -> None:
    """Pull from the CRMs, evaluate the plan, write back only what changed."""
    console = cli_common.table_console()
    w = WORDS[lang]
    try:
        settings = cli_common.settings()
    except InvalidInput as exc:   # the store is named in that file: no run can be kept, the terminal alone says it
        secrets_only = bool(exc.problems) and all(p.path == SECRETS_FILE for p in exc.problems)   # newcomer2
        textsafe.echo(w["no_run_kept_secrets" if secrets_only else "no_run_kept"], err=True)
        raise
    # the same forms as every --as-of: without an offset, in the plan's timezone (audit leftsmall)
    when = cli_common.as_of(as_of, cli_common.plan_zone(settings, plan_ref, as_of))
    try:
        with ProgressView(textsafe.console(stderr=True), lang=lang) as view:
            result = run_sync(plan_ref, settings, dry_run=dry_run, full=full, wait=wait, as_of=when,
                              progress=view, keep_plan_id=keep_plan_id)
    except LockHeld as exc:
        textsafe.echo(lock_words(exc, lang), err=True)
        sys.exit(EXIT_LOCKED)
    except InvalidInput as exc:   # a French plan that does not load is refused in French (audit frwords)
        if lang == "en":
            raise
        textsafe.echo("\n".join(plan_problems(exc.problems, settings.plan(plan_ref).file, lang)), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except ConnectorError as exc:    # a CRM error outside the run's steps (a variable not set is InvalidInput: 2),
        # with the table's code as inside them: a request refused as invalid 2, the quota 5, the rest 4
        textsafe.echo(redact(crm_error_words(exc, w["cannot_connect"])), err=True)
        sys.exit(crm_exit_code(exc) or EXIT_CRM)
    if dry_run:
        print_changes(console, result.changes, result.previous, stopped=result.status not in DRY_RUN_THROUGH,
                      lang=lang)
    print_result(console, result, _next_plan(settings, result), lang)
    print_rejection_summary(console, result, lang)
    print_warning_summary(console, result, lang)
    if not dry_run:   # the nightly run's last step: the digests (notifications.enabled), never failing the run
        instant = result.evaluation.as_of if result.evaluation is not None else None   # the night the run evaluated
        after_sync(settings, plan_ref, result.status, as_of=instant)
    sys.exit(run_exit_code(result))


def lock_words(exc: LockHeld, lang: str) -> str:
    """Why this run could not start: another run holds its plan's lock (or one of its connectors'), who and since
    when, what to do; in English the lock's own words (``LockHeld``), in French the same said in French, the day in
    words (« depuis le 3 mai 2027 à 02:00:00 UTC »)."""
    if lang == "en":
        return str(exc)
    w = WORDS[lang]
    since = exc.since.astimezone(UTC) if exc.since is not None else None
    when = w["since"].format(day=day_words(since.date(), lang), time=f"{since:%H:%M:%S}") if since else ""
    connector = exc.plan_id.startswith(CONNECTOR_LOCK)
    head = w["locked_connector" if connector else "locked"].format(
        plan=exc.plan_id.removeprefix(CONNECTOR_LOCK), who=exc.holder or w["another_process"], when=when)
    return head + w["locked_fix"]


def _next_plan(settings: Any, result: RunResult) -> Plan | None:
    """For an ended plan, the plan the settings hold for what follows (the other plans' files are read then
    only)."""
    plan, evaluation = getattr(result, "plan", None), getattr(result, "evaluation", None)
    if plan is None or evaluation is None or not plan_ended(plan, evaluation.as_of):
        return None
    return cli_common.following_plan(settings, plan)


def run_exit_code(result: RunResult) -> int:
    """The exit code of a finished run, from its status (``sync_jobs.exit_codes.exit_code_for``)."""
    return exit_code_for(result.status)
