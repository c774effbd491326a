"""``pac explain ACTION`` and ``pac explain AXIS`` as plain data: a header line, then rows with reasons.

The CLI renders the rows (a Rich table); this module only decides their content and order:

* an action: counted activities first (in time order), then the near misses, each with the rule that
  rejected it;
* an axis: the won deals counted (amount counted in the plan's currency, with its divisor when the plan
  splits attribution: "900,00 € / 2 = 450,00 €"; close date in the plan's timezone, owner, and the product
  lines counted when the axis is product-scoped), then the deals of its accounts that a deal condition left
  out (another owner, another product), then its rejected deals.

**One language per output**: reasons, headers and details are in ``lang`` (``fr`` or ``en``; the plan's
language by default). The engine's details are worded in English with the plan's French scope labels;
``localise`` (``pac_core.decision_words``, which loads no engine) turns them into the asked language with one fixed
phrase table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from pac_core.decision_words import ALSO, PLANNED_PAST, REASONS, SEP, french_day, localise, money
from pac_core.engine import axis_reference, base_to_date, baseline_days, figures_last_day, unrated_words
from pac_core.engine_settings import SETTINGS_FILE
from pac_core.growth import with_evaluation
from pac_core.growth_words import objective_line, rate_text
from pac_core.matching import OTHER_DATE, local_minute, owner_emails, state_fields, state_words
from pac_core.money import LOCALES, progress_percent, shown_additional, shown_digits
from pac_core.periods import cut_note, day_words, days_phrase, iso_week_note
from pac_core.plan import (
    ACTIVITY_WORDS,
    Action,
    ActivityType,
    Axis,
    AxisState,
    Objective,
    Plan,
    action_cancelled,
    axis_state_on,
)
from pac_core.products import linked
from pac_core.records import HISTORY_FIELDS, Account, AccountChange, Deal, DealLine, Records, past_at
from pac_core.reject_codes import CODES
from pac_core.report_period import base_calendar
from pac_core.results import Decision, Evaluation, Pace
from pac_core.revenue import (
    DealFilter,
    deal_value,
    last_day,
    line_currency_words,
    lines_total,
    value_warnings,
    value_words,
    weekly_year,
    window_days,
)
from pac_core.rounding import half_up
from pac_core.scope_eval import DETAIL, failure_words, label_words


@dataclass(frozen=True)
class Explanation:
    """What ``pac explain`` prints: ``header`` then one row per decision (plain dicts)."""

    action_id: str
    text: str
    header: str
    rows: tuple[dict[str, Any], ...]
    cut: str = ""      # a week straddling the plan's edge, counted on the plan's days only (periods.cut_note)
    inactive: str = ""   # why an inactive action (cancelled, its axis suspended or dropped) counts in no total
    to_come: str = ""    # an action whose window has not begun: nothing counts for it yet (the report's « À venir »)
    nothing: str = ""    # a live action with no decision at all: why its table is empty (a rep on holiday)
    handed: str = ""     # an action handed over: from whom, on which day, whose activities count (``_handed``)


def explain_action(plan: Plan, evaluation: Evaluation, action_id: str, *, limit: int = 50,
                   accounts: Mapping[tuple[str, str], str] | None = None, lang: str | None = None,
                   also_on: Mapping[tuple[str, str], Sequence[str]] | None = None) -> Explanation:
    """The explanation of one action; ``accounts`` maps (source, account id) to a display name, ``also_on``
    (source, activity id) to the other accounts the activity is associated with when the CRM names no primary one
    (``Activity.also_on``, shown as « Durand Lyon (69003) »): the detail names them.

    Rows: ``record`` (CRM id), ``source``, ``account`` (name or id), ``when`` (local time, plan's
    timezone), ``counted``, ``rule`` (stable code), ``reason`` (words) and ``detail``.
    Raises KeyError naming the known ids when the action does not exist.
    """
    try:
        action = plan.action(action_id)
        progress = evaluation.action(action_id)
    except StopIteration:
        known = ", ".join(a.id for a in plan.actions)
        raise KeyError(f"no action {action_id!r} in plan {plan.name!r} (known: {known})") from None
    lang = _lang(plan, lang)
    zone = ZoneInfo(plan.timezone)
    counted, missed, more = _tally(progress.decisions)
    counted_total = len(counted) + sum(_count(d.detail) for d in more if d.counted)
    uncounted = len(missed) + sum(_count(d.detail) for d in more if not d.counted)
    share = progress_percent(progress.progress, lang)     # as the report writes it (« 99,96 % », not « 100 % »)
    if lang == "fr":
        header = (f"{progress.done} / {progress.target} ({share}) — {_fr(counted_total, 'comptée', 'comptées')}, "
                  f"{_fr(uncounted, 'non comptée', 'non comptées')}")
    else:
        header = f"{progress.done} / {progress.target} ({share}) — {counted_total} counted, {uncounted} not counted"
    rows = [_also_on(_row(_past(d, evaluation.as_of, zone), lang, zone, accounts), also_on, lang)
            for d in (counted + missed)[:limit]]
    header += _listed(len(rows), counted_total + uncounted, lang)
    note = (cut_note(action.window, lang, plan.timezone)                 # calendar audit F2: ISO and US weeks too
            or iso_week_note(action.window, lang, plan.timezone) or "")  # usplan F5
    # the day the engine judged it on (at a local midnight the day before: audit pacehand, `--as-of 2027-06-30`)
    inactive = _inactive(plan, action, figures_last_day(plan, evaluation.as_of, zone), lang) \
        if progress.pace is Pace.INACTIVE else ""
    to_come = _to_come(action, figures_last_day(plan, evaluation.as_of, zone), zone, lang) \
        if progress.pace is Pace.NOT_STARTED else ""
    nothing = _nothing(action, zone, lang) \
        if counted_total + uncounted == 0 and progress.pace not in (Pace.NOT_STARTED, Pace.INACTIVE) else ""
    return Explanation(action.id, action.text, header, tuple(rows), note, inactive, to_come, nothing,
                       _handed(action, lang))


HANDED = {"fr": ("Passée à {who} par {former} le {day} : les activités de {former} d'avant ce jour comptent pour elle, "
                 "pas celles à partir de ce jour."),
          "en": ("Handed over to {who} by {former} on {day}: {former}'s activities before that day count for it, "
                 "those from that day on do not.")}


def _handed(action: Action, lang: str) -> str:
    """An action handed over (``Action.handed_over``), one sentence per former owner: whose it was, the day, which of
    their activities count (docs/engine.md, rule 1). The table names a former owner only on rows of theirs: a manager
    read « 2 / 5 » over the new owner's rows with no word of the hand-over (audit explainleft)."""
    return " ".join(HANDED[lang].format(who=action.who, former=h.from_,
                                        day=day_words(h.on, "fr") if lang == "fr" else f"{h.on:%Y-%m-%d}")
                    for h in action.handed_over)


TO_COME = {"fr": ("Action à venir : sa période {}({}) commence après le dernier jour compté, le {} ; rien ne compte "
                  "encore pour elle.", "« {} » "),
           "en": ("Action to come: its window {}({}) begins after the last day counted, {}; nothing counts for it yet.",
                  "“{}” ")}


