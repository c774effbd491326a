"""The review's other figures over two quarters, against a hand computation (audit reviewdeals, 7 Dec 2026): an action
written into the plan in May (A-02), an axis suspended from 15 May to 15 June (AX-B, written in May). The expectations,
written before running pac, are /tmp/audits/reviewdeals/EXPECTED.md's « Two-quarter case »; shares are by instants
(the DST night of 28 March has 23 hours)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pac_config.settings import load_settings
from pac_core.records import Activity, ActivityType, Deal, DealStage, User
from sync_jobs.pipeline import run_sync
from tests.e2e.test_review_deals import PARIS, T0, _account, _pac, _plain
from tests.fakes import Clock, FakeConnector

HEAD = """\
plan: {name: "PAC deux trimestres", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: nat@audit.example, name: Nathalie Garnier, role: manager}
  - {email: julie@audit.example, name: Julie Martin, role: rep}
  - {email: marc@audit.example, name: Marc Dubois, role: rep}
  - {email: lea@audit.example, name: Léa Petit, role: rep}
segments:
  - id: S-CH
    name: Industrie
    kind: vertical
    scope: {industry: [Chimie, Pharmaceutique]}
    swot: {strengths: [Références], weaknesses: [Délais], opportunities: [REACH], threats: [Prix]}
axes:
  - id: AX-A
    name: Chimie
    segment: S-CH
    scope: {industry: Chimie}
    status: active
    objective: {additional_revenue: 20000, margin_rate: 0.3, budget: 2000, expected_roi: 1}
  - id: AX-B
    name: Laboratoires
    segment: S-CH
    scope: {industry: Pharmaceutique}
    status: {b_status}
    objective: {additional_revenue: 10000, margin_rate: 0.3, budget: 1000, expected_roi: 1}
actions:
  - id: A-01
    axis: AX-A
    text: "Visiter 6 comptes chimie au premier semestre"
    who: julie@audit.example
    what: {activity: visite, count: 6, counting: activités}
    when: "du 1er janvier au 30 juin 2027"
    info: {needed: "liste", from: "ADV"}
  - id: A-03
    axis: AX-B
    text: "Obtenir 4 rendez-vous laboratoires au T2"
    who: lea@audit.example
    what: {activity: rendez-vous, count: 4, counting: activités}
    when: "du 1er avril au 30 juin 2027"
    info: {needed: "liste", from: "ADV"}
{a02}"""
A02 = """  - id: A-02
    axis: AX-A
    text: "Appeler 3 clients chimie en mai-juin"
    who: marc@audit.example
    what: {activity: appel, count: 3, counting: activités}
    when: "du 1er mai au 30 juin 2027"
    info: {needed: "liste", from: "ADV"}
"""
SUSP = '{state: suspended, reason: "audit qualité", since: 2027-05-15, until: 2027-06-15}'
OWNER = {"julie": "u1", "marc": "u2", "lea": "u3"}
USERS = tuple(User(id=u, source="fake", email=f"{n}@audit.example", name=n, modified_at=T0) for n, u in OWNER.items())
ACCOUNTS = (_account("k1", "Chimie 1", "Chimie"), _account("k2", "Chimie 2", "Chimie"),
            _account("p1", "Labo 1", "Pharmaceutique"))
V, C, M = ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING


def _act(aid: str, who: str, account: str, kind: ActivityType, day: date) -> Activity:
    when = datetime(day.year, day.month, day.day, 10, tzinfo=PARIS).astimezone(UTC)
    return Activity(id=aid, source="fake", type=kind, owner_id=OWNER[who], account_id=account, start=when,
                    modified_at=when)


ACTS = [_act("v1", "julie", "k1", V, date(2027, 1, 15)), _act("v2", "julie", "k2", V, date(2027, 2, 10)),
        _act("v3", "julie", "k1", V, date(2027, 3, 20)), _act("v4", "julie", "k2", V, date(2027, 4, 12)),
        _act("v5", "julie", "k1", V, date(2027, 5, 5)),
        _act("c1", "marc", "k1", C, date(2027, 5, 20)), _act("c2", "marc", "k2", C, date(2027, 6, 10)),
        _act("c3", "marc", "k1", C, date(2027, 6, 25)),
        _act("m1", "lea", "p1", M, date(2027, 4, 10)), _act("m2", "lea", "p1", M, date(2027, 5, 3)),
        _act("m3", "lea", "p1", M, date(2027, 6, 20))]
DEALS = [Deal(id=did, source="fake", account_id="k1", owner_id="u1", amount=Decimal(amount), currency="EUR",
              close_date=day, stage=DealStage.WON, name=f"Affaire {did}",
              modified_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
         for did, amount, day in (("Q1", "5000", date(2027, 2, 10)), ("Q2", "4000", date(2027, 5, 10)))]


def _plan(month: int) -> str:
    """The plan as it stands on the night closing ``month``: A-02 and AX-B's suspension written in May."""
    later = month >= 5
    return HEAD.replace("{b_status}", SUSP if later else "active").replace("{a02}", A02 if later else "")


