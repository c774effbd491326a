"""``pac review``: the monthly action review, per rep and for the manager, as HTML or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from pac_core.errors import InvalidInput, Problem
from pac_core.results import Pace
from sync_jobs import cli_common
from sync_jobs.atomic_file import replaced
from sync_jobs.plan_fallback import readable_plan
from sync_jobs.report.restated import instant_words
from sync_jobs.review import load_review, render_html, render_markdown
from sync_jobs.store_guard import require_sync


@click.command("review")
@click.option("--month", metavar="2027-05", help="The month reviewed (YYYY-MM); default: the current month. "
              "A month still running is reviewed as of now (the settings' as_of when set); a closed "
              "one at the end of its last day, on today's records and plan.")
@click.option("--plan", "plan_ref", metavar="NAME", help="Which configured plan (needed when several are).")
@click.option("--rep", metavar="EMAIL", help="Only this rep's actions (their own review, without the team part); "
                                           "their e-mail or their name as the plan's people write it. Any rep who "
                                           "held an action that month, handed over since or not.")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Labels, numbers and dates; default: the plan's.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .html (self-contained page) or .md (Markdown).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="PAC_CONFIG",
              help="Settings file (default: $PAC_CONFIG; else, in a directory where `pac demo` ran and .pac/pac.db "
                   "holds no sync, the demo's .pac/demo.yaml, saying so; else the shipped config/pac.yaml).")
def review(month: str | None, plan_ref: str | None, rep: str | None, lang: str | None, output: Path,
           config_path: Path | None) -> None:
    """Write the monthly action review from the last sync's data.

    \b
    Per rep: done, late, at risk, what changed since last month, the next actions due.
    For the manager (without --rep): the team's counts, the axes at risk, the advisor's news.
    Examples:
      pac review --month 2027-05 -o revue-mai.html
      pac review --month 2027-05 --rep julie.martin@durand-process.example -o julie.md
      pac review --lang en -o review.html
    """
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise InvalidInput(Problem("-o", f"{output.name}: the review is written as .html or .md",
                                   "name the file e.g. revue-2027-05.html or revue-2027-05.md"))
    settings, ps, plan = readable_plan(cli_common.settings_named(config_path, read_only=True), plan_ref, "the review")
    plan_ref = ps.key
    require_sync(settings.database(), ps.key, plan.id, config_option=True)
    data = load_review(settings, plan_ref, month=month, rep=rep)
    text = render_markdown(data, lang) if suffix in (".md", ".markdown") else render_html(data, lang)
    with replaced(output) as new:   # the previous review whole until this one is
        new.write_text(text, encoding="utf-8")
    late = sum(len(r.with_pace(Pace.LATE)) for r in data.reps)
    click.echo(f"{output}: review of {data.month}, {lang or data.plan.language}, {len(data.reps)} rep(s), "
               f"{late} late action(s), as of {instant_words(data.as_of, data.plan.timezone)}"
               + (f", compared with {data.previous} ({data.previous_source})" if data.previous else ""))
