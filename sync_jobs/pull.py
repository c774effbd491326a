"""Pull one connector's objects since their watermarks into the run's unit of work.

An object is read in full (a reconciliation) on its first run, when ``full`` is asked, or when the connector no
longer reads it as it did at its last full read (``Connector.reading``: the mapping or the connector's rules
changed, so the records stored must be normalised again). The periodic reconciliation is one night for all of a
connector's record objects: when ``reconciliation_days`` have passed since the oldest of their last full reads, or
when the last read of one is older than the CRM keeps its deletions for an incremental read to see
(``Connector.deletions_kept_days``: Salesforce's Recycle Bin, 15 days), every one is read in full, so a full read
of one object forced by a re-read (an exchange-rate update re-reads a Salesforce org's accounts and deals, not its
activities) does not leave the objects' weekly reconciliations on different nights for good. After a full read
the records the store holds but the CRM no longer returned are marked deleted. Otherwise only what changed since
the watermark is read (the connector subtracts its own overlap). Either read counts the records it finds deleted
(``PullOutcome.deleted``, the run's « deleted » column): those the store held live that the CRM handed over
flagged deleted, and after a full read those it did not return. The new watermark, the highest ``modified_at``
seen, is only returned here: the pipeline commits it with the run log. Where the records go is the unit of work's
business (``sync_jobs.unit_of_work``: the store, or a dry run's memory).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from connectors.base import RATES_MARK, Connector, HistoryRead, KeptRates, ManagerEdit, ObjectKind, PacListed
from pac_core.records import AccountChange, Activity, Deal, Record, Rejected
from sync_jobs.logs import event
from sync_jobs.store.tables import Watermark
from sync_jobs.unit_of_work import UnitOfWork

log = logging.getLogger("pac.sync")
ORDER = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS, ObjectKind.PAC_EDITS)


@dataclass
class PullOutcome:
    read: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    edits: list[tuple[str, ManagerEdit]] = field(default_factory=list)
    watermarks: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    full_objects: list[tuple[str, str]] = field(default_factory=list)
    readings: dict[tuple[str, str], str] = field(default_factory=dict)   # of the full reads: kept with them
    # kind -> the records the store held live that this pull found deleted (flagged deleted, or unseen by a full
    # read): counted once each, on any read; a full read records its kinds even with none
    deleted: dict[str, int] = field(default_factory=dict)
    # data-quality warnings of the connectors' pulls (``StoredRecords.warnings``), listed with the engine's
    warnings: list[Rejected] = field(default_factory=list)
    # the previous run's connector rejections, by (connector, object, CRM id): those this pull reads again (fixed,
    # deleted or rejected again) are dropped; the others still stand and are carried into this run's rejections
    standing: dict[tuple[str, str, str], Rejected] = field(default_factory=dict)
    # (connector, target) -> the keys of every PAC record of that kind a full read of the PAC records listed
    # (``PacListed``): a record pac wrote that is not among them was deleted in the CRM
    listed: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # connector -> the scope picklists' labels its CRM showed this run, where they differ from those kept
    # (``Connector.labels``): kept with the run when it gets through
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    # connector -> the dated exchange-rate rows it read this run (``KeepsRates``): kept with the run when it gets
    # through
    rates: dict[str, KeptRates] = field(default_factory=dict)
    # the (connector, object, CRM id) of ``rejected`` this pull's readings rejected (``reject``, ``read_well``)
    rejected_keys: set[tuple[str, str, str]] = field(default_factory=set)

    def reject(self, key: tuple[str, str, str], item: Rejected) -> None:
        """A reading of record ``key`` (connector, object, CRM id) that its connector rejected: the record's
        rejection, in place of any earlier reading's (audit reasonsfr F4). A record with no id (the Salesforce
        normaliser's ``?``) is no known record: each such reading is its own rejection."""
        if key[2] == "?":
            self.rejected.append(item)
            return
        self.read_well(key)
        self.rejected.append(item)
        self.rejected_keys.add(key)

    def read_well(self, key: tuple[str, str, str]) -> None:
        """A reading of record ``key`` that is a record: an earlier reading's rejection in this pull no longer holds.
        A pull may read a record twice (HubSpot reads again a record changed while pac pages, with its new stamp;
        a deal is read again by id when a line item changes): the last reading decides, so a record is rejected
        once, and not at all when it was fixed between the two readings."""
        if key in self.rejected_keys:
            self.rejected_keys.discard(key)
            self.rejected[:] = [r for r in self.rejected if (r.source, r.object, r.id) != key]


