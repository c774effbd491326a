"""What PAC records are linked to in HubSpot, kept equal to the plan (associations v4).

* each **action** record is linked to its **axis** record (``pac_action`` -> ``pac_axis``, the association
  definition provisioning creates), so the axis shows its actions and the action its axis;
* each **axis** record is linked to the **companies** it targets, while it targets at most
  ``companies_per_axis`` of them (mapping ``writeback.companies_per_axis``, default 1,000): an axis over that
  cap is linked to none (a record's association card would list thousands of companies and HubSpot caps a
  record's associations to one object type, configurable up to 10,000); its companies still carry ``pac_axes``
  and ``pac_target``, which saved views filter on;
* an **action** whose change names companies (``companies``) is linked to them, under the same cap.

Links follow the plan both ways: missing ones are created (``POST /crm/v4/associations/{from}/{to}/batch/
create`` with the pair's association type, read from ``GET /crm/v4/associations/{from}/{to}/labels``), links to
what the plan no longer targets are removed (``batch/archive``): a company that leaves an axis's scope loses
its link on the night its ``pac_axes`` changes. On a full reconciliation (the first sync, then every
``reconciliation_days``) every axis's links are compared with all its targets, which also settles an axis that
crossed the cap either way and links removed or added by hand, and every action's link to its axis.

A link call that fails (an error after the retries, or a link named among the ``errors`` of a 207 multi-status
answer: HubSpot's error-handling guide, "207 Multi-Status: Returned when there are different statuses (e.g., errors
and successes)") is returned by ``Links.settle`` as a ``LinkFailed``, never raised: the writer leaves the field that
makes the link (an action's ``axis_key``, a company's ``axes``) unrecorded, so the next run sends it and makes the
link again, and the run reports the failure (docs/hubspot.md, *Associations*).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from more_itertools import chunked

from connectors.base import RateLimited, TransientError
from connectors.hubspot.reads import read_associations
from connectors.hubspot.transport import BadRequest, Conflict, Forbidden, HubSpotTransport, NotFound

log = logging.getLogger(__name__)

WRITE_BATCH = 100                  # inputs per batch/create and batch/archive call
DEFAULT_CAP = 1_000                # companies per axis above which the axis is linked to none
# HubSpot-defined primary association to a company, by typeId per (from, to) pair (associations v4, "HubSpot defined
# association types": "Primary: the main company that the other record is associated with"). Recognised by typeId:
# HubSpot relabelled them on 19 Feb 2024 ("Primary Company" -> "Deal with Primary Company"...) and says "only the
# typeId should be used for any programmatic reference to an association" (developer changelog, "Changes to primary
# labels for HubSpot-defined association labels"). Engagements (meetings, calls) have none.
PRIMARY_TYPE_IDS: Mapping[tuple[str, str], int] = {("deals", "companies"): 5, ("contacts", "companies"): 1,
                                                   ("tickets", "companies"): 26}


@dataclass(frozen=True)
class AxisTargets:
    """The targets in this portal, given by the pipeline before it writes: axis token (as companies' ``pac_axes``
    name it) -> company ids. A token is an axis id of the plan ``owners`` names for it (``plan_id`` when none:
    the plan alone in the portal), or a whole key ``plan:AX-01`` (an id two plans sharing the portal use)."""

    plan_id: str
    companies: Mapping[str, frozenset[str]]
    owners: Mapping[str, str] = field(default_factory=dict)

    def key(self, axis_id: str) -> str:
        """The axis record's ``pac_key``, e.g. ``pac-2027-durand-process:AX-RA-DORM``."""
        return axis_id if ":" in axis_id else f"{self.owners.get(axis_id, self.plan_id)}:{axis_id}"

    def token(self, key: str) -> str:
        """How companies' ``pac_axes`` name this plan's axis record ``key``: the key itself when it is qualified
        there, else its axis id; a key no company names and whose id is another plan's token: the key."""
        bare = key[len(self.plan_id) + 1:]
        if key in self.companies or self.owners.get(bare, self.plan_id) != self.plan_id:
            return key
        return bare


