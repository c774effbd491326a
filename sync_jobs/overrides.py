"""One plan, one truth: the manager-editable values across the plan file, the store and every CRM.

**Manager-editable values** (``connectors.base.EDIT_FIELDS``): an axis's status (``axis_status``: active,
prioritised, suspended, dropped) and priority rank (``axis_priority``); an action's status (``action_status``:
planned, in_progress, done, cancelled), target (``action_target``: how many) and due date (``action_due``: the
inclusive last day of its window). Everything else pac writes (progress, done, pace, revenue, ROI, the axis's
revenue objective, names, window start...) is **computed**: a hand change in the CRM is restored (drift repair,
``drifted``).

Each editable value has a **state** in the store (``pac_field_state``): its value, where it came from (``file``,
``crm`` with the connector and the person, or ``pac``), when; and the file's value at the last run. Every run:

1. **The file changed** a value since the last run (its value differs from the stored ``file_value``, and from the
   field's current value: a file brought in line with the plan, by ``pac plan pull`` or by hand, changed nothing):
   that is a change made at the file's modification time (its last save: the file does not date its lines).
2. **A person changed it in a CRM**: a value read from a PAC record is an edit only when it differs from what pac
   last wrote to that CRM *and* the CRM says a person other than pac's integration user set it (Salesforce
   ``LastModifiedById``; HubSpot property history ``updatedByUserId`` / ``sourceType``). pac never takes its own
   writes (nor another app's automation) for edits; a value equal to the current one is no change either.
3. **The later change wins**: one change applies as it is; when several changed the same field since the last
   run with different values (the file and a CRM, or two CRMs), the one made last wins, a tie going to the CRM
   edit (the file is edited ahead of time, the CRM while working), and between CRMs to the plan's first connector.
   That is a **conflict**: reported by ``pac sync``, ``pac status`` and the report's data section, and kept in
   ``pac history`` (the losing change with ``outcome`` ``lost``). Nothing is dropped silently.
4. The winning value becomes the plan's (``apply_overrides``) and is written to every CRM the record goes to;
   ``pac plan pull`` writes accepted CRM edits back into the plan file.

An edit that would break the method's rules (e.g. a rank already given, a due date before the window's start) is
refused alone (``apply_each``: each change applied on its own, in the order made) and reported, recorded ``refused``
in ``pac history`` and never stored as the field's value; the night's other edits apply. A status set to
prioritised with no rank gets the next free rank (``next_free_rank``: one more than the highest held).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from connectors.base import EDIT_FIELDS, EDIT_LOGICAL, ManagerEdit, PacValue, Target, same_value
from pac_core.engine import figures_last_day
from pac_core.errors import InvalidInput
from pac_core.periods import day_words
from pac_core.plan import (
    ActionStatus,
    AxisState,
    AxisStatus,
    Plan,
    action_status_on,
    axis_state_on,
    suspension_lapsed,
)
from pac_core.plan_warnings import PlanWarning
from pac_core.window import Window
from sync_jobs.store.db import stored_instant

EDITED_IN_CRM = "changed in the CRM by the manager"   # a row made with no reason (``overrides_of`` gives one)
LOGICAL = EDIT_LOGICAL
TARGET_OF = {f: t for t, fields in EDIT_FIELDS.items() for f in fields}
RULE = "the later change wins (a tie goes to the CRM edit, then to the plan's first CRM)"


def _key_id(plan: Plan, key: str) -> str:
    prefix = f"{plan.id}:"
    return key[len(prefix):] if key.startswith(prefix) else key


same = same_value


def normalise(edit_field: str, value: Any) -> Any:
    """A CRM value of an editable field as the plan keeps it (rank and target as int, states lower-case)."""
    if value in (None, ""):
        return None
    if edit_field == "action_target":
        # kept as typed when it is no whole number (7.5 in HubSpot's number property), so the rule refuses it: cut to 7
        # it applied without a word, and 2.9 read as the file's 2 vanished (audit pacehand)
        number = float(value)
        return int(number) if number.is_integer() else number
    if edit_field == "axis_priority":
        return int(float(value))
    if edit_field == "action_due":
        return str(value)[:10]
    return str(value).strip().lower()


def file_values(plan: Plan) -> dict[tuple[str, str, str], Any]:
    """(target, key, edit field) -> the plan's value of every manager-editable field."""
    out: dict[tuple[str, str, str], Any] = {}
    for axis in plan.axes:
        key = f"{plan.id}:{axis.id}"
        out[(Target.AXIS.value, key, "axis_status")] = axis.status.state.value
        out[(Target.AXIS.value, key, "axis_priority")] = axis.status.rank
    for action in plan.actions:
        key = f"{plan.id}:{action.id}"
        out[(Target.ACTION.value, key, "action_status")] = action.status.value
        out[(Target.ACTION.value, key, "action_target")] = action.target
        out[(Target.ACTION.value, key, "action_due")] = last_day(action.window)
    return out


