"""The review's own since-close lines and ``pac snapshot --replace``'s name the deals of each axis's move, as the
quarterly report's do; an axis whose deals cancel out is said too (audit snapdeals, 7 Dec 2026).

Case A, the organisation of tests/e2e/test_review_deals.py: March's and Q1's snapshots are kept on the night of
1 April; in April D1 (9 000) is reopened, D2 (5 000) lost, D3 lowered 8 000 → 6 000, D4's close moved to 15 May, D5
moved to a pharmaceutical account, D6 deleted, D8 (1 500, 28 March) typed on 3 April. March reviewed on 1 May (its own
snapshot kept) said « CA supplémentaire des axes : AX-KEY 30 541 € → 7 041 € » and named no deal; so did
``pac snapshot --period 2027-Q1 --replace``. Hand computation (/tmp/audits/snapdeals/EXPECTED.md): −9 000 −5 000
−4 000 −3 000 −2 000 −2 000 +1 500 = −23 500 (same close: no baseline term).

Case B, deals that cancel out: C1 (5 000, 10 March) reopened on 10 April, C2 (5 000, 25 March) typed on 12 April, C3
(2 500, January) steady: 4 541 € kept and today. pac said nothing since the close (its restatement is empty); a
manager wants to know the revenue is the same for other deals: « AX-KEY 0 € · détail : Affaire C1 −5 000 € (rouverte)
; Affaire C2 +5 000 € (du 25 mars 2027, comptée après la clôture) », as the review's « Évolution » says « 0 € depuis
le mois dernier · détail : … ».
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.records import Deal, DealStage
from sync_jobs.evaluation import load_plan_file
from sync_jobs.store import open_store, repo
from tests.e2e.test_report_deals import AXES_FR, DEALS_EN, DEALS_FR, sync_nights
from tests.e2e.test_report_hand import page
from tests.e2e.test_review_deals import DEALS, _pac, _plain, deal

AXES_EN = "axes' additional revenue: AX-KEY €30,541 → €7,041"
CANCEL = [
    deal("C1", "k1", "5000", date(2027, 3, 10), date(2027, 3, 10)),
    deal("C1", "k1", "5000", date(2027, 6, 30), date(2027, 4, 10), stage=DealStage.OPEN),     # reopened
    deal("C2", "k2", "5000", date(2027, 3, 25), date(2027, 4, 12)),                           # typed late
    deal("C3", "k3", "2500", date(2027, 1, 10), date(2027, 1, 10)),
]
CANCEL_FR = ("AX-KEY 0 € · détail : Affaire C1 −5 000 € (rouverte) ; Affaire C2 +5 000 € (du 25 mars 2027, comptée "
             "après la clôture)")
CANCEL_EN = ("AX-KEY €0 · breakdown: Affaire C1 −€5,000 (reopened); Affaire C2 +€5,000 (of March 25, 2027, counted "
             "after the close)")
HEAD_FR = "Depuis la clôture (saisies et modifications du plan après le 31 mars 2027) :"


@dataclass
class Store:
    tmp: Path
    config: Path       # the settings of the night of 1 May

    def pac(self, *args: str) -> str:
        return _plain(_pac(self.tmp, self.config, *args))

    def review(self, out: str, *args: str) -> str:
        path = self.tmp / out
        self.pac("review", "--month", "2027-03", *args, "-o", str(path))
        return _plain(page(path).text if out.endswith(".html") else path.read_text(encoding="utf-8"))

    def report(self, out: str, *args: str) -> str:
        path = self.tmp / out
        self.pac("report", "--quarter", "2027-Q1", *args, "-o", str(path))
        return _plain(page(path).text)


def _nights(tmp: Path, deals: Sequence[Deal]) -> Store:
    """The nights of 1 April (a sync, March's and Q1's snapshots) and 1 May 2027 (a sync), 03:00."""
    return Store(tmp, sync_nights(tmp, deals, ("2027-03", "2027-Q1")))


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _nights(tmp_path_factory.mktemp("snapdeals-a"), DEALS)


@pytest.fixture(scope="module")
def cancel(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _nights(tmp_path_factory.mktemp("snapdeals-b"), CANCEL)


def _sum_of(line: str, currency: str = " €") -> tuple[int, list[int]]:
    """The difference a deal line shows and its parts, in whole units."""
    number = r"(−|\+)?(\d[\d ]*)" + re.escape(currency)
    head, _, rest = line.partition(" · détail : ")
    found = re.search(number + "$", head)
    assert found is not None, line
    total = int(found.group(2).replace(" ", "")) * (-1 if found.group(1) == "−" else 1)
    parts = [int(a.replace(" ", "")) * (-1 if s == "−" else 1) for s, a in re.findall(number + r" \(", rest)]
    return total, parts


def test_a_closed_months_review_names_the_deals_since_its_close(moved: Store) -> None:
    """March reviewed on 1 May against its own kept snapshot: the axes' line, then the deals that make it, the amounts
    adding up to −23 500 €, as the quarterly report's since-close lines (same close, same deals)."""
    text = moved.review("march.md")
    assert AXES_FR + "  \n" + DEALS_FR + "\n" in text
    total, parts = _sum_of(DEALS_FR)
    assert len(parts) == 7 and sum(parts) == total == 7041 - 30541


