"""Audit opsmap: mistakes ops staff make while editing config/ (pac.yaml, the mappings, a plan), each caught by
`pac config check` offline, before any night, with the file, the line, the key and the fix; and by `pac sync` with
exit 2 before it reaches a CRM (nothing written, nothing stored). The house rule: "a wrong mapping names the file,
the key and the fix"; secrets are never echoed.

Each case is the shipped configuration (config/) copied to a folder of the test's own with one edit. The whole
list of 38 mistakes tried, and what pac said to each, is in the audit's REPORT.md (/tmp/audits/opsmap/).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
SF = "mappings/salesforce.demo.yaml"
HS = "mappings/hubspot.default.yaml"
PLAN = "plans/example.pac.yaml"
# fake credentials: every case stops before the connectors make a call
CREDENTIALS = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": "acme.my.salesforce.com",
               "PAC_SF_CLIENT_ID": "the-client-id", "PAC_SF_CLIENT_SECRET": "the-client-secret-1234",
               "PAC_HS_ACCESS_TOKEN": "pat-eu1-00000000-0000-0000-0000-000000000000"}


def _config(tmp: Path, rel: str, old: str, new: str) -> Path:
    """The shipped config/ in ``tmp/cfg`` (its store in ``tmp``) with ``old`` replaced by ``new`` in ``rel``."""
    cfg = tmp / "cfg"
    shutil.copytree(ROOT / "config", cfg)
    settings = cfg / "pac.yaml"
    settings.write_text(f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n" + settings.read_text(encoding="utf-8"),
                        encoding="utf-8")
    path = cfg / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return cfg


def _line(path: Path, text: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in ln)


def _pac(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, **CREDENTIALS,
           "PAC_CONFIG": str(tmp / "cfg" / "pac.yaml")}
    return run_pac(*args, env=env, cwd=tmp, timeout=120)


def _refused(tmp: Path, target: Path, expected: str) -> None:
    """`pac config check` on the settings (and on ``target`` when it is a mapping) and `pac sync --dry-run`: exit 2,
    ``expected`` said, no traceback, no store written."""
    settings = tmp / "cfg" / "pac.yaml"
    runs = [_pac(tmp, "config", "check", str(settings))]
    if target != settings:
        runs.append(_pac(tmp, "config", "check", str(target)))
    runs.append(_pac(tmp, "sync", "--dry-run"))
    for done in runs:
        output = done.stdout + done.stderr
        assert done.returncode == 2, output
        assert expected in " ".join(output.split()), output
        assert "Traceback" not in output and "cannot connect" not in output, output
    assert not (tmp / "pac.db").exists()


def test_a_connector_whose_crm_is_not_its_mappings_is_refused_at_the_connector(tmp_path: Path) -> None:
    """`crm: hubspot` on sf-main, whose mapping is Salesforce's (a connector block copied and half edited). Seen
    failing before: `pac config check pac.yaml` said "settings OK"; `--online` said "sf-main: HubSpot OAuth also needs
    PAC_SF_REFRESH_TOKEN"; `pac sync` listed the Salesforce mapping's keys as unknown HubSpot keys ("crm:
    'salesforce' is not allowed (use one of: hubspot)", "activities.rules: unknown key 'rules'"), at the mapping's
    lines, never the line to fix."""
    cfg = _config(tmp_path, "pac.yaml", "    crm: salesforce", "    crm: hubspot")
    settings = cfg / "pac.yaml"
    line = _line(settings, "    crm: hubspot")
    mapping_line = _line(cfg / SF, "crm: salesforce")
    _refused(tmp_path, settings,
             f"{settings}:{line} connectors[0].crm: the connector is a hubspot one, but its mapping {SF} is a "
             f"salesforce mapping (crm: salesforce at its line {mapping_line}) (write crm: salesforce here, or name a "
             "hubspot mapping under mapping:)")


def test_two_account_concepts_read_from_one_salesforce_field_are_refused(tmp_path: Path) -> None:
    """`country: BillingPostalCode` beside `postal_code: BillingPostalCode`: every account's country became « 69003 »,
    read as no country. Seen failing before: config check OK offline and online, and the night wrote 429 accounts'
    PAC fields instead of 485 (the accounts whose country is not France lost their axes), exit 1 as any night."""
    cfg = _config(tmp_path, SF, "country: BillingCountry", "country: BillingPostalCode")
    line = _line(cfg / SF, "country: BillingPostalCode")
    first = _line(cfg / SF, "postal_code: BillingPostalCode")
    _refused(tmp_path, cfg / SF,
             f"{cfg / SF}:{line} accounts.country: BillingPostalCode is already read as accounts.postal_code (line "
             f"{first}): one field cannot be two things (map accounts.country to its own field)")


def test_two_written_figures_in_one_salesforce_field_are_refused(tmp_path: Path) -> None:
    """`writeback.axis.fields.roi: PAC_Revenue__c` (the revenue's field): each night one figure overwrote the other in
    the axis record managers read. Seen failing before: config check OK offline and online, and the night wrote."""
    cfg = _config(tmp_path, SF, "      roi: PAC_ROI__c", "      roi: PAC_Revenue__c")
    line = _line(cfg / SF, "roi: PAC_Revenue__c")
    first = _line(cfg / SF, "revenue: PAC_Revenue__c")
    _refused(tmp_path, cfg / SF,
             f"{cfg / SF}:{line} writeback.axis.fields.roi: PAC_Revenue__c is already written as "
             f"writeback.axis.fields.revenue (line {first}): one field cannot hold two figures (pac provisions "
             "PAC_ROI__c for roi)")


def test_a_lower_case_org_currency_says_which_code_to_write(tmp_path: Path) -> None:
    """`org_currency: eur`. Seen failing before: "org_currency: 'eur' does not have the expected form (it must match
    ^[A-Z]{3}$)", a regular expression for a fix; the plan's `currency: eur` already said "(write e.g. EUR)"."""
    cfg = _config(tmp_path, SF, "org_currency: EUR", "org_currency: eur")
    line = _line(cfg / SF, "org_currency: eur")
    _refused(tmp_path, cfg / SF,
             f"{cfg / SF}:{line} org_currency: 'eur' is not an ISO 4217 currency code (write EUR)")


