"""Who gets which alert, with which key; the digest's text; the notifications settings and their errors."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pac_config.settings import load_settings
from pac_core.errors import InvalidInput
from pac_core.records import Rejected
from pac_core.results import Pace, Recommendation, Rule
from sync_jobs.notify.alerts import compute_alerts
from sync_jobs.notify.digest import render_digest
from sync_jobs.report.i18n import ENUMS
from tests.unit import report_fixtures as fx

MANAGER = "nathalie.garnier@durand-process.example"
JULIE = "julie.martin@durand-process.example"


def _alerts():
    rejected = [Rejected("sf-main", "activities", "00U1", "no_account: the activity has no account")]
    return compute_alerts(fx.plan(), fx.evaluation(), rejected, month="2027-08")


class TestAlerts:
    def test_keys_and_recipients(self) -> None:
        """Late A-01 and done A-02/A-05 go to their owner and the manager; the axis at risk, the four
        recommendations and the rejected record to the manager only."""
        alerts = {a.key: a.to for a in _alerts()}
        assert alerts["action:A-01:late"] == (JULIE, MANAGER)
        assert alerts["action:A-02:done"] == (JULIE, MANAGER)
        assert alerts["action:A-05:done"] == ("sophie.bernard@durand-process.example", MANAGER)
        assert alerts["axis:maint-ra:at_risk:2027-08"] == (MANAGER,)
        assert {k for k in alerts if k.startswith("reco:")} == {
            "reco:roll_out:dormants-69", "reco:drop:maint-ra", "reco:prioritise:pharma-mx50",
            "reco:suspend:pharma-px200:2027-Q3"}
        assert [k for k in alerts if k.startswith("rejected:")] == [
            "rejected:sf-main:activities:00U1:" + __import__("hashlib").sha256(
                b"no_account: the activity has no account").hexdigest()[:12]]
        assert len(alerts) == 9       # on-track, at-risk, not-started and inactive actions send nothing

    def test_axis_alert_comes_back_each_month(self) -> None:
        july = {a.key for a in compute_alerts(fx.plan(), fx.evaluation(), [], month="2027-07")}
        assert "axis:maint-ra:at_risk:2027-07" in july and "action:A-01:late" in july


    def test_once_the_plan_is_over_a_missed_axis_is_told_once(self) -> None:
        """Audit janmeet F12: the ended plan's nightly sync (January, for late entries) re-announced « Axes en retard
        sur leur rythme … (attendu à ce jour : 100 %) » under a new month's key. After the end the missed objective
        is a final fact: one key for every month, its own words, no « attendu à ce jour »."""
        paris = ZoneInfo("Europe/Paris")
        evaluation = fx.evaluation()
        axes = tuple(dataclasses.replace(a, pace=Pace.LATE, expected_by_now=1.0) if a.axis_id == "maint-ra" else a
                     for a in evaluation.axes)
        for as_of, month in ((datetime(2028, 1, 1, tzinfo=paris), "2027-12"),
                             (datetime(2028, 1, 12, 3, tzinfo=paris), "2028-01"),
                             (datetime(2028, 2, 1, 3, tzinfo=paris), "2028-02")):
            ended = dataclasses.replace(evaluation, as_of=as_of, axes=axes)
            alerts = [a for a in compute_alerts(fx.plan(), ended, [], month=month) if a.subject == "maint-ra"
                      and a.kind.startswith("axis")]
            assert [(a.key, a.kind, a.to) for a in alerts] == [("axis:maint-ra:late:final", "axis_missed", (MANAGER,))]
        body = render_digest(alerts, "fr")[1].replace("\u00a0", " ")
        assert body.splitlines()[:2] == ["Axes dont l'objectif est manqué (plan terminé) (1)",
                                         "- Contrats de maintenance : Manqué, 39 % de l'objectif à la fin du plan"]
        assert "attendu à ce jour" not in body and "en retard sur leur rythme" not in body
        _, english = render_digest(alerts, "en")
        assert "- Contrats de maintenance: Missed, 39% of the objective at the plan's end" in english
        running = dataclasses.replace(evaluation, as_of=datetime(2027, 12, 31, 23, tzinfo=paris), axes=axes)
        assert "axis:maint-ra:late:2027-12" in {a.key for a in compute_alerts(fx.plan(), running, [], month="2027-12")}

    def test_an_axis_pace_reads_in_the_axis_words(self) -> None:
        """An axis missed: « Manqué », the report's and the review's axis word, HubSpot's pac_axis option and
        Salesforce's axis label (audit surfaces F4: the digest wrote the action's « Manquée »)."""
        paris = ZoneInfo("Europe/Paris")
        evaluation = fx.evaluation()
        axes = tuple(dataclasses.replace(a, pace=Pace.LATE, expected_by_now=1.0) if a.axis_id == "maint-ra" else a
                     for a in evaluation.axes)
        ended = dataclasses.replace(evaluation, as_of=datetime(2028, 1, 1, tzinfo=paris), axes=axes)
        alerts = [a for a in compute_alerts(fx.plan(), ended, [], month="2027-12") if a.subject == "maint-ra"
                  and a.kind.startswith("axis")]
        body = render_digest(alerts, "fr")[1].replace("\u00a0", " ")
        assert "- Contrats de maintenance : Manqué, 39 % de l'objectif" in body, body
        assert ENUMS["axis_pace"]["fr"]["late"] == "Manqué"

    def test_an_axis_far_below_its_objective_is_written_as_the_report_writes_it(self) -> None:
        """« -3 374 % » with the language's thousands separator, as the report of the same night (docs-as-contract
        audit F3: the digest wrote « -3374 % »; seen failing before the fix)."""
        paris = ZoneInfo("Europe/Paris")
        evaluation = fx.evaluation()
        axes = tuple(dataclasses.replace(a, pace=Pace.LATE, progress=-33.74, expected_by_now=12.5)
                     if a.axis_id == "maint-ra" else a for a in evaluation.axes)
        ended = dataclasses.replace(evaluation, as_of=datetime(2027, 10, 1, 3, tzinfo=paris), axes=axes)
        alerts = [a for a in compute_alerts(fx.plan(), ended, [], month="2027-10") if a.subject == "maint-ra"
                  and a.kind.startswith("axis")]
        assert len(alerts) == 1
        assert "Manqué, −3\u202f374 % de l'objectif" in render_digest(alerts, "fr")[1]
        english = render_digest(alerts, "en")[1]
        assert "Missed, −3,374% of the objective" in english and "1,250%" in english

    def test_a_second_person_leaving_the_same_axis_is_a_new_alert(self) -> None:
        """Marc leaves AX maint-ra in May (alert sent); in October Julie, who took over A-10, leaves too: another
        alert, which the sender has not delivered yet. The same departure standing (an action more to hand over)
        keeps its key: sent once. Failed before: both were `reco:reassign:maint-ra`, Julie's never sent."""
        def reassign(who: str, actions: list[str]) -> Recommendation:
            return Recommendation(Rule.REASSIGN, "maint-ra", "rhone-alpes", f"Réaffecter {actions} : {who} s'en va.",
                                  {"leaving": [{"who": who, "on": None, "declared": False, "note": "",
                                                "actions": actions}]})

        def keys(*recos: Recommendation) -> set[str]:
            evaluation = dataclasses.replace(fx.evaluation(), recommendations=recos)
            return {a.key for a in compute_alerts(fx.plan(), evaluation, [], month="2027-10")
                    if a.kind == "recommendation"}

        may = keys(reassign("marc.dubois@durand-process.example", ["A-10", "A-12"]))
        october = keys(reassign(JULIE, ["A-10"]))
        assert may == {"reco:reassign:maint-ra:marc.dubois@durand-process.example"}
        assert october == {f"reco:reassign:maint-ra:{JULIE}"}
        assert keys(reassign("Marc.Dubois@durand-process.example", ["A-10", "A-12", "A-14"])) == may

    def test_a_suspend_coming_back_in_another_quarter_is_a_new_alert(self) -> None:
        """Suspended for 2027-Q1, lifted, overloaded again in 2027-Q3: two alerts, one per quarter."""
        [suspend] = [r for r in fx.evaluation().recommendations if r.rule is Rule.SUSPEND]
        q1 = dataclasses.replace(suspend, evidence={**suspend.evidence, "quarter": "2027-Q1"})
        keys = {a.key for reco in (q1, suspend) for a in compute_alerts(
            fx.plan(), dataclasses.replace(fx.evaluation(), recommendations=(reco,)), [], month="2027-08")
            if a.kind == "recommendation"}
        assert keys == {"reco:suspend:pharma-px200:2027-Q1", "reco:suspend:pharma-px200:2027-Q3"}


