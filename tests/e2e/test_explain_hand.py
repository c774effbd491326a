"""``pac explain`` on a small organisation built by hand for the audit (explainhand, 6 Dec 2026): for three actions
and two axes, one record for each reason docs/engine.md lists (*Matching activities to actions*, *Explain*), what
the CLI says of each (counted or not, the reason's words in French and English, the totals line) checked against
hand expectations, and the same counts on the CRM's fields.

Plan 2027, Europe/Paris, EUR, fx USD 0.9, ``attribution: split``; evaluated at 3 May 2027 10:00 Paris (the sync's
instant). Segment S-RA: département 69. Axes: AX-CLI (S-RA, account type Client), AX-JM (S-RA, Julie's deals,
product MAINT). Actions: A-01 Julie's visits in April (5, distinct accounts), A-02 Julie's meetings in Q2 (4, every
activity, industry Chimie), A-03 Marc's demos in April (3, distinct accounts, dormant 12 months), handed over from
Julie on 15 April.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pac_config.settings import load_settings
from pac_core.records import Account, Activity, ActivityStatus, ActivityType, Deal, DealLine, DealStage
from sync_jobs.pipeline import run_sync
from tests.cli import run_pac
from tests.fakes import Clock, FakeConnector, user

PLAN = """\
plan: {name: "PAC explain audit", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: nat@audit.example, name: Nathalie Garnier, role: manager}
  - {email: julie@audit.example, name: Julie Martin, role: rep}
  - {email: marc@audit.example, name: Marc Dubois, role: rep}
  - {email: lea@audit.example, name: Léa Petit, role: rep}
segments:
  - id: S-RA
    name: Rhône
    kind: horizontal
    scope: {departement: "69"}
    swot: {strengths: [Proximité], weaknesses: [Peu de commerciaux], opportunities: [Relocalisation],
           threats: [Concurrence]}
axes:
  - id: AX-CLI
    name: Clients du Rhône
    segment: S-RA
    scope: {account_type: Client}
    status: active
    objective: {additional_revenue: 50000, margin_rate: 0.3, budget: 10000, expected_roi: 1.5}
  - id: AX-JM
    name: Maintenance de Julie
    segment: S-RA
    scope: {deal_owner: julie@audit.example, product: MAINT}
    status: active
    objective: {additional_revenue: 20000, margin_rate: 0.4, budget: 4000, expected_roi: 2}
actions:
  - id: A-01
    axis: AX-CLI
    text: "Visiter 5 clients du Rhône en avril"
    who: julie@audit.example
    what: {activity: visite, count: 5, counting: comptes distincts}
    when: "avril 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-02
    axis: AX-CLI
    text: "4 rendez-vous chimie au T2"
    who: julie@audit.example
    what: {activity: rendez-vous, count: 4, counting: activités, scope: {industry: Chimie}}
    when: "T2 2027"
    info: {needed: "liste des clients", from: "ADV"}
  - id: A-03
    axis: AX-CLI
    text: "3 démonstrations chez des dormants en avril"
    who: marc@audit.example
    handed_over: {from: julie@audit.example, on: 2027-04-15}
    what: {activity: démo, count: 3, scope: {dormant: {months: 12}}}
    when: "avril 2027"
    info: {needed: "matériel", from: "Marketing"}
