"""The report's status line and, for a closed quarter, what its figures are and what changed since its close.

``status_line``: « Situation au 20 mai 2027 à 18:00 », or at a local midnight (a closed quarter's end, which
counts the days up to the one before, ``revenue.last_day``) « Situation à la fin du 31 mars 2027 »; a closed
quarter read from its kept snapshot: « Chiffres arrêtés au 31 mars 2027 (instantané du 1er avril 2027) »,
re-evaluated: « …, recalculé sur les saisies et le plan d'aujourd'hui ». ``since_lines``: today's re-evaluation
against the snapshot (``pac_core.restatement``), a few lines; ``pac snapshot --replace`` prints them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.money import shown_additional
from pac_core.restatement import Restatement, StatusChange
from pac_core.revenue import last_day
from sync_jobs.deal_moves import AxisMoves
from sync_jobs.report.deals import moves_text, signed_money
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label, labels
from sync_jobs.report_inputs import ReportInputs

SHOWN = 6   # ids listed per line, then "+N"


def end_words(instant: datetime, fmt: Formatter) -> str | None:
    """The day an instant ends, when it is a local midnight (``31 mars 2027`` for 1 April 00:00); else None."""
    day = last_day(instant, ZoneInfo(fmt.timezone))
    return fmt.date(day) if day != fmt.local(instant).date() else None


def instant_words(instant: datetime, timezone: str) -> str:
    """An evaluation instant as a command's summary line prints it, in the plan's timezone: a local midnight (a closed
    month's or quarter's end) is the end of the day before, ``the end of 2026-11-30``, as the page's « Situation à la
    fin du 30 novembre 2026 » (it printed 2026-12-01T00:00+01:00, a November review dated 1 December: audit
    reviewmonth); any other instant as it is, ``2026-12-07T10:00+01:00``."""
    zone = ZoneInfo(timezone)
    day, local = last_day(instant, zone), instant.astimezone(zone)
    return f"the end of {day:%Y-%m-%d}" if day != local.date() else local.isoformat(timespec="minutes")


def status_line(inputs: ReportInputs, fmt: Formatter) -> str:
    """The header's "as of" words, with what a closed quarter's figures are (``ReportInputs.basis``)."""
    words = labels(fmt.lang)
    instant = inputs.evaluation.as_of
    day = end_words(instant, fmt)
    status = words["as_of_end"].format(day=day) if day else f'{words["as_of"]} {fmt.datetime(instant)}'
    basis = inputs.basis
    if basis is None:
        return status
    if basis.kind == "snapshot":
        taken = words["basis_taken"].format(day=fmt.date(basis.taken_on)) if basis.taken_on else words["basis_kept"]
        taken += of_words(basis.plan_of, basis.settings_of, words, fmt)
        if basis.calendar_now is not None:   # kept under a calendar the plan no longer has (audit fiscalchange)
            taken += words["basis_calendar_changed"].format(first=fmt.date(basis.calendar_now[0]),
                                                            last=fmt.date(basis.calendar_now[1]))
        return f'{words["basis_snapshot"].format(day=day or fmt.datetime(instant))} ({taken})'
    extra = "" if basis.kept else f' ({words["basis_no_snapshot"]})'
    return f'{status}, {words["basis_restated"]}{extra}'


def of_words(plan_of: datetime | None, settings_of: datetime | None, words: Mapping[str, str],
             fmt: Formatter) -> str:
    """The plan and the engine settings a kept snapshot was evaluated with when they are not the close's (the ones
    recorded on a later day: a store started after the period, ``--replace``): « , avec le plan du 20 mai 2027 »
    (audit asofplan F5), « , avec le plan et les réglages du 20 mai 2027 », « , avec les réglages du 15 avril 2027 »
    (audit snapsettings: a rate or an attribution rule of that day); "" when both are the close's."""
    plan_day = fmt.date(plan_of) if plan_of is not None else None
    settings_day = fmt.date(settings_of) if settings_of is not None else None
    if plan_day is None:
        return words["basis_settings_of"].format(day=settings_day) if settings_day else ""
    if settings_day is None:
        return words["basis_plan_of"].format(day=plan_day)
    if settings_day == plan_day:
        return words["basis_plan_settings_of"].format(day=plan_day)
    return words["basis_plan_of"].format(day=plan_day) + words["basis_and_settings_of"].format(day=settings_day)


