"""An amount of a CRM's currency as an amount of the plan's: how a deal's amounts (its amount, each line's) and an
account's annual revenue are converted, with the CRM's own rates when it gave them and ``engine.fx_rates`` otherwise.

The rules (``conversion``): an amount in the plan's currency, or with no currency (taken to be in the plan's), counts
as it is; with the CRM's own rates (``records.CrmRates``: a Salesforce org's rates of a deal's close date, or
``CurrencyType``'s for an account; HubSpot's two amounts of a deal) when they know both currencies, ``amount x
rate(plan) / rate(own)`` in one step; when they know the amount's currency only, into the CRM's corporate currency at
them and on with ``fx_rates`` of the corporate currency; otherwise ``fx_rates`` of the amount's currency; else no
conversion (``no_rate`` says which rate is missing). Each converted amount is rounded half up to the target's minor
unit (the corporate currency's ``DecimalPlaces`` for the CRM's own step into it), one record and one line at a time,
as the CRM's reports of converted amounts show them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pac_core.engine_settings import SETTINGS_FILE
from pac_core.money import minor_unit
from pac_core.records import CrmRates, DealLine

_ONE = Decimal(1)
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Conversion:
    """How a CRM's amounts (a deal's amount and each line's, an account's annual revenue) become amounts of the plan's
    currency: through each step ``(num, den, quantum)`` in turn, ``amount * num / den`` rounded half up to
    ``quantum``; no step (``SAME``): the amount is in the plan's currency and counts as it is. ``others``: a deal's
    lines priced in another currency than the deal (``DealLine.currency``), each such currency with its own
    conversion (None: no rate converts it), set by ``for_lines``."""

    steps: tuple[tuple[Decimal, Decimal, Decimal], ...] = ()
    others: tuple[tuple[str, Conversion | None], ...] = ()

    def __call__(self, amount: Decimal) -> Decimal:
        for num, den, quantum in self.steps:
            amount = (amount * num / den).quantize(quantum, rounding=ROUND_HALF_UP)
        return amount

    def line(self, line: DealLine) -> Decimal:
        """A line's amount in the plan's currency: 0 with no amount; at this conversion when the line is in its
        deal's currency, else at its own currency's (``others``), 0 when no rate converts it (the engine warns:
        ``revenue.line_currency_warnings``)."""
        if line.amount is None:
            return _ZERO
        if line.currency is None:
            return self(line.amount)
        for currency, rate in self.others:
            if currency == line.currency:
                return _ZERO if rate is None else rate(line.amount)
        return _ZERO


SAME = Conversion()


def conversion(
    deal_currency: str | None, rates: CrmRates | None, currency: str, fx_rates: Mapping[str, Decimal]
) -> Conversion | None:
    """How an amount of ``deal_currency`` (None: the plan's) becomes one of the plan's ``currency``; None when no
    rate says it (``no_rate`` says which). The plan's own currency needs none; with the CRM's own rates of the record
    (``rates``: a deal's of its close date, an account's ``CurrencyType`` ones), when they know ``deal_currency``: at
    them when they know the plan's currency too, else into the CRM's corporate currency at them (rounded to its
    decimals) and on with ``fx_rates`` of the corporate currency; otherwise ``fx_rates`` of ``deal_currency``."""
    cur = (deal_currency or currency).upper()
    if cur == currency:
        return SAME
    own = rates.rate(cur) if rates is not None else None
    if rates is not None and own is not None:
        into, corporate = rates.rate(currency), rates.corporate
        places = Decimal(1).scaleb(-rates.places)
        if into is not None:
            return Conversion(((into, own, places if currency == corporate else minor_unit(currency)),))
        bridge = fx_rates.get(corporate)
        if bridge is None:
            return None
        return Conversion(((rates.rate(corporate) or _ONE, own, places), (Decimal(bridge), _ONE, minor_unit(currency))))
    rate = fx_rates.get(cur)
    return None if rate is None else Conversion(((Decimal(rate), _ONE, minor_unit(currency)),))


def line_currencies(lines: Sequence[DealLine]) -> list[str]:
    """The currencies of a deal's lines priced in another currency than the deal (``DealLine.currency``), sorted."""
    return sorted({line.currency for line in lines if line.currency is not None})


def for_lines(rate: Conversion, lines: Sequence[DealLine], rates: CrmRates | None, currency: str,
              fx_rates: Mapping[str, Decimal]) -> Conversion:
    """``rate`` (a deal's conversion) with its lines' own currencies (``Conversion.others``), each converted as a
    deal of that currency would be (``conversion``: the deal's CRM rates when they know it, else ``fx_rates``):
    a HubSpot line of CHF 500 on an EUR deal counts 500 x ``fx_rates["CHF"]`` in an EUR plan. ``rate`` itself
    when every line is in the deal's currency (nearly every deal)."""
    own = line_currencies(lines)
    if not own:
        return rate
    return Conversion(rate.steps, tuple((cur, conversion(cur, rates, currency, fx_rates)) for cur in own))


def no_rate(deal_currency: str | None, rates: CrmRates | None, currency: str, file: str = SETTINGS_FILE) -> str:
    """Why ``conversion`` found no rate: the currency ``engine.fx_rates`` lacks, into the plan's currency; ``file``:
    the settings file to add it to (``EngineSettings.settings_file``)."""
    return no_rate_words(*no_rate_values(deal_currency, rates, currency), "en", file)


def no_rate_values(deal_currency: str | None, rates: CrmRates | None, currency: str) -> tuple[str, str, str]:
    """What ``no_rate`` names, as values: the amount's currency, the CRM's corporate currency when the CRM converts it
    into that one ("" otherwise), the plan's currency."""
    cur = (deal_currency or currency).upper()
    corporate = rates.corporate if rates is not None and rates.rate(cur) is not None else ""
    return cur, corporate, currency


NO_RATE = {"en": ("no exchange rate for {0} into {2} (add it to engine.fx_rates in {3})",
                  "no exchange rate for {1} into {2} (add it to engine.fx_rates in {3}; the CRM converts {0} into "
                  "{1} and has no rate for {2})"),
           "fr": ("pas de taux de change pour {0} en {2} (ajoutez-le à engine.fx_rates dans {3})",
                  "pas de taux de change pour {1} en {2} (ajoutez-le à engine.fx_rates dans {3} ; le CRM "
                  "convertit {0} en {1} et n'a pas de taux pour {2})")}


def no_rate_words(cur: str, corporate: str, currency: str, lang: str, file: str | None = None) -> str:
    """``no_rate`` in ``lang`` from its values (``no_rate_values``): the rate to add, and with a CRM that converts the
    amount into its corporate currency, that this is the one lacking; ``file``: the settings file it goes in, the one
    the user has (``EngineSettings.settings_file``; audit leftsmall: it said pac.yaml whatever PAC_CONFIG named)."""
    return NO_RATE[lang][bool(corporate)].format(cur, corporate, currency, file or SETTINGS_FILE)
