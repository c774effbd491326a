"""YAML documents that remember where each key is, so every problem names its file and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.scanner import Scanner

from pac_config import fast_yaml
from pac_core.errors import InvalidInput, Problem

SHIPPED = Path(__file__).resolve().parent / "shipped"          # installed wheel: config/ copied here
REPO_CONFIG = Path(__file__).resolve().parent.parent / "config"  # editable install / source tree


def config_dir() -> Path:
    """The shipped ``config/`` directory (defaults, example plan, mappings)."""
    return SHIPPED if SHIPPED.is_dir() else REPO_CONFIG


Path_ = tuple[str | int, ...]
T = TypeVar("T")
Model = TypeVar("Model", bound=BaseModel)


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_path(key: str) -> Path_:
    """The inverse of ``format_path``: ``"activities.rules[0].where"`` -> ``("activities", "rules", 0, "where")``."""
    out: list[str | int] = []
    for part in key.split(".") if key else []:
        m = re.fullmatch(r"(.+?)\[(\d+)\]", part)
        out.extend([m.group(1), int(m.group(2))] if m else [part])
    return tuple(out)


def locate(problems: list[Problem], source: str | Path | Document) -> list[Problem]:
    """``problems`` (key paths only) with the file and line of their key in ``source`` (a file, parsed here, or
    a ``Document`` already parsed: not read again), in file order."""
    doc = source if isinstance(source, Document) else load_yaml(Path(source))
    file = doc.file if isinstance(source, Document) else str(source)
    located = [Problem(p.path, p.message, p.fix, file=file, line=p.line or doc.line(parse_path(p.path)))
               for p in problems]
    return sorted(located, key=lambda p: p.line or 0)


@dataclass
class Document:
    """A parsed YAML file: ``data`` behaves as dicts and lists; ``line(path)`` finds a key's line."""

    file: str
    data: Any

    def line(self, path: Path_) -> int | None:
        node, line = self.data, None
        for part in path:
            if isinstance(node, CommentedMap) and part in node:
                line = _key_line(node, part)
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

    def read_twice(self, section: str, read: Iterable[tuple[str, str]], noun: str) -> list[Problem]:
        """Two keys of ``section`` reading one CRM field or property (``read``: (key, what it names), in the file's
        order; case ignored, as the CRMs do), at the second key: every account's country a postal code (audit
        opsmap). ``noun``: « field » (Salesforce) or « property » (HubSpot)."""
        problems: list[Problem] = []
        seen: dict[str, str] = {}
        for key, name in read:
            first = seen.setdefault(name.lower(), key)
            if first != key:
                problems.append(self.problem((section, key), f"{name} is already read as {section}.{first} (line "
                                             f"{self.line((section, first))}): one {noun} cannot be two things",
                                             f"map {section}.{key} to its own {noun}"))
        return problems

    def validate(self, model: type[Model], data: Any = None, at: Path_ = (),
                 context: dict[str, Any] | None = None) -> tuple[Model | None, list[Problem]]:
        """Validate ``data`` (default: the whole document) against a pydantic model; ``context`` reaches the
        validators (a plan's currency and language, for its amounts and its fix texts).

        Returns (instance or None, problems) with every problem located in the file.
        """
        try:
            return model.model_validate(plain(self.data if data is None else data), context=context), []
        except ValidationError as exc:
            return None, [self._from_pydantic(at, err, model) for err in exc.errors()]

    def _from_pydantic(self, at: Path_, err: ErrorDetails, model: type[BaseModel]) -> Problem:
        loc = at + tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            owner = _model_at(model, tuple(err["loc"])[:-1])
            known = _field_names(owner)
            close = difflib.get_close_matches(key, known, n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}"
            hint = getattr(owner, "key_hints", {}).get(key)   # a key that belongs elsewhere says where
            if hint is not None:
                value = err.get("input")
                fix = hint.format(value=value if isinstance(value, str | int | float) else "...")
            return self.problem(loc, f"unknown key {key!r}", fix)
        if kind == "missing":
            return self.problem(loc, "required key is missing", f"add {loc[-1]}:")
        ctx = err.get("ctx") or {}
        if "expected" in ctx:   # a closed list of values (Literal, Enum, French spellings of plan files)
            values = _expected_values(str(ctx["expected"]))
            accepted = _expected_values(str(ctx["accepted"])) if "accepted" in ctx else values
            choices = f"one of: {_short_list(values)}"
            # the plan language's spellings first (an English plan: 'vertical', not the French 'verticale')
            preferred = _expected_values(str(ctx["preferred"])) if "preferred" in ctx else []
            close = (difflib.get_close_matches(str(err.get("input")), preferred, n=1)
                     or difflib.get_close_matches(str(err.get("input")), accepted, n=1))
            fix = f"did you mean {close[0]!r}? ({choices})" if close else f"use {choices}"
            message = err["msg"]
            if kind in ("literal_error", "enum"):
                message = f"{_shown(err.get('input'))} is not allowed"
            return self.problem(loc, message, fix)
        if "fix" in ctx:   # custom errors (PydanticCustomError) carry their own fix
            return self.problem(loc, err["msg"], str(ctx["fix"]))
        message, fix = explain_error(err)
        return self.problem(loc, message, fix)


