"""Scopes: a small declarative, safe filter language over normalised account attributes.

A scope is a conjunction of conditions (no ``eval``, no code): every condition must hold.
The empty scope matches every account.

Fields: country, postal_code, departement, region, industry, account_type, annual_revenue,
owner (an e-mail), name, dormant, and ``custom.<name>`` for mapped custom attributes.
Operators: in, not_in, gte, lte, gt, lt, between, is (booleans), dormant_months.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELDS = (
    "country", "postal_code", "departement", "region", "industry", "account_type",
    "annual_revenue", "owner", "name", "dormant",
)
OPERATORS = ("in", "not_in", "gte", "lte", "gt", "lt", "between", "is", "dormant_months")


@dataclass(frozen=True)
class Condition:
    """One test on one attribute; ``values`` are already normalised (e.g. départements as codes)."""

    field: str
    op: str
    values: tuple[Any, ...]
    label: str = ""   # how the user wrote it, for explanations ("département 69")


@dataclass(frozen=True)
class Scope:
    """A conjunction of conditions over accounts."""

    conditions: tuple[Condition, ...] = ()

    def __and__(self, other: Scope) -> Scope:
        return Scope(self.conditions + other.conditions)

    @property
    def is_everything(self) -> bool:
        return not self.conditions


EVERYTHING = Scope()
