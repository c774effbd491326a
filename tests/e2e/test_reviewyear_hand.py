"""A whole year of monthly reviews and quarterly reports, read the way a sales manager reads them (audit reviewyear,
7 Dec 2026): each month's ``pac review`` written on the night its month closed, beside the previous one, and the whole
year re-read on 5 January 2027, after the plan ended; every figure read from what pac writes (Markdown), never from the
engine.

The plan (2026, Europe/Paris, EUR): three reps (Julie, Marc, Léa), two segments, four axes: AX-CLI (clients of
Rhône-Alpes, 40 000), AX-PH (laboratories, « +10 % » of a fixed baseline of 15 000: 1 500), AX-PRO (prospects,
suspended from 1 June to 31 August, written in May), AX-KEY (chemistry, a key account lost on 17 August, written in
August); eight actions across the year. Julie leaves on 15 May: A-02 handed to Marc that day (written in May); A-05's
target edited from 5 to 3 in July. Late entries: Julie's visit of 30 March typed on 3 April, Léa's meeting of 26
November typed on 2 December, Marc's visit of 30 December typed on 4 January. A deal won on 20 March is reopened on 10
April; a credit note of -2 000 on 12 November.

The hand expectations (written before running pac) are in the test functions' docstrings and comments; the whole
table of the twelve months is /tmp/audits/reviewyear/EXPECT.md's, summarised in test_every_months_actions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pac_config.settings import load_settings
from pac_core.records import Activity, ActivityType, Deal, DealStage, User
from sync_jobs.pipeline import run_sync
from tests.cli import run_pac
from tests.e2e.test_report_hand import ACCOUNTS, NBSP, NNBSP, Page, page
from tests.fakes import Clock, FakeConnector

PARIS = ZoneInfo("Europe/Paris")
HEAD = """\
plan: {name: "PAC année", year: 2026, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: nat@audit.example, name: Nathalie Garnier, role: manager}
  - {email: julie@audit.example, name: Julie Martin, role: rep}
  - {email: marc@audit.example, name: Marc Dubois, role: rep}
  - {email: lea@audit.example, name: Léa Petit, role: rep}
segments:
  - id: S-RA
    name: Rhône-Alpes
    kind: horizontal
    scope: {region: Auvergne-Rhône-Alpes}
    swot: {strengths: [Proximité], weaknesses: [Peu de commerciaux], opportunities: [Relocalisation],
           threats: [Concurrence]}
  - id: S-PH
    name: Pharmacie
    kind: vertical
    scope: {industry: Pharmaceutique}
    swot: {strengths: [Références], weaknesses: [Délais], opportunities: [GMP], threats: [Prix]}
{context}axes:
  - id: AX-CLI
    name: Clients Rhône-Alpes
    segment: S-RA
    scope: {account_type: Client}
    status: active
    objective: {additional_revenue: 40000, margin_rate: 0.3, budget: 12000, expected_roi: 1}
  - id: AX-PH
    name: Laboratoires
    segment: S-PH
    status: active
    objective: {additional_revenue: "+10 %", baseline: 15000, margin_rate: 0.25, budget: 300, expected_roi: 1}
  - id: AX-PRO
    name: Prospects Rhône-Alpes
    segment: S-RA
    scope: {account_type: Prospect}
    status: {pro_status}
    objective: {additional_revenue: 10000, margin_rate: 0.3, budget: 2000, expected_roi: 1}
  - id: AX-KEY
    name: Chimie clés
    segment: S-RA
    scope: {industry: Chimie}
    status: active
    objective: {additional_revenue: 15000, margin_rate: 0.3, budget: 3000, expected_roi: 1}
actions:
  - id: A-01
    axis: AX-CLI
    text: "Visiter 4 clients au T1"
    who: julie@audit.example
    what: {activity: visite, count: 4, counting: comptes distincts}
    when: "T1 2026"
    info: {needed: "liste", from: "ADV"}
  - id: A-02
    axis: AX-CLI
    text: "Appeler 6 fois les clients d'avril à juin"
{a02}    what: {activity: appel, count: 6, counting: activités}
    when: "du 1er avril au 30 juin 2026"
    info: {needed: "liste", from: "ADV"}
  - id: A-03
    axis: AX-PH
    text: "Visiter 3 laboratoires au T2"
    who: lea@audit.example
    what: {activity: visite, count: 3, counting: comptes distincts}
    when: "T2 2026"
    info: {needed: "liste", from: "ADV"}
  - id: A-04
    axis: AX-PRO
    text: "Obtenir 4 rendez-vous prospects de juin à septembre"
    who: marc@audit.example
    what: {activity: rendez-vous, count: 4, counting: activités}
    when: "du 1er juin au 30 septembre 2026"
    info: {needed: "liste", from: "ADV"}
  - id: A-05
    axis: AX-PH
    text: "Appeler les laboratoires au T3"
    who: lea@audit.example
    what: {activity: appel, count: {a05}, counting: activités}
    when: "T3 2026"
    info: {needed: "liste", from: "ADV"}
  - id: A-06
    axis: AX-CLI
    text: "Faire 8 démonstrations au 2e semestre"
    who: marc@audit.example
    what: {activity: démo, count: 8, counting: activités}
    when: "du 1er juillet au 31 décembre 2026"
    info: {needed: "matériel", from: "Marketing"}
  - id: A-07
    axis: AX-KEY
    text: "Obtenir 2 rendez-vous chimie en novembre"
    who: lea@audit.example
    what: {activity: rendez-vous, count: 2, counting: activités}
    when: "novembre 2026"
    info: {needed: "agenda", from: "ADV"}
  - id: A-08
    axis: AX-PH
    text: "Visiter 3 laboratoires en décembre"
    who: marc@audit.example
    what: {activity: visite, count: 3, counting: comptes distincts}
    when: "décembre 2026"
    info: {needed: "liste", from: "ADV"}