# pydantic error type -> (message, fix); {input} is the value as written, other names come from ctx
PLAIN_ERRORS: dict[str, tuple[str, str]] = {
    "int_parsing": ("must be a whole number, not {input}", "write a number such as 5"),
    "int_type": ("must be a whole number, not {input}", "write a number such as 5"),
    "int_from_float": ("must be a whole number, not {input}", "write a number without decimals, such as 5"),
    "float_parsing": ("must be a number, not {input}", "write a number such as 0.5 (a dot for decimals)"),
    "float_type": ("must be a number, not {input}", "write a number such as 0.5 (a dot for decimals)"),
    "decimal_parsing": ("must be a number, not {input}", "write a number such as 1500.50 (a dot for decimals)"),
    "decimal_type": ("must be a number, not {input}", "write a number such as 1500.50 (a dot for decimals)"),
    "greater_than_equal": ("must be at least {ge}, not {input}", "write {ge} or more"),
    "greater_than": ("must be more than {gt}, not {input}", "write a number above {gt}"),
    "less_than_equal": ("must be at most {le}, not {input}", "write {le} or less"),
    "less_than": ("must be less than {lt}, not {input}", "write a number below {lt}"),
    "multiple_of": ("must be a multiple of {multiple_of}, not {input}", "round it to a multiple of {multiple_of}"),
    "bool_parsing": ("must be true or false, not {input}", "write true or false"),
    "bool_type": ("must be true or false, not {input}", "write true or false"),
    "date_parsing": ("must be a date, not {input}", "write it as YYYY-MM-DD, e.g. 2027-06-30"),
    "date_type": ("must be a date, not {input}", "write it as YYYY-MM-DD, e.g. 2027-06-30"),
    "date_from_datetime_parsing": ("must be a date, not {input}", "write it as YYYY-MM-DD, e.g. 2027-06-30"),
    "date_from_datetime_inexact": ("must be a date without a time, not {input}",
                                   "write it as YYYY-MM-DD, e.g. 2027-06-30"),
    "datetime_parsing": ("must be a date and time, not {input}",
                         "write it as 2027-05-20T18:00:00+02:00 (date, T, time, offset)"),
    "datetime_type": ("must be a date and time, not {input}",
                      "write it as 2027-05-20T18:00:00+02:00 (date, T, time, offset)"),
    "datetime_from_date_parsing": ("must be a date and time, not {input}",
                                   "write it as 2027-05-20T18:00:00+02:00 (date, T, time, offset)"),
    "timezone_aware": ("needs a timezone offset, {input} has none", "add the offset, e.g. 2027-05-20T18:00:00+02:00"),
    "string_type": ("must be text, not {input}", "write it as text, in quotes if it looks like a number or a date"),
    "string_too_short": ("must be at least {min_length} characters long", "write it in full"),
    "string_too_long": ("must be at most {max_length} characters long, not {input}", "shorten it"),
    "string_pattern_mismatch": ("{input} does not have the expected form", "it must match {pattern}"),
    "too_short": ("needs at least {min_length} {items}", "add {missing}"),
    "too_long": ("has more than {max_length} {items}", "keep at most {max_length}"),
    "list_type": ("must be a list, not {input}", "write it as [a, b], or one '- item' per line under the key"),
    "tuple_type": ("must be a list, not {input}", "write it as [a, b], or one '- item' per line under the key"),
    "set_type": ("must be a list, not {input}", "write it as [a, b], or one '- item' per line under the key"),
    "dict_type": ("must be a mapping of keys to values, not {input}", "write 'key: value' lines indented under it"),
    "model_type": ("must be a mapping of keys to values, not {input}", "write 'key: value' lines indented under it"),
    "model_attributes_type": ("must be a mapping of keys to values, not {input}",
                              "write 'key: value' lines indented under it"),
    "path_type": ("must be a file path, not {input}", "write the path as text, e.g. config/mappings/x.yaml"),
    "none_required": ("must be empty, not {input}", "remove the value"),
}


