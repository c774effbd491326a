"""The PAC objects and fields in Salesforce: one definition for provisioning, checks and the SFDX source.

``force-app/main/default`` holds the same definitions as SFDX source for admins who deploy with the
Salesforce CLI; a test keeps both in step (``connectors/salesforce/sfdx.py`` renders the field files and
permission sets from these definitions). Field metadata follows the Metadata API ``CustomField`` type
(``type``: Text, LongTextArea, Number, Currency, Percent, Checkbox, Date, DateTime, Picklist, Lookup).

Who may edit what (field-level security, the three permission sets of ``permissions.py``):

* ``sync``: computed by pac, written by the integration user only (everyone else reads);
* ``manager``: managers edit it in Salesforce (an axis's status and priority, an action's target and due date);
  history is tracked on these fields. Only what pac reads back into the plan (``connectors.base.EDIT_FIELDS``, the
  mapping's ``editable``) is a manager's: any other edit pac would restore the next night (drift repair), so an
  axis's objective and window dates and an action's window start are ``sync`` (audit sfpkg F7);
* ``rep``: reps edit it on their own actions (the action's status), managers too;
* keys (``PAC_Key__c``) and computed fields: nobody but the integration user.

Labels are English (the API names and values never change); ``label_fr`` and ``value_labels_fr`` are the
French translations deployed as ``objectTranslations`` for French-speaking users.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pac_core.kpis import ROI_HELP
from pac_core.results import Pace

Editor = Literal["sync", "manager", "rep"]


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
    editable_by_managers: bool = False   # a person's edit flows back into the plan (the later change wins)
    description: str = ""
    visible_lines: int | None = None
    label_fr: str = ""
    value_labels_fr: tuple[str, ...] = ()
    editor: Editor = "sync"         # who edits it besides the integration user (see the module docstring)
    reference_to: str | None = None             # Lookup: the parent object
    help: str = ""                  # inline help (the "i" users see beside the field), English
    help_fr: str = ""               # its French translation
    relationship: str | None = None             # Lookup: the child relationship name on the parent
    formula: str | None = None      # a formula field (its type the result's): Salesforce computes it, nobody edits it

    @property
    def tracked(self) -> bool:
        """Field history is kept for the fields people edit."""
        return self.editor != "sync"

    @property
    def relationship_field(self) -> str:
        """``PAC_Axis__r`` for the lookup ``PAC_Axis__c``: how a write names the parent by its external id."""
        return self.name[:-3] + "__r"

    def metadata(self) -> dict[str, Any]:
        """The ``Metadata`` body of a Tooling API ``CustomField`` create."""
        meta: dict[str, Any] = {"label": self.label, "type": self.type, "description": self.description}
        if self.help:
            meta["inlineHelpText"] = self.help
        if self.formula is not None:
            meta.update(formula=self.formula, formulaTreatBlanksAs="BlankAsZero")
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
        if self.tracked:
            meta["trackHistory"] = True
        if self.type == "Lookup":
            meta.update(referenceTo=self.reference_to, relationshipName=self.relationship,
                        relationshipLabel=self.relationship_label, deleteConstraint="SetNull")
        if self.values:
            labels = self.value_labels or self.values
            meta["valueSet"] = {"restricted": True, "valueSetDefinition": {
                "sorted": False,
                "value": [{"fullName": v, "label": lab, "default": False}
                          for v, lab in zip(self.values, labels, strict=True)]}}
        return meta

    @property
    def relationship_label(self) -> str:
        return "PAC Actions"


@dataclass(frozen=True)
class PacObject:
    name: str                       # PAC_Axis__c, or Account for the account-level fields
    label: str
    plural_label: str
    custom: bool = True
    fields: tuple[PacField, ...] = field(default_factory=tuple)
    description: str = ""
    sharing: str = "ReadWrite"      # org-wide default: ReadWrite (public) or Private
    label_fr: str = ""
    plural_label_fr: str = ""
    gender_fr: str = "Masculine"

    def metadata(self) -> dict[str, Any]:
        """The ``Metadata`` body of a Tooling API ``CustomObject`` create."""
        return {"label": self.label, "pluralLabel": self.plural_label, "description": self.description,
                "nameField": {"label": f"{self.label} Name", "type": "Text"},
                "deploymentStatus": "Deployed", "sharingModel": self.sharing, "enableHistory": True,
                "enableReports": True, "enableSearch": True}

    def field(self, name: str) -> PacField:
        return next(f for f in self.fields if f.name == name)


# the engine's paces, and "removed": a record whose axis or action is no longer in the plan (sync_jobs.diff.REMOVED)
PACE_VALUES = (*(p.value for p in Pace), "removed")
# an action's words, the report's and HubSpot's (one verdict wherever a manager reads it): "late" is a window closed
# with the target missed, so "Missed" / « Manquée », not "Late" / « En retard », which reads as still catching up
PACE_LABELS = {"done": ("Done", "Terminée"), "on_track": ("On track", "Dans les temps"),
               "at_risk": ("At risk", "À risque"), "late": ("Missed", "Manquée"),
               "not_started": ("Not started", "À venir"), "inactive": ("Inactive", "Inactive"),
               "removed": ("Removed from plan", "Retirée du plan")}
# an axis's words (the report's axis pace, sync_jobs/report/i18n.py ENUMS["axis_pace"]): "done" is its objective
# reached while its period may run on, « Objectif atteint », not « Terminée » ("closed, stop working on it"); the French
# agrees with « axe » (masculine) where it agrees at all (audit sfpkg F4). API values unchanged.
AXIS_PACE_LABELS = {**PACE_LABELS, "done": ("Objective reached", "Objectif atteint"), "late": ("Missed", "Manqué"),
                    "inactive": ("Inactive", "Inactif"), "removed": ("Removed from plan", "Retiré du plan")}

_KEY = PacField("PAC_Key__c", "PAC Key", "Text", length=255, external_id=True, unique=True,
                description="Stable key written by pac (plan:id); the upsert key.", label_fr="Clé PAC")
_PLAN = PacField("PAC_Plan__c", "Plan", "Text", length=255, description="The plan's name.", label_fr="Plan")
# One API name, one meaning per object: an action's progress is done / target; an axis's is its additional revenue
# against its objective, as the report's axis progress bar and the axis's pace (its actions' done and target have
# their own fields: « 6 of 11 actions » next to a revenue progress of 16.3 % read as a contradiction, audit F4).
_ACTION_PROGRESS = PacField("PAC_Progress_Pct__c", "Progress %", "Percent", precision=18, scale=1,
                            description="Done / target, in percent (above 100 when exceeded).",
                            label_fr="Avancement %")
_AXIS_PROGRESS = PacField("PAC_Progress_Pct__c", "Additional revenue progress %", "Percent", precision=18, scale=1,
                          description="Additional revenue so far / objective, in percent (above 100 when exceeded), "
                                      "as the report's axis progress; the pace compares it with the share of the "
                                      "period elapsed. The axis's actions: Actions done and Actions target.",
                          label_fr="Avancement du CA supplémentaire %")


def _common(pace_labels: Mapping[str, tuple[str, str]], window_end: Editor) -> tuple[PacField, ...]:
    """The fields both objects have: the pace in the object's words, the window (its end a manager's on an action only,
    where pac reads it back as the due date), the last sync and the plan's end."""
    return (
        PacField("PAC_Pace__c", "Pace", "Picklist", values=PACE_VALUES,
                 value_labels=tuple(pace_labels[v][0] for v in PACE_VALUES),
                 value_labels_fr=tuple(pace_labels[v][1] for v in PACE_VALUES),
                 description="Where it stands against where it should be by now, as computed by pac.",
                 label_fr="Rythme"),
        PacField("PAC_Window_Start__c", "Window start", "Date", label_fr="Début"),
        PacField("PAC_Window_End__c", "Window end", "Date", editor=window_end, label_fr="Échéance"),
        PacField("PAC_Last_Synced__c", "Last synced", "DateTime", label_fr="Dernière synchronisation"),
        # the plan's last day, on every record: a record whose plan end is past belongs to an ended plan, kept as
        # history and left out of the running views (list views, the pacPlan component), as a record removed from the
        # plan is. Neither the item's window (an action of the running plan is late once its window closes, as last
        # year's are) nor the pace (done / late is the year-end verdict) nor the status (the managers') can say it.
        PacField("PAC_Plan_End__c", "Plan end", "Date",
                 description="The last day of the plan's period, written by pac: past, the plan has ended and its "
                             "records are left out of the running views.", label_fr="Fin du plan"),
    )


