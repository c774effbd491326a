"""``pac plan check | import | schema``: write and check plan files.

Exit codes: 0 ok, 2 bad input (every problem printed, one per line: ``file:line key: message (fix)``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console
from rich.progress import (
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
)
from rich.text import Text

from pac_config.loader import Document, load_yaml
from pac_config.plan_import import ImportResult, import_spreadsheet
from pac_config.plan_models import plan_json_schema
from pac_config.planfile import load_plan, plan_summary
from pac_config.settings import default_settings_path
from pac_core.errors import InvalidInput, Problem
from pac_core.fiscal_calendar import quarter_list
from pac_core.growth_words import provenance, zero_base_line
from pac_core.linter import FIELD_KEYS, action_window_disagreement, disagreement_warning
from pac_core.money import money, percent
from pac_core.periods import cut_note, day_words, end_word_note, iso_week_note, looks_month_day, two_way_dates
from pac_core.plan import AxisState, Plan
from pac_core.plan_warnings import words_of
from pac_core.report_period import base_calendar, calendar_quarter_asked
from pac_core.roles import MANAGER, canonical_role, role_warning
from sync_jobs import textsafe
from sync_jobs.atomic_file import replaced
from sync_jobs.coverage import check_settings, settings_warnings
from sync_jobs.exit_codes import EXIT_BAD_INPUT
from sync_jobs.plan_identity import retired_edits_warnings, stored_owner_warning_lines, stored_period_warning
from sync_jobs.plan_refusal import file_language, problem_words, refusal_words
from sync_jobs.report.fmt import Formatter
from sync_jobs.run_views import Bars

# the head of a warning of `pac plan check`, in the plan's language: the house's French head (``pac sync --lang
# fr``'s « attention : », ``sync_jobs.warnings_kept.HEADS``), audit frwords
WARNING_HEAD = {"en": "warning: ", "fr": "attention : "}


def _console(stderr: bool = False) -> Console:
    # soft_wrap: one problem stays on one line, whatever the terminal width (grep-able, copy-pastable)
    return textsafe.console(stderr=stderr, soft_wrap=True)


def _report(problems: list[Problem], what: str, *, stderr: bool = False) -> None:
    console = _console(stderr=stderr)
    for problem in problems:
        console.print(textsafe.text(str(problem), style="red"))
    count = len(problems)
    console.print(textsafe.text(f"✗ {what}: {count} problem{'s' if count != 1 else ''}", style="bold red"))


def _refuse(problems: list[Problem], file: Path) -> None:
    """A plan file that does not load: every problem, then the count, in the language the file says it is in
    (``sync_jobs.plan_refusal``: English unless it says ``language: fr``; audit frwords)."""
    lang = file_language(file)
    console = _console()
    for problem in problems:
        console.print(textsafe.text(problem_words(problem, lang), style="red"))
    console.print(textsafe.text(refusal_words(file, len(problems), lang), style="bold red"))


# the steps of a big plan's check, in the plan's language, read from the file's text before it loads (audit frwords)
PLAN_STEPS = {"en": ("reading the plan (lines)", "checking the actions"),
              "fr": ("lecture du plan (lignes)", "vérification des actions")}


class _PlanProgress(Bars):
    """A bar on stderr, on a terminal only, for the two steps of a big plan's check: reading the file (lines) and
    checking the actions; it vanishes when done. Small plans are checked before it would show (0.5 s)."""

    def __init__(self, lang: str = "en") -> None:
        super().__init__(textsafe.console(stderr=True))
        self.words = PLAN_STEPS.get(lang, PLAN_STEPS["en"])

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.enabled:
            self.show(step, self.words[0] if step == "reading" else self.words[1], done, total)


@click.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check_command(file: Path) -> None:
    """Validate a plan file (YAML): shape, periods, scopes and the method's rules.

    \b
    Exit 2: every problem at once, one per line: FILE:LINE KEY: MESSAGE (FIX).
    Exit 0: a one-line summary, what each objective written as a percentage stands for ("+30 %" of
    the scope's revenue a year earlier), then the warnings, each at its line with what to write:
      - what an imported plan leaves to fill in: an axis with no objective or a cost of 0, a
        segment with an empty SWOT, a person whose role pac does not know (only their own actions'
        alerts), a person with no role in a plan with no manager (or owning no action);
      - dates: a numeric date with two readings (11/02/2027) in a plan that looks American and says
        no date_order; a bare « fin décembre » / "end of December" (a deadline from the plan's
        start); a week cut by the plan's first or last day; « T1 2027 » in a fiscal plan (which of
        its quarters); in an English plan, what each week number means (ISO's, and a US calendar's
        in a US timezone);
      - against the store: this plan id kept for a period the file no longer overlaps (pac sync
        would refuse it); an action whose who changed with no handed_over for the former owner
        (their activities would stop counting); an axis or action gone from the file (renamed or
        removed) that holds CRM edits the file never had (pac sync would drop them: write them in
        the file, or pac plan pull before renaming).
    Example: pac plan check config/plans/example.pac.yaml
    """
    try:
        with _PlanProgress(file_language(file)) as progress:
            plan = load_plan(file, progress=progress)
    except InvalidInput as exc:
        _refuse(exc.problems, file)
        sys.exit(EXIT_BAD_INPUT)
    fr = plan.language == "fr"
    head = WARNING_HEAD["fr" if fr else "en"]   # « attention : », as pac sync and pac status head a French warning
    summary = plan_summary(plan, plan.language)
    _console().print(textsafe.text(f"✓ plan OK : {summary}" if fr else f"✓ plan OK: {summary}", style="green"))
    if plan.period.quarters:   # a declared fiscal calendar: the quarters every "Q2" of the plan and report means
        _console().print(textsafe.text(f"calendrier fiscal : {french_quarters(plan)}" if fr else
                                       f"fiscal calendar: {quarter_list(plan.period.quarters)}"))
    # with settings naming this plan (PAC_CONFIG, else the shipped ones): its actions no connector can measure
    configured = os.environ.get("PAC_CONFIG")
    settings = check_settings(Path(configured) if configured else default_settings_path())   # read once
    for warning in words_of(settings_warnings(plan, file, settings), plan.language):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))
    # the settings naming this plan say whether its deals are divided between axes (a rate of the axis's share)
    split = settings is not None and settings.engine.attribution == "split" and any(
        entry.file.resolve() == file.resolve() for entry in settings.plans)
    for line, warned in _growth_lines(plan, split):
        _console().print(textsafe.text(line, style="yellow" if warned else ""))
    for warning in (*zero_cost_warnings(plan), *unknown_cost_warnings(plan), *unprofitable_warnings(plan)):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))
    for warning in role_warnings(plan):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))
    for warning in unfilled_warnings(plan, file):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))
    for note in week_notes(plan):
        _console().print(textsafe.text(note))
    for warning in date_order_warnings(plan):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))
    for warning in (*cut_week_warnings(plan), *end_word_warnings(plan), *calendar_quarter_warnings(plan)):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))
    for warning in statement_warnings(plan, file):
        _console().print(textsafe.text(warning, style="yellow"))
    moved = stored_period_warning(plan, file, settings, "fr" if fr else "en")
    if moved is not None:
        _console().print(textsafe.text(f"{head}{moved}", style="yellow"))
    for warning in words_of([*stored_owner_warning_lines(plan, file, settings),
                             *retired_edits_warnings(plan, file, settings)], plan.language):
        _console().print(textsafe.text(f"{head}{warning}", style="yellow"))


def french_quarters(plan: Plan) -> str:
    """``quarter_list`` as a French plan names its quarters: « T1 2027-01-04..2027-04-04, T2 … » (audit clifr)."""
    return re.sub(r"(^|, )Q(\d) ", r"\1T\2 ", quarter_list(plan.period.quarters))


def statement_warnings(plan: Plan, file: Path) -> list[str]:
    """Each action whose statement names another window than its ``when:`` (as the linter reads it with confidence:
    ``pac_core.linter.action_window_disagreement``), at the statement's line, worded as ``pac plan lint`` words it
    (audit lintperiods: « Visiter 5 clients dormants mi-juin » counted over `when: juin` got « ✓ plan OK » and not a
    word here, while reps read « mi-juin » in the CRM and the report). The other fields a statement may contradict
    (activity, count, départements) are ``pac plan lint``'s, which reads the whole statement."""
    found = [(i, action, said) for i, action in enumerate(plan.actions)
             if (said := action_window_disagreement(plan, action))]
    if not found:
        return []
    doc = _document(file)
    where = [f"{file}:{doc.line(('actions', i, 'text')) if doc is not None else ''}" for i, _, _ in found]
    if plan.language == "fr":
        return [french_disagreement(at, action.id, said) for at, (_, action, said) in zip(where, found, strict=True)]
    return [disagreement_warning(at, action.id, said) for at, (_, action, said) in zip(where, found, strict=True)]