def test_a_credential_pasted_in_the_settings_says_where_it_goes_and_is_not_echoed(tmp_path: Path) -> None:
    """`access_token: pat-…` under hs-west. Seen failing before: "unknown key 'access_token' (known keys: ...)",
    nothing said of where the token goes nor that it must leave the file (never echoed, which stays so)."""
    token = "pat-eu1-11111111-2222-3333-4444-555555555555"
    cfg = _config(tmp_path, "pac.yaml", "    env_prefix: PAC_HS_\n",
                  f"    env_prefix: PAC_HS_\n    access_token: {token}\n")
    line = _line(cfg / "pac.yaml", "access_token:")
    _refused(tmp_path, cfg / "pac.yaml",
             f"{cfg / 'pac.yaml'}:{line} connectors[1].access_token: a credential in the settings file (none shown) "
             "(delete this line: secrets never go in this file; set PAC_HS_ACCESS_TOKEN in the environment or in the "
             "file PAC_SECRETS_FILE names)")
    for done in (_pac(tmp_path, "config", "check", str(cfg / "pac.yaml")), _pac(tmp_path, "sync", "--dry-run")):
        assert token not in done.stdout + done.stderr


def test_config_check_on_a_plan_file_checks_it_as_a_plan(tmp_path: Path) -> None:
    """`pac config check plans/example.pac.yaml` (config check is what ops run on a file of config/). Seen failing
    before: "example.pac.yaml:1 crm: unknown or missing crm None (write crm: salesforce or crm: hubspot)", though the
    file is a plan and its mistake the time zone at line 14."""
    cfg = _config(tmp_path, PLAN, "timezone: Europe/Paris", "timezone: Europe/Pariss")
    plan = cfg / PLAN
    done = _pac(tmp_path, "config", "check", str(plan))
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "missing crm" not in output, output
    line = _line(plan, "timezone: Europe/Pariss")
    # the example plan is French (language: fr): its refusal is said as `pac plan check` says it, in French
    # (audit frwords, merged the same day)
    assert (f"{plan}:{line} plan.timezone : fuseau horaire inconnu « Europe/Pariss » (utilisez un nom IANA, par "
            "exemple Europe/Paris)" in output), output


