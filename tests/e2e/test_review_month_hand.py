"""The November 2026 monthly action review and the Q4 2026 quarterly report of a small organisation, as a manager
uses them, checked against hand computation (audit reviewmonth, 7 Dec 2026): every figure is read from what ``pac
review`` and ``pac report`` write (HTML parsed, Markdown), never from the engine.

The organisation: plan 2026, Europe/Paris, EUR; three reps (Julie, Marc, Léa), the accounts of test_report_hand
(a1 a2 a3 a7 clients of Rhône-Alpes, a4 a Lyon pharmaceutical prospect, a2 a4 a5 the pharmaceutical accounts).

- axes: AX-CLI (S-RA, account_type Client: a1 a2 a3 a7; objective 40 000, margin 0.3, budget 12 000),
  AX-PH (S-PH, industry Pharmaceutique: a2 a4 a5; objective 20 000, margin 0.25, budget 5 000);
- 7 actions across October, November and December: A-01 Julie 4 client visits in October (done), A-02 Julie 6 calls
  from 15 October to 15 November (two months), A-03 Julie 3 meetings in November cancelled from 16 November,
  A-04 3 lab visits in November handed from Julie to Marc on 10 November (written after October's review), A-05 Léa
  5 labs in November (3 in its scope: out of reach), A-06 Léa 4 client calls in December (not begun at November's
  end), A-07 Marc 8 demos in Q4.

The nights: 1 November 03:00 (October's snapshot kept), 1 December 03:00 (the plan's hand-over and cancellation
recorded; November's snapshot kept), 7 December 10:00 after Léa typed, on 3 December, her lab visit of 30 November:
the review and the report are run then (the settings' ``as_of``).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.records import Activity, ActivityType, Deal, DealStage, User
from sync_jobs.pipeline import run_sync
from tests.cli import run_pac
from tests.e2e.test_report_hand import ACCOUNTS, NBSP, NNBSP, Page, page
from tests.fakes import Clock, FakeConnector

HEAD = """\
plan: {name: "PAC revue mensuelle", year: 2026, timezone: Europe/Paris, currency: EUR, language: fr}
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
axes:
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
    objective: {additional_revenue: 20000, margin_rate: 0.25, budget: 5000, expected_roi: 1}
actions:
  - id: A-01
    axis: AX-CLI
    text: "Visiter 4 clients de Rhône-Alpes en octobre"
    who: julie@audit.example
    what: {activity: visite, count: 4, counting: comptes distincts}
    when: "octobre 2026"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-02
    axis: AX-CLI
    text: "Appeler 6 fois les clients de Rhône-Alpes du 15 octobre au 15 novembre"
    who: julie@audit.example
    what: {activity: appel, count: 6, counting: activités}
    when: "du 15 octobre au 15 novembre 2026"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-03
    axis: AX-CLI
    text: "Obtenir 3 rendez-vous clients en novembre"
    who: julie@audit.example
    what: {activity: rendez-vous, count: 3}
    when: "novembre 2026"
    info: {needed: "agenda", from: "ADV"}
"""
A03_CANCELLED = "    status: {state: cancelled, since: 2026-11-16}\n"
A04_JULIE = """\
  - id: A-04
    axis: AX-PH
    text: "Visiter 3 laboratoires en novembre"
    who: julie@audit.example
"""
A04_MARC = """\
  - id: A-04
    axis: AX-PH
    text: "Visiter 3 laboratoires en novembre"
    who: marc@audit.example
    handed_over: {from: julie@audit.example, on: 2026-11-10}
"""
TAIL = """\
    what: {activity: visite, count: 3}
    when: "novembre 2026"
    info: {needed: "liste des laboratoires", from: "ADV"}
  - id: A-05
    axis: AX-PH
    text: "Visiter 5 laboratoires en novembre"
    who: lea@audit.example
    what: {activity: visite, count: 5, counting: comptes distincts}
    when: "novembre 2026"
    info: {needed: "liste des laboratoires", from: "ADV"}
  - id: A-06
    axis: AX-CLI
    text: "Appeler 4 clients de Rhône-Alpes en décembre"
    who: lea@audit.example
    what: {activity: appel, count: 4, counting: comptes distincts}
    when: "décembre 2026"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-07
    axis: AX-CLI
    text: "Faire 8 démonstrations au T4"
    who: marc@audit.example
    what: {activity: démo, count: 8, counting: activités}
    when: "T4 2026"
    info: {needed: "matériel de démo", from: "Marketing"}