"""
A02_JULIE = "    who: julie@audit.example\n"
A02_MARC = "    who: marc@audit.example\n    handed_over: {from: julie@audit.example, on: 2026-05-15}\n"
LEAVING = "context:\n  - {kind: départ, who: julie@audit.example, on: 2026-05-15}\n"
LOST = LEAVING + "  - {kind: compte clé perdu, account: \"Chimie Lyon\", on: 2026-08-17}\n"
SUSP = '{state: suspended, reason: "gel des budgets prospects", since: 2026-06-01, until: 2026-08-31}'


def plan_version(month: int) -> str:
    """The plan file as it stands at the night of the 1st of ``month`` (month 13 = January 2027)."""
    v = {"context": "", "a02": A02_JULIE, "pro_status": "active", "a05": "5"}
    if month >= 6:   # edited in May
        v.update(context=LEAVING, a02=A02_MARC, pro_status=SUSP)
    if month >= 8:   # edited in July
        v["a05"] = "3"
    if month >= 9:   # edited in August
        v["context"] = LOST
    text = HEAD
    for k, val in v.items():
        text = text.replace("{" + k + "}", val)
    return text


T0 = datetime(2025, 1, 1, tzinfo=UTC)
OWNER = {"julie": "u1", "marc": "u2", "lea": "u3"}
USERS = tuple(User(id=OWNER[n], source="fake", email=f"{n}@audit.example", name=n, modified_at=T0) for n in OWNER)
V, C, M, D = ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=PARIS).astimezone(UTC)


def act(aid: str, who: str, account: str, kind: ActivityType, when: datetime,
        typed: datetime | None = None) -> Activity:
    return Activity(id=aid, source="fake", type=kind, owner_id=OWNER[who], account_id=account, start=when,
                    modified_at=typed or when)


def deal(did: str, aid: str, who: str, amount: str, day: date, stage: DealStage = DealStage.WON,
         modified: datetime | None = None) -> Deal:
    return Deal(id=did, source="fake", account_id=aid, owner_id=OWNER[who], amount=Decimal(amount), currency="EUR",
                close_date=day, stage=stage, name=f"Affaire {did}",
                modified_at=modified or datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


DEALS = [
    deal("d01", "a1", "julie", "10000", date(2025, 5, 10)),
    deal("d10", "a1", "julie", "12000", date(2026, 2, 15)),
    deal("d11", "a3", "julie", "9000", date(2026, 3, 20)),
    deal("d12", "a2", "marc", "8000", date(2026, 6, 20)),
    deal("d13", "a5", "lea", "4000", date(2026, 9, 10)),
    deal("d14", "a4", "marc", "6000", date(2026, 10, 5)),
    deal("d16", "a1", "marc", "-2000", date(2026, 11, 12)),
    deal("d15", "a7", "marc", "10000", date(2026, 12, 10)),
]
REOPENED = deal("d11", "a3", "julie", "9000", date(2026, 6, 30), stage=DealStage.OPEN,
                modified=datetime(2026, 4, 10, 12, tzinfo=UTC))

ACTS = [
    act("v01", "julie", "a1", V, at(2026, 1, 15)), act("v02", "julie", "a2", V, at(2026, 2, 10)),
    act("v03", "julie", "a3", V, at(2026, 3, 5)), act("v04", "julie", "a7", V, at(2026, 3, 30), at(2026, 4, 3)),
    act("c01", "julie", "a1", C, at(2026, 4, 8)), act("c02", "julie", "a2", C, at(2026, 4, 20)),
    act("c03", "julie", "a3", C, at(2026, 5, 6)), act("c04", "julie", "a1", C, at(2026, 5, 20)),
    act("c05", "marc", "a2", C, at(2026, 5, 28)), act("c06", "marc", "a7", C, at(2026, 6, 10)),
    act("c07", "marc", "a3", C, at(2026, 6, 25)),
    act("v10", "lea", "a2", V, at(2026, 4, 14)), act("v11", "lea", "a5", V, at(2026, 6, 29)),
    act("m01", "marc", "a4", M, at(2026, 9, 8)), act("m02", "marc", "a4", M, at(2026, 9, 22)),
    act("c10", "lea", "a2", C, at(2026, 7, 9)), act("c11", "lea", "a4", C, at(2026, 8, 19)),
    act("c12", "lea", "a5", C, at(2026, 9, 15)),
    act("x01", "marc", "a1", D, at(2026, 7, 7)), act("x02", "marc", "a2", D, at(2026, 8, 4)),
    act("x03", "marc", "a3", D, at(2026, 9, 1)), act("x09", "marc", "a1", D, at(2026, 9, 20)),
    act("x04", "marc", "a7", D, at(2026, 10, 6)), act("x05", "marc", "a1", D, at(2026, 10, 20)),
    act("x06", "marc", "a2", D, at(2026, 11, 3)), act("x07", "marc", "a3", D, at(2026, 12, 1)),
    act("m10", "lea", "a3", M, at(2026, 11, 5)), act("m11", "lea", "a7", M, at(2026, 11, 26), at(2026, 12, 2)),
    act("v20", "marc", "a2", V, at(2026, 12, 3)), act("v21", "marc", "a5", V, at(2026, 12, 10)),
    act("v22", "marc", "a4", V, at(2026, 12, 30), at(2027, 1, 4)),
]


def _settings(tmp: Path, as_of: datetime, plan: str) -> Path:
    (tmp / "plan.pac.yaml").write_text(plan, encoding="utf-8")
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
class Year:
    tmp: Path
    config: Path                      # the settings of 5 January 2027, 10:00
    then: dict[int, str]              # month -> the review written on its closing night (Markdown)

    def review(self, month: int, *args: str) -> str:
        out = self.tmp / f"jan5-{month:02d}-{len(args)}.md"
        _pac(self.tmp, self.config, "review", "--month", f"2026-{month:02d}", *args, "-o", str(out))
        return _plain(out.read_text(encoding="utf-8"))

    def report(self, quarter: int) -> Page:
        out = self.tmp / f"jan5-Q{quarter}.html"
        _pac(self.tmp, self.config, "report", "--quarter", f"2026-Q{quarter}", "-o", str(out))
        return page(out)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    """Each month's night, 03:00 on the 1st of the next (the plan as it stood then, the records typed by then): a
    sync, the month's snapshot (and the quarter's), the month's review as the manager took it to the meeting. Then the
    night of 5 January 2027, 10:00, with Marc's visit of 30 December typed on 4 January."""
    tmp = tmp_path_factory.mktemp("reviewyear")
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS)
    then = {}
    for month in range(1, 13):
        night = datetime(2026 + (month == 12), month % 12 + 1, 1, 3, tzinfo=PARIS)
        config = _settings(tmp, night, plan_version(month + 1))
        records = [r for r in (*DEALS, *ACTS) if r.modified_at is not None and r.modified_at <= night]
        if night >= REOPENED.modified_at:
            records = [r for r in records if r.id != "d11"] + [REOPENED]
        crm.put(*records)
        result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(night))
        assert result.status == "ok", result
        _pac(tmp, config, "snapshot", "--period", f"2026-{month:02d}")
        if month % 3 == 0:
            _pac(tmp, config, "snapshot", "--period", f"2026-Q{month // 3}")
        out = tmp / f"then-{month:02d}.md"
        _pac(tmp, config, "review", "--month", f"2026-{month:02d}", "-o", str(out))
        then[month] = _plain(out.read_text(encoding="utf-8"))
    final = datetime(2027, 1, 5, 10, tzinfo=PARIS)
    config = _settings(tmp, final, plan_version(13))
    crm.put(*[r for r in ACTS if r.modified_at is not None and r.modified_at <= final])
    assert run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(final)).status == "ok"
    return Year(tmp, config, then)


