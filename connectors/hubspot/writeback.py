"""PAC results -> HubSpot batch upserts and updates, 100 records per call, changes only.

* axes and actions: batch upsert on the custom objects by the unique ``pac_key`` (idempotent: the
  same change written twice leaves one record); in fallback mode actions become tasks upserted by
  ``pac_key`` and axes are not stored in HubSpot (the report shows them);
* accounts: batch update of the company's PAC properties by its id (never created);
* owner: ``owner_email`` becomes ``hubspot_owner_id`` through the owners API; an e-mail that is no owner of
  the portal (yet) is left out with a warning and named in the result's ``unsent``, so it is not recorded as
  written and is sent again on the next run;
* a record is written only when the answer's ``results`` hold it (an upsert's result by its ``pac_key``
  property, an update's by its id): a 207 multi-status error naming it (``context.ids``) fails it with that
  message; any other record is a retryable failure "not confirmed by HubSpot" carrying the batch's error
  messages that name no record of it; a whole batch refused by a transient fault is retryable on the next run;
* associations (action -> axis, axis -> companies, action -> companies) follow the plan both ways: see
  ``connectors.hubspot.associations``.

Only properties declared in ``connectors.hubspot.schema`` are ever written: a change naming any other
field is refused (its result says which field), and nothing of that record is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from more_itertools import chunked

from connectors.base import (
    RateLimited,
    Target,
    TransientError,
    WriteChange,
    WriteResult,
    nothing_sent,
    nothing_to_send,
)
from connectors.hubspot.associations import DEFAULT_CAP, AxisTargets, Links, choose_company, parse_axes
from connectors.hubspot.normalise import parse_datetime
from connectors.hubspot.reads import batch_read, list_objects, read_associations
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
)
from connectors.hubspot.transport import BadRequest, Conflict, Forbidden, HubSpotTransport, NotFound

log = logging.getLogger(__name__)

BATCH_WRITE = 100
RETRYABLE_CATEGORIES = {"CONFLICT", "RATE_LIMITS", "INTERNAL_ERROR", "LOCKED", "CONCURRENT_MODIFICATION"}


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
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).date().isoformat() if kind == "date" else str(int(value.timestamp() * 1000))
    if isinstance(value, date):
        if kind == "date":
            return value.isoformat()
        return str(int(datetime.combine(value, time(), UTC).timestamp() * 1000))
    if isinstance(value, float):
        if abs(value) >= 1e15:
            return str(int(value))
        # every digit up to 6 decimals ("g" kept 6 significant digits: 58340.18 became 58340.2)
        return f"{round(value, 6):.6f}".rstrip("0").rstrip(".") or "0"
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


def due_instant(value: Any) -> Any:
    """A task's due instant (``hs_timestamp``) for the action's last day: noon UTC of that day. HubSpot shows the
    instant in each user's own timezone; noon UTC is that same calendar day from UTC-11 to UTC+11, where midnight
    UTC was the day before anywhere west of UTC. (The write-back gives the day only, not the plan's timezone; and
    the end of the day in the plan's timezone would be the next day for users east of it.) An instant is kept."""
    day = _iso(value) if isinstance(value, str) else value
    if isinstance(day, date) and not isinstance(day, datetime):
        return datetime.combine(day, time(12), UTC)
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


class Writer:
    """One ``write()`` call's work; ``owner_id`` resolves e-mails, ``object_type`` names HubSpot types."""

    def __init__(self, transport: HubSpotTransport, *, fallback: bool, owner_id: Callable[[str], str | None],
                 axis_type: str | None, action_type: str | None, targets: AxisTargets | None = None,
                 cap: int = DEFAULT_CAP, full: bool = False, links: Links | None = None) -> None:
        self.transport, self.fallback, self.owner_id = transport, fallback, owner_id
        self.axis_type, self.action_type = axis_type, action_type
        self.targets, self.cap, self.full = targets, cap, full       # associations: the plan's targets, the cap
        self.links = links or Links(transport)

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
        for (object_type, verb), items in groups.items():
            for batch in chunked(items, BATCH_WRITE):
                for i, result in self._send(object_type, verb, batch):
                    results[i] = result.with_unsent(unsent.get(i, frozenset()))
        if not self.fallback:
            if self.full:
                self._linked("axis_companies", lambda: self._settle_all_axes(changes, results))
            else:
                self._linked("axis_companies", lambda: self._link_axes(changes, results))
            self._linked("action_axis", lambda: self._link_actions_to_axes(changes, results))
        self._linked("action_companies", lambda: self._link_actions_to_companies(changes, results, targets))
        if self.fallback:   # with custom objects, axes live on pac_axis records associated to companies
            self._write_deals(changes, results)
        return [r if r is not None else WriteResult(c.key, False, error="not written")
                for r, c in zip(results, changes, strict=True)]

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
            return ("tasks", "upsert"), self._task_props(change)
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
            out["hs_timestamp"] = fmt(Prop("hs_timestamp", "", "datetime", "date"), due_instant(native["window_end"]))
        if "status" in native:
            out["hs_task_status"] = TASK_STATUS.get(fmt(None, native["status"]), "NOT_STARTED")
        return out

    # -- associations (see connectors.hubspot.associations) ------------------------------------------
    def _linked(self, what: str, step: Callable[[], None]) -> None:
        try:
            step()
        except (TransientError, RateLimited, BadRequest, Forbidden, NotFound, Conflict, LookupError) as exc:
            # (a link refused as not found or conflicting: an object archived or merged since it was read)
            log.warning("hubspot.write.%s_failed error=%s (retried with the next change or reconciliation)",
                        what, exc)

    def _axis_records(self, keys: Iterable[str], changes: Sequence[WriteChange],
                      results: Sequence[WriteResult | None]) -> dict[str, str]:
        """pac_key -> pac_axis record id, from this write's results, else read by ``pac_key`` (100 per call)."""
        ids = {c.key: r.crm_id for c, r in zip(changes, results, strict=True)
               if c.target is Target.AXIS and r is not None and r.ok and r.crm_id}
        unknown = sorted(set(keys) - set(ids))
        if unknown and self.axis_type:
            for obj in batch_read(self.transport, self.axis_type, unknown, [KEY], id_property=KEY):
                key = (obj.get("properties") or {}).get(KEY)
                if key:
                    ids[key] = str(obj["id"])
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

    def _link_axes(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> None:
        """Each company whose ``pac_axes`` changed is linked to exactly the axes (under the cap) that now
        target it: new links created, links to axes that left (or went over the cap) removed."""
        changed = {str(c.crm_id): parse_axes(c.fields.get("axes")) for c, r in zip(changes, results, strict=True)
                   if c.target is Target.ACCOUNT and r is not None and r.ok and c.crm_id and "axes" in c.fields}
        if not changed or not self.axis_type:
            return
        over = self._over_cap()
        keys = {company: {k for a in axes if a not in over and (k := self._axis_key(a, changes))}
                for company, axes in changed.items()}
        ids = self._axis_records({k for ks in keys.values() for k in ks}, changes, results)
        self.links.settle("companies", self.axis_type,
                          {company: {ids[k] for k in ks if k in ids} for company, ks in keys.items()})

    def _settle_all_axes(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> None:
        """Full reconciliation: every axis record of the plan linked to exactly its targets (none over the cap,
        none for an axis that targets nothing or is no longer in force)."""
        if self.targets is None or not self.axis_type:
            return
        prefix = f"{self.targets.plan_id}:"
        records = {(obj.get("properties") or {}).get(KEY): str(obj["id"])
                   for obj in list_objects(self.transport, self.axis_type, [KEY])}
        over = self._over_cap()
        desired = {}
        for key, record in records.items():
            if not key or not key.startswith(prefix):
                continue
            companies = self.targets.companies.get(key[len(prefix):], frozenset())
            desired[record] = set() if key[len(prefix):] in over else set(companies)
        self.links.settle(self.axis_type, "companies", desired)

    def _link_actions_to_axes(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> None:
        """Each action written with its ``axis_key`` (new, or moved to another axis) linked to that axis only."""
        wanted = {r.crm_id: str(c.fields["axis_key"]) for c, r in zip(changes, results, strict=True)
                  if c.target is Target.ACTION and r is not None and r.ok and r.crm_id and c.fields.get("axis_key")}
        if not wanted or not self.action_type or not self.axis_type:
            return
        ids = self._axis_records(set(wanted.values()), changes, results)
        self.links.settle(self.action_type, self.axis_type,
                          {action: ({ids[key]} if key in ids else set()) for action, key in wanted.items()})

    def _link_actions_to_companies(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None],
                                   targets: Mapping[str, list[str]]) -> None:
        """Each written action's record (its task in fallback, else its ``pac_action`` object) linked to exactly
        the companies its change names (``companies``), none when they are more than the cap."""
        object_type = "tasks" if self.fallback else self.action_type
        if not targets or not object_type:
            return
        desired = {str(r.crm_id): (set(targets[c.key]) if len(targets[c.key]) <= self.cap else set())
                   for c, r in zip(changes, results, strict=True)
                   if c.key in targets and c.target is Target.ACTION and r is not None and r.ok and r.crm_id}
        self.links.settle(object_type, "companies", desired)

    def _write_deals(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> None:
        """Copy each written company's ``axes`` onto the deals whose primary company it is (``pac_axes``,
        ``pac_target`` in group PAC on deals): two associations reads per 1,000 ids, updates 100 per call.

        Only companies whose values changed are in ``changes``, so only their deals are written. A deal
        created later on an unchanged company gets the values when that company's axes next change. A
        failure (a missing ``crm.objects.deals.write`` scope, a 207 naming deals) is logged, never fatal.
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
        except (TransientError, RateLimited, BadRequest, Forbidden) as exc:
            log.warning("hubspot.write.deals_failed error=%s", exc)

    # -- sending -----------------------------------------------------------------------------------
    def _send(self, object_type: str, verb: str, batch: Sequence[tuple[int, WriteChange, dict[str, str]]]
              ) -> list[tuple[int, WriteResult]]:
        body: dict[str, list[dict[str, Any]]]
        if verb == "upsert":
            body = {"inputs": [{"id": c.key, "idProperty": KEY, "properties": p} for _, c, p in batch]}
            ids = {c.key: c.key for _, c, _ in batch}
        else:
            body = {"inputs": [{"id": c.crm_id, "properties": p} for _, c, p in batch]}
            ids = {str(c.crm_id): c.key for _, c, _ in batch}
        try:
            reply = self.transport.call(f"batch_{verb}.{object_type}", "objects.batch", verb, object_type, body)
        except (TransientError, RateLimited) as exc:
            return [(i, WriteResult(c.key, False, c.crm_id, str(exc), retryable=True)) for i, c, _ in batch]
        except BadRequest as exc:
            return [(i, WriteResult(c.key, False, c.crm_id, str(exc))) for i, c, _ in batch]
        data = reply.data or {}
        crm_ids: dict[str, str] = {}
        stamps: dict[str, datetime | None] = {}     # a company's updatedAt after this write: pac's own change
        for obj in data.get("results") or []:
            key = (obj.get("properties") or {}).get(KEY) if verb == "upsert" else ids.get(str(obj.get("id")))
            if key:
                crm_ids[key] = str(obj["id"])
                if object_type == "companies":      # the one object pac both reads and writes
                    stamps[key] = parse_datetime(obj.get("updatedAt"))
        failed: dict[str, tuple[str, bool]] = {}
        unattributed: list[str] = []        # the batch's error messages that name none of its records
        for error in data.get("errors") or []:
            message = error.get("message") or error.get("category") or "refused"
            named = [ids[str(r)] for r in (error.get("context") or {}).get("ids") or [] if str(r) in ids]
            for key in named:
                failed[key] = (message, str(error.get("category", "")).upper() in RETRYABLE_CATEGORIES)
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
                                           modified_at=stamps.get(change.key))))
            else:       # neither confirmed nor named: not written as far as pac knows, sent again next run
                out.append((i, WriteResult(change.key, False, change.crm_id, unconfirmed, retryable=True)))
        return out
