"""One coherent recommendation per axis, roll-out to segments of any kind, and declared context changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from pac_core.engine import evaluate
from pac_core.plan import ContextChange, ContextKind, Impact, Segment, SegmentKind
from pac_core.records import DealLine, DealStage, Records, User
from pac_core.results import Rule
from pac_core.scopes import Condition, Scope
from sync_jobs.report.fmt import Formatter
from tests.unit.test_engine_support import JULIE, MARC, PARIS, USERS, account, action, axis, plan, visit, won

RHONE = Segment("SEG-69", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",)),)))
ISERE = Segment("SEG-38", "Isère", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("38",)),)))
PHARMA = Segment("SEG-PH", "Pharmacie", SegmentKind.VERTICAL,
                 Scope((Condition("industry", "in", ("pharmaceutique",)),)))
ACCOUNTS = (account("r1", "69003", name="Lyon Chimie"), account("i1", "38000"),
            account("p1", "75001", industry="Pharmaceutique", region="Île-de-France"))
MAY = datetime(2027, 5, 20, tzinfo=PARIS)
AUGUST = datetime(2027, 8, 15, tzinfo=PARIS)
CLIENTS = Scope((Condition("account_type", "in", ("client",)),))


def _deals(r_now: str, r_then: str, i_now: str, i_then: str, p_now: str = "10000", p_then: str = "10000") -> list:
    return [won("r-now", "r1", r_now, date(2027, 2, 1)), won("r-then", "r1", r_then, date(2026, 2, 1)),
            won("i-now", "i1", i_now, date(2027, 2, 1)), won("i-then", "i1", i_then, date(2026, 2, 1)),
            won("p-now", "p1", p_now, date(2027, 2, 1)), won("p-then", "p1", p_then, date(2026, 2, 1))]


def _run(deals, as_of, *, axes, segments=(RHONE, ISERE), context=(), users=USERS, actions=None, accounts=ACCOUNTS,
         activities=()):
    p = plan(*(actions or (action(axis_id=axes[0].id),)), axes=axes, segments=segments)
    p = replace(p, context=tuple(context))
    records = Records(accounts=accounts, activities=tuple(activities), deals=tuple(deals), users=users)
    return evaluate(p, records, as_of=as_of).recommendations


def _by_axis(recs) -> dict[str, object]:
    assert len({r.axis_id for r in recs}) == len(recs), "one recommendation per axis"
    return {r.axis_id: r for r in recs}


class TestOneRecommendationPerAxis:
    def test_drop_wins_over_prioritise_and_keeps_its_evidence(self) -> None:
        """Rhône falls 40 % and its axis loses money after mid-year: drop it (the better axis exists), never
        also prioritise it; the prioritise rule's figures stay visible as overruled."""
        axes = (axis("AX-69", "SEG-69", budget="50000", name="Rhône"), axis("AX-38", "SEG-38", budget="1000"))
        recs = _run(_deals("30000", "50000", "20000", "10000"), AUGUST, axes=axes)
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.DROP and rec.evidence["in_favour_of"] == "AX-38"
        [lost] = rec.overruled
        assert lost.rule is Rule.PRIORITISE and abs(lost.evidence["trend"] + 0.4) < 1e-9
        assert lost.summary.startswith("Prioriser l'axe « Rhône »")

    def test_every_axis_at_most_once(self) -> None:
        """Whatever fires, an axis appears once in the advice."""
        axes = (axis("AX-69", "SEG-69", budget="50000", products=("PX200",)), axis("AX-38", "SEG-38", budget="1000"))
        ctx = (ContextChange(ContextKind.CAPACITY, product="PX200", capacity=Decimal(1)),)
        deals = [*_deals("30000", "50000", "20000", "10000"),
                 won("px", "r1", "1", date(2027, 8, 1), lines=(DealLine("PX200", Decimal(5)),))]
        recs = _run(deals, AUGUST, axes=axes, context=ctx)
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.SUSPEND and [o.rule for o in rec.overruled] == [Rule.DROP, Rule.PRIORITISE]


