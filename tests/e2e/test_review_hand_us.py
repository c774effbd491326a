"""The monthly action review of the US fiscal-year organisation of test_report_hand_us (audit reviewhandus, 6 Dec
2026): « Midwest Pumps FY2027-28 », America/Chicago, USD, a fiscal year from 1 April 2027, ``attribution: split``,
reps Alex Kim, Sam Ortiz and Jordan Lee. Every figure is read from what ``pac review`` writes (Markdown, HTML
parsed), never from the engine, and was computed by hand before the review's code was read.

Two nights, the CRM holding on each what had happened by then (activities started, deals closed and created):

- 1 August 2027 08:00 UTC (03:00 CDT), plan v1: the file's plan with A-03 (2 meetings in August) still Alex's;
  July's monthly snapshot kept (``pac snapshot --period 2027-07``, what ``pac schedule`` takes on the 1st);
- 2 September 2027 08:00 UTC, plan v2: A-03 handed from Alex to Sam on 16 August, A-02's target 5 -> 6 calls, a new
  action A-07 (Jordan, 2 calls to healthcare accounts in September); August's visits, calls and meetings logged and
  the Bolt Works deal d03 won on 10 August. The reviews of July and August are written then, in English and French.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.records import ActivityStatus, Deal
from sync_jobs.pipeline import run_sync
from tests.e2e.test_report_hand import NBSP, NNBSP, Page, page
from tests.e2e.test_report_hand_us import ACCOUNTS, ACTIVITIES, DEALS, PLAN, USERS, _deal, _line, _pac, _settings
from tests.fakes import Clock, FakeConnector

A03_SAM = "    who: sam@pumps.example\n    handed_over: {from: alex@pumps.example, on: 2027-08-16}\n"
A02_CALLS = 'what: {activity: call, count: 5, counting: activities}\n    when: "Q2"'
A07 = ('  - id: A-07\n    axis: AX-HC\n    text: "Call healthcare accounts 2 times in September"\n'
       '    who: jordan@pumps.example\n    what: {activity: call, count: 2, counting: activities}\n'
       '    when: "September"\n')
PLAN_JULY = PLAN.replace(A03_SAM, "    who: alex@pumps.example\n")
PLAN_SEPTEMBER = PLAN.replace(A02_CALLS, A02_CALLS.replace("count: 5", "count: 6")) + A07

# -- hand computation (written before the review's code was read) -------------------------------------------------
# Windows: A-01 July, A-02 and A-05 the fiscal Q2 (1 July - 30 September, 92 days), A-03 August, A-04 the fiscal Q3
# (October - December), A-06 June, A-07 September. Share of the fiscal Q2 elapsed: end of July 31 / 92 = 0.337, end
# of August 62 / 92 = 0.674.
# End of June (July's previous month, recomputed: no June snapshot): A-06 4 / 3 done (e04 23:00 CDT 30 June); every
#   other action not begun.
# End of July: A-01 3 / 3 done (v02 a1, v04 a3, v08 a2 at 23:59 CDT 31 July); A-02 2 calls (c02, c03): 2 / 5 = 0.4
#   on track in July's own plan, 2 / 6 = 0.333 < 0.337 at risk on today's; A-05 1 visit (v20) 1 / 4 at risk;
#   A-06 done; A-03, A-04 (and A-07, on today's plan) not started.
# End of August: A-02 3 / 6 (c05 24 August; c04 still planned) = 0.5 < 0.674 at risk, +1, target 5 -> 6, on track ->
#   at risk; A-03 3 / 2 done (m01 and m06 Alex before the hand-over, m04 Sam from 00:30 CDT 16 August; m02 Alex
#   after it, m03 a prospect, m05 no-show), +3, taken over from Alex; A-05 2 / 4 (v21) at risk, +1; A-07 new.
# Next actions due: July's review (after 31 July, by 31 August) A-03 alone; August's (by 30 September),
#
# Axes (share of the fiscal year: end of July 122 / 366, end of August 153 / 366), split attribution:
#   AX-PUMP July d01 4 500 + d05 6 000 - b01 3 000 = 7 500, August + d03 2 000 = 9 500, both over its 3 675: reached;
#   AX-CUST July d01 7 500 - d02 2 000 + d08 4 000 + d14 1 200 = 10 700 - 50 000 x 122 / 366 = -5 967 (-15 %),
#   August + d03 2 500 = 13 200 - 50 000 x 153 / 366 = 20 902 -> -7 702 (-19 %): at risk;
#   AX-HC d08 4 000 + d11 3 500 - b04 3 000 = 4 500 / 30 000 = 15 % at risk both months.
# Advice: under half of the year elapsed (no drop); no roll-out (each other segment grows over 5 %); AX-HC already
#   prioritised: none.


@dataclass
class Store:
    tmp: Path
    config: Path

    def review(self, name: str, *args: str) -> Path:
        out = self.tmp / name
        _pac(self.tmp, self.config, "review", *args, "-o", str(out))
        return out

    def html(self, name: str, *args: str) -> Page:
        return page(self.review(name, *args))

    def md(self, name: str, *args: str) -> str:
        return self.review(name, *args).read_text(encoding="utf-8").replace(NBSP, " ").replace(NNBSP, " ")


def _night(tmp: Path, at: datetime, plan: str, cancelled: str = "", *late: Deal) -> Path:
    """A sync at ``at`` of what the CRM holds by then; ``cancelled``: an activity cancelled the evening before;
    ``late``: deals typed since."""
    config = _settings(tmp, at.isoformat())
    (tmp / "plan.pac.yaml").write_text(plan, encoding="utf-8")
    crm = FakeConnector()
    activities = (replace(a, status=ActivityStatus.CANCELLED, modified_at=at - timedelta(hours=12)) if a.id == cancelled
                  else a for a in ACTIVITIES if a.start <= at)
    crm.put(*USERS, *ACCOUNTS, *activities,
            *(d for d in (*DEALS, *late) if d.close_date <= at.date() and (d.created_at is None or d.created_at <= at)))
    result = run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(at))
    assert result.status == "ok", result
    return config


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    assert PLAN_JULY != PLAN and PLAN_SEPTEMBER != PLAN + A07
    tmp = tmp_path_factory.mktemp("reviewhandus")
    config = _night(tmp, datetime(2027, 8, 1, 8, tzinfo=UTC), PLAN_JULY)
    _pac(tmp, config, "snapshot", "--period", "2027-07")
    return Store(tmp, _night(tmp, datetime(2027, 9, 2, 8, tzinfo=UTC), PLAN_SEPTEMBER))


@pytest.fixture(scope="module")
def august_en(store: Store) -> str:
    return store.md("aug-en.md", "--month", "2027-08", "--lang", "en")


def test_august_team_and_axes(august_en: str) -> None:
    assert august_en.startswith("# Midwest Pumps FY2027-28 — Monthly action review · August 2027\n\n"
                                "Status at the end of August 31, 2027, recalculated on today's entries and plan "
                                "(no snapshot of the month kept).\n"
                                "Compared with the previous review (July 2027, snapshot kept then).\n")
    assert ("| Rep | Done | On track | At risk | Missed | Not started | Change |\n"
            "|---|---|---|---|---|---|---|\n"
            "| Alex Kim | 1 | 0 | 0 | 0 | 1 | 1 |\n"
            "| Jordan Lee | 1 | 0 | 1 | 0 | 1 | 2 |\n"
            "| Sam Ortiz | 1 | 0 | 1 | 0 | 0 | 2 |\n") in august_en
    # since July's review (audit reviewleft): -7 702 - (-5 967) = -1 735, the baseline to date +50 000 x 31 / 366 =
    # 4 235 with revenue +2 500 (d03); AX-HC 4 500 both months
    assert ("| Axis | Pace | Last month | Progress | Change |\n|---|---|---|---|---|\n"
            "| Midwest customers (AX-CUST) | At risk | At risk | −19% | −15% → −19% · −\\$1,735 since last month · "
            "breakdown: baseline to date up \\$4,235: −\\$4,235; Deal d03 +\\$2,500 (won on August 10, 2027) |\n"
            "| Healthcare accounts (AX-HC) | At risk | At risk | 15% | progress unchanged |\n\n") in august_en
    assert "No recommendation: every axis is within its thresholds." in august_en


def _section(md: str, rep: str) -> str:
    start = md.index(f"## {rep}\n")
    end = md.find("\n## ", start + 1)
    return md[start:] if end < 0 else md[start:end]


Q2 = "July 1 – September 30, 2027"
A02 = f"| Call Midwest accounts 5 times in Q2 (A-02) | {Q2} | 3 / 6 | At risk |"
A03 = "| Hold 2 meetings with Midwest customers in August (A-03) | August 1–31, 2027 | 3 / 2 | Done |"
A05 = f"| Visit healthcare accounts 4 times in Q2 (A-05) | {Q2} | 2 / 4 | At risk |"
A07_LINE = "| Call healthcare accounts 2 times in September (A-07) | September 1–30, 2027 | 0 / 2 | Not started |"
# the at-risk block, beside the count expected by the end of August: 62 of Q2's 92 days, A-02 6 x 62 / 92 = 4.0 calls,
# A-05 4 x 62 / 92 = 2.7 visits
A02_AT_RISK = f"| Call Midwest accounts 5 times in Q2 (A-02) | {Q2} | 3 / 6 | 4.0 | At risk |"
A05_AT_RISK = f"| Visit healthcare accounts 4 times in Q2 (A-05) | {Q2} | 2 / 4 | 2.7 | At risk |"


def test_august_per_rep(august_en: str) -> None:
    """The hand-over on both sides, the target changed, the counts since July, the new action, the deadlines."""
    alex, jordan, sam = (_section(august_en, r) for r in ("Alex Kim", "Jordan Lee", "Sam Ortiz"))
    assert "| Visit 3 Midwest accounts in July (A-01) | July 1–31, 2027 | 3 / 3 | Done |\n" in alex
    assert f"{A03} handed over to Sam Ortiz |\n" in alex
    assert "### Next actions due (until September 30, 2027)\n\nNothing." in alex
    assert f"{A02_AT_RISK}\n" in sam and f"{A03}\n" in sam and f"{A05_AT_RISK}\n" in jordan
    assert f"{A03} Not started → Done · +3 since last month · taken over from Alex Kim |\n" in sam
    assert f"{A02} On track → At risk · +1 since last month · target 5 → 6 |\n" in sam
    assert f"{A02} September 30, 2027 |\n\n" in sam and "A-03) | August 1–31, 2027 | 3 / 2 | Done | August" not in sam
    assert f"{A05} +1 since last month |\n{A07_LINE} new action |\n" in jordan
    assert f"{A05} September 30, 2027 |\n{A07_LINE} September 30, 2027 |\n" in jordan


def test_july_reviewed_on_todays_records(store: Store) -> None:
    """July, closed, reviewed on 2 September: the plan's edits since its snapshot are said under the header, and the
    month's tables read today's plan (A-03 Sam's, A-02 against 6 calls); June is recomputed (no snapshot kept)."""
    july = store.md("jul-en.md", "--month", "2027-07", "--lang", "en")
    assert july.startswith(
        "# Midwest Pumps FY2027-28 — Monthly action review · July 2027\n\n"
        "Status at the end of July 31, 2027, recalculated on today's entries and plan.\n"
        "Compared with the previous review (June 2027, recomputed from the stored data and today's plan: no snapshot "
        "kept).\n\n"
        "Since the close (entries and plan edits after July 31, 2027):  \nowners: A-03 Alex Kim → Sam Ortiz  \n"
        "paces: A-02 On track → At risk  \nactions: A-02 2/5 → 2/6  \nadded to the plan since: A-07\n")
    assert ("| Alex Kim | 1 | 0 | 0 | 0 | 1 | 1 |\n| Jordan Lee | 1 | 0 | 1 | 0 | 1 | 1 |\n"
            "| Sam Ortiz | 0 | 0 | 1 | 0 | 1 | 1 |\n") in july
    assert ("| Midwest customers (AX-CUST) | At risk | At risk | −15% | 1% → −15% · −\\$6,235 since last month · "
            "breakdown: baseline to date up \\$4,235: −\\$4,235; Deal d02 −\\$2,000 (credit note of July 15, 2027) |\n"
            in july)
    assert ("| Visit 3 Midwest accounts in July (A-01) | July 1–31, 2027 | 3 / 3 | Done | Not started → Done · +3 "
            "since last month |\n") in _section(july, "Alex Kim")
    sam = _section(july, "Sam Ortiz")
    assert f"| Call Midwest accounts 5 times in Q2 (A-02) | {Q2} | 2 / 6 | At risk | Not started → At risk · +2" in sam
    # A-03 (0 / 2 at July's end) has its two meetings by 2 September, when the review is written: no longer due, as an
    # action cancelled by then (audit sfhand10; it was listed « 0 / 2 Not started August 31 »)
    assert "### Next actions due (until August 31, 2027)\n\nNothing.\n" in sam


def test_french_review(store: Store) -> None:
    """The same August in French, the months named in full (they read « juil. 2027 »), and « reprise d'Alex Kim »
    (it read « reprise de Alex Kim »: no elision before a vowel)."""
    fr = store.md("aug-fr.md", "--month", "2027-08", "--lang", "fr")
    assert fr.startswith("# Midwest Pumps FY2027-28 — Revue mensuelle des actions · août 2027\n\n"
                         "Situation à la fin du 31 août 2027, recalculé sur les saisies et le plan d'aujourd'hui "
                         "(aucun instantané conservé du mois).\n"
                         "Comparée à la revue précédente (juillet 2027, instantané gardé alors).\n")
    assert ("| Midwest customers (AX-CUST) | À risque | À risque | −19 % | −15 % → −19 % · −1 735 \\$US depuis le mois "
            "dernier · détail : CA de référence à date en hausse de 4 235 \\$US : −4 235 \\$US ; Deal d03 +2 500 \\$US "
            "(gagnée le 10 août 2027) |\n") in fr
    assert ("| 3 / 2 | Terminée | À venir → Terminée · +3 depuis le mois dernier · reprise d'Alex Kim |\n") in fr
    assert "| 3 / 2 | Terminée | transmise à Sam Ortiz |\n" in fr
    assert ("| 3 / 6 | À risque | Dans les temps → À risque · +1 depuis le mois dernier · cible 5 → 6 |\n") in fr
    assert "| 0 / 2 | À venir | nouvelle action |\n" in fr
    july = store.html("jul-fr.html", "--month", "2027-07", "--lang", "fr")
    assert july.text.startswith("Revue mensuelle des actions · juillet 2027\nMidwest Pumps FY2027-28\n")
    assert ("Comparée à la revue précédente (juin 2027, recalculée depuis les données enregistrées et le plan "
            "d'aujourd'hui : aucun instantané "
            "gardé)") in july.text
    assert "<title>Midwest Pumps FY2027-28 — Revue mensuelle des actions · juillet 2027</title>" in july.raw


def test_english_page(store: Store) -> None:
    august = store.html("aug-en.html", "--month", "2027-08")     # the plan's language
    assert august.text.startswith("Monthly action review · August 2027\nMidwest Pumps FY2027-28\n")
    assert august.body("Rep", "Done", "On track", "At risk", "Missed", "Not started", "Change") == [
        ["Alex Kim", "1", "", "", "", "1", "1"], ["Jordan Lee", "1", "", "1", "", "1", "2"],
        ["Sam Ortiz", "1", "", "1", "", "", "2"]]
    alex, jordan, sam = august.bodies("Action", "When", "Done / target", "Pace", "Change")
    a03 = ["Hold 2 meetings with Midwest customers in August A-03 · Midwest customers", "August 1–31, 2027", "3 / 2",
           "✓ Done"]
    assert alex == [[*a03, "handed over to Sam Ortiz"]]
    assert sam[0] == [*a03, "Not started → Done · +3 since last month · taken over from Alex Kim"]
    assert [r[0] for r in jordan] == [
        "Visit healthcare accounts 4 times in Q2 A-05 · Healthcare accounts",
        "Call healthcare accounts 2 times in September A-07 · Healthcare accounts"]


def test_fewer_counted_than_last_month_says_since_when(store: Store, tmp_path: Path) -> None:
    """On 3 September Alex's visit to Cogs Inc of 14 July (v04, counted by A-01 in July's snapshot) is marked cancelled
    in the CRM: August's review, against July's snapshot, shows A-01 2 / 3 missed, « Done → Missed · −1 since last
    month » (it read « Done → Missed · -1 », a bare figure beside the « +3 since last month » of a rise), and that the
    -1 is July's own, removed after July's review (audit reviewyear)."""
    shutil.copytree(store.tmp, tmp_path, dirs_exist_ok=True)
    copy = Store(tmp_path, _night(tmp_path, datetime(2027, 9, 3, 8, tzinfo=UTC), PLAN_SEPTEMBER, cancelled="v04"))
    a01 = "| Visit 3 Midwest accounts in July (A-01) | July 1–31, 2027 | 2 / 3 | Missed |"
    # the -1 is July's, a visit of then cancelled after July's review (audit reviewyear: said beside the count)
    alex = copy.md("alex.md", "--month", "2027-08", "--rep", "Alex Kim", "--lang", "en")
    assert f"{a01} Done → Missed · −1 since last month, of which −1 from July 2027 removed after its review |\n" in alex
    fr = copy.md("alex-fr.md", "--month", "2027-08", "--rep", "alex@pumps.example", "--lang", "fr")
    assert ("| 2 / 3 | Manquée | Terminée → Manquée · −1 depuis le mois dernier, dont −1 de juillet 2027 retiré après "
            "sa revue |\n") in fr


def test_dollar_amounts_in_markdown_are_escaped(store: Store, tmp_path: Path) -> None:
    """On 3 September Alex types a pump deal won on Acme on 28 July (d20, $3,000, one PUMP line): July's review says
    what moved since its close, in dollars. By hand: plan revenue at July's end d01 15 000 - d02 2 000 + d05 6 000 +
    d08 8 000 + d11 3 500 + d14 1 200 = 31 700 -> 34 700; d20 split between AX-PUMP (7 500 -> 9 000) and AX-CUST
    (-5 967 -> -4 467). In Markdown each « $ » is escaped, « \\$31,700 »: bare, a wiki or editor that reads « $…$ » as
    mathematics (GitHub's, Obsidian, Typora…) can set « 34,700 (+ » as a formula (« $31,700 → $34,700 (+$3,000) »)."""
    shutil.copytree(store.tmp, tmp_path, dirs_exist_ok=True)
    d20 = replace(_deal("d20", "a1", "alex", "3000", date(2027, 7, 28), _line("PUMP", "3000")),
                  created_at=datetime(2027, 9, 2, 20, tzinfo=UTC), modified_at=datetime(2027, 9, 2, 20, tzinfo=UTC))
    copy = Store(tmp_path, _night(tmp_path, datetime(2027, 9, 3, 8, tzinfo=UTC), PLAN_SEPTEMBER, "", d20))
    july = copy.md("july.md", "--month", "2027-07", "--lang", "en")
    assert "plan revenue \\$31,700 → \\$34,700 (+\\$3,000)  \n" in july
    assert "axes' additional revenue: AX-PUMP \\$7,500 → \\$9,000; AX-CUST −\\$5,967 → −\\$4,467  \n" in july
    assert "$" not in july.replace("\\$", "")
    assert "chiffre d'affaires du plan 31 700 \\$US → 34 700 \\$US (+3 000 \\$US)" in copy.md(
        "juillet.md", "--month", "2027-07", "--lang", "fr")
    page_text = copy.html("july.html", "--month", "2027-07", "--lang", "en").text     # the page needs no escape
    assert "plan revenue $31,700 → $34,700 (+$3,000)" in page_text and "\\$" not in page_text
