"""``pac config check`` and ``pac crm check | provision``: mappings and the CRM schema, for ops staff.

Exit codes: 0 ok, 2 problems in the mapping (every one printed as ``file:line key: problem (fix)``)
or in the CRM schema, 4 CRM unreachable or credentials refused. Credentials come from the
environment (``PAC_SF_*``, ``PAC_HS_*``, see docs/salesforce.md); ``--sandbox`` starts the local
sandbox CRM and points the command at it, for a try-out with no account anywhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from connectors import registry
from connectors.base import ConnectorError
from pac_config.loader import Document, load_yaml
from pac_config.planfile import load_plan, plans_language
from pac_config.settings import default_settings_path, load_settings
from pac_core.errors import InvalidInput, Problem
from pac_core.plan import Plan
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import textsafe
from sync_jobs.cli_plan import check_command
from sync_jobs.coverage import unmapped_custom, unmeasured
from sync_jobs.crm_exit import crm_error_words, crm_exit_code
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_CRM
from sync_jobs.logs import redact, register_secret
from sync_jobs.secrets import connector_env
from sync_jobs.store.db import check_url

CRMS = tuple(registry.CRMS)


def _console(stderr: bool = False) -> Console:
    return textsafe.console(stderr=stderr, soft_wrap=True)


def _crm_of(doc: Document) -> str:
    """The ``crm:`` of a parsed mapping file."""
    crm = doc.data.get("crm") if hasattr(doc.data, "get") else None
    if crm not in CRMS:
        raise InvalidInput(Problem("crm", f"unknown or missing crm {crm!r}", "write crm: salesforce or crm: hubspot",
                                   file=doc.file, line=doc.line(("crm",))))
    return str(crm)


def _default_mapping(crm: str, sandbox: bool) -> Path:
    return registry.crm_spec(crm).mapping_path(sandbox=sandbox)


def left_out_fields(doc: Document, crm: str) -> list[str]:
    """Warnings (never failures) for the logical fields the shipped mapping of ``crm`` writes (``writeback.<target>.
    fields``) that the mapping ``doc`` leaves out: a mapping copied from an older default (before ``plan_end``)
    never fills them, and nothing else says so. Each names the file, line, key path and the line to add."""
    shipped_path = _default_mapping(crm, sandbox=False)
    if Path(doc.file).resolve() == shipped_path.resolve():
        return []
    shipped, mine = load_yaml(shipped_path).data, doc.data
    out: list[str] = []
    for target, section in ((shipped or {}).get("writeback") or {}).items():
        wanted = section.get("fields") if isinstance(section, Mapping) else None
        if not isinstance(wanted, Mapping):
            continue
        written = ((mine.get("writeback") or {}).get(target) or {}) if isinstance(mine, Mapping) else {}
        have = written.get("fields") if isinstance(written, Mapping) else None
        if not isinstance(written, Mapping) or not written or not isinstance(have, Mapping):
            continue    # this mapping writes no such record, or its fields are broken (a problem of its own)
        key = f"writeback.{target}.fields"
        for logical, field in wanted.items():
            if logical not in have:
                line = doc.line(("writeback", target, "fields"))
                out.append(f"{doc.file}:{line} {key}: leaves out {logical}, which the shipped mapping "
                           f"({shipped_path.name}) writes, so pac never fills it: add `{key}.{logical}: {field}` "
                           f"(the line `{logical}: {field}` under {key})")
    return out


def _print_left_out(warnings: Sequence[str]) -> None:
    for warning in warnings:
        _console().print(textsafe.text(f"warning: {warning}", style="yellow"))


def _warn_left_out(mapping: Path, crm: str) -> None:
    """``pac crm check``: the shipped fields ``mapping`` leaves out (``left_out_fields``), said before its check; a
    mapping that cannot be read is reported by the check itself."""
    with contextlib.suppress(InvalidInput, OSError):
        _print_left_out(left_out_fields(load_yaml(mapping), crm))


SANDBOX_FRESH = "sandbox CRM started fresh: nothing provisioned yet"


@contextlib.contextmanager
def _environment(sandbox: bool, crm: str, *, provisioned: bool = False) -> Iterator[dict[str, str]]:
    """The environment a command builds its connector from: the process's own over the secrets file's
    (``connector_env``: every form of ``config check --online``, ``crm check`` and ``crm provision`` reads the file, not
    only those building the settings' connectors), or with ``sandbox`` a local sandbox CRM for the one ``crm``, stopped
    when the block ends.

    ``pac crm check`` and ``pac crm provision`` both get a fresh, unprovisioned sandbox (``provisioned``
    False, the default: standard objects and properties only, no PAC object, field, property group or
    permission set), so the check lists what provisioning would create; each invocation starts its own
    sandbox, so a check after provisioning must run in the same command (``provision`` does it).
    ``pac config check --online`` gets one with the PAC objects provisioned: it checks the mapping, not
    the provisioning.
    """
    if not sandbox:     # the secrets file (PAC_SECRETS_FILE) under it, its credentials registered for redaction
        yield connector_env()
        return
    # HubSpot: the mapping check needs no PAC property, the same portal either way
    api: Any = SalesforceApi(None, provisioned=provisioned) if crm == "salesforce" else HubSpotApi(None)
    server = SandboxServer([api]).start()
    attach = getattr(api, "attach", None)
    if callable(attach):
        attach(server)
    try:
        yield {**os.environ, **sandbox_env(server)}
    finally:
        server.stop()


def _build(crm: str, mapping: Path, env: dict[str, str]) -> Any:
    return _secrets_registered(registry.build(crm, _file_connector(crm, mapping), mapping, env))


def _file_connector(crm: str, mapping: Path) -> str:
    """The name of a connector a command builds from a mapping file, not from the settings (``config check MAPPING
    --online``, ``crm check --crm``, ``crm provision --mapping``): the file, as given or under this directory, and
    its CRM, which its messages lead with (audit newcomer F11: they said "salesforce-cli", a connector no settings
    name)."""
    try:
        shown = mapping.resolve().relative_to(Path.cwd()) if mapping.is_absolute() else mapping
    except ValueError:
        shown = mapping
    return f"{shown} ({crm})"


def _secrets_registered(connector: Any) -> Any:
    for secret in connector.secrets():
        register_secret(secret)
    return connector


def _plan_language() -> str:
    """The language of the configured plans when they share one (``fr`` or ``en``), else English."""
    try:
        files = [p.file for p in load_settings().plans]
    except Exception:   # no usable settings here: provisioning still works, in English
        return "en"
    return plans_language(files)


def _fail_crm(exc: Exception) -> None:
    """A CRM error that stops the command, with its code in the table (``crm_exit_code``: 2 for a request the CRM
    refused as invalid, 5 for the quota, 4 for the rest; audit secrets2: a HubSpot 400 exited 4)."""
    _console(stderr=True).print(textsafe.text(redact(crm_error_words(exc, "CRM error")), style="red"))
    sys.exit(crm_exit_code(exc) or EXIT_CRM)


def _print_problems(problems: list[Problem], path: Path) -> None:
    console = _console()
    for problem in problems:
        console.print(textsafe.text(str(problem), style="red"))
    console.print(textsafe.text(f"{len(problems)} problem(s) in {path}", style="bold red"))


EMPTY_FIX = ("a field mapping starts with 'crm: salesforce' or 'crm: hubspot' (copy config/mappings/*.default.yaml); "
             "the settings file with 'connectors:' and 'plans:' (copy config/pac.yaml)")


def _is_settings(doc: Document) -> bool:
    """The settings file (pac.yaml): ``connectors:`` or ``plans:`` at the top, no ``crm:``."""
    data = doc.data
    return isinstance(data, dict) and "crm" not in data and bool({"connectors", "plans"} & set(data))


def _is_plan(doc: Document) -> bool:
    """A plan file: a ``plan:`` header at the top, no ``crm:``."""
    data = doc.data
    return isinstance(data, dict) and "crm" not in data and isinstance(data.get("plan"), dict)


def _check_settings(path: Path, *, online: bool = False, sandbox: bool = False) -> None:
    """The settings file, then every mapping and plan it names, offline: every problem at once, each in its file;
    with ``online``, then every connector's mapping against its CRM (credentials under the connector's prefix)."""
    try:
        settings = load_settings(path, env={})
    except InvalidInput as exc:
        _print_problems(exc.problems, path)
        sys.exit(EXIT_BAD_INPUT)
    problems: list[Problem] = []
    if settings.database_url is not None:   # the file's value (PAC_DATABASE_URL is not read here)
        try:
            check_url(settings.database_url)
        except InvalidInput as exc:
            line = load_yaml(path).line(("database_url",))
            problems += [Problem("database_url", p.message, p.fix, file=str(path), line=line) for p in exc.problems]
    mappings: dict[str, tuple[str, str, Any]] = {}
    docs: dict[str, Document] = {}
    warnings: list[str] = []
    for connector in settings.connectors:
        try:
            doc = load_yaml(connector.mapping)
            spec = registry.crm_spec(_crm_of(doc))
            parsed, found = spec.parse_mapping(doc)
            problems += found
            if not found:
                warnings += left_out_fields(doc, connector.crm) + spec.mapping_warnings(doc, parsed)
            mappings[connector.name] = (connector.name, connector.crm, parsed)
            docs[connector.name] = doc
        except InvalidInput as exc:
            problems += exc.problems
    plans: list[tuple[Any, Plan]] = []     # (the settings' entry, its plan), read once
    for plan in settings.plans:
        try:
            loaded = load_plan(plan.file)
        except InvalidInput as exc:
            problems += [p if p.file else dataclasses.replace(p, file=str(plan.file)) for p in exc.problems]
            continue
        plans.append((plan, loaded))
        warnings += [f"{plan.file}: {w}" for w in unmeasured(loaded, [mappings[n] for n in plan.connectors
                                                                         if n in mappings])]
        for refused, problem in unmapped_custom(loaded, plan.file, [mappings[n] for n in plan.connectors
                                                                    if n in mappings]):
            if refused:         # a scope no account can ever be in: the figures it decides would be 0, silently
                problems.append(problem)
            else:
                warnings.append(str(problem))
    if problems:
        _print_problems(problems, path)
        sys.exit(EXIT_BAD_INPUT)
    if online:
        for cfg in settings.connectors:
            values = _scope_values(settings, Path(cfg.mapping), plans)
            problems += _online_problems(cfg, mappings[cfg.name][2], docs[cfg.name], sandbox, values)
        if problems:
            _print_problems(problems, path)
            sys.exit(EXIT_BAD_INPUT)
    for warning in warnings:
        _console().print(textsafe.text(f"warning: {warning}", style="yellow"))
    n, m = len(settings.connectors), len(settings.plans)
    checked = ("their mappings checked against their CRMs, their plans too" if online else
               "their mappings and plans checked too, offline: add --online to check each mapping against its CRM")
    _console().print(textsafe.text(
        f"{path}: settings OK ({n} connector{'s' if n != 1 else ''}, {m} plan{'s' if m != 1 else ''}; {checked})",
        style="green"))


def _checked_online(spec: Any, connector: Any, parsed: Any, doc: Document, mapping: Path, sandbox: bool,
                    scope_values: Mapping[str, list[tuple[str, str]]]) -> list[Problem]:
    """A mapping's problems against its CRM (``connector``, closed after), and what the connector will do with the
    CRM beyond its fields, printed when the mapping is clean (Salesforce: which exchange rates; HubSpot: the
    dropdowns read as their labels, and the plans' scope values none of them has)."""
    try:
        if sandbox and spec.name == "hubspot":
            # the sandbox portal starts with nothing of pac's: provisioned here (the Salesforce sandbox org starts
            # provisioned), so the check is of the mapping, as against a provisioned portal
            connector.provision_schema()
        problems: list[Problem] = spec.check_mapping_online(parsed, connector, doc)
        notes = getattr(connector, "online_notes", None)
        for note in notes(scope_values) if callable(notes) and not problems else ():
            style = "yellow" if note.startswith("warning: ") else ""
            _console().print(textsafe.text(f"{mapping}: {note}", style=style))
        return problems
    finally:
        connector.close()


def _online_problems(cfg: Any, parsed: Any, doc: Document, sandbox: bool,
                     scope_values: Mapping[str, list[tuple[str, str]]]) -> list[Problem]:
    """One configured connector's mapping checked against its CRM, with the credentials under its own prefix (or a
    local sandbox CRM's), beside the plans' ``scope_values`` (``_scope_values``); a CRM error stops the command
    (exit 4)."""
    spec = registry.crm_spec(cfg.crm)
    with _environment(sandbox, cfg.crm, provisioned=True) as base:
        env = _sandbox_env_for(cfg, base) if sandbox else base
        try:
            connector = _secrets_registered(registry.connect(cfg.crm, cfg.name, parsed, env, prefix=cfg.prefix))
            return _checked_online(spec, connector, parsed, doc, Path(cfg.mapping), sandbox, scope_values)
        except InvalidInput as exc:      # the connector's own configuration (its credential variables)
            named = [p if p.path.startswith(cfg.name) else dataclasses.replace(p, path=f"{cfg.name} {p.path}".strip())
                     for p in exc.problems]
            return named
        except ConnectorError as exc:
            _fail_crm(exc)
            return []


def fiscal_period(plan: Plan) -> str:
    """``2027-01-31..2028-01-29`` (the plan's local days), with ``|`` and its declared quarters' first days when it
    has a ``fiscal_calendar`` (``connectors.salesforce.fiscal.fiscal_notes`` reads it)."""
    zone = ZoneInfo(plan.timezone)
    first = plan.period.start.astimezone(zone).date()
    last = (plan.period.end.astimezone(zone) - timedelta(microseconds=1)).date()
    declared = ",".join(a.isoformat() for a, _ in plan.period.quarters)
    return f"{first.isoformat()}..{last.isoformat()}" + (f"|{declared}" if declared else "")


SCOPE_VALUE_OPS = frozenset({"in", "not_in"})


def _plan_scope_values(mapping: Path) -> dict[str, list[tuple[str, str]]]:
    """``_scope_values`` of the configured settings (``PAC_CONFIG``, else the shipped file), for ``pac config check
    MAPPING``: empty when no usable settings name this mapping (the check of a mapping never fails for want of
    them)."""
    try:
        settings = load_settings(os.environ.get("PAC_CONFIG") or default_settings_path())
        return _scope_values(settings, mapping, [(ref, load_plan(ref.file)) for ref in settings.plans])
    except Exception:   # no usable settings or plan here (reported by their own checks): nothing to compare
        return {}


def _scope_values(settings: Any, mapping: Path, plans: Sequence[tuple[Any, Plan]]) -> dict[str, list[tuple[str, str]]]:
    """The values the plans' scopes test on the fields a CRM reads from a list of options (``industry``,
    ``account_type``, ``custom.<name>``; a deal line's ``product_family``, and ``product``, which may name one), for
    the plans (settings entry, plan) that read through a connector using ``mapping``: scope field -> (where, value);
    and under ``currency`` each such plan's currency (its file, the currency), which a multi-currency Salesforce org
    must have to take the axes' amounts; under ``fiscal_period`` each plan's period and declared quarters
    (``fiscal_period``), which a Salesforce org compares with its own."""
    out: dict[str, list[tuple[str, str]]] = {}
    mine = {c.name for c in settings.connectors if Path(c.mapping).resolve() == mapping.resolve()}
    for ref, plan in plans:
        if not mine & set(ref.connectors):
            continue
        out.setdefault("currency", []).append((str(ref.file), plan.currency))
        out.setdefault("fiscal_period", []).append((str(ref.file), fiscal_period(plan)))
        try:        # the plan's lines, to locate each value as `pac plan check` locates its problems
            doc: Document | None = load_yaml(ref.file)
        except (InvalidInput, OSError):
            doc = None
        scoped = [*(("segment", x.id, ("segments", i, "scope"), x.scope) for i, x in enumerate(plan.segments)),
                  *(("axis", x.id, ("axes", i, "scope"), x.scope) for i, x in enumerate(plan.axes)),
                  *(("action", x.id, ("actions", i, "what", "scope"), x.scope) for i, x in enumerate(plan.actions))]
        tested = [(_located(ref.file, doc, at, c.field) + f" {kind} {ident} scope.{c.field}", c)
                  for kind, ident, at, scope in scoped for c in scope.conditions
                  if c.op in SCOPE_VALUE_OPS and (c.field in ("industry", "account_type", "product_family", "product")
                                                  or c.field.startswith("custom."))]
        for where, c in tested:
            out.setdefault(c.field, []).extend((where, str(v)) for v in c.values)
    return out


def _located(file: Path | str, doc: Document | None, at: tuple[str | int, ...], field: str) -> str:
    """``file:line`` of a scope condition on ``field`` at ``at`` in a plan (its scope's line when the field is
    written otherwise, e.g. under ``not:``); the file alone when the plan cannot be read again."""
    if doc is None:
        return str(file)
    path: tuple[str | int, ...] = (*at, field)
    line = doc.line(path) if _has(doc, path) else doc.line(at)
    return f"{file}:{line}" if line is not None else str(file)


def _has(doc: Document, path: tuple[str | int, ...]) -> bool:
    node: Any = doc.data
    for part in path:
        found = (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)
                                                               and 0 <= part < len(node))
        if not found:
            return False
        node = node[part]
    return True


