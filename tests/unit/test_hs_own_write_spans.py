"""pac's own company writes, left out of the next incremental search: the spans and the filter groups around them."""

from __future__ import annotations

from connectors.hubspot.reads import MAX_SKIP_SPANS, MODIFIED, _gaps, own_write_spans


def test_writes_close_together_make_one_span_and_a_pause_starts_another() -> None:
    stamps = [1_000, 1_500, 2_000, 200_000, 200_300, 50]
    assert own_write_spans(stamps, since_ms=100) == [(1_000, 2_000), (200_000, 200_300)]


def test_only_the_latest_spans_are_kept() -> None:
    stamps = [i * 1_000_000 for i in range(1, 8)]
    spans = own_write_spans(stamps, since_ms=0)
    assert len(spans) == MAX_SKIP_SPANS and spans[-1] == (7_000_000, 7_000_000) and spans[0][0] == 4_000_000


def test_the_gaps_around_two_spans_are_three_filter_groups() -> None:
    gaps = _gaps([(1_000, 2_000), (5_000, 6_000)])
    bounds = [[(f["operator"], f["value"]) for f in gap] for gap in gaps]
    assert bounds == [[("LT", "1000")], [("GT", "2000"), ("LT", "5000")], [("GT", "6000")]]
    assert all(f["propertyName"] == MODIFIED for gap in gaps for f in gap)


def test_no_span_is_one_unbounded_group() -> None:
    assert _gaps([]) == [[]]