def french_disagreement(where: str, action_id: str, found: list[tuple[str, str, str]]) -> str:
    """``disagreement_warning`` in French (audit frwords): « attention : FILE:LINE A-01 : l'énoncé et les champs se
    contredisent : l'énoncé dit semaine 18 (du 2027-05-03 au 2027-05-09), when semaine 19 (…) (…) »; the plan
    file's keys and the periods as written."""
    def dates(text: str) -> str:
        return re.sub(r"\((\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)\)", r"(du \1 au \2)", text)
    said = " ; ".join(f"l'énoncé dit {dates(s.removeprefix('statement says '))}, {FIELD_KEYS.get(key, key)} "
                      f"{dates(counted)}" for key, s, counted in found)
    return (f"{WARNING_HEAD['fr']}{where} {action_id} : l'énoncé et les champs se contredisent : {said} (les champs "
            "sont ce que pac compte, l'énoncé ce que les commerciaux lisent dans le CRM et le rapport : réécrivez "
            "text: ou les champs pour qu'ils disent la même chose)")


def week_notes(plan: Plan) -> list[str]:
    """What each week number of an English plan means: ISO's week, Monday to Sunday, and in a US timezone the other
    week a US calendar gives that number (usplan audit F5: a Chicago rep planning by the desk calendar's week 18, April
    25 - May 1, got 0 / 10 on ISO week 18, May 3-9)."""
    return [f"{action.id}: {note}" for action in plan.actions
            if (note := iso_week_note(action.window, plan.language, plan.timezone)) is not None]