@click.command("check")
@click.argument("mapping", metavar="[FILE]", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--online", is_flag=True, help="Also check against the CRM's describe() (credentials from the "
                                             "environment or the file PAC_SECRETS_FILE names).")
@click.option("--sandbox", is_flag=True, help="Check online against the local sandbox CRM (implies --online).")
def config_check(mapping: Path | None, online: bool, sandbox: bool) -> None:
    """Validate a field mapping, or the settings file (pac.yaml) with the mappings and plans it names: every
    problem at once, with file, line, key and fix. Without FILE: the settings pac sync reads, $PAC_CONFIG, else
    the shipped config/pac.yaml.

    A plan file is checked as `pac plan check` does."""
    # the docs write `pac config check --online` with no file: it was « Missing argument 'FILE' » (audit readmewalk)
    mapping = mapping or Path(os.environ.get("PAC_CONFIG") or default_settings_path())
    online = online or sandbox      # --sandbox alone was ignored: the check ran offline and said nothing of it
    try:
        doc = load_yaml(mapping)   # the one parse: the crm, the offline problems, the connector, the problems' lines
        if doc.data is None or doc.data == {}:
            raise InvalidInput(Problem("", "the file is empty", EMPTY_FIX, file=str(mapping)))
        if _is_settings(doc):
            _check_settings(mapping, online=online, sandbox=sandbox)
            return
        if _is_plan(doc):     # a plan of config/plans/: checked as `pac plan check` does (it was "missing crm None")
            _console().print(textsafe.text(f"{mapping} is a plan file: checked as `pac plan check {mapping}` does"))
            click.get_current_context().invoke(check_command, file=mapping)
            return
        crm = _crm_of(doc)
    except InvalidInput as exc:
        _print_problems(exc.problems, mapping)
        sys.exit(EXIT_BAD_INPUT)
    spec = registry.crm_spec(crm)
    parsed, problems = spec.parse_mapping(doc)
    if not problems and online:
        with _environment(sandbox, crm, provisioned=True) as env:
            try:
                connector = _secrets_registered(registry.connect(crm, _file_connector(crm, mapping), parsed, env))
                problems = _checked_online(spec, connector, parsed, doc, mapping, sandbox, _plan_scope_values(mapping))
            except ConnectorError as exc:
                _fail_crm(exc)
    if problems:
        _print_problems(problems, mapping)
        sys.exit(EXIT_BAD_INPUT)
    _print_left_out(left_out_fields(doc, crm) + spec.mapping_warnings(doc, parsed))
    _console().print(textsafe.text(f"{mapping}: mapping OK ({crm}{', checked against the CRM' if online else ''})",
                          style="green"))


