"""Plan files: the example loads exactly; every bad input gives located problems, all at once."""

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.planfile import check_plan_file, load_plan, load_plan_text, plan_fingerprint, plan_summary
from pac_core.errors import InvalidInput
from pac_core.plan import ActionStatus, ActivityType, AxisState, Counting, SegmentKind
from pac_core.scopes import Condition

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "plans" / "example.pac.yaml"
DATA = ROOT / "tests" / "data" / "plans"
MINIMAL = (DATA / "minimal.pac.yaml").read_text(encoding="utf-8")


def lines(path: Path) -> list[str]:
    return [str(p) for p in check_plan_file(path)]


def text_problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load_plan_text(text, "t.pac.yaml")
    return [str(p) for p in info.value.problems]


class TestExamplePlan:
    def test_loads_with_expected_counts(self) -> None:
        """The shipped example is valid: 6 segments, 8 axes, 20 actions."""
        plan = load_plan(EXAMPLE)
        assert plan_summary(plan) == "6 segments, 8 axes, 20 actions"
        assert (plan.name, plan.timezone, plan.currency, plan.language) == (
            "PAC 2027 — Durand Process", "Europe/Paris", "EUR", "fr")

    def test_action_a01_is_the_worked_example(self) -> None:
        """A-01 is Julie's 5 dormant customers of the 69 in ISO week 18 of 2027 (Paris time)."""
        plan = load_plan(EXAMPLE)
        a01 = plan.action("A-01")
        assert a01.text == "Visiter 5 clients dormants du 69 en semaine 18"
        assert a01.who == "julie.martin@durand-process.example"
        assert (a01.activity_type, a01.target, a01.counting) == (ActivityType.VISIT, 5, Counting.DISTINCT_ACCOUNTS)
        assert a01.scope.conditions == (
            Condition("departement", "in", ("69",), "département 69"),
            Condition("dormant", "dormant_months", (12,), "dormant 12 mois"))
        assert a01.window.start.astimezone(UTC) == datetime(2027, 5, 2, 22, tzinfo=UTC)
        assert a01.window.end.astimezone(UTC) == datetime(2027, 5, 9, 22, tzinfo=UTC)
        axis = plan.axis(a01.axis_id)
        assert "dormants" in axis.name.lower() and plan.segment(axis.segment_id).name == "Rhône-Alpes"

    def test_segments_of_three_kinds_with_swot(self) -> None:
        """Horizontal, vertical and mixed segments, each with a full SWOT."""
        plan = load_plan(EXAMPLE)
        assert {s.kind for s in plan.segments} == set(SegmentKind)
        assert all(s.swot.strengths and s.swot.weaknesses and s.swot.opportunities and s.swot.threats
                   for s in plan.segments)
        big = next(s for s in plan.segments if s.kind is SegmentKind.MIXED)
        assert Condition("annual_revenue", "gte", (Decimal(50_000_000),), "CA annuel ≥ 50 M") in big.scope.conditions

    def test_axes_statuses_and_objectives(self) -> None:
        """One suspended axis with reason and date, prioritised ones ranked, every objective costed."""
        plan = load_plan(EXAMPLE)
        states = [a.status.state for a in plan.axes]
        assert AxisState.PRIORITISED in states
        suspended = next(a for a in plan.axes if a.status.state is AxisState.SUSPENDED)
        assert "PX200" in suspended.status.reason and suspended.status.until == date(2027, 9, 30)
        assert suspended.products == ("PX200",)
        assert all(a.objective is not None and a.objective.cost for a in plan.axes)

    def test_actions_by_every_rep_before_and_after_demo_clock(self) -> None:
        """Every rep has an action; windows lie before, around and after 2027-05-20."""
        plan = load_plan(EXAMPLE)
        reps = {p.email for p in plan.people if p.role == "rep"}
        assert reps == {a.who for a in plan.actions}
        clock = datetime(2027, 5, 20, 18, tzinfo=UTC)
        assert any(a.window.end <= clock for a in plan.actions)
        assert any(clock in a.window for a in plan.actions)
        assert any(a.window.start > clock for a in plan.actions)
        assert {ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED} <= {a.status for a in plan.actions}

    def test_fingerprint_is_sha256_of_bytes(self) -> None:
        """The fingerprint changes exactly when the file's bytes change."""
        assert plan_fingerprint(EXAMPLE) == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()


