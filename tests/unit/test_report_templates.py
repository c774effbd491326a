"""The templates' environment: autoescape in HTML (hostile CRM and plan text shown as text, in the report and the
review), no escaping in Markdown and plain text, a missing variable fails loudly, and one translation table."""

from __future__ import annotations

from dataclasses import replace

import pytest
from jinja2 import UndefinedError

from pac_core.plan import AxisState, AxisStatus
from sync_jobs.report import i18n, render_html
from sync_jobs.report.templating import ENV, render
from sync_jobs.review import build_review, render_markdown
from sync_jobs.review import render_html as review_html
from tests.unit import report_fixtures as fx
from tests.unit.test_review import AS_OF, NEXT_UNTIL

HOSTILE = """<script>alert("pac")</script> R&D 'Nord' <img src=x onerror=alert(1)>"""
ESCAPED = ("&lt;script&gt;alert(&quot;pac&quot;)&lt;/script&gt; R&amp;D &#x27;Nord&#x27; "
           "&lt;img src=x onerror=alert(1)&gt;")


def _hostile_plan():
    plan = fx.plan()
    actions = (replace(plan.actions[0], text=HOSTILE, info_needed=HOSTILE, info_from="Marc 'ADV' & co"),
               *plan.actions[1:])
    axes = (replace(plan.axes[0], name=HOSTILE,
                    status=AxisStatus(AxisState.SUSPENDED, reason=HOSTILE, until=plan.axes[0].status.until)),
            *plan.axes[1:])
    return replace(plan, actions=actions, axes=axes, name=f"PAC {HOSTILE}")


def _assert_escaped(html: str) -> None:
    assert html.count(ESCAPED) >= 3
    assert "<script" not in html and "<img" not in html and HOSTILE not in html
    assert f'title="{ESCAPED}"' in html or f"<title>PAC {ESCAPED}" in html


class TestEscaping:
    def test_report_shows_crm_and_plan_text_as_text(self) -> None:
        """Action text, axis name, axis reason (an attribute) and plan name with <script>, & and quotes."""
        inputs = replace(fx.inputs(), plan=_hostile_plan())
        for lang in ("fr", "en"):
            html = render_html(inputs, lang)
            _assert_escaped(html)
            assert f'title="{ESCAPED}"' in html          # the suspended axis's reason, in an attribute
            assert f"<title>PAC {ESCAPED} — " in html
            colon = " \u00a0: "[1:] if lang == "fr" else ": "   # French: a no-break space before the colon
            assert f"{colon}{ESCAPED} — Marc &#x27;ADV&#x27; &amp; co</div>" in html   # what to prepare, from whom

    def test_review_page_shows_them_as_text(self) -> None:
        plan = _hostile_plan()
        review = build_review(plan, replace(fx.evaluation(), as_of=AS_OF), None, month="2027-08", previous=None,
                              previous_source=None, next_until=NEXT_UNTIL)
        html = review_html(review, "fr")
        _assert_escaped(html)
        markdown = render_markdown(review, "en")
        assert "\\<script\\>" in markdown and "<script>" not in markdown

    def test_autoescape_is_on_for_html_only(self) -> None:
        template = '{{ x }}'
        assert ENV.from_string(template).render(x="<b>&") == "&lt;b&gt;&amp;"      # strings: HTML, escaped
        assert render("notify/digest.txt", {"w": {"footer": "<b>&"}, "groups": [], "max_lines": 1}) == "<b>&"

    def test_a_missing_variable_fails_loudly(self) -> None:
        with pytest.raises(UndefinedError):
            render("notify/digest.txt", {"w": {}, "groups": [], "max_lines": 25})      # no footer
        with pytest.raises(UndefinedError):
            render("notify/digest.txt", {"w": {"footer": "x"}, "groups": [("rejected", ["a"])]})   # no max_lines


class TestOneTranslationTable:
    def test_every_part_has_every_key_in_both_languages(self) -> None:
        assert set(i18n.PARTS) == {"report", "review", "digest", "context"}
        for part, by_lang in i18n.PARTS.items():
            assert set(by_lang) == {"fr", "en"}, part
            assert by_lang["fr"] and set(by_lang["fr"]) == set(by_lang["en"]), part

    def test_an_unknown_language_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unsupported review language 'de'"):
            i18n.labels("de", "review")

    def test_the_month_by_month_block_names_the_pace_as_the_tables_do(self) -> None:
        """The French month-by-month lead and chart title call an action's pace « rythme », the word of every pace
        column and legend of the report (they said « allure », a second word for the same thing on the same page;
        seen failing before the fix)."""
        words = i18n.labels("fr")
        assert words["pace"] == "Rythme"
        for key in ("by_month_lead", "chart_months"):
            assert "par rythme" in words[key] and "allure" not in words[key], key

    def test_the_lines_since_the_close_name_the_additional_revenue_as_the_page_does(self) -> None:
        """« Depuis la clôture » lists the axes' figures that moved under the page's word for them, « CA
        supplémentaire », as the line before it does for the plan (« CA supplémentaire du plan … ; CA additionnel des
        axes : … » named one figure two ways on two adjacent lines; seen failing before the fix)."""
        words = i18n.labels("fr")
        assert words["since_additional"].startswith(words["additional"])
        assert words["since_axes"] == f'{words["additional"]} des axes'


def test_every_shipped_template_compiles() -> None:
    """The templates live in the package (PackageLoader), so the wheel ships them; each one parses."""
    names = ENV.list_templates()
    shipped = {"widgets.html", "report/page.html", "review/page.html", "review/review.md", "notify/digest.txt"}
    assert shipped <= set(names)
    for name in names:
        assert ENV.get_template(name).render is not None