"""

T0 = datetime(2025, 1, 1, tzinfo=UTC)
OWNER = {"julie": "u1", "marc": "u2", "lea": "u3"}
USERS = (user("u1", "julie@audit.example"), user("u2", "marc@audit.example"), user("u3", "lea@audit.example"))
ARA = "Auvergne-Rhône-Alpes"


def _account(aid: str, name: str, postal: str, industry: str, kind: str, deleted: bool = False) -> Account:
    return Account(id=aid, source="fake", name=name, postal_code=postal, departement=postal[:2], region=ARA,
                   country="FR", industry=industry, account_type=kind, modified_at=T0, deleted=deleted)


ACCOUNTS = (
    _account("a1", "Chimie Lyon", "69003", "Chimie", "Client"),
    _account("a2", "Lyon Process", "69007", "Chimie", "Client"),
    _account("a3", "Villeurbanne Résines", "69100", "Chimie", "Client"),
    _account("a4", "Labo Lyon", "69002", "Pharmaceutique", "Client"),
    _account("a5", "Grenoble Chimie", "38000", "Chimie", "Client"),
    _account("a6", "Lyon Prospect", "69001", "Chimie", "Prospect"),
    _account("a7", "Ancien Lyon", "69005", "Chimie", "Client", deleted=True),
    _account("a8", "Caluire Polymères", "69300", "Chimie", "Client"),
    _account("a9", "Bron Peintures", "69500", "Chimie", "Client"),
    _account("a10", "Vénissieux Colles", "69200", "Chimie", "Client"),
)


def _deal(did: str, aid: str, who: str, amount: str | None, currency: str, day: date,
          lines: tuple[tuple[str, str], ...] = (), stage: DealStage = DealStage.WON) -> Deal:
    return Deal(id=did, source="fake", account_id=aid, owner_id=OWNER[who],
                amount=None if amount is None else Decimal(amount), currency=currency, close_date=day, stage=stage,
                name=f"Affaire {did}", modified_at=T0,
                lines=tuple(DealLine(product=p, quantity=Decimal(1), amount=Decimal(a), code=p) for p, a in lines))


DEALS = (
    _deal("d01", "a1", "julie", "10000", "EUR", date(2027, 2, 10), (("MAINT", "10000"),)),   # both axes: 5 000 each
    _deal("d02", "a2", "marc", "8000", "EUR", date(2027, 3, 15), (("MAINT", "8000"),)),      # Marc's: AX-CLI only
    _deal("d03", "a3", "julie", "6000", "EUR", date(2027, 4, 10), (("EQUIP", "6000"),)),     # EQUIP: AX-CLI only
    _deal("d04", "a2", "julie", "5000", "USD", date(2027, 4, 20), (("MAINT", "5000"),)),     # 4 500: 2 250 each
    _deal("d05", "a1", "julie", None, "EUR", date(2027, 4, 22)),                             # no amount
    _deal("d06", "a1", "julie", "-1000", "EUR", date(2027, 4, 25), (("MAINT", "-1000"),)),   # credit: -500 each
    _deal("d07", "a2", "julie", "3000", "EUR", date(2026, 12, 31), (("MAINT", "3000"),)),    # a day before
    _deal("d08", "a3", "julie", "2000", "EUR", date(2027, 5, 4), (("MAINT", "2000"),)),      # a day after
    _deal("d09", "a5", "julie", "7000", "EUR", date(2027, 3, 1), (("MAINT", "7000"),)),      # Grenoble
    _deal("d10", "a7", "julie", "4000", "EUR", date(2027, 3, 5), (("MAINT", "4000"),)),      # deleted account
    _deal("d11", "a4", "julie", "9000", "EUR", date(2027, 4, 2), (("MAINT", "9000"),), stage=DealStage.LOST),
    _deal("d12", "a1", "marc", "2000", "EUR", date(2026, 2, 1)),                             # AX-CLI's baseline
    _deal("d13", "a8", "julie", "1000", "EUR", date(2025, 1, 10)),                           # a8 dormant
    _deal("d14", "a10", "marc", "1000", "EUR", date(2025, 3, 1)),                            # a10 dormant
    _deal("d15", "a9", "marc", "1500", "EUR", date(2026, 6, 1)),                             # a9 not dormant
    _deal("d16", "a2", "julie", None, "EUR", date(2027, 4, 28), (("MAINT", "400"), ("EQUIP", "200"))),  # 600 by lines
    _deal("d17", "a3", "julie", "1000", "EUR", date(2027, 4, 29), (("MAINT", "800"),)),      # typed 1 000, lines 800
)

V, C, M, D = ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO
S = ActivityStatus


def _act(aid: str, who: str, account: str | None, kind: ActivityType, at: datetime | None,
         status: ActivityStatus = S.COMPLETED, day: date | None = None, deleted: bool = False) -> Activity:
    return Activity(id=aid, source="fake", type=kind, owner_id=OWNER[who], account_id=account, start=at,
                    status=status, modified_at=at or T0, day=day, whole_day=day is not None, deleted=deleted,
                    subject=f"sujet {aid}")


def _utc(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


ACTIVITIES = (
    # Julie's visits in April (1 April 00:00 - 1 May 00:00 Paris = 31 March 22:00 - 30 April 22:00 UTC)
    _act("v01", "julie", "a1", V, _utc(4, 2)),                   # counted: a1
    _act("v02", "julie", "a1", V, _utc(4, 9)),                   # a1 again
    _act("v03", "julie", "a2", V, _utc(4, 30, 21, 30)),          # 23:30 30 April: counted, a2
    _act("v04", "julie", "a3", V, _utc(4, 30, 22, 30)),          # 00:30 1 May: outside by an hour
    _act("v05", "julie", "a3", V, _utc(5, 1, 16)),               # 18:00 1 May: the day after
    _act("v06", "julie", "a3", V, _utc(3, 29, 8)),               # 29 March: two days before, not listed
    _act("v19", "julie", "a9", V, _utc(3, 31, 21, 30)),          # 23:30 31 March: half an hour before
    _act("v20", "julie", "a9", V, _utc(3, 31, 8)),               # 10:00 31 March: the day before
    _act("v07", "marc", "a3", V, _utc(4, 12)),                   # another rep
    _act("c01", "julie", "a3", C, _utc(4, 13)),                  # a call
    _act("v08", "julie", "a3", V, None, day=date(2027, 4, 30)),  # all day on the last day: counted, a3
    _act("v09", "julie", "a4", V, _utc(4, 14), S.CANCELLED),
    _act("v10", "julie", "a4", V, _utc(4, 15), S.NO_SHOW),
    _act("v11", "julie", "a4", V, _utc(4, 16), S.PLANNED),       # still planned, on a past date
    _act("v12", "julie", "a4", V, _utc(4, 20), deleted=True),
    _act("v13", "julie", "a7", V, _utc(4, 21)),                  # on a deleted account
    _act("v14", "julie", "a5", V, _utc(4, 22)),                  # département 38
    _act("v15", "julie", "a6", V, _utc(4, 23)),                  # a prospect
    _act("v16", "julie", None, V, _utc(4, 24)),                  # no account: rejected
    _act("v17", "julie", "a4", V, _utc(4, 26)),                  # counted: a4
    _act("v18", "julie", "a4", V, _utc(4, 27)),                  # a4 again
    _act("n01", "julie", "a1", V, None),                         # no date at all: rejected
    replace(_act("n02", "julie", "a2", V, _utc(4, 19)), type=None),   # a type the mapping does not list
    # Julie's meetings in Q2, every activity, industry Chimie; evaluated 3 May 10:00 Paris (08:00 UTC)
    _act("m01", "julie", "a1", M, _utc(4, 5)),                   # counted
    _act("m02", "julie", "a1", M, _utc(4, 6)),                   # counted (every activity)
    _act("m03", "julie", "a4", M, _utc(4, 7)),                   # Pharmaceutique
    _act("m04", "julie", "a2", M, None, day=date(2027, 5, 3)),   # all day today: not over
    _act("m05", "julie", "a2", M, _utc(5, 3, 7)),                # 09:00 today: counted
    _act("m06", "julie", "a2", M, _utc(5, 5), S.PLANNED),        # to come: not listed
    _act("m07", "julie", "a2", M, _utc(4, 28), S.PLANNED),       # still planned, past
    _act("m08", "julie", "a5", M, _utc(4, 29), S.CANCELLED),     # département 38, also cancelled
    # demos in April on dormant accounts (a8, a10), Marc's; Julie's before 15 April
    _act("h01", "julie", "a8", D, _utc(4, 10)),                  # counted: a8 (before the hand-over)
    _act("h02", "julie", "a10", D, _utc(4, 16)),                 # after the hand-over
    _act("h03", "marc", "a10", D, _utc(4, 25)),                  # counted: a10
    _act("h04", "marc", "a9", D, _utc(4, 20)),                   # a9 not dormant
    _act("h05", "marc", "a8", D, _utc(4, 22)),                   # a8 again
    _act("h06", "lea", "a8", D, _utc(4, 23)),                    # another rep
)


def _settings(tmp: Path) -> Path:
    (tmp / "plan.pac.yaml").write_text(PLAN, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n  - {name: fake, crm: salesforce, mapping: mapping.yaml}\n"
        "plans:\n  - {name: audit, file: plan.pac.yaml, connectors: [fake], as_of: '2027-05-03T10:00:00+02:00'}\n"
        "engine:\n  fx_rates: {USD: 0.9}\n  attribution: split\n", encoding="utf-8")
    return path


def _pac(tmp: Path, config: Path, *args: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config),
           "COLUMNS": "250"}
    done = run_pac(*args, env=env, cwd=tmp, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("explainhand")
    config = _settings(tmp)
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS, *DEALS, *ACTIVITIES)
    result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm},
                      clock=Clock(datetime(2027, 5, 3, 8, tzinfo=UTC)))
    out: dict[str, Any] = {"crm": crm, "result": result}
    for item in ("A-01", "A-02", "A-03", "AX-CLI", "AX-JM"):
        for lang in ("fr", "en"):
            out[item, lang] = _pac(tmp, config, "explain", item, "--lang", lang)
    out["status"] = _pac(tmp, config, "status")
    out["A-01", "20 April"] = _pac(tmp, config, "explain", "A-01", "--as-of", "2027-04-20")
    return out


def rows(output: str) -> dict[str, tuple[str, ...]]:
    """The first table's rows by record id: (mark, reason, detail), a wrapped cell's lines joined."""
    found: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in output.split("┘")[0].splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if not cells:
            continue
        if cells[0] in ("✔", "✘"):
            last = found.setdefault(cells[1], cells)
        elif last is not None and not cells[0]:
            last[:] = [f"{a} {b}".strip() for a, b in zip(last, cells, strict=True)]
    return {k: (v[0], v[-2], v[-1]) for k, v in found.items()}


OK, NO = "✔", "✘"
# A-01 (Julie's visits in April, 5 accounts): a1 (v01), a4 (v17), a3 (v08, all day on 30 April, over by 3 May),
# a2 (v03, 23:30 30 April) counted: 4 / 5; not counted: v02 and v18 (an account again), v04 (00:30 1 May: half an
# hour late), v05 (the day after), v19 (23:30 31 March) and v20 (10:00 31 March), v07 (Marc's), c01, m01-m03 and
# h01-h02 (Julie's calls, meetings and demos on the scope's accounts: another type), v09 cancelled, v10 no-show, v11
# still planned on 16 April, v12 deleted, v13 on a deleted account, v14 département 38, v15 a prospect, v16 without
# an account (also in the rejected table), n02 of no mapped type: 22; v06 (29 March, two days before) is not listed;
# n01 (no date) is in the rejected table only.
UNKNOWN_TYPE = (NO, "type non compté", "type not counted",
                "aucun type d'activité compté : un type que le mapping ne liste pas (type d'une réunion, type ou objet "
                "d'une tâche), ou un sens qu'il ne compte pas (un appel entrant)")
A01 = {
    "v01": (OK, "comptée", "counted", ""), "v17": (OK, "comptée", "counted", ""),
    "v08": (OK, "comptée", "counted", ""), "v03": (OK, "comptée", "counted", ""),
    "v02": (NO, "compte déjà compté", "account already counted", "compte déjà compté pour cette action"),
    "v18": (NO, "compte déjà compté", "account already counted", "compte déjà compté pour cette action"),
    "v04": (NO, "hors de la période", "outside the window",
            "1er mai 2027 à 00:30, après la période « avril 2027 » (du 1er au 30 avril 2027)"),
    "v05": (NO, "hors de la période", "outside the window",
            "1er mai 2027 à 18:00, après la période « avril 2027 » (du 1er au 30 avril 2027)"),
    "v19": (NO, "hors de la période", "outside the window",
            "31 mars 2027 à 23:30, avant la période « avril 2027 » (du 1er au 30 avril 2027)"),
    "v20": (NO, "hors de la période", "outside the window",
            "31 mars 2027 à 10:00, avant la période « avril 2027 » (du 1er au 30 avril 2027)"),
    "v07": (NO, "autre commercial", "another rep", "propriétaire marc@audit.example"),
    "c01": (NO, "autre type d'activité", "another activity type", "appel, pas visite"),
    "m01": (NO, "autre type d'activité", "another activity type", "rendez-vous, pas visite"),
    "m02": (NO, "autre type d'activité", "another activity type", "rendez-vous, pas visite"),
    "m03": (NO, "autre type d'activité", "another activity type", "rendez-vous, pas visite"),
    "h01": (NO, "autre type d'activité", "another activity type", "démo, pas visite"),
    "h02": (NO, "autre type d'activité", "another activity type", "démo, pas visite"),
    # the status said once, in the reason (audit reporttidy: « annulée | annulée »)
    "v09": (NO, "annulée", "cancelled", ""), "v10": (NO, "absent (no-show)", "no-show", ""),
    "v11": (NO, "toujours prévue, à une date passée", "still planned on a past date",
            "mettez à jour son résultat ou son statut dans le CRM pour qu'elle compte"),
    "v12": (NO, "supprimée", "deleted", "l'activité a été supprimée dans le CRM"),
    "v13": (NO, "supprimée", "deleted", "le compte a été supprimé dans le CRM"),
    "v14": (NO, "compte hors périmètre", "account outside the scope", "département 38 (périmètre : département 69)"),
    "v15": (NO, "compte hors périmètre", "account outside the scope",
            "type de compte Prospect (périmètre : type de compte Client)"),
    "v16": (NO, "sans compte", "no account", "l'activité n'a pas de compte"), "n02": UNKNOWN_TYPE,
}
# A-02 (Julie's meetings in Q2, every activity, Chimie; 3 May 10:00): m01, m02, m05 (09:00 today) counted: 3 / 4;
# m03 Pharmaceutique, m04 all day today (not over), m07 still planned on 28 April, m08 Grenoble and cancelled, and
# Julie's visits, calls and demos on Chimie accounts of the scope in the window (v01-v05, v08, c01, h01, h02), n02
# of no mapped type: 14;
# m06 (planned, 5 May) is to come: not listed.
A02 = {
    "m01": (OK, "comptée", "counted", ""), "m02": (OK, "comptée", "counted", ""), "m05": (OK, "comptée", "counted", ""),
    "m03": (NO, "compte hors périmètre", "account outside the scope",
            "secteur Pharmaceutique (périmètre : secteur Chimie)"),
    "m04": (NO, "pas encore passée", "not over yet",
            "3 mai 2027, toute la journée : comptée une fois la journée passée"),
    "m07": (NO, "toujours prévue, à une date passée", "still planned on a past date",
            "mettez à jour son résultat ou son statut dans le CRM pour qu'elle compte"),
    "m08": (NO, "compte hors périmètre", "account outside the scope",
            "département 38 (périmètre : département 69) ; aussi : annulée"),
    **{r: (NO, "autre type d'activité", "another activity type", "visite, pas rendez-vous")
       for r in ("v01", "v02", "v03", "v04", "v05", "v08")},
    "c01": (NO, "autre type d'activité", "another activity type", "appel, pas rendez-vous"),
    "h01": (NO, "autre type d'activité", "another activity type", "démo, pas rendez-vous"),
    "h02": (NO, "autre type d'activité", "another activity type", "démo, pas rendez-vous"), "n02": UNKNOWN_TYPE,
}
# A-03 (Marc's demos in April on accounts dormant 12 months, Julie's until 15 April): h01 (Julie, a8, 10 April),
# h03 (a10) counted: 2 / 3; h02 Julie's of 16 April, h04 a9 (won 1 June 2026), h05 a8 again, h06 Léa's: 4.
A03 = {
    # Julie's, counted before the hand-over: its row says so (audit explainus; it read « comptée » and nothing)
    "h01": (OK, "comptée", "counted",
            "propriétaire julie@audit.example, avant la passation à marc@audit.example le 15 avril 2027"),
    "h03": (OK, "comptée", "counted", ""),
    "h02": (NO, "après la passation", "after the hand-over",
            "propriétaire julie@audit.example, après la passation à marc@audit.example le 15 avril 2027"),
    "h04": (NO, "compte hors périmètre", "account outside the scope",
            "non dormant : dernière affaire gagnée le 1er juin 2026, dans les 12 mois avant le 1er avril 2027 (depuis "
            "le 1er avril 2026) (périmètre : dormant 12 mois)"),   # its days in words (audit nearmissfmt)
    "h05": (NO, "compte déjà compté", "account already counted", "compte déjà compté pour cette action"),
    "h06": (NO, "autre commercial", "another rep", "propriétaire lea@audit.example"),
}


@pytest.mark.parametrize(("action", "expected", "fr", "en"), [
    ("A-01", A01, "4 / 5 (80\u00a0%) — 4 comptées, 22 non comptées", "4 / 5 (80%) — 4 counted, 22 not counted"),
    ("A-02", A02, "3 / 4 (75\u00a0%) — 3 comptées, 14 non comptées", "3 / 4 (75%) — 3 counted, 14 not counted"),
    ("A-03", A03, "2 / 3 (67\u00a0%) — 2 comptées, 4 non comptées", "2 / 3 (67%) — 2 counted, 4 not counted"),
])
def test_actions(org: dict[str, Any], action: str, expected: dict[str, tuple[str, ...]], fr: str, en: str) -> None:
    assert org[action, "fr"].splitlines()[1] == fr
    assert org[action, "en"].splitlines()[1] == en
    french, english = rows(org[action, "fr"]), rows(org[action, "en"])
    assert {r: (v[0], v[1], v[2]) for r, v in french.items()} == {r: (v[0], v[1], v[3]) for r, v in expected.items()}
    assert {r: v[1] for r, v in english.items()} == {r: v[2] for r, v in expected.items()}


def test_a_handed_over_action_says_so_under_its_counts(org: dict[str, Any]) -> None:
    """A-03 is Marc's, handed over by Julie on 15 April: the line under its counts names both and the day, in the
    output's language (audit explainleft: only the rows of Julie's said it); A-01, never handed over, has none."""
    assert org["A-03", "fr"].splitlines()[2] == (
        "Passée à marc@audit.example par julie@audit.example le 15 avril 2027 : les activités de "
        "julie@audit.example d'avant ce jour comptent pour elle, pas celles à partir de ce jour.")
    assert org["A-03", "en"].splitlines()[2] == (
        "Handed over to marc@audit.example by julie@audit.example on 2027-04-15: julie@audit.example's activities "
        "before that day count for it, those from that day on do not.")
    assert "Passée à" not in org["A-01", "fr"] and "Handed over" not in org["A-01", "en"]


def test_rejected_records_in_the_outputs_language(org: dict[str, Any]) -> None:
    """Julie's rejected visits near A-01's window, under its table: v16 (no account) and n01 (no date), their
    details in the output's language (n01's read « the activity has neither a start time nor a day » in French)."""
    french = org["A-01", "fr"].split("┘", 1)[1]
    english = org["A-01", "en"].split("┘", 1)[1]
    assert "v16" in french and "n01" in french and "v16" in english and "n01" in english
    assert "l'activité n'a ni heure de début ni date" in " ".join(french.replace("│", " ").split())
    assert "the activity has neither a start time nor a day" in " ".join(english.replace("│", " ").split())
    assert " the " not in french and "activity" not in french


def test_explained_as_of_a_past_day(org: dict[str, Any]) -> None:
    """A-01 as of the end of 20 April: v01 counted; v19, v20, v02, v09-v12, c01, m01-m03, h01, h02, n02 and Marc's v07
    not counted (15). What came later is in neither table: v16 (24 April, no account) was listed among the rejected
    records « pendant ou près de la période » of a day it had not happened by; n01 (no date at all) stays."""
    output = org["A-01", "20 April"]
    assert output.splitlines()[1] == "1 / 5 (20\u00a0%) — 1 comptée, 15 non comptées"
    assert set(rows(output)) == {"v01", "v02", "v09", "v10", "v11", "v12", "c01", "m01", "m02", "m03", "h01", "h02",
                                 "n02", "v07", "v19", "v20"}
    rejected = output.split("┘", 1)[1]
    assert "n01" in rejected and "v16" not in rejected


def test_status_names_each_data_quality_warning(org: dict[str, Any]) -> None:
    """One won deal has no amount (d05) and one is a credit (d06): explain's header and the report say « 1 sans
    montant » and « 1 avoir déduit »; ``pac status`` said « 2 won deal(s) with no amount »."""
    status = org["status"]
    assert "data-quality warnings: 1 won deal(s) with no amount" in status
    assert "2 activities still planned on a past date" in status       # v11, m07


def test_crm_fields_read_explains_counts(org: dict[str, Any]) -> None:
    """The fields written back hold explain's counts and additional revenue (AX-CLI 21 550 - 2 000)."""
    fields = {key.split(":")[1]: value for (_, key), value in org["crm"].pac.items()}
    assert [fields[a]["done"] for a in ("A-01", "A-02", "A-03")] == [4, 3, 2]
    assert fields["AX-CLI"]["revenue"] == 19550.0 and fields["AX-JM"]["revenue"] == 7350.0


