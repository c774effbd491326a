"""What a run removed from the plan, kept with it for ``pac status`` (audit removedplan, 7 Dec 2026).

The night an axis or action leaves the plan file, `pac sync` prints one line per record it marks removed
(``diff.retired_line``); a night run by `pac schedule` prints it to no one. The run keeps one line per item with its
problems (``warning: ...``, as the one-night warnings, ``RunResult.said_once``): its id, kind, name, an action's last
count and target, and the CRMs whose records pac marked removed (``kept_line``). ``pac status`` lists them apart from
the problems, in its language (``status_lines``, reading the kept line back with ``read``). Standard library only:
``pac status`` loads no run module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

HEAD = "removed from the plan by this run: "
"""How a kept line starts, after ``run_context.WARNING_HEAD``."""

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
    """The English line kept with the run (``read`` reads it back): ``removed from the plan by this run: A-2 (action
    «Call clients 4 times in May», done 2 / 4): marked removed in hs-hand7``."""
    count = f", done {item.done} / {item.target}" if item.done is not None and item.target is not None else ""
    return (f"{HEAD}{item.item_id} ({item.kind} «{item.name}»{count}): marked removed in "
            f"{joined(list(item.crms), 'and')}")


def read(line: str) -> RemovedItem | None:
    """The item a kept line names (``kept_line``, with or without its ``warning: `` head); None for any other."""
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
    key) of those records in the order ``pac sync`` printed them; ``written``, per connector, what pac had last
    written there (the records' name, an action's text, count and target, which the retiring write keeps)."""
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


def status_lines(errors: Iterable[str], lang: str) -> list[str]:
    """``pac status``'s block of what the last run removed from the plan (its kept lines, ``read``), in ``lang``:
    a heading with their count, then one line per item; none when the run removed nothing."""
    head, items = removed_block(errors, lang)
    return [head, *(f"  - {item}" for item in items)] if items else []


def removed_block(errors: Iterable[str], lang: str) -> tuple[str, list[str]]:
    """What the last run removed from the plan, in ``lang``: a heading with their count and one line per item (no
    bullet), as ``pac status`` and the report's data section list them; ``("", [])`` when it removed nothing."""
    items = [item for item in (read(e) for e in errors) if item is not None]
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
    """Whether a run's kept problem is one of these lines (``pac status`` lists them apart from the problems)."""
    return read(error) is not None
