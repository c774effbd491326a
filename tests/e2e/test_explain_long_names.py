"""`pac explain` of a French plan, piped (160 columns), with person, account and deal names longer than 18 characters
(audit leftsmall item 6): a compound word longer than its column was folded anywhere, « Approvisionnement-plurian »
over « nuel-réactifs-chromatogra » over « phie », « Laboratoires-Pharmaceutiq » over « ues-de-Villefranche-sur-S ».
A name now breaks at its spaces, and inside a compound word after its hyphens, never inside a part. Seen failing
before the fix on those two names."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from pac_config.settings import load_settings
from sync_jobs.cli import main
from sync_jobs.cli_common import PIPED_WIDTH
from sync_jobs.pipeline import run_sync
from tests.e2e.test_review_deals import ACCOUNTS, PARIS, USER, VISIT, _settings, deal
from tests.fakes import Clock, FakeConnector

OWNER = "Marie-Thérèse Delacroix-Beaumarchais de La Tour d'Auvergne"
ACCOUNT_NAMES = ("Établissements Pharmaceutiques Rhodaniens-Dauphinois",
                 "Laboratoires-Pharmaceutiques-de-Villefranche-sur-Saône", "Coopérative Agricole Interdépartementale")
DEAL_NAMES = ("Renouvellement contrat-cadre maintenance préventive",
              "Approvisionnement-pluriannuel-réactifs-chromatographie")
NAMES = (OWNER, *ACCOUNT_NAMES, *DEAL_NAMES)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("long-names")
    accounts = [dataclasses.replace(a, name=n) for a, n in zip(ACCOUNTS, ACCOUNT_NAMES, strict=False)]
    deals = [dataclasses.replace(deal("D1", "k1", "9000", date(2027, 3, 20), date(2027, 3, 20)), name=DEAL_NAMES[0]),
             dataclasses.replace(deal("D2", "k2", "5000", date(2027, 3, 5), date(2027, 3, 5)), name=DEAL_NAMES[1]),
             deal("D3", "k3", "8000", date(2027, 2, 12), date(2027, 2, 12))]
    night = datetime(2027, 4, 1, 3, tzinfo=PARIS)
    config = _settings(tmp, night)
    crm = FakeConnector()
    crm.put(dataclasses.replace(USER, name=OWNER), *accounts, *ACCOUNTS[len(ACCOUNT_NAMES):], VISIT, *deals)
    assert run_sync(None, load_settings(config, env={}), connectors={"fake": crm}, clock=Clock(night)).status == "ok"
    out = {}
    for item in ("AX-KEY", "A-01"):
        done = CliRunner().invoke(main, ["explain", item], env={"PAC_CONFIG": str(config)})
        assert done.exit_code == 0, done.output
        out[item] = done.output
    return out


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("┏", "┃", "┡", "│", "└"))]


def _parts(name: str) -> list[str]:
    """A name's parts: its words, each compound word cut after its hyphens (« Laboratoires- », « de- »)."""
    return [p for word in name.split() for p in re.findall(r"[^-]+-|[^-]+$", word)]


@pytest.mark.parametrize("item", ["AX-KEY", "A-01"])
def test_no_part_of_a_name_is_broken(shown: dict[str, str], item: str) -> None:
    cells = [cell.strip() for line in _lines(shown[item]) for cell in line.split("│")[1:-1]]
    text = "\n".join(cells)
    names = NAMES if item == "AX-KEY" else ACCOUNT_NAMES[:1]
    for name in names:
        for part in _parts(name):
            assert re.search(rf"(^|[\s-]){re.escape(part)}", text, re.M), f"{part!r} of {name!r} broken:\n{shown[item]}"


@pytest.mark.parametrize("item", ["AX-KEY", "A-01"])
def test_the_table_keeps_within_the_piped_width(shown: dict[str, str], item: str) -> None:
    assert max(len(line) for line in _lines(shown[item])) <= PIPED_WIDTH