# what a link call may fail with, once the transport's retries are spent: a passing fault (5xx, a dropped connection,
# a rate limit), or a refusal (an object archived or merged since it was read: 404, 409; a missing scope: 403)
LINK_ERRORS: tuple[type[Exception], ...] = (TransientError, RateLimited, BadRequest, Forbidden, NotFound, Conflict,
                                            LookupError)


@dataclass(frozen=True)
class LinkFailed:
    """A link ``settle`` could not make or remove: ``from_id`` -> ``to_id`` (None: a link of ``from_id`` whose
    other end is unknown, because the read of its current links failed), and why."""

    from_id: str
    to_id: str | None
    error: str


@dataclass
class Links:
    """Creates and removes links between two object types; counts what it did. One per run: it knows the links of
    the records it need not read again (``current``): those this run created (``note_created``: a record HubSpot
    has just created has no association, so its links are the ones this run made), and those whose links this run
    read and then settled (what it read, plus what it made, less what it removed)."""

    transport: HubSpotTransport
    types: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)   # association type cache
    created: int = 0
    removed: int = 0
    fresh: dict[str, set[str]] = field(default_factory=dict)    # object type -> ids of the records this run created
    # (type, id, other type) -> the other ids, both ways: the links this run made and has not removed
    made: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    # (from type, to type) -> id -> its links as this run left them (read, then settled)
    known: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    # object types the portal held no record of before this run (its full pull listed none): any record's links to
    # them are the ones this run made (``note_none``)
    empty: set[str] = field(default_factory=set)

    def note_none(self, object_type: str) -> None:
        """A full read of ``object_type`` listed no record (a fresh portal): no record is linked to one, but by this
        run."""
        self.empty.add(object_type)

    def note_created(self, object_type: str, ids: Iterable[str]) -> None:
        """Records of ``object_type`` this run's upserts created (their result's ``new``): no link yet."""
        self.fresh.setdefault(object_type, set()).update(str(i) for i in ids)

    def _doubt(self, object_type: str, ids: Iterable[str]) -> None:
        """Records whose links a failed call leaves unknown (it may have been executed): read again when asked."""
        for i in ids:
            self.empty.discard(object_type)
            self.fresh.get(object_type, set()).discard(i)
            for (from_type, _to), links in self.known.items():
                if from_type == object_type:
                    links.pop(i, None)

    def association_type(self, from_type: str, to_type: str) -> dict[str, Any]:
        """``{"associationCategory", "associationTypeId"}`` of the unlabelled type between the two objects."""
        if (from_type, to_type) not in self.types:
            reply = self.transport.call(f"associations.labels.{from_type}.{to_type}", "association_labels",
                                        "get_all", from_type, to_type)
            found = reply.data.get("results") or []
            if not found:
                raise LookupError(f"no association type between {from_type} and {to_type}: run "
                                  "`pac crm provision hubspot`")
            chosen = next((t for t in found if not t.get("label")), found[0])
            self.types[(from_type, to_type)] = {"associationCategory": chosen["category"],
                                                "associationTypeId": int(chosen["typeId"])}
        return self.types[(from_type, to_type)]

    def current(self, from_type: str, to_type: str, ids: Iterable[str]) -> dict[str, set[str]]:
        """id -> the ids it is linked to: read (100 ids per call), except for the records whose links this run knows
        (audit quota2 F2: the links of the records the first sync created were read right after it made them)."""
        known, fresh = self.known.get((from_type, to_type), {}), self.fresh.get(from_type, set())
        out: dict[str, set[str]] = {}
        unknown = []
        for i in dict.fromkeys(ids):
            if i in known:
                out[i] = set(known[i])
            elif i in fresh or to_type in self.empty:
                out[i] = set(self.made.get((from_type, i, to_type), ()))
            else:
                unknown.append(i)
        if unknown:
            found = read_associations(self.transport, from_type, to_type, unknown)
            out.update({i: {str(to["toObjectId"]) for to in tos} for i, tos in found.items()})
        return out

    def _settled(self, from_type: str, to_type: str, desired: Mapping[str, set[str]], have: Mapping[str, set[str]],
                 made: Iterable[tuple[str, str]], removed: Iterable[tuple[str, str]], failed: Iterable[LinkFailed]
                 ) -> None:
        """What ``settle`` leaves: each desired record's links known, the links made and removed both ways, the
        records of a failed link unknown."""
        for f, t in made:
            self.made.setdefault((from_type, f, to_type), set()).add(t)
            self.made.setdefault((to_type, t, from_type), set()).add(f)
        for f, t in removed:
            self.made.get((from_type, f, to_type), set()).discard(t)
            self.made.get((to_type, t, from_type), set()).discard(f)
        known = self.known.setdefault((from_type, to_type), {})
        for f in desired:
            known[f] = set(have.get(f, set()))
        for f, t in made:
            known[f].add(t)
        for f, t in removed:
            known[f].discard(t)
        back = self.known.get((to_type, from_type), {})
        for f, t in made:
            if t in back:
                back[t].add(f)
        for f, t in removed:
            if t in back:
                back[t].discard(f)
        failures = list(failed)
        self._doubt(from_type, {x.from_id for x in failures})
        self._doubt(to_type, {x.to_id for x in failures if x.to_id is not None})

    def settle(self, from_type: str, to_type: str, desired: Mapping[str, set[str]],
               current: Mapping[str, set[str]] | None = None) -> list[LinkFailed]:
        """Make the links of each ``desired`` key exactly its set (keys absent from ``desired`` are untouched);
        returns the links it could not make or remove (nothing raised: a failed batch does not stop the others,
        but after a passing fault that outlived the retries the rest of this pair's calls are not tried)."""
        if not desired:
            return []
        try:
            have = self.current(from_type, to_type, desired) if current is None else current
        except LINK_ERRORS as exc:
            error = f"reading the current {from_type} -> {to_type} links: {exc}"
            ends: dict[str, list[str | None]] = {f: [*sorted(wanted)] or [None] for f, wanted in desired.items()}
            return [LinkFailed(f, t, error) for f, tos in ends.items() for t in tos]
        add = [(f, t) for f, wanted in desired.items() for t in sorted(wanted - have.get(f, set()))]
        drop = [(f, t) for f, wanted in desired.items() for t in sorted(have.get(f, set()) - wanted)]
        failed: list[LinkFailed] = []
        made: list[tuple[str, str]] = []
        removed: list[tuple[str, str]] = []
        given_up = ""        # a passing fault past the retries: the remaining batches would only wait as long
        spec: dict[str, Any] | None = None
        for batch in chunked(add, WRITE_BATCH):
            if given_up:
                failed.extend(LinkFailed(f, t, given_up) for f, t in batch)
                continue
            try:
                spec = spec or self.association_type(from_type, to_type)
                reply = self.transport.call(f"associations.create.{from_type}.{to_type}", "associations", "create",
                                            from_type, to_type, {"inputs": [{"from": {"id": f}, "to": {"id": t},
                                                                             "types": [spec]} for f, t in batch]})
            except LINK_ERRORS as exc:
                given_up = str(exc) if isinstance(exc, TransientError | RateLimited) else ""
                failed.extend(LinkFailed(f, t, str(exc)) for f, t in batch)
                continue
            refused = multi_status(reply.data, batch, confirmed=created_links(reply.data))
            failed.extend(refused)
            self.created += len(batch) - len(refused)
            lost = {(x.from_id, x.to_id) for x in refused}
            made.extend(pair for pair in batch if pair not in lost)
        for batch in chunked(drop, WRITE_BATCH):
            if given_up:
                failed.extend(LinkFailed(f, t, given_up) for f, t in batch)
                continue
            grouped: dict[str, list[dict[str, str]]] = {}
            for f, t in batch:
                grouped.setdefault(f, []).append({"id": t})
            try:
                reply = self.transport.call(f"associations.archive.{from_type}.{to_type}", "associations",
                                            "archive", from_type, to_type,
                                            {"inputs": [{"from": {"id": f}, "to": tos} for f, tos in grouped.items()]})
            except LINK_ERRORS as exc:
                given_up = str(exc) if isinstance(exc, TransientError | RateLimited) else ""
                failed.extend(LinkFailed(f, t, str(exc)) for f, t in batch)
                continue
            refused = multi_status(reply.data, batch, confirmed=None)
            failed.extend(refused)
            self.removed += len(batch) - len(refused)
            kept = {(x.from_id, x.to_id) for x in refused}
            removed.extend(pair for pair in batch if pair not in kept)
        self._settled(from_type, to_type, desired, have, made, removed, failed)
        if failed:
            log.warning("hubspot.links_failed from=%s to=%s failed=%d of=%d error=%s", from_type, to_type, len(failed),
                        len(add) + len(drop), failed[0].error)
        return failed


