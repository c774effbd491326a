"""The year end on shared account fields (audit re-verification N3-N5): the 2026 plan (the example with 2027 read
2026: every axis id the same) and the 2027 plan (the example) on the same pair of connectors, synced on 5 December
2026 (the 2026 plan running, the 2027 one not begun) and on 4 January 2027 (the 2026 plan over). Sandbox CRM, real
client libraries."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sync_jobs.demo import write_demo_settings
from sync_jobs.pipeline import RunResult
from tests.fakes import sandbox_sync
from tests.integration.test_account_multiplan import _links
from tests.integration.test_account_writeback import _account_writes, _dormant_69

PLANS = Path(__file__).resolve().parents[2] / "config" / "plans"
Y26, Y27 = "pac-2026-durand-process", "pac-2027-durand-process"
DECEMBER, JANUARY = "2026-12-05T02:00:00+01:00", "2027-01-04T02:00:00+01:00"
COMPANY = "10010"
# the example alone (tests/integration/test_account_multiplan.py): in January 2027 as in May, AX-PHARMA-PX200 suspended
# hand-computed, 5 December 2026: the dormant 69 account is held by the 2026 plan's AX-AGRO-MAINT, AX-GC-QUOTES,
# AX-RA-MAINT (not dormant on 1 January 2026: no AX-RA-DORM) and by the 2027 plan's AX-AGRO-MAINT, AX-GC-QUOTES,
# AX-RA-DORM, AX-RA-MAINT; every id is in both plans: all qualified, the running 2026 plan's first. Tokens of 37, 36,
# 35, 37, 36, 34 and 35 characters: 262 with the separators, over 255; the first six and "; …" make 228.
DEC_26 = f"{Y26}:AX-AGRO-MAINT; {Y26}:AX-GC-QUOTES; {Y26}:AX-RA-MAINT"
DEC_FULL = f"{DEC_26}; {Y27}:AX-AGRO-MAINT; {Y27}:AX-GC-QUOTES; {Y27}:AX-RA-DORM; {Y27}:AX-RA-MAINT"
DEC_CUT = f"{DEC_26}; {Y27}:AX-AGRO-MAINT; {Y27}:AX-GC-QUOTES; {Y27}:AX-RA-DORM; …"
# company 10010: the 2026 plan's AX-GC-QUOTES, AX-PHARMA-MX50, AX-PHARMA-PX200 (its suspension ended 30 September
# 2026), the 2027 plan's AX-GC-QUOTES, AX-PHARMA-MX50, AX-SO-DORM; HubSpot's pac_axes is not cut
COMPANY_DEC = (f"{Y26}:AX-GC-QUOTES; {Y26}:AX-PHARMA-MX50; {Y26}:AX-PHARMA-PX200; "
               f"{Y27}:AX-GC-QUOTES; {Y27}:AX-PHARMA-MX50; {Y27}:AX-SO-DORM")
ALONE_27 = "AX-AGRO-MAINT; AX-GC-QUOTES; AX-RA-DORM; AX-RA-MAINT"
COMPANY_27 = "AX-GC-QUOTES; AX-PHARMA-MX50; AX-SO-DORM"


def _settings(tmp: Path, as_of: str) -> Any:
    demo = write_demo_settings(f"sqlite:///{tmp / 'pac.db'}", tmp / "demo.yaml").read_text(encoding="utf-8")
    head, engine = demo.split("plans:")[0], demo.split("engine:")[1]
    lines = [f"  - {{name: {name}, file: '{tmp / (name + '.pac.yaml')}', connectors: [sf-main, hs-west], "
             f"as_of: '{as_of}'}}" for name in ("y26", "y27")]
    path = tmp / f"pac-{as_of[:10]}.yaml"
    path.write_text(head + "plans:\n" + "\n".join(lines) + "\nengine:" + engine, encoding="utf-8")
    return load_settings(path, env={})


@pytest.fixture(scope="module")
def yearend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("yearend")
    example = (PLANS / "example.pac.yaml").read_text(encoding="utf-8")
    (tmp / "y27.pac.yaml").write_text(example, encoding="utf-8")
    (tmp / "y26.pac.yaml").write_text(example.replace("2027", "2026"), encoding="utf-8")
    shutil.copy(PLANS / "example.actions.csv", tmp / "example.actions.csv")
    seen: dict[str, Any] = {}
    with start_sandbox() as server:
        sf, hs = server.api("salesforce"), server.api("hubspot").table("companies")
        account = _dormant_69(server)

        def sync(step: str, plan: str, as_of: str) -> None:
            settings = _settings(tmp, as_of)
            result: RunResult = sandbox_sync(settings, server, plan, provision=not seen,   # provisioned once
                                             reset_counts=True)
            seen[step] = {"result": result, "writes": _account_writes(server),
                          "sf": sf.row("Account", account)["PAC_Axes__c"],
                          "target": sf.row("Account", account)["PAC_Target__c"],
                          "hs": hs.rows[COMPANY].props.get("pac_axes"),
                          "all": {a["Id"]: a.get("PAC_Axes__c") for a in sf.rows("Account")},
                          "links": _links(server, COMPANY)}

        sync("dec y26", "y26", DECEMBER)
        sync("dec y27", "y27", DECEMBER)
        sync("dec y26 again", "y26", DECEMBER)
        sync("jan y26", "y26", JANUARY)
        sync("jan y27", "y27", JANUARY)
        yield seen


def test_an_id_the_other_plan_has_is_qualified_even_if_it_targets_nothing_yet(yearend: dict[str, Any]) -> None:
    """5 December, the 2026 plan's first run: the 2027 plan (in the settings, not begun) has an axis record for each of
    its ids, so its tokens are its axis records' keys, although the 2027 plan has no stored contribution yet."""
    step = yearend["dec y26"]
    assert (step["sf"], step["target"]) == (DEC_26, True)
    assert step["hs"] == f"{Y26}:AX-GC-QUOTES; {Y26}:AX-PHARMA-MX50; {Y26}:AX-PHARMA-PX200"


