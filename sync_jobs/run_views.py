"""How a sync run shows itself on a console, for ``pac sync``, ``pac status`` and ``pac demo``: the progress bars
fed by the pipeline's progress callback, the table of a run's figures per object, and rejected records grouped by
reason (in words)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Self

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pac_core.decision_words import REASONS
from pac_core.periods import day_words
from pac_core.reject_codes import ENGINE_RULES
from pac_core.reject_words import reason_words as french_words
from sync_jobs.secrets import hide_in_crm_text


def log_format() -> str:
    """``--log-format`` of this invocation of ``pac`` (``text`` outside a command)."""
    ctx = click.get_current_context(silent=True)
    return str(ctx.find_root().params.get("log_format") or "text") if ctx is not None else "text"


class GroupedCountColumn(ProgressColumn):
    """``1,500/?``, ``12,345/48,000``: a bar's count and total grouped by thousands, as the run summary and `pac
    status` write counts (rich's ``MofNCompleteColumn`` wrote « 1500/? »: audit newcomer3 L10); the count is padded
    to its total's width so the bar does not move."""

    def render(self, task: Task) -> Text:
        total = f"{int(task.total):,}" if task.total is not None else "?"
        return Text(f"{int(task.completed):>{len(total)},}/{total}", style="progress.download")


class Bars:
    """Rich progress bars on ``console``, one per key, that vanish when done.

    Shown only on a terminal and never under ``--log-format json`` (a log collector reads stderr): otherwise
    a silent no-op, so stderr holds nothing but log lines."""

    def __init__(self, console: Console, *, enabled: bool | None = None) -> None:
        self.enabled = (console.is_terminal and log_format() != "json") if enabled is None else enabled
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), GroupedCountColumn(),
                                 TimeElapsedColumn(), console=console, transient=True)
        self.tasks: dict[Hashable, Any] = {}

    def __enter__(self) -> Self:
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.progress.stop()

    def show(self, key: Hashable, label: str, done: int, total: int | None) -> None:
        """The bar of ``key`` (made with ``label`` the first time) at ``done`` of ``total``."""
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[key], completed=done, total=total)


# the phases with no record count of their own (sync_jobs.pipeline.SHOWN_PHASES): a bar that starts and ends; and
# the words of the phases that have one, before the connector and the object (``pac sync --lang fr``: « lecture de
# sf-main : affaires »)
PHASE_LABELS = {"en": {"load": "loading the records", "evaluate": "evaluating the plan", "pull": "reading {connector} "
                       "{object}", "write": "writing {connector} {object}"},
                "fr": {"load": "chargement des enregistrements", "evaluate": "évaluation du plan",
                       "pull": "lecture de {connector} : {object}", "write": "écriture dans {connector}"}}


class ProgressView(Bars):
    """The bars fed by the pipeline's progress callback (one per connector and phase), labelled in ``lang``."""

    def __init__(self, console: Console, *, enabled: bool | None = None, lang: str = "en") -> None:
        super().__init__(console, enabled=enabled)
        self.lang = lang

    def __call__(self, phase: str, *, connector: str, done: int, total: int | None = None, object: str = "",
                 finished: bool = False) -> None:
        if not self.enabled:
            return
        key = (connector, f"{phase}:{object}" if phase == "pull" else phase)
        words = PHASE_LABELS[self.lang]
        label = words.get(phase, words["write"])
        self.show(key, label.format(connector=connector, object=object_words(object, self.lang)).strip(), done,
                  done if finished else total)


def counts_table(title: str, counts: dict[str, dict[str, int]], lang: str = "en") -> Table:
    """A run's figures per object: read, rejected, deleted, written, failed (and, when there are any, warnings and
    records whose links the CRM did not make), grouped by thousands; blank where the run recorded none. ``lang``:
    the columns' and objects' language (``pac sync --lang fr``: « lus », « affaires », « 4 748 »)."""
    figures: tuple[str, ...] = ("read", "rejected", "warnings", "deleted", "written", "failed", "links_failed")
    optional = ("warnings", "links_failed")
    figures = tuple(f for f in figures if f not in optional or any(c.get(f) for c in counts.values()))
    heads = FIGURE_WORDS_FR if lang == "fr" else {}
    table = Table(title=title)
    table.add_column(heads.get("object", "object"))
    for col in figures:
        table.add_column(heads.get(col, col.replace("_", " ")), justify="right")
    written = WRITTEN_ROWS[lang]
    read = sorted(obj for obj in counts if obj not in written)
    for obj, name in [(obj, object_words(obj, lang)) for obj in read] + [(obj, written[obj]) for obj in written
                                                                         if obj in counts]:
        c = counts[obj]
        # grouped by thousands, as the report's data section and the API line (« 99,972 left today ») show them
        table.add_row(name, *(grouped(c[k], lang) if k in c else "" for k in figures))
    return table


# The write side's objects, after the read ones and named as what is written: « account » written beside
# « accounts » read read as one object twice (audit newcomer3). The run keeps its own keys (status, the report).
WRITTEN_ROWS = {"en": {"axis": "PAC axes", "action": "PAC actions", "account": "accounts' PAC fields"},
                "fr": {"axis": "axes du PAC", "action": "actions du PAC", "account": "champs PAC des comptes"}}
# a run's figures in French, as the columns of `pac sync --lang fr` and `pac status --lang fr` name them
FIGURE_WORDS_FR = {"object": "objet", "read": "lus", "rejected": "rejetés", "warnings": "alertes",
                   "deleted": "supprimés", "written": "écrits", "failed": "en échec", "links_failed": "liens en échec"}
# a run's status (``Run.status``, ``RunStatus.logged``) in French: the report's words (``report.i18n``'s
# "sync_status", lower case; status loads no report module); English shows the run log's word as it is kept
STATUS_FR = {"ok": "réussie", "partial": "partielle", "failed": "échouée", "quota_stopped": "arrêtée (quota API)",
             "locked": "déjà en cours", "running": "en cours", "dry_run": "réussie"}


def status_words(status: str, lang: str) -> str:
    """A run's status as ``pac status`` and ``pac sync`` show it: « partielle » in French, ``partial`` in English
    (and a status this pac does not know, as kept)."""
    return STATUS_FR.get(status, status) if lang == "fr" else status


def agreed(n: int, *, feminine: bool = True) -> dict[str, str]:
    """The French words of a sentence that agree with its count ``n``: ``s``, ``them`` (« corrigez-la », « -le »,
    « -les »), ``their`` (« son », « leur »); English has its own "(s)"."""
    one = n == 1
    return {"s": "" if one else "s", "them": ("la" if feminine else "le") if one else "les",
            "their": "son" if one else "leur"}


def grouped(value: int | Decimal, lang: str) -> str:
    """A count (or a whole amount) grouped by thousands as the output's language writes it: « 6 954 » / "6,954"."""
    return f"{value:,}".replace(",", " ") if lang == "fr" else f"{value:,}"


def moment(at: datetime, lang: str) -> str:
    """An instant of a sentence (the time of a UTC column, the demo's clock): ``2027-05-03 02:00``, in French « 3 mai
    2027 à 02:00 » (the days in words, as the report and ``pac explain`` write them)."""
    return f"{day_words(at.date(), 'fr')} à {at:%H:%M}" if lang == "fr" else f"{at:%Y-%m-%d %H:%M}"


def duration(span: timedelta, lang: str) -> str:
    """How long a run (or the demo) took: "5.0s" / « 5,0 s »."""
    seconds = f"{span.total_seconds():.1f}"
    return f"{seconds.replace('.', ',')} s" if lang == "fr" else f"{seconds}s"


# the API line in French (English: the run's own, ``RunResult.api_lines``)
API_WORDS_FR = {"api": "API {name} : {calls} appels pour cette exécution", "left": ", {left} restants aujourd'hui"}


def api_lines(result: Any, lang: str) -> list[str]:
    """The run's API line per connector (``RunResult.api_lines``: its calls this run and, when the CRM said it, the
    calls left today), in ``lang``: « API sf-main : 29 appels pour cette exécution, 99 972 restants aujourd'hui »
    (``pac sync``, ``pac demo``)."""
    if lang == "en":
        return list(result.api_lines)
    w = API_WORDS_FR
    return [w["api"].format(name=name, calls=grouped(api["calls"], lang))
            + ("" if api.get("remaining") is None else w["left"].format(left=grouped(api["remaining"], lang)))
            for name, api in result.api.items()]


REASON_WORDS = {
    "no_account": "no account", "no_owner": "no owner", "no_start": "no date", "unknown_type": "unknown activity type",
    "no_close_date": "won deal with no close date", "no_amount": "won deal with no amount",
    "negative_amount": "negative amount", "unknown_currency": "currency with no exchange rate",
}


def reason_words(head: str) -> str:
    """A rejection's grouping reason for people: the engine's rule codes in words, connector reasons as they are."""
    return REASON_WORDS.get(head, head)


def examples(group: Any, lang: str = "en") -> str:
    """A rejection group's example records (``crm id «name»``; in French ``crm id « name »``, spaced as French
    writes guillemets), with how many more there are; a name is the CRM's text as written, pac's own credentials
    hidden (``secrets.hide_in_crm_text``: a token pasted in a visit's subject; audit secretsaudit)."""
    opening, closing = ("« ", " »") if lang == "fr" else ("«", "»")
    shown = [f"{crm_id} {opening}{hide_in_crm_text(label)}{closing}" if label else crm_id
             for _c, crm_id, label in group.examples]
    more = group.count - len(shown)
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")


REJECTION_HEADS = ("object", "reason", "count", "examples")


def print_rejection_table(console: Console, groups: Sequence[Any], title: str,
                          heads: Sequence[str] = REJECTION_HEADS, lang: str = "en") -> None:
    """Rejected records grouped by reason: object, reason, count, a few example records (id and name); ``heads``:
    the columns' names in the output's language (``pac status --lang fr``), ``lang`` the reasons' language."""
    table = Table(title=title)
    for i, col in enumerate(heads):
        table.add_column(col, justify="right" if i == 2 else "left")
    for g in groups:
        table.add_row(object_words(g.object, lang), rejection_reason(g) if lang == "en" else french_reason(g),
                      str(g.count), examples(g, lang))
    console.print(table)


# the objects a run reads, as `pac status --lang fr` names them (the report's words, ``report.i18n``'s "object", in
# lower case: status loads no report module); English keeps the run log's keys
OBJECT_WORDS_FR = {"accounts": "comptes", "activities": "activités", "deals": "affaires", "users": "utilisateurs",
                   "pac_edits": "modifications du plan dans le CRM"}


def object_words(key: str, lang: str) -> str:
    """An object of the run log in ``lang``: as kept in English (``deals``, ``activities:calls``,
    ``pac_edits@PLAN``); in French its words, what follows them (the CRM's own object, the plan) in parentheses:
    « affaires », « activités (calls) », « modifications du plan dans le CRM (pac-2027) »."""
    if lang != "fr":
        return key
    head, sep, rest = key.partition("@") if "@" in key else key.partition(":")
    words = OBJECT_WORDS_FR.get(head)
    if words is None:
        return key
    return f"{words} ({rest})" if sep else words


def french_reason(group: Any) -> str:
    """A rejection group's reason in French (``pac status --lang fr``): a lone record's as the report words it
    (``reject_words.reason_words``: an engine set-aside's detail, a connector's code), several records' rule in its
    French word (``decision_words.REASONS``) or, for a connector's code, the first record's words; a text no code
    reads (a CRM's error) as stored. None of them loads the engine (`pac status --help` loads none: test_cli_lazy)."""
    if group.count == 1 or group.reason not in ENGINE_RULES:
        return french_words(group.sample, "fr", group.code, group.values)
    return REASONS["fr"].get(group.reason, reason_words(group.reason))


def rejection_reason(group: Any) -> str:
    """A rejection group's reason as the table says it. A lone record of an engine rule: its detail alone, the reason
    in full with its own fix in parentheses (« no exchange rate for CHF into EUR (add it to engine.fx_rates in
    prod.yaml) »): the rule's words before it said the reason twice, « currency with no exchange rate: no exchange
    rate for … » (audit leftsmall; a colon, not parentheses, since audit newcomer3). Several records: the rule's words
    (each one's detail differs). A connector's reason: its text, « unparseable date: '2027-13-01' in CloseDate »."""
    words = reason_words(group.reason)
    head, colon, detail = group.sample.partition(": ")
    if group.count != 1 or not colon or words == group.sample:
        return words
    return detail if head == group.reason and group.reason in REASON_WORDS else f"{words}: {detail}"


def new_part(rejected: int, new: int | None, lang: str = "en") -> str:
    """`` (1 new)`` after a rejection count: the new ones (not rejected for the same reason by the plan's previous
    finished run) make a run partial, the known ones do not. Empty with no rejection, or when ``new`` is None
    (a run that stopped before comparing, or a run logged before pac compared). ``lang="fr"``: `` (dont 1
    nouveau)``."""
    if new is None or not rejected:
        return ""
    return f" (dont {grouped(new, lang)} nouveau{'x' if new > 1 else ''})" if lang == "fr" else f" ({new:,} new)"
