"""The advice a manager reads, computed by hand at its boundaries (audit advisehand, 7 Dec 2026).

A calendar plan 2027, Europe/Paris, margin 30 % (the default), three segments (Rhône 69, Isère 38, Savoie 73) and
two axes, « Relance Rhône » (AX-69) and « Relance Isère » (AX-38), each +100 000 € for a budget of 10 000 € unless a
case says otherwise. The expectations were written by hand before pac was run on them.

Amounts with cents (a Salesforce org's deals have them): Isère won 10 000,40 € in February 2027 against 4 931,51 € in
February 2026. The report shows « CA réalisé 10 000 € », « Référence 4 932 € », « CA supplémentaire 5 068 € »: each
figure rounded to the euro, the additional one their difference (``money.shown_additional``, audit revenue F6), where
the exact 5 068,89 € rounds to 5 069 €. Every sentence of the advisor that quotes the additional revenue, and every
evidence row beside it, must read 5 068 €, the figure of the axis's and the segment's cards.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_config.planfile import load_plan_text
from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import ActionStatus, Plan
from pac_core.records import Records
from pac_core.results import Evaluation, Recommendation, Rule
from sync_jobs.cli_advice import advice_lines
from sync_jobs.report.fmt import Formatter
from tests.unit.test_engine_support import USERS, account, visit, won

PARIS = ZoneInfo("Europe/Paris")
JULIE = "julie.martin@durand-process.example"
MARC = "marc.dubois@durand-process.example"

TEMPLATE = """
plan: {{name: PAC 2027, year: 2027, timezone: Europe/Paris, language: {lang}}}
people:
  - {{email: {julie}, name: Julie Martin, role: rep}}
  - {{email: {marc}, name: Marc Dubois, role: rep}}
segments:
  - {{id: SEG-69, name: Rhône, kind: horizontale, scope: {{departement: "69"}}}}
  - {{id: SEG-38, name: Isère, kind: horizontale, scope: {{departement: "38"}}}}
  - {{id: SEG-73, name: Savoie, kind: horizontale, scope: {{departement: "73"}}}}
axes:
  - {{id: AX-69, name: Relance Rhône, segment: SEG-69,
     objective: {{additional_revenue: 100000, budget: 10000}}}}
  - {{id: AX-38, name: Relance Isère, segment: SEG-38,
     objective: {{additional_revenue: {objective38}, budget: {budget38}{period38}}}}}
