"""``pac_core.products.linked``: the lines made from one product library item know each other's SKUs and names, per
CRM connector (audit hsproductid)."""

from __future__ import annotations

from decimal import Decimal

from pac_core.products import linked
from pac_core.records import DealLine


def _line(code: str, name: str, product_id: str | None, codes: tuple[str, ...] = ()) -> DealLine:
    return DealLine(code, Decimal(1), Decimal(10), code=code, name=name, product_id=product_id, codes=codes)


def test_the_lines_of_one_item_know_every_sku_and_name() -> None:
    old, new = _line("PX-1", "Pompe PX", "7", codes=("PX-1",)), _line("PX-2", "Pompe PX v2", "7", codes=("PX-2",))
    out = linked(["hs", "hs"], [(old,), (new,)])
    assert out is not None
    assert [(ln.codes, ln.names) for (ln,) in out] == [(("PX-1", "PX-2"), ("Pompe PX", "Pompe PX v2"))] * 2


def test_the_same_id_in_two_connectors_is_two_products() -> None:
    """Two portals number their products apart: id 7 of one is not id 7 of the other."""
    a, b = _line("PX-1", "Pompe PX", "7"), _line("KIT", "Kit", "7")
    out = linked(["hs-fr", "hs-us"], [(a,), (b,)])
    assert out is not None
    assert [(ln.codes, ln.names) for (ln,) in out] == [(("PX-1",), ("Pompe PX",)), (("KIT",), ("Kit",))]


def test_lines_without_an_item_are_left_as_they_are() -> None:
    plain = _line("MAINT", "Maintenance", None)
    assert linked(["sf"], [(plain,)]) is None
    made = _line("PX-1", "Pompe PX", "7")
    out = linked(["hs", "hs"], [(plain,), (made,)])
    assert out is not None and out[0][0] is plain
