"""The import graph stays a tree of layers: no cycle (type-only imports included), every module importable on its
own, imports at the top of the module (except the CLI's documented lazy command loading).

The layer rules themselves are import-linter's contracts ([tool.importlinter] in pyproject.toml, run by
./dev test); this module checks what a contract cannot say, and that the CLI contract lists every CLI module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pac_core", "pac_config", "connectors", "sandbox_crm", "sync_jobs")
# alembic's scripts run inside alembic's context (env.py reads context.config at import): not modules of ours
NOT_MODULES = ("sync_jobs/migrations/env.py", "sync_jobs/migrations/versions/")

# The only function-local imports allowed: (module, function) -> why. The CLI loads each command's module when
# that command runs, so that `pac --help` and `pac sync` do not import the report, the sandbox or openpyxl.
LAZY_IMPORTS: Mapping[tuple[str, str], str] = {
    ("sync_jobs.cli", "_load"): "lazy command loading (importlib): a command's module is imported when it runs",
}

# Parts that fail today because of files other branches are rewriting (issue 14): each must pass once they merge,
# and strict xfail makes the test fail then, so that the mark is removed.
CYCLES_TODAY: Mapping[str, str] = {}
LONE_IMPORT_TODAY: Mapping[str, str] = {}
LOCAL_IMPORTS_TODAY: Mapping[str, str] = {}


def _param(package: str, failing_today: Mapping[str, str]) -> object:
    if package in failing_today:
        return pytest.param(package, marks=pytest.mark.xfail(strict=True, reason=failing_today[package]))
    return package


def _params(failing_today: Mapping[str, str]) -> list[object]:
    return [_param(p, failing_today) for p in PACKAGES]


def _sources(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(NOT_MODULES):
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


_GRAPH: list[grimp.ImportGraph] = []


def _graph() -> grimp.ImportGraph:
    """Every import between our modules, those under ``if TYPE_CHECKING:`` and inside functions included."""
    if not _GRAPH:
        _GRAPH.append(grimp.build_graph(*PACKAGES, include_external_packages=False,
                                        exclude_type_checking_imports=False, cache_dir=None))
    return _GRAPH[0]


def strongly_connected(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module, or of one module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    out.append(sorted(component))
    return out


class TestTheCycleFinder:
    """The finder itself, on graphs whose answer is known (a finder that finds nothing would pass everything)."""

    def test_finds_a_three_module_cycle_and_a_self_import(self) -> None:
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
        assert strongly_connected(edges, edges) == [["a", "b", "c"], ["e"]]

    def test_a_diamond_is_not_a_cycle(self) -> None:
        edges = {"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}
        assert strongly_connected(edges, edges) == []

    def test_sees_imports_under_type_checking(self, tmp_path: Path) -> None:
        """grimp as configured here keeps ``if TYPE_CHECKING:`` imports (they are cycles for mypy and readers)."""
        pkg = tmp_path / "cyclepkg"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "a.py").write_text("from cyclepkg import b\n")
        (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cyclepkg import a\n")
        sys.path.insert(0, str(tmp_path))
        try:
            graph = grimp.build_graph("cyclepkg", exclude_type_checking_imports=False, cache_dir=None)
        finally:
            sys.path.remove(str(tmp_path))
        edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
        assert strongly_connected(graph.modules, edges) == [["cyclepkg.a", "cyclepkg.b"]]


class TestNoImportCycle:
    @pytest.mark.parametrize("package", _params(CYCLES_TODAY))
    def test_no_cycle_through_the_package(self, package: str) -> None:
        """No module of ``package`` is on an import cycle (runtime, function-local or type-only imports)."""
        graph = _graph()
        edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
        assert any(edges.values())
        cycles = [c for c in strongly_connected(graph.modules, edges)
                  if any(m == package or m.startswith(package + ".") for m in c)]
        assert cycles == []


_IMPORT_EACH = """
import importlib, os, sys, traceback
preload, modules = sys.argv[1].split(","), sys.argv[2].split(",")
for name in preload:              # third-party libraries only: the children start with none of ours imported
    try:
        importlib.import_module(name)
    except Exception:
        pass
