"""How many requests a client keeps in flight: an adaptive limit that finds the account's own.

Twilio caps the REST requests an account has in flight at once and answers the excess at once
with 429 (error 20429), without saying what the cap is; every response carries
``Twilio-Concurrent-Requests``, the account's requests in flight when it was served. A fixed
client-side number is wrong both ways: above the cap a fan-out spends its time in 429s and
retries, below it the client waits for nothing. So the limit adapts, AIMD-style, the loss-based
scheme TCP and Netflix's concurrency-limits (``AIMDLimit``) use:

* **Slow start.** From ``initial`` the limit grows by one per healthy response (doubling every
  round trip) until the first 429, so a large account is reached in a few round trips.
* **Decrease** on a 429: the limit drops to our share of what the account was carrying when it
  refused (the header), so an overshoot is corrected in one step and the account's slots stay
  in use; without the header, multiplicatively, to ``backoff`` (0.9) times itself and never
  above our own requests in flight then. Only one decrease per round of
  requests: 429s for requests sent before the last decrease are counted, not acted on again.
* **Additive increase** afterwards: one more request per round trip while responses are healthy
  and the limit is in use (an idle client does not inflate its limit), but ten times slower once
  the header says the account is as busy as when it last refused: probing past a known cap costs
  a 429 each time, so it is done rarely.

``Twilio-Request-Duration`` is not used for the limit: Twilio refuses at once beyond the cap, so
response times do not rise before the 429s a delay gradient (Netflix's Gradient2) would look
for, while they do vary with page size, which such a gradient would mistake for queueing.

``AimdLimit`` is the pure algorithm (no clock, no asyncio), tested step by step.
``AdaptiveLimiter`` enforces it for asyncio callers: ``async with limiter.slot() as permit``,
waiting in FIFO order while the limit is reached; the transport reports each attempt's outcome
on the permit. Its ``stats`` show the current limit, the 429s and the time spent waiting.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from attrs import define

from .errors import ValidationError

__all__ = [
    "CONCURRENT_REQUESTS_HEADER",
    "DEFAULT_CEILING",
    "DEFAULT_INITIAL",
    "AdaptiveLimiter",
    "AimdLimit",
    "ConcurrencyStats",
    "Permit",
    "account_concurrency",
]

#: Twilio's header: the account's REST requests in flight when this one was served.
CONCURRENT_REQUESTS_HEADER = "Twilio-Concurrent-Requests"
#: Twilio's usual per-account cap on requests in flight.
DEFAULT_CEILING = 100
#: Where the limit starts: safe for small accounts, and slow start reaches 100 in 4 round trips.
DEFAULT_INITIAL = 10
#: Multiplicative decrease on a 429 (Netflix's AIMDLimit default).
DEFAULT_BACKOFF = 0.9
#: Additive increase, per round trip, once the account is known to be at its cap: a tenth.
PROBE_FACTOR = 0.1


def account_concurrency(value: str | None) -> int | None:
    """The ``Twilio-Concurrent-Requests`` header as a number, or None if absent or garbled."""
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _check_count(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(name, f"must be an integer >= {minimum}, got {value!r}")
    return value


class AimdLimit:
    """The adaptive limit itself: pure arithmetic over the outcomes it is told about.

    ``value`` is the number of requests that may be in flight. ``epoch`` counts decreases; a
    request remembers the epoch it was sent in, and a 429 from an older epoch changes nothing.
    """

    def __init__(
        self,
        *,
        initial: int = DEFAULT_INITIAL,
        ceiling: int = DEFAULT_CEILING,
        floor: int = 1,
        backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        _check_count("floor", floor)
        _check_count("ceiling", ceiling, floor)
        _check_count("initial", initial)
        if not 0.5 <= backoff < 1.0:
            raise ValidationError("backoff", f"must be in [0.5, 1.0), got {backoff!r}")
        self.floor = floor
        self.ceiling = ceiling
        self.backoff = backoff
        self.limit = float(min(max(initial, floor), ceiling))
        self.slow_start = True
        self.epoch = 0
        #: The account's requests in flight when it last refused one (None: never refused).
        self.account_cap: int | None = None

    def __repr__(self) -> str:
        return (
            f"<AimdLimit value={self.value} ceiling={self.ceiling} floor={self.floor} "
            f"slow_start={self.slow_start} account_cap={self.account_cap}>"
        )

    @property
    def value(self) -> int:
        return int(self.limit)

    def on_success(self, in_flight: int, account: int | None) -> None:
        """A healthy response. ``in_flight``: our requests in flight, this one included;
        ``account``: the response's ``Twilio-Concurrent-Requests`` (None when absent)."""
        # The header counts the account's requests when this one *arrived*; ours still in flight
        # count now. The larger says best how busy the account is.
        busy = in_flight if account is None else max(account, in_flight)
        cap = self.account_cap
        if cap is not None and busy > cap:
            self.account_cap = cap = busy  # the account carries more than it did: a new cap
        if in_flight * 2 < self.limit:
            return  # the limit is not what holds us back: do not grow it on faith
        if self.slow_start:
            step = 1.0
        else:
            step = 1.0 / self.limit  # one per round trip: a round trip is ``limit`` responses
            if cap is not None and busy >= cap:
                step *= PROBE_FACTOR
        self.limit = min(float(self.ceiling), self.limit + step)
        if self.limit >= self.ceiling:
            self.slow_start = False

    def on_rejected(self, in_flight: int, account: int | None, sent_epoch: int) -> bool:
        """A 429. ``in_flight``: our *other* requests in flight; ``account``: the header, if
        any; ``sent_epoch``: ``epoch`` when the refused request was sent. Returns whether the
        limit was decreased (False for a 429 of a round already acted on)."""
        if sent_epoch < self.epoch:
            return False
        # What the account was carrying when it refused: its cap, as far as we can tell. Our
        # share of it is at most what we had in flight (others may hold the rest).
        carried = account if account is not None else in_flight
        self.account_cap = carried
        share = min(carried, in_flight)
        # Told what the account carried, the limit goes to our share of it, no lower: a
        # multiplicative margin would only leave the account's slots idle. Not told, it backs off.
        cut = self.limit if account is not None else self.limit * self.backoff
        self.limit = max(float(self.floor), min(cut, float(share)))
        self.slow_start = False
        self.epoch += 1
        return True