class TestRollOut:
    def test_to_a_vertical_segment_and_never_where_an_equivalent_axis_runs(self) -> None:
        """Rhône's client axis pays back fast; Isère lags but already runs the same axis at a loss (left out,
        named as already running); the pharmaceutical segment (vertical) lags and runs none: roll out there."""
        axes = (axis("AX-69", "SEG-69", scope=CLIENTS, budget="5000"),
                axis("AX-38", "SEG-38", scope=CLIENTS, budget="50000", additional="1000"),
                axis("AX-PH", "SEG-PH", budget="1000", products=("MX50",)))
        recs = _run(_deals("150000", "50000", "10000", "10000", "9000", "10000"), MAY, axes=axes,
                    segments=(RHONE, ISERE, PHARMA),
                    accounts=tuple(replace(a, account_type="Client") for a in ACCOUNTS),
                    activities=(visit("v-r1", "r1", datetime(2027, 5, 4, 9, tzinfo=PARIS)),))   # carried out
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.ROLL_OUT
        assert rec.evidence["to_segments"] == ["SEG-PH"] and rec.evidence["to_segment_kinds"] == {"SEG-PH": "vertical"}
        assert rec.evidence["already_running"]["SEG-38"]["axis"] == "AX-38"
        assert rec.evidence["already_running"]["SEG-38"]["roi"] < 0
        assert "« Pharmacie »" in rec.summary and "Isère" not in rec.summary