"""
PLAN_OCTOBER = HEAD + A04_JULIE + TAIL                       # as it stood at October's review
PLAN_NOVEMBER = HEAD + A03_CANCELLED + A04_MARC + TAIL       # A-03 cancelled from 16 Nov, A-04 Marc's from 10 Nov

T0 = datetime(2025, 1, 1, tzinfo=UTC)
OWNER = {"julie": "u1", "marc": "u2", "lea": "u3"}
USERS = tuple(User(id=OWNER[n], source="fake", email=f"{n}@audit.example", name=n, modified_at=T0) for n in OWNER)
V, C, M, D = ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO
TYPED = datetime(2026, 12, 3, 9, tzinfo=UTC)      # Léa's late entry, on 3 December


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _act(aid: str, who: str, account: str, kind: ActivityType, at: datetime, typed: datetime | None = None) -> Activity:
    return Activity(id=aid, source="fake", type=kind, owner_id=OWNER[who], account_id=account, start=at,
                    modified_at=typed or at)


def _deal(did: str, aid: str, who: str, amount: str, day: date) -> Deal:
    return Deal(id=did, source="fake", account_id=aid, owner_id=OWNER[who], amount=Decimal(amount), currency="EUR",
                close_date=day, stage=DealStage.WON, name=f"Affaire {did}",
                modified_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


DEALS = (
    _deal("d01", "a1", "julie", "10000", date(2025, 3, 10)),    # AX-CLI baseline
    _deal("d02", "a3", "marc", "6000", date(2025, 9, 15)),      # AX-CLI baseline
    _deal("d03", "a7", "julie", "8000", date(2025, 12, 20)),    # AX-CLI, after 7 December: not in the baseline to date
    _deal("d08", "a5", "lea", "12000", date(2025, 6, 5)),       # AX-PH baseline
    _deal("d04", "a1", "julie", "15000", date(2026, 2, 20)),    # AX-CLI
    _deal("d05", "a2", "marc", "9000", date(2026, 10, 14)),     # a2: AX-CLI and AX-PH
    _deal("d06", "a3", "julie", "7000", date(2026, 11, 25)),    # AX-CLI
    _deal("d07", "a7", "marc", "4000", date(2026, 12, 5)),      # AX-CLI
    _deal("d09", "a4", "lea", "6000", date(2026, 11, 18)),      # AX-PH
    _deal("d10", "a5", "lea", "3000", date(2026, 10, 2)),       # AX-PH
)

ACTIVITIES = (
    # A-01, Julie's client visits in October, distinct accounts (summer time until 25 October)
    _act("v01", "julie", "a1", V, _utc(2026, 10, 2, 8)),
    _act("v02", "julie", "a2", V, _utc(2026, 10, 8, 8)),
    _act("v03", "julie", "a3", V, _utc(2026, 10, 15, 8)),
    _act("v04", "julie", "a1", V, _utc(2026, 10, 20, 8)),      # a1 again
    _act("v05", "julie", "a7", V, _utc(2026, 10, 31, 22, 30)),  # 23:30 CET 31 October: a7
    # A-02, Julie's calls 15 October - 15 November, every activity
    _act("c01", "julie", "a1", C, _utc(2026, 10, 14, 21)),      # 23:00 CEST 14 October: outside
    _act("c02", "julie", "a1", C, _utc(2026, 10, 16, 8)),
    _act("c03", "julie", "a2", C, _utc(2026, 10, 22, 8)),
    _act("c04", "julie", "a3", C, _utc(2026, 10, 29, 9)),
    _act("c05", "julie", "a1", C, _utc(2026, 11, 5, 9)),
    _act("c06", "julie", "a7", C, _utc(2026, 11, 15, 22, 30)),  # 23:30 CET 15 November: counted
    _act("c07", "julie", "a2", C, _utc(2026, 11, 15, 23, 30)),  # 00:30 CET 16 November: outside
    # A-03, Julie's meetings in November (cancelled from 16 November)
    _act("m01", "julie", "a1", M, _utc(2026, 11, 5, 13)),
    # A-04, lab visits in November, Julie's until 9 November, Marc's from 10 November
    _act("v10", "julie", "a2", V, _utc(2026, 11, 5, 9)),        # Julie before the hand-over: counted
    _act("v11", "julie", "a4", V, _utc(2026, 11, 12, 9)),       # Julie after it: not counted
    _act("v12", "marc", "a5", V, _utc(2026, 11, 20, 9)),        # Marc: counted
    # A-05, Léa's labs in November, distinct accounts
    _act("v20", "lea", "a2", V, _utc(2026, 11, 3, 9)),
    _act("v21", "lea", "a5", V, _utc(2026, 11, 10, 9)),
    _act("v22", "lea", "a4", V, _utc(2026, 11, 30, 17), typed=TYPED),   # 18:00 30 November, typed on 3 December
    # A-07, Marc's demos in Q4
    _act("x01", "marc", "a1", D, _utc(2026, 10, 6, 9)),
    _act("x02", "marc", "a2", D, _utc(2026, 10, 13, 9)),
    _act("x03", "marc", "a3", D, _utc(2026, 10, 27, 9)),
    _act("x04", "marc", "a7", D, _utc(2026, 11, 10, 9)),
    _act("x05", "marc", "a1", D, _utc(2026, 11, 24, 9)),
    _act("x06", "marc", "a2", D, _utc(2026, 12, 3, 9)),
)

# 03:00 Paris 1 November (plan as at October's review), 03:00 1 December (hand-over and cancellation written), 10:00
# Paris 7 December
NIGHTS = ((_utc(2026, 11, 1, 2), PLAN_OCTOBER, "2026-10"), (_utc(2026, 12, 1, 2), PLAN_NOVEMBER, "2026-11"),
          (_utc(2026, 12, 7, 9), PLAN_NOVEMBER, None))


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


def _run(tmp: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config)}
    return run_pac(*args, env=env, cwd=tmp, timeout=300)


def _pac(tmp: Path, config: Path, *args: str) -> str:
    done = _run(tmp, config, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@dataclass
class Store:
    tmp: Path
    config: Path

    def write(self, command: str, name: str, *args: str) -> tuple[Path, str]:
        out = self.tmp / name
        said = _pac(self.tmp, self.config, command, *args, "-o", str(out))
        return out, said

    def html(self, command: str, name: str, *args: str) -> Page:
        return page(self.write(command, name, *args)[0])

    def md(self, name: str, *args: str) -> str:
        text = self.write("review", name, *args)[0].read_text(encoding="utf-8")
        return text.replace(NBSP, " ").replace(NNBSP, " ")


def _store(tmp: Path, keep: bool) -> Store:
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS)
    config = tmp / "pac.yaml"
    for night, plan, kept in NIGHTS:
        config = _settings(tmp, night, plan)
        crm.put(*(r for r in (*DEALS, *ACTIVITIES) if r.modified_at is not None and r.modified_at <= night))
        result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(night))
        assert result.status == "ok", result
        if kept and keep:
            _pac(tmp, config, "snapshot", "--period", kept)
    return Store(tmp, config)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return _store(tmp_path_factory.mktemp("reviewmonth"), keep=True)


@pytest.fixture(scope="module")
def unkept(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The same nights with no snapshot kept (a scheduler that was down): October recomputed on today's plan."""
    return _store(tmp_path_factory.mktemp("reviewmonth-unkept"), keep=False)