class TestBadPlanFiles:
    def test_malformed_yaml(self) -> None:
        """A YAML syntax error is one problem with its line and a fix."""
        (line,) = lines(DATA / "malformed.pac.yaml")
        assert line.startswith(f"{DATA / 'malformed.pac.yaml'}:20 ") and "YAML syntax error" in line

    def test_tab_indent_says_replace_the_tab(self) -> None:
        """A tab where YAML wants spaces (an editor's Tab key) names the fix itself, not only "check indentation"
        (audit newcomer3: an ops admin reading `found character '\\t' that cannot start any token`)."""
        text = MINIMAL.replace("\n  - id:", "\n\t- id:", 1)
        assert "\t" in text
        (problem,) = text_problems(text)
        assert "YAML syntax error" in problem and "tab" in problem.split("(", 1)[1]
        assert "replace the tab with spaces" in problem

    def test_unknown_key_did_you_mean(self) -> None:
        """A misspelt key is one problem (not also "when is missing"), with did-you-mean."""
        assert lines(DATA / "unknown_key.pac.yaml") == [
            f"{DATA / 'unknown_key.pac.yaml'}:20 actions[0].whne: unknown key 'whne' (did you mean 'when'?)"]

    def test_misspelt_activity(self) -> None:
        """'visitt' is refused with did you mean 'visit'."""
        (line,) = lines(DATA / "misspelt_activity.pac.yaml")
        assert ":19 actions[0].what.activity: unknown activity 'visitt' (did you mean 'visit'?" in line

    def test_impossible_week(self) -> None:
        """semaine 54 names the line and says how many weeks 2027 has."""
        (line,) = lines(DATA / "week_54.pac.yaml")
        assert ":20 actions[0].when: week 54 does not exist in 2027" in line and "52" in line

    def test_unknown_departement(self) -> None:
        """An unknown département in an action's scope is located and suggests the right one."""
        (line,) = lines(DATA / "unknown_departement.pac.yaml")
        assert ":19 actions[0].what.scope.departement: unknown département 'Rhônne' (did you mean Rhône (69)?)" in line

    def test_corse_as_a_departement_suggests_the_region(self) -> None:
        """`departement: Corse` names the région and its two départements, not « Creuse (23) » (audit matching,
        minor: "did you mean Creuse (23)?")."""
        (line,) = lines(DATA / "corse_as_departement.pac.yaml")
        assert line.endswith(":19 actions[0].what.scope.departement: 'Corse' is a région, not a département "
                             "(write region: Corse, or departement: [2A, 2B])"), line

    def test_five_errors_five_lines(self) -> None:
        """Five independent mistakes are all reported, in file order."""
        found = lines(DATA / "five_errors.pac.yaml")
        assert [line.split(" ")[1] for line in found] == [
            "segments[0].scope.industri:", "axes[0].status.reason:", "actions[0].what.activity:",
            "actions[0].when:", "actions[1].axis:"]

    def test_load_plan_raises_with_all_problems(self) -> None:
        """load_plan raises InvalidInput carrying every problem."""
        with pytest.raises(InvalidInput) as info:
            load_plan(DATA / "five_errors.pac.yaml")
        assert len(info.value.problems) == 5

    def test_missing_file_or_directory(self) -> None:
        """A missing file or a directory is one clear problem."""
        assert "file not found" in lines(DATA / "nope.pac.yaml")[0]
        assert "is a directory" in lines(DATA)[0]


