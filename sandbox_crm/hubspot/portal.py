"""The sandbox HubSpot portal's data: its object types and records, associations, owners, pipelines and custom
object schemas, with the helpers seeds, tests and benchmarks use to shape it directly (``add``, ``update``,
``archive``, ``associate``, ``add_owner``). Every HubSpot component reads and writes through one ``Portal``."""

from __future__ import annotations

import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox_crm.demo_org import DemoOrg
from sandbox_crm.hubspot.records import (
    ASSOCIATION_TYPES,
    CALL_DISPOSITION,
    CALL_STATUS,
    COMPANY_FAMILY,
    COMPANY_VALUES,
    DEAL_STAGES,
    DEFAULT_PROPERTIES,
    HOME_AMOUNT,
    MAINTENANCE_STAGES,
    MEETING_OUTCOME,
    MERGED_IDS,
    PORTAL_ID,
    PRIMARY_BACKWARD,
    PRIMARY_TYPES,
    STANDARD_LABELS,
    STANDARD_OPTIONS,
    STANDARD_PROPERTIES,
    STANDARD_TYPES,
    Obj,
    Table,
    as_iso,
    as_str,
    created_before,
    ms_to_iso,
    person_source,
    to_ms,
)

ENGAGEMENTS = ("meetings", "calls", "emails", "tasks", "notes")   # the activities a contact's deletion unassociates


