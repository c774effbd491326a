"""``pac demo``: the whole nightly job on the embedded default, on a fresh machine, with no account anywhere.

Starts the sandbox CRM in-process (Salesforce and HubSpot dialects, seeded with the demo organisation of
docs/demo-org.md), loads ``config/plans/example.pac.yaml`` into a fresh SQLite store (``.pac/demo.db``,
recreated each time), runs a full sync as of the demo clock (2027-05-20T18:00 Europe/Paris), prints the
plan's progress, runs a second sync to show it writes nothing, takes the monthly and quarterly snapshots the
scheduler would have taken since January, writes the HTML report and says where to look next. The settings it
used are kept in ``.pac/demo.yaml``: ``pac explain``, ``pac status`` and ``pac report`` read them when nothing
else is configured (``pac_config.settings.discover_settings_path``). See docs/sync.md, "The demo".
"""

from __future__ import annotations

import logging
import os
import shlex
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from connectors.base import Connector
from pac_config.planfile import plans_language
from pac_config.settings import DEMO_SETTINGS, default_settings_path, engine_settings, load_settings
from pac_core.engine import figures_last_day
from pac_core.engine_settings import EngineSettings
from pac_core.money import pace_decimals
from pac_core.periods import day_words
from pac_core.reject_words import reason_words as french_words
from pac_core.results import Pace
from pac_core.rounding import half_up
from sandbox_crm.run import sandbox_env, start_sandbox
from sync_jobs import textsafe
from sync_jobs.app import load_report_inputs, take_due_snapshots
from sync_jobs.factory import build_connectors
from sync_jobs.pipeline import RunResult, run_sync
from sync_jobs.report import render_html
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import counted, enum_label, labels
from sync_jobs.report.view import axis_status
from sync_jobs.run_status import RunStatus
from sync_jobs.run_views import (
    api_lines,
    duration,
    grouped,
    moment,
    new_part,
    object_words,
    status_words,
)
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records

DEMO_AS_OF = datetime(2027, 5, 20, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))

