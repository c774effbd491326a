"""What a newcomer is told to type must work as typed (audit newcomer2, 7 Dec 2026).

* ``pac sandbox --help`` chained ``pac sync && pac status && pac explain A-01``: the sandbox's first ``pac sync``
  exits 1 (the demo org's two new rejections, docs/operations.md), so ``&&`` stopped there and status and explain
  never ran.
* "no sync recorded" told ``pac explain``, ``pac advice``, ``pac status`` and ``pac plan pull`` users that "PAC_CONFIG
  or --config chooses the settings": those commands have no ``--config`` (click: "No such option '--config'").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_core.errors import InvalidInput
from sync_jobs import cli, cli_common, demo
from sync_jobs.store_guard import require_sync


def test_sandbox_help_runs_each_command_whatever_the_first_sync_exits() -> None:
    done = CliRunner().invoke(cli.main, ["sandbox", "--help"], prog_name="pac", terminal_width=98)
    assert done.exit_code == 0, done.output
    lines = [line.strip() for line in done.output.splitlines() if line.strip().startswith("pac sync")]
    assert lines, done.output          # the help still shows the commands to run by hand
    assert all("&&" not in line for line in lines), lines


def _fix(tmp_path: Path, **kwargs: bool) -> str:
    with pytest.raises(InvalidInput) as caught:
        require_sync(f"sqlite:///{tmp_path / 'none.db'}", "example", "pac-2027", **kwargs)
    (problem,) = caught.value.problems
    assert problem.message.startswith("no sync recorded for plan example")
    return problem.fix


def test_no_sync_names_config_only_for_a_command_that_has_it(tmp_path: Path) -> None:
    without = _fix(tmp_path)
    assert "PAC_CONFIG chooses the settings" in without and "--config" not in without
    assert "PAC_CONFIG or --config chooses the settings" in _fix(tmp_path, config_option=True)


def test_every_command_that_reads_a_store_and_has_config_says_so() -> None:
    """The commands whose --help offers --config pass config_option=True; the others do not (read from the code:
    each module's require_sync call, against the option its command declares)."""
    root = Path(__file__).resolve().parents[2] / "sync_jobs"
    for module in ("cli_explain", "cli_notify", "cli_report", "cli_review", "cli_snapshot", "cli_state", "app"):
        text = (root / f"{module}.py").read_text(encoding="utf-8")
        has_option = '"--config"' in text
        calls = [line for line in text.splitlines() if "require_sync(" in line and "import" not in line]
        assert calls, module
        for line in calls:
            assert ("config_option=True" in line) == has_option, (module, line)


def test_plan_pull_in_the_demos_directory_names_no_config_option(tmp_path: Path, monkeypatch, capsys) -> None:
    """``pac plan pull`` (it writes the plan file) in a directory where ``pac demo`` ran was told to name the demo's
    settings with "--config .pac/demo.yaml or PAC_CONFIG=.pac/demo.yaml": ``pac plan pull --config`` is "No such
    option". Snapshot and notify, which have the option, still name it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAC_CONFIG", raising=False)
    (tmp_path / ".pac").mkdir()
    (tmp_path / ".pac" / "demo.yaml").write_text("# written by `pac demo`\n", encoding="utf-8")
    cli_common.settings_named(None, read_only=False, config_option=False)
    told = capsys.readouterr().err
    assert "PAC_CONFIG=.pac/demo.yaml" in told and "--config" not in told, told
    cli_common.settings_named(None, read_only=False)
    assert "--config .pac/demo.yaml or PAC_CONFIG=.pac/demo.yaml" in capsys.readouterr().err


def test_plan_pull_asks_for_the_hint_without_config() -> None:
    text = (Path(__file__).resolve().parents[2] / "sync_jobs" / "cli_state.py").read_text(encoding="utf-8")
    calls = [line for line in text.splitlines() if "settings_named(" in line]
    assert calls and all("config_option=False" in line for line in calls), calls


def test_config_check_online_help_names_the_secrets_file() -> None:
    """``pac config check --online`` reads the credentials from the environment or the file PAC_SECRETS_FILE names
    (docs/operations.md, Secrets; since 6 Dec 2026): its --help said "credentials from env", and an ops engineer
    with a secrets file exported the variables by hand."""
    done = CliRunner().invoke(cli.main, ["config", "check", "--help"], prog_name="pac", terminal_width=98)
    assert done.exit_code == 0, done.output
    assert "PAC_SECRETS_FILE" in " ".join(done.output.split()), done.output


def test_a_secrets_file_refused_is_not_called_a_settings_file_that_does_not_load(tmp_path: Path) -> None:
    """A secrets file readable by others is refused (chmod 600). ``pac sync`` said above it "the settings file does not
    load ... Fix the file (below)": an ops engineer reread a pac.yaml that ``pac config check`` calls OK."""
    secrets = tmp_path / "secrets.env"
    secrets.write_text("PAC_HS_ACCESS_TOKEN=pat-na1-0123456789\n", encoding="utf-8")
    secrets.chmod(0o644)
    shipped = Path(__file__).resolve().parents[2] / "config" / "pac.yaml"
    done = CliRunner().invoke(cli.main, ["sync", "--dry-run"], prog_name="pac",
                              env={"PAC_CONFIG": str(shipped), "PAC_SECRETS_FILE": str(secrets)})
    assert isinstance(done.exception, InvalidInput), done.output     # exit 2, once through the CLI's error handling
    assert f"chmod 600 {secrets}" in str(done.exception)
    assert "the settings file does not load" not in done.output, done.output
    assert "the secrets file" in done.output and "kept in no store" in done.output, done.output


def test_the_demos_calls_are_told_apart_by_what_they_do() -> None:
    """Record reads (queries, searches, batch reads, object pages), other reads (a login, describes, owners,
    pipelines, schemas) and writes (HubSpot's batch updates are POSTs under /objects/: writes, not reads)."""
    log = [("salesforce", "POST", "/services/oauth2/token"),
           ("salesforce", "GET", "/services/data/v62.0/query"),
           ("salesforce", "GET", "/services/data/v62.0/sobjects/Account/describe"),
           ("salesforce", "PATCH", "/services/data/v62.0/composite/sobjects/PAC_Axis__c/PAC_Key__c"),
           ("hubspot", "POST", "/crm/v3/objects/companies/search"),
           ("hubspot", "GET", "/crm/v3/objects/deals"),
           ("hubspot", "POST", "/crm/v3/objects/pac_axis/batch/update"),
           ("hubspot", "POST", "/crm/v4/associations/pac_axis/companies/batch/read"),
           ("hubspot", "GET", "/crm/v3/owners/")]
    assert demo.call_kinds(log) == (4, 3, 2)


def test_schedule_help_says_the_default_jobstore_and_that_it_follows_the_settings() -> None:
    """docs/operations.md: each worker's job store defaults to .pac/scheduler-<host>.db, SIGTERM stops it cleanly (exit
    0) and an edited pac.yaml is followed without a restart; ``pac schedule --help`` said none of it."""
    done = CliRunner().invoke(cli.main, ["schedule", "--help"], prog_name="pac", terminal_width=98)
    shown = " ".join(done.output.split())
    assert done.exit_code == 0, done.output
    assert ".pac/scheduler-HOST.db" in shown and "SIGTERM" in shown and "no restart" in shown, shown
