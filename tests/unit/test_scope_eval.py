"""The scope evaluator: per-account tests with the failing condition, and the set index that must agree."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import ClassVar

import numpy as np
import pytest

from pac_core.columnar import AccountColumns, AccountTable
from pac_core.errors import ScopeError
from pac_core.records import Account
from pac_core.scope_eval import ScopeIndex, compile_scope, describe_failure, months_before
from pac_core.scopes import Condition, Scope, parse_scope
from pac_core.text import fold_value

OWNERS = {("sf", "005J"): "julie.martin@durand-process.example"}
REF = date(2027, 5, 3)


def _acc(ident: str, **kw) -> Account:
    return Account(ident, "sf", kw.pop("name", ident), **kw)


def _check(scope: Scope, account: Account, won=None, ref: date = REF):
    test = compile_scope(scope, as_of_for_dormant=ref, last_won=won or {}, owner_email=OWNERS)
    return test(account)


def _one(field: str, op: str, *values, label: str = "") -> Scope:
    return Scope((Condition(field, op, values, label),))


class TestText:
    def test_fold_removes_case_and_accents(self) -> None:
        """Rhône, RHONE and rhone compare equal."""
        assert fold_value(" Rhône ") == fold_value("RHONE") == "rhone"

    def test_region_matches_without_accents(self) -> None:
        """A scope written "auvergne-rhone-alpes" holds an account in "Auvergne-Rhône-Alpes"."""
        scope = _one("region", "in", "auvergne-rhone-alpes")
        assert _check(scope, _acc("a", region="Auvergne-Rhône-Alpes")) is None

    def test_industry_not_in(self) -> None:
        """not_in excludes the listed industry and keeps accounts whose industry is unknown."""
        scope = _one("industry", "not_in", "Chimie")
        assert _check(scope, _acc("a", industry="chimie")) is not None
        assert _check(scope, _acc("b", industry=None)) is None

    def test_departement_given_as_number(self) -> None:
        """A département written as the number 69 still matches the code "69"."""
        assert _check(_one("departement", "in", 69), _acc("a", departement="69")) is None

    def test_postal_prefix(self) -> None:
        """"69*" holds 69003 but not 38000; an exact code only itself."""
        scope = _one("postal_code", "in", "69*", "38100")
        assert _check(scope, _acc("a", postal_code="69003")) is None
        assert _check(scope, _acc("b", postal_code="38100")) is None
        assert _check(scope, _acc("c", postal_code="38000")) is not None

    def test_owner_by_email(self) -> None:
        """The owner field compares the owner's e-mail, case-insensitively."""
        scope = _one("owner", "in", "Julie.Martin@durand-process.example")
        assert _check(scope, _acc("a", owner_id="005J")) is None
        assert _check(scope, _acc("b", owner_id="005X")) is not None

    def test_custom_text_ignores_case_and_accents_not_abbreviations(self) -> None:
        """custom.state "il" holds "IL"; "Québec" holds "QUEBEC"; but "Illinois" is not "IL": a plan writes the
        CRM's own values (docs/plan-format.md, "Outside France")."""
        assert _check(_one("custom.state", "in", "il"), _acc("a", custom={"state": "IL"})) is None
        assert _check(_one("custom.state", "in", "Québec"), _acc("b", custom={"state": "QUEBEC "})) is None
        assert _check(_one("custom.state", "in", "IL"), _acc("c", custom={"state": "Illinois"})) is not None

    def test_custom_field(self) -> None:
        """custom.<name> reads the mapped custom attribute."""
        scope = _one("custom.segment_abc", "in", "A")
        assert _check(scope, _acc("a", custom={"segment_abc": "a"})) is None
        assert _check(scope, _acc("b", custom={})) is not None


class TestNumbers:
    def test_between_is_inclusive(self) -> None:
        """between [50 M, 800 M] holds 50 M exactly, not 49.9 M, and fails an unknown revenue."""
        scope = _one("annual_revenue", "between", 50_000_000, 800_000_000)
        assert _check(scope, _acc("a", annual_revenue=Decimal("50000000"))) is None
        assert _check(scope, _acc("b", annual_revenue=Decimal("49900000"))) is not None
        assert _check(scope, _acc("c")) is not None

    def test_gte_needs_a_number(self) -> None:
        """A comparison with text is a scope error that says what to write."""
        with pytest.raises(ScopeError, match="needs numbers"):
            _check(_one("annual_revenue", "gte", "big"), _acc("a"))

    def test_unknown_field(self) -> None:
        """An unknown field is a scope error listing the known ones."""
        with pytest.raises(ScopeError, match="unknown scope field 'colour'"):
            _check(_one("colour", "in", "red"), _acc("a"))


