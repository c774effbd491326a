"""HubSpot companies merged more than once, and a merge with an old record nobody worked (audit hshand12, 8 Dec 2026).

Every figure below was computed by hand from HubSpot's documentation and pac's documented rules BEFORE the first run
(/tmp/audits/hshand12/EXPECTED.md keeps them as written then). The portal is audit hshand8's
(``test_hshand8_merge_portal``: the worked example's « Visiter 5 clients dormants du 69 en semaine 18 », A-1, and the
dormant axis AX-DO, +10,000 in Q2 2027) with one more company per case, read by pac's real connector on the
documentation emulator over several nights (full, incremental, then ``pac sync --full``).

What HubSpot does (quoted, with their addresses):

* a merge makes a new record: "a new record with a new ID will be created for the resulting merged record, with both
  records merged into the new one. [...] both of the previous IDs will point to the resulting merged record"; "the
  property values of the resulting merged record will use the latest property values of the primary record as the
  current value. Property values from both objects will still be merged onto the new object"
  (https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies);
* "The history of property values from both records will be in the property history of the resulting, final record";
  "All deals or tickets associated with the records will be associated with the new primary record after the merge"
  (https://hubspot.lqdt.com/merging-records, a portal's copy of the knowledge base's *Merge records*);
* "For all objects, you can use the Merged [record] IDs property to view previously merged records"
  (https://knowledge.hubspot.com/deals/merge-deals): whether a record merged again lists the ids merged into it
  earlier is not documented, so both are run (``lists_earlier``);
* the merge endpoint takes ``primaryObjectId`` and ``objectIdToMerge`` only
  (https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/services/merge/merge-services).

Two cases pac's documented rule (audit hsmerge: before the merge the account is the merged company with the smallest
id) gave wrong, as its own doc's limits said:

* **merged twice**: Lyon A (2801, dormant, visited and sold to) merged with Rillieux (2812) into 2830 on 10 May; on
  11 May 2830 merged with « Lyon A SAS » (2815, created in 2025, not dormant, nobody's visits or deals) into 2840. The
  smallest live id was 2815: 2840 read « not dormant » on 3 May and 1 April, A-1 2 / 5 and AX-DO 0 instead of 3 / 5
  and 8,500 (the night before the second merge's figures), incremental and ``--full`` alike;
* **an old record nobody worked**: « LYON A » (2790, an import of 2022, box unticked, no owner, no visit, no deal)
  merged with Lyon A (2801) into 2899: the import's past, A-1 3 / 5 and AX-DO 2,500 instead of 4 / 5 and 8,500.

pac's rule now (docs/hubspot.md, *Merged records*): the past is the one of the merged record **the team worked**, the
one pac's store holds visits, calls or deals on; of several worked (or none), the smallest id, as before.

A third case, probed after the first run: **both merges between two nights** (pac never stores 2830). Where 2840 does
not list the ids merged into 2830, pac left Lyon A and Rillieux live and gave 2840 the duplicate's past; it now finds
them through the merged company's visits and deals it held on them (``test_both_merges_between_two_nights``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.explain_agreement import store_disagreements
from tests.integration.hand_reading import explained as _explained
from tests.integration.hand_reading import kpis as _kpis
from tests.integration.hand_reading import num as _num
from tests.integration.hand_reading import pac_records as _pac_records
from tests.integration.hs_docs_emulator import Emulator, Portal
from tests.integration.test_hs_docs_emulator import sync, t
from tests.integration.test_hshand8_merge_portal import JULIE, _settings, build_portal

N1, N2, N3, N4 = (t(f"2027-05-{d}T02:00:00Z") for d in (10, 11, 12, 13))
MERGE1, MERGE2 = t("2027-05-10T15:00:00Z"), t("2027-05-11T15:00:00Z")


def _add(portal: Portal, cid: str, name: str, dormant: str, owner: str, created: str) -> None:
    portal.add("companies", cid, {"name": name, "zip": "69003", "country": "France", "type": "CUSTOMER",
                                  "pac_dormant": dormant, "hubspot_owner_id": owner, "createdate": t(created)},
               modified=t(created))
    portal.objects["companies"][cid].created = t(created)


def _figures(run: Any) -> tuple[Any, ...]:
    kpis = _kpis(run.evaluation, "AX-DO")
    return (run.evaluation.action("A-1").done, run.evaluation.axis("AX-DO").revenue, kpis["reactivation_rate"],
            kpis["coverage"])


def _nights(settings: Any, portal: Portal, merges: dict[int, Any], clocks: tuple[Any, ...],
            full: set[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": [], "written": [], "explain": [], "explain AX-DO": []}
    with Emulator(portal, page_cap=4) as emulator:
        for night, clock in enumerate(clocks):
            if night in merges:
                merges[night]()
            out["runs"].append(sync(settings, emulator, [], clock=lambda c=clock: c, as_of=clock,
                                    full=night in full))
            out["written"].append(_pac_records(portal))
            out["explain"].append(_explained(settings, "A-1", "en"))
            out["explain AX-DO"].append(_explained(settings, "AX-DO", "en"))
        out["refused"] = list(emulator.refused)
    out["disagreements"] = store_disagreements(settings)
    return out


@pytest.fixture(scope="module", params=[(p, e) for p in ("duplicate-primary", "lyon-a-primary")
                                        for e in (False, True)],
                ids=lambda v: f"{v[0]}-{'lists-earlier' if v[1] else 'lists-two'}")
def twice(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Any:
    """Case A: 2801 + 2812 -> 2830 (10 May 15:00Z, Lyon A primary); 2830 + 2815 -> 2840 (11 May 15:00Z, 2815 or
    2830 primary; 2840 listing « 2830;2815 » or the earlier ids too). Nights: full, incremental, incremental,
    ``pac sync --full``."""
    case, lists_earlier = request.param
    tmp = tmp_path_factory.mktemp("hshand12-twice")
    settings = _settings(tmp, 7)
    portal = build_portal()
    _add(portal, "2815", "Lyon A SAS", "false", JULIE, "2025-06-01T09:00:00Z")
    primary, other = ("2815", "2830") if case == "duplicate-primary" else ("2830", "2815")
    merges = {1: lambda: portal.merge("companies", "2801", "2812", "2830", MERGE1),
              2: lambda: portal.merge("companies", primary, other, "2840", MERGE2, lists_earlier=lists_earlier)}
    out = _nights(settings, portal, merges, (N1, N2, N3, N4), {3})
    out.update(portal=portal, case=case, lists_earlier=lists_earlier)
    return out


def test_twice_four_clean_nights(twice: Any) -> None:
    assert [(r.errors, r.rejections, r.status.value) for r in twice["runs"]] == [([], [], "ok")] * 4
    assert twice["refused"] == []
    assert twice["disagreements"] == []
    listed = twice["portal"].objects["companies"]["2840"].properties["hs_merged_object_ids"]
    assert listed == ("2801;2812" if twice["lists_earlier"] else "") + (
        ";" if twice["lists_earlier"] else "") + ("2815;2830" if twice["case"] == "duplicate-primary" else "2830;2815")


def test_twice_the_account_keeps_lyon_a_past(twice: Any) -> None:
    """Lyon A's lineage (2801 -> 2830 -> 2840) holds the team's visits and deals: 2840 dormant on 3 May and 1 April.
    N1 4 / 5, 8,500 (2 / 9, 4 / 9); N2 3 / 5 (one account), 8,500 (1 / 8, 3 / 8); N3 and the --full N4 the same as
    N2. Seen failing before the fix: N3 and N4 (2, 0.00, ...), 2815's past (not dormant)."""
    assert [_figures(r) for r in twice["runs"]] == [
        (4, Decimal("8500.00"), 0.2222, 0.4444)] + [(3, Decimal("8500.00"), 0.125, 0.375)] * 3


