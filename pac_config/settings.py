"""Runtime settings of pac: where the store is, which plans and CRMs, when to run, engine thresholds.

Loaded from ``config/pac.yaml`` (shipped default) or the file named by ``PAC_CONFIG``; every problem
is reported at once as ``file:line key.path: problem (fix)``. Relative paths in the file are resolved
against the file's directory, except the default database which lives under the working directory
(``.pac/pac.db``). ``PAC_DATABASE_URL`` (the environment, else the file ``PAC_SECRETS_FILE`` names: the merge the
connectors' credentials go through, ``pac_config.secretsfile``) overrides ``database_url``. Secrets are never read
from this file: connectors take them from the environment or the secrets file (see ``sync_jobs.secrets``), and a
password written in ``database_url`` is refused (its length only is shown) with the fix: ``PAC_DATABASE_URL``.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from pac_config.loader import Document, config_dir, load_yaml, raise_if
from pac_config.notifications import NotificationSettings
from pac_config.planfile import load_plan, plan_currency_of, plan_id_of
from pac_config.secretsfile import with_secrets_file
from pac_core.engine_settings import EngineSettings
from pac_core.errors import InvalidInput, Problem

DEFAULT_DB = Path(".pac") / "pac.db"
CRON_FIELDS = (("minute", "minute", "0-59"), ("hour", "hour", "0-23"), ("day", "day of the month", "1-31"),
               ("month", "month", "1-12"), ("day_of_week", "weekday", "mon-sun"))
CRON_HELP = ("5-field cron: minute hour day month weekday, e.g. '0 2 * * *' for 02:00 daily, "
             "'30 6 * * mon-fri' for 06:30 on weekdays")
PREFIX = r"[A-Z][A-Z0-9_]{0,30}_"     # env_prefix: PAC_SF_, PAC_HS2_
NAME_HELP = "lowercase letters, digits, '-' or '_', starting with a letter, e.g. sf-main"


def check_cron(value: str) -> str:
    """``value`` if APScheduler accepts it as a crontab line; PydanticCustomError naming the field and
    the fix otherwise. Weekdays must be names (mon..sun): APScheduler 3 counts 0 as Monday where cron
    counts it as Sunday, so a number would silently run on the wrong day."""
    parts = value.split()
    if len(parts) != 5:
        raise PydanticCustomError("cron", "{shown} has {n} fields, not 5", {
            "shown": repr(value), "n": len(parts), "fix": f"write a {CRON_HELP}"})
    if re.search(r"(^|[,-])\d", parts[4]):   # a day number (a step such as */2 is fine)
        raise PydanticCustomError("cron", "weekday {part} uses numbers: APScheduler counts 0 as Monday, cron as "
                                  "Sunday", {"part": repr(parts[4]),
                                             "fix": "name the days, e.g. mon-fri, sun or sat,sun"})
    for part, (key, label, span) in zip(parts, CRON_FIELDS, strict=True):
        try:
            CronTrigger(**{key: part}, timezone="Europe/Paris")
        except ValueError:
            raise PydanticCustomError("cron", "{shown}: {part} is not a valid {label}", {
                "shown": repr(value), "part": repr(part), "label": label,
                "fix": f"the {label} goes {span}; also *, a list (a,b), a range (a-b) or a step (*/n); "
                       "e.g. '0 2 * * *' runs at 02:00 daily"}) from None
    try:
        CronTrigger.from_crontab(value, timezone="Europe/Paris")   # the zone does not change validity
    except ValueError as exc:
        raise PydanticCustomError("cron", "{shown} is not a valid cron expression: {why}", {
            "shown": repr(value), "why": str(exc), "fix": f"write a {CRON_HELP}"}) from None
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


RECONCILIATION_DAYS = 7     # a full read a week, when neither pac.yaml nor the connector's mapping says otherwise


def reconciliation_days_of(settings_days: int | None, connector_days: int | None) -> int:
    """How often a connector's objects are read in full: pac.yaml's ``reconciliation_days`` for the connector when
    given, else the connector's own (a Salesforce mapping's key), else ``RECONCILIATION_DAYS``."""
    for days in (settings_days, connector_days):
        if days is not None:
            return days
    return RECONCILIATION_DAYS


class ConnectorSettings(_Frozen):
    """One CRM instance. ``max_daily_share`` is the share (0..1) of the daily API allocation a run may
    spend before it stops; ``reconciliation_days`` is how often a full read detects deletions: left out, the
    connector's own (a Salesforce mapping's ``reconciliation_days``), else ``RECONCILIATION_DAYS``
    (``reconciliation_days_of``)."""

    name: str
    crm: Literal["salesforce", "hubspot"]
    mapping: Path
    env_prefix: str | None = None
    max_daily_share: float = Field(default=0.5, gt=0, le=1)
    reconciliation_days: int | None = Field(default=None, ge=1)
    # seconds one call may take to connect, and to wait for the next bytes of its answer: past them the call fails
    # as a dropped connection and is retried within the run's retry budget (``connectors.retry``)
    connect_timeout: float = Field(default=10.0, gt=0, le=300)
    read_timeout: float = Field(default=120.0, gt=0, le=3600)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", value):
            raise PydanticCustomError("name", "{shown} is not a connector name", {
                "shown": repr(value), "fix": f"use at most 40 {NAME_HELP}"})
        return value

    @field_validator("env_prefix")
    @classmethod
    def _env_prefix(cls, value: str | None) -> str | None:
        """The start of the connector's variable names (``PAC_HS2_`` -> ``PAC_HS2_ACCESS_TOKEN``): capitals, digits
        and '_', ending with '_'. A long wrong value is not echoed: it may be a token pasted at the wrong place."""
        if value is None or re.fullmatch(PREFIX, value):
            return value
        shown = repr(value) if len(value) <= 20 else f"a value of {len(value)} characters"
        fix = (f"write {value.upper()}: variable names are in capitals" if re.fullmatch(PREFIX, value.upper()) else
               "write the start of the connector's variable names: capitals, digits and '_', ending with '_', "
               "e.g. PAC_HS2_ for PAC_HS2_ACCESS_TOKEN")
        raise PydanticCustomError("env_prefix", "{shown} is not a variable prefix", {
            "shown": shown, "fix": f"{fix}; secrets never go in this file: set them in the environment or in the "
                                   "file PAC_SECRETS_FILE names"})

    @property
    def prefix(self) -> str:
        return self.env_prefix or ("PAC_SF_" if self.crm == "salesforce" else "PAC_HS_")


class ScheduleSettings(_Frozen):
    """Cron expressions (5 fields, minute hour day month weekday) in the plan's timezone, checked by
    APScheduler when the settings load (``check_cron``); weekdays are written as names (mon-fri)."""

    cron: str = "0 2 * * *"
    misfire_grace_seconds: int = Field(default=3600, ge=1)
    monthly_snapshot: str | None = "30 5 1 * *"
    quarterly_snapshot: str | None = "45 5 1 1,4,7,10 *"
    # days after a plan's period ends during which pac schedule still syncs it (late entries), then stops its jobs
    after_end_days: int = Field(default=31, ge=0)
    # seconds after which a worker sharing the store takes over a claimed sync whose worker is gone (killed, its
    # machine down: no process holds the plan's run lock and the run was not closed), and between two checks
    takeover_seconds: int = Field(default=300, ge=1)
    # the job store is one scheduler process's own file (docs/operations.md): not a setting a shared file could hold
    key_hints: ClassVar[dict[str, str]] = {
        "jobstore": "each scheduler process names its own with  pac schedule --jobstore FILE  "
                    "(default .pac/scheduler-<host>.db); remove this key"}

    @field_validator("cron", "monthly_snapshot", "quarterly_snapshot")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else check_cron(value)


class PlanSettings(_Frozen):
    """A plan the sync keeps alive. ``name`` is what ``--plan`` accepts (default: the file's stem)."""

    name: str | None = None
    file: Path
    connectors: tuple[str, ...] = Field(min_length=1)
    as_of: datetime | None = None    # fixed evaluation date (demos); None: the clock
    schedule: ScheduleSettings | None = None

    @field_validator("as_of")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise PydanticCustomError("as_of", "as_of needs a timezone offset", {
                "fix": "write e.g. 2027-05-20T18:00:00+02:00"})
        return value

    @property
    def key(self) -> str:
        return self.name or self.file.name.split(".")[0]


class AdvisorSettings(_Frozen):
    """``engine.advisor``: the engine's thresholds and limits, each a field of ``pac_core.engine.EngineSettings``
    of the same name and type (defaults and meanings in docs/engine.md); a key left out keeps the engine's default.
    The tables (``fx_rates``, ``capacity``) and the attribution rule have their own keys under ``engine``."""

    key_hints: ClassVar[dict[str, str]] = {
        "attribution": "write it as engine.attribution: {value}, beside advisor:",
        "fx_rates": "write the rates under engine.fx_rates, beside advisor:",
        "capacity": "write the capacities under engine.capacity, beside advisor:"}

    attribution_days: int | None = Field(None, ge=1)
    dormant_default_months: int | None = Field(None, ge=1)
    rollout_min_roi: float | None = None
    rollout_max_months_to_roi: float | None = None
    rollout_lagging_growth: float | None = None
    rollout_min_elapsed: float | None = None
    drop_max_roi: float | None = None
    drop_min_elapsed: float | None = None
    prioritise_min_decline: float | None = None
    prioritise_min_elapsed: float | None = None
    suspend_load: float | None = None
    committed_weight: Decimal | None = Field(None, ge=0, le=1)
    near_miss_limit: int | None = Field(None, ge=0)
    counted_limit: int | None = Field(None, ge=0)
    deal_decision_limit: int | None = Field(None, ge=0)


def _number(value: Any) -> bool:
    """Whether a YAML value reads as a number (a Decimal): 0.92, 1, "0.92"; not "0,92", a bool, a list or a table."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return False
    try:
        return Decimal(str(value).strip()).is_finite()
    except ArithmeticError:
        return False


def _with_a_dot(value: Any) -> str:
    """The fix of a rate that is no number: the same written with a dot when that makes one ("0,92" -> 0.92)."""
    text = str(value).strip().replace(" ", "").replace(",", ".")
    if _number(text):
        return f"write it with a dot for decimals: {text}"
    return "write a number with a dot for decimals, e.g. 0.92"


def _fx_rate(value: Any) -> Any:
    """One entry of ``engine.fx_rates``: a number, or a table of numbers (a plan currency's rates), checked here so that
    a mistake is one problem at its key with its fix, not one per member of the union (pydantic's ``decimal`` and
    ``dict[str,decimal]``: audit ops)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not _number(v):
                raise PydanticCustomError("fx_rate", "{currency} must be a number (1 {currency} in this plan "
                                          "currency), not {value}", {"currency": str(k), "value": repr(str(v)),
                                                                     "fix": _with_a_dot(v)})
        return value
    if not _number(value):
        raise PydanticCustomError("fx_rate", "must be a number (1 unit of that currency in the plan's currency) or a "
                                  "table of rates by plan currency, not {value}",
                                  {"value": repr(str(value)), "fix": _with_a_dot(value)})
    return value


FxRate = Annotated[Decimal | dict[str, Decimal], BeforeValidator(_fx_rate)]


class EngineSection(_Frozen):
    """Passed to ``pac_core.engine.EngineSettings``: fx rates (1 unit of currency = rate x plan currency),
    the attribution rule of deals in several axes, the advisor's thresholds and the engine's limits,
    production capacity per product (units per calendar quarter).

    ``fx_rates`` is one table (currency -> rate into the plan's currency) when every plan has one currency, or a
    table per plan currency (``{EUR: {USD: 0.92}, CHF: {USD: 0.8648, EUR: 0.94}}``: a rate into EUR is not one
    into CHF; audit multi F1); ``rates_into`` gives a plan's."""

    fx_rates: dict[str, FxRate] = Field(default_factory=dict)
    attribution: Literal["full", "split"] = "full"
    advisor: AdvisorSettings = AdvisorSettings()
    capacity: dict[str, Decimal] = Field(default_factory=dict)
    @field_validator("fx_rates")
    @classmethod
    def _one_shape(cls, value: dict[str, Decimal | dict[str, Decimal]]) -> dict[str, Decimal | dict[str, Decimal]]:
        tables = sorted(k for k, v in value.items() if isinstance(v, dict))
        if tables and len(tables) != len(value):
            rates = sorted(k for k, v in value.items() if not isinstance(v, dict))
            raise PydanticCustomError("fx_rates", "fx_rates holds both rates ({rates}) and tables of rates by plan "
                                      "currency ({tables})", {
                                          "rates": ", ".join(rates), "tables": ", ".join(tables),
                                          "fix": "write either one table, currency: rate into the plan's currency "
                                                 "(every plan in one currency), or one table per plan currency, e.g. "
                                                 "fx_rates: {EUR: {USD: 0.92}, CHF: {USD: 0.8648, EUR: 0.94}}"})
        return value

    def by_plan_currency(self) -> bool:
        """Whether ``fx_rates`` is a table per plan currency (else one table for every plan)."""
        return any(isinstance(v, dict) for v in self.fx_rates.values())

    def rates_into(self, plan_currency: str) -> dict[str, Decimal]:
        """The rates into ``plan_currency``: the one table, or that currency's (none when it has no table)."""
        if not self.by_plan_currency():
            return {k: v for k, v in self.fx_rates.items() if not isinstance(v, dict)}
        own = {str(k).upper(): v for k, v in self.fx_rates.items()}.get(plan_currency.upper())
        return dict(own) if isinstance(own, dict) else {}

    # true: `pac sync` evaluates a night from the night before (sync_jobs/incremental_night.py, exact); off by
    # default because on the store's columns it costs more than a full evaluation today (docs/engine.md)
    incremental_nights: bool = False


class WritebackSettings(_Frozen):
    """``batch_size`` records per connector call; progress is checkpointed after each such batch."""

    batch_size: int = Field(default=200, ge=1, le=10_000)


# the password of a store URL as SQLAlchemy reads it (user:password@, up to the first '@'), or a libpq query parameter
_URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.]*://[^:/]*:[^@]+@|[?&]password=[^&]")


class Settings(_Frozen):
    database_url: str | None = None
    plans: tuple[PlanSettings, ...] = ()
    connectors: tuple[ConnectorSettings, ...] = ()
    schedule: ScheduleSettings = ScheduleSettings()
    engine: EngineSection = EngineSection()
    writeback: WritebackSettings = WritebackSettings()
    notifications: NotificationSettings = NotificationSettings()   # nightly digests (pac_config.notifications)
    source: str = Field(default="", exclude=True)   # the file these settings came from
    # sha256 of that file's bytes, read just before it was parsed (pac schedule's reload compares with it)
    source_digest: str = Field(default="", exclude=True)

    @field_validator("database_url")
    @classmethod
    def _no_password(cls, value: str | None) -> str | None:
        """Secrets never go in this file (world-readable, often committed): a password in the URL is refused, showing
        only the URL's length, as a webhook or SMTP password pasted in the notification settings is."""
        if value is not None and _URL_PASSWORD.search(value):
            raise PydanticCustomError("secret", "the URL holds a password ({length} characters, none shown): secrets "
                                      "never go in this file", {
                "length": len(value),
                "fix": "write it here without the password (postgresql+psycopg://USER@HOST/DATABASE), or not at all, "
                       "and put the whole URL, password percent-encoded, in PAC_DATABASE_URL in the file "
                       "PAC_SECRETS_FILE names (mode 0600) or the environment; or leave the password to ~/.pgpass"})
        return value

    def database(self) -> str:
        """The SQLAlchemy URL: ``PAC_DATABASE_URL`` (environment, else secrets file), else the file's value, else
        ``.pac/pac.db``."""
        return self.database_url or f"sqlite:///{DEFAULT_DB}"

    def plan(self, ref: str | None) -> PlanSettings:
        """The plan named ``ref`` (or whose file is ``ref``); the only plan when ``ref`` is None."""
        if not self.plans:
            raise InvalidInput(Problem("plans", "no plan is configured",
                                       "add one under plans: (name, file, connectors), as config/pac.yaml does",
                                       file=self.source or None))
        if ref is None:
            if len(self.plans) == 1:
                return self.plans[0]
            raise InvalidInput(Problem("plans", f"{len(self.plans)} plans are configured",
                                       f"name one with --plan ({', '.join(p.key for p in self.plans)})",
                                       file=self.source or None))
        for plan in self.plans:
            if ref in (plan.key, str(plan.file)) or Path(ref).resolve() == plan.file.resolve():
                return plan
        ids = {plan.key: _plan_id(plan.file) for plan in self.plans}     # the id `pac status` prints, from the file
        for plan in self.plans:
            if ids[plan.key] == ref:
                return plan
        known = ", ".join(f"{p.key} (plan id {ids[p.key]})" if ids[p.key] and ids[p.key] != p.key else p.key
                          for p in self.plans) or "none"
        raise InvalidInput(Problem("plans", f"no plan named {ref!r}", f"configured plans: {known}",
                                   file=self.source or None))

    def connector(self, name: str) -> ConnectorSettings:
        return next(c for c in self.connectors if c.name == name)


def _plan_id(path: Path) -> str | None:
    """The id of the plan in ``path`` (its ``id``, else its name's slug, as ``Plan`` makes it); None when the file
    cannot be read as a plan."""
    try:
        return load_plan(path).id
    except Exception:   # a broken plan: its own command reports it; its header still names it (pac status --plan ID)
        found = plan_id_of(path)
        return found[0] if found else None


def default_settings_path() -> Path:
    return config_dir() / "pac.yaml"


DEMO_SETTINGS = Path(".pac") / "demo.yaml"     # written by `pac demo` next to its store, .pac/demo.db


def discover_settings_path(env: Mapping[str, str] | None = None) -> Path:
    """The settings a command reads when none is named: ``PAC_CONFIG``; else, in a directory where
    ``pac demo`` ran (``.pac/demo.yaml``) and that has no store of the shipped settings (``.pac/pac.db``)
    holding a sync that went through (a store left by a failed command does not count), the demo's
    settings, so that the read-only commands (``pac explain``, ``pac status``, ``pac report``...) show the demo;
    else the shipped ``config/pac.yaml``. Commands that write to the store (``pac sync``, ``pac schedule``,
    ``pac snapshot``, ``pac notify``) never use the demo's settings implicitly: they name their file
    (``sync_jobs.cli_common.settings_named``)."""
    env = os.environ if env is None else env
    if env.get("PAC_CONFIG"):
        return Path(env["PAC_CONFIG"])
    if DEMO_SETTINGS.is_file() and not _holds_a_sync(DEFAULT_DB):
        return DEMO_SETTINGS
    return default_settings_path()


def _holds_a_sync(db: Path) -> bool:
    """Whether the SQLite store ``db`` records a sync that went through (ok or partial, not a dry run), read
    without writing to it; a missing, empty or unreadable file holds none."""
    if not db.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT 1 FROM pac_run WHERE dry_run = 0 AND status IN ('ok', 'partial') "
                               "LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read, validate and resolve the settings; raises ``InvalidInput`` listing every problem.

    ``path`` None: ``discover_settings_path`` (``PAC_CONFIG``, the demo's settings after ``pac demo``,
    else the shipped file)."""
    env = os.environ if env is None else env
    path = Path(path or discover_settings_path(env))
    digest = file_digest(path)   # before the parse: an edit made meanwhile shows as a change later, never as none
    doc = load_yaml(path)
    settings, problems = doc.validate(Settings)
    base = path.resolve().parent
    problems = [_credential_key(doc, p) for p in problems]
    problems += _reference_problems(doc, base)   # also when the shape failed: every problem in one run
    raise_if(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    assert settings is not None
    return settings.model_copy(update={
        "source": str(path),
        "source_digest": digest,
        "database_url": with_secrets_file(env).get("PAC_DATABASE_URL") or settings.database_url,
        "connectors": tuple(c.model_copy(update={"mapping": _resolve(base, c.mapping)}) for c in settings.connectors),
        "plans": tuple(p.model_copy(update={"file": _resolve(base, p.file)}) for p in settings.plans),
    })


def file_digest(path: str | Path) -> str:
    """The sha256 of a file's bytes, hex; empty when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _resolve(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else base / path


def _reference_problems(doc: Document, base: Path) -> list[Problem]:
    """What the shape cannot check, read from the raw file so it is reported even when the shape failed:
    connector and plan names given twice, mapping and plan files that do not exist, plans naming a
    connector that is not configured. Values of the wrong type are skipped (the shape reports them)."""
    data = doc.data if isinstance(doc.data, dict) else {}

    def items(section: str) -> list[tuple[int, dict[str, Any]]]:
        raw = data.get(section)
        return [(i, item) for i, item in enumerate(raw) if isinstance(item, dict)] if isinstance(raw, list) else []

    def missing_file(at: tuple[str | int, ...], what: str, value: Any) -> None:
        if isinstance(value, str) and _resolve(base, Path(value)).is_dir():
            problems.append(doc.problem(at, f"{what} {value!r} is a directory, not a file",
                                        f"name the file in {_resolve(base, Path(value))}"))
        elif isinstance(value, str) and not _resolve(base, Path(value)).is_file():
            problems.append(doc.problem(at, f"{what} {value!r} not found",
                                        f"looked for {_resolve(base, Path(value))}; relative paths start at the "
                                        f"settings file's folder {base}"))

    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, c in items("connectors"):
        name = c.get("name")
        if isinstance(name, str) and name in first:
            problems.append(doc.problem(("connectors", i, "name"), f"connector {name!r} is named twice",
                                        f"give each connector its own name (the first is at line "
                                        f"{doc.line(('connectors', first[name], 'name'))})"))
        elif isinstance(name, str):
            first[name] = i
        missing_file(("connectors", i, "mapping"), "mapping file", c.get("mapping"))
        problems += _crm_mismatch(doc, base, i, c)
    names = list(first)
    seen: dict[str, int] = {}
    currencies: dict[str, list[str]] = {}    # plan currency -> the plans in it
    ids: dict[str, tuple[int, str, Path, bool]] = {}   # plan id -> (index, key, file, whether its id: gave it)
    for i, p in items("plans"):
        missing_file(("plans", i, "file"), "plan file", p.get("file"))
        key = p.get("name") if isinstance(p.get("name"), str) else (
            Path(p["file"]).name.split(".")[0] if isinstance(p.get("file"), str) else None)
        if key is not None and key in seen:
            problems.append(doc.problem(("plans", i, "name" if "name" in p else "file"),
                                        f"plan {key!r} is configured twice",
                                        f"give each plan its own name (the first {key!r} is at line "
                                        f"{doc.line(('plans', seen[key]))})"))
        elif key is not None:
            seen[key] = i
            if isinstance(p.get("file"), str):
                _same_plan_id(doc, ids, i, key, _resolve(base, Path(p["file"])), problems)
                currency = plan_currency_of(_resolve(base, Path(p["file"])))
                if currency is not None:
                    currencies.setdefault(currency, []).append(key)
        refs = p.get("connectors")
        for j, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str) and ref not in first:
                close = difflib.get_close_matches(ref, names, n=1)
                fix = (f"did you mean {close[0]!r}? (configured: {', '.join(names)})" if close else
                       f"use one of: {', '.join(names)}, or add it under connectors:" if names else
                       "add it under connectors: (none is configured)")
                problems.append(doc.problem(("plans", i, "connectors", j), f"unknown connector {ref!r}", fix))
    problems += _flat_rates_problems(doc, data, currencies)
    return problems


