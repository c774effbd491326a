"""Text folding shared by the parsers (periods, linter): one way to compare French and English text."""

from __future__ import annotations

import unicodedata

_PLAIN = {"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " ", "\u202f": " "}


def fold_keep_length(text: str) -> str:
    """Lower case, no accents, plain quotes, dashes and spaces; same length as ``text``.

    Keeping the length lets a parser match on the folded text and report spans in the original.
    """
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        low = base.lower() if len(base) == 1 else ch.lower()
        low = _PLAIN.get(low, low)
        out.append(low if len(low) == 1 else ch)
    return "".join(out)
