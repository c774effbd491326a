"""Rounding for the reader: the one function that says how pac rounds a figure it shows.

``half_up`` rounds a tie away from zero, as a manager does (12.5 % -> 13 %, 2.5 % -> 3 %, 1 234.5 € -> 1 235 €),
where Python's ``round``, ``f"{x:.0f}"`` and Babel round half to even (12 %, 2 %, 1 234 €): the report, the
KPI line written to the CRM, ``pac explain``, the advisor's sentences, the notifications and the CRM's numeric
fields all round through it, so one figure reads the same everywhere.

A float is read through its shortest decimal repr (``str``): 0.145 is the 0.145 the reader expects, not the
binary 0.14499999999999999 that ``f"{0.145 * 100:.0f}"`` sees; a percentage is scaled in decimal arithmetic
for the same reason (``percent=True``: 0.145 -> 14.5 -> 15). A result that rounds to zero is 0, never -0.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float | Decimal | int, decimals: int = 0, *, percent: bool = False) -> Decimal:
    """``value`` rounded half up (a tie away from zero) to ``decimals`` places; with ``percent``, ``value`` is a
    ratio (1.0 = 100 %) rounded as a percentage: ``half_up(0.125, percent=True)`` is ``Decimal("13")``.

    The result's exponent is ``-decimals``, so ``f"{d}"`` and ``f"{d:,}"`` print exactly ``decimals`` places."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if percent:
        d = d.scaleb(2)
    d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(d) if d == 0 else d
