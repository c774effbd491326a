"""``pac sync --lang fr``'s lines that the sandbox's night does not print (audit synclang): the progress bars'
phases, the warnings past the tenth counted, the plan's values a run changed, the restored fields, a warning counted
agreed with its count, the dry run with nothing to write, the API line of a CRM that does not say its quota. English
keeps its words (tests/unit/test_sync_warnings_cap.py, tests/integration/test_sync_progress_phases.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from pac_core.records import Rejected
from sync_jobs.cli_sync import (
    api_lines,
    lock_words,
    print_changes,
    print_rejection_summary,
    print_result,
    print_warning_summary,
)
from sync_jobs.lock import CONNECTOR_LOCK, LockHeld
from sync_jobs.overrides import Change
from sync_jobs.run_context import RunResult
from sync_jobs.run_status import RunStatus
from sync_jobs.run_views import ProgressView


def _printed(result: RunResult, lang: str = "fr") -> str:
    out = io.StringIO()
    print_result(Console(file=out, width=300), result, lang=lang)
    return out.getvalue()


def test_the_bars_name_the_phases_in_french() -> None:
    view = ProgressView(console=None, enabled=True, lang="fr")  # type: ignore[arg-type]
    labels: list[str] = []
    view.show = lambda key, label, done, total: labels.append(label)  # type: ignore[method-assign]
    view("load", connector="", done=0)
    view("evaluate", connector="", done=0)
    view("pull", connector="sf-main", object="deals", done=10)
    view("pull", connector="hs-west", object="activities:calls", done=10)
    view("write", connector="sf-main", done=10, total=20)
    assert labels == ["chargement des enregistrements", "évaluation du plan", "lecture de sf-main : affaires",
                      "lecture de hs-west : activités (calls)", "écriture dans sf-main"]


def test_the_warnings_past_the_tenth_are_counted_in_french() -> None:
    result = RunResult(plan_id="pac-2027")
    result.unmeasured = [f"A-{k:03d} : rep{k:03d}@x.example n'est utilisateur d'aucun CRM du plan" for k in range(12)]
    shown = _printed(result)
    assert shown.count("attention :") == 10 and "warning:" not in shown
    assert ("… 2 autres alertes de ce genre : le journal de cette exécution a chacune (événements pac.sync "
            "sync.unknown_owner, sync.remembered_email, sync.unmeasured, sync.relabelled)") in shown


def test_the_plans_values_conflicts_and_restored_fields_in_french() -> None:
    result = RunResult(plan_id="pac-2027")
    result.state_changes = {
        ("action", "pac-2027:A-01", "status"): Change("en pause", "file", None),
        ("action", "pac-2027:A-02", "target"): Change(12, "crm", None, connector="sf-main", who_name="Julie Martin")}
    result.conflicts = ["A-01 status: « en pause » (fichier) et « active » (sf-main)"]
    result.drift = ["sf-main action A-03 progress_pct: 40.0 rétabli"]
    shown = _printed(result)
    assert "plan : A-01 status = 'en pause' (depuis le fichier du plan)" in shown
    assert "plan : A-02 target = 12 (depuis sf-main (Julie Martin))" in shown
    assert "conflit : A-01 status" in shown and "rétabli : sf-main action A-03" in shown
    english = _printed(result, "en")
    assert "plan: A-01 status = 'en pause' (from the plan file)" in english and "restored: sf-main" in english


def test_a_warning_agrees_with_its_count() -> None:
    result = RunResult(plan_id="pac-2027")
    result.warnings = [Rejected("sf-main", "activities", f"00U{k}", "planned_past: still planned") for k in range(3)]
    out = io.StringIO()
    print_warning_summary(Console(file=out, width=300), result, "fr")
    text = out.getvalue()
    assert text.startswith("3 alertes de qualité des données : corrigez-les dans le CRM")
    assert ("  activités : toujours prévue à une date passée, comptée nulle part : mettez à jour son résultat ou son "
            "statut x3, p. ex. 00U0, 00U1, 00U2") in text


def test_a_dry_run_with_nothing_to_write_in_french() -> None:
    out = io.StringIO()
    print_changes(Console(file=out, width=300), {}, lang="fr")
    print_changes(Console(file=out, width=300), {}, stopped=True, lang="fr")
    assert out.getvalue().splitlines() == [
        "Exécution à blanc : rien à écrire, les CRM sont à jour.",
        "Exécution à blanc arrêtée avant de savoir quoi écrire (pourquoi : ci-dessous) ; rien n'a été écrit."]


def test_the_api_line_groups_its_numbers_the_french_way() -> None:
    result = RunResult(plan_id="pac-2027")
    result.api = {"sf-main": {"calls": 1204, "remaining": 99972}, "hs-west": {"calls": 7}}
    assert api_lines(result, "fr") == ["API sf-main : 1 204 appels pour cette exécution, 99 972 restants aujourd'hui",
                                       "API hs-west : 7 appels pour cette exécution"]
    assert api_lines(result, "en") == ["API sf-main: 1,204 calls this run, 99,972 left today",
                                       "API hs-west: 7 calls this run"]


def test_a_run_that_finds_its_plan_locked_says_so_in_french() -> None:
    since = datetime(2027, 5, 3, 2, 0, 5, tzinfo=UTC)
    held = LockHeld("pac-2027", "worker-1 (pid 4242)", since)
    assert lock_words(held, "fr") == (
        "le plan 'pac-2027' est déjà en cours de synchronisation par worker-1 (pid 4242) depuis le 3 mai 2027 à "
        "02:00:05 UTC (attendez qu'elle finisse, ou passez --wait SECONDES pour attendre derrière elle)")
    assert lock_words(held, "en") == str(held)
    other = LockHeld(f"{CONNECTOR_LOCK}sf-main", None, None)
    assert lock_words(other, "fr") == (
        "le connecteur 'sf-main' est en cours de synchronisation par un autre processus, pour un autre plan qui "
        "l'utilise (attendez qu'elle finisse, ou passez --wait SECONDES pour attendre derrière elle)")


def test_one_rejected_record_agrees_with_its_count() -> None:
    result = RunResult(plan_id="pac-2027", status=RunStatus.PARTIAL)
    lone = Rejected("sf-main", "deals", "0065g1", "no_account: the won deal has no account")
    result.rejections, result.new_rejections = [lone], [lone]
    out = io.StringIO()
    print_rejection_summary(Console(file=out, width=300), result, "fr")
    assert out.getvalue().splitlines()[0] == ("1 rejeté (dont 1 nouveau) : enregistrement compté nulle part "
                                              "(corrigez-le dans le CRM ; `pac status` le liste) :")
