"""``pac sync --lang fr`` says in French what the CRMs' connectors warned of (audit frwords): a French sales manager
read « ! stopped before exceeding the configured share of the daily API allocation: Salesforce daily API allocation:
… » and « attention : sf-main: salesforce.schema PAC_Axis__c lacks … (an org provisioned by an older pac): left out
of the sync… » in an otherwise French night. The run log, ``pac status`` and ``pac sync`` without ``--lang`` keep the
English words (scripts and the cron mail read them). Expected lines written by hand in /tmp/audits/frwords/EXPECTED.md
(section D).

The quota: the sandbox's Salesforce answers every REST call with ``Sforce-Limit-Info: api-usage=USED/LIMIT``, as the
org does ("This response header is returned in each request to REST API … api-usage—Specifies the daily API usage
for the organization … The first number is the number of API calls used, and the second number is the API limit for
the organization", https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm);
a connector whose
``max_daily_share`` leaves it no call stops the run before the next one (exit 5, as in English)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from connectors.hubspot.connector import _lacking_text
from connectors.salesforce.reads import lacking_words
from sandbox_crm.run import start_sandbox
from sync_jobs.notice_words import notice_words
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


@pytest.fixture
def night(crm, tmp_path: Path):
    """The sandbox's demo org, the sf-main connector left a share of its daily allocation too small for one call."""
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    for c in sandbox_connectors(settings, crm).values():
        c.close()
    source = Path(settings.source)
    text = source.read_text(encoding="utf-8")
    tight = re.sub(r"(name: sf-main, [^\n]*max_daily_share: )0\.5", r"\g<1>0.000001", text, count=1)
    assert tight != text
    source.write_text(tight, encoding="utf-8")
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": str(source), "COLUMNS": "250"}
    env.pop("PAC_DATABASE_URL", None)

    def pac(*args: str) -> subprocess.CompletedProcess[str]:
        return run_pac(*args, env=env, cwd=tmp_path, timeout=300)
    return pac


def test_a_quota_stop_is_said_in_french(night) -> None:
    done = night("sync", "--lang", "fr")
    assert done.returncode == 5, done.stdout + done.stderr
    out = " ".join(done.stdout.split())
    assert "Synchronisation de pac-2027-durand-process : arrêtée (quota API)" in out
    assert re.search(
        r"! arrêtée avant de dépasser la part configurée du quota quotidien d'API : quota quotidien d'API Salesforce : "
        r"\d+(?: \d{3})* sur \d+(?: \d{3})* utilisés ; cette exécution s'arrête à 0 % pour laisser le reste à l'org\. "
        r"Elle reprend à la prochaine exécution\. \(rien n'a été écrit et aucun point de reprise n'a avancé : la "
        r"prochaine exécution relit les mêmes modifications, lancez-la donc quand les appels de l'org des dernières "
        r"24 heures laissent de la place \(Salesforce compte 24 heures glissantes\), ou augmentez le max_daily_share "
        r"de ce connecteur dans \S+pac\.yaml\)", out), out


def test_the_french_status_says_the_stop_in_french(night) -> None:
    """``pac status --lang fr`` lists the last run's problems as kept (English, the run log's): the stop on the quota
    in French as ``pac sync --lang fr`` said it; ``pac status`` (English) as kept."""
    assert night("sync").returncode == 5
    done = night("status", "--lang", "fr")
    assert done.returncode == 0, done.stdout + done.stderr
    out = " ".join(done.stdout.split())
    assert "Problèmes de la dernière exécution (1) : - arrêtée avant de dépasser la part configurée du quota " \
           "quotidien d'API : quota quotidien d'API Salesforce : " in out, out
    assert "stopped before" not in out
    english = " ".join(night("status").stdout.split())
    assert "- stopped before exceeding the configured share of the daily API allocation: Salesforce daily API " \
           "allocation: " in english


def test_an_english_quota_stop_is_as_before(night) -> None:
    done = night("sync")
    assert done.returncode == 5, done.stdout + done.stderr
    out = " ".join(done.stdout.split())       # the console wraps the long line
    assert re.search(
        r"! stopped before exceeding the configured share of the daily API allocation: Salesforce daily API "
        r"allocation: \d+ of \d+ used; this run stops at 0% of it to leave the rest to the org\. It resumes on the "
        r"next run\. \(nothing was written and no watermark moved: the next run reads the same changes again, so run "
        r"it once the org's calls of the last 24 hours leave room \(Salesforce counts a rolling 24 hours\), or raise "
        r"this connector's max_daily_share in \S+pac\.yaml\)", out), out


