"""`pac explain`'s near misses outside the scope, word for word in both languages (audit nearmissfmt, 7 Dec 2026).

An account's annual revenue read raw in both languages, « CA annuel 60000000 EUR = 57000000.00 CHF », where pac writes
money « 60 000 000 € = 57 000 000,00 CHF » and "€60,000,000 = CHF 57,000,000.00"; the English phrase table rewrote the
CRM's own words (an industry « Produits et services non marchands » read "Produits and services no marchands", a custom
field « grand_compte » "grand_account") and the French one too (an account « Compte planned » read « Compte prévue »);
a custom checkbox read « False »; the dormancy rule's days stayed ISO in French; « région inconnu »; an owner pac does
not read was « inconnu ». A scope failure now keeps its values (``scope_eval.failure_values``: ``Decision.amounts`` and
``Decision.values``) and each language is written from them (``explain.detail_words``). Every expectation below was
written by hand before the fix (/tmp/audits/nearmissfmt/REPORT.md, table 1).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from pac_core.engine import evaluate
from pac_core.explain import explain_action
from pac_core.plan import Plan, Segment, SegmentKind
from pac_core.records import Account, AccountChange, ActivityStatus, CrmRates, Deal, Records
from pac_core.results import Evaluation
from pac_core.scopes import EVERYTHING, parse_scope
from pac_core.snapshots import evaluation_from_payload, snapshot_payload
from pac_core.window import Window
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, utc, visit, won

AS_OF = datetime(2027, 5, 20, tzinfo=PARIS)
EUR_ORG = CrmRates("EUR", (("CHF", Decimal("0.95")), ("EUR", Decimal(1)), ("USD", Decimal("1.08"))))
EVERY = (Segment("SEG-ARA", "Tous", SegmentKind.HORIZONTAL, EVERYTHING),)
N, S = "\u202f", "\u00a0"      # French thousands (narrow no-break space), before the symbol (no-break space)
JULIE = "julie.martin@durand-process.example"


def _explained(scope: dict[str, object], accounts: list[Account], *, currency: str = "EUR",
               deals: tuple[Deal, ...] = (), changes: tuple[AccountChange, ...] = (),
               status: ActivityStatus = ActivityStatus.COMPLETED) -> tuple[Plan, Evaluation]:
    """A visit of Julie's to each account in week 18 (3-9 May 2027), the action scoped on ``scope`` alone."""
    p = replace(plan(action(scope=parse_scope(scope, currency=currency, language="fr"), target=3),
                     axes=(axis("AX-DORMANT", "SEG-ARA"),), segments=EVERY), currency=currency)
    visits = tuple(visit(f"v-{a.id}", a.id, utc(5, 4, 8), status=status) for a in accounts)
    records = Records(accounts=tuple(accounts), activities=visits, users=USERS, deals=deals, account_changes=changes)
    return p, evaluate(p, records, as_of=AS_OF, explain=True)


def _words(p: Plan, ev: Evaluation) -> dict[str, tuple[str, str]]:
    """Per account, the near miss's detail in French and in English."""
    fr, en = ({r["account"]: r["detail"] for r in explain_action(p, ev, "A-01", lang=lang).rows if not r["counted"]}
              for lang in ("fr", "en"))
    return {name: (fr[name], en[name]) for name in fr}


def _of(scope: dict[str, object], *accounts: Account, **kw: object) -> dict[str, tuple[str, str]]:
    return _words(*_explained(scope, list(accounts), **kw))   # type: ignore[arg-type]


def _plain(ident: str, **extra: object) -> Account:
    return account(ident, "69003", dormant=None, **extra)


