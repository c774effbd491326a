"""Which of a person's e-mails names, in one CRM, the user that owns their PAC records (the ``owner_email`` the
write-back sends; the connector turns it into a user).

A person is every e-mail the plan gives them (``Plan.emails_of``: the plan's e-mail, the written ``people[].aliases``
and the e-mails pac remembers their logins held, ``pac_core.people``), so several users of a CRM may be that person:
her Standard user moved to a new e-mail and her Chatter Free user kept the old one, an old login never deactivated.
Only an active user the CRM lets own the records may get them (Salesforce: an active Standard user, a Chatter Free user
"cannot be the owner of a custom object record", OP_WITH_INVALID_USER_TYPE_EXCEPTION; ``connectors.salesforce.owners``).
The rule (decided 7 Dec 2026, audit sfownerpick; sfusers F3 had left her new records to the integration user):

* the e-mails of the person held by an active user in the CRM (``active``, the store's users); one: that one (the
  connector warns when its users cannot own PAC records); several: the connector says which of them hold a user able
  to own them (``PicksOwners.owner_users``, one query at most on a night that did not read every user; a CRM that
  cannot tell: all of them);
* the e-mail pac last wrote as the record's owner is kept while it still names a user able to own it, or while a user
  that held it then (``User.former_emails``) holds one now: the record's owner is then one of that person's users and
  is not moved (nothing sent);
* else the first able one in ``pac_core.people.person_emails`` order (the plan's e-mail, the written aliases in the
  plan's order, the remembered ones);
* none able: the first active one, whose users the connector names in its warning (the owner is left unchanged).

Two or more e-mails of a person holding able users, and a record with no owner among them (new, or its owner's e-mail
gone): the run warns (``Twins``), naming the users, the one given the records and the fix; the records already owned by
one of them stay with it, without a warning. Two able users on one e-mail: the connector chooses and warns
(``connectors.salesforce.owners``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from connectors.base import Target
from pac_core.people import person_emails
from pac_core.plan import Plan
from pac_core.plan_warnings import PlanWarning
from pac_core.records import User

Desired = Mapping[tuple[Target, str], Mapping[str, Any]]


@runtime_checkable
class PicksOwners(Protocol):
    """A connector that knows which of its active users may own PAC records (Salesforce: the Standard users)."""

    def owner_users(self, emails: Collection[str]) -> Mapping[str, str]:
        """Of ``emails`` (lower-case), those held by an active user that may own PAC records, each with the words
        naming those users (name, id, licence) for a warning."""
        ...


Able = Callable[[str, Collection[str]], Mapping[str, str] | None]


def able_of(connectors: Mapping[str, object]) -> Able:
    """Per connector name and e-mails, those holding a user able to own PAC records (``PicksOwners.owner_users``), or
    None for a connector that cannot tell (every active user counts as able): what drift repair asks before giving a
    record back to its rep (``sync_jobs.drift``), the same answer the write-back's choice uses."""
    def able(name: str, emails: Collection[str]) -> Mapping[str, str] | None:
        connector = connectors.get(name)
        return connector.owner_users(emails) if isinstance(connector, PicksOwners) else None
    return able


@dataclass(frozen=True)
class Twins:
    """A person (``person``, plan e-mail; ``name``) with users able to own their PAC records under several e-mails
    (``able``: e-mail -> the connector's words for its users) in connector ``connector``: ``chosen`` was given the
    records ``items`` (item ids), which had no owner among them."""

    connector: str
    person: str
    name: str
    able: tuple[tuple[str, str], ...]
    chosen: str
    items: tuple[str, ...]

    def warning(self, language: str = "en") -> str:
        """The warning in ``language`` (``plan_warning``)."""
        return self.plan_warning().words(language)

    def plan_warning(self) -> PlanWarning:
        """``several_owners`` (``pac_core.plan_warnings``): who got the records, the users able to own them, the
        fix; in English or French."""
        return PlanWarning("several_owners", {
            "connector": self.connector, "who": self.name or self.person, "able": [list(a) for a in self.able],
            "chosen": self.chosen, "items": list(self.items)})


def to_ask(desired: Desired, plan: Plan, active: set[str]) -> set[str]:
    """The e-mails whose users' licences decide an owner: those of the people with several active e-mails."""
    out: set[str] = set()
    for owner in _owners(desired):
        live = [e for e in person_emails(plan, owner) if e in active]
        if len(live) > 1:
            out.update(live)
    return out


def moved_from(users: Iterable[User], source: str) -> dict[str, set[str]]:
    """Per e-mail a user of ``source`` held before: the e-mails its active users hold now."""
    out: dict[str, set[str]] = {}
    for user in users:
        if user.source == source and user.active and user.email:
            for former in user.former_emails:
                out.setdefault(former, set()).add(user.email.lower())
    return out


def local_owners(desired: Desired, plan: Plan, active: set[str], last: Mapping[tuple[str, str], Any] | None = None,
                 able: Mapping[str, str] | None = None, moved: Mapping[str, set[str]] | None = None,
                 connector: str = "") -> tuple[dict[tuple[Target, str], dict[str, Any]], list[Twins]]:
    """``desired`` with each action's ``owner_email`` the e-mail of the user that owns it in one CRM (the module's
    rule): ``active``, its active users' e-mails; ``last``, what pac last wrote there; ``able``, the e-mails holding
    a user able to own PAC records (None: every active one); ``moved``, ``moved_from``. The people with several
    able e-mails some of whose records were given an owner, once each."""
    out = {key: dict(fields) for key, fields in desired.items()}
    chosen: dict[str, list[tuple[str, list[str]]]] = {}     # person -> (item, able e-mails) given an owner
    for (target, key), fields in out.items():
        owner = fields.get("owner_email")
        if target is not Target.ACTION or not isinstance(owner, str):
            continue
        emails = person_emails(plan, owner)
        live = [e for e in emails if e in active]
        if not live:
            continue
        fit = [e for e in live if able is None or len(live) == 1 or e in able]
        row = (last or {}).get((target.value, key))
        kept = row.fields.get("owner_email") if row is not None else None
        fields["owner_email"] = _chosen(live, fit, kept, moved or {})
        if able is not None and len(fit) > 1 and fields["owner_email"] != kept:
            chosen.setdefault(emails[0], []).append((key.split(":", 1)[-1], fit))
    return out, [_twins(plan, connector, person, given, able or {}) for person, given in chosen.items()]


def _twins(plan: Plan, connector: str, person: str, given: list[tuple[str, list[str]]],
           able: Mapping[str, str]) -> Twins:
    named = next((p.name for p in plan.people if p.email == person), "")
    fit = given[0][1]
    return Twins(connector, person, named, tuple((e, able[e]) for e in fit), fit[0],
                 tuple(sorted(item for item, _fit in given)))


def _chosen(live: list[str], fit: list[str], kept: Any, moved: Mapping[str, set[str]]) -> str:
    if not fit:
        return live[0]
    if isinstance(kept, str) and (kept in fit or moved.get(kept, set()) & set(fit)):
        return kept
    return fit[0]


def _owners(desired: Desired) -> list[str]:
    return [str(f["owner_email"]) for (t, _k), f in desired.items()
            if t is Target.ACTION and isinstance(f.get("owner_email"), str)]
