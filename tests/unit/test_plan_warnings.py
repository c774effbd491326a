"""The plan's warnings as a code and its values (``pac_core.plan_warnings``, audit warnfr): each worded in English
(the ``str``, as every warning always read) and in French, kept as a JSON record and read back; `pac sync --lang fr`
prints them in French, `pac sync` in English."""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

from pac_core.plan_warnings import CODES, PlanWarning, from_record, record, text, words_of
from sync_jobs.cli_sync import print_result
from sync_jobs.report import render_html
from sync_jobs.report.workbook import write as write_xlsx
from sync_jobs.report_inputs import ReportInputs, RunSummary
from sync_jobs.run_context import RunResult
from tests.unit import report_fixtures as fx

JULIE, MARC = "julie.martin@durand-process.example", "marc.dubois@durand-process.example"
ZERO = {"axis": "AX-1", "rate_en": "+30%", "rate_fr": "+30 %", "span_en": "Q2 2026", "span_fr": "T2 2026",
        "negative": False, "fixed": False, "share": False, "so_far": False}
SAMPLES = {
    "never_read": {"kind": "meeting", "actions": ["A-04", "A-15"], "connectors": [["sf-main", "salesforce"]]},
    "text": {"text": "plan.pac.yaml:9 axes[0].scope.custom.region: no mapping defines it"},
    "unmeasured_action": {"action": "A-4", "kind": "email", "owner": None, "connectors": [["hs", "hubspot"]],
                          "fixes": [["hs", "set activities.emails.enabled: true", "mettez activities.emails.enabled: "
                                     "true"]]},
    "unknown_owner": {"ids": ["A-06"], "email": "paul@x.example", "crms": "sf-main, hs-west",
                      "where": ["plan.pac.yaml:30 people[9]", ":236 actions[5].who (A-06)"], "kinds": ["action"],
                      "lookalikes": [["hs-west", "paul@y.example", "Paul"]], "yaml": "aliases: [paul@y.example]"},
    "remembered_email": {"user": "005S (Sophie)", "crm": "sf", "email": "s@new.example", "former": "s@old.example",
                         "place": "plan.pac.yaml:4 people[0]", "person": "s@old.example", "yaml": "aliases: [x]"},
    "remembered_shared": {"users": "sf 005A (A), sf 005B (B)", "email": "x@y", "formers": "a@y, b@y"},
    "reused_email": {"crm": "sf", "user": "005S", "email": "b@y", "former": "a@y", "place": "plan.pac.yaml:4",
                     "person": "b@y"},
    "handed_over": {"action": "A-01", "old": JULIE, "new": MARC, "version": 1, "day": "2027-05-20",
                    "declared": True},
    "zero_base": ZERO,
    "lost_with_retired": {"item": "A-2", "target": "action", "when": "run", "into": None,
                          "held": [["action_target", "6", "4", ["state", "hs-west", "Nathalie Garnier"], "2027-05-01"]],
                          "read": [["action_status", "done", None, ["crm", "hs-west", ""], "2027-05-19"]]},
    "relabelled": {"connector": "sf", "crm": "salesforce", "field": "Industry", "value": "Chemicals",
                   "old": "Chimie", "new": "Chimie fine", "family": False,
                   "stale": ["plan.pac.yaml:12 axes[0].scope.industry: 'Chimie'"]},
    "several_owners": {"connector": "sf", "who": "Julie", "able": [["j@a", "Standard"], ["j@b", "Standard"]],
                       "chosen": "j@a", "items": ["A-01"]},
    "renamed_product": {"connector": "sf", "crm": "salesforce", "field": "code", "old": "P40", "new": ["P40X"],
                        "deals": 2, "library": False, "stale": ["plan.pac.yaml:9 axes[1].scope.product_code: 'P40'"]},
}