def last_day(window: Window) -> str:
    """The inclusive last day of a [start, end) window, in its timezone (what the CRMs show as the due date)."""
    return (window.end - timedelta(microseconds=1)).date().isoformat()


@dataclass(frozen=True)
class Change:
    """One change of an editable field: its value, where it came from, who, when."""

    value: Any
    source: str                    # file | crm | pac
    at: datetime
    connector: str | None = None
    who_id: str | None = None
    who_name: str = ""

    def where(self) -> str:
        """Plain words: ``the plan file``, ``sf-main (Nathalie Garnier)``."""
        if self.source == "file":
            return "the plan file"
        if self.source == "pac":
            return "pac"
        who = self.who_name or self.who_id or "a user"
        return f"{self.connector} ({who})"


@dataclass(frozen=True)
class Conflict:
    """Several changes of one field since the last run, with different values: ``kept`` won by ``RULE``."""

    target: str
    key: str
    field: str
    kept: Change
    lost: tuple[Change, ...]

    def describe(self) -> str:
        # to the second when two of the changes fall in the same minute: the reader sees which was later
        minutes = [f"{c.at:%Y-%m-%d %H:%M}" for c in (self.kept, *self.lost)]
        shape = "%Y-%m-%d %H:%M:%S" if len(set(minutes)) < len(minutes) else "%Y-%m-%d %H:%M"
        others = "; ".join(f"{c.value!r} from {c.where()} at {c.at:{shape}} UTC" for c in self.lost)
        return (f"conflict on {self.key} {self.field}: kept {self.kept.value!r} from {self.kept.where()} at "
                f"{self.kept.at:{shape}} UTC over {others} ({RULE})")


@dataclass
class Decision:
    """What a run decided about the editable values: their states after the run, what changed, conflicts."""

    values: dict[tuple[str, str, str], Any] = field(default_factory=dict)          # current value of every field
    changed: dict[tuple[str, str, str], Change] = field(default_factory=dict)      # accepted changes this run
    conflicts: list[Conflict] = field(default_factory=list)
    ignored: int = 0            # values read that were pac's own writes (or automation): never edits
    # the PAC records (connector, target, key) a person changed: a value differing from what pac last wrote there, not
    # set by pac's integration user or an automation (what the run counts as « plan edits made in the CRM »; the
    # records read back as pac wrote them are not: audit meeting F8)
    edited: set[tuple[str, str, str]] = field(default_factory=set)
    # (connector, target, key, logical field, value): a CRM that holds the value already
    echoes: list[tuple[str, str, str, str, Any]] = field(default_factory=list)
    new_states: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)   # changes that break the method's rules: not applied, why
    # when a CRM edit set each current value (its changed_at; None: the file's, pac's): the day the status it gives
    # took effect (``overrides_of(..., at=)``: the status's ``since``)
    at: dict[tuple[str, str, str], datetime | None] = field(default_factory=dict)
    # a person's edits of items no longer in the plan file ((target, key, field), change): not applied; said with the
    # retirement when the item leaves the plan this run (``lost_with_retired(pending=)``, audit planlife F3)
    outside: list[tuple[tuple[str, str, str], Change]] = field(default_factory=list)