# The axis's KPIs (docs/engine.md, KPI vocabulary): one field per core KPI, the named ones as a readable line,
# and the advisor's recommendation for the axis.
KPI_FIELDS = (
    PacField("PAC_Reactivation_Rate__c", "Reactivation rate", "Percent", precision=5, scale=1,
             description="Dormant accounts of the scope with a won deal in the period / dormant accounts.",
             label_fr="Taux de réactivation"),
    PacField("PAC_Win_Rate__c", "Win rate", "Percent", precision=5, scale=1,
             description="Deals (CRM opportunities) won / won + lost, closed in the period on the scope's accounts, "
                         "by number.",
             label_fr="Taux de réussite"),
    PacField("PAC_Visit_To_Win__c", "Visit-to-win conversion", "Percent", precision=5, scale=1,
             description="Visited accounts won within the attribution window after a visit / visited accounts.",
             label_fr="Conversion visite-commande"),
    PacField("PAC_Average_Won_Deal__c", "Average won deal", "Currency", precision=16, scale=2,
             description="Won revenue / won deals with an amount in the period (a won deal with no amount is left "
                         "out, not counted as 0).",
             label_fr="Montant moyen des affaires gagnées"),
    PacField("PAC_Coverage__c", "Scope coverage", "Percent", precision=5, scale=1,
             description="Visited accounts of the scope / accounts of the scope.",
             label_fr="Couverture du périmètre"),
    PacField("PAC_New_Accounts__c", "New accounts", "Number", precision=9, scale=0,
             description="Accounts of the scope whose first won deal closes in the period.",
             label_fr="Nouveaux comptes"),
    PacField("PAC_Revenue_Per_Visit__c", "Revenue per visit", "Currency", precision=16, scale=2,
             description="The axis's revenue / activities counted by its actions (visits, calls, meetings..., "
                         "repeats included).",
             label_fr="CA par visite"),
    PacField("PAC_Pipeline_Created__c", "Pipeline created", "Currency", precision=16, scale=2,
             description="Amount of the deals created in the period on the scope's accounts.",
             label_fr="Pipeline créé"),
    PacField("PAC_KPIs__c", "KPIs", "LongTextArea", length=32768, visible_lines=4,
             description="The KPIs the plan names for the axis, in the plan's language, with their parts.",
             label_fr="Indicateurs"),
    PacField("PAC_Advice__c", "Advice", "LongTextArea", length=32768, visible_lines=3,
             description="The advisor's recommendation for the axis this period, with the rules it overruled.",
             label_fr="Recommandation"),
)

