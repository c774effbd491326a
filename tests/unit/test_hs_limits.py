"""The client-side limiter: 10-second window, search rate, daily share."""

import pytest

from connectors.base import QuotaExhausted
from connectors.hubspot.limits import RateLimiter


class FakeTime:
    def __init__(self):
        self.now, self.slept = 1000.0, []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 3))
        self.now += seconds


class TestRateLimiter:
    def test_waits_when_the_ten_second_window_is_full(self):
        """The 11th call within 10 s waits until the oldest call leaves the window (Max from headers)."""
        t = FakeTime()
        limiter = RateLimiter(clock=t.clock, sleep=t.sleep)
        limiter.observe({"X-HubSpot-RateLimit-Max": "10", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})
        for _ in range(10):
            limiter.before()
            t.now += 0.1
        limiter.before()
        assert t.slept == [9.0]

    def test_search_rate(self):
        """Two searches in a row are spaced by 1/4 s at the default 4 requests per second."""
        t = FakeTime()
        limiter = RateLimiter(clock=t.clock, sleep=t.sleep)
        limiter.before(search=True)
        limiter.before(search=True)
        assert t.slept == [0.25]

    def test_stops_before_the_daily_share(self):
        """With 499 of 1,000 daily calls used and a 50 % share, one call passes, the next is refused."""
        limiter = RateLimiter(max_daily_share=0.5)
        limiter.observe({"X-HubSpot-RateLimit-Daily": "1000", "X-HubSpot-RateLimit-Daily-Remaining": "501"})
        limiter.before()
        with pytest.raises(QuotaExhausted) as info:
            limiter.before()
        assert (info.value.used, info.value.limit) == (500, 1000)

    def test_share_must_be_a_fraction(self):
        """A share outside (0, 1] is a configuration error."""
        with pytest.raises(ValueError):
            RateLimiter(max_daily_share=1.5)