class TestWords:
    def test_every_code_has_a_sample(self) -> None:
        assert set(SAMPLES) == CODES

    @pytest.mark.parametrize("code", sorted(SAMPLES))
    def test_a_record_reads_back_the_same_warning_in_both_languages(self, code: str) -> None:
        """Through JSON, as the run log keeps it: the same English, the same French, the same code."""
        warning = PlanWarning(code, SAMPLES[code])
        kept = json.loads(json.dumps(record(warning)))
        again = from_record(kept)
        assert (again.code, str(again), again.words("fr")) == (code, str(warning), warning.words("fr"))
        assert kept["en"] == str(warning) == warning.words("en")
        assert pickle.loads(pickle.dumps(warning)).words("fr") == warning.words("fr")   # noqa: S301 (our own bytes)

    @pytest.mark.parametrize("code", sorted(set(SAMPLES) - {"text"}))
    def test_french_differs_from_english(self, code: str) -> None:
        warning = PlanWarning(code, SAMPLES[code])
        assert warning.words("fr") != str(warning)

    def test_a_code_this_pac_does_not_know_reads_as_its_english_words(self) -> None:
        """A run recorded by a newer pac: its warning of a new code is shown in English, not dropped."""
        kept = {"code": "a_newer_code", "values": {"x": 1}, "en": "a newer warning"}
        assert from_record(kept).words("fr") == "a newer warning"
        broken = {"code": "handed_over", "values": {"action": "A-1"}, "en": "A-1: who changed"}
        assert from_record(broken).words("fr") == "A-1: who changed"

    def test_free_text_is_shown_as_worded_in_both_languages(self) -> None:
        assert words_of(["as worded", text("kept")], "fr") == ["as worded", "kept"]

    def test_the_hand_over_in_french(self) -> None:
        warning = PlanWarning("handed_over", SAMPLES["handed_over"])
        assert warning.words("fr") == (
            f"A-01 : le responsable est passé de {JULIE} à {MARC} depuis la version 1 du plan gardée par pac : les "
            f"activités de {JULIE} ne comptent plus pour elle ; pour garder celles faites avant la passation, ajoutez "
            f"à l'action  handed_over: {{from: {JULIE}, on: 2027-05-20}}  (le jour de départ de {JULIE}, d'après "
            "rep_leaving du plan)")
        assert str(warning).endswith(f"({JULIE}'s leaving day, from the plan's rep_leaving)")

    @pytest.mark.parametrize(("changes", "french"), [
        ({}, "axe AX-1 : une croissance de +30 % ne donne aucun objectif : son périmètre n'a gagné aucune affaire en "
             "T2 2026 (écrivez le CA additionnel en montant, p. ex. additional_revenue: 20000)"),
        ({"so_far": True}, "son périmètre n'a gagné aucune affaire en T2 2026 jusqu'ici (T2 2026 n'est pas terminé)"),
        ({"fixed": True}, "son CA de référence fixé est 0 "),
        ({"negative": True}, "le CA T2 2026 de son périmètre est négatif (avoirs)"),
        ({"negative": True, "share": True}, "sa part du CA T2 2026 de son périmètre est négative (avoirs)"),
    ])
    def test_a_zero_baseline_in_french(self, changes: dict, french: str) -> None:
        warning = PlanWarning("zero_base", {**ZERO, **changes})
        assert french in warning.words("fr")
        assert str(warning).startswith("axis AX-1: a growth of +30% gives no objective: ")

    def test_values_lost_with_an_item_in_french(self) -> None:
        warning = PlanWarning("lost_with_retired", SAMPLES["lost_with_retired"])
        assert warning.words("fr") == (
            "A-2 : n'est plus dans le plan, et avec lui partent les valeurs acceptées des CRM que le fichier du plan "
            "n'a pas : objectif 6 (4 dans le fichier) de hs-west (Nathalie Garnier) le 1er mai 2027 (elles reviennent "
            "si A-2 est remis sous cet id) et les modifications faites dans les CRM depuis la dernière exécution, non "
            "appliquées : statut done de hs-west (un utilisateur) le 19 mai 2027 ; pour les garder, écrivez objectif "
            "6, statut done dans l'action qui la remplace ; lancez `pac plan pull` avant de renommer ou de retirer un "
            "élément")
        assert str(warning) == (
            "A-2: no longer in the plan, and with it go the values accepted from the CRMs that the plan file does not "
            "have: target 6 (4 in the file) from hs-west (Nathalie Garnier) on 2027-05-01 (they come back if A-2 is "
            "put back under that id) and the edits made in the CRMs since the last run, not applied: status done from "
            "hs-west (a user) on 2027-05-19; to keep them, write target 6, status done in the action that replaces "
            "it; run `pac plan pull` before renaming or removing an item")


