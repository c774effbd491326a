"""``pac explain ID``: why an action counts what it counts, or which deals make an axis's revenue.

An action id lists its counted activities and near misses (then the rep's rejected records near the window);
an axis id lists its counted deals (amount, close date, owner, product lines) and those left out, with
reasons. ``--lang fr|en`` chooses the one language of the whole output (default: the plan's). The figures are
the stored records': a note under the header says when the plan's last sync did not get through, or never read
the object the figures count (``stale_note``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

import click
from rich.console import JustifyMethod
from rich.table import Table

from pac_config.settings import engine_settings
from pac_core.decision_words import REASONS
from pac_core.engine_settings import SETTINGS_FILE
from pac_core.explain import (
    account_state_notes,
    also_counted_by,
    detail_words,
    explain_action,
    explain_axis,
    split_partners,
)
from pac_core.matching import local_minute
from pac_core.near_misses import rejected_candidates
from pac_core.periods import day_words
from pac_core.plan import Plan
from pac_core.records import Account, Deal
from pac_core.revenue import last_day
from sync_jobs import cli_common
from sync_jobs.app import Current, current
from sync_jobs.coverage import remembered_notes
from sync_jobs.exit_codes import EXIT_BAD_INPUT
from sync_jobs.plan_fallback import readable_plan
from sync_jobs.plan_identity import retired_item_words
from sync_jobs.report.scrub import one_environment, scrub
from sync_jobs.run_status import RunStatus
from sync_jobs.run_views import reason_words
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from sync_jobs.store.db import stored_instant
from sync_jobs.store.tables import Run
from sync_jobs.store_guard import require_sync

TITLES = {
    "fr": {"record": "enregistrement", "CRM": "CRM", "account": "compte", "when": "quand", "reason": "raison",
           "detail": "détail", "deal": "affaire", "owner": "propriétaire", "close": "clôture", "amount": "montant",
           "lines": "lignes de produit", "subject": "objet",
           "rejected": "Enregistrements rejetés de {who} pendant ou près de la période (comptés nulle part : "
                       "à corriger dans le CRM)"},
    "en": {"record": "record", "CRM": "CRM", "account": "account", "when": "when", "reason": "reason",
           "detail": "detail", "deal": "deal", "owner": "owner", "close": "close date", "amount": "amount",
           "lines": "product lines", "subject": "subject",
           "rejected": "Rejected records of {who} in or near the window (counted nowhere: fix them in the CRM)"},
}


@click.command("explain")
@click.argument("item_id", metavar="ID")
@click.option("--plan", "plan_ref", help="Plan name in the settings.")
@cli_common.as_of_flag
@click.option("--limit", default=50, show_default=True, help="Rows listed (counted first, then the others).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the output (default: the plan's).")
def explain_cmd(item_id: str, plan_ref: str | None, as_of: str | None, limit: int, lang: str | None) -> None:
    """Why ID counts what it counts, from the stored records: an action (A-01) lists the activities counted
    and the near misses; an axis (AX-...) lists the won deals counted and left out, with amounts, close
    dates, owners, product lines and reasons, then those of its baseline a year earlier."""
    # an unknown id is refused before the store is read; a file that does not load: the plan of the last sync
    settings, ps, plan = readable_plan(cli_common.settings(read_only=True), plan_ref, "the explanation")
    plan_ref = ps.key
    if item_id not in {a.id for a in plan.axes} | {a.id for a in plan.actions}:
        actions, axes = ", ".join(a.id for a in plan.actions), ", ".join(a.id for a in plan.axes)
        words = _lang(plan, lang)   # the refusal in explain's one language too (audit removedplan)
        click.echo(f"aucune action ni aucun axe {item_id!r} dans le plan {plan.name!r} (actions : {actions} ; axes : "
                   f"{axes})" if words == "fr" else
                   f"no action or axis {item_id!r} in plan {plan.name!r} (actions: {actions}; axes: {axes})", err=True)
        retired = retired_item_words(plan, item_id, settings, words)
        if retired is not None:
            click.echo(retired, err=True)
        sys.exit(EXIT_BAD_INPUT)
    when = cli_common.as_of(as_of, plan.timezone)     # a bad --as-of is said first, as before the store is read
    require_sync(settings.database(), settings.plan(plan_ref).key, plan.id)   # as current() does with its own store
    axis = any(a.id == item_id for a in plan.axes)
    kind = "deals" if axis else "activities"
    # a deal split between axes names the others (``split_partners``), one counted whole by several axes too
    # (``also_counted_by``, attribution: full): every axis's counted deals listed
    split = axis and engine_settings(settings, plan.currency).attribution == "split"
    engine = open_store(settings.database())    # one store for the figures and the stale note
    try:
        now = current(settings, plan_ref, as_of=when, explain=[item_id], plan=plan, engine=engine, all_deals=axis)
        last = repo.runs(engine, plan.id, limit=1, include_dry=False)
        versions = repo.plan_versions(engine, plan.id) if as_of else []
        # an object read once has a watermark, per connector and object ("activities", or "activities:Task")
        read = {connector for connector, obj in repo.watermarks(engine) if obj.split(":")[0] == kind}
        # the other companies of the action's activities placed on one of several (HubSpot engagements)
        others = {} if axis else store_records.also_on(
            engine, list(now.settings.connectors), [d.record_id for d in now.evaluation.action(item_id).decisions])
    finally:
        engine.dispose()
    unread = [c for c in now.settings.connectors if c not in read]
    stale = stale_note(last[0] if last else None, unread, kind, _lang(now.plan, lang))
    notes = [stale, plan_since_note(versions, now.evaluation.as_of, now.plan.timezone, _lang(now.plan, lang))]
    note = "\n".join(n for n in notes if n) or None
    with one_environment():     # the CRM texts shown hide pac's own credentials (``scrub``), as the report does
        if axis:
            # the rates a converted deal is counted at, in the words of where they come from (rate_words)
            crms = {c.name: c.crm for c in settings.connectors}
            tunables = engine_settings(settings, now.plan.currency)
            _axis(now, item_id, limit, lang, note, tunables.fx_rates, crms, tunables.settings_file,
                  tunables.dormant_default_months, split)
        else:
            _action(now, item_id, limit, lang, note, others, stale=stale is not None)


def _crm_text(value: Any) -> Any:
    """A CRM or plan text as shown: pac's own credentials hidden (a token pasted in a subject: ``report.scrub``), every
    other word as written (« decided 7 Dec 2026 (audit secretsaudit) », docs/operations.md, Secrets)."""
    return scrub(value) if isinstance(value, str) else value


def also_on_names(others: Mapping[tuple[str, str], Iterable[str]], accounts: Iterable[Account]
                  ) -> dict[tuple[str, str], list[str]]:
    """(source, activity id) -> its other accounts as ``pac explain`` names them, « Durand Lyon (69003) » (the
    account's name and postal code; its id when the store holds no such account)."""
    if not others:
        return {}
    known = {(a.source, a.id): f"{a.name} ({a.postal_code})" if a.postal_code else a.name for a in accounts}
    return {(source, i): [known.get((source, c), c) for c in ids] for (source, i), ids in others.items()}


def _lang(plan: Plan, lang: str | None) -> str:
    return lang or (plan.language if plan.language in TITLES else "en")


STATUS_WORDS = {"fr": {"failed": "échouée", "quota_stopped": "arrêtée pour ne pas dépasser sa part du quota d'API",
                       "partial": "partielle", "ok": "réussie", "running": "pas terminée"},
                "en": {"failed": "failed", "quota_stopped": "stopped to stay within its share of the API quota",
                       "partial": "partial", "ok": "ok", "running": "not finished"}}
GOT_THROUGH = frozenset(s.value for s in RunStatus if s.got_through)   # the run log's words: ok, partial
OBJECT_WORDS = {"fr": {"activities": "les activités", "deals": "les affaires"},
                "en": {"activities": "the activities", "deals": "the deals"}}


def stale_note(last: Run | None, unread: list[str], kind: str, lang: str) -> str | None:
    """One line under the header when the figures below are not the CRM's: the plan's last real run (not a dry run,
    not a fire that could not start) did not get through (failed, quota_stopped, or still ``running``: never
    finished), so the records are those read before it; or ``kind`` (activities for an action, deals for an axis)
    was never read from the ``unread`` connectors of the plan (no watermark: no run read it), so the figures count
    none of theirs. With the run's date, status and first error, as ``pac status`` lists them, and what to do.
    None when the last run got through (ok, or partial: it read everything, and its rejected records are listed
    below an action's table) and every connector was read."""
    if last is None or (last.status in GOT_THROUGH and not unread):
        return None
    fr = lang == "fr"
    status = STATUS_WORDS[lang].get(last.status, last.status)
    error = next(iter(last.errors[0].splitlines()), "") if last.errors else ""
    when = f"{day_words(last.started_at.date(), 'fr')} à {last.started_at:%H:%M} UTC" if fr else \
        f"{last.started_at:%Y-%m-%d %H:%M} UTC"     # in French the days in words (audit frenchwords)
    said = f"{status} : {error}" if fr and error else f"{status}: {error}" if error else status
    if unread:
        what = OBJECT_WORDS[lang][kind]
        if fr:
            return (f"Attention : aucune synchronisation n'a encore lu {what} de {', '.join(unread)} : ces chiffres "
                    f"n'en comptent aucune (dernière synchronisation le {when}, {said}). Corrigez la cause, puis "
                    "lancez `pac sync` ; `pac status` liste les problèmes de la dernière synchronisation.")
        return (f"Note: no sync has read {what} of {', '.join(unread)} yet: these figures count none of them (last "
                f"sync {when}, {said}). Fix the cause, then run `pac sync`; `pac status` lists the last sync's "
                "problems.")
    if fr:
        return (f"Attention : la dernière synchronisation de ce plan (le {when}) n'a pas abouti ({said}) : ces "
                "chiffres viennent des enregistrements lus avant elle, pas du CRM à jour. Corrigez la cause, puis "
                "lancez `pac sync` ; `pac status` liste ses problèmes.")
    return (f"Note: the last sync of this plan ({when}) did not get through ({said}): these figures are from the "
            "records read before it, not the CRM's latest. Fix the cause, then run `pac sync`; `pac status` lists "
            "its problems.")


def plan_since_note(versions: Sequence[Any], as_of: datetime, tz: str, lang: str) -> str | None:
    """One line under the header when ``--as-of`` is a day the plan has changed since: explain evaluates it with
    today's plan (what a report re-evaluating that day counts), so a target, a due date, an owner or an action
    changed since reads as it is today; the line names the version of then and today's (``versions``: the store's
    plan versions, oldest first). None when no version was recorded by then (a store started later: nothing to
    compare with) or the plan has not changed since (decided 6 Dec 2026, audit asofplan F4)."""
    then = [v for v in versions if stored_instant(v.imported_at) <= as_of]
    if not then or then[-1].fingerprint == versions[-1].fingerprint:
        return None
    old, new = then[-1], versions[-1]
    day = last_day(as_of, ZoneInfo(tz))
    if lang == "fr":    # the days in words, as explain's other French days (audit frenchwords)
        return (f"Attention : calculé avec le plan d'aujourd'hui (version {new.version}, enregistrée le "
                f"{day_words(_recorded(new), 'fr')}) ; le plan du {day_words(day, 'fr')} était sa version "
                f"{old.version} (enregistrée le {day_words(_recorded(old), 'fr')}) : une cible, une échéance, un "
                "responsable ou une action modifiés depuis se lisent ici tels qu'ils sont aujourd'hui. Un trimestre "
                "conservé à sa clôture garde son plan d'alors "
                "(pac report --quarter).")
    return (f"Note: evaluated with today's plan (version {new.version}, recorded on {_recorded(new)}); the plan of "
            f"{day.isoformat()} was its version {old.version} (recorded on {_recorded(old)}): a target, a due date, an "
            "owner or an action changed since reads here as it is today. A quarter kept at its close keeps its plan of "
            "then (pac report --quarter).")


def _recorded(version: Any) -> date:
    return stored_instant(version.imported_at).date()


# a word longer than its column (an e-mail, « 2027-04-01 ») is broken across lines, never cut: the axis's detail
# column read « marc@audit.exa… (périmètre : propriétaire de l'affaire julie@audit.ex… » (audit explainhand)
FOLD: Literal["fold"] = "fold"


def record_column(table: Table, header: str, records: Iterable[str]) -> None:
    """The column of the CRM record ids: never cut nor wrapped, as wide as its longest id, so that each can be opened
    in the CRM; the other columns wrap to make room (audit newcomer F9: piped, at 160 columns, every Salesforce id
    of an axis read `0065g00000001…`)."""
    table.add_column(header, no_wrap=True, min_width=max((len(r) for r in records), default=len(header)))


def unbroken_column(table: Table, header: str, cells: Iterable[str], justify: JustifyMethod = "left") -> None:
    """A column of amounts (« 15 000,00 $US / 2 », « = 7 500,00 $US », « PMP-200 9 000,00 $US ») or dates, each line
    of a cell laid out by the caller: never wrapped, as wide as its longest line. Rich folds a cell at any space, the
    narrow no-break space between French thousands included: piped at 160 columns an axis's split share read
    « 15 000,00 $US / 2 = 7 » over « 500,00 $US », and its objective line « = 3 » over « 675 $US » (audit explainus);
    the other columns wrap to make room."""
    table.add_column(header, justify=justify, no_wrap=True,
                     min_width=max((len(c) for c in cells), default=len(header)))


# the narrowest a wrapped column is laid out: a name's word up to NAME_WORD characters is never broken (longer ones,
# « Villefranche-sur-Saône », fold; fewer when the other columns leave less room, down to WORD_FLOOR); the detail's
# (``rest``) words up to REST_WORD (an e-mail: « julie@example.com) »), else WORD_FLOOR (a longer word folds: FOLD);
# the other wrapped columns (the mark, the CRM, the reason: short words) their longest word
NAME_WORD, REST_WORD, WORD_FLOOR = 18, 24, 12


def names_first(table: Table, width: int, names: Sequence[str], rest: str) -> None:
    """The wrapped columns' widths, set so that the ``names`` columns (deal, account, owner, subject) break at their
    spaces only and get the room first, then the others, the ``rest`` column (the detail) last. Rich's own layout
    shrinks the widest wrapped columns to even widths: piped at 160 columns the deal and account names of an axis
    read « Usine du Lac Bourgoin-Jall » over « ieu — MAINT » while the detail column, empty on the counted rows,
    stayed as wide (audit newcomer3 L8). Left to rich when everything fits, or when not even these floors do (a
    narrow terminal)."""
    cols = table.columns
    fixed = sum(max(_longest(col, line=True), col.min_width or 0) for col in cols if col.no_wrap)
    soft = [i for i, col in enumerate(cols) if not col.no_wrap]
    room = width - (len(cols) + 1) - 2 * len(cols) - fixed     # borders, then a space each side of each cell
    words = {i: _longest(cols[i], line=False) for i in soft}
    want = {i: max(_longest(cols[i], line=True), 1) for i in soft}
    if sum(want.values()) <= room:
        return
    for name_word, rest_word in ((n, r) for n in range(NAME_WORD, WORD_FLOOR - 1, -1) for r in (REST_WORD, WORD_FLOOR)):
        cap = {header: name_word for header in names} | {rest: rest_word}    # the names' words whole first
        floor = {i: min(words[i], cap.get(str(cols[i].header), width)) for i in soft}
        if sum(floor.values()) <= room:
            break
    else:
        return
    given = dict(floor)
    rank = {i: 0 if cols[i].header in names else 2 if cols[i].header == rest else 1 for i in soft}
    for turn in range(3):     # the names, the others, then the rest, each up to its longest line as the room allows
        ask = {i: want[i] - given[i] for i in soft if rank[i] == turn}
        spare, need = room - sum(given.values()), sum(ask.values())
        for i, more in ask.items():
            given[i] += more if need <= spare else more * spare // need
    for i in soft:
        cols[i].width = given[i]
        if rank[i] == 0:     # a name laid out at its spaces and hyphens, as rich breaks at spaces only
            cols[i]._cells = [broken_name(cell, given[i]) if isinstance(cell, str) else cell
                              for cell in cols[i]._cells]


def name_parts(text: str) -> list[str]:
    """A name's parts, where it may break: its words, a compound word after each of its hyphens (« Laboratoires- »,
    « Pharmaceutiques- », « de- », « Villefranche- », « sur- », « Saône »): a French name of one compound word longer
    than its column read « Laboratoires-Pharmaceutiq » over « ues-de-Villefranche-sur-S » (audit leftsmall)."""
    return [part for word in text.split() for part in re.findall(r"[^-]+-+|[^-]+$|-+", word)]


def broken_name(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters, broken at its spaces (a word kept whole when it fits on a
    line, « Bourg-en-Bresse »), and a word longer than ``width`` after the hyphens of its compound parts
    (``name_parts``); a part longer than ``width`` alone on its line (rich folds it). The text as it is when it
    fits."""
    if len(text) <= width or "\n" in text:
        return text
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
            continue
        if len(word) <= width:
            lines.append(word)
            continue
        for k, part in enumerate(name_parts(word)):
            glue = "" if k else " "      # a part of a compound word goes on without a space
            if lines and len(lines[-1]) + len(glue) + len(part) <= width:
                lines[-1] += glue + part
            else:
                lines.append(part)
    return "\n".join(lines)


def _longest(column: Any, *, line: bool) -> int:
    """The column's longest line (``line``) or word, its header's included."""
    texts = [str(column.header), *(str(cell) for cell in column.cells)]
    pieces = [p for text in texts for p in (text.splitlines() if line else text.split())]
    return max((len(p) for p in pieces), default=1)


def _action(now: Current, action_id: str, limit: int, lang: str | None, note: str | None = None,
            others: Mapping[tuple[str, str], Iterable[str]] | None = None, *, stale: bool = False) -> None:
    """``stale``: the note says the figures are not the CRM's (``stale_note``): it is why nothing may be listed, and
    says what to do; the « Nothing to list » line, which tells to have the activities logged in the CRM, is left out
    (audit explainleft: a first sync refused by Salesforce read both lines, the second sending the manager to the
    reps)."""
    lang = _lang(now.plan, lang)
    words = TITLES[lang]
    names = {(a.source, a.id): a.name for a in now.records.accounts}
    explanation = explain_action(now.plan, now.evaluation, action_id, limit=limit, accounts=names, lang=lang,
                                 also_on=also_on_names(others or {}, now.records.accounts))
    console = cli_common.table_console()
    console.print(f"[bold]{explanation.action_id}[/] {_crm_text(explanation.text)}", markup=True)
    console.print(explanation.header, markup=False, soft_wrap=True)
    near = rejected_candidates(now.plan, now.records, now.evaluation, action_id)
    if note:    # first: a sync that never read the activities is why there is nothing below
        console.print(note, markup=False, soft_wrap=True)
    # an empty table's reason, unless the rep's rejected records below are what there is (audit sfhand6), or the
    # stale note above is (the sync to fix, not the CRM: audit explainleft)
    for line in (explanation.handed, explanation.inactive, explanation.to_come,
                 "" if near or stale else explanation.nothing):
        if line:
            console.print(line, markup=False, soft_wrap=True)
    action = now.plan.action(action_id)
    for line in remembered_notes(now.plan, now.records.users, [action.who, *(h.from_ for h in action.handed_over)],
                                 lang):
        console.print(line, markup=False, soft_wrap=True)
    if explanation.cut:
        console.print(explanation.cut, markup=False)
    table = Table()
    # the times are the plan's local times: the column says whose ("when (Chicago)"; usplan audit F6)
    when = f'{words["when"]} ({now.plan.timezone.rsplit("/", 1)[-1].replace("_", " ")})'
    for col in ("", words["record"], words["CRM"], words["account"], when, words["reason"], words["detail"]):
        if col == words["record"]:
            record_column(table, col, (str(row["record"]) for row in explanation.rows))
        else:
            table.add_column(col, overflow=FOLD)
    for row in explanation.rows:
        table.add_row("✔" if row["counted"] else "✘", row["record"], row["source"], _crm_text(row["account"]),
                      row["when"], row["reason"], _crm_text(row["detail"]))
    names_first(table, console.width, (words["account"],), words["detail"])
    console.print(table)
    if near:
        rejected = Table(title=words["rejected"].format(who=now.plan.action(action_id).who))
        for col in (words["record"], words["CRM"], words["subject"], when, words["reason"], words["detail"]):
            if col == words["record"]:
                record_column(rejected, col, (activity.id for activity, _ in near))
            else:
                rejected.add_column(col, overflow=FOLD)
        zone = ZoneInfo(now.plan.timezone)
        for activity, decision in near:
            moment = activity.when(zone)
            shown = (local_minute(moment, zone) if isinstance(moment, datetime) and moment.tzinfo
                     else str(moment or "-"))
            rejected.add_row(activity.id, activity.source, _crm_text(activity.subject or ""), shown,
                             REASONS[lang].get(decision.rule, reason_words(decision.rule)),
                             detail_words(decision, lang))
        names_first(rejected, console.width, (words["subject"],), words["detail"])
        console.print(rejected)


def _axis(now: Current, axis_id: str, limit: int, lang: str | None, note: str | None = None,
          fx_rates: Mapping[str, Decimal] | None = None, crms: Mapping[str, str] | None = None,
          settings_file: str = SETTINGS_FILE, default_months: int = 12, split: bool = False) -> None:
    lang = _lang(now.plan, lang)
    words = TITLES[lang]
    records = now.records
    names = {(a.source, a.id): a.name for a in records.accounts}
    owners = {(u.source, u.id): u.name or u.email or u.id for u in records.users}
    deals = {(d.source, d.id): d for d in records.deals}
    # a won deal a connector rejected, listed on its company's axes: its name, owner and amount as read (audit hsmulti)
    deals.update({(r.source, r.id): r.record for r in records.rejected if isinstance(r.record, Deal)
                  and (r.source, r.id) not in deals})
    # a counted deal's account whose owner (type, dormant flag) the axis reads as on its first day, changed since
    states = account_state_notes(now.plan, axis_id, records, default_months=default_months)
    explanation = explain_axis(now.plan, now.evaluation, axis_id, deals=deals, accounts=names, owners=owners,
                               lang=lang, limit=limit, fx_rates=fx_rates, crms=crms, settings_file=settings_file,
                               states=states,
                               shared=split_partners(now.plan, now.evaluation, axis_id) if split else None,
                               also=None if split else also_counted_by(now.plan, now.evaluation, axis_id))
    console = cli_common.table_console()
    console.print(f"[bold]{explanation.axis_id}[/] {_crm_text(explanation.name)}", markup=True)
    console.print(explanation.header, markup=False, soft_wrap=True)   # one line: no amount cut (see unbroken_column)
    if note:
        console.print(note, markup=False, soft_wrap=True)
    if explanation.inactive:
        console.print(explanation.inactive, markup=False, soft_wrap=True)
    if explanation.objective:
        console.print(explanation.objective, markup=False, soft_wrap=True)
    _deal_table(console, explanation.rows, words)
    # the deals behind the baseline, and behind a percentage objective's base when they are not the same
    for lines, rows in ((explanation.baseline, explanation.baseline_rows), (explanation.base, explanation.base_rows)):
        if lines:
            console.print(lines, markup=False, soft_wrap=True)
        if rows:
            _deal_table(console, rows, words)


def _deal_table(console: Any, rows: Sequence[dict[str, Any]], words: Mapping[str, str]) -> None:
    """One table of deals of ``pac explain AXIS``: the revenue's, the baseline's."""
    product_scoped = any(row["lines"] for row in rows)
    table = Table()
    columns = ["", words["record"], words["CRM"], words["deal"], words["account"], words["owner"], words["close"],
               words["amount"], *([words["lines"]] if product_scoped else []), words["reason"], words["detail"]]
    lines = [row["lines"].replace(", ", "\n") for row in rows]     # one product line a line
    amounts = [row["amount"].replace(" = ", "\n= ") for row in rows]   # a split share on two lines
    for col in columns:
        if col == words["record"]:
            record_column(table, col, (str(row["record"]) for row in rows))
        elif col == words["amount"]:
            unbroken_column(table, col, (piece for cell in amounts for piece in cell.splitlines()), justify="right")
        elif col == words["lines"]:
            unbroken_column(table, col, (piece for cell in lines for piece in cell.splitlines()))
        elif col == words["close"]:
            unbroken_column(table, col, (row["when"] for row in rows))
        else:
            table.add_column(col, overflow=FOLD)
    for row, shown, amount in zip(rows, lines, amounts, strict=True):
        cells = ["✔" if row["counted"] else "✘", row["record"], row["source"], _crm_text(row["deal"]),
                 _crm_text(row["account"]), _crm_text(row["owner"]), row["when"], amount,
                 *([shown] if product_scoped else []), row["reason"], _crm_text(row["detail"])]
        table.add_row(*cells)
    names_first(table, console.width, (words["deal"], words["account"], words["owner"]), words["detail"])
    console.print(table)
