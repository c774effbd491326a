"""Settings (config/pac.yaml and PAC_CONFIG files) and secrets (environment, 0600 secrets file)."""

from __future__ import annotations

import os

import pytest

from pac_config.settings import default_settings_path, load_settings
from pac_core.errors import InvalidInput
from sync_jobs.logs import redact
from sync_jobs.secrets import connector_env, read_secrets_file
from tests.fakes import write_settings


class TestShippedSettings:
    def test_shipped_default_loads_with_two_crms_and_one_plan(self) -> None:
        """config/pac.yaml: Salesforce and HubSpot connectors, the example plan, nightly at 02:00."""
        settings = load_settings(default_settings_path(), env={})
        assert [c.crm for c in settings.connectors] == ["salesforce", "hubspot"]
        assert settings.plans[0].connectors == ("sf-main", "hs-west")
        assert settings.schedule.cron == "0 2 * * *" and settings.plans[0].file.is_file()

    def test_default_database_is_a_sqlite_file_under_the_working_dir(self) -> None:
        """No database_url and no PAC_DATABASE_URL: .pac/pac.db, relative to where pac runs."""
        assert load_settings(default_settings_path(), env={}).database() == "sqlite:///.pac/pac.db"

    def test_database_url_from_the_environment_wins(self) -> None:
        """PAC_DATABASE_URL overrides the file."""
        settings = load_settings(default_settings_path(), env={"PAC_DATABASE_URL": "postgresql+psycopg://h/db"})
        assert settings.database() == "postgresql+psycopg://h/db"

    def test_database_url_from_the_secrets_file_is_read(self, tmp_path) -> None:
        """PAC_DATABASE_URL written in the secrets file (the systemd set-up of docs/operations.md: only PAC_CONFIG
        and PAC_SECRETS_FILE in the unit) is the store, as the connectors' credentials from the same file are used.
        Seen failing before the fix: ``assert 'sqlite:///.pac/pac.db' == 'postgresql+psycopg://pac:Zq7...'`` (every
        worker synced into its own new SQLite file: audit secrets F2)."""
        url = "postgresql+psycopg://pac:Zq7-file-pw-4711@db.example:5432/pac"
        secrets_file = tmp_path / "secrets.env"
        secrets_file.write_text(f"PAC_SF_CLIENT_SECRET=abcdef123456\nPAC_DATABASE_URL={url}\n", encoding="utf-8")
        os.chmod(secrets_file, 0o600)
        env = {"PAC_SECRETS_FILE": str(secrets_file)}
        assert load_settings(default_settings_path(), env=env).database() == url
        override = "postgresql+psycopg://pac@other.example/pac"     # the environment wins, as for the connectors
        assert load_settings(default_settings_path(), env=env | {"PAC_DATABASE_URL": override}).database() == override

    def test_an_unreadable_secrets_file_stops_the_settings_with_its_fix(self, tmp_path) -> None:
        """A secrets file others can read is refused when the settings read the store's URL from it, as the
        connectors refuse it (passed before only because the file was not read for the store)."""
        secrets_file = tmp_path / "secrets.env"
        secrets_file.write_text("PAC_DATABASE_URL=sqlite:///x.db\n", encoding="utf-8")
        os.chmod(secrets_file, 0o644)
        with pytest.raises(InvalidInput, match=f"chmod 600 {secrets_file}"):
            load_settings(default_settings_path(), env={"PAC_SECRETS_FILE": str(secrets_file)})

    @pytest.mark.parametrize("url", ["postgresql+psycopg://pac:Zq7-yaml-pw-4711@db.example:5432/pac",
                                     "postgres://pac:Zq7@yaml-pw-4711@db.example/pac",
                                     "postgresql://pac@db.example/pac?sslmode=require&password=Zq7-yaml-pw-4711"])
    def test_a_password_in_the_settings_database_url_is_refused_unshown(self, tmp_path, url: str) -> None:
        """Secrets never go in pac.yaml: a password in its database_url is refused at its line, with the URL's length
        only and the fix (PAC_DATABASE_URL in the secrets file), as a webhook or SMTP password pasted in the
        notification settings is. Seen failing before the fix: 'DID NOT RAISE InvalidInput' (settings OK)."""
        path = write_settings(tmp_path, f"'{url}'")
        with pytest.raises(InvalidInput) as info:
            load_settings(path, env={})
        text = str(info.value)
        assert "pac.yaml:1" in text and "database_url" in text and f"{len(url)} characters" in text
        assert "PAC_DATABASE_URL" in text and "PAC_SECRETS_FILE" in text
        assert "Zq7" not in text and "yaml-pw" not in text and "db.example" not in text

    @pytest.mark.parametrize("url", ["postgresql+psycopg://pac@db.example:5432/pac", "postgresql://pac:@db.example/pac",
                                     "sqlite:///data/p:x@y.db", "postgresql:///pac?host=/run/postgresql"])
    def test_a_database_url_without_a_password_is_accepted(self, tmp_path, url: str) -> None:
        assert load_settings(write_settings(tmp_path, f"'{url}'"), env={}).database() == url

    def test_pac_config_points_to_another_file(self, tmp_path) -> None:
        """PAC_CONFIG names the settings file to read."""
        path = write_settings(tmp_path, "sqlite:///x.db")
        assert load_settings(env={"PAC_CONFIG": str(path)}).source == str(path)