actions:
  - {{id: A-69, axis: AX-69, text: "Visiter 5 clients du Rhône", who: {julie},
     what: {{activity: visite, count: 5}}, when: T1}}
  - {{id: A-38, axis: AX-38, text: "Visiter 5 clients de l'Isère", who: {who38},
     what: {{activity: visite, count: 5}}, when: {when38}}}
{context}
"""

ACCOUNTS = (account("r1", "69003", dormant=False), account("i1", "38000", dormant=False),
            account("s1", "73000", dormant=False))
CENTS = (won("i-now", "i1", "10000.40", date(2027, 2, 1)), won("i-then", "i1", "4931.51", date(2026, 2, 1)))
FLAT_SAVOIE = (won("s-now", "s1", "1000", date(2027, 2, 1)), won("s-then", "s1", "1000", date(2026, 2, 1)))
ISERE_VISITED = (visit("v-i1", "i1", datetime(2027, 2, 10, 9, tzinfo=PARIS)),)


def load(lang: str = "fr", *, budget38: str = "10000", objective38: str = "100000", period38: str = "",
         who38: str = JULIE, when38: str = "T1", context: str = "") -> Plan:
    text = TEMPLATE.format(lang=lang, julie=JULIE, marc=MARC, budget38=budget38, objective38=objective38,
                           period38=f', period: "{period38}"' if period38 else "", who38=who38, when38=when38,
                           context=f"context:\n{context}" if context else "")
    return load_plan_text(text, "boundaries.pac.yaml")


def at(y: int, m: int, d: int, hh: int = 12) -> datetime:
    return datetime(y, m, d, hh, tzinfo=PARIS)


def run(p: Plan, as_of: datetime, deals: tuple = (), activities: tuple = ()) -> Evaluation:
    return evaluate(p, Records(accounts=ACCOUNTS, activities=activities, deals=deals, users=USERS), as_of=as_of,
                    settings=EngineSettings())


def rec(ev: Evaluation, axis_id: str) -> Recommendation:
    [found] = [r for r in ev.recommendations if r.axis_id == axis_id]
    return found


def cli(p: Plan, ev: Evaluation, lang: str) -> list[str]:
    return advice_lines(p, ev, lang)


# --- the additional revenue quoted by the advice is the one the cards show ------------------------------------------

def test_the_hand_figures_of_the_cents_case() -> None:
    ev = run(load(budget38="0"), at(2027, 8, 15), CENTS)
    isere = ev.axis("AX-38")
    assert (isere.revenue, isere.baseline, isere.additional) == (Decimal("10000.40"), Decimal("4931.51"),
                                                                 Decimal("5068.89"))
    assert Formatter.for_plan(load(), "fr").additional(isere).replace("\u202f", " ") == "5 068\u00a0€"


def test_a_drop_in_favour_of_a_free_axis_quotes_its_card() -> None:
    """Rhône's axis sold nothing: ROI to date -100 % on 15 August 12:00 (226.5 of 365 days, 62 %), past the drop
    rule's half. Isère's axis costs nothing and brought 5 068 € (its card): the free return every dropped axis is
    moved to. Seen failing before the fix: « (sans coût, CA supplémentaire 5 069 €) », beside the card's 5 068 €."""
    for lang in ("fr", "en"):
        p = load(lang, budget38="0")
        ev = run(p, at(2027, 8, 15), CENTS)
        r = rec(ev, "AX-69")
        assert r.rule is Rule.DROP and r.evidence["in_favour_of"] == "AX-38"
        assert r.text("fr") == ("Abandonner l'axe « Relance Rhône » (ROI à date −100\u00a0% après 62\u00a0% de la "
                                "période, seuil 0\u00a0%) au profit de « Relance Isère » (sans coût, CA "
                                "supplémentaire 5\u202f068\u00a0€).")
        assert r.text("en") == ('Drop axis "Relance Rhône" (ROI to date −100% after 62% of the period, threshold 0%) '
                                'in favour of "Relance Isère" (no cost, additional revenue €5,068).')
        lines = cli(p, ev, lang)
        row = ("    - CA supplémentaire de cet axe (sans coût) : 5 068 €" if lang == "fr"
               else "    - Additional revenue of that axis (no cost): €5,068")
        assert row in lines, lines


def test_the_evidence_of_a_free_roll_out_quotes_the_sentences_figure() -> None:
    """Isère's free axis, carried out (a visit in February), rolled out on 1 May to Savoie (flat, 0 % < 5 %): the
    sentence says « sans coût, CA supplémentaire 5 068 € »; its evidence row « CA supplémentaire » read 5 069 €
    (seen failing before the fix)."""
    for lang, sentence, row in (
            ("fr", "(sans coût, CA supplémentaire 5\u202f068\u00a0€ sur « Isère ») vers « Savoie »",
             "    - CA supplémentaire : 5 068 €"),
            ("en", '(no cost, additional revenue €5,068 in "Isère") to "Savoie"', "    - Additional revenue: €5,068")):
        p = load(lang, budget38="0")
        ev = run(p, at(2027, 5, 1), CENTS + FLAT_SAVOIE, ISERE_VISITED)
        r = rec(ev, "AX-38")
        assert r.rule is Rule.ROLL_OUT and sentence in r.summary, r.summary
        lines = cli(p, ev, lang)
        assert row in lines, lines