def overlap_lines(inputs: ReportInputs, fmt: Formatter) -> list[str]:
    """One line per quarter kept under a calendar the plan no longer has that overlaps the report's quarter
    (``ReportInputs.overlaps``): « Attention : ce trimestre chevauche le T1 2027 conservé sous l'ancien calendrier
    du plan (1er janvier – 31 mars 2027, instantané du 1er avril 2027) : les jours du 1er février 2027 au 31 mars
    2027 sont dans les deux. … » (decided 7 Dec 2026, audit snapedits F2: a year moved from January to February made
    February-April the plan's Q1, reported beside the kept January-March Q1 with nothing saying they differ)."""
    words = labels(fmt.lang)
    out = []
    for kept in inputs.overlaps:
        year, _, rest = kept.label.partition("-")
        calendar = year.isdigit() and rest.upper() in ("Q1", "Q2", "Q3", "Q4")
        name = (("le " if fmt.lang == "fr" else "") + fmt.quarter(kept.end) if calendar
                else words["overlap_quarter"])
        taken = words["basis_taken"].format(day=fmt.date(kept.taken_on)) if kept.taken_on else words["basis_kept"]
        first, end = kept.common
        out.append(words["overlap_kept"].format(
            name=name, days=fmt.date_range(kept.start, kept.end), taken=taken, label=kept.label,
            common=fmt.date_range(first, end), first=fmt.date(fmt.local(first).date()),
            last=fmt.date(last_day(end, ZoneInfo(fmt.timezone)))))
    return out


def run_words(inputs: ReportInputs, fmt: Formatter) -> tuple[str, str]:
    """The heading of the sync the report shows (the data section's, the workbook's *Data* rows) and its card's
    title, by ``ReportInputs.run_of``: the last sync (« Dernière synchronisation »); beside a kept snapshot, the one
    it was taken from (« Dernière synchronisation avant l'instantané du 1er avril 2027 »), or today's labelled so when
    the snapshot does not say when it was taken."""
    words = labels(fmt.lang)
    basis = inputs.basis
    if inputs.run_of == "snapshot" and basis is not None and basis.taken_on is not None:
        return words["last_sync_snapshot"].format(day=fmt.date(basis.taken_on)), words["kpi_sync_snapshot"]
    if inputs.run_of == "latest_unknown":
        return words["last_sync_unknown"], words["kpi_sync_unknown"]
    return words["last_sync"], words["kpi_sync"]


def since_lines(since: Restatement, closed: datetime, fmt: Formatter,
                moves: Mapping[str, AxisMoves] | None = None) -> list[str]:
    """What changed since the close, a few lines: a heading, then the plan's revenue and its other headline figures
    that moved (additional revenue, objective, ROI to date), the statuses changed (« AX-GC-QUOTES Actif → Suspendu
    (depuis le 12 mai 2027) »), the paces, the actions whose done count changed, the axes whose additional revenue
    changed, the actions and axes added or removed since (each list cut after ``SHOWN`` ids). Empty when nothing
    did. The actions handed to another rep since are named with both owners (« responsables : A-08 Julie Martin → Marc
    Dubois »). A plan whose timezone or currency changed since says it first (and an attribution rule changed since,
    « règle d'attribution des affaires (engine.attribution) split → full »), and each amount is written in its own
    currency: the close's in the currency of then, today's in today's, with no difference between the two (audit
    planlife F2: « 4 237 400 € → 0 € » beside a re-evaluation in dollars). ``moves``: per axis, the deals that make its
    move (``ReportBasis.moves``), a line each after the axes' line: « AX-KEY −23 500 € · détail : Affaire D1 −9 000 €
    (rouverte) ; … », the amounts adding up to the difference (audit reportdeals); an axis whose deals cancel out (not
    in the axes' line, its figure the same) « AX-KEY 0 € · détail : … », even when nothing else moved (audit
    snapdeals)."""
    deal_lines = _deal_lines(since, moves or {}, fmt)
    if not since and not deal_lines:
        return []
    words = labels(fmt.lang)
    colon = "\u00a0:" if fmt.lang == "fr" else ":"
    sep = " ; " if fmt.lang == "fr" else "; "
    lines = [words["since_head"].format(day=end_words(closed, fmt) or fmt.datetime(closed)) + colon]
    then_fmt, now_fmt = fmt, fmt
    for key, change in (("since_timezone", since.timezone), ("since_currency", since.currency),
                        ("since_attribution", since.attribution)):
        if change is not None:
            lines.append(f"{words[key]} {change[0]} → {change[1]}")
    if since.currency is not None:
        then_fmt, now_fmt = replace(fmt, currency=since.currency[0]), replace(fmt, currency=since.currency[1])
    if since.revenue is not None:
        before, after = since.revenue
        # the two amounts as shown, then subtracted: 100,40 € → 100,60 € reads « 100 € → 101 € (+1 €) », and a change
        # that rounds to nothing « (0 €) », never « −0 € » (the sign was chosen on the exact delta; audit signs)
        difference = f" ({fmt.signed_money(shown_additional(after, before))})" if since.currency is None else ""
        lines.append(f'{words["since_revenue"]} {then_fmt.money(before)} → {now_fmt.money(after)}{difference}')
    if since.totals:
        lines.append(sep.join(f'{words["since_" + name]} {_figure(name, a, then_fmt)} → {_figure(name, b, now_fmt)}'
                              for name, a, b in since.totals))
    if since.statuses:
        lines.append(f'{words["since_statuses"]}{colon} ' + _cut([_status(s, fmt) for s in since.statuses], sep))
    if since.owners:
        lines.append(f'{words["since_owners"]}{colon} ' + _cut([f"{i} {a} → {b}" for i, a, b in since.owners], sep))
    if since.axis_paces or since.paces:     # an axis's pace in the axis's words (audit surfaces F5)
        lines.append(f'{words["since_paces"]}{colon} ' + _cut(
            [f'{i} {enum_label(kind, a, fmt.lang)} → {enum_label(kind, b, fmt.lang)}'
             for kind, paces in (("axis_pace", since.axis_paces), ("pace", since.paces)) for i, a, b in paces], sep))
    if since.actions:
        lines.append(f'{words["since_actions"]}{colon} ' + _cut(
            [f"{i} {d0}/{t0} → {d1}/{t1}" for i, d0, t0, d1, t1 in since.actions], sep))
    if since.axes:
        lines.append(f'{words["since_axes"]}{colon} ' + _cut(
            [f"{i} {then_fmt.money(a0)} → {now_fmt.money(a1)}" for i, a0, a1 in since.axes], sep))
    lines.extend(deal_lines)
    for key, ids in (("since_added", since.added), ("since_removed", since.removed)):
        if ids:
            lines.append(f"{words[key]}{colon} " + _cut(list(ids), ", "))
    return lines


