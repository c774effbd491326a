"""``pac status`` without --plan on settings holding two plans (the ending 2026 plan and the 2027 plan beside it):
one block per plan of the settings, in their order, each saying its own period, nightly sync and advice (audit
reverify N2: everything was keyed on the last finished run's plan)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from connectors.base import ObjectKind, Rejected
from pac_config.settings import load_settings
from sync_jobs.cli import main
from sync_jobs.pipeline import run_sync
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings


def _two_plans(tmp: Path, as_of: str, order: tuple[str, ...], stray: str = "") -> Path:
    """Settings with plans p2026 (« Test plan 2026 ») and p2027 (« Test plan 2027 »), both on clock ``as_of``,
    synced in ``order`` (the last synced is the last finished run); plan ``stray``'s CRM also holds a visit on an
    deal in a currency with no rate (rejected)."""
    path = write_settings(tmp, f"sqlite:///{tmp / 'pac.db'}")
    (tmp / "p2026.pac.yaml").write_text(SMALL_PLAN.replace("2027", "2026").replace('"Test plan"', '"Test plan 2026"'),
                                        encoding="utf-8")
    (tmp / "p2027.pac.yaml").write_text(SMALL_PLAN.replace('"Test plan"', '"Test plan 2027"'), encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        "  - {name: test, file: plan.pac.yaml, connectors: [fake]}",
        f"  - {{name: p2026, file: p2026.pac.yaml, connectors: [fake], as_of: '{as_of}'}}\n"
        f"  - {{name: p2027, file: p2027.pac.yaml, connectors: [fake], as_of: '{as_of}'}}")
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path, env={})
    for name in order:
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"),
                visit("v1", "u1", "a1", datetime(2026, 12, 2, 9, tzinfo=UTC)))
        if name == stray:
            crm.reject(ObjectKind.DEALS, Rejected("fake", "deals", "d9", "currency CHF has no rate"))
        run_sync(name, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    return path


def _status(path: Path, *args: str) -> list[str]:
    shown = CliRunner().invoke(main, ["status", *args], env={"PAC_CONFIG": str(path), "COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    return shown.output.splitlines()


def _block(lines: list[str], head: str) -> list[str]:
    """The lines of the block that begins with ``head``, up to the next blank line."""
    starts = [i for i, line in enumerate(lines) if line.startswith(head)]
    assert len(starts) == 1, lines
    end = next((i for i in range(starts[0], len(lines)) if not lines[i].strip()), len(lines))
    return lines[starts[0]:end]


@pytest.mark.parametrize("order", [("p2026", "p2027"), ("p2027", "p2026")])
def test_one_block_per_plan_in_the_settings_order(tmp_path: Path, order: tuple[str, ...]) -> None:
    """On 10 January 2027, whichever plan ran last: the 2026 block says it ended, names the next plan, says its
    nightly sync still runs until 1 February; the 2027 block has its own advice line. Seen failing before the fix
    (no « Plan p2026 » block; with 2027 last, no word of the 2026 plan's end or sync; with 2026 last, no advice line
    for 2027 and « Nightly sync: … this plan » under the 2027 plan's line)."""
    lines = _status(_two_plans(tmp_path, "2027-01-10T18:00:00+01:00", order))
    heads = [line for line in lines if line.startswith("Plan p20")]
    assert [h.split(" ")[1] for h in heads] == ["p2026", "p2027"], lines
    old, new = _block(lines, "Plan p2026 "), _block(lines, "Plan p2027 ")
    assert old[0].startswith("Plan p2026 « Test plan 2026 » (test-plan-2026): last run ")
    assert any(line.startswith("  Nightly sync of p2026: pac schedule still syncs it for late entries until "
                               "2027-02-01 00:00 CET") for line in old), old
    assert any(line.startswith("  Advice for Test plan 2026: The plan ended on") and "Test plan 2027" in line
               for line in old), old
    assert not any("Nightly sync" in line for line in new), new
    assert any(line.startswith("  Advice for Test plan 2027") for line in new), new
    assert sum("Nightly sync" in line for line in lines) == 1


def test_a_plan_not_synced_yet_has_its_block(tmp_path: Path) -> None:
    """5 December 2026: the 2027 plan is configured but never synced; its block says so and that it has not begun."""
    lines = _status(_two_plans(tmp_path, "2026-12-05T18:00:00+01:00", ("p2026",)))
    new = _block(lines, "Plan p2027 ")
    assert new[0] == "Plan p2027 « Test plan 2027 » (test-plan-2027): no run yet (`pac sync --plan p2027`)", new
    assert any("The plan starts on" in line for line in new), new


def test_each_block_says_what_its_plan_s_last_run_left_out(tmp_path: Path) -> None:
    """p2026 ran first with a rejected visit, p2027 last with none: the rejection table below the runs is p2027's
    last run's (none), so p2026's block says it, with the command that lists them; p2027's block says nothing.
    Seen failing before the fix (audit multi F5: the rejected record was listed nowhere)."""
    lines = _status(_two_plans(tmp_path, "2027-01-10T18:00:00+01:00", ("p2026", "p2027"), stray="p2026"))
    old, new = _block(lines, "Plan p2026 "), _block(lines, "Plan p2027 ")
    assert [line for line in old if "rejected" in line] == [
        "  Run 1 of p2026: 1 rejected record (1 new): `pac status --plan p2026` lists them."], old
    assert not any("rejected" in line for line in new), new


def test_one_plan_keeps_its_output(tmp_path: Path) -> None:
    """--plan shows that plan as before: no block heading, the schedule line as it was."""
    lines = _status(_two_plans(tmp_path, "2027-01-10T18:00:00+01:00", ("p2026", "p2027")), "--plan", "p2026")
    assert not any(line.startswith("Plan p2026 «") for line in lines)
    assert any(line.startswith("Nightly sync: pac schedule still syncs this plan") for line in lines), lines


def test_the_blocks_in_french(tmp_path: Path) -> None:
    """``--lang fr``: each block's head, its run's status and day, its nightly-sync line and what its last run left
    out, in French (audit frenchwords: « last run 1 (ok, started 2026-… UTC) », « Nightly sync of p2026: … » under
    French headings)."""
    lines = _status(_two_plans(tmp_path, "2027-01-10T18:00:00+01:00", ("p2026", "p2027"), stray="p2026"),
                    "--lang", "fr")
    old = _block(lines, "Plan p2026 ")
    assert old[0].startswith("Plan p2026 « Test plan 2026 » (test-plan-2026) : dernière exécution 1 (partielle, "
                             "commencée le "), old
    assert " UTC) ; version 1 (" in old[0], old   # French spacing before the semicolon, as every French line
    assert any(line.startswith("  Synchronisation nocturne de p2026 : pac schedule le synchronise encore pour les "
                               "saisies tardives jusqu'au 1er février 2027 à 00:00 CET") for line in old), old
    assert "  Exécution 1 de p2026 : 1 enregistrement rejeté (dont 1 nouveau) : `pac status --plan p2026` les " \
           "liste." in old, old
    new = _block(lines, "Plan p2027 ")
    assert new[0].startswith("Plan p2027 « Test plan 2027 » (test-plan-2027) : dernière exécution 2 (réussie, "
                             "commencée le "), new
