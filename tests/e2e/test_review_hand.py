"""The monthly action review of a small organisation built for the audit, checked against hand computation (audit
reviewhand, 6 Dec 2026): every figure is read from what ``pac review`` writes (HTML parsed, Markdown), never from the
engine.

The organisation: plan 2027, Europe/Paris, EUR; three reps (Julie, Marc, Léa), the accounts of test_report_hand
(a1 Lyon Client, a2 Grenoble Client Pharmaceutique, a3 Annecy Client, a4 Lyon Prospect Pharmaceutique, a5 Paris Client
Pharmaceutique, a6 Marseille, a7 Saint-Étienne Client).

- segments: S-RA Rhône-Alpes (région Auvergne-Rhône-Alpes: a1 a2 a3 a4 a7), S-PH Pharmacie (a2 a4 a5);
- axes: AX-CLI (S-RA, account_type Client: a1 a2 a3 a7; objective 50 000, margin 0.3, budget 60 000),
  AX-JM (S-RA, Julie's deals; objective 30 000, margin 0.4, budget 4 000; prioritised n° 1),
  AX-PH (S-PH; objective 20 000, margin 0.25, budget 10 000; suspended from 15 May to 30 September);
- a market opportunity on S-RA from 10 May (the advisor's prioritise rule, for AX-CLI, not already prioritised);
- 9 actions: A-01 Julie 3 visits in April, A-02 Julie 4 calls in Q2 (AX-JM), A-03 2 meetings in May handed from
  Julie to Marc on 17 May, A-04 Marc 2 visits 22 March - 4 April (across the DST change of 28 March), A-05 Léa 3
  visits in Q2 (AX-PH, suspended), A-06 Léa a demo in May cancelled from 20 May, A-07 Léa 2 calls in May (missed),
  A-08 Julie 2 visits in June, A-09 Marc a visit in July.

The nights: 1 May 03:00 (April's snapshot kept), 1 June 03:00 (May's snapshot kept), 2 June 12:00 after Julie typed,
on 2 June, a call of 31 May 23:30 (A-02) and a deal won on 20 May (d08, a3, 2 500 €): the reviews are run then.
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
from pac_core.records import Activity, ActivityStatus, ActivityType, Deal, DealStage, User
from sync_jobs.pipeline import run_sync
from tests.cli import run_pac
from tests.e2e.test_report_hand import ACCOUNTS, NBSP, NNBSP, Page, page
from tests.fakes import Clock, FakeConnector

PLAN = """\
plan: {name: "PAC revue audit", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
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
    objective: {additional_revenue: 50000, margin_rate: 0.3, budget: 60000, expected_roi: 0.5}
  - id: AX-JM
    name: Affaires de Julie
    segment: S-RA
    scope: {deal_owner: julie@audit.example}
    status: {state: prioritised, rank: 1}
    objective: {additional_revenue: 30000, margin_rate: 0.4, budget: 4000, expected_roi: 2}
  - id: AX-PH
    name: Laboratoires
    segment: S-PH
    status: {state: suspended, reason: "capacité de production", since: 2027-05-15, until: 2027-09-30}
    objective: {additional_revenue: 20000, margin_rate: 0.25, budget: 10000, expected_roi: 1}
context:
  - {kind: "événement de marché", segment: S-RA, impact: opportunité, on: 2027-05-10, until: 2027-12-31,
     note: "relocalisations"}
actions:
  - id: A-01
    axis: AX-CLI
    text: "Visiter 3 clients de Rhône-Alpes en avril"
    who: julie@audit.example
    what: {activity: visite, count: 3, counting: comptes distincts}
    when: "avril 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-02
    axis: AX-JM
    text: "Appeler 4 fois les clients de Rhône-Alpes au T2"
    who: julie@audit.example
    what: {activity: appel, count: 4, counting: activités}
    when: "T2 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-03
    axis: AX-JM
    text: "Obtenir 2 rendez-vous clients en mai"
    who: marc@audit.example
    handed_over: {from: julie@audit.example, on: 2027-05-17}
    what: {activity: rendez-vous, count: 2}
    when: "mai 2027"
    info: {needed: "agenda", from: "Julie Martin"}
  - id: A-04
    axis: AX-CLI
    text: "Visiter 2 clients de Rhône-Alpes du 22 mars au 4 avril"
    who: marc@audit.example
    what: {activity: visite, count: 2}
    when: "du 22 mars au 4 avril 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-05
    axis: AX-PH
    text: "Visiter 3 laboratoires au T2"
    who: lea@audit.example
    what: {activity: visite, count: 3}
    when: "T2 2027"
    info: {needed: "liste des laboratoires", from: "ADV"}
  - id: A-06
    axis: AX-CLI
    text: "Faire 1 démonstration en mai"
    who: lea@audit.example
    what: {activity: démo, count: 1}
    when: "mai 2027"
    info: {needed: "matériel de démo", from: "Marketing"}
    status: {state: cancelled, since: 2027-05-20}
  - id: A-07
    axis: AX-JM
    text: "Appeler 2 clients de Rhône-Alpes en mai"
    who: lea@audit.example
    what: {activity: appel, count: 2}
    when: "mai 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-08
    axis: AX-CLI
    text: "Visiter 2 clients de Rhône-Alpes en juin"
    who: julie@audit.example
    what: {activity: visite, count: 2}
    when: "juin 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-09
    axis: AX-CLI
    text: "Visiter 1 client de Rhône-Alpes en juillet"
    who: marc@audit.example
    what: {activity: visite, count: 1}
    when: "juillet 2027"
    info: {needed: "liste des clients", from: "ADV"}
"""

T0 = datetime(2026, 1, 1, tzinfo=UTC)
OWNER = {"julie": "u1", "marc": "u2", "lea": "u3"}
USERS = tuple(User(id=OWNER[n], source="fake", email=f"{n}@audit.example", name=n, modified_at=T0) for n in OWNER)
V, C, M, D = ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO
TYPED = datetime(2027, 6, 2, 9, tzinfo=UTC)       # Julie's late entries, on 2 June


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _act(aid: str, who: str, account: str, kind: ActivityType, at: datetime,
         status: ActivityStatus = ActivityStatus.COMPLETED, typed: datetime | None = None) -> Activity:
    return Activity(id=aid, source="fake", type=kind, owner_id=OWNER[who], account_id=account, start=at,
                    status=status, modified_at=typed or at)


def _deal(did: str, aid: str, who: str, amount: str, day: date, closed_at: datetime | None = None,
          typed: datetime | None = None) -> Deal:
    return Deal(id=did, source="fake", account_id=aid, owner_id=OWNER[who], amount=Decimal(amount), currency="EUR",
                close_date=day, stage=DealStage.WON, name=f"Affaire {did}",
                modified_at=typed or closed_at or datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                closed_at=closed_at)


DEALS = (
    _deal("d01", "a1", "julie", "10000", date(2026, 2, 10)),     # AX-CLI, AX-JM baseline
    _deal("d02", "a5", "lea", "20000", date(2026, 3, 10)),       # AX-PH baseline
    _deal("d03", "a2", "marc", "6000", date(2026, 5, 20)),       # AX-CLI, AX-PH baseline from May
    _deal("d04", "a1", "julie", "30000", date(2027, 2, 15)),     # AX-CLI, AX-JM
    _deal("d05", "a5", "lea", "5000", date(2027, 4, 10)),        # AX-PH
    # closed at 00:30 Paris on 1 June (HubSpot-like instant): June, not May
    _deal("d06", "a7", "julie", "4000", date(2027, 5, 31), closed_at=_utc(2027, 5, 31, 22, 30)),
    _deal("d07", "a3", "julie", "3000", date(2027, 5, 31)),      # AX-CLI, AX-JM, May's last day
    _deal("d08", "a3", "julie", "2500", date(2027, 5, 20), typed=TYPED),   # typed late, on 2 June
)

ACTIVITIES = (
    # A-01, Julie's visits in April, distinct accounts
    _act("v01", "julie", "a1", V, _utc(2027, 3, 31, 21, 30)),   # 23:30 Paris 31 March: outside
    _act("v02", "julie", "a1", V, _utc(2027, 3, 31, 22, 30)),   # 00:30 1 April: a1
    _act("v04", "julie", "a2", V, _utc(2027, 4, 12, 9)),        # a2
    _act("v07", "julie", "a3", V, _utc(2027, 4, 30, 21, 59)),   # 23:59 30 April: a3
    _act("v08", "julie", "a7", V, _utc(2027, 4, 30, 22, 0)),    # 00:00 1 May: outside (no action in May)
    # A-02, Julie's calls in Q2, every activity
    _act("c02", "julie", "a1", C, _utc(2027, 4, 2, 8)),
    _act("c03", "julie", "a1", C, _utc(2027, 4, 9, 8)),
    _act("c04", "julie", "a2", C, _utc(2027, 5, 3, 8), status=ActivityStatus.CANCELLED),
    _act("c05", "julie", "a7", C, _utc(2027, 5, 31, 21, 30), typed=TYPED),   # 23:30 31 May, typed on 2 June
    _act("c06", "julie", "a3", C, _utc(2027, 5, 31, 22, 30)),   # 00:30 1 June
    # A-03, meetings in May, handed from Julie to Marc on 17 May
    _act("m01", "julie", "a1", M, _utc(2027, 5, 4, 9)),         # Julie before the hand-over: a1
    _act("m02", "julie", "a2", M, _utc(2027, 5, 18, 9)),        # Julie after the hand-over: not counted
    _act("m04", "marc", "a3", M, _utc(2027, 5, 5, 9)),          # Marc: a3
    # A-04, Marc's visits 22 March - 4 April, across the DST change of 28 March
    _act("v10", "marc", "a1", V, _utc(2027, 3, 21, 23, 30)),    # 00:30 CET 22 March: a1
    _act("v11", "marc", "a7", V, _utc(2027, 3, 28, 1, 30)),     # 03:30 CEST 28 March: a7
    _act("v12", "marc", "a2", V, _utc(2027, 4, 4, 22, 30)),     # 00:30 CEST 5 April: outside
    _act("v13", "marc", "a3", V, _utc(2027, 4, 4, 21, 30)),     # 23:30 CEST 4 April: a3
    # A-05, Léa's lab visits in Q2
    _act("v20", "lea", "a5", V, _utc(2027, 4, 6, 9)),
    _act("v21", "lea", "a2", V, _utc(2027, 5, 6, 9)),
    # A-07, Léa's calls in May, distinct accounts
    _act("c20", "lea", "a1", C, _utc(2027, 5, 2, 9)),
    _act("c21", "lea", "a1", C, _utc(2027, 5, 9, 9)),           # a1 again
)

NIGHTS = (_utc(2027, 5, 1, 1), _utc(2027, 6, 1, 1), _utc(2027, 6, 2, 10))   # 03:00, 03:00, 12:00 Paris


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

    def review(self, name: str, *args: str) -> Path:
        out = self.tmp / name
        _pac(self.tmp, self.config, "review", *args, "-o", str(out))
        return out

    def html(self, name: str, *args: str) -> Page:
        return page(self.review(name, *args))

    def md(self, name: str, *args: str) -> str:
        return self.review(name, *args).read_text(encoding="utf-8").replace(NBSP, " ").replace(NNBSP, " ")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp = tmp_path_factory.mktemp("reviewhand")
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS)
    config = _settings(tmp, NIGHTS[0])
    for night, kept in zip(NIGHTS, ("2027-04", "2027-05", None), strict=True):
        config = _settings(tmp, night)
        crm.put(*(r for r in (*DEALS, *ACTIVITIES) if r.modified_at is not None and r.modified_at <= night))
        result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(night))
        assert result.status == "ok", result
        if kept:
            _pac(tmp, config, "snapshot", "--period", kept)
    return Store(tmp, config)


@pytest.fixture(scope="module")
def may(store: Store) -> Page:
    return store.html("may.html", "--month", "2027-05")


# -- hand computation -------------------------------------------------------------------------------------------
# Year's elapsed share: end of March 90 / 365 = 0.2466; end of April 120 / 365 = 0.3288; end of May 151 / 365 =
# 0.4137. Q2's: end of April 30 / 91 = 0.3297, end of May 61 / 91 = 0.6703.
#
# Actions at the end of March (the April review's previous state, recomputed: no March snapshot is kept):
#   A-04 2/2 done (v10 00:30 CET 22 March, v11 03:30 CEST 28 March); every other action not begun (0).
# At the end of April (kept on 1 May, and the same on today's records):
#   A-01 3/3 done (v02 00:30 1 April, v04, v07 23:59 30 April; v01 31 March and v08 1 May outside);
#   A-02 2/4 (c02, c03): 0.5 >= 0.3297 on track; A-04 3/2 done (v13 23:30 CEST 4 April; v12 5 April outside);
#   A-05 1/3 (v20): 0.333 >= 0.3297 on track, A-07 (May), A-08 (June), A-09 (July) not begun.
# At the end of May, kept on 1 June: A-02 2/4 (c04 cancelled): 0.5 < 0.6703 at risk; A-03 2/2 done (m01 Julie
#   before the hand-over, m04 Marc; m02 Julie after it); A-05 2/3 inactive (AX-PH suspended from 15 May);
#   A-06 inactive (cancelled from 20 May); A-07 1/2 missed (c20, c21 a1 again).
# At the end of May on today's records (2 June 12:00): c05 (23:30 31 May, typed on 2 June) counts: A-02 3/4,
#   0.75 >= 0.6703: on track.
#
# Axes. End of March: AX-CLI 30 000 (d04) - 10 000 (d01) = 20 000 / 50 000 = 40 % on track; AX-JM 20 000 / 30 000
#   on track; AX-PH 0 - 20 000 (d02) = -100 % at risk.
# End of April: AX-CLI 40 % >= 32.9 % on track; AX-JM 66.7 % on track; AX-PH 5 000 (d05) - 20 000 = -15 000, -75 %
#   at risk.
# End of May, kept: AX-CLI 33 000 (d04, d07) - 16 000 (d01, d03) = 17 000, 34 % < 41.4 %: at risk; AX-JM 33 000 -
#   10 000 = 23 000, 76.7 % on track; AX-PH suspended: inactive. Today: d08 (a3, Julie, 20 May, typed 2 June) adds
#   2 500 to both: AX-CLI 19 500, 39 % (< 41.4 %: at risk); AX-JM 25 500. d06 (00:30 1 June Paris) is June's.
#
# Advice. End of March: AX-PH prioritise (Pharmacie 0 vs 20 000: -100 % <= -10 %, a tenth of the year elapsed);
#   AX-JM no roll-out yet (no activity counted on its actions: A-02 begins in April).
# End of April: AX-PH prioritise (Pharmacie 5 000 vs 20 000, -75 %); AX-JM roll-out (ROI to date: 20 000 x 0.4 =
#   8 000 against 4 000 x 120 / 365 = 1 315.07: 508 %; paid back 4 000 x 3.9411 months / 8 000 = 2 months; A-02
#   counted; towards Pharmacie, -75 %); AX-CLI nothing (ROI 6 000 vs 19 726: -70 %; drop waits for half the year;
#   the opportunity is from 10 May).
# End of May: AX-JM roll-out still; AX-CLI prioritise (the opportunity on Rhône-Alpes, in force from 10 May), new;
#   AX-PH suspended: its prioritise no longer made.


def _rep_tables(p: Page) -> list[list[list[str]]]:
    return p.bodies("Action", "Quand", "Fait / cible", "Rythme")


def test_may_header_says_restated_and_what_changed_since_the_close(may: Page) -> None:
    text = may.text
    assert "Revue mensuelle des actions · mai 2027" in text
    assert "Situation à la fin du 31 mai 2027, recalculé sur les saisies et le plan d'aujourd'hui" in text
    assert "Comparée à la revue précédente (avril 2027, instantané gardé alors)" in text
    for line in ("actions : A-02 2/4 → 3/4", "rythmes : A-02 À risque → Dans les temps",
                 "CA supplémentaire des axes : AX-CLI 17 000 € → 19 500 € ; AX-JM 23 000 € → 25 500 €"):
        assert line in text, line


def test_may_team_table(may: Page) -> None:
    # Julie: A-01 done, A-02 on track (3/4 today), A-08 to come; changed A-02 (+1), A-03 handed to Marc on 17 May
    # (its handed_over: audit reviewmonth)
    # Léa: inactive (not a column), A-07 missed; changed
    # Marc: done, A-09 to come; changed A-03
    assert may.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution") == [
        ["Julie Martin", "1", "1", "", "", "1", "2"],
        ["Léa Petit", "", "", "", "1", "", "3"],
        ["Marc Dubois", "2", "", "", "", "1", "1"]]


def test_may_axes_in_difficulty(may: Page) -> None:
    assert may.body("Axe", "Rythme", "Le mois dernier", "Avancement", "Évolution") == [
        ["Clients Rhône-Alpes AX-CLI", "▲ À risque", "● Dans les temps", "39 %",
         "40 % → 39 % · −500 € depuis le mois dernier · détail : CA de référence à date en hausse de 6 000 € : "
         "−6 000 € ; Affaire d07 +3 000 € (gagnée le 31 mai 2027) ; Affaire d08 +2 500 € (gagnée le 20 mai 2027)"],
        ["Laboratoires AX-PH", "– Inactif", "▲ À risque", "−105 %",
         "−75 % → −105 % · −6 000 € depuis le mois dernier · détail : CA de référence à date en hausse de 6 000 € : "
         "−6 000 € · Suspendu (du 15 mai 2027 au 30 septembre 2027)"]]


def test_may_per_rep(may: Page) -> None:
    text = may.text
    assert "Prochaines échéances (jusqu'au 30 juin 2027)" in text
    tables = _rep_tables(may)
    assert tables == [
        # Julie: done A-01
        [["Visiter 3 clients de Rhône-Alpes en avril A-01 · Clients Rhône-Alpes", "1er–30 avril 2027", "3 / 3",
          "✓ Terminée"]],
        # Léa: late A-07
        [["Appeler 2 clients de Rhône-Alpes en mai A-07 · Affaires de Julie", "1er–31 mai 2027", "1 / 2",
          "✕ Manquée"]],
        # Marc: done A-04 (window ends first), A-03
        [["Visiter 2 clients de Rhône-Alpes du 22 mars au 4 avril A-04 · Clients Rhône-Alpes",
          "22 mars – 4 avril 2027", "3 / 2", "✓ Terminée"],
         ["Obtenir 2 rendez-vous clients en mai A-03 · Affaires de Julie", "1er–31 mai 2027", "2 / 2",
          "✓ Terminée"]]]
    changed = may.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")
    assert changed == [
        [["Obtenir 2 rendez-vous clients en mai A-03 · Affaires de Julie", "1er–31 mai 2027", "2 / 2", "✓ Terminée",
          "transmise à Marc Dubois"],
         ["Appeler 4 fois les clients de Rhône-Alpes au T2 A-02 · Affaires de Julie", "1er avril – 30 juin 2027",
          "3 / 4", "● Dans les temps", "+1 depuis le mois dernier"]],
        [["Faire 1 démonstration en mai A-06 · Clients Rhône-Alpes", "1er–31 mai 2027", "0 / 1", "– Inactive",
          "À venir → Inactive"],
         ["Appeler 2 clients de Rhône-Alpes en mai A-07 · Affaires de Julie", "1er–31 mai 2027", "1 / 2",
          "✕ Manquée", "À venir → Manquée · +1 depuis le mois dernier"],
         ["Visiter 3 laboratoires au T2 A-05 · Laboratoires", "1er avril – 30 juin 2027", "2 / 3", "– Inactive",
          "Dans les temps → Inactive · +1 depuis le mois dernier"]],
        [["Obtenir 2 rendez-vous clients en mai A-03 · Affaires de Julie", "1er–31 mai 2027", "2 / 2",
          "✓ Terminée", "À venir → Terminée · +2 depuis le mois dernier · reprise de Julie Martin"]]]
    # A-02 (3 / 4 at May's end) has its fourth call of 31 May 23:30 UTC, typed on 2 June: its target reached the day
    # the review is written, it no longer falls due (audit sfhand10; it was listed « 3 / 4 Dans les temps »)
    assert may.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == [
        [["Visiter 2 clients de Rhône-Alpes en juin A-08 · Clients Rhône-Alpes", "1er–30 juin 2027", "0 / 2",
          "○ À venir", "30 juin 2027"]]]


def test_may_advice_news(may: Page) -> None:
    """AX-CLI prioritised for the opportunity (new), AX-JM's roll-out still standing: today 25 500 x 0.4 = 10 200
    against 4 000 x 151 / 365 = 1 654.79, ROI 516 %; paid back 4 000 x 4.9596 months (151 days less the DST hour) /
    10 200 = 1.9 months; AX-PH's prioritise no longer made (suspended)."""
    text = may.text
    assert ("PrioriserClients Rhône-Alpes nouveau\nPrioriser l'axe « Clients Rhône-Alpes » : opportunité de marché : "
            "relocalisations.") in text
    assert ("DéployerAffaires de Julie toujours valable\nDéployer l'axe « Affaires de Julie » (ROI à date 516 %, "
            "rentabilisé en 1,9 mois depuis le 1er janvier sur « Rhône-Alpes ») vers « Pharmacie », où la croissance "
            "est inférieure à 5 %.") in text
    assert "Ne sont plus recommandés\nPrioriser · Laboratoires\n" in text
    # the plan's headline figures since the close: revenue of the live axes' union 33 000 -> 35 500; margin d04, d07
    # (both axes, 0.35) 11 550 - d01 3 500 - d03 (AX-CLI only, 0.3) 1 800 = 6 250, + d08 875 = 7 125; cost to date
    # 64 000 x 151 / 365 = 26 476.71: ROI -76.4 % -> -73.1 %
    assert "chiffre d'affaires du plan 33 000 € → 35 500 € (+2 500 €)" in text
    assert "CA supplémentaire du plan 17 000 € → 19 500 € ; ROI du plan à date −76 % → −73 %" in text


def test_april_compared_with_a_recomputed_march(store: Store) -> None:
    april = store.html("april.html", "--month", "2027-04")
    text = april.text
    # April's snapshot is kept and nothing of April changed since: no « recalculé », no since-close lines
    assert "Situation à la fin du 30 avril 2027Comparée à la revue précédente (mars 2027, recalculée depuis les " \
           "données enregistrées et le plan d'aujourd'hui : aucun instantané gardé)" in text
    assert "recalculé sur" not in text and "Depuis la clôture" not in text
    assert april.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution") == [
        ["Julie Martin", "1", "1", "", "", "1", "2"],
        ["Léa Petit", "", "1", "", "", "2", "1"],
        ["Marc Dubois", "1", "", "", "", "2", "1"]]
    assert april.body("Axe", "Rythme", "Le mois dernier", "Avancement", "Évolution") == [
        ["Laboratoires AX-PH", "▲ À risque", "▲ À risque", "−75 %", "−100 % → −75 % · +5 000 € depuis le mois dernier "
         "· détail : Affaire d05 +5 000 € (gagnée le 10 avril 2027)"]]
    # roll-out: 8 000 against 1 315.07, ROI 508 %; 4 000 x 3.9411 / 8 000 = 1.97 -> « 2 mois »; the opportunity of
    # 10 May is not in force at the end of April
    assert ("DéployerAffaires de Julie nouveau\nDéployer l'axe « Affaires de Julie » (ROI à date 508 %, rentabilisé "
            "en 2 mois depuis le 1er janvier sur « Rhône-Alpes ») vers « Pharmacie »") in text
    assert "PrioriserLaboratoires toujours valable\nPrioriser l'axe « Laboratoires »" in text
    assert "Prioriser l'axe « Clients Rhône-Alpes »" not in text and "Ne sont plus recommandés" not in text
    assert april.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution") == [
        [["Visiter 3 clients de Rhône-Alpes en avril A-01 · Clients Rhône-Alpes", "1er–30 avril 2027", "3 / 3",
          "✓ Terminée", "À venir → Terminée · +3 depuis le mois dernier"],
         ["Appeler 4 fois les clients de Rhône-Alpes au T2 A-02 · Affaires de Julie", "1er avril – 30 juin 2027",
          "2 / 4", "● Dans les temps", "À venir → Dans les temps · +2 depuis le mois dernier"]],
        [["Visiter 3 laboratoires au T2 A-05 · Laboratoires", "1er avril – 30 juin 2027", "1 / 3",
          "● Dans les temps", "À venir → Dans les temps · +1 depuis le mois dernier"]],
        [["Visiter 2 clients de Rhône-Alpes du 22 mars au 4 avril A-04 · Clients Rhône-Alpes",
          "22 mars – 4 avril 2027", "3 / 2", "✓ Terminée", "+1 depuis le mois dernier"]]]
    assert "Prochaines échéances (jusqu'au 31 mai 2027)" in text
    # nothing is due any more on the day this April review is written (in June): Julie's end on 30 June,
    # after its horizon; Léa's A-06, open at April's end, is cancelled today; Marc's A-03 has its 2 meetings today
    # (audit sfhand10: an action done the day the review is written no longer falls due); and Léa's A-07, due on 31
    # May, is past its deadline today (missed 1 / 2: June's review says so), so it is no longer one of the next
    # actions due either (decided 7 Dec 2026: until then it read « 0 / 2 À venir, 31 mai 2027 » in June)
    assert april.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == []
    heading = "Prochaines échéances (jusqu'au 31 mai 2027)"
    parts = text.split(heading)[1:]
    assert len(parts) == 3 and all(part.lstrip().startswith("Rien.") for part in parts)    # one per rep


