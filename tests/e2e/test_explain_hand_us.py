"""``pac explain`` on the US fiscal-year organisation of ``test_report_hand_us.py`` (audit explainus, 6 Dec 2026):
each action and axis checked against hand expectations written before the explain code was read, in English and with
the same plan in French (``language: fr``). Evaluated ``--as-of 2027-09-30`` (1 October 00:00 Chicago: the report's
fiscal Q2 figures, 1 April - 30 September 2027).

Hand figures (see ``test_report_hand_us.py`` for the split): AX-PUMP $17,900.00 = d01 9 000 / 2 + d05 6 000 + d03
4 000 / 2 + d04 (EUR 10 000 x 1.08) 10 800 / 2, baseline 7 000; AX-CUST $18,600.00 = d14 1 200 + d01 15 000 / 2 + d08
8 000 / 2 - d02 2 000 + d03 (no amount, lines) 5 000 / 2 + d04 10 800 / 2, fixed baseline 50 000 x 183 / 366
= 25 000; AX-HC $18,500.00 = d08 8 000 / 2 + d11 3 500 + d09 11 000, baseline b04 6 000 / 2 = 3 000; deals closed
within a month outside the days counted: b10 (31 March 2027, a1), b08 (31 March, h2), d10 (1 October, h2).
"""

from __future__ import annotations

import itertools
import os
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli import run_pac
from tests.e2e.test_explain_hand import deal_rows, rows
from tests.e2e.test_report_hand_us import PLAN, _crm, _settings, _sync

ITEMS = ("A-01", "A-02", "A-03", "A-04", "A-05", "A-06", "AX-PUMP", "AX-CUST", "AX-HC")
OK, NO = "✔", "✘"