# the « Attendu à date » column: one decimal, two when one would read as the count done (« 1,02 »: audit reviewdeals)
ROW = re.compile(r"^\| .*\((A-\d\d)\) \| [^|]+ \| (\d+) / (\d+) \| (?:\d+,\d\d? \| )?([^|]+) \|(?: ([^|]*) \|)?$", re.M)


def _printed(review: str) -> dict[str, tuple[int, int, str]]:
    """Each action's done, target and pace as the review prints them (its first row)."""
    out: dict[str, tuple[int, int, str]] = {}
    for found in ROW.finditer(review):
        out.setdefault(found.group(1), (int(found.group(2)), int(found.group(3)), found.group(4).strip()))
    return out


def _changes(review: str) -> dict[str, list[str]]:
    """Each action's « Évolution » cells (one per rep part: a hand-over gives two)."""
    part = review.split("### Ce qui a changé depuis le mois dernier")
    out: dict[str, list[str]] = {}
    for block in part[1:]:
        block = block.split("###")[0]
        for found in ROW.finditer(block):
            out.setdefault(found.group(1), []).append((found.group(5) or "").strip())
    return out


def _team(review: str) -> list[str]:
    return re.findall(r"^\| (?:Julie Martin|Léa Petit|Marc Dubois) \|.*\|$", review, re.M)


