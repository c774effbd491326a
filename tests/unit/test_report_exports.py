"""The xlsx workbook and the CSV of action progress: real numbers, Excel-friendly, never a formula."""

import csv
import re
import textwrap
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pac_core.kpi_vocabulary import VOCABULARY
from pac_core.results import KpiValue, Pace, PlanTotals
from sync_jobs.report import render_html, write_actions_csv, write_xlsx
from sync_jobs.report.view import axis_rows, is_live
from tests.unit import report_fixtures as fx
from tests.unit.report_golden import CONTEXT


def hostile_inputs():
    """The fixture with an action text that a spreadsheet would run as a formula."""
    inputs = fx.inputs()
    actions = list(inputs.plan.actions)
    actions[0] = replace(actions[0], text='=HYPERLINK("http://evil.example","clic")')
    return replace(inputs, plan=replace(inputs.plan, actions=tuple(actions)))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = write_xlsx(hostile_inputs(), tmp_path_factory.mktemp("x") / "pac.xlsx")
    return openpyxl.load_workbook(path)


class TestWorkbook:
    def test_one_sheet_per_view_in_the_plan_language(self, book: openpyxl.Workbook) -> None:
        """Synthèse, Segments, Axes, Indicateurs, Actions, Recommandations, Données for a French plan."""
        assert book.sheetnames == ["Synthèse", "Segments", "Axes", "Indicateurs", "Actions", "Recommandations",
                                   "Données"]

    def test_english_sheet_names(self, tmp_path: Path) -> None:
        """--lang en names the sheets in English."""
        book = openpyxl.load_workbook(write_xlsx(fx.inputs(), tmp_path / "en.xlsx", "en"))
        assert book.sheetnames == ["Overview", "Segments", "Axes", "KPIs", "Actions", "Recommendations", "Data"]

    def test_kpis_one_row_per_axis_and_segment_one_column_per_kpi(self, tmp_path: Path) -> None:
        """The KPI sheet: every KPI of the vocabulary as a column, in its order; each axis, then each segment, a
        row of numeric cells formatted by the KPI's unit (ratio 0%, money with the currency, count 0); a KPI
        that cannot be known (None) is an empty cell."""
        inputs = fx.inputs()
        first = inputs.evaluation.axes[0]
        axis_kpis = (KpiValue("win_rate", Decimal("0.75"), Decimal(3), Decimal(4)),
                     KpiValue("average_won_deal", Decimal("12500"), Decimal("50000"), Decimal(4)),
                     KpiValue("won_deals", Decimal(4)), KpiValue("visit_to_win", None, Decimal(0), Decimal(0)))
        segment = inputs.evaluation.segments[0]
        evaluation = replace(inputs.evaluation,
                             axes=(replace(first, kpis=axis_kpis), *inputs.evaluation.axes[1:]),
                             segments=(replace(segment, kpis=(KpiValue("new_accounts", Decimal(2)),)),
                                       *inputs.evaluation.segments[1:]))
        book = openpyxl.load_workbook(write_xlsx(replace(inputs, evaluation=evaluation), tmp_path / "k.xlsx", "en"))
        sheet = book["KPIs"]
        header = [c.value for c in sheet[3]]
        assert header == ["Level", "Axis or segment", "Segment", *(k.title("en") for k in VOCABULARY)]
        rows = [{h: c for h, c in zip(header, r, strict=True)} for r in sheet.iter_rows(min_row=4)]
        axis_name = inputs.plan.axis(first.axis_id).name
        segment_name = inputs.plan.segment(segment.segment_id).name
        assert [(r["Level"].value, r["Axis or segment"].value) for r in rows] == [("Axis", axis_name),
                                                                                   ("Segment", segment_name)]
        axis_row, segment_row = rows
        assert (axis_row["Win rate"].value, axis_row["Win rate"].number_format) == (0.75, "0%")
        assert axis_row["Average won deal"].value == 12500 and "€" in axis_row["Average won deal"].number_format
        assert (axis_row["Won deals"].value, axis_row["Won deals"].number_format) == (4, "0")
        assert axis_row["Visit-to-win conversion"].value is None and axis_row["Revenue"].value is None
        assert segment_row["New accounts"].value == 2 and segment_row["Win rate"].value is None

    def test_figures_are_numbers_with_formats(self, book: openpyxl.Workbook) -> None:
        """Money, ratios and counts are numeric cells with number formats, not text."""
        sheet = book["Axes"]
        header = [c.value for c in sheet[3]]
        row = {h: c for h, c in zip(header, sheet[4], strict=True)}
        assert row["Axe"].value == "Clients dormants"
        assert row["CA supplémentaire"].value == 114_500 and "€" in row["CA supplémentaire"].number_format
        assert row["ROI à date"].value == pytest.approx(1.23) and row["ROI à date"].number_format == "0%"
        assert row["Activités"].data_type == "n"

    def test_dates_are_dates(self, book: openpyxl.Workbook) -> None:
        """Action windows are real dates (first and last day), formatted day/month/year in French."""
        sheet = book["Actions"]
        header = [c.value for c in sheet[3]]
        first = {h: c for h, c in zip(header, sheet[4], strict=True)}
        assert first["Début"].value == datetime(2027, 5, 3) and first["Fin"].value == datetime(2027, 5, 9)
        assert first["Début"].number_format == "dd/mm/yyyy"
        assert first["Fait"].value == 4 and first["Cible"].value == 5

    def test_header_frozen_and_filterable(self, book: openpyxl.Workbook) -> None:
        """Every sheet freezes its header row and first column and has an autofilter."""
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "B4"
            assert sheet.auto_filter.ref.startswith("A3:")
            assert sheet["A3"].font.bold

    def test_sorting_the_overview_keeps_the_total_under_the_axes(self, book: openpyxl.Workbook) -> None:
        """Audit exportshand F2: the overview's autofilter ran down to its total row (and the ROI note under it), so
        a manager sorting the axes by ROI in Excel moved « Total des axes actifs » among them, and filtering on a
        segment hid it. The filter covers the axes' rows; the total stays under them, in bold."""
        sheet = book["Synthèse"]
        first = [c.value for c in sheet["A"]]
        total = next(i for i, v in enumerate(first, start=1) if str(v).startswith("Total"))
        assert total > 4 and sheet.auto_filter.ref == f"A3:I{total - 1}"
        assert sheet.cell(total, 1).font.bold and not sheet.cell(total - 1, 1).font.bold
        for name in ("Segments", "Axes", "Actions"):   # no total row: the filter runs to the last row
            assert book[name].auto_filter.ref.endswith(str(book[name].max_row)), name

    def test_long_texts_are_readable_without_resizing_a_column(self, book: openpyxl.Workbook) -> None:
        """Audit exportshand F3: every text column was 28 characters wide and only a text holding a line break
        wrapped, so the recommendation's sentence (« Déployer l'axe « Clients do… ») and a long action were cut at
        the next filled cell: the manager had to widen each column to read them. A text column is as wide as its
        longest line, up to 60 characters; a longer text wraps (the row grows); short columns (the id) stay narrow."""
        def width(sheet, header: str) -> float:
            col = next(c.column_letter for c in sheet[3] if c.value == header)
            return sheet.column_dimensions[col].width

        def cells(sheet, header: str) -> list:
            col = next(c.column for c in sheet[3] if c.value == header)
            return [sheet.cell(r, col) for r in range(4, sheet.max_row + 1) if sheet.cell(r, col).value]

        recos = book["Recommandations"]
        sentences = cells(recos, "Recommandations")
        assert sentences and all(len(c.value) > 60 and c.alignment.wrap_text for c in sentences)
        assert width(recos, "Recommandations") == 60
        actions = book["Actions"]
        assert width(actions, "Id") <= 12
        for c in cells(actions, "Action"):   # wrapped exactly when longer than the column
            assert bool(c.alignment.wrap_text) == (len(c.value) > width(actions, "Action")), c.value
        assert any(c.alignment.wrap_text for c in cells(actions, "Action"))

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_every_header_reads_whole(self, tmp_path: Path, lang: str) -> None:
        """Audit exportshand F5: the header row was 30 points high (two lines) whatever its headers, and a header
        wrapped in a narrow number column needs more: « Délai de retour (mois depuis le début) » in the 11-character
        payback column read « Délai de retour (mois », « Montant moyen des affaires gagnées » lost its last word.
        The header row is as high as its longest header needs, wrapped in its column (15 points a line)."""
        book = openpyxl.load_workbook(write_xlsx(fx.inputs(), tmp_path / "h.xlsx", lang))
        checked = 0
        for sheet in book.worksheets:
            lines_fit = sheet.row_dimensions[3].height / 15
            for cell in sheet[3]:
                width = int(sheet.column_dimensions[cell.column_letter].width) - 1   # bold, a character's margin
                lines = textwrap.wrap(cell.value, width, break_long_words=False, break_on_hyphens=False)
                assert len(lines) <= lines_fit, (sheet.title, cell.value, width, lines)
                checked += 1
        assert checked > 60

    def test_crm_text_never_becomes_a_formula(self, book: openpyxl.Workbook) -> None:
        """A text starting with '=' is stored as text."""
        cells = [c for row in book["Actions"].iter_rows() for c in row if isinstance(c.value, str)
                 and c.value.startswith("=HYPERLINK")]
        assert cells and all(c.data_type == "s" for c in cells)

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_no_text_of_the_plan_or_the_crm_becomes_a_formula_title_included(self, tmp_path: Path,
                                                                              lang: str) -> None:
        """Audit exportshand F1: the plan's name heads every sheet (A1, « PLAN — Synthèse »); a name starting with
        '=' made that title cell a formula on each of the seven sheets (openpyxl reads a str starting with '=' as
        one), which Excel runs on opening. Every text cell starting with = + - @ (OWASP's list) is stored as text
        and marked with Excel's quote prefix, as Excel does for a typed « '=… », so editing it keeps it text."""
        inputs = hostile_inputs()
        axes = list(inputs.plan.axes)
        axes[0] = replace(axes[0], name="+33 4 72 00 00 00")
        axes[1] = replace(axes[1], name="@SUM(A1:A9)")
        plan = replace(inputs.plan, name='=HYPERLINK("http://evil.example","PAC")', axes=tuple(axes))
        path = write_xlsx(replace(inputs, plan=plan), tmp_path / "p.xlsx", lang)
        with zipfile.ZipFile(path) as z:
            sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 7 and not any("<f>" in s for s in sheets)
        book = openpyxl.load_workbook(path)
        risky = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert {c.parent.title for c in risky if c.coordinate == "A1"} == set(book.sheetnames)
        assert {c.value[:1] for c in risky} == {"=", "+", "@"}
        assert all(c.data_type == "s" and c.quotePrefix for c in risky), [
            (c.parent.title, c.coordinate) for c in risky if c.data_type != "s" or not c.quotePrefix]
        plain = book.worksheets[0]["A3"]
        assert plain.data_type == "s" and not plain.quotePrefix

    def test_a_control_character_in_a_text_neither_stops_the_workbook_nor_reaches_the_files(
            self, tmp_path: Path) -> None:
        """Audit exportshand F4: an action text holding a control character (Word's line break, U+000B, pasted into
        the plan or the CRM, or a YAML escape such as "\\x1b[2J") stopped `pac report --format xlsx` with
        « unexpected error: IllegalCharacterError » (exit 6: the night before the meeting, no workbook), and the CSV
        carried the raw characters (a terminal escape for whoever prints it). Decision: both drop the control
        characters the CRMs do not keep either (connectors.fit.CONTROL; tab, line feed, carriage return stay), so
        the exports read as the CRM's action record."""
        inputs = fx.inputs()
        actions = list(inputs.plan.actions)
        actions[0] = replace(actions[0], text="Visiter 5 clients\x0b dormants\x00 du 69\x1b[2J\ten semaine 18\x7f")
        actions[1] = replace(actions[1], text="\x0b")   # nothing left once dropped: an empty cell, not a crash
        axes = list(inputs.plan.axes)
        axes[0] = replace(axes[0], name="Clients dormants\x0c Rhône-Alpes\nligne 2")
        bad = replace(inputs, plan=replace(inputs.plan, actions=tuple(actions), axes=tuple(axes)))
        for lang in ("fr", "en"):
            book = openpyxl.load_workbook(write_xlsx(bad, tmp_path / f"c-{lang}.xlsx", lang))
            texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str)}
            assert "Visiter 5 clients dormants du 69[2J\ten semaine 18" in texts
            assert "Clients dormants Rhône-Alpes\nligne 2" in texts
            text = write_actions_csv(bad, tmp_path / f"c-{lang}.csv", lang).read_text(encoding="utf-8-sig")
            assert "Visiter 5 clients dormants du 69[2J\ten semaine 18" in text
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)

    def test_no_secret_in_the_data_sheet(self, book: openpyxl.Workbook) -> None:
        """Sync errors quoting a token or a database password are scrubbed in the workbook too."""
        values = " ".join(str(c.value) for row in book["Données"].iter_rows() for c in row)
        assert fx.TOKEN not in values and "Sup3rS3cret" not in values
        assert "Partielle" in values

    def test_the_segments_trend_is_a_signed_percentage(self, book: openpyxl.Workbook) -> None:
        """The trend column keeps its numbers, shown signed (« +9 % », « -7 % ») as the page (audit janmeet F11)."""
        sheet = book["Segments"]
        header = [c.value for c in sheet[3]]
        cells = [row[header.index("Tendance")] for row in sheet.iter_rows(min_row=4)]
        assert [round(c.value, 3) for c in cells] == [0.091, 0.14, -0.067]
        assert {c.number_format for c in cells} == {"+0%;-0%;0%"}

    def test_the_data_sheet_words_the_write_back_objects(self, book: openpyxl.Workbook) -> None:
        """« Axes du plan (fiches PAC) | Écrits | 6 », not « axis » (audit janmeet F3)."""
        rows = [[c.value for c in row] for row in book["Données"].iter_rows()]
        assert ["Axes du plan (fiches PAC)", "Écrits", 6] in rows
        assert ["Actions du plan (fiches PAC)", "Écrits", 8] in rows
        assert not [r for r in rows if r[0] in ("axis", "action", "account")]


