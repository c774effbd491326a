"""A newcomer follows the README and the docs (audit readmewalk, 8 Dec 2026): a sales manager, a CRM admin and an
ops person who have never seen pac run, in a fresh clone, every command the README shows and the docs' "Try it by
hand". What they typed and did not get as written is pinned here.

- The docs write `pac config check --online` with no file (docs/operations.md on secrets and on errors,
  docs/salesforce.md on the integration user's language and the task statuses): an ops person in the sandbox's
  terminal typed it and got click's « Error: Missing argument 'FILE'. », exit 2. With no FILE it now checks the
  settings every other command reads: ``PAC_CONFIG``, else the shipped ``config/pac.yaml``.
- `pac explain --help`, `pac advice --help` and `pac sync --help` said « --as-of … default: now. » while each
  evaluates at the settings' ``as_of`` when it is set (the demo's and the sandbox's: 2027-05-20 18:00, which is why
  A-01 reads 4 / 5 there in December 2026); `pac review --help` already said « (the settings' as_of when set) ».
- `pac config check --online` against the sandbox warned « Period unreadable (… INVALID_TYPE sObject type 'Period'
  is not supported.) »: every Salesforce org has ``Period`` ("Represents a fiscal period defined in
  FiscalYearSettings", and FiscalYearSettings are the "Settings to define a custom or standard fiscal year for your
  organization": Object Reference, https://developer.salesforce.com/docs/platform/object-reference/references/
  standard-objects/object-period.html and object-fiscalyearsettings.html). The sandbox org now has a standard
  fiscal year's periods, so the example plan's calendar quarters are compared with them, and agree: no word.
- `pac report --quarter 2027-Q1` and `pac report --quarter 2027-Q1 --restated` printed the same line, « (PAC 2027 —
  Durand Process, as of the end of 2027-03-31) », while one is the quarter as kept at its close and the other its
  re-evaluation on today's records and plan (docs/report.md); `pac review`'s line already says « (snapshot) » or
  « (recomputed) ». The line now says which."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "config" / "plans" / "example.pac.yaml"
HS_MAPPING = ROOT / "config" / "mappings" / "hubspot.default.yaml"


def _env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, **extra}


def test_config_check_without_a_file_checks_the_settings_pac_config_names(tmp_path: Path) -> None:
    """`pac config check` with no FILE: the settings in PAC_CONFIG (the sandbox's), with the mapping and plan they
    name, as `pac sync` would read them; it was « Missing argument 'FILE' », exit 2."""
    settings = tmp_path / "pac.yaml"
    settings.write_text(
        f"database_url: 'sqlite:///{tmp_path / 'pac.db'}'\n"
        "connectors:\n"
        f"  - {{name: hs-west, crm: hubspot, mapping: '{HS_MAPPING}', env_prefix: PAC_HS_}}\n"
        "plans:\n"
        f"  - {{name: example, file: '{PLAN}', connectors: [hs-west]}}\n", encoding="utf-8")
    done = run_pac("config", "check", env=_env(PAC_CONFIG=str(settings)), cwd=tmp_path, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Missing argument" not in output
    assert f"{settings}: settings OK (1 connector, 1 plan;" in " ".join(done.stdout.split()), output


def test_config_check_without_a_file_nor_pac_config_checks_the_shipped_settings(tmp_path: Path) -> None:
    """No PAC_CONFIG either: the shipped config/pac.yaml, the file `pac sync` reads then, named in the verdict."""
    done = run_pac("config", "check", env=_env(), cwd=tmp_path, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "pac.yaml: settings OK" in " ".join(done.stdout.split()), output


def test_config_check_help_says_what_no_file_checks(tmp_path: Path) -> None:
    done = run_pac("config", "check", "--help", env=_env(), cwd=tmp_path, timeout=60)
    text = " ".join(done.stdout.split())
    assert done.returncode == 0, done.stderr
    assert "config check [OPTIONS] [FILE]" in text
    assert "$PAC_CONFIG" in text and "config/pac.yaml" in text


def test_as_of_help_names_the_settings_as_of(tmp_path: Path) -> None:
    """Each --as-of says the settings' as_of is the default when set, as `pac review --help` does."""
    for command in (("explain",), ("advice",), ("sync",)):
        done = run_pac(*command, "--help", env=_env(), cwd=tmp_path, timeout=60)
        text = " ".join(done.stdout.split())
        assert done.returncode == 0, done.stderr
        assert "default: now." not in text, (command, text)
        assert "default: the plan's as_of in the settings when set, else now." in text, (command, text)


def test_the_sandbox_org_has_a_standard_fiscal_years_periods(tmp_path: Path) -> None:
    """`pac config check MAPPING --sandbox` (the sandbox org, the shipped settings' plans): no Period warning, and
    nothing said of the example plan's quarters, the org's (a standard fiscal year: calendar quarters) being its."""
    mapping = ROOT / "config" / "mappings" / "salesforce.demo.yaml"
    done = run_pac("config", "check", str(mapping), "--sandbox", env=_env(), cwd=tmp_path, timeout=180)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Period" not in output and "fiscal_calendar" not in output, output
    assert "mapping OK (salesforce, checked against the CRM)" in " ".join(done.stdout.split()), output


def test_a_closed_quarters_report_line_says_kept_or_restated(demo: tuple[Path, dict[str, str]]) -> None:
    """The demo keeps 2027-Q1 (its snapshot, taken as the scheduler would have on 1 April): the plain report of Q1
    says it is that snapshot, `--restated` that it is today's re-evaluation; the running quarter's line is as before."""
    where, env = demo
    kept = run_pac("report", "--quarter", "2027-Q1", "-o", "q1.html", env=env, cwd=where, timeout=300)
    restated = run_pac("report", "--quarter", "2027-Q1", "--restated", "-o", "q1r.html", env=env, cwd=where,
                       timeout=300)
    running = run_pac("report", "-o", "now.html", env=env, cwd=where, timeout=300)
    for done in (kept, restated, running):
        assert done.returncode == 0, done.stderr
    assert kept.stdout.strip().endswith(
        "(PAC 2027 — Durand Process, as of the end of 2027-03-31: the quarter as kept at its close, its snapshot)"), \
        kept.stdout
    assert restated.stdout.strip().endswith(
        "(PAC 2027 — Durand Process, as of the end of 2027-03-31: re-evaluated on today's records and plan)"), \
        restated.stdout
    assert running.stdout.strip().endswith("(PAC 2027 — Durand Process, as of 2027-05-20T18:00+02:00)"), running.stdout
