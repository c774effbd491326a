"""The sign of a figure, one rule per kind of surface (docs/report.md, *Signs*): on every surface people read (the
report, the review, the digests, the workbook's text cells) a negative figure carries the minus sign U+2212
(« −9,99 % », « −13 000 € », "−€13,000"), never the keyboard's hyphen-minus; the machine surfaces (the CSV, the
workbook's numbers and number formats) keep ASCII; no surface shows a signed zero (« −0 % », « +0 € »). Scanned over
every rendered output of the report's fixtures and the demo's golden files (audit signs: « -9,99 % » in the report
beside « −9 000 € » in the review)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest

from pac_core.growth import parse_growth_rate
from pac_core.money import MINUS, count, money, months, percent, percent_apart, with_minus
from pac_core.scopes import parse_money
from sync_jobs.cli_advice import advice_lines
from sync_jobs.diff import desired_state
from sync_jobs.report.fmt import Formatter
from tests.unit import report_fixtures as fx
from tests.unit.report_golden import GOLDEN, fixture_outputs

# a figure: digits, or a currency symbol then digits ("-€13,000", "−$1,234", « -F CFA 1 235 »)
_FIGURE = r"(?:\d|[€$£¥]|[A-Z]{1,3}\$|F\u202fCFA|CHF)"
# a hyphen-minus opening a figure: not inside a word, an id, a date or a range (AX-GC-1, 2027-05-03, T1 2027-28, 3-9)
HYPHEN_FIGURE = re.compile(rf"(?<![\w\-–./:#&@]){'-'}(?={_FIGURE})")
# a signed zero as shown: « −0 % », « -0 € », « +0,00 € », "−€0", "+0%" (not « +0,5 % », not « -0,04 % »)
SIGNED_ZERO = re.compile(rf"(?<![\w\-–./:])[-+{MINUS}](?:[€$£¥]|[A-Z]{{1,3}}\$)?0(?:[.,]0+)?(?![\d.,]*\d)")
NOT_TEXT = re.compile(r"<style\b.*?</style>|<script\b.*?</script>|<!--.*?-->|<[^>]*>", re.DOTALL)
WORKBOOK_CELL = re.compile(r"^(?P<cell>\S+)\t(?P<value>.*)\t(?P<format>[^\t]*)$")


def read_text(name: str, data: bytes) -> str:
    """What a person reads in an output: an HTML page's text (tags, attributes, styles, scripts and comments out,
    entities decoded), a markdown review or a digest as written."""
    text = data.decode("utf-8-sig")
    return html.unescape(NOT_TEXT.sub(" ", text)) if name.endswith(".html") else text


def workbook_texts(data: bytes) -> tuple[list[str], list[str]]:
    """A workbook's golden lines (``report_golden._files``: cell, repr of the value, number format): the text cells'
    values and the number formats of the numeric ones."""
    texts, formats = [], []
    for line in data.decode().splitlines():
        found = WORKBOOK_CELL.match(line)
        assert found is not None, line
        value = found["value"]
        if value[:1] in "'\"":
            texts.append(eval(value, {"__builtins__": {}}))   # noqa: S307 - the repr of a str the golden wrote
        else:
            formats.append(found["format"])
    return texts, formats


def wrong_signs(text: str) -> list[str]:
    """Each figure of ``text`` opened by a hyphen-minus, or shown as a signed zero, with a little context."""
    found = [text[max(0, m.start() - 30):m.end() + 12] for m in HYPHEN_FIGURE.finditer(text)]
    return found + [text[max(0, m.start() - 30):m.end() + 6] for m in SIGNED_ZERO.finditer(text)]


def outputs() -> dict[str, bytes]:
    """Every rendered output: the fixture's, rendered now, and the demo's golden files (``tests/e2e`` keeps them equal
    to what the demo renders)."""
    demo = {p.name: p.read_bytes() for p in sorted(GOLDEN.iterdir()) if p.name.startswith("demo_")}
    return {**fixture_outputs(), **demo}


class TestFormatters:
    """The shared formatters write the minus sign, and no signed zero."""

    @pytest.mark.parametrize(("shown", "want"), [
        (money(Decimal("-13000"), "EUR", "fr"), "\u221213\u202f000\u00a0€"),
        (money(Decimal("-13000"), "EUR", "en"), "\u2212€13,000"),
        (money(Decimal("-1500"), "CHF", "en"), "\u2212CHF\u00a01,500"),
        (money(Decimal("-0.4"), "EUR", "fr"), "0\u00a0€"),
        (percent(-0.0999, "fr", 2), "\u22129,99\u00a0%"),
        (percent(-0.0999, "en", 2), "\u22129.99%"),
        (percent(-0.004, "fr"), "0\u00a0%"),
        (percent_apart(-0.0999, "fr", ((-0.1, False),), signed=True), "\u22129,99\u00a0%"),
        (percent_apart(0.0499, "fr", ((0.05, True),), signed=True), "+4,99\u00a0%"),
        (count(-1234, "fr"), "\u22121\u202f234"),
        (months(-2.5, "en"), "\u22122.5\u00a0months"),
    ])
    def test_pac_core(self, shown: str, want: str) -> None:
        assert shown == want

    @pytest.mark.parametrize(("lang", "want"), [
        ("fr", ("\u221213\u202f000\u00a0€", "\u221213\u00a0k€", "\u22121\u202f234,5", "\u221220\u00a0%",
                "+2\u202f000\u00a0€", "0\u00a0€")),
        ("en", ("\u2212€13,000", "\u2212€13k", "\u22121,234.5", "\u221220%", "+€2,000", "€0")),
    ])
    def test_report_formatter(self, lang: str, want: tuple[str, ...]) -> None:
        fmt = Formatter(lang=lang)
        assert (fmt.money(Decimal(-13000)), fmt.money_compact(Decimal(-13000)), fmt.number(Decimal("-1234.5"), 1),
                fmt.change(-0.2), fmt.signed_money(Decimal(2000)), fmt.signed_money(Decimal("-0.4"))) == want

    def test_with_minus(self) -> None:
        assert (with_minus("-9,99 %"), with_minus("12 %"), with_minus("–")) == ("\u22129,99 %", "12 %", "–")


class TestScanner:
    """The scan finds what it is for, and not dates, ids or ranges."""

    def test_finds(self) -> None:
        assert len(wrong_signs("ROI -21 % ; -€13,000 ; Tendance −0 % ; +0 € ; (-2000)")) == 5

    def test_leaves(self) -> None:
        text = ("AX-GC-1 le 2027-05-03, T1 ex. 2027-28, 3–9 mai, −9,99 %, +4,99 %, +0,5 %, −0,04 %, 0 %, "
                "Rhône-Alpes, e-mail, 18:00-19:00")
        assert wrong_signs(text) == []


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    produced = outputs()
    assert len(produced) >= 60
    return produced


class TestEveryRenderedSurface:
    """Every rendered output of the report's fixtures and the demo (report pages, reviews, digests, workbooks, CSV)
    follows its surface's rule."""

    def test_people_read_the_minus_sign(self, rendered: dict[str, bytes]) -> None:
        read = {n: read_text(n, d) for n, d in rendered.items() if n.endswith((".html", ".md")) or "_digest_" in n}
        assert len(read) >= 40 and sum(t.count(MINUS) for t in read.values()) >= 20
        assert {n: w for n, t in read.items() if (w := wrong_signs(t))} == {}

    def test_workbook_text_cells_too_its_numbers_keep_numbers(self, rendered: dict[str, bytes]) -> None:
        books = {n: workbook_texts(d) for n, d in rendered.items() if "_workbook_" in n}
        assert len(books) >= 6
        assert any(MINUS in t for texts, _ in books.values() for t in texts)
        assert {n: w for n, (texts, _) in books.items() if (w := [x for t in texts for x in wrong_signs(t)])} == {}
        assert all(MINUS not in f for _, formats in books.values() for f in formats)
        assert any(f.startswith("+0%;-0%") for _, formats in books.values() for f in formats)

    def test_csv_is_ascii_signed(self, rendered: dict[str, bytes]) -> None:
        sheets = {n: d.decode("utf-8-sig") for n, d in rendered.items() if n.endswith(".csv")}
        assert len(sheets) >= 6 and all(sheets.values())
        assert [n for n, t in sheets.items() if MINUS in t or SIGNED_ZERO.search(t)] == []


