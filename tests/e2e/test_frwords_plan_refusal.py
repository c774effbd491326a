"""A French plan (``language: fr``) that does not load is refused in French (audit frwords): ``pac plan check`` and
``pac sync --lang fr`` on broken copies of config/plans/example.pac.yaml printed « plan.year: must be a whole
number, not 'deux-mille' (write a number such as 5) » and « ✗ … is not a valid plan: 1 problem » to a French sales
manager. Each line keeps its place (file:line, the plan file's key) and says the problem and the fix in French,
with the house's console typography (a plain space before « : », « ; », « ? »; the values written between « »);
the YAML parser's own words and the plan file's keys stay as written. The same problems in an English plan read
byte for byte as before. Expected lines written by hand in /tmp/audits/frwords/EXPECTED.md (sections A and B)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from connectors.hubspot.mapping import default_mapping_path
from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
HS_MAPPING = default_mapping_path()

# broken copy: (how the example is changed, the French problem line after « FILE:LINE »)
BROKEN = {
    "year": (lambda s: s.replace("  year: 2027\n", "  year: deux-mille\n", 1),
             ":13 plan.year : doit être un nombre entier, pas « deux-mille » (écrivez un nombre, par exemple 5)"),
    "kind": (lambda s: s.replace("    kind: horizontale  ", "    kind: diagonale    ", 1),
             ":35 segments[0].kind : type de segment inconnu « diagonale » (vouliez-vous dire « horizontale » ? "
             "(valeurs possibles : horizontale, verticale, mixte))"),
    "mapping": (lambda s: s.replace("segments:\n", "segments:\n  - oops\n", 1),
                ":33 segments[0] : doit être un bloc de lignes clé: valeur, pas « oops » (écrivez des lignes "
                "'clé: valeur' indentées en dessous)"),
    "timezone": (lambda s: s.replace("  timezone: Europe/Paris", "  timezone: Europe/Lutece", 1),
                 ":14 plan.timezone : fuseau horaire inconnu « Europe/Lutece » (utilisez un nom IANA, par exemple "
                 "Europe/Paris)"),
    "syntax": (lambda s: s + "\n  : [\n",
               # (the words of audit opsmap's indentation slip, since 8 Dec 2026, in French)
               ":373 erreur de syntaxe YAML : cette ligne est indentée de 2 espaces, la clé au-dessus (ligne 364) "
               "de 4 (indentez-la de 4 espaces comme la clé au-dessus, ou de moins pour fermer ce bloc : les clés "
               "d'un même bloc commencent à la même colonne)"),
    "unknown_key": (lambda s: s.replace("  language: fr\n", "  language: fr\n  colour: bleu\n", 1),
                    ":17 plan.colour : clé inconnue « colour » (clés connues : currency, date_order, "
                    "fiscal_calendar, id, language, name, period, timezone, year)"),
    "missing": (lambda s: s.replace("  year: 2027\n", "", 1),
                ":11 plan.year : clé obligatoire absente (ajoutez year:)"),
    "segment": (lambda s: s.replace("    segment: S-RA\n", "    segment: S-XX\n", 1),
                ":100 axes[0].segment : le segment « S-XX » n'existe pas (utilisez l'un de : S-AGRO, S-GC, S-IDF, "
                "S-PHARMA, S-RA, S-SO)"),
    "who": (lambda s: s.replace("    who: julie.martin@durand-process.example\n",
                                "    who: jules.martin@durand-process.example\n", 1),
            ":190 actions[0].who : jules.martin@durand-process.example n'est pas parmi les personnes du plan "
            "(ajoutez-la sous people, ou corrigez l'orthographe)"),
    "count": (lambda s: s.replace("what: {activity: visite, count: 5, counting", "what: {activity: visite, count: 0, "
                                  "counting", 1),
              ":191 actions[0].what.count : le nombre visé doit être positif, pas 0 (dites combien, par exemple 5)"),
    "margin": (lambda s: s.replace("margin_rate: 0.35", "margin_rate: 1.5", 1),
               ":106 axes[0].objective.margin_rate : le taux de marge est une part entre 0 et 1 (écrivez 0.35 pour "
               "35 %)"),
    "budget": (lambda s: s.replace("budget: 12000", "budget: -5", 1),
               ":118 axes[1].objective.budget : budget ne peut pas être négatif (corrigez le chiffre)"),
    "who_name": (lambda s: s.replace("    who: julie.martin@durand-process.example\n", "    who: Julie Martin\n", 1),
                 ":190 actions[0].who : « Julie Martin » n'est pas une adresse e-mail (vouliez-vous dire "
                 "julie.martin@durand-process.example, l'e-mail de Julie Martin sous people ? identifiez les "
                 "personnes par leur e-mail)"),
    "week": (lambda s: s.replace('    when: "semaine 18"\n', '    when: "semaine 99"\n', 1),
             ":192 actions[0].when : la semaine 99 n'existe pas en 2027 (2027 a 52 semaines ISO ; écrivez de "
             "semaine 1 à semaine 52)"),
}


def _env(settings: Path | None = None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    return {**base, "PAC_CONFIG": str(settings)} if settings else base


def _broken(tmp: Path, name: str, *, english: bool = False) -> Path:
    text = BROKEN[name][0](EXAMPLE)
    assert text != EXAMPLE + "" or name == "syntax"
    if english:
        text = text.replace("  language: fr\n", "  language: en\n", 1)
    path = tmp / f"{name}.pac.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_plan_check_refuses_a_french_plan_in_french(tmp_path: Path, name: str) -> None:
    plan = _broken(tmp_path, name)
    done = run_pac("plan", "check", str(plan), env=_env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines == [f"{plan}{BROKEN[name][1]}", f"✗ {plan} n'est pas un plan valide : 1 problème"]


def test_two_problems_are_counted_in_french(tmp_path: Path) -> None:
    plan = tmp_path / "two.pac.yaml"
    plan.write_text(EXAMPLE.replace("    kind: horizontale  ", "    kind: diagonale    "), encoding="utf-8")
    done = run_pac("plan", "check", str(plan), env=_env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert done.stdout.splitlines()[-1] == f"✗ {plan} n'est pas un plan valide : 2 problèmes"


def test_a_missing_french_plan_file_is_said_in_english(tmp_path: Path) -> None:
    """A file that is not there has no language: English, as before (nothing tells pac the plan is French)."""
    missing = tmp_path / "absent.pac.yaml"
    done = run_pac("plan", "check", str(missing), env=_env(), cwd=tmp_path, timeout=120)
    assert done.stdout.splitlines() == [f"file not found: {missing} (check the path)",
                                        f"✗ {missing} is not a valid plan: 1 problem"]


@pytest.mark.parametrize("name", ["year", "kind", "unknown_key", "who", "week"])
def test_an_english_plan_is_refused_as_before(tmp_path: Path, name: str) -> None:
    """The English lines, byte for byte as before this audit (captured on main, /tmp/audits/frwords)."""
    plan = _broken(tmp_path, name, english=True)
    done = run_pac("plan", "check", str(plan), env=_env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    out = done.stdout
    assert " : " not in out and "n'est pas un plan valide" not in out
    assert out.splitlines()[-1] == f"✗ {plan} is not a valid plan: 1 problem"
    english = {"year": ":13 plan.year: must be a whole number, not 'deux-mille' (write a number such as 5)",
               "kind": ":35 segments[0].kind: unknown segment kind 'diagonale' (did you mean 'horizontale'? (one of: "
                       "horizontal, vertical, mixed))",
               "unknown_key": ":17 plan.colour: unknown key 'colour' (known keys: currency, date_order, "
                              "fiscal_calendar, id, language, name, period, timezone, year)",
               "who": ":190 actions[0].who: jules.martin@durand-process.example is not in the plan's people (add "
                      "them under people, or fix the spelling)",
               "week": ":192 actions[0].when: week 99 does not exist in 2027 (2027 has 52 ISO weeks; write week 1 "
                       "to week 52)"}
    assert out.splitlines()[0] == f"{plan}{english[name]}"


def _settings(tmp: Path, plan: Path) -> Path:
    settings = tmp / "pac.yaml"
    settings.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n"
        f"  - {{name: hs-audit, crm: hubspot, mapping: '{HS_MAPPING}', env_prefix: PAC_HS_}}\n"
        f"plans:\n  - {{name: audit, file: '{plan}', connectors: [hs-audit]}}\n",
        encoding="utf-8")
    return settings


def test_a_french_night_refuses_the_plan_in_french(tmp_path: Path) -> None:
    """``pac sync --lang fr``: the plan's problems as ``pac plan check`` words them in French, exit 2 as before;
    ``pac sync`` (English, the default) as before."""
    plan = _broken(tmp_path, "year")
    settings = _settings(tmp_path, plan)
    done = run_pac("sync", "--lang", "fr", env=_env(settings), cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    refused = [line for line in done.stderr.splitlines() if line.startswith(str(plan))]
    assert refused == [f"{plan}{BROKEN['year'][1]}"]
    assert not re.search(r"must be|write a number", done.stderr)
    english = run_pac("sync", env=_env(settings), cwd=tmp_path, timeout=120)
    assert english.returncode == 2
    assert [line for line in english.stderr.splitlines() if line.startswith(str(plan))] == [
        f"{plan}:13 plan.year: must be a whole number, not 'deux-mille' (write a number such as 5)"]


def test_every_plain_error_of_the_loader_has_its_french() -> None:
    """A plain error added to ``pac_config.loader.PLAIN_ERRORS`` without its French would reach a French plan in
    English."""
    from pac_config.loader import PLAIN_ERRORS
    from sync_jobs.plan_refusal import _PLAIN_FR
    assert set(PLAIN_ERRORS) == set(_PLAIN_FR)
    assert all(set(re.findall(r"\{\w+\}", PLAIN_ERRORS[k][i])) == set(re.findall(r"\{\w+\}", _PLAIN_FR[k][i]))
               for k in PLAIN_ERRORS for i in (0, 1) if k not in ("too_short",))


def test_the_french_status_of_the_refused_night_is_french(tmp_path: Path) -> None:
    """The night refused is kept as a failed run with the file's problems (English, the run log's): ``pac status
    --lang fr`` lists it in French, the problems as ``pac plan check`` words them; ``pac status`` as kept."""
    from sync_jobs.store import open_store

    plan = _broken(tmp_path, "year")
    settings = _settings(tmp_path, plan)
    open_store(f"sqlite:///{tmp_path / 'pac.db'}").dispose()     # a store the nights already use
    assert run_pac("sync", "--lang", "fr", env=_env(settings), cwd=tmp_path, timeout=120).returncode == 2
    done = run_pac("status", "--lang", "fr", env=_env(settings), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = " ".join(done.stdout.split())
    assert (f"Problèmes de la dernière exécution (1) : - fichier du plan non chargé : {plan}{BROKEN['year'][1]}. La "
            "synchronisation de cette nuit n'a pas eu lieu : rien n'a été lu dans les CRM ni écrit (ils gardent les "
            "valeurs de la dernière exécution) et aucun instantané n'a été pris. Corrigez le fichier (`pac plan check "
            f"{plan}` nomme chaque problème), puis lancez `pac sync --plan audit` ou laissez la prochaine nuit "
            "s'exécuter") in out, out
    english = " ".join(run_pac("status", env=_env(settings), cwd=tmp_path, timeout=120).stdout.split())
    assert f"- plan file not loaded: {plan}:13 plan.year: must be a whole number, not 'deux-mille'" in english


def test_several_problems_kept_are_each_said_in_french(tmp_path: Path) -> None:
    """The failed night's line names the file's first problems, « ; »-joined: each read back and said in French,
    a fix holding « ; » of its own (the week's) included."""
    from types import SimpleNamespace

    from pac_config.planfile import load_plan
    from pac_core.errors import InvalidInput
    from sync_jobs.failed_plan import failed_plan_words
    from sync_jobs.notice_words import notice_words

    plan = tmp_path / "many.pac.yaml"
    plan.write_text(BROKEN["week"][0](BROKEN["year"][0](EXAMPLE)).replace("    kind: horizontale  ",
                                                                        "    kind: diagonale    "), encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        load_plan(plan)
    line = failed_plan_words(SimpleNamespace(file=plan, key="audit"), refused.value)  # type: ignore[arg-type]
    french = notice_words(line, "fr")
    problems = french.removeprefix("fichier du plan non chargé : ").split(". La synchronisation")[0]
    kind, bare = BROKEN["kind"][1], str(plan)[1:]
    assert problems.split(" ; /") == [
        f"{plan}{BROKEN['year'][1]}", f"{bare}{kind}", f"{bare}{kind.replace(':35 segments[0]', ':55 segments[2]')}",
        f"{bare}{BROKEN['week'][1]}"], french


def test_a_renamed_french_plan_is_refused_in_french(tmp_path: Path) -> None:
    """The plan renamed with no ``id:`` (``check_name_kept``): ``pac plan check`` says in French that the night will
    refuse it, and the refusal's problem reads in French (audit planlife F4's words, said in the plan's language)."""
    from datetime import UTC, datetime

    from pac_config.planfile import load_plan
    from pac_config.settings import load_settings
    from pac_core.errors import InvalidInput
    from sync_jobs.pipeline import run_sync
    from sync_jobs.plan_identity import stored_period_warning
    from sync_jobs.plan_refusal import problem_words
    from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

    settings = load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}"), env={})
    file = Path(settings.plan(None).file)
    file.write_text(file.read_text(encoding="utf-8").replace("  language: en\n", "  language: fr\n", 1),
                    encoding="utf-8")
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"),
            visit("v1", "u1", "a1", datetime(2027, 5, 4, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    file.write_text(file.read_text(encoding="utf-8").replace('  name: "Test plan"\n', '  name: "Test plan — Durand"\n'),
                    encoding="utf-8")
    settings = load_settings(Path(settings.source), env={})
    plan = load_plan(file)
    assert plan.language == "fr"
    warning = stored_period_warning(plan, file, settings, "fr")
    assert warning == (
        "pac sync refusera ce plan : plan « test-plan-durand » : ce fichier a été synchronisé comme le plan "
        "« test-plan » (version 1, nommé « Test plan ») et n'écrit pas d'id:, donc son nouveau nom « Test plan — "
        "Durand » en fait un nouveau plan, « test-plan-durand » : le synchroniser écrirait dans les CRM une seconde "
        f"copie de ses {len(plan.axes)} axes et {len(plan.actions)} actions à côté de ceux de test-plan, qui "
        "resteraient tels quels, et laisserait derrière lui les instantanés, les modifications CRM et l'historique "
        "de test-plan (pour garder le plan sous son nouveau nom, écrivez  id: test-plan  sous plan: dans le fichier ; "
        "pour commencer exprès un nouveau plan, écrivez son propre id: (test-plan-durand))")
    with pytest.raises(InvalidInput) as refused:
        run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(), evaluator=fake_evaluate)
    assert problem_words(refused.value.problems[0], "fr").endswith("(test-plan-durand) ; rien n'a été écrit)")
