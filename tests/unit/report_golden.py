"""The rendered outputs (report, review, digests) compared byte for byte with the golden files.

``tests/data/report_golden/`` holds what the renderers wrote before they moved to Jinja2 templates and Babel
formatting (captured from the f-string renderers with ``python -m tests.unit.report_golden``); the tests call
the same producers with today's code and compare every byte. ``fixture_outputs`` renders the hand-built
inputs of ``report_fixtures`` (hostile strings included); ``demo_outputs`` renders the demo store (``pac demo``)
with the last run's clock pinned (the only thing in it that changes from one demo to the next).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

import openpyxl

from pac_config.settings import load_settings
from pac_core.plan import ContextChange, ContextKind, Impact
from pac_core.records import Rejected
from pac_core.results import Evaluation
from sync_jobs.app import load_report_inputs
from sync_jobs.notify.alerts import compute_alerts
from sync_jobs.notify.digest import render_digest
from sync_jobs.notify.service import notify
from sync_jobs.report import render_html, write_actions_csv, write_xlsx
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.review import Review, build_review, load_review, render_markdown
from sync_jobs.review import render_html as review_html
from tests.unit import report_fixtures as fx
from tests.unit.test_review import AS_OF, NEXT_UNTIL, _before

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "report_golden"
NOTIFY = """notifications:
  enabled: true
  email: {smtp_host: smtp.example.com, sender: pac@example.com}
  people:
    - {who: nathalie.garnier@durand-process.example, channels: [email, slack], slack: PAC_SLACK_NATHALIE}
    - {who: marc.dubois@durand-process.example, channels: [email]}
    - {who: sophie.bernard@durand-process.example, channels: [email], lang: en}
    - {who: hugo.lambert@durand-process.example, channels: [email]}
"""
PINNED_START = datetime(2027, 5, 20, 2, 0, 0, tzinfo=ZoneInfo("UTC"))


def _files(inputs: ReportInputs, prefix: str, out: dict[str, bytes]) -> None:
    """The CSV bytes and the workbook's cells (value and number format, one line each) in both languages."""
    with TemporaryDirectory() as tmp:
        for lang in ("fr", "en"):
            out[f"{prefix}_actions_{lang}.csv"] = write_actions_csv(inputs, Path(tmp) / "a.csv", lang).read_bytes()
            book = openpyxl.load_workbook(write_xlsx(inputs, Path(tmp) / "a.xlsx", lang))
            lines = [f"{sheet.title}!{cell.coordinate}\t{cell.value!r}\t{cell.number_format}"
                     for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if cell.value is not None]
            out[f"{prefix}_workbook_{lang}.txt"] = ("\n".join(lines) + "\n").encode()


def _review_pages(review: Review, prefix: str, out: dict[str, bytes], langs: tuple[str, ...] = ("fr", "en")) -> None:
    for lang in langs:
        out[f"{prefix}_{lang}.html"] = review_html(review, lang).encode()
        out[f"{prefix}_{lang}.md"] = render_markdown(review, lang).encode()


def _digest(title: str, body: str) -> bytes:
    return f"{title}\n\n{body}\n".encode()


CONTEXT = (
    ContextChange(ContextKind.MARKET_EVENT, on=date(2027, 3, 1), until=date(2027, 12, 31), segment_id="pharma",
                  impact=Impact.OPPORTUNITY, note="Relocalisation <GMP> & 'aides' de l'État"),
    ContextChange(ContextKind.LOST_KEY_ACCOUNT, on=date(2027, 2, 1), account="Laboratoires Rhône & Fils"),
    ContextChange(ContextKind.REP_LEAVING, on=date(2027, 10, 1), who="marc.dubois@durand-process.example"),
    ContextChange(ContextKind.CAPACITY, product="PX200", capacity=Decimal(240), axis_id="dormants-69"),
)


def _overruled(evaluation: Evaluation) -> Evaluation:
    """The first recommendation with the second one (and its evidence) as a rule it overruled."""
    first, second, *rest = evaluation.recommendations
    return replace(evaluation, recommendations=(replace(first, overruled=(second,)), second, *rest))


