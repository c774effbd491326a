"""A CRM admin's configuration mistakes reach `pac sync` as exit 2 (bad input or configuration) with the file, line
or variable to fix, never as exit 4 "cannot connect" (a CRM unreachable or refusing the credentials): nothing here
is sent to a CRM, the run stops while its connectors are built."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from connectors.salesforce.mapping import default_mapping_path
from tests.cli import PAC, run_pac

ROOT = Path(__file__).resolve().parents[2]
SF_DEMO = default_mapping_path().parent / "salesforce.demo.yaml"
HS_MAPPING = default_mapping_path().parent / "hubspot.default.yaml"
PLAN = ROOT / "config" / "plans" / "example.pac.yaml"


def _settings(tmp: Path, *, sf_mapping: Path = SF_DEMO, hs_prefix: str = "PAC_HS_") -> Path:
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n"
        f"  - {{name: sf-main, crm: salesforce, mapping: '{sf_mapping}', env_prefix: PAC_SF_}}\n"
        f"  - {{name: hs-west, crm: hubspot, mapping: '{HS_MAPPING}', env_prefix: {hs_prefix}}}\n"
        "plans:\n"
        f"  - {{name: example, file: '{PLAN}', connectors: [sf-main, hs-west]}}\n", encoding="utf-8")
    return path


SF_CREDENTIALS = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": "acme.my.salesforce.com",
                  "PAC_SF_CLIENT_ID": "the-client-id", "PAC_SF_CLIENT_SECRET": "the-client-secret-1234"}
HS_CREDENTIALS = {"PAC_HS_ACCESS_TOKEN": "pat-eu1-00000000-0000-0000-0000-000000000000"}


def _sync(tmp: Path, settings: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    return run_pac("sync", "--dry-run", env={**base, "PAC_CONFIG": str(settings), **env}, cwd=tmp, timeout=120)


def test_a_salesforce_writeback_mapping_error_is_exit_2_at_its_line(tmp_path: Path) -> None:
    """A write-back to a standard field in the Salesforce mapping: exit 2 with file:line key: problem (fix), as the
    same mistake in a HubSpot mapping (it was "cannot connect: ..." and exit 4)."""
    mapping = tmp_path / "salesforce.yaml"
    text = SF_DEMO.read_text(encoding="utf-8")
    assert "      revenue: PAC_Revenue__c" in text
    mapping.write_text(text.replace("      revenue: PAC_Revenue__c", "      revenue: AnnualRevenue", 1),
                       encoding="utf-8")
    done = _sync(tmp_path, _settings(tmp_path, sf_mapping=mapping), **SF_CREDENTIALS, **HS_CREDENTIALS)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "cannot connect" not in output
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("      revenue: PAC_Revenue__c"))
    assert f"{mapping}:{line} writeback.axis.fields.revenue: the write-back may not write AnnualRevenue" in done.stderr


def test_a_salesforce_mapping_missing_its_sections_is_exit_2(tmp_path: Path) -> None:
    """A mapping holding only ``crm: salesforce``: every missing section at line 1, exit 2."""
    mapping = tmp_path / "salesforce.yaml"
    mapping.write_text("crm: salesforce\n", encoding="utf-8")
    done = _sync(tmp_path, _settings(tmp_path, sf_mapping=mapping), **SF_CREDENTIALS, **HS_CREDENTIALS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot connect" not in done.stderr
    assert f"{mapping}:1 writeback: required key is missing (add writeback:)" in done.stderr


def test_a_missing_salesforce_credential_is_exit_2_naming_the_connector_and_where_to_set_it(tmp_path: Path) -> None:
    """PAC_SF_CLIENT_SECRET not set (or empty): a configuration problem, exit 2, the message names the connector,
    the variable and both places to set it, whole (it was "cannot connect: ... needs PAC_SF_CLIENT_SECRET: ***
    them in the environment", exit 4). Set but empty, it says so (a unit's `Environment=PAC_SF_CLIENT_SECRET=`: audit
    ops; seen failing before: the same words as when it is not set at all)."""
    for value, said in ((None, ""), ("", " (set but empty)"), ("  ", " (set but empty)")):
        env = {k: v for k, v in SF_CREDENTIALS.items() if k != "PAC_SF_CLIENT_SECRET"}
        if value is not None:
            env["PAC_SF_CLIENT_SECRET"] = value
        done = _sync(tmp_path, _settings(tmp_path), **env, **HS_CREDENTIALS)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.strip() == (f"sf-main: PAC_SF_AUTH=client_credentials also needs PAC_SF_CLIENT_SECRET{said} "
                                       "(set it in the environment or in the file PAC_SECRETS_FILE names)")


def test_a_missing_credential_leaves_no_store_behind(tmp_path: Path) -> None:
    """The first `pac sync` of a new install with a credential not set: exit 2, and no empty store created on
    the way (failed before: pac.db created, then the credential refused)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    done = run_pac("sync", env={**base, "PAC_CONFIG": str(_settings(tmp_path)), **SF_CREDENTIALS}, cwd=tmp_path,
                   timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "PAC_HS_ACCESS_TOKEN" in done.stderr
    assert not (tmp_path / "pac.db").exists()


def test_missing_hubspot_credentials_are_exit_2(tmp_path: Path) -> None:
    """No HubSpot token nor OAuth variables: exit 2 naming hs-west and the variables; a partial OAuth set names
    the ones missing."""
    done = _sync(tmp_path, _settings(tmp_path), **SF_CREDENTIALS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("hs-west: no HubSpot credentials") and "cannot connect" not in done.stderr
    assert "set PAC_HS_ACCESS_TOKEN (private app) or PAC_HS_CLIENT_ID" in done.stderr
    assert "PAC_SECRETS_FILE" in done.stderr
    done = _sync(tmp_path, _settings(tmp_path), **SF_CREDENTIALS, PAC_HS_CLIENT_ID="id",
                 PAC_HS_CLIENT_SECRET="s-123456")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == ("hs-west: HubSpot OAuth also needs PAC_HS_REFRESH_TOKEN (set it in the environment "
                                   "or in the file PAC_SECRETS_FILE names)")
    done = _sync(tmp_path, _settings(tmp_path), **SF_CREDENTIALS, PAC_HS_ACCESS_TOKEN=" ")
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("hs-west: no HubSpot credentials: PAC_HS_ACCESS_TOKEN is set but empty, and the "
                                  "OAuth variables are not set"), done.stderr


def test_every_connector_s_missing_credentials_are_named_at_once(tmp_path: Path) -> None:
    """No credential at all for a plan on two CRMs: exit 2 naming sf-main's and hs-west's problems in one run, before
    any call, and no store created (audit newcomer F10: sf-main was named, then hs-west only at the next try)."""
    done = _sync(tmp_path, _settings(tmp_path))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["sf-main", "hs-west"], done.stderr
    assert lines[0].startswith("sf-main: PAC_SF_AUTH is not set") and "cannot connect" not in done.stderr
    assert lines[1].startswith("hs-west: no HubSpot credentials: neither PAC_HS_ACCESS_TOKEN")
    assert not (tmp_path / "pac.db").exists()


def test_a_secrets_file_of_export_lines_is_read_and_its_settings_shown(tmp_path: Path) -> None:
    """A secrets file written as `pac sandbox` writes its own (``export NAME='value'``): its variables are read
    (they were stored under "export NAME": "set PAC_SF_AUTH to one of jwt, ***, ..."), and its settings are not
    hidden as secrets (client_credentials, the domain)."""
    secrets = tmp_path / "secrets.env"
    secrets.write_text("export PAC_SF_AUTH='client_credentials'\nexport PAC_SF_DOMAIN=acme.my.salesforce.com\n"
                       "export PAC_SF_CLIENT_ID='the-client-id'\n", encoding="utf-8")
    secrets.chmod(0o600)
    done = _sync(tmp_path, _settings(tmp_path), PAC_SECRETS_FILE=str(secrets), **HS_CREDENTIALS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == ("sf-main: PAC_SF_AUTH=client_credentials also needs PAC_SF_CLIENT_SECRET "
                                   "(set it in the environment or in the file PAC_SECRETS_FILE names)")


def test_a_token_pasted_as_env_prefix_is_exit_2_and_never_printed(tmp_path: Path) -> None:
    """``env_prefix: <a token>``: exit 2 at its line, the token nowhere in the output (it was printed in "set
    <token>ACCESS_TOKEN ...", four times, with exit 4)."""
    token = "CJbT4kLmQ93xYz0987secretvalue"
    done = _sync(tmp_path, _settings(tmp_path, hs_prefix=token), **SF_CREDENTIALS, **HS_CREDENTIALS)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{tmp_path / 'pac.yaml'}:4 connectors[1].env_prefix: a value of 29 characters is not a variable " \
           "prefix" in done.stderr
    assert token not in done.stdout + done.stderr


class TestSettingsWithoutPlans:
    """A settings file with no plan (empty, or comments only): the commands say so, with the fix (sync said
    "0 plans are configured (name one with --plan ())"; status said only "No run yet", from a store it did not
    name)."""

    def test_sync_says_no_plan_is_configured(self, tmp_path: Path) -> None:
        settings = tmp_path / "pac.yaml"
        settings.write_text("# nothing yet\n", encoding="utf-8")
        done = _sync(tmp_path, settings)
        assert done.returncode == 2, done.stderr
        assert "no plan is configured" in done.stderr and "plans:" in done.stderr and "--plan ()" not in done.stderr

    def test_status_says_no_plan_is_configured(self, tmp_path: Path) -> None:
        """status still lists the store's runs (none here), naming the store, and says the settings have no plan."""
        settings = tmp_path / "pac.yaml"
        settings.write_text("# nothing yet\n", encoding="utf-8")
        base = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
        done = run_pac("status", env={**base, "PAC_CONFIG": str(settings)}, cwd=tmp_path, timeout=120)
        assert done.returncode == 0 and "No run yet in " in done.stdout, (done.stdout, done.stderr)
        assert f"{settings} configure no plan: add one under plans:" in " ".join(done.stdout.split()), done.stdout

    def test_status_names_the_store_it_read(self, tmp_path: Path) -> None:
        """A store with no run: status names it, so an admin reading the wrong one sees it."""
        done = run_pac("status", env={**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")},
                                      "PAC_CONFIG": str(_settings(tmp_path))}, cwd=tmp_path, timeout=120)
        assert done.returncode == 0 and f"No run yet in {tmp_path / 'pac.db'}" in done.stdout, done.stdout


def test_a_mapping_the_settings_name_that_cannot_be_read_is_exit_2_naming_it(tmp_path: Path) -> None:
    """A mapping file left mode 0600 by another user (pac runs as its own user): `pac config check pac.yaml` names the
    file and the fix, exit 2, as an ordinary user (root reads any file: the capabilities that let it are dropped).
    Seen failing before the fix: 'pac: unexpected error: PermissionError: [Errno 13] ...' (exit 6)."""
    mapping = tmp_path / "salesforce.yaml"
    mapping.write_text(SF_DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    mapping.chmod(0o000)
    settings = _settings(tmp_path, sf_mapping=mapping)
    caps = "-dac_override,-dac_read_search"
    as_user = [f"--inh-caps={caps}", f"--bounding-set={caps}"] if os.geteuid() == 0 else None
    try:
        if as_user is None:
            done = run_pac("config", "check", str(settings), env=dict(os.environ), cwd=tmp_path)
        else:
            done = subprocess.run(["setpriv", *as_user, *PAC, "config", "check", str(settings)], cwd=tmp_path,
                                  env=dict(os.environ), capture_output=True, text=True, timeout=120, check=False)
    finally:
        mapping.chmod(0o600)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (f"{mapping} cannot be read: permission denied (give the user pac runs as read access: chmod 640 and the "
            "group, or chown)") in done.stdout + done.stderr
