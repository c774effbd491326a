"""``pac explain AXIS`` lists the deals behind the baseline (audit explainbase, 7 Dec 2026, after hshand9: a manager
told « +50 % de T2 2026 = 14 400 » could not see the deals of Q2 2026 behind 28 800, and a base-year deal pac rejected
lowered the objective with no word). Hand figures in /tmp/audits/explainbase/EXPECTED.md, written before the runs;
each test was seen failing on the code before (no baseline section)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import explain_axis
from pac_core.plan import Plan
from pac_core.records import Deal, Records
from pac_core.results import Evaluation
from pac_core.window import Window
from tests.explain_agreement import amount_of, disagreements
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, won

Q2_2027 = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 7, 1, tzinfo=PARIS), "Q2 2027")
# Q2 2026: two deals of the axis's accounts, and a USD one no rate converts (rejected: currency without a rate)
BASE_DEALS = (won("p1", "a1", "20000", date(2026, 4, 10)), won("p2", "a2", "8800", date(2026, 6, 2)),
              won("p3", "a1", "5000", date(2026, 5, 5), currency="USD"))
QUARTER_OVER = datetime(2027, 7, 1, 10, tzinfo=PARIS)
MID_QUARTER = datetime(2027, 5, 16, 10, tzinfo=PARIS)


def _growth_plan(*, baseline: str | None = None, rate: str | None = "0.5", language: str = "fr") -> Plan:
    """AX-69 on Q2 2027, its objective « +50 % » of Q2 2026 (``rate``) or 10,000 with a fixed ``baseline``."""
    ax = axis("AX-69", "SEG-ARA", baseline=baseline, additional="10000")
    assert ax.objective is not None
    objective = replace(ax.objective, period=Q2_2027, growth_rate=None if rate is None else Decimal(rate))
    return plan(action(axis_id="AX-69"), axes=(replace(ax, objective=objective),), language=language)


def _run(p: Plan, as_of: datetime, deals: tuple[Deal, ...] = BASE_DEALS) -> tuple[Evaluation, Evaluation,
                                                                                   dict[tuple[str, str], Deal]]:
    records = Records(accounts=(account("a1", "69003"), account("a2", "69100")), deals=deals, users=USERS)
    settings = EngineSettings(deal_decision_limit=1000)
    return (evaluate(p, records, as_of=as_of, settings=settings),
            evaluate(p, records, as_of=as_of, settings=settings, explain=["AX-69"]),
            {(d.source, d.id): d for d in deals})


def test_a_growth_base_of_two_deals_and_one_rejected() -> None:
    """The quarter over: baseline = the objective's base = Q2 2026, 20,000 + 8,800 = 28,800, objective 14,400; the
    USD deal with no rate is listed, named, and said to lower the baseline and the objective."""
    p = _growth_plan(language="en")
    figures, explained, deals = _run(p, QUARTER_OVER)
    ax = explained.axis("AX-69")
    assert (ax.baseline, ax.growth_base, ax.objective) == (Decimal(28800), Decimal(28800), Decimal("14400.00"))
    en = explain_axis(p, explained, "AX-69", deals=deals, lang="en")
    lines = en.baseline.splitlines()
    assert lines[0] == ("Baseline €28,800.00: deals won 2026-04-01 – 2026-06-30, the same days a year earlier — "
                        "2 deals counted, 1 not counted; they are also the objective's base (+50% of €28,800.00)")
    assert [(r["record"], r["counted"], r["amount"], r["rule"]) for r in en.baseline_rows] == [
        ("p1", True, "€20,000.00", "counted"), ("p2", True, "€8,800.00", "counted"),
        ("p3", False, "$5,000.00", "unknown_currency")]
    assert sum(amount_of(r["amount"]) for r in en.baseline_rows if r["counted"]) == Decimal("28800.00")
    assert lines[1] == ("Left out of the baseline, which is lower by it (and so is the objective, +50% of it): "
                        "p3 ($5,000.00): currency without an exchange rate.")
    assert (en.base, en.base_rows) == ("", ())     # one list: the base is the baseline
    fr = explain_axis(p, explained, "AX-69", deals=deals, lang="fr")
    assert fr.baseline.splitlines() == [
        "Référence 28\u202f800,00\u00a0€ : affaires gagnées du 1er avril au 30 juin 2026, les mêmes jours un an plus "
        "tôt — 2 affaires comptées, 1 non comptée ; elles font aussi la base de l'objectif (+50\u00a0% de "
        "28\u202f800,00\u00a0€)",
        "Hors de la référence, qui en est d'autant plus basse (et l'objectif, +50\u00a0% de celle-ci, aussi) : p3 "
        "(5\u202f000,00\u00a0$US) : devise sans taux de change."]
    assert disagreements(p, figures, explained, deals) == []


def test_a_fixed_baseline_has_no_deals_to_list() -> None:
    """``baseline: 40000`` written in the plan, on 16 May 2027 (46 of Q2's 91 days): 40,000 x 46 / 91 = 20,219.78,
    said as written in the plan, no deals listed (last year's are not what it is)."""
    p = _growth_plan(baseline="40000", rate=None, language="en")
    figures, explained, deals = _run(p, MID_QUARTER)
    assert round(explained.axis("AX-69").baseline, 2) == Decimal("20219.78")
    assert explained.axis("AX-69").baseline_decisions == ()
    en = explain_axis(p, explained, "AX-69", deals=deals, lang="en")
    assert en.baseline == ("Baseline €20,219.78: fixed, written in the plan (`baseline:` €40,000.00 × 46 / 91 days); "
                           "no deals behind it to list.")
    assert (en.baseline_rows, en.base, en.base_rows) == ((), "", ())
    assert explain_axis(p, explained, "AX-69", deals=deals, lang="fr").baseline == (
        "Référence 20\u202f219,78\u00a0€ : fixe, écrite dans le plan (`baseline:` 40\u202f000,00\u00a0€ × 46 / 91 "
        "jours) ; aucune affaire derrière elle à lister.")
    assert disagreements(p, figures, explained, deals) == []


def test_a_baseline_to_date_mid_quarter_and_the_whole_base() -> None:
    """16 May 2027: the header's baseline is Q2 2026 to 16 May 2026 (what the additional revenue is measured
    against): p1 20,000, p3 rejected; the objective's base is the whole Q2 2026 (over): p1 + p2 = 28,800, listed as
    its own section (the manager's « +50 % de T2 2026 »)."""
    p = _growth_plan(language="en")
    figures, explained, deals = _run(p, MID_QUARTER)
    ax = explained.axis("AX-69")
    assert (ax.baseline, ax.growth_base) == (Decimal(20000), Decimal(28800))
    en = explain_axis(p, explained, "AX-69", deals=deals, lang="en")
    assert en.baseline.splitlines() == [
        "Baseline €20,000.00: deals won 2026-04-01 – 2026-05-16, the same days a year earlier — 1 deal counted, "
        "2 not counted",
        "Left out of the baseline, which is lower by it: p3 ($5,000.00): currency without an exchange rate."]
    assert [(r["record"], r["counted"], r["rule"]) for r in en.baseline_rows] == [
        ("p1", True, "counted"), ("p2", False, "outside_period"), ("p3", False, "unknown_currency")]
    assert en.base.splitlines() == [
        "Objective's base €28,800.00: deals won 2026-04-01 – 2026-06-30, its period a year earlier — 2 deals "
        "counted, 1 not counted",
        "Left out of the objective's base, which is lower by it (and so is the objective, +50% of it): p3 "
        "($5,000.00): currency without an exchange rate."]
    assert [(r["record"], r["counted"], r["amount"]) for r in en.base_rows] == [
        ("p1", True, "€20,000.00"), ("p2", True, "€8,800.00"), ("p3", False, "$5,000.00")]
    assert disagreements(p, figures, explained, deals) == []


def test_no_baseline_no_section() -> None:
    """An axis with nothing won a year earlier (baseline 0, nothing to list): the explanation is as it was."""
    p = _growth_plan(rate=None, language="en")
    figures, explained, deals = _run(p, MID_QUARTER, deals=(won("d1", "a1", "1000", date(2027, 4, 20)),))
    en = explain_axis(p, explained, "AX-69", deals=deals, lang="en")
    assert (en.baseline, en.baseline_rows, en.base, en.base_rows) == ("", (), "", ())
    assert [r["record"] for r in en.rows] == ["d1"]
    assert disagreements(p, figures, explained, deals) == []