def decide(plan: Plan, states: Mapping[tuple[str, str, str], Any], edits: Sequence[tuple[str, ManagerEdit]],
           written: Mapping[str, Mapping[tuple[str, str], Any]], *, file_changed_at: datetime, now: datetime,
           order: Sequence[str], run_id: int | None = None,
           legacy: Mapping[tuple[str, str, str], Any] | None = None, as_of: datetime | None = None) -> Decision:
    """Apply the rules of the module docstring. ``states``: stored rows (value, source, connector, who_id,
    who_name, changed_at, file_value); ``written``: per connector, what pac last wrote (rows with ``.fields``);
    ``legacy``: the ``pac_override`` rows of earlier versions (target, key, field -> value, modified_at,
    connector), which start the state of a value that has none yet, so an upgrade keeps the edits accepted before;
    ``as_of``: the instant the run evaluates (``now`` when not given), whose day says what the CRMs show
    (``shown_value``)."""
    out = Decision()
    as_of = as_of or now
    files = file_values(plan)
    candidates: dict[tuple[str, str, str], list[Change]] = {}
    # (connector, target, key, logical field) of the edits read from another field than pac writes (``ManagerEdit.
    # held`` False): no echo, so the accepted value is written back to that CRM's record
    unheld: set[tuple[str, str, str, str]] = set()
    for k, file_value in files.items():
        state = states.get(k)
        if state is None:
            old = (legacy or {}).get(k)
            start = Change(file_value, "file", file_changed_at)
            sent = (written.get(old.connector) or {}).get((k[0], k[1])) if old is not None else None
            echo = (old is not None and sent is not None
                    and same(old.value, sent.fields.get(LOGICAL[k[2]])))   # pac's own value read back
            if old is not None and not echo and not same(old.value, file_value):
                try:
                    start = Change(normalise(k[2], old.value), "crm", old.modified_at, old.connector)
                except (TypeError, ValueError):
                    pass
                else:
                    out.events.append(_event(k, start, file_value, run_id, "applied",
                                             "kept from the manager's edits recorded by an earlier version"))
            out.values[k] = start.value
            out.at[k] = edited_at(start)
            out.new_states.append(_state(k, start, file_value, now))
            continue
        out.values[k] = state.value
        out.at[k] = edited_at(state)
        # a file brought in line with the plan's value (``pac plan pull``, or copied by hand) changed nothing: only
        # its value is remembered (below), the value keeps its provenance and a newer CRM edit applies alone
        if not same(state.file_value, file_value) and not same(state.value, file_value):
            candidates.setdefault(k, []).append(Change(file_value, "file", file_changed_at))
    for connector, edit in edits:
        if isinstance(edit, PacValue) or edit.field not in LOGICAL:
            continue
        k = (edit.target.value, edit.key, edit.field)
        try:
            value = normalise(edit.field, edit.value)
        except (TypeError, ValueError):
            continue
        row = (written.get(connector) or {}).get((edit.target.value, edit.key))
        last = row.fields.get(LOGICAL[edit.field], _MISSING) if row is not None else _MISSING
        if k not in files:        # an item the plan file no longer has: a person's edit of it cannot apply
            if not edit.by_integration and (last is _MISSING or not same(value, last)):
                out.outside.append((k, Change(value, "crm", edit.modified_at, connector, edit.by_id, edit.by_name)))
            continue
        if (last is not _MISSING and same(value, last)) or edit.by_integration:
            out.ignored += 1                  # pac's own write read back, or automation: never an edit
            continue
        out.edited.add((connector, edit.target.value, edit.key))
        if not edit.held:       # read from another field than pac's own: the accepted value is written back there
            unheld.add((connector, edit.target.value, edit.key, LOGICAL[edit.field]))
        if same(value, shown_value(plan, k, out.values[k], out.at.get(k), as_of)):
            if edit.held:
                out.echoes.append((connector, edit.target.value, edit.key, LOGICAL[edit.field], value))
            continue
        candidates.setdefault(k, []).append(Change(value, "crm", edit.modified_at, connector, edit.by_id,
                                                   edit.by_name))
    rank = {name: i for i, name in enumerate(order)}
    winners: dict[tuple[str, str, str], list[Change]] = {}
    for k, changes in candidates.items():
        winners[k] = sorted(changes, key=lambda c: (c.at, c.source == "crm", -rank.get(c.connector or "", 0)))
    refused, notes = _check_changes(plan, out.values, {k: ordered[-1] for k, ordered in winners.items()})
    for k, ordered in winners.items():
        distinct = {repr(c.value) for c in ordered}
        kept = ordered[-1]
        old = shown_value(plan, k, out.values[k], out.at.get(k), as_of)
        lost = tuple(c for c in ordered[:-1] if repr(c.value) != repr(kept.value))
        if k in refused:      # not the plan's value: neither stored as the field's state nor taken as a CRM's
            row = SimpleNamespace(key=k[1], field=k[2], value=kept.value)
            out.refused.append(f"{refusal(row, refused[k])} (from {kept.where()})")
            out.events.append(_event(k, kept, old, run_id, "refused", refused[k]))
            out.events.extend(_event(k, c, old, run_id, "lost", f"a later change won, itself refused: {refused[k]}")
                              for c in lost)
            continue
        out.values[k] = kept.value
        out.at[k] = edited_at(kept)
        out.changed[k] = kept
        file_value = files[k]
        out.new_states.append(_state(k, kept, file_value, now))
        if kept.source == "crm" and (kept.connector or "", k[0], k[1], LOGICAL[k[2]]) not in unheld:
            out.echoes.append((kept.connector or "", k[0], k[1], LOGICAL[k[2]], kept.value))
        note = "; ".join(n for n in ("conflict: " + RULE if lost else "", notes.get(k, "")) if n)
        out.events.append(_event(k, kept, old, run_id, "applied", note))
        if len(distinct) > 1 and lost:
            conflict = Conflict(k[0], k[1], k[2], kept, lost)
            out.conflicts.append(conflict)
            for c in lost:
                out.events.append(_event(k, c, old, run_id, "lost", conflict.describe()))
    for k, file_value in files.items():     # the file's value is remembered, even when a CRM edit holds the field
        state = states.get(k)
        if state is not None and k not in out.changed and not same(state.file_value, file_value):
            out.new_states.append({"target": k[0], "key": k[1], "field": k[2], "file_value": file_value,
                                   "updated_at": now})
    return out


