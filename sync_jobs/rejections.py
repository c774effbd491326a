"""A run's rejected records grouped by object and reason, as ``repo.rejection_groups`` groups the stored ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pac_core.records import Rejected
from pac_core.reject_codes import reason_group
from sync_jobs.store.repo import RejectionGroup


def group_rejections(rejections: Sequence[Rejected], labels: Mapping[tuple[str, str, str], str] | None = None,
                     examples: int = 3) -> list[RejectionGroup]:
    """A run's rejections grouped by (object, reason group: ``reject_codes.reason_group``, a connector's by its
    code): how many, the first reason in full, a few example records (source, id, label), the biggest groups
    first."""
    groups: dict[tuple[str, str], tuple[list[int], str, list[tuple[str, str, str]]]] = {}
    for r in rejections:
        count, _sample, shown = groups.setdefault((r.object, reason_group(r.reason, r.code, r.values)),
                                            ([0], r.reason, []))
        count[0] += 1
        if len(shown) < examples:
            shown.append((r.source, r.id, (labels or {}).get((r.source, r.object, r.id), "")))
    out = [RejectionGroup(obj, head, count[0], sample, tuple(shown))
           for (obj, head), (count, sample, shown) in groups.items()]
    return sorted(out, key=lambda g: (-g.count, g.object, g.reason))
