"""What the report computes before formatting: totals, groups, trends, gaps, labels."""

import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pac_core.plan import ActivityType, AxisState, AxisStatus, Counting
from pac_core.results import Pace, PlanTotals
from sync_jobs.report import i18n, render_html
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.view import (
    action_rows,
    action_trend,
    action_what,
    action_when,
    axis_status,
    by_axis,
    by_rep,
    current_label,
    gaps,
    person_name,
    plan_totals,
    refused_groups,
    rejected_groups,
    segment_roi_notes,
    trend,
)
from sync_jobs.report_inputs import ReportInputs, SnapshotPoint
from tests.unit import report_fixtures as fx

FR, EN = Formatter("fr"), Formatter("en")


class TestPlanTotals:
    def test_fallback_sums_live_axes_only(self) -> None:
        """Without the engine's plan totals (older data), only live axes add up: suspended and dropped are out."""
        totals = plan_totals(fx.inputs())
        assert totals["additional"] == 114_500 + 31_500 + 94_000
        assert totals["objective"] == 150_000 + 80_000 + 120_000
        assert totals["progress"] == pytest.approx(240_000 / 350_000)
        assert totals["counted_once"] is False
        assert [r.axis.id for r in totals["left_out"]] == ["pharma-px200", "gc-salons"]

    def test_fallback_roi_is_the_cost_weighted_mean_of_live_axes(self) -> None:
        """Fallback plan ROI = Σ(roi × cost) / Σ cost over live axes, i.e. (Σ gain − Σ cost) / Σ cost."""
        expected = (1.23 * 18_000 - 0.21 * 12_000 + 0.094 * 30_000) / 60_000
        assert plan_totals(fx.inputs())["roi"] == pytest.approx(expected)

    def test_engine_totals_count_each_deal_once(self) -> None:
        """With ``Evaluation.plan`` the headline is the engine's (overlaps counted once), not a sum of axes."""
        done = PlanTotals(revenue=Decimal(900_000), baseline=Decimal(700_000), additional=Decimal(200_000),
                          objective=Decimal(350_000), progress=200_000 / 350_000, cost=Decimal(60_000), roi=0.25,
                          axis_ids=("dormants-69", "maint-ra", "pharma-mx50"),
                          left_out=("pharma-px200", "gc-salons"), overlap=Decimal(40_000))
        inputs = fx.inputs()
        totals = plan_totals(replace(inputs, evaluation=replace(inputs.evaluation, plan=done)))
        assert (totals["additional"], totals["roi"], totals["counted_once"]) == (200_000, 0.25, True)
        assert totals["overlap"] == 40_000

    def test_a_suspension_that_has_ended_counts_again(self) -> None:
        """A suspended axis is live again once the engine no longer marks it inactive (its until-day passed)."""
        inputs = fx.inputs()
        axes = tuple(replace(a, pace=Pace.ON_TRACK) if a.axis_id == "pharma-px200" else a
                     for a in inputs.evaluation.axes)
        totals = plan_totals(replace(inputs, evaluation=replace(inputs.evaluation, axes=axes)))
        assert totals["additional"] == 114_500 + 31_500 + 70_000 + 94_000


class TestSegmentRoiNotes:
    def test_a_segment_below_all_its_axes_is_explained(self) -> None:
        """A segment whose ROI is below each of its live axes' ROI gets a note with the figures."""
        inputs = fx.inputs()
        segments = tuple(replace(s, roi=-0.54) if s.segment_id == "rhone-alpes" else s
                         for s in inputs.evaluation.segments)
        axes = tuple(replace(a, roi=0.34) if a.axis_id == "maint-ra" else a for a in inputs.evaluation.axes)
        notes = segment_roi_notes(replace(inputs, evaluation=replace(inputs.evaluation, segments=segments,
                                                                       axes=axes)))
        assert notes == [("Rhône-Alpes", -0.54, [1.23, 0.34])]

    def test_no_note_when_the_segment_is_within_its_axes(self) -> None:
        """The fixture's segments sit between their axes' ROI: nothing to explain."""
        assert segment_roi_notes(fx.inputs()) == []