def _to_come(action: Action, today: date, zone: ZoneInfo, lang: str) -> str:
    """Why an action whose window has not begun (``Pace.NOT_STARTED``, the report's « À venir ») reads 0 with nothing
    listed: « Action à venir : sa période « Q3 » (du 1er octobre au 31 décembre 2027) commence après le dernier jour
    compté, le 30 septembre 2027 ; … » (audit explainus: « 0 / 2 (0 %) » over an empty table, an action at 0 % to the
    eye)."""
    line, label = TO_COME[lang]
    days = _window_days(action, zone, lang)
    day = day_words(today, "fr") if lang == "fr" else f"{today:%Y-%m-%d}"
    return line.format(label.format(action.window.label) if action.window.label else "", days, day)


def _window_days(action: Action, zone: ZoneInfo, lang: str) -> str:
    """An action's window's days, in ``_to_come`` and ``_nothing``: ``2027-05-03 – 2027-05-09``; in French in words,
    « du 3 au 9 mai 2027 », as explain's other French days (audit frenchwords)."""
    first = action.window.start.astimezone(zone).date()
    last = (action.window.end.astimezone(zone) - timedelta(microseconds=1)).date()
    if lang == "fr":
        return days_phrase(first, last, "fr")
    return f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"


NOTHING = {"fr": ("Rien à lister : ni {} dans sa période {}({}) ou un jour autour, ni un autre commercial sur ses "
                   "comptes, n'a d'activité ({}) qui approche de compter. S'il y a eu des {}, pac ne les a pas : "
                   "faites-les saisir dans le CRM, au statut réalisé, sur le compte du client et à leur date réelle ; "
                   "le prochain `pac sync` les lira. Sinon (un commercial absent), reprogrammez l'action (son `when`) "
                   "ou passez-la à un autre commercial (`handed_over`) dans le plan.", "« {} » ", " ou "),
           "en": ("Nothing to list: no activity of {} in its window {}({}) or a day around it comes near to counting, "
                  "nor does another rep's {} on its accounts. If there were {}, pac does not have them: have them "
                  "logged in the CRM as completed, on the customer's account and at their real date; the next `pac "
                  "sync` reads them. If not (a rep away), reschedule the action (its `when`) or hand it over to "
                  "another rep (`handed_over`) in the plan.", "“{}” ", " or ")}
# the activities an action counts, in the plural, for what to do when it has nothing to list (``_nothing``)
KINDS = {ActivityType.VISIT: ("visits", "visites"), ActivityType.CALL: ("calls", "appels"),
         ActivityType.MEETING: ("meetings", "rendez-vous"), ActivityType.DEMO: ("demos", "démos"),
         ActivityType.EMAIL: ("e-mails", "e-mails"),
         ActivityType.QUOTE_FOLLOW_UP: ("quote follow-ups", "relances de devis")}


def _nothing(action: Action, zone: ZoneInfo, lang: str) -> str:
    """Why a live action reads 0 over an empty table (no decision at all: its owner logged nothing near its window,
    a rep on holiday): « Rien à lister : … » (audit sfhand6; as ``_to_come`` for an action whose window has not
    begun, audit explainus). The near misses looked for are the owners' activities of the window and a day around
    it, and the other reps' of the action's type on its scope's accounts in the window (docs/engine.md)."""
    line, label, joined = NOTHING[lang]
    days = _window_days(action, zone, lang)
    owners = joined.join(dict.fromkeys([action.who, *(h.from_ for h in action.handed_over)]))
    kind = ACTIVITY_WORDS[action.activity_type][lang == "fr"]
    return line.format(owners, label.format(action.window.label) if action.window.label else "", days, kind,
                       KINDS[action.activity_type][lang == "fr"])


STOPPED = {"fr": {AxisState.SUSPENDED: "suspendu", AxisState.DROPPED: "abandonné"},
           "en": {AxisState.SUSPENDED: "suspended", AxisState.DROPPED: "dropped"}}
INACTIVE = {"fr": ("Action inactive : {} (hors des totaux du plan ; ses activités restent listées).",
                   "annulée dans le plan", "son axe « {} » est {}",
                   "son axe « {} » était suspendu ou abandonné pendant sa période"),
            "en": ("Inactive action: {} (out of the plan's totals; its activities are still listed).",
                   "cancelled in the plan", "its axis “{}” is {}",
                   "its axis “{}” was suspended or dropped during its window")}


def _inactive(plan: Plan, action: Action, today: date, lang: str) -> str:
    """Why an inactive action (``Pace.INACTIVE``: the report's « Inactive ») counts in no total, under its counts:
    cancelled, its axis suspended or dropped (``axis_state_on``), or its window closed while it was (audit
    explainhand: the header read « 4 / 5 (80 %) » and nothing, as for a live action)."""
    line, cancelled, axis_words, during = INACTIVE[lang]
    states = STOPPED[lang]
    if action_cancelled(action, today):
        return line.format(cancelled)
    axis = plan.axis(action.axis_id)
    state = axis_state_on(axis, today)
    return line.format(axis_words.format(axis.name, states[state]) if state in states else during.format(axis.name))


def _past(d: Decision, as_of: datetime, zone: ZoneInfo) -> Decision:
    """A near miss for being planned, dated before the evaluation instant, as what it is: an activity still planned
    on a past date, whose outcome (a HubSpot meeting still "Scheduled") or status (a Salesforce call task still "Not
    Started") nobody updated, not one "not done yet" (rule ``planned_past``, with the fix as its detail); one dated
    by its day alone is past once that day is over (``records.past_at``)."""
    if d.rule != "planned":
        return d
    return replace(d, rule="planned_past", detail=PLANNED_PAST) if past_at(d.when, as_of, zone) else d


def _listed(listed: int, total: int, lang: str) -> str:
    """What the header adds when fewer rows are listed than it counts (the engine's limits, ``--limit``)."""
    if listed >= total:
        return ""
    if lang == "fr":
        return (" ; aucune n'est listée" if listed == 0 else " ; seule la première est listée" if listed == 1
                else f" ; seules les {listed} premières sont listées")
    return ("; none is listed" if listed == 0 else "; only the first is listed" if listed == 1
            else f"; only the first {listed} are listed")


def _tally(decisions: Sequence[Decision]) -> tuple[list[Decision], list[Decision], list[Decision]]:
    """The listed decisions, counted then not counted, and the engine's ``truncated`` ones: it lists at most
    ``counted_limit`` counted activities and ``near_miss_limit`` near misses of an action, ``deal_decision_limit``
    deals of each kind of an axis, and counts the others in a "truncated" decision ("58 more counted deals not
    listed (2 with no amount)"), which the headers count too."""
    real = [d for d in decisions if d.rule != "truncated"]
    return ([d for d in real if d.counted], [d for d in real if not d.counted],
            [d for d in decisions if d.rule == "truncated"])