class TestDormancy:
    def test_flag_wins_over_the_rule(self) -> None:
        """dormant is True uses the CRM flag when the account has one."""
        scope = _one("dormant", "is", True)
        recent = {("sf", "a"): (date(2027, 1, 1),)}
        assert _check(scope, _acc("a", dormant=True), recent) is None
        assert _check(scope, _acc("b", dormant=False)) is not None

    def test_rule_without_flag(self) -> None:
        """Without a flag: dormant when no won deal closed in the 12 months before the reference date."""
        scope = _one("dormant", "is", True)
        assert _check(scope, _acc("a"), {("sf", "a"): (date(2026, 5, 2),)}) is None
        assert _check(scope, _acc("a"), {("sf", "a"): (date(2026, 5, 3),)}) is not None

    def test_win_after_the_reference_keeps_the_account_dormant(self) -> None:
        """Won in week 19, the account was dormant when the week-18 action began."""
        scope = _one("dormant", "dormant_months", 12)
        assert _check(scope, _acc("a"), {("sf", "a"): (date(2025, 1, 1), date(2027, 5, 12))}) is None

    def test_last_won_as_a_single_date(self) -> None:
        """last_won may also give the last won close date before the reference."""
        scope = _one("dormant", "dormant_months", 6)
        assert _check(scope, _acc("a"), {("sf", "a"): date(2026, 12, 1)}) is not None

    def test_months_before_clamps(self) -> None:
        """31 March minus one month is 28 February (2027 is not a leap year)."""
        assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)

    def test_failure_is_described(self) -> None:
        """The failing condition is described with the account's value and the scope's label."""
        cond = Condition("departement", "in", ("69",), "département 69")
        assert describe_failure(cond, _acc("a", departement="38"), OWNERS) == "département 38 (scope: département 69)"

    @pytest.mark.parametrize(("field", "word", "written", "value"), [
        ("industry", "secteur", "Chimie", "Pharmaceutique"), ("name", "compte", "Alpha Chimie", "Zeta Pharma"),
        ("account_type", "type de compte", "Client", "Prospect"),
        ("region", "région", "Auvergne-Rhône-Alpes", "Occitanie"), ("departement", "département", "69", "38")])
    def test_failure_names_the_field_as_the_scope_does(self, field: str, word: str, written: str,
                                                       value: str) -> None:
        """One word for the attribute on both sides of the line (audit janmeet F10: « secteur Pharmaceutique
        (périmètre : industrie Chimie) »; a name read « nom Zeta Pharma (périmètre : compte Alpha Chimie) »)."""
        (cond,) = parse_scope({field: [written]}).conditions
        account = _acc("a", **({"name": value} if field == "name" else {field: value}))
        assert cond.label.startswith(f"{word} ")
        assert describe_failure(cond, account, OWNERS) == f"{word} {value} (scope: {cond.label})"


