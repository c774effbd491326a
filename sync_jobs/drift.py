"""Drift repair: a PAC field read back from a CRM that differs both from what it should be and from what pac last
wrote there is sent again, unless an automation of the CRM is what keeps changing it (docs/sync.md, *Drift repair*).

A hand change to a computed field (or a refused or automated change to an editable one) is forgotten from "last
written" to that CRM, in the run's copy and in the store, so the diff sends it again and a write that fails is sent
again by the next run. What pac found and what it wrote back are kept with the last-written row (``RESTORED``:
logical field -> ``{"found": the CRM's value, "to": pac's value, "held": bool}``).

**An automation that rewrites pac's value** (a Salesforce trigger or record-triggered flow running as pac's
integration user, a HubSpot workflow or another app): pac restores the value once; when the next read shows the
same CRM value again, right after pac's accepted write of its own value (the row holds it again), and the CRM says
pac's own user or an app set it (Salesforce ``LastModifiedById``, HubSpot's property history naming no user), the
value is **held**: not restored again, reported once per (record, field) among the run's errors with what to do
(exclude the PAC objects or the integration user from the automation), which makes that run ``partial``. While
held, a value the same automation sets is left as the CRM holds it (no write, no line); the figures pac's diff sends
anyway (a value that moved) are written as any change. The night a full read lists the PAC records (the periodic
reconciliation, ``pac sync --full``), a held value is sent once more: once the automation is gone, the next read
finds pac's value and the field is no longer held. A person's change (another user) is restored as ever.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import SimpleNamespace
from typing import Any

from connectors.base import RESTORED, PacValue, Target
from sync_jobs import overrides as plan_state


class DriftKind(Enum):
    RESTORE = "restore"  # sent again (a hand change, or the first time an automation's)
    RETRY = "retry"  # held, sent once more on a night that lists every PAC record
    HELD = "held"  # held from this run on: reported once
    KEPT = "kept"  # held already: left as the CRM holds it, nothing said


@dataclass(frozen=True)
class Drift:
    """One PAC field a CRM shows differing from what it should be and from what pac last wrote there."""

    connector: str
    crm: str  # "salesforce" | "hubspot"
    target: Target
    key: str
    crm_id: str | None
    field: str  # the logical field (``progress_pct``)
    crm_field: str  # the CRM's name for it (``PAC_Progress_Pct__c``), "" when the connector gave none
    found: Any  # the CRM's value
    want: Any  # the value pac writes
    kind: DriftKind

    def line(self, outcome: str = "restored") -> str:
        """The ``restored: …`` line (``pac sync``'s), ``outcome`` being how the write went: ``restored`` (written
        back), ``would be restored`` (a dry run) or ``not restored`` (the write failed: sent again next run)."""
        if self.field == "owner_email":
            return (
                f"{self.connector} {self.key} owner: {self.found} in the CRM, {outcome} to {self.want} (the plan "
                "decides who owns an action: to hand it over, change `who` in the plan)"
            )
        text = f"{self.connector} {self.key} {self.field}: {self.found!r} in the CRM, {outcome} to {self.want!r}"
        if self.kind is DriftKind.RETRY:
            text += (
                " (tried again on the night that reads every PAC record: an automation had rewritten it after "
                "pac's writes)"
            )
        return text

    def held_line(self, wrote: Any) -> str:
        """The run's error for a value an automation rewrites after pac writes it (said once)."""
        name = self.crm_field or self.field
        if self.crm == "salesforce":
            who = (
                f"an automation in the org (an Apex trigger, a flow or a process) rewrites {name} after pac writes "
                "it, as pac's own integration user"
            )
            fix = "exclude the PAC objects or pac's integration user from it"
        else:
            who = f"an automation in the portal (a workflow or another app) rewrites {name} after pac writes it"
            fix = "exclude the PAC objects from it"
        return (
            f"{self.connector} {self.key} {self.field}: {who} ({wrote!r} written, {self.found!r} in the CRM "
            f"again): {fix}; pac no longer restores it (a full read, `pac sync --full` or the weekly one, tries "
            "it again)"
        )


