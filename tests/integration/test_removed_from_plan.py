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

import pytest
from click.testing import CliRunner, Result

from sync_jobs.app import take_snapshot
from sync_jobs.cli import main
from sync_jobs.hooks import RunHooks
from sync_jobs.interrupts import Terminated
from tests.integration.hs_docs_emulator import Emulator
from tests.integration.test_hs_docs_emulator import sync, t
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
            snapshots: dict[int, list[tuple[str, datetime]]] | None = None,
            status: bool = True) -> tuple[Any, list[Any], list[tuple[str, str]]]:
    """The hshand7 portal's nights, each with its plan file; ``snapshots``: after night i, the (period, instant)
    kept (`pac snapshot`); `pac status` (en, fr) read after each night."""
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
            for period, at in (snapshots or {}).get(night, []):
                take_snapshot(settings, None, period=period, now=at)
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


HEAD_EN = ("A-2 was in the plan until its version 1 (recorded 2027-05-20) and is not in version 2 (recorded "
           "2027-06-02): it was removed or renamed then. ")
HEAD_FR = ("A-2 était dans le plan jusqu'à sa version 1 (enregistrée le 20 mai 2027) et n'est pas dans la version 2 "
           "(enregistrée le 2 juin 2027) : elle a été retirée ou renommée alors. ")
ON_RECORD_EN = "its last figures stay on its record in hs-hand7, marked removed (pac no longer updates it)."
ON_RECORD_FR = ("ses derniers chiffres restent sur son enregistrement dans « hs-hand7 », marqué « Retirée du plan » "
                "(pac ne le met plus à jour).")


def _explain(settings: Any, item: str) -> tuple[str, str]:
    en, fr = _cli(settings, "explain", item, "--lang", "en"), _cli(settings, "explain", item, "--lang", "fr")
    assert (en.exit_code, fr.exit_code) == (2, 2), (en.output, fr.output)
    return _flat(en.stderr), _flat(fr.stderr)


def test_explain_an_action_removed_before_any_snapshot(tmp_path: Path) -> None:
    """No snapshot was kept while A-2 was in the plan: no kept report holds it (the line said « its figures of the
    quarters closed before stay in their kept reports »: there are none); its last figures are on its HubSpot
    record. Seen failing before the fix: the kept-reports sentence, and English under --lang fr."""
    settings, _, _ = _nights(tmp_path, [(FIRST, PLAN_ONE), (SECOND, WITHOUT_A2)], status=False)
    en, fr = _explain(settings, "A-2")
    assert (HEAD_EN + "No snapshot was kept while it was in the plan, so no kept report holds it: "
            + ON_RECORD_EN) in en
    assert "kept reports" not in en
    assert (HEAD_FR + "Aucun instantané n'a été conservé pendant qu'elle était dans le plan, aucun rapport conservé "
            "ne la contient donc : " + ON_RECORD_FR) in fr
    assert "aucune action ni aucun axe 'A-2' dans le plan 'Hand7' (actions : A-0, A-1, A-3, A-4 ; axes : AX-CL, " \
           "AX-DO)" in fr


def test_explain_an_action_removed_after_a_monthly_snapshot(tmp_path: Path) -> None:
    """May's monthly snapshot is kept on 1 June with A-2 in the plan, A-2 leaves the file on 2 June (mid-quarter:
    no quarter's report holds it): its figures at the end of May are in May's snapshot, which June's review reads
    (« Removed from plan » among the changes). Seen failing before the fix: « kept reports of the quarters
    closed before », of which there are none."""
    settings, _, _ = _nights(tmp_path, [(FIRST, PLAN_ONE), (SECOND, WITHOUT_A2)],
                             snapshots={0: [("2027-05", t("2027-06-01T02:00:00Z"))]}, status=False)
    en, fr = _explain(settings, "A-2")
    assert (HEAD_EN + "Its figures at the end of May 2027 are kept in that month's snapshot (pac review --month "
            "2027-06 shows them among the changes); " + ON_RECORD_EN) in en
    assert (HEAD_FR + "Ses chiffres à la fin de mai 2027 sont gardés dans l'instantané de ce mois (pac review "
            "--month 2027-06 les montre parmi les changements) ; " + ON_RECORD_FR) in fr


