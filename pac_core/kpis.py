"""KPIs: pace, forecast, ROI and time to ROI. Pure arithmetic on figures the engine has computed.

* progress = done / target (a ratio, 1.0 = 100 %);
* expected by now = target x elapsed share of the window;
* pace: inactive (cancelled action, suspended or dropped axis) > done (target reached) > not started
  (window not open, or at its very first instant: the instant a period that ends there is evaluated at) >
  late (window closed, target missed) > on track (done >= expected by now, compared as done / target >= the share
  elapsed so that a float product cannot tip an exact figure; or less than ``FORECAST_MIN_SHARE``
  of the window elapsed: no verdict yet) > at risk. Behind the expected figure is the forecast below the target
  (done / share < target), so the pace waits as the forecast does: on 1 January at 02:00 an axis with 0 € of
  150 000 € (34 € expected) read « À risque » (audit year-end F4);
* forecast = done / elapsed share, never below done, capped at ``FORECAST_CAP`` x target (and at
  the scope's size when distinct accounts are counted); none (None: "too early") before ``FORECAST_MIN_SHARE`` of
  the window has elapsed, unless the target is already reached (then what is done): one visit a few hours into a
  quarter projected 200 % (audit B S1);
* ROI to date = (additional revenue x margin rate - cost to date) / cost to date, a ratio (0.5 = 50 %),
  the cost to date being the objective's cost pro-rated day for day over its period as a fixed baseline is
  (``revenue.prorated``): revenue to date against the cost to date, so it equals the whole period's ROI at the
  current pace, and at the period's end it is the whole cost's; None without a cost to date (no cost, a cost of
  0, or a period not started), and None ("too early") before ``FORECAST_MIN_SHARE`` of the objective's period, as
  the forecast: on 1 January at 02:00 a 5 000 € deal of 1 January last year against nothing yet read -6 488 %
  (audit reverify N7);
* time to ROI (months from the period's start) = the whole cost / (monthly additional revenue x margin rate),
  where the monthly additional revenue is the additional revenue to date / months elapsed; None when
  nothing additional is earned yet, and None for a cost of 0 (nothing to pay back: the report says « sans coût »,
  not « 0 mois »). It agrees with the ROI to date: positive exactly when the payback falls
  within the period (up to the day-versus-instant count of the elapsed share). None too before
  ``FORECAST_MIN_SHARE`` of the period, as the ROI.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pac_core.results import Pace
from pac_core.window import Window

FORECAST_CAP = 3.0
FORECAST_MIN_SHARE = 0.10     # share of the window elapsed before a forecast is given (target not reached)
DAYS_PER_MONTH = 365.25 / 12


def pace(done: float, target: float, expected: float, window: Window, as_of: datetime, *,
         inactive: bool = False) -> Pace:
    if inactive:
        return Pace.INACTIVE
    if target > 0 and done >= target:
        return Pace.DONE
    if as_of <= window.start:       # at its first instant nothing of the window has happened (revenue.last_day)
        return Pace.NOT_STARTED
    if as_of >= window.end:
        return Pace.LATE
    share = window.elapsed_share(as_of)
    if share < FORECAST_MIN_SHARE:
        return Pace.ON_TRACK        # too early for a verdict, as for a forecast (audit year-end F4)
    if target > 0:
        # done >= target x share, compared as done / target >= share: each side one correctly rounded division, so an
        # action exactly on its expected figure is on track, where the product lands a hair above the whole number
        # (46 x 54 / 92 = 27.000000000000004 read 27 done « À risque »; audit oracle-kpis)
        return Pace.ON_TRACK if done / target >= share else Pace.AT_RISK
    return Pace.ON_TRACK if done >= expected else Pace.AT_RISK


def forecast(done: float, target: float, share: float, ceiling: float | None = None) -> float | None:
    if share < FORECAST_MIN_SHARE:
        # too early to project: none, or what is done when the target is already reached (not 3 x the target)
        return float(done) if target > 0 and done >= target else None
    projected = done / share
    cap = FORECAST_CAP * target
    if ceiling is not None:
        cap = min(cap, ceiling)
    return float(max(done, min(projected, cap)))


def ratio(part: float | Decimal, whole: float | Decimal | int | None) -> float | None:
    if not whole:
        return None
    return float(part) / float(whole)


# how to read the CRM's ROI field, a ratio beside fields in percent (audit E F9): its help text in English and
# French, the same in Salesforce (inlineHelpText) and HubSpot (the property's description)
ROI_HELP = (
    "ROI to date as a ratio: 0.1875 is 18.75 % (19 % in the report), 1 is 100 %. (Additional revenue x margin rate "
    "- cost to date) / cost to date, the cost spread day by day over the objective's period: the period's ROI at "
    "the current pace.",
    "ROI à date en ratio : 0,1875 vaut 18,75 % (19 % dans le rapport), 1 vaut 100 %. (CA supplémentaire × marge − "
    "coût au prorata) / coût au prorata, le coût étant réparti jour par jour sur la période de l'objectif : le ROI "
    "de la période au rythme actuel.")


def roi(additional: Decimal, margin_rate: Decimal, cost: Decimal | None, *, share: float = 1.0) -> float | None:
    """(additional x margin_rate - cost) / cost; ``cost`` is the cost **to date** (``pac_core.revenue.prorated``).
    ``share``: of the objective's period elapsed; before ``FORECAST_MIN_SHARE`` None, "too early", as the forecast:
    the ROI to date projects the period's at the current pace, and two hours of a year against a deal of last
    1 January read -6 488 % (audit reverify N7)."""
    if cost is None or cost <= 0 or share < FORECAST_MIN_SHARE:
        return None
    return float((additional * margin_rate - cost) / cost)


def months_elapsed(window: Window, as_of: datetime) -> float:
    """Months of the window elapsed at ``as_of`` (average months of 30.44 days)."""
    end = min(max(as_of.timestamp(), window.start.timestamp()), window.end.timestamp())
    return (end - window.start.timestamp()) / 86400 / DAYS_PER_MONTH


def time_to_roi_months(additional: Decimal, margin_rate: Decimal, cost: Decimal | None,
                       months: float, *, share: float = 1.0) -> float | None:
    """The payback in months (module docstring); None before ``FORECAST_MIN_SHARE`` of the period (``share``), as the
    ROI to date it agrees with."""
    if cost is None or months <= 0 or share < FORECAST_MIN_SHARE:
        return None
    if cost <= 0:
        return None     # nothing to pay back (audit E F5: it read « 0 mois »)
    margin = additional * margin_rate
    if margin <= 0:
        return None
    # in decimal arithmetic (the months' float exactly), one rounding at the end: a payback of exactly 6 months is
    # 6.0, which "within 6 months" keeps (binary floats read 6.000000000000001 for one case in five)
    return float(cost * Decimal(months) / margin)