PAC_AXIS = PacObject(
    "PAC_Axis__c", "PAC Axis", "PAC Axes", label_fr="Axe PAC", plural_label_fr="Axes PAC",
    description="A development axis of the Commercial Action Plan, kept up to date by pac.",
    sharing="ReadWrite",
    fields=(_KEY, _PLAN, _AXIS_PROGRESS, *_common(AXIS_PACE_LABELS, "sync"),
            PacField("PAC_Status__c", "Status", "Picklist", values=("active", "prioritised", "suspended", "dropped"),
                     value_labels=("Active", "Prioritised", "Suspended", "Dropped"),
                     value_labels_fr=("Actif", "Prioritaire", "Suspendu", "Abandonné"),
                     editable_by_managers=True, editor="manager", label_fr="Statut"),
            PacField("PAC_Priority__c", "Priority", "Number", precision=3, scale=0, editable_by_managers=True,
                     editor="manager", label_fr="Priorité"),
            # the report's words, as HubSpot's pac_objective and pac_revenue (« CA additionnel » here read as
            # another figure than the report's « CA supplémentaire »: audit surfaces F2)
            PacField("PAC_Objective__c", "Objective (additional revenue)", "Currency", precision=16, scale=2,
                     label_fr="Objectif de CA supplémentaire"),
            PacField("PAC_Revenue__c", "Additional revenue so far", "Currency", precision=16, scale=2,
                     description="Won revenue so far - baseline, as both are written: the report's additional "
                                 "revenue (« CA supplémentaire »), which it shows to the unit.",
                     label_fr="CA supplémentaire à date"),
            PacField("PAC_Won_Revenue__c", "Won revenue so far", "Currency", precision=16, scale=2,
                     description="Revenue won on the axis's scope in its period to date (additional revenue = "
                                 "won revenue - baseline).",
                     label_fr="CA gagné à date"),
            PacField("PAC_Baseline__c", "Baseline (same span a year earlier)", "Currency", precision=16, scale=2,
                     description="Revenue won on the same scope over the same span a year earlier, or the plan's "
                                 "fixed baseline when it gives one: what the additional revenue is counted from.",
                     label_fr="CA de référence"),
            # a ratio beside fields in percent (audit E F9): the type stays (orgs have it deployed), the label and the
            # inline help say how to read it
            PacField("PAC_ROI__c", "ROI to date (1 = 100 %)", "Number", precision=12, scale=4,
                     label_fr="ROI à date (1 = 100 %)",
                     description="ROI to date as a ratio: 1.4310 is the report's 143 % ((additional revenue x margin "
                                 "rate - cost to date) / cost to date, the cost pro-rated day by day over the "
                                 "objective's period).",
                     help=ROI_HELP[0], help_fr=ROI_HELP[1]),
            PacField("PAC_Target__c", "Actions target", "Number", precision=9, scale=0,
                     description="Sum of the targets of the axis's actions (cancelled ones left out).",
                     label_fr="Objectif des actions"),
            PacField("PAC_Done__c", "Actions done", "Number", precision=9, scale=0,
                     description="Sum of what the axis's actions achieved, each counted up to its target.",
                     label_fr="Actions réalisées"),
            *KPI_FIELDS))