CRMS = ("salesforce", "hubspot")
# a key named as a credential (``access_token``, ``client_secret``, ``password``, ``api_key``...)
CREDENTIAL_KEY = re.compile(r"token|secret|passw|api_?key|private_?key|session|credential", re.IGNORECASE)


def _credential_key(doc: Document, problem: Problem) -> Problem:
    """An unknown connector key named as a credential (``access_token: pat-…`` pasted under a connector) says that
    the line must go and which variable holds it instead, the value never shown (audit opsmap: it was "unknown key
    'access_token' (known keys: ...)", nothing said of where the token goes)."""
    found = re.fullmatch(r"connectors\[(\d+)\]\.(\w+)", problem.path)
    if found is None or not problem.message.startswith("unknown key") or not CREDENTIAL_KEY.search(found[2]):
        return problem
    raw = doc.data.get("connectors") if isinstance(doc.data, dict) else None
    entry = raw[int(found[1])] if isinstance(raw, list) and int(found[1]) < len(raw) else None
    entry = entry if isinstance(entry, dict) else {}
    prefix = entry.get("env_prefix")
    if not (isinstance(prefix, str) and re.fullmatch(PREFIX, prefix)):
        prefix = "PAC_SF_" if entry.get("crm") == "salesforce" else "PAC_HS_" if entry.get("crm") == "hubspot" else ""
    variable = f"set {prefix}{found[2].upper()}" if prefix else "set the connector's variable"
    return dataclasses.replace(problem, message="a credential in the settings file (none shown)",
                               fix=f"delete this line: secrets never go in this file; {variable} in the environment "
                                   "or in the file PAC_SECRETS_FILE names")


