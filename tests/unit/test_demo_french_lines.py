"""``pac demo --lang fr``'s lines the sandbox's demo does not print, or prints only one way (audit demofr): the handled
records' sentences, a second sync that wrote one record, the next commands of a demo elsewhere; and the same lines in
English, as the demo always printed them (tests/e2e/test_demo_french.py runs the whole story in both languages)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from sync_jobs import demo


def _records() -> SimpleNamespace:
    """One awkward record of each kind the demo says it handled."""
    return SimpleNamespace(
        deals=[SimpleNamespace(name="US", currency="USD", amount=Decimal("12345.5"))],
        activities=[SimpleNamespace(start=None, day=date(2027, 5, 1), type=SimpleNamespace(value="visit"),
                                    subject="Journée")],
        accounts=[SimpleNamespace(name="<b>x</b>", country="FR"), SimpleNamespace(name="Tokyo", country="JP")],
        users=[SimpleNamespace(source="hs-west", name="Salon", email="")])


SETTINGS = SimpleNamespace(engine=SimpleNamespace(fx_rates={"USD": "0.5"}))


class TestHandled:
    def test_french(self) -> None:
        """12,345.5 USD at 0.5: 12 346 USD counted 6 173 EUR (each rounded half up once); the day in words."""
        assert demo._handled(_records(), SETTINGS, "fr") == [
            "affaire « US » : 12 346 USD comptés 6 173 EUR (taux 0,5)",
            "événement sur la journée « Journée » : gardé à son jour du calendrier, le 1er mai 2027",
            "compte « <b>x</b> » : gardé comme texte, échappé dans le rapport",
            "compte « Tokyo » (JP) : dans aucun territoire français, donc dans aucun périmètre géographique",
            "utilisateur hs-west « Salon » sans e-mail : rattaché à personne du plan"]

    def test_english_as_it_was(self) -> None:
        assert demo._handled(_records(), SETTINGS) == [
            "deal 'US': 12,346 USD counted as 6,173 EUR (rate 0.5)",
            "all-day event 'Journée': kept on its calendar day, 2027-05-01",
            "account '<b>x</b>': stored as text, escaped in the report",
            "account 'Tokyo' (JP): in no French territory, so in no geographic scope",
            "hs-west user 'Salon' has no e-mail: matched to no one in the plan"]


def _second(written: int, rejected: int, new: int) -> SimpleNamespace:
    return SimpleNamespace(written=written, log_status="ok", rejections=[object()] * rejected,
                           new_rejections=[object()] * new)


class TestSecondSync:
    def test_french_counts_agree_singular_for_0_and_1(self) -> None:
        """« 1 enregistrement écrit », « 1 rejeté, dont 1 nouveau » but « 2 écritures », counts grouped « 1 207 » (the
        demo's own night, 0 written and 0 writes, is in tests/e2e/test_demo_french.py)."""
        line = demo.second_line(_second(1, 1, 1), {"salesforce": 1204, "hubspot": 3}, (1200, 5, 2), "fr")
        assert line == ("Deuxième synchronisation (rien n'a changé dans les CRM) : 1 enregistrement écrit, 1 207 "
                        "appels API (salesforce 1 204, hubspot 3 : 1 200 lectures d'enregistrements, 5 lectures de "
                        "connexion, de description et de listes, 2 écritures), exécution réussie (1 rejeté, dont 1 "
                        "nouveau : les mises de côté de la première exécution sont connues désormais, toujours "
                        "listées, l'exécution n'est plus partielle).")

    def test_english_as_it_was(self) -> None:
        line = demo.second_line(_second(0, 0, 0), {"salesforce": 12, "hubspot": 17}, (22, 7, 0))
        assert line == ("Second sync (nothing changed in the CRMs): wrote 0 records, 29 API calls (salesforce 12, "
                        "hubspot 17: 22 record reads, 7 login, describe and list reads, 0 writes), status ok.")


class TestNextSteps:
    def test_elsewhere_in_english_as_it_was(self) -> None:
        """A demo whose --db is elsewhere: the commands with PAC_CONFIG=, the descriptions where they always were."""
        lines = demo.next_steps("pac", Path("/x/demo.yaml"), None, env={})
        assert lines == ["  PAC_CONFIG=/x/demo.yaml pac explain A-01     which visits counted for A-01, and why the "
                         "others did not",
                         "  PAC_CONFIG=/x/demo.yaml pac status           the two runs, watermarks, API calls",
                         "  (PAC_CONFIG= names this demo's settings, /x/demo.yaml: the read commands find "
                         ".pac/demo.yaml by themselves, never these)"]

    def test_elsewhere_in_french(self) -> None:
        """`pac status --lang fr` to go on in French, the descriptions in one column."""
        lines = demo.next_steps("pac", Path("/x/demo.yaml"), Path("out/r.html"), env={}, lang="fr")
        assert lines == ["  PAC_CONFIG=/x/demo.yaml pac explain A-01       quelles visites ont compté pour A-01, et "
                         "pourquoi les autres non",
                         "  PAC_CONFIG=/x/demo.yaml pac status --lang fr   les deux exécutions, les points de reprise, "
                         "les appels API",
                         "  out/r.html   le rapport de la réunion commerciale trimestrielle (ouvrez-le dans un "
                         "navigateur)",
                         "  (PAC_CONFIG= nomme les réglages de cette démo, /x/demo.yaml : les commandes de lecture "
                         "trouvent .pac/demo.yaml d'elles-mêmes, jamais ceux-ci)"]


def test_every_line_has_its_french() -> None:
    assert set(demo.STORY["fr"]) == set(demo.STORY["en"])