def _pac(tmp: Path, config: Path, *args: str) -> str:
    """stdout of ``pac``, piped (the tables laid out at the piped width, as a manager's `pac explain … | less`)."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_") and k != "COLUMNS"},
           "PAC_CONFIG": str(config)}
    done = run_pac(*args, env=env, cwd=tmp, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for lang in ("en", "fr"):
        tmp = tmp_path_factory.mktemp(f"explainus-{lang}")
        config = _settings(tmp, "2027-10-02T03:00:00-05:00")
        (tmp / "plan.pac.yaml").write_text(PLAN.replace("language: en", f"language: {lang}"), encoding="utf-8")
        _sync(config, _crm(), datetime(2027, 10, 2, 8, tzinfo=UTC))
        for item in ITEMS:
            out[item, lang] = _pac(tmp, config, "explain", item, "--as-of", "2027-09-30")
    return out


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _header(output: str) -> str:
    """The lines above the table, joined (a line the terminal folds is one line)."""
    return _plain(" ".join(output.split("┏")[0].splitlines()[1:]))


ACTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    # id: (English header, French header, {record: mark + reason code words in English})
    "A-01": ("3 / 3 (100%) — 3 counted, 8 not counted", "3 / 3 (100 %) — 3 comptées, 8 non comptées",
             {"v02": OK, "v04": OK, "v08": OK, "v01": NO, "v03": NO, "v05": NO, "v06": NO, "v07": NO}),
    "A-02": ("4 / 5 (80%) — 4 counted, 9 not counted", "4 / 5 (80 %) — 4 comptées, 9 non comptées",
             {"c02": OK, "c03": OK, "c05": OK, "c07": OK, "c01": NO, "c04": NO, "c06": NO}),
    "A-03": ("3 / 2 (150%) — 3 counted, 4 not counted", "3 / 2 (150 %) — 3 comptées, 4 non comptées",
             {"m01": OK, "m06": OK, "m04": OK, "m02": NO, "m03": NO, "m05": NO}),
    "A-05": ("3 / 4 (75%) — 3 counted, 6 not counted", "3 / 4 (75 %) — 3 comptées, 6 non comptées",
             {"v20": OK, "v21": OK, "v22": OK, "v23": NO, "v24": NO}),
    "A-06": ("4 / 3 (133%) — 4 counted, 0 not counted", "4 / 3 (133 %) — 4 comptées, 0 non comptée",
             {"e01": OK, "e02": OK, "e03": OK, "e04": OK}),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_actions(org: dict[tuple[str, str], str], action: str) -> None:
    en, fr, marks = ACTIONS[action]
    assert _header(org[action, "en"]).startswith(en)
    assert _header(org[action, "fr"]).startswith(fr)
    for lang in ("en", "fr"):
        found = rows(org[action, lang])
        assert {k: v[0] for k, v in found.items() if k in marks} == marks, (action, lang)
    # counted rows: as many as the header's count
    assert sum(1 for v in rows(org[action, "en"]).values() if v[0] == OK) == int(en.split(" / ")[0])


def test_action_details(org: dict[tuple[str, str], str]) -> None:
    """The reason and detail of the telling rows, in each language: the window's edge in Chicago time, the account
    counted once, the scope's condition, the hand-over's day."""
    en = {k: v[1:] for item in ("A-01", "A-02", "A-03") for k, v in rows(org[item, "en"]).items()}
    fr = {k: v[1:] for item in ("A-01", "A-02", "A-03") for k, v in rows(org[item, "fr"]).items()}
    assert en["v01"] == ("outside the window", "2027-06-30 23:30, before the window “July” (2027-07-01 – 2027-07-31)")
    assert fr["v01"] == ("hors de la période",   # the days in words (audit nearmissfmt)
                         "30 juin 2027 à 23:30, avant la période « July » (du 1er au 31 juillet 2027)")
    assert en["v03"] == ("account already counted", "account already counted for this action")
    assert en["v05"] == ("account outside the scope", "postal code 30301 (scope: postal code 60*, 53*)")
    assert fr["m03"] == ("compte hors périmètre", "type de compte Prospect (périmètre : type de compte Customer)")
    assert en["c04"][0] == "still planned on a past date"
    assert en["m02"] == ("after the hand-over",
                         "owner alex@pumps.example, after the hand-over to sam@pumps.example on 2027-08-16")
    assert fr["m02"] == ("après la passation", "propriétaire alex@pumps.example, après la passation à "
                                               "sam@pumps.example le 16 août 2027")


AXES = {
    "AX-PUMP": ("Revenue $17,900.00 (baseline $7,000.00, additional $10,900.00, objective $3,675.00) — 4 deals "
                "counted, 4 not counted",
                "CA 17 900,00 $US (référence 7 000,00 $US, supplémentaire 10 900,00 $US, objectif 3 675,00 $US) — "
                "4 affaires comptées, 4 non comptées",
                {"d01": "$9,000.00 / 2 = $4,500.00", "d05": "$6,000.00", "d03": "$4,000.00 / 2 = $2,000.00",
                 "d04": "$10,800.00 / 2 = $5,400.00"}, {"d14", "d08", "d02", "b10"}),
    "AX-CUST": ("Revenue $18,600.00 (baseline $25,000.00, additional −$6,400.00, objective $40,000.00) — 6 deals "
                "counted, 1 not counted; 1 credit subtracted",
                "CA 18 600,00 $US (référence 25 000,00 $US, supplémentaire −6 400,00 $US, objectif 40 000,00 $US) — "
                "6 affaires comptées, 1 non comptée ; 1 avoir déduit",
                {"d14": "$1,200.00", "d01": "$15,000.00 / 2 = $7,500.00", "d08": "$8,000.00 / 2 = $4,000.00",
                 "d02": "−$2,000.00", "d03": "$5,000.00 / 2 = $2,500.00", "d04": "$10,800.00 / 2 = $5,400.00"},
                {"b10"}),
    "AX-HC": ("Revenue $18,500.00 (baseline $3,000.00, additional $15,500.00, objective $30,000.00) — 3 deals counted, "
              "2 not counted",
              "CA 18 500,00 $US (référence 3 000,00 $US, supplémentaire 15 500,00 $US, objectif 30 000,00 $US) — "
              "3 affaires comptées, 2 non comptées",
              {"d08": "$8,000.00 / 2 = $4,000.00", "d11": "$3,500.00", "d09": "$11,000.00"}, {"b08", "d10"}),
}


def _dollars(text: str) -> Decimal:
    """The last amount of a cell ("$8,000.00 / 2 = $4,000.00" -> 4000.00; "−$2,000.00" -> -2000.00)."""
    last = text.rpartition("=")[2].strip()
    return Decimal(last.replace("\u2212", "-").replace("$", "").replace(",", ""))


@pytest.mark.parametrize("axis", sorted(AXES))
def test_axes(org: dict[tuple[str, str], str], axis: str) -> None:
    en, fr, counted, missed = AXES[axis]
    assert _header(org[axis, "en"]).startswith(en)
    assert _header(org[axis, "fr"]).startswith(fr)
    found = deal_rows(org[axis, "en"])
    assert {k: v[1] for k, v in found.items() if v[0] == OK} == counted
    assert {k for k, v in found.items() if v[0] == NO} == missed
    revenue = Decimal(en.split(" ")[1].replace("$", "").replace(",", ""))
    assert sum(_dollars(v[1]) for v in found.values() if v[0] == OK) == revenue   # to the cent


def test_outside_period_rows(org: dict[tuple[str, str], str]) -> None:
    hc = deal_rows(org["AX-HC", "en"])
    assert hc["b08"][2:] == ("outside the period", "closed on 2027-03-31, before the first day counted, 2027-04-01")
    assert hc["d10"][2:] == ("outside the period", "closed on 2027-10-01, after the last day counted, 2027-09-30")
    fr = deal_rows(org["AX-HC", "fr"])
    assert fr["d10"][2:] == ("hors de la période",
                             "clôturée le 1er octobre 2027, après le dernier jour compté, le 30 septembre 2027")
    pump = deal_rows(org["AX-PUMP", "en"])
    assert pump["d14"][2:] == ("another product", "SVC-1 (scope: product PUMP)")
    assert pump["d02"][2:] == ("another product", "no product line (scope: product PUMP)")
    cust = deal_rows(org["AX-CUST", "en"])
    assert cust["d02"][2] == "credit (negative amount), subtracted"
    assert cust["d03"][3] == "empty amount: the sum of its lines; split evenly with AX-PUMP “Pump line Midwest”"


def test_a_split_deal_names_the_axes_it_is_shared_with(org: dict[tuple[str, str], str]) -> None:
    """Under `attribution: split` a counted deal read « $15,000.00 / 2 = $7,500.00 » and no word of the other half:
    its detail names the other live axes counting it (audit explainleft). By hand (test_report_hand_us): d01 is
    AX-PUMP's and AX-CUST's, d08 AX-CUST's and AX-HC's; d05 (AX-PUMP's alone) says nothing of it."""
    pump, cust, hc = (deal_rows(org[axis, "en"]) for axis in ("AX-PUMP", "AX-CUST", "AX-HC"))
    assert cust["d01"][3].startswith("split evenly with AX-PUMP “Pump line Midwest”")
    assert pump["d01"][3].startswith("split evenly with AX-CUST “Midwest customers”")
    assert cust["d08"][3].startswith("split evenly with AX-HC “Healthcare accounts”")
    assert hc["d08"][3].startswith("split evenly with AX-CUST “Midwest customers”")
    assert "split" not in pump["d05"][3]
    fr = deal_rows(org["AX-CUST", "fr"])
    assert fr["d01"][3].startswith("partagée à parts égales avec AX-PUMP « Pump line Midwest »")


@pytest.mark.parametrize("item", ["AX-PUMP", "AX-CUST", "AX-HC"])
def test_no_amount_is_folded_inside(org: dict[tuple[str, str], str], item: str) -> None:
    """Every amount pac prints stays whole on one line: piped at 160 columns, AX-CUST's French split share read
    « 15 000,00 $US / 2 = 7 » over « 500,00 $US » (the column folded at the thousands separator, a no-break space
    to rich as any other), and AX-PUMP's objective line « = 3 » over « 675 $US »: 7 and 500 to the eye."""
    for lang in ("fr", "en"):
        assert _folded_numbers(org[item, lang]) == [], (item, lang, org[item, lang])
    assert re.search("15\u202f000,00\u00a0\\$US", org["AX-CUST", "fr"])


def _folded_numbers(output: str) -> list[tuple[str, str]]:
    """Where a number is cut over two lines: a table cell's line ending in a digit whose next line (the row's
    continuation, same column) starts with one, or a text line ending in a digit followed by one starting with one."""
    found = []
    lines = output.splitlines()
    for above, below in itertools.pairwise(lines):
        if "│" in above and "│" in below:
            cells = [c.strip() for c in below.split("│")[1:-1]]
            if cells and not cells[0]:          # the row's continuation line
                pairs = zip([c.strip() for c in above.split("│")[1:-1]], cells, strict=False)
                found += [(a, b) for a, b in pairs if a[-1:].isdigit() and b[:1].isdigit()]
        elif "│" not in above and "│" not in below and above[-1:].isdigit() and below[:1].isdigit():
            found.append((above, below))
    return found


def test_a_converted_deal_says_its_own_amount_and_rate(org: dict[tuple[str, str], str]) -> None:
    """d04 is €10,000.00 in the CRM; the axes count $10,800.00 (fx 1.08), halved: its row said « counted » and nothing,
    no answer to « why $10,800 when the deal reads €10,000? ». Its detail says what the CRM holds, what it counts
    before the split and the rate as pac.yaml writes it (``engine.fx_rates``: currency -> rate into the plan's
    currency, 1 EUR = 1.08 USD; audit explainrates: it read "converted at 1.08", no setting named), on the whole-deal
    axis and on the product axis (its PUMP line, €10,000.00); a deal in dollars says nothing."""
    cust, pump = deal_rows(org["AX-CUST", "en"]), deal_rows(org["AX-PUMP", "en"])
    said = "€10,000.00 in the CRM = $10,800.00; engine.fx_rates in pac.yaml: 1 EUR = 1.08 USD"
    # then the other axis it is split with (audit explainleft)
    assert _plain(cust["d04"][3]) == f"{said}; split evenly with AX-PUMP “Pump line Midwest”"
    assert _plain(pump["d04"][3]) == f"{said}; split evenly with AX-CUST “Midwest customers”"
    assert "€" not in cust["d01"][3] + pump["d01"][3]
    assert cust["d03"][3] == "empty amount: the sum of its lines; split evenly with AX-PUMP “Pump line Midwest”"
    fr = deal_rows(org["AX-CUST", "fr"])
    assert _plain(fr["d04"][3]) == ("10 000,00 € dans le CRM = 10 800,00 $US ; engine.fx_rates de pac.yaml : "
                                    "1 EUR = 1,08 USD ; partagée à parts égales avec AX-PUMP « Pump line Midwest »")


def test_an_action_to_come_says_its_window_has_not_begun(org: dict[tuple[str, str], str]) -> None:
    """A-04 (demos in the fiscal Q3, October - December) on 30 September: « 0 / 2 (0%) — 0 counted, 0 not counted »
    over an empty table, and nothing else: to a manager, an action at 0 % with nothing done, where the report says
    « To come ». A line under its counts says its window has not begun (the day counted is the evaluation's, at a
    local midnight the day before, as the inactive line reads it)."""
    assert _header(org["A-04", "en"]) == (
        "0 / 2 (0%) — 0 counted, 0 not counted Action to come: its window “Q3” (2027-10-01 – 2027-12-31) begins after "
        "the last day counted, 2027-09-30; nothing counts for it yet.")
    assert _header(org["A-04", "fr"]) == (
        "0 / 2 (0 %) — 0 comptée, 0 non comptée Action à venir : sa période « Q3 » (du 1er octobre au 31 décembre "
        "2027) commence après le dernier jour compté, le 30 septembre 2027 ; rien ne compte encore pour elle.")
    assert "Action to come" not in org["A-02", "en"]


def test_a_former_owners_counted_activity_says_so(org: dict[tuple[str, str], str]) -> None:
    """A-03 is Sam's since 16 August; Alex's meetings of 5 August and 15 August 23:30 (Chicago) count, as before the
    hand-over day. Their rows said « counted » and nothing: « why do Alex's meetings count for Sam's action? » had no
    answer beside m02's « after the hand-over ». Sam's own meeting says nothing more."""
    en, fr = rows(org["A-03", "en"]), rows(org["A-03", "fr"])
    said = "owner alex@pumps.example, before the hand-over to sam@pumps.example on 2027-08-16"
    assert en["m01"] == en["m06"] == (OK, "counted", said)
    assert en["m04"] == (OK, "counted", "")
    assert fr["m06"] == (OK, "comptée", "propriétaire alex@pumps.example, avant la passation à sam@pumps.example le "
                                        "16 août 2027")
