"""A rep whose CRM login changed e-mail is still the person the plan names (audit emailchange, 7 Dec 2026).

Salesforce lets an admin change a user's ``Email`` (the user, its Id and the records it owns stay; ``Email`` is not
unique across users, ``Username`` is: Object Reference, User); a HubSpot owner's ``email`` follows its user's, a
user removed and added again is a new owner (new ``id``), the old one listed with ``archived=true`` (CRM API,
Owners v3). The store keeps the e-mails a user id held (``User.former_emails``); a user whose e-mail now is not
one the plan names but who held one it names counts for that person (``pac_core.people``), and ``pac sync`` says
so with the alias line to write.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pac_config.planfile import load_plan, load_plan_text
from pac_core.engine import evaluate
from pac_core.incremental import Changes, evaluate_incremental
from pac_core.people import remembered, with_remembered
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, Record, Records, User
from sync_jobs.coverage import remembered_warnings, reused_warnings, unknown_owners
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.unit.test_engine_support import PARIS, utc

OLD, NEW, MARC = "sophie.durand@acme.fr", "sophie.durand@acme-group.com", "marc.petit@acme.fr"
AS_OF = datetime(2027, 6, 30, 18, tzinfo=PARIS)
STORED = datetime(2027, 4, 1, tzinfo=PARIS)
CHANGED = datetime(2027, 5, 20, tzinfo=PARIS)


def plan_text(who: str = OLD, aliases: str = "[]", people: bool = True) -> str:
    entries = (f"""people:
  - {{email: {who}, name: Sophie Durand, role: rep, aliases: {aliases}}}
  - {{email: {MARC}, name: Marc Petit, role: manager}}
""" if people else "")
    return f"""
plan: {{name: ACME, year: 2027, timezone: Europe/Paris, language: en}}
{entries}segments:
  - {{id: S-FR, name: France, kind: horizontal, scope: {{country: FR}}}}
axes:
  - {{id: AX-LYON, name: Lyon, segment: S-FR, scope: {{departement: '69'}},
      objective: {{additional_revenue: 100000, baseline: 0, budget: 1000}}}}
actions:
  - {{id: A-SOPHIE, axis: AX-LYON, text: Visits, who: {who}, what: {{activity: visit, count: 8}}, when: Q2 2027}}
  - {{id: A-MARC, axis: AX-LYON, text: Visits, who: {MARC}, what: {{activity: visit, count: 8}}, when: Q2 2027}}