@dataclass
class Reviews:
    md: dict[int, str]


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> Reviews:
    tmp = tmp_path_factory.mktemp("reviewquarters")
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS)
    out = {}
    for month in (3, 4, 5, 6):
        night = datetime(2027, month + 1, 1, 3, tzinfo=PARIS)
        (tmp / "plan.pac.yaml").write_text(_plan(month), encoding="utf-8")
        (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
        config = tmp / "pac.yaml"
        config.write_text(
            f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
            "connectors:\n  - {name: fake, crm: salesforce, mapping: mapping.yaml}\n"
            f"plans:\n  - {{name: audit, file: plan.pac.yaml, connectors: [fake], as_of: '{night.isoformat()}'}}\n",
            encoding="utf-8")
        crm.put(*[r for r in (*ACTS, *DEALS) if r.modified_at is not None and r.modified_at <= night])
        result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(night))
        assert result.status == "ok", result
        _pac(tmp, config, "snapshot", "--period", f"2027-{month:02d}")
        path = tmp / f"review-{month}.md"
        _pac(tmp, config, "review", "--month", f"2027-{month:02d}", "-o", str(path))
        out[month] = _plain(path.read_text(encoding="utf-8"))
    return Reviews(out)


def _team(review: str) -> list[str]:
    part = review.split("## L'équipe")[1].split("\n## ")[0]
    return [line for line in part.splitlines() if line.startswith("| ") and not line.startswith("| Commercial")]


def _axis(review: str, axis: str) -> str:
    found = re.search(rf"^\| [^|]+ \({axis}\) \|.*\|$", review.split("## Axes en difficulté")[1], re.M)
    assert found, axis
    return found.group(0)


def test_april(reviews: Reviews) -> None:
    april = reviews.md[4]
    assert _team(april) == ["| Julie Martin | 0 | 1 | 0 | 0 | 0 | 1 |", "| Léa Petit | 0 | 0 | 1 | 0 | 0 | 1 |"]
    assert "| 1 / 4 | 1,3 |" in april.split("## Léa Petit")[1]
    assert "| À venir → À risque · +1 depuis le mois dernier |" in april.split("## Léa Petit")[1]
    assert _axis(april, "AX-A").startswith("| Chimie (AX-A) | À risque | ")
    assert " | 25 % | " in _axis(april, "AX-A")
    assert _axis(april, "AX-B").startswith("| Laboratoires (AX-B) | À risque | ")


def test_may_action_added_and_axis_suspended(reviews: Reviews) -> None:
    may = reviews.md[5]
    assert _team(may) == ["| Julie Martin | 0 | 0 | 1 | 0 | 0 | 1 |", "| Léa Petit | 0 | 0 | 0 | 0 | 0 | 1 |",
                          "| Marc Dubois | 0 | 0 | 1 | 0 | 0 | 1 |"]
    assert "Actions inactives, hors tableau (axe suspendu ou abandonné, action annulée) : Léa Petit 1 (A-03)" in may
    marc = may.split("## Marc Dubois")[1]
    assert "| 1 / 3 | 1,5 |" in marc and "nouvelle action" in marc
    # 5 done of 6 at 3 623 / 4 343 of the window: 5.005 expected, « À risque »; it read « 5 / 6 | 5,0 | À risque », at
    # risk with the figure expected printed as done (F2): the expected figure reads on its own side of the done count
    julie = may.split("## Julie Martin")[1].split("## Léa Petit")[0]
    assert "| 5 / 6 | 5,01 | À risque |" in julie
    assert "À risque → Inactive · +1 depuis le mois dernier" in may.split("## Léa Petit")[1]
    due = may.split("## Marc Dubois")[1].split("### Prochaines échéances")[1]
    assert "(A-02)" in due
    assert "(A-03)" not in may.split("## Léa Petit")[1].split("### Prochaines échéances")[1]
    assert _axis(may, "AX-A") == ("| Chimie (AX-A) | Dans les temps | À risque | 45 % | 25 % → 45 % · +4 000 € "
                                  "depuis le mois dernier · détail : Affaire Q2 +4 000 € (gagnée le 10 mai 2027) |")
    assert _axis(may, "AX-B").endswith(" | Suspendu (du 15 mai 2027 au 15 juin 2027) |")


def test_june(reviews: Reviews) -> None:
    june = reviews.md[6]
    assert _team(june) == ["| Julie Martin | 0 | 0 | 0 | 1 | 0 | 1 |", "| Léa Petit | 0 | 0 | 0 | 1 | 0 | 1 |",
                           "| Marc Dubois | 1 | 0 | 0 | 0 | 0 | 1 |"]
    assert "Inactive → Manquée · +1 depuis le mois dernier" in june.split("## Léa Petit")[1]
    assert _axis(june, "AX-B").startswith("| Laboratoires (AX-B) | À risque | Inactif | ")