@pytest.mark.parametrize(("night", "roi"), [(0, "-0.4525"), (1, "-0.4659"), (2, "-0.4786"), (3, "-0.4907")])
def test_twice_axis_record(twice: Any, night: int, roi: str) -> None:
    """Revenue DL1 6,000 + DL2 2,500, baseline DL6 1,200, 7,300 of 10,000; ROI (7,300 x 0.3 - cost) / cost with cost
    9,100 x 40, 41, 42, 43 / 91."""
    record = twice["written"][night]["AX-DO"]
    names = ("pac_won_revenue", "pac_baseline", "pac_revenue", "pac_progress_pct", "pac_roi")
    assert tuple(_num(record, n) for n in names) == tuple(
        Decimal(v) for v in ("8500", "1200", "7300", "73", roi))


def test_twice_explain(twice: Any) -> None:
    """`pac explain A-1` after N3 and N4: v1 counted on 2840, v5 and v12 the same account; `pac explain AX-DO`: DL1
    and DL2 counted on 2840 (named by the primary)."""
    name = "Lyon A SAS" if twice["case"] == "duplicate-primary" else "Lyon A"
    for night in (2, 3):
        _out, rows = twice["explain"][night]
        assert {m: (rows[m][0], rows[m][3], rows[m][5]) for m in ("3801", "3802", "3803", "3805", "3812")} == {
            "3801": ("✔", name, "counted"), "3802": ("✔", "Villeurbanne", "counted"),
            "3803": ("✔", "Vénissieux", "counted"), "3805": ("✘", name, "account already counted"),
            "3812": ("✘", name, "account already counted")}
        out, deals = twice["explain AX-DO"][night]
        assert "2 deals counted, 0 not counted" in out
        assert {d: (r[0], r[4], r[7]) for d, r in deals.items() if d.isdigit()} == {
            "6801": ("✔", name, "€6,000.00"), "6802": ("✔", name, "€2,500.00")}


