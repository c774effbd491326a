"""The advisor's four rules: each fires on a scenario built for it and stays silent on a neutral one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import AxisState, AxisStatus, Segment, SegmentKind
from pac_core.records import DealLine, DealStage, Records
from pac_core.results import Rule
from pac_core.scopes import Condition, Scope
from pac_core.window import Window
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, visit, won

SEGMENTS = (
    Segment("SEG-69", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",)),))),
    Segment("SEG-38", "Isère", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("38",)),))),
)
ACCOUNTS = (account("r1", "69003"), account("i1", "38000"))
CAPACITY = EngineSettings(capacity={"PX200": Decimal("100")})
NEUTRAL_AS_OF = datetime(2027, 4, 1, tzinfo=PARIS)
FEBRUARY = Window(datetime(2027, 2, 1, tzinfo=PARIS), datetime(2027, 3, 1, tzinfo=PARIS), "février")
VISITS = (visit("v-r1", "r1", datetime(2027, 2, 10, 9, tzinfo=PARIS)),)     # AX-69's action carried out


def _deals(rhone_now: str, rhone_before: str, isere_now: str, isere_before: str) -> list:
    return [won("r-now", "r1", rhone_now, date(2027, 2, 1)), won("r-then", "r1", rhone_before, date(2026, 2, 1)),
            won("i-now", "i1", isere_now, date(2027, 2, 1)), won("i-then", "i1", isere_before, date(2026, 2, 1))]


def _advise(deals, as_of, *, settings=CAPACITY, language="fr", statuses=None, visits=VISITS):
    statuses = statuses or {}
    axes = (axis("AX-69", "SEG-69", budget="5000", products=("PX200",), name="Grands comptes du Rhône",
                 status=statuses.get("AX-69", AxisStatus())),
            axis("AX-38", "SEG-38", budget="5000", name="Relance Isère", status=statuses.get("AX-38", AxisStatus())))
    p = plan(action(axis_id="AX-69", window=FEBRUARY), axes=axes, segments=SEGMENTS, language=language)
    ev = evaluate(p, Records(accounts=ACCOUNTS, activities=tuple(visits), deals=tuple(deals), users=USERS),
                  as_of=as_of, settings=settings)
    return ev.recommendations


def _rules(recommendations) -> list[tuple[Rule, str]]:
    return [(r.rule, r.axis_id) for r in recommendations]


class TestNeutral:
    def test_silent_on_a_neutral_quarter(self) -> None:
        """Modest growth everywhere, early in the year, production far from capacity: no recommendation."""
        deals = [*_deals("60000", "50000", "12000", "10000"),
                 won("q", "r1", "1000", date(2027, 3, 1), lines=(DealLine("PX200", Decimal("30")),))]
        assert _advise(deals, NEUTRAL_AS_OF) == ()


class TestRollOut:
    def test_fast_roi_axis_rolls_out_to_lagging_territory(self) -> None:
        """Rhône's axis pays back in a month while Isère is flat: roll it out to Isère."""
        recs = _advise(_deals("150000", "50000", "10000", "10000"), NEUTRAL_AS_OF)
        [rec] = [r for r in recs if r.rule is Rule.ROLL_OUT]
        assert (rec.axis_id, rec.segment_id, rec.evidence["to_segments"]) == ("AX-69", "SEG-69", ["SEG-38"])
        assert rec.evidence["min_roi"] == 0.5 and rec.evidence["max_months_to_roi"] == 6.0
        assert rec.summary.startswith("Déployer l'axe « Grands comptes du Rhône »") and "« Isère »" in rec.summary

    def test_no_roll_out_of_an_axis_nobody_carried_out(self) -> None:
        """The same fast ROI with no activity counted on the axis's actions: the growth is the market's, not the
        axis's doing; nothing to roll out."""
        recs = _advise(_deals("150000", "50000", "10000", "10000"), NEUTRAL_AS_OF, visits=())
        assert Rule.ROLL_OUT not in {r.rule for r in recs}
        assert Rule.ROLL_OUT in {r.rule for r in _advise(_deals("150000", "50000", "10000", "10000"), NEUTRAL_AS_OF)}

    def test_no_roll_out_when_others_grow(self) -> None:
        """The same fast axis is not rolled out when Isère already grows by 20 %."""
        recs = _advise(_deals("150000", "50000", "12000", "10000"), NEUTRAL_AS_OF)
        assert Rule.ROLL_OUT not in {r.rule for r in recs}

    def test_summary_in_english(self) -> None:
        """An English plan gets English sentences."""
        recs = _advise(_deals("150000", "50000", "10000", "10000"), NEUTRAL_AS_OF, language="en")
        assert recs[0].summary.startswith('Roll out axis "Grands comptes du Rhône"')


