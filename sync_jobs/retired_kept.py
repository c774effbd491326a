"""What a run removed from the plan, kept with it for ``pac status`` (audit removedplan, 7 Dec 2026).

The night an axis or action leaves the plan file, `pac sync` prints one line per record it marks removed
(``diff.retired_line``); a night run by `pac schedule` prints it to no one. The run keeps one record per item on its
run-log row (``pac_run.removed``, a JSON list, migration 0016; audit removedrec): its id, kind, name, an action's last
count and target, and the CRMs whose records pac marked removed (``record``). It is kept in the store transaction
that records the CRM's write marking the records removed (``store.repo.save_written``), so a run killed after that
write (Ctrl-C, SIGTERM) still names them. ``pac status`` and the report list them apart from the problems, in their
language (``status_lines``, ``removed_block``).

Legacy: from 7 Dec 2026 until migration 0016 the run kept one English line per item among its problems
(``warning: removed from the plan by this run: A-2 (action «…», done 2 / 4): marked removed in hs-hand7``,
``kept_line``), read back by a regex (``read``), which a name holding « » », ", done 1 / 2" or ": marked removed in"
misread. A run recorded so (its ``removed`` is NULL) is still listed from those lines (``split``); a run recorded
since keeps none. Standard library only: ``pac status`` loads no run module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

HEAD = "removed from the plan by this run: "
"""How a kept line starts, after ``warnings_kept.WARNING_HEAD``."""

_LINE = re.compile(r"^(?:warning: )?" + re.escape(HEAD)
                   + r"(?P<id>\S+) \((?P<kind>action|axis) «(?P<name>.*)»(?:, done (?P<done>\d+) / (?P<target>\d+))?\)"
                   r": marked removed in (?P<crms>.+)$")


@dataclass(frozen=True)
class RemovedItem:
    """One item a run took out of the plan: its id, ``axis`` or ``action``, its name, an action's count done and
    target as last written, and the CRMs whose records pac marked removed."""

    item_id: str
    kind: str
    name: str
    done: int | None
    target: int | None
    crms: tuple[str, ...]


def joined(words: Sequence[str], last: str) -> str:
    """« A, B et C » / "A, B and C" (``last``: the language's « et » / "and")."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def kept_line(item: RemovedItem) -> str:
    """Legacy: the English line a run recorded before migration 0016 kept with its problems (``read`` reads it
    back): ``removed from the plan by this run: A-2 (action «Call clients 4 times in May», done 2 / 4): marked
    removed in hs-hand7``. No run writes it any more; the tests make such runs with it."""
    count = f", done {item.done} / {item.target}" if item.done is not None and item.target is not None else ""
    return (f"{HEAD}{item.item_id} ({item.kind} «{item.name}»{count}): marked removed in "
            f"{joined(list(item.crms), 'and')}")


def read(line: str) -> RemovedItem | None:
    """Legacy: the item a kept line of a run recorded before migration 0016 names (``kept_line``, with or without its
    ``warning: `` head); None for any other. A name holding « » » or ", done 1 / 2", a CRM name holding " and " or
    ", " is misread: what ``split`` reads only for the runs that kept no structured record."""
    found = _LINE.match(line)
    if found is None:
        return None
    crms = tuple(c for part in found["crms"].split(", ") for c in part.split(" and "))
    done, target = found["done"], found["target"]
    return RemovedItem(found["id"], found["kind"], found["name"], int(done) if done is not None else None,
                       int(target) if target is not None else None, crms)


def removed_items(marked: Mapping[str, Iterable[tuple[str, str]]],
                  written: Mapping[str, Mapping[tuple[str, str], Any]]) -> list[RemovedItem]:
    """One ``RemovedItem`` per item whose records this run marked removed: ``marked``, per connector, the (target,
    key) of those records in the order they were written; ``written``, per connector, what pac had last written there
    (the records' name, an action's text, count and target, which the retiring write keeps). ``store.repo.save_written``
    names so the records a batch marks removed, to keep them on the run's row (``with_marked``)."""
    crms: dict[tuple[str, str], list[str]] = {}
    fields: dict[tuple[str, str], Mapping[str, Any]] = {}
    for connector, keys in marked.items():
        for target, key in keys:
            crms.setdefault((target, key), []).append(connector)
            row = written.get(connector, {}).get((target, key))
            if row is not None and (target, key) not in fields:
                fields[(target, key)] = getattr(row, "fields", row) or {}
    out = []
    for (target, key), names in crms.items():
        item_id = key.split(":", 1)[-1]
        last = fields.get((target, key), {})
        if target == "action":
            name = str(last.get("text") or _bare(last.get("name"), item_id))
            done, goal = last.get("done"), last.get("target")
            out.append(RemovedItem(item_id, "action", name, _int(done), _int(goal) if done is not None else None,
                                   tuple(names)))
        else:
            out.append(RemovedItem(item_id, "axis", _bare(last.get("name"), item_id), None, None, tuple(names)))
    return out


def _bare(name: Any, item_id: str) -> str:
    """A record's name without the id it starts with (``AX-DO Clients dormants`` -> ``Clients dormants``)."""
    text = str(name or "")
    return text[len(item_id):].strip() if text.startswith(item_id) else text


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


WORDS = {
    "en": {"head": "Removed from the plan by the last run ({n}; pac marked their CRM records removed: they keep their "
                   "last figures and pac no longer updates them):",
           "action": "action", "axis": "axis", "count": ", done {done} / {target}",
           "line": "{id} «{name}» ({kind}{count}): marked removed in {crms}", "and": "and"},
    "fr": {"head": "Retirés du plan par la dernière exécution ({n} ; pac a marqué leurs enregistrements « Retirée du "
                   "plan » dans le CRM : ils gardent leurs derniers chiffres et pac ne les met plus à jour) :",
           "action": "action", "axis": "axe", "count": ", réalisé {done} / {target}",
           "line": "{id} « {name} » ({kind}{count}) : {marked} dans {crms}", "and": "et"},
}


Kept = Iterable[RemovedItem | Mapping[str, Any]] | None
"""What a run-log row keeps of the items its run removed (``pac_run.removed``: the JSON records, or the items read
from them); None for a run recorded before migration 0016 (its items are legacy lines among its problems)."""


def record(item: RemovedItem) -> dict[str, Any]:
    """The JSON record of an item kept on its run's row (``pac_run.removed``; ``from_record`` reads it back)."""
    return {"id": item.item_id, "kind": item.kind, "name": item.name, "done": item.done, "target": item.target,
            "crms": list(item.crms)}


def from_record(row: RemovedItem | Mapping[str, Any]) -> RemovedItem:
    """The item a kept record names (``record``)."""
    if isinstance(row, RemovedItem):
        return row
    return RemovedItem(str(row["id"]), str(row["kind"]), str(row.get("name") or ""), _int(row.get("done")),
                       _int(row.get("target")), tuple(str(c) for c in row.get("crms") or ()))


def with_marked(kept: Iterable[Mapping[str, Any]] | None, marked: Iterable[RemovedItem]) -> list[dict[str, Any]]:
    """A run's kept records (``record``) with the items just ``marked`` removed: an item already kept (the same id
    and kind, marked in another CRM before) gets the new CRMs after its own, in the order they were marked; a new
    one comes last."""
    out = [dict(row, crms=list(row.get("crms") or ())) for row in kept or ()]
    where = {(row["kind"], row["id"]): row for row in out}
    for item in marked:
        row = where.get((item.kind, item.item_id))
        if row is None:
            where[(item.kind, item.item_id)] = row = record(item)
            out.append(row)
        else:
            row["crms"] += [c for c in item.crms if c not in row["crms"]]
    return out


def split(removed: Kept, errors: Iterable[str]) -> tuple[list[RemovedItem], list[str]]:
    """What a run removed from the plan and its problems: its kept records (``removed``) and every error; for a run
    recorded before migration 0016 (``removed`` None), the items its legacy lines name (``read``) and the other
    errors."""
    errors = list(errors or ())
    if removed is not None:
        return [from_record(row) for row in removed], errors
    items = [item for item in (read(e) for e in errors) if item is not None]
    return items, [e for e in errors if read(e) is None]


def status_lines(errors: Iterable[str], lang: str, removed: Kept = None) -> list[str]:
    """``pac status``'s block of what the last run removed from the plan (its kept records, ``removed``; for a run
    recorded before migration 0016, its legacy lines among ``errors``), in ``lang``: a heading with their count, then
    one line per item; none when the run removed nothing."""
    head, items = removed_block(errors, lang, removed)
    return [head, *(f"  - {item}" for item in items)] if items else []


def removed_block(errors: Iterable[str], lang: str, removed: Kept = None) -> tuple[str, list[str]]:
    """What the last run removed from the plan (``split``), in ``lang``: a heading with their count and one line per
    item (no bullet), as ``pac status`` and the report's data section list them; ``("", [])`` when it removed
    nothing."""
    items = split(removed, errors)[0]
    if not items:
        return "", []
    w = WORDS[lang]
    lines = []
    for item in items:
        count = w["count"].format(done=item.done, target=item.target) if item.done is not None else ""
        crms = [f"« {c} »" if lang == "fr" else c for c in item.crms]
        lines.append(w["line"].format(id=item.item_id, name=item.name, kind=w[item.kind], count=count,
                                      crms=joined(crms, w["and"]),
                                      marked="marquée retirée" if item.kind == "action" else "marqué retiré"))
    return w["head"].format(n=len(items)), lines


def is_kept_line(error: str) -> bool:
    """Legacy: whether a kept problem of a run recorded before migration 0016 is one of these lines (``read``)."""
    return read(error) is not None