class TestPlanText:
    def test_minimal_plan(self) -> None:
        """The minimal plan loads and defaults apply (counting, status, currency)."""
        plan = load_plan_text(MINIMAL)
        action = plan.actions[0]
        assert (action.counting, action.status, plan.currency) == (Counting.DISTINCT_ACCOUNTS,
                                                                   ActionStatus.PLANNED, "EUR")

    @pytest.mark.parametrize(("written", "canonical"), [
        ("visite", ActivityType.VISIT), ("Rendez-vous", ActivityType.MEETING), ("réunion", ActivityType.MEETING),
        ("démo", ActivityType.DEMO), ("relance devis", ActivityType.QUOTE_FOLLOW_UP), ("appel", ActivityType.CALL),
        ("QUOTE_FOLLOW_UP", ActivityType.QUOTE_FOLLOW_UP),
    ])
    def test_french_activity_aliases(self, written: str, canonical: ActivityType) -> None:
        """French spellings, any case, are normalised to the English value."""
        plan = load_plan_text(MINIMAL.replace("activity: visite", f"activity: {written}"))
        assert plan.actions[0].activity_type is canonical

    def test_when_outside_the_plan_period(self) -> None:
        """An action dated in another year is refused at its when line."""
        found = text_problems(MINIMAL.replace('"semaine 18"', '"2028-W18"'))
        assert found == ["t.pac.yaml:20 actions[0].when: the window 2028-W18 (2028-05-01..2028-05-07) is outside the "
                         "plan's period (2027-01-01..2027-12-31) (check the year written, or put the action in the "
                         "plan of that period, or widen this plan's period)"]

    def test_objective_period_outside_the_plan_period(self) -> None:
        """An axis's objective over another year than the plan's (« 2028 » in the 2027 plan: a slip of the year) is
        refused at its objective line, as an action's window is (audit lintmethod: it was accepted, and every
        quarterly review of 2027 would have shown the axis at 0 % of an objective nobody can reach in 2027)."""
        objective = '    objective: {additional_revenue: 50000, period: "2028"}\n'
        text = MINIMAL.replace("    segment: S-RA\nactions:", f"    segment: S-RA\n{objective}actions:")
        assert text_problems(text) == [
            "t.pac.yaml:14 axes[0].objective.period: the objective's period 2028 (2028-01-01..2028-12-31) has no day "
            "in the plan's period (2027-01-01..2027-12-31) (check the year written, or leave period: out: the "
            "objective then runs over the plan's period)"]

    def test_objective_period_inside_the_plan_period_is_fine(self) -> None:
        text = MINIMAL.replace("    segment: S-RA\nactions:",
                               '    segment: S-RA\n    objective: {additional_revenue: 50000, period: "T2"}\nactions:')
        objective = load_plan_text(text).axes[0].objective
        assert objective is not None and objective.period.label == "T2"

    def test_zero_count_points_at_what_count(self) -> None:
        """The invariant on target is reported at what.count, where the user wrote it."""
        (line,) = text_problems(MINIMAL.replace("count: 5", "count: 0"))
        assert line.startswith("t.pac.yaml:19 actions[0].what.count:")

    def test_unknown_person(self) -> None:
        """who must be one of the plan's people."""
        (line,) = text_problems(MINIMAL.replace("    who: julie", "    who: marc"))
        assert "actions[0].who: marc.martin@durand-process.example is not in the plan's people" in line

    def test_not_an_email(self) -> None:
        """who is an e-mail, with an example in the fix."""
        (line,) = text_problems(MINIMAL.replace("    who: julie.martin@durand-process.example", "    who: Julie"))
        assert "actions[0].who: 'Julie' is not an e-mail address" in line

    def test_no_cascade_from_a_broken_axis(self) -> None:
        """An axis that fails is reported once; its actions do not add "axis does not exist"."""
        found = text_problems(MINIMAL.replace("    segment: S-RA", "    segment: S-RA\n    colour: red"))
        assert len(found) == 1 and "unknown key 'colour'" in found[0]

    def test_scope_problem_under_a_dotted_key_is_located(self) -> None:
        """A problem under custom.segment_code points at that key's line, not the scope's."""
        flow = '    what: {activity: visite, count: 5, scope: {departement: "69", dormant: {months: 12}}}'
        text = MINIMAL.replace(flow, "    what:\n      activity: visite\n      count: 5\n      scope:\n"
                                     "        departement: '69'\n        custom.segment_code: []")
        (line,) = text_problems(text)
        assert line.startswith("t.pac.yaml:24 actions[0].what.scope.custom.segment_code: a scope condition needs")

    def test_axis_status_forms(self) -> None:
        """A word, a prioritised rank and a suspension with a French date are all accepted."""
        prioritised = load_plan_text(MINIMAL.replace("    segment: S-RA",
                                                     "    segment: S-RA\n    status: {state: prioritaire, rank: 1}"))
        assert (prioritised.axes[0].status.state, prioritised.axes[0].status.rank) == (AxisState.PRIORITISED, 1)
        suspended = load_plan_text(MINIMAL.replace(
            "    segment: S-RA", "    segment: S-RA\n    status: {state: suspendu, reason: saturé, until: 30/09/2027}"))
        assert suspended.axes[0].status.until == date(2027, 9, 30)

    def test_objective_forms_and_cost(self) -> None:
        """Amounts in k€, a rate in %, effort x day cost, baseline previous_year by default."""
        plan = load_plan_text(MINIMAL.replace("    segment: S-RA", (
            "    segment: S-RA\n    objective: {additional_revenue: 150 k€, margin_rate: 35 %, effort_days: 30,"
            " day_cost: 600, period: T2}")))
        objective = plan.axes[0].objective
        assert objective is not None
        assert (objective.additional_revenue, objective.margin_rate, objective.cost, objective.baseline) == (
            Decimal(150_000), Decimal("0.35"), Decimal(18_000), None)
        assert objective.period.label == "T2"

    def test_objective_cost_problems(self) -> None:
        """effort_days without day_cost, and two costs at once, are refused."""
        found = text_problems(MINIMAL.replace("    segment: S-RA", (
            "    segment: S-RA\n    objective: {additional_revenue: 1000, effort_days: 3, budget: 500}")))
        assert any("effort_days and day_cost go together" in f for f in found)
        assert any("give the cost once" in f for f in found)

    def test_bad_header(self) -> None:
        """An unknown timezone and a missing year are both reported under plan."""
        found = text_problems(MINIMAL.replace("plan: {name: Test plan, year: 2027, timezone: Europe/Paris}",
                                              "plan: {name: Test plan, timezone: Europe/Pariss}"))
        assert any("plan.year: required key is missing" in f for f in found)
        assert any("plan.timezone: unknown timezone 'Europe/Pariss'" in f for f in found)

    def test_not_a_mapping(self) -> None:
        """A file that is a list is refused with how to start it."""
        assert "start the file with plan:" in text_problems("- a\n- b\n")[0]

    def test_duplicate_ids(self) -> None:
        """Two actions with one id point at the second one's id line."""
        doubled = MINIMAL + MINIMAL[MINIMAL.index("  - id: A-01"):]
        (line,) = text_problems(doubled)
        assert line.startswith("t.pac.yaml:21 actions[1].id: id 'A-01' is used twice")

    def test_ids_differing_only_in_case_are_refused(self) -> None:
        """a-01 beside A-01: the CRMs match keys without case (Salesforce's unique external id PAC_Key__c), so both
        actions would be one record and one of them vanish from the CRM. Failed before: the plan was OK."""
        doubled = MINIMAL + MINIMAL[MINIMAL.index("  - id: A-01"):].replace("id: A-01", "id: a-01", 1)
        (line,) = text_problems(doubled)
        assert line.startswith("t.pac.yaml:21 actions[1].id: id 'a-01' differs from 'A-01' only in letter case")
        assert "give each one its own id" in line

    def test_a_rank_above_what_the_crms_hold_is_refused(self) -> None:
        """Salesforce's PAC_Priority__c holds 3 digits: rank 1000 would be refused there every night (and hold back
        the axis's actions). Failed before: the plan was OK."""
        status = "    status: {state: prioritised, rank: 1000}\n"
        ranked = MINIMAL.replace("    segment: S-RA\n", "    segment: S-RA\n" + status, 1)
        assert ranked != MINIMAL
        (line,) = text_problems(ranked)
        assert "status.rank: rank 1000 is above 999" in line and "give a rank from 1 to 999" in line
        assert load_plan_text(ranked.replace("rank: 1000", "rank: 999"), "t.pac.yaml").axes[0].status.rank == 999


