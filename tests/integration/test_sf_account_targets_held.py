"""Salesforce accounts' PAC fields (``PAC_Axes__c``, ``PAC_Target__c``) as the org holds them (audit longlife F1): the
account query reads them back, so a store started afresh (a lost SQLite file, a move to PostgreSQL) clears the values
of an axis dropped since the old store wrote them, a manager's hand edit is restored (by the next sync, and by
``pac sync --full``), and an org lacking the fields (provisioned by an older pac) still syncs, with a warning. Whole
``pac sync`` runs of the shipped example plan on the sandbox org, through simple-salesforce."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sandbox_crm.server import SandboxServer
from sync_jobs.demo import DEMO_AS_OF, write_demo_settings
from sync_jobs.pipeline import RunResult
from tests.fakes import sandbox_sync

PLANS = Path(__file__).resolve().parents[2] / "config" / "plans"
DROPPED = "AX-IDF-PROSP"  # 20 accounts of the demo org are targeted by it alone


def _settings(tmp: Path, store: str) -> Any:
    """The demo settings on the store ``store`` with the example plan copied to ``tmp/plan.pac.yaml`` (edited by the
    tests: both stores read the same file)."""
    plan = tmp / "plan.pac.yaml"
    if not plan.exists():
        plan.write_text((PLANS / "example.pac.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        shutil.copy(PLANS / "example.actions.csv", tmp / "example.actions.csv")
    demo = write_demo_settings(f"sqlite:///{tmp / (store + '.db')}", tmp / f"demo-{store}.yaml").read_text("utf-8")
    head, engine = demo.split("plans:")[0], demo.split("engine:")[1]
    path = tmp / f"pac-{store}.yaml"
    path.write_text(
        head + f"plans:\n  - {{name: example, file: '{plan}', connectors: [sf-main, hs-west], "
        f"as_of: '{DEMO_AS_OF.isoformat()}'}}\nengine:" + engine,
        encoding="utf-8",
    )
    return load_settings(path, env={})


def _drop(tmp: Path, axis: str) -> None:
    path = tmp / "plan.pac.yaml"
    text, n = re.subn(
        rf"(- id: {axis}\n(?:.*\n)*?    status: )[^\n]*",
        r"\1{state: abandonné, reason: budget}",
        path.read_text(encoding="utf-8"),
    )
    assert n == 1, axis
    path.write_text(text, encoding="utf-8")


def _holding(server: SandboxServer, axis: str) -> list[str]:
    """The live Salesforce accounts whose ``PAC_Axes__c`` names ``axis``."""
    return sorted(
        r["Id"]
        for r in server.api("salesforce").rows("Account")
        if not r["IsDeleted"] and axis in (r.get("PAC_Axes__c") or "").split("; ")
    )


def _pac(server: SandboxServer, account: str) -> tuple[Any, Any]:
    row = server.api("salesforce").row("Account", account)
    return row.get("PAC_Axes__c"), row.get("PAC_Target__c")


def _sf_accounts_sent(result: RunResult) -> list[str]:
    return sorted(c.crm_id for c in result.changes.get("sf-main", []) if c.target.value == "account")


def test_a_store_started_afresh_clears_the_accounts_of_an_axis_dropped_since(tmp_path: Path) -> None:
    """Store "old" syncs: accounts hold AX-IDF-PROSP, 20 of them by it alone. The axis is dropped in the file, and a
    new empty store (a lost SQLite file, a move to PostgreSQL) syncs in full: it never wrote those values, yet the
    accounts hold them, so it clears the 20 and takes the axis off the others; its next sync writes no account.
    Seen failing before the fix: the 20 accounts still held AX-IDF-PROSP with ``PAC_Target__c`` true after the new
    store's ``--full`` sync (it wrote only the accounts it targets), while the old store's next sync cleared them."""
    old, new = _settings(tmp_path, "old"), _settings(tmp_path, "new")
    with start_sandbox() as server:
        first = sandbox_sync(old, server)
        held = _holding(server, DROPPED)
        alone = [a for a in held if _pac(server, a) == (DROPPED, True)]
        _drop(tmp_path, DROPPED)
        fresh = sandbox_sync(new, server, full=True)
        after = _holding(server, DROPPED)
        cleared = {a: _pac(server, a) for a in alone}
        again = sandbox_sync(new, server)
    assert not first.errors and not fresh.errors and not again.errors, (first.errors, fresh.errors, again.errors)
    assert len(held) > len(alone) == 20
    assert after == []
    assert cleared == dict.fromkeys(alone, (None, False))
    assert again.accounts_written == 0 and _sf_accounts_sent(again) == []


def test_hand_edits_of_the_account_fields_are_restored(tmp_path: Path) -> None:
    """A manager sets ``PAC_Axes__c`` to an axis no plan has on a targeted account, flags an untargeted account
    ``PAC_Target__c`` with an axis, and clears another targeted account. The next sync restores the three; the same
    edits made again are restored by ``pac sync --full`` too; the sync after writes no account. Seen failing before
    the fix: the three edits stayed through ``pac sync`` and ``pac sync --full`` (pac diffed against what it had last
    written only; README "One plan, one truth" promised the restore)."""
    settings = _settings(tmp_path, "pac")
    with start_sandbox() as server:
        sf = server.api("salesforce")
        first = sandbox_sync(settings, server)
        live = sorted((r for r in sf.rows("Account") if not r["IsDeleted"]), key=lambda r: r["Id"])
        targeted = [r["Id"] for r in live if r.get("PAC_Target__c")]
        plain = next(r["Id"] for r in live if not r.get("PAC_Target__c") and not r.get("PAC_Axes__c"))
        edited, cleared = targeted[0], targeted[1]
        want = {a: _pac(server, a) for a in (edited, cleared, plain)}
        manager = next(u["Id"] for u in sf.rows("User") if u["Id"] != sf.integration_user and u.get("IsActive"))

        def edit() -> None:
            """The manager's edits, two seconds after pac's last write (pac takes a change stamped within the second
            after its write, whose stamp it knows to the second only, for its own): the org's clock moves on two
            seconds and stays there, so every later stamp, pac's writes included, comes after the edits, as in a real
            org (restoring the clock stamped pac's next write before the edits it replaced: the quiet night then
            sent the three accounts again when the full sync came within a second of the edits, seen once under
            load)."""
            clock = sf.org.now
            sf.org.now = lambda: clock() + timedelta(seconds=2)
            sf.edit("Account", edited, by=manager, PAC_Axes__c="AX-BIDON")
            sf.edit("Account", plain, by=manager, PAC_Target__c=True, PAC_Axes__c="AX-RA-DORM")
            sf.edit("Account", cleared, by=manager, PAC_Axes__c=None, PAC_Target__c=False)

        edit()
        nightly = sandbox_sync(settings, server)
        after_nightly = {a: _pac(server, a) for a in want}
        edit()
        full = sandbox_sync(settings, server, full=True)
        after_full = {a: _pac(server, a) for a in want}
        quiet = sandbox_sync(settings, server)
    assert not first.errors and not nightly.errors and not full.errors, (nightly.errors, full.errors)
    assert want[plain] == (None, False) and want[edited][1] is True and want[cleared][1] is True
    assert after_nightly == want
    assert after_full == want
    assert _sf_accounts_sent(nightly) == _sf_accounts_sent(full) == sorted(want)
    assert quiet.accounts_written == 0 and quiet.written == 0


def _without_account_fields(server: SandboxServer) -> None:
    """The org as an older pac left it: Account has neither ``PAC_Axes__c`` nor ``PAC_Target__c``."""
    sf = server.api("salesforce")
    for name in ("PAC_Axes__c", "PAC_Target__c"):
        sf.schema["Account"].fields.pop(name)
        for row in sf.find("FieldPermissions", Field=f"Account.{name}"):
            sf.store["FieldPermissions"].pop(row["Id"])
        for row in sf.store["Account"].values():
            row.pop(name, None)
    sf.org.accessors.clear()


def test_an_org_lacking_the_account_fields_syncs_and_says_what_to_run(tmp_path: Path) -> None:
    """The account query reading ``PAC_Axes__c`` back is refused by an org that lacks it (INVALID_FIELD): the
    accounts are read again without the fields (Account's describe names them), nothing is written to them, the
    run's problems name the fields and the command, and the rest is written; once provisioned, nothing is said."""
    settings = _settings(tmp_path, "pac")
    with start_sandbox() as server:
        sandbox_sync(settings, server, full=True)  # provisions the PAC objects (and the account fields)
        _without_account_fields(server)
        lacking = sandbox_sync(settings, server, full=True, provision=False)
        provisioned = sandbox_sync(settings, server, provision=True)
    assert not lacking.errors, lacking.errors
    assert lacking.counts["accounts"]["read"] > 0
    assert _sf_accounts_sent(lacking) == []
    assert [line for line in lacking.lacking if line.startswith("sf-main:")] == [
        "sf-main: salesforce.schema Account lacks PAC_Axes__c, PAC_Target__c (an org provisioned by an older pac): "
        "left out of the sync, everything else is written; to fill them deploy force-app/ again (sf project deploy "
        "start --source-dir force-app --target-org ORG: the fields with the list views and the Lightning component "
        "that read them), or run pac crm provision salesforce for the fields alone"
    ]
    assert not provisioned.errors and provisioned.lacking == []


def _recreated_account_fields(server: SandboxServer) -> None:
    """An admin deleted ``PAC_Axes__c`` and ``PAC_Target__c`` in Setup and created them again (a type change, the
    upgrade of docs/salesforce.md): every account holds them empty, and no account's ``SystemModstamp`` moved (a
    change of the object's metadata changes no record)."""
    for row in server.api("salesforce").store["Account"].values():
        row["PAC_Axes__c"], row["PAC_Target__c"] = None, False


def test_account_fields_created_again_are_refilled_by_the_next_full_read(tmp_path: Path) -> None:
    """The account fields emptied by their re-creation are refilled by the next night that reads the accounts in full
    (``pac sync --full``, the weekly reconciliation): an account read tonight holds what it was read holding, even
    when its stamp is older than pac's last write to it; the sync after writes no account. Seen failing before the
    fix: the --full sync wrote no account (the accounts' stamps were older than pac's writes, so what they held was
    not compared), and they stayed empty until the plan's value for each of them changed."""
    settings = _settings(tmp_path, "pac")
    with start_sandbox() as server:
        first = sandbox_sync(settings, server)
        before = {r["Id"]: (r.get("PAC_Axes__c"), r.get("PAC_Target__c"))
                  for r in server.api("salesforce").rows("Account") if not r["IsDeleted"]}
        _recreated_account_fields(server)
        full = sandbox_sync(settings, server, full=True)
        after = {a: _pac(server, a) for a in before}
        quiet = sandbox_sync(settings, server)
    targeted = sorted(a for a, (_axes, target) in before.items() if target)
    assert not first.errors and not full.errors and not quiet.errors, (full.errors, quiet.errors)
    assert len(targeted) > 20
    assert after == before
    assert _sf_accounts_sent(full) == targeted
    assert quiet.accounts_written == 0 and quiet.written == 0


def test_account_fields_created_again_are_refilled_the_same_night_at_no_cost_to_quiet_nights(tmp_path: Path) -> None:
    """An admin deletes ``PAC_Axes__c`` and ``PAC_Target__c`` and deploys them again (here: ``pac crm provision``
    before the night): Account's describe, asked If-Modified-Since every night, answers with a body instead of 304,
    so that night reads the accounts in full and refills every targeted account; the quiet nights before and after
    make the same calls (a 304 costs what it cost), and the one after writes nothing. Seen failing before the fix:
    the night after the re-creation wrote no account (an incremental read: no account's stamp had moved)."""
    settings = _settings(tmp_path, "pac")
    with start_sandbox() as server:
        sf = server.api("salesforce")
        sandbox_sync(settings, server)
        quiet_before = sandbox_sync(settings, server, reset_counts=True)
        calls_before = dict(server.calls)
        before = {r["Id"]: (r.get("PAC_Axes__c"), r.get("PAC_Target__c")) for r in sf.rows("Account")
                  if not r["IsDeleted"]}
        for name in ("PAC_Axes__c", "PAC_Target__c"):
            sf.org.delete_custom_field(f"Account.{name}")
        night = sandbox_sync(settings, server)      # provisions the two fields again, then syncs
        after = {a: _pac(server, a) for a in before}
        quiet = sandbox_sync(settings, server, reset_counts=True)
        calls_after = dict(server.calls)
    targeted = sorted(a for a, (_axes, target) in before.items() if target)
    assert not quiet_before.errors and not night.errors and not quiet.errors, (night.errors, quiet.errors)
    assert quiet_before.accounts_written == 0 and len(targeted) > 20
    assert after == before
    assert _sf_accounts_sent(night) == targeted
    assert quiet.accounts_written == 0 and quiet.written == 0
    assert calls_after == calls_before