def test_the_evidence_of_a_closing_verdict_quotes_the_sentences_figure() -> None:
    """Isère's axis of the first quarter (objective 5 000 €, budget 10 000 €) ends on 31 March: reached, 5 068 € of
    5 000 € (101 %), final ROI (5 068,89 x 0,3 - 10 000) / 10 000 = -85 %. Its evidence row read 5 069 € (seen
    failing before the fix)."""
    for lang, sentence, row in (
            ("fr", "il a atteint son objectif (101\u00a0% de l'objectif : CA supplémentaire 5\u202f068\u00a0€ sur "
                   "5\u202f000\u00a0€), ROI final −85\u00a0%.", "    - CA supplémentaire : 5 068 €"),
            ("en", "it reached its objective (101% of the objective: additional revenue €5,068 of €5,000), final ROI "
                   "−85%.", "    - Additional revenue: €5,068")):
        p = load(lang, objective38="5000", period38="T1")
        ev = run(p, at(2027, 4, 1, 0), CENTS)
        r = rec(ev, "AX-38")
        assert r.rule is Rule.CLOSED and r.summary.endswith(sentence), r.summary
        lines = cli(p, ev, lang)
        assert row in lines, lines


def test_a_segment_gone_below_zero_reads_one_fall_in_its_sentence_and_its_evidence() -> None:
    """Isère sold -4 000,40 € (credits) in 2027 against 10 000,40 € in 2026, on 1 May (a third of the year, before
    the drop's half): « recule de 14 000 € (de 10 000 € à -4 000 €) », each figure rounded to the euro as the
    segment's card shows them (« Tendance -14 000 € »). The evidence row « Évolution du segment » read -14 001 €,
    the exact -14 000,80 € rounded (seen failing before the fix)."""
    deals = (won("i-now", "i1", "-4000.40", date(2027, 2, 1)), won("i-then", "i1", "10000.40", date(2026, 2, 1)))
    for lang, sentence, row in (
            ("fr", "recule de 14\u202f000\u00a0€ (de 10\u202f000\u00a0€ à −4\u202f000\u00a0€ ; seuil 10\u00a0%)",
             "    - Évolution du segment : −14 000 €"),
            ("en", "is down €14,000 (from €10,000 to −€4,000; threshold 10%)", "    - Segment trend: −€14,000")):
        p = load(lang)
        ev = run(p, at(2027, 5, 1), deals)
        r = rec(ev, "AX-38")
        assert r.rule is Rule.PRIORITISE and sentence in r.summary, r.summary
        isere = next(s for s in ev.segments if s.segment_id == "SEG-38")
        card = Formatter.for_plan(p, lang).trend(isere).replace("\u202f", " ").replace("\u00a0", " ")
        assert card == ("−14 000 €" if lang == "fr" else "−€14,000")
        assert row in cli(p, ev, lang)

# --- an objective missed by cents never reads « 100 000 € sur 100 000 € » --------------------------------------------