class Portal:
    """One portal's data (``tier``: starter | professional | enterprise; custom object schemas need more)."""

    def __init__(self, *, tier: str, clock: Any = time.time) -> None:
        self.tier = tier
        self.clock = clock
        self.company_currency = "EUR"       # Settings > Account defaults > Currency (the demo's deals are in it)
        self.tables: dict[str, Table] = {}
        self.links: dict[tuple[str, str], dict[str, dict[str, tuple[int, str | None]]]] = {}
        self.owners: list[dict[str, Any]] = []
        self.pipelines: dict[str, list[dict[str, Any]]] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        # (from table, to table) -> (category, typeId) of the unlabelled association type between them
        self.assoc_types: dict[tuple[str, str], tuple[str, int]] = {
            pair: ("HUBSPOT_DEFINED", type_id) for pair, type_id in ASSOCIATION_TYPES.items()}
        self._next_assoc_type = 1000
        self._next_id = 10_000
        self._last_ms = 0
        self.lock = threading.RLock()
        for name, type_id in STANDARD_TYPES.items():
            table = self.tables[name] = Table(name, type_id)
            labels, options = STANDARD_LABELS.get(name, {}), STANDARD_OPTIONS.get(name, {})
            for prop, kind, field_type in DEFAULT_PROPERTIES + STANDARD_PROPERTIES[name]:
                table.define(prop, kind, field_type, label=labels.get(prop, ""),
                             options=[dict(o) for o in options.get(prop, [])])
            table.groups[f"{name}information"] = {"name": f"{name}information", "label": f"{name} information",
                                                  "displayOrder": 0, "archived": False}
        self._seed_pipelines()

    # -- time and ids ---------------------------------------------------------------------------
    def now_ms(self) -> int:
        """Wall-clock milliseconds, never earlier than any stamp already given (seeds reach into 2027)."""
        with self.lock:
            self._last_ms = max(int(self.clock() * 1000), self._last_ms + 1)
            return self._last_ms

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    # -- helpers for seeds, tests and benchmarks -------------------------------------------------
    def table(self, object_type: str) -> Table | None:
        if object_type in self.tables:
            return self.tables[object_type]
        for table in self.tables.values():
            if object_type in (table.type_id, f"p{PORTAL_ID}_{table.name}", f"p_{table.name}"):
                return table
        return None

    def add(self, object_type: str, properties: dict[str, Any], *, modified: datetime | int | None = None,
            companies: tuple[str, ...] | list[str] = (), primary: str | None = None,
            source: dict[str, Any] | None = None) -> str:
        """Create a record directly (no API call); ``modified`` fixes its ``hs_lastmodifieddate``; ``source``
        (e.g. ``INTEGRATION_SOURCE``) starts its property history."""
        with self.lock:
            table = self.tables[object_type] if object_type in self.tables else self.table(object_type)
            assert table is not None, f"no object type {object_type}"
            if primary is not None and (table.name, "companies") not in PRIMARY_TYPES:
                raise ValueError(f"HubSpot defines no primary association from {table.name} to companies")
            ms = modified if isinstance(modified, int) else (to_ms(modified) if modified else self.now_ms())
            self._last_ms = max(self._last_ms, ms)
            obj = Obj(self._new_id(), {k: as_str(v) for k, v in properties.items() if v is not None}, ms, ms)
            if source is not None:
                obj.record(obj.props, ms, source)
            table.rows[obj.id] = obj
            for prop, index in table.unique.items():
                if obj.props.get(prop):
                    index[obj.props[prop]] = obj.id
            table.changed()
            for company in companies:
                self.associate(table.name, obj.id, "companies", company, primary=company == primary)
            return obj.id

    def update(self, object_type: str, object_id: str, properties: dict[str, Any], *, touch: bool = True,
               by_user: int | str | None = None, source: dict[str, Any] | None = None) -> None:
        """Change a record. Called directly (tests), it is a person's change in the app: by ``by_user`` (a HubSpot
        user id, an owner's ``userId``), else by the first owner; the API's writes pass pac's ``INTEGRATION_SOURCE``.
        Either way the property history records who (``propertiesWithHistory``)."""
        with self.lock:
            table = self.table(object_type)
            assert table is not None
            obj = table.rows[object_id]
            values = {k: as_str(v) for k, v in properties.items()}
            obj.keep_first(k for k, v in values.items() if obj.props.get(k) != v)
            obj.props.update(values)
            if touch:
                obj.modified = self.now_ms()
            if source is None:
                user = by_user if by_user is not None else (self.owners[0]["userId"] if self.owners else 1)
                source = person_source(user)
            obj.record(values, obj.modified, source)
            table.changed()

    def archive(self, object_type: str, object_id: str) -> None:
        """Delete a record to the recycle bin. A contact's activities lose their association with it, their own stamps
        unchanged: HubSpot, "Understand restorable and permanent contact deletions": "All activity is deleted and
        unassociated from the record ... the calls and tasks will still appear on your call or task page but will
        not be associated with the deleted record"."""
        with self.lock:
            table = self.table(object_type)
            assert table is not None
            obj = table.rows.pop(object_id)
            obj.archived_at = obj.modified = self.now_ms()
            table.archived[object_id] = obj
            if table.name == "contacts":
                for engagement in ENGAGEMENTS:
                    for other in list(self.links.get(("contacts", engagement), {}).get(object_id, {})):
                        self.unassociate("contacts", object_id, engagement, other)
            table.changed()

    def merge(self, object_type: str, primary: str, other: str) -> str:
        """Merge ``other`` into ``primary`` as HubSpot does (``POST /crm/v3/objects/{type}/merge``); the new id.

        HubSpot's changelog ("Updated merge functionality for contacts and companies"): "a new record with a new ID
        will be created for the resulting merged record, with both records merged into the new one", the primary's
        values winning ("consistent with merges for other object types"), and "both of the previous IDs will point
        to the resulting merged record" (a GET of an old id answers the new record). The new record's
        ``hs_merged_object_ids`` lists the ids merged into it, theirs included ("id1;id2"); it takes both records'
        associations (the associated records' own stamps do not move). The two old records leave search and the
        lists and are *not* archived: nothing but ``hs_merged_object_ids`` says they are gone."""
        with self.lock:
            table = self.table(object_type)
            assert table is not None and primary != other
            first, second = table.rows.pop(primary), table.rows.pop(other)
            ids = [i for obj in (first, second) for i in (*_merged(obj), obj.id)]
            props = {**{k: v for k, v in second.props.items() if v not in (None, "")},
                     **{k: v for k, v in first.props.items() if v not in (None, "")}, MERGED_IDS: ";".join(ids)}
            new = self.add(table.name, props)
            # the merged record keeps the primary's creation date, a property like any other ("the property values
            # of the resulting merged record will use the latest property values of the primary record"; a merge
            # vendor: it "will reference the oldest record for fields such as created date"): a merge is not told by
            # a recent ``createdAt`` (audit hslife H0)
            table.rows[new].created = first.created
            for old in ids:
                table.merged[old] = new
            for (from_type, to_type), links in list(self.links.items()):
                if from_type != table.name:
                    continue
                back = self.links.get((to_type, from_type), {})
                for old in (first.id, second.id):
                    for to_id, link in links.pop(old, {}).items():
                        links.setdefault(new, {}).setdefault(to_id, link)
                        reverse = back.get(to_id, {}).pop(old, None)
                        if reverse is not None:
                            back[to_id].setdefault(new, reverse)
            table.changed()
            return new

    def associate(self, from_type: str, from_id: str, to_type: str, to_id: str, *, primary: bool = False,
                  type_id: int | None = None) -> None:
        """Link two records both ways (like HubSpot); the engagement's own timestamp does not move. ``primary``: the
        pair's HubSpot-defined primary association (deal -> company typeId 5, "Deal with Primary Company"), read back
        alongside the unlabelled type as HubSpot does; a pair HubSpot defines no primary for (an engagement and a
        company) is refused. Between two companies ``type_id`` 14 ("child company to parent company") links the
        child to its parent, read back from the parent as 13 ("parent company to child company")."""
        if primary and (from_type, to_type) not in PRIMARY_TYPES:
            raise ValueError(f"HubSpot defines no primary association from {from_type} to {to_type}")
        with self.lock:
            forward, label = PRIMARY_TYPES[(from_type, to_type)] if primary else \
                (type_id or self.assoc_types.get((from_type, to_type), ("", 1))[1], None)
            backward = (PRIMARY_BACKWARD.get((to_type, from_type), 0) if primary else 0) \
                or (COMPANY_FAMILY.get(forward, 0) if (from_type, to_type) == ("companies", "companies") else 0) \
                or self.assoc_types.get((to_type, from_type), ("", 1))[1]
            self.links.setdefault((from_type, to_type), {}).setdefault(from_id, {})[to_id] = (forward, label)
            self.links.setdefault((to_type, from_type), {}).setdefault(to_id, {})[from_id] = (backward, None)

    def define_association(self, from_type: str, to_type: str) -> int:
        """Register the (user-defined) association type between two object types, both ways; its id."""
        with self.lock:
            if (from_type, to_type) not in self.assoc_types:
                self._next_assoc_type += 2
                self.assoc_types[(from_type, to_type)] = ("USER_DEFINED", self._next_assoc_type)
                self.assoc_types[(to_type, from_type)] = ("USER_DEFINED", self._next_assoc_type + 1)
            return self.assoc_types[(from_type, to_type)][1]

    def unassociate(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        with self.lock:
            self.links.get((from_type, to_type), {}).get(from_id, {}).pop(to_id, None)
            self.links.get((to_type, from_type), {}).get(to_id, {}).pop(from_id, None)

    def add_owner(self, email: str | None, first: str, last: str, *, archived: bool = False) -> str:
        owner_id = str(100 + len(self.owners) + 1)
        stamp = ms_to_iso(to_ms(datetime(2026, 1, 1, tzinfo=UTC)))
        owner = {"id": owner_id, "firstName": first, "lastName": last, "userId": 9000 + len(self.owners),
                 "createdAt": stamp, "updatedAt": stamp, "archived": archived, "teams": []}
        if email:
            owner["email"] = email
        self.owners.append(owner)
        return owner_id

    # -- seeding --------------------------------------------------------------------------------
    def _seed_pipelines(self) -> None:
        def stages(rows: tuple[tuple[str, str, bool, str], ...]) -> list[dict[str, Any]]:
            return [{"id": sid, "label": label, "displayOrder": i, "archived": False,
                     "metadata": {"isClosed": "true" if closed else "false", "probability": prob}}
                    for i, (sid, label, closed, prob) in enumerate(rows)]
        self.pipelines["deals"] = [
            {"id": "default", "label": "Sales Pipeline", "displayOrder": 0, "archived": False,
             "stages": stages(DEAL_STAGES)},
            {"id": "maintenance", "label": "Maintenance contracts", "displayOrder": 1, "archived": False,
             "stages": stages(MAINTENANCE_STAGES)}]

    def seed(self, org: DemoOrg) -> None:
        """Owners, companies, meetings/calls and deals with line items from the demo organisation."""
        owner_of: dict[str, str] = {}
        for user in org.users:
            first, _, last = user.name.partition(" ")
            owner_id = self.add_owner(user.email, first, last)
            if user.email:
                owner_of[user.email] = owner_id
        company_of: dict[str, str] = {}
        base = datetime(2026, 1, 1, 8, tzinfo=UTC)
        for i, acc in enumerate(org.accounts):
            company_of[acc.key] = self.add("companies", {
                "name": acc.name, "zip": acc.postal_code, "city": acc.city,
                "country": "France" if acc.country == "FR" else acc.country,
                # dropdowns: the option's internal value (pac reads its label, the demo's word, back)
                "industry": COMPANY_VALUES["industry"].get(acc.industry or "", acc.industry),
                "type": COMPANY_VALUES["type"].get(acc.account_type or "", acc.account_type),
                "annualrevenue": acc.annual_revenue, "description": acc.description,
                "hubspot_owner_id": owner_of.get(acc.owner_email or "")}, modified=base + timedelta(minutes=i))
        as_of = to_ms(org.as_of)
        for act in org.activities:
            start = act.start or (datetime.combine(act.all_day, datetime.min.time(), UTC) if act.all_day else None)
            done = to_ms(start) + act.duration_minutes * 60_000 if start else as_of
            stamp = done if done < as_of else created_before(act.key, as_of)
            owner = owner_of.get(act.owner_email or "")
            if act.kind == "call":
                status, disposition = CALL_STATUS.get(act.status), CALL_DISPOSITION.get(act.status)
                if act.status == "no_show" and zlib.crc32(act.key.encode()) % 2:
                    # about half the unanswered calls are inbound calls nobody picked up: HubSpot files them
                    # MISSED, with no call outcome (the Calls guide, "Identify voicemails vs. recorded calls")
                    status, disposition = "MISSED", None
                # the demo's calls are the reps' own (OUTBOUND); the unanswered inbound ones are left with no
                # direction, as a calling app that does not set it files them (they are no-shows either way)
                direction = "OUTBOUND" if status != "MISSED" else None
                props = {"hs_call_title": act.subject, "hs_timestamp": as_iso(start), "hubspot_owner_id": owner,
                         "hs_call_status": status, "hs_call_disposition": disposition,
                         "hs_call_direction": direction}
                object_type = "calls"
            else:
                end = start + timedelta(minutes=act.duration_minutes) if start else None
                props = {"hs_meeting_title": act.subject, "hs_timestamp": as_iso(start),
                         "hs_meeting_start_time": as_iso(start), "hs_meeting_end_time": as_iso(end),
                         "hs_meeting_outcome": MEETING_OUTCOME.get(act.status), "hubspot_owner_id": owner,
                         "hs_activity_type": "Visite client" if act.kind == "visit" else "Réunion"}
                object_type = "meetings"
            company = company_of.get(act.account_key or "")
            record = self.add(object_type, props, modified=stamp, companies=(company,) if company else ())
            if act.deleted:
                self.tables[object_type].rows[record].archived_at = stamp
                self.tables[object_type].archived[record] = self.tables[object_type].rows.pop(record)
        products = {code: self.add("products", {"name": label, "hs_sku": code, "price": price},
                                   modified=base) for code, (label, price) in org.products.items()}
        open_stages = [s[0] for s in DEAL_STAGES if not s[2]]
        for i, deal in enumerate(org.deals):
            stage = {"won": "closedwon", "lost": "closedlost"}.get(deal.stage, open_stages[i % len(open_stages)])
            close = datetime.combine(deal.close_date, datetime.min.time(), UTC)
            closed = to_ms(close) + 12 * 3_600_000
            stamp = closed if closed < as_of else created_before(deal.key, as_of)
            deal_id = self.add("deals", {
                "dealname": deal.name, "amount": deal.amount, "deal_currency_code": deal.currency,
                # HubSpot's own conversion into the company currency: the demo's deals are all in it
                HOME_AMOUNT: deal.amount if deal.currency in (None, "", self.company_currency) else None,
                "closedate": as_iso(close), "pipeline": "default", "dealstage": stage,
                "hubspot_owner_id": owner_of.get(deal.owner_email or "")}, modified=stamp)
            company = company_of.get(deal.account_key or "")
            if company:
                self.associate("deals", deal_id, "companies", company, primary=True)
            for code, quantity, amount in deal.lines:
                line = self.add("line_items", {"name": org.products[code][0], "hs_sku": code, "quantity": quantity,
                                               "amount": amount,
                                               "hs_product_id": products.get(code)}, modified=stamp)
                self.associate("deals", deal_id, "line_items", line)
        # each company's main contact, its primary company that company (contacts -> companies typeId 1): created
        # last, so the other records keep their ids
        for i, acc in enumerate(org.accounts):
            domain = "".join(ch for ch in acc.key.lower() if ch.isalnum()) or f"c{i}"
            contact = self.add("contacts", {"email": f"contact@{domain}.example", "firstname": "Contact",
                                            "lastname": acc.name}, modified=base + timedelta(minutes=i))
            self.associate("contacts", contact, "companies", company_of[acc.key], primary=True)


def _merged(obj: Obj) -> list[str]:
    """The ids already merged into a record (its ``hs_merged_object_ids``)."""
    return [i for i in (obj.props.get(MERGED_IDS) or "").split(";") if i.strip()]
