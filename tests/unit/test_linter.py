"""The action linter: action, objective or intention, with what is missing and the parsed structure."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pac_core.linter import KINDS, LintResult, lint_many, lint_statement

DATA = Path(__file__).resolve().parents[1] / "data"
TZ = "Europe/Paris"
# Measured when the rules were frozen (docs/linter.md): 129/129 on the corpus, 21/22 on the hold-out.
CORPUS_FLOOR = 0.97
HOLDOUT_FLOOR = 0.85
# Hold-out set 2 (issue 11): 45 French + 45 English statements, measured once after the rule change:
# 71.1 % / 88.9 % before, 97.8 % / 97.8 % after. The floor is the issue's target, per language.
HOLDOUT_2_FLOOR = 0.95


def load(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("text\t"):
            continue
        text, kind = line.split("\t")
        rows.append((text, kind))
    return rows


def lint(text: str, **kw: object) -> LintResult:
    return lint_statement(text, year=2027, tz=TZ, **kw)  # type: ignore[arg-type]


def scores(rows: list[tuple[str, str]]) -> tuple[float, dict[str, tuple[float, float]]]:
    """Accuracy and per-class (precision, recall)."""
    pairs = [(kind, lint(text).kind) for text, kind in rows]
    accuracy = sum(e == g for e, g in pairs) / len(pairs)
    per_class = {}
    for k in KINDS:
        predicted = sum(g == k for _, g in pairs)
        actual = sum(e == k for e, _ in pairs)
        hit = sum(e == g == k for e, g in pairs)
        per_class[k] = (hit / predicted if predicted else 1.0, hit / actual if actual else 1.0)
    return accuracy, per_class


class TestCorpus:
    def test_corpus_is_large_and_balanced(self) -> None:
        """At least 120 labelled statements, every kind well represented."""
        rows = load("linter_corpus.tsv")
        assert len(rows) >= 120
        counts = Counter(kind for _, kind in rows)
        assert set(counts) == set(KINDS)
        assert min(counts.values()) >= 25

    def test_corpus_accuracy(self) -> None:
        """Accuracy on the labelled corpus stays at the measured level (minus a small margin)."""
        accuracy, per_class = scores(load("linter_corpus.tsv"))
        print(f"corpus accuracy {accuracy:.3f}", per_class)
        assert accuracy >= max(CORPUS_FLOOR, 0.85)

    def test_holdout_accuracy(self) -> None:
        """Accuracy on statements written after the rules were frozen stays above 85 %."""
        rows = load("linter_holdout.tsv")
        assert len(rows) >= 20
        accuracy, _ = scores(rows)
        assert accuracy >= HOLDOUT_FLOOR

    def test_holdout_2_accuracy_per_language(self) -> None:
        """At least 95 % per language on the hold-out written apart from the corpus (issue 11)."""
        rows = []
        for line in (DATA / "linter_holdout_2.tsv").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith(("#", "text\t")):
                text, kind, lang = line.split("\t")
                rows.append((text, kind, lang))
        for lang in ("fr", "en"):
            subset = [(text, kind) for text, kind, language in rows if language == lang]
            assert len(subset) >= 40
            assert set(kind for _, kind in subset) == set(KINDS)
            accuracy, _ = scores(subset)
            print(f"hold-out 2 {lang}: {accuracy:.3f}")
            assert accuracy >= HOLDOUT_2_FLOOR, lang

    @pytest.mark.parametrize(("text", "kind"), [
        ("Rencontrer les acheteurs de Danone le 14 septembre", "action"),      # a named company's buyers, dated
        ("Aller voir les acheteurs de Lactalis", "intention"),                 # the same, no date
        ("Meet the buyers at Unilever on 22 September", "action"),
        ("Appeler 3 prospects chaque semaine en octobre", "action"),           # a cadence inside a period
        ("Call 4 prospects every week in October", "action"),
        ("Me rappeler de mettre à jour le CRM après chaque visite", "intention"),   # a reminder
        ("Remember to send the price list to Valeo on 3 May", "intention"),
        ("Soigner notre image auprès des bureaux d'études", "intention"),     # image-building
        ("Réactiver les clients dormants de la Loire", "objective"),           # a defined set, no date nor count
        ("Reactivate the dormant customers in Loire", "objective"),
        ("Creuser le potentiel des hôpitaux du Nord", "intention"),            # "hôpitaux" holds no "taux"
        ("Appeler 6 fois des clients dormants du 69 en juillet", "action"),  # « N fois » counts the activity
        ("Call food accounts 4 times from week 26 to week 27", "action"),
        ("Appeler 3 fois nos clients", "objective"),                          # counted, no time bound
    ])
    def test_issue_11_misses(self, text: str, kind: str) -> None:
        assert lint(text).kind == kind

    def test_method_examples(self) -> None:
        """The method's three examples get the method's three kinds."""
        assert lint("go and meet this CEO").kind == "intention"
        assert lint("visit all my dormant customers").kind == "objective"
        assert lint("visit 5 dormant customers in département 69 in week 18").kind == "action"


class TestParsed:
    def test_worked_example_structure(self) -> None:
        """The worked example yields verb, type, count, target, département 69, dormant and week 18."""
        r = lint("Visiter 5 clients dormants du 69 en semaine 18")
        p = r.parsed
        assert r.kind == "action"
        assert (p["verb"], p["verb_lemma"], p["activity_type"]) == ("Visiter", "visiter", "visit")
        assert (p["count"], p["target"]) == (5, "clients dormants")
        assert p["scope_hints"]["departements"] == ["69"]
        assert p["scope_hints"]["dormant"] is True
        assert p["window"] == {"start": "2027-05-03T00:00:00+02:00", "end": "2027-05-10T00:00:00+02:00",
                               "label": "semaine 18"}

    @pytest.mark.parametrize(("text", "activity"), [
        ("Appeler 10 clients avant le 30 avril", "call"),
        ("Rencontrer 4 grands comptes au T1", "meeting"),
        ("Organiser 3 démonstrations MX50 en semaine 19", "demo"),
        ("Send the brochure to 40 customers by end of February", "email"),
        ("Relancer 8 devis ouverts avant le 15 juin", "quote_follow_up"),
        ("Book 6 meetings with IT directors in April", "meeting"),
        ("Faire 10 visites de clients dormants en mai", "visit"),
        ("Déposer 3 dossiers de candidature d'ici le 15 septembre", None),
    ])
    def test_activity_type(self, text: str, activity: str | None) -> None:
        """The activity type comes from the verb, or from the activity noun after a light verb."""
        assert lint(text).parsed["activity_type"] == activity

    @pytest.mark.parametrize(("text", "key", "value"), [
        ("Visiter 5 clients dormants de Savoie et de Haute-Savoie en mai", "departements", ["74", "73"]),
        ("Visit 4 distributors in the Nord département in week 23", "departements", ["59"]),
        ("Rencontrer 3 clients du Rhône (69) en juin", "departements", ["69"]),
        ("Appeler 30 prospects d'Île-de-France en mars", "regions", ["Île-de-France"]),
        ("Visiter 6 clients de la région PACA en mai", "regions", ["Provence-Alpes-Côte d'Azur"]),
        # a région merged in 2016: both readings, as a plan scope refuses it (audit clifr)
        ("Visiter 6 clients en Rhône-Alpes en mai", "former_regions",
         [{"name": "Rhône-Alpes", "departements": ["01", "07", "26", "38", "42", "69", "73", "74"],
           "region": "Auvergne-Rhône-Alpes"}]),
        ("Réaliser 4 démonstrations chez des laiteries au premier semestre", "industries", ["agroalimentaire"]),
        ("Call 12 lapsed customers in week 3", "dormant", True),
    ])
    def test_scope_hints(self, text: str, key: str, value: object) -> None:
        """Départements (numbers or names), régions (names, acronyms; a former one with both readings), industries,
        dormant."""
        assert lint(text).parsed["scope_hints"][key] == value

    def test_common_words_are_not_departements(self) -> None:
        """"cher", "lot" or "la somme" in lower case are not départements; a month is not a count."""
        hints = lint("Visiter un lot de 5 clients pas cher en mai").parsed["scope_hints"]
        assert "departements" not in hints

    def test_la_reunion_needs_a_capital(self) -> None:
        """"une réunion" (a meeting) is not the région La Réunion."""
        assert "regions" not in lint("Organiser une réunion avec 5 distributeurs le 3 février").parsed["scope_hints"]

    def test_named_target(self) -> None:
        """A named account or person makes the target concrete."""
        r = lint("Présenter la gamme PX200 au directeur technique de Sanofi le 12 mars")
        assert r.kind == "action"
        assert r.parsed["named_target"] == "Sanofi"
        assert r.parsed["count"] is None

    def test_named_with_elision(self) -> None:
        """"L'Oréal" keeps its article."""
        assert lint("Meet the purchasing director of L'Oréal on 12 May").parsed["named_target"] == "L'Oréal"

    def test_who_from_email(self) -> None:
        """An e-mail in the text is who acts."""
        r = lint("julie.martin@durand.example visite 5 clients en semaine 18")
        assert r.parsed["who"] == "julie.martin@durand.example"
        assert "who" not in r.missing

    def test_who_from_people(self) -> None:
        """A person of the plan named in the text is who acts, and not a named target."""
        r = lint("Visite de 5 clients dormants par Julie Martin en semaine 18", people=["Julie Martin"])
        assert r.parsed["who"] == "Julie Martin"
        assert r.parsed["named_target"] is None

    def test_who_before_the_verb(self) -> None:
        """"Marc to visit ..." names who acts."""
        assert lint("Marc to visit 3 plants in Isère in week 12").parsed["who"] == "Marc"
        assert lint("Julie : visiter 8 prospects du 1er au 30 juin").parsed["who"] == "Julie"


class TestMissing:
    def test_action_missing_who_and_info(self) -> None:
        """The worked example lacks who and the 5Q information (what, from whom)."""
        assert lint("Visiter 5 clients dormants du 69 en semaine 18").missing == ["who", "info_needed", "info_source"]

    def test_info_in_text(self) -> None:
        """"the list provided by marketing" gives both the information and its source."""
        r = lint("Julie: call 10 prospects from the list provided by marketing before March 31, 2027")
        assert r.kind == "action"
        assert r.missing == []

    def test_plan_fields_count_as_given(self) -> None:
        """A plan action's who and info fields fill what the text does not say."""
        r = lint("Visiter 5 clients dormants du 69 en semaine 18", who="julie@x.example",
                 info_needed="liste des dormants", info_source="ADV")
        assert r.missing == []
        assert r.parsed["who"] == "julie@x.example"

    def test_intention_misses_everything(self) -> None:
        """An intention lacks who, what, how many and when, and says how to fix it."""
        r = lint("go and meet this CEO")
        assert r.missing == ["who", "what", "how_many", "when"]
        assert any("to make it an action" in reason for reason in r.reasons)

    def test_objective_without_time(self) -> None:
        """A counted activity without a time bound is an objective that misses when."""
        r = lint("Visiter 5 clients dormants du 69")
        assert r.kind == "objective"
        assert "when" in r.missing and "how_many" not in r.missing

    def test_impossible_week_is_reported(self) -> None:
        """"semaine 54" is no time bound and the reason says how to write it."""
        r = lint("Visiter 5 clients dormants du 69 en semaine 54")
        assert r.kind == "objective"
        assert "when" in r.missing
        assert any("semaine 1 to semaine 52" in reason for reason in r.reasons)

    def test_relative_period_needs_today(self) -> None:
        """"next week" is a time bound; its window needs today, else the reason says so."""
        r = lint("Call Acme's CFO next week")
        assert r.kind == "action" and r.parsed["window"] is None
        assert any("today" in reason for reason in r.reasons)
        r = lint("Call Acme's CFO next week", today=date(2027, 3, 3))
        assert r.parsed["window"]["start"].startswith("2027-03-08")