def _crm_mismatch(doc: Document, base: Path, i: int, connector: dict[str, Any]) -> list[Problem]:
    """A problem when connector ``i`` says one CRM and its mapping file another (a connector block copied and half
    edited: ``crm: hubspot`` on a Salesforce mapping), at the connector's ``crm:`` line, the line to fix (audit opsmap:
    the offline check said OK and the night listed the mapping's every key as unknown, at the mapping's lines)."""
    crm, mapping = connector.get("crm"), connector.get("mapping")
    if crm not in CRMS or not isinstance(mapping, str) or not _resolve(base, Path(mapping)).is_file():
        return []
    try:    # its top-level crm: line only (no second parse of each mapping: the night parses it once, later)
        text = _resolve(base, Path(mapping)).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):
        return []           # the mapping's own check says why
    found = re.search(r"^crm:[ \t]*['\"]?(\w+)['\"]?[ \t]*(?:#.*)?$", text, re.MULTILINE)
    said = found[1] if found else None
    if said not in CRMS or said == crm:
        return []
    assert found is not None
    return [doc.problem(("connectors", i, "crm"),
                        f"the connector is a {crm} one, but its mapping {mapping} is a {said} mapping (crm: {said} at "
                        f"its line {text.count(chr(10), 0, found.start()) + 1})",
                        f"write crm: {said} here, or name a {crm} mapping under mapping:")]


