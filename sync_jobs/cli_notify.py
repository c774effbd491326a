"""``pac notify``: send each person the digest of what changed for them (or print it with --dry-run)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sync_jobs import cli_common
from sync_jobs.exit_codes import EXIT_OK, EXIT_PARTIAL
from sync_jobs.logs import redact
from sync_jobs.notify import notify
from sync_jobs.plan_fallback import readable_plan
from sync_jobs.store_guard import require_sync


@click.command("notify")
@click.option("--plan", "plan_ref", metavar="NAME", help="Which configured plan (needed when several are).")
@click.option("--dry-run", is_flag=True, help="Print each digest that would be sent; send and record nothing.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="PAC_CONFIG",
              help="Settings file (default: $PAC_CONFIG, else the shipped config/pac.yaml; with --dry-run, in a "
                   "directory where `pac demo` ran, the demo's .pac/demo.yaml, saying so).")
def notify_cmd(plan_ref: str | None, dry_run: bool, config_path: Path | None) -> None:
    """Send the digests of alerts not yet sent: actions late or done, axes behind, new recommendations,
    rejected records to fix; per person on the channels the settings give them (notifications: section).

    \b
    The nightly run (pac sync, pac schedule) does this by itself when notifications.enabled is true.
    Each alert reaches a person once per channel. Exit 0: all sent; 1: some could not be (retried next time).
      pac notify --dry-run
      pac notify
    """
    # sending records what was sent in the store: the demo's settings only when named; a dry run only reads
    settings, ps, plan = readable_plan(cli_common.settings_named(config_path, read_only=dry_run), plan_ref,
                                       "the notification run")
    plan_ref = ps.key
    require_sync(settings.database(), ps.key, plan.id, config_option=True)
    if not settings.notifications.people:
        click.echo("no one to notify: list people under notifications.people in the settings "
                   f"({settings.source}); see docs/notifications.md")
        sys.exit(EXIT_OK)
    result = notify(settings, plan_ref, dry_run=dry_run)
    for who in result.unknown:
        click.echo(f"{who}: not in plan {result.plan!r} (neither in its people nor an action owner): skipped; "
                   "fix notifications.people", err=True)
    if not result.deliveries:
        click.echo("nothing new to send: every alert was already delivered")
    for who, why in result.nothing:
        click.echo(f"-- {who} · nothing to send: {why}")
    for d in result.deliveries:
        state = "would send" if dry_run else ("sent" if d.delivered else "NOT SENT")
        click.echo(f"== {d.person} · {d.channel} · {state} · {len(d.keys)} alert(s)")
        if dry_run:
            if d.problem:
                click.echo(f"   cannot be sent as configured: {d.problem}")
            click.echo(f"{d.title}\n\n{d.body}\n")
        elif not d.delivered:
            click.echo(redact(f"   {d.problem}"), err=True)
    if not dry_run and result.deliveries:
        click.echo(f"{len(result.deliveries) - len(result.failed)} digest(s) sent, {len(result.failed)} not sent")
    sys.exit(EXIT_PARTIAL if result.failed and not dry_run else EXIT_OK)