def fixture_outputs() -> dict[str, bytes]:
    """Every output of the hand-built fixture (a French plan with hostile CRM and plan strings)."""
    out: dict[str, bytes] = {}
    inputs = fx.inputs()
    out["fixture_report_fr.html"] = render_html(inputs).encode()
    out["fixture_report_en.html"] = render_html(inputs, "en").encode()
    english = replace(inputs, plan=replace(inputs.plan, language="en", currency="USD"))
    out["fixture_report_usd_en.html"] = render_html(english).encode()
    empty = ReportInputs(inputs.plan, Evaluation(inputs.plan.id, fx.AS_OF, (), (), ()))
    out["fixture_report_empty_fr.html"] = render_html(empty).encode()
    out["fixture_report_empty_en.html"] = render_html(empty, "en").encode()
    _files(inputs, "fixture", out)
    context = replace(inputs, plan=replace(inputs.plan, context=CONTEXT), evaluation=_overruled(inputs.evaluation))
    out["fixture_report_context_fr.html"] = render_html(context).encode()
    out["fixture_report_context_en.html"] = render_html(context, "en").encode()
    review = build_review(fx.plan(), replace(fx.evaluation(), as_of=AS_OF), _before(), month="2027-08",
                          previous="2027-07", previous_source="snapshot", next_until=NEXT_UNTIL)
    _review_pages(review, "fixture_review_team", out)
    julie = build_review(fx.plan(), replace(fx.evaluation(), as_of=AS_OF), _before(), month="2027-08",
                         previous="2027-07", previous_source="recomputed", next_until=NEXT_UNTIL,
                         rep="julie.martin@durand-process.example")
    _review_pages(julie, "fixture_review_julie", out)
    first = build_review(fx.plan(), replace(fx.evaluation(), as_of=AS_OF), None, month="2027-08", previous=None,
                         previous_source=None, next_until=NEXT_UNTIL)
    _review_pages(first, "fixture_review_first", out)
    rejected = [Rejected("sf-main", "activities", "00U1", "no_account: the activity has no account"),
                Rejected("hs-main", "deals", "981", 'amount "12 000 €" is <not> a number & no currency')]
    alerts = compute_alerts(fx.plan(), fx.evaluation(), rejected, month="2027-08")
    for person in fx.PEOPLE:
        mine = [a for a in alerts if person.email in a.to]
        if mine:
            name = person.email.split("@")[0].replace(".", "_")
            for lang in ("fr", "en"):
                out[f"fixture_digest_{name}_{lang}.txt"] = _digest(*render_digest(mine, lang, person.email))
    many = [replace(alerts[0], key=f"k{i}") for i in range(30)]
    out["fixture_digest_many_fr.txt"] = _digest(*render_digest(many, "fr"))
    return out


def demo_outputs(config: Path) -> dict[str, bytes]:
    """The demo store's report (now and end of Q1), monthly reviews (team and each rep) and dry-run digests."""
    settings = load_settings(config)
    out: dict[str, bytes] = {}
    paris = ZoneInfo("Europe/Paris")
    for label, as_of in (("now", None), ("2027-Q1", datetime(2027, 4, 1, tzinfo=paris))):
        inputs = load_report_inputs(settings, as_of=as_of)
        assert inputs.last_run is not None
        inputs = replace(inputs, last_run=replace(inputs.last_run, started_at=PINNED_START,
                                                  finished_at=PINNED_START + timedelta(seconds=42)))
        for lang in ("fr", "en"):
            out[f"demo_report_{label}_{lang}.html"] = render_html(inputs, lang).encode()
        _files(inputs, f"demo_{label}", out)
    team = load_review(settings, month="2027-04")
    _review_pages(team, "demo_review_2027-04_team", out)
    _review_pages(load_review(settings, month="2027-05"), "demo_review_2027-05_team", out)
    for who in sorted({a.who for a in team.plan.actions}):
        name = who.split("@")[0].replace(".", "_")
        _review_pages(load_review(settings, month="2027-04", rep=who), f"demo_review_2027-04_{name}", out, ("fr",))
    with TemporaryDirectory() as tmp:
        with_people = Path(tmp) / "pac.yaml"
        with_people.write_text(config.read_text(encoding="utf-8") + NOTIFY, encoding="utf-8")
        result = notify(load_settings(with_people), dry_run=True, env={})
    for d in result.deliveries:
        name = d.person.split("@")[0].replace(".", "_")
        out[f"demo_digest_{name}_{d.channel}.txt"] = _digest(d.title, d.body)
    return out


def write(produce: Callable[[], dict[str, bytes]]) -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, data in produce().items():
        (GOLDEN / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


def differences(produced: dict[str, bytes]) -> list[str]:
    """The golden files a producer no longer writes byte for byte, with the first differing position."""
    bad = []
    for name, data in sorted(produced.items()):
        path = GOLDEN / name
        if not path.exists():
            bad.append(f"{name}: no golden file")
            continue
        want = path.read_bytes()
        if data != want:
            at = next((i for i, (a, b) in enumerate(zip(data, want, strict=False)) if a != b),
                      min(len(data), len(want)))
            bad.append(f"{name}: differs at byte {at}: got {data[max(0, at - 60):at + 60]!r}, "
                       f"want {want[max(0, at - 60):at + 60]!r}")
    return bad


if __name__ == "__main__":
    if len(sys.argv) > 1:
        write(lambda: demo_outputs(Path(sys.argv[1])))
    else:
        write(fixture_outputs)
