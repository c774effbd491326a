"""``pac explain --lang fr``'s notes under the header write their days in words, as explain's other French days
(« 3 mai 2027 à 02:00 UTC »): they read « la dernière synchronisation de ce plan (2027-05-03 02:00 UTC) » and « le
plan du 2027-03-31 » (audit frenchwords); English keeps its ISO days."""

from __future__ import annotations

from datetime import datetime

from sync_jobs.cli_explain import stale_note
from sync_jobs.store.tables import Run

FAILED = Run(plan_id="p", started_at=datetime(2027, 5, 3, 2, 0), status="failed",
             errors=["sf-main: invalid_client\nmore"])


def test_a_failed_last_sync_is_dated_in_words_in_french() -> None:
    assert stale_note(FAILED, [], "activities", "fr") == (
        "Attention : la dernière synchronisation de ce plan (le 3 mai 2027 à 02:00 UTC) n'a pas abouti (échouée : "
        "sf-main: invalid_client) : ces chiffres viennent des enregistrements lus avant elle, pas du CRM à jour. "
        "Corrigez la cause, puis lancez `pac sync` ; `pac status` liste ses problèmes.")
    assert stale_note(FAILED, [], "activities", "en") == (
        "Note: the last sync of this plan (2027-05-03 02:00 UTC) did not get through (failed: sf-main: "
        "invalid_client): these figures are from the records read before it, not the CRM's latest. Fix the cause, "
        "then run `pac sync`; `pac status` lists its problems.")


def test_connectors_never_read_are_dated_in_words_in_french() -> None:
    assert stale_note(FAILED, ["sf-main"], "deals", "fr") == (
        "Attention : aucune synchronisation n'a encore lu les affaires de sf-main : ces chiffres n'en comptent "
        "aucune (dernière synchronisation le 3 mai 2027 à 02:00 UTC, échouée : sf-main: invalid_client). Corrigez "
        "la cause, puis lancez `pac sync` ; `pac status` liste les problèmes de la dernière synchronisation.")