def created_links(data: Any) -> set[tuple[str, str]]:
    """The (from, to) pairs a ``batch/create`` answer lists among its ``results``."""
    out: set[tuple[str, str]] = set()
    results = data.get("results") if isinstance(data, dict) else None
    for result in results if isinstance(results, list) else []:
        if isinstance(result, dict) and result.get("fromObjectId") is not None:
            out.add((str(result.get("fromObjectId")), str(result.get("toObjectId"))))
    return out


def multi_status(data: Any, batch: Iterable[tuple[str, str]], *, confirmed: set[tuple[str, str]] | None
                 ) -> list[LinkFailed]:
    """The links of ``batch`` a 207 multi-status answer refused: none when the answer has no ``errors`` (200, 201,
    204: all made). With errors, a link fails when an error names one of its ids (``context``: HubSpot documents it
    as a free map), or, when no error names any link of the batch, when it is not among the answer's results
    (``confirmed``: the pairs a ``batch/create`` lists; None for ``batch/archive``, which lists none: then every
    link of the batch counts as failed, and is settled again by the next run). Its message is HubSpot's."""
    listed = data.get("errors") if isinstance(data, dict) else None
    errors = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    if not errors:
        return []
    pairs = list(batch)
    ids = {i for pair in pairs for i in pair}
    named: dict[str, list[str]] = {}
    loose: list[str] = []
    for error in errors:
        message = str(error.get("message") or error.get("category") or "refused")
        hits = {str(v) for v in _context_ids(error.get("context"))} & ids
        for i in hits:
            named.setdefault(i, []).append(message)
        if not hits:
            loose.append(message)
    failed: list[LinkFailed] = []
    for f, t in pairs:
        own = named.get(f, []) + named.get(t, [])
        if own:
            failed.append(LinkFailed(f, t, "; ".join(dict.fromkeys(own))))
        elif not named and (confirmed is None or (f, t) not in confirmed):
            failed.append(LinkFailed(f, t, "; ".join(dict.fromkeys(loose))))
    return failed


