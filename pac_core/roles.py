"""The roles of a plan's ``people``: what each one makes pac send, and the job titles that mean it.

pac knows two roles. A **manager** receives every alert of the plan (the team's actions late or done, the axes
behind their pace, the advisor's recommendations, the CRM records refused); a **rep** receives the alerts of the
actions they own. A manager writes their job title (« Sales Manager », « directeur commercial », « VP Sales »):
each title below is read as its role, in English and French, case, accents, hyphens and spaces ignored. Any other
text is kept as written and treated as a rep's (the person gets their own actions' alerts only); ``pac plan check``
warns about it with the nearest title (usplan audit F4: ``role: Sales Manager`` used to pass the check and leave
the manager without a single digest).
"""

from __future__ import annotations

import difflib

from pac_core.text import fold_key

MANAGER = "manager"
REP = "rep"

# canonical role -> (English titles, French titles); matched after fold_key (case, accents, separators ignored)
ROLE_ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    MANAGER: (
        ("sales manager", "director", "sales director", "director of sales", "head of sales", "vp sales",
         "vp of sales", "vp, sales", "vice president sales", "vice president of sales", "chief sales officer",
         "cso", "chief revenue officer", "cro", "sales lead", "team lead", "team leader", "regional manager",
         "regional sales manager", "area manager", "area sales manager", "general manager"),
        ("responsable", "responsable commercial", "responsable commerciale", "responsable des ventes",
         "directeur", "directrice", "directeur commercial", "directrice commerciale", "directeur des ventes",
         "directrice des ventes", "chef des ventes", "cheffe des ventes", "chef de vente", "chef d'équipe",
         "responsable régional", "directeur régional", "directrice régionale", "manager commercial",
         "dirigeant", "dirigeante", "gérant", "gérante"),
    ),
    REP: (
        ("sales rep", "sales representative", "representative", "salesperson", "sales person", "salesman",
         "saleswoman", "sales", "account manager", "key account manager", "kam", "account executive", "ae",
         "sales engineer", "field sales", "inside sales", "business developer", "business development"),
        ("commercial", "commerciale", "technico-commercial", "technico-commerciale", "attaché commercial",
         "attachée commerciale", "ingénieur commercial", "ingénieure commerciale", "ingénieur d'affaires",
         "ingénieure d'affaires", "chargé d'affaires", "chargée d'affaires", "vendeur", "vendeuse",
         "itinérant", "sédentaire", "représentant", "représentante"),
    ),
}


def _key(text: str) -> str:
    return fold_key(text.replace(",", " "))


_LOOKUP = {_key(title): role for role, (en, fr) in ROLE_ALIASES.items() for title in (role, *en, *fr)}


def canonical_role(text: str) -> str | None:
    """``manager`` or ``rep`` for any title of the vocabulary (« Sales Manager » -> manager), None for an empty
    role or a title pac does not know."""
    return _LOOKUP.get(_key(text)) if text.strip() else None


def normalise_role(text: str) -> str:
    """The canonical role of a known title; any other text as written (stripped): the person is then a rep."""
    return canonical_role(text) or text.strip()


def nearest_role(text: str, language: str) -> tuple[str, str] | None:
    """(title, its role) of the known title nearest to ``text``, the plan language's titles first; None when
    none is near."""
    for lang in (language, *(other for other in ("en", "fr") if other != language)):
        keyed: dict[str, str] = {}     # folded title -> title as written (the first one folding so)
        for role, (en, fr) in ROLE_ALIASES.items():
            for title in (role, *(en if lang == "en" else fr)):
                keyed.setdefault(_key(title), title)
        close = difflib.get_close_matches(_key(text), list(keyed), n=1, cutoff=0.7)
        if close:
            return keyed[close[0]], _LOOKUP[close[0]]
    return None


def role_warning(role: str, language: str) -> str | None:
    """What ``pac plan check`` says of a person's role pac does not know (None for a known or empty one)."""
    if not role.strip() or canonical_role(role) is not None:
        return None
    near = nearest_role(role, language)
    if language == "fr":
        hint = f"vouliez-vous dire {near[0]!r} ({near[1]}) ? " if near else ""
        return (f"le rôle {role!r} n'est pas un rôle connu de pac : cette personne ne recevra que les alertes de ses "
                f"propres actions, comme un commercial ({hint}écrivez role: manager pour recevoir toutes les "
                "alertes du plan — actions de l'équipe en retard, axes en retard, conseils — ou role: rep ; "
                "docs/plan-format.md)")
    hint = f"did you mean {near[0]!r} ({near[1]})? " if near else ""
    return (f"role {role!r} is not one pac knows: this person will get only their own actions' alerts, as a rep "
            f"({hint}write role: manager to get every alert of the plan — the team's late actions, axes behind, "
            "the advisor's recommendations — or role: rep; docs/plan-format.md)")
