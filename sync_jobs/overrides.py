"""Manager edits made in the CRM flow back into the plan as overrides of the plan file.

A manager who suspends an axis, re-ranks priorities or marks an action cancelled in Salesforce or
HubSpot is the plan's owner: the edit wins over the file until they change it again (the newest
edit wins across CRMs). Logical fields: ``axis_status`` (active, prioritised, suspended, dropped),
``axis_priority`` (rank, 1 first), ``action_status`` (planned, in_progress, done, cancelled).
An edit that would break the method's rules (e.g. a rank used twice) is not applied and is reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from pac_core.errors import InvalidInput
from pac_core.plan import ActionStatus, AxisState, AxisStatus, Plan

EDITED_IN_CRM = "changed in the CRM by the manager"


def _key_id(plan: Plan, key: str) -> str:
    prefix = f"{plan.id}:"
    return key[len(prefix):] if key.startswith(prefix) else key


def apply_overrides(plan: Plan, edits: Iterable[Any]) -> tuple[Plan, list[str]]:
    """The plan with each edit (rows with target, key, field, value) applied; plus what was refused."""
    axes = {a.id: a for a in plan.axes}
    actions = {a.id: a for a in plan.actions}
    refused: list[str] = []
    for edit in edits:
        item = _key_id(plan, edit.key)
        try:
            if edit.field == "axis_status" and item in axes:
                state = AxisState(str(edit.value).lower())
                old = axes[item].status
                status = AxisStatus(state=state, rank=old.rank if state is AxisState.PRIORITISED else None,
                                    reason=old.reason or (EDITED_IN_CRM if state in (AxisState.SUSPENDED,
                                                                                     AxisState.DROPPED) else ""),
                                    until=old.until if state is AxisState.SUSPENDED else None)
                if state is AxisState.PRIORITISED and status.rank is None:
                    status = dataclasses.replace(status, rank=len(plan.axes))
                axes[item] = dataclasses.replace(axes[item], status=status)
            elif edit.field == "axis_priority" and item in axes:
                rank = None if edit.value in (None, "") else int(float(edit.value))
                old = axes[item].status
                state = AxisState.PRIORITISED if rank else (AxisState.ACTIVE if old.state is AxisState.PRIORITISED
                                                            else old.state)
                axes[item] = dataclasses.replace(axes[item], status=dataclasses.replace(old, state=state, rank=rank))
            elif edit.field == "action_status" and item in actions:
                actions[item] = dataclasses.replace(actions[item], status=ActionStatus(str(edit.value).lower()))
            else:
                refused.append(f"{edit.key} {edit.field}: no such record or field in the plan")
        except (ValueError, TypeError) as exc:
            refused.append(f"{edit.key} {edit.field}={edit.value!r}: {exc}")
    try:
        return dataclasses.replace(plan, axes=tuple(axes[a.id] for a in plan.axes),
                                   actions=tuple(actions[a.id] for a in plan.actions)), refused
    except InvalidInput as exc:
        refused.append(f"manager edits not applied, they break the plan's rules: {exc}")
        return plan, refused