class TestDigest:
    def test_advice_in_the_persons_language(self) -> None:
        """A French plan, a manager set to English: the advisor's sentence comes in English (the engine gives both,
        `Recommendation.text`), the French one for a French reader. Failed before: always the plan's French."""
        english = "Suspend axis \"PX200 pumps in pharma\": production of PX200 is loaded at 96% of capacity in 2027-Q3."
        recos = tuple(dataclasses.replace(r, other={"en": english}) if r.rule is Rule.SUSPEND else r
                      for r in fx.evaluation().recommendations)
        evaluation = dataclasses.replace(fx.evaluation(), recommendations=recos)
        mine = [a for a in compute_alerts(fx.plan(), evaluation, [], month="2027-08") if MANAGER in a.to]
        _, body_en = render_digest(mine, "en")
        body_fr = render_digest(mine, "fr")[1].replace("\u00a0", " ")   # French typography: test_typography
        assert f"- Suspend · Pompes doseuses PX200 en pharma: {english}" in body_en.splitlines()
        assert "Suspendre l'axe" not in body_en
        assert "Suspendre · Pompes doseuses PX200 en pharma : Suspendre l'axe « Pompes doseuses PX200 en pharma »" \
            in body_fr

    def test_julie_in_english(self) -> None:
        """Her own actions: not named as hers; the done one with its axis as the missed one (audit notifyhand F2)."""
        mine = [a for a in _alerts() if JULIE in a.to]
        title, body = render_digest(mine, "en", JULIE)
        assert title == "PAC — what changed for you (2)"
        assert body.splitlines()[:5] == [
            "Missed actions (window closed) (1)",
            "- Visiter 5 clients dormants du 69 en semaine 18: 4 / 5 (Clients dormants)", "",
            "Actions done (1)", "- Appeler 20 clients dormants de l'Ain en juin: 22 / 20 (Clients dormants)"]

    def test_manager_in_french_translates_pace_and_rule(self) -> None:
        title, body = render_digest([a for a in _alerts() if MANAGER in a.to], "fr")
        body = body.replace("\u00a0", " ")   # French typography: test_typography
        assert title == "PAC — ce qui a changé pour vous (9)"
        assert "- Contrats de maintenance : À risque, 39 % de l'objectif (attendu à ce jour : 63 %)" in body
        assert "- Abandonner · Contrats de maintenance : Abandonner l'axe" in body


