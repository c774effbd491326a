"""What each CRM should show, and the changes since what was last written to it.

Routing when a plan spans several CRMs (e.g. Salesforce for most reps, HubSpot for the South-West):

* **axes** go to every connector of the plan (every team sees the plan's axes);
* an **action** goes to each connector where its owner (``who``, an e-mail, or one of its ``people[].aliases``)
  is a user; when the owner is a user of none of them, it goes nowhere (``pac sync`` warns of that owner:
  ``sync_jobs.coverage.unknown_owners``): a record owned by the integration user in a CRM the rep does not work in
  would be counted by nobody. A record written before stays as it was.

Field values are JSON scalars, so that what was written can be stored and compared exactly: text,
numbers rounded for display (money to its currency's decimals, at most cents: whole yen; percentages to 0.1),
dates as ISO ``YYYY-MM-DD``, ``last_synced`` as an ISO UTC timestamp. The manager-editable values (status, priority,
an action's target and due date) come from the plan with its accepted edits (``sync_jobs.overrides``: the later
change wins, in the file or in any CRM), so they are diffed like every other field: a change in the file reaches
every CRM, a manager's edit in one CRM reaches the others (the CRM it was made in is recorded as holding it already).
``last_synced`` is sent only along with another change, so a run with no change writes nothing.

``name`` is the record's title: the item's id and text, cut at 80 characters (Salesforce's ``Name``) and then
ending with « … »; the action's whole statement is ``text``. ``plan`` is the plan's name, ``plan_end`` its period's
last day, on every record: once it is past, the record is an ended plan's, kept as history and left out of the
CRMs' running views (docs/salesforce.md, *An ended plan's records*). An axis's ``target``
and ``done`` add up its actions (cancelled ones left out; each action's ``done`` counted up to its target).
An axis's ``revenue`` is its additional revenue (``won_revenue`` minus ``baseline``): the three are written, so
a manager can reconcile it with the won revenue their CRM's reports show.
``currency`` is the plan's currency, written with the amounts where the CRM keeps one per record.
Fields a connector does not declare it keeps (``keeps()``) are left out of its changes: see ``kept_by``.

**Retired records** (audit B F4): an axis or action record pac wrote to a CRM (a row of what was last written there)
whose item is no longer in the plan is neither deleted (its history, the links reps made to it) nor left showing its
last figures as if live: ``retired`` names them, and their one desired field is ``pace`` = ``REMOVED`` (« Retirée
du plan » / "Removed from plan"), diffed like any field: written once, then nothing while it stays out of the plan;
put back in the plan, the record gets the plan's values again (its pace first of all). Read from the store: no
CRM call. A retired action also carries ``REMOVED_LABEL`` for a CRM that keeps it (HubSpot's fallback tasks: the
task is completed, off the rep's list, its subject prefixed « [Retirée du plan] »; ``retired_fields``), and a CRM
that links actions to their axis takes it off its axis (HubSpot custom objects; audit hspkg F2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import REMOVED_LABEL, REMOVED_PACE, Connector, Target, WriteChange
from connectors.fit import cut, printable
from pac_core.engine_settings import EngineSettings
from pac_core.growth import with_evaluation
from pac_core.growth_words import fixed_baseline_words, provisional_line
from pac_core.kpi_vocabulary import BY_ID, CORE
from pac_core.kpi_vocabulary import summary as kpi_summary
from pac_core.money import PROGRESS_LIMITS, Limit, apart, minor_digits, shown_additional
from pac_core.plan import Axis, AxisState, Plan, action_cancelled, action_status_on, axis_state_on
from pac_core.plan_end import plan_last_day
from pac_core.report_period import base_calendar
from pac_core.results import AxisProgress, Evaluation, Recommendation
from pac_core.rounding import half_up
from sync_jobs.overrides import figures_day

MANAGER_FIELDS = frozenset({"status", "priority", "target", "window_end"})
"""The logical fields a manager may edit in the CRM (see ``connectors.base.EDIT_FIELDS``)."""

NAME_LENGTH = 80
"""Salesforce's ``Name`` of a custom object holds 80 characters; a longer title ends with « … »."""

EXTENDED_FIELDS = {Target.AXIS: frozenset({"plan", "plan_end", "target", "done", "currency", "won_revenue",
                                           "baseline"}),
                   Target.ACTION: frozenset({"plan", "plan_end", "text", REMOVED_LABEL})}
