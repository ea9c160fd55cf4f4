"""The client finds an account's concurrency cap it is not told, over loopback.

A small server refuses at once (429, code 20429) whatever would take it past ``cap`` requests in
flight, and sends ``Twilio-Concurrent-Requests`` on every answer, as Twilio does. Every fan-out
item must come back, the server must never carry more than its cap, and the client's stats must
show what happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from twilio_monitor_async import RetryPolicy, TwilioMonitorClient
from twilio_monitor_async.testing import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN

RETRY = RetryPolicy(attempts=30, backoff_initial=0.001, backoff_max=0.01, deadline=60)


class CappedServer:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.in_flight = 0
        self.most = 0
        self.requests = 0
        self.rejected = 0
        self.release = asyncio.Event()

    async def alert(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.in_flight >= self.cap:
            self.rejected += 1
            return web.json_response(
                {"code": 20429, "message": "Too Many Requests", "status": 429},
                status=429,
                headers={"Twilio-Concurrent-Requests": str(self.in_flight)},
            )
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        concurrent = self.in_flight
        try:
            await asyncio.sleep(0.002)  # the work: a little time, so requests overlap
        finally:
            self.in_flight -= 1
        sid = request.match_info["sid"]
        return web.json_response(
            {"sid": sid, "log_level": "error"},
            headers={"Twilio-Concurrent-Requests": str(concurrent)},
        )


@pytest.fixture
async def capped() -> AsyncIterator[tuple[CappedServer, str]]:
    server = CappedServer(cap=5)
    app = web.Application()
    app.router.add_get("/v1/Alerts/{sid}", server.alert)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def _sids(n: int) -> list[str]:
    return [f"NO{i:032x}" for i in range(n)]


async def test_fetch_many_finds_an_unknown_cap_and_loses_nothing(
    capped: tuple[CappedServer, str],
) -> None:
    server, url = capped
    sids = _sids(200)
    async with TwilioMonitorClient(
        FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls={"monitor": url}, retry=RETRY
    ) as client:
        outcomes = [o async for o in client.alerts.fetch_many(sids, concurrency=100)]
        stats = client.stats.concurrency
    assert all(o.ok for o in outcomes)
    assert sorted(o.unwrap().sid for o in outcomes) == sids
    assert server.most <= server.cap
    # it found the cap: a few 429s, then (almost) none
    assert 1 <= stats.rejected == server.rejected
    assert stats.rejected < 0.15 * server.requests
    assert stats.decreases >= 1
    assert stats.limit <= server.cap + 1
    assert stats.account_concurrency is not None
    assert stats.max_in_flight <= 100
    assert stats.waits > 0


async def test_the_pool_follows_the_limit_ceiling_unless_capped(
    capped: tuple[CappedServer, str],
) -> None:
    _, url = capped
    for options, ceiling, pool in (
        ({}, 100, 100),
        ({"max_connections": 7}, 7, 7),  # a hard cap on the pool caps the limit too
        ({"max_in_flight": 30}, 30, 30),
        ({"max_in_flight": 30, "max_connections": 50}, 30, 50),
    ):
        async with TwilioMonitorClient(
            FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls={"monitor": url}, **options
        ) as client:
            await client.alerts.fetch(_sids(1)[0])
            assert client.stats.concurrency.ceiling == ceiling
            assert client.connector is not None
            assert client.connector.limit == pool
