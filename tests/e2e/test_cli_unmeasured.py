"""An action counting an activity type none of its plan's connectors reads (e-mails on a HubSpot-only plan: audit F3)
stayed at 0 / 5 silently; `pac config check` (settings), `pac plan check` (a plan the settings name) and `pac sync`
now warn of it, naming the action, the type, the connectors and what to do. A warning: the exit code is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from tests.cli import run_pac
from tests.fakes import audit_plan

HS_MAPPING = default_mapping_path()
SF_DEMO = HS_MAPPING.parent / "salesforce.demo.yaml"

PLAN = audit_plan("Audit HS", "en", """\
  - {id: A-1, axis: AX-RA, text: "Visit 10 clients in Q2", who: julie@audit.example,
     what: {activity: visit, count: 10, counting: activities}, when: "Q2 2027", status: in_progress}
  - {id: A-4, axis: AX-RA, text: "Send 5 follow-up e-mails in Q2", who: julie@audit.example,
     what: {activity: email, count: 5, counting: activities}, when: "Q2 2027", status: in_progress}
""").replace("kind: horizontal,", "kind: horizontal, swot: {strengths: [a local team]},")   # complete: no other warning
WARNING = ("action A-4 counts 'email' activities, which none of the plan's connectors reads (hs-audit (hubspot)): "
           "it will stay at 0 whatever is done. To measure it: hs-audit: set activities.emails.enabled: true in "
           "its mapping to read HubSpot e-mails")


def _files(tmp: Path, *, with_salesforce: bool = False) -> tuple[Path, Path]:
    plan = tmp / "plan.pac.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    settings = tmp / "pac.yaml"
    sf = f"  - {{name: sf-main, crm: salesforce, mapping: '{SF_DEMO}', env_prefix: PAC_SF_}}\n"
    names = "hs-audit, sf-main" if with_salesforce else "hs-audit"
    settings.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n"
        f"  - {{name: hs-audit, crm: hubspot, mapping: '{HS_MAPPING}', env_prefix: PAC_HS_}}\n"
        + (sf if with_salesforce else "")
        + f"plans:\n  - {{name: audit, file: '{plan}', connectors: [{names}]}}\n",
        encoding="utf-8")
    return plan, settings


def _env(settings: Path | None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    return {**base, "PAC_CONFIG": str(settings)} if settings else base


def _flat(text: str) -> str:
    return " ".join(text.split())


def _warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("warning:")]


def test_config_check_warns_of_the_email_action_on_a_hubspot_only_plan(tmp_path: Path) -> None:
    """Failed before: "settings OK" and nothing about A-4."""
    _, settings = _files(tmp_path)
    done = run_pac("config", "check", str(settings), env=_env(None), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = _flat(done.stdout)
    assert WARNING in out and "settings OK" in out
    assert len(_warnings(done.stdout)) == 1            # A-1 (visits: HubSpot meetings) is measured


def test_plan_check_warns_only_with_settings_naming_the_plan(tmp_path: Path) -> None:
    """`pac plan check` with PAC_CONFIG naming the plan warns; the same plan outside the settings does not."""
    plan, settings = _files(tmp_path)
    done = run_pac("plan", "check", str(plan), env=_env(settings), cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and WARNING in _flat(done.stdout), done.stdout + done.stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "plan.pac.yaml").write_text(PLAN, encoding="utf-8")
    done = run_pac("plan", "check", str(other / "plan.pac.yaml"), env=_env(settings), cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and not _warnings(done.stdout), done.stdout


def test_no_warning_when_another_connector_reads_the_type(tmp_path: Path) -> None:
    """The Salesforce demo mapping maps e-mail Tasks: a plan on both CRMs can measure A-4."""
    _, settings = _files(tmp_path, with_salesforce=True)
    done = run_pac("config", "check", str(settings), env=_env(None), cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and not _warnings(done.stdout), done.stdout + done.stderr