def test_explain_an_action_removed_after_its_quarter_closed(tmp_path: Path) -> None:
    """A-0 (visits of March) is in Q1's kept snapshot; it leaves the file on 2 June: Q1's kept report holds it."""
    settings, _, _ = _nights(tmp_path, [(FIRST, PLAN_ONE), (SECOND, WITHOUT_A0)],
                             snapshots={0: [("2027-Q1", FIRST)]}, status=False)
    en, fr = _explain(settings, "A-0")
    head_en, head_fr = HEAD_EN.replace("A-2", "A-0"), HEAD_FR.replace("A-2", "A-0")
    assert (head_en + "Its figures at the end of 2027-Q1 stay in that quarter's kept report (pac report --quarter "
            "2027-Q1); " + ON_RECORD_EN) in en
    assert (head_fr + "Ses chiffres à la fin du trimestre 2027-Q1 restent dans le rapport conservé de ce "
            "trimestre (pac report --quarter 2027-Q1) ; " + ON_RECORD_FR) in fr


def test_explain_an_action_removed_after_a_quarter_and_a_month_kept(tmp_path: Path) -> None:
    """Q1's and April's snapshots kept on 20 May with A-2 (May's calls) in the plan, A-2 removed on 2 June: both hold
    it, the quarter's report and April's snapshot after it are named."""
    settings, _, _ = _nights(tmp_path, [(FIRST, PLAN_ONE), (SECOND, WITHOUT_A2)],
                             snapshots={0: [("2027-Q1", FIRST), ("2027-04", FIRST)]}, status=False)
    en, fr = _explain(settings, "A-2")
    assert (HEAD_EN + "Its figures at the end of 2027-Q1 stay in that quarter's kept report (pac report --quarter "
            "2027-Q1), and at the end of April 2027 in that month's snapshot (pac review --month 2027-05 shows them "
            "among the changes); " + ON_RECORD_EN) in en
    assert (HEAD_FR + "Ses chiffres à la fin du trimestre 2027-Q1 restent dans le rapport conservé de ce "
            "trimestre (pac report --quarter 2027-Q1), et à la fin d'avril 2027 dans l'instantané de ce mois (pac "
            "review --month 2027-05 les montre parmi les changements) ; " + ON_RECORD_FR) in fr


# -- kept as records on the run's row, not English lines read back (audit removedrec, 7 Dec 2026) --------------------
# A-2's text with the words of a kept line in it (« » », ", done 1 / 2", ": marked removed in") and a line break: the
# kept line read back by a regex lost it (``.`` stops at the line break), so `pac status` listed the English line
# among the run's problems and nothing under « Removed from the plan ».
ODD = "Call «VIP» clients», done 1 / 2: marked removed in sf-x\nthen the others"
ODD_PLAN_ONE = PLAN_ONE.replace('text: "Call clients 4 times in May"', 'text: "' + ODD.replace("\n", "\\n") + '"')
ODD_WITHOUT_A2 = WITHOUT_A2


