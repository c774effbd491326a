"""``pac plan pull``'s work: write the CRM edits the last runs accepted (``sync_jobs.overrides``) back into the plan
file, keeping its comments and layout (ruamel.yaml locates each value; the text is edited in place), and say what
changed. ``dry_run`` prints the diff and writes nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ruamel.yaml import YAML

from pac_config.planfile import load_plan, load_plan_text
from pac_config.settings import Settings
from pac_core.errors import InvalidInput
from pac_core.linter import FIELD_KEYS, action_disagreements, disagreement_words
from pac_core.periods import day_words, days_phrase, parse_period
from pac_core.plan import AxisState, AxisStatus
from sync_jobs import overrides as plan_state
from sync_jobs.atomic_file import replaced
from sync_jobs.store import open_store, repo


@dataclass(frozen=True)
class PulledChange:
    item: str            # the axis or action id
    field: str           # the plan file's key: status, rank, since, until, reason, count, when
    old: Any
    new: Any
    where: str           # where the value came from, in plain words
    refused: str = ""    # why it is left out of the file (it would break the plan's rules); empty: written
    # a target or due date written while the action's statement still says otherwise: what it says, where, the fix
    note: str = ""


@dataclass
class _Group:
    """The text edits of one item's pulled changes: written together or left out together."""

    changes: list[PulledChange]
    edits: list[tuple[int, int, str]] = field(default_factory=list)     # (line, column, new scalar text)
    inserts: list[tuple[int, int, str]] = field(default_factory=list)   # (line, column, text after the scalar)
    removals: list[tuple[int, int, int]] = field(default_factory=list)  # (line, key column, value column; -1: line)


def pull_plan(settings: Settings, plan_ref: str | None, *, dry_run: bool = False) -> list[PulledChange]:
    """Write the accepted CRM edits into the plan file (atomically, comments kept); returns what changed, and what
    was left out because it would break the plan's rules (``refused``): the file is never left invalid."""
    ps = settings.plan(plan_ref)
    plan = load_plan(ps.file)
    engine = open_store(settings.database())
    try:
        states = repo.field_states(engine, plan.id)
    finally:
        engine.dispose()
    files = plan_state.file_values(plan)
    # a CRM's ``suspended`` on a lapsed suspension (the file's until-day past) is a new one, though the word is the same
    wanted = {k: s for k, s in states.items() if s.source == "crm" and k in files
              and (not plan_state.same(s.value, files[k]) or plan_state.resuspends(plan, k, s.value, s.changed_at))
              and plan_state.same(s.file_value, files[k])}
    if not wanted:
        return []
    # the plan as the nights made it: each edit on its own, a rank-less prioritisation given the next free rank
    # each with the instant it was made: the status's ``since`` (and a new suspension drops a past until)
    rows = [SimpleNamespace(key=k[1], field=k[2], value=s.value, k=k, at=plan_state.edited_at(s))
            for k, s in sorted(wanted.items())]
    effective, failed = plan_state.apply_each(plan, rows)
    refused = {row.k: plan_state.refusal(row, why) for row, why in failed}
    yaml = YAML()
    text = ps.file.read_text(encoding="utf-8")
    doc = yaml.load(text)          # round trip: only to locate each value (line, column); the text is edited in place
    axes = {str(a.get("id")): a for a in doc.get("axes") or []}
    actions = {str(a.get("id")): a for a in doc.get("actions") or []}
    groups: list[_Group] = []
    left_out: list[PulledChange] = []
    by_axis: dict[str, list[tuple[str, Any]]] = {}
    for (target, key, field_name), state in sorted(wanted.items()):
        item = key.split(":", 1)[1] if ":" in key else key
        where = plan_state.Change(state.value, state.source, state.changed_at, state.connector, state.who_id,
                                  state.who_name).where()
        if (target, key, field_name) in refused:
            left_out.append(PulledChange(item, _FILE_KEY[field_name], files[(target, key, field_name)], state.value,
                                         where, refused[(target, key, field_name)]))
        elif target == "axis" and item in axes:
            by_axis.setdefault(item, []).append((where, state))
        elif target == "action" and item in actions:
            since = effective.action(item).status_since if field_name == "action_status" else None
            groups.append(_action_group(plan, actions[item], item, field_name, state.value, where, since))
    for item, pulled in by_axis.items():
        groups.append(_axis_group(plan, axes[item], item, plan.axis(item).status, effective.axis(item).status,
                                  pulled))
    lines = text.splitlines(keepends=True)
    new_text, problem = _render(lines, groups), None
    try:
        load_plan_text(new_text, str(ps.file))
    except InvalidInput as exc:        # each item on its own: the file keeps those that leave it valid
        problem = exc
    if problem is not None:
        kept: list[_Group] = []
        for group in groups:
            try:
                load_plan_text(_render(lines, [*kept, group]), str(ps.file))
            except InvalidInput as exc:
                why = "; ".join(str(p) for p in exc.problems)
                left_out.extend(dataclasses.replace(c, refused=f"the plan file would be invalid: {why}")
                                for c in group.changes)
            else:
                kept.append(group)
        groups, new_text = kept, _render(lines, kept)
    out = _statement_notes(new_text, ps.file, [c for g in groups for c in g.changes]) + left_out
    if dry_run:
        diff = difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                    str(ps.file), f"{ps.file} (after pull)")
        sys.stdout.write("".join(diff))
        return out
    if groups:
        _write_atomically(ps.file, new_text, check=lambda tmp: load_plan_text(
            Path(tmp).read_text(encoding="utf-8"), str(ps.file)))
        _remember_written(settings, load_plan_text(new_text, str(ps.file)), wanted)
    return out


