"""Lines made from one product library item, kept together (audit hsproductid, 6 Dec 2026).

A HubSpot line item is its deal's copy of a product library item (``hs_product_id``): it keeps the name and SKU it was
sold under when the item is renamed or its SKU changed in the library, so its old and new line items hold different
names. ``linked`` gives each line made from an item (``DealLine.product_id``, per CRM connector) every SKU and name
that item is known by: those the item's lines hold, and those the library gave it when pac read them
(``DealLine.codes`` / ``names``). A plan naming the old SKU or name then counts the lines sold after the rename, and one
naming the new ones the lines sold before it, as one product (``revenue._line_values``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pac_core.records import DealLine

Lines = tuple[DealLine, ...]


def linked(sources: Sequence[str], lines: Sequence[Lines]) -> list[Lines] | None:
    """Each deal's ``lines`` (its CRM connector in ``sources``) with each line made from a product library item knowing
    every SKU (``codes``) and name (``names``) of that item (above); None when no line needs to change."""
    codes: dict[tuple[str, str], dict[str, None]] = {}
    names: dict[tuple[str, str], dict[str, None]] = {}
    for source, held in zip(sources, lines, strict=True):
        for line in held:
            if line.product_id is not None:
                key = (source, line.product_id)
                codes.setdefault(key, {}).update(dict.fromkeys(v for v in (line.code, *line.codes) if v))
                names.setdefault(key, {}).update(dict.fromkeys(v for v in (line.name, *line.names) if v))
    if not codes:
        return None
    known = {k: (tuple(codes[k]), tuple(names[k])) for k in codes}
    changed = False
    out: list[Lines] = []
    for source, held in zip(sources, lines, strict=True):
        new = held
        if any(ln.product_id is not None for ln in held):
            new = tuple(ln if ln.product_id is None or known[(source, ln.product_id)] == (ln.codes, ln.names)
                        else replace(ln, codes=known[(source, ln.product_id)][0],
                                     names=known[(source, ln.product_id)][1]) for ln in held)
            changed = changed or any(a is not b for a, b in zip(new, held, strict=True))
        out.append(new)
    return out if changed else None