def explain_error(err: ErrorDetails) -> tuple[str, str]:
    """A plain sentence and a fix for one pydantic error (``ValidationError.errors()`` item); the
    pydantic message, without its "Value error, " prefix, when the type is not a common one."""
    kind = err["type"]
    ctx = {k: _number(v) for k, v in (err.get("ctx") or {}).items()}
    if kind == "string_too_short" and ctx.get("min_length") == "1":
        return "must not be empty", "write a value"
    if kind in PLAIN_ERRORS:
        count = int(ctx.get("min_length") or ctx.get("max_length") or 0)
        given = err.get("input")
        values = {**ctx, "input": _shown(given), "items": "item" if count == 1 else "items",
                  "missing": _more(count - len(given) if isinstance(given, list | tuple) else count)}
        message, fix = PLAIN_ERRORS[kind]
        return message.format_map(_Blank(values)), fix.format_map(_Blank(values))
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return message, ""


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _more(n: int) -> str:
    return "one" if n <= 1 else f"{n} more"


def _number(value: Any) -> str:
    """1.0 -> "1" (pydantic gives bounds of float fields as floats), else str."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _shown(value: Any) -> str:
    """The value as the user wrote it, short enough for one line, in YAML's words rather than Python's
    (2027-01-03, not ``datetime.date(2027, 1, 3)``; true, not True)."""
    if isinstance(value, str) and len(value) > 40:
        return repr(value[:36] + "...")
    text = _as_written(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _as_written(value: Any, depth: int = 0) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (empty)" if depth == 0 else "null"
    if isinstance(value, date):      # datetime too
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict):
        if depth > 1:
            return "{...}"
        return "{" + ", ".join(f"{k}: {_as_written(v, depth + 1)}" for k, v in list(value.items())[:4]) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        if depth > 1:
            return "[...]"
        return "[" + ", ".join(_as_written(v, depth + 1) for v in list(value)[:6]) + "]"
    return str(value)


def _short_list(values: list[str], limit: int = 8) -> str:
    return ", ".join(values[:limit]) + (", ..." if len(values) > limit else "")


def _expected_values(expected: str) -> list[str]:
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The model of the mapping at ``loc`` (a problem's location without its key); None when it is not a model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current


def _field_names(model: Any) -> list[str]:
    return [name for key, field in getattr(model, "model_fields", {}).items() for name in _spellings(key, field)]


def _spellings(key: str, field: Any) -> list[str]:
    """The keys a field may be written as: its alias (``from``) or name, and its other accepted names."""
    choices = getattr(field.validation_alias, "choices", None)
    if choices:
        return [c for c in choices if isinstance(c, str)]
    return [field.alias or key]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _key_line(node: CommentedMap, key: Any) -> int | None:
    """The 1-based line of ``key`` in ``node``; a key brought in by a merge (``<<: *base``) is found
    where the anchored mapping writes it."""
    if key in node.lc.data:
        line: int = node.lc.key(key)[0]
        return line + 1
    for merged in getattr(node, "merge", None) or ():
        if isinstance(merged, CommentedMap) and key in merged:
            return _key_line(merged, key)
    return None


def plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


MAX_MAPPING_TEXT = 1_000
"""The longest text of a field mapping (a field or property name, a type or stage label), in characters."""

MAX_ALIAS_VALUES = 100_000
"""How many values the aliases (``*name``) of one file may stand for, counted as they would be written out:
a "billion laughs" file of 1 KB stands for billions, a hand-written plan for a few hundred."""


class _AliasTooBig(Exception):
    def __init__(self, line: int, name: str) -> None:
        super().__init__(name)
        self.line, self.name = line, name


class _BoundedComposer(Composer):
    """ruamel's composer, counting what each alias stands for when written out (an alias is one shared
    node when loaded, but ``plain()`` and pydantic walk every copy): past ``MAX_ALIAS_VALUES`` the file is
    refused at the alias's line, before anything is expanded. Linear in the file's size."""

    def compose_document(self) -> Any:
        self._sizes: dict[int, tuple[Any, int]] = {}
        self._alias_values = 0
        self._nodes = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            node = super().compose_node(parent, index)
            self._alias_values += self._size(node)
            if self._alias_values > MAX_ALIAS_VALUES:
                raise _AliasTooBig(event.start_mark.line + 1, str(event.anchor))
            return node
        node = super().compose_node(parent, index)
        if isinstance(node, SequenceNode):
            size = 1 + sum(self._size(item) for item in node.value)
        elif isinstance(node, MappingNode):
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        else:
            size = 1
        self._sizes[id(node)] = (node, size)   # the node is kept so that its id is not reused
        self._nodes += 1
        report = getattr(self.loader, "pac_progress", None)
        if report is not None and self._nodes % 2000 == 0:
            report(node.end_mark.line)
        return node

    def _size(self, node: Any) -> int:
        return self._sizes.get(id(node), (None, 1))[1]


class _YAML(YAML):
    """ruamel's YAML with the progress callback the composer reports to (``_BoundedComposer``)."""

    pac_progress: Callable[[int], None] | None = None