class TestScopeIndex:
    def test_index_agrees_with_the_per_account_evaluator(self) -> None:
        """For many scopes and accounts, the set index holds exactly the accounts the evaluator accepts."""
        accounts = [
            _acc(f"a{i}", postal_code=pc, departement=pc[:2], region=reg, industry=ind,
                 annual_revenue=Decimal(rev), owner_id=own, dormant=dorm)
            for i, (pc, reg, ind, rev, own, dorm) in enumerate(itertools.product(
                ("69003", "38000"), ("Auvergne-Rhône-Alpes", "Occitanie"), ("Chimie", "Pharmaceutique"),
                ("1000000", "60000000"), ("005J", "005X"), (True, False, None)))
        ]
        won = [((date(2026, 10, 1),) if i % 4 == 0 else ()) for i in range(len(accounts))]
        won_by_key = {("sf", a.id): w for a, w in zip(accounts, won, strict=True)}
        index = ScopeIndex(accounts, OWNERS, won)
        conditions = [
            Condition("departement", "in", ("69",)), Condition("postal_code", "in", ("38*",)),
            Condition("region", "not_in", ("occitanie",)), Condition("industry", "in", ("CHIMIE",)),
            Condition("annual_revenue", "gte", (50_000_000,)), Condition("owner", "in", (OWNERS[("sf", "005J")],)),
            Condition("dormant", "is", (True,)), Condition("dormant", "is", (False,)),
            Condition("dormant", "dormant_months", (12,)),
        ]
        for a, b in itertools.combinations(conditions, 2):
            scope = Scope((a, b))
            test = compile_scope(scope, as_of_for_dormant=REF, last_won=won_by_key, owner_email=OWNERS)
            expected = {i for i, acc in enumerate(accounts) if test(acc) is None}
            assert index.members(scope, REF) == expected, (a, b)

    def test_small_scope_in_a_busy_year(self) -> None:
        """A one-account scope among many won deals is judged on its own dates, like the per-account evaluator."""
        accounts = [_acc(f"a{i}", departement="69" if i < 2 else "38") for i in range(40)]
        won = [(date(2026, 9, 1),) if i != 0 else (date(2025, 1, 1), date(2027, 6, 1)) for i in range(40)]
        index = ScopeIndex(accounts, OWNERS, won)
        scope = Scope((Condition("departement", "in", ("69",)), Condition("dormant", "dormant_months", (12,))))
        assert index.members(scope, REF) == {0}

    def test_deleted_accounts_are_never_members(self) -> None:
        """A deleted account is outside every scope, the empty one included."""
        index = ScopeIndex([_acc("a"), _acc("b", deleted=True)], OWNERS, [(), ()])
        assert index.members(Scope(), REF) == {0}


class TestMultiSelect:
    """A multi-select field holds its options joined by ";" (Salesforce multi-select picklists, HubSpot multiple
    checkboxes, read as « Pompes PX;Mélangeurs MX »): a scope listing one option holds the account (re-verification
    F3: it matched only the whole joined value, 3,000 instead of 8,000)."""

    ACCOUNTS = (_acc("both", industry="Pompes PX;Mélangeurs MX"), _acc("one", industry="Pompes PX"),
                _acc("other", industry="Mélangeurs MX"), _acc("none", industry=None),
                _acc("custom", custom={"gammes": "Filtres; Pompes PX"}))

    def _members(self, scope: Scope) -> set[str]:
        by_object = {a.id for a in self.ACCOUNTS if _check(scope, a) is None}
        index = ScopeIndex(list(self.ACCOUNTS), OWNERS, [()] * len(self.ACCOUNTS))
        assert {self.ACCOUNTS[i].id for i in index.members(scope, REF)} == by_object
        return by_object

    def test_one_option_listed_holds_an_account_with_several(self) -> None:
        assert self._members(_one("industry", "in", "pompes px")) == {"both", "one"}
        assert self._members(_one("industry", "not_in", "Pompes PX")) == {"other", "none", "custom"}
        assert self._members(_one("custom.gammes", "in", "Pompes PX")) == {"custom"}
        assert self._members(_one("industry", "in", "Pompes PX;Mélangeurs MX")) == {"both"}   # the whole, as before

    def test_the_engine_on_columns_agrees(self) -> None:
        """The same scopes through the account columns evaluate() reads (what `pac sync` runs)."""
        expected = {_one("industry", "in", "pompes px"): {"both", "one"},
                    _one("industry", "not_in", "Pompes PX"): {"other", "none", "custom"},
                    _one("custom.gammes", "in", "Pompes PX"): {"custom"}}
        columns = AccountColumns(AccountTable.of(list(self.ACCOUNTS)), OWNERS, np.zeros(0, dtype=np.int64),
                                 np.zeros(0, dtype=np.int64), 12, list(expected))
        for scope, members in expected.items():
            mask = columns.member_mask(scope, REF)
            assert {self.ACCOUNTS[i].id for i in np.flatnonzero(mask).tolist()} == members, scope


