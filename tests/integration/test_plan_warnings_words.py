"""The plan's warnings in the reader's language (audit warnfr, 7 Dec 2026): a French sales manager read « Problèmes
de la dernière exécution » followed by English sentences, and `pac sync --lang fr` printed them in English too.

The shipped (French) example plan on the sandbox CRMs (``Org`` of ``test_plan_state``), the real pipeline and store,
the CLI in process. The plan gives three warnings a manager reads: A-08 counts e-mails while Léa works only in
HubSpot, whose mapping does not read them (an action no connector of its owner measures); A-06 names an e-mail no
CRM knows (an unknown owner); on night 2, A-01 goes from Julie to Marc with no ``handed_over`` (said that night
only). `pac sync --lang fr` and `pac status --lang fr` word them in French, the English output as it always was."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sandbox_crm.server import SandboxServer
from sync_jobs import cli
from sync_jobs.store import open_store, repo
from tests.fakes import sandbox_env_fast
from tests.integration.test_plan_state import BOTH, Org

JULIE = "julie.martin@durand-process.example"
MARC = "marc.dubois@durand-process.example"
NEWCOMER = "paul.nouveau@durand-process.example"
A08_WHAT = "what: {activity: visite, count: 6, scope: {departement: Haute-Garonne"
A06_WHO = "who: sophie.bernard@durand-process.example\n    what: {activity: call, count: 30}"
HUGO = "  - {email: hugo.lambert@durand-process.example, name: Hugo Lambert, role: rep}"
A01_WHO = f"who: {JULIE}\n    what: {{activity: visite, count: 5"

UNMEASURED_FR = ("attention : l'action A-08 compte les activités 'email', mais son responsable "
                 "lea.rousseau@durand-process.example ne travaille que dans hs-west (hubspot), qui ne les lit pas : "
                 "elle restera à 0 quoi qu'on fasse. Pour la mesurer : hs-west : ")
UNKNOWN_FR = f"attention : A-06 : {NEWCOMER} n'est utilisateur d'aucun CRM du plan (sf-main, hs-west) ("
HANDED_FR = (f"attention : A-01 : le responsable est passé de {JULIE} à {MARC} depuis la version 1 du plan gardée "
             f"par pac : les activités de {JULIE} ne comptent plus pour elle ; pour garder celles faites avant la "
             f"passation, ajoutez à l'action handed_over: {{from: {JULIE}, on: 2027-05-20}} (aujourd'hui : écrivez "
             "le premier jour du nouveau responsable si c'en était un autre)")
UNMEASURED_EN = ("warning: action A-08 counts 'email' activities, but its owner lea.rousseau@durand-process.example "
                 "works only in hs-west (hubspot), which does not read them: it will stay at 0 whatever is done. To "
                 "measure it: hs-west: ")
UNKNOWN_EN = f"warning: A-06: {NEWCOMER} is a user of none of the plan's CRMs (sf-main, hs-west) ("
HANDED_EN = (f"warning: A-01: who changed from {JULIE} to {MARC} since the store's version 1 of the plan: the "
             f"activities of {JULIE} stop counting for it; to keep those made before the hand-over, add to the action "
             f"handed_over: {{from: {JULIE}, on: 2027-05-20}} (today: write the new owner's first day if it was "
             "another)")


def _org(tmp_path: Path, server: SandboxServer) -> Org:
    """The example plan with A-08 on e-mails and A-06 on a newcomer unknown to both CRMs; night 1 run."""
    org = Org(tmp_path, server, BOTH)
    org.edit_file(A08_WHAT, A08_WHAT.replace("visite", "email"))
    org.edit_file(A06_WHO, A06_WHO.replace("sophie.bernard", "paul.nouveau"))
    org.edit_file(HUGO, f"{HUGO}\n  - {{email: {NEWCOMER}, name: Paul Nouveau, role: rep}}")
    org.sync()
    org.edit_file(A01_WHO, A01_WHO.replace(JULIE, MARC))      # night 2: A-01 handed over, no handed_over
    os.utime(org.plan, None)
    return org


def _pac(org: Org, server: SandboxServer, *args: str) -> Any:
    assert org.settings.source is not None
    env = {**sandbox_env_fast(server), "PAC_CONFIG": str(org.settings.source), "COLUMNS": "2000"}
    return CliRunner().invoke(cli.main, list(args), prog_name="pac", env=env)


def _flat(text: str) -> str:
    """The output on one line, runs of spaces as one (the console wraps long lines)."""
    return " ".join(text.split())


def test_sync_and_status_in_french_word_the_plan_warnings_in_french(tmp_path: Path, server: SandboxServer) -> None:
    """Night 2 under `pac sync --lang fr`: the three warnings in French, once each, the mapping's fix too; `pac status
    --lang fr` the morning after lists them under « Problèmes de la dernière exécution (3) », in French, the hand-over
    once (the run keeps its English line among its errors too, for an older pac). Before: English sentences in
    both."""
    org = _org(tmp_path, server)
    synced = _pac(org, server, "sync", "--lang", "fr")
    assert synced.exit_code in (0, 1), synced.output
    out = _flat(synced.output)
    assert (out.count(UNMEASURED_FR), out.count(UNKNOWN_FR), out.count(HANDED_FR)) == (1, 1, 1), synced.output
    fix = ("mettez activities.emails.enabled: true dans son mapping pour lire les e-mails HubSpot (sur option : cela "
           "coûte des appels de recherche, docs/hubspot.md §2) ; ou comptez une autre activité")
    assert f"{UNMEASURED_FR}{fix}" in out
    assert out.count("attention : ") == 3 and "warning: " not in out

    shown = _pac(org, server, "status", "--lang", "fr")
    assert shown.exit_code == 0, shown.output
    status = _flat(shown.output)
    problems = status.split("Problèmes de la dernière exécution (3) : - ", 1)[1]
    assert problems.startswith(f"{HANDED_FR} - {UNKNOWN_FR}"), problems[:400]
    assert f"- {UNMEASURED_FR}" in problems
    assert (status.count(HANDED_FR), status.count(UNKNOWN_FR), status.count(UNMEASURED_FR)) == (1, 1, 1)
    assert "who changed" not in status and "is a user of none" not in status and "warning: " not in status


def test_status_in_english_lists_the_same_warnings_in_english_once_each(tmp_path: Path,
                                                                         server: SandboxServer) -> None:
    """The same night under `pac sync` (English): its warning lines as they always were; `pac status` lists the
    three in English, the hand-over once although the run kept it both as its line and as its record."""
    org = _org(tmp_path, server)
    synced = _pac(org, server, "sync")
    out = _flat(synced.output)
    assert (out.count(UNMEASURED_EN), out.count(UNKNOWN_EN), out.count(HANDED_EN)) == (1, 1, 1), synced.output
    assert out.count("warning: ") == 3 and "attention : " not in out
    engine = open_store(org.settings.database())
    try:
        run = repo.runs(engine)[0]
    finally:
        engine.dispose()
    assert [_flat(e) for e in run.errors] == [HANDED_EN]          # as kept for a pac that does not read the records
    assert [r["code"] for r in run.plan_warnings or []] == ["handed_over", "unknown_owner", "unmeasured_action"]

    shown = _pac(org, server, "status")
    status = _flat(shown.output)
    problems = status.split("Last run's problems (3): - ", 1)[1]
    assert problems.startswith(f"{HANDED_EN} - {UNKNOWN_EN}"), problems[:400]
    assert f"- {UNMEASURED_EN}" in problems
    assert (status.count(HANDED_EN), status.count(UNKNOWN_EN), status.count(UNMEASURED_EN)) == (1, 1, 1)
