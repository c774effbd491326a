"""A HubSpot deal in another currency than the portal's, taken in the portal's company currency (pure functions).

In a multi-currency portal each deal keeps ``amount`` in its own currency (``deal_currency_code``) and HubSpot adds
``amount_in_home_currency`` ("Amount in company currency", a calculated default deal property): the amount converted
with the portal's exchange rate, the one in force at the close date once the deal is closed won (knowledge base,
"HubSpot's default deal properties"; settings API, "Currencies"). HubSpot's own deal reports sum that figure.

So, when a deal's currency is not the portal's company currency (mapping ``deals.home_currency``, else
``deals.default_currency``), the connector takes the deal in the company currency: its amount is
``amount_in_home_currency`` and each line item's amount is scaled by the same ratio (home amount / amount), rounded
to the company currency's minor unit (cents for most, none for JPY), half up, one line at a time. The engine's
``fx_rates`` then only bridge the company currency to the plan's, when they differ. The Salesforce connector
converts a multi-currency org's amounts into its corporate currency in the same place (docs/hubspot.md,
docs/salesforce.md).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from pac_core.records import DealLine

# ISO 4217 minor units of the currencies that do not have two decimals (the rest have cents)
_MINOR_UNITS = {**dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
                                 "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
                **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3)}


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal("0.01")`` for EUR, ``Decimal("1")`` for JPY."""
    return Decimal(1).scaleb(-_MINOR_UNITS.get(currency.upper(), 2))


def in_home_currency(amount: Decimal | None, home_amount: Decimal | None, lines: tuple[DealLine, ...],
                     home: str) -> tuple[Decimal, tuple[DealLine, ...]] | None:
    """The deal's amount and lines in the company currency ``home``; None when they cannot be (no amount, no home
    amount, or an amount of 0 that gives its lines no ratio): the deal then keeps its own currency."""
    if amount is None or home_amount is None or amount == 0:
        return None
    ratio, cent = home_amount / amount, minor_unit(home)
    return home_amount, tuple(line if line.amount is None else
                              replace(line, amount=(line.amount * ratio).quantize(cent, rounding=ROUND_HALF_UP))
                              for line in lines)