class TestContext:
    def test_declared_rep_leaving_reassigns_her_open_actions(self) -> None:
        """Julie leaves on 5 May, her week-18 action is still open: reassign it (plan-declared)."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.REP_LEAVING, on=date(2027, 5, 5), who=JULIE, note="mutation"),)
        recs = _run(_deals("50000", "50000", "10000", "10000"), datetime(2027, 4, 1, tzinfo=PARIS), axes=axes,
                    context=ctx)
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.REASSIGN
        assert rec.evidence["leaving"] == [{"who": JULIE, "on": "2027-05-05", "declared": "plan", "note": "mutation",
                                             "actions": ["A-01"]}]
        assert rec.summary == ("Réaffecter les actions A-01 de l'axe « AX-69 » : julie.martin@durand-process.example "
                               "s'en va (départ le 5 mai 2027). Dans le plan, changez who: et ajoutez handed_over: "
                               "{from: julie.martin@durand-process.example, on: 2027-05-05} pour garder les activités "
                               "déjà faites.")

    def test_leaving_after_the_window_needs_nothing(self) -> None:
        """Leaving on 10 May, the first day after week 18: the action ends before, nothing to reassign."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.REP_LEAVING, on=date(2027, 5, 10), who=JULIE),)
        recs = _run(_deals("50000", "50000", "10000", "10000"), datetime(2027, 4, 1, tzinfo=PARIS), axes=axes,
                    context=ctx)
        assert Rule.REASSIGN not in {r.rule for r in recs}

    def test_rep_inactive_in_the_crm(self) -> None:
        """Julie's CRM user is deactivated: the CRM shows she left; her open action is to reassign."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        users = (User("005J", "sf", JULIE, "Julie Martin", active=False), User("005M", "sf", MARC))
        recs = _run(_deals("50000", "50000", "10000", "10000"), datetime(2027, 4, 1, tzinfo=PARIS), axes=axes,
                    users=users)
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.REASSIGN and rec.evidence["leaving"][0]["declared"] == "crm"

    def test_lost_key_account_prioritises_its_segment(self) -> None:
        """« Lyon Chimie » is lost on 1 April: the Rhône axis becomes a priority, with the 12 months of revenue
        to replace: 1 Apr 2026 - 31 Mar 2027 holds the deal of 1 Feb 2027 (50,000 €), not the one of 1 Feb 2026."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.LOST_KEY_ACCOUNT, on=date(2027, 4, 1), account="lyon chimie"),)
        recs = _run(_deals("50000", "50000", "10000", "10000"), MAY, axes=axes, context=ctx)
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.PRIORITISE and rec.evidence["triggers"] == ["lost_key_account"]
        assert rec.evidence["lost_accounts"] == [{"account": "Lyon Chimie", "id": "r1", "on": "2027-04-01",
                                                  "revenue_12m": "50000", "declared": "plan"}]
        assert "compte clé perdu (Lyon Chimie, 50\u202f000\u00a0€ sur 12 mois à remplacer)" in rec.summary

    def test_lost_key_account_in_the_plans_currency(self) -> None:
        """The revenue to replace is written in the plan's currency, as the report writes money (audit G5: a plan in
        dollars read « 12 110 € »). « Lyon Chimie » is lost on 15 March 2027; the 12 months before, 15 March 2026 to
        14 March 2027, hold 10 + 12 000 + 100.50 = 12 110.50 (1 on 14 March 2026 and 1 000 on the loss day are out),
        rounded half up to 12 111 (Babel alone rounds half to even: 12 110)."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.LOST_KEY_ACCOUNT, on=date(2027, 3, 15), account="Lyon Chimie"),)
        day_amount = ((date(2026, 3, 14), "1"), (date(2026, 3, 15), "10"), (date(2026, 9, 1), "12000"),
                      (date(2027, 3, 14), "100.50"), (date(2027, 3, 15), "1000"))
        expected = {("USD", "fr"): "12\u202f111\u00a0$US", ("USD", "en"): "$12,111",
                    ("GBP", "en"): "£12,111", ("EUR", "en"): "€12,111", ("EUR", "fr"): "12\u202f111\u00a0€"}
        for (currency, lang), figure in expected.items():
            deals = [won(f"k{i}", "r1", amount, day, currency=currency) for i, (day, amount) in enumerate(day_amount)]
            p = replace(plan(action(axis_id="AX-69"), axes=axes, segments=(RHONE, ISERE), language=lang),
                        currency=currency, context=ctx)
            ev = evaluate(p, Records(accounts=ACCOUNTS, deals=tuple(deals), users=USERS), as_of=MAY)
            rec = _by_axis(ev.recommendations)["AX-69"]
            assert rec.evidence["lost_accounts"][0]["revenue_12m"] == "12110.50"
            assert Formatter(lang, currency).money(Decimal("12110.50")) == figure   # the report's evidence row
            said = (f"compte clé perdu (Lyon Chimie, {figure} sur 12 mois à remplacer)" if lang == "fr"
                    else f"key account lost (Lyon Chimie, {figure} over 12 months to replace)")
            assert said in rec.summary, (currency, lang, rec.summary)

    def test_lost_key_account_read_from_a_crm_field(self) -> None:
        """With crm_field: custom.lost_on, the account whose field holds a date is the lost one."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        accounts = (replace(ACCOUNTS[0], custom={"lost_on": "2027-04-01"}), *ACCOUNTS[1:])
        ctx = (ContextChange(ContextKind.LOST_KEY_ACCOUNT, crm_field="custom.lost_on"),)
        recs = _run(_deals("50000", "50000", "10000", "10000"), MAY, axes=axes, context=ctx, accounts=accounts)
        rec = _by_axis(recs)["AX-69"]
        assert rec.rule is Rule.PRIORITISE and rec.evidence["lost_accounts"][0]["declared"] == "crm"

    def test_market_events(self) -> None:
        """A threat on Isère suspends its axis; an opportunity on Rhône prioritises its axis."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.MARKET_EVENT, segment_id="SEG-38", impact=Impact.THREAT,
                             note="concurrent allemand", until=date(2027, 9, 30)),
               ContextChange(ContextKind.MARKET_EVENT, segment_id="SEG-69", impact=Impact.OPPORTUNITY,
                             note="nouvelle norme", on=date(2027, 5, 1)))
        recs = _by_axis(_run(_deals("50000", "50000", "10000", "10000"), MAY, axes=axes, context=ctx))
        assert recs["AX-38"].rule is Rule.SUSPEND and "menace de marché : concurrent allemand" in recs["AX-38"].summary
        # its last day as every other sentence writes a day (it read « (jusqu'au 30/09/2027) », "(until 2027-09-30)")
        assert recs["AX-38"].summary.endswith("(jusqu'au 30 septembre 2027).")
        assert recs["AX-38"].text("en").endswith("(until September 30, 2027).")
        assert recs["AX-69"].rule is Rule.PRIORITISE and recs["AX-69"].evidence["triggers"] == ["market_opportunity"]

    def test_event_not_yet_in_force(self) -> None:
        """An opportunity from 1 June is not acted on in May."""
        axes = (axis("AX-69", "SEG-69"), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.MARKET_EVENT, segment_id="SEG-69", impact=Impact.OPPORTUNITY,
                             on=date(2027, 6, 1)),)
        assert _run(_deals("50000", "50000", "10000", "10000"), MAY, axes=axes, context=ctx) == ()

    def test_capacity_declared_in_the_plan(self) -> None:
        """A PX200 capacity of 10 per quarter declared in the plan (none in the settings): 9 won of 10 suspends."""
        axes = (axis("AX-69", "SEG-69", products=("PX200",)), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.CAPACITY, product="PX200", capacity=Decimal(10)),)
        deals = [*_deals("50000", "50000", "10000", "10000"),
                 won("px", "r1", "1", date(2027, 5, 2), lines=(DealLine("PX200", Decimal(9)),))]
        rec = _by_axis(_run(deals, MAY, axes=axes, context=ctx))["AX-69"]
        assert rec.rule is Rule.SUSPEND and rec.evidence["products"][0]["capacity"] == "10"

    def test_lines_keyed_by_product_name_count_for_the_code(self) -> None:
        """Salesforce's default mapping keys a line by Product2.Name ("Pompe doseuse PX200"); the plan names the
        product by its code. Capacity 40, 31 won + 20 open x 0.5 = 102.5 %: suspend (failed before: no advice,
        the load looked up under "PX200" found nothing)."""
        axes = (axis("AX-69", "SEG-69", products=("PX200",)), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.CAPACITY, product="PX200", capacity=Decimal(40)),)

        def line(quantity: int) -> tuple[DealLine, ...]:
            return (DealLine("Pompe doseuse PX200", Decimal(quantity), code="PX200", name="Pompe doseuse PX200"),)
        deals = [*_deals("50000", "50000", "10000", "10000"),
                 won("d1", "r1", "1", date(2027, 4, 10), lines=line(1)),
                 won("d4", "r1", "1", date(2027, 5, 5), lines=line(30)),
                 won("d5", "r1", "1", date(2027, 6, 28), stage=DealStage.OPEN, lines=line(20))]
        rec = _by_axis(_run(deals, MAY, axes=axes, context=ctx))["AX-69"]
        assert rec.rule is Rule.SUSPEND
        [row] = rec.evidence["products"]
        assert (row["product"], row["won"], row["committed"], row["load"]) == ("PX200", "31", "10.0", 1.025)

    def test_deals_won_after_the_evaluation_date_were_still_open_then(self) -> None:
        """Evaluated on 20 May: PX200 deals won on 2 and 28 June were open that day, so they weigh as committed
        (capacity 40: 9 won + 36 x 0.5 = 67.5 %, no suspension). Failed before: 45 "won" on 20 May, 112.5 %,
        suspend, while the same evaluation's revenue to date had none of them."""
        axes = (axis("AX-69", "SEG-69", products=("PX200",)), axis("AX-38", "SEG-38"))
        ctx = (ContextChange(ContextKind.CAPACITY, product="PX200", capacity=Decimal(40)),)
        deals = [*_deals("50000", "50000", "10000", "10000"),
                 won("may", "r1", "1", date(2027, 5, 2), lines=(DealLine("PX200", Decimal(9)),)),
                 won("june", "r1", "1", date(2027, 6, 2), lines=(DealLine("PX200", Decimal(30)),)),
                 won("late", "r1", "1", date(2027, 6, 28), lines=(DealLine("PX200", Decimal(6)),))]
        recs = _by_axis(_run(deals, MAY, axes=axes, context=ctx))
        assert "AX-69" not in recs or recs["AX-69"].rule is not Rule.SUSPEND
        later = _by_axis(_run(deals, datetime(2027, 6, 29, tzinfo=PARIS), axes=axes, context=ctx))["AX-69"]
        assert later.rule is Rule.SUSPEND and later.evidence["products"][0]["won"] == "45"



class TestSnapshot:
    def test_overruled_rules_survive_the_snapshot(self) -> None:
        """A recommendation with an overruled rule round-trips through the snapshot payload unchanged."""
        from pac_core.snapshots import evaluation_from_payload, snapshot_payload

        axes = (axis("AX-69", "SEG-69", budget="50000", name="Rhône"), axis("AX-38", "SEG-38", budget="1000"))
        p = plan(action(axis_id="AX-69"), axes=axes, segments=(RHONE, ISERE))
        evaluation = evaluate(p, Records(accounts=ACCOUNTS, deals=tuple(_deals("30000", "50000", "20000", "10000")),
                                         users=USERS), as_of=AUGUST)
        assert any(r.overruled for r in evaluation.recommendations)
        assert evaluation_from_payload(snapshot_payload(evaluation)) == evaluation