class TestKinds:
    @pytest.mark.parametrize(("text", "kind"), [
        ("Appeler 10 clients dormants de Savoie avant le 30 avril", "action"),
        ("Rencontrer M. Durand, directeur achats de Lactalis, au T2", "action"),
        ("5 visites de clients dormants en S18", "action"),
        ("Obtenir 10 rendez-vous qualifiés avec des directeurs d'usine en Q1", "action"),
        ("Relancer tous les devis des grands comptes de Rhône-Alpes", "objective"),
        ("Visiter tous les clients dormants du Rhône en mai", "objective"),
        ("Augmenter le chiffre d'affaires de 15 % en 2027", "objective"),
        ("Signer 10 contrats de maintenance d'ici fin juin", "objective"),
        ("Visiter nos clients grands comptes de Lyon", "objective"),
        ("Rencontrer le DG d'Acme", "intention"),
        ("Visiter des clients en mai", "intention"),
        ("Développer notre présence dans la pharmacie", "intention"),
        ("", "intention"),
    ])
    def test_kind(self, text: str, kind: str) -> None:
        """Each rule of the module docstring, French and English."""
        assert lint(text).kind == kind

    def test_reasons_explain_the_verdict(self) -> None:
        """An action's reason names its verb, target and time bound."""
        reason = lint("Visiter 5 clients dormants du 69 en semaine 18").reasons[0]
        assert "Visiter" in reason and "5 clients dormants" in reason and "semaine 18" in reason