class TestAnnualRevenue:
    def test_in_the_plan_s_currency(self) -> None:
        """Rows 1 and 4: the amount as pac writes money, with its currency (it read « CA annuel 40000000 »)."""
        found = _of({"annual_revenue": {"gte": "50M"}}, _plain("r40", annual_revenue=Decimal(40_000_000)),
                    _plain("none"))
        assert found["r40"] == (f"CA annuel 40{N}000{N}000{S}€ (périmètre : CA annuel ≥ 50 M)",
                                "annual revenue €40,000,000 (scope: annual revenue ≥ 50 M)")
        assert found["none"] == ("CA annuel inconnu (périmètre : CA annuel ≥ 50 M)",
                                 "annual revenue unknown (scope: annual revenue ≥ 50 M)")

    def test_converted_and_unrated(self) -> None:
        """Rows 2 and 3: EUR 57 M x 0.95 = CHF 54,150,000.00 (to the cent, as compared); GBP with no rate."""
        found = _of({"annual_revenue": {"gte": "55M"}},
                    _plain("eur", annual_revenue=Decimal(57_000_000), currency="EUR", rates=EUR_ORG),
                    _plain("gbp", annual_revenue=Decimal(70_000_000), currency="GBP", rates=EUR_ORG),
                    _plain("cents", annual_revenue=Decimal("1234567.5"), currency="CHF"), currency="CHF")
        assert found["eur"] == (
            f"CA annuel 57{N}000{N}000{S}€ = 54{N}150{N}000,00{S}CHF (périmètre : CA annuel ≥ 55 M)",
            f"annual revenue €57,000,000 = CHF{S}54,150,000.00 (scope: annual revenue ≥ 55 M)")
        assert found["gbp"] == (
            f"CA annuel 70{N}000{N}000{S}£GB, inconnu en CHF : pas de taux de change pour GBP en CHF (ajoutez-le à "
            "engine.fx_rates dans pac.yaml) (périmètre : CA annuel ≥ 55 M)",
            "annual revenue £70,000,000, unknown in CHF: no exchange rate for GBP into CHF (add it to engine.fx_rates "
            "in pac.yaml) (scope: annual revenue ≥ 55 M)")
        assert found["cents"] == (f"CA annuel 1{N}234{N}567,50{S}CHF (périmètre : CA annuel ≥ 55 M)",
                                  f"annual revenue CHF{S}1,234,567.50 (scope: annual revenue ≥ 55 M)")

    def test_not_and_an_odd_bound(self) -> None:
        """Row 23, and a bound that is no round thousand: « 1234567,5 » is "1234567.5" in English."""
        found = _of({"not": {"annual_revenue": {"gte": "50M"}}}, _plain("r60", annual_revenue=Decimal(60_000_000)))
        assert found["r60"] == (f"CA annuel 60{N}000{N}000{S}€ (périmètre : hors CA annuel ≥ 50 M)",
                                "annual revenue €60,000,000 (scope: not annual revenue ≥ 50 M)")
        found = _of({"annual_revenue": {"gte": "1234567,5"}}, _plain("r5", annual_revenue=Decimal("5000.75")))
        assert found["r5"][1] == "annual revenue €5,000.75 (scope: annual revenue ≥ 1234567.5)"


class TestTheCrmWordsStayAsTheCrmWroteThem:
    def test_an_industry_and_its_scope(self) -> None:
        """The English phrase table turned « et », « non », « compte » in the CRM's values into English."""
        found = _of({"industry": "Grands comptes"}, _plain("gc", industry="Produits et services non marchands"))
        assert found["gc"] == (
            "secteur Produits et services non marchands (périmètre : secteur Grands comptes)",
            "industry Produits et services non marchands (scope: industry Grands comptes)")

    def test_an_account_s_name(self) -> None:
        """The French phrase table turned "planned" and "unknown" in a name into « prévue », « inconnu »."""
        found = _of({"name": "Alpha"}, _plain("nm", name="Compte planned unknown"))
        assert found["nm"] == ("compte Compte planned unknown (périmètre : compte Alpha)",
                                                   "account Compte planned unknown (scope: account Alpha)")

    def test_a_custom_checkbox_and_its_name(self) -> None:
        """Row 14: « False » in both languages, and "custom.grand_account" in English."""
        found = _of({"custom.grand_compte": True}, _plain("cb", custom={"grand_compte": False}))
        assert found["cb"] == ("custom.grand_compte non (périmètre : custom.grand_compte oui)",
                               "custom.grand_compte no (scope: custom.grand_compte yes)")

    def test_a_multi_select_and_a_number(self) -> None:
        """Rows 13, 15 and 16: a multi-select's options, a custom number with a French decimal comma."""
        found = _of({"industry": "Chimie"}, _plain("multi", industry="Pharmacie;Agro"))
        assert found["multi"] == ("secteur Pharmacie ; Agro (périmètre : secteur Chimie)",
                                  "industry Pharmacie; Agro (scope: industry Chimie)")
        found = _of({"custom.effectif": {"gte": 500}}, _plain("c", custom={"effectif": Decimal("250.5")}))
        assert found["c"] == ("custom.effectif 250,5 (périmètre : custom.effectif ≥ 500)",
                              "custom.effectif 250.5 (scope: custom.effectif ≥ 500)")