def _fr(n: int, one: str, many: str) -> str:
    """``n`` and its French words: 0 and 1 take the singular (« 1 comptée », « 0 non comptée »), 2 and more
    the plural."""
    return f"{n} {one if n < 2 else many}"


def _en(n: int, one: str, many: str) -> str:
    """``n`` and its English words: 1 takes the singular (« 1 deal »), 0 and 2 and more the plural."""
    return f"{n} {one if n == 1 else many}"


def _count(detail: str) -> int:
    head = detail.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0


def _row(d: Decision, lang: str, zone: ZoneInfo, accounts: Mapping[tuple[str, str], str] | None) -> dict[str, Any]:
    name = d.account_id or ""
    if accounts is not None and d.account_id is not None:
        name = accounts.get((d.source, d.account_id), d.account_id)
    when = ""
    if isinstance(d.when, datetime):
        when = local_minute(d.when, zone)
    elif isinstance(d.when, date):
        when = d.when.isoformat()
    return {"record": d.record_id, "source": d.source, "account": name, "when": when, "counted": d.counted,
            "rule": d.rule, "reason": REASONS[lang].get(d.rule, d.rule), "detail": _detail_once(d, lang)}


# the near misses whose engine detail is their status alone (``matching.Matcher._detail``): the reason says it
STATUS_ONLY = {"cancelled": "cancelled", "no_show": "no-show", "not_answered": "call not answered",
               "call_not_completed": "call not completed"}


def _detail_once(d: Decision, lang: str) -> str:
    """A row's detail, without the status its reason already says: a cancelled visit read « annulée | annulée », a
    no-show "no-show | no-show" (audit reporttidy, 7 Dec 2026); the other rules it fails, when any, stay (« aussi :
    … »). The decision's own detail is unchanged (snapshots and the figures' digests keep it)."""
    head, codes = _split_also(d.detail)
    if STATUS_ONLY.get(d.rule) != head:
        return detail_words(d, lang)
    return _also_words(codes, lang).removeprefix(SEP[lang])


ALSO_ON = {"fr": ("aussi sur {}", "HubSpot ne donne pas d'entreprise principale à une activité ; pac garde celle où il "
                                    "la comptait (ou l'entreprise issue de sa fusion), sinon prend le plus petit "
                                    "identifiant", " : "),
           "en": ("also on {}", "HubSpot engagements have no primary company; pac keeps the one it counted it for "
                                "(or the company that one was merged into), else takes the smallest id", ": ")}


def _also_on(row: dict[str, Any], also_on: Mapping[tuple[str, str], Sequence[str]] | None,
             lang: str) -> dict[str, Any]:
    """The row with the other accounts its activity is associated with named after its detail (audit matching F7):
    « also on Durand Lyon (69003): HubSpot engagements have no primary company; pac keeps the one it counted it for
    (...), else takes the smallest id »."""
    others = (also_on or {}).get((row["source"], row["record"]))
    if not others:
        return row
    where, why, colon = ALSO_ON[lang]
    note = f"{where.format(', '.join(others))}{colon}{why}"
    return {**row, "detail": f"{row['detail']}{SEP[lang]}{note}" if row["detail"] else note}


def _lang(plan: Plan, lang: str | None) -> str:
    wanted = lang or plan.language
    return wanted if wanted in REASONS else "en"


def detail_words(d: Decision, lang: str) -> str:
    """A decision's detail in ``lang``: written from its amounts when it keeps them (``Decision.amounts``: a won
    deal's value warnings, ``revenue.VALUE_WORDS``), so no amount is read back out of the English; else its English
    detail in ``lang`` (``localise``: every other decision, and a value warning kept before its amounts were). So are
    a warning's CRM texts and codes kept as values (``Decision.values``: a line's name, never reworded)."""
    if d.amounts and (words := value_words(d.rule, d.amounts, lang)) is not None:
        return words
    if d.rule == "outside_scope" and d.values:
        return _scope_words(d, lang)
    if lang == "fr" and d.values and (dated := _DATED_FR.get(d.rule)) is not None:
        return dated(dict(d.values)) + _also_words(_split_also(d.detail)[1], lang)
    if d.values and (made := _FROM_VALUES.get(d.rule)) is not None:
        return made(dict(d.values), lang)
    return localise(d.detail, lang)


def _scope_words(d: Decision, lang: str) -> str:
    """A near miss outside the scope in ``lang``, from its values (``scope_eval.failure_values``): the amounts as pac
    writes money, the French days in words, the CRM's values as it gives them (never run through the phrase tables:
    « Grands comptes » stays, a custom field's name too), the scope's label in ``lang`` (``label_words``, else the
    phrase tables); then what the engine wrote after it (the account's state then, the other rules it fails)."""
    kept = d.values
    label = label_words(kept, lang)
    words = failure_words(d.amounts, kept, lang, label if label is not None else localise(dict(kept)["label"], lang))
    engine = failure_words(d.amounts, kept, DETAIL)
    if not d.detail.startswith(engine):     # cannot happen: the detail is written from them
        return localise(d.detail, lang)
    head, codes = _split_also(d.detail[len(engine):])
    if head.startswith("; "):
        words += f"{SEP[lang]}{localise(head[2:], lang)}"
    return words + _also_words(codes, lang)


def _split_also(detail: str) -> tuple[str, str]:
    """A near miss's detail and the codes of the other rules it fails (``matching.first_cause``: "; also: cancelled"),
    "" when none."""
    head, also, codes = detail.rpartition(f"; {ALSO}")
    return (head, codes) if also else (detail, "")


def _also_words(codes: str, lang: str) -> str:
    """The other rules a near miss fails, in ``lang``, after its detail: « ; aussi : annulée »."""
    if not codes:
        return ""
    named = ", ".join(REASONS[lang][code] for code in codes.split(", "))
    return f"{SEP[lang]}{'aussi : ' if lang == 'fr' else ALSO}{named}"


def _fr_moment(at: str) -> str:
    """A near miss's local moment in French: « 28 avril 2027 à 10:00 » (« à 01:30 CDT » in the hour the clocks
    repeat), « 28 avril 2027 » for an activity dated by its day (``matching.local_minute``'s ISO minute)."""
    day, _, time = at.partition(" ")
    return french_day(day) + (f" à {time}" if time else "")


def _outside_window_fr(values: Mapping[str, str]) -> str:
    """« 28 avril 2027 à 10:00, avant la période « semaine 18 » (du 3 au 9 mai 2027) »: the days in words (they read
    « 2027-04-28 10:00, avant la période « semaine 18 » (2027-05-03 – 2027-05-09) »), the window's label as the plan
    wrote it (the phrase table translated words of it: « Q2 planned » read « Q2 prévue »; audit nearmissfmt)."""
    side = "avant" if values["side"] == "before" else "après"
    label = f" « {values['label']} »" if values["label"] else ""
    days = days_phrase(date.fromisoformat(values["first"]), date.fromisoformat(values["last"]), "fr")
    dated, other = values.get("dated"), values.get("other")
    if not (dated and other):
        return f"{_fr_moment(values['at'])}, {side} la période{label} ({days})"
    # a task dated by the earlier of its due day and its completion names both (audit explainspan): « terminée le 5 juin
    # 2027 à 10:00, avant la période « semaine 23 » (du 7 au 13 juin 2027) ; échéance le 7 juin »
    day, _, time = other.partition(" ")
    then = french_day(day, values["at"][:10]) + (f" à {time}" if time else "")
    return (f"{_DATED_AS_FR[dated]} le {_fr_moment(values['at'])}, {side} la période{label} ({days}) ; "
            f"{_DATED_AS_FR[OTHER_DATE[dated]]} le {then}")