def test_the_fields_an_older_org_lacks_are_said_in_french() -> None:
    """The connectors' own words (``lacking_words``, ``_lacking_text``) as the run's summary lists them."""
    sf = "sf-main: " + lacking_words("PAC_Axis__c lacks PAC_Plan_End__c, PAC_Baseline__c")
    assert notice_words(sf, "fr") == (
        "sf-main : salesforce.schema il manque à PAC_Axis__c : PAC_Plan_End__c, PAC_Baseline__c (une org "
        "provisionnée par une version antérieure de pac) : laissés hors de la synchronisation, tout le reste est "
        "écrit ; pour les remplir, déployez de nouveau force-app/ (sf project deploy start --source-dir force-app "
        "--target-org ORG : les champs avec les vues de liste et le composant Lightning qui les lisent), ou lancez "
        "pac crm provision salesforce pour les champs seuls")
    hs = "hs-west: " + _lacking_text([("p_pac_axis", ["pac_plan_end"]), ("p_pac_action", ["pac_text"])])
    assert notice_words(hs, "fr") == (
        "hs-west : hubspot.schema il manque à p_pac_axis : pac_plan_end ; il manque à p_pac_action : pac_text (un "
        "portail provisionné par une version antérieure de pac) : laissées hors de la synchronisation, tout le reste "
        "est écrit ; pour les remplir, lancez : pac crm provision hubspot")
    assert notice_words(sf, "en") == sf and notice_words(hs, "en") == hs


def test_the_hubspot_guard_and_a_refusal_by_the_crm_are_said_in_french() -> None:
    """The HubSpot connector's own guard (``RateLimiter``, from the portal's ``X-HubSpot-RateLimit-Daily`` and
    ``-Daily-Remaining`` headers) and the CRM's refusal of a call, as ``pipeline.stopped_by`` words the stop."""
    from connectors.base import QuotaExhausted
    from connectors.hubspot.limits import RateLimiter
    from sync_jobs.pipeline import stopped_by

    limiter = RateLimiter(max_daily_share=0.5)
    limiter.observe({"X-HubSpot-RateLimit-Daily": "250000", "X-HubSpot-RateLimit-Daily-Remaining": "124000"})
    with pytest.raises(QuotaExhausted) as guard:
        limiter.before()
    _, english = stopped_by(guard.value, settings="pac.yaml", written=3)
    assert notice_words(english, "fr") == (
        "arrêtée avant de dépasser la part configurée du quota quotidien d'API : quota quotidien d'API HubSpot : le "
        "portail a utilisé 126 000 sur 250 000 appels (toutes les intégrations ensemble) ; pac s'arrête à 50\u00a0% "
        "pour laisser le reste au portail. Il reprend à la prochaine exécution. (3 enregistrements écrits avant "
        "l'arrêt ; le reste à la prochaine exécution, aucun point de reprise n'ayant avancé : la prochaine exécution "
        "relit les mêmes modifications, lancez-la donc quand le quota quotidien du portail se réinitialise (minuit "
        "dans le fuseau horaire du compte HubSpot), ou augmentez le max_daily_share de ce connecteur dans pac.yaml)")
    refused = QuotaExhausted("HubSpot refused the call: You have reached your daily limit. (the portal's daily API "
                             "allocation is spent)", refused_by_crm=True, resets=guard.value.resets)
    _, english = stopped_by(refused, settings="pac.yaml")
    assert notice_words(english, "fr") == (
        "HubSpot a refusé l'appel : You have reached your daily limit. (le quota quotidien d'API du portail est "
        "épuisé) : le quota quotidien d'API du CRM est partagé par pac et toutes les autres intégrations de l'org, et "
        "il n'en reste plus aujourd'hui (rien n'a été écrit et aucun point de reprise n'a avancé : la prochaine "
        "exécution relit les mêmes modifications quand le quota quotidien du portail se réinitialise (minuit dans le "
        "fuseau horaire du compte HubSpot), en général la nuit suivante)")
    assert notice_words(english, "en") == english


def test_a_line_not_known_stays_as_written() -> None:
    line = "sf-main: salesforce.bulk Account: something new happened"
    assert notice_words(line, "fr") == line


def test_a_crm_that_stops_the_night_is_said_in_french() -> None:
    """The stops ``pipeline.stopped_by`` words for a CRM that refuses the credentials or cannot be reached: pac's
    words in French, the CRM's (or the network's) own message as written."""
    from connectors.base import AuthError, ReadFailed, TransientError
    from sync_jobs.pipeline import stopped_by

    _, refused = stopped_by(AuthError("INVALID_LOGIN: Invalid username, password, security token"), written=None)
    assert notice_words(refused, "fr") == ("identifiants refusés : INVALID_LOGIN: Invalid username, password, "
                                           "security token")
    _, down = stopped_by(TransientError("503 Service Unavailable"), written=0)
    assert notice_words(down, "fr") == (
        "CRM injoignable : TransientError: 503 Service Unavailable (rien n'a été écrit et aucun point de reprise n'a "
        "avancé : la prochaine exécution relit les mêmes modifications)")
    _, failed = stopped_by(ReadFailed("Bulk API 2.0 job 750xx failed"), written=1)
    assert notice_words(failed, "fr") == (
        "échec de lecture du CRM : Bulk API 2.0 job 750xx failed (1 enregistrement écrit avant l'arrêt ; le reste à "
        "la prochaine exécution, aucun point de reprise n'ayant avancé : la prochaine exécution relit les mêmes "
        "modifications)")
    assert notice_words(down, "en") == down