_MISSING = object()


def lost_with_retired(plan: Plan, retired: Iterable[str], states: Mapping[tuple[str, str, str], Any],
                      added: Mapping[str, Sequence[str]] | None = None, *, when: str = "run",
                      pending: Sequence[tuple[tuple[str, str, str], Change]] = ()) -> list[PlanWarning]:
    """One warning per retired item (``retired``: keys of axes and actions no longer in ``plan``) that holds values
    accepted from a CRM the plan file never had (a stored state from ``crm`` differing from the file's value then):
    they leave the plan with the id (audit planstate F2: a renamed action dropped the manager's target, with only
    "no longer in the plan"). Names each value, the file's, where it came from and the day (the plan's timezone), and
    the fix: ``pac plan pull`` before renaming or removing, or the value written in the item that replaces it
    (``added``: per target, the ids new to the plan; named when there is one). ``when``: ``run`` (the sync that
    retires it), ``dry_run``, ``check`` (``pac plan check``, before the sync). ``pending``: a person's CRM edits
    this run read of items the file no longer has (``Decision.outside``), which never applied: named too, as « the
    edits made in the CRMs since the last run, not applied » (audit planlife F3: an edit read the night its action
    was renamed or removed vanished without a word); they do not come back with the id. ``lost_with_retired``
    (``pac_core.plan_warnings``): in English or French."""
    retired = set(retired)
    leaving = Counter(t for t, key in {(k[0], k[1]) for k in states} if key in retired)   # per target
    out = []
    for key in sorted(retired):
        held = [(k, st) for k, st in sorted(states.items())
                if k[1] == key and st.source == "crm" and not same(st.value, st.file_value)]
        read = [(k, change, states[k].file_value if k in states else _MISSING) for k, change in pending
                if k[1] == key and (k not in states or not same(change.value, states[k].file_value))]
        if not held and not read:
            continue
        if when == "check" and not held:
            continue
        target = (held[0][0] if held else read[0][0])[0]
        new = list((added or {}).get(target, ()))
        out.append(PlanWarning("lost_with_retired", {
            "item": key.split(":", 1)[-1], "target": target, "when": when,
            # a rename: one item of the kind gone, one new; else the manager knows which replaces it
            "into": new[0] if len(new) == 1 and leaving[target] == 1 else None,
            "held": [[k[2], str(st.value), str(st.file_value), _origin_of(st), _iso(_local_day(plan, st.changed_at))]
                     for k, st in held],
            "read": [[k[2], str(change.value), None if file_value is _MISSING else str(file_value),
                      [change.source, change.connector or "", change.who_name or change.who_id or ""],
                      _iso(_local_day(plan, change.at))]
                     for k, change, file_value in read]}))
    return out