def test_twice_the_merged_company_keeps_the_axis(twice: Any) -> None:
    assert twice["portal"].objects["companies"]["2840"].properties.get("pac_axes") == "AX-DO"


@pytest.mark.parametrize("case", ["lyon-a-primary", "import-primary"])
def test_an_old_record_nobody_worked(tmp_path: Path, case: str) -> None:
    """Case B: « LYON A » (2790, imported 15 Jan 2022, box unticked, no owner, no visit, no deal) merged with Lyon A
    (2801) into 2899 on 10 May 15:00Z, either one the primary. N2 (incremental) and N3 (--full): 2899's past is Lyon A's
    (the team's visits and DL1): dormant on 3 May and 1 April, A-1 4 / 5 (v1 on 2899, v2, v3, v12), AX-DO 8,500, the
    scope's nine accounts (2 / 9, 4 / 9), as on N1. Seen failing before the fix: (3, 2500.00, ...), the import's
    past (not dormant)."""
    settings = _settings(tmp_path, 7)
    portal = build_portal()
    _add(portal, "2790", "LYON A", "false", "", "2022-01-15T09:00:00Z")
    primary, other = ("2801", "2790") if case == "lyon-a-primary" else ("2790", "2801")
    out = _nights(settings, portal, {1: lambda: portal.merge("companies", primary, other, "2899", MERGE1)},
                  (N1, N2, N3), {2})
    assert [(r.errors, r.rejections, r.status.value) for r in out["runs"]] == [([], [], "ok")] * 3
    assert out["refused"] == [] and out["disagreements"] == []
    merged = portal.objects["companies"]["2899"].properties
    assert (merged["name"], merged["pac_dormant"], merged["hubspot_owner_id"]) == (
        ("Lyon A", "true", JULIE) if case == "lyon-a-primary" else ("LYON A", "false", JULIE))
    assert [_figures(r) for r in out["runs"]] == [(4, Decimal("8500.00"), 0.2222, 0.4444)] * 3
    assert [_num(w["AX-DO"], "pac_roi") for w in out["written"]] == [
        Decimal("-0.4525"), Decimal("-0.4659"), Decimal("-0.4786")]
    _out, rows = out["explain"][2]
    assert (rows["3801"][0], rows["3801"][3], rows["3801"][5]) == ("✔", merged["name"], "counted")




@pytest.mark.parametrize("lists_earlier", [False, True], ids=["lists-two", "lists-earlier"])
def test_both_merges_between_two_nights(tmp_path: Path, lists_earlier: bool) -> None:
    """Both merges between night 1 and night 2 (10 May 15:00Z and 16:30Z, 2815 the primary of the second): pac never
    stored 2830. Right: 2840 is Lyon A and Rillieux (both visited, both sold to: the smallest, Lyon A's past),
    dormant on 3 May and 1 April: N2 (incremental) and N3 (--full) 3 / 5, 8,500, 1 / 8, 3 / 8. Where 2840 lists the
    ids merged earlier (« 2801;2812;2815;2830 ») pac reads that. Where it lists « 2815;2830 » only (HubSpot documents
    neither), pac took 2815's past and kept 2801 and 2812 live until the full read: seen failing before the fix
    (``_merged_unlisted``): N2 (2, 0, 0.0, 0.2222), N3 (2, 0, 0.0, 0.2857), for good. The merged company's visits and
    deals pac held on 2801 and 2812, and those two ids read by id answering 2840, now tie them to it."""
    settings = _settings(tmp_path, 7)
    portal = build_portal()
    _add(portal, "2815", "Lyon A SAS", "false", JULIE, "2025-06-01T09:00:00Z")

    def both() -> None:
        portal.merge("companies", "2801", "2812", "2830", MERGE1)
        portal.merge("companies", "2815", "2830", "2840", t("2027-05-10T16:30:00Z"), lists_earlier=lists_earlier)
    out = _nights(settings, portal, {1: both}, (N1, N2, N3), {2})
    assert [(r.errors, r.rejections, r.status.value) for r in out["runs"]] == [([], [], "ok")] * 3
    assert out["refused"] == [] and out["disagreements"] == []
    assert [_figures(r) for r in out["runs"]] == [
        (4, Decimal("8500.00"), 0.2222, 0.4444)] + [(3, Decimal("8500.00"), 0.125, 0.375)] * 2
