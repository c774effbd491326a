"""``pac advice``: the advisor's recommendation per axis with its evidence, the rules it overruled, and the axis's KPIs.

Read-only: the plan is evaluated on the stored records (no CRM call), as ``pac report`` does. One language per
output (``--lang``, default the plan's): the sentences, the evidence's labels and the KPI names.
"""

from __future__ import annotations

import sys
from dataclasses import replace

import click

from pac_config.planfile import load_plan
from pac_config.settings import engine_settings
from pac_core.engine_settings import EngineSettings
from pac_core.kpi_vocabulary import summary
from pac_core.plan import Plan
from pac_core.plan_end import period_line, plan_ended, quiet_line
from pac_core.results import Evaluation
from sync_jobs import cli_common
from sync_jobs.app import current
from sync_jobs.cli_status import NO_ADVICE
from sync_jobs.exit_codes import EXIT_BAD_INPUT
from sync_jobs.pipeline import evaluate
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import enum_label

WORDS = {
    "fr": {"none": NO_ADVICE["fr"], "evidence": "éléments",
           "overruled": "aussi envisagé, écarté par la règle prioritaire", "kpis": "indicateurs",
           "no_advice": "pas de recommandation", "threshold": "seuil", "unknown": "axe inconnu {axis}",
           "fix": "axes du plan : {known}", "context": "contexte déclaré", "colon": " :"},
    "en": {"none": NO_ADVICE["en"], "evidence": "evidence",
           "overruled": "also considered, overruled by the rule that takes precedence", "kpis": "KPIs",
           "no_advice": "no recommendation", "threshold": "threshold", "unknown": "unknown axis {axis}",
           "fix": "the plan's axes: {known}", "context": "declared context", "colon": ":"},
}


def advice_lines(plan: Plan, evaluation: Evaluation, lang: str, axis_id: str | None = None,
                 next_plan: Plan | None = None, engine: EngineSettings | None = None) -> list[str]:
    """The advice as plain lines, in ``lang``: per axis (or the one asked) its recommendation, each piece of
    evidence, the overruled rules with theirs, then the KPIs the plan names for the axis. A plan outside its period
    says so first (``pac_core.plan_end.period_line``; ``next_plan``: the one the settings hold after it). The evidence
    reads as the report's: a figure just short of one of the advisor's thresholds (``engine``'s, the defaults when
    not given) with the decimals that keep it short, « ROI final : 49,96 % » as the axes' table (audit surfaces2)."""
    words = WORDS[lang]
    engine = engine or EngineSettings()
    fmt = Formatter.with_thresholds(plan, lang, engine)
    recos = {r.axis_id: r for r in evaluation.recommendations}
    progress = {a.axis_id: a for a in evaluation.axes}
    out: list[str] = []
    axes = [a for a in plan.axes if axis_id is None or a.id == axis_id]
    outside = period_line(plan, evaluation.as_of, lang, next_plan)
    if outside is not None:     # over or not begun: no advice (pac_core.plan_end), said instead of "none"
        out.append(outside)
    elif axis_id is None and not recos:     # an axis no ROI rule could judge: said (janmeet F8, m3cost)
        out.append(quiet_line(plan, evaluation.as_of, lang) or words["none"])
    for axis in axes:
        reco = recos.get(axis.id)
        if reco is None and axis_id is None:
            continue
        out.append(f"{axis.id} {axis.name}")
        if reco is None:
            out.append(f"  {words['no_advice']}")
        else:
            for i, rec in enumerate((reco, *reco.overruled)):
                if i == 1:
                    out.append(f"  {words['overruled']}{words['colon']}")
                indent = "  " if i == 0 else "    "
                out.append(f"{indent}[{enum_label('rule', rec.rule.value, lang)}] {rec.text(lang)}")
                for label, value, limit in evidence_rows(rec.evidence, plan, fmt):
                    flag = f" ({words['threshold']})" if limit else ""
                    out.append(f"{indent}  - {label}{flag}{words['colon']} {value}")
        p = progress.get(axis.id)
        if p is not None and p.kpis:
            named = axis.objective.kpis if axis.objective else ()
            out.append(f"  {words['kpis']}{words['colon']} {summary(p.kpis, named, lang, plan.currency)}")
    return [line.replace("\u00a0", " ").replace("\u202f", " ") for line in out]


@click.command("advice")
@click.argument("axis_id", required=False)
@click.option("--plan", "plan_ref", help="Plan name in the settings.")
@cli_common.as_of_flag
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the output; default: the plan's.")
def advice(axis_id: str | None, plan_ref: str | None, as_of: str | None, lang: str | None) -> None:
    """The advisor's recommendation per axis, with its evidence and the rules it overruled.

    \b
    One recommendation per axis (suspend > drop > reassign > prioritise > roll out); the rules it
    overruled are listed under it with their own figures. Examples:
      pac advice                    every axis with a recommendation
      pac advice AX-RA-DORM         one axis, its advice and KPIs
      pac advice --lang en
    """
    settings = cli_common.settings(read_only=True)
    declared = load_plan(settings.plan(plan_ref).file)   # an unknown axis is refused before the store is read
    if axis_id is not None and axis_id not in {a.id for a in declared.axes}:
        words = WORDS[lang or declared.language]
        known = ", ".join(a.id for a in declared.axes)
        click.echo(f"{words['unknown'].format(axis=axis_id)} ({words['fix'].format(known=known)})", err=True)
        sys.exit(EXIT_BAD_INPUT)
    now = current(settings, plan_ref, as_of=cli_common.as_of(as_of, declared.timezone), plan=declared)
    plan, evaluation = now.plan, now.evaluation
    lang = lang or plan.language
    if lang != plan.language:      # the sentences are the engine's: evaluate again in the asked language
        plan = replace(plan, language=lang)
        evaluation = evaluate(plan, now.records, evaluation.as_of, settings)
    following = cli_common.following_plan(settings, plan) if plan_ended(plan, evaluation.as_of) else None
    for line in advice_lines(plan, evaluation, lang, axis_id, following, engine_settings(settings, plan.currency)):
        click.echo(line)
