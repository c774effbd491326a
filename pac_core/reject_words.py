"""A rejected record's reason in the reader's language: the digest, the report.

``reason_words(reason, lang, code, values)``:

* a connector's code (``pac_core.reject_codes.CODES``): its words in ``lang``;
* an engine set-aside, ``rule: detail`` (``ENGINE_RULES``), is its detail as ``pac explain`` words it
  (``pac_core.decision_words.localise``), else its rule's word (``REASONS``);
* a reason stored with no code by an older pac: read into its code (``reject_codes.LEGACY``), then as a code; in
  English, as it was stored, to the character;
* anything else (a fake connector's text, a CRM's error) as stored, never half translated.
"""

from __future__ import annotations

from pac_core.decision_words import REASONS, localise
from pac_core.reject_codes import CODES, ENGINE_RULES, Values, read_reason


def reason_words(reason: str, lang: str, code: str = "", values: Values = ()) -> str:
    """A rejection's reason for people, in ``lang`` (``fr`` or ``en``): see the module's docstring."""
    rule, _, detail = reason.partition(": ")
    if not code and rule in ENGINE_RULES:      # an engine set-aside, "no_account: the activity has no account"
        return localise(detail, lang) if detail else REASONS.get(lang, REASONS["en"]).get(rule, rule)
    if lang != "fr" and not code:     # English stored by an older pac: as it was stored, to the character
        return reason
    read = read_reason(reason, code, values)
    if read is None:
        return reason
    words = CODES[read[0]]
    return (words.fr if lang == "fr" else words.en)(dict(read[1]))