def test_december_cut_keeps_the_running_plans_axes_and_whole_tokens(yearend: dict[str, Any]) -> None:
    """5 December, both plans synced: 262 characters for the 69 account, cut to whole tokens ending « … », the
    running 2026 plan's axes all kept (the 2027 plan's last token dropped); HubSpot holds the whole list."""
    step = yearend["dec y27"]
    assert len(DEC_FULL) == 262 and len(DEC_CUT) == 228
    assert (step["sf"], step["hs"]) == (DEC_CUT, COMPANY_DEC)
    keys = {f"{plan}:{axis}" for plan in (Y26, Y27) for axis in
            ("AX-RA-DORM", "AX-RA-MAINT", "AX-IDF-PROSP", "AX-SO-DORM", "AX-PHARMA-MX50", "AX-PHARMA-PX200",
             "AX-AGRO-MAINT", "AX-GC-QUOTES")}
    cut = [v for v in step["all"].values() if v and v.endswith("…")]
    assert cut
    for value in cut:
        assert value.endswith("; …") and len(value) <= 255, value
        assert set(value.split("; ")[:-1]) <= keys, value


def test_the_second_december_round_writes_nothing(yearend: dict[str, Any]) -> None:
    """The 2026 plan again on 5 December: same value computed, no account write."""
    step = yearend["dec y26 again"]
    assert (step["result"].accounts_written, step["sf"]) == (0, DEC_CUT)


def test_an_ended_plans_run_takes_its_axes_off(yearend: dict[str, Any]) -> None:
    """4 January: the 2026 plan is over; its own run targets no account, and leaves the 2027 plan's axes, bare (no
    other plan in force has those ids)."""
    step = yearend["jan y26"]
    assert step["result"].accounts_written > 0
    assert (step["sf"], step["target"], step["hs"]) == (ALONE_27, True, COMPANY_27)
    assert yearend["dec y27"]["links"] == {f"{Y26}:AX-GC-QUOTES", f"{Y26}:AX-PHARMA-MX50", f"{Y26}:AX-PHARMA-PX200",
                                           f"{Y27}:AX-GC-QUOTES", f"{Y27}:AX-PHARMA-MX50", f"{Y27}:AX-SO-DORM"}
    assert step["links"] == {f"{Y27}:AX-GC-QUOTES", f"{Y27}:AX-PHARMA-MX50", f"{Y27}:AX-SO-DORM"}
    holding = [v for v in step["all"].values() if v]
    assert holding and not [v for v in holding if Y26 in v or ":" in v]


def test_the_running_plan_ignores_an_ended_plans_contribution(yearend: dict[str, Any]) -> None:
    """4 January, then the 2027 plan's run: the ended plan's stored contribution does not count, nothing to write."""
    step = yearend["jan y27"]
    writes = [w for w in step["writes"] if w[2].endswith("/composite/sobjects") or "companies" in w[2]]
    assert (step["result"].accounts_written, writes) == (0, [])
    assert step["all"] == yearend["jan y26"]["all"]
