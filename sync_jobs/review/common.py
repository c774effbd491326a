"""What the review's HTML and Markdown share: the formatter, the team's paces, the axes shown, a change in words."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from pac_core.money import pace_decimals, with_minus
from pac_core.plan_end import quiet_line
from pac_core.results import Pace, Recommendation
from pac_core.rounding import half_up
from sync_jobs.report.deals import moves_text, signed_money
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import de, enum_label, for_next_plan, labels
from sync_jobs.report.restated import end_words, since_lines
from sync_jobs.review.model import ActionLine, AxisLine, RepReview, Review

SECOND = timedelta(seconds=1)
TEAM_PACES = (Pace.DONE, Pace.ON_TRACK, Pace.AT_RISK, Pace.LATE, Pace.NOT_STARTED)
REP_BLOCKS = (("late", Pace.LATE), ("at_risk", Pace.AT_RISK), ("done", Pace.DONE))


def formatter(review: Review, lang: str | None) -> Formatter:
    return Formatter.for_plan(review.plan, lang)


def shown_axes(review: Review) -> list[AxisLine]:
    """Axes at risk or late, those whose pace changed since the previous review, and those whose previous month lost
    revenue after its review (decided 7 Dec 2026, audit reviewleft: a deal of then reopened, lost or lowered is news
    even when the pace holds), or one of whose deals counted then counts less or nothing now, whichever month it was
    won in (audit reviewdeals)."""
    return [a for a in review.axes if a.pace in (Pace.AT_RISK, Pace.LATE) or a.pace_changed or a.late < 0
            or (a.moves is not None and a.moves.dropped)]


def axis_change(line: AxisLine, fmt: Formatter, review_month: str | None = None) -> str:
    """An axis since the previous review, as the actions' « Évolution »: its progress as the two reviews printed it,
    its additional revenue, and why where pac knows it: « 140 % → 80 % · −9 000 € depuis le mois dernier, dont −9 000 €
    de mars 2026 retirés après sa revue (affaire rouverte, perdue ou réduite) », « objectif 15 000 € → 20 000 € »,
    « Suspendu (du 1er juin 2026 au 31 août 2026) » (audit reviewleft: AX-KEY read 140 % in March and 80 % in April
    with nothing saying it moved, nor why). « avancement inchangé » with nothing moved; « – » with no previous
    review."""
    if line.now is None or line.before is None:
        return "–"
    w = labels(fmt.lang, "review")
    now, before = line.now, line.before
    parts = []
    if now.progress is not None and before.progress is not None \
            and fmt.progress(now.progress) != fmt.progress(before.progress):
        parts.append(f"{fmt.progress(before.progress)} → {fmt.progress(now.progress)}")
    if line.additional_delta or (line.moves is not None and line.moves.deals):
        # a deal reopened and another won of the same amount: « 0 € depuis le mois dernier · détail : … »
        delta = line.additional_delta
        words = w["counted_since"].format(n=signed_money(delta, fmt) if delta else fmt.money(0))
        if line.late and review_month is not None:
            key = ("axis_late_entered" if line.late > 0 else "axis_late_removed") + ("_listed" if line.moves else "")
            words += w[key].format(n=signed_money(line.late, fmt), month=fmt.month_name(review_month))
        elif line.additional_delta < 0 and half_up(now.revenue) >= half_up(before.revenue) and line.moves is None:
            # no revenue lost: the baseline to date grew (last year's deals of the month, a fixed one pro-rated)
            words += w["axis_baseline_grew"].format(n=signed_money(half_up(now.baseline) - half_up(before.baseline),
                                                                   fmt))
        parts.append(words)
        if line.moves is not None:
            parts.append(moves_text(line.moves, fmt))
    if (now.objective is not None and before.objective is not None and now.objective != before.objective
            and now.growth_base_through is None and before.growth_base_through is None):
        parts.append(w["objective_changed"].format(before=fmt.money(before.objective), after=fmt.money(now.objective)))
    state = line.axis.status
    if now.pace is Pace.INACTIVE and before.pace is not Pace.INACTIVE and state.state.value != "active":
        words = enum_label("state", state.state.value, fmt.lang, rank=state.rank or "")
        report = labels(fmt.lang)
        if state.since and state.until:
            words += f' ({report["since_until_day"].format(day=fmt.date(state.since), until=fmt.date(state.until))})'
        elif state.until:
            words += f' ({report["until_day"].format(until=fmt.date(state.until))})'
        elif state.since:
            words += f' ({report["since_day"].format(day=fmt.date(state.since))})'
        parts.append(words)
    return " · ".join(parts) or w["axis_unchanged"]


def expected_words(line: ActionLine, fmt: Formatter) -> str:
    """The count expected by the review's day (« Attendu à date »), one decimal, on its own side of the done count: an
    action at risk with 5 done of 6 at 83.42 % of its window expects 5.005, which read « 5 / 6 · 5,0 · À risque », at
    risk beside a figure it had reached (decided 7 Dec 2026, audit reviewdeals; the report's rule for a progress,
    docs/report.md, *A progress reads on its own side of 0 % and 100 %*): two decimals then, « 5,01 », rounded up when
    even two would read as the count done (5.0003: « 5,01 »)."""
    shown = line.shown
    if shown is None:
        return "–"
    expected = shown.expected_by_now
    places = pace_decimals(shown.done, expected, 1, percent=False)   # the workbook's and the CSV's rule too
    if expected <= shown.done or half_up(expected, places) > shown.done:
        return fmt.number(expected, places)
    return fmt.number(Decimal(str(expected)).quantize(Decimal("0.01"), rounding=ROUND_CEILING), 2)


def inactive_note(review: Review) -> list[tuple[RepReview, list[ActionLine]]]:
    """The reps with actions inactive at the month's end, which no pace column of the team's table counts: said under
    it, « Actions inactives, hors tableau (…) : Marc Dubois 1 (A-04) » (decided 7 Dec 2026, audit reviewleft)."""
    return [(rep, rep.inactive) for rep in review.reps if rep.inactive]


def compared(review: Review, fmt: Formatter) -> str | None:
    """``Comparée à la revue précédente (avril 2027, instantané gardé alors)``; None for the plan's first month."""
    if review.previous is None:
        return None
    w = labels(fmt.lang, "review")
    how = w["compared_snapshot"] if review.previous_source == "snapshot" else w["compared_recomputed"]
    return w["compared"].format(previous=fmt.month_name(review.previous), how=how)


