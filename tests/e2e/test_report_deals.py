"""The quarterly report's « Depuis la clôture » lines name the deals of each axis's move (audit reportdeals).

Decided 7 Dec 2026.

The organisation of tests/e2e/test_review_deals.py: Q1 2027's snapshot is kept on the night of 1 April; in April D1
(9 000, 20 March) is reopened, D2 (5 000) lost, D3 lowered 8 000 → 6 000, D4's close (4 000) moved to 15 May, D5
(3 000) moved to a pharmaceutical account, D6 (2 000) deleted, D8 (1 500, 28 March) typed on 3 April, D7 (7 000) won on
18 April. ``pac report --quarter 2027-Q1`` on 1 May said « CA supplémentaire des axes : AX-KEY 30 541 € → 7 041 € » and
named no deal. Hand computation (/tmp/audits/reportdeals/EXPECTED.md): kept 33 500 − 2 959 = 30 541; today's Q1
6 000 + 1 500 + 2 500 − 2 959 = 7 041; −9 000 −5 000 −4 000 −3 000 −2 000 −2 000 +1 500 = −23 500 (the baseline is
the same at the same close). D7, of April, is not Q1's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pac_config.settings import load_settings
from pac_core.records import Deal
from sync_jobs import app
from sync_jobs.evaluation import load_plan_file
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.e2e.test_report_hand import page
from tests.e2e.test_review_deals import ACCOUNTS, DEALS, PARIS, USER, VISIT, _pac, _plain, _settings
from tests.fakes import Clock, FakeConnector

AXES_FR = "CA supplémentaire des axes : AX-KEY 30 541 € → 7 041 €"
DEALS_FR = (
    "AX-KEY −23 500 € · détail : Affaire D1 −9 000 € (rouverte) ; Affaire D2 −5 000 € (perdue) ; Affaire D4 −4 000 € "
    "(clôture déplacée au 15 mai 2027) ; Affaire D5 −3 000 € (hors du périmètre de l'axe aujourd'hui) ; Affaire D3 "
    "−2 000 € (montant compté 8 000 € → 6 000 €) ; Affaire D6 −2 000 € (supprimée du CRM) ; Affaire D8 +1 500 € (du "
    "28 mars 2027, comptée après la clôture)")
DEALS_EN = (
    "AX-KEY −€23,500 · breakdown: Affaire D1 −€9,000 (reopened); Affaire D2 −€5,000 (lost); Affaire D4 −€4,000 (close "
    "date moved to May 15, 2027); Affaire D5 −€3,000 (no longer in the axis's scope); Affaire D3 −€2,000 (amount "
    "counted €8,000 → €6,000); Affaire D6 −€2,000 (deleted in the CRM); Affaire D8 +€1,500 (of March 28, 2027, counted "
    "after the close)")


@dataclass
class Store:
    tmp: Path
    config: Path       # the settings of the night of 1 May

    def report(self, out: str, *args: str) -> str:
        path = self.tmp / out
        _pac(self.tmp, self.config, "report", "--quarter", "2027-Q1", *args, "-o", str(path))
        if out.endswith(".xlsx"):
            book = openpyxl.load_workbook(path)
            return _plain("\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r
                                    if c.value is not None))
        return _plain(page(path).text)


def sync_nights(tmp: Path, deals: Sequence[Deal], periods: Sequence[str]) -> Path:
    """The nights of 1 April (a sync, then a snapshot of each of ``periods``) and 1 May 2027 (a sync), 03:00, each
    with the versions of ``deals`` modified by then; the settings of the night of 1 May."""
    crm = FakeConnector()
    crm.put(USER, *ACCOUNTS, VISIT)
    config = tmp
    for month in (4, 5):
        night = datetime(2027, month, 1, 3, tzinfo=PARIS)
        config = _settings(tmp, night)
        latest: dict[str, Deal] = {}
        for version in deals:
            if version.modified_at is not None and version.modified_at <= night:
                latest[version.id] = version
        crm.put(*latest.values())
        result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(night))
        assert result.status == "ok", result
        if month == 4:
            for period in periods:
                _pac(tmp, config, "snapshot", "--period", period)
    return config


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The nights of 1 April (a sync, Q1's snapshot) and 1 May 2027 (a sync), 03:00."""
    tmp = tmp_path_factory.mktemp("reportdeals")
    return Store(tmp, sync_nights(tmp, DEALS, ("2027-Q1",)))