"""Fields sent only to connectors that say they keep them (``keeps(target)``): older connectors never see them."""


def title(text: str, limit: int = NAME_LENGTH) -> str:
    """``text`` as a record title of at most ``limit`` characters as Salesforce counts them (UTF-16 units: an emoji
    counts two): cut text ends with « … », never inside a character (``connectors.fit.cut``)."""
    return cut(" ".join(printable(text).split()), limit)


def record_key(plan: Plan, item_id: str) -> str:
    """The PAC external key of an axis or action record, e.g. ``pac-2027-durand-process:A-01``."""
    return f"{plan.id}:{item_id}"


# The CRMs' amount fields hold cents (Salesforce's Currency(16, 2)): an amount is written to its currency's decimals
# (ISO 4217) up to that, as the CRM shows it. A JPY record shows its amounts in whole yen (a currency's decimal places
# supersede the field's: Salesforce Help 000385752), so ¥1,135.40 would show ¥1,135 and the additional revenue,
# written 1,135.40 - 4,931.60, ¥-3,796 beside ¥1,135 - ¥4,932 (audit wbvalues F2); three-decimal currencies get cents.
MONEY_PLACES = 2


def money_places(currency: str) -> int:
    """The decimal places of ``currency``'s amounts written to a CRM: 0 for JPY, 2 for EUR, CHF and KWD."""
    return min(minor_digits(currency), MONEY_PLACES)


def _money(value: Decimal | None, places: int = MONEY_PLACES) -> float | None:
    return None if value is None else float(half_up(value, places))


def _pct(value: float | None) -> float | None:
    return None if value is None else float(half_up(value, 1, percent=True))


def _progress_pct(value: float | None) -> float | None:
    """A progress in percent to PAC_Progress_Pct__c's one decimal (a Percent(18, 1); HubSpot's pac_progress_pct the
    same figure), on its own side of 0 % and 100 % (``money.PROGRESS_LIMITS``): 99.96 % is written 99.9, not the
    100.0 of a done action or a reached objective; 0.04 % is 0.1, not 0.0 (decided 7 Dec 2026, audit nearleft)."""
    return None if value is None else float(apart(value, PROGRESS_LIMITS, 1, 1))


# A ratio's places in the CRM: PAC_ROI__c's scale (a Number(12, 4): "1.4310 is the report's 143 %"); HubSpot's
# pac_roi gets the same value. At 3 places an ROI of 0.1875 was written 0.188, 18.8 % against the report's 19 %.
RATIO_PLACES = 4


def _ratio(value: float | None, limits: tuple[Limit, ...] = ()) -> float | None:
    """An ROI to RATIO_PLACES, on its own side of the advisor's thresholds (``limits``, ``money.apart``): 0.49996
    is written 0.4999, beside the report's « 49,99 % » and no roll-out, not the 0.5000 that reads as the roll-out's
    50 % (decided 7 Dec 2026, audit nearleft); one on its side is rounded half up as before (0.1875)."""
    if value is None:
        return None
    return float(apart(value, limits, RATIO_PLACES - 2, RATIO_PLACES - 2).scaleb(-2))


def _last_day(end: datetime) -> str:
    """The inclusive last day of a [start, end) window, in the window's timezone."""
    return (end - timedelta(microseconds=1)).date().isoformat()