# -- hand computation, month by month (the reviews written on each closing night) -----------------------------------
# done / target and pace as each review prints them (an action not begun is in no table); a share of a window is its
# days elapsed / its days: A-01 (T1, 90 days) 1 < 4 x 31 / 90 = 1.38 at risk in January, 2 < 2.62 in February; A-02
# (April-June, 91 days) 2 >= 1.98 on track in April, 4 < 4.02 at risk in May; A-03 (T2) 1 >= 0.99 in April, 1 < 2.01 in
# May; A-05 (T3, 92 days, target 3 from July) 1 < 1.01 in July, 2 < 2.02 in August; A-06 (July-December, 184 days)
# 1 < 1.35, 2 < 2.70, 4 >= 4.0, 6 >= 5.35, 7 >= 6.65.
EXPECTED = {
    1: {"A-01": (1, 4, "À risque")},
    2: {"A-01": (2, 4, "À risque")},
    3: {"A-01": (3, 4, "Manquée")},
    4: {"A-01": (4, 4, "Terminée"), "A-02": (2, 6, "Dans les temps"), "A-03": (1, 3, "Dans les temps")},
    5: {"A-01": (4, 4, "Terminée"), "A-02": (4, 6, "À risque"), "A-03": (1, 3, "À risque")},
    6: {"A-01": (4, 4, "Terminée"), "A-02": (6, 6, "Terminée"), "A-03": (2, 3, "Manquée"),
        "A-04": (0, 4, "Inactive")},
    7: {"A-05": (1, 3, "À risque"), "A-06": (1, 8, "À risque")},
    8: {"A-05": (2, 3, "À risque"), "A-06": (2, 8, "À risque")},
    9: {"A-04": (2, 4, "Manquée"), "A-05": (3, 3, "Terminée"), "A-06": (4, 8, "Dans les temps")},
    10: {"A-06": (6, 8, "Dans les temps")},
    11: {"A-06": (7, 8, "Dans les temps"), "A-07": (1, 2, "Manquée")},
    12: {"A-06": (8, 8, "Terminée"), "A-07": (2, 2, "Terminée"), "A-08": (2, 3, "Manquée")},
}


def test_every_months_actions(year: Year) -> None:
    """Each month's review, as written on its night, prints the hand figures of the actions that moved in it."""
    for month, actions in EXPECTED.items():
        printed = _printed(year.then[month])
        assert {a: printed[a] for a in actions} == actions, month


def test_each_change_is_the_difference_of_the_two_reviews_as_printed(year: Year) -> None:
    """What a manager checks with last month's review in the other hand: « +N depuis le mois dernier » is this
    review's done less the previous review's (0 for an action not begun then), « X → Y » the previous review's pace and
    this one's, « cible 5 → 3 » the two targets; an action with none of these moved is not among the changes."""
    for month in range(2, 13):
        # an action in no table of the previous review (not begun, or inactive and unchanged) is as the last review
        # that printed it left it (A-04 « Inactive » in June, in none in July and August)
        before: dict[str, tuple[int, int, str]] = {}
        for earlier in range(1, month):
            before.update(_printed(year.then[earlier]))
        now = _printed(year.then[month])
        for action, cells in _changes(year.then[month]).items():
            done, target, pace = now[action]
            done_then, target_then, pace_then = before.get(action, (0, target, "À venir"))
            for cell in cells:
                if "transmise à" in cell:
                    continue
                counted = re.search(r"([+-]\d+) depuis le mois dernier", cell)
                assert (int(counted.group(1)) if counted else 0) == done - done_then, (month, action, cell)
                moved = re.match(r"([^·]+?) → ([^·]+?)( ·|$)", cell)
                if moved:
                    assert (moved.group(1), moved.group(2)) == (pace_then.split(" · ")[0], pace.split(" · ")[0])
                else:
                    assert pace_then.split(" · ")[0] == pace.split(" · ")[0], (month, action, cell)
                retargeted = re.search(r"cible (\d+) → (\d+)", cell)
                if retargeted and action not in before:     # not begun: its target was in no table
                    continue
                assert (retargeted.groups() if retargeted else (str(target), str(target))) == (
                    str(target_then), str(target)), (month, action, cell)