class TestFrenchSwotKeys:
    """docs/plan-format.md, Segments: the SWOT keys may be written in French (forces, faiblesses...)."""

    ENGLISH = ("    swot:\n      strengths: [Proximité]\n      weaknesses: [Peu de visites]\n"
               "      opportunities: [Renouvellement du parc]\n      threats: [Concurrent local]\n")

    def with_swot(self, block: str) -> str:
        return MINIMAL.replace("    scope: {region: Auvergne-Rhône-Alpes}\n",
                               "    scope: {region: Auvergne-Rhône-Alpes}\n" + block)

    @pytest.mark.parametrize(("forces", "faiblesses", "opportunites", "menaces"), [
        ("forces", "faiblesses", "opportunités", "menaces"),
        ("forces", "faiblesses", "opportunites", "menaces"),
    ])
    def test_french_keys_load_the_same_swot(self, forces: str, faiblesses: str, opportunites: str,
                                            menaces: str) -> None:
        """The French keys, with or without accents, give the SWOT the English keys give."""
        french = self.ENGLISH.replace("strengths", forces).replace("weaknesses", faiblesses).replace(
            "opportunities", opportunites).replace("threats", menaces)
        english_swot = load_plan_text(self.with_swot(self.ENGLISH)).segments[0].swot
        assert english_swot.strengths == ("Proximité",) and english_swot.threats == ("Concurrent local",)
        assert load_plan_text(self.with_swot(french)).segments[0].swot == english_swot

    def test_one_key_in_both_languages_is_refused(self) -> None:
        """forces and strengths in one SWOT: one problem naming both, not one of the lists silently dropped."""
        (line,) = text_problems(self.with_swot("    swot: {strengths: [a], forces: [b]}\n"))
        assert line.startswith("t.pac.yaml:10 segments[0].swot:") and "'forces'" in line and "'strengths'" in line

    def test_problem_in_a_french_list_is_located_at_its_line(self) -> None:
        """A sentence too long under menaces points at the menaces line, and the segment still loads for the rest."""
        block = self.ENGLISH.replace("threats: [Concurrent local]", "menaces: [" + "x" * 2001 + "]")
        (line,) = text_problems(self.with_swot(block))
        assert line.startswith("t.pac.yaml:14 segments[0].swot.menaces[0]: must be at most 2000 characters")

    def test_misspelt_french_key_suggests_it(self) -> None:
        """'faiblesse' (singular) is unknown, with 'faiblesses' proposed."""
        (line,) = text_problems(self.with_swot("    swot: {faiblesse: [a]}\n"))
        assert "unknown key 'faiblesse'" in line and "did you mean 'faiblesses'?" in line