class TestBadSettings:
    def test_every_problem_is_reported_at_once_with_file_and_line(self, tmp_path) -> None:
        """A misspelt key and a bad share are both reported, each with file:line and key path."""
        path = tmp_path / "pac.yaml"
        path.write_text("connectors:\n  - name: sf\n    crm: salesforce\n    mapping: m.yaml\n"
                        "    max_daily_share: 2\nschedul: {}\n", encoding="utf-8")
        with pytest.raises(InvalidInput) as caught:
            load_settings(path, env={})
        text = str(caught.value)
        assert f"{path}:5 connectors[0].max_daily_share" in text
        assert f"{path}:6 schedul: unknown key 'schedul' (did you mean 'schedule'?)" in text

    def test_unknown_connector_and_missing_files_are_named(self, tmp_path) -> None:
        """A plan naming an unconfigured connector, a missing mapping and plan file: three problems."""
        path = tmp_path / "pac.yaml"
        path.write_text("connectors:\n  - {name: sf, crm: salesforce, mapping: nope.yaml}\n"
                        "plans:\n  - {file: none.yaml, connectors: [hs]}\n", encoding="utf-8")
        with pytest.raises(InvalidInput) as caught:
            load_settings(path, env={})
        assert len(caught.value.problems) == 3
        assert "unknown connector 'hs'" in str(caught.value)

    def test_bad_cron_says_how_to_write_one(self, tmp_path) -> None:
        """A cron with 4 fields is refused with an example."""
        path = write_settings(tmp_path, "sqlite:///x.db", extra="schedule: {cron: '0 2 * *'}")
        with pytest.raises(InvalidInput, match="5-field cron"):
            load_settings(path, env={})

    def test_unknown_plan_lists_the_configured_ones(self, tmp_path) -> None:
        """--plan with a wrong name lists the names that exist."""
        settings = load_settings(write_settings(tmp_path, "sqlite:///x.db"), env={})
        with pytest.raises(InvalidInput, match="configured plans: test"):
            settings.plan("tset")


    def test_a_plan_is_found_by_its_plan_id_too(self, tmp_path) -> None:
        """`pac status` prints the plan's id (from its file); --plan takes it as well as the settings name (it said
        "no plan named ..." for the id pac itself printed)."""
        from pac_config.planfile import load_plan

        settings = load_settings(default_settings_path(), env={})
        [plan] = settings.plans
        plan_id = load_plan(plan.file).id
        assert plan_id != plan.key and settings.plan(plan_id) is plan
        with pytest.raises(InvalidInput, match=f"configured plans: {plan.key} \\(plan id {plan_id}\\)"):
            settings.plan("nope")