"""


def _account(ident: str, source: str = "sf") -> Account:
    return Account(ident, source, ident, postal_code="69001", departement="69", region="Auvergne-Rhône-Alpes",
                   country="FR")


def _visit(ident: str, account_id: str, owner: str, month: int, day: int, source: str = "sf") -> Activity:
    return Activity(ident, source, ActivityType.VISIT, owner, account_id, utc(month, day, 9),
                    ActivityStatus.COMPLETED, subject=ident)


ACCOUNTS = tuple(_account(f"a{i}") for i in range(1, 6))
# two visits before her e-mail changed (20 May), one after; Marc's one
VISITS = (_visit("v1", "a1", "005S", 4, 12), _visit("v2", "a2", "005S", 5, 3), _visit("v3", "a3", "005S", 6, 8),
          _visit("v4", "a4", "005M", 5, 5))
MARC_USER = User("005M", "sf", MARC, "Marc Petit")


def stored_users(*reads: Sequence[User]) -> tuple[User, ...]:
    """The users as the store gives them back after the pulls ``reads`` (each one upsert, in order)."""
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{folder}/pac.db")
        try:
            for n, users in enumerate(reads, 1):
                rows: list[Record] = list(users)
                store_records.upsert_records(engine, "sf", rows, run_id=n, now=STORED)
            return store_records.load_records(engine, ["sf"]).users
        finally:
            engine.dispose()


def sophie(email: str, *, active: bool = True) -> User:
    return User("005S", "sf", email, "Sophie Durand", active=active)


def records(users: Sequence[User]) -> Records:
    return Records(accounts=ACCOUNTS, activities=VISITS, users=tuple(users))


CHANGED_USERS = stored_users([sophie(OLD), MARC_USER], [sophie(NEW), MARC_USER])


class TestStore:
    def test_the_store_keeps_the_email_a_user_held(self) -> None:
        assert {u.id: u.former_emails for u in CHANGED_USERS} == {"005S": (OLD,), "005M": ()}
        assert {u.id: u.email for u in CHANGED_USERS} == {"005S": NEW, "005M": MARC}

    def test_every_former_email_is_kept_oldest_first_and_the_one_held_again_is_not_former(self) -> None:
        third = "s.durand@acme-group.com"
        [user] = stored_users([sophie(OLD)], [sophie(NEW)], [sophie(third)])
        assert user.former_emails == (OLD, NEW)
        [user] = stored_users([sophie(OLD)], [sophie(NEW)], [sophie(OLD)])
        assert (user.email, user.former_emails) == (OLD, (NEW,))

    def test_a_user_read_again_unchanged_keeps_its_former_emails(self) -> None:
        [user] = stored_users([sophie(OLD)], [sophie(NEW)], [sophie(NEW)], [sophie(NEW, active=False)])
        assert (user.email, user.former_emails, user.active) == (NEW, (OLD,), False)


class TestEngine:
    def test_her_visits_count_before_and_after_the_email_change_without_an_alias(self) -> None:
        """The plan names her old address only: all three visits of her user count (it was 0: her user had the
        new e-mail, which the plan does not name)."""
        ev = evaluate(load_plan_text(plan_text()), records(CHANGED_USERS), as_of=AS_OF)
        assert (ev.action("A-SOPHIE").done, ev.action("A-MARC").done) == (3, 1)

    def test_with_the_alias_written_the_same_three(self) -> None:
        ev = evaluate(load_plan_text(plan_text(aliases=f"[{NEW}]")), records(CHANGED_USERS), as_of=AS_OF)
        assert ev.action("A-SOPHIE").done == 3
        assert remembered(load_plan_text(plan_text(aliases=f"[{NEW}]")), CHANGED_USERS) == ()

    def test_the_plan_updated_to_the_new_email_counts_the_three_and_remembers_nothing(self) -> None:
        plan = load_plan_text(plan_text(who=NEW))
        assert evaluate(plan, records(CHANGED_USERS), as_of=AS_OF).action("A-SOPHIE").done == 3
        assert remembered(plan, CHANGED_USERS) == ()

    def test_a_person_named_by_a_who_alone_is_remembered_too(self) -> None:
        """A plan with no ``people``: the actions' ``who`` name the reps."""
        plan = load_plan_text(plan_text(people=False))
        assert evaluate(plan, records(CHANGED_USERS), as_of=AS_OF).action("A-SOPHIE").done == 3

    def test_a_login_given_to_another_person_the_plan_names_is_that_person(self) -> None:
        """005S renamed to Marc's address (a recycled licence): the e-mail it has now says who it is, so its visits
        are Marc's and not Sophie's (pac cannot tell the visits apart by date; nothing is remembered)."""
        users = stored_users([sophie(OLD)], [User("005S", "sf", MARC, "Marc Petit")])
        ev = evaluate(load_plan_text(plan_text()), records(users), as_of=AS_OF)
        assert (ev.action("A-SOPHIE").done, ev.action("A-MARC").done) == (0, 3)

    def test_one_new_email_held_before_by_two_people_counts_for_neither(self) -> None:
        shared = "sales@acme-group.com"
        users = stored_users([sophie(OLD), MARC_USER], [User("005S", "sf", shared, "Sophie Durand"),
                                                        User("005M", "sf", shared, "Marc Petit")])
        plan = load_plan_text(plan_text())
        found = remembered(plan, users)
        assert [(r.user_id, r.former, r.ambiguous) for r in found] == [("005M", MARC, True), ("005S", OLD, True)]
        assert with_remembered(plan, users) is plan
        ev = evaluate(plan, records(users), as_of=AS_OF)
        assert (ev.action("A-SOPHIE").done, ev.action("A-MARC").done) == (0, 0)

    def test_a_deactivated_user_keeps_counting_and_she_is_not_leaving_while_her_new_address_is_active(self) -> None:
        """Salesforce IsActive false: the user still owns its records (they count); she leaves only when every
        user of every e-mail of hers is inactive."""
        users = (*CHANGED_USERS, User("005X", "sf", OLD, "Sophie Durand", active=False))
        ev = evaluate(load_plan_text(plan_text()), records(users), as_of=AS_OF)
        assert ev.action("A-SOPHIE").done == 3
        assert not [r for r in ev.recommendations if "leaving" in r.summary]
        gone = stored_users([sophie(OLD)], [sophie(NEW, active=False)])
        ev = evaluate(load_plan_text(plan_text()), records((*gone, MARC_USER)), as_of=AS_OF)
        assert ev.action("A-SOPHIE").done == 3
        assert [r.summary for r in ev.recommendations if "leaving" in r.summary and OLD in r.summary]

    def test_a_hubspot_owner_recreated_with_a_new_id_and_two_salesforce_users_sharing_her_email(self) -> None:
        """HubSpot: her old owner archived (inactive), her new owner another id, one e-mail; Salesforce: her
        Standard and her Chatter Free users, one e-mail: the visits of each of the four count for her."""
        users = (User("11", "hs", OLD, "Sophie Durand", active=False), User("22", "hs", OLD, "Sophie Durand"),
                 User("005S", "sf", OLD, "Sophie Durand"), User("005C", "sf", OLD, "Sophie Durand"), MARC_USER)
        visits = (_visit("h1", "h1", "11", 4, 20, "hs"), _visit("h2", "h2", "22", 5, 20, "hs"),
                  _visit("s1", "a1", "005S", 4, 21), _visit("s2", "a2", "005C", 5, 21))
        data = Records(accounts=(*ACCOUNTS, _account("h1", "hs"), _account("h2", "hs")), activities=visits,
                       users=users)
        assert evaluate(load_plan_text(plan_text()), data, as_of=AS_OF).action("A-SOPHIE").done == 4


