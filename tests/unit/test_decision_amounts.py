"""A won deal's value warnings keep their amounts as values (``Decision.amounts``), and each language writes them from
those values (``explain.detail_words``), never by reading them back out of the English (audit decamounts, 7 Dec 2026).

Expected words written by hand before the code, in pac's money format (``pac_core.money``: French « 1 234,50 € »,
a narrow no-break space between thousands, a no-break space before the symbol; English "€1,234.50"), each amount to
the currency's shown digits (``shown_digits``: 2, 0 for JPY and XOF, 2 for a currency of three):

- a credit of XOF -1,234.50 (West African CFA franc, no minor unit): rounded half up to -1,235; English
  "won deal with a negative amount (-F CFA 1,235): a credit, …" (unchanged), French « affaire gagnée de montant
  négatif (-1 235 F CFA) : un avoir, déduit du CA gagné ». Before: the English symbol "F CFA" holds a narrow no-break
  space, which the reading's symbol pattern did not take: the French kept « (-F CFA 1,235) », English inside French;
- a JPY deal typed 113,540 whose lines add up to 113,000: « montant de l'affaire 113 540 JPY différent de ses lignes,
  113 000 JPY : … » (the JPY amounts to the yen, fr_FR writes the code JPY; English "¥113,540", "¥113,000");
- a CHF credit of -1,500: English "-CHF 1,500.00", French « -1 500,00 CHF »;
- a KWD deal of no amount whose lines make 1,234.5675: to the cent, "KWD 1,234.57", « 1 234,57 KWD »;
- a deal in a code Babel lists no symbol for (XBT): English "-XBT 1,234.50", French « -1 234,50 XBT » (before: left
  English, the reading knows only the codes Babel lists);
- the same XOF credit kept before the amounts were (a snapshot of the morning: no ``amounts``): read back from its
  English as before, now taking the narrow no-break space of "F CFA": « (-1 235 F CFA) ».
Two warnings name no amount but a CRM text or codes, kept as values too (``Decision.values``), both languages made
from them (the French was half English, and the phrase table rewrote words inside a product's name):
- a HubSpot line "Planned unknown amount €500" priced in CHF on an EUR deal, no rate for CHF (plan EUR): English
  "line Planned unknown amount €500 is priced in CHF, its deal in EUR: counted 0 on product axes, no exchange rate
  for CHF into EUR (add it to engine.fx_rates in pac.yaml)" (unchanged); French « ligne « Planned unknown amount €500 »
  au prix en CHF, son affaire en EUR : comptée 0 sur les axes de produits, pas de taux de change pour CHF en EUR
  (ajoutez-le à engine.fx_rates dans pac.yaml) ». Before: « line Planned inconnu montant €500 is priced in CHF, its
  deal in EUR: counted 0 on product axes, pas de taux de change pour CHF en EUR (…) »: the line's name reworded;
- two accounts' annual revenue in GBP, no rate (CHF plan, EUR org): French « CA annuel en GBP sur 2 compte(s), par
  exemple celui-ci : pas de taux de change pour GBP en CHF (ajoutez-le à engine.fx_rates dans pac.yaml) ; d'ici là,
  les conditions de périmètre annual_revenue le traitent comme inconnu (ni dedans ni dehors) » (before: « annual
  revenue in GBP on 2 account(s), e.g. this one: pas de taux … ; until then … treat it as inconnu (neither inside nor
  outside) »); in USD on a GBP plan, the org converting USD into EUR: « … pas de taux de change pour EUR en GBP
  (ajoutez-le à engine.fx_rates dans pac.yaml ; le CRM convertit USD en EUR et n'a pas de taux pour GBP) … ».
The English detail of every warning is byte-identical to before (the tests of test_explain_rates and
test_engine_revenue assert it), and a decision with no amounts encodes in a snapshot as before (no "amounts" key).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from pac_core.columnar import RecordColumns
from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import detail_words, localise
from pac_core.fx import conversion, for_lines
from pac_core.records import CrmRates, DealLine, Records
from pac_core.results import Amount, Decision
from pac_core.revenue import VALUE_WORDS, line_currency_warnings, value_warnings, value_words
from pac_core.scopes import Condition, Scope
from pac_core.snapshots import evaluation_from_payload, snapshot_payload
from tests.unit.test_engine_support import DEPT_69, PARIS, USERS, account, action, axis, plan, utc, visit, won

NNBSP, NBSP = "\u202f", "\u00a0"


class TestFrenchFromTheValues:
    def test_an_xof_credit_reads_in_french(self) -> None:
        credit = won("c", "a1", "-1234.5", date(2027, 5, 10), currency="XOF")
        [warning] = value_warnings(credit, Decimal("-1234.5"), None, "EUR")
        assert warning.detail == ("won deal with a negative amount (−F\u202fCFA\u00a01,235): a credit, subtracted from "
                                  "the won revenue")
        assert warning.amounts == (Amount(Decimal("-1234.5"), "XOF"),)
        assert detail_words(warning, "fr") == (
            f"affaire gagnée de montant négatif (−1{NNBSP}235{NBSP}F{NNBSP}CFA) : un avoir, déduit du CA gagné")
        assert detail_words(warning, "en") == warning.detail

    def test_a_jpy_amount_differing_from_its_lines(self) -> None:
        lines = (DealLine("P1", Decimal(1), Decimal(100000), code="P1"),
                 DealLine("P2", Decimal(1), Decimal(13000), code="P2"))
        deal = won("j", "a1", "113540", date(2027, 5, 10), currency="JPY", lines=lines)
        [warning] = value_warnings(deal, Decimal(113540), None, "EUR")
        assert warning.detail == ("deal amount ¥113,540 differs from its line items, ¥113,000: product axes count the "
                                  "lines")
        assert detail_words(warning, "fr") == (
            f"montant de l'affaire 113{NNBSP}540{NBSP}JPY différent de ses lignes, 113{NNBSP}000{NBSP}JPY : les axes "
            "de produits comptent les lignes")

    def test_a_chf_credit_and_a_kwd_sum_of_lines(self) -> None:
        credit = won("c", "a1", "-1500", date(2027, 5, 10), currency="CHF")
        [warning] = value_warnings(credit, Decimal(-1500), None, "EUR")
        assert warning.detail == ("won deal with a negative amount (−CHF\u00a01,500.00): a credit, subtracted from "
                                  "the won revenue")
        assert detail_words(warning, "fr") == (
            f"affaire gagnée de montant négatif (−1{NNBSP}500,00{NBSP}CHF) : un avoir, déduit du CA gagné")
        lines = (DealLine("P1", Decimal(1), Decimal("1000.5"), code="P1"),
                 DealLine("P2", Decimal(1), Decimal("234.0675"), code="P2"))
        deal = won("k", "a1", None, date(2027, 5, 10), currency="KWD", lines=lines)
        [warning] = value_warnings(deal, Decimal("1234.5675"), None, "EUR")
        assert warning.detail == "deal amount empty: the sum of its line items used, KWD\u00a01,234.57"
        assert detail_words(warning, "fr") == (
            f"montant de l'affaire vide : somme de ses lignes utilisée, 1{NNBSP}234,57{NBSP}KWD")

    def test_a_code_with_no_symbol_in_babel(self) -> None:
        credit = won("x", "a1", "-1234.5", date(2027, 5, 10), currency="XBT")
        [warning] = value_warnings(credit, Decimal("-1234.5"), None, "EUR")
        assert warning.detail == ("won deal with a negative amount (−XBT\u00a01,234.50): a credit, subtracted from the "
                                  "won revenue")
        assert detail_words(warning, "fr") == (
            f"affaire gagnée de montant négatif (−1{NNBSP}234,50{NBSP}XBT) : un avoir, déduit du CA gagné")

    def test_every_rule_writes_its_english_detail_from_its_amounts(self) -> None:
        """The one table's English is the detail, word for word, whatever the currency: rewording it rewords both."""
        lines = (DealLine("P1", Decimal(1), Decimal("-500"), code="P1"),)
        for currency in ("EUR", "GBP", "JPY", "XOF", "CHF", "USD"):
            for deal, value in ((won("a", "a1", None, date(2027, 5, 10), currency=currency, lines=lines),
                                 Decimal(-500)),
                                (won("b", "a1", "-900", date(2027, 5, 10), currency=currency, lines=lines),
                                 Decimal(-900))):
                warnings = value_warnings(deal, value, None, "EUR")
                assert {w.rule for w in warnings} <= set(VALUE_WORDS) and len(warnings) == 2
                for w in warnings:
                    assert value_words(w.rule, w.amounts, "en") == w.detail
                    assert all(a.currency == currency for a in w.amounts)

    def test_another_decision_is_localised_as_before(self) -> None:
        d = Decision("sf", "006", True, "no_amount", "the won deal has no amount: counted as won, worth 0")
        assert detail_words(d, "fr") == localise(d.detail, "fr") == "affaire gagnée sans montant : comptée, pour 0"
        # amounts that are not the rule's (none of a value warning's): its words, not a half-filled table
        odd = Decision("sf", "006", True, "credit", "won deal with a negative amount (-€5.00): a credit, subtracted "
                       "from the won revenue", amounts=(Amount(Decimal(-5), "EUR"), Amount(Decimal(1), "EUR")))
        assert detail_words(odd, "fr") == localise(odd.detail, "fr")