@pytest.fixture(scope="module")
def november(store: Store) -> Page:
    return store.html("review", "nov.html", "--month", "2026-11")


# -- hand computation (before running pac) ----------------------------------------------------------------------
# Action windows' elapsed shares, on the wall clock: Q4 is 92 days, 31 / 92 = 0.33696 at October's end, 61 / 92 =
# 0.66304 at November's, 67 days 10 h / 92 days = 0.73279 on 7 December at 10:00; A-02's 15 October - 15 November is
# 32 days, 17 / 32 = 0.53125 at October's end.
# At October's end (kept on 1 November, plan of then: A-04 Julie's, A-03 not cancelled):
#   A-01 4/4 done (v01 a1, v02 a2, v03 a3, v05 a7 23:30 CET 31 October; v04 a1 again); A-02 3/6 (c02-c04; c01 23:00
#   CEST 14 October outside): 3 < 6 x 0.53125 = 3.19 at risk; A-07 3/8 >= 2.70 on track; A-03, A-04 (Julie), A-05,
#   A-06 not begun.
# At November's end (kept on 1 December): A-02 5/6 (c05, c06 23:30 CET 15 November; c07 00:30 16 November outside)
#   missed; A-03 1/3 (m01 5 November) inactive, cancelled from 16 November; A-04 Marc's from 10 November: v10 Julie 5
#   November counted, v11 Julie 12 November not, v12 Marc 20 November: 2/3 missed; A-05 2/5 (v20 a2, v21 a5) missed;
#   A-06 not begun; A-07 5/8 < 8 x 0.66304 = 5.30 at risk.
# Today (7 December 10:00): v22 (Léa, a4, 18:00 30 November, typed on 3 December) makes A-05 3/5, still missed, and
#   out of reach (5 distinct labs, 3 pharmaceutical accounts: a2 a4 a5); x06 makes A-07 6/8 >= 5.86: on track;
#   A-06 0/4 < 0.83 expected (6 days 10 h of 31): at risk.
# Axes at November's end (334 / 365 = 91.5 % of the year): AX-CLI d04 15 000 + d05 9 000 + d06 7 000 - (d01 10 000 +
#   d02 6 000) = 15 000, 37.5 % at risk; AX-PH d05 9 000 + d09 6 000 + d10 3 000 - d08 12 000 = 6 000, 30 % at risk.
# On 7 December (341 days counted): AX-CLI + d07 4 000 = 19 000 / 40 000, 47.5 % at risk, ROI (5 700 - 12 000 x 341 /
#   365 = 11 210.96) / 11 210.96 = -49 %; AX-PH 6 000, ROI (1 500 - 4 671.23) / 4 671.23 = -68 %; the plan, each deal
#   once: 44 000 - 28 000 = 16 000 / 60 000 (27 %); actions done or on track: 2 of 6 live (A-03 inactive),
#   1 at risk, 3 missed.