class TestSecrets:
    def test_secrets_file_readable_by_others_is_refused_with_the_fix(self, tmp_path) -> None:
        """Mode 0644 is refused and the message gives the chmod command."""
        path = tmp_path / "secrets.env"
        path.write_text("PAC_HS_ACCESS_TOKEN=abcdef123456\n", encoding="utf-8")
        os.chmod(path, 0o644)
        with pytest.raises(InvalidInput, match=f"chmod 600 {path}"):
            read_secrets_file(path)

    def test_secrets_file_values_are_read_and_redacted(self, tmp_path) -> None:
        """A 0600 file gives its KEY=VALUE pairs, and every value is redacted from log lines."""
        path = tmp_path / "secrets.env"
        path.write_text("# hubspot\nPAC_HS_ACCESS_TOKEN='pat-eu1-0123456789'\n\n", encoding="utf-8")
        os.chmod(path, 0o600)
        assert read_secrets_file(path) == {"PAC_HS_ACCESS_TOKEN": "pat-eu1-0123456789"}
        assert "pat-eu1" not in redact("calling with pat-eu1-0123456789")

    def test_environment_wins_over_the_file_and_credentials_are_registered(self, tmp_path) -> None:
        """The environment overrides the file; PAC_*_SECRET values are redacted too."""
        path = tmp_path / "secrets.env"
        path.write_text("PAC_SF_CLIENT_ID=from-file-id\n", encoding="utf-8")
        os.chmod(path, 0o600)
        env = connector_env({"PAC_SECRETS_FILE": str(path), "PAC_SF_CLIENT_ID": "from-env-id",
                             "PAC_SF_CLIENT_SECRET": "very-secret-value-42"})
        assert env["PAC_SF_CLIENT_ID"] == "from-env-id"
        assert "very-secret" not in redact("secret is very-secret-value-42")

    def test_a_variable_set_empty_in_the_environment_leaves_the_file_s_value(self, tmp_path) -> None:
        """A unit file's `Environment=PAC_SF_CLIENT_SECRET=` (or `export PAC_SF_CLIENT_SECRET=` left in a profile) is
        set but empty: pac reads an empty value as none, so it must not hide the secrets file's (audit ops). Seen
        failing before the fix: '' == 'file-secret-4711' (the login then said PAC_SF_CLIENT_SECRET was missing while
        the file named by PAC_SECRETS_FILE held it); a blank value is still empty with no file."""
        path = tmp_path / "secrets.env"
        path.write_text("PAC_SF_CLIENT_SECRET=file-secret-4711\nPAC_DATABASE_URL=sqlite:///from-file.db\n",
                        encoding="utf-8")
        os.chmod(path, 0o600)
        env = connector_env({"PAC_SECRETS_FILE": str(path), "PAC_SF_CLIENT_SECRET": "", "PAC_SF_CLIENT_ID": "  "})
        assert env["PAC_SF_CLIENT_SECRET"] == "file-secret-4711" and env["PAC_SF_CLIENT_ID"] == "  "
        settings = load_settings(default_settings_path(), env={"PAC_SECRETS_FILE": str(path), "PAC_DATABASE_URL": " "})
        assert settings.database() == "sqlite:///from-file.db"

    def test_only_secret_named_values_of_the_file_are_hidden(self, tmp_path) -> None:
        """The file's settings that are no secret (the login mode, the org's domain, a CA bundle's path) stay
        readable in messages, as they are when set in the environment: an admin sees which org refused the login.
        Secret-named ones (TOKEN, SECRET, PASSWORD, KEY, SESSION) are hidden. (Every value of 6 characters or
        more was hidden.)"""
        path = tmp_path / "secrets.env"
        ca = tmp_path / "corporate-ca-4711.pem"
        path.write_text("PAC_SF_AUTH=client_credentials\nPAC_SF_DOMAIN=audit-org-4711.my.salesforce.com\n"
                        f"PAC_SF_CA_BUNDLE={ca}\nPAC_SF_CLIENT_SECRET=file-secret-4711\n", encoding="utf-8")
        os.chmod(path, 0o600)
        read_secrets_file(path)
        shown = f"the client_credentials login at audit-org-4711.my.salesforce.com (CA {ca})"
        assert redact(shown) == shown
        assert redact("sent file-secret-4711") == "sent ***"

    def test_export_lines_as_pac_sandbox_writes_them_are_read(self, tmp_path) -> None:
        """``export NAME=value`` (the format of `pac sandbox`'s file, sh-quoted) gives NAME, not "export NAME"."""
        from sync_jobs.cli_sandbox import write_env_file

        path = write_env_file(tmp_path / "sandbox.env", {"PAC_SF_AUTH": "client_credentials",
                                                         "PAC_HS_ACCESS_TOKEN": "pat-na1-sandbox token"})
        assert read_secrets_file(path) == {"PAC_SF_AUTH": "client_credentials",
                                           "PAC_HS_ACCESS_TOKEN": "pat-na1-sandbox token"}
        assert redact("token pat-na1-sandbox token") == "token ***"

    @pytest.mark.parametrize("key", ["PAC SF AUTH", "exported PAC_X", "1PAC", "PAC-SF-AUTH", "CJbT4kLm+/x"])
    def test_a_key_that_is_no_variable_name_is_refused_at_its_line(self, tmp_path, key) -> None:
        """A key that is not a variable name is refused with file:line and the fix, never echoed (it may be a
        pasted secret: a base64 token's '=' makes it look like KEY=VALUE). It was stored under that key."""
        path = tmp_path / "secrets.env"
        path.write_text(f"# creds\n{key}=value\n", encoding="utf-8")
        os.chmod(path, 0o600)
        with pytest.raises(InvalidInput) as caught:
            read_secrets_file(path)
        text = str(caught.value)
        assert text.startswith(f"{path}:2 ") and "not a variable name" in text and "NAME=VALUE" in text
        assert key not in text

    def test_malformed_line_names_file_and_line(self, tmp_path) -> None:
        """A line without '=' is reported with its line number."""
        path = tmp_path / "secrets.env"
        path.write_text("A=1\njust-a-token\n", encoding="utf-8")
        os.chmod(path, 0o600)
        with pytest.raises(InvalidInput, match=f"{path}:2"):
            read_secrets_file(path)