# The demo's story in one language (``pac demo --lang``): English with no --lang, as `pac sync` and `pac status` (the
# report alone follows the plan's language then), French under --lang fr. The run's tables, API lines, statuses,
# objects and rejection reasons are `pac sync --lang fr`'s (``run_views``), the progress tables the report's words and
# formatter; what the run words as free text (its errors) is printed as worded, in English, as `pac sync --lang fr`.
STORY: dict[str, dict[str, str]] = {
    "en": {
        "intro": "[bold]pac demo[/]: a sandbox CRM on this machine, the plan evaluated as of the demo clock {clock} "
                 "(Europe/Paris)",
        "sandbox": "Sandbox CRM listening on {url} (Salesforce + HubSpot dialects, seeded with Durand Process "
                   "Équipements, docs/demo-org.md).",
        "provisioned": "PAC objects and fields provisioned: {made}.", "made": "{name} {n}",
        "already": "{name} already there",
        "first": "First sync (full read): {status}",
        "rejected": "{n} rejected{new}, counted nowhere (also in `pac status` and the report's data section); new ones "
                    "make a run partial (exit 1), the next run knows them:",
        "rejection": "  {object} {source} {record}: {reason}",
        "no_amount": "won deal {name} has no amount: counted as won, worth 0 (a data-quality warning, not a "
                     "rejection)",
        "planned_past": "activity {name} is still planned on a past date: counted nowhere until its outcome is updated "
                        "(a data-quality warning, not a rejection)",
        "handled": "Awkward records read and handled (docs/demo-org.md):",
        "converted": "deal {name}: {amount} {currency} counted as {counted} EUR (rate {rate})",
        "all_day": "all-day event {name}: kept on its calendar day, {day}",
        "as_text": "account {name}: stored as text, escaped in the report",
        "abroad": "account {name} ({country}): in no French territory, so in no geographic scope",
        "no_email": "{source} user {name} has no e-mail: matched to no one in the plan",
        "second": "Second sync (nothing changed in the CRMs): wrote {written} records, {calls} API calls ({per_crm}: "
                  "{records} record reads, {other} login, describe and list reads, {writes} writes), status {status}",
        "second_rejected": " ({n} rejected, {new} new: the first run's set-asides are known now, still listed, no "
                           "longer partial).",
        "snapshots": "Snapshots the scheduler would have taken since January: {labels} (each computed as of its "
                     "period's end).",
        "done": "\nDone in {took}. Where to look next:",
        "explain": "which visits counted for A-01, and why the others did not",
        "status": "the two runs, watermarks, API calls",
        "report": "the quarterly sales-meeting report (open it in a browser)",
        "found": "(they read the demo's store, {settings}, until this directory has its own; PAC_CONFIG chooses "
                 "another)",
        "elsewhere": "(PAC_CONFIG= names this demo's settings, {settings}: the read commands find {demo} by "
                     "themselves, never these)",
        "actions": "{plan}: actions as of {when}",
        "axes": "Development axes: additional revenue since {day} vs the same days a year earlier (or the axis's "
                "fixed baseline)",
    },
    "fr": {
        "intro": "[bold]pac demo[/] : un CRM bac à sable sur cette machine, le plan évalué à l'horloge de la démo, le "
                 "{clock} (Europe/Paris)",
        "sandbox": "CRM bac à sable à l'écoute sur {url} (dialectes Salesforce + HubSpot, peuplé avec Durand Process "
                   "Équipements, docs/demo-org.md).",
        "provisioned": "Objets et champs PAC créés dans les CRM : {made}.", "made": "{name} {n}",
        "already": "{name} déjà présents",
        "first": "Première synchronisation (lecture complète) : {status}",
        "rejected": "{n} rejeté{s}{new}, compté{s} nulle part (aussi dans `pac status` et la section des données du "
                    "rapport) ; les nouveaux rendent une exécution partielle (code de sortie 1), la suivante les "
                    "connaît :",
        "rejection": "  {object} {source} {record} : {reason}",
        "no_amount": "affaire gagnée {name} sans montant : comptée comme gagnée, pour 0 (une alerte de qualité des "
                     "données, pas un rejet)",
        "planned_past": "activité {name} toujours prévue à une date passée : comptée nulle part tant que son résultat "
                        "n'est pas mis à jour (une alerte de qualité des données, pas un rejet)",
        "handled": "Enregistrements délicats lus et traités (docs/demo-org.md) :",
        "converted": "affaire {name} : {amount} {currency} comptés {counted} EUR (taux {rate})",
        "all_day": "événement sur la journée {name} : gardé à son jour du calendrier, le {day}",
        "as_text": "compte {name} : gardé comme texte, échappé dans le rapport",
        "abroad": "compte {name} ({country}) : dans aucun territoire français, donc dans aucun périmètre "
                  "géographique",
        "no_email": "utilisateur {source} {name} sans e-mail : rattaché à personne du plan",
        "second": "Deuxième synchronisation (rien n'a changé dans les CRM) : {written} enregistrement{ws} écrit{ws}, "
                  "{calls} appels API ({per_crm} : {records} lectures d'enregistrements, {other} lectures de "
                  "connexion, de description et de listes, {writes} écriture{ds}), exécution {status}",
        "second_rejected": " ({n} rejeté{s}, dont {new} nouveau{x} : les mises de côté de la première exécution sont "
                           "connues désormais, toujours listées, l'exécution n'est plus partielle).",
        "snapshots": "Instantanés que le planificateur aurait pris depuis janvier : {labels} (chacun calculé à la fin "
                     "de sa période).",
        "done": "\nTerminé en {took}. Où regarder ensuite :",
        "explain": "quelles visites ont compté pour A-01, et pourquoi les autres non",
        "status": "les deux exécutions, les points de reprise, les appels API",
        "report": "le rapport de la réunion commerciale trimestrielle (ouvrez-le dans un navigateur)",
        "found": "(elles lisent la base de la démo, {settings}, tant que ce répertoire n'a pas la sienne ; PAC_CONFIG "
                 "en choisit une autre)",
        "elsewhere": "(PAC_CONFIG= nomme les réglages de cette démo, {settings} : les commandes de lecture trouvent "
                     "{demo} d'elles-mêmes, jamais ceux-ci)",
        "actions": "{plan} : actions au {when}",
        "axes": "Axes de développement : CA supplémentaire depuis le {day} par rapport aux mêmes jours un an plus tôt "
                "(ou à la référence fixe de l'axe)",
    },
}
# the progress tables' columns (key in the report's words, ``report.i18n``; the English head the demo always showed):
# in French the report's words, lower case but for an acronym (« commercial », « CA supplémentaire », « ROI à date »)
ACTION_COLUMNS = (("action", "action"), ("rep", "who"), ("what", "what"), ("when", "when"),
                  ("done_target", "done / target"), ("pace", "pace"))