def _flat_rates_problems(doc: Document, data: dict[str, Any], currencies: dict[str, list[str]]) -> list[Problem]:
    """A problem when ``engine.fx_rates`` is one table of rates while the plans have several currencies: a rate
    "into the plan's currency" is then a different number for each (audit multi F1: a CHF plan took USD at the EUR
    plan's rate)."""
    engine = data.get("engine")
    rates = engine.get("fx_rates") if isinstance(engine, dict) else None
    if len(currencies) < 2 or not isinstance(rates, dict) or not rates or any(isinstance(v, dict)
                                                                                for v in rates.values()):
        return []
    given = sorted({str(k).upper() for k in rates} | set(currencies))
    example = ", ".join(f"{cur}: {{{', '.join(f'{c}: …' for c in given if c != cur)}}}" for cur in currencies)
    plans = " and ".join(f"{cur} ({', '.join(keys)})" for cur, keys in currencies.items())
    return [doc.problem(("engine", "fx_rates"),
                        f"one table of rates for plans in {plans}: a rate into the plan's currency is a different "
                        "number for each",
                        f"key the rates by the plan's currency: fx_rates: {{{example}}} (in each table, 1 unit of a "
                        "currency = rate x that plan's currency)")]


def _same_plan_id(doc: Document, ids: dict[str, tuple[int, str, Path, bool]], i: int, key: str, file: Path,
                  problems: list[Problem]) -> None:
    """A problem when the plan ``key`` (entry ``i``, its ``file``) has the plan id of an entry read before it (``ids``,
    which it joins otherwise): the store keys runs, plan versions, snapshots and written values by plan id and the
    CRM records by ``plan-id:A-01``, so the two plans' runs would overwrite each other's records and mark the others
    removed. A file that cannot be read has no id here (its own check reports it)."""
    found = plan_id_of(file) if file.is_file() else None
    if found is None:
        return
    pid, given = found
    if pid not in ids:
        ids[pid] = (i, key, file, given)
        return
    _j, other, other_file, other_given = ids[pid]
    how = ("the slug of their names" if not (given or other_given) else
           "their id:" if given and other_given else "one's id: is the other's name's slug")
    problems.append(doc.problem(
        ("plans", i, "file"),
        f"plans {other} ({other_file}) and {key} ({file}) have the same plan id {pid!r} ({how}): the store and the "
        f"CRM records (keys '{pid}:A-01', '{pid}:AX-01') are keyed by it, so each plan's run would overwrite the "
        "other's records and mark the others removed",
        f"give one of them another name: in its plan: header, or an id:, e.g. id: {pid}-2"))


