"""The adaptive concurrency limit: the AIMD arithmetic step by step, and its asyncio enforcement.

The algorithm is pure, so it is driven here by a model of an account with a hidden cap, in rounds
(one round = one round trip): no network, no clock, every figure exact. The limiter's waiting
time is measured on an injected clock.
"""

from __future__ import annotations

import asyncio

import pytest

from twilio_monitor_async import ValidationError
from twilio_monitor_async.concurrency import (
    AdaptiveLimiter,
    AimdLimit,
    account_concurrency,
)


def run_rounds(
    limit: AimdLimit, cap: int, rounds: int, *, others: int = 0, header: bool = True
) -> tuple[int, int, list[int]]:
    """An account refusing anything past ``cap`` requests in flight (``others`` held by another
    client): each round sends ``limit.value`` requests at once. Returns (accepted, rejected,
    the limit after each round)."""
    accepted = rejected = 0
    trace = []
    for _ in range(rounds):
        epoch = limit.epoch
        sent = limit.value
        room = max(0, cap - others)
        ok, refused = min(sent, room), max(0, sent - room)
        # the refusals come back at once, while the accepted ones are still in flight
        for _ in range(refused):
            limit.on_rejected(ok + refused - 1, cap if header else None, epoch)
        for _ in range(ok):
            limit.on_success(ok, (ok + others) if header else None)
        accepted += ok
        rejected += refused
        trace.append(limit.value)
    return accepted, rejected, trace


def test_slow_start_doubles_each_round_until_the_first_refusal() -> None:
    limit = AimdLimit(initial=10, ceiling=100)
    _, rejected, trace = run_rounds(limit, cap=1000, rounds=4)
    assert trace == [20, 40, 80, 100]  # and the ceiling holds
    assert rejected == 0


@pytest.mark.parametrize("cap", [8, 60])
@pytest.mark.parametrize("header", [True, False])
def test_an_unknown_cap_is_found_and_held_with_few_refusals(cap: int, header: bool) -> None:
    limit = AimdLimit()
    accepted, rejected, trace = run_rounds(limit, cap=cap, rounds=200, header=header)
    assert rejected / (accepted + rejected) < 0.03
    # after the first rounds it stays within 10% (plus one) below the cap, and goes past it
    # only by the one request of a probe
    settled = trace[10:]
    assert max(settled) <= cap + 1
    assert min(settled) >= int(cap * 0.9) - 1
    # throughput close to the ideal of cap requests a round
    assert accepted >= 0.9 * cap * 200


def test_a_refusal_cuts_to_what_the_account_carried_in_one_step() -> None:
    limit = AimdLimit(initial=80, ceiling=100)
    assert limit.on_rejected(in_flight=79, account=60, sent_epoch=0)
    assert limit.value == 60
    assert limit.account_cap == 60
    assert not limit.slow_start
    # the other refusals of that same round change nothing more
    assert not limit.on_rejected(in_flight=78, account=60, sent_epoch=0)
    assert limit.value == 60


def test_a_refusal_near_the_limit_is_a_multiplicative_decrease() -> None:
    limit = AimdLimit(initial=50, ceiling=100)
    limit.on_rejected(in_flight=49, account=None, sent_epoch=0)
    assert limit.value == 45  # 0.9 * 50
    limit.on_rejected(in_flight=44, account=None, sent_epoch=1)
    assert limit.value == 40  # 0.9 * 45 = 40.5


def test_another_client_on_the_account_leaves_us_our_share() -> None:
    limit = AimdLimit(initial=40)
    # the account refused at 60 in flight, of which we had 25: the other 35 are someone else's
    limit.on_rejected(in_flight=25, account=60, sent_epoch=0)
    assert limit.value == 25
    accepted, rejected, _ = run_rounds(limit, cap=60, others=35, rounds=100)
    assert rejected <= 0.01 * (accepted + rejected)
    assert accepted >= 0.9 * 25 * 100


def test_probing_past_a_known_cap_is_ten_times_slower() -> None:
    limit = AimdLimit(initial=21)
    # a probe refused: told the account carried 20, the limit goes back to 20, not 0.9 x 21
    limit.on_rejected(in_flight=20, account=20, sent_epoch=0)
    assert limit.value == 20
    limit.limit = 18.0  # (others took two of the account's slots meanwhile)
    for _ in range(18):  # a round with headroom: about +1
        limit.on_success(18, 18)
    assert 18.95 < limit.limit <= 19.0
    full = AimdLimit(initial=20)
    full.on_rejected(in_flight=20, account=20, sent_epoch=0)
    full.limit = 20.0
    for _ in range(20):  # a round with the account at its cap: +0.1
        full.on_success(20, 20)
    assert 20.09 < full.limit < 20.11


