"""`pac explain` agrees with the figures on the hand-computed organisations (audit explainleft, 7 Dec 2026): after
each of their nights, every action's and axis's explanation, as `pac explain` evaluates the store (decisions asked,
the runs' rejected records loaded), reproduces the figures `pac status` and the report read: an action's counted rows
are its count (its distinct accounts), an axis's counted deals add up to its revenue to the cent and its header's
counts, its actions' ✔ lines are its activities done, no axis lists a won deal with no account, and only a near miss
outside the window names a task's second date (``tests.explain_agreement``). The organisations' own tests check the
hand figures; this checks that explain's rows are those figures."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from tests.explain_agreement import store_disagreements
from tests.fakes import one_connector_settings
from tests.integration import test_hs_hand_portal as hand3
from tests.integration import test_sfhand4_fiscal_org as sf4
from tests.integration import test_sfhand5_dst_org as sf5
from tests.integration import test_sfhand6_distributor_org as sf6
from tests.integration.hand_reading import sf_sync
from tests.integration.test_hshand4_portal import nights as hand4  # noqa: F401 - the module's nights, as a fixture
from tests.integration.test_hshand5_portal import nights as hand5  # noqa: F401
from tests.integration.test_hshand6_rename_portal import nights as hand6  # noqa: F401
from tests.integration.test_sfhand4_fiscal_org import fiscal_org  # noqa: F401
from tests.integration.test_sfhand5_dst_org import dst_org  # noqa: F401
from tests.integration.test_sfhand6_distributor_org import distributor_org  # noqa: F401


def _both_nights(module: ModuleType, org: tuple[Any, Any, Path]) -> list[list[str]]:
    docs, settings, mapping = org
    sf_sync(docs, settings, mapping, module.NIGHT1)
    first = store_disagreements(settings, as_of=module.NIGHT1)
    module._between_the_nights(docs)
    sf_sync(docs, settings, mapping, module.NIGHT2)
    return [first, store_disagreements(settings, as_of=module.NIGHT2)]


def test_sfhand4(fiscal_org: tuple[Any, Any, Path]) -> None:    # noqa: F811 - the fixture imported above
    assert _both_nights(sf4, fiscal_org) == [[], []]


def test_sfhand5(dst_org: tuple[Any, Any, Path]) -> None:    # noqa: F811 - the fixture imported above
    assert _both_nights(sf5, dst_org) == [[], []]


def test_sfhand6(distributor_org: tuple[Any, Any, Path]) -> None:    # noqa: F811 - the fixture imported above
    assert _both_nights(sf6, distributor_org) == [[], []]


def test_hshand3(tmp_path: Path) -> None:
    settings = one_connector_settings(tmp_path, hand3.PLAN, "hs-hand3", hand3._mapping(tmp_path), "hand3")
    portal = hand3.build_portal()
    with hand3.Emulator(portal, page_cap=3) as emulator:
        hand3.sync(settings, emulator, [], clock=lambda: hand3.FIRST)
        first = store_disagreements(settings)
        hand3.the_day_after(portal)
        hand3.sync(settings, emulator, [], clock=lambda: hand3.SECOND)
        assert [first, store_disagreements(settings)] == [[], []]


def test_hshand4(hand4: Any) -> None:    # noqa: F811
    assert store_disagreements(hand4[-1]) == []


def test_hshand5(hand5: Any) -> None:    # noqa: F811
    assert store_disagreements(hand5[3]) == []


def test_hshand6(hand6: Any) -> None:    # noqa: F811
    assert store_disagreements(hand6[3]["settings"]) == []