def test_a_name_holding_the_words_of_a_kept_line_is_listed_as_it_is(tmp_path: Path) -> None:
    """The morning after A-2 (named ``ODD``) leaves the plan: its name whole, its last figures (2 / 4), its CRM, in
    either language, and no problem (the run had none). Seen failing before the fix: no « Removed from the plan »
    block, the English line listed among « Last run's problems (1) »."""
    assert ODD_PLAN_ONE != PLAN_ONE
    _, runs, shown = _nights(tmp_path, [(FIRST, ODD_PLAN_ONE), (SECOND, ODD_WITHOUT_A2)])
    assert [(r.errors, r.status.value) for r in runs] == [([], "ok")] * 2
    en, fr = shown[1]
    assert (f"Removed from the plan by the last run (1; pac marked their CRM records removed: they keep their last "
            f"figures and pac no longer updates them): - A-2 «{_flat(ODD)}» (action, done 2 / 4): marked removed in "
            f"hs-hand7") in en
    assert f"- A-2 « {_flat(ODD)} » (action, réalisé 2 / 4) : marquée retirée dans « hs-hand7 »" in fr
    assert ("Last run's problems" not in en and "Problèmes de la dernière exécution" not in fr
            and "removed from the plan by this run" not in en + fr)


class _StopAfterWrites(RunHooks):
    """Ctrl-C (or SIGTERM) once every write is checkpointed, before the run log is committed."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def after_writes(self) -> None:
        raise self.exc


class _StopAfterCrmWrite(RunHooks):
    """Ctrl-C once the CRM accepted the first batch, before pac saved it as last written."""

    def after_crm_write(self, connector: str) -> None:
        raise KeyboardInterrupt


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), Terminated("SIGTERM")], ids=["ctrl-c", "sigterm"])
def test_a_run_stopped_after_marking_the_records_removed_still_names_them(tmp_path: Path,
                                                                          exc: BaseException) -> None:
    """Night 2 stopped once A-2's record is marked removed in HubSpot and checkpointed, before the run log: the
    stopped run's row names A-2 and `pac status` lists it under the stopped run; the next night (A-2 already marked)
    names nothing. Seen failing before the fix: the lines were kept only by the run log's commit, never reached."""
    settings = _settings(tmp_path, 60)
    portal = build_portal()
    with Emulator(portal, page_cap=3) as emulator:
        sync(settings, emulator, [], clock=lambda: FIRST, as_of=FIRST)
        (tmp_path / "plan.pac.yaml").write_text(WITHOUT_A2, encoding="utf-8")
        before_night_two(portal)
        with pytest.raises(KeyboardInterrupt):
            sync(settings, emulator, [], clock=lambda: SECOND, as_of=SECOND, hooks=_StopAfterWrites(exc))
        en, fr = (_flat(_cli(settings, "status", *lang).output) for lang in ((), ("--lang", "fr")))
        assert "interrupted by" in en and A2_EN in en and A2_FR in fr
        assert "removed from the plan by this run" not in en
        third = sync(settings, emulator, [], clock=lambda: THIRD, as_of=THIRD)
    assert (third.errors, third.retired) == ([], [])
    en = _flat(_cli(settings, "status").output)
    assert "Removed from the plan" not in en


def test_a_run_stopped_before_saving_the_crm_write_leaves_it_to_the_next_run(tmp_path: Path) -> None:
    """What remains: stopped after HubSpot accepted the batch marking A-2 removed but before pac saved it as last
    written (one call's answer), the stopped run names nothing (nothing of that write is recorded); the next run,
    finding A-2 not marked in what was last written, marks it again (the same values) and names it."""
    settings = _settings(tmp_path, 60)
    portal = build_portal()
    with Emulator(portal, page_cap=3) as emulator:
        sync(settings, emulator, [], clock=lambda: FIRST, as_of=FIRST)
        (tmp_path / "plan.pac.yaml").write_text(WITHOUT_A2, encoding="utf-8")
        before_night_two(portal)
        with pytest.raises(KeyboardInterrupt):
            sync(settings, emulator, [], clock=lambda: SECOND, as_of=SECOND, hooks=_StopAfterCrmWrite())
        assert "Removed from the plan" not in _flat(_cli(settings, "status").output)
        third = sync(settings, emulator, [], clock=lambda: THIRD, as_of=THIRD)
    assert third.retired == ["A-2: no longer in the plan, marked removed in hs-hand7"]
    assert A2_EN in _flat(_cli(settings, "status").output)