def report_since(inputs: ReportInputs, fmt: Formatter) -> list[str]:
    """A closed quarter's since-close lines as the page's header and the workbook's subtitle show them (``since_lines``
    with its axes' deals); none for today's report."""
    basis = inputs.basis
    return since_lines(basis.since, basis.closed_at, fmt, basis.moves) if basis is not None else []


def _deal_lines(since: Restatement, moves: Mapping[str, AxisMoves], fmt: Formatter) -> list[str]:
    """A line per axis of the axes' line (``SHOWN`` at most) whose deals are known: its difference as the line shows
    it, then the deals (« comptée après la clôture »: of a day of the period, counted after its snapshot); then one
    per axis whose deals cancel out (``deal_moves.cancelled``), « AX-KEY 0 € · détail : … »; ``SHOWN`` lines in all."""
    if since.currency is not None:
        return []
    moved = {i for i, _, _ in since.axes}
    lines = [f"{i} {signed_money(a1 - a0, fmt)} · {moves_text(moves[i], fmt, 'deal_late_close')}"
             for i, a0, a1 in since.axes[:SHOWN] if i in moves]
    lines += [f"{i} {fmt.money(0)} · {moves_text(found, fmt, 'deal_late_close')}"
              for i, found in moves.items() if i not in moved]
    return lines[:SHOWN]


def _figure(name: str, value: Decimal | float | None, fmt: Formatter) -> str:
    if value is None:
        return "–"
    return fmt.percent(value) if name == "roi" else fmt.money(value)


def _status(change: StatusChange, fmt: Formatter) -> str:
    """« AX-GC-QUOTES Actif → Suspendu (depuis le 12 mai 2027) », « A-06 prévue → annulée », a suspension with its last
    day « AX-PRO Actif → Suspendu (du 1er juin 2026 au 31 août 2026) » (« jusqu'au 31 août 2026 » with no ``since``)."""
    if change.axis:
        before = enum_label("state", change.before, fmt.lang, rank=change.rank_before or "")
        after = enum_label("state", change.after, fmt.lang, rank=change.rank_after or "")
    else:
        before = enum_label("action_status", change.before, fmt.lang)
        after = enum_label("action_status", change.after, fmt.lang)
    words = labels(fmt.lang)
    day = ""
    if change.since and change.until:   # a suspension with its days: live again after them (audit reviewyear)
        day = f' ({words["since_until_day"].format(day=fmt.date(change.since), until=fmt.date(change.until))})'
    elif change.until:
        day = f' ({words["until_day"].format(until=fmt.date(change.until))})'
    elif change.since:
        day = f' ({words["since_day"].format(day=fmt.date(change.since))})'
    return f"{change.item} {before} → {after}{day}"


def _cut(items: list[str], sep: str) -> str:
    shown = sep.join(items[:SHOWN])
    return shown + (f"{sep}+{len(items) - SHOWN}" if len(items) > SHOWN else "")