class TestSyncPrints:
    def _printed(self, lang: str) -> str:
        result = RunResult(plan_id="pac-2027")
        result.unmeasured = [PlanWarning("unknown_owner", SAMPLES["unknown_owner"]), "a free text warning"]
        result.relabelled = [PlanWarning("relabelled", SAMPLES["relabelled"])]
        out = io.StringIO()
        print_result(Console(file=out, width=1000), result, lang=lang)
        return out.getvalue()

    def test_sync_in_french_prints_the_plans_warnings_in_french(self) -> None:
        shown = self._printed("fr")
        assert "attention : A-06 : paul@x.example n'est utilisateur d'aucun CRM du plan (sf-main, hs-west)" in shown
        assert "attention : a free text warning" in shown
        assert ("attention : sf : Salesforce affiche la valeur de liste 'Chemicals' de Account.Industry sous 'Chimie "
                "fine', et non plus 'Chimie'") in shown
        assert "is a user of none" not in shown and "warning:" not in shown

    def test_sync_in_english_prints_them_as_they_always_read(self) -> None:
        shown = self._printed("en")
        assert "warning: A-06: paul@x.example is a user of none of the plan's CRMs (sf-main, hs-west)" in shown
        assert ("warning: sf: Salesforce shows the picklist value 'Chemicals' of Account.Industry as 'Chimie fine', no "
                "longer 'Chimie': pac read every account again tonight") in shown
        assert "attention" not in shown


class TestReport:
    def test_the_reports_data_section_words_the_kept_lines_in_its_language(self, tmp_path: Path) -> None:
        """A run recorded since 0017 keeps the hand-over both as its English line among its errors and as its
        record: the French report (page and workbook) lists it once, in French, under « Erreurs »; the unknown owner
        (a record only) after it, once, in French, as `pac status` lists it (audit xcrm, 7 Dec 2026: the report
        listed an action no CRM measures « À risque » with nothing saying so; docs/operations.md, *The plan's
        warnings*); the CRM's error as kept. The English report likewise in English."""
        handed = PlanWarning("handed_over", SAMPLES["handed_over"])
        unknown = PlanWarning("unknown_owner", SAMPLES["unknown_owner"])
        run = RunSummary(7, datetime(2027, 5, 20, 2, tzinfo=UTC), datetime(2027, 5, 20, 2, 5, tzinfo=UTC), "ok",
                         errors=("sf-main: login refused", f"warning: {handed}"),
                         plan_warnings=(record(handed), record(unknown)))
        inputs = replace(ReportInputs(fx.plan(), fx.evaluation()), last_run=run)
        html = render_html(inputs, "fr").replace("\xa0", " ")
        assert html.count("A-01 : le responsable est passé de") == 1 and "who changed" not in html
        unknown_fr = "A-06 : paul@x.example n'est utilisateur d'aucun CRM du plan (sf-main, hs-west)"
        assert unescape(html).count(unknown_fr) == 1
        assert "is a user of none" not in html and html.count("sf-main: login refused") == 1
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "r.xlsx", "fr"))
        cells = [str(c.value).replace("\xa0", " ") for row in book["Données"].iter_rows() for c in row if c.value]
        assert sum("A-01 : le responsable est passé de" in c for c in cells) == 1
        assert not any("who changed" in c for c in cells)
        assert sum("A-06 : paul@x.example n'est utilisateur d'aucun CRM du plan" in c for c in cells) == 1
        english = render_html(inputs, "en")
        assert english.count("A-01: who changed from") == 1 and "le responsable" not in english
        assert unescape(english).count("A-06: paul@x.example is a user of none of the plan's CRMs") == 1