def test_november_header_says_its_day_and_what_changed_since(november: Page) -> None:
    text = november.text
    assert "Revue mensuelle des actions · novembre 2026" in text
    assert ("Situation à la fin du 30 novembre 2026, recalculé sur les saisies et le plan d'aujourd'hui"
            "Comparée à la revue précédente (octobre 2026, instantané gardé alors)") in text
    assert ("Depuis la clôture (saisies et modifications du plan après le 30 novembre 2026) :\n"
            "actions : A-05 2/5 → 3/5\n") in text


def test_november_team_and_who_is_behind(november: Page) -> None:
    assert november.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir",
                         "Évolution") == [
        ["Julie Martin", "1", "", "", "1", "", "3"],     # A-01 done, A-02 missed, A-04 (handed) changed
        ["Léa Petit", "", "", "", "1", "1", "1"],         # A-05 missed, A-06 to come; A-05 changed
        ["Marc Dubois", "", "", "1", "1", "", "2"]]       # A-07 at risk, A-04 missed; both changed
    assert november.body("Axe", "Rythme", "Le mois dernier", "Avancement", "Évolution") == [
        ["Clients Rhône-Alpes AX-CLI", "▲ À risque", "▲ À risque", "38 %",
         "20 % → 38 % · +7 000 € depuis le mois dernier · détail : Affaire d06 +7 000 € (gagnée le 25 novembre "
         "2026)"],
        ["Laboratoires AX-PH", "▲ À risque", "▲ À risque", "30 %", "0 % → 30 % · +6 000 € depuis le mois dernier · "
         "détail : Affaire d09 +6 000 € (gagnée le 18 novembre 2026)"]]