@dataclass
class Repair:
    """What drift repair decided: ``rows``, the last-written rows without the fields to send again; the drifts found
    (every kind); ``states``, per connector, the new ``RESTORED`` value of each record whose state changes
    (``(target, key, crm id) -> dict``, empty: none left); ``wrote``, per held drift, what pac last wrote."""

    rows: dict[str, dict[tuple[str, str], Any]]
    drifts: list[Drift] = field(default_factory=list)
    states: dict[str, dict[tuple[str, str, str | None], dict[str, Any]]] = field(default_factory=dict)
    wrote: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    # per (connector, plan e-mail, its active e-mails there): the records (key, owner in the CRM) left with another
    # owner because none of the person's active users there can own PAC records (``unowned_lines``)
    unowned: dict[tuple[str, str, str], list[tuple[str, str]]] = field(default_factory=dict)

    def of(self, *kinds: DriftKind) -> list[Drift]:
        return [d for d in self.drifts if d.kind in kinds]

    @property
    def lines(self) -> list[str]:
        """The lines of the values sent again, as they read before the write."""
        return [d.line() for d in self.of(DriftKind.RESTORE, DriftKind.RETRY)]

    def held_lines(self) -> list[str]:
        return [d.held_line(self.wrote.get((d.connector, d.key, d.field))) for d in self.of(DriftKind.HELD)]

    def unowned_lines(self) -> list[str]:
        """One warning per person whose records another user owns in a CRM where none of her active users can own
        them: not given back (no write, no « restored » line), said once for all her records."""
        out = []
        for (connector, person, live), items in sorted(self.unowned.items()):
            keys = ", ".join(key for key, _found in sorted(items))
            found = ", ".join(sorted({owner for _key, owner in items}))
            out.append(f"{connector}: {person}'s PAC records {keys} are owned by {found} in the CRM and pac does not "
                       f"give them back: none of the active users of {live} can own PAC records (a Chatter Free or "
                       "portal user cannot own a custom object's record). Give this person a user that can "
                       "(Salesforce: a Standard licence), or hand the actions over by changing `who` in the plan")
        return out


def _logical(item: Any) -> str:
    return item.field if isinstance(item, PacValue) else plan_state.LOGICAL.get(item.field, item.field)


def _owner_asks(observed: Sequence[tuple[str, Any]], desired: Mapping[tuple[Target, str], Mapping[str, Any]],
                active: Mapping[str, set[str]], emails_of: Callable[[str], frozenset[str]]) -> dict[str, set[str]]:
    """Per connector, the active e-mails of the people some of whose records another user owns there: what the
    connector is asked about (once per connector, only on a night with such a record)."""
    out: dict[str, set[str]] = {}
    for connector, item in observed:
        want = desired.get((item.target, item.key), {}).get("owner_email")
        if _logical(item) != "owner_email" or want is None:
            continue
        people = emails_of(str(want))
        live = people & active.get(connector, set())
        if live and str(item.value or "").lower() not in people:
            out.setdefault(connector, set()).update(live)
    return out