def _context_ids(context: Any) -> list[Any]:
    """Every value an error's ``context`` holds (``{"ids": [...]}``, ``{"fromObjectId": [...]}``...), flattened."""
    if isinstance(context, dict):
        return [v for value in context.values() for v in _context_ids(value)]
    if isinstance(context, list | tuple):
        return [v for value in context for v in _context_ids(value)]
    return [context] if isinstance(context, str | int) else []


# The contact -> company association HubSpot defines for a contact's primary company (typeId 1; the unlabelled one is
# 279), from the associations v4 guide's table of HubSpot-defined types. Its label ("Primary", "Contact with Primary
# Company" since 19 February 2024) is not relied on: HubSpot's changelog, "Changes to primary labels for
# HubSpot-defined association labels": "only the typeId should be used for any programmatic reference".
CONTACT_PRIMARY_COMPANY = 1


def contact_primary_company(associations: list[dict[str, Any]] | None) -> str | None:
    """A contact's primary company (contacts -> companies of HubSpot-defined type 1), else None: a contact whose
    companies are all unlabelled (or which has none) gives no company."""
    for to in associations or []:
        for t in to.get("associationTypes") or []:
            if str(t.get("typeId")) == str(CONTACT_PRIMARY_COMPANY) and \
                    str(t.get("category") or "HUBSPOT_DEFINED") == "HUBSPOT_DEFINED":
                return str(to["toObjectId"])
    return None