def test_november_per_rep(november: Page) -> None:
    a02 = ["Appeler 6 fois les clients de Rhône-Alpes du 15 octobre au 15 novembre A-02 · Clients Rhône-Alpes",
           "15 octobre – 15 novembre 2026", "5 / 6", "✕ Manquée"]
    a04 = ["Visiter 3 laboratoires en novembre A-04 · Laboratoires", "1er–30 novembre 2026", "2 / 3", "✕ Manquée"]
    a05 = ["Visiter 5 laboratoires en novembre A-05 · Laboratoires", "1er–30 novembre 2026", "3 / 5",
           "✕ Manquée hors d'atteinte : 3 comptes dans le périmètre"]
    a07 = ["Faire 8 démonstrations au T4 A-07 · Clients Rhône-Alpes", "1er octobre – 31 décembre 2026", "5 / 8",
           "▲ À risque"]
    a01 = ["Visiter 4 clients de Rhône-Alpes en octobre A-01 · Clients Rhône-Alpes", "1er–31 octobre 2026", "4 / 4",
           "✓ Terminée"]
    # Julie: late A-02, done A-01; Léa: late A-05; Marc: late A-04, at risk A-07
    assert november.bodies("Action", "Quand", "Fait / cible", "Rythme") == [[a02], [a01], [a05], [a04]]
    # the at-risk block says what « À risque » is measured against: 8 x 61 / 92 days of the quarter = 5,3 expected by
    # the end of November, 5 done (audit reviewmonth's proposal)
    assert november.bodies("Action", "Quand", "Fait / cible", "Attendu à date", "Rythme") == [[[*a07[:3], "5,3",
                                                                                               a07[3]]]]
    assert november.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution") == [
        [[*a02, "À risque → Manquée · +2 depuis le mois dernier"],
         ["Obtenir 3 rendez-vous clients en novembre A-03 · Clients Rhône-Alpes", "1er–30 novembre 2026", "1 / 3",
          "– Inactive", "À venir → Inactive · +1 depuis le mois dernier"],
         [*a04, "transmise à Marc Dubois"]],
        [[*a05, "À venir → Manquée · +3 depuis le mois dernier"]],
        [[*a04, "À venir → Manquée · +2 depuis le mois dernier · reprise de Julie Martin"],
         [*a07, "Dans les temps → À risque · +2 depuis le mois dernier"]]]
    assert "Prochaines échéances (jusqu'au 31 décembre 2026)" in november.text
    assert november.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == [
        [["Appeler 4 clients de Rhône-Alpes en décembre A-06 · Clients Rhône-Alpes", "1er–31 décembre 2026", "0 / 4",
          "○ À venir", "31 décembre 2026"]],
        [[*a07, "31 décembre 2026"]]]


def test_november_in_english(store: Store) -> None:
    text = store.md("nov-en.md", "--month", "2026-11", "--lang", "en")
    for line in (
            "# PAC revue mensuelle — Monthly action review · November 2026\n\nStatus at the end of November 30, 2026, "
            "recalculated on today's entries and plan.\nCompared with the previous review (October 2026, snapshot "
            "kept then).\n",
            "Since the close (entries and plan edits after November 30, 2026):  \nactions: A-05 2/5 → 3/5\n",
            "| Julie Martin | 1 | 0 | 0 | 1 | 0 | 3 |\n| Léa Petit | 0 | 0 | 0 | 1 | 1 | 1 |\n"
            "| Marc Dubois | 0 | 0 | 1 | 1 | 0 | 2 |\n",
            "| Visiter 3 laboratoires en novembre (A-04) | November 1–30, 2026 | 2 / 3 | Missed | handed over to "
            "Marc Dubois |",
            "| Visiter 3 laboratoires en novembre (A-04) | November 1–30, 2026 | 2 / 3 | Missed | Not started → Missed "
            "· +2 since last month · taken over from Julie Martin |",
            "| Visiter 5 laboratoires en novembre (A-05) | November 1–30, 2026 | 3 / 5 | Missed · out of reach: 3 "
            "accounts in its scope | Not started → Missed · +3 since last month |",
            "| Faire 8 démonstrations au T4 (A-07) | October 1 – December 31, 2026 | 5 / 8 | At risk | On track → At "
            "risk · +2 since last month |"):
        assert line in text, line


