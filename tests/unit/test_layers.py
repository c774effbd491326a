"""pac_core stays pure: it imports no I/O layer, no ORM, no HTTP or CRM client."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "pac_core"
FORBIDDEN = ("connectors", "sync_jobs", "pac_config", "sqlmodel", "sqlalchemy", "requests", "urllib3",
             "simple_salesforce", "hubspot", "httpx", "socket", "click", "rich")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


class TestCoreIsPure:
    @pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: p.name)
    def test_module_imports_nothing_impure(self, path: Path) -> None:
        """No pac_core module imports a connector, the store, the CLI or a network library."""
        assert not (_imports(path) & set(FORBIDDEN))