def _kpi_fields(plan: Plan, axis: Axis, progress: AxisProgress | None, advice: Recommendation | None,
                as_of: datetime) -> dict[str, Any]:
    """The axis's KPIs for the CRM: one number per core KPI (ratios as percentages to 0.1, money to cents,
    counts whole), the KPIs the plan names as one readable line (then the provisional objective's and the fixed
    baseline's words), and the advisor's recommendation."""
    values = {v.kpi: v.value for v in progress.kpis} if progress else {}
    places = money_places(plan.currency)
    out: dict[str, Any] = {}
    for kpi in CORE:
        value = values.get(kpi)
        unit = BY_ID[kpi].unit
        out[f"kpi_{kpi}"] = (None if value is None else _pct(float(value)) if unit == "ratio"
                             else _money(value, places) if unit == "money" else int(value))
    named = axis.objective.kpis if axis.objective else ()
    out["kpis"] = kpi_summary(progress.kpis, named, plan.language, plan.currency) if progress else ""
    # a percentage objective whose base year is not over moves night after night: its KPI text says so, in the
    # words of pac explain (« Objectif : +30 % de … (CA 2026 du périmètre au 5 décembre, provisoire : …) = … »)
    provisional = provisional_line(axis.objective, ZoneInfo(plan.timezone), plan.currency, plan.language,
                                   *base_calendar(plan))
    # a fixed baseline is pro-rated day by day: the baseline field holds today's share, and its words say so, as the
    # report's (« Fixed baseline: $50,000 × 183 / 366 days = $25,000 »; the field's English label says « same span
    # a year earlier », which it is not: audit crmhandus)
    fixed = fixed_baseline_words(axis.objective, as_of, ZoneInfo(plan.timezone), plan.currency, plan.language)
    roi = _no_roi_line(axis, progress, plan.language)
    if provisional or fixed or roi:
        out["kpis"] = "\n".join(line for line in (out["kpis"], provisional, fixed, roi) if line)
    text = ""
    if advice is not None:
        text = advice.summary
        if advice.overruled:
            word = "Écarté" if plan.language == "fr" else "Overruled"
            text += "\n" + "\n".join(f"{word} : {o.summary}" if plan.language == "fr" else f"{word}: {o.summary}"
                                      for o in advice.overruled)
    out["advice"] = text
    return out


def _no_roi_line(axis: Axis, progress: AxisProgress | None, language: str) -> str | None:
    """Why the CRM's ROI field is empty, where the reason is the axis's cost: a cost of 0 has no ROI to compute (the
    report's « sans coût »), no cost written an unknown one (the report's « – »), which the empty field alone did not
    tell apart (stop 38). None when the axis has an ROI, or has none for another reason (a period too young)."""
    if progress is None or progress.roi is not None or axis.objective is None:
        return None
    cost = axis.objective.cost
    fr = language == "fr"
    if cost is None:
        return ("ROI : inconnu, aucun coût écrit pour cet axe (écrire budget, ou effort_days et day_cost)" if fr else
                "ROI: unknown, no cost written for this axis (write budget, or effort_days and day_cost)")
    if cost == 0:
        return ("ROI : sans coût (coût 0 écrit pour cet axe)" if fr else
                "ROI: no cost (a cost of 0 written for this axis)")
    return None


def _shown_state(axis: Axis, today: date) -> str:
    """The status the CRMs show: the state the figures count on the evaluation's day (``pac_core.plan.
    axis_state_on``, the rule of ``axis_inactive``): ``active`` before a ``since`` still to come and once a
    suspension's until-day is past (the CRMs have no until field), so that a manager setting ``suspended`` there
    suspends the axis from that day (``sync_jobs.overrides.shown_value`` compares the edits with it)."""
    return axis_state_on(axis, today).value


