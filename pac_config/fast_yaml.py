"""The common YAML file parsed by libyaml (C), built into the very objects ruamel's round-trip loader makes.

ruamel's round-trip parser is pure Python: a plan of 5,000 actions (45,000 lines) took 8.5 s of CPU to parse,
ten times what the night's whole evaluation costs. libyaml (PyYAML's ``CParser``) composes the same node tree
in a fraction of that; the nodes are turned into ruamel's node classes, their tags resolved by ruamel's own
YAML 1.2 table (``yes`` and ``14:30`` stay strings, ``010`` is ten), and built by ruamel's round-trip
constructor, so the result is the same ``CommentedMap`` with the same key lines as the pure parse.

Only the plain case takes this path: a file with an alias, a merge key, a ``%YAML`` / ``%TAG`` directive, an
error of any kind, or a PyYAML built without libyaml goes to the pure parser (``loader.load_yaml``), which
bounds aliases and words every error as before. ``parse`` returns ``None`` for those.
"""

from __future__ import annotations

from typing import Any

import yaml
from ruamel.yaml import nodes as rnodes
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

try:
    from yaml import cyaml
except ImportError:   # PyYAML built without libyaml
    cyaml = None

FAST = cyaml is not None and bool(getattr(yaml, "__with_libyaml__", False))
"""Whether PyYAML has libyaml here (its wheels do); without it every file takes the pure parser."""

MERGE = "tag:yaml.org,2002:merge"
STR, SEQ, MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
PLAIN_TAGS = frozenset({STR, SEQ, MAP, *(f"tag:yaml.org,2002:{t}"
                                         for t in ("int", "float", "bool", "null", "timestamp"))})
"""The tags this path builds; any other (``!custom``, ``!``, ``!!binary``, a merge key) goes to the pure parser."""


class _Fallback(Exception):
    """The file needs the pure parser (an alias, a merge key)."""


class _Resolver:
    """Tags as ruamel's round-trip loader resolves them (YAML 1.2, ``VersionedResolver``'s own table), for
    libyaml's composer, which calls ``resolve`` once per node."""

    def __init__(self) -> None:
        self._table = VersionedResolver().versioned_resolver   # first character -> [(tag, pattern)]
        self.resolved = 0   # nodes resolved: fewer than the nodes when a node's tag was written (``!!str 1``)

    def descend_resolver(self, parent: Any, index: Any) -> None:   # no path resolvers here
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        self.resolved += 1
        if kind is yaml.ScalarNode:
            if implicit[0]:
                table = self._table
                for tag, pattern in [*table.get(value[0] if value else "", []), *table.get(None, [])]:
                    if pattern.match(value):
                        return str(tag)
            return STR
        if kind is yaml.SequenceNode:
            return SEQ
        return MAP


if FAST:
    class _Loader(cyaml.CParser, _Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            cyaml.CParser.__init__(self, stream)
            _Resolver.__init__(self)


def parse(source: str, constructor: Any) -> Any:
    """The document of ``source`` built by ``constructor`` (a round-trip ``YAML().constructor``), or ``None``
    when the file must take the pure parser (see the module's docstring); an empty file too."""
    if not FAST or "%YAML" in source or "%TAG" in source:
        return None
    try:
        loader = _Loader(source)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if root is None:
            return None
        tree, nodes = _ruamel_tree(root, source)
        if nodes != loader.resolved:   # a tag written in the file: ruamel keeps it (``TaggedScalar``)
            return None
        return constructor.construct_document(tree)
    except Exception:   # any problem: the pure parser reads the file again and words it
        return None


def _ruamel_tree(root: Any, source: str) -> tuple[Any, int]:
    """libyaml's node tree as ruamel's node classes. A node met twice is an alias, and a tag other than the
    plain ones (a merge key, ``!custom``) needs the pure parser: ``_Fallback``; a tree deeper than Python's
    recursion limit ends in ``RecursionError``, and the pure parser says the file is nested too deeply. A plain
    scalar's style is ``None`` (libyaml's ``''``); an empty value in a block mapping (``key:`` and nothing) is
    placed where ruamel places it, at the next token (``_next_token``); one in a flow mapping (``{a: }``, rare)
    takes the pure parser; empty sequence items both place alike. Returns the tree and its number of nodes."""
    seen: set[int] = set()
    tags: dict[str, Tag] = {}   # one Tag per tag: a ruamel Tag decodes its text once, then keeps it
    scalar, mapping, sequence = yaml.ScalarNode, yaml.MappingNode, rnodes.SequenceNode

    def tag(text: str) -> Tag:
        found = tags.get(text)
        if found is None:
            found = tags[text] = Tag(suffix=text)
        return found

    def made(node: Any, value: str = "") -> Any:
        if id(node) in seen:
            raise _Fallback
        seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            raise _Fallback
        if isinstance(node, scalar):
            start, end, style = node.start_mark, node.end_mark, node.style or None
            if value and node.value == "" and style is None:
                if value == "flow":   # ruamel: just after the ``:``, which libyaml's mark does not give
                    raise _Fallback
                start = end = _next_token(source, start)
            return rnodes.ScalarNode(tag(node.tag), node.value, start, end, style=style)
        if isinstance(node, mapping):
            where = "flow" if node.flow_style else "block"
            pairs = [(made(k), made(v, where)) for k, v in node.value]
            return rnodes.MappingNode(tag(node.tag), pairs, node.start_mark, node.end_mark, flow_style=node.flow_style)
        return sequence(tag(node.tag), [made(c) for c in node.value], node.start_mark, node.end_mark,
                        flow_style=node.flow_style)

    return made(root), len(seen)


def _next_token(source: str, mark: Any) -> Any:
    """The mark of the first character at or after ``mark`` that is not a space, a line break or a comment:
    where ruamel's parser puts an empty value (the next token's start), libyaml putting it where the value
    would have been."""
    index, line, column = mark.index, mark.line, mark.column
    size = len(source)
    while index < size:
        ch = source[index]
        if ch == "#" and (index == 0 or source[index - 1] in " \t\r\n"):
            while index < size and source[index] not in "\r\n":
                index += 1
                column += 1
            continue
        if ch == "\r" and index + 1 < size and source[index + 1] == "\n":
            index += 1
            continue
        if ch in "\r\n":
            index, line, column = index + 1, line + 1, 0
            continue
        if ch not in " \t\ufeff":
            break
        index += 1
        column += 1
    return yaml.Mark(mark.name, index, line, column, None, None)