def _origin_of(state: Any) -> list[str]:
    """Where a stored state's value came from, as ``lost_with_retired`` keeps it: ``["state", connector, who]``."""
    return ["state", str(state.connector or ""), str(state.who_name or state.who_id or "")]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _check_changes(plan: Plan, before: Mapping[tuple[str, str, str], Any], kept: Mapping[tuple[str, str, str], Change]
                   ) -> tuple[dict[tuple[str, str, str], str], dict[tuple[str, str, str], str]]:
    """Which of this run's winning changes break the method's rules, each checked on its own (``apply_each``, in
    the order they were made) on the plan as the values ``before`` them make it: (key -> why refused, key -> note
    on an applied one: the rank given to an axis prioritised with no rank)."""
    base, _ = apply_overrides(plan, overrides_of(plan, before))
    edits = [SimpleNamespace(key=k[1], field=k[2], value=c.value, k=k, at=edited_at(c))
             for k, c in sorted(kept.items(), key=lambda kc: (kc[1].at, kc[0]))]
    after, failed = apply_each(base, edits)
    refused = {edit.k: why for edit, why in failed}
    ranks = {f"{plan.id}:{a.id}": a.status.rank for a in after.axes}
    notes = {}
    for k, change in kept.items():
        if k[2] == "axis_status" and k not in refused and change.value == AxisState.PRIORITISED.value:
            given = kept.get((k[0], k[1], "axis_priority"))
            if (given is None or (k[0], k[1], "axis_priority") in refused) and not before.get(
                    (k[0], k[1], "axis_priority")):
                notes[k] = f"no rank given: rank {ranks.get(k[1])}, the next free one"
    return refused, notes


def _state(k: tuple[str, str, str], change: Change, file_value: Any, now: datetime) -> dict[str, Any]:
    return {"target": k[0], "key": k[1], "field": k[2], "value": change.value, "source": change.source,
            "connector": change.connector, "who_id": change.who_id, "who_name": change.who_name,
            "changed_at": change.at, "file_value": file_value, "updated_at": now}


def _event(k: tuple[str, str, str], change: Change, old: Any, run_id: int | None, outcome: str,
           note: str) -> dict[str, Any]:
    return {"target": k[0], "key": k[1], "field": k[2], "value": change.value, "old_value": old,
            "source": change.source, "connector": change.connector, "who_id": change.who_id,
            "who_name": change.who_name, "changed_at": change.at, "run_id": run_id, "outcome": outcome,
            "note": note}


def overrides_of(plan: Plan, values: Mapping[tuple[str, str, str], Any],
                 at: Mapping[tuple[str, str, str], datetime | None] | None = None, *,
                 sources: Mapping[tuple[str, str, str], Any] | None = None) -> list[Any]:
    """The values that differ from the plan file, as rows for ``apply_overrides``; ``at``: when each was set (the
    row's ``at``, which dates the status it gives: ``since``). A ``suspended`` set in a CRM after the file's
    suspension had lapsed (its until-day past) is a row too, though the file's word is the same: a new suspension;
    so is a status set in a CRM before the day (``since``) the file gives the same status (``anticipates``).
    An axis status suspended or dropped there carries the ``reason`` the method requires (``status_reason``, from
    ``sources``: where each value came from, stored states or ``Change``s, see ``sources_of``)."""
    files = file_values(plan)
    at = at or {}
    rows = [SimpleNamespace(key=k[1], field=k[2], value=v, at=at.get(k)) for k, v in sorted(values.items())
            if k in files and (not same(files[k], v) or resuspends(plan, k, v, at.get(k))
                               or anticipates(plan, k, v, at.get(k)))]
    for row in rows:
        if row.field == "axis_status" and str(row.value) in _STATE_WORDS:
            source = (sources or {}).get((Target.AXIS.value, row.key, row.field))
            row.reason = status_reason(plan, str(row.value),
                                       source if source is not None and same(source.value, row.value) else None)
    return rows


def sources_of(states: Mapping[tuple[str, str, str], Any], decision: Decision | None = None
               ) -> dict[tuple[str, str, str], Any]:
    """Where each value came from (rows with value, source, connector, who_id, who_name, changed_at): the stored
    ``states``, with the states a run's ``decision`` saves instead."""
    out: dict[tuple[str, str, str], Any] = dict(states)
    for row in decision.new_states if decision is not None else ():
        if "source" in row:
            out[(row["target"], row["key"], row["field"])] = SimpleNamespace(**row)
    return out


# an axis's state set in a CRM, in the plan's language (the reason a suspended or dropped axis needs)
_STATE_WORDS = {"suspended": {"fr": "suspendu", "en": "suspended"}, "dropped": {"fr": "abandonné", "en": "dropped"}}


