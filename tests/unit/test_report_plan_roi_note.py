"""The plan's headline ROI below every axis's gets the note a segment's has, naming what the axes count twice (audit
meeting F6: « ROI du plan à date −127 % » below axes at −100 %, 8 % and 508 % and segments at 79 % and 8 %, with no
word, the 30 000 € two axes both counted never shown)."""

from __future__ import annotations

from pac_core.engine import evaluate
from pac_core.records import Records
from sync_jobs.report import tables
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.page import kpi_cards
from sync_jobs.report.sections_plan import roi_footnote_lines
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import USERS, action, plan
from tests.unit.test_totals import ACCOUNTS, AUGUST, DEALS, PHARMA, RHONE, _axes

FR_NOTE = ("ROI du plan 125\u00a0% alors que ses axes sont à 441\u00a0%, 260\u00a0% et 396\u00a0%, et ses segments à "
           "170\u00a0% et 396\u00a0%. 160\u202f000\u00a0€ de CA supplémentaire sont comptés par plusieurs axes à la "
           "fois (chacun dans son ROI) et une seule fois dans le plan ; comptées une fois, les affaires des axes "
           "rapportent moins que chaque axe pris seul.")
EN_NOTE = ("Plan ROI 125% while its axes are at 441%, 260% and 396%, and its segments at 170% and 396%. €160,000 of "
           "additional revenue is counted by several axes at once (each in its own ROI) and once in the plan; counted "
           "once, the deals of the axes return less than each axis alone.")


def _inputs() -> ReportInputs:
    """On 31 August: AX-RA and AX-RA-BIG both count big-pharma's 100,000, AX-MX50 too (overlap 160,000): the plan's
    ROI 125 % is below each live axis's."""
    p = plan(action(axis_id="AX-RA"), axes=_axes(), segments=(RHONE, PHARMA))
    return ReportInputs(p, evaluate(p, Records(accounts=ACCOUNTS, deals=DEALS, users=USERS), as_of=AUGUST))


def test_the_overview_note_explains_the_plan_roi() -> None:
    inputs = _inputs()
    assert FR_NOTE in roi_footnote_lines(inputs, Formatter(lang="fr"))
    assert EN_NOTE in roi_footnote_lines(inputs, Formatter(lang="en"))


def test_the_headline_card_names_the_overlap() -> None:
    [roi] = [card for card in kpi_cards(_inputs(), Formatter(lang="fr")) if card[0] == "ROI du plan à date"]
    assert "160\u202f000\u00a0€ comptés par plusieurs axes : voir la note sous le tableau" in roi[2]


def test_the_overview_sheet_carries_the_note_under_its_total() -> None:
    _, rows = tables.overview(_inputs(), Formatter(lang="en"))
    assert rows[-2][0].startswith("Total")
    assert rows[-1][0] == EN_NOTE


def test_no_plan_note_when_the_plan_roi_is_within_its_axes() -> None:
    """One live axis: the plan's ROI is its own, nothing to explain; the sheet ends on its total."""
    p = plan(action(axis_id="AX-RA"), axes=_axes()[:1], segments=(RHONE, PHARMA))
    inputs = ReportInputs(p, evaluate(p, Records(accounts=ACCOUNTS, deals=DEALS, users=USERS), as_of=AUGUST))
    assert not any(line.startswith("ROI du plan") for line in roi_footnote_lines(inputs, Formatter(lang="fr")))
    assert tables.overview(inputs, Formatter(lang="en"))[1][-1][0].startswith("Total")