class TestNoCostInTheWorkbook:
    @pytest.mark.parametrize(("lang", "words", "overview", "roi", "payback"),
                             [("fr", "sans coût", "Synthèse", "ROI à date", "Délai de retour (mois depuis le début)"),
                              ("en", "no cost", "Overview", "ROI to date", "Payback (months from period start)")])
    def test_an_axis_with_no_cost_reads_no_cost_as_the_page_does(self, tmp_path: Path, lang: str, words: str,
                                                                  overview: str, roi: str, payback: str) -> None:
        """An axis whose cost is 0: the page reads « sans coût » / "no cost" for its ROI (overview and axes tables)
        and its payback; the workbook left those cells empty, as for an unknown ROI. The other axes' ROI stay
        numbers formatted 0%."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        free = tuple(replace(a, cost=Decimal(0), roi=None, time_to_roi_months=None) if a.axis_id == "maint-ra" else a
                     for a in ev.axes)
        inputs = replace(inputs, evaluation=replace(ev, axes=free))
        name = next(a.name for a in inputs.plan.axes if a.id == "maint-ra")
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / f"free-{lang}.xlsx", lang))
        for sheet_name, columns in ((overview, (roi,)), ("Axes", (roi, payback))):
            sheet = book[sheet_name]
            header = [c.value for c in sheet[3]]
            axis = header.index("Axe" if lang == "fr" else "Axis")
            rows = {row[axis].value: row for row in sheet.iter_rows(min_row=4)}
            assert name in rows, sheet_name
            for column in columns:
                assert rows[name][header.index(column)].value == words, (sheet_name, column)
            others = [row[header.index(roi)] for axis, row in rows.items() if axis not in (name, "", None)]
            numbers = [c for c in others if c.value is not None]
            assert numbers and all(isinstance(c.value, float) and c.number_format == "0%" for c in numbers), sheet_name


class TestNoCostPlan:
    def test_a_plan_whose_live_axes_all_cost_nothing_reads_no_cost_not_unknown(self, tmp_path: Path) -> None:
        """Every live axis at a cost of 0: each reads « sans coût », and so do the plan's ROI (headline card, the
        workbook's total row) and each segment's (its card, the overview, the Segments sheet): there is nothing to
        divide by, which « – » (unknown) does not say (seen failing before the fix: « – » on the page, empty cells)."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        free = tuple(replace(a, cost=Decimal(0), roi=None, time_to_roi_months=None, cost_to_date=Decimal(0))
                     for a in ev.axes)
        segments = tuple(replace(s, roi=None) for s in ev.segments)
        inputs = replace(inputs, evaluation=replace(ev, axes=free, segments=segments))
        page = render_html(inputs, "fr").replace("\u00a0", " ")
        card = page[page.index('<div class="label">ROI du plan à date</div>'):]
        assert card[:card.index("</div><div class=\"note\">")].endswith('<div class="value">sans coût')
        live = {r.segment.id for r in axis_rows(inputs) if is_live(r) and r.axis.objective is not None}
        expected = ["sans coût" if s.id in live else "–" for s in inputs.plan.segments]   # « – »: no live axis
        assert "sans coût" in expected and "–" in expected
        assert re.findall(r'<span>ROI à date</span><b>([^<]*)</b>', page) == expected
        assert re.findall(r'<div class="sub">ROI à date ([^<]*)</div>', page) == expected
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "free.xlsx", "en"))
        overview = book["Overview"]
        header = [c.value for c in overview[3]]
        [total] = [row for row in overview.iter_rows(min_row=4) if str(row[0].value).startswith("Total")]
        assert total[header.index("ROI to date")].value == "no cost"
        sheet = book["Segments"]
        header = [c.value for c in sheet[3]]
        rois = [row[header.index("ROI to date")].value for row in sheet.iter_rows(min_row=4) if row[0].value]
        assert rois == [{"sans coût": "no cost", "–": None}[e] for e in expected]


