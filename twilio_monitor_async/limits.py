"""Request limits shared by all the work of one client: requests in flight, a rate, 429 pauses.

Twilio throttles an account on concurrent requests (and answers 429 past the limit), so a big
fan-out, a sharded export and a prefetching stream running side by side must all draw on the same
budget. The transport takes one ``RequestLimits`` and holds a slot only while an attempt is on the
wire: a request sleeping before its retry gives its slot to others. How many slots there are
adapts to the account (``concurrency.AdaptiveLimiter``): ``max_in_flight`` is its ceiling. The optional rate is a leaky
bucket (aiolimiter) with no burst, so ``rate_limit=20`` really means one request every 50 ms.

A 429 feeds back in two ways: the retry policy retries the request after its ``Retry-After``, and
the limits hold every *new* attempt of the client until that moment, so the rest of the work backs
off too instead of hammering an account that is already over its limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter
from attrs import define

from .concurrency import DEFAULT_CEILING, AdaptiveLimiter, AimdLimit, Permit
from .errors import ValidationError

__all__ = ["LimitStats", "RequestLimits"]


@define
class LimitStats:
    """What the limits did: the most attempts seen in flight at once, and 429 pauses."""

    in_flight: int = 0
    max_in_flight: int = 0
    pauses: int = 0


class RequestLimits:
    """The request budget of one client: at most ``max_in_flight`` requests on the wire (the
    adaptive limit's ceiling; None: the default, 100), at most ``rate_limit`` a second (None: no
    rate limit)."""

    def __init__(
        self, *, max_in_flight: int | None = None, rate_limit: float | None = None
    ) -> None:
        if max_in_flight is not None and (
            isinstance(max_in_flight, bool)
            or not isinstance(max_in_flight, int)
            or max_in_flight < 1
        ):
            raise ValidationError("max_in_flight", "must be a positive integer or None")
        if rate_limit is not None and (
            isinstance(rate_limit, bool)
            or not isinstance(rate_limit, int | float)
            or not rate_limit > 0
        ):
            raise ValidationError("rate_limit", "must be a positive number of requests a second")
        self.max_in_flight = DEFAULT_CEILING if max_in_flight is None else max_in_flight
        self.rate_limit = None if rate_limit is None else float(rate_limit)
        self.stats = LimitStats()
        self.concurrency = AdaptiveLimiter(AimdLimit(ceiling=self.max_in_flight))
        # Created lazily: asyncio primitives bind to the loop that first uses them.
        self._limiter: AsyncLimiter | None = None
        self._resume_at = 0.0

    def __repr__(self) -> str:
        return f"<RequestLimits max_in_flight={self.max_in_flight} rate_limit={self.rate_limit}>"

    def pause_until(self, when: float) -> None:
        """Hold new attempts until loop time ``when`` (called on a 429 with Retry-After)."""
        if when > self._resume_at:
            self._resume_at = when
            self.stats.pauses += 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Permit]:
        """Wait for the budget, then hold one in-flight slot for the body of the block; report
        the attempt's outcome on the permit (``succeeded`` / ``rejected``)."""
        loop = asyncio.get_running_loop()
        # A loop, not an Event: another 429 may push the moment further while we sleep.
        while (delay := self._resume_at - loop.time()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)
        if self.rate_limit is not None and self._limiter is None:
            # max_rate=1 over 1/rate seconds: a bucket of one, so no burst above the rate.
            self._limiter = AsyncLimiter(1, 1.0 / self.rate_limit)
        async with self.concurrency.slot() as permit:
            if self._limiter is not None:
                await self._limiter.acquire()
            stats = self.stats
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            try:
                yield permit
            finally:
                stats.in_flight -= 1
