"""``pac demo --lang fr`` tells its whole story in French (audit demofr: the report was French, every line printed
before it English, for a French sales manager trying pac for the first time): the steps, the run's table, the
rejected and handled records, the API lines, the progress tables, the second sync, the snapshots and what to do
next, with the figures of the English run grouped the French way. ``--lang en`` keeps the English story to the byte
(the session's demo, ``tests/e2e/conftest.py``, against ``tests/data/demo_story_en.txt``)."""

from __future__ import annotations

import re
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.cli import run_pac
from tests.e2e.conftest import DEMO_TIMEOUT, DemoRun, clean_env

ENGLISH_STORY = Path(__file__).parents[1] / "data" / "demo_story_en.txt"

# English words of the demo's own lines (and of `pac sync`'s: tests/e2e/test_sync_french.py): none may be left in the
# French story once the CRM's record names and the plan's own text are taken out. `pac status`, `API`, `ROI`, the
# objects' CRM names (calls, meetings), ids and file names are the same in both languages.
ENGLISH = (r"\b(?:read|rejected|written|deleted|failed|left today|calls this run|e\.g|partial|ok|accounts|deals|"
           r"activities|users|Sync of|new|warnings?|object|records?|counted|nowhere|fix them|First sync|Second sync|"
           r"Awkward|handled|Done|Where to look|as of|Development axes|Snapshots|provisioned|listening|Missed|"
           r"On track|At risk|Not started|Active|Priority|Suspended|who|what|when|target|pace|progress|expected|"
           r"additional|objective|reads|writes|account|deal|event|user|stored|rate|sandbox|seeded|dialects|the|"
           r"of|and|in|since|year|run|exit)\b")


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> CompletedProcess[str]:
    """``pac demo --lang fr`` in a fresh directory of its own, as a French manager runs it (no ``PAC_`` variable)."""
    return run_pac("demo", "--lang", "fr", env=clean_env(), cwd=tmp_path_factory.mktemp("demo-fr"), timeout=600)


def _row(out: str, first: str) -> list[str]:
    """The cells of the table row whose first cell starts with ``first``, stripped, no-break spaces as spaces."""
    line = next(line for line in out.splitlines() if line.startswith(f"│ {first}"))
    return [c.strip().replace("\u202f", " ").replace("\u00a0", " ") for c in line.strip("│").split("│")]


def _flat(out: str) -> str:
    """The output as one line (the console wraps long sentences at its width)."""
    return " ".join(out.split())


def _english_api(run: DemoRun) -> dict[str, tuple[int, int]]:
    """The English run's API lines: connector -> (calls, left today)."""
    found = re.findall(r"^API ([\w-]+): ([\d,]+) calls this run, ([\d,]+) left today$", run.stdout, re.M)
    return {name: (int(calls.replace(",", "")), int(left.replace(",", ""))) for name, calls, left in found}


def _fr(n: int) -> str:
    """A count grouped as `pac sync --lang fr` groups it (``run_views.grouped``)."""
    return f"{n:,}".replace(",", " ")