class TestGrouping:
    def test_actions_are_ordered_by_rep_then_by_start(self) -> None:
        """Who does what and when: reps in alphabetical order, each rep's actions in time order."""
        rows = action_rows(fx.inputs())
        assert [g.name for g in by_rep(rows)] == ["Julie Martin", "Léa Rousseau", "Marc Dubois", "Sophie Bernard"]
        assert [r.action.id for r in by_rep(rows)[0].rows] == ["A-01", "A-02", "A-09"]

    def test_counts_per_axis_and_pace(self) -> None:
        """Per axis, the count of actions in each pace."""
        counts = dict((axis.id, c) for axis, c in by_axis(fx.inputs(), action_rows(fx.inputs())))
        assert counts["dormants-69"] == {Pace.LATE: 1, Pace.DONE: 1, Pace.ON_TRACK: 1}
        assert "gc-salons" not in counts

    def test_unknown_person_falls_back_to_email(self) -> None:
        """An action owner missing from people and the CRM is shown by e-mail rather than hidden."""
        inputs = fx.inputs()
        plan = replace(inputs.plan, people=())
        rows = action_rows(replace(inputs, plan=plan, people={}))
        assert rows[0].who_name.endswith("@durand-process.example")

    def test_rejections_are_grouped_by_reason_most_frequent_first(self) -> None:
        """Rejected records are counted per (source, object, reason), without their ids."""
        groups = rejected_groups(fx.inputs())
        assert groups[0] == ("sf-main", "activities", "event has no account", 2)
        assert sum(n for *_, n in groups) == 5
        assert dict(refused_groups(fx.evaluation())) == {"no_account": 1, "currency": 1, "no_owner": 1}


class TestTrend:
    def test_quarterly_snapshots_then_now(self) -> None:
        """The trend has one point per quarterly snapshot, then today's evaluation labelled with its quarter."""
        points = trend(fx.inputs(), "rhone-alpes")
        assert [p.label for p in points] == ["2027-Q1", "2027-Q2", "2027-Q3"]
        assert points[0].revenue < points[1].revenue < points[2].revenue

    def test_no_snapshot_gives_a_single_point(self) -> None:
        """Without history, the trend is today's figure alone (the page then says so)."""
        assert len(trend(replace(fx.inputs(), snapshots=()), "pharma")) == 1


def _closed(label: str, kind: str, end: datetime, scale: float) -> SnapshotPoint:
    """A snapshot as ``pac snapshot`` keeps it: evaluated at its period's end (``end``, local midnight), stored
    with that instant."""
    return SnapshotPoint(label, kind, end.astimezone(UTC), fx.evaluation(end, scale=scale))


Q1_END, Q2_END, Q3_END = (datetime(2027, m, 1, tzinfo=fx.PARIS) for m in (4, 7, 10))
Q4_END = datetime(2028, 1, 1, tzinfo=fx.PARIS)
QUARTERS = (_closed("2027-Q1", "quarterly", Q1_END, 0.2), _closed("2027-Q2", "quarterly", Q2_END, 0.5),
            _closed("2027-Q3", "quarterly", Q3_END, 0.8), _closed("2027-Q4", "quarterly", Q4_END, 1.0))


def _report(as_of: datetime, scale: float, *snapshots: SnapshotPoint) -> ReportInputs:
    """The fixture's report evaluated at ``as_of`` (``pac report --quarter`` of a closed quarter: its end)."""
    return replace(fx.inputs(), evaluation=fx.evaluation(as_of, scale=scale), snapshots=snapshots)


