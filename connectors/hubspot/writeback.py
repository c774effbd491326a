"""PAC results -> HubSpot batch upserts, updates and creates, 100 records per call, changes only.

* axes and actions: batch upsert on the custom objects by the unique ``pac_key`` (idempotent: the
  same change written twice leaves one record); in fallback mode actions become tasks, never upserted (HubSpot
  documents unique-value properties, which an upsert's ``idProperty`` must be, for companies, deals, tickets, custom
  objects and contacts, not tasks: the tasks' ``pac_key`` is not unique). Each batch's tasks are found by one search
  ``pac_key IN [...]`` (at most 100 keys; a key this run already wrote is not searched again, nor is anything on a
  night that writes no task), else by the id pac last wrote to; those found are updated by id, the others created
  (``Writer._send_tasks``): a create is sent only after the search found none, so a create whose answer was lost is
  found by the next run, never made twice. A task the update finds deleted (not found) is created again in the same
  run (``created``, as an upsert's ``new``); of several live tasks of one key the lowest id is written, the others
  left and logged once per run (``hubspot.write.duplicate_tasks``). Each task write carries the task's subject, due
  date and owner (it may create the task: HubSpot requires ``hs_timestamp`` then); axes are not stored in HubSpot
  (the report shows them);
* accounts: batch update of the company's PAC properties by its id (never created);
* owner: ``owner_email`` becomes ``hubspot_owner_id`` through the owners API; an e-mail that is no owner of
  the portal (yet) is left out with a warning and named in the result's ``unsent``, so it is not recorded as
  written and is sent again on the next run;
* a record is written only when the answer's ``results`` hold it (an upsert's or a create's result by its
  ``pac_key`` property or its ``objectWriteTraceId``, an update's by its id): a 207 multi-status error naming it
  (``context.ids``) fails it with that message; any other record is a retryable failure "not confirmed by HubSpot"
  carrying the batch's error messages that name no record of it; a whole batch refused by a transient fault or a 409
  ``CONFLICT`` is retryable on the next run; a whole batch refused as invalid (400 ``VALIDATION_ERROR``: one bad
  input fails them all) or for a record it names that no longer exists (a 404, or a 400 ``OBJECT_NOT_FOUND``: a
  company deleted since the night's pull, a task a rep deleted) is split until its invalid inputs are alone
  (``SPLIT_CALLS``); a deleted company's failure is retryable and says why (``_deleted_company``); a stop (the
  daily limit, a token refused) carries the results of the batches already answered (``ConnectorError.partial``),
  their links' fields unsent;
* associations (action -> axis, axis -> companies, action -> companies) follow the plan both ways: see
  ``connectors.hubspot.associations``. A link that fails leaves the record accepted with ``link_error`` and the
  field that makes the link in ``unsent`` (an action's ``axis_key``, a company's ``axes`` and ``target``), so it is
  not recorded as written and the next run sends it again; ``Writer.settle_all`` is the full reconciliation of the
  links (``HubSpotConnector.settle_links``). Axes are upserted before actions: an axis refused that has no record
  holds back the actions linked to it (``_held_back``: a retryable failure each, sent again next run after it).

Only properties declared in ``connectors.hubspot.schema`` are ever written: a change naming any other
field is refused (its result says which field), and nothing of that record is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any

from more_itertools import chunked

from connectors.base import (
    REMOVED_LABEL,
    REMOVED_PACE,
    AxesRefused,
    ConnectorError,
    LinkFailure,
    RateLimited,
    Target,
    TransientError,
    WriteChange,
    WriteResult,
    deleted_since_read,
    nothing_sent,
    nothing_to_send,
)
from connectors.hubspot.associations import (
    DEFAULT_CAP,
    LINK_ERRORS,
    AxisTargets,
    Links,
    choose_company,
    parse_axes,
)
from connectors.hubspot.normalise import parse_datetime
from connectors.hubspot.reads import MAX_VALUES, batch_read, list_objects, read_associations, search_modified
from connectors.hubspot.schema import (
    ACTION_COMPANIES,
    ACTION_PROPS,
    AXIS_PROPS,
    COMPANY_PROPS,
    DEAL_PROPS,
    KEY,
    TASK_NATIVE,
    TASK_PROPS,
    TASK_STATUS,
    Prop,
    refused_option_fix,
    task_status,
)
from connectors.hubspot.transport import BadRequest, Conflict, Forbidden, HubSpotTransport, NotFound, Reply

log = logging.getLogger(__name__)

BATCH_WRITE = 100
# the verb of fallback tasks: found by ``pac_key`` (``Writer._task_ids``), then updated by id or created
TASKS = "tasks"
# the logical fields every task write carries (``Writer._task_props``): what a created task needs (its subject, its
# due date ``hs_timestamp``, which HubSpot requires to create one, its owner)
CREATE_FIELDS = ("name", "window_end", "owner_email")
RETRYABLE_CATEGORIES = {"CONFLICT", "RATE_LIMITS", "INTERNAL_ERROR", "LOCKED", "CONCURRENT_MODIFICATION"}
# A batch upsert or update that one invalid input makes HubSpot refuse whole (400 VALIDATION_ERROR: the multi-status
# answer is documented for the batch create endpoints only; or a 404, or a 400 OBJECT_NOT_FOUND, for a record it names
# that was deleted since pac read it: ``_invalid_input``) is split in two, and each half refused whole again, until
# the invalid inputs are alone: at most this many more calls per batch, enough to isolate two bad inputs of a batch of
# 100 (one costs 2 x ceil(log2 n) calls: 14 for 100 inputs, 6 for 8); the inputs still not isolated then are refused
# with the batch's message and sent again next run.
SPLIT_CALLS = 28


def fmt(prop: Prop | None, value: Any) -> str:
    """A Python value as HubSpot's property string (dates ``YYYY-MM-DD``, datetimes epoch ms)."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    kind = prop.type if prop else "string"
    if isinstance(value, str) and kind in ("date", "datetime"):
        value = _iso(value)         # an ISO day or instant (the write-back's window_end), as the property takes it
    if isinstance(value, datetime):
        if kind == "date":      # the instant's day where it was taken (the plan's timezone), not its UTC day
            return value.date().isoformat()
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return str(int(value.timestamp() * 1000))
    if isinstance(value, date):
        if kind == "date":
            return value.isoformat()
        return str(int(datetime.combine(value, time(), UTC).timestamp() * 1000))
    if isinstance(value, float):
        if abs(value) >= 1e15:
            return str(int(value))
        # every digit up to 6 decimals ("g" kept 6 significant digits: 58340.18 became 58340.2), as the shortest
        # decimal that is the float (its repr, Salesforce's JSON): ".6f" printed the binary float's noise from
        # 1e11 on (123456789012.34 sent "123456789012.339996", shown so and read back as another figure every
        # night: audit wbvalues F3)
        number = Decimal(repr(round(value, 6)))
        return "0" if number == 0 else format(number.normalize(), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(v.value if isinstance(v, Enum) else v) for v in value)
    return str(value)


