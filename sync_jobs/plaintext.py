"""Plain printable text: control characters shown as visible escapes. No Rich, no click: the log formatter uses
it at start-up, before any command (``pac --help`` loads nothing heavier); ``sync_jobs.textsafe`` builds the
CLI's consoles on it."""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls; the Unicode marks that reorder or hide text: Arabic letter
# mark, LRM/RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI; the line and paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\t\n]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: Any, *, lines: bool = False) -> str:
    """``value`` as printable text: control characters shown as escapes (``\\x1b``); tabs and newlines kept when
    ``lines``, else shown as one space (one CRM value stays on one line)."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(_visible, text)
    return text if lines else _BREAKS.sub(" ", text)
