"""``pac plan pull`` and ``pac history``: the plan's state across the file, the store and the CRMs.

* ``pac plan pull [PLAN]`` writes the CRM edits the last runs accepted (``sync_jobs.overrides``) back into the plan
  file, keeping its comments and layout (ruamel.yaml round trip), and lists what it changed; ``--dry-run`` prints
  the diff and writes nothing; an edit that would make the file invalid is left out and named (exit 1). The file
  then says what the CRMs say, so it stays the readable source of truth.
* ``pac history KEY`` lists who changed an axis's or action's editable values, when, and from where (the plan file,
  a CRM user by name, pac), conflicts included.
"""

from __future__ import annotations

import sys

import click
from rich.table import Table

from pac_config.planfile import load_plan
from sync_jobs import cli_common, textsafe
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_PARTIAL
from sync_jobs.plan_pull import pull_plan
from sync_jobs.store import open_store, repo
from sync_jobs.store_guard import require_sync

PIPED_WIDTH = 200   # piped or captured: tables keep one line per row (grep-able)


def _console() -> textsafe.SafeConsole:
    return textsafe.console(soft_wrap=True, piped_width=PIPED_WIDTH)


@click.command("pull")
@click.argument("plan_ref", required=False)
@click.option("--dry-run", is_flag=True, help="Print the diff of the plan file; write nothing.")
def pull_command(plan_ref: str | None, dry_run: bool) -> None:
    """Write the CRM edits pac accepted (status, priority, target, due date) into the plan file.

    PLAN is the plan's name in the settings (default: the only plan). Comments and layout are kept. Run
    `pac sync` first: it decides which CRM edits are accepted (the later change wins, see docs/sync.md).
    Settings: $PAC_CONFIG, else the shipped config/pac.yaml; the demo's .pac/demo.yaml only when named (--dry-run
    reads it, saying so).
    """
    console = _console()
    # a pull writes the plan file: the demo's settings (which name the shipped plan) only when named; a dry run
    # reads them as the other read-only commands do, saying so (audit ops: the demo's plan was rewritten silently)
    settings = cli_common.settings_named(None, read_only=dry_run, config_option=False)
    ps = settings.plan(plan_ref)
    require_sync(settings.database(), ps.key, load_plan(ps.file).id)   # no store created, no "nothing to pull"
    pulled = pull_plan(settings, plan_ref, dry_run=dry_run)
    if not pulled:
        console.print("The plan file already says what the CRMs say: nothing to pull.")
        return
    changes = [c for c in pulled if not c.refused]
    left_out = [c for c in pulled if c.refused]
    if changes:
        table = Table(title="Would change in the plan file" if dry_run else "Changed in the plan file")
        for col in ("item", "field", "was", "now", "from"):
            table.add_column(col)
        for c in changes:
            table.add_row(c.item, c.field, str(c.old), str(c.new), c.where)
        console.print(table)
    for c in changes:       # a target or due date its statement still contradicts (audit longlife F3)
        if c.note:
            console.print(f"note: {c.note}", markup=False, style="yellow")
    for c in left_out:
        console.print(f"{'would leave' if dry_run else 'left'} out: {c.item} {c.field} = {c.new!r} from {c.where}: "
                      f"{c.refused}", markup=False)
    if changes and not dry_run:
        console.print(f"✓ {settings.plan(plan_ref).file} updated ({len(changes)} change"
                      f"{'s' if len(changes) != 1 else ''}); check it with `pac plan check`"
                      + (", rewrite the statements noted (`pac plan lint`)" if any(c.note for c in changes) else "")
                      + " and commit it.")
    if left_out:
        console.print(f"{len(left_out)} edit{'s' if len(left_out) != 1 else ''} not written: the plan file stays "
                      "valid; fix them in the CRM or the file (`pac history KEY`).")
        sys.exit(EXIT_PARTIAL)


_FIELD_WORDS = {"axis_status": "status", "axis_priority": "priority", "action_status": "status",
                "action_target": "target", "action_due": "due date"}


@click.command("history")
@click.argument("key")
@click.option("--plan", "plan_ref", help="Plan name in the settings (default: the only plan).")
def history_command(key: str, plan_ref: str | None) -> None:
    """Who changed an axis or action (KEY: its id, such as AX-RA-DORM or A-01), what, when and from where."""
    settings = cli_common.settings(read_only=True)
    plan = load_plan(settings.plan(plan_ref).file)
    full = key if key.startswith(f"{plan.id}:") else f"{plan.id}:{key}"
    engine = open_store(settings.database())
    try:
        events = repo.field_events(engine, plan.id, full)
    finally:
        engine.dispose()
    console = _console()
    item = full.removeprefix(f"{plan.id}:")
    if not events and item not in {a.id for a in plan.axes} | {a.id for a in plan.actions}:
        # an id neither in the plan nor in the store's history: a typo, said as `pac explain` says it (an item
        # removed from the plan keeps its history above)
        textsafe.echo(f"no action or axis {item!r} in plan {plan.name!r} (actions: "
                      f"{', '.join(a.id for a in plan.actions)}; axes: {', '.join(a.id for a in plan.axes)})", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if not events:
        console.print(f"No change recorded for {key} yet: its values come from the plan file "
                      "(`pac sync` records every change from then on).")
        return
    table = Table(title=f"History of {key}")
    for col in ("when (UTC)", "field", "from", "to", "changed in", "by", "outcome"):
        table.add_column(col)
    for e in events:
        where = {"file": "the plan file", "pac": "pac"}.get(e.source, e.connector or "a CRM")
        by = (e.who_name or e.who_id or "someone") if e.source == "crm" else "-"
        outcome = {"applied": "applied", "lost": "not applied (conflict: a later change won)",
                   "refused": f"refused: {e.note}" if e.note else "refused"}.get(e.outcome, e.outcome)
        table.add_row(f"{e.changed_at:%Y-%m-%d %H:%M}", _FIELD_WORDS.get(e.field, e.field),
                      "-" if e.old_value is None else str(e.old_value), str(e.value), where, by, outcome)
    console.print(table)
