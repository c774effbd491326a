"""``matching.Grouped``: the countable activities sorted by (owner and type group, instant), ties in row order, and
every action's window found by one sorted search of packed keys. Whatever the keys' layout (the row packed in the
key, a stable argsort of (group, instant), or a lexsort when instants are centuries apart), the order must be
NumPy's stable one and each window's rows exactly those a sorted search of the group's float instants gives."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pac_core.matching import Grouped

N_GROUPS = 12
DAY = 86_400_000_000


def _reference(grouped: Grouped, rows: np.ndarray, groups: np.ndarray, us: np.ndarray, ts: np.ndarray,
               windows: list[tuple[int, float, float]]) -> None:
    order = np.lexsort((us, groups))
    assert grouped.positions.tolist() == rows[order].tolist()
    sorted_groups = groups[order]
    codes = np.array([g for g, _, _ in windows], dtype=np.int64)
    starts = np.array([s for _, s, _ in windows], dtype=np.float64)
    ends = np.array([e for _, _, e in windows], dtype=np.float64)
    lo, hi = grouped.bounds(codes, starts, ends)
    for k, (g, s, e) in enumerate(windows):
        if g < 0:
            assert (lo[k], hi[k]) == (0, 0)
            continue
        first = int(np.searchsorted(sorted_groups, g))
        last = int(np.searchsorted(sorted_groups, g, side="right"))
        times = ts[rows[order][first:last]]
        want_lo = first + int(np.searchsorted(times, s))
        want_hi = max(want_lo, first + int(np.searchsorted(times, e)))
        assert (int(lo[k]), int(hi[k])) == (want_lo, want_hi), (g, s, e)


def _case(rng: np.random.Generator, n: int, table: int, low: int, span: int, unit: int
          ) -> tuple[Grouped, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[tuple[int, float, float]]]:
    rows = np.sort(rng.choice(table, n, replace=False)).astype(np.int64)
    groups = rng.integers(0, N_GROUPS - 2, n).astype(np.int64)    # the last two codes have no row
    us = low + rng.integers(0, span // unit + 1, n).astype(np.int64) * unit
    us[rng.random(n) < 0.2] = us[0]                                  # ties
    ts_table = np.zeros(table, dtype=np.float64)
    ts_table[rows] = us / 1_000_000
    grouped = Grouped.of(rows, groups, us, ts_table, N_GROUPS)
    picks = ts_table[rows[rng.integers(0, n, 40)]]
    edges = [*picks.tolist(), *(np.nextafter(picks, np.inf)).tolist(), *(np.nextafter(picks, -np.inf)).tolist(),
             low / 1_000_000 - 10, (low + span) / 1_000_000 + 10, -1e12, 1e12,
             *((low + rng.integers(0, span + 1, 40)) / 1_000_000).tolist()]
    windows = [(int(rng.integers(-1, N_GROUPS)), float(rng.choice(edges)), float(rng.choice(edges)))
               for _ in range(300)]
    return grouped, rows, groups, us, ts_table, windows


@pytest.mark.parametrize(("n", "table", "low", "span", "unit", "layout"), [
    (3_000, 5_000, 1_767_225_600_000_000, 730 * DAY, 1_000_000, "row in key"),     # whole seconds over two years
    (3_000, 5_000, 1_767_225_600_000_000, 730 * DAY, 60_000_000, "row in key"),    # whole minutes
    (20_000, 40_000, 1_767_225_600_000_000, 730 * DAY, 1, "argsort"),             # microseconds over two years
    (3_000, 5_000, -62_135_596_800_000_000, 3_000 * 365 * DAY, 1, "lexsort"),     # year 1 to 3000
    (3_000, 5_000, 1_767_225_600_000_000, 0, 1, "row in key"),                    # one instant for all
])
def test_order_and_windows_as_a_search_of_each_group(n: int, table: int, low: int, span: int, unit: int,
                                                     layout: str) -> None:
    rng = np.random.default_rng(n + span % 997 + unit)
    grouped, rows, groups, us, ts, windows = _case(rng, n, table, low, span, unit)
    assert layout == ("lexsort" if grouped.keys is None else "row in key" if grouped.time_shift else "argsort")
    _reference(grouped, rows, groups, us, ts, windows)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(-(2**50), 2**50), st.integers(0, 2**40), st.sampled_from([1, 1000, 10**6]),
       st.integers(0, 2**32))
def test_small_random_cases(n: int, low: int, span: int, unit: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    grouped, rows, groups, us, ts, windows = _case(rng, n, 2 * n + 1, low, span, unit)
    _reference(grouped, rows, groups, us, ts, windows)


def test_empty() -> None:
    empty = np.zeros(0, dtype=np.int64)
    grouped = Grouped.of(empty, empty, empty, np.zeros(3), N_GROUPS)
    lo, hi = grouped.bounds(np.array([0, -1]), np.array([0.0, 1.0]), np.array([5.0, 9.0]))
    assert lo.tolist() == hi.tolist() == [0, 0]
    assert grouped.slices([], [], empty) == {}