# AX-CLI (département 69, account type Client; split between the live axes counting a deal): d01 10 000 / 2, d02
# 8 000 (Marc's: AX-JM does not count it), d03 6 000 (EQUIP), d04 5 000 USD = 4 500 / 2, d05 no amount 0, d06 -1 000
# / 2, d16 (no amount: its lines, 400 + 200) 600 / 2, d17 (typed 1 000, its line 800) 1 000 / 2 = 21 550; baseline
# d12 2 000 (1 February 2026); not counted: d10 (deleted account), d07 (31 December 2026), d08 (4 May, the day after
# the evaluation's); d09 (Grenoble) and d11 (lost) are not listed.
# AX-JM (Julie's MAINT lines): d01 5 000, d04 2 250, d06 -500, d16 400 / 2, d17 800 / 2 = 7 350; not counted: d02
# Marc's, d03 EQUIP, d05 no line, d10, d07, d08.
AXES = {
    "AX-CLI": {"d01": (OK, "comptée", "counted", "10 000,00 € / 2 = 5 000,00 €"),
               "d02": (OK, "comptée", "counted", "8 000,00 €"), "d03": (OK, "comptée", "counted", "6 000,00 €"),
               "d04": (OK, "comptée", "counted", "4 500,00 € / 2 = 2 250,00 €"),
               "d05": (OK, "comptée sans montant (0)", "counted with no amount (0)", "0,00 €"),
               "d06": (OK, "avoir (montant négatif), déduit", "credit (negative amount), subtracted",
                       "−1 000,00 € / 2 = −500,00 €"),
               "d16": (OK, "comptée", "counted", "600,00 € / 2 = 300,00 €"),
               "d17": (OK, "comptée", "counted", "1 000,00 € / 2 = 500,00 €"),
               "d10": (NO, "supprimée", "deleted", "4 000,00 €"),
               "d07": (NO, "hors de la période", "outside the period", "3 000,00 €"),
               "d08": (NO, "hors de la période", "outside the period", "2 000,00 €")},
    "AX-JM": {"d01": (OK, "comptée", "counted", "10 000,00 € / 2 = 5 000,00 €"),
              "d04": (OK, "comptée", "counted", "4 500,00 € / 2 = 2 250,00 €"),
              "d06": (OK, "avoir (montant négatif), déduit", "credit (negative amount), subtracted",
                      "−1 000,00 € / 2 = −500,00 €"),
              "d16": (OK, "comptée", "counted", "400,00 € / 2 = 200,00 €"),
              "d17": (OK, "comptée", "counted", "800,00 € / 2 = 400,00 €"),
              "d02": (NO, "affaire d'un autre propriétaire", "deal owned by someone else", "8 000,00 €"),
              "d03": (NO, "autre produit", "another product", "6 000,00 €"),
              "d05": (NO, "autre produit", "another product", ""),
              "d10": (NO, "supprimée", "deleted", "4 000,00 €"),
              "d07": (NO, "hors de la période", "outside the period", "3 000,00 €"),
              "d08": (NO, "hors de la période", "outside the period", "2 000,00 €")},
}
DETAILS = {"d07": "clôturée le 31 décembre 2026, avant le premier jour compté, le 1er janvier 2027",
           "d08": "clôturée le 4 mai 2027, après le dernier jour compté, le 3 mai 2027",
           "d10": "le compte a été supprimé dans le CRM"}


