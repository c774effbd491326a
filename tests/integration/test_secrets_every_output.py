"""Each credential, planted with a recognisable value, through a failing night: absent from every output (audit
secretsaudit).

One real `pac -vv --log-format json sync` per failure, against the sandbox CRM, then `pac status` and `pac report`;
the planted values are looked for in stdout and stderr of the three, the HTML report, every text of every table of
the store (each column's value, and the database file's bytes, write-ahead log included), raw and as a form or a URL
would encode them. The failures: a Salesforce username-password login refused with the posted form echoed back (the
password, the security token and the client secret in it), a Salesforce session (``PAC_SF_AUTH=session``) the org no
longer knows (401 INVALID_SESSION_ID), and a HubSpot host whose certificate does not verify (TLS).
Expectations written before running (REPORT.md, paths 1-3, 6, 8-10): each one ``***`` or absent, the run ``failed``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from sandbox_crm.run import start_sandbox
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings

pytestmark = pytest.mark.slow

PASSWORD = "Plant3d-Pa$$word!"
SECURITY_TOKEN = "Plant3dSecTok3nAbCdEf0123"
SESSION = "00D5g000000PACsb!AQPlant3dSessionIdNeverIssuedByTheOrg0123456789"


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


@pytest.fixture(scope="module")
def provisioned(crm, tmp_path_factory):
    where = tmp_path_factory.mktemp("provision")
    settings = sandbox_settings(where, f"sqlite:///{where / 'pac.db'}")
    for connector in sandbox_connectors(settings, crm).values():
        connector.close()
    return crm


def _variants(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret)}


def _store_texts(db: Path) -> list[tuple[str, str]]:
    """(table.column, text) of every value of every table of the SQLite store."""
    out = []
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            cursor = conn.execute(f'select * from "{table}"')    # noqa: S608 - the store's own table names
            names = [d[0] for d in cursor.description]
            for row in cursor:
                out += [(f"{table}.{n}", v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
                        for n, v in zip(names, row, strict=True) if v is not None]
    return out


CASES = {
    # the login refused (unknown user), the sandbox echoing the posted form in its error_description
    "sf-password-refused-echo": (
        {"PAC_SF_AUTH": "password", "PAC_SF_USERNAME": "nobody@durand-process.example", "PAC_SF_PASSWORD": PASSWORD,
         "PAC_SF_SECURITY_TOKEN": SECURITY_TOKEN},
        ("salesforce", "expire_session", "oauth2/token", {"echo": True}),
        4),
    # a session the org never issued (or expired): 401 INVALID_SESSION_ID, no re-login possible in session mode
    "sf-session-unknown": (
        {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": SESSION},
        None,
        4),
    # HubSpot's certificate does not verify (no CA bundle): the token must not appear in urllib3's error
    "hs-tls-untrusted": (
        {"PAC_HS_CA_BUNDLE": ""},
        None,
        4),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_failing_night_prints_and_stores_no_credential(provisioned, tmp_path: Path, case: str) -> None:
    crm = provisioned
    overrides, fault, code = CASES[case]
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source, **overrides}
    env.pop("PAC_DATABASE_URL", None)
    if env["PAC_SF_AUTH"] == "session":
        env["PAC_SF_INSTANCE_URL"] = f"https://{env['PAC_SF_DOMAIN']}"
    secrets = [env["PAC_SF_CLIENT_SECRET"], env["PAC_HS_ACCESS_TOKEN"], PASSWORD, SECURITY_TOKEN, SESSION,
               PASSWORD + SECURITY_TOKEN]
    if fault is not None:
        api, kind, path, detail = fault
        crm.faults.inject(api, kind, path=path, times=10, **detail)
    try:
        synced = run_pac("-vv", "--log-format", "json", "sync", env=env, cwd=tmp_path, timeout=300)
    finally:
        crm.faults.clear()
    status = run_pac("status", env=env, cwd=tmp_path, timeout=300)
    report = tmp_path / "report.html"
    reported = run_pac("report", "-o", str(report), env=env, cwd=tmp_path, timeout=300)
    assert synced.returncode == code, synced.stdout + synced.stderr
    assert status.returncode == 0 and reported.returncode == 0, status.stderr + reported.stderr
    db = tmp_path / "pac.db"
    outputs = {"sync": synced.stdout + synced.stderr, "status": status.stdout + status.stderr,
               "report": reported.stdout + reported.stderr + report.read_text(encoding="utf-8")}
    outputs.update(_store_texts(db))
    blobs = b"".join(p.read_bytes() for p in tmp_path.glob("pac.db*"))
    for secret in secrets:
        for shown in _variants(secret):
            for where, text in outputs.items():
                assert shown not in text, (case, shown, where)
            assert shown.encode() not in blobs, (case, shown, "store file")
    errors = [text for where, text in _store_texts(db) if where == "pac_run.errors"]
    assert errors and "failed" in [text for where, text in _store_texts(db) if where == "pac_run.status"], errors


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [("crm", "check"),
                                     ("config", "check", str(ROOT / "config/mappings/salesforce.demo.yaml"),
                                      "--online")], ids=["crm-check", "config-check-online"])
def test_the_checks_say_the_login_was_refused_without_a_credential(provisioned, tmp_path: Path,
                                                                    command: tuple[str, ...]) -> None:
    """`pac crm check` and `pac config check --online` with the Salesforce username-password login refused and the
    posted form echoed back: the refusal is said (exit 4), the password, the security token and the client secret are
    not (path 11 of REPORT.md)."""
    crm = provisioned
    overrides, fault, _code = CASES["sf-password-refused-echo"]
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source, **overrides}
    env.pop("PAC_DATABASE_URL", None)
    assert fault is not None
    api, kind, path, detail = fault
    crm.faults.inject(api, kind, path=path, times=10, **detail)
    try:
        done = run_pac("-vv", *command, env=env, cwd=tmp_path, timeout=300)
    finally:
        crm.faults.clear()
    output = done.stdout + done.stderr
    assert done.returncode == 4 and "authentication failure" in output, output
    for secret in (env["PAC_SF_CLIENT_SECRET"], PASSWORD, SECURITY_TOKEN):
        for shown in _variants(secret):
            assert shown not in output, (command, shown)