class TestPlacesAndOwners:
    def test_geography(self) -> None:
        """Rows 6 to 9: « région inconnue » (it read « région inconnu »), a US ZIP+4 as the CRM has it."""
        found = _of({"departement": "69"}, account("d38", "38000", dormant=None),
                    replace(_plain("be"), country="BE", departement=None, region=None),
                    replace(_plain("pc"), postal_code="6900", departement=None))
        assert found["d38"] == ("département 38 (périmètre : département 69)", "département 38 (scope: département 69)")
        assert found["be"] == ("aucun département, pays BE (périmètre : département 69)",
                               "no département, country BE (scope: département 69)")
        assert found["pc"] == ("département inconnu, code postal '6900' : aucun département "
                               "(périmètre : département 69)",
                               "département unknown, postal code '6900' gives no département (scope: département 69)")
        found = _of({"region": "Auvergne-Rhône-Alpes"}, replace(_plain("nopc"), postal_code=None, departement=None,
                                                                region=None))
        assert found["nopc"] == ("région inconnue, sans code postal (périmètre : région Auvergne-Rhône-Alpes)",
                                 "region unknown, no postal code (scope: region Auvergne-Rhône-Alpes)")
        found = _of({"postal_code": "60601"}, replace(_plain("zip"), postal_code="60606-1234", country="US",
                                                      departement=None, region=None))
        assert found["zip"] == ("code postal 60606-1234 (périmètre : code postal 60601)",
                                "postal code 60606-1234 (scope: postal code 60601)")

    def test_owners(self) -> None:
        """Rows 10 to 12: an owner id no user pac reads is named as the state notes name it (it read « inconnu »)."""
        found = _of({"owner": JULIE}, _plain("om", owner_id="005M"), _plain("oq", owner_id="005Q"), _plain("on"))
        scope = f"propriétaire du compte {JULIE}"
        assert found["om"] == (f"propriétaire du compte marc.dubois@durand-process.example (périmètre : {scope})",
                               f"account owner marc.dubois@durand-process.example (scope: account owner {JULIE})")
        assert found["oq"] == (f"propriétaire du compte un utilisateur que pac ne lit pas (005Q) (périmètre : {scope})",
                               f"account owner a user pac does not read (005Q) (scope: account owner {JULIE})")
        assert found["on"] == (f"propriétaire du compte inconnu (périmètre : {scope})",
                               f"account owner unknown (scope: account owner {JULIE})")


class TestDormancy:
    def test_the_rule_s_days_in_french_words(self) -> None:
        """Rows 17, 18 and 20; « dans le mois » and "1 month" for one month (« dans les 1 mois », "1 months")."""
        found = _of({"dormant": {"months": 12}}, _plain("w1"), _plain("w2"),
                    deals=(won("d1", "w1", "1000", date(2026, 11, 3)),))
        assert found["w1"] == (
            "non dormant : dernière affaire gagnée le 3 novembre 2026, dans les 12 mois avant le 3 mai 2027 (depuis le "
            "3 mai 2026) (périmètre : dormant 12 mois)",
            "not dormant: last won deal on 2026-11-03, within the 12 months before 2027-05-03 (from 2026-05-03) "
            "(scope: dormant 12 months)")
        assert found["w2"] == ("non dormant : jamais d'affaire gagnée (prospect) (périmètre : dormant 12 mois)",
                               "not dormant: never won a deal (prospect) (scope: dormant 12 months)")
        found = _of({"dormant": {"months": 1}}, _plain("m1"), deals=(won("d1", "m1", "1000", date(2027, 4, 20)),))
        assert found["m1"] == (
            "non dormant : dernière affaire gagnée le 20 avril 2027, dans le mois avant le 3 mai 2027 (depuis le "
            "3 avril 2027) (périmètre : dormant 1 mois)",
            "not dormant: last won deal on 2027-04-20, within the 1 month before 2027-05-03 (from 2027-04-03) "
            "(scope: dormant 1 month)")

    def test_not_dormant_and_the_flag(self) -> None:
        """Rows 19 and 21."""
        found = _of({"not": {"dormant": True}}, _plain("nd"), deals=(won("d1", "nd", "1000", date(2026, 2, 2)),))
        assert found["nd"] == (
            "dormant : aucune affaire gagnée depuis le 3 mai 2026 (12 mois avant le 3 mai 2027), la dernière le "
            "2 février 2026 (périmètre : non dormant)",
            "dormant: no won deal from 2026-05-03 (12 months before 2027-05-03), the last on 2026-02-02 "
            "(scope: not dormant)")
        found = _of({"dormant": True}, account("fl", "69003", dormant=False))
        assert found["fl"] == (f"non dormant {FLAG_FR} (périmètre : dormant)",
                               f"not dormant {FLAG_EN} (scope: dormant)")


