"""A text fitted to a CRM field's length, as the CRM counts it.

Salesforce counts a text field's length in UTF-16 code units: a character outside the Basic Multilingual Plane (most
emoji, some CJK ideographs) counts two ("Surrogate pair characters are treated as two characters", Salesforce Help
005166849). A text longer than the field is cut and ends with « … », after whole characters as a reader sees them:
never one regional indicator of a flag, a letter without the accent combined with it, an emoji without its skin tone
or variation selector, or part of a ZWJ sequence (audit wbvalues F1).
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
_ZWJ = "\u200d"
# control characters a CRM field does not keep (tab, line feed and carriage return stay): Salesforce's writer drops
# them, and every CRM gets the text without them (``sync_jobs.diff.desired_state``), so what drift repair reads back
# is what pac wrote (audit wbvalues F4)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """``text`` without the control characters a CRM field does not keep (``CONTROL``)."""
    return CONTROL.sub("", text)


def units(text: str) -> int:
    """``text``'s length as Salesforce counts it: UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _extends(c: str) -> bool:
    """Whether ``c`` belongs to the character before it: a combining mark, a ZWJ, a variation selector, an emoji skin
    tone, an emoji tag."""
    o = ord(c)
    return (unicodedata.category(c) in ("Mn", "Me", "Mc") or c == _ZWJ or 0xFE00 <= o <= 0xFE0F
            or 0xE0100 <= o <= 0xE01EF or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F)


def _regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF


def _boundary(text: str, end: int) -> int:
    """The largest cut at or before ``end`` that splits no character as a reader sees it."""
    while 0 < end < len(text):
        if _extends(text[end]) or text[end - 1] == _ZWJ:
            end -= 1
            continue
        if _regional(text[end]) and _regional(text[end - 1]):
            run = end
            while run > 0 and _regional(text[run - 1]):
                run -= 1
            if (end - run) % 2:         # an odd run of indicators before the cut: the last one is half a flag
                end -= 1
                continue
        break
    return end


def cut(text: str, limit: int, mark: str = ELLIPSIS) -> str:
    """``text`` when it fits in ``limit`` UTF-16 units; else its longest start that fits with ``mark`` after it, cut
    between whole characters, trailing spaces dropped, then ``mark``."""
    if units(text) <= limit:
        return text
    room, end = limit - units(mark), 0
    for c in text:
        size = 2 if ord(c) > 0xFFFF else 1
        if room < size:
            break
        room -= size
        end += 1
    end = _boundary(text, end)
    while True:     # the spaces dropped may leave a joiner last (« \u200d aa »): cut again before it
        kept = text[:end].rstrip()
        end = _boundary(text, len(kept))
        if end == len(kept):
            return kept + mark
