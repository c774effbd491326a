"""``pac_core.rounding.half_up``: the one rounding of the figures pac shows, half up as a manager rounds (audit F5).

Each expectation is a tie worked by hand; the half-to-even figure Python's ``round`` and ``f"{x:.0f}"`` give is
in the docstring. Where each output uses it: test_rounding_sites.py.
"""

from __future__ import annotations

from decimal import Decimal

from pac_core.rounding import half_up

D = Decimal


class TestHalfUp:
    def test_ties_go_away_from_zero(self) -> None:
        """12.5 -> 13 (even: 12), 2.5 -> 3 (2), 1234.5 -> 1235 (1234), -12.5 -> -13 (-12), 1.25 -> 1.3 at one
        place (1.2), 10.005 -> 10.01 at two (10.00)."""
        assert half_up(12.5) == 13 and half_up(2.5) == 3 and half_up(D("1234.5")) == 1235
        assert half_up(-12.5) == -13
        assert str(half_up(1.25, 1)) == "1.3" and str(half_up(D("10.005"), 2)) == "10.01"

    def test_ratios_as_percentages(self) -> None:
        """1/8 = 12.5 % -> 13, 5/8 = 62.5 % -> 63, 1/40 = 2.5 % -> 3; 0.145 is 14.5 % -> 15, although the float
        0.145 * 100 is 14.499999999999998 (which f"{:.0f}" writes 14)."""
        assert [half_up(r, percent=True) for r in (0.125, 0.625, 0.025, 0.145)] == [13, 63, 3, 15]
        assert half_up(D(1) / D(8), percent=True) == 13
        assert str(half_up(0.0125, 1, percent=True)) == "1.3"

    def test_never_minus_zero_and_exact_places(self) -> None:
        """-0.4 rounds to 0, not -0; the result prints its places: 3 -> "3.00" at two."""
        assert str(half_up(-0.4)) == "0" and str(half_up(-0.004, percent=True)) == "0"
        assert str(half_up(3, 2)) == "3.00" and f"{half_up(D('1234567.5')):,}" == "1,234,568"
