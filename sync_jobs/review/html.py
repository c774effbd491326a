"""The monthly review as one self-contained HTML page, in the report's style and with its escaping.

Every plan or CRM string goes through ``sync_jobs.report.widgets.e`` (secrets scrubbed, then escaped);
the page forbids scripts and network like the quarterly report (same Content-Security-Policy).
"""

from __future__ import annotations

from datetime import timedelta

from pac_core.results import Pace
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label
from sync_jobs.report.page import CSP
from sync_jobs.report.scrub import scrub_page
from sync_jobs.report.style import CSS
from sync_jobs.report.widgets import e, empty, pace_badge, section, table
from sync_jobs.review.model import ActionLine, RepReview, Review
from sync_jobs.review.words import words

EXTRA_CSS = """
.rep-block{border-top:1px solid var(--line);padding-top:6px;margin-top:14px}
.rep-block:first-of-type{border-top:0}
.chg{font-size:13px;color:var(--muted)}
.tag.new{background:#e7f0ff;color:var(--accent);border-radius:8px;padding:1px 7px;font-size:12px;font-weight:600}
.tag.still{background:#f1f3f6;color:var(--muted);border-radius:8px;padding:1px 7px;font-size:12px}
ul.withdrawn{color:var(--muted);margin:6px 0 0 18px;padding:0}
"""
_SECOND = timedelta(seconds=1)


def formatter(review: Review, lang: str | None) -> Formatter:
    plan = review.plan
    return Formatter(lang=lang or plan.language, currency=plan.currency, timezone=plan.timezone)


def render(review: Review, lang: str | None = None) -> str:
    fmt = formatter(review, lang)
    w = words(fmt.lang)
    month = fmt.period_label(review.month)
    body = []
    if review.manager:
        body += [_team(review, fmt), _axes(review, fmt), _news(review, fmt)]
    body += [_rep(rep, review, fmt) for rep in review.reps]
    if review.previous is None:
        compared = w["first_month"]
    else:
        how = w["compared_snapshot"] if review.previous_source == "snapshot" else w["compared_recomputed"]
        compared = w["compared"].format(previous=fmt.period_label(review.previous), how=how)
    title = f'{review.plan.name} — {w["title"]} {month}'
    return scrub_page(
        f'<!DOCTYPE html><html lang="{e(fmt.lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light"><meta name="generator" content="pac">'
        f"<title>{e(title)}</title><style>{CSS}{EXTRA_CSS}</style></head><body>"
        f'<header class="masthead"><div class="page"><div class="eyebrow">{e(w["title"])} · {e(month)}</div>'
        f"<h1>{e(review.plan.name)}</h1><div class=\"meta\"><span>{e(w['as_of'])} {e(fmt.datetime(review.as_of))}"
        f"</span><span>{e(compared)}</span></div></div></header>"
        f'<main class="page">{"".join(body)}</main>'
        f'<footer>{e(w["footer"])} · {e(review.plan.name)} · {e(w["as_of"])} {e(fmt.datetime(review.as_of))}'
        "</footer></body></html>")


def _team(review: Review, fmt: Formatter) -> str:
    w = words(fmt.lang)
    paces = (Pace.DONE, Pace.ON_TRACK, Pace.AT_RISK, Pace.LATE, Pace.NOT_STARTED)
    headers = [(w["rep"], "")] + [(enum_label("pace", p.value, fmt.lang), "num") for p in paces]
    headers.append((w["change"], "num"))
    rows = []
    for rep in review.reps:
        counts = rep.counts()
        cells = "".join(f'<td class="num">{counts.get(p, 0) or ""}</td>' for p in paces)
        changes = len(rep.changed)
        rows.append(f'<tr><td><a href="#rep-{e(_anchor(rep.email))}"><b>{e(rep.name)}</b></a></td>{cells}'
                    f'<td class="num">{changes or ""}</td></tr>')
    return section("team", w["team"], table(headers, rows, css="matrix"), lead=w["team_lead"])


def _axes(review: Review, fmt: Formatter) -> str:
    w = words(fmt.lang)
    shown = [a for a in review.axes if a.pace in (Pace.AT_RISK, Pace.LATE) or a.pace_changed]
    if not shown:
        return section("axes", w["axes"], empty(w["no_axes"]), lead=w["axes_lead"])
    rows = []
    for line in shown:
        now = line.now
        before = pace_badge(line.before.pace, fmt.lang) if line.before else "–"
        progress = fmt.percent(now.progress) if now and now.progress is not None else "–"
        rows.append(f"<tr><td><b>{e(line.axis.name)}</b><div class=\"sub\">{e(line.axis.id)}</div></td>"
                    f"<td>{pace_badge(line.pace, fmt.lang)}</td><td>{before}</td><td class=\"num\">{e(progress)}</td>"
                    "</tr>")
    headers = [(w["axis"], ""), (w["pace"], ""), (w["before"], ""), (w["progress"], "num")]
    return section("axes", w["axes"], table(headers, rows), lead=w["axes_lead"])