def _yaml() -> _YAML:
    """A round-trip loader (it keeps each key's line) that reads comments as plain whitespace: ruamel's
    round-trip scanner joins consecutive comment lines by string concatenation, quadratic in their number
    (40,000 comment lines took minutes); nothing here needs the comments of a file it loads."""
    yaml = _YAML(typ="rt")
    yaml.Scanner = Scanner
    yaml.Composer = _BoundedComposer
    return yaml


UNREADABLE_FIX = "give the user pac runs as read access: chmod 640 and the group, or chown"


def not_utf8(path: Path, exc: UnicodeDecodeError) -> Problem:
    """A file that is not UTF-8, at the line of its first stray byte, with what the byte reads as in Windows-1252
    (Notepad's and Excel's "ANSI" in Western Europe: « é » is 0xE9), the encoding such a file was most likely saved
    in (audit ops: the message named no line)."""
    raw = exc.object if isinstance(exc.object, bytes) else b""
    byte = raw[exc.start:exc.start + 1]
    try:
        shown = byte.decode("cp1252")
    except UnicodeDecodeError:
        shown = ""
    what = f" ({shown!r} in Windows-1252, the encoding it was probably saved in)" if shown.isprintable() and shown \
        else ""
    return Problem("", f"the file is not UTF-8 text: byte 0x{byte.hex().upper()} on this line{what}",
                   "save it as UTF-8: in Notepad or Excel, 'Save as' with the encoding UTF-8", file=str(path),
                   line=raw[:exc.start].count(b"\n") + 1)


