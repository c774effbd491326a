"""Geography: countries as people write them, and France's postal codes, 101 départements and 13 + 5 régions of 2016.

Business rules:
- A postal code maps to a département by its first digits, except where that would be a guess:
  Corsica (La Poste's ranges, CEDEX codes included: ``200xx``/``201xx``/``207xx`` (Ajaccio CEDEX) are Corse-du-Sud
  2A, ``202xx``/``204xx`` (Bastia CEDEX)/``206xx`` Haute-Corse 2B; any other ``20xxx`` is reported), overseas
  départements (``971xx``..``974xx``, ``976xx``), and codes that
  are not in a département at all (Monaco ``980xx``, Saint-Pierre-et-Miquelon ``975xx``,
  Saint-Barthélemy ``97133``, Saint-Martin ``97150``, ``977xx``/``978xx``, the Pacific ``986xx``..``988xx``,
  the TAAF ``984xx``) are reported with the reason, never mapped to a neighbour.
- A postal code field may hold La Poste's whole last address line, « CODE LOCALITÉ [CEDEX nn] »: the code followed
  by a town and / or ``CEDEX`` and its number ("69289 CEDEX 02", "69003 Lyon", "75008 Paris 8e") is read as its
  5-digit code; anything else after the code (a street, a second code, a comma) is refused, never guessed.
- Départements are named by their official code ("01".."95" with "2A"/"2B" instead of "20",
  "971".."976" without "975"); names, codes and "Name (code)" are all accepted, accents and case
  ignored.
- Régions are the 2016 ones; the usual acronyms (ARA, IDF, PACA...), the transitional names of 2016
  ("Alsace-Champagne-Ardenne-Lorraine") and « Centre » (renamed, same territory) give the 2016 name. A région of
  before 2016 merged into a larger one ("Rhône-Alpes", "Alsace", "Midi-Pyrénées": ``FORMER_REGIONS``, INSEE COG
  2015) names either its own départements or, as people still say it, the 2016 région: a scope refuses it with both
  (decided 7 Dec 2026, audit planfr), and the linter hints both (``former_region_hint``, audit clifr).
- Several départements in one value, « Isère et Savoie », « 69, 38 », « 69/38 », are a list
  (``resolve_departements``); a name holding « et » (« Indre et Loire ») stays one département, and « 69 - Rhône »
  (a code and its name, as French lists write them) is the département when both agree.
- A country is its ISO 3166-1 alpha-2 code, read by ``country_code`` from what a CRM keeps or a plan says: the
  alpha-2 or alpha-3 code, or the English or French name (Unicode CLDR's, through Babel, which pac already uses for
  its number and date formats), or a common variant ("U.S.", "United States of America", "UK", "Holland"); case,
  accents, dots and hyphens ignored. The one reader for the Salesforce and HubSpot connectors and plan scopes.
  Département and région are France's only: elsewhere, scope by country, postal code prefix or a ``custom`` field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import lru_cache

import babel.core
from babel import Locale

from pac_core.errors import GeographyError
from pac_core.text import fold_words

ARA = "Auvergne-Rhône-Alpes"
BFC = "Bourgogne-Franche-Comté"
BRE = "Bretagne"
CVL = "Centre-Val de Loire"
COR = "Corse"
GES = "Grand Est"
HDF = "Hauts-de-France"
IDF = "Île-de-France"
NOR = "Normandie"
NAQ = "Nouvelle-Aquitaine"
OCC = "Occitanie"
PDL = "Pays de la Loire"
PAC = "Provence-Alpes-Côte d'Azur"
GUA, MTQ, GUF, LRE, MAY = "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"

# code: (name, 2016 région)
DEPARTEMENTS: dict[str, tuple[str, str]] = {
    "01": ("Ain", ARA), "02": ("Aisne", HDF), "03": ("Allier", ARA),
    "04": ("Alpes-de-Haute-Provence", PAC), "05": ("Hautes-Alpes", PAC), "06": ("Alpes-Maritimes", PAC),
    "07": ("Ardèche", ARA), "08": ("Ardennes", GES), "09": ("Ariège", OCC), "10": ("Aube", GES),
    "11": ("Aude", OCC), "12": ("Aveyron", OCC), "13": ("Bouches-du-Rhône", PAC), "14": ("Calvados", NOR),
    "15": ("Cantal", ARA), "16": ("Charente", NAQ), "17": ("Charente-Maritime", NAQ), "18": ("Cher", CVL),
    "19": ("Corrèze", NAQ), "2A": ("Corse-du-Sud", COR), "2B": ("Haute-Corse", COR),
    "21": ("Côte-d'Or", BFC), "22": ("Côtes-d'Armor", BRE), "23": ("Creuse", NAQ), "24": ("Dordogne", NAQ),
    "25": ("Doubs", BFC), "26": ("Drôme", ARA), "27": ("Eure", NOR), "28": ("Eure-et-Loir", CVL),
    "29": ("Finistère", BRE), "30": ("Gard", OCC), "31": ("Haute-Garonne", OCC), "32": ("Gers", OCC),
    "33": ("Gironde", NAQ), "34": ("Hérault", OCC), "35": ("Ille-et-Vilaine", BRE), "36": ("Indre", CVL),
    "37": ("Indre-et-Loire", CVL), "38": ("Isère", ARA), "39": ("Jura", BFC), "40": ("Landes", NAQ),
    "41": ("Loir-et-Cher", CVL), "42": ("Loire", ARA), "43": ("Haute-Loire", ARA),
    "44": ("Loire-Atlantique", PDL), "45": ("Loiret", CVL), "46": ("Lot", OCC),
    "47": ("Lot-et-Garonne", NAQ), "48": ("Lozère", OCC), "49": ("Maine-et-Loire", PDL),
    "50": ("Manche", NOR), "51": ("Marne", GES), "52": ("Haute-Marne", GES), "53": ("Mayenne", PDL),
    "54": ("Meurthe-et-Moselle", GES), "55": ("Meuse", GES), "56": ("Morbihan", BRE),
    "57": ("Moselle", GES), "58": ("Nièvre", BFC), "59": ("Nord", HDF), "60": ("Oise", HDF),
    "61": ("Orne", NOR), "62": ("Pas-de-Calais", HDF), "63": ("Puy-de-Dôme", ARA),
    "64": ("Pyrénées-Atlantiques", NAQ), "65": ("Hautes-Pyrénées", OCC), "66": ("Pyrénées-Orientales", OCC),
    "67": ("Bas-Rhin", GES), "68": ("Haut-Rhin", GES), "69": ("Rhône", ARA), "70": ("Haute-Saône", BFC),
    "71": ("Saône-et-Loire", BFC), "72": ("Sarthe", PDL), "73": ("Savoie", ARA), "74": ("Haute-Savoie", ARA),
    "75": ("Paris", IDF), "76": ("Seine-Maritime", NOR), "77": ("Seine-et-Marne", IDF),
    "78": ("Yvelines", IDF), "79": ("Deux-Sèvres", NAQ), "80": ("Somme", HDF), "81": ("Tarn", OCC),
    "82": ("Tarn-et-Garonne", OCC), "83": ("Var", PAC), "84": ("Vaucluse", PAC), "85": ("Vendée", PDL),
    "86": ("Vienne", NAQ), "87": ("Haute-Vienne", NAQ), "88": ("Vosges", GES), "89": ("Yonne", BFC),
    "90": ("Territoire de Belfort", BFC), "91": ("Essonne", IDF), "92": ("Hauts-de-Seine", IDF),
    "93": ("Seine-Saint-Denis", IDF), "94": ("Val-de-Marne", IDF), "95": ("Val-d'Oise", IDF),
    "971": ("Guadeloupe", GUA), "972": ("Martinique", MTQ), "973": ("Guyane", GUF),
    "974": ("La Réunion", LRE), "976": ("Mayotte", MAY),
}

REGIONS: tuple[str, ...] = (ARA, BFC, BRE, CVL, COR, GES, HDF, IDF, NOR, NAQ, OCC, PDL, PAC,
                            GUA, MTQ, GUF, LRE, MAY)

# Acronyms and pre-2016 names -> 2016 région.
_REGION_ALIASES: dict[str, str] = {
    "ara": ARA, "aura": ARA, "auvergne": ARA, "rhone alpes": ARA,
    "bfc": BFC, "bourgogne": BFC, "franche comte": BFC,
    "cvl": CVL, "centre": CVL,
    "ge": GES, "alsace": GES, "lorraine": GES, "champagne ardenne": GES, "acal": GES,
    "alsace champagne ardenne lorraine": GES,
    "hdf": HDF, "nord pas de calais": HDF, "picardie": HDF, "nord pas de calais picardie": HDF,
    "idf": IDF, "region parisienne": IDF,
    "basse normandie": NOR, "haute normandie": NOR,
    "naq": NAQ, "na": NAQ, "aquitaine": NAQ, "limousin": NAQ, "poitou charentes": NAQ,
    "aquitaine limousin poitou charentes": NAQ,
    "occ": OCC, "midi pyrenees": OCC, "languedoc roussillon": OCC,
    "languedoc roussillon midi pyrenees": OCC,
    "pdl": PDL,
    "paca": PAC, "sud": PAC, "region sud": PAC, "provence alpes cote d azur": PAC,
    "reunion": LRE, "ile de la reunion": LRE, "guyane francaise": GUF, "french guiana": GUF,
    "corsica": COR, "brittany": BRE, "normandy": NOR,
}

# The régions of before 2016 whose territory is not a 2016 région's, with their départements (INSEE, Code officiel
# géographique 2015; « Centre » became Centre-Val de Loire unchanged and is read as it). Folded name -> (name, codes).
FORMER_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    fold_words(name): (name, codes) for name, codes in (
        ("Alsace", ("67", "68")),
        ("Aquitaine", ("24", "33", "40", "47", "64")),
        ("Auvergne", ("03", "15", "43", "63")),
        ("Basse-Normandie", ("14", "50", "61")),
        ("Bourgogne", ("21", "58", "71", "89")),
        ("Champagne-Ardenne", ("08", "10", "51", "52")),
        ("Franche-Comté", ("25", "39", "70", "90")),
        ("Haute-Normandie", ("27", "76")),
        ("Languedoc-Roussillon", ("11", "30", "34", "48", "66")),
        ("Limousin", ("19", "23", "87")),
        ("Lorraine", ("54", "55", "57", "88")),
        ("Midi-Pyrénées", ("09", "12", "31", "32", "46", "65", "81", "82")),
        ("Nord-Pas-de-Calais", ("59", "62")),
        ("Picardie", ("02", "60", "80")),
        ("Poitou-Charentes", ("16", "17", "79", "86")),
        ("Rhône-Alpes", ("01", "07", "26", "38", "42", "69", "73", "74")),
    )
}

# Postal prefixes that are not in a département: (reason, fix).
_NOT_A_DEPARTEMENT: dict[str, str] = {
    "975": "Saint-Pierre-et-Miquelon is an overseas collectivity, not a département",
    "977": "977 is Saint-Barthélemy, an overseas collectivity, not a département",
    "978": "978 is Saint-Martin, an overseas collectivity, not a département",
    "980": "980xx is Monaco, a foreign country",
    "984": "984xx is the French Southern and Antarctic Lands (TAAF), not a département",
    "986": "986xx is Wallis-et-Futuna, an overseas collectivity, not a département",
    "987": "987xx is French Polynesia, an overseas collectivity, not a département",
    "988": "988xx is New Caledonia, a sui generis collectivity, not a département",
}
# Inside 971xx, two codes belong to collectivities that left Guadeloupe in 2007.
_GUADELOUPE_EXCEPTIONS = {
    "97133": "97133 is Saint-Barthélemy, an overseas collectivity since 2007, not a département",
    "97150": "97150 is Saint-Martin, an overseas collectivity since 2007, not a département",
}
_FIX_NOT_MAPPED = "accounts there belong to no département: leave them out of département scopes, or scope by country"


_BY_NAME: dict[str, str] = {fold_words(name): code for code, (name, _) in DEPARTEMENTS.items()}
_REGION_BY_NAME: dict[str, str] = {fold_words(r): r for r in REGIONS} | _REGION_ALIASES
# Every accepted spelling of a région (normalised: lower case, no accents, spaces) -> 2016 name.
REGION_SPELLINGS: dict[str, str] = dict(_REGION_BY_NAME)
# « 69 - Rhône », « 69 Rhône », « Rhône - 69 »: a code and a name, as French lists write them
_CODE_THEN_NAME = re.compile(r"\s*(2[abAB]|\d{1,3})(?:\s*[-–—:]\s*|\s+)([^\W\d_]{2}.*?)\s*")
_NAME_THEN_CODE = re.compile(r"\s*([^\W\d_]{2}.*?)\s*[-–—:]\s*(2[abAB]|\d{1,3})\s*")
# what separates départements listed in one value: « , », « ; », « / », « & », « + », « et », "and"
_LIST_SEPARATOR = re.compile(r"\s*[,;/&+]\s*")
_LIST_WORD = re.compile(r"\s+(?:et|and)\s+", re.IGNORECASE)
_DEPT_PREFIX = re.compile(r"^(?:le |la |les |l )?(?:departement|dept|dep|dpt)(?: du| de la| de l| des| de| d)? ")


# Corsica's postal codes by La Poste's hundreds: regular codes 200xx-201xx (2A) and 202xx, 206xx (2B), and the CEDEX
# codes of Ajaccio (201xx, 207xx: « 20704 Ajaccio Cedex 9 ») and Bastia (202xx, 204xx: « 20401 Bastia Cedex 9 »)
_CORSICA = {"200": "2A", "201": "2A", "207": "2A", "202": "2B", "204": "2B", "206": "2B"}
# La Poste's last address line in one field: the code, then a town (words of letters, an arrondissement such as
# "8e" or "1er" after it) and / or CEDEX with its number
_TOWN = r"[^\W\d_]+(?:[\s'’.-]+[^\W\d_]+)*\.?(?:\s+\d{1,2}(?:er|e|ème|eme)?)?"
_CODE_AND_TOWN = re.compile(rf"\s*(\d{{2}}\s?\d{{3}})\s+(?:{_TOWN}|(?:{_TOWN}\s+)?cedex(?:\s*\d{{1,2}})?)\s*",
                            re.IGNORECASE)
_FIX_UNPLACED = ("correct it in the CRM; until then the account is in no département or région scope, and a plan "
                 "reaches it only by postal code (postal_code: {code})")


def postal_code_problem(postal_code: str) -> str | None:
    """Why ``postal_code`` does not map to a département (with the fix), or None when it maps."""
    try:
        departement_from_postal_code(postal_code)
    except GeographyError as exc:
        return str(exc)
    return None


def postal_code_digits(postal_code: str) -> str:
    """The 5-digit code of a postal code typed with its town or CEDEX ("69289 CEDEX 02" -> "69289"), else the text
    without its spaces ("69 003" -> "69003"; anything else as it is, to be refused or compared as written)."""
    found = _CODE_AND_TOWN.fullmatch(postal_code)
    return re.sub(r"\s+", "", found[1] if found else postal_code)


def french_place(postal_code: str) -> tuple[str | None, str | None, str | None]:
    """A French account's (département, région, problem) from its postal code: (code, région, None), or (None, None,
    why not and the fix), the words both connectors' warnings use."""
    try:
        code = departement_from_postal_code(postal_code)
    except GeographyError as exc:
        return None, None, str(exc)
    return code, DEPARTEMENTS[code][1], None


