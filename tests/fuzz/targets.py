"""Fuzz targets: each draws one input with Hypothesis, feeds it to one input path, and lets through only the
project's documented rejections (``InvalidInput`` and its kinds: ``PlanError``, ``PeriodError``, ``ScopeError``...;
a normaliser returns ``Rejected`` and raises nothing). Any other exception is a crash; a case slower than the
deadline is a timeout.

The inputs are structure-aware: plans and mappings are the shipped files with values replaced, keys removed or
added and lines garbled (YAML anchors, merge keys, tags, control characters and Rich markup among the pieces);
every rejection's messages must be plain words (no ``datetime.date(...)``, ``odict_keys``...); spreadsheets are
the example CSV with cells replaced; statements and periods are built from the words the
linter and the parser know; CRM records follow each API's documented JSON (Salesforce: any JSON value per
field; HubSpot: property values are strings or null).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from pac_core.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"

# -- pieces ---------------------------------------------------------------------------------------------------
NASTY = ["[/]", "[link=https://evil.example]x", "\x1b[2J", "\x9b", "\u202e", "\x00", "\t", "\r\n", "&a", "*a",
         "<<: *a", "!!python/object:os.system", "!!binary aGk=", "{", "}", "[", "]", "'", '"', "#", ":", "- ", "---",
         "...", "%YAML 1.1", "~", "null", "yes", "no", "on", "0x1F", "1e999", "nan", ".inf", "-0", "2027-02-30",
         "2027-13-01", "99999999999999999999999999999999", "é", "€", "\u00a0", "\ufeff", "😀", "a" * 300]
WORDS = ["visiter", "visite", "appeler", "appel", "rencontrer", "rendez-vous", "relancer", "développer",
         "augmenter", "le", "la", "les", "de", "du", "des", "en", "avant", "avant le", "après le", "entre", "et",
         "au", "à", "d'ici", "fin", "début", "mi", "semaine", "sem.", "S", "T", "Q", "trimestre", "semestre",
         "mois", "prochaine", "prochain", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
         "septembre", "octobre", "novembre", "décembre", "2026", "2027", "2028", "1er", "premier", "dernier",
         "clients", "comptes", "dormants", "prospects", "5", "10", "18", "53", "54", "0", "30/04", "31/02",
         "30/04/2027", "2027-05-03", "15 juin", "%", "k€", "M€", "CA", "+10 %", "Julie", "Martin", "PX200", "69",
         "Isère", "Savoie", "visit", "call", "meet", "before", "by", "end of", "week", "next", "Q2", "H1", ",",
         ".", "-", "/", "(", ")", "«", "»"]


def digits(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=1, max_size=max_size)


def text_piece() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), st.sampled_from(WORDS), digits(),
                     st.text(max_size=30), st.text(st.characters(codec="utf-8"), max_size=12))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=False, allow_infinity=False,
                                                                    places=3).map(float),
        text_piece(), st.lists(text_piece(), max_size=4).map(" ".join),
        st.dates(min_value=date(1, 1, 1)), st.datetimes(min_value=datetime(1900, 1, 1)))


def values() -> st.SearchStrategy[Any]:
    return st.recursive(scalars(), lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(text_piece(), st.integers()), inner, max_size=4)),
        max_leaves=8)


# -- YAML documents: the shipped file, mutated ----------------------------------------------------------------
def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    return yaml


@cache
def _base(name: str) -> tuple[str, Any]:
    """The shipped file's text and data; the example plan cut down to a few of each item (every section and kind
    of value is still there, and a case parses in milliseconds rather than the whole plan's tenth of a second)."""
    text = (CONFIG / name).read_text(encoding="utf-8")
    data = _yaml().load(text)
    if name.startswith("plans/"):
        segments = data["segments"][:2]
        kept = {s["id"] for s in segments}
        axes = [a for a in data["axes"] if a["segment"] in kept][:3]
        ids = {a["id"] for a in axes}
        data = {**data, "people": data["people"][:4], "segments": segments, "axes": axes,
                "actions": [a for a in data["actions"] if a["axis"] in ids][:5]}
        text = _dump(data) or text
    return text, data


def _containers(node: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, dict | list):
        out.append(node)
        for child in (node.values() if isinstance(node, dict) else node):
            _containers(child, out)
    return out


@st.composite
def mutated_yaml(draw: st.DrawFn, name: str) -> str:
    """The shipped file ``name`` with a few structural changes, then perhaps a few garbled lines."""
    import copy

    text, data = _base(name)
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        spots = _containers(data, [])
        spot = draw(st.sampled_from(spots))
        if isinstance(spot, dict) and spot:
            key = draw(st.sampled_from(sorted(spot, key=str)))
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                spot[key] = draw(values())
            elif action == "delete":
                del spot[key]
            else:
                spot[draw(text_piece())] = draw(values())
        elif isinstance(spot, list) and spot:
            i = draw(st.integers(min_value=0, max_value=len(spot) - 1))
            action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
            if action == "replace":
                spot[i] = draw(values())
            elif action == "delete":
                del spot[i]
            else:
                spot.append(copy.deepcopy(spot[i]))
    # JSON is YAML too, and is written a hundred times faster than block style; one case in five keeps the file's
    # own block style and comments (only its lines garbled below)
    as_json = draw(st.integers(0, 4)) > 0
    lines = (json.dumps(data, indent=1, ensure_ascii=False, default=str) if as_json else text).splitlines()
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        cut = draw(st.integers(min_value=0, max_value=len(lines[i])))
        lines[i] = lines[i][:cut] + draw(text_piece()) + lines[i][cut + draw(st.integers(0, 5)):]
    return "\n".join(lines) + "\n"


