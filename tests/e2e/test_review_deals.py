"""Which deals make an axis's change since the previous review (audit reviewdeals, 7 Dec 2026).

The plan (2027, Europe/Paris, EUR): one axis AX-KEY (chemistry accounts), 40 000 € of additional revenue over a fixed
baseline of 12 000 € for the year (pro-rated day for day). March's review is written on the night of 1 April, with
March's snapshot; then in April a deal won on 20 March is reopened (D1, 9 000), one lost (D2, 5 000), one lowered
from 8 000 to 6 000 (D3), one's close moved to 15 May (D4, 4 000), one moved to a pharmaceutical account (D5, 3 000),
one deleted (D6, 2 000); D7 (7 000) is won on 18 April and D8 (1 500, won on 28 March) typed on 3 April. April's review
(night of 1 May) said « −17 486 € depuis le mois dernier, dont −23 500 € de mars 2027 retirés après sa revue (affaire
rouverte, perdue ou réduite) » and named no deal. The hand computation is /tmp/audits/reviewdeals/EXPECTED.md's:
March 33 500 − 2 959 = 30 541; April 17 000 − 3 945 = 13 055; −9 000 −5 000 −2 000 −4 000 −3 000 −2 000 +7 000
+1 500 −986 = −17 486.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pac_config.settings import load_settings
from pac_core.records import Account, Activity, ActivityType, Deal, DealStage, User
from sync_jobs.evaluation import load_plan_file
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.cli import run_pac
from tests.e2e.test_report_hand import NBSP, NNBSP, page
from tests.fakes import Clock, FakeConnector

PARIS = ZoneInfo("Europe/Paris")
PLAN = """\
plan: {name: "PAC affaires", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: nat@audit.example, name: Nathalie Garnier, role: manager}
  - {email: julie@audit.example, name: Julie Martin, role: rep}
segments:
  - id: S-CH
    name: Chimie
    kind: vertical
    scope: {industry: Chimie}
    swot: {strengths: [Références], weaknesses: [Délais], opportunities: [REACH], threats: [Prix]}
axes:
  - id: AX-KEY
    name: Chimie clés
    segment: S-CH
    status: active
    objective: {additional_revenue: 40000, baseline: 12000, margin_rate: 0.3, budget: 3000, expected_roi: 1}
actions:
  - id: A-01
    axis: AX-KEY
    text: "Visiter 6 comptes chimie au premier semestre"
    who: julie@audit.example
    what: {activity: visite, count: 6, counting: comptes distincts}
    when: "du 1er janvier au 30 juin 2027"
    info: {needed: "liste", from: "ADV"}