def status(review: Review, fmt: Formatter) -> str:
    """The review's instant in the report's words: a closed month « Situation à la fin du 31 décembre 2026 » (its
    exclusive end, 1 January 00:00, is not counted: ``restated.end_words``), a running one « Situation au 20 mai
    2027 à 18:00 »; re-evaluated on today's records and plan with figures other than its kept snapshot's, « …,
    recalculé sur les saisies et le plan d'aujourd'hui » (audit janmeet F4: a December review headed « au 1er janvier
    2027 à 00:00 »), and so is a closed month with no snapshot kept, « … (aucun instantané conservé du mois) » (audit
    asofplan F3: its figures count today's targets and actions with nothing saying so); so is one whose figures are
    the kept ones from other deals (``Review.since_moves``: deals that cancel out, audit snapdeals)."""
    report = labels(fmt.lang)
    day = end_words(review.as_of, fmt)
    words = report["as_of_end"].format(day=day) if day else f'{report["as_of"]} {fmt.datetime(review.as_of)}'
    if review.calendar_now is not None:   # kept under a calendar the plan no longer has (audit fiscalchange)
        changed = report["basis_calendar_changed_month"].format(first=fmt.date(review.calendar_now[0]),
                                                                last=fmt.date(review.calendar_now[1]))
        kept = report["basis_snapshot"].format(day=day or fmt.datetime(review.as_of))
        return f'{kept} ({report["basis_kept"]}{changed})'
    if review.kept is False:
        return f'{words}, {report["basis_restated"]} ({report["basis_no_month_snapshot"]})'
    return f'{words}, {report["basis_restated"]}' if review.since or review.since_moves else words


def late_words(line: ActionLine, previous: str | None, fmt: Formatter) -> str:
    """« , dont +1 de mars 2026 saisi après sa revue »: the previous month's count moved since its kept review (a visit
    of 30 March typed on 3 April), said beside the count since last month; "" when it did not."""
    if not line.late or previous is None:
        return ""
    key = ("late_entered" if line.late > 0 else "late_removed") + ("_many" if abs(line.late) > 1 else "")
    return labels(fmt.lang, "review")[key].format(n=with_minus(f"{line.late:+d}"), month=fmt.month_name(previous))