@define
class ConcurrencyStats:
    """What the adaptive limiter did: its limit now, the 429s it saw, the time callers waited.

    ``limit``: requests allowed in flight now; ``ceiling``: the most it may grow to;
    ``in_flight`` / ``max_in_flight``: attempts on the wire now / at most; ``rejected``: 429
    responses; ``decreases``: times the limit was cut; ``waits`` / ``wait_seconds``: attempts
    that had to wait for a slot, and their total wait; ``account_concurrency``: the last
    ``Twilio-Concurrent-Requests`` seen (None if the server sends none).
    """

    limit: int = 0
    ceiling: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    rejected: int = 0
    decreases: int = 0
    waits: int = 0
    wait_seconds: float = 0.0
    account_concurrency: int | None = None

    def summary(self) -> str:
        """One line for people: the limit now, the 429s, the time spent waiting for a slot."""
        return (
            f"concurrency limit {self.limit}, {self.rejected:,} rejected (429), "
            f"{self.wait_seconds:.1f}s waiting for a slot"
        )


class Permit:
    """One attempt's hold on a slot. The transport reports how the attempt went on it."""

    __slots__ = ("_limiter", "epoch", "outcome")

    def __init__(self, limiter: AdaptiveLimiter, epoch: int) -> None:
        self._limiter = limiter
        self.epoch = epoch
        self.outcome: str | None = None

    def succeeded(self, account: int | None = None) -> None:
        """A response that was not a 429 (errors other than 429 say nothing about the cap)."""
        if self.outcome is None:
            self.outcome = "ok"
            self._limiter._succeeded(account)

    def rejected(self, account: int | None = None) -> None:
        """A 429 response."""
        if self.outcome is None:
            self.outcome = "429"
            self._limiter._rejected(self, account)


class AdaptiveLimiter:
    """Enforces an ``AimdLimit`` on asyncio callers, in FIFO order.

    ``clock`` (seconds, monotonic) only measures waiting time for the stats; it is injectable so
    that tests see exact figures.
    """

    def __init__(
        self, limit: AimdLimit | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.algorithm = limit if limit is not None else AimdLimit()
        self._clock = clock
        self._in_flight = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._stats = ConcurrencyStats(limit=self.algorithm.value, ceiling=self.algorithm.ceiling)

    def __repr__(self) -> str:
        return f"<AdaptiveLimiter limit={self.limit} in_flight={self._in_flight}>"

    @property
    def limit(self) -> int:
        return self.algorithm.value

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def stats(self) -> ConcurrencyStats:
        """Live figures (the same object throughout, updated as requests come and go)."""
        return self._stats

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Permit]:
        """Hold one slot for the body of the block; wait first while the limit is reached."""
        permit = await self.acquire()
        try:
            yield permit
        finally:
            self.release()

    async def acquire(self) -> Permit:
        if self._in_flight >= self.algorithm.value or self._waiters:
            started = self._clock()
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter  # the releaser counted us in flight before waking us
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self.release()  # woken and cancelled at once: give the slot back
                elif waiter in self._waiters:  # (a wake-up may have dropped it already)
                    self._waiters.remove(waiter)
                raise
            self._stats.waits += 1
            self._stats.wait_seconds += self._clock() - started
        else:
            self._in_flight += 1
        stats = self._stats
        stats.in_flight = self._in_flight
        if self._in_flight > stats.max_in_flight:
            stats.max_in_flight = self._in_flight
        return Permit(self, self.algorithm.epoch)

    def release(self) -> None:
        self._in_flight -= 1
        self._stats.in_flight = self._in_flight
        self._wake()

    def _wake(self) -> None:
        limit = self.algorithm.value
        waiters = self._waiters
        while waiters and self._in_flight < limit:
            waiter = waiters.popleft()
            if not waiter.done():
                self._in_flight += 1
                waiter.set_result(None)

    def _succeeded(self, account: int | None) -> None:
        if account is not None:
            self._stats.account_concurrency = account
        before = self.algorithm.value
        self.algorithm.on_success(self._in_flight, account)
        if self.algorithm.value > before:
            self._stats.limit = self.algorithm.value
            self._wake()

    def _rejected(self, permit: Permit, account: int | None) -> None:
        self._stats.rejected += 1
        if account is not None:
            self._stats.account_concurrency = account
        if self.algorithm.on_rejected(self._in_flight - 1, account, permit.epoch):
            self._stats.decreases += 1
            self._stats.limit = self.algorithm.value