"""
T0 = datetime(2026, 1, 1, tzinfo=UTC)
USER = User(id="u1", source="fake", email="julie@audit.example", name="Julie", modified_at=T0)


def _account(aid: str, name: str, industry: str) -> Account:
    return Account(id=aid, source="fake", name=name, postal_code="69003", departement="69",
                   region="Auvergne-Rhône-Alpes", country="FR", industry=industry, account_type="Client",
                   modified_at=T0)


ACCOUNTS = (*(_account(f"k{n}", f"Chimie {n}", "Chimie") for n in range(1, 7)),
            _account("o1", "Labo Grenoble", "Pharmaceutique"))


def deal(did: str, aid: str, amount: str, day: date, typed: date, stage: DealStage = DealStage.WON,
         deleted: bool = False) -> Deal:
    return Deal(id=did, source="fake", account_id=aid, owner_id="u1", amount=Decimal(amount), currency="EUR",
                close_date=day, stage=stage, name=f"Affaire {did}", deleted=deleted,
                modified_at=datetime(typed.year, typed.month, typed.day, 12, tzinfo=UTC))


# every version of every deal, by the day it was typed: a night syncs the latest typed by then
DEALS = [
    deal("D1", "k1", "9000", date(2027, 3, 20), date(2027, 3, 20)),
    deal("D1", "k1", "9000", date(2027, 6, 30), date(2027, 4, 10), stage=DealStage.OPEN),      # reopened
    deal("D2", "k2", "5000", date(2027, 3, 5), date(2027, 3, 5)),
    deal("D2", "k2", "5000", date(2027, 3, 5), date(2027, 4, 12), stage=DealStage.LOST),       # lost
    deal("D3", "k3", "8000", date(2027, 2, 12), date(2027, 2, 12)),
    deal("D3", "k3", "6000", date(2027, 2, 12), date(2027, 4, 14)),                            # lowered
    deal("D4", "k4", "4000", date(2027, 3, 25), date(2027, 3, 25)),
    deal("D4", "k4", "4000", date(2027, 5, 15), date(2027, 4, 15)),                            # close moved
    deal("D5", "k5", "3000", date(2027, 3, 2), date(2027, 3, 2)),
    deal("D5", "o1", "3000", date(2027, 3, 2), date(2027, 4, 16)),                             # other account
    deal("D6", "k6", "2000", date(2027, 3, 14), date(2027, 3, 14)),
    deal("D6", "k6", "2000", date(2027, 3, 14), date(2027, 4, 17), deleted=True),              # deleted
    deal("D7", "k1", "7000", date(2027, 4, 18), date(2027, 4, 18)),
    deal("D8", "k2", "1500", date(2027, 3, 28), date(2027, 4, 3)),                             # typed late
    deal("D9", "k3", "2500", date(2027, 1, 10), date(2027, 1, 10)),
    deal("D10", "k2", "3000", date(2027, 5, 6), date(2027, 5, 6)),
]
VISIT = Activity(id="v1", source="fake", type=ActivityType.VISIT, owner_id="u1", account_id="k1",
                 start=datetime(2027, 2, 3, 9, tzinfo=UTC), modified_at=datetime(2027, 2, 3, 9, tzinfo=UTC))


def _settings(tmp: Path, as_of: datetime) -> Path:
    (tmp / "plan.pac.yaml").write_text(PLAN, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n  - {name: fake, crm: salesforce, mapping: mapping.yaml}\n"
        f"plans:\n  - {{name: audit, file: plan.pac.yaml, connectors: [fake], as_of: '{as_of.isoformat()}'}}\n",
        encoding="utf-8")
    return path


def _pac(tmp: Path, config: Path, *args: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config)}
    done = run_pac(*args, env=env, cwd=tmp, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ")


@dataclass
class Nights:
    tmp: Path
    config: dict[int, Path]       # month reviewed -> the settings of its closing night

    def review(self, month: int, out: str, *args: str) -> str:
        path = self.tmp / out
        _pac(self.tmp, self.config[month], "review", "--month", f"2027-{month:02d}", *args, "-o", str(path))
        return _plain(page(path).text if out.endswith(".html") else path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    """The nights of 1 April, 1 May and 1 June 2027, 03:00: a sync of what was typed by then, the month's snapshot."""
    tmp = tmp_path_factory.mktemp("reviewdeals")
    crm = FakeConnector()
    crm.put(USER, *ACCOUNTS, VISIT)
    config = {}
    for month in (3, 4, 5):
        night = datetime(2027, month + 1, 1, 3, tzinfo=PARIS)
        config[month] = _settings(tmp, night)
        latest: dict[str, Deal] = {}
        for version in DEALS:
            if version.modified_at is not None and version.modified_at <= night:
                latest[version.id] = version
        crm.put(*latest.values())
        result = run_sync(None, load_settings(config[month], env={}), connectors={"fake": crm}, clock=Clock(night))
        assert result.status == "ok", result
        _pac(tmp, config[month], "snapshot", "--period", f"2027-{month:02d}")
    return Nights(tmp, config)


def _axis_row(review: str) -> str:
    found = re.search(r"^\| Chimie clés \(AX-KEY\) \|.*\|$", review, re.M)
    assert found, review
    return found.group(0)


APRIL_FR = (
    "33 % · −17 486 € depuis le mois dernier, dont −23 500 € de mars 2027 retirés après sa revue · détail : "
    "Affaire D1 −9 000 € (rouverte) ; Affaire D2 −5 000 € (perdue) ; Affaire D4 −4 000 € (clôture déplacée au 15 mai "
    "2027) ; Affaire D5 −3 000 € (hors du périmètre de l'axe aujourd'hui) ; Affaire D3 −2 000 € (montant compté "
    "8 000 € → 6 000 €) ; Affaire D6 −2 000 € (supprimée du CRM) ; CA de référence à date en hausse de 986 € : "
    "−986 € ; Affaire D7 +7 000 € (gagnée le 18 avril 2027) ; Affaire D8 +1 500 € (du 28 mars 2027, comptée après sa "
    "revue)")
APRIL_EN = (
    "33% · −€17,486 since last month, of which −€23,500 from March 2027 removed after its review · breakdown: "
    "Affaire D1 −€9,000 (reopened); Affaire D2 −€5,000 (lost); Affaire D4 −€4,000 (close date moved to May 15, 2027); "
    "Affaire D5 −€3,000 (no longer in the axis's scope); Affaire D3 −€2,000 (amount counted €8,000 → €6,000); "
    "Affaire D6 −€2,000 (deleted in the CRM); baseline to date up €986: −€986; Affaire D7 +€7,000 (won on April 18, "
    "2027); Affaire D8 +€1,500 (of March 28, 2027, counted after its review)")


def test_each_deal_that_moved_is_named_with_why(nights: Nights) -> None:
    """April's review (night of 1 May): AX-KEY from 30 541 € (76 %) to 13 055 € (33 %), each deal of the change with
    its amount and why, in the order of the drops (largest first), the rises, then the baseline's growth."""
    april = nights.review(4, "april.md")
    assert _axis_row(april).endswith("| 76 % → " + APRIL_FR + " |")