def test_june_running_compared_with_mays_snapshot(store: Store) -> None:
    """The current month (no --month) as of 2 June 12:00: A-02 c02, c03, c05, c06 4/4 done against the kept 2/4 (the
    snapshot, not today's 3/4, is what the manager saw); A-08 0/2 on track (1.5 of 30 days, under a tenth: no
    verdict). AX-CLI 39 500 (d04, d07, d08, d06 of 00:30 1 June) - 16 000 = 23 500, 47 % >= 41.5 %: on track again.
    AX-JM 29 500 x 0.4 = 11 800 against the cost to date of 153 days (pro-rated day for day, 2 June counted, as the
    revenue is: docs/engine.md) 4 000 x 153 / 365 = 1 676.71: 604 %; 4 000 x 4.976 / 11 800 = 1.7 months."""
    said = _pac(store.tmp, store.config, "review", "-o", str(store.tmp / "june.html"))
    # the command's line gives the instant in the plan's timezone, as the page does (it gave 2027-06-02T10:00+00:00)
    assert said.strip() == (f"{store.tmp / 'june.html'}: review of 2027-06, fr, 3 rep(s), 1 late action(s), as of "
                            "2027-06-02T12:00+02:00, compared with 2027-05 (snapshot)")
    june = page(store.tmp / "june.html")
    text = june.text
    assert "Revue mensuelle des actions · juin 2027" in text
    assert "Situation au 2 juin 2027 à 12:00Comparée à la revue précédente (mai 2027, instantané gardé alors)" in text
    assert june.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution") == [
        ["Julie Martin", "2", "1", "", "", "", "2"],
        ["Léa Petit", "", "", "", "1", "", ""],
        ["Marc Dubois", "2", "", "", "", "1", ""]]
    assert june.body("Axe", "Rythme", "Le mois dernier", "Avancement", "Évolution") == [
        ["Clients Rhône-Alpes AX-CLI", "● Dans les temps", "▲ À risque", "47 %",
         "34 % → 47 % · +6 500 € depuis le mois dernier, dont +2 500 € de mai 2027 ajoutés après sa revue · détail : "
         "Affaire d06 +4 000 € (gagnée le 1er juin 2027) ; Affaire d08 +2 500 € (du 20 mai 2027, comptée après sa "
         "revue)"]]
    assert "PrioriserClients Rhône-Alpes toujours valable" in text
    assert ("DéployerAffaires de Julie toujours valable\nDéployer l'axe « Affaires de Julie » (ROI à date 604 %, "
            "rentabilisé en 1,7 mois depuis le 1er janvier") in text
    assert june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution") == [
        [["Appeler 4 fois les clients de Rhône-Alpes au T2 A-02 · Affaires de Julie", "1er avril – 30 juin 2027",
          "4 / 4", "✓ Terminée", "À risque → Terminée · +2 depuis le mois dernier, dont +1 de mai 2027 saisi après sa "
                                 "revue"],     # today's May 3/4 against the kept 2/4 (audit reviewyear)
         ["Visiter 2 clients de Rhône-Alpes en juin A-08 · Clients Rhône-Alpes", "1er–30 juin 2027", "0 / 2",
          "● Dans les temps", "À venir → Dans les temps"]]]
    assert "Prochaines échéances (jusqu'au 31 juillet 2027)" in text
    assert june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == [
        [["Visiter 2 clients de Rhône-Alpes en juin A-08 · Clients Rhône-Alpes", "1er–30 juin 2027", "0 / 2",
          "● Dans les temps", "30 juin 2027"]],
        [["Visiter 1 client de Rhône-Alpes en juillet A-09 · Clients Rhône-Alpes", "1er–31 juillet 2027", "0 / 1",
          "○ À venir", "31 juillet 2027"]]]