def date_order_warnings(plan: Plan) -> list[str]:
    """Each numeric date with two readings (« 11/02/2027 »: 11 February or November 2) in a plan that looks American
    (``periods.looks_month_day``: English in a US timezone, or USD) and does not say its ``date_order``: pac reads it
    day/month, a US manager meant month/day; both readings are named (usplan audit F1: "between 11/02/2027 and
    11/09/2027" was counted from 11 February to 11 September with a ✓)."""
    if plan.date_order is not None or not looks_month_day(plan.timezone, plan.language, plan.currency):
        return []
    language = plan.language

    def words(d: date, with_year: bool) -> str:
        return day_words(d, language, year=with_year)
    places: list[tuple[str, str, bool]] = [("plan.period", plan.period.label, False)]
    for axis in plan.axes:
        if axis.objective is not None and axis.objective.period is not plan.period:
            places.append((f"{axis.id} objective period", axis.objective.period.label, False))
    for action in plan.actions:
        places.append((f"{action.id} when", action.window.label, False))
        places.append((f"{action.id} text", action.text, True))
    out = []
    for where, text, statement in places:
        for written, dmy, mdy, with_year in dict.fromkeys(two_way_dates(text, with_year_only=statement)):
            iso = f" or {mdy.isoformat()}" if with_year else ""
            out.append(f"{where}: {written!r} is read {words(dmy, with_year)} (numeric dates are day/month in a plan); "
                       f"if you mean {words(mdy, with_year)}, write {words(mdy, with_year)!r}{iso}, or add "
                       "date_order: mdy under plan: if all the plan's numeric dates are month/day (date_order: dmy "
                       "says they are day/month and silences this warning)")
    return out


def cut_week_warnings(plan: Plan) -> list[str]:
    """An action whose week straddles the plan's first or last day, counted on the plan's days only: « A-W53 : semaine
    53 : du 28 au 31 décembre 2026 (la semaine 53 finit le 3 janvier 2027, après la fin du plan) »
    (year-end audit F1)."""
    return [f"{action.id}{' :' if plan.language == 'fr' else ':'} {note}" for action in plan.actions
            if (note := cut_note(action.window, plan.language, plan.timezone)) is not None]


def end_word_warnings(plan: Plan) -> list[str]:
    """An action whose `when:` is a bare « fin décembre » / "end of December": read as the deadline « d'ici fin
    décembre », from the plan's first day, while a manager may mean late December (calendar audit F1): « A-01 : « fin
    décembre » est lu comme une échéance : du 1er janvier au 31 décembre 2026, depuis le début du plan ; pour la fin
    du mois, écrivez « du 21 au 31 décembre 2026 » (« d'ici fin décembre » garde l'échéance, sans cet
    avertissement) »."""
    return [f"{action.id}{' :' if plan.language == 'fr' else ':'} {note}" for action in plan.actions
            if (note := end_word_note(action.window, year=plan.period.start.year, tz=plan.timezone,
                                      within=plan.period, language=plan.language,
                                      date_order=plan.date_order)) is not None]