class TestCopiedBackIntoThePlan:
    """A figure a manager copies from the report into the plan reads with either sign (the plan's readers)."""

    def test_an_amount(self) -> None:
        assert parse_money("\u22121\u202f500\u00a0€", "EUR", "fr") == Decimal(-1500)
        assert parse_money("\u2212€1,500", "EUR", "en") == parse_money("-€1,500", "EUR", "en") == Decimal(-1500)

    def test_a_growth_rate(self) -> None:
        assert parse_growth_rate("\u221210\u00a0%") == parse_growth_rate("-10 %") == Decimal("-0.1")


class TestTheTerminalAndTheCrm:
    """``pac advice``'s lines and the values pac writes to the CRM, for the report fixture's plan: the text read by
    people carries the minus sign; the numeric fields are numbers, whose sign the CRM draws."""

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_pac_advice(self, lang: str) -> None:
        text = "\n".join(advice_lines(fx.plan(), fx.evaluation(), lang))
        assert MINUS in text and wrong_signs(text) == []

    def test_crm_fields(self) -> None:
        values = [v for fields in desired_state(fx.plan(), fx.evaluation()).values() for v in fields.values()]
        texts = [v for v in values if isinstance(v, str)]
        assert any(MINUS in t for t in texts)
        assert [x for t in texts for x in wrong_signs(t)] == []
        assert any(isinstance(v, float) and v < 0 for v in values)     # the ROI of -21 %: a number