def test_one_reps_review_in_markdown(store: Store) -> None:
    julie = store.md("julie.md", "--month", "2027-05", "--rep", "Julie Martin")
    assert julie.startswith("# PAC revue audit — Revue mensuelle des actions · mai 2027\n\n"
                            "Situation à la fin du 31 mai 2027, recalculé sur les saisies et le plan d'aujourd'hui.\n"
                            "Comparée à la revue précédente (avril 2027, instantané gardé alors).\n")
    # only her actions since the close: no plan figures, no axes
    assert "rythmes : A-02 À risque → Dans les temps" in julie and "actions : A-02 2/4 → 3/4" in julie
    assert "chiffre d'affaires du plan" not in julie and "AX-CLI" not in julie
    assert "L'équipe" not in julie and "Nouvelles du conseiller" not in julie and "Léa" not in julie
    assert ("### Terminées\n\n| Action | Quand | Fait / cible | Rythme |\n|---|---|---|---|\n"
            "| Visiter 3 clients de Rhône-Alpes en avril (A-01) | 1er–30 avril 2027 | 3 / 3 | Terminée |\n") in julie
    assert ("| Appeler 4 fois les clients de Rhône-Alpes au T2 (A-02) | 1er avril – 30 juin 2027 | 3 / 4 | "
            "Dans les temps | +1 depuis le mois dernier |") in julie
    # A-02, 4 / 4 since the call typed on 2 June, no longer falls due (audit sfhand10)
    assert ("### Prochaines échéances (jusqu'au 30 juin 2027)\n\n"
            "| Action | Quand | Fait / cible | Rythme | Échéance |\n|---|---|---|---|---|\n"
            "| Visiter 2 clients de Rhône-Alpes en juin (A-08) | 1er–30 juin 2027 | 0 / 2 | À venir | 30 juin 2027 |\n"
            ) in julie
    # Léa, by her name without the accent: nothing of hers changed since the close, so her figures are the kept ones
    lea = store.md("lea.md", "--month", "2027-05", "--rep", "lea petit")
    assert "Situation à la fin du 31 mai 2027.\n" in lea and "Depuis la clôture" not in lea
    assert ("### En retard (fenêtre close, objectif manqué)\n\n| Action | Quand | Fait / cible | Rythme |\n"
            "|---|---|---|---|\n| Appeler 2 clients de Rhône-Alpes en mai (A-07) | 1er–31 mai 2027 | 1 / 2 | "
            "Manquée |\n") in lea