def departement_from_postal_code(postal_code: str) -> str:
    """The département code of a French postal code ("69003" -> "69", "20090" -> "2A", "97400" -> "974", "69289
    CEDEX 02" -> "69").

    Raises GeographyError, saying why and what to do, for codes outside any département or malformed.
    """
    raw = postal_code
    code = postal_code_digits(str(postal_code or ""))
    if not re.fullmatch(r"\d{5}", code):
        if re.fullmatch(r"\d{4}", code):
            raise GeographyError(f"postal code {raw!r} has 4 digits",
                                 f"French postal codes have 5 digits; if a spreadsheet dropped the leading zero, "
                                 f"write 0{code}")
        raise GeographyError(f"postal code {raw!r} is not 5 digits",
                             "write the 5-digit French postal code, e.g. 69003, alone or followed by its town or "
                             "CEDEX (69289 CEDEX 02)")
    if code in _GUADELOUPE_EXCEPTIONS:
        raise GeographyError(_GUADELOUPE_EXCEPTIONS[code], _FIX_NOT_MAPPED)
    prefix3 = code[:3]
    if prefix3 in _NOT_A_DEPARTEMENT:
        raise GeographyError(f"postal code {code}: {_NOT_A_DEPARTEMENT[prefix3]}", _FIX_NOT_MAPPED)
    if code.startswith("97"):
        if prefix3 in DEPARTEMENTS:
            return prefix3
        raise GeographyError(f"postal code {code} is in no overseas département (971 to 974, 976)",
                             _FIX_UNPLACED.format(code=code))
    if code.startswith("98") or code.startswith("99"):
        raise GeographyError(f"postal code {code} is not in a French département", _FIX_NOT_MAPPED)
    if code.startswith("20"):
        if prefix3 in _CORSICA:
            return _CORSICA[prefix3]
        raise GeographyError(f"postal code {code} is in Corsica but in none of La Poste's ranges of 2A (200xx, "
                             "201xx, 207xx) or 2B (202xx, 204xx, 206xx)", _FIX_UNPLACED.format(code=code))
    if code.startswith("00") or code.startswith("96"):
        raise GeographyError(f"postal code {code} is not a French postal code", _FIX_UNPLACED.format(code=code))
    return code[:2]