def deal_rows(output: str) -> dict[str, tuple[str, ...]]:
    """An axis's rows by record id: (mark, amount, reason, detail)."""
    found: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in output.split("┘")[0].splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0] in ("✔", "✘"):
            last = found.setdefault(cells[1], cells)
        elif cells and last is not None and not cells[0]:
            last[:] = [f"{a} {b}".strip() for a, b in zip(last, cells, strict=True)]
    amount = 7
    return {k: (v[0], v[amount], v[-2], v[-1]) for k, v in found.items()}


@pytest.mark.parametrize(("axis", "fr", "en"), [
    ("AX-CLI", "CA 21 550,00 € (référence 2 000,00 €, supplémentaire 19 550,00 €, objectif 50 000,00 €) — 8 affaires "
               "comptées, 3 non comptées ; 1 sans montant (comptée pour 0 : à corriger dans le CRM) ; 1 avoir déduit",
     "Revenue €21,550.00 (baseline €2,000.00, additional €19,550.00, objective €50,000.00) — 8 deals counted, 3 not "
     "counted; 1 with no amount (counted as 0: fix it in the CRM); 1 credit subtracted"),
    ("AX-JM", "CA 7 350,00 € (référence 0,00 €, supplémentaire 7 350,00 €, objectif 20 000,00 €) — 5 affaires "
              "comptées, 6 non comptées ; 1 avoir déduit",
     "Revenue €7,350.00 (baseline €0.00, additional €7,350.00, objective €20,000.00) — 5 deals counted, 6 not "
     "counted; 1 credit subtracted"),
])
def test_axes(org: dict[str, Any], axis: str, fr: str, en: str) -> None:
    def header(output: str) -> str:
        return " ".join(output.split("┏")[0].splitlines()[1:]).replace("\u202f", " ").replace("\u00a0", " ")

    assert header(org[axis, "fr"]) == fr
    assert header(org[axis, "en"]) == en
    french = {k: (v[0], v[1].replace("\u202f", " ").replace("\u00a0", " "), v[2], v[3])
              for k, v in deal_rows(org[axis, "fr"]).items()}
    expected = AXES[axis]
    assert {k: v[:3] for k, v in french.items()} == {k: (v[0], v[3], v[1]) for k, v in expected.items()}
    assert {k: v[2] for k, v in deal_rows(org[axis, "en"]).items()} == {k: v[2] for k, v in expected.items()}
    assert {k: french[k][3] for k in DETAILS} == DETAILS
    # a counted deal's amount not as typed in the CRM says so on a whole-deal axis (it read « comptée » and nothing:
    # « why does the Lyon Process order count 300 € when it has no amount? »); a product axis shows its lines
    words = ("montant vide : somme des lignes", "montant différent de ses lignes")
    # then, split between the two axes (attribution: split), the other one (audit explainleft)
    assert tuple(re.sub(r"(^| ; )partagée à parts égales avec .*$", "", french[d][3]) for d in ("d16", "d17")) == (
        words if axis == "AX-CLI" else ("", ""))
    other = "AX-JM « Maintenance de Julie »" if axis == "AX-CLI" else "AX-CLI « Clients du Rhône »"
    assert french["d16"][3].endswith(f"partagée à parts égales avec {other}"), french["d16"]
    if axis == "AX-JM":
        # whose deal it is, in full (a long word folds over two lines: the spaces are the table's): the e-mails read
        # « marc@audit.exa… » and « julie@audit.ex… » in the narrow column
        assert french["d02"][3].replace(" ", "") == ("marc@audit.example(périmètre:propriétairedel'affaire"
                                                      "julie@audit.example)")
        assert "…" not in org[axis, "fr"] + org[axis, "en"]


