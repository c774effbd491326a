"""Salesforce wire details shared by the sandbox modules: ids, datetimes, JSON values, error bodies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sandbox_crm.http import Request, Response

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce id: 3-character key prefix, pod "5g", counter, case checksum."""
    body = ""
    while n:
        n, r = divmod(n, 62)
        body = _ALPHABET[r] + body
    return to18((prefix + "5g" + body.rjust(10, "0"))[:15])


def to18(record_id: str) -> str:
    """A 15-character (case-sensitive) id in its 18-character form; other lengths unchanged."""
    if len(record_id) != 15:
        return record_id
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << i for i, ch in enumerate(record_id[chunk * 5: chunk * 5 + 5]) if ch.isupper())
        suffix += _CHECKSUM[bits]
    return record_id + suffix


def sf_datetime(value: datetime) -> str:
    """Salesforce's JSON datetime form: ``2027-05-03T07:30:00.000+0000``."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "+0000"


def json_value(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is datetime:
        return sf_datetime(value)
    if kind is date:
        return value.isoformat()
    if kind is Decimal:
        return float(value)
    return value


def error(status: int, code: str, message: str, fields: list[str] | None = None) -> Response:
    body: dict[str, Any] = {"message": message, "errorCode": code}
    if fields is not None:
        body["fields"] = fields
    return Response(status, [body])


def collection_records(request: Request, limit: int = 200) -> tuple[list[Any], bool] | Response:
    """The ``records`` and ``allOrNone`` of an sObject Collections body, or the documented error answer."""
    try:
        body = request.json()
    except ValueError:
        return error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON")
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        return error(400, "INVALID_FIELD", "records is required")
    if len(records) > limit:
        return error(400, "EXCEEDED_ID_LIMIT", f"record limit reached. cannot submit more than {limit} records "
                     "into this call")
    return records, bool(body.get("allOrNone", False))


class SaveError(Exception):
    def __init__(self, code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or []