def resolve_departement(text: str, *, suggest: bool = True) -> str:
    """The code of the département named by ``text``: a code ("69", "2a", "971"), a name ("Rhône",
    "rhone", "Côtes-d'Armor") or both ("Rhône (69)"). Raises GeographyError with a did-you-mean fix."""
    raw = " ".join(str(text).split())   # one space between words: no pattern meets a run of blanks
    both = re.fullmatch(r"(.+?)\s*\(\s*([0-9]{1,3}|2[abAB])\s*\)", raw)
    if not both and len(raw) <= 80:   # a code and a name are short: no pattern runs over a long text
        both = _NAME_THEN_CODE.fullmatch(raw) or _code_then_name(raw)
    if both:
        by_name, by_code = resolve_departement(both.group(1)), resolve_departement(both.group(2))
        if by_name != by_code:
            raise GeographyError(f"{raw!r}: {both.group(1).strip()} is {by_name}, not {by_code}",
                                 f"write {departement_name(by_name)} ({by_name}) or "
                                 f"{departement_name(by_code)} ({by_code})")
        return by_name
    key = _DEPT_PREFIX.sub("", fold_words(raw))
    key = re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", key))   # « Seine-St-Denis »
    if re.fullmatch(r"\d ?[a-z]", key) and key.replace(" ", "") not in ("2a", "2b"):   # « 2C »: a code mistyped
        raise GeographyError(f"{raw!r} is not a département code",
                             "départements are 01 to 95 (with 2A and 2B for Corsica), 971 to 974 and 976")
    if re.fullmatch(r"\d{1,3}|2 ?[ab]", key):
        code = key.replace(" ", "").upper()
        if len(code) == 1:
            code = "0" + code
        if code in DEPARTEMENTS:
            return code
        if code == "20":
            raise GeographyError("département 20 no longer exists: Corsica is split in two",
                                 "use 2A (Corse-du-Sud) or 2B (Haute-Corse)")
        if code in ("975", "977", "978"):
            raise GeographyError(f"{code} is an overseas collectivity, not a département",
                                 "départements are 01 to 95 (2A, 2B), 971 to 974 and 976")
        raise GeographyError(f"{raw!r} is not a département code",
                             "départements are 01 to 95 (with 2A and 2B for Corsica), 971 to 974 and 976")
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key in _REGION_BY_NAME:   # "Corse", "Bretagne": a région written as a département (not « Creuse (23) »)
        region = _REGION_BY_NAME[key]
        if len(departements_of_region(region)) == 1:   # « Réunion »: the région is one département, nothing to choose
            return departements_of_region(region)[0]
        codes = ", ".join(departements_of_region(region))
        raise GeographyError(f"{raw!r} is a région, not a département",
                             f"write region: {region}, or departement: [{codes}]")
    close = difflib.get_close_matches(key, list(_BY_NAME), n=1, cutoff=0.6) if suggest else []
    if close:
        code = _BY_NAME[close[0]]
        fix = f"did you mean {departement_name(code)} ({code})?"
    else:
        fix = "write its number (e.g. 69) or its name (e.g. Rhône)"
    raise GeographyError(f"unknown département {raw!r}", fix)