def _remember_written(settings: Settings, written: Any, wanted: dict[tuple[str, str, str], Any]) -> None:
    """Record, as the file's value in the store (``pac_field_state.file_value``), each accepted value the file now
    holds: what the pull transcribed is the plan's value already, not a change the file made (the next run would
    otherwise date it by the file's modification time, the pull's, and let it beat a manager's newer CRM edit;
    audit planstate F5). A value left out of the file keeps the file's value of the last run."""
    files = plan_state.file_values(written)
    now = datetime.now(UTC)
    rows = [{"target": k[0], "key": k[1], "field": k[2], "file_value": files[k], "updated_at": now}
            for k, state in wanted.items() if k in files and plan_state.same(files[k], state.value)]
    if not rows:
        return
    engine = open_store(settings.database())
    try:
        repo.save_field_states(engine, written.id, rows, [])
    finally:
        engine.dispose()


_FILE_KEY = {"axis_status": "status", "axis_priority": "rank", "action_status": "status", "action_target": "count",
             "action_due": "when"}


def _axis_group(plan: Any, node: Any, item: str, before: AxisStatus, final: AxisStatus,
                pulled: list[tuple[str, Any]]) -> _Group:
    """The axis's ``status`` written as the nights left it: its state, its rank when prioritised (the one given
    when the CRM left it empty), the reason a suspended or dropped axis needs (``overrides.status_reason``, in the
    plan's language: the words the report shows for it before the pull), the day the state took effect (``since``:
    the CRM edit's day) and no past until-day on a suspension set again after it lapsed. A suspension or a drop set
    back to active or prioritised loses its reason and until-day and is dated from the day it was resumed
    (``{state: active, since: 2027-05-20}``)."""
    status = node.get("status")
    mapping = hasattr(status, "get")
    old_state = str(status.get("state") if mapping else status)
    old_rank = status.get("rank") if mapping else None
    where = pulled[-1][0]
    new_state = final.state.value
    rank = final.rank if final.state is AxisState.PRIORITISED else None
    origin = next((s for _, s in pulled if s.field == "axis_status"), pulled[-1][1])
    reason = json.dumps(plan_state.status_reason(plan, new_state, origin), ensure_ascii=False)   # YAML "…" scalar
    needs_reason = new_state in ("suspended", "dropped") and not (mapping and status.get("reason"))
    fields = {s.field: w for w, s in pulled}
    group = _Group([])
    if "axis_status" in fields and final.state is not before.state:   # (a new suspension: since and until only)
        group.changes.append(PulledChange(item, "status", old_state, new_state, fields["axis_status"]))
    if rank is not None and rank != old_rank:
        group.changes.append(PulledChange(item, "rank", old_rank, rank, fields.get(
            "axis_priority", "pac (no rank given in the CRM: the next free one)")))
    elif rank is None and old_rank is not None:     # no longer prioritised: its rank goes with it
        group.changes.append(PulledChange(item, "rank", old_rank, None, fields.get("axis_status", where)))
    old_since = status.get("since") if mapping else None
    old_since = old_since.isoformat() if isinstance(old_since, date) else old_since    # as written: 12/05/2027
    inactive = (AxisState.SUSPENDED, AxisState.DROPPED)
    # a suspension or a drop set back to active or prioritised: its reason goes, and the day it was resumed replaces
    # the suspension's (the file would otherwise say « active since » the day it was suspended; audit longlife F2)
    resumed = final.state not in inactive and before.state in inactive
    # the day matters to the figures of a suspended or dropped axis only (``axis_inactive``): written for those, for
    # a resumed one, and in place of the day of a state the axis no longer has
    dated = final.state in inactive or resumed or (final.state is not before.state and old_since is not None)
    since = (final.since.isoformat() if final.since is not None and final.since != before.since and dated else None)
    if since is not None:
        group.changes.append(PulledChange(item, "since", old_since, since, fields.get("axis_status", where)))
    drop_reason = resumed and mapping and "reason" in status
    if drop_reason:
        group.changes.append(PulledChange(item, "reason", status.get("reason"), None, fields.get("axis_status", where)))
    drop_until = final.until is None and before.until is not None
    if before.until is not None and drop_until:
        group.changes.append(PulledChange(item, "until", before.until.isoformat(), None,
                                          fields.get("axis_status", where)))
    if mapping:
        line, col = status.lc.value("state")
        flow = status.fa.flow_style()
        indent = " " * status.lc.key("state")[1]
        if final.state is not before.state:      # the file's own word (actif, prioritaire) kept otherwise
            group.edits.append((line, col, new_state))
        if rank is not None and "rank" in status:
            rline, rcol = status.lc.value("rank")
            group.edits.append((rline, rcol, str(rank)))
        elif rank is not None:
            group.inserts.append((line, col, f", rank: {rank}" if flow else f"\n{indent}rank: {rank}"))
        elif "rank" in status:
            group.removals.append(_key_span(status, "rank", flow))
        if needs_reason:
            group.inserts.append((line, col, f", reason: {reason}" if flow else f"\n{indent}reason: {reason}"))
        if drop_reason:
            group.removals.append(_key_span(status, "reason", flow))
        if since is not None and "since" in status:
            sline, scol = status.lc.value("since")
            group.edits.append((sline, scol, since))
        elif since is not None:
            group.inserts.append((line, col, f", since: {since}" if flow else f"\n{indent}since: {since}"))
        if drop_until and "until" in status:
            group.removals.append(_key_span(status, "until", flow))
    else:
        line, col = node.lc.value("status")
        extra = (f", rank: {rank}" if rank is not None else "") + (f", reason: {reason}" if needs_reason else "") \
            + (f", since: {since}" if since is not None else "")
        group.edits.append((line, col, f"{{state: {new_state}{extra}}}" if extra else new_state))
    return group


