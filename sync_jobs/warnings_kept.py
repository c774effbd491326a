"""A run's kept problems as `pac status` and the report's data section list them, its plan warnings in their
language (audit warnfr, 7 Dec 2026).

A run keeps its errors and the CRMs' warnings as lines (``pac_run.errors``: English, the CRM's own words among them,
for the CRM admin), and the plan's warnings it worded as records (``pac_run.plan_warnings``, migration 0017:
``pac_core.plan_warnings``), which the readers word in their language. The few plan warnings a run kept as lines
before (an action handed over without ``handed_over``, the CRM values lost with an item leaving the plan, a picklist
value relabelled: ``warning: ...``) are still written among the errors for a pac that does not read the records;
a reader that does words those lines from the records (the same English words) in its language, in place: no
warning twice. `pac status` lists the other records after them; the report's data section, as before, those only. A run
recorded before 0017 (NULL) has its lines only, listed as they are. Standard library and ``pac_core`` only: ``pac
status`` loads no run module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pac_core.plan_warnings import from_record
from sync_jobs.logs import redact

WARNING_HEAD = "warning: "
"""How a warning kept with a run's problems starts, apart from the errors (``RunResult.lacking``...)."""

HEADS = {"en": WARNING_HEAD, "fr": "attention : "}
"""How a plan warning is listed among a run's problems, by language (``pac sync``'s own heads)."""

Kept = Iterable[Mapping[str, Any]] | None
"""A run-log row's plan warnings (``pac_run.plan_warnings``); None for a run recorded before migration 0017."""


def kept_problems(errors: Iterable[str] | None, plan_warnings: Kept, lang: str, *, every: bool = True) -> list[str]:
    """The problems of a run as listed: its errors and CRM warnings as kept, each line that said a plan warning in
    English (kept for older readers) replaced in place by the warning in ``lang`` (``fr``, else English) after
    ``HEADS``, then (``every``: `pac status`) the plan warnings kept as records only (an action no connector
    measures, an owner no CRM knows...), so no warning is listed twice. A run recorded before migration 0017
    (``plan_warnings`` None): its lines as kept."""
    lines = list(errors or ())
    if plan_warnings is None:
        return lines
    head = HEADS.get(lang, WARNING_HEAD)
    kept = set(lines)
    in_place: dict[str, str] = {}
    rest: list[str] = []
    for row in plan_warnings:
        line, worded = WARNING_HEAD + str(row.get("en", "")), head + redact(from_record(row).words(lang))
        if line in kept and line not in in_place:
            in_place[line] = worded
        else:
            rest.append(worded)
    return [*(in_place.get(e, e) for e in lines), *(rest if every else ())]