def _code_then_name(raw: str) -> re.Match[str] | None:
    """« 69 - Rhône » as (name, code) groups, like « Rhône (69) »; None for anything else."""
    found = _CODE_THEN_NAME.fullmatch(raw)
    if not found:
        return None
    return re.fullmatch(r"(.+)\((.+)\)", f"{found[2]}({found[1]})")


def _one_departement(text: str) -> str | None:
    try:
        return resolve_departement(text, suggest=False)
    except GeographyError:
        return None


def resolve_departements(text: str) -> tuple[str, ...]:
    """The codes of the départements named by ``text``: one département (``resolve_departement``), or several
    listed in one value, « Isère et Savoie », « 69, 38 », « 69/38 », « Isère, Savoie et Haute-Savoie ».

    A name that holds « et » stays one département (« Indre et Loire », « Saône-et-Loire »): the longest run of
    words joined by « et » that names one is taken first (two: no name holds two « et »). A value close to one
    département's name (« Eure et Loire ») is refused as that name misspelt, with the list to write if two were
    meant. Raises GeographyError naming the part that is no département.
    """
    raw = " ".join(str(text).split())   # one space between words: no pattern meets a run of blanks
    single = _one_departement(raw)
    if single is not None:
        return (single,)
    pieces = [p for part in _LIST_SEPARATOR.split(raw) for p in [part.strip()] if p]
    words = [_LIST_WORD.split(piece) for piece in pieces]
    if len(pieces) < 2 and len(words[0] if words else []) < 2:
        resolve_departement(raw)   # raises the single value's error
    close = (difflib.get_close_matches(_DEPT_PREFIX.sub("", fold_words(raw)), list(_BY_NAME), n=1, cutoff=0.85)
             if len(raw) <= 60 else [])   # a département's name is at most 28 letters
    if close:
        code = _BY_NAME[close[0]]
        parts = ", ".join(p for piece in words for p in piece)
        raise GeographyError(f"unknown département {raw!r}",
                             f"did you mean {departement_name(code)} ({code})? for several départements, write a "
                             f"list: [{parts}]")
    codes: list[str] = []
    for piece in words:
        i = 0
        while i < len(piece):
            for j in range(min(len(piece), i + 2), i, -1):   # a name holds one « et » at most (Indre et Loire)
                found = _one_departement(" et ".join(piece[i:j]))
                if found is not None:
                    codes.append(found)
                    i = j
                    break
            else:
                codes.append(resolve_departement(piece[i]))   # raises, naming this part
                i += 1
    return tuple(dict.fromkeys(codes))


