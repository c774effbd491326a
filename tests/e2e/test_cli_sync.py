"""`pac sync`, `pac status`, `pac explain` as an operator runs them, against the sandbox CRM."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from sandbox_crm.hubspot import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN
from sandbox_crm.run import start_sandbox
from sync_jobs.lock import run_lock
from sync_jobs.store import open_store, repo
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


@pytest.fixture(scope="module")
def provisioned(crm, tmp_path_factory):
    """The PAC objects provisioned in the module's sandbox, once: it keeps them for every test of the module. (Once
    per test, the provisioning's calls and the syncs' filled HubSpot's 10-second window of the shared portal, and
    these in-process connectors record their retry waits instead of waiting: the last tests' set-up got a 429.)"""
    where = tmp_path_factory.mktemp("provision")
    settings = sandbox_settings(where, f"sqlite:///{where / 'pac.db'}")
    for c in sandbox_connectors(settings, crm).values():
        c.close()
    return crm


@pytest.fixture
def setup(provisioned, tmp_path):
    crm = provisioned
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
    env.pop("PAC_DATABASE_URL", None)
    return settings, env, tmp_path


def pac(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pac(*args, env=env, cwd=cwd, timeout=300)


class TestSync:
    def test_dry_run_prints_changes_and_writes_nothing(self, crm, setup) -> None:
        """--dry-run lists records and fields and sends no write request to either CRM."""
        _, env, cwd = setup
        crm.reset_counts()
        done = pac(env, cwd, "sync", "--dry-run")
        writes = [e for e in crm.log if e[1] in ("PATCH", "POST") and ("composite/sobjects" in e[2] or
                                                                       "batch/upsert" in e[2])]
        assert done.returncode == 1, done.stderr   # the demo org's awkward records, new on a first run: exit 1
        assert "dry run: nothing was written" in done.stdout and "A-01" in done.stdout
        assert "progress_pct" in done.stdout and writes == []

    def test_sync_then_second_sync_writes_nothing_with_json_logs(self, setup) -> None:
        """A real sync logs structured sync.batch events; the second one writes nothing; status shows both."""
        _, env, cwd = setup
        first = pac(env, cwd, "--log-format", "json", "sync")
        logged = first.stderr.splitlines()
        assert logged and all(line.startswith("{") for line in logged), first.stderr   # no bar, no blank
        events = [json.loads(line) for line in first.stderr.splitlines() if line.startswith("{")]
        batches = [e for e in events if e["event"].startswith("sync.batch")]
        assert first.returncode == 1, first.stderr   # first run: the demo org's three set-asides are new
        assert batches and {"crm", "connector", "object", "records"} <= set(batches[0])
        second = pac(env, cwd, "--log-format", "json", "sync")
        end = next(json.loads(line) for line in second.stderr.splitlines() if '"sync.end' in line)
        assert (end["written"], end["status"], second.returncode) == (0, "ok", 0)   # known now: exit 0
        status = pac(env, cwd, "status")
        assert status.returncode == 0 and "Last runs" in status.stdout and "Watermarks" in status.stdout

    def test_held_lock_exits_3_naming_the_holder(self, setup) -> None:
        """While another run holds the plan's lock, `pac sync` exits 3 and says who holds it since when."""
        settings, env, cwd = setup
        engine = open_store(settings.database())
        with run_lock(engine, "pac-2027-durand-process", owner="night-box:4242#abc"):
            done = pac(env, cwd, "sync")
        engine.dispose()
        assert done.returncode == 3
        assert "night-box:4242" in done.stderr and "since" in done.stderr and "--wait" in done.stderr

    def test_bad_settings_exit_2_with_file_and_line(self, setup, tmp_path) -> None:
        """A settings file with an unknown key: exit 2, the message names file, line and fix."""
        _, env, cwd = setup
        bad = tmp_path / "bad.yaml"
        bad.write_text("connectorz: []\n", encoding="utf-8")
        done = pac({**env, "PAC_CONFIG": str(bad)}, cwd, "sync")
        assert done.returncode == 2 and f"{bad}:1 connectorz: unknown key" in done.stderr

    def test_refused_credentials_exit_4(self, crm, setup) -> None:
        """A wrong Salesforce client secret, echoed back by the CRM in its refusal: exit 4, the refusal is
        shown and stored with the secret as ``***``, never in clear."""
        settings, env, cwd = setup
        wrong = "wrong-secret-123456"
        crm.faults.inject("salesforce", "expire_session", path="oauth2/token", times=1, echo=True)
        try:
            done = pac({**env, "PAC_SF_CLIENT_SECRET": wrong}, cwd, "sync")
        finally:
            crm.faults.clear()
        output = done.stdout + done.stderr
        assert done.returncode == 4, output
        assert "invalid_client" in output and "client_secret=***" in output and wrong not in output
        engine = open_store(settings.database())
        errors = repo.runs(engine)[0].errors
        engine.dispose()
        assert any("client_secret=***" in e for e in errors) and wrong not in str(errors)
        assert wrong.encode() not in _store_bytes(settings)


    def test_a_failed_dry_run_does_not_say_the_crms_are_up_to_date(self, crm, setup) -> None:
        """A dry run stopped by refused credentials: exit 4 and "failed", without the line "nothing to write, the
        CRMs are up to date" above it (printed before: it contradicted the failure)."""
        _, env, cwd = setup
        done = pac({**env, "PAC_SF_CLIENT_SECRET": "wrong-secret-123456"}, cwd, "sync", "--dry-run")
        assert done.returncode == 4, done.stdout + done.stderr
        assert ": failed" in done.stdout and "credentials refused" in done.stdout
        assert "up to date" not in done.stdout
        assert "Dry run stopped before it knew what to write (why: below); nothing was written." in done.stdout


class TestExplain:
    def test_explain_lists_counted_visits_and_reasons(self, setup) -> None:
        """After a sync, `pac explain A-01` shows 4 / 5 with the worked example's reasons."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        done = pac(env, cwd, "explain", "A-01")
        assert done.returncode == 0, done.stderr
        assert "4 / 5" in done.stdout and "hors de la période" in done.stdout and "supprimée" in done.stdout

    def test_unknown_action_exit_2(self, setup) -> None:
        """An action id that does not exist: exit 2 with the known ids."""
        _, env, cwd = setup
        done = pac(env, cwd, "explain", "A-99")
        assert done.returncode == 2 and "A-01" in done.stderr

    def test_a_renamed_action_is_said_to_have_been_in_the_plan(self, setup) -> None:
        """`pac explain A-05` after A-05 was renamed A-05b in the file and synced: exit 2 as for any unknown id, and
        a line saying A-05 was in the plan until version 1 and is not in version 2 (audit planlife: it only said the
        id was not in the plan, as for a typo; seen failing before: no such line)."""
        settings, env, cwd = setup
        plan = cwd / "plan.pac.yaml"
        plan.write_text(Path(settings.plans[0].file).read_text(encoding="utf-8"), encoding="utf-8")
        config = Path(settings.source)
        config.write_text(config.read_text(encoding="utf-8").replace(str(settings.plans[0].file), str(plan)),
                          encoding="utf-8")
        pac(env, cwd, "sync")
        plan.write_text(plan.read_text(encoding="utf-8").replace("  - id: A-05\n", "  - id: A-05b\n", 1),
                        encoding="utf-8")
        pac(env, cwd, "sync")
        done = pac(env, cwd, "explain", "A-05", "--lang", "en")
        assert done.returncode == 2
        assert "A-05 was in the plan until its version 1 (recorded " in done.stderr, done.stderr
        # no snapshot was kept: no kept report holds it, its last figures are on its Salesforce record (audit
        # removedplan: it sent the manager to « their kept reports (pac report --quarter YYYY-Qn) »)
        assert "is not in version 2" in done.stderr and "pac report --quarter" not in done.stderr
        assert ("No snapshot was kept while it was in the plan, so no kept report holds it: its last figures stay "
                "on its record in sf-main, marked removed") in " ".join(done.stderr.split())
        french = pac(env, cwd, "explain", "A-05")     # the plan's language, as the rest of explain
        assert french.returncode == 2 and "A-05 était dans le plan jusqu'à sa version 1" in french.stderr
        typo = pac(env, cwd, "explain", "A-99")
        assert typo.returncode == 2 and "was in the plan" not in typo.stderr

    def test_pac_status_lists_an_axis_removed_with_its_actions(self, setup) -> None:
        """AX-SO-DORM and its three actions leave the file: the morning after, `pac status` names each, with the
        CRMs whose records pac marked removed (the axis in both, each action in its owner's), in English and
        French (audit removedplan: a night run by `pac schedule` told no one; seen failing before the fix: status
        said nothing of them)."""
        settings, env, cwd = setup
        plan = cwd / "plan.pac.yaml"
        text = Path(settings.plans[0].file).read_text(encoding="utf-8")
        plan.write_text(text, encoding="utf-8")
        config = Path(settings.source)
        config.write_text(config.read_text(encoding="utf-8").replace(str(settings.plans[0].file), str(plan)),
                          encoding="utf-8")
        pac(env, cwd, "sync")
        cut = re.sub(r"  - id: (AX-SO-DORM|A-08|A-09|A-10)\n(?:    .*\n|[ \t]*\n)*?(?=  - id: |\S)", "", text)
        assert cut.count("  - id: ") == text.count("  - id: ") - 4 and "AX-SO-DORM" not in cut
        plan.write_text(cut, encoding="utf-8")
        pac(env, cwd, "sync")
        en = " ".join(pac(env, cwd, "status").stdout.split())
        fr = " ".join(pac(env, cwd, "status", "--lang", "fr").stdout.split())
        assert ("Removed from the plan by the last run (4; pac marked their CRM records removed: they keep their "
                "last figures and pac no longer updates them): - AX-SO-DORM «Clients dormants Sud-Ouest» (axis): "
                "marked removed in sf-main and hs-west - A-08 «Visiter 6 clients dormants de Haute-Garonne en "
                "semaine 20» (action, done 3 / 6): marked removed in hs-west - A-09 «Appeler 15 clients dormants de "
                "Gironde en avril» (action, done 2 / 15): marked removed in hs-west - A-10 «Visiter 5 clients "
                "dormants des Pyrénées-Atlantiques et de Charente-Maritime en juin» (action, done 0 / 5): marked "
                "removed in hs-west Last run's data-quality warnings") in en
        assert ("Retirés du plan par la dernière exécution (4 ; pac a marqué leurs enregistrements « Retirée du "
                "plan » dans le CRM : ils gardent leurs derniers chiffres et pac ne les met plus à jour) : - "
                "AX-SO-DORM « Clients dormants Sud-Ouest » (axe) : marqué retiré dans « sf-main » et « hs-west » - "
                "A-08 « Visiter 6 clients dormants de Haute-Garonne en semaine 20 » (action, réalisé 3 / 6) : "
                "marquée retirée dans « hs-west »") in fr
        assert "problems" not in en and "Problèmes" not in fr

    def test_explain_lists_the_reps_rejected_visit_near_the_window(self, setup) -> None:
        """Julie's visit with no account (14 April, near week 18) is listed under A-01 with its reason."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        done = pac(env, cwd, "explain", "A-01")
        tail = done.stdout.split("Rejected records of", 1)[-1]
        assert done.returncode == 0 and "Visite salon Pollutec" in tail and "sans compte" in tail, done.stdout

    def test_explain_says_when_the_last_sync_did_not_get_through(self, setup) -> None:
        """After a sync that got through, `pac explain A-01` prints its figures with no note; after one stopped by
        refused Salesforce credentials (exit 4), the same figures come with a line under the header that says the
        last sync failed, when, why (its first error, as `pac status` lists it) and what to do, in the output's
        language. Seen failing before the fix: 4 / 5 with no word of the failure (audit sfdoc F3)."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        assert pac(env, cwd, "sync").returncode == 0
        quiet = pac(env, cwd, "explain", "A-01")
        assert quiet.returncode == 0 and "4 / 5" in quiet.stdout, quiet.stderr
        assert "Attention" not in quiet.stdout and "synchronisation" not in quiet.stdout
        assert pac({**env, "PAC_SF_CLIENT_SECRET": "wrong-secret-123456"}, cwd, "sync").returncode == 4
        fr = pac(env, cwd, "explain", "A-01")
        lines = fr.stdout.splitlines()
        assert fr.returncode == 0 and "4 / 5" in lines[1], fr.stdout
        assert lines[2].startswith("Attention : la dernière synchronisation de ce plan (")
        assert "n'a pas abouti (échouée : " in lines[2] and "invalid_client" in lines[2]
        assert "lancez `pac sync` ; `pac status` liste ses problèmes." in lines[2]
        en = pac(env, cwd, "explain", "A-01", "--lang", "en").stdout.splitlines()
        assert en[2].startswith("Note: the last sync of this plan (") and "did not get through (failed: " in en[2]

    def test_explain_says_the_activities_were_never_read(self, setup) -> None:
        """A first sync stopped by refused Salesforce credentials read no activity from the Salesforce connector:
        `pac explain A-01` says so under its 0 / 5 (it read as "no visit made"), naming the connector."""
        settings, env, cwd = setup
        assert pac({**env, "PAC_SF_CLIENT_SECRET": "wrong-secret-123456"}, cwd, "sync").returncode == 4
        done = pac(env, cwd, "explain", "A-01")
        lines = done.stdout.splitlines()
        assert done.returncode == 0 and "0 / 5" in lines[1], done.stdout + done.stderr
        salesforce = next(c.name for c in settings.connectors if c.crm == "salesforce")
        assert lines[2].startswith("Attention : aucune synchronisation n'a encore lu les activités de ")
        assert salesforce in lines[2] and "échouée : " in lines[2]
        # the note is why nothing is listed: no « Rien à lister » telling the manager to have visits logged in the
        # CRM, when what is to fix is the sync (audit explainleft)
        assert "Rien à lister" not in done.stdout, done.stdout


# the demo's visit on nothing, grouped by its cause's words (audit sfhints; before: "no account x1")
UNPLACED = "activities: Event is related to no account, contact or record x1"


class TestRejectionsAndErrors:
    def test_sync_and_status_list_rejections_grouped_by_reason(self, setup) -> None:
        """The engine's two set-asides, new on the first run, make it partial (exit 1); the next run rejects them
        again for the same reasons: known, still summarised and listed, exit 0. Status says how many are new.
        The won deal with no amount is no rejection: a data-quality warning in sync and status, never partial."""
        _, env, cwd = setup
        done = pac(env, cwd, "sync")
        assert done.returncode == 1, done.stdout + done.stderr
        assert "2 rejected (2 new)" in done.stdout and UNPLACED in done.stdout
        warned = done.stdout.split("data-quality warning", 1)[-1]
        assert "won deal with no amount, counted as won and worth 0 x1" in warned
        assert "Opportunité sans montant" in warned
        again = pac(env, cwd, "sync")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "2 rejected (0 new)" in again.stdout and UNPLACED in again.stdout
        assert "1 data-quality warning" in again.stdout
        status = pac(env, cwd, "status")
        listed = status.stdout.split("Last run's rejected records (2, 0 new", 1)[-1]
        assert status.returncode == 0 and "partial" in status.stdout and " ok " in status.stdout
        assert "2 (2 new)" in status.stdout and "2 (0 new)" in status.stdout
        for words in ("no account", "no exchange rate for"):
            assert words in listed, words
        assert "won deal with no amount" not in listed
        assert "data-quality warnings: 1 won deal(s) with no amount" in status.stdout

    def test_unreachable_store_exits_6_with_one_redacted_line(self, setup) -> None:
        """The store down: exit 6, one line naming the store and no traceback nor password; JSON under json."""
        _, env, cwd = setup
        env = {**env, "PAC_DATABASE_URL": "postgresql+psycopg://postgres:hunter2-secret@127.0.0.1:9/nope"}
        text = pac(env, cwd, "sync")
        assert text.returncode == 6, text.stderr
        lines = [line for line in text.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "the store (database) failed" in lines[0] and "Traceback" not in text.stderr
        as_json = pac(env, cwd, "--log-format", "json", "sync")
        (event,) = [json.loads(line) for line in as_json.stderr.splitlines()]
        assert as_json.returncode == 6 and event["exit"] == 6 and event["level"] == "error"
        verbose = pac(env, cwd, "-v", "sync")
        assert verbose.returncode == 6 and "Traceback" in verbose.stderr
        assert "hunter2-secret" not in text.stderr + as_json.stderr + verbose.stderr


class TestSecrets:
    @pytest.mark.parametrize("log_format", ["text", "json"])
    def test_credentials_never_reach_the_store_or_the_logs(self, crm, setup, log_format) -> None:
        """Both CRMs echo the request's credentials in error messages (a refused row, a failed company update):
        they show as ``***`` in the logs, the printed errors, the run's stored errors and the report, and no
        credential is anywhere in the database file."""
        settings, env, cwd = setup
        crm.faults.inject("salesforce", "lock_row", path="composite/sobjects", times=1, index=0, echo=True)
        crm.faults.inject("hubspot", "lock_row", path="batch/upsert", times=1, echo=True)
        crm.faults.inject("hubspot", "server_error", path="objects/companies/batch/update", times=1, status=400,
                          echo=True)
        try:
            done = pac(env, cwd, "-vv", "--log-format", log_format, "sync")
        finally:
            crm.faults.clear()
        report = cwd / "report.html"
        reported = pac(env, cwd, "report", "-o", str(report))
        secrets = [env["PAC_SF_CLIENT_SECRET"], env["PAC_HS_ACCESS_TOKEN"]]
        secrets += list(crm.api("salesforce").tokens)              # the session ids the org issued
        engine = open_store(settings.database())
        errors = "\n".join(repo.runs(engine)[0].errors)
        engine.dispose()
        html = report.read_text(encoding="utf-8")
        assert done.returncode == 1, done.stdout + done.stderr
        assert reported.returncode == 0, reported.stderr
        # the echoes reached every place, redacted
        assert "UNABLE_TO_LOCK_ROW" in errors and "Authorization: Bearer ***" in errors
        assert "another process; retry later (request Authorization: Bearer ***" in errors
        assert "Authorization: Bearer ***" in done.stdout
        # the HubSpot echoes (a refused upsert row, a failed company batch update) are stored redacted too
        hubspot_errors = [line for line in errors.splitlines() if "hs-west" in line or "HubSpot" in line]
        assert hubspot_errors and any("Bearer ***" in line for line in hubspot_errors), errors
        if log_format == "json":
            logged = [line for line in done.stderr.splitlines() if line.strip()]
            assert logged and all(json.loads(line)["level"] for line in logged)
        assert "Authorization: Bearer ***" in html
        blobs = _store_bytes(settings)
        for secret in secrets:
            for where, text in (("output", done.stdout + done.stderr), ("stored errors", errors), ("report", html)):
                assert secret not in text, where
            assert secret.encode() not in blobs

    def test_credentials_echoed_bare_from_the_secrets_file_and_a_refresh_are_hidden_everywhere(self, crm, setup,
                                                                                               tmp_path) -> None:
        """The credentials in the secrets file only (HubSpot through OAuth, a session expired mid-run so the token
        is refreshed), and HubSpot echoing the bare token (no "Bearer" before it, which no pattern catches: only the
        registered value hides it) in a refused row and a failed company update: no credential, and no OAuth token
        the portal issued, is in the JSON log, the printed results, `pac status`, the HTML and XLSX reports or the
        database file (audit secrets2: the test above's echoes all carry "Bearer")."""
        settings, env, cwd = setup
        sf_secret = env.pop("PAC_SF_CLIENT_SECRET")
        env.pop("PAC_HS_ACCESS_TOKEN")
        file = tmp_path / "secrets.env"
        file.write_text(f"PAC_SF_CLIENT_SECRET={sf_secret}\nPAC_HS_CLIENT_ID={OAUTH_CLIENT_ID}\n"
                        f"PAC_HS_CLIENT_SECRET={OAUTH_CLIENT_SECRET}\nPAC_HS_REFRESH_TOKEN={OAUTH_REFRESH_TOKEN}\n",
                        encoding="utf-8")
        file.chmod(0o600)
        env["PAC_SECRETS_FILE"] = str(file)
        crm.faults.inject("hubspot", "expire_session", path="search", times=1)
        crm.faults.inject("hubspot", "lock_row", path="batch/upsert", times=1, echo="raw")
        crm.faults.inject("hubspot", "server_error", path="objects/companies/batch/update", times=1, status=400,
                          echo="raw")
        try:
            done = pac(env, cwd, "-vv", "--log-format", "json", "sync")
        finally:
            crm.faults.clear()
        status = pac(env, cwd, "status")
        html, xlsx = cwd / "report.html", cwd / "report.xlsx"
        reports = [pac(env, cwd, "report", "-o", str(html)), pac(env, cwd, "report", "-o", str(xlsx))]
        assert done.returncode == 1 and status.returncode == 0, done.stdout + done.stderr + status.stderr
        assert all(r.returncode == 0 for r in reports), [r.stderr for r in reports]
        with zipfile.ZipFile(xlsx) as book:
            sheets = b"".join(book.read(name) for name in book.namelist())
        places = {"sync": (done.stdout + done.stderr).encode(), "status": (status.stdout + status.stderr).encode(),
                  "html": html.read_bytes(), "xlsx": sheets, "store": _store_bytes(settings)}
        engine = open_store(settings.database())
        errors = "\n".join(repo.runs(engine)[0].errors)
        engine.dispose()
        assert errors.count("(token *** refused for this record)") >= 2, errors      # both echoes, hidden
        assert "(token *** refused for this record)" in done.stdout + status.stdout
        for secret in (sf_secret, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, "hs-oauth-"):    # the portal's tokens
            for where, blob in places.items():
                assert secret.encode() not in blob, (secret, where)

    def test_a_token_refreshed_mid_pull_and_echoed_at_once_is_hidden(self, crm, setup, tmp_path) -> None:
        """HubSpot through OAuth (the secrets file): the session expires at the first search, pac refreshes it, and
        the next answer, a refusal, echoes the new token bare. The run stops there, before anything re-registers the
        connector's credentials: only the registration of the token the moment it is obtained hides it (it was
        proven by removing ``on_new_secret(register_secret)``: the token was then in the log, the output and the
        store)."""
        settings, env, cwd = setup
        env.pop("PAC_HS_ACCESS_TOKEN")
        file = tmp_path / "secrets.env"
        file.write_text(f"PAC_HS_CLIENT_ID={OAUTH_CLIENT_ID}\nPAC_HS_CLIENT_SECRET={OAUTH_CLIENT_SECRET}\n"
                        f"PAC_HS_REFRESH_TOKEN={OAUTH_REFRESH_TOKEN}\n", encoding="utf-8")
        file.chmod(0o600)
        env["PAC_SECRETS_FILE"] = str(file)
        crm.faults.inject("hubspot", "expire_session", path="search", times=1)
        crm.faults.inject("hubspot", "server_error", path="search", times=1, status=400, echo="raw")
        try:
            done = pac(env, cwd, "-vv", "--log-format", "json", "sync")
        finally:
            crm.faults.clear()
        status = pac(env, cwd, "status")
        output = done.stdout + done.stderr + status.stdout + status.stderr
        assert done.returncode != 0 and "(token *** refused for this record)" in output, output
        for where, blob in (("output", output.encode()), ("store", _store_bytes(settings))):
            assert b"hs-oauth-" not in blob and OAUTH_CLIENT_SECRET.encode() not in blob, where


def _store_bytes(settings) -> bytes:  # type: ignore[no-untyped-def]
    """The SQLite store's bytes, write-ahead log and journal included."""
    db = Path(settings.database().removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


class TestExplainAxis:
    def test_axis_lists_its_deals_in_one_language(self, setup) -> None:
        """`pac explain AX-RA-DORM` lists the deals counted with amounts, close dates and owners, in French by
        default (the plan's language) and wholly in English with --lang en."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        fr = pac(env, cwd, "explain", "AX-RA-DORM")
        assert fr.returncode == 0, fr.stderr
        assert "affaires comptées" in fr.stdout and "no action" not in fr.stdout
        assert "comptée" in fr.stdout and "€" in fr.stdout and "2027-" in fr.stdout
        for english in ("counted", "deals", "Revenue", "amount", "owner"):
            assert english not in fr.stdout, english
        en = pac(env, cwd, "explain", "AX-RA-DORM", "--lang", "en")
        assert en.returncode == 0, en.stderr
        assert "deals counted" in en.stdout and "Revenue" in en.stdout
        for french in ("comptée", "affaires", "propriétaire", "montant", "périmètre", " mois"):
            assert french not in en.stdout, french

    def test_action_in_english_has_no_french_reason(self, setup) -> None:
        """`pac explain A-01 --lang en`: reasons and details in English only (CRM texts such as subjects as is)."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        en = pac(env, cwd, "explain", "A-01", "--lang", "en")
        assert en.returncode == 0 and "4 / 5" in en.stdout and "outside the window" in en.stdout, en.stderr
        for french in ("hors", "comptée", "supprimée", "périmètre", " mois", "│ sans compte"):
            assert french not in en.stdout, french

    def test_action_in_french_has_no_english_detail(self, setup) -> None:
        """`pac explain A-01` (French plan): details in French too ("après la période « semaine 18 »", "périmètre")."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        fr = pac(env, cwd, "explain", "A-01")
        assert fr.returncode == 0 and "périmètre" in fr.stdout, fr.stdout
        assert "après la période « semaine 18 »" in fr.stdout, fr.stdout
        assert "quand (Paris)" in fr.stdout, fr.stdout      # whose local times (usplan audit F6)
        for english in ("(scope:", ", after ", "the activity", "deleted in the CRM", "counted"):
            assert english not in fr.stdout, english