def _news(review: Review, fmt: Formatter) -> str:
    w = words(fmt.lang)
    names = {a.id: a.name for a in review.plan.axes}
    if not review.news and not review.withdrawn:
        return section("news", w["news"], empty(w["no_news"]), lead=w["news_lead"])
    cards = []
    for item in review.news:
        reco = item.recommendation
        kind = "new" if item.new else "still"
        tag = f'<span class="tag {kind}">{e(w[kind])}</span>'
        cards.append(f'<article class="reco avoid rule-{e(reco.rule.value)}"><div class="reco-head">'
                     f'<span class="badge rule">{e(enum_label("rule", reco.rule.value, fmt.lang))}</span>'
                     f'<span class="where">{e(names.get(reco.axis_id, reco.axis_id))}</span> {tag}</div>'
                     f"<p>{e(reco.summary)}</p></article>")
    body = f'<div class="recos">{"".join(cards)}</div>' if cards else empty(w["no_news"])
    if review.withdrawn:
        items = "".join(f'<li>{e(enum_label("rule", r.rule.value, fmt.lang))} · {e(names.get(r.axis_id, r.axis_id))}'
                        "</li>" for r in review.withdrawn)
        body += f'<h3>{e(w["withdrawn"])}</h3><ul class="withdrawn">{items}</ul>'
    return section("news", w["news"], body, lead=w["news_lead"])


def _rep(rep: RepReview, review: Review, fmt: Formatter) -> str:
    w = words(fmt.lang)
    blocks = []
    for key, lines in (("late", rep.with_pace(Pace.LATE)), ("at_risk", rep.with_pace(Pace.AT_RISK)),
                       ("done", rep.with_pace(Pace.DONE))):
        blocks.append(f'<h3>{e(w[key])}</h3>' + (_lines(lines, fmt) if lines else empty(w["nothing"])))
    if review.previous is not None:
        blocks.append(f'<h3>{e(w["changed"])}</h3>'
                      + (_lines(rep.changed, fmt, change=True) if rep.changed else empty(w["nothing"])))
    until = fmt.date(review.next_until.replace(microsecond=0) - _SECOND)
    blocks.append(f'<h3>{e(w["next"].format(until=until))}</h3>'
                  + (_lines(rep.next_due, fmt, deadline=True) if rep.next_due else empty(w["nothing"])))
    return section(f"rep-{_anchor(rep.email)}", rep.name, "".join(blocks))


def _lines(lines: list[ActionLine] | tuple[ActionLine, ...], fmt: Formatter, *, change: bool = False,
           deadline: bool = False) -> str:
    w = words(fmt.lang)
    headers = [(w["action"], ""), (w["when"], ""), (w["done_target"], "num"), (w["pace"], "")]
    if change:
        headers.append((w["change"], ""))
    if deadline:
        headers.append((w["deadline"], ""))
    rows = []
    for line in lines:
        now = line.now
        figures = f"<b>{now.done}</b> / {now.target}" if now else "–"
        when = fmt.date_range(line.action.window.start, line.action.window.end)
        cells = (f'<td class="action-text">{e(line.action.text)}<div class="sub">{e(line.action.id)} · '
                 f'{e(line.axis.name)}</div></td><td>{e(when)}</td>'
                 f'<td class="num">{figures}</td><td>{pace_badge(line.pace, fmt.lang)}</td>')
        if change:
            cells += f'<td class="chg">{e(change_text(line, fmt))}</td>'
        if deadline:
            cells += f'<td>{e(fmt.date(line.action.window.end - _SECOND))}</td>'
        rows.append(f"<tr>{cells}</tr>")
    return table(headers, rows, css="actions")


def change_text(line: ActionLine, fmt: Formatter) -> str:
    """``À risque → Terminée · +3 depuis le mois dernier``."""
    w = words(fmt.lang)
    if line.before is None:
        return w["new_action"]
    parts = []
    if line.now is not None and line.before.pace != line.now.pace:
        parts.append(f'{enum_label("pace", line.before.pace.value, fmt.lang)} → '
                     f'{enum_label("pace", line.now.pace.value, fmt.lang)}')
    if line.done_delta:
        parts.append(w["counted_since"].format(n=line.done_delta) if line.done_delta > 0
                     else f"{line.done_delta}")
    return " · ".join(parts)


def _anchor(email: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in email.lower())