class TestInterface:
    def test_to_json_is_serialisable(self) -> None:
        """to_json has text, kind, missing, parsed and reasons, and dumps to JSON."""
        data = lint("Visiter 5 clients dormants du 69 en semaine 18").to_json()
        assert {"text", "kind", "missing", "parsed", "reasons"} <= set(data)
        assert json.loads(json.dumps(data)) == data

    def test_result_is_frozen(self) -> None:
        """LintResult is immutable."""
        r = lint("go and meet this CEO")
        with pytest.raises(AttributeError):
            r.kind = "action"  # type: ignore[misc]

    def test_lint_many_is_lazy_and_ordered(self) -> None:
        """lint_many yields one result per statement, in order, only when asked."""
        results = lint_many(iter(["go and meet this CEO", "visit all my dormant customers"]), year=2027, tz=TZ)
        assert not isinstance(results, list)
        assert [r.kind for r in results] == ["intention", "objective"]

    def test_year_and_timezone_are_used(self) -> None:
        """The window follows the given year and timezone."""
        w = lint_statement("Call 5 prospects in week 18", year=2030, tz="America/New_York").parsed["window"]
        assert w["start"] == "2030-04-29T00:00:00-04:00"


class TestListsJoinedByEt:
    def test_two_separate_days_are_a_when_problem(self) -> None:
        """« les 3 et 9 mai » is two days: the linter says so instead of reading 3-9 May (audit finding 3)."""
        r = lint("Visiter 5 clients les 3 et 9 mai")
        assert r.parsed["window"] is None
        assert any(reason.startswith("when: '3 et 9 mai' names two separate periods") for reason in r.reasons)