def test_manager_review_in_markdown(store: Store) -> None:
    md = store.md("may.md", "--month", "2027-05")
    assert ("| Commercial | Terminée | Dans les temps | À risque | Manquée | À venir | Évolution |\n"
            "|---|---|---|---|---|---|---|\n| Julie Martin | 1 | 1 | 0 | 0 | 1 | 2 |\n"
            "| Léa Petit | 0 | 0 | 0 | 1 | 0 | 3 |\n| Marc Dubois | 2 | 0 | 0 | 0 | 1 | 1 |\n") in md
    assert ("| Clients Rhône-Alpes (AX-CLI) | À risque | Dans les temps | 39 % | 40 % → 39 % · −500 € depuis le mois "
            "dernier · détail : CA de référence à date en hausse de 6 000 € : −6 000 € ; Affaire d07 +3 000 € (gagnée "
            "le 31 mai 2027) ; Affaire d08 +2 500 € (gagnée le 20 mai 2027) |\n| Laboratoires (AX-PH) | Inactif | À "
            "risque | −105 % | −75 % → −105 % · −6 000 € depuis le mois dernier · détail : CA de référence à date en "
            "hausse de 6 000 € : −6 000 € · Suspendu (du 15 mai 2027 au 30 septembre 2027) |\n") in md
    assert ("\nActions inactives, hors tableau (axe suspendu ou abandonné, action annulée) : Léa Petit 2 (A-06, "
            "A-05)\n") in md
    assert "- **Prioriser** · Clients Rhône-Alpes (nouveau) : Prioriser l'axe" in md
    assert "- **Déployer** · Affaires de Julie (toujours valable) : Déployer l'axe" in md
    assert "Ne sont plus recommandés :\n- Prioriser · Laboratoires\n" in md
    assert "CA supplémentaire des axes : AX-CLI 17 000 € → 19 500 € ; AX-JM 23 000 € → 25 500 €" in md


