"""The PAC objects and properties in a HubSpot portal: what they are, what is missing, creating them.

Two write-back layouts (``writeback.mode``):

* **custom objects** (Enterprise portals, schemas API allowed): ``pac_axis`` and ``pac_action`` with
  a unique ``pac_key`` for idempotent batch upserts, associated to companies;
* **fallback** (the schemas API answers 403): one HubSpot task per action (``hs_task_subject``, due
  date ``hs_timestamp`` = noon of the action's last day in the plan's timezone, ``hs_task_status`` COMPLETED or
  NOT_STARTED, ``hubspot_owner_id``), the action's status in ``pac_status``, found by its ``pac_key`` task
  property (not unique: a search, then an update by id or a create); axis figures stay in the report.

In both, companies get a "PAC" property group (``pac_axes``: the axes that target the company,
``pac_target``: targeted by the plan, ``pac_last_synced``). Every property written is declared here:
a write to anything else is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from pac_core.kpi_vocabulary import BY_ID, CORE
from pac_core.kpis import ROI_HELP
from pac_core.plan import ActionStatus, AxisState
from pac_core.results import Pace

KEY = "pac_key"


LANGUAGES = ("en", "fr")

# Labels people read in HubSpot, in the plan's language; internal names and option values never change
# (the sync, the mapping and saved views depend on them). (English, French) per property and option value.
LABELS: dict[str, tuple[str, str]] = {
    KEY: ("PAC key", "Clé PAC"),
    "pac_name": ("PAC name", "Nom PAC"),
    "pac_progress_pct": ("Progress (%)", "Avancement (%)"),
    "pac_pace": ("Pace", "Rythme"),
    "pac_window_start": ("Window start", "Début de la fenêtre"),
    "pac_window_end": ("Window end", "Fin de la fenêtre"),
    "pac_last_synced": ("Last synced by pac", "Dernière synchronisation pac"),
    # the plan's last day (Salesforce's PAC_Plan_End__c): past, the record is an ended plan's, out of running views
    "pac_plan_end": ("Plan end", "Fin du plan"),
    # the plan's name (Salesforce's PAC_Plan__c, labelled « Plan » in both languages): on a portal shared by several
    # plans, two plans' AX-KEY records read apart (audit twoplans F3, audit hsplanprops)
    "pac_plan": ("Plan", "Plan"),
    # the ISO 4217 code of the plan's currency, the one the axis's amounts are in (Salesforce's record CurrencyIsoCode):
    # a text, not HubSpot's currency number format, which shows the portal's company currency (CURRENCY_DESCRIPTIONS)
    "pac_currency": ("Currency of the amounts", "Devise des montants"),
    "pac_priority": ("Priority rank", "Rang de priorité"),
    "pac_objective": ("Additional revenue objective", "Objectif de CA supplémentaire"),
    # the axis's additional revenue (won revenue minus the baseline), as Salesforce's PAC_Revenue__c: "Revenue
    # won" read as the won revenue itself, which it is not
    "pac_revenue": ("Additional revenue so far", "CA supplémentaire à date"),
    # what it is counted from: the won revenue to date and the baseline (the same span a year earlier, or the plan's
    # fixed figure), so the figure reconciles with a report of won deals
    "pac_won_revenue": ("Won revenue so far", "CA gagné à date"),
    "pac_baseline": ("Baseline (same span a year earlier)", "CA de référence"),
    # a ratio (0.1875 = 18.75 %) beside properties in percent (audit E F9): the label says how to read it
    "pac_roi": ("ROI to date (1 = 100%)", "ROI à date (1 = 100 %)"),   # English: no space before %
    "pac_done": ("Done", "Réalisé"),
    "pac_axis_key": ("Axis key", "Clé de l'axe"),
    "pac_text": ("Action statement", "Énoncé de l'action"),
    "pac_kpis": ("KPIs", "Indicateurs"),
    "pac_advice": ("Advice", "Recommandation"),
}
ROI_DESCRIPTIONS = ROI_HELP   # the property's description where HubSpot takes one (Salesforce's help text)
# Why a text (decided 7 Dec 2026, audit hsplanprops): a HubSpot number "formatted as currency" shows the account's
# company currency on any object but deals and line items, so a CAD plan's 58000 on an EUR portal would read
# « 58 000 € »; a dropdown would refuse a plan in a currency it lacks until provisioning ran again. The amounts stay
# plain numbers, as pac writes them, never converted.
CURRENCY_DESCRIPTIONS = (
    "ISO 4217 code of the plan's currency (EUR, CAD...): the objective, additional revenue, won revenue, baseline, "
    "average won deal, revenue per visit and pipeline created of this axis are in it, never converted to the "
    "portal's company currency.",
    "Code ISO 4217 de la devise du plan (EUR, CAD...) : l'objectif, le CA supplémentaire, le CA gagné, le CA de "
    "référence, le montant moyen des affaires gagnées, le CA par visite et le pipeline créé de cet axe sont dans "
    "cette devise, jamais convertis dans la devise de l'entreprise du portail.")
PROGRESS_LABELS = {"axis": ("Additional revenue progress (%)", "Avancement du CA supplémentaire (%)")}
STATUS_LABELS = {"axis": ("Axis status", "Statut de l'axe"), "action": ("Action status", "Statut de l'action")}
TARGET_LABELS = {"action": ("Target", "Cible"), "axis": ("Actions target", "Objectif des actions"),
                 "companies": ("Targeted by the PAC", "Ciblée par le PAC"),
                 "deals": ("Deal's company targeted by the PAC", "Entreprise de l'affaire ciblée par le PAC")}
DONE_LABELS = {"axis": ("Actions done", "Actions réalisées")}
# An axis's sums over its actions, as Salesforce's PAC_Target__c / PAC_Done__c of PAC_Axis__c (same labels, same
# figures: whole numbers, cancelled actions left out, each action's done counted up to its target; audit hshand11):
# a manager reads « 6 of 11 » of the axis's visits and calls beside its revenue progress without opening each action
ACTIONS_SUM_DESCRIPTIONS = {
    "target": ("Sum of the targets of the axis's actions (cancelled ones left out).",
               "Somme des objectifs des actions de l'axe (actions annulées exclues)."),
    "done": ("Sum of what the axis's actions achieved, each counted up to its target.",
             "Somme des réalisations des actions de l'axe, chacune comptée jusqu'à son objectif.")}
AXES_LABELS = {"companies": ("PAC axes targeting this company", "Axes du PAC qui ciblent l'entreprise"),
               "deals": ("PAC axes targeting the deal's company", "Axes du PAC qui ciblent l'entreprise de l'affaire")}
OPTION_LABELS: dict[str, tuple[str, str]] = {
    # pace (pac_core.results.Pace): "late" is a missed action, window closed
    "done": ("Done", "Terminée"), "on_track": ("On track", "Dans les temps"), "at_risk": ("At risk", "À risque"),
    "late": ("Missed", "Manquée"), "not_started": ("Not started", "À venir"), "inactive": ("Inactive", "Inactive"),
    "removed": ("Removed from plan", "Retirée du plan"),
    # axis state (pac_core.plan.AxisState)
    "active": ("Active", "Actif"), "prioritised": ("Prioritised", "Prioritaire"),
    "suspended": ("Suspended", "Suspendu"), "dropped": ("Dropped", "Abandonné"),
    # action status (pac_core.plan.ActionStatus)
    "planned": ("Planned", "Prévue"), "in_progress": ("In progress", "En cours"), "cancelled": ("Cancelled", "Annulée"),
    # a single checkbox (type bool): the two options a checkbox made in HubSpot's settings has, value "true" / "false"
    "true": ("Yes", "Oui"), "false": ("No", "Non"),
}
# ActionStatus.DONE and Pace.DONE share the value "done": "Terminée" reads right for both.
# An axis's pace in the report's axis words (sync_jobs/report/i18n.py ENUMS["axis_pace"], Salesforce's PAC_Axis__c
# labels): "done" is its objective reached while its period may run on, « Objectif atteint »; the French agrees with
# « axe » (masculine). Provisioning relabels a portal's existing options (audit sfpkg F4).
AXIS_PACE_LABELS: dict[str, tuple[str, str]] = {
    "done": ("Objective reached", "Objectif atteint"), "late": ("Missed", "Manqué"),
    "inactive": ("Inactive", "Inactif"), "removed": ("Removed from plan", "Retiré du plan")}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[LANGUAGES.index(lang) if lang in LANGUAGES else 0]


@dataclass(frozen=True)
class Prop:
    name: str
    label: str                     # English; ``label_in`` gives the plan's language
    type: str                      # string, number, date, datetime, enumeration, bool
    field_type: str                # text, textarea, number, date, select, booleancheckbox
    options: tuple[str, ...] = ()
    unique: bool = False
    labels: tuple[str, str] | None = None   # (English, French); None: the LABELS entry, else ``label``
    # (English, French) description HubSpot shows as the property's help text: sent when the properties API creates
    # it (PropertyCreate), with a custom object schema's property definitions (ObjectTypePropertyCreate) and by a
    # relabel (PropertyUpdate), all three of which take ``description`` (audit hspkg F4)
    descriptions: tuple[str, str] | None = None
    # (English, French) option labels of this property that differ from OPTION_LABELS' (an axis's pace)
    option_labels: tuple[tuple[str, tuple[str, str]], ...] = ()

    def description_in(self, lang: str) -> str | None:
        return pick(self.descriptions, lang) if self.descriptions else None

    def label_in(self, lang: str) -> str:
        pair = self.labels or LABELS.get(self.name) or (self.label, self.label)
        return pick(pair, lang)

    def option_bodies(self, lang: str) -> list[dict[str, Any]]:
        own = dict(self.option_labels)
        return [{"label": pick(own.get(o) or OPTION_LABELS.get(o, (o.replace("_", " ").capitalize(),) * 2), lang),
                 "value": o, "hidden": False, "displayOrder": i} for i, o in enumerate(self.options)]

    def create_body(self, group: str, lang: str = "en") -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "label": self.label_in(lang), "type": self.type,
                                "fieldType": self.field_type, "groupName": group}
        if self.options:
            body["options"] = self.option_bodies(lang)
        if self.unique:
            body["hasUniqueValue"] = True
        if self.descriptions:
            body["description"] = self.description_in(lang)
        return body

    def relabel_body(self, existing: dict[str, Any], lang: str) -> dict[str, Any] | None:
        """The PATCH body that puts the property's label, description and option labels in ``lang`` (same option
        values), or None when they already are."""
        body: dict[str, Any] = {}
        if existing.get("label") != self.label_in(lang):
            body["label"] = self.label_in(lang)
        if self.descriptions and (existing.get("description") or "") != self.description_in(lang):
            body["description"] = self.description_in(lang)
        if self.options:
            wanted = self.option_bodies(lang)
            have = {o.get("value"): o.get("label") for o in existing.get("options") or []}
            if any(have.get(o["value"]) != o["label"] for o in wanted):
                body["options"] = wanted
        return body or None


# A single checkbox is created with its two options, as one made in HubSpot's settings has them (label Yes, value
# "true"; No, "false"): the properties API's create body lists ``options`` for every type and HubSpot checks a value
# against a checkbox's options ("1 was not one of the allowed options", INVALID_OPTION), so the values pac writes
# ("true" / "false") are options of the property whatever a portal does with a bool created without them (audit hshand3)
BOOL_OPTIONS = ("true", "false")


def _p(name: str, label: str, kind: str, options: tuple[str, ...] = (), unique: bool = False,
       labels: tuple[str, str] | None = None) -> Prop:
    field_type = {"string": "text", "number": "number", "date": "date", "datetime": "date",
                  "enumeration": "select", "bool": "booleancheckbox"}[kind]
    if kind == "bool" and not options:
        options = BOOL_OPTIONS
    return Prop(name, label, kind, field_type, options, unique, labels)


# the engine's paces, and "removed": a record whose axis or action is no longer in the plan (sync_jobs.diff.REMOVED)
_PACE = (*(p.value for p in Pace), "removed")
# the core KPIs of pac_core.kpi_vocabulary, one number property each (ratios as percentages, like progress),
# labelled with the vocabulary's English and French names (Salesforce's labels), unit suffix included
_KPIS = tuple((k, tuple(name + (" (%)" if BY_ID[k].unit == "ratio" else "")
                        for name in (BY_ID[k].en.capitalize(), BY_ID[k].title("fr"))), BY_ID[k].unit) for k in CORE)
_COMMON = {
    "key": _p(KEY, "PAC key", "string", unique=True),
    "name": _p("pac_name", "PAC name", "string"),
    "progress_pct": _p("pac_progress_pct", "Progress (%)", "number"),
    "pace": _p("pac_pace", "Pace", "enumeration", _PACE),
    "window_start": _p("pac_window_start", "Window start", "date"),
    "window_end": _p("pac_window_end", "Window end", "date"),
    "last_synced": _p("pac_last_synced", "Last synced by pac", "datetime"),
    "plan_end": _p("pac_plan_end", "Plan end", "date"),
    "plan": _p("pac_plan", "Plan", "string"),
}
# logical field -> property, per target. ``owner_email`` becomes ``hubspot_owner_id`` (an owner lookup).
AXIS_PROPS: dict[str, Prop] = {**_COMMON,
                               "pace": replace(_COMMON["pace"], option_labels=tuple(AXIS_PACE_LABELS.items())),
                               "status": _p("pac_status", "Axis status", "enumeration",
                                            tuple(s.value for s in AxisState), labels=STATUS_LABELS["axis"]),
                               # an axis's progress is its additional revenue against its objective (as the
                               # report's and Salesforce's), an action's done / target: one name, two labels
                               "progress_pct": _p("pac_progress_pct", "Additional revenue progress (%)", "number",
                                                  labels=PROGRESS_LABELS["axis"]),
                               "priority": _p("pac_priority", "Priority rank", "number"),
                               "objective": _p("pac_objective", "Additional revenue objective", "number"),
                               "revenue": _p("pac_revenue", "Additional revenue so far", "number"),
                               "won_revenue": _p("pac_won_revenue", "Won revenue so far", "number"),
                               "baseline": _p("pac_baseline", "Baseline (same span a year earlier)", "number"),
                               "target": replace(_p("pac_target", "Actions target", "number",
                                                    labels=TARGET_LABELS["axis"]),
                                                 descriptions=ACTIONS_SUM_DESCRIPTIONS["target"]),
                               "done": replace(_p("pac_done", "Actions done", "number", labels=DONE_LABELS["axis"]),
                                               descriptions=ACTIONS_SUM_DESCRIPTIONS["done"]),
                               "currency": replace(_p("pac_currency", "Currency of the amounts", "string"),
                                                   descriptions=CURRENCY_DESCRIPTIONS),
                               "roi": replace(_p("pac_roi", "ROI to date (1 = 100%)", "number"),
                                              descriptions=ROI_DESCRIPTIONS),
                               **{f"kpi_{k}": _p(f"pac_{k}{'_pct' if unit == 'ratio' else ''}", pair[0],
                                                 "number", labels=(pair[0], pair[1]))
                                  for k, pair, unit in _KPIS},
                               "kpis": Prop("pac_kpis", "KPIs", "string", "textarea"),
                               "advice": Prop("pac_advice", "Advice", "string", "textarea")}
ACTION_PROPS: dict[str, Prop] = {**_COMMON,
                                 "status": _p("pac_status", "Action status", "enumeration",
                                              tuple(s.value for s in ActionStatus), labels=STATUS_LABELS["action"]),
                                 "target": _p("pac_target", "Target", "number", labels=TARGET_LABELS["action"]),
                                 "done": _p("pac_done", "Done", "number"),
                                 "axis_key": _p("pac_axis_key", "Axis key", "string"),
                                 # the whole statement: pac_name, the record's title, is cut at 80 characters
                                 "text": Prop("pac_text", "Action statement", "string", "textarea")}
COMPANY_PROPS: dict[str, Prop] = {"axes": _p("pac_axes", "PAC axes targeting this company", "string",
                                              labels=AXES_LABELS["companies"]),
                                  "target": _p("pac_target", "Targeted by the PAC", "bool",
                                               labels=TARGET_LABELS["companies"]),
                                  "last_synced": _COMMON["last_synced"]}
# Fallback: the action's figures on its task; these HubSpot task properties are written as well.
TASK_NATIVE = {"name": "hs_task_subject", "text": "hs_task_body", "window_end": "hs_timestamp",
               "status": "hs_task_status"}
# the task's own properties pac writes that it reads back as its own values (drift repair, ``_pull_task_edits``): the
# subject, the due date, the owner (as its e-mail); not the body, where reps keep notes, nor the status, the one edit
TASK_COMPUTED_NATIVE = {"hs_task_subject": "name", "hs_timestamp": "window_end", "hubspot_owner_id": "owner_email"}
# hs_task_status gets only the two values HubSpot's tasks guide documents ("either COMPLETED or NOT_STARTED"): an
# action in progress is a task not completed yet, a cancelled one a task closed (off the rep's to-do list). The
# action's own status is the task's pac_status; ``task_status`` reads the two back together.
TASK_STATUS = {"planned": "NOT_STARTED", "in_progress": "NOT_STARTED", "done": "COMPLETED", "cancelled": "COMPLETED"}
# read back: the two values pac writes, and the finer ones a portal may still offer or an older pac wrote
TASK_STATUS_BACK = {"NOT_STARTED": "planned", "COMPLETED": "done", "IN_PROGRESS": "in_progress",
                    "WAITING": "in_progress", "DEFERRED": "cancelled"}
# The plan's name (``pac_plan``, audit hsplanprops) and its last day (``pac_plan_end``, audit smallleft: a view of
# running tasks leaves an ended plan's out, as on axis and action records; decided 7 Dec 2026, reversing 5 Dec's
# « a task leaves the rep's list by its status ») are written on tasks: a portal provisioned before lacks them on
# tasks, where the missing-property check (``HubSpotConnector.lacking``, the tasks' properties the pull reads anyway)
# leaves them out of the write with a warning, as on custom objects, instead of every task write being refused.
# A task's pac_key is not unique (since 6 Dec 2026, audit hstasks): HubSpot documents unique-value properties for
# companies, deals, tickets, custom objects and contacts, not tasks, so a portal may refuse it; tasks are found by a
# search of their keys, then updated by id or created (``writeback.Writer._send_tasks``), never upserted.
TASK_PROPS: dict[str, Prop] = {k: (replace(v, unique=False) if k == "key" else v) for k, v in ACTION_PROPS.items()
                               if k not in ("name", "text")}


def task_status(hs_task_status: str | None, known: str | None) -> str | None:
    """The action status a task stands for: ``known`` (the status pac holds for it: what pac last wrote, else the
    task's pac_status) while hs_task_status is what pac writes for that status; otherwise what hs_task_status says
    (a person completed or reopened the task). None for a value pac does not know."""
    if known in TASK_STATUS and TASK_STATUS[known] == hs_task_status:
        return known
    return TASK_STATUS_BACK.get(hs_task_status or "")

LOGICAL_EXTRA = {"owner_email"}   # handled for every target

# Deals, group PAC (both layouts): the axes whose scope holds the deal's company (its primary company),
# copied from that company's account change, so a rep filtering deals sees which ones the plan targets.
DEAL_PROPS: dict[str, Prop] = {"axes": _p("pac_axes", "PAC axes targeting the deal's company", "string",
                                           labels=AXES_LABELS["deals"]),
                               "target": _p("pac_target", "Deal's company targeted by the PAC", "bool",
                                            labels=TARGET_LABELS["deals"])}
# An action change may carry ``companies``: the HubSpot ids of the companies its scope names. They become
# associations of the action's record (its task, or its pac_action object) with those companies, not a property.
ACTION_COMPANIES = "companies"


OBJECT_LABELS = {"axis": (("PAC axis", "PAC axes"), ("Axe du PAC", "Axes du PAC")),
                 "action": (("PAC action", "PAC actions"), ("Action du PAC", "Actions du PAC"))}


@dataclass(frozen=True)
class CustomObject:
    name: str
    singular: str
    plural: str
    props: dict[str, Prop]
    labels: tuple[tuple[str, str], tuple[str, str]] = (("", ""), ("", ""))   # ((en singular, plural), (fr ...))

    def labels_in(self, lang: str) -> dict[str, str]:
        singular, plural = self.labels[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
        return {"singular": singular or self.singular, "plural": plural or self.plural}

    def create_body(self, group: str, lang: str = "en", associated: tuple[str, ...] = ("COMPANY",)
                    ) -> dict[str, Any]:
        # a schema's property definitions are created in the object's own information group: no groupName (they
        # take a description, ObjectTypePropertyCreate: pac_roi's help text)
        props = [{k: v for k, v in p.create_body(group, lang).items() if k != "groupName"}
                 for p in self.props.values()]
        return {"name": self.name, "labels": self.labels_in(lang), "primaryDisplayProperty": "pac_name",
                "secondaryDisplayProperties": ["pac_status", "pac_pace"], "searchableProperties": ["pac_name", KEY],
                "requiredProperties": [KEY], "properties": props, "associatedObjects": list(associated)}


def custom_objects(axis_name: str, action_name: str) -> tuple[CustomObject, CustomObject]:
    return (CustomObject(axis_name, "PAC axis", "PAC axes", AXIS_PROPS, OBJECT_LABELS["axis"]),
            CustomObject(action_name, "PAC action", "PAC actions", ACTION_PROPS, OBJECT_LABELS["action"]))


_NOT_AN_OPTION = re.compile(r"([\w-]+) was not one of the allowed options")


def refused_option_fix(message: str) -> str:
    """What to add to HubSpot's refusal of a value a PAC dropdown lacks (``removed was not one of the allowed options``,
    naming the property): the option and the fix ``pac crm check`` gives; "" for any other refusal."""
    found = _NOT_AN_OPTION.search(message)
    if found is None:
        return ""
    value = found.group(1)
    for prop in (*AXIS_PROPS.values(), *ACTION_PROPS.values()):
        if value in prop.options and prop.name in message:
            return (f"{prop.name} lacks the option {value!r} (a portal provisioned by an older pac): run `pac crm "
                    "provision hubspot`, which adds it; pac crm check names every such option")
    return ""


def association_name(action_name: str, axis_name: str) -> str:
    """The association definition between actions and their axis (custom object to custom object)."""
    return f"{action_name}_to_{axis_name}"