class TestAmountsInTheplansCurrency:
    """usplan audit F3 / F8: a US plan's amounts as its budget sheet writes them, and fix texts in its currency and
    language."""

    US = MINIMAL.replace("timezone: Europe/Paris}", "timezone: America/Chicago, currency: USD, language: en}")

    def _axis(self, objective: str) -> str:
        return self.US.replace("    segment: S-RA\n", f"    segment: S-RA\n    objective: {objective}\n", 1)

    def test_a_budget_sheets_amounts_are_read(self) -> None:
        """Failed before: '$1,500,000' is ambiguous, '$1,234.56' / '150000 USD' are not amounts."""
        plan = load_plan_text(self._axis("{additional_revenue: '$1,500,000', budget: '$1,234.56'}"), "t.pac.yaml")
        objective = plan.axes[0].objective
        assert objective is not None
        assert (objective.additional_revenue, objective.cost) == (Decimal(1_500_000), Decimal("1234.56"))
        plan = load_plan_text(self._axis("{additional_revenue: '150000 USD', effort_days: 2, day_cost: "
                                         "'$150,000.00'}"), "t.pac.yaml")
        objective = plan.axes[0].objective
        assert objective is not None
        assert (objective.additional_revenue, objective.cost) == (Decimal(150_000), Decimal(300_000))

    def test_the_fix_is_in_the_plans_currency(self) -> None:
        """Failed before: the fix offered "150 k€" and "1,5 M€" in an English dollar plan, and a growth written
        « "30 %" » in French typography (docs-as-contract audit F1, seen failing before that fix)."""
        assert text_problems(self._axis("{additional_revenue: lots, budget: plenty}")) == [
            "t.pac.yaml:14 axes[0].objective.additional_revenue: 'lots' is not an amount (write an amount such as "
            "150000 or \"$150k\", or a growth over the baseline such as \"30%\")",
            "t.pac.yaml:14 axes[0].objective.budget: 'plenty' is not an amount (write a number or an amount: 150000, "
            "\"$150k\", \"$1.5M\")"]

    def test_a_single_thousands_group_says_both_readings(self) -> None:
        """« $5,000 » is 5 000 dollars (it was refused as ambiguous in every plan: audit amounts F1); « 1,500k » is
        refused with both readings, its k applied (the fix said « write 1500 for thousands »: F2)."""
        plan = load_plan_text(self._axis("{additional_revenue: '25,000 USD', budget: '$5,000'}"), "t.pac.yaml")
        objective = plan.axes[0].objective
        assert objective is not None
        assert (objective.additional_revenue, objective.cost) == (Decimal(25_000), Decimal(5_000))
        assert text_problems(self._axis("{additional_revenue: 10000, budget: '1,500k'}")) == [
            "t.pac.yaml:14 axes[0].objective.budget: '1,500k' is ambiguous: 1500000 with a comma grouping thousands, "
            "or 1500 with a decimal comma (write 1500000 for thousands, or 1500 for decimals)"]

    def test_a_growth_of_one_group(self) -> None:
        """An English plan's « 1,500 % » is 1 500 %, refused as more than +1,000 %; a French plan's is refused with
        both readings (it was « write the percentage with a decimal comma or point », in both: audit amounts F1)."""
        assert text_problems(self._axis("{additional_revenue: '1,500 %'}")) == [
            "t.pac.yaml:14 axes[0].objective.additional_revenue: '1,500 %' is more than +1,000 %, the largest growth "
            "pac accepts (check the figure (\"30 %\" is 30 percent); for an axis that starts from almost nothing, "
            "write the additional revenue as an amount, e.g. 50000)"]
        french = MINIMAL.replace("    segment: S-RA\n",
                                 "    segment: S-RA\n    objective: {additional_revenue: '1,500 %'}\n", 1)
        assert text_problems(french) == [
            "t.pac.yaml:14 axes[0].objective.additional_revenue: '1,500 %' is ambiguous: 1500 % with a comma grouping "
            "thousands, or 1,5 % with a decimal comma (write \"1,5 %\" for 1.5 percent, or \"1500 %\" for 1500 "
            "percent)"]

    def test_a_french_plan_keeps_its_examples(self) -> None:
        text = MINIMAL.replace("    segment: S-RA\n",
                               "    segment: S-RA\n    objective: {additional_revenue: 1000, budget: beaucoup}\n", 1)
        assert text_problems(text) == [
            "t.pac.yaml:14 axes[0].objective.budget: 'beaucoup' is not an amount (write a number or an amount: "
            "150000, \"150 k€\", \"1,5 M€\")"]

    def test_a_scopes_revenue_bounds_too(self) -> None:
        """annual_revenue: {lte: "1,000,000,000 USD"} in a dollar plan (failed before: not an amount, the scope not
        knowing the plan's currency; the fix offered "50 M€")."""
        text = self.US.replace("scope: {region: Auvergne-Rhône-Alpes}",
                               "scope: {annual_revenue: {gte: '$50,000,000', lte: '1,000,000,000 USD'}}")
        conditions = load_plan_text(text, "t.pac.yaml").segments[0].scope.conditions
        assert [c.values for c in conditions] == [(Decimal(50_000_000),), (Decimal(1_000_000_000),)]
        # one group, as the objective's amounts (audit amounts F1: refused as ambiguous before)
        text = self.US.replace("scope: {region: Auvergne-Rhône-Alpes}", "scope: {annual_revenue: {gte: '$250,000'}}")
        assert load_plan_text(text, "t.pac.yaml").segments[0].scope.conditions[0].values == (Decimal(250_000),)
        bad = self.US.replace("scope: {region: Auvergne-Rhône-Alpes}", "scope: {annual_revenue: {gte: lots}}")
        assert text_problems(bad) == [
            "t.pac.yaml:9 segments[0].scope.annual_revenue.gte: 'lots' is not an amount (write a number, or an amount "
            "such as 50000000, \"50M\" or \"150k\")"]

    def test_did_you_mean_among_english_words_in_an_english_plan(self) -> None:
        """Failed before: 'vertical market' -> did you mean 'verticale'?"""
        text = self.US.replace("kind: horizontale", "kind: vertical market")
        assert text_problems(text) == [
            "t.pac.yaml:8 segments[0].kind: unknown segment kind 'vertical market' (did you mean 'vertical'? (one of: "
            "horizontal, vertical, mixed))"]
