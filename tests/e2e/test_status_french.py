"""``pac status --lang fr`` is French throughout for a French ops admin (audit frenchwords): the runs' statuses, the
objects read and rejected, the CRM names quoted « comme ceci », the days in words in its sentences, the counts
agreed; ``--lang en`` keeps the run log's words (``ok``, ``partial``, ``accounts``, ``activities:calls``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner, Result

from pac_config.settings import load_settings
from sync_jobs.cli import main
from sync_jobs.store import open_store, repo
from tests.e2e.conftest import DemoRun, copy_demo_store

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
          "décembre")


def _status(settings: Path, *args: str) -> Result:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PAC_")}
    return CliRunner().invoke(main, ["status", *args], env={**env, "PAC_CONFIG": str(settings), "COLUMNS": "250"})


def _cells(out: str, first: str) -> list[list[str]]:
    """The rows of the table whose rows start with a cell in ``first`` (a regex), cells stripped."""
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in out.splitlines() if line.startswith("│")]
    return [r for r in rows if re.fullmatch(first, r[0])]


def test_the_french_status_names_statuses_and_objects_in_french(demo_run: DemoRun, tmp_path: Path) -> None:
    """The demo's two runs (the first partial: its two set-asides were new), its watermarks per object, its two
    rejected records: every word of the tables French, by hand."""
    settings = copy_demo_store(demo_run, tmp_path)
    done = _status(settings, "--lang", "fr")
    assert done.exit_code == 0, done.output
    out = done.output
    runs = _cells(out, r"\d+")
    assert [(r[0], r[4]) for r in runs] == [("2", "réussie"), ("1", "partielle")]
    marks = _cells(out, r"sf-main|hs-west")
    objects = {r[1] for r in marks}
    assert objects >= {"activités (Event)", "activités (Task)", "activités (calls)", "activités (meetings)",
                       "affaires", "comptes", "modifications du plan dans le CRM (pac-2027-durand-process)",
                       "utilisateurs"}
    assert [o for o in objects if not o.startswith(("activités", "affaires", "comptes", "modifications du plan",
                                                    "utilisateurs"))] == []
    rejected = _cells(out, r"activités|affaires")
    assert [(r[0], r[3]) for r in rejected] == [
        ("activités", "00U5g000000017IEAQ « Visite salon Pollutec (sans compte) »"),
        ("affaires", "0065g00000001xuAAA « Genève Pharma — MX50 (CHF) »")]
    assert "Enregistrements rejetés par la dernière exécution (2, dont 0 nouveau, comptés nulle part" in out
    assert ("1 affaire gagnée sans montant, comptée comme gagnée, pour 0 (corrigez les montants dans le CRM ; "
            "`pac explain AXE` la liste)") in " ".join(out.split())
    engine = open_store(load_settings(settings).database())
    try:
        version = repo.latest_plan_version(engine, "pac-2027-durand-process")
    finally:
        engine.dispose()
    assert version is not None
    at = version.imported_at
    day = f"{'1er' if at.day == 1 else at.day} {MONTHS[at.month - 1]} {at.year}"
    assert f"importée le {day} à {at:%H:%M} UTC)" in out
    english = re.findall(r"\b(?:ok|partial|accounts|deals|activities|users|imported|started|new|won)\b",
                         out.replace("pac explain", ""))
    assert english == []


def test_the_english_status_keeps_the_run_logs_words(demo_run: DemoRun, tmp_path: Path) -> None:
    settings = copy_demo_store(demo_run, tmp_path)
    done = _status(settings, "--lang", "en")
    assert done.exit_code == 0, done.output
    out = done.output
    assert [(r[0], r[4]) for r in _cells(out, r"\d+")] == [("2", "ok"), ("1", "partial")]
    assert "activities:calls" in {r[1] for r in _cells(out, r"sf-main|hs-west")}
    assert [(r[0], r[3]) for r in _cells(out, r"activities|deals")] == [
        ("activities", "00U5g000000017IEAQ «Visite salon Pollutec (sans compte)»"),
        ("deals", "0065g00000001xuAAA «Genève Pharma — MX50 (CHF)»")]
    assert "Last run's data-quality warnings: 1 won deal(s) with no amount, counted as won and worth 0" in out