def drifted(
    written: Mapping[str, Mapping[tuple[str, str], Any]],
    observed: Sequence[tuple[str, Any]],
    desired: Mapping[tuple[Target, str], Mapping[str, Any]],
    routes: Mapping[str, set[tuple[Target, str]]],
    *,
    active: Mapping[str, set[str]] | None = None,
    emails_of: Callable[[str], frozenset[str]] | None = None,
    crms: Mapping[str, str] | None = None,
    listed: Collection[str] = (),
    able: Callable[[str, Collection[str]], Mapping[str, str] | None] | None = None,
) -> Repair:
    """Drift repair (see the module docstring): a PAC field whose value read from a CRM differs both from what it
    should be and from what pac last wrote there is forgotten from "last written" to that CRM (``Repair.rows``), so
    the diff sends it again, unless an automation is found rewriting it (held). Compared with the CRM's actual value,
    not only with pac's checkpoint. A CRM still holding what pac last wrote is no drift: the figure moved (a night's
    progress, a plan or mapping edit) and the diff writes it as any change; a held field read back holding pac's
    value is no longer held. ``listed``: the connectors whose PAC records were all read this run (a held value is
    tried again there). ``crms``: connector -> its CRM (the words of the report).

    The owner (``owner_email``, read back as the owner's e-mail): the plan's ``who`` is the truth, so a record
    reassigned in the CRM (Salesforce Change Owner, Mass Transfer Records) is given back to the rep, with a line
    naming the fix (change ``who`` in the plan). Any e-mail of the person (``emails_of``: their aliases) is the same
    owner; a rep with no active user in that CRM (``active``: its active users' e-mails) cannot own it: the record
    is left as it is. Nor is it given back when none of the rep's active users there may own PAC records (``able``,
    ``owner_choice.able_of``: the connector's answer the write-back's choice uses; Salesforce: a Chatter Free or
    portal user alone): no write, no « restored » line, one warning per person (``Repair.unowned_lines``; audit
    leftowner: it was sent again, refused and said every night)."""
    out = Repair({n: dict(rows) for n, rows in written.items()})
    fit: dict[str, Mapping[str, str] | None] = {}
    if able is not None and active is not None and emails_of is not None:
        fit = {name: able(name, sorted(emails)) for name, emails in _owner_asks(observed, desired, active,
                                                                                 emails_of).items()}
    states: dict[tuple[str, str, str], dict[str, Any]] = {}  # (connector, target, key) -> RESTORED, as changed
    crm_ids: dict[tuple[str, str, str], str | None] = {}
    for connector, item in observed:
        logical = _logical(item)
        want = desired.get((item.target, item.key))
        if want is None or logical not in want or (item.target, item.key) not in routes.get(connector, ()):
            continue
        rows = out.rows.get(connector)
        row = rows.get((item.target.value, item.key)) if rows is not None else None
        if row is None or logical not in row.fields:
            continue
        at = (connector, item.target.value, item.key)
        state = states.get(at)
        if state is None:
            state = dict(row.fields.get(RESTORED) or {})
        before: dict[str, Any] = state.get(logical) or {}
        if plan_state.same(item.value, want[logical]) or plan_state.same(item.value, row.fields[logical]):
            if before and plan_state.same(item.value, row.fields[logical]):
                state.pop(logical)  # the CRM keeps pac's value: whatever rewrote it no longer does
                states[at], crm_ids[at] = state, row.crm_id
            continue
        if logical == "owner_email":
            people = emails_of(str(want[logical])) if emails_of is not None else frozenset({str(want[logical])})
            if str(item.value or "").lower() in people or active is None or not people & active.get(connector, set()):
                continue
            live = people & active.get(connector, set())
            can = fit.get(connector)
            if can is not None and not live & {e.lower() for e in can}:
                out.unowned.setdefault((connector, str(want[logical]), ", ".join(sorted(live))), []).append(
                    (item.key, str(item.value or "")))
                continue
        held = bool(
            before
            and item.by_integration
            and (
                before.get("held")
                or (
                    plan_state.same(item.value, before.get("found"))
                    and plan_state.same(row.fields[logical], before.get("to"))
                )
            )
        )
        if held and before.get("held") and connector not in listed:
            kind = DriftKind.KEPT
        elif held and before.get("held"):
            kind = DriftKind.RETRY
        elif held:
            kind = DriftKind.HELD
        else:
            kind = DriftKind.RESTORE
        drift = Drift(
            connector,
            (crms or {}).get(connector, ""),
            item.target,
            item.key,
            row.crm_id,
            logical,
            getattr(item, "crm_field", "") or "",
            item.value,
            want[logical],
            kind,
        )
        out.drifts.append(drift)
        if kind in (DriftKind.KEPT, DriftKind.HELD):
            if kind is DriftKind.HELD:
                out.wrote[(connector, item.key, logical)] = row.fields[logical]
                state[logical] = {**before, "held": True}
                states[at], crm_ids[at] = state, row.crm_id
            continue
        # held stays held: a person's change is restored, and the automation's rewrite after it is left alone
        state[logical] = {"found": item.value, "to": want[logical], "held": bool(before and before.get("held"))}
        states[at], crm_ids[at] = state, row.crm_id
        fields = {k: v for k, v in row.fields.items() if k != logical}
        rows[(item.target.value, item.key)] = SimpleNamespace(crm_id=row.crm_id, fields=fields)  # type: ignore[index]
    for (connector, target, key), state in states.items():
        out.states.setdefault(connector, {})[(target, key, crm_ids[(connector, target, key)])] = state
    return out