def calendar_quarter_warnings(plan: Plan) -> list[str]:
    """An action whose `when:` is a calendar quarter with its year (« T1 2027 », "Q1 2027") in a fiscal plan, not the
    plan's same-numbered quarter: said as ``pac report --quarter`` says it (calendar audit F3: in a plan from April
    2026 to March 2027, « T1 2027 » is January-March 2027, the plan's T4, and passed without a word). The rule is the
    documented one (plan-format.md: a year written in the text keeps the calendar); the warning names the plan's own
    quarter and how to write it."""
    out = []
    fmt = Formatter.for_plan(plan)
    fr = plan.language == "fr"
    for action in plan.actions:
        label = " ".join(action.window.label.split())
        if not any(ch.isdigit() for ch in label) or not _QUARTER_WORD.search(label):
            continue
        asked = calendar_quarter_asked(plan, label)
        if asked is None:
            continue
        n, year, k, fiscal, own = asked
        months = fmt.month_span(date(year, 3 * n - 2, 1), date(year, 3 * n, 1))
        years, mine = f"{fiscal}-{fiscal + 1}", fmt.month_span(*own)
        if fr:
            out.append(f"{action.id} : « {label} » est le trimestre civil {months}, le T{k} du plan (exercice {years}) "
                       f"; pour le T{n} du plan ({mine}), écrivez « T{n} »")
        else:
            out.append(f"{action.id}: '{label}' is the calendar quarter {months}, the plan's Q{k} (fiscal year "
                       f"{years}); for the plan's Q{n} ({mine}), write 'Q{n}'")
    return out


_QUARTER_WORD = re.compile(r"(?i)(?<![a-z])(?:[tq][1-4](?!\d)|trimestre|quarter)")


def role_warnings(plan: Plan) -> list[str]:
    """A person whose role pac does not know (« Chief Revenue Officer »): they get their own actions' alerts only,
    which a manager would not notice (usplan audit F4: ``role: Sales Manager`` passed, and the manager never got a
    digest). Known job titles are read as their role (pac_core.roles), so only other texts are warned of."""
    return [f"people {person.email}: {warning}" for person in plan.people
            if (warning := role_warning(person.role, plan.language)) is not None]


def _document(file: Path) -> Document | None:
    """The plan file parsed again for its lines (warnings name them), when a check has some to name; None when it
    cannot be read (its warnings then go without a line)."""
    try:
        return load_yaml(file)
    except (InvalidInput, OSError):
        return None


def unfilled_warnings(plan: Plan, file: Path) -> list[str]:
    """What a plan leaves to fill in that the method needs, each at its line in ``file`` with what to write: an axis
    with no objective, a segment with an empty SWOT, a person with no role where it matters (audit newcomer F8: a
    plan just imported from a spreadsheet, whose header asks for these and then for `pac plan check`, got « ✓ plan
    OK » and not a word). Warnings, never errors: a plan may start without them."""
    found = [*week_year_warnings(plan), *no_objective_warnings(plan), *no_action_warnings(plan),
             *empty_swot_warnings(plan), *no_role_warnings(plan)]
    if not found:
        return []
    doc = _document(file)
    return [str(Problem(key, message, fix, file=str(file), line=doc.line(at) if doc is not None else None))
            for at, key, message, fix in found]


# (where in the plan file, key shown, message, fix)
Unfilled = tuple[tuple[str | int, ...], str, str, str]


def week_year_warnings(plan: Plan) -> list[Unfilled]:
    """A period of exactly 52 or 53 weeks with no ``fiscal_calendar``: a week-based fiscal year (4-4-5...), whose
    quarters pac cannot know; its "Q2" is read as the calendar's April-June (docs/plan-format.md, Fiscal calendar)."""
    if plan.period.quarters:
        return []
    zone = ZoneInfo(plan.timezone)
    first, end = plan.period.start.astimezone(zone).date(), plan.period.end.astimezone(zone).date()
    weeks, rest = divmod((end - first).days, 7)
    if rest or weeks not in (52, 53):
        return []
    if plan.language == "fr":
        message = (f"la période fait {weeks} semaines, un exercice en semaines (4-4-5 ?) : sans fiscal_calendar, ses "
                   "« T1 »..« T4 » sont des trimestres civils (T2 = avril-juin)")
        fix = ("si les trimestres de l'entreprise sont de 13 semaines, écrivez sous plan: fiscal_calendar: 4-4-5 (ou "
               "4-5-4, 5-4-4, ou les premiers jours des trimestres) ; docs/plan-format.md, Fiscal calendar")
    else:
        message = (f"the period is {weeks} weeks, a week-based fiscal year (4-4-5?): without fiscal_calendar its "
                   "\"Q1\"..\"Q4\" are calendar quarters (Q2 = April-June)")
        fix = ("if the company's quarters are 13 weeks, write under plan: fiscal_calendar: 4-4-5 (or 4-5-4, 5-4-4, or "
               "the quarters' first days); docs/plan-format.md, Fiscal calendar")
    return [(("plan", "period"), "plan.period", message, fix)]


