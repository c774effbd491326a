"""Which Salesforce user owns the PAC records of a person, named by e-mail.

Salesforce makes ``Username`` unique, not ``Email`` (Object Reference, User): a rep's Standard user often shares her
address with another active user, her Chatter Free user (``UserType`` CsnOnly), an Experience Cloud or portal user, a
test or integration user made with her address. The owner is the one active **Standard** user of the e-mail
(``UserType`` Standard: "This user type also includes Salesforce Platform and Salesforce Platform One user licenses",
Object Reference, User: the user that logs in and reads "My actions"). A user of any other type never owns them,
even alone on the e-mail (audit sfusers, 7 Dec 2026): a Chatter Free user (CsnOnly) "cannot be the owner of a custom
object record" (Salesforce developer forums: Salesforce refuses the whole record, OP_WITH_INVALID_USER_TYPE_EXCEPTION,
night after night), and a portal user (PowerPartner, CustomerSuccess, PowerCustomerSuccess, CspLitePortal, Guest...)
is a partner's or a customer's login: a PAC action is the company's plan. No Standard user: the owner is left unchanged,
as for an e-mail with no active user, and the run warns once, naming the users and the fixes. Two or more Standard
users: the one with the lowest Id (the oldest, so a user made later with her address never takes her records over),
and the run warns once naming them all and the fixes (audit sfownerpick: left unchanged, a new record stayed the
integration user's, seen by neither). Which of a person's e-mails names her user when she has several (her Standard
user moved to a new e-mail, her Chatter Free user kept the old one) is chosen by the sync with ``able``
(``sync_jobs.owner_choice``).

The users come from the pull (``seen``), complete once a full read of the users has ended (``complete``); otherwise
the e-mails the write-back needs are looked up (``resolve``: one query per ``LOOKUP_BATCH`` e-mails, none for an
e-mail already known this run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from more_itertools import chunked
from simple_salesforce.format import format_soql

from connectors.salesforce.client import SfClient

STANDARD = "Standard"
# the labels of the other user types (Object Reference, User, ``UserType``), named in the warnings
LABELS = {"CsnOnly": "Chatter Free", "PowerPartner": "Partner portal",
          "PowerCustomerSuccess": "Customer Portal Manager", "CustomerSuccess": "Customer Portal User",
          "CspLitePortal": "High Volume Portal", "Guest": "Guest", "SelfService": "Self Service"}
LOOKUP_BATCH = 100          # e-mails per "Email IN (...)" query: the GET stays far below the URI length limit


@dataclass(frozen=True)
class Candidate:
    """An active user holding an e-mail."""

    id: str
    name: str
    user_type: str | None       # None: not read (an org answering without it): taken as Standard

    @property
    def standard(self) -> bool:
        return self.user_type in (None, "", STANDARD)

    def words(self) -> str:
        kind = self.user_type or "UserType unknown"
        label = LABELS.get(kind)
        return f"{self.name or '?'} ({self.id}, {kind}{f': {label}' if label else ''})"


class Owners:
    """E-mail -> the user who owns that person's PAC records, for one org and one run."""

    def __init__(self, client: SfClient, warn: Callable[[str], None]) -> None:
        self.client, self.warn = client, warn
        self._users: dict[str, dict[str, Candidate]] = {}    # e-mail -> active users by id
        self._email_of: dict[str, str] = {}                  # user id -> the e-mail it is filed under
        self._known: set[str] = set()                        # e-mails whose active users are all in ``_users``
        self._complete = False                               # a full read of the users ended this run
        self._warned: set[str] = set()

    def seen(self, row: Mapping[str, Any], email: str | None, active: bool) -> None:
        """A ``User`` row the pull read (``email`` lower-cased): filed under its e-mail while active, else dropped."""
        user_id = str(row.get("Id") or "")
        if not user_id:
            return
        old = self._email_of.pop(user_id, None)
        if old is not None:
            self._users.get(old, {}).pop(user_id, None)
        if email and active:
            self._users.setdefault(email, {})[user_id] = Candidate(user_id, str(row.get("Name") or ""),
                                                                   _text(row.get("UserType")))
            self._email_of[user_id] = email

    def complete(self) -> None:
        """A full read of the users has ended: every active user of every e-mail is known."""
        self._complete = True

    def resolve(self, emails: Iterable[str]) -> None:
        """Look up the active users of ``emails`` this run does not know yet (an incremental night read only the
        users changed since the watermark)."""
        if self._complete:
            return
        wanted = sorted({e.lower() for e in emails if e} - self._known)
        for batch in chunked(wanted, LOOKUP_BATCH):
            soql = format_soql("SELECT Id, Email, Name, UserType FROM User WHERE Email IN {} AND IsActive = true "
                               "ORDER BY Id", batch)
            for email in batch:                          # the answer is the whole truth for these e-mails
                for user_id in list(self._users.get(email, {})):
                    self._email_of.pop(user_id, None)
                self._users.pop(email, None)
            for page in self.client.query_pages(soql):
                for r in page:
                    if r.get("Email"):
                        self.seen(r, str(r["Email"]).strip().lower(), True)
            self._known.update(batch)

    def owner(self, email: str) -> tuple[str | None, str]:
        """The owner's user id for ``email``, or None with why (no active user; only users of types that cannot own
        PAC records: warned once). Several Standard users: the lowest Id, warned once (``_several``)."""
        email = email.strip().lower()
        candidates = sorted(self._users.get(email, {}).values(), key=lambda c: _age(c.id))
        pool = [c for c in candidates if c.standard]
        if len(pool) > 1:
            self._warn_once(email, _several(email, pool))
        if pool:
            return pool[0].id, ""
        if not candidates:
            return None, f"salesforce.write owner={email} has no active Salesforce user; owner left unchanged"
        self._warn_once(email, _none_can_own(email, candidates))
        return None, ""

    def able(self, emails: Iterable[str]) -> dict[str, str]:
        """Of ``emails``, those held by an active Standard user (one that may own PAC records), each with the words
        naming its Standard users; looked up as ``resolve`` does (no query once every user was read)."""
        wanted = sorted({e.strip().lower() for e in emails if e})
        self.resolve(wanted)
        out = {}
        for email in wanted:
            pool = sorted((c for c in self._users.get(email, {}).values() if c.standard), key=lambda c: _age(c.id))
            if pool:
                out[email] = "; ".join(c.words() for c in pool)
        return out

    def _warn_once(self, email: str, why: str) -> None:
        if email not in self._warned:
            self._warned.add(email)
            self.warn(why)