def parse_axes(value: Any) -> list[str]:
    """An account change's ``axes``: ``"AX-1; AX-2"`` (as the pipeline writes it), a list, or None (cleared)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return [str(v) for v in value]


def choose_company(associations: list[dict[str, Any]] | None, from_type: str | None = None) -> str | None:
    """The primary associated company, else the one with the smallest id, else None.

    The primary is the association whose type is the HubSpot-defined primary typeId of ``from_type`` -> companies
    (``PRIMARY_TYPE_IDS``: deals 5), whatever its label says; ``from_type`` None accepts any of those typeIds (none
    of them is a type between an engagement and a company). Failing that, a type whose label contains "primary"
    (a portal's own label, or an answer from before HubSpot's typeIds were relied on)."""
    if not associations:
        return None
    if len(associations) == 1:          # the usual case (one company): it wins, primary or not
        return str(associations[0]["toObjectId"])
    return primary_company(associations, from_type) or str(min(
        associations, key=lambda to: int(to["toObjectId"]) if str(to["toObjectId"]).isdigit() else 0)["toObjectId"])


def primary_company(associations: list[dict[str, Any]], from_type: str | None = None) -> str | None:
    """The primary associated company as ``choose_company`` recognises it, None when no association is primary (a
    record on several companies then counts for the smallest id, or for the one pac counted it for before:
    ``HubSpotConnector._companies``)."""
    ids = set(PRIMARY_TYPE_IDS.values()) if from_type is None else \
        {PRIMARY_TYPE_IDS[(from_type, "companies")]} if (from_type, "companies") in PRIMARY_TYPE_IDS else set()

    def by_type(t: dict[str, Any]) -> bool:
        return str(t.get("category") or "HUBSPOT_DEFINED") == "HUBSPOT_DEFINED" and _type_id(t) in ids

    def by_label(t: dict[str, Any]) -> bool:
        return "primary" in str(t.get("label") or "").lower()

    for primary in (by_type, by_label):
        for to in associations:
            if any(primary(t) for t in to.get("associationTypes") or []):
                return str(to["toObjectId"])
    return None


def _type_id(association_type: dict[str, Any]) -> int | None:
    try:
        return int(association_type.get("typeId"))     # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# HubSpot's parent / child company association (developer changelog, 11 Sep 2018, "Parent <-> Child Associations via
# API": "Parent company to child company, ID = 13", "Child company to parent company, ID = 14")
PARENT_TO_CHILD, CHILD_TO_PARENT = 13, 14


def parent_pairs(family: Mapping[str, list[dict[str, Any]]]) -> set[tuple[str, str]]:
    """(parent, child) company pairs from companies -> companies associations (``read_associations``): a link from X
    to Y of HubSpot-defined type 14 makes Y the parent of X, one of type 13 makes X the parent of Y."""
    pairs: set[tuple[str, str]] = set()
    for x, tos in family.items():
        for to in tos:
            y = str(to["toObjectId"])
            for t in to.get("associationTypes") or []:
                if str(t.get("category") or "HUBSPOT_DEFINED") != "HUBSPOT_DEFINED":
                    continue
                if _type_id(t) == CHILD_TO_PARENT:
                    pairs.add((y, str(x)))
                elif _type_id(t) == PARENT_TO_CHILD:
                    pairs.add((str(x), y))
    return pairs
