"""The company of audit twoplans (7 Dec 2026): a France plan (calendar 2027, Europe/Paris, EUR) and a Québec plan
(fiscal year from 1 April 2027, America/Toronto, CAD, day/month dates) on one CRM, both with an axis ``AX-KEY``; a
key-account rep (Karim) in both, a group (Véga) with a Lyon site and a Montréal site in both plans' scopes. The hand
figures are in the audit's report (/tmp/audits/twoplans/REPORT.md) and in ``tests/integration/test_twoplans_*.py``.

Shared by the Salesforce and the HubSpot tests: the plans, the settings, the organisation in CRM-neutral form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pac_config.settings import load_settings

FR, QC = "pac-fr-2027", "pac-qc-2027"

FR_PLAN = """\
plan:
  id: pac-fr-2027
  name: "PAC 2027 — France"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: fr
people:
  - {email: karim@vega.example, name: Karim Haddad, role: rep}
  - {email: julie@vega.example, name: Julie Martin, role: rep}
segments:
  - {id: S-KEY, name: Grands comptes, kind: mixte, scope: {account_type: Grand compte}}
  - {id: S-RA, name: Rhône, kind: horizontale, scope: {departement: "69"}}
axes:
  - id: AX-KEY
    name: Grands comptes du groupe
    segment: S-KEY
    status: actif
    objective: {additional_revenue: 60000, baseline: 0, margin_rate: 0.3, budget: 7300}
  - id: AX-RA
    name: Clients du Rhône
    segment: S-RA
    status: actif
    objective: {additional_revenue: 40000, baseline: 0, margin_rate: 0.3, budget: 3650}
actions:
  - {id: FR-A1, axis: AX-KEY, text: "Visiter 3 sites du groupe en avril", who: karim@vega.example,
     what: {activity: visite, count: 3}, when: "avril 2027"}
  - {id: FR-A2, axis: AX-RA, text: "Visiter 2 clients du Rhône au T2", who: julie@vega.example,
     what: {activity: visite, count: 2}, when: "T2 2027"}
"""

QC_PLAN = """\
plan:
  id: pac-qc-2027
  name: "PAC 2027-2028 — Québec"
  year: 2027
  period: 2027-04-01..2028-03-31
  timezone: America/Toronto
  currency: CAD
  language: fr
  date_order: dmy
people:
  - {email: karim@vega.example, name: Karim Haddad, role: rep}
  - {email: luc@vega.example, name: Luc Tremblay, role: rep}
segments:
  - {id: S-KEY, name: Grands comptes, kind: mixte, scope: {account_type: Grand compte}}
  - {id: S-QC, name: Québec, kind: horizontale, scope: {country: CA}}
axes:
  - id: AX-KEY
    name: Grands comptes du groupe
    segment: S-KEY
    status: actif
    objective: {additional_revenue: 100000, baseline: 0, margin_rate: 0.25, budget: 7320}
  - id: AX-QC
    name: Clients du Québec
    segment: S-QC
    status: actif
    objective: {additional_revenue: 80000, baseline: 0, margin_rate: 0.25, budget: 3660}
actions:
  - {id: QC-A1, axis: AX-KEY, text: "Visiter 4 fois les sites du groupe au T1", who: karim@vega.example,
     what: {activity: visite, count: 4, counting: activités}, when: "T1"}
  - {id: QC-A2, axis: AX-QC, text: "Visiter 2 clients du Québec d'ici le 05/06/2027", who: luc@vega.example,
     what: {activity: visite, count: 2}, when: "d'ici le 05/06/2027"}