def test_the_hand_over_of_may(year: Year) -> None:
    """May's review (1 June, the plan edited in May): A-02 handed from Julie to Marc on 15 May, among both reps'
    changes; 4 / 6 counts Julie's calls of 8 and 20 April and 6 May, and Marc's of 28 May (Julie's of 20 May, after
    the hand-over, not); 4 < 6 x 61 / 91 = 4.02 at risk; due by 30 June: Marc's A-02, Léa's A-03, not A-04 (June to
    September), whose axis is suspended from 1 June."""
    may = year.then[5]
    assert _changes(may)["A-02"] == ["transmise à Marc Dubois",
                                     "Dans les temps → À risque · +2 depuis le mois dernier · reprise de Julie Martin"]
    assert _team(may) == ["| Julie Martin | 1 | 0 | 0 | 0 | 0 | 1 |", "| Léa Petit | 0 | 0 | 1 | 0 | 2 | 1 |",
                          "| Marc Dubois | 0 | 0 | 1 | 0 | 3 | 1 |"]
    due = re.findall(r"^\| .*\((A-\d\d)\) \| [^|]+ \| [^|]+ \| [^|]+ \| (\d+ \w+ 2026) \|$", may, re.M)
    assert due == [("A-03", "30 juin 2026"), ("A-02", "30 juin 2026")]


def test_a_hand_over_of_may_is_no_change_of_april_reread_in_january(year: Year) -> None:
    """April re-read on 5 January, on today's plan (A-02 Marc's, handed over on 15 May): the month's tables read
    today's plan (docs/review.md), so A-02 is in Marc's part, and the line after April's close says its owner changed
    since. The re-read also said « transmise à Marc Dubois » among Julie's April changes and « reprise de Julie
    Martin » among Marc's, a hand-over in April: the hand-over is May's, and only May's review says it."""
    april = year.review(4)
    assert "responsables : A-02 Julie Martin → Marc Dubois" in april
    assert "transmise à" not in april and "reprise de" not in april
    assert _team(year.then[4]) == [
        "| Julie Martin | 1 | 1 | 0 | 0 | 0 | 2 |", "| Léa Petit | 0 | 1 | 0 | 0 | 2 | 1 |",
        "| Marc Dubois | 0 | 0 | 0 | 0 | 3 | 0 |"]
    # today's plan: A-02 Marc's; Léa 2 changes, A-03 and A-05's target 5 → 3 written since (« cible 5 → 3 »)
    assert _team(april) == [
        "| Julie Martin | 1 | 0 | 0 | 0 | 0 | 1 |", "| Léa Petit | 0 | 1 | 0 | 0 | 2 | 2 |",
        "| Marc Dubois | 0 | 1 | 0 | 0 | 3 | 1 |"]
    assert _changes(april)["A-02"] == ["À venir → Dans les temps · +2 depuis le mois dernier"]
    may = year.review(5)    # May's own review re-read: the hand-over is May's
    assert _changes(may)["A-02"] == ["transmise à Marc Dubois",
                                     "Dans les temps → À risque · +2 depuis le mois dernier · reprise de Julie Martin"]


def test_a_late_entry_is_said_in_the_next_review(year: Year) -> None:
    """Julie's visit of 30 March, typed on 3 April: March's review (1 April) read A-01 3 / 4 Manquée; April's reads
    4 / 4 Terminée, « +1 depuis le mois dernier » on an action whose window closed on 31 March. It says that the one
    is March's, typed after its review; so does December's for Léa's meeting of 26 November typed on 2 December
    (A-07 1 / 2 → 2 / 2). A count of the month itself says nothing more (A-06 in December)."""
    assert _changes(year.then[4])["A-01"] == [
        "Manquée → Terminée · +1 depuis le mois dernier, dont +1 de mars 2026 saisi après sa revue"]
    assert _changes(year.then[12])["A-07"] == [
        "Manquée → Terminée · +1 depuis le mois dernier, dont +1 de novembre 2026 saisi après sa revue"]
    assert _changes(year.then[12])["A-06"] == ["Dans les temps → Terminée · +1 depuis le mois dernier"]
    # re-read on 5 January: the same words (March kept, April re-evaluated today)
    assert _changes(year.review(4))["A-01"] == _changes(year.then[4])["A-01"]
    # and in English
    english = year.review(12, "--lang", "en")
    assert ("| Obtenir 2 rendez-vous chimie en novembre (A-07) | November 1–30, 2026 | 2 / 2 | Done | Missed → Done · "
            "+1 since last month, of which +1 from November 2026 entered after its review |") in english