def test_two_company_concepts_read_from_one_hubspot_property_are_refused(tmp_path: Path) -> None:
    """`country: zip` beside `postal_code: zip` in the HubSpot mapping, as the Salesforce case above. Seen failing
    before the fix: "mapping OK"."""
    cfg = _config(tmp_path, HS, "  country: country ", "  country: zip ")
    line = _line(cfg / HS, "  country: zip ")
    first = _line(cfg / HS, "postal_code: zip")
    _refused(tmp_path, cfg / HS,
             f"{cfg / HS}:{line} companies.country: zip is already read as companies.postal_code (line {first}): "
             "one property cannot be two things (map companies.country to its own property)")


def test_a_key_indented_one_space_short_says_the_columns_to_write(tmp_path: Path) -> None:
    """`   mapping: ...` (3 spaces) under a connector whose keys have 4. Seen failing before the fix: "YAML syntax
    error: expected <block end>, but found '<block mapping start>' (check indentation and quotes on that line)", the
    parser's words."""
    cfg = _config(tmp_path, "pac.yaml", "    mapping: mappings/hubspot.default.yaml",
                  "   mapping: mappings/hubspot.default.yaml")
    settings = cfg / "pac.yaml"
    line = _line(settings, "   mapping: mappings/hubspot")
    _refused(tmp_path, settings,
             f"{settings}:{line} YAML syntax error: this line is indented 3 spaces, the key above it (line {line - 1}) "
             "4 (indent it with 4 spaces as the key above, or fewer to close that block: the keys of one block start "
             "in the same column)")


def test_an_activity_type_mapped_twice_is_refused_with_a_fix(tmp_path: Path) -> None:
    """`Visit: demo` added under `meetings.types` where `Visit: visit` already is: refused (YAML would keep one of
    the two silently), with a fix that fits. Seen failing before the fix: "(check indentation and quotes on that
    line)"."""
    cfg = _config(tmp_path, HS, "      Demo: demo\n", "      Demo: demo\n      Visit: demo\n")
    line = _line(cfg / HS, "Visit: demo")
    _refused(tmp_path, cfg / HS,
             f"{cfg / HS}:{line} YAML syntax error: found duplicate key \"Visit\" with value \"demo\" (original value: "
             "\"visit\") (give each key once in its block: merge the two, or delete the one you do not mean)")


def test_one_picklist_value_in_two_salesforce_rules_is_refused(tmp_path: Path) -> None:
    """'Visite client' added to the meeting rule too (a copy-paste): an activity takes the first rule it matches, so
    those events counted as visits and never as meetings, whatever the admin meant. Seen failing before the fix:
    config check OK offline and online, the night ran."""
    cfg = _config(tmp_path, SF, "['Réunion', 'Meeting']", "['Réunion', 'Meeting', 'Visite client']")
    line = _line(cfg / SF, "'Réunion', 'Meeting', 'Visite client'")
    first = _line(cfg / SF, "type: visit")
    _refused(tmp_path, cfg / SF,
             f"{cfg / SF}:{line} activities.rules[1].where.Type: 'Visite client' is taken by rules[0] (line {first}) "
             "first: those Events count as visit, never as meeting (list the value in one rule only)")