# the CRM's dormant flag decided (audit smallleft): said, and that pac's rule by won deals was not applied
FLAG_FR = "d'après le drapeau dormant du CRM (la règle des affaires gagnées ne s'applique pas)"
FLAG_EN = "by the CRM's dormant flag (pac's rule by won deals not applied)"


class TestDormancyDecidedByTheCrmFlag:
    """A dormancy near miss says whether the CRM's dormant flag or pac's rule by won deals decided it (audit
    smallleft, 7 Dec 2026: « non dormant (périmètre : dormant) » said neither, beside the rule's « non dormant :
    dernière affaire gagnée le … »). Written by hand before the fix: ``dormant: true`` reads the flag first, so an
    account flagged not dormant whose last won deal is 2 February 2026 (dormant by the rule on 3 May 2027) fails on
    its flag; ``not: dormant`` an account flagged dormant that won on 3 November 2026 (not dormant by the rule)
    likewise; ``dormant: {months: 12}`` ignores the flag, so its words stay the rule's."""

    def test_the_flag_decides_dormant_true(self) -> None:
        found = _of({"dormant": True}, account("f1", "69003", dormant=False),
                    deals=(won("d1", "f1", "1000", date(2026, 2, 2)),))
        assert found["f1"] == (f"non dormant {FLAG_FR} (périmètre : dormant)",
                               f"not dormant {FLAG_EN} (scope: dormant)")

    def test_the_flag_decides_not_dormant(self) -> None:
        found = _of({"not": {"dormant": True}}, account("f2", "69003", dormant=True),
                    deals=(won("d1", "f2", "1000", date(2026, 11, 3)),))
        assert found["f2"] == (f"dormant {FLAG_FR} (périmètre : non dormant)",
                               f"dormant {FLAG_EN} (scope: not dormant)")

    def test_the_rule_with_months_ignores_the_flag(self) -> None:
        found = _of({"dormant": {"months": 12}}, account("f3", "69003", dormant=True),
                    deals=(won("d1", "f3", "1000", date(2026, 11, 3)),))
        assert found["f3"] == (
            "non dormant : dernière affaire gagnée le 3 novembre 2026, dans les 12 mois avant le 3 mai 2027 (depuis le "
            "3 mai 2026) (périmètre : dormant 12 mois)",
            "not dormant: last won deal on 2026-11-03, within the 12 months before 2027-05-03 (from 2026-05-03) "
            "(scope: dormant 12 months)")

    def test_the_flag_then_and_the_flag_now(self) -> None:
        """The flag on the period's first day decides (not tonight's); its state note still follows."""
        found = _of({"dormant": True}, account("f4", "69003", dormant=True),
                    changes=(AccountChange("sf", "f4", "dormant", utc(5, 13, 9), False, True),))
        assert found["f4"] == (
            f"non dormant {FLAG_FR} (périmètre : dormant) ; compte non dormant au 3 mai 2027, premier jour de la "
            "période (marqué dormant le 13 mai)",
            f"not dormant {FLAG_EN} (scope: dormant); not dormant on 2027-05-03, the window's first day "
            "(flagged dormant on 2027-05-13)")

    def test_a_snapshot_keeps_them(self) -> None:
        p, ev = _explained({"dormant": True}, [account("f5", "69003", dormant=False)])
        again = evaluation_from_payload(snapshot_payload(ev))
        assert _words(p, again)["f5"] == _words(p, ev)["f5"] == (f"non dormant {FLAG_FR} (périmètre : dormant)",
                                                                   f"not dormant {FLAG_EN} (scope: dormant)")


