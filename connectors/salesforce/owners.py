"""Which Salesforce user owns the PAC records of a person, named by e-mail.

Salesforce makes ``Username`` unique, not ``Email`` (Object Reference, User): a rep's Standard user often shares her
address with another active user, her Chatter Free user (``UserType`` CsnOnly), an Experience Cloud or portal user, a
test or integration user made with her address. The owner is the one active **Standard** user of the e-mail
(``UserType`` Standard: "This user type also includes Salesforce Platform and Salesforce Platform One user licenses",
Object Reference, User: the user that logs in and reads "My actions"). A user of any other type never owns them,
even alone on the e-mail (audit sfusers, 7 Dec 2026): a Chatter Free user (CsnOnly) "cannot be the owner of a custom
object record" (Salesforce developer forums: Salesforce refuses the whole record, OP_WITH_INVALID_USER_TYPE_EXCEPTION,
night after night), and a portal user (PowerPartner, CustomerSuccess, PowerCustomerSuccess, CspLitePortal, Guest...)
is a partner's or a customer's login: a PAC action is the company's plan. No Standard user, or two or more: pac does not
guess (a private action given to the wrong user is hidden from the rep): the owner is left unchanged, as for an
e-mail with no active user, and the run warns once, naming the users and the fixes.

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
        PAC records, or several Standard users: warned once)."""
        email = email.strip().lower()
        candidates = sorted(self._users.get(email, {}).values(), key=lambda c: c.id)
        pool = [c for c in candidates if c.standard]
        if len(pool) == 1:
            return pool[0].id, ""
        if not candidates:
            return None, f"salesforce.write owner={email} has no active Salesforce user; owner left unchanged"
        self._warn_once(email, _several(email, pool) if pool else _none_can_own(email, candidates))
        return None, ""

    def _warn_once(self, email: str, why: str) -> None:
        if email not in self._warned:
            self._warned.add(email)
            self.warn(why)


def _several(email: str, pool: list[Candidate]) -> str:
    return (f"salesforce.write owner={email}: {len(pool)} active Salesforce users share the e-mail "
            f"({'; '.join(c.words() for c in pool)}), so pac cannot tell which one is this person's and leaves "
            "the owner of their PAC records unchanged: deactivate the user that is not theirs, or give it an "
            "e-mail of its own (and list that e-mail under the person's people[].aliases in the plan if its "
            "records are theirs too); the owner is sent again on the next run")


def _none_can_own(email: str, candidates: list[Candidate]) -> str:
    return (f"salesforce.write owner={email}: its active Salesforce users cannot own PAC records "
            f"({'; '.join(c.words() for c in candidates)}): a Chatter Free user cannot own "
            "custom-object records (Salesforce refuses the record) and a portal user is a partner's or customer's "
            "login, so pac leaves the owner of this person's PAC records unchanged. If the person has a Salesforce "
            "user under another e-mail, make that e-mail their `email` under people in the plan and list this one "
            f"under their aliases (aliases: [{email}]); the owner is sent again on the next run")


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