def test_the_breakdown_adds_up_to_the_change_shown(nights: Nights) -> None:
    """The amounts listed add up to the « depuis le mois dernier » figure, to the euro."""
    cell = _axis_row(nights.review(4, "april-sum.md"))
    change = re.search(r"· (−|\+)([\d ]+) € depuis le mois dernier", cell)
    assert change is not None
    total = int(change.group(2).replace(" ", "")) * (-1 if change.group(1) == "−" else 1)
    listed = cell.split("détail : ")[1]
    parts = [int(a.replace(" ", "")) * (-1 if s == "−" else 1)
             for s, a in re.findall(r"(−|\+)(\d[\d ]*) €(?: \(|$| \|| ;)", listed)]
    assert len(parts) == 9 and sum(parts) == total == -17486


def test_english_and_the_page_say_the_same(nights: Nights) -> None:
    assert _axis_row(nights.review(4, "april-en.md", "--lang", "en")).endswith("| 76% → " + APRIL_EN + " |")
    assert "76 % → " + APRIL_FR in nights.review(4, "april.html")
    assert "76% → " + APRIL_EN in nights.review(4, "april-en.html", "--lang", "en")


def test_a_rise_alone_names_the_deal_won(nights: Nights) -> None:
    """May (night of 1 June): D4 (4 000 €, its close moved to 15 May in April) and D10 (3 000 €, 6 May) won in May; the
    baseline to date grows by 4 964 − 3 945 = 1 019 €: 24 000 − 4 964 = 19 036, +5 981 € since April's 13 055 €. No
    deal counted in April counts less: the pace alone shows the axis (at risk → on track)."""
    may = nights.review(5, "may.md")
    assert _axis_row(may) == (
        "| Chimie clés (AX-KEY) | Dans les temps | À risque | 48 % | 33 % → 48 % · +5 981 € depuis le mois dernier · "
        "détail : Affaire D4 +4 000 € (gagnée le 15 mai 2027) ; Affaire D10 +3 000 € (gagnée le 6 mai 2027) ; CA de "
        "référence à date en hausse de 1 019 € : −1 019 € |")


def test_a_snapshot_kept_before_its_deals_were_says_the_sign(nights: Nights) -> None:
    """March's snapshot as a pac before 7 Dec 2026 kept it, with no deals (its payload without ``axis_deals``): April's
    review says the change by its sign as it did, naming no deal it cannot know."""
    settings = load_settings(nights.config[4], env={})
    plan_id = load_plan_file(settings.plan(None))[0].id
    engine = open_store(settings.database())
    try:
        row = repo.snapshot(engine, plan_id, "monthly", "2027-03")
        assert row is not None and "axis_deals" in row.payload
        repo.save_snapshot(engine, plan_id, "monthly", "2027-03",
                           {k: v for k, v in row.payload.items() if k != "axis_deals"}, row.taken_at, replace=True)
        april = nights.review(4, "april-old.md")
        assert _axis_row(april).endswith(
            "| 76 % → 33 % · −17 486 € depuis le mois dernier, dont −23 500 € de mars 2027 retirés après sa revue "
            "(affaire rouverte, perdue ou réduite) |")
    finally:
        repo.save_snapshot(engine, plan_id, "monthly", "2027-03", row.payload, row.taken_at, replace=True)
        engine.dispose()


def test_deal_lists_are_listed_only_where_read(nights: Nights, monkeypatch: pytest.MonkeyPatch) -> None:
    """April's review on the night of 1 May (a closed month): today's evaluation gives the review only its records, so
    it lists no deals (it listed every axis's before: an engine pass for nothing); the month's end lists them while a
    snapshot it is compared with (March's, April's own) holds its own, and not when both were kept before 7 Dec 2026
    (no ``axis_deals``), the review's figures the same (audit leftsmall). Seen failing before the fix: [True, True,
    False]."""
    from sync_jobs import app
    from sync_jobs.review import load

    calls: list[bool] = []
    real = app.evaluate

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(bool(kwargs.get("all_deals")))
        return real(*args, **kwargs)

    monkeypatch.setattr(app, "evaluate", spy)
    settings = load_settings(nights.config[4], env={})
    plan_id = load_plan_file(settings.plan(None))[0].id
    with_deals = load.load_review(settings, None, month="2027-04")
    assert calls == [False, True, False]
    engine = open_store(settings.database())
    rows = [repo.snapshot(engine, plan_id, "monthly", m) for m in ("2027-03", "2027-04")]
    try:
        for row in rows:
            assert row is not None and "axis_deals" in row.payload
            repo.save_snapshot(engine, plan_id, "monthly", row.label,
                               {k: v for k, v in row.payload.items() if k != "axis_deals"}, row.taken_at, replace=True)
        calls.clear()
        without = load.load_review(settings, None, month="2027-04")
        assert calls == [False, False, False]
        assert [a.moves is not None for a in with_deals.axes] == [True]
        assert [a.moves for a in without.axes] == [None] and without.axes[0].pace == with_deals.axes[0].pace
    finally:
        for row in rows:
            assert row is not None
            repo.save_snapshot(engine, plan_id, "monthly", row.label, row.payload, row.taken_at, replace=True)
        engine.dispose()