class TestPastQuarterTrend:
    """``pac report --quarter 2027-Q2`` written later (as of 1 July 00:00, the figures to 30 June) and the report
    of a plan that is over (as of 1 January 2028 00:00): the "now" point is the quarter of the last day counted,
    and the snapshots of later periods, already in the store, are not shown. Rhône-Alpes's revenue is
    1 754 500 × the scale: 0.2 → 350 900 (Q1), 0.5 → 877 250 (Q2), 1.0 → 1 754 500 (Q4)."""

    def test_the_now_label_is_the_quarter_or_month_of_the_last_day_counted(self) -> None:
        """As of 1 July 00:00 Paris the last day counted is 30 June: 2027-Q2 / 2027-06; a microsecond later,
        1 July has begun: 2027-Q3 / 2027-07; 30 June 18:00 is still Q2."""
        q2_end = _report(Q2_END, 0.5)
        assert (current_label(q2_end), current_label(q2_end, quarterly=False)) == ("2027-Q2", "2027-06")
        later = _report(Q2_END + timedelta(microseconds=1), 0.5)
        assert (current_label(later), current_label(later, quarterly=False)) == ("2027-Q3", "2027-07")
        evening = _report(datetime(2027, 6, 30, 18, tzinfo=fx.PARIS), 0.5)
        assert current_label(evening) == "2027-Q2"

    def test_a_past_quarter_shows_no_later_snapshot(self) -> None:
        """The store holds Q1, Q2 and Q3: the Q2 report shows Q1 and Q2 only (Q2's snapshot is the report's
        own figures, so no "now" point is added)."""
        points = trend(_report(Q2_END, 0.5, *QUARTERS[:3]), "rhone-alpes")
        assert [(p.label, p.revenue) for p in points] == [("2027-Q1", 350_900), ("2027-Q2", 877_250)]

    def test_a_past_quarter_without_its_snapshot_labels_now_by_its_quarter(self) -> None:
        """Only Q1 kept: the report's own figures are the Q2 point, not a "2027-Q3" one."""
        points = trend(_report(Q2_END, 0.5, QUARTERS[0]), "rhone-alpes")
        assert [(p.label, p.revenue) for p in points] == [("2027-Q1", 350_900), ("2027-Q2", 877_250)]

    def test_the_year_end_report_adds_no_next_year_point(self) -> None:
        """The plan is over: evaluated at 1 January 2028 00:00, the last point is Q4, not "2028-Q1"."""
        points = trend(_report(Q4_END, 1.0, *QUARTERS), "rhone-alpes")
        assert [p.label for p in points] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
        assert points[-1].revenue == 1_754_500

    def test_a_restated_year_end_ends_on_its_own_figures(self) -> None:
        """``--restated`` of Q4, or ``pac report`` of the ended plan: re-evaluated at 1 January 2028 00:00 on today's
        records (late entries: scale 1.2, revenue 2 105 400) while Q4's kept snapshot says 1 754 500: the Q4 point is
        the report's own revenue, the one its segment table shows (audit janmeet F5; seen failing before the fix:
        1 754 500, the kept snapshot's)."""
        points = trend(_report(Q4_END, 1.2, *QUARTERS), "rhone-alpes")
        assert [(p.label, p.revenue) for p in points] == [("2027-Q1", 350_900), ("2027-Q2", 877_250),
                                                          ("2027-Q3", 1_403_600), ("2027-Q4", 2_105_400)]

    def test_a_restated_month_is_the_reports_own_month(self) -> None:
        """The month-by-month shares at a closed month's end are the report's evaluation, not that month's kept
        snapshot: June kept with every action at 0, the report's own June (the fixture's counts) shown as June, not
        « (aujourd'hui) » (seen failing before the fix: June read the kept snapshot, 0 done)."""
        may = _closed("2027-05", "monthly", datetime(2027, 6, 1, tzinfo=fx.PARIS), 0.5)
        ev = fx.evaluation(Q2_END, scale=0.5)
        kept_june = SnapshotPoint("2027-06", "monthly", Q2_END.astimezone(UTC),
                                  replace(ev, actions=tuple(replace(a, done=0) for a in ev.actions)))
        report = _report(Q2_END, 0.5, may, kept_june)
        points = action_trend(report)
        assert [(p.label, p.now) for p in points] == [("2027-05", False), ("2027-06", False)]
        owner = next(a.who for a in fx.plan().actions if a.id == "A-02")
        assert points[-1].reps[owner][0] > 0
        assert points[-1].reps == action_trend(_report(Q2_END, 0.5, may))[-1].reps

    def test_month_by_month_ends_with_the_quarters_last_month(self) -> None:
        """Monthly snapshots May, June and July kept: the Q2 report's months are May and June (June's snapshot
        is the report's own figures); with May alone, the "now" month is June, not July."""
        may, june, july = (_closed(label, "monthly", end, 0.5) for label, end in (
            ("2027-05", datetime(2027, 6, 1, tzinfo=fx.PARIS)), ("2027-06", Q2_END),
            ("2027-07", datetime(2027, 8, 1, tzinfo=fx.PARIS))))
        points = action_trend(_report(Q2_END, 0.5, may, june, july))
        assert [(p.label, p.now) for p in points] == [("2027-05", False), ("2027-06", False)]
        points = action_trend(_report(Q2_END, 0.5, may))
        assert [(p.label, p.now) for p in points] == [("2027-05", False), ("2027-06", True)]


