"""Runtime settings of pac: where the store is, which plans and CRMs, when to run, engine thresholds.

Loaded from ``config/pac.yaml`` (shipped default) or the file named by ``PAC_CONFIG``; every problem
is reported at once as ``file:line key.path: problem (fix)``. Relative paths in the file are resolved
against the file's directory, except the default database which lives under the working directory
(``.pac/pac.db``). ``PAC_DATABASE_URL`` overrides ``database_url``. Secrets are never read from this
file: connectors take them from the environment (see ``sync_jobs.secrets``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pac_config.loader import config_dir, load_yaml, raise_if
from pac_core.errors import InvalidInput, Problem

DEFAULT_DB = Path(".pac") / "pac.db"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConnectorSettings(_Frozen):
    """One CRM instance. ``max_daily_share`` is the share (0..1) of the daily API allocation a run may
    spend before it stops; ``reconciliation_days`` is how often a full read detects deletions."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    crm: Literal["salesforce", "hubspot"]
    mapping: Path
    env_prefix: str | None = None
    max_daily_share: float = Field(default=0.5, gt=0, le=1)
    reconciliation_days: int = Field(default=7, ge=1)

    @property
    def prefix(self) -> str:
        return self.env_prefix or ("PAC_SF_" if self.crm == "salesforce" else "PAC_HS_")


class ScheduleSettings(_Frozen):
    """Cron expressions (5 fields, minute hour day month weekday) in the plan's timezone."""

    cron: str = "0 2 * * *"
    misfire_grace_seconds: int = Field(default=3600, ge=1)
    monthly_snapshot: str | None = "30 5 1 * *"
    quarterly_snapshot: str | None = "45 5 1 1,4,7,10 *"
    jobstore: Path | None = None     # default .pac/scheduler-<host>-<pid-free name>.db

    @field_validator("cron", "monthly_snapshot", "quarterly_snapshot")
    @classmethod
    def _five_fields(cls, value: str | None) -> str | None:
        if value is not None and len(value.split()) != 5:
            raise ValueError(f"{value!r} is not a 5-field cron expression (e.g. '0 2 * * *' for 02:00 daily)")
        return value


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
            raise ValueError("as_of needs a timezone, e.g. 2027-05-20T18:00:00+02:00")
        return value

    @property
    def key(self) -> str:
        return self.name or self.file.name.split(".")[0]


class EngineSection(_Frozen):
    """Passed to ``pac_core.engine.EngineSettings``: fx rates (1 unit of currency = rate x plan currency),
    advisor thresholds (ratios), production capacity per product (units over the plan's period)."""

    fx_rates: dict[str, Decimal] = Field(default_factory=dict)
    advisor: dict[str, float] = Field(default_factory=dict)
    capacity: dict[str, Decimal] = Field(default_factory=dict)


class WritebackSettings(_Frozen):
    """``batch_size`` records per connector call; progress is checkpointed after each such batch."""

    batch_size: int = Field(default=200, ge=1, le=10_000)


class Settings(_Frozen):
    database_url: str | None = None
    plans: tuple[PlanSettings, ...] = ()
    connectors: tuple[ConnectorSettings, ...] = ()
    schedule: ScheduleSettings = ScheduleSettings()
    engine: EngineSection = EngineSection()
    writeback: WritebackSettings = WritebackSettings()
    source: str = Field(default="", exclude=True)   # the file these settings came from

    def database(self) -> str:
        """The SQLAlchemy URL: ``PAC_DATABASE_URL``, else the file's value, else ``.pac/pac.db``."""
        return self.database_url or f"sqlite:///{DEFAULT_DB}"

    def plan(self, ref: str | None) -> PlanSettings:
        """The plan named ``ref`` (or whose file is ``ref``); the only plan when ``ref`` is None."""
        if ref is None:
            if len(self.plans) == 1:
                return self.plans[0]
            raise InvalidInput(Problem("plans", f"{len(self.plans)} plans are configured",
                                       f"name one with --plan ({', '.join(p.key for p in self.plans)})",
                                       file=self.source or None))
        for plan in self.plans:
            if ref in (plan.key, str(plan.file)) or Path(ref).resolve() == plan.file.resolve():
                return plan
        known = ", ".join(p.key for p in self.plans) or "none"
        raise InvalidInput(Problem("plans", f"no plan named {ref!r}", f"configured plans: {known}",
                                   file=self.source or None))

    def connector(self, name: str) -> ConnectorSettings:
        return next(c for c in self.connectors if c.name == name)


def default_settings_path() -> Path:
    return config_dir() / "pac.yaml"


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read, validate and resolve the settings; raises ``InvalidInput`` listing every problem."""
    env = os.environ if env is None else env
    path = Path(path or env.get("PAC_CONFIG") or default_settings_path())
    doc = load_yaml(path)
    settings, problems = doc.validate(Settings)
    raise_if(problems)
    assert settings is not None
    base = path.resolve().parent
    problems = []
    names = [c.name for c in settings.connectors]
    for i, c in enumerate(settings.connectors):
        if names.count(c.name) > 1:
            problems.append(doc.problem(("connectors", i, "name"), f"connector {c.name!r} is named twice",
                                        "give each connector its own name"))
        if not _resolve(base, c.mapping).is_file():
            problems.append(doc.problem(("connectors", i, "mapping"), f"mapping file {c.mapping} not found",
                                        f"paths are relative to {base}"))
    for i, p in enumerate(settings.plans):
        if not _resolve(base, p.file).is_file():
            problems.append(doc.problem(("plans", i, "file"), f"plan file {p.file} not found",
                                        f"paths are relative to {base}"))
        for j, name in enumerate(p.connectors):
            if name not in names:
                problems.append(doc.problem(("plans", i, "connectors", j), f"unknown connector {name!r}",
                                            f"use one of {names}"))
    raise_if(problems)
    return settings.model_copy(update={
        "source": str(path),
        "database_url": env.get("PAC_DATABASE_URL") or settings.database_url,
        "connectors": tuple(c.model_copy(update={"mapping": _resolve(base, c.mapping)}) for c in settings.connectors),
        "plans": tuple(p.model_copy(update={"file": _resolve(base, p.file)}) for p in settings.plans),
    })


def _resolve(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else base / path


def engine_settings(settings: Settings, plan_currency: str = "EUR") -> Any:
    """``pac_core.engine.EngineSettings`` built from the ``engine`` section (only the fields it has)."""
    import dataclasses

    from pac_core import engine

    cls = engine.EngineSettings
    section = settings.engine
    values: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set(cls.model_fields)
    for name, value in (("fx_rates", section.fx_rates), ("capacity", section.capacity)):
        if name in names and value:
            values[name] = dict(value)
    for key, value in section.advisor.items():
        if key in names:
            values[key] = value
    if "advisor" in names and section.advisor:
        values["advisor"] = dict(section.advisor)
    return cls(**values)