def _iso(text: str) -> date | datetime | str:
    """An ISO 8601 day ("2027-05-23") or instant as a date or datetime; any other text as it is."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return text


def due_instant(value: Any, zone: tzinfo = UTC) -> Any:
    """A task's due instant (``hs_timestamp``) for the action's last day: noon of that day in ``zone``, the plan's
    timezone (``Connector.note_plan_zone``). HubSpot keeps an instant and shows it in each user's own timezone:
    noon in the plan's zone is that same day for every user within eleven hours of it (before 6 Dec 2026 it was
    noon UTC, already the next day in New Zealand, Chatham, Fiji or Tonga). An instant is kept."""
    day = _iso(value) if isinstance(value, str) else value
    if isinstance(day, date) and not isinstance(day, datetime):
        return datetime.combine(day, time(12), zone)
    return day


def split_action_companies(changes: Sequence[WriteChange]) -> tuple[list[WriteChange], dict[str, list[str]]]:
    """The changes without the ``companies`` of action changes, and action key -> those company ids
    (associations to make, not a property to write)."""
    out: list[WriteChange] = []
    targets: dict[str, list[str]] = {}
    for change in changes:
        if change.target is Target.ACTION and ACTION_COMPANIES in change.fields:
            companies = change.fields[ACTION_COMPANIES] or []
            targets[change.key] = [str(c) for c in companies]
            change = replace(change, fields={k: v for k, v in change.fields.items() if k != ACTION_COMPANIES})
        out.append(change)
    return out, targets


# the fields whose links a full reconciliation compares and makes (``Writer.settle_all``: each action to its axis, or
# to none once its pace says it left the plan; each axis to its companies); an action's ``companies`` it does not
SETTLED_FIELDS = frozenset({"axis_key", "pace", "axes", "target"})


def _with_link_failures(changes: Sequence[WriteChange], results: list[WriteResult], failures: Sequence[LinkFailure]
                        ) -> list[WriteResult]:
    """``results`` with each accepted record whose links failed carrying ``link_error`` and, in ``unsent``, the
    fields that make them again (so they are not recorded as written and the next run sends them)."""
    if not failures:
        return results
    by_record: dict[tuple[Target, str], list[LinkFailure]] = {}
    for failure in failures:
        by_record.setdefault((failure.target, str(failure.crm_id)), []).append(failure)
    out = []
    for change, result in zip(changes, results, strict=True):
        mine = by_record.pop((change.target, str(result.crm_id)), None) if result.ok and result.crm_id else None
        if mine:
            fields = frozenset().union(*(f.fields for f in mine))
            result = replace(result, unsent=result.unsent | fields, link_fields=fields,
                             link_error="; ".join(dict.fromkeys(f.error for f in mine)))
        out.append(result)
    for (target, crm_id), lost in by_record.items():     # no record of this write: only logged (never expected)
        log.warning("hubspot.write.link_failed target=%s id=%s error=%s", target.value, crm_id, lost[0].error)
    return out


class Writer:
    """One ``write()`` call's work; ``owner_id`` resolves e-mails, ``object_type`` names HubSpot types."""

    def __init__(self, transport: HubSpotTransport, *, fallback: bool, owner_id: Callable[[str], str | None],
                 axis_type: str | None, action_type: str | None, targets: AxisTargets | None = None,
                 cap: int = DEFAULT_CAP, links: Links | None = None,
                 written: Mapping[tuple[str, str], Any] | None = None,
                 task_states: Mapping[str, str] | None = None, axes_refused: AxesRefused | None = None,
                 records: dict[str, dict[str, dict[str, Any]]] | None = None, zone: tzinfo = UTC,
                 task_ids: dict[str, str] | None = None, duplicates: dict[str, list[str]] | None = None) -> None:
        self.transport, self.fallback, self.owner_id = transport, fallback, owner_id
        self.zone = zone        # the plan's timezone: a task is due at noon of the action's last day there
        self.written = written or {}     # what pac last wrote ((target, key) -> row with .fields): ``_task_props``
        self.task_states = task_states or {}    # fallback: pac_key -> the hs_task_status this run's pull read
        self.axis_type, self.action_type = axis_type, action_type
        self.targets, self.cap = targets, cap       # associations: the plan's targets, the cap
        self.links = links or Links(transport)
        self._listed: dict[str, dict[str, dict[str, Any]]] = {}     # object type -> the plan's records, once
        self._axis_ids: dict[str, str] = {}         # pac_key -> pac_axis record id, found by this write
        self._axis_unknown: set[str] = set()        # pac_keys read and not found
        # the axes whose write failed this run and that have no record (kept by the connector across the run's
        # batches): their actions wait for them (``_held_back``)
        self.axes_refused = axes_refused if axes_refused is not None else AxesRefused("HubSpot")
        # object type -> pac_key -> {"id", properties...}: every PAC record of the portal as this run's full pull listed
        # them (kept by the connector), with what this run's upserts wrote on them: the full reconciliation and the
        # axes' ids read no list again (``_plan_records``, ``_axis_records``)
        self.records = records if records is not None else {}
        # fallback: pac_key -> the id of its task, found or written by this run (kept by the connector across the
        # run's writes: a task created seconds ago may not be in search yet); the keys whose duplicates were reported,
        # with the copies' ids (``HubSpotConnector.copies_found``)
        self.task_ids = task_ids if task_ids is not None else {}
        self.duplicates = duplicates if duplicates is not None else {}
        self._gone: set[str] = set()        # ids a batch update was refused as not found (deleted): ``_send_tasks``

    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        changes, targets = split_action_companies(changes)
        results: list[WriteResult | None] = [None] * len(changes)
        groups: dict[tuple[str, str], list[tuple[int, WriteChange, dict[str, str]]]] = {}
        unsent: dict[int, frozenset[str]] = {}
        for i, change in enumerate(changes):
            where, props_or_error = self._inputs(change)
            if isinstance(props_or_error, str):
                results[i] = WriteResult(change.key, False, change.crm_id, props_or_error)
                continue
            if where is None:     # nothing to store for this target in this layout (fallback: axes)
                results[i] = WriteResult(change.key, True, None, stored=False)
                continue
            if change.target is not Target.ACCOUNT and change.fields.get("owner_email") \
                    and "hubspot_owner_id" not in props_or_error:     # no such owner (warned): sent again next run
                if nothing_to_send(change, frozenset({"owner_email"})):     # only that owner: no call
                    results[i] = nothing_sent(change)
                    continue
                unsent[i] = frozenset({"owner_email"})
            groups.setdefault(where, []).append((i, change, props_or_error))
        axes = (self.axis_type or "", "upsert")
        try:
            for (object_type, verb), items in sorted(groups.items(), key=lambda group: group[0] != axes):
                if not self.fallback and object_type == self.action_type and self.axes_refused.refused:
                    items = self._held_back(items, results)
                for batch in chunked(items, BATCH_WRITE):
                    sent = self._send_tasks(batch) if verb == TASKS else self._send(object_type, verb, batch)
                    for i, result in sent:
                        results[i] = result.with_unsent(unsent.get(i, frozenset()))
                    if verb in ("upsert", TASKS):
                        self._remember(object_type, batch, results)
                if not self.fallback and (object_type, verb) == axes:
                    self._note_failed_axes(items, results)
        except ConnectorError as exc:   # a stop (daily quota, credentials): what HubSpot answered before it goes up
            exc.partial = self._before_stop(changes, results, targets)
            raise
        failures: list[LinkFailure] = []
        if not self.fallback:
            failures += self._linked("links to the PAC axes that target it", lambda: self._link_axes(changes, results),
                                     lambda: self._written(changes, results, Target.ACCOUNT, "axes"))
            failures += self._linked("link to its axis", lambda: self._link_actions_to_axes(changes, results),
                                     lambda: [(Target.ACTION, str(r.crm_id), link[1])
                                              for c, r in zip(changes, results, strict=True)
                                              if c.target is Target.ACTION and r is not None and r.ok and r.crm_id
                                              and (link := self._axis_link(c)) is not None])
        failures += self._linked("links to its companies",
                                 lambda: self._link_actions_to_companies(changes, results, targets),
                                 lambda: self._written(changes, results, Target.ACTION, ACTION_COMPANIES,
                                                       keys=set(targets)))
        if self.fallback:   # with custom objects, axes live on pac_axis records associated to companies
            self._write_deals(changes, results)
        return _with_link_failures(changes, [r if r is not None else WriteResult(c.key, False, error="not written")
                                             for r, c in zip(results, changes, strict=True)], failures)

    def _remember(self, object_type: str, batch: Sequence[tuple[int, WriteChange, dict[str, str]]],
                  results: Sequence[WriteResult | None]) -> None:
        """What an upsert batch leaves: the records it created have no link yet (``Links.note_created``: their links
        are the ones this run makes, none read), and the run's listing of ``object_type``, when its full pull made
        one, holds each record written with the properties sent."""
        listed = self.records.get(object_type)
        created = []
        for i, change, props in batch:
            result = results[i]
            if result is None or not result.ok or not result.crm_id:
                continue
            if result.created:
                created.append(str(result.crm_id))
            if listed is not None:
                listed[change.key] = {**listed.get(change.key, {}), **props, "id": str(result.crm_id)}
        if created:
            self.links.note_created(object_type, created)

    def _note_failed_axes(self, items: Sequence[tuple[int, WriteChange, dict[str, str]]],
                          results: Sequence[WriteResult | None]) -> None:
        """Remember the axes HubSpot refused that have no record yet (never written before: what pac last wrote has
        no row of them), and forget those now written."""
        for i, change, _ in items:
            self.axes_refused.note(change.key, results[i],
                                   has_record=(Target.AXIS.value, change.key) in self.written)

    def _held_back(self, items: Sequence[tuple[int, WriteChange, dict[str, str]]],
                   results: list[WriteResult | None]) -> list[tuple[int, WriteChange, dict[str, str]]]:
        """The action inputs to send: those linked to an axis refused with no record (``AxesRefused.waiting``) are
        held back, instead of an action record created unlinked and its link reported missing (audit quota2 F4)."""
        out = []
        for i, change, props in items:
            link = self._axis_link(change)
            waiting = self.axes_refused.waiting(change, link[0] if link is not None else None)
            if waiting is not None:
                results[i] = waiting
                continue
            out.append((i, change, props))
        if len(out) < len(items):
            log.warning("hubspot.write.held_back actions=%d axes=%s (their axes' writes failed)",
                        len(items) - len(out), ",".join(sorted(self.axes_refused.refused)))
        return out

    def _before_stop(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None],
                     targets: Mapping[str, list[str]]) -> list[WriteResult | None]:
        """The results of a ``write()`` a stop cut short: those HubSpot answered before it, each accepted one with
        the fields that make its links in ``unsent`` (the links were not made: an action's ``axis_key`` and
        ``companies``, a company's ``axes`` and ``target``), so they are sent again by the next run."""
        out: list[WriteResult | None] = []
        for change, result in zip(changes, results, strict=True):
            if result is not None and result.ok:
                links = set()
                if change.target is Target.ACTION and not self.fallback:
                    link = self._axis_link(change)
                    links = {"axis_key", link[1]} if link is not None else {"axis_key"}
                if change.target is Target.ACTION and change.key in targets:
                    links.add(ACTION_COMPANIES)
                if change.target is Target.ACCOUNT and not self.fallback:
                    links |= {"axes", "target"}
                result = replace(result, unsent=result.unsent | (links & (set(change.fields) | {ACTION_COMPANIES})))
            out.append(result)
        return out

    def settle_all(self) -> list[LinkFailure]:
        """Full reconciliation of the links, after the run's writes: every axis record of the plan linked to
        exactly its targets, every action record of the plan to exactly the axis its ``pac_axis_key`` names,
        compared with what HubSpot holds (the first sync, every ``reconciliation_days``, ``pac sync --full``).
        The links it could not make or remove, named by the record whose field makes them again."""
        if self.fallback or self.targets is None or not self.axis_type:
            return []
        failures = self._linked("the PAC axes' links to their companies", self._settle_all_axes, list)
        if self.action_type:
            failures += self._linked("the PAC actions' links to their axes", self._settle_all_actions, list)
        return failures

    # -- building inputs -------------------------------------------------------------------------
    def _inputs(self, change: WriteChange) -> tuple[tuple[str, str] | None, dict[str, str] | str]:
        if change.target is Target.ACCOUNT:
            if not change.crm_id:
                return None, "an account change needs the company id (crm_id)"
            return ("companies", "update"), self._props(change, COMPANY_PROPS, derived_target=True)
        if change.target is Target.AXIS:
            if self.fallback:
                return None, {}
            return (self.axis_type or "", "upsert"), self._props(change, AXIS_PROPS)
        if self.fallback:
            return ("tasks", TASKS), self._task_props(change)
        return (self.action_type or "", "upsert"), self._props(change, ACTION_PROPS)

    def _props(self, change: WriteChange, declared: Mapping[str, Prop], derived_target: bool = False
               ) -> dict[str, str] | str:
        out: dict[str, str] = {}
        for field, value in change.fields.items():
            if field == "owner_email":
                if change.target is not Target.ACCOUNT:
                    owner = self.owner_id(str(value).lower()) if value else None
                    if owner is None and value:
                        log.warning("hubspot.write.owner_unknown key=%s", change.key)
                    if owner is not None or not value:
                        out["hubspot_owner_id"] = owner or ""
                continue
            prop = declared.get(field)
            if prop is None or field == "key":
                return f"field {field!r} is not a PAC field of {change.target.value} records: refused"
            out[prop.name] = fmt(prop, value)
        if derived_target and "axes" in change.fields:
            out[COMPANY_PROPS["target"].name] = "true" if change.fields["axes"] else "false"
        if change.target is not Target.ACCOUNT:
            out[KEY] = change.key
        return out

    def _task_props(self, change: WriteChange) -> dict[str, str] | str:
        """A task's properties. A write creates the task when the rep deleted it (its update answered not found:
        ``_send_tasks``), and HubSpot creates no task without its due date (tasks guide: "hs_timestamp: Required"):
        so every task write carries the subject, due date and owner (``CREATE_FIELDS``), from what pac last wrote
        when the change leaves them out (unchanged: the same values), and a task created again holds them; the rest
        follows in the same run (``created``, the pipeline's whole record). On a live task they rewrite what it
        holds (audit hsemu F2)."""
        row = self.written.get((change.target.value, change.key))
        held = getattr(row, "fields", None) or {}
        # an action removed from the plan: its task completed (off the rep's list, as a cancelled action's) and its
        # subject prefixed with the words the change carries (« [Retirée du plan] »); put back in the plan (its pace
        # was removed), its status written again, so the task is open again if the action is (audit hspkg F2)
        removed = change.fields.get(REMOVED_LABEL)
        fields = {k: v for k, v in change.fields.items() if k != REMOVED_LABEL}
        if (held.get("pace") == REMOVED_PACE and "pace" in fields and fields["pace"] != REMOVED_PACE
                and "status" not in fields and held.get("status") not in (None, "")):
            fields["status"] = held["status"]
        change = replace(change, fields=fields)
        missing = {f: held[f] for f in CREATE_FIELDS if f not in change.fields and held.get(f) not in (None, "")}
        if "owner_email" in missing and self.owner_id(str(missing["owner_email"]).lower()) is None:
            del missing["owner_email"]      # a rep deactivated since pac set them: left as it is, no warning
        if missing:
            change = replace(change, fields={**change.fields, **missing})
        native = {f: change.fields[f] for f in TASK_NATIVE if f in change.fields}
        rest = WriteChange(change.target, change.key, {k: v for k, v in change.fields.items()
                                                       if k not in ("name", "text")})
        out = self._props(rest, TASK_PROPS)
        if isinstance(out, str):
            return out
        if "name" in native:
            out["hs_task_subject"] = fmt(None, native["name"])
        if "text" in native:
            out["hs_task_body"] = fmt(None, native["text"])
        if "window_end" in native:
            due = due_instant(native["window_end"], self.zone)
            out["hs_timestamp"] = fmt(Prop("hs_timestamp", "", "datetime", "date"), due)
        if "status" in native:
            status = fmt(None, native["status"])
            read = self.task_states.get(change.key)
            # a task whose hs_task_status already stands for the status (a manager's WAITING for in_progress, a
            # DEFERRED for cancelled, accepted into the plan) keeps it: pac_status alone says the action's status
            if read is None or task_status(read, status) != status:
                out["hs_task_status"] = TASK_STATUS.get(status, "NOT_STARTED")
        if removed:
            out["hs_task_status"] = "COMPLETED"
            if "hs_task_subject" in out:
                out["hs_task_subject"] = f"{removed} {out['hs_task_subject']}"
        return out

    # -- associations (see connectors.hubspot.associations) ------------------------------------------
    def _linked(self, what: str, step: Callable[[], list[LinkFailure]],
                involved: Callable[[], list[tuple[Target, str, str]]]) -> list[LinkFailure]:
        """The step's failed links; when the step itself fails (reading the axis records, listing them), a failure
        for each record ``involved`` (target, id, field), or one naming no record (a full reconciliation)."""
        try:
            return step()
        except LINK_ERRORS as exc:
            # (a link refused as not found or conflicting: an object archived or merged since it was read)
            log.warning("hubspot.write.links_failed what=%s error=%s", what, exc)
            records = involved()
            if not records:
                return [LinkFailure(Target.AXIS, None, "", f"{what}: {exc}")]
            return [LinkFailure(target, crm_id, field, f"{what}: {exc}") for target, crm_id, field in records]

    @staticmethod
    def _written(changes: Sequence[WriteChange], results: Sequence[WriteResult | None], target: Target,
                 field: str, keys: set[str] | None = None) -> list[tuple[Target, str, str]]:
        """(target, id, ``field``) of the accepted changes of ``target`` naming ``field`` (or whose key is in
        ``keys``)."""
        return [(target, str(r.crm_id), field) for c, r in zip(changes, results, strict=True)
                if c.target is target and r is not None and r.ok and r.crm_id
                and (c.key in keys if keys is not None else field in c.fields)]

    def _axis_records(self, keys: Iterable[str], changes: Sequence[WriteChange],
                      results: Sequence[WriteResult | None]) -> dict[str, str]:
        """pac_key -> pac_axis record id, from this write's results, else read by ``pac_key`` (100 per call), each
        key once per write (the companies' links and the actions' both ask)."""
        ids = self._axis_ids
        ids.update({c.key: str(r.crm_id) for c, r in zip(changes, results, strict=True)
                    if c.target is Target.AXIS and r is not None and r.ok and r.crm_id})
        unknown = sorted(set(keys) - set(ids) - self._axis_unknown)
        listed = self.records.get(self.axis_type or "")
        if unknown and listed is not None:      # every axis record of the portal, listed by this run's full pull
            ids.update({key: str(listed[key]["id"]) for key in unknown if key in listed})
            self._axis_unknown |= {key for key in unknown if key not in listed}
        elif unknown and self.axis_type:
            for obj in batch_read(self.transport, self.axis_type, unknown, [KEY], id_property=KEY):
                key = (obj.get("properties") or {}).get(KEY)
                if key:
                    ids[key] = str(obj["id"])
            self._axis_unknown |= set(unknown) - set(ids)
        return {k: v for k, v in ids.items() if k and v}

    def _axis_key(self, axis: str, changes: Sequence[WriteChange]) -> str | None:
        """An account's axis id as its record's key: through the plan id the pipeline gave, or already a key,
        or the one axis key of this write that ends with it."""
        if self.targets is not None or ":" in axis:
            return self.targets.key(axis) if self.targets is not None else axis
        found = [c.key for c in changes if c.target is Target.AXIS and c.key.rsplit(":", 1)[-1] == axis]
        return found[0] if len(found) == 1 else None

    def _over_cap(self) -> set[str]:
        if self.targets is None:
            return set()
        return {a for a, companies in self.targets.companies.items() if len(companies) > self.cap}

    def _link_axes(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> list[LinkFailure]:
        """Each company whose ``pac_axes`` changed is linked to exactly the axes (under the cap) that now
        target it: new links created, links to axes that left (or went over the cap) removed."""
        changed = {str(c.crm_id): parse_axes(c.fields.get("axes")) for c, r in zip(changes, results, strict=True)
                   if c.target is Target.ACCOUNT and r is not None and r.ok and c.crm_id and "axes" in c.fields}
        if not changed or not self.axis_type:
            return []
        over = self._over_cap()
        keys = {company: {k for a in axes if a not in over and (k := self._axis_key(a, changes))}
                for company, axes in changed.items()}
        ids = self._axis_records({k for ks in keys.values() for k in ks}, changes, results)
        failures = [LinkFailure(Target.ACCOUNT, company, "axes", f"link to the PAC axis {k}: no such record in HubSpot")
                    for company, ks in keys.items() for k in sorted(ks) if k not in ids]
        desired = {company: {ids[k] for k in ks if k in ids} for company, ks in keys.items()}
        for failed in self.links.settle("companies", self.axis_type, desired):
            failures.append(LinkFailure(Target.ACCOUNT, failed.from_id, "axes",
                                        f"links to the PAC axes that target it: {failed.error}"))
        return failures

    def _plan_records(self, object_type: str, properties: Sequence[str]) -> dict[str, dict[str, Any]]:
        """pac_key -> the plan's records of ``object_type`` (those whose key starts with the plan id): id, props;
        from this run's full pull (``records``: its search read every PAC record with these properties, and the
        upserts since are on it), else listed once per writer (the full reconciliation reads the axes for both kinds
        of links)."""
        assert self.targets is not None
        prefix = f"{self.targets.plan_id}:"
        if object_type not in self._listed and object_type in self.records:     # this run's full pull listed them
            self._listed[object_type] = {key: dict(record) for key, record in self.records[object_type].items()
                                         if key.startswith(prefix)}
        if object_type not in self._listed:
            out = {}
            for obj in list_objects(self.transport, object_type, [KEY, *properties]):
                props = obj.get("properties") or {}
                key = props.get(KEY)
                if key and str(key).startswith(prefix):
                    out[str(key)] = {"id": str(obj["id"]), **props}
            self._listed[object_type] = out
        return self._listed[object_type]

    def _settle_all_axes(self) -> list[LinkFailure]:
        """Full reconciliation: every axis record of the plan linked to exactly its targets (none over the cap,
        none for an axis that targets nothing or is no longer in force). A failed link is named by its company
        (its ``axes``, written again, links it again), or by none when the company is no axis's target any more
        (a link to remove: the next full reconciliation removes it). A link to an axis of the plan that has no
        record (its upsert failed) is a failure named by each company it targets, so their ``axes`` are sent again
        and link it once it exists (audit writefail F1)."""
        assert self.targets is not None and self.axis_type
        records = self._plan_records(self.axis_type, [])
        over = self._over_cap()
        desired, key_of = {}, {}
        for key, record in records.items():
            token = self.targets.token(key)
            companies = self.targets.companies.get(token, frozenset())
            desired[record["id"]] = set() if token in over else set(companies)
            key_of[record["id"]] = key
        targeted = set().union(*self.targets.companies.values()) if self.targets.companies else set()
        failures = []
        for token, companies in sorted(self.targets.companies.items()):    # an axis of the plan with no record
            key = self.targets.key(token)       # (its upsert failed): each company's link to it, by the company
            if token not in over and key.startswith(f"{self.targets.plan_id}:") and key not in records:
                failures += [LinkFailure(Target.ACCOUNT, company, "axes",
                                         f"link to the PAC axis {key}: no such record in HubSpot")
                             for company in sorted(companies)]
        for failed in self.links.settle(self.axis_type, "companies", desired):
            axis = key_of.get(failed.from_id, failed.from_id)
            if failed.to_id is not None and failed.to_id in targeted:
                failures.append(LinkFailure(Target.ACCOUNT, failed.to_id, "axes",
                                            f"link to the PAC axis {axis}: {failed.error}"))
            else:
                which = f"link to company {failed.to_id}" if failed.to_id else "links to its companies"
                failures.append(LinkFailure(Target.AXIS, None, "",
                                            f"PAC axis {axis}: {which}: {failed.error}"))
        return failures

    def _settle_all_actions(self) -> list[LinkFailure]:
        """Full reconciliation: every action record of the plan linked to exactly the axis record its
        ``pac_axis_key`` names. When that axis has no record (its upsert failed), the action is linked to none and
        the link is a failure named by the action: its ``axis_key`` is not recorded as written, so the next run sends
        it and links it once the axis exists (audit writefail F1: counted as made, it waited for a `--full`)."""
        assert self.action_type and self.axis_type
        axes = {key: record["id"] for key, record in self._plan_records(self.axis_type, []).items()}
        axis_prop, pace_prop = ACTION_PROPS["axis_key"].name, ACTION_PROPS["pace"].name
        actions = self._plan_records(self.action_type, [axis_prop, pace_prop])
        # an action no longer in the plan (pace "removed") is on no axis, though its pac_axis_key still names one
        gone = {a["id"] for a in actions.values() if a.get(pace_prop) == REMOVED_PACE}
        desired = {a["id"]: ({axes[a[axis_prop]]} if a.get(axis_prop) in axes and a["id"] not in gone else set())
                   for a in actions.values()}
        key_of = {a["id"]: key for key, a in actions.items()}
        failures = [LinkFailure(Target.ACTION, a["id"], "axis_key",
                                f"link to its axis {a[axis_prop]}: no such record in HubSpot")
                    for a in actions.values() if a.get(axis_prop) and a[axis_prop] not in axes and a["id"] not in gone]
        for failed in self.links.settle(self.action_type, self.axis_type, desired):
            failures.append(LinkFailure(Target.ACTION, failed.from_id, "pace" if failed.from_id in gone else "axis_key",
                                        f"link to its axis ({key_of.get(failed.from_id, failed.from_id)}): "
                                        f"{failed.error}"))
        return failures

    def _link_actions_to_axes(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]
                              ) -> list[LinkFailure]:
        """Each action written with its ``axis_key`` (new, or moved to another axis) linked to that axis only (to
        none, and reported, when the axis has no record in HubSpot: its upsert failed); an action removed from the
        plan linked to none, and one put back linked to its axis again (``_axis_link``)."""
        wanted: dict[str, tuple[str | None, str]] = {}      # action id -> (its axis key, None: none; the field)
        for c, r in zip(changes, results, strict=True):
            if c.target is Target.ACTION and r is not None and r.ok and r.crm_id:
                link = self._axis_link(c)
                if link is not None:
                    wanted[str(r.crm_id)] = link
        if not wanted or not self.action_type or not self.axis_type:
            return []
        ids = self._axis_records({key for key, _ in wanted.values() if key}, changes, results)
        failures = [LinkFailure(Target.ACTION, action, field, f"link to its axis {key}: no such record in HubSpot")
                    for action, (key, field) in wanted.items() if key and key not in ids]
        for failed in self.links.settle(self.action_type, self.axis_type,
                                        {action: ({ids[key]} if key and key in ids else set())
                                         for action, (key, _) in wanted.items()}):
            key, field = wanted[failed.from_id]
            failures.append(LinkFailure(Target.ACTION, failed.from_id, field,
                                        f"link to its axis {key}: {failed.error}" if key
                                        else f"removing its link to its axis (no longer in the plan): {failed.error}"))
        return failures

    def _axis_link(self, change: WriteChange) -> tuple[str | None, str] | None:
        """The axis an action change links its record to (None: to none) and the field that makes that link again
        when it fails (left unsent, so the next run sends it): its ``axis_key``; none, by its ``pace`` "removed", for
        an action no longer in the plan; its axis again, by its ``pace``, for one put back in the plan (what pac
        last wrote has pace "removed"). None when the change does not touch the link."""
        pace = change.fields.get("pace")
        if pace == REMOVED_PACE:
            return None, "pace"
        if change.fields.get("axis_key"):
            return str(change.fields["axis_key"]), "axis_key"
        row = self.written.get((change.target.value, change.key))
        held = getattr(row, "fields", None) or {}
        if "pace" in change.fields and held.get("pace") == REMOVED_PACE and held.get("axis_key"):
            return str(held["axis_key"]), "pace"
        return None

    def _link_actions_to_companies(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None],
                                   targets: Mapping[str, list[str]]) -> list[LinkFailure]:
        """Each written action's record (its task in fallback, else its ``pac_action`` object) linked to exactly
        the companies its change names (``companies``), none when they are more than the cap."""
        object_type = "tasks" if self.fallback else self.action_type
        if not targets or not object_type:
            return []
        desired = {str(r.crm_id): (set(targets[c.key]) if len(targets[c.key]) <= self.cap else set())
                   for c, r in zip(changes, results, strict=True)
                   if c.key in targets and c.target is Target.ACTION and r is not None and r.ok and r.crm_id}
        return [LinkFailure(Target.ACTION, failed.from_id, ACTION_COMPANIES,
                            f"link to company {failed.to_id}: {failed.error}" if failed.to_id
                            else f"links to its companies: {failed.error}")
                for failed in self.links.settle(object_type, "companies", desired)]

    def _write_deals(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> None:
        """Copy each written company's ``axes`` onto the deals whose primary company it is (``pac_axes``,
        ``pac_target`` in group PAC on deals): two associations reads per 1,000 ids, updates 100 per call.

        Only companies whose values changed are in ``changes``, so only their deals are written. A deal
        created later on an unchanged company gets the values when that company's axes next change. A
        failure (a missing ``crm.objects.deals.write`` scope, a 207 naming deals, a 409 or a 404 on a batch) is
        logged, never fatal (before audit hswrite F2, a 409 or a 404 went up and stopped the night's write).
        """
        axes_of = {str(c.crm_id): c.fields.get("axes") for c, r in zip(changes, results, strict=True)
                   if c.target is Target.ACCOUNT and r is not None and r.ok and c.crm_id and "axes" in c.fields}
        if not axes_of:
            return
        axes_prop, target_prop = DEAL_PROPS["axes"], DEAL_PROPS["target"]
        try:
            by_company = read_associations(self.transport, "companies", "deals", list(axes_of))
            deal_ids = sorted({str(to["toObjectId"]) for tos in by_company.values() for to in tos},
                              key=lambda i: (len(i), i))
            homes = read_associations(self.transport, "deals", "companies", deal_ids)
            inputs = []
            for deal in deal_ids:
                company = choose_company(homes.get(deal), "deals")
                if company in axes_of:
                    axes = axes_of[company]
                    inputs.append({"id": deal, "properties": {axes_prop.name: fmt(axes_prop, axes),
                                                              target_prop.name: "true" if axes else "false"}})
            failed = 0
            for batch in chunked(inputs, BATCH_WRITE):
                reply = self.transport.call("batch_update.deals", "objects.batch", "update", "deals",
                                            {"inputs": list(batch)})
                for error in (reply.data or {}).get("errors") or []:
                    failed += len((error.get("context") or {}).get("ids") or ())
                    log.warning("hubspot.write.deal_failed ids=%s error=%s",
                                (error.get("context") or {}).get("ids"), error.get("message"))
            log.info("hubspot.write.deals updated=%d failed=%d (their companies' axes copied onto them)",
                     len(inputs) - failed, failed)
        except (TransientError, RateLimited, BadRequest, Forbidden, Conflict, NotFound) as exc:
            # (a 409: another process writing a deal; a 404: a deal deleted since its associations were read)
            log.warning("hubspot.write.deals_failed error=%s", exc)

    # -- sending -----------------------------------------------------------------------------------
    def _send_tasks(self, batch: Sequence[tuple[int, WriteChange, dict[str, str]]]) -> list[tuple[int, WriteResult]]:
        """Fallback: a batch of action tasks, with no upsert (HubSpot documents unique-value properties, which an
        upsert's ``idProperty`` must be, for companies, deals, tickets, custom objects and contacts: not tasks).
        Each key's task is found (``_task_ids``): those found are updated by id, the others created, each input
        carrying its ``pac_key``. A create is sent only after a search found no task of its key, so a create whose
        answer was lost is found by the next run's search, not made twice. A task the update finds deleted (not
        found: 207 ``OBJECT_NOT_FOUND``, or a 404 once alone) is created again in the same call's wake, as the upsert
        did (its result ``created``: the pipeline sends the rest of it)."""
        found = self._task_ids([c.key for _, c, _ in batch])
        updates, creates = [], []
        for i, change, props in batch:
            task = found.get(change.key) or change.crm_id      # the search's, else the id pac last wrote to
            if task:
                updates.append((i, replace(change, crm_id=str(task)), props))
            else:
                creates.append((i, change, props))
        out: list[tuple[int, WriteResult]] = []
        if updates:
            self._gone.clear()
            by_index = {i: (i, change, props) for i, change, props in updates}
            for i, result in self._send("tasks", "update", updates):
                if not result.ok and str(result.crm_id) in self._gone:     # deleted by a rep: created again
                    _, change, props = by_index[i]
                    creates.append((i, replace(change, crm_id=None), props))
                    self.task_ids.pop(change.key, None)
                else:
                    out.append((i, result))
        if creates:
            out += self._send("tasks", "create", sorted(creates, key=lambda item: item[0]))
        for _, result in out:
            if result.ok and result.crm_id:
                self.task_ids[result.key] = str(result.crm_id)
        return sorted(out, key=lambda item: item[0])

    def _task_ids(self, keys: Sequence[str]) -> dict[str, str]:
        """pac_key -> its task's id: known to this run (found or written by it), else searched (``pac_key IN``, 100
        values per filter, only for a batch of tasks to write: a night that writes no task searches nothing). Two
        live tasks or more carrying one key (copied by hand, or made by two runs at once): the lowest id is pac's
        task, written to; the others are left as they are (a rep's notes may be there) and reported once per run,
        by a warning naming them. A key none holds is absent (its task is created)."""
        out = {key: self.task_ids[key] for key in keys if key in self.task_ids}
        wanted = sorted(set(keys) - set(out))
        held: dict[str, list[str]] = {}
        for chunk in chunked(wanted, MAX_VALUES):
            in_filter = [{"propertyName": KEY, "operator": "IN", "values": list(chunk)}]
            for obj in search_modified(self.transport, "tasks", [KEY], None, filters=in_filter):
                key = str((obj.get("properties") or {}).get(KEY) or "")
                if key in chunk:        # the exact key (HubSpot may compare text without case)
                    held.setdefault(key, []).append(str(obj["id"]))
        for key, ids in held.items():
            ids = sorted(set(ids), key=lambda i: (len(i), i))
            out[key] = self.task_ids[key] = ids[0]
            if len(ids) > 1 and key not in self.duplicates:
                self.duplicates[key] = ids[1:]
                log.warning("hubspot.write.duplicate_tasks key=%s written=%s others=%s (several live tasks carry this "
                            "pac_key: pac writes the lowest id; delete the others in HubSpot)", key, ids[0],
                            ",".join(ids[1:]))
        return out

    def _send(self, object_type: str, verb: str, batch: Sequence[tuple[int, WriteChange, dict[str, str]]]
              ) -> list[tuple[int, WriteResult]]:
        """One batch sent, one result per input. A 409 ``CONFLICT`` (another write to the same record, a unique value
        held) and a transient fault fail the batch's records, retryable; a 400 ``VALIDATION_ERROR``, and a 404 or 400
        ``OBJECT_NOT_FOUND`` (a record deleted since pac read it), are split until the inputs refused are alone
        (``_isolate``); any other refusal fails every record of the batch."""
        try:
            reply = self._call(object_type, verb, batch)
        except (TransientError, RateLimited, Conflict) as exc:
            return _failed(batch, str(exc), retryable=True)
        except (BadRequest, NotFound) as exc:
            if len(batch) > 1 and _invalid_input(exc):
                return self._isolate(object_type, verb, batch, exc)
            return self._refused(batch, exc)
        return self._results(object_type, verb, batch, reply)

    def _refused(self, batch: Sequence[tuple[int, WriteChange, dict[str, str]]], exc: BadRequest | NotFound
                 ) -> list[tuple[int, WriteResult]]:
        """Every record of ``batch`` refused with HubSpot's message; when that says its record does not exist (a
        lone input's 404 or 400 ``OBJECT_NOT_FOUND``), its id is noted as gone (``_send_tasks`` creates it again),
        and a company's failure is retryable, saying why (``_deleted_company``)."""
        if len(batch) == 1 and _not_found(exc) and batch[0][1].crm_id:
            self._gone.add(str(batch[0][1].crm_id))
            if batch[0][1].target is Target.ACCOUNT:
                return _failed(batch, _deleted_company(_refusal(exc)), retryable=True)
        return _failed(batch, _refusal(exc))

    def _call(self, object_type: str, verb: str, batch: Sequence[tuple[int, WriteChange, dict[str, str]]]) -> Reply:
        """The batch call. Each input carries a unique ``objectWriteTraceId`` (its ``pac_key``, or a company's id):
        the multi-status answer HubSpot documents for it names a refused input by it."""
        inputs: list[dict[str, Any]]
        if verb == "upsert":
            inputs = [{"id": c.key, "idProperty": KEY, "objectWriteTraceId": c.key, "properties": p}
                      for _, c, p in batch]
        elif verb == "create":      # a task: its properties hold its pac_key; its links are made after (the spec
            # requires ``associations``)
            inputs = [{"associations": [], "objectWriteTraceId": c.key, "properties": p} for _, c, p in batch]
        else:
            inputs = [{"id": c.crm_id, "objectWriteTraceId": str(c.crm_id), "properties": p} for _, c, p in batch]
        return self.transport.call(f"batch_{verb}.{object_type}", "objects.batch", verb, object_type,
                                   {"inputs": inputs})

    def _isolate(self, object_type: str, verb: str, batch: Sequence[tuple[int, WriteChange, dict[str, str]]],
                 refusal: BadRequest | NotFound) -> list[tuple[int, WriteResult]]:
        """A batch HubSpot refused whole as invalid (one bad input fails them all), split in halves sent again, each
        half refused whole split again, until each invalid input is alone: refused with HubSpot's own message, the
        others written. At most ``SPLIT_CALLS`` more calls; the inputs not isolated by then are refused with the
        batch's message (sent again next run)."""
        out: list[tuple[int, WriteResult]] = []
        todo: list[tuple[Sequence[tuple[int, WriteChange, dict[str, str]]], BadRequest | NotFound]] = [
            (batch, refusal)]
        calls = 0
        while todo:
            part, why = todo.pop()
            if len(part) == 1:
                out += self._refused(part, why)
                continue
            if calls + 2 > SPLIT_CALLS:
                out += _failed(part, f"{_refusal(why)} (HubSpot refused the whole batch; the invalid record was not "
                                     f"found among these {len(part)} within {SPLIT_CALLS} more calls)")
                continue
            half = len(part) // 2
            for piece in (part[:half], part[half:]):
                calls += 1
                try:
                    reply = self._call(object_type, verb, piece)
                except (TransientError, RateLimited, Conflict) as exc:
                    out += _failed(piece, str(exc), retryable=True)
                    continue
                except (BadRequest, NotFound) as exc:
                    if _invalid_input(exc) and len(piece) > 1:
                        todo.append((piece, exc))
                    else:
                        out += self._refused(piece, exc)
                    continue
                out += self._results(object_type, verb, piece, reply)
        refused = sum(1 for _, r in out if not r.ok)
        log.warning("hubspot.write.split what=batch_%s.%s inputs=%d refused=%d calls=%d (a 400 VALIDATION_ERROR "
                    "split until its invalid inputs were alone)", verb, object_type, len(batch), refused, calls)
        return sorted(out, key=lambda item: item[0])

    def _results(self, object_type: str, verb: str, batch: Sequence[tuple[int, WriteChange, dict[str, str]]],
                 reply: Reply) -> list[tuple[int, WriteResult]]:
        """The batch's results from HubSpot's answer (200, or 207 with ``errors`` naming records)."""
        # an input's id as HubSpot names it back: an upsert's or a create's pac_key (its objectWriteTraceId), an
        # update's record id (a company's, a task's)
        keyed = verb in ("upsert", "create")
        ids = {(c.key if keyed else str(c.crm_id)): c.key for _, c, _ in batch}
        data = reply.data or {}
        crm_ids: dict[str, str] = {}
        stamps: dict[str, datetime | None] = {}     # a company's updatedAt after this write: pac's own change
        created: set[str] = set()       # an upsert's records it created (its result's ``new``: true)
        for obj in data.get("results") or []:
            key = (obj.get("properties") or {}).get(KEY) if keyed else ids.get(str(obj.get("id")))
            key = key if key in ids.values() else ids.get(str(obj.get("objectWriteTraceId")))
            if key:
                crm_ids[key] = str(obj["id"])
                if verb == "create" or (verb == "upsert" and obj.get("new") is True):
                    created.add(key)
                if object_type == "companies":      # the one object pac both reads and writes
                    stamps[key] = parse_datetime(obj.get("updatedAt"))
        failed: dict[str, tuple[str, bool]] = {}
        unattributed: list[str] = []        # the batch's error messages that name none of its records
        for error in data.get("errors") or []:
            message = error.get("message") or error.get("category") or "refused"
            if fix := refused_option_fix(message):      # a portal provisioned before pac wrote that option
                message += f" ({fix})"
            context = error.get("context") or {}
            named = [ids[str(r)] for r in [*(context.get("ids") or []), *(context.get("objectWriteTraceId") or [])]
                     if str(r) in ids]
            category = str(error.get("category", "")).upper()
            for key in named:
                failed[key] = (message, category in RETRYABLE_CATEGORIES)
                if object_type == "companies" and category == "OBJECT_NOT_FOUND":
                    failed[key] = (_deleted_company(message), True)
            if verb == "update" and category == "OBJECT_NOT_FOUND":
                self._gone.update(str(r) for r in context.get("ids") or [] if str(r) in ids)
            if not named:
                unattributed.append(message)
        unconfirmed = "not confirmed by HubSpot (absent from the batch's results)"
        if unattributed:
            unconfirmed += ": " + "; ".join(dict.fromkeys(unattributed))
        out = []
        for i, change, _ in batch:
            if change.key in failed:
                message, retryable = failed[change.key]
                out.append((i, WriteResult(change.key, False, change.crm_id, message, retryable)))
            elif change.key in crm_ids:
                out.append((i, WriteResult(change.key, True, crm_ids[change.key],
                                           modified_at=stamps.get(change.key), created=change.key in created)))
            else:       # neither confirmed nor named: not written as far as pac knows, sent again next run
                out.append((i, WriteResult(change.key, False, change.crm_id, unconfirmed, retryable=True)))
        return out


def _failed(batch: Sequence[tuple[int, WriteChange, dict[str, str]]], error: str, *, retryable: bool = False
            ) -> list[tuple[int, WriteResult]]:
    """Every record of ``batch`` failed with ``error``."""
    return [(i, WriteResult(c.key, False, c.crm_id, error, retryable=retryable)) for i, c, _ in batch]


# the categories of a 400 by which HubSpot refuses a whole batch for some of its inputs: a value they hold, a record
# they name that no longer exists
INPUT_CATEGORIES = frozenset({"VALIDATION_ERROR", "OBJECT_NOT_FOUND"})


def _invalid_input(exc: BadRequest | NotFound) -> bool:
    """HubSpot refused the whole batch for some of its inputs: a 400 ``VALIDATION_ERROR`` (what they hold), a 404 or a
    400 ``OBJECT_NOT_FOUND`` (a record they name was deleted since pac read it: the status of that refusal is not
    documented, the multi-status answer being the batch create endpoints' only)."""
    if isinstance(exc, NotFound):
        return True
    body = exc.body if isinstance(exc.body, dict) else {}
    return str(body.get("category", "")).upper() in INPUT_CATEGORIES


def _not_found(exc: BadRequest | NotFound) -> bool:
    """HubSpot refused a record it does not hold (deleted): a 404, or a 400 ``OBJECT_NOT_FOUND``."""
    body = exc.body if isinstance(exc, BadRequest) and isinstance(exc.body, dict) else {}
    return isinstance(exc, NotFound) or str(body.get("category", "")).upper() == "OBJECT_NOT_FOUND"


def _deleted_company(message: str) -> str:
    """HubSpot's message refusing a company it does not hold: deleted since the night's read, nothing to fix in the
    portal (the next run lists it archived and retires it), so the failure is retryable (audit hsdocs F2: it said
    "sent again each night until fixed in the CRM")."""
    return f"{message} ({deleted_since_read('HubSpot')})"


def _refusal(exc: BadRequest | NotFound) -> str:
    """HubSpot's refusal, with the fix of a dropdown option the portal lacks."""
    fix = refused_option_fix(str(exc))
    return f"{exc} ({fix})" if fix else str(exc)