def _month(label: str, day: int, done: dict[str, int], pace: Pace) -> SnapshotPoint:
    """A monthly snapshot of the fixture plan where every action has ``pace`` and the given counts."""
    ev = fx.evaluation()
    actions = tuple(replace(a, done=done.get(a.action_id, 0), pace=pace) for a in ev.actions)
    return SnapshotPoint(label, "monthly", datetime(2027, int(label[5:]), day, 21, 59, tzinfo=UTC),
                         replace(ev, actions=actions))


class TestActionTrend:
    def test_one_point_per_monthly_snapshot_then_now(self) -> None:
        """June and July from their monthly snapshots (quarterly ones ignored), then August from today's
        evaluation; paces counted per month, each rep's targets reached with done capped at each target."""
        june = _month("2027-06", 30, {"A-02": 30}, Pace.AT_RISK)       # A-02 over-achieved: 20 / 20 counted
        july = _month("2027-07", 31, {"A-01": 2, "A-02": 20}, Pace.ON_TRACK)
        inputs = replace(fx.inputs(), snapshots=(*fx.inputs().snapshots, july, june))
        points = action_trend(inputs)
        assert [(p.label, p.now) for p in points] == [("2027-06", False), ("2027-07", False), ("2027-08", True)]
        assert points[0].paces == {Pace.AT_RISK: 9} and points[1].paces == {Pace.ON_TRACK: 9}
        assert points[2].paces == dict(Counter(a.pace for a in fx.evaluation().actions))
        plan = fx.plan()
        who = next(a.who for a in plan.actions if a.id == "A-02")
        targets = {a.action_id: a.target for a in fx.evaluation().actions}
        total = sum(targets[a.id] for a in plan.actions if a.who == who)
        assert points[0].reps[who] == (20.0, float(total))
        owner_01 = next(a.who for a in plan.actions if a.id == "A-01")
        assert points[1].reps[owner_01][0] == (2.0 if owner_01 != who else 22.0)

    def test_none_without_monthly_snapshots(self) -> None:
        """Quarterly snapshots alone give no month-by-month trend."""
        assert action_trend(fx.inputs()) == []

    def test_a_reps_targets_reached_count_the_actions_begun(self) -> None:
        """At a month's end an action whose window has not begun has nothing due: it is out of its rep's share of
        targets reached, as an inactive one is, and a rep with no action begun has no share (« – »), not 0 %. A rep
        whose actions are all later in the year read « 0 % » month after month (the demo's Julie Martin, January to
        April, her first action in May), and one with twelve monthly actions could read 8 % in January with
        January's done. Seen failing before the fix: every rep in June's point with a target of all their actions."""
        plan = fx.plan()
        targets = {a.action_id: a.target for a in fx.evaluation().actions}
        owner_01 = next(a.who for a in plan.actions if a.id == "A-01")
        ev = fx.evaluation()

        def month(label: str, day: int, begun: dict[str, int]) -> SnapshotPoint:
            actions = tuple(replace(a, done=begun.get(a.action_id, 0),
                                    pace=Pace.ON_TRACK if a.action_id in begun else Pace.NOT_STARTED)
                            for a in ev.actions)
            return SnapshotPoint(label, "monthly", datetime(2027, int(label[5:]), day, 21, 59, tzinfo=UTC),
                                 replace(ev, actions=actions))

        inputs = replace(fx.inputs(), snapshots=(month("2027-06", 30, {}), month("2027-07", 31, {"A-01": 2})))
        june, july = action_trend(inputs)[:2]
        assert june.reps == {}
        assert july.reps == {owner_01: (2.0, float(targets["A-01"]))}
        page = render_html(inputs, "fr")
        months = page[page.index(i18n.labels("fr")["targets_reached"]):]
        row = months[months.index(person_name(inputs, owner_01)):]
        cells = re.findall(r'<td class="num">([^<]*)</td>', row[:row.index("</tr>")])
        assert cells[:2] == ["–", FR.percent(2 / targets["A-01"])]
        # today too with nothing begun: every rep keeps their row, « – » throughout (they left the table)
        ahead = replace(inputs, snapshots=(month("2027-06", 30, {}), month("2027-07", 31, {})),
                        evaluation=month("2027-08", 31, {}).evaluation)
        page = render_html(ahead, "fr")
        table = page[page.index(i18n.labels("fr")["targets_reached"]):]
        table = table[:table.index("</table>")]
        for who in {a.who for a in plan.actions}:
            row = table[table.index(f"<b>{person_name(ahead, who)}</b>"):]
            assert re.findall(r'<td class="num">([^<]*)</td>', row[:row.index("</tr>")]) == ["–"] * 3, who


