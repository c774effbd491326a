"""A mapped field the integration user cannot see (field-level security hides it from describe and from SOQL, which
answers INVALID_FIELD): the check's fix says to grant it, never only to map a look-alike field (audit sfmoney F4)."""

from __future__ import annotations

from typing import Any

from connectors.salesforce.mapping import check_mapping_online, default_mapping_path, load_mapping

SHIPPED = default_mapping_path()


class _Org:
    """Account's and OpportunityLineItem's describes as the integration user sees them: ``hidden`` left out."""

    ACCOUNT = ("Id", "Name", "BillingPostalCode", "BillingCountry", "ShippingPostalCode", "ShippingCountry",
               "Industry", "Type", "AnnualRevenue", "OwnerId")

    def __init__(self, *hidden: str) -> None:
        self.hidden = {h.lower() for h in hidden}

    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        if sobject != "Account":
            return None
        return {n.lower(): {"name": n, "type": "string"} for n in self.ACCOUNT if n.lower() not in self.hidden}


def test_a_postal_code_hidden_by_field_level_security_is_to_be_granted() -> None:
    """BillingPostalCode hidden: before (seen failing), the only fix was "did you mean 'ShippingPostalCode'?", which
    would place every account by its delivery address; the fix now says to grant read access first."""
    problems = {p.path: p for p in check_mapping_online(load_mapping(SHIPPED), _Org("BillingPostalCode"))}
    problem = problems["accounts.postal_code"]
    assert problem.message == "Account has no field 'BillingPostalCode' the integration user can see"
    assert problem.fix.startswith("if BillingPostalCode is the field you mean, field-level security hides it: grant "
                                  "the integration user read access to Account.BillingPostalCode"), problem.fix
    assert problem.fix.endswith("otherwise, did you mean 'ShippingPostalCode'?"), problem.fix


def test_a_misspelt_field_with_nothing_close_says_both() -> None:
    """A field with no look-alike: the fix names the grant, and the spelling to check."""
    problems = {p.path: p for p in check_mapping_online(load_mapping(SHIPPED), _Org("Industry"))}
    assert problems["accounts.industry"].fix == (
        "if Industry is the field you mean, field-level security hides it: grant the integration user read access "
        "to Account.Industry (a permission set); otherwise, fix the field name")


class _SingleCurrencyOrg:
    """A single-currency org: no record has CurrencyIsoCode ("Available only for organizations with the multicurrency
    feature enabled", Object Reference); Account and Opportunity otherwise as the mapping reads them."""

    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        names = {"Account": _Org.ACCOUNT, "Opportunity": ("Id", "Name", "AccountId", "OwnerId", "IsWon", "IsClosed",
                                                          "StageName", "Amount", "CloseDate")}.get(sobject)
        return None if names is None else {n.lower(): {"name": n, "type": "string"} for n in names}


def test_a_currency_field_on_a_single_currency_org_says_to_read_none() -> None:
    """``deals.currency_field: CurrencyIsoCode`` (the demo mapping's) on a single-currency org: the field is missing
    because the org has one currency, not because field-level security hides it. Before (seen failing), the fix said
    to grant read access to Opportunity.CurrencyIsoCode, which no permission set can give (audit sfamounts F2); it
    now says the org is single-currency and to map no currency field, with the org's currency as org_currency."""
    base = load_mapping(SHIPPED)
    mapping = base.model_copy(update={"deals": base.deals.model_copy(update={"currency_field": "CurrencyIsoCode"})})
    problems = [p for p in check_mapping_online(mapping, _SingleCurrencyOrg()) if p.path == "deals.currency_field"]
    assert [p.message for p in problems] == [          # Account's is read with the annual revenue
        f"{obj} has no field 'CurrencyIsoCode': Salesforce adds it to records only in a multi-currency org, so this "
        "org has a single currency" for obj in ("Account", "Opportunity")]
    assert {p.fix for p in problems} == {"set deals.currency_field: null, and org_currency to the org's currency "
                                         "(Setup, Company Information, Currency Locale); pac config check --online "
                                         "then confirms it"}