class TestS1AndS2:
    def test_bare_s1_is_a_when_problem_not_week_1(self) -> None:
        """« au S1 » was read as ISO week 1 (4-10 January 2027) with no warning (audit finding 2)."""
        r = lint("Visiter 10 clients dormants au S1")
        assert r.parsed["window"] is None
        assert any(reason.startswith("when: 'S1' is ambiguous") and "1er semestre" in reason for reason in r.reasons)


class TestOpenEndedStart:
    @pytest.mark.parametrize(("text", "label"), [
        ("Visiter 5 clients dormants à partir du 15 juin", "à partir du 15 juin"),
        ("Appeler 10 prospects dès le 15 juin", "dès le 15 juin"),
        ("Visit 5 dormant customers from 15 June", "from 15 June"),
        ("Visit 5 dormant customers starting 15 June", "starting 15 June"),
    ])
    def test_the_window_runs_to_the_end_of_the_plan(self, text: str, label: str) -> None:
        """The linter read « à partir du 15 juin » as the day 15 June alone (audit 2, finding 1)."""
        r = lint(text)
        assert r.parsed["window"] == {"start": "2027-06-15T00:00:00+02:00", "end": "2028-01-01T00:00:00+01:00",
                                      "label": label}
        assert r.parsed["target"] in ("clients dormants", "prospects", "dormant customers")


class TestCountRanges:
    """« 5 à 8 visites » was read as 5 and « entre 5 et 8 visites » as 8 (audit 2, finding 2). A range of
    targets is read as its lower bound, the commitment, whatever its form, and the reasons say so."""

    @pytest.mark.parametrize(("text", "phrase", "target"), [
        ("Faire 5 à 8 visites en juin", "5 à 8", "visites"),
        ("Faire entre 5 et 8 visites en juin", "entre 5 et 8", "visites"),
        ("Faire de 5 à 8 visites en juin", "de 5 à 8", "visites"),
        ("Visiter 5 à 8 clients en juin", "5 à 8", "clients"),
        ("Visiter entre 5 et 8 clients en juin", "entre 5 et 8", "clients"),
        ("Visiter 5-8 clients en juin", "5-8", "clients"),
        ("Do 5 to 8 visits in June", "5 to 8", "visits"),
        ("Do between 5 and 8 visits in June", "between 5 and 8", "visits"),
        ("Visit 5-8 customers in June", "5-8", "customers"),
    ])
    def test_a_range_is_its_lower_bound_with_a_reason(self, text: str, phrase: str, target: str) -> None:
        r = lint(text)
        assert (r.kind, r.parsed["count"], r.parsed["target"]) == ("action", 5, target)
        assert f"count: {phrase!r} is a range: read as its lower bound, 5" in " ".join(r.reasons)
        assert "write one number" in " ".join(r.reasons)

    def test_one_number_has_no_range_reason(self) -> None:
        r = lint("Faire 5 visites en juin")
        assert r.parsed["count"] == 5 and not any("range" in reason for reason in r.reasons)


