"""The one registry of CRMs: a CRM's name -> how to build its connector, check its mapping and find its files.

Everything that used to branch on ``"salesforce"`` / ``"hubspot"`` (the factory's module table, the CLI's
``if crm == "salesforce"`` for building, for the mapping checks and for the default mapping and credentials
prefix) reads this table instead. Adding a CRM is one ``CrmSpec`` here (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from connectors.base import Connector
from connectors.hubspot import connector as hubspot_connector
from connectors.hubspot import mapping as hubspot_mapping
from connectors.retry import RetryPolicy
from connectors.salesforce import connector as salesforce_connector
from connectors.salesforce import mapping as salesforce_mapping
from pac_config.loader import Document, config_dir
from pac_core.errors import InvalidInput, Problem


class Build(Protocol):
    """A connector module's ``build``: a connector from its mapping file and environment (nothing is called yet)."""

    def __call__(self, name: str, mapping_path: Path, env: Mapping[str, str], *, prefix: str = ...,
                 max_daily_share: float = ..., policy: RetryPolicy | None = ...) -> Connector: ...


class Connect(Protocol):
    """A connector module's ``connect``: ``build`` from a mapping already parsed and checked (``parse_mapping``)."""

    def __call__(self, name: str, mapping: Any, env: Mapping[str, str], *, prefix: str = ...,
                 max_daily_share: float = ..., policy: RetryPolicy | None = ...) -> Connector: ...


@dataclass(frozen=True)
class CrmSpec:
    """One CRM pac can sync with.

    A mapping file is read through ``build`` (path in, connector out) or, by a caller that parses the file once
    itself (``pac config check``), through ``parse_mapping`` (the parsed ``Document`` in: the mapping or None, and
    every offline problem located in the file), ``connect`` (that mapping in) and ``check_mapping_online`` (the
    mapping, the connector, the ``Document`` that locates the problems: nothing is parsed again)."""

    name: str                    # the ``crm:`` value of settings and mappings
    env_prefix: str              # default credentials prefix (``PAC_SF_``)
    build: Build                 # the connector factory, from the mapping file
    parse_mapping: Callable[[Document], tuple[Any, list[Problem]]]   # (mapping or None, the offline problems)
    connect: Connect             # the connector factory, from a parsed mapping
    check_mapping_online: Callable[[Any, Any, Path | Document | None], list[Problem]]  # (mapping, connector, file)
    default_mapping: str         # file name under config/mappings/
    demo_mapping: str            # the mapping that matches the sandbox CRM's demo organisation
    # warnings (never failures) of a valid mapping, ``file:line key: what (fix)``: (the Document, the mapping)
    mapping_warnings: Callable[[Document, Any], list[str]] = lambda doc, mapping: []

    def mapping_path(self, *, sandbox: bool = False) -> Path:
        """The shipped mapping (the demo one for the sandbox)."""
        return config_dir() / "mappings" / (self.demo_mapping if sandbox else self.default_mapping)


CRMS: Mapping[str, CrmSpec] = {
    "salesforce": CrmSpec("salesforce", "PAC_SF_", build=salesforce_connector.build,
                          parse_mapping=salesforce_mapping.parse_mapping, connect=salesforce_connector.connect,
                          check_mapping_online=salesforce_mapping.check_mapping_online,
                          default_mapping="salesforce.default.yaml", demo_mapping="salesforce.demo.yaml"),
    "hubspot": CrmSpec("hubspot", "PAC_HS_", build=hubspot_connector.build,
                       parse_mapping=hubspot_mapping.parse_mapping, connect=hubspot_connector.connect,
                       check_mapping_online=hubspot_mapping.check_mapping_online,
                       default_mapping="hubspot.default.yaml", demo_mapping="hubspot.default.yaml",
                       mapping_warnings=hubspot_mapping.mapping_warnings),
}


def crm_spec(crm: str) -> CrmSpec:
    """The registry entry of ``crm``; ``InvalidInput`` naming the known CRMs otherwise."""
    spec = CRMS.get(crm)
    if spec is None:
        raise InvalidInput(Problem("crm", f"unknown crm {crm!r}", f"write crm: one of {', '.join(CRMS)}"))
    return spec


def build(crm: str, name: str, mapping_path: str | Path, env: Mapping[str, str], *, prefix: str | None = None,
          max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> Connector:
    """A connector of ``crm`` (nothing is called yet); ``prefix`` defaults to the CRM's own."""
    spec = crm_spec(crm)
    return spec.build(name, Path(mapping_path), env, prefix=prefix or spec.env_prefix,
                      max_daily_share=max_daily_share, policy=policy)


def connect(crm: str, name: str, mapping: Any, env: Mapping[str, str], *, prefix: str | None = None,
            max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> Connector:
    """``build`` from a mapping already parsed and checked (``CrmSpec.parse_mapping``): the file is not read again."""
    spec = crm_spec(crm)
    return spec.connect(name, mapping, env, prefix=prefix or spec.env_prefix, max_daily_share=max_daily_share,
                        policy=policy)