AXIS_COLUMNS = (("axis", "axis"), ("status", "status"), ("additional", "additional"), ("objective", "objective"),
                ("progress", "progress"), ("expected", "expected by now"), ("roi", "ROI to date"), ("pace", "pace"))
LEFT_COLUMNS = ("axis", "status", "pace")     # the axes' words, left; their figures, right


def story_language(lang: str | None) -> str:
    """The language of the demo's story: ``--lang``'s, English without it (the report then follows the plan's)."""
    return lang or "en"


def column_heads(columns: Sequence[tuple[str, str]], lang: str) -> list[str]:
    """The heads of a progress table in ``lang``: see ``ACTION_COLUMNS``."""
    if lang != "fr":
        return [head for _key, head in columns]
    words = labels("fr")
    return [w if w[1:2].isupper() else w[:1].lower() + w[1:] for w in (words[key] for key, _head in columns)]


def quoted(name: str, lang: str) -> str:
    """A CRM record's name in a sentence: ``'Acme'`` in English (as the demo always wrote it), « Acme » in French."""
    return f"« {name} »" if lang == "fr" else repr(name)


@dataclass(frozen=True)
class DemoViews:
    """The command line's views the demo shows its runs with (given by the command line: the demo never imports
    it): progress bars for one sync, a run's figures per object as a table; each in the story's language (its last
    argument)."""

    progress: Callable[[str], AbstractContextManager[Callable[..., None]]]
    counts_table: Callable[[str, dict[str, dict[str, int]], str], Any]


def write_demo_settings(db: Path | str, where: Path, *, by: str = "pac demo") -> Path:
    """A settings file for the demo store (a SQLite path or any URL): the shipped connectors, plan and
    engine section (fx rates, attribution, advisor thresholds, capacity), absolute paths, the demo clock. ``by``:
    the command its header names (``pac demo``, ``pac sandbox``)."""
    shipped = load_settings(default_settings_path(), env={})
    url = db if isinstance(db, str) and "://" in db else f"sqlite:///{Path(db).resolve()}"
    lines = [f"database_url: '{url}'", "connectors:"]
    for c in shipped.connectors:
        days = "" if c.reconciliation_days is None else f", reconciliation_days: {c.reconciliation_days}"
        lines.append(f"  - {{name: {c.name}, crm: {c.crm}, mapping: '{c.mapping}', env_prefix: {c.prefix}, "
                     f"max_daily_share: {c.max_daily_share}{days}}}")
    lines.append("plans:")
    for p in shipped.plans:
        lines.append(f"  - {{name: {p.key}, file: '{p.file}', connectors: [{', '.join(p.connectors)}], "
                     f"as_of: '{DEMO_AS_OF.isoformat()}'}}")
    engine = shipped.engine
    lines += ["engine:", f"  attribution: {engine.attribution}"]
    tables = {"fx_rates": engine.fx_rates, "advisor": engine.advisor.model_dump(exclude_none=True),
              "capacity": engine.capacity}
    for name, values in tables.items():
        lines.append(f"  {name}: {_flow(values)}")
    where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)   # the demo's store goes there too: private
    header = f"# written by `{by}`: the demo's store and clock\n"
    where.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return where


