"""The values pac writes into CRM fields, checked on the wire against the vendors' field types, with expectations
worked out by hand (audit wbvalues, 6 Dec 2026).

Salesforce counts a text field's length in UTF-16 code units: a character outside the Basic Multilingual Plane
(most emoji, some CJK ideographs) counts two ("Surrogate pair characters are treated as two characters", Salesforce
Help 005166849: formulas and the String class), so an 80-character Name holding an emoji is 81 long there. A cut
text ends with « … » after whole characters as a reader sees them: never half a flag, an accent left without its
letter, or half of a joined emoji.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from hypothesis import example, given, settings
from hypothesis import strategies as st

from connectors.base import Target, WriteChange
from connectors.fit import _extends, cut
from connectors.hubspot.schema import ACTION_PROPS
from connectors.hubspot.transport import Reply
from connectors.hubspot.writeback import Writer as HubSpotWriter
from connectors.hubspot.writeback import fmt
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from pac_config.planfile import load_plan_text
from pac_core.records import Records
from sync_jobs import diff
from tests.fakes import SMALL_PLAN, fake_evaluate

DOMAIN = "acme.my.salesforce.com"
DATA = f"https://{DOMAIN}/services/data/v62.0"
DEFAULT = config_dir() / "mappings" / "salesforce.default.yaml"     # single-currency
AXES = f"{DATA}/composite/sobjects/PAC_Axis__c/PAC_Key__c"
ACTIONS = f"{DATA}/composite/sobjects/PAC_Action__c/PAC_Key__c"
NOW = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


def units(text: str) -> int:
    """The length Salesforce counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _connector() -> SalesforceConnector:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    return build("sf-main", DEFAULT, {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                      "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"},
                 policy=RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0))


def _sent(changes: list[WriteChange]) -> dict[str, dict[str, Any]]:
    """The records the Salesforce connector puts on the wire for ``changes`` (upserts by key), by key."""
    for url in (AXES, ACTIONS):
        responses.patch(url, json=[{"id": f"a0{i}", "success": True, "created": True, "errors": []}
                                   for i in range(len(changes))])
    results = _connector().write(changes)
    assert all(r.ok for r in results), results
    out: dict[str, dict[str, Any]] = {}
    for call in responses.calls:
        if call.request.method == "PATCH":
            for record in json.loads(call.request.body)["records"]:
                out[record["PAC_Key__c"]] = record
    assert out, "nothing was sent"
    return out


# -- text cut to the field's length -------------------------------------------------------------------------------

# 77 characters, then two emoji (2 UTF-16 units each), then more
BEFORE = "A-07 Relancer les devis des grands comptes de Rhône-Alpes avant l'été, puis, "
ROCKETS = BEFORE + "🚀🚀 et la suite"


@responses.activate
def test_a_title_with_emoji_fits_salesforce_name_in_utf16_units() -> None:
    """An action title with two emoji near the 80th character: Salesforce's Name holds 80 UTF-16 units, so the title
    is cut to fit them (77 characters, one emoji and « … »: 80 units), and what goes on the wire is that title unchanged
    (the value drift repair compares with what Salesforce holds). Seen failing before the fix: both emoji kept, 80
    characters, 82 units, which Salesforce refuses (STRING_TOO_LONG) with the whole action, every night."""
    assert len(BEFORE) == 77
    name = diff.title(ROCKETS)
    assert name == BEFORE + "🚀…" and units(name) == 80, (units(name), name)
    sent = _sent([WriteChange(Target.ACTION, "p:A-07", {"name": name})])
    assert sent["p:A-07"]["Name"] == name


@pytest.mark.parametrize(("tail", "kept"), [
    ("🇫🇷🇫🇷 suite", ""),                   # a flag is two regional indicators (4 units): never one alone
    ("e\u0301te suite", "e\u0301t"),        # « é » written e + combining acute: 3 units, « ét » whole
    ("éée\u0301te", "éé"),                   # « éé » then « e » + acute: never the « e » without its accent
    ("👩\u200d👩\u200d👧 suite", ""),          # a family emoji, people joined by ZWJ: never the first one alone
    ("👍🏽 suite", ""),                        # thumbs up and its skin tone: never the thumb without it
])
def test_a_cut_never_splits_a_character_as_a_reader_sees_it(tail: str, kept: str) -> None:
    """The 80th unit falls inside a character made of several code points: the title is cut before it. Hand-made:
    « A-01 » and 71 x are 76 units; 3 units are left before « … ». Seen failing before the fix: half a flag, a bare
    « e », a lone woman and ZWJ, a thumb without its tone (and 81 to 82 units)."""
    name = diff.title("A-01 " + "x" * 71 + tail)
    assert name == "A-01 " + "x" * 71 + kept + "…", name
    assert units(name) <= 80