PAC_ACTION = PacObject(
    "PAC_Action__c", "PAC Action", "PAC Actions", label_fr="Action PAC", plural_label_fr="Actions PAC",
    gender_fr="Feminine", sharing="Private",
    description="A 5Q action of the plan: its owner is the rep who acts.",
    fields=(_KEY, _PLAN, _ACTION_PROGRESS, *_common(PACE_LABELS, "manager"),
            PacField("PAC_Axis__c", "Axis", "Lookup", reference_to="PAC_Axis__c", relationship="PAC_Actions",
                     description="The axis this action serves (set by pac through the axis's PAC Key).",
                     label_fr="Axe"),
            PacField("PAC_Axis_Key__c", "Axis key", "Text", length=255, label_fr="Clé de l'axe"),
            PacField("PAC_Status__c", "Status", "Picklist", values=("planned", "in_progress", "done", "cancelled"),
                     value_labels=("Planned", "In progress", "Done", "Cancelled"),
                     value_labels_fr=("Prévue", "En cours", "Réalisée", "Annulée"),
                     editable_by_managers=True, editor="rep", label_fr="Statut"),
            PacField("PAC_Target__c", "Target", "Number", precision=9, scale=0, editor="manager",
                     editable_by_managers=True,
                     label_fr="Objectif"),
            PacField("PAC_Done__c", "Done", "Number", precision=9, scale=0, label_fr="Réalisé"),
            # what the action adds to its rep's done in the report « PAC actions by rep » and its dashboard chart,
            # as pac's report and the axis's PAC_Done__c count it (audit lwcaudit F7: 15 / 10 and 0 / 10 summed 75 %)
            PacField("PAC_Done_Counted__c", "Done (counted)", "Number", precision=18, scale=0,
                     formula="MIN(PAC_Done__c, PAC_Target__c)",
                     description="Done, counted up to the action's target (15 done of 10 counts 10), as pac's report "
                                 "adds up a rep's actions. A formula: pac writes Done and Target.",
                     label_fr="Réalisé (compté)"),
            PacField("PAC_Text__c", "Action", "LongTextArea", length=32768, visible_lines=3,
                     description="The action's whole statement (the Name holds its first 80 characters).",
                     label_fr="Action")))