def test_english_review(store: Store) -> None:
    en = store.html("may-en.html", "--month", "2027-05", "--lang", "en")
    text = en.text
    assert "Status at the end of May 31, 2027, recalculated on today's entries and plan" in text
    assert "Compared with the previous review (" in text
    assert en.body("Rep", "Done", "On track", "At risk", "Missed", "Not started", "Change") == [
        ["Julie Martin", "1", "1", "", "", "1", "2"],
        ["Léa Petit", "", "", "", "1", "", "3"],
        ["Marc Dubois", "2", "", "", "", "1", "1"]]
    assert en.body("Axis", "Pace", "Last month", "Progress", "Change") == [
        ["Clients Rhône-Alpes AX-CLI", "▲ At risk", "● On track", "39%",
         "40% → 39% · −€500 since last month · breakdown: baseline to date up €6,000: −€6,000; Affaire d07 +€3,000 "
         "(won on May 31, 2027); Affaire d08 +€2,500 (won on May 20, 2027)"],
        ["Laboratoires AX-PH", "– Inactive", "▲ At risk", "−105%",
         "−75% → −105% · −€6,000 since last month · breakdown: baseline to date up €6,000: −€6,000 · Suspended (from "
         "May 15, 2027 to September 30, 2027)"]]
    assert "Roll out axis \"Affaires de Julie\" (ROI to date 516%, paid back in 1.9 months from January 1" in text
    assert "Not started → Missed · +1 since last month" in text
    assert "Next actions due (until June 30, 2027)" in text
    assert "Compared with the previous review (April 2027, snapshot kept then)" in text
    assert "actions: A-02 2/4 → 3/4" in text and "paces: A-02 At risk → On track" in text


