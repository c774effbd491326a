"""``pac --help`` lists every command without importing them (sync_jobs.cli's lazy loading)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sync_jobs import cli

# What ``pac --help`` must not load: every command module, the engine, the store, the CRM clients, the console.
HEAVY_PREFIXES = ("sync_jobs.cli_", "sync_jobs.pipeline", "sync_jobs.store", "sync_jobs.textsafe", "sync_jobs.app",
                  "connectors", "pac_config", "pac_core", "sandbox_crm", "rich", "sqlalchemy", "sqlmodel", "pydantic",
                  "ruamel", "openpyxl", "jinja2", "babel", "simple_salesforce", "hubspot", "requests", "apscheduler")
GROUPS = {"": cli.COMMANDS, "plan": cli.PLAN_COMMANDS, "config": cli.CONFIG_COMMANDS, "crm": cli.CRM_COMMANDS}
# The interpreter prints the modules it loaded, on stderr, as it exits (after click's --help).
PROBE = ("import atexit, json, sys; atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr));"
         " from sync_jobs.cli import run; run()")


HELP_GOLDEN = Path(__file__).resolve().parents[1] / "data" / "cli_help"   # pac_plan_check.txt: `pac plan check --help`
# What ``pac status --help`` and ``pac schedule --help`` must not load: the run (pipeline, steps, scheduler, demo,
# notifications), the engine and NumPy. Status reads the store; the scheduler is loaded when ``pac schedule`` runs.
# (apscheduler's cron trigger is loaded by every command that reads the settings: they check the cron expressions.)
RUN_MODULES = ("sync_jobs.pipeline", "sync_jobs.steps", "sync_jobs.scheduler", "sync_jobs.demo", "sync_jobs.notify",
               "sync_jobs.app", "sync_jobs.evaluation", "pac_core.engine", "numpy")


def _run_modules(modules: list[str]) -> list[str]:
    return [m for m in modules if m in RUN_MODULES or m.startswith(tuple(f"{r}." for r in RUN_MODULES))]


def _help_in_a_fresh_interpreter(*group: str) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *group, "--help"], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("group", list(GROUPS))
def test_help_lists_every_command_without_importing_them(group: str) -> None:
    """``pac --help``, ``pac plan --help``...: every command listed with its short help, and no command module, no
    engine, store, CRM client or Rich imported (they cost a third of a second of start-up before)."""
    shown, modules = _help_in_a_fresh_interpreter(*([group] if group else []))
    listed = shown.split("Commands:", 1)[1]
    rows = [line.split(maxsplit=1) for line in listed.splitlines() if line.startswith("  ") and line[2] != " "]
    assert sorted(name for name, _ in rows) == sorted([*GROUPS[group], *(["config", "crm", "plan"] if not group
                                                                         else [])])
    assert all(summary.strip() for _, summary in rows)
    heavy = [m for m in modules if m.startswith(HEAVY_PREFIXES)]
    assert heavy == []
    assert "sync_jobs.cli" in modules    # the probe did run pac


def _all_lazy() -> list[tuple[str, str, cli.Lazy]]:
    return [(group, name, lazy) for group, table in GROUPS.items() for name, lazy in table.items()]


@pytest.mark.parametrize(("group", "name", "lazy"), _all_lazy(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_summary_is_its_commands_own_help(group: str, name: str, lazy: cli.Lazy) -> None:
    """The summary --help lists is the first paragraph of the command's own help: the listing says what the
    command's --help says (a docstring edited without the table fails here)."""
    command = cli._load(lazy.target)
    assert isinstance(command, click.Command) and command.name == name
    assert command.help is not None
    assert command.help.partition("\n\n")[0].split() == lazy.summary.split()