_DATED_AS_FR = {"completed": "terminée", "due": "échéance"}


# a near miss whose French is written from its values (``matching.Matcher._values``): its days in words
_DATED_FR: dict[str, Callable[[Mapping[str, str]], str]] = {
    "outside_window": _outside_window_fr,
    "not_over": lambda v: f"{french_day(v['day'])}, toute la journée : comptée une fois la journée passée",
}


# the warnings whose words name CRM texts and codes kept as values (``Decision.values``): both languages made from them
def _crm_rejected_words(values: Mapping[str, str], lang: str) -> str:
    """A won deal a connector rejected (``revenue.WonLedger.note_crm_rejected``): the rejection's words in ``lang``,
    made from its code and values (``reject_codes.CODES``; the French with what to do in the CRM), as ``pac status``
    and the report word it."""
    words = CODES[values["code"]]
    kept = {k: v for k, v in values.items() if k != "code"}
    return (words.fr if lang == "fr" else words.en)(kept)


_FROM_VALUES: dict[str, Callable[[Mapping[str, str], str], str]] = {
    "line_unknown_currency": line_currency_words, "annual_revenue_no_rate": unrated_words,
    "crm_rejected": _crm_rejected_words}


@dataclass(frozen=True)
class AxisExplanation:
    """What ``pac explain AXIS`` prints: ``header``, ``objective`` (where an objective written as a percentage
    comes from, "" otherwise), then one row per deal (plain dicts)."""

    axis_id: str
    name: str
    header: str
    rows: tuple[dict[str, Any], ...]
    warnings: int
    objective: str = ""
    inactive: str = ""   # a suspended or dropped axis: out of the plan's totals (the report's « hors total »)
    # the deals behind the baseline (``_base_section``): its lines ("" when it is 0 with no deal to list), rows
    baseline: str = ""
    baseline_rows: tuple[dict[str, Any], ...] = ()
    # a percentage objective's base when its deals are not the baseline's (mid-period: its whole period a year earlier)
    base: str = ""
    base_rows: tuple[dict[str, Any], ...] = ()


def explain_axis(plan: Plan, evaluation: Evaluation, axis_id: str, *, deals: Mapping[tuple[str, str], Deal],
                 accounts: Mapping[tuple[str, str], str] | None = None,
                 owners: Mapping[tuple[str, str], str] | None = None, lang: str | None = None,
                 limit: int = 100, fx_rates: Mapping[str, Decimal] | None = None,
                 crms: Mapping[str, str] | None = None, settings_file: str = SETTINGS_FILE,
                 states: Mapping[tuple[str, str], str] | None = None,
                 shared: Mapping[tuple[str, str], Sequence[tuple[str, str]]] | None = None,
                 also: Mapping[tuple[str, str], Sequence[tuple[str, str]]] | None = None) -> AxisExplanation:
    """The deals behind one axis's revenue; ``deals`` maps (source, id) to the deal, ``owners`` (source, owner id)
    to a person's name or e-mail. Rows: ``record``, ``source``, ``deal`` (name), ``account``, ``owner``, ``when``
    (close date, plan's timezone), ``amount`` (counted, or the deal's own when not counted; with split attribution
    a deal several live axes count reads "900,00 € / 2 = 450,00 €", the share this axis counts), ``lines`` (product
    lines counted, product-scoped axes), ``counted``, ``rule``, ``reason``, ``detail`` (a converted deal's rates:
    ``fx_rates``, the evaluation's ``engine.fx_rates``, and ``crms``, each source's CRM, "salesforce" or "hubspot",
    say which rates it was converted at and in whose words: ``rate_words``; ``settings_file``, the file of
    ``engine.fx_rates`` as the user has it; ``states``, (source, account id) -> the account's owner, type or dormant
    flag on the axis's first day when the scope reads it and it changed since, ``account_state_notes``: said of a
    counted deal, as an action's counted visit says it; ``shared``, (source, deal id) -> the other live axes (id,
    name) a deal split between axes is divided with, ``split_partners``: said of a split deal; ``also``, under
    ``attribution: full``, (source, deal id) -> the other axes that count it whole too, ``also_counted_by``).
    Raises KeyError naming the known ids when the axis does not exist."""
    plan = with_evaluation(plan, evaluation)     # an objective written as a percentage: the amount resolved
    try:
        axis = plan.axis(axis_id)
        progress = evaluation.axis(axis_id)
    except StopIteration:
        known = ", ".join(a.id for a in plan.axes)
        raise KeyError(f"no axis {axis_id!r} in plan {plan.name!r} (known: {known})") from None
    lang = _lang(plan, lang)
    flt = DealFilter.of(plan.axis_scope(axis).deals_part, axis.who)
    if flt.line_conditions:
        # lines made from one product library item know each other's SKUs and names, as the revenue matched them
        # (``products.linked``): a line sold under a renamed product's new SKU is shown (audit hshand6)
        deals = _linked_deals(deals)
    counted, missed, more = _tally(progress.decisions)
    counted_total = len(counted) + sum(_count(d.detail) for d in more if d.counted)
    missed_total = len(missed) + sum(_count(d.detail) for d in more if not d.counted)
    row_of = _DealRows(plan, flt, deals, accounts, owners, lang, fx_rates, crms, settings_file, states, shared, also)
    rows = row_of.rows(counted, missed, counted_total, progress.revenue, limit)
    cur = plan.currency
    # the additional revenue as the two figures beside it are shown, to the cent (``shown_additional``, as the report
    # and the CRM's field): 800.01 - 414.11 reads 385.90, not 385.89 from the exact 385.8927 (audit revenue F6)
    figures = (f"{money(progress.revenue, cur, lang)}", f"{money(progress.baseline, cur, lang)}",
               f"{money(shown_additional(progress.revenue, progress.baseline, shown_digits(cur)), cur, lang)}")
    objective = money(progress.objective, cur, lang) if progress.objective is not None else "-"
    no_amount = (sum(1 for d in counted if d.rule == "no_amount")
                 + sum(_no_amount(d.detail) for d in more if d.counted))
    listed = len(rows)
    credits = sum(1 for d in counted if d.rule == "credit")    # listed ones: a credit subtracted (docs/engine.md)
    if lang == "fr":
        header = (f"CA {figures[0]} (référence {figures[1]}, supplémentaire {figures[2]}, objectif {objective}) — "
                  f"{_fr(counted_total, 'affaire comptée', 'affaires comptées')}, "
                  f"{_fr(missed_total, 'non comptée', 'non comptées')}")
        if no_amount:
            header += (f" ; {no_amount} sans montant ({'comptée' if no_amount < 2 else 'comptées'} pour 0 : à corriger "
                       "dans le CRM)")
        if credits:
            header += f" ; {_fr(credits, 'avoir déduit', 'avoirs déduits')}"
        header += _listed(listed, counted_total + missed_total, lang)
    else:
        header = (f"Revenue {figures[0]} (baseline {figures[1]}, additional {figures[2]}, objective {objective}) — "
                  f"{_en(counted_total, 'deal', 'deals')} counted, {missed_total} not counted")
        if no_amount:
            them = "it" if no_amount == 1 else "them"
            header += f"; {no_amount} with no amount (counted as 0: fix {them} in the CRM)"
        if credits:
            header += f"; {_en(credits, 'credit', 'credits')} subtracted"
        header += _listed(listed, counted_total + missed_total, lang)
    origin = objective_line(axis.objective, ZoneInfo(plan.timezone), cur, lang, *base_calendar(plan))
    inactive = ""
    if progress.pace is Pace.INACTIVE:   # the report's « hors total » (audit explainhand: the header stood alone)
        state = axis_state_on(axis, figures_last_day(plan, evaluation.as_of, ZoneInfo(plan.timezone)))
        line, either = INACTIVE_AXIS[lang]
        inactive = line.format(STOPPED[lang].get(state, either))
    zone = ZoneInfo(plan.timezone)
    base_rows = replace(row_of, shared=None, also=None)   # a split's partners and full's are this year's deals'
    baseline, baseline_rows = _base_section(
        axis, progress.baseline_decisions, progress.baseline, baseline_days(plan, axis, evaluation.as_of, zone),
        base_rows, limit, progress.base_decisions == progress.baseline_decisions and axis.objective is not None
        and axis.objective.growth_base == progress.baseline, BASELINE_WORDS[lang])
    if axis.objective is not None and axis.objective.baseline is not None:
        baseline = _fixed(axis.objective, progress.baseline, evaluation.as_of, zone, cur, lang)
    base, base_listed = "", list[dict[str, Any]]()
    if (axis.objective is not None and axis.objective.growth_base is not None and axis.objective.baseline is None
            and (progress.base_decisions != progress.baseline_decisions
                 or axis.objective.growth_base != progress.baseline)):
        days = base_to_date(axis.objective.period, evaluation.as_of, zone, weekly_year(plan.period.quarters))[0]
        base, base_listed = _base_section(axis, progress.base_decisions, axis.objective.growth_base, days, base_rows,
                                          limit, True, BASE_WORDS[lang])
    return AxisExplanation(axis.id, axis.name, header, tuple(rows), no_amount, origin, inactive, baseline,
                           tuple(baseline_rows), base, tuple(base_listed))