@pytest.fixture(scope="module")
def on_hold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The same organisation, AX-CLI suspended since 15 April and A-02 cancelled: every action is « Inactive » in
    the report, out of the plan's totals."""
    tmp = tmp_path_factory.mktemp("explainhold")
    config = _settings(tmp)
    plan = PLAN.replace('    scope: {account_type: Client}\n    status: active\n',
                        '    scope: {account_type: Client}\n'
                        '    status: {state: suspended, reason: "capacité", since: 2027-04-15, until: 2027-09-30}\n')
    plan = plan.replace('    text: "4 rendez-vous chimie au T2"\n',
                        '    text: "4 rendez-vous chimie au T2"\n    status: cancelled\n')
    assert plan.count("suspended") == 1 and plan.count("cancelled") == 1
    (tmp / "plan.pac.yaml").write_text(plan, encoding="utf-8")
    crm = FakeConnector()
    crm.put(*USERS, *ACCOUNTS, *DEALS, *ACTIVITIES)
    run_sync(None, load_settings(config, env={}), connectors={"fake": crm},
             clock=Clock(datetime(2027, 5, 3, 8, tzinfo=UTC)))
    return {f"{item} {lang}": _pac(tmp, config, "explain", item, "--lang", lang)
            for item in ("A-01", "A-02", "AX-CLI") for lang in ("fr", "en")}