def test_the_report_names_the_deals_since_the_close(store: Store) -> None:
    """The kept Q1 (30 541 €) against today's re-evaluation (7 041 €): each deal with its amount and why, drops first,
    the largest first, in the page's header."""
    text = store.report("q1.html")
    assert AXES_FR + "\n" + DEALS_FR + "\n" in text + "\n"


def test_the_deals_add_up_to_the_difference(store: Store) -> None:
    """The amounts listed add up to the axes' line's difference, to the euro: 7 041 − 30 541 = −23 500."""
    text = store.report("q1-sum.html")
    line = re.search(r"^AX-KEY (−|\+)(\d[\d ]*) € · détail : (.*)$", text, re.M)
    assert line is not None, text
    shown = int(line.group(2).replace(" ", "")) * (-1 if line.group(1) == "−" else 1)
    parts = [int(a.replace(" ", "")) * (-1 if s == "−" else 1)
             for s, a in re.findall(r"(−|\+)(\d[\d ]*) € \(", line.group(3))]
    assert len(parts) == 7 and sum(parts) == shown == 7041 - 30541


def test_english_and_the_workbook_and_restated_say_the_same(store: Store) -> None:
    """English, the workbook's subtitle and ``--restated`` (today's figures, the lines against the kept close)."""
    assert DEALS_EN in store.report("q1-en.html", "--lang", "en")
    assert DEALS_FR in store.report("q1.xlsx", "--format", "xlsx")
    assert DEALS_FR in store.report("q1-restated.html", "--restated")


def test_a_snapshot_kept_without_deals_names_none(store: Store) -> None:
    """Q1's snapshot as a pac before 7 Dec 2026 kept it (no ``axis_deals``): the axes' line as before, no breakdown."""
    settings = load_settings(store.config, env={})
    plan_id = load_plan_file(settings.plan(None))[0].id
    engine = open_store(settings.database())
    row = repo.snapshot(engine, plan_id, "quarterly", "2027-Q1")
    assert row is not None and "axis_deals" in row.payload
    try:
        repo.save_snapshot(engine, plan_id, "quarterly", "2027-Q1",
                           {k: v for k, v in row.payload.items() if k != "axis_deals"}, row.taken_at, replace=True)
        text = store.report("q1-old.html")
        assert AXES_FR in text and "détail" not in text and "Affaire D1" not in text
    finally:
        repo.save_snapshot(engine, plan_id, "quarterly", "2027-Q1", row.payload, row.taken_at, replace=True)
        engine.dispose()


def test_deal_lists_are_computed_only_when_the_snapshot_kept_some(store: Store,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's counted-deal lists (an extra engine pass over every axis's decisions: 3.1 s -> 4.2 s at 200,000 deals)
    are listed only when the kept snapshot they are compared with holds its own (``axis_deals``); one kept before
    7 Dec 2026 holds none, and the report is made with one plain pass (audit leftsmall)."""
    calls: list[bool] = []
    real = app.evaluate

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(bool(kwargs.get("all_deals")))
        return real(*args, **kwargs)

    monkeypatch.setattr(app, "evaluate", spy)
    settings = load_settings(store.config, env={})
    plan = load_plan_file(settings.plan(None))[0]
    close = datetime(2027, 4, 1, tzinfo=PARIS)
    inputs = app.load_report_inputs(settings, None, as_of=close, closed=True)
    assert calls == [True] and inputs.basis is not None and set(inputs.basis.moves) == {"AX-KEY"}
    engine = open_store(settings.database())
    row = repo.snapshot(engine, plan.id, "quarterly", "2027-Q1")
    assert row is not None and "axis_deals" in row.payload
    try:
        repo.save_snapshot(engine, plan.id, "quarterly", "2027-Q1",
                           {k: v for k, v in row.payload.items() if k != "axis_deals"}, row.taken_at, replace=True)
        calls.clear()
        old = app.load_report_inputs(settings, None, as_of=close, closed=True)
        assert calls == [False] and old.basis is not None and old.basis.kept and old.basis.moves == {}
        assert old.basis.since.axes == inputs.basis.since.axes != ()
        calls.clear()
        app.load_report_inputs(settings, None, as_of=close, closed=True, restated=True)
        assert calls == [False]
    finally:
        repo.save_snapshot(engine, plan.id, "quarterly", "2027-Q1", row.payload, row.taken_at, replace=True)
        engine.dispose()
