"""Client-wide request limits: the in-flight cap, the rate limit, and the pause after a 429.

The rate limit is checked on a frozen event-loop clock that the test moves by hand, so what is
asserted is how many requests the limiter lets out per tick of (virtual) time, never how long
anything took on this machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from twilio_monitor_async import TwilioMonitorClient, ValidationError
from twilio_monitor_async.limits import RequestLimits
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from .conftest import FAST_RETRY
from .waiting import until


class FrozenClock:
    """Replaces the running loop's clock: time moves only when the test says so."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.now = loop.time()

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def frozen_clock() -> AsyncIterator[FrozenClock]:
    loop = asyncio.get_running_loop()
    clock = FrozenClock(loop)
    loop.time = clock  # type: ignore[method-assign]
    try:
        yield clock
    finally:
        del loop.time  # back to the class's clock


async def _settle() -> None:
    for _ in range(200):
        await asyncio.sleep(0)


async def _frozen_until(condition: Callable[[], bool]) -> None:
    # Timers never fire on the frozen clock: poll by yielding only, with a large bound.
    await until(condition, polls=2_000_000, pause=0)


async def _sids(fake: FakeTwilio, n: int) -> list[str]:
    async with fake.client() as client:
        return [a.sid async for a in client.alerts.stream(limit=n) if a.sid]


async def test_rate_limit_lets_one_request_out_per_interval(
    fake: FakeTwilio, frozen_clock: FrozenClock
) -> None:
    sids = await _sids(fake, 5)
    fake.stats.reset()
    async with fake.client(retry=FAST_RETRY, rate_limit=10) as client:  # one per 0.1 s
        tasks = [asyncio.ensure_future(client.alerts.fetch(sid)) for sid in sids]
        await _frozen_until(lambda: any(t.done() for t in tasks))
        await _settle()
        seen = [fake.stats.requests]
        for _ in range(4):
            frozen_clock.advance(0.1001)  # one interval (and a hair, for float rounding)
            before = sum(t.done() for t in tasks)
            await _frozen_until(lambda before=before: sum(t.done() for t in tasks) > before)  # type: ignore[misc]
            await _settle()
            seen.append(fake.stats.requests)
        results = await asyncio.gather(*tasks)
    assert seen == [1, 2, 3, 4, 5]
    assert [r.sid for r in results] == sids


async def test_without_a_rate_limit_the_frozen_clock_holds_nothing_back(
    fake: FakeTwilio, frozen_clock: FrozenClock
) -> None:
    sids = await _sids(fake, 5)
    fake.stats.reset()
    async with fake.client(retry=FAST_RETRY) as client:
        results = await asyncio.gather(*(client.alerts.fetch(sid) for sid in sids))
    assert fake.stats.requests == 5
    assert [r.sid for r in results] == sids


async def test_max_in_flight_caps_all_the_work_of_a_client(fake: FakeTwilio) -> None:
    sids = await _sids(fake, 40)
    fake.stats.reset()
    fake.faults.latency = 0.02
    async with fake.client(retry=FAST_RETRY, max_in_flight=3, max_connections=50) as client:
        # two fan-outs and a stream at once: one budget for all of them
        many = [o async for o in client.alerts.fetch_many(sids[:20], concurrency=10)]
        both = await asyncio.gather(
            client.alerts.list(limit=300, page_size=50),
            asyncio.gather(*(client.alerts.fetch(sid) for sid in sids[20:])),
        )
        assert client.limits.stats.max_in_flight == 3
    assert all(o.ok for o in many)
    assert len(both[0]) == 300
    assert 1 < fake.stats.max_in_flight <= 3


async def test_a_429_pauses_the_whole_client_and_the_work_completes(fake: FakeTwilio) -> None:
    fake.faults = FaultPlan(rate=0.3, kinds=("429",), retry_after=0.01, seed=3)
    async with fake.client(retry=FAST_RETRY) as client:
        alerts = await client.alerts.list(page_size=100)
        assert client.stats.retries["429"] > 0
        assert client.limits.stats.pauses > 0
    assert len(alerts) == 1200
    assert len({a.sid for a in alerts}) == 1200


def test_limits_refuse_nonsense() -> None:
    with pytest.raises(ValidationError, match="max_in_flight"):
        RequestLimits(max_in_flight=0)
    with pytest.raises(ValidationError, match="rate_limit"):
        RequestLimits(rate_limit=-1)
    with pytest.raises(ValidationError, match="rate_limit"):
        TwilioMonitorClient(rate_limit=True)  # type: ignore[arg-type]
    assert "max_in_flight=4" in repr(RequestLimits(max_in_flight=4))
