"""The data behind the figures: the last sync (status, counts, API calls) and what was rejected and why.

Rejected records are shown grouped by reason, without their CRM ids: the meeting needs to know how
much is missing and why; ``pac explain`` and ``pac status`` give record-level detail to ops staff.
"""

from __future__ import annotations

from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label, labels
from sync_jobs.report.view import refused_groups, rejected_groups
from sync_jobs.report.widgets import e, empty, section, table
from sync_jobs.report_inputs import ReportInputs

COUNT_KEYS = ("read", "rejected", "deleted", "written", "failed")   # per object, as the run log keeps them


def data(inputs: ReportInputs, fmt: Formatter) -> str:
    words = labels(fmt.lang)
    parts = [_last_run(inputs, fmt)]
    groups = rejected_groups(inputs)
    rows = [f"<tr><td>{e(source)}</td><td>{e(enum_label('object', obj, fmt.lang))}</td><td>{e(reason)}</td>"
            f'<td class="num">{e(fmt.number(n))}</td></tr>' for source, obj, reason, n in groups]
    parts.append(f'<div class="avoid"><h3>{e(words["rejected_records"])}</h3><p class="lead">'
                 f'{e(words["rejected_intro"])}</p>')
    parts.append(table([(words["source"], ""), (words["object"], ""), (words["reason"], ""), (words["count"], "num")],
                       rows, css="compact") if rows else empty(words["none_rejected"]))
    parts.append("</div>")
    refused = refused_groups(inputs.evaluation)
    if refused:
        rows = [f"<tr><td>{e(enum_label('decision', rule, fmt.lang))}</td>"
                f'<td class="num">{e(fmt.number(n))}</td></tr>' for rule, n in refused]
        parts.append(f'<div class="avoid"><h3>{e(words["engine_refused"])}</h3>'
                     f'{table([(words["reason"], ""), (words["count"], "num")], rows, css="compact narrow")}'
                     f'<p class="hint">{e(words["explain_hint"])}</p></div>')
    return section("data", words["sec_data"], "".join(parts))


def _last_run(inputs: ReportInputs, fmt: Formatter) -> str:
    words = labels(fmt.lang)
    run = inputs.last_run
    if run is None:
        return empty(words["no_sync"])
    duration = "–"
    if run.finished_at is not None:
        duration = f"{fmt.number((run.finished_at - run.started_at).total_seconds(), 0)}\u00a0{words['seconds']}"
    status = enum_label("sync_status", run.status, fmt.lang)
    facts = [(words["status"], f'<span class="badge sync-{e(run.status)}">{e(status)}</span>'),
             (words["started"], e(fmt.datetime(run.started_at))),
             (words["finished"], e(fmt.datetime(run.finished_at))),
             (words["duration"], e(duration)),
             (words["api_calls"], e(fmt.number(sum(run.api_calls.values()))))]
    out = ['<div class="two data"><div>', f'<h3>{e(words["last_sync"])}</h3><dl class="facts">']
    out += [f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in facts]
    out.append("</dl></div><div>")
    if run.counts:
        present = {k for c in run.counts.values() for k in c}
        keys = [k for k in COUNT_KEYS if k in present] or ["read"]
        rows = [f"<tr><td>{e(enum_label('object', obj, fmt.lang))}</td>"
                + "".join(f'<td class="num">{e(fmt.number(c.get(k)) if k in c else "–")}</td>' for k in keys)
                + "</tr>" for obj, c in run.counts.items()]
        out.append(table([(words["object"], ""), *((words[k], "num") for k in keys)], rows, css="compact"))
    if run.api_calls:
        rows = [f'<tr><td>{e(name)}</td><td class="num">{e(fmt.number(n))}</td>'
                f'<td class="num">{e(fmt.number(run.quota_left.get(name)))}</td></tr>'
                for name, n in run.api_calls.items()]
        out.append(table([(words["connector"], ""), (words["api_calls"], "num"), (words["quota_left"], "num")],
                         rows, css="compact"))
    out.append("</div></div>")
    if run.errors:
        items = "".join(f"<li>{e(err)}</li>" for err in run.errors)
        out.append(f'<h3>{e(words["errors"])}</h3><ul class="errors">{items}</ul>')
    if run.conflicts:
        items = "".join(f"<li>{e(c)}</li>" for c in run.conflicts)
        out.append(f'<h3>{e(words["plan_conflicts"])}</h3><p class="lead">{e(words["plan_conflicts_intro"])}</p>'
                   f'<ul class="errors">{items}</ul>')
    return "".join(out)