@responses.activate
def test_a_long_plan_name_with_emoji_fits_text_255_on_the_wire() -> None:
    """PAC_Plan__c is a Text(255): a plan name of 300 characters with emoji is sent cut to 255 UTF-16 units with
    « … ». Seen failing before the fix: 255 characters holding emoji, 297 units (STRING_TOO_LONG)."""
    plan = ("Plan 🚀 " * 60).strip()
    sent = _sent([WriteChange(Target.AXIS, "p:AX-1", {"name": "AX-1", "plan": plan})])
    value = sent["p:AX-1"]["PAC_Plan__c"]
    assert value.endswith("…") and 250 <= units(value) <= 255 and plan.startswith(value[:-1]), (units(value), value)


# -- amounts in the plan's currency ---------------------------------------------------------------------------------

def _plan(currency: str, timezone: str = "Europe/Paris") -> Any:
    return load_plan_text(SMALL_PLAN.replace("currency: EUR", f"currency: {currency}")
                          .replace("timezone: Europe/Paris", f"timezone: {timezone}"), "plan.pac.yaml")


@pytest.mark.parametrize(("currency", "won", "baseline", "additional"), [
    # yen have no decimals (ISO 4217): ¥1,135.40 shows ¥1,135 and ¥4,931.60 ¥4,932 (Salesforce shows a JPY record's
    # amounts to the currency's decimal places, Help 000385752: 123.89 shows 124), so the additional revenue is
    # 1,135 - 4,932 = -3,797, the report's figure, not -3,796.20 shown -3,796
    ("JPY", 1135.0, 4932.0, -3797.0),
    ("EUR", 1135.4, 4931.6, -3796.2),       # cents: unchanged
    ("CHF", 1135.4, 4931.6, -3796.2),
    # three decimals (ISO 4217) in a Currency(16, 2) field: Salesforce would round what pac writes to 2 places and
    # drift repair would find another figure each night; pac writes cents
    ("KWD", 1135.4, 4931.6, -3796.2),
])
def test_amounts_are_written_to_the_currencys_decimals(currency: str, won: float, baseline: float,
                                                       additional: float) -> None:
    """Won revenue 1,135.40 and baseline 4,931.60 (a pro-rated baseline, converted deals), written to the decimals
    the CRM shows for the plan's currency, the additional revenue being the written won revenue less the written
    baseline. Seen failing before the fix: JPY written 1,135.4, 4,931.6 and -3,796.2 (shown ¥-3,796 beside ¥1,135
    and ¥4,932, and the report's ¥-3,797)."""
    plan = _plan(currency)
    ev = fake_evaluate(plan, Records(), NOW)
    ev = replace(ev, axes=tuple(replace(a, revenue=Decimal("1135.40"), baseline=Decimal("4931.60"),
                                        additional=Decimal("-3796.20")) for a in ev.axes))
    axis = diff.desired_state(plan, ev)[(Target.AXIS, f"{plan.id}:AX-1")]
    assert (axis["won_revenue"], axis["baseline"], axis["revenue"]) == (won, baseline, additional)