@pytest.mark.timeout(DEMO_TIMEOUT)
class TestFrenchDemo:
    def test_the_story_has_no_english_word_of_its_own(self, french) -> None:
        """Every line pac prints of its own is French: taken out the CRM's record names, the plan's text (French)
        and the run's free text (none in the demo), no English word is left (the old story was English
        throughout: « First sync (full read): partial », « 99,970 left today », « Where to look next »)."""
        assert french.returncode == 0, french.stdout[-3000:] + french.stderr[-3000:]
        mine = french.stdout
        for name in ("Visite salon Pollutec (sans compte)", "Genève Pharma — MX50 (CHF)", "Opportunité sans montant",
                     "Export Tokyo — PX200 (USD)", "<script>alert(1)</script>", "Compte partagé Salon",
                     "engine.fx_rates", "demo-org.md", "demo.yaml", "PAC_CONFIG"):
            mine = mine.replace(name, "")
        assert mine.count("│") > 100     # the tables were printed (the plan's text in them is French)
        assert re.findall(ENGLISH, mine) == []

    def test_steps_in_french(self, french) -> None:
        """The steps as a French manager reads them, the days in words (« 20 mai 2027 à 18:00 »), the French spaces
        before « : » and « ; »."""
        text = _flat(french.stdout)
        for line in ("pac demo : un CRM bac à sable sur cette machine, le plan évalué à l'horloge de la démo, le 20 "
                     "mai 2027 à 18:00 (Europe/Paris)",
                     "(dialectes Salesforce + HubSpot, peuplé avec Durand Process Équipements, docs/demo-org.md).",
                     "Objets et champs PAC créés dans les CRM : ",
                     "Première synchronisation (lecture complète) : partielle",
                     "2 rejetés (dont 2 nouveaux), comptés nulle part (aussi dans `pac status` et la section des "
                     "données du rapport) ; les nouveaux rendent une exécution partielle (code de sortie 1), la "
                     "suivante les connaît :",
                     "activités sf-main 00U5g000000017IEAQ « Visite salon Pollutec (sans compte) » : ",
                     "affaires sf-main 0065g00000001xuAAA « Genève Pharma — MX50 (CHF) » : ",
                     "Enregistrements délicats lus et traités (docs/demo-org.md) :",
                     "affaire gagnée « Opportunité sans montant » sans montant : comptée comme gagnée, pour 0",
                     # 27,000 USD at the shipped 0.92: 24,840 EUR
                     "affaire « Export Tokyo — PX200 (USD) » : 27 000 USD comptés 24 840 EUR (taux 0,92)",
                     "le 22 avril 2027", "(JP) : dans aucun territoire français",
                     "PAC 2027 — Durand Process : actions au 20 mai 2027 à 18:00",
                     "Axes de développement : CA supplémentaire depuis le 1er janvier 2027",
                     "Instantanés que le planificateur aurait pris depuis janvier : 2027-01, 2027-02, 2027-03, "
                     "2027-04, 2027-Q1 (chacun calculé à la fin de sa période).",
                     "Où regarder ensuite :", "pac status --lang fr les deux exécutions",
                     "out/pac-report.html le rapport de la réunion commerciale trimestrielle"):
            assert line in text, line
        assert re.search(r"Terminé en \d+,\d s\. ", text), text[-800:]

    def test_the_figures_are_the_english_runs(self, french, demo_run: DemoRun) -> None:
        """The run's table, the API lines (the quota left grouped as `pac sync --lang fr` groups it, « 99 970 »)
        and the second sync's calls say what the session's English demo said, in French."""
        assert demo_run.returncode == 0 and french.returncode == 0, french.stderr[-3000:]
        english = _english_api(demo_run)
        assert sorted(english) == ["hs-west", "sf-main"], demo_run.stdout[-3000:]
        api = [line for line in french.stdout.splitlines() if line.startswith("API ")]
        assert api == [f"API {name} : {_fr(calls)} appels pour cette exécution, {_fr(left)} restants aujourd'hui"
                       for name, (calls, left) in english.items()]
        assert re.fullmatch(r"API sf-main : \d+ appels pour cette exécution, \d{2} \d{3} restants aujourd'hui", api[0])
        heads = next(line for line in french.stdout.splitlines() if line.startswith("┃ objet"))
        assert [c.strip() for c in heads.strip("┃").split("┃")] == ["objet", "lus", "rejetés", "alertes",
                                                                    "supprimés", "écrits", "en échec"]
        assert _row(french.stdout, "activités")[1:3] == ["4 748", "1"]
        assert _row(french.stdout, "affaires")[1:4] == ["1 441", "1", "1"]
        assert _row(french.stdout, "champs PAC des comptes")[5] == "485"
        calls = re.search(r"(\d+) API calls \(salesforce (\d+), hubspot (\d+): (\d+) record reads, (\d+) login",
                          _flat(demo_run.stdout))
        assert calls is not None
        total, sf, hs, reads, other = calls.groups()
        assert (f"Deuxième synchronisation (rien n'a changé dans les CRM) : 0 enregistrement écrit, {total} appels API "
                f"(salesforce {sf}, hubspot {hs} : {reads} lectures d'enregistrements, {other} lectures de connexion, "
                "de description et de listes, 0 écriture), exécution réussie (2 rejetés, dont 0 nouveau : ")\
            in _flat(french.stdout)

    def test_progress_tables_in_the_reports_words(self, french) -> None:
        """A-01 at 4 / 5, missed (« Manquée »), and the axes as the French report writes them: « 87 400 € »,
        « 58 % », the statuses and paces in French."""
        a01 = _row(french.stdout, "A-01")
        assert a01[4:6] == ["4 / 5", "Manquée"], a01
        heads = next(line for line in french.stdout.splitlines() if line.startswith("┃ axe"))
        assert [c.strip() for c in heads.strip("┃").split("┃")] == [
            "axe", "statut", "CA supplémentaire", "objectif", "avancement", "attendu à date", "ROI à date", "rythme"]
        assert _row(french.stdout, "AX-RA-DORM")[1:] == ["Actif", "87 400 €", "150 000 €", "58 %", "38 %", "343 %",
                                                          "Dans les temps"]
        assert _row(french.stdout, "AX-PHARMA-MX50")[1] == "Prioritaire n° 1"

    def test_the_english_story_is_unchanged(self, demo_run: DemoRun) -> None:
        """``pac demo --lang en``'s story, to the byte, as before the French one (the sandbox's port and the time taken
        aside): tests/data/demo_story_en.txt is the English demo's output of main at 96fd40ae."""
        assert demo_run.returncode == 0, demo_run.stderr[-3000:]
        out = re.sub(r"https://127\.0\.0\.1:\d+", "https://127.0.0.1:PORT", demo_run.stdout)
        out = re.sub(r"Done in \d+\.\ds\.", "Done in N.Ns.", out)
        assert out == ENGLISH_STORY.read_text(encoding="utf-8")
