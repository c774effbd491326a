"""French typography in everything pac renders in French: a no-break space before « : » « ; » « ! » « ? » « » » and
after « « », one rule (``pac_core.text.french_spacing``) applied where pages, digests and workbooks are rendered, so
no word table, engine sentence or plan text can bring a breakable one back (audit janmeet F7: « Rhône-Alpes : ROI »,
« re : les axes sont », « « sans coût » » with U+0020 where the header line of the same page had U+00A0)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from pac_core.text import french_spacing
from sync_jobs.notify.alerts import compute_alerts
from sync_jobs.notify.digest import render_digest
from sync_jobs.report import render_html, write_xlsx
from sync_jobs.report.templating import french_html
from sync_jobs.review import build_review, render_markdown
from sync_jobs.review import render_html as review_html
from tests.unit import report_fixtures as fx
from tests.unit.test_review import AS_OF, NEXT_UNTIL, _before

BREAKABLE = re.compile(r".{0,30}(?: [:;!?»]|« ).{0,10}")
NOT_TEXT = re.compile(r"<style\b.*?</style>|<!--.*?-->|<[^>]*>", re.DOTALL)


def breaks(text: str) -> list[str]:
    """Each place an ordinary space stands before high punctuation or a closing guillemet, or after an opening one."""
    return BREAKABLE.findall(text)


class TestRule:
    @pytest.mark.parametrize(("typed", "shown"), [
        ("Rhône-Alpes : ROI 216 %", "Rhône-Alpes\u00a0: ROI 216 %"),
        ("« sans coût » ; ici ! là ?", "«\u00a0sans coût\u00a0»\u00a0; ici\u00a0! là\u00a0?"),
        ("18:00, https://example.com/a?b=1, «x»", "18:00, https://example.com/a?b=1, «x»"),
        ("déjà\u00a0: et\u202f; gardés", "déjà\u00a0: et\u202f; gardés"),
    ])
    def test_french_spacing(self, typed: str, shown: str) -> None:
        assert french_spacing(typed) == shown
        assert french_spacing(shown) == shown      # idempotent: a section rendered, then its page

    def test_html_text_only(self) -> None:
        """Tags, attributes, comments and the style sheet are left alone (in CSS a no-break space is no space)."""
        page = ('<style>a { color: red !important; }</style><p title="Note : x">Note : « x »</p>'
                "<!-- a : b --><b>?</b>")
        assert french_html(page) == ('<style>a { color: red !important; }</style><p title="Note : x">'
                                     "Note\u00a0: «\u00a0x\u00a0»</p><!-- a : b --><b>?</b>")


class TestRenderedInFrench:
    """The French outputs of the hand-built fixture (every section, hostile plan and CRM strings included) carry no
    breakable space where French typography forbids one; the English ones are untouched."""

    def test_the_report_page(self) -> None:
        page = render_html(fx.inputs())
        text = NOT_TEXT.sub("", page)
        assert "Comment chaque chiffre est calculé\u00a0:" in text and "«\u00a0sans coût\u00a0»" in text
        assert breaks(text) == []
        english = NOT_TEXT.sub("", render_html(fx.inputs(), "en"))
        assert "\u00a0:" not in english and "How each figure is computed:" in english

    def test_the_review(self) -> None:
        review = build_review(fx.plan(), replace(fx.evaluation(), as_of=AS_OF), _before(), month="2027-08",
                              previous="2027-07", previous_source="snapshot", next_until=NEXT_UNTIL)
        markdown = render_markdown(review)
        assert "Revue mensuelle" in markdown and breaks(markdown) == []
        assert breaks(NOT_TEXT.sub("", review_html(review))) == []

    def test_the_digest(self) -> None:
        alerts = compute_alerts(fx.plan(), fx.evaluation(), [], month="2027-08")
        title, body = render_digest(alerts, "fr")
        assert "La revue complète\u00a0: pac review." in body and breaks(title + "\n" + body) == []
        assert "The full review: pac review." in render_digest(alerts, "en")[1]

    def test_the_workbook(self, tmp_path: Path) -> None:
        book = openpyxl.load_workbook(write_xlsx(fx.inputs(), tmp_path / "pac.xlsx"))
        texts = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row
                 if isinstance(c.value, str)]
        assert any("\u00a0: " in t for t in texts)
        assert [hit for t in texts for hit in breaks(t)] == []