def no_objective_warnings(plan: Plan) -> list[Unfilled]:
    """An axis with no ``objective``: no progress, no ROI, no advice for it (step 4 of the method: the additional
    revenue the axis must bring, its margin and cost)."""
    fr = plan.language == "fr"
    message = ("pas d'objectif : sa progression, son ROI et les conseils qui le concernent sont inconnus" if fr else
               "no objective: its progress, ROI and advice are unknown")
    fix = ("écrivez objective: {additional_revenue: 50000 (ou \"30 %\" du CA de l'an passé), margin_rate: 0.4, "
           "budget: 10000 (ou effort_days et day_cost)} ; docs/plan-format.md, Axes" if fr else
           "write objective: {additional_revenue: 50000 (or \"30 %\" of last year's revenue), margin_rate: 0.4, "
           "budget: 10000 (or effort_days and day_cost)}; docs/plan-format.md, Axes")
    return [(("axes", i), f"{'axe' if fr else 'axis'} {axis.id}", message, fix) for i, axis in enumerate(plan.axes)
            if axis.objective is None]


def no_action_warnings(plan: Plan) -> list[Unfilled]:
    """A live axis (not suspended nor dropped) that no action serves: step 5 of the method, its objective reached
    through actions (who does what, how many, when); without one it is a wish nobody's work counts for (audit
    lintmethod)."""
    fr = plan.language == "fr"
    served = {action.axis_id for action in plan.actions}
    out: list[Unfilled] = []
    for i, axis in enumerate(plan.axes):
        if axis.id in served or axis.status.state in (AxisState.SUSPENDED, AxisState.DROPPED):
            continue
        message = ("aucune action ne le sert : rien de ce que font les commerciaux n'est compté pour lui, et son "
                   "objectif reste un vœu" if fr else
                   "no action serves it: nothing the reps do is counted for it, and its objective is a wish")
        fix = (f"écrivez au moins une action avec axis: {axis.id} : qui fait quoi, combien, quand ; ou suspendez ou "
               "abandonnez l'axe" if fr else
               f"write at least one action with axis: {axis.id}: who does what, how many, when; or suspend or drop "
               "the axis")
        out.append((("axes", i), f"{'axe' if fr else 'axis'} {axis.id}", message, fix))   # « axe » (audit clifr)
    return out


def empty_swot_warnings(plan: Plan) -> list[Unfilled]:
    """A segment whose SWOT is empty: step 2 of the method (strengths, weaknesses, opportunities, threats: what the
    segment's axes are built on, shown to the sales meeting)."""
    fr = plan.language == "fr"
    message = ("SWOT vide : l'étape 2 de la méthode (forces, faiblesses, opportunités, menaces) fonde les axes du "
               "segment" if fr else
               "empty SWOT: step 2 of the method (strengths, weaknesses, opportunities, threats) is what the "
               "segment's axes are built on")
    fix = ("écrivez au moins une phrase sous swot: strengths, weaknesses, opportunities ou threats" if fr else
           "write at least one sentence under swot: strengths, weaknesses, opportunities or threats")
    out: list[Unfilled] = []
    for i, segment in enumerate(plan.segments):
        swot = segment.swot
        if not (swot.strengths or swot.weaknesses or swot.opportunities or swot.threats):
            out.append((("segments", i, "swot"), f"segment {segment.id}", message, fix))
    return out