def provision_in_plan_language(connectors: Mapping[str, Connector], settings: Any) -> dict[str, int]:
    """The PAC objects and fields provisioned in each connector, as ``pac crm provision`` does: labels in the
    language of the settings' plans (the demo plan's French; audit hspkg F5: they were English); name -> how many
    things were made."""
    language = plans_language(p.file for p in settings.plans)
    made = {}
    for name, connector in connectors.items():
        connector.labels_language = language
        made[name] = len(connector.provision_schema())
    return made


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


@contextmanager
def _quiet_logs(verbose: bool) -> Iterator[None]:
    """The demo tells its own story: log lines (INFO) only when asked for (``pac -v demo``)."""
    root = logging.getLogger()
    before = root.level
    if not verbose:
        root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.setLevel(before)


def run_demo(views: DemoViews, *, lang: str | None = None, output: str = "out/pac-report.html",
             db: str = ".pac/demo.db", console: Console | None = None, verbose: bool = False,
             program: str = "pac") -> RunStatus:
    """Run the demo; returns ``ok`` when it went through, else the failing sync's status. The first sync ends
    "partial" (exit 1) because the demo's awkward records are rejected for the first time, which is expected:
    they are there to be reported. The second sync rejects them again for the same reasons: known, listed, and
    its status is "ok". A "partial" sync is not a failure of the demo.

    ``lang``: the report's language and the story's (``story_language``: English without it, the report then in
    the plan's); ``verbose``: let the pipeline's log lines through (stderr); ``program``: how to call ``pac`` in the
    commands printed at the end (``.venv/bin/pac`` when the demo was started that way).
    """
    console = console or textsafe.console()
    with _quiet_logs(verbose):
        return _run(views, lang, output, db, console, program)


def _run(views: DemoViews, lang: str | None, output: str, db: str, console: Console, program: str) -> RunStatus:
    started = time.monotonic()
    story = story_language(lang)
    w = STORY[story]
    db_path = Path(db)
    _fresh(db_path)
    settings_path = write_demo_settings(db_path, db_path.with_suffix(".yaml"))
    settings = load_settings(settings_path, env={})
    ps = settings.plan(None)
    console.print(w["intro"].format(clock=moment(DEMO_AS_OF, story)), markup=True)
    with start_sandbox() as server:
        env = sandbox_env(server)
        console.print(w["sandbox"].format(url=server.base_url))
        connectors = build_connectors(settings, ps.connectors, env)
        made = provision_in_plan_language(connectors, settings)
        provisioned = [w["made" if n else "already"].format(name=name, n=n) for name, n in made.items()]
        console.print(w["provisioned"].format(made=", ".join(provisioned)))
        first = _sync(views, settings, ps.key, connectors, full=True, lang=story)
        if first.evaluation is None or first.plan is None:
            print_summary(console, views, first, lang=story)
            return first.status if first.status is not RunStatus.OK else RunStatus.PARTIAL
        print_summary(console, views, first, demo_handled(settings, ps.key, story), story)
        print_progress(console, first.plan, first.evaluation, Formatter.with_thresholds(
            first.plan, story, engine_settings(settings, first.plan.currency)))
        server.reset_counts()
        second = _sync(views, settings, ps.key, build_connectors(settings, ps.connectors, env), full=False,
                       lang=story)
        calls = dict(server.calls)
        records, other, writes = call_kinds(server.log)
    console.print(second_line(second, calls, (records, other, writes), story))
    snapshots = take_demo_snapshots(settings, ps.key)
    console.print(w["snapshots"].format(labels=", ".join(snapshots)))
    report = _report(settings, ps.key, lang, Path(output), console)
    console.print(w["done"].format(took=duration(timedelta(seconds=time.monotonic() - started), story)))
    for line in next_steps(program, settings_path, report, lang=story):
        console.print(line, markup=False)
    bad = [r for r in (first, second) if r.status not in (RunStatus.OK, RunStatus.PARTIAL)]
    return bad[0].status if bad else RunStatus.OK