def load_yaml(path: str | Path, text: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> Document:
    """Parse a YAML file; a syntax error becomes one located ``InvalidInput``.

    Merge keys (``<<: *base``) are supported; aliases are bounded (``MAX_ALIAS_VALUES``). A file with neither
    is parsed by libyaml (``fast_yaml``: the same objects, ten times faster); the others, and every file with an
    error, by ruamel's pure parser, which words the errors. ``progress(line, lines)`` is called as the pure parse
    goes (every 2,000 values), once at the end of a libyaml parse."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8") if text is None else text
    except FileNotFoundError:
        raise InvalidInput(Problem("", f"file not found: {path}", "check the path")) from None
    except IsADirectoryError:
        raise InvalidInput(Problem("", f"{path} is a directory, not a file", "name the YAML file in it")) from None
    except PermissionError:
        raise InvalidInput(Problem("", f"{path} cannot be read: permission denied", UNREADABLE_FIX)) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(not_utf8(path, exc)) from None
    yaml = _yaml()
    lines = source.count("\n") + 1
    data = fast_yaml.parse(source, yaml.constructor)
    if data is not None:
        if progress is not None:
            progress(lines, lines)
        return Document(str(path), data)
    if progress is not None:
        yaml.pac_progress = lambda line: progress(min(line, lines), lines)
    try:
        data = yaml.load(source)
    except _AliasTooBig as exc:
        raise InvalidInput(Problem(
            "", f"the aliases of this file (*{exc.name} here) stand for more than {MAX_ALIAS_VALUES:,} values "
                "once written out, the most pac reads",
            "write the repeated parts out, or use fewer aliases of aliases", file=str(path), line=exc.line)) from None
    except RecursionError:
        raise InvalidInput(Problem("", "the file is nested too deeply to read",
                                   "use fewer levels of nesting", file=str(path))) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context
        shifted = _shifted_line(what, source, line)
        if shifted is not None:
            raise InvalidInput(Problem("", f"YAML syntax error: {shifted[0]}", shifted[1], file=str(path),
                                       line=line)) from None
        raise InvalidInput(Problem("", f"YAML syntax error: {what}", _syntax_fix(what), file=str(path),
                                   line=line)) from None
    except Exception as exc:  # ruamel raises a few unmarked errors (duplicate keys, impossible dates...)
        raise InvalidInput(_unmarked(exc, source, path)) from None
    if data is None:
        data = CommentedMap()
    return Document(str(path), data)


def _shifted_line(problem: str | None, source: str, line: int | None) -> tuple[str, str] | None:
    """A key indented less than the keys of its block, yet more than its parent (3 spaces among keys of 4, the
    commonest slip of a hand edit): ruamel's « expected <block end>, but found '<block mapping start>' » as what an ops
    person can act on, the columns of the line and of the key above it (audit opsmap); None for any other error."""
    if not problem or "expected <block end>" not in problem or line is None:
        return None
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return None
    here = lines[line - 1]
    indent = len(here) - len(here.lstrip(" "))
    above = next(((n, text) for n, text in reversed(list(enumerate(lines[:line - 1], 1)))
                  if text.strip() and not text.lstrip().startswith("#")), None)
    if above is None:
        return None
    n, text = above
    column = len(text) - len(text.lstrip(" "))
    if text.lstrip().startswith("- "):     # the first key of a list item: its keys start after the dash
        column += len(text.lstrip()) - len(text.lstrip()[1:].lstrip())
    if indent >= column:
        return None
    return (f"this line is indented {indent} spaces, the key above it (line {n}) {column}",
            f"indent it with {column} spaces as the key above, or fewer to close that block: the keys of one "
            "block start in the same column")


def _syntax_fix(problem: str | None) -> str:
    """The fix of a YAML syntax error: a tab (an editor's Tab key, which YAML never reads as indentation) is named,
    since ruamel's ``found character '\\t' that cannot start any token`` does not say what to do."""
    if problem and ("'\\t'" in problem or "tab character" in problem):
        return "YAML indents with spaces only: replace the tab with spaces on that line"
    if problem and "found duplicate key" in problem:    # two sections of one name: YAML keeps one, silently
        return "give each key once in its block: merge the two, or delete the one you do not mean"
    return "check indentation and quotes on that line"


def _unmarked(exc: Exception, source: str, path: Path) -> Problem:
    """A YAML error ruamel gives without a line: an impossible date (2027-02-30) is found in the text."""
    for number, text in enumerate(source.splitlines(), start=1):
        for m in re.finditer(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])", text.split("#", 1)[0]):
            try:
                date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return Problem("", f"{m[0]} is not a real date ({exc})",
                               "check the day and the month: dates are written YYYY-MM-DD", file=str(path), line=number)
    return Problem("", f"cannot read YAML: {exc}", "fix the file", file=str(path))


def raise_if(problems: Iterable[Problem]) -> None:
    problems = list(problems)
    if problems:
        raise InvalidInput(problems)


def load_or_raise(load: Callable[[Path], tuple[T | None, list[Problem]]], path: Path) -> T:
    """Run a file loader that collects problems; ``InvalidInput`` with all of them, else the value."""
    value, problems = load(path)
    if problems or value is None:
        raise InvalidInput(problems)
    return value


def problems_in(load: Callable[[Path], tuple[object, list[Problem]]], path: Path) -> list[Problem]:
    """Every problem a collecting loader finds in a file (a YAML syntax error included), never raising."""
    try:
        return load(path)[1]
    except InvalidInput as exc:
        return exc.problems
