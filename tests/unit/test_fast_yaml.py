"""pac_config.fast_yaml: libyaml's parse built by ruamel gives the very objects, types and key lines of ruamel's
pure round-trip parse; what it cannot take (aliases, merge keys, directives, errors) goes to the pure parser."""

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from pac_config import fast_yaml
from pac_config.loader import _yaml, load_yaml
from pac_core.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*ROOT.glob("config/**/*.yaml"), *ROOT.glob("tests/data/**/*.yaml")])

pytestmark = pytest.mark.skipif(not fast_yaml.FAST, reason="PyYAML without libyaml: every file takes the pure parser")

SNIPPETS = {
    "yaml 1.2 words": "a: yes\nb: no\nc: on\nd: off\ne: y\nf: true\ng: False\nh: ~\ni: null\nj:\n",
    "numbers": "a: 010\nb: 0o10\nc: 0x1F\nd: 1_000\ne: 1:20\nf: 14:30\ng: 1.50\nh: 1e3\ni: .inf\nj: -.5\nk: +3\n"
               "l: 1.0e+3\nm: .nan\nn: 007\no: 0.0\n",
    "dates": "a: 2027-05-06\nb: 2027-05-06 09:30:00\nc: 2027-05-06T09:30:00+02:00\nd: '2027-05-06'\ne: 2027-5-6\n",
    "strings": "a: 'it''s'\nb: \"tab\\there\"\nc: plain text # comment\nd: \"« semaine 18 »\"\ne: ''\nf: \"\"\n"
               "h: '123'\nj: ! 123\n",
    "block scalars": "a: |\n  line one\n  # not a comment\nb: >\n  folded\n  text\n\nc: |-\n  kept\nd: x\n",
    "flow": "a: {x: 1, y: [1, 2, {z: 3}]}\nb: []\nc: {}\nd: [a, 'b', \"c\"]\n",
    "nesting": "a:\n  - id: 1\n    what: {activity: visite, count: 5}\n  -\n    - x\n    - - y\n      - z\n  - k: v\n",
    "keys": "1: int key\n2027-05-06: date key\nfalse: bool key\n? complex\n: value\n'quoted': q\n",
    "comments": "# head\na:\n  # one\n  # two\n  b: 1  # three\n# tail\n",
    "top sequence": "- 1\n- two\n- {three: 3}\n",
    "top scalar": "just a string\n",
    "document markers": "---\na: 1\n...\n",
    "unicode": "clé: « valeur » ünïcödé ✓\nemoji: \"🙂\"\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n",
    "empty values": "a:\n\nb:\n  # note\n  c:\n  d: 1\ne:\n  -\n  - x\n  - \nf: {h: 1}\n? k\nl:   # c\n",
    "empty at the end": "a: 1\nb:",
}


def same(fast: Any, pure: Any, where: str = "") -> None:
    """Equal values of the same types all the way down, and the same line and column for every key and item."""
    assert type(fast) is type(pure), f"{where}: {type(fast)} != {type(pure)}"
    assert fast == pure or repr(fast) == repr(pure) == "nan", where
    if isinstance(pure, CommentedMap):
        assert (fast.lc.line, fast.lc.col) == (pure.lc.line, pure.lc.col), where
        assert fast.lc.data == pure.lc.data, where
        assert list(fast) == list(pure), where
        for key in pure:
            same(fast[key], pure[key], f"{where}.{key}")
    elif isinstance(pure, CommentedSeq):
        assert (fast.lc.line, fast.lc.col) == (pure.lc.line, pure.lc.col), where
        assert fast.lc.data == pure.lc.data, where
        for i, (f, p) in enumerate(zip(fast, pure, strict=True)):
            same(f, p, f"{where}[{i}]")


def both(text: str) -> tuple[Any, Any]:
    fast = fast_yaml.parse(text, _yaml().constructor)
    assert fast is not None, "the fast path declined a file it should take"
    return fast, _yaml().load(text)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippets_load_as_the_pure_parser_loads_them(name: str) -> None:
    fast, pure = both(SNIPPETS[name])
    same(fast, pure, name)


def test_snippets_say_what_yaml_1_2_says() -> None:
    """The resolution is YAML 1.2's (ruamel's), not libyaml's 1.1: a fast path with PyYAML's resolver failed here."""
    words = both(SNIPPETS["yaml 1.2 words"])[0]
    assert [words[k] for k in "abcdefghij"] == ["yes", "no", "on", "off", "y", True, False, None, None, None]
    numbers = both(SNIPPETS["numbers"])[0]
    assert (numbers["a"], numbers["b"], numbers["e"], numbers["f"], numbers["n"]) == (10, 8, "1:20", "14:30", 7)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_files_load_as_the_pure_parser_loads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if fast_yaml.parse(text, _yaml().constructor) is None:   # malformed.pac.yaml: the pure parser words it
        with pytest.raises(InvalidInput):
            load_yaml(path)
        return
    fast, pure = both(text)
    same(fast, pure, path.name)


def test_shipped_files_mostly_take_the_fast_path() -> None:
    """Not a vacuous differential: all but the deliberately malformed files take the fast path."""
    declined = [p.name for p in SHIPPED if fast_yaml.parse(p.read_text(encoding="utf-8"), _yaml().constructor) is None]
    assert len(SHIPPED) >= 10
    assert declined == ["malformed.pac.yaml"]


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",                                   # an alias: bounded by the pure parser
    "base: &b {k: 1}\nitem:\n  <<: *b\n  j: 2\n",          # a merge key
    "item:\n  <<: {k: 1}\n  j: 2\n",                      # a merge key with no alias
    "%YAML 1.1\n---\na: yes\n",                           # a directive changes the resolution
    "a: 1\na: 2\n",                                       # a duplicate key: the pure parser's error
    "a: [1, 2\n",                                         # a syntax error
    "g: -\n",                                             # another
    "i: !!str 123\n",                                     # a written tag: ruamel keeps it (TaggedScalar)
    "l: [!!str 1, 2]\n",                                  # in a sequence
    "k: !custom x\n",                                     # a local tag
    "f: {g: , h: 1}\n",                                   # an empty value in a flow mapping
    "a: 2027-02-30\n",                                    # an impossible date
    "",                                                   # an empty file
])
def test_what_the_fast_path_leaves_to_the_pure_parser(text: str) -> None:
    assert fast_yaml.parse(text, _yaml().constructor) is None


def test_load_yaml_words_errors_as_before_and_lines_stay() -> None:
    """Errors keep the pure parser's words and lines; a file the fast path takes keeps its key lines."""
    with pytest.raises(InvalidInput) as caught:
        load_yaml(Path("bad.yaml"), text="a: 1\nb: [1, 2\nc: 3\n")
    assert caught.value.problems[0].message.startswith("YAML syntax error")
    doc = load_yaml(Path("ok.yaml"), text="a:\n  # one\n  b: 1\n  c:\n    - x\n    - y\n")
    assert doc.line(("a", "b")) == 3 and doc.line(("a", "c", 1)) == 6


def test_a_big_plan_loads_as_the_pure_parser_loads_it() -> None:
    """The example plan's actions repeated 50 times (1,000 actions): the same document."""
    text = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
    head, actions = text.split("\nactions:\n", 1)
    body = "".join(actions.replace("id: A-", f"id: R{n}-A-") for n in range(50))
    fast, pure = both(head + "\nactions:\n" + body)
    assert len(pure["actions"]) == 1_000
    same(fast, pure)