PAC_ACCOUNT = PacObject(
    "Account", "Account", "Accounts", custom=False,
    fields=(PacField("PAC_Axes__c", "PAC axes", "Text", length=255,
                     description="The plan's axes that target this account (ids joined by '; ').",
                     label_fr="Axes PAC"),
            PacField("PAC_Target__c", "PAC target", "Checkbox",
                     description="Checked when at least one axis of the plan targets this account.",
                     label_fr="Cible PAC")))

PAC_OBJECTS: tuple[PacObject, ...] = (PAC_AXIS, PAC_ACTION, PAC_ACCOUNT)


def history_name(sobject: str) -> str:
    """The field history object of ``sobject`` (Field History Tracking): ``PAC_Axis__c`` -> ``PAC_Axis__History``,
    ``Account`` -> ``AccountHistory``."""
    return sobject[:-3] + "__History" if sobject.endswith("__c") else sobject + "History"


def pac_object(name: str) -> PacObject:
    return next(o for o in PAC_OBJECTS if o.name == name)


def writable_fields() -> dict[str, set[str]]:
    """Every field the write-back may touch, per object (the security boundary of the mapping)."""
    out = {o.name: {f.name for f in o.fields} for o in PAC_OBJECTS}
    out["PAC_Axis__c"] |= {"Name", "OwnerId"}
    out["PAC_Action__c"] |= {"Name", "OwnerId"}
    return out


def pac_field(obj: str, crm_field: str) -> PacField | None:
    try:
        return pac_object(obj).field(crm_field)
    except StopIteration:
        return None


def field_length(obj: str, crm_field: str) -> int | None:
    spec = pac_field(obj, crm_field)
    return spec.length if spec is not None else None


DEPLOY = "sf project deploy start --source-dir force-app --target-org ORG"


def _listed(values: list[str], spec: PacField, *, named: bool = False) -> str:
    """``'removed' (Removed from plan)``, or with ``named`` ``'removed' (label 'Removed from plan')``."""
    labels = dict(zip(spec.values, spec.value_labels or spec.values, strict=True))
    return ", ".join(f"{v!r} (label {labels[v]!r})" if named else f"{v!r} ({labels[v]})" for v in values)


def picklist_gaps(obj: str, spec: PacField, described: Mapping[str, Any]) -> tuple[str, str] | None:
    """(problem, fix) when the org's picklist ``obj.spec.name`` (its describe, ``described``) lacks values pac
    writes, or has them inactive: a restricted picklist refuses them (``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``,
    per record), as in an org provisioned before pac wrote them (``removed``, 5 Dec 2026). None when it has them
    all, active. Compared with describe's ``picklistValues`` (``value``, ``active``): no call of its own."""
    if not spec.values or described.get("type") != "picklist":
        return None
    have = {str(v.get("value")): bool(v.get("active", True)) for v in described.get("picklistValues") or []
            if isinstance(v, dict)}
    missing = [v for v in spec.values if v not in have]
    inactive = [v for v in spec.values if have.get(v) is False]
    if not missing and not inactive:
        return None
    where = f"{obj}.{spec.name}"
    parts = []
    if missing:
        parts.append(f"lacks the picklist value{'s' if len(missing) > 1 else ''} {_listed(missing, spec)}")
    if inactive:
        parts.append(f"has the picklist value{'s' if len(inactive) > 1 else ''} {_listed(inactive, spec)} inactive")
    them = "them" if len(missing) + len(inactive) > 1 else "it"
    problem = (f"{where} {' and '.join(parts)}, which pac writes: the org refuses {them} "
               "(INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST)")
    fixes = []
    if missing:
        fixes.append(f"an org provisioned by an older pac: deploy force-app/ ({DEPLOY}), or in Setup add the value"
                     f"{'s' if len(missing) > 1 else ''} {_listed(missing, spec, named=True)} to {where}; "
                     "`pac crm provision salesforce` does not change an existing picklist")
    if inactive:
        fixes.append(f"in Setup activate the value{'s' if len(inactive) > 1 else ''} "
                     f"{', '.join(map(repr, inactive))} of {where}")
    return problem, "; ".join(fixes)


