"""The e-mails a CRM user held: a rep whose login's e-mail changed in the CRM is still the person the plan names.

CRM records are owned by user ids (Salesforce ``OwnerId``; HubSpot ``hubspot_owner_id``, the owner's ``id``), the plan
names people by e-mail (docs/plan-format.md, *People*). Salesforce lets an admin change a user's ``Email`` (the user,
its Id and the records it owns stay: Object Reference, User), and a HubSpot owner's ``email`` follows its user's:
"Owners are automatically created and updated in HubSpot when new users are added", the owner ``id`` being "used ...
when assigning an owner to a record or activity" (CRM API, Owners v3,
https://developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/guide). The store keeps the e-mails each user id
held (``User.former_emails``). A user whose e-mail now is one the plan does not name, but who held one it names, is
that person: its records, before and after the change, count for them, as an alias written in ``people`` would
(``remembered``; decided 7 Dec 2026, audit emailchange: they counted 0 until the manager added the alias, and her
actions were written to no CRM). ``pac sync`` says so with the alias line to write
(``sync_jobs.coverage.remembered_warnings``).

Not remembered: a user whose e-mail now is one the plan names (the plan was updated to the new address, or the login
was given to another person the plan names: the e-mail it has now says who it is), an e-mail the plan names none of
whose users held, and an e-mail now held by users remembered as two different people (ambiguous: the warning says so,
nothing is guessed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pac_core.plan import ContextKind, Plan
from pac_core.records import User

OWNER_FIELDS = ("owner", "deal_owner")   # the scope conditions naming people (account_owner is read as "owner")


@dataclass(frozen=True)
class Remembered:
    """A CRM user who held ``former``, an e-mail the plan names for ``person``, and has ``email`` now."""

    source: str
    user_id: str
    name: str
    email: str          # its e-mail now (lower-case)
    former: str         # the e-mail it held that the plan names
    person: str         # that person's plan e-mail
    ambiguous: bool = False   # ``email`` is remembered for another person too: not applied


def named_emails(plan: Plan) -> frozenset[str]:
    """Every e-mail the plan names people by (lower-case): ``people`` and their written aliases, an action's
    ``who`` and the ``from`` of its hand-overs, an axis's ``who``, an owner condition of a scope, a ``rep_leaving``.
    Not the aliases pac remembers (``Plan.remembered``)."""
    out = {e for p in plan.people for e in (p.email, *p.aliases)}
    out.update(w.lower() for axis in plan.axes for w in axis.who)
    for action in plan.actions:
        out.add(action.who.lower())
        out.update(hand.from_.lower() for hand in action.handed_over)
    scopes = [*(s.scope for s in plan.segments), *(a.scope for a in plan.axes), *(a.scope for a in plan.actions)]
    out.update(str(v).strip().lower() for scope in scopes for c in scope.conditions if c.field in OWNER_FIELDS
               for v in c.values if "@" in str(v))
    out.update(c.who.strip().lower() for c in plan.context if c.kind is ContextKind.REP_LEAVING and c.who)
    return frozenset(out)


def person_emails(plan: Plan, email: str) -> tuple[str, ...]:
    """The e-mails of the person ``email`` names (``Plan.emails_of``), in the order their CRM users are preferred as
    the owner of the person's PAC records when several can own them (``sync_jobs.owner_choice``): the plan's e-mail,
    the written aliases in the plan's order, then the e-mails pac remembers (sorted)."""
    email = dict(plan.remembered).get(email.strip().lower(), email.strip().lower())
    person = next((p for p in plan.people if p.email == email or email in p.aliases), None)
    head = (person.email, *person.aliases) if person is not None else (email,)
    return tuple(dict.fromkeys((*head, *sorted(now for now, who in plan.remembered if who == head[0]))))


def remembered(plan: Plan, users: Iterable[User]) -> tuple[Remembered, ...]:
    """The users whose e-mail now the plan does not name and who held one it names (the latest such one), in
    (source, id) order; ``ambiguous`` when their e-mail now is remembered for two people."""
    named = named_emails(plan)
    written = {alias: p.email for p in plan.people for alias in p.aliases}
    found: list[Remembered] = []
    for user in sorted(users, key=lambda u: (u.source, u.id)):
        email = (user.email or "").strip().lower()
        if not email or email in named:
            continue
        former = next((e for e in reversed(user.former_emails) if e in named), None)
        if former is not None:
            found.append(Remembered(user.source, user.id, user.name, email, former, written.get(former, former)))
    people: dict[str, set[str]] = {}
    for r in found:
        people.setdefault(r.email, set()).add(r.person)
    return tuple(replace(r, ambiguous=True) if len(people[r.email]) > 1 else r for r in found)


@dataclass(frozen=True)
class Reused:
    """A CRM user whose e-mail now is one the plan names for ``person`` and who held ``former``, which the plan names
    for another person, ``former_person`` (a login given to someone else): its records, those of before too, are
    ``person``'s, since people are told by user and not by date."""

    source: str
    user_id: str
    name: str
    email: str
    person: str
    former: str
    former_person: str


def reused(plan: Plan, users: Iterable[User]) -> tuple[Reused, ...]:
    """The users whose e-mail now and a former one are two people of the plan, in (source, id) order."""
    named = named_emails(plan)
    written = {alias: p.email for p in plan.people for alias in p.aliases}
    found: list[Reused] = []
    for user in sorted(users, key=lambda u: (u.source, u.id)):
        email = (user.email or "").strip().lower()
        if not email or email not in named:
            continue
        person = written.get(email, email)
        found.extend(Reused(user.source, user.id, user.name, email, person, former, written.get(former, former))
                     for former in user.former_emails if former in named and written.get(former, former) != person)
    return tuple(found)


def with_remembered(plan: Plan, users: Iterable[User]) -> Plan:
    """``plan`` with the aliases pac remembers from ``users`` (``Plan.remembered``: e-mail now -> the person), the
    ambiguous ones left out; the same plan when they are already its own."""
    pairs = tuple(sorted({(r.email, r.person) for r in remembered(plan, users) if not r.ambiguous}))
    return plan if pairs == plan.remembered else replace(plan, remembered=pairs)