def test_the_review_says_it_in_english_and_html(moved: Store) -> None:
    assert DEALS_EN in moved.review("march-en.md", "--lang", "en")
    assert DEALS_FR in moved.review("march.html")


def test_a_reps_review_names_no_deal(moved: Store) -> None:
    """A rep's review leaves the axes out of its since-close lines (the manager's part): no deal line either."""
    text = moved.review("march-julie.md", "--rep", "julie@audit.example")
    assert "AX-KEY" not in text.split("##")[0] and "détail" not in text


def test_replace_prints_the_deals_of_each_axiss_move(moved: Store) -> None:
    """``pac snapshot --period 2027-Q1 --replace`` on 1 May: what changes, the axes' line and its deals (English)."""
    out = moved.pac("snapshot", "--period", "2027-Q1", "--replace")
    assert f"  {AXES_EN}\n  {DEALS_EN}\n" in out + "\n", out


def test_replacing_a_snapshot_kept_without_deals_names_none(moved: Store) -> None:
    """March's snapshot as a pac before 7 Dec 2026 kept it (no ``axis_deals``): replaced, the axes' line as before."""
    settings = load_settings(moved.config, env={})
    plan_id = load_plan_file(settings.plan(None))[0].id
    engine = open_store(settings.database())
    try:
        row = repo.snapshot(engine, plan_id, "monthly", "2027-03")
        assert row is not None and "axis_deals" in row.payload
        repo.save_snapshot(engine, plan_id, "monthly", "2027-03",
                           {k: v for k, v in row.payload.items() if k != "axis_deals"}, row.taken_at, replace=True)
    finally:
        engine.dispose()
    out = moved.pac("snapshot", "--period", "2027-03", "--replace")
    assert AXES_EN in out and "breakdown" not in out and "Affaire" not in out


def test_deals_that_cancel_out_are_said_in_the_report(cancel: Store) -> None:
    """Q1's additional revenue is 4 541 € kept and today, from other deals: the report says which."""
    text = cancel.report("q1.html")
    assert HEAD_FR + "\n" + CANCEL_FR + "\n" in text + "\n"
    assert "CA supplémentaire des axes" not in text      # the figure did not move
    total, parts = _sum_of(CANCEL_FR)
    assert parts == [-5000, 5000] and total == 0


def test_deals_that_cancel_out_are_said_in_the_review(cancel: Store) -> None:
    text = cancel.review("march.md")
    assert HEAD_FR + "  \n" + CANCEL_FR + "\n" in text
    assert "recalculé sur les saisies et le plan d'aujourd'hui" in text.split("\n\n")[1]
    assert CANCEL_EN in cancel.review("march-en.md", "--lang", "en")


def test_deals_that_cancel_out_are_printed_by_replace(cancel: Store) -> None:
    out = cancel.pac("snapshot", "--period", "2027-Q1", "--replace")
    assert "what changes:\n  Since the close (entries and plan edits after March 31, 2027):\n  " + CANCEL_EN in out, out