def _dump(data: Any) -> str | None:
    """``data`` as YAML, or None when the safe dumper cannot write one of its values (the caller garbles the
    original text instead)."""
    out = io.StringIO()
    try:
        _yaml().dump(data, out)
    except Exception:
        return None
    return out.getvalue()


# -- the targets ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], None]
    share: float   # of the large budget: slow targets (a YAML parse) get fewer cases than fast ones


PYTHON_WORDS = re.compile(r"datetime\.(date|datetime)\(|odict|ordereddict|Commented(Map|Seq)|<class |object at 0x|"
                          r"Decimal\(|TaggedScalar|Scalar(Float|Int|String)|NoneType|Traceback")


def _rejected_only(fn: Callable[[], Any]) -> None:
    """Run ``fn``: the documented rejection (``InvalidInput``: located problems, exit 2) is fine as long as its
    messages are plain words; any other exception goes up as a crash."""
    try:
        fn()
    except InvalidInput as exc:
        for problem in exc.problems:
            internal = PYTHON_WORDS.search(str(problem))
            assert internal is None, f"Python internals ({internal.group()}) in a message: {problem}"


def _scratch() -> Path:
    path = Path(tempfile.gettempdir()) / f"pac-fuzz-{os.getpid()}"
    path.mkdir(exist_ok=True)
    return path


def _write(name: str, content: str | bytes) -> Path:
    path = _scratch() / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


def run_plan(text: str) -> None:
    from pac_config.planfile import load_plan_text

    _rejected_only(lambda: load_plan_text(text, name="fuzz.pac.yaml"))


def run_salesforce_mapping(text: str) -> None:
    from connectors.salesforce.mapping import load_mapping

    path = _write("salesforce.yaml", text)
    _rejected_only(lambda: load_mapping(path))


def run_hubspot_mapping(text: str) -> None:
    from connectors.hubspot.mapping import load_mapping

    path = _write("hubspot.yaml", text)
    _rejected_only(lambda: load_mapping(path))


@cache
def _sheet() -> list[list[str]]:
    import csv

    text = (CONFIG / "plans" / "example.actions.csv").read_text(encoding="utf-8")
    return [row for row in csv.reader(io.StringIO(text), delimiter=";")]


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    """The example CSV with some cells replaced, rows dropped or repeated; sometimes other bytes altogether."""
    import csv

    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=200))
    rows = [list(r) for r in _sheet()]
    for _ in range(draw(st.integers(0, 6))):
        r = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["cell", "cell", "cell", "drop", "repeat", "short"]))
        if action == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(st.one_of(text_piece(), digits(30),
                                                                              st.sampled_from(WORDS)))
        elif action == "drop" and len(rows) > 1:
            del rows[r]
        elif action == "repeat":
            rows.append(list(rows[r]))
        elif action == "short":
            rows[r] = rows[r][:draw(st.integers(0, len(rows[r])))]
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([";", ";", ",", "\t"]))).writerows(rows)
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"])),
                                 errors="replace")


def run_import(content: bytes) -> None:
    from pac_config.plan_import import import_plan

    path = _write("fuzz.csv", content)
    _rejected_only(lambda: import_plan(path, year=2027, tz="Europe/Paris"))


def statements() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), digits(25), text_piece()),
                    max_size=14).map(" ".join)


_ZONES = ["Europe/Paris", "UTC", "America/New_York", "Pacific/Kiritimati", "Australia/Lord_Howe"]


def run_linter(case: tuple[str, int, str, date | None]) -> None:
    from pac_core.linter import lint_statement

    text, year, tz, today = case
    _rejected_only(lambda: lint_statement(text, year=year, tz=tz, today=today, people=["Julie Martin"]))


def run_period(case: tuple[str, int, str, date | None]) -> None:
    from pac_core.periods import parse_period

    text, year, tz, today = case
    _rejected_only(lambda: parse_period(text, year=year, tz=tz, today=today))


def period_cases() -> st.SearchStrategy[tuple[str, int, str, date | None]]:
    return st.tuples(statements(), st.integers(1900, 2199), st.sampled_from(_ZONES),
                     st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))


# -- CRM records ----------------------------------------------------------------------------------------------
SF_FIELDS = ["Id", "Name", "Email", "IsActive", "SystemModstamp", "BillingPostalCode", "BillingCountry", "Industry",
             "Type", "AnnualRevenue", "OwnerId", "IsDeleted", "Subject", "ActivityDateTime", "StartDateTime",
             "ActivityDate", "IsAllDayEvent", "CompletedDateTime", "WhatId", "AccountId", "Status", "TaskSubtype",
             "EventSubtype", "StageName", "IsWon", "IsClosed", "Amount", "CloseDate", "CurrencyIsoCode",
             "OpportunityLineItems", "Account", "Owner", "Quantity", "TotalPrice", "ProductCode", "ServiceDate"]
