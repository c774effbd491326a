"""Every word pac writes for people, in French and English, in one table: the quarterly report's (``FR``/``EN``),
the monthly review's, the nightly digest's and the plan's context lines (``PARTS``), the engine's codes
(``ENUMS``: paces, rules, states...) and counted phrases (``COUNTED``). Every key exists in both languages
(a test checks). A Python table rather than gettext catalogs: the words are keyed by id (not by English
source text), two languages are shipped and nothing needs compiling into the wheel.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from pac_core.advisor import HAND_OVER_HINT
from pac_core.decision_words import REASONS

FR: dict[str, str] = {
    "title": "Réunion commerciale trimestrielle",
    "as_of": "Situation au",
    "as_of_end": "Situation à la fin du {day}",
    "basis_snapshot": "Chiffres arrêtés au {day}",
    "basis_taken": "instantané du {day}",
    "basis_kept": "instantané conservé",
    "basis_restated": "recalculé sur les saisies et le plan d'aujourd'hui",
    "basis_no_snapshot": "aucun instantané conservé du trimestre",
    "basis_no_month_snapshot": "aucun instantané conservé du mois",
    "basis_plan_of": ", avec le plan du {day}",
    "basis_plan_settings_of": ", avec le plan et les réglages du {day}",
    "basis_settings_of": ", avec les réglages du {day}",
    "basis_and_settings_of": " et les réglages du {day}",
    "basis_calendar_changed": " ; le calendrier du plan a changé depuis : ce trimestre n'est plus l'un des siens, "
                              "son exercice va du {first} au {last}",
    "basis_calendar_changed_month": " ; le calendrier du plan a changé depuis : ce mois est hors de sa période, "
                                    "du {first} au {last}",
    "overlap_kept": "Attention : ce trimestre chevauche {name} conservé sous l'ancien calendrier du plan ({days}, "
                    "{taken}) : les jours du {first} au {last} sont dans les deux. Ce sont deux trimestres "
                    "différents : ne comparez pas leurs chiffres comme ceux d'un même trimestre (pac report --quarter "
                    "{label} montre celui conservé).",
    "overlap_quarter": "le trimestre",
    "since_head": "Depuis la clôture (saisies et modifications du plan après le {day})",
    "since_revenue": "chiffre d'affaires du plan",
    "since_timezone": "fuseau horaire du plan",
    "since_currency": "devise du plan",
    "since_attribution": "règle d'attribution des affaires (engine.attribution)",
    "since_actions": "actions",
    "since_axes": "CA supplémentaire des axes",
    "since_additional": "CA supplémentaire du plan",
    "since_objective": "objectif du plan",
    "since_roi": "ROI du plan à date",
    "since_statuses": "statuts",
    "since_owners": "responsables",
    "since_paces": "rythmes",
    "since_day": "depuis le {day}",
    # a suspension written since the close with its last day: « du 1er juin 2026 au 31 août 2026 » (audit reviewyear:
    # read in January « depuis le 1er juin 2026 » of an axis live again since 1 September)
    "since_until_day": "du {day} au {until}",
    "until_day": "jusqu'au {until}",
    "from_day": "à partir du {day}",
    "since_added": "ajoutés au plan depuis",
    "since_removed": "retirés du plan depuis",
    "first_quarter": "Premier trimestre du plan : la tendance commence au trimestre suivant.",
    "quarter": "Trimestre",
    "generated_note": "Chiffres calculés à partir des rapports de visite et des affaires gagnées saisis dans le CRM.",
    "period": "Période du plan",
    "contents": "Sommaire",
    # sections
    "sec_overview": "Le plan en un coup d'œil",
    "sec_segments": "Segments",
    "sec_axes": "Axes de développement",
    "sec_actions": "Actions : qui fait quoi et quand",
    "sec_gaps": "Actions à préciser (règle des 5 Q)",
    "sec_recos": "Recommandations",
    "sec_kpis": "Indicateurs de performance",
    "kpi_level": "Niveau",
    "kpi_scope": "Axe ou segment",
    "kpis_lead": "Les indicateurs que le plan nomme pour chaque axe, calculés depuis le CRM sur la période à date.",
    "kpis_named": "Indicateurs nommés par le plan",
    "kpis_by_segment": "Par segment (périmètre du segment, période du plan)",
    "kpis_formulas": "Comment chaque indicateur est calculé :",
    "no_kpis": "Aucun indicateur calculé pour l'instant.",
    "overruled": "Aussi envisagé, écarté par la règle prioritaire",
    "overruled_rule": "{rule} (écarté)",
    "context": "Changements de contexte pris en compte",
    # the workbook's « Contexte » sheet: one row per context change (tables.context)
    "context_sheet": "Contexte", "context_kind": "Changement", "context_impact": "Impact",
    "context_account": "Compte clé", "context_crm_field": "Champ du CRM", "context_product": "Produit",
    "context_capacity": "Capacité par trimestre", "context_from": "À partir du", "context_until": "Jusqu'au",
    "sec_data": "Les données derrière les chiffres",
    # KPI cards
    "kpi_additional": "CA supplémentaire",
    "kpi_of_objective": "de l'objectif",
    "kpi_objective": "Objectif",
    "kpi_roi": "ROI du plan à date",
    "kpi_roi_note": "(gain × marge − coût au prorata) / coût au prorata",
    "kpi_actions": "Actions",
    "kpi_actions_note": "terminées ou dans les temps",
    "kpi_sync": "Dernière synchronisation",
    "kpi_sync_snapshot": "Synchronisation de l'instantané",
    "kpi_sync_unknown": "Dernière synchronisation (à ce jour)",
    # tables
    "segment": "Segment",
    "axis": "Axe",
    "axes": "Axes",
    "status": "Statut",
    "revenue": "CA réalisé",
    "baseline": "Référence",
    "additional": "CA supplémentaire",
    "objective": "Objectif",
    "objective_origin": "Objectif : calcul",
    "baseline_origin": "Référence : calcul",
    "progress": "Avancement",
    "expected": "Attendu à date",
    "pace": "Rythme",
    "roi": "ROI à date",
    "expected_roi": "ROI visé",
    "cost": "Coût",
    # a payback time, not the ROI (« retour sur investissement » is the ROI in French: audit E F6)
    "time_to_roi": "Délai de retour (mois depuis le début)",
    "payback": "Délai de retour",
    # an axis whose cost is 0: its ROI is not finite and there is nothing to pay back (« – » means unknown)
    "no_cost": "sans coût",
    # a segment's trend when last year's revenue is 0 or below: growth from nothing has no percentage
    "no_revenue_last_year": "aucun CA l'an dernier",
    "figures_formulas": "Comment chaque chiffre est calculé :",
    "formula_roi": "(CA supplémentaire × marge − coût au prorata) / coût au prorata. Le coût au prorata est le coût "
                   "de l'objectif réparti jour par jour sur sa période jusqu'à la date : c'est le ROI de la période "
                   "entière au rythme actuel. « sans coût » : l'objectif ne coûte rien (budget 0), le ROI n'est pas "
                   "un nombre fini ; ces axes sont listés à part, après le classement.",
    "formula_payback": "coût de l'objectif / (CA supplémentaire × marge / mois écoulés) : les mois, comptés depuis "
                       "le début de la période, qu'il faut au rythme actuel pour couvrir le coût "
                       "({example}) ; « – » tant qu'aucune marge supplémentaire n'est gagnée.",
    # the payback's example follows the plan's period (fiscal audit F4: "late August" on an April-March year)
    # an axis whose cost is not written, under the axes' table (only then: audit m3cost)
    "formula_uncosted": "« – » : le coût de l'objectif n'est pas renseigné dans le plan (ni budget, ni effort_days et "
                        "day_cost) : pas de ROI ni de délai de retour pour l'axe, ni, s'il est actif, pour son "
                        "segment et le plan.",
    "payback_example_calendar": "7,9 mois sur une année civile : fin août",
    "payback_example_from": "7,9 mois depuis le {start} : {when}",
    "early_month": "début {month}", "mid_month": "mi-{month}", "late_month": "fin {month}",
    "formula_expected": "part écoulée de la période de l'objectif (pour une action, de sa fenêtre) : l'avancement "
                        "qu'un rythme régulier aurait atteint aujourd'hui.",
    "formula_pace": "{done} : le CA supplémentaire a atteint l'objectif, la période de l'axe continue (une action "
                    "dont la cible est atteinte : {action_done}) ; {not_started} : période pas commencée ; "
                    "{late} : période close, "
                    "objectif manqué ; {on_track} : avancement au moins égal à l'attendu à date ; {at_risk} : en "
                    "dessous ; {inactive} : action annulée, axe suspendu ou abandonné.",
    "activities": "Activités",
    "coverage": "Couverture",
    "conversion": "Conversion",
    "revenue_per_visit": "CA par visite",
    "trend": "Tendance",
    "kind": "Type",
    "chart_revenue_vs_objective": "CA supplémentaire par axe, comparé à l'objectif",
    "chart_roi_ranking": "Classement des axes par ROI à date",
    "chart_trend": "CA cumulé sur l'année, par trimestre",
    "legend_achieved": "Réalisé",
    "legend_objective": "Objectif",
    "legend_expected": "Attendu à date",
    "legend_target": "Cible de l'année",
    "legend_target_provisional": "Cible de l'année (provisoire)",
    "no_objective": "sans objectif",
    "no_snapshot": "Pas encore d'historique : la tendance apparaîtra après la première clôture de trimestre.",
    "snapshots_missing": "Instantanés trimestriels manquants pour {count} des {closed} trimestres clos : prenez-les "
                         "avec {commands}, ou laissez pac schedule les prendre.",
    "no_snapshot_kept": "Aucun instantané trimestriel conservé ({count} trimestre(s) clos) : prenez-les avec "
                        "{commands}, ou laissez pac schedule les prendre.",
    "then": " puis ",
    "swot": "SWOT",
    "strengths": "Forces",
    "weaknesses": "Faiblesses",
    "opportunities": "Opportunités",
    "threats": "Menaces",
    "empty_swot": "non renseigné",
    "internal": "interne",
    "external": "externe",
    # actions
    "rep": "Commercial",
    "action": "Action",
    "what": "Quoi",
    "when": "Quand",
    "done_target": "Fait / cible",
    "by_rep": "Par commercial",
    "by_axis": "Par axe",
    "by_month": "Mois par mois",
    "by_month_lead": "À la fin de chaque mois (instantanés mensuels), puis aujourd'hui : les actions par rythme, "
                     "et la part des objectifs atteinte par commercial.",
    "chart_months": "Actions par rythme, en fin de mois",
    "targets_reached": "Objectifs atteints",
    "today": "aujourd'hui",
    "total": "Total",
    "no_actions": "Aucune action dans le plan.",
    "distinct_accounts": "comptes distincts",
    "each_activity": "chaque activité",
    "forecast": "Projection fin de période",
    "info_needed": "Information nécessaire",
    # an action handed over (its ``handed_over``): whose activities before that day count in its figures
    "taken_over": "reprise {de}{name} le {day}",
    "info_needed_sep": " : ",       # French puts a space before the colon, English none
    "unknown_person": "Non attribué",
    # gaps
    "statement": "Énoncé",
    "missing": "Ce qui manque",
    "no_gaps": "Toutes les actions respectent la règle des 5 Q.",
    # the year-end report of a plan that is over: nothing left to rewrite in it, a lesson for the next (janmeet F9)
    "sec_gaps_next": "Pour le plan suivant : énoncés à mieux écrire (règle des 5 Q)",
    "gaps_next_intro": "Le plan est terminé : ses actions ne sont plus à reformuler. Ces énoncés ne disaient pas qui "
                       "agit, quoi exactement et quand, ou quelle information préparer et auprès de qui : à écrire "
                       "ainsi dans le plan suivant.",
    "gaps_complement_next": "Complément manquant",
    "gaps_intro": "Une intention ou un objectif ne dit pas qui agit, quoi exactement et quand : "
                  "ces énoncés sont à reformuler en actions mesurables. Viennent ensuite les actions qui ne "
                  "disent pas quelle information préparer ni auprès de qui l'obtenir.",
    # recommendations
    "no_recos": "Aucune recommandation ce trimestre : les axes sont dans les seuils fixés.",
    "sec_recos_next": "Pour le plan suivant",
    "no_recos_next": "Le plan est terminé : le conseiller n'a aucune conclusion à reprendre dans le plan suivant, "
                     "chaque axe est dans les seuils fixés à la fin du plan.",
    "recos_next_intro": "Le plan est terminé : voici les conclusions du conseiller sur ses axes, à reprendre en "
                        "écrivant le plan suivant.",
    "evidence": "Éléments chiffrés",
    "threshold": "seuil",
    # data
    "last_sync": "Dernière synchronisation",
    "last_sync_snapshot": "Dernière synchronisation avant l'instantané du {day}",
    "last_sync_unknown": "Dernière synchronisation à ce jour (l'instantané ne dit pas de laquelle il vient)",
    "started": "Début",
    "finished": "Fin",
    "duration": "Durée",
    "object": "Objet",
    "read": "Lus",
    "written": "Écrits",
    "rejected": "Rejetés",
    "deleted": "Supprimés",
    "failed": "En échec",
    "api_calls": "Appels API",
    "quota_left": "Quota restant (24 h)",
    "connector": "Connecteur",
    "errors": "Erreurs",
    "plan_conflicts": "Conflits sur le plan",
    "plan_conflicts_intro": ("Valeurs modifiées de deux côtés depuis la synchronisation précédente (fichier du plan, "
                             "Salesforce, HubSpot) : la modification la plus récente l'emporte, à égalité celle du "
                             "CRM ; l'autre est conservée dans pac history."),
    "no_sync": "Aucune synchronisation enregistrée : les chiffres viennent d'une évaluation locale.",
    "rejected_records": "Enregistrements illisibles",
    "rejected_intro": "Enregistrements du CRM qui n'ont pas pu être lus et ne sont comptés nulle part.",
    "engine_refused": "Rejetés par le moteur : lus, mais comptés nulle part",
    "reason": "Raison",
    "count": "Nombre",
    "source": "Source",
    "none_rejected": "Aucun : tous les enregistrements du CRM ont été lus.",
    "explain_hint": "Le détail par enregistrement : pac explain ACTION.",
    "engine_warnings": "Comptées avec un défaut de données",
    "no_amount_hint": ("Affaires gagnées sans montant : comptées comme gagnées (affaires gagnées, taux de réussite) "
                       "pour 0 €, et exclues du montant moyen des affaires gagnées ; à corriger dans le CRM "
                       "(le détail : pac explain AXE)."),
    # one sentence per data-quality rule present in the table above it (audit reverify N1), ``no_amount_hint`` for
    # ``no_amount``
    "credit_hint": ("Avoirs (montant négatif) : déduits du chiffre d'affaires (et de la base de l'année suivante), "
                    "mais ni achat ni affaire gagnée : hors affaires gagnées, taux de réussite et montant moyen des "
                    "affaires gagnées (le détail : pac explain AXE)."),
    "amount_from_lines_hint": ("Montant vide : la somme des lignes de produits est prise comme montant de l'affaire, "
                               "comptée et incluse dans le montant moyen ; à compléter dans le CRM (le détail : pac "
                               "explain AXE)."),
    "amount_differs_from_lines_hint": ("Montant différent de la somme des lignes : le montant saisi est compté pour "
                                       "l'affaire entière, les lignes pour les axes par produit ; à vérifier dans le "
                                       "CRM (le détail : pac explain AXE)."),
    "line_unknown_currency_hint": ("Ligne de produit dans une autre devise que son affaire, sans taux de change vers "
                                   "la devise du plan : comptée 0 sur les axes par produit ; ajoutez le taux à "
                                   "engine.fx_rates dans pac.yaml (le détail : pac explain AXE)."),
    "no_amount_left_out_one": "affaire sans montant exclue",
    "no_amount_left_out_many": "affaires sans montant exclues",
    "unknown": "inconnu",
    "seconds": "s",
    "page_footer": "Plan d'actions commerciales",
    "win_start": "Début",
    "win_end": "Fin",
    "done": "Fait",
    "target": "Cible",
    "rule": "Règle",
    "id": "Id",
    "pace_code": "Code rythme",
    "note": "Remarque",
    "kpi_counted_once": "chaque affaire comptée une fois",
    "total_live": "Total des axes actifs (chaque affaire comptée une fois)",
    "left_out": "hors total",
    "left_out_note": "Hors totaux et hors classement (suspendus ou abandonnés)",
    "roi_note": "ROI à date = (CA supplémentaire × marge − coût au prorata) / coût au prorata, le coût au prorata "
                "étant le coût de l'objectif réparti jour par jour sur sa période jusqu'à la date (comme le CA "
                "comparé) : c'est le ROI de la période entière au rythme actuel. ROI du plan et d'un segment : sur "
                "ses axes actifs (ni suspendus ni abandonnés), chaque affaire comptée une fois même si plusieurs axes "
                "la couvrent, rapporté au coût au prorata de ces axes.",
    "roi_note_full": "Le ROI d'un axe compte toutes les affaires de son périmètre.",
    "roi_note_split": "Attribution partagée (engine.attribution: split) : une affaire que plusieurs axes actifs "
                      "comptent est répartie à parts égales entre eux, donc le ROI d'un axe compte sa part de chaque "
                      "affaire de son périmètre ; celui d'un segment compte chaque affaire de son périmètre une "
                      "fois et entière, même celle qu'un axe d'un autre segment partage.",
    "roi_segment_note": "{segment} : ROI {roi} alors que ses axes sont à {axes}. Leurs périmètres se recouvrent "
                        "et chaque axe compte les mêmes gains ; comptées une fois, les affaires de ses axes "
                        "{verdict}.",
    "roi_below_cost": "ne couvrent pas leur coût au prorata",
    "roi_plan_note": "ROI du plan {roi} alors que ses axes sont à {axes}{segments}.",
    "roi_plan_segments": ", et ses segments à {segments}",
    "roi_plan_overlap": "{overlap} de CA supplémentaire sont comptés par plusieurs axes à la fois (chacun dans son "
                        "ROI) et une seule fois dans le plan ; comptées une fois, les affaires des axes {verdict}.",
    "roi_plan_scopes": "Leurs périmètres se recouvrent et chaque axe compte les mêmes gains ; comptées une fois, les "
                       "affaires des axes {verdict}.",
    "kpi_roi_overlap": "{overlap} comptés par plusieurs axes : voir la note sous le tableau",
    "roi_basis_note": "ROI à date {roi} : calculé sur le CA supplémentaire de ses axes actifs, chacun sur son "
                      "périmètre et sa période, chaque affaire une fois : {basis}, et non sur les {additional} du "
                      "segment.",
    "roi_basis": "Base du ROI : CA supplémentaire des axes",
    "roi_below_axes": "rapportent moins que chaque axe pris seul",
    # live axes whose cost is not written: the plan's (or a segment's) cost and ROI are unknown (audit m3cost)
    "kpi_roi_uncosted": "coût non renseigné pour {axes} sur {total} : voir la note sous le tableau",
    "kpi_roi_none_costed": "aucun axe actif n'a de coût renseigné : voir la note sous le tableau",
    "roi_uncosted_note": "ROI du plan inconnu (–) : pas de coût renseigné pour {axes} sur {total}, {names}, dont la "
                         "marge compterait sans le coût ; coût renseigné : {cost} pour {costed}.",
    "roi_none_costed_note": "ROI du plan inconnu (–) : aucun axe actif n'a de coût renseigné ({total}).",
    "roi_uncosted_fix": "Écrivez dans le fichier du plan, sous l'objectif de chaque axe sans coût, budget: (ou "
                        "effort_days: et day_cost:), ou budget: 0 s'il ne coûte rien.",
    "roi_segment_uncosted": "ROI à date inconnu (–) : pas de coût renseigné pour {names} ; écrivez-le dans le "
                            "fichier du plan (budget:, ou effort_days: et day_cost:, sous l'objectif).",
    "uncosted_column": "Coût non renseigné",
    "and": "et",
    "gaps_complement": "Action à compléter",
}

EN: dict[str, str] = {
    "title": "Quarterly sales meeting",
    "as_of": "Status as of",
    "as_of_end": "Status at the end of {day}",
    "basis_snapshot": "Status at the end of {day}",
    "basis_taken": "snapshot of {day}",
    "basis_kept": "kept snapshot",
    "basis_restated": "recalculated on today's entries and plan",
    "basis_no_snapshot": "no snapshot of the quarter kept",
    "basis_no_month_snapshot": "no snapshot of the month kept",
    "basis_plan_of": ", with the plan of {day}",
    "basis_plan_settings_of": ", with the plan and settings of {day}",
    "basis_settings_of": ", with the settings of {day}",
    "basis_and_settings_of": " and the settings of {day}",
    "basis_calendar_changed": "; the plan's calendar has changed since: this quarter is none of its quarters now, "
                              "its year runs from {first} to {last}",
    "basis_calendar_changed_month": "; the plan's calendar has changed since: this month is outside its period, "
                                    "from {first} to {last}",
    "overlap_kept": "Note: this quarter overlaps {name} as kept under the plan's former calendar ({days}, {taken}): "
                    "{common} is in both. They are two different quarters: do not compare their figures as one "
                    "quarter's (pac report --quarter {label} shows the kept one).",
    "overlap_quarter": "the quarter",
    "since_head": "Since the close (entries and plan edits after {day})",
    "since_revenue": "plan revenue",
    "since_timezone": "plan timezone",
    "since_currency": "plan currency",
    "since_attribution": "deal attribution rule (engine.attribution)",
    "since_actions": "actions",
    "since_axes": "axes' additional revenue",
    "since_additional": "plan additional revenue",
    "since_objective": "plan objective",
    "since_roi": "plan ROI to date",
    "since_statuses": "statuses",
    "since_owners": "owners",
    "since_paces": "paces",
    "since_day": "since {day}",
    "since_until_day": "from {day} to {until}",
    "until_day": "until {until}",
    "from_day": "from {day}",
    "since_added": "added to the plan since",
    "since_removed": "removed from the plan since",
    "first_quarter": "First quarter of the plan: the trend starts with the next quarter.",
    "quarter": "Quarter",
    "generated_note": "Figures computed from the visit reports and won deals entered in the CRM.",
    "period": "Plan period",
    "contents": "Contents",
    "sec_overview": "The plan at a glance",
    "sec_segments": "Segments",
    "sec_axes": "Development axes",
    "sec_actions": "Actions: who does what and when",
    "sec_gaps": "Actions to sharpen (5Q rule)",
    "sec_recos": "Recommendations",
    "sec_data": "The data behind the figures",
    "kpi_additional": "Additional revenue",
    "kpi_of_objective": "of objective",
    "kpi_objective": "Objective",
    "kpi_roi": "Plan ROI to date",
    "kpi_roi_note": "(gain × margin − cost to date) / cost to date",
    "kpi_actions": "Actions",
    "kpi_actions_note": "done or on track",
    "kpi_sync": "Last sync",
    "kpi_sync_snapshot": "The snapshot's sync",
    "kpi_sync_unknown": "Last sync (to date)",
    "segment": "Segment",
    "axis": "Axis",
    "axes": "Axes",
    "status": "Status",
    "revenue": "Revenue",
    "baseline": "Baseline",
    "additional": "Additional revenue",
    "objective": "Objective",
    "objective_origin": "Objective: how it is set",
    "baseline_origin": "Baseline: how it is set",
    "progress": "Progress",
    "expected": "Expected by now",
    "pace": "Pace",
    "roi": "ROI to date",
    "expected_roi": "Target ROI",
    "cost": "Cost",
    "time_to_roi": "Payback (months from period start)",
    "payback": "Payback",
    "no_cost": "no cost",
    "no_revenue_last_year": "no revenue last year",
    "figures_formulas": "How each figure is computed:",
    "formula_roi": "(additional revenue × margin − cost to date) / cost to date. The cost to date is the objective's "
                   "cost spread day by day over its period up to the date: the whole period's ROI at the current "
                   "pace. \"no cost\": the objective costs nothing (budget 0), its ROI is not a finite number; such "
                   "axes are listed apart, after the ranking.",
    "formula_payback": "the objective's cost / (additional revenue × margin / months elapsed): the months, counted "
                       "from the period's start, it takes at the current pace to cover the cost "
                       "({example}); \"–\" while no additional margin is earned.",
    "formula_uncosted": "\"–\": the objective's cost is not written in the plan (no budget, nor effort_days and "
                        "day_cost): no ROI nor payback for the axis, nor, while it is live, for its "
                        "segment and the plan.",
    "payback_example_calendar": "7.9 months on a calendar year: late August",
    "payback_example_from": "7.9 months from {start}: {when}",
    "early_month": "early {month}", "mid_month": "mid-{month}", "late_month": "late {month}",
    "formula_expected": "the share of the objective's period elapsed (for an action, of its window): the progress a "
                        "steady pace would have reached today.",
    "formula_pace": "{done}: the additional revenue has reached the objective, the axis's period goes on (an "
                    "action whose target is reached: {action_done}); {not_started}: period not begun; "
                    "{late}: period over, target missed; "
                    "{on_track}: progress at least the expected by now; {at_risk}: below it; {inactive}: action "
                    "cancelled, axis suspended or dropped.",
    "activities": "Activities",
    "coverage": "Coverage",
    "conversion": "Conversion",
    "revenue_per_visit": "Revenue per visit",
    "trend": "Trend",
    "kind": "Kind",
    "chart_revenue_vs_objective": "Additional revenue per axis against objective",
    "chart_roi_ranking": "Axes ranked by ROI to date",
    "chart_trend": "Year-to-date revenue by quarter",
    "legend_achieved": "Achieved",
    "legend_objective": "Objective",
    "legend_expected": "Expected by now",
    "legend_target": "Year's target",
    "legend_target_provisional": "Year's target (provisional)",
    "no_objective": "no objective",
    "no_snapshot": "No history yet: the trend appears after the first quarter closes.",
    "snapshots_missing": "Quarterly snapshots missing for {count} of the {closed} quarters closed: take them with "
                         "{commands}, or let pac schedule take them.",
    "no_snapshot_kept": "No quarterly snapshot kept yet ({count} quarter(s) closed): take them with {commands}, or "
                        "let pac schedule take them.",
    "then": " then ",
    "swot": "SWOT",
    "strengths": "Strengths",
    "weaknesses": "Weaknesses",
    "opportunities": "Opportunities",
    "threats": "Threats",
    "empty_swot": "not filled in",
    "internal": "internal",
    "external": "external",
    "rep": "Rep",
    "action": "Action",
    "what": "What",
    "when": "When",
    "done_target": "Done / target",
    "by_rep": "By rep",
    "by_axis": "By axis",
    "by_month": "Month by month",
    "by_month_lead": "At the end of each month (monthly snapshots), then today: the actions by pace, and the "
                     "share of targets reached per rep.",
    "chart_months": "Actions by pace, at month end",
    "targets_reached": "Targets reached",
    "today": "today",
    "total": "Total",
    "no_actions": "The plan has no action.",
    "distinct_accounts": "distinct accounts",
    "each_activity": "each activity",
    "forecast": "Forecast at window end",
    "info_needed": "Information needed",
    "taken_over": "taken over from {name} on {day}",
    "info_needed_sep": ": ",
    "unknown_person": "Unassigned",
    "statement": "Statement",
    "missing": "What is missing",
    "no_gaps": "Every action follows the 5Q rule.",
    "sec_gaps_next": "For the next plan: statements to write better (5Q rule)",
    "gaps_next_intro": "The plan is over: its actions are no longer to be rewritten. These statements did not say who "
                       "acts, on what exactly and when, or what information to prepare and from whom: write them so "
                       "in the next plan.",
    "gaps_complement_next": "Complement missing",
    "gaps_intro": "An intention or an objective does not say who acts, on what exactly and when: "
                  "rewrite these statements as measurable actions. Then come the actions that do not say "
                  "what information to prepare, nor from whom to get it.",
    "no_recos": "No recommendation this quarter: every axis is within its thresholds.",
    "sec_recos_next": "For the next plan",
    "no_recos_next": "The plan is over: the advisor has no conclusion to carry into the next plan, every axis is "
                     "within its thresholds at the plan's end.",
    "recos_next_intro": "The plan is over: the advisor's conclusions on its axes, for writing the next plan.",
    "sec_kpis": "Key performance indicators",
    "kpi_level": "Level",
    "kpi_scope": "Axis or segment",
    "kpis_lead": "The indicators the plan names for each axis, computed from the CRM over the period to date.",
    "kpis_named": "Indicators named by the plan",
    "kpis_by_segment": "Per segment (the segment's scope, the plan's period)",
    "kpis_formulas": "How each indicator is computed:",
    "no_kpis": "No indicator computed yet.",
    "overruled": "Also considered, overruled by the rule that takes precedence",
    "overruled_rule": "{rule} (overruled)",
    "context": "Context changes taken into account",
    # the workbook's "Context" sheet: one row per context change (tables.context)
    "context_sheet": "Context", "context_kind": "Change", "context_impact": "Impact",
    "context_account": "Key account", "context_crm_field": "CRM field", "context_product": "Product",
    "context_capacity": "Capacity per quarter", "context_from": "From", "context_until": "Until",
    "evidence": "Evidence",
    "threshold": "threshold",
    "last_sync": "Last sync",
    "last_sync_snapshot": "Last sync before the snapshot of {day}",
    "last_sync_unknown": "Latest sync to date (the snapshot does not say which sync it was taken from)",
    "started": "Started",
    "finished": "Finished",
    "duration": "Duration",
    "object": "Object",
    "read": "Read",
    "written": "Written",
    "rejected": "Rejected",
    "deleted": "Deleted",
    "failed": "Failed",
    "api_calls": "API calls",
    "quota_left": "Quota left (24 h)",
    "connector": "Connector",
    "errors": "Errors",
    "plan_conflicts": "Conflicts on the plan",
    "plan_conflicts_intro": ("Values changed on two sides since the previous sync (plan file, Salesforce, HubSpot): "
                             "the later change wins, a tie going to the CRM edit; the other is kept in pac history."),
    "no_sync": "No sync recorded: the figures come from a local evaluation.",
    "rejected_records": "Records that could not be read",
    "rejected_intro": "CRM records that could not be read and are counted nowhere.",
    "engine_refused": "Rejected by the engine: read, but counted nowhere",
    "reason": "Reason",
    "count": "Count",
    "source": "Source",
    "none_rejected": "None: every CRM record was read.",
    "explain_hint": "Record-level detail: pac explain ACTION.",
    "engine_warnings": "Counted with a data-quality warning",
    "no_amount_hint": ("Won deals with no amount: counted as won (won deals, win rate) worth 0, and left out of the "
                       "average won deal; fix them in the CRM (detail: pac explain AXIS)."),
    "credit_hint": ("Credits (negative amount): subtracted from revenue (and from the next year's baseline), but "
                    "neither a purchase nor a deal won: out of won deals, win rate and the average won deal (detail: "
                    "pac explain AXIS)."),
    "amount_from_lines_hint": ("Empty amount: the sum of the line items is used as the deal's amount, counted and "
                               "in the average won deal; fill it in the CRM (detail: pac explain AXIS)."),
    "amount_differs_from_lines_hint": ("Amount differs from the sum of the line items: the typed amount counts for "
                                       "the whole deal, the lines for the product axes; check it in the CRM "
                                       "(detail: pac explain AXIS)."),
    "line_unknown_currency_hint": ("Product line in another currency than its deal, with no exchange rate into the "
                                   "plan's currency: counted 0 on product axes; add the rate to engine.fx_rates in "
                                   "pac.yaml (detail: pac explain AXIS)."),
    "no_amount_left_out_one": "deal with no amount left out",
    "no_amount_left_out_many": "deals with no amount left out",
    "unknown": "unknown",
    "seconds": "s",
    "page_footer": "Commercial Action Plan",
    "win_start": "Start",
    "win_end": "End",
    "done": "Done",
    "target": "Target",
    "rule": "Rule",
    "id": "Id",
    "pace_code": "Pace code",
    "note": "Note",
    "kpi_counted_once": "each deal counted once",
    "total_live": "Total of the live axes (each deal counted once)",
    "left_out": "left out",
    "left_out_note": "Left out of totals and ranking (suspended or dropped)",
    "roi_note": "ROI to date = (additional revenue × margin − cost to date) / cost to date, the cost to date being "
                "the objective's cost spread day by day over its period up to the date (as the revenue it is set "
                "against): the whole period's ROI at the current pace. Plan and segment ROI: over their live axes "
                "(neither suspended nor dropped), each deal counted once even when several axes hold it, against "
                "those axes' cost to date.",
    "roi_note_full": "An axis's ROI counts every deal of its own scope.",
    "roi_note_split": "Split attribution (engine.attribution: split): a deal several live axes count is divided evenly "
                      "between them, so an axis's ROI counts its share of each deal of its scope; a segment's ROI "
                      "counts each deal of its scope once and whole, even one an axis of another segment shares.",
    "roi_segment_note": "{segment}: ROI {roi} while its axes are at {axes}. Their scopes overlap and each axis "
                        "counts the same gains; counted once, the deals of its axes {verdict}.",
    "roi_below_cost": "do not cover their cost to date",
    "roi_plan_note": "Plan ROI {roi} while its axes are at {axes}{segments}.",
    "roi_plan_segments": ", and its segments at {segments}",
    "roi_plan_overlap": "{overlap} of additional revenue is counted by several axes at once (each in its own ROI) "
                        "and once in the plan; counted once, the deals of the axes {verdict}.",
    "roi_plan_scopes": "Their scopes overlap and each axis counts the same gains; counted once, the deals of the "
                       "axes {verdict}.",
    "kpi_roi_overlap": "{overlap} counted by several axes: see the note under the table",
    "roi_basis_note": "ROI to date {roi}: computed on its live axes' additional revenue, each over its own scope and "
                      "period, each deal once: {basis}, not the segment's {additional}.",
    "roi_basis": "ROI basis: the axes' additional revenue",
    "roi_below_axes": "return less than each axis alone",
    "kpi_roi_uncosted": "cost not written for {axes} of {total}: see the note under the table",
    "kpi_roi_none_costed": "no live axis has a cost written: see the note under the table",
    "roi_uncosted_note": "Plan ROI unknown (–): no cost written for {axes} of {total}, {names}, whose margin would "
                         "count without the cost; cost written: {cost} for {costed}.",
    "roi_none_costed_note": "Plan ROI unknown (–): no live axis has a cost written ({total}).",
    "roi_uncosted_fix": "Write in the plan file, under the objective of each axis without a cost, budget: (or "
                        "effort_days: and day_cost:), or budget: 0 if it costs nothing.",
    "roi_segment_uncosted": "ROI to date unknown (–): no cost written for {names}; write it in the plan file "
                            "(budget:, or effort_days: and day_cost:, under the objective).",
    "uncosted_column": "Cost not written",
    "and": "and",
    "gaps_complement": "Action to complete",
}

# Enumerations: the engine's codes -> words.
ENUMS: dict[str, dict[str, dict[str, str]]] = {
    "pace": {
        # at_risk: behind, window still open; late: window closed, target missed (hence "Manquée" / "Missed")
        "fr": {"done": "Terminée", "on_track": "Dans les temps", "at_risk": "À risque", "late": "Manquée",
               "not_started": "À venir", "inactive": "Inactive", "removed": "Retirée du plan"},
        "en": {"done": "Done", "on_track": "On track", "at_risk": "At risk", "late": "Missed",
               "not_started": "Not started", "inactive": "Inactive", "removed": "Removed from plan"},
    },
    # an axis's pace: ``done`` is its objective (a minimum of additional revenue) reached while its period may still
    # run, not a finished axis (audit meeting F7: « Terminée » on 20 May read "closed, stop working on it"); the words
    # that agree do so with « axe » (masculine). Salesforce's PAC_Axis__c pace labels and HubSpot's pac_axis options
    # are these (connectors/*/schema.py, tests/unit/test_sf_sfdx.py; audit sfpkg F4)
    "axis_pace": {
        "fr": {"done": "Objectif atteint", "on_track": "Dans les temps", "at_risk": "À risque", "late": "Manqué",
               "not_started": "À venir", "inactive": "Inactif", "removed": "Retiré du plan"},
        "en": {"done": "Objective reached", "on_track": "On track", "at_risk": "At risk", "late": "Missed",
               "not_started": "Not started", "inactive": "Inactive", "removed": "Removed from plan"},
    },
    "state": {
        "fr": {"active": "Actif", "prioritised": "Prioritaire n° {rank}", "suspended": "Suspendu",
               "suspended_until": "Suspendu jusqu'au {until}", "dropped": "Abandonné"},
        "en": {"active": "Active", "prioritised": "Priority #{rank}", "suspended": "Suspended",
               "suspended_until": "Suspended until {until}", "dropped": "Dropped"},
    },
    "action_status": {
        "fr": {"planned": "prévue", "in_progress": "en cours", "done": "faite", "cancelled": "annulée"},
        "en": {"planned": "planned", "in_progress": "in progress", "done": "done", "cancelled": "cancelled"},
    },
    "segment_kind": {
        "fr": {"horizontal": "géographique", "vertical": "marché", "mixed": "typologie de comptes"},
        "en": {"horizontal": "geographic", "vertical": "market", "mixed": "account type"},
    },
    "rule": {
        "fr": {"roll_out": "Déployer", "drop": "Abandonner", "prioritise": "Prioriser", "suspend": "Suspendre",
               "reassign": "Réaffecter", "closed": "Terminé"},
        "en": {"roll_out": "Roll out", "drop": "Drop", "prioritise": "Prioritise", "suspend": "Suspend",
               "reassign": "Reassign", "closed": "Ended"},
    },
    # the same rules worded for the next plan, in the report of a plan whose period is over (``for_next_plan``)
    "rule_next": {
        "fr": {"roll_out": "Reconduire et étendre", "drop": "Ne pas reconduire", "prioritise": "Reconduire en priorité",
               "suspend": "Réexaminer", "reassign": "Réattribuer", "closed": "Terminé"},
        "en": {"roll_out": "Renew and extend", "drop": "Do not renew", "prioritise": "Renew as a priority",
               "suspend": "Reconsider", "reassign": "Reassign", "closed": "Ended"},
    },
    "statement_kind": {
        "fr": {"intention": "Intention", "objective": "Objectif", "action": "Action"},
        "en": {"intention": "Intention", "objective": "Objective", "action": "Action"},
    },
    "missing": {
        "fr": {"who": "qui (le commercial)", "what": "quoi (l'activité)", "when": "quand (la période)",
               "target": "une cible chiffrée", "measure": "une mesure", "owner": "un responsable",
               "date": "une date", "verb": "un verbe d'action", "axis": "un axe", "scope": "un périmètre",
               "how_many": "combien (une cible chiffrée)", "info_needed": "l'information nécessaire",
               "info_source": "auprès de qui l'obtenir"},
        "en": {"who": "who (the rep)", "what": "what (the activity)", "when": "when (the period)",
               "target": "a countable target", "measure": "a measure", "owner": "an owner",
               "date": "a date", "verb": "an action verb", "axis": "an axis", "scope": "a scope",
               "how_many": "how many (a countable target)", "info_needed": "the information needed",
               "info_source": "whom to get it from"},
    },
    "sync_status": {
        "fr": {"ok": "Réussie", "partial": "Partielle", "failed": "Échouée", "quota_stopped": "Arrêtée (quota API)",
               "locked": "Déjà en cours", "running": "En cours"},
        "en": {"ok": "Succeeded", "partial": "Partial", "failed": "Failed", "quota_stopped": "Stopped (API quota)",
               "locked": "Already running", "running": "Running"},
    },
    # what a run reads (connectors.base.ObjectKind) and where it writes (connectors.base.Target: the PAC records
    # of the axes and actions, the PAC fields of the accounts; audit janmeet F3: they showed as "axis", "account")
    "object": {
        "fr": {"accounts": "Comptes", "activities": "Activités", "deals": "Affaires", "users": "Utilisateurs",
               "pac_edits": "Modifications du plan saisies dans le CRM", "axis": "Axes du plan (fiches PAC)",
               "action": "Actions du plan (fiches PAC)", "account": "Comptes (champs PAC)"},
        "en": {"accounts": "Accounts", "activities": "Activities", "deals": "Deals", "users": "Users",
               "pac_edits": "Plan edits made in the CRM", "axis": "Plan axes (PAC records)",
               "action": "Plan actions (PAC records)", "account": "Accounts (PAC fields)"},
    },
    "decision": REASONS,   # the rule codes of pac_core.results.Decision, worded once in pac_core.decision_words
}


# Counted phrases: (singular, plural) with ``{n}``. French takes the singular for 0 and 1, English for 1 only.
COUNTED: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {"action": ("{n} action", "{n} actions"),
           "pace_at_risk": ("{n} action à risque", "{n} actions à risque"),
           "pace_late": ("{n} action manquée", "{n} actions manquées"),
           "pace_not_started": ("{n} action à venir", "{n} actions à venir"),
           # an action's count and activity (``view.action_what``): « 1 démonstration », « 3 visites »
           "activity_visit": ("{n} visite", "{n} visites"), "activity_call": ("{n} appel", "{n} appels"),
           "activity_meeting": ("{n} rendez-vous", "{n} rendez-vous"),
           "activity_demo": ("{n} démonstration", "{n} démonstrations"),
           "activity_email": ("{n} e-mail", "{n} e-mails"),
           "activity_quote_follow_up": ("{n} relance de devis", "{n} relances de devis"),
           # an action whose target is more accounts than its scope holds (``ActionProgress.out_of_reach``)
           "out_of_reach": ("hors d'atteinte : {n} compte dans le périmètre",
                            "hors d'atteinte : {n} comptes dans le périmètre"),
           # axes without a cost written, among the plan's live ones (``view.uncosted``)
           "live_axis": ("{n} axe actif", "{n} axes actifs"), "axis": ("{n} axe", "{n} axes")},
    "en": {"action": ("{n} action", "{n} actions"),
           "pace_at_risk": ("{n} action at risk", "{n} actions at risk"),
           "pace_late": ("{n} missed action", "{n} missed actions"),
           "pace_not_started": ("{n} action to come", "{n} actions to come"),
           "activity_visit": ("{n} visit", "{n} visits"), "activity_call": ("{n} call", "{n} calls"),
           "activity_meeting": ("{n} meeting", "{n} meetings"), "activity_demo": ("{n} demo", "{n} demos"),
           "activity_email": ("{n} e-mail", "{n} e-mails"),
           "activity_quote_follow_up": ("{n} quote follow-up", "{n} quote follow-ups"),
           "out_of_reach": ("out of reach: {n} account in its scope", "out of reach: {n} accounts in its scope"),
           "live_axis": ("{n} live axis", "{n} live axes"), "axis": ("{n} axis", "{n} axes")},
}


# -- the monthly review (``pac review``) ---------------------------------------------------------------------
REVIEW_FR: dict[str, str] = {
    "title": "Revue mensuelle des actions",
    "compared": "Comparée à la revue précédente ({previous}, {how})",
    "compared_snapshot": "instantané gardé alors",
    "compared_recomputed": ("recalculée depuis les données enregistrées et le plan d'aujourd'hui : aucun "
                            "instantané gardé"),
    "first_month": "Premier mois du plan : pas de revue précédente.",
    "team": "L'équipe",
    "team_lead": "Les actions de chaque commercial, par rythme.",
    "rep": "Commercial",
    "actions": "Actions",
    "axes": "Axes en difficulté",
    "axes_lead": "Axes de développement à risque ou manqués, et ceux dont le rythme a changé depuis le mois dernier.",
    "no_axes": "Aucun axe à risque ni manqué.",
    "axis": "Axe",
    "pace": "Rythme",
    "before": "Le mois dernier",
    "progress": "Avancement",
    "news": "Nouvelles du conseiller",
    "news_lead": "Les recommandations de l'analyse des axes (déployer, abandonner, prioriser, suspendre).",
    "no_news": "Aucune recommandation : les axes sont dans les seuils fixés.",
    "new": "nouveau",
    "still": "toujours valable",
    "withdrawn": "Ne sont plus recommandés",
    "done": "Terminées",
    "late": "En retard (fenêtre close, objectif manqué)",
    "at_risk": "À risque (en retard sur le rythme, fenêtre encore ouverte)",
    "changed": "Ce qui a changé depuis le mois dernier",
    "next": "Prochaines échéances (jusqu'au {until})",
    "nothing": "Rien.",
    "action": "Action",
    "when": "Quand",
    "done_target": "Fait / cible",
    # the at-risk block's count expected by the review's day, the target x the share of the window elapsed: what
    # « À risque » is measured against (audit reviewmonth's proposal: « 5 / 8 À risque » with no figure to read)
    "expected": "Attendu à date",
    "change": "Évolution",
    "deadline": "Échéance",
    "counted_since": "{n} depuis le mois dernier",
    # of that count, the previous month's own, entered (or removed) after its review: its late entries (audit
    # reviewyear: April's « Manquée → Terminée · +1 » on an action closed on 31 March, a visit of 30 March typed on 3
    # April, with no word of it)
    "late_entered": ", dont {n} de {month} saisi après sa revue",
    "late_entered_many": ", dont {n} de {month} saisis après sa revue",
    "late_removed": ", dont {n} de {month} retiré après sa revue",
    "late_removed_many": ", dont {n} de {month} retirés après sa revue",
    "new_action": "nouvelle action",
    "handed_to": "transmise à {name}",
    "taken_from": "reprise {de}{name}",
    "target_changed": "cible {before} → {after}",
    "window_changed": "dates {before} → {after}",
    # an axis since the previous review (audit reviewleft): the previous month's additional revenue that moved after its
    # review, and why as far as the sign tells it (the store keeps no deal's history)
    "axis_late_removed": ", dont {n} de {month} retirés après sa revue (affaire rouverte, perdue ou réduite)",
    "axis_late_entered": ", dont {n} de {month} ajoutés après sa revue (affaire saisie en retard ou augmentée)",
    "objective_changed": "objectif {before} → {after}",
    "axis_baseline_grew": " (CA de référence {n})",
    "axis_unchanged": "avancement inchangé",
    # the deals that make an axis's change since the previous review, each with why, adding up to it with the baseline's
    # growth (audit reviewdeals: « retirés après sa revue (affaire rouverte, perdue ou réduite) » named no deal)
    "axis_late_removed_listed": ", dont {n} de {month} retirés après sa revue",
    "axis_late_entered_listed": ", dont {n} de {month} ajoutés après sa revue",
    "deals_detail": "détail",
    "deal_reopened": "rouverte",
    "deal_lost": "perdue",
    "deal_deleted": "supprimée du CRM",
    "deal_moved": "clôture déplacée au {day}",
    "deal_moved_none": "date de clôture effacée",
    "deal_out": "hors du périmètre de l'axe aujourd'hui",
    "deal_lowered": "montant compté {before} → {after}",
    "deal_raised": "montant compté {before} → {after}",
    "deal_won": "gagnée le {day}",
    "deal_credit": "avoir du {day}",
    "deal_late": "du {day}, comptée après sa revue",
    "deal_late_close": "du {day}, comptée après la clôture",
    "deal_entered": "du {day}, entrée dans le périmètre",
    "deal_others": "{count} autres affaires {n}",
    "deal_others_one": "1 autre affaire {n}",
    "deal_gap": "autres écarts {n}",
    "deal_baseline_up": "CA de référence à date en hausse de {by}",
    "deal_baseline_down": "CA de référence à date en baisse de {by}",
    "inactive_note": "Actions inactives, hors tableau (axe suspendu ou abandonné, action annulée)",
    "footer": "Revue mensuelle générée par pac depuis les données du CRM ; aucune saisie.",
    "contents": "Sommaire",
    "colon": "\u00a0:",
}
REVIEW_EN: dict[str, str] = {
    "title": "Monthly action review",
    "compared": "Compared with the previous review ({previous}, {how})",
    "compared_snapshot": "snapshot kept then",
    "compared_recomputed": "recomputed from the stored data and today's plan: no snapshot kept",
    "first_month": "First month of the plan: no previous review.",
    "team": "The team",
    "team_lead": "Each rep's actions, by pace.",
    "rep": "Rep",
    "actions": "Actions",
    "axes": "Axes in difficulty",
    "axes_lead": "Development axes at risk or missed, and those whose pace changed since last month.",
    "no_axes": "No axis at risk or missed.",
    "axis": "Axis",
    "pace": "Pace",
    "before": "Last month",
    "progress": "Progress",
    "news": "The advisor's news",
    "news_lead": "Recommendations from the axes' analysis (roll out, drop, prioritise, suspend).",
    "no_news": "No recommendation: every axis is within its thresholds.",
    "new": "new",
    "still": "still standing",
    "withdrawn": "No longer recommended",
    "done": "Done",
    "late": "Late (window closed, target missed)",
    "at_risk": "At risk (behind pace, window still open)",
    "changed": "What changed since last month",
    "next": "Next actions due (until {until})",
    "nothing": "Nothing.",
    "action": "Action",
    "when": "When",
    "done_target": "Done / target",
    "expected": "Expected by now",
    "change": "Change",
    "deadline": "Deadline",
    "counted_since": "{n} since last month",
    "late_entered": ", of which {n} from {month} entered after its review",
    "late_entered_many": ", of which {n} from {month} entered after its review",
    "late_removed": ", of which {n} from {month} removed after its review",
    "late_removed_many": ", of which {n} from {month} removed after its review",
    "new_action": "new action",
    "handed_to": "handed over to {name}",
    "taken_from": "taken over from {name}",
    "target_changed": "target {before} → {after}",
    "window_changed": "dates {before} → {after}",
    "axis_late_removed": ", of which {n} from {month} removed after its review (a deal reopened, lost or lowered)",
    "axis_late_entered": ", of which {n} from {month} added after its review (a deal entered late or raised)",
    "objective_changed": "objective {before} → {after}",
    "axis_baseline_grew": " (baseline {n})",
    "axis_unchanged": "progress unchanged",
    "axis_late_removed_listed": ", of which {n} from {month} removed after its review",
    "axis_late_entered_listed": ", of which {n} from {month} added after its review",
    "deals_detail": "breakdown",
    "deal_reopened": "reopened",
    "deal_lost": "lost",
    "deal_deleted": "deleted in the CRM",
    "deal_moved": "close date moved to {day}",
    "deal_moved_none": "close date removed",
    "deal_out": "no longer in the axis's scope",
    "deal_lowered": "amount counted {before} → {after}",
    "deal_raised": "amount counted {before} → {after}",
    "deal_won": "won on {day}",
    "deal_credit": "credit note of {day}",
    "deal_late": "of {day}, counted after its review",
    "deal_late_close": "of {day}, counted after the close",
    "deal_entered": "of {day}, in the scope since",
    "deal_others": "{count} other deals {n}",
    "deal_others_one": "1 other deal {n}",
    "deal_gap": "other differences {n}",
    "deal_baseline_up": "baseline to date up {by}",
    "deal_baseline_down": "baseline to date down {by}",
    "inactive_note": "Inactive actions, not in the table (axis suspended or dropped, action cancelled)",
    "footer": "Monthly review written by pac from the CRM's data; nothing typed in.",
    "contents": "Contents",
    "colon": ":",
}

# -- the nightly digest (``pac notify``): plain text -----------------------------------------------------------
DIGEST: dict[str, dict[str, str]] = {
    "fr": {"title": "PAC — ce qui a changé pour vous ({n})", "action_late": "Actions manquées (fenêtre close)",
           "action_done": "Actions terminées", "axis_behind": "Axes en retard sur leur rythme",
           "axis_missed": "Axes dont l'objectif est manqué (plan terminé)",
           "axis_missed_line": "{name} : {pace}, {progress} % de l'objectif à la fin du plan",
           "recommendation": "Nouvelles recommandations du conseiller",
           "rejected": "Enregistrements du CRM rejetés, à corriger",
           "late_line": "{owner}{text} : {done} / {target} ({axis})",
           "done_line": "{owner}{text} : {done} / {target} ({axis})",
           "axis_line": "{name} : {pace}, {progress} % de l'objectif (attendu à ce jour : {expected} %)",
           "reco_line": "{rule} · {axis} : {summary}", "rejected_line": "{source} · {object} · {id} : {reason}",
           "more": "… et {n} autres", "footer": "Envoyé par pac après la synchronisation de la nuit. "
           "Chaque alerte n'est envoyée qu'une fois. La revue complète : pac review."},
    "en": {"title": "PAC — what changed for you ({n})", "action_late": "Missed actions (window closed)",
           "action_done": "Actions done", "axis_behind": "Axes behind their pace",
           "axis_missed": "Axes that missed their objective (plan over)",
           "axis_missed_line": "{name}: {pace}, {progress}% of the objective at the plan's end",
           "recommendation": "New recommendations from the advisor",
           "rejected": "CRM records rejected, to fix",
           "late_line": "{owner}{text}: {done} / {target} ({axis})",
           "done_line": "{owner}{text}: {done} / {target} ({axis})",
           "axis_line": "{name}: {pace}, {progress}% of the objective (expected by now: {expected}%)",
           "reco_line": "{rule} · {axis}: {summary}", "rejected_line": "{source} · {object} · {id}: {reason}",
           "more": "… and {n} more", "footer": "Sent by pac after the nightly sync. Each alert is sent once. "
           "The full review: pac review."},
}

# -- the context changes the plan declares (above the report's recommendations) -------------------------------
CONTEXT: dict[str, dict[str, str]] = {
    "fr": {"market_event": "Événement de marché", "lost_key_account": "Compte clé perdu",
           "rep_leaving": "Départ", "capacity": "Capacité de production", "opportunity": "opportunité",
           "threat": "menace", "from": "à partir du", "until": "jusqu'au", "per_quarter": "par trimestre"},
    "en": {"market_event": "Market event", "lost_key_account": "Key account lost", "rep_leaving": "Leaving",
           "capacity": "Production capacity", "opportunity": "opportunity", "threat": "threat",
           "from": "from", "until": "until", "per_quarter": "per quarter"},
}

PARTS: dict[str, Mapping[str, Mapping[str, str]]] = {
    "report": {"fr": FR, "en": EN},
    "review": {"fr": REVIEW_FR, "en": REVIEW_EN},
    "digest": DIGEST,
    "context": CONTEXT,
}


# how a recommendation's sentence (``pac_core.advisor``) begins, and the words that begin it for the next plan
NEXT_PLAN: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (("Abandonner l'axe ", "Ne pas reconduire l'axe "), ("Déployer l'axe ", "Reconduire et étendre l'axe "),
           ("Prioriser l'axe ", "Reconduire en priorité l'axe "), ("Suspendre l'axe ", "Réexaminer l'axe "),
           ("Réaffecter les actions ", "Réattribuer dans le plan suivant les actions ")),
    "en": (("Drop axis ", "Do not renew axis "), ("Roll out axis ", "Renew and extend axis "),
           ("Prioritise axis ", "Make a priority of axis "), ("Suspend axis ", "Reconsider axis "),
           ("Reassign actions ", "In the next plan, reassign actions ")),
}


def for_next_plan(text: str, lang: str) -> str:
    """A recommendation's sentence worded for the next plan, when the plan's period is over (audit yearend F7): « Ne
    pas reconduire l'axe … au profit de … » for « Abandonner l'axe … », "Renew and extend axis …" for "Roll out axis
    …"; a sentence that begins otherwise is left as it is."""
    for now, then in NEXT_PLAN.get(lang, ()):
        if text.startswith(now):
            hint = text.find(" " + HAND_OVER_HINT.get(lang, "\0"))   # handed_over: for this plan, not the next one
            return then + text[len(now):hint if hint >= 0 else None]
    return text