# the deals a baseline counts: its heading (figure, days, counts), the sentence of a deal pac rejected that lowers it
BASELINE_WORDS = {
    "fr": ("Référence {} : affaires gagnées {}, les mêmes jours un an plus tôt — {}, {}",
           " ; elles font aussi la base de l'objectif ({} de {})",
           "Hors de la référence, qui en est d'autant plus basse{} : {}."),
    "en": ("Baseline {}: deals won {}, the same days a year earlier — {} counted, {} not counted",
           "; they are also the objective's base ({} of {})",
           "Left out of the baseline, which is lower by it{}: {}."),
}
BASE_WORDS = {
    "fr": ("Base de l'objectif {} : affaires gagnées {}, sa période un an plus tôt — {}, {}",
           "", "Hors de la base de l'objectif, qui en est d'autant plus basse{} : {}."),
    "en": ("Objective's base {}: deals won {}, its period a year earlier — {} counted, {} not counted",
           "", "Left out of the objective's base, which is lower by it{}: {}."),
}
LOWERED_OBJECTIVE = {"fr": " (et l'objectif, {} de celle-ci, aussi)", "en": " (and so is the objective, {} of it)"}
FIXED = {"fr": ("Référence {} : fixe, écrite dans le plan (`baseline:` {}) ; aucune affaire derrière elle à lister.",
                "période entière", "jours"),
         "en": ("Baseline {}: fixed, written in the plan (`baseline:` {}); no deals behind it to list.",
                "whole period", "days")}


def _fixed(objective: Objective, figure: Decimal, as_of: datetime, zone: ZoneInfo, currency: str, lang: str) -> str:
    """A fixed baseline (``baseline:`` in the plan): its figure as the header shows it, where it comes from (pro-rated
    day for day over the objective's period, ``revenue.prorated``) and that no deals make it: « Référence
    20 219,78 € : fixe, écrite dans le plan (`baseline:` 40 000,00 € × 46 / 91 jours) ; aucune affaire … »."""
    line, whole, unit = FIXED[lang]
    first, last = window_days(objective.period, zone)
    upto = min(last, last_day(as_of, zone))
    written = money(objective.baseline or Decimal(0), currency, lang)
    if upto >= last:
        return line.format(money(figure, currency, lang), f"{written}, {whole}")
    elapsed, total = max(0, (upto - first).days + 1), (last - first).days + 1
    return line.format(money(figure, currency, lang), f"{written} × {elapsed} / {total} {unit}")


# left out of a baseline by what the axis counts (another owner, product, period), not lost: the rest lowers it
_CHOSEN_OUT = frozenset({"other_deal_owner", "other_product", "outside_period", "deleted", "account_state",
                         "truncated"})


def _base_section(axis: Axis, decisions: Sequence[Decision], total: Decimal, days: tuple[date, date],
                  row_of: _DealRows, limit: int, also_base: bool, words: tuple[str, str, str]
                  ) -> tuple[str, list[dict[str, Any]]]:
    """The lines and rows of the deals behind a baseline (``AxisProgress.baseline_decisions``, adding up to ``total``
    to the cent) or a percentage objective's base (``base_decisions``), listed by the engine with the figure
    (``engine._scope_deals``): the counted ones, then those left out with their reason; a deal pac rejected (a
    currency with no rate, a connector's rejection) is named, the figure lower by it (audit hshand9). ("", []) with no
    deal to list (a figure of 0: the explanation is then as it was; or an evaluation that did not list them)."""
    if not decisions:     # nothing won or left out on its days; or its deals not listed (an axis not asked)
        return "", []
    counted, missed, more = _tally(decisions)
    lang = row_of.lang
    counted_total = len(counted) + sum(_count(d.detail) for d in more if d.counted)
    missed_total = len(missed) + sum(_count(d.detail) for d in more if not d.counted)
    rows = row_of.rows(counted, missed, counted_total, total, limit)
    heading, also, lowered = words
    cur = row_of.plan.currency
    span = days_phrase(*days, "fr") if lang == "fr" else f"{days[0]:%Y-%m-%d} – {days[1]:%Y-%m-%d}"
    if lang == "fr":
        line = heading.format(money(total, cur, lang), span, _fr(counted_total, "affaire comptée", "affaires comptées"),
                              _fr(missed_total, "non comptée", "non comptées"))
    else:
        line = heading.format(money(total, cur, lang), span, _en(counted_total, "deal", "deals"), missed_total)
    line += _listed(len(rows), counted_total + missed_total, lang)
    objective = axis.objective
    rate = objective.growth_rate if objective is not None and objective.baseline is None else None
    if also and also_base and rate is not None:
        line += also.format(rate_text(rate, lang), money(total, cur, lang))
    lost = [r for r in rows if not r["counted"] and r["rule"] not in _CHOSEN_OUT]
    if lost:
        said = ", ".join(f"{r['record']}{' ' + _quoted(r['deal'], lang) if r['deal'] else ''}"
                         f"{' (' + r['amount'] + ')' if r['amount'] else ''}{COLON[lang]}{r['reason']}" for r in lost)
        line += "\n" + lowered.format(LOWERED_OBJECTIVE[lang].format(rate_text(rate, lang))
                                       if rate is not None and (also_base or not also) else "", said)
    return line, rows