def second_line(second: RunResult, calls: Mapping[str, int], kinds: tuple[int, int, int], lang: str = "en") -> str:
    """The second sync in one sentence: what it wrote, its API calls per CRM and of which kind (``call_kinds``: record
    reads, other reads, writes), its status and the records it rejected again, known now."""
    w = STORY[lang]
    records, other, writes = kinds
    rejected, new = len(second.rejections), len(second.new_rejections)
    return w["second"].format(
        written=grouped(second.written, lang), calls=grouped(sum(calls.values()), lang),
        per_crm=", ".join(f"{k} {grouped(v, lang)}" for k, v in calls.items()), records=grouped(records, lang),
        other=grouped(other, lang), writes=grouped(writes, lang), status=status_words(second.log_status, lang),
        ws=_plural(second.written), ds=_plural(writes)) + (
        w["second_rejected"].format(n=grouped(rejected, lang), new=grouped(new, lang), x="x" if new > 1 else "",
                                    s=_plural(rejected)) if second.rejections else ".")


def _plural(n: int) -> str:
    """French's plural ending of a count's words: singular for 0 and 1 (« 0 écriture », « dont 0 nouveau »), as
    ``run_views.new_part`` and the report's counted phrases (``i18n.COUNTED``)."""
    return "s" if n > 1 else ""


def next_steps(program: str, settings_path: Path, report: Path | None,
               env: Mapping[str, str] | None = None, lang: str = "en") -> list[str]:
    """The commands printed at the demo's end, to be run as is from this directory. The read commands find the
    demo's settings by themselves at ``.pac/demo.yaml`` only, and only with no ``PAC_CONFIG`` in ``env``
    (``discover_settings_path``): otherwise (a ``--db`` elsewhere) the commands are printed with ``PAC_CONFIG=``
    naming them (audit newcomer F3: they read an earlier demo's store, or none). In French, ``pac status --lang fr``
    (``pac explain`` speaks the plan's language by itself)."""
    w = STORY[lang]
    env = os.environ if env is None else env
    found = not env.get("PAC_CONFIG") and settings_path.resolve() == DEMO_SETTINGS.resolve()
    pac = program if found else f"PAC_CONFIG={shlex.quote(str(settings_path))} {program}"
    commands = ("explain A-01", "status --lang fr" if lang == "fr" else "status")
    width = max(16, *(len(c) + 2 for c in commands))     # the descriptions in a column, as English always had them
    lines = [f"  {pac} {command:<{width}} {w[command.split()[0]]}" for command in commands]
    if report:
        lines.append(f"  {report}   {w['report']}")
    lines.append("  " + (w["found"].format(settings=settings_path) if found else
                         w["elsewhere"].format(settings=settings_path, demo=DEMO_SETTINGS)))
    return lines


def _sync(views: DemoViews, settings: Any, plan: str, connectors: dict[str, Any], *, full: bool,
          lang: str = "en") -> RunResult:
    """One run of the pipeline with progress bars on stderr (they vanish when done), labelled in ``lang``."""
    try:
        with views.progress(lang) as view:
            return run_sync(plan, settings, connectors=connectors, full=full, progress=view)
    finally:
        for c in connectors.values():
            c.close()


def demo_handled(settings: Any, plan: str, lang: str = "en") -> list[str]:
    """One sentence per awkward record of the demo org that was read and handled as documented (the USD deal
    converted, the all-day event kept on its day...). The records left out come from the run itself
    (``RunResult.rejections``: connector rejections and the records the engine set aside, each once)."""
    engine = open_store(settings.database())
    try:
        records = store_records.load_records(engine, settings.plan(plan).connectors)
    finally:
        engine.dispose()
    return _handled(records, settings, lang)