def test_december_review_and_q4_report_of_5_january(year: Year) -> None:
    """5 January: Marc's visit of 30 December (typed on 4 January) makes A-08 3 / 3. The December review is today's
    re-evaluation (A-08 Terminée: Marc 3 done, 1 missed) and says what moved since the kept close; the Q4 report is
    the kept figures (« Chiffres arrêtés », 5 / 8 done or on track, 3 missed) with the same line: two figures for
    A-08, each saying why (docs/review.md's decision). Both give the advice for the next plan, the same three."""
    december = year.review(12)
    since = "Depuis la clôture (saisies et modifications du plan après le 31 décembre 2026) :  \nrythmes : A-08 " \
            "Manquée → Terminée  \nactions : A-08 2/3 → 3/3\n"
    assert since in december
    assert _team(december) == ["| Julie Martin | 1 | 0 | 0 | 0 | 0 | 0 |", "| Léa Petit | 2 | 0 | 0 | 1 | 0 | 1 |",
                               "| Marc Dubois | 3 | 0 | 0 | 1 | 0 | 2 |"]
    assert "## Pour le plan suivant" in december
    advice = re.findall(r"^- \*\*([^*]+)\*\* · ([^(]+?) \(", december, re.M)
    assert advice == [("Ne pas reconduire", "Clients Rhône-Alpes"), ("Ne pas reconduire", "Prospects Rhône-Alpes"),
                      ("Reconduire en priorité", "Chimie clés")]
    q4 = year.report(4)
    assert "Chiffres arrêtés au 31 décembre 2026 (instantané du 1er janvier 2027)" in q4.text
    assert "rythmes : A-08 Manquée → Terminée\nactions : A-08 2/3 → 3/3\n" in q4.text
    assert "Actions\n5 / 8\nterminées ou dans les temps · 3 actions manquées" in q4.text
    for verb, axis in advice:
        assert f"{verb} l'axe « {axis} »" in q4.text


def test_march_reread_says_the_reopened_deal_and_the_late_visit(year: Year) -> None:
    """March re-read on 5 January: the deal d11 won on 20 March (9 000 €, a3: AX-CLI and AX-KEY) reopened on 10 April,
    Julie's visit of 30 March typed on 3 April: the lines after the close say both, and the plan's edits since (AX-PRO
    suspended from 1 June, A-02 handed over, A-05's target)."""
    march = year.review(3)
    assert ("Depuis la clôture (saisies et modifications du plan après le 31 mars 2026) :  \n"
            "chiffre d'affaires du plan 21 000 € → 12 000 € (−9 000 €)  \n") in march
    assert "rythmes : AX-KEY Objectif atteint → Dans les temps ; A-01 Manquée → Terminée  \n" in march
    assert "actions : A-01 3/4 → 4/4 ; A-05 0/5 → 0/3  \n" in march
    # each axis's move, the deal that makes it (audit snapdeals): d11 counted on both, −9 000 € each
    assert ("CA supplémentaire des axes : AX-CLI 21 000 € → 12 000 € ; AX-KEY 21 000 € → 12 000 €  \n"
            "AX-CLI −9 000 € · détail : Affaire d11 −9 000 € (rouverte)  \n"
            "AX-KEY −9 000 € · détail : Affaire d11 −9 000 € (rouverte)\n") in march


def test_advice_no_longer_made_reads_as_last_month_made_it(year: Year) -> None:
    """November's review (1 December) advised « Abandonner » AX-KEY (ROI to date -100 % after 92 % of the period);
    December's, the plan over, words its advice for the next plan and « Reconduire en priorité » AX-KEY (the key
    account lost on 17 August). The advice no longer made is November's, as November's review printed it: it read
    « Ne pas reconduire · Chimie clés », words no review had printed, beside « Reconduire en priorité · Chimie
    clés »."""
    assert "- **Abandonner** · Chimie clés (toujours valable) : Abandonner l'axe « Chimie clés »" in year.then[11]
    for december in (year.then[12], year.review(12)):
        assert ("- **Reconduire en priorité** · Chimie clés (nouveau) : Reconduire en priorité l'axe « Chimie clés » "
                ": compte clé perdu (Chimie Lyon, 12 000 € sur 12 mois à remplacer).") in december
        assert "Ne sont plus recommandés :\n- Abandonner · Chimie clés\n" in december
    # before the plan's end, the same words both sides (October's « Prioriser » AX-PRO, withdrawn in November)
    assert "- **Prioriser** · Prospects Rhône-Alpes (nouveau)" in year.then[10]
    assert "Ne sont plus recommandés :\n- Prioriser · Prospects Rhône-Alpes\n" in year.then[11]


def test_a_suspension_over_since_is_said_with_its_last_day(year: Year) -> None:
    """January to April re-read on 5 January: AX-PRO was suspended after their close, from 1 June to 31 August, and is
    live again today. The line after the close read « AX-PRO Actif → Suspendu (depuis le 1er juin 2026) », an axis
    suspended today for the manager reading it in January; it gives the suspension's days, as the quarterly report's
    table « Actif (suspendu jusqu'au 31 août 2026) »."""
    for month in (1, 4):
        assert "statuts : AX-PRO Actif → Suspendu (du 1er juin 2026 au 31 août 2026)  \n" in year.review(month)
    english = year.review(2, "--lang", "en")
    assert "statuses: AX-PRO Active → Suspended (from June 1, 2026 to August 31, 2026)  \n" in english