def _action_group(plan: Any, node: Any, item: str, field_name: str, value: Any, where: str,
                  since: Any = None) -> _Group:
    """One action's pulled change; a cancellation with the day it took effect (``since``, the CRM edit's day) is
    written ``{state: cancelled, since: 2027-05-12}``."""
    if value != "cancelled":      # the day matters to a cancelled action's figures only (``action_cancelled``)
        since = None
    written = f"{{state: {value}, since: {since.isoformat()}}}" if field_name == "action_status" and since else value
    extra = [PulledChange(item, "since", None, since.isoformat(), where)] if written is not value else []
    if field_name == "action_status" and "status" in node:
        status = node.get("status")
        if hasattr(status, "get"):       # {state: ..., since: ...}: each value edited in place
            line, col = status.lc.value("state")
            group = _Group([PulledChange(item, "status", status.get("state"), value, where)], [(line, col, str(value))])
            if since is not None:
                group.changes.append(PulledChange(item, "since", status.get("since"), since.isoformat(), where))
                if "since" in status:
                    group.edits.append((*status.lc.value("since"), since.isoformat()))
                else:
                    flow = status.fa.flow_style()
                    group.inserts.append((line, col, f", since: {since.isoformat()}" if flow
                                          else f"\n{' ' * status.lc.key('state')[1]}since: {since.isoformat()}"))
            return group
        line, col = node.lc.value("status")
        return _Group([PulledChange(item, "status", status, value, where), *extra], [(line, col, str(written))])
    if field_name == "action_status":       # no `status:` line (planned by default): one after the id
        line, col = node.lc.value("id")
        return _Group([PulledChange(item, "status", None, value, where), *extra], [],
                      [(line, col, f", status: {written}" if node.fa.flow_style()
                        else f"\n{' ' * node.lc.key('id')[1]}status: {written}")])
    if field_name == "action_target":
        line, col = node["what"].lc.value("count")
        return _Group([PulledChange(item, "count", node["what"].get("count"), value, where)],
                      [(line, col, str(value))])
    when = _when_words(plan, plan.action(item).window.start.date(), date.fromisoformat(str(value)[:10]))
    line, col = node.lc.value("when")
    return _Group([PulledChange(item, "when", node.get("when"), when, where)],
                  [(line, col, json.dumps(when, ensure_ascii=False))])


