"""`pac explain AX-RA-MAINT --lang en` on the sandbox CRM, piped (160 columns, as `pac explain … | less`): the deal,
account and owner names break at their spaces only, never inside a word, and the table keeps within the width
(audit newcomer3 L8: « Usine du Lac Bourgoin-Jall » over « ieu — MAINT » while the detail column, empty on the
counted rows, stayed as wide as the names)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from sandbox_crm.run import start_sandbox
from sync_jobs.cli import main
from sync_jobs.cli_common import PIPED_WIDTH
from sync_jobs.pipeline import run_sync
from tests.fakes import sandbox_connectors, sandbox_settings

# names of the demo org's Rhône-Alpes accounts (docs/demo-org.md), each one word the old layout cut
WORDS = ("Bourgoin-Jallieu", "Ambérieu-en-Bugey", "Bourg-en-Bresse", "Établissements", "Saint-Étienne")


@pytest.fixture(scope="module")
def explained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("explain-names")
    settings = sandbox_settings(tmp, f"sqlite:///{tmp / 'pac.db'}")
    with start_sandbox() as crm:
        connectors = sandbox_connectors(settings, crm)
        try:
            run_sync(None, settings, connectors=connectors)
        finally:
            for c in connectors.values():
                c.close()
    shown = CliRunner().invoke(main, ["explain", "AX-RA-MAINT", "--lang", "en"],
                               env={"PAC_CONFIG": str(settings.source)})
    assert shown.exit_code == 0, shown.output
    yield shown.output


def _table(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("┏", "┃", "┡", "│", "└"))]


@pytest.mark.parametrize("word", WORDS)
def test_a_name_is_never_broken_inside_a_word(explained: str, word: str) -> None:
    cells = [cell.strip() for line in _table(explained) for cell in line.split("│")]
    assert any(word in cell for cell in cells), f"{word} is not whole on any line:\n{explained}"
    # a line ending after a compound word's hyphen (« Chaumont Saint- » over « Martin-d'Hères ») breaks between two
    # parts, never inside one (audit leftsmall)
    broken = [cell for cell in cells if cell and cell != word and word.startswith(cell.split()[-1])
              and len(cell.split()[-1]) >= 4 and not cell.endswith("-")]
    assert not broken, broken


def test_the_table_keeps_within_the_piped_width(explained: str) -> None:
    lines = _table(explained)
    assert lines and max(len(line) for line in lines) <= PIPED_WIDTH, max(len(line) for line in lines)


def test_the_detail_column_gives_its_room_to_the_names(explained: str) -> None:
    """The names first: a deal's name takes no more lines than the room it needs at the width left."""
    header = next(line for line in _table(explained) if line.startswith("┃") and "deal" in line)
    heads = [h.strip() for h in header.strip("┃").split("┃")]
    widths = [len(h) for h in header.strip("┃").split("┃")]
    assert widths[heads.index("deal")] > widths[heads.index("detail")], dict(zip(heads, widths, strict=True))