def former_region(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(name, département codes) of the pre-2016 région ``text`` names when it was merged into a larger 2016 one
    (``FORMER_REGIONS``: « Rhône-Alpes », « Alsace »...), else None."""
    key = fold_words(str(text))
    key = re.sub(r"^(?:la |l )?(?:ancienne )?region ", "", key)
    return FORMER_REGIONS.get(key)


def former_region_hint(text: str) -> dict[str, object] | None:
    """The two readings of a région merged in 2016 that ``text`` names, as the linter hints them (``scope_hints``'
    ``former_regions``) and a plan scope refuses it: ``{"name": "Rhône-Alpes", "departements": ["01", "07", "26",
    "38", "42", "69", "73", "74"], "region": "Auvergne-Rhône-Alpes"}`` (its own départements, INSEE COG 2015, or the
    2016 région people still call so); None for any other text (audit clifr: the hint gave the 2016 région alone)."""
    former = former_region(text)
    if former is None:
        return None
    name, codes = former
    return {"name": name, "departements": list(codes), "region": resolve_region(name)}


def resolve_region(text: str) -> str:
    """The 2016 name of the région named by ``text`` (any case or accents, acronym or pre-2016 name)."""
    key = fold_words(str(text))
    key = re.sub(r"^(?:la )?region ", "", key) if key not in _REGION_BY_NAME else key
    if key in _REGION_BY_NAME:
        return _REGION_BY_NAME[key]
    close = difflib.get_close_matches(key, [fold_words(r) for r in REGIONS], n=1, cutoff=0.6)
    fix = f"did you mean {_REGION_BY_NAME[close[0]]}?" if close else f"use one of: {', '.join(REGIONS)}"
    raise GeographyError(f"unknown région {text!r}", fix)


def region_of_departement(code: str) -> str:
    """The 2016 région of a département (code or name)."""
    return DEPARTEMENTS[resolve_departement(code)][1]


def departement_name(code: str) -> str:
    """The official name, with accents, of a département given by code (or name)."""
    if code in DEPARTEMENTS:
        return DEPARTEMENTS[code][0]
    return DEPARTEMENTS[resolve_departement(code)][0]


def departements_of_region(region: str) -> tuple[str, ...]:
    """The département codes of a région (any accepted spelling), in code order."""
    name = resolve_region(region)
    return tuple(code for code, (_, r) in DEPARTEMENTS.items() if r == name)


# -- countries ------------------------------------------------------------------------------------------------------

# Bumped whenever ``country_code`` or ``departement_from_postal_code`` reads a value otherwise: the connectors put it in
# their accounts' reading, so the accounts stored are read and normalised again (1: CLDR names in English and French,
# alpha-3 codes, variants; 2: fillers such as "N/A" read as no country, names CLDR lacks, overseas départements keep
# their département; 3: Corsica's CEDEX codes 204xx (2B) and 207xx (2A), a code typed with its town or CEDEX).
COUNTRY_READING = "3"

# CLDR territories that are not countries (European Union, eurozone, United Nations, Outlying Oceania, unknown,
# pseudo-locales): never a country code.
# CLDR territories that are no ISO 3166-1 country: groupings, and the exceptionally reserved codes of parts of a
# country (IC Canary Islands, EA Ceuta and Melilla: Spain; AC, TA, DG, CP; CQ Sark): their names read as the country
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "IC", "EA", "AC", "TA", "DG", "CP", "CQ"})
# French overseas départements (Guadeloupe 971, Martinique 972, Guyane 973, La Réunion 974, Mayotte 976): an account
# whose country is one of them has its département and région from its postal code, as a French one
FRENCH_GEOGRAPHY = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT"})
# what CRMs hold in a country field that names no country, read as an empty field ("N/A" is not Namibia): as typed
# (lower-cased), and folded (``_country_key``)
_NO_COUNTRY_TYPED = frozenset({"n/a", "n / a", "n.a.", "n.a", "n.c.", "n/c"})
_NO_COUNTRY = frozenset({"none", "unknown", "inconnu", "non renseigne", "not applicable", "non applicable", "tbd",
                         "a definir"})

# Spellings CLDR does not give (its names are "United States", « États-Unis »): abbreviations, official long forms,
# parts of a country and a few native names, folded (``_country_key``).
_COUNTRY_VARIANTS: dict[str, str] = {
    "us": "US", "u s": "US", "usa": "US", "u s a": "US", "united states of america": "US", "america": "US",
    "etats unis d amerique": "US", "etatsunis": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "grande bretagne": "GB", "england": "GB",
    "angleterre": "GB", "scotland": "GB", "ecosse": "GB", "wales": "GB", "pays de galles": "GB",
    "northern ireland": "GB", "irlande du nord": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "royaume uni de grande bretagne et d irlande du nord": "GB",
    "republique francaise": "FR", "french republic": "FR", "france metropolitaine": "FR", "metropolitan france": "FR",
    "fx": "FR",
    "confederation suisse": "CH", "swiss confederation": "CH", "schweiz": "CH", "svizzera": "CH",
    "deutschland": "DE", "federal republic of germany": "DE", "republique federale d allemagne": "DE",
    "belgie": "BE", "belgien": "BE", "kingdom of belgium": "BE", "royaume de belgique": "BE",
    "luxemburg": "LU", "letzebuerg": "LU", "grand duchy of luxembourg": "LU", "grand duche de luxembourg": "LU",
    "principality of monaco": "MC", "principaute de monaco": "MC",
    "holland": "NL", "nederland": "NL", "kingdom of the netherlands": "NL",
    "espana": "ES", "italia": "IT", "osterreich": "AT", "polska": "PL", "portugal": "PT", "eire": "IE",
    "czech republic": "CZ", "republique tcheque": "CZ",
    "prc": "CN", "p r c": "CN", "people s republic of china": "CN", "peoples republic of china": "CN",
    "republique populaire de chine": "CN", "mainland china": "CN", "chine continentale": "CN",
    "hong kong": "HK", "hongkong": "HK", "macao": "MO", "macau": "MO",
    "korea": "KR", "republic of korea": "KR", "coree": "KR", "republique de coree": "KR",
    "nippon": "JP", "nihon": "JP",
    "russian federation": "RU", "federation de russie": "RU",
    "uae": "AE", "u a e": "AE", "eau": "AE",
    "ivory coast": "CI", "vatican": "VA", "holy see": "VA", "saint siege": "VA",
    "drc": "CD", "rdc": "CD", "democratic republic of the congo": "CD", "republique democratique du congo": "CD",
    "republic of the congo": "CG", "republique du congo": "CG",
    "palestine": "PS", "macedonia": "MK", "macedoine": "MK", "turkiye": "TR", "turkey": "TR", "turquie": "TR",
    "myanmar": "MM", "burma": "MM", "birmanie": "MM", "swaziland": "SZ", "saint lucia": "LC", "st lucia": "LC",
    "sainte lucie": "LC", "saint kitts and nevis": "KN", "st kitts and nevis": "KN", "ksa": "SA", "dprk": "KP",
    "north korea": "KP", "coree du nord": "KP", "south korea": "KR", "coree du sud": "KR",
    "canary islands": "ES", "iles canaries": "ES", "canaries": "ES", "ceuta": "ES", "melilla": "ES",
    "ceuta and melilla": "ES", "ceuta et melilla": "ES", "guyane": "GF", "la guyane": "GF",
}
_ARTICLE = re.compile(r"^(?:the|la|le|les|l) ")


def _country_key(text: str) -> str:
    """How country spellings are compared: accents, case, dots ("U.S.A." is "usa"), hyphens, apostrophes and the
    leading article ("the Netherlands", « les États-Unis ») ignored, "&" read as "and"."""
    key = fold_words(str(text).replace(".", "").replace("&", " and "))
    return _ARTICLE.sub("", key)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Every known spelling of a country, folded -> its alpha-2 code: built once from CLDR and the variants."""
    names: dict[str, str] = {}
    codes = frozenset(str(code) for code in Locale.parse("en").territories
                      if len(str(code)) == 2 and str(code).isalpha() and code not in _NOT_COUNTRIES)
    for language in ("en", "fr"):
        for code, name in Locale.parse(language).territories.items():
            if str(code) in codes:
                names.setdefault(_country_key(name), str(code))
    # CLDR's territory aliases hold ISO 3166-1 alpha-3 codes ("USA" -> ["US"]) beside old codes of split countries
    aliases: Mapping[str, list[str]] = babel.core.get_global("territory_aliases")
    for alias, targets in aliases.items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            names.setdefault(alias.lower(), targets[0])
    for code in codes:
        names.setdefault(code.lower(), code)
    names.update(_COUNTRY_VARIANTS)
    return names


def country_code(text: object) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country ``text`` names ("United States", "U.S.", "USA", "us",
    « États-Unis » -> "US"), or None when it names none (empty, or unknown: the caller decides)."""
    if text is None:
        return None
    key = _country_key(str(text))
    if not key:
        return None
    names = _countries()
    return names.get(key) or names.get(key.replace(" ", ""))


def account_country(value: object, default: str | None) -> str | None:
    """An account's country as both connectors read it from a CRM's field: its alpha-2 code (``country_code``);
    ``default`` (the mapping's ``default_country``) when the field is empty or holds a filler that names no
    country ("N/A", "n.a.", "-", "Unknown": never NA, Namibia); else the text as written (60 characters), which no
    country scope holds."""
    text = "" if value is None else str(value).strip()
    key = _country_key(text.lower())
    if text.lower() in _NO_COUNTRY_TYPED or key in _NO_COUNTRY or not key.strip("-?/ "):
        return default
    return country_code(text) or text[:60]


def country_suggestion(text: object) -> str | None:
    """The code of the known country spelt most like ``text`` (a did-you-mean), or None."""
    names = _countries()
    close = difflib.get_close_matches(_country_key(str(text)), [k for k in names if len(k) > 3], n=1, cutoff=0.75)
    return names[close[0]] if close else None