class TestWhatFollowsTheFailure:
    def test_the_state_then_and_the_other_rules(self) -> None:
        """Row 24: « type de compte unknown au 3 mai 2027 » in French; a cancelled visit's other rule after it."""
        found = _of({"account_type": "Client"}, _plain("tp", account_type="Client"),
                    changes=(AccountChange("sf", "tp", "account_type", utc(5, 12, 9), None, "Client"),))
        assert found["tp"] == (
            "type de compte inconnu (périmètre : type de compte Client) ; type de compte inconnu au 3 mai 2027, "
            "premier jour de la période (Client depuis le 12 mai)",
            "account type unknown (scope: account type Client); account type unknown on 2027-05-03, the window's first "
            "day (Client since 2027-05-12)")
        found = _of({"departement": "69"}, account("d38", "38000", dormant=None),
                    status=ActivityStatus.CANCELLED)
        assert found["d38"] == ("département 38 (périmètre : département 69) ; aussi : annulée",
                                "département 38 (scope: département 69); also: cancelled")

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_a_snapshot_keeps_the_values(self, lang: str) -> None:
        """A stored evaluation reads the same words: its decisions keep their amounts and values."""
        p, ev = _explained({"annual_revenue": {"gte": "55M"}}, [
            _plain("eur", annual_revenue=Decimal(57_000_000), currency="EUR", rates=EUR_ORG)], currency="CHF")
        kept = evaluation_from_payload(snapshot_payload(ev))
        assert explain_action(p, kept, "A-01", lang=lang).rows == explain_action(p, ev, "A-01", lang=lang).rows


class TestNearMissDaysInFrench:
    """The other near misses' days and times in French words (row 26; decided 7 Dec 2026, docs/engine.md, Explain):
    « 2027-05-02 10:00, avant la période « … » (2027-05-03 – 2027-05-03) » before the fix, and the phrase table
    translated the window's label as it did the CRM's words (« planned account review » read « prévue compte
    review »); the English is unchanged."""

    def test_outside_a_one_day_window_with_an_english_label(self) -> None:
        day = Window(datetime(2027, 5, 3, tzinfo=PARIS), datetime(2027, 5, 4, tzinfo=PARIS), "planned account review")
        p = plan(action(window=day, scope=EVERYTHING, target=1), axes=(axis("AX-DORMANT", "SEG-ARA"),), segments=EVERY)
        records = Records(accounts=(_plain("a"),), activities=(visit("early", "a", utc(5, 2, 8)),), users=USERS)
        ev = evaluate(p, records, as_of=AS_OF, explain=True)
        assert _words(p, ev)["a"] == (
            "2 mai 2027 à 10:00, avant la période « planned account review » (le 3 mai 2027)",
            "2027-05-02 10:00, before the window “planned account review” (2027-05-03)")

    def test_a_whole_day_not_over(self) -> None:
        """A visit of all of 20 May, the evaluation's day (15:00): « 20 mai 2027, toute la journée … »."""
        p = plan(action(window=Window(datetime(2027, 5, 17, tzinfo=PARIS), datetime(2027, 5, 24, tzinfo=PARIS),
                                      "semaine 20"), scope=EVERYTHING, target=1),
                 axes=(axis("AX-DORMANT", "SEG-ARA"),), segments=EVERY)
        whole = replace(visit("today", "a", None, day=date(2027, 5, 20)), whole_day=True)
        records = Records(accounts=(_plain("a"),), activities=(whole,), users=USERS)
        ev = evaluate(p, records, as_of=datetime(2027, 5, 20, 15, tzinfo=PARIS), explain=True)
        assert _words(p, ev)["a"] == ("20 mai 2027, toute la journée : comptée une fois la journée passée",
                                      "2027-05-20, all day: counted once that day is over")