class TestDormancyNeedsAnEarlierWin:
    """Dormant by won deals (no CRM flag, or ``dormant: {months: N}``) = at least one won deal before the
    reference date and none in the N months before it: a prospect that never bought is not a dormant customer
    (audit E F2: it was, so its first order counted as a reactivation and as a new account)."""

    # prospect: never won; old: won in 2025 only; recent: won in 2026-10; later: first win after the reference;
    # flagged: no won deal, flagged dormant in the CRM (the flag decides for dormant: true)
    ACCOUNTS = (_acc("prospect"), _acc("old"), _acc("recent"), _acc("later"), _acc("flagged", dormant=True))
    WON = ((), (date(2025, 3, 1),), (date(2025, 3, 1), date(2026, 10, 1)), (date(2027, 6, 1),), ())
    BY_RULE = frozenset({"old"})
    BY_FLAG_FIRST = frozenset({"old", "flagged"})

    def _scopes(self) -> dict[Scope, set[str]]:
        every = {a.id for a in self.ACCOUNTS}
        return {_one("dormant", "dormant_months", 12): self.BY_RULE,
                _one("dormant", "is", True): self.BY_FLAG_FIRST,
                _one("dormant", "is", False): every - self.BY_FLAG_FIRST}

    def test_per_account(self) -> None:
        won = {("sf", a.id): w for a, w in zip(self.ACCOUNTS, self.WON, strict=True)}
        for scope, expected in self._scopes().items():
            assert {a.id for a in self.ACCOUNTS if _check(scope, a, won) is None} == expected, scope
        last_before = {("sf", a.id): max((d for d in w if d < REF), default=None)
                       for a, w in zip(self.ACCOUNTS, self.WON, strict=True)}
        last_before = {k: v for k, v in last_before.items() if v is not None}
        scope = _one("dormant", "dormant_months", 12)
        assert {a.id for a in self.ACCOUNTS if _check(scope, a, last_before) is None} == self.BY_RULE

    def test_set_index_both_ways(self) -> None:
        """The set index, on a scope's own dates (small scope seen once) and on the span's marks, agrees."""
        for scope, expected in self._scopes().items():
            index = ScopeIndex(list(self.ACCOUNTS), OWNERS, list(self.WON))
            assert {self.ACCOUNTS[i].id for i in index.members(scope, REF)} == expected, scope
            test = ScopeIndex(list(self.ACCOUNTS), OWNERS, list(self.WON)).contains(scope, REF)
            assert {a.id for i, a in enumerate(self.ACCOUNTS) if test(i)} == expected, scope
        # a busy year: many won deals in the span make a small scope judged on its own dates
        accounts = [*self.ACCOUNTS, *(_acc(f"busy{i}", industry="busy") for i in range(40))]
        won = [*self.WON, *((date(2026, 9, 1),) for _ in range(40))]
        scope = Scope((Condition("industry", "not_in", ("busy",)), Condition("dormant", "dormant_months", (12,))))
        assert {accounts[i].id for i in ScopeIndex(accounts, OWNERS, won).members(scope, REF)} == self.BY_RULE
        index = ScopeIndex(accounts, OWNERS, won)
        index.members(_one("dormant", "dormant_months", 12), REF)       # the span's marks built from now on
        assert {accounts[i].id for i in index.members(scope, REF)} == self.BY_RULE

    def test_account_columns(self) -> None:
        """The columns the engine reads: member masks, sizes and per-row tests agree."""
        numbers = [n for n, w in enumerate(self.WON) for _ in w]
        days = [d.toordinal() for w in self.WON for d in w]
        scopes = self._scopes()
        columns = AccountColumns(AccountTable.of(list(self.ACCOUNTS)), OWNERS, np.array(numbers, dtype=np.int64),
                                 np.array(days, dtype=np.int64), 12, list(scopes))
        every = np.arange(len(self.ACCOUNTS))
        for scope, expected in scopes.items():
            mask = columns.member_mask(scope, REF)
            assert {self.ACCOUNTS[i].id for i in np.flatnonzero(mask).tolist()} == expected, scope
            assert columns.size(scope, REF) == len(expected), scope
            inside = columns.inside_many([scope], [REF], np.zeros(len(every), dtype=np.int64), every)
            assert {self.ACCOUNTS[i].id for i in np.flatnonzero(inside).tolist()} == expected, scope