def _print_issues(crm: str, issues: list[Any], title: str) -> None:
    table = Table("object", "field", "problem", "fix", title=f"{crm}: {len(issues)} {title}")
    for issue in issues:
        table.add_row(*(textsafe.text(cell) for cell in (issue.object, issue.field or "", issue.problem, issue.fix)))
    _console().print(table)


def _plan_connectors(plan_ref: str | None) -> list[Any]:
    """The connectors ``pac crm check`` checks when no --crm is given: those of the plan (``--plan``), else of
    every plan in the settings (``PAC_CONFIG``, else the shipped ``config/pac.yaml``), each once, in order."""
    settings = load_settings(os.environ.get("PAC_CONFIG") or default_settings_path())
    plans = [settings.plan(plan_ref)] if plan_ref else list(settings.plans)
    names = list(dict.fromkeys(name for p in plans for name in p.connectors))
    return [settings.connector(name) for name in names]


def _sandbox_env_for(cfg: Any, env: dict[str, str]) -> dict[str, str]:
    """The sandbox's variables under the connector's own prefix (``PAC_SF_`` -> ``env_prefix``)."""
    default = registry.crm_spec(cfg.crm).env_prefix
    if cfg.prefix == default:
        return env
    return {**env, **{cfg.prefix + k.removeprefix(default): v for k, v in env.items() if k.startswith(default)}}


