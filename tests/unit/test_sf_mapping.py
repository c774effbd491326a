"""The Salesforce mapping: shipped files valid, every problem located, the write-back boundary enforced."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import ObjectKind, SchemaError
from connectors.salesforce.connector import build
from connectors.salesforce.mapping import check_mapping_offline, default_mapping_path
from pac_core.errors import InvalidInput
from tests.fakes import labels_unchanged

SHIPPED = default_mapping_path()


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "m.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


class TestMappingOffline:
    @pytest.mark.parametrize("name", ["salesforce.default.yaml", "salesforce.demo.yaml"])
    def test_shipped_mappings_are_valid(self, name: str) -> None:
        """The default and demo mappings pass the offline check."""
        assert check_mapping_offline(SHIPPED.parent / name) == []

    def test_unknown_key_is_located_with_a_suggestion(self, tmp_path: Path) -> None:
        """A misspelt key names its file and line and suggests the right one."""
        path = _variant(tmp_path, "  postal_code: BillingPostalCode", "  postal_cde: BillingPostalCode")
        [problem] = check_mapping_offline(path)
        assert problem.file == str(path) and problem.line == 12
        assert "postal_cde" in problem.message and "postal_code" in problem.fix

    def test_a_misspelt_pac_writeback_field_is_refused_with_the_provisioned_name(self, tmp_path: Path) -> None:
        """`progress_pct: PAC_Progres_Pct__c` (one s missing) passed the offline check, then every night said the org
        "lacks PAC_Progres_Pct__c (an org provisioned by an older pac)" and told the admin to run `pac crm provision
        salesforce`, which would create that field: the Lightning component and the reports read PAC_Progress_Pct__c,
        which pac no longer filled (audit ops). Refused at its line with the name pac provisions; a PAC field of the
        admin's own, close to none of pac's, is still accepted. Seen failing before the fix: [] (mapping OK)."""
        old = "      progress_pct: PAC_Progress_Pct__c"
        path = _variant(tmp_path, old, "      progress_pct: PAC_Progres_Pct__c")
        line = SHIPPED.read_text(encoding="utf-8").splitlines().index(old) + 1
        assert [str(p) for p in check_mapping_offline(path)] == [
            f"{path}:{line} writeback.axis.fields.progress_pct: PAC_Progres_Pct__c is not the field pac provisions for "
            "it on PAC_Axis__c (did you mean PAC_Progress_Pct__c? pac crm provision would create PAC_Progres_Pct__c, "
            "which the Lightning component and the PAC reports do not read)"]
        account = _variant(tmp_path, "axes: PAC_Axes__c", "axes: PAC_Axe__c")
        assert [p.path for p in check_mapping_offline(account)] == ["writeback.account.fields.axes"]
        own = _variant(tmp_path, old, "      progress_pct: PAC_Regional_Share__c")
        assert check_mapping_offline(own) == []

    def test_every_problem_reported_at_once(self, tmp_path: Path) -> None:
        """Two independent mistakes give two problems."""
        path = _variant(tmp_path, "type: visit", "type: visite")
        path.write_text(path.read_text(encoding="utf-8").replace("overlap_minutes: 5", "overlap_minutes: -1"),
                        encoding="utf-8")
        problems = check_mapping_offline(path)
        assert {p.path.split(".")[0] for p in problems} == {"activities", "overlap_minutes"}
        assert any("did you mean 'visit'" in p.fix for p in problems)

    def test_completed_tasks_dated_by_their_completion_read_the_activities_again_once(self) -> None:
        """A completed Task keeps its CompletedDateTime beside its due date (audit hsdoc F2): the shipped mapping's
        activities reading was "5:7472c8f28c9b06d8" before (computed on the previous commit), so an existing store
        reads its activities again once and its Tasks are dated anew; accounts, deals and users keep theirs (the deals'
        "5:0cd1058bdd91967a" then; "5:ba66426e01e8ff23" since the subquery reads live line items only, DEAL_RULES,
        audit sfemu F1: one full deals read after that upgrade; "5:60f6c0b5e4a8a0f5" since a line's family is read as
        its label with the family's labels, FAMILY_LABELS, audit sffamily F1: one more; "5:26a4c5d3cdb1e676" since
        each line keeps its OpportunityLineItem Id, DEAL_RULES "line ids", audit renames F1: one more)."""
        env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "https://y.example"}
        connector = labels_unchanged(build("sf", SHIPPED, env))
        assert connector.reading(ObjectKind.ACTIVITIES) != "5:7472c8f28c9b06d8"
        assert [connector.reading(k) for k in (ObjectKind.DEALS, ObjectKind.USERS)] == [
            "5:26a4c5d3cdb1e676", "5:6b9e76821f7f195d"]
        # the accounts' reading was "5:e1388c61c7434016" then; geography.COUNTRY_READING 3 (Corsica's CEDEX codes, a
        # postal code typed with its town or CEDEX: audit matching F4, F5) reads the stored accounts again once
        # ("5:2da04f140ed646a0"), and so do an account's annual revenue kept with its currency (ACCOUNT_CURRENCY,
        # audit multi F2) and the scope picklists' labels (audit ops2 F4: one full accounts read after that upgrade,
        # then one the night a label changes), and the account PAC fields read back ("5:d0ca52551204fc79" before:
        # audit longlife F1), and the date Account's metadata last changed ("5:a2bc9e369d590842" before: audit ops,
        # PAC account fields deleted and created again are refilled the night Account's describe shows a change)
        assert labels_unchanged(connector).reading(ObjectKind.ACCOUNTS) == "5:4906cc2f9f148344"

    def test_accounts_read_with_a_custom_attribute_are_read_again_once_for_the_bulk_typing(self,
                                                                                           tmp_path: Path) -> None:
        """Bulk API 2.0 stored a relationship number as text ('2.5E7') and a datetime as '…Z' (sfbulk audit F1): a
        mapping with a custom attribute had the accounts' reading "5:4d4c3501483ec371" before the fix (computed on the
        previous commit), so a store holding those texts reads its accounts again once; the activities keep theirs
        ("5:70f87adb827ec5e2"), and a mapping with no custom attribute keeps its accounts' one (above)."""
        path = _variant(tmp_path, "custom: {}", "custom: {parent_revenue: Parent.AnnualRevenue}")
        env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "https://y.example"}
        connector = labels_unchanged(build("sf", path, env))
        assert connector.reading(ObjectKind.ACCOUNTS) != "5:4d4c3501483ec371"
        assert connector.reading(ObjectKind.ACTIVITIES) == "5:70f87adb827ec5e2"

    def test_task_date_reads_the_activities_again_only_when_set(self, tmp_path: Path) -> None:
        """``activities.task_date``: left at ``due`` (the shipped mapping), or not named (an older mapping), the
        activities keep their reading ("5:70f87adb827ec5e2", no full re-read on upgrade); ``completed`` reads them
        again once (every stored Task dated anew); a value of neither is refused at its line with the two choices."""
        env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "https://y.example"}
        assert "\n  task_date: due\n" in SHIPPED.read_text(encoding="utf-8")
        assert labels_unchanged(build("sf", SHIPPED, env)).reading(ObjectKind.ACTIVITIES) == "5:70f87adb827ec5e2"
        unnamed = _variant(tmp_path, "  task_date: due\n", "")
        assert labels_unchanged(build("sf", unnamed, env)).reading(ObjectKind.ACTIVITIES) == "5:70f87adb827ec5e2"
        done = _variant(tmp_path, "  task_date: due\n", "  task_date: completed\n")
        assert check_mapping_offline(done) == []
        connector = labels_unchanged(build("sf", done, env))
        assert connector.mapping.activities.task_date == "completed"
        assert connector.reading(ObjectKind.ACTIVITIES) != "5:70f87adb827ec5e2"
        assert connector.reading(ObjectKind.DEALS) == labels_unchanged(build("sf", SHIPPED, env)).reading(
            ObjectKind.DEALS)                                   # the deals keep theirs
        wrong = _variant(tmp_path, "  task_date: due\n", "  task_date: closed\n")
        [problem] = check_mapping_offline(wrong)
        line = wrong.read_text(encoding="utf-8").splitlines().index("  task_date: closed") + 1
        assert (problem.path, problem.line) == ("activities.task_date", line)
        assert (problem.message, problem.fix) == ("'closed' is not allowed", "use one of: due, completed")

    def test_deal_filter_keys_are_read_and_checked(self, tmp_path: Path) -> None:
        """``deals.exclude`` / ``deals.where``: their fields are selected with the deals (relationship paths too), an
        empty value list (it would leave every deal out, or none) is refused at its line, and a mapping without a
        filter keeps the deals' reading fingerprint it had before the keys existed (no full re-read on upgrade)."""
        env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "https://y.example"}
        # as before the keys existed (DEAL_RULES apart: "5:0cd1058bdd91967a" before audit sfemu F1, "5:60f6c0b5e4a8a0f5"
        # before audit renames F1; FAMILY_LABELS apart: "5:ba66426e01e8ff23" before audit sffamily F1)
        assert labels_unchanged(build("sf", SHIPPED, env)).reading(ObjectKind.DEALS) == "5:26a4c5d3cdb1e676"
        path = _variant(tmp_path, "  won_stages: []\n", "  won_stages: []\n  exclude: {RecordType.DeveloperName: "
                        "[Partner_Deal]}\n  where: {Type: ['New Business', 'Existing Business']}\n")
        assert check_mapping_offline(path) == []
        connector = labels_unchanged(build("sf", path, env))
        assert "RecordType.DeveloperName" in connector.reader.deal_fields() and "Type" in connector.reader.deal_fields()
        assert connector.reading(ObjectKind.DEALS) != "5:26a4c5d3cdb1e676"        # a new filter: read in full again
        empty = _variant(tmp_path, "  won_stages: []\n", "  won_stages: []\n  exclude:\n    Type: []\n")
        [problem] = check_mapping_offline(empty)
        line = empty.read_text(encoding="utf-8").splitlines().index("    Type: []") + 1
        assert (problem.path, problem.line, problem.message) == ("deals.exclude.Type", line, "needs at least 1 item")

    def test_line_service_dates_are_not_read(self, tmp_path: Path) -> None:
        """Revenue is booked whole on the close date (revenue audit F7): nothing uses a line's ServiceDate, so the
        deals' query does not select it, with the shipped mapping (which no longer names it) or with an older
        mapping that still does (``line_service_date: ServiceDate`` loads, and is ignored); the deals' reading is
        unchanged (no full re-read on upgrade). Seen failing before: ServiceDate in the OpportunityLineItems
        subquery."""
        env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "https://y.example"}
        shipped = labels_unchanged(build("sf", SHIPPED, env))
        text = "".join(line for line in SHIPPED.read_text(encoding="utf-8").splitlines(keepends=True)
                       if not line.lstrip().startswith("line_service_date:"))
        (tmp_path / "older.yaml").write_text(text.replace("  won_stages: []\n", "  won_stages: []\n  "
                                                          "line_service_date: ServiceDate\n"), encoding="utf-8")
        older = labels_unchanged(build("sf", tmp_path / "older.yaml", env))
        for connector in (shipped, older):
            [sub] = [f for f in connector.reader.deal_fields() if "OpportunityLineItems" in f]
            assert "TotalPrice" in sub and "ServiceDate" not in sub
            # DEAL_RULES (sfemu F1, renames F1) and FAMILY_LABELS (sffamily F1) apart
            assert connector.reading(ObjectKind.DEALS) == "5:26a4c5d3cdb1e676"

    def test_writeback_to_a_non_pac_field_is_refused(self, tmp_path: Path) -> None:
        """A mapping that would overwrite Account.Industry is refused, offline and at build time, as a problem of
        the file (InvalidInput: exit 2 at its line), not as what the org lacks (SchemaError: it was, and `pac sync`
        said "cannot connect" with exit 4)."""
        path = _variant(tmp_path, "      axes: PAC_Axes__c", "      axes: Industry")
        [problem] = check_mapping_offline(path)
        assert problem.path == "writeback.account.fields.axes" and "may not write Account.Industry" in problem.message
        with pytest.raises(InvalidInput, match=r"m\.yaml:\d+ writeback\.account\.fields\.axes: .*Industry") as caught:
            build("sf", path, {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "y"})
        assert not isinstance(caught.value, SchemaError)

    def test_writeback_to_another_object_is_refused(self, tmp_path: Path) -> None:
        """The axis write-back may only target PAC_Axis__c."""
        path = _variant(tmp_path, "    object: PAC_Axis__c", "    object: Opportunity")
        assert any(p.path == "writeback.axis.object" for p in check_mapping_offline(path))

    def test_bad_field_name_is_refused(self, tmp_path: Path) -> None:
        """A field name with spaces is not a Salesforce API name."""
        path = _variant(tmp_path, "  industry: Industry", "  industry: Secteur d'activité")
        [problem] = check_mapping_offline(path)
        assert problem.path == "accounts.industry" and problem.line is not None