class TestUnplacedAccounts:
    """Audit matching F5: a French account (or one with no country) with no département is unplaced, not elsewhere:
    it fails `in` and `not_in` alike on département and région; an account abroad is in no département and passes
    `not_in`. The three evaluators agree (per account, set index, columns)."""

    ACCOUNTS = (_acc("lyon", departement="69", region="Auvergne-Rhône-Alpes", country="FR", postal_code="69003"),
                _acc("grenoble", departement="38", region="Auvergne-Rhône-Alpes", country="FR", postal_code="38000"),
                _acc("bad-code", country="FR", postal_code="20300"), _acc("no-code", country="FR"),
                _acc("no-country"), _acc("overseas", country="RE", postal_code="97133"),
                _acc("geneva", country="CH", postal_code="1204"), _acc("lost-industry", country="FR", industry=None))
    SCOPES: ClassVar[dict[Scope, set[str]]] = {
        _one("departement", "not_in", "69"): {"grenoble", "geneva"},
        _one("departement", "in", "69"): {"lyon"},
        _one("region", "not_in", "Occitanie"): {"lyon", "grenoble", "geneva"},
        _one("region", "in", "Auvergne-Rhône-Alpes"): {"lyon", "grenoble"},
        # other fields keep the documented rule: a missing value passes not_in
        _one("industry", "not_in", "Chimie"): {a.id for a in ACCOUNTS},
    }

    def test_per_account_and_set_index(self) -> None:
        index = ScopeIndex(list(self.ACCOUNTS), OWNERS, [()] * len(self.ACCOUNTS))
        for scope, expected in self.SCOPES.items():
            assert {a.id for a in self.ACCOUNTS if _check(scope, a) is None} == expected, scope
            assert {self.ACCOUNTS[i].id for i in index.members(scope, REF)} == expected, scope

    def test_account_columns(self) -> None:
        columns = AccountColumns(AccountTable.of(list(self.ACCOUNTS)), OWNERS, np.zeros(0, dtype=np.int64),
                                 np.zeros(0, dtype=np.int64), 12, list(self.SCOPES))
        for scope, expected in self.SCOPES.items():
            mask = columns.member_mask(scope, REF)
            assert {self.ACCOUNTS[i].id for i in np.flatnonzero(mask).tolist()} == expected, scope

    def test_a_postal_code_typed_with_its_cedex_compares_as_its_code(self) -> None:
        """`postal_code: "69289"` holds an account whose code reads « 69289 CEDEX 02 », as its département does."""
        accounts = [_acc("cedex", postal_code="69289 CEDEX 02"), _acc("town", postal_code="69003 Lyon"),
                    _acc("other", postal_code="69003")]
        scope = _one("postal_code", "in", "69289", "69003")
        exact = Scope((Condition("postal_code", "in", ("69289",)),))
        for s, expected in ((scope, {"cedex", "town", "other"}), (exact, {"cedex"})):
            assert {a.id for a in accounts if _check(s, a) is None} == expected
            assert {accounts[i].id for i in ScopeIndex(accounts, OWNERS, [()] * 3).members(s, REF)} == expected
            columns = AccountColumns(AccountTable.of(accounts), OWNERS, np.zeros(0, dtype=np.int64),
                                     np.zeros(0, dtype=np.int64), 12, [s])
            assert {accounts[i].id for i in np.flatnonzero(columns.member_mask(s, REF)).tolist()} == expected

    def test_the_failure_names_the_postal_code(self) -> None:
        """« département unknown » says which postal code gave none, or that there is none; abroad says the
        country."""
        (cond,) = parse_scope({"departement": [69]}).conditions
        by_id = {a.id: a for a in self.ACCOUNTS}
        assert describe_failure(cond, by_id["bad-code"], OWNERS) == (
            "département unknown, postal code '20300' gives no département (scope: département 69)")
        assert describe_failure(cond, by_id["no-code"], OWNERS) == (
            "département unknown, no postal code (scope: département 69)")
        assert describe_failure(cond, by_id["geneva"], OWNERS) == "no département, country CH (scope: département 69)"
        (cond,) = parse_scope({"region": ["ARA"]}).conditions
        assert describe_failure(cond, by_id["bad-code"], OWNERS) == (
            "région unknown, postal code '20300' gives no département (scope: région Auvergne-Rhône-Alpes)")