def _check_one(crm: str, name: str, build: Any, console: Any, who: str | None = None) -> int:
    """Check one connector: 0 when the CRM has everything, 2 when something is missing or its mapping (or
    credential variables) cannot be used or the CRM refused a request as invalid, 5 on the quota, 4 on any other CRM
    error (``crm_exit_code``). ``who``: how its lines name it (default ``NAME (crm)``;
    a connector built from a mapping file is named ``FILE (crm)`` already)."""
    who = who or f"{name} ({crm})"
    try:
        connector = build()
        try:
            issues = connector.check_schema()
            usage = connector.usage()
        finally:
            connector.close()
    except InvalidInput as exc:      # the connector's configuration, read before any call: the others are checked
        for problem in exc.problems:   # "sf-main (salesforce): ...", the name said once
            problem = dataclasses.replace(problem, path="") if problem.path == name else problem
            console.print(textsafe.text(f"{who}: {redact(str(problem))}", style="red"))
        return EXIT_BAD_INPUT
    except ConnectorError as exc:       # its code in the table, as ``_fail_crm``'s
        console.print(textsafe.text(f"{who}: {redact(crm_error_words(exc, 'CRM error'))}", style="red"))
        return crm_exit_code(exc) or EXIT_CRM
    if not issues:
        console.print(textsafe.text(f"{who}: the CRM has every object and field the mapping needs",
                                    style="green"))
    else:
        _print_issues(who, issues, "schema issue(s)")
        console.print(_provision_note(crm, issues))
    if usage.limit:    # grouped by thousands, as `pac sync`'s « 99,972 left today »
        used = f"{usage.used:,}" if usage.used is not None else "unknown"
        console.print(f"{name}: API usage: {used} of {usage.limit:,} today ({usage.calls} call(s) by this check)")
    return EXIT_BAD_INPUT if issues else 0