def de(name: str) -> str:
    """The French « de » before a name, elided before a vowel: « d'Alex Kim », « d'Émilie », « de Julie Martin »
    (« reprise de Alex Kim » in the monthly review: audit reviewhandus). A name opening with « h » keeps « de »
    (« de Hugo » is always right, « d'Hugo » only for a mute h)."""
    first = unicodedata.normalize("NFD", name.strip()[:1])[:1].lower()
    return "d'" if first in "aeiouy" and first else "de "


def counted(key: str, n: int, lang: str, number: str | None = None) -> str:
    """``4 actions manquées`` / ``1 missed action``: the phrase for ``n`` things, singular or plural.

    ``number`` is ``n`` already formatted for the language (``1 234``), default ``str(n)``.
    """
    singular, plural = COUNTED[lang][key]
    one = n <= 1 if lang == "fr" else n == 1
    return (singular if one else plural).format(n=number if number is not None else n)


def labels(lang: str, part: str = "report") -> Mapping[str, str]:
    """The words of one part (``report``, ``review``, ``digest``, ``context``) in ``lang`` (``fr`` or ``en``)."""
    by_lang = PARTS[part]
    if lang not in by_lang:
        raise ValueError(f"unsupported {part} language {lang!r}: use fr or en")
    return by_lang[lang]


def enum_label(kind: str, code: str, lang: str, **values: object) -> str:
    """The word for an engine code (``pace``/``at_risk``); an unknown code is shown as written, readably."""
    text = ENUMS[kind][lang].get(str(code))
    if text is None:
        return str(code).replace("_", " ")
    return text.format(**values) if values else text
