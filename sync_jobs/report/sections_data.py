"""The data behind the figures: the last sync (status, counts, API calls), what was rejected and why, and what was
counted with a data-quality warning (won deals with no amount, credits, amounts taken from or differing from the line
items), with one sentence for each rule present (``i18n``: ``<rule>_hint``).

Rejected records are shown grouped by reason, without their CRM ids: the meeting needs to know how
much is missing and why; ``pac explain`` and ``pac status`` give record-level detail to ops staff.
"""

from __future__ import annotations

from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels
from sync_jobs.report.restated import run_words
from sync_jobs.report.templating import render as render_template
from sync_jobs.report.view import refused_groups, rejected_groups, warning_groups
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.retired_kept import removed_block, split
from sync_jobs.warnings_kept import kept_problems

COUNT_KEYS = ("read", "rejected", "deleted", "written", "failed")   # per object, as the run log keeps them


def data(inputs: ReportInputs, fmt: Formatter) -> str:
    """The section ``templates/report/data.html``."""
    words = labels(fmt.lang)
    run = inputs.last_run
    duration, keys = "–", ["read"]
    if run is not None:
        if run.finished_at is not None:
            seconds = (run.finished_at - run.started_at).total_seconds()
            duration = f"{fmt.number(seconds, 0)}\u00a0{words['seconds']}"
        present = {k for c in run.counts.values() for k in c}
        keys = [k for k in COUNT_KEYS if k in present] or ["read"]
    # what the run took out of the plan is no error: under its own heading, in the report's language (a French
    # report read the kept English line in red under « Erreurs »); a run recorded before migration 0016 kept it among
    # its errors (``retired_kept.split``)
    removed = removed_block(run.errors, fmt.lang, run.removed) if run is not None else ("", [])
    # the plan's warnings in the report's language (a run recorded since migration 0017): those it kept among them in
    # place, then every other one `pac status` lists (an owner no CRM knows, an action no connector measures; audit
    # xcrm: the report showed Paul's action « At risk » with nothing saying no CRM measures it)
    errors = kept_problems(split(run.removed, run.errors)[1], run.plan_warnings, fmt.lang) \
        if run is not None else []
    return render_template("report/data.html", {
        "w": words, "lang": fmt.lang, "fmt": fmt, "run": run, "run_heading": run_words(inputs, fmt)[0],
        "errors": errors, "removed_head": removed[0], "removed": removed[1],
        "duration": duration, "count_keys": keys,
        "count_headers": [(words["object"], ""), *((words[k], "num") for k in keys)],
        "rejected": rejected_groups(inputs, fmt.lang), "refused": refused_groups(inputs.evaluation),
        "warned": warning_groups(inputs.evaluation)})