class TestCredentials:
    def test_missing_variables_are_named_never_valued(self) -> None:
        """CredentialsMissing (configuration, exit 2: not an AuthError, the CRM refused nothing) names the
        connector and each missing variable, where to set them, and prints no secret value."""
        from connectors.base import ConnectorError, CredentialsMissing

        with pytest.raises(CredentialsMissing) as err:
            build("sf", SHIPPED, {"PAC_SF_AUTH": "client_credentials", "PAC_SF_CLIENT_SECRET": "s3cr3t-value"})
        text = str(err.value)
        assert text == ("sf: PAC_SF_AUTH=client_credentials also needs PAC_SF_CLIENT_ID, PAC_SF_DOMAIN (set them in "
                        "the environment or in the file PAC_SECRETS_FILE names)")
        assert isinstance(err.value, InvalidInput) and not isinstance(err.value, ConnectorError)

    def test_unknown_auth_mode(self) -> None:
        """An unknown PAC_SF_AUTH lists the supported modes; a long value (a pasted secret?) is not echoed."""
        from connectors.base import CredentialsMissing

        with pytest.raises(CredentialsMissing, match=r"'magic', not a login mode.*jwt, client_credentials"):
            build("sf", SHIPPED, {"PAC_SF_AUTH": "magic"})
        with pytest.raises(CredentialsMissing, match="a value of 32 characters") as err:
            build("sf", SHIPPED, {"PAC_SF_AUTH": "x" * 32})
        assert "xxxx" not in str(err.value)

    def test_secrets_are_listed_for_redaction(self) -> None:
        """secrets() returns the credential values the CLI must redact."""
        connector = build("sf", SHIPPED, {"PAC_SF_AUTH": "password", "PAC_SF_DOMAIN": "login.salesforce.com",
                                          "PAC_SF_CLIENT_ID": "id", "PAC_SF_CLIENT_SECRET": "secret-1",
                                          "PAC_SF_USERNAME": "u@x", "PAC_SF_PASSWORD": "pw-123456",
                                          "PAC_SF_SECURITY_TOKEN": "tok-123456"})
        assert set(connector.secrets()) == {"secret-1", "pw-123456", "tok-123456"}

    def test_domain_shorthand_and_https_prefix(self) -> None:
        """DOMAIN accepts 'test' (simple-salesforce's shorthand) and a full https:// My Domain URL."""
        from connectors.salesforce.client import Credentials

        base = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_CLIENT_ID": "i", "PAC_SF_CLIENT_SECRET": "s"}
        assert Credentials.from_env({**base, "PAC_SF_DOMAIN": "test"}).token_url() == \
            "https://test.salesforce.com/services/oauth2/token"
        creds = Credentials.from_env({**base, "PAC_SF_DOMAIN": "https://acme.my.salesforce.com/"})
        assert creds.token_url() == "https://acme.my.salesforce.com/services/oauth2/token"
        assert creds.api_version == "62.0"


def test_the_shipped_mappings_read_who_set_each_editable_field_from_field_history() -> None:
    """The default: a manager's edit is hers even when pac wrote another field of the record afterwards (with the
    record's LastModifiedById alone it read as pac's own and was undone; the third end-to-end audit)."""
    from connectors.salesforce.mapping import load_mapping
    from pac_config.loader import config_dir

    for name in ("salesforce.default.yaml", "salesforce.demo.yaml"):
        w = load_mapping(config_dir() / "mappings" / name).writeback
        assert w.axis.field_history and w.action.field_history, name