class TestDrop:
    def test_weak_axis_dropped_in_favour_of_best(self) -> None:
        """Past 60 % of the year with no additional revenue, Isère's axis is dropped for Rhône's."""
        recs = _advise(_deals("150000", "50000", "10000", "10000"), datetime(2027, 8, 15, tzinfo=PARIS))
        [rec] = [r for r in recs if r.rule is Rule.DROP]
        assert (rec.axis_id, rec.evidence["in_favour_of"]) == ("AX-38", "AX-69")
        assert rec.evidence["roi"] == -1.0 and rec.evidence["max_roi"] == 0.0 and rec.evidence["min_elapsed"] == 0.5

    def test_not_dropped_too_early(self) -> None:
        """The same weak axis is not dropped after only a quarter of the year."""
        recs = _advise(_deals("150000", "50000", "10000", "10000"), NEUTRAL_AS_OF)
        assert Rule.DROP not in {r.rule for r in recs}


class TestPrioritise:
    def test_falling_segment_axes_become_priorities(self) -> None:
        """Isère's revenue is down 20 %: its axis becomes a priority."""
        recs = _advise(_deals("60000", "50000", "8000", "10000"), NEUTRAL_AS_OF)
        [rec] = [r for r in recs if r.rule is Rule.PRIORITISE]
        assert (rec.axis_id, rec.segment_id) == ("AX-38", "SEG-38")
        assert abs(rec.evidence["trend"] + 0.2) < 1e-9 and rec.evidence["min_decline"] == 0.1

    def test_already_prioritised_axis_is_left_alone(self) -> None:
        """An axis already prioritised gets no second prioritise recommendation."""
        statuses = {"AX-38": AxisStatus(AxisState.PRIORITISED, rank=1)}
        recs = _advise(_deals("60000", "50000", "8000", "10000"), NEUTRAL_AS_OF, statuses=statuses)
        assert Rule.PRIORITISE not in {r.rule for r in recs}


class TestSuspend:
    def _deals(self, won_qty: str, open_qty: str) -> list:
        return [*_deals("60000", "50000", "12000", "10000"),
                won("w", "r1", "1000", date(2027, 3, 1), lines=(DealLine("PX200", Decimal(won_qty)),)),
                won("o", "r1", "1000", date(2027, 3, 20), stage=DealStage.OPEN,
                    lines=(DealLine("PX200", Decimal(open_qty)),))]

    def test_overloaded_product_suspends_its_axis(self) -> None:
        """60 won + 60 open x 0.5 = 90 of a capacity of 100 reaches the 90 % threshold: suspend."""
        recs = _advise(self._deals("60", "60"), datetime(2027, 3, 25, tzinfo=PARIS))
        [rec] = [r for r in recs if r.rule is Rule.SUSPEND]
        assert rec.axis_id == "AX-69" and rec.evidence["quarter"] == "2027-Q1"
        assert rec.evidence["products"][0]["load"] == 0.9 and rec.evidence["min_load"] == 0.9

    def test_below_capacity_no_suspension(self) -> None:
        """50 won + 60 open x 0.5 = 80 % of capacity: no suspension."""
        recs = _advise(self._deals("50", "60"), datetime(2027, 3, 25, tzinfo=PARIS))
        assert Rule.SUSPEND not in {r.rule for r in recs}

    def test_without_configured_capacity_nothing_fires(self) -> None:
        """No capacity configured for the product: the rule cannot judge and stays silent."""
        recs = _advise(self._deals("600", "600"), datetime(2027, 3, 25, tzinfo=PARIS), settings=EngineSettings())
        assert Rule.SUSPEND not in {r.rule for r in recs}
