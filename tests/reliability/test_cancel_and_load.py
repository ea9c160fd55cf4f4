"""Cancellation and load: no connection or task outlives the work, no socket beyond the pool.

Cancelling a consumer in the middle of a stream (with read-ahead, or sharded), a fan-out or a
follow must release every pooled connection and leave no task behind; the fake runs in its own
thread here so that every task on the test's loop belongs to the client. Under load, 500
streams share one client with ``max_connections=20``: all of them read exactly their records,
the fake never sees more than 20 connections, and memory stays bounded (nothing is retained
afterwards). A follow over thousands of polls (time compressed: each poll is a simulated
minute) keeps its dedupe set to the look-back window.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from twilio_monitor_async import FollowCheckpoint, RetryPolicy, TwilioMonitorClient
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from ..integration.cli_support import fake_in_thread
from . import _figures

FAST = RetryPolicy(attempts=8, backoff_initial=0.001, backoff_max=0.01, deadline=60)


def acquired(client: TwilioMonitorClient) -> int:
    """Connections the pool has handed out and not had back (aiohttp keeps them in _acquired)."""
    connector = client.connector
    assert connector is not None
    return len(connector._acquired)  # type: ignore[attr-defined]


async def settled(baseline: set[asyncio.Task[Any]]) -> set[asyncio.Task[Any]]:
    """The tasks still alive besides ``baseline`` once the loop has run what was scheduled
    (an abandoned generator is closed by a task the loop schedules for it)."""
    for _ in range(200):
        extra = asyncio.all_tasks() - baseline
        if not extra:
            return extra
        await asyncio.sleep(0.01)
    return asyncio.all_tasks() - baseline


Consume = Callable[[TwilioMonitorClient, asyncio.Event], Awaitable[None]]


async def consume(items: AsyncIterator[Any], started: asyncio.Event, after: int = 30) -> None:
    count = 0
    async for _ in items:
        count += 1
        if count >= after:
            started.set()
        await asyncio.sleep(0.001)  # the consumer's own work: cancellation often lands here


async def stream_prefetch(client: TwilioMonitorClient, started: asyncio.Event) -> None:
    await consume(client.alerts.stream(page_size=20), started)


async def stream_sharded(client: TwilioMonitorClient, started: asyncio.Event) -> None:
    records = client.alerts.stream(
        page_size=20, shards=4, start_date="2026-10-01", end_date="2026-11-21"
    )
    await consume(records, started)


async def fan_out(client: TwilioMonitorClient, started: asyncio.Event) -> None:
    sids = [alert.sid for alert in await client.alerts.list(limit=400)]
    await consume(client.alerts.fetch_many(sids, concurrency=15), started, after=40)


async def follow(client: TwilioMonitorClient, started: asyncio.Event) -> None:
    records = client.alerts.follow(since="2026-10-01", poll_interval=0.01)
    await consume(records, started)


@pytest.mark.parametrize("work", [stream_prefetch, stream_sharded, fan_out, follow])
async def test_cancelling_a_consumer_releases_connections_and_tasks(work: Consume) -> None:
    with fake_in_thread(alerts=1500, events=10, faults=FaultPlan(latency=0.003)) as fake:
        baseline = asyncio.all_tasks()
        async with fake.client(retry=FAST, max_connections=20) as client:
            started = asyncio.Event()
            consumer = asyncio.ensure_future(work(client, started))
            waiting = asyncio.ensure_future(started.wait())
            await asyncio.wait([consumer, waiting], return_when=asyncio.FIRST_COMPLETED)
            assert started.is_set() and not consumer.done(), "cancel in the middle of the work"
            consumer.cancel()
            with pytest.raises(asyncio.CancelledError):
                await consumer
            assert await settled(baseline) == set(), "a task outlived the cancelled consumer"
            assert acquired(client) == 0, "a connection was not released"
            # the client is still whole: the next request works
            assert len(await client.alerts.list(limit=5)) == 5
            assert acquired(client) == 0
        assert client.connector is None or client.connector.closed
    _figures.add("cancellation", {"scenarios": 1})


async def test_500_concurrent_streams_share_20_connections() -> None:
    async with FakeTwilio(alerts=3000, events=10) as fake:
        sids = [record["sid"] for record in fake.state.collections["alerts"]]
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ResourceWarning)
                async with fake.client(retry=FAST, max_connections=20) as client:

                    async def one(index: int) -> int:
                        # check as the records come, keeping none: what stays in memory
                        # afterwards is the client's, not the test's
                        expected = sids[: 60 + index % 100]
                        got = client.alerts.stream(limit=len(expected), page_size=40)
                        count = 0
                        async for alert in got:
                            assert alert.sid == expected[count]
                            count += 1
                        assert count == len(expected)
                        return count

                    counts = await asyncio.gather(*(one(i) for i in range(500)))
                    # sockets: the fake counts open connections at every request
                    assert 0 < fake.stats.peak_connections <= 20
                    assert fake.stats.max_in_flight <= 20
                    peak = tracemalloc.get_traced_memory()[1] - before
                gc.collect()
            retained = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    records = sum(counts)
    assert records == sum(60 + index % 100 for index in range(500))
    # each stream holds at most its current and read-ahead page: a fraction of the 55k records
    assert peak < 96 * 2**20, f"{peak / 2**20:.0f} MiB at the peak"
    assert retained < 8 * 2**20, f"{retained / 2**20:.1f} MiB kept after the streams ended"
    _figures.add(
        "load: 500 streams, max_connections=20",
        {
            "streams": 500,
            "records checked": records,
            "requests": fake.stats.requests,
            "peak connections at the fake": fake.stats.peak_connections,
            "peak traced MiB": peak // 2**20,
        },
    )


async def test_a_long_follow_keeps_its_dedupe_set_to_the_lookback_window() -> None:
    polls = 2000
    lookback = timedelta(minutes=5)
    clock = datetime(2026, 1, 1, tzinfo=timezone.utc)
    added: list[str] = []
    last_batch: list[str] = []
    seen_sizes: list[int] = []
    objects: list[int] = []

    def iso(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    async with FakeTwilio(alerts=0, events=0) as fake:
        alerts = fake.state.collections["alerts"]

        def arrive(checkpoint: FollowCheckpoint) -> None:
            # one simulated minute per poll: one or two alerts now, and every third minute one
            # that is listed late (dated two minutes ago, still inside the look-back)
            nonlocal clock
            clock += timedelta(minutes=1)
            seen_sizes.append(len(checkpoint.seen))
            batch = [clock, clock + timedelta(seconds=30)][: 1 + len(added) % 2]
            if len(seen_sizes) % 3 == 0:
                batch.append(clock - timedelta(minutes=2))
            last_batch[:] = [
                fake.state.add_alert(date_generated=iso(moment))["sid"] for moment in batch
            ]
            added.extend(last_batch)
            for record in list(alerts):  # the fake forgets old alerts: its cost stays flat
                if record["date_generated"] < iso(clock - 2 * lookback):
                    alerts.remove(record["sid"])
            if len(seen_sizes) in (polls // 2, polls):
                # by half-way every bounded buffer (the fake's last 1000 requests, the pool)
                # is full: from there on the live objects must stay flat while ~2000 more
                # records pass through the follow
                gc.collect()
                objects.append(len(gc.get_objects()))

        async with fake.client(retry=FAST) as client:
            followed = client.alerts.follow(
                since=iso(clock),
                poll_interval=0,
                lookback=lookback,
                max_polls=polls,
                on_poll=arrive,
            )
            got = [alert.sid async for alert in followed]
    assert len(got) == len(set(got)), "a record was emitted twice"
    # every alert once, late ones included; only those added after the last poll are unread
    assert set(got) == set(added) - set(last_batch)
    # the dedupe set holds the look-back window (about 5 minutes of alerts), never the history
    assert max(seen_sizes) <= 20
    assert len(got) > 2500
    growth = objects[1] - objects[0]
    assert growth < 500, f"{growth} more live objects after {polls // 2} more polls"
    _figures.add(
        "long follow",
        {
            "polls": polls,
            "records followed": len(got),
            "largest dedupe set": max(seen_sizes),
            "live objects grown over the second half": max(growth, 0),
        },
    )
