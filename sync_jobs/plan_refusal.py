"""A plan file refused, in the plan's language (audit frwords): ``pac plan check`` and ``pac sync --lang fr`` on a
French plan that does not load said « plan.year: must be a whole number, not 'deux-mille' (write a number such as 5) »
and « ✗ … is not a valid plan: 1 problem » to a French sales manager.

The problems themselves stay English data (``pac_core.errors.Problem``: the run log, ``pac status`` and scripts read
them so); this module words them for the terminal. A French line keeps the English one's place and shape
(``FILE:LINE KEY : MESSAGE (FIX)``, a plain space before « : », « ; », « ? » as the console's other French lines),
the values the manager wrote between « », the plan file's keys, the YAML parser's own words and the values pac
accepts as written (they are what the manager types). A message this module does not know is shown as pac words it
in English, in the French frame. Settings and mapping files are never worded here (``pac config check``'s).

Which language a plan that does not load is in: its ``language:`` as written in the file (``fr``, ``français``,
``french``…), read from the text itself since the YAML may not parse. A plan that names no language is refused in
English, as before (the loader reads it as French, but nothing the manager wrote says so, and scripts may read
these lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pac_config.loader import PLAIN_ERRORS
from pac_config.plan_models import (
    ACTION_STATUS_ALIASES,
    ACTIVITY_ALIASES,
    AXIS_STATE_ALIASES,
    CONTEXT_KIND_ALIASES,
    COUNTING_ALIASES,
    IMPACT_ALIASES,
    LANGUAGE_ALIASES,
    SEGMENT_KIND_ALIASES,
)
from pac_core.errors import Problem
from pac_core.text import fold_key

# the first ``language:`` of the file, block style (``  language: fr``) or inline (``plan: {…, language: fr}``)
_LANGUAGE = re.compile(r"""(?:^|[{,])[ \t]*language[ \t]*:[ \t]*["']?([^\s"',}#]+)""", re.MULTILINE)

# the loader's plain errors (``pac_config.loader.PLAIN_ERRORS``: pydantic type -> message, fix), in French; the same
# placeholders ({input} the value as written, others from the error's context)
_PLAIN_FR: dict[str, tuple[str, str]] = {
    "int_parsing": ("doit être un nombre entier, pas {input}", "écrivez un nombre, par exemple 5"),
    "int_type": ("doit être un nombre entier, pas {input}", "écrivez un nombre, par exemple 5"),
    "int_from_float": ("doit être un nombre entier, pas {input}", "écrivez un nombre sans décimales, par exemple 5"),
    "float_parsing": ("doit être un nombre, pas {input}",
                      "écrivez un nombre, par exemple 0.5 (un point pour les décimales)"),
    "float_type": ("doit être un nombre, pas {input}",
                   "écrivez un nombre, par exemple 0.5 (un point pour les décimales)"),
    "decimal_parsing": ("doit être un nombre, pas {input}",
                        "écrivez un nombre, par exemple 1500.50 (un point pour les décimales)"),
    "decimal_type": ("doit être un nombre, pas {input}",
                     "écrivez un nombre, par exemple 1500.50 (un point pour les décimales)"),
    "greater_than_equal": ("doit valoir au moins {ge}, pas {input}", "écrivez {ge} ou plus"),
    "greater_than": ("doit être supérieur à {gt}, pas {input}", "écrivez un nombre au-dessus de {gt}"),
    "less_than_equal": ("doit valoir au plus {le}, pas {input}", "écrivez {le} ou moins"),
    "less_than": ("doit être inférieur à {lt}, pas {input}", "écrivez un nombre en dessous de {lt}"),
    "multiple_of": ("doit être un multiple de {multiple_of}, pas {input}",
                    "arrondissez-le à un multiple de {multiple_of}"),
    "bool_parsing": ("doit valoir true ou false, pas {input}", "écrivez true ou false"),
    "bool_type": ("doit valoir true ou false, pas {input}", "écrivez true ou false"),
    "date_parsing": ("doit être une date, pas {input}", "écrivez-la sous la forme AAAA-MM-JJ, par exemple 2027-06-30"),
    "date_type": ("doit être une date, pas {input}", "écrivez-la sous la forme AAAA-MM-JJ, par exemple 2027-06-30"),
    "date_from_datetime_parsing": ("doit être une date, pas {input}",
                                   "écrivez-la sous la forme AAAA-MM-JJ, par exemple 2027-06-30"),
    "date_from_datetime_inexact": ("doit être une date sans heure, pas {input}",
                                   "écrivez-la sous la forme AAAA-MM-JJ, par exemple 2027-06-30"),
    "datetime_parsing": ("doit être une date et une heure, pas {input}",
                         "écrivez-la comme 2027-05-20T18:00:00+02:00 (date, T, heure, décalage)"),
    "datetime_type": ("doit être une date et une heure, pas {input}",
                      "écrivez-la comme 2027-05-20T18:00:00+02:00 (date, T, heure, décalage)"),
    "datetime_from_date_parsing": ("doit être une date et une heure, pas {input}",
                                   "écrivez-la comme 2027-05-20T18:00:00+02:00 (date, T, heure, décalage)"),
    "timezone_aware": ("demande un décalage horaire, {input} n'en a pas",
                       "ajoutez le décalage, par exemple 2027-05-20T18:00:00+02:00"),
    "string_type": ("doit être du texte, pas {input}",
                    "écrivez-le comme du texte, entre guillemets s'il ressemble à un nombre ou à une date"),
    "string_too_short": ("doit faire au moins {min_length} caractères", "écrivez-le en entier"),
    "string_too_long": ("doit faire au plus {max_length} caractères, pas {input}", "raccourcissez-le"),
    "string_pattern_mismatch": ("{input} n'a pas la forme attendue", "il doit correspondre à {pattern}"),
    "too_short": ("demande au moins {min_length} {items}", "ajoutez-en {missing}"),
    "too_long": ("a plus de {max_length} {items}", "gardez-en au plus {max_length}"),
    "list_type": ("doit être une liste, pas {input}",
                  "écrivez-la comme [a, b], ou une ligne '- élément' par élément sous la clé"),
    "tuple_type": ("doit être une liste, pas {input}",
                   "écrivez-la comme [a, b], ou une ligne '- élément' par élément sous la clé"),
    "set_type": ("doit être une liste, pas {input}",
                 "écrivez-la comme [a, b], ou une ligne '- élément' par élément sous la clé"),
    "dict_type": ("doit être un bloc de lignes clé: valeur, pas {input}",
                  "écrivez des lignes 'clé: valeur' indentées en dessous"),
    "model_type": ("doit être un bloc de lignes clé: valeur, pas {input}",
                   "écrivez des lignes 'clé: valeur' indentées en dessous"),
    "model_attributes_type": ("doit être un bloc de lignes clé: valeur, pas {input}",
                              "écrivez des lignes 'clé: valeur' indentées en dessous"),
    "path_type": ("doit être un chemin de fichier, pas {input}",
                  "écrivez le chemin comme du texte, par exemple config/mappings/x.yaml"),
    "none_required": ("doit être vide, pas {input}", "retirez la valeur"),
}

# the names of the plan's closed lists (``plan_models._canonical``'s ``what``), in « type de segment inconnu »
_WHAT = {"segment kind": "type de segment inconnu", "activity": "activité inconnue", "counting": "décompte inconnu",
         "axis state": "état d'axe inconnu", "action status": "statut d'action inconnu", "language": "langue inconnue",
         "date order": "ordre des dates inconnu", "context kind": "type de contexte inconnu",
         "impact": "impact inconnu", "KPI": "KPI inconnu", "timezone": "fuseau horaire inconnu"}
_ITEMS = {"item": "élément", "items": "éléments"}
# a closed list's values as a French plan writes them (the first spelling each table gives, French): a French
# manager offered « horizontal, vertical, mixed » writes « horizontale » (all spellings are accepted)
_SPELT = {canonical: aliases[0] for table in (ACTIVITY_ALIASES, COUNTING_ALIASES, SEGMENT_KIND_ALIASES,
                                              AXIS_STATE_ALIASES, ACTION_STATUS_ALIASES, CONTEXT_KIND_ALIASES,
                                              IMPACT_ALIASES)
          for canonical, aliases in table.items() if aliases}

# the other messages and fixes of a plan's refusal: (English, as a regular expression, its French); a group
# named ``q…`` is a value as written (quoted with « »), ``l…`` a Python list of them (listed plainly)
_MESSAGES: list[tuple[str, str]] = [
    (r"unknown key (?P<qkey>'[^']*'|\"[^\"]*\")", "clé inconnue {qkey}"),
    (r"required key is missing", "clé obligatoire absente"),
    (r"must not be empty", "ne doit pas être vide"),
    (r"(?P<qvalue>.+) is not allowed", "{qvalue} n'est pas permis"),
    (rf"unknown (?P<what>{'|'.join(_WHAT)}) (?P<qvalue>'.*'|\".*\")", "{what} {qvalue}"),
    (r"YAML syntax error: this line is indented (?P<n>\d+) spaces, the key above it \(line (?P<line>\d+)\) "
     r"(?P<col>\d+)",
     "erreur de syntaxe YAML : cette ligne est indentée de {n} espaces, la clé au-dessus (ligne {line}) de {col}"),
    (r"YAML syntax error: (?P<yaml>.*)", "erreur de syntaxe YAML : {yaml}"),
    (r"cannot read YAML: (?P<yaml>.*)", "YAML illisible : {yaml}"),
    (r"segment (?P<qid>'[^']*') does not exist", "le segment {qid} n'existe pas"),
    (r"axis (?P<qid>'[^']*') does not exist", "l'axe {qid} n'existe pas"),
    (r"(?P<who>\S+) is not in the plan's people", "{who} n'est pas parmi les personnes du plan"),
    (r"week (?P<week>\d+) does not exist in (?P<year>\d+)", "la semaine {week} n'existe pas en {year}"),
    (r"plan (?P<qid>'[^']*'): this plan's period moved from (?P<old>\S+) to (?P<new>\S+) \(the store's last version "
     r"of this plan id, version (?P<v>\d+) from (?P<src>.+), covers (?P=old)\): syncing it would overwrite (?P=old)'s "
     r"records in the CRM with (?P=new)'s actions of the same ids \((?P<id>\S+):A-01 of (?P=old) would become A-01 of "
     r"(?P=new)\), mark (?P=old)'s other records removed and mix the two periods' snapshots under one id",
     "plan {qid} : la période de ce plan est passée de {old} à {new} (la dernière version de cet id de plan gardée "
     "par la base, version {v} depuis {src}, couvre {old}) : le synchroniser écraserait dans le CRM les "
     "enregistrements de {old} par les actions de {new} de mêmes id ({id}:A-01 de {old} deviendrait A-01 de {new}), "
     "marquerait retirés les autres enregistrements de {old} et mélangerait sous un seul id les instantanés des deux "
     "périodes"),
    (r"plan (?P<qid>'[^']*'): this file was synced as plan (?P<qbefore>'[^']*') \(version (?P<v>\d+), named "
     r"(?P<qname>'.*?'|\".*?\")\) and writes no id:, so its new name (?P<qnew>'.*?'|\".*?\") makes it a new plan, "
     r"(?P=qid): syncing it would write a second copy of its (?P<axes>\d+) axes and (?P<actions>\d+) actions into "
     r"the CRMs beside (?P<before>\S+)'s, which would stay as they are, and leave (?P=before)'s snapshots, CRM edits "
     r"and history behind",
     "plan {qid} : ce fichier a été synchronisé comme le plan {qbefore} (version {v}, nommé {qname}) et n'écrit pas "
     "d'id:, donc son nouveau nom {qnew} en fait un nouveau plan, {qid} : le synchroniser écrirait dans les CRM une "
     "seconde copie de ses {axes} axes et {actions} actions à côté de ceux de {before}, qui resteraient tels quels, "
     "et laisserait derrière lui les instantanés, les modifications CRM et l'historique de {before}"),
    (r"the target count must be positive, not (?P<n>\S+)", "le nombre visé doit être positif, pas {n}"),
    (r"the margin rate is a share between 0 and 1", "le taux de marge est une part entre 0 et 1"),
    (r"the growth objective must be positive", "l'objectif de croissance doit être positif"),
    (r"(?P<name>\w+) cannot be negative", "{name} ne peut pas être négatif"),
    (r"(?P<qvalue>'.*'|\".*\"|\S+) is not an e-mail address", "{qvalue} n'est pas une adresse e-mail"),
    (r"(?P<qvalue>'.*'|\".*\"|\S+) is not an e-mail", "{qvalue} n'est pas un e-mail"),
    (r"(?P<qvalue>'.*'|\".*\") is not an ISO 4217 code", "{qvalue} n'est pas un code ISO 4217"),
    (r"a prioritised axis needs a rank >= 1", "un axe prioritaire demande un rang >= 1"),
    (r"rank (?P<n>\d+) is also given to (?P<other>.+)", "le rang {n} est aussi donné à {other}"),
    (r"only a suspended axis has an until-date", "seul un axe suspendu a une date until"),
]
_FIXES: list[tuple[str, str]] = [
    (r"did you mean (?P<qclose>'[^']*')\? \(one of: (?P<values>.*)\)",
     "vouliez-vous dire {qclose} ? (valeurs possibles : {values})"),
    (r"did you mean (?P<qclose>'[^']*')\?", "vouliez-vous dire {qclose} ?"),
    (r"use one of: (?P<values>.*)", "utilisez l'une des valeurs : {values}"),
    (r"use one of (?P<lvalues>\[.*\])", "utilisez l'un de : {lvalues}"),
    (r"known keys: (?P<keys>.*)", "clés connues : {keys}"),
    (r"add (?P<key>\S+:)", "ajoutez {key}"),
    (r"write a value", "écrivez une valeur"),
    (r"use an IANA name such as (?P<tz>\S+)", "utilisez un nom IANA, par exemple {tz}"),
    (r"check indentation and quotes on that line", "vérifiez l'indentation et les guillemets de cette ligne"),
    (r"indent it with (?P<col>\d+) spaces as the key above, or fewer to close that block: the keys of one block "
     r"start in the same column",
     "indentez-la de {col} espaces comme la clé au-dessus, ou de moins pour fermer ce bloc : les clés d'un même "
     "bloc commencent à la même colonne"),
    (r"give each key once in its block: merge the two, or delete the one you do not mean",
     "ne donnez chaque clé qu'une fois dans son bloc : fusionnez les deux, ou supprimez celle que vous ne vouliez "
     "pas"),
    (r"YAML indents with spaces only: replace the tab with spaces on that line",
     "YAML n'indente qu'avec des espaces : remplacez la tabulation par des espaces sur cette ligne"),
    (r"fix the file", "corrigez le fichier"),
    (r"use fr or en", "utilisez fr ou en"),
    (r"add them under people, or fix the spelling", "ajoutez-la sous people, ou corrigez l'orthographe"),
    (r"a new year's plan needs its own name \(or id:\) so that (?P<old>\S+)'s records, snapshots and reports stay; "
     r"keep (?P=old)'s file in plans: until its late entries are counted; to continue the same plan id into "
     r"(?P<new>\S+) anyway, run  (?P<command>pac sync --keep-plan-id)  once(?P<nothing>; nothing was written)?",
     "le plan d'une nouvelle année demande son propre nom (ou id:) pour que les enregistrements, instantanés et "
     "rapports de {old} restent ; gardez le fichier de {old} dans plans: jusqu'à ce que ses saisies tardives soient "
     "comptées ; pour continuer malgré tout le même id de plan en {new}, lancez une fois  {command}{nothing}"),
    (r"to keep the plan under its new name, write  id: (?P<before>\S+)  under plan: in the file; to start a new plan "
     r"on purpose, write its own id: \((?P<id>\S+)\)(?P<nothing>; nothing was written)?",
     "pour garder le plan sous son nouveau nom, écrivez  id: {before}  sous plan: dans le fichier ; pour commencer "
     "exprès un nouveau plan, écrivez son propre id: ({id}){nothing}"),
    (r"say how many, e\.g\. (?P<n>\d+)", "dites combien, par exemple {n}"),
    (r"write 0\.35 for 35 %", "écrivez 0.35 pour 35 %"),
    (r"write the additional revenue expected, e\.g\. (?P<n>\d+)", "écrivez le CA additionnel attendu, par exemple {n}"),
    (r"fix the figure", "corrigez le chiffre"),
    (r"did you mean (?P<email>\S+), (?P<name>.+)'s e-mail under people\? identify people by e-mail",
     "vouliez-vous dire {email}, l'e-mail de {name} sous people ? identifiez les personnes par leur e-mail"),
    (r"identify people by e-mail, e\.g\. (?P<email>\S+)",
     "identifiez les personnes par leur e-mail, par exemple {email}"),
    (r"identify the rep by e-mail", "identifiez le commercial par son e-mail"),
    (r"write e\.g\. (?P<code>[A-Z]{3})", "écrivez par exemple {code}"),
    (r"add rank: 1 for the first priority", "ajoutez rank: 1 pour la première priorité"),
    (r"give each prioritised axis its own rank", "donnez à chaque axe prioritaire son propre rang"),
    (r"remove until, or set state: suspended", "retirez until, ou écrivez state: suspended"),
    (r"(?P<year>\d+) has (?P<n>\d+) ISO weeks; write (?P<first>.+) to (?P<last>.+)",
     "{year} a {n} semaines ISO ; écrivez de {first} à {last}"),
]


def _template(english: str) -> str:
    """A ``PLAIN_ERRORS`` template as a regular expression: each ``{name}`` a group (the same name twice, the same
    text)."""
    out, seen = [], set()
    for part in re.split(r"(\{\w+\})", english):
        name = part[1:-1] if part.startswith("{") and part.endswith("}") else None
        if name is None:
            out.append(re.escape(part))
        elif name in seen:
            out.append(f"(?P={name})")
        else:
            seen.add(name)
            out.append(f"(?P<{name}>.+?)")
    return "".join(out)


def _plain_pairs(which: int) -> list[tuple[str, str]]:
    return [(_template(english[which]), _PLAIN_FR[kind][which]) for kind, english in PLAIN_ERRORS.items()
            if kind in _PLAIN_FR]


_MESSAGE_RULES = [(re.compile(f"^{p}$", re.DOTALL), f) for p, f in [*_MESSAGES, *_plain_pairs(0)]]
_FIX_RULES = [(re.compile(f"^{p}$", re.DOTALL), f) for p, f in [*_FIXES, *_plain_pairs(1)]]


def file_language(path: str | Path) -> str:
    """``fr`` when the plan file says its language is French (its first ``language:``), else ``en``."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "en"
    found = _LANGUAGE.search(text)
    written = fold_key(found.group(1)).replace("_", " ") if found else ""
    return "fr" if written == "fr" or written in LANGUAGE_ALIASES["fr"] else "en"


def _quoted(value: str) -> str:
    """A value as the loader shows it (Python's repr of a text) between « »; anything else as it is."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f"« {value[1:-1]} »"
    return value


def _listed(value: str) -> str:
    """``['S-AGRO', 'S-GC']`` -> ``S-AGRO, S-GC``."""
    return ", ".join(part.strip().strip("'\"") for part in value.strip("[]").split(",") if part.strip())


def _value(name: str, text: str) -> str:
    if name.startswith("q"):
        return _quoted(text)
    if name.startswith("l"):
        return _listed(text)
    if name == "values":
        return ", ".join(_SPELT.get(v, v) for v in text.split(", "))
    if name == "what":
        return _WHAT.get(text, text)
    if name == "items":
        return _ITEMS.get(text, text)
    if name == "missing":
        return "un" if text == "one" else text.replace(" more", " de plus")
    if name == "nothing":
        return " ; rien n'a été écrit" if text else ""
    if name in ("input", "shown"):
        return _quoted(text)
    return text


def _french(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, french in rules:
        if (m := pattern.match(text)) is not None:
            return french.format(**{k: _value(k, v) for k, v in m.groupdict().items()})
    return text


def problem_parts(problem: Problem, lang: str) -> tuple[str, str]:
    """A problem's message and fix in ``lang`` (as written when this module does not know them)."""
    if lang != "fr":
        return problem.message, problem.fix
    return _french(problem.message, _MESSAGE_RULES), _french(problem.fix, _FIX_RULES) if problem.fix else ""


def problem_words(problem: Problem, lang: str) -> str:
    """One problem as ``pac plan check`` prints it: ``str(problem)`` in English; in French the same place, the
    message and fix in French (as written when this module does not know them)."""
    if lang != "fr":
        return str(problem)
    where = ""
    if problem.file:
        where = (f"{problem.file}:{problem.line}" if problem.line else problem.file) + " "
    key = f"{problem.path} : " if problem.path else ""
    fix = f" ({_french(problem.fix, _FIX_RULES)})" if problem.fix else ""
    return f"{where}{key}{_french(problem.message, _MESSAGE_RULES)}{fix}"


def refusal_words(what: str | Path, count: int, lang: str) -> str:
    """The last line of a refused plan: « ✗ FILE is not a valid plan: 2 problems »."""
    if lang != "fr":
        return f"✗ {what} is not a valid plan: {count} problem{'s' if count != 1 else ''}"
    return f"✗ {what} n'est pas un plan valide : {count} problème{'s' if count > 1 else ''}"


def plan_problems(problems: Iterable[Problem], plan_file: str | Path, lang: str) -> list[str]:
    """The lines of a refusal that may hold other files' problems (``pac sync``: the settings, a mapping): the plan
    file's in ``lang`` when the file says it is French, the others as they are (``pac config check``'s words)."""
    plan_file = Path(plan_file).resolve()
    french = lang == "fr" and file_language(plan_file) == "fr"
    return [problem_words(p, "fr") if french and p.file and Path(p.file).resolve() == plan_file else str(p)
            for p in problems]