SF_VALUES = st.one_of(values(), st.sampled_from(["2027-05-03T08:00:00.000+0000", "2027-05-03", "2027-02-30",
                                                 "001000000000001AAA", "Visite client", "Closed Won", "69001",
                                                 "France", "FR", "12500.5", "-1"]),
                      st.fixed_dictionaries({"records": st.lists(st.dictionaries(st.sampled_from(SF_FIELDS), values(),
                                                                                  max_size=6), max_size=3)}))


def sf_records() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(SF_FIELDS), SF_VALUES, max_size=12)


def run_salesforce_records(case: tuple[str, dict[str, Any]]) -> None:
    from connectors.salesforce.mapping import load_mapping
    from connectors.salesforce.normalise import Normaliser

    kind, record = case
    normaliser = Normaliser("sf-fuzz", _cached(load_mapping, CONFIG / "mappings" / "salesforce.demo.yaml"),
                            warn=lambda _text: None)
    if kind == "user":
        normaliser.user(record)
    elif kind == "account":
        normaliser.account(record)
    elif kind == "deal":
        normaliser.deal(record)
    else:
        normaliser.activity(kind, record)


HS_PROPS = ["name", "zip", "country", "industry", "type", "annualrevenue", "hubspot_owner_id", "hs_meeting_start_time",
            "hs_timestamp", "hs_activity_type", "hs_meeting_outcome", "hs_meeting_title", "hs_call_disposition",
            "hs_call_status", "hs_call_title", "dealname", "pipeline", "dealstage", "amount", "closedate",
            "deal_currency_code", "hs_product_id", "hs_sku", "quantity", "hs_lastmodifieddate", "email", "firstName",
            "lastName", "updatedAt"]
HS_STRINGS = st.one_of(st.none(), text_piece(), digits(30), st.sampled_from(
    ["2027-05-03T08:00:00Z", "2027-05-03T08:00:00.000Z", "1714723200000", "2027-05-03", "default", "closedwon",
     "1,5", "12 500,00", "-3", "1e5", "NaN", "Infinity", "COMPLETED", "Visite client", "f240bbac-87c9-4f6e-bf70"]))


def hs_objects() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"id": st.one_of(digits(12), text_piece()),
                                  "properties": st.dictionaries(st.sampled_from(HS_PROPS), HS_STRINGS, max_size=12)},
                                 optional={"archived": st.booleans(), "updatedAt": HS_STRINGS})


def run_hubspot_records(case: tuple[str, dict[str, Any]]) -> None:
    from connectors.hubspot import normalise as hs
    from connectors.hubspot.mapping import load_mapping
    from pac_core.records import DealStage

    kind, obj = case
    m = _cached(load_mapping, CONFIG / "mappings" / "hubspot.default.yaml")
    pipelines = {"default": hs.Pipeline("default", "Sales", {"closedwon": DealStage.WON, "closedlost": DealStage.LOST,
                                                             "appointmentscheduled": DealStage.OPEN})}
    if kind == "account":
        hs.to_account(obj, "hs-fuzz", m)
    elif kind == "meeting":
        hs.to_meeting(obj, "hs-fuzz", m, "123")
    elif kind == "call":
        hs.to_call(obj, "hs-fuzz", m, None)
    elif kind == "deal":
        hs.to_deal(obj, "hs-fuzz", m, pipelines, "123", ())
    elif kind == "line":
        hs.to_line(obj, m)
    else:
        hs.to_user({**obj["properties"], "id": obj["id"], "archived": obj.get("archived", False)}, "hs-fuzz")


_CACHE: dict[tuple[Any, Path], Any] = {}


def _cached(load: Callable[[Path], Any], path: Path) -> Any:
    if (load, path) not in _CACHE:
        _CACHE[(load, path)] = load(path)
    return _CACHE[(load, path)]


TARGETS = [
    Target("plan loader", mutated_yaml("plans/example.pac.yaml"), run_plan, 0.03),
    Target("salesforce mapping loader", mutated_yaml("mappings/salesforce.default.yaml"), run_salesforce_mapping,
           0.02),
    Target("hubspot mapping loader", mutated_yaml("mappings/hubspot.default.yaml"), run_hubspot_mapping, 0.02),
    Target("plan importer (CSV)", sheets(), run_import, 0.04),
    Target("linter", period_cases(), run_linter, 0.22),
    Target("period parser", period_cases(), run_period, 0.22),
    Target("salesforce records", st.tuples(st.sampled_from(["user", "account", "deal", "Event", "Task"]), sf_records()),
           run_salesforce_records, 0.20),
    Target("hubspot records", st.tuples(st.sampled_from(["account", "meeting", "call", "deal", "line", "user"]),
                                        hs_objects()), run_hubspot_records, 0.25),
]
_ = Decimal  # amounts are drawn as floats and strings, the way both APIs send them