def _when_words(plan: Any, first: date, last: date) -> str:
    """An action's window from ``first`` to ``last`` (included) as the plan's manager writes it, in its language, and
    as the plan reads it back: « d'ici le 25 janvier 2026 » / "by January 25, 2026" from the plan's first day (a
    deadline), else « du 8 décembre 2025 au 25 janvier 2026 » / "December 8, 2025 to January 25, 2026" (words: no
    day/month order to get wrong). Should the plan read it otherwise, the ISO range (``2025-12-08..2026-01-25``)."""
    if first == plan.period.start.date():
        day = day_words(last, plan.language)
        words = f"d'ici le {day}" if plan.language == "fr" else f"by {day}"
    else:
        words = days_phrase(first, last, plan.language)
    try:
        window = parse_period(words, year=plan.period.start.year, tz=plan.timezone, within=plan.period,
                              language=plan.language, date_order=plan.date_order)
    except InvalidInput:
        window = None
    if window is None or (window.start.date(), window.end.date()) != (first, last + timedelta(days=1)):
        return f"{first.isoformat()}..{last.isoformat()}"
    return words


def _statement_notes(text: str, file: Path, changes: list[PulledChange]) -> list[PulledChange]:
    """``changes``, each target (``count``) or due date (``when``) written with a note when the action's statement
    now says otherwise (``pac_core.linter.action_disagreements``, the check ``pac plan import`` and ``pac plan
    lint`` make): what it says, the statement's line in the file, and the fix (audit longlife F3: the CRM and the
    report showed « Rencontrer 3 comptes » beside a target of 4)."""
    keys = ("count", "when")
    if not any(c.field in keys for c in changes):
        return changes
    try:
        plan = load_plan_text(text, str(file))
    except InvalidInput:        # the pull writes valid files only; a note is not worth a failure
        return changes
    doc = YAML().load(text)
    nodes = {str(a.get("id")): a for a in doc.get("actions") or []}
    out = []
    for change in changes:
        node = nodes.get(change.item)
        if change.field not in keys or node is None or "text" not in node:
            out.append(change)
            continue
        found = [d for d in action_disagreements(plan, plan.action(change.item)) if d[0] == change.field]
        if not found:
            out.append(change)
            continue
        line = node.lc.value("text")[0] + 1
        out.append(dataclasses.replace(change, note=(
            f"{change.item}: the statement at {file}:{line} now disagrees with its {FIELD_KEYS[change.field]}: "
            f"{disagreement_words(found)} (rewrite text: so that it says the same: the CRMs and the report show the "
            "statement; pac plan lint lists each)")))
    return out


def _key_span(mapping: Any, key: str, flow: bool) -> tuple[int, int, int]:
    """Where ``key: value`` stands in the text, to remove it: its whole line in a block mapping; in a flow mapping
    the pair with the comma before it (or after it, when it comes first)."""
    line, col = mapping.lc.key(key)
    if not flow:
        return line, 0, -1
    vline, vcol = mapping.lc.value(key)
    return line, col, vcol if vline == line else col


def _render(lines: list[str], groups: list[_Group]) -> str:
    """The file's text with the groups' edits, inserts and removals made (from the end, so positions hold)."""
    out = list(lines)
    edits = [e for g in groups for e in g.edits]
    inserts = [(li, co, "\0" + t) for g in groups for li, co, t in g.inserts]
    removals = [(li, co, f"\1{end}") for g in groups for li, co, end in g.removals]
    for line, col, new in sorted(edits + inserts + removals, reverse=True):
        current = out[line]
        if new.startswith("\1"):
            out[line] = _removed(current, col, int(new[1:]))
            continue
        stop = col + _scalar_length(current[col:])
        if new.startswith("\0"):
            out[line] = current[:stop] + new[1:] + current[stop:]
        else:
            out[line] = current[:col] + new + current[stop:]
    return "".join(out)


def _removed(text: str, col: int, value_col: int) -> str:
    """``text`` without the pair whose key starts at ``col`` (its value at ``value_col``); ``value_col`` -1: the
    whole line goes."""
    if value_col < 0:
        return ""
    stop = value_col + _scalar_length(text[value_col:])
    comma = text.rfind(",", 0, col)
    if comma >= 0 and not text[comma + 1:col].strip():
        return text[:comma] + text[stop:]
    after = len(text[stop:]) - len(text[stop:].lstrip(" ,"))    # first pair: the comma after it goes
    return text[:col] + text[stop + after:]


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
    problem), then replace ``path``: a failed check leaves the file as it was. The file keeps its line endings (a
    plan saved on Windows stays CRLF: the diff shows the edited lines only, read with universal newlines) and its
    mode (the temporary file's 0600 would hide the plan from the team: audit ops), through ``atomic_file.replaced``."""
    crlf = b"\r\n" in path.read_bytes()
    with replaced(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\r\n" if crlf else None) as f:
            f.write(text)
        check(tmp)
