"""The PAC objects and fields in Salesforce: one definition for provisioning, checks and the SFDX source.

``force-app/main/default`` holds the same definitions as SFDX source for admins who deploy with the
Salesforce CLI; a test keeps both in step. Field metadata follows the Metadata API ``CustomField``
type (``type``: Text, LongTextArea, Number, Currency, Percent, Checkbox, Date, DateTime, Picklist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PacField:
    name: str                       # API name, e.g. PAC_Done__c
    label: str
    type: str                       # Metadata API CustomField type
    length: int | None = None       # Text / LongTextArea
    precision: int | None = None    # Number / Currency / Percent
    scale: int | None = None
    values: tuple[str, ...] = ()    # Picklist API values (labels in ``value_labels``)
    value_labels: tuple[str, ...] = ()
    external_id: bool = False
    unique: bool = False
    editable_by_managers: bool = False   # flows back into the plan; never overwritten by the sync
    description: str = ""
    visible_lines: int | None = None

    def metadata(self) -> dict[str, Any]:
        """The ``Metadata`` body of a Tooling API ``CustomField`` create."""
        meta: dict[str, Any] = {"label": self.label, "type": self.type, "description": self.description}
        if self.type == "Checkbox":
            meta["defaultValue"] = "false"
        for key in ("length", "precision", "scale"):
            if getattr(self, key) is not None:
                meta[key] = getattr(self, key)
        if self.visible_lines is not None:
            meta["visibleLines"] = self.visible_lines
        if self.external_id:
            meta["externalId"] = True
        if self.unique:
            meta["unique"] = True
        if self.values:
            labels = self.value_labels or self.values
            meta["valueSet"] = {"restricted": True, "valueSetDefinition": {
                "sorted": False,
                "value": [{"fullName": v, "label": lab, "default": i == 0}
                          for i, (v, lab) in enumerate(zip(self.values, labels, strict=True))]}}
        return meta


@dataclass(frozen=True)
class PacObject:
    name: str                       # PAC_Axis__c, or Account for the account-level fields
    label: str
    plural_label: str
    custom: bool = True
    fields: tuple[PacField, ...] = field(default_factory=tuple)
    description: str = ""

    def metadata(self) -> dict[str, Any]:
        """The ``Metadata`` body of a Tooling API ``CustomObject`` create."""
        return {"label": self.label, "pluralLabel": self.plural_label, "description": self.description,
                "nameField": {"label": f"{self.label} Name", "type": "Text"},
                "deploymentStatus": "Deployed", "sharingModel": "ReadWrite"}

    def field(self, name: str) -> PacField:
        return next(f for f in self.fields if f.name == name)


_KEY = PacField("PAC_Key__c", "PAC Key", "Text", length=255, external_id=True, unique=True,
                description="Stable key written by pac (plan:id); the upsert key.")
_COMMON = (
    PacField("PAC_Plan__c", "Plan", "Text", length=255),
    PacField("PAC_Progress_Pct__c", "Progress %", "Percent", precision=5, scale=1),
    PacField("PAC_Pace__c", "Pace", "Text", length=40, description="ahead, on_track, behind, done"),
    PacField("PAC_Window_Start__c", "Window start", "Date"),
    PacField("PAC_Window_End__c", "Window end", "Date"),
    PacField("PAC_Last_Synced__c", "Last synced", "DateTime"),
)

PAC_AXIS = PacObject(
    "PAC_Axis__c", "PAC Axis", "PAC Axes",
    description="A development axis of the Commercial Action Plan, kept up to date by pac.",
    fields=(_KEY, *_COMMON,
            PacField("PAC_Status__c", "Status", "Picklist", values=("active", "prioritised", "suspended", "dropped"),
                     value_labels=("Active", "Prioritised", "Suspended", "Dropped"), editable_by_managers=True),
            PacField("PAC_Priority__c", "Priority", "Number", precision=3, scale=0, editable_by_managers=True),
            PacField("PAC_Objective__c", "Objective (additional revenue)", "Currency", precision=16, scale=2),
            PacField("PAC_Revenue__c", "Additional revenue so far", "Currency", precision=16, scale=2),
            PacField("PAC_ROI__c", "ROI", "Number", precision=12, scale=4),
            PacField("PAC_Target__c", "Actions target", "Number", precision=9, scale=0),
            PacField("PAC_Done__c", "Actions done", "Number", precision=9, scale=0)))

PAC_ACTION = PacObject(
    "PAC_Action__c", "PAC Action", "PAC Actions",
    description="A 5Q action of the plan: its owner is the rep who acts.",
    fields=(_KEY, *_COMMON,
            PacField("PAC_Axis_Key__c", "Axis key", "Text", length=255),
            PacField("PAC_Status__c", "Status", "Picklist", values=("planned", "in_progress", "done", "cancelled"),
                     value_labels=("Planned", "In progress", "Done", "Cancelled"), editable_by_managers=True),
            PacField("PAC_Target__c", "Target", "Number", precision=9, scale=0),
            PacField("PAC_Done__c", "Done", "Number", precision=9, scale=0),
            PacField("PAC_Text__c", "Action", "LongTextArea", length=32768, visible_lines=3)))

PAC_ACCOUNT = PacObject(
    "Account", "Account", "Accounts", custom=False,
    fields=(PacField("PAC_Axes__c", "PAC axes", "LongTextArea", length=32768, visible_lines=3,
                     description="The plan's axes that target this account."),
            PacField("PAC_Target__c", "PAC target", "Checkbox",
                     description="Checked when at least one axis of the plan targets this account.")))

PAC_OBJECTS: tuple[PacObject, ...] = (PAC_AXIS, PAC_ACTION, PAC_ACCOUNT)


def pac_object(name: str) -> PacObject:
    return next(o for o in PAC_OBJECTS if o.name == name)


def writable_fields() -> dict[str, set[str]]:
    """Every field the write-back may touch, per object (the security boundary of the mapping)."""
    out = {o.name: {f.name for f in o.fields} for o in PAC_OBJECTS}
    out["PAC_Axis__c"] |= {"Name", "OwnerId"}
    out["PAC_Action__c"] |= {"Name", "OwnerId"}
    return out