class TestKeptBefore:
    def test_a_warning_kept_without_amounts_is_read_from_its_english(self) -> None:
        credit = won("c", "a1", "-1234.5", date(2027, 5, 10), currency="XOF")
        [warning] = value_warnings(credit, Decimal("-1234.5"), None, "EUR")
        old = replace(warning, amounts=())
        assert detail_words(old, "fr") == localise(warning.detail, "fr") == (
            f"affaire gagnée de montant négatif (−1{NNBSP}235{NBSP}F{NNBSP}CFA) : un avoir, déduit du CA gagné")

    def test_a_snapshot_keeps_the_amounts_and_reads_one_of_before(self) -> None:
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        lines = (DealLine("P1", Decimal(1), Decimal("500.0"), code="P1"),
                 DealLine("P2", Decimal(1), Decimal("300.0"), code="P2"))
        deals = (won("g", "a1", None, date(2027, 5, 10), currency="EUR", lines=lines),
                 won("c", "a1", "-1500", date(2027, 5, 12)), won("n", "a1", None, date(2027, 5, 13)))
        ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS))
        assert [(w.record_id, w.rule, w.amounts) for w in ev.warnings] == [
            ("g", "amount_from_lines", (Amount(Decimal("800.0"), "EUR"),)),
            ("c", "credit", (Amount(Decimal(-1500), "EUR"),)), ("n", "no_amount", ())]
        payload = snapshot_payload(ev)
        kept = payload["warnings"]
        assert kept[0]["amounts"] == [{"value": "800.0", "currency": "EUR"}]
        assert "amounts" not in kept[2]           # a decision of no amounts: its payload as before
        assert evaluation_from_payload(payload) == ev
        for w in kept:        # a snapshot of before the amounts: read back from the English, the same French
            w.pop("amounts", None)
        before = evaluation_from_payload(payload)
        assert [detail_words(w, "fr") for w in before.warnings] == [detail_words(w, "fr") for w in ev.warnings] == [
            "montant de l'affaire vide : somme de ses lignes utilisée, 800,00\u00a0€",
            f"affaire gagnée de montant négatif (−1{NNBSP}500,00{NBSP}€) : un avoir, déduit du CA gagné",
            "affaire gagnée sans montant : comptée, pour 0"]

    @pytest.mark.parametrize("columns", [False, True])
    def test_both_record_forms_keep_the_same_amounts(self, columns: bool) -> None:
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        lines = (DealLine("P1", Decimal(1), Decimal("500"), code="P1"),)
        deals = (won("d", "a1", "900", date(2027, 5, 10), currency="GBP", lines=lines),
                 won("c", "a1", "-1234.5", date(2027, 5, 12), currency="XOF"))
        records = Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS)
        from_ = RecordColumns.of(records) if columns else records
        ev = evaluate(p, from_, as_of=datetime(2027, 6, 1, tzinfo=PARIS),
                      settings=_settings({"GBP": "1.15", "XOF": "0.0015"}))
        assert sorted((w.record_id, w.amounts) for w in ev.warnings) == [
            ("c", (Amount(Decimal("-1234.5"), "XOF"),)),
            ("d", (Amount(Decimal(900), "GBP"), Amount(Decimal(500), "GBP")))]


