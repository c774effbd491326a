"""Every figure of the quarterly report of a small organisation built for the audit, checked against hand computation
(audit reporthand, 6 Dec 2026): the figures are read from the rendered page (HTML parsed, charts' SVG included), the
workbook and the CSV that ``pac report --quarter 2027-Q2`` writes, never from the engine.

The organisation (different from the demo): plan 2027, Europe/Paris, EUR, fx USD 0.9; three reps (Julie, Marc, Léa).

- segments: S-RA Rhône-Alpes (région Auvergne-Rhône-Alpes), S-PH Pharmacie (industry Pharmaceutique);
- axes: AX-CLI (S-RA, account_type Client, objective « +20 % » of 2026, margin 0.3, budget 12 000),
  AX-JM (S-RA, deal_owner Julie, objective 30 000, margin 0.4, budget 4 000, prioritised n° 1),
  AX-PH (S-PH, objective 50 000, margin 0.25, budget 10 000, suspended since 15 May until 30 September);
- accounts: a1 Lyon Client Chimie, a2 Grenoble Client Pharmaceutique, a3 Annecy Client Chimie, a4 Lyon Prospect
  Pharmaceutique, a5 Paris Client Pharmaceutique, a6 Marseille Client Chimie, a7 Saint-Étienne Client Chimie;
- 8 actions, 38 activities, 16 deals (EUR and USD, one credit), around 31 March / 1 April, 30 June / 1 July and the
  DST change of 28 March 2027.

Synced on 2 July 2027 03:00; snapshots of Q1 and of March to June kept; the report is Q2's, evaluated at
1 July 2027 00:00 Paris: the figures count 1 January to 30 June (181 days: 31+28+31+30+31+30), the baselines
1 January to 30 June 2026, the elapsed share of the year is 181 / 365 = 0.49589.

Money: 1 USD = 0.9 EUR, so d03 5 000 USD = 4 500, d08 10 000 USD = 9 000, d13 2 000 USD = 1 800.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pac_config.settings import load_settings
from pac_core.records import Account, Activity, ActivityStatus, ActivityType, Deal, DealStage
from sync_jobs.pipeline import run_sync
from tests.cli import run_pac
from tests.fakes import Clock, FakeConnector, user

PLAN = """\
plan: {name: "PAC audit main", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
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
    name: Clients Rhône-Alpes +20 %
    segment: S-RA
    scope: {account_type: Client}
    status: active
    objective: {additional_revenue: "+20 %", margin_rate: 0.3, budget: 12000, expected_roi: 1.5}
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
    objective: {additional_revenue: 50000, margin_rate: 0.25, budget: 10000, expected_roi: 1}
actions:
  - id: A-01
    axis: AX-CLI
    text: "Visiter 3 clients de Rhône-Alpes en avril"
    who: julie@audit.example
    what: {activity: visite, count: 3, counting: comptes distincts}
    when: "avril 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-02
    axis: AX-CLI
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
    axis: AX-PH
    text: "Faire 1 démonstration en mars"
    who: lea@audit.example
    what: {activity: démo, count: 1}
    when: "mars 2027"
    info: {needed: "matériel de démo", from: "Marketing"}
  - id: A-07
    axis: AX-JM
    text: "Appeler 2 clients de Rhône-Alpes en juin"
    who: lea@audit.example
    what: {activity: appel, count: 2}
    when: "juin 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-08
    axis: AX-CLI
    text: "Visiter 2 clients de Rhône-Alpes en juillet"
    who: julie@audit.example
    what: {activity: visite, count: 2}
    when: "juillet 2027"
    info: {needed: "liste des clients", from: "ADV"}
"""

T0 = datetime(2026, 1, 1, tzinfo=UTC)
OWNER = {"julie": "u1", "marc": "u2", "lea": "u3"}
USERS = (user("u1", "julie@audit.example"), user("u2", "marc@audit.example"), user("u3", "lea@audit.example"))
ARA = "Auvergne-Rhône-Alpes"


def _account(aid: str, name: str, postal: str, dept: str, region: str, industry: str, kind: str) -> Account:
    return Account(id=aid, source="fake", name=name, postal_code=postal, departement=dept, region=region,
                   country="FR", industry=industry, account_type=kind, modified_at=T0)


ACCOUNTS = (
    _account("a1", "Chimie Lyon", "69003", "69", ARA, "Chimie", "Client"),
    _account("a2", "Labo Grenoble", "38000", "38", ARA, "Pharmaceutique", "Client"),
    _account("a3", "Annecy Process", "74000", "74", ARA, "Chimie", "Client"),
    _account("a4", "Biotech Lyon", "69007", "69", ARA, "Pharmaceutique", "Prospect"),
    _account("a5", "Labo Paris", "75008", "75", "Île-de-France", "Pharmaceutique", "Client"),
    _account("a6", "Marseille Chimie", "13001", "13", "Provence-Alpes-Côte d'Azur", "Chimie", "Client"),
    _account("a7", "Forez Industries", "42000", "42", ARA, "Chimie", "Client"),
)


def _deal(did: str, aid: str, who: str, amount: str, currency: str, day: date, stage: DealStage = DealStage.WON,
          closed_at: datetime | None = None, created: datetime | None = None, modified: datetime = T0) -> Deal:
    return Deal(id=did, source="fake", account_id=aid, owner_id=OWNER[who], amount=Decimal(amount),
                currency=currency, close_date=day, stage=stage, name=f"Affaire {did}", modified_at=modified,
                closed_at=closed_at, created_at=created)


DEALS = (
    _deal("d01", "a1", "julie", "10000", "EUR", date(2026, 3, 15)),
    _deal("d02", "a2", "marc", "8000", "EUR", date(2026, 6, 30)),      # last day of the baseline to date
    _deal("d03", "a3", "julie", "5000", "USD", date(2026, 7, 1)),      # 4 500: 2026, not in the baseline to date
    _deal("d04", "a1", "marc", "6000", "EUR", date(2026, 11, 20)),
    _deal("d05", "a5", "lea", "20000", "EUR", date(2026, 4, 10)),
    _deal("d06", "a4", "lea", "4000", "EUR", date(2026, 2, 1)),
    _deal("d07", "a1", "julie", "12000", "EUR", date(2027, 1, 20)),
    _deal("d08", "a2", "julie", "10000", "USD", date(2027, 4, 5)),     # 9 000
    _deal("d09", "a3", "marc", "7000", "EUR", date(2027, 6, 30)),      # the quarter's last day
    _deal("d10", "a1", "julie", "-2000", "EUR", date(2027, 5, 10)),    # a credit
    _deal("d11", "a7", "julie", "3000", "EUR", date(2027, 7, 1)),      # after the quarter
    _deal("d12", "a5", "lea", "15000", "EUR", date(2027, 3, 1)),
    _deal("d13", "a4", "lea", "2000", "USD", date(2027, 5, 20)),       # 1 800
    _deal("d14", "a2", "marc", "5000", "EUR", date(2027, 4, 15), stage=DealStage.LOST),
    _deal("d15", "a3", "julie", "9000", "EUR", date(2027, 8, 30), stage=DealStage.OPEN,
          created=datetime(2027, 5, 2, 9, tzinfo=UTC)),
    # closed at 00:30 Paris on 1 April (HubSpot-like instant): Q2, not Q1
    _deal("d16", "a7", "julie", "2500", "EUR", date(2027, 3, 31), closed_at=datetime(2027, 3, 31, 22, 30, tzinfo=UTC)),
)

V, C, M, D = ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO


def _act(aid: str, who: str, account: str, kind: ActivityType, at: datetime,
         status: ActivityStatus = ActivityStatus.COMPLETED, modified: datetime | None = None) -> Activity:
    return Activity(id=aid, source="fake", type=kind, owner_id=OWNER[who], account_id=account, start=at,
                    status=status, modified_at=modified or at)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


ACTIVITIES = (
    # A-01, Julie's visits in April, distinct accounts
    _act("v01", "julie", "a1", V, _utc(2027, 3, 31, 21, 30)),   # 23:30 Paris 31 March: outside
    _act("v02", "julie", "a1", V, _utc(2027, 3, 31, 22, 30)),   # 00:30 1 April: a1 counted
    _act("v03", "julie", "a1", V, _utc(2027, 4, 8, 9)),         # a1 again
    _act("v04", "julie", "a2", V, _utc(2027, 4, 12, 9)),        # a2 counted
    _act("v05", "julie", "a6", V, _utc(2027, 4, 14, 9)),        # Marseille: outside the segment
    _act("v06", "julie", "a4", V, _utc(2027, 4, 20, 9)),        # a prospect: outside the axis
    _act("v07", "julie", "a3", V, _utc(2027, 4, 30, 21, 59)),   # 23:59 30 April: a3 counted
    _act("v08", "julie", "a7", V, _utc(2027, 4, 30, 22, 0)),    # 00:00 1 May: outside
    # A-02, Julie's calls in Q2, every activity
    _act("c01", "julie", "a1", C, _utc(2027, 3, 31, 21, 0)),    # 23:00 31 March: Q1
    _act("c02", "julie", "a1", C, _utc(2027, 4, 2, 8)),
    _act("c03", "julie", "a1", C, _utc(2027, 4, 9, 8)),
    _act("c04", "julie", "a2", C, _utc(2027, 5, 3, 8), status=ActivityStatus.CANCELLED),
    _act("c05", "julie", "a7", C, _utc(2027, 6, 30, 21, 30)),   # 23:30 30 June: Q2
    _act("c06", "julie", "a3", C, _utc(2027, 6, 30, 22, 30)),   # 00:30 1 July: after the report's instant
    # A-03, meetings in May, handed from Julie to Marc on 17 May
    _act("m01", "julie", "a1", M, _utc(2027, 5, 4, 9)),         # Julie before the hand-over: a1 counted
    _act("m02", "julie", "a2", M, _utc(2027, 5, 18, 9)),        # Julie after the hand-over: not counted
    _act("m03", "marc", "a1", M, _utc(2027, 5, 20, 9)),         # a1 again
    _act("m04", "marc", "a3", M, _utc(2027, 5, 5, 9)),          # Marc before his first day counts: a3
    _act("m05", "marc", "a7", M, _utc(2027, 5, 25, 9), status=ActivityStatus.NO_SHOW),
    # A-04, Marc's visits 22 March - 4 April, across the DST change of 28 March
    _act("v10", "marc", "a1", V, _utc(2027, 3, 21, 23, 30)),    # 00:30 CET 22 March: a1 counted
    _act("v11", "marc", "a7", V, _utc(2027, 3, 28, 1, 30)),     # 03:30 CEST 28 March: a7 counted
    _act("v12", "marc", "a2", V, _utc(2027, 4, 4, 22, 30)),     # 00:30 CEST 5 April: outside
    _act("v13", "marc", "a3", V, _utc(2027, 4, 4, 21, 30)),     # 23:30 CEST 4 April: a3 counted
    # A-05, Léa's lab visits in Q2 (axis suspended)
    _act("v20", "lea", "a5", V, _utc(2027, 4, 6, 9)),
    _act("v21", "lea", "a2", V, _utc(2027, 5, 6, 9)),
    _act("v22", "lea", "a4", V, _utc(2027, 6, 6, 9)),
    # A-06, Léa's demo in March
    _act("x01", "lea", "a5", D, _utc(2027, 3, 10, 9)),
    # A-07, Léa's calls in June, distinct accounts
    _act("c20", "lea", "a1", C, _utc(2027, 6, 2, 9)),
    _act("c21", "lea", "a1", C, _utc(2027, 6, 9, 9)),           # a1 again
    _act("c22", "lea", "a5", C, _utc(2027, 6, 10, 9)),          # Paris: outside the segment
    # A-08, July
    _act("v30", "julie", "a1", V, _utc(2027, 7, 2, 9)),         # after the report's instant
    # counted by no action
    _act("v40", "marc", "a1", V, _utc(2027, 2, 10, 9)),
    _act("v41", "lea", "a2", V, _utc(2027, 1, 15, 9)),
    _act("c40", "marc", "a3", C, _utc(2027, 4, 20, 9)),
    _act("v42", "julie", "a1", V, _utc(2027, 5, 12, 9)),
    _act("v43", "julie", "a3", V, _utc(2027, 6, 15, 9), status=ActivityStatus.PLANNED),
    _act("m40", "lea", "a2", M, _utc(2027, 4, 22, 9)),
    _act("x40", "julie", "a2", D, _utc(2027, 6, 1, 9)),
)

NBSP, NNBSP = "\u00a0", "\u202f"


@dataclass
class Page:
    """The rendered page: its text (no-break spaces made plain), its tables (rows of cells' texts) and its SVGs."""

    raw: str
    text: str
    tables: list[list[list[str]]]
    svgs: list[str]

    def body(self, *header: str) -> list[list[str]]:
        """The rows under the one table whose header row is ``header``."""
        found = self.bodies(*header)
        assert len(found) == 1, (header, len(found))
        return found[0]

    def bodies(self, *header: str) -> list[list[list[str]]]:
        """The rows under each table whose header row is ``header``, in page order."""
        return [t[1:] for t in self.tables if t and t[0] == list(header)]

    def svg(self, label: str) -> str:
        found = [s for s in self.svgs if f'aria-label="{label}"' in s]
        assert len(found) == 1, label
        return found[0]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "svg"):
            self.skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "svg"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(_plain(" ".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None
        if tag in ("div", "p", "li", "h1", "h2", "h3", "tr", "br", "td", "th"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.parts.append(data)
        if self.cell is not None:
            self.cell.append(data)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " ").replace(NNBSP, " ")).strip()


def page(path: Path) -> Page:
    raw = path.read_text(encoding="utf-8")
    reader = _Reader()
    reader.feed(raw)
    lines = (_plain(line) for line in "".join(reader.parts).split("\n"))
    return Page(raw, "\n".join(line for line in lines if line), reader.tables,
                re.findall(r"<svg.*?</svg>", raw, re.S))


def _settings(tmp: Path, as_of: str) -> Path:
    (tmp / "plan.pac.yaml").write_text(PLAN, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n  - {name: fake, crm: salesforce, mapping: mapping.yaml}\n"
        f"plans:\n  - {{name: audit, file: plan.pac.yaml, connectors: [fake], as_of: '{as_of}'}}\n"
        "engine:\n  fx_rates: {USD: 0.9}\n", encoding="utf-8")
    return path


def _sync(path: Path, crm: FakeConnector, at: datetime) -> None:
    result = run_sync(None, load_settings(path, env={}), connectors={"fake": crm}, clock=Clock(at))
    assert result.status == "ok", result


def _pac(tmp: Path, config: Path, *args: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config)}
    done = run_pac(*args, env=env, cwd=tmp, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _crm(*extra: Any) -> FakeConnector:
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS, *DEALS, *ACTIVITIES, *extra)
    return crm


@dataclass
class Outputs:
    fr: Page
    en: Page
    workbook: Any
    csv_rows: list[list[str]]


@pytest.fixture(scope="module")
def q2(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    tmp = tmp_path_factory.mktemp("reporthand")
    config = _settings(tmp, "2027-07-02T03:00:00+02:00")
    _sync(config, _crm(), datetime(2027, 7, 2, 1, tzinfo=UTC))
    for period in ("2027-Q1", "2027-03", "2027-04", "2027-05", "2027-06"):
        _pac(tmp, config, "snapshot", "--period", period)
    _pac(tmp, config, "report", "--quarter", "2027-Q2", "-o", str(tmp / "q2.html"))
    _pac(tmp, config, "report", "--quarter", "2027-Q2", "--lang", "en", "-o", str(tmp / "q2-en.html"))
    _pac(tmp, config, "report", "--quarter", "2027-Q2", "-o", str(tmp / "q2.xlsx"))
    _pac(tmp, config, "report", "--quarter", "2027-Q2", "-o", str(tmp / "q2.csv"))
    with (tmp / "q2.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    return Outputs(page(tmp / "q2.html"), page(tmp / "q2-en.html"), load_workbook(tmp / "q2.xlsx"), rows)


# -- hand computation -------------------------------------------------------------------------------------------
# Days: 181 of 365 elapsed (1 January - 30 June); expected by now 181 / 365 = 49.59 %.
# Months elapsed for the payback: 1 January 00:00 CET to 1 July 00:00 CEST is 181 days less the DST hour,
#   180.9583 days / (365.25 / 12) = 5.94524 months.
#
# AX-CLI (Rhône-Alpes clients: a1, a2, a3, a7; a4 is a prospect, a5 and a6 outside the région):
#   revenue 2027 to 30 June: d07 12 000 + d08 9 000 + d09 7 000 + d10 -2 000 + d16 2 500 = 28 500 (d11 is 1 July)
#   baseline 1 January - 30 June 2026: d01 10 000 + d02 8 000 = 18 000 (d03 is 1 July 2026)
#   additional 10 500; objective +20 % of 2026: d01 10 000 + d02 8 000 + d03 4 500 + d04 6 000 = 28 500 -> 5 700
#   progress 10 500 / 5 700 = 184.2 % -> « 184 % », objective reached
#   cost to date 12 000 x 181 / 365 = 5 950.68; ROI (10 500 x 0.3 - 5 950.68) / 5 950.68 = -0.4707 -> « -47 % »
#   payback 12 000 x 5.94524 / 3 150 = 22.65 -> « 22,6 mois »
# AX-JM (Julie's deals on Rhône-Alpes accounts):
#   revenue d07 12 000 + d08 9 000 + d10 -2 000 + d16 2 500 = 21 500; baseline d01 10 000; additional 11 500
#   progress 11 500 / 30 000 = 38.3 % -> « 38 % » < 49.6 % expected: at risk
#   cost to date 4 000 x 181 / 365 = 1 983.56; ROI (4 600 - 1 983.56) / 1 983.56 = 1.3191 -> « 132 % »
#   payback 4 000 x 5.94524 / 4 600 = 5.170 -> « 5,2 mois »
# AX-PH (Pharmaceutique: a2, a4, a5), suspended (out of the totals):
#   revenue d08 9 000 + d12 15 000 + d13 1 800 = 25 800; baseline d02 8 000 + d05 20 000 + d06 4 000 = 32 000
#   additional -6 200; progress -6 200 / 50 000 = -12.4 % -> « -12 % »
#   cost to date 10 000 x 181 / 365 = 4 958.90; ROI (-6 200 x 0.25 - 4 958.90) / 4 958.90 = -1.3126 -> « -131 % »
# Plan (live axes AX-CLI, AX-JM): Julie's Rhône-Alpes deals are all on client accounts, so the union is AX-CLI's:
#   revenue 28 500, baseline 18 000, additional 10 500; objective 5 700 + 30 000 = 35 700; 10 500 / 35 700 = 29.4 %
#   overlap 10 500 + 11 500 - 10 500 = 11 500
#   margin: deals of both axes at (0.3 + 0.4) / 2 = 0.35, the others at 0.3:
#     (12 000 + 9 000 - 2 000 + 2 500) x 0.35 + 7 000 x 0.3 - (10 000 x 0.35 + 8 000 x 0.3) = 9 625 - 5 900 = 3 725
#   cost to date 5 950.68 + 1 983.56 = 7 934.25; ROI (3 725 - 7 934.25) / 7 934.25 = -0.5305 -> « -53 % »
# Segment Rhône-Alpes (a1, a2, a3, a4, a7): revenue 28 500 + d13 1 800 = 30 300; baseline 18 000 + d06 4 000 =
#   22 000; additional 8 300; trend 30 300 / 22 000 - 1 = +37.7 % -> « +38 % »; ROI on its live axes = the plan's
#   year's target: 2026 revenue 10 000 + 8 000 + 4 500 + 6 000 + 4 000 = 32 500, + objective 35 700 = 68 200
#   Q1 (snapshot): d07 12 000 only (d16 closed on 1 April in Paris)
# Segment Pharmacie: as AX-PH, trend 25 800 / 32 000 - 1 = -19.4 % -> « -19 % »; no live axis: objective and ROI « – »;
#   Q1: d12 15 000.


def test_headline_cards(q2: Outputs) -> None:
    raw = q2.fr.raw
    # French formatting: narrow no-break space between thousands, no-break space before € and %
    assert f"10{NNBSP}500{NBSP}€" in raw and f"35{NNBSP}700{NBSP}€" in raw and f"−53{NBSP}%" in raw
    text = q2.fr.text
    assert "Réunion commerciale trimestrielle · T2 2027" in text
    assert "Situation à la fin du 30 juin 2027" in text
    assert "CA supplémentaire\n10 500 €\n29 % de l'objectif · Objectif 35 700 € · chaque affaire comptée une fois" \
        in text
    assert '<div class="kpi warn"><div class="label">CA supplémentaire' in raw      # at risk: 29 % < 49.6 %
    assert "ROI du plan à date\n−53 %" in text
    assert "11 500 € comptés par plusieurs axes" in text
    # actions: 6 active (A-05, A-06 inactive: their axis is suspended); done A-01 3/3, A-03 2/2, A-04 3/2; missed A-02
    # 3/4 and A-07 1/2 (windows closed); A-08 (July) to come
    assert "Actions\n3 / 6\nterminées ou dans les temps · 2 actions manquées · 1 action à venir" in text
    assert "Dernière synchronisation\nRéussie\n2 juillet 2027 à 03:00" in text


def test_plan_at_a_glance(q2: Outputs) -> None:
    assert q2.fr.body("Segment", "Axe", "Statut", "CA supplémentaire / Objectif", "Rythme", "ROI à date") == [
        ["Rhône-Alpes géographique ROI à date −53 %", "Clients Rhône-Alpes +20 %", "Actif",
         "10 500 € / 5 700 € 184 % +20 % de 28 500 € (CA 2026 du périmètre) = 5 700 €", "✓ Objectif atteint", "−47 %"],
        ["Affaires de Julie", "Prioritaire n° 1", "11 500 € / 30 000 € 38 %", "▲ À risque", "132 %"],
        ["Pharmacie marché ROI à date –", "Laboratoires capacité de production",
         "Suspendu jusqu'au 30 septembre 2027 (depuis le 15 mai 2027)", "−6 200 € / 50 000 € −12 %", "– Inactif",
         "−131 % hors total"]]
    assert ("ROI du plan −53 % alors que ses axes sont à −47 % et 132 %, et ses segments à −53 %. 11 500 € de CA "
            "supplémentaire sont comptés par plusieurs axes à la fois") in q2.fr.text
    assert "Rhône-Alpes : ROI −53 % alors que ses axes sont à −47 % et 132 %." in q2.fr.text


def test_axes_chart_values(q2: Outputs) -> None:
    """Bars of the additional revenue per axis: 440 px for the largest objective (50 000), so 0.0088 px per euro."""
    svg = q2.fr.svg("CA supplémentaire par axe, comparé à l&#x27;objectif")
    # objective (20 px high) then achieved (12 px), per axis: 5 700 x 0.0088 = 50.2, 10 500 x 0.0088 = 92.4;
    # 30 000 -> 264, 11 500 -> 101.2; 50 000 -> 440, -6 200 -> 0
    widths = [float(w) for w in re.findall(r'<rect x="280" y="\d+" width="([\d.]+)" height="(?:20|12)"', svg)]
    assert widths == [50.2, 92.4, 264.0, 101.2, 440.0, 0.0]
    labels = [_plain(t) for t in re.findall(r'font-size="12.5" fill="#1f2a3c">([^<]+)<', svg)]
    assert labels == ["184 % · 10,5 k€ / 5,7 k€", "38 % · 11,5 k€ / 30 k€", "−12 % · −6,2 k€ / 50 k€ · hors total"]
    # the expected-by-now tick (2.5 px wide) centred on 280 + objective x 0.4959 x 0.0088: 304.9, 410.9, 498.2
    ticks = [float(x) + 1.25 for x in re.findall(r'<rect x="([\d.]+)" y="\d+" width="2.5" height="24"', svg)]
    assert [round(t) for t in ticks] == [305, 411, 498]


def test_segments(q2: Outputs) -> None:
    text = q2.fr.text
    assert ("Rhône-Alpes géographique\nCA réalisé30 300 €\nRéférence22 000 €\nCA supplémentaire8 300 €\n"
            "Objectif35 700 €\nTendance+38 %\nROI à date−53 %\n"
            "ROI à date −53 % : calculé sur le CA supplémentaire de ses axes actifs, chacun sur son périmètre et sa "
            "période, chaque affaire une fois : 10 500 €, et non sur les 8 300 € du segment.") in text
    assert ("Pharmacie marché\nCA réalisé25 800 €\nRéférence32 000 €\nCA supplémentaire−6 200 €\nObjectif–\n"
            "Tendance−19 %\nROI à date–\n") in text
    assert q2.fr.bodies("Axe", "Statut", "CA supplémentaire / Objectif", "Rythme") == [
        [["Clients Rhône-Alpes +20 %", "Actif",
          "10 500 € / 5 700 € 184 % +20 % de 28 500 € (CA 2026 du périmètre) = 5 700 €", "✓ Objectif atteint"],
         ["Affaires de Julie", "Prioritaire n° 1", "11 500 € / 30 000 € 38 %", "▲ À risque"]],
        [["Laboratoires capacité de production", "Suspendu jusqu'au 30 septembre 2027 (depuis le 15 mai 2027)",
          "−6 200 € / 50 000 € −12 %", "– Inactif"]]]


def test_segment_trend_charts(q2: Outputs) -> None:
    ra = q2.fr.svg("Rhône-Alpes — CA cumulé sur l&#x27;année, par trimestre")
    # scale: 0 € at y 196, 80 k€ at y 30: 166 px for 80 000, 2.075 px per 1 000
    bars = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="56.0" height="([\d.]+)"', ra)
    assert bars == [("171.1", "24.9"), ("133.1", "62.9")]       # 12 000 x 2.075 = 24.9; 30 300 x 2.075 = 62.9
    assert [_plain(t) for t in re.findall(r'font-weight="600"[^>]*>([^<]+)<', ra)] == ["12 k€", "30,3 k€"]
    assert re.findall(r'font-size="11.5" fill="#1f2a3c">(T\d 2027)<', ra) == ["T1 2027", "T2 2027"]
    target = re.findall(r'<line x1="64" x2="448" y1="([\d.]+)" y2="[\d.]+" stroke="#c0262d"', ra)
    assert target == ["54.5"]        # 196 - 68 200 x 0.002075 = 54.5
    ph = q2.fr.svg("Pharmacie — CA cumulé sur l&#x27;année, par trimestre")
    # 0 at 196, 30 k€ at 30: 5.533 px per 1 000: 15 000 -> 83.0, 25 800 -> 142.8
    assert re.findall(r'width="56.0" height="([\d.]+)"', ph) == ["83.0", "142.8"]
    assert [_plain(t) for t in re.findall(r'font-weight="600"[^>]*>([^<]+)<', ph)] == ["15 k€", "25,8 k€"]
    assert "stroke-dasharray" not in ph      # no live axis, no objective: no year's target line


def test_axes_table_and_ranking(q2: Outputs) -> None:
    # AX-JM: activities A-03 2 (m01, m04) + A-07 1 (c20) = 3; AX-CLI: A-01 3 + A-02 3 + A-04 3 = 9, conversion a3
    # (d09 30 June, within 90 days of v13 / v07) and a7 (d16 1 April, after v11 28 March) of a1, a2, a3, a7 touched
    # = 2 / 4 (d10 on a1 is a credit, d08 on a2 came before v04); AX-PH: A-05 3 + A-06 1 = 4
    assert q2.fr.body("Axe", "CA réalisé", "CA supplémentaire / Objectif", "Rythme", "Coût", "ROI à date",
                      "Délai de retour (mois depuis le début)", "Activités") == [
        ["Affaires de Julie Rhône-Alpes Prioritaire n° 1", "21 500 € Référence 10 000 €", "11 500 € / 30 000 € 38 %",
         "▲ À risque", "4 000 €", "132 % ROI visé 200 %", "5,2 mois", "3 Conversion 0 %"],
        ["Clients Rhône-Alpes +20 % Rhône-Alpes Actif", "28 500 € Référence 18 000 €",
         "10 500 € / 5 700 € 184 % +20 % de 28 500 € (CA 2026 du périmètre) = 5 700 €", "✓ Objectif atteint",
         "12 000 €", "−47 % ROI visé 150 %", "22,6 mois", "9 Conversion 50 %"],
        ["Laboratoires Pharmacie Suspendu jusqu'au 30 septembre 2027 (depuis le 15 mai 2027) capacité de production",
         "25 800 € Référence 32 000 €", "−6 200 € / 50 000 € −12 %", "– Inactif", "10 000 €", "−131 % ROI visé 100 %",
         "–", "4 Conversion 0 %"]]
    ranking = q2.fr.svg("Classement des axes par ROI à date")
    assert re.findall(r">(\d\. [^<]+)</text>", ranking) == ["1. Affaires de Julie", "2. Clients Rhône-Alpes +20 %"]
    # one scale, 520 px from -47.07 % to +131.91 % (290.5 px per 100 %): 1.3191 -> 383.3 px, 0.4707 -> 136.7 px
    assert [float(w) for w in re.findall(r'width="([\d.]+)" height="16"', ranking)] == [383.3, 136.7]
    assert "Hors totaux et hors classement (suspendus ou abandonnés) : Laboratoires" in q2.fr.text


def test_kpis(q2: Outputs) -> None:
    # AX-CLI: won d07, d08, d09, d16 (the credit is no deal won), lost d14: 4 / 5; average (12 000 + 9 000 + 7 000
    # + 2 500) / 4 = 7 625; coverage a1, a2, a3, a7 of 4; new account a7 (first deal ever d16); 28 500 / 9 = 3 167;
    # pipeline created: d15 9 000 (created 2 May; the others have no creation date)
    # AX-JM: Julie's deals: won d07, d08, d16 of 3 (d14 is Marc's); 23 500 / 3 = 7 833; coverage a1, a3 of the five
    # Rhône-Alpes accounts; conversion 0 / 2 (d09 on a3 is Marc's, d10 a credit); 21 500 / 3 = 7 167
    # AX-PH: won d08, d12, d13, lost d14: 3 / 4; 25 800 / 3 = 8 600; a2, a4, a5 touched: 3 / 3;
    # no deal after a visit: 0 / 3; no new account (a4 won d06 in 2026); 25 800 / 4 = 6 450
    assert q2.fr.body("Axe", "Indicateurs nommés par le plan") == [
        ["Clients Rhône-Alpes +20 % Rhône-Alpes",
         "Taux de réactivation – Taux de réussite 80 % (4 / 5) Conversion visite-commande 50 % (2 / 4) Montant moyen "
         "des affaires gagnées 7 625 € (30 500 € / 4) Couverture du périmètre 100 % (4 / 4) Nouveaux comptes 1 CA par "
         "visite 3 167 € (28 500 € / 9) Pipeline créé 9 000 €"],
        ["Affaires de Julie Rhône-Alpes",
         "Taux de réactivation – Taux de réussite 100 % (3 / 3) Conversion visite-commande 0 % (0 / 2) Montant moyen "
         "des affaires gagnées 7 833 € (23 500 € / 3) Couverture du périmètre 40 % (2 / 5) Nouveaux comptes 1 CA par "
         "visite 7 167 € (21 500 € / 3) Pipeline créé 9 000 €"],
        ["Laboratoires Pharmacie",
         "Taux de réactivation – Taux de réussite 75 % (3 / 4) Conversion visite-commande 0 % (0 / 3) Montant moyen "
         "des affaires gagnées 8 600 € (25 800 € / 3) Couverture du périmètre 100 % (3 / 3) Nouveaux comptes 0 CA par "
         "visite 6 450 € (25 800 € / 4) Pipeline créé 0 €"]]
    # segments: Rhône-Alpes won d07, d08, d09, d16, d13 of 6 (d14 lost); 32 300 / 5 = 6 460; coverage 4 / 5 (a4 is
    # touched only by A-05, an action of the Pharmacie axis); 30 300 / (9 + 3) = 2 525
    assert q2.fr.body("Segment", "Taux de réactivation", "Taux de réussite", "Conversion visite-commande",
                      "Montant moyen des affaires gagnées", "Couverture du périmètre", "Nouveaux comptes",
                      "CA par visite", "Pipeline créé") == [
        ["Rhône-Alpes", "–", "83 % 5 / 6", "50 % 2 / 4", "6 460 € 32 300 € / 5", "80 % 4 / 5", "1",
         "2 525 € 30 300 € / 12", "9 000 €"],
        ["Pharmacie", "–", "75 % 3 / 4", "0 % 0 / 3", "8 600 € 25 800 € / 3", "100 % 3 / 3", "0",
         "6 450 € 25 800 € / 4", "0 €"]]


def test_actions_per_rep(q2: Outputs) -> None:
    text = q2.fr.text
    assert "✕Manquée2✓Terminée3○À venir1–Inactive2" in text
    assert "Julie Martin ✕Manquée1✓Terminée1○À venir1" in text
    assert "Léa Petit ✕Manquée1–Inactive2" in text
    assert "Marc Dubois ✓Terminée2" in text
    julie, lea, marc = q2.fr.bodies("Action", "Quoi", "Quand", "Fait / cible", "Rythme")
    info = "Information nécessaire : liste des clients — ADV"
    assert julie == [
        # v02 (00:30 1 April, a1), v04 (a2), v07 (23:59 30 April, a3)
        [f"Visiter 3 clients de Rhône-Alpes en avril Clients Rhône-Alpes +20 % {info}",
         "3 visites · comptes distincts", "1er–30 avril 2027", "3 / 3 100 %", "✓ Terminée"],
        # c02, c03 (a1 twice, every activity), c05 (23:30 30 June); c04 cancelled, c06 after the instant
        [f"Appeler 4 fois les clients de Rhône-Alpes au T2 Clients Rhône-Alpes +20 % {info}",
         "4 appels · chaque activité", "1er avril – 30 juin 2027 (T2 2027)", "3 / 4 75 %", "✕ Manquée"],
        [f"Visiter 2 clients de Rhône-Alpes en juillet Clients Rhône-Alpes +20 % {info}",
         "2 visites · comptes distincts", "1er–31 juillet 2027", "0 / 2 0 %", "○ À venir"]]
    assert lea == [
        # one demo, inactive (its axis is suspended): « 1 démonstration », singular
        ["Faire 1 démonstration en mars Laboratoires Information nécessaire : matériel de démo — Marketing",
         "1 démonstration · comptes distincts", "1er–31 mars 2027", "1 / 1 100 %", "– Inactive"],
        ["Visiter 3 laboratoires au T2 Laboratoires Information nécessaire : liste des laboratoires — ADV",
         "3 visites · comptes distincts", "1er avril – 30 juin 2027 (T2 2027)", "3 / 3 100 %", "– Inactive"],
        # c20 (a1); c21 a1 again; c22 Paris, outside the segment
        [f"Appeler 2 clients de Rhône-Alpes en juin Affaires de Julie {info}",
         "2 appels · comptes distincts", "1er–30 juin 2027", "1 / 2 50 %", "✕ Manquée"]]
    assert marc == [
        # v10 (00:30 CET 22 March), v11 (03:30 CEST 28 March), v13 (23:30 4 April); v12 on 5 April
        [f"Visiter 2 clients de Rhône-Alpes du 22 mars au 4 avril Clients Rhône-Alpes +20 % {info}",
         "2 visites · comptes distincts", "22 mars – 4 avril 2027 (du 22 mars au 4 avril 2027)", "3 / 2 150 %",
         "✓ Terminée"],
        # m01 (Julie, 4 May, before the hand-over), m04 (Marc, a3); m02 after the hand-over, m03 a1 again; its
        # hand-over said (audit reviewmonth)
        ["Obtenir 2 rendez-vous clients en mai Affaires de Julie Information nécessaire : agenda — Julie Martin "
         "reprise de Julie Martin le 17 mai 2027", "2 rendez-vous · comptes distincts", "1er–31 mai 2027",
         "2 / 2 100 %", "✓ Terminée"]]
    assert q2.fr.body("Axe", "Manquée", "À risque", "Dans les temps", "Terminée", "À venir", "Inactive", "Total") == [
        ["Clients Rhône-Alpes +20 %", "1", "", "", "2", "1", "", "4"],
        ["Affaires de Julie", "1", "", "", "1", "", "", "2"],
        ["Laboratoires", "", "", "", "", "", "2", "2"]]


def test_month_by_month(q2: Outputs) -> None:
    """Paces at each month's end, and each rep's share of targets reached (done capped at the target; inactive and
    not yet begun actions left out).

    31 March: A-04 2/2 and A-06 1/1 done, 6 to come. 30 April: A-01 3/3, A-04, A-06 done; A-02 2/4 (expected 4 x 30 /
    91 = 1.3) and A-05 1/3 (expected 0.99) on track; A-03, A-07, A-08 to come. 31 May: AX-PH suspended since 15 May
    (A-05, A-06 inactive); A-01, A-03 2/2, A-04 done; A-02 2/4 at risk (expected 4 x 61 / 91 = 2.7); A-07, A-08 to
    come. 30 June: the report's own (3 done, 2 missed, 1 to come, 2 inactive).
    Julie (A-01 3, A-02 4, A-08 2): March nothing begun « – »; April (3 + 2) / 7 = 71 %; May 5 / 7 = 71 %;
    June (3 + 3) / 7 = 86 %. Léa (A-05 3, A-06 1, A-07 2): March 1 / 1 = 100 %; April (1 + 1) / (1 + 3) = 50 %;
    May all inactive or to come « – »; June A-07 1 / 2 = 50 %. Marc (A-04 2, A-03 2): 100 % each month."""
    svg = q2.fr.svg("Actions par rythme, en fin de mois")
    counts = re.findall(r'text-anchor="middle"[^>]*>(\d+)</text>', svg)
    # March: done 2, to come 6; April: done 3, on track 2, to come 3; May: done 3, at risk 1, to come 2, inactive 2;
    # June: done 3, missed 2, to come 1, inactive 2
    assert counts == ["2", "6", "3", "2", "3", "3", "1", "2", "2", "3", "2", "1", "2"]
    assert q2.fr.body("Commercial", "mars 2027", "avr. 2027", "mai 2027", "juin 2027") == [
        ["Julie Martin", "–", "71 %", "71 %", "86 %"], ["Léa Petit", "100 %", "50 %", "–", "50 %"],
        ["Marc Dubois", "100 %", "100 %", "100 %", "100 %"]]


def test_advice(q2: Outputs) -> None:
    """Roll-out of AX-JM: ROI 132 % >= 50 %, payback 5.2 months <= 6, a fifth of the year elapsed, towards Pharmacie
    (trend -19 % < +5 %). AX-CLI is not dropped: 49.6 % of the year elapsed, under half. No prioritise: Pharmacie's
    only axis is suspended."""
    text = q2.fr.text
    assert ("Déployer l'axe « Affaires de Julie » (ROI à date 132 %, rentabilisé en 5,2 mois depuis le 1er janvier "
            "sur « Rhône-Alpes ») vers « Pharmacie », où la croissance est inférieure à 5 %.") in text
    evidence = [t for t in q2.fr.tables if t and t[0] == ["ROI à date de l'axe", "132 %"]]
    assert evidence == [[
        ["ROI à date de l'axe", "132 %"], ["Rentabilisé en (depuis le début de la période)", "5,2 mois"],
        ["ROI à date minimal seuil", "50 %"], ["Délai de retour maximal seuil", "6 mois"],
        ["Croissance jugée en retard sous seuil", "+5 %"], ["Part écoulée minimale seuil", "20 %"],
        ["Segments cibles", "Pharmacie"], ["Types des segments cibles", "Pharmacie (marché)"],
        ["Croissance des segments cibles", "Pharmacie −19 %"]]]
    assert text.count("Déployer l'axe") == 1 and "Abandonner" not in text and "Prioriser" not in text


def test_data_behind_the_figures(q2: Outputs) -> None:
    assert q2.fr.body("Objet", "Lus", "Supprimés", "Écrits") == [
        ["Axes du plan (fiches PAC)", "–", "–", "3"], ["Actions du plan (fiches PAC)", "–", "–", "8"],
        ["Utilisateurs", "3", "0", "–"], ["Comptes", "7", "0", "–"], ["Activités", "38", "0", "–"],
        ["Affaires", "16", "0", "–"], ["Modifications du plan saisies dans le CRM", "0", "–", "–"]]
    assert q2.fr.body("Raison", "Nombre") == [["avoir (montant négatif), déduit", "1"]]


def test_english_page_reads_the_same_figures(q2: Outputs) -> None:
    text = q2.en.text
    for figure in ("Additional revenue\n€10,500\n29% of objective · Objective €35,700", "Plan ROI to date\n−53%",
                   "3 / 6\ndone or on track · 2 missed actions · 1 action to come", "€10,500 / €5,700",
                   "+20% of €28,500 (the scope's 2026 revenue) = €5,700", "−€6,200 / €50,000", "Trend+38%",
                   "Trend−19%", "22.6 months", "5.2 months", "1 demo · distinct accounts",
                   "3 visits · distinct accounts",
                   "Revenue per visit €3,167 (€28,500 / 9)"):
        assert figure in text, figure


def test_workbook_and_csv_hold_the_page_figures(q2: Outputs) -> None:
    book = q2.workbook
    share = 181 / 365
    overview = {r[1]: r for r in book["Synthèse"].iter_rows(values_only=True) if r[1]}
    cli = overview["Clients Rhône-Alpes +20 %"]
    assert cli[3:7] == (10500, 5700, pytest.approx(10500 / 5700), pytest.approx(share))
    assert cli[8] == pytest.approx((10500 * 0.3 - 12000 * share) / (12000 * share))
    total = next(r for r in book["Synthèse"].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("Total"))
    assert total[3:6] == (10500, 35700, pytest.approx(10500 / 35700))
    assert total[8] == pytest.approx((3725 - 16000 * share) / (16000 * share))       # -0.5305
    axes = {r[0]: r for r in book["Axes"].iter_rows(values_only=True) if r[0]}
    julie = axes["Affaires de Julie"]
    assert julie[4:8] == (21500, 10000, 11500, 30000)
    # payback: 4 000 x (181 days less the DST hour) / (365.25 / 12) / (11 500 x 0.4) = 5.170 months
    assert julie[14] == pytest.approx(4000 * (181 - 1 / 24) / (365.25 / 12) / 4600)
    assert julie[15:19] == (3, pytest.approx(2 / 5), 0, pytest.approx(21500 / 3))
    segments = {r[0]: r for r in book["Segments"].iter_rows(values_only=True) if r[0]}
    assert segments["Rhône-Alpes"][2:7] == (30300, 22000, 8300, 35700, pytest.approx(30300 / 22000 - 1))
    assert segments["Pharmacie"][2:7] == (25800, 32000, -6200, None, pytest.approx(25800 / 32000 - 1))
    actions = {r[1]: r for r in book["Actions"].iter_rows(values_only=True) if r[1]}
    assert actions["A-06"][4] == "1 démonstration · comptes distincts"
    assert actions["A-02"][8:13] == (3, 4, pytest.approx(0.75), pytest.approx(4), pytest.approx(3))
    csv_rows = {r[1]: r for r in q2.csv_rows[1:]}
    assert csv_rows["A-06"][4] == "1 démonstration · comptes distincts"
    assert csv_rows["A-02"][8:15] == ["3", "4", "75,0", "4,0", "3,0", "Manquée", "late"]
    assert csv_rows["A-04"][8:11] == ["3", "2", "150,0"]


def test_late_entries_after_the_quarters_snapshot(tmp_path: Path) -> None:
    """Q2 kept on 2 July, then on 3 July Léa types a call of 20 June (A-07, a2) and Julie a deal won on 25 June
    (d17, a3, 1 500 €): the kept report says what moved since the close.

    Plan revenue 28 500 -> 30 000 (+1 500); additional 10 500 -> 12 000; ROI: the margin gains 1 500 x 0.35 (both
    axes count Julie's deal on a client account) = 525: (4 250 - 7 934.25) / 7 934.25 = -0.4644 -> -46 %;
    A-07 1/2 -> 2/2, Manquée -> Terminée; AX-CLI 10 500 -> 12 000, AX-JM 11 500 -> 13 000."""
    config = _settings(tmp_path, "2027-07-02T03:00:00+02:00")
    _sync(config, _crm(), datetime(2027, 7, 2, 1, tzinfo=UTC))
    _pac(tmp_path, config, "snapshot", "--period", "2027-Q2")
    typed = datetime(2027, 7, 3, 10, tzinfo=UTC)
    late = (_act("c23", "lea", "a2", C, _utc(2027, 6, 20, 9), modified=typed),
            _deal("d17", "a3", "julie", "1500", "EUR", date(2027, 6, 25), modified=typed))
    config.write_text(config.read_text(encoding="utf-8").replace("2027-07-02T03", "2027-07-04T03"), encoding="utf-8")
    _sync(config, _crm(*late), datetime(2027, 7, 4, 1, tzinfo=UTC))
    _pac(tmp_path, config, "report", "--quarter", "2027-Q2", "-o", str(tmp_path / "kept.html"))
    kept = page(tmp_path / "kept.html").text
    # the store's first sync is of 2 July, after Q2's close: its plan is that day's, which the header names (audit
    # asofplan F5)
    assert ("Chiffres arrêtés au 30 juin 2027 (instantané du 2 juillet 2027, avec le plan et les réglages du 2 juillet "
            "2027)") in kept
    for line in ("chiffre d'affaires du plan 28 500 € → 30 000 € (+1 500 €)",
                 "CA supplémentaire du plan 10 500 € → 12 000 € ; ROI du plan à date −53 % → −46 %",
                 "rythmes : A-07 Manquée → Terminée", "actions : A-07 1/2 → 2/2",
                 "CA supplémentaire des axes : AX-CLI 10 500 € → 12 000 € ; AX-JM 11 500 € → 13 000 €"):
        assert line in kept, line
    assert "CA supplémentaire\n10 500 €" in kept          # the kept figures
    _pac(tmp_path, config, "report", "--quarter", "2027-Q2", "--restated", "-o", str(tmp_path / "now.html"))
    now = page(tmp_path / "now.html")
    # restated: AX-CLI ROI (3 600 - 5 950.68) / 5 950.68 = -40 %, payback 12 000 x 5.94524 / 3 600 = 19.8;
    # AX-JM (5 200 - 1 983.56) / 1 983.56 = 162 %, payback 4 000 x 5.94524 / 5 200 = 4.6; A-07's c23 on a2 adds an
    # account touched (coverage 3 / 5) and d17 (Julie, a3, 25 June, within 90 days of m04) converts a3: 1 / 3
    assert "CA supplémentaire\n12 000 €\n34 % de l'objectif" in now.text        # 12 000 / 35 700 = 33.6 %
    julie, cli, _ = now.body("Axe", "CA réalisé", "CA supplémentaire / Objectif", "Rythme", "Coût", "ROI à date",
                             "Délai de retour (mois depuis le début)", "Activités")
    assert cli[0].startswith("Clients") and cli[5:7] == ["−40 % ROI visé 150 %", "19,8 mois"]
    assert julie[0].startswith("Affaires") and julie[5:8] == ["162 % ROI visé 200 %", "4,6 mois", "4 Conversion 33 %"]
    assert "Couverture du périmètre 60 % (3 / 5)" in now.text


def test_an_axis_ending_with_the_quarter_gets_its_closing_verdict(tmp_path: Path) -> None:
    """AX-CLI's objective written for the first half only (+80 % of its first half of 2026): the Q2 report, evaluated
    at 1 July 00:00, the end instant of its period, gives its closing verdict, as the CRM's field reads from the
    night's run on (seen failing before the fix: « Abandonner l'axe « Clients Rhône-Alpes +20 % » (ROI à date
    -74 % après 100 % de la période, seuil 0 %) au profit de « Affaires de Julie » »).

    By hand: objective 80 % x 18 000 (d01 10 000 + d02 8 000, January-June 2026) = 14 400; additional 10 500:
    10 500 / 14 400 = 72.9 % -> « 73 % », missed; final ROI on the whole cost (10 500 x 0.3 - 12 000) / 12 000 =
    -73.75 % -> « -74 % ». The plan: objective 14 400 + 30 000 = 44 400, 10 500 / 44 400 = 23.6 % -> « 24 % »; cost
    to date 12 000 (AX-CLI's period is over) + 1 983.56 = 13 983.56, ROI (3 725 - 13 983.56) / 13 983.56 = -73 %."""
    plan = PLAN.replace('objective: {additional_revenue: "+20 %", margin_rate',
                        'objective: {additional_revenue: "+80 %", period: "1er semestre 2027", margin_rate')
    assert plan != PLAN
    config = _settings(tmp_path, "2027-07-02T03:00:00+02:00")
    (tmp_path / "plan.pac.yaml").write_text(plan, encoding="utf-8")
    _sync(config, _crm(), datetime(2027, 7, 2, 1, tzinfo=UTC))
    _pac(tmp_path, config, "report", "--quarter", "2027-Q2", "-o", str(tmp_path / "q2.html"))
    report = page(tmp_path / "q2.html")
    assert ("TerminéClients Rhône-Alpes +20 % · Rhône-Alpes\nL'axe « Clients Rhône-Alpes +20 % » s'est terminé le "
            "30 juin 2027 : il n'a pas atteint son objectif (73 % de l'objectif : CA supplémentaire 10 500 € sur "
            "14 400 €), ROI final −74 %.") in report.text
    assert "Abandonner" not in report.text
    assert "CA supplémentaire\n10 500 €\n24 % de l'objectif · Objectif 44 400 €" in report.text
    assert "ROI du plan à date\n−73 %" in report.text
    cli = report.body("Axe", "CA réalisé", "CA supplémentaire / Objectif", "Rythme", "Coût", "ROI à date",
                      "Délai de retour (mois depuis le début)", "Activités")[1]
    assert cli[0].startswith("Clients") and cli[2:4] == [
        "10 500 € / 14 400 € 73 % +80 % de 18 000 € (CA 1er semestre 2026 du périmètre) = 14 400 €", "✕ Manqué"]
