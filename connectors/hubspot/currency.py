"""A HubSpot deal in another currency than the portal's, with the portal's rate of its close (pure functions).

In a multi-currency portal each deal keeps ``amount`` in its own currency (``deal_currency_code``) and HubSpot adds
``amount_in_home_currency`` ("Amount in company currency", a calculated default deal property): the amount converted
with the portal's exchange rate, the one in force at the close date once the deal is closed won (knowledge base,
"HubSpot's default deal properties"; settings API, "Currencies"). HubSpot's own deal reports sum that figure.

So, when a deal's currency is not the portal's company currency (mapping ``deals.home_currency``, else
``deals.default_currency``), the deal keeps its own amount, currency and lines, and the two amounts as its rates
(``home_rates``: a ``pac_core.records.CrmRates`` pairing the company currency's amount with the deal's). The engine
converts with them (``pac_core.revenue.conversion``): in a plan of the company currency the deal counts
``amount_in_home_currency`` and each line ``line x home amount / amount``, rounded half up to the company currency's
minor unit (cents for most, none for JPY), one line at a time, as before; in a plan of the deal's own currency it
counts its own amount (audit multi F4); in a third currency, the company currency's amount through ``fx_rates``.
The Salesforce connector keeps a multi-currency org's rates with its deals in the same way (docs/hubspot.md,
docs/salesforce.md).
"""

from __future__ import annotations

from decimal import Decimal

from pac_core.money import minor_digits
from pac_core.records import CrmRates

# How deals are read in a portal with a company currency, besides the connector's DEAL_RULES: each keeps its own amount
# with HubSpot's company-currency amount as its rates (before, only the company-currency amount): the deals of such a
# portal are read again once, and only theirs
OWN_AMOUNTS = "own amounts with the company currency's"


def home_rates(amount: Decimal | None, home_amount: Decimal | None, currency: str, home: str) -> CrmRates | None:
    """The deal's rates between its ``currency`` and the company currency ``home``: the two amounts HubSpot gives;
    None when they say none (no amount, no home amount, or an amount of 0 that gives no ratio): the deal then keeps
    its own currency alone, converted by ``fx_rates``."""
    if amount is None or home_amount is None or amount == 0:
        return None
    return CrmRates(home, tuple(sorted(((home, home_amount), (currency, amount)))), minor_digits(home))
