"""The engine's tunables (``EngineSettings``), apart from the engine so that reading settings loads no NumPy:
``pac_config.settings`` builds them at start-up for every command; ``pac_core.engine`` re-exports them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

ATTRIBUTIONS = ("full", "split")
SETTINGS_FILE = "pac.yaml"       # the shipped settings file's name (config/pac.yaml)
_NO_RATES: Mapping[str, Decimal] = MappingProxyType({})


@dataclass(frozen=True)
class EngineSettings:
    """Every tunable of the engine and the advisor; defaults are documented in docs/engine.md.

    Ratios are floats (0.5 = 50 %); ``capacity`` is a quantity per product per calendar quarter.
    """

    fx_rates: Mapping[str, Decimal] = field(default_factory=lambda: _NO_RATES)  # currency -> rate into plan's
    attribution_days: int = 90               # conversion window after a visit, in days
    dormant_default_months: int = 12         # "dormant" without a CRM flag: won before, none in this many months
    attribution: str = "full"                # "full": a deal counts for every axis holding it; "split": evenly
    rollout_min_roi: float = 0.5             # roll out: ROI at least this...
    rollout_max_months_to_roi: float = 6.0   # ...and paid back within this many months...
    rollout_lagging_growth: float = 0.05     # ...to horizontal segments growing less than this...
    rollout_min_elapsed: float = 0.2         # ...once this share of the objective's period has elapsed
    drop_max_roi: float = 0.0                # drop: ROI below this...
    drop_min_elapsed: float = 0.5            # ...once this share of the objective's period has elapsed
    prioritise_min_decline: float = 0.10     # prioritise: segment revenue down by at least this vs baseline...
    prioritise_min_elapsed: float = 0.1      # ...once this share of the plan's period (the trend's span) has elapsed
    suspend_load: float = 0.9                # suspend: (won + committed) / capacity at least this
    committed_weight: Decimal = Decimal("0.5")   # weight of open deals' quantities in "committed"
    capacity: Mapping[str, Decimal] = field(default_factory=lambda: _NO_RATES)  # product -> quantity/quarter
    near_miss_limit: int = 50                # near misses kept per action (the rest are counted, not listed)
    counted_limit: int = 1000                # counted activities listed per action
    deal_decision_limit: int = 50            # counted deals listed per axis
    # the settings file the fixes name (« add it to engine.fx_rates in prod.yaml »): the one PAC_CONFIG or --config
    # named, filled by ``pac_config.settings.engine_settings``; the shipped name when none was read (audit leftsmall)
    settings_file: str = SETTINGS_FILE

    def __post_init__(self) -> None:
        if self.attribution not in ATTRIBUTIONS:
            raise ValueError(f"unknown attribution rule {self.attribution!r}: use one of {ATTRIBUTIONS}")
        # configuration files give numbers as int, float or text: money and quantities become exact Decimals
        # (through str, so 0.92 stays 0.92), thresholds floats, currency codes upper-case
        fix = object.__setattr__
        fix(self, "fx_rates", MappingProxyType({str(k).upper(): _decimal(v) for k, v in self.fx_rates.items()}))
        fix(self, "capacity", MappingProxyType({str(k): _decimal(v) for k, v in self.capacity.items()}))
        fix(self, "committed_weight", _decimal(self.committed_weight))
        for name in ("rollout_min_roi", "rollout_max_months_to_roi", "rollout_lagging_growth", "rollout_min_elapsed",
                     "drop_max_roi", "drop_min_elapsed", "prioritise_min_decline", "prioritise_min_elapsed",
                     "suspend_load"):
            fix(self, name, float(getattr(self, name)))

    @property
    def roi_limits(self) -> tuple[tuple[float, bool], ...]:
        """The thresholds the advisor compares an axis's ROI with, as ``money.apart`` takes them: rolled out at
        ``rollout_min_roi`` or more, dropped below ``drop_max_roi`` (the threshold counts with the figures above)."""
        return ((self.rollout_min_roi, True), (self.drop_max_roi, True))

    @property
    def trend_limits(self) -> tuple[tuple[float, bool], ...]:
        """The thresholds the advisor compares a segment's trend with: a roll-out's target below
        ``rollout_lagging_growth`` (the threshold counts above), prioritised at ``-prioritise_min_decline`` or less
        (the threshold counts below)."""
        return ((self.rollout_lagging_growth, True), (-self.prioritise_min_decline, False))

    @property
    def payback_limits(self) -> tuple[tuple[float, bool], ...]:
        """The threshold the advisor compares an axis's payback (months) with: rolled out within
        ``rollout_max_months_to_roi`` (the threshold counts with the figures below)."""
        return ((self.rollout_max_months_to_roi, False),)


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
