"""Accounts whose postal code places them in no département are a data-quality warning of the evaluation (rule
``postal_code_unplaced``), listed with the run when the plan's scopes read départements or régions: such an account
is in no ``departement`` or ``region`` scope, ``not:`` included, so « visit 5 clients of the 01 » misses the Ain
customer typed « 1000 » without a word in `pac status` or the report (the connectors logged it, once, the night they
read the account)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate
from pac_core.records import Account, Records
from pac_core.scopes import Condition, Scope
from sync_jobs.cli_status import _left_out_line
from tests.unit.test_engine_support import DEPT_69, PARIS, USERS, account, action, axis, plan, utc, visit

AS_OF = datetime(2027, 5, 20, tzinfo=PARIS)


def _unplaced(postal: str, ident: str, *, country: str = "FR", deleted: bool = False) -> Account:
    return replace(account(ident, postal, dormant=None), departement=None, region=None, country=country,
                   deleted=deleted)


def _records() -> Records:
    accounts = (
        account("lyon", "69003", dormant=None),
        _unplaced("1000", "ain"),                       # a spreadsheet dropped the Ain's leading zero
        _unplaced("98000", "monaco"),                   # Monaco: no département, said as such
        _unplaced("1000", "brussels", country="BE"),    # a Belgian account: France's geography does not apply
        _unplaced("ABC", "gone", deleted=True),         # deleted: nobody's concern
        _unplaced("", "blank"),                         # no postal code at all: nothing to correct
    )
    return Records(accounts=accounts, activities=(visit("v1", "lyon", utc(5, 4, 9)),), deals=(), users=USERS)


def _warnings(p: object, records: Records | RecordColumns) -> list[tuple[str, str, str]]:
    ev = evaluate(p, records, as_of=AS_OF)  # type: ignore[arg-type]
    return [(w.record_id, w.rule, w.detail) for w in ev.warnings if w.rule == "postal_code_unplaced"]


def test_an_account_in_france_whose_postal_code_gives_no_departement_is_warned_of() -> None:
    found = _warnings(plan(), _records())
    assert [(i, r) for i, r, _d in found] == [("ain", "postal_code_unplaced"), ("monaco", "postal_code_unplaced")]
    ain, monaco = (d for _i, _r, d in found)
    assert ain.startswith("postal code '1000' has 4 digits")
    assert "write 01000" in ain
    assert ain.endswith("; in no département or région scope until it is corrected in the CRM")
    assert monaco.startswith("postal code 98000: 980xx is Monaco")


def test_the_same_from_columns() -> None:
    records = _records()
    assert _warnings(plan(), RecordColumns.of(records)) == _warnings(plan(), records)


def test_a_plan_that_reads_no_departement_or_region_is_not_told() -> None:
    industry = Scope((Condition("industry", "in", ("Chimie",), "chimie"),))
    segment = replace(plan().segments[0], id="SEG-ALL", scope=industry)
    no_geography = plan(action(scope=industry), axes=(axis("AX-DORMANT", "SEG-ALL", scope=industry),),
                        segments=(segment,))
    assert _warnings(no_geography, _records()) == []
    # a région alone is enough (the default plan's segment reads one; its action reads the 69)
    only_region = replace(plan(action(scope=industry)), axes=(axis("AX-DORMANT", plan().segments[0].id),))
    assert [i for i, _r, _d in _warnings(only_region, _records())] == ["ain", "monaco"]
    assert DEPT_69.field == "departement"


def test_a_plans_block_counts_its_accounts_in_no_departement() -> None:
    """`pac status` with several plans: each plan's block names what its last run left out, the accounts in no
    département among it (their count is kept with the run, ``NAMED_WARNING``)."""
    run = SimpleNamespace(id=4, counts={"accounts": {"warnings": 3, "postal_code_unplaced": 2}}, errors=[],
                          removed=None)
    assert _left_out_line(run, "main") == ("Run 4 of main: 2 accounts in no département: `pac status --plan main` "
                                           "lists them.")
    assert _left_out_line(run, "main", "fr") == ("Exécution 4 de main : 2 comptes dans aucun département : `pac status "
                                                 "--plan main` les liste.")