def test_the_commands_line_names_the_day_the_month_is_judged_on(store: Store) -> None:
    """A closed month is judged at its end, its last day counted in full: the command's line says « the end of
    2026-11-30 », as the page says « Situation à la fin du 30 novembre 2026 »; it said « as of 2026-12-01T00:00+01:00 »,
    a November review dated 1 December. A running month keeps its instant (the settings' as_of here), in the plan's
    timezone."""
    out, said = store.write("review", "nov-line.md", "--month", "2026-11")
    assert said.strip() == (f"{out}: review of 2026-11, fr, 3 rep(s), 3 late action(s), as of the end of 2026-11-30, "
                            "compared with 2026-10 (snapshot)")
    out, said = store.write("review", "dec-line.md")
    assert said.strip() == (f"{out}: review of 2026-12, fr, 3 rep(s), 3 late action(s), as of 2026-12-07T10:00+01:00, "
                            "compared with 2026-11 (snapshot)")
    assert "Situation au 7 décembre 2026 à 10:00.\n" in out.read_text(encoding="utf-8")


def test_the_reports_line_gives_its_instant_as_the_page_does(store: Store) -> None:
    """The report's line gives the instant in the plan's timezone (10:00 Paris, as its header « Situation au 7
    décembre 2026 à 10:00 »), and a closed quarter's as the end of its last day; it gave the settings' spelling,
    2026-12-07T09:00+00:00, and 2026-09-30T22:00+00:00 for Q3."""
    out, said = store.write("report", "q4-line.html")
    assert said.strip().endswith("(PAC revue mensuelle, as of 2026-12-07T10:00+01:00)"), said
    out, said = store.write("report", "q3-line.html", "--quarter", "2026-Q3")
    # and, since audit readmewalk, which figures: no Q3 snapshot is kept, the report is today's re-evaluation
    assert said.strip().endswith("(PAC revue mensuelle, as of the end of 2026-09-30: re-evaluated on today's records "
                                 "and plan (no snapshot kept))"), said
    assert "Situation à la fin du 30 septembre 2026, recalculé sur les saisies et le plan d'aujourd'hui (aucun " \
           "instantané conservé du trimestre)" in page(out).text