def _size(kind: str, length: Any, precision: Any, scale: Any) -> str:
    """``Text(255)``, ``Percent(18, 1)``: a field's type with its size, as Setup shows it."""
    return f"{kind}({length})" if precision is None else f"{kind}({precision}, {scale})"


def size_gap(obj: str, spec: PacField, described: Mapping[str, Any]) -> tuple[str, str] | None:
    """(problem, fix) when the org's field ``obj.spec.name`` (its describe, ``described``: ``length``, ``precision``,
    ``scale``) holds less than pac writes there: a shorter text refuses a longer value (``STRING_TOO_LONG``), fewer
    digits before the point refuse a larger number (``NUMBER_OUTSIDE_VALID_RANGE``), the whole record with either;
    fewer decimal places round pac's figure (Salesforce saves a number rounded to the field's scale). An org
    provisioned by an older pac (``PAC_Progress_Pct__c`` was a Percent(5, 1)) or a field an admin created by hand.
    None when the field is as wide as pac's, or wider. From the describe pac reads anyway: no call of its own."""
    def number(key: str) -> int | None:
        value = described.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    problems: list[str] = []
    length, precision, scale = number("length"), number("precision"), number("scale")
    if spec.length is not None and length and length < spec.length:
        problems.append(f"a value longer than {length:,} characters is refused (STRING_TOO_LONG), and the whole "
                        "record with it")
        have = _size(spec.type, length, None, None)
    elif spec.precision is not None and spec.scale is not None and precision and scale is not None:
        digits, wanted = precision - scale, spec.precision - spec.scale
        if digits < wanted:
            problems.append(f"a value of {10 ** digits:,} or more (or -{10 ** digits:,} or less) is refused "
                            "(NUMBER_OUTSIDE_VALID_RANGE), and the whole record with it")
        if scale < spec.scale:
            problems.append(f"Salesforce rounds what pac writes to {scale} decimal place{'s' if scale != 1 else ''}"
                            " (the field shows another figure than the report)")
        have = _size(spec.type, None, precision, scale)
    if not problems:
        return None
    want = _size(spec.type, spec.length, spec.precision, spec.scale)
    where = f"{obj}.{spec.name}"
    problem = f"{where} is a {have} field; pac writes a {want}: {'; '.join(problems)}"
    fix = (f"widen it in Setup (Object Manager, {obj}, {spec.name}, Edit) to {want}, or deploy force-app/ ({DEPLOY}); "
           "`pac crm provision salesforce` does not change an existing field")
    return problem, fix


def refused_value_fix(obj: str, fields: list[str], message: str) -> str:
    """What to add to Salesforce's per-record ``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`` for a PAC picklist of
    ``obj`` (``fields``: the error's fields): the value the org lacks and the fix ``picklist_gaps`` gives; "" for
    any other field, or a value pac does not write."""
    for name in fields:
        spec = pac_field(obj, name)
        if spec is None or not spec.values:
            continue
        value = next((v for v in spec.values if message.rstrip().endswith(f": {v}")), None)
        if value is not None:
            return (f"{obj}.{name} lacks the value {value!r} or has it inactive (an org provisioned by an older "
                    f"pac): deploy force-app/ ({DEPLOY}), or add or activate it in Setup; pac crm check names every "
                    "such value")
    return ""