def _provision_note(crm: str, issues: Sequence[Any]) -> str:
    """The line under ``pac crm check``'s table: what `pac crm provision` fixes of it (a picklist value a Salesforce
    org lacks, a field of another type or a mapped field the CRM lacks are fixed by what their row says)."""
    fixed = sum(1 for i in issues if i.by_provisioning)
    if fixed == len(issues):
        return f"`pac crm provision {crm}` creates the PAC objects and fields listed (`--dry-run` to see them first)"
    if fixed:
        return (f"`pac crm provision {crm}` fixes {fixed} of the {len(issues)} issues (`--dry-run` to see them "
                "first); the others need what their fix says")
    return f"`pac crm provision {crm}` fixes none of these: each needs what its fix says"


@click.command("check")
@click.option("--crm", type=click.Choice(CRMS), default=None,
              help="Check this one CRM with --mapping (default: every connector of the plan in the settings).")
@click.option("--plan", "plan_ref", default=None, help="Only the connectors of this plan (default: every plan's).")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="With --crm: the field mapping file (default: the shipped one).")
@click.option("--sandbox", is_flag=True, help="Use the local sandbox CRM (a try-out, no account).")
def crm_check(crm: str | None, plan_ref: str | None, mapping: Path | None, sandbox: bool) -> None:
    """Report what each CRM lacks for reading its mapping and writing PAC results.

    Without --crm, every connector of the plan (a plan may span Salesforce and HubSpot) is checked with the
    mapping and credentials prefix of its settings. Exit 0 when all are ready, 2 when something is missing,
    4 when a CRM cannot be reached or refuses the credentials (the others are still checked).
    """
    console = _console()
    if sandbox:
        console.print(textsafe.text(SANDBOX_FRESH, style="yellow"))
    codes: list[int] = []
    if crm is not None or mapping is not None:
        if crm is None:
            assert mapping is not None
            crm = _crm_of(load_yaml(mapping))
        the_mapping = mapping or _default_mapping(crm, sandbox)
        _warn_left_out(the_mapping, crm)
        with _environment(sandbox, crm) as env:
            name = _file_connector(crm, the_mapping)
            codes.append(_check_one(crm, name, lambda: _build(crm, the_mapping, env), console, who=name))
    else:
        for cfg in _plan_connectors(plan_ref):
            _warn_left_out(Path(cfg.mapping), cfg.crm)
            with _environment(sandbox, cfg.crm) as env:
                env = _sandbox_env_for(cfg, env) if sandbox else env

                def build(cfg: Any = cfg, env: dict[str, str] = env) -> Any:
                    connector = registry.build(cfg.crm, cfg.name, cfg.mapping, env, prefix=cfg.prefix,
                                               max_daily_share=cfg.max_daily_share)
                    for secret in connector.secrets():
                        register_secret(secret)
                    return connector

                codes.append(_check_one(cfg.crm, cfg.name, build, console))
    worst = EXIT_CRM if EXIT_CRM in codes else max(codes, default=0)
    if worst:
        sys.exit(worst)