def test_a_header_above_the_known_cap_raises_it() -> None:
    limit = AimdLimit(initial=20)
    limit.on_rejected(in_flight=20, account=20, sent_epoch=0)
    limit.on_success(18, 27)
    assert limit.account_cap == 27


def test_an_idle_client_does_not_grow_its_limit() -> None:
    limit = AimdLimit(initial=10)
    for _ in range(100):
        limit.on_success(in_flight=2, account=2)
    assert limit.value == 10


def test_floor_and_ceiling_hold() -> None:
    limit = AimdLimit(initial=3, floor=2, ceiling=5)
    for epoch in range(10):
        limit.on_rejected(in_flight=0, account=0, sent_epoch=epoch)
    assert limit.value == 2
    for _ in range(1000):
        limit.on_success(in_flight=limit.value, account=None)
    assert limit.value == 5
    assert AimdLimit(initial=500, ceiling=100).value == 100


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"floor": 0}, "floor"),
        ({"ceiling": 0}, "ceiling"),
        ({"floor": 5, "ceiling": 4}, "ceiling"),
        ({"initial": 0}, "initial"),
        ({"initial": True}, "initial"),
        ({"backoff": 1.0}, "backoff"),
        ({"backoff": 0.2}, "backoff"),
    ],
)
def test_nonsense_settings_are_refused_by_name(arguments: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AimdLimit(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("header", "value"),
    [("7", 7), (" 42 ", 42), (None, None), ("", None), ("-3", None), ("x", None), ("9" * 12, None)],
)
def test_the_concurrent_requests_header_is_read_leniently(
    header: str | None, value: int | None
) -> None:
    assert account_concurrency(header) == value


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_limiter_holds_callers_past_the_limit_in_fifo_order() -> None:
    clock = Clock()
    limiter = AdaptiveLimiter(AimdLimit(initial=2, ceiling=2), clock=clock)
    first = await limiter.acquire()
    await limiter.acquire()
    order: list[int] = []

    async def waiter(n: int) -> None:
        await limiter.acquire()
        order.append(n)

    tasks = [asyncio.ensure_future(waiter(n)) for n in range(3)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == []
    clock.now += 1.5
    first.succeeded()
    limiter.release()
    await asyncio.sleep(0)
    assert order == [0]
    limiter.release()
    limiter.release()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2]
    stats = limiter.stats
    assert stats.waits == 3
    assert stats.wait_seconds == pytest.approx(4.5)  # each waited from 100.0 to 101.5
    assert stats.max_in_flight == 2
    assert stats.in_flight == 2


async def test_a_cancelled_waiter_leaves_no_slot_behind() -> None:
    limiter = AdaptiveLimiter(AimdLimit(initial=1, ceiling=1))
    await limiter.acquire()
    task = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    limiter.release()
    assert limiter.in_flight == 0
    async with limiter.slot():
        assert limiter.in_flight == 1
    assert limiter.in_flight == 0


async def test_a_429_slows_new_requests_and_growth_wakes_waiters() -> None:
    limiter = AdaptiveLimiter(AimdLimit(initial=4, ceiling=8))
    permits = [await limiter.acquire() for _ in range(4)]
    permits[0].rejected(account=3)
    permits[0].rejected(account=3)  # reported twice: counted once
    limiter.release()
    stats = limiter.stats
    assert (stats.limit, stats.rejected, stats.decreases) == (3, 1, 1)
    assert stats.account_concurrency == 3
    blocked = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    assert not blocked.done()  # 3 in flight, limit 3
    for permit in permits[1:]:
        permit.succeeded(account=3)  # a round at the cap: +0.1
    assert not blocked.done()
    limiter.algorithm.limit = 3.95
    limiter.algorithm.account_cap = 10  # the account has room again
    permits[1].outcome = None
    permits[1].succeeded(account=2)  # headroom: +1/limit, crossing 4
    await asyncio.sleep(0)
    assert blocked.done()
    assert limiter.in_flight == 4
