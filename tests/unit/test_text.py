"""pac_core.text: one function per way of comparing text, each pinned by examples of what it keeps apart."""

from __future__ import annotations

import pytest

from pac_core.text import closest, cut_list, fold_alnum, fold_keep_length, fold_key, fold_value, fold_words


class TestFolding:
    @pytest.mark.parametrize(("text", "folded"), [(" Rhône ", "rhone"), ("RHONE", "rhone"), ("Straße", "strasse"),
                                                  ("Côtes-d'Armor", "cotes-d'armor")])
    def test_fold_value_drops_case_accents_and_outer_spaces_only(self, text: str, folded: str) -> None:
        assert fold_value(text) == folded

    @pytest.mark.parametrize(("text", "folded"), [("Code postal", "code_postal"), ("not-in", "not_in"),
                                                  ("Région ", "region"), ("l'axe", "l_axe"), ("œuvre", "uvre")])
    def test_fold_key_is_ascii_with_underscores(self, text: str, folded: str) -> None:
        assert fold_key(text) == folded

    @pytest.mark.parametrize(("text", "folded"), [("Côtes-d’Armor", "cotes d armor"), ("  Val-d'Oise ", "val d oise"),
                                                  ("Saint_Étienne.", "saint etienne")])
    def test_fold_words_turns_punctuation_into_single_spaces(self, text: str, folded: str) -> None:
        assert fold_words(text) == folded

    @pytest.mark.parametrize(("text", "sep", "folded"), [("Taux de réussite (%)", " ", "taux de reussite"),
                                                         ("PAC 2027 — Lyon!", "-", "pac-2027-lyon"),
                                                         ("€€", "-", "")])
    def test_fold_alnum_keeps_ascii_letters_and_digits(self, text: str, sep: str, folded: str) -> None:
        assert fold_alnum(text, sep) == folded

    @pytest.mark.parametrize("text", ["Semaine 18 — « Rhône »", "ﬁn d’année", "İstanbul\u00a0B", ""])
    def test_fold_keep_length_keeps_every_position(self, text: str) -> None:
        assert len(fold_keep_length(text)) == len(text)

    def test_fold_keep_length_plain_punctuation(self) -> None:
        assert fold_keep_length("Été – l’an") == "ete - l'an"

    def test_the_two_former_folds_differ_and_are_named_apart(self) -> None:
        """The scope comparison keeps spaces and non-ASCII letters; the key comparison does not."""
        assert fold_value("Code Postal") == "code postal"
        assert fold_key("Code Postal") == "code_postal"


def test_closest_forgives_case_and_accents_first() -> None:
    """The suggestion for a mistyped CRM value: same but for accents or case first, then the closest spelling."""
    assert closest("Annulee", ["Réalisée", "Annulée", "Absent"]) == "Annulée"
    assert closest("Visite Client", ["Visite client", "Visite cliente"]) == "Visite client"
    assert closest("Complete", ["Not Started", "Completed"]) == "Completed"
    assert closest("zzz", ["Completed"]) is None


class TestCutList:
    def test_fits_unchanged(self) -> None:
        assert cut_list("AX-1; AX-2", 10) == "AX-1; AX-2"

    def test_drops_whole_items_and_ends_with_the_mark(self) -> None:
        """11 characters over 10: "AX-1; …" (7); never "AX-1; AX-…"."""
        assert cut_list("AX-1; AX-22", 10) == "AX-1; …"
        assert cut_list("AX-1; AX-2; AX-3", 13) == "AX-1; AX-2; …"

    def test_no_item_fits(self) -> None:
        assert cut_list("AX-123456", 5) == "…"
