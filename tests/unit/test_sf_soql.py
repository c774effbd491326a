"""The sandbox's SOQL subset: parsing, filtering, ordering."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from sandbox_crm.salesforce import sf_id, to18
from sandbox_crm.salesforce.soql import SoqlError, parse, parse_datetime

ROWS = [
    {"Id": "3", "Type": "Visite client", "Stamp": datetime(2027, 5, 3, 7, 30, tzinfo=UTC), "Day": date(2027, 5, 3),
     "Owner": {"Email": "julie@x"}, "Amount": 10},
    {"Id": "1", "Type": "Réunion", "Stamp": datetime(2027, 5, 3, 7, 30, tzinfo=UTC), "Day": None,
     "Owner": {"Email": "marc@x"}, "Amount": None},
    {"Id": "2", "Type": None, "Stamp": datetime(2027, 5, 1, tzinfo=UTC), "Day": date(2027, 4, 1),
     "Owner": None, "Amount": 3},
]


def _resolve(row: dict[str, Any], path: str) -> Any:
    node: Any = row
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _ids(text: str) -> list[str]:
    return [r["Id"] for r in parse(text, _resolve).run(ROWS, _resolve)]


class TestSoql:
    def test_greater_or_equal_keeps_equal_timestamps(self) -> None:
        """>= on a datetime includes rows stamped exactly at the watermark, ordered by stamp then id."""
        assert _ids("SELECT Id FROM E WHERE Stamp >= 2027-05-03T07:30:00Z ORDER BY Stamp, Id") == ["1", "3"]

    def test_offset_datetime_literal(self) -> None:
        """A +02:00 literal is the same instant as its UTC form."""
        assert _ids("SELECT Id FROM E WHERE Stamp = 2027-05-03T09:30:00+02:00 ORDER BY Id") == ["1", "3"]

    def test_in_is_case_insensitive_and_null_safe(self) -> None:
        """IN matches text ignoring case, never matches null."""
        assert _ids("SELECT Id FROM E WHERE Type IN ('visite CLIENT', 'x')") == ["3"]

    def test_and_or_not_and_parentheses(self) -> None:
        """Boolean operators combine with the usual precedence."""
        text = "SELECT Id FROM E WHERE NOT (Type = null) AND (Amount > 5 OR Owner.Email LIKE 'marc%') ORDER BY Id"
        assert _ids(text) == ["1", "3"]

    def test_date_comparison_and_desc_nulls_last(self) -> None:
        """Dates compare as dates; DESC puts nulls last."""
        assert _ids("SELECT Id FROM E ORDER BY Day DESC") == ["3", "2", "1"]
        assert _ids("SELECT Id FROM E WHERE Day < 2027-05-01") == ["2"]

    def test_limit_offset_and_count(self) -> None:
        """LIMIT/OFFSET slice the ordered rows; COUNT() is recognised."""
        assert _ids("SELECT Id FROM E ORDER BY Id LIMIT 1 OFFSET 1") == ["2"]
        assert parse("SELECT COUNT() FROM E", _resolve).count

    def test_child_subquery_is_parsed(self) -> None:
        """A parent-to-child subquery in the select list is kept apart from the fields."""
        q = parse("SELECT Id, (SELECT Quantity FROM OpportunityLineItems) FROM Opportunity", _resolve)
        assert q.fields == ["Id"] and q.subqueries[0].sobject == "OpportunityLineItems"

    def test_escaped_quote_in_string(self) -> None:
        """Backslash escapes in strings are honoured (format_soql produces them)."""
        q = parse(r"SELECT Id FROM E WHERE Type = 'Traitement de l\'eau'", _resolve)
        assert q.run([{"Id": "9", "Type": "Traitement de l'eau"}], _resolve)[0]["Id"] == "9"

    @pytest.mark.parametrize("text", ["SELECT FROM E", "SELECT Id FROM E WHERE", "SELECT Id FROM E LIMIT x",
                                      "SELECT Id FROM E WHERE Id ~ 3", "DELETE FROM E"])
    def test_malformed_queries_raise(self, text: str) -> None:
        """What is outside the subset is refused with SoqlError."""
        with pytest.raises(SoqlError):
            parse(text, _resolve)

    def test_salesforce_datetime_format(self) -> None:
        """The +0000 form Salesforce returns parses to aware UTC."""
        assert parse_datetime("2027-05-03T07:30:00.000+0000") == datetime(2027, 5, 3, 7, 30, tzinfo=UTC)


class TestIds:
    def test_documented_checksum(self) -> None:
        """The 18-character form of 0015000000Gv7qJ is 0015000000Gv7qJAAR."""
        assert to18("0015000000Gv7qJ") == "0015000000Gv7qJAAR"

    def test_generated_ids_are_18_characters_with_prefix(self) -> None:
        """Sandbox ids carry their object's key prefix and a valid checksum."""
        record_id = sf_id("00U", 123456)
        assert len(record_id) == 18 and record_id.startswith("00U") and to18(record_id[:15]) == record_id
