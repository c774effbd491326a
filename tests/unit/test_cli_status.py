"""``pac status``'s advice block, as a run kept it: its heading counts the advised axes in agreement."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from pac_core.results import Recommendation, Rule
from pac_core.snapshots import recommendations_payload
from sync_jobs import cli_status
from sync_jobs.run_views import object_words


def _kept(n: int) -> dict[str, Any]:
    recos = [Recommendation(Rule.ROLL_OUT, f"AX-{i}", "S-1", f"Déployer l'axe {i}.", {}) for i in range(n)]
    return {"plan": "PAC 2027", "language": "fr", "as_of": "2027-08-16T00:00:00+02:00",
            "recommendations": recommendations_payload(recos), "labels": {"roll_out": "Déployer"}}


class TestAdviceHeading:
    @pytest.mark.parametrize(("n", "heading"), [
        (1, "Advice for PAC 2027 (1 axis; evidence: pac advice AXIS):"),
        (2, "Advice for PAC 2027 (2 axes; evidence: pac advice AXIS):"),
    ])
    def test_the_count_agrees(self, monkeypatch: pytest.MonkeyPatch, n: int, heading: str) -> None:
        """One advised axis is "1 axis" (it read "1 axes"), two are "2 axes"."""
        monkeypatch.setattr(cli_status.repo, "latest_advice", lambda engine, plan_id: SimpleNamespace(
            id=7, advice=_kept(n)))
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=200), None, "plan", 7)  # type: ignore[arg-type]
        lines = out.getvalue().splitlines()
        assert lines[0] == heading and len(lines) == 1 + n


def _kept_both(n: int) -> dict[str, Any]:
    """A French plan's kept advice, each sentence with its English (``Recommendation.other``)."""
    recos = [Recommendation(Rule.ROLL_OUT, f"AX-{i}", "S-1", f"Déployer l'axe {i}.", {},
                            other={"en": f"Roll out axis {i}."}) for i in range(n)]
    return {"plan": "PAC 2027", "language": "fr", "as_of": "2027-08-16T00:00:00+02:00",
            "recommendations": recommendations_payload(recos), "labels": {"roll_out": "Déployer"}}


class TestOneLanguage:
    """`pac status` is written in one language, English unless ``--lang fr``: its advice too (audit newcomer3 L5:
    English headings and tables, the advice sentences under them in the plan's French)."""

    def _advice(self, monkeypatch: pytest.MonkeyPatch, kept: dict[str, Any], lang: str) -> list[str]:
        monkeypatch.setattr(cli_status.repo, "latest_advice", lambda engine, plan_id: SimpleNamespace(
            id=7, advice=kept))
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=200), None, "plan", 7,  # type: ignore[arg-type]
                                     lang=lang)
        return out.getvalue().splitlines()

    def test_a_french_plans_advice_is_english_in_an_english_status(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert self._advice(monkeypatch, _kept_both(1), "en") == [
            "Advice for PAC 2027 (1 axis; evidence: pac advice AXIS):", "  AX-0: Roll out axis 0."]

    def test_in_french_every_line_is_french(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert self._advice(monkeypatch, _kept_both(2), "fr") == [
            "Conseils pour PAC 2027 (2 axes ; justificatifs : pac advice AXE) :", "  AX-0 : Déployer l'axe 0.",
            "  AX-1 : Déployer l'axe 1."]
        assert self._advice(monkeypatch, {**_kept_both(0)}, "fr") == [
            "Conseils : Aucune recommandation : chaque axe est dans les seuils fixés."]
        assert self._advice(monkeypatch, {**_kept_both(0)}, "en") == [
            "Advice: No recommendation: every axis is within its thresholds."]


class TestFrenchWords:
    """``pac status --lang fr``'s words agree with their counts and name statuses and objects in French (audit
    frenchwords); English keeps the run log's words."""

    def test_the_warnings_agree_with_their_counts(self) -> None:
        one = {"deals": {"no_amount": 1}, "activities": {"planned_past": 1}}
        three = {"deals": {"no_amount": 3}, "activities": {"planned_past": 3}}
        assert cli_status.warning_lines(one, "fr") == [
            "Alertes de qualité des données de la dernière exécution : 1 affaire gagnée sans montant, comptée comme "
            "gagnée, pour 0 (corrigez les montants dans le CRM ; `pac explain AXE` la liste).",
            "Alertes de qualité des données de la dernière exécution : 1 activité encore planifiée à une date passée, "
            "comptée nulle part (mettez à jour son résultat ou son statut dans le CRM ; `pac explain ACTION` la "
            "liste)."]
        assert cli_status.warning_lines(three, "fr") == [
            "Alertes de qualité des données de la dernière exécution : 3 affaires gagnées sans montant, comptées "
            "comme gagnées, pour 0 (corrigez les montants dans le CRM ; `pac explain AXE` les liste).",
            "Alertes de qualité des données de la dernière exécution : 3 activités encore planifiées à une date "
            "passée, comptées nulle part (mettez à jour leur résultat ou leur statut dans le CRM ; `pac explain "
            "ACTION` les liste)."]
        assert cli_status.warning_lines(three, "en") == [
            "Last run's data-quality warnings: 3 won deal(s) with no amount, counted as won and worth 0 (fix the "
            "amounts in the CRM; `pac explain AXIS` lists them).",
            "Last run's data-quality warnings: 3 activities still planned on a past date, counted nowhere (update "
            "their outcome or status in the CRM; `pac explain ACTION` lists them)."]
        assert cli_status.warning_lines({}, "fr") == []

    @pytest.mark.parametrize(("status", "fr"), [("ok", "réussie"), ("partial", "partielle"), ("failed", "échouée"),
                                                ("quota_stopped", "arrêtée (quota API)"), ("locked", "déjà en cours"),
                                                ("running", "en cours"), ("some_future_word", "some_future_word")])
    def test_each_status_in_french(self, status: str, fr: str) -> None:
        assert (cli_status.status_words(status, "fr"), cli_status.status_words(status, "en")) == (fr, status)

    @pytest.mark.parametrize(("key", "fr"), [
        ("deals", "affaires"), ("activities:Event", "activités (Event)"), ("users", "utilisateurs"),
        ("pac_edits@pac-2027", "modifications du plan dans le CRM (pac-2027)"), ("quotes", "quotes")])
    def test_each_object_in_french(self, key: str, fr: str) -> None:
        """An object of the run log in French, the CRM's own object or the plan after it; one pac does not know
        as kept (never half translated)."""
        assert (object_words(key, "fr"), object_words(key, "en")) == (fr, key)