def no_role_warnings(plan: Plan) -> list[Unfilled]:
    """A person with no ``role`` where it matters (docs/plan-format.md: the role says what pac sends them): in a plan
    with no manager (the alerts for managers, axes behind, advice, refused records, then reach nobody), and a person
    who owns no action (as a rep they would get nothing). A person with no role who owns actions, in a plan that has
    a manager, is a rep, which is what the role would say."""
    heads = any(canonical_role(p.role) == MANAGER for p in plan.people)
    owners = {a.who for a in plan.actions}
    fr = plan.language == "fr"
    out: list[Unfilled] = []
    for i, person in enumerate(plan.people):
        if person.role.strip():
            continue
        if not heads:
            message = ("pas de rôle, et le plan n'a aucun manager : les alertes des managers (axes en retard, "
                       "conseils, enregistrements refusés) ne parviennent à personne" if fr else
                       "no role, and the plan has no manager: the alerts for managers (axes behind, advice, refused "
                       "records) reach nobody")
        elif person.email not in owners:
            message = ("pas de rôle ni d'action à son nom : cette personne ne recevra aucune alerte" if fr else
                       "no role and no action of their own: this person will get no alert")
        else:
            continue
        fix = ("écrivez role: manager pour le responsable, qui reçoit toutes les alertes du plan, role: rep pour un "
               "commercial ; docs/plan-format.md" if fr else
               "write role: manager for the sales manager, who gets every alert of the plan, role: rep for a rep; "
               "docs/plan-format.md")
        out.append((("people", i), f"people {person.email}", message, fix))
    return out


def zero_cost_warnings(plan: Plan) -> list[str]:
    """An axis whose objective costs 0 (``budget: 0``, or 0 effort days or day cost): a forgotten budget is likelier
    than a free axis, and its ROI is no number (the report says « sans coût » / "no cost"; audit E F5). An
    objective with no cost written at all is not warned of here (its ROI is unknown, « – »). In the plan's language
    (audit clifr)."""
    if plan.language == "fr":
        return [f"axe {axis.id} : son coût est 0, il n'a donc pas de ROI (le rapport dit « sans coût ») : si l'axe "
                "coûte quelque chose, écrivez son budget (ou effort_days et day_cost)"
                for axis in plan.axes if axis.objective is not None and axis.objective.cost == 0]
    return [f"axis {axis.id}: its cost is 0, so it has no ROI (the report says \"no cost\"): if the axis does cost "
            "something, write its budget (or effort_days and day_cost)"
            for axis in plan.axes if axis.objective is not None and axis.objective.cost == 0]


def unknown_cost_warnings(plan: Plan) -> list[str]:
    """An axis whose objective has no cost written while other axes have one: the plan's and its segment's ROI are
    unknown until it is (its margin would count and its cost not; docs/engine.md, *Plan totals*), so the report's
    « – » has its reason. A plan without any cost is not warned of axis by axis: once, for the plan (audit m3cost:
    every ROI of the report read « – » and nothing said why). In the plan's language (audit clifr)."""
    with_objective = [axis for axis in plan.axes if axis.objective is not None]
    if plan.language == "fr":
        if not any(axis.objective is not None and axis.objective.cost is not None for axis in with_objective):
            return ["aucun axe n'a de coût écrit (budget, ou effort_days et day_cost, sous chaque objectif) : le "
                    "rapport ne peut montrer aucun ROI, ni d'un axe, ni d'un segment, ni du plan (« – ») ; écrivez le "
                    "coût de chaque axe, ou budget: 0 pour un axe qui ne coûte rien"] if with_objective else []
        return [f"axe {axis.id} : aucun coût écrit (budget, ou effort_days et day_cost) alors que d'autres axes en "
                "ont un : son ROI, celui de son segment et celui du plan restent inconnus (« – ») tant qu'il ne l'est "
                "pas" for axis in with_objective if axis.objective is not None and axis.objective.cost is None]
    if not any(axis.objective is not None and axis.objective.cost is not None for axis in with_objective):
        return ["no axis has a cost written (budget, or effort_days and day_cost, under each objective): the report "
                "can show no ROI, of an axis, a segment or the plan (\"–\"); write each axis's cost, or budget: 0 for "
                "an axis that costs nothing"] if with_objective else []
    return [f"axis {axis.id}: no cost written (budget, or effort_days and day_cost) while other axes have one: its "
            "ROI, its segment's and the plan's are unknown (\"–\") until it is"
            for axis in with_objective if axis.objective is not None and axis.objective.cost is None]