# the kinds whose stored record a rejection on an incremental read retires (``_retired_copy``)
RETIRED_WHEN_REJECTED = (ObjectKind.DEALS, ObjectKind.ACTIVITIES)


def _retired_copy(store: UnitOfWork, connector: str, kind: ObjectKind, item: Rejected) -> Iterator[Record]:
    """The stored live record a rejection on an incremental read names, deleted: it stops counting that night, as
    the next full read retires it (a rejected record is unseen: ``mark_unseen_deleted``), and as the rejection
    says (« in no figure »). Before 7 Dec 2026 a won deal counted the night before, then moved by an integration
    into a stage of another pipeline, stayed in the revenue on the incremental nights, was listed rejected beside
    it, and left it at the weekly full read (audit hsmulti: AX-69 17,000 on the night it was rejected, 12,000 at
    the full read). Deals and engagements only; nothing when the store holds none (one store read per rejection,
    a few a night). Read again fixed, the record is stored live as any other."""
    if kind not in RETIRED_WHEN_REJECTED or item.id == "?":
        return
    stored = store.stored_records(connector, kind.value, [item.id]).get(item.id)
    if isinstance(stored, Activity | Deal) and not stored.deleted:
        yield replace(stored, deleted=True)


# The margin under the CRM's retention of deletions: the last read's ``updated_at`` is when its run was committed, a
# little after the read itself (a run's length), and deletions made just after the read must still be readable.
DELETIONS_MARGIN = timedelta(days=1)
RECORD_KINDS = tuple(kind for kind in ORDER if kind is not ObjectKind.PAC_EDITS)


def needs_full(last_full_at: datetime | None, now: datetime, days: int, full: bool) -> bool:
    return full or last_full_at is None or now - last_full_at >= timedelta(days=days)


def deletions_lost(read_at: datetime | None, now: datetime, kept_days: int | None) -> bool:
    """Whether deletions made since an object's last read (committed at ``read_at``) may no longer be readable as
    deletions: the CRM keeps them ``kept_days`` (Salesforce: "After you have deleted records, the records are placed
    in the Recycle Bin for 15 days, after which they are permanently deleted", Apex Developer Guide, *Restoring
    Deleted Records*; queryAll: "After these records are permanently removed from the recycle bin, you can no longer
    query them"), so after an outage that long only a full read sees that they are gone. None: no such limit."""
    return (kept_days is not None and read_at is not None
            and now - read_at >= timedelta(days=kept_days) - DELETIONS_MARGIN)


def watermark_key(kind: ObjectKind, part: str | None) -> str:
    """The watermark's object name: the kind ("activities") when one CRM object holds it, else "kind:object"
    ("activities:Task", "activities:calls")."""
    return kind.value if part is None else f"{kind.value}:{part}"


def reread(kept: str | None, reading: str) -> bool:
    """Whether the records stored for an object were normalised otherwise than the connector reads them now (its
    mapping or its rules changed since the object's last full read, or that read kept no reading: a store written
    before readings were kept), so that a full read must normalise them again."""
    return bool(reading) and kept != reading


def rates_only(kept: str | None, reading: str) -> bool:
    """Whether ``kept`` and ``reading`` differ by their exchange rates' part only (``connectors.base.RATES_MARK``):
    the records stored are converted again (``Connector.rerate``), not read again."""
    if kept is None or RATES_MARK not in reading or RATES_MARK not in kept:
        return False
    return kept.partition(RATES_MARK)[0] == reading.partition(RATES_MARK)[0]


