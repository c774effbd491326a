"""What the hand-computed organisations' tests read back from a run, the same way in each (test_hshand4-6_*,
test_hs_hand_portal, test_hsmulti_portal, test_sfhand5_*): the PAC records pac wrote to a HubSpot portal, amounts to
the cent, the KPIs of an axis, `pac explain` as a user runs it, its table's rows with their folded lines joined; and a
Salesforce night on the docs emulator with what pac wrote to it (test_sfhand4-6_*)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from connectors.salesforce.connector import build
from sync_jobs import pipeline
from sync_jobs.cli import main
from sync_jobs.run_context import RunResult
from tests.fakes import Clock, default_mapping_path
from tests.integration.sf_docs_emulator import ENV
from tests.integration.sf_runs import NO_WAIT

RATIOS = ("win_rate", "coverage", "visit_to_win", "reactivation_rate")


def pac_records(portal: Any) -> dict[str, dict[str, str]]:
    """The PAC records pac wrote to the emulated portal (every object but companies, deals and tasks), by the last
    part of their ``pac_key``, with their properties."""
    return {r.properties["pac_key"].rsplit(":", 1)[1]: dict(r.properties)
            for name, table in portal.objects.items() if name not in ("companies", "deals", "tasks")
            for r in table.values() if r.properties.get("pac_key")}


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def num(props: dict[str, str], name: str) -> Decimal | None:
    """A written property as a number; None when it is empty or absent."""
    value = props.get(name)
    return None if value in (None, "") else Decimal(value)


def kpis(evaluation: Any, axis: str) -> dict[str, Any]:
    """An axis's KPIs by name: ratios to 4 places, amounts to the cent, counts as they are."""
    out: dict[str, Any] = {}
    for k in evaluation.axis(axis).kpis:
        v = k.value
        out[k.kpi] = (None if v is None else round(float(v), 4) if k.kpi in RATIOS
                      else cents(Decimal(str(v))) if isinstance(v, (Decimal, float)) else v)
    return out


def explain_table(settings: Any, *args: str, columns: int = 400) -> tuple[str, list[list[str]]]:
    """`pac explain ARGS` under the settings' file, on a console ``columns`` wide: its output, and its first table's
    rows (cells stripped), each row's folded lines joined to it (a folded line has no record: its second cell is
    empty): an axis's revenue deals, not its baseline's (``explain_tables``)."""
    out, tables = explain_tables(settings, *args, columns=columns)
    return out, tables[0] if tables else []


def explain_tables(settings: Any, *args: str, columns: int = 400) -> tuple[str, list[list[list[str]]]]:
    """`pac explain ARGS`: its output and each of its tables' rows, as ``explain_table`` (an axis: its revenue's
    deals, then its baseline's, then a percentage objective base's when they are not the baseline's)."""
    shown = CliRunner().invoke(main, ["explain", *args],
                               env={"PAC_CONFIG": str(settings.source), "COLUMNS": str(columns)})
    assert shown.exit_code == 0, (shown.output, shown.stderr)
    tables: list[list[list[str]]] = []
    for line in shown.stdout.splitlines():
        if line.startswith("┏"):
            tables.append([])
        cells = [c.strip() for c in line.split("│")[1:-1]]
        rows = tables[-1] if tables else []
        if cells and not cells[1] and rows:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        elif cells:
            rows.append(cells)
    return shown.stdout, tables


def explained(settings: Any, item: str, lang: str = "en") -> tuple[str, dict[str, list[str]]]:
    """`pac explain ITEM --lang LANG`: its output, and its rows by record id (cells, a folded cell joined)."""
    out, rows = explain_table(settings, item, "--lang", lang)
    return out, {r[1]: r for r in rows}


def tasks_mapping(tmp: Path, name: str) -> Path:
    """The shipped HubSpot mapping with tasks read (their ``types`` as shipped) and the portal's currency named EUR,
    written to ``tmp / name``."""
    text = default_mapping_path().read_text(encoding="utf-8")
    for old, new in (("  tasks:\n    enabled: false\n", "  tasks:\n    enabled: true\n"),
                     ("  home_currency: null", "  home_currency: EUR")):
        assert old in text
        text = text.replace(old, new)
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def sf_sync(org: Any, settings: Any, mapping: Path, at: datetime, full: bool = False) -> RunResult:
    """One night of the real pipeline on the Salesforce docs emulator ``org`` (served), its connector ``sf-main``
    built from ``mapping`` as `pac sync` builds it, no retry waits, the clock at ``at``."""
    connector = build("sf-main", mapping, ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(None, settings, connectors={"sf-main": connector}, clock=Clock(at), full=full)
    finally:
        connector.close()


def sf_written(org: Any, sobject: str, since: int = 0) -> dict[str, dict[str, Any]]:
    """The last value pac wrote to each field of each PAC record of ``sobject``, by key, from request ``since`` on."""
    out: dict[str, dict[str, Any]] = {}
    for method, path, body in org.requests[since:]:
        if method == "PATCH" and path.endswith(f"/{sobject}/PAC_Key__c"):
            for rec in body["records"]:
                out.setdefault(rec["PAC_Key__c"].split(":")[-1], {}).update(rec)
    return out
