"""Request limits shared by all the work of one client: requests in flight, a rate, 429 pauses.

Twilio throttles an account on concurrent requests (and answers 429 past the limit), so a big
fan-out, a sharded export and a prefetching stream running side by side must all draw on the same
budget. The transport takes one ``RequestLimits`` and holds a slot only while an attempt is on the
wire: a request sleeping before its retry gives its slot to others. How many slots there are
adapts to the account (``concurrency.AdaptiveLimiter``): ``max_in_flight`` is its ceiling. The optional rate is a leaky
bucket (aiolimiter) with no burst, so ``rate_limit=20`` really means one request every 50 ms.

A 429 feeds back in two ways: the retry policy retries the request after its ``Retry-After``, and
the limits hold every *new* attempt of the client to the same host until that moment, so the rest
of the work backs off too instead of hammering an account that is already over its limit. The
pause is per host (a 429 from the status page does not hold Monitor calls), and the sender never
sets one longer than ``max_retry_after``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter
from attrs import define

from ._endpoints import check, positive_integer, request_rate
from .concurrency import DEFAULT_CEILING, AdaptiveLimiter, AimdLimit, Permit

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
        check("max_in_flight", max_in_flight, positive_integer)
        check("rate_limit", rate_limit, request_rate)
        self.max_in_flight = DEFAULT_CEILING if max_in_flight is None else max_in_flight
        self.rate_limit = None if rate_limit is None else float(rate_limit)
        self.stats = LimitStats()
        self.concurrency = AdaptiveLimiter(AimdLimit(ceiling=self.max_in_flight))
        # Created lazily: asyncio primitives bind to the loop that first uses them.
        self._limiter: AsyncLimiter | None = None
        #: Loop time before which no new attempt may start, by host.
        self._resume_at: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"<RequestLimits max_in_flight={self.max_in_flight} rate_limit={self.rate_limit}>"

    def pause_until(self, when: float, host: str = "") -> None:
        """Hold new attempts to ``host`` until loop time ``when`` (on a 429 with Retry-After)."""
        if when > self._resume_at.get(host, 0.0):
            self._resume_at[host] = when
            self.stats.pauses += 1

    def resume_in(self, host: str = "") -> float:
        """Seconds before a new attempt to ``host`` may start (0.0 when it is not paused)."""
        when = self._resume_at.get(host)
        if when is None:
            return 0.0
        left = when - asyncio.get_running_loop().time()
        if left <= 0:
            del self._resume_at[host]
            return 0.0
        return left

    @asynccontextmanager
    async def slot(self, host: str = "") -> AsyncIterator[Permit]:
        """Wait for the budget (and any pause of ``host``), then hold one in-flight slot for
        the body of the block; report the attempt's outcome on the permit (``succeeded`` /
        ``rejected``)."""
        permit = await self.acquire(host)
        try:
            yield permit
        finally:
            self.release()

    async def acquire(self, host: str = "") -> Permit:
        """``slot`` without the context manager, for the one caller on every request's path
        (the sender), where two nested generator-based context managers cost more than the
        rest of the bookkeeping: pair it with ``release()`` in a ``finally``."""
        # A loop, not an Event: another 429 may push the moment further while we sleep.
        while (delay := self.resume_in(host)) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)
        if self.rate_limit is not None and self._limiter is None:
            # max_rate=1 over 1/rate seconds: a bucket of one, so no burst above the rate.
            self._limiter = AsyncLimiter(1, 1.0 / self.rate_limit)
        permit = await self.concurrency.acquire()
        if self._limiter is not None:
            try:
                await self._limiter.acquire()
            except BaseException:
                self.concurrency.release()
                raise
        stats = self.stats
        stats.in_flight += 1
        if stats.in_flight > stats.max_in_flight:
            stats.max_in_flight = stats.in_flight
        return permit

    def release(self) -> None:
        """Give back the slot of an ``acquire``."""
        self.stats.in_flight -= 1
        self.concurrency.release()