def print_summary(console: Console, views: DemoViews, result: RunResult, handled: Sequence[str] = (),
                  lang: str = "en") -> None:
    """The first sync per object, with the run's own figures: read, rejected (by a connector, or set aside by
    the engine: each record once), deleted, written, failed; then every rejected record with its reason, the
    awkward records that were handled, and the API calls; in ``lang`` (the run's errors as the run words them)."""
    words = STORY[lang]
    console.print(views.counts_table(words["first"].format(status=status_words(result.log_status, lang)),
                                     result.counts, lang))
    if result.rejections:
        n = len(result.rejections)
        console.print(words["rejected"].format(n=grouped(n, lang), new=new_part(n, len(result.new_rejections), lang),
                                               s=_plural(n)), markup=False)
        for r in result.rejections:
            label = result.labels.get((r.source, r.object, r.id), "")
            record = f"{r.id} {quoted(label, lang)}" if lang == "fr" and label else f"{r.id} {label}".strip()
            reason = r.reason if lang == "en" else french_words(r.reason, lang, r.code, r.values)
            console.print(words["rejection"].format(object=object_words(r.object, lang), source=r.source,
                                                    record=record, reason=reason), markup=False)
    for w in result.warnings:   # worth fixing in the CRM
        name = quoted(result.labels.get((w.source, w.object, w.id), "") or w.id, lang)
        handled = [words["no_amount" if w.object == "deals" else "planned_past"].format(name=name), *handled]
    if handled:
        console.print(words["handled"])
        for line in handled:
            console.print(f"  {line}", markup=False)
    for line in api_lines(result, lang):
        console.print(line, markup=False)
    for error in result.errors[:20]:
        console.print(f"[yellow]![/] {textsafe.markup(error)}", markup=True)


def _flow(values: Any) -> str:
    """A table as a YAML flow mapping (``{USD: 0.92}``; ``fx_rates`` by plan currency: ``{CHF: {EUR: 0.94}}``)."""
    return "{" + ", ".join(f"{k}: {_flow(v) if isinstance(v, dict) else v}" for k, v in values.items()) + "}"


def _handled(records: Any, settings: Any, lang: str = "en") -> list[str]:
    """One sentence per awkward record the demo org holds that was read and handled rather than rejected, in
    ``lang``."""
    w = STORY[lang]
    rates = settings.engine.fx_rates
    if any(isinstance(v, dict) for v in rates.values()):     # a table per plan currency: the demo's plan is in EUR
        rates = rates.get("EUR") or {}
    out = []
    for d in records.deals:
        cur = (d.currency or "EUR").upper()
        if cur != "EUR" and cur in rates and d.amount is not None:
            rate = f"{rates[cur]}"
            out.append(w["converted"].format(
                name=quoted(d.name, lang), amount=grouped(half_up(d.amount), lang), currency=cur,
                counted=grouped(half_up(d.amount * Decimal(rates[cur])), lang),
                rate=rate.replace(".", ",") if lang == "fr" else rate))
    for a in records.activities:
        if a.start is None and a.day is not None and a.type is not None and a.type.value != "call":
            day = day_words(a.day, "fr") if lang == "fr" else f"{a.day:%Y-%m-%d}"
            out.append(w["all_day"].format(name=quoted(a.subject, lang), day=day))
    for acc in records.accounts:
        if "<" in acc.name:
            out.append(w["as_text"].format(name=quoted(acc.name, lang)))
        elif acc.country and acc.country != "FR":
            out.append(w["abroad"].format(name=quoted(acc.name, lang), country=acc.country))
    for u in records.users:
        if not u.email:
            out.append(w["no_email"].format(source=u.source, name=quoted(u.name, lang)))
    return out


def take_demo_snapshots(settings: Any, plan: str) -> list[str]:
    """The monthly (January to the month before the demo clock) and quarterly (the quarters already over)
    snapshots the scheduler would have kept, each closing its period: evaluated at its end."""
    return [label for kind in ("monthly", "quarterly")
            for label in take_due_snapshots(settings, plan, kind, now=DEMO_AS_OF)]


def _is_read(path: str) -> bool:
    return "/query" in path or path.endswith("/search") or "/batch/read" in path or "/objects/" in path