def _several(email: str, pool: list[Candidate]) -> str:
    return (f"salesforce.write owner={email}: {len(pool)} active Standard Salesforce users share the e-mail "
            f"({'; '.join(c.words() for c in pool)}): pac gives them to {pool[0].id}, the one with the lowest Id "
            "(the oldest: a user made later never takes them over), and a record already owned by one of them stays "
            "with it. Deactivate the user that is not this person's, or give it an e-mail of its own (and list that "
            "e-mail under the person's people[].aliases in the plan if its records are theirs too)")


def _age(user_id: str) -> tuple[str, str]:
    """A user's place in creation order: its 15-character Id (base 62, 0-9A-Za-z as ASCII orders them; the three
    more characters of an 18-character Id are a case checksum), then the whole Id."""
    return user_id[:15], user_id


def _none_can_own(email: str, candidates: list[Candidate]) -> str:
    return (f"salesforce.write owner={email}: its active Salesforce users cannot own PAC records "
            f"({'; '.join(c.words() for c in candidates)}): a Chatter Free user cannot own "
            "custom-object records (Salesforce refuses the record) and a portal user is a partner's or customer's "
            "login, so pac leaves the owner of this person's PAC records unchanged. If the person has a Salesforce "
            "user under another e-mail, make that e-mail their `email` under people in the plan and list this one "
            f"under their aliases (aliases: [{email}]); the owner is sent again on the next run")


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
