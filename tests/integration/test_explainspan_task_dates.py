"""`pac explain` lists an activity by its other date too (audit explainspan, 7 Dec 2026; audit sfhand6 L2).

A completed Salesforce Task keeps its due day beside its completion and is dated at the earlier of the two
(docs/engine.md, rule 3). In the sfhand6 org, Marc's call T4 is due Monday 7 June, in A-2's window (week 23, 7-13
June), and was completed on Saturday 5 June: dated 5 June, it does not count, and the near-miss search, a day around
the window by that instant, did not list it. A rep looking for « my call due on the 7th » found no row. Now it is
listed outside the window, with both dates; T2 (due 6 June, done 8 June) names its completion too. The figures are
the same (A-2: 3 / 4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.sf_docs_emulator import DocsOrg
from tests.integration.test_sfhand6_distributor_org import NIGHT1, _explained, _sync
from tests.integration.test_sfhand6_distributor_org import distributor_org as distributor_org  # the fixture


def test_a_task_due_in_the_window_and_completed_before_it_is_listed_with_both_dates(
        distributor_org: tuple[DocsOrg, Any, Path]) -> None:
    org, settings, mapping = distributor_org
    _sync(org, settings, mapping, NIGHT1)
    head, a2 = _explained(org, settings, "A-2")
    assert any("3 / 4" in line for line in head), head
    assert [(mark, name, reason) for mark, name, reason in a2 if name[0] == "T"] == [
        ("✔", "T5", "counted"), ("✔", "T1", "counted"), ("✔", "T3", "counted"),
        ("✘", "T4", "outside the window"), ("✘", "T2", "outside the window"),
        ("✘", "T6", "still planned on a past date"), ("✘", "T7", "account outside the scope")]
    _, en = _explained(org, settings, "A-2", detail=True)
    assert {name: words for _, name, words in en if name in ("T2", "T4")} == {
        "T4": "completed 2027-06-05 10:00, before the window “week 23” (2027-06-07 – 2027-06-13); due 2027-06-07",
        "T2": "due 2027-06-06, before the window “week 23” (2027-06-07 – 2027-06-13); completed 2027-06-08 10:00"}
    _, fr = _explained(org, settings, "A-2", "fr", detail=True)
    assert {name: words for _, name, words in fr if name in ("T2", "T4")} == {
        "T4": "terminée le 5 juin 2027 à 10:00, avant la période « week 23 » (du 7 au 13 juin 2027) ; "
              "échéance le 7 juin",
        "T2": "échéance le 6 juin 2027, avant la période « week 23 » (du 7 au 13 juin 2027) ; "
              "terminée le 8 juin à 10:00"}
