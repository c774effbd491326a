"""The sandbox's HubSpot search semantics: operators, groups, sorts, the 10,000 cap."""

import pytest

from sandbox_crm.hubspot import search as hs


class Row:
    def __init__(self, id_, modified, **props):
        self.id, self.modified, self.props = str(id_), modified, props

    def value(self, prop):
        if prop == "hs_object_id":
            return self.id
        if prop == "hs_lastmodifieddate":
            return str(self.modified)
        return self.props.get(prop)


KINDS = {"hs_lastmodifieddate": "datetime", "hs_object_id": "number", "amount": "number"}
ROWS = [Row(i, 1000 + i // 2, name=f"Company {i}", amount=str(i * 10), zip="69003" if i % 2 else None)
        for i in range(1, 21)]


def _run(body):
    keys = [(r.modified, int(r.id)) for r in ROWS]
    return hs.run(body, ROWS, keys, lambda p: KINDS.get(p, "string"), {})


def _filters(*filters):
    return {"filterGroups": [{"filters": list(filters)}], "limit": 200}


class TestSearch:
    @pytest.mark.parametrize(("flt", "count"), [
        ({"propertyName": "amount", "operator": "GTE", "value": "100"}, 11),
        ({"propertyName": "amount", "operator": "BETWEEN", "value": "50", "highValue": "70"}, 3),
        ({"propertyName": "hs_object_id", "operator": "IN", "values": ["1", "2", "99"]}, 2),
        ({"propertyName": "hs_object_id", "operator": "NOT_IN", "values": ["1", "2"]}, 18),
        ({"propertyName": "zip", "operator": "HAS_PROPERTY"}, 10),
        ({"propertyName": "zip", "operator": "NOT_HAS_PROPERTY"}, 10),
        ({"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "company"}, 20),
        ({"propertyName": "name", "operator": "EQ", "value": "COMPANY 3"}, 1),
        ({"propertyName": "name", "operator": "NEQ", "value": "company 3"}, 19),
        ({"propertyName": "hs_lastmodifieddate", "operator": "GT", "value": "1009"}, 1),
        ({"propertyName": "hs_lastmodifieddate", "operator": "LT", "value": "1001"}, 1),
    ])
    def test_operators(self, flt, count):
        """Each documented operator filters as HubSpot describes it."""
        assert _run(_filters(flt))[1] == count

    def test_groups_are_ored(self):
        """Filter groups are ORed, filters inside a group ANDed."""
        body = {"filterGroups": [{"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": "1"}]},
                                 {"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": "2"}]}]}
        assert _run(body)[1] == 2

    def test_paging_and_descending_sort(self):
        """``after`` pages through results; a descending sort reverses them."""
        page, total, after = _run({"limit": 5, "sorts": [{"propertyName": "amount", "direction": "DESCENDING"}]})
        assert [r.id for r in page] == ["20", "19", "18", "17", "16"] and total == 20 and after == 5

    def test_cap(self):
        """Paging past 10,000 results is refused with a 400-style error."""
        with pytest.raises(hs.SearchError, match="10000"):
            _run({"after": "10000", "limit": 200})

    def test_limit_above_200(self):
        """A limit above 200 is refused."""
        with pytest.raises(hs.SearchError):
            _run({"limit": 201})

    def test_one_sorting_rule(self):
        """"Only one sorting rule can be applied to any search" (the search guide): a second is refused."""
        sorts = [{"propertyName": "hs_lastmodifieddate"}, {"propertyName": "hs_object_id"}]
        with pytest.raises(hs.SearchError, match="one sorting rule"):
            _run({"limit": 5, "sorts": sorts})

    def test_keyset_inside_one_stamp(self):
        """pac's page inside one stamp: ``EQ`` stamp and ``GT`` id, sorted by id, answers the stamp's higher ids."""
        body = _filters({"propertyName": "hs_lastmodifieddate", "operator": "EQ", "value": "1005"},
                        {"propertyName": "hs_object_id", "operator": "GT", "value": "10"})
        page, total, after = _run(body | {"sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]})
        assert [r.id for r in page] == ["11"] and total == 1 and after is None

    def test_keyset_from_a_stamp(self):
        """pac's page from a stamp: ``GTE`` stamp sorted by stamp, ascending, the stamp's records included."""
        body = _filters({"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "1008"})
        page, total, after = _run(body | {"limit": 3, "sorts": [{"propertyName": "hs_lastmodifieddate"}]})
        assert [(r.id, r.modified) for r in page] == [("16", 1008), ("17", 1008), ("18", 1009)]
        assert total == 5 and after == 3

    def test_body_of_more_than_3000_characters(self):
        """"If the body of your request exceeds 3,000 characters, a 400 error will be returned" (the search guide)."""
        ids = [str(10_000_000_000 + i) for i in range(250)]
        with pytest.raises(hs.SearchError, match="3000 characters"):
            _run(_filters({"propertyName": "hs_object_id", "operator": "NOT_IN", "values": ids}))

    def test_groups_from_one_stamp(self):
        """Two groups from one stamp (pac's page after a page that ended inside a stamp: later stamps, or that
        stamp's other ids), sorted by stamp: the stamp's other records first, then the later ones."""
        body = {"filterGroups": [
            {"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GT", "value": "1008"}]},
            {"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "EQ", "value": "1008"},
                         {"propertyName": "hs_object_id", "operator": "NOT_IN", "values": ["16"]}]}],
            "limit": 3, "sorts": [{"propertyName": "hs_lastmodifieddate"}]}
        page, total, after = _run(body)
        assert [r.id for r in page] == ["17", "18", "19"] and total == 4 and after == 3