def test_an_objective_missed_by_cents_reads_its_cents() -> None:
    """Isère's axis of the first quarter (+100 000 €, budget 10 000 €) won 110 000,40 € against 10 000,45 € a year
    earlier: +99 999,95 €, five cents short. Rounded to the euro both figures read 110 000 € and 10 000 €, so the
    additional revenue read « 100 000 € sur 100 000 € » beside « il n'a pas atteint son objectif (juste sous 100 %) »
    (seen failing before the fix). The amounts then read to the cent, as the share reads below 100 %: « CA
    supplémentaire 99 999,95 € sur 100 000,00 € »; final ROI (99 999,95 x 0,3 - 10 000) / 10 000 = 199,99985 % ->
    200 %. The evidence rows say the same."""
    deals = (won("i-now", "i1", "110000.40", date(2027, 2, 1)), won("i-then", "i1", "10000.45", date(2026, 2, 1)))
    for lang, sentence, rows in (
            ("fr", "L'axe « Relance Isère » s'est terminé le 31 mars 2027 : il n'a pas atteint son objectif (juste "
                   "sous 100\u00a0% de l'objectif : CA supplémentaire 99\u202f999,95\u00a0€ sur "
                   "100\u202f000,00\u00a0€), ROI final 200\u00a0%.",
             ("    - Objectif (CA supplémentaire) : 100 000,00 €", "    - CA supplémentaire : 99 999,95 €",
              "    - Part de l'objectif atteinte : juste sous 100 %")),
            ("en", 'Axis "Relance Isère" ended on March 31, 2027: it did not reach its objective (just below 100% of '
                   "the objective: additional revenue €99,999.95 of €100,000.00), final ROI 200%.",
             ("    - Objective (additional revenue): €100,000.00", "    - Additional revenue: €99,999.95"))):
        p = load(lang, period38="T1")
        ev = run(p, at(2027, 4, 1, 0), deals)
        r = rec(ev, "AX-38")
        assert r.rule is Rule.CLOSED and r.summary == sentence, r.summary
        lines = cli(p, ev, lang)
        for row in rows:
            assert row in lines, lines


def test_a_missed_objective_whose_euros_read_below_it_keeps_whole_euros() -> None:
    """One euro short (+99 999,00 €): « CA supplémentaire 99 999 € sur 100 000 € », no cents."""
    deals = (won("i-now", "i1", "110000", date(2027, 2, 1)), won("i-then", "i1", "10001", date(2026, 2, 1)))
    r = rec(run(load(period38="T1"), at(2027, 4, 1, 0), deals), "AX-38")
    assert "CA supplémentaire 99\u202f999\u00a0€ sur 100\u202f000\u00a0€)" in r.summary, r.summary


# --- a rep leaving with an action cancelled from a day still to come ----------------------------------------------

GROWING = (won("i-now", "i1", "200000", date(2027, 2, 1)), won("i-then", "i1", "1000", date(2026, 2, 1)),
           won("r-now", "r1", "200000", date(2027, 2, 1)), won("r-then", "r1", "1000", date(2026, 2, 1)))


def _stopped_in_june(lang: str, leaving: str) -> Plan:
    """A-38 (Marc's, second quarter) stopped from 1 June (« on arrête A-38 à partir du 1er juin », written in May),
    Marc leaving on ``leaving`` (his first day gone)."""
    p = load(lang, who38=MARC, when38="T2", context=f"  - {{kind: départ, who: {MARC}, on: {leaving}}}\n")
    return replace(p, actions=tuple(replace(a, status=ActionStatus.CANCELLED, status_since=date(2027, 6, 1))
                                    if a.id == "A-38" else a for a in p.actions))


def test_an_action_stopped_from_a_day_to_come_is_handed_over_until_then() -> None:
    """On 10 May A-38 is live (counted, « À risque »: a cancellation from 1 June leaves it under way until then,
    docs/plan-format.md) and Marc leaves on 20 May: from 20 to 31 May it has nobody. A manager is told to reassign
    it: « Réaffecter les actions A-38 de l'axe « Relance Isère » : marc.dubois@… s'en va (départ le 20 mai 2027). »
    Seen failing before the fix: no recommendation (the advisor read the written status, cancelled, on 10 May)."""
    for lang, head in (("fr", f"Réaffecter les actions A-38 de l'axe « Relance Isère » : {MARC} s'en va (départ le "
                              "20 mai 2027). Dans le plan, changez who: et ajoutez handed_over: "
                              f"{{from: {MARC}, on: 2027-05-20}}"),
                       ("en", f'Reassign actions A-38 of axis "Relance Isère": {MARC} is leaving (leaving on '
                              "May 20, 2027). In the plan, change who: and add handed_over: "
                              f"{{from: {MARC}, on: 2027-05-20}}")):
        p = _stopped_in_june(lang, "2027-05-20")
        ev = run(p, at(2027, 5, 10), GROWING)
        assert [a.pace.value for a in ev.actions if a.action_id == "A-38"] == ["at_risk"]
        r = rec(ev, "AX-38")
        assert r.rule is Rule.REASSIGN and r.summary.startswith(head), r.summary
        assert r.evidence["leaving"][0]["actions"] == ["A-38"]


