"""What a run removed from the plan, kept with it for ``pac status`` (``sync_jobs.retired_kept``, audit removedplan)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sync_jobs.cli_status import _left_out_line
from sync_jobs.retired_kept import (
    RemovedItem,
    from_record,
    kept_line,
    read,
    record,
    removed_items,
    split,
    status_lines,
    with_marked,
)


def test_an_item_in_two_crms_is_one_line_naming_both() -> None:
    written = {"sf-main": {("axis", "p:AX-1"): SimpleNamespace(fields={"name": "AX-1 Clients « Rhône » and Isère"})},
               "hs-west": {("axis", "p:AX-1"): SimpleNamespace(fields={"name": "AX-1 Clients « Rhône » and Isère"}),
                           ("action", "p:A-9"): SimpleNamespace(fields={"name": "A-9 Visit", "text": "Visit 3",
                                                                        "done": 1, "target": 3})}}
    items = removed_items({"sf-main": [("axis", "p:AX-1")], "hs-west": [("axis", "p:AX-1"), ("action", "p:A-9")]},
                          written)
    assert items == [RemovedItem("AX-1", "axis", "Clients « Rhône » and Isère", None, None, ("sf-main", "hs-west")),
                     RemovedItem("A-9", "action", "Visit 3", 1, 3, ("hs-west",))]
    lines = [kept_line(i) for i in items]
    assert lines == ["removed from the plan by this run: AX-1 (axis «Clients « Rhône » and Isère»): marked removed in "
                     "sf-main and hs-west",
                     "removed from the plan by this run: A-9 (action «Visit 3», done 1 / 3): marked removed in "
                     "hs-west"]
    assert [read(f"warning: {line}") for line in lines] == items
    assert status_lines([f"warning: {line}" for line in lines], "fr")[1:] == [
        "  - AX-1 « Clients « Rhône » and Isère » (axe) : marqué retiré dans « sf-main » et « hs-west »",
        "  - A-9 « Visit 3 » (action, réalisé 1 / 3) : marquée retirée dans « hs-west »"]


def test_other_problems_are_not_read_as_removed_items() -> None:
    others = ["warning: A-2: no longer in the plan, and with it go the values accepted from the CRMs ...",
              "hs-west: A-2: no longer in the plan, marked removed in hs-west"]
    assert [read(e) for e in others] == [None, None]
    assert status_lines(others, "en") == []


def test_a_plans_block_counts_what_its_last_run_removed() -> None:
    run = SimpleNamespace(id=4, counts={}, errors=[
        "warning: removed from the plan by this run: A-2 (action «Call», done 2 / 4): marked removed in hs-west",
        "warning: removed from the plan by this run: AX-2 (axis «Dormants»): marked removed in hs-west"])
    assert _left_out_line(run, "main") == ("Run 4 of main: 2 items removed from the plan: `pac status --plan main` "
                                           "lists them.")
    assert _left_out_line(run, "main", "fr") == ("Exécution 4 de main : 2 éléments retirés du plan : `pac status "
                                                 "--plan main` les liste.")


def test_the_reports_data_section_lists_removed_items_apart_in_its_language(tmp_path: Path) -> None:
    """The report's data section (page and workbook) read the kept line in English under « Erreurs », in red, in a
    French report: a removal the manager made is no error. Now under its own heading, in the report's language; the
    other problems stay under « Erreurs ». Seen failing before the fix (the English line among the errors)."""
    from dataclasses import replace
    from datetime import UTC, datetime

    import openpyxl

    from sync_jobs.report import render_html
    from sync_jobs.report.workbook import write as write_xlsx
    from sync_jobs.report_inputs import ReportInputs, RunSummary
    from tests.unit import report_fixtures as fx

    line = kept_line(RemovedItem("A-2", "action", "Appeler 4 clients en mai", 2, 4, ("hs-west",)))
    run = RunSummary(7, datetime(2027, 5, 20, 2, tzinfo=UTC), datetime(2027, 5, 20, 2, 5, tzinfo=UTC), "ok",
                     errors=(f"warning: {line}", "sf-main: login refused"))
    inputs = replace(ReportInputs(fx.plan(), fx.evaluation()), last_run=run)
    html = render_html(inputs, "fr").replace("\xa0", " ")
    assert "Retirés du plan par la dernière exécution" in html
    assert "A-2 « Appeler 4 clients en mai » (action, réalisé 2 / 4) : marquée retirée dans « hs-west »" in html
    assert "removed from the plan by this run" not in html
    assert "sf-main: login refused" in html
    english = render_html(inputs, "en")
    assert "Removed from the plan by the last run" in english and "removed from the plan by this run" not in english
    book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "r.xlsx", "fr"))
    cells = [str(c.value).replace("\xa0", " ") for row in book["Données"].iter_rows() for c in row if c.value]
    assert not any("removed from the plan by this run" in c for c in cells)
    assert any("A-2 « Appeler 4 clients en mai »" in c for c in cells)


# -- kept as records on the run's row (``pac_run.removed``, migration 0016; audit removedrec) ------------------------
A2 = RemovedItem("A-2", "action", "Appeler «VIP», done 1 / 2\npuis les autres", 2, 4, ("hs and sf",))


def test_a_run_with_records_lists_every_error_as_a_problem_and_its_items_once() -> None:
    """A run recorded since 0016 keeps no line among its errors: every error is a problem, even one that reads like
    a legacy line (nothing of a new run is hidden), and its items come from its records only."""
    legacy = "warning: " + kept_line(RemovedItem("AX-9", "axis", "Old", None, None, ("hs",)))
    assert split([record(A2)], ["sf-main: login refused", legacy]) == ([A2], ["sf-main: login refused", legacy])
    assert split([], ["sf-main: login refused"]) == ([], ["sf-main: login refused"])
    assert status_lines([legacy], "fr", [record(A2)]) == [
        "Retirés du plan par la dernière exécution (1 ; pac a marqué leurs enregistrements « Retirée du plan » dans "
        "le CRM : ils gardent leurs derniers chiffres et pac ne les met plus à jour) :",
        "  - A-2 « Appeler «VIP», done 1 / 2\npuis les autres » (action, réalisé 2 / 4) : marquée retirée dans "
        "« hs and sf »"]
    run = SimpleNamespace(id=4, counts={}, errors=[legacy], removed=[record(A2)])
    assert _left_out_line(run, "main") == ("Run 4 of main: 1 item removed from the plan: `pac status --plan main` "
                                           "lists them.")


def test_a_kept_record_reads_back_as_the_item() -> None:
    assert [from_record(record(A2)), from_record(A2)] == [A2, A2]
    kept = with_marked([record(A2)], [RemovedItem("A-2", "action", "x", 0, 0, ("sf-main", "hs and sf")),
                                      RemovedItem("AX-1", "axis", "Dormants", None, None, ("sf-main",))])
    assert [from_record(r) for r in kept] == [RemovedItem("A-2", "action", A2.name, 2, 4, ("hs and sf", "sf-main")),
                                              RemovedItem("AX-1", "axis", "Dormants", None, None, ("sf-main",))]


def test_the_report_reads_the_records_and_lists_each_error_once(tmp_path: Path) -> None:
    """The report's data section (page and workbook) of a run with records: its items under their heading, its
    error once under « Erreurs »."""
    from dataclasses import replace
    from datetime import UTC, datetime

    import openpyxl

    from sync_jobs.report import render_html
    from sync_jobs.report.workbook import write as write_xlsx
    from sync_jobs.report_inputs import ReportInputs, RunSummary
    from tests.unit import report_fixtures as fx

    run = RunSummary(7, datetime(2027, 5, 20, 2, tzinfo=UTC), datetime(2027, 5, 20, 2, 5, tzinfo=UTC), "ok",
                     errors=("sf-main: login refused",), removed=(A2,))
    inputs = replace(ReportInputs(fx.plan(), fx.evaluation()), last_run=run)
    html = render_html(inputs, "fr").replace("\xa0", " ")
    assert "Retirés du plan par la dernière exécution (1" in html
    assert "A-2 « Appeler «VIP», done 1 / 2" in html and "« hs and sf »" in html
    assert html.count("sf-main: login refused") == 1
    book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "r.xlsx", "fr"))
    cells = [str(c.value).replace("\xa0", " ") for row in book["Données"].iter_rows() for c in row if c.value]
    assert sum("A-2 « Appeler «VIP»" in c for c in cells) == 1
    assert sum("sf-main: login refused" in c for c in cells) == 1