def desired_state(plan: Plan, evaluation: Evaluation, edited: Mapping[tuple[str, str, str], Any] | None = None,
                  roi_limits: tuple[Limit, ...] = EngineSettings().roi_limits
                  ) -> dict[tuple[Target, str], dict[str, Any]]:
    """Every axis and action record with the values the CRM should show (manager fields included); an objective
    written as a percentage is written as the amount the evaluation resolved (pac_core/growth.py).

    A status is shown as in force on the evaluation's day, except a status a manager set in a CRM (``edited``:
    field key -> the value the edit gave, ``sync_jobs.overrides.Decision.at`` not None), shown as in force from its
    own day on: a run evaluating an earlier day (``--as-of``) counts the status in force then, but never takes the
    accepted edit back in the CRM that holds it, nor withholds it from the others (audit hsemu F3). ``roi_limits``:
    the thresholds the advisor compared the axes' ROI with (``EngineSettings.roi_limits``), which the written ROI
    reads on the same side of (``_ratio``)."""
    plan = with_evaluation(plan, evaluation)
    today = figures_day(plan, evaluation.as_of)
    edited = edited or {}

    def shown_day(field: tuple[str, str, str], value: str, since: date | None) -> date:
        if since is None or since <= today or field not in edited or str(edited[field]) != value:
            return today
        return since
    out: dict[tuple[Target, str], dict[str, Any]] = {}
    axes = {a.axis_id: a for a in evaluation.axes}
    advice = {r.axis_id: r for r in evaluation.recommendations}
    places = money_places(plan.currency)
    for axis in plan.axes:
        p = axes.get(axis.id)
        objective = axis.objective.additional_revenue if axis.objective else None
        key = record_key(plan, axis.id)
        day = shown_day((Target.AXIS.value, key, "axis_status"), axis.status.state.value, axis.status.since)
        if day == today:        # a rank set in a CRM prioritises the axis from that day as well
            day = shown_day((Target.AXIS.value, key, "axis_priority"), str(axis.status.rank), axis.status.since)
        out[(Target.AXIS, key)] = {
            "name": title(f"{axis.id} {axis.name}"),
            "plan": plan.name,
            "plan_end": plan_last_day(plan).isoformat(),
            "currency": plan.currency,
            "status": _shown_state(axis, day),
            "priority": axis.status.rank if axis_state_on(axis, day) is AxisState.PRIORITISED else None,
            "objective": _money(objective, places),
            # won - baseline as both are written, so a CRM formula or report Won - Baseline gives it (audit revenue F6)
            "revenue": float(shown_additional(p.revenue, p.baseline, places)) if p else None,
            "won_revenue": _money(p.revenue, places) if p else None,
            "baseline": _money(p.baseline, places) if p else None,
            "progress_pct": _progress_pct(p.progress) if p else None,
            "pace": p.pace.value if p else None,
            "roi": _ratio(p.roi, roi_limits) if p else None,
            "window_start": axis.objective.period.start.date().isoformat() if axis.objective else None,
            "window_end": _last_day(axis.objective.period.end) if axis.objective else None,
            **_action_totals(plan, axis.id, evaluation, today),
            **_kpi_fields(plan, axis, p, advice.get(axis.id), evaluation.as_of),
        }
    actions = {a.action_id: a for a in evaluation.actions}
    for action in plan.actions:
        ap = actions.get(action.id)
        key = record_key(plan, action.id)
        day = shown_day((Target.ACTION.value, key, "action_status"), action.status.value, action.status_since)
        out[(Target.ACTION, key)] = {
            "name": title(f"{action.id} {action.text}"),
            "text": action.text,
            "plan": plan.name,
            "plan_end": plan_last_day(plan).isoformat(),
            "status": action_status_on(action, day).value,   # as counted on the day (audit reverify N2)
            "axis_key": record_key(plan, action.axis_id),
            "owner_email": action.who,
            "target": action.target,
            "done": ap.done if ap else 0,
            "progress_pct": _progress_pct(ap.progress) if ap else 0.0,
            "pace": ap.pace.value if ap else None,
            "window_start": action.window.start.date().isoformat(),
            "window_end": _last_day(action.window.end),
        }
    # no control character (a YAML escape, a paste): the CRMs do not keep them (Salesforce's writer drops them), so
    # what is written and stored is what drift repair reads back
    return {record: {k: printable(v) if isinstance(v, str) else v for k, v in fields.items()}
            for record, fields in out.items()}


REMOVED = REMOVED_PACE
"""The pace of a PAC record whose axis or action is no longer in the plan (a value of the CRMs' pace picklist,
``connectors.salesforce.schema.PACE_VALUES``, ``connectors.hubspot.schema``; never an engine pace)."""

_PLAN_TARGETS = (Target.AXIS.value, Target.ACTION.value)

# REMOVED_LABEL (connectors.base): a retired action's field for a CRM whose action record is a task on the rep's list
# (HubSpot without custom objects; an extended field, sent where ``keeps`` names it): the words its subject starts with
# from then on, in the plan's language. Such a CRM also closes the task (audit hspkg F2).
REMOVED_WORDS = {"fr": "[Retirée du plan]", "en": "[Removed from plan]"}


def retired_fields(target: Target, language: str) -> dict[str, Any]:
    """What a retired record should show (see the module docstring): its pace ``REMOVED``; an action, also the words
    ``REMOVED_LABEL`` its task's subject starts with, in the plan's ``language``."""
    if target is not Target.ACTION:
        return {"pace": REMOVED}
    return {"pace": REMOVED, REMOVED_LABEL: REMOVED_WORDS.get(language, REMOVED_WORDS["en"])}