def test_q4_report_revenue_roi_and_actions(store: Store) -> None:
    q4 = store.html("report", "q4.html")
    text = q4.text
    assert "Réunion commerciale trimestrielle · T4 2026" in text and "Situation au 7 décembre 2026 à 10:00" in text
    assert ("CA supplémentaire\n16 000 €\n27 % de l'objectif · Objectif 60 000 € · chaque affaire comptée une "
            "fois") in text
    assert "ROI du plan à date\n−70 %" in text
    assert "Actions\n2 / 6\nterminées ou dans les temps · 1 action à risque · 3 actions manquées" in text
    assert q4.body("Segment", "Axe", "Statut", "CA supplémentaire / Objectif", "Rythme", "ROI à date") == [
        ["Rhône-Alpes géographique ROI à date −49 %", "Clients Rhône-Alpes", "Actif", "19 000 € / 40 000 € 48 %",
         "▲ À risque", "−49 %"],
        ["Pharmacie marché ROI à date −68 %", "Laboratoires", "Actif", "6 000 € / 20 000 € 30 %", "▲ À risque",
         "−68 %"]]
    rows = [r[:3] + r[4:] for r in q4.body("Axe", "CA réalisé", "CA supplémentaire / Objectif", "Rythme", "Coût",
                                           "ROI à date", "Délai de retour (mois depuis le début)", "Activités")]
    assert [r[:5] for r in rows] == [
        ["Clients Rhône-Alpes Rhône-Alpes Actif", "35 000 € Référence 16 000 €", "19 000 € / 40 000 € 48 %",
         "12 000 €", "−49 % ROI visé 100 %"],
        ["Laboratoires Pharmacie Actif", "18 000 € Référence 12 000 €", "6 000 € / 20 000 € 30 %", "5 000 €",
         "−68 % ROI visé 100 %"]]
    # per rep, by name then window start: the paces of 7 December
    paces = [[row[0].split(" Clients Rhône-Alpes")[0].split(" Laboratoires")[0], row[3], row[4]]
             for rows_ in q4.bodies("Action", "Quoi", "Quand", "Fait / cible", "Rythme") for row in rows_]
    assert paces == [
        ["Visiter 4 clients de Rhône-Alpes en octobre", "4 / 4 100 %", "✓ Terminée"],
        ["Appeler 6 fois les clients de Rhône-Alpes du 15 octobre au 15 novembre", "5 / 6 83 %", "✕ Manquée"],
        ["Obtenir 3 rendez-vous clients en novembre", "1 / 3 33 %", "– Inactive"],
        ["Visiter 5 laboratoires en novembre", "3 / 5 60 % hors d'atteinte : 3 comptes dans le périmètre",
         "✕ Manquée"],
        ["Appeler 4 clients de Rhône-Alpes en décembre", "0 / 4 0 %", "▲ À risque"],
        ["Faire 8 démonstrations au T4", "6 / 8 75 %", "● Dans les temps"],
        ["Visiter 3 laboratoires en novembre", "2 / 3 67 %", "✕ Manquée"]]
    # month by month, the share of the targets of the actions begun (done capped at the target; inactive and not begun
    # left out): October Julie (4 + 3) / (4 + 6), Marc 3 / 8; November (kept) Julie (4 + 5) / 10, Léa 2 / 5, Marc
    # (5 + 2) / (8 + 3); today Léa (3 + 0) / (5 + 4), Marc (6 + 2) / 11
    assert q4.body("Commercial", "oct. 2026", "nov. 2026", "déc. 2026 (aujourd'hui)") == [
        ["Julie Martin", "70 %", "90 %", "90 %"], ["Léa Petit", "–", "40 %", "33 %"],
        ["Marc Dubois", "38 %", "64 %", "73 %"]]


def test_a_hand_over_of_the_month_is_said_with_october_recomputed(unkept: Store) -> None:
    """With no snapshot kept, October is recomputed on today's plan, where A-04 is already Marc's: the review said
    nothing of its hand-over on 10 November (Julie's changes left it out, Marc's line read « À venir → Manquée · +2
    depuis le mois dernier » though one of the two visits is Julie's). The plan's handed_over says it changed hands
    in November: both sides say so, as with October's snapshot kept."""
    november = unkept.html("review", "nov-unkept.html", "--month", "2026-11")
    assert ("Comparée à la revue précédente (octobre 2026, recalculée depuis les données enregistrées et le plan "
            "d'aujourd'hui : aucun instantané gardé)") in november.text
    a04 = ["Visiter 3 laboratoires en novembre A-04 · Laboratoires", "1er–30 novembre 2026", "2 / 3", "✕ Manquée"]
    changes = november.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")
    assert [*a04, "transmise à Marc Dubois"] in changes[0]
    assert [*a04, "À venir → Manquée · +2 depuis le mois dernier · reprise de Julie Martin"] in changes[2]
    assert november.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir",
                         "Évolution") == [
        ["Julie Martin", "1", "", "", "1", "", "3"],
        ["Léa Petit", "", "", "", "1", "1", "1"],
        ["Marc Dubois", "", "", "1", "1", "", "2"]]
    # December, compared with November recomputed: the hand-over was November's, nothing more is said of it
    december = unkept.html("review", "dec-unkept.html")
    assert "transmise à" not in december.text and "reprise de" not in december.text


