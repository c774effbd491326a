"""Errors of the domain: every problem says where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in user input.

    ``path`` is a key path such as ``actions[3].when`` (empty when global); ``fix`` says what to do.
    ``file`` and ``line`` are filled by the loaders that know them.
    """

    path: str
    message: str
    fix: str = ""
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}" if self.line else self.file
            where += " "
        key = f"{self.path}: " if self.path else ""
        fix = f" ({self.fix})" if self.fix else ""
        return f"{where}{key}{self.message}{fix}"


class PacError(Exception):
    """Base of the project's own errors."""


class InvalidInput(PacError):
    """User input (plan, period, scope, mapping) that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str, fix: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems, fix)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PlanError(InvalidInput):
    """The plan breaks an invariant of the method (unknown axis, unordered window...)."""


class PeriodError(InvalidInput):
    """A period expression cannot be resolved to exactly one window."""


class ScopeError(InvalidInput):
    """A scope names an unknown attribute, operator or value."""


class GeographyError(InvalidInput):
    """A postal code, département or région that cannot be resolved."""