def retired(desired: Mapping[tuple[Target, str], Any], written: Mapping[str, Mapping[tuple[str, str], Any]]
            ) -> dict[str, list[tuple[Target, str]]]:
    """Per connector, the axis and action records pac last wrote there whose key the plan no longer has
    (``desired``): the records to mark ``REMOVED`` (see the module docstring)."""
    return {name: sorted((Target(t), key) for t, key in rows if t in _PLAN_TARGETS and (Target(t), key) not in desired)
            for name, rows in written.items()}


def retired_line(key: str, connector: str, *, dry_run: bool = False) -> str:
    """``A-91: no longer in the plan, marked removed in sf-main`` (``pac sync``; a dry run says "would be")."""
    item = key.split(":", 1)[-1]
    return (f"{item}: no longer in the plan, would be marked removed in {connector} (dry run)" if dry_run
            else f"{item}: no longer in the plan, marked removed in {connector}")


def _action_totals(plan: Plan, axis_id: str, evaluation: Evaluation, today: date) -> dict[str, int]:
    """The axis's ``target`` and ``done``: its actions added up (those cancelled on ``today`` left out, a
    cancellation from a day still to come not yet: ``action_cancelled``; done capped at target)."""
    progress = {a.action_id: a for a in evaluation.actions}
    target = done = 0
    for action in plan.actions:
        if action.axis_id != axis_id or action_cancelled(action, today):
            continue
        target += action.target
        p = progress.get(action.id)
        done += min(p.done, action.target) if p else 0
    return {"target": target, "done": done}


def kept_by(desired: Mapping[tuple[Target, str], Mapping[str, Any]], connector: Connector
            ) -> dict[tuple[Target, str], dict[str, Any]]:
    """``desired`` without the extended fields ``connector`` does not keep (it says so with ``keeps(target)``,
    the logical fields it writes)."""
    out: dict[tuple[Target, str], dict[str, Any]] = {}
    for (target, key), fields in desired.items():
        extended = EXTENDED_FIELDS.get(target, frozenset())
        allowed = connector.keeps(target)
        out[(target, key)] = {k: v for k, v in fields.items() if k not in extended or k in allowed}
    return out


def route(plan: Plan, connectors: Sequence[str], users_of: Mapping[str, set[str]]
          ) -> dict[str, set[tuple[Target, str]]]:
    """Which records each connector receives (see the module docstring for the rule)."""
    out: dict[str, set[tuple[Target, str]]] = {name: set() for name in connectors}
    for axis in plan.axes:
        for name in connectors:
            out[name].add((Target.AXIS, record_key(plan, axis.id)))
    for action in plan.actions:
        emails = plan.emails_of(action.who)
        homes = [n for n in connectors if not emails.isdisjoint(users_of.get(n, set()))]
        for name in homes:
            out[name].add((Target.ACTION, record_key(plan, action.id)))
    return out


# Axes are written before the actions that point at them (a Salesforce action's lookup names its axis by key; a HubSpot
# action is associated to its axis record), then accounts: the write-back cuts this list into batches, and a CRM applies
# a batch's records in order only within one request.
WRITE_ORDER = (Target.AXIS, Target.ACTION, Target.ACCOUNT)


def changes_for(desired: Mapping[tuple[Target, str], Mapping[str, Any]], routed: Iterable[tuple[Target, str]],
                written: Mapping[tuple[str, str], Any], now: datetime) -> list[WriteChange]:
    """Only the fields that differ from what was last written, per record (``written`` rows have
    ``.fields`` and ``.crm_id``), in ``WRITE_ORDER``. A new record gets every field; ``last_synced`` rides along a
    change."""
    out: list[WriteChange] = []
    stamp = now.astimezone(UTC).replace(microsecond=0).isoformat()
    for target, key in sorted(routed, key=lambda tk: (WRITE_ORDER.index(tk[0]), tk[1])):
        want = desired[(target, key)]
        row = written.get((target.value, key))
        if row is None:
            fields = dict(want)
        else:
            fields = {k: v for k, v in want.items() if k not in row.fields or row.fields[k] != v}
        if not fields:
            continue
        fields["last_synced"] = stamp
        out.append(WriteChange(target=target, key=key, fields=fields, crm_id=row.crm_id if row else None))
    return out