def test_an_action_whose_axis_resumed_is_due_again(year: Year) -> None:
    """August's review, written on 1 September: AX-PRO was suspended until 31 August, so A-04 (Marc, 4 meetings from
    1 June to 30 September) is « Inactive » at August's end, and live again on the review's day with 30 September to
    go: it falls due by the end of September, as the May review's rule leaves out what is stopped on the day it is
    written. The review listed nothing due for Marc (« Rien. »), A-04 being inactive at the month's end; it is listed,
    with its pace at the month's end. July's review (1 August, the axis still suspended) does not list it."""
    august = year.then[8].split("## Marc Dubois")[1]
    assert ("### Prochaines échéances (jusqu'au 30 septembre 2026)\n\n| Action | Quand | Fait / cible | Rythme | "
            "Échéance |\n|---|---|---|---|---|\n| Obtenir 4 rendez-vous prospects de juin à septembre (A-04) | "
            "1er juin – 30 septembre 2026 | 0 / 4 | Inactive | 30 septembre 2026 |\n") in august
    # (the line under July's team table names A-04 inactive: audit reviewleft; Marc's part does not list it)
    assert "(A-04)" not in year.then[7].split("## Marc Dubois")[1]


# -- what the review still left the manager to work out (audit reviewleft, 7 Dec 2026) --------------------------------

def _axis_row(review: str, axis: str) -> str:
    found = re.search(rf"^\| [^|]+ \({axis}\) \|.*\|$", review.split("## Axes en difficulté")[-1]
                      .split("## Axes in difficulty")[-1], re.M)
    assert found, axis
    return found.group(0)


def test_an_axis_says_what_moved_since_the_last_review(year: Year) -> None:
    """March's review (1 April) printed AX-KEY at 21 000 € of 15 000 € (140 %); April's (1 May) at 12 000 € (80 %): the
    deal d11 (9 000 €, won on 20 March) reopened on 10 April. The axes table read « Dans les temps | Objectif atteint |
    80 % » with nothing saying the progress fell, nor why. Its « Évolution » says both, as an action's does: March
    re-evaluated on 1 May gives 12 000 € too, so the whole -9 000 € is March's, removed after its review. AX-CLI
    (40 000 €, the same deal) falls from 21 000 € to 12 000 €, « 53 % → 30 % » (52,5 % printed to the unit)."""
    april = year.then[4]
    assert _axis_row(april, "AX-KEY") == (
        "| Chimie clés (AX-KEY) | Dans les temps | Objectif atteint | 80 % | 140 % → 80 % · −9 000 € depuis le mois "
        "dernier, dont −9 000 € de mars 2026 retirés après sa revue · détail : Affaire d11 −9 000 € (rouverte) |")
    assert _axis_row(april, "AX-CLI").endswith(
        " | 30 % | 53 % → 30 % · −9 000 € depuis le mois dernier, dont −9 000 € de mars 2026 retirés après sa revue "
        "· détail : Affaire d11 −9 000 € (rouverte) |")
    english = year.review(4, "--lang", "en")
    assert _axis_row(english, "AX-KEY") == (
        "| Chimie clés (AX-KEY) | On track | Objective reached | 80% | 140% → 80% · −€9,000 since last month, of "
        "which −€9,000 from March 2026 removed after its review · breakdown: Affaire d11 −€9,000 (reopened) |")
    # the suspension written in May, in June's review; the plan's first month has no previous review
    assert _axis_row(year.then[6], "AX-PRO").endswith(" | Suspendu (du 1er juin 2026 au 31 août 2026) |")
    for row in re.findall(r"^\| [^|]+ \(AX-[A-Z]+\) \|.*\|$", year.then[1], re.M):
        assert row.endswith(" | – |"), row


def test_the_axes_change_in_the_page(year: Year) -> None:
    """The HTML page says the same in its axes table."""
    out = year.tmp / "jan5-04.html"
    _pac(year.tmp, year.config, "review", "--month", "2026-04", "-o", str(out))
    text = _plain(page(out).text)
    assert ("140 % → 80 % · −9 000 € depuis le mois dernier, dont −9 000 € de mars 2026 retirés après sa revue "
            "· détail : Affaire d11 −9 000 € (rouverte)") in text
    out = year.tmp / "jan5-06.html"
    _pac(year.tmp, year.config, "review", "--month", "2026-06", "-o", str(out))
    assert "Actions inactives, hors tableau (axe suspendu ou abandonné, action annulée) : Marc Dubois 1 (A-04)" \
        in _plain(page(out).text)


