"""Text folding: the one module that says how pac compares French and English text.

Each function is one meaning, named for it (there used to be seven copies, two of them called ``fold`` with
different results):

* ``fold_value``: casefolded, accent-free, trimmed: how scope values and CRM values are compared
  ("Rhône " == "RHONE");
* ``fold_key``: ASCII, lower case, spaces, hyphens and apostrophes as ``_``: how plan keys are compared
  ("Code postal" == "code_postal");
* ``fold_words``: casefolded, accent-free, punctuation as single spaces: how place names are compared
  ("Côtes-d'Armor" == "cotes d armor");
* ``fold_alnum``: ASCII, lower case, every run of other characters as one separator, trimmed: headers, KPI names
  and slugs ("Taux de réussite (%)" -> "taux de reussite");
* ``fold_keep_length``: lower case, accent-free, plain quotes/dashes/spaces, same length as the input: for parsers
  that report spans in the original text.

``closest`` suggests a known value for a mistyped one ("did you mean"): the CRM compares exactly, the suggestion
forgives case and accents.

``french_spacing`` is the one typographic rule of French text pac writes for people: the space before « : » « ; »
« ! » « ? » « » » and after « « » does not break (U+00A0), so a line never starts with « : » or « ».
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_PLAIN = {"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " ", "\u202f": " "}
_KEY_SEPARATORS = re.compile(r"[\s\-']+")
_WORD_PUNCTUATION = re.compile(r"[\-‐–—'’`_.,;/]+")
_SPACES = re.compile(r"\s+")
_BEFORE_HIGH_PUNCTUATION = re.compile(r" (?=[:;!?»])")
_AFTER_OPENING_GUILLEMET = re.compile(r"« ")
NBSP = "\u00a0"


# Characters that show nothing, pasted with a name or an e-mail from a web page or a chat (zero-width space, non-joiner
# and joiner, word joiner, a BOM inside the text, a soft hyphen): « julie@…\u200b » is another person to every CRM
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _ascii(text: str) -> str:
    """NFKD, then every non-ASCII character dropped (accents go, "œ" goes too)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1 << 16)
def fold_value(text: str) -> str:
    """Casefolded, accent-free, trimmed text: the form every scope and CRM value comparison uses."""
    return _without_accents(text).casefold().strip()


def fold_key(text: str) -> str:
    """ASCII lower case, runs of spaces, hyphens and apostrophes as ``_``: how plan keys are compared."""
    return _KEY_SEPARATORS.sub("_", _ascii(text).strip().lower())


def fold_words(text: str) -> str:
    """Casefolded, accent-free, hyphens, apostrophes and punctuation as spaces, single spaces: place names."""
    text = _without_accents(text).casefold()
    text = _WORD_PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold_alnum(text: str, sep: str = " ") -> str:
    """ASCII lower case letters and digits, every other run as one ``sep``, trimmed of ``sep``.

    ``fold_alnum(name, "-")`` is a slug (empty when ``name`` has no ASCII letter or digit).
    """
    return re.sub(r"[^a-z0-9]+", sep, _ascii(text).lower()).strip(sep)


def fold_keep_length(text: str) -> str:
    """Lower case, no accents, plain quotes, dashes and spaces; same length as ``text``.

    Keeping the length lets a parser match on the folded text and report spans in the original.
    """
    out = []
    for ch in text:
        base = _without_accents(ch)
        low = base.lower() if len(base) == 1 else ch.lower()
        low = _PLAIN.get(low, low)
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known value ``value`` most likely meant, for a "did you mean": first one equal to it but for case and
    accents (``fold_value``: "Annulee" -> "Annulée", "Visite Client" -> "Visite client"), else the closest by
    ``difflib`` on the folded forms; None when nothing is close."""
    by_fold: dict[str, str] = {}
    for k in known:
        by_fold.setdefault(fold_value(k), k)
    folded = fold_value(value)
    if folded in by_fold:
        return by_fold[folded]
    close = difflib.get_close_matches(folded, list(by_fold), n=1)
    return by_fold[close[0]] if close else None


def cut_list(text: str, limit: int, sep: str = "; ", mark: str = "…") -> str:
    """``text``, a list joined by ``sep``, fitted in ``limit`` characters by dropping whole items from the end and
    ending with ``mark`` as one more item (``cut_list("A; B; C", 6) == "A; …"``); never an item cut in the middle
    (a cut item would name something else). Unchanged when it fits; ``mark`` alone when not even the first item
    fits."""
    if len(text) <= limit:
        return text
    items = text.split(sep)
    size = len(mark)
    kept: list[str] = []
    for item in items:
        grown = size + len(item) + len(sep)
        if grown > limit:
            break
        kept.append(item)
        size = grown
    return sep.join([*kept, mark])


def french_spacing(text: str) -> str:
    """French text with a no-break space (U+00A0) where an ordinary one stood before ``:`` ``;`` ``!`` ``?`` ``»``
    and after ``«`` (Imprimerie nationale; audit janmeet F7: « Rhône-Alpes : ROI », « « sans coût » » broke before
    the colon or inside the guillemets). Only spaces already written change (``18:00``, ``http://`` are untouched);
    narrow no-break spaces (U+202F) stay. Applied once, where French pages, digests and workbooks are rendered
    (``sync_jobs.report.templating.render``), so every word table, engine sentence and plan text gets it."""
    return _AFTER_OPENING_GUILLEMET.sub("«" + NBSP, _BEFORE_HIGH_PUNCTUATION.sub(NBSP, text))