class TestQuinzaines:
    def test_the_window_is_half_the_month_and_quinzaine_is_no_count(self) -> None:
        """The linter took the whole of June for « la première quinzaine de juin » (audit 2, finding 6)."""
        r = lint("Visiter 5 clients la première quinzaine de juin")
        assert (r.kind, r.parsed["count"]) == ("action", 5)
        assert r.parsed["window"] == {"start": "2027-06-01T00:00:00+02:00", "end": "2027-06-16T00:00:00+02:00",
                                      "label": "la première quinzaine de juin"}
        r = lint("Visit 5 customers in the second half of June")
        assert (r.parsed["window"]["start"], r.parsed["window"]["end"]) == ("2027-06-16T00:00:00+02:00",
                                                                            "2027-07-01T00:00:00+02:00")


class TestTimesIsACount:
    """« Appeler 6 fois … en juillet » / "Call … 4 times": how many times the activity is done, the action's count,
    not a measured result (audit F7: listed under « Actions à préciser » as an objective missing what and how
    many)."""

    @pytest.mark.parametrize(("text", "count"), [
        ("Appeler 6 fois des clients dormants du 69 en juillet", 6),
        ("Call food accounts 4 times from week 26 to week 27", 4),
    ])
    def test_an_action_with_its_count(self, text: str, count: int) -> None:
        result = lint(text)
        assert result.kind == "action" and result.parsed["count"] == count
        assert not {"what", "how_many"} & set(result.missing)

    def test_accounts_counted_too_are_the_count(self) -> None:
        """« Appeler 2 fois 5 prospects »: the 5 prospects are the action's count."""
        result = lint("Appeler 2 fois 5 prospects de l'Ain en mai")
        assert (result.kind, result.parsed["count"], result.parsed["target"]) == ("action", 5, "prospects")

    def test_a_result_verb_keeps_it_a_result(self) -> None:
        """« Augmenter de 2 fois le CA »: no activity verb, a result to reach."""
        assert lint("Augmenter de 2 fois le CA en 2027").kind == "objective"


class TestRates:
    """A count given as a rate ("5 per week") is not the window's target: pac counts the number over the whole
    window, so "5 customers per week in Q3" was a Q3 target of 5, 13 times too small, with no word (usplan audit)."""

    @pytest.mark.parametrize(("text", "written", "unit", "product"), [
        ("Amy calls 5 customers per week in Q3", "per week", "week", "5 × 13 weeks = 65"),
        ("Amy calls 5 customers a week in Q3", "a week", "week", "5 × 13 weeks = 65"),
        ("Amy calls 5 customers weekly in Q3", "weekly", "week", "5 × 13 weeks = 65"),
        ("Visit 4 customers per month in H2", "per month", "month", "4 × 6 months = 24"),
        ("Visit 4 customers monthly in H2", "monthly", "month", "4 × 6 months = 24"),
        ("Visiter 4 clients par mois au T3", "par mois", "month", "4 × 3 months = 12"),
        ("Visiter 4 clients chaque mois au T3", "chaque mois", "month", "4 × 3 months = 12"),
        ("Appeler 3 prospects par semaine en juillet", "par semaine", "week", "3 × 4 weeks = 12"),
        ("Appeler 3 prospects chaque semaine en juillet", "chaque semaine", "week", "3 × 4 weeks = 12"),
    ])
    def test_a_rate_is_said_with_the_total_for_the_window(self, text: str, written: str, unit: str,
                                                          product: str) -> None:
        r = lint(text)
        assert r.kind == "action"           # still an action (a cadence inside a period): only the count is in doubt
        reason = next((x for x in r.reasons if x.startswith("count:")), "")
        count = r.parsed["count"]
        assert reason.startswith(f"count: {count} {written!r} is a rate, not a target: pac counts {count} over the "
                                 f"whole window"), r.reasons
        assert f"not {count} each {unit} (write the total for the window, {product}, or one action per {unit})" \
               in reason

    def test_a_rate_without_a_window(self) -> None:
        r = lint("Amy calls 5 customers per week")
        assert "count: 5 'per week' is a rate, not a target: pac counts a number over a window (write the total " \
               "for the window, 5 × its weeks, or one action per week)" in r.reasons

    @pytest.mark.parametrize("text", ["Amy calls 5 customers in Q3", "Visit 5 customers in a week in May",
                                      "Visiter 5 clients dans un mois"])
    def test_no_rate_no_word(self, text: str) -> None:
        assert not [x for x in lint(text).reasons if "is a rate" in x]