def _quoted(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


@dataclass(frozen=True)
class _DealRows:
    """How ``explain_axis`` makes its rows of deals, for the revenue's and for the baseline's (``_base_section``)."""

    plan: Plan
    flt: DealFilter
    deals: Mapping[tuple[str, str], Deal]
    accounts: Mapping[tuple[str, str], str] | None
    owners: Mapping[tuple[str, str], str] | None
    lang: str
    fx_rates: Mapping[str, Decimal] | None
    crms: Mapping[str, str] | None
    settings_file: str
    states: Mapping[tuple[str, str], str] | None
    shared: Mapping[tuple[str, str], Sequence[tuple[str, str]]] | None
    also: Mapping[tuple[str, str], Sequence[tuple[str, str]]] | None

    def rows(self, counted: list[Decision], missed: list[Decision], counted_total: int, total: Decimal,
             limit: int) -> list[dict[str, Any]]:
        """The rows of ``counted`` then ``missed`` (at most ``limit``), the counted amounts to the cent adding up to
        ``total`` when every counted deal is listed (``to_the_cent``)."""
        plan, flt, deals, accounts, owners, lang = (self.plan, self.flt, self.deals, self.accounts, self.owners,
                                                    self.lang)
        fx_rates, crms, settings_file, states, shared, also = (self.fx_rates, self.crms, self.settings_file,
                                                               self.states, self.shared, self.also)
        rows = []
        # every counted deal listed: their amounts to the cent add up to the revenue the header shows (``to_the_cent``)
        cents = to_the_cent([_counted_amount(d.detail) if d.amount is None else d.amount for d in counted],
                            total) \
            if counted_total == len(counted) <= limit else []
        for k, d in enumerate((counted + missed)[:limit]):
            deal = deals.get((d.source, d.record_id))
            amount = (cents[k] if k < len(cents) else _counted_amount(d.detail)) if d.counted else \
                (deal.amount if deal and deal.amount is not None else None)
            lines = ""
            picked = []
            if deal is not None and flt.line_conditions:
                picked = flt.matching_lines(deal.lines)
                in_deal = deal.currency or plan.currency    # a line priced in another currency shows its own
                lines = ", ".join(f"{ln.code or ln.product} "
                                  f"{money(ln.amount or Decimal(0), ln.currency or in_deal, lang)}"
                                  for ln in (deal.lines[i] for i in picked))
            owner = ""
            if deal is not None and deal.owner_id:
                owner = (owners or {}).get((deal.source, deal.owner_id), deal.owner_id)
            account = d.account_id or ""
            if accounts is not None and d.account_id is not None:
                account = accounts.get((d.source, d.account_id), d.account_id)
            rows.append({
                "record": d.record_id, "source": d.source, "deal": deal.name if deal else "", "account": account,
                "owner": owner, "when": d.when.isoformat() if isinstance(d.when, date) else "",
                "amount": "" if amount is None else _amount(
                    d, amount, plan.currency if d.counted else
                    (deal.currency if deal and deal.currency else plan.currency), lang),
                "lines": lines, "counted": d.counted, "rule": d.rule, "reason": REASONS[lang].get(d.rule, d.rule),
                "detail": SEP[lang].join(n for n in (     # « … ; … » in French, as the rates' words
                    "" if flt.line_conditions else _value_note(deal, lang),
                    _converted_note(deal, [deal.lines[i] for i in picked] if flt.line_conditions and deal else None,
                                    _whole(d.detail), plan.currency, lang, fx_rates, (crms or {}).get(d.source),
                                    settings_file),
                    _split_words((shared or {}).get((d.source, d.record_id), ()), lang),
                    _split_words((also or {}).get((d.source, d.record_id), ()), lang, ALSO_COUNTED[lang]),
                    localise((states or {}).get((d.source, d.account_id or ""), ""), lang)) if n)
                if d.counted else
                          detail_words(d, lang)})
        return rows


SPLIT = {"fr": ("partagée à parts égales avec {}", "{} « {} »", " et "),
         "en": ("split evenly with {}", "{} “{}”", " and ")}
# attribution: full, a deal other axes count whole too (``also_counted_by``)
ALSO_COUNTED = {"fr": "aussi comptée par {}", "en": "also counted by {}"}


def _split_words(axes: Sequence[tuple[str, str]], lang: str, line: str | None = None) -> str:
    """A split deal's other axes, « partagée à parts égales avec AX-PUMP « Pompes » » / "split evenly with AX-PUMP
    “Pumps”" (``line``: another sentence naming them, ``ALSO_COUNTED``); "" for none."""
    if not axes:
        return ""
    said, one, joined = SPLIT[lang]
    return (line or said).format(joined.join(one.format(ident, name) for ident, name in axes))


def split_partners(plan: Plan, evaluation: Evaluation, axis_id: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(source, deal id) -> the other axes (id, name) a deal the axis counts under ``attribution: split`` is divided
    with: the live axes with an objective counting it too (``engine._takes_share``), from every axis's counted deals
    (``evaluation`` made with them all listed: ``sync_jobs.evaluation.evaluate(all_deals=True)``). Only a deal whose
    divisor they make up ("900.00 / 2 = 450.00": one other) is named; none when the lists do not account for it.
    A manager read « 15 000,00 $US / 2 = 7 500,00 $US » and nothing of where the other half went (audit
    explainleft)."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    shares = {a.axis_id for a in evaluation.axes
              if a.pace is not Pace.INACTIVE and plan.axis(a.axis_id).objective is not None}
    for key, (d, others) in _counted_elsewhere(plan, evaluation, axis_id, shares).items():
        _, split, rest = d.detail.partition(" / ")
        if split and len(others) + 1 == int(rest.partition(" = ")[0]):
            out[key] = others
    return out


def also_counted_by(plan: Plan, evaluation: Evaluation, axis_id: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(source, deal id) -> the other axes (id, name) that count a deal the axis counts under ``attribution: full``:
    each counts it whole (axis figures are not additive), so each of their ``pac explain`` lists it as counted, a
    suspended or dropped axis's too (``evaluation`` made with every axis's counted deals listed, as for
    ``split_partners``). A deal two axes counted read « comptée » on each with no word of the other (audit
    reporttidy, 7 Dec 2026)."""
    every = {a.axis_id for a in evaluation.axes}
    return {key: others for key, (_, others) in _counted_elsewhere(plan, evaluation, axis_id, every).items()}


def _counted_elsewhere(plan: Plan, evaluation: Evaluation, axis_id: str, among: set[str]
                       ) -> dict[tuple[str, str], tuple[Decision, list[tuple[str, str]]]]:
    """The axis's counted deals that other axes of ``among`` count too, each with those axes (id, name), in the
    plan's order."""
    mine = {(d.source, d.record_id): d for d in evaluation.axis(axis_id).decisions if d.counted and d.record_id}
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for a in evaluation.axes:
        if a.axis_id == axis_id or a.axis_id not in among:
            continue
        named = (a.axis_id, plan.axis(a.axis_id).name)
        for d in a.decisions:
            key = (d.source, d.record_id)
            if d.counted and key in mine:
                others = found.setdefault(key, [])
                if not others or others[-1] != named:
                    others.append(named)
    return {key: (mine[key], others) for key, others in found.items()}


def account_state_notes(plan: Plan, axis_id: str, records: Records, *, default_months: int
                        ) -> dict[tuple[str, str], str]:
    """(source, account id) -> the words of an account whose state the axis's scope reads (its owner, its type, the
    CRM's dormant flag: ``matching.state_fields``) was on the axis's first day (``engine.axis_reference``, when its
    scope is judged) not what it is now: « account owner julie@… on 2027-01-01, the period's first day (owner marc@…
    since 2027-06-30) », as ``matching.state_note`` words it for an action, from the records' recorded changes
    (``Records.account_changes``; ``records.value_on``'s rule). ``explain_axis`` says it of a counted deal: a deal of
    « Julie's accounts » on a company now Marc's read « counted » and nothing (audit explainspan, hshand6 L3). Empty for
    a scope that reads no state (a deal-owner axis reads the deal's owner, as it is now: no account's change enters)."""
    axis = plan.axis(axis_id)
    fields = state_fields(plan.axis_scope(axis), default_months)
    if not fields or not records.account_changes:
        return {}
    zone = ZoneInfo(plan.timezone)
    reference = axis_reference(plan, axis, zone)
    changed: dict[tuple[str, str], list[AccountChange]] = {}
    for change in records.account_changes:
        if change.field in fields:
            changed.setdefault((change.source, change.account_id), []).append(change)
    if not changed:
        return {}
    emails = owner_emails(records.users, plan.aliases())
    out = {}
    for account in records.accounts:
        changes = changed.get((account.source, account.id))
        if changes:
            words = state_words(_state_parts(account, changes, reference, zone), reference, account.source, emails,
                                "period")
            if words:
                out[(account.source, account.id)] = words
    return out


def _state_parts(account: Account, changes: Sequence[AccountChange], reference: date, zone: ZoneInfo
                 ) -> list[tuple[str, Any, Any, date]]:
    """The state fields of ``account`` whose value in force at ``reference`` (the old value of the first change made
    on or after that local day) differs from now: (field, then, now, day of the last change), as
    ``AccountColumns.state_notes`` gives them from the columns."""
    out = []
    ordered = sorted(changes, key=lambda c: c.changed_at)
    for name in HISTORY_FIELDS:
        later = [c for c in ordered if c.field == name and c.changed_at.astimezone(zone).date() >= reference]
        now = getattr(account, name)
        if later and later[0].old != now:
            out.append((name, later[0].old, now, later[-1].changed_at.astimezone(zone).date()))
    return out


INACTIVE_AXIS = {"fr": ("Axe inactif : {} (hors des totaux du plan ; ses affaires restent listées).",
                       "suspendu ou abandonné"),
                 "en": ("Inactive axis: {} (out of the plan's totals; its deals are still listed).",
                        "suspended or dropped")}


def _value_note(deal: Deal | None, lang: str) -> str:
    """A counted deal whose value is not its typed amount, on a whole-deal axis: « montant vide : somme des lignes »
    (the sum of its priced lines counted), « montant différent de ses lignes » (counted as typed): the sync's
    data-quality warnings of its value (``revenue.value_warnings``); a product axis shows the lines it counts instead.
    Audit explainhand: such a deal read « comptée » and nothing, no answer to « why 300 € when it has no amount? »."""
    if deal is None or not deal.lines:
        return ""
    # only the rules are read: the currency the warnings' amounts are written in is the deal's (or any)
    rules = {w.rule for w in value_warnings(deal, deal_value(deal.amount, deal.lines), None, deal.currency or "EUR")}
    rule = next((r for r in ("amount_from_lines", "amount_differs_from_lines") if r in rules), None)
    return REASONS[lang][rule] if rule is not None else ""


CONVERTED = {"fr": "{} dans le CRM = {}", "en": "{} in the CRM = {}"}
# whose rate, and in which words: a CRM's own rates of the deal's close date (one, several), engine.fx_rates of the
# settings file, the ratio of the two amounts when the rates are not given
CRM_RATE = {"fr": ("taux {} de sa date de clôture",) * 2,
            "en": ("{} rate of its close date", "{} rates of its close date")}
# a Salesforce org without advanced currency management: one rate per currency, whatever the close date
CRM_STATIC_RATE = {"fr": ("taux de conversion {} (l'organisation n'a pas de taux datés)",) * 2,
                   "en": ("{} conversion rate (the org keeps no dated rates)",
                          "{} conversion rates (the org keeps no dated rates)")}
FX_RATE = {"fr": "engine.fx_rates de {}", "en": "engine.fx_rates in {}"}     # the settings file's name
RATIO = {"fr": "soit ", "en": "that is "}
COLON = {"fr": " : ", "en": ": "}
CRM_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot"}


def _whole(detail: str) -> Decimal | None:
    """A counted deal's whole amount in the plan's currency, before a split: "10800.00 / 2 = 5400.00" -> 10800.00."""
    try:
        return Decimal(detail.partition(" / ")[0].partition(" = ")[0])
    except ArithmeticError:
        return None


def rate_number(rate: Decimal, lang: str) -> str:
    """A rate for reading: rounded half up to 6 decimals (what the CRMs keep), at least 2 (« 0,80 », "1.10",
    "0.909091"), in the language's number format; the amounts are computed with the exact rate."""
    shown = half_up(rate, 6).normalize()
    places = max(2, -int(shown.as_tuple().exponent))
    return format_decimal(shown.quantize(Decimal(1).scaleb(-places)), format="#,##0." + "0" * places,
                          locale=LOCALES[lang])


def _one(unit: str, rate: Decimal, currency: str, lang: str) -> str:
    """« 1 EUR = 0,80 GBP »: ``rate`` units of ``currency`` per one ``unit``."""
    return f"1 {unit} = {rate_number(rate, lang)} {currency}"


def rate_words(deal: Deal, currency: str, fx_rates: Mapping[str, Decimal] | None, crm: str | None,
               lang: str, settings_file: str = SETTINGS_FILE) -> str | None:
    """The rates a deal of another currency than the plan's (``currency``) was converted at, as the place they come
    from shows them, in ``fx.conversion``'s order: the CRM's own of its close date (``Deal.rates``) when they know
    the deal's currency, « taux Salesforce de sa date de clôture : 1 EUR = 0,80 GBP » (a Salesforce org's
    ``ConversionRate``: units of the currency per corporate unit, as Setup > Manage Currencies shows it; with a third
    currency, the org's rate of each: "1 USD = 0.79 GBP, 1 USD = 0.92 EUR"), "HubSpot rate of its close date: 1 USD
    = 0.92 EUR" (a HubSpot portal's: company-currency units per unit of the deal's currency, its amount in company
    currency over its amount, as the Currencies settings write ``conversionRate``); then ``engine.fx_rates`` of the
    corporate currency when the CRM has no rate for the plan's, else of the deal's currency, "engine.fx_rates in
    pac.yaml: 1 USD = 0.92 EUR" (the setting reads "currency -> rate into the plan's currency"; ``settings_file``:
    the file the user has, ``EngineSettings.settings_file``). None when none converts it (``fx_rates`` not given)."""
    cur = (deal.currency or currency).upper()
    rates = deal.rates
    own = rates.rate(cur) if rates is not None else None
    parts: list[str] = []
    bridge = cur
    if rates is not None and own is not None:
        corporate = rates.corporate
        into = rates.rate(currency)
        hubspot = crm == "hubspot"
        if hubspot:      # the deal's amount and its amount in company currency: one rate, into the company currency
            said = [_one(cur, (rates.rate(corporate) or Decimal(1)) / own, corporate, lang)] if cur != corporate else []
        else:            # an org's rates against its corporate currency, whose own is 1
            unit = rates.rate(corporate) or Decimal(1)
            shown = [c for c in dict.fromkeys((cur, currency if into is not None else corporate)) if c != corporate]
            said = [_one(corporate, (rates.rate(c) or unit) / unit, c, lang) for c in shown]
        if said:
            name = CRM_NAMES.get(crm or "", "CRM")
            words = CRM_RATE if rates.dated else CRM_STATIC_RATE
            parts.append(words[lang][len(said) > 1].format(name) + COLON[lang] + ", ".join(said))
        if into is not None:
            return SEP[lang].join(parts)
        bridge = corporate
    rate = (fx_rates or {}).get(bridge)
    if rate is None:
        return None
    parts.append(FX_RATE[lang].format(settings_file) + COLON[lang] + _one(bridge, Decimal(rate), currency, lang))
    return SEP[lang].join(parts)


def _linked_deals(deals: Mapping[tuple[str, str], Deal]) -> Mapping[tuple[str, str], Deal]:
    """``deals`` with the lines made from one product library item knowing every SKU and name of that item
    (``products.linked``, as ``DealTable.of`` gives the engine): unchanged when no line needs it."""
    keys = list(deals)
    held = [deals[k] for k in keys]
    joined = linked([d.source for d in held], [d.lines for d in held])
    if joined is None:
        return deals
    return {k: d if d.lines is ln else replace(d, lines=ln) for k, d, ln in zip(keys, held, joined, strict=True)}


def _converted_note(deal: Deal | None, lines: Sequence[DealLine] | None, whole: Decimal | None, currency: str,
                    lang: str, fx_rates: Mapping[str, Decimal] | None = None, crm: str | None = None,
                    settings_file: str = SETTINGS_FILE) -> str:
    """A counted deal of another currency than the plan's: what the CRM holds, what it counts in the plan's currency
    (before a split) and the rates it was converted at, as the CRM or the settings show them (``rate_words``):
    « 4 000,00 £GB dans le CRM = 5 000,00 € ; taux Salesforce de sa date de clôture : 1 EUR = 0,80 GBP » (``lines``: the
    product lines a product axis counts, else the deal's value). Audit explainus: the row said « counted » and
    nothing; audit explainrates (7 Dec 2026): it read « converted at 1.25 », plan-currency units per deal-currency
    unit, a figure no CRM screen shows, and no rate at all when that ratio was not exact to six places; without
    the rates (``fx_rates`` not given) the ratio of the two amounts, rounded for reading."""
    if deal is None or not deal.currency or deal.currency.upper() == currency.upper():
        return ""
    own = lines_total(lines) if lines is not None else deal_value(deal.amount, deal.lines)
    if own is None:
        return ""
    if whole is None:
        return CONVERTED[lang].partition(" =")[0].format(money(own, deal.currency, lang))
    words = CONVERTED[lang].format(money(own, deal.currency, lang), money(whole, currency, lang))
    said = rate_words(deal, currency, fx_rates, crm, lang, settings_file)
    if said is None and own and whole / own > 0:     # the rates not given: the ratio of the two amounts
        said = RATIO[lang] + _one(deal.currency.upper(), whole / own, currency, lang)
    return words + (SEP[lang] + said if said else "")


CENT = Decimal("0.01")


def to_the_cent(amounts: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """``amounts`` (exact: a split share, a HubSpot amount with a tenth of a cent) to the cent, adding up to ``total``
    rounded half up to the cent as the header shows it: each rounded down, then the cents left given one each to the
    largest remainders (ties: the first listed), as a ledger splits a sum. Rounded one by one they drifted from the
    total (three halves of 100.01: 3 x 50.01 = 150.03 under 150.02; audit explain, 6 Dec 2026). Each rounded half up
    when they are not the deals ``total`` adds (the cents left are not between 0 and one per amount)."""
    floors = [a.quantize(CENT, rounding=ROUND_FLOOR) for a in amounts]
    left = (half_up(total, 2) - sum(floors, Decimal(0))) / CENT
    if left != left.to_integral_value() or not 0 <= left <= len(amounts):
        return [half_up(a, 2) for a in amounts]
    order = sorted(range(len(amounts)), key=lambda k: (floors[k] - amounts[k], k))   # largest remainder first
    for k in order[:int(left)]:
        floors[k] += CENT
    return floors


def _counted_amount(detail: str) -> Decimal:
    """The amount an axis counts for a deal, from its decision's detail: "900.00", or with split attribution
    "900.00 / 2 = 450.00" (the deal's amount, the number of live axes counting it, this axis's share)."""
    return Decimal(detail.rpartition(" = ")[2])


def _amount(d: Decision, amount: Decimal, currency: str, lang: str) -> str:
    """A row's amount: what the axis counts, with the split shown ("900,00 € / 2 = 450,00 €") when the deal is
    divided between several live axes, so the rows add up to the header's revenue."""
    whole, _, rest = d.detail.partition(" / ")
    if not d.counted or not rest:
        return money(amount, currency, lang)
    divisor = rest.partition(" = ")[0]
    return f"{money(Decimal(whole), currency, lang)} / {divisor} = {money(amount, currency, lang)}"


def _no_amount(detail: str) -> int:
    """The deals without amount among those a ``truncated`` decision counts: "… not listed (2 with no amount)"."""
    found = re.search(r"\((\d+) with no amount\)", detail)
    return int(found.group(1)) if found else 0