def test_the_q4_report_says_whose_work_a_handed_over_action_counts(store: Store) -> None:
    """Marc's A-04 « 2 / 3 Manquée » counts Julie's visit of 5 November (before his first day, 10 November): the
    report's actions table and its CSV say so beside the action, as the review's « reprise de Julie Martin » does
    (they said nothing: one of Marc's two visits was Julie's)."""
    q4 = store.html("report", "q4-handed.html")
    tables = q4.bodies("Action", "Quoi", "Quand", "Fait / cible", "Rythme")
    marc = tables[2]
    assert marc[1] == ["Visiter 3 laboratoires en novembre Laboratoires Information nécessaire : liste des "
                       "laboratoires — ADV reprise de Julie Martin le 10 novembre 2026",
                       "3 visites · comptes distincts", "1er–30 novembre 2026", "2 / 3 67 %", "✕ Manquée"]
    assert not [row for table in tables for row in table if "reprise" in row[0] and row is not marc[1]]
    out, _ = store.write("report", "q4-handed.csv", "--lang", "en")
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[-1].endswith(',Missed,late,"taken over from Julie Martin on November 10, 2026"'), rows[-1]
    assert rows[4].endswith(",Missed,late,out of reach: 3 accounts in its scope"), rows[4]


def test_november_reviewed_while_it_runs(store: Store) -> None:
    """November on 20 November at 18:00 (the settings' as_of; 19.75 of 30 days: 0.658; Q4 50.75 of 92: 0.552), by
    hand: A-02 5/6 missed (closed on 15 November); A-03 inactive (cancelled from 16 November); A-04 2/3 (Julie 5
    November, Marc 20 November 10:00) >= 1.97: on track, handed over on 10 November; A-05 2/5 < 3.29 at risk; A-07 4/8
    < 4.41 at risk; A-06 not started. Due after 20 November and by 31 December: Léa A-05, A-06; Marc A-04, A-07."""
    config = store.tmp / "pac-20nov.yaml"
    config.write_text(store.config.read_text(encoding="utf-8").replace(NIGHTS[2][0].isoformat(),
                                                                       "2026-11-20T18:00:00+01:00"), encoding="utf-8")
    out = store.tmp / "nov-20.html"
    said = _pac(store.tmp, config, "review", "-o", str(out))
    assert said.strip() == (f"{out}: review of 2026-11, fr, 3 rep(s), 1 late action(s), as of 2026-11-20T18:00+01:00, "
                            "compared with 2026-10 (snapshot)")
    running = page(out)
    assert "Situation au 20 novembre 2026 à 18:00Comparée à la revue précédente (octobre 2026, instantané gardé " \
           "alors)" in running.text
    assert running.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir",
                        "Évolution") == [
        ["Julie Martin", "1", "", "", "1", "", "3"],
        ["Léa Petit", "", "", "1", "", "1", "1"],
        ["Marc Dubois", "", "1", "1", "", "", "2"]]
    changes = running.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")
    assert [[row[2:] for row in table] for table in changes] == [
        [["5 / 6", "✕ Manquée", "À risque → Manquée · +2 depuis le mois dernier"],
         ["1 / 3", "– Inactive", "À venir → Inactive · +1 depuis le mois dernier"],
         ["2 / 3", "● Dans les temps", "transmise à Marc Dubois"]],
        [["2 / 5", "▲ À risque hors d'atteinte : 3 comptes dans le périmètre",
          "À venir → À risque · +2 depuis le mois dernier"]],
        [["2 / 3", "● Dans les temps", "À venir → Dans les temps · +2 depuis le mois dernier · reprise de Julie "
                                       "Martin"],
         ["4 / 8", "▲ À risque", "Dans les temps → À risque · +1 depuis le mois dernier"]]]
    due = running.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance")
    assert [[row[0].split(" · ")[0][-4:] + " " + row[-1] for row in table] for table in due] == [
        ["A-05 30 novembre 2026", "A-06 31 décembre 2026"], ["A-04 30 novembre 2026", "A-07 31 décembre 2026"]]


def test_december_next_actions_due_stop_at_the_plans_end(store: Store) -> None:
    """December is the plan's last month: its next actions due run to the plan's last day, 31 December 2026 (Léa's
    A-06, Marc's A-07); the heading read « jusqu'au 31 janvier 2027 », a month the plan does not have."""
    december = store.md("dec.md")
    assert "Situation au 7 décembre 2026 à 10:00.\n" in december
    assert december.count("### Prochaines échéances (jusqu'au 31 décembre 2026)\n") == 3
    assert "2027" not in december