"""

CAD_PER_EUR = Decimal("1.5")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@dataclass(frozen=True)
class Account:
    key: str
    name: str
    postal: str
    country: str
    kind: str           # "Grand compte" or "Client"


ACCOUNTS = (Account("V-LYON", "Véga Lyon", "69007", "France", "Grand compte"),
            Account("V-MTL", "Véga Montréal", "H2X 1Y4", "Canada", "Grand compte"),
            Account("L-BRON", "Bron Pompes", "69500", "France", "Client"),
            Account("Q-LAVAL", "Laval Usinage", "H7T 2K1", "Canada", "Client"),
            Account("P-PARIS", "Paris Services", "75008", "France", "Client"))

# key, rep, account, the instant (a timed visit) or the day (an all-day one)
VISITS: tuple[tuple[str, str, str, datetime | date], ...] = (
    ("K1", "karim", "V-MTL", utc(2027, 4, 1, 3, 30)),     # 31 March 23:30 Toronto, 1 April 05:30 Paris
    ("K2", "karim", "V-LYON", utc(2027, 4, 14, 8, 0)),
    ("K3", "karim", "V-MTL", utc(2027, 4, 30, 23, 30)),   # 30 April 19:30 Toronto, 1 May 01:30 Paris
    ("K4", "karim", "V-MTL", utc(2027, 5, 20, 15, 0)),
    ("K5", "karim", "L-BRON", utc(2027, 4, 20, 9, 0)),
    ("J1", "julie", "L-BRON", utc(2027, 4, 5, 8, 0)),
    ("J2", "julie", "V-LYON", utc(2027, 6, 14, 21, 30)),  # 14 June 23:30 Paris
    ("J3", "julie", "L-BRON", utc(2027, 3, 31, 21, 30)),  # 31 March 23:30 Paris
    ("L1", "luc", "Q-LAVAL", utc(2027, 6, 5, 23, 30)),    # 5 June 19:30 Toronto, 6 June 01:30 Paris
    ("L2", "luc", "V-MTL", utc(2027, 4, 1, 3, 0)),        # 31 March 23:00 Toronto
    ("L3", "luc", "V-MTL", date(2027, 4, 1)),             # all day, 1 April
)

# key, account, amount, currency, close date (Salesforce's plain date), close instant (HubSpot's)
DEALS: tuple[tuple[str, str, Decimal, str, date, datetime], ...] = (
    ("D1", "V-LYON", Decimal("12000"), "EUR", date(2027, 4, 20), utc(2027, 4, 20, 16, 0)),
    ("D2", "V-MTL", Decimal("30000"), "CAD", date(2027, 5, 10), utc(2027, 5, 10, 16, 0)),
    ("D3", "Q-LAVAL", Decimal("9000"), "CAD", date(2027, 3, 31), utc(2027, 3, 31, 16, 0)),
    ("D4", "L-BRON", Decimal("5000"), "EUR", date(2027, 2, 15), utc(2027, 2, 15, 16, 0)),
    ("D5", "V-MTL", Decimal("10000"), "CAD", date(2027, 4, 1), utc(2027, 4, 1, 16, 0)),
    ("D6", "P-PARIS", Decimal("7000"), "EUR", date(2027, 5, 2), utc(2027, 5, 2, 16, 0)),
)

# the nights: 02:00 Paris = 20:00 Toronto the day before
N1 = utc(2027, 6, 15, 0, 0)
N1B = utc(2027, 6, 15, 0, 30)
N2 = utc(2027, 6, 16, 0, 0)
N3 = utc(2028, 1, 1, 1, 0)      # 1 January 2028 02:00 Paris = 31 December 2027 20:00 Toronto: the FR plan is over
N3B = utc(2028, 1, 2, 1, 0)

# hand figures at N1 (the report, section 1)
COUNTS = {FR: {"FR-A1": 2, "FR-A2": 2}, QC: {"QC-A1": 3, "QC-A2": 2}}
REVENUE = {FR: {"AX-KEY": Decimal("38666.67"), "AX-RA": Decimal("17000.00")},
           QC: {"AX-KEY": Decimal("58000.00"), "AX-QC": Decimal("40000.00")}}
ROI = {FR: {"AX-KEY": 2.4940, "AX-RA": 2.0723}, QC: {"AX-KEY": 8.6667, "AX-QC": 12.3333}}
COST_TO_DATE = {FR: {"AX-KEY": Decimal("3320.00"), "AX-RA": Decimal("1660.00")},
                QC: {"AX-KEY": Decimal("1500.00"), "AX-QC": Decimal("750.00")}}
BOTH = {"V-LYON": f"AX-RA; {QC}:AX-KEY; {FR}:AX-KEY", "V-MTL": f"AX-QC; {QC}:AX-KEY; {FR}:AX-KEY",
        "L-BRON": "AX-RA", "Q-LAVAL": "AX-QC", "P-PARIS": None}
FR_FIRST_ALONE = {"V-LYON": f"AX-RA; {FR}:AX-KEY", "V-MTL": f"{FR}:AX-KEY", "L-BRON": "AX-RA", "Q-LAVAL": None,
                  "P-PARIS": None}
QC_FIRST_ALONE = {"V-LYON": f"{QC}:AX-KEY", "V-MTL": f"AX-QC; {QC}:AX-KEY", "L-BRON": None, "Q-LAVAL": "AX-QC",
                  "P-PARIS": None}
AFTER_FR_END = {"V-LYON": "AX-KEY", "V-MTL": "AX-KEY; AX-QC", "L-BRON": None, "Q-LAVAL": "AX-QC", "P-PARIS": None}


def write_plans(tmp: Path) -> tuple[Path, Path]:
    fr, qc = tmp / "france.pac.yaml", tmp / "quebec.pac.yaml"
    fr.write_text(FR_PLAN, encoding="utf-8")
    qc.write_text(QC_PLAN, encoding="utf-8")
    return fr, qc


def settings(tmp: Path, connector: str, crm: str, mapping: Path, prefix: str, engine: str = "") -> Any:
    """Both plans on one connector, a SQLite store in ``tmp``, no ``as_of`` (each night's clock)."""
    fr, qc = write_plans(tmp)
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        f"connectors:\n  - {{name: {connector}, crm: {crm}, mapping: '{mapping}', env_prefix: {prefix}}}\n"
        f"plans:\n  - {{name: france, file: '{fr}', connectors: [{connector}]}}\n"
        f"  - {{name: quebec, file: '{qc}', connectors: [{connector}]}}\n" + engine, encoding="utf-8")
    return load_settings(path, env={})