def unprofitable_warnings(plan: Plan) -> list[str]:
    """An axis whose objective, reached in full, does not pay its cost: its margin (objective x margin rate) is
    below the cost, so its ROI is negative at 100 % and the advisor would tell the meeting to drop the axis the day
    the team delivers it (audit meeting F2: 4,000 at 30 % against 5,000). Known here for an amount, and for a
    percentage of a fixed baseline; one measured on the records is not known before the sync. In the plan's language
    (audit clifr: « × » in French, the English line keeps its « x »)."""
    out = []
    for axis in plan.axes:
        objective, cost = axis.objective, axis.objective.cost if axis.objective is not None else None
        if objective is None or cost is None or cost <= 0:
            continue
        if objective.growth_rate is None:
            amount = objective.additional_revenue
        elif objective.baseline is not None:
            amount = objective.growth_rate * objective.baseline
        else:
            continue
        margin = amount * objective.margin_rate
        if amount <= 0 or margin >= cost:   # no objective at all is warned of apart (a fixed baseline of 0)
            continue
        roi = (margin - cost) / cost
        if plan.language == "fr":
            amount_, margin_, cost_ = (money(v, plan.currency, "fr") for v in (amount, margin, cost))
            out.append(f"axe {axis.id} : atteint en entier, son objectif ne paie pas son coût : {amount_} × "
                       f"{percent(objective.margin_rate, 'fr')} de marge = {margin_}, en dessous du coût de {cost_} "
                       f"(ROI {percent(roi, 'fr')} à {percent(1, 'fr')}) ; relevez l'objectif ou baissez le coût, "
                       "sinon le conseiller dira l'axe non rentable, même s'il réussit")
            continue
        amount_, margin_, cost_ = (money(v, plan.currency, "en") for v in (amount, margin, cost))
        out.append(f"axis {axis.id}: reached in full, its objective does not pay its cost: {amount_} x "
                   f"{percent(objective.margin_rate, 'en')} margin = {margin_}, below the cost of {cost_} "
                   f"(ROI {percent(roi, 'en')} at 100 %); raise the objective or lower the cost, or the advisor will "
                   "call the axis unprofitable however well it goes")
    return out


def _growth_lines(plan: Plan, split: bool = False) -> list[tuple[str, bool]]:
    """Per objective written as a percentage: where its amount comes from (the amount itself when the baseline is
    fixed; otherwise what it is measured on, since the check reads no store: under ``split``, the settings'
    ``attribution: split``, the axis's share of it), or a warning when it gives no objective (a fixed baseline of 0;
    a measured one of 0 is warned of by ``pac sync``, which has the records). In the plan's language (audit clifr):
    « AX-1 : objectif +30 % du CA 2026 du périmètre, … »."""
    zone, (fiscal, weeks) = ZoneInfo(plan.timezone), base_calendar(plan)
    fr = plan.language == "fr"
    out = []
    for axis in plan.axes:
        objective = axis.objective
        if objective is None or objective.growth_rate is None:
            continue
        warning = zero_base_line(axis, zone, fiscal, weeks)
        if warning is not None:
            out.append((f"{WARNING_HEAD['fr' if fr else 'en']}{warning.words(plan.language)}", True))
            continue
        shown = replace(objective, growth_base_split=split and objective.baseline is None)
        if fr:
            line = f"{axis.id} : objectif {provenance(shown, zone, plan.currency, 'fr', fiscal, weeks)}"
            if not objective.resolved:
                line += f" (après une sync, pac explain {axis.id} donne le montant)"
        else:
            line = f"{axis.id} objective: {provenance(shown, zone, plan.currency, 'en', fiscal, weeks)}"
            if not objective.resolved:
                line += f" (after a sync, pac explain {axis.id} shows the amount)"
        out.append((line, False))
    return out


@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the plan here (default: print it).")
@click.option("--plan-name", help="The plan's name (default: 'PAC <year> (importé de <file>)', in English 'Action "
                                   "plan <year> (imported from <file>)').")
@click.option("--year", type=click.IntRange(2000, 2100),
              help="The plan's year, for periods written without one. Default: the start of --period, else the "
                   "year most dates of the Quand column name, else this year (the import says which).")
@click.option("--period", metavar="TEXT",
              help="The plan's period when it is not the calendar year, e.g. '2027-02-01..2028-01-31' or 'du 1er "
                   "avril 2027 au 31 mars 2028' (a fiscal year: 'January', 'Q1' then resolve inside it).")
@click.option("--tz", "--timezone", "tz",
              help="The plan's timezone (IANA name, e.g. America/Chicago). Default: Europe/Paris (said when the "
                   "plan is English).")
@click.option("--language", type=click.Choice(["en", "fr"]),
              help="The plan's language (its periods and comments). Default: the headers' (English headers: en).")
@click.option("--currency", metavar="CODE",
              help="ISO 4217 code of the plan's amounts, e.g. USD. Default: EUR (said when the plan is English).")