failed = 0
for module in modules:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(module)
        except BaseException:
            sys.stderr.write(f"--- {module}\\n{traceback.format_exc()}")
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    failed += status != 0
sys.exit(1 if failed else 0)
"""


def _third_party(package: str) -> list[str]:
    """The top-level names the package imports that are not ours (loaded once, before the forks)."""
    names: set[str] = set()
    for path in _sources(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return sorted(names - set(PACKAGES) - {"__future__"})


class TestEveryModuleImportsOnItsOwn:
    @pytest.mark.skipif(not hasattr(sys.modules["os"], "fork"), reason="needs os.fork (Linux, macOS)")
    @pytest.mark.parametrize("package", _params(LONE_IMPORT_TODAY))
    def test_each_module_imports_first_in_a_fresh_interpreter(self, package: str) -> None:
        """Each module imported as the first of ours (in a forked child of an interpreter that loaded only the
        third-party libraries): an import that works only after some other module was imported is a hidden cycle."""
        modules = [_module_name(p) for p in _sources(package)]
        assert len(modules) > 3
        done = subprocess.run([sys.executable, "-c", _IMPORT_EACH, ",".join(_third_party(package)),
                               ",".join(modules)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                              check=False)
        assert done.returncode == 0, done.stderr[-6000:]


def local_imports(path: Path, module: str) -> list[tuple[str, int, str]]:
    """(function, line, statement) of every import inside a function or method of the module at ``path``."""
    out: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, scope: list[str], in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                out.append((".".join(scope), child.lineno, ast.unparse(child)))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, [*scope, child.name], True)
            elif isinstance(child, ast.ClassDef):
                visit(child, [*scope, child.name], in_function)
            else:
                visit(child, scope, in_function)

    visit(ast.parse(path.read_text(encoding="utf-8")), [], False)
    return [(f, line, s) for f, line, s in out if (module, f) not in LAZY_IMPORTS]


class TestImportsAtTheTop:
    def test_the_finder_sees_nested_and_method_imports(self, tmp_path: Path) -> None:
        path = tmp_path / "m.py"
        path.write_text("import os\nclass C:\n    import re\n    def f(self):\n        if os:\n"
                        "            from json import loads\n        def g():\n            import csv\n")
        assert local_imports(path, "m") == [("C.f", 6, "from json import loads"), ("C.f.g", 8, "import csv")]

    @pytest.mark.parametrize("package", _params(LOCAL_IMPORTS_TODAY))
    def test_no_function_local_import(self, package: str) -> None:
        """Imports sit at the top of the module, where a reader and the import graph see them; the only
        exceptions are LAZY_IMPORTS, each with its reason."""
        found = [f"{p.relative_to(ROOT)}:{line} in {fn}(): {stmt}"
                 for p in _sources(package) for fn, line, stmt in local_imports(p, _module_name(p))]
        assert found == []


class TestTheContractsCoverTheCli:
    def test_the_cli_contract_lists_every_cli_module(self) -> None:
        """A new sync_jobs/cli_*.py is protected too (import-linter has no partial-name wildcard)."""
        config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
        (cli,) = [c for c in config["contracts"] if c["type"] == "protected"]
        modules = {_module_name(p) for p in (ROOT / "sync_jobs").glob("cli*.py")}
        modules |= {_module_name(p) for p in (ROOT / "sync_jobs").glob("cli*/__init__.py")}
        assert "sync_jobs.cli" in modules
        assert set(cli["protected_modules"]) == modules
        assert set(cli["allowed_importers"]) == modules

    def test_the_root_packages_are_ours(self) -> None:
        config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
        assert tuple(config["root_packages"]) == PACKAGES
        assert config["exclude_type_checking_imports"] is False