@pytest.mark.parametrize(("args", "says"), [
    (("--month", "2027-07"), ("2027-07 has not started yet (now is 2027-06-02)",
                              "choose a month that has begun, or leave --month out for the current one")),
    (("--month", "2026-12"), ("2026-12 is outside the plan's period (2027-01 to 2027-12)",
                              "choose a month of the plan's period")),
    (("--month", "2027-13"), ("'2027-13' is not a month", "YYYY-MM")),
    (("--month", "2027-05", "--rep", "nat@audit.example"),
     ("nat@audit.example owns no action", "choose one of: julie@audit.example, lea@audit.example, marc@audit.example")),
    (("--month", "2027-05", "--rep", "Paul Durand"), ("owns no action", "choose one of: julie@audit.example")),
])
def test_refusals_say_what_to_choose(store: Store, args: tuple[str, ...], says: tuple[str, ...]) -> None:
    done = _run(store.tmp, store.config, "review", *args, "-o", str(store.tmp / "refused.html"))
    assert done.returncode == 2, done.stdout + done.stderr
    for words in says:
        assert words in done.stderr, (words, done.stderr)


def _copy(store: Store, tmp: Path, plan: str) -> Store:
    """The store as it is after the nights, with another plan file (edited since the last sync)."""
    tmp.mkdir(exist_ok=True)
    (tmp / "pac.db").write_bytes((store.tmp / "pac.db").read_bytes())
    (tmp / "plan.pac.yaml").write_text(plan, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    config = tmp / "pac.yaml"
    config.write_text(store.config.read_text(encoding="utf-8").replace(str(store.tmp / "pac.db"), str(tmp / "pac.db")),
                      encoding="utf-8")
    return Store(tmp, config)


A10 = """  - id: A-10
    axis: AX-CLI
    text: "Visiter 1 client de Rhône-Alpes en mai"
    who: julie@audit.example
    what: {activity: visite, count: 1}
    when: "mai 2027"
    info: {needed: "liste des clients", from: "ADV"}
"""


def test_an_action_added_since_last_month_says_so(store: Store, tmp_path: Path) -> None:
    """A-10 written into the plan after April's review (Julie, a visit in May: v08, 00:00 1 May on a7, 1/1 done):
    the May review lists it among what changed, « nouvelle action », and counts it in the team's column (seen
    failing before the fix: not listed, Julie's « Évolution » 1, the template's « nouvelle action » never shown)."""
    may = _copy(store, tmp_path, PLAN + A10).html("may.html", "--month", "2027-05")
    assert may.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution")[0] == \
        ["Julie Martin", "2", "1", "", "", "1", "3"]
    assert may.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")[0] == [
        ["Obtenir 2 rendez-vous clients en mai A-03 · Affaires de Julie", "1er–31 mai 2027", "2 / 2", "✓ Terminée",
         "transmise à Marc Dubois"],
        ["Visiter 1 client de Rhône-Alpes en mai A-10 · Clients Rhône-Alpes", "1er–31 mai 2027", "1 / 1",
         "✓ Terminée", "nouvelle action"],
        ["Appeler 4 fois les clients de Rhône-Alpes au T2 A-02 · Affaires de Julie", "1er avril – 30 juin 2027",
         "3 / 4", "● Dans les temps", "+1 depuis le mois dernier"]]