class TestWording:
    def test_axis_status_with_rank_and_until(self) -> None:
        """Statuses read 'Prioritaire n° 1', 'Suspended until September 30, 2027', 'Abandonné'."""
        plan = fx.plan()
        assert axis_status(plan.axis("dormants-69"), FR) == "Prioritaire n° 1"
        assert axis_status(plan.axis("pharma-px200"), EN) == "Suspended until September 30, 2027"
        assert axis_status(plan.axis("gc-salons"), FR) == "Abandonné"
        open_ended = replace(plan.axis("pharma-px200"), status=AxisStatus(AxisState.SUSPENDED, reason="r"))
        assert axis_status(open_ended, FR) == "Suspendu"

    def test_a_lapsed_suspension_reads_active(self) -> None:
        """An axis whose suspension ended on 30 September is live on 15 October (its figures count it): « Actif
        (suspendu jusqu'au 30 septembre 2027) », not « Suspendu jusqu'au … » beside a live pace (seen failing before
        the fix: the suspension's words)."""
        axis = fx.plan().axis("pharma-px200")
        assert axis_status(axis, FR, date(2027, 10, 15)) == "Actif (suspendu jusqu'au 30 septembre 2027)"
        assert axis_status(axis, EN, date(2027, 10, 15)) == "Active (suspended until September 30, 2027)"
        assert axis_status(axis, EN, date(2027, 9, 30)) == "Suspended until September 30, 2027"

    def test_what_and_when_of_an_action(self) -> None:
        """What: count, activity and counting rule; when: the days, with the manager's words."""
        action = fx.plan().action("A-01")
        assert action_what(action, FR) == "5 visites · comptes distincts"
        assert action_when(action, EN) == "May 3–9, 2027 (semaine 18)"
        assert action_when(fx.plan().action("A-05"), FR) == "1er mai – 15 juillet 2027"

    def test_what_of_a_single_activity_is_singular(self) -> None:
        """« Faire 1 démonstration en mars » reads « 1 démonstration », not « 1 démonstrations » (audit reporthand:
        the actions' table, the workbook and the CSV read « 1 démonstrations · comptes distincts » / "1 demos");
        French takes the singular for 0 and 1, as ``i18n.counted`` does, English for 1 only."""
        action = fx.plan().action("A-01")
        one_demo = replace(action, activity_type=ActivityType.DEMO, target=1)
        assert action_what(one_demo, FR) == "1 démonstration · comptes distincts"
        assert action_what(one_demo, EN) == "1 demo · distinct accounts"
        one_visit = replace(action, target=1, counting=Counting.ACTIVITIES)
        assert action_what(one_visit, FR) == "1 visite · chaque activité"
        assert action_what(one_visit, EN) == "1 visit · each activity"
        one_meeting = replace(action, activity_type=ActivityType.MEETING, target=1)
        assert action_what(one_meeting, FR) == "1 rendez-vous · comptes distincts"
        assert action_what(one_meeting, EN) == "1 meeting · distinct accounts"
        one_follow_up = replace(action, activity_type=ActivityType.QUOTE_FOLLOW_UP, target=1)
        assert action_what(one_follow_up, FR) == "1 relance de devis · comptes distincts"
        assert action_what(one_follow_up, EN) == "1 quote follow-up · distinct accounts"
        two_calls = replace(action, activity_type=ActivityType.CALL, target=2)
        assert action_what(two_calls, FR) == "2 appels · comptes distincts"
        assert action_what(two_calls, EN) == "2 calls · distinct accounts"

    def test_gaps_keep_intentions_objectives_and_vague_actions(self) -> None:
        """Gaps: anything not an action, or an action missing who/what/how many/when; not info-only gaps."""
        inputs = replace(fx.inputs(), lint=(*fx.inputs().lint,
                                            {"text": "Visiter 5 clients", "kind": "action",
                                             "missing": ["info_needed"], "parsed": {}},
                                            {"text": "Visiter des clients en mai", "kind": "action",
                                             "missing": ["how_many"], "parsed": {}}))
        texts = [g["text"] for g in gaps(inputs)]
        assert "Rencontrer le PDG de Sanofi" in texts and "Visiter tous mes clients dormants" in texts
        assert "Visiter des clients en mai" in texts
        assert "Visiter 5 clients dormants du 69 en semaine 18" not in texts

    def test_actions_missing_only_the_complement_come_last_with_what_is_missing(self) -> None:
        """An action lacking only 'what information, from whom' is listed after the vague ones, flagged."""
        inputs = replace(fx.inputs(), lint=(*fx.inputs().lint,
                                            {"action_id": "A-04", "text": "Visiter 12 clients de Savoie en septembre",
                                             "kind": "action", "missing": ["info_needed", "info_source"]}))
        found = gaps(inputs)
        last = found[-1]
        assert (last["id"], last["complement"], last["missing"]) == ("A-04", True, ["info_needed", "info_source"])
        assert not any(g["complement"] for g in found[:-1])