class TestCrmTextsAndCodes:
    NAME = "Planned unknown amount €500"
    LINE_EN = ("line Planned unknown amount €500 is priced in CHF, its deal in EUR: counted 0 on product axes, no "
               "exchange rate for CHF into EUR (add it to engine.fx_rates in pac.yaml)")
    LINE_FR = ("ligne « Planned unknown amount €500 » au prix en CHF, son affaire en EUR : comptée 0 sur les axes de "
               "produits, pas de taux de change pour CHF en EUR (ajoutez-le à engine.fx_rates dans pac.yaml)")

    def test_a_lines_name_is_never_reworded(self) -> None:
        lines = (DealLine("P9", Decimal(1), Decimal(500), name=self.NAME, currency="CHF"),)
        deal = won("d", "a1", "900", date(2027, 5, 10), currency="EUR", lines=lines)
        rate = for_lines(conversion("EUR", None, "EUR", {}), deal.lines, None, "EUR", {})  # type: ignore[arg-type]
        [warning] = line_currency_warnings(deal, rate, "EUR", None)
        assert warning.detail == self.LINE_EN
        assert detail_words(warning, "fr") == self.LINE_FR
        assert detail_words(warning, "en") == self.LINE_EN
        # kept before its values: read from its English, its name kept as it is
        assert detail_words(replace(warning, values=()), "fr") == localise(self.LINE_EN, "fr") == self.LINE_FR

    def test_an_annual_revenue_no_rate_converts(self) -> None:
        org = CrmRates("EUR", (("CHF", Decimal("0.95")), ("EUR", Decimal(1)), ("USD", Decimal("1.08"))))
        big = Condition("annual_revenue", "gte", (Decimal(55_000_000),), "CA ≥ 55 M")
        accounts = tuple(account(f"g{k}", "69003", dormant=None, annual_revenue=Decimal(70_000_000), currency=cur,
                                 rates=org) for k, cur in enumerate(("GBP", "GBP", "USD")))
        records = Records(accounts=accounts, activities=tuple(visit(f"v-{a.id}", a.id, utc(5, 4, 8)) for a in accounts),
                          users=USERS)
        p = plan(action(scope=Scope((DEPT_69, big)), target=3), axes=(axis("AX-DORMANT", "SEG-ARA"),))
        ev = evaluate(replace(p, currency="CHF"), records, as_of=datetime(2027, 5, 20, tzinfo=PARIS))
        [gbp] = [w for w in ev.warnings if w.rule == "annual_revenue_no_rate"]
        assert gbp.detail == (
            "annual revenue in GBP on 2 account(s), e.g. this one: no exchange rate for GBP into CHF (add it to "
            "engine.fx_rates in pac.yaml); until then annual_revenue scope conditions treat it as unknown (neither "
            "inside nor outside)")
        assert detail_words(gbp, "fr") == (
            "CA annuel en GBP sur 2 compte(s), par exemple celui-ci : pas de taux de change pour GBP en CHF "
            "(ajoutez-le à engine.fx_rates dans pac.yaml) ; d'ici là, les conditions de périmètre annual_revenue le "
            "traitent comme inconnu (ni dedans ni dehors)")
        assert detail_words(gbp, "en") == gbp.detail
        ev = evaluate(replace(p, currency="GBP"), records, as_of=datetime(2027, 5, 20, tzinfo=PARIS))
        [usd] = [w for w in ev.warnings if w.rule == "annual_revenue_no_rate"]
        assert usd.detail == (
            "annual revenue in USD on 1 account(s), e.g. this one: no exchange rate for EUR into GBP (add it to "
            "engine.fx_rates in pac.yaml; the CRM converts USD into EUR and has no rate for GBP); until then "
            "annual_revenue scope conditions treat it as unknown (neither inside nor outside)")
        assert detail_words(usd, "fr") == (
            "CA annuel en USD sur 1 compte(s), par exemple celui-ci : pas de taux de change pour EUR en GBP "
            "(ajoutez-le à engine.fx_rates dans pac.yaml ; le CRM convertit USD en EUR et n'a pas de taux pour GBP) ; "
            "d'ici là, les conditions de périmètre annual_revenue le traitent comme inconnu (ni dedans ni dehors)")
        payload = snapshot_payload(ev)
        assert evaluation_from_payload(payload) == ev


def _settings(rates: dict[str, str]) -> EngineSettings:
    return EngineSettings(fx_rates={k: Decimal(v) for k, v in rates.items()})