def test_a_reps_own_review_lists_what_they_held_that_month(year: Year) -> None:
    """April re-read on 5 January: A-02 is Marc's since 15 May, in Marc's team row; Julie held it at April's end, and
    her own April review lists it beside A-01 (audit reviewleft); Marc's own lists it too, as the team's tables do."""
    julie = year.review(4, "--rep", "julie@audit.example")
    assert {a: v[:2] for a, v in _printed(julie).items()} == {"A-01": (4, 4), "A-02": (2, 6)}
    assert "(A-02)" in year.review(4, "--rep", "marc@audit.example")


def test_an_inactive_action_is_said_under_the_team(year: Year) -> None:
    """June to August: Marc's A-04 is inactive (AX-PRO suspended from 1 June to 31 August), in none of the team's pace
    columns: Marc's row counted 3 of his 4 actions with nothing saying so. A line under the table names it; September
    (A-04 missed, counted) has none."""
    for month in (6, 7, 8):
        assert ("\nActions inactives, hors tableau (axe suspendu ou abandonné, action annulée) : Marc Dubois 1 (A-04)\n"
                in year.then[month]), month
    assert "Actions inactives" not in year.then[9]
    assert "Inactive actions, not in the table (axis suspended or dropped, action cancelled): Marc Dubois 1 (A-04)" \
        in year.review(7, "--lang", "en")


A01_MARC = ('    text: "Visiter 4 clients au T1"\n    who: marc@audit.example\n'
            '    handed_over: {from: julie@audit.example, on: 2026-05-15}\n')


@pytest.fixture(scope="module")
def gone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same year on 5 January 2027, with A-01 too handed from Julie to Marc on 15 May: Julie owns no action."""
    tmp = tmp_path_factory.mktemp("reviewleft")
    plan = plan_version(13).replace('    text: "Visiter 4 clients au T1"\n    who: julie@audit.example\n', A01_MARC)
    assert "    who: julie" not in plan
    final = datetime(2027, 1, 5, 10, tzinfo=PARIS)
    config = _settings(tmp, final, plan)
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS, *[r for r in DEALS if r.id != "d11"], REOPENED, *ACTS)
    assert run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(final)).status == "ok"
    return tmp, config


def test_a_rep_who_left_is_reviewed_for_a_month_they_held_actions(gone: tuple[Path, Path]) -> None:
    """Julie left on 15 May, her two actions handed to Marc. `pac review --month 2026-04 --rep julie@…` was refused
    (« owns no action »); she held A-01 (4 / 4, done) and A-02 (2 / 6, on track) at April's end: her April review
    lists them. December: she held none then, refused with her last day; an e-mail that never held one, refused with
    the reps who did."""
    tmp, config = gone
    out = tmp / "julie-04.md"
    _pac(tmp, config, "review", "--month", "2026-04", "--rep", "julie@audit.example", "-o", str(out))
    julie = _plain(out.read_text(encoding="utf-8"))
    assert "## Julie Martin" in julie and "## Marc Dubois" not in julie and "## L'équipe" not in julie
    assert {a: v[:3] for a, v in _printed(julie).items()} == {"A-01": (4, 4, "Terminée"),
                                                            "A-02": (2, 6, "Dans les temps")}
    # Marc's April, and the team's, keep under today's owner (docs/review.md): Julie is in no team row
    out = tmp / "team-04.md"
    _pac(tmp, config, "review", "--month", "2026-04", "-o", str(out))
    team = _plain(out.read_text(encoding="utf-8"))
    assert [row.split(" |")[0] for row in _team(team)] == ["| Léa Petit", "| Marc Dubois"]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config)}
    december = run_pac("review", "--month", "2026-12", "--rep", "julie@audit.example", "-o", str(tmp / "j.md"),
                       env=env, cwd=tmp, timeout=300)
    assert december.returncode == 2
    assert "julie@audit.example held no action of plan 'PAC année' in 2026-12" in december.stderr
    assert "they held it until 2026-05-14" in december.stderr and "choose a month up to 2026-05" in december.stderr
    nobody = run_pac("review", "--month", "2026-04", "--rep", "paul@audit.example", "-o", str(tmp / "p.md"),
                     env=env, cwd=tmp, timeout=300)
    assert nobody.returncode == 2
    assert "paul@audit.example owns no action of plan 'PAC année' and never held one" in nobody.stderr
    assert "choose one of: julie@audit.example, lea@audit.example, marc@audit.example" in nobody.stderr


def test_the_count_expected_reads_above_the_count_done(year: Year) -> None:
    """A-05 (3 calls in Q3, 92 days) in July's review: 1 done, 3 x 31 / 92 = 1.01 expected, « À risque »; the column
    read « 1,0 » beside « 1 / 3 », at risk by a figure that read as reached (audit reviewdeals F2). August: 2.02."""
    assert "| 1 / 3 | 1,01 | À risque |" in year.then[7]
    assert "| 2 / 3 | 2,02 | À risque |" in year.then[8]
