"""The PAC objects and properties in a HubSpot portal: what they are, what is missing, creating them.

Two write-back layouts (``writeback.mode``):

* **custom objects** (Enterprise portals, schemas API allowed): ``pac_axis`` and ``pac_action`` with
  a unique ``pac_key`` for idempotent batch upserts, associated to companies;
* **fallback** (the schemas API answers 403): one HubSpot task per action (``hs_task_subject``, due
  date ``hs_timestamp`` = the action's window end, ``hubspot_owner_id``), upserted by a unique
  ``pac_key`` task property; axis figures stay in the report.

In both, companies get a "PAC" property group (``pac_axes``: the axes that target the company,
``pac_target``: targeted by the plan, ``pac_last_synced``). Every property written is declared here:
a write to anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pac_core.kpi_vocabulary import BY_ID, CORE
from pac_core.plan import ActionStatus, AxisState
from pac_core.results import Pace

KEY = "pac_key"


@dataclass(frozen=True)
class Prop:
    name: str
    label: str
    type: str                      # string, number, date, datetime, enumeration, bool
    field_type: str                # text, textarea, number, date, select, booleancheckbox
    options: tuple[str, ...] = ()
    unique: bool = False

    def create_body(self, group: str) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "label": self.label, "type": self.type,
                                "fieldType": self.field_type, "groupName": group}
        if self.options:
            body["options"] = [{"label": o.replace("_", " ").capitalize(), "value": o, "hidden": False,
                                "displayOrder": i} for i, o in enumerate(self.options)]
        if self.unique:
            body["hasUniqueValue"] = True
        return body


def _p(name: str, label: str, kind: str, options: tuple[str, ...] = (), unique: bool = False) -> Prop:
    field_type = {"string": "text", "number": "number", "date": "date", "datetime": "date",
                  "enumeration": "select", "bool": "booleancheckbox"}[kind]
    return Prop(name, label, kind, field_type, options, unique)


_PACE = tuple(p.value for p in Pace)
# the core KPIs of pac_core.kpi_vocabulary, one number property each (ratios as percentages, like progress)
_KPIS = tuple((k, BY_ID[k].en.capitalize(), BY_ID[k].unit) for k in CORE)
_COMMON = {
    "key": _p(KEY, "PAC key", "string", unique=True),
    "name": _p("pac_name", "PAC name", "string"),
    "progress_pct": _p("pac_progress_pct", "Progress (%)", "number"),
    "pace": _p("pac_pace", "Pace", "enumeration", _PACE),
    "window_start": _p("pac_window_start", "Window start", "date"),
    "window_end": _p("pac_window_end", "Window end", "date"),
    "last_synced": _p("pac_last_synced", "Last synced by pac", "datetime"),
}
# logical field -> property, per target. ``owner_email`` becomes ``hubspot_owner_id`` (an owner lookup).
AXIS_PROPS: dict[str, Prop] = {**_COMMON,
                               "status": _p("pac_status", "Axis status", "enumeration",
                                            tuple(s.value for s in AxisState)),
                               "priority": _p("pac_priority", "Priority rank", "number"),
                               "objective": _p("pac_objective", "Additional revenue objective", "number"),
                               "revenue": _p("pac_revenue", "Revenue won", "number"),
                               "roi": _p("pac_roi", "ROI", "number"),
                               **{f"kpi_{k}": _p(f"pac_{k}{'_pct' if unit == 'ratio' else ''}",
                                                 label + (" (%)" if unit == "ratio" else ""), "number")
                                  for k, label, unit in _KPIS},
                               "kpis": Prop("pac_kpis", "KPIs", "string", "textarea"),
                               "advice": Prop("pac_advice", "Advice", "string", "textarea")}
ACTION_PROPS: dict[str, Prop] = {**_COMMON,
                                 "status": _p("pac_status", "Action status", "enumeration",
                                              tuple(s.value for s in ActionStatus)),
                                 "target": _p("pac_target", "Target", "number"),
                                 "done": _p("pac_done", "Done", "number"),
                                 "axis_key": _p("pac_axis_key", "Axis key", "string")}
COMPANY_PROPS: dict[str, Prop] = {"axes": _p("pac_axes", "PAC axes targeting this company", "string"),
                                  "target": _p("pac_target", "Targeted by the PAC", "bool"),
                                  "last_synced": _COMMON["last_synced"]}
# Fallback: the action's figures on its task; these HubSpot task properties are written as well.
TASK_NATIVE = {"name": "hs_task_subject", "window_end": "hs_timestamp", "status": "hs_task_status"}
TASK_STATUS = {"planned": "NOT_STARTED", "in_progress": "IN_PROGRESS", "done": "COMPLETED", "cancelled": "DEFERRED"}
TASK_STATUS_BACK = {v: k for k, v in TASK_STATUS.items()} | {"WAITING": "in_progress"}
TASK_PROPS: dict[str, Prop] = {k: v for k, v in ACTION_PROPS.items() if k != "name"}

LOGICAL_EXTRA = {"owner_email"}   # handled for every target

# Deals, group PAC (both layouts): the axes whose scope holds the deal's company (its primary company),
# copied from that company's account change, so a rep filtering deals sees which ones the plan targets.
DEAL_PROPS: dict[str, Prop] = {"axes": _p("pac_axes", "PAC axes targeting the deal's company", "string"),
                               "target": _p("pac_target", "Deal's company targeted by the PAC", "bool")}
# An action change may carry ``companies``: the HubSpot ids of the companies its scope names. They become
# associations of the action's record (its task, or its pac_action object) with those companies, not a property.
ACTION_COMPANIES = "companies"


@dataclass(frozen=True)
class CustomObject:
    name: str
    singular: str
    plural: str
    props: dict[str, Prop]

    def create_body(self, group: str) -> dict[str, Any]:
        props = [{k: v for k, v in p.create_body(group).items() if k != "groupName"} for p in self.props.values()]
        return {"name": self.name, "labels": {"singular": self.singular, "plural": self.plural},
                "primaryDisplayProperty": "pac_name", "secondaryDisplayProperties": ["pac_status", "pac_pace"],
                "searchableProperties": ["pac_name", KEY], "requiredProperties": [KEY], "properties": props,
                "associatedObjects": ["COMPANY"]}


def custom_objects(axis_name: str, action_name: str) -> tuple[CustomObject, CustomObject]:
    return (CustomObject(axis_name, "PAC axis", "PAC axes", AXIS_PROPS),
            CustomObject(action_name, "PAC action", "PAC actions", ACTION_PROPS))