def engine_settings(settings: Settings, plan_currency: str = "EUR") -> EngineSettings:
    """``pac_core.engine.EngineSettings`` built from the ``engine`` section: its tables, its attribution rule and
    the ``advisor`` keys written (the others keep the engine's defaults)."""
    section = settings.engine
    values: dict[str, Any] = {"fx_rates": section.rates_into(plan_currency), "capacity": dict(section.capacity),
                              "attribution": section.attribution, **section.advisor.model_dump(exclude_none=True)}
    if settings.source:   # the file the fixes name (« add it to engine.fx_rates in prod.yaml »), as the user has it
        values["settings_file"] = Path(settings.source).name
    return EngineSettings(**values)


def kept_engine_section(settings: Settings) -> dict[str, Any]:
    """What the store keeps of ``settings`` for the snapshots taken late (``pac_engine_settings``): the ``engine``
    section alone, JSON-safe (rates as text, exact); never the connectors, the database URL or anything else of the
    file (audit snapsettings)."""
    return settings.engine.model_dump(mode="json")


def with_engine_section(settings: Settings, content: Mapping[str, Any]) -> Settings | None:
    """``settings`` with the ``engine`` section ``content`` (``kept_engine_section`` of another day) in place of its
    own: the settings a period was closed with; None when that section no longer validates (a setting since removed
    or tightened by a newer pac)."""
    try:
        section = EngineSection.model_validate(dict(content))
    except ValidationError:
        return None
    return settings.model_copy(update={"engine": section})
