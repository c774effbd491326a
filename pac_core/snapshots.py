"""The method's cadence as data: monthly snapshots of actions, quarterly snapshots of revenue and ROI.

A snapshot is labelled by the period in which it is taken ("2027-05", "2027-Q2"): one is due at the
first evaluation of a month (quarter) that has none yet. A store that wants each period's closing
state may instead replace the current period's snapshot on every run; the labels are the same.
``snapshot_payload`` / ``evaluation_from_payload`` round-trip an ``Evaluation`` through JSON-safe
data (Decimal and dates as strings, enums as their values).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pac_core.results import Evaluation


def month_label(day: date | datetime) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_label(day: date | datetime) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def monthly_snapshot_due(last: date | None, as_of: date | datetime) -> str | None:
    """The label of the monthly snapshot to take now, or None when this month already has one.

    ``as_of`` should be expressed in the plan's timezone (its calendar day decides the month).
    """
    today = _day(as_of)
    if last is not None and (last.year, last.month) >= (today.year, today.month):
        return None
    return month_label(today)


def quarterly_snapshot_due(last: date | None, as_of: date | datetime) -> str | None:
    """The label of the quarterly snapshot to take now ("2027-Q2"), or None when this quarter has one."""
    today = _day(as_of)
    if last is not None and (last.year, (last.month - 1) // 3) >= (today.year, (today.month - 1) // 3):
        return None
    return quarter_label(today)


def snapshot_payload(evaluation: Evaluation, *, with_decisions: bool = True) -> dict[str, Any]:
    """A JSON-safe dict holding the evaluation.

    Decisions (per-record explanations) are the bulk of a large evaluation (tens of MB for 5,000
    actions); trend charts do not need them: ``with_decisions=False`` leaves them out (empty tuples
    when read back) and keeps the figures, rejections and recommendations.
    """
    if not with_decisions:
        evaluation = dataclasses.replace(
            evaluation,
            actions=tuple(dataclasses.replace(a, decisions=()) for a in evaluation.actions),
            axes=tuple(dataclasses.replace(a, decisions=()) for a in evaluation.axes))
    return _encode(evaluation)


def evaluation_from_payload(payload: dict[str, Any]) -> Evaluation:
    """The ``Evaluation`` that ``snapshot_payload`` encoded (equal to the original)."""
    return _decode(Evaluation, payload)


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if isinstance(value, dict) and ("datetime" in value or "date" in value):
            return _decode(datetime if "datetime" in value else date, value)
        return _decode(options[0], value)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        return tuple(_decode(inner, v) for v in value)
    if origin is dict or kind is Any:
        return _plain(value)
    if dataclasses.is_dataclass(kind):
        hints = _HINTS.get(kind)
        if hints is None:
            hints = _HINTS[kind] = typing.get_type_hints(kind)
        return kind(**{name: _decode(hints[name], v) for name, v in value.items()})
    if kind is datetime:
        return datetime.fromisoformat(value["datetime"])
    if kind is date:
        return date.fromisoformat(value["date"])
    if kind is Decimal:
        return Decimal(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind is float:
        return float(value)
    return value


def _plain(value: Any) -> Any:
    """Evidence and other free-form dicts: tagged dates come back as dates, the rest unchanged."""
    if isinstance(value, dict):
        if set(value) == {"datetime"}:
            return datetime.fromisoformat(value["datetime"])
        if set(value) == {"date"}:
            return date.fromisoformat(value["date"])
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