def test_running_a_command_loads_only_its_module() -> None:
    """``pac plan schema`` loads cli_plan, and no other command module."""
    done = subprocess.run([sys.executable, "-c", PROBE, "plan", "schema"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"]
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    assert [m for m in modules if m.startswith("sync_jobs.cli_")] == ["sync_jobs.cli_plan"]


def test_an_unknown_command_is_still_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["no-such-command"])
    assert caught.value.code == 2
    assert "No such command 'no-such-command'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["status", "schedule"])
def test_status_and_schedule_help_load_no_run(command: str) -> None:
    """``pac status --help`` and ``pac schedule --help`` load their own module (and cli_common), never the pipeline,
    the engine or NumPy: both lived in cli_sync, whose top imports pulled the whole run."""
    shown, modules = _help_in_a_fresh_interpreter(command)
    assert f" {command} [OPTIONS]" in shown.splitlines()[0]
    assert _run_modules(modules) == []
    assert sorted(m for m in modules if m.startswith("sync_jobs.cli_")) == sorted(
        {f"sync_jobs.cli_{command}", "sync_jobs.cli_common"})


def test_sync_help_loads_the_run_but_not_the_other_commands() -> None:
    """``pac sync --help`` loads cli_sync and the run it starts, not the scheduler, the demo or the advice command."""
    shown, modules = _help_in_a_fresh_interpreter("sync")
    assert " sync [OPTIONS]" in shown.splitlines()[0] and "sync_jobs.pipeline" in modules
    assert [m for m in modules if m.startswith(("sync_jobs.scheduler", "sync_jobs.demo", "sandbox_crm",
                                                "apscheduler.schedulers"))] == []
    assert [m for m in modules if m.startswith("sync_jobs.cli_")] == ["sync_jobs.cli_common", "sync_jobs.cli_sync"]


def _every_help() -> list[tuple[str, ...]]:
    return [(), *((group,) for group in GROUPS if group),
            *(((group, name) if group else (name,)) for group, name, _ in _all_lazy())]


@pytest.mark.parametrize("args", _every_help(), ids=lambda args: " ".join(("pac", *args)))
def test_every_help_is_byte_identical_to_its_golden(args: tuple[str, ...]) -> None:
    """The 24 ``--help`` outputs, 100 columns wide, as tests/data/cli_help keeps them (captured from the installed
    ``pac`` before the commands of cli_sync were split into modules of their own)."""
    golden = HELP_GOLDEN / ("_".join(("pac", *args)) + ".txt")
    # a terminal of 100 columns: click formats help 2 columns narrower than the terminal it measures
    done = CliRunner().invoke(cli.main, [*args, "--help"], prog_name="pac", terminal_width=98)
    assert done.exit_code == 0, done.output
    assert done.output == golden.read_text(encoding="utf-8")


def test_the_goldens_are_every_help() -> None:
    """One golden per ``--help`` (the root, 3 groups, 20 commands), and no golden left for a help that is gone."""
    names = sorted("_".join(("pac", *args)) + ".txt" for args in _every_help())
    assert len(names) == 24
    assert sorted(p.name for p in HELP_GOLDEN.glob("*.txt")) == names


@pytest.mark.parametrize("group", list(GROUPS))
def test_no_listed_summary_stops_at_an_abbreviation(group: str) -> None:
    """``pac --help`` lists each summary up to its first sentence's end: "(KEY: its id, e.g." was all `history`
    showed. No listed summary may stop at an abbreviation."""
    done = CliRunner().invoke(cli.main, [*([group] if group else []), "--help"], terminal_width=1000)
    listed = done.output.partition("Commands:")[2].splitlines()
    assert done.exit_code == 0 and listed
    assert [line for line in listed if line.rstrip().endswith(("e.g.", "i.e.", "etc.", "cf."))] == []


def test_the_plan_group_names_each_of_its_commands() -> None:
    """``pac plan --help`` says what the group holds: each of its commands by name (audit newcomer, smaller points:
    it said "check, lint, import from a spreadsheet", and pull and schema were missed)."""
    done = CliRunner().invoke(cli.main, ["plan", "--help"], terminal_width=1000)
    summary = done.output.split("Options:", 1)[0].split("\n", 1)[1]
    assert done.exit_code == 0 and "Write and check plans" in summary
    assert [name for name in cli.PLAN_COMMANDS if f" {name}" not in summary.replace(",", " ")] == []


def test_the_status_reason_words_load_no_engine() -> None:
    """``pac status --lang fr`` words its rejections with ``run_views.french_reason``, from ``reject_words`` and the
    decisions' words (``pac_core.decision_words``), imported at the top of their modules: none of them loads the
    engine or NumPy (``french_reason`` imported pac_core.explain inside the function, the one lazy import
    test_imports allowed besides the CLI's loader)."""
    probe = ("import json, sys; import sync_jobs.run_views, pac_core.reject_words; "
             "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout)
    assert "pac_core.reject_words" in modules and "sync_jobs.run_views" in modules
    assert _run_modules(modules) == []