def test_an_action_stopped_before_the_rep_leaves_is_not_handed_over() -> None:
    """Marc leaves on 5 June, after A-38 stops (1 June): nothing of it is left to hand over. And on 10 June, A-38
    cancelled, nothing either."""
    assert not [r for r in run(_stopped_in_june("fr", "2027-06-05"), at(2027, 5, 10), GROWING).recommendations
                if r.axis_id == "AX-38"]
    assert not [r for r in run(_stopped_in_june("fr", "2027-05-20"), at(2027, 6, 10), GROWING).recommendations
                if r.axis_id == "AX-38"]
    # the action not stopped: Marc leaving on 5 June still leaves 5-30 June of it to hand over
    p = load("fr", who38=MARC, when38="T2", context=f"  - {{kind: départ, who: {MARC}, on: 2027-06-05}}\n")
    assert rec(run(p, at(2027, 5, 10), GROWING), "AX-38").rule is Rule.REASSIGN


# --- a drop's "in favour of" on a tie ---------------------------------------------------------------------------------

TIED = """
plan: {name: PAC 2027, year: 2027, timezone: Europe/Paris, language: fr}
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: rep}
segments:
  - {id: SEG-69, name: Rhône, kind: horizontale, scope: {departement: "69"}}
  - {id: SEG-38, name: Isère, kind: horizontale, scope: {departement: "38"}}
  - {id: SEG-73, name: Savoie, kind: horizontale, scope: {departement: "73"}}
axes:
  - {id: AX-69, name: Relance Rhône, segment: SEG-69, objective: {additional_revenue: 100000, budget: 10000}}
  - {id: AX-73, name: Relance Savoie, segment: SEG-73, objective: {additional_revenue: 100000, budget: 1000}}
  - {id: AX-38, name: Relance Isère, segment: SEG-38, objective: {additional_revenue: 100000, budget: 1000}}
actions: []
"""


def test_a_drop_names_the_plans_first_axis_of_two_tied() -> None:
    """Rhône's axis sold nothing (ROI to date -100 % on 15 August, 62 % of the year): dropped. Savoie's and Isère's
    axes each won 20 000 € more than a year before for the same budget, so the same ROI to date, to the last bit: the
    drop is in favour of the one the plan lists first, where the manager put it, whichever id sorts after (decided
    7 Dec 2026, audit advisehand's left-out item). Checked both ways: Savoie listed first as AX-73, then as AX-38.
    Seen failing before the fix on the second: the tie went to the greater id, AX-73 (Isère, listed second)."""
    deals = (won("s-now", "s1", "20000", date(2027, 2, 1)), won("i-now", "i1", "20000", date(2027, 2, 1)))
    swapped = (TIED.replace("  - {id: AX-73", "  - {id: AX-XX").replace("  - {id: AX-38", "  - {id: AX-73")
               .replace("  - {id: AX-XX", "  - {id: AX-38"))      # Savoie (listed first) is AX-38, Isère AX-73
    for text in (TIED, swapped):
        p = load_plan_text(text, "tied.pac.yaml")
        ev = run(p, at(2027, 8, 15), deals)
        rois = {a.axis_id: a.roi for a in ev.axes}
        assert rois["AX-73"] == rois["AX-38"] and rois["AX-69"] == -1.0
        savoie = p.axes[1]
        assert savoie.name == "Relance Savoie"
        assert rec(ev, "AX-69").evidence["in_favour_of"] == savoie.id, rec(ev, "AX-69").summary
