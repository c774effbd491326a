"""YAML documents that remember where each key is, so every problem names its file and line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from pac_core.errors import InvalidInput, Problem

SHIPPED = Path(__file__).resolve().parent / "shipped"          # installed wheel: config/ copied here
REPO_CONFIG = Path(__file__).resolve().parent.parent / "config"  # editable install / source tree


def config_dir() -> Path:
    """The shipped ``config/`` directory (defaults, example plan, mappings)."""
    return SHIPPED if SHIPPED.is_dir() else REPO_CONFIG


Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Document:
    """A parsed YAML file: ``data`` behaves as dicts and lists; ``line(path)`` finds a key's line."""

    file: str
    data: Any

    def line(self, path: Path_) -> int | None:
        node, line = self.data, None
        for part in path:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        if line is None and isinstance(self.data, CommentedMap):
            line = 1
        return line

    def problem(self, path: Path_, message: str, fix: str = "") -> Problem:
        return Problem(format_path(path), message, fix, file=self.file, line=self.line(path))

    def validate(self, model: type[BaseModel], data: Any = None, at: Path_ = ()) -> tuple[Any, list[Problem]]:
        """Validate ``data`` (default: the whole document) against a pydantic model.

        Returns (instance or None, problems) with every problem located in the file.
        """
        try:
            return model.model_validate(plain(self.data if data is None else data)), []
        except ValidationError as exc:
            return None, [self._from_pydantic(at, err, model) for err in exc.errors()]

    def _from_pydantic(self, at: Path_, err: dict[str, Any], model: type[BaseModel]) -> Problem:
        loc = at + tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            known = _fields_at(model, tuple(err["loc"])[:-1])
            close = difflib.get_close_matches(key, known, n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}"
            return self.problem(loc, f"unknown key {key!r}", fix)
        if kind == "missing":
            return self.problem(loc, "required key is missing", f"add {loc[-1]}:")
        msg = err["msg"]
        ctx = err.get("ctx") or {}
        fix = str(ctx.get("fix", ""))  # custom errors (PydanticCustomError) may carry their own fix
        if "expected" in ctx:
            fix = f"use one of {ctx['expected']}"
            close = difflib.get_close_matches(str(err.get("input")), _expected_values(ctx["expected"]), n=1)
            if close:
                fix = f"did you mean {close[0]!r}? ({fix})"
        return self.problem(loc, msg, fix)


def _expected_values(expected: str) -> list[str]:
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(getattr(current, "model_fields", {}).keys())


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def load_yaml(path: str | Path, text: str | None = None) -> Document:
    """Parse a YAML file; a syntax error becomes one located ``InvalidInput``."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8") if text is None else text
    except FileNotFoundError:
        raise InvalidInput(Problem("", f"file not found: {path}", "check the path")) from None
    except UnicodeDecodeError:
        raise InvalidInput(Problem("", "the file is not UTF-8 text", "save it as UTF-8", file=str(path))) from None
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InvalidInput(Problem("", f"YAML syntax error: {exc.problem or exc.context}",
                                   "check indentation and quotes on that line", file=str(path), line=line)) from None
    except Exception as exc:  # ruamel raises a few unmarked errors (duplicate keys...)
        raise InvalidInput(Problem("", f"cannot read YAML: {exc}", "fix the file", file=str(path))) from None
    if data is None:
        data = CommentedMap()
    return Document(str(path), data)


def raise_if(problems: Iterable[Problem]) -> None:
    problems = list(problems)
    if problems:
        raise InvalidInput(problems)
