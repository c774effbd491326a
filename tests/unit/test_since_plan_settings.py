"""« Since the close » when the plan's timezone or currency changed since (audit planlife F2): the change is said
first, and each amount is written in its own currency, with no difference computed across two currencies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pac_config.planfile import load_plan_text
from pac_core.restatement import Restatement, since_close
from pac_core.results import Evaluation
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines
from tests.fakes import SMALL_PLAN

CLOSE = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
MOVED = Restatement(revenue=(Decimal(4_237_400), Decimal(4_600_000)),
                    axes=(("AX-1", Decimal(65_300), Decimal(71_000)),),
                    totals=(("additional", Decimal(138_341), Decimal(150_000)), ("roi", 1.34, 1.40)),
                    timezone=("Europe/Paris", "America/New_York"), currency=("EUR", "USD"))


def test_english_each_amount_in_its_currency() -> None:
    lines = since_lines(MOVED, CLOSE, Formatter("en", "EUR", "Europe/Paris"))
    assert lines[1:] == ["plan timezone Europe/Paris → America/New_York", "plan currency EUR → USD",
                         "plan revenue €4,237,400 → $4,600,000",
                         "plan additional revenue €138,341 → $150,000; plan ROI to date 134% → 140%",
                         "axes' additional revenue: AX-1 €65,300 → $71,000"]


def test_french_from_todays_formatter() -> None:
    """`--restated` formats with today's plan (USD): the kept amounts still read in euros."""
    lines = since_lines(MOVED, CLOSE, Formatter("fr", "USD", "America/New_York"))
    assert lines[1:4] == ["fuseau horaire du plan Europe/Paris → America/New_York", "devise du plan EUR → USD",
                          "chiffre d'affaires du plan 4\u202f237\u202f400\u00a0€ → 4\u202f600\u202f000\u00a0$US"]


def test_same_currency_keeps_the_difference() -> None:
    same = Restatement(revenue=(Decimal(1000), Decimal(1500)))
    assert since_lines(same, CLOSE, Formatter("en", "EUR", "Europe/Paris"))[1] == "plan revenue €1,000 → €1,500 (+€500)"


def test_since_close_names_the_settings_that_changed() -> None:
    kept = load_plan_text(SMALL_PLAN)
    now = load_plan_text(SMALL_PLAN.replace("timezone: Europe/Paris", "timezone: America/New_York")
                         .replace("currency: EUR", "currency: USD"))
    empty = Evaluation(plan_id=kept.id, as_of=CLOSE, actions=(), axes=(), segments=())
    since = since_close(kept, empty, now, empty)
    assert (since.timezone, since.currency) == (("Europe/Paris", "America/New_York"), ("EUR", "USD"))
    assert since_close(kept, empty, kept, empty).timezone is None
    assert not since_close(kept, empty, kept, empty)


def test_since_close_names_an_attribution_changed_since() -> None:
    """A quarter kept under ``attribution: split`` and re-evaluated under ``full`` (the settings changed): every axis's
    figures move with the rule, and the lines say so first (audit splitwords: the figures moved with no cause named).
    A snapshot kept before evaluations carried their attribution (None) names no change: it is not known."""
    plan = load_plan_text(SMALL_PLAN)
    split = Evaluation(plan_id=plan.id, as_of=CLOSE, actions=(), axes=(), segments=(), attribution="split")
    full = Evaluation(plan_id=plan.id, as_of=CLOSE, actions=(), axes=(), segments=(), attribution="full")
    since = since_close(plan, split, plan, full)
    assert since.attribution == ("split", "full") and since
    assert since_lines(since, CLOSE, Formatter("en", "EUR", "Europe/Paris"))[1:] == [
        "deal attribution rule (engine.attribution) split → full"]
    assert since_lines(since, CLOSE, Formatter("fr", "EUR", "Europe/Paris"))[1:] == [
        "règle d'attribution des affaires (engine.attribution) split → full"]
    old = Evaluation(plan_id=plan.id, as_of=CLOSE, actions=(), axes=(), segments=())
    assert not since_close(plan, old, plan, full) and not since_close(plan, split, plan, split)