def status_reason(plan: Plan, state: str, source: Any | None) -> str:
    """The reason of an axis suspended or dropped in a CRM, in the plan's language, as ``pac plan pull`` writes it
    into the file and the report shows it: « suspendu dans sf-main (Nathalie Garnier) le 12 mai 2027 » /
    "suspended in sf-main (Nathalie Garnier) on May 12, 2027" (the day in the plan's timezone). ``source``: the
    value's origin (``changed_at`` or ``at``, ``connector``, ``who_name``/``who_id``); None, or not a CRM: « suspendu
    dans un CRM » / "suspended in a CRM"."""
    lang = "fr" if plan.language == "fr" else "en"
    word = _STATE_WORDS.get(state, {}).get(lang, state)
    if source is None or getattr(source, "source", "crm") != "crm" or not getattr(source, "connector", None):
        return f"{word} dans un CRM" if lang == "fr" else f"{word} in a CRM"
    who = getattr(source, "who_name", "") or getattr(source, "who_id", "") or ""
    where = f"{source.connector} ({who})" if who else str(source.connector)
    when = getattr(source, "changed_at", None) or getattr(source, "at", None)
    if when is None:
        return f"{word} dans {where}" if lang == "fr" else f"{word} in {where}"
    day = day_words(stored_instant(when).astimezone(ZoneInfo(plan.timezone)).date(), lang)
    return f"{word} dans {where} le {day}" if lang == "fr" else f"{word} in {where} on {day}"


def edited_at(change: Any) -> datetime | None:
    """When a CRM edit set a value (a ``Change`` or a stored state: its ``at`` / ``changed_at``); None for the file's
    or pac's values, which the plan file dates itself."""
    if getattr(change, "source", None) != "crm":
        return None
    return getattr(change, "at", None) or getattr(change, "changed_at", None)


def in_force_at(events: Iterable[Any], cutoff: datetime) -> tuple[dict[tuple[str, str], Any], set[tuple[str, str]]]:
    """What ``pac_field_event`` (``events``: ``repo.field_events``) says each field's value was at
    ``cutoff``: ((key, field) -> the last change applied to it by then, its CRM edit's or the file's; the fields
    with any applied change at all). The store's state (``pac_field_state``) holds only a field's last value: a
    target edited twice, 5 -> 8 on 20 March and 8 -> 3 on 10 April, is 3 there, made on 10 April, while at the end
    of March it was 8 (audit snapedits: a late March snapshot, leaving the 10 April value out, read the file's 5).
    A change lost to a later one (a conflict) or refused never was the field's value: not counted. The changes made
    by then are taken in the order pac applied them (the events' ids), not by the day each says it was made: a file
    saved on 19 March and read by the sync of 26 March replaced a CRM edit of 20 March that night."""
    last: dict[tuple[str, str], Any] = {}
    told: set[tuple[str, str]] = set()
    for event in sorted(events, key=lambda e: e.id):
        if event.outcome != "applied":
            continue
        told.add((event.key, event.field))
        if stored_instant(event.changed_at) <= cutoff:
            last[(event.key, event.field)] = event
    return last, told


def _local_day(plan: Plan, instant: datetime | None) -> date | None:
    """The plan's day an instant falls on (None for None)."""
    return None if instant is None else stored_instant(instant).astimezone(ZoneInfo(plan.timezone)).date()


def figures_day(plan: Plan, now: datetime) -> date:
    """The day liveness is judged on at ``now`` (``pac_core.engine.figures_last_day``): the plan's day, or the
    period's last day once the plan is over."""
    return figures_last_day(plan, now, ZoneInfo(plan.timezone))


def resuspends(plan: Plan, k: tuple[str, str, str], value: Any, at: datetime | None) -> bool:
    """``suspended`` set on a day after the file's suspension of the axis had lapsed (its until-day past)."""
    if k[2] != "axis_status" or value != AxisState.SUSPENDED.value:
        return False
    axis = next((a for a in plan.axes if f"{plan.id}:{a.id}" == k[1]), None)
    day = _local_day(plan, at)
    return axis is not None and day is not None and suspension_lapsed(axis.status, day)


