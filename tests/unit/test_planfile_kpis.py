"""KPIs named in a plan: French and English names become vocabulary ids; an unknown one is a located error."""

from pathlib import Path

import pytest

from pac_config.planfile import load_plan, load_plan_text
from pac_core.errors import InvalidInput
from pac_core.kpi_vocabulary import BY_ID

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "data" / "plans" / "minimal.pac.yaml").read_text(encoding="utf-8")
OBJECTIVE = """    segment: S-RA
    objective:
      additional_revenue: 100000
      kpis: {kpis}
"""


def with_kpis(kpis: str) -> str:
    return MINIMAL.replace("    segment: S-RA\n", OBJECTIVE.format(kpis=kpis), 1)


class TestKpisInPlans:
    def test_names_in_both_languages_become_ids(self) -> None:
        """« taux de réactivation », "Win rate" and "visit-to-win conversion" name vocabulary KPIs, once each."""
        plan = load_plan_text(with_kpis('["taux de réactivation", "Win rate", "visit-to-win conversion", '
                                        '"reactivation rate"]'))
        assert plan.axes[0].objective is not None
        assert plan.axes[0].objective.kpis == ("reactivation_rate", "win_rate", "visit_to_win")

    def test_unknown_kpi_is_located_and_lists_the_vocabulary(self) -> None:
        """An unknown KPI gives file:line key: problem (fix), the fix listing every KPI of the vocabulary."""
        with pytest.raises(InvalidInput) as info:
            load_plan_text(with_kpis('["taux de reactivaton", "bonne humeur"]'), "t.pac.yaml")
        found = [str(p) for p in info.value.problems]
        assert found[0].startswith("t.pac.yaml:16 axes[0].objective.kpis[0]: unknown KPI 'taux de reactivaton' "
                                   "(did you mean 'taux de réactivation'? use one of the vocabulary")
        assert found[1].startswith("t.pac.yaml:16 axes[0].objective.kpis[1]: unknown KPI 'bonne humeur' (use one")
        assert all(BY_ID[k].fr in found[1] and BY_ID[k].en in found[1] for k in BY_ID)
        assert len(found) == 2

    def test_example_plan_names_only_vocabulary_kpis(self) -> None:
        """Every axis of the shipped example names KPIs of the vocabulary (reactivation rate on the dormant axes)."""
        plan = load_plan(ROOT / "config" / "plans" / "example.pac.yaml")
        assert all(a.objective and a.objective.kpis and set(a.objective.kpis) <= set(BY_ID) for a in plan.axes)
        assert "reactivation_rate" in plan.axis("AX-RA-DORM").objective.kpis   # type: ignore[union-attr]


class TestKpisInAnEnglishPlan:
    """usplan audit (minor): an English plan's KPI did-you-means and vocabulary were French first, "win-back rate"
    (the US name of reactivation) was offered 'win rate', "conversion rate" was offered 'conversion'."""

    @staticmethod
    def _problems(kpis: str) -> list[str]:
        english = with_kpis(kpis).replace("timezone: Europe/Paris}", "timezone: America/Chicago, language: en}")
        with pytest.raises(InvalidInput) as info:
            load_plan_text(english, "t.pac.yaml")
        return [str(p) for p in info.value.problems]

    def test_win_back_rate_is_reactivation(self) -> None:
        """Failed before: unknown KPI 'win-back rate' (did you mean 'win rate'?)."""
        english = with_kpis('["win-back rate"]').replace("timezone: Europe/Paris}", "timezone: America/Chicago}")
        plan = load_plan_text(english)
        assert plan.axes[0].objective is not None and plan.axes[0].objective.kpis == ("reactivation_rate",)

    def test_conversion_rate_names_both_readings(self) -> None:
        found = self._problems('["conversion rate"]')
        assert found[0].startswith("t.pac.yaml:16 axes[0].objective.kpis[0]: unknown KPI 'conversion rate' (did you "
                                   "mean 'win rate' or 'visit-to-win conversion'? use one of the vocabulary (French "
                                   "or English name): reactivation rate / taux de réactivation, win rate / ")

    def test_a_misspelling_gets_the_english_name(self) -> None:
        """The English name is offered, and the vocabulary lists English names first."""
        found = self._problems('["reactivaton rate"]')
        assert found[0].startswith("t.pac.yaml:16 axes[0].objective.kpis[0]: unknown KPI 'reactivaton rate' (did "
                                   "you mean 'reactivation rate'? use one of the vocabulary (French or English name): "
                                   "reactivation rate / taux de réactivation, ")