class TestDictionaries:
    def test_french_and_english_have_the_same_keys(self) -> None:
        """Every label exists in both languages."""
        assert set(i18n.FR) == set(i18n.EN)
        for kind, by_lang in i18n.ENUMS.items():
            assert set(by_lang["fr"]) == set(by_lang["en"]), kind

    def test_every_engine_code_has_words(self) -> None:
        """Each pace, axis state, rule, activity type and segment kind of the domain has a label."""
        from pac_core.plan import SegmentKind
        from pac_core.results import Rule
        for kind, enum in (("pace", Pace), ("state", AxisState), ("rule", Rule), ("segment_kind", SegmentKind)):
            for member in enum:
                assert member.value in i18n.ENUMS[kind]["fr"], (kind, member)
        for member in ActivityType:     # counted phrases, singular and plural (« 1 démonstration »)
            for lang in ("fr", "en"):
                assert f"activity_{member.value}" in i18n.COUNTED[lang], (lang, member)

    def test_every_object_a_run_counts_has_words(self) -> None:
        """What a run reads (ObjectKind) and where it writes (Target: axis, action, account) are worded in both
        languages (audit janmeet F3: « axis | – | 2 » in « Les données derrière les chiffres »)."""
        from connectors.base import ObjectKind, Target
        codes = {k.value for k in ObjectKind} | {t.value for t in Target}
        assert {"axis", "action", "account"} <= codes
        for lang in ("fr", "en"):
            assert codes <= set(i18n.ENUMS["object"][lang]), codes - set(i18n.ENUMS["object"][lang])

    def test_counted_phrases_agree_in_number(self) -> None:
        """'1 action manquée' / '4 actions manquées'; French singular for 0 and 1, English for 1 only."""
        assert i18n.counted("pace_late", 1, "fr") == "1 action manquée"
        assert i18n.counted("pace_late", 4, "fr") == "4 actions manquées"
        assert i18n.counted("pace_at_risk", 2, "fr") == "2 actions à risque"
        assert i18n.counted("action", 0, "fr") == "0 action"
        assert i18n.counted("action", 0, "en") == "0 actions"
        assert i18n.counted("pace_late", 1, "en") == "1 missed action"
        assert i18n.counted("pace_at_risk", 3, "en", "3") == "3 actions at risk"
        assert set(i18n.COUNTED["fr"]) == set(i18n.COUNTED["en"])

    def test_pace_words_say_the_same_thing_in_both_languages(self) -> None:
        """At risk (window open, behind) and missed (window closed, target missed) read alike in fr and en."""
        fr, en = i18n.ENUMS["pace"]["fr"], i18n.ENUMS["pace"]["en"]
        assert (fr["at_risk"], en["at_risk"]) == ("À risque", "At risk")
        assert (fr["late"], en["late"]) == ("Manquée", "Missed")

    def test_unknown_code_is_shown_readably(self) -> None:
        """A code the dictionaries do not know yet is shown with spaces, not dropped."""
        assert i18n.enum_label("decision", "some_new_rule", "fr") == "some new rule"