def change_text(line: ActionLine, fmt: Formatter, review_month: str | None = None) -> str:
    """``À risque → Terminée · +3 depuis le mois dernier``, ``cible 4 → 5``, ``dates 31 mai – 6 juin 2027 → 7–13 juin
    2027``, ``reprise de Julie Martin`` (``reprise
    d'Alex Kim``); a count of the previous month (``review_month``, the previous review's) entered after its review
    is said, ``+1 depuis le mois dernier, dont +1 de mars 2026 saisi après sa revue``."""
    w = labels(fmt.lang, "review")
    if line.before is None:
        return w["new_action"]
    if line.removed:
        return f'{enum_label("pace", line.before.pace.value, fmt.lang)} → {enum_label("pace", "removed", fmt.lang)}'
    if line.handed_to is not None:
        return w["handed_to"].format(name=line.handed_to)
    parts = []
    if line.now is not None and line.before.pace != line.now.pace:
        parts.append(f'{enum_label("pace", line.before.pace.value, fmt.lang)} → '
                     f'{enum_label("pace", line.now.pace.value, fmt.lang)}')
    if line.done_delta:     # « −1 depuis le mois dernier » too; « …, dont +1 de mars 2026 saisi après sa revue »
        parts.append(w["counted_since"].format(n=with_minus(f"{line.done_delta:+d}"))
                     + late_words(line, review_month, fmt))
    if line.now is not None and line.before.target != line.now.target:
        parts.append(w["target_changed"].format(before=line.before.target, after=line.now.target))
    if line.now is not None and line.window_before is not None:    # moved a week, a due date moved (audit hshand7)
        parts.append(w["window_changed"].format(
            before=fmt.date_range(line.window_before.start, line.window_before.end),
            after=fmt.date_range(line.action.window.start, line.action.window.end)))
    if line.taken_from is not None:
        parts.append(w["taken_from"].format(name=line.taken_from, de=de(line.taken_from)))
    return " · ".join(parts)


def anchor(email: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in email.lower())


def advice_words(review: Review, lang: str) -> dict[str, object]:
    """The advisor's news as the templates show them: the section's title and lead, the kind of the rules' names,
    and each recommendation's sentence. Once the plan is over (``Review.plan_over``) they are the quarterly report's
    words for the next plan (« Pour le plan suivant », « Ne pas reconduire l'axe … », ``i18n.for_next_plan``): a
    plan with no day left cannot « Abandonner » or « Suspendre » anything (audit reverify N1)."""
    if not review.plan_over:
        w = labels(lang, "review")
        early = quiet_line(review.plan, review.as_of, lang)   # an axis no ROI rule judged (janmeet F8, m3cost)
        return {"news_title": w["news"], "news_lead": w["news_lead"], "news_intro": "", "rule_kind": "rule",
                "reco_text": lambda reco: reco.text(lang), "no_news": early or w["no_news"]}
    report = labels(lang)

    def next_plan_text(reco: Recommendation) -> str:
        return for_next_plan(reco.text(lang), lang)

    return {"news_title": report["sec_recos_next"], "news_lead": report["recos_next_intro"],
            "news_intro": report["recos_next_intro"], "rule_kind": "rule_next", "reco_text": next_plan_text,
            "no_news": report["no_recos_next"]}


def values(review: Review, fmt: Formatter) -> dict[str, object]:
    """What both templates are given."""
    # the advice no longer made is the previous review's, named as it printed it: « Abandonner · Chimie clés », not the
    # next plan's « Ne pas reconduire » of the plan's last month, words no review had printed (audit reviewyear)
    return {**advice_words(review, fmt.lang), "withdrawn_kind": "rule",
            "review": review, "fmt": fmt, "w": labels(fmt.lang, "review"), "lang": fmt.lang,
            "month": fmt.month_name(review.month), "compared": compared(review, fmt),
            "status": status(review, fmt), "since": since_lines(review.since, review.as_of, fmt, review.since_moves),
            "team_paces": TEAM_PACES, "rep_blocks": REP_BLOCKS, "shown_axes": shown_axes(review),
            "axis_names": {a.id: a.name for a in review.plan.axes}, "second": SECOND,
            "change_text": lambda line, fmt: change_text(line, fmt, review.previous), "anchor": anchor,
            "expected_words": expected_words,
            "axis_change": lambda line, fmt: axis_change(line, fmt, review.previous) if review.previous else "–",
            "inactive": inactive_note(review)}