def test_next_actions_due_leave_out_what_was_stopped_since(store: Store, tmp_path: Path) -> None:
    """On 2 June the manager suspends AX-JM and cancels A-08, both from 2 June: the May review (its end, when both
    still ran) says so in its since-close lines, and its « Prochaines échéances » no longer lists A-02 (AX-JM) nor
    A-08 as due by 30 June (seen failing before the fix: both listed, « À venir » and « Dans les temps », under the
    line saying A-08 is cancelled). The month's own figures keep them as they were at its end."""
    june = 'when: "juin 2027"\n    info: {needed: "liste des clients", from: "ADV"}'
    plan = PLAN.replace("status: {state: prioritised, rank: 1}",
                        'status: {state: suspended, reason: "gel", since: 2027-06-02}').replace(
        june, june + "\n    status: {state: cancelled, since: 2027-06-02}")
    assert plan.count("2027-06-02") == 2
    copy = _copy(store, tmp_path, plan)
    may = copy.html("may.html", "--month", "2027-05")
    assert ("statuts : AX-JM Prioritaire n° 1 → Suspendu (depuis le 2 juin 2027) ; A-08 prévue → annulée (depuis le 2 "
            "juin 2027)") in may.text
    assert may.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution")[0] == \
        ["Julie Martin", "1", "1", "", "", "1", "2"]
    assert may.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == []
    julie = copy.md("julie.md", "--month", "2027-05", "--rep", "julie@audit.example")
    assert "### Prochaines échéances (jusqu'au 30 juin 2027)\n\nRien.\n" in julie


def test_an_action_taken_out_of_the_plan_since_last_month_says_so(store: Store, tmp_path: Path) -> None:
    """A-09 (Marc, a visit in July) taken out of the plan after May's snapshot: the June review, against that
    snapshot, lists it among Marc's changes, « À venir → Retirée du plan », with May's 0 / 1, and counts it in his
    « Évolution »; it is in none of his other tables (seen failing before the fix: it was in no table at all, and
    Marc's row read no change)."""
    a09 = PLAN[PLAN.index("  - id: A-09"):]
    june = _copy(store, tmp_path, PLAN.replace(a09, "")).html("june.html")
    assert june.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution")[2] == \
        ["Marc Dubois", "2", "", "", "", "", "1"]
    assert june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")[1:] == [
        [["Visiter 1 client de Rhône-Alpes en juillet A-09 · Clients Rhône-Alpes", "1er–31 juillet 2027", "0 / 1",
          "Retirée du plan", "À venir → Retirée du plan"]]]
    assert june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == [
        [["Visiter 2 clients de Rhône-Alpes en juin A-08 · Clients Rhône-Alpes", "1er–30 juin 2027", "0 / 2",
          "● Dans les temps", "30 juin 2027"]]]
    md = _copy(store, tmp_path / "md", PLAN.replace(a09, "")).md("june.md", "--lang", "en")
    assert ("| Visiter 1 client de Rhône-Alpes en juillet (A-09) | July 1–31, 2027 | 0 / 1 | Removed from plan | "
            "Not started → Removed from plan |") in md


def test_an_action_whose_window_closed_while_its_axis_was_suspended_stays_inactive(store: Store,
                                                                                    tmp_path: Path) -> None:
    """AX-PH was suspended from 15 May to 30 September; A-05 (Léa, 3 lab visits in Q2, 2 done) ended on 30 June, in
    the suspension: the manager had stopped it. In October, the suspension over, it is still no missed action of
    Léa's (seen failing before the fix: October's review listed it « Manquée » among her late actions, and
    « Inactive → Manquée » among her changes, for work the plan had put on hold)."""
    copy = _copy(store, tmp_path, PLAN)
    copy.config.write_text(copy.config.read_text(encoding="utf-8").replace(NIGHTS[2].isoformat(),
                                                                           "2027-11-05T10:00:00+01:00"),
                           encoding="utf-8")
    october = copy.md("october.md", "--month", "2027-10", "--rep", "lea@audit.example")
    late = october[october.index("### En retard"):october.index("### À risque")]
    assert "(A-07)" in late and "(A-05)" not in late
    assert "| Visiter 3 laboratoires au T2 (A-05) |" not in october[october.index("### Ce qui a changé"):]


def test_an_action_handed_over_since_last_month_says_so_on_both_sides(store: Store, tmp_path: Path) -> None:
    """A-08 (June visits) handed from Julie to Marc on 2 June, after May's snapshot: the June review lists it among
    Marc's changes, « À venir → Dans les temps · reprise de Julie Martin », and among Julie's, with its figures,
    « transmise à Marc Dubois », out of her paces and due dates (seen failing before the fix: Julie's A-08 vanished
    from her review without a word, and Marc's line did not say whose it was)."""
    june_visits = 'text: "Visiter 2 clients de Rhône-Alpes en juin"\n    who: julie@audit.example'
    plan = PLAN.replace(june_visits, june_visits.replace("julie@", "marc@")
                        + "\n    handed_over: {from: julie@audit.example, on: 2027-06-02}")
    assert plan != PLAN
    copy = _copy(store, tmp_path, plan)
    june = copy.html("june.html")
    assert june.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution") == [
        ["Julie Martin", "2", "", "", "", "", "2"],
        ["Léa Petit", "", "", "", "1", "", ""],
        ["Marc Dubois", "2", "1", "", "", "1", "1"]]
    a08 = ["Visiter 2 clients de Rhône-Alpes en juin A-08 · Clients Rhône-Alpes", "1er–30 juin 2027", "0 / 2",
           "● Dans les temps"]
    julie, marc = june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")
    assert julie[1] == [*a08, "transmise à Marc Dubois"] and len(julie) == 2
    assert marc == [[*a08, "À venir → Dans les temps · reprise de Julie Martin"]]
    assert june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == [
        [[*a08, "30 juin 2027"],
         ["Visiter 1 client de Rhône-Alpes en juillet A-09 · Clients Rhône-Alpes", "1er–31 juillet 2027", "0 / 1",
          "○ À venir", "31 juillet 2027"]]]
    # May, closed before the hand-over and reviewed on today's plan: its since-close lines name the new owner (they
    # said nothing of it), in the manager's review and in Julie's, who owned it at the close
    owners = "responsables : A-08 Julie Martin → Marc Dubois"
    assert owners in copy.html("may.html", "--month", "2027-05").text
    assert owners in copy.md("julie.md", "--month", "2027-05", "--rep", "julie@audit.example")


