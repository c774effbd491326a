"""A realistic, hand-built ``ReportInputs`` for the report's tests (no engine, no store needed).

Durand Process Équipements, plan 2027, evaluated on 20 August 2027 (third quarter): three segments,
five axes in every state, nine actions with every pace, quarterly snapshots, recommendations, rejected
records, and hostile strings where CRM and plan text can reach the page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.plan import (
    Action,
    ActivityType,
    Axis,
    AxisState,
    AxisStatus,
    Counting,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
    Swot,
)
from pac_core.records import Rejected
from pac_core.results import (
    ActionProgress,
    AxisProgress,
    Decision,
    Evaluation,
    Pace,
    Recommendation,
    Rule,
    SegmentProgress,
)
from pac_core.window import Window
from sync_jobs.report_inputs import ReportInputs, RunSummary, SnapshotPoint

PARIS = ZoneInfo("Europe/Paris")
SCRIPT = "<script>alert(1)</script>"
SECRET_URL = "postgresql://pac:Sup3rS3cret@db.internal:5432/pac"
TOKEN = "pat-eu1-0123456789abcdef"
CRM_IDS = ("00Q5e00000AbCdEfG", "0035e00000XyZaBcD", "hs-981273645")
AS_OF = datetime(2027, 8, 20, 18, 0, tzinfo=PARIS)


def _w(start: date, end: date, label: str = "") -> Window:
    return Window(datetime(start.year, start.month, start.day, tzinfo=PARIS),
                  datetime(end.year, end.month, end.day, tzinfo=PARIS), label)


YEAR = _w(date(2027, 1, 1), date(2028, 1, 1), "2027")

PEOPLE = (
    Person("nathalie.garnier@durand-process.example", "Nathalie Garnier", "manager"),
    Person("julie.martin@durand-process.example", "Julie Martin", "rep"),
    Person("marc.dubois@durand-process.example", "Marc Dubois", "rep"),
    Person("sophie.bernard@durand-process.example", "Sophie Bernard", "rep"),
    Person("lea.rousseau@durand-process.example", "Léa Rousseau", "rep"),
)


def plan(language: str = "fr") -> Plan:
    segments = (
        Segment("rhone-alpes", "Rhône-Alpes", SegmentKind.HORIZONTAL, swot=Swot(
            strengths=("Agence à Lyon, SAV en 24 h", "Base installée PX200"),
            weaknesses=("Peu de présence en Savoie",),
            opportunities=("Clients dormants du 69", "Plan de relance chimie"),
            threats=("Concurrent allemand agressif sur les prix", SCRIPT))),
        Segment("pharma", "Industrie pharmaceutique", SegmentKind.VERTICAL, swot=Swot(
            strengths=("Pompes certifiées GMP",), weaknesses=("Délais de validation longs",),
            opportunities=("Relocalisation de la production",), threats=())),
        Segment("grands-comptes", "Grands comptes", SegmentKind.MIXED),
    )
    axes = (
        Axis("dormants-69", "Clients dormants", "rhone-alpes", status=AxisStatus(AxisState.PRIORITISED, rank=1),
             objective=Objective(Decimal(150000), YEAR, margin_rate=Decimal("0.35"), budget=Decimal(18000),
                                 expected_roi=Decimal("1.5"))),
        Axis("maint-ra", "Contrats de maintenance", "rhone-alpes",
             objective=Objective(Decimal(80000), YEAR, effort_days=Decimal(20), day_cost=Decimal(600))),
        Axis("pharma-px200", "Pompes doseuses PX200 en pharma", "pharma",
             status=AxisStatus(AxisState.SUSPENDED, reason="production de PX200 saturée", until=date(2027, 9, 30)),
             objective=Objective(Decimal(250000), YEAR, budget=Decimal(40000)), products=("PX200",)),
        Axis("pharma-mx50", "Mélangeurs MX50", "pharma",
             objective=Objective(Decimal(120000), YEAR, budget=Decimal(30000))),
        Axis("gc-salons", "Salons professionnels", "grands-comptes",
             status=AxisStatus(AxisState.DROPPED, reason="ROI trop faible en 2026")),
    )
    actions = (
        Action("A-01", "dormants-69", "Visiter 5 clients dormants du 69 en semaine 18",
               "julie.martin@durand-process.example", ActivityType.VISIT, 5, _w(date(2027, 5, 3), date(2027, 5, 10),
                                                                                "semaine 18")),
        Action("A-02", "dormants-69", "Appeler 20 clients dormants de l'Ain en juin",
               "julie.martin@durand-process.example", ActivityType.CALL, 20, _w(date(2027, 6, 1), date(2027, 7, 1),
                                                                               "juin"), Counting.ACTIVITIES),
        Action("A-03", "maint-ra", "Proposer 8 contrats de maintenance aux clients PX200 au T3",
               "marc.dubois@durand-process.example", ActivityType.MEETING, 8, _w(date(2027, 7, 1), date(2027, 10, 1),
                                                                                "T3"),
               info_needed="liste des PX200 installées", info_from="service après-vente"),
        Action("A-04", "maint-ra", "Visiter 12 clients de Savoie en septembre",
               "marc.dubois@durand-process.example", ActivityType.VISIT, 12, _w(date(2027, 9, 1), date(2027, 10, 1),
                                                                               "septembre")),
        Action("A-05", "pharma-mx50", "Présenter le MX50 à 6 laboratoires d'Île-de-France avant le 15 juillet",
               "sophie.bernard@durand-process.example", ActivityType.DEMO, 6, _w(date(2027, 5, 1), date(2027, 7, 16))),
        Action("A-06", "pharma-mx50", "Relancer 15 devis MX50 au T3",
               "sophie.bernard@durand-process.example", ActivityType.QUOTE_FOLLOW_UP, 15,
               _w(date(2027, 7, 1), date(2027, 10, 1), "T3"), Counting.ACTIVITIES),
        Action("A-07", "pharma-px200", "Visiter 10 sites pharma d'Occitanie au T2",
               "lea.rousseau@durand-process.example", ActivityType.VISIT, 10, _w(date(2027, 4, 1), date(2027, 7, 1),
                                                                                "T2")),
        Action("A-08", "pharma-mx50", "Rencontrer 4 directeurs de production de grands comptes au T3",
               "lea.rousseau@durand-process.example", ActivityType.MEETING, 4, _w(date(2027, 7, 1), date(2027, 10, 1),
                                                                                 "T3")),
        Action("A-09", "dormants-69", f"Visiter 3 prospects {SCRIPT} en août",
               "julie.martin@durand-process.example", ActivityType.VISIT, 3, _w(date(2027, 8, 1), date(2027, 9, 1),
                                                                               "août")),
    )
    return Plan("PAC 2027 — Durand Process", YEAR, "Europe/Paris", "EUR", language, PEOPLE, segments, axes, actions)


def _action(aid: str, done: int, target: int, pace: Pace, expected: float) -> ActionProgress:
    decisions = (Decision("sf-main", CRM_IDS[0], True, "counted", "Lyon A"),
                 Decision("sf-main", CRM_IDS[1], False, "duplicate_account", "Lyon A"))
    return ActionProgress(aid, done, target, done / target, expected * target, pace, done / max(expected, 0.01),
                          decisions=decisions)


def _axis(aid: str, revenue: int, baseline: int, objective: int | None, pace: Pace, cost: int | None,
          roi: float | None, expected: float | None = 0.63) -> AxisProgress:
    additional = Decimal(revenue - baseline)
    return AxisProgress(aid, Decimal(revenue), Decimal(baseline), additional,
                        Decimal(objective) if objective else None,
                        float(additional / objective) if objective else None, expected, pace,
                        Decimal(cost) if cost is not None else None, roi, 7.5 if roi and roi > 0 else None,
                        activities_done=42, coverage=0.4, conversion=0.18)


def evaluation(as_of: datetime = AS_OF, scale: float = 1.0) -> Evaluation:
    s = scale

    def sc(x: int) -> int:
        return int(x * s)

    actions = (
        _action("A-01", 4, 5, Pace.LATE, 1.0),
        _action("A-02", 22, 20, Pace.DONE, 1.0),
        _action("A-03", 4, 8, Pace.ON_TRACK, 0.55),
        _action("A-04", 0, 12, Pace.NOT_STARTED, 0.0),
        _action("A-05", 6, 6, Pace.DONE, 1.0),
        _action("A-06", 3, 15, Pace.AT_RISK, 0.55),
        _action("A-07", 7, 10, Pace.INACTIVE, 1.0),
        _action("A-08", 1, 4, Pace.AT_RISK, 0.55),
        _action("A-09", 2, 3, Pace.ON_TRACK, 0.6),
    )
    axes = (
        _axis("dormants-69", sc(1_342_500), sc(1_228_000), 150_000, Pace.ON_TRACK, 18_000, 1.23 * s),
        _axis("maint-ra", sc(412_000), sc(380_500), 80_000, Pace.AT_RISK, 12_000, -0.21),
        _axis("pharma-px200", sc(980_000), sc(910_000), 250_000, Pace.INACTIVE, 40_000, -0.475),
        _axis("pharma-mx50", sc(356_000), sc(262_000), 120_000, Pace.ON_TRACK, 30_000, 0.094 * s),
        _axis("gc-salons", 0, 0, None, Pace.INACTIVE, None, None, None),
    )
    # the whole year's baseline does not move with the evaluation date (not scaled)
    segments = (
        SegmentProgress("rhone-alpes", Decimal(sc(1_754_500)), Decimal(sc(1_608_500)), Decimal(sc(146_000)),
                        Decimal(230_000), 0.65, 0.091, period_baseline=Decimal(2_540_000)),
        SegmentProgress("pharma", Decimal(sc(1_336_000)), Decimal(sc(1_172_000)), Decimal(sc(164_000)),
                        Decimal(370_000), 0.12, 0.14, period_baseline=Decimal(1_850_000)),
        SegmentProgress("grands-comptes", Decimal(sc(2_100_000)), Decimal(sc(2_250_000)), Decimal(sc(-150_000)),
                        None, None, -0.067, period_baseline=Decimal(3_560_000)),
    )
    recos = (
        Recommendation(Rule.ROLL_OUT, "dormants-69", "rhone-alpes",
                       "Déployer l'axe « Clients dormants » (ROI 123 %, rentabilisé en 4,5 mois sur « Rhône-Alpes ») "
                       "vers « Île-de-France », où la croissance est inférieure à 5 %.",
                       {"roi": 1.23, "time_to_roi_months": 4.5, "min_roi": 0.5, "max_months_to_roi": 6.0,
                        "lagging_growth_below": 0.05, "to_segments": ["pharma"], "growth": {"pharma": 0.021}}),
        Recommendation(Rule.DROP, "maint-ra", "rhone-alpes",
                       "Abandonner l'axe « Contrats de maintenance » (ROI −21 % après 64 % de la période, seuil 0 %) "
                       "au profit de « Clients dormants » (ROI 123 %).",
                       {"roi": -0.21, "elapsed_share": 0.64, "max_roi": 0.0, "min_elapsed": 0.5,
                        "additional": "31500", "cost": "12000", "in_favour_of": "dormants-69",
                        "in_favour_of_roi": 1.23}),
        Recommendation(Rule.PRIORITISE, "pharma-mx50", "pharma",
                       "Prioriser l'axe « Mélangeurs MX50 » : le chiffre d'affaires de « Industrie pharmaceutique » "
                       "recule de 12 % (seuil 10 %).",
                       {"revenue": "1336000", "baseline": "1518000", "trend": -0.12, "min_decline": 0.1}),
        Recommendation(Rule.SUSPEND, "pharma-px200", "pharma",
                       "Suspendre l'axe « Pompes doseuses PX200 en pharma » : la production de PX200 est chargée à "
                       "96 % de sa capacité en 2027-Q3 (seuil 90 %).",
                       {"quarter": "2027-Q3", "products": [{"product": "PX200", "won": "120", "committed": "40",
                                                            "capacity": "166", "load": 0.964}],
                        "min_load": 0.9, "committed_weight": "0.5"}),
    )
    rejected = (Decision("sf-main", CRM_IDS[2], False, "no_account", "event without account"),
                Decision("sf-main", "00U5e000001aaaa", False, "currency", "CHF"),
                Decision("hs-west", "9912", False, "no_owner", ""))
    return Evaluation("pac-2027-durand-process", as_of, actions, axes, segments, recos, rejected)


def inputs(language: str = "fr") -> ReportInputs:
    snapshots = (
        SnapshotPoint("2027-Q1", "quarterly", datetime(2027, 4, 1, 2, 0, tzinfo=UTC),
                      evaluation(datetime(2027, 3, 31, 23, 0, tzinfo=UTC), scale=0.27)),
        SnapshotPoint("2027-Q2", "quarterly", datetime(2027, 7, 1, 2, 0, tzinfo=UTC),
                      evaluation(datetime(2027, 6, 30, 23, 0, tzinfo=UTC), scale=0.55)),
    )
    run = RunSummary(
        run_id=118, started_at=datetime(2027, 8, 20, 1, 0, 3, tzinfo=UTC),
        finished_at=datetime(2027, 8, 20, 1, 1, 47, tzinfo=UTC), status="partial",
        counts={"accounts": {"read": 612, "written": 0, "rejected": 1},
                "activities": {"read": 1840, "written": 0, "rejected": 2},
                "deals": {"read": 233, "written": 0, "rejected": 1},
                "axis": {"written": 6}, "action": {"written": 8, "failed": 1}},
        api_calls={"sf-main": 23, "hs-west": 17}, quota_left={"sf-main": 14_977, "hs-west": None},
        errors=(f"hs-west: 401 refused with Authorization: Bearer {TOKEN}", f"store {SECRET_URL} reconnected"),
    )
    rejected = (
        Rejected("sf-main", "accounts", CRM_IDS[0], f"account {SCRIPT} has no postal code"),
        Rejected("sf-main", "deals", CRM_IDS[1], "currency CHF has no configured rate"),
        Rejected("hs-west", "users", "hs-981273645", "owner has no e-mail"),
        Rejected("sf-main", "activities", "00U5e000001bbbb", "event has no account"),
        Rejected("sf-main", "activities", "00U5e000001cccc", "event has no account"),
    )
    lint = (
        {"id": "A-10", "text": "Rencontrer le PDG de Sanofi", "kind": "intention",
         "missing": ["how_many", "when"], "parsed": {"verb": "rencontrer"}},
        {"id": "A-11", "text": "Visiter tous mes clients dormants", "kind": "objective",
         "missing": ["who", "when", "how_many", "info_needed"], "parsed": {}},
        {"id": "A-01", "text": "Visiter 5 clients dormants du 69 en semaine 18", "kind": "action", "missing": [],
         "parsed": {"target": 5}},
        {"id": "A-12", "text": f"Relancer {SCRIPT}", "kind": "intention", "missing": ["how_many"], "parsed": {}},
    )
    return ReportInputs(plan(language), evaluation(), snapshots, run, rejected, lint,
                        people={"julie.martin@durand-process.example": "Julie Martin"})