@click.command("provision")
@click.argument("target", type=click.Choice(CRMS))
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Field mapping file (default: each configured connector of that CRM, with its own mapping and "
                   "credentials; else the shipped one).")
@click.option("--dry-run", is_flag=True, help="Only say what would be created.")
@click.option("--sandbox", is_flag=True, help="Use the local sandbox CRM (a try-out, no account).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="HubSpot: labels of the PAC objects, properties and options; default: the configured plan's "
                   "language (names and values never change).")
def crm_provision(target: str, mapping: Path | None, dry_run: bool, sandbox: bool, lang: str | None) -> None:
    """Create the PAC objects and fields the CRM lacks (idempotent), then check the CRM again.

    Exit 0 when the check after provisioning is clean; 2 when something is still missing (each item
    printed with its fix, e.g. properties the mapping reads, which are the CRM's own and never created).
    """
    console = _console()
    if sandbox:
        console.print(textsafe.text(SANDBOX_FRESH, style="yellow"))
    configured = [] if mapping or sandbox else _configured(target)
    the_mapping = mapping or _default_mapping(target, sandbox)
    targets = configured or [(_file_connector(target, the_mapping), the_mapping, None)]
    worst = 0
    for name, path, prefix in targets:
        worst = max(worst, _provision_one(target, name, path, prefix, dry_run=dry_run, sandbox=sandbox, lang=lang,
                                          named=bool(configured)))
    if worst:
        sys.exit(worst)