def test_before_the_plan_begins_the_refusal_says_when_to_come_back(store: Store, tmp_path: Path) -> None:
    """On 15 December 2026 no month of the 2027 plan has begun: with or without --month the review is refused with
    the plan's first day (seen failing before the fix: without --month « 2026-12 is outside the plan's period …
    choose a month of the plan's period », and --month 2027-01 « has not started yet … or leave --month out »,
    each sending the manager to the other)."""
    copy = _copy(store, tmp_path, PLAN)
    copy.config.write_text(copy.config.read_text(encoding="utf-8").replace(NIGHTS[2].isoformat(),
                                                                           "2026-12-15T10:00:00+01:00"),
                           encoding="utf-8")
    for args in ((), ("--month", "2027-01"), ("--month", "2026-12")):
        done = _run(copy.tmp, copy.config, "review", *args, "-o", str(copy.tmp / "refused.md"))
        assert done.returncode == 2, done.stdout + done.stderr
        assert ("plan 'PAC revue audit' begins on 2027-01-01 (now is 2026-12-15): no month of it has begun yet "
                "(from 2027-01-01 on, leave --month out for its first month, 2027-01)") in done.stderr, done.stderr


def test_a_running_may_on_the_20th(store: Store, tmp_path: Path) -> None:
    """May reviewed while it runs, on 20 May at 18:00 (19.75 of 31 days: 0.637; Q2 49.75 of 91: 0.547): A-02 2/4
    = 0.5 and A-07 1/2 = 0.5 are at risk; A-03 2/2 done; A-05 inactive (AX-PH suspended from 15 May), A-06
    inactive (cancelled from 20 May, today); the calls of 31 May and 1 June are not yet counted."""
    copy = _copy(store, tmp_path, PLAN)
    copy.config.write_text(copy.config.read_text(encoding="utf-8").replace(NIGHTS[2].isoformat(),
                                                                           "2027-05-20T18:00:00+02:00"),
                           encoding="utf-8")
    may = copy.html("may.html")
    assert "Situation au 20 mai 2027 à 18:00Comparée à la revue précédente (avril 2027, instantané gardé alors)" \
        in may.text
    assert may.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution") == [
        ["Julie Martin", "1", "", "1", "", "1", "2"],
        ["Léa Petit", "", "", "1", "", "", "3"],
        ["Marc Dubois", "2", "", "", "", "1", "1"]]
    a02 = ["Appeler 4 fois les clients de Rhône-Alpes au T2 A-02 · Affaires de Julie", "1er avril – 30 juin 2027",
           "2 / 4", "▲ À risque"]
    a07 = ["Appeler 2 clients de Rhône-Alpes en mai A-07 · Affaires de Julie", "1er–31 mai 2027", "1 / 2",
           "▲ À risque"]
    # Julie and Léa at risk, each beside the count expected by now: A-02 4 x 0.547 = 2,2, A-07 2 x 0.637 = 1,3
    assert may.bodies("Action", "Quand", "Fait / cible", "Attendu à date", "Rythme") == [
        [[*a02[:3], "2,2", a02[3]]], [[*a07[:3], "1,3", a07[3]]]]
    changes = may.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")
    # A-03, handed to Marc on 17 May (its handed_over), among Julie's changes (audit reviewmonth)
    assert changes[0] == [["Obtenir 2 rendez-vous clients en mai A-03 · Affaires de Julie", "1er–31 mai 2027",
                           "2 / 2", "✓ Terminée", "transmise à Marc Dubois"], [*a02, "Dans les temps → À risque"]]
    assert changes[1][1] == [*a07, "À venir → À risque · +1 depuis le mois dernier"]
    assert changes[2][0][-1] == "À venir → Terminée · +2 depuis le mois dernier · reprise de Julie Martin"
    assert may.bodies("Action", "Quand", "Fait / cible", "Rythme", "Échéance") == [
        [[*a02, "30 juin 2027"],
         ["Visiter 2 clients de Rhône-Alpes en juin A-08 · Clients Rhône-Alpes", "1er–30 juin 2027", "0 / 2",
          "○ À venir", "30 juin 2027"]],
        [[*a07, "31 mai 2027"]]]


def test_a_target_changed_since_last_month_says_so(store: Store, tmp_path: Path) -> None:
    """A-09 (Marc, July) raised from 1 visit to 2 after May's snapshot: still 0 done and « À venir », but the June
    review lists the change, « cible 1 → 2 » (seen failing before the fix: nothing listed, Marc's « Évolution »
    empty)."""
    plan = PLAN.replace('text: "Visiter 1 client de Rhône-Alpes en juillet"', 'text: "Visiter 2 clients de '
                        'Rhône-Alpes en juillet"').replace("what: {activity: visite, count: 1}",
                                                           "what: {activity: visite, count: 2}")
    assert plan.count("count: 2}") == PLAN.count("count: 2}") + 1
    june = _copy(store, tmp_path, plan).html("june.html")
    assert june.body("Commercial", "Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Évolution")[2] == \
        ["Marc Dubois", "2", "", "", "", "1", "1"]
    assert june.bodies("Action", "Quand", "Fait / cible", "Rythme", "Évolution")[1] == [
        ["Visiter 2 clients de Rhône-Alpes en juillet A-09 · Clients Rhône-Alpes", "1er–31 juillet 2027", "0 / 2",
         "○ À venir", "cible 1 → 2"]]