def call_kinds(log: Iterable[tuple[str, str, str]]) -> tuple[int, int, int]:
    """The sandbox's requests (api, method, path) as (record reads, other reads, writes): record reads are the
    queries, searches, batch reads and object pages; other reads the login, describes, owners, pipelines and
    schemas; writes every other POST, PATCH, PUT or DELETE (HubSpot's batch updates are POSTs under /objects/).
    "22 of them reads" left a newcomer asking what the other 7 calls of a night that writes nothing wrote (audit
    newcomer2)."""
    records = other = writes = 0
    for _api, method, path in log:
        if path.endswith("/token"):
            other += 1
        elif method == "GET":
            records, other = (records + 1, other) if _is_read(path) else (records, other + 1)
        elif method == "POST" and ("/query" in path or path.endswith("/search") or "/batch/read" in path):
            records += 1
        else:
            writes += 1
    return records, other, writes


def _report(settings: Any, plan: str, lang: str | None, output: Path, console: Console) -> Path:
    inputs = load_report_inputs(settings, plan)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(inputs, lang or inputs.plan.language), encoding="utf-8")
    return output


def _cut(text: str, size: int) -> str:
    """``text`` in ``size`` characters: whole when it fits, else cut at a word (one in its second half) and ended
    with « … », so a cut text never reads as the plan's own (« … Haute-Savoie ava »: audit newcomer3)."""
    if len(text) <= size:
        return text
    cut = text[: size - 1]
    if " " in cut[size // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def print_progress(console: Console, plan: Any, evaluation: Any, fmt: Formatter | None = None) -> None:
    """The plan's progress as two Rich tables: actions (who, what, when, done/target, pace), axes. Every figure and
    status as the report writes it, through its formatter (``fmt``: in English, with the settings' ``roi_limits``;
    the engine's defaults when none is given): money with its currency and, for an objective missed by cents, its
    cents; a progress on its own side of 0 % and 100 % (99.96 % reads « 99.96% », not « 100 % »); an ROI on its own
    side of the advisor's thresholds (49.96 % reads « 49.96% », not the roll-out's « 50 % »; audit opscounts)."""
    fmt = fmt or Formatter.for_plan(plan, "en", EngineSettings().roi_limits)
    w = STORY[fmt.lang]
    people = {p.email: p.name or p.email for p in plan.people}
    actions = Table(title=w["actions"].format(plan=plan.name, when=moment(evaluation.as_of, fmt.lang)))
    for head in column_heads(ACTION_COLUMNS, fmt.lang):
        actions.add_column(head)
    for action in plan.actions:
        p = evaluation.action(action.id)
        actions.add_row(action.id, people.get(action.who, action.who), _cut(action.text, 60),
                        action.window.label or f"{action.window.start:%Y-%m-%d}",
                        f"{fmt.number(p.done)} / {fmt.number(p.target)}",
                        enum_label("pace", p.pace.value, fmt.lang)
                        + (f" ({counted('out_of_reach', p.scope_accounts or 0, fmt.lang)})" if p.out_of_reach else ""))
    console.print(actions)
    axes = Table(title=w["axes"].format(day=fmt.date(plan.period.start)))
    for (key, _en), head in zip(AXIS_COLUMNS, column_heads(AXIS_COLUMNS, fmt.lang), strict=True):
        axes.add_column(head, justify="left" if key in LEFT_COLUMNS else "right")
    day = figures_last_day(plan, evaluation.as_of, ZoneInfo(plan.timezone))
    for axis in plan.axes:
        p = evaluation.axis(axis.id)
        # the report's figures and words (audits surfaces F3, opscounts): the shown revenue less the shown baseline,
        # its cents beside an objective missed by cents, the progress and the ROI on their own side of their
        # thresholds, the expected share as the workbook shows it, the statuses and the paces
        # an axis at risk reads below its expected share, with the decimals that show it (audit sfhand7)
        places = pace_decimals(p.progress, p.expected_by_now) if p.pace is Pace.AT_RISK else 0
        axes.add_row(_cut(f"{axis.id} {axis.name}", 50), axis_status(axis, fmt, day),
                     fmt.additional(p), fmt.objective_beside(p.objective, fmt.cents(p)),
                     fmt.progress(p.progress, places), fmt.percent(p.expected_by_now, places), fmt.roi(p.roi, p.cost),
                     enum_label("axis_pace", p.pace.value, fmt.lang))
    console.print(axes)
