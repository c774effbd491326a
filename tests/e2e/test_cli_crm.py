"""`pac config check` and `pac crm check | provision` as ops staff run them (Salesforce side)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "mappings" / "salesforce.demo.yaml"
DEFAULT = ROOT / "config" / "mappings" / "salesforce.default.yaml"
PAC = Path(sys.executable).parent / "pac"


def run(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def _broken(tmp_path: Path, *swaps: tuple[str, str]) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    for old, new in swaps:
        text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestConfigCheck:
    def test_shipped_mapping_ok(self) -> None:
        """The shipped default mapping passes, as the installed command (exit 0)."""
        done = subprocess.run([str(PAC), "config", "check", str(DEFAULT)], capture_output=True, text=True,
                              check=False, env={**os.environ, "COLUMNS": "200"})
        assert done.returncode == 0 and "mapping OK" in done.stdout

    def test_broken_mapping_every_problem_located(self, tmp_path: Path) -> None:
        """Two mistakes: two `file:line key: problem (fix)` lines, a count, exit 2."""
        path = _broken(tmp_path, ("type: visit", "type: visite"), ("      axes: PAC_Axes__c", "      axes: Industry"))
        code, out = run("config", "check", str(path))
        lines = out.strip().splitlines()
        assert code == 2 and lines[-1] == f"2 problem(s) in {path}"
        assert lines[0].startswith(f"{path}:") and "did you mean 'visit'" in out
        assert "writeback.account.fields.axes: the write-back may not write Account.Industry" in out

    def test_online_check_against_the_sandbox(self, tmp_path: Path) -> None:
        """With --online --sandbox a picklist typo is reported with its line and the closest value."""
        path = _broken(tmp_path, ("'Visite client'", "'Visite cliente'"))
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2
        assert (f"{path}:23 activities.rules[0].where.Type: Type value 'Visite cliente' matches no picklist value "
                "of Event.Type (did you mean 'Visite client'?)") in out

    def test_online_check_refuses_a_hubspot_property_of_the_wrong_type(self, tmp_path: Path) -> None:
        """`close_date: dealname` (a text property where the close date is needed) and `annual_revenue: industry` (a
        dropdown for an amount) passed the online check ("mapping OK"): every deal would have been rejected, or read
        undated, night after night (audit ops). Each is a located problem naming the property's type, exit 2. Seen
        failing before the fix: exit 0, "mapping OK (hubspot, checked against the CRM)"."""
        text = (ROOT / "config" / "mappings" / "hubspot.default.yaml").read_text(encoding="utf-8")
        path = tmp_path / "hubspot.yaml"
        # industry left unmapped: read as the industry AND the annual revenue, it is refused offline (audit opsmap)
        path.write_text(text.replace("  close_date: closedate", "  close_date: dealname", 1)
                        .replace("  industry: industry", "  industry: null", 1)
                        .replace("  annual_revenue: annualrevenue", "  annual_revenue: industry", 1), encoding="utf-8")
        lines = path.read_text(encoding="utf-8").splitlines()
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2, out
        assert (f"{path}:{lines.index('  close_date: dealname') + 1} deals.close_date: dealname is a string property "
                "of deals; pac needs a date or datetime one here (map a property of that type, e.g. closedate)") in out
        assert (f"{path}:{lines.index('  annual_revenue: industry') + 1} companies.annual_revenue: industry is an "
                "enumeration property of companies; pac needs a number one here (map a property of that type, e.g. "
                "annualrevenue)") in out

    def test_online_check_refuses_a_hubspot_text_property_where_an_amount_is_needed(self, tmp_path: Path) -> None:
        """A text property mapped where pac reads an amount (deal amount, line item amount, annual revenue) passed
        the online check: HubSpot's own amounts are numbers (deals.amount, line item amount / price / quantity,
        annualrevenue: type number), and text such as "12 000 €" is no figure. Each is a located problem naming the
        type and the fix (audit ops2). Seen failing before the fix: exit 0, "mapping OK"."""
        text = (ROOT / "config" / "mappings" / "hubspot.default.yaml").read_text(encoding="utf-8")
        path = tmp_path / "hubspot.yaml"
        path.write_text(text.replace("  amount: amount", "  amount: dealname", 1)
                        .replace("  line_amount: hs_tcv", "  line_amount: hs_sku", 1)
                        .replace("  annual_revenue: annualrevenue", "  annual_revenue: description", 1),
                        encoding="utf-8")
        lines = [line.split("#")[0].rstrip() for line in path.read_text(encoding="utf-8").splitlines()]
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2, out
        assert (f"{path}:{lines.index('  amount: dealname') + 1} deals.amount: dealname is a string property of "
                "deals; pac needs a number one here (map a property of that type, e.g. amount)") in out
        assert (f"{path}:{lines.index('  line_amount: hs_sku') + 1} deals.line_amount: hs_sku is a string property "
                "of line_items; pac needs a number one here (map a property of that type, e.g. hs_tcv)") in out
        assert (f"{path}:{lines.index('  annual_revenue: description') + 1} companies.annual_revenue: description "
                "is a string property of companies; pac needs a number one here (map a property of that type, e.g. "
                "annualrevenue)") in out
        assert "3 problem(s)" in out

    def test_online_check_names_the_object_a_field_of_another_object_belongs_to(self, tmp_path: Path) -> None:
        """`postal_code: StageName` (an Opportunity field under accounts:) said "Account has no field 'StageName'
        (did you mean 'Name'?)", which sends the admin looking for a typo (audit ops). It now says whose field it is,
        from the describes the check makes anyway. Seen failing before the fix: no "is a field of Opportunity"."""
        path = _broken(tmp_path, ("postal_code: BillingPostalCode", "postal_code: StageName"))
        line = path.read_text(encoding="utf-8").splitlines().index("  postal_code: StageName") + 1
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2
        assert (f"{path}:{line} accounts.postal_code: Account has no field 'StageName': StageName is a field of "
                "Opportunity, not of Account (map a field of Account; did you mean 'Name'?)") in out

    def test_online_check_catches_a_status_value_typo(self, tmp_path: Path) -> None:
        """A status value the org's picklist lacks ('Annulee' for 'Annulée') is a located problem, exit 2 (it used to
        pass with exit 0, and cancelled visits counted as done)."""
        path = _broken(tmp_path, ("['Annulée']", "['Annulee']"))
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2
        line = next(x for x in out.splitlines() if "activities.status.Event.values.cancelled" in x)
        assert line.startswith(f"{path}:") and "'Annulee' matches no picklist value of Event.Statut__c" in line
        assert "did you mean 'Annulée'?" in line

    def test_online_check_validates_the_product_keys(self, tmp_path: Path) -> None:
        """A misspelt product family field (a relationship field of the line items) is located at its line."""
        path = _broken(tmp_path, ("line_family: Product2.Family", "line_family: Product2.Familly"))
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2
        line = next(x for x in out.splitlines() if "deals.line_family" in x)
        assert line.startswith(f"{path}:") and "Product2 has no field 'Familly'" in line and "'Family'" in line

    def test_online_check_accepts_the_shipped_product_keys(self, tmp_path: Path) -> None:
        """The shipped demo mapping's product keys (Product2.ProductCode, Family, Name) exist in the sandbox org."""
        path = _broken(tmp_path, ("'Visite client'", "'Visite client'"))
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 0, out
        # the lines' family is read by its labels (audit sffamily F1): said, with the labels to write
        assert "deals.line_family: Product2.Family is a picklist: pac reads a line's family as its label" in out, out

    def test_online_check_says_which_exchange_rates_convert_amounts(self) -> None:
        """The demo mapping is multi-currency: the check says which rates will be used (the sandbox's demo org keeps
        none, so engine.fx_rates converts, as in a single-currency org); the default mapping says nothing of it."""
        code, out = run("config", "check", str(DEMO), "--online", "--sandbox")
        assert code == 0, out
        assert f"{DEMO}: currency: the org gave no exchange rates (CurrencyType empty or not readable)" in out
        code, out = run("config", "check", str(DEFAULT), "--online", "--sandbox")
        assert "currency: the org" not in out

    def test_unknown_crm(self, tmp_path: Path) -> None:
        """A file without crm: salesforce|hubspot is refused with its line."""
        path = tmp_path / "m.yaml"
        path.write_text("crm: pipedrive\n", encoding="utf-8")
        code, out = run("config", "check", str(path))
        assert code == 2 and "unknown or missing crm 'pipedrive'" in out