class TestIncremental:
    def test_the_night_after_the_change_is_full_and_equal_to_evaluate_and_the_next_one_too(self) -> None:
        """Night 1: her user under the old e-mail, v3 not made yet; night 2: the user read under the new e-mail
        and v3 new: a full night (users changed), 3 visits as evaluate() says; night 3, nothing changed:
        incremental, the same 3."""
        plan = load_plan_text(plan_text())
        before = Records(accounts=ACCOUNTS, activities=VISITS[:2] + VISITS[3:], users=(sophie(OLD), MARC_USER))
        after = records(CHANGED_USERS)
        first, kept, _ = evaluate_incremental(plan, before, None, None, as_of=AS_OF)
        assert first.action("A-SOPHIE").done == 2
        second, kept, stats = evaluate_incremental(plan, after, Changes.between(before, after), kept, as_of=AS_OF)
        assert stats.mode == "full"
        assert second == evaluate(plan, after, as_of=AS_OF)
        assert second.action("A-SOPHIE").done == 3
        third, _, stats = evaluate_incremental(plan, after, Changes(), kept, as_of=AS_OF)
        assert stats.mode == "incremental"
        assert third == second


class TestWarnings:
    def _file(self, tmp_path: Path, text: str) -> Path:
        path = tmp_path / "plan.pac.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def test_the_sync_says_what_it_counts_and_the_alias_line_to_write(self, tmp_path: Path) -> None:
        path = self._file(tmp_path, plan_text())
        plan = load_plan(path)
        [warning] = remembered_warnings(plan, path, CHANGED_USERS)
        assert warning == (f"sf's user 005S (Sophie Durand) now has the e-mail {NEW}; it had {OLD}, which the plan "
                           f"names ({path}:4 people[0]): pac counts this user's records for {OLD}, before and after "
                           f"the change, and their actions stay with this user. Write it in the plan, under people, at "
                           f"{OLD}: aliases: [{NEW}]")

    def test_in_french_and_for_a_person_with_no_people_entry(self, tmp_path: Path) -> None:
        path = self._file(tmp_path, plan_text(people=False).replace("language: en", "language: fr"))
        [said] = remembered_warnings(load_plan(path), path, CHANGED_USERS)
        assert said.startswith("sf's user 005S (Sophie Durand) now has the e-mail ")     # English, as the log reads it
        warning = said.words("fr")         # `pac sync --lang fr`, `pac status --lang fr` (audit warnfr)
        assert warning.startswith(f"l'utilisateur 005S (Sophie Durand) de sf a maintenant l'adresse {NEW} ; ")
        assert warning.endswith(f"Écrivez-le dans le plan, sous people, à {OLD} : - {{email: {OLD}, aliases: [{NEW}]}}")

    def test_the_old_email_is_no_unknown_owner_once_remembered(self, tmp_path: Path) -> None:
        path = self._file(tmp_path, plan_text())
        plan = load_plan(path)
        users_of = {"sf": {NEW, MARC}}
        assert [w for w in unknown_owners(plan, path, users_of, CHANGED_USERS) if OLD in w.split(" ")[1]]
        effective = with_remembered(plan, CHANGED_USERS)
        assert unknown_owners(effective, path, users_of, CHANGED_USERS) == []
        assert effective.emails_of(OLD) == frozenset({OLD, NEW})
        assert effective.aliases() == {NEW: OLD}

    def test_a_login_given_to_another_person_of_the_plan_is_warned_of(self, tmp_path: Path) -> None:
        """005S, Sophie's, now has Marc's address: her visits count for Marc (identity by user); the sync says so,
        and the fix."""
        path = self._file(tmp_path, plan_text())
        users = stored_users([sophie(OLD)], [User("005S", "sf", MARC, "Marc Petit")])
        assert remembered_warnings(load_plan(path), path, users) == []
        assert reused_warnings(load_plan(path), path, users) == [
            f"sf's user 005S (Marc Petit) now has the e-mail {MARC}, which the plan names; it had {OLD}, which the "
            f"plan names for another person ({path}:4 people[0]): every record of this user, those of {OLD}'s time "
            f"included, counts for {MARC} (pac tells a person by their CRM user, not by the date). If this login was "
            f"given to another person, give each one a user of their own in the CRM and give {OLD} their records "
            "back (Change Owner)."]
        assert reused_warnings(load_plan(path), path, CHANGED_USERS) == []

    def test_nothing_to_say_when_the_alias_is_written(self, tmp_path: Path) -> None:
        path = self._file(tmp_path, plan_text(aliases=f"[{NEW}]"))
        assert remembered_warnings(load_plan(path), path, CHANGED_USERS) == []