class TestFiguresReconcile:
    def test_additional_revenue_is_the_shown_revenue_less_the_shown_baseline(self, tmp_path: Path) -> None:
        """Revenue 10,000.40 and baseline 4,931.5068 show as 10 000 and 4 932: the additional revenue shows 5 068, on
        the page's axis table, the segment cards and the workbook's Segments and Axes sheets (audit revenue F6; seen
        failing before the fix: 5 069, the exact 5,068.89 rounded on its own)."""
        from sync_jobs.report import render_html

        inputs = fx.inputs()
        ev = inputs.evaluation
        won, base = Decimal("10000.40"), Decimal("4931.5068")
        axes = tuple(replace(a, revenue=won, baseline=base, additional=won - base) for a in ev.axes)
        segments = tuple(replace(s, revenue=won, baseline=base, additional=won - base) for s in ev.segments)
        inputs = replace(inputs, evaluation=replace(ev, axes=axes, segments=segments))
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "f6.xlsx", "en"))
        for name in ("Segments", "Axes"):
            sheet = book[name]
            header = [c.value for c in sheet[3]]
            figures = [(row[header.index("Revenue")].value, row[header.index("Baseline")].value,
                        row[header.index("Additional revenue")].value) for row in sheet.iter_rows(min_row=4)
                       if row[header.index("Revenue")].value is not None]
            assert figures and set(figures) == {(10000, 4932, 5068)}, name
        page = render_html(inputs, "en")
        assert "€5,068" in page and "€5,069" not in page

    def test_the_overview_sheet_shows_the_axes_additional_revenue_as_the_page_and_the_axes_sheet(
            self, tmp_path: Path) -> None:
        """The same axis's additional revenue reads the same in the workbook's *Overview* as on the page's overview
        and in the *Axes* sheet: 5 068 (10 000 − 4 932), not the exact 5,068.89 that the sheet's money format shows
        as 5 069 (seen failing before the fix: 5068.8932 in every Overview row, displayed €5,069)."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        won, base = Decimal("10000.40"), Decimal("4931.5068")
        axes = tuple(replace(a, revenue=won, baseline=base, additional=won - base) for a in ev.axes)
        inputs = replace(inputs, evaluation=replace(ev, axes=axes))
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "overview.xlsx", "en"))
        sheet = book["Overview"]
        header = [c.value for c in sheet[3]]
        ids = {a.name for a in inputs.plan.axes}
        shown = [row[header.index("Additional revenue")].value for row in sheet.iter_rows(min_row=4)
                 if row[header.index("Axis")].value in ids]
        assert len(shown) == len(ids) and set(shown) == {5068}


class TestWorkbookCurrency:
    @pytest.mark.parametrize(("currency", "lang", "symbol"), [("USD", "fr", "$US"), ("GBP", "fr", "£GB"),
                                                              ("USD", "en", "$"), ("CAD", "en", "CA$"),
                                                              ("EUR", "fr", "€")])
    def test_money_cells_carry_the_pages_currency_symbol(self, tmp_path: Path, currency: str, lang: str,
                                                         symbol: str) -> None:
        """The workbook's money format writes the currency as the page does (CLDR's symbol for the language): a
        French plan in dollars reads « 1 234 $US » on the page and read « 1 234 $ » in the workbook, a Canadian
        plan "CAD1,234" beside the page's "CA$1,234" (seen failing before the fix: '"$"', '"CAD"')."""
        inputs = fx.inputs()
        inputs = replace(inputs, plan=replace(inputs.plan, currency=currency))
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "money.xlsx", lang))
        sheet = book.worksheets[2]      # Axes
        header = [c.value for c in sheet[3]]
        cell = sheet[4][header.index("CA supplémentaire" if lang == "fr" else "Additional revenue")]
        assert f'"{symbol}"' in cell.number_format
        assert symbol in render_html(inputs, lang)