class _Portal:
    """A HubSpot transport that records each batch call's body (what hubspot-api-client sends) and accepts it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def call(self, _name: str, _api: str, _verb: str, _object_type: str, body: dict[str, Any]) -> Reply:
        self.bodies.append(body)
        return Reply(200, {"results": [{"id": str(100 + i), "properties": dict(item["properties"]), "new": True}
                                       for i, item in enumerate(body["inputs"])]})


def _hubspot_sent(change: WriteChange) -> dict[str, str]:
    portal = _Portal()
    writer = HubSpotWriter(portal, fallback=False, owner_id=lambda _e: None,  # type: ignore[arg-type]
                           axis_type="2-1001", action_type="2-1002")
    [result] = writer.write([change])
    assert result.ok, result
    [body] = portal.bodies
    [item] = body["inputs"]
    return dict(item["properties"])


@pytest.mark.parametrize(("amount", "text"), [
    (123456789012.34, "123456789012.34"),        # IDR / COP amounts in the hundreds of billions, with cents
    (98765432109876.55, "98765432109876.55"),
    (-3797.0, "-3797"),
    (58340.18, "58340.18"),
    (0.1875, "0.1875"),
])
def test_a_hubspot_number_is_the_figure_written_digit_for_digit(amount: float, text: str) -> None:
    """A number property gets the figure pac writes (as Salesforce's JSON does), never the binary float's noise: a
    won revenue of 123,456,789,012.34 is sent "123456789012.34". Seen failing before the fix: "123456789012.339996"
    (six decimals of the float), which HubSpot shows, and which drift repair read back as another figure than pac's
    (4e-6 apart) every night."""
    sent = _hubspot_sent(WriteChange(Target.AXIS, "p:AX-1", {"won_revenue": amount}))
    assert sent["pac_won_revenue"] == text


# -- control characters -----------------------------------------------------------------------------------------------

@responses.activate
def test_a_control_character_in_a_plan_text_is_left_out_of_what_every_crm_gets() -> None:
    """A statement holding control characters (a bell, a NUL, an ESC written as YAML escapes, or pasted from another
    tool): Salesforce's writer drops them, so the desired values must not hold them either, or drift repair finds
    the Name Salesforce holds differing from pac's every night and writes it again; HubSpot gets the same text.
    Seen failing before the fix: the desired name kept "\\x07", "\\x00" and "\\x1b" (and HubSpot got them)."""
    text = 'text: "Visit 2\\x07 customers\\x00 in \\x1b[31mweek 18"'
    plan = load_plan_text(SMALL_PLAN.replace('text: "Visit 2 customers in week 18"', text), "plan.pac.yaml")
    assert plan.actions[0].text == "Visit 2\x07 customers\x00 in \x1b[31mweek 18"
    desired = diff.desired_state(plan, fake_evaluate(plan, Records(), NOW))[(Target.ACTION, f"{plan.id}:A-01")]
    assert (desired["name"], desired["text"]) == ("A-01 Visit 2 customers in [31mweek 18",
                                                  "Visit 2 customers in [31mweek 18")
    sent = _sent([WriteChange(Target.ACTION, "p:A-01", {"name": desired["name"], "text": desired["text"]})])
    assert (sent["p:A-01"]["Name"], sent["p:A-01"]["PAC_Text__c"]) == (desired["name"], desired["text"])


# -- figures and days, on both CRMs' wires -------------------------------------------------------------

# (done, target, the Percent field's value, HubSpot's text) worked out by hand: 4 / 5 = 80 %, 600 / 5 = 12,000 %
# (a Percent(18, 1) holds it), 0 / 5 = 0 %, 2 / 3 = 66.666… % half up at one place = 66.7 %
FIGURES = [(4, 5, 80.0, "80"), (600, 5, 12000.0, "12000"), (0, 5, 0.0, "0"), (2, 3, 66.7, "66.7")]


@pytest.mark.parametrize("timezone", ["Pacific/Auckland", "America/Los_Angeles"])
@pytest.mark.parametrize(("done", "target", "percent", "text"), FIGURES)
@responses.activate
def test_an_actions_figures_and_days_are_what_the_crms_store(timezone: str, done: int, target: int, percent: float,
                                                             text: str) -> None:
    """Action A-01 « in week 18 » of a plan in Auckland (UTC+12) or Los Angeles (UTC-7): its window is Monday 3 May
    to Sunday 9 May 2027 in the plan's days (its UTC start is 2 May in Auckland), which a Salesforce Date and a
    HubSpot date property hold as such; its plan ends 31 December 2027. The progress goes to a Percent field as a
    percentage (80 for 80 %) and to HubSpot's number as that figure's text."""
    plan = _plan("EUR", timezone)
    ev = fake_evaluate(plan, Records(), NOW)
    ev = replace(ev, actions=tuple(replace(a, done=done, target=target, progress=done / target) if a.action_id ==
                                   "A-01" else a for a in ev.actions))
    desired = diff.desired_state(plan, ev)[(Target.ACTION, f"{plan.id}:A-01")]
    fields = {k: desired[k] for k in ("done", "progress_pct", "window_start", "window_end", "plan_end")}
    sf = _sent([WriteChange(Target.ACTION, "p:A-01", fields)])["p:A-01"]
    assert (sf["PAC_Done__c"], sf["PAC_Progress_Pct__c"], sf["PAC_Window_Start__c"], sf["PAC_Window_End__c"],
            sf["PAC_Plan_End__c"]) == (done, percent, "2027-05-03", "2027-05-09", "2027-12-31")
    hs = _hubspot_sent(WriteChange(Target.ACTION, "p:A-01", fields))
    assert (hs["pac_done"], hs["pac_progress_pct"], hs["pac_window_start"], hs["pac_window_end"],
            hs["pac_plan_end"]) == (str(done), text, "2027-05-03", "2027-05-09", "2027-12-31")


def test_an_axis_without_objective_clears_its_progress_on_both_crms() -> None:
    """No objective, no revenue progress: Salesforce gets null and HubSpot "" (HubSpot clears a property with an
    empty string), never 0 %, which would read as an objective missed."""
    plan = _plan("EUR")
    desired = diff.desired_state(plan, fake_evaluate(plan, Records(), NOW))[(Target.AXIS, f"{plan.id}:AX-1")]
    assert desired["progress_pct"] is None and desired["objective"] is None
    hs = _hubspot_sent(WriteChange(Target.AXIS, "p:AX-1", {"progress_pct": None, "objective": None}))
    assert (hs["pac_progress_pct"], hs["pac_objective"]) == ("", "")


# -- the upsert key ---------------------------------------------------------------------------------------------------

LONG_NAME = ("Plan d'actions commerciales 2027 de la direction régionale Auvergne-Rhône-Alpes, secteur industrie "
             "pharmaceutique et chimie fine, clients dormants et prospects des départements 01, 03, 07, 15, 26, 38, "
             "42, 43, 63, 69, 73 et 74 (révision de mars après la réunion commerciale trimestrielle)")


@responses.activate
def test_a_key_longer_than_salesforces_pac_key_is_refused_before_any_call_with_the_fix() -> None:
    """A plan named in 287 characters and no ``id:``: its id is the slug of its name, 273 characters, so its records'
    keys (« plan-id:AX-1 ») are longer than PAC_Key__c, a Text(255), which Salesforce refuses record by record every
    night (STRING_TOO_LONG, with the hint "run pac crm check", which finds nothing). pac sends none of them and says
    what to write: a shorter ``id:``. Seen failing before the fix: both records sent (2 PATCH calls)."""
    plan = load_plan_text(SMALL_PLAN.replace('name: "Test plan"', f'name: "{LONG_NAME}"'), "plan.pac.yaml")
    assert len(LONG_NAME) == 287 and len(plan.id) == 273
    changes = [WriteChange(Target.AXIS, f"{plan.id}:AX-1", {"name": "AX-1"}),
               WriteChange(Target.ACTION, f"{plan.id}:A-01", {"name": "A-01", "axis_key": f"{plan.id}:AX-1"})]
    results = _connector().write(changes)
    assert [call.request.method for call in responses.calls if call.request.method == "PATCH"] == []
    for result in results:
        assert not result.ok and not result.retryable, result
        assert "PAC_Key__c" in (result.error or "") and "id:" in (result.error or ""), result.error


def test_a_hubspot_date_property_given_an_instant_gets_its_day_where_it_was_taken() -> None:
    """A date property takes a day (« YYYY-MM-DD » or its midnight UTC): given an instant, it is the instant's day in
    its own timezone (the plan's, for the pipeline's instants), as Salesforce's Date gets it: Monday 3 May 2027 at
    00:00 in Auckland is 2 May 12:00 UTC, yet its day is 3 May. Seen failing before: "2027-05-02" (the UTC day)."""
    auckland = datetime(2027, 5, 3, 0, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert fmt(ACTION_PROPS["window_start"], auckland) == "2027-05-03"
    assert fmt(ACTION_PROPS["window_start"], datetime(2027, 5, 9, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))) \
        == "2027-05-09"
    assert fmt(ACTION_PROPS["window_start"], datetime(2027, 5, 9, 23, 30)) == "2027-05-09"     # naive: as written
    assert fmt(ACTION_PROPS["last_synced"], auckland) == "1809259200000"       # a datetime property: the instant


REGIONAL = "".join(chr(c) for c in range(0x1F1E6, 0x1F200))
ALPHABET = ["a", "é", " ", "e\u0301", "🚀", "🇫", "🇷", "\u200d", "👍", "🏽", "\ufe0f", "𠮟"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join), st.integers(min_value=2, max_value=40))
@example("\u200d aa", 3)    # a joiner left last once the spaces before « … » are dropped: found by this test
def test_a_cut_always_fits_and_ends_between_whole_characters(text: str, limit: int) -> None:
    """Whatever the text: the cut fits ``limit`` UTF-16 units, is the text's start (spaces before « … » dropped) and
    « … », and the character after the cut does not belong to the one before it."""
    out = cut(text, limit)
    assert units(out) <= limit
    if out == text:
        return
    assert out.endswith("…")
    kept = out[:-1]
    rest = text[len(kept):]
    assert text.startswith(kept)
    if kept and rest:
        assert not _extends(rest[0]) and not kept.endswith("\u200d"), (kept, rest)
        flags = len(kept) - len(kept.rstrip(REGIONAL))
        assert flags % 2 == 0 or rest[0] not in REGIONAL, (kept, rest)      # never half a flag