def anticipates(plan: Plan, k: tuple[str, str, str], value: Any, at: datetime | None) -> bool:
    """An axis's or an action's status set in a CRM (at ``at``) on a day before the ``since`` day the file gives the
    same status (a suspension written for 1 June, set in Salesforce on 20 May): the CRMs showed the state in force
    (``shown_value``), so it is the manager's decision from that day (audit reverify N2)."""
    day = _local_day(plan, at)
    if day is None:
        return False
    if k[2] == "axis_status":
        axis = next((a for a in plan.axes if f"{plan.id}:{a.id}" == k[1]), None)
        return (axis is not None and value == axis.status.state.value and axis.status.since is not None
                and day < axis.status.since)
    if k[2] == "action_status":
        action = next((a for a in plan.actions if f"{plan.id}:{a.id}" == k[1]), None)
        return (action is not None and value == action.status.value and action.status_since is not None
                and day < action.status_since)
    return False


def shown_value(plan: Plan, k: tuple[str, str, str], value: Any, at: datetime | None, now: datetime) -> Any:
    """The value the CRMs show for a field whose value is ``value`` (set at ``at``): an axis's or an action's status
    as the figures count it on ``now``'s day (``figures_day``): ``active`` once the file's suspension has lapsed (its
    until-day past; not for a suspension set after it lapsed, which has no until), the state in force before the
    file's ``since`` day while that day is still to come (``axis_state_on``, ``action_status_on``: audit reverify
    N2), the value itself otherwise. A CRM edit is compared with it: ``suspended`` on a lapsed suspension, or before
    the day a suspension written in the file starts, is a decision of its own, not an echo."""
    if k[2] == "action_status":
        action = next((a for a in plan.actions if f"{plan.id}:{a.id}" == k[1]), None)
        if at is None and action is not None and value == action.status.value:
            return action_status_on(action, figures_day(plan, now)).value
        return value
    if k[2] != "axis_status":
        return value
    axis = next((a for a in plan.axes if f"{plan.id}:{a.id}" == k[1]), None)
    if axis is None:
        return value
    day = figures_day(plan, now)
    if at is None and value == axis.status.state.value and axis.status.since is not None and day < axis.status.since:
        return axis_state_on(axis, day).value
    if value != AxisState.SUSPENDED.value or resuspends(plan, k, value, at):
        return value
    if suspension_lapsed(axis.status, day):
        return AxisState.ACTIVE.value
    return value


def next_free_rank(axes: Iterable[Any], but: str = "") -> int:
    """The rank a prioritised axis gets when none is given (a CRM status set to prioritised with the priority left
    empty): the next one after the ranks the other prioritised axes hold (1 when none is)."""
    return 1 + max((a.status.rank or 0 for a in axes
                    if a.id != but and a.status.state is AxisState.PRIORITISED), default=0)


def apply_overrides(plan: Plan, edits: Iterable[Any]) -> tuple[Plan, list[str]]:
    """The plan with each edit (rows with key, field, value) applied; plus what was refused, one line per edit.

    Each edit stands or falls on its own: it is applied to the plan as the edits before it left it, and refused
    alone when the result breaks the method's rules (a rank another axis holds...). The refused ones are tried
    again once the others are in (two axes swapping ranks), until no more can be applied."""
    current, refused = apply_each(plan, edits)
    return current, [refusal(edit, why) for edit, why in refused]


def apply_each(plan: Plan, edits: Iterable[Any]) -> tuple[Plan, list[tuple[Any, str]]]:
    """``apply_overrides`` with the refused edits themselves: (edit, why) in the order given (``why``: the reason
    alone, ``refusal`` words the whole line). The usual night (no
    edit breaks a rule) is checked once for all its edits; only when that fails is each checked on its own (a
    check reads the whole plan: one per edit would cost edits x plan size on every run)."""
    pending = list(edits)
    try:
        return _apply(plan, pending), []
    except (LookupError, ValueError, TypeError, InvalidInput):
        pass
    current = plan
    failed: list[tuple[Any, str]] = []
    while pending:
        failed = []
        for edit in pending:
            try:
                current = _apply_one(current, edit)
            except (LookupError, ValueError, TypeError, InvalidInput) as exc:   # InvalidInput: a broken rule
                failed.append((edit, _why(exc)))
        if len(failed) == len(pending):
            break
        pending = [edit for edit, _ in failed]
    return current, failed


def _why(exc: Exception) -> str:
    """Why an edit is refused, in plain words (``refusal`` puts the edit in front)."""
    if isinstance(exc, LookupError):
        return "no such record or field in the plan"
    if isinstance(exc, InvalidInput):
        rules = "; ".join(f"{p.message}" + (f" ({p.fix})" if p.fix else "") for p in exc.problems)
        return f"it breaks the plan's rules: {rules}"
    return str(exc)