def edits_key(key: str, plan_id: str | None) -> str:
    """The watermark of the managers' edits as ``plan_id``'s runs read them (``pac_edits@PLAN``): each plan keeps
    its own, since a run takes its own plan's edits only; on the connector's one watermark, a plan's run read the
    other plan's later edits, moved it past an edit of the other plan, and that edit waited for the weekly full
    read (two business units on one portal, 5 Dec 2026)."""
    return key if plan_id is None else f"{key}@{plan_id}"


def pull_connector(store: UnitOfWork, connector: Connector, *, run_id: int | None, now: datetime,
                   reconciliation_days: int, full: bool, outcome: PullOutcome,
                   progress: Callable[..., None] | None = None, stop: Callable[[], None] | None = None,
                   plan_id: str | None = None) -> None:
    """Read every object of ``connector`` into ``store``; what was read, rejected and edited goes to ``outcome``.
    ``stop`` is called before each object it reads (it raises to stop the run: ``sync_jobs.interrupts``).
    ``plan_id``: the run's plan, whose own watermark the managers' edits are read from (``edits_key``)."""
    marks = store.watermarks(connector.name)
    plans: dict[ObjectKind, tuple[list[str | None], list[str], list[Watermark | None]]] = {}
    for kind in ORDER:
        # one watermark per CRM object: objects read one after the other each keep their own (``watermark_key``);
        # a kind held by one object reads it whole (part None); managers' edits one per plan too (``edits_key``,
        # starting from the connector's own of before, where the plan has none yet)
        parts = connector.parts(kind)
        named: list[str | None] = list(parts) if len(parts) > 1 else [None]
        shared = [watermark_key(kind, part) for part in named]
        keys = [edits_key(key, plan_id) if kind is ObjectKind.PAC_EDITS else key for key in shared]
        plans[kind] = (named, keys, [marks.get((connector.name, key)) or marks.get((connector.name, old))
                                     for key, old in zip(keys, shared, strict=True)])
    # the periodic reconciliation: every record object the same night (the module's docstring)
    known = [mark for kind in RECORD_KINDS for mark in plans[kind][2] if mark is not None]
    lost = any(deletions_lost(mark.updated_at, now, connector.deletions_kept_days) for mark in known)
    reconcile = full or lost or any(needs_full(mark.last_full_at, now, reconciliation_days, False) for mark in known)
    if lost and not full:
        event(log, "sync.reconcile", crm=connector.crm, connector=connector.name,
              why=f"the last read is older than the {connector.deletions_kept_days} days the CRM keeps deletions")
    for kind in ORDER:
        named, keys, kept = plans[kind]
        reading = connector.reading(kind) if kind is not ObjectKind.PAC_EDITS else ""
        # the parts of an object kind are read in full together: the records a full read did not see are retired
        # per kind (a Salesforce Event and a HubSpot meeting are both "activities")
        do_full = any(needs_full(mark.last_full_at if mark else None, now, reconciliation_days, full) for mark in kept)
        if kind is not ObjectKind.PAC_EDITS:
            do_full = do_full or reconcile
        stale = [mark for mark in kept if mark is not None and reread(mark.reading, reading)]
        if not do_full and stale and all(rates_only(mark.reading, reading) for mark in stale):
            # only the CRM's exchange rates changed (a daily rate feed): the stored records are converted again
            # where they are, as a full read would store them, without reading them (audit sfrates F1)
            n_rerated = store.rerate_records(connector.name, kind.value, connector.rerate, now=now)
            for key in keys:
                outcome.readings[(connector.name, key)] = reading
            event(log, "sync.rerate", crm=connector.crm, connector=connector.name, object=kind.value,
                  records=n_rerated, why="the CRM's exchange rates changed, the records did not")
        elif not do_full and stale:
            do_full = True
            event(log, "sync.reread", crm=connector.crm, connector=connector.name, object=kind.value,
                  why="the mapping or the connector's rules changed since the last full read")
        n = [0]
        for part, key, mark in zip(named, keys, kept, strict=True):
            if stop is not None:
                stop()
            # the watermark is passed on a full read too: the connector reads everything (``full``) and may use it
            # to tell what changed since (Salesforce notes the accounts merged since, ``SalesforceConnector.pull``)
            since = None if mark is None else mark.value
            top: list[datetime | None] = [mark.value if mark else None]
            history: list[AccountChange] = []     # the state changes the CRM kept (a full read of the accounts)
            read: list[HistoryRead] = []          # the accounts whose kept history that read read

            def records(kind: ObjectKind = kind, part: str | None = part, top: list[datetime | None] = top,
                        since: datetime | None = since, do_full: bool = do_full, n: list[int] = n,
                        history: list[AccountChange] = history, read: list[HistoryRead] = read
                        ) -> Iterator[Record]:
                edited: set[tuple[str, str]] = set()     # the PAC records behind the edit values: one read each
                for item in connector.pull(kind, since, full=do_full, part=part):
                    if isinstance(item, PacListed):     # no record: which PAC records the CRM holds
                        outcome.listed[(connector.name, item.target.value)] = item.keys
                        continue
                    if isinstance(item, AccountChange):     # no record: a change of an account's state before
                        history.append(item)
                        continue
                    if isinstance(item, HistoryRead):       # no record: whose history that was (read once)
                        read.append(item)
                        continue
                    if isinstance(item, ManagerEdit):
                        if (item.target.value, item.key) not in edited:
                            edited.add((item.target.value, item.key))
                            n[0] += 1
                    else:
                        n[0] += 1
                    if outcome.standing:
                        outcome.standing.pop((connector.name, kind.value, str(getattr(item, "id", ""))), None)
                    stamp = getattr(item, "modified_at", None)
                    if stamp is not None and (top[0] is None or stamp > top[0]):
                        top[0] = stamp
                    if isinstance(item, Rejected):
                        outcome.reject((item.source, item.object, item.id), item)
                        if not do_full:
                            yield from _retired_copy(store, connector.name, kind, item)
                    elif isinstance(item, ManagerEdit):
                        outcome.edits.append((connector.name, item))
                    else:
                        outcome.read_well((connector.name, kind.value, str(item.id)))
                        yield item
                    if progress and n[0] % 500 == 0:
                        progress("pull", connector=connector.name, object=kind.value, done=n[0])

            # a record handed over deleted (Salesforce's queryAll, HubSpot's archived lists) is counted on any read,
            # once: when the store held it live (audit opscounts)
            for retired, gone in store.upsert_records(connector.name, records(), run_id=run_id,
                                                      now=now).deleted.items():
                outcome.deleted[retired] = outcome.deleted.get(retired, 0) + gone
            if history or read:     # after the accounts are stored: where the store knows no change of its own
                store.record_history(connector.name, history, run_id=run_id, now=now, read=read)
            outcome.watermarks[(connector.name, key)] = top[0]
            if do_full:
                outcome.full_objects.append((connector.name, key))
                outcome.readings[(connector.name, key)] = reading
        if do_full and kind is not ObjectKind.PAC_EDITS:
            for seen in [k for k in outcome.standing if k[:2] == (connector.name, kind.value)]:
                del outcome.standing[seen]    # a full read saw every record of the kind: not seen is gone
            gone = store.mark_unseen_deleted(connector.name, kind.value, run_id, now)
            outcome.deleted[kind.value] = outcome.deleted.get(kind.value, 0) + gone
        outcome.read[kind.value] = outcome.read.get(kind.value, 0) + n[0]
        if progress:
            progress("pull", connector=connector.name, object=kind.value, done=n[0], finished=True)
        # pac_edits: every PAC record read back, pac's own values among them; the run counts those a person changed,
        # once the plan state is decided (``sync.plan_edits changed_by_people=``, the table's « read »): named apart
        # so the line is not read as the table's figure (audit newcomer3 L6)
        counted = "pac_records" if kind is ObjectKind.PAC_EDITS else "records"
        event(log, "sync.pull", crm=connector.crm, connector=connector.name, object=kind.value,
              **{counted: n[0]}, full=do_full)
