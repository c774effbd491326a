"""What a manager learns the morning after a night that took an action or an axis out of the plan (audit removedplan,
7 Dec 2026), on the hshand7 HubSpot portal (the documentation emulator; tests/integration/test_hshand7_...):

* `pac status` lists what the last run removed from the plan, each id with its name and what pac did to its CRM
  records (marked removed, last figures kept, no longer updated), in English and under ``--lang fr`` in French,
  that night only: a night run by `pac schedule` prints `pac sync`'s « no longer in the plan » line to no one;
* `pac explain` of an id removed says where its figures are, true in each case: removed before any snapshot was kept
  (no kept report holds it: its last figures are on its CRM record), after a monthly snapshot (that month's snapshot
  keeps its figures at the month's end), after its quarter's closing snapshot (that quarter's kept report).

Expectations written by hand before running pac on them: /tmp/audits/removedplan/EXPECTED.md.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from sync_jobs.cli import main
from tests.integration.hs_docs_emulator import Emulator
from tests.integration.test_hs_docs_emulator import sync
from tests.integration.test_hshand7_plan_edits_portal import (
    A2,
    FIRST,
    PLAN_ONE,
    SECOND,
    THIRD,
    _settings,
    before_night_three,
    before_night_two,
    build_portal,
)

WITHOUT_A2 = PLAN_ONE.replace(A2, "")
# night 2's file without AX-DO and its action A-3 (A-4 moved to AX-CL, as test_hshand7's whole-axis case)
_CUT = PLAN_ONE.index
WITHOUT_AX_DO = (PLAN_ONE[:_CUT("  - id: AX-DO")] + PLAN_ONE[_CUT("actions:"):_CUT("  - id: A-3")]
                 + PLAN_ONE[_CUT("  - id: A-4"):].replace("axis: AX-DO", "axis: AX-CL"))
WITHOUT_A0 = PLAN_ONE.replace(PLAN_ONE[_CUT("  - id: A-0"):_CUT("  - id: A-1")], "")


def _cli(settings: Any, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"PAC_CONFIG": str(settings.source), "COLUMNS": "400"})


def _flat(text: str) -> str:
    return " ".join(text.split())


def _nights(tmp: Path, plans: list[tuple[datetime, str]], *,
            status: bool = True) -> tuple[Any, list[Any], list[tuple[str, str]]]:
    """The hshand7 portal's nights, each with its plan file; `pac status` (en, fr) read after each night."""
    settings = _settings(tmp, 60)
    portal = build_portal()
    runs, shown = [], []
    with Emulator(portal, page_cap=3) as emulator:
        for night, (clock, plan) in enumerate(plans):
            (tmp / "plan.pac.yaml").write_text(plan, encoding="utf-8")
            if night == 1:
                before_night_two(portal)
            elif night == 2:
                before_night_three(portal)
            runs.append(sync(settings, emulator, [], clock=lambda c=clock: c, as_of=clock))
            if status:
                en, fr = _cli(settings, "status"), _cli(settings, "status", "--lang", "fr")
                assert (en.exit_code, fr.exit_code) == (0, 0), (en.output, fr.output)
                shown.append((_flat(en.output), _flat(fr.output)))
    return settings, runs, shown


A2_EN = ("Removed from the plan by the last run (1; pac marked their CRM records removed: they keep their last "
         "figures and pac no longer updates them): - A-2 «Call clients 4 times in May» (action, done 2 / 4): marked "
         "removed in hs-hand7")
A2_FR = ("Retirés du plan par la dernière exécution (1 ; pac a marqué leurs enregistrements « Retirée du plan » "
         "dans le CRM : ils gardent leurs derniers chiffres et pac ne les met plus à jour) : - A-2 « Call clients 4 "
         "times in May » (action, réalisé 2 / 4) : marquée retirée dans « hs-hand7 »")


def test_pac_status_lists_what_the_night_removed_that_night_only(tmp_path: Path) -> None:
    """A-2 leaves the file before night 2: the morning after, `pac status` names it, its name, its last figures
    (2 of 4 calls done by 20 May) and what pac did in HubSpot, in either language; not on the mornings before or
    after, and not among the run's problems. Seen failing before the fix: status said nothing of A-2."""
    _, runs, shown = _nights(tmp_path, [(FIRST, PLAN_ONE), (SECOND, WITHOUT_A2), (THIRD, WITHOUT_A2)])
    assert [(r.errors, r.status.value) for r in runs] == [([], "ok")] * 3
    assert [r.retired for r in runs] == [[], ["A-2: no longer in the plan, marked removed in hs-hand7"], []]
    assert [(A2_EN in en, A2_FR in fr) for en, fr in shown] == [(False, False), (True, True), (False, False)]
    assert ["Removed from the plan" in en or "Retirés du plan" in fr for en, fr in shown] == [False, True, False]
    assert [("Last run's problems" in en, "Problèmes de la dernière exécution" in fr) for en, fr in shown] == [
        (False, False)] * 3


def test_pac_status_lists_a_whole_axis_removed_with_its_action(tmp_path: Path) -> None:
    """AX-DO and its action A-3 leave the file: two lines, the axis first (as `pac sync` prints them), each named;
    an axis's line gives no count. Seen failing before the fix: status said nothing of them."""
    _, runs, shown = _nights(tmp_path, [(FIRST, PLAN_ONE), (SECOND, WITHOUT_AX_DO)])
    assert runs[1].retired == ["AX-DO: no longer in the plan, marked removed in hs-hand7",
                               "A-3: no longer in the plan, marked removed in hs-hand7"]
    en, fr = shown[1]
    assert ("Removed from the plan by the last run (2; pac marked their CRM records removed: they keep their last "
            "figures and pac no longer updates them): - AX-DO «Clients dormants» (axis): marked removed in hs-hand7 "
            "- A-3 «Call 1 dormant client in week 22» (action, done 0 / 1): marked removed in hs-hand7") in en
    assert ("(2 ; pac a marqué leurs enregistrements « Retirée du plan » dans le CRM : ils gardent leurs derniers "
            "chiffres et pac ne les met plus à jour) : - AX-DO « Clients dormants » (axe) : marqué retiré dans "
            "« hs-hand7 » - A-3 « Call 1 dormant client in week 22 » (action, réalisé 0 / 1) : marquée retirée dans "
            "« hs-hand7 »") in fr