def refusal(edit: Any, why: str) -> str:
    """``pac-…:AX-2 axis_priority = 1 refused: it breaks the plan's rules: rank 1 is already given to AX-1 (…)``."""
    return f"{edit.key} {edit.field} = {edit.value!r} refused: {why}"


def _apply_one(plan: Plan, edit: Any) -> Plan:
    return _apply(plan, [edit])


def _apply(plan: Plan, edits: Sequence[Any]) -> Plan:
    """The plan with the edits applied in order, checked once at the end (``InvalidInput`` when it breaks a rule,
    or an edit gives an axis a rank another holds; ``LookupError`` when a record or field is not the plan's)."""
    axes = {a.id: a for a in plan.axes}
    actions = {a.id: a for a in plan.actions}
    for edit in edits:
        _edit_into(axes, actions, _key_id(plan, edit.key), edit, _local_day(plan, getattr(edit, "at", None)))
    return dataclasses.replace(plan, axes=tuple(axes[a.id] for a in plan.axes),
                               actions=tuple(actions[a.id] for a in plan.actions))


def _edit_into(axes: dict[str, Any], actions: dict[str, Any], item: str, edit: Any, day: date | None) -> None:
    """``day``: the plan's day the edit was made (None: not known), the ``since`` of the status it sets; a
    ``suspended`` set after the file's suspension lapsed starts a new one, without the past until-day."""
    if edit.field == "axis_status" and item in axes:
        state = AxisState(str(edit.value).lower())
        old = axes[item].status
        lapsed = day is not None and suspension_lapsed(old, day)
        inactive = (AxisState.SUSPENDED, AxisState.DROPPED)
        if state in inactive:
            reason = old.reason or getattr(edit, "reason", "") or EDITED_IN_CRM
        else:        # a resumed axis: the suspension's (or drop's) reason goes with it (audit longlife F2)
            reason = "" if old.state in inactive else old.reason
        status = AxisStatus(state=state, rank=old.rank if state is AxisState.PRIORITISED else None, reason=reason,
                            until=old.until if state is AxisState.SUSPENDED and not lapsed else None,
                            since=day if day is not None else old.since if state is old.state else None)
        if state is AxisState.PRIORITISED and status.rank is None:
            status = dataclasses.replace(status, rank=next_free_rank(axes.values(), but=item))
        axes[item] = dataclasses.replace(axes[item], status=status)
    elif edit.field == "axis_priority" and item in axes:
        rank = None if edit.value in (None, "") else int(float(edit.value))
        old = axes[item].status
        state = AxisState.PRIORITISED if rank else (AxisState.ACTIVE if old.state is AxisState.PRIORITISED
                                                    else old.state)
        since = day if state is not old.state and day is not None else old.since
        axes[item] = dataclasses.replace(axes[item], status=dataclasses.replace(old, state=state, rank=rank,
                                                                                since=since))
    elif edit.field == "action_status" and item in actions:
        new, was = ActionStatus(str(edit.value).lower()), actions[item]
        since = day if day is not None else was.status_since if new is was.status else None
        actions[item] = dataclasses.replace(was, status=new, status_since=since)
    elif edit.field == "action_target" and item in actions:
        number = float(edit.value)
        if not number.is_integer():
            raise ValueError(f"a target is a whole number of activities or accounts, not {edit.value}")
        target = int(number)
        if target < 1:
            raise ValueError("a target is at least 1")
        actions[item] = dataclasses.replace(actions[item], target=target)
    elif edit.field == "action_due" and item in actions:
        window = actions[item].window
        day = date.fromisoformat(str(edit.value)[:10])
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), window.start.tzinfo)
        actions[item] = dataclasses.replace(actions[item], window=Window(window.start, end, window.label))
    else:
        raise LookupError(edit.key)
    if item in axes and axes[item].status.state is AxisState.PRIORITISED:
        rank = axes[item].status.rank
        holder = next((a.id for a in axes.values() if a.id != item and a.status.state is AxisState.PRIORITISED
                       and a.status.rank == rank), None)
        if holder is not None:
            raise InvalidInput(f"rank {rank} is already given to {holder}",
                               f"give each prioritised axis its own rank, or change {holder}'s first")