class TestNoNegativeZeroInTheWorkbook:
    def test_a_figure_that_shows_as_zero_is_written_as_zero(self, tmp_path: Path) -> None:
        """A spreadsheet shows a negative number that its format rounds to nothing with its sign: a segment's trend
        of -0.3 % under `+0%;-0%;0%` read « -0% », an ROI of -0.4 % « -0% », a plan total of -0.40 € « -0 € ». The
        page reads « 0 % » / « 0 € »: such a cell holds 0 (seen failing before the fix: -0.003, -0.004, -0.4)."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        segments = tuple(replace(s, trend=-0.003, roi=-0.004) for s in ev.segments)
        plan = PlanTotals(revenue=Decimal("100000.00"), baseline=Decimal("100000.40"), additional=Decimal("-0.40"),
                          objective=Decimal(100000), progress=-0.000004, cost=Decimal(1000), roi=-0.0049,
                          axis_ids=tuple(a.axis_id for a in ev.axes))
        inputs = replace(inputs, evaluation=replace(ev, segments=segments, plan=plan))
        book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "zero.xlsx", "en"))
        sheet = book["Segments"]
        header = [c.value for c in sheet[3]]
        cells = [(row[header.index("Trend")].value, row[header.index("ROI to date")].value)
                 for row in sheet.iter_rows(min_row=4) if row[0].value]
        assert cells and set(cells) == {(0, 0)}
        overview = book["Overview"]
        header = [c.value for c in overview[3]]
        [total] = [row for row in overview.iter_rows(min_row=4) if str(row[0].value).startswith("Total")]
        assert (total[header.index("Additional revenue")].value, total[header.index("ROI to date")].value) == (0, 0)
        assert not any(isinstance(c.value, float) and str(c.value) == "-0.0"
                       for ws in book.worksheets for row in ws.iter_rows() for c in row)
    @pytest.mark.parametrize(("lang", "words"), [("fr", "< 0,1"), ("en", "< 0.1")])
    def test_a_payback_under_a_tenth_of_a_month_reads_as_the_page(self, tmp_path: Path, lang: str,
                                                                  words: str) -> None:
        """Audit exportshand F6: a payback of 0.03 month reads « < 0,1 mois » / "< 0.1 month" on the page (not a
        payback of « 0,0 mois »: audit report, 6 Dec 2026), and the workbook's `0.0` format showed « 0,0 » in the
        Axes sheet. The cell keeps the number; its format shows « < 0,1 » below 0.05, one decimal above."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        axes = (replace(ev.axes[0], time_to_roi_months=0.03), replace(ev.axes[1], time_to_roi_months=7.46),
                *ev.axes[2:])
        book = openpyxl.load_workbook(write_xlsx(replace(inputs, evaluation=replace(ev, axes=axes)),
                                                 tmp_path / "p.xlsx", lang))
        sheet = book["Axes"]
        header = [c.value for c in sheet[3]]
        column = header.index("Délai de retour (mois depuis le début)" if lang == "fr" else
                              "Payback (months from period start)")
        cells = {row[column].value: row[column].number_format for row in sheet.iter_rows(min_row=4)
                 if isinstance(row[column].value, float)}
        assert {0.03, 7.46} <= set(cells) and set(cells.values()) == {f'[<0.05]"{words}";0.0'}