class TestSettingsCheck:
    """``pac config check`` on the settings file (pac.yaml) checks it, its mappings and plans (it answered
    "crm: unknown or missing crm None", and only ``pac sync --dry-run``, which needs credentials and the CRM,
    checked the settings)."""

    def test_shipped_settings_ok(self) -> None:
        """config/pac.yaml, its two mappings and its plan: exit 0."""
        code, out = run("config", "check", str(ROOT / "config" / "pac.yaml"))
        assert code == 0 and "settings OK (2 connectors, 1 plan" in out, out

    def test_online_checks_every_mapping_against_its_crm(self, tmp_path: Path) -> None:
        """`pac config check pac.yaml --online` (here --sandbox) checks each named mapping against its CRM: a field
        the org lacks is named with the mapping's file and line and the command exits 2; without credentials each
        connector says which variables to set. Failed before (ops audit F6): the flag was ignored, "settings OK",
        exit 0, and the sync then counted nothing."""
        shipped = (ROOT / "config" / "pac.yaml").read_text(encoding="utf-8")
        (tmp_path / "plan.pac.yaml").write_text(
            (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        mapping = (ROOT / "config" / "mappings" / "salesforce.demo.yaml").read_text(encoding="utf-8")
        assert "industry: Industry" in mapping
        (tmp_path / "salesforce.demo.yaml").write_text(mapping.replace("industry: Industry", "industry: Industri"),
                                                       encoding="utf-8")
        (tmp_path / "hubspot.default.yaml").write_text(
            (ROOT / "config" / "mappings" / "hubspot.default.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        settings = tmp_path / "pac.yaml"
        settings.write_text(shipped.replace("mappings/", "").replace("plans/example.pac.yaml", "plan.pac.yaml"),
                            encoding="utf-8")
        code, out = run("config", "check", str(settings))
        assert code == 0 and "add --online" in out, out
        code, out = run("config", "check", str(settings), "--sandbox")
        line = next(i for i, text in enumerate(mapping.splitlines(), 1) if "industry: Industry" in text)
        assert code == 2 and f"{tmp_path / 'salesforce.demo.yaml'}:{line} accounts.industry" in out, out
        assert "'Industry'" in out and "1 problem(s)" in out, out
        code, out = run("config", "check", str(ROOT / "config" / "pac.yaml"), "--online",
                        env={"PAC_SF_AUTH": "", "PAC_HS_ACCESS_TOKEN": ""})
        assert code == 2 and "sf-main" in out and "PAC_SF_AUTH" in out and "hs-west" in out, out
        code, out = run("config", "check", str(ROOT / "config" / "pac.yaml"), "--sandbox")
        assert code == 0 and "checked against their CRMs" in out, out

    def test_a_bad_cron_and_a_broken_plan_are_located(self, tmp_path: Path) -> None:
        """A cron of 4 fields and a plan whose axis names an unknown segment: both reported, each in its file."""
        shipped = (ROOT / "config" / "pac.yaml").read_text(encoding="utf-8")
        plan = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
        (tmp_path / "plan.pac.yaml").write_text(plan.replace("segment: S-GC", "segment: S-NOPE", 1), encoding="utf-8")
        for name in ("salesforce.demo.yaml", "hubspot.default.yaml"):
            (tmp_path / name).write_text((ROOT / "config" / "mappings" / name).read_text(encoding="utf-8"),
                                         encoding="utf-8")
        text = shipped.replace("mappings/", "").replace("plans/example.pac.yaml", "plan.pac.yaml")
        settings = tmp_path / "pac.yaml"
        settings.write_text(text.replace('cron: "0 2 * * *"', "cron: '0 2 * *'", 1), encoding="utf-8")
        code, out = run("config", "check", str(settings))
        assert code == 2 and f"{settings}:28 schedule.cron" in out and "has 4 fields, not 5" in out, out
        settings.write_text(text, encoding="utf-8")
        code, out = run("config", "check", str(settings))
        assert code == 2 and str(tmp_path / "plan.pac.yaml") in out and "S-NOPE" in out, out

    def test_an_empty_file_says_so(self, tmp_path: Path) -> None:
        """An empty file is named empty, with what either kind of file starts with."""
        path = tmp_path / "pac.yaml"
        path.write_text("# nothing yet\n", encoding="utf-8")
        code, out = run("config", "check", str(path))
        assert code == 2 and "the file is empty" in out and "connectors:" in out and "crm: salesforce" in out, out


class TestCrmCommands:
    def test_check_on_a_fresh_sandbox_lists_what_provision_creates(self) -> None:
        """`pac crm check --sandbox` says the sandbox is fresh and lists exactly what the dry run would create."""
        code, out = run("crm", "check", "--sandbox")
        assert code == 2 and "sandbox CRM started fresh: nothing provisioned yet" in out
        assert "PAC_Axis__c" in out and "PAC_Axes__c" in out
        dry_code, dry = run("crm", "provision", "salesforce", "--sandbox", "--dry-run")
        would = {line.split(" (", 1)[0].removeprefix("would fix: ") for line in dry.splitlines()
                 if line.startswith("would fix: ")}
        assert dry_code == 0 and would == {"PAC_Axis__c", "PAC_Action__c", "Account.PAC_Axes__c",
                                           "Account.PAC_Target__c"}
        assert all(item.split(".")[-1] in out for item in would)

    def test_provision_on_a_fresh_sandbox_ends_with_a_clean_check(self) -> None:
        """`pac crm provision salesforce --sandbox` creates the PAC objects and fields, then checks again: clean."""
        code, out = run("crm", "provision", "salesforce", "--sandbox")
        assert code == 0 and "created object PAC_Axis__c" in out and "created field Account.PAC_Axes__c" in out
        assert "checked after provisioning: the CRM has every object and field" in out

    def test_dry_run_changes_nothing(self) -> None:
        """--dry-run says what it would create, and checks nothing after."""
        code, out = run("crm", "provision", "salesforce", "--sandbox", "--dry-run")
        assert code == 0 and "would fix: PAC_Axis__c" in out and "checked after provisioning" not in out

    def test_hubspot_check_and_provision_agree(self) -> None:
        """HubSpot: the check's missing items are those the provisioning creates, and its re-check is clean."""
        code, out = run("crm", "check", "--crm", "hubspot", "--sandbox")
        assert code == 2 and "sandbox CRM started fresh" in out and "pac_axes" in out
        code, out = run("crm", "provision", "hubspot", "--sandbox")
        assert code == 0 and "created 3 properties on companies: pac_axes, pac_target, pac_last_synced" in out
        assert "hubspot: checked after provisioning: the CRM has every object and field" in out

    def test_hubspot_online_mapping_check_names_the_key_and_its_line(self, tmp_path: Path) -> None:
        """A misspelt property is reported at the line of the key the ops person wrote, problems in file order."""
        path = tmp_path / "hb.yaml"
        path.write_text("crm: hubspot\n# comment\ndeals:\n  pipelines: [default, nope]\n\n\n\ncompanies:\n"
                        "  name: name\n  postal_code: zipp\n", encoding="utf-8")
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        lines = [line for line in out.splitlines() if line.startswith(str(path))]
        assert code == 2 and len(lines) == 2
        assert lines[0].startswith(f"{path}:4 deals.pipelines[1]: no deal pipeline with id 'nope'")
        assert lines[1].startswith(f"{path}:10 companies.postal_code: the portal has no companies property 'zipp'")
        assert "did you mean 'zip'?" in lines[1]

    def test_sandbox_alone_checks_online(self, tmp_path: Path) -> None:
        """`--sandbox` without `--online` checks against the sandbox too (it was ignored: the offline check passed a
        meeting type the portal lacks, exit 0)."""
        text = (ROOT / "config" / "mappings" / "hubspot.default.yaml").read_text(encoding="utf-8")
        path = tmp_path / "hb.yaml"
        path.write_text(text.replace("Visite client: visit", "Visite Client: visit", 1), encoding="utf-8")
        code, out = run("config", "check", str(path), "--sandbox")
        assert code == 2 and "matches no option of meetings.hs_activity_type" in out, out

    def test_hubspot_online_check_catches_a_meeting_type_typo(self, tmp_path: Path) -> None:
        """A meeting type in the wrong case matches no option of hs_activity_type: located, exit 2 (it passed with
        exit 0 and took A-08 from 3 visits to 0)."""
        text = (ROOT / "config" / "mappings" / "hubspot.default.yaml").read_text(encoding="utf-8")
        path = tmp_path / "hb.yaml"
        path.write_text(text.replace("Visite client: visit", "Visite Client: visit", 1), encoding="utf-8")
        lines = path.read_text(encoding="utf-8").splitlines()
        line_no = next(i for i, x in enumerate(lines, 1) if "Visite Client" in x)
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2
        assert (f"{path}:{line_no} activities.meetings.types.Visite Client: meeting type 'Visite Client' matches no "
                "option of meetings.hs_activity_type (did you mean 'Visite client'?)") in out

    def test_hubspot_shipped_mapping_checks_clean_online(self) -> None:
        """The shipped HubSpot mapping (its meeting types, outcomes, call statuses and dispositions) checks clean
        against the sandbox portal."""
        code, out = run("config", "check", str(ROOT / "config" / "mappings" / "hubspot.default.yaml"), "--online",
                        "--sandbox")
        assert code == 0, out
        # industry and type are dropdowns in the portal: read by their labels, which the shipped plan writes
        assert ("companies.industry: industry is a dropdown: pac reads its values as their labels, as HubSpot shows "
                "them ('Pharmaceutique', not 'PHARMACEUTICALS')") in out
        assert "companies.account_type: type is a dropdown" in out and "warning" not in out

    def test_online_warning_of_a_plan_scope_value_names_the_plan_file_and_line(self, tmp_path: Path) -> None:
        """A plan scope value neither CRM has (`industry: Agro-alimentaire bio`) was warned of as "segment S-AGRO"
        with no line: the admin had to search the plan for it (audit ops2). Both CRMs' warnings now name the plan
        file, the line, the segment and the scope key, as `pac plan check` locates its problems. Seen failing before
        the fix: "example.pac.yaml segment S-AGRO:" with no line."""
        config = tmp_path / "config"
        (config / "mappings").mkdir(parents=True)
        (config / "plans").mkdir()
        for name in ("hubspot.default.yaml", "salesforce.demo.yaml"):
            (config / "mappings" / name).write_text((ROOT / "config" / "mappings" / name).read_text(encoding="utf-8"),
                                                    encoding="utf-8")
        plan = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
        plan = plan.replace("scope: {industry: Agroalimentaire}", "scope: {industry: Agro-alimentaire bio}", 1)
        plan_file = config / "plans" / "example.pac.yaml"
        plan_file.write_text(plan, encoding="utf-8")
        line = plan.splitlines().index("    scope: {industry: Agro-alimentaire bio}") + 1
        (config / "pac.yaml").write_text((ROOT / "config" / "pac.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        code, out = run("config", "check", str(config / "pac.yaml"), "--sandbox", env={"PAC_CONFIG": None})
        flat = " ".join(out.split())
        assert code == 0, out
        where = f"warning: {plan_file}:{line} segment S-AGRO scope.industry: 'Agro-alimentaire bio'"
        assert f"{where} is no option of companies.industry" in flat, out
        assert f"{where} matches no label of Account.Industry's picklist" in flat, out

    def test_hubspot_online_check_names_plan_values_no_dropdown_label_matches(self, tmp_path: Path) -> None:
        """A plan scope written with the internal value (PHARMACEUTICALS) or a value no option has is named, with
        the label to write: a warning, exit 0 (a plan's Salesforce accounts may hold it)."""
        config = tmp_path / "config"
        (config / "mappings").mkdir(parents=True)
        (config / "plans").mkdir()
        mapping = config / "mappings" / "hubspot.default.yaml"
        mapping.write_text((ROOT / "config" / "mappings" / "hubspot.default.yaml").read_text(encoding="utf-8"),
                           encoding="utf-8")
        plan = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
        assert "scope: {industry: Pharmaceutique}" in plan and "scope: {industry: Agroalimentaire}" in plan
        plan = plan.replace("scope: {industry: Pharmaceutique}", "scope: {industry: PHARMACEUTICALS}", 1)
        plan = plan.replace("scope: {industry: Agroalimentaire}", "scope: {industry: Agro-alimentaire bio}", 1)
        (config / "plans" / "example.pac.yaml").write_text(plan, encoding="utf-8")
        settings = (ROOT / "config" / "pac.yaml").read_text(encoding="utf-8")
        (config / "pac.yaml").write_text(settings.replace("mappings/salesforce.demo.yaml",
                                                          str(ROOT / "config" / "mappings" / "salesforce.demo.yaml")),
                                         encoding="utf-8")
        code, out = run("config", "check", str(mapping), "--sandbox", env={"PAC_CONFIG": str(config / "pac.yaml")})
        assert code == 0, out
        flat = " ".join(out.split())
        assert ("'PHARMACEUTICALS' is the internal value of option 'Pharmaceutique' of companies.industry: pac reads "
                "the label, so write 'Pharmaceutique'") in flat
        assert "'Agro-alimentaire bio' is no option of companies.industry: no company of this portal can match it" \
            in flat
        # the settings file checked itself reads its own plans (re-verification F4: it read PAC_CONFIG's, so
        # `pac config check pac.yaml --online` without PAC_CONFIG named none of these values)
        code, out = run("config", "check", str(config / "pac.yaml"), "--sandbox", env={"PAC_CONFIG": None})
        flat = " ".join(out.split())
        assert code == 0 and "write 'Pharmaceutique'" in flat and "'Agro-alimentaire bio' is no option" in flat, out

    def test_missing_credentials_exit_2_naming_the_variable(self) -> None:
        """Without credentials the command names the connector and the variable to set: a configuration problem,
        exit 2 (it was 4, "CRM unreachable or credentials refused")."""
        env = {k: "" for k in os.environ if k.startswith("PAC_SF_")}
        code, out = run("crm", "check", env={**env, "PAC_SF_AUTH": ""})
        assert code == 2 and "sf-main (salesforce): PAC_SF_AUTH is not set (set PAC_SF_AUTH to one of" in out
        assert "CRM error" not in out

    def test_a_connector_built_from_a_mapping_file_is_named_by_it(self) -> None:
        """`pac config check MAPPING --online`, `pac crm check --crm` and `pac crm provision --mapping` build a
        connector no settings name: without credentials each names the mapping file and its CRM, as typed (audit
        newcomer F11: "salesforce-cli: PAC_SF_AUTH is not set", a connector that exists nowhere)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
        sf, hs = "config/mappings/salesforce.default.yaml", "config/mappings/hubspot.default.yaml"
        for args, expected in (
                (("config", "check", sf, "--online"), f"{sf} (salesforce): PAC_SF_AUTH is not set"),
                (("config", "check", hs, "--online"), f"{hs} (hubspot): no HubSpot credentials"),
                (("crm", "check", "--crm", "salesforce", "--mapping", sf),
                 f"{sf} (salesforce): PAC_SF_AUTH is not set"),
                (("crm", "provision", "hubspot", "--mapping", hs, "--dry-run"),
                 f"{hs} (hubspot): no HubSpot credentials")):
            done = run_pac(*args, env=env, cwd=ROOT, timeout=120)
            out = done.stdout + done.stderr
            assert done.returncode == 2, (args, out)
            assert expected in " ".join(out.split()) and "-cli" not in out, (args, out)

    def test_a_connector_built_from_a_mapping_file_reads_the_secrets_file(self, tmp_path: Path) -> None:
        """`pac config check MAPPING --online` and `pac crm check --crm` with the credentials in the file
        PAC_SECRETS_FILE names (as the systemd unit has them), none in the environment: they read it, as `pac sync`
        and `pac crm check` of the settings' connectors do (audit secrets2 F1: "no HubSpot credentials: ... set
        PAC_HS_ACCESS_TOKEN ... in the environment or in the file PAC_SECRETS_FILE names", with the token in that
        very file)."""
        server = SandboxServer([SalesforceApi(None, provisioned=True), HubSpotApi(None)]).start()
        try:
            crm = sandbox_env(server)
            secrets = tmp_path / "secrets.env"
            secrets.write_text(f"PAC_SF_CLIENT_SECRET={crm.pop('PAC_SF_CLIENT_SECRET')}\n"
                               f"PAC_HS_ACCESS_TOKEN={crm.pop('PAC_HS_ACCESS_TOKEN')}\n", encoding="utf-8")
            secrets.chmod(0o600)
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, **crm,
                   "PAC_SECRETS_FILE": str(secrets)}
            hs = "config/mappings/hubspot.default.yaml"
            for args in (("config", "check", "config/mappings/salesforce.demo.yaml", "--online"),
                         ("crm", "check", "--crm", "salesforce"),
                         ("crm", "check", "--crm", "hubspot", "--mapping", hs)):
                done = run_pac(*args, env=env, cwd=ROOT, timeout=120)
                out = " ".join((done.stdout + done.stderr).split())
                assert "is not set" not in out and "also needs" not in out and "no HubSpot credentials" not in out, \
                    (args, out)
                assert "mapping OK" in out or "the CRM has every object and field" in out or \
                    "schema issue(s)" in out, (args, out)
        finally:
            server.stop()

    def test_provision_uses_the_configured_connectors_mapping(self, tmp_path: Path) -> None:
        """`pac crm provision salesforce` with settings (PAC_CONFIG) provisions each configured Salesforce connector
        with its own mapping and credentials: a mapped field the org lacks is listed after provisioning (exit 2).
        Failed before (ops audit F5): it checked the shipped default mapping and answered "the CRM has every object
        and field the mapping needs", exit 0, while the sync stopped on that field."""
        mapping = tmp_path / "sf.yaml"
        text = DEFAULT.read_text(encoding="utf-8")
        assert "industry: Industry" in text
        mapping.write_text(text.replace("industry: Industry", "industry: Industri"), encoding="utf-8")
        plan = tmp_path / "plan.pac.yaml"
        plan.write_text((ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        settings = tmp_path / "pac.yaml"
        settings.write_text(f"connectors:\n  - {{name: sf-acme, crm: salesforce, mapping: '{mapping}', "
                            "env_prefix: PAC_ACME_}\nplans:\n"
                            "  - {name: p, file: plan.pac.yaml, connectors: [sf-acme]}\n",
                            encoding="utf-8")
        with SandboxServer([SalesforceApi(None, provisioned=False)]) as server:
            env = {k.replace("PAC_SF_", "PAC_ACME_", 1): v for k, v in sandbox_env(server).items()}
            code, out = run("crm", "provision", "salesforce", env={**env, "PAC_CONFIG": str(settings)})
        assert code == 2, out
        assert f"sf-acme (salesforce, {mapping})" in out and "created object PAC_Axis__c" in out, out
        assert "Industri" in out and "has every object and field" not in out, out