@click.option("--date-order", type=click.Choice(["mdy", "dmy"]),
              help="How numeric dates read: mdy (3/4/2027 is March 4) or dmy (3/4/2027 is 3 April). Default: the "
                   "file's own dates decide (one only month/day, 3/31/2027, and none only day/month: mdy), else dmy.")
@click.option("--sheet", help="Sheet of an .xlsx workbook (default: the active sheet).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def import_command(source: Path, output: Path | None, plan_name: str | None, year: int | None,
                   period: str | None, tz: str | None, language: str | None, currency: str | None,
                   date_order: str | None, sheet: str | None, force: bool) -> None:
    """Turn a spreadsheet (.xlsx or .csv, one row per action) into a plan file.

    \b
    Columns (French or English headers; see docs/plan-format.md):
      Segment, Type de segment, Axe, Action, Qui, Quoi (activité), Combien, Quand,
      Périmètre, Information nécessaire, Auprès de qui, Statut.
    A date under Échéance / Date limite / Deadline (or under Quand when the statement says "avant
    le..."), a date cell or text alike, becomes "avant le DATE": from the plan's start to the end of
    that day; a period there is due by its end ("d'ici fin juin 2027"). Every imported action is
    linted (action, objective or intention) and the lint printed; what was assumed is said.
    Nothing is written when any row has a problem; every problem names its row and column (exit 2).
    """
    try:
        zone = ZoneInfo(tz or "Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        _report([Problem("option --tz / --timezone", f"unknown timezone {tz!r}",
                         "use an IANA name such as Europe/Paris or America/Chicago")],
                "import refused", stderr=True)
        sys.exit(EXIT_BAD_INPUT)
    if output is not None and output.exists() and not force:
        _report([Problem("option --output", f"{output} already exists", "choose another file, or add --force")],
                "import refused", stderr=True)
        sys.exit(EXIT_BAD_INPUT)
    if not source.is_file():
        _report([Problem("", f"{source}: no such file", "check the path; pac plan import takes an .xlsx or .csv "
                                                         "file, one row per action")], "import refused", stderr=True)
        sys.exit(EXIT_BAD_INPUT)
    err = _console(stderr=True)
    try:
        # on a terminal only: piped, a transient spinner still left an empty first line (audit newcomer3 L10)
        with Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed:,}"), console=err,
                      transient=True, disable=not err.is_terminal) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(what: str, count: int) -> None:
                if what not in tasks:
                    tasks[what] = bar.add_task(what, total=None)
                bar.update(tasks[what], completed=count)
            result = import_spreadsheet(source, year=year, period=period, tz=tz, plan_name=plan_name, sheet=sheet,
                                        today=datetime.now(zone).date(), progress=progress, language=language,
                                        currency=currency, date_order=date_order)
    except InvalidInput as exc:
        _report(exc.problems, f"{source} was not imported (nothing written)", stderr=True)
        sys.exit(EXIT_BAD_INPUT)
    for sentence in result.assumed:
        err.print(Text(f"assumed: {sentence}", style="yellow"))
    for warning in result.warnings:
        err.print(Text(f"warning: {warning}", style="yellow"))
    _print_lint(err, result)
    if output is None:
        click.echo(result.text, nl=False)
        return
    with replaced(output) as tmp:        # a crash or a full disk never leaves half a plan
        tmp.write_text(result.text, encoding="utf-8")
    err.print(Text(f"✓ plan written to {output}: {result.actions} action{'s' if result.actions != 1 else ''}; "
                   f"complete SWOTs and objectives, then run pac plan check {output}", style="green"))


def _print_lint(console: Console, result: ImportResult) -> None:
    """One line per action that is not yet a 5Q action, then the counts (as pac plan lint says them)."""
    kinds = Counter(r.kind for _, r in result.lint)
    for where, lint in result.lint:
        if lint.kind != "action":
            console.print(Text(f"lint {where}: {lint.kind}: {'; '.join(lint.reasons)}",
                               style="yellow" if lint.kind == "objective" else "red"))
    console.print(Text(f"lint: {kinds.get('action', 0)} action(s), {kinds.get('objective', 0)} objective(s), "
                       f"{kinds.get('intention', 0)} intention(s)"
                       + ("" if kinds.get("action", 0) == len(result.lint) else
                          " — rewrite the others with who/what/when (pac plan lint shows the details)"),
                       style="bold"))



@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of plan files (for editors):  pac plan schema > config/plan.schema.json"""
    click.echo(json.dumps(plan_json_schema(), indent=2, ensure_ascii=False))