class TestActionsCsv:
    def test_french_csv_for_excel(self, tmp_path: Path) -> None:
        """French: BOM, ';' separator, decimal comma, ISO dates, pace in words and as a code."""
        path = write_actions_csv(fx.inputs(), tmp_path / "a.csv")
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
        header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
        assert header[:3] == ["Commercial", "Id", "Action"]
        assert first["Action"] == "Visiter 5 clients dormants du 69 en semaine 18"
        assert first["Début"] == "2027-05-03" and first["Fin"] == "2027-05-09"
        assert first["Fait"] == "4" and first["Cible"] == "5" and first["Avancement (%)"] == "80,0"
        assert first["Rythme"] == "Manquée" and first["Code rythme"] == "late"
        assert len(rows) == 1 + len(fx.plan().actions)

    def test_english_csv_uses_commas_and_points(self, tmp_path: Path) -> None:
        """English: ',' separator and decimal point."""
        text = write_actions_csv(fx.inputs(), tmp_path / "a.csv", "en").read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(text.splitlines()))
        assert rows[0]["Progress (%)"] == "80.0" and rows[0]["Pace"] == "Missed"

    def test_too_early_forecast_is_an_empty_cell(self, tmp_path: Path) -> None:
        """An action with no forecast yet (less than 10 % of its window elapsed: ``kpis.forecast`` None) leaves
        the forecast cell empty in the CSV and the workbook, not a projection, and not words in a number column
        a spreadsheet sums (re-verification: « – (trop tôt) » was written there)."""
        inputs = fx.inputs()
        first = inputs.evaluation.actions[0]
        early = replace(inputs, evaluation=replace(inputs.evaluation, actions=(
            replace(first, forecast=None), *inputs.evaluation.actions[1:])))
        fr = list(csv.DictReader(write_actions_csv(early, tmp_path / "fr.csv").read_text(encoding="utf-8-sig")
                                 .splitlines(), delimiter=";"))
        en = list(csv.DictReader(write_actions_csv(early, tmp_path / "en.csv", "en").read_text(encoding="utf-8-sig")
                                 .splitlines()))
        assert fr[0]["Projection fin de période"] == "" and en[0]["Forecast at window end"] == ""
        assert float(en[1]["Forecast at window end"]) >= 0
        sheet = openpyxl.load_workbook(write_xlsx(early, tmp_path / "e.xlsx", "en"))["Actions"]
        header = [c.value for c in sheet[3]]
        assert sheet.cell(4, header.index("Forecast at window end") + 1).value is None
        assert isinstance(sheet.cell(5, header.index("Forecast at window end") + 1).value, int | float)

    def test_an_out_of_reach_action_says_so_as_on_the_page(self, tmp_path: Path) -> None:
        """Audit exportshand F7: an action whose target is more accounts than its scope holds reads « À risque »
        with « hors d'atteinte : 3 comptes dans le périmètre » beside it on the page (docs/engine.md; the demo's
        A-07, A-08, A-09, A-12), but the CSV and the workbook's Actions sheet gave the pace alone: a manager
        filtering the at-risk actions in Excel would push a rep towards six visits where three accounts exist.
        Both end with a « Remarque » / "Note" column holding the page's words, empty for the other actions."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        first = ev.actions[0]   # A-01, 4 / 5
        narrow = replace(inputs, evaluation=replace(ev, actions=(replace(first, scope_accounts=3), *ev.actions[1:])))
        for lang, note, header in (("fr", "hors d'atteinte\u00a0: 3 comptes dans le périmètre", "Remarque"),
                                   ("en", "out of reach: 3 accounts in its scope", "Note")):
            text = write_actions_csv(narrow, tmp_path / f"n-{lang}.csv", lang).read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(text.splitlines(), delimiter=";" if lang == "fr" else ","))
            # the CSV's texts keep ordinary spaces (no typography rule there), the workbook's French no-break ones
            assert [(r["Id"], r[header]) for r in rows if r[header]] == [(first.action_id, note.replace("\u00a0", " "))]
            sheet = openpyxl.load_workbook(write_xlsx(narrow, tmp_path / f"n-{lang}.xlsx", lang))["Actions"]
            titles = [c.value for c in sheet[3]]
            assert titles[-1] == header
            notes = [(row[1].value, row[-1].value) for row in sheet.iter_rows(min_row=4) if row[-1].value]
            assert notes == [(first.action_id, note)]

    def test_formula_text_is_neutralised(self, tmp_path: Path) -> None:
        """A cell starting with '=' gets a leading apostrophe so Excel shows it as text."""
        text = write_actions_csv(hostile_inputs(), tmp_path / "a.csv").read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text


def _axis_objective_reached(language: str = "fr"):
    """The fixture with « dormants-69 » past its objective (pace ``done``) while the year runs."""
    inputs = fx.inputs(language)
    evaluation = inputs.evaluation
    axes = tuple(replace(a, pace=Pace.DONE) if a.axis_id == "dormants-69" else a for a in evaluation.axes)
    return replace(inputs, evaluation=replace(evaluation, axes=axes))


class TestObjectiveReachedWords:
    """Audit meeting F7: an axis past its objective while its period runs reads « Objectif atteint » / "Objective
    reached", not « Terminée » / "Done" (an action whose target is reached keeps « Terminée »)."""

    @pytest.mark.parametrize(("lang", "axis_word", "action_word"), [("fr", "Objectif atteint", "Terminée"),
                                                                     ("en", "Objective reached", "Done")])
    def test_workbook_overview_axes_and_actions(self, tmp_path: Path, lang: str, axis_word: str,
                                                action_word: str) -> None:
        """Seen failing before the fix: « Terminée » in the Synthèse and Axes sheets."""
        book = openpyxl.load_workbook(write_xlsx(_axis_objective_reached(), tmp_path / "b.xlsx", lang))
        overview, axes, actions = book.worksheets[0], book.worksheets[2], book.worksheets[4]

        def cells(sheet) -> set[str]:
            return {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
        assert axis_word in cells(overview) and axis_word in cells(axes)
        assert action_word not in cells(overview) | cells(axes)
        assert action_word in cells(actions) and axis_word not in cells(actions)

    def test_html_axes_say_objective_reached(self) -> None:
        page = render_html(_axis_objective_reached())
        assert "Objectif atteint</span>" in page
        assert page.count("Objectif atteint</span>") >= 2     # the overview and the axes table


class TestContextInTheWorkbook:
    """The plan's context changes (``context:``: a market event, a key account lost, a rep leaving, a product's
    capacity), which the page lists above the recommendations and the advisor uses, were nowhere in the workbook
    (audit reporttidy, 7 Dec 2026). A sheet « Contexte » / "Context" before the recommendations, one row per change,
    in the report's language, its days dates and its capacity a number. Seen failing before the fix: no such sheet."""

    @staticmethod
    def _book(tmp_path: Path, lang: str) -> openpyxl.Workbook:
        inputs = fx.inputs()
        inputs = replace(inputs, plan=replace(inputs.plan, context=CONTEXT))
        return openpyxl.load_workbook(write_xlsx(inputs, tmp_path / f"{lang}.xlsx", lang))

    @staticmethod
    def _rows(sheet) -> list[dict[str, object]]:
        header = [c.value for c in sheet[3]]
        return [{h: c.value for h, c in zip(header, row, strict=True) if c.value is not None}
                for row in sheet.iter_rows(min_row=4)]

    def test_french(self, tmp_path: Path) -> None:
        book = self._book(tmp_path, "fr")
        assert book.sheetnames == ["Synthèse", "Segments", "Axes", "Indicateurs", "Actions", "Contexte",
                                   "Recommandations", "Données"]
        sheet = book["Contexte"]
        assert sheet["A1"].value.endswith("— Contexte")
        assert [c.value for c in sheet[3]] == [
            "Changement", "Impact", "Segment", "Axe", "Commercial", "Compte clé", "Champ du CRM", "Produit",
            "Capacité par trimestre", "À partir du", "Jusqu'au", "Remarque"]
        assert self._rows(sheet) == [
            {"Changement": "Événement de marché", "Impact": "opportunité", "Segment": "Industrie pharmaceutique",
             "À partir du": datetime(2027, 3, 1), "Jusqu'au": datetime(2027, 12, 31),
             "Remarque": "Relocalisation <GMP> & 'aides' de l'État"},
            {"Changement": "Compte clé perdu", "Compte clé": "Laboratoires Rhône & Fils",
             "À partir du": datetime(2027, 2, 1)},
            {"Changement": "Départ", "Commercial": "marc.dubois@durand-process.example",
             "À partir du": datetime(2027, 10, 1)},
            {"Changement": "Capacité de production", "Axe": "Clients dormants", "Produit": "PX200",
             "Capacité par trimestre": 240}]
        assert sheet["J4"].number_format == "dd/mm/yyyy" and sheet["I7"].data_type == "n"
        assert sheet.freeze_panes == "B4" and sheet.auto_filter.ref == "A3:L7"

    def test_english(self, tmp_path: Path) -> None:
        book = self._book(tmp_path, "en")
        assert book.sheetnames == ["Overview", "Segments", "Axes", "KPIs", "Actions", "Context", "Recommendations",
                                   "Data"]
        rows = self._rows(book["Context"])
        assert rows[0]["Change"] == "Market event" and rows[0]["Impact"] == "opportunity"
        assert rows[3] == {"Change": "Production capacity", "Axis": "Clients dormants", "Product": "PX200",
                           "Capacity per quarter": 240}
        assert [c.value for c in book["Context"][3]][-3:] == ["From", "Until", "Note"]

    def test_a_plan_without_context_keeps_its_sheets(self, book: openpyxl.Workbook) -> None:
        assert "Contexte" not in book.sheetnames and "Context" not in book.sheetnames