def _settings(tmp_path: Path, section: str) -> Path:
    config = Path(__file__).resolve().parents[2] / "config"
    path = tmp_path / "pac.yaml"
    path.write_text(f"connectors:\n  - {{name: sf-main, crm: salesforce, mapping: '{config}/mappings/"
                    f"salesforce.demo.yaml'}}\nplans:\n  - {{name: example, file: '{config}/plans/example.pac.yaml', "
                    f"connectors: [sf-main]}}\n{section}", encoding="utf-8")
    return path


class TestSettings:
    def test_valid_section(self, tmp_path: Path) -> None:
        path = _settings(tmp_path, "notifications:\n  enabled: true\n  email: {smtp_host: smtp.example.com, "
                                   "sender: pac@example.com, user: pac@example.com}\n  people:\n"
                                   "    - {who: Julie.Martin@durand-process.example, channels: [email, teams], "
                                   "teams: PAC_TEAMS_JULIE}\n")
        section = load_settings(path, env={}).notifications
        assert section.enabled and section.email is not None and section.email.smtp_port == 587
        assert section.people[0].who == JULIE and section.email.password_env == "PAC_SMTP_PASSWORD"

    @pytest.mark.parametrize("pasted", ["Cn4ry!Pw-x9z", "CANARYsmtpPW-longer-than-twelve"])
    def test_a_password_pasted_for_its_variable_is_not_echoed(self, tmp_path: Path, pasted: str) -> None:
        """A value where ``password_env`` names a variable is refused without printing any of it (its first 12
        characters were printed: all of a short password; security audit F4). Seen failing before the fix."""
        path = _settings(tmp_path, "notifications:\n  email: {smtp_host: smtp.example.com, sender: pac@example.com, "
                                   f"user: pac@example.com, password_env: '{pasted}'}}\n")
        with pytest.raises(InvalidInput) as caught:
            load_settings(path, env={})
        text = str(caught.value)
        assert "password_env names an environment variable, not a value" in text and f"{len(pasted)} characters" in text
        assert pasted[:4] not in text and pasted[-4:] not in text

    @pytest.mark.parametrize(("people", "message", "where"), [
        ("    - {who: julie, channels: [email]}\n", "'julie' is not an e-mail address", "who: julie"),
        ("    - {who: a@b.fr, channels: [sms]}\n", "notifications.people[0].channels[0]", "[sms]"),
        ("    - {who: a@b.fr, channels: [slack], slack: 'hooks.slack.com/x'}\n", "not a value", "slack:"),
        ("    - {who: a@b.fr, channels: [teams]}\n", "channel teams needs the variable", "[teams]"),
        # section-wide checks point at the section and name the person
        ("    - {who: a@b.fr, channels: [email]}\n", "a@b.fr wants e-mail but notifications.email is not set",
         "notifications:"),
        ("    - {who: a@b.fr, channels: [teams], teams: T}\n    - {who: A@b.fr, channels: [teams], teams: T}\n",
         "a@b.fr is listed twice", "notifications:"),
    ])
    def test_errors_name_the_line_and_the_fix(self, tmp_path: Path, people: str, message: str, where: str) -> None:
        path = _settings(tmp_path, f"notifications:\n  people:\n{people}")
        line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if where in text)
        with pytest.raises(InvalidInput) as caught:
            load_settings(path, env={})
        text = str(caught.value)
        assert message in text and f"{path}:{line} " in text and "(" in text
