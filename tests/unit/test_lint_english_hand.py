"""English statements as US/UK sales managers write them (audit linten, 6 Dec 2026).

Each expectation was labelled by hand before the linter was run (/tmp/audits/linten/statements.tsv, docs/linter.md,
*Accuracy*): the window a manager means, the count, the place that is no named account.
"""

from __future__ import annotations

from datetime import date

from pac_core.linter import LintResult, lint_statement


def lint(text: str, today: date | None = None) -> LintResult:
    return lint_statement(text, year=2027, tz="America/Chicago", today=today)


def days(result: LintResult) -> tuple[str, str]:
    window = result.parsed["window"]
    assert window is not None and window["start"], result.reasons
    return window["start"][:10], window["end"][:10]


class TestEndOfAbbreviations:
    """EOY, EOQ, EOM: the US shorthand for "by the end of the year / quarter / month"."""

    def test_eoy_is_the_year_end_deadline(self) -> None:
        r = lint("Book 12 meetings with CFOs in California by EOY")
        assert r.kind == "action", r.reasons
        assert days(r) == ("2027-01-01", "2028-01-01")

    def test_eoq_with_today_is_the_quarter_holding_it(self) -> None:
        r = lint("Call 15 lapsed customers in Ohio by EOQ", today=date(2027, 5, 10))
        assert r.kind == "action", r.reasons
        assert days(r) == ("2027-05-10", "2027-07-01")

    def test_eom_without_today_is_a_time_bound_not_resolved(self) -> None:
        r = lint("Call 15 lapsed customers in Ohio by EOM")
        assert r.kind == "action", r.reasons
        assert "when" not in r.missing
        assert any("which month" in reason for reason in r.reasons), r.reasons

    def test_before_eom_with_today(self) -> None:
        r = lint("Follow up on 30 open quotes before EOM", today=date(2027, 5, 10))
        assert days(r) == ("2027-05-10", "2027-06-01")

    def test_a_word_starting_eo_is_no_deadline(self) -> None:
        r = lint("Call 15 customers by Eomatic")
        assert r.parsed["window"] is None, r.parsed