def test_an_inactive_action_says_so(on_hold: dict[str, str]) -> None:
    """The counts are the same (4 / 5, 3 / 4: the report's « 4 / 5 80 % – Inactive »), and a line under them says
    why the action counts in no total; it read the counts alone, as for a live action."""
    assert on_hold["A-01 fr"].splitlines()[1:3] == [
        "4 / 5 (80\u00a0%) — 4 comptées, 22 non comptées",
        "Action inactive : son axe « Clients du Rhône » est suspendu (hors des totaux du plan ; ses activités restent "
        "listées)."]
    assert on_hold["A-01 en"].splitlines()[1:3] == [
        "4 / 5 (80%) — 4 counted, 22 not counted",
        "Inactive action: its axis “Clients du Rhône” is suspended (out of the plan's totals; its activities are "
        "still listed)."]
    assert on_hold["A-02 fr"].splitlines()[2] == ("Action inactive : annulée dans le plan (hors des totaux du plan ; "
                                                  "ses activités restent listées).")
    assert on_hold["A-02 en"].splitlines()[2] == ("Inactive action: cancelled in the plan (out of the plan's totals; "
                                                  "its activities are still listed).")


def test_a_suspended_axis_says_so(on_hold: dict[str, str]) -> None:
    """AX-CLI suspended: the report shows its revenue « hors total »; explain's header alone read as a live axis's."""
    french, english = (on_hold[f"AX-CLI {lang}"].split("┏")[0].splitlines() for lang in ("fr", "en"))
    assert "Axe inactif : suspendu (hors des totaux du plan ; ses affaires restent listées)." in french
    assert "Inactive axis: suspended (out of the plan's totals; its deals are still listed)." in english