def _configured(crm: str) -> list[tuple[str, Path, str | None]]:
    """The configured connectors of ``crm`` (PAC_CONFIG, else the shipped settings): name, mapping, prefix; none
    when there are no usable settings."""
    try:
        settings = load_settings(os.environ.get("PAC_CONFIG") or default_settings_path())
    except (InvalidInput, OSError):
        return []
    return [(c.name, Path(c.mapping), c.prefix) for c in settings.connectors if c.crm == crm]


def _provision_one(target: str, name: str, mapping: Path, prefix: str | None, *, dry_run: bool, sandbox: bool,
                   lang: str | None, named: bool) -> int:
    """One CRM provisioned (or, ``dry_run``, what would be); 0 when the check after it is clean, else 2."""
    console = _console()
    who = f"{name} ({target}, {mapping})" if named else target
    remaining: list[Any] = []
    with _environment(sandbox, target) as base:
        env = base
        try:
            connector = _secrets_registered(registry.build(target, name, mapping, env, prefix=prefix))
            connector.labels_language = lang or _plan_language()
            try:
                if dry_run:
                    issues = connector.check_schema()
                    lines = [f"would fix: {i.object}{'.' + i.field if i.field else ''} ({i.problem})" for i in issues]
                else:
                    lines = connector.provision_schema()
                    remaining = connector.check_schema()
            finally:
                connector.close()
        except ConnectorError as exc:
            _fail_crm(exc)
    if named:
        console.print(textsafe.text(f"{who}:", style="bold"))
    for line in lines or ["nothing to do: the CRM already has every PAC object and field"]:
        console.print(textsafe.text(line))
    if dry_run:
        return 0
    if remaining:
        _print_issues(who, remaining, "issue(s) left after provisioning")
        return EXIT_BAD_INPUT
    console.print(textsafe.text(f"{who}: checked after provisioning: the CRM has every object and field the mapping "
                                "needs", style="green"))
    return 0
