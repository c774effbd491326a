"""``pac plan pull``'s work: write the CRM edits the last runs accepted (``sync_jobs.overrides``) back into the plan
file, keeping its comments and layout (ruamel.yaml locates each value; the text is edited in place), and say what
changed. ``dry_run`` prints the diff and writes nothing.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from pac_config.planfile import load_plan
from pac_config.settings import Settings
from sync_jobs import overrides as plan_state
from sync_jobs.store import open_store, repo


@dataclass(frozen=True)
class PulledChange:
    item: str            # the axis or action id
    field: str           # the plan file's key: status, rank, count, when
    old: Any
    new: Any
    where: str           # where the value came from, in plain words


def pull_plan(settings: Settings, plan_ref: str | None, *, dry_run: bool = False) -> list[PulledChange]:
    """Write the accepted CRM edits into the plan file (atomically, comments kept); returns what changed."""
    ps = settings.plan(plan_ref)
    plan = load_plan(ps.file)
    engine = open_store(settings.database())
    try:
        states = repo.field_states(engine, plan.id)
    finally:
        engine.dispose()
    files = plan_state.file_values(plan)
    wanted = {k: s for k, s in states.items() if s.source == "crm" and k in files
              and not plan_state.same(s.value, files[k]) and plan_state.same(s.file_value, files[k])}
    if not wanted:
        return []
    yaml = YAML()
    text = ps.file.read_text(encoding="utf-8")
    doc = yaml.load(text)          # round trip: only to locate each value (line, column); the text is edited in place
    lines = text.splitlines(keepends=True)
    axes = {str(a.get("id")): a for a in doc.get("axes") or []}
    actions = {str(a.get("id")): a for a in doc.get("actions") or []}
    out: list[PulledChange] = []
    edits: list[tuple[int, int, str]] = []      # (line, column, new scalar text)
    inserts: list[tuple[int, int, str]] = []    # (line, column, text inserted after the scalar there)
    for (target, key, field), state in sorted(wanted.items()):
        item = key.split(":", 1)[1] if ":" in key else key
        where = plan_state.Change(state.value, state.source, state.changed_at, state.connector, state.who_id,
                                  state.who_name).where()
        if target == "axis" and item in axes:
            node = axes[item]
            status = node.get("status")
            mapping = hasattr(status, "get")
            if field == "axis_status":
                old = status.get("state") if mapping else status
                reason = f'"{state.value} in {where} on {state.changed_at:%Y-%m-%d}"'
                needs_reason = state.value in ("suspended", "dropped") and not (mapping and status.get("reason"))
                if mapping:
                    line, col = status.lc.value("state")
                    edits.append((line, col, str(state.value)))
                    if needs_reason:
                        inserts.append((line, col, f", reason: {reason}" if status.fa.flow_style()
                                        else f"\n{' ' * status.lc.key('state')[1]}reason: {reason}"))
                else:
                    line, col = node.lc.value("status")
                    edits.append((line, col, f"{{state: {state.value}, reason: {reason}}}" if needs_reason
                                  else str(state.value)))
                out.append(PulledChange(item, "status", old, state.value, where))
            elif field == "axis_priority" and mapping and "rank" in status:
                line, col = status.lc.value("rank")
                edits.append((line, col, str(state.value)))
                out.append(PulledChange(item, "rank", status.get("rank"), state.value, where))
            elif field == "axis_priority" and mapping and state.value:    # {state: active} -> prioritised, ranked
                line, col = status.lc.value("state")
                edits.append((line, col, "prioritised"))
                inserts.append((line, col, f", rank: {state.value}" if status.fa.flow_style()
                                else f"\n{' ' * status.lc.key('state')[1]}rank: {state.value}"))
                out.append(PulledChange(item, "rank", None, state.value, where))
            elif field == "axis_priority" and not mapping and state.value:
                line, col = node.lc.value("status")
                edits.append((line, col, f"{{state: prioritised, rank: {state.value}}}"))
                out.append(PulledChange(item, "rank", None, state.value, where))
        elif target == "action" and item in actions:
            node = actions[item]
            if field == "action_status" and "status" in node:
                line, col = node.lc.value("status")
                edits.append((line, col, str(state.value)))
                out.append(PulledChange(item, "status", node.get("status"), state.value, where))
            elif field == "action_status":       # no `status:` line (planned by default): one after the id
                line, col = node.lc.value("id")
                inserts.append((line, col, f", status: {state.value}" if node.fa.flow_style()
                                else f"\n{' ' * node.lc.key('id')[1]}status: {state.value}"))
                out.append(PulledChange(item, "status", None, state.value, where))
            elif field == "action_target":
                line, col = node["what"].lc.value("count")
                edits.append((line, col, str(state.value)))
                out.append(PulledChange(item, "count", node["what"].get("count"), state.value, where))
            elif field == "action_due":
                when = f"{plan.action(item).window.start.date().isoformat()}..{state.value}"
                line, col = node.lc.value("when")
                edits.append((line, col, f'"{when}"'))
                out.append(PulledChange(item, "when", node.get("when"), when, where))
    for line, col, new in sorted(edits + [(li, co, "\0" + t) for li, co, t in inserts], reverse=True):
        current = lines[line]
        stop = col + _scalar_length(current[col:])
        if new.startswith("\0"):
            lines[line] = current[:stop] + new[1:] + current[stop:]
        else:
            lines[line] = current[:col] + new + current[stop:]
    new_text = "".join(lines)
    if dry_run:
        diff = difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                    str(ps.file), f"{ps.file} (after pull)")
        sys.stdout.write("".join(diff))
        return out
    _write_atomically(ps.file, new_text, check=load_plan)
    return out


def _scalar_length(rest: str) -> int:
    """The length of the scalar at the start of ``rest`` (quoted, or plain up to a flow indicator or comment)."""
    if rest[:1] in ('"', "'"):
        end = rest.find(rest[0], 1)
        return end + 1 if end > 0 else len(rest.rstrip("\n"))
    n = 0
    while n < len(rest) and rest[n] not in ",}]\n" and not rest.startswith(" #", n):
        n += 1
    return len(rest[:n].rstrip())


def _write_atomically(path: Path, text: str, check: Any) -> None:
    """Write ``text`` next to ``path``, check it is still a valid plan (``check`` raises InvalidInput with every
    problem), then replace ``path``: a failed check leaves the file as it was."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".pac.yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        check(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
