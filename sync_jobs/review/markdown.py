"""The monthly review as Markdown (a chat message, a wiki page, an e-mail body): same content as the HTML.

Table cells escape ``|``, ``*``, ``_``, backticks, ``<`` and ``>`` so a plan or CRM string cannot break
the table or inject markup; secrets are scrubbed like everywhere else.
"""

from __future__ import annotations

from datetime import timedelta

from pac_core.results import Pace
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label
from sync_jobs.report.scrub import scrub
from sync_jobs.review.html import change_text, formatter
from sync_jobs.review.model import ActionLine, Review
from sync_jobs.review.words import words

_SECOND = timedelta(seconds=1)
_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\|*_`[]<>#"})


def md(text: object) -> str:
    """Plain text safe in a Markdown table cell or line."""
    return scrub("" if text is None else str(text)).replace("\r", " ").replace("\n", " ").translate(_SPECIAL)


def render(review: Review, lang: str | None = None) -> str:
    fmt = formatter(review, lang)
    w = words(fmt.lang)
    out = [f"# {md(review.plan.name)} — {w['title']} {fmt.period_label(review.month)}", "",
           f"{w['as_of']} {fmt.datetime(review.as_of)}."]
    if review.previous is None:
        out.append(w["first_month"])
    else:
        how = w["compared_snapshot"] if review.previous_source == "snapshot" else w["compared_recomputed"]
        out.append(w["compared"].format(previous=fmt.period_label(review.previous), how=how) + ".")
    out.append("")
    if review.manager:
        paces = (Pace.DONE, Pace.ON_TRACK, Pace.AT_RISK, Pace.LATE, Pace.NOT_STARTED)
        out += [f"## {w['team']}", "", "| " + " | ".join([w["rep"], *(enum_label("pace", p.value, fmt.lang)
                                                                      for p in paces), w["change"]]) + " |",
                "|" + "---|" * (len(paces) + 2)]
        for rep in review.reps:
            counts = rep.counts()
            out.append("| " + " | ".join([md(rep.name), *(str(counts.get(p, 0)) for p in paces),
                                          str(len(rep.changed))]) + " |")
        out += ["", f"## {w['axes']}", ""]
        shown = [a for a in review.axes if a.pace in (Pace.AT_RISK, Pace.LATE) or a.pace_changed]
        if not shown:
            out.append(w["no_axes"])
        else:
            out += [f"| {w['axis']} | {w['pace']} | {w['before']} | {w['progress']} |", "|---|---|---|---|"]
            for line in shown:
                before = enum_label("pace", line.before.pace.value, fmt.lang) if line.before else "–"
                now = enum_label("pace", line.pace.value, fmt.lang) if line.pace else "–"
                progress = fmt.percent(line.now.progress) if line.now and line.now.progress is not None else "–"
                out.append(f"| {md(line.axis.name)} ({md(line.axis.id)}) | {now} | {before} | {progress} |")
        out += ["", f"## {w['news']}", ""]
        names = {a.id: a.name for a in review.plan.axes}
        if not review.news:
            out.append(w["no_news"])
        for item in review.news:
            reco = item.recommendation
            tag = w["new"] if item.new else w["still"]
            out.append(f"- **{enum_label('rule', reco.rule.value, fmt.lang)}** · "
                       f"{md(names.get(reco.axis_id, reco.axis_id))} ({tag}){w['colon']} {md(reco.summary)}")
        if review.withdrawn:
            out += ["", f"{w['withdrawn']}{w['colon']}"]
            out += [f"- {enum_label('rule', r.rule.value, fmt.lang)} · {md(names.get(r.axis_id, r.axis_id))}"
                    for r in review.withdrawn]
        out.append("")
    for rep in review.reps:
        out += [f"## {md(rep.name)}", ""]
        for key, lines in (("late", rep.with_pace(Pace.LATE)), ("at_risk", rep.with_pace(Pace.AT_RISK)),
                           ("done", rep.with_pace(Pace.DONE))):
            out += [f"### {w[key]}", "", *_lines(lines, review, fmt), ""]
        if review.previous is not None:
            out += [f"### {w['changed']}", "", *_lines(rep.changed, review, fmt, change=True), ""]
        until = fmt.date(review.next_until - _SECOND)
        out += [f"### {w['next'].format(until=until)}", "", *_lines(rep.next_due, review, fmt, deadline=True), ""]
    out.append(f"_{w['footer']}_")
    return "\n".join(out) + "\n"


def _lines(lines: list[ActionLine] | tuple[ActionLine, ...], review: Review, fmt: Formatter, *, change: bool = False,
           deadline: bool = False) -> list[str]:
    w = words(fmt.lang)
    if not lines:
        return [w["nothing"]]
    head = [w["action"], w["when"], w["done_target"], w["pace"]]
    head += [w["change"]] if change else []
    head += [w["deadline"]] if deadline else []
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for line in lines:
        now = line.now
        cells = [f"{md(line.action.text)} ({md(line.action.id)})",
                 fmt.date_range(line.action.window.start, line.action.window.end),
                 f"{now.done} / {now.target}" if now else "–",
                 enum_label("pace", line.pace.value, fmt.lang) if line.pace else "–"]
        if change:
            cells.append(md(change_text(line, fmt)))
        if deadline:
            cells.append(fmt.date(line.action.window.end - _SECOND))
        out.append("| " + " | ".join(cells) + " |")
    return out
